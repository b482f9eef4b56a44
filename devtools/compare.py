"""Two warehouses compared row for row, leaving out the columns that say when a row was written."""

from pathlib import Path

import duckdb

# When a row was written, not what it says.
CLOCK_COLUMNS = {"ingested_at", "detected_at", "recorded_at", "applied_at", "run_id"}
# pipeline_runs.published_at is the publish's clock; articles.published_at is the story's date and compared.
CLOCK_COLUMNS_OF = {"pipeline_runs": {"published_at"}}


def table_differences(first: Path, second: Path) -> dict[str, int]:
    """For every table of `first`: how many rows are in one warehouse and not the other (multiset difference)."""
    with duckdb.connect() as con:
        con.execute(f"attach '{first}' as a (read_only)")
        con.execute(f"attach '{second}' as b (read_only)")
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where database_name = 'a' and schema_name = 'main'"
            ).fetchall()
        ]
        differences = {}
        for table in tables:
            skip = CLOCK_COLUMNS | CLOCK_COLUMNS_OF.get(table, set())
            columns = ", ".join(
                f'"{name}"'
                for (name,) in con.execute(
                    "select column_name from duckdb_columns() where database_name = 'a' and table_name = ?", [table]
                ).fetchall()
                if name not in skip
            )
            one_way = f"select {columns} from a.{table} except all select {columns} from b.{table}"
            other_way = f"select {columns} from b.{table} except all select {columns} from a.{table}"
            count = con.execute(f"select (select count(*) from ({one_way})) + (select count(*) from ({other_way}))")
            differences[table] = count.fetchall()[0][0]
    return differences
