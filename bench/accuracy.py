"""Measure numcheck's quantity extractor on other people's test suites, beside quantulum3.

Run by hand (``make accuracy``), never by the tests: it reads ``../shared/external``
(other people's data, for measurement only; nothing of it is copied into the project)
and exits 0 with a message when that folder is absent. Each suite is run through
``checker.quantities.find_quantities`` and through ``quantulum3.parser.parse`` in the
same run; the table gives precision, recall and F1 per suite and category, and the
seconds each tool took.

    python bench/accuracy.py                 # every suite, one table
    python bench/accuracy.py --json          # the same figures as JSON
    python bench/accuracy.py --verbose       # also list out-of-scope cases and errors
    python bench/accuracy.py newsquant FILE [--predictions OUT.json] [--json]

Units are compared in one vocabulary, quantulum3's unit names; the tables under
``bench/unit_maps/`` (data, not code) map numcheck's short units and each suite's
names onto it. Predictions and gold are paired one to one, in order, first match
wins, unless a suite's own scoring says otherwise (NewsQuant).

Metrics
-------
value     a prediction and a gold quantity pair when their values agree to a relative
          tolerance of 1e-5 (a range agrees only with a range, both bounds).
unit      a value pair whose units are the same after mapping.
span      exact: same character offsets; overlap: the offsets overlap (one to one).
interval  a gold range or bound against numcheck's low/high: both bounds agree, or,
          for a one-sided bound, the bound and its direction agree. P over predicted
          ranges and bounds, R over gold ranges and bounds.

Scoring policy per suite
------------------------
NewsQuant (``cqe/formatted_test_set/NewsQuant-dev.json``, or any file in its format)
    Scored exactly as CQE_Evaluation's ``evaluate_models.py`` scores it, so the figures
    stand beside the published ones: per sentence, gold sorted by normalized_unit; a
    value matches by ``numpy.isclose(rtol=1e-5, atol=1e-8)``; a range "a-b" matches only
    a range with the same bounds *in the written order*; value+unit needs equal
    lowercased normalized_unit; value+change needs equal change. Precision is matches
    over predicted, recall matches over gold. The upstream quirks are kept: a value
    match is counted once per gold quantity, but a prediction is used up only when its
    unit matches too. For quantulum3, gold ranges are averaged to their midpoint, as
    upstream does. Conventions mapped for numcheck (``unit_maps/``):
    - units: numcheck unit -> quantulum3 name -> CQE name (``numcheck_quantulum3.tsv``,
      ``quantulum3_cqe.tsv``); a rate numcheck writes "l/km" is named part by part,
      "litre per kilometre".
    - counted nouns: a count has no unit in numcheck; NewsQuant names the counted noun
      instead, each word as its lemmatiser writes it ("13000 workers" -> "worker",
      "60 fishermen" -> "fisherman", "categories of products" -> "category product",
      "digital and physical sales" -> "digital physical sale"). The script reads the
      noun phrase after the figure up to its plural head or a stop word, past a hyphen
      ("four-cylinder"), "of the", and a word of quantity such as "more" or "combined"
      ("eight more picks" -> "pick"); an "and" between two modifiers is dropped; a
      plural head may take "of" and a bare lowercase noun ("snaps of coverage"). Plurals
      not made with -s are read from ``irregular_plurals.tsv`` and the -men rule. With no
      plural head, a number above one keeps only the first word ("a 12 page document"
      -> "page"); "one" and a fraction keep the phrase ("one particular demand"). A
      size glued to its figure between the count and the noun is no part of the noun
      ("eight million 250ml bottles" -> "bottle"), nor is an adverb with its participle
      ("20 decently sized plants" -> "plant"). A count with no noun after it, right
      after a count that has one, takes that noun (6 million homes, including 1.5
      million in the city -> "home"), also past a percentage between them ("a close of
      1,463.87 points, while the other climbed 0.1% to 1,333.18" -> "point"): NewsQuant
      names the count by the noun it does not repeat. "-" when there is none.
    - ages: NewsQuant names an age "year of age"; a figure numcheck reads in years is
      one when "-old" follows it ("a 50 year-old man") or the words numcheck reads an
      age by stand before it ("aged 12", "who was 10").
    - shares: a fraction or share of a count ("a third of the voters", "one in five
      adults") is written by NewsQuant as "%" and the counted noun ("% voter"); a
      decimal below one is not a share.
    - unit symbols NewsQuant names by the symbol alone (``newsquant_symbols.tsv``): CQE's
      catalogue (reference/unit.json) lists "p" as a symbol of "point", and the
      annotators name every written "p" "point" ("164p", "down 68 p"), though numcheck
      reads "164p" as pence. Applied to quantulum3's predictions the same way. A spelled
      "pence" is not a symbol and stays "penny". (Until round 3 pence were left as unit
      errors; the row is a naming convention of the suite, so it is now mapped.)
    - vague quantities: NewsQuant writes them as ranges of its own ("dozens" ->
      12-120); ``newsquant_vague.tsv`` maps numcheck's interval onto those.
    - change: exact/range/vague "=", approximate "~", more_than/at_least ">",
      at_most/less_than/denial "<"; numcheck's ``change`` (up/down) wins when set.
      A figure right after the verb "averaged"/"averaging" is "~", as CQE's own list of
      bounds (vivkaz/CQE number_lookup.py: "average", "averaging") and NewsQuant's
      annotators have it ("averaged 7.3 points"); after the noun ("an average of 50")
      it stays "=". quantulum3 has no change, so it is given "=" throughout.
    - a change "from X to Y" is written by NewsQuant as one range in the written order
      ("4.8-4.7"); numcheck reports the two levels as two figures, and the script
      joins two figures written "from X to Y" into one such range, with the unit of
      the first when only the first carries one ("from 208 pounds to 193"); a range
      numcheck reads from "from X to Y" is written in the written order too. The first
      level may carry a hedge or a bound ("from up to 252 miles to 287 miles": the
      figures as written) and be followed by a rate or one word written for it alone
      ("from about $350 per kg to $680 per kg", "from 21 mpg combined to 23"); two
      different units ("from 44 ml to 50 mg") stay two figures. "to Y from X" is not
      joined: NewsQuant writes it both ways. The same join is applied to quantulum3's
      suite (``join_from_to``), whose gold writes "from 44 mg to 50 mg" as 47 +- 3.
    - rates: NewsQuant names money and percentages per unit of time ("$3,500 a month" ->
      "dollar per month"); numcheck keeps them as money and percentages (so that figures
      compare), and the script reads the "per" part with numcheck's own ``find_rate``,
      also past a conversion in brackets ("9 billion shekels ($2.4 billion) a year").
    - an approximate range ("about $920 to $1730"): numcheck widens the bounds by the
      hedge (rules/hedges.toml); NewsQuant writes the bounds as written and "~", so the
      script undoes the hedge's factors.
quantulum3 (``tests/quantities.json``, ``quantities.ambiguity.json``,
    ``derived/spellout_values.json``; ``errors.json`` must not raise)
    Gold has no offsets: the span is the first occurrence of the gold surface. Ranges
    are value +- uncertainty unless the surface says +/- (a tolerance). Out of scope,
    counted and listed with ``--verbose``, removed for both tools together with any
    prediction that overlaps them: years (a four-digit 1500-2099 figure or "the
    1960s" given as a dimensionless number; numcheck rejects years by design),
    designations (a number in digits right after a capitalised name: "Voyager 2",
    "English 101", "Core i7 860", "South 32"; a number word there, "After two proton
    beams", stays in scope), an article or a unit word read as one unit ("a gallon",
    "a dozen" = 1 dozen, "a penny"; "One pound" stays in scope), named constants
    ("absolute zero"), and
    spelled-out cases that expect nothing for a vague quantity ("several hundred
    years"): numcheck's vague predictions are not scored on this suite. Units: a rate
    numcheck writes "l/km" is named "litre per kilometre"; money and percentages per
    unit of time, and frequencies, are named as rates, by the same conventions as for
    NewsQuant ("$15.4/hour" -> "dollar per hour", "four times per week" -> "count per
    week"). Two levels written "from X to Y" are joined into one range as for NewsQuant
    (the suite writes "from 44 mg to 50 mg" as 47 +- 3), for both tools.
Recognizers-Text (``recognizers-text/Specs``, one category per file)
    Offsets are given (End inclusive, made exclusive here). Values are strings; a
    numberrange is interval notation ("[20,30)", "(30,)"), scored as an interval.
    Percentages score value and unit percent; currencies compare ISO codes (or the
    unit name mapped through ``recognizers_quantulum3.tsv``); dimensions and
    temperatures compare mapped unit names (Recognizers' bare "degree" is quantulum3's
    "degree angle", its "ton" quantulum3's "short ton"; its bare "Pound" is the pound-mass
    in the dimension model and, by a row "currency:pound", the pound sterling in the
    currency model, where every unit is a currency; its "milliliter", like numcheck's
    "ml", is quantulum3's "cubic centimetre", quantulum3's one name for the millilitre). A numberrange "[20,20]" is the
    figure 20. Ordinal files are negative tests: a gold ordinal is "rejected" when no
    prediction overlaps it; an ordinal that NumberModel reads as part of a number ("forty
    two and a third") has contradicting golds and is out of scope. Out of scope (the
    suite wants every number, numcheck wants claims): numbers inside IP addresses,
    dates, phone numbers and identifiers ("SCP-173", "version two", "Exercise nr. 22"),
    a lone "one" as a pronoun, European decimal commas ("5,00"), arithmetic read out
    (powers "1.1^23" but not scientific notation "1.3x10^6", "x over y"), a unit named
    without a figure ("the dollar"), and in NumberModelPercentMode a share read as its
    two numbers ("one out of three", which NumberModel reads as one share). A typed
    model (Currency, Dimension, Temperature, Age, Percent) lists only figures of its
    kind: a prediction of another kind (a percentage in CurrencyModel) that overlaps no
    gold is not judged, and a Number model leaves a number with a unit ("the 180ml
    liquid") to the NumberWithUnit models; these are counted and listed with
    ``--verbose``, for both tools. PercentModelPercentMode writes a share as a
    percentage ("one in two" = 50%): a dimensionless prediction below 1 is compared
    times 100 there. Cases marked NotSupported for python upstream stay in scope.
MeasEval (``measeval/data/eval``)
    Spans only (the gold has no values): exact and overlapping span F1 over Quantity
    annotations, and, among overlapping pairs, how often IsRange/IsApproximate agree
    with numcheck's range/approximate qualifiers. Scientific prose, out of domain.
QuanTemp (``quantemp/data``)
    No quantity gold. All 2,495 test claims must run without an exception; on the 309
    categorised claims, the share with at least one figure per category; on temporal
    claims, the share where a year or a date came out as a quantity (a four-digit
    1800-2100 integer without a unit, or a figure next to a month name).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import platform
import re
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = ROOT.parent / "shared" / "external"
MAPS = Path(__file__).resolve().parent / "unit_maps"
sys.path.insert(0, str(ROOT))

# ---------------------------------------------------------------- shared records


@dataclass
class Pred:
    """One quantity a tool found, in the script's common shape."""

    start: int
    end: int
    surface: str
    value: float
    low: float
    high: float
    unit: str          # quantulum3 unit name
    qualifier: str     # numcheck's qualifier; quantulum3: exact or range
    change: str = ""
    vague: bool = False
    raw_unit: str = ""


@dataclass
class Gold:
    """One gold quantity, in the script's common shape."""

    start: int
    end: int
    surface: str
    value: float | None
    low: float | None = None
    high: float | None = None
    unit: str = ""     # quantulum3 unit name, "" when the suite does not say
    interval: str = ""  # "", "range", "lower", "upper"
    tier: str = ""
    note: str = ""


@dataclass
class Tally:
    """Counts behind one row of the table."""

    n_gold: int = 0
    n_pred: int = 0
    value: int = 0
    unit: int = 0
    unit_gold: int = 0
    exact: int = 0
    overlap: int = 0
    int_tp: int = 0
    int_pred: int = 0
    int_gold: int = 0
    spans: bool = True
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for k in ("n_gold", "n_pred", "value", "unit", "unit_gold", "exact", "overlap",
                  "int_tp", "int_pred", "int_gold"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.seconds += other.seconds
        self.errors.extend(other.errors)


def prf(tp: float, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1; 0 where a count is 0."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def close(a: float | None, b: float | None, rtol: float = 1e-5) -> bool:
    """numpy.isclose(rtol=1e-5, atol=1e-8) for two floats; None and inf equal themselves."""
    if a is None or b is None:
        return a is b
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-8 + rtol * abs(b)


def read_map(name: str) -> dict[str, str]:
    """A two-column TSV of ``bench/unit_maps``: first column -> second (header skipped)."""
    out: dict[str, str] = {}
    lines = [ln for ln in (MAPS / name).read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    for ln in lines[1:]:
        cells = ln.split("\t")
        out[cells[0]] = cells[1]
    return out


# ---------------------------------------------------------------- the two tools

class Numcheck:
    """numcheck's extractor, with its units mapped to quantulum3 names."""

    name = "numcheck"

    def __init__(self) -> None:
        from checker.quantities import find_quantities
        from checker.rules import load_rules
        self._find = find_quantities
        self.rules = load_rules()
        self.units = read_map("numcheck_quantulum3.tsv")
        self.seconds = 0.0

    def __call__(self, text: str) -> list[Pred]:
        t = time.perf_counter()
        qs = self._find(text, self.rules)
        self.seconds += time.perf_counter() - t
        return [Pred(q.start, q.end, q.surface, q.value, q.low, q.high,
                     self.unit_name(q.unit), q.qualifier, q.change, q.vague, q.unit)
                for q in qs]

    def unit_name(self, unit: str) -> str:
        """numcheck's unit in quantulum3's names; a rate numcheck writes "l/km" is written
        as quantulum3 writes it, "litre per kilometre"."""
        if unit in self.units or "/" not in unit:
            return self.units.get(unit, unit)
        return " per ".join(self.units.get(u, u) for u in unit.split("/"))


class Quantulum:
    """quantulum3's parser (its own unit names)."""

    name = "quantulum3"

    def __init__(self) -> None:
        warnings.filterwarnings("ignore")
        from quantulum3 import parser
        self._parse = parser.parse
        self.seconds = 0.0
        self._parse("warm up 1 km")  # loading the catalogue is not parsing

    def __call__(self, text: str) -> list[Pred]:
        t = time.perf_counter()
        try:
            qs = self._parse(text)
        except Exception:  # quantulum3 raises on some inputs; that is its error, not ours
            qs = []
        self.seconds += time.perf_counter() - t
        out = []
        for q in qs:
            unc = q.uncertainty or 0.0
            tol = "+/-" in q.surface or "±" in q.surface
            ranged = bool(unc) and not tol
            out.append(Pred(q.span[0], q.span[1], q.surface, float(q.value),
                            float(q.value) - unc if ranged else float(q.value),
                            float(q.value) + unc if ranged else float(q.value),
                            q.unit.name, "range" if ranged else "exact", "", False,
                            q.unit.name))
        return out


# ---------------------------------------------------------------- generic scoring

def overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def pair(golds: list[Gold], preds: list[Pred], ok: Callable[[Gold, Pred], bool]
         ) -> list[tuple[Gold, Pred]]:
    """One-to-one pairs, gold in order, first acceptable prediction (overlapping first)."""
    used: set[int] = set()
    out = []
    for g in golds:
        cands = [i for i, p in enumerate(preds) if i not in used and ok(g, p)]
        if not cands:
            continue
        cands.sort(key=lambda i: (not overlaps(g.start, g.end, preds[i].start, preds[i].end)
                                  if g.start >= 0 else False))
        used.add(cands[0])
        out.append((g, preds[cands[0]]))
    return out


def interval_of(p: Pred) -> tuple[float, float] | None:
    """The interval a prediction states, or None for a plain figure."""
    if p.qualifier in ("range", "more_than", "at_least", "at_most", "less_than") or p.vague:
        return p.low, p.high
    return None


def value_ok(g: Gold, p: Pred) -> bool:
    if g.interval:
        return interval_ok(g, p)
    return g.value is not None and close(p.value, g.value)


def interval_ok(g: Gold, p: Pred) -> bool:
    iv = interval_of(p)
    if iv is None:
        return False
    lo, hi = iv
    if g.interval == "range":
        return close(lo, g.low) and close(hi, g.high)
    if g.interval == "lower":
        return close(lo, g.low) and math.isinf(hi)
    if g.interval == "upper":
        return close(hi, g.high) and lo <= 0
    return False


def score(golds: list[Gold], preds: list[Pred], spans: bool = True,
          unit_scored: bool = True) -> Tally:
    """The counts of one case: values, units, spans and intervals."""
    t = Tally(n_gold=len(golds), n_pred=len(preds), spans=spans)
    vp = pair(golds, preds, value_ok)
    t.value = len(vp)
    if unit_scored:
        t.unit = sum(1 for g, p in vp if g.unit and g.unit == p.unit)
        t.unit_gold = sum(1 for g in golds if g.unit)
    if spans:
        t.exact = len(pair(golds, preds, lambda g, p: (g.start, g.end) == (p.start, p.end)))
        t.overlap = len(pair(golds, preds, lambda g, p: overlaps(g.start, g.end, p.start, p.end)))
    t.int_gold = sum(1 for g in golds if g.interval)
    t.int_pred = sum(1 for p in preds if interval_of(p) is not None and not p.vague)
    t.int_tp = len(pair([g for g in golds if g.interval], preds, interval_ok))
    return t


# ---------------------------------------------------------------- NewsQuant (CQE's scoring)

_STOP = frozenset(["the", "a", "an", "this", "that", "these", "those", "which", "who", "whom", "whose", "what", "where", "when", "and", "or", "but", "nor", "so", "if", "than", "then", "as", "at", "by", "for", "from", "in", "into", "of", "off", "on", "onto", "out", "over", "to", "under", "up", "upon", "with", "within", "without", "about", "above", "across", "after", "against", "along", "among", "around", "before", "behind", "below", "between", "beyond", "during", "except", "inside", "near", "since", "through", "till", "until", "via", "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "do", "does", "did", "will", "would", "shall", "should", "can", "could", "may", "might", "must", "not", "no", "it", "its", "he", "she", "they", "them", "their", "we", "our", "you", "your", "i", "me", "my", "his", "her", "him", "us", "also", "already", "still", "now", "just", "only", "even", "more", "most", "less", "least", "each", "every", "per", "while", "because", "though", "although", "whether", "both", "all", "said", "say", "says", "according", "last", "next", "ago", "later", "earlier", "today", "yesterday", "tonight", "some", "many", "much", "such", "own", "other", "another", "here", "there", "worldwide", "overall", "apiece", "each", "respectively", "alone", "combined", "total"])


def _read_irregular() -> dict[str, str]:
    """English plurals not made with -s (``unit_maps/irregular_plurals.tsv``): plural -> singular."""
    return read_map("irregular_plurals.tsv")


_IRREGULAR: dict[str, str] = {}


def singular(word: str) -> str:
    """A plain English singular of a noun ("bosses" -> "boss", "countries" -> "country",
    "fishermen" -> "fisherman")."""
    w = word.lower()
    if not _IRREGULAR:
        _IRREGULAR.update(_read_irregular())
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("men") and len(w) > 4:
        return w[:-3] + "man"  # "fishermen", "chairmen", "women"
    if w.endswith("uses"):
        return w[:-2]  # viruses
    if len(w) <= 3 or w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes", "zes")):
        return w[:-2]
    if w.endswith("s"):
        return w[:-1]
    return w


def is_plural(word: str) -> bool:
    """Whether a word reads as a plural noun ("workers", "people", "fishermen")."""
    low = word.lower()
    if not _IRREGULAR:
        _IRREGULAR.update(_read_irregular())
    return low in _IRREGULAR or (low.endswith("s") and not low.endswith(("ss", "us", "is"))) \
        or (low.endswith("men") and len(low) > 4)


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\S")
# quantity words that stand between a count and its noun and are no part of the noun:
# "eight more picks", "two fewer seats"
_BETWEEN = frozenset(["more", "fewer", "extra", "additional", "combined"])


# a measure glued to its figure between a count and its noun: "eight million 250ml bottles"
_SIZE_BEFORE_NOUN = re.compile(r"\s+\d+(?:\.\d+)?[a-zA-Z]{1,3}\b(?=\s+[a-z])")


def counted_noun(text: str, end: int, value: float = 0.0) -> str:
    """NewsQuant's unit for a count: the noun phrase after the figure, each word singular as
    its lemmatiser writes it ("digital and physical sales" -> "digital physical sale",
    "categories of products" -> "category product"); "-" if none."""
    size = _SIZE_BEFORE_NOUN.match(text, end)
    if size:  # "eight million 250ml bottles": the size of each is no part of the noun
        end = size.end()
    toks = _WORD.findall(text[end:end + 80])
    if len(toks) > 2 and toks[0].lower().endswith("ly") and toks[1].lower().endswith("ed"):
        toks = toks[2:]  # "20 decently sized plants", "300 newly built homes"
    if toks and toks[0] == "-":
        toks = toks[1:]  # "a four-cylinder engine": the noun joined by a hyphen
    if toks and toks[0].lower() == "of":
        toks = toks[1:]
        while toks and toks[0].lower() in ("the", "these", "those", "their", "its", "his",
                                           "her", "our", "them"):
            toks = toks[1:]
    while len(toks) > 1 and toks[0].lower() in _BETWEEN and toks[1][0].isalpha():
        toks = toks[1:]
    words: list[str] = []
    i = 0
    plural = False
    while i < len(toks) and len(words) < 4:
        tok = toks[i]
        low = tok.lower()
        if low in ("and", "or") and words and i + 1 < len(toks) and toks[i + 1][0].isalpha() \
                and toks[i + 1].lower() not in _STOP:
            i += 1  # "digital and physical sales": two modifiers of one noun
            continue
        if not tok[0].isalpha() or low in _STOP and not (tok.isupper() and len(tok) > 1):
            break  # "US", "IT" in capitals are names, not the pronoun "us" or "it"
        words.append(tok)
        i += 1
        if is_plural(tok):
            plural = True
            break
    if not words:
        return "-"
    if plural and i + 1 < len(toks) and toks[i].lower() == "of" and toks[i + 1][0].islower() \
            and toks[i + 1].lower() not in _STOP:
        # "categories of products", "snaps of man coverage": the noun the plural is made of
        for tok in toks[i + 1:i + 3]:
            if not tok[0].islower() or tok.lower() in _STOP:
                break
            words.append(tok)
            if is_plural(tok):
                break
    if not plural and len(words) > 1 and value > 1:
        # no plural head after a number above one: the number and the noun modify what
        # follows ("a 12 page document" -> "page"); after "one" or a fraction ("a fourth
        # of the adult population") the noun is singular
        words = words[:1]
    return " ".join(singular(w) if is_plural(w) else w for w in words).lower()


# the gap between the two levels of "from X to Y": "to", or a rate or a word written after
# the first level only ("from about $350 per kg to $680 per kg", "from 21 mpg combined to 23")
_FROM_TO_GAP = re.compile(r"\s+(?:(?:per|an?)\s+[a-z]+\.?\s+|[a-z]+\s+)?to\s+")


def from_to(p: Pred, q: Pred, text: str) -> bool:
    """Whether two successive figures are the two ends of one "from X to Y", which both
    NewsQuant and quantulum3 write as one range. The first may carry a hedge or a bound of
    its own ("from up to 252 miles to 287 miles", "from about $350 to $680"): the range
    is still written from the figures as written. Two units ("from 44 ml to 50 mg") are two
    figures. ("to Y from X" is not joined: NewsQuant writes it both ways.)"""
    if p.unit != q.unit and "dimensionless" not in (p.unit, q.unit):
        return False
    return p.qualifier not in ("range", "vague") and not p.vague and \
        q.qualifier == "exact" and bool(_FROM_TO_GAP.fullmatch(text, p.end, q.start)) and \
        bool(re.search(r"\bfrom\s+$", text[max(0, p.start - 6):p.start]))


# the verb "average" right before a figure; CQE's own list of bounds (vivkaz/CQE
# number_lookup.py) marks "average" and "averaging" approximate, and NewsQuant's annotators
# write such a figure "~" ("averaged 7.3 points"); the noun ("an average of 50") stays "="
_AVERAGED = re.compile(r"\baverag(?:ed|ing|es)\s+$", re.IGNORECASE)


# an age numcheck reads from the words before it (rules/units.toml [context] age_before):
# "a boy aged 12", "who was 10"
_AGE_BEFORE = re.compile(r"\b(?:aged|who\s+(?:is|was|turned|turns|will\s+be))\s+(?:between\s+)?$",
                         re.IGNORECASE)


class NewsQuantMapper:
    """Writes a tool's predictions as NewsQuant records (value, normalized_unit, change)."""

    CHANGE = {"exact": "=", "range": "=", "vague": "=", "approximate": "~",
              "more_than": ">", "at_least": ">", "at_most": "<", "less_than": "<",
              "denial": "<"}

    def __init__(self) -> None:
        self.cqe = read_map("quantulum3_cqe.tsv")
        self.nc = read_map("numcheck_quantulum3.tsv")
        self.symbols = read_map("newsquant_symbols.tsv")
        self.vague: dict[tuple[float, float], tuple[float, float]] = {}
        self.rules: Any = None
        rows = [ln.split("\t") for ln in (MAPS / "newsquant_vague.tsv").read_text().splitlines()
                if ln.strip() and not ln.startswith("#")][1:]
        for a, b, c, d in rows:
            self.vague[(float(a), float(b))] = (float(c), float(d))

    def hedged_range(self, p: Pred) -> tuple[float, float] | None:
        """The written bounds of a range numcheck widened by an approximate hedge."""
        if self.rules is None:
            from checker.rules import load_rules
            self.rules = load_rules()
        low = p.surface.lower()
        for h in self.rules.hedges:
            if h.qualifier == "approximate" and not h.after and h.low[0] == "v" and \
                    any(low.startswith(w.lower() + " ") for w in h.words):
                return round(p.low / h.low[1], 9), round(p.high / h.high[1], 9)
        return None

    def first_value(self, text: str) -> float | None:
        """The value numcheck reads first in a piece of text (to see a range's written order)."""
        from checker.quantities import find_quantities
        if self.rules is None:
            from checker.rules import load_rules
            self.rules = load_rules()
        qs = find_quantities(text, self.rules)
        return qs[0].value if qs else None

    def rate(self, p: Pred, text: str) -> str:
        """The "per" part NewsQuant writes into a unit ("$3,500 a month" -> "per month"), read
        with numcheck's own ``find_rate``; numcheck keeps money and percentages per month as
        money and percentages, so that figures compare."""
        from checker.units import find_rate
        if self.rules is None:
            from checker.rules import load_rules
            self.rules = load_rules()
        end = p.end
        if p.unit == "dimensionless":
            m = re.match(r"\s+times\b", text[end:])
            if not m:
                return ""
            end += m.end()
        rate = find_rate(text, end, self.rules, past_brackets=True)
        if rate is None:
            return ""
        name = self.nc.get(rate[0], rate[0])
        return " per " + self.cqe.get(name, name)

    def unit(self, p: Pred, text: str, counts_as_nouns: bool) -> str:
        written = re.search(r"(?<=\d)\s?([^\d\s]+)$", p.surface)
        if written and written.group(1) in self.symbols:  # "164p" -> "point"
            return self.symbols[written.group(1)]
        if p.unit == "dimensionless" and counts_as_nouns:
            noun = counted_noun(text, p.end, p.value)
            if noun in self.symbols:  # "down 68 p": the symbol numcheck leaves unread
                return self.symbols[noun]
            if noun in ("time", "times"):
                return "count" + self.rate(p, text)
            if 0 < p.value < 1 and not re.search(r"\d?\.\d", p.surface):
                # a fraction or share of a count ("a third of the voters", "one in five
                # adults"): NewsQuant writes it as a percentage of the counted noun
                return "% " + noun
            return self.cqe.get(noun, noun)  # "times" -> count
        if p.unit == "year" and (re.match(r"[\s-]*(?:years?[\s-])?old\b", text[p.end:p.end + 12])
                                 or _AGE_BEFORE.search(text, max(0, p.start - 16), p.start)):
            return "year of age"  # NewsQuant's unit for an age: "a 50 year-old man"
        if "/" in p.raw_unit and p.raw_unit not in self.nc:  # a rate: "l/km"
            parts = [self.nc.get(u, u) for u in p.raw_unit.split("/")]
            whole = " per ".join(self.cqe.get(u, u) for u in parts)
            return self.cqe.get(whole, whole)
        name = self.cqe.get(p.unit, p.unit)
        if "/" not in p.raw_unit:
            per = self.rate(p, text)
            if per:
                return self.cqe.get(name + per, name + per)
        return name

    def record(self, p: Pred, text: str) -> dict[str, str]:
        if p.vague:
            lo, hi = self.vague.get((p.low, p.high), (p.low, p.high))
            value = f"{fmt_value(lo)}-{fmt_value(hi)}"
        elif p.qualifier == "range" and self.hedged_range(p) is not None:
            # "about $920 to $1730": numcheck widens the bounds by the hedge; NewsQuant
            # writes them as written and marks the range approximate
            a, b = self.hedged_range(p)  # type: ignore[misc]
            return {"value": f"{fmt_value(a)}-{fmt_value(b)}", "unit": p.raw_unit,
                    "normalized_unit": self.unit(p, text, True), "change": "~"}
        elif p.qualifier == "range":
            # NewsQuant writes "from X to Y" in the written order ("4.8-4.7")
            backwards = False
            if "from" in p.surface.lower():
                first = self.first_value(re.split(r"\s+(?:to|and)\s+", p.surface)[0])
                backwards = first is not None and close(first, p.high) and p.low < p.high
            a, b = (p.high, p.low) if backwards else (p.low, p.high)
            value = f"{fmt_value(a)}-{fmt_value(b)}"
        else:
            value = fmt_value(p.value)
        change = self.CHANGE.get(p.qualifier, "=")
        if p.change and change == "=":
            change = p.change
        if change == "=" and _AVERAGED.search(text, max(0, p.start - 12), p.start):
            change = "~"  # "averaged 7.3 points": CQE's bounds list reads an average as "~"
        return {"value": value, "unit": p.raw_unit, "normalized_unit": self.unit(p, text, True),
                "change": change}

    def records(self, preds: list[Pred], text: str) -> list[dict[str, str]]:
        """Every prediction as a record; "from X to Y" pairs joined into one written-order range."""
        out: list[dict[str, str]] = []
        units: list[str] = []  # the unit of the prediction behind each record
        i = 0
        while i < len(preds):
            p = preds[i]
            q = preds[i + 1] if i + 1 < len(preds) else None
            if q is not None and from_to(p, q, text):
                rec = self.record(q, text)
                if q.unit == "dimensionless" and p.unit != "dimensionless":
                    # "from 208 pounds to 193": the unit written once serves both levels
                    rec["normalized_unit"] = self.record(p, text)["normalized_unit"]
                rec["value"] = f"{fmt_value(p.value)}-{fmt_value(q.value)}"
                rec["change"] = "="
                out.append(rec)
                units.append(q.unit if q.unit != "dimensionless" else p.unit)
                i += 2
                continue
            rec = self.record(p, text)
            if rec["normalized_unit"] == "-" and p.unit == "dimensionless":
                # "6 million homes, including 1.5 million in the city": the noun is not
                # repeated; NewsQuant names the count by the noun of the count before it,
                # also past a percentage change between them ("a close of 1,463.87 points,
                # while the other climbed 0.1% to 1,333.18")
                j = len(out) - 1
                while j >= 0 and units[j] == "percentage":
                    j -= 1
                if j >= 0 and units[j] == "dimensionless" and \
                        out[j]["normalized_unit"] not in ("-", "count") and \
                        not out[j]["normalized_unit"].startswith("%"):
                    rec["normalized_unit"] = out[j]["normalized_unit"]
            out.append(rec)
            units.append(p.unit)
            i += 1
        return out

    def quantulum_record(self, p: Pred) -> dict[str, Any]:
        written = re.search(r"(?<=\d)\s?([^\d\s]+)$", p.surface)
        name = self.symbols[written.group(1)] if written and written.group(1) in self.symbols \
            else self.cqe.get(p.unit.lower(), self.cqe.get(p.unit, p.unit))
        return {"value": p.value, "unit": p.raw_unit, "normalized_unit": name, "change": "="}


def _is_range(q: dict[str, Any]) -> bool:
    v = q["value"]
    return isinstance(v, str) and "E" not in v and not v.startswith("-") and "-" in v


def fmt_value(v: float) -> str:
    """A value as NewsQuant writes it: "35.0", "1.99E-29"."""
    s = repr(float(v))
    return s.upper() if "e" in s else s


def _decode(q: dict[str, Any], average: bool) -> tuple[Any, str, str]:
    v = q["value"]
    if isinstance(v, str) and "E" not in v and not v.startswith("-") and "-" in v:
        a, b = (float(x) for x in v.split("-")[:2])
        value: Any = (a + b) / 2 if average else (a, b)
    elif isinstance(v, tuple):
        value = (float(v[0]), float(v[1]))
    else:
        value = float(v)
    return value, q["normalized_unit"].lower(), q.get("change", "")


def _values_match(g: Any, m: Any) -> bool:
    if isinstance(g, tuple) and isinstance(m, tuple):
        return close(m[0], g[0]) and close(m[1], g[1])
    if isinstance(g, tuple) or isinstance(m, tuple):
        return False
    return close(m, g)


def cqe_metrics(rows: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]],
                average_ranges: bool) -> dict[str, Any]:
    """CQE_Evaluation's calculate_metrics, re-implemented: value, value+unit, value+change."""
    total_gt = total_tags = cv = cu = cc = 0
    for gt, tags in rows:
        total_gt += len(gt)
        total_tags += len(tags)
        tags = sorted(tags, key=lambda d: d["normalized_unit"])
        left = len(gt)
        for qg in sorted(gt, key=lambda d: d["normalized_unit"]):
            gv, gu, gc = _decode(qg, average_ranges)
            for qm in list(tags):
                mv, mu, mc = _decode(qm, False)
                if _values_match(gv, mv):
                    if left > 0:
                        cv += 1
                        left -= 1
                    if mc == gc:
                        cc += 1
                    if mu == gu:
                        cu += 1
                        tags.remove(qm)
                        tags.sort(key=lambda d: d["normalized_unit"])
                        break
    out: dict[str, Any] = {"gold": total_gt, "predicted": total_tags}
    for name, tp in (("value", cv), ("value+unit", cu), ("value+change", cc)):
        p, r, f = prf(tp, total_tags, total_gt)
        out[name] = {"P": round(p, 4), "R": round(r, 4), "F1": round(f, 4)}
    return out


def run_newsquant(path: Path, tools: list[Any], predictions: Path | None = None
                  ) -> dict[str, Any]:
    """Score NewsQuant-format file ``path`` as CQE does; optionally write numcheck's output."""
    data = json.loads(path.read_text(encoding="utf-8"))
    mapper = NewsQuantMapper()
    result: dict[str, Any] = {"file": str(path), "sentences": len(data)}
    for tool in tools:
        start = tool.seconds
        rows = []
        written = []
        for item in data:
            preds = tool(item["text"])
            if tool.name == "numcheck":
                recs = mapper.records(preds, item["text"])
                written.append({"text": item["text"], "quantities": recs})
            else:
                recs = [mapper.quantulum_record(p) for p in preds]
            rows.append((item["quantities"], recs))
        m = cqe_metrics(rows, average_ranges=tool.name == "quantulum3")
        m["seconds"] = round(tool.seconds - start, 3)
        result[tool.name] = m
        if tool.name == "numcheck" and predictions is not None:
            predictions.write_text(json.dumps(written, indent=1, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
        result.setdefault("_rows", {})[tool.name] = rows
    return result


def newsquant_intervals(data: list[dict[str, Any]], rows: list[Any]) -> Tally:
    """Gold ranges and bounds (> <) against numcheck's intervals, one to one by value."""
    t = Tally(spans=False)
    for gt, tags in rows:
        g_iv = [q for q in gt if _is_range(q) or q.get("change") in (">", "<")]
        p_iv = [q for q in tags if _is_range(q) or q.get("change") in (">", "<")]
        t.int_gold += len(g_iv)
        t.int_pred += len(p_iv)
        used: set[int] = set()
        for g in g_iv:
            for i, p in enumerate(p_iv):
                if i in used:
                    continue
                if _is_range(g) == _is_range(p) and \
                        _values_match(_decode(g, False)[0], _decode(p, False)[0]) and \
                        (g["change"] == p["change"] or _is_range(g)):
                    used.add(i)
                    t.int_tp += 1
                    break
    return t


# ---------------------------------------------------------------- quantulum3's suite

_YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")


_MONEY = frozenset(read_map("numcheck_quantulum3.tsv")[k] for k in
                   ("USD", "EUR", "GBP", "percent"))


def money_rate(p: Pred, text: str) -> Pred:
    """The same conventions as for NewsQuant: numcheck keeps money and percentages per unit
    of time as money and percentages, and a frequency as a count; the suite names the rate
    ("$15.4/hour" -> "dollar per hour", "four times per week" -> "count per week"), so the
    per part is read with numcheck's own ``find_rate``."""
    from checker.rules import load_rules
    from checker.units import find_rate
    end, unit = p.end, p.unit
    times = re.match(r"\s+times\b", text[end:])
    if p.unit == "dimensionless" and times:  # "four times per week" -> "count per week"
        end, unit = end + times.end(), "count"
    elif "/" in p.raw_unit or not (p.unit in _MONEY or len(p.raw_unit) == 3 and
                                    p.raw_unit.isupper()):
        return p
    rate = find_rate(text, end, load_rules(), past_brackets=True)
    if rate is None:
        return p
    nc = read_map("numcheck_quantulum3.tsv")
    return Pred(p.start, p.end, p.surface, p.value, p.low, p.high,
                f"{unit} per {nc.get(rate[0], rate[0])}", p.qualifier, p.change, p.vague,
                p.raw_unit)


def join_from_to(preds: list[Pred], text: str) -> list[Pred]:
    """The predictions with each "from X to Y" pair (``from_to``) joined into one range, as
    quantulum3's suite writes it ("from 44 mg to 50 mg" = 47 +- 3), with the unit of the
    second level, or of the first when only the first carries one."""
    out: list[Pred] = []
    i = 0
    while i < len(preds):
        p = preds[i]
        q = preds[i + 1] if i + 1 < len(preds) else None
        if q is not None and from_to(p, q, text):
            unit = p.unit if q.unit == "dimensionless" else q.unit
            lo, hi = min(p.value, q.value), max(p.value, q.value)
            out.append(Pred(p.start, q.end, text[p.start:q.end], (lo + hi) / 2, lo, hi, unit,
                            "range", "", False, q.raw_unit))
            i += 2
            continue
        out.append(p)
        i += 1
    return out


def q3_out_of_scope(text: str, g: dict[str, Any], start: int) -> str:
    """Why a quantulum3 gold quantity is outside numcheck's scope, or ''."""
    surf = str(g["surface"])
    unit = g["unit"]
    if unit == "dimensionless" and (_YEAR.match(surf) or re.match(r"\d{4}s$", surf)
                                    or text[start:start + len(surf) + 1].endswith("s")
                                    and _YEAR.match(surf)):
        return "year"
    if unit == "dimensionless" and re.fullmatch(r"\d+", surf) and \
            re.search(r"[A-Z][\w-]*[\s—-]+$", text[:start]):
        return "designation"
    if float(g["value"]) == 1 and (re.match(r"(?i)(a|an)\s", surf) or
                                   unit in ("dozen", "gross", "baker's dozen")):
        return "article or unit word read as one unit"
    if surf.lower() == "absolute zero":
        return "named constant"
    return ""


def run_quantulum3_suite(tools: list[Any], verbose: list[str]) -> dict[str, dict[str, Tally]]:
    base = EXTERNAL / "quantulum3"
    out: dict[str, dict[str, Tally]] = {}
    oos: Counter[str] = Counter()
    for cat, rel in (("quantities", "tests/quantities.json"),
                     ("ambiguity", "tests/quantities.ambiguity.json")):
        data = json.loads((base / rel).read_text(encoding="utf-8"))
        for tool in tools:
            tally = Tally()
            t0 = tool.seconds
            for case in data:
                text = case["req"]
                golds, dropped = [], []
                for g in case["res"]:
                    s = text.find(g["surface"])
                    why = q3_out_of_scope(text, g, s)
                    if why:
                        dropped.append((s, s + len(g["surface"])))
                        if tool is tools[0]:
                            oos[why] += 1
                            verbose.append(f"  quantulum3/{cat} out of scope ({why}): "
                                           f"{g['surface']!r} in {text[:70]!r}")
                        continue
                    unc = g.get("uncertainty")
                    tol = "+/-" in g["surface"] or "±" in g["surface"]
                    v = float(g["value"])
                    gold = Gold(s, s + len(g["surface"]), g["surface"], v, unit=g["unit"])
                    if unc and not tol:
                        gold.low, gold.high, gold.interval = v - unc, v + unc, "range"
                        gold.value = v
                    golds.append(gold)
                preds = [p for p in tool(text) if not p.vague and
                         not any(overlaps(a, b, p.start, p.end) for a, b in dropped)]
                if tool.name == "numcheck":
                    preds = [money_rate(p, text) for p in preds]
                preds = join_from_to(preds, text)
                # a range is scored by its interval; its midpoint is the value here
                tc = score(golds, preds)
                vp = pair(golds, preds, lambda g, p: close(p.value, g.value))
                tc.value = len(vp)
                tc.unit = sum(1 for g, p in vp if g.unit == p.unit)
                if len(vp) < len(golds) or len(vp) < len(preds):
                    tc.errors.append(f"{text[:90]!r}: gold {[(g.surface, g.value) for g in golds]}"
                                     f" got {[(p.surface, p.value, p.unit) for p in preds]}")
                tally.add(tc)
            tally.seconds = tool.seconds - t0
            out.setdefault(cat, {})[tool.name] = tally
    # spelled-out values: value only, no spans
    data = json.loads((base / "derived/spellout_values.json").read_text(encoding="utf-8"))
    for tool in tools:
        tally = Tally(spans=False)
        t0 = tool.seconds
        for case in data:
            golds = [Gold(-1, -1, "", float(v)) for v in case["res"]]
            preds = [p for p in tool(case["req"]) if not p.vague]
            tc = score(golds, preds, spans=False, unit_scored=False)
            if tc.value < max(len(golds), len(preds)):
                tc.errors.append(f"{case['req']!r}: gold {case['res']} got "
                                 f"{[(p.surface, p.value) for p in preds]}")
            tally.add(tc)
        tally.seconds = tool.seconds - t0
        out.setdefault("spellout", {})[tool.name] = tally
    # the suite as one: every in-scope case of the three files pooled (values only, as the
    # spelled-out file has no units or spans)
    for tool in tools:
        pooled = Tally(spans=False)
        for cat in ("quantities", "ambiguity", "spellout"):
            pooled.add(out[cat][tool.name])
        pooled.errors = []
        pooled.unit_gold = pooled.int_gold = pooled.int_pred = pooled.int_tp = 0  # values only
        out.setdefault("all in scope", {})[tool.name] = pooled
    # robustness: must not raise
    for text in json.loads((base / "tests/errors.json").read_text(encoding="utf-8")):
        tools[0](text)
    out["_oos"] = {"numcheck": Tally()}  # placeholder key for the summary line
    out["_oos"]["numcheck"].errors = [f"{k}: {v}" for k, v in sorted(oos.items())]
    return out


# ---------------------------------------------------------------- Recognizers-Text

_REC_OOS = [
    (re.compile(r"\d+\.\d+\.\d+\.\d+"), "IP address"),
    (re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}"), "date"),
    (re.compile(r"\+\d[\d/-]{6,}"), "phone number"),
    (re.compile(r"[A-Z]{2,}-\d+|\bversion\s+\w+|\bnrs?\.\s"), "identifier"),
    # powers and "x over y" read out; not scientific notation (5.5x10^6, in scope) and not
    # "$2000 over 3 years"; "one out of three" and "1 in 21" are shares, in scope
    (re.compile(r"(?<![x×]10)\^|(?:\d|\bone|\btwo|\bthree)\s+over\s+(?:\d|one|two|three|twenty)"
                r"(?![\w\s]*\b(?:years|months|days)\b)"),
     "arithmetic notation"),
    (re.compile(r"\d,\d{1,2}\b(?!,\d)|\d\.\d{3},\d"), "European decimal comma"),
]


def rec_out_of_scope(text: str, r: dict[str, Any], cat: str = "") -> str:
    """Why a Recognizers number is outside numcheck's scope, or ''."""
    if cat == "NumberModelPercentMode" and re.search(r"\bout\s+of\b|\b1\s+in\s", text):
        return "a share read as its two numbers (NumberModel reads the same text as one share)"
    for pat, why in _REC_OOS:
        if pat.search(text):
            return why
    if r["Text"].lower() == "one" and r.get("TypeName") == "number":
        return "'one' as a pronoun"
    res = r.get("Resolution") or {}
    if r.get("TypeName") in ("currency", "dimension", "temperature", "age") and \
            res.get("value") in (None, "", "null"):
        return "a unit named without a figure"
    return ""


# The entity (quantulum3's catalogue) each typed Recognizers model extracts: a typed model
# lists only figures of its own kind, so a figure of another kind is not judged by it.
_REC_KINDS = {"Currency": ("currency",), "Temperature": ("temperature",),
              "Age": ("time",), "Percent": ("percentage",),
              "Dimension": ("length", "area", "volume", "mass", "speed", "data storage",
                            "power", "energy", "pressure", "force", "angle", "frequency",
                            "density", "acceleration", "flow rate", "information")}


def _entity_of(unit: str) -> str:
    """quantulum3's entity of a unit name ("dimensionless" for a bare count)."""
    from quantulum3 import load
    u = load.units("en_US").names.get(unit)
    if unit in ("percentage", "percentage point"):
        return "percentage"
    return u.entity.name if u is not None else "dimensionless"


def rec_typed(cat: str, p: Pred, golds: list[Gold]) -> bool:
    """Whether a typed Recognizers model judges a prediction: its kind, or it overlaps a gold."""
    kinds = next((v for k, v in _REC_KINDS.items() if cat.startswith(k)), None)
    if kinds is None:
        # the Number models leave a number with a unit ("the 180ml liquid") to the
        # NumberWithUnit models: such a figure is judged only where the gold has it
        return not cat.startswith("Number") or p.unit == "dimensionless" or \
            any(overlaps(g.start, g.end, p.start, p.end) for g in golds)
    return _entity_of(p.unit) in kinds or any(overlaps(g.start, g.end, p.start, p.end)
                                               for g in golds)


def parse_interval(s: str) -> tuple[float | None, float | None, str]:
    m = re.match(r"^([\[(])\s*([^,]*),\s*([^\])]*)([\])])$", s.strip())
    if not m:
        return None, None, ""
    lo = float(m.group(2)) if m.group(2).strip() else None
    hi = float(m.group(3)) if m.group(3).strip() else None
    kind = "range" if lo is not None and hi is not None else ("lower" if lo is not None
                                                              else "upper")
    return lo, hi, kind


def rec_gold(r: dict[str, Any], units: dict[str, str]) -> Gold:
    res = r.get("Resolution") or {}
    start, end = int(r["Start"]), int(r["End"]) + 1
    g = Gold(start, end, r["Text"], None)
    val = str(res.get("value") or "")
    if val == "null":
        val = ""
    tn = r.get("TypeName", "")
    if tn == "numberrange":
        g.low, g.high, g.interval = parse_interval(val)
        g.value = g.low if g.low is not None else g.high
        if g.interval == "range" and g.low == g.high:  # "[20,20]": the figure itself
            g.interval = ""
    elif tn == "percentage":
        g.value = float(val.rstrip("%").replace(",", "")) if val else None
        g.unit = "percentage"
    else:
        try:
            g.value = float(val) if val else None
        except ValueError:
            g.value = None
    if tn in ("currency", "dimension", "temperature", "age"):
        iso = res.get("isoCurrency")
        name = str(res.get("unit", "")).lower()
        # a row "currency:pound" names what Recognizers' bare "Pound" is in its currency
        # model (the pound sterling), where its dimension model means the pound-mass
        g.unit = units.get(iso.lower(), iso) if iso else \
            units.get(f"{tn}:{name}", units.get(name, name))
    return g


def run_recognizers(tools: list[Any], verbose: list[str]) -> dict[str, dict[str, Tally]]:
    base = EXTERNAL / "recognizers-text" / "Specs"
    rec_units = read_map("recognizers_quantulum3.tsv")
    nc_units = read_map("numcheck_quantulum3.tsv")
    iso = {k.lower(): v for k, v in nc_units.items() if len(k) == 3 and k.isupper()}
    units = {**rec_units, **iso}
    out: dict[str, dict[str, Tally]] = {}
    # an ordinal case whose words NumberModel reads as a number ("forty two and a third"):
    # the two golds contradict each other, so the ordinal one is out of scope
    numbers: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for case in json.loads((base / "Number/English/NumberModel.json").read_text("utf-8")):
        for r in case["Results"]:
            numbers[case["Input"]].append((int(r["Start"]), int(r["End"]) + 1))
    for path in sorted(base.glob("*/English/*.json")):
        cat = path.stem
        data = json.loads(path.read_text(encoding="utf-8"))
        ordinal = cat.startswith("Ordinal")
        for tool in tools:
            tally = Tally()
            t0 = tool.seconds
            oos: Counter[str] = Counter()
            for case in data:
                text = case["Input"]
                preds = tool(text)
                if ordinal:
                    for r in case["Results"]:
                        s, e = int(r["Start"]), int(r["End"]) + 1
                        if any(a <= s and e <= b for a, b in numbers.get(text, [])):
                            oos["contradicted by NumberModel (a fraction there)"] += 1
                            continue
                        tally.n_gold += 1
                        hit = any(overlaps(s, e, p.start, p.end) for p in preds)
                        tally.value += 0 if hit else 1
                        if hit:
                            tally.errors.append(f"ordinal read as a figure: {text!r}")
                    tally.n_pred += len(preds)
                    continue
                golds, dropped = [], []
                for r in case["Results"]:
                    why = rec_out_of_scope(text, r, cat)
                    if why:
                        oos[why] += 1
                        dropped.append((int(r["Start"]), int(r["End"]) + 1))
                        continue
                    g = rec_gold(r, units)
                    g.tier = "hard" if "python" in case.get("NotSupported", "") else ""
                    golds.append(g)
                preds = [p for p in preds if not any(overlaps(a, b, p.start, p.end)
                                                     for a, b in dropped)]
                if cat == "PercentModelPercentMode":
                    # percent mode writes a share as a percentage ("one out of three" is
                    # 33.3%); numcheck writes it as a fraction of one
                    preds = [Pred(p.start, p.end, p.surface, p.value * 100, p.low * 100,
                                  p.high * 100, "percentage", p.qualifier, p.change, p.vague,
                                  p.raw_unit) if p.unit == "dimensionless" and 0 < p.value < 1
                             else p for p in preds]
                kept = [p for p in preds if rec_typed(cat, p, golds)]
                if len(kept) < len(preds):
                    oos["figures of another kind (or with a unit, in a Number model), not "
                        "judged by this model"] += len(preds) - len(kept)
                preds = kept
                tc = score(golds, preds, unit_scored=cat.startswith(("Currency", "Dimension",
                                                                     "Temperature", "Age",
                                                                     "Percent")))
                if tc.value < len(golds) or tc.value < len(preds):
                    tier = " [NotSupported:python]" if any(g.tier for g in golds) else ""
                    tc.errors.append(f"{text[:90]!r}{tier}: gold "
                                     f"{[(g.surface, g.value, g.low, g.high) for g in golds]} "
                                     f"got {[(p.surface, p.value, p.low, p.high) for p in preds]}")
                tally.add(tc)
            tally.seconds = tool.seconds - t0
            if tool is tools[0] and oos:
                verbose.append(f"  recognizers/{cat} out of scope: "
                               + ", ".join(f"{k} {v}" for k, v in sorted(oos.items())))
            out.setdefault(cat, {})[tool.name] = tally
    return out


# ---------------------------------------------------------------- MeasEval

def run_measeval(tools: list[Any]) -> dict[str, dict[str, Tally]]:
    base = EXTERNAL / "measeval" / "data" / "eval"
    out: dict[str, dict[str, Tally]] = {}
    docs = []
    for txt in sorted((base / "text").glob("*.txt")):
        text = txt.read_text(encoding="utf-8")
        golds = []
        tsv = base / "tsv" / (txt.stem + ".tsv")
        if tsv.is_file():
            for row in csv.DictReader(io.StringIO(tsv.read_text(encoding="utf-8")),
                                      delimiter="\t"):
                if row["annotType"] != "Quantity":
                    continue
                other = json.loads(row.get("other") or "{}")
                mods = other.get("mods", [])
                g = Gold(int(row["startOffset"]), int(row["endOffset"]), row["text"], None,
                         note=" ".join(mods))
                golds.append(g)
        docs.append((text, golds))
    for tool in tools:
        tally = Tally()
        t0 = tool.seconds
        flags = Counter()
        for text, golds in docs:
            preds = tool(text)
            tally.n_gold += len(golds)
            tally.n_pred += len(preds)
            tally.exact += len(pair(golds, preds, lambda g, p: (g.start, g.end) ==
                                    (p.start, p.end)))
            ov = pair(golds, preds, lambda g, p: overlaps(g.start, g.end, p.start, p.end))
            tally.overlap += len(ov)
            for g, p in ov:
                flags["range_gold"] += "IsRange" in g.note
                flags["range_ok"] += ("IsRange" in g.note) and p.qualifier == "range"
                flags["approx_gold"] += "IsApproximate" in g.note
                flags["approx_ok"] += ("IsApproximate" in g.note) and p.qualifier == "approximate"
        tally.int_gold = flags["range_gold"] + flags["approx_gold"]
        tally.int_tp = flags["range_ok"] + flags["approx_ok"]
        tally.int_pred = tally.int_gold
        tally.seconds = tool.seconds - t0
        tally.errors.append(f"IsRange agreed {flags['range_ok']}/{flags['range_gold']}, "
                            f"IsApproximate agreed {flags['approx_ok']}/{flags['approx_gold']}")
        out.setdefault("eval", {})[tool.name] = tally
    return out


# ---------------------------------------------------------------- QuanTemp

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")


def is_year_or_date(text: str, p: Pred) -> bool:
    """Whether a prediction is a year or part of a date rather than a quantity."""
    digits = re.fullmatch(r"\s*(\d{4})\s*", text[p.start:p.end])
    if digits and 1800 <= int(digits.group(1)) <= 2100 and p.unit in ("dimensionless", ""):
        return True
    if p.unit in ("dimensionless", "") and re.fullmatch(r"\d{4}", p.surface.strip()) and \
            1800 <= p.value <= 2100:
        return True
    before, after = text[max(0, p.start - 12):p.start], text[p.end:p.end + 12]
    return bool(re.search(_MONTH + r"\.?\s*$", before) and re.fullmatch(r"\d{1,2}", p.surface)
                or re.match(r"\s*(?:st|nd|rd|th)?\s*(?:of\s+)?" + _MONTH, after)
                and re.fullmatch(r"\d{1,2}", p.surface))


def read_at_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter="@"))


def run_quantemp(tools: list[Any]) -> dict[str, Any]:
    base = EXTERNAL / "quantemp" / "data"
    claims = [r["claims"] for r in read_at_csv(base / "decomposed_questions/test/"
                                               "test_claimdecomp.csv")]
    cats = read_at_csv(base / "complex_num_facts_categorized_subset.csv")
    out: dict[str, Any] = {"claims": len(claims)}
    for tool in tools:
        t0 = tool.seconds
        errors = 0
        found = 0
        for c in claims:
            try:
                found += bool(tool(c))
            except Exception:  # counted: the issue asks for no exception at all
                errors += 1
        by: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for row in cats:
            label = row["taxonomy_labels"].strip()
            preds = tool(row["claim"])
            by[label][0] += 1
            by[label][1] += bool(preds)
            by[label][2] += any(is_year_or_date(row["claim"], p) for p in preds)
        out[tool.name] = {"exceptions": errors, "claims_with_figure": found,
                          "seconds": round(tool.seconds - t0, 3),
                          "categories": {k: {"claims": v[0], "with_figure": v[1],
                                             "year_or_date": v[2]}
                                         for k, v in sorted(by.items())}}
    return out


# ---------------------------------------------------------------- printing

def fmt3(x: tuple[float, float, float]) -> str:
    return " ".join(f"{v:5.3f}" for v in x)


def row_dict(t: Tally) -> dict[str, Any]:
    d: dict[str, Any] = {"gold": t.n_gold, "predicted": t.n_pred,
                         "value": dict(zip("PRF", prf(t.value, t.n_pred, t.n_gold))),
                         "seconds": round(t.seconds, 3)}
    if t.unit_gold:
        d["unit"] = dict(zip("PRF", prf(t.unit, t.n_pred, t.n_gold)))
    if t.spans:
        d["span_exact"] = dict(zip("PRF", prf(t.exact, t.n_pred, t.n_gold)))
        d["span_overlap"] = dict(zip("PRF", prf(t.overlap, t.n_pred, t.n_gold)))
    if t.int_gold:
        d["interval"] = dict(zip("PRF", prf(t.int_tp, t.int_pred, t.int_gold)))
    return d


def print_table(results: dict[str, Any], verbose: list[str], show_errors: bool) -> None:
    head = (f"{'suite/category':34} {'tool':10} {'gold':>5} {'pred':>5}  {'value P R F1':17}  "
            f"{'unit F1':7} {'span=F1':7} {'span~F1':7} {'interval P R F1':17} {'sec':>6}")
    print(head)
    print("-" * len(head))
    for suite, cats in results.items():
        if suite in ("newsquant", "quantemp", "ordinals"):
            continue
        for cat, tools in cats.items():
            if cat.startswith("_"):
                continue
            if all(t.n_gold == 0 and t.n_pred == 0 for t in tools.values()):
                continue  # every case out of scope (listed by --verbose)
            for name, t in tools.items():
                v = prf(t.value, t.n_pred, t.n_gold)
                u = f"{prf(t.unit, t.n_pred, t.n_gold)[2]:7.3f}" if t.unit_gold else f"{'-':>7}"
                ex = f"{prf(t.exact, t.n_pred, t.n_gold)[2]:7.3f}" if t.spans else f"{'-':>7}"
                ov = f"{prf(t.overlap, t.n_pred, t.n_gold)[2]:7.3f}" if t.spans else f"{'-':>7}"
                iv = fmt3(prf(t.int_tp, t.int_pred, t.int_gold)) if t.int_gold else f"{'-':>17}"
                if suite == "measeval":
                    v_s = f"{'-':>17}"
                else:
                    v_s = fmt3(v)
                print(f"{suite + '/' + cat:34} {name:10} {t.n_gold:5d} {t.n_pred:5d}  {v_s}  "
                      f"{u} {ex} {ov} {iv} {t.seconds:6.2f}")
                if show_errors:
                    for e in t.errors[:60]:
                        print("      " + e)
    if "newsquant" in results:
        nq = results["newsquant"]
        print()
        print(f"NewsQuant ({nq['sentences']} sentences, {Path(nq['file']).name}), scored as "
              f"CQE_Evaluation does")
        print(f"  {'tool':10} {'gold':>5} {'pred':>5}  {'value P R F1':17}  "
              f"{'value+unit P R F1':17}  {'value+change P R F1':19}  {'interval P R F1':17} "
              f"{'sec':>6}")
        for name in ("numcheck", "quantulum3"):
            if name not in nq:
                continue
            m = nq[name]
            f = [" ".join(f"{m[k][x]:5.3f}" for x in ("P", "R", "F1")) for k in
                 ("value", "value+unit", "value+change")]
            iv = nq.get("intervals", {}).get(name, "-")
            print(f"  {name:10} {m['gold']:5d} {m['predicted']:5d}  {f[0]}  {f[1]}  "
                  f"{f[2]}    {iv:17} {m['seconds']:6.2f}")
        print("  published on the full NewsQuant: CQE 0.920 / 0.856 / 0.881 (value, "
              "value+unit, value+change); quantulum3 0.730 / 0.472")
    if "ordinals" in results:
        print()
        for name, (ok, n) in results["ordinals"].items():
            print(f"Recognizers ordinals rejected as claims, {name:10}: {ok}/{n} = "
                  f"{ok / n if n else 0:.3f}")
    if "quantemp" in results:
        qt = results["quantemp"]
        print()
        print(f"QuanTemp: {qt['claims']} test claims; categorised claims by label")
        for name in ("numcheck", "quantulum3"):
            if name not in qt:
                continue
            m = qt[name]
            parts = [f"{k} {v['with_figure']}/{v['claims']}={v['with_figure'] / v['claims']:.3f}"
                     for k, v in m["categories"].items()]
            tmp = m["categories"].get("temporal", {"claims": 1, "year_or_date": 0})
            print(f"  {name:10} exceptions {m['exceptions']}, claims with a figure "
                  f"{m['claims_with_figure']}/{qt['claims']}, {m['seconds']:.2f}s; with a "
                  f"figure: {'; '.join(parts)}; temporal claims with a year/date as a figure: "
                  f"{tmp['year_or_date']}/{tmp['claims']} = "
                  f"{tmp['year_or_date'] / tmp['claims']:.3f}")
    if verbose:
        print()
        print("Out of scope (removed for both tools):")
        for line in verbose:
            print(line)


def run_all(args: argparse.Namespace) -> int:
    t_start = time.perf_counter()
    tools = [Numcheck(), Quantulum()]
    verbose: list[str] = []
    results: dict[str, Any] = {}
    nq_path = EXTERNAL / "cqe" / "formatted_test_set" / "NewsQuant-dev.json"
    nq = run_newsquant(nq_path, tools)
    data = json.loads(nq_path.read_text(encoding="utf-8"))
    nq["intervals"] = {}
    for name, rows in nq.pop("_rows").items():
        t = newsquant_intervals(data, rows)
        nq["intervals"][name] = fmt3(prf(t.int_tp, t.int_pred, t.int_gold))
    results["newsquant"] = nq
    q3 = run_quantulum3_suite(tools, verbose)
    for line in q3.pop("_oos")["numcheck"].errors:
        verbose.append(f"  quantulum3 out of scope, {line}")
    results["quantulum3"] = q3
    rec = run_recognizers(tools, verbose)
    results["ordinals"] = {}
    for cat in [c for c in rec if c.startswith("Ordinal")]:
        for name, t in rec.pop(cat).items():
            ok, n = results["ordinals"].get(name, (0, 0))
            results["ordinals"][name] = (ok + t.value, n + t.n_gold)
    results["recognizers"] = rec
    results["measeval"] = run_measeval(tools)
    results["quantemp"] = run_quantemp(tools)
    total = time.perf_counter() - t_start
    if args.json:
        js: dict[str, Any] = {}
        for suite, cats in results.items():
            if suite in ("newsquant", "quantemp", "ordinals"):
                js[suite] = cats
                continue
            js[suite] = {cat: {n: row_dict(t) for n, t in tools_.items()}
                         for cat, tools_ in cats.items()}
        js["seconds"] = round(total, 1)
        print(json.dumps(js, indent=1))
        return 0
    print(f"numcheck accuracy on external suites, {time.strftime('%Y-%m-%d')}, "
          f"{platform.machine()} {platform.python_implementation()} "
          f"{platform.python_version()}")
    print()
    print_table(results, verbose if args.verbose else [], args.errors)
    print()
    print(f"total {total:.1f}s (numcheck {tools[0].seconds:.2f}s, quantulum3 "
          f"{tools[1].seconds:.2f}s of extraction)")
    return 0


def run_newsquant_cmd(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"accuracy: {path}: no such file", file=sys.stderr)
        return 2
    tools = [Numcheck(), Quantulum()]
    pred = Path(args.predictions) if args.predictions else None
    res = run_newsquant(path, tools, pred)
    data = json.loads(path.read_text(encoding="utf-8"))
    res["intervals"] = {}
    for name, rows in res.pop("_rows").items():
        t = newsquant_intervals(data, rows)
        res["intervals"][name] = dict(zip("PRF", (round(x, 4) for x in
                                                  prf(t.int_tp, t.int_pred, t.int_gold))))
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        res["intervals"] = {k: fmt3(tuple(v.values())) for k, v in res["intervals"].items()}
        print_table({"newsquant": res}, [], False)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="numcheck's extraction accuracy on external suites")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--verbose", action="store_true", help="list out-of-scope cases")
    ap.add_argument("--errors", action="store_true", help="list each suite's errors")
    sub = ap.add_subparsers(dest="cmd")
    nq = sub.add_parser("newsquant", help="score one file in the NewsQuant format")
    nq.add_argument("file")
    nq.add_argument("--predictions", help="write numcheck's predictions here (NewsQuant format)")
    nq.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if args.cmd == "newsquant":
        return run_newsquant_cmd(args)
    if not EXTERNAL.is_dir():
        print(f"accuracy: {EXTERNAL} is absent; nothing to measure (the external suites are "
              f"not part of the repository).")
        return 0
    return run_all(args)


if __name__ == "__main__":
    sys.exit(main())
