"""Results and comparisons: what moved, from what to what, and whether that is good news.

Two shapes of the same fact, a measure that moved:
- a results line of the wire's earnings tables: "Shr 1.47 dlrs vs 1.21 dlrs", "Net loss 2,872,000 vs loss
  5,200,000", "Shr profit 42 cts vs loss 11 cts". Its measure (shr, net, revs, ...), value and prior value,
  a loss counted below zero, so a loss that narrows is a rise;
- a comparison in prose: "profit ... amounted to EUR 56.5 mn, down from EUR 232.9 mn", "sales rose to X from
  Y", "net loss narrowed", "margins widened", "swung to a loss", "returned to profit", "beat forecasts",
  "issued a profit warning", "cut its forecast". What moved is the lexicon's quantity nearest before the
  comparison (tone_lexicon.csv says whether more of it is good: profit yes, costs no).

Each is a `Move` with its span in the sentence, direction and goodness (+1 good news, -1 bad, 0 neither). A table
row no results-line measure names ("Woolworth 38.7 mln vs 17.6 mln") is a move too, for tone only; a note on what
a figure includes ("NOTE: 1986 net includes a gain of ...") is no news either way (`accounting_note`).
Tone reads a sentence's moves before its words (wiredesk/tone.py); results lines with a company become rows of
the `results` table (`results_rows`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from wiredesk.figures import amount_pattern, amount_value, number_value
from wiredesk.patterns import alternation
from wiredesk.tables import RESULT_SCHEMA, TONE_TERM_SCHEMA
from wiredesk.tone import Lexicon, load_lexicon, words


@dataclass(frozen=True)
class Move:
    start: int  # offsets into the sentence
    end: int
    measure: str  # shr, net, revs, ... for a results line; the quantity's word in prose ("profit", "loss")
    value: float | None  # in a results line a loss is below zero; in prose, the amount as written
    prior: float | None
    currency: str | None
    direction: str  # up, down or unchanged: of the value (a narrowing loss: up in a results line, down in prose)
    goodness: int  # +1 good news, -1 bad news, 0 neither (average shares, an unchanged dividend)
    results_line: bool  # a line of an earnings table, as opposed to a comparison in prose


# A results line's measure as the wire writes it -> (canonical measure, whether more of it is good news).
LINE_MEASURES = {
    "shr": ("shr", 1), "oper shr": ("oper shr", 1), "primary shr": ("primary shr", 1),
    "fully diluted shr": ("diluted shr", 1), "diluted shr": ("diluted shr", 1), "shr diluted": ("diluted shr", 1),
    "net": ("net", 1), "oper net": ("oper net", 1), "net income": ("net", 1), "net profit": ("net", 1),
    "net earnings": ("net", 1), "income": ("net", 1), "profit": ("net", 1), "earnings": ("net", 1),
    "pretax net": ("pretax", 1), "pretax profit": ("pretax", 1), "pretax": ("pretax", 1),
    "pre-tax profit": ("pretax", 1), "pre-tax": ("pretax", 1), "pre-tax net": ("pretax", 1),
    "pretax income": ("pretax", 1), "oper income": ("oper net", 1), "operating profit": ("oper net", 1),
    "operating income": ("oper net", 1), "gross": ("gross", 1), "gross profit": ("gross", 1),
    "revs": ("revs", 1), "rev": ("revs", 1), "oper revs": ("revs", 1), "revenues": ("revs", 1),
    "revenue": ("revs", 1), "sales": ("revs", 1), "oper sales": ("revs", 1),
    "net sales": ("revs", 1), "turnover": ("revs", 1), "total income": ("revs", 1), "loss": ("net", 1),
    "net loss": ("net", 1), "oper loss": ("oper net", 1), "backlog": ("backlog", 1), "orders": ("orders", 1),
    "div": ("dividend", 1), "qtly div": ("dividend", 1), "dividend": ("dividend", 1), "int div": ("dividend", 1),
    "interim div": ("dividend", 1), "final div": ("dividend", 1), "interim dividend": ("dividend", 1),
    "final dividend": ("dividend", 1), "tax": ("tax", 0),
    "assets": ("assets", 1), "deposits": ("deposits", 1), "loans": ("loans", 1),
    "avg shrs": ("avg shrs", 0), "shrs outstanding": ("avg shrs", 0), "avg shares": ("avg shrs", 0),
    "average shares": ("avg shrs", 0), "shr primary": ("primary shr", 1),
    "qtrly div": ("dividend", 1), "quarterly div": ("dividend", 1), "mthly div": ("dividend", 1),
    "monthly div": ("dividend", 1), "semi-annual div": ("dividend", 1),
}  # fmt: skip
_STATE = r"(?:profit|loss|gain|income|earnings)"
_RESULTS_LINE = re.compile(
    rf"""(?:^|(?<=\s-\s))  # the line's start, or just after the dateline ("LOUISVILLE, Ky., Feb 26 - Shr ...")
    (?:(?i:group|total|consolidated)\s+)?
    (?:(?i:(?:1st|2nd|3rd|4th|first|second|third|fourth)\s+(?:qtr|quarter)|qtr|year|half|final|interim)\s+)?
    (?P<measure>(?i:{alternation(LINE_MEASURES)}))
    (?:\s+"?[A-Z]"?)?  # a class of shares: 'Final div "A" 44 cents vs 32.3'
    (?:\s+(?P<a_state>(?i:{_STATE})))?\s+
    (?P<a>{amount_pattern("a")}|(?i:nil))
    (?:\s+(?i:per|a)\s+(?i:share|shr))?  # "Div 33 francs per share vs 38"
    \s+(?i:vs\.?|versus)\s+
    (?:(?P<b_state>(?i:{_STATE}))\s+)?
    (?P<b>{amount_pattern("b")}|(?i:nil))
    """,
    re.VERBOSE,
)
_PROSE_AMOUNT = amount_pattern("p")
_COMPARISON = re.compile(
    rf"""(?P<from>\b(?i:(?P<dir>up|down|rising|falling|rose|fell|increased|decreased|declined|dropped|jumped|
                     climbed|grew|slipped|eased|narrowed|widened|improved|deteriorated|rise|rises|fall|falls|
                     increase|increases|decrease|decreases|decline|declines|drop|drops|grow|grows|dipped|gained|
                     surged|soared|plunged|tumbled|slumped)
                   (?:\s+\S+){{0,4}}?\s+)?
       (?i:from|compared\s+with|compared\s+to|against|vs\.?|versus)\s+
       (?:(?i:an?\s+)?(?i:(?:net|operating|oper|pre-?tax|after-?tax)\s+)?
          (?P<prior_state>(?i:{_STATE}|deficit|surplus))\s+(?i:of\s+)?)?  # "compared to a (net) loss of"
       (?P<prior>{_PROSE_AMOUNT}))
    """,
    re.VERBOSE,
)
# Words a phrase needs (lower case): a sentence without any of them is not searched with its pattern.
_LOSS_WORDS = ("loss", "deficit", "red")
_PROFIT_WORDS = ("profit", "black", "surplus")
_EXPECTATION_WORDS = ("forecast", "expect", "estimate", "consensus", "guidance", "projection")
_OUTLOOK_WORDS = ("forecast", "outlook", "guidance", "target", "estimate", "projection")
# Moves named by a phrase, with no figures: (pattern, goodness, the quantity it speaks of, the words it needs).
_PHRASES = [
    (re.compile(r"(?i)\b(?:swung|swings|swing|slipped|slid|fell|plunged|dropped|went)\s+(?:back\s+)?(?:in)?to\s+"
                r"(?:an?\s+)?(?:[\w-]+\s+)?(?:loss|deficit|the\s+red)\b"), -1, "loss", _LOSS_WORDS),
    (re.compile(r"(?i)\b(?:returned|return|returns|swung|swings|swing|turned|turns|moved|got|came|back)\s+"
                r"(?:back\s+)?(?:in)?to\s+(?:an?\s+)?(?:[\w-]+\s+)?(?:profit|profitability|the\s+black|surplus)\b"), 1,
     "profit", _PROFIT_WORDS),
    (re.compile(r"(?i)\b(?:beat|beats|beating|topped|tops|exceeded|exceeds|surpassed|outstripped)\s+(?:[\w'’-]+\s+){0,3}?"
                r"(?:forecasts?|expectations?|estimates?|consensus|guidance|projections?)\b"), 1, "forecast",
     _EXPECTATION_WORDS),
    (re.compile(r"(?i)\b(?:missed|misses|miss|lagged|fell\s+short\s+of|undershot|disappointed)\s+(?:[\w'’-]+\s+){0,3}?"
                r"(?:forecasts?|expectations?|estimates?|consensus|guidance|projections?)\b"), -1, "forecast",
     _EXPECTATION_WORDS),
    (re.compile(r"(?i)\b(?:better|stronger|higher)[\s-]than[\s-](?:expected|forecast|anticipated|estimated)\b"), 1,
     "forecast", ("than",)),
    (re.compile(r"(?i)\b(?:worse|weaker|lower)[\s-]than[\s-](?:expected|forecast|anticipated|estimated)\b"), -1,
     "forecast", ("than",)),
    (re.compile(r"(?i)\bprofits?\s+warnings?\b|\bwarned\s+(?:on|of|about)\s+(?:\w+\s+)?(?:profits?|earnings|results)\b"),
     -1, "profit", ("profit", "warn")),
    (re.compile(r"(?i)\b(?:cut|cuts|cutting|lowered|lowers|reduced|reduces|slashed|trimmed|trims|downgraded|revised\s+"
                r"down)\s+(?:its\s+|their\s+|the\s+)?(?:[\w'’-]+\s+){0,3}?(?:forecasts?|outlook|guidance|targets?|"
                r"estimates?|projections?)\b"), -1, "forecast", _OUTLOOK_WORDS),
    (re.compile(r"(?i)\b(?:raised|raises|raising|lifted|lifts|upgraded|increased|boosted|revised\s+up)\s+"
                r"(?:its\s+|their\s+|the\s+)?(?:[\w'’-]+\s+){0,3}?(?:forecasts?|outlook|guidance|targets?|estimates?|"
                r"projections?)\b"), 1, "forecast", _OUTLOOK_WORDS),
    # a record result: "expected to achieve record operating results", "record 1986 earnings"; a record loss
    (re.compile(r"(?i)\brecord\s+(?:[\w-]+\s+){0,2}?(?:results|profits?|earnings|sales|revenues?|orders|backlog|"
                r"income|turnover|performance)\b"), 1, "record", ("record",)),
    (re.compile(r"(?i)\brecord\s+(?:[\w-]+\s+){0,2}?(?:loss|losses|deficits?)\b"), -1, "loss", ("record",)),
    # "the largest order in the company's history"; "the worst year in its history"
    (re.compile(r"(?i)\b(?:largest|biggest|highest|best|strongest)\s+(?:(?!loss|losses|deficits?|declines?|drops?|"
                r"falls?|cuts?|writedowns?)[\w'’-]+\s+){0,3}?in\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+)?"
                r"history\b"), 1, "record", ("history",)),
    (re.compile(r"(?i)\b(?:worst|weakest|lowest)\s+(?:[\w'’-]+\s+){0,3}?in\s+(?:the\s+|its\s+|their\s+)?"
                r"(?:[\w'’-]+\s+)?history\b"), -1, "record", ("history",)),
    # company news: orders won, jobs made and cut, sites closed
    (re.compile(r"(?i)\b(?:received?|receives|receiving|won|wins|winning|awarded|secured?|secures|securing|signed|"
                r"signs|landed|lands|booked|books|clinched|clinches)\s+(?:(?:an?|the|its|their|two|three|several|new|"
                r"further|additional)\s+)*(?:[\w$€£.,'’-]+\s+){0,4}?(?:orders?|contracts?)\b"), 1, "orders",
     ("order", "contract")),
    (re.compile(r"(?i)\b(?:creat(?:e|es|ed|ing)|add(?:s|ed|ing)?)\s+(?:about\s+|some\s+|up\s+to\s+|nearly\s+)?"
                r"[\d,]+\s+(?:new\s+)?jobs\b"), 1, "jobs", ("jobs",)),
    (re.compile(r"(?i)\b(?:lay|lays|laid|laying)\s+off\b"), -1, "jobs", (" off",)),
    (re.compile(r"(?i)\b(?:close|closes|closed|closing|shut|shuts|shutting)\s+(?:down\s+)?(?:(?:its|the|a|an|their|"
                r"two|three|several)\s+)?(?:[\w'’-]+\s+){0,2}?(?:plants?|factory|factories|mills?|mines?|stores?|"
                r"shops?|offices?|refinery|refineries|smelters?|branches|units?|sites?)\b"), -1, "capacity",
     ("clos", "shut")),
    (re.compile(r"(?i)\b(?:plants?|factory|factories|mills?|mines?|stores?|shops?|offices?|refinery|refineries|"
                r"smelters?|branches|units?|sites?)\s+(?:will|would|is|are|was|were|to)\s+(?:be\s+)?(?:closed|shut)\b"),
     -1, "capacity", ("closed", "shut")),  # "the Finnish plant will be closed"
    (re.compile(r"(?i)\b(?:cut|cuts|cutting|reduce|reduces|reduced|reducing|reduction\s+of|shed|sheds|shedding|"
                r"eliminate|eliminates|eliminated|eliminating)\s+(?:up\s+to\s+|about\s+|some\s+|nearly\s+|"
                r"a\s+total\s+of\s+|its\s+|the\s+)?(?:[\d,]+\s+)?(?:jobs|employees|staff|workers|positions|"
                r"workforce|personnel|headcount)\b"), -1, "jobs",
     ("cut", "reduc", "shed", "eliminat")),  # "will cut up to 300 jobs", "the reduction of 80 employees"
]  # fmt: skip
# A change named by a noun, with its size: "Net sales totalled EUR 30 mn, a decrease of 15% on the previous year".
# Not "an increase of 5% in costs": what moved follows it.
_NOUN_CHANGE = re.compile(
    r"(?i)\b(?P<change>increase|rise|growth|gain|improvement|decrease|decline|fall|drop|reduction)\s+of\s+"
    r"(?:about\s+|some\s+|nearly\s+|almost\s+|over\s+)?\d[\d.,]*\s*(?:%|per\s*cent|percent|pct)(?!\s+(?:in|of)\b)"
)
_NOUN_RISES = frozenset(("increase", "rise", "growth", "gain", "improvement"))
# "Profit after taxes was EUR 12.7 mn, up 35% from the previous year": a move by a share, with no prior figure.
_PERCENT_RISES = frozenset(
    ("up", "rose", "rises", "rising", "increased", "increases", "grew", "grows", "climbed", "gained")
)
_PERCENT_CHANGE = re.compile(
    r"(?i)\b(?P<change>up|down|rose|rises|rising|increased|increases|grew|grows|climbed|gained|fell|falls|falling|"
    r"decreased|decreases|declined|declines|dropped|slipped|lost)\s+(?:by\s+)?(?:about\s+|some\s+|nearly\s+|almost\s+|over\s+)?\d[\d.,]*\s*"
    r"(?:%|per\s*cent|percent|pct)"
)
# A level set against last year's: "Operating profit is expected to be lower than in 2007".
_THAN_LAST_YEAR = re.compile(
    r"(?i)\b(?P<change>higher|lower|bigger|smaller|greater|stronger|weaker)\s+than\s+(?:in\s+|during\s+|for\s+)?"
    r"(?:(?:the\s+)?(?:previous|last|prior|same)\s+(?:year|quarter|period)|a\s+year\s+(?:ago|earlier)|(?:19|20)\d\d\b|"
    r"the\s+(?:previous\s+|prior\s+)?record\b)"  # "20 pct higher than the record 4.31 dlrs a share of 1986"
)
_THAN_RISES = frozenset(("higher", "bigger", "greater", "stronger"))
# A quantity's sign as its state: "Cash flow from operations was negative", "earnings turned positive".
_SIGN_STATE = re.compile(
    r"(?i)\b(?:was|were|is|are|turned|remained|remains|became|becomes)\s+(?:clearly\s+|slightly\s+|still\s+)?"
    r"(?P<change>negative|positive)\b"
)
# The Nordic reports' way: this period's figure, last year's in parentheses, "EUR 9.8 mn (EUR 11.9 mn)",
# "11.4% (8.9%)", "EUR 1.8 mn (operating profit EUR 0.5 mn)". A money amount needs its currency: "2008 (2007)"
# is no move.
_PRIOR_IN_PARENTHESES = re.compile(
    rf"""(?:(?P<n_percent>\d[\d.,]*)\s?%|{amount_pattern("n")})
    \s?\(\s?
    (?:[\w/-]*\d{{4}}:\s?)?  # the prior period named: "(2007: EUR 8 mn)", "(Q1/2007: ...)"
    (?:(?i:an?\s+)?(?:[\w-]+\s+)?(?P<prior_state>(?i:{_STATE}|deficit|surplus))\s+(?i:of\s+)?)?
    (?:(?P<p_percent>\d[\d.,]*)\s?%|{amount_pattern("p")})
    [^()]{{0,60}}\)""",
    re.VERBOSE,
)
_COMPARISON_KEY = re.compile(r"(?i)from|compar|against|vs|versus")  # words every comparison needs
_UP_WORDS = frozenset((
    "up", "rising", "rose", "increased", "jumped", "climbed", "grew", "improved", "widened", "rise", "rises",
    "increase", "increases", "grow", "grows", "gained", "surged", "soared",
))  # fmt: skip
_DOWN_WORDS = frozenset((
    "down", "falling", "fell", "decreased", "declined", "dropped", "slipped", "eased", "narrowed", "fall", "falls",
    "decrease", "decreases", "decline", "declines", "drop", "drops", "dipped", "plunged", "tumbled", "slumped",
))  # fmt: skip
_YEAR = re.compile(r"(?:19|20)\d\d")
_PERCENT_AFTER = re.compile(r"\s?(?:%|(?i:pct|percent|per\s?cent)\b)")
_QUANTITY_LOOKBACK = 12  # words before a comparison searched for what moved
# Words for a result that the tone lexicon does not list as quantities (in other sentences they are no amount:
# "net" is mostly an adjective there): more of each is good news.
_RESULT_WORDS = {"net": 1, "earned": 1, "earns": 1, "equity": 1}
_SHARE_COUNTS = frozenset(("shares", "shrs", "stock"))
_HYPHEN_QUALIFIERS = frozenset(("pre", "after", "post", "non", "ex"))  # "pre-tax", "non-oil": no tax, no oil
# A quantity after these qualifies another ("profit before taxes", "cost of sales"): it is not what moved.
_QUALIFIERS = frozenset(("before", "after", "excluding", "including", "ex", "less", "minus", "of", "on", "per"))


def _signed(groups: dict, name: str, state: str | None) -> tuple[float, str | None] | None:
    if groups[name].lower() == "nil":
        return 0.0, None
    parsed = amount_value(groups, name)
    if parsed is None:
        return None
    value, currency = parsed
    value = round(value, 6)
    return (-value if (state or "").lower() == "loss" else value), currency


_AMOUNT_PARTS = ("scale", "cents", "after", "before", "pence")


def _share_scale(groups: dict) -> None:
    """ "Revs 585.6 mln vs 541.0", "Int div 5.5 cents vs 5.0": an amount with no scale or currency takes the
    other's, when the two numbers are of a size ("Net 807,000 vs 2.1 mln" keeps its 807,000)."""
    for this, other in (("a", "b"), ("b", "a")):
        bare = not any(groups.get(f"{this}_{part}") for part in _AMOUNT_PARTS)
        if not (bare and groups.get(f"{this}_number") and any(groups.get(f"{other}_{p}") for p in _AMOUNT_PARTS)):
            continue
        mine, theirs = number_value(groups[f"{this}_number"]), number_value(groups[f"{other}_number"])
        if mine is not None and theirs and 0.01 <= mine / theirs <= 100:
            for part in _AMOUNT_PARTS:
                groups[f"{this}_{part}"] = groups[f"{other}_{part}"]


def _direction(value: float, prior: float) -> str:
    return "up" if value > prior else "down" if value < prior else "unchanged"


def _goodness(direction: str, good_up: int) -> int:
    """+1 good news, -1 bad, 0 neither: a move `direction` of a quantity of which more is good (`good_up` 1), bad
    (-1) or neither (0)."""
    return 0 if direction == "unchanged" else good_up * (1 if direction == "up" else -1)


def results_line(sentence: str) -> Move | None:
    """The results line `sentence` is, if it is one: "Shr 34 cts vs 1.19 dlrs"."""
    match = _RESULTS_LINE.search(sentence) if "vs" in sentence or "versus" in sentence else None
    if match is None:
        return None
    groups = match.groupdict()
    wording = " ".join(groups["measure"].lower().split())
    measure, good_up = LINE_MEASURES[wording]
    a_state = groups["a_state"] or ("loss" if wording.endswith("loss") else None)
    b_state = groups["b_state"] or a_state  # "Net loss 1.2 mln vs 3.4 mln": both losses
    _share_scale(groups)
    value, prior = _signed(groups, "a", a_state), _signed(groups, "b", b_state)
    if value is None or prior is None:
        return None
    direction = _direction(value[0], prior[0])
    goodness = _goodness(direction, good_up)
    return Move(
        match.start(), match.end(), measure, value[0], prior[0], value[1] or prior[1], direction, goodness, True
    )


def _moved_quantity(sentence: str, before: int, lexicon: Lexicon) -> tuple[str, int] | None:
    """The lexicon's quantity nearest before character `before` (within reach), and whether more of it is good.
    A word the wire writes for a result counts too ("1986 net of 1.5 mln dlrs, up from", "it earned 38 cts,
    down from"); a quantity that only qualifies another does not ("profit before taxes", "pre-tax level")."""
    head = sentence[:before]
    tokens = words(head)[-_QUANTITY_LOOKBACK:]
    for i in range(len(tokens) - 1, -1, -1):
        word = tokens[i][0]
        goodness = _RESULT_WORDS.get(word, lexicon.quantity_of(word))
        if goodness is None or (i and tokens[i - 1][0] in _QUALIFIERS):
            continue
        if i and tokens[i - 1][0] in _HYPHEN_QUALIFIERS and head[tokens[i - 1][2] : tokens[i][1]] == "-":
            continue
        if word in _SHARE_COUNTS and head[: tokens[i][1]].rstrip()[-1:].isdigit():
            return word, 0  # "raised its stake to 412,000 shares from 347,000": a count held, not the share price
        return word, goodness
    return None


def _as_profit(
    word: str, value: tuple[float, str | None], prior: tuple[float, str | None], prior_state: str
) -> tuple[str, int, tuple[float, str | None], tuple[float, str | None]] | None:
    """A loss compared with a profit, or a profit with a loss ("a loss of EUR 2.2 mn, compared to a profit of
    EUR 1.1 mn"): both read as profit, a loss a negative one. (word, good_up, value, prior), or None when the
    two are of one kind."""
    if not prior_state or (prior_state in _LOSS_WORDS) == (word in _LOSS_WORDS):
        return None
    value = (-value[0], value[1]) if word in _LOSS_WORDS else value
    prior = (-prior[0], prior[1]) if prior_state in _LOSS_WORDS else prior
    return "profit", 1, value, prior


def _a_year(groups: dict, name: str) -> bool:
    """ "fall ... from 1985's record levels": a bare year is no amount."""
    bare = not any(groups.get(f"{name}_{part}") for part in _AMOUNT_PARTS)
    return bare and _YEAR.fullmatch(groups[f"{name}_number"]) is not None


def _overlaps(moves: list[Move], start: int, end: int) -> bool:
    return any(m.start < end and start < m.end for m in moves)


def prose_moves(sentence: str, lexicon: Lexicon | None = None) -> list[Move]:
    """The comparisons of a sentence in prose: "down from EUR 232.9 mn", "rose to X from Y", "swung to a loss",
    "beat forecasts", "cut its forecast"."""
    lexicon = lexicon or load_lexicon()
    moves = []
    for match in _COMPARISON.finditer(sentence) if _COMPARISON_KEY.search(sentence) else ():
        groups = match.groupdict()
        prior = amount_value(groups, "p")
        if prior is None or _a_year(groups, "p"):
            continue
        moved = _moved_quantity(sentence, match.start(), lexicon)
        if moved is None:
            continue
        word, good_up = moved
        # the figure just before the comparison is the new value: "amounted to EUR 56.5 mn, down from ..."
        head = sentence[max(0, match.start() - 60) : match.start("prior")]
        head = head[: head.rfind(" ")]  # not the comparison's own word
        # of the same kind as the prior: "to 2,165,300 shares, or 33.3 pct of the total, from 1,978,900 shares"
        prior_percent = _PERCENT_AFTER.match(sentence, match.end("prior")) is not None
        values = [
            m
            for m in re.finditer(_PROSE_AMOUNT, head, re.VERBOSE)
            if (_PERCENT_AFTER.match(head, m.end()) is not None) == prior_percent
        ]
        value = amount_value(values[-1].groupdict(), "p") if values else None
        said = (groups["dir"] or "").lower()
        as_profit = None if value is None else _as_profit(word, value, prior, (groups["prior_state"] or "").lower())
        if as_profit is not None:
            (word, good_up, value, prior), said = as_profit, ""
        if said in ("narrowed", "widened"):
            # a loss narrows towards zero; a margin or spread narrows smaller: less of it either way
            direction = "down" if said == "narrowed" else "up"
        elif said in _UP_WORDS:
            direction = "up"
        elif said in _DOWN_WORDS:
            direction = "down"
        elif value is not None:
            direction = _direction(value[0], prior[0])
        else:
            continue
        goodness = _goodness(direction, good_up)
        currency = prior[1] or (value[1] if value else None)
        value_now = None if value is None else value[0]
        moves.append(Move(match.start(), match.end(), word, value_now, prior[0], currency, direction, goodness, False))
    moves += _moves_against_a_prior_in_parentheses(sentence, lexicon, moves)
    for pattern, rises, keys in (  # keys: words a match needs, so most sentences skip the pattern
        (_NOUN_CHANGE, _NOUN_RISES, (" of ",)),
        (_PERCENT_CHANGE, _PERCENT_RISES, ("%", "pct", "per")),
        (_THAN_LAST_YEAR, _THAN_RISES, (" than ",)),
        (_SIGN_STATE, frozenset(("positive",)), ("negative", "positive")),
    ):
        for match in pattern.finditer(sentence) if any(key in sentence for key in keys) else ():
            moved = _moved_quantity(sentence, match.start(), lexicon)
            if moved is None or _overlaps(moves, match.start(), match.end()):
                continue
            direction = "up" if match["change"].lower() in rises else "down"
            goodness = _goodness(direction, moved[1])
            moves.append(Move(match.start(), match.end(), moved[0], None, None, None, direction, goodness, False))
    lowered = sentence.lower()
    for pattern, goodness, word, keys in _PHRASES:
        if not any(key in lowered for key in keys):
            continue
        for match in pattern.finditer(sentence):
            if _overlaps(moves, match.start(), match.end()):
                continue
            direction = "up" if goodness > 0 else "down"
            moves.append(Move(match.start(), match.end(), word, None, None, None, direction, goodness, False))
    return sorted(moves, key=lambda m: m.start)


def _moves_against_a_prior_in_parentheses(sentence: str, lexicon: Lexicon, moves: list[Move]) -> list[Move]:
    """ "Operating profit was EUR 9.8 mn (EUR 11.9 mn)": what moved is the quantity before the figure."""
    found: list[Move] = []
    for match in _PRIOR_IN_PARENTHESES.finditer(sentence) if "(" in sentence else ():
        groups = match.groupdict()
        if groups["n_percent"] and groups["p_percent"]:
            value, prior = (number_value(groups["n_percent"]), None), (number_value(groups["p_percent"]), None)
        elif groups["n_number"] and (groups["n_before"] or groups["n_after"] or groups["n_cents"]):
            if groups["p_number"] and not any(groups[f"p_{part}"] for part in _AMOUNT_PARTS):
                groups.update({f"p_{part}": groups[f"n_{part}"] for part in _AMOUNT_PARTS})  # "EUR 9.8 mn (11.9)"
            value, prior = amount_value(groups, "n"), amount_value(groups, "p") if groups["p_number"] else None
        else:
            continue
        moved = _moved_quantity(sentence, match.start(), lexicon)
        if value is None or prior is None or value[0] is None or prior[0] is None or moved is None:
            continue
        if _overlaps(moves, match.start(), match.end()):
            continue
        word, good_up = moved
        as_profit = _as_profit(word, value, prior, (groups["prior_state"] or "").lower())
        if as_profit is not None:
            word, good_up, value, prior = as_profit
        direction = _direction(value[0], prior[0])
        goodness = _goodness(direction, good_up)
        found.append(
            Move(match.start(), match.end(), word, value[0], prior[0], value[1] or prior[1], direction, goodness, False)
        )
    return found


# A table's row the results-line measures do not name: "Woolworth 38.7 mln vs 17.6 mln", "By region, Britain
# contributed 34 mln stg vs 47 mln", "Extraordinary credit 16.4 mln vs 42.0 mln debit". Read for tone only, not as
# a `results` row: its label is no canonical measure.
_TABLE_ROW = re.compile(
    rf"""(?:^|(?<=\s-\s)|(?<=,\s))
    (?P<label>[A-Za-z][\w'&/.-]*(?:\s+[A-Za-z][\w'&/.()-]*){{0,5}})\s+
    (?P<a>{amount_pattern("a")})(?:\s+(?P<a_state>(?i:{_STATE})))?
    \s+(?i:vs\.?|versus)\s+
    (?P<b>{amount_pattern("b")}|(?i:nil))(?:\s+(?P<b_state>(?i:{_STATE})))?
    """,
    re.VERBOSE,
)
# A row label's words that say more of it is no verdict, or bad news; a label without them is a result, more of
# it good news, as in the tables the wire prints (divisions' profits, orders, a balance sheet's total).
_ROW_NO_VERDICT = frozenset(("avg", "average", "shares", "shrs", "extraordinary", "exceptional", "tax", "taxes"))
_ROW_BAD = frozenset(("debit", "debits", "charge", "charges", "provision", "provisions", "writedown", "writedowns"))


def table_row_move(sentence: str, lexicon: Lexicon | None = None) -> Move | None:
    """The move of a table row no results-line measure names, compared with its prior figure."""
    match = _TABLE_ROW.search(sentence) if "vs" in sentence or "versus" in sentence else None
    if match is None:
        return None
    groups = match.groupdict()
    label = [word for word, _, _ in words(groups["label"])]
    a_state = groups["a_state"] or ("loss" if "loss" in label else None)
    _share_scale(groups)
    value, prior = _signed(groups, "a", a_state), _signed(groups, "b", groups["b_state"] or a_state)
    if value is None or prior is None:
        return None
    if any(word in _ROW_BAD for word in label):
        good_up = -1
    elif any(word in _ROW_NO_VERDICT for word in label):
        good_up = 0
    else:
        known = [g for g in map((lexicon or load_lexicon()).quantity_of, label) if g is not None]
        good_up = known[-1] if known else 1
    direction = _direction(value[0], prior[0])
    measure = " ".join(label)
    currency = value[1] or prior[1]
    return Move(match.start(), match.end(), measure, value[0], prior[0], currency, direction,
                _goodness(direction, good_up), False)  # fmt: skip


# What a figure includes or excludes ("NOTE: 1986 net includes a gain of 7,000 dlrs", "Prior year results exclude
# a charge"): a note on a figure's make-up, no news either way. Unless it names a writedown: assets found to be worth
# less is bad news wherever it is told ("1985 4th qtr net included writedowns of oil and gas properties").
_ACCOUNTING_NOTE = re.compile(
    r"(?i)^\W*(?:note\s*[-:]?\s*)?(?P<before>(?:[\w'’.,/-]+\s+){0,6}?)"
    r"(?:includes?|included|excludes?|excluded)\b"
)
_WRITEDOWN = re.compile(r"(?i)\bwrite-?\s?(?:downs?|offs?)\b|\bwrit(?:ten|ing)[\s-](?:down|off)\b")
# Words before "includes" that make the sentence a note on a figure ("1986 net includes", "Prior year results
# exclude"), not "The company cut 200 jobs, including ...".
_FIGURE_WORDS = frozenset((
    "net", "loss", "losses", "profit", "profits", "earnings", "income", "results", "figures", "shr", "shrs", "year",
    "qtr", "quarter", "half", "period", "periods", "amounts", "amts", "sales", "revenues", "revs", "note",
))  # fmt: skip


def accounting_note(sentence: str) -> bool:
    """Whether the sentence is a note on what a figure includes or excludes, and names no writedown."""
    match = _ACCOUNTING_NOTE.match(sentence)
    if match is None or _WRITEDOWN.search(sentence):
        return False
    return (
        sentence.lstrip("( ").lower().startswith("note")
        or any(word in _FIGURE_WORDS for word, _, _ in words(match["before"]))
        or not match["before"].strip()
    )


# The tone of a sentence whose moves say which way it leans ("net loss narrowed", "Shr 34 cts vs 1.19 dlrs"),
# when the classifier reads it weaker or the other way: past the classifier's threshold (0.3), short of its
# strongest readings.
MOVE_TONE = 0.6


def leaned_tone(text: str, tone: float, lexicon: Lexicon | None = None) -> tuple[float, list[Move]]:
    """A sentence's tone with its moves read first: when they lean one way, so does the tone, at least
    MOVE_TONE. Also the moves that carry a verdict. Moves that cancel out ("sales rose, profit fell") leave
    the classifier's tone."""
    if accounting_note(text):
        return 0.0, []
    moves = [m for m in sentence_moves(text, lexicon) if m.goodness]
    lean = sum(m.goodness for m in moves)
    if lean:
        sign = 1 if lean > 0 else -1
        tone = sign * max(MOVE_TONE, sign * tone)
    return tone, moves


def lean_on_moves(sentences: pl.DataFrame, tone_terms: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Sentences with `tone` (wiredesk/tone.py) and their tone terms, each sentence's tone `leaned_tone`; each
    move is a term of source `comparison`, weight +1 or -1."""
    tones, rows = [], []
    lexicon = load_lexicon()
    for article_id, field_name, index, offset, text, tone in sentences.select(
        "article_id", "field", "sentence_index", "start_char", "sentence_text", "tone"
    ).iter_rows():
        tone, moves = leaned_tone(text, tone, lexicon)
        tones.append(tone)
        for m in moves:
            rows.append(
                (article_id, field_name, index, offset + m.start, offset + m.end, text[m.start : m.end],
                 float(m.goodness), "comparison")
            )  # fmt: skip
    terms = pl.concat([tone_terms, pl.DataFrame(rows, schema=TONE_TERM_SCHEMA, orient="row")])
    return sentences.with_columns(tone=pl.Series(tones, dtype=pl.Float64)), terms


def sentence_moves(sentence: str, lexicon: Lexicon | None = None) -> list[Move]:
    """A results line, or the sentence's comparisons in prose, or else a table's row."""
    line = results_line(sentence)
    if line is not None:
        return [line]
    moves = prose_moves(sentence, lexicon)
    row = None if moves else table_row_move(sentence, lexicon)
    return moves if row is None else [row]


# A period line of an earnings table ("Qtr ended March 31", "Nine mths", "Year") or the headline's period
# ("BROWN-FORMAN INC <BFD> 4TH QTR NET").
_PERIOD = re.compile(
    r"(?i)\b(?P<period>(?:1st|2nd|3rd|4th|first|second|third|fourth)\s+(?:qtr|quarter)|qtr|quarter|"
    r"(?:three|six|nine|12|twelve|3|6|9)\s+(?:mths|months)|(?:fiscal\s+)?year|half|(?:first|second|1st|2nd)\s+half)\b"
)
_PERIOD_NAMES = {
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "quarter": "qtr", "months": "mths",
    "twelve": "12", "three": "3", "six": "6", "nine": "9",
}  # fmt: skip


def period_of(text: str) -> str | None:
    """The period a line or headline names, spelled one way: "4th qtr", "qtr", "9 mths", "year"."""
    match = _PERIOD.search(text)
    if match is None:
        return None
    spelled = [_PERIOD_NAMES.get(word, word) for word in match.group("period").lower().split()]
    return " ".join(word for word in spelled if word != "fiscal")


def results_rows(sentences: pl.DataFrame) -> pl.DataFrame:
    """The results lines of the staged sentences (SENTENCE_SCHEMA, in article order) as RESULT_SCHEMA rows, each
    with the period its table names: the nearest period line above it, else the headline's."""
    rows, article, period = [], None, None
    ordered = sentences.sort("article_id", "sentence_index").select(
        "article_id", "sentence_index", "field", "start_char", "sentence_text"
    )
    for article_id, index, field_name, start, text in ordered.iter_rows():
        if article_id != article:
            article, period = article_id, None
        line = results_line(text)
        if line is None:
            if field_name == "title" or len(text) < 40:  # a headline or a table's period line
                period = period_of(text) or period
            continue
        change = (line.value - line.prior) / abs(line.prior) if line.prior else None
        rows.append(
            (article_id, field_name, index, start + line.start, start + line.end, text[line.start : line.end],
             line.measure, period, line.value, line.prior, line.currency, line.direction,
             None if change is None else round(change, 6))
        )  # fmt: skip
    return pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row")
