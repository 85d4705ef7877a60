"""Group a feed's documents into stories, so that claims are compared only within one story.

A document's **terms** are the names it uses (capitalised words not at the start of a
sentence: people, places, organisations, outlets) and its long content words, weighted by how
often they occur; its top terms are kept. A **story** keeps a profile: the top terms of its
documents, the range of their publication dates and their number.

A new document joins the story that shares most of its rare terms, if that share reaches
``MIN_SCORE``, at least ``MIN_SHARED`` terms are shared (two of them names) and its date lies
within ``DATE_WINDOW_DAYS`` of the story's dates (documents or stories without a date pass).
Otherwise it starts a new story, named ``auto-`` and a hash of its doc_id. Rarity is counted
over story profiles (a term in many stories, such as "Reuters" or "Monday", says little).

Nothing is quadratic: candidates come from an inverted index term -> stories, and a term held
held by more than ``max(MIN_COMMON, COMMON_SHARE * stories)`` stories is common: it neither
finds candidates nor counts as shared evidence (it still counts, with its low rarity, in the
share).
The result depends only on the documents and the order they arrive in, which is the sorted
input order, so every engine gets the same stories.

A ``story`` field in the input (front matter, JSONL or CSV) wins over grouping.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from .model import Document
from .rules import Rules

TOP_TERMS = 16
PROFILE_TERMS = 40
MIN_SCORE = 0.1
MIN_SHARED = 2
DATE_WINDOW_DAYS = 7
MIN_COMMON = 5
COMMON_SHARE = 0.005
NAME_WEIGHT = 3.0
MAX_TF = 3

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Z]")


@lru_cache(maxsize=65536)
def _day(published: str) -> int | None:
    """The day number of an ISO date at the start of ``published``, or None (cached: story
    profiles hold a few dates, asked about for every candidate)."""
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


_OPENERS = frozenset(".!?:;\"“‘'([-–—•*#")


def _opens_sentence(text: str, at: int) -> bool:
    """Whether the word at ``at`` opens the text, a sentence, a quote or a list item: the
    three characters before it are a full stop, colon, opening quote or bullet and spaces."""
    before = text[max(0, at - 3):at]
    if before in ("", "\n"):
        return True
    core = before.rstrip()
    return bool(core) and core[-1] in _OPENERS


def doc_terms(doc: Document, rules: Rules) -> dict[str, float]:
    """A document's top terms with their weights; {} for a text without words.

    >>> from checker.rules import load_rules
    >>> sorted(doc_terms(Document("d", "Troops reached Tarrow. Officials in Tarrow said so."),
    ...                  load_rules()))
    ['reached', 'tarrow']
    """
    counts: defaultdict[str, float] = defaultdict(float)
    text = doc.title + ".\n" + doc.text
    for m in _WORD.finditer(text):
        w = m.group(0)
        if len(w) < 7 and not w[0].isupper():
            continue  # a short common word: neither a name nor a long content word
        low = w.lower().replace("’", "'").removesuffix("'s").removesuffix("'")
        if w[0].isupper():
            if low in rules.story_not_names or len(low) < 2:
                continue
            if _opens_sentence(text, m.start()):
                if low in rules.story_stopwords or len(low) < 7:
                    continue
                counts[low] += 1.0  # a capitalised sentence opener: maybe a name, maybe not
            else:
                counts[low] += NAME_WEIGHT
        elif len(low) >= 7 and low not in rules.story_stopwords:
            counts[low] += 1.0
    capped = {t: min(w, MAX_TF * NAME_WEIGHT) for t, w in counts.items()}
    top = sorted(capped.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
    return dict(top)


@dataclass
class StoryProfile:
    """What a story is about: its documents' top terms, dates and count."""

    story: str
    first: str = ""
    last: str = ""
    n_docs: int = 0
    terms: dict[str, float] = field(default_factory=dict)


class StoryIndex:
    """Assigns documents to stories, one at a time, in arrival order."""

    def __init__(self, profiles: list[StoryProfile] | None = None) -> None:
        self.profiles: dict[str, StoryProfile] = {}
        self.by_term: dict[str, set[str]] = defaultdict(set)
        self.changed: set[str] = set()
        for p in profiles or []:
            self._add(p)

    def _add(self, p: StoryProfile) -> None:
        self.profiles[p.story] = p
        for t in p.terms:
            self.by_term[t].add(p.story)

    def _common(self) -> float:
        return max(MIN_COMMON, COMMON_SHARE * len(self.profiles))

    def best_story(self, terms: dict[str, float], published: str) -> str | None:
        """The story a document with these terms and date belongs to, or None."""
        common = self._common()
        by_term = self.by_term
        rare = [t for t in terms if len(by_term.get(t, ())) <= common]
        candidates: set[str] = set()
        for t in rare:
            candidates.update(by_term.get(t, ()))
        if not candidates:
            return None
        n = len(self.profiles) + 1
        # rarity: few stories hold the term
        idf = {t: math.log(1.0 + n / (1 + len(by_term.get(t, ())))) for t in terms}
        total = sum(idf.values()) or 1.0
        day = _day(published)
        best: tuple[float, str] | None = None
        for s in sorted(candidates):
            p = self.profiles[s]
            if day is not None and p.first and not self._in_window(day, p):
                continue
            shared = [t for t in rare if t in p.terms]
            if len(shared) < MIN_SHARED or sum(terms[t] >= NAME_WEIGHT for t in shared) < 2:
                continue
            score = sum(idf[t] for t in shared) / total
            if score >= MIN_SCORE and (best is None or score > best[0]):
                best = (score, s)
        return None if best is None else best[1]

    @staticmethod
    def _in_window(day: int, p: StoryProfile) -> bool:
        first, last = _day(p.first), _day(p.last)
        if first is None or last is None:
            return True
        return first - DATE_WINDOW_DAYS <= day <= last + DATE_WINDOW_DAYS

    def assign(self, doc_id: str, terms: dict[str, float], published: str,
               given: str = "") -> str:
        """The story of a document (``given`` wins), and fold the document into its profile."""
        story = given or self.best_story(terms, published) or new_story_name(doc_id)
        self.fold(story, terms, published)
        return story

    def fold(self, story: str, terms: dict[str, float], published: str) -> None:
        """Add a document's terms and date to a story's profile."""
        p = self.profiles.get(story)
        if p is None:
            p = StoryProfile(story)
            self.profiles[story] = p
        merged = dict(p.terms)
        for t, w in terms.items():
            merged[t] = merged.get(t, 0.0) + w
        kept = merged if len(merged) <= PROFILE_TERMS else \
            {t: -w for w, t in sorted((-w, t) for t, w in merged.items())[:PROFILE_TERMS]}
        for t in p.terms.keys() - kept.keys():
            self.by_term[t].discard(story)
        for t in kept.keys() - p.terms.keys():
            self.by_term[t].add(story)
        p.terms = {t: round(w, 3) for t, w in kept.items()}
        if _day(published) is not None:
            p.first = min(p.first, published[:10]) if p.first else published[:10]
            p.last = max(p.last, published[:10]) if p.last else published[:10]
        p.n_docs += 1
        self.changed.add(story)


def new_story_name(doc_id: str) -> str:
    """The name of a story started by a document: ``auto-`` and a hash of its doc_id."""
    return "auto-" + hashlib.sha1(doc_id.encode()).hexdigest()[:10]
