"""Read the value of a written number: numerals, scale words and number words.

    >>> from checker.rules import load_rules
    >>> r = load_rules()
    >>> parse_number("10,000", r), parse_number("1.2m", r), parse_number("two hundred and fifty", r)
    (10000.0, 1200000.0, 250.0)
    >>> parse_number("half a million", r), parse_number("a dozen", r), parse_number("banana", r)
    (500000.0, 12.0, None)
    >>> parse_number("two thirds", r), parse_number("three point five", r), parse_number("1e6", r)
    (0.6666666666666666, 3.5, 1000000.0)

A run of number words may hold more than one number ("one, two, three", "twenty thirty"),
a fraction ("a third", "five-eighths", "two and a half") or an ordinal ("twenty-fifth"):
``read_words`` splits a run into its numbers, following the grammar of English cardinals
(a unit after a ten, a ten or a unit after "hundred", scale words in falling order).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import regex

from .rules import Rules
from .text import compiled

_TOKEN = regex.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+|[^\W\d_]+(?:['’]s)?", regex.UNICODE)
_NUMERAL = regex.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+")
# 1e10, 1.3e6, 12.32e+14, 5.5x10-3, 2.48×10−5, 4×10^14, 3x10⁻³ (the exponent's superscript lost
# or kept)
_SCIENTIFIC = regex.compile(
    r"(?P<m>\d+(?:\.\d+)?)\s?(?:[eE](?P<e1>[+\-−]?\d+)|[x×]\s?10(?:\^|\*\*)?"
    r"(?P<e2>[+\-−⁻]?[\d⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    # another base needs its caret: "8x2^10" (8,192)
    r"|[x×]\s?(?P<b>[2-9]|1[1-6])(?:\^|\*\*)(?P<e3>[+\-−]?\d+))")
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SPACED_GROUPS = regex.compile(r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:\.\d+)?")
# Collectives that are ordinary nouns unless "of" follows ("a score of", "a couple of").
_NEEDS_OF = frozenset({"score", "couple", "pair"})
# The two ordinals that never name a fraction ("one second" is a time, not a half).
_ORDINAL_ONLY = {"first": 1.0, "second": 2.0}
_VULGAR = {"½": 0.5, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 0.25, "¾": 0.75, "⅕": 0.2, "⅖": 0.4,
           "⅗": 0.6, "⅘": 0.8, "⅙": 1 / 6, "⅚": 5 / 6, "⅛": 0.125, "⅜": 0.375, "⅝": 0.625,
           "⅞": 0.875}


def numeral_value(tok: str) -> float | None:
    """The value of a numeral written in digits, with its separators or exponent."""
    tok = tok.strip()
    m = _SCIENTIFIC.fullmatch(tok)
    if m:
        exp = (m.group("e1") or m.group("e2") or m.group("e3")).translate(_SUPERSCRIPT) \
            .replace("−", "-")
        base = float(m.group("b") or 10)
        try:
            return float(m.group("m")) * base ** int(exp)
        except (ValueError, OverflowError):
            return None
    if tok and tok[-1] in _VULGAR:
        whole = tok[:-1].strip()
        if whole and not whole.isdigit():
            return None
        return (float(whole) if whole else 0.0) + _VULGAR[tok[-1]]
    digits = compiled(r"[,\s\u00a0\u202f\u2009]").sub("", tok)
    try:
        return float(digits)
    except ValueError:
        return None


def parse_number(text: str, rules: Rules) -> float | None:
    """The value of a written number, or None when the text is not one number."""
    low = text.lower().strip().replace("⁄", "/")
    sci = _SCIENTIFIC.fullmatch(low)
    if sci or _SPACED_GROUPS.fullmatch(low) or (low and low[-1] in _VULGAR and
                                                 (low[:-1].strip().isdigit() or len(low) == 1)):
        return numeral_value(low)
    m = compiled(r"(\d+)\s+(\d+)\s*/\s*(\d+)|(\d+)\s*/\s*(\d+)").fullmatch(low)
    if m:  # "2 1/2", "3/4"
        whole = float(m.group(1) or 0)
        num, den = (float(m.group(2)), float(m.group(3))) if m.group(1) else \
            (float(m.group(4)), float(m.group(5)))
        return whole + num / den if den else None
    if any(ch.isdigit() for ch in low):
        return _parse_numeral(low, rules)
    segs = read_words(text, rules)
    if len(segs) == 1 and segs[0].value is not None and segs[0].start == 0 and \
            segs[0].end >= len(text.rstrip()):
        return segs[0].value
    return None


def _parse_numeral(text: str, rules: Rules) -> float | None:
    """A numeral, maybe with a scale word or suffix: "1.2m", "3 million", "3 million and a half"."""
    half = compiled(r"(.*?)\s+and\s+(?:an?|one)\s+(half|quarter)").fullmatch(text)
    if half:
        base = _parse_numeral(half.group(1), rules)
        last = compiled(r"([a-z]+)$").search(half.group(1))
        scale = rules.scales.get(last.group(1), 1.0) if last else 1.0
        if base is None:
            return None
        return base + (0.5 if half.group(2) == "half" else 0.25) * scale
    total = 0.0
    current: float | None = None
    seen = False
    toks = _TOKEN.findall(text)
    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i else ""
        if _NUMERAL.fullmatch(tok):
            try:
                num = float(tok.replace(",", ""))
            except ValueError:
                return None
            current = (current or 0.0) + num
            seen = True
        elif tok in rules.units or tok in rules.tens:
            current = (current or 0.0) + rules.units.get(tok, rules.tens.get(tok, 0.0))
            seen = True
        elif tok in ("a", "an", "and", "of"):
            continue
        elif tok in rules.collectives or (tok.endswith("s") and tok[:-1] in rules.collectives):
            current = (current or 1.0) * rules.collectives.get(tok, rules.collectives.get(
                tok[:-1], 1.0))
            seen = True
        elif tok in rules.scales:
            scale = rules.scales[tok]
            base = current if current is not None else 1.0
            if scale < 1000:
                current = base * scale
            elif prev in rules.scales and rules.scales[prev] >= 1000 and current is None:
                total *= scale  # "1.2 lakh crore", "3 thousand million": scales multiply
            else:
                total += base * scale
                current = None
            seen = True
        elif tok in rules.suffixes:
            total += (current or 0.0) * rules.suffixes[tok][0]
            current = None
        else:
            return None
    if not seen:
        return None
    value = total + (current or 0.0)
    return value if math.isfinite(value) else None


@dataclass
class Segment:
    """One number of a run of number words: where it lies and its value (None: an ordinal)."""

    start: int
    end: int
    value: float | None


@dataclass
class _Tok:
    text: str
    start: int
    end: int


def _tokens(text: str, rules: Rules) -> list[_Tok]:
    toks = [_Tok(m.group(0).lower().replace("’", "'"), m.start(), m.end())
            for m in _TOKEN.finditer(text)]
    if any(" " in c for c in rules.collectives):  # "baker's dozen": one word
        out: list[_Tok] = []
        for t in toks:
            if out and f"{out[-1].text} {t.text}" in rules.collectives:
                out[-1] = _Tok(f"{out[-1].text} {t.text}", out[-1].start, t.end)
            else:
                out.append(t)
        toks = out
    return toks


class _Reader:
    """A recursive reader over the tokens of one run of number words."""

    def __init__(self, toks: list[_Tok], rules: Rules, following: str) -> None:
        self.t = toks
        self.r = rules
        self.following = following.lower()

    def kind(self, i: int) -> str:
        if i >= len(self.t):
            return ""
        w = self.t[i].text
        r = self.r
        if _NUMERAL.fullmatch(w):
            return "numeral"
        if w in r.units:
            return "unit" if r.units[w] < 10 else "teen"
        if w in r.tens:
            return "tens"
        if w == "hundred":
            return "hundred"
        if w in r.scales:
            return "big"
        if w in ("a", "an"):
            return "article"
        if w == "and":
            return "and"
        if w == "point":
            return "point"
        if w in r.fractions or w in _ORDINAL_ONLY or w[:-1] in _ORDINAL_ONLY:
            return "den"
        if w in r.collectives or (w.endswith("s") and w[:-1] in r.collectives):
            return "coll"
        if w == "of":
            return "of"
        return "other"

    def val(self, i: int) -> float:
        w = self.t[i].text
        r = self.r
        if _NUMERAL.fullmatch(w):
            return float(w.replace(",", ""))
        return r.units.get(w, r.tens.get(w, r.scales.get(w, 100.0 if w == "hundred" else 0.0)))

    def cardinal(self, i: int) -> tuple[float, int, dict[str, object]] | None:
        """The longest English cardinal from token i: (value, end token, facts) or None."""
        total = 0.0
        group: float | None = None
        has_hundred = False
        last = ""
        last_big = math.inf
        j = i
        info: dict[str, object] = {"last_big": None, "tens_at": None, "and_before_tens": False,
                                   "and_at": None}
        while j < len(self.t):
            k = self.kind(j)
            if k == "unit" and last in ("", "tens", "hundred", "big", "and") and \
                    not (last == "tens" and group is not None and group % 10):
                if last == "tens" or group is None or group % 100 == 0:
                    group = (group or 0.0) + self.val(j)
                else:
                    break
            elif k in ("teen", "tens") and last in ("", "hundred", "big", "and") and \
                    (group is None or group % 100 == 0):
                if k == "tens":
                    info["tens_at"] = j
                    info["and_before_tens"] = last == "and"
                group = (group or 0.0) + self.val(j)
            elif k == "hundred" and not has_hundred and (
                    last == "" or (last in ("unit", "teen", "tens") and group is not None
                                   and group < 100)):
                group = (group if group is not None else 1.0) * 100
                has_hundred = True
            elif k == "big" and (last in ("", "unit", "teen", "tens", "hundred") or
                                 last == "big" and self.val(j) > last_big):
                scale = self.val(j)
                if scale < last_big:
                    total += (group if group is not None else 1.0) * scale
                else:  # "three lakh crore", "a thousand million"
                    total = (total + (group or 0.0) or 1.0) * scale
                last_big = scale
                info["last_big"] = scale
                group = None
                has_hundred = False
            elif k == "and" and last in ("hundred", "big") and \
                    self.kind(j + 1) in ("unit", "teen", "tens"):
                info["and_at"] = j
            else:
                break
            last = k if k != "and" else "and"
            j += 1
        if j == i:
            return None
        return total + (group or 0.0), j, info

    def den_at(self, j: int) -> tuple[float, bool, int] | None:
        """A denominator from token j: (its number, plural?, end token), or None."""
        if self.kind(j) != "den":
            return None
        w = self.t[j].text
        plural = w.endswith("s") and w not in ("first", "second")
        base = w[:-1] if plural and (w[:-1] in self.r.fractions or w[:-1] in _ORDINAL_ONLY) \
            else w
        if w == "halves":
            base = "half"
        if base in _ORDINAL_ONLY or base[:-1] in _ORDINAL_ONLY:
            return _ORDINAL_ONLY.get(base, _ORDINAL_ONLY.get(base[:-1], 1.0)), plural, j + 1
        return 1 / self.r.fractions[base], plural, j + 1

    def compound_den(self, j: int) -> tuple[float, bool, int] | None:
        """A denominator that is a cardinal then an ordinal ("twenty-fifth", "hundred fifth")."""
        d = self.den_at(j)
        if d is not None:
            return d
        c = self.cardinal(j)
        if c is None:
            return None
        v, k, _ = c
        d = self.den_at(k)
        if d is None:
            return None
        return v + d[0], d[1], d[2]

    def frac_ok_singular(self, end: int) -> bool:
        """A singular fraction ("a third") stands before "of", a scale, a unit or nothing."""
        if end < len(self.t):
            return self.kind(end) in ("big", "of", "hundred")
        f = self.following
        return not compiled(r"[\s-]*[a-z]").match(f) or bool(
            regex.match(r"[\s-]*(?:of|an?\s+(?:million|billion|thousand|hundred)|million|"
                        r"billion|trillion|thousand|hundred|mile|inch|pound|cup|teaspoon|"
                        r"tablespoon|gallon|litre|liter|kilo|metre|meter|foot|hour|century|"
                        r"percent|per\s?cent|turn)", f))

    def number(self, i: int) -> tuple[float | None, int]:
        """One number from token i: (value, end); value None for an ordinal; end i if none."""
        k = self.kind(i)
        numer: float | None = None
        j = i
        info: dict[str, object] = {"last_big": None, "tens_at": None, "and_before_tens": False,
                                   "and_at": None}
        article = False
        if k == "article":
            article = True
            numer, j = 1.0, i + 1
            k2 = self.kind(j)
            if k2 in ("hundred", "big"):
                c = self.cardinal(j)
                if c:
                    numer, j, info = c
            elif k2 not in ("den", "coll") and not (k2 == "tens" and self.kind(j + 1) == "den"):
                return None, i
        elif k in ("unit", "teen", "tens", "hundred", "big"):
            c = self.cardinal(i)
            if c is None:
                return None, i
            numer, j, info = c
        elif k == "den" and self.t[i].text in ("half", "quarter"):
            # "half a million", "half million", "quarter million", bare "half"
            fr = 0.5 if self.t[i].text == "half" else 0.25
            if self.kind(i + 1) == "article" and self.kind(i + 2) in ("big", "hundred"):
                return fr * self.val(i + 2), i + 3
            if self.kind(i + 1) == "article" and self.kind(i + 2) == "coll" and \
                    self.t[i + 2].text in self.r.collectives:  # "half a dozen"
                return fr * self.r.collectives[self.t[i + 2].text], i + 3
            if self.kind(i + 1) in ("big", "hundred"):
                return fr * self.val(i + 1), i + 2
            if self.t[i].text == "half":
                return 0.5, i + 1
            return None, i
        else:
            return None, i
        assert numer is not None
        # decimals read out: "three point five", "two hundred point zero three"
        if self.kind(j) == "point" and self.kind(j + 1) in ("unit", "teen", "tens"):
            digits = ""
            q = j + 1
            while self.kind(q) in ("unit", "teen", "tens"):
                v = int(self.val(q))
                if self.kind(q) == "tens" and self.kind(q + 1) == "unit" and \
                        self.t[q + 1].start - self.t[q].end <= 3:
                    v += int(self.val(q + 1))
                    q += 1
                digits += str(v)
                q += 1
            return numer + float("0." + digits), q
        # collectives: "three dozen", "3 dozens", "a dozen", "a couple of"
        if self.kind(j) == "coll" and not article or (article and j == i + 1 and
                                                       self.kind(j) == "coll"):
            w = self.t[j].text
            base = w if w in self.r.collectives else w[:-1]
            after = self.t[j + 1].text if j + 1 < len(self.t) else self.following.strip()
            if base in _NEEDS_OF and not after.startswith("of"):
                return None, j + 1  # "a score" of a game, "the couple": not a number
            and_at = info.get("and_at")
            if isinstance(and_at, int) and and_at + 2 == j and \
                    self.kind(and_at + 1) in ("unit", "teen"):
                # "three hundred and two dozen": the hundreds and two dozen, as "one hundred
                # and three quarters" is a whole and a part
                head = self.cardinal_prefix(i, and_at)
                if head is not None:
                    return head + self.val(and_at + 1) * self.r.collectives[base], j + 1
            return numer * self.r.collectives[base], j + 1
        # fractions: "two thirds", "a third", "one twenty-fifth", "twenty-three fifths"
        d = self.compound_den(j)
        and_at = info.get("and_at")
        if d is not None and numer != 1 and isinstance(and_at, int) and \
                self.kind(and_at + 1) == "unit" and and_at + 2 == j and \
                (d[1] or self.val(and_at + 1) == 1):
            # "one hundred and three quarters", "six million and two thirds": a whole and a part
            head = self.cardinal_prefix(i, and_at)
            if head is not None:
                frac = self.val(and_at + 1) * (1 / d[0])
                return self.mixed(head, frac, and_at, d[2])
        t_at = info.get("tens_at")
        if d is not None and d[1] and d[0] < 10 and isinstance(t_at, int) and t_at > i and \
                t_at + 1 == j and not info.get("and_before_tens"):
            head = self.cardinal_prefix(i, t_at)  # "one hundred thirty fifths" = 100/35
            if head is not None:
                numer, d = head, (self.val(t_at) + d[0], d[1], d[2])
        if d is not None:
            den, plural, end = d
            last_word = self.t[end - 1].text
            if last_word in _ORDINAL_ONLY and (den in (1.0, 2.0) or numer != 1):
                return None, end  # "twenty-first": an ordinal
            if not plural and not (numer == 1 and self.frac_ok_singular(end)):
                return None, end  # "twenty-fifth", "a third term": an ordinal
            value = numer / den
            if self.kind(end) == "of" and self.kind(end + 1) == "article" and \
                    self.kind(end + 2) in ("big", "hundred"):
                return value * self.val(end + 2), end + 3  # "two thirds of a million"
            if self.kind(end) in ("big", "hundred"):
                return value * self.val(end), end + 1  # "three quarters billion"
            return value, end
        # "two and a half", "five and three quarters", "3 million and a half"
        if self.kind(j) == "and":
            q = j + 1
            fnum: float | None = None
            if self.kind(q) == "article":
                fnum, q = 1.0, q + 1
            else:
                c = self.cardinal(q)
                if c is not None:
                    fnum, q, _ = c
            if fnum is not None:
                d = self.compound_den(q) if fnum == 1 else self.den_at(q)
                if d is not None and (d[1] or fnum == 1) and \
                        self.t[d[2] - 1].text not in _ORDINAL_ONLY:
                    return self.mixed(numer, fnum / d[0], j, d[2])
        return numer, j

    def mixed(self, whole: float, frac: float, and_at: int, end: int) -> tuple[float, int]:
        """A whole and a part: "two and a half", "two and a half million", "3 million and a
        half" (half a million), "one billion and a half million"."""
        if self.kind(end) in ("big", "hundred"):
            if whole < 1000:  # "two and a half million"
                return (whole + frac) * self.val(end), end + 1
            return whole + frac * self.val(end), end + 1
        if and_at > 0 and self.kind(and_at - 1) == "big":
            return whole + frac * self.val(and_at - 1), end
        return whole + frac, end

    def cardinal_prefix(self, i: int, stop: int) -> float | None:
        c = self.cardinal(i)
        if c is None:
            return None
        sub = _Reader(self.t[i:stop], self.r, "")
        c2 = sub.cardinal(0)
        if c2 is None or c2[1] != stop - i:
            return None
        return c2[0]


def read_words(text: str, rules: Rules, following: str = "") -> list[Segment]:
    """The numbers of a run of number words, in order, with offsets into ``text``.

    ``following`` is the text right after the run: a singular fraction needs "of", a scale
    or the end of the phrase after it.
    """
    toks = _tokens(text, rules)
    rd = _Reader(toks, rules, following)
    out: list[Segment] = []
    i = 0
    while i < len(toks):
        value, end = rd.number(i)
        if end <= i:
            i += 1
            continue
        if value is not None and math.isfinite(value):
            out.append(Segment(toks[i].start, toks[end - 1].end, value))
        else:
            out.append(Segment(toks[i].start, toks[end - 1].end, None))
        i = end
    return out


def significant_figures(numeral: str) -> tuple[int, int]:
    """(significant figures, trailing zeros of the integer part) of a written numeral.

    >>> significant_figures("10,000"), significant_figures("3,400"), significant_figures("51.6")
    ((1, 4), (2, 2), (3, 0))
    """
    digits = numeral.replace(",", "")
    if "." in digits:
        whole, frac = digits.split(".", 1)
        sig = len((whole + frac).lstrip("0"))
        return max(sig, 1), 0
    stripped = digits.lstrip("0")
    if not stripped:
        return 1, 0
    trailing = len(stripped) - len(stripped.rstrip("0"))
    return max(len(stripped) - trailing, 1), trailing
