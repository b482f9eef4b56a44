"""The analysts' views in sql/views/, queried on the seed warehouse."""

from tests.conftest import REPO, query


def test_every_view_file_is_created_and_says_what_it_answers(seed_warehouse):
    files = sorted((REPO / "sql" / "views").glob("*.sql"))
    views = {name for (name,) in query(seed_warehouse, "select view_name from duckdb_views() where not internal")}
    assert {f.stem for f in files} <= views
    for file in files:
        first_line = file.read_text().splitlines()[0]
        assert first_line.startswith("-- ") and first_line.endswith("?"), file.name


def test_v_article_entities(seed_warehouse):
    rows = query(
        seed_warehouse,
        """select canonical_name, entity_type, mention_count from v_article_entities
        where canonical_name = 'Donald Trump'""",
    )
    assert rows == [("Donald Trump", "PERSON", 6)]


def test_v_entity_cooccurrence_pairs_names_in_one_sentence(seed_warehouse):
    rows = query(
        seed_warehouse,
        """select sentence_count from v_entity_cooccurrence
        where (entity_a, entity_b) in (('Donald Trump', 'Xi Jinping'), ('Xi Jinping', 'Donald Trump'))""",
    )
    # "...Presidents Donald Trump and Xi Jinping will finalise..." and "...for Trump and Xi to meet..."
    assert rows == [(2,)]
    assert query(seed_warehouse, "select count(*) from v_entity_cooccurrence where entity_a = entity_b") == [(0,)]


def test_v_commodity_countries_ties_rare_earths_to_china_with_export_controls(seed_warehouse):
    rows = query(
        seed_warehouse,
        """select country_code, trade_action, mention_count from v_commodity_countries
        where commodity = 'rare earths' order by country_code""",
    )
    assert rows == [("CN", "export control", 3), ("US", "export control", 1)]


def test_v_commodity_mentions_daily_counts_by_day(seed_warehouse):
    rows = query(seed_warehouse, "select day, commodity, mention_count, up_mentions from v_commodity_mentions_daily")
    assert sorted((commodity, count, up) for _, commodity, count, up in rows) == [
        ("copper", 1, 1),
        ("rare earths", 3, 0),
        ("soybeans", 1, 0),
    ]


def test_v_top_entities_ranks_within_type(seed_warehouse):
    rows = query(
        seed_warehouse,
        "select canonical_name from v_top_entities where entity_type = 'PERSON' and rank_in_type = 1",
    )
    assert rows == [("Donald Trump",)]
