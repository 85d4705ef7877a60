"""No pattern the rules produce backtracks catastrophically: worst-case input stays linear.

For every compiled pattern (non-claim patterns, attribution patterns, the quantities master
pattern), the test finds its slowest adversarial input (tests/regex_safety_cases.py, tried
small), then times 1 MB of it against 1 MB of ordinary news text, in the same test, and
asserts the ratio is at most 10. Catastrophic backtracking shows as a ratio of thousands or
a run that never ends; a linear pattern stays within a few times.

The baseline is the pattern's own time on the news text, but never less than one pass of
the tokenizer over it (``FLOOR_PATTERN``, which every sentence goes through anyway): a
pattern with a literal the news text seldom holds (``FY``, ``o'clock``) skips it in a few
milliseconds, and a ratio to a few milliseconds measures the engine's prefix search and the
machine's noise, not backtracking. Both ratios are printed by bench/regex_safety.py.
A second check: 1 MB of the worst input takes at most 12 times what 256 KB takes (4 when
linear, 16 when quadratic, far more when exponential; the margin absorbs a loaded machine).
"""
from __future__ import annotations

from typing import Any

import pytest

from checker.rules import load_rules
from tests.regex_safety_cases import (
    ADVERSARIAL,
    FLOOR_PATTERN,
    MB,
    fill,
    news_text,
    patterns,
    scan_time,
    worst_input,
)

RULES = load_rules()
PATTERNS = list(patterns(RULES))
LIMIT = 10.0


@pytest.fixture(scope="module")
def news() -> str:
    return fill(news_text(), MB)


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[n for n, _ in PATTERNS])
def test_worst_input_is_within_10x_of_news(name: str, pattern: Any, news: str) -> None:
    """1 MB of the pattern's worst input takes at most 10x the time of 1 MB of news."""
    worst = worst_input(pattern, 5_000)
    adversarial = fill(ADVERSARIAL[worst], MB)
    floor = scan_time(FLOOR_PATTERN, news[: MB // 4], repeat=2) * 4
    ordinary = max(scan_time(pattern, news, repeat=2 if "master" not in name else 1), floor)
    small = scan_time(pattern, adversarial[: MB // 4], repeat=2)
    bad = scan_time(pattern, adversarial)
    assert bad <= LIMIT * ordinary, (
        f"{name}: {bad:.3f}s on 1 MB of {worst!r}, {ordinary:.3f}s on 1 MB of news")
    assert bad <= 12 * max(small, floor / 4), (
        f"{name}: {small:.3f}s on 256 KB, {bad:.3f}s on 1 MB of {worst!r}")
