"""Tests for ``numcheck batch`` / ``report``: the store, incremental runs, stories, engines."""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from checker import store
from checker.batch import add_batch_commands, run_batch_command, run_report_command
from checker.claims import claim_id
from checker.model import Document
from checker.pipeline import run_pipeline
from checker.rules import load_rules
from checker.stories import StoryIndex, doc_terms

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from feedgen import write_feed

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"

# Two stories of our own, three outlets each, and a third story that counts the same thing
# (workers) in another place: its figures must never be compared with the first story's.
ARTICLES = {
    "strike/harbour_post": ("Harbour Post", "2025-05-02", """\
About 4,000 dock workers walked out at the Velmora container terminal on Monday, the Velmora
Dockers Union said. The strike at Velmora, the busiest port on the Tarrant coast, halted
loading at all nine berths. Union leader Ilse Brandvold said the stoppage would last until the
Tarrant Port Authority reopened pay talks.
"""),
    "strike/coast_wire": ("Coast Wire", "2025-05-02", """\
Some 400 workers joined the strike at the Velmora container terminal, according to the Tarrant
Port Authority. Ilse Brandvold of the Velmora Dockers Union told reporters the authority had
ignored three pay offers. Ships queued off the Tarrant coast on Monday night.
"""),
    "strike/daily_ledger": ("Daily Ledger", "2025-05-03", """\
Nearly 4,000 workers stayed away from the Velmora terminal for a second day, Ilse Brandvold of
the Velmora Dockers Union said. The Tarrant Port Authority said talks would resume on Friday.
"""),
    "quake/valley_news": ("Valley News", "2025-05-02", """\
At least 32 people were killed when an earthquake struck the mountain town of Orvieno on
Sunday, the Castrale regional government said. Rescuers from Castrale searched collapsed
houses through the night, and Governor Tessa Amaldi declared a state of emergency.
"""),
    "quake/mountain_times": ("Mountain Times", "2025-05-03", """\
The earthquake in Orvieno killed 31 people, Governor Tessa Amaldi told the Castrale regional
assembly. Rescuers said aftershocks were still shaking the old quarter of Orvieno.
"""),
    "quake/plains_echo": ("Plains Echo", "2025-05-03", """\
Governor Tessa Amaldi said 32 people had died in Orvieno and the Castrale regional government
had sent tents for the homeless. Rescuers pulled two survivors from the rubble in Orvieno.
"""),
    "mill/riverside": ("Riverside Bulletin", "2025-05-02", """\
About 40,000 workers walked out at the Brunholt steel mill on Monday, the Brunholt Steel Guild
said. Guild secretary Oskar Lindqvist said the Brunholt walkout was the largest in decades.
"""),
}


def _write(folder: Path, articles: dict[str, tuple[str, str, str]]) -> None:
    for name, (source, published, text) in articles.items():
        f = folder / f"{name}.txt"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(f"---\nsource: {source}\npublished: {published}\n---\n{text}",
                     encoding="utf-8")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="numcheck")
    add_batch_commands(p.add_subparsers(dest="command"))
    return p


def numcheck(*argv: str) -> int:
    """Run ``numcheck batch`` or ``report`` in process, as cli.py will."""
    args = _parser().parse_args([str(a) for a in argv])
    return run_batch_command(args) if args.command == "batch" else run_report_command(args)


def _db(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def _pairs(db: sqlite3.Connection) -> set[tuple[str, str, str]]:
    return set(db.execute("SELECT claim_a, claim_b, kind FROM conflicts"))


@pytest.fixture()
def feed(tmp_path: Path) -> Path:
    folder = tmp_path / "feed"
    _write(folder, ARTICLES)
    return folder


def test_schema_created_and_versioned(tmp_path: Path) -> None:
    """A new store gets every table and the current schema version; a newer one is refused."""
    db = store.open_store(tmp_path / "s.db")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "claims", "conflicts", "runs", "stories", "schema_version"} <= tables
    assert db.execute("SELECT version FROM schema_version").fetchone()[0] == store.SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(store.StoreError, match="newer"):
        store.open_store(tmp_path / "s.db")


def test_cold_run_groups_stories_and_flags_within_story(feed: Path, tmp_path: Path) -> None:
    """Stories are found from the text; the 4,000 vs 400 conflict is flagged, never 40,000."""
    assert numcheck("batch", feed, "--store", tmp_path / "s.db", "--out", tmp_path / "n",
                    "--jobs", "1", "--quiet") == 0
    db = _db(tmp_path / "s.db")
    story = dict(db.execute("SELECT doc_id, story FROM documents"))
    assert story["strike/harbour_post"] == story["strike/coast_wire"] == story[
        "strike/daily_ledger"]
    assert story["quake/valley_news"] == story["quake/mountain_times"] == story[
        "quake/plains_echo"]
    assert len({story["strike/harbour_post"], story["quake/valley_news"],
                story["mill/riverside"]}) == 3
    rows = db.execute("SELECT figure_a, figure_b FROM conflicts WHERE kind = 'conflict'").fetchall()
    figures = {f for r in rows for f in r}
    assert "Some 400" in figures
    assert not any("40,000" in f for f in figures)
    report = (tmp_path / "n" / "report.md").read_text()
    assert "first run" in report and "## Story" in report


def test_unchanged_rerun_processes_nothing(feed: Path, tmp_path: Path) -> None:
    """A second run over the same inputs reprocesses no document and changes no id."""
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--out", tmp_path / "n", "--jobs", "1",
             "--quiet")
    db = _db(tmp_path / "s.db")
    claims1 = set(db.execute("SELECT claim_id FROM claims"))
    pairs1 = set(db.execute("SELECT conflict_id FROM conflicts"))
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--out", tmp_path / "n2", "--jobs",
             "1", "--quiet")
    run = db.execute("SELECT n_docs, n_new, n_changed, n_unchanged, n_new_conflicts FROM runs "
                     "ORDER BY run_id DESC").fetchone()
    assert run == (len(ARTICLES), 0, 0, len(ARTICLES), 0)
    assert set(db.execute("SELECT claim_id FROM claims")) == claims1
    assert set(db.execute("SELECT conflict_id FROM conflicts")) == pairs1
    assert (tmp_path / "n2" / "conflicts.csv").read_text().count("\n") == 1  # nothing new


def test_claim_ids_are_those_of_the_extractor(feed: Path, tmp_path: Path) -> None:
    """Stored claim ids are claims.claim_id of (doc_id, offsets, surface)."""
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
             tmp_path / "n")
    for cid, doc, start, end, surface in _db(tmp_path / "s.db").execute(
            'SELECT claim_id, doc_id, start, "end", surface FROM claims'):
        assert cid == claim_id(doc, start, end, surface)


def test_changed_document_replaces_its_claims(feed: Path, tmp_path: Path) -> None:
    """A changed article is reprocessed alone; its old claims and their conflicts go."""
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
             tmp_path / "n")
    db = _db(tmp_path / "s.db")
    others = set(db.execute("SELECT claim_id FROM claims WHERE doc_id != 'strike/coast_wire'"))
    f = feed / "strike" / "coast_wire.txt"
    f.write_text(f.read_text().replace("Some 400 workers", "Some 4,000 workers"))
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
             tmp_path / "n2")
    assert db.execute("SELECT n_new, n_changed, n_unchanged FROM runs ORDER BY run_id DESC"
                      ).fetchone() == (0, 1, len(ARTICLES) - 1)
    surfaces = {r[0] for r in db.execute("SELECT surface FROM claims WHERE doc_id = "
                                         "'strike/coast_wire'")}
    assert "Some 4,000" in surfaces and "Some 400" not in surfaces
    assert set(db.execute("SELECT claim_id FROM claims WHERE doc_id != 'strike/coast_wire'")
               ) == others
    assert not db.execute("SELECT 1 FROM conflicts WHERE figure_a = 'Some 400' OR "
                          "figure_b = 'Some 400'").fetchall()
    assert db.execute("SELECT n_resolved FROM runs ORDER BY run_id DESC").fetchone()[0] > 0


def test_prune_removes_documents_no_longer_in_inputs(feed: Path, tmp_path: Path) -> None:
    """Without --prune a removed file stays in the store; with it, it and its conflicts go."""
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
             tmp_path / "n")
    (feed / "strike" / "coast_wire.txt").unlink()
    db = _db(tmp_path / "s.db")
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
             tmp_path / "n")
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == len(ARTICLES)
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--prune",
             "--out", tmp_path / "n")
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == len(ARTICLES) - 1
    assert not db.execute("SELECT 1 FROM claims WHERE doc_id = 'strike/coast_wire'").fetchall()
    assert not db.execute("SELECT 1 FROM conflicts WHERE source_a = 'Coast Wire' OR "
                          "source_b = 'Coast Wire'").fetchall()


def test_unchanged_files_are_not_read_again(feed: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A file as it stood when read whole last time is not opened; a changed one is."""
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
             tmp_path / "n")
    import checker.batch as batch

    opened: list[str] = []
    real = batch.read_file

    def counting(path, *args):  # type: ignore[no-untyped-def]
        opened.append(path.name)
        return real(path, *args)

    monkeypatch.setattr(batch, "read_file", counting)
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
             tmp_path / "n2")
    db = _db(tmp_path / "s.db")
    assert opened == []
    assert db.execute("SELECT n_docs, n_unchanged FROM runs ORDER BY run_id DESC").fetchone() \
        == (len(ARTICLES), len(ARTICLES))
    f = feed / "strike" / "coast_wire.txt"
    f.write_text(f.read_text().replace("Some 400 workers", "Some 4,000 workers"))
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
             tmp_path / "n3")
    assert opened == ["coast_wire.txt"]
    assert db.execute("SELECT n_changed, n_unchanged FROM runs ORDER BY run_id DESC"
                      ).fetchone() == (1, len(ARTICLES) - 1)


def test_article_moved_to_another_file_survives_prune(tmp_path: Path) -> None:
    """An unchanged article that moves to another file is kept by --prune on every run."""
    feed = tmp_path / "feed"
    feed.mkdir()
    texts = {d: "Police said 2,000 people marched in Orvale on Sunday." for d in ("x1", "x2")}

    def write(name: str, ids: list[str]) -> None:
        (feed / name).write_text("".join(json.dumps({"id": i, "text": texts[i]}) + "\n"
                                         for i in ids), encoding="utf-8")

    write("a.jsonl", ["x1", "x2"])
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
             tmp_path / "n")
    write("a.jsonl", ["x1"])
    write("b.jsonl", ["x2"])
    for run in range(2):  # the second run skips both files as unchanged
        numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet",
                 "--prune", "--out", tmp_path / f"n{run}")
        ids = {r[0] for r in _db(tmp_path / "s.db").execute("SELECT doc_id FROM documents")}
        assert ids == {"x1", "x2"}, run


def test_story_field_wins(tmp_path: Path) -> None:
    """A story given in the input overrides grouping: the mill joins the strike story."""
    feed = tmp_path / "feed"
    _write(feed, ARTICLES)
    jl = tmp_path / "extra.jsonl"
    jl.write_text(json.dumps({"id": "given-1", "story": "port-dispute", "source": "X",
                              "text": "Some 40,000 workers walked out, the union said."}) + "\n")
    numcheck("batch", feed, jl, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet",
             "--out", tmp_path / "n")
    db = _db(tmp_path / "s.db")
    assert db.execute("SELECT story, given_story FROM documents WHERE doc_id = 'given-1'"
                      ).fetchone() == ("port-dispute", "port-dispute")


def test_story_index_is_deterministic_and_blocks(rules) -> None:  # type: ignore[no-untyped-def]
    """The same documents in the same order give the same stories; a common term is no key."""
    docs = [Document(f"d{i}", f"Officials in Kanal said {i} things. Reuters reported it.")
            for i in range(40)]

    def assign() -> list[str]:
        index = StoryIndex()
        return [index.assign(d.doc_id, doc_terms(d, rules), "") for d in docs]

    assert assign() == assign()


def test_kill_leaves_whole_rows_and_next_run_completes(feed: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that dies after writing some documents leaves each document whole; the next run
    compares the groups the dead run left dirty."""
    from checker import batch

    monkeypatch.setattr(batch, "WRITE_DOCS", 2)
    calls = {"n": 0}
    real = store.replace_documents

    def dying(*a: object, **k: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        real(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "replace_documents", dying)
    with pytest.raises(KeyboardInterrupt):
        numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
                 tmp_path / "n")
    db = _db(tmp_path / "s.db")
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 4
    for doc, n in db.execute("SELECT doc_id, n_claims FROM documents"):
        assert db.execute("SELECT COUNT(*) FROM claims WHERE doc_id = ?", (doc,)).fetchone()[0] == n
    monkeypatch.setattr(store, "replace_documents", real)
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
             tmp_path / "n")
    fresh = tmp_path / "fresh.db"
    numcheck("batch", feed, "--store", fresh, "--jobs", "1", "--quiet", "--out", tmp_path / "f")
    assert _pairs(db) == _pairs(_db(fresh))


def test_report_prints_whole_picture(feed: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """``numcheck report`` writes every claim and conflict from the store."""
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
             tmp_path / "n")
    numcheck("batch", feed, "--store", tmp_path / "s.db", "--jobs", "1", "--quiet", "--out",
             tmp_path / "n")
    assert numcheck("report", "--store", tmp_path / "s.db", "--out", tmp_path / "all") == 0
    out = capsys.readouterr().out
    assert f"{len(ARTICLES)} articles" in out
    n_claims = _db(tmp_path / "s.db").execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    assert (tmp_path / "all" / "claims.csv").read_text().count("\n") >= n_claims + 1
    assert numcheck("report", "--store", tmp_path / "missing.db") == 2


def test_local_jobs_give_identical_files(tmp_path: Path) -> None:
    """--jobs 1 and --jobs 2 write byte-identical claims.csv and conflicts.csv."""
    write_feed(tmp_path / "feed", 80, seed=3)
    for j in ("1", "2"):
        numcheck("batch", tmp_path / "feed", "--store", tmp_path / f"{j}.db", "--jobs", j,
                 "--quiet", "--out", tmp_path / j)
    for name in ("claims.csv", "conflicts.csv"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()


def test_comparisons_in_workers_match_one_process(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Groups compared by worker processes give the reports and stored conflicts (ids, first
    runs, pair keys) of comparing them in the main process."""
    from checker import batch

    write_feed(tmp_path / "feed", 120, seed=5)
    monkeypatch.setattr(batch, "GROUPS_PER_TX", 7)  # many chunks, so that results interleave
    for j, threshold in (("1", 10**9), ("2", 0)):
        monkeypatch.setattr(batch, "PARALLEL_GROUPS", threshold)
        assert numcheck("batch", tmp_path / "feed", "--store", tmp_path / f"{j}.db", "--jobs",
                        j, "--quiet", "--out", tmp_path / j) == 0
    for name in ("claims.csv", "conflicts.csv", "report.md"):
        one = (tmp_path / "1" / name).read_bytes()
        assert one.count(b"\n") > 10
        assert (tmp_path / "2" / name).read_bytes() == one
    rows = ["SELECT * FROM conflicts ORDER BY conflict_id", "SELECT COUNT(*) FROM dirty_groups"]
    for sql in rows:
        assert _db(tmp_path / "1.db").execute(sql).fetchall() == \
            _db(tmp_path / "2.db").execute(sql).fetchall()


def test_dask_local_cluster_gives_identical_files(tmp_path: Path) -> None:
    """--engine dask on a LocalCluster (2 worker processes) writes the local run's bytes."""
    pytest.importorskip("dask.distributed")
    write_feed(tmp_path / "feed", 80, seed=3)
    assert numcheck("batch", tmp_path / "feed", "--store", tmp_path / "l.db", "--jobs", "2",
                    "--quiet", "--out", tmp_path / "local") == 0
    assert numcheck("batch", tmp_path / "feed", "--store", tmp_path / "d.db", "--jobs", "2",
                    "--engine", "dask", "--quiet", "--out", tmp_path / "dask") == 0
    for name in ("claims.csv", "conflicts.csv"):
        local = (tmp_path / "local" / name).read_bytes()
        assert local.count(b"\n") > 10
        assert (tmp_path / "dask" / name).read_bytes() == local


@pytest.mark.shared
def test_seeds_in_a_synthetic_feed(tmp_path: Path) -> None:
    """The seeds mixed into a feed give the seed conflicts of ``numcheck run`` on the seeds
    alone, and no flagged pair between a seed and another story."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    write_feed(tmp_path / "feed", 150, seed=7)
    assert numcheck("batch", SEEDS, tmp_path / "feed", "--store", tmp_path / "s.db", "--jobs",
                    "2", "--quiet", "--out", tmp_path / "n") == 0
    db = _db(tmp_path / "s.db")
    seed_ids = {p.stem for p in SEEDS.iterdir()}
    claim_doc = dict(db.execute("SELECT claim_id, doc_id FROM claims"))
    pairs = db.execute("SELECT claim_a, claim_b, kind FROM conflicts").fetchall()
    crossing = [p for p in pairs if (claim_doc[p[0]] in seed_ids) != (claim_doc[p[1]] in seed_ids)]
    assert crossing == []
    alone = run_pipeline([str(SEEDS)], load_rules(None))
    expected = {(c.claim_a, c.claim_b, c.kind) for c in alone.conflicts}
    found = {p for p in pairs if claim_doc[p[0]] in seed_ids}
    assert found == expected and any(k == "conflict" for _, _, k in expected)
    stories = {s for (s,) in db.execute("SELECT DISTINCT story FROM documents WHERE doc_id IN "
                                        f"({','.join('?' * len(seed_ids))})", sorted(seed_ids))}
    assert len(stories) == 1


def test_worker_processes_give_the_same_results_as_one_process() -> None:
    """The local engine's worker pool returns the same results, in order, as one process."""
    from checker.engine import run_local
    from checker.model import Document

    docs = [Document(f"d{i}", f"Officials said {1000 + i:,} people were evacuated on day {i}. "
                              f"Police put the number at {500 + i}.") for i in range(40)]
    one = list(run_local(docs, None, 1))
    two = list(run_local(docs, None, 2, chunk=4, inline_docs=0))
    assert one == two and len(one) == 40
