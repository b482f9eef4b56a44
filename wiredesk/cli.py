"""Command-line helpers: `counts` prints the row count of each warehouse table; `sql` is a read-only, sandboxed
SQL shell on the warehouse (`make sql`), or runs one query with `-c` (or WIREDESK_SQL), in box, csv, json or line
mode; `export` writes chosen tables and views as Parquet or CSV files into a folder (`make export`)."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

from wiredesk.settings import Settings
from wiredesk.tables import ANALYST_TABLES
from wiredesk.warehouse import DamagedWarehouse, is_damage, open_reader

MODES = ("box", "csv", "json", "line")
_FETCH_ROWS = 10_000  # rows read at a time by the streaming modes
_BOX_ROWS = 100  # a box shows this many rows; csv, json and line write them all


def _open(db_path: str) -> duckdb.DuckDBPyConnection | None:
    """The sandboxed reader, or None with the reason printed."""
    try:
        return open_reader(Path(db_path))
    except DamagedWarehouse as err:
        print(f"error: {err}", file=sys.stderr)
    except duckdb.Error as err:
        print(f"cannot open the warehouse {db_path} read-only: {err}", file=sys.stderr)
    return None


def _error(db_path: str, err: duckdb.Error) -> str:
    return str(DamagedWarehouse(Path(db_path), str(err).splitlines()[0])) if is_damage(err) else str(err)


def counts(db_path: str) -> int:
    con = _open(db_path)
    if con is None:
        return 1
    with con:
        width = max(map(len, ANALYST_TABLES))
        print(f"warehouse {db_path}")
        for table in ANALYST_TABLES:
            count = con.execute(f"select count(*) from {table}").fetchall()[0][0]
            print(f"  {table:<{width}}  {count:>9,}")
    return 0


def _cell(value: object) -> object:
    """A value as CSV and line mode write it: lists and structs as JSON, the rest as themselves."""
    return json.dumps(value, default=str, ensure_ascii=False) if isinstance(value, list | dict) else value


def run_query(con: duckdb.DuckDBPyConnection, sql: str, out=sys.stdout, mode: str = "box") -> None:
    """Run `sql` and write its result: `box`, a table with every column (the first 100 rows); `csv` with a
    header; `json`, one object a line; `line`, one `column = value` a line and a blank line between rows."""
    cursor = con.execute(sql)
    if cursor.description is None:
        return
    columns = [column[0] for column in cursor.description]
    if mode == "box":
        rows = cursor.fetchmany(_BOX_ROWS + 1)
        try:
            frame = pl.DataFrame(rows[:_BOX_ROWS], schema=columns, orient="row", infer_schema_length=None)
        except (TypeError, ValueError, pl.exceptions.PolarsError):  # a type Polars cannot hold: show it as text
            shown = [[None if value is None else str(value) for value in row] for row in rows[:_BOX_ROWS]]
            frame = pl.DataFrame(shown, schema=columns, orient="row")
        with pl.Config(
            tbl_hide_column_data_types=True,
            tbl_cols=-1,
            tbl_rows=-1,
            fmt_str_lengths=60,
            tbl_width_chars=10_000,
            tbl_hide_dataframe_shape=True,
        ):
            out.write(f"{frame}\n")
        more = " (first 100 shown; --mode csv writes all)" if len(rows) > _BOX_ROWS else ""
        shown = min(len(rows), _BOX_ROWS)
        out.write(f"{shown} row{'' if shown == 1 else 's'}{more}\n")
        return
    writer = csv.writer(out, lineterminator="\n") if mode == "csv" else None
    if writer:
        writer.writerow(columns)
    while rows := cursor.fetchmany(_FETCH_ROWS):
        for row in rows:
            if writer:
                writer.writerow([_cell(value) for value in row])
            elif mode == "json":
                out.write(json.dumps(dict(zip(columns, row, strict=True)), default=str, ensure_ascii=False) + "\n")
            else:
                width = max(map(len, columns))
                out.write("".join(f"{c:>{width}} = {_cell(v)}\n" for c, v in zip(columns, row, strict=True)) + "\n")


def sql_shell(db_path: str, command: str | None, stdin=sys.stdin, out=sys.stdout, mode: str = "box") -> int:
    """A read-only SQL shell: statements end with `;`; `.tables` lists tables and views; `.mode csv` (box, csv,
    json, line) switches the output; `.quit` leaves."""
    con = _open(db_path)
    if con is None:
        return 1
    with con:
        if command:
            try:
                run_query(con, command, out, mode)
            except duckdb.Error as err:
                print(f"error: {_error(db_path, err)}", file=sys.stderr)
                return 1
            return 0
        interactive = stdin.isatty()
        if interactive:
            out.write(
                f"wiredesk warehouse {db_path} (read-only, no other files). End statements with ';'; .tables, "
                ".mode csv|json|line|box, .quit\n"
            )
        buffer = ""
        while True:
            if interactive:
                out.write("wiredesk> " if not buffer else "     ...> ")
                out.flush()
            line = stdin.readline()
            if not line:
                break
            stripped = line.strip()
            if not buffer and stripped in (".quit", ".exit"):
                break
            if not buffer and stripped == ".tables":
                run_query(
                    con,
                    "select table_name, table_type from information_schema.tables "
                    "where table_schema = 'main' order by 2, 1",
                    out,
                    mode,
                )
                continue
            if not buffer and stripped.startswith(".mode"):
                wanted = stripped.removeprefix(".mode").strip()
                if wanted in MODES:
                    mode = wanted
                else:
                    out.write(f"modes: {', '.join(MODES)} (now {mode})\n")
                continue
            buffer += line
            if stripped.endswith(";"):
                try:
                    run_query(con, buffer, out, mode)
                except duckdb.Error as err:
                    out.write(f"error: {_error(db_path, err)}\n")
                buffer = ""
    return 0


EXPORT_FORMATS = ("parquet", "csv")


def export(db_path: str, folder: str, names: list[str], export_format: str = "parquet") -> int:
    """Write each named table or view (every analyst table when none is named) to `folder`/NAME.parquet or
    .csv. The reader stays sandboxed: DuckDB hands the rows over and Python writes the files."""
    con = _open(db_path)
    if con is None:
        return 1
    with con:
        known = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        }
        wanted = names or list(ANALYST_TABLES)
        unknown = [name for name in wanted if name not in known]
        if unknown:
            print(f"no table or view named {', '.join(unknown)}; `make sql Q=.tables` lists them", file=sys.stderr)
            return 1
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        for name in wanted:
            path = target / f"{name}.{export_format}"
            try:
                if export_format == "csv":
                    with path.open("w", newline="", encoding="utf-8") as out:
                        run_query(con, f'select * from "{name}"', out, "csv")
                else:
                    reader = con.sql(f'select * from "{name}"').to_arrow_reader(_FETCH_ROWS)
                    with pq.ParquetWriter(path, reader.schema) as writer:
                        for batch in reader:
                            writer.write_batch(batch)
            except duckdb.Error as err:
                print(f"error: {_error(db_path, err)}", file=sys.stderr)
                return 1
            print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wiredesk")
    commands = parser.add_subparsers(dest="command", required=True)
    counts_parser = commands.add_parser("counts", help="row count of each table")
    counts_parser.add_argument("--db", default=str(Settings.from_env().db_path))
    sql_parser = commands.add_parser("sql", help="read-only SQL shell on the warehouse")
    sql_parser.add_argument("--db", default=str(Settings.from_env().db_path))
    # WIREDESK_SQL: how `make sql Q=...` hands the query over, so that no shell rewrites its quotes or `$`.
    sql_parser.add_argument("-c", dest="query", default=os.environ.get("WIREDESK_SQL"), help="run one query and exit")
    sql_parser.add_argument("--mode", choices=MODES, default="box", help="output: box (default), csv, json, line")
    export_parser = commands.add_parser("export", help="write tables or views as Parquet or CSV files")
    export_parser.add_argument("--db", default=str(Settings.from_env().db_path))
    export_parser.add_argument("--to", required=True, help="the folder to write into (made if missing)")
    export_parser.add_argument("--format", choices=EXPORT_FORMATS, default="parquet")
    export_parser.add_argument("names", nargs="*", help="tables or views (default: every analyst table)")
    args = parser.parse_args(argv)
    if args.command == "sql":
        return sql_shell(args.db, args.query, mode=args.mode)
    if args.command == "export":
        return export(args.db, args.to, args.names, args.format)
    return counts(args.db)


if __name__ == "__main__":
    sys.exit(main())
