"""Turn one document into its claims: sentences -> quantities -> subject and claimant.

``extract_claims`` is a pure function of (document, rules), which is what lets the
batch engines run it anywhere and get the same rows.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from bisect import bisect_right

from .claimants import Attribution, find_attributions, find_claimant
from .model import Claim, Document, Sentence
from .quantities import find_quantities
from .rules import Rules
from .sentences import split_sentences
from .subjects import find_subject


def claim_id(doc_id: str, start: int, end: int, surface: str) -> str:
    """A stable id for a claim: the same text at the same place gets the same id."""
    digest = hashlib.sha1(f"{doc_id}\x1f{start}\x1f{end}\x1f{surface}".encode()).hexdigest()
    return digest[:12]


def extract_claims(doc: Document, rules: Rules) -> list[Claim]:
    """Every quantified claim of a document, in text order; [] when there is none."""
    quantities = find_quantities(doc.text, rules)
    if not quantities:
        return []
    sentences = split_sentences(doc, rules)
    starts = [s.start for s in sentences]
    claims: list[Claim] = []
    carry = _LastClaimant(sentences, rules)
    attributions_cache: dict[int, list[Attribution]] = {}
    last_index = -1
    previous = ("", "")
    for q in quantities:
        i = bisect_right(starts, q.start) - 1
        if i < 0 or q.end > sentences[i].end:
            continue  # a figure across a sentence break: not one claim
        sent = sentences[i]
        if i != last_index:
            carry.gap(last_index + 1, i)
            last_index = i
        if i not in attributions_cache:
            attributions_cache[i] = find_attributions(sent.text, rules)
        attrs = attributions_cache[i]
        context = " ".join(s.text for s in sentences[max(0, i - 2):i])
        subject = find_subject(q, sent, context, rules, previous)
        qs, qe = q.start - sent.start, q.end - sent.start
        who = find_claimant(sent.text, qs, qe, rules, attrs, carry)
        claims.append(Claim(
            claim_id=claim_id(doc.doc_id, q.start, q.end, q.surface),
            doc_id=doc.doc_id, source=doc.source or doc.doc_id, published=doc.published,
            start=q.start, end=q.end, surface=q.surface, value=q.value, low=q.low,
            high=q.high, qualifier=q.qualifier, unit=q.unit, counted=subject.counted,
            subject=subject.key, scope=subject.scope, claimant=who, sentence=sent.text,
            sentence_start=sent.start, slack=q.slack, vague=q.vague, denied=q.denied,
            whose=subject.whose, story=doc.story,
        ))
        if subject.counted and q.unit == "count":
            previous = (subject.counted, subject.whose)
        carry.named(who)
    return claims


class _LastClaimant:
    """The claimant named last before a figure: by an earlier figure's claim or in the
    sentences in between. Those sentences are read only when a pronoun needs the name, and
    backwards, stopping at the nearest one that names somebody."""

    def __init__(self, sentences: list[Sentence], rules: Rules) -> None:
        self.sentences = sentences
        self.rules = rules
        self.events: list[str | tuple[int, int]] = []  # names, and sentence ranges unread

    def gap(self, lo: int, hi: int) -> None:
        """Sentences ``lo`` to ``hi - 1`` came since the last event."""
        if lo < hi:
            self.events.append((lo, hi))

    def named(self, who: str) -> None:
        """A figure's claim named ``who`` (nothing when empty)."""
        if who:
            self.events.append(who)

    def __call__(self, want: Callable[[str], bool] | None = None) -> str:
        """The last claimant named, or with ``want`` the last one that passes it."""
        i = len(self.events) - 1
        while i >= 0:
            event = self.events[i]
            if isinstance(event, str):
                if want is None or want(event):
                    return event
                i -= 1
                continue
            lo, hi = event
            for k in range(hi - 1, lo - 1, -1):
                named = [a.who for a in find_attributions(self.sentences[k].text, self.rules)
                         if a.who.lower() not in self.rules.pronouns]
                if want is None and named:
                    self.events[i] = named[-1]  # read once: the nearest name stands for it
                    return named[-1]
                found = next((w for w in reversed(named) if want is not None and want(w)), "")
                if found:
                    return found
            if want is None:
                self.events.pop(i)  # nobody named there: it can never matter again
            i -= 1
        return ""
