"""The default engine: extraction in worker processes on this machine.

Each worker loads the models once and extracts whole chunks of articles, model and rules together, as a Ray
actor does on a cluster (wiredesk/ray_engine.py); the run's process only hands out chunks and writes results.
That keeps both cores on extraction: when spaCy's own `n_process` ran the model, this process tokenised every
text and (de)serialised every Doc, and ran the rules while the workers waited.

A worker that grows past its memory limit is stopped; the chunks it and its neighbour held are then read again
one article at a time in this process, and the rest go on in fresh workers.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from itertools import islice

from wiredesk.extraction import ChunkResult, loaded_extraction
from wiredesk.processes import resident_bytes

Row = tuple[str, str, str]  # article_id, title, body

# Below this many articles per worker, starting worker processes costs more than it saves.
MIN_ARTICLES_PER_PROCESS = 64
# Chunks queued per worker: one being extracted, one waiting, so a worker never idles on the hand-off.
CHUNKS_IN_FLIGHT_PER_WORKER = 2
# The smallest chunk a worker is handed as a run nears its end (see `next_chunk_size`).
MIN_CHUNK_SIZE = 25
# A worker may grow this far past its resident size once its models are loaded (a batch of long pieces needs
# about 0.3 GB: see nlp.PIECE_CHARS); past it, it is stopped. A cap on the address space instead left a worker
# whose allocation failed hung, and the run with it.
WORKER_MEMORY_HEADROOM = 1 << 30


def processes_for(article_count: int, processes: int) -> int:
    return processes if article_count >= MIN_ARTICLES_PER_PROCESS * processes else 1


# A worker process's extraction, its models loaded once by `_start_worker`.
_extract_rows: Callable[[list[Row]], list[ChunkResult]] | None = None


def _start_worker(model: str, batch_size: int, headroom: int, messages) -> None:
    global _extract_rows
    _extract_rows = loaded_extraction(model, batch_size)
    # The loaded models are hundreds of thousands of objects that live as long as the worker: kept out of the
    # collector's sweeps, which otherwise walk them all again and again (about 5% of a worker's time).
    gc.freeze()
    # The limit counts from the worker's size with its models loaded, which only the worker knows.
    limit = (resident_bytes(os.getpid()) or 0) + headroom
    threading.Thread(target=_watch_own_memory, args=(limit, messages), name="wiredesk-memory", daemon=True).start()


def _watch_own_memory(limit: int, messages) -> None:
    """Stop this worker once it outgrows `limit`, saying why first: the run reads its chunk again, an article at
    a time, in its own process."""
    while True:
        size = resident_bytes(os.getpid()) or 0
        if size > limit:
            pid = os.getpid()
            messages.put(f"worker {pid} grew to {size >> 20} MB, past its limit of {limit >> 20} MB, and was stopped")
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.1)


def _extract_chunk(rows: list[Row]) -> list[ChunkResult]:
    return _extract_rows(rows)


def next_chunk_size(remaining: int | None, processes: int, largest: int) -> int:
    """The size of the next chunk to hand out: `largest` while much is left, then smaller, so that the workers
    finish together (a run's last chunk no longer keeps one worker busy while the other idles). Large chunks
    matter: each chunk's rules cost a fixed part besides their per-article part."""
    if remaining is None:
        return largest
    return max(min(MIN_CHUNK_SIZE, largest), min(largest, remaining // (processes * CHUNKS_IN_FLIGHT_PER_WORKER)))


def extract_locally(
    rows: Iterable[Row], model: str, *, processes: int, batch_size: int, chunk_size: int, total: int | None = None
) -> Iterator[ChunkResult]:
    """Extract a stream of `total` rows on this machine, at most `chunk_size` articles at a time: in `processes`
    worker processes, or with one, in this process (a worker's start costs more than a few articles)."""
    if processes > 1:
        yield from extract_in_processes(
            rows, model, processes=processes, batch_size=batch_size, chunk_size=chunk_size, total=total
        )
        return
    extract_rows = loaded_extraction(model, batch_size)
    source = iter(rows)
    while chunk := list(islice(source, chunk_size)):
        yield from extract_rows(chunk)


def extract_in_processes(
    rows: Iterable[Row], model: str, *, processes: int, batch_size: int, chunk_size: int, total: int | None = None
) -> Iterator[ChunkResult]:
    """Extract a stream of `total` rows (None: not known) in `processes` worker processes, at most `chunk_size`
    articles at a time; results come as chunks finish, in any order. Chunks a stopped worker took down are read
    again article by article here."""
    source = _Counted(rows, total)
    while True:
        lost: list[Row] = []
        warnings: list[str] = []
        yield from _run_workers(source, model, processes, batch_size, chunk_size, lost, warnings)
        if not lost:
            return
        yield from _one_at_a_time(lost, model, batch_size, warnings)


def _run_workers(source, model, processes, batch_size, chunk_size, lost: list[Row], warnings: list[str]):
    """Chunks of `source` through a pool of workers until the source ends or a worker dies; then the rows of the
    chunks not done go to `lost`, and what the workers said to `warnings`."""
    context = multiprocessing.get_context("spawn")  # fork would copy Polars' and spaCy's threads in a bad state
    messages = context.SimpleQueue()
    pool = ProcessPoolExecutor(
        processes,
        mp_context=context,
        initializer=_start_worker,
        initargs=(model, batch_size, WORKER_MEMORY_HEADROOM, messages),
    )
    running: dict[Future, list[Row]] = {}
    try:

        def submit_next() -> bool:
            chunk = list(islice(source, next_chunk_size(source.remaining, processes, chunk_size)))
            if chunk:
                running[pool.submit(_extract_chunk, chunk)] = chunk
            return bool(chunk)

        while len(running) < processes * CHUNKS_IN_FLIGHT_PER_WORKER and submit_next():
            pass
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                chunk = running.pop(future)
                try:
                    results = future.result()
                except Exception:  # a worker died (BrokenProcessPool) or could not send its result back
                    lost += chunk
                    continue
                yield from results
                if not lost:
                    submit_next()
            if lost:  # the pool is broken: what it still holds is lost too
                for chunk in running.values():
                    lost += chunk
                running.clear()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        while not messages.empty():
            warnings.append(messages.get())
        messages.close()


class _Counted:
    """An iterator of rows that knows how many are left, when it was told how many there are."""

    def __init__(self, rows: Iterable[Row], total: int | None):
        self.rows, self.remaining = iter(rows), total

    def __iter__(self) -> Iterator[Row]:
        return self

    def __next__(self) -> Row:
        row = next(self.rows)
        if self.remaining is not None:
            self.remaining = max(self.remaining - 1, 0)
        return row


def _one_at_a_time(rows: list[Row], model: str, batch_size: int, warnings: list[str]) -> Iterator[ChunkResult]:
    extract_rows = loaded_extraction(model, batch_size)
    said = [f"{w}; {len(rows)} articles are read again one at a time" for w in warnings or ["a worker process died"]]
    yield ChunkResult([], 0, warnings=said)
    for row in rows:
        yield from extract_rows([row])
