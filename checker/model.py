"""The records that flow between the pipeline's steps.

documents -> sentences -> quantities -> claims -> comparisons -> reports.
Every record is a frozen dataclass; offsets always index the document text
as read, so ``text[start:end] == surface``.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One article as read from an input file."""

    doc_id: str
    text: str
    source: str = ""
    url: str = ""
    published: str = ""
    title: str = ""
    path: str = ""
    story: str = ""


@dataclass(frozen=True)
class Skipped:
    """An input that could not be read, and why (one line for the user)."""

    path: str
    reason: str


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document, with its offsets in the document text."""

    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Quantity:
    """A figure found in text, read into a value and the interval it allows.

    ``start``/``end`` index the text the quantity was found in.
    ``low``/``high`` are inclusive; ``high`` may be ``inf``.
    ``denied`` is the figure a denial ("nowhere near 3,000") rejects.
    """

    start: int
    end: int
    surface: str
    value: float
    low: float
    high: float
    qualifier: str = "exact"
    unit: str = "count"
    vague: bool = False
    denied: float | None = None
    change: str = ""
    number_start: int = -1
    number_end: int = -1
    slack: float = 0.0


@dataclass(frozen=True)
class Claim:
    """A quantity with what it counts, its subject and who asserts it."""

    claim_id: str
    doc_id: str
    source: str
    published: str
    start: int
    end: int
    surface: str
    value: float
    low: float
    high: float
    qualifier: str
    unit: str
    counted: str
    subject: str
    scope: str
    claimant: str
    sentence: str
    sentence_start: int = 0
    slack: float = 0.0
    vague: bool = False
    denied: float | None = None
    whose: str = ""
    story: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Conflict:
    """A flagged pair of claims about one subject."""

    subject: str
    kind: str  # "conflict" or "scope"
    claim_a: str
    claim_b: str
    source_a: str
    source_b: str
    claimant_a: str
    claimant_b: str
    figure_a: str
    figure_b: str
    ratio: float
    reason: str
