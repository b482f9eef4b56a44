"""Rows slice back to their article: in SQL for ordinary articles, in Python for long ones; both must agree."""

import duckdb
import pytest

from wiredesk.slices import LONG_TEXT, SliceCheck, checked_rows, count_not_slicing_back
from wiredesk.warehouse import create_macros


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    create_macros(con)
    long_body = "Copper rose. " * (LONG_TEXT // 10) + "Gold fell in Zürich."
    con.execute("create table articles (article_id varchar, title varchar, body varchar)")
    con.execute(
        "insert into articles values ('short', 'Zinc news', 'Zinc rose in Lima.'), ('long', 'Long report', ?)",
        [long_body],
    )
    con.execute(
        "create table mentions (article_id varchar, field varchar, start_char int, end_char int, mention_text varchar)"
    )
    zurich = long_body.index("Zürich")
    rows = [
        ("short", "body", 0, 4, "Zinc"),  # right
        ("short", "body", 13, 17, "Lima"),  # right
        ("short", "title", 0, 4, "Lima"),  # wrong text
        ("long", "body", zurich, zurich + 6, "Zürich"),  # right, far into a long article
        ("long", "body", zurich + 1, zurich + 7, "Zürich"),  # off by one
        ("long", "title", 0, 4, "Long"),  # right: the long article's short title
        ("long", "body", len(long_body) - 3, len(long_body) + 5, "h."),  # past the end
        ("gone", "body", 0, 4, "Zinc"),  # no article
    ]
    con.executemany("insert into mentions values (?, ?, ?, ?, ?)", rows)
    yield con
    con.close()


def test_each_row_is_checked_whichever_way_its_article_is_long(con):
    check = SliceCheck("mentions", "mention_text")
    rows = checked_rows(con, check, "m.article_id, m.field, m.start_char, m.mention_text")
    verdicts = {
        (row["article_id"], row["field"], row["start_char"]): (row["has_article"], row["slice_matches"])
        for row in rows.iter_rows(named=True)
    }
    zurich = con.execute("select strpos(body, 'Zürich') - 1 from articles where article_id = 'long'").fetchall()[0][0]
    assert verdicts == {
        ("short", "body", 0): (True, True),
        ("short", "body", 13): (True, True),
        ("short", "title", 0): (True, False),
        ("long", "body", zurich): (True, True),
        ("long", "body", zurich + 1): (True, False),
        ("long", "title", 0): (True, True),
        ("long", "body", rows.filter(article_id="long", field="body")["start_char"].max()): (True, False),
        ("gone", "body", 0): (False, False),
    }
    assert count_not_slicing_back(con, check) == 4
