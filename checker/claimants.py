"""Find who asserts a figure: "according to X", "X said", "said X", "X put the number
at", "which is what X have claimed". A pronoun ("they said") stands for the claimant
named before it in the sentence, or the last one named in the article."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from .rules import Rules
from .text import fold_case, tokens, trie_alternation

_CLAUSE_PUNCT = set(";:()[]\"“”‘’—–")
_RELATIVE = regex.compile(r"\s+(?:who|which|that|whose)\s+|,\s+(?:a|an|the)\s+[a-z]")
_FIGURE = regex.compile(r"[$£€¥%]|\d\s*(?:bn|m|million|billion)\b")
_APPOSITION = regex.compile(r"(?:^|[.;:“”\"(]\s*)(?P<subj>(?:[^,;:“”\"]|,(?=\d)){2,80}?),\s+"
                            r"(?:which|who|whose|a|an|the|\w+ed)\b[^;:“”\"]*,\s*$")
_NAME_AFTER = regex.compile(r"\s+(?P<who>[^,.;:!?“”\"]{2,80})")
_APPOSED_NAME = regex.compile(r",\s+(?P<name>\p{Lu}[\p{L}’'.-]*(?:\s+\p{Lu}[\p{L}’'.-]*){1,3})"
                           r"(?=\s*(?:[,.;:!?]|$)|\s+(?:who|whose|which)\b)")
_DIGIT = regex.compile(r"\d")
_CLOSING_QUOTE = regex.compile(r"[”\"’']")
_TO_COMMA = regex.compile(r"[^,;:]{0,60}?,\s*")
_CLAUSE_SPLIT = regex.compile(r",|\b(?:with|but|and|while|as|though|although)\b")


@dataclass(frozen=True)
class Attribution:
    """A claimant named in a sentence and where its verb or phrase stands."""

    who: str
    at: int        # offset of the verb or phrase in the sentence
    kind: str      # "verb", "inverted", "according", "attached", "put_at"


@lru_cache(maxsize=4)
def _patterns(rules: Rules) -> tuple[Any, Any]:
    """Reporting verbs (matched in a lower-cased sentence, which the standard ``re`` engine
    scans fastest) and the "according to X" phrases."""
    verbs = trie_alternation(sorted(rules.reporting_verbs))
    according = "|".join(regex.escape(a).replace(r"\ ", r"\s+")
                         for a in sorted(rules.according_to, key=len, reverse=True))
    return (re.compile(rf"\b(?:{verbs})\b"),
            regex.compile(rf"\b(?:{according})\s+(?P<who>[^,;:()“”\"]+?"
                          rf"(?:,\s+(?:and\s+|the\s+)?(?-i:\p{{Lu}})[^,;:()“”\"]*?)*)"
                          rf"(?=\s*(?:[;:.!?]|,\s+(?!(?:and\s+|the\s+)?(?-i:\p{{Lu}}))|,?$|$))",
                          regex.IGNORECASE))


def _clean(who: str, rules: Rules) -> str:
    """Trim a claimant: relative clauses, appositions, leading conjunctions, trailers."""
    who = _RELATIVE.split(who)[0]
    if _FIGURE.search(who):
        return ""  # a claimant is a name, never a figure: this was a clause, not a speaker
    words = who.strip(" ,.'\"‘’“”").split()
    while words and words[0].lower() in ("and", "but", "so", "while", "though", "although",
                                         "with", "as", "meanwhile", "then", "both"):
        words.pop(0)
    while words and words[-1].lower().strip(",") in rules.claimant_trailers:
        words.pop()
    return " ".join(words).strip(" ,")


def _subject_before(text: str, verb_at: int, rules: Rules) -> str:
    """The words before a reporting verb in its clause: its subject."""
    # the apposition pattern ends in a comma right before the verb: test that first
    m = _APPOSITION.search(text, max(0, verb_at - 300), verb_at) \
        if text[:verb_at].rstrip().endswith(",") else None
    if m:  # "X, which organised the march, put ...", "X, an independent firm, estimated"
        subj = _clean(m.group("subj"), rules)
        if subj and subj[:1].isupper():
            return subj
    toks = tokens(text, max(0, verb_at - 300), verb_at)
    kept: list[str] = []
    for k in range(len(toks) - 1, -1, -1):
        t = toks[k]
        low = t.lower
        if t.text in _CLAUSE_PUNCT or t.text in "!?.":
            break
        if t.text == ",":
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            prev = toks[k - 1] if k > 0 else None
            if not (nxt and prev and prev.is_cap and (nxt.is_cap or nxt.lower in ("the", "and"))):
                break
        if low in rules.reporting_verbs and kept:
            break
        if low in rules.clause_breakers and not (low == "and" and kept and k > 0
                                                  and toks[k - 1].is_cap):
            break
        kept.append(t.text)
        if len(kept) > 14:
            break
    if not kept:
        return ""
    # the words as written, spaces and all ("The farmers' union", "AT&T"): kept runs back
    # without a gap from the verb
    first, last = toks[len(toks) - len(kept)], toks[-1]
    return _clean(" ".join(text[first.start:last.end].split()), rules)


def _name_after(text: str, at: int, rules: Rules) -> str:
    """The claimant after an inverted verb: "..., said Ana Ruiz, a former ...", and
    "..., said the firm's research director, Ana Ruiz, who ...": the role and the name."""
    m = _NAME_AFTER.match(text, at)
    if not m:
        return ""
    who = _clean(m.group("who"), rules)
    words = who.split()
    if words and words[-1].islower():  # a role ("director"): is a name in apposition?
        name = _APPOSED_NAME.match(text, m.end())
        if name:
            return f"{who}, {name.group('name')}"
    return who


def find_attributions(text: str, rules: Rules) -> list[Attribution]:
    """Every claimant a sentence names, with where its verb or phrase stands."""
    verb_re, according_re = _patterns(rules)
    out: list[Attribution] = []
    for m in according_re.finditer(text):
        who = _clean(m.group("who"), rules)
        if who:
            out.append(Attribution(who, m.start(), "according"))
    for m in verb_re.finditer(fold_case(text)):
        before = text[max(0, m.start() - 300):m.start()].rstrip()
        prev_word = before.split()[-1].lower() if before.split() else ""
        if prev_word in rules.passive_markers:
            continue  # "is believed", "was reported": no claimant named here
        if before.endswith((",", "’", "'", "”", "\"")) or not before:
            who = _name_after(text, m.end(), rules)
            first = who.split()[0].lower() if who else ""
            if who and not _DIGIT.search(who) and first not in rules.not_claimant_starts:
                out.append(Attribution(who, m.start(), "inverted"))
                continue
        who = _subject_before(text, m.start(), rules)
        if who and not who.endswith(("’s", "'s")):  # "Putin's reported regret": a noun
            out.append(Attribution(who, m.start(), "verb"))
    return out


def find_claimant(text: str, qs: int, qe: int, rules: Rules, attributions: list[Attribution],
                  last_claimant: LastClaimant) -> str:
    """Who asserts the figure at ``text[qs:qe]``; ``last_claimant`` (or a function giving it,
    called only when needed) is the claimant named last before the sentence, for pronouns.

    Empty when the sentence and the article so far name nobody.
    """
    for pat in rules.attached_after:
        m = pat.match(text, _skip_noun(text, qe))
        if m:
            who = _clean(m.group("who"), rules)
            if who:
                return _resolve(who, text, m.start(), attributions, last_claimant, rules)
    for pat in rules.put_at:
        m = pat.search(text[max(0, qs - 300):qs])
        if m:
            who = _subject_tail(m.group("who"), rules)
            if who:
                return _resolve(who, text, m.start(), attributions, last_claimant, rules)
    quoted_by = [a for a in attributions if a.kind == "inverted" and a.at >= qe
                 and _CLOSING_QUOTE.search(text, qe, a.at)]
    if quoted_by:  # "“... 350 boats,” said X": the speaker, not a verb inside the quote
        return _resolve(quoted_by[0].who, text, quoted_by[0].at, attributions, last_claimant,
                        rules)
    according = [a for a in attributions if a.kind == "according"]
    if according:
        a = according[-1] if according[-1].at > qs else next(
            (a for a in reversed(according) if a.at < qs), according[0])
        return _resolve(a.who, text, a.at, attributions, last_claimant, rules)
    before = [a for a in attributions if a.at < qs and a.kind != "according"]
    if before:
        a = before[-1]
        return _resolve(a.who, text, a.at, attributions, last_claimant, rules)
    after = [a for a in attributions if a.at >= qe]
    if after:
        a = after[0]
        return _resolve(a.who, text, a.at, attributions, last_claimant, rules)
    return ""


def _skip_noun(text: str, qe: int) -> int:
    """Where the clause after a figure's noun phrase starts (after its comma)."""
    m = _TO_COMMA.match(text, qe)
    return m.end() if m else qe


def _subject_tail(who: str, rules: Rules) -> str:
    """The claimant at the end of the text before "put the number at"."""
    parts = _CLAUSE_SPLIT.split(who)
    return _clean(parts[-1], rules) if parts else ""


Wanted = Callable[[str], bool]
# The claimant named last before a sentence: the name itself, or a function that finds the
# last one, or (given a test) the last one that passes it.
LastClaimant = str | Callable[[Wanted | None], str]


def _last(last_claimant: LastClaimant, want: Wanted | None = None) -> str:
    if callable(last_claimant):
        return last_claimant(want)
    return last_claimant if want is None or want(last_claimant) else ""


def _resolve(who: str, text: str, at: int, attributions: list[Attribution],
             last_claimant: LastClaimant, rules: Rules) -> str:
    """Replace a pronoun claimant (or "their intelligence") by the one it stands for."""
    words = who.split()
    low = who.lower()
    if (len(words) >= 2 and words[0].lower() == "the" and words[1].lower() in rules.survey_words
            and not any(w[:1].isupper() for w in words[1:])):
        # "the poll", "the survey of 1,024 voters": the measurement named before
        last = _last(last_claimant)
        if any(w.lower().strip(",.") in rules.survey_words for w in last.split()):
            return last
        return who
    if low in rules.pronouns or (words and words[0].lower() in ("their", "his", "her", "its")):
        head = words[-1].lower() if low in rules.pronouns else ""
        want = _names(head) if head in rules.institution_words else None
        earlier = [a for a in attributions if a.at < at and a.who.lower() not in rules.pronouns
                   and a.who != who and (want is None or want(a.who))]
        named = earlier[-1].who if earlier else _last(last_claimant, want)
        if not named:
            return who  # "the agency" with no agency named before: as written
        if low in rules.pronouns:
            return named
        return f"{named} {' '.join(words[1:])}"
    return who


def _names(head: str) -> Wanted:
    """A test for a claimant whose name holds ``head`` or its singular or plural."""
    forms = {head, head.rstrip("s"), head + "s"}

    def wanted(name: str) -> bool:
        return any(w.strip(",.’'").lower() in forms for w in name.split()) and \
            name.lower() != f"the {head}"
    return wanted
