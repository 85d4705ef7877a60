"""Tests for ``numcheck review``: decisions exported, edited, imported, and respected later."""
from __future__ import annotations

import argparse
import contextlib
import csv
import io
import shutil
import sqlite3
from pathlib import Path

import pytest

from checker import store
from checker.batch import add_batch_commands, run_batch_command, run_report_command
from checker.review import EXPORT_COLUMNS, add_review_command, export_csv, run_review_command

ROOT = Path(__file__).resolve().parent.parent
ALBION = "port_strike/albion_newswire.txt"


def numcheck(*argv: object) -> int:
    """Run ``numcheck batch``, ``report`` or ``review`` in process, as cli.py will."""
    p = argparse.ArgumentParser(prog="numcheck")
    sub = p.add_subparsers(dest="command")
    add_batch_commands(sub)
    add_review_command(sub)
    args = p.parse_args([str(a) for a in argv])
    run = {"batch": run_batch_command, "report": run_report_command,
           "review": run_review_command}[args.command]
    return run(args)


def read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8", newline="")))


def write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def pairs(out: Path) -> set[tuple[str, str, str, str]]:
    """(figure_a, source_a, figure_b, source_b) of a conflicts.csv."""
    return {(r["figure_a"], r["source_a"], r["figure_b"], r["source_b"])
            for r in read(out / "conflicts.csv")}


@pytest.fixture(scope="module")
def trip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The round trip, run once: batch, export, decide, import (with bad rows), change one
    article, batch again, report, export again."""
    tmp = tmp_path_factory.mktemp("trip")
    feed = tmp / "feed"
    shutil.copytree(ROOT / "examples", feed)
    db = tmp / "s.db"
    t: dict[str, object] = {"tmp": tmp, "db": db}
    assert numcheck("batch", feed, "--store", db, "--out", tmp / "n1", "--jobs", "1",
                    "--quiet") == 0
    assert numcheck("review", "--store", db, "--export", tmp / "r1.csv", "--quiet") == 0
    rows = read(tmp / "r1.csv")
    t["exported"] = rows
    for r in rows:
        if "Hundreds" in (r["figure_a"], r["figure_b"]):
            r["decision"], r["note"] = "dismissed", "vague count, not a rival figure"
        elif r["subject"].startswith("protesters"):
            r["decision"], r["reviewer"] = " Dismissed ", "ana"  # spreadsheet spacing and case
        elif r["subject"].startswith("cost"):
            r["decision"], r["note"] = "confirmed", "'=HYPERLINK(\"x\")"  # neutralised note
    undecided = next(r for r in rows if not r["decision"])
    bad = [dict(rows[0], conflict_id="ffffffffffffffff", pair="", decision="dismissed"),
           dict(rows[-1], decision="maybe"),
           dict(rows[-2], decision="confirmed"),  # decided twice
           dict(undecided, decision="follow up", figure_a="999")]  # a row out of step
    write(tmp / "r1-edited.csv", rows + bad)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        t["import_status"] = numcheck("review", "--store", db, "--import",
                                      tmp / "r1-edited.csv", "--reviewer", "bo", "--quiet")
    t["import_err"] = err.getvalue()
    # one article changed: a sentence added before every figure (so every claim id of the
    # article moves), the police figure edited, and a new figure that makes a new pair
    art = feed / ALBION
    text = art.read_text(encoding="utf-8")
    text = text.replace("A strike by dock workers", "Updated on Tuesday. A strike by dock "
                                                    "workers")
    text = text.replace("about 1,500 people", "about 2,500 people")
    text = text.replace("according to shipping data.", "according to shipping data. The "
                        "harbour master said 90 ships were waiting.")
    art.write_text(text, encoding="utf-8")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        t["batch2_status"] = numcheck("batch", feed, "--store", db, "--out", tmp / "n2",
                                      "--jobs", "1")
    t["batch2_out"] = printed.getvalue()
    assert numcheck("report", "--store", db, "--out", tmp / "all", "--quiet") == 0
    assert numcheck("review", "--store", db, "--export", tmp / "r2.csv", "--quiet") == 0
    return t


def test_import_stores_good_rows_and_names_each_bad_one(trip: dict[str, object]) -> None:
    """Unknown id, bad decision and a row that does not match its pair are rejected one line
    each; the other rows' decisions are stored with reviewer and time."""
    assert trip["import_status"] == 1
    err = trip["import_err"].splitlines()  # type: ignore[attr-defined]
    first_bad = len(trip["exported"]) + 2  # type: ignore[arg-type]  # after the header and rows
    assert [e.split(": ", 2)[1] for e in err] == [f"r1-edited.csv line {n}" for n in
                                                  range(first_bad, first_bad + 4)]
    assert "unknown conflict_id 'ffffffffffffffff'" in err[0]
    assert "unknown decision 'maybe'" in err[1] and "decided twice" in err[2]
    assert "are not those of pair" in err[3]
    db = sqlite3.connect(trip["db"])  # type: ignore[arg-type]
    got = dict(db.execute("SELECT decision, COUNT(*) FROM decisions GROUP BY decision"))
    assert got == {"dismissed": 6, "confirmed": 2}
    reviewers = dict(db.execute("SELECT figure_a, reviewer FROM decisions"))
    assert reviewers["about 1,500"] == "ana" and reviewers["£250m"] == "bo"
    notes = {n for (n,) in db.execute("SELECT note FROM decisions")}
    assert '=HYPERLINK("x")' in notes  # the neutralising quote is dropped on import
    assert all(t.endswith("Z") for (t,) in db.execute("SELECT decided_at FROM decisions"))
    assert db.execute("SELECT COUNT(*) FROM decision_log").fetchone()[0] == 8


def test_round_trip_counts_and_what_is_reported(trip: dict[str, object]) -> None:
    """After the change: dismissed pairs whose figures did not change are gone (also those
    whose claim ids moved), the changed one is back as reopened, confirmed ones stay listed as
    confirmed, and the new pair is new; the counts are in the store, report.md and printed."""
    tmp: Path = trip["tmp"]  # type: ignore[assignment]
    db = store.open_store(trip["db"])  # type: ignore[arg-type]
    k = store.review_counts(db)
    assert (k["new"], k["confirmed"], k["dismissed"], k["open"], k["reopened"],
            k["follow-up"]) == (1, 2, 5, 8, 1, 0)  # open: 4 parts of a total among them
    nightly = (tmp / "n2" / "report.md").read_text(encoding="utf-8")
    line = ("review: 1 new, 2 confirmed, 5 dismissed (not shown), 9 open (1 reopened: a figure "
            "changed since it was decided), 0 follow-up")
    assert line in nightly
    new = pairs(tmp / "n2")
    assert ("about 2,500", "Albion Newswire", "5,000", "Albion Newswire") in new  # back
    assert not any("Hundreds" in (p[0], p[2]) for p in new)
    assert "**conflict** (reopened) about 2,500 vs 5,000" in nightly
    assert "(new)" in nightly and "90" in nightly
    page = (tmp / "n2" / "report.html").read_text(encoding="utf-8")
    assert 'class="badge s-reopened"' in page and 'class="badge s-new"' in page
    whole = pairs(tmp / "all")
    assert not any("Hundreds" in (p[0], p[2]) for p in whole)  # dismissed: not reported
    assert ("£250m", "Albion Newswire", "up to £25m", "Granton Chronicle") in whole
    assert len(whole) == 17 - 5  # 17 pairs after the change (4 parts of a total), 5 dismissed
    report = (tmp / "all" / "report.md").read_text(encoding="utf-8")
    assert report.count("(confirmed)") == 2 and line in report
    html = (tmp / "all" / "report.html").read_text(encoding="utf-8")
    assert html.count('class="badge s-confirmed"') == 2


def test_batch_prints_the_counts(trip: dict[str, object]) -> None:
    """``numcheck batch`` after the change prints the review counts on stdout."""
    assert trip["batch2_status"] == 0
    out = str(trip["batch2_out"])
    assert ("review: 1 new, 2 confirmed, 5 dismissed (not shown), 9 open (1 reopened: a figure "
            "changed since it was decided), 0 follow-up") in out
    # the police figure's pair (reopened) and the ships pair are new; pairs that only moved
    # with the added sentence are not counted as new or resolved
    assert "2 new flagged pairs, 1 resolved" in out


def test_second_export_lists_what_waits_for_a_decision(trip: dict[str, object]) -> None:
    """The next export holds the new, open and reopened pairs; the reopened one says what it
    was, with its decision empty."""
    rows = read(trip["tmp"] / "r2.csv")  # type: ignore[operator]
    assert sorted(r["status"] for r in rows) == ["new"] + ["open"] * 8 + ["reopened"]
    back = next(r for r in rows if r["status"] == "reopened")
    assert back["decision"] == "" and back["note"].startswith("(was dismissed by ana)")


def test_file_from_an_older_run(trip: dict[str, object], tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    """The first export, decided and imported after the change: the pair whose figure changed
    is rejected with the reason; pairs that only moved are found again; the rest is stored."""
    rows = [dict(r) for r in trip["exported"]]  # type: ignore[attr-defined]
    for r in rows:
        r["decision"] = "follow-up"
    write(tmp_path / "old.csv", rows)
    db_path = tmp_path / "copy.db"
    src = sqlite3.connect(trip["db"])  # type: ignore[arg-type]
    src.backup(dst := sqlite3.connect(db_path))
    dst.close()
    capsys.readouterr()
    assert numcheck("review", "--store", db_path, "--import", tmp_path / "old.csv") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "changed since the file was exported (run 1)" in err[0]
    line = 2 + next(i for i, r in enumerate(rows) if "about 1,500" in (r["figure_a"], r["figure_b"]))
    assert "about 2,500 vs 5,000" in err[0] and f"line {line}" in err[0]
    k = store.review_counts(store.open_store(db_path))
    assert k["follow-up"] == len(rows) - 1 and k["reopened"] == 1


def test_export_is_neutralised_and_reads_back(tmp_path: Path) -> None:
    """Cells meant for people get a leading quote; ids and numbers stay raw; a file saved with
    a BOM and semicolons by a spreadsheet reads back the same."""
    row = dict.fromkeys(EXPORT_COLUMNS, "")
    row.update(conflict_id="abc", quote_a="=cmd|' /C calc'!A0", figure_a="-3%", ratio="2.5",
               note="@SUM(1)")
    text = export_csv([row])
    got = next(csv.DictReader(io.StringIO(text)))
    assert got["quote_a"] == "'=cmd|' /C calc'!A0" and got["figure_a"] == "'-3%"
    assert got["note"] == "'@SUM(1)" and got["conflict_id"] == "abc" and got["ratio"] == "2.5"
    from checker.review import read_review_file
    (tmp_path / "x.csv").write_bytes(b"\xef\xbb\xbf" + text.replace(",", ";").encode())
    _, rows = read_review_file(tmp_path / "x.csv")
    assert rows[0][1]["conflict_id"] == "abc" and rows[0][1]["note"] == "'@SUM(1)"


def test_bad_files_and_stores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing store or file, or a file without a decision column, is a usage error."""
    assert numcheck("review", "--store", tmp_path / "none.db", "--export", tmp_path / "x") == 2
    store.open_store(tmp_path / "s.db").close()
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    assert numcheck("review", "--store", tmp_path / "s.db", "--import", tmp_path / "bad.csv") == 2
    assert "no 'conflict_id' column" in capsys.readouterr().err
    assert numcheck("review", "--store", tmp_path / "s.db", "--import", tmp_path / "no.csv") == 2


def test_old_store_is_migrated(tmp_path: Path) -> None:
    """A version-1 store gains the review tables; its flagged pairs get their places."""
    import checker.store as st

    db = sqlite3.connect(tmp_path / "v1.db", isolation_level=None)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    db.execute("INSERT INTO schema_version VALUES (1)")
    st._execute_script(db, st._MIGRATIONS[0])  # type: ignore[arg-type]
    db.close()
    s = st.open_store(tmp_path / "v1.db")
    assert s.execute("SELECT version FROM schema_version").fetchone()[0] == st.SCHEMA_VERSION
    cols = {r[1] for r in s.execute("PRAGMA table_info(conflicts)")}
    assert {"pair_key", "figures", "status"} <= cols
    assert s.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0
