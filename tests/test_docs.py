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


def test_the_readme_fits_on_a_screen_and_opens_with_the_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(readme) <= 150
    commands = [line.split("#")[0].strip() for line in readme if line.startswith("make ")]
    assert commands[:2] == ["make run", "make test"]


def test_a_report_goes_between_its_markers_and_the_prose_stays(tmp_path):
    from devtools.report_doc import write_report

    doc = tmp_path / "quality.md"
    doc.write_text("# Quality\n\nHow it is measured.\n\n<!-- eval:start (x) -->\nold\n<!-- eval:end -->\n\nAfter.\n")
    # the start marker is matched whole, so a doc keeps exactly one block however often it is written
    write_report(doc, "eval", "first")
    write_report(doc, "eval", "| figure | 0.9 |")
    text = doc.read_text()
    assert text.startswith("# Quality\n\nHow it is measured.\n\n") and text.endswith("\n\nAfter.\n")
    assert "| figure | 0.9 |" in text and "first" not in text and text.count(":start") == 1
    assert "Written by `" in text


def test_the_figure_docs_carry_their_commands_markers():
    for doc, name in (("quality.md", "eval"), ("performance.md", "bench")):
        text = (REPO / "docs" / doc).read_text(encoding="utf-8")
        assert f"<!-- {name}:start" in text and f"<!-- {name}:end -->" in text
