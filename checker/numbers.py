"""Read the value of a written number: numerals, scale words and number words.

    >>> from checker.rules import load_rules
    >>> r = load_rules()
    >>> parse_number("10,000", r), parse_number("1.2m", r), parse_number("two hundred and fifty", r)
    (10000.0, 1200000.0, 250.0)
    >>> parse_number("half a million", r), parse_number("a dozen", r), parse_number("banana", r)
    (500000.0, 12.0, None)
"""
from __future__ import annotations

import math

import regex

from .rules import Rules

_TOKEN = regex.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+|[^\W\d_]+", regex.UNICODE)
_NUMERAL = regex.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+")


def parse_number(text: str, rules: Rules) -> float | None:
    """The value of a written number, or None when the text is not one number."""
    total = 0.0
    current: float | None = None
    fraction = 1.0
    seen = False
    for tok in _TOKEN.findall(text.lower()):
        if _NUMERAL.fullmatch(tok):
            digits = tok.replace(",", "")
            try:
                num = float(digits)
            except ValueError:
                return None
            current = (current or 0.0) + num
            seen = True
        elif tok in rules.units or tok in rules.tens:
            current = (current or 0.0) + rules.units.get(tok, rules.tens.get(tok, 0.0))
            seen = True
        elif tok in ("a", "an"):
            if current is None:
                current = 1.0
        elif tok == "and" or tok == "of":
            continue
        elif tok == "half" and current is not None and seen:
            current += 0.5  # "two and a half"
        elif tok in rules.fractions:
            fraction *= rules.fractions[tok] * (current if current is not None else 1.0)
            current = None
            seen = True
        elif tok in rules.collectives:
            current = (current or 1.0) * rules.collectives[tok]
            seen = True
        elif tok in rules.scales:
            scale = rules.scales[tok]
            base = current if current is not None else 1.0
            if scale < 1000:
                current = base * scale
            else:
                total += base * scale
                current = None
            seen = True
        elif tok in rules.suffixes:
            total += (current or 0.0) * rules.suffixes[tok][0]
            current = None
        else:
            return None
    if not seen:
        return None
    if total == 0.0 and current is None:
        value = fraction  # "two thirds"
    else:
        value = (total + (current or 0.0)) * fraction
    if not math.isfinite(value):
        return None
    return value


def significant_figures(numeral: str) -> tuple[int, int]:
    """(significant figures, trailing zeros of the integer part) of a written numeral.

    >>> significant_figures("10,000"), significant_figures("2,600"), significant_figures("51.6")
    ((1, 4), (2, 2), (3, 0))
    """
    digits = numeral.replace(",", "")
    if "." in digits:
        whole, frac = digits.split(".", 1)
        sig = len((whole + frac).lstrip("0"))
        return max(sig, 1), 0
    stripped = digits.lstrip("0")
    if not stripped:
        return 1, 0
    trailing = len(stripped) - len(stripped.rstrip("0"))
    return max(len(stripped) - trailing, 1), trailing
