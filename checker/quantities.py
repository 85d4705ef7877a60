"""Find the figures in a text and read each into a value and an interval.

One pass of one compiled pattern (built from ``rules/``) finds every candidate:
numerals with separators, decimals and scales (10,000; 1.2m; $4bn), number words
(two hundred, a dozen), vague quantities (thousands, tens of thousands), with the
hedges, currencies, percent signs and range partners around them. Each candidate is
then checked against the non-claim patterns (dates, years, clock times, ordinals,
designations, idioms, time references) and read into a ``Quantity``.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import regex

from .model import Quantity
from .numbers import parse_number, significant_figures
from .rules import Hedge, Rules
from .units import find_rate, find_unit

_NUMERAL = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]*\.\d)|\.\d+"


def _alt(words: list[str] | tuple[str, ...] | set[str] | frozenset[str]) -> str:
    """A regex alternation of literal phrases, longest first, spaces as any white space."""
    parts = sorted({w for w in words}, key=lambda w: (-len(w), w))
    return "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in parts)


@dataclass(frozen=True)
class _Compiled:
    pattern: Any
    pre_hedges: dict[str, Hedge]
    post_hedges: dict[str, Hedge]
    vague: dict[str, Any]
    multipliers: dict[str, Any]


@lru_cache(maxsize=8)
def _compile(rules: Rules) -> _Compiled:
    word_nums = list(rules.units) + list(rules.tens)
    scales = list(rules.scales)
    collectives = list(rules.collectives)
    w = _alt(word_nums + scales + collectives)
    big = _alt(scales + collectives)
    word_number = (
        rf"(?:(?:half|a\s+quarter\s+of)\s+an?\s+(?:{big})"
        rf"|an?\s+(?:{big})(?:\s+(?:and\s+)?(?:{w}))*"
        rf"|(?:{w})(?:(?:[\s-]+|(?<=(?:{big}))\s+and\s+)(?:{w}))*"
        rf"(?:\s+and\s+a\s+half(?:\s+(?:{big}))?)?)"
    )
    glued = _alt([k for k, (_, g) in rules.suffixes.items()])
    spaced = _alt([k for k, (_, g) in rules.suffixes.items() if not g])
    numeral = (rf"(?:{_NUMERAL})(?:(?:{glued})(?![\p{{L}}\d])|\s(?:{spaced})\b"
               rf"|(?:\s+|-)(?:{_alt(scales)})s?\b)?")
    number = rf"(?:{numeral}|\b{word_number}\b)"
    pre = {w.lower(): h for h in rules.hedges if not h.after for w in h.words}
    post = {w.lower(): h for h in rules.hedges if h.after for w in h.words}
    vague = {w.lower(): v for v in rules.vague for w in v.words}
    mult = {w.lower(): v for v in rules.multipliers for w in v.words}
    cur = _alt(list(rules.currency_symbols))
    curw = _alt(list(rules.currency_words))
    post_alt = "|".join(
        (regex.escape(p) if p[0] in "+-" else r"\s+" + regex.escape(p).replace(r"\ ", r"\s+"))
        + r"(?!\s+than\b)(?![\w])" for p in sorted(post, key=len, reverse=True))
    pct = r"(?:\s?%|\s?per\s?cent\b|\s+percent\b|\s+pct\b|\s+percentage\s+points?\b)"
    pattern = rf"""
    (?P<pre>\b(?:{_alt(list(pre))})\s+)?
    (?P<frame>\b(?:between|from)\s+)?
    (?P<cur>(?<![\p{{L}}\d])(?:{cur})\s?)?
    (?:
        (?P<vague>\b(?:{_alt(list(vague))})\b)
      | (?P<mult>\b(?:{_alt(list(mult))}))\s+(?P<mscale>(?:{big}))\b
      | (?P<sign>(?<![\w.,)+\-–−])[-−+](?=\d)|\b(?:minus|negative)\s+(?=\w))?
        (?P<n1>(?(cur)|(?<![\w.,])){number})
        (?P<pct1>{pct})?
        (?:(?P<sep>[-–—]\s*|\s+[-–—]\s+|\s+(?:to|and|or)\s+)
           (?P<cur2>(?:{cur})\s?)?
           (?P<sign2>(?<=\s)[-−](?=\d))?
           (?P<n2>(?<![\w.,]){number}(?![\d]))
        )?
    )
    (?P<pct>{pct})?
    (?P<curw>\s+(?:{curw})\b)?
    (?P<post>{post_alt})?
    """
    flags = regex.IGNORECASE | regex.VERBOSE
    return _Compiled(regex.compile(pattern, flags), pre, post, vague, mult)


def _spans(text: str, rules: Rules) -> list[tuple[int, int, str]]:
    """Every non-claim span of the text, sorted by start."""
    out: list[tuple[int, int, str]] = []
    for nc in rules.non_claims:
        for m in nc.pattern.finditer(text):
            if m.end() > m.start():
                out.append((m.start(), m.end(), nc.reason))
    out.sort()
    return out


class _NonClaims:
    """Answers whether a span lies inside a non-claim match."""

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        self.spans = spans
        self.starts = [s for s, _, _ in spans]
        self.max_len = max((e - s for s, e, _ in spans), default=0)

    def reason(self, start: int, end: int) -> str | None:
        i = bisect_right(self.starts, start)
        j = i - 1
        while j >= 0 and self.spans[j][0] >= start - self.max_len:
            s, e, why = self.spans[j]
            if s <= start and end <= e:
                return why
            j -= 1
        return None


def _bound(b: tuple[str, float], v: float) -> float:
    kind, factor = b
    if kind == "v":
        return v * factor
    return factor


def _slack(numeral: str, value: float, rules: Rules) -> float:
    """The rounding a written figure implies, in its own units."""
    m = regex.search(r"\d[\d,]*(?:\.\d+)?", numeral)
    if not m:  # a number in words: "ten thousand" is as round as 10,000
        digits = f"{value:.0f}" if value == int(value) else f"{value}"
    else:
        digits = m.group(0)
    sig, trailing = significant_figures(digits)
    scale = value / float(digits.replace(",", "")) if m and float(digits.replace(",", "")) else 1.0
    if trailing or (scale >= 1000 and "." not in digits and m is not None):
        return abs(value) * rules.round_slack.get(sig, 0.0)
    if scale >= 1000:  # "1.2 million": a decimal with a scale is a rounded figure
        return abs(value) * rules.round_slack.get(sig, 0.0)
    last_unit = 10 ** -len(digits.split(".", 1)[1]) if "." in digits else 1.0
    return last_unit * scale * rules.last_digit_share


def _is_glued_metre(text: str, n_end: int, raw: str, has_currency: bool) -> bool:
    """Whether "3m" means three metres rather than three million."""
    if has_currency or not raw.lower().endswith("m") or raw[-2:-1].isspace():
        return False
    follow = text[n_end:n_end + 30].lower()
    return bool(regex.match(r"[\s-]*(?:high|tall|long|wide|deep|away|above|below|thick|"
                            r"of\s+(?:water|snow|rain)|in\s+(?:height|length|diameter))\b", follow))


def find_quantities(text: str, rules: Rules) -> list[Quantity]:
    """Every figure in ``text`` that states a quantity, in order; [] when none."""
    comp = _compile(rules)
    nonclaims: _NonClaims | None = None
    out: list[Quantity] = []
    for m in comp.pattern.finditer(text):
        if nonclaims is None:
            nonclaims = _NonClaims(_spans(text, rules))
        q = _read(m, text, rules, comp, nonclaims)
        if q is not None:
            out.extend(_with_change(text, x) for x in q)
    return out


# A figure right after a verb of change is the size of a change, not a level:
# "rose 6.5%", "fell by 3", "edged down 0.03%". A figure after "to" is the new level.
_UP = ("rose|risen|rises|rise|rising|up|gained|gains|gain|gaining|climbed|climbs|climbing|"
       "jumped|jumps|jump|increased|increases|increase|increasing|grew|grows|grow|growing|"
       "soared|soars|surged|surges|advanced|advances|rallied|rebounded|spiked|boosted|"
       "higher|improved|widened|expanded|swelled")
_DOWN = ("fell|falls|fall|fallen|falling|dropped|drops|drop|dropping|declined|declines|"
         "decline|declining|decreased|decreases|decrease|lost|loses|lose|losing|slipped|slips|"
         "slid|slides|sank|sinks|sunk|plunged|plunges|plummeted|tumbled|tumbles|down|lower|"
         "shed|sheds|eased|eases|dipped|dips|retreated|slumped|shrank|shrunk|contracted|"
         "narrowed|lowered")
_CHANGE_BEFORE = regex.compile(
    rf"\b(?:(?P<up>{_UP})|(?P<down>{_DOWN}))\s+(?:by\s+)?(?:a\s+further\s+|another\s+)?$",
    regex.IGNORECASE)


def _with_change(text: str, q: Quantity) -> Quantity:
    """The quantity with ``change`` set to up or down when it states the size of a change."""
    m = _CHANGE_BEFORE.search(text, max(0, q.start - 40), q.start)
    change = ""
    if m:
        change = "up" if m.group("up") else "down"
    elif q.unit in ("percent", "percentage point") and q.surface[:1] == "+":
        change = "up"  # "Dow +0.2%"
    elif q.unit in ("percent", "percentage point") and q.surface[:1] in "-−" and q.value < 0:
        change = "down"
    return replace(q, change=change) if change else q


def _read(m: Any, text: str, rules: Rules, comp: _Compiled,
          nonclaims: _NonClaims) -> list[Quantity] | None:
    core_start = min(i for i in (m.start("cur"), m.start("vague"), m.start("mult"),
                                 m.start("sign"), m.start("n1")) if i >= 0)
    num_start = next(i for i in (m.start("vague"), m.start("mult"), m.start("n1")) if i >= 0)
    num_end = max(m.end("vague"), m.end("mscale"), m.end("n1"), m.end("n2"))
    if nonclaims.reason(num_start, num_end) or nonclaims.reason(num_start, min(num_end, m.end("n1")
                                                                              if m.end("n1") > 0
                                                                              else num_end)):
        return None
    pre = m.group("pre")
    hedge = comp.pre_hedges.get(regex.sub(r"\s+", " ", pre.strip().lower())) if pre else None
    post = m.group("post")
    post_hedge = comp.post_hedges.get(regex.sub(r"\s+", " ", post.strip().lower())) if post else None
    currency = None
    cur_text = m.group("cur") or m.group("cur2")
    if cur_text:
        currency = rules.currency_symbols.get(cur_text.strip())
    if m.group("curw"):
        currency = currency or rules.currency_words.get(regex.sub(r"\s+", " ",
                                                                  m.group("curw").strip().lower()))
    percent = m.group("pct") or m.group("pct1")
    unit = currency or ("percent" if percent else "count")
    if percent and "point" in percent.lower():
        unit = "percentage point"

    framed = m.group("frame") and m.group("n2") is not None
    start = m.start("pre") if pre else (m.start("frame") if framed else core_start)
    end = m.end()
    if post and post_hedge is None:
        end = m.start("post")

    if m.group("vague") is not None:
        v = comp.vague[regex.sub(r"\s+", " ", m.group("vague").lower())]
        value, low, high, qualifier, vague = v.value, v.low, v.high, "vague", True
        slack = 0.0
        if hedge is not None:
            low, high, qualifier = _apply_hedge(hedge, v.low, v.high, v.value)
        return [_make(text, start, end, value, low, high, qualifier, unit, True, slack,
                      num_start, num_end, hedge)]
    if m.group("mult") is not None:
        mv = comp.multipliers[regex.sub(r"\s+", " ", m.group("mult").lower())]
        scale = parse_number(m.group("mscale"), rules) or 1.0
        return [_make(text, start, end, mv.value * scale, mv.low * scale, mv.high * scale,
                      "vague", unit, True, 0.0, num_start, num_end, hedge)]

    n1_text = m.group("n1")
    v1 = parse_number(n1_text, rules)
    if v1 is None:
        return None
    if m.group("sign") and m.group("sign").strip().lower() not in ("+",):
        v1 = -v1  # "-1.3%", "minus 5"
    raw_scale_metre = _is_glued_metre(text, m.end("n1"), n1_text, currency is not None)
    if raw_scale_metre:
        v1 = float(n1_text[:-1].replace(",", ""))
        unit = "m"
    if m.group("n2") is None:
        return _single(m, text, rules, v1, n1_text, unit, hedge, post_hedge, start, end,
                       num_start, num_end, percent is not None or currency is not None)
    return _range(m, text, rules, v1, n1_text, unit, hedge, start, end, num_start, num_end)


def _apply_hedge(h: Hedge, low: float, high: float, value: float) -> tuple[float, float, str]:
    """The interval of a hedged figure or vague quantity."""
    lo = _bound(h.low, low if h.low[0] == "v" and h.qualifier in ("more_than", "at_least")
                else value) if h.low[0] == "v" else _bound(h.low, value)
    hi = _bound(h.high, high if h.high[0] == "v" and h.qualifier in ("at_most", "less_than",
                                                                     "denial") else value)
    if h.qualifier in ("more_than", "at_least") and h.low[0] == "v":
        lo = _bound(h.low, low)
    return min(lo, hi), max(lo, hi), h.qualifier


def _single(m: Any, text: str, rules: Rules, value: float, n_text: str, unit: str,
            hedge: Hedge | None, post_hedge: Hedge | None, start: int, end: int,
            num_start: int, num_end: int, typed: bool) -> list[Quantity] | None:
    lowered = n_text.lower().strip()
    if hedge is None and post_hedge is None and not typed and lowered in ("one", "a", "an"):
        if lowered != "one" or not _ONE_COUNTS.match(text, m.end("n1")):
            return None  # a bare "one" is a pronoun or an article far more often than a count
    if unit == "count" or unit == "m":
        found = find_unit(text, m.end(), rules)
        if found is not None and unit == "count":
            unit, unit_end = found
            end = max(end, unit_end)
    if unit != "count" and not unit.startswith("percent") and not typed:
        # a measurement rate; money "a day" stays money (the figure is what is compared)
        rate = find_rate(text, end, rules)
        if rate is not None:  # "$3,500 a month", "87 km/h", "325,000 barrels per day"
            unit, end = f"{unit}/{rate[0]}", rate[1]
    slack = _slack(n_text, value, rules)
    low = high = value
    qualifier = "exact"
    h = hedge or post_hedge
    if h is not None:
        low, high, qualifier = _apply_hedge(h, value, value, value)
        if qualifier == "denial":
            q = _make(text, start, end, high, low, high, qualifier, unit, False, 0.0,
                      num_start, num_end, h, denied=value)
            return [q]
    return [_make(text, start, end, value, low, high, qualifier, unit, False, slack,
                  num_start, num_end, h)]


def _range(m: Any, text: str, rules: Rules, v1: float, n1_text: str, unit: str,
           hedge: Hedge | None, start: int, end: int, num_start: int,
           num_end: int) -> list[Quantity] | None:
    sep = m.group("sep").strip().lower()
    frame = (m.group("frame") or "").strip().lower()
    n2_text = m.group("n2")
    v2 = parse_number(n2_text, rules)
    if v2 is None:
        return None
    if m.group("sign2"):
        v2 = -v2
    if (sep == "and" and frame != "between") or (frame == "between" and sep != "and"):
        return _split(m, text, rules, unit, hedge)
    if sep == "or":
        return _split(m, text, rules, unit, hedge)  # "eight or nine": two figures, each possible
    if sep == "to" and regex.search(r"\bby\s+$", text[max(0, m.start() - 10):m.start()]):
        return _split(m, text, rules, unit, hedge)  # "rose by 40 to 400": the change, the level
    if frame == "from" and _is_change(text, m.start()):
        return _split(m, text, rules, unit, hedge)
    if bool(m.group("pct1")) != bool(m.group("pct")) and m.group("pct1"):
        return _split(m, text, rules, unit, hedge)
    # "30-40,000", "3 to 4 million": the first figure borrows the second's scale
    if v1 < v2 and v2 >= 1000 and not regex.search(r"[,.]|[a-z]", n1_text.lower()):
        for factor in (1e12, 1e9, 1e6, 1e3):
            if v2 >= factor and v1 * factor <= v2 and v1 < 1000:
                if v1 * factor * 10 > v2 or factor >= 1e6:
                    v1 *= factor
                break
    if v1 > v2 and frame in ("from", "between") and sep in ("to", "and"):
        v1, v2 = v2, v1  # "ranged from -18 to -34": the range, lowest first
    if v1 >= v2:
        if sep in ("-", "–", "—") and v2 < v1:
            return None  # a score ("won 3-1") or a code, not a range
        return _split(m, text, rules, unit, hedge)
    if unit == "count":
        found = find_unit(text, m.end(), rules)
        if found is not None:
            unit, unit_end = found
            end = max(end, unit_end)
    value = (v1 + v2) / 2
    low, high = v1, v2
    if hedge is not None and hedge.qualifier == "approximate":
        low, high = low * hedge.low[1], high * hedge.high[1]
    slack = min(_slack(n1_text, v1, rules), _slack(n2_text, v2, rules))
    return [_make(text, start, end, value, low, high, "range", unit, False, slack, num_start,
                  num_end, hedge)]


# "one" counts when a noun follows it ("one man", "one count of fraud"), not when a
# pronoun use or a function word does ("one that", "one in four").
_ONE_COUNTS = regex.compile(
    r"\s+(?!(?:of|that|which|who|whom|in|to|and|or|but|is|was|has|had|will|would|can|could|"
    r"may|might|must|should|does|did|another|other|more|less|day|way|thing|time|point|hand|"
    r"side|reason|step|on|by|after|for|with|at|as|than|per|the|a|an|said|says)\b)"
    r"[a-z][a-z-]+(?:\s|[.,;:!?]|$)")


def _split(m: Any, text: str, rules: Rules, unit: str, hedge: Hedge | None) -> list[Quantity]:
    """Two figures that only looked like a range: read each on its own."""
    out: list[Quantity] = []
    first_end = m.end("pct1") if m.group("pct1") else m.end("n1")
    second_start = m.start("cur2") if m.group("cur2") else m.start("n2")
    first = find_quantities_at(text, m.start(), first_end, rules)
    second = find_quantities_at(text, second_start, m.end(), rules)
    if second and second[-1].unit == "count":
        found = find_unit(text, m.end(), rules)  # "45 and 50 mg": the unit after the pair
        if found is not None:
            last = second[-1]
            second[-1] = replace(last, unit=found[0], end=found[1],
                                 surface=text[last.start:found[1]])
    if second and second[0].unit != "count":
        # "eight or nine euros", "45 and 50 mg": the unit written once serves both figures
        first = [replace(q, unit=second[0].unit) if q.unit == "count" else q for q in first]
    return first + second


def find_quantities_at(text: str, start: int, end: int, rules: Rules) -> list[Quantity]:
    """The quantities of one piece of a text, with offsets into the whole text."""
    piece = text[start:end]
    comp = _compile(rules)
    nonclaims = _NonClaims(_spans(text, rules))
    out: list[Quantity] = []
    for m in comp.pattern.finditer(piece):
        if m.group("n2") is not None:
            continue
        for q in _read(m, piece, rules, comp, _NonClaims([])) or []:
            s, e = q.start + start, q.end + start
            if nonclaims.reason(q.number_start + start, q.number_end + start):
                continue
            out.append(Quantity(s, e, text[s:e], q.value, q.low, q.high, q.qualifier, q.unit,
                                q.vague, q.denied, q.change, q.number_start + start,
                                q.number_end + start, q.slack))
    return out


_CHANGE_VERBS = regex.compile(
    r"\b(?:rose|risen|rising|rise|rises|increased|increase|increases|increasing|climbed|climb|"
    r"jumped|grew|grown|fell|fallen|falls|dropped|drop|declined|decreased|decrease|cut|raised|"
    r"raise|lowered|revised|up|down|went|soared|surged|slipped|plunged|doubled|tripled|"
    r"swelled|reduced|shrank|expanded|moved|changed)\s+(?:\w+\s+)?$", regex.IGNORECASE)


def _is_change(text: str, pos: int) -> bool:
    return bool(_CHANGE_VERBS.search(text, max(0, pos - 40), pos))


def _make(text: str, start: int, end: int, value: float, low: float, high: float,
          qualifier: str, unit: str, vague: bool, slack: float, num_start: int, num_end: int,
          hedge: Hedge | None, denied: float | None = None) -> Quantity:
    while end > start and text[end - 1] in " \t,;:":
        end -= 1
    if not math.isfinite(value):
        value = low
    return Quantity(start, end, text[start:end], value, low, high, qualifier, unit, vague,
                    denied, "", num_start, num_end, slack)
