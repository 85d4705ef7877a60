"""Check the gold annotations of every story folder under tests/stories/.

A story folder holds ``articles/*.txt`` (front matter + body) and
``gold/claims.csv`` + ``gold/conflicts.csv`` in the format of
shared/gold/README.md. This script checks that the gold can be scored:

* every article has front matter with source, published (YYYY-MM-DD) and title,
  and the outlets of one story are distinct;
* claims.csv has the expected columns; gold ids are unique (across all stories);
  doc_id names an article; ``anchor`` occurs exactly once in the article body and
  exactly once in the whole file (so never in the front matter);
  ``number`` occurs exactly once in ``anchor``; status is required, optional or
  negative; value_min/value_max parse (and are given, with min <= max, for
  required and optional rows); must_contain/must_exclude are ``;``-separated
  numbers and disjoint; required/optional rows have a group and counted;
* conflicts.csv has the expected columns; both ids exist in the same story and
  are not negative rows; label is conflict, no_conflict or scope; no pair twice;
* the ``demo`` story's articles are byte-identical to one folder of examples/.

Warnings (errors with --strict): article body outside 150-400 words, a numeral
or number word in a body that no gold anchor covers, fewer than 3 conflict,
3 no_conflict or 2 scope pairs in a story.

Usage: python tests/stories/check_gold.py [--strict] [STORY_DIR ...]
Standard library only. Exit status 0 when there are no errors.
"""
from __future__ import annotations

import csv
import math
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

CLAIM_COLUMNS = [
    "gold_id", "doc_id", "anchor", "number", "status", "group", "value_min",
    "value_max", "must_contain", "must_exclude", "counted", "claimant", "note",
]
CONFLICT_COLUMNS = ["a", "b", "label", "note"]
STATUSES = {"required", "optional", "negative"}
LABELS = {"conflict", "no_conflict", "scope"}
FRONT_KEYS = ("source", "published", "title")
MIN_PAIRS = {"conflict": 3, "no_conflict": 3, "scope": 2}
MIN_WORDS, MAX_WORDS = 150, 400

NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    "fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
    "fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|"
    "dozens?|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    "half|halves|quarter|double|triple|twice|couple|score"
)
NUMERAL_RE = re.compile(r"\d[\d,.:]*\d|\d|\b(?:" + NUMBER_WORDS + r")\b", re.IGNORECASE)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Report:
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        if self.strict:
            self.error(where, msg)
        else:
            self.warnings.append(f"{where}: {msg}")


def split_front_matter(text: str) -> tuple[dict[str, str], str] | None:
    """Return (front matter, body) or None when the file has no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            meta: dict[str, str] = {}
            for line in lines[1:i]:
                if ":" in line:
                    key, value = line.split(":", 1)
                    meta[key.strip()] = value.strip()
            return meta, "\n".join(lines[i + 1:])
    return None


def parse_float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) else value


def parse_list(text: str) -> list[float] | None:
    if not text.strip():
        return []
    out: list[float] = []
    for part in text.split(";"):
        value = parse_float(part.strip())
        if value is None:
            return None
        out.append(value)
    return out


def read_csv(path: Path, columns: list[str], rep: Report) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        rows = list(reader)
    if not rows:
        rep.error(str(path), "empty file")
        return []
    if rows[0] != columns:
        rep.error(str(path), f"header is {rows[0]}, expected {columns}")
        return []
    out = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            rep.error(f"{path}:{lineno}", f"{len(row)} fields, expected {len(columns)}")
            continue
        out.append(dict(zip(columns, row, strict=True)))
    return out


def count_occurrences(haystack: str, needle: str) -> int:
    """Occurrences of needle in haystack, overlapping ones included."""
    count, start = 0, 0
    while True:
        pos = haystack.find(needle, start)
        if pos < 0:
            return count
        count += 1
        start = pos + 1


def check_articles(story: Path, rep: Report) -> dict[str, tuple[str, str]]:
    """Return {doc_id: (whole text, body)} for the story's articles."""
    docs: dict[str, tuple[str, str]] = {}
    sources: Counter[str] = Counter()
    art_dir = story / "articles"
    files = sorted(art_dir.glob("*.txt")) if art_dir.is_dir() else []
    if not files:
        rep.error(str(story), "no articles/*.txt")
    for path in files:
        where = f"{story.name}/articles/{path.name}"
        text = path.read_text(encoding="utf-8")
        split = split_front_matter(text)
        if split is None:
            rep.error(where, "no front matter (--- ... ---) at the top")
            docs[path.stem] = (text, text)
            continue
        meta, body = split
        for key in FRONT_KEYS:
            if not meta.get(key):
                rep.error(where, f"front matter lacks {key}")
        if meta.get("published") and not DATE_RE.match(meta["published"]):
            rep.error(where, f"published is not YYYY-MM-DD: {meta['published']!r}")
        if meta.get("source"):
            sources[meta["source"]] += 1
        words = len(body.split())
        if not MIN_WORDS <= words <= MAX_WORDS:
            rep.warn(where, f"body has {words} words, outside {MIN_WORDS}-{MAX_WORDS}")
        docs[path.stem] = (text, body)
    for source, n in sources.items():
        if n > 1:
            rep.error(story.name, f"outlet {source!r} used by {n} articles")
    return docs


def check_claims(
    story: Path,
    docs: dict[str, tuple[str, str]],
    seen_ids: dict[str, str],
    rep: Report,
) -> dict[str, dict[str, str]]:
    path = story / "gold" / "claims.csv"
    if not path.is_file():
        rep.error(str(story), "no gold/claims.csv")
        return {}
    rows = read_csv(path, CLAIM_COLUMNS, rep)
    claims: dict[str, dict[str, str]] = {}
    for row in rows:
        gid = row["gold_id"].strip()
        where = f"{story.name}/claims.csv[{gid or '?'}]"
        if not gid:
            rep.error(where, "empty gold_id")
            continue
        if gid in seen_ids:
            rep.error(where, f"gold_id already used in story {seen_ids[gid]}")
        seen_ids[gid] = story.name
        claims[gid] = row
        doc = docs.get(row["doc_id"])
        anchor, number, status = row["anchor"], row["number"], row["status"]
        if doc is None:
            rep.error(where, f"doc_id {row['doc_id']!r} is not an article of the story")
        elif not anchor:
            rep.error(where, "empty anchor")
        else:
            whole, body = doc
            n_body = count_occurrences(body, anchor)
            n_whole = count_occurrences(whole, anchor)
            if n_body != 1:
                rep.error(where, f"anchor {anchor!r} occurs {n_body} times in the body")
            elif n_whole != 1:
                rep.error(where, f"anchor {anchor!r} also occurs in the front matter")
        if not number:
            rep.error(where, "empty number")
        elif number not in anchor:
            rep.error(where, f"number {number!r} is not a substring of anchor {anchor!r}")
        elif count_occurrences(anchor, number) != 1:
            rep.error(where, f"number {number!r} occurs more than once in the anchor")
        if status not in STATUSES:
            rep.error(where, f"status {status!r} not in {sorted(STATUSES)}")
        check_numeric(row, where, status, rep)
    return claims


def check_numeric(row: dict[str, str], where: str, status: str, rep: Report) -> None:
    vmin_s, vmax_s = row["value_min"].strip(), row["value_max"].strip()
    vmin = parse_float(vmin_s) if vmin_s else None
    vmax = parse_float(vmax_s) if vmax_s else None
    if vmin_s and vmin is None:
        rep.error(where, f"value_min {vmin_s!r} is not a number")
    if vmax_s and vmax is None:
        rep.error(where, f"value_max {vmax_s!r} is not a number")
    contain = parse_list(row["must_contain"])
    exclude = parse_list(row["must_exclude"])
    if contain is None:
        rep.error(where, f"must_contain {row['must_contain']!r} is not ;-separated numbers")
    if exclude is None:
        rep.error(where, f"must_exclude {row['must_exclude']!r} is not ;-separated numbers")
    if contain and exclude and set(contain) & set(exclude):
        rep.error(where, "a number is both in must_contain and must_exclude")
    if status in ("required", "optional"):
        if vmin is None or vmax is None:
            rep.error(where, "value_min and value_max are required for a claim")
        elif vmin > vmax:
            rep.error(where, f"value_min {vmin} > value_max {vmax}")
        if not row["group"].strip():
            rep.error(where, "a claim needs a group")
        if not row["counted"].strip():
            rep.error(where, "a claim needs counted")
    elif status == "negative":
        filled = [c for c in ("group", "value_min", "value_max", "must_contain",
                              "must_exclude", "counted", "claimant") if row[c].strip()]
        if filled:
            rep.warn(where, f"negative row has {', '.join(filled)} set")


def check_conflicts(story: Path, claims: dict[str, dict[str, str]], rep: Report) -> Counter[str]:
    labels: Counter[str] = Counter()
    path = story / "gold" / "conflicts.csv"
    if not path.is_file():
        rep.error(str(story), "no gold/conflicts.csv")
        return labels
    seen: set[frozenset[str]] = set()
    for row in read_csv(path, CONFLICT_COLUMNS, rep):
        a, b, label = row["a"].strip(), row["b"].strip(), row["label"].strip()
        where = f"{story.name}/conflicts.csv[{a},{b}]"
        for gid in (a, b):
            if gid not in claims:
                rep.error(where, f"gold id {gid!r} not in this story's claims.csv")
            elif claims[gid]["status"] == "negative":
                rep.error(where, f"gold id {gid!r} is a negative row")
        if a == b:
            rep.error(where, "a pair of one claim with itself")
        pair = frozenset((a, b))
        if pair in seen:
            rep.error(where, "pair listed twice")
        seen.add(pair)
        if label not in LABELS:
            rep.error(where, f"label {label!r} not in {sorted(LABELS)}")
        labels[label] += 1
    for label, minimum in MIN_PAIRS.items():
        if labels[label] < minimum:
            rep.warn(story.name, f"only {labels[label]} {label} pairs (want {minimum})")
    return labels


def check_coverage(
    story: Path,
    docs: dict[str, tuple[str, str]],
    claims: dict[str, dict[str, str]],
    rep: Report,
) -> None:
    """Warn about numerals in a body that no gold anchor covers."""
    for doc_id, (_, body) in docs.items():
        spans = []
        for row in claims.values():
            if row["doc_id"] == doc_id and row["anchor"]:
                pos = body.find(row["anchor"])
                if pos >= 0:
                    spans.append((pos, pos + len(row["anchor"])))
        for match in NUMERAL_RE.finditer(body):
            if not any(s < match.end() and match.start() < e for s, e in spans):
                context = body[max(0, match.start() - 30):match.end() + 30].replace("\n", " ")
                rep.warn(f"{story.name}/{doc_id}",
                         f"numeral {match.group()!r} not covered by a gold row: ...{context}...")


def check_demo(story: Path, rep: Report) -> None:
    """The demo story must be a copy of one examples/<story>/ folder."""
    examples = REPO / "examples"
    ours = {p.name: p.read_bytes() for p in (story / "articles").glob("*.txt")}
    candidates = [d for d in sorted(examples.iterdir()) if d.is_dir()] if examples.is_dir() else []
    for folder in candidates:
        theirs = {p.name: p.read_bytes() for p in folder.glob("*.txt")}
        if set(theirs) == set(ours):
            for name in sorted(ours):
                if ours[name] != theirs[name]:
                    rep.error(f"{story.name}/articles/{name}",
                              f"differs from examples/{folder.name}/{name}")
            return
    rep.error(story.name, "articles are not a copy of any examples/<story>/ folder")


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    args = [a for a in argv if a != "--strict"]
    rep = Report(strict)
    if args:
        stories = [Path(a).resolve() for a in args]
    else:
        stories = sorted(p for p in HERE.iterdir() if (p / "gold").is_dir())
    if not stories:
        rep.error(str(HERE), "no story folders with gold/")
    seen_ids: dict[str, str] = {}
    summary = []
    for story in stories:
        docs = check_articles(story, rep)
        claims = check_claims(story, docs, seen_ids, rep)
        labels = check_conflicts(story, claims, rep)
        check_coverage(story, docs, claims, rep)
        if story.name == "demo":
            check_demo(story, rep)
        status = Counter(row["status"] for row in claims.values())
        summary.append(
            f"{story.name:<10} docs={len(docs)} rows={len(claims)} "
            f"required={status['required']} optional={status['optional']} "
            f"negative={status['negative']} | conflict={labels['conflict']} "
            f"no_conflict={labels['no_conflict']} scope={labels['scope']}"
        )
    print("\n".join(summary))
    for line in rep.warnings:
        print(f"WARNING {line}")
    for line in rep.errors:
        print(f"ERROR {line}")
    print(f"{len(rep.errors)} error(s), {len(rep.warnings)} warning(s)")
    return 1 if rep.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
