"""Find figures fast: scan a text once for cheap anchors (digits and number words) and run
the expensive patterns only in the windows around them.

Every figure the quantity pattern can match holds a digit or a number word, and no
match reaches further than ``BACK`` characters before its anchor (a hedge, a currency
and "between" at most) or ``AHEAD`` after it. So searching in those windows finds the
same matches as scanning the whole text, at a fraction of the cost on ordinary prose.
Before an anchor, a match can only open over words it may hold (hedges, currencies, number
words), so the look back stops at the first other word.
Non-claim patterns (dates, designations...) only matter where they cover a figure, so
they too run only in the merged windows around the anchors.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import regex

from .rules import NonClaim, Rules, nonclaim_start
from .text import fold_case, trie_alternation

BACK = 80      # farthest a figure's match starts before its anchor ("not anywhere near US$ ")
AHEAD = 400    # farthest a figure's match ends after its anchor (ranges, units, post-hedges)
# The window kept around an anchor for the non-claim patterns: on 3,600 real and synthetic
# texts no non-claim match that covers a figure (with what its lookaheads must see) starts
# more than 20 characters before the figure's anchor or ends more than 30 after it.
MARGIN_BEFORE = 30
MARGIN_AFTER = 40
COVER = 0.6    # share of a text its windows may cover before one pass over it all is cheaper


@lru_cache(maxsize=8)
def _anchor_pattern(rules: Rules) -> Any:
    """A run of digits, or the start of a word that begins like a number word ("ten",
    "dozens"), in a lower-cased text (the standard ``re`` engine scans this one fastest)."""
    words: set[str] = set()
    for table in (rules.units, rules.tens, rules.scales, rules.collectives, rules.fractions):
        words.update(w.lower() for w in table)
    for group in (*rules.vague, *rules.multipliers):
        for phrase in group.words:
            # the phrase's first word, or when a match may open there anyway ("a small
            # number of"), its longest word: never a bare "of" or "a" on every line
            first, *rest = phrase.lower().split()
            words.add(max(rest, key=len) if rest and first in _starters(rules) else first)
    words.update(k.lower() for k in rules.suffixes if len(k) > 1)
    alt = trie_alternation([w for w in words if w.isalpha() and len(w) > 1])
    return re.compile(rf"\d+|[\u00BC-\u00BE\u2150-\u215E]|\b(?:{alt})")


@lru_cache(maxsize=8)
def _starters(rules: Rules) -> frozenset[str]:
    """First words of what may stand before a figure in its match: hedges, "between"."""
    out = {"between", "from", "minus", "negative", "plus", "positive"}
    for sym in rules.currency_symbols:  # "Rs. 500", "US$ 3m", "USD 4bn"
        lead = regex.match(r"[^\W\d_]+", sym)
        if lead:
            out.add(lead.group(0).lower())
    for h in rules.hedges:
        for w in h.words:
            first = w.split()[0].lower() if w.split() else ""
            if first.isalpha():
                out.add(first)
    return frozenset(out)


@lru_cache(maxsize=8)
def _signs(rules: Rules) -> frozenset[str]:
    """Characters other than letters and digits that may open a figure's match."""
    out = set("+-−–—±~≈∼(#.<>≤≥=*'\"“‘")
    out.update(sym[0] for sym in rules.currency_symbols if not sym[0].isalnum())
    return frozenset(out)


_TOKEN_START = regex.compile(r"(?<![\w])\w|[^\w\s]")


@lru_cache(maxsize=16)  # find_quantities and the non-claim scan of one text share them
def anchors(text: str, rules: Rules) -> list[int]:
    """Where figures may stand in ``text``: the start of every digit run and number word."""
    return [m.start() for m in _anchor_pattern(rules).finditer(fold_case(text))]


@lru_cache(maxsize=8)
def _openers(rules: Rules) -> Any:
    """Where a figure's match may open before its anchor: a word that is a starter ("between",
    a hedge, a currency code's letters) or opens with a capital (read further by
    ``_opens``), or a sign or symbol."""
    alt = trie_alternation(sorted(_starters(rules)))
    signs = "".join(regex.escape(c) for c in sorted(_signs(rules) - {"."}))
    return regex.compile(rf"(?<!\w)(?:(?i:{alt})(?![^\W\d_])|[\p{{Lu}}\p{{Lt}}])|[{signs}]|\.(?=\d)")


@lru_cache(maxsize=8)
def _vocabulary(rules: Rules) -> frozenset[str]:
    """Every word a figure's match may hold before its number, lower-cased: the words of the
    hedges, vague quantities, currencies (with scale letters: "MUSD"), number words and the
    few words the pattern itself writes ("between", "a", "of")."""
    phrases = [w for h in rules.hedges for w in h.words]
    phrases += [w for g in (*rules.vague, *rules.multipliers) for w in g.words]
    phrases += [*rules.currency_symbols, *rules.currency_words, *rules.suffixes]
    for table in (rules.units, rules.tens, rules.scales, rules.collectives, rules.fractions):
        phrases += list(table)
    phrases += ["between", "from", "minus", "negative", "plus", "positive", "a", "an", "and",
                "of", "half", "quarter", "first", "second", "point"]
    words = {w.lower() for p in phrases for w in _WORD.findall(p)}
    letters = {k.lower() for k in rules.suffixes if len(k) == 1}
    codes = {c.lower() for c in rules.currency_symbols if regex.fullmatch(r"[A-Z]{3}", c)}
    return frozenset(words | {a + c for a in letters for c in codes})


def _reach(text: str, lo: int, a: int, vocabulary: frozenset[str]) -> int:
    """How far before ``a`` (not before ``lo``) a figure's match may open: back over the
    words of the vocabulary only, since no match holds another word before its number."""
    pos = a
    while True:
        w = _LAST_WORD.search(text, lo, pos)
        if w is None:
            return lo
        if w.group(0).lower() not in vocabulary:
            return int(w.end())
        pos = w.start()


def _opens(text: str, s: int, starters: frozenset[str]) -> bool:
    """Whether the word at ``s`` may open a figure's match: a starter, or all in capitals
    ("USD", "A")."""
    word = _WORD.match(text, s)
    w = word.group(0) if word else ""
    return w.lower() in starters or w.isupper()


def iter_matches(pattern: Any, text: str, spots: list[int], rules: Rules) -> Iterator[Any]:
    """The matches ``pattern.finditer(text)`` would give, tried only where they can start:
    at a spot, at a sign or symbol just before it, or at a word before it that can open a
    figure's match (a hedge, "between", a currency code)."""
    end = 0
    n = len(text)
    starters = _starters(rules)
    openers = _openers(rules)
    vocabulary = _vocabulary(rules)
    for a in spots:
        if a < end:
            continue
        stop = min(n, a + AHEAD)
        found = None
        lo = _reach(text, max(end, a - BACK), a, vocabulary)
        for t in openers.finditer(text, lo, a + 1) if lo < a else ():
            s = t.start()
            if s >= a:
                break  # the spot itself is tried below, opener or not
            if text[s].isalpha() and not _opens(text, s, starters):
                continue
            m = pattern.match(text, s, stop)
            if m is not None and m.end() > a:
                found = m
                break
        if found is None and _TOKEN_START.match(text, a):
            m = pattern.match(text, a, stop)
            if m is not None and m.end() > a:
                found = m
        if found is None:
            continue
        yield found
        end = found.end() if found.end() > found.start() else found.end() + 1


_WORD = regex.compile(r"[^\W\d_]+")  # the letters a token opens with ("USD" of "USD10m")
_LAST_WORD = regex.compile(r"(?r)[^\W\d_]+")  # the last run of letters before a place


def windows(text: str, spots: list[int], before: int = MARGIN_BEFORE,
            after: int = MARGIN_AFTER) -> list[tuple[int, int]]:
    """The merged windows from ``before`` characters before each spot to ``after`` after."""
    out: list[tuple[int, int]] = []
    n = len(text)
    for a in spots:
        s, e = max(0, a - before), min(n, a + after)
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


@lru_cache(maxsize=8)
def _sections(rules: Rules) -> list[tuple[Any, list[NonClaim]]]:
    """The non-claim patterns grouped by the words they require, each group with a pattern
    that finds any of those words in a lower-cased window (None: no word required)."""
    groups: dict[tuple[str, ...], list[NonClaim]] = {}
    for nc in rules.non_claims:
        groups.setdefault(nc.requires, []).append(nc)
    return [(re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
             if words else None, ncs) for words, ncs in groups.items()]


def nonclaim_spans(text: str, rules: Rules, spots: list[int]) -> list[tuple[int, int, str]]:
    """Every non-claim match in the windows around ``spots``, sorted by start."""
    out: list[tuple[int, int, str]] = []
    wins = windows(text, spots)
    if sum(e - s for s, e in wins) > COVER * len(text):
        wins = [(0, len(text))]  # figures everywhere: one pass over the text costs less
    lowered = [text[s:e].lower() for s, e in wins]
    for gate, ncs in _sections(rules):
        # a section's patterns all need one of its words: skip the windows that lack them
        open_ = wins if gate is None else [w for w, low in zip(wins, lowered) if gate.search(low)]
        for nc in ncs:
            for s, e in [(0, len(text))] if nc.whole_text else open_:
                for m in nc.pattern.finditer(text, s, e):
                    if m.end() > m.start():
                        out.append((nonclaim_start(nc, m), m.end(), nc.reason))
    out.sort()
    return out
