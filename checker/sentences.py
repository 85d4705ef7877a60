"""Split a document's text into sentences with character offsets.

A sentence ends at ``.``, ``!`` or ``?`` (with any closing quotes or brackets) before
white space and a capital, digit or opening quote, and always at a line break.
Abbreviations listed in ``rules/abbreviations.tsv`` (Lt-Gen., Jr., U.S.) and single
initials ("Joseph S. Bermudez") do not end a sentence.
"""
from __future__ import annotations

import regex

from .model import Document, Sentence
from .rules import Rules

# The break after a closing mark, in group "gap" (the mark is matched first, which the engine
# finds fast, then looked back at), or a run of line breaks.
_BOUNDARY = regex.compile(
    r"""[.!?…\n](?:(?<=[.!?…])(?P<gap>["'”’»)\]]*\s+(?=["'“‘«(\[]?[\p{Lu}\d]))|(?<=\n)\n*)""",
)


_CLOSERS = "\"'”’»)]"


def _word_before(text: str, cut: int) -> str:
    """The letters and dots before the full stop that closes ``text[:cut]`` (closing quotes
    and brackets aside), at most 40 characters back; "" when there is none."""
    i = cut
    while i > 0 and text[i - 1] in _CLOSERS:
        i -= 1
    if i == 0 or text[i - 1] != ".":
        return ""
    i -= 1
    floor = max(0, cut - 40)
    j = i
    while j > floor and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    return text[j:i]


def _ends_sentence(text: str, cut: int, abbreviations: frozenset[str]) -> bool:
    """Whether the punctuation just before ``cut`` really ends a sentence."""
    word = _word_before(text, cut)
    if not word:
        return True
    last = word.split("-")[-1].rstrip(".")
    if last in abbreviations or word.rstrip(".") in abbreviations:
        return False
    if len(last) == 1 and last.isupper():  # an initial: "Joseph S. Bermudez"
        return False
    return True


def split_sentences(doc: Document, rules: Rules) -> list[Sentence]:
    """The document's sentences in order; an empty list for a blank text."""
    text = doc.text
    abbreviations = rules.abbreviations
    sentences: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        cut = m.start("gap") if m.group("gap") is not None else m.start()
        if "\n" not in text[cut:m.end()] and not _ends_sentence(text, cut, abbreviations):
            continue
        _append(sentences, doc.doc_id, text, start, cut)
        start = m.end()
    _append(sentences, doc.doc_id, text, start, len(text))
    return sentences


# No real sentence is this long; a longer run (a table, a list, a text with no full stops)
# is cut at its last clause break before the limit, so that the work done per sentence
# stays bounded and the whole run linear in the size of the text.
MAX_SENTENCE = 1000
_CUT = regex.compile(r"[;,:]\s|\s")


def _append(out: list[Sentence], doc_id: str, text: str, start: int, end: int) -> None:
    while start < end:
        while start < end and text[start].isspace():
            start += 1
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop <= start:
            return
        if stop - start <= MAX_SENTENCE:
            out.append(Sentence(doc_id, start, stop, text[start:stop]))
            return
        limit = start + MAX_SENTENCE
        cut = max((m.end() for m in _CUT.finditer(text, limit - MAX_SENTENCE // 2, limit)),
                  default=limit)
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_end > start:
            out.append(Sentence(doc_id, start, piece_end, text[start:piece_end]))
        start = cut
