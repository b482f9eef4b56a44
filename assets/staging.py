"""Staging assets: this run's new articles and their mentions, written to the `staging` schema.

Nothing here touches the analyst tables; the blocking checks in `assets/checks.py` audit these rows and the
`publish` asset moves them into the warehouse in one transaction.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import polars as pl

from assets.resources import ArticlesFolder, ExtractionCluster, NlpModel, Warehouse
from wiredesk.extraction import ExtractionFailure, extraction_rules
from wiredesk.ingest import read_articles_folder
from wiredesk.local_engine import extract_locally, processes_for
from wiredesk.normalise import normalise_articles, split_duplicates
from wiredesk.report import markdown_table
from wiredesk.settings import DEFAULT_MODEL
from wiredesk.tables import EXTRACTED_TABLES, STAGED, conform, empty
from wiredesk.validation import start_validator, stop_validator
from wiredesk.warehouse import (
    STAGING,
    current_batch,
    held_articles,
    recorded_extraction_rules,
    reject_failed_extractions,
    start_batch,
    write_table,
)

if TYPE_CHECKING:
    from wiredesk.batches import Batch
    from wiredesk.ray_engine import Progress

# Every staged table's asset key (wiredesk/tables.py is the registry): staging/articles, staging/sentences, ...
STAGED_KEYS = {table.name: dg.AssetKey([STAGING, table.name]) for table in STAGED if table.name != "folder_articles"}
STAGED_ARTICLES = STAGED_KEYS["articles"]
# What the extraction step stages, in the order of its outputs.
EXTRACTED_KEYS = tuple(STAGED_KEYS[table] for table in EXTRACTED_TABLES)


@dg.asset(
    key=STAGED_ARTICLES,
    group_name="staging",
    kinds={"polars", "duckdb"},
    tags={"wiredesk/layer": "staging"},
)
def staged_articles(
    context: dg.AssetExecutionContext, articles_folder: ArticlesFolder, warehouse: Warehouse, nlp: NlpModel
) -> dg.MaterializeResult:
    """Read the articles folder, normalise each article, and stage the ones the warehouse does not hold yet.

    Also stages the list of every loadable article in the folder (so publish can drop deleted ones) and
    every rejected file or JSONL line with its reason, including the second path of duplicated content.
    """
    ingest = read_articles_folder(articles_folder.folder, articles_folder.max_article_bytes)
    unique, duplicates = split_duplicates(normalise_articles(ingest.articles))
    rejected = pl.concat(
        [
            ingest.rejected.with_columns(duplicate_of=pl.lit(None, pl.String)),
            duplicates.join(
                unique.select("source_path", "size_bytes"), left_on="duplicate_of", right_on="source_path"
            ).select(
                "source_path",
                reason=pl.lit("duplicate"),
                detail=pl.format("same content as {}, which is loaded", "duplicate_of"),
                size_bytes="size_bytes",
                detected_at=pl.lit(datetime.now(UTC)),
                duplicate_of="duplicate_of",
            ),
        ],
        how="diagonal_relaxed",
    )
    rejected = conform("rejected_articles", rejected)

    rules = extraction_rules(nlp.model)
    with warehouse.read() as con:  # read-only: an analyst's open session does not hold the run up here
        first_seen = held_articles(con)
        held_under = recorded_extraction_rules(con)
    known = set(first_seen["article_id"])
    if known and held_under != rules:
        context.log.info(
            f"the extraction rules changed since the warehouse was built (code, data files or models: {held_under} "
            f"→ {rules}): all {unique.height} articles are extracted again"
        )
        known = set()
    with warehouse.staging() as con:
        start_batch(con, context.run_id, rules, ingest.blank_lines)
        new = (
            unique.filter(~pl.col("article_id").is_in(list(known)))
            .join(first_seen, on="article_id", how="left")
            .with_columns(
                ingested_at=pl.coalesce(
                    pl.col("first_ingested_at").dt.convert_time_zone("UTC"), pl.lit(datetime.now(UTC))
                )
            )
        )
        write_table(con, f"{STAGING}.folder_articles", conform("folder_articles", unique))
        write_table(con, f"{STAGING}.articles", conform("articles", new))
        write_table(con, f"{STAGING}.rejected_articles", rejected)

    removed = len(known - set(unique["article_id"]))
    by_reason = rejected.group_by("reason").len().sort("reason")
    context.log.info(
        f"{unique.height} articles in the folder: {new.height} new, {unique.height - new.height} unchanged, "
        f"{removed} gone; {rejected.height} rejected; {ingest.blank_lines} blank JSONL lines"
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": new.height,
            "articles_in_folder": unique.height,
            "new_articles": new.height,
            "unchanged_articles": unique.height - new.height,
            "removed_articles": removed,
            "rejected": rejected.height,
            "blank_jsonl_lines": ingest.blank_lines,
            "rejected_by_reason": dg.MetadataValue.md(markdown_table(by_reason, max_rows=50)),
            "preview": dg.MetadataValue.md(
                markdown_table(new.select("article_id", "source_path", "title", "word_count"))
            ),
        }
    )


def _staged_rows(con, batch_rows: int, columns: str = "article_id, title, body") -> Iterator[tuple]:
    reader = con.sql(f"select {columns} from {STAGING}.articles order by source_path").to_arrow_reader(batch_rows)
    for batch in reader:
        yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(key, deps=[STAGED_ARTICLES], group_name="staging", kinds={"spacy", "duckdb"})
        for key in EXTRACTED_KEYS
    ],
)
def staged_mentions(context: dg.AssetExecutionContext, nlp: NlpModel, warehouse: Warehouse, cluster: ExtractionCluster):
    """Run NER and commodity matching over the staged (new) articles: here, in chunks streamed into staging, or
    on a Ray cluster when one is set (`cluster`), in Parquet batches loaded into staging when all are done.

    Sentences and entity mentions come from spaCy, with each mention's surface form, type, country and offsets;
    commodity mentions come from the catalogue and carry their sentence; quotations carry their speaker's words
    and offsets, figures their value, unit and commodity; each sentence its tone, and tone_terms the words that
    carried it; each body its story signature. Everything here is article-local: which entity a name is across
    the corpus, and which story an article belongs to, are decided at publish.
    """
    with warehouse.staging() as con:
        current_batch(con)  # fails with a clear message when nothing is staged
        for table in EXTRACTED_TABLES:
            write_table(con, f"{STAGING}.{table}", empty(table))
        total = con.execute(f"select count(*) from {STAGING}.articles").fetchall()[0][0]
        engine: dict[str, object] = {"engine": "ray" if cluster.ray_address else "local"}
        failures: list[ExtractionFailure] = []
        if total and cluster.ray_address:
            failures, engine = _extract_on_cluster(context, con, nlp, cluster, Path(warehouse.database), total)
        elif total:
            failures = _extract_here(context, con, nlp, total)
        reject_failed_extractions(con, failures)
        for failure in failures:
            context.log.warning(f"article {failure.article_id} rejected, {failure.reason}: {failure.error}")
        counts = {t: con.execute(f"select count(*) from {STAGING}.{t}").fetchall()[0][0] for t in EXTRACTED_TABLES}
        previews = {t: con.sql(f"select * from {STAGING}.{t} limit 5").pl() for t in EXTRACTED_TABLES}
    for table, key in zip(EXTRACTED_TABLES, EXTRACTED_KEYS, strict=True):
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "dagster/row_count": counts[table],
                "extraction_failed": sum(f.reason == "extraction_failed" for f in failures),
                "too_complex": sum(f.reason == "too_complex" for f in failures),
                **engine,
                "preview": dg.MetadataValue.md(markdown_table(previews[table])),
            },
        )


# About how long the validator process takes to start (importing Great Expectations): it is started again this
# long before extraction is expected to end, so that the extraction checks do not wait for it.
VALIDATOR_START_SECONDS = 3.0


def _extract_here(context: dg.AssetExecutionContext, con, nlp: NlpModel, total: int) -> list[ExtractionFailure]:
    """The default engine: `nlp.n_process` worker processes on this machine (this process alone for a few
    articles), chunk by chunk into staging. While worker processes run, the validator process is stopped (its
    ~300 MB are not needed until the extraction checks) and started again as they near the end."""
    processes = processes_for(total, nlp.n_process)
    if processes > 1:
        stop_validator()
    try:
        return _extract_chunks(context, con, nlp, total, processes, near_end=start_validator if processes > 1 else None)
    finally:
        if processes > 1:
            start_validator()  # at once, when extraction failed or ended before it was expected to


def _extract_chunks(
    context: dg.AssetExecutionContext,
    con,
    nlp: NlpModel,
    total: int,
    processes: int,
    near_end: Callable[[], None] | None = None,
) -> list[ExtractionFailure]:
    """Extraction through the local engine, each chunk written to staging as it comes; `near_end()` is called
    once, when what is left should take VALIDATOR_START_SECONDS at the rate so far."""
    results = extract_locally(
        _staged_rows(con.cursor(), nlp.chunk_size),
        nlp.model,
        processes=processes,
        batch_size=nlp.batch_size,
        chunk_size=nlp.chunk_size,
        total=total,
    )
    failures: list[ExtractionFailure] = []
    done, started = 0, time.monotonic()
    # closing(): an error below stops the worker processes instead of leaving the run hanging
    with closing(results) as chunks:
        for result in chunks:
            for extracted in result.extracted:
                for table in EXTRACTED_TABLES:
                    write_table(con, f"{STAGING}.{table}", getattr(extracted, table), append=True)
            failures += result.failures
            for warning in result.warnings:
                context.log.warning(warning)
            if result.articles:
                done += result.articles
                rate = done / max(time.monotonic() - started, 1e-6)
                context.log.info(f"extracted {done}/{total} articles ({rate:.0f} articles/s)")
                if near_end is not None and (total - done) <= rate * VALIDATOR_START_SECONDS:
                    near_end()
                    near_end = None
    return failures


def _extract_on_cluster(
    context: dg.AssetExecutionContext, con, nlp: NlpModel, cluster: ExtractionCluster, db_path: Path, total: int
) -> tuple[list[ExtractionFailure], dict[str, object]]:
    """Extraction on the Ray cluster: batches planned from the staged articles, extracted by the workers into
    Parquet (wiredesk/batches.py), then read into staging with DuckDB. Batches an earlier, killed run finished
    are not extracted again."""
    # Ray (and pyarrow's datasets) are imported only by runs that use them: a local run pays nothing for them.
    from wiredesk.batches import FAILURES, BatchLocation, failures_of, plan_batches
    from wiredesk.ray_engine import extract_on_ray

    rules = con.execute(f"select extraction_rules from {STAGING}.batch").fetchall()[0][0] or ""
    location = cluster.location_for(db_path)
    keys: list[str] = []

    def planned() -> Iterator["Batch"]:
        rows = _staged_rows(con.cursor(), cluster.batch_articles, "article_id, title, body, content_hash")
        for batch in plan_batches(rows, rules, cluster.batch_articles):
            keys.append(batch.key)
            yield batch

    def report(progress: "Progress") -> None:
        context.log.info(
            f"batches {progress.batches_done}/{progress.batches_total} done ({progress.batches_resumed} from an "
            f"earlier run), {progress.articles_done} articles extracted in this run, "
            f"{progress.articles_per_second:.0f} articles/s"
        )

    progress = extract_on_ray(
        cluster.ray_address,
        planned(),
        -(-total // cluster.batch_articles),
        location,
        model=None if nlp.model == DEFAULT_MODEL else nlp.model,
        workers=cluster.workers,
        nlp_batch_size=nlp.batch_size,
        report=report,
    )
    batches = BatchLocation.open(location)
    for table in EXTRACTED_TABLES:
        con.register("batch_rows", batches.dataset(keys, table))
        try:
            con.execute(f"insert into {STAGING}.{table} by name select * from batch_rows")
        finally:
            con.unregister("batch_rows")
    failures = failures_of(pl.from_arrow(batches.dataset(keys, FAILURES).to_table()))
    return failures, {
        "engine": "ray",
        "batches": progress.batches_total,
        "batches_from_earlier_run": progress.batches_resumed,
        "articles_per_second": round(progress.articles_per_second, 1),
        "batch_location": location,
    }
