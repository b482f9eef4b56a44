"""Mirror semantics: idempotent reruns, edits, deletes, renames, duplicates, bad files, and a killed run."""

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, job_env, materialize_warehouse, query
from wiredesk.warehouse import staging_path

ARTICLE_STATE = "select article_id, source_path, content_hash, ingested_at from articles order by 1"
MENTION_STATE = """select article_id, entity_id, field, start_char, end_char from entity_mentions
                   union all select article_id, commodity, field, start_char, end_char from commodity_mentions
                   order by all"""


def write(folder: Path, name: str, data: str | bytes) -> None:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def snapshot(db: Path) -> tuple:
    return (
        query(db, ARTICLE_STATE),
        query(db, MENTION_STATE),
        query(db, "select * from entities order by entity_id"),
        query(db, "select source_path, reason from rejected_articles order by 1"),
    )


def test_a_rerun_with_no_change_changes_nothing(tmp_path, seeds_copy):
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(seeds_copy, db).success
    first = snapshot(db)
    assert materialize_warehouse(seeds_copy, db).success
    assert snapshot(db) == first
    assert query(db, "select articles_added, articles_removed from pipeline_runs order by published_at") == [
        (1, 0),
        (0, 0),
    ]


def test_edit_replaces_and_delete_removes_an_article_with_its_mentions(tmp_path, seeds_copy):
    db = tmp_path / "w.duckdb"
    write(
        seeds_copy,
        "gold.txt",
        "Gold rallies\nGold rose to $2,400 an ounce in London as Barclays bought bullion. "
        "\u201cDemand is strong,\u201d the bank said.\n",
    )
    assert materialize_warehouse(seeds_copy, db).success
    [(old_id,)] = query(db, "select article_id from articles where source_path = 'gold.txt'")
    assert query(db, "select count(*) from figures where article_id = ?", [old_id]) == [(1,)]
    assert query(db, "select count(*) from quotations where article_id = ?", [old_id]) == [(1,)]

    write(seeds_copy, "gold.txt", "Silver rallies\nSilver futures rose in Chicago as JPMorgan bought.\n")
    assert materialize_warehouse(seeds_copy, db).success
    rows = query(db, "select article_id, title from articles where source_path = 'gold.txt'")
    assert len(rows) == 1 and rows[0][0] != old_id and rows[0][1] == "Silver rallies"
    for table in ("entity_mentions", "commodity_mentions", "sentences", "quotations", "figures"):
        assert query(db, f"select count(*) from {table} where article_id = ?", [old_id]) == [(0,)]
    assert query(db, "select count(*) from commodity_mentions where commodity = 'gold'") == [(0,)]
    assert query(db, "select count(*) from commodity_mentions where commodity = 'silver'") == [(1,)]

    (seeds_copy / "gold.txt").unlink()
    assert materialize_warehouse(seeds_copy, db).success
    assert query(db, "select count(*) from articles") == [(1,)]
    for table in ("entity_mentions", "commodity_mentions", "sentences", "quotations", "figures"):
        orphans = query(db, f"select count(*) from {table} where article_id not in (select article_id from articles)")
        assert orphans == [(0,)], table
    assert query(db, "select count(*) from entities where canonical_name = 'JPMorgan'") == [(0,)]


def test_a_rename_keeps_the_article_and_updates_its_path(tmp_path, seeds_copy):
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(seeds_copy, db).success
    [(article_id, ingested_at)] = query(db, "select article_id, ingested_at from articles")
    seed = next(seeds_copy.iterdir())
    seed.rename(seeds_copy / "renamed.txt")
    assert materialize_warehouse(seeds_copy, db).success
    assert query(db, "select article_id, source_path, ingested_at from articles") == [
        (article_id, "renamed.txt", ingested_at)
    ]


def test_the_bad_input_folder_loads_the_good_once_and_lists_the_bad(tmp_path, seeds_copy):
    seed = next(seeds_copy.iterdir())
    text = seed.read_text()
    shutil.copy(seed, seeds_copy / "copy_of_seed.txt")
    write(seeds_copy, "empty.txt", b"")
    write(seeds_copy, "binary.txt", bytes(range(256)) * 4)
    write(seeds_copy, "latin1.txt", "Café society\nPrices at the café in São Paulo rose.\n".encode("latin-1"))
    write(seeds_copy, "bom_crlf.txt", b"\xef\xbb\xbfWheat harvest\r\nWheat output in Kansas fell.\r\n")
    write(seeds_copy, "mojibake.txt", "Coffee news\nBrazilâ€™s coffee crop is large.\n")
    write(seeds_copy, "title_only.txt", "A headline and nothing else\n")
    write(seeds_copy, "huge.txt", "Huge\n" + "word " * 300_000)  # 1.5 MB against a 1 MB limit below
    write(
        seeds_copy,
        "feed.jsonl",
        '{"id": "1", "title": "Cocoa climbs", "body": "Cocoa rose in Abidjan."}\n{"id": "2", "title": \n',
    )
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(seeds_copy, db, max_article_bytes=1024 * 1024).success

    loaded = dict(query(db, "select source_path, repairs from articles"))
    assert sorted(loaded) == sorted([seed.name, "latin1.txt", "bom_crlf.txt", "mojibake.txt", "feed.jsonl:1"])
    assert loaded["latin1.txt"] == ["decoded_cp1252"]
    assert loaded["bom_crlf.txt"] == ["removed_byte_order_mark", "normalised_line_endings"]
    assert loaded["mojibake.txt"] == ["fixed_mojibake"]
    assert query(db, "select body from articles where source_path = 'mojibake.txt'") == [
        ("Brazil’s coffee crop is large.",)
    ]
    rejected = dict(query(db, "select source_path, reason from rejected_articles"))
    assert rejected == {
        "copy_of_seed.txt": "duplicate",
        "empty.txt": "empty",
        "binary.txt": "binary",
        "title_only.txt": "title_only",
        "huge.txt": "too_large",
        "feed.jsonl:2": "malformed_json",
    }
    assert query(db, "select duplicate_of from rejected_articles where reason = 'duplicate'") == [(seed.name,)]
    assert text  # the seed itself is untouched

    first = snapshot(db)
    assert materialize_warehouse(seeds_copy, db, max_article_bytes=1024 * 1024).success
    assert snapshot(db)[:3] == first[:3]
    assert snapshot(db)[3] == first[3]


@pytest.mark.slow
def test_a_run_killed_midway_leaves_the_warehouse_as_it_was(tmp_path, seeds_copy):
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(seeds_copy, db).success
    before = snapshot(db)

    for i in range(300):
        write(
            seeds_copy,
            f"extra_{i:03}.txt",
            f"Copper report {i}\nCopper rose {i} points in Santiago, Chile.\n",
        )
    env = job_env(seeds_copy, db, tmp_path / "dagster_home")
    command = [
        sys.executable,
        "-m",
        "dagster",
        "job",
        "execute",
        "-m",
        "pipelines.definitions",
        "-j",
        "build_warehouse",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    killed_during = None
    for line in process.stdout:
        if "extracted 40/300" in line:  # mid-way through extraction, staging half written
            process.send_signal(signal.SIGKILL)
            killed_during = line
            break
        assert time.monotonic() < deadline, "the run never reached extraction"
    process.wait(timeout=30)
    assert killed_during, "the run finished before it could be killed"
    assert process.returncode == -signal.SIGKILL

    assert snapshot(db) == before  # the analyst tables are exactly as before the killed run
    assert staging_path(db).exists()  # the killed run's half batch, never published

    assert materialize_warehouse(seeds_copy, db).success
    assert query(db, "select count(*) from articles") == [(301,)]
    assert not staging_path(db).exists()


ANALYST_TABLES_WITHOUT_CLOCKS = {
    "articles": "select * exclude (ingested_at) from articles",
    "sentences": "select * from sentences",
    "entity_mentions": "select * from entity_mentions",
    "entities": "select * from entities",
    "entity_aliases": "select * from entity_aliases",
    "article_entities": "select * from article_entities",
    "commodity_mentions": "select * from commodity_mentions",
    "article_commodities": "select * from article_commodities",
    "commodities": "select * from commodities",
    "quotations": "select * from quotations",
    "figures": "select * from figures",
    "tone_terms": "select * from tone_terms",
    "article_stories": "select * from article_stories",
    "story_clusters": "select * from story_clusters",
    "story_links": "select * from story_links",
}


@pytest.mark.slow
def test_a_build_is_the_same_made_at_once_or_article_by_article(tmp_path):
    """Every analyst table, row for row: neither the history of the folder nor a second build changes the
    warehouse."""
    stories = sorted((REPO / "tests" / "data" / "modern").glob("*.txt")) + sorted((REPO / "seeds").glob("*.txt"))
    at_once, step_by_step = tmp_path / "at_once", tmp_path / "step_by_step"
    at_once.mkdir()
    step_by_step.mkdir()
    for story in stories:
        shutil.copy(story, at_once / story.name)
    assert materialize_warehouse(at_once, tmp_path / "a.duckdb").success
    assert materialize_warehouse(at_once, tmp_path / "again.duckdb").success  # twice in a row, from scratch
    for story in reversed(stories):  # the other order too
        shutil.copy(story, step_by_step / story.name)
        assert materialize_warehouse(step_by_step, tmp_path / "b.duckdb").success
    for table, sql in ANALYST_TABLES_WITHOUT_CLOCKS.items():
        ordered = f"{sql} order by all"
        built = query(tmp_path / "a.duckdb", ordered)
        assert built == query(tmp_path / "again.duckdb", ordered), table
        assert built == query(tmp_path / "b.duckdb", ordered), table


@pytest.mark.parametrize(
    "older_rules",
    ["update extraction_rules set fingerprint = 'older'", "delete from extraction_rules"],
    ids=["other rules", "built before rules were recorded"],
)
def test_a_warehouse_extracted_under_other_rules_is_extracted_again_whole(tmp_path, seeds_copy, older_rules):
    db = tmp_path / "w.duckdb"
    write(seeds_copy, "oil.txt", "OPEC meets\nOPEC ministers met in Vienna as oil workers went on strike.\n")
    assert materialize_warehouse(seeds_copy, db).success
    [(rules,)] = query(db, "select fingerprint from extraction_rules")
    first = snapshot(db)
    # As an older wiredesk left it: other rules, which did not find what these find.
    with duckdb.connect(str(db)) as con:
        con.execute(older_rules)
        con.execute("delete from commodity_mentions where mention_text in ('OPEC', 'oil')")
    assert materialize_warehouse(seeds_copy, db).success
    assert snapshot(db) == first  # every article extracted again, each keeping when it came in
    assert query(db, "select fingerprint from extraction_rules") == [(rules,)]
    assert materialize_warehouse(seeds_copy, db).success
    assert query(db, "select articles_added from pipeline_runs order by published_at") == [(2,), (2,), (0,)]
