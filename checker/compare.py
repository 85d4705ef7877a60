"""Compare the claims of one subject and flag pairs that cannot both be right.

Two claims conflict when their intervals, each widened by the rounding its figure
implies, do not overlap. A figure for a part (a narrower place, a time, an earlier
figure, a forecast) against another is a ``scope`` difference, shown for review and not
counted as a conflict; an explicit denial conflicts with the figure it denies whatever
the scope. Every flag carries its reason in words.
"""
from __future__ import annotations

import difflib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

from .model import Claim, Conflict
from .rules import Rules
from .subjects import PART, is_time_scope

REWRITE_SIMILARITY = 0.6
# scope parts that say what kind of figure a claim is, never where the story happens
STANDINGS = frozenset({"forecast", "earlier figure", PART})


def effective_interval(c: Claim, factor: float = 1.0) -> tuple[float, float]:
    """The claim's interval widened by the rounding its figure implies, times ``factor``
    (to the base unit of its group when units differ)."""
    low = c.low - c.slack if math.isfinite(c.low) else c.low
    high = c.high + c.slack if math.isfinite(c.high) else c.high
    return (max(low, 0.0) if c.low >= 0 else low) * factor, high * factor


def _factors(a: Claim, b: Claim, rules: Rules) -> tuple[float, float] | None:
    """What turns each claim's unit into a common one; None when they do not convert."""
    if a.unit == b.unit:
        return 1.0, 1.0
    ca, cb = rules.conversions.get(a.unit), rules.conversions.get(b.unit)
    if ca is None or cb is None or ca[0] != cb[0]:
        return None  # different currencies or measures: not comparable without a rate
    return ca[1], cb[1]


def _disjoint(a: Claim, b: Claim, fa: float = 1.0, fb: float = 1.0) -> bool:
    al, ah = effective_interval(a, fa)
    bl, bh = effective_interval(b, fb)
    return ah < bl or bh < al


@lru_cache(maxsize=4096)
def _words(sentence: str) -> list[str]:
    """A sentence's lower-case words (the sentences of a group are compared many times)."""
    return sentence.lower().split()


@lru_cache(maxsize=4096)
def _word_counts(sentence: str) -> Counter[str]:
    """How often each of a sentence's lower-case words occurs."""
    return Counter(_words(sentence))


def _share_bound(a: str, b: str) -> float:
    """An upper bound of ``sentence_similarity``: the share of words the two sentences have in
    common, counted with repeats (difflib's ``quick_ratio``, without building a matcher)."""
    wa, wb = _words(a), _words(b)
    length = len(wa) + len(wb)
    if not length:
        return 1.0
    ca, cb = _word_counts(a), _word_counts(b)
    if len(cb) < len(ca):
        ca, cb = cb, ca
    matches = sum(min(n, cb[w]) for w, n in ca.items() if w in cb)
    return 2.0 * matches / length


@lru_cache(maxsize=8192)
def sentence_similarity(a: str, b: str, floor: float = 0.0) -> float:
    """How alike two sentences are, 0 to 1, word by word; 0 when they cannot reach
    ``floor`` (cheap upper bounds rule most pairs out before the full comparison). Cached:
    two sentences with several figures each are compared once per pair of figures."""
    if floor:
        la, lb = len(_words(a)), len(_words(b))
        if la + lb and 2.0 * min(la, lb) / (la + lb) < floor:  # difflib's real_quick_ratio
            return 0.0
        if _share_bound(a, b) < floor:
            return 0.0
    return difflib.SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "∞"
    return f"{x:,.0f}" if abs(x) >= 100 or x == int(x) else f"{x:,.2f}".rstrip("0").rstrip(".")


def _who(c: Claim) -> str:
    return c.claimant or c.source


def _ratio(a: Claim, b: Claim, fa: float = 1.0, fb: float = 1.0) -> float:
    hi, lo = max(a.value * fa, b.value * fb), min(a.value * fa, b.value * fb)
    if lo <= 0:
        return math.inf if hi > 0 else 1.0
    return hi / lo


def _scope_parts(claims: list[Claim]) -> dict[str, frozenset[str]]:
    """Each claim's scope without the places that frame the whole story.

    A place named as the scope in claims from more than half of the documents of a
    subject is where the whole story happens, not a part of it.
    """
    docs = {c.doc_id for c in claims}
    by_part: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        for part in filter(None, (p.strip() for p in c.scope.split(";"))):
            by_part[part].add(c.doc_id)
    frame = {p for p, d in by_part.items() if len(docs) >= 2 and len(d) * 2 > len(docs)
             and p not in STANDINGS}
    return {c.claim_id: frozenset(p.strip() for p in c.scope.split(";")
                                  if p.strip() and p.strip() not in frame) for c in claims}


def _reason(kind: str, a: Claim, b: Claim, why: str, fa: float = 1.0, fb: float = 1.0) -> str:
    al, ah = effective_interval(a)
    bl, bh = effective_interval(b)
    ranges = f"allowed ranges {_fmt(al)}–{_fmt(ah)} and {_fmt(bl)}–{_fmt(bh)}"
    if a.unit != b.unit:  # "7,800 hectares" against "7,800 acres": say it in a's unit
        bl, bh = bl * fb / fa, bh * fb / fa
        ranges = (f"allowed ranges {_fmt(al)}–{_fmt(ah)} {a.unit} and "
                  f"{_fmt(bl)}–{_fmt(bh)} {a.unit} ({b.surface} in {a.unit})")
    text = f"{a.surface} ({_who(a)}) against {b.surface} ({_who(b)}): {why}; {ranges}"
    if kind == "conflict" and a.doc_id != b.doc_id:
        sim = sentence_similarity(a.sentence, b.sentence, REWRITE_SIMILARITY)
        if sim >= REWRITE_SIMILARITY:
            text += (f"; the two sentences are near-identical rewrites of each other "
                     f"(similarity {sim:.2f}), so one may be a copying or spinning error")
    elif kind == "conflict" and (a.claimant == b.claimant or not (a.claimant and b.claimant)):
        text += "; the article contradicts itself"
    elif kind == "conflict":
        text += "; the article quotes rival figures"
    return text


def _different_surveys(a: str, b: str, rules: Rules) -> bool:
    """Whether two claimants are differently named polls, surveys or studies."""
    names = []
    for who in (a, b):
        words = [w.strip(",.’'") for w in who.split()]
        if not any(w.lower() in rules.survey_words for w in words):
            return False
        caps = {w for w in words[1:] + words[:1] if w[:1].isupper() and w.lower() not in
                ("a", "an", "the", "new", "latest")}
        if not caps:
            return False
        names.append(caps)
    return not names[0] & names[1]


def _now(part: str, same_article: bool, rules: Rules) -> bool:
    """Whether a time scope part says no more than "now" against a figure with no time."""
    if part == "earlier figure" or not is_time_scope(part, rules):
        return False
    return same_article or bool(rules.day_pattern.search(part))


def compare_pair(a: Claim, b: Claim, scopes: dict[str, frozenset[str]],
                 rules: Rules) -> tuple[str, str] | None:
    """(kind, reason) for a flagged pair of claims of one subject, or None."""
    factors = _factors(a, b, rules)
    if factors is None or not _disjoint(a, b, *factors):
        return None
    fa, fb = factors

    def flag(kind: str, why: str) -> tuple[str, str]:
        return kind, _reason(kind, a, b, why, fa, fb)

    for d, other, scale in ((a, b, fb / fa), (b, a, fa / fb)):
        if d.qualifier == "denial" and d.denied is not None:
            ol, oh = effective_interval(other, scale)  # in the denying claim's unit
            if ol <= d.denied <= oh or ol >= d.denied:
                return flag("conflict",
                            f"one explicitly denies the other's figure ({_fmt(d.denied)})")
    if _different_surveys(a.claimant, b.claimant, rules):
        return flag("scope", f"two different measurements ({a.claimant} and {b.claimant})")
    sa, sb = scopes[a.claim_id], scopes[b.claim_id]
    if not sa or not sb:
        # a figure with no time stated is its article's "now": within one article a time
        # on the other side narrows nothing; across articles a day or date does not either
        # (a running count across dates is caught below), a time of day still does
        same = a.doc_id == b.doc_id
        sa = frozenset(p for p in sa if not _now(p, same, rules))
        sb = frozenset(p for p in sb if not _now(p, same, rules))
    if sa != sb:
        if sa and sb:
            why = f"different scopes ({'; '.join(sorted(sa))} vs {'; '.join(sorted(sb))})"
        else:
            part = sa or sb
            named = sorted(part - {PART})
            why = (f"a part ({'; '.join(named)}) against the whole" if named
                   else "a part of the total against the total")
        return flag("scope", why)
    # a tally by its counted noun, or by the key's last word ("firefighters||count injured")
    tally = a.counted in rules.running_tallies or a.subject.rsplit(" ", 1)[-1] in \
        rules.running_tallies
    if (tally and a.published and b.published
            and a.published != b.published):
        return flag("scope", f"a running count reported on different dates "
                             f"({a.published} and {b.published})")
    return flag("conflict", f"the figures differ by a factor of {_ratio(a, b, fa, fb):.2g} "
                            f"and cannot both hold")


def compare_claims(claims: Iterable[Claim], rules: Rules) -> list[Conflict]:
    """Every flagged pair among claims of the same story and subject, in a stable order."""
    groups: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        if c.counted:
            groups[(c.story, c.subject)].append(c)
    out: list[Conflict] = []
    for (_, subject), members in sorted(groups.items()):
        members.sort(key=lambda c: (c.doc_id, c.start))
        scopes = _scope_parts(members)
        spans = [effective_interval(c) for c in members]
        for i, a in enumerate(members):
            al, ah = spans[i]
            for j in range(i + 1, len(members)):
                b = members[j]
                if a.doc_id == b.doc_id and a.start < b.end and b.start < a.end:
                    continue
                if a.unit == b.unit and not (ah < spans[j][0] or spans[j][1] < al):
                    continue  # same unit, overlapping intervals: compare_pair flags nothing
                flagged = compare_pair(a, b, scopes, rules)
                if flagged is None:
                    continue
                kind, reason = flagged
                out.append(Conflict(subject, kind, a.claim_id, b.claim_id, a.source, b.source,
                                    a.claimant, b.claimant, a.surface, b.surface,
                                    round(_ratio(a, b, *(_factors(a, b, rules) or (1.0, 1.0))),
                                          3), reason))
    return out
