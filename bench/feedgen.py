"""A deterministic synthetic news feed: many stories, several outlets each, figures that agree
and figures that conflict, with the traps real news holds (dates, years, clock times,
ordinals, road and aircraft designations, names with numerals).

Every name is invented from syllables, so stories share no entity by accident; the same seed
gives the same feed byte for byte.

    python bench/feedgen.py OUT_DIR [N_DOCS] [--seed S] [--changed FRACTION]
"""
from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

SHARD = 500  # articles per JSONL file

_ON, _VOW, _CODA = ["b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r", "s", "st", "t", "tr", "v", "w", "z"], \
    ["a", "e", "i", "o", "u", "ai", "ea", "io"], ["", "n", "r", "l", "s", "th", "nd", "rk"]
_FIRST = ["Anna", "Ben", "Carla", "Daniel", "Elena", "Farid", "Grace", "Hassan", "Ines", "James", "Kofi", "Laura", "Marek", "Nadia", "Omar", "Priya", "Rosa", "Samuel", "Tomas", "Una", "Victor", "Wen", "Yara", "Zoltan"]
_OUTLET = ["Herald", "Courier", "Gazette", "Post", "Tribune", "Chronicle", "Observer", "Ledger", "Dispatch", "Wire", "Bulletin", "Standard", "Journal", "Record", "Examiner", "Sentinel"]
# topic: (counted word, verb phrase, plausible size range, what the officials are)
_TOPICS = [
    ("workers", "walked out at the {place} plant", (800, 9000), "the {org} union"),
    ("people", "were evacuated from the flooded districts of {place}", (1200, 40000),
     "the {org} civil protection agency"),
    ("protesters", "marched through central {place}", (2000, 120000), "the {org} police"),
    ("homes", "were damaged by the storm that swept across {place}", (300, 15000),
     "the {org} housing office"),
    ("passengers", "were stranded at {place} airport", (900, 25000), "the {org} airport authority"),
    ("jobs", "will be cut at the {place} shipyard", (200, 6000), "the {org} works council"),
    ("patients", "were treated at hospitals in {place}", (150, 4000), "the {org} health board"),
    ("troops", "were sent to the border near {place}", (500, 30000), "the {org} defence ministry"),
]
# Sentences without figures, as the body of a news article mostly is: background, reactions,
# quotes. An article draws FILLERS of them, so articles run to 1.5-3.5 KB (2.4 KB on average),
# with a number in digits every 280 characters and a claim every 800 (the seed articles,
# real news: a number every 830 characters, a claim every 1,070).
FILLERS = (16, 36)
_FILLER = [
    "Residents described scenes of confusion as the news spread through {place}.",
    "The {org} group said it would publish a fuller account in the coming days.",
    "{first} {name}, who has lived in {place} all her life, said she had never seen anything "
    "like it.",
    "Local businesses said trade had slowed sharply since the start of the week.",
    "Opposition politicians called for an independent inquiry into how the authorities "
    "handled the situation.",
    "The mayor of {place}, {first} {name}, urged people to stay calm and follow official "
    "advice.",
    "Critics say warnings were ignored for months before the crisis broke.",
    "The regional government has promised to review its emergency plans.",
    "\u201cWe are doing everything we can,\u201d {first} {name} told the {outlet}.",
    "Shopkeepers on the main square pulled down their shutters early and waited.",
    "The {org} council met behind closed doors on {weekday} evening and issued no statement.",
    "Volunteers handed out blankets and hot drinks outside the town hall.",
    "Neighbouring towns offered help, and a convoy of lorries set off before dawn.",
    "Analysts said the episode exposed long-standing weaknesses in local planning.",
    "\u201cNobody told us anything until it was too late,\u201d said {first}, a teacher "
    "from the eastern suburbs.",
    "The {org} authorities have not said when normal services will resume.",
    "Schools in the area stayed shut while engineers inspected the buildings.",
    "Church leaders in {place} held a vigil that lasted late into the night.",
    "Several families said they were still waiting for news of relatives.",
    "The national broadcaster interrupted its programmes to show pictures from {place}.",
    "A spokesperson for the interior ministry declined to comment on the details.",
    "Trade unions warned that the disruption could spread to other regions.",
    "The opposition leader, {leader}, accused the government of complacency.",
    "Government officials insisted that the situation was under control.",
    "Rail services through {place} were suspended as a precaution.",
    "Insurers said it was too early to estimate the cost of the damage.",
    "The {org} chamber of commerce asked for emergency support for small firms.",
    "Witnesses said the police arrived quickly and cordoned off the area.",
    "\u201cIt will take years to rebuild trust,\u201d said {leader}, a local councillor.",
    "Aid agencies appealed for calm and asked people not to travel to the area.",
    "Independent experts have questioned whether the official response was fast enough.",
    "Farmers outside {place} said their fields had been cut off for days.",
    "The prime minister is expected to visit {place} later this week.",
    "Hospitals in the region cancelled routine operations to free up beds.",
    "Messages of support poured in from across the country.",
    "The local football club opened its stadium to those who had nowhere else to go.",
    "Road signs were changed overnight to steer drivers away from the centre.",
    "A court in {place} is due to hear a challenge to the emergency measures.",
    "Community groups in {place} set up a hotline for people looking for help.",
    "The {outlet} could not independently verify every account given to reporters.",
]
_TRAPS = [
    "Traffic on the A{n2} motorway near {place} was backed up for hours.",
    "The first reports came in at {h}:{m:02d}pm on {day} {month}.",
    "It is the third time since {year} that {place} has faced such disruption.",
    "A Boeing 737-{n1}00 was diverted to a smaller airfield overnight.",
    "The broadcaster Kanal {n1} showed live pictures from the scene.",
    "Officials pointed to the COVID-19 years, when a similar plan was drawn up in {year}.",
    "Route {n2} remained closed on {day} {month}, {year2}.",
]
_HEDGES = [("about {v}", 1.0), ("some {v}", 1.0), ("nearly {v}", 1.0), ("more than {v}", 0.95),
           ("at least {v}", 0.95), ("{v}", 1.0)]
_CLAIMANTS = ["officials said", "police said", "organisers said", "according to {org_full}",
              "{org_full} said", "a spokesperson for {org_full} told reporters"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_ON) + rng.choice(_VOW) + (rng.choice(_CODA) if i == syllables - 1
                                                          else "")
                   for i in range(syllables)).capitalize()


def _fig(v: int) -> str:
    """A figure as news writes it: 1,200 or 3.5 million."""
    if v >= 1_000_000:
        return f"{v / 1_000_000:.1f} million"
    return f"{v:,}"


def _round(v: int) -> int:
    digits = len(str(v))
    step = 10 ** max(0, digits - 2)
    return max(step, v // step * step)


class FeedGenerator:
    """Stories and their articles, deterministic by seed."""

    def __init__(self, seed: int = 1, dense: bool = False) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()
        # dense: 5 background sentences an article, a figure every 100 characters or so
        self.fillers = (5, 5) if dense else FILLERS

    def _unique(self, syllables: int) -> str:
        while True:
            w = _word(self.rng, syllables)
            if w not in self.used:
                self.used.add(w)
                return w

    def story(self, k: int) -> dict[str, object]:
        rng = self.rng
        topic = rng.choice(_TOPICS)
        true = _round(rng.randint(*topic[2]))
        conflicting = rng.random() < 0.4
        return {"k": k, "topic": topic, "true": true, "conflicting": conflicting,
                "part": _round(max(1, true // rng.choice((3, 4, 5)))),
                "place": self._unique(3), "org": self._unique(2), "name": self._unique(3),
                "leader": self._unique(2), "first": rng.choice(_FIRST),
                "day0": date(2024, 1, 1) + timedelta(days=rng.randrange(700)),
                "outlets": rng.sample([f"{self._unique(2)} {rng.choice(_OUTLET)}"
                                       for _ in range(8)], rng.randint(3, 7))}

    def article(self, s: dict[str, object], i: int) -> dict[str, str]:
        rng = self.rng
        counted, verb, _, org_t = s["topic"]  # type: ignore[misc]
        place, org, name, first = s["place"], s["org"], s["name"], s["first"]
        org_full = org_t.format(org=org)  # type: ignore[attr-defined]
        true = int(s["true"])  # type: ignore[call-overload]
        value = true
        if s["conflicting"] and i == 1:  # one outlet has a figure that cannot be right
            value = true * rng.choice((10, 5)) if rng.random() < 0.5 else max(1, true // 10)
        hedge = rng.choice(_HEDGES)[0]
        claimant = rng.choice(_CLAIMANTS).format(org_full=org_full)
        fmt = {"place": place, "org": org, "name": name, "first": first,
               "org_full": org_full, "n1": rng.randint(2, 9), "n2": rng.randint(10, 99),
               "h": rng.randint(1, 11), "m": rng.randrange(60), "day": rng.randint(1, 28),
               "month": rng.choice(MONTHS), "year": rng.randint(1995, 2019),
               "year2": rng.choice((2024, 2025)), "leader": s["leader"],
               "outlet": s["outlets"][i], "weekday": f"{s['day0']:%A}"}  # type: ignore[index]
        lead = (f"{hedge.format(v=_fig(value)).capitalize()} {counted} {verb.format(place=place)}"
                f" on {s['day0']:%A}, {claimant}.")
        body = [lead]
        sentences = [f.format(**fmt) for f in rng.sample(_FILLER, rng.randint(*self.fillers))]
        sentences += [t.format(**fmt) for t in rng.sample(_TRAPS, 3)]
        sentences.append(f"Among them were {_fig(int(s['part']))} children, "  # type: ignore[call-overload]
                         f"{org_full} said.")
        sentences.append(f"{s['leader']}, a spokesperson for {org_full}, said the figure of "
                         f"{_fig(true)} was \u201ca careful estimate\u201d.")
        rng.shuffle(sentences)
        body += sentences
        paras = [" ".join(body[j:j + 3]) for j in range(0, len(body), 3)]
        day = s["day0"] + timedelta(days=rng.randint(0, 2))  # type: ignore[operator]
        outlets: list[str] = s["outlets"]  # type: ignore[assignment]
        return {"id": f"s{s['k']:06d}-{i}", "source": outlets[i],
                "published": day.isoformat(),
                "title": f"{counted.capitalize()} {verb.format(place=place).split(' ')[0]} in "
                         f"{place}", "text": "\n\n".join(paras) + "\n"}


def generate(n_docs: int, seed: int = 1, active: int = 40,
             dense: bool = False) -> Iterator[dict[str, str]]:
    """``n_docs`` articles (deterministic by seed), ``active`` stories interleaved as in a feed;
    ``dense``: short articles packed with figures, a harder case than news."""
    gen = FeedGenerator(seed, dense)
    pool: list[tuple[dict[str, object], int]] = []
    k = 0
    for _ in range(n_docs):
        while len(pool) < active:
            pool.append((gen.story(k), 0))
            k += 1
        j = gen.rng.randrange(len(pool))
        s, i = pool[j]
        yield gen.article(s, i)
        if i + 1 < len(s["outlets"]):  # type: ignore[arg-type]
            pool[j] = (s, i + 1)
        else:
            pool.pop(j)


def change(doc: dict[str, str]) -> dict[str, str]:
    """The same article, updated: a new closing paragraph with a later figure."""
    return {**doc, "text": doc["text"] + "\nThis article was updated with later reports from "
                                          "the scene.\n"}


def write_feed(out: Path, n_docs: int, seed: int = 1, changed: float = 0.0) -> int:
    """Write the feed as JSONL shards of ``SHARD`` articles; ``changed``: the share of articles
    (every k-th) given an update. Returns the bytes of article text written."""
    out.mkdir(parents=True, exist_ok=True)
    every = round(1 / changed) if changed else 0
    total = 0
    fh = None
    for j, doc in enumerate(generate(n_docs, seed)):
        if every and j % every == every // 2:
            doc = change(doc)
        if j % SHARD == 0:
            if fh:
                fh.close()
            fh = (out / f"feed-{j // SHARD:05d}.jsonl").open("w", encoding="utf-8")
        fh.write(json.dumps(doc, ensure_ascii=False) + "\n")  # type: ignore[union-attr]
        total += len(doc["text"].encode())
    if fh:
        fh.close()
    return total


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("n", nargs="?", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--changed", type=float, default=0.0)
    a = ap.parse_args()
    print(write_feed(Path(a.out), a.n, a.seed, a.changed), "bytes of text")
