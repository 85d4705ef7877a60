"""Golden reports: the demo story's claims.csv, conflicts.csv and report.md, exactly.

``pytest --update-golden`` rewrites them; read the diff before committing.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "demo"
FILES = ("claims.csv", "conflicts.csv", "report.md")


def test_demo_reports_match_golden(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """`numcheck run examples/` writes the committed reports byte for byte."""
    assert main(["run", str(ROOT / "examples"), "--out", str(tmp_path), "--quiet"]) == 0
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            (GOLDEN / name).write_bytes((tmp_path / name).read_bytes())
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (GOLDEN / name).read_bytes(), name
