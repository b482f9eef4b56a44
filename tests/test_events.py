"""Commodity events, and what a commodity mention's sentence says of it. The stories are written for these tests
(regression cases, not evidence)."""

import polars as pl
import pytest

from tests.conftest import materialize_warehouse, query
from wiredesk.events import EVENT_TYPES, event_matches, load_event_terms
from wiredesk.sentence_facts import add_context, describe


def test_the_event_vocabulary_loads_and_names_known_types():
    terms = load_event_terms()
    assert {t.event_type for t in terms} == set(EVENT_TYPES)
    assert {"strike", "weather", "export ban", "tariff", "OPEC decision", "tender"} <= {t.event for t in terms}


@pytest.mark.parametrize(
    ("sentence", "events"),
    [
        ("Indonesia banned exports of nickel ore in January.", {"export ban"}),
        ("Workers at the Escondida copper mine went on strike on Monday.", {"strike"}),
        ("Frost damaged coffee trees in Minas Gerais.", {"weather"}),
        ("Egypt's GASC bought 120,000 tonnes of wheat in its tender.", {"purchase", "tender"}),
        ("OPEC+ agreed to cut output by 2 million barrels per day.", {"OPEC decision"}),
        ("Gold hit a record high of $2,500 an ounce.", {"record price"}),
        ("Copper rose 2% on Tuesday.", set()),
    ],
)
def test_event_words(sentence, events):
    assert {event for _, _, _, event in event_matches(sentence)} == events


@pytest.mark.parametrize(
    ("sentence", "word", "direction"),
    [
        ("Output of hot-rolled flat steel rose 3% in May.", "steel", "up"),  # "flat steel" is a product
        ("Copper prices were flat on Tuesday.", "Copper", "flat"),
        ("Traders pushed benchmark copper on the LME up 1.4% to $10,320 a metric ton.", "copper", "up"),
        ("Tariffs of up to 35% on copper were proposed.", "copper", None),  # "up to" is no move
        # each clause its own move
        ("Gold closed steady while silver prices rallied on the Comex.", "silver", "up"),
        ("Gold closed steady while silver prices rallied on the Comex.", "Gold", "flat"),
        ("Fuel oil went to utilities last year when world crude prices plunged.", "Fuel oil", None),
        ("The index edged down 0.1 pct as prices for steel stabilized.", "steel", "flat"),
        ("The rise in oil prices had little impact, as aviation fuel prices lag behind.", "aviation fuel", None),
        # a word that moves another noun, or a particle, moves no commodity
        ("Higher limits for CBT wheat would impair trading.", "wheat", None),
        ("The resulting increased profits encouraged farmers to plant corn.", "corn", None),
        ("The project would take up another 150,000 tonnes of sugar.", "sugar", None),
        # ... but it does move the commodity's own measures, as a predicate or a verb
        ("Traders expect steady to slightly lower corn and wheat exports.", "wheat", "down"),
        ("USDA acted to lower excessively high posted prices for corn.", "corn", "down"),
        ("Demand for OPEC oil has been rising through the quarter.", "oil", "up"),
        ("Product prices fell more slowly than crude prices.", "crude", "down"),
        # verbs that move an object: the commodity's price, not another thing
        ("Sun Co said it raised the contract price it will pay for crude oil 50 cts.", "crude oil", "up"),
        ("MAGMA LOWERS COPPER PRICE 0.25 CT TO 65.50 CTS", "COPPER", "down"),
        ("Saudi Arabia has dropped its condition that Brazil secure guarantees before it would ship oil.", "oil", None),
        ("Oil companies slashed expenditure because of the crash.", "Oil", None),
        ("MALAYSIA RAISES PALM OIL EXPORT DUTIES", "PALM OIL", None),
        ("He said that if the issue of rice is to be raised, he would mention it.", "rice", None),
        ("Carcass parts, which have been hand-trimmed, go into the machine.", "Carcass", None),
        # a move that belongs to another noun, a season, a particle, a qualifier
        (
            "Technology advances now enable alloys to be produced by the secondary aluminium industry.",
            "aluminium",
            None,
        ),
        ("1.0 mln bpd of oil from coal and 0.1 mln bpd from processing gains.", "oil", None),
        ("Oil prices fell as the dollar gains.", "Oil", "down"),
        ("Drilling is likely to continue despite recent gains in crude oil prices.", "crude oil", "up"),
        ("The metal gains came after a strike at the copper mine.", "copper", "up"),
        ("Gold market gains 2 pct in Zurich.", "Gold", "up"),
        ("Imports of uranium oxide are allowed under laws passed by Congress last fall.", "uranium", None),
        ("Corn sales from PIK-and-roll activity seen earlier are drying up.", "Corn", None),
        ("The steady increase in soybean production was a shift of acres.", "soybean", "up"),
        ("Soybean prices were steady in Chicago.", "Soybean", "flat"),
        ("The decline in cocoa prices hurt growers.", "cocoa", "down"),
        ("A deteriorating non-oil trade pattern would push sterling lower.", "oil", None),
        ("Sugar mills suffer because refined sugar prices have not changed for 20 years.", "sugar", "flat"),
        # a move as a noun moves what follows it: another thing, or the mention and its measures
        ("Interalumina, which makes alumina, had an increase in profits from 116 to 217 mln.", "alumina", None),
        ("Prospects improve for rice and corn, and slow the decline in sugar production.", "corn", None),
        ("A drop in the dollar means uncertainty and gold is the hedge.", "gold", None),
        ("That view is reinforced by a decline in exportable supplies of Argentine corn.", "corn", "down"),
        ("Kaneb may omit distributions because of the continued slump in oil and gas prices.", "gas", "down"),
        (
            "Indonesia, hurt by the fall in oil prices which cut its crude exports in half, is a debtor.",
            "crude",
            "down",
        ),
        ("Cocoa producers will discuss whether the rules will reverse a sharp fall in world prices.", "Cocoa", "down"),
        ("Exports rose 20 pct after excluding coffee and oil derivatives.", "coffee", None),
        ("He told U.S. sugarbeet growers they must halt production increases.", "sugarbeet", None),
        ("Forecasts will be dropped for lemons and oranges in November.", "oranges", None),
        ("Shell pays an up-front royalty on the profits of the oil sands facility.", "oil sands", None),
        ("Mandates may increase soybean's competitiveness, an aide said.", "soybean", None),
        ("Plexman forecasts operating profit for Canada's oil and gas companies will rise 37 pct.", "oil", None),
        ("The Soviet Union agreed to cut its coking coal export prices by five dlrs.", "coking coal", "down"),
        ("Sumitomo said it will raise its monthly nickel output to around 1,750 tonnes.", "nickel", "up"),
        ("Tax relief for oil producers will boost opportunities for the offshore supplies industry.", "oil", None),
        ("The main objective was to raise exports outside the oil and natural gas sector.", "oil", None),
        # a charge or a credit line on the commodity moves, not the commodity; another commodity's price; pieces
        ("India cut the export duty on coffee to 330 rupees from 600 rupees.", "coffee", None),
        ("The action reduces guarantee lines for rice and increases coverage for wheat sales.", "rice", None),
        ("Washington raised prices for coffee by 5 pct.", "coffee", "up"),
        ("Margins on gasoline sales were high, caused by rapidly falling oil prices.", "gasoline", None),
        ("Reserves fell on decreased prices for oil and gas.", "gas", "down"),
        ("Consumers select leaner cuts of meat.", "meat", None),
        # a possessor's move, a particle, an idiom, the value of another thing
        ("The yen's surge has caused layoffs in the steel industry.", "steel", None),
        ("Copper's rise lifted miners.", "Copper", "up"),
        ("The court may wind up the tin council.", "tin", None),
        ("The government is cracking down on coffee smuggling.", "coffee", None),
        ("Analysts fear the oil pact is falling apart.", "oil", None),
        (
            "Price pressure on steel and the recent increase in the value of the dollar is expected to hurt.",
            "steel",
            None,
        ),
        ("The recent increase in the value of copper exports helped.", "copper", "up"),
        # too far before the mention to be its move; a mixed market; particles
        (
            "The decline will result from low world grain prices leading to shifts which could benefit U.S. wheat "
            "exports.",
            "wheat",
            None,
        ),
        ("Prices rose sharply in early trade for the soybeans.", "soybeans", "up"),
        ("Soybeans were higher, wheat lower and corn mixed.", "corn", None),
        ("Iraq vowed to keep up raids on Iranian oil sites.", "oil", None),
        ("The loss includes a write down of oil and gas properties.", "gas", None),
        ("MHI is building more technologically advanced carriers to carry liquefied natural gas.", "natural gas", None),
        ("Gasoline stocks were off 100,000 barrels in the week.", "Gasoline", "down"),
        ("A comparatively buoyant gold price allowed mines to mine lower grade ores.", "gold", "up"),
        # a move of another place, in a clause with no subject of its own: both ways; a later move is no such turn
        ("Barley acreage is likely to fall in the European Community but increase in Canada.", "Barley", None),
        ("Oil prices rallied after the accord but fell again last month.", "Oil", "up"),
        ("Higher grades will keep contained-copper output at current levels.", "copper", "flat"),
        # a charge or credit on the commodity moved, not the commodity
        ("The guarantee line for sales of frozen poultry has been increased to 56 mln dlrs.", "poultry", None),
        ("Producers would not support a lower soybean loan.", "soybean", None),
        (
            "The levy on old oil is forcing producers to shut in output, accelerating the decline in output.",
            "oil",
            "down",
        ),
        # the object of a cut is another commodity's price
        ("The Soviet Union agreed to cut its coking coal export prices to Japanese steel mills.", "steel", None),
        ("It cut prices for all grades of zinc sold in North America by one ct a pound.", "zinc", "down"),
        ("The plan is to cut the tin surplus to 50,000 from 70,000 tonnes.", "tin", "down"),
        ("The government wanted to help boost exports from the rubber and palm oil industries.", "rubber", "up"),
        ("The Mint seeks offers on 629,000 lbs of electrolytic cut nickel cathodes or briquettes.", "nickel", None),
        # a participle moves as its verb does; "due to" is no verb's "to"; a move's size before it
        ("Prospects are slim, with coffee prices plunging and oil prices up.", "coffee", "down"),
        (
            "Jobs may fall 550,000 from this year due to higher job losses in the steel and shipbuilding sectors.",
            "steel",
            None,
        ),
        (
            "Sweden announced tax increases on petrol to help finance a 1.7 pct rise in defence spending.",
            "petrol",
            None,
        ),
        # a move before ", and" is another clause's
        ("Stocks of gasoline are declining, and gasoline demand is rising.", "gasoline demand", "up"),
        # a table's rows move each on its own, which one sentence cannot tell apart
        (
            "CORN SOYBEANS TOLEDO 5 UND MAY UNC 1 UND MAY UNC CINCINNATI 1 UND MAY UNC 1 OVR MAY UP 2 NEW HAVEN 12 "
            "UND MAY UNC 2 UND MAY DN 1",
            "CORN",
            None,
        ),
    ],
)
def test_directions(sentence, word, direction):
    start = sentence.index(word)
    assert describe(sentence, start, start + len(word))[0] == direction


STORY = (
    "Nickel and copper supply hit by bans and strikes\n"
    "Indonesia banned exports of nickel ore on Monday, the mines ministry said.\n"
    "Codelco's copper miners went on strike on Tuesday, the union said.\n"
    "Magma Copper Co shares fell 2% after it bought a rival.\n"
    "Copper prices rose 2% in London.\n"
)


def test_events_in_the_warehouse(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    result = materialize_warehouse(folder, db)
    assert all(check.passed for check in result.get_asset_check_evaluations())
    rows = query(
        db,
        """select v.commodity, v.event_type, v.event, v.country_code, e.canonical_name, v.sentence_index
        from commodity_events v left join entities e on e.entity_id = v.actor_entity_id
        where v.field = 'body' order by v.sentence_index, v.event""",
    )
    assert rows == [
        ("nickel", "policy", "export ban", "ID", "Indonesia", 1),
        ("copper", "supply disruption", "strike", None, "Codelco", 2),
    ]  # the copper company's purchase raises no event for copper, and a price move is not an event
    in_name = query(
        db, "select direction, trade_action from commodity_mentions where sentence_text like 'Magma%' and in_name"
    )
    assert in_name == [(None, None)]


def test_a_trade_action_inside_a_name_and_a_refusal_are_no_context():
    sentence = "Groups will file a petition under the General Agreement on Tariffs and Trade against an EC meat rule."
    meat, name = sentence.index("meat"), (sentence.index("General"), sentence.index("Trade") + len("Trade"))
    assert describe(sentence, meat, meat + 4, (name,))[1] is None
    assert describe(sentence, meat, meat + 4)[1] == "tariff"  # without the name, the word is read
    refusal = "Malaysia, a major cocoa producer, has declined to say whether it will join."
    start = refusal.index("cocoa")
    assert describe(refusal, start, start + 5)[0] is None
    assert describe("Cocoa prices declined to 1,200 stg.", 0, 5)[0] == "down"


@pytest.mark.parametrize(
    ("sentence", "word", "action"),
    [
        ("The purchase would include Shell's interest in 39 retail gasoline stations.", "gasoline", None),
        ("CSR has made a bold move in selling its oil and gas interests.", "gas", None),
        ("Nerco said the interest being purchased will give it gas reserves.", "gas", None),
        ("Japanese crushers continue to concentrate on rapeseed purchases.", "rapeseed", "purchase"),
        ("Farmers have sold a good part of their cocoa held on consignment.", "cocoa", "sale"),
        # a company's revenue is no sale, unless the commodity names it
        ("Thies, a poultry and pork provider with sales of about 69 mln dlrs, was acquired.", "poultry", None),
        ("Magma had total sales of 347.3 mln dlrs, including copper sales of 293.4 mln dlrs.", "copper", "sale"),
        # a limit on a trade is a control of it; controls of other things are not
        ("The ATPC launched a plan to limit member tin exports to 96,000 tonnes.", "tin", "export control"),
        ("The French want to control the imports of U.S. corn gluten feed.", "corn", "import restriction"),
        ("OPEC production curbs have boosted world oil prices.", "oil", None),
        ("Delegates approved programs for control and eradication of pseudorabies in hogs.", "hogs", None),
        ("Indonesia kept inflation within limits and boosted exports of oil.", "oil", "sale"),
        ("Washington extended curbs on Chinese steel.", "steel", "export control"),
        ("Beijing will defer its rare earth restrictions for a year.", "rare earth", "export control"),
        (
            "Henkel said it is selling its Hamburg vegetable oil and fats subsidiary to Oelmuehle.",
            "vegetable oil",
            None,
        ),
        ("Colombia denied having sold 440,000 bags of old crop coffee below market prices.", "coffee", None),
        ("It seeks authority to sell the Soviets U.S. wheat, after the Soviets bought U.S. corn.", "wheat", "sale"),
        ("Besides the purchase price, CSR will share in any rise in crude oil prices.", "crude oil", None),
        ("The purchase price for the soybeans was 200 dlrs a tonne.", "soybeans", "purchase"),
        # price controls, an asset sale, other goods bought
        ("Congress should remove price controls on natural gas.", "natural gas", None),
        ("The value could be revised due to asset sales of their oil and gas reserves.", "gas", None),
        ("Spain granted a credit for the purchase of Spanish goods in the iron and steel industry.", "iron", None),
        ("Its purchases from the United States include testing equipment, grains and cotton.", "cotton", "purchase"),
    ],
)
def test_a_trade_action_is_a_trade_in_the_commodity(sentence, word, action):
    start = sentence.index(word)
    assert describe(sentence, start, start + len(word))[1] == action


def test_a_commodity_in_an_exchange_name_moves_as_the_one_named_freely():
    sentence = "Sugar prices closed higher on the Coffee, Sugar and Cocoa Exchange despite an export sale."
    words = [("Sugar", 0, "sugar"), ("Coffee", 0, "coffee"), ("Sugar", 1, "sugar"), ("Cocoa", 0, "cocoa")]
    starts = []
    for word, occurrence, _ in words:
        start = -1
        for _ in range(occurrence + 1):
            start = sentence.index(word, start + 1)
        starts.append(start)
    mentions = pl.DataFrame(
        {
            "article_id": ["a"] * 4,
            "sentence_index": [0] * 4,
            "sentence_text": [sentence] * 4,
            "start_char": starts,
            "end_char": [s + len(w) for s, (w, _, _) in zip(starts, words, strict=True)],
            "in_name": [False] * 4,
            "commodity": [c for _, _, c in words],
        }
    )
    sentences = pl.DataFrame({"article_id": ["a"], "sentence_index": [0], "start_char": [0]})
    names = pl.DataFrame(
        {"article_id": ["a"], "sentence_index": [0], "start_char": [56], "end_char": [70], "country_code": [None]},
        schema_overrides={"country_code": pl.String},
    )
    directions = add_context(mentions, sentences, names)["direction"].to_list()
    assert directions == ["up", None, "up", None]
