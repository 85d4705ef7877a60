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
from typing import Any, NamedTuple

import regex

from . import scan
from .model import Quantity
from .numbers import parse_number, read_words, significant_figures
from .rules import Hedge, Rules
from .changes import is_change, with_change
from .joins import implicit_units, join_pairs
from .text import alternation as _alt
from .text import compiled
from .units import find_rate, find_unit

_NUMERAL = (
    # scientific notation: 1e10, 12.32e+14, 5.5x10-3, 2.48×10−5, 4×10^14
    r"(?:\d+(?:\.\d+)?[eE][+\-−]?\d+(?![\w.])"
    r"|\d+(?:\.\d+)?\s?[x×]\s?10(?:\^[+\-−]?\d+|[+\-−⁻][\d⁰¹²³⁴⁵⁶⁷⁸⁹]+|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)(?![\d.])"
    # a power of another base, with its caret: 8x2^10
    r"|\d+(?:\.\d+)?\s?[x×]\s?(?:[2-9]|1[1-6])\^[+\-−]?\d{1,3}(?![\d.])"
    # fractions in digits: 3/4, 2 1/2, 1⁄32, 2½, ½
    r"|(?:\d+[ \t]{1,2})?\d{1,3}[/⁄]\d{1,3}(?![\d/⁄.,])"
    r"|\d*[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞]"
    # Indian grouping (12,34,567.89) and thousands grouped by spaces (1 234 567, 40 000)
    r"|\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?(?![\d,])"
    r"|\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:\.\d+)?(?![\d]|[,.]\d)"
    r"|(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]*\.\d)|\.\d+)"
)


def _symbol_alt(symbols: list[str]) -> str:
    """A regex alternation of currency symbols; in a symbol with a sign ("US$", "HK $") the
    letters may carry full stops and stand a space apart from the sign: "U.S.$", "u.s $"."""
    parts = set()
    for sym in symbols:
        if compiled(r"[\p{L}.\s]+").fullmatch(sym):
            parts.add(regex.escape(sym).replace(r"\ ", r"\s+"))
            continue
        out = []
        for ch in sym:
            if ch.isalpha():
                out.append(regex.escape(ch) + r"\.?")
            elif ch.isspace():
                out.append(r"\s?")
            elif ch != ".":
                out.append(regex.escape(ch))
        parts.add("".join(out))
    return "|".join(sorted(parts, key=lambda p: (-len(p), p)))


def _symbol_key(sym: str) -> str:
    """A currency symbol without case, spaces or full stops: "u.s $" and "US$" are one."""
    return "".join(ch for ch in sym if not ch.isspace() and ch != ".").upper()


# A bound after a figure ("500 or more", "65 and over") is not one when a figure follows
# it: "above 1000 and below 1500", "200 or greater than 190" are two figures.
_NO_FIGURE_AFTER = (r"(?!\s*(?:\d|[$£€¥]|(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|an?\s+half|"
                    r"half)\b))")


@dataclass(frozen=True)
class _Compiled:
    pattern: Any
    pre_hedges: dict[str, Hedge]
    post_hedges: dict[str, Hedge]
    vague: dict[str, Any]
    multipliers: dict[str, Any]
    prefix: Any  # hedges glued before a figure ("sub-500"), searched back from it
    decades: dict[str, Any]  # "early", "mid", "late": how they narrow "the 30s"
    decade_word: Any  # one of those words right before a figure
    symbols: dict[str, str]  # currency symbols by _symbol_key


@lru_cache(maxsize=8)
def _compile(rules: Rules) -> _Compiled:
    units = _alt(list(rules.units))
    tens = _alt(list(rules.tens))
    scales = list(rules.scales)
    card = _alt(list(rules.units) + list(rules.tens) + scales)
    den = _alt(list(rules.fractions))
    coll_words = list(rules.collectives) + [c.replace("'", "’") for c in rules.collectives
                                            if "'" in c]
    coll = _alt(coll_words + [c + "s" for c in coll_words])
    big = _alt(scales + coll_words)
    sc = _alt(scales)
    thousands = _alt([w for w, v in rules.scales.items() if v >= 1000])
    # A run of number words: the reader (numbers.read_words) splits it into numbers,
    # fractions and ordinals. Collectives, fractions and "point" only continue a run.
    conn = (rf"(?:\s*-\s*(?=(?:{units}|{den})\b)|-(?=(?:{card}|{den}|first|second)s?\b)"
            rf"|\s+(?=(?:{card}|{den}|{coll})\b)"
            rf"|(?<=\b(?:{big}))\s+(?:and|&)\s+(?=(?:{card})\b)"
            # "three million, two hundred and forty": a comma after a scale, before hundreds
            rf"|(?<=\b(?:{thousands})),\s+(?=(?:{units}|{tens})(?:[\s-]+(?:{units}))?\s+hundred\b)"
            rf"|\s+and\s+(?:an?\s+)?(?=(?:(?:{units})[\s-]+)?(?:{den})\b)"
            rf"|\s+point\s+(?=(?:{units}|{tens})\b)"
            rf"|\s+(?:of\s+)?an?\s+(?=(?:{big})\b))")
    word = rf"(?:{card}|{den}|{coll}|(?<=-)(?:first|second)s?)"
    pre = {w.lower(): h for h in rules.hedges if not h.after for w in h.words}
    pre_words = [w for w in pre if w[:1].isalpha() and not w.endswith("-")]
    start = (rf"(?:an?\s+(?=(?:{big}|{den})\b|(?:{tens})-(?:{den}|first|second)\b)"
             rf"|(?<!\b(?:first|second|other|the|a|an|one|each)\s+)(?=half\s+(?:of|the|an?|its|"
             rf"their|his|her|our|those|these|them|all|{sc})\b)"
             # a hedge makes a bare "half" a figure: "more than half", "nearly half."
             rf"|(?=half\b(?![\s-]*(?:time|way|-)))(?<=\b(?:{_alt(pre_words)})\s+)"
             rf"|(?=quarter\s+(?:{sc})\b)"
             rf"|(?=(?:{card})\b))")
    word_number = rf"(?:{start}{word}(?:{conn}{word})*)"
    fold = rf"(?:\d+(?:\.\d+)?|(?:{card})(?:-(?:{card}))?)-?fold"
    glued = _alt([k for k, (_, g) in rules.suffixes.items()])
    spaced = _alt([k for k, (_, g) in rules.suffixes.items() if not g])
    counts = _alt([c for c, v in rules.collectives.items() if v >= 12])
    numeral = (rf"(?:{_NUMERAL})(?:(?:{glued})(?![\p{{L}}\d])|\s(?:{spaced})\b"
               rf"|(?:\s+|-)(?:{_alt(scales)})s?\b(?:\s+(?:{thousands})\b(?!-))*"
               rf"(?:\s+and\s+an?\s+(?:half|quarter)\b)?"
               # "4 thousand 3 hundred and 21": digits and scale words in falling order
               rf"(?:\s+\d{{1,3}}\s+(?:{_alt(scales)})\b)*"
               rf"(?:(?<=hundred)\s+and\s+(?:\d{{1,2}}(?![\d,.]|\s*%|\s+(?:{sc})\b)"
               rf"|(?:{tens})(?:-(?:{units}))?\b|(?:{units})\b))?"
               rf"|\s+(?:{counts})s?\b)?")
    number = rf"(?:\b{fold}\b|{numeral}|\b{word_number}\b)"
    post = {w.lower(): h for h in rules.hedges if h.after for w in h.words}
    vague = {w.lower(): v for v in rules.vague for w in v.words}
    mult = {w.lower(): v for v in rules.multipliers for w in v.words}
    # two capitals ("PS" for £, "RM") stand for a currency only when they touch the digits;
    # a symbol in letters never follows an apostrophe ("last year's $3.9bn" is no "S $")
    cur_glued = [c for c in rules.currency_symbols if compiled(r"[A-Z]{2}").fullmatch(c)]
    cur = _symbol_alt([c for c in rules.currency_symbols if c not in cur_glued])
    cur_g = _alt(cur_glued) if cur_glued else "(?!)"
    curw = _alt([w for w in rules.currency_words if len(w) > 1])
    # a one-letter word ("p") touches the digits; a sign ("€", "$") may stand apart: "10 €"
    curw_short = _alt([w for w in rules.currency_words if len(w) == 1 and w.isalpha()]) \
        or "(?!)"
    curw_sign = _alt([w for w in rules.currency_words if len(w) == 1 and not w.isalpha()]) \
        or "(?!)"
    # a currency code glued after the digits, in capitals: "115USD"
    codes = _alt([c for c in rules.currency_symbols if compiled(r"[A-Z]{3}").fullmatch(c)]) or "(?!)"
    # a code with a scale letter before it, as finance writes millions: "30 MUSD", "MEUR 5"
    letters = "".join(sorted(k.upper() for k in rules.suffixes if len(k) == 1))
    scaled = rf"(?-i:[{letters}](?:{codes}))" if letters else "(?!)"
    post_alt = "|".join(
        (regex.escape(p) if p[0] in "+-" else r"\s+" + regex.escape(p).replace(r"\ ", r"\s+"))
        + r"(?!\s+than\b)(?![\w])" + _NO_FIGURE_AFTER for p in sorted(post, key=len, reverse=True))
    pct = (r"(?:\s?%|\s?per\s?cent\b|\s+percents?\b|\s+pct\b|(?<=\d)pc\b"
           r"|\s+percentage\s+points?\b)")
    pre_syms = [w for w in pre if not w[:1].isalpha()]
    prefixes = [w for w in pre if w[:1].isalpha() and w.endswith("-")]
    prefix = regex.compile(rf"\b(?:{_alt(prefixes)})$", regex.IGNORECASE) if prefixes else None
    pattern = rf"""
    (?P<pre>\b(?:{_alt(pre_words)})\s+|(?<![<>=~])(?:{_alt(pre_syms)})(?![<>=])\s*)?
    (?P<frame>\b(?:between|from)\s+)?
    (?P<cur>(?<![\p{{L}}\d])(?:(?<![’']|['’]\s)|(?!\p{{L}}))
        (?:(?P<scur>{scaled})\s+|(?:{cur})\s?|(?:{cur_g})(?=\d)))?
    (?:
        (?P<vague>\b(?:{_alt(list(vague))})\b)
      | (?P<mult>\b(?:{_alt(list(mult))}))\s+(?P<mscale>(?:{big}))\b
      | (?P<sign>(?<![\w.,)+\-–−])[-−+](?=\d)|\b(?:minus|negative)[\s-]+(?=\w))?
        (?P<n1>(?(cur)|(?<![\w.,])){number})
        (?P<pct1>{pct})?
        (?:(?P<sep>[-–—]\s+(?:to|or)\s+|[-–—]\s*|\s+[-–—]\s+|\s+(?:to|and|or|through)\s+|\s*~\s*(?=\d))
           (?P<cur2>(?:{cur})\s?|(?:{cur_g})(?=\d))?
           (?P<sign2>(?<=\s)[-−](?=\d))?
           (?P<n2>(?<![\w.,]){number}(?![\d]))
        )?
    )
    (?P<pct>{pct})?
    (?P<curw>(?(cur)(?!))(?:(?:\s+|-)(?:(?P<scw>{scaled})|{curw})\b
        (?P<wscale>\s+(?:{sc})\b)?
        |(?<=\d)(?:{curw_short}|(?-i:{codes}))(?![\p{{L}}\d])
        |(?<=\d)\s?(?:{curw_sign})(?!\d)))?
    (?P<post>{post_alt})?
    """
    flags = regex.IGNORECASE | regex.VERBOSE
    decades = {w.lower(): d for d in rules.decades for w in d.words}
    decade_word = regex.compile(rf"\b(?P<w>{_alt(list(decades))})(?:-|\s+)$",
                                regex.IGNORECASE) if decades else None
    symbols = {_symbol_key(c): code for c, code in rules.currency_symbols.items()}
    return _Compiled(regex.compile(pattern, flags), pre, post, vague, mult, prefix, decades,
                     decade_word, symbols)


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


@lru_cache(maxsize=8)
def _matches(text: str, rules: Rules) -> list[Any]:
    """Every match of the figure pattern in ``text``, in order."""
    spots = scan.anchors(text, rules)
    return list(scan.iter_matches(_compile(rules).pattern, text, spots, rules)) if spots else []


@lru_cache(maxsize=8)
def _nonclaims(text: str, rules: Rules) -> _NonClaims:
    """The non-claim spans of a text, looked for only around the anchors of its figures'
    matches (cached: the pieces of one text read again after a split share them)."""
    inside: list[int] = []
    found = iter(_matches(text, rules))
    m = next(found, None)
    for a in scan.anchors(text, rules):
        while m is not None and m.end() <= a:
            m = next(found, None)
        if m is None:
            break
        if m.start() <= a:
            inside.append(a)
    return _NonClaims(scan.nonclaim_spans(text, rules, inside))


def _bound(b: tuple[str, float], v: float) -> float:
    kind, factor = b
    if kind == "v":
        return v * factor
    return factor


def _slack(numeral: str, value: float, rules: Rules) -> float:
    """The rounding a written figure implies, in its own units."""
    m = compiled(r"\d[\d,]*(?:\.\d+)?").search(numeral)
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


def _is_glued_metre(text: str, n_end: int, raw: str, has_currency: bool, rules: Rules) -> bool:
    """Whether "3m" means three metres rather than three million."""
    if has_currency or not raw.lower().endswith("m") or raw[-2:-1].isspace():
        return False
    follow = text[n_end:n_end + 40].lower()
    # "37m (121ft)-long": a conversion to feet in brackets shows metres
    if compiled(r"\s*\(\s*[\d.,]+\s*(?:ft|feet|foot|in|inches|yd|yards)\b").match(follow):
        return True
    if regex.match(r"[\s-]*(?:\([^)]{0,20}\)[\s-]*)?(?:high|tall|long|wide|deep|away|"
                   r"above|below|thick|of\s+(?:water|snow|rain)|"
                   r"in\s+(?:height|length|diameter))\b", follow):
        return True
    # a race distance: "the 100m final", "ran 400m", "the 200m freestyle"
    ctx = _context(rules)
    return bool(ctx.race_after.match(follow)
                or ctx.race_verb.search(text, max(0, n_end - len(raw) - 30), n_end - len(raw)))


class _Context(NamedTuple):
    """Patterns from units.toml [context]: the words that tell an ambiguous unit."""

    race_after: Any     # "the 100m final"
    race_verb: Any      # "she ran 100m"
    pound_of: Any       # "3 pounds of flour"
    pound_before: Any   # "a twenty-pound bag"
    weight_before: Any  # "weighs 2 pounds"
    mass_near: Any      # "a metric ton is 2,204.62 pounds"
    sterling: Any       # "£", "sterling" near the figure


def _words_alt(words: tuple[str, ...]) -> str:
    """An alternation of words; a word ending in "*" stands for any word it begins."""
    stems = [regex.escape(w[:-1]) + r"\w*" for w in words if w.endswith("*")]
    plain = _alt([w for w in words if not w.endswith("*")])
    return "|".join(stems + ([plain] if plain else []))


@lru_cache(maxsize=8)
def _context(rules: Rules) -> _Context:
    c = rules.unit_context
    i = regex.IGNORECASE
    return _Context(
        regex.compile(rf"\s*(?:{_words_alt(c['race_after'])})\b", i),
        regex.compile(rf"\b(?:{_words_alt(c['race_verbs'])})\s+(?:the\s+|a\s+)?$", i),
        regex.compile(rf"\s+of\s+(?!(?:{_words_alt(c['money_of'])})\b)\p{{Ll}}"),
        regex.compile(rf"(?:-|\s+)pound[\s-]+(?!(?:{_words_alt(c['money_nouns'])})\b)\p{{Ll}}"),
        regex.compile(rf"\b(?:{_words_alt(c['weight_verbs'])})\s+(?:\S+\s+){{0,3}}\S*$", i),
        regex.compile(rf"\b(?:{_words_alt(c['mass_words'])})\b", i),
        regex.compile("|".join(regex.escape(w) if not w[:1].isalnum() else
                               rf"\b{regex.escape(w)}\b" for w in c["sterling_words"])))


def find_quantities(text: str, rules: Rules) -> list[Quantity]:
    """Every figure in ``text`` that states a quantity, in order; [] when none."""
    comp = _compile(rules)
    matches = _matches(text, rules)
    if not matches:
        return []
    nonclaims = _nonclaims(text, rules)
    out: list[Quantity] = []
    covered = 0
    for m in matches:
        if m.start() < covered:
            continue  # inside the unit of the figure before ("4km^3")
        q = _read(m, text, rules, comp, nonclaims)
        if q is not None:
            out.extend(with_change(text, x, rules) for x in q)
            covered = max([covered] + [x.end for x in q])
    return implicit_units(text, join_pairs(text, out, rules)) if len(out) > 1 else out


def _read(m: Any, text: str, rules: Rules, comp: _Compiled,
          nonclaims: _NonClaims, listed: bool = False) -> list[Quantity] | None:
    """The quantities one match states; ``listed`` when it is a number in a list of numbers
    ("one or two"), where a bare "one" counts."""
    core_start = min(i for i in (m.start("cur"), m.start("vague"), m.start("mult"),
                                 m.start("sign"), m.start("n1")) if i >= 0)
    num_start = next(i for i in (m.start("vague"), m.start("mult"), m.start("n1")) if i >= 0)
    num_end = max(m.end("vague"), m.end("mscale"), m.end("n1"), m.end("n2"))
    if nonclaims.reason(num_start, num_end) or nonclaims.reason(num_start, min(num_end, m.end("n1")
                                                                              if m.end("n1") > 0
                                                                              else num_end)):
        if m.group("n2") is not None and m.group("sep").strip().lower() in ("to", "and") and \
                nonclaims.reason(num_start, m.end("n1")) == "year" and \
                not nonclaims.reason(m.start("n2"), m.end("n2")):
            # "in 2018 to 3.9 million", "in 2018 and 2.1": a year, then a figure of its own
            second = m.start("cur2") if m.group("cur2") else m.start("n2")
            return find_quantities_at(text, second, m.end(), rules)
        return None
    pre = m.group("pre")
    hedge = comp.pre_hedges.get(compiled(r"\s+").sub(" ", pre.strip().lower())) if pre else None
    post = m.group("post")
    post_hedge = comp.post_hedges.get(compiled(r"\s+").sub(" ", post.strip().lower())) if post else None
    currency = None
    factor = 1.0  # a scale written with the currency: "30 MUSD", "75 USD million"
    cur_text = m.group("cur") or m.group("cur2")
    if m.group("scur") or m.group("scw"):
        scaled = (m.group("scur") or m.group("scw")).strip()
        currency = rules.currency_symbols.get(scaled[1:])
        factor = rules.suffixes[scaled[0].lower()][0]
    elif cur_text:
        currency = _currency_symbol(cur_text.strip(), text, m.start(), comp, rules)
        if currency is None and m.group("cur"):
            # "try 10 times": a word, not a currency code
            core_start = min(i for i in (m.start("sign"), num_start) if i >= 0)
    if m.group("curw") and not m.group("scw"):
        word = m.group("curw").strip().lstrip("-")
        if m.group("wscale"):
            word = word[:m.start("wscale") - m.end("curw")].strip()
            factor = parse_number(m.group("wscale").strip(), rules) or 1.0
        word = word.lower()
        currency = currency or rules.currency_words.get(compiled(r"\s+").sub(" ", word)) or \
            rules.currency_symbols.get(word.upper())
    if currency == "GBP" and m.group("curw") and _MASS_POUND.fullmatch(m.group("curw")) and \
            _pound_of_mass(text, m, rules):
        currency = "lb"  # "a twenty-pound bag", "3 pounds of flour": the pound of mass
    percent = m.group("pct") or m.group("pct1")
    unit = currency or ("percent" if percent else "count")
    if percent and "point" in percent.lower():
        unit = "percentage point"

    framed = m.group("frame") and m.group("n2") is not None
    start = m.start("pre") if pre else (m.start("frame") if framed else core_start)
    if hedge is None and comp.prefix is not None and not framed and \
            text[core_start - 1:core_start] == "-":
        glued = comp.prefix.search(text, max(0, core_start - 12), core_start)
        if glued is not None:  # "sub-500": a bound glued to the figure
            hedge = comp.pre_hedges[glued.group(0).lower()]
            start = glued.start()
    end = m.end()
    if post and post_hedge is None:
        end = m.start("post")

    if m.group("vague") is not None:
        v = comp.vague[compiled(r"\s+").sub(" ", m.group("vague").lower())]
        value, low, high, qualifier = v.value, v.low, v.high, "vague"
        slack = 0.0
        if hedge is not None:
            low, high, qualifier = _apply_hedge(hedge, v.low, v.high, v.value)
        return [_make(text, start, end, value, low, high, qualifier, unit, True, slack,
                      num_start, num_end, hedge)]
    if m.group("mult") is not None:
        mv = comp.multipliers[compiled(r"\s+").sub(" ", m.group("mult").lower())]
        word = m.group("mscale").lower().replace("’", "'")
        scale = parse_number(word, rules) or rules.collectives.get(word) or 1.0  # "a few dozen"
        found = find_unit(text, end, rules) if unit == "count" else None
        if found is not None:  # "a few hundred metres"
            unit, end = found
        return [_make(text, start, end, mv.value * scale, mv.low * scale, mv.high * scale,
                      "vague", unit, True, 0.0, num_start, num_end, hedge)]

    n1_text = m.group("n1")
    fold = n1_text.lower().endswith("fold")
    if fold:  # "sixfold", "a 3-fold rise": a multiple
        n1_text = compiled(r"-?fold$", regex.IGNORECASE).sub("", n1_text)
        unit = "times"
        if m.group("n2") is not None:
            return _split(m, text, rules, unit, hedge)
    if not compiled(r"[\d½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞]").search(n1_text):
        segs = read_words(n1_text, rules, text[m.end("n1"):m.end("n1") + 40])
        if not segs or all(s.value is None for s in segs):
            return None  # an ordinal ("twenty-fifth", "a third term")
        if len(segs) > 1 or segs[0].start > 0 or segs[0].end < len(n1_text.rstrip()):
            return _words_split(m, text, rules, segs)
    v1 = parse_number(n1_text, rules)
    if v1 is None:
        return None
    if m.group("sign") and m.group("sign").strip().lower() not in ("+",):
        v1 = -v1  # "-1.3%", "minus 5"
    elif currency is not None and not pre and m.group("n2") is None and \
            text[m.end():m.end() + 1] == ")" and \
            _ACCOUNTING.search(text, max(0, core_start - 12), core_start):
        v1 = -v1  # "the net result was ($4.2m)": a sum in brackets is a loss, as in accounts
        start, end = core_start - 1, m.end() + 1
    if currency is not None and m.group("n2") is None and m.end() == m.end("n1") and \
            _TRILLION.match(text, m.end()) and compiled(r"[\d,.]+").fullmatch(n1_text):
        # "$2.1T": a capital T on a sum of money is a trillion (elsewhere "100t" is tonnes)
        v1 *= rules.scales.get("trillion", 1e12)
        end = m.end() + 1
    if currency is None and n1_text.endswith("K") and m.group("n2") is None and \
            _TEMPERATURE_NEAR.search(text, max(0, m.start() - 25), m.start()):
        # "300 °C (572 °F, 573.15K)": right after a temperature a capital K is the kelvin
        v1 = parse_number(n1_text[:-1], rules) or v1
        unit = "kelvin"
    raw_scale_metre = _is_glued_metre(text, m.end("n1"), n1_text, currency is not None, rules)
    if raw_scale_metre:
        v1 = float(n1_text[:-1].replace(",", ""))
        unit = "m"
    if m.group("n2") is None and unit == "count" and hedge is None and post is None and \
            m.end() == m.end("n1") and compiled(r"[1-9]0").fullmatch(n1_text) and \
            _DECADE.match(text, m.end("n1")):
        span = _decade(m, text, comp, v1, start)
        if span is not None:
            return [span]
    if m.group("n2") is None:
        read = _single(m, text, rules, v1, n1_text, unit, hedge, post_hedge, start, end,
                       listed, num_start, num_end, percent is not None or currency is not None)
    else:
        read = _range(m, text, rules, v1, n1_text, unit, hedge, start, end, num_start, num_end)
    if factor != 1.0 and read:
        read = [replace(q, value=q.value * factor, low=q.low * factor, high=q.high * factor,
                        slack=q.slack * factor) for q in read]
    if read and unit == "count" and _age_before(rules) is not None and \
            _age_before(rules).search(text, max(0, start - 16), start) and \
            not _NOUN_AFTER.match(text, read[-1].end):
        # "a boy aged 12", "Ms Lind, who is 82, said": a person's age in years, never a
        # count ("82 deaths")
        read = [replace(q, unit="year") if q.unit == "count" else q for q in read]
    return read


# a plural noun after the figure makes it a count again: "who was 10 points behind"
_NOUN_AFTER = regex.compile(r"[\s-]+\p{Ll}+s\b(?<!\b(?:was|is|has|as|us|its|his|this|does|says))")


@lru_cache(maxsize=8)
def _age_before(rules: Rules) -> Any:
    """The words before a bare figure that make it an age (units.toml [context] age_before)."""
    words = rules.unit_context.get("age_before", ())
    if not words:
        return None
    return regex.compile(rf"\b(?:{_words_alt(tuple(words))})\s+(?:between\s+)?$",
                         regex.IGNORECASE)


_DECADE = regex.compile(r"['’]?s\b")
# "in her 40s", "the 30s": an owner or "the" before a round number with "s" makes it a span
_DECADE_OWNER = regex.compile(r"\b(?:his|her|their|your|my|our|its|the)\s+$", regex.IGNORECASE)


def _decade(m: Any, text: str, comp: _Compiled, value: float, start: int) -> Quantity | None:
    """"in her 40s" (40 to 49), "the mid-30s" (33 to 37): a span of ten, which a word before it
    (rules/vague.toml [decades]) narrows; None when nothing before the figure makes it a span."""
    end = _DECADE.match(text, m.end("n1")).end()
    low, high, mid = 0.0, 9.0, 4.5
    word = comp.decade_word.search(text, max(0, start - 12), start) if comp.decade_word else None
    if word is not None:
        d = comp.decades[word.group("w").lower()]
        low, high, mid, start = d.low, d.high, d.value, word.start()
    elif not _DECADE_OWNER.search(text, max(0, start - 8), start):
        return None  # "a 30s advert", "in 10s flat": seconds, not a span
    return _make(text, start, end, value + mid, value + low, value + high, "range", "count",
                 False, 0.0, m.start("n1"), m.end("n1"), None)


def _words_split(m: Any, text: str, rules: Rules, segs: list[Any]) -> list[Quantity]:
    """A run of number words that holds several numbers ("one, two, three", "twenty thirty"):
    each on its own, the hedge before the run going with the first, what follows with the last."""
    base = m.start("n1")
    last = len(segs) - 1
    pieces: list[tuple[int, int]] = []
    for i, seg in enumerate(segs):
        if seg.value is None:
            continue
        s = m.start() if i == 0 and seg.start == 0 else base + seg.start
        e = base + seg.end if i < last or m.group("n2") is not None else m.end()
        if (s, e) == (m.start(), m.end()):
            continue  # cannot happen for a run that splits; a guard against looping
        pieces.append((s, e))
    found = [find_quantities_at(text, s, e, rules) for s, e in pieces]
    if any(found) and not all(found):
        # "one two three": "one" in a list of numbers counts, not as a pronoun
        found = [f or find_quantities_at(text, s, e, rules, listed=True)
                 for f, (s, e) in zip(found, pieces)]
    out = [q for f in found for q in f]
    if m.group("n2") is not None:  # "one two and three": the figure after "and" too
        out.extend(find_quantities_at(text, m.start("n2"), m.end(), rules))
    return out


def _apply_hedge(h: Hedge, low: float, high: float, value: float) -> tuple[float, float, str]:
    """The interval of a hedged figure or vague quantity."""
    lo = _bound(h.low, low if h.low[0] == "v" and h.qualifier in ("more_than", "at_least")
                else value) if h.low[0] == "v" else _bound(h.low, value)
    hi = _bound(h.high, high if h.high[0] == "v" and h.qualifier in ("at_most", "less_than",
                                                                     "denial") else value)
    if h.qualifier in ("more_than", "at_least") and h.low[0] == "v":
        lo = _bound(h.low, low)
    if h.low[0] == "0" and value < 0:
        lo = -math.inf  # "below -30": no floor at zero
    return min(lo, hi), max(lo, hi), h.qualifier


_TEMPERATURE_NEAR = regex.compile(r"(?:°\s?[CF]|\b(?:celsius|fahrenheit))\s*(?:[,(/]|or|and)\s*$",
                                  regex.IGNORECASE)
_TRILLION = regex.compile(r"T(?![\p{L}\d])")
_MASS_POUND = regex.compile(r"[\s-]+pounds?", regex.IGNORECASE)
def _pound_of_mass(text: str, m: Any, rules: Rules) -> bool:
    """Whether "pounds" after a figure weighs rather than pays (not a scaled sum: "20 million
    pounds of funding" stays sterling); a dollar sum near it in a text that names no sterling
    makes it the pound of mass too ("a 20 pound bag of beans for $13")."""
    if compiled(r"\p{L}").search(m.group("n1")) and regex.search(
            r"(?:illion|thousand|lakh|crore)s?$", m.group("n1"), regex.IGNORECASE) or \
            compiled(r"\d\s*[kmb]n?$", regex.IGNORECASE).search(m.group("n1")):
        return False
    ctx = _context(rules)
    end = m.end("curw")
    if ctx.pound_of.match(text, end) or ctx.pound_before.match(text, m.start("curw")):
        return True  # "3 pounds of flour", "a twenty-pound bag" (not "a ten-pound note")
    if ctx.weight_before.search(text, max(0, m.start() - 40), m.start()):
        return True  # "weighs 2 pounds", "to drop 25 pounds"
    near = text[max(0, m.start() - 150):end + 150]
    if ctx.sterling.search(near):
        return False
    return "$" in near or bool(ctx.mass_near.search(near))


def _currency_symbol(sym: str, text: str, pos: int, comp: _Compiled,
                     rules: Rules) -> str | None:
    """The currency a symbol before a figure names. Case, spaces and full stops do not count
    in a symbol with a sign ("c $", "hk $", "u.s $"); a code in letters counts in another case
    only in text written all in lowercase ("rmb 10"), where "try 10" stays a verb elsewhere."""
    exact = rules.currency_symbols.get(sym)
    if exact is not None:
        return exact
    code = comp.symbols.get(_symbol_key(sym))
    if code is None or compiled(r"[\p{L}.\s]+").fullmatch(sym) and \
            compiled(r"\p{Lu}").search(text[max(0, pos - 60):pos + 60]):
        return None
    return code


# what may follow a currency restated after a sum: the end of a clause or a function word
_RESTATED_END = (r"(?=\s*[,;:)]|\s*$|\.(?!\w)|(?<=\.)\s"
                 r"|\s+(?:a|an|per|each|to|from|in|on|for|and|or|at)\b)")


@lru_cache(maxsize=8)
def _restated(rules: Rules) -> dict[str, Any]:
    """For each currency, the pattern of its name restated in capitals right after a sum
    written with its symbol: "$75 U.S. a barrel", "$31.20 US." (the letters of its symbols,
    "US$" -> "US", "U.S.$" -> "U.S.", and its code). It ends the clause or comes before a
    function word, so that "$10 US aid" is left alone."""
    names: dict[str, set[str]] = {}
    for sym, code in rules.currency_symbols.items():
        word = compiled(r"[^\p{L}.]").sub("", sym)
        if compiled(r"(?:\p{Lu}\.?){2,3}").fullmatch(word):
            names.setdefault(code, {code}).add(word)
    out = {}
    for code, words in names.items():
        alt = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
        out[code] = regex.compile(rf"\s+(?:{alt}){_RESTATED_END}")
    return out


def _single(m: Any, text: str, rules: Rules, value: float, n_text: str, unit: str,
            hedge: Hedge | None, post_hedge: Hedge | None, start: int, end: int, listed: bool,
            num_start: int, num_end: int, typed: bool) -> list[Quantity] | None:
    lowered = n_text.lower().strip()
    if hedge is None and post_hedge is None and not typed and lowered in ("one", "a", "an") \
            and not m.group("sign") and (lowered != "one" or not (
                listed or _ONE_COUNTS.match(text, m.end("n1")) or _ONE_IN.match(text, m.end("n1"))
                or _ONE_LISTED.match(text, m.end("n1"))
                or _ONE_STRESSED.search(text, max(0, m.start("n1") - 24), m.start("n1")))):
        return None  # a bare "one" is a pronoun or an article far more often than a count
    if m.group("cur") and unit.isupper():
        restated = _restated(rules).get(unit)
        after = restated.match(text, end) if restated is not None else None
        if after is not None:  # "$75 U.S. a barrel": the currency named again after the sum
            end = after.end()
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
    if hedge is not None and post_hedge is not None and hedge.qualifier in ("exact",
                                                                            "approximate"):
        h = post_hedge  # "equal to 5000 or less", "about 500 or more": the bound holds
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
    if sep == "and" and frame != "between":
        return _split(m, text, rules, unit, hedge)  # "between 7 to 10" is still a range
    if sep in ("or", "- or", "– or", "— or"):
        # "eight or nine", "a 7- or 8-inch screen": two figures, each possible
        return _split(m, text, rules, unit, hedge)
    if sep == "to" and compiled(r"\bby\s+$").search(text[max(0, m.start() - 10):m.start()]) and \
            not (0 < v1 < v2 <= 2 * v1 and not m.group("pct1") and not m.group("cur2") and
                 (unit != "count" or find_unit(text, m.end(), rules) is not None)):
        # "rose by 40 to 400 staff": the change, then the level; but "fell by 1 to 1.5
        # degrees", close figures with a unit written once after them, is a range of the change
        return _split(m, text, rules, unit, hedge)
    if frame == "from" and is_change(text, m.start(), rules):
        return _split(m, text, rules, unit, hedge)
    if bool(m.group("pct1")) != bool(m.group("pct")) and m.group("pct1"):
        return _split(m, text, rules, unit, hedge)
    # "30-40,000", "3 to 4 million": the first figure borrows the second's scale
    if v1 < v2 and v2 >= 1000 and not compiled(r"[,.]|[a-z]").search(n1_text.lower()):
        for factor in (1e12, 1e9, 1e6, 1e3):
            if v2 >= factor and v1 * factor <= v2 and v1 < 1000:
                if v1 * factor * 10 > v2 or factor >= 1e6:
                    v1 *= factor
                break
    if v1 > v2 and frame in ("from", "between") and sep in ("to", "and"):
        v1, v2 = v2, v1  # "ranged from -18 to -34": the range, lowest first
    if v1 >= v2:
        if sep in ("-", "–", "—") and v2 <= v1:
            return None  # a score ("won 3-1", "2-2") or a code, not a range
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


# a sum in brackets right after a verb or "of" is a negative sum: "a result of ($3.5m)"
_ACCOUNTING = regex.compile(r"\b(?:is|was|were|are|of)\s+\($", regex.IGNORECASE)


# "one" counts when a noun follows it ("one man", "one count of fraud", "one EU diplomat"), not
# when a pronoun use or a function word does ("one that", "one in four").
_ONE_COUNTS = regex.compile(
    r"\s+(?!(?:of|that|which|who|whom|in|to|and|or|but|is|was|has|had|will|would|can|could|"
    r"may|might|must|should|does|did|another|other|more|less|day|way|thing|time|point|hand|"
    r"side|reason|step|on|by|after|for|with|at|as|than|per|the|a|an|said|says)\b)"
    r"(?:[a-z][a-z-]+|[A-Z]{2,}(?=\s+[a-z]))(?:\s|[.,;:!?]|$)")  # "one UN official"


# "one, two, three": "one" in a list of numbers
_ONE_LISTED = regex.compile(r"\s*,\s*(?:\d|(?:two|three|four|five|six|seven|eight|nine|ten)\b)",
                            regex.IGNORECASE)


# "only one", "just one", "only needs one": stressed, "one" is a count ("the only one" stays
# a pronoun)
_ONE_STRESSED = regex.compile(r"(?<!\b(?:the|an?|his|her|its|their|our|my|your)\s+)"
                              r"\b(?:only|just|exactly|merely)\s+(?:[a-z]{2,}(?:ed|s)\s+)?$",
                              regex.IGNORECASE)


# "one in five", "one out of three": a share, not a pronoun
_ONE_IN = regex.compile(r"\s+(?:in|out\s+of)\s+(?:\d|(?:two|three|four|five|six|seven|eight|nine|"
                        r"ten|twenty|thirty|forty|fifty|hundred|a\s+(?:hundred|thousand))\b)",
                        regex.IGNORECASE)


def _split(m: Any, text: str, rules: Rules, unit: str, hedge: Hedge | None) -> list[Quantity]:
    """Two figures that only looked like a range: read each on its own."""
    first_end = m.end("pct1") if m.group("pct1") else m.end("n1")
    second_start = m.start("cur2") if m.group("cur2") else m.start("n2")
    second = find_quantities_at(text, second_start, m.end(), rules)
    # "one or two", "one and three": "one" in a list of numbers is a number, not a pronoun
    listed = bool(second) and second[0].value > 1
    first = find_quantities_at(text, m.start(), first_end, rules, listed=listed)
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


def find_quantities_at(text: str, start: int, end: int, rules: Rules,
                       listed: bool = False) -> list[Quantity]:
    """The quantities of one piece of a text, with offsets into the whole text."""
    piece = text[start:end]
    comp = _compile(rules)
    nonclaims = _nonclaims(text, rules)
    out: list[Quantity] = []
    for m in comp.pattern.finditer(piece):
        if m.group("n2") is not None:
            continue
        for q in _read(m, piece, rules, comp, _NonClaims([]), listed) or []:
            s, e = q.start + start, q.end + start
            if nonclaims.reason(q.number_start + start, q.number_end + start):
                continue
            out.append(Quantity(s, e, text[s:e], q.value, q.low, q.high, q.qualifier, q.unit,
                                q.vague, q.denied, q.change, q.number_start + start,
                                q.number_end + start, q.slack))
    return out


def _make(text: str, start: int, end: int, value: float, low: float, high: float,
          qualifier: str, unit: str, vague: bool, slack: float, num_start: int, num_end: int,
          hedge: Hedge | None, denied: float | None = None) -> Quantity:
    while end > start and text[end - 1] in " \t,;:":
        end -= 1
    if not math.isfinite(value):
        value = low
    return Quantity(start, end, text[start:end], value, low, high, qualifier, unit, vague,
                    denied, "", num_start, num_end, slack)
