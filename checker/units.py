"""Recognise a unit of measurement right after a figure, from quantulum3's catalogue.

quantulum3 is used for its catalogue of unit names, surfaces and symbols only; its
parser is never run on text. ``rules/units.toml`` names the short unit a claim shows
and the catalogue symbols that are too much like English words to trust (they still count
when bound to another unit: "120g/km", "32m2"); ``rules/not_units.tsv`` lists catalogue
names that are ordinary nouns in news ("league").
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from .rules import Rules
from .text import compiled

_NEXT = regex.compile(r"(?P<glue>-?)(?P<sp>\s?)(?P<words>[\p{L}°µμ²³/′″]+(?:\^?[23](?![\d]|\.\d))?"
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


def _is_not_unit(surface: str, nouns: frozenset[str]) -> bool:
    low = surface.lower()
    return low in nouns or (low.endswith("s") and (low[:-1] in nouns or
                                                   low.endswith("es") and low[:-2] in nouns))


@lru_cache(maxsize=4)
def _catalogue(rules: Rules) -> tuple[dict[str, str], dict[str, str]]:
    """(case-sensitive symbols, lowercase surfaces) -> short unit name."""
    raw = _raw_catalogue()
    nouns = rules.not_units
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
            if not _is_not_unit(surf, nouns):
                surfaces.setdefault(surf.lower(), short)
    for surf, name, entity in raw["surfaces"]:
        if entity.lower() not in rules.unit_ignore_entities and not _is_not_unit(surf, nouns):
            surfaces.setdefault(surf.lower(), rules.unit_short_names.get(name, name))
    return symbols, surfaces


@lru_cache(maxsize=1)
def _entities() -> dict[str, str]:
    """The catalogue's entity of each unit name ("centimetre" -> "length")."""
    return {name: entity for name, entity, _, _ in _raw_catalogue()["units"]}


def _entity(name: str) -> str:
    return _entities().get(name, "")


@lru_cache(maxsize=4)
def _bound_symbols(rules: Rules) -> dict[str, str]:
    """Symbols too much like letters or words to trust alone ("m", "g", "A", "J") that are
    still units when bound to another unit: "32m2", "120g/km", "1.3 A/cm2". A symbol that
    also names a unit of an ignored entity ("c": a cent too) is left out."""
    raw = _raw_catalogue()
    ambiguous = {sym for _, entity, syms, _ in raw["units"]
                 if entity.lower() in rules.unit_ignore_entities for sym in syms}
    out: dict[str, str] = {}
    for name, entity, unit_symbols, _ in raw["units"]:
        if entity.lower() in rules.unit_ignore_entities:
            continue
        for sym in unit_symbols:
            if len(sym) == 1 and sym.islower() and sym not in "mgslth":
                continue  # "b/d" is barrels a day, "a/c" air conditioning: letters, not units
            if sym in rules.unit_ignore_symbols and sym not in ambiguous:
                out.setdefault(sym, rules.unit_short_names.get(name, name))
    return out


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


# "half a mile", "three quarters of a mile", "1/128 of a US gallon": a fraction of one unit
_OF_A = regex.compile(r"\s+(?:of\s+)?an?\s+(?:(?:US|U\.S\.|imperial|metric)\s+)?(?=\p{L})")


@lru_cache(maxsize=4)
def _fraction_before(rules: Rules) -> Any:
    """A fraction that ends where a unit would start: "half", "two thirds", "3/4", "¾"."""
    words = sorted({w for f in rules.fractions for w in (f, f + "s")}, key=len, reverse=True)
    return regex.compile(r"(?:\b(?:" + "|".join(regex.escape(w) for w in words) +
                         r")|\d\s*[/⁄]\s*\d+|[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞])$", regex.IGNORECASE)


# the adjectives of a length: "4.5 m tall", "12 m deep"
_DIMENSION = regex.compile(r"[\s-](?:tall|high|long|wide|deep|thick|away|across|in\s+(?:height|"
                           r"length|diameter|depth|width))\b")
# two capitals about a slash are an abbreviation, not a rate: "A/C", "W/O"
_LETTER_PAIR = regex.compile(r"\p{Lu}/\p{Lu}(?!\p{L})")
_POWER_WORD = regex.compile(r"[\s-](squared|cubed)\b", regex.IGNORECASE)


# what may follow a symbol spaced from its figure: a word, a bracket or the end of a clause,
# never a figure ("5 W 42nd Street" is an address) nor an initial's full stop ("5 W. Smith")
_SPACED_END = regex.compile(r"(?=\s+(?!\d)[\p{L}(]|[,;:)]|\.(?!\w)|\s*$)")
_SPEED_SYMBOLS = frozenset(["kt", "kts"])


@lru_cache(maxsize=8)
def _speed_before(rules: Rules) -> Any:
    words = rules.unit_context.get("speed_words", ())
    if not words:
        return None
    alt = "|".join(regex.escape(w[:-1]) + r"\w*" if w.endswith("*") else regex.escape(w)
                   for w in words)
    return regex.compile(rf"\b(?:{alt})\b[^.;!?]*$", regex.IGNORECASE)


# ASCII quotes for the prime and double prime: what may follow them ("30' when", "6'5\"")
# never before the words that follow a quotation ('... need 40," he said')
_AFTER_QUOTE = r"(?![,.]?\s+(?:he|she|they|we|I|it|said|says|added|adds|told|tells|according)\b)"
_PRIME_END = {"'": regex.compile(r"'(?=\d{1,2}(?:\.\d+)?\"|[\s,.;:!?)]|$)" + _AFTER_QUOTE),
              '"': regex.compile(r'"(?=[\s,.;:!?)]|$)' + _AFTER_QUOTE)}
# a quotation open before the figure: "the 'top 10' list", 'he said "we need 8"'
_OPEN_SINGLE = regex.compile(r"(?:^|[\s(\[])'(?=\w)(?:(?!'(?:[\s,.;:!?)]|$)).)*$")


def _prime(text: str, pos: int, rules: Rules) -> tuple[str, int] | None:
    """An ASCII quote glued to a figure read as a prime ("30'" is 30 feet, "8\"" 8 inches),
    unless it closes a quotation opened before the figure."""
    mark = text[pos:pos + 1]
    name = rules.unit_aliases.get(mark)
    if name is None or not text[pos - 1:pos].isdigit() or not _PRIME_END[mark].match(text, pos):
        return None
    before = text[max(0, pos - 400):pos]
    if mark == '"' and before.count('"') % 2 or \
            mark == "'" and _OPEN_SINGLE.search(before):
        return None
    return _short(rules, name), pos + 1


def find_unit(text: str, pos: int, rules: Rules) -> tuple[str, int] | None:
    """The unit written right after ``pos`` and where it ends, or None. ASCII quotes glued
    to the figure are primes ("30'"), and "kt" with a speed before it is the knot."""
    if text[pos:pos + 1] in _PRIME_END:
        return _prime(text, pos, rules)
    found = _unit_at(text, pos, rules)
    if found is not None and found[0] == "kiloton" and \
            text[pos:found[1]].strip() in _SPEED_SYMBOLS:
        speed = _speed_before(rules)
        if speed is not None and speed.search(text, max(0, pos - 60), pos):
            return "knot", found[1]  # "winds of 40 kt": with a speed, "kt" is the knot
    if found is not None:
        power = _POWER_WORD.match(text, found[1])
        full = _full_names(rules).get(found[0], found[0])
        if power and _entity(full) == "length":  # "4 km squared", "2 metres cubed"
            name = ("square " if power.group(1).lower() == "squared" else "cubic ") + full
            return _catalogue(rules)[1].get(name, name), power.end()
    return found


# a unit named with its system of measures: "5 US gallons", "two imperial pints"
_SYSTEM = regex.compile(r"\s+(?:US|U\.S\.|[Ii]mperial)(?=\s+\p{L})")


def _unit_at(text: str, pos: int, rules: Rules) -> tuple[str, int] | None:
    symbols, surfaces = _catalogue(rules)
    system = _SYSTEM.match(text, pos)
    if system:
        named = _unit_at(text, system.end(), rules)
        if named is not None:
            return named
    of_a = _OF_A.match(text, pos)
    if of_a and _fraction_before(rules).search(text[max(0, pos - 20):pos]):
        return _unit_at(text, of_a.end(), rules)
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
    words = compiled(r"([\s-])").split(compiled(r"/.*").sub("", m.group("words"), count=1)
                        if "/" in m.group("words")[1:] else m.group("words"))
    # try the longest run of words first: "square kilometres", "miles per hour"
    for n in range(len(words), 0, -2):
        cand = "".join(words[:n])
        end = m.start("words") + len(cand)
        if end < len(text) and text[end].isalnum() and cand != "′":
            continue  # but "5′11″": the feet, then the inches
        power = _POWER.search(cand)
        if power:  # "km2", "km^3", "m2": a square or cubic unit written without superscripts
            base = symbols.get(cand[:power.start()]) or \
                _bound_symbols(rules).get(cand[:power.start()])
            full = _full_names(rules).get(base or "", base or "")
            if full and _entity(full) in ("length", "time"):
                name = ("square " if power.group(1) == "2" else "cubic ") + full
                # a square or cubic unit the catalogue lacks ("cm2") keeps its full name
                return surfaces.get(name, name), end
            continue
        low = cand.lower()
        alias = rules.unit_aliases.get(cand.replace("μ", "µ")) or rules.unit_aliases.get(cand) \
            or (_lower_aliases(rules).get(low) if len(cand) > 1 else None)
        if alias and not glued and not m.group("glue") and \
                cand in rules.unit_context.get("spaced_symbols", ()) and \
                _SPACED_END.match(text, end):
            return _short(rules, alias), end  # "a 5 W charger", "a 12 V battery"
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
        bound = _bound_symbols(rules).get(cand)
        if bound and text[end:end + 1] == "/" and find_rate(text, end, rules) is not None \
                and not _LETTER_PAIR.match(text, end - len(cand)):
            return bound, end  # "120g/km", "9.8 m/s2": the per part is read as a rate
        if bound and len(cand) == 1 and _DIMENSION.match(text, end) and \
                _entity(_full_names(rules).get(bound, bound)) == "length":
            return bound, end  # "4.5 m tall", "a wall 3 m thick": a length by its adjective
    return None


_PER = regex.compile(r"(?:\s*/\s*|\s+per\s+|\s+an?[\s-]+|-an?-|\s+each\s+)(?=\p{L})",
                     regex.IGNORECASE)
# a conversion in brackets between a figure and its per part: "9 billion shekels ($2.4
# billion) a year"
_BRACKETS = regex.compile(r"\s*\([^()]{1,40}\)")
# "a year earlier", "a week ago": a time, not a rate
_NOT_RATE = regex.compile(r"\s+(?:earlier|ago|later|before|after|on|from|since|in|of)\b",
                          regex.IGNORECASE)
_TIME_DENOMINATORS = {"ms": "millisecond", "millisecond": "millisecond",
                      "s": "s", "sec": "s", "second": "s", "min": "min", "minute": "min",
                      "h": "h", "hr": "h", "hour": "h", "d": "day", "day": "day",
                      "week": "week", "wk": "week", "month": "month", "mo": "month",
                      "year": "year", "yr": "year", "annum": "year"}


def find_rate(text: str, pos: int, rules: Rules,
              past_brackets: bool = False) -> tuple[str, int] | None:
    """The "per" part of a rate right after ``pos`` ("/h", " per gallon", " a month"), or None.

    Returns the short name of the denominator unit and where it ends. With
    ``past_brackets``, the per part may follow a conversion in brackets ("9 billion shekels
    ($2.4 billion) a year"); the extractor does not look there, since the bracket holds a
    figure of its own.
    """
    if past_brackets:
        b = _BRACKETS.match(text, pos)
        if b is not None:
            pos = b.end()
    m = _PER.match(text, pos)
    if not m:
        return None
    w = compiled(r"\p{L}+").match(text[m.end():])
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
