"""The analyst tables: published from staging in one transaction, after the blocking checks have passed."""

from pathlib import Path

import dagster as dg

from assets.resources import Warehouse
from assets.staging import EXTRACTED_KEYS, STAGED_ARTICLES
from wiredesk.commodities import load_catalogue
from wiredesk.publish import publish
from wiredesk.report import bar_chart_markdown, markdown_table
from wiredesk.warehouse import ANALYST_TABLES, STAGING, attach_staging, remove_staging

TABLE_DESCRIPTIONS = {
    "articles": "One row per distinct article in the folder: normalised title and body, word count, hash, tone.",
    "sentences": "Every sentence of every article (0 is the title), its offsets into the title or body, its tone.",
    "entities": "One row per entity: canonical name, type, country, and how often and where it is mentioned.",
    "entity_aliases": "Every surface form met for each entity (US, U.S., the United States → United States).",
    "entity_mentions": "Each named-entity mention: entity, field, offsets that slice back to the text, sentence.",
    "commodities": "The commodity catalogue (group, HS code, synonyms) with mention and article counts.",
    "commodity_mentions": "Each commodity mention: commodity, group, offsets, sentence index and text.",
    "article_entities": "Each entity an article names, with its relevance (title, lead, frequency, position).",
    "article_commodities": "Each commodity an article names, its relevance, and whether the article is about it.",
    "quotations": "Each quotation in a body: the quoted words, partial or not, the cue, and the speaker's entity.",
    "figures": "Each number that measures something: value with its scale, unit, currency, kind, commodity.",
    "tone_terms": "The words that carried each sentence's tone (lexicon cues and learned words), with weights.",
    "article_stories": "Each article's story (near-duplicates and follow-ups), whether it ran first, its novelty.",
    "story_clusters": "Each story: its first article and when it ran, and how many articles told it.",
    "rejected_articles": "Every file or JSONL line in the folder that could not be loaded, with the reason.",
}
WAREHOUSE_KEYS = {table: dg.AssetKey(table) for table in ANALYST_TABLES}

# (title, query giving label and count) of the chart shown with a table's materialisation in the UI.
CHARTS = {
    "commodity_mentions": (
        "Mentions by commodity (top 15)",
        "select commodity, count(*) as n from commodity_mentions group by 1 order by n desc, 1 limit 15",
    ),
    "entities": (
        "Entities by type",
        "select entity_type, count(*) as n from entities group by 1 order by n desc, 1",
    ),
    "rejected_articles": (
        "Rejected inputs by reason",
        "select reason, count(*) as n from rejected_articles group by 1 order by n desc, 1",
    ),
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            description=TABLE_DESCRIPTIONS[table],
            deps=[STAGED_ARTICLES, *EXTRACTED_KEYS],
            group_name="warehouse",
            kinds={"duckdb"},
        )
        for table, key in WAREHOUSE_KEYS.items()
    ],
)
def publish_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Publish the audited staging batch into the analyst tables in a single DuckDB transaction."""
    with warehouse.connect() as con:
        attach_staging(con, Path(warehouse.database), read_only=True)
        changes = publish(con, context.run_id, load_catalogue())
        con.execute(f"detach {STAGING}")
        remove_staging(Path(warehouse.database))
        context.log.info(f"published: {changes}")
        for table, key in WAREHOUSE_KEYS.items():
            count = con.execute(f"select count(*) from {table}").fetchall()[0][0]
            preview = con.sql(f"select * from {table} limit 5").pl()
            metadata = {
                "dagster/row_count": count,
                "preview": dg.MetadataValue.md(markdown_table(preview)),
            }
            if table == "articles":
                metadata.update(changes)
            if table in CHARTS:
                title, sql = CHARTS[table]
                rows = con.execute(sql).fetchall()
                chart = bar_chart_markdown([str(r[0]) for r in rows], [r[1] for r in rows], title)
                metadata["chart"] = dg.MetadataValue.md(chart)
            yield dg.MaterializeResult(asset_key=key, metadata=metadata)
