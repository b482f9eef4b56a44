"""Staging assets: this run's new articles and their mentions, written to the `staging` schema.

Nothing here touches the analyst tables; the blocking checks in `assets/checks.py` audit these rows and the
`publish` asset moves them into the warehouse in one transaction.
"""

from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime

import dagster as dg
import polars as pl

from assets.resources import ArticlesFolder, NlpModel, Warehouse
from wiredesk.commodities import COMMODITY_MENTION_SCHEMA, default_matcher
from wiredesk.entities import ENTITY_MENTION_SCHEMA
from wiredesk.extraction import ExtractionFailure, Models, extract_articles, extraction_rules
from wiredesk.figures import FIGURE_SCHEMA
from wiredesk.gazetteer import load_gazetteer
from wiredesk.ingest import REJECTED_SCHEMA, read_articles_folder
from wiredesk.nlp import SENTENCE_SCHEMA, processes_for
from wiredesk.normalise import normalise_articles, split_duplicates
from wiredesk.quotations import QUOTATION_SCHEMA
from wiredesk.report import markdown_table
from wiredesk.stories import article_signatures
from wiredesk.tone import TONE_TERM_SCHEMA
from wiredesk.tone import load_model as load_tone_model
from wiredesk.topics import load_model as load_topic_model
from wiredesk.warehouse import (
    STAGING,
    current_batch,
    held_articles,
    recorded_extraction_rules,
    reject_failed_extractions,
    start_batch,
    write_table,
)

STAGED_ARTICLES = dg.AssetKey([STAGING, "articles"])
STAGED_SENTENCES = dg.AssetKey([STAGING, "sentences"])
STAGED_ENTITY_MENTIONS = dg.AssetKey([STAGING, "entity_mentions"])
STAGED_COMMODITY_MENTIONS = dg.AssetKey([STAGING, "commodity_mentions"])
STAGED_QUOTATIONS = dg.AssetKey([STAGING, "quotations"])
STAGED_FIGURES = dg.AssetKey([STAGING, "figures"])
STAGED_TONE_TERMS = dg.AssetKey([STAGING, "tone_terms"])
# What the extraction step stages, in the order of its outputs.
EXTRACTED_KEYS = (
    STAGED_SENTENCES,
    STAGED_ENTITY_MENTIONS,
    STAGED_COMMODITY_MENTIONS,
    STAGED_QUOTATIONS,
    STAGED_FIGURES,
    STAGED_TONE_TERMS,
)

ARTICLE_COLUMNS = [
    "article_id",
    "source_path",
    "external_id",
    "title",
    "body",
    "published_at",
    "source",
    "url",
    "word_count",
    "paragraph_count",
    "content_hash",
    "repairs",
    "size_bytes",
    "ingested_at",
]
STAGED_REJECTED_SCHEMA = {**REJECTED_SCHEMA, "duplicate_of": pl.String}


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
    rejected = (
        pl.concat(
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
        .select(list(STAGED_REJECTED_SCHEMA))
        .cast(STAGED_REJECTED_SCHEMA)
    )

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
        write_table(con, f"{STAGING}.folder_articles", unique.select("source_path", "article_id", "content_hash"))
        write_table(con, f"{STAGING}.articles", new.select(ARTICLE_COLUMNS))
        write_table(con, f"{STAGING}.article_signatures", article_signatures(new))
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


def _staged_rows(con, batch_rows: int) -> Iterator[tuple[str, str, str]]:
    reader = con.sql(f"select article_id, title, body from {STAGING}.articles order by source_path").to_arrow_reader(
        batch_rows
    )
    for batch in reader:
        yield from zip(*(batch.column(i).to_pylist() for i in range(3)), strict=True)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(key, deps=[STAGED_ARTICLES], group_name="staging", kinds={"spacy", "duckdb"})
        for key in EXTRACTED_KEYS
    ],
)
def staged_mentions(context: dg.AssetExecutionContext, nlp: NlpModel, warehouse: Warehouse):
    """Run NER and commodity matching over the staged (new) articles, in chunks streamed into staging.

    Sentences and entity mentions come from spaCy; entity mentions are resolved to canonical entities and
    linked to countries; commodity mentions come from the catalogue and carry their sentence; quotations carry
    their speaker, figures their value, unit and commodity; each sentence its tone, and tone_terms the words
    that carried it.
    """
    outputs = {
        "sentences": {**SENTENCE_SCHEMA, "tone": pl.Float64},
        "entity_mentions": ENTITY_MENTION_SCHEMA,
        "commodity_mentions": {
            **COMMODITY_MENTION_SCHEMA,
            "in_name": pl.Boolean,
            "sentence_index": pl.Int32,
            "sentence_text": pl.String,
            "direction": pl.String,
            "trade_action": pl.String,
            "price_or_quantity": pl.String,
            "countries": pl.List(pl.String),
            "topic_score": pl.Float64,
        },
        "quotations": QUOTATION_SCHEMA,
        "figures": FIGURE_SCHEMA,
        "tone_terms": TONE_TERM_SCHEMA,
    }
    counts = dict.fromkeys(outputs, 0)
    failures: list[ExtractionFailure] = []
    previews: dict[str, pl.DataFrame] = {}
    with warehouse.staging() as con:
        current_batch(con)  # fails with a clear message when nothing is staged
        for table, schema in outputs.items():
            write_table(con, f"{STAGING}.{table}", pl.DataFrame(schema=schema))
        total = con.execute(f"select count(*) from {STAGING}.articles").fetchall()[0][0]
        if total:
            rows = _staged_rows(con.cursor(), nlp.chunk_size)
            results = extract_articles(
                rows,
                nlp.pipeline(),
                load_gazetteer(),
                default_matcher(),
                Models(topics=load_topic_model(), tone=load_tone_model()),
                n_process=processes_for(total, nlp.n_process),
                batch_size=nlp.batch_size,
                chunk_size=nlp.chunk_size,
            )
            done, started = 0, datetime.now(UTC)
            # closing(): an error below stops the model's worker processes instead of leaving the run hanging
            with closing(results) as chunks:
                for result in chunks:
                    for extracted in result.extracted:
                        for table in outputs:
                            frame = getattr(extracted, table)
                            write_table(con, f"{STAGING}.{table}", frame, append=True)
                            counts[table] += frame.height
                            previews.setdefault(table, frame.head(5))
                    failures += result.failures
                    done += result.articles
                    rate = done / max((datetime.now(UTC) - started).total_seconds(), 1e-6)
                    context.log.info(f"extracted {done}/{total} articles ({rate:.0f} articles/s)")
            reject_failed_extractions(con, failures)
            for failure in failures:
                context.log.warning(f"article {failure.article_id} rejected, {failure.reason}: {failure.error}")
    for table, key in zip(outputs, EXTRACTED_KEYS, strict=True):
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "dagster/row_count": counts[table],
                "extraction_failed": sum(f.reason == "extraction_failed" for f in failures),
                "too_complex": sum(f.reason == "too_complex" for f in failures),
                "preview": dg.MetadataValue.md(markdown_table(previews.get(table, pl.DataFrame()))),
            },
        )
