"""Great Expectations 1.x suites for the staged tables, run on a pandas batch made from the Polars frame.

Why this path: `dagster-ge` supports only GX < 1.0, and GX 1.x has no Polars engine. A pandas batch of the
staged rows (new articles only, so it stays small) through an in-memory ephemeral context costs a few tens
of milliseconds per suite, and the results come back as plain dicts for the asset-check metadata.
Checks that span two tables (an offset must slice back to its text) are computed first as a boolean column
by DuckDB (`warehouse.read_staged_checked`), then expected to be true, so GX reports them with
failing samples like any other.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

from wiredesk.figures import KINDS, UNITS
from wiredesk.furniture import FURNITURE_KINDS, ROLES
from wiredesk.nlp import ENTITY_LABELS
from wiredesk.quotations import QUOTE_CUES

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


_warm_up_lock = threading.Lock()
_warm_up_thread: threading.Thread | None = None


def _import_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations  # noqa: F401


def start_warm_up() -> None:
    """Import Great Expectations (~2 s) on a background thread so it overlaps other work.

    `validate` waits for that import before touching GX: importing one package from two threads at once can
    fail half-way with a circular-import error.
    """
    global _warm_up_thread
    with _warm_up_lock:
        if _warm_up_thread is None:
            _warm_up_thread = threading.Thread(target=_import_gx, name="gx-warm-up", daemon=True)
            _warm_up_thread.start()


def _wait_for_warm_up() -> None:
    with _warm_up_lock:
        thread = _warm_up_thread
    if thread is not None:
        thread.join()


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
            in_set("source", ["lexicon", "learned"]),
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
    _wait_for_warm_up()
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
