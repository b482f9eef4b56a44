"""The SQL shell reads the warehouse and nothing else; a damaged warehouse says so, and `make rebuild` mends it."""

import os
import shutil
import subprocess
import sys

import duckdb
import polars as pl
import pytest

from tests.conftest import REPO, SEEDS, materialize_warehouse, query
from wiredesk.cli import export, sql_shell


@pytest.mark.parametrize(
    "statement",
    [
        "copy articles to '{tmp}/out.csv'",
        "select * from read_text('/etc/passwd')",
        "attach '{other}' as other (read_only false)",
        "install httpfs",
        "set enable_external_access = true",
        "export database '{tmp}/dump'",
        "select * from '{tmp}/*.csv'",
    ],
)
def test_the_sql_shell_touches_no_other_file(seed_warehouse, tmp_path, statement, capsys):
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("create table kept as select 1 as x")
    sql = statement.format(tmp=tmp_path, other=other)
    assert sql_shell(str(seed_warehouse), sql) == 1
    assert "error:" in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["other.duckdb"]  # nothing written
    assert query(other, "select count(*) from duckdb_tables()") == [(1,)]


def test_make_sql_hands_the_query_over_untouched(seed_warehouse):
    query_text = """select '$HOME `ls` ''quoted''' as "Odd ""name\""""
    done = subprocess.run(
        ["make", "-s", "sql", f"Q={query_text}", "MODE=csv"],
        cwd=REPO,
        env={**os.environ, "WIREDESK_DB": str(seed_warehouse)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ['"Odd ""name"', "$HOME `ls` 'quoted'"]  # the column is: Odd "name


def test_make_targets_take_settings_from_the_environment(tmp_path):
    done = subprocess.run(
        ["make", "-s", "--eval", "where: ; @echo $$DAGSTER_HOME", "where"],
        cwd=REPO,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == str(tmp_path)


def test_export_writes_tables_and_views_as_parquet_or_csv(seed_warehouse, tmp_path, capsys):
    assert export(str(seed_warehouse), str(tmp_path / "out"), ["articles", "v_top_entities"]) == 0
    articles = pl.read_parquet(tmp_path / "out" / "articles.parquet")
    assert articles["article_id"].to_list() == [
        row[0] for row in query(seed_warehouse, "select article_id from articles")
    ]
    top = pl.read_parquet(tmp_path / "out" / "v_top_entities.parquet")
    assert top.height == query(seed_warehouse, "select count(*) from v_top_entities")[0][0] > 0

    assert export(str(seed_warehouse), str(tmp_path / "csv"), ["entities"], "csv") == 0
    entities = pl.read_csv(tmp_path / "csv" / "entities.csv")
    assert entities.height == query(seed_warehouse, "select count(*) from entities")[0][0]

    assert export(str(seed_warehouse), str(tmp_path / "bad"), ["articles; drop table articles"]) == 1
    assert "no table or view named" in capsys.readouterr().err


def _truncated_copy(source, target):
    shutil.copy(source, target)
    os.truncate(target, target.stat().st_size // 2)
    return target


def test_a_truncated_warehouse_is_named_damaged_by_the_shell_and_the_run(seed_warehouse, tmp_path, capsys):
    damaged = _truncated_copy(seed_warehouse, tmp_path / "w.duckdb")
    assert sql_shell(str(damaged), "select count(*) from entity_mentions") == 1
    err = capsys.readouterr().err
    assert "is damaged" in err and "make rebuild" in err and "backup" in err

    result = materialize_warehouse(SEEDS, damaged, raise_on_error=False)
    assert not result.success
    failures = [event for event in result.all_events if event.is_step_failure]
    message = failures[0].step_failure_data.error.message
    assert "is damaged" in message and "make rebuild" in message


@pytest.mark.slow
def test_rebuild_swaps_in_a_complete_new_warehouse(seed_warehouse, tmp_path):
    damaged = _truncated_copy(seed_warehouse, tmp_path / "w.duckdb")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DAGSTER_HOME": str(tmp_path / "home"),
        "WIREDESK_SEEDS_DIR": str(SEEDS),
        "WIREDESK_DB": str(damaged),
    }
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.run", "--rebuild"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert sql_shell(str(damaged), "select 1") == 0
    assert query(damaged, "select count(*) from articles") == query(seed_warehouse, "select count(*) from articles")
    assert (tmp_path / "w.replaced.duckdb").exists()
    assert not (tmp_path / "w.rebuild.duckdb").exists()
