"""End to end: a real Dagster run over the seed article into a real DuckDB file, checked as an analyst would."""

import base64

import dagster as dg
import pytest

from tests.conftest import SEED_FILE, materialize_warehouse, query
from wiredesk.warehouse import staging_path


def test_the_seed_article_is_loaded_once_with_its_source_path(seed_warehouse):
    rows = query(seed_warehouse, "select source_path, title, word_count, length(content_hash) from articles")
    assert len(rows) == 1
    source_path, title, word_count, hash_length = rows[0]
    assert source_path == SEED_FILE
    assert title == "Asian stocks rally after US-China trade breakthrough"
    assert 350 < word_count < 420  # the seed has about 390 words
    assert hash_length == 64


@pytest.mark.parametrize("name", ["Donald Trump", "Xi Jinping", "Scott Bessent", "He Lifeng"])
def test_people_are_found(seed_warehouse, name):
    rows = query(seed_warehouse, "select entity_type from entities where canonical_name = ?", [name])
    assert rows == [("PERSON",)]


@pytest.mark.parametrize("name", ["ABC News", "Federal Reserve", "APEC"])
def test_organisations_are_found(seed_warehouse, name):
    rows = query(seed_warehouse, "select entity_type from entities where canonical_name = ?", [name])
    assert rows == [("ORG",)]


def test_trump_is_one_person_across_every_mention(seed_warehouse):
    rows = query(
        seed_warehouse,
        """select e.entity_type, count(*) from entity_mentions m join entities e using (entity_id)
        where m.mention_text like '%Trump%' group by 1""",
    )
    assert rows == [("PERSON", 6)]


def test_numbers_and_dates_are_not_entities(seed_warehouse):
    rows = query(
        seed_warehouse,
        "select distinct entity_type from entities where entity_type in ('DATE','CARDINAL','PERCENT','ORDINAL')",
    )
    assert rows == []
    assert query(seed_warehouse, "select count(*) from entities where canonical_name = 'Monday'") == [(0,)]


def test_commodities_found_with_rare_earths_three_times(seed_warehouse):
    rows = dict(query(seed_warehouse, "select commodity, count(*) from commodity_mentions group by 1"))
    assert rows["rare earths"] == 3
    assert rows["soybeans"] == 1
    assert rows["copper"] == 1


def test_every_offset_slices_back_to_its_text(seed_warehouse):
    for table in ("entity_mentions", "commodity_mentions"):
        rows = query(
            seed_warehouse,
            f"""select m.mention_text,
                       substring(case when m.field = 'title' then a.title else a.body end,
                                 m.start_char + 1, m.end_char - m.start_char)
                from {table} m join articles a using (article_id)""",
        )
        assert rows, table
        assert all(mention == sliced for mention, sliced in rows), table


def test_commodity_mentions_carry_their_sentence(seed_warehouse):
    rows = query(
        seed_warehouse,
        """select m.sentence_text, s.sentence_text, m.mention_text
        from commodity_mentions m join sentences s using (article_id, sentence_index)""",
    )
    assert len(rows) == 5
    for mention_sentence, sentence, mention in rows:
        assert mention_sentence == sentence
        assert mention in sentence


def test_places_are_linked_to_countries(seed_warehouse):
    codes = dict(
        query(
            seed_warehouse,
            "select canonical_name, country_code from entities where country_code is not null",
        )
    )
    expected = {
        "China": "CN",
        "Beijing": "CN",
        "Shanghai": "CN",
        "Malaysia": "MY",
        "Kuala Lumpur": "MY",
        "Japan": "JP",
        "South Korea": "KR",
        "Hong Kong": "HK",
        "Taipei": "TW",
        "United States": "US",
        "Chinese": "CN",
    }
    assert {name: codes.get(name) for name in expected} == expected


def test_us_and_the_united_states_are_one_entity(seed_warehouse):
    aliases = query(
        seed_warehouse,
        """select a.alias from entity_aliases a join entities e using (entity_id)
        where e.canonical_name = 'United States' order by 1""",
    )
    assert [alias for (alias,) in aliases] == ["US", "United States", "the United States"]


def test_commodities_table_is_the_catalogue_with_counts(seed_warehouse):
    rows = dict(query(seed_warehouse, "select commodity, mention_count from commodities"))
    assert len(rows) >= 60
    assert rows["rare earths"] == 3
    assert rows["gold"] == 0


def test_each_run_is_recorded(seed_warehouse):
    rows = query(seed_warehouse, "select articles_total, articles_added, articles_removed from pipeline_runs")
    assert rows == [(1, 1, 0)]


def test_the_staging_file_is_removed_after_publish(seed_warehouse):
    assert not staging_path(seed_warehouse).exists()
    assert query(seed_warehouse, "select count(*) from information_schema.schemata where schema_name = 'staging'") == [
        (0,)
    ]


def test_definitions_load_with_job_sensor_and_checks():
    from pipelines.definitions import defs

    repository = defs.get_repository_def()
    assert repository.has_job("build_warehouse")
    assert [sensor.name for sensor in repository.sensor_defs] == ["articles_folder_sensor"]
    keys = {key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()}
    assert {
        "articles",
        "entities",
        "entity_mentions",
        "commodities",
        "commodity_events",
        "commodity_mentions",
        "rejected_articles",
    } <= keys
    check_keys = {(k.asset_key.to_user_string(), k.name) for k in repository.asset_graph.asset_check_keys}
    assert ("staging/articles", "great_expectations") in check_keys
    assert ("entity_mentions", "invariants") in check_keys


def test_the_asset_graph_is_stable():
    """A snapshot of the graph: renaming or dropping an asset analysts rely on must be deliberate."""
    from pipelines.definitions import defs

    keys = sorted(k.to_user_string() for k in defs.get_repository_def().asset_graph.get_all_asset_keys())
    assert keys == [
        "article_commodities",
        "article_entities",
        "article_stories",
        "articles",
        "commodities",
        "commodity_events",
        "commodity_mentions",
        "entities",
        "entity_aliases",
        "entity_mentions",
        "figures",
        "quotations",
        "rejected_articles",
        "results",
        "sentences",
        "staging/article_signatures",
        "staging/articles",
        "staging/commodity_events",
        "staging/commodity_mentions",
        "staging/entity_mentions",
        "staging/figures",
        "staging/quotations",
        "staging/results",
        "staging/sentences",
        "staging/tone_terms",
        "story_clusters",
        "tone_terms",
    ]
    assert isinstance(defs, dg.Definitions)


def test_article_commodities_say_what_the_article_is_about(seed_warehouse):
    rows = {
        commodity: (mention_count, is_primary, relevance)
        for commodity, mention_count, is_primary, relevance in query(
            seed_warehouse, "select commodity, mention_count, is_primary, relevance from article_commodities"
        )
    }
    assert rows["rare earths"][:2] == (3, True)  # named three times
    assert rows["copper"][:2] == (1, False)  # one passing mention in the last paragraph
    assert rows["rare earths"][2] > rows["soybeans"][2] > rows["copper"][2]


def test_what_an_article_is_about_lead_company_news_and_grain_stories(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    body = (
        "Frost damaged coffee trees across Brazil overnight, growers said.\n\n"
        "The damage could take weeks to assess.\n\nTraders also watched sugar in London."
    )
    (seeds / "frost.txt").write_text(f"Brazil frost hits growers\n\n{body}\n")
    (seeds / "results.txt").write_text(
        "Growers Inc net profit falls\n\nGrowers Inc said net profit fell to 4.5 mln dlrs in the year from 6.1 mln "
        "dlrs.\n\nShr 12 cts vs 18 cts. Sales 91.2 mln dlrs vs 95.0 mln.\n\nThe company, which also trades coffee "
        "and sugar, said frost had damaged trees on some estates.\n"
    )
    (seeds / "grains.txt").write_text(
        "US wheat exports climb\n\nWheat export sales rose to 500,000 tonnes last week, the USDA said.\n\n"
        "Shipments to Egypt led the gains.\n\nCorn sales were steady.\n\nTraders also watched sugar.\n"
    )
    materialize_warehouse(seeds, tmp_path / "w.duckdb")
    primary = query(
        tmp_path / "w.duckdb",
        """select a.source_path, c.commodity, c.is_primary from article_commodities c join articles a
        using (article_id) order by all""",
    )
    assert primary == [
        ("frost.txt", "coffee", True),  # in the lead, the most-named commodity
        ("frost.txt", "sugar", False),  # a passing mention at the end
        ("grains.txt", "corn", True),  # named once, late, but a grain story covers every grain it names
        ("grains.txt", "sugar", False),  # not a grain: a passing mention
        ("grains.txt", "wheat", True),
        ("results.txt", "coffee", False),  # a company's results: the coffee is background
        ("results.txt", "sugar", False),
    ]


def test_article_entities_rank_the_story_s_protagonists(seed_warehouse):
    ranked = [
        name
        for (name,) in query(
            seed_warehouse,
            """select e.canonical_name from article_entities ae join entities e using (entity_id)
            order by ae.relevance desc limit 5""",
        )
    ]
    assert set(ranked[:2]) == {"China", "United States"}  # the headline's "US-China"
    assert "Donald Trump" in ranked
    assert query(seed_warehouse, "select count(*) from article_entities") == query(
        seed_warehouse, "select count(*) from entities"
    )


def test_seed_commodity_mentions_carry_their_context(seed_warehouse):
    rows = query(
        seed_warehouse,
        """select commodity, direction, trade_action, list_sort(countries)
        from commodity_mentions order by field, start_char""",
    )
    assert [row for row in rows if row[0] == "rare earths"] == [
        ("rare earths", None, "export control", ["CN", "US"]),
        ("rare earths", None, "export control", ["CN"]),
        ("rare earths", None, "export control", ["CN"]),
    ]
    assert [row for row in rows if row[0] == "soybeans"] == [("soybeans", None, "purchase", ["CN", "US"])]
    assert [row for row in rows if row[0] == "copper"] == [("copper", "up", None, [])]


def test_materialisations_carry_counts_previews_and_charts(tmp_path):
    from tests.conftest import SEEDS, materialize_warehouse

    result = materialize_warehouse(SEEDS, tmp_path / "w.duckdb")
    metadata = {
        event.asset_key.to_user_string(): event.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    assert metadata["commodity_mentions"]["dagster/row_count"].value == 5
    assert "rare earths" in metadata["commodity_mentions"]["preview"].value
    chart = metadata["commodity_mentions"]["chart"].value
    assert chart.startswith("![Mentions by commodity (top 15)](data:image/svg+xml;base64,")
    svg = base64.b64decode(chart.split("base64,")[1].rstrip(")")).decode()
    assert "rare earths" in svg and "soybeans" in svg and "copper" in svg
    assert "data:image/svg+xml;base64," in metadata["entities"]["chart"].value
    assert metadata["staging/articles"]["new_articles"].value == 1
