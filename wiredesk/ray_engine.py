"""Extraction on a Ray cluster: the engine for runs too large for one machine (WIREDESK_RAY_ADDRESS).

Each worker is a Ray actor that loads the models once and extracts whole batches (wiredesk/batches.py), writing
each as Parquet under the batch location, which every node must reach (a shared filesystem, an object store).
The driver (the Dagster run) only plans batches, hands them out and counts what is done; it holds a few batches
per worker at a time, so a backfill of millions of articles does not sit in its memory.

Ray retries a batch whose worker died (the actor is restarted, the batch sent again); a batch already finished
(its marker written) is never extracted again, by a retry, a second worker or a resumed run. This module is
imported only when the setting is set: a local run never imports Ray.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ray

from wiredesk.batches import Batch, BatchLocation, batch_tables
from wiredesk.shipped import MODELS_DIR_VARIABLE, models_dir, package_dir, sql_dir

# Batches given to a worker ahead of the one it is on, so it never waits for the driver.
IN_FLIGHT_PER_WORKER = 2
# A worker that dies this often on its batches fails the run (which resumes from the finished batches).
MAX_RESTARTS = 4


class BatchExtractor:
    """A Ray actor: the models loaded once, then batch after batch extracted and written."""

    def __init__(self, model: str | None, location: str, nlp_batch_size: int):
        from wiredesk.extraction import loaded_extraction
        from wiredesk.settings import DEFAULT_MODEL

        self.extract_rows = loaded_extraction(model or DEFAULT_MODEL, nlp_batch_size)
        self.location = BatchLocation.open(location)
        gc.freeze()  # the models live as long as the actor: out of the collector's sweeps (local_engine.py)

    def pid(self) -> int:
        return os.getpid()

    def extract(self, batch: Batch) -> int:
        """Extract and write one batch, unless it is finished already; the articles it holds."""
        if not self.location.finished(batch.key):
            self.location.write(batch.key, *batch_tables(self.extract_rows(batch.rows)))
        return len(batch.rows)


@dataclass
class Progress:
    batches_total: int
    batches_done: int = 0
    batches_resumed: int = 0  # finished by an earlier run: not extracted again
    articles_done: int = 0
    started: float = 0.0

    @property
    def articles_per_second(self) -> float:
        return self.articles_done / max(time.monotonic() - self.started, 1e-6)


def code_for_workers() -> dict:
    """The runtime environment that gives every worker this driver's wiredesk, SQL and (unless
    WIREDESK_MODELS_DIR points them at shared storage) models: driver and workers run the same rules."""
    modules = [str(package_dir()), str(sql_dir())]
    env_vars = {"GX_ANALYTICS_ENABLED": "False"}
    if os.environ.get(MODELS_DIR_VARIABLE):
        env_vars[MODELS_DIR_VARIABLE] = os.environ[MODELS_DIR_VARIABLE]
    else:
        modules.append(str(models_dir()))
    return {"py_modules": modules, "env_vars": env_vars}


def extract_on_ray(
    address: str,
    batches: Iterable[Batch],
    batches_total: int,
    location: str,
    *,
    model: str | None,
    workers: int = 0,
    nlp_batch_size: int = 16,
    report: Callable[[Progress], None] = lambda progress: None,
) -> Progress:
    """Extract `batches` on the Ray cluster at `address` ("auto", "ray://host:10001", or "local" for a Ray
    started in this process), `workers` actors of one CPU each (0: one per CPU of the cluster). Returns when
    every batch is finished under `location`; `report` hears of each finished batch."""
    out = BatchLocation.open(location)
    progress = Progress(batches_total, started=time.monotonic())
    ray.init(
        address=None if address == "local" else address,
        runtime_env=code_for_workers(),
        logging_level="WARNING",
        log_to_driver=False,
    )
    actors = []
    try:
        count = workers or max(int(ray.cluster_resources().get("CPU", 1)), 1)
        worker_class = ray.remote(num_cpus=1, max_restarts=MAX_RESTARTS, max_task_retries=MAX_RESTARTS)(BatchExtractor)
        actors = [worker_class.remote(model, location, nlp_batch_size) for _ in range(count)]
        todo = iter(batches)
        in_flight: dict[ray.ObjectRef, int] = {}  # task → index of its actor

        def give(actor_index: int) -> None:
            for batch in todo:
                if out.finished(batch.key):
                    progress.batches_done += 1
                    progress.batches_resumed += 1
                    report(progress)
                    continue
                in_flight[actors[actor_index].extract.remote(batch)] = actor_index
                return

        for _ in range(IN_FLIGHT_PER_WORKER):
            for index in range(count):
                give(index)
        while in_flight:
            [ready], _ = ray.wait(list(in_flight), num_returns=1)
            actor_index = in_flight.pop(ready)
            try:
                articles = ray.get(ready)
            except ray.exceptions.RayError as err:
                raise RuntimeError(
                    f"a Ray worker failed {MAX_RESTARTS + 1} times on its batches ({type(err).__name__}); the "
                    f"{progress.batches_done} finished batches stay under {location}, and the next run resumes "
                    "from them"
                ) from err
            progress.batches_done += 1
            progress.articles_done += articles
            report(progress)
            give(actor_index)
    finally:
        for actor in actors:
            ray.kill(actor)
        ray.shutdown()
    return progress
