"""Figures: wire conventions of every era, parsed by hand-checked example; and the seed article's figures."""

import pytest

from tests.conftest import query
from wiredesk.figures import parse_figures


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # (figure text, value, unit, currency, kind)
        ("copper rose to $9,800 a tonne", ("$9,800 a tonne", 9800.0, "tonnes", "USD", "price")),
        ("Net profit 5.93 mln dlrs", ("5.93 mln dlrs", 5_930_000.0, None, "USD", "money")),
        ("a profit of $1.5bn", ("$1.5bn", 1.5e9, None, "USD", "money")),
        ("Brent settled at USD87.04 a barrel", ("USD87.04 a barrel", 87.04, "barrels", "USD", "price")),
        ("Qtly div 28-3/4 cts vs", ("28-3/4 cts", 0.2875, None, "USD", "money")),
        ("paid 80 U.S. cents per lb", ("80 U.S. cents per lb", 0.8, "lb", "USD", "price")),
        ("output of 1.2 mln barrels per day", ("1.2 mln barrels per day", 1.2e6, "barrels per day", None, "volume")),
        ("exports of 500,000 bags", ("500,000 bags", 500_000.0, "bags", None, "volume")),
        ("shares rose two percent", ("two percent", 2.0, "percent", None, "change")),
        ("a 100% tariff on imports", ("100%", 100.0, "percent", None, "rate")),
        ("a 10 pct stake", ("10 pct", 10.0, "percent", None, "rate")),
        ("rates rose by 0.25 percentage point", ("0.25 percentage point", 0.25, "percentage points", None, "change")),
        ("15 billion yen of bonds", ("15 billion yen", 1.5e10, None, "JPY", "money")),
        ("bought 10 mln stg of gilts", ("10 mln stg", 1e7, None, "GBP", "money")),
        ("gold at $29.80 an ounce", ("$29.80 an ounce", 29.8, "ounces", "USD", "price")),
    ],
)
def test_wire_figures(text, expected):
    [figure] = parse_figures(text)
    assert (figure["figure_text"], figure["value"], figure["unit"], figure["currency"], figure["kind"]) == expected
    assert text[figure["start_char"] : figure["end_char"]] == figure["figure_text"]


@pytest.mark.parametrize(
    "text",
    [
        "On March 3, 1987, 45 people met in 12 rooms.",  # dates, years and counts are not figures
        "The 2025/26 season opened.",
        "He ran 5m in the rain.",  # "m" without a currency: metres or minutes, never millions
    ],
)
def test_dates_years_and_bare_numbers_are_not_figures(text):
    assert parse_figures(text) == []


def test_the_seed_articles_figures(seed_warehouse):
    rows = query(seed_warehouse, "select figure_text, value, unit, kind, measure from figures order by start_char")
    assert ("100%", 100.0, "percent", "rate", "tariff") in rows  # the tariff threatened on Chinese imports
    assert ("two percent", 2.0, "percent", "change", None) in rows  # Japanese and South Korean shares


def test_prices_belong_to_the_commodity_they_follow(tmp_path):
    from tests.conftest import materialize_warehouse

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "metals.txt").write_text(
        "Metals climb\nCopper rose to $9,800 a tonne on the LME, while silver gained to $29.80 an ounce "
        "and gold held at $2,400 an ounce.\n"
    )
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(folder, db).success
    prices = query(db, "select commodity, value, unit, currency from v_commodity_prices order by value")
    assert prices == [
        ("silver", 29.8, "ounces", "USD"),
        ("gold", 2400.0, "ounces", "USD"),
        ("copper", 9800.0, "tonnes", "USD"),
    ]
