"""Our own gold stories (crowd, death toll, budget, poll, demo) scored against floors.

The floors live in tests/accuracy_floors.toml; lowering one needs a reason in the
commit message.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

from checker.evaluate import score
from checker.pipeline import run_pipeline

STORIES = Path(__file__).parent / "stories"
FLOORS = tomllib.loads((Path(__file__).parent / "accuracy_floors.toml").read_text())


@pytest.mark.parametrize("story", sorted(FLOORS))
def test_story_meets_floors(story: str, rules) -> None:  # type: ignore[no-untyped-def]
    """Each gold story scores at or above its pinned floors."""
    folder = STORIES / story
    result = run_pipeline([str(folder / "articles")], rules)
    s = score(result.claims, result.conflicts, result.documents, folder / "gold", rules)
    low = {k: (round(s.metrics[k], 3), floor) for k, floor in FLOORS[story].items()
           if s.metrics[k] + 1e-9 < floor}
    assert not low, f"{story}: below floor {low}; wrong: {s.wrong}; missed: {s.missed}"


def test_every_story_has_floors() -> None:
    """No gold story folder goes unscored."""
    folders = {p.name for p in STORIES.iterdir() if (p / "gold").is_dir()}
    assert folders == set(FLOORS)
