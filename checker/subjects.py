"""Decide what a figure counts, whose it is and what narrows it: the claim's subject.

``counted``: the thing counted with synonyms folded (troops/soldiers -> troops), read
from the words after the figure ("10,000 French troops", "thousands of troops")
or, for "the number", "the figure", "the toll", from the thing named nearby.
``whose``: the country the counted things belong to (a demonym, "from X", "X's", or a
country that is the subject of the sentence). ``scope``: a place or time that narrows
the figure ("in Tarrow", "on Tuesday"), or its standing as an earlier figure. The subject key joins counted, whose and the kind of unit.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from .model import Quantity, Sentence
from .rules import Rules
from .text import Place, Token, find_places, strip_possessive, tokens


def is_time_scope(part: str, rules: Rules) -> bool:
    """Whether a scope part names a time ("on Tuesday", "by evening") rather than a place."""
    return bool(rules.time_pattern.fullmatch(part.strip())) or part.strip() == "earlier figure"


_NOUN_OF = regex.compile(r"\b(?P<noun>(?:[\p{L}-]+\s+){0,2}[\p{L}-]+)\s+of\s+(?:(?:about|around|"
                         r"some|nearly|almost|just|over|under|more\s+than|less\s+than|"
                         r"plus\s+or\s+minus|±)\s*)?$")
_TIME_NOUN = regex.compile(r"(?:the\s+)?(?:same\s+|following\s+|next\s+)?"
                           r"(?:day|week|month|year|weekend|night)\b")
_LEAD_PLACE = regex.compile(r"(?:^|[,;:]\s*)(?:In|At|Across|Inside)\s+(?:the\s+)?"
                            r"(?P<place>\p{Lu}[\p{L}’'-]*(?:\s+\p{Lu}[\p{L}’'-]*)*)"
                            r"(?:\s+alone)?,\s*[^,;:]*$")
_NAME_BEFORE = regex.compile(
    r"(?<![\p{L}])(?P<name>\p{Lu}\p{Ll}[\p{L}’'-]*)(?:[’']s)?\s+(?:(?:is|was|has|had|drew|draws|"
    r"gets|got|won|wins|received|receives|polled|polls|stood|stands|sits|sat|leads|led|trails|"
    r"trailed|scored|scores|took|takes|on|at|with|of|by)\s+){0,2}(?:about\s+|around\s+|some\s+|"
    r"nearly\s+|almost\s+|just\s+|only\s+)?$")
_NAME_AFTER = regex.compile(r"\s*(?:\p{Ll}+\s+)?(?:for|to|behind)\s+(?:\p{Lu}\p{Ll}+\s+)?"
                            r"(?P<name>\p{Lu}\p{Ll}[\p{L}’'-]*)")
_NAME_POSSESSIVE = regex.compile(r"(?<![\p{L}])(?P<name>\p{Lu}\p{Ll}[\p{L}-]*)[’']s\s+"
                                 r"(?:\p{Ll}[\p{L}-]*\s+){0,6}$")
_TIME_PREP = regex.compile(r"^(?:on|in|during|at)\s+", regex.IGNORECASE)
_CLAUSE_END = regex.compile(r"[,.](?!\d)|[;:!?]|\s[–—]\s")
_YEAR = regex.compile(r"(?:19|20)\d\d")
_TRAILING_DET = regex.compile(r"(?:[’']s)?\s+(?:the|a|an|its|their|his|her)?\s*$")
_FROM_END = regex.compile(r"\bfrom\s*$")
@lru_cache(maxsize=8)
def _forecast_pattern(rules: Rules) -> Any:
    words = "|".join(regex.escape(w) for w in sorted(rules.forecast_markers, key=len,
                                                     reverse=True))
    return regex.compile(rf"\b(?:{words})\b", regex.IGNORECASE)


def _is_forecast(text: str, qs: int, after: list[Token], rules: Rules) -> bool:
    """Whether a forecast word stands in the figure's clause before it, or among the three
    words after it ("the $1.9bn expected by analysts")."""
    clause = _CLAUSE_START.search(text, max(0, qs - 80), qs)
    start = clause.end() if clause else max(0, qs - 80)
    pattern = _forecast_pattern(rules)
    if pattern.search(text, start, qs):
        return True
    return any(pattern.fullmatch(t.text) for t in [t for t in after if t.is_word][:3])


_CLAUSE_START = regex.compile(r".*[,;:(]\s*", regex.DOTALL)
# a figure in a clause that tells of an earlier event: "the worst since 2017, when ..."
_PAST_EVENT = regex.compile(r"\b(?:in|since|of|during)\s+(?:19|20)\d\d\s*,?\s+when\b"
                            r"[^.;:!?]*$", regex.IGNORECASE)
_CHANGE_BEFORE = regex.compile(r"\b(?:rose|rise|risen|climbed|increased|jumped|grew|fell|dropped|"
                               r"revised)\b")


@dataclass(frozen=True)
class Subject:
    """What a claim is about."""

    counted: str
    key: str
    whose: str
    scope: str


def unit_class(unit: str, rules: Rules) -> str:
    """The kind of unit, so that money is never compared with a count, and units of one
    group are (hectares with acres: "land area")."""
    if unit in ("count",):
        return "count"
    if len(unit) == 3 and unit.isupper():
        return "money"
    if unit in rules.conversions:
        return rules.conversions[unit][0]
    return unit


def fold_counted(word: str, rules: Rules) -> str:
    """The key of a counted noun: its synonym group, or the word in a plain plural form."""
    w = strip_possessive(word.lower().strip())
    if w in rules.counted:
        return rules.counted[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "ies"
    if not w.endswith("s") and w + "s" in rules.counted:
        return rules.counted[w + "s"]
    return w


@lru_cache(maxsize=8)
def _phrase_openers(rules: Rules) -> frozenset[str]:
    """First words of the counted lexicon's phrases of more than one word."""
    return frozenset(p.split()[0] for p in rules.counted if " " in p)


def _counted_phrase(toks: list[Token], i: int, rules: Rules) -> tuple[str, int] | None:
    """The longest counted-lexicon phrase starting at token ``i``: (key, tokens used)."""
    first = toks[i].text.lower()
    if first in _phrase_openers(rules):
        for n in (3, 2):
            if i + n <= len(toks):
                phrase = " ".join(t.text.lower() for t in toks[i:i + n])
                if phrase in rules.counted:
                    return rules.counted[phrase], n
    key = rules.counted.get(first)
    return (key, 1) if key is not None else None


def _noun_after(toks: list[Token], rules: Rules, places: list[Place]) -> tuple[str, str, int]:
    """(counted, whose, index after the noun phrase) from the tokens after a figure."""
    i = 1 if toks and toks[0].text in ("-", "–") else 0  # "a two-point lead", "five-year plan"
    if toks and toks[i:i + 1] and toks[i].lower == "of":
        i += 1
        while i < len(toks) and toks[i].lower in ("the", "these", "those", "their", "its",
                                                  "his", "her", "our"):
            i += 1
    whose = ""
    head = ""
    head_end = i
    for j in range(i, min(len(toks), i + 7)):
        t = toks[j]
        phrase = _counted_phrase(toks, j, rules)
        if phrase:
            return phrase[0], whose, j + phrase[1]
        place = next((p for p in places if p.start <= t.start < p.end), None)
        if place is not None:
            whose = whose or place.key
            continue
        if not t.is_word or t.lower in rules.phrase_stoppers:
            break
        if t.lower in rules.counted_modifiers or t.text[:1].isdigit():
            continue
        head, head_end = t.text, j + 1
        plural = t.lower.endswith("s") and not t.is_cap  # "Texas jobs": a name, not a plural
        if plural or not (j + 1 < len(toks) and toks[j + 1].is_word
                          and toks[j + 1].lower not in rules.phrase_stoppers):
            break
    return (fold_counted(head, rules) if head else ""), whose, head_end


def _reference_antecedent(text: str, end: int, rules: Rules, places: list[Place]
                          ) -> tuple[str, str]:
    """For "the number"/"the toll": the counted thing named before ``end``, and whose."""
    toks = tokens(text, max(0, end - 300), end)
    for k in range(len(toks) - 1, -1, -1):
        phrase = _counted_phrase(toks, k, rules)
        if phrase and toks[k].lower not in rules.reference_words:
            t = toks[k]
            whose = ""
            for p in places:
                if p.end <= t.start and t.start - p.end <= 30:
                    whose = p.key
            return phrase[0], whose
    return "", ""


def find_subject(q: Quantity, sentence: Sentence, context: str, rules: Rules,
                 previous: tuple[str, str] = ("", "")) -> Subject:
    """The subject of quantity ``q`` (offsets in the document) in its sentence.

    ``context`` is the text of the sentences before and ``previous`` the (counted, whose)
    of the article's last counted claim, used when the figure is only "the number" or
    "the figure". Empty fields when nothing can be read.
    """
    text = sentence.text
    qs, qe = q.start - sentence.start, q.end - sentence.start
    places = find_places(text, rules)
    after = tokens(text, qe, min(len(text), qe + 120))
    counted, whose, used = _noun_after(after, rules, places)
    uclass = unit_class(q.unit, rules)
    measure = uclass not in ("count", "money", "percent", "percentage point")
    if measure:
        counted = q.unit  # a measurement counts its unit: "122mm" counts millimetres
    tally = ""
    if uclass == "count":
        by_verb = _verb_counted(text, qs, after[used:], rules)
        # participation verbs ("marched", "walked out") say who a crowd is, whatever noun
        if by_verb and (not counted or counted in rules.generic_counted
                        or counted not in rules.counted.values()
                        or by_verb in ("protesters", "workers")):
            counted = by_verb
        elif by_verb in rules.running_tallies and counted not in rules.running_tallies:
            # "two firefighters were treated": the injured among them, not all of them
            tally = by_verb
    if uclass == "money":
        counted = _money_word(text, qs, after, rules) or counted
        counted = rules.spending_heads.get(counted, counted)  # "on buses": transport
    if uclass in ("percent", "percentage point"):
        of = _NOUN_OF.search(text, max(0, qs - 120), qs)
        if of:
            words = of.group("noun").lower().split()
            phrase = next((" ".join(words[k:]) for k in range(len(words))
                           if " ".join(words[k:]) in rules.counted), "")
            if phrase:
                counted = rules.counted[phrase]
            elif words[-1] not in rules.phrase_stoppers:
                counted = fold_counted(words[-1], rules)
    change = uclass in ("percent", "percentage point") and q.change in ("up", "down")
    if change:  # "Revenue rose 12%", "net profit, down 3%": the thing that changed
        counted = _changing_thing(text, qs, rules) or counted
    elif uclass in ("percent", "percentage point"):
        name = _nearest_name(text, qs, qe, rules, places)
        participle = counted.endswith("ed") and _COPULA_BEFORE.search(text, max(0, qs - 20), qs)
        if not counted or (counted.endswith("ed") and not participle) or counted in (
                "voters", "respondents", "share", "people", "vote", "support", "points", "point"):
            counted = "share"  # "46% said", "41% of voters": a share of people
        # "the fire was 40% contained": the participle says what the share measures
        if name:
            whose = name
    before = tokens(text, max(0, qs - 60), qs)
    if uclass == "count" and before and before[-1].lower in rules.measure_before:
        counted = before[-1].lower  # "a magnitude 6.1 quake": the figure is a magnitude
    ref = ""
    if counted in rules.reference_words or not counted:
        ref = counted
        counted, whose2 = _reference_left(text, qs, before, rules, places)
        whose = whose or whose2
        if not counted:
            counted, whose2 = _reference_antecedent(text, qs, rules, places)
            whose = whose or whose2
        if not counted and previous[0]:
            counted, whose = previous[0], whose or previous[1]  # "the figure": the last one
        if not counted and context:
            counted, whose2 = _reference_antecedent(context, len(context), rules,
                                                    find_places(context, rules))
            whose = whose or whose2
    if not counted:
        counted = ref or ("money" if uclass == "money" else
                          q.unit if q.unit != "count" else "")
    if not whose:
        whose = _whose_after(after[used:] if used < len(after) else [], places, rules)
    if not whose:
        whose = _whose_sentence_subject(text, qs, places)
    scope = _scope(text, after[used:], qs, rules, places)
    if _is_forecast(text, qs, after, rules):
        scope = f"{scope}; forecast" if scope else "forecast"
    # a change in per cent is not the level of a percentage: "up 12%" against "a 12% share"
    # units of one group share a subject: "7,800 hectares" and "19,270 acres" compare
    key = f"{uclass if measure else counted}|{whose}|{uclass}{' change' if change else ''}"
    if tally:
        key += f" {tally}"  # "firefighters||count injured": apart from the firefighters sent
    return Subject(counted, key, whose, scope)


_COPULA_BEFORE = regex.compile(r"\b(?:is|was|are|were|been|be)\s+(?:now\s+|only\s+|just\s+)?$",
                               regex.IGNORECASE)
_CLAUSE_BACK = 25  # words read back from a change for what changed


def _changing_thing(text: str, qs: int, rules: Rules) -> str:
    """What a change in per cent is a change of: the nearest money word or counted noun
    before it in its sentence ("Revenue rose 12%", "Net profit was €59m, down 3%")."""
    words = [t for t in tokens(text, max(0, qs - 200), qs) if t.is_word][-_CLAUSE_BACK:]
    for k in range(len(words) - 1, -1, -1):
        low = words[k].text.lower()
        if low in rules.money_words:
            return rules.money_words[low]
        phrase = _counted_phrase(words, k, rules)
        if phrase and low not in rules.generic_counted:
            return phrase[0]
    return ""


@lru_cache(maxsize=8)
def _reference_pattern(rules: Rules) -> Any:
    words = "|".join(sorted(rules.reference_words, key=len, reverse=True))
    return regex.compile(rf"\b(?:(?P<pre>[\p{{L}}-]+)\s+)?(?P<ref>{words})\b(?:\s+of\s+(?:the\s+)?"
                         rf"(?P<of>(?:[\p{{L}}’'-]+\s+){{0,3}}[\p{{L}}-]+))?", regex.IGNORECASE)


def _reference_left(text: str, qs: int, before: list[Token], rules: Rules,
                    places: list[Place]) -> tuple[str, str]:
    """"the death toll rose to 31", "the number of troops at 3,000": the named thing."""
    m = None
    for m in _reference_pattern(rules).finditer(text, max(0, qs - 200), qs):
        pass
    if m is None:
        return "", ""
    if m.group("of"):
        toks = tokens(m.group("of"))
        counted, whose, _ = _noun_after(toks, rules, find_places(m.group("of"), rules))
        if counted:
            return counted, whose
    pre = (m.group("pre") or "").lower()
    combined = f"{pre} {m.group('ref').lower()}".strip()
    if combined in rules.reference_defaults:
        return fold_counted(rules.reference_defaults[combined], rules), ""
    if pre and pre not in rules.phrase_stoppers and fold_counted(pre, rules) in rules.counted.values():
        whose = ""
        for p in places:
            if p.end <= m.start("pre") and m.start("pre") - p.end <= 3:
                whose = p.key
        return fold_counted(pre, rules), whose
    ref = m.group("ref").lower()
    if ref in rules.reference_defaults:
        return fold_counted(rules.reference_defaults[ref], rules), ""
    return "", ""


def _verb_counted(text: str, qs: int, rest: list[Token], rules: Rules) -> str:
    """What a generic count counts, from the verb after it or right before the figure."""
    full = [t.lower for t in rest[:8] if t.is_word]
    words = list(full)
    while words and words[0] in rules.auxiliaries:  # "had been taken to hospital", "are still"
        words.pop(0)
    # the verb right after the noun (with or without auxiliaries), then a little further on
    # ("31 people were killed", "X and their families marched"), up to a new clause
    tries = [(full, 0), (words, 0)] + [(words, k) for k in range(1, min(5, len(words)))]
    for cand, skip in tries:
        if skip and cand[skip - 1] in rules.clause_words:
            break
        for n in (3, 2, 1):
            phrase = " ".join(cand[skip:skip + n])
            if phrase in rules.verb_counted:
                key = rules.verb_counted[phrase]
                obj = cand[skip + n:skip + n + 3]  # "attended a counter-demonstration"
                if any(w.startswith(p) and w != p for w in obj for p in rules.counter_prefixes):
                    return f"counter-{key}"
                return key
    before = [t.lower for t in tokens(text, max(0, qs - 40), qs) if t.is_word][-2:]
    for w in reversed(before):
        if w in rules.verb_counted:
            return rules.verb_counted[w]
    return ""


def _revenue_source(text: str, qs: int, rules: Rules) -> str:
    """"Rates will bring in $2bn", "the levy is expected to raise about £4bn": the noun
    before a verb of yielding money, right before the sum (hedges aside), names the sum."""
    words = [t for t in tokens(text, max(0, qs - 100), qs) if t.is_word]
    k = len(words)
    while k > 0 and words[k - 1].lower in _HEDGE_WORDS:
        k -= 1  # "about", "between", "up to"
    for n in (2, 1):
        if k >= n and " ".join(t.lower for t in words[k - n:k]) in rules.revenue_verbs:
            j = k - n
            while j > 0 and (words[j - 1].lower in rules.auxiliaries or words[j - 1].lower in
                             ("to", "expected", "set", "likely", "forecast", "projected")):
                j -= 1
            if j > 0 and words[j - 1].text.isalpha() and words[j - 1].lower not in \
                    rules.phrase_stoppers:
                return fold_counted(words[j - 1].text, rules)
    return ""


_HEDGE_WORDS = frozenset({"about", "around", "some", "nearly", "almost", "roughly", "up",
                          "to", "between", "over", "more", "than", "less", "at", "least",
                          "an", "estimated", "as", "much", "many", "a", "further", "extra",
                          "another"})


def _money_word(text: str, qs: int, after: list[Token], rules: Rules) -> str:
    """What a sum of money is: what it is for ("$1.2bn for transport"), else the nearest
    money word before it in the sentence, else a money word right after it."""
    source = _revenue_source(text, qs, rules)
    if source:
        return source
    near = [t for t in tokens(text, max(0, qs - 40), qs) if t.is_word][-2:]
    if len(near) == 2 and near[1].lower == "of" and near[0].lower in rules.money_words:
        return rules.money_words[near[0].lower]  # "a budget of $4bn", "a fine of £2m"
    if (len(after) >= 2 and after[0].lower in ("for", "on") and after[1].is_word
            and not rules.time_pattern.match(" ".join(t.text for t in after[1:4]))
            and not _TIME_NOUN.match(" ".join(t.lower for t in after[1:5]))):
        rest = after[1:]
        while rest and rest[0].lower in ("the", "a", "an", "its", "their", "new"):
            rest = rest[1:]
        counted, _, _ = _noun_after(rest, rules, [])
        if counted and counted not in rules.phrase_stoppers:
            return counted
    for t in after[:3]:
        if t.lower in rules.money_words:
            return rules.money_words[t.lower]
    before = [t for t in tokens(text, max(0, qs - 200), qs) if t.is_word][-20:]
    for t in reversed(before):
        if t.lower in rules.money_words:
            return rules.money_words[t.lower]
    return ""


def _nearest_name(text: str, qs: int, qe: int, rules: Rules, places: list[Place]) -> str:
    """The name a percentage belongs to: "Voss drew 46%", "Adeyemi on 41%", "gave Voss 46%",
    "46% for Voss", "and Adeyemi 41%". Empty when no name stands in such a place."""
    for m in (_NAME_BEFORE.search(text, max(0, qs - 80), qs), _NAME_AFTER.match(text, qe),
              _NAME_POSSESSIVE.search(text, max(0, qs - 80), qs)):
        if m is None:
            continue
        name = m.group("name")
        low = name.lower()
        if low in rules.name_stopwords or low in rules.phrase_stoppers or low in rules.counted \
                or low in rules.money_words:
            continue
        if any(p.start <= m.start("name") < p.end for p in places):
            continue
        return strip_possessive(name).lower()
    return ""


def _whose_after(rest: list[Token], places: list[Place], rules: Rules) -> str:
    """"troops from Paris": a place after "from"/"of" right after the noun."""
    if len(rest) >= 2 and rest[0].lower in rules.whose_prepositions:
        for p in places:
            if p.start == rest[1].start or (rest[1].lower == "the" and len(rest) > 2
                                            and p.start == rest[2].start):
                return p.key
    return ""


def _whose_sentence_subject(text: str, qs: int, places: list[Place]) -> str:
    """A country that opens the sentence is whose the figure is ("X sent 5,000 troops")."""
    for p in places:
        if p.start >= qs:
            break
        lead = text[:p.start].strip().lower()
        if lead in ("", "the", "and", "but", "so", "meanwhile,") and p.kind in ("country",
                                                                                "capital"):
            return p.key
    return ""


def _scope(text: str, rest: list[Token], qs: int, rules: Rules, places: list[Place]) -> str:
    """A place or time right after the counted noun, or the figure's standing."""
    parts: list[str] = []
    for k, t in enumerate(rest[:8]):
        if not t.is_word and t.text not in ("-",):
            break
        if t.lower in rules.scope_prepositions and k + 1 < len(rest):
            j = k + 1
            if rest[j].lower == "the":
                j += 1
            name = []
            while j < len(rest) and rest[j].is_cap and rest[j].is_word:
                name.append(rest[j])
                j += 1
            if name:
                start = name[0].start
                country = any(p.start == start and p.kind in ("country", "demonym")
                              for p in places)
                place_noun = j < len(rest) and rest[j].lower in rules.place_nouns
                if place_noun:
                    name.append(rest[j])  # "the North Quay terminal"
                    j += 1
                label = " ".join(strip_possessive(n.text) for n in name)
                modifier = (not place_noun and j < len(rest) and rest[j].is_word
                            and rest[j].lower not in rules.phrase_stoppers
                            and rest[j].lower not in rules.part_after)  # "at Dover alone"
                if not country and not modifier and not rules.time_pattern.fullmatch(label):
                    parts.append(label)
                    break
    lead = _LEAD_PLACE.search(text, max(0, qs - 200), qs)
    if lead and not parts:  # "In Castelbruno alone, 13 people died"
        place = strip_possessive(lead.group("place"))
        if not any(p.start == lead.start("place") and p.kind in ("country", "demonym")
                   for p in places) and not rules.time_pattern.fullmatch(place):
            parts.append(place)
    placed = bool(parts)  # a place narrows the figure (a time part may follow)
    clause_end = _CLAUSE_END.search(text, qs)
    window = text[qs: clause_end.start() if clause_end else qs + 80]
    tm = rules.time_pattern.search(window[:120])
    if tm and not _YEAR.fullmatch(tm.group(0)):
        # "on Saturday" and "Saturday's march" name one time: keep the time, not its preposition
        parts.append(_TIME_PREP.sub("", tm.group(0).strip()))
    if _PAST_EVENT.search(text, max(0, qs - 160), qs):
        parts.append("earlier figure")  # "since 2017, when 20,000 hectares burnt"
    left = _TRAILING_DET.sub("", text[max(0, qs - 40):qs].lower())
    if any(left.endswith(marker) for marker in rules.earlier_markers) or \
            _FROM_END.search(left) and _CHANGE_BEFORE.search(text, max(0, qs - 60), qs):
        parts.append("earlier figure")
    if placed and _is_part(left, window, rules):
        parts.append(PART)  # "including 900 at the North Quay terminal alone": a part there
    return "; ".join(parts)


PART = "part of a total"  # a scope part: the figure is a part of one given before it


def _is_part(left: str, clause: str, rules: Rules) -> bool:
    """Whether a figure narrowed to a place is a part of a total given before it: "including
    nearly 900 at the terminal", "of which 300 in the capital", "900 at the terminal alone"."""
    if any(left.endswith(m) and (len(left) == len(m) or not left[-len(m) - 1].isalnum())
           for m in rules.part_before):
        return True
    words = clause.lower().split()
    return any(w.strip(",.;:!?") in rules.part_after for w in words)
