"""`make docs`: docs/warehouse.md, the warehouse's tables, columns and views, generated from the DDL's comments.

The DDL (`sql/schema.sql`) is the one place a column is described: this writes it out as Markdown, and a test
checks the file is what this would write, so the reference cannot drift from the schema.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from wiredesk.shipped import sql_dir as shipped_sql_dir

_TABLE = re.compile(r"^create table if not exists (\w+) \($")
_COLUMN = re.compile(r"^\s+(\w+) ([a-z][\w ,()\[\]]*?)(?:,)?\s*(?:--\s*(.*))?$")
_CONTINUED = re.compile(r"^\s+--\s*(.*)$")
_ADDED = re.compile(r"^alter table (\w+) add column if not exists (\w+) ([\w\[\]() ,]+?);\s*(?:--\s*(.*))?$")
_COMMENT = re.compile(r"^--\s?(.*)$")


@dataclass
class Table:
    name: str
    about: str
    columns: list[list[str]] = field(default_factory=list)  # name, type, description


def parse_schema(ddl: str) -> tuple[str, list[Table]]:
    """The file's opening comment and its tables, with each column's type and comment (added columns too)."""
    preamble, tables, comments, current = [], {}, [], None
    lines = ddl.splitlines()
    for line in lines:
        if current is not None:
            if line.startswith(")"):
                current = None
            elif (continued := _CONTINUED.match(line)) and current.columns:
                current.columns[-1][2] = f"{current.columns[-1][2]} {continued.group(1)}".strip()
            elif column := _COLUMN.match(line):
                name, kind, comment = column.groups()
                current.columns.append([name, kind.strip().rstrip(","), (comment or "").strip()])
            continue
        if table := _TABLE.match(line):
            current = tables[table.group(1)] = Table(table.group(1), " ".join(comments))
            comments = []
        elif added := _ADDED.match(line):
            name, column, kind, comment = added.groups()
            if column not in {c[0] for c in tables[name].columns}:
                tables[name].columns.append([column, kind, (comment or "").strip()])
            comments = []
        elif comment := _COMMENT.match(line):
            (preamble if not tables else comments).append(comment.group(1))
        else:
            comments = []
    return " ".join(preamble), list(tables.values())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _view_question(sql: str) -> str:
    question = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        question.append(line.removeprefix("--").strip())
    return " ".join(question)


def render(sql_dir: Path) -> str:
    preamble, tables = parse_schema((sql_dir / "schema.sql").read_text(encoding="utf-8"))
    out = [
        "# The warehouse",
        "",
        "<!-- Written by `make docs` from sql/schema.sql and sql/views/: edit those, not this file. -->",
        "",
        preamble,
        "",
        "Tables: " + ", ".join(f"[`{t.name}`](#{t.name})" for t in tables) + ".",
        "",
    ]
    for table in tables:
        out += [f"## {table.name}", ""]
        if table.about:
            out += [table.about, ""]
        out += ["| column | type | meaning |", "|---|---|---|"]
        out += [f"| `{name}` | {kind} | {_cell(about)} |" for name, kind, about in table.columns]
        out.append("")
    out += ["## Views", "", "Each view answers one question:", "", "| view | question |", "|---|---|"]
    for view in sorted((sql_dir / "views").glob("*.sql")):
        out.append(f"| `{view.stem}` | {_view_question(view.read_text(encoding='utf-8'))} |")
    return "\n".join(out) + "\n"


def sql_dir() -> Path:
    return shipped_sql_dir()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make docs", description=__doc__)
    parser.add_argument("--write", type=Path, default=Path("docs/warehouse.md"))
    args = parser.parse_args(argv)
    args.write.write_text(render(sql_dir()), encoding="utf-8")
    print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
