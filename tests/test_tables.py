"""The registry of staged tables (wiredesk/tables.py) agrees with the DDL, and everything that lists tables
derives from it."""

import duckdb
import polars as pl
import pytest

from assets.checks import EXTRACTED_SUITES
from assets.staging import EXTRACTED_KEYS, STAGED_KEYS
from wiredesk.publish import expand_statements, split_statements
from wiredesk.shipped import sql_text
from wiredesk.tables import ARTICLE_ROW_TABLES, COPIED_TABLES, EXTRACTED_TABLES, STAGED, STAGING_TABLES, empty
from wiredesk.warehouse import apply_schema


@pytest.fixture(scope="module")
def warehouse_columns(tmp_path_factory) -> dict[str, dict[str, str]]:
    db = tmp_path_factory.mktemp("ddl") / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        apply_schema(con)
        rows = con.execute(
            "select table_name, column_name, data_type from duckdb_columns() where schema_name = 'main'"
        ).fetchall()
    columns: dict[str, dict[str, str]] = {}
    for table, column, kind in rows:
        columns.setdefault(table, {})[column] = kind
    return columns


@pytest.mark.parametrize("table", [t.name for t in STAGED if t.name != "folder_articles"], ids=str)
def test_every_staged_column_lands_in_the_published_table_with_its_type(table, warehouse_columns):
    with duckdb.connect() as con:
        con.register("frame", empty(table).to_arrow())
        staged_types = {row[0]: row[1] for row in con.execute("describe frame").fetchall()}
    published = warehouse_columns[table]
    assert set(staged_types) <= set(published), set(staged_types) - set(published)
    for column, kind in staged_types.items():
        assert published[column] == kind, (table, column, kind, published[column])


def test_the_lists_of_tables_derive_from_the_registry():
    assert ("batch", *(t.name for t in STAGED)) == STAGING_TABLES
    assert ARTICLE_ROW_TABLES[-1] == "articles"  # the rows that name an article go before it
    assert set(COPIED_TABLES) == set(ARTICLE_ROW_TABLES) - {"articles", "entity_mentions"}
    assert set(EXTRACTED_SUITES) == set(EXTRACTED_TABLES)
    assert [key.path[-1] for key in EXTRACTED_KEYS] == list(EXTRACTED_TABLES)
    assert set(STAGED_KEYS) == {t.name for t in STAGED} - {"folder_articles"}


def test_publish_statements_run_once_per_registry_table():
    replaced = expand_statements(sql_text("publish/replace_articles.sql"))
    deleted = [
        s.split("delete from ")[1].split()[0] for s in replaced if s.strip().splitlines()[-1].startswith("delete")
    ]
    assert [t for t in deleted if t in ARTICLE_ROW_TABLES] == list(ARTICLE_ROW_TABLES)
    added = expand_statements(sql_text("publish/add_articles.sql"))
    inserted = {s.split("insert into ")[1].split()[0] for s in added if "insert into " in s}
    assert inserted == set(ARTICLE_ROW_TABLES)


def test_a_semicolon_in_a_comment_does_not_end_a_statement():
    script = "-- one; two;\nselect 1\n-- still the same statement;\n;\nselect 2;\n-- trailing comment;\n"
    assert [s.strip().splitlines()[-1] for s in split_statements(script)] == [";", "select 2;"]
    with duckdb.connect() as con:
        assert [con.execute(s).fetchall() for s in split_statements(script)] == [[(1,)], [(2,)]]


def test_empty_frames_have_the_registry_columns():
    for table in STAGED:
        assert empty(table.name).schema == pl.Schema(table.schema)
