"""Properties of the whole extractor on any text: no exception, and every claim is sound.

A claim is sound when 0 <= start < end <= len(text), text[start:end] == surface, its value is
finite and low <= value <= high. Offsets index ``Document.text``: the decoded and repaired
text after any front matter, which is what the fixture check reads too.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.claims import extract_claims
from checker.documents import read_inputs
from checker.model import Claim, Document
from checker.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules()
EXAMPLES = 500

# Pieces of news text that reach every step: figures, number words, hedges, ranges, units,
# currencies, attribution, sentence ends, and characters that have broken parsers before.
PIECES = [
    "1", "7", "10", "3,000", "1,2", ",", ".", "0.5", "2.5", "12,345,678", "-", "–", "+", "%",
    "$", "£", "€4bn", "1.2m", "30k", "2nd", "1990", "2024", "9:30", "about", "some", "nearly",
    "more than", "at least", "up to", "fewer than", "nowhere near", "between", "and", "to",
    "or", "from", "a", "one", "two", "hundred", "thousand", "million", "dozen", "a couple of",
    "dozens", "hundreds", "thousands", "tens of thousands", "of", "troops", "people", "the",
    "number", "toll", "said", "according to", "police", "officials", "put the figure at",
    "which is what", "claimed", "per cent", "percent", "km", "mm", "tonnes", "in", "Kursk",
    "North Korean", "U.S.", "Mr.", "\u201c", "\u201d", "'", '"', "(", ")", "\n", "\n\n", "  ",
    "\t", "\u00a0", "\u2028", "\u0301", "\U0001f600", "\ufeff", "\x00", "ǅ", "İ", "ß", "ﬁ",
]
NEWSY = st.lists(st.sampled_from(PIECES), max_size=60).map(" ".join)
ANY = st.text(max_size=400)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def assert_sound(text: str, claims: list[Claim]) -> None:
    """Every claim's offsets, surface and interval hold."""
    for c in claims:
        assert 0 <= c.start < c.end <= len(text), (c.start, c.end, len(text))
        assert text[c.start:c.end] == c.surface, (text[c.start:c.end], c.surface)
        assert math.isfinite(c.value), c
        assert c.low <= c.value <= c.high, (c.surface, c.low, c.value, c.high)


@SETTINGS
@given(ANY)
def test_any_text(text: str) -> None:
    """On any text, extract_claims raises nothing and every claim is sound."""
    assert_sound(text, extract_claims(Document("d", text), RULES))


@SETTINGS
@given(NEWSY)
def test_newsy_text(text: str) -> None:
    """On text made of news pieces (many claims), the same holds."""
    assert_sound(text, extract_claims(Document("d", text), RULES))


FIXTURES = [ROOT / "examples", ROOT / "tests"]


def _fixture_documents() -> list[Document]:
    return [d for d in read_inputs([str(p) for p in FIXTURES if p.exists()])
            if isinstance(d, Document)]


@pytest.mark.parametrize("doc", _fixture_documents(), ids=lambda d: f"{Path(d.path).name}:{d.doc_id}")
def test_fixture_surfaces_match_text(doc: Document) -> None:
    """On every article under examples/ and tests/, surface == text[start:end] for each claim."""
    assert_sound(doc.text, extract_claims(doc, RULES))
