"""Join the figures of one text that state one quantity together (a lower and an upper
bound, a range whose figures each carry the unit, money with its cents, a conversion in
brackets) and give a bare figure the unit of the figure it parallels."""
from __future__ import annotations

import math
from dataclasses import replace

import regex

from .changes import is_change
from .model import Quantity
from .rules import Rules
from .text import compiled


# A figure whose unit the sentence leaves to the figure it parallels: "the highest is 84.75
# cents, while the lowest is 74.07"; "rose 6 degrees to 31". Such a figure is bare: nothing
# follows it but punctuation or a function word.
_BARE_AFTER = regex.compile(r"\s*(?:[,;:!?)]|\.(?!\d)|$)|\s+(?:last|this|next|on|in|at|a|an|the|"
                            r"from|to|for|by|and|or|while|after|before|since|than)\b",
                            regex.IGNORECASE)
_PIVOT = regex.compile(r"(?:[,;]\s*|\s+)(?:(?P<contrast>while|whereas|but)|and)\s",
                       regex.IGNORECASE)
_CLAUSE_BREAK = regex.compile(r"[,;]|[.!?](?:\s|$)")
_TO_LEVEL = regex.compile(r"\s+to\s+", regex.IGNORECASE)
_NOT_CARRIED = ("count", "percent", "percentage point", "cent", "pence")


def _bare(text: str, q: Quantity) -> bool:
    return q.unit == "count" and not q.vague and q.end <= q.number_end and \
        _BARE_AFTER.match(text, q.end) is not None


def implicit_units(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Bare figures given the unit of the figure they parallel: the level a change reaches
    ("rose 6 degrees to 31"), and the figures of a clause after "while", "whereas" or "but"
    (or "and", one figure each) that mirror, one for one, the figures of the clause before."""
    if not any(q.unit == "count" for q in qs):
        return qs
    out = list(qs)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.change and a.unit not in _NOT_CARRIED and _bare(text, b) and \
                _TO_LEVEL.fullmatch(text, a.end, b.start):
            out[i + 1] = replace(b, unit=a.unit)
    for i in range(len(out) - 1):
        pivot = _PIVOT.search(text, out[i].end, out[i + 1].start)
        if pivot is None:
            continue
        lo = i
        while lo > 0 and not _CLAUSE_BREAK.search(text, out[lo - 1].end, out[lo].start):
            lo -= 1
        hi = i + 1
        while hi + 1 < len(out) and not _CLAUSE_BREAK.search(text, out[hi].end,
                                                             out[hi + 1].start):
            hi += 1
        first, second = out[lo:i + 1], out[i + 1:hi + 1]
        if len(first) != len(second) or len(first) > (3 if pivot.group("contrast") else 1):
            continue  # after a bare "and", one figure for one: "5 km on Monday and 8 on Friday"
        if not pivot.group("contrast") and _ENDS.match(text, second[0].end):
            continue  # "6 ft tall and 40.": an age, maybe; a parallel names its time or place
        if all(x.unit == y.unit or y.unit == "count" and x.unit != "count" and _bare(text, y)
               for x, y in zip(first, second)):
            out[i + 1:hi + 1] = [replace(y, unit=x.unit) for x, y in zip(first, second)]
    return out


_LOWER_BOUNDS = ("more_than", "at_least")
_UPPER_BOUNDS = ("less_than", "at_most")
_BOUND_GAP = regex.compile(r"\s*,?\s*(?:and|but)?\s*")
_RANGE_GAP = regex.compile(r"\s*(?P<sep>and|to|through|-|–|—)\s*", regex.IGNORECASE)
_FRAME_BEFORE = regex.compile(r"\b(?P<frame>between|from)\s+$", regex.IGNORECASE)
_CENTS_GAP = regex.compile(r"\s+(?:and\s+)?")
_ENDS = regex.compile(r"\s*(?:[.,;:!?)]|$)")


def join_pairs(text: str, qs: list[Quantity], rules: Rules) -> list[Quantity]:
    """Two neighbouring figures that state one quantity together: a lower and an upper
    bound ("more than 20 and less than 35"), a range whose figures each carry the unit
    ("between 44 mg and 50 mg", "15kHz to 17kHz") and money with its cents ("3 dollars
    50 cents")."""
    out: list[Quantity] = []
    i = 0
    while i < len(qs):
        a = qs[i]
        b = qs[i + 1] if i + 1 < len(qs) else None
        joined = _join(text, a, b, rules) if b is not None else None
        if joined is not None:
            out.append(joined)
            i += 2
        else:
            conv = _CONVERSION.match(text, out[-1].end) if out else None
            if conv is not None and conv.end() == a.start:
                a = _converted(out[-1], a)
                if out[-1].change and not a.change:  # "fell 3 km (2 miles)": a change too
                    a = replace(a, change=out[-1].change)
            elif out and out[-1].change and not a.change and a.unit == "percent" != out[-1].unit \
                    and _RESTATED.fullmatch(text, out[-1].end, a.start):
                a = replace(a, change=out[-1].change)  # "lost 190 points, or 0.6%"
            out.append(a)
            i += 1
    return out


_RESTATED = regex.compile(r"(?:\s+[a-z]+){0,2},?\s+or\s+", regex.IGNORECASE)
_CONVERSION = regex.compile(r"\s*[(\[]\s*|\s*/\s*(?=[^/]*[)\]])")


def _converted(before: Quantity, q: Quantity) -> Quantity:
    """A figure in brackets right after a hedged one is the same quantity in other units:
    "more than 100 kilometres (60 miles)" bounds the miles too."""
    if before.qualifier in ("exact", "range", "vague", "denial") or q.qualifier != "exact" or \
            q.unit == before.unit or not before.value or q.vague:
        return q
    ratio = q.value / before.value
    low = before.low * ratio if math.isfinite(before.low) else before.low
    high = before.high * ratio if math.isfinite(before.high) else before.high
    return replace(q, qualifier=before.qualifier, low=min(low, high), high=max(low, high))


def _join(text: str, a: Quantity, b: Quantity, rules: Rules) -> Quantity | None:
    gap = text[a.end:b.start]
    if len(gap) > 12:
        return None
    if a.unit in ("USD", "EUR", "GBP", "AUD", "CAD", "NZD", "HKD", "SGD") and \
            a.qualifier == b.qualifier == "exact" and a.value == int(a.value) and \
            b.value == int(b.value) and 0 < b.value < 100 and _CENTS_GAP.fullmatch(gap) and \
            (b.unit == "cent" or b.unit == "count" and _ENDS.match(text, b.end)):
        # "3 dollars 50 cents", "15 dollars and 50.": a sum and its cents
        v = a.value + b.value / 100
        return replace(a, end=b.end, surface=text[a.start:b.end], value=v, low=v, high=v,
                       number_end=b.number_end)
    if a.unit == "ft" and a.qualifier == b.qualifier == "exact" and b.value < 12 and \
            _CENTS_GAP.fullmatch(gap) and (b.unit == "in" or b.unit == "count" and
                                           compiled(r"\s+in\b").match(text[b.end:])):
        # "5 feet 2 inches", "5 ft 2 in": a height in feet and inches
        end = b.end if b.unit == "in" else b.end + compiled(r"\s+in\b").match(text[b.end:]).end()
        v = a.value + b.value / 12
        return replace(a, end=end, surface=text[a.start:end], value=v, low=v, high=v,
                       number_end=b.number_end)
    if compiled(r"(?:±|\+/-|\+-|plus\s+or\s+minus)", regex.IGNORECASE).match(b.surface) and \
            not gap.strip() and not a.vague:
        # "9.83e-3 +/- 1e-5 km/s2", "2,000.45±0.01 pounds": a figure and its tolerance
        unit = b.unit if a.unit == "count" else a.unit
        low, high = (a.value - b.value, a.value + b.value) if a.qualifier == "exact" else \
            (a.low, a.high)
        return replace(a, end=b.end, surface=text[a.start:b.end], low=low, high=high,
                       qualifier="approximate" if a.qualifier == "exact" else a.qualifier,
                       unit=unit, number_end=b.number_end)
    if (compiled(r"\s+out\s+of\s+").fullmatch(gap) and 0 < a.value <= b.value or
            compiled(r"\s+in\s+").fullmatch(gap) and a.value == 1 < b.value) and \
            a.unit == b.unit == "count" and b.qualifier == "exact" and not a.vague and \
            a.qualifier not in ("range", "denial"):
        # "one out of three", "1 in 21", "nearly one in five": a share, hedged as its first
        # figure is (a share is never above one)
        v = a.value / b.value
        return Quantity(a.start, b.end, text[a.start:b.end], v, a.low / b.value,
                        min(a.high / b.value, 1.0), a.qualifier, "count", False, None, a.change,
                        a.number_start, b.number_end, 0.0)
    if a.unit != b.unit and not (a.unit == "count" and b.qualifier in _LOWER_BOUNDS +
                                 _UPPER_BOUNDS) or a.vague or b.vague:
        return None  # (a bound's unit may be written once, after the second figure)
    if (a.qualifier in _LOWER_BOUNDS and b.qualifier in _UPPER_BOUNDS or
            a.qualifier in _UPPER_BOUNDS and b.qualifier in _LOWER_BOUNDS) and \
            _BOUND_GAP.fullmatch(gap):
        lo, hi = (a.value, b.value) if a.qualifier in _LOWER_BOUNDS else (b.value, a.value)
        if lo >= hi:
            return None  # "more than 40 and less than 10": two bounds, no range
        return Quantity(a.start, b.end, text[a.start:b.end], (lo + hi) / 2, lo, hi, "range",
                        b.unit, False, None, "", a.number_start, b.number_end,
                        min(a.slack, b.slack))
    if a.qualifier == "exact" and b.qualifier == "at_most" and not gap.strip() and \
            not a.change and 0 <= a.value < b.value and \
            (a.unit == b.unit or a.unit == "count" and a.end <= a.number_end):
        frame = _FRAME_BEFORE.search(text, max(0, a.start - 9), a.start)
        if frame is not None and frame.group("frame").lower() == "from" and \
                not is_change(text, frame.start(), rules):
            # "from 450 sq ft up to 900 sq ft", "from 10 up to 20 people": a range
            return Quantity(frame.start(), b.end, text[frame.start():b.end],
                            (a.value + b.value) / 2, a.value, b.value, "range", b.unit, False,
                            None, "", a.number_start, b.number_end, min(a.slack, b.slack))
    g = _RANGE_GAP.fullmatch(gap)
    if g is None or a.unit == "count" or a.qualifier != "exact" or b.qualifier != "exact" or \
            a.change or b.change or a.end <= a.number_end:
        return None  # a count, a hedged figure or a change; or the unit written once
    frame = _FRAME_BEFORE.search(text, max(0, a.start - 9), a.start)
    sep = g.group("sep").lower()
    if sep == "and" and (frame is None or frame.group("frame").lower() != "between"):
        return None  # "10 mg and 20 mg": two figures
    if frame is not None and frame.group("frame").lower() == "from" and \
            is_change(text, frame.start(), rules):
        return None  # "rose from 10 mg to 12 mg": two levels of a change
    if compiled(r"\bby\s+$").search(text[max(0, a.start - 10):a.start]):
        return None  # "rose by 5 mg to 20 mg": the change, the level
    lo, hi = a.value, b.value
    if lo > hi and frame is not None:
        lo, hi = hi, lo
    if lo >= hi:
        return None
    start = frame.start() if frame is not None else a.start
    return Quantity(start, b.end, text[start:b.end], (lo + hi) / 2, lo, hi, "range", a.unit,
                    False, None, "", a.number_start, b.number_end, min(a.slack, b.slack))
