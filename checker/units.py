"""Recognise a unit of measurement right after a figure, from quantulum3's catalogue.

quantulum3 is used for its catalogue of unit names, surfaces and symbols only; its
parser is never run on text. ``rules/units.toml`` names the short unit a claim shows
and the catalogue symbols that are too much like English words to trust.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from .rules import Rules

_NEXT = regex.compile(r"(?P<glue>-?)(?P<sp>\s?)(?P<words>[\p{L}°µμ²³/]+(?:\^?[23](?![\d.]))?"
                     r"(?:[\s-][\p{L}²³/]+){0,3})")
_POWER = regex.compile(r"\^?([23])$")
# "m.p.h.", "m.p.g.": a unit written with dots
_DOTTED = regex.compile(r"(?P<sp>\s?)(?P<abbr>(?:\p{Ll}\.){2,4})")


def _cache_file() -> Path:
    """Where the unit catalogue read from quantulum3 is kept between runs."""
    from importlib.metadata import version

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "numcheck" / f"quantulum3-{version('quantulum3')}-units.json"


@lru_cache(maxsize=1)
def _raw_catalogue() -> dict[str, Any]:
    """quantulum3's English unit catalogue as plain data: its units (name, entity, symbols,
    surfaces) and its surface index. Loading it from quantulum3 costs a few seconds
    (it builds plural forms), so the result is cached as JSON per quantulum3 version; a
    cache that cannot be read or written is simply rebuilt."""
    path = _cache_file()
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data.get("units"), list) and isinstance(data.get("surfaces"), list):
            return data
    except (OSError, ValueError):
        pass
    from quantulum3 import load

    units = load.units("en_US")
    data = {
        "units": [[name, u.entity.name, sorted(u.symbols), sorted(u.surfaces)]
                  for name, u in units.names.items()],
        "surfaces": sorted([surf, next(iter(us)).name, next(iter(us)).entity.name]
                           for surf, us in units.surfaces.items() if us),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    return data


@lru_cache(maxsize=4)
def _catalogue(rules: Rules) -> tuple[dict[str, str], dict[str, str]]:
    """(case-sensitive symbols, lowercase surfaces) -> short unit name."""
    raw = _raw_catalogue()
    symbols: dict[str, str] = {}
    surfaces: dict[str, str] = {}
    for name, entity, unit_symbols, unit_surfaces in raw["units"]:
        if entity.lower() in rules.unit_ignore_entities:
            continue
        short = rules.unit_short_names.get(name, name)
        for sym in unit_symbols:
            if sym and sym not in rules.unit_ignore_symbols:
                symbols.setdefault(sym, short)
        for surf in unit_surfaces:
            surfaces.setdefault(surf.lower(), short)
    for surf, name, entity in raw["surfaces"]:
        if entity.lower() not in rules.unit_ignore_entities:
            surfaces.setdefault(surf.lower(), rules.unit_short_names.get(name, name))
    return symbols, surfaces


@lru_cache(maxsize=4)
def _lower_aliases(rules: Rules) -> dict[str, str]:
    """Aliases of two letters or more, in any case ("HZ", "hz" as "Hz")."""
    return {k.lower(): v for k, v in rules.unit_aliases.items() if len(k) > 1}


@lru_cache(maxsize=4)
def _full_names(rules: Rules) -> dict[str, str]:
    """Short unit name -> the catalogue's full name ("km" -> "kilometre")."""
    return {v: k for k, v in rules.unit_short_names.items()}


def _short(rules: Rules, name: str) -> str:
    return rules.unit_short_names.get(name, name)


def find_unit(text: str, pos: int, rules: Rules) -> tuple[str, int] | None:
    """The unit written right after ``pos`` and where it ends, or None."""
    symbols, surfaces = _catalogue(rules)
    d = _DOTTED.match(text, pos)
    if d:
        plain = d.group("abbr").replace(".", "")
        name = rules.unit_aliases.get(plain) or symbols.get(plain) or \
            symbols.get(plain.upper())
        if name:
            return _short(rules, rules.unit_aliases.get(plain, name)) \
                if plain in rules.unit_aliases else name, d.end()
    m = _NEXT.match(text, pos)
    if not m:
        return None
    glued = not m.group("sp")
    words = regex.split(r"([\s-])", regex.sub(r"/.*", "", m.group("words"), count=1)
                        if "/" in m.group("words")[1:] else m.group("words"))
    # try the longest run of words first: "square kilometres", "miles per hour"
    for n in range(len(words), 0, -2):
        cand = "".join(words[:n])
        end = m.start("words") + len(cand)
        if end < len(text) and (text[end].isalnum()):
            continue
        power = _POWER.search(cand)
        if power:  # "km2", "km^3": a square or cubic unit written without superscripts
            base = symbols.get(cand[:power.start()])
            full = _full_names(rules).get(base or "")
            if full:
                name = ("square " if power.group(1) == "2" else "cubic ") + full
                if name in surfaces:
                    return surfaces[name], end
            continue
        low = cand.lower()
        alias = rules.unit_aliases.get(cand.replace("μ", "µ")) or rules.unit_aliases.get(cand) \
            or (_lower_aliases(rules).get(low) if len(cand) > 1 else None)
        if alias and (glued or cand not in rules.unit_glued_only) and \
                (len(cand) > 1 or glued or cand in ("C", "F")) and not \
                (len(cand) == 1 and m.group("glue")):
            if len(cand) == 1 and (not glued or text[end:end + 1] == "/"):
                continue  # "35 C" stands apart, "14.7C/" is cents: a letter, not a unit
            return _short(rules, alias), end
        cand_mu = cand.replace("μ", "µ")
        if cand_mu != cand and cand_mu in symbols:
            return symbols[cand_mu], end
        if low in surfaces and (len(low) > 2 or glued):
            return surfaces[low], end
        if cand in symbols and (glued or len(cand) >= 2):
            return symbols[cand], end
    return None


_PER = regex.compile(r"(?:\s*/\s*|\s+per\s+|\s+an?[\s-]+|\s+each\s+)(?=\p{L})", regex.IGNORECASE)
# "a year earlier", "a week ago": a time, not a rate
_NOT_RATE = regex.compile(r"\s+(?:earlier|ago|later|before|after|on|from|since|in|of)\b",
                          regex.IGNORECASE)
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
        if _NOT_RATE.match(text, end) and not m.group(0).strip().startswith(("/", "per")):
            return None
        return _TIME_DENOMINATORS[word], end
    if word.endswith("s"):
        return None  # "a month" is a rate, "a months" is not English
    found = find_unit(text, m.end(), rules)
    return found
