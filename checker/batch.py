"""``numcheck batch`` and ``numcheck report``: a feed into the store, incrementally.

``batch`` reads the inputs as a stream; a document whose content hash (and the rules it was
read with) is unchanged is skipped, a new or changed one goes to the engine, which gives its
claims and story terms; the document is put in a story, and written with its claims, a chunk
per transaction. Then the conflicts of every (story, subject) group that a new, changed or
removed claim touches are recomputed, and the reports say what is new since the last run.
``report`` writes and prints the whole picture from the store.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from . import store
from .compare import compare_claims
from .documents import TRUNCATED, InputError, read_file, walk_inputs
from .engine import EngineError, default_jobs, map_local, run_engine
from .html_report import SubjectView, render_html
from .model import Claim, Conflict, Document, Skipped
from .reports import (
    CLAIM_COLUMNS,
    CONFLICT_COLUMNS,
    _mode_for,
    claim_rows,
    conflict_rows,
    csv_rows,
    markdown_report,
    write_atomic,
)
from .rules import DEFAULT_RULES_DIR, Rules, RulesError, load_rules
from .stories import StoryIndex, StoryProfile

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2
WRITE_DOCS = 256  # documents per store transaction
GROUPS_PER_TX = 500  # (story, subject) groups per conflict transaction
PARALLEL_GROUPS = 2000  # from this many dirty groups on, worker processes compare them
ROWS_PER_CSV_CHUNK = 5000
REPORT_STORIES = 100  # report.md details the stories with most conflicts; the CSVs hold all
# The extractor's own code: when it changes, stored claims are stale like after a rules change.
# the modules whose code decides the claims, their stories and their comparison
_EXTRACTOR = ("claims", "quantities", "scan", "changes", "joins", "subjects", "claimants",
              "sentences", "numbers", "units", "text", "rules", "documents", "stories", "compare")


def add_batch_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the ``batch`` and ``report`` subcommands."""
    b = subparsers.add_parser("batch", help="process a feed incrementally into a store, report "
                                            "what is new")
    b.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="article files or folders (read recursively): .txt, .md, .html, "
                        ".jsonl, .csv")
    b.add_argument("--store", required=True, metavar="DB", help="the SQLite store (created if "
                                                                "missing)")
    b.add_argument("--out", default="reports/nightly", metavar="DIR",
                   help="folder for the reports of what is new (default: reports/nightly)")
    b.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes (default: the number of cores)")
    b.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local processes, or dask.distributed (needs numcheck[dask])")
    b.add_argument("--scheduler", metavar="ADDR",
                   help="dask scheduler address (tcp://host:8786); without it, a LocalCluster")
    b.add_argument("--prune", action="store_true",
                   help="remove stored documents that are no longer in the inputs")
    b.add_argument("--rules", metavar="DIR",
                   help="a folder of rule files that add to or override the defaults")
    b.add_argument("--max-bytes", type=int, metavar="N",
                   help="read at most N bytes of each file (the rest is ignored, with a warning)")
    b.add_argument("--quiet", action="store_true", help="print errors only, no progress bar")
    r = subparsers.add_parser("report", help="write and print the whole picture from a store")
    r.add_argument("--store", required=True, metavar="DB", help="the SQLite store")
    r.add_argument("--out", default="reports/latest", metavar="DIR",
                   help="folder for claims.csv, conflicts.csv, report.md "
                        "(default: reports/latest)")
    r.add_argument("--quiet", action="store_true", help="print errors only")


def _err(msg: str) -> None:
    print(f"numcheck: {msg}", file=sys.stderr)


def rules_fingerprint(rules_dir: str | None) -> str:
    """A hash of the rule files and the extractor's code: equal means same claims."""
    h = hashlib.sha1()
    dirs = [DEFAULT_RULES_DIR] + ([Path(rules_dir)] if rules_dir else [])
    files = [f for d in dirs for f in sorted(d.rglob("*")) if f.is_file()]
    here = Path(__file__).resolve().parent
    files += [here / f"{m}.py" for m in _EXTRACTOR]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


@dataclass
class BatchResult:
    """What one batch run did."""

    run_id: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("n_docs", "n_new", "n_changed", "n_unchanged", "n_pruned", "n_skipped", "n_claims",
         "n_new_conflicts", "n_resolved"), 0))
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0


class _Progress:
    """A tqdm bar on a terminal (bytes read, documents, claims); nothing elsewhere."""

    def __init__(self, inputs: Sequence[str], show: bool) -> None:
        self.bar = None
        self.sizes: dict[str, int] = {}
        if not show:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            return
        total = 0
        for given in inputs:
            p = Path(given)
            for f in ([p] if p.is_file() else p.rglob("*")):
                if f.is_file():
                    total += f.stat().st_size
        self.bar = tqdm(total=total, unit="B", unit_scale=True, file=sys.stderr,
                        dynamic_ncols=True, desc="numcheck batch")
        self.docs = self.claims = 0
        self.last_path = ""

    def read(self, doc: Document | Skipped) -> None:
        path = doc.path if isinstance(doc, Document) else doc.path.split(":")[0]
        if self.bar is not None and path and path != self.last_path:
            self.last_path = path
            try:
                self.bar.update(os.path.getsize(path))
            except OSError:
                pass

    def done(self, n_claims: int) -> None:
        if self.bar is not None:
            self.docs += 1
            self.claims += n_claims
            if self.docs % 50 == 0:
                self.bar.set_postfix(docs=self.docs, claims=self.claims, refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix(docs=self.docs, claims=self.claims)
            self.bar.close()


def run_batch(inputs: Sequence[str], db: sqlite3.Connection, *, rules_dir: str | None = None,
              jobs: int = 1, engine: str = "local", scheduler: str | None = None,
              prune: bool = False, max_bytes: int | None = None, progress: bool = False,
              on_skip: Callable[[Skipped], None] | None = None) -> BatchResult:
    """Bring the store up to date with the inputs; raises InputError, RulesError, EngineError."""
    t0 = time.perf_counter()
    rules = load_rules(rules_dir)
    rhash = rules_fingerprint(rules_dir)
    res = BatchResult()
    n = res.counts
    stored = store.stored_documents(db)
    index = StoryIndex([StoryProfile(*row) for row in store.load_stories(db)])
    res.run_id = run_id = store.start_run(db, engine, jobs)
    bar = _Progress(inputs, progress)
    seen: set[str] = set()
    unchanged: list[tuple[str, str]] = []

    whole: list[store.InputFile] = []  # files read whole this run: remembered at the end

    def todo() -> Iterator[Document]:
        for found in walk_inputs(inputs, max_bytes):
            if isinstance(found, Skipped):
                yield from take([found])
                continue
            path, root = found
            try:
                info = path.stat()
                f: store.InputFile | None = store.InputFile(str(path), info.st_size,
                                                            info.st_mtime_ns)
            except OSError:
                f = None  # read_file says why
            if f is not None and store.file_unchanged(db, f, rhash, max_bytes):
                ids = store.mark_file_seen(db, run_id, f.path)
                if ids and not seen.intersection(ids):
                    # as it was when read whole last time: its documents are unchanged
                    seen.update(ids)
                    n["n_docs"] += len(ids)
                    n["n_unchanged"] += len(ids)
                    whole.append(f)
                    continue
            items = read_file(path, root, max_bytes)
            before = len(res.skipped)
            yield from take(items)
            if f is not None and len(res.skipped) == before and \
                    not any(isinstance(i, Skipped) for i in items):
                whole.append(f)  # every record read and kept (no bad line, no duplicate)

    def take(items: Iterable[Document | Skipped]) -> Iterator[Document]:
        for item in items:
            bar.read(item)
            if isinstance(item, Skipped):
                if not item.reason.startswith(TRUNCATED):
                    res.skipped.append(item)
                if on_skip:
                    on_skip(item)
                continue
            if item.doc_id in seen:
                dup = Skipped(item.path, f"duplicate doc_id {item.doc_id}: only the first is kept")
                res.skipped.append(dup)
                if on_skip:
                    on_skip(dup)
                continue
            seen.add(item.doc_id)
            n["n_docs"] += 1
            prev = stored.get(item.doc_id)
            if prev and prev.content_hash == store.content_hash(item) and prev.rules_hash == rhash:
                n["n_unchanged"] += 1
                unchanged.append((item.doc_id, item.path))  # the path: it may have moved
                if len(unchanged) >= 5000:
                    store.mark_seen(db, run_id, unchanged)
                    unchanged.clear()
                continue
            n["n_changed" if prev else "n_new"] += 1
            yield item

    pending: list[tuple[Document, str, str, str, list[Claim]]] = []

    def flush() -> None:
        store.replace_documents(db, run_id, pending)
        store.save_stories(db, [(p.story, p.first, p.last, p.n_docs, p.terms)
                                for p in (index.profiles[s] for s in sorted(index.changed))])
        index.changed.clear()
        pending.clear()

    try:
        for doc, terms, claims in run_engine(engine, todo(), rules_dir, jobs, scheduler):
            given = doc.story
            prev = stored.get(doc.doc_id)
            if not given and prev is not None and not prev.given_story:
                story = prev.story  # a changed article stays in its story
            else:
                story = index.assign(doc.doc_id, terms, doc.published, given)
            # the store writes the claims with their document's story
            pending.append((replace(doc, story=story), given, store.content_hash(doc), rhash,
                            claims))
            n["n_claims"] += len(claims)
            bar.done(len(claims))
            if len(pending) >= WRITE_DOCS:
                flush()
        flush()
    finally:
        bar.close()
    store.mark_seen(db, run_id, unchanged)
    store.record_files(db, run_id, whole, rhash, max_bytes)
    if prune:
        bad_paths = {s.path.split(":")[0] for s in res.skipped}
        gone = [d for d, path in store.unseen_documents(db, run_id) if path not in bad_paths]
        store.delete_documents(db, gone)
        n["n_pruned"] = len(gone)
    n["n_new_conflicts"], n["n_resolved"] = recompute_conflicts(
        db, run_id, store.dirty_groups(db), rules, jobs, rules_dir)
    store.refresh_status(db, run_id)
    n["n_skipped"] = len(res.skipped)
    store.finish_run(db, run_id, n)
    res.seconds = time.perf_counter() - t0
    return res


def recompute_conflicts(db: sqlite3.Connection, run_id: int,
                        groups: Sequence[tuple[str, str]], rules: Rules, jobs: int = 1,
                        rules_dir: str | None = None) -> tuple[int, int]:
    """Compare the claims of each (story, subject) group again; return (new, resolved).

    Many groups (a cold run) are compared by ``jobs`` local processes, which read their claims
    from the store themselves, while this one writes the results: the same results, in the same
    order, as comparing them here.
    """
    chunks = [list(groups[i:i + GROUPS_PER_TX]) for i in range(0, len(groups), GROUPS_PER_TX)]
    path = _store_path(db)
    if jobs > 1 and len(groups) >= PARALLEL_GROUPS and path:
        done = map_local(compare_stored_groups, [(path, c) for c in chunks], rules, rules_dir,
                         min(jobs, len(chunks)))
    else:
        done = (compare_groups(db, c, rules) for c in chunks)
    new = resolved = 0
    for out in done:
        a, b = store.replace_group_conflicts(db, run_id, out)
        new, resolved = new + a, resolved + b
    return new, resolved


def _store_path(db: sqlite3.Connection) -> str:
    """The file of the store's main database ('' for one in memory)."""
    for _, name, file in db.execute("PRAGMA database_list"):
        if name == "main":
            return str(file or "")
    return ""


def compare_groups(db: sqlite3.Connection, groups: Sequence[tuple[str, str]],
                   rules: Rules) -> list[store.GroupConflicts]:
    """The conflicts of each (story, subject) group of stored claims, with their pair
    identities, in the order of ``groups``."""
    claims = store.claims_of_groups(db, groups)
    out = []
    for story, subject in groups:
        members = sorted(claims.get((story, subject), []), key=_claim_order)
        conflicts = compare_claims(members, rules)
        out.append((story, subject, conflicts, store.pair_identities(members, conflicts)))
    return out


def compare_stored_groups(job: tuple[str, list[tuple[str, str]]],
                          rules: Rules) -> list[store.GroupConflicts]:
    """``compare_groups`` in a worker process: ``job`` is the store's file and the groups.
    Only reads the store (its claims do not change while conflicts are recomputed)."""
    path, groups = job
    db = sqlite3.connect(path, timeout=30)
    try:
        return compare_groups(db, groups, rules)
    finally:
        db.close()


def _claim_order(c: Claim) -> tuple[str, int, int, str]:
    """The order claims are compared and shown in: document, offsets, id."""
    return c.doc_id, c.start, c.end, c.claim_id


class _AtomicText:
    """A text file written to a temporary name and renamed into place when closed."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def __enter__(self) -> io.TextIOBase:
        return self.fh

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        self.fh.close()
        if kind is None:
            os.chmod(self.tmp, _mode_for(self.path))  # mkstemp's 0600 would hide the report
            os.replace(self.tmp, self.path)
        else:
            os.unlink(self.tmp)


_T = TypeVar("_T")


def _chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    chunk: list[_T] = []
    for c in items:
        chunk.append(c)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_store_reports(db: sqlite3.Connection, out: Path, since_run: int | None = None,
                        header: str = "") -> dict[str, int]:
    """claims.csv, conflicts.csv, report.md and report.html from the store, streamed.

    Review decisions apply: a dismissed pair is left out (while its figures are unchanged),
    every other pair carries its status (new, open, reopened, confirmed, follow-up) in report.md
    and report.html. With ``since_run``: only the pairs first flagged since that run or
    reopened, and the claims written since then or taking part in one of those pairs (flags
    refer to those pairs). report.md has a section per story with pairs, in the format of
    ``numcheck run``; report.html the same stories, with a picture per subject.
    """
    reviewed = list(store.iter_review(db, since_run))
    conflicts = [c for _, _, c in reviewed]
    status = {(c.claim_a, c.claim_b, c.kind): st for _, st, c in reviewed}
    by_claim: dict[str, list[Conflict]] = defaultdict(list)
    for c in conflicts:
        by_claim[c.claim_a].append(c)
        by_claim[c.claim_b].append(c)
    n_claims = 0
    # story -> ids of its claims with a flag (ids, not claims: a cold run flags most of a feed)
    flagged: dict[str, list[str]] = defaultdict(list)
    with _AtomicText(out / "claims.csv") as fh:
        for i, chunk in enumerate(_chunks(store.iter_claims(db, since_run, by_claim),
                                          ROWS_PER_CSV_CHUNK)):
            mine = list({id(c): c for cl in chunk for c in by_claim.get(cl.claim_id, [])}
                        .values())
            fh.write(csv_rows(CLAIM_COLUMNS, claim_rows(chunk, mine), header=i == 0))
            n_claims += len(chunk)
            for cl in chunk:
                if cl.claim_id in by_claim:
                    flagged[cl.story].append(cl.claim_id)
        if n_claims == 0:
            fh.write(csv_rows(CLAIM_COLUMNS, []))
    with _AtomicText(out / "conflicts.csv") as fh:
        for i, pairs in enumerate(_chunks(conflicts, ROWS_PER_CSV_CHUNK)):
            fh.write(csv_rows(CONFLICT_COLUMNS, conflict_rows(pairs), header=i == 0))
        if not conflicts:
            fh.write(csv_rows(CONFLICT_COLUMNS, []))
    story_of = {cid: s for s, ids in flagged.items() for cid in ids}
    n_conf = sum(c.kind == "conflict" for c in conflicts)
    summary = (f"{n_claims} claims, {n_conf} conflicts, {len(conflicts) - n_conf} scope "
               f"differences, in {len(flagged)} stories.")
    lines = [header or "# numcheck report", "", summary, ""]
    story_conf: dict[str, list[Conflict]] = defaultdict(list)
    for c in conflicts:
        story_conf[story_of.get(c.claim_a, "")].append(c)
    order = sorted(flagged, key=lambda s: (-sum(c.kind == "conflict" for c in story_conf[s]), s))
    more = ""
    if len(order) > REPORT_STORIES:
        more = (f"The {REPORT_STORIES} stories with most conflicts follow; the other "
                f"{len(order) - REPORT_STORIES} are in claims.csv and conflicts.csv.")
        lines += [more, ""]
    parts: list[tuple[str, list[SubjectView]]] = []
    for s in order[:REPORT_STORIES]:
        md = markdown_report(claim_rows(store.claims_by_ids(db, flagged[s]), story_conf[s]),
                             conflict_rows(story_conf[s]), 0, statuses=[
                                 status.get((c.claim_a, c.claim_b, c.kind), "")
                                 for c in story_conf[s]])
        body = md.split("\n", 4)[-1]  # drop markdown_report's title and summary line
        lines += [f"## Story {s}", "", ("\n" + body).replace("\n## ", "\n### ").lstrip("\n")]
        parts.append((f"Story {s}", _story_views(db, s, story_conf[s], status)))
    write_atomic(out / "report.md", "\n".join(lines).rstrip() + "\n")
    title, _, notes = (header or "# numcheck report").partition("\n\n")
    write_atomic(out / "report.html", render_html(
        title.lstrip("# "), summary, parts, notes=[x for x in (notes.replace("`", ""), more) if x]))
    return {"claims": n_claims, "conflicts": n_conf, "scope": len(conflicts) - n_conf}


def _story_views(db: sqlite3.Connection, story: str, conflicts: Sequence[Conflict],
                 status: dict[tuple[str, str, str], str]) -> list[SubjectView]:
    """The subjects of a story that have flagged pairs, with all the group's claims (so the
    picture shows the figures that agree too), conflicts first."""
    by_subject: dict[str, list[Conflict]] = defaultdict(list)
    for c in conflicts:
        by_subject[c.subject].append(c)
    views = []
    for subject, pairs in by_subject.items():
        claims = sorted(store.group_claims(db, story, subject), key=_claim_order)
        views.append(SubjectView(subject, claims, pairs, status))
    views.sort(key=lambda v: (-v.n_conflicts, -v.n_scope, v.label))
    return views


def review_line(db: sqlite3.Connection) -> str:
    """The review counts of the store's flagged pairs, in one line."""
    k = store.review_counts(db)
    return (f"review: {k['new']} new, {k['confirmed']} confirmed, {k['dismissed']} dismissed "
            f"(not shown), {k['open'] + k['reopened']} open ({k['reopened']} reopened: a figure "
            f"changed since it was decided), {k['follow-up']} follow-up")


def _nightly_header(db: sqlite3.Connection, res: BatchResult) -> str:
    prev = store.last_run(db, res.run_id)
    n = res.counts
    since = (f"since run {prev['run_id']} of "
             f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(float(prev['finished'])))}"  # type: ignore[arg-type]
             if prev else "(first run)")
    return (f"# numcheck nightly report: what is new {since}\n\n"
            f"{n['n_docs']} articles read: {n['n_new']} new, {n['n_changed']} changed, "
            f"{n['n_unchanged']} unchanged, {n['n_pruned']} pruned, {n['n_skipped']} skipped. "
            f"{n['n_new_conflicts']} new flagged pairs, {n['n_resolved']} no longer flagged. "
            f"The store holds {store.count(db, 'documents')} articles, "
            f"{store.count(db, 'claims')} claims, {store.count(db, 'conflicts')} flagged pairs "
            f"(`numcheck report` for the whole picture). Flags below refer to new and reopened "
            f"pairs only; dismissed pairs are not shown.\n\n{review_line(db)}")


def run_batch_command(args: argparse.Namespace) -> int:
    """``numcheck batch``: returns the exit status."""
    jobs = args.jobs or default_jobs()
    if jobs < 1:
        _err("--jobs must be at least 1")
        return EXIT_USAGE
    if args.engine == "dask":
        try:
            import dask.distributed  # noqa: F401 - only checking that the extra is installed
        except ImportError:
            _err("the dask engine needs dask: pip install 'numcheck[dask]'")
            return EXIT_USAGE
    try:
        db = store.open_store(args.store)
    except store.StoreError as exc:
        _err(str(exc))
        return EXIT_USAGE

    def on_skip(item: Skipped) -> None:
        what = "warning" if item.reason.startswith(TRUNCATED) else "skipped"
        _err(f"{what} {item.path}: {item.reason}")

    try:
        res = run_batch(args.inputs, db, rules_dir=args.rules, jobs=jobs, engine=args.engine,
                        scheduler=args.scheduler, prune=args.prune, max_bytes=args.max_bytes,
                        progress=not args.quiet and sys.stderr.isatty(), on_skip=on_skip)
    except (InputError, RulesError, EngineError) as exc:
        _err(str(exc))
        return EXIT_USAGE
    n = res.counts
    if n["n_docs"] == 0:
        _err("nothing readable in the inputs")
        return EXIT_USAGE
    out = Path(args.out)
    try:
        written = write_store_reports(db, out, res.run_id, _nightly_header(db, res))
    except OSError as exc:
        _err(f"cannot write reports to {out}: {exc}")
        return EXIT_USAGE
    if not args.quiet:
        print(f"numcheck: {n['n_docs']} articles ({n['n_new']} new, {n['n_changed']} changed, "
              f"{n['n_unchanged']} unchanged, {n['n_pruned']} pruned), {n['n_claims']} new "
              f"claims, {n['n_new_conflicts']} new flagged pairs, {n['n_resolved']} resolved, "
              f"in {res.seconds:.1f} s")
        print(review_line(db))
        print(f"reports of what is new written to {out}/ ({written['conflicts']} conflicts, "
              f"{written['scope']} scope differences)")
    return EXIT_SKIPPED if res.skipped else EXIT_OK


def open_existing_store(path: str) -> sqlite3.Connection | None:
    """The store at ``path``, or None after one line on stderr saying why it cannot be used."""
    if not Path(path).is_file():
        _err(f"no such store: {path}")
        return None
    try:
        return store.open_store(path)
    except store.StoreError as exc:
        _err(str(exc))
        return None


def run_report_command(args: argparse.Namespace) -> int:
    """``numcheck report``: the whole picture from the store; returns the exit status."""
    db = open_existing_store(args.store)
    if db is None:
        return EXIT_USAGE
    out = Path(args.out)
    n_docs = store.count(db, "documents")
    n_stories = db.execute("SELECT COUNT(DISTINCT story) FROM documents").fetchone()[0]
    try:
        w = write_store_reports(db, out, None, f"# numcheck report\n\n{n_docs} articles in "
                                               f"{n_stories} stories.\n\n{review_line(db)}")
    except OSError as exc:
        _err(f"cannot write reports to {out}: {exc}")
        return EXIT_USAGE
    if not args.quiet:
        print(f"numcheck: {n_docs} articles in {n_stories} stories, {w['claims']} claims, "
              f"{w['conflicts']} conflicts, {w['scope']} scope differences")
        for row in db.execute("SELECT c.subject, c.figure_a, c.figure_b, c.claimant_a, "
                              "c.source_a, c.claimant_b, c.source_b, c.story FROM conflicts c "
                              "WHERE kind = 'conflict' AND status != 'dismissed' "
                              "ORDER BY story, subject, seq LIMIT 8"):
            print(f"  [{row[7]}] {row[0]}: {row[1]} ({row[3] or row[4]}) vs {row[2]} "
                  f"({row[5] or row[6]})")
        print(review_line(db))
        print(f"reports written to {out}/ (claims.csv, conflicts.csv, report.md, report.html)")
    return EXIT_OK

