"""Read whether a figure states the size of a change ("rose 12%", "fell by 3", "Dow
+0.2%") rather than a level ("rose 12% to $1.5bn": the $1.5bn is the new level), from the
verbs of change in ``rules/changes.toml``."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any

import regex

from .model import Quantity
from .rules import Rules
from .text import alternation


# A figure right after a verb of change is the size of a change, not a level:
# "rose 6.5%", "fell by 3", "edged down 0.03%", "raise its prices by 4%". A figure after "to"
# is the new level.
# The verbs are rules/changes.toml.
@lru_cache(maxsize=8)
def change_patterns(rules: Rules) -> tuple[Any, Any]:
    up = alternation(rules.change_words.get("up", ())) or "(?!)"
    down = alternation(rules.change_words.get("down", ())) or "(?!)"
    moves = alternation(rules.change_words.get("moves", ())) or "(?!)"
    particles = alternation(rules.change_words.get("particles_after", ())) or "(?!)"
    before = regex.compile(rf"(?<!\b(?:{particles})\s+)"
                           rf"\b(?:(?P<up>{up})|(?P<down>{down}))\s+(?:(?:[a-z]+\s+){{0,2}}by\s+)?"
                           r"(?:a\s+further\s+|another\s+)?$", regex.IGNORECASE)
    moved = regex.compile(rf"\b(?:{moves})\s+(?:\w+\s+)?$", regex.IGNORECASE)
    return before, moved


def with_change(text: str, q: Quantity, rules: Rules) -> Quantity:
    """The quantity with ``change`` set to up or down when it states the size of a change."""
    m = change_patterns(rules)[0].search(text, max(0, q.start - 40), q.start)
    change = ""
    if m:
        change = "up" if m.group("up") else "down"
    elif q.unit in ("percent", "percentage point") and q.surface[:1] == "+":
        change = "up"  # "Dow +0.2%"
    elif q.unit in ("percent", "percentage point") and q.surface[:1] in "-−" and q.value < 0:
        change = "down"
    return replace(q, change=change) if change else q


def is_change(text: str, pos: int, rules: Rules) -> bool:
    return bool(change_patterns(rules)[1].search(text, max(0, pos - 40), pos))
