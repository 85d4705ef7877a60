"""Load and validate the rule files in ``rules/``.

Every lexicon and pattern the pipeline uses lives in ``rules/`` as TOML or TSV.
``load_rules`` reads them once into a frozen ``Rules`` value and checks them: known
keys, right types, known qualifiers, no duplicate words, regexes that compile. A bad
file raises ``RulesError`` naming the file, the line or key, and the reason, so a run
fails at load and never halfway through.

A user folder given with ``--rules DIR`` adds to the defaults: a TOML table there
replaces the default table of the same name and new tables are added; a TSV row there
replaces the default row with the same first column and new rows are added.
"""
from __future__ import annotations

import csv
import math
import re as _re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
if not DEFAULT_RULES_DIR.is_dir():  # installed as a wheel: rules shipped inside the package
    DEFAULT_RULES_DIR = Path(__file__).resolve().parent / "rules"

QUALIFIERS = frozenset({"exact", "approximate", "at_least", "more_than", "at_most",
                        "less_than", "range", "vague", "denial"})
PLACE_KINDS = frozenset({"country", "demonym", "capital"})


class RulesError(Exception):
    """A rule file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Hedge:
    """A hedge or bound phrase and what it does to a figure's interval."""

    name: str
    words: tuple[str, ...]
    qualifier: str
    low: tuple[str, float]   # ("v", factor) | ("0", 0) | ("inf", inf)
    high: tuple[str, float]
    after: bool


@dataclass(frozen=True)
class Vague:
    """A vague quantity ("thousands") or multiplier ("several") and its interval."""

    name: str
    words: tuple[str, ...]
    low: float
    high: float
    value: float


@dataclass(frozen=True)
class NonClaim:
    """A compiled pattern for text that is not a quantity (a date, a designation)."""

    kind: str
    reason: str
    pattern: Any  # regex.Pattern[str]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one load, one value
class Rules:
    """Every lexicon and pattern of the pipeline, read from one rules folder."""

    units: dict[str, float]
    tens: dict[str, float]
    scales: dict[str, float]
    suffixes: dict[str, tuple[float, bool]]
    collectives: dict[str, float]
    fractions: dict[str, float]
    vague: tuple[Vague, ...]
    multipliers: tuple[Vague, ...]
    hedges: tuple[Hedge, ...]
    last_digit_share: float
    round_slack: dict[int, float]
    non_claims: tuple[NonClaim, ...]
    currency_symbols: dict[str, str]
    currency_words: dict[str, str]
    counted: dict[str, str]
    reference_words: frozenset[str]
    reference_defaults: dict[str, str]
    running_tallies: frozenset[str]
    earlier_markers: tuple[str, ...]
    forecast_markers: frozenset[str]
    scope_prepositions: frozenset[str]
    whose_prepositions: frozenset[str]
    generic_counted: frozenset[str]
    verb_counted: dict[str, str]
    money_words: dict[str, str]
    places: dict[str, tuple[str, str]]  # surface -> (key, kind)
    phrase_stoppers: frozenset[str]
    counted_modifiers: frozenset[str]
    clause_breakers: frozenset[str]
    pronouns: frozenset[str]
    claimant_trailers: frozenset[str]
    reporting_verbs: frozenset[str]
    passive_markers: frozenset[str]
    according_to: tuple[str, ...]
    attached_after: tuple[Any, ...]
    put_at: tuple[Any, ...]
    unit_short_names: dict[str, str]
    unit_ignore_symbols: frozenset[str]
    unit_ignore_entities: frozenset[str]
    source: str


# ---------------------------------------------------------------- file reading

def _read_toml(name: str, dirs: tuple[Path, ...]) -> dict[str, Any]:
    """Read ``name`` from the default folder, then merge tables from the user folders."""
    merged: dict[str, Any] = {}
    found = False
    for d in dirs:
        path = d / name
        if not path.is_file():
            continue
        found = True
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise RulesError(f"{path}: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise RulesError(f"{path}: cannot read: {exc}") from None
        merged.update(data)
    if not found:
        raise RulesError(f"{dirs[0] / name}: missing rule file")
    return merged


def _read_tsv(name: str, dirs: tuple[Path, ...], columns: tuple[str, ...]) -> dict[str, list[str]]:
    """Read a TSV lexicon (``#`` comments allowed) keyed by its first column."""
    rows: dict[str, list[str]] = {}
    found = False
    for d in dirs:
        path = d / name
        if not path.is_file():
            continue
        found = True
        seen: set[str] = set()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise RulesError(f"{path}: cannot read: {exc}") from None
        header_done = False
        for lineno, line in enumerate(lines, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = next(csv.reader([line], delimiter="\t"))
            if not header_done:
                if tuple(c.strip() for c in cells) != columns:
                    raise RulesError(f"{path}:{lineno}: header must be {'	'.join(columns)!r}")
                header_done = True
                continue
            if len(cells) != len(columns) or not all(c.strip() for c in cells):
                raise RulesError(f"{path}:{lineno}: expected {len(columns)} non-empty "
                                 f"tab-separated fields, got {len(cells)}")
            key = cells[0].strip()
            if key in seen:
                raise RulesError(f"{path}:{lineno}: duplicate entry {key!r}")
            seen.add(key)
            rows[key] = [c.strip() for c in cells]
    if not found:
        raise RulesError(f"{dirs[0] / name}: missing rule file")
    return rows


# ---------------------------------------------------------------- checking helpers

def _check_keys(where: str, table: dict[str, Any], allowed: set[str], required: set[str]) -> None:
    for key in table:
        if key not in allowed:
            raise RulesError(f"{where}: unknown key {key!r}")
    for key in required:
        if key not in table:
            raise RulesError(f"{where}: missing key {key!r}")


def _words(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise RulesError(f"{where}: 'words' must be a list of non-empty strings")
    if len(set(value)) != len(value):
        dup = next(w for w in value if value.count(w) > 1)
        raise RulesError(f"{where}: duplicate word {dup!r}")
    return tuple(value)


def _number(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RulesError(f"{where}: expected a finite number, got {value!r}")
    return float(value)


def _number_table(where: str, table: Any) -> dict[str, float]:
    if not isinstance(table, dict):
        raise RulesError(f"{where}: expected a table")
    return {k.lower(): _number(f"{where} {k!r}", v) for k, v in table.items()}


_BOUND = _re.compile(r"^(?:(?P<f>\d+(?:\.\d+)?)?v|0|inf)$")


def _bound(where: str, text: Any) -> tuple[str, float]:
    if not isinstance(text, str) or not _BOUND.match(text):
        raise RulesError(f"{where}: bound must be 'v', a factor like '0.9v', '0' or 'inf', "
                         f"got {text!r}")
    if text == "0":
        return ("0", 0.0)
    if text == "inf":
        return ("inf", math.inf)
    factor = text[:-1]
    return ("v", float(factor) if factor else 1.0)


def _compile(where: str, pattern: str, flags: int) -> Any:
    try:
        return regex.compile(pattern, flags)
    except regex.error as exc:
        raise RulesError(f"{where}: bad regex {pattern!r}: {exc}") from None


def _str_list(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise RulesError(f"{where}: expected a list of strings")
    return tuple(value)


# ---------------------------------------------------------------- sections

def _load_hedges(data: dict[str, Any], path: str) -> tuple[Hedge, ...]:
    hedges: list[Hedge] = []
    seen: dict[tuple[str, bool], str] = {}
    for name, table in data.items():
        where = f"{path} [{name}]"
        if not isinstance(table, dict):
            raise RulesError(f"{where}: expected a table")
        _check_keys(where, table, {"words", "qualifier", "low", "high", "after"},
                    {"words", "qualifier", "low", "high"})
        words = _words(where, table["words"])
        after = bool(table.get("after", False))
        for w in words:
            key = (w.lower(), after)
            if key in seen:
                raise RulesError(f"{where}: word {w!r} already in [{seen[key]}]")
            seen[key] = name
        if table["qualifier"] not in QUALIFIERS:
            raise RulesError(f"{where}: unknown qualifier {table['qualifier']!r}")
        hedges.append(Hedge(name, words, table["qualifier"], _bound(f"{where} low", table["low"]),
                            _bound(f"{where} high", table["high"]), after))
    return tuple(hedges)


def _load_vague(table: dict[str, Any], where: str, name: str) -> Vague:
    _check_keys(where, table, {"words", "low", "high", "value"}, {"words", "low", "high", "value"})
    low, high, value = (_number(f"{where} {k}", table[k]) for k in ("low", "high", "value"))
    if not low <= value <= high:
        raise RulesError(f"{where}: need low <= value <= high")
    return Vague(name, _words(where, table["words"]), low, high, value)


def _load_non_claims(data: dict[str, Any], path: str) -> tuple[NonClaim, ...]:
    months = "|".join(regex.escape(m) for m in _str_list(f"{path} months", data.get("months", [])))
    weekdays = "|".join(regex.escape(m) for m in _str_list(f"{path} weekdays",
                                                          data.get("weekdays", [])))
    out: list[NonClaim] = []
    for kind, table in data.items():
        if kind in ("months", "weekdays"):
            continue
        where = f"{path} [{kind}]"
        if not isinstance(table, dict):
            raise RulesError(f"{where}: expected a table")
        _check_keys(where, table, {"reason", "patterns", "case_sensitive"}, {"reason", "patterns"})
        flags = regex.V0 if table.get("case_sensitive") else regex.IGNORECASE
        for i, pat in enumerate(_str_list(where, table["patterns"])):
            expanded = pat.replace("{month}", f"(?:{months})").replace("{weekday}",
                                                                       f"(?:{weekdays})")
            out.append(NonClaim(kind, str(table["reason"]),
                                _compile(f"{where} patterns[{i}]", expanded, flags)))
    return tuple(out)


def _load_currencies(data: dict[str, Any], path: str) -> tuple[dict[str, str], dict[str, str]]:
    symbols: dict[str, str] = {}
    words: dict[str, str] = {}
    for code, table in data.items():
        where = f"{path} [{code}]"
        if not isinstance(table, dict):
            raise RulesError(f"{where}: expected a table")
        _check_keys(where, table, {"symbols", "words"}, {"symbols", "words"})
        for s in _words(where, table["symbols"]):
            if s in symbols:
                raise RulesError(f"{where}: symbol {s!r} already belongs to {symbols[s]}")
            symbols[s] = code
        for w in _words(where, table["words"]):
            if w.lower() in words:
                raise RulesError(f"{where}: word {w!r} already belongs to {words[w.lower()]}")
            words[w.lower()] = code
    return symbols, words


@lru_cache(maxsize=8)
def load_rules(user_dir: str | None = None) -> Rules:
    """Read and check every rule file; ``user_dir`` adds to or overrides the defaults."""
    dirs: tuple[Path, ...] = (DEFAULT_RULES_DIR,)
    if user_dir:
        ud = Path(user_dir)
        if not ud.is_dir():
            raise RulesError(f"{ud}: rules folder does not exist")
        dirs = (DEFAULT_RULES_DIR, ud)

    nums = _read_toml("numbers.toml", dirs)
    _check_keys("numbers.toml", nums, {"units", "tens", "scales", "suffixes", "collectives",
                                       "fractions"},
                {"units", "tens", "scales", "suffixes", "collectives", "fractions"})
    suffixes: dict[str, tuple[float, bool]] = {}
    for k, v in nums["suffixes"].items():
        where = f"numbers.toml [suffixes] {k!r}"
        if not isinstance(v, dict):
            raise RulesError(f"{where}: expected {{ value = N, glued_only = bool }}")
        _check_keys(where, v, {"value", "glued_only"}, {"value", "glued_only"})
        suffixes[k.lower()] = (_number(where, v["value"]), bool(v["glued_only"]))

    vague_data = _read_toml("vague.toml", dirs)
    multipliers_data = vague_data.pop("multipliers", {})
    vague = tuple(_load_vague(t, f"vague.toml [{n}]", n) for n, t in vague_data.items())
    multipliers = tuple(_load_vague(t, f"vague.toml [multipliers.{n}]", n)
                        for n, t in multipliers_data.items())

    rounding = _read_toml("rounding.toml", dirs)
    _check_keys("rounding.toml", rounding, {"last_digit_share", "round_figure_slack"},
                {"last_digit_share", "round_figure_slack"})
    share = _number("rounding.toml last_digit_share", rounding["last_digit_share"])
    if not 0 <= share < 0.5:
        raise RulesError("rounding.toml last_digit_share: must be in [0, 0.5)")
    try:
        round_slack = {int(k): _number(f"rounding.toml [round_figure_slack] {k}", v)
                       for k, v in rounding["round_figure_slack"].items()}
    except ValueError:
        raise RulesError("rounding.toml [round_figure_slack]: keys must be whole numbers") from None

    cur_symbols, cur_words = _load_currencies(_read_toml("currencies.toml", dirs),
                                              "currencies.toml")

    counted_rows = _read_tsv("counted.tsv", dirs, ("word", "key"))
    place_rows = _read_tsv("places.tsv", dirs, ("name", "key", "kind"))
    places: dict[str, tuple[str, str]] = {}
    for name, (_, key, kind) in place_rows.items():
        if kind not in PLACE_KINDS:
            raise RulesError(f"places.tsv: {name!r}: unknown kind {kind!r}")
        places[name] = (key, kind)

    subj = _read_toml("subjects.toml", dirs)
    subj_keys = {"reference_words", "reference_defaults", "running_tallies", "earlier_markers",
                 "forecast_markers", "scope_prepositions", "whose_prepositions",
                 "generic_counted", "verb_counted", "money_words"}
    _check_keys("subjects.toml", subj, subj_keys, subj_keys)
    for table in ("verb_counted", "money_words"):
        if not isinstance(subj[table], dict) or not all(isinstance(v, str)
                                                        for v in subj[table].values()):
            raise RulesError(f"subjects.toml [{table}]: expected a table of strings")

    for k, v in subj["reference_defaults"].items():
        if not isinstance(v, str):
            raise RulesError(f"subjects.toml [reference_defaults] {k!r}: expected a string")

    words = _read_toml("words.toml", dirs)
    word_keys = {"phrase_stoppers", "counted_modifiers", "clause_breakers", "pronouns",
                 "claimant_trailers"}
    _check_keys("words.toml", words, word_keys, word_keys)

    attr = _read_toml("attribution.toml", dirs)
    attr_keys = {"verbs", "passive_markers", "according_to", "attached_after", "put_at"}
    _check_keys("attribution.toml", attr, attr_keys, attr_keys)

    units = _read_toml("units.toml", dirs)
    _check_keys("units.toml", units, {"short_names", "ignore_symbols", "ignore_entities"},
                {"short_names", "ignore_symbols", "ignore_entities"})

    def lower_set(where: str, v: Any) -> frozenset[str]:
        return frozenset(w.lower() for w in _str_list(where, v))

    return Rules(
        units=_number_table("numbers.toml [units]", nums["units"]),
        tens=_number_table("numbers.toml [tens]", nums["tens"]),
        scales=_number_table("numbers.toml [scales]", nums["scales"]),
        suffixes=suffixes,
        collectives=_number_table("numbers.toml [collectives]", nums["collectives"]),
        fractions=_number_table("numbers.toml [fractions]", nums["fractions"]),
        vague=vague,
        multipliers=multipliers,
        hedges=_load_hedges(_read_toml("hedges.toml", dirs), "hedges.toml"),
        last_digit_share=share,
        round_slack=round_slack,
        non_claims=_load_non_claims(_read_toml("non_claims.toml", dirs), "non_claims.toml"),
        currency_symbols=cur_symbols,
        currency_words=cur_words,
        counted={k.lower(): v[1].lower() for k, v in counted_rows.items()},
        reference_words=lower_set("subjects.toml reference_words", subj["reference_words"]),
        reference_defaults={k.lower(): str(v) for k, v in subj["reference_defaults"].items()},
        running_tallies=lower_set("subjects.toml running_tallies", subj["running_tallies"]),
        earlier_markers=_str_list("subjects.toml earlier_markers", subj["earlier_markers"]),
        forecast_markers=lower_set("subjects.toml forecast_markers", subj["forecast_markers"]),
        scope_prepositions=lower_set("subjects.toml", subj["scope_prepositions"]),
        whose_prepositions=lower_set("subjects.toml", subj["whose_prepositions"]),
        generic_counted=lower_set("subjects.toml generic_counted", subj["generic_counted"]),
        verb_counted={k.lower(): v for k, v in subj["verb_counted"].items()},
        money_words={k.lower(): v for k, v in subj["money_words"].items()},
        places=places,
        phrase_stoppers=lower_set("words.toml phrase_stoppers", words["phrase_stoppers"]),
        counted_modifiers=lower_set("words.toml counted_modifiers", words["counted_modifiers"]),
        clause_breakers=lower_set("words.toml clause_breakers", words["clause_breakers"]),
        pronouns=lower_set("words.toml pronouns", words["pronouns"]),
        claimant_trailers=lower_set("words.toml claimant_trailers", words["claimant_trailers"]),
        reporting_verbs=lower_set("attribution.toml verbs", attr["verbs"]),
        passive_markers=lower_set("attribution.toml passive_markers", attr["passive_markers"]),
        according_to=_str_list("attribution.toml according_to", attr["according_to"]),
        attached_after=tuple(_compile(f"attribution.toml attached_after[{i}]", p, regex.I)
                             for i, p in enumerate(_str_list("attribution.toml",
                                                             attr["attached_after"]))),
        put_at=tuple(_compile(f"attribution.toml put_at[{i}]", p, regex.I)
                     for i, p in enumerate(_str_list("attribution.toml", attr["put_at"]))),
        unit_short_names={k: str(v) for k, v in units["short_names"].items()},
        unit_ignore_symbols=frozenset(_str_list("units.toml ignore_symbols",
                                                units["ignore_symbols"])),
        unit_ignore_entities=lower_set("units.toml ignore_entities", units["ignore_entities"]),
        source=";".join(str(d) for d in dirs),
    )
