"""Asset checks. Blocking Great Expectations suites on the staged rows keep bad rows out of the analyst
tables (publish does not run when one fails); SQL checks on the published tables guard the whole warehouse.
"""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import polars as pl

from assets.ahead import computed_ahead
from assets.resources import Warehouse
from assets.staging import STAGED_ARTICLES, STAGED_KEYS
from assets.warehouse import WAREHOUSE_KEYS
from wiredesk.commodities import load_catalogue
from wiredesk.report import markdown_table, validation_report_html
from wiredesk.settings import reports_dir
from wiredesk.slices import SliceCheck, checked_rows, count_not_slicing_back
from wiredesk.stories import BANDS, PERMUTATIONS
from wiredesk.validation import ValidationReport, stop_validator, validate
from wiredesk.warehouse import STAGING, current_batch, read_staged, read_staged_checked


def write_html_report(report: ValidationReport, batch_id: str) -> Path:
    """The suite's results as HTML under <reports folder>/<run id>/ (the role of GX Data Docs): the project's
    data/reports unless WIREDESK_REPORTS_DIR says otherwise, never beside whatever file WIREDESK_DB names."""
    folder = reports_dir() / batch_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{report.suite}.html"
    path.write_text(validation_report_html([report], batch_id), encoding="utf-8")
    return path


def check_result(report: ValidationReport, html_report: Path | None = None) -> dg.AssetCheckResult:
    """A Great Expectations report as a Dagster check result, with a sample of failing rows per failure."""
    outcomes = pl.DataFrame(
        [
            {
                "expectation": o.expectation,
                "column": o.column,
                "success": o.success,
                "unexpected": o.unexpected_count,
            }
            for o in report.outcomes
        ]
    )
    metadata: dict[str, dg.MetadataValue] = {
        "summary": dg.MetadataValue.text(report.summary()),
        "rows_validated": dg.MetadataValue.int(report.row_count),
        "expectations": dg.MetadataValue.md(markdown_table(outcomes, max_rows=50)),
    }
    if html_report is not None:
        metadata["report"] = dg.MetadataValue.path(str(html_report))
    for outcome in report.failures:
        rows = pl.DataFrame(outcome.failing_rows) if outcome.failing_rows else pl.DataFrame()
        metadata[f"failing_{outcome.expectation}_{outcome.column}"[:120]] = dg.MetadataValue.md(
            markdown_table(rows.drop([c for c in ("body",) if c in rows.columns]), max_width=40)
        )
    return dg.AssetCheckResult(
        passed=report.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=report.summary(),
        metadata=metadata,
    )


def audit(frame: pl.DataFrame, suite: str, warehouse: Warehouse, batch_id: str) -> dg.AssetCheckResult:
    """Run a suite on the staged rows; the result for the UI, with the HTML report written and linked."""
    report = validate(frame, suite)
    return check_result(report, write_html_report(report, batch_id))


@dg.asset_check(asset=STAGED_ARTICLES, blocking=True, name="great_expectations")
def staged_articles_expectations(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Staged articles: ids and paths unique and present, content hash well formed, non-empty text."""
    with warehouse.staging() as con:
        articles, batch = read_staged(con, "articles"), current_batch(con)
    return audit(articles, "articles", warehouse, batch)


def _entity_mentions(con) -> pl.DataFrame:
    return read_staged_checked(con, "entity_mentions")


def _commodity_mentions(con) -> pl.DataFrame:
    catalogue = load_catalogue().select("commodity", "commodity_group").with_columns(in_catalogue=pl.lit(True))
    return (
        read_staged_checked(con, "commodity_mentions")
        .join(catalogue, on=["commodity", "commodity_group"], how="left")
        .with_columns(pl.col("in_catalogue").fill_null(False))
    )


def _quotations(con) -> pl.DataFrame:
    speakers = checked_rows(
        con,
        SliceCheck(
            f"{STAGING}.quotations",
            "speaker_text",
            articles=f"{STAGING}.articles",
            field="'body'",
            start="speaker_start_char",
            end="speaker_end_char",
            where="m.speaker_text is not null",
        ),
        "m.article_id, m.start_char",
    ).select("article_id", "start_char", speaker_slice_matches="slice_matches")
    return (
        read_staged_checked(con, "quotations", "quote_text")
        .join(speakers, on=["article_id", "start_char"], how="left")
        .with_columns(pl.col("speaker_slice_matches").fill_null(pl.col("speaker_text").is_null()))
    )


def _figures(con) -> pl.DataFrame:
    return read_staged_checked(con, "figures", "figure_text").with_columns(value_is_finite=pl.col("value").is_finite())


def _commodity_events(con) -> pl.DataFrame:
    catalogue = load_catalogue().select("commodity").with_columns(in_catalogue=pl.lit(True))
    sentences = con.sql(f"select article_id, field, sentence_index, sentence_text from {STAGING}.sentences").pl()
    return (
        con.sql(f"select * from {STAGING}.commodity_events")
        .pl()
        .join(catalogue, on="commodity", how="left")
        .join(sentences, on=["article_id", "field", "sentence_index"], how="left")
        .with_columns(
            pl.col("in_catalogue").fill_null(False),
            sentence_matches=pl.col("sentence") == pl.col("sentence_text"),
        )
    )


def _article_signatures(con) -> pl.DataFrame:
    return con.sql(
        f"""select s.article_id, s.shingle_count, a.article_id is not null as has_article,
               len(s.signature) = {PERMUTATIONS} and len(s.bands) = {BANDS} as signature_complete
        from {STAGING}.article_signatures as s left join {STAGING}.articles as a using (article_id)"""
    ).pl()


def _results(con) -> pl.DataFrame:
    return read_staged_checked(con, "results", "result_text").with_columns(
        values_are_finite=pl.col("value").is_finite() & pl.col("prior_value").is_finite(),
        direction_agrees=pl.col("direction")
        == pl.when(pl.col("value") > pl.col("prior_value"))
        .then(pl.lit("up"))
        .when(pl.col("value") < pl.col("prior_value"))
        .then(pl.lit("down"))
        .otherwise(pl.lit("unchanged")),
    )


# What the extraction step staged, by table (its suite has the table's name): what the suite checks, and the rows
# it reads (with the columns DuckDB derives: has_article, slice_matches, ...).
EXTRACTED_SUITES = {
    "sentences": (
        "offsets that slice back to the sentence, a tone between -1 and 1 on every sentence",
        lambda con: read_staged_checked(con, "sentences", "sentence_text"),
    ),
    "entity_mentions": (
        "allowed types, offsets inside the field that slice back to the mention",
        _entity_mentions,
    ),
    "commodity_mentions": (
        "commodities from the catalogue, offsets that slice back, a sentence each",
        _commodity_mentions,
    ),
    "quotations": (
        "the quoted words and the speaker's words slice back to the body, cues from the list",
        _quotations,
    ),
    "figures": (
        "offsets that slice back, finite values, units, currencies and kinds from the allowed sets",
        _figures,
    ),
    "tone_terms": (
        "terms that slice back to their sentence's field, a weight and a source each",
        lambda con: read_staged_checked(con, "tone_terms", "term"),
    ),
    "commodity_events": (
        "commodities from the catalogue, event types and events from the vocabulary, a sentence each",
        _commodity_events,
    ),
    "article_signatures": (
        "one story signature per staged article, whole (every permutation and band)",
        _article_signatures,
    ),
    "results": (
        "lines that slice back, measures and directions from the allowed sets, finite values, the direction "
        "the values say",
        _results,
    ),
}


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec("great_expectations", asset=STAGED_KEYS[table], blocking=True, description=description)
        for table, (description, _) in EXTRACTED_SUITES.items()
    ],
)
def staged_extraction_expectations(warehouse: Warehouse):
    """Great Expectations on everything the extraction step staged, one check per table, in one step: a step
    costs Dagster a few hundred milliseconds, most of a one-article run. One table's rows are read at a time,
    the next while Dagster records the last, and these are a run's last suites: the validator process stops
    after them, so that neither its memory nor the rows validated are held through the publish."""
    yield from computed_ahead(_extraction_audits(warehouse))


def _extraction_audits(warehouse: Warehouse) -> Iterator[dg.AssetCheckResult]:
    with warehouse.staging() as con:
        batch = current_batch(con)
        for table, (_, read) in EXTRACTED_SUITES.items():
            result = audit(read(con), table, warehouse, batch)
            yield dg.AssetCheckResult(
                asset_key=STAGED_KEYS[table],
                check_name="great_expectations",
                passed=result.passed,
                severity=result.severity,
                description=result.description,
                metadata=result.metadata,
            )
    stop_validator()


# Whole-warehouse invariants: SQL that counts the rows breaking them, or a SliceCheck of rows whose offsets must
# slice back to their article (wiredesk/slices.py).
WAREHOUSE_INVARIANTS = {
    "articles": {
        "article_id is unique": "select count(*) - count(distinct article_id) from articles",
        "source_path is unique": "select count(*) - count(distinct source_path) from articles",
    },
    "entity_mentions": {
        "each has its article, slices back": SliceCheck("entity_mentions", "mention_text"),
        "every mention has its entity": """select count(*) from entity_mentions
            where entity_id not in (select entity_id from entities)""",
    },
    "commodity_mentions": {
        "each has its article, slices back": SliceCheck("commodity_mentions", "mention_text"),
        "every commodity is in the catalogue": """select count(*) from commodity_mentions
            where commodity not in (select commodity from commodities)""",
    },
    "quotations": {
        "each has its article, slices back": SliceCheck("quotations", "quote_text"),
        "every speaker slices back": SliceCheck(
            "quotations",
            "speaker_text",
            field="'body'",
            start="speaker_start_char",
            end="speaker_end_char",
            where="m.speaker_text is not null",
        ),
        "every speaker entity is an entity": """select count(*) from quotations
            where speaker_entity_id is not null and speaker_entity_id not in (select entity_id from entities)""",
    },
    "figures": {
        "each has its article, slices back": SliceCheck("figures", "figure_text"),
        "every value is finite": "select count(*) from figures where not isfinite(value)",
    },
    "sentences": {
        "every sentence has a tone in -1..1": "select count(*) from sentences where tone is null or abs(tone) > 1",
    },
    "tone_terms": {
        "each has its article, slices back": SliceCheck("tone_terms", "term"),
    },
    "commodity_events": {
        "every commodity is in the catalogue": """select count(*) from commodity_events
            where commodity not in (select commodity from commodities)""",
        "every actor is an entity": """select count(*) from commodity_events
            where actor_entity_id is not null and actor_entity_id not in (select entity_id from entities)""",
        "every event has its article": """select count(*) from commodity_events
            where article_id not in (select article_id from articles)""",
    },
    "results": {
        "each has its article, slices back": SliceCheck("results", "result_text"),
        "every company is an entity": """select count(*) from results
            where company_entity_id is not null and company_entity_id not in (select entity_id from entities)""",
    },
    "entities": {
        "mention counts add up": """select abs((select coalesce(sum(mention_count), 0) from entities)
            - (select count(*) from entity_mentions))""",
    },
}


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec("invariants", asset=WAREHOUSE_KEYS[table], description="; ".join(invariants))
        for table, invariants in WAREHOUSE_INVARIANTS.items()
    ],
)
def warehouse_invariants(warehouse: Warehouse):
    """Whole-warehouse invariants after publish, one check per table (one step, so one connection; the next
    table's counted while Dagster records the last)."""
    yield from computed_ahead(_invariant_results(warehouse))


def _invariant_results(warehouse: Warehouse) -> Iterator[dg.AssetCheckResult]:
    with warehouse.read() as con:
        for table, invariants in WAREHOUSE_INVARIANTS.items():
            broken = {
                name: count_not_slicing_back(con, sql)
                if isinstance(sql, SliceCheck)
                else con.execute(sql).fetchall()[0][0]
                for name, sql in invariants.items()
            }
            yield dg.AssetCheckResult(
                asset_key=WAREHOUSE_KEYS[table],
                check_name="invariants",
                passed=not any(broken.values()),
                metadata={name: dg.MetadataValue.int(count) for name, count in broken.items()},
            )
