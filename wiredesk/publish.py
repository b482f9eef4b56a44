"""Publish: move a run's audited batch from the staging file into the analyst tables, in one transaction.

Publishing runs PUBLISH_STEPS in order: SQL files of `sql/publish/` and `sql/derived/` (tables derived from the
mentions, rebuilt for what the batch touched), and one step in Python, linking stories (wiredesk/stories.py),
because labelling connected components is a graph pass SQL does badly. Entity identity (canonical names, ids,
speakers) is decided here, once, in `sql/publish/resolve_entities.sql`. Python only checks the batch, counts
what changed and records the run.

A statement of a publish file naming `{per_article_table}` or `{copied_table}` runs once per table of the
registry (wiredesk/tables.py): every per-article table, or every one published as staged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import duckdb
import polars as pl

from wiredesk.entities import load_organisation_names
from wiredesk.listings import everyday_words, listed_companies
from wiredesk.shipped import sql_text
from wiredesk.stories import link_stories
from wiredesk.tables import ARTICLE_ROW_TABLES, COPIED_TABLES, STAGING_TABLES
from wiredesk.warehouse import STAGING, StagingMismatch, current_batch, staged_tables

Step = Callable[[duckdb.DuckDBPyConnection], None]
_PLACEHOLDERS = {
    "{per_article_table}": ARTICLE_ROW_TABLES,
    "{copied_table}": COPIED_TABLES,
}


def split_statements(script: str) -> list[str]:
    """A SQL file's statements: each ends with a line (not a comment) that ends in `;`."""
    statements, lines = [], []
    for line in script.splitlines():
        lines.append(line)
        if line.rstrip().endswith(";") and not line.lstrip().startswith("--"):
            statements.append("\n".join(lines))
            lines = []
    if any(line.strip() and not line.lstrip().startswith("--") for line in lines):
        statements.append("\n".join(lines))
    return statements


def expand_statements(script: str) -> list[str]:
    """A SQL file's statements, each naming a registry placeholder repeated once per table it stands for."""
    statements = []
    for statement in split_statements(script):
        placeholder = next((p for p in _PLACEHOLDERS if p in statement), None)
        tables = _PLACEHOLDERS[placeholder] if placeholder else (None,)
        statements += [statement.replace(placeholder, table) if placeholder else statement for table in tables]
    return statements


def sql_step(path: str) -> Step:
    """A publish step that runs a shipped SQL file, statement by statement."""
    statements = expand_statements(sql_text(f"{path}.sql"))

    def run(con: duckdb.DuckDBPyConnection) -> None:
        for statement in statements:
            con.execute(statement)

    run.__name__ = path
    return run


PUBLISH_STEPS: tuple[Step, ...] = (
    sql_step("publish/replace_articles"),
    sql_step("publish/add_articles"),
    link_stories,
    sql_step("publish/follow_renames"),
    sql_step("publish/listings"),
    sql_step("publish/resolve_entities"),
    sql_step("publish/entities"),
    # Derived from the mention tables, for the articles and entities this publish touched.
    sql_step("derived/entity_aliases"),
    sql_step("derived/article_entities"),
    sql_step("derived/article_commodities"),
    sql_step("publish/rejected_articles"),
    sql_step("publish/commodities"),
)


def publish(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    commodity_catalogue: pl.DataFrame,
    organisation_names: pl.DataFrame | None = None,
    step_seconds: dict[str, float] | None = None,
) -> dict[str, int]:
    """Move the staged batch (attached as `staging`) into the analyst tables in one transaction; returns what
    changed. The batch must be `run_id`'s own: a run never publishes what another staged.
    `organisation_names` (alias, name) defaults to the shipped `wiredesk/data/organisation_names.csv`;
    `step_seconds`, when given, receives how long each step took."""
    missing = set(STAGING_TABLES) - staged_tables(con)
    if missing:
        raise StagingMismatch(f"staging is incomplete (missing {sorted(missing)}): rerun the whole job")
    staged_by = current_batch(con)
    if staged_by != run_id:
        raise StagingMismatch(f"the staged batch belongs to run {staged_by}, not to this run {run_id}: rerun the job")

    def scalar(sql: str) -> int:
        return con.execute(sql).fetchall()[0][0]

    con.register("catalogue", commodity_catalogue.to_arrow())
    names = organisation_names if organisation_names is not None else load_organisation_names()
    con.register("organisation_names", names.to_arrow())
    con.register("listed_companies", listed_companies().to_arrow())
    con.register("everyday_words", everyday_words().to_arrow())
    con.execute("begin transaction")
    try:
        removed = scalar(
            f"select count(*) from articles where article_id not in (select article_id from {STAGING}.folder_articles)"
        )
        renamed = scalar(
            f"""select count(*) from articles as a join {STAGING}.folder_articles as f using (article_id)
            where a.source_path <> f.source_path"""
        )
        added = scalar(f"select count(*) from {STAGING}.articles")
        for step in PUBLISH_STEPS:
            started = time.perf_counter()
            step(con)
            if step_seconds is not None:
                step_seconds[step.__name__] = round(time.perf_counter() - started, 3)
        # Staging extracted every article again when the rules changed, so all of them are under these now.
        rules, blank_lines = con.execute(f"select extraction_rules, blank_lines from {STAGING}.batch").fetchall()[0]
        if rules is not None:
            con.execute("delete from extraction_rules")
            con.execute("insert into extraction_rules values (?, ?)", [rules, datetime.now(UTC)])
        counts = {
            "articles_total": scalar("select count(*) from articles"),
            "articles_added": added,
            "articles_removed": removed,
            "articles_renamed": renamed,
            "rejected_total": scalar("select count(*) from rejected_articles"),
            "blank_lines": blank_lines,
        }
        con.execute(
            """insert into pipeline_runs by name
            select ? as run_id, ? as published_at, ? as articles_total, ? as articles_added,
                   ? as articles_removed, ? as articles_renamed, ? as rejected_total, ? as blank_lines""",
            [run_id, datetime.now(UTC), *counts.values()],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("catalogue")
        con.unregister("organisation_names")
        con.unregister("listed_companies")
        con.unregister("everyday_words")
    return counts
