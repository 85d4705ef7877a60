"""A run killed with SIGKILL at any moment leaves every report whole: the old one or the new.

``numcheck run`` is started as a subprocess over reports from an earlier run and killed at
random points, 20 times: half at a random delay over the whole run, half just after the
first temporary report file appears (the moment of writing, which a random delay seldom
hits). Each report file must then be byte for byte the earlier run's or the new run's.
Kills run two at a time to keep the test quick on two cores.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ("claims.csv", "conflicts.csv", "report.md", "report.html", "skipped.csv")
KILLS = 20
COPIES = 2  # copies of the example story: a run of ~2 s, reports of ~15-35 KB

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    """Input A (the example story) and input B (many copies of it, other ids and figures)."""
    a = tmp_path / "a"
    shutil.copytree(ROOT / "examples", a)
    b = tmp_path / "b"
    for i in range(COPIES):
        for src in sorted((ROOT / "examples").rglob("*.txt")):
            dst = b / f"copy{i}" / src.name
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_text(src.read_text(encoding="utf-8").replace("000", f"{i:03d}"),
                           encoding="utf-8")
    return a, b


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in REPORTS}


def _start(inputs: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "checker.cli", "run", str(inputs), "--out", str(out), "--quiet"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_after(proc: subprocess.Popen[bytes], out: Path, delay: float, at_write: bool) -> None:
    """SIGKILL ``proc`` after ``delay`` s, counted from the first temporary file if at_write."""
    if at_write:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if any(p.name.endswith(".tmp") for p in out.iterdir()):
                break
            time.sleep(0.003)
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


def test_sigkill_never_leaves_a_partial_report(tmp_path: Path) -> None:
    """20 kills at random points: every report is the old whole file or the new whole file."""
    a, b = _inputs(tmp_path)
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    assert main(["run", str(a), "--out", str(old_dir), "--quiet"]) == 0
    old = _snapshot(old_dir)
    started = time.monotonic()
    full = _start(b, new_dir)
    assert full.wait(timeout=120) == 0, "the uninterrupted run failed"
    whole_run = time.monotonic() - started
    new = _snapshot(new_dir)
    assert all(old[n] != new[n] for n in ("claims.csv", "report.md")), "runs A and B agree"

    rng = random.Random(int(os.environ.get("NUMCHECK_KILL_SEED", "7")))
    outcomes: list[tuple[str, ...]] = []
    for pair in range(KILLS // 2):
        runs = []
        for k in range(2):
            out = tmp_path / f"kill{pair}_{k}"
            shutil.copytree(old_dir, out)
            at_write = k == 1
            delay = rng.uniform(0, 0.15) if at_write else rng.uniform(0.0, whole_run * 1.1)
            runs.append((_start(b, out), out, delay, at_write))
        for proc, out, delay, at_write in runs:
            _kill_after(proc, out, delay, at_write)
        for proc, out, delay, at_write in runs:
            state = []
            for name in REPORTS:
                data = (out / name).read_bytes()
                assert data in (old[name], new[name]), (
                    f"{out.name}/{name}: {len(data)} bytes, neither the old ({len(old[name])}) nor "
                    f"the new ({len(new[name])}) after a kill at {delay:.3f}s "
                    f"(at_write={at_write}, exit {proc.returncode})")
                state.append("same" if old[name] == new[name] else
                             "new" if data == new[name] else "old")
            leftovers = [p.name for p in out.iterdir() if p.name not in REPORTS]
            assert all(n.startswith(".") and n.endswith(".tmp") for n in leftovers), (
                f"{out.name}: unexpected files {leftovers}")
            outcomes.append(tuple(state))
    assert len(outcomes) == KILLS
    print(f"kill outcomes (claims.csv, conflicts.csv, report.md, skipped.csv): "
          f"{ {s: outcomes.count(s) for s in set(outcomes)} }")
