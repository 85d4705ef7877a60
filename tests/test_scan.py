"""The windowed scan finds exactly what a scan of the whole text finds."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import scan
from checker.documents import read_inputs
from checker.model import Document
from checker.quantities import _compile
from checker.rules import nonclaim_start

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [d.text for d in read_inputs([str(ROOT / "tests" / "stories"), str(ROOT / "examples")])
         if isinstance(d, Document)]

PIECES = ["about", "some", "more than", "between", "and", "to", "-", "3,000", "12", "1.5",
          "$", "£", "US$", "Rs.", "minus", "two", "hundred", "thousands", "of", "troops",
          "%", "per cent", "June", "19,", "2024", "F-16", "Route", "66", "at", "3pm", "in",
          "the", "past", "years", "½", "a", "dozen", "nowhere near", "or", "so", " ", ", ",
          ". ", "\n", "bn", "m", "km", "people", "said", "'s", "(", ")", ".5", ".", "USD",
          "A", "İ", "Between", "UP TO", "ten", "up to", "a few", "MUSD", "in excess of",
          "an estimated", "a dozen", "half", "U.S.$", "A$", "COVID", "-19", "nearly half",
          "a total of", "HK $", "Rs", "one and a half", "a third", "negative"]


def _spans(text: str, rules) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    """The reference: every non-claim match over the whole text."""
    return sorted((nonclaim_start(nc, m), m.end(), nc.reason) for nc in rules.non_claims
                  for m in nc.pattern.finditer(text) if m.end() > m.start())


def _both(text: str, rules) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:  # type: ignore[no-untyped-def]
    pattern = _compile(rules).pattern
    full = [(m.start(), m.end()) for m in pattern.finditer(text)]
    spots = scan.anchors(text, rules)
    fast = [(m.start(), m.end()) for m in scan.iter_matches(pattern, text, spots, rules)]
    return full, fast


@pytest.mark.parametrize("i", range(len(TEXTS)))
def test_windowed_matches_equal_full_scan_on_articles(i: int, rules) -> None:  # type: ignore[no-untyped-def]
    """On every fixture article the windowed matches are the full scan's matches."""
    full, fast = _both(TEXTS[i], rules)
    assert fast == full


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join))
def test_windowed_matches_equal_full_scan_on_any_mix(text: str) -> None:
    """On texts made of figure-like pieces the windowed matches are the full scan's."""
    from checker.rules import load_rules

    full, fast = _both(text, load_rules())
    assert fast == full


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([p for p in PIECES if p != "½"]), max_size=40).map("".join))
def test_windowed_matches_equal_full_scan_on_glued_pieces(text: str) -> None:
    """Also when the pieces are glued together (".5", "USD3,000", "(12)"); a fraction glued
    to a word ("½two") is no writing and left out."""
    from checker.rules import load_rules

    full, fast = _both(text, load_rules())
    assert fast == full


def _covered(spans: list[tuple[int, int, str]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e, _ in spans)


def _same_rejections(text: str, rules) -> None:  # type: ignore[no-untyped-def]
    """A figure the full non-claim scan rejects, the windowed scan rejects, and no other:
    a window must hold the whole match and what its lookaheads read after it."""
    full = _spans(text, rules)
    fast = scan.nonclaim_spans(text, rules, scan.anchors(text, rules))
    for m in _compile(rules).pattern.finditer(text):
        assert _covered(full, m.start(), m.end()) == _covered(fast, m.start(), m.end()), \
            text[max(0, m.start() - 40):m.end() + 40]


def test_nonclaims_in_windows_reject_what_full_scan_rejects(rules) -> None:  # type: ignore[no-untyped-def]
    """On every fixture article."""
    for text in TEXTS:
        _same_rejections(text, rules)


NONCLAIM_PIECES = PIECES + ["years ago", "in the past", "old", "in prison", "May", "5,", "2019",
                            "http://example.com/a?id=", "www.example.org/", "Section", "top",
                            "one of", "the two", "level", "Boeing", "o'clock", "a.m.", "Route",
                            "decade-long", "five-year", "term", "iPhone", "+44", "20", "7946"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(NONCLAIM_PIECES), max_size=40).map(" ".join))
def test_nonclaims_in_windows_reject_what_full_scan_rejects_on_any_mix(text: str) -> None:
    """On texts made of figure-like and non-claim-like pieces."""
    from checker.rules import load_rules

    _same_rejections(text, load_rules())


def _figures_both_ways(text: str, rules, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The figures found with non-claims read around the matched figures only are those
    found with non-claims read over the whole text."""
    from checker import quantities

    def fresh() -> list[tuple[int, int, float, str]]:
        quantities._matches.cache_clear()
        quantities._nonclaims.cache_clear()
        return [(q.start, q.end, q.value, q.unit) for q in quantities.find_quantities(text, rules)]

    windowed = fresh()
    with monkeypatch.context() as m:
        m.setattr(scan, "windows", lambda text, spots: [(0, len(text))])
        whole = fresh()
    fresh()
    assert windowed == whole, text[:200]


def test_figures_as_with_a_whole_text_nonclaim_scan(rules, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """On every fixture article."""
    for text in TEXTS:
        _figures_both_ways(text, rules, monkeypatch)
