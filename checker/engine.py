"""Map the per-document steps over a stream of documents: local processes or Dask.

Both engines take documents in chunks, keep a bounded number of chunks in flight and give the
results back in input order, so memory does not grow with the feed and the results do not
depend on the engine or the number of workers. Each result is ``(doc, terms, claims)``: the
claims of ``extract_claims(doc, rules)`` (a pure function) and the document's story terms.

``dask`` is an optional extra (``pip install numcheck[dask]``), imported only when used.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from .model import Claim, Document
from .rules import Rules, load_rules
from .stories import doc_terms

CHUNK_DOCS = 64  # documents per task: fewer, larger messages cost the main process less
_T = TypeVar("_T")
_R = TypeVar("_R")
Found = tuple[dict[str, float], list[Claim]]  # a document's story terms and claims
Result = tuple[Document, dict[str, float], list[Claim]]


class EngineError(Exception):
    """The engine cannot start (dask missing, scheduler unreachable)."""


def chunk_results(docs: list[Document], rules: Rules) -> list[Found]:
    """Story terms and claims of each document of a chunk, in order (what a worker sends back:
    the caller has the documents already)."""
    from .claims import extract_claims  # here: a main process with workers never extracts

    return [(doc_terms(d, rules), extract_claims(d, rules)) for d in docs]


def process_chunk(docs: list[Document], rules: Rules) -> list[Result]:
    """Claims and story terms of each document of a chunk, in order."""
    return [(d, *found) for d, found in zip(docs, chunk_results(docs, rules))]


def chunked(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _ordered_window(chunks: Iterable[list[Document]], submit: Callable[[list[Document]], Any],
                    result: Callable[[Any], list[Found]], window: int) -> Iterator[Result]:
    """Submit chunks, keeping at most ``window`` in flight; yield results in input order,
    each with its document (kept here, not sent back)."""
    pending: deque[tuple[list[Document], Any]] = deque()
    for chunk in chunks:
        pending.append((chunk, submit(chunk)))
        if len(pending) >= window:
            docs, job = pending.popleft()
            yield from ((d, *found) for d, found in zip(docs, result(job)))
    while pending:
        docs, job = pending.popleft()
        yield from ((d, *found) for d, found in zip(docs, result(job)))


# One Rules per worker process, loaded by the pool initializer.
_WORKER_RULES: list[Rules] = []


def _init_worker(rules_dir: str | None, warm_up: bool = True) -> None:
    """Load the rules; with ``warm_up``, extract from a line of text so that the extractor's
    patterns are compiled now, while the main process is still reading the inputs."""
    _WORKER_RULES[:] = [load_rules(rules_dir)]
    if warm_up:
        from .claims import extract_claims

        extract_claims(Document("warm-up", "About 1,000 people marched, police said."),
                       _WORKER_RULES[0])


def _work(docs: list[Document]) -> list[Found]:
    return chunk_results(docs, _WORKER_RULES[0])


def _apply(fn: Callable[[Any, Rules], Any], item: Any) -> Any:
    return fn(item, _WORKER_RULES[0])


def map_local(fn: Callable[[_T, Rules], _R], items: Iterable[_T], rules: Rules,
              rules_dir: str | None, jobs: int) -> Iterator[_R]:
    """``fn(item, rules)`` for each item, in order: in ``jobs`` local processes (each with the
    rules of ``rules_dir``, and at most two items each in flight), or here with ``rules`` when
    ``jobs`` is 1. ``fn`` must be a module-level function, so that workers can import it."""
    if jobs <= 1:
        yield from (fn(item, rules) for item in items)
        return
    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(rules_dir, False)) as pool:
        pending: deque[Any] = deque()
        for item in items:
            pending.append(pool.apply_async(_apply, (fn, item)))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


INLINE_DOCS = 256  # up to this many documents are processed in this process, without workers
# ... unless finding them takes longer than this (a re-run reading whole changed files): then
# workers start at once and get ready (their rules, compiled patterns) while the rest is read
INLINE_SECONDS = 0.1


def run_local(docs: Iterable[Document], rules_dir: str | None, jobs: int,
              chunk: int = CHUNK_DOCS, inline_docs: int = INLINE_DOCS,
              inline_seconds: float = INLINE_SECONDS) -> Iterator[Result]:
    """Results of every document, in order, from ``jobs`` processes (1: in this process)."""
    it = iter(docs)
    head: list[Document] = []
    started = time.monotonic()
    for doc in it:
        head.append(doc)
        if len(head) > inline_docs or time.monotonic() - started > inline_seconds:
            break
    else:  # the whole input, and few documents: starting workers would cost more than the work
        if not head:  # nothing to do: start no worker
            return
        jobs = 1
    docs = itertools.chain(head, it)
    if jobs <= 1:
        rules = load_rules(rules_dir)
        for c in chunked(docs, chunk):
            yield from process_chunk(c, rules)
        return
    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(rules_dir,)) as pool:
        yield from _ordered_window(chunked(docs, chunk), lambda c: pool.apply_async(_work, (c,)),
                                   lambda f: f.get(), window=4 * jobs)


def run_dask(docs: Iterable[Document], rules_dir: str | None, jobs: int,
             scheduler: str | None = None, chunk: int = CHUNK_DOCS) -> Iterator[Result]:
    """Results of every document, in order, from a Dask cluster.

    ``scheduler``: the address of a running scheduler (``tcp://host:8786``); None starts a
    LocalCluster of ``jobs`` worker processes for the time of the run.
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise EngineError("the dask engine needs dask: pip install 'numcheck[dask]'") from exc
    rules = load_rules(rules_dir)
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
        else:
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise EngineError(f"cannot reach the dask scheduler {scheduler}: {exc}") from exc
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        [rules_future] = client.scatter([rules], broadcast=True)
        yield from _ordered_window(
            chunked(docs, chunk),
            lambda c: client.submit(chunk_results, c, rules_future, pure=False),
            lambda f: f.result(), window=4 * n_workers)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_engine(name: str, docs: Iterable[Document], rules_dir: str | None, jobs: int,
               scheduler: str | None = None) -> Iterator[Result]:
    """Dispatch to ``run_local`` or ``run_dask``."""
    if name == "dask":
        return run_dask(docs, rules_dir, jobs, scheduler)
    return run_local(docs, rules_dir, jobs)
