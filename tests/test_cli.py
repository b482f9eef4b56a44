"""The command-line helpers: row counts and the read-only SQL shell."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys

import dagster as dg
import pytest

from assets.resources import FOLDER_TAG, WAREHOUSE_TAG
from tests.conftest import REPO, SEEDS, query
from wiredesk.cli import counts, sql_shell


def test_counts_lists_every_table(seed_warehouse, capsys):
    assert counts(str(seed_warehouse)) == 0
    out = capsys.readouterr().out
    assert "articles" in out and "commodity_mentions" in out
    assert [line.split()[-1] for line in out.splitlines() if line.split()[:1] == ["articles"]] == ["1"]


def test_sql_shell_runs_statements_and_refuses_writes(seed_warehouse):
    stdin = io.StringIO(
        "select canonical_name\nfrom entities where canonical_name = 'Xi Jinping';\n"
        "delete from articles;\n.quit\nselect 1;\n"
    )
    out = io.StringIO()
    assert sql_shell(str(seed_warehouse), None, stdin=stdin, out=out) == 0
    text = out.getvalue()
    assert "Xi Jinping" in text
    assert "read-only" in text  # the delete was refused
    assert "1 │" not in text.split(".quit")[-1]


def test_sql_shell_one_query(seed_warehouse):
    out = io.StringIO()
    assert sql_shell(str(seed_warehouse), "select count(*) as n from commodity_mentions", out=out) == 0
    assert "5" in out.getvalue()


def test_sql_shell_on_a_missing_file_is_a_clear_error(tmp_path, capsys):
    assert sql_shell(str(tmp_path / "none.duckdb"), "select 1") == 1
    assert "cannot open the warehouse" in capsys.readouterr().err


@pytest.mark.slow
def test_the_run_command_works_without_the_makefile_and_tags_its_run(tmp_path):
    """`python -m pipelines.run` from a bare shell; the run says which folder and warehouse it built."""
    articles, home, db = tmp_path / "articles", tmp_path / "home", tmp_path / "w.duckdb"
    shutil.copytree(SEEDS, articles)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREDESK_")}
    env.update(PYTHONPATH=str(REPO), WIREDESK_SEEDS_DIR=str(articles), WIREDESK_DB=str(db), DAGSTER_HOME=str(home))
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.run"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert query(db, "select count(*) from articles") == [(1,)]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
    assert run.tags[FOLDER_TAG] == str(articles.resolve())
    assert run.tags[WAREHOUSE_TAG] == str(db.resolve())
    assert run.tags["wiredesk/warehouse"] == "writer"  # the run queue's one-writer limit still applies


def test_sql_output_modes_write_every_column_and_row(seed_warehouse):
    sql = "select article_id, title, repairs, word_count from articles"
    expected = query(seed_warehouse, sql)

    out = io.StringIO()
    assert sql_shell(str(seed_warehouse), sql, out=out, mode="csv") == 0
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["article_id", "title", "repairs", "word_count"]
    assert [(r[0], r[1], json.loads(r[2]), int(r[3])) for r in rows[1:]] == expected

    out = io.StringIO()
    assert sql_shell(str(seed_warehouse), sql, out=out, mode="json") == 0
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [tuple(r.values()) for r in records] == expected

    out = io.StringIO()
    assert sql_shell(str(seed_warehouse), sql, out=out, mode="line") == 0
    assert f"article_id = {expected[0][0]}" in out.getvalue()
    assert f"word_count = {expected[0][3]}" in out.getvalue()


def test_sql_box_mode_shows_every_column_of_a_wide_table(seed_warehouse):
    columns = [name for (name,) in query(seed_warehouse, "select column_name from (describe articles)")]
    assert len(columns) > 10
    out = io.StringIO()
    assert sql_shell(str(seed_warehouse), "select * from articles", out=out) == 0
    header = out.getvalue().splitlines()[1]
    assert [cell.strip() for cell in header.strip("│").split("┆")] == columns
    assert out.getvalue().rstrip().endswith("1 row")


def test_sql_shell_switches_mode(seed_warehouse):
    stdin = io.StringIO(".mode csv\nselect 'Copper' as commodity, 2 as n;\n.mode yaml\n")
    out = io.StringIO()
    assert sql_shell(str(seed_warehouse), None, stdin=stdin, out=out) == 0
    assert out.getvalue().startswith("commodity,n\nCopper,2\n")
    assert "modes: box, csv, json, line (now csv)" in out.getvalue()
