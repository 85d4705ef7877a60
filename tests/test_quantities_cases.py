"""Tables of sentences and the figure each should yield (tests/cases/quantities*.csv)."""
from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from checker.quantities import find_quantities
from checker.rules import load_rules

CASES = [row for table in sorted((Path(__file__).parent / "cases").glob("quantities*.csv"))
         for row in csv.DictReader(table.read_text(encoding="utf-8").splitlines(keepends=True))]


def _param(case: dict[str, str]) -> object:
    marks = [pytest.mark.xfail(strict=True)] if case["expect"] == "xfail" else []
    return pytest.param(case, id=case["id"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_quantity_case(case: dict[str, str]) -> None:
    """The sentence yields the figure, value, interval, qualifier, unit and change of its row."""
    qs = find_quantities(case["text"], load_rules())
    assert len(qs) == int(case["count"]), [q.surface for q in qs]
    for q in qs:
        assert case["text"][q.start:q.end] == q.surface
    if not case["surface"]:
        return
    match = [q for q in qs if q.surface == case["surface"]]
    assert match, [q.surface for q in qs]
    q = match[0]
    assert math.isclose(q.value, float(case["value"])), case["note"]
    assert math.isclose(q.low, float(case["low"])), case["note"]
    assert math.isclose(q.high, float(case["high"])), case["note"]
    assert (q.qualifier, q.unit, q.change) == (case["qualifier"], case["unit"],
                                               case["change"]), case["note"]


def test_unit_catalogue_cache_gives_the_same_units(tmp_path, monkeypatch, rules) -> None:  # type: ignore[no-untyped-def]
    """The unit catalogue read back from its cache equals the one built from quantulum3."""
    from checker import units

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    units._raw_catalogue.cache_clear()
    units._catalogue.cache_clear()
    built = units._catalogue(rules)
    assert units._cache_file().is_file()
    units._raw_catalogue.cache_clear()
    units._catalogue.cache_clear()
    assert units._catalogue(rules) == built
    units._raw_catalogue.cache_clear()
    units._catalogue.cache_clear()
