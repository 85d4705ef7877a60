"""Recognise a unit of measurement right after a figure, from quantulum3's catalogue.

quantulum3 is used for its catalogue of unit names, surfaces and symbols only; its
parser is never run on text. ``rules/units.toml`` names the short unit a claim shows
and the catalogue symbols that are too much like English words to trust.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from .rules import Rules

_NEXT = regex.compile(r"(?P<glue>-?)(?P<sp>\s?)(?P<words>[\p{L}°µ²³/]+(?:[\s-][\p{L}²³/]+){0,3})")


@lru_cache(maxsize=4)
def _catalogue(rules: Rules) -> tuple[dict[str, str], dict[str, str]]:
    """(case-sensitive symbols, lowercase surfaces) -> short unit name."""
    from quantulum3 import load  # imported here: loading the catalogue costs a second

    units = load.units("en_US")
    symbols: dict[str, str] = {}
    surfaces: dict[str, str] = {}
    for name, unit in units.names.items():
        if unit.entity.name.lower() in rules.unit_ignore_entities:
            continue
        short = rules.unit_short_names.get(name, name)
        for sym in unit.symbols:
            if sym and sym not in rules.unit_ignore_symbols:
                symbols.setdefault(sym, short)
        for surf in unit.surfaces:
            surfaces.setdefault(surf.lower(), short)
    for surf, unit_set in units.surfaces.items():
        unit = next(iter(unit_set))
        if unit.entity.name.lower() not in rules.unit_ignore_entities:
            surfaces.setdefault(surf.lower(), rules.unit_short_names.get(unit.name, unit.name))
    return symbols, surfaces


def find_unit(text: str, pos: int, rules: Rules) -> tuple[str, int] | None:
    """The unit written right after ``pos`` and where it ends, or None."""
    m = _NEXT.match(text, pos)
    if not m:
        return None
    symbols, surfaces = _catalogue(rules)
    glued = not m.group("sp")
    words = regex.split(r"([\s-])", regex.sub(r"/.*", "", m.group("words"), count=1)
                        if "/" in m.group("words")[1:] else m.group("words"))
    # try the longest run of words first: "square kilometres", "miles per hour"
    for n in range(len(words), 0, -2):
        cand = "".join(words[:n])
        end = m.start("words") + len(cand)
        if end < len(text) and (text[end].isalnum()):
            continue
        low = cand.lower()
        if low in surfaces and (len(low) > 2 or glued):
            return surfaces[low], end
        if cand in symbols and (glued or len(cand) >= 2):
            return symbols[cand], end
    return None


_PER = regex.compile(r"(?:\s*/\s*|\s+per\s+|\s+an?\s+|\s+each\s+)(?=\p{L})", regex.IGNORECASE)
_TIME_DENOMINATORS = {"s": "s", "sec": "s", "second": "s", "min": "min", "minute": "min",
                      "h": "h", "hr": "h", "hour": "h", "d": "day", "day": "day",
                      "week": "week", "wk": "week", "month": "month", "mo": "month",
                      "year": "year", "yr": "year", "annum": "year"}


def find_rate(text: str, pos: int, rules: Rules) -> tuple[str, int] | None:
    """The "per" part of a rate right after ``pos`` ("/h", " per gallon", " a month"), or None.

    Returns the short name of the denominator unit and where it ends.
    """
    m = _PER.match(text, pos)
    if not m:
        return None
    w = regex.match(r"\p{L}+", text[m.end():])
    if w is None:
        return None
    word = w.group(0).lower()
    end = m.end() + len(w.group(0))
    if word in _TIME_DENOMINATORS and (end >= len(text) or not text[end].isalnum()):
        return _TIME_DENOMINATORS[word], end
    if word.endswith("s"):
        return None  # "a month" is a rate, "a months" is not English
    found = find_unit(text, m.end(), rules)
    return found
