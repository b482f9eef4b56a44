"""A step's results computed one ahead in a thread, while Dagster records the one before.

Dagster records each result a step yields (output and materialisation or check evaluation) in its SQLite event
log before it asks for the next, a few milliseconds of this process's time each, and a step with ten or more
results spends a good share of a small run there. The results themselves mostly wait on DuckDB or on the
validator's pipe, which release the GIL, so computing the next one meanwhile overlaps the two.
"""

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
_END = object()


def computed_ahead(results: Iterable[T]) -> Iterator[T]:
    """`results` in order, each computed while the caller handles the one before (one waits at most, so memory
    stays that of two). They are all computed in one thread, so a connection opened by `results` stays in it;
    an error computing one is raised here, in its place."""
    source = iter(results)
    with ThreadPoolExecutor(1, thread_name_prefix="wiredesk-ahead") as thread:
        try:
            pending = thread.submit(next, source, _END)
            while (result := pending.result()) is not _END:
                pending = thread.submit(next, source, _END)
                yield result
        finally:  # the caller stopped early, or one failed: end `results` (its connections) in its own thread
            close = getattr(source, "close", None)
            if close is not None:
                thread.submit(close).result()
