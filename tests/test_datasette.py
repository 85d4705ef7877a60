"""The store in Datasette: metadata.yml describes every table and column, and
``datasette numcheck.db --metadata metadata.yml`` serves the tables."""
from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from checker import store
from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"


def tables(db_path: Path) -> dict[str, list[str]]:
    db = store.open_store(db_path)
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: [r[1] for r in db.execute(f"PRAGMA table_info({t})")] for t in names}


def test_metadata_describes_every_table_and_column(tmp_path: Path) -> None:
    """Every table and column of a new store has a title or description; facets name real
    columns; no description is left for a column that does not exist."""
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed")
    meta = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    described = meta["databases"]["numcheck"]["tables"]
    for table, columns in tables(tmp_path / "numcheck.db").items():
        assert table in described, table
        t = described[table]
        assert t.get("title") and t.get("description"), table
        assert set(t["columns"]) == set(columns), table
        assert all(isinstance(v, str) and v for v in t["columns"].values()), table
        assert set(t.get("facets", [])) <= set(columns), table


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return json.load(resp)


@pytest.mark.skipif(importlib.util.find_spec("datasette") is None,
                    reason="datasette is not installed (pip install 'numcheck[datasette]')")
def test_datasette_serves_the_store(tmp_path: Path) -> None:
    """Datasette starts on a loopback port with the metadata, serves the flagged pairs as JSON
    with the status facet, runs the review queue, and stops."""
    db = tmp_path / "numcheck.db"
    assert main(["batch", str(ROOT / "examples"), "--store", str(db), "--out",
                 str(tmp_path / "n"), "--jobs", "1", "--quiet"]) == 0
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(db), "--metadata", str(METADATA),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                _get(f"{base}/-/versions.json")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read() if proc.stdout else ""
                    pytest.fail(f"datasette did not start: {out[-2000:]}")
                time.sleep(0.2)
        rows = _get(f"{base}/numcheck/conflicts.json?_shape=array")
        assert isinstance(rows, list) and len(rows) == 16
        assert {r["status"] for r in rows} == {"new"}
        page = _get(f"{base}/numcheck/conflicts.json")
        assert isinstance(page, dict)
        assert "status" in page["facet_results"]  # the facets of metadata.yml
        meta = _get(f"{base}/-/metadata.json")
        assert isinstance(meta, dict) and meta["title"] == "numcheck store"
        queue = _get(f"{base}/numcheck/review_queue.json?_shape=array")
        assert isinstance(queue, list) and len(queue) == 16 and queue[0]["quote_a"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
