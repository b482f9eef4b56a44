"""The analyst tables: published from staging in one transaction, after the blocking checks have passed."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from assets.ahead import computed_ahead
from assets.resources import ExtractionCluster, Warehouse
from assets.staging import EXTRACTED_KEYS, STAGED_ARTICLES
from wiredesk.commodities import load_catalogue
from wiredesk.publish import publish
from wiredesk.report import bar_chart_markdown, markdown_table
from wiredesk.tables import ANALYST_TABLES
from wiredesk.warehouse import STAGING, attach_staging, remove_staging

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
            description=ANALYST_TABLES[table],
            deps=[STAGED_ARTICLES, *EXTRACTED_KEYS],
            group_name="warehouse",
            kinds={"duckdb"},
        )
        for table, key in WAREHOUSE_KEYS.items()
    ],
)
def publish_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse, cluster: ExtractionCluster):
    """Publish the audited staging batch into the analyst tables in a single DuckDB transaction."""
    with warehouse.connect() as con:
        attach_staging(con, Path(warehouse.database), read_only=True)
        step_seconds: dict[str, float] = {}
        changes = publish(con, context.run_id, load_catalogue(), step_seconds=step_seconds)
        con.execute(f"detach {STAGING}")
        remove_staging(Path(warehouse.database))
        if cluster.ray_address:  # the batches are in the warehouse now
            from wiredesk.batches import BatchLocation

            BatchLocation.open(cluster.location_for(Path(warehouse.database))).remove_all()
        context.log.info(f"published: {changes}")
        yield from computed_ahead(_materializations(con, changes, step_seconds))


def _materializations(con, changes: dict, step_seconds: dict[str, float]) -> Iterator[dg.MaterializeResult]:
    """Each published table's row count, preview and chart (the publish's own figures on `articles`)."""
    for table, key in WAREHOUSE_KEYS.items():
        count = con.execute(f"select count(*) from {table}").fetchall()[0][0]
        preview = con.sql(f"select * from {table} limit 5").pl()
        metadata = {
            "dagster/row_count": count,
            "preview": dg.MetadataValue.md(markdown_table(preview)),
        }
        if table == "articles":
            metadata.update(changes)
            metadata["publish_step_seconds"] = dg.MetadataValue.json(step_seconds)
        if table in CHARTS:
            title, sql = CHARTS[table]
            rows = con.execute(sql).fetchall()
            chart = bar_chart_markdown([str(r[0]) for r in rows], [r[1] for r in rows], title)
            metadata["chart"] = dg.MetadataValue.md(chart)
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
