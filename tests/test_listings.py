"""Listed companies' identifiers: the package's listings, the matching rule, and a warehouse that carries them."""

import duckdb
import pytest

from tests.conftest import materialize_warehouse, query
from wiredesk.listings import everyday_words, listed_companies
from wiredesk.shipped import sql_text
from wiredesk.warehouse import create_macros


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Pfizer Inc.", "pfizer"),
        ("PFIZER", "pfizer"),
        ("The Coca-Cola Company", "coca cola"),
        ("Royal Dutch Shell plc", "royal dutch shell"),
        ("Ahold Delhaize N.V.", "ahold delhaize"),
        ("Nestlé S.A.", "nestle"),
        ("Procter & Gamble Co", "procter & gamble"),
        ("Group Inc", "group"),  # a suffix is only a suffix after a name
    ],
)
def test_company_key_leaves_case_punctuation_and_legal_suffixes_aside(name, key):
    with duckdb.connect() as con:
        create_macros(con)
        assert con.execute("select company_key(?)", [name]).fetchall() == [(key,)]


def test_listings_carry_tickers_and_home_isins():
    listings = listed_companies().rows_by_key("name", named=True, unique=True)
    assert (listings["Pfizer"]["ticker"], listings["Pfizer"]["isin"], listings["Pfizer"]["country_code"]) == (
        "PFE",
        "US7170811035",
        "US",
    )
    assert "Rio Tinto" in listings  # the package's "(corporation)" note is no part of the name


def test_a_one_word_everyday_name_is_never_matched():
    with duckdb.connect() as con:
        create_macros(con)
        con.register("listed_companies", listed_companies().to_arrow())
        con.register("everyday_words", everyday_words().to_arrow())
        con.execute(sql_text("publish/listings.sql"))
        keys = {key for (key,) in con.execute("select key from listings").fetchall()}
    assert "pfizer" in keys and "rio tinto" in keys
    assert "next" not in keys and "target" not in keys  # Next plc, Target Corporation


def test_an_organisation_named_like_a_listing_gets_its_identifiers(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "vaccine.txt").write_text(
        "Pfizer shares rise on vaccine data\n\n"
        "NEW YORK (Reuters) - Pfizer Inc said on Monday its vaccine was 90% effective, sending its shares up 8%.\n\n"
        "Next Plc, the British clothing retailer, said sales rose. Shares of Pfizer led the market.\n",
        encoding="utf-8",
    )
    db = tmp_path / "wiredesk.duckdb"
    materialize_warehouse(seeds, db)
    entities = dict(query(db, "select canonical_name, ticker from entities where entity_type = 'ORG'"))
    assert entities.get("Pfizer") == "PFE"
    assert all(ticker is None for name, ticker in entities.items() if name.startswith("Next"))
    rows = query(db, "select company, ticker, isin, articles, mentions from v_company_news")
    assert rows == [("Pfizer", "PFE", "US7170811035", 1, 3)]
