"""Great Expectations 1.x suites for the staged tables, run on a pandas batch made from the Polars frame.

Why this path: `dagster-ge` supports only GX < 1.0, and GX 1.x has no Polars engine. A pandas batch of the
staged rows (new articles only, so it stays small) through an in-memory ephemeral context costs a few tens
of milliseconds per suite, and the results come back as plain dicts for the asset-check metadata.
Checks that span two tables (an offset must slice back to its text) are computed first as a boolean column
by DuckDB (`warehouse.read_staged_checked`), then expected to be true, so GX reports them with
failing samples like any other.

The suites run in a helper process (`start_validator`), so a run's process never imports GX; a frame crosses
the pipe pickled (Polars writes it as Arrow IPC), which for the new articles' rows takes milliseconds.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing.connection import Connection

import polars as pl

from wiredesk.events import EVENT_TYPES, load_event_terms
from wiredesk.figures import KINDS, UNITS
from wiredesk.furniture import FURNITURE_KINDS, ROLES
from wiredesk.quotations import QUOTE_CUES
from wiredesk.results import LINE_MEASURES
from wiredesk.tables import ENTITY_LABELS

FIELDS = ["title", "body"]
FAILING_SAMPLE_SIZE = 5


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str
    success: bool
    unexpected_count: int
    failing_rows: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class ValidationReport:
    suite: str
    row_count: int
    outcomes: list[ExpectationOutcome]

    @property
    def success(self) -> bool:
        return all(outcome.success for outcome in self.outcomes)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.success]

    def summary(self) -> str:
        if not self.outcomes:
            return f"{self.suite}: no new rows to validate"
        if self.success:
            return f"{self.suite}: all {len(self.outcomes)} expectations met on {self.row_count} rows"
        parts = [f"{o.expectation}({o.column}): {o.unexpected_count} rows" for o in self.failures]
        return f"{self.suite}: {len(self.failures)} of {len(self.outcomes)} expectations failed: " + "; ".join(parts)


# Great Expectations takes about 2 s to import (pandas, scipy, altair), most of a one-article run when it is
# imported in the run's process. The suites run in one helper process instead, the validator, started as early
# as the run allows: its import overlaps the run's first steps on the other core, and the run's process never
# holds GX at all. A plain pipe joins the two (no shared semaphores, so nothing is left over when a run's
# process leaves with `os._exit`).
_validator_lock = threading.Lock()
_validator: Validator | None = None


def _import_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations  # noqa: F401


def _serve(conn: Connection, parent: int) -> None:
    """The validator process: import GX, then run the suites it is sent until the pipe closes. It ends with
    the process that started it, however that one ends (killed, or `os._exit`)."""

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_parent, name="watch-parent", daemon=True).start()
    _import_gx()
    from tqdm import tqdm  # GX's progress bars

    # tqdm's default lock is a multiprocessing semaphore, which a validator stopped by its run would leave
    # behind (with a warning); the validator runs one suite at a time, so a thread lock does.
    tqdm.set_lock(threading.RLock())
    while True:
        try:
            frame, suite_name = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("report", validate_here(frame, suite_name)))
        except Exception as err:  # the check fails with the validator's reason, not with a lost pipe
            conn.send(("error", f"{type(err).__name__}: {err}\n{traceback.format_exc()}"))


class Validator:
    """The validator process and its end of the pipe."""

    def __init__(self) -> None:
        spawn = multiprocessing.get_context("spawn")  # forking after Polars started its threads deadlocks
        self.conn, child = spawn.Pipe()
        self.process = spawn.Process(target=_serve, args=(child, os.getpid()), name="wiredesk-validator", daemon=True)
        self.process.start()
        child.close()

    def validate(self, frame: pl.DataFrame, suite_name: str) -> ValidationReport:
        self.conn.send((frame, suite_name))
        kind, answer = self.conn.recv()
        if kind == "error":
            raise RuntimeError(f"the {suite_name} suite failed in the validator process: {answer}")
        return answer

    def stop(self) -> None:
        self.conn.close()
        self.process.kill()
        self.process.join()


def start_validator() -> None:
    """Start the validator process, which imports Great Expectations while the run gets going. Idempotent:
    one validator serves every run of this process (the UI's runs each have a process of their own)."""
    global _validator
    with _validator_lock:
        if _validator is None:
            _validator = Validator()


def stop_validator() -> None:
    """End the validator process now (a run's process calls this before `os._exit`)."""
    global _validator
    with _validator_lock:
        validator, _validator = _validator, None
    if validator is not None:
        validator.stop()


def _validate_elsewhere(frame: pl.DataFrame, suite_name: str) -> ValidationReport | None:
    """The suite run by the validator process; None when there is none, or it died (the caller then validates
    here: a lost helper costs time, never a check)."""
    global _validator
    with _validator_lock:  # one suite at a time on the pipe
        if _validator is None:
            return None
        try:
            return _validator.validate(frame, suite_name)
        except (EOFError, OSError):
            _validator.stop()
            _validator = None
            return None


@lru_cache(maxsize=1)
def _context():
    _import_gx()
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    return context, context.data_sources.add_pandas("wiredesk")


def _suite(name: str):
    import great_expectations.expectations as gxe

    def not_null(column):
        return gxe.ExpectColumnValuesToNotBeNull(column=column)

    def unique(column):
        return gxe.ExpectColumnValuesToBeUnique(column=column)

    def in_set(column, values):
        return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values))

    def at_least(column, minimum):
        return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=minimum)

    def all_true(column):
        return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True])

    def offsets():
        return [
            not_null("article_id"),
            in_set("field", FIELDS),
            at_least("start_char", 0),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="end_char", column_B="start_char"),
            all_true("has_article"),
            all_true("slice_matches"),
            not_null("sentence_index"),
        ]

    suites = {
        "articles": lambda: [
            not_null("article_id"),
            unique("article_id"),
            gxe.ExpectColumnValueLengthsToEqual(column="article_id", value=16),
            gxe.ExpectColumnValuesToMatchRegex(column="content_hash", regex=r"^[0-9a-f]{64}$"),
            not_null("source_path"),
            unique("source_path"),
            gxe.ExpectColumnValueLengthsToBeBetween(column="title", min_value=1),
            gxe.ExpectColumnValueLengthsToBeBetween(column="body", min_value=1),
            at_least("word_count", 1),
        ],
        "entity_mentions": lambda: [
            *offsets(),
            in_set("article_type", ENTITY_LABELS),
            gxe.ExpectColumnValueLengthsToBeBetween(column="article_name", min_value=1),
            gxe.ExpectColumnValuesToMatchRegex(column="country_code", regex=r"^[A-Z]{2}$"),
            in_set("role", ["news", *sorted(set(ROLES.values()))]),
        ],
        "commodity_mentions": lambda: [
            *offsets(),
            all_true("in_catalogue"),
            not_null("sentence_text"),
        ],
        "quotations": lambda: [
            *offsets(),
            in_set("field", ["body"]),
            all_true("speaker_slice_matches"),
            in_set("cue", QUOTE_CUES),
            gxe.ExpectColumnValuesToBeBetween(column="speaker_mention_start", min_value=0),
        ],
        "sentences": lambda: [
            *offsets(),
            not_null("tone"),
            gxe.ExpectColumnValuesToBeBetween(column="tone", min_value=-1, max_value=1),
            in_set("furniture", FURNITURE_KINDS),
        ],
        "tone_terms": lambda: [
            *offsets(),
            not_null("weight"),
            in_set("source", ["lexicon", "learned", "comparison"]),
        ],
        "commodity_events": lambda: [
            not_null("article_id"),
            in_set("field", FIELDS),
            all_true("in_catalogue"),
            all_true("sentence_matches"),
            in_set("event_type", EVENT_TYPES),
            in_set("event", sorted({term.event for term in load_event_terms()})),
            in_set("direction", ["up", "down", "flat"]),
            gxe.ExpectColumnValuesToMatchRegex(column="country_code", regex=r"^[A-Z]{2}$"),
            at_least("actor_mention_start", 0),
        ],
        "article_signatures": lambda: [
            not_null("article_id"),
            unique("article_id"),
            at_least("shingle_count", 1),
            all_true("has_article"),
            all_true("signature_complete"),
        ],
        "results": lambda: [
            *offsets(),
            in_set("measure", sorted({measure for measure, _ in LINE_MEASURES.values()})),
            in_set("direction", ["up", "down", "unchanged"]),
            all_true("values_are_finite"),
            all_true("direction_agrees"),
            gxe.ExpectColumnValuesToMatchRegex(column="currency", regex=r"^[A-Z]{3}$"),
        ],
        "figures": lambda: [
            *offsets(),
            all_true("value_is_finite"),
            in_set("unit", sorted(UNITS)),
            in_set("kind", KINDS),
            gxe.ExpectColumnValuesToMatchRegex(column="currency", regex=r"^[A-Z]{3}$"),
        ],
    }
    return suites[name]()


# Suites with no expectation across rows (uniqueness) run in slices of this many rows, so GX's pandas copy
# and metrics stay the same size however large the batch: memory does not grow with the corpus.
SLICE_ROWS = 50_000


def validate(frame: pl.DataFrame, suite_name: str) -> ValidationReport:
    """Run the named suite over `frame` (prepared with the derived columns the suite expects).

    An empty batch (a run with nothing new) has nothing to validate: GX is not even imported.
    """
    if frame.is_empty():
        return ValidationReport(suite=suite_name, row_count=0, outcomes=[])
    return _validate_elsewhere(frame, suite_name) or validate_here(frame, suite_name)


def validate_here(frame: pl.DataFrame, suite_name: str) -> ValidationReport:
    """`validate` in this process."""
    expectations = _suite(suite_name)
    whole_batch = any(e.expectation_type == "expect_column_values_to_be_unique" for e in expectations)
    step = frame.height if whole_batch else SLICE_ROWS
    merged: dict[int, ExpectationOutcome] = {}
    for offset in range(0, frame.height, step):
        for position, outcome in enumerate(_validate_slice(frame, offset, step, suite_name)):
            previous = merged.get(position)
            if previous is not None:
                outcome = ExpectationOutcome(
                    expectation=outcome.expectation,
                    column=outcome.column,
                    success=previous.success and outcome.success,
                    unexpected_count=previous.unexpected_count + outcome.unexpected_count,
                    failing_rows=(previous.failing_rows + outcome.failing_rows)[:FAILING_SAMPLE_SIZE],
                )
            merged[position] = outcome
    return ValidationReport(suite=suite_name, row_count=frame.height, outcomes=[merged[i] for i in sorted(merged)])


def _validate_slice(frame: pl.DataFrame, offset: int, length: int, suite_name: str) -> list[ExpectationOutcome]:
    import great_expectations as gx

    context, datasource = _context()
    expectations = _suite(suite_name)
    columns = sorted(
        {value for e in expectations for key, value in e.configuration.kwargs.items() if key.startswith("column")}
    )
    rows = frame.slice(offset, length)
    asset_name = f"{suite_name}_{id(frame)}_{offset}"
    asset = datasource.add_dataframe_asset(asset_name)
    try:
        batch = asset.add_batch_definition_whole_dataframe("batch").get_batch(
            # only the columns the suite reads, so the pandas copy stays small
            batch_parameters={"dataframe": rows.select(columns).to_pandas()}
        )
        suite = gx.ExpectationSuite(name=asset_name, expectations=expectations)
        result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    finally:
        datasource.delete_asset(asset_name)
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        kwargs = config.kwargs
        column = kwargs.get("column") or f"{kwargs.get('column_A')} > {kwargs.get('column_B')}"
        indexes = (item.result or {}).get("unexpected_index_list") or []
        sample = rows[[int(i) for i in indexes[:FAILING_SAMPLE_SIZE]]].to_dicts() if indexes else []
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=column,
                success=bool(item.success),
                unexpected_count=int((item.result or {}).get("unexpected_count") or 0),
                failing_rows=sample,
            )
        )
    return outcomes
