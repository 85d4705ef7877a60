"""Load and validate the rule files in ``rules/``.

Every lexicon and pattern the pipeline uses lives in ``rules/`` as TOML or TSV.
``load_rules`` reads them once into a frozen ``Rules`` value and checks them: known
keys, right types, known qualifiers, no duplicate words, regexes that compile. A bad
file raises ``RulesError`` naming the file, the line or key, and the reason, so a run
fails at load and never halfway through.

``--rules DIR`` (``load_rules(DIR)``): the folder holds copies of some rule files, under
the same names; the defaults are read first, then the folder's files on top of them:

- TOML: each top-level table or key in ``DIR/NAME.toml`` replaces the default one of the
  same name *as a whole* (a ``[more_than]`` there replaces the default ``[more_than]``,
  words and all; copy the table to extend it); new tables are added; tables it does not
  name keep their defaults. A key cannot be removed, only replaced.
- TSV: each row of ``DIR/NAME.tsv`` replaces the default row with the same first column,
  and new rows are added. The file needs the same header row as the default.
- A ``.toml`` or ``.tsv`` file in ``DIR`` whose name is not a default rule file is an error
  (a misspelt name would otherwise be ignored without a word). Other files are ignored.

The merged rules are checked as one: an error names the file the offending table or row
came from (``DIR``'s copy or the default), with its line where the file has one:
``rules/hedges.toml:40 [more_than]: unknown key 'hihg'``. TOML syntax errors (including a key
defined twice) carry the parser's line and column. ``abbreviations.tsv`` is checked here too.
"""
from __future__ import annotations

import csv
import math
import re as _re
from dataclasses import dataclass, field
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
    requires: tuple[str, ...] = ()  # lowercase words one of which a text must hold to match
    lead: bool = False  # the pattern reads the words before it in a group "lead", its start
    whole_text: bool = False  # read over the whole text, not only the windows around figures


def nonclaim_start(nc: NonClaim, m: Any) -> int:
    """Where a non-claim match begins: at its ``lead`` group when it has one that took part."""
    if nc.lead:
        lead = m.start("lead")
        if lead >= 0:
            return int(lead)
    return int(m.start())


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
    part_before: tuple[str, ...]
    part_after: tuple[str, ...]
    measure_before: frozenset[str]
    forecast_markers: tuple[str, ...]  # "expected", "guidance": a forecast, not an outturn
    revenue_verbs: frozenset[str]  # "rates will bring in $2bn": the sum is what rates raise
    abbreviations: frozenset[str]
    scope_prepositions: frozenset[str]
    whose_prepositions: frozenset[str]
    generic_counted: frozenset[str]
    time_pattern: Any  # regex.Pattern[str]
    day_pattern: Any  # a time that names a day or a date, not only a time of day
    auxiliaries: frozenset[str]
    clause_words: frozenset[str]
    name_stopwords: frozenset[str]
    not_claimant_starts: frozenset[str]
    place_nouns: frozenset[str]
    counter_prefixes: tuple[str, ...]
    verb_counted: dict[str, str]
    money_words: dict[str, str]
    spending_heads: dict[str, str]
    places: dict[str, tuple[str, str]]  # surface -> (key, kind)
    phrase_stoppers: frozenset[str]
    counted_modifiers: frozenset[str]
    clause_breakers: frozenset[str]
    pronouns: frozenset[str]
    institution_words: frozenset[str]  # "the agency" stands only for a claimant so named
    story_not_names: frozenset[str]  # capitalised words that are no story term
    story_stopwords: frozenset[str]  # long words too common to tell stories apart
    claimant_trailers: frozenset[str]
    reporting_verbs: frozenset[str]
    passive_markers: frozenset[str]
    survey_words: frozenset[str]
    according_to: tuple[str, ...]
    attached_after: tuple[Any, ...]
    put_at: tuple[Any, ...]
    unit_short_names: dict[str, str]
    unit_ignore_symbols: frozenset[str]
    unit_ignore_entities: frozenset[str]
    source: str
    # units.toml [aliases] and glued_only, changes.toml (quantity extraction)
    unit_aliases: dict[str, str] = field(default_factory=dict)
    unit_glued_only: frozenset[str] = frozenset()
    change_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    decades: tuple[Vague, ...] = ()  # vague.toml [decades]: "the mid-30s", "her early 20s"
    not_units: frozenset[str] = frozenset()  # not_units.tsv: catalogue names that are nouns
    conversions: dict[str, tuple[str, float]] = field(default_factory=dict)  # unit -> (group, factor)
    unit_context: dict[str, tuple[str, ...]] = field(default_factory=dict)  # units.toml [context]


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


def _table(where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RulesError(f"{where}: expected a table, got {type(value).__name__}")
    return value


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
        _check_keys(where, table, {"reason", "patterns", "case_sensitive", "requires",
                                   "whole_text"}, {"reason", "patterns"})
        requires = tuple(w.lower() for w in _str_list(f"{where} requires",
                                                      table.get("requires", [])))
        if "{month}" in str(table.get("requires", "")):
            raise RulesError(f"{where} requires: list the words, not a placeholder")
        for flag in ("case_sensitive", "whole_text"):
            if not isinstance(table.get(flag, False), bool):
                raise RulesError(f"{where} {flag}: expected true or false")
        flags = regex.V0 if table.get("case_sensitive") else regex.IGNORECASE
        for i, pat in enumerate(_str_list(where, table["patterns"])):
            expanded = pat.replace("{month}", f"(?:{months})").replace("{weekday}",
                                                                       f"(?:{weekdays})")
            compiled = _compile(f"{where} patterns[{i}]", expanded, flags)
            out.append(NonClaim(kind, str(table["reason"]), compiled, requires,
                                "lead" in compiled.groupindex,
                                bool(table.get("whole_text", False))))
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
    """Read and check every rule file; ``user_dir`` adds to or overrides the defaults.

    Raises RulesError naming the file, its line where there is one, and the reason.
    """
    dirs: tuple[Path, ...] = (DEFAULT_RULES_DIR,)
    if user_dir:
        ud = Path(user_dir)
        if not ud.is_dir():
            raise RulesError(f"{ud}: rules folder does not exist")
        _check_user_files(ud)
        dirs = (DEFAULT_RULES_DIR, ud)
    try:
        return _load(dirs)
    except RulesError as exc:
        raise RulesError(_locate(str(exc), dirs)) from None
    except (AttributeError, TypeError, KeyError, ValueError, IndexError) as exc:
        # a shape the checks above do not foresee: still one line naming the folder
        raise RulesError(f"{dirs[-1]}: malformed rule file: {type(exc).__name__}: {exc}"
                         ) from None


def _check_user_files(folder: Path) -> None:
    """Refuse a rule file in a user folder whose name no default rule file has."""
    known = {p.name for p in DEFAULT_RULES_DIR.iterdir() if p.suffix in (".toml", ".tsv")}
    for path in sorted(folder.iterdir()):
        if path.suffix in (".toml", ".tsv") and path.name not in known:
            raise RulesError(f"{path}: unknown rule file (expected one of "
                             f"{', '.join(sorted(known))})")


def _load(dirs: tuple[Path, ...]) -> Rules:
    """Read and check the rule files of ``dirs`` (defaults first); see ``load_rules``."""
    abbreviations = frozenset(_read_tsv("abbreviations.tsv", dirs, ("abbreviation", "kind")))

    nums = _read_toml("numbers.toml", dirs)
    _check_keys("numbers.toml", nums, {"units", "tens", "scales", "suffixes", "collectives",
                                       "fractions"},
                {"units", "tens", "scales", "suffixes", "collectives", "fractions"})
    suffixes: dict[str, tuple[float, bool]] = {}
    for k, v in _table("numbers.toml [suffixes]", nums["suffixes"]).items():
        where = f"numbers.toml [suffixes] {k!r}"
        if not isinstance(v, dict):
            raise RulesError(f"{where}: expected {{ value = N, glued_only = bool }}")
        _check_keys(where, v, {"value", "glued_only"}, {"value", "glued_only"})
        suffixes[k.lower()] = (_number(where, v["value"]), bool(v["glued_only"]))

    vague_data = _read_toml("vague.toml", dirs)
    multipliers_data = _table("vague.toml [multipliers]", vague_data.pop("multipliers", {}))
    decades_data = _table("vague.toml [decades]", vague_data.pop("decades", {}))
    vague = tuple(_load_vague(_table(f"vague.toml [{n}]", t), f"vague.toml [{n}]", n)
                  for n, t in vague_data.items())
    multipliers = tuple(_load_vague(_table(f"vague.toml [multipliers.{n}]", t),
                                    f"vague.toml [multipliers.{n}]", n)
                        for n, t in multipliers_data.items())
    decades = tuple(_load_vague(_table(f"vague.toml [decades.{n}]", t),
                                f"vague.toml [decades.{n}]", n)
                    for n, t in decades_data.items())
    for d in decades:
        if not 0 <= d.low <= d.high <= 9:
            raise RulesError(f"vague.toml [decades.{d.name}]: low and high are offsets from 0 to 9")

    rounding = _read_toml("rounding.toml", dirs)
    _check_keys("rounding.toml", rounding, {"last_digit_share", "round_figure_slack"},
                {"last_digit_share", "round_figure_slack"})
    share = _number("rounding.toml last_digit_share", rounding["last_digit_share"])
    if not 0 <= share < 0.5:
        raise RulesError("rounding.toml last_digit_share: must be in [0, 0.5)")
    try:
        round_slack = {int(k): _number(f"rounding.toml [round_figure_slack] {k}", v)
                       for k, v in _table("rounding.toml [round_figure_slack]",
                                          rounding["round_figure_slack"]).items()}
    except ValueError:
        raise RulesError("rounding.toml [round_figure_slack]: keys must be whole numbers") from None

    cur_symbols, cur_words = _load_currencies(_read_toml("currencies.toml", dirs),
                                              "currencies.toml")

    counted_rows = _read_tsv("counted.tsv", dirs, ("word", "key"))
    place_rows = _read_tsv("places.tsv", dirs, ("name", "key", "kind"))
    places: dict[str, tuple[str, str]] = {}
    for name, (_, key, kind) in place_rows.items():
        if kind not in PLACE_KINDS:
            raise RulesError(f"places.tsv {name!r}: unknown kind {kind!r}")
        places[name] = (key, kind)

    subj = _read_toml("subjects.toml", dirs)
    subj_keys = {"reference_words", "reference_defaults", "running_tallies", "earlier_markers",
                 "scope_prepositions", "whose_prepositions",
                 "generic_counted", "verb_counted", "money_words", "time_pattern", "counter_prefixes",
                 "forecast_markers", "revenue_verbs", "day_pattern"}
    _check_keys("subjects.toml", subj, subj_keys | {"spending_heads", "part_before",
                                                     "part_after", "measure_before"}, subj_keys)
    for key in ("time_pattern", "day_pattern"):
        if not isinstance(subj[key], str):
            raise RulesError(f"subjects.toml {key}: expected a regex string")
    for table in ("verb_counted", "money_words", "spending_heads"):
        if not isinstance(subj.get(table, {}), dict) or not all(
                isinstance(v, str) for v in subj.get(table, {}).values()):
            raise RulesError(f"subjects.toml [{table}]: expected a table of strings")

    for k, v in _table("subjects.toml [reference_defaults]",
                       subj["reference_defaults"]).items():
        if not isinstance(v, str):
            raise RulesError(f"subjects.toml [reference_defaults] {k!r}: expected a string")

    words = _read_toml("words.toml", dirs)
    word_keys = {"phrase_stoppers", "counted_modifiers", "clause_breakers", "pronouns",
                 "claimant_trailers", "auxiliaries", "clause_words", "name_stopwords",
                 "not_claimant_starts", "place_nouns", "institution_words", "story_not_names",
                 "story_stopwords"}
    _check_keys("words.toml", words, word_keys, word_keys)

    attr = _read_toml("attribution.toml", dirs)
    attr_keys = {"verbs", "passive_markers", "according_to", "attached_after", "put_at",
                 "survey_words"}
    _check_keys("attribution.toml", attr, attr_keys, attr_keys)

    units = _read_toml("units.toml", dirs)
    _check_keys("units.toml", units, {"short_names", "ignore_symbols", "ignore_entities",
                                      "aliases", "glued_only", "context"},
                {"short_names", "ignore_symbols", "ignore_entities"})
    context_keys = {"race_after", "race_verbs", "weight_verbs", "mass_words", "sterling_words",
                    "money_nouns", "money_of"}
    context_data = _table("units.toml [context]", units.get("context", {}))
    _check_keys("units.toml [context]", context_data,
                context_keys | {"spaced_symbols", "speed_words", "age_before"}, context_keys)
    unit_context = {k: tuple(_str_list(f"units.toml [context] {k}", v))
                    for k, v in context_data.items()}
    _table("units.toml [short_names]", units["short_names"])
    unit_aliases = {str(k): v for k, v in _table("units.toml [aliases]",
                                                 units.get("aliases", {})).items()}
    if not all(isinstance(v, str) for v in unit_aliases.values()):
        raise RulesError("units.toml [aliases]: expected a table of strings")
    conversions: dict[str, tuple[str, float]] = {}
    for unit, (_, group, factor) in _read_tsv("conversions.tsv", dirs,
                                              ("unit", "group", "factor")).items():
        try:
            conversions[unit] = (group, float(factor))
        except ValueError:
            raise RulesError(f"conversions.tsv {unit!r}: factor {factor!r} is not a number") \
                from None
        if not conversions[unit][1] > 0:
            raise RulesError(f"conversions.tsv {unit!r}: factor must be positive")
    not_unit_rows = _read_tsv("not_units.tsv", dirs, ("word", "why"))
    for word in not_unit_rows:
        if not regex.fullmatch(r"\p{Ll}+", word):
            raise RulesError(f"not_units.tsv: {word!r} is not one lowercase word")
    changes = _read_toml("changes.toml", dirs)
    _check_keys("changes.toml", changes, {"up", "down", "moves", "particles_after"},
                {"up", "down", "moves"})

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
        part_before=_str_list("subjects.toml part_before", subj.get("part_before", [])),
        part_after=_str_list("subjects.toml part_after", subj.get("part_after", [])),
        measure_before=lower_set("subjects.toml measure_before", subj.get("measure_before", [])),
        forecast_markers=_str_list("subjects.toml forecast_markers", subj["forecast_markers"]),
        revenue_verbs=lower_set("subjects.toml revenue_verbs", subj["revenue_verbs"]),
        abbreviations=abbreviations,
        scope_prepositions=lower_set("subjects.toml", subj["scope_prepositions"]),
        whose_prepositions=lower_set("subjects.toml", subj["whose_prepositions"]),
        generic_counted=lower_set("subjects.toml generic_counted", subj["generic_counted"]),
        time_pattern=_compile("subjects.toml time_pattern", subj["time_pattern"], regex.V0),
        day_pattern=_compile("subjects.toml day_pattern", subj["day_pattern"], regex.IGNORECASE),
        auxiliaries=lower_set("words.toml auxiliaries", words["auxiliaries"]),
        clause_words=lower_set("words.toml clause_words", words["clause_words"]),
        name_stopwords=lower_set("words.toml name_stopwords", words["name_stopwords"]),
        not_claimant_starts=lower_set("words.toml not_claimant_starts",
                                      words["not_claimant_starts"]),
        place_nouns=lower_set("words.toml place_nouns", words["place_nouns"]),
        counter_prefixes=_str_list("subjects.toml counter_prefixes", subj["counter_prefixes"]),
        verb_counted={k.lower(): v for k, v in subj["verb_counted"].items()},
        money_words={k.lower(): v for k, v in subj["money_words"].items()},
        spending_heads={k.lower(): v for k, v in subj.get("spending_heads", {}).items()},
        places=places,
        phrase_stoppers=lower_set("words.toml phrase_stoppers", words["phrase_stoppers"]),
        counted_modifiers=lower_set("words.toml counted_modifiers", words["counted_modifiers"]),
        clause_breakers=lower_set("words.toml clause_breakers", words["clause_breakers"]),
        pronouns=lower_set("words.toml pronouns", words["pronouns"]),
        institution_words=lower_set("words.toml institution_words", words["institution_words"]),
        story_not_names=lower_set("words.toml story_not_names", words["story_not_names"]),
        story_stopwords=lower_set("words.toml story_stopwords", words["story_stopwords"]),
        claimant_trailers=lower_set("words.toml claimant_trailers", words["claimant_trailers"]),
        reporting_verbs=lower_set("attribution.toml verbs", attr["verbs"]),
        passive_markers=lower_set("attribution.toml passive_markers", attr["passive_markers"]),
        survey_words=lower_set("attribution.toml survey_words", attr["survey_words"]),
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
        unit_aliases=unit_aliases,
        unit_glued_only=frozenset(_str_list("units.toml glued_only",
                                            units.get("glued_only", []))),
        change_words={k: tuple(w.lower() for w in _str_list(f"changes.toml {k}", v))
                      for k, v in changes.items()},
        decades=decades,
        not_units=frozenset(not_unit_rows),
        conversions=conversions,
        unit_context=unit_context,
    )


# ---------------------------------------------------------------- error locations

_WHERE = _re.compile(r"(?P<file>[\w.-]+\.(?:toml|tsv))(?P<rest>(?: \[[^\]\n]+\])?(?: [^:\n]+?)?)"
                     r": (?P<reason>.*)", _re.DOTALL)
_STRING = _re.compile(r"'''.*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"|'[^'\n]*'|\"(?:\\.|[^\"\\\n])*\""
                      r"|#[^\n]*", _re.DOTALL)


def _locate(message: str, dirs: tuple[Path, ...]) -> str:
    """Turn ``"hedges.toml [x] low: why"`` into ``"/path/hedges.toml:12 [x] low: why"``.

    The file is the user folder's copy when it holds the table, key or row, else the
    default; the line is found in its text. Messages that already name a path are kept.
    """
    m = _WHERE.fullmatch(message)
    if m is None or "/" in message.split(":", 1)[0]:
        return message
    name, rest, reason = m.group("file"), m.group("rest"), m.group("reason")
    table_m = _re.match(r" \[([^\]]+)\]", rest)
    table = table_m.group(1) if table_m else None
    key = rest[table_m.end():].strip() if table_m else rest.strip()
    if not key:
        named = _re.match(r"(?:unknown|missing) key '([^']+)'|'([^']+)'", reason)
        if named and named.group(1) and "unknown" in reason:
            key = named.group(1)
    candidates = [d / name for d in reversed(dirs) if (d / name).is_file()]
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        line = (_tsv_line(text, key or reason) if name.endswith(".tsv")
                else _toml_line(text, table, key, reason))
        if line is not None:
            return f"{path}:{line}{rest}: {reason}"
    path = candidates[0] if candidates else dirs[-1] / name
    return f"{path}{rest}: {reason}"


def _tsv_line(text: str, key: str) -> int | None:
    """The line of the TSV row whose first cell is ``key`` (given as a repr or bare)."""
    bare = key.strip("'\"") if _re.fullmatch(r"'[^']*'|\"[^\"]*\"", key) else key
    quoted = _re.match(r"'([^']*)'", key)
    bare = quoted.group(1) if quoted else bare
    for number, line in enumerate(text.splitlines(), 1):
        if line.split("\t", 1)[0].strip() == bare:
            return number
    return None


def _toml_line(text: str, table: str | None, key: str, reason: str) -> int | None:
    """The line of ``[table] key`` in TOML text; the table's header when the key is not found.

    A key such as ``patterns[3]`` gives the line of that element of the array; a reason
    naming a duplicate word gives the line where the word comes again.
    """
    lines = text.split("\n")
    start, end = 0, len(lines)
    header: int | None = None
    if table is not None:
        parts = [_re.escape(p) for p in table.split(".")]
        head = _re.compile(r"\s*\[\s*" + r"\s*\.\s*".join(rf"[\"']?{p}[\"']?" for p in parts)
                           + r"\s*\]")
        header = next((i for i, ln in enumerate(lines) if head.match(ln)), None)
        if header is None:  # "[name]" may be a top-level key: "name = 3"
            first = next((i for i, ln in enumerate(lines) if _re.match(r"\s*\[[^\]]", ln)),
                         len(lines))
            return _toml_line("\n".join(lines[:first]), None, table, reason) if not key else None
        start = header + 1
        end = next((i for i in range(start, len(lines))
                    if _re.match(r"\s*\[[^\]]", lines[i])), len(lines))
    else:
        end = next((i for i, ln in enumerate(lines) if _re.match(r"\s*\[[^\]]", ln)), len(lines))
    name_m = _re.match(r"'?([^'\[]+)'?(?:\[(\d+)\])?$", key) if key else None
    if name_m:
        name, index = name_m.group(1).strip(), name_m.group(2)
        pat = _re.compile(rf"\s*[\"']?{_re.escape(name)}[\"']?\s*=")
        at = next((i for i in range(start, end) if pat.match(lines[i])), None)
        if at is not None:
            if index is None:
                return at + 1
            return _element_line(lines, at, int(index)) or at + 1
    dup = _re.search(r"(?:duplicate word|word|symbol) '([^']+)'", reason)
    if dup and table is not None:
        body = "\n".join(lines[start:end])
        hits = [mm.start() for mm in _re.finditer(rf"[\"']{_re.escape(dup.group(1))}[\"']", body)]
        if hits:
            return start + body.count("\n", 0, hits[-1]) + 1
    return header + 1 if header is not None else None


def _element_line(lines: list[str], at: int, index: int) -> int | None:
    """The line of string number ``index`` of the array that starts on line ``at``."""
    rest = "\n".join(lines[at:])
    rest_from = rest.index("=") + 1
    n = 0
    for mm in _STRING.finditer(rest, rest_from):
        if mm.group(0).startswith("#"):
            continue
        if n == index:
            return at + rest.count("\n", 0, mm.start()) + 1
        n += 1
    return None
