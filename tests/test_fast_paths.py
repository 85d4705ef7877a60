"""The hand-written fast paths give what the plain patterns they replace give.

Each fast path (a prefix tree instead of a long alternation, a backward walk instead of a
regex anchored at the end) is checked against the plain pattern, kept here as the
reference, on random inputs.
"""
from __future__ import annotations

import re

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.sentences import _BOUNDARY, _word_before
from checker.stories import _opens_sentence
from checker.text import _TOKEN, Token, tokens, trie_alternation

WORDS = st.lists(st.text(alphabet="abcé .-", min_size=1, max_size=6), min_size=1, max_size=12)


@settings(max_examples=500, deadline=None)
@given(WORDS, st.text(alphabet="abcé .-x", max_size=40))
def test_prefix_tree_matches_like_the_alternation(words: list[str], text: str) -> None:
    """A prefix tree finds the same matches, longest first, as the words' alternation."""
    plain = regex.compile("|".join(regex.escape(w) for w in sorted(set(words), key=len,
                                                                    reverse=True)))
    tree = regex.compile(trie_alternation(words))
    assert [m.span() for m in tree.finditer(text)] == [m.span() for m in plain.finditer(text)]


_WORD_BEFORE = regex.compile(r"([\p{L}.]+)\.[\"'”’»)\]]*$")


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab.C ”)5-é'\"»]", max_size=60), st.integers(0, 60))
def test_word_before_full_stop_as_the_regex_reads_it(text: str, cut: int) -> None:
    """The letters before a closing full stop, as the anchored regex finds them."""
    cut = min(cut, len(text))
    m = _WORD_BEFORE.search(text, max(0, cut - 40), cut)
    assert _word_before(text, cut) == (m.group(1) if m else "")


_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s*|[\"“‘'(\[\-–—•*#]\s*)$")


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=" \n\t.!?:;\"“‘'([-–—•*#aZ5,\u00a0", max_size=8), st.integers(0, 8))
def test_sentence_opener_as_the_regex_reads_it(text: str, at: int) -> None:
    """A word opens a sentence when the regex over the three characters before says so."""
    at = min(at, len(text))
    expected = bool(_SENTENCE_START.search(text[max(0, at - 3):at]))
    assert _opens_sentence(text, at) == expected


TOKEN_PIECES = ["U.S.", "the", " ", "  ", "-", "'", "’s", "5.5", "3,000", ".", ",", "Lt-Gen.",
                "a", "B", "x", "(", ")", "don't", "e.g.", "\n", "9/11", "F-16", "..", "U.", "S"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(TOKEN_PIECES), max_size=30).map("".join),
       st.integers(-2, 80), st.one_of(st.none(), st.integers(0, 80)))
def test_window_tokens_as_tokenising_the_window(text: str, start: int, end: int | None) -> None:
    """Tokens of a window read from the whole text's tokens are the window's own tokens,
    also where the window cuts a token."""
    stop = len(text) if end is None else min(end, len(text))
    plain = [Token(m[0], *m.span()) for m in _TOKEN.finditer(text, max(0, start), stop)]
    assert tokens(text, start, end) == plain


_PLAIN_TOKEN = regex.compile(r"[\p{L}\p{N}](?:[\p{L}\p{N}]|[.’'\-](?=[\p{L}\p{N}]))*\.?(?<=\p{Lu}\.)|"
                             r"[\p{L}\p{N}](?:[\p{L}\p{N}]|[’'\-](?=[\p{L}\p{N}]))*|[^\s\p{L}\p{N}]")


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="aB.’'-x9 U,(éÄ", max_size=30), st.integers(0, 30), st.integers(0, 30))
def test_token_pattern_reads_like_the_plain_one(text: str, start: int, end: int) -> None:
    """The token pattern with its lookahead and possessive runs finds the plain one's tokens."""
    assert [m.span() for m in _TOKEN.finditer(text, start, end)] == \
        [m.span() for m in _PLAIN_TOKEN.finditer(text, start, end)]


_PLAIN_BOUNDARY = regex.compile(r"""(?<=[.!?…])["'”’»)\]]*\s+(?=["'“‘«(\[]?[\p{Lu}\d])|\n+""")


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=".!?…\"'”’»)] \n\tAb9(“‘«[", max_size=30))
def test_sentence_boundaries_as_the_lookbehind_pattern_finds_them(text: str) -> None:
    """The boundary pattern that opens on the closing mark finds the breaks of the plain
    pattern that looks back at it."""
    fast = [m.span("gap") if m.group("gap") is not None else m.span()
            for m in _BOUNDARY.finditer(text)]
    assert fast == [m.span() for m in _PLAIN_BOUNDARY.finditer(text)]
