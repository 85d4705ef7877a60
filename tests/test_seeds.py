"""The seed articles against the shared gold: the floors the core issue fixes."""
from __future__ import annotations

import pytest

from checker.evaluate import score
from checker.pipeline import run_pipeline

from .conftest import SHARED

FLOORS = {
    "claim_recall": 1.0, "claim_precision": 0.95, "value_accuracy": 1.0,
    "counted_accuracy": 0.9, "claimant_accuracy": 0.8, "subject_pair_precision": 0.9,
    "subject_pair_recall": 0.9, "conflict_recall": 1.0, "conflict_precision": 1.0,
}


@pytest.mark.shared
def test_seed_evaluation_meets_floors(rules) -> None:  # type: ignore[no-untyped-def]
    """numcheck eval on the seeds reaches every floor of the core issue."""
    result = run_pipeline([str(SHARED / "seeds")], rules)
    s = score(result.claims, result.conflicts, result.documents, SHARED / "gold" / "seeds", rules)
    low = {k: round(s.metrics[k], 3) for k, floor in FLOORS.items() if s.metrics[k] < floor}
    assert not low, f"below floor: {low}; wrong: {s.wrong}; missed: {s.missed}"


@pytest.mark.shared
def test_seed_report_shows_the_fact_checkers_view(rules, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The seed report flags the spun copy and the rival estimates, not the part or the vague."""
    from checker.cli import main

    assert main(["run", str(SHARED / "seeds"), "--out", str(tmp_path), "--quiet"]) == 0
    import pandas as pd

    conf = pd.read_csv(tmp_path / "conflicts.csv", dtype=str, keep_default_na=False)
    pairs = {frozenset((r.figure_a, r.figure_b)): r.kind for r in conf.itertuples()}
    assert pairs[frozenset(("thousands", "hundreds"))] == "conflict"
    assert pairs[frozenset(("10,000", "3,000"))] == "conflict"
    assert pairs[frozenset(("3,000", "nowhere near 3,000"))] == "conflict"
    assert all(kind != "conflict" for figs, kind in pairs.items() if "some 2,600" in figs)
    assert frozenset(("thousands", "3,000")) not in pairs
    assert frozenset(("thousands", "10,000")) not in pairs
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "near-identical rewrites" in report
