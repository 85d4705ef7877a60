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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .model import Claim, Conflict, Document

SCHEMA_VERSION = 1

# Each entry migrates from version i to i + 1; a new version appends a step, never edits one.
_MIGRATIONS: list[str] = [
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
]

CLAIM_FIELDS = ("claim_id", "doc_id", "story", "source", "published", "start", "end", "surface",
                "value", "low", "high", "qualifier", "unit", "counted", "subject", "scope",
                "claimant", "sentence", "sentence_start", "slack", "vague", "denied", "whose")
CONFLICT_FIELDS = ("kind", "claim_a", "claim_b", "source_a", "source_b", "claimant_a",
                   "claimant_b", "figure_a", "figure_b", "ratio", "reason")
_CLAIM_COLS = ", ".join(f'"{f}"' for f in CLAIM_FIELDS)


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


def open_store(path: str | Path) -> sqlite3.Connection:
    """Open (creating or migrating) the store; raise StoreError when it cannot be used."""
    try:
        db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=OFF")
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = db.execute("SELECT version FROM schema_version").fetchone()
        version = row[0] if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(f"{path}: schema version {version} is newer than this numcheck "
                             f"({SCHEMA_VERSION}); upgrade numcheck")
        for step in range(version, SCHEMA_VERSION):
            with transaction(db):
                for statement in _MIGRATIONS[step].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("DELETE FROM schema_version")
                db.execute("INSERT INTO schema_version VALUES (?)", (step + 1,))
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: {exc}") from exc
    return db


class transaction:  # noqa: N801 - used as a statement: ``with transaction(db):``
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


def _claim_row(c: Claim, run_id: int) -> tuple[object, ...]:
    return (c.claim_id, c.doc_id, c.story, c.source, c.published, c.start, c.end, c.surface,
            c.value, c.low, c.high, c.qualifier, c.unit, c.counted, c.subject, c.scope,
            c.claimant, c.sentence, c.sentence_start, c.slack, int(c.vague), c.denied, c.whose,
            run_id)


def _claim(row: Sequence[object]) -> Claim:
    d = dict(zip(CLAIM_FIELDS, row))
    d["vague"] = bool(d["vague"])
    for k in ("value", "low", "high", "slack"):
        d[k] = float(d[k])  # type: ignore[arg-type]
    return Claim(**d)  # type: ignore[arg-type]


def replace_documents(db: sqlite3.Connection, run_id: int,
                      batch: Sequence[tuple[Document, str, str, str, list[Claim]]]) -> None:
    """Write a chunk of (document, given story, content hash, rules hash, claims) in one
    transaction; ``document.story`` is the story it is compared within.

    A document's old claims are deleted before its new ones are written.
    """
    with transaction(db):
        for doc, given, chash, rhash, claims in batch:
            _mark_dirty(db, doc.doc_id)
            db.execute("DELETE FROM claims WHERE doc_id = ?", (doc.doc_id,))
            db.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(doc_id) DO UPDATE SET source=excluded.source, url=excluded.url, "
                "published=excluded.published, title=excluded.title, path=excluded.path, "
                "given_story=excluded.given_story, story=excluded.story, "
                "content_hash=excluded.content_hash, rules_hash=excluded.rules_hash, "
                "n_chars=excluded.n_chars, n_claims=excluded.n_claims, "
                "changed_run=excluded.changed_run, seen_run=excluded.seen_run",
                (doc.doc_id, doc.source, doc.url, doc.published, doc.title, doc.path,
                 given, doc.story, chash, rhash,
                 len(doc.text), len(claims), run_id, run_id, run_id))
            db.executemany(f"INSERT OR REPLACE INTO claims ({_CLAIM_COLS}, run_id) "
                           f"VALUES ({', '.join('?' * (len(CLAIM_FIELDS) + 1))})",
                           [_claim_row(c, run_id) for c in claims])
            _mark_dirty(db, doc.doc_id)


def _mark_dirty(db: sqlite3.Connection, doc_id: str) -> None:
    """Queue the groups of a document's stored claims for a new comparison."""
    db.execute("INSERT OR IGNORE INTO dirty_groups SELECT DISTINCT story, subject FROM claims "
               "WHERE doc_id = ?", (doc_id,))


def dirty_groups(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """The (story, subject) groups waiting for a new comparison, sorted."""
    return [(r[0], r[1]) for r in db.execute(
        "SELECT story, subject FROM dirty_groups ORDER BY story, subject")]


def mark_seen(db: sqlite3.Connection, run_id: int, doc_ids: Sequence[str]) -> None:
    """Record that unchanged documents were still in this run's inputs."""
    with transaction(db):
        db.executemany("UPDATE documents SET seen_run = ? WHERE doc_id = ?",
                       [(run_id, d) for d in doc_ids])


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


def replace_group_conflicts(db: sqlite3.Connection, run_id: int,
                            groups: Sequence[tuple[str, str, list[Conflict]]]) -> tuple[int, int]:
    """Replace the conflicts of each (story, subject) group; return (new, resolved) counts.

    A pair flagged before keeps the run that first flagged it; the groups leave the queue of
    dirty groups in the same transaction.
    """
    new = resolved = 0
    with transaction(db):
        for story, subject, conflicts in groups:
            before = dict(db.execute("SELECT conflict_id, first_run FROM conflicts "
                                     "WHERE story = ? AND subject = ?", (story, subject)))
            db.execute("DELETE FROM conflicts WHERE story = ? AND subject = ?", (story, subject))
            ids = set()
            for seq, c in enumerate(conflicts):
                cid = conflict_id(c)
                ids.add(cid)
                first = before.get(cid, run_id)
                new += first == run_id
                db.execute(f"INSERT OR REPLACE INTO conflicts VALUES ({', '.join('?' * 16)})",
                           (cid, story, c.subject, seq, *(getattr(c, f) for f in CONFLICT_FIELDS),
                            first))
            resolved += len(set(before) - ids)
            db.execute("DELETE FROM dirty_groups WHERE story = ? AND subject = ?",
                       (story, subject))
    return new, resolved


def _conflict(row: Sequence[object]) -> Conflict:
    kw = dict(zip(("subject",) + CONFLICT_FIELDS, row))
    kw["ratio"] = float(kw["ratio"])  # type: ignore[arg-type]
    return Conflict(**kw)  # type: ignore[arg-type]


def iter_conflicts(db: sqlite3.Connection, since_run: int | None = None) -> Iterator[Conflict]:
    """Stored conflicts in report order (story, subject, then compare's order)."""
    where, args = ("WHERE first_run >= ?", (since_run,)) if since_run is not None else ("", ())
    cols = ", ".join(("subject",) + CONFLICT_FIELDS)
    for r in db.execute(f"SELECT {cols} FROM conflicts {where} ORDER BY story, subject, seq",
                        args):
        yield _conflict(r)


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


def count(db: sqlite3.Connection, table: str) -> int:
    """Rows in one of the store's tables."""
    if table not in {"documents", "claims", "conflicts", "stories", "runs"}:
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
