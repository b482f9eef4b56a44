"""Command-line helpers: `python -m wiredesk.cli counts` prints the row count of each warehouse table."""

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wiredesk")
    commands = parser.add_subparsers(dest="command", required=True)
    counts_parser = commands.add_parser("counts", help="row count of each table")
    counts_parser.add_argument("--db", default=str(Settings.from_env().db_path))
    args = parser.parse_args(argv)
    return counts(args.db)


if __name__ == "__main__":
    sys.exit(main())
