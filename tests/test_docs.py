"""The docs that commands write stay what the commands would write: the warehouse reference is the DDL's."""

from devtools.warehouse_doc import parse_schema, render, sql_dir
from tests.conftest import REPO, query


def test_the_warehouse_reference_is_what_make_docs_writes():
    assert (REPO / "docs" / "warehouse.md").read_text(encoding="utf-8") == render(sql_dir()), "run `make docs`"


def test_the_reference_names_every_table_and_column_a_warehouse_has(seed_warehouse):
    _, tables = parse_schema((sql_dir() / "schema.sql").read_text(encoding="utf-8"))
    documented = {(table.name, column[0]) for table in tables for column in table.columns}
    built = set(
        query(
            seed_warehouse,
            """select table_name, column_name from duckdb_columns()
               where schema_name = 'main' and table_name not in ('wiredesk_schema')
                 and table_name not in (select view_name from duckdb_views())""",
        )
    )
    assert built == documented
