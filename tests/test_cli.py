"""The command-line helpers: row counts and the read-only SQL shell."""

import io

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
