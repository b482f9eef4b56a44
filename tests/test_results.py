"""Results and comparisons: earnings-table lines and moves in prose, read into tone, the `results` table and its
view. The stories and sentences here are written for these tests (regression cases, not evidence)."""

import polars as pl
import pytest

from tests.conftest import materialize_warehouse, query
from wiredesk.results import leaned_tone, period_of, results_line, results_rows, sentence_moves
from wiredesk.tables import SENTENCE_SCHEMA
from wiredesk.tone import load_model, sentence_features
from wiredesk.wirecopy import marked_companies


@pytest.mark.parametrize(
    ("line", "measure", "value", "prior", "direction", "goodness"),
    [
        ("LOUISVILLE, Ky., Feb 26 - Shr one dlr vs 73 cts", "shr", 1.0, 0.73, "up", 1),
        ("Net 12.6 mln vs 15.8 mln", "net", 12.6e6, 15.8e6, "down", -1),
        ("Net loss 2,872,000 vs loss 5,200,000", "net", -2.872e6, -5.2e6, "up", 1),  # a loss that narrowed
        ("Net loss 300,000 vs 100,000", "net", -3e5, -1e5, "down", -1),  # "vs" keeps the loss
        ("Shr profit 42 cts vs loss 11 cts", "shr", 0.42, -0.11, "up", 1),
        ("Shr loss nine cts vs profit 20 cts", "shr", -0.09, 0.2, "down", -1),
        ("Revs 585.6 mln vs 541.0", "revs", 585.6e6, 541e6, "up", 1),  # the prior takes the value's scale
        ("Net 807,000 vs 2.1 mln", "net", 807_000, 2.1e6, "down", -1),  # a number of another size keeps its own
        ("Int div 5.5 cents vs 5.0", "dividend", 0.055, 0.05, "up", 1),
        ("Shr nil vs 12 cts", "shr", 0.0, 0.12, "down", -1),
        ("Avg shrs 5,123,000 vs 4,987,000", "avg shrs", 5.123e6, 4.987e6, "up", 0),  # no verdict
        ("Qtly div 12 cts vs 12 cts prior", "dividend", 0.12, 0.12, "unchanged", 0),
        ("Group orders 11.03 billion francs vs 13.00 billion", "orders", 11.03e9, 13e9, "down", -1),
        ("LONDON, March 24 - Shr 51.4p vs 56.4p", "shr", 0.514, 0.564, "down", -1),  # pence
        ("Div 33 francs per share vs 38", "dividend", 33, 38, "down", -1),
        ("Third qtr net 206.0 mln dlrs vs 238.6 mln", "net", 206e6, 238.6e6, "down", -1),  # the period first
        ('Final div "A" 44 cents vs 32.3, making 62 vs 47', "dividend", 0.44, 0.323, "up", 1),  # a class of shares
        ("Qtrly div 30.1 cts vs 34.1 cts prior", "dividend", 0.301, 0.341, "down", -1),
        ("Avg shares 29.0 mln vs 28.9 mln", "avg shrs", 29e6, 28.9e6, "up", 0),
    ],
)
def test_results_lines(line, measure, value, prior, direction, goodness):
    move = results_line(line)
    assert (move.measure, move.direction, move.goodness) == (measure, direction, goodness)
    assert move.value == pytest.approx(value) and move.prior == pytest.approx(prior)
    assert move.results_line


@pytest.mark.parametrize(
    "line",
    ["The dollar rose against the yen.", "Shares in the company, vs the index, were flat.", "Revenue was strong."],
)
def test_sentences_that_are_no_results_line(line):
    assert results_line(line) is None


@pytest.mark.parametrize(
    ("line", "direction", "goodness"),
    [
        ("Woolworth 38.7 mln vs 17.6 mln", "up", 1),  # a division's result: more of it is good news
        ("By region, Britain contributed 34 mln stg vs 47 mln", "down", -1),
        ("Exceptional debit on rationalisation programme 12 mln vs nil", "up", -1),  # a charge
        ("Extraordinary credit 16.4 mln vs 42.0 mln debit", "down", 0),  # one-off items carry no verdict
        ("Space and communications 1.9 mln vs 2.0 mln loss", "up", 1),
    ],
)
def test_a_table_row_no_measure_names_is_read_for_tone_but_is_no_results_row(line, direction, goodness):
    assert results_line(line) is None
    (move,) = sentence_moves(line)
    assert (move.direction, move.goodness, move.results_line) == (direction, goodness, False)


@pytest.mark.parametrize(
    ("sentence", "goodness"),
    [
        ("Profit before taxes amounted to EUR 56.5 mn, down from EUR 232.9 mn a year earlier.", -1),
        ("The net loss narrowed to EUR 113,000 from EUR 1.2 million.", 1),
        ("Operating profit rose to EUR 13.1 mn from EUR 8.7 mn in the same period of 2007.", 1),
        ("Cost of sales rose to 5 mln dlrs from 4 mln dlrs.", -1),  # a cost that rises is bad news
        ("The company issued a profit warning on Tuesday.", -1),
        ("The group swung to a net loss of 3 mln dlrs in the quarter.", -1),
        ("The carmaker returned to profit in the second half.", 1),
        ("Quarterly sales beat analysts' forecasts.", 1),
        ("Earnings missed consensus estimates for the third time.", -1),
        ("It cut its full-year profit forecast.", -1),
        ("The miner raised its 2025 output guidance.", 1),
        ("Results were worse than expected.", -1),
        # a loss compared with a loss, a loss with a profit, a profit with a loss
        ("Pre-tax loss totalled EUR 1.3 mn, compared to a loss of EUR 4.9 mn.", 1),
        ("Pre-tax loss totalled EUR 4.3 mn, compared to a loss of EUR 1.9 mn.", -1),
        ("Operating loss totalled EUR 2.2 mn, compared to a profit of EUR 1.1 mn.", -1),
        ("Operating profit was EUR 0.3 mn, compared with a loss of EUR 1.2 mn a year earlier.", 1),
        ("Diluted EPS rose to EUR 3.68 from EUR 0.50.", 1),
        # a change named by a noun
        ("Net sales totalled EUR 30 mn, a decrease of 15% on the previous year.", -1),
        ("Operating costs were EUR 12 mn, an increase of 8 percent.", -1),
        ("Sales were steady, with an increase of 5% in costs.", 0),  # what rose follows: not read here
        # last year's figure in parentheses, as Nordic reports write it
        ("Operating profit was EUR 9.8 mn (EUR 11.9 mn).", -1),
        ("The operating loss was EUR 0.9 mn (EUR 2.4 mn).", 1),
        ("Operating margin was 11.4% (8.9%).", 1),
        ("Net sales 2008 EUR 10 mn (2007: EUR 8 mn).", 1),
        ("The operating loss amounted to EUR 1.8 mn (operating profit EUR 0.5 mn).", -1),
        ("Net sales grew to EUR 12 mn (EUR 10 mn), and the operating margin was 5% (7%).", 0),
        ("In 2008 (2007) net sales were stable.", 0),  # years in parentheses are no figures
        # a move by a share, with no prior figure
        ("Profit after taxes was EUR 12.7 mn, up 35% from the previous year.", 1),
        ("Operating profit excluding one-off items fell by 12% to EUR 50.1 mn.", -1),
        # a level set against last year's
        ("Operating profit is expected to be lower than in 2007.", -1),
        ("Costs were higher than a year earlier.", -1),
        ("Output was higher than in the spring.", 0),  # not against last year
        # company news
        ("The company has received an order worth EUR 8 mn from a German utility.", 1),
        ("The group was awarded a contract to build a power plant in Vietnam.", 1),
        ("The new line will create 60 jobs.", 1),
        ("The company said it will lay off 40 employees.", -1),
        ("The company has decided to close its factory in Lieksa.", -1),
        ("Production will be moved to China, and the Finnish plant will be closed.", -1),
        ("The group said it will cut up to 300 jobs in Finland.", -1),
        ("It will start negotiations on the reduction of 80 employees.", -1),
        ("Cash flow from operations was negative.", -1),
        ("The unit is expected to achieve record operating results for the full year.", 1),
        ("Record insurance losses were reported for 1986.", -1),
        ("The order is the largest in the company's history.", 1),
        ("It was the largest loss in its history.", 0),  # not a record of something good
        # what moved, and from what
        ("The net loss per share was 24 cts, compared to a net loss of 99 cts per share last year.", 1),
        ("Profits at the pre-tax level dropped three pct to 3.69 billion from 3.81 billion.", -1),  # not a tax
        ("It earned 38 cts per share, down from 47 cts a year before.", -1),
        ("It reported 1986 net of 1.5 mln dlrs, or 26 cts a share, up from 1.1 mln dlrs.", 1),
        ("It predicted that 1986 profit would fall from 1985's record levels.", 0),  # a year is no prior figure
        ("It looks for 1987 earnings to be about 20 pct higher than the record 4.31 dlrs a share.", 1),
        # a count of shares held is no share price
        ("The group raised its stake to 412,000 shares, or 6.5 pct, from 347,000 shares, or 5.5 pct.", 0),
        ("The shares closed 2% higher in Helsinki.", 0),  # a market's close is no closure
        ("Wheat futures closed lower on the Chicago Board of Trade.", 0),
    ],
)
def test_moves_in_prose(sentence, goodness):
    assert sum(move.goodness for move in sentence_moves(sentence)) == goodness


@pytest.mark.parametrize(
    ("sentence", "sign"),
    [
        ("Profit before taxes amounted to EUR 56.5 mn, down from EUR 232.9 mn a year earlier.", -1),
        ("The net loss narrowed to EUR 113,000 from EUR 1.2 million.", 1),
        ("Net loss 2,872,000 vs loss 5,200,000", 1),
        ("Shr 34 cts vs 1.19 dlrs", -1),
        ("The company issued a profit warning on Tuesday.", -1),
    ],
)
def test_a_sentences_moves_set_the_sign_of_its_tone(sentence, sign):
    model = load_model()
    (classifier,) = model.tone([sentence_features(sentence)])
    tone, moves = leaned_tone(sentence, float(classifier))
    assert moves
    assert model.label(tone) == ("positive" if sign > 0 else "negative")


@pytest.mark.parametrize(
    "note",
    [
        "NOTE: 1986 net includes a gain of 7,000 dlrs on the sale of a unit.",
        "Prior year net excludes a charge of 2.1 mln dlrs vs 1.4 mln dlrs from discontinued operations.",
        "Includes gains of 76,000 dlrs and 378,000 dlrs in the quarter and year.",
    ],
)
def test_a_note_on_what_a_figure_includes_is_no_news(note):
    assert leaned_tone(note, -0.9) == (0.0, [])


@pytest.mark.parametrize(
    "sentence",
    [
        "1985 4th qtr net included writedowns of oil and gas properties.",  # a writedown is bad news anyway
        "Net sales, excluding acquisitions, rose 5 pct.",
        "The company cut 200 jobs, including 50 in Finland.",
    ],
)
def test_what_is_no_note_on_a_figure_keeps_its_tone(sentence):
    assert leaned_tone(sentence, -0.9)[0] != 0.0


def test_moves_that_cancel_out_leave_the_classifier_its_say():
    sentence = "Sales rose to 5 mln dlrs from 4 mln dlrs, but profit fell to 1 mln dlrs from 2 mln dlrs."
    assert sorted(m.goodness for m in sentence_moves(sentence)) == [-1, 1]
    assert leaned_tone(sentence, 0.1)[0] == 0.1


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("BROWN-FORMAN INC <BFD> 4TH QTR NET", "4th qtr"),
        ("Nine mths", "9 mths"),
        ("Qtr ended March 31", "qtr"),
        ("COBANCO INC <CBCO> YEAR NET", "year"),
        ("ACME first half profit", "1st half"),
        ("Copper rose on Tuesday", None),
    ],
)
def test_periods(text, period):
    assert period_of(text) == period


def test_each_results_line_takes_the_period_of_its_table():
    lines = [
        "ACME CORP <ACM> 4TH QTR NET",
        "Shr 50 cts vs 40 cts",
        "Net 5.0 mln vs 4.0 mln",
        "Year",
        "Shr 1.80 dlrs vs 1.90 dlrs",
        "Note: the year includes a gain of 0.1 mln dlrs vs a loss.",
    ]
    sentences = pl.DataFrame(
        [("a", i, "title" if i == 0 else "body", 0, 0, text) for i, text in enumerate(lines)],
        schema=SENTENCE_SCHEMA,
        orient="row",
    )
    rows = results_rows(sentences).select("measure", "period", "value", "prior_value", "direction").rows()
    assert rows == [
        ("shr", "4th qtr", 0.5, 0.4, "up"),
        ("net", "4th qtr", 5e6, 4e6, "up"),
        ("shr", "year", 1.8, 1.9, "down"),
    ]


@pytest.mark.parametrize(
    ("text", "companies"),
    [
        ("COBANCO INC <CBCO> YEAR NET", ["COBANCO INC"]),
        ("CLEVELAND, Feb 26 - Ohio Mattress Co <OMT> said its quarter", ["Ohio Mattress Co"]),
        ("it sold its stake in <Rothmans Holdings (Tobacco) Ltd> to", ["Rothmans Holdings (Tobacco) Ltd"]),
        ("The Brown-Forman Inc <BFD> unit", ["Brown-Forman Inc"]),
        ("<ROYAL BANK OF CANADA> 1ST QTR NET", ["ROYAL BANK OF CANADA"]),
        ("Wells Fargo and Co <WFC> said", ["Wells Fargo and Co"]),
        ("if x <y> z", []),
    ],
)
def test_companies_the_wire_marks(text, companies):
    assert [text[start:end] for start, end in marked_companies(text)] == companies


EARNINGS_STORY = """NEW YORK, March 3 - Shr profit 42 cts vs loss 11 cts
Net profit 4,203,000 vs loss 1,055,000
Revs 16.1 mln vs 13.9 mln
Year
Shr 1.10 dlrs vs 1.40 dlrs
Net 11.0 mln vs 14.0 mln
"""


def test_an_earnings_story_in_the_warehouse(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "acme.txt").write_text("ACME WIDGET CORP <ACWC> 4TH QTR NET\n" + EARNINGS_STORY, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    result = materialize_warehouse(folder, db)
    assert all(check.passed for check in result.get_asset_check_evaluations())
    rows = query(
        db,
        """select e.canonical_name, e.entity_type, r.measure, r.period, r.value, r.prior_value, r.direction,
                  round(r.change, 4)
        from results r join entities e on e.entity_id = r.company_entity_id order by r.start_char""",
    )
    assert rows == [
        ("ACME WIDGET CORP", "ORG", "shr", "4th qtr", 0.42, -0.11, "up", round(0.53 / 0.11, 4)),
        ("ACME WIDGET CORP", "ORG", "net", "4th qtr", 4_203_000, -1_055_000, "up", round(5_258_000 / 1_055_000, 4)),
        ("ACME WIDGET CORP", "ORG", "revs", "4th qtr", 16.1e6, 13.9e6, "up", round(2.2 / 13.9, 4)),
        ("ACME WIDGET CORP", "ORG", "shr", "year", 1.1, 1.4, "down", round(-0.3 / 1.4, 4)),
        ("ACME WIDGET CORP", "ORG", "net", "year", 11e6, 14e6, "down", round(-3 / 14, 4)),
    ]
    # each line's tone has the sign of its move, with the line as the term that carried it
    lines = query(
        db,
        """select s.sentence_text, s.tone, t.weight from sentences s
        join tone_terms t using (article_id, field, sentence_index)
        where t.source = 'comparison' order by s.start_char""",
    )
    assert [(tone > 0, weight) for _, tone, weight in lines] == [
        (True, 1.0), (True, 1.0), (True, 1.0), (False, -1.0), (False, -1.0)
    ]  # fmt: skip
    biggest = query(db, "select company, measure, period, day_rank from v_results_surprises order by day_rank limit 1")
    assert biggest == [("ACME WIDGET CORP", "net", "4th qtr", 1)]
