"""The batch store: one SQLite file (WAL mode) with documents, claims, conflicts, stories, runs.

The tool creates the schema and migrates it: ``schema_version`` holds the version the file was
written with, and ``open_store`` applies each missing step in order. Every write that belongs
together (one chunk of documents with their claims, one chunk of recomputed subject groups) is
one transaction, so a run killed at any moment leaves whole rows of the last committed chunk and
nothing half written.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import Claim, Conflict, Document

SCHEMA_VERSION = 3
CACHE_KIB = 65536  # SQLite's page cache of the store's connection, at most

# Each entry migrates from version i to i + 1; a new version appends a step, never edits one.
# A step is SQL, or a function for a step that needs Python (hashes of stored rows).
_MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    """
    CREATE TABLE documents (
        doc_id TEXT PRIMARY KEY,
        source TEXT NOT NULL, url TEXT NOT NULL, published TEXT NOT NULL,
        title TEXT NOT NULL, path TEXT NOT NULL,
        given_story TEXT NOT NULL,          -- the story field of the input, '' if none
        story TEXT NOT NULL,                -- the story compared within (given or grouped)
        content_hash TEXT NOT NULL,         -- sha1 of text and metadata
        rules_hash TEXT NOT NULL,           -- fingerprint of the rules and extractor code
        n_chars INTEGER NOT NULL, n_claims INTEGER NOT NULL,
        first_run INTEGER NOT NULL, changed_run INTEGER NOT NULL, seen_run INTEGER NOT NULL
    );
    CREATE INDEX documents_story ON documents(story);
    CREATE TABLE claims (
        claim_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, story TEXT NOT NULL,
        source TEXT NOT NULL, published TEXT NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, surface TEXT NOT NULL,
        value REAL NOT NULL, low REAL NOT NULL, high REAL NOT NULL,
        qualifier TEXT NOT NULL, unit TEXT NOT NULL, counted TEXT NOT NULL,
        subject TEXT NOT NULL, scope TEXT NOT NULL, claimant TEXT NOT NULL,
        sentence TEXT NOT NULL, sentence_start INTEGER NOT NULL, slack REAL NOT NULL,
        vague INTEGER NOT NULL, denied REAL, whose TEXT NOT NULL,
        run_id INTEGER NOT NULL             -- the run that wrote the claim
    );
    CREATE INDEX claims_doc ON claims(doc_id);
    CREATE INDEX claims_group ON claims(story, subject);
    CREATE TABLE conflicts (
        conflict_id TEXT PRIMARY KEY,       -- sha1 of the two claim ids and the kind
        story TEXT NOT NULL, subject TEXT NOT NULL, seq INTEGER NOT NULL,
        kind TEXT NOT NULL, claim_a TEXT NOT NULL, claim_b TEXT NOT NULL,
        source_a TEXT NOT NULL, source_b TEXT NOT NULL,
        claimant_a TEXT NOT NULL, claimant_b TEXT NOT NULL,
        figure_a TEXT NOT NULL, figure_b TEXT NOT NULL, ratio REAL NOT NULL,
        reason TEXT NOT NULL,
        first_run INTEGER NOT NULL          -- the run that first flagged the pair
    );
    CREATE INDEX conflicts_group ON conflicts(story, subject, seq);
    CREATE TABLE stories (
        story TEXT PRIMARY KEY, first_published TEXT NOT NULL, last_published TEXT NOT NULL,
        n_docs INTEGER NOT NULL, terms TEXT NOT NULL   -- JSON {term: weight}, the story profile
    );
    CREATE TABLE dirty_groups (            -- groups whose conflicts must be recomputed
        story TEXT NOT NULL, subject TEXT NOT NULL, PRIMARY KEY (story, subject)
    );
    CREATE TABLE runs (
        run_id INTEGER PRIMARY KEY, started REAL NOT NULL, finished REAL,
        engine TEXT NOT NULL, jobs INTEGER NOT NULL,
        n_docs INTEGER NOT NULL DEFAULT 0, n_new INTEGER NOT NULL DEFAULT 0,
        n_changed INTEGER NOT NULL DEFAULT 0, n_unchanged INTEGER NOT NULL DEFAULT 0,
        n_pruned INTEGER NOT NULL DEFAULT 0, n_skipped INTEGER NOT NULL DEFAULT 0,
        n_claims INTEGER NOT NULL DEFAULT 0, n_new_conflicts INTEGER NOT NULL DEFAULT 0,
        n_resolved INTEGER NOT NULL DEFAULT 0
    );
    """,
    lambda db: _migrate_review(db),
    """
    CREATE TABLE input_files (             -- version 3: input files read whole last time
        path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
        rules_hash TEXT NOT NULL,           -- the rules and extractor code they were read with
        max_bytes INTEGER NOT NULL,         -- the --max-bytes they were read with (0: none)
        run_id INTEGER NOT NULL
    );
    CREATE INDEX documents_path ON documents(path);
    """,
]

DECISIONS = ("confirmed", "dismissed", "follow-up")
# What a flagged pair shows as: undecided (new since the last run, or open), decided, or
# reopened (decided, but one of its figures changed since).
STATUSES = ("new", "open", "reopened") + DECISIONS
_REVIEW_SQL = """
    ALTER TABLE conflicts ADD COLUMN pair_key TEXT NOT NULL DEFAULT '';
    ALTER TABLE conflicts ADD COLUMN figures TEXT NOT NULL DEFAULT '';
    ALTER TABLE conflicts ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
    CREATE INDEX conflicts_status ON conflicts(status);
    CREATE INDEX conflicts_pair ON conflicts(pair_key);
    CREATE TABLE decisions (             -- the standing decision on a flagged pair
        conflict_id TEXT PRIMARY KEY,    -- the pair decided (conflicts.conflict_id)
        decision TEXT NOT NULL,          -- confirmed, dismissed, follow-up
        note TEXT NOT NULL, reviewer TEXT NOT NULL,
        decided_at TEXT NOT NULL,        -- ISO 8601, UTC
        run_id INTEGER NOT NULL,         -- the last run of the store when it was decided
        pair_key TEXT NOT NULL,          -- where the two figures stand, to follow a moved pair
        figures TEXT NOT NULL,           -- the two figures when decided: a change reopens it
        story TEXT NOT NULL, subject TEXT NOT NULL, kind TEXT NOT NULL,
        figure_a TEXT NOT NULL, figure_b TEXT NOT NULL
    );
    CREATE INDEX decisions_pair ON decisions(pair_key);
    CREATE TABLE decision_log (          -- every decision ever imported, oldest first
        log_id INTEGER PRIMARY KEY, conflict_id TEXT NOT NULL, decision TEXT NOT NULL,
        note TEXT NOT NULL, reviewer TEXT NOT NULL, decided_at TEXT NOT NULL,
        run_id INTEGER NOT NULL, file TEXT NOT NULL
    );
"""

CLAIM_FIELDS = ("claim_id", "doc_id", "story", "source", "published", "start", "end", "surface",
                "value", "low", "high", "qualifier", "unit", "counted", "subject", "scope",
                "claimant", "sentence", "sentence_start", "slack", "vague", "denied", "whose")
CONFLICT_FIELDS = ("kind", "claim_a", "claim_b", "source_a", "source_b", "claimant_a",
                   "claimant_b", "figure_a", "figure_b", "ratio", "reason")
_CLAIM_COLS = ", ".join(f'"{f}"' for f in CLAIM_FIELDS)
_CLAIM_COLS_C = ", ".join(f'c."{f}"' for f in CLAIM_FIELDS)  # the same, in a join


class StoreError(Exception):
    """The store file cannot be opened or is of a newer schema than this tool knows."""


@dataclass(frozen=True)
class StoredDoc:
    """What the store remembers of a document to decide whether to process it again."""

    content_hash: str
    rules_hash: str
    story: str
    given_story: str
    path: str


def content_hash(doc: Document) -> str:
    """A hash of everything of a document that its claims depend on (text and metadata)."""
    h = hashlib.sha1()
    for part in (doc.doc_id, doc.source, doc.url, doc.published, doc.title, doc.story, doc.text):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


def conflict_id(c: Conflict) -> str:
    """A stable id for a flagged pair: the same two claims and kind give the same id."""
    return hashlib.sha1(f"{c.claim_a}\x1f{c.claim_b}\x1f{c.kind}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PairSide:
    """What a decision needs of one claim of a pair: where it stands and its figure."""

    doc_id: str
    sentence: str
    sentence_start: int
    start: int
    end: int
    surface: str
    low: float
    high: float
    unit: str


def pair_identity(a: PairSide | Claim, b: PairSide | Claim, kind: str,
                  subject: str) -> tuple[str, str]:
    """(pair_key, figures) of a flagged pair.

    ``pair_key`` says where the two figures stand: the document and the sentence around each
    figure, without the figure. It stays the same when an edit elsewhere in the article moves
    the figure (and so changes its claim id) and when the figure itself is edited.
    ``figures`` is the two figures as written with their intervals: a decision holds while
    they are unchanged.
    """
    return pair_hashes(pair_side(a), pair_side(b), kind, subject)


def pair_side(c: PairSide | Claim) -> tuple[str, str]:
    """(place, figure) of one claim of a flagged pair, as ``pair_identity`` hashes them."""
    s, e = c.start - c.sentence_start, c.end - c.sentence_start
    around = c.sentence[:s] + "\x00" + c.sentence[e:] if 0 <= s <= e <= len(c.sentence) \
        else c.sentence
    return f"{c.doc_id}\x1f{around}", f"{c.surface}\x1f{c.low!r}\x1f{c.high!r}\x1f{c.unit}"


def pair_hashes(a: tuple[str, str], b: tuple[str, str], kind: str,
                subject: str) -> tuple[str, str]:
    """``pair_identity`` from the two sides' ``pair_side``."""
    first, second = (a, b) if a <= b else (b, a)
    key = hashlib.sha1("\x1e".join((kind, subject, first[0], second[0])).encode(
        "utf-8", "surrogatepass")).hexdigest()[:16]
    figs = hashlib.sha1(f"{first[1]}\x1e{second[1]}".encode(
        "utf-8", "surrogatepass")).hexdigest()[:16]
    return key, figs


def _pair_claims(db: sqlite3.Connection, story: str, subject: str) -> dict[str, PairSide]:
    """The stored claims of one group, as pair sides, by claim id."""
    return {r[0]: PairSide(*r[1:]) for r in db.execute(
        'SELECT claim_id, doc_id, sentence, sentence_start, start, "end", surface, low, high, '
        "unit FROM claims WHERE story = ? AND subject = ?", (story, subject))}


def open_store(path: str | Path) -> sqlite3.Connection:
    """Open (creating or migrating) the store; raise StoreError when it cannot be used."""
    try:
        db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=OFF")
        # a batch inserts claims all over the claims' indexes, far more than SQLite's 2 MB
        # page cache holds: a larger one spares re-reading their pages
        db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = db.execute("SELECT version FROM schema_version").fetchone()
        version = row[0] if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(f"{path}: schema version {version} is newer than this numcheck "
                             f"({SCHEMA_VERSION}); upgrade numcheck")
        for step in range(version, SCHEMA_VERSION):
            with transaction(db):
                migration = _MIGRATIONS[step]
                if callable(migration):
                    migration(db)
                else:
                    _execute_script(db, migration)
                db.execute("DELETE FROM schema_version")
                db.execute("INSERT INTO schema_version VALUES (?)", (step + 1,))
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: {exc}") from exc
    return db


def _execute_script(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated statements inside the caller's transaction (executescript would
    commit it)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _migrate_review(db: sqlite3.Connection) -> None:
    """Version 2: review decisions, and each pair's place and figures to apply them by."""
    _execute_script(db, _REVIEW_SQL)
    rows = db.execute("SELECT conflict_id, story, subject, kind, claim_a, claim_b "
                      "FROM conflicts").fetchall()
    for cid, story, subject, kind, a, b in rows:
        found = _pair_claims(db, story, subject)
        if a in found and b in found:
            key, figs = pair_identity(found[a], found[b], kind, subject)
            db.execute("UPDATE conflicts SET pair_key = ?, figures = ? WHERE conflict_id = ?",
                       (key, figs, cid))


class transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when the block raises."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def start_run(db: sqlite3.Connection, engine: str, jobs: int) -> int:
    """Record a new run and return its id."""
    with transaction(db):
        cur = db.execute("INSERT INTO runs (started, engine, jobs) VALUES (?, ?, ?)",
                         (time.time(), engine, jobs))
    return int(cur.lastrowid or 0)


def finish_run(db: sqlite3.Connection, run_id: int, counts: dict[str, int]) -> None:
    """Store a run's counts and the time it finished."""
    cols = ", ".join(f"{k} = ?" for k in counts)
    with transaction(db):
        db.execute(f"UPDATE runs SET finished = ?, {cols} WHERE run_id = ?",
                   (time.time(), *counts.values(), run_id))


def last_run(db: sqlite3.Connection, before: int) -> dict[str, object] | None:
    """The last finished run before ``before``, as a dict, or None."""
    cur = db.execute("SELECT * FROM runs WHERE run_id < ? AND finished IS NOT NULL "
                     "ORDER BY run_id DESC LIMIT 1", (before,))
    row = cur.fetchone()
    return None if row is None else dict(zip([d[0] for d in cur.description], row))


def stored_documents(db: sqlite3.Connection) -> dict[str, StoredDoc]:
    """Every stored document's hashes and story, by doc_id (small: no text)."""
    return {r[0]: StoredDoc(*r[1:]) for r in db.execute(
        "SELECT doc_id, content_hash, rules_hash, story, given_story, path FROM documents")}


def _claim_row(c: Claim, run_id: int, story: str | None = None) -> tuple[object, ...]:
    return (c.claim_id, c.doc_id, c.story if story is None else story, c.source, c.published,
            c.start, c.end, c.surface,
            c.value, c.low, c.high, c.qualifier, c.unit, c.counted, c.subject, c.scope,
            c.claimant, c.sentence, c.sentence_start, c.slack, int(c.vague), c.denied, c.whose,
            run_id)


def _claim(row: Sequence[Any]) -> Claim:
    """A Claim from a row of ``_CLAIM_COLS`` (built by position: a report or a comparison
    reads every claim of a feed)."""
    (cid, doc_id, story, source, published, start, end, surface, value, low, high, qualifier,
     unit, counted, subject, scope, claimant, sentence, sentence_start, slack, vague, denied,
     whose) = row
    return Claim(cid, doc_id, source, published, start, end, surface, float(value), float(low),
                 float(high), qualifier, unit, counted, subject, scope, claimant, sentence,
                 sentence_start, float(slack), bool(vague), denied, whose, story)


def replace_documents(db: sqlite3.Connection, run_id: int,
                      batch: Sequence[tuple[Document, str, str, str, list[Claim]]]) -> None:
    """Write a chunk of (document, given story, content hash, rules hash, claims) in one
    transaction; ``document.story`` is the story it and its claims are compared within.

    A stored document's old claims are deleted before its new ones are written.
    """
    with transaction(db):
        known = _stored(db, [doc.doc_id for doc, *_ in batch])
        for doc, *_ in batch:
            if doc.doc_id in known:
                _mark_dirty(db, doc.doc_id)
                db.execute("DELETE FROM claims WHERE doc_id = ?", (doc.doc_id,))
        db.executemany(_UPSERT_DOCUMENT, [
            (doc.doc_id, doc.source, doc.url, doc.published, doc.title, doc.path, given,
             doc.story, chash, rhash, len(doc.text), len(claims), run_id, run_id, run_id)
            for doc, given, chash, rhash, claims in batch])
        db.executemany(_INSERT_CLAIM, [_claim_row(c, run_id, doc.story)
                                       for doc, *_, claims in batch for c in claims])
        # the groups of the new claims (what _mark_dirty would find, without asking the store)
        db.executemany("INSERT OR IGNORE INTO dirty_groups VALUES (?, ?)",
                       sorted({(doc.story, c.subject) for doc, *_, claims in batch
                               for c in claims}))


_UPSERT_DOCUMENT = (
    "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT(doc_id) DO UPDATE SET source=excluded.source, url=excluded.url, "
    "published=excluded.published, title=excluded.title, path=excluded.path, "
    "given_story=excluded.given_story, story=excluded.story, "
    "content_hash=excluded.content_hash, rules_hash=excluded.rules_hash, "
    "n_chars=excluded.n_chars, n_claims=excluded.n_claims, "
    "changed_run=excluded.changed_run, seen_run=excluded.seen_run")
_INSERT_CLAIM = (f"INSERT OR REPLACE INTO claims ({_CLAIM_COLS}, run_id) "
                 f"VALUES ({', '.join('?' * (len(CLAIM_FIELDS) + 1))})")


def _stored(db: sqlite3.Connection, doc_ids: list[str]) -> set[str]:
    """Which of ``doc_ids`` the store holds."""
    out: set[str] = set()
    for i in range(0, len(doc_ids), 500):
        part = doc_ids[i:i + 500]
        out.update(r[0] for r in db.execute(
            f"SELECT doc_id FROM documents WHERE doc_id IN ({', '.join('?' * len(part))})", part))
    return out


def _mark_dirty(db: sqlite3.Connection, doc_id: str) -> None:
    """Queue the groups of a document's stored claims for a new comparison."""
    db.execute("INSERT OR IGNORE INTO dirty_groups SELECT DISTINCT story, subject FROM claims "
               "WHERE doc_id = ?", (doc_id,))


def dirty_groups(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """The (story, subject) groups waiting for a new comparison, sorted."""
    return [(r[0], r[1]) for r in db.execute(
        "SELECT story, subject FROM dirty_groups ORDER BY story, subject")]


def mark_seen(db: sqlite3.Connection, run_id: int, docs: Sequence[tuple[str, str]]) -> None:
    """Record that unchanged documents, (doc_id, path), were still in this run's inputs,
    and in which file."""
    with transaction(db):
        db.executemany("UPDATE documents SET seen_run = ?, path = ? WHERE doc_id = ?",
                       [(run_id, path, d) for d, path in docs])


@dataclass(frozen=True)
class InputFile:
    """An input file as it stood when read: its path as given, size and modification time."""

    path: str
    size: int
    mtime_ns: int


def file_unchanged(db: sqlite3.Connection, f: InputFile, rules_hash: str,
                   max_bytes: int | None) -> bool:
    """Whether the file was read whole last time, as it stands now, with the same rules."""
    row = db.execute("SELECT size, mtime_ns, rules_hash, max_bytes FROM input_files "
                     "WHERE path = ?", (f.path,)).fetchone()
    return row is not None and tuple(row) == (f.size, f.mtime_ns, rules_hash, max_bytes or 0)


def mark_file_seen(db: sqlite3.Connection, run_id: int, path: str) -> list[str]:
    """Record that the documents read from ``path`` are still in the inputs; their doc_ids."""
    with transaction(db):
        db.execute("UPDATE documents SET seen_run = ? WHERE path = ?", (run_id, path))
        return [r[0] for r in db.execute("SELECT doc_id FROM documents WHERE path = ? "
                                         "ORDER BY doc_id", (path,))]


def record_files(db: sqlite3.Connection, run_id: int, files: Sequence[InputFile],
                 rules_hash: str, max_bytes: int | None) -> None:
    """Remember the files this run read whole, with every document of theirs stored."""
    with transaction(db):
        db.executemany("INSERT OR REPLACE INTO input_files VALUES (?, ?, ?, ?, ?, ?)",
                       [(f.path, f.size, f.mtime_ns, rules_hash, max_bytes or 0, run_id)
                        for f in files])


def unseen_documents(db: sqlite3.Connection, run_id: int) -> list[tuple[str, str]]:
    """(doc_id, path) of the stored documents this run's inputs no longer hold."""
    return [(r[0], r[1]) for r in db.execute(
        "SELECT doc_id, path FROM documents WHERE seen_run < ? ORDER BY doc_id", (run_id,))]


def delete_documents(db: sqlite3.Connection, doc_ids: Sequence[str]) -> None:
    """Remove documents and their claims, in one transaction."""
    with transaction(db):
        for d in doc_ids:
            _mark_dirty(db, d)
            db.execute("DELETE FROM claims WHERE doc_id = ?", (d,))
            db.execute("DELETE FROM documents WHERE doc_id = ?", (d,))


def group_claims(db: sqlite3.Connection, story: str, subject: str) -> list[Claim]:
    """The stored claims of one (story, subject) group."""
    return [_claim(r) for r in db.execute(
        f"SELECT {_CLAIM_COLS} FROM claims WHERE story = ? AND subject = ?", (story, subject))]


def _want_groups(db: sqlite3.Connection, groups: Iterable[tuple[str, str]]) -> None:
    """Fill the temporary table ``wanted_groups`` with ``groups`` (a join target, so that a
    chunk of groups is one query, not one per group)."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_groups "
               "(story TEXT NOT NULL, subject TEXT NOT NULL, PRIMARY KEY (story, subject))")
    db.execute("DELETE FROM wanted_groups")
    db.executemany("INSERT OR IGNORE INTO wanted_groups VALUES (?, ?)", groups)


def claims_of_groups(db: sqlite3.Connection, groups: Sequence[tuple[str, str]]
                     ) -> dict[tuple[str, str], list[Claim]]:
    """The stored claims of each (story, subject) group, in one query; a group without claims
    is left out. The claims of a group come in no particular order."""
    _want_groups(db, groups)
    out: dict[tuple[str, str], list[Claim]] = {}
    for r in db.execute(f"SELECT {_CLAIM_COLS_C} FROM wanted_groups g CROSS JOIN claims c "
                        "ON c.story = g.story AND c.subject = g.subject"):
        c = _claim(r)
        out.setdefault((c.story, c.subject), []).append(c)
    return out


def _groups_with_conflicts(db: sqlite3.Connection,
                           groups: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of ``groups`` have stored conflicts."""
    _want_groups(db, groups)
    return {(r[0], r[1]) for r in db.execute(
        "SELECT DISTINCT g.story, g.subject FROM wanted_groups g CROSS JOIN conflicts c "
        "ON c.story = g.story AND c.subject = g.subject")}


_CONFLICT_COLS = ", ".join(("conflict_id", "story", "subject", "seq") + CONFLICT_FIELDS
                           + ("first_run", "pair_key", "figures"))
_INSERT_CONFLICT = (f"INSERT OR REPLACE INTO conflicts ({_CONFLICT_COLS}) "
                    f"VALUES ({', '.join('?' * 18)})")


def pair_identities(claims: Sequence[Claim], conflicts: Sequence[Conflict]
                    ) -> list[tuple[str, str]]:
    """``pair_identity`` of each conflict among ``claims`` (one group's), in order;
    ``("", "")`` for a pair whose claims are not all there."""
    by_id = {c.claim_id: c for c in claims}
    side_of: dict[str, tuple[str, str]] = {}  # a claim is in many pairs: once each
    out = []
    for c in conflicts:
        if c.claim_a not in by_id or c.claim_b not in by_id:
            out.append(("", ""))
            continue
        for x in (c.claim_a, c.claim_b):
            if x not in side_of:
                side_of[x] = pair_side(by_id[x])
        out.append(pair_hashes(side_of[c.claim_a], side_of[c.claim_b], c.kind, c.subject))
    return out


# one recomputed group: story, subject, its conflicts and their pair_identities
GroupConflicts = tuple[str, str, list[Conflict], list[tuple[str, str]]]


def replace_group_conflicts(db: sqlite3.Connection, run_id: int,
                            groups: Sequence[GroupConflicts]) -> tuple[int, int]:
    """Replace the conflicts of each (story, subject) group; return (new, resolved) counts.

    A pair flagged before keeps the run that first flagged it, also when an edit elsewhere in
    an article moved its figures (same place and figures, new claim ids); the groups leave the
    queue of dirty groups in the same transaction. Review statuses are refreshed by
    ``refresh_status`` afterwards.
    """
    new = resolved = 0
    with transaction(db):
        stored = _groups_with_conflicts(db, [(g[0], g[1]) for g in groups])
        rows: list[tuple[object, ...]] = []
        for story, subject, conflicts, identities in groups:
            before: dict[str, tuple[int, str, str]] = {}
            if (story, subject) in stored:  # else there is nothing to read or delete
                # the rows so far first: an INSERT OR REPLACE may have moved one of this group's
                db.executemany(_INSERT_CONFLICT, rows)
                rows.clear()
                before = {r[0]: (r[1], r[2], r[3]) for r in db.execute(
                    "SELECT conflict_id, first_run, pair_key, figures FROM conflicts "
                    "WHERE story = ? AND subject = ?", (story, subject))}
                db.execute("DELETE FROM conflicts WHERE story = ? AND subject = ?",
                           (story, subject))
            by_place = {(k, f): first for first, k, f in before.values() if k}
            ids, places = set(), set()
            for seq, (c, (key, figs)) in enumerate(zip(conflicts, identities)):
                cid = conflict_id(c)
                ids.add(cid)
                places.add((key, figs))
                first = before[cid][0] if cid in before else by_place.get((key, figs), run_id) \
                    if key else run_id
                new += first == run_id
                rows.append((cid, story, c.subject, seq, c.kind, c.claim_a, c.claim_b,
                             c.source_a, c.source_b, c.claimant_a, c.claimant_b, c.figure_a,
                             c.figure_b, c.ratio, c.reason, first, key, figs))
            resolved += sum(cid not in ids and (k, f) not in places
                            for cid, (_, k, f) in before.items())
        db.executemany(_INSERT_CONFLICT, rows)
        db.executemany("DELETE FROM dirty_groups WHERE story = ? AND subject = ?",
                       [(g[0], g[1]) for g in groups])
    return new, resolved


def _conflict(row: Sequence[Any]) -> Conflict:
    """A Conflict from a row of ``("subject",) + CONFLICT_FIELDS``."""
    subject, kind, a, b, source_a, source_b, claimant_a, claimant_b, fig_a, fig_b, ratio, reason \
        = row
    return Conflict(subject, kind, a, b, source_a, source_b, claimant_a, claimant_b, fig_a, fig_b,
                    float(ratio), reason)


def iter_claims(db: sqlite3.Connection, since_run: int | None = None,
                also: Iterable[str] = ()) -> Iterator[Claim]:
    """Stored claims in report order (doc_id, offsets); with ``since_run``, only those written
    since that run, plus the claims named in ``also``."""
    order = 'ORDER BY doc_id, start, "end", claim_id'
    if since_run is None:
        yield from (_claim(r) for r in db.execute(f"SELECT {_CLAIM_COLS} FROM claims {order}"))
        return
    extra = sorted(set(also))
    db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (claim_id TEXT PRIMARY KEY)")
    db.execute("DELETE FROM wanted")
    db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", [(x,) for x in extra])
    yield from (_claim(r) for r in db.execute(
        f"SELECT {_CLAIM_COLS} FROM claims WHERE run_id >= ? OR claim_id IN "
        f"(SELECT claim_id FROM wanted) {order}", (since_run,)))


def claims_by_ids(db: sqlite3.Connection, ids: Sequence[str]) -> list[Claim]:
    """The stored claims with these ids, in the order of ``ids`` (unknown ids are left out)."""
    found: dict[str, Claim] = {}
    for k in range(0, len(ids), 500):
        part = list(ids[k:k + 500])
        marks = ", ".join("?" for _ in part)
        for row in db.execute(f"SELECT {_CLAIM_COLS} FROM claims WHERE claim_id IN ({marks})",
                              part):
            c = _claim(row)
            found[c.claim_id] = c
    return [found[i] for i in ids if i in found]


def count(db: sqlite3.Connection, table: str) -> int:
    """Rows in one of the store's tables."""
    if table not in {"documents", "claims", "conflicts", "stories", "runs", "decisions"}:
        raise ValueError(table)
    return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def load_stories(db: sqlite3.Connection) -> Iterator[tuple[str, str, str, int, dict[str, float]]]:
    """Every story profile: (story, first_published, last_published, n_docs, terms)."""
    for s, first, last, n, terms in db.execute("SELECT * FROM stories ORDER BY story"):
        yield s, first, last, n, json.loads(terms)


def save_stories(db: sqlite3.Connection,
                 rows: Iterable[tuple[str, str, str, int, dict[str, float]]]) -> None:
    """Write story profiles (replacing those with the same name) in one transaction."""
    with transaction(db):
        db.executemany("INSERT OR REPLACE INTO stories VALUES (?,?,?,?,?)",
                       [(s, f, la, n, json.dumps(t, sort_keys=True)) for s, f, la, n, t in rows])


# --- review: decisions on flagged pairs ------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on one flagged pair, as imported."""

    conflict_id: str
    decision: str  # one of DECISIONS
    note: str
    reviewer: str


def current_run(db: sqlite3.Connection) -> int:
    """The id of the store's latest run (0 when none ran)."""
    return int(db.execute("SELECT COALESCE(MAX(run_id), 0) FROM runs").fetchone()[0])


def refresh_status(db: sqlite3.Connection, run_id: int | None = None) -> None:
    """Set every flagged pair's review status from the decisions, in one transaction.

    Undecided: ``new`` when first flagged in run ``run_id`` (default: the latest run), else
    ``open``. Decided: the decision (looked up by conflict id, else by the pair's place, so that
    a pair whose claim ids moved keeps it) while the two figures are those decided on; a pair
    whose figures changed since is ``reopened``.
    """
    run = current_run(db) if run_id is None else run_id
    fresh = "CASE WHEN first_run >= ? THEN 'new' ELSE 'open' END"
    with transaction(db):
        db.execute(f"UPDATE conflicts SET status = {fresh} WHERE status != {fresh}", (run, run))
        by_id = {r[0]: (r[1], r[2]) for r in db.execute(
            "SELECT conflict_id, decision, figures FROM decisions")}
        by_place = {r[0]: (r[1], r[2]) for r in db.execute(
            "SELECT pair_key, decision, figures FROM decisions WHERE pair_key != '' "
            "ORDER BY decided_at, conflict_id")}  # the latest decision on a place wins
        updates = []
        for cid, key, figs in db.execute(
                "SELECT conflict_id, pair_key, figures FROM conflicts WHERE conflict_id IN "
                "(SELECT conflict_id FROM decisions) OR (pair_key != '' AND pair_key IN "
                "(SELECT pair_key FROM decisions))").fetchall():
            decision, decided_figs = by_id.get(cid) or by_place[key]
            updates.append((decision if decided_figs == figs else "reopened", cid))
        db.executemany("UPDATE conflicts SET status = ? WHERE conflict_id = ?", updates)


def review_counts(db: sqlite3.Connection) -> dict[str, int]:
    """Flagged pairs by review status (every status, 0 when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, n in db.execute("SELECT status, COUNT(*) FROM conflicts GROUP BY status"):
        counts[status] = int(n)
    return counts


def iter_review(db: sqlite3.Connection, since_run: int | None = None,
                hide: Sequence[str] = ("dismissed",)) -> Iterator[tuple[str, str, Conflict]]:
    """(conflict_id, status, conflict) in report order, without the statuses in ``hide``.

    With ``since_run``: the pairs first flagged since that run, and those reopened.
    """
    cols = ", ".join(("conflict_id", "status", "subject") + CONFLICT_FIELDS)
    where = [f"status NOT IN ({', '.join('?' * len(hide))})"] if hide else []
    args: list[object] = list(hide)
    if since_run is not None:
        where.append("(first_run >= ? OR status = 'reopened')")
        args.append(since_run)
    sql = f"SELECT {cols} FROM conflicts {'WHERE ' + ' AND '.join(where) if where else ''} " \
          "ORDER BY story, subject, seq"
    for r in db.execute(sql, args):
        yield r[0], r[1], _conflict(r[2:])


def review_rows(db: sqlite3.Connection, statuses: Sequence[str]) -> Iterator[dict[str, object]]:
    """The flagged pairs with one of ``statuses``, with both quotes and any standing decision,
    in report order: the rows of ``numcheck review --export``."""
    sql = f"""
        SELECT c.conflict_id, c.status, c.story, c.subject, c.kind,
               c.source_a, c.claimant_a, c.figure_a, a.sentence AS quote_a,
               c.source_b, c.claimant_b, c.figure_b, b.sentence AS quote_b,
               c.ratio, c.reason, c.first_run, c.pair_key, c.figures,
               COALESCE(d.decision, p.decision, '') AS decision,
               COALESCE(d.note, p.note, '') AS note,
               COALESCE(d.reviewer, p.reviewer, '') AS reviewer
        FROM conflicts c
        LEFT JOIN claims a ON a.claim_id = c.claim_a
        LEFT JOIN claims b ON b.claim_id = c.claim_b
        LEFT JOIN decisions d ON d.conflict_id = c.conflict_id
        LEFT JOIN decisions p ON d.conflict_id IS NULL AND p.pair_key = c.pair_key
             AND c.pair_key != ''
             AND p.decided_at = (SELECT MAX(decided_at) FROM decisions q
                                 WHERE q.pair_key = c.pair_key)
        WHERE c.status IN ({', '.join('?' * len(statuses))})
        GROUP BY c.conflict_id
        ORDER BY c.story, c.subject, c.seq"""
    cur = db.execute(sql, list(statuses))
    names = [d[0] for d in cur.description]
    for r in cur:
        yield dict(zip(names, r))


def flagged_pairs(db: sqlite3.Connection,
                  ids: Iterable[str]) -> dict[str, tuple[str, str, str, str, str, str, str]]:
    """conflict_id -> (figure_a, figure_b, pair_key, figures, story, subject, kind) of the
    given pairs that the store flags now."""
    out: dict[str, tuple[str, str, str, str, str, str, str]] = {}
    for cid in set(ids):
        row = db.execute("SELECT figure_a, figure_b, pair_key, figures, story, subject, kind "
                         "FROM conflicts WHERE conflict_id = ?", (cid,)).fetchone()
        if row:
            out[cid] = (row[0], row[1], row[2], row[3], row[4], row[5], row[6])
    return out


def pairs_at(db: sqlite3.Connection, pair_key: str) -> dict[str, str]:
    """figures -> conflict_id of the pairs flagged now at one place (``pair_key``)."""
    return {r[0]: r[1] for r in db.execute(
        "SELECT figures, conflict_id FROM conflicts WHERE pair_key = ? ORDER BY conflict_id",
        (pair_key,))}


def save_decisions(db: sqlite3.Connection, decisions: Sequence[Decision], file: str,
                   clear: Sequence[str] = ()) -> None:
    """Store decisions (replacing earlier ones on the same pairs) and log them, then clear the
    decisions on the pairs in ``clear``; one transaction. Every id must be flagged now."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    run = current_run(db)
    pairs = flagged_pairs(db, [d.conflict_id for d in decisions] + list(clear))
    with transaction(db):
        for d in decisions:
            fa, fb, key, figs, story, subject, kind = pairs[d.conflict_id]
            db.execute("INSERT OR REPLACE INTO decisions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (d.conflict_id, d.decision, d.note, d.reviewer, now, run, key, figs,
                        story, subject, kind, fa, fb))
            db.execute("INSERT INTO decision_log (conflict_id, decision, note, reviewer, "
                       "decided_at, run_id, file) VALUES (?,?,?,?,?,?,?)",
                       (d.conflict_id, d.decision, d.note, d.reviewer, now, run, file))
        for cid in clear:
            key = pairs[cid][2]
            db.execute("DELETE FROM decisions WHERE conflict_id = ? OR (pair_key = ? AND "
                       "pair_key != '')", (cid, key))
            db.execute("INSERT INTO decision_log (conflict_id, decision, note, reviewer, "
                       "decided_at, run_id, file) VALUES (?, 'open', '', '', ?, ?, ?)",
                       (cid, now, run, file))
    refresh_status(db)
