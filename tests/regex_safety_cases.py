"""The patterns the rules compile, ordinary news text and adversarial inputs to time them on.

Shared by tests/test_regex_safety.py and bench/regex_safety.py. Every pattern is timed with
``finditer`` over the whole text: a search from every position, the most any use asks.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import regex

from checker import claimants, quantities
from checker.rules import Rules

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000

# Inputs built to make a backtracking engine work hard: long runs of what the patterns
# repeat (digits, separators, number words, hedges, white space) with no end they accept.
ADVERSARIAL = {
    "digits and commas": "1,234,",
    "digits": "7",
    "digits and spaces": "7 ",
    "digits and dots": "1.2.",
    "digits and dashes": "12-",
    "number words": "two hundred thousand ",
    "hyphened number words": "twenty-one-",
    "spaces": " ",
    "tabs and newlines": " \t\n",
    "hedge words": "about some nearly more than at least up to ",
    "between 1 and": "between 1 and ",
    "from 1 to": "from 1 to ",
    "vague words": "tens of thousands of hundreds of ",
    "according to": "according to the ",
    "reporting verbs": "officials said ",
    "put the number": "the officials put the number of the ",
    "as X said": "as the officials ",
    "which is what": "which is what ",
    "one long word": "a",
    "months and days": "May 1 ",
    "years": "in 2020 ",
    "currency symbols": "$£€",
    "percent signs": "5% ",
    "apostrophes": "'9",
}


def news_text() -> str:
    """Ordinary news text: every fixture article of the repository, joined."""
    files = sorted(ROOT.glob("examples/**/*.txt")) + sorted(ROOT.glob("tests/stories/*/articles/*"))
    return "\n\n".join(p.read_text(encoding="utf-8") for p in files if p.is_file())


def fill(unit: str, size: int) -> str:
    """``unit`` repeated to exactly ``size`` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def patterns(rules: Rules) -> Iterator[tuple[str, Any]]:
    """(name, compiled pattern) for every pattern the rules produce."""
    for i, nc in enumerate(rules.non_claims):
        yield f"non_claims [{nc.kind}] #{i}", nc.pattern
    for i, p in enumerate(rules.attached_after):
        yield f"attribution attached_after[{i}]", p
    for i, p in enumerate(rules.put_at):
        yield f"attribution put_at[{i}]", p
    verbs, according = claimants._patterns(rules)
    yield "attribution verbs", verbs
    yield "attribution according_to", according
    yield "quantities master pattern", quantities._compile(rules).pattern


def scan_time(pattern: Any, text: str, repeat: int = 1) -> float:
    """The best of ``repeat`` times to find every match of ``pattern`` in ``text``."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for _match in pattern.finditer(text):
            pass
        best = min(best, time.perf_counter() - started)
    return best


def worst_input(pattern: Any, size: int = 20_000) -> str:
    """The name of the adversarial input the pattern is slowest on, tried at ``size``."""
    return max(ADVERSARIAL, key=lambda name: scan_time(pattern, fill(ADVERSARIAL[name], size)))


# The floor of the baseline: one pass of the tokenizer every sentence goes through.
FLOOR_PATTERN = regex.compile(r"[\p{L}\p{N}](?:[\p{L}\p{N}]|[’'\-](?=[\p{L}\p{N}]))*"
                              r"|[^\s\p{L}\p{N}]")
