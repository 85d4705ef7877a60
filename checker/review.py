"""``numcheck review``: the fact-checker's decisions on flagged pairs, through a spreadsheet.

``--export FILE`` writes the pairs waiting for a decision (new, open, reopened, follow-up; with
``--all`` every flagged pair), one row each with both quotes, sources, claimants, figures and
the reason, and the columns ``decision``, ``note`` and ``reviewer`` to fill in. ``--import
FILE`` reads the same file back: each decision is stored against the pair's stable conflict
id, with the time and the reviewer. A row that cannot be used (unknown id, bad decision, a pair
no longer flagged since the file was exported, a row that does not match its pair) is named on
stderr with its line and the reason; every other row is stored. Later ``batch`` and ``report``
runs leave dismissed pairs out while their figures are unchanged (see ``store.refresh_status``).

Cells are formula-neutralised like the other CSVs (``reports.neutralise``) and read back with
``reports.raw_cell``; a file saved by a spreadsheet with a BOM, in Windows-1252, or with ``;``
or tabs between cells is read as well.
"""
from __future__ import annotations

import argparse
import csv
import getpass
import io
import sqlite3
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import store
from .batch import open_existing_store, review_line
from .reports import neutralise, raw_cell, write_atomic

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
EXPORT_COLUMNS = ["conflict_id", "status", "story", "subject", "kind",
                  "source_a", "claimant_a", "figure_a", "quote_a",
                  "source_b", "claimant_b", "figure_b", "quote_b",
                  "ratio", "reason", "exported_run", "pair", "decision", "note", "reviewer"]
# ids and numbers, left raw; ``pair`` is where the pair's figures stand and what they were, so
# that a decision finds its pair again after an edit elsewhere in an article moved it
RAW_COLUMNS = frozenset({"conflict_id", "ratio", "exported_run", "pair"})
TO_REVIEW = ("new", "open", "reopened", "follow-up")
CLEAR = "open"  # the decision that withdraws a standing decision
_SPELLINGS = {"follow up": "follow-up", "follow_up": "follow-up", "followup": "follow-up"}


class ReviewFileError(Exception):
    """The review file as a whole cannot be read (missing, not CSV, no decision column)."""


def add_review_command(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the ``review`` subcommand."""
    r = subparsers.add_parser("review", help="export flagged pairs for review, import the "
                                             "decisions")
    r.add_argument("--store", required=True, metavar="DB", help="the SQLite store")
    what = r.add_mutually_exclusive_group(required=True)
    what.add_argument("--export", metavar="FILE",
                      help="write the pairs waiting for a decision to a CSV file")
    what.add_argument("--import", dest="import_", metavar="FILE",
                      help="store the decisions of an exported CSV file, edited")
    r.add_argument("--all", action="store_true",
                   help="export every flagged pair, with its decision (also confirmed and "
                        "dismissed ones)")
    r.add_argument("--reviewer", metavar="NAME",
                   help="reviewer for imported rows that leave the column empty (default: the "
                        "login name)")
    r.add_argument("--quiet", action="store_true", help="print errors only")


def _err(msg: str) -> None:
    print(f"numcheck: {msg}", file=sys.stderr)


# --- export ------------------------------------------------------------------------------------

def export_rows(db: sqlite3.Connection, everything: bool = False) -> list[dict[str, str]]:
    """The rows of the review file, raw (not neutralised), in report order."""
    statuses = store.STATUSES if everything else TO_REVIEW
    run = store.current_run(db)
    rows = []
    for r in store.review_rows(db, statuses):
        row = {k: "" if r.get(k) is None else str(r.get(k)) for k in EXPORT_COLUMNS}
        ratio = float(r["ratio"])  # type: ignore[arg-type]
        row["ratio"] = "inf" if ratio == float("inf") else f"{ratio:.3g}"
        row["exported_run"] = str(run)
        row["pair"] = f"{r['pair_key']}:{r['figures']}" if r["pair_key"] else ""
        if r["status"] == "reopened":  # decided on other figures: decide again
            was = f"(was {r['decision']}" + (f" by {r['reviewer']}" if r["reviewer"] else "")
            row["note"] = f"{was}) {r['note']}".strip()
            row["decision"] = row["reviewer"] = ""
        rows.append(row)
    return rows


def export_csv(rows: Sequence[dict[str, str]]) -> str:
    """The CSV text of the review file, the columns meant for people neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(EXPORT_COLUMNS)
    for row in rows:
        w.writerow([row[c] if c in RAW_COLUMNS else neutralise(row[c]) for c in EXPORT_COLUMNS])
    return buf.getvalue()


# --- import ------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    """What an import did: decisions stored, pairs cleared, rows left undecided, row errors."""

    stored: list[store.Decision] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    undecided: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def read_review_file(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(line, row)]) of a review file; raises ReviewFileError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReviewFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # a spreadsheet's "CSV (Windows)"
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ReviewFileError(f"{path}: empty file") from None
    except csv.Error as exc:
        raise ReviewFileError(f"{path}: not a CSV file: {exc}") from exc
    for need in ("conflict_id", "decision"):
        if need not in header:
            raise ReviewFileError(f"{path}: no '{need}' column; start from a file written by "
                                  "numcheck review --export")
    rows = []
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, dict(zip(header, cells))))
    except csv.Error as exc:
        raise ReviewFileError(f"{path} line {reader.line_num}: {exc}") from exc
    return header, rows


def _cell(row: dict[str, str], name: str) -> str:
    return raw_cell((row.get(name) or "").strip())


def check_rows(db: sqlite3.Connection, rows: Sequence[tuple[int, dict[str, str]]],
               default_reviewer: str) -> ImportResult:
    """Decide what each row does, without writing: every bad row gets one reason."""
    res = ImportResult()
    run = store.current_run(db)
    pairs = store.flagged_pairs(db, [_cell(r, "conflict_id") for _, r in rows])
    standing = {r[0]: (r[1], r[2], r[3]) for r in db.execute(
        "SELECT conflict_id, decision, note, reviewer FROM decisions")}
    seen: dict[str, int] = {}

    def reject(line: int, why: str) -> None:
        res.errors.append((line, why))

    allowed = ", ".join(store.DECISIONS)
    for line, row in rows:
        cid = _cell(row, "conflict_id")
        decision = _cell(row, "decision").lower()
        decision = _SPELLINGS.get(decision, decision)
        exported = _cell(row, "exported_run")
        if not cid:
            reject(line, "no conflict_id")
            continue
        if not decision:
            res.undecided += 1
            continue
        if decision not in store.DECISIONS + (CLEAR,):
            reject(line, f"unknown decision {_cell(row, 'decision')!r}: use "
                   f"{allowed}, or {CLEAR} to withdraw a decision")
            continue
        if cid in seen:
            reject(line, f"pair {cid} is decided twice (first on line {seen[cid]}); "
                   "this row is ignored")
            continue
        seen[cid] = line
        if exported.isdigit() and int(exported) > run:
            reject(line, f"exported after run {exported}, but this store's last "
                   f"run is {run}: a file from another store?")
            continue
        key, _, figs = _cell(row, "pair").partition(":")
        if cid not in pairs and key:
            moved = store.pairs_at(db, key)
            if figs in moved:  # the same figures, moved by an edit elsewhere: a new id
                cid = moved[figs]
                pairs.update(store.flagged_pairs(db, [cid]))
            elif moved:
                now = store.flagged_pairs(db, list(moved.values()))
                reject(line, f"one of the figures of pair {cid} changed since the "
                       f"file was exported (run {exported or '?'}): now "
                       + "; ".join(f"{v[0]} vs {v[1]}" for v in now.values())
                       + "; export again and decide on the new figures")
                continue
        if cid not in pairs:
            if exported.isdigit() and int(exported) < run:
                reject(line, f"pair {cid} is no longer flagged: the file was "
                       f"exported after run {exported} and the store is at "
                       f"run {run} (the pair was resolved or one of its "
                       "figures changed); export again")
            else:
                reject(line, f"unknown conflict_id {cid!r}: not a flagged pair "
                       "of this store")
            continue
        fig_a, fig_b = pairs[cid][0], pairs[cid][1]
        got = (_cell(row, "figure_a"), _cell(row, "figure_b"))
        if any(g and g not in (f, raw_cell(f)) for g, f in zip(got, (fig_a, fig_b))):
            reject(line, f"the row's figures ({got[0]} vs {got[1]}) are not those "
                   f"of pair {cid} ({fig_a} vs {fig_b}): was the sheet "
                   "sorted by one column only?")
            continue
        if decision == CLEAR:
            res.cleared.append(cid)
            continue
        d = store.Decision(cid, decision, _cell(row, "note"),
                           _cell(row, "reviewer") or default_reviewer)
        if standing.get(cid) == (d.decision, d.note, d.reviewer):
            res.unchanged += 1
            continue
        res.stored.append(d)
    return res


def import_file(db: sqlite3.Connection, path: Path, default_reviewer: str) -> ImportResult:
    """Check every row of a review file and store the good ones in one transaction; raises
    ReviewFileError when the file as a whole cannot be read."""
    _, rows = read_review_file(path)
    res = check_rows(db, rows, default_reviewer)
    if res.stored or res.cleared:
        store.save_decisions(db, res.stored, path.name, res.cleared)
    return res


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def run_review_command(args: argparse.Namespace) -> int:
    """``numcheck review``: returns the exit status (1 when some rows were rejected)."""
    db = open_existing_store(args.store)
    if db is None:
        return EXIT_USAGE
    if args.export:
        rows = export_rows(db, args.all)
        try:
            write_atomic(Path(args.export), export_csv(rows))
        except OSError as exc:
            _err(f"cannot write {args.export}: {exc.strerror or exc}")
            return EXIT_USAGE
        if not args.quiet:
            k = Counter(r["status"] for r in rows)
            parts = ", ".join(f"{k[s]} {s}" for s in store.STATUSES if k[s])
            print(f"numcheck: {len(rows)} flagged pairs written to {args.export}"
                  + (f" ({parts})" if parts else ""))
            print("fill in decision (confirmed, dismissed, follow-up), note and reviewer, then: "
                  f"numcheck review --store {args.store} --import {args.export}")
        return EXIT_OK
    path = Path(args.import_)
    try:
        res = import_file(db, path, args.reviewer or _login())
    except ReviewFileError as exc:
        _err(str(exc))
        return EXIT_USAGE
    for line, reason in res.errors:
        _err(f"{path.name} line {line}: {reason}")
    if not args.quiet:
        k = Counter(d.decision for d in res.stored)
        print(f"numcheck: {path.name}: {len(res.stored)} decisions stored ("
              + ", ".join(f"{k[d]} {d}" for d in store.DECISIONS)
              + f"), {len(res.cleared)} withdrawn, {res.unchanged} unchanged, "
              f"{res.undecided} rows left undecided, {len(res.errors)} rows rejected")
        print(review_line(db))
    return EXIT_REJECTED if res.errors else EXIT_OK
