"""How publishing grows with the warehouse: 1,000 new articles published into a warehouse of 100,000 and of
1,000,000 articles, each step timed.

The large warehouses are synthesised from a built one by replicating its articles with new ids (each copy's
rows, mentions, stories and signatures renamed together), then made consistent by a full publish. The 1,000 new
articles are staged by the pipeline's own staging assets from a folder of articles the warehouse does not hold;
the staged folder listing then names every article the warehouse holds, as a run over the whole folder would.
Used by `make bench` (`--publish-scale`), or on its own:

    python -m devtools.publish_scale <built warehouse> <folder of new articles> --sizes 100000 1000000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import dagster as dg
import duckdb

from wiredesk.commodities import load_catalogue
from wiredesk.publish import publish
from wiredesk.stories import insert_story_clusters
from wiredesk.tables import ARTICLE_ROW_TABLES
from wiredesk.warehouse import STAGING, apply_schema, attach_staging, remove_staging

# Each copy's article ids: the original's for copy 0, a hash of it and the copy's number for the others.
_NEW_ID = "case when k = 0 then {column} else left(sha256({column} || '#' || k), 16) end"
# Per-article tables whose rows name other articles too.
_RENAMED = {
    "articles": {"source_path": "source_path || case when k = 0 then '' else '#' || k end"},
    "story_links": {"other_article_id": _NEW_ID.format(column="other_article_id")},
    "article_stories": {"cluster_id": _NEW_ID.format(column="cluster_id")},
    "article_entities": {},
    "article_commodities": {},
}


def synthesise(source: Path, target: Path, articles: int) -> float:
    """A warehouse of `articles` articles at `target`, from copies of `source`'s; returns the seconds taken."""
    started = time.perf_counter()
    target.unlink(missing_ok=True)
    with duckdb.connect(str(target)) as con:
        apply_schema(con)
        con.execute(f"attach '{source}' as src (read_only)")
        held = con.execute("select count(*) from src.articles").fetchall()[0][0]
        copies = -(-articles // held)
        con.execute(f"create temp table copies as select range as k from range({copies})")
        per_article = {*ARTICLE_ROW_TABLES, *_RENAMED}
        for table in sorted(per_article):
            renamed = {"article_id": _NEW_ID.format(column="article_id"), **_RENAMED.get(table, {})}
            replace = ", ".join(f"{expr} as {column}" for column, expr in renamed.items())
            con.execute(
                f"insert into {table} by name select * exclude (k) replace ({replace}) from src.{table}, copies"
            )
        for table in ("extraction_rules", "story_rules", "commodities", "entities", "entity_aliases"):
            con.execute(f"insert into {table} by name select * from src.{table}")
        excess = con.execute("select count(*) - ? from articles", [articles]).fetchall()[0][0]
        if excess > 0:  # `articles` exactly: the last copy only in part
            con.execute(
                "create temp table surplus as select article_id from articles order by article_id desc limit ?",
                [excess],
            )
            for table in per_article:
                con.execute(f"delete from {table} where article_id in (select article_id from surplus)")
            con.execute("delete from story_links where other_article_id in (select article_id from surplus)")
        insert_story_clusters(con, "article_stories")
        con.execute("detach src")
    return time.perf_counter() - started


def stage_new_articles(folder: Path, warehouse: Path) -> None:
    """The pipeline's staging assets over `folder` (articles `warehouse` does not hold) into its staging file;
    then the staged folder listing also names every article the warehouse holds, as a run over the whole
    folder would stage it."""
    from assets.resources import ArticlesFolder, ExtractionCluster, NlpModel, Warehouse
    from assets.staging import staged_articles, staged_mentions

    resources = {
        "warehouse": Warehouse(database=str(warehouse)),
        "articles_folder": ArticlesFolder(path=str(folder)),
        "nlp": NlpModel(),
        "cluster": ExtractionCluster(),
    }
    result = dg.materialize([staged_articles, staged_mentions], resources=resources, raise_on_error=True)
    with duckdb.connect(str(warehouse)) as con:
        attach_staging(con, warehouse)
        con.execute(
            f"""insert into {STAGING}.folder_articles by name
            select source_path, article_id, content_hash from articles"""
        )
        con.execute(f"update {STAGING}.batch set batch_id = ?", [result.run_id])


def timed_publish(warehouse: Path) -> tuple[float, dict[str, float], dict[str, int]]:
    """Publish the staged batch into `warehouse`; (seconds, seconds per step, the counts publish returns)."""
    steps: dict[str, float] = {}
    with duckdb.connect(str(warehouse)) as con:
        attach_staging(con, warehouse, read_only=True)
        run_id = con.execute(f"select batch_id from {STAGING}.batch").fetchall()[0][0]
        started = time.perf_counter()
        counts = publish(con, run_id, load_catalogue(), step_seconds=steps)
        seconds = time.perf_counter() - started
        con.execute(f"detach {STAGING}")
    remove_staging(warehouse)
    return seconds, steps, counts


def measure(source: Path, new_articles: Path, sizes: list[int], workdir: Path) -> list[dict]:
    results = []
    for size in sizes:
        warehouse = workdir / f"warehouse_{size}.duckdb"
        made = synthesise(source, warehouse, size)
        print(f"(p) synthesised {size:,} articles in {made:.0f} s", flush=True)
        stage_new_articles(new_articles, warehouse)
        seconds, steps, counts = timed_publish(warehouse)
        print(f"(p) published {counts['articles_added']:,} into {size:,}: {seconds:.1f} s {steps}", flush=True)
        results.append({"size": size, "seconds": seconds, "steps": steps, "added": counts["articles_added"]})
        warehouse.unlink()
    return results


def report_rows(results: list[dict]) -> list[str]:
    rows = []
    for result in results:
        slowest = sorted(result["steps"].items(), key=lambda item: -item[1])[:3]
        detail = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in slowest)
        rows.append(
            f"| publish {result['added']:,} new articles into {result['size']:,} | {result['seconds']:.1f} s "
            f"(slowest steps: {detail}) |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.publish_scale", description=__doc__)
    parser.add_argument("warehouse", type=Path, help="a built warehouse to replicate")
    parser.add_argument("new_articles", type=Path, help="a folder of articles it does not hold")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--workdir", type=Path, default=Path("data/publish_scale"))
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    print("\n".join(report_rows(measure(args.warehouse, args.new_articles, args.sizes, args.workdir))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
