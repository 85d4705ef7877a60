"""Benchmark: each pattern the rules compile, on 1 MB of its worst input and of news text.

    python bench/regex_safety.py [--mb 1.0]

Prints a table: the pattern, its slowest adversarial input (tests/regex_safety_cases.py),
seconds on 1 MB of news and of that input, the raw ratio worst/news, and the ratio that
tests/test_regex_safety.py asserts (the news time floored at one tokenizer pass; at most 10).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="text size in MB (default 1)")
    size = int(parser.parse_args().mb * MB)
    news = fill(news_text(), size)
    floor = scan_time(FLOOR_PATTERN, news, repeat=2)
    print(f"{size / MB:g} MB of text; floor (one tokenizer pass over news): {floor:.3f}s\n")
    print(f"| {'pattern':34} | {'worst input':22} | news s | worst s | raw ratio | ratio |")
    print(f"|{'-' * 36}|{'-' * 24}|-------:|--------:|----------:|------:|")
    worst_ratio = 0.0
    for name, pattern in patterns(load_rules()):
        worst = worst_input(pattern, 5_000)
        ordinary = scan_time(pattern, news, repeat=2)
        bad = scan_time(pattern, fill(ADVERSARIAL[worst], size), repeat=2)
        ratio = bad / max(ordinary, floor)
        worst_ratio = max(worst_ratio, ratio)
        print(f"| {name:34} | {worst:22} | {ordinary:6.3f} | {bad:7.3f} | "
              f"{bad / max(ordinary, 1e-6):9.1f} | {ratio:5.2f} |")
    print(f"\nlargest asserted ratio: {worst_ratio:.2f} (limit 10)")


if __name__ == "__main__":
    main()
