"""A table of sentences and what each figure counts, whose it is, its scope and claimant."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from checker.claims import extract_claims
from checker.model import Document

CASES = list(csv.DictReader((Path(__file__).parent / "cases" / "subjects.csv")
                            .read_text(encoding="utf-8").splitlines(keepends=True)))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_subject_and_claimant(case: dict[str, str], rules) -> None:  # type: ignore[no-untyped-def]
    """The figure's counted, whose, scope and claimant are read as the table says."""
    claims = extract_claims(Document("d", case["sentence"]), rules)
    match = [c for c in claims if c.surface == case["figure"]]
    assert match, [c.surface for c in claims]
    c = match[0]
    assert (c.counted, c.whose, c.scope, c.claimant) == (
        case["counted"], case["whose"], case["scope"], case["claimant"]), case["note"]
