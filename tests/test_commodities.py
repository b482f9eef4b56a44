"""The commodity catalogue and matcher: coverage, synonyms, longest match, false friends, context words."""

import polars as pl
import pytest

from wiredesk.commodities import (
    build_matcher,
    default_matcher,
    find_commodity_mentions,
    find_in_text,
    load_catalogue,
    load_false_friends,
)


@pytest.fixture(scope="module")
def matcher():
    return default_matcher()


def found(text: str, matcher) -> list[tuple[str, str]]:
    return [(commodity, text[start:end]) for commodity, start, end, _ in find_in_text(text, matcher)]


def test_catalogue_is_broad_and_grouped():
    catalogue = load_catalogue()
    assert catalogue.height >= 60
    groups = set(catalogue["commodity_group"])
    assert {"energy", "base metals", "precious metals", "critical minerals", "grains"} <= groups
    assert {"oilseeds and vegetable oils", "softs", "livestock", "fertilisers"} <= groups
    assert catalogue["hs_code"].null_count() == 0


def test_catalogue_rejects_a_synonym_listed_twice(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("commodity,commodity_group,hs_code,synonyms,context_synonyms\na,g,1,x|y,\nb,g,2,y,\n")
    with pytest.raises(ValueError, match="synonyms listed twice"):
        load_catalogue(path)


def test_an_analyst_can_add_a_commodity_without_code(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(
        "commodity,commodity_group,hs_code,synonyms,context_synonyms\nvanilla,softs,0905,vanilla|vanilla beans,\n"
    )
    matcher = build_matcher(load_catalogue(path), [])
    assert found("Madagascar vanilla beans doubled.", matcher) == [("vanilla", "vanilla beans")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("China resumed purchases of US soybeans.", [("soybeans", "soybeans")]),
        (
            "Export controls on rare earth minerals and rare-earth magnets.",
            [("rare earths", "rare earth minerals"), ("rare earths", "rare-earth magnets")],
        ),
        ("Aluminum and aluminium both count.", [("aluminium", "Aluminum"), ("aluminium", "aluminium")]),
        ("Crude palm oil futures rose.", [("palm oil", "Crude palm oil")]),
        (
            "Brent crude rose while WTI slipped on oil demand worries.",
            [("crude oil", "Brent crude"), ("crude oil", "WTI"), ("crude oil", "oil")],
        ),
        ("Corn and maize prices.", [("corn", "Corn"), ("corn", "maize")]),
        ("A silver-copper alloy coin.", [("silver", "silver"), ("copper", "copper")]),
        ("Thai sugarcane output fell.", [("sugar", "sugarcane")]),
        ("Gas prices at the pump rose as motorists paid $3 a gallon.", [("gasoline", "Gas")]),
        ("Gas exports through the pipeline rose.", [("natural gas", "Gas")]),
        ("Queues formed at gas stations.", [("gasoline", "gas stations")]),
        ("She added olive oil to the pan.", [("vegetable oils", "olive oil")]),
    ],
)
def test_synonyms_and_longest_match(matcher, text, expected):
    assert found(text, matcher) == expected


@pytest.mark.parametrize(
    "text",
    [
        "She won the gold medal in Paris.",
        "The two sides will iron out the details.",
        "This could lead to a deal.",
        "He will lead the delegation to Beijing.",
        "The senate will rubber-stamp the bill.",
        "The police fired tear gas at protesters.",
        "Prices rose in the lead-up to the vote.",
        "The exchange gave an iron-clad guarantee on prices.",
    ],
)
def test_false_friends_are_not_commodities(matcher, text):
    assert found(text, matcher) == []


def test_oil_among_vegetable_oils_is_not_crude(matcher):
    assert found(
        "Egypt bought 41,000 tonnes of crude sunflowerseed oil and 5,000 tonnes of refined oil in drums.", matcher
    ) == [("sunflower oil", "sunflowerseed oil")]
    assert found("India's castor oil exports fell.", matcher) == [("vegetable oils", "castor oil")]
    assert found("Imports of fats and oils rose to 2.16 mln tonnes on a fat/oil basis.", matcher) == []
    # "crude" as the adjective of another commodity is that commodity
    assert found("CUBA CRUDE SUGAR HARVEST FAR BEHIND SCHEDULE", matcher) == [("sugar", "SUGAR")]
    assert found("Crude rubber stocks fell while crude prices rose.", matcher) == [
        ("rubber", "rubber"),
        ("crude oil", "crude"),
    ]
    # the same words beside the petroleum trade are crude oil again
    assert found("Oil exports from the palm-fringed state rose to two mln barrels a day.", matcher) == [
        ("crude oil", "Oil")
    ]


def test_everyday_words_need_a_market_context(matcher):
    assert found("The oil painting sold.", matcher) == []
    assert found("He put oil in the car.", matcher) == []
    assert found("Oil prices fell on Monday.", matcher) == [("crude oil", "Oil")]
    assert found("Lead prices on the LME rose.", matcher) == [("lead", "Lead")]
    assert found("Tin output in Indonesia fell two percent.", matcher) == [("tin", "Tin")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("OPEC DEFENDS 18 DLR PRICE", [("crude oil", "OPEC")]),
        ("OPEC+ agreed deeper output cuts.", [("crude oil", "OPEC+")]),
        ("The Hughes rig count rose by 23.", [("crude oil", "rig count")]),
        ("Urals crude traded at a discount.", [("crude oil", "Urals crude")]),
        ("Prices at Henry Hub slipped.", [("natural gas", "Henry Hub")]),
        ("The Dutch TTF benchmark rose five percent.", [("natural gas", "TTF")]),
        ("The ICCO buffer stock manager bought.", [("cocoa", "ICCO")]),
        ("INRO will review its price range.", [("rubber", "INRO")]),
    ],
)
def test_a_commodity_named_by_its_market_pact_or_grade(matcher, text, expected):
    assert found(text, matcher) == expected


def test_everyday_words_count_where_the_trade_works(matcher):
    assert found("Oil workers went on strike in Ecuador.", matcher) == [("crude oil", "Oil")]
    assert found("Gas platforms in the North Sea were shut.", matcher) == [("natural gas", "Gas")]
    assert found("Tin miners' unions called a stoppage.", matcher) == [("tin", "Tin")]
    # not outside the trade, and never for "lead" the verb
    assert found("The TTF said on Monday it would meet again.", matcher) == []
    assert found("He will lead workers out on strike.", matcher) == []
    assert found("Olive oil was served to the workers.", matcher) == [("vegetable oils", "Olive oil")]


def test_false_friends_file_loads():
    assert "gold medal" in load_false_friends()


def test_mentions_frame_has_offsets_that_slice_back(matcher):
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Copper climbs"], "body": ["Copper and gold rose."]})
    sentences = pl.DataFrame(
        schema={"article_id": pl.String, "field": pl.String, "start_char": pl.Int32, "end_char": pl.Int32}
    )
    out = find_commodity_mentions(articles, sentences, matcher)
    texts = {"title": "Copper climbs", "body": "Copper and gold rose."}
    assert sorted(out["commodity"]) == ["copper", "copper", "gold"]
    for row in out.iter_rows(named=True):
        assert texts[row["field"]][row["start_char"] : row["end_char"]] == row["mention_text"]


def flagged_in_names(articles: dict[str, tuple[str, str]], tagged: list[tuple[str, str, str]]) -> list[tuple]:
    """Run `flag_inside_names` over articles {id: (title, body)}, with the model's names given as
    (article id, field, name text); offsets are found in the text."""
    from wiredesk.company_names import flag_inside_names
    from wiredesk.entities import ENTITY_MENTION_SCHEMA

    frame = pl.DataFrame(
        [(article_id, title, body) for article_id, (title, body) in articles.items()],
        schema=["article_id", "title", "body"],
        orient="row",
    )
    sentences = pl.DataFrame(
        schema={"article_id": pl.String, "field": pl.String, "start_char": pl.Int32, "end_char": pl.Int32}
    )
    mentions = find_commodity_mentions(frame, sentences, default_matcher())
    rows = []
    for article_id, field, name in tagged:
        start = articles[article_id][field == "body"].index(name)
        rows.append((article_id, field, start, start + len(name), "ORG", name))
    columns = ("article_id", "field", "start_char", "end_char", "article_type", "mention_text")
    entities = pl.DataFrame(rows, schema={key: ENTITY_MENTION_SCHEMA[key] for key in columns}, orient="row")
    flagged = flag_inside_names(mentions, entities, frame)
    return sorted(flagged.select("article_id", "field", "mention_text", "in_name").rows())


def test_commodity_words_in_company_names_are_flagged():
    articles = {
        "a": ("<PALOMA PETROLEUM LTD> YEAR NET", "Magma Copper Co cut its copper price."),
        "b": ("BETHLEHEM STEEL SEES STEEL DEMAND", "Bethlehem Steel Corp said steel demand rose."),
        "c": ("GETTY PETROLEUM <GTY> NET", "Petroleum product sales rose."),
    }
    # the model tagged "Bethlehem Steel Corp" in the body as an organisation, but not the headline's capitals
    assert flagged_in_names(articles, [("b", "body", "Bethlehem Steel Corp")]) == [
        ("a", "body", "Copper", True),  # a company suffix follows
        ("a", "body", "copper", False),
        ("a", "title", "PETROLEUM", True),  # inside <...>
        ("b", "body", "Steel", True),  # inside the tagged name
        ("b", "body", "steel", False),
        ("b", "title", "STEEL", False),  # the second, free "STEEL"
        ("b", "title", "STEEL", True),  # the name met in the body, in capitals
        ("c", "body", "Petroleum", False),
        ("c", "title", "PETROLEUM", True),  # a ticker follows
    ]


def test_commodity_bodies_and_headline_guesses_do_not_hide_the_commodity():
    articles = {
        "ico": ("ICO QUOTA TALKS CONTINUE", "Talks at the International Coffee Organization on export quotas went on."),
        "caps": ("TAIWAN BUYS U.S. SOYBEANS", "Taiwan bought 27,000 tonnes of soybeans."),
        "short": ("PEGASUS GOLD REDUCES DEBT", "Pegasus Gold Inc said it cut its debt."),
    }
    # what the model tagged: the coffee body, and a guess in the capitals of a headline
    tagged = [("ico", "body", "International Coffee Organization"), ("caps", "title", "U.S. SOYBEANS")]
    assert flagged_in_names(articles, tagged) == [
        ("caps", "body", "soybeans", False),
        ("caps", "title", "SOYBEANS", False),  # the model's guess in a capitals headline is not a name
        ("ico", "body", "Coffee", False),  # the coffee trade's own body names the commodity
        ("short", "body", "Gold", True),  # a company suffix follows
        ("short", "title", "GOLD", True),  # the headline's short form of "Pegasus Gold Inc"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zinc and lead prices rose on the LME.", ["zinc", "lead"]),
        ("Refined lead output fell 3 pct.", ["lead"]),
        ("Saudi Arabia and Russia lead push for deeper output cuts as prices slide.", []),
        ("Katie Ledecky won gold in the 800 metres freestyle.", []),
        ("Her ninth Olympic gold came in the relay final.", []),
        ("Gold rose to $2,380 an ounce as investors sought safety.", ["gold"]),
    ],
)
def test_lead_as_a_verb_and_medals_are_not_commodities(text, expected):
    from wiredesk.commodities import default_matcher, find_in_text

    assert [commodity for commodity, *_ in find_in_text(text, default_matcher())] == expected
