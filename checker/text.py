"""Small text tools the subject and claimant steps share: tokens with offsets and
place names found in a sentence."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import regex

from .rules import Rules

# A word ("U.S." and "Lt-Gen." with their dots, "don't"), or one other mark. The dotted form
# is tried only where a dot follows the word's letters (a lookahead the engine checks fast).
_TOKEN = regex.compile(r"(?=[\p{L}\p{N}][\p{L}\p{N}’'\-]*+\.)"
                       r"[\p{L}\p{N}](?:[\p{L}\p{N}]|[.’'\-](?=[\p{L}\p{N}]))*\.?(?<=\p{Lu}\.)|"
                       r"[\p{L}\p{N}](?:[\p{L}\p{N}]++|[’'\-](?=[\p{L}\p{N}]))*+|[^\s\p{L}\p{N}]")


class Token(NamedTuple):
    """A word or punctuation mark and its offsets in the text it came from."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum()

    @property
    def is_cap(self) -> bool:
        return self.text[:1].isupper()


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of ``text[start:end]`` with offsets into ``text``: what tokenising that
    window gives, read from the tokens of the whole text (kept for the texts read last)."""
    n = len(text)
    end = n if end is None else min(end, n)
    start = max(0, start)
    if start >= end:
        return []
    whole, starts = _all_tokens(text)
    i = bisect_left(starts, start)
    if i > 0 and whole[i - 1].end > start:  # a token the window cuts at its start
        i -= 1
    j = bisect_left(starts, end)
    out: list[Token] = []
    if i < j and whole[i].start < start:
        cut = whole[i].end
        out = [Token(m[0], *m.span()) for m in _TOKEN.finditer(text, start, min(cut, end))]
        i += 1
    if i < j and whole[j - 1].end > end:  # a token the window cuts at its end
        out += whole[i:j - 1]
        out += [Token(m[0], *m.span()) for m in _TOKEN.finditer(text, whole[j - 1].start, end)]
        return out
    return out + whole[i:j]


@lru_cache(maxsize=64)
def _all_tokens(text: str) -> tuple[list[Token], list[int]]:
    """Every token of ``text`` and their starts."""
    whole = [Token(m[0], *m.span()) for m in _TOKEN.finditer(text)]
    return whole, [t.start for t in whole]


@lru_cache(maxsize=None)
def compiled(pattern: str, flags: int = 0) -> Any:
    """``pattern`` compiled once: for the patterns written where they are used, which the
    ``regex`` module would otherwise look up in its own, slower cache on every call."""
    return regex.compile(pattern, flags)


def fold_case(text: str) -> str:
    """``text`` lower-cased letter for letter, so that offsets stay those of ``text`` (a
    letter that lower-cases to two, as "İ" does, is kept as it is)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def trie_alternation(words: list[str], space: str = r"\ ") -> str:
    r"""A pattern matching the same as the alternation of ``words``, longest first, written as
    a tree of shared prefixes so that the engine tries each letter once, not once per word.
    ``space`` is written for each space in a word (``\s+``: any run of white space).

    >>> trie_alternation(["ten", "tens", "two"])
    't(?:en(?:s)?|wo)'
    """
    tree: dict[str, Any] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [(space if ch == " " else regex.escape(ch)) + emit(sub)
                for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


def alternation(words: list[str] | tuple[str, ...] | set[str] | frozenset[str]) -> str:
    """A regex alternation of literal phrases, longest first, spaces as any white space."""
    parts = sorted({w for w in words}, key=lambda w: (-len(w), w))
    return "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in parts)


def strip_possessive(word: str) -> str:
    """ "Britain's" -> "Britain"; other words unchanged."""
    for suffix in ("’s", "'s", "’", "'"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=4)
def _place_pattern(rules: Rules) -> Any:
    names = sorted(rules.places, key=lambda n: (-len(n), n))
    alt = trie_alternation(names, space=r"\s+")
    # when every name opens with a capital, other positions can fail at once
    guard = r"(?=the\s|\p{Lu})" if all(n[:1].isupper() for n in names) else ""
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}]){guard}(?:the\s+)?(?P<name>{alt})"
                         rf"(?P<poss>[’']s?)?"
                         rf"(?![\p{{L}}\p{{N}}])")


@dataclass(frozen=True)
class Place:
    """A place name found in a sentence: its country key and kind."""

    key: str
    kind: str
    start: int
    end: int
    possessive: bool


@lru_cache(maxsize=512)
def find_places(text: str, rules: Rules) -> list[Place]:
    """Every country, demonym or capital named in ``text``, in order."""
    out: list[Place] = []
    for m in _place_pattern(rules).finditer(text):
        name = regex.sub(r"\s+", " ", m.group("name"))
        key, kind = rules.places[name]
        out.append(Place(key, kind, m.start("name"), m.end(), bool(m.group("poss"))))
    return out
