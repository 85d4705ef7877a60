"""Pairs of one-sentence articles and how their figures compare: a table of cases."""
from __future__ import annotations

import pytest

from checker.claims import extract_claims
from checker.compare import compare_claims
from checker.model import Document

# (id, article A, article B, expected kinds of the flagged pairs, why)
CASES = [
    ("units-convert-conflict", "The fire had burnt 7,800 hectares, the service said.",
     "The fire had burnt 7,800 acres, the service said.", ["conflict"],
     "hectares and acres are one land area: 7,800 of each cannot both hold"),
    ("units-convert-agree", "The fire had burnt about 4,500 hectares.",
     "The fire had burnt about 11,120 acres.", [],
     "4,500 hectares is about 11,120 acres"),
    ("scales-apart", "The gun fires 122mm shells.", "The front line runs for 122km.", [],
     "a calibre in millimetres and a distance in kilometres are different measures"),
    ("forecast-outturn", "Analysts had expected revenue of $1.9bn.",
     "Revenue was $2.4bn in the quarter.", ["scope"],
     "a forecast against the outturn is a scope difference"),
    ("change-vs-level", "Revenue rose 12% in the quarter.",
     "Exports made up 40% of revenue.", [],
     "a change in per cent and a share are different subjects"),
    ("rival-counts", "Police said 2,000 people marched.", "Organisers said 20,000 people marched.",
     ["conflict"], "rival estimates of one crowd"),
    ("day-on-one-side", "The fire had burnt 7,800 hectares by Wednesday evening.",
     "The fire had burnt 2,000 hectares, the service said.", ["conflict"],
     "a day named on one side only narrows nothing: the other figure is its article's now"),
    ("time-of-day-on-one-side", "Shares rose to $41.20 in morning trading.",
     "Shares ended the day at $39.80.", ["scope"],
     "a time of day marks an earlier snapshot than the article's now"),
    ("part-of-total", "More than 3,000 lorries were stuck at the border crossings.",
     "Officials counted 3,000 lorries, including nearly 700 lorries at Dover alone.",
     ["scope", "scope"],
     "a part of a total at one place is a scope difference with each total, not a conflict"),
    ("part-of-total-both-sides",
     "Some 3,000 lorries were stuck, including 700 lorries at Dover alone.",
     "Some 3,000 lorries were stuck, including 400 lorries at Dover alone.",
     ["scope", "scope", "scope", "conflict", "scope"],
     "two parts at one place still conflict; each against a total is a scope difference"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pair(case: tuple[str, str, str, list[str], str], rules) -> None:  # type: ignore[no-untyped-def]
    """The two articles' figures are flagged as the table says."""
    _, a, b, kinds, why = case
    claims = [c for i, text in enumerate((a, b))
              for c in extract_claims(Document(f"d{i}", text, source=f"Outlet {i}",
                                               published="2026-03-0" + str(i + 1)), rules)]
    flagged = [f.kind for f in compare_claims(claims, rules)]
    assert flagged == kinds, (why, [(c.surface, c.subject, c.scope) for c in claims])
