"""``make bench``: throughput, memory and incremental re-runs of ``numcheck batch`` on a
synthetic feed (bench/feedgen.py), and quantulum3's parser on the same text as a baseline.

Environment: ``BENCH_DOCS`` (default 10000), ``BENCH_JOBS`` (default: the cores),
``BENCH_SAMPLE`` (articles for the single-core and quantulum3 measures, default 300),
``BENCH_DIR`` (work folder, default a temporary one).
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feedgen import generate, write_feed

from checker.model import Document
from checker.rules import load_rules


def _batch_main(argv: list[str]) -> int:
    """Run ``numcheck batch`` / ``report`` in this process (until cli.py wires them in)."""
    from checker.batch import add_batch_commands, run_batch_command, run_report_command
    p = argparse.ArgumentParser(prog="numcheck")
    add_batch_commands(p.add_subparsers(dest="command"))
    a = p.parse_args(argv)
    return run_batch_command(a) if a.command == "batch" else run_report_command(a)


def _timed_batch(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes, the process tree summed) of one batch run."""
    proc = psutil.Popen([sys.executable, __file__, "--batch", *argv],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                tree = [proc, *proc.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            stop.wait(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t0 = time.perf_counter()
    t.start()
    out, err = proc.communicate()
    dt = time.perf_counter() - t0
    stop.set()
    t.join()
    if proc.returncode not in (0, 1):
        sys.exit(f"batch failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    print("   ", out.decode().strip().splitlines()[0])
    return dt, peak


def _sample_docs(n: int, seed: int, size: int, dense: bool = False) -> list[Document]:
    """Every k-th article of the feed, up to ``size``: the same text the batch reads."""
    step = max(1, n // size)
    return [Document(doc_id=d["id"], text=d["text"], source=d["source"],
                     published=d["published"], title=d["title"])
            for i, d in enumerate(generate(n, seed, dense=dense)) if i % step == 0][:size]


_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def _density(docs: list[Document], rules: object) -> str:
    """How packed with figures a sample is: characters per number and per claim."""
    from checker.claims import extract_claims  # here: a timed --batch run does not need it

    chars = sum(len(d.text) for d in docs)
    numbers = sum(len(_DIGITS.findall(d.text)) for d in docs)
    claims = sum(len(extract_claims(d, rules)) for d in docs)  # type: ignore[arg-type]
    return (f"{chars / len(docs):,.0f} characters an article, a number in digits every "
            f"{chars / max(1, numbers):.0f} characters, a claim every {chars / max(1, claims):.0f}")


def _extraction(label: str, docs: list[Document], rules: object) -> None:
    """Extraction alone on one core, numcheck against quantulum3's parser, same sample."""
    from checker.claims import extract_claims

    for d in docs[:5]:
        extract_claims(d, rules)  # type: ignore[arg-type]  # warm the compiled patterns
    ours = _rate(docs, lambda d: extract_claims(d, rules))  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser
        parser.parse("warm up 3 km")
        q3 = _rate(docs, lambda d: parser.parse(d.text))
    mb = sum(len(d.text.encode()) for d in docs) / 1e6
    print(f"  {label}: {len(docs)} articles, {mb:.2f} MB; {_density(docs, rules)}")
    print(f"    extraction alone, one core: numcheck {ours:.3f} MB/s, quantulum3.parser.parse "
          f"{q3:.4f} MB/s: numcheck is {ours / q3:.1f}x quantulum3")


def _rate(docs: list[Document], fn: object) -> float:
    """MB/s of one core running ``fn(text)`` over the documents."""
    nbytes = sum(len(d.text.encode()) for d in docs)
    t0 = time.perf_counter()
    for d in docs:
        fn(d)  # type: ignore[operator]
    return nbytes / (time.perf_counter() - t0) / 1e6


def main() -> None:
    n = int(os.environ.get("BENCH_DOCS", "10000"))
    jobs = int(os.environ.get("BENCH_JOBS", "0")) or len(os.sched_getaffinity(0))
    size = int(os.environ.get("BENCH_SAMPLE", "300"))
    seed = 1
    work = Path(os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="numcheck-bench-"))
    feed, db, out = work / "feed", work / "bench.db", work / "out"
    for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        f.unlink(missing_ok=True)
    print(f"numcheck bench: {n} articles, --jobs {jobs}, on {platform.processor() or 'cpu'} "
          f"({platform.machine()}, {psutil.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GB), Python {platform.python_version()}")
    t0 = time.perf_counter()
    nbytes = write_feed(feed, n, seed)
    print(f"  feed: {nbytes / 1e6:.1f} MB of article text in {work} "
          f"({time.perf_counter() - t0:.1f} s to generate)")

    rules = load_rules(None)
    step = max(1, n // size)
    _extraction(f"sample of the feed (every {step}th article)", _sample_docs(n, seed, size), rules)
    _extraction("dense variant (5 background sentences an article, not run end to end)",
                _sample_docs(n, seed, size, dense=True), rules)

    args = ["batch", str(feed), "--store", str(db), "--out", str(out), "--jobs", str(jobs)]
    cold, peak = _timed_batch(args)
    print(f"  cold run: {cold:.1f} s, {nbytes / 1e6 / cold / jobs:.3f} MB/s per core end to end "
          f"({n / cold:.0f} articles/s, {cold / n * 1e3:.2f} ms per article, {jobs} jobs), "
          f"peak RSS {peak / 2**20:.0f} MB (process tree)")
    again, _ = _timed_batch(args)
    print(f"  unchanged re-run: {again:.1f} s = {again / cold:.1%} of the cold run")
    write_feed(feed, n, seed, changed=0.01)
    changed, _ = _timed_batch(args)
    print(f"  1% changed re-run: {changed:.1f} s = {changed / cold:.1%} of the cold run")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--batch":
        sys.exit(_batch_main(sys.argv[2:]))
    main()
