"""Publish: move a run's audited batch from the staging file into the analyst tables, in one transaction.

The steps are the SQL files of `sql/publish/` (and `sql/derived/`, plain selects that rebuild a table), run in
the order of PUBLISH_STEPS; Python only checks the batch, counts what changed and records the run.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import polars as pl

from wiredesk.entities import load_organisation_names
from wiredesk.stories import REPORT_GAP, STORY_RULES, links_for, story_assignments
from wiredesk.tone import sentence_tones
from wiredesk.warehouse import SQL_DIR, STAGING, STAGING_TABLES, StagingMismatch, current_batch, staged_tables

# Rebuilt from the mention tables at every publish: `select`s in sql/derived/<table>.sql.
DERIVED_TABLES = ("entity_aliases", "article_entities", "article_commodities")
PUBLISH_STEPS = (
    "replace_articles",
    "add_articles",
    "tone",  # Python: backfill_tone
    "stories",  # Python: update_stories
    "follow_renames",
    "resolve_entities",
    "entities",
    *DERIVED_TABLES,
    "rejected_articles",
    "commodities",
)


def _run_step(con: duckdb.DuckDBPyConnection, step: str) -> None:
    if step == "stories":
        update_stories(con)
    elif step == "tone":
        backfill_tone(con)
    elif step in DERIVED_TABLES:
        con.execute(f"delete from {step}")
        con.execute(f"insert into {step} by name " + (SQL_DIR / "derived" / f"{step}.sql").read_text())
    else:
        con.execute((SQL_DIR / "publish" / f"{step}.sql").read_text())


def backfill_tone(con: duckdb.DuckDBPyConnection) -> None:
    """Give sentences from before tone existed their tone and tone terms, and their articles a tone. Tone reads
    only the sentence's text, so an old warehouse gains it at its next publish without a rebuild; on a current
    warehouse this is one query that finds nothing."""
    missing = con.sql(
        "select article_id, sentence_index, field, start_char, end_char, sentence_text from sentences "
        "where tone is null"
    ).pl()
    if missing.is_empty():
        return
    scored, terms = sentence_tones(missing)
    con.register("scored", scored.select("article_id", "sentence_index", "tone").to_arrow())
    con.register("new_terms", terms.to_arrow())
    try:
        con.execute(
            """update sentences set tone = scored.tone from scored
            where sentences.article_id = scored.article_id and sentences.sentence_index = scored.sentence_index"""
        )
        con.execute(
            """delete from tone_terms where article_id in (select article_id from scored);
            insert into tone_terms by name select * from new_terms"""
        )
        con.execute(
            """update articles set tone = t.tone
            from (select article_id, article_tone(tone, sentence_index) as tone from sentences
                  where article_id in (select article_id from scored) group by article_id) as t
            where articles.article_id = t.article_id"""
        )
    finally:
        con.unregister("scored")
        con.unregister("new_terms")


def update_stories(con: duckdb.DuckDBPyConnection) -> None:
    """Link the batch's new articles to the stories they retell, then name the stories anew from all links:
    the candidate search is incremental (sql/publish/story_candidates.sql); labelling the connected components
    of the links is one pass over the links, fast at any size the warehouse reaches. Links made under older
    story rules are dropped and every article is linked again (a fraction of a second at 20,000 articles)."""
    rules = con.execute("select max(version) from story_rules").fetchall()[0][0]
    if rules != STORY_RULES:
        con.execute("delete from story_links")
        con.execute("create or replace temp table articles_to_link as select article_id from articles")
        con.execute("delete from story_rules")
        con.execute("insert into story_rules values (?)", [STORY_RULES])
    else:
        con.execute(f"create or replace temp table articles_to_link as select article_id from {STAGING}.articles")
    candidates = con.sql(
        (SQL_DIR / "publish" / "story_candidates.sql").read_text(),
        params={"report_gap_seconds": REPORT_GAP.total_seconds()},
    ).pl()
    con.execute("drop table articles_to_link")
    if candidates.height:
        con.register("new_links", links_for(candidates).to_arrow())
        try:
            con.execute(
                """insert into story_links by name
                select * from new_links as n
                where not exists (select 1 from story_links as l
                                  where l.article_id = n.article_id and l.other_article_id = n.other_article_id)"""
            )
        finally:
            con.unregister("new_links")
    articles = con.sql("select article_id, published_at from articles").pl()
    links = con.sql(
        """select l.article_id, l.other_article_id, l.similarity, a.shingle_count as count_a,
                  b.shingle_count as count_b
        from story_links as l
        join article_signatures as a on a.article_id = l.article_id
        join article_signatures as b on b.article_id = l.other_article_id"""
    ).pl()
    stories = story_assignments(articles, links)
    con.register("stories", stories.to_arrow())
    try:
        con.execute("delete from article_stories")
        con.execute("insert into article_stories by name select * from stories")
        con.execute("delete from story_clusters")
        con.execute(
            """insert into story_clusters by name
            select s.cluster_id, min(a.published_at) as first_published, count(*)::integer as size,
                   list(s.article_id order by a.published_at nulls last, s.article_id) as article_ids
            from stories as s join articles as a using (article_id)
            group by s.cluster_id"""
        )
    finally:
        con.unregister("stories")


def publish(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    commodity_catalogue: pl.DataFrame,
    organisation_names: pl.DataFrame | None = None,
) -> dict[str, int]:
    """Move the staged batch (attached as `staging`) into the analyst tables in one transaction; returns what
    changed. The batch must be `run_id`'s own: a run never publishes what another staged.
    `organisation_names` (alias, name) defaults to the shipped `wiredesk/data/organisation_names.csv`."""
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
            _run_step(con, step)
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
    return counts
