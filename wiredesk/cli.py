"""Command-line helpers: `counts` prints the row count of each warehouse table; `sql` is a read-only SQL
shell on the warehouse (`make sql`), or runs one query with `-c`."""

from __future__ import annotations

import argparse
import sys

import duckdb

from wiredesk.settings import Settings
from wiredesk.warehouse import ANALYST_TABLES


def counts(db_path: str) -> int:
    try:
        con = duckdb.connect(db_path, read_only=True)
    except duckdb.IOException as err:
        print(f"cannot open the warehouse {db_path}: {err}", file=sys.stderr)
        return 1
    with con:
        width = max(map(len, ANALYST_TABLES))
        print(f"warehouse {db_path}")
        for table in ANALYST_TABLES:
            count = con.execute(f"select count(*) from {table}").fetchall()[0][0]
            print(f"  {table:<{width}}  {count:>9,}")
    return 0


def run_query(con: duckdb.DuckDBPyConnection, sql: str, out=sys.stdout) -> None:
    relation = con.sql(sql)
    if relation is not None:
        out.write(f"{relation}\n")


def sql_shell(db_path: str, command: str | None, stdin=sys.stdin, out=sys.stdout) -> int:
    """A read-only SQL shell: statements end with `;`; `.tables` lists tables and views; `.quit` leaves."""
    try:
        con = duckdb.connect(db_path, read_only=True)
    except duckdb.Error as err:
        print(f"cannot open the warehouse {db_path} read-only: {err}", file=sys.stderr)
        return 1
    with con:
        if command is not None:
            try:
                run_query(con, command, out)
            except duckdb.Error as err:
                print(f"error: {err}", file=sys.stderr)
                return 1
            return 0
        interactive = stdin.isatty()
        if interactive:
            out.write(f"wiredesk warehouse {db_path} (read-only). End statements with ';', .tables, .quit\n")
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
                )
                continue
            buffer += line
            if stripped.endswith(";"):
                try:
                    run_query(con, buffer, out)
                except duckdb.Error as err:
                    out.write(f"error: {err}\n")
                buffer = ""
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wiredesk")
    commands = parser.add_subparsers(dest="command", required=True)
    counts_parser = commands.add_parser("counts", help="row count of each table")
    counts_parser.add_argument("--db", default=str(Settings.from_env().db_path))
    sql_parser = commands.add_parser("sql", help="read-only SQL shell on the warehouse")
    sql_parser.add_argument("--db", default=str(Settings.from_env().db_path))
    sql_parser.add_argument("-c", dest="query", help="run one query and exit")
    args = parser.parse_args(argv)
    if args.command == "sql":
        return sql_shell(args.db, args.query)
    return counts(args.db)


if __name__ == "__main__":
    sys.exit(main())
