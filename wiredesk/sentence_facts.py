"""What the sentence around a commodity mention says: direction, trade action, countries, price or quantity.

Each cue is the one nearest the mention within its sentence, so in "copper rose while zinc fell" copper is
up and zinc is down.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

import polars as pl

from wiredesk.commodities import commodity_words
from wiredesk.patterns import alternation

_DIRECTION_WORDS = {
    "up": r"rose|rise|rises|rising|climbed|climbs|climbing|gained|gains|surged|surges|jumped|jumps|rallied|rally|"
    r"rallies|soared|soars|increased|increases|higher|firmer|advanced|advances|rebounded|rebounds|strengthened|"
    r"spiked|hit a record|record high|raise|raised|raises|lifted|lifts|boost|boosted|boosts|hiked|hikes|surge|jump|"
    r"buoyant|soaring|surging|jumping|rebounding|strengthening|rallying|increasing|"
    r"increase(?=\s+(?:in|of)\b)|up(?![\s-]+to\b)(?!-)",
    # "declined to say" is a refusal, not a fall
    # "increase", "decrease" and "drop" as verbs move anything: only the noun before what moved counts; "forecasts
    # will be dropped for lemons" are given up
    "down": r"fell|fall|falls|falling|dropped(?!\s+(?:for|from\s+the)\b)|drops|declined(?!\s+to\s+[a-z])|"
    r"declines(?!\s+to\s+[a-z])|decline(?!\s+to\s+[a-z])|decrease(?=\s+(?:in|of)\b)|slump|plunge|"
    r"drop(?=\s+(?:in|of)\b)|cut|cuts|slid|slides|slumped|slumps|plunged|plunges|"
    r"tumbled|tumbles|lower|eased|eases|weakened|weakens|sank|sinks|retreated|retreats|decreased|decreases|"
    r"slipped|slips|lowered|lowers|slashed|slashes|trimmed|trims|record low|down|off(?=\s+(?:about\s+)?[\d.])|"
    r"plunging|tumbling|slumping|sliding|sinking|dropping|declining(?!\s+to\s+[a-z])|weakening|decreasing",
    # "flat" as an adjective names a product ("hot-rolled flat steel"), not a price that did not move
    "flat": r"unchanged|steady|steadied|flat(?![\s-]+(?!on\b|at\b|in\b|for\b|after\b|as\b|to\b|from\b|with\b|"
    r"since\b|over\b|versus\b|against\b|while\b|and\b|but\b|or\b)[a-z])|stable|stabilized|stabilised|"
    r"little changed|held at|(?:not|never) (?:been )?changed|"
    r"at (?:about |around )?(?:the )?(?:current|present|same|existing|last year's|year-ago) levels?",
}
# A direction word past one of these belongs to another clause: "gold closed steady while silver rallied", "fuel
# went to utilities when oil prices plunged", "the rise in oil prices had little impact, as aviation fuel prices
# lag".
_CLAUSE_BREAK = re.compile(
    r"(?i)\b(?:while|whereas|but|when|because|although|though)\b|;|,\s+as\b|"
    r"\bas\s+(?:it|they|he|she|we)\b"
)
# A verb that limits a trade: "to curb tin exports", "control the imports of U.S. corn gluten feed".
_LIMIT = (
    r"(?:curb|curbs|curbed|curbing|restrict|restricts|restricted|restricting|limit|limits|limited|limiting|control)"
)
_TRADE_ACTIONS = {
    # before export control, which a tie at the same word goes to: "control the imports of corn gluten feed"
    "import restriction": r"import restrictions?|import curbs?|import controls?|import bans?|"
    + _LIMIT
    + r"(?=\s+(?:(?!and\b|or\b|but\b)[\w-]+\s+){0,3}?imports)",
    # a bare "controls" only of the mention or on something (`_BARE_CONTROL`)
    "export control": r"export controls?|export restrictions?|export curbs?|export licen[cs]es?|export bans?|"
    r"restrictions?|curbs?|controls?|" + _LIMIT + r"(?=\s+(?:(?!and\b|or\b|but\b)[\w-]+\s+){0,3}?exports)",
    "tariff": r"tariffs?|import dut(?:y|ies)|levies|levy",
    "anti-dumping": r"anti-dumping|dumping dut(?:y|ies)|countervailing",
    "purchase": r"purchases?|purchased|purchasing|buy|buys|buying|bought|imports? of",
    "sale": r"sales? of|sold|sells?(?!-)|selling|exports? of",
    "ban": r"bans?|banned|banning|prohibit(?:s|ed|ion)?",
    "quota": r"quotas?",
    "sanction": r"sanctions?|sanctioned",
    "embargo": r"embargo(?:es|ed)?",
    "subsidy": r"subsid(?:y|ies|ised|ized)",
    "stockpile": r"stockpiles?|strategic reserves?",
}
_UNITS = (
    r"tonnes?|tons?|mt|barrels?|bbl|bpd|b/d|bushels?|bu|ounces?|oz|troy ounces?|bags|lbs?|pounds|kg|kilos?|"
    r"kilograms?|cubic (?:feet|metres|meters)|cu ft|bcf|tcf|mmbtu|btu|gallons?|litres?|liters?|bales|head|carats?"
)
_PRICE_OR_QUANTITY = re.compile(
    r"(?:(?:US)?\$|USD|€|£|¥)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:mln|million|bln|billion|bn|m|k))?(?:\s?(?:/|per|a)\s?(?:metric\s)?(?:"
    + _UNITS
    + r"))?"
    + r"|\d[\d,]*(?:\.\d+)?\s?(?:cents?|cts|dlrs|dollars|usd)(?:\s?(?:/|per|a)\s?(?:metric\s)?(?:"
    + _UNITS
    + r"))?"
    + r"|\d[\d,]*(?:\.\d+)?(?:\s?(?:mln|million|bln|billion|bn))?\s(?:metric\s)?(?:"
    + _UNITS
    + r")\b",
    re.IGNORECASE,
)


# Plain buying and selling yield to a policy action in the same sentence unless much nearer the mention:
# in "Indonesia banned exports of nickel ore" the action on nickel is the ban.
_WEAK_ACTIONS = {"purchase": 25, "sale": 25}


def _alternatives(table: dict[str, str], penalties: dict[str, int] | None = None):
    penalties = penalties or {}
    return [
        (name, re.compile(rf"\b(?:{words})\b", re.IGNORECASE), penalties.get(name, 0)) for name, words in table.items()
    ]


_DIRECTIONS = _alternatives(_DIRECTION_WORDS)
_ACTIONS = _alternatives(_TRADE_ACTIONS, _WEAK_ACTIONS)


def _nearest(
    sentence: str, start: int, end: int, patterns, names: tuple[tuple[int, int], ...] = (), reject=None
) -> tuple[str | None, str | None]:
    """The name and text of the pattern match nearest the span [start, end) in `sentence`, not inside one of
    the `names` spans ("the General Agreement on Tariffs and Trade" sets no tariff), nor one `reject(sentence,
    match start, match end, start, end)` refuses."""
    best: tuple[int, int, str, str] | None = None
    for order, (name, pattern, penalty) in enumerate(patterns):
        for found_start, found_end, found in _matches(pattern, sentence):
            if found_start < end and start < found_end:
                continue  # the mention itself
            if any(s < found_end and found_start < e for s, e in names):
                continue
            if reject is not None and reject(sentence, found_start, found_end, start, end):
                continue
            distance = start - found_end if found_end <= start else found_start - end
            candidate = (distance + penalty, order, name, found)
            if best is None or candidate < best:
                best = candidate
    return (best[2], best[3]) if best else (None, None)


# A word that moves the noun after it: "higher limits for CBT wheat", "increased profits" move the limits and the
# profits, not the commodity; "higher copper prices", "rising demand for copper" move it.
_ATTRIBUTIVE = frozenset((
    "higher", "lower", "firmer", "increased", "decreased", "rising", "falling", "reduced", "weaker", "stronger",
    "soaring", "surging", "jumping", "rebounding", "strengthening", "rallying", "increasing", "plunging", "tumbling",
    "slumping", "sliding", "sinking", "dropping", "declining", "weakening", "decreasing",
))  # fmt: skip
_COMMODITY_MEASURES = frozenset((
    "price", "prices", "cost", "costs", "value", "values", "rate", "rates", "level", "levels", "demand", "supply",
    "supplies", "output", "production", "exports", "imports", "stocks", "inventories", "sales", "consumption",
    "futures", "quotations", "grade", "grades", "dependence", "revenues", "revenue", "earnings", "receipts",
    "shipments", "deliveries", "purchases", "use", "usage", "trade", "volume", "volumes", "yields", "crop", "crops",
    "forecast", "forecasts", "estimate", "estimates", "postings", "posting", "contract", "contracts", "bids", "bid",
    "quota", "quotas", "loan", "offer", "offers",
))  # fmt: skip
# "take up another 150,000 tonnes", "set up a unit": a particle, not a rise.
_PARTICLE_VERBS = frozenset((
    "take", "takes", "took", "taking", "taken", "set", "sets", "setting", "pick", "picks", "picked", "make", "makes",
    "made", "step", "stepped", "open", "opened", "opens", "sign", "signed", "draw", "drew", "drawn", "give", "gave",
    "end", "ended", "build", "built", "buy", "bought", "snap", "snapped", "mop", "mopped", "shore", "shored", "tie",
    "tied", "hold", "held", "back", "backed", "break", "broke", "split", "fill", "filled", "line", "lined", "dry",
    "dried", "follow", "followed", "sum", "summed", "come", "came", "coming", "turn", "turned", "show", "showed",
    "wind", "wound", "keep", "keeps", "kept",
))  # fmt: skip
# "step down", "turned down the offer", "crack down on": a particle, not a fall.
_OFF_AFTER = frozenset(("was", "were", "is", "are", "been", "closed", "ended", "finished", "settled", "stood"))
_DOWN_PARTICLE_VERBS = frozenset((
    "step", "steps", "stepped", "turn", "turns", "turned", "back", "backed", "crack", "cracks", "cracked", "water",
    "watered", "break", "breaks", "broke", "broken", "hand", "handed", "play", "played", "track", "tracked",
    "write", "writes", "wrote", "written",
))  # fmt: skip
_WORDS_AFTER = re.compile(r"\s+([a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?(?:\s+([a-z][a-z-]*))?")
# Before a direction word, a sign that it is a predicate or a verb ("has been rising", "to lower prices").
_AUXILIARIES = frozenset((
    "is", "are", "was", "were", "be", "been", "being", "remain", "remained", "remains", "stay", "to", "will", "would",
    "could", "may", "might", "should", "must", "can",
))  # fmt: skip
_WORD_BEFORE = re.compile(r"([a-z]+)\s+$", re.IGNORECASE)


# A direction word further than this many words before the mention moved another thing in a quarter of the
# mentions read by hand (draws A to I): the subject of an earlier verb, "The decline will result from ... U.S.
# wheat exports".
_MAX_WORDS_BEFORE = 7
_MIXED = re.compile(r"\s+(?:was\s+|were\s+|ended\s+|closed\s+)?mixed\b")


def _moves_another_thing(sentence: str, found_start: int, found_end: int, start: int, end: int) -> bool:
    """Whether a direction word is too far before the mention to be its move, or moves something else."""
    if found_end <= start and len(_TOKEN.findall(sentence, found_end, start)) > _MAX_WORDS_BEFORE:
        return True
    if _MIXED.match(sentence, end):
        return True  # "wheat lower and corn mixed": corn moved both ways
    return _moves_something_else(sentence, found_start, found_end, start, end)


def _moves_something_else(sentence: str, found_start: int, found_end: int, start: int, end: int) -> bool:
    """Whether a direction word moves another thing than the mention: the particle of "take up", a season, a
    move to be halted, companies' moves, a move noun of another noun or of what follows it, a verb's other
    object, an adjective before another noun (docs/extraction.md lists them with examples)."""
    word = sentence[found_start:found_end].lower()
    if found_start > 0 and sentence[found_start - 1] == "-":
        return True  # "hand-trimmed carcass parts"
    before = _WORD_BEFORE.search(sentence, 0, found_start)
    previous = before.group(1).lower() if before is not None else ""
    if word == "up":
        return _is_particle_verb(previous)
    if word == "advanced" and (previous.endswith("ly") or previous in ("more", "most", "an", "the")):
        return True  # "technologically advanced carriers": an adjective
    if word == "off" and previous not in _OFF_AFTER:
        return True  # "sold off", "paid off": only "stocks were off 100,000 barrels" is a fall
    if word == "down" and (previous in _DOWN_PARTICLE_VERBS or previous[:-3] in _DOWN_PARTICLE_VERBS):
        return True  # "cracking down on", "stepped down"
    if sentence[found_end : found_end + 6] == " apart":
        return True  # "the pact is falling apart"
    if found_end <= start and sentence[found_end:start] == ", and ":
        return True  # "stocks of gasoline are declining, and gasoline demand is rising": another clause's move
    if _moved_by_possessor(sentence, found_start, start, end):
        return True  # "the yen's surge caused layoffs in steel"
    if word == "fall" and previous in _SEASON_BEFORE:
        return True  # "passed by Congress last fall"
    if word in ("cut", "cuts") and sentence[found_end : found_end + 4] == " of ":
        return True  # "leaner cuts of meat": pieces, not a move
    if word in _QUALIFIERS and _DIRECTION_FOLLOWS.match(sentence, found_end):
        return True  # "the steady increase in soybean production" rose
    if _STOPPED.search(sentence, max(0, found_start - 50), found_start):
        return True  # "they must halt production increases": a move that is not to be
    if (
        found_start >= end
        and len(_TOKEN.findall(sentence, end, found_start)) <= 4
        and _CHARGE_OF_IT.search(sentence, max(0, start - 60), start)
    ):
        return True  # "the guarantee line for sales of frozen poultry has been increased": the charge moved
    if found_end <= start and _charge_follows(sentence, end):
        return True  # "a lower soybean loan", "higher coffee export taxes": the loan and the tax moved
    if word not in _TRANSITIVE and _companies_move(sentence, found_start, end):
        return True  # "operating profit for oil and gas companies will rise"
    if word in _MOVE_NOUNS and before is not None and _another_noun_moves(sentence, before, found_end, start, end):
        return True  # "technology advances", "processing gains"
    if (previous in _DETERMINERS or previous in _MOVE_ADJECTIVES or previous in _SIZE_UNITS) and _moves_what_follows(
        sentence, found_end, start, end
    ):
        return True  # "had an increase in profits", "the decline in sugar production" for corn
    if word in _TRANSITIVE:
        return _moves_another_object(sentence, found_start, found_end, start, end)
    if word not in _ATTRIBUTIVE:
        return _moves_its_object(sentence, found_end, start, end)
    if (previous in _AUXILIARIES and not _after_preposition_to(sentence, before)) or previous in _COMMODITY_MEASURES:
        return False  # "demand has been rising", "to lower prices", "prices falling": a predicate or a verb
    after = _WORDS_AFTER.match(sentence, found_end)
    if after is None or any(after.group(k) and start <= after.start(k) < end for k in (1, 2, 3)):
        return False  # "higher copper prices", "lower corn and wheat exports" reach the mention
    # not "prices were higher in London", "a lower official price"
    if after.group(1) in _FUNCTION_WORDS:
        return False
    followed = [after.group(k) for k in (1, 2, 3) if after.group(k)]
    measure = next((k for k, word in enumerate(followed) if word in _COMMODITY_MEASURES), None)
    if measure and _commodities_in(" ".join(followed[:measure])) - _commodities_in(sentence[start:end]):
        return True  # "margins on gasoline sales ... caused by falling oil prices": oil's move
    return measure is None


_PREPOSITION_TO = re.compile(r"(?i)\b(?:due|owing|thanks|prior|compared|contrary|close|next|similar)\s+$")


def _after_preposition_to(sentence: str, before: re.Match[str]) -> bool:
    """Whether the "to" before a direction word is a preposition ("due to higher job losses"), not a verb's."""
    return before.group(1).lower() == "to" and _PREPOSITION_TO.search(sentence, 0, before.start(1)) is not None


_POSSESSOR = re.compile(r"\b([a-z]+)['’]s\s+$")


def _moved_by_possessor(sentence: str, found_start: int, start: int, end: int) -> bool:
    """Whether a move is a lower-case possessor's other than the mention and its measures: "the yen's surge",
    "the dollar's fall"; not "copper's rise", "the metal's gain", "production's fall"."""
    owner = _POSSESSOR.search(sentence, max(0, found_start - 30), found_start)
    if owner is None or start <= owner.start(1) < end:
        return False
    word = owner.group(1)
    return not (word in _COMMODITY_NOUNS or word in _COMMODITY_MEASURES or word in commodity_words())


_STOPPED = re.compile(
    r"(?i)\b(?:halt|halts|halted|halting|stop|stops|stopped|stopping|prevent|prevents|prevented|avoid|avoids|"
    r"avoided)\s+(?:[\w'-]+\s+){0,3}$"
)
_COMPANIES = re.compile(r"(?i)\b(?:compan(?:y|ies)|firms|producers|industry|sector|shares|equities|makers|mills)\b")


def _companies_move(sentence: str, found_start: int, end: int) -> bool:
    """Whether a move after the mention is that of the companies it names, with no measure between: "oil and gas
    companies will rise", not "rubber producers said prices rose"."""
    between = sentence[end:found_start]
    if not 0 < len(between) <= 40 or _COMPANIES.search(between) is None:
        return False
    return not any(word in _COMMODITY_MEASURES for word in re.findall(r"[a-z]+", between.lower()))


_DETERMINERS = frozenset(("its", "their", "the", "a", "an", "his", "her", "our", "this", "that"))
_SEASON_BEFORE = frozenset(("last", "this", "next", "early", "late", "mid"))
# "steady", "stable" before a move qualify it: "a steady increase", "stable gains".
_QUALIFIERS = frozenset(("steady", "stable", "flat"))
_DIRECTION_FOLLOWS = re.compile(r"\s+(?:" + _DIRECTION_WORDS["up"] + "|" + _DIRECTION_WORDS["down"] + r")\b", re.I)
# Direction words that are also nouns: after another noun they are its moves ("technology advances").
_MOVE_NOUNS = frozenset((
    "advances", "gains", "rises", "falls", "increases", "declines", "drops", "jumps", "climbs", "rallies", "rebounds",
    "slides", "slumps", "plunges", "tumbles", "eases", "sinks", "retreats", "decreases", "slips", "surges", "soars",
))  # fmt: skip
# Nouns that stand for the commodity or its market: "the metal gains", "the market rallies".
_COMMODITY_NOUNS = frozenset(("metal", "metals", "market", "markets", "grain", "grains", "commodity", "commodities"))


def _is_particle_verb(word: str) -> bool:
    """ "take", "taking", "drying", "setting": a verb that "up" follows as a particle."""
    if word in _PARTICLE_VERBS:
        return True
    if not word.endswith("ing") or len(word) < 5:
        return False
    stem = word[:-3]
    return any(base in _PARTICLE_VERBS for base in (stem, stem + "e", stem[:-1] if stem[-1] == stem[-2] else ""))


# A move's size before it: "a 1.7 pct rise in defence spending".
_SIZE_UNITS = frozenset(("pct", "percent", "cent", "point", "points"))
# Words before a move that qualify it: "recent gains in crude oil prices".
_MOVE_ADJECTIVES = frozenset((
    "recent", "sharp", "steep", "big", "small", "slight", "modest", "further", "strong", "large", "huge", "major",
    "minor", "substantial", "significant", "dramatic", "latest", "new", "similar", "continued", "renewed",
    "initial", "early", "late", "expected", "seasonal", "annual", "weekly", "monthly", "moderate", "marginal",
))  # fmt: skip


_WHAT_MOVES = re.compile(r"\s+(?:in|of)\s+(?:(?:the|its|their|a|an)\s+)?(?=[a-z])")


def _moves_what_follows(sentence: str, found_end: int, start: int, end: int) -> bool:
    """Whether a move as a noun ("an increase in", "the decline of") names another thing after it than the
    mention or one of its measures: "an increase in profits", "the decline in sugar production" for corn; not "a
    rise in wheat prices", "the fall in prices", "a decline in exportable supplies of Argentine corn", "the slump
    in oil and gas prices" for gas, "the fall in oil prices" for "its crude exports"."""
    moved = _WHAT_MOVES.match(sentence, found_end)
    if moved is None:
        return False
    phrase = _NOUN_PHRASE.match(sentence, moved.end())
    words = list(_TOKEN.finditer(sentence, phrase.start(), phrase.end()))[:8]
    if not words or any(start <= word.start() < end for word in words):
        return False
    lowered = [word.group().lower() for word in words]
    if _commodities_in(sentence[start:end]) & _commodities_in(" ".join(lowered)):
        return False  # the mention's commodity by another name
    head = next((word for word in lowered if word not in _MARKET_MODIFIERS), "")
    if head in _COMMODITY_MEASURES and "of" in lowered[lowered.index(head) :]:
        owned = lowered[lowered.index("of", lowered.index(head)) + 1 :]
        return not any(
            word in _COMMODITY_MEASURES or word in commodity_words() for word in owned
        )  # "the value of the dollar"
    return head not in _COMMODITY_MEASURES  # "the fall in (world) prices"


# Words before a measure that leave it the mention's: "a sharp fall in world prices", "an increase in export volume".
_MARKET_MODIFIERS = frozenset((
    "world", "domestic", "international", "spot", "export", "import", "retail", "wholesale", "average", "market",
    "free", "local", "global", "overall", "official", "posted", "cash", "futures", "physical", "total", "u.s.",
    "energy", "fuel",
))  # fmt: skip
# The words of a noun phrase: up to a comma or a verb or function word ("a drop in the dollar means uncertainty").
_NOUN_PHRASE = re.compile(
    r"[^,;.()]*?(?=[,;.()]|\s+(?:than|to|from|by|for|with|as|is|are|was|were|means|would|will|could|may|has|have|"
    r"had|which|that|in|on|at|since|after|during)\b|$)"
)


def _commodities_in(text: str) -> set[str]:
    named = commodity_words()
    return {named[word] for word in text.lower().split() if word in named}


def _another_noun_moves(sentence: str, before: re.Match[str], found_end: int, start: int, end: int) -> bool:
    """Whether the lower-case word before a move is another noun than the mention and its measures: "technology
    advances", not "oil gains", "copper prices rises", "the metal slips", "the market rallies", "recent gains in
    crude oil prices"."""
    word = before.group(1)
    if not (word.islower() or (before.start(1) == 0 and word[1:].islower())) or start <= before.start(1) <= end + 1:
        return False  # a name or a headline's word; the mention or the word right after it
    word = word.lower()
    after = _WORDS_AFTER.match(sentence, found_end)
    if after is not None and after.group(1) in ("in", "of", "for") and found_end <= start:
        return False  # "gains in crude oil prices": the move of what follows
    return not (
        word in _MOVE_ADJECTIVES
        or word in _COMMODITY_MEASURES
        or word in _COMMODITY_NOUNS
        or word in _FUNCTION_WORDS
        or word in _AUXILIARIES
        or word in _DETERMINERS
        or word.endswith("ly")
    )


def _moves_its_object(sentence: str, found_end: int, start: int, end: int) -> bool:
    """Whether a verb moves its object, another thing than the mention: "Saudi Arabia has dropped its condition",
    "raised its bid"; not "raised its copper prices", "cut the price of oil"."""
    after = _WORDS_AFTER.match(sentence, found_end)
    if after is not None and (
        after.group(1) in _CHARGES or (after.group(1) in _DETERMINERS and after.group(2) in _CHARGES)
    ):
        return True  # "increases coverage for wheat sales", "reduces the guarantee lines for rice"
    if after is None or after.group(1) not in _DETERMINERS or not after.group(2):
        return False
    if any(after.group(k) and start <= after.start(k) < end for k in (2, 3)):
        return False
    return not any(after.group(k) in _COMMODITY_MEASURES for k in (2, 3))


# Verbs that move an object: "raised the contract price for crude oil", "slashed expenditure".
_TRANSITIVE = frozenset((
    "raise", "raised", "raises", "lifted", "lifts", "boost", "boosted", "boosts", "hiked", "hikes", "lowered", "lowers",
    "slashed",
    "slashes", "trimmed", "trims", "cut", "cuts",
))  # fmt: skip
_PASSIVE = frozenset(("be", "been", "being", "was", "were", "is", "are"))
_AND_OR = frozenset(("and", "or"))


def _moves_another_object(sentence: str, found_start: int, found_end: int, start: int, end: int) -> bool:
    """Whether a transitive verb moves another thing than the mention: its object ("slashed expenditure", "raised
    concerns", "dropped its condition"), the head the mention qualifies ("RAISES PALM OIL EXPORT DUTIES"), or, in
    the passive, a subject that is not the commodity's measure ("if the issue of rice is to be raised"). Not
    "raised its crude oil prices", "lowered estimates of corn acreage", "production curbs boosted world oil
    prices", "copper prices were raised"."""
    if found_end <= start:  # the verb before the mention
        if _object_elsewhere(sentence, found_end, start, end):
            return True
        head = _WORDS_AFTER.match(sentence.lower(), end)
        # "cut nickel cathodes or briquettes" cut the cathodes; not "cut prices for zinc sold in", "the tin surplus to"
        return head is not None and not any(
            head.group(k) in _COMMODITY_MEASURES
            or (head.group(k) in _FUNCTION_WORDS and (k == 1 or head.group(k) not in _AND_OR))
            for k in (1, 2)
            if head.group(k)
        )
    before = _WORD_BEFORE.search(sentence, 0, found_start)
    if before is None or before.group(1).lower() not in _PASSIVE:
        return _object_elsewhere(sentence, found_end, start, end)  # "oil companies slashed expenditure"
    near = sentence[max(0, start - 30) : found_start].lower()
    return not any(word in _COMMODITY_MEASURES for word in re.findall(r"[a-z]+", near))


def _object_elsewhere(sentence: str, found_end: int, start: int, end: int) -> bool:
    """Whether the words after a verb name an object that is neither the mention nor one of its measures: up to
    five words, the first neither a preposition nor an adverb ("raised by 50 cts", "lowered sharply"), and
    the object ends at a preposition ("boost opportunities for the offshore supplies industry")."""
    tokens = list(islice(_TOKEN.finditer(sentence, found_end, min(len(sentence), found_end + 80)), 5))
    if not tokens:
        return False
    words = [token.group().lower() for token in tokens]
    if (words[0] in _FUNCTION_WORDS and words[0] not in _DETERMINERS) or words[0].endswith("ly"):
        return False
    cut = next((k for k, word in enumerate(words) if k and word in _FUNCTION_WORDS and word not in _DETERMINERS), None)
    if any(start <= token.start() < end for token in tokens[:cut]):
        return False  # "raised its copper prices": the object is the mention's
    if cut is not None and words[cut - 1] in _CHARGES:
        return True  # "cut the export duty on coffee", "increases coverage for wheat sales": not the commodity
    if any(start <= token.start() < end for token in tokens):
        return False  # "raised prices for coffee"
    if _commodities_in(" ".join(words[:cut])) - _commodities_in(sentence[start:end]):
        return True  # "cut its coking coal export prices to Japanese steel mills": coal's price, not steel's
    return not any(word in _COMMODITY_MEASURES for word in words[:cut])


# What a government or a lender moves that is not the commodity's price or volume, though the commodity follows.
_CHARGES = frozenset((
    "duty", "duties", "tax", "taxes", "tariff", "tariffs", "levy", "levies", "subsidy", "subsidies", "guarantee",
    "guarantees", "coverage", "credit", "credits", "lines", "loans", "premium", "premiums", "fee", "fees",
))  # fmt: skip
# The same as a head noun the commodity qualifies, or a subject before it; "loan" alone is elsewhere a measure
# (a loan rate), and "lines" a subject only after "guarantee" (the optional word).
_CHARGE_NOUNS = _CHARGES | {"loan"}
# A charge on or for the mention, as the subject before it: "the guarantee line for sales of frozen poultry", "the
# duty on coffee" (has been raised).
_CHARGE_OF_IT = re.compile(
    rf"(?i)\b(?:{alternation(_CHARGE_NOUNS - {'lines'})})\s+(?:[\w-]+\s+)?(?:for|on|of)\s+(?:[\w-]+\s+){{0,4}}$"
)
_CHARGE_AFTER = re.compile(r"\s+(?:(?:export|import|support|price|sales?)\s+)?(?P<head>[a-z]+)")


def _charge_follows(sentence: str, end: int) -> bool:
    """Whether the mention qualifies a charge after it: "soybean loan", "coffee export taxes"."""
    after = _CHARGE_AFTER.match(sentence, end)
    return after is not None and after.group("head") in _CHARGE_NOUNS


_TOKEN = re.compile(r"[\w'-]+")


_FUNCTION_WORDS = frozenset((
    "and", "or", "than", "in", "on", "at", "to", "from", "by", "for", "with", "as", "after", "this", "last", "because",
    "the", "a", "an", "its", "their", "since", "over", "again", "earlier", "today", "yesterday", "still", "through",
    "during", "next", "later", "slightly", "sharply", "steadily", "more", "less", "faster", "slowly", "quickly",
))  # fmt: skip
# What is bought or sold when a purchase or a sale stands between an asset and a commodity: "the purchase would
# include Shell's interest in 39 retail gasoline stations", "selling its oil and gas interests".
_ASSETS = re.compile(
    r"(?i)\b(?:interests?|stakes?|stations?|business(?:es)?|assets?|shares|compan(?:y|ies)|units?|"
    r"subsidiar(?:y|ies)|operations|propert(?:y|ies)|plants?|refiner(?:y|ies)|mines?|fields?|leases?|"
    r"acreage|terminals?|division|holdings?)\b"
)
_TRADES = frozenset(("purchase", "sale"))
# "asset sales of their oil and gas reserves": the asset before the trade word
_ASSET_BEFORE = re.compile(r"(?i)\b(?:asset|stake|share|property|business)\s+$")
# "the purchase of Spanish goods and services in the iron and steel industry": other goods bought
_OTHER_GOODS = re.compile(r"(?i)^\s+of\s+(?:[\w-]+\s+){0,2}(?:goods|services|equipment|machinery|engines|vehicles)\b")


# "curbs", "controls", "restrictions" alone: a trade control of the mention before them ("its rare earth
# restrictions") or on something ("curbs on Chinese steel"); not "production curbs", "control and eradication".
_BARE_CONTROL = re.compile(r"(?i)restrictions?|curbs?|controls?")
_CONTROL_ON = re.compile(r"\s+(?:on|over|against)\b")
_LIMITED_TRADE = re.compile(r"\s+(?:(?!and\b|or\b|but\b)[\w-]+\s+){0,3}?(?:exports|imports)\b")


def _not_this_trade(sentence: str, found_start: int, found_end: int, start: int, end: int) -> bool:
    """Whether a trade word is not a trade in the mention: a bare control word of something else, or the purchase
    or sale of an asset (`_trades_something_else`)."""
    if _BARE_CONTROL.fullmatch(sentence, found_start, found_end):
        if sentence[max(0, found_start - 6) : found_start].lower() == "price ":
            return True  # "remove price controls on natural gas": no control of its trade
        return not (
            0 <= found_start - end <= 1
            or _CONTROL_ON.match(sentence, found_end)
            or _LIMITED_TRADE.match(sentence, found_end)
        )
    return _trades_something_else(sentence, found_start, found_end, start, end)


def _trades_something_else(sentence: str, found_start: int, found_end: int, start: int, end: int) -> bool:
    """Whether a purchase or a sale is of an asset: one named between it and the mention or right after the
    mention ("selling its oil and gas interests", "retail gasoline stations"), or its subject in the passive
    ("the interest being purchased will give it gas reserves")."""
    if not any(p.fullmatch(sentence[found_start:found_end]) for name, p, _ in _ACTIONS if name in _TRADES):
        return False
    between = sentence[found_end:start] if found_end <= start else sentence[end:found_start]
    return (
        (_is_revenue(sentence, found_start, found_end) and not 0 <= found_start - end <= 1)
        or _ASSETS.search(between) is not None
        or _ASSET_BEFORE.search(sentence, max(0, found_start - 30), found_start) is not None
        or (found_end <= start and _OTHER_GOODS.match(between) is not None)
        or _ASSETS.search(_NAMED_AFTER.match(sentence, end).group()) is not None
        or _PASSIVE_ASSET.search(sentence[max(0, found_start - 40) : found_start]) is not None
        or _DENIED.search(sentence, max(0, found_start - 40), found_start) is not None
        or (_PRICE_FOLLOWS.match(sentence, found_end) is not None and not 0 <= start - found_end <= 25)
    )


# The rest of the mention's noun phrase: "vegetable oil [and fats subsidiary] to Oelmuehle".
_NAMED_AFTER = re.compile(r"(?:\s+(?!(?:to|for|from|of|in|on|at|by|with|which|that)\b)[\w'-]+){0,3}")
# A trade that did not happen: "Colombia denied having sold coffee", "did not buy".
_DENIED = re.compile(r"(?i)\b(?:denied|denies|deny|not|never|n't)\s+(?:[\w'-]+\s+){0,2}$")
# "In addition to the purchase price, CSR will share in crude oil prices": the price of a deal, not a trade in oil.
_PRICE_FOLLOWS = re.compile(r"\s+prices?\b")


# "a provider with sales of about 69 mln dlrs": a company's revenue, not a sale of the commodity.
_REVENUE = re.compile(
    r"(?i)\s+(?:about|around|some|nearly|almost|over|more than|up to)?\s*(?:(?:US|C|A)?\$|stg|£)?\s?\d[\d,.]*\s*"
    r"(?:mln|million|bln|billion|m|bn)?\s*(?:dlrs|dollars|stg|sterling|yen|marks|francs|crowns|pesos|"
    r"rupees|ringgit|rand|lire|guilders|bolivars)\b|\s+(?:about\s+)?(?:(?:US|C|A)?\$|£)\s?\d"
)


def _is_revenue(sentence: str, found_start: int, found_end: int) -> bool:
    """ "sales of about 69 mln dlrs": a company's revenue, unless the commodity names them ("copper sales of")."""
    return (
        sentence[found_start:found_end].lower().startswith("sale") and _REVENUE.match(sentence, found_end) is not None
    )


_PASSIVE_ASSET = re.compile(_ASSETS.pattern + r"\s+(?:being|been|was|were|is|are|to be)\s+$")


@lru_cache(maxsize=1024)
def _matches(pattern: re.Pattern[str], text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, text) of each match: a sentence that names several commodities is searched once."""
    return tuple((match.start(), match.end(), match.group()) for match in pattern.finditer(text))


def _own_clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The stretch of `sentence` around [start, end) that no clause break crosses."""
    lo, hi = 0, len(sentence)
    for match in _CLAUSE_BREAK.finditer(sentence):
        if match.end() <= start:
            lo = match.start()
        elif match.start() >= end:
            hi = match.start()
            break
    return lo, hi


def describe(
    sentence: str, start: int, end: int, names: tuple[tuple[int, int], ...] = ()
) -> tuple[str | None, str | None, str | None]:
    """(direction, trade action, price or quantity) for the mention at [start, end) of `sentence`; `names`: the
    sentence's named-entity spans, whose words are no trade action. The direction is read in the mention's own
    clause."""
    _, amount = _nearest(sentence, start, end, [("amount", _PRICE_OR_QUANTITY, 0)])
    if sentence[max(0, start - 4) : start].lower() == "non-":
        return None, None, amount  # "a deteriorating non-oil trade pattern" says nothing of oil
    if _LEFT_OUT.search(sentence, max(0, start - 60), start):
        return None, None, amount  # "exports rose ... after excluding coffee"
    direction = None
    if not _is_table(sentence):  # "CORN SOYBEANS TOLEDO 5 UND MAY UNC 1 OVR MAY UP 2": a row's move is not read
        lo, hi = _own_clause(sentence, start, end)
        direction, _ = _nearest(sentence[lo:hi], start - lo, end - lo, _DIRECTIONS, reject=_moves_another_thing)
        if direction in ("up", "down") and _turns_round(sentence, hi, direction):
            direction = None  # "acreage is likely to fall in the EC but increase in Canada": both ways
    action, _ = _nearest(sentence, start, end, _ACTIONS, names, reject=_not_this_trade)
    return direction, action, amount


# A clause that goes on with no subject of its own, in another place ("but increase in Canada", "but rose in
# London"): the same thing moving the other way there. Not a later move ("rallied ... but fell again last month").
_ELLIPTICAL_TURN = re.compile(
    r"(?i)(?:but|while|whereas)\s+(?:(?:to|will|would|could|may|might|should|is|are|was|were|has|have|had|"
    r"be|been|sharply|slightly)\s+){0,2}(?P<turn>[a-z]+)\s+(?:in|at)\s+(?:the\s+)?(?-i:[A-Z])"
)


def _turns_round(sentence: str, clause_end: int, direction: str) -> bool:
    """Whether the next clause moves the same subject the other way, having none of its own."""
    turn = _ELLIPTICAL_TURN.match(sentence, clause_end)
    if turn is None:
        return False
    opposite = "down" if direction == "up" else "up"
    pattern = next(pattern for name, pattern, _ in _DIRECTIONS if name == opposite)
    other = pattern.match(sentence, turn.start("turn"))
    return other is not None and other.end() == turn.end("turn")


_LEFT_OUT = re.compile(
    r"(?i)\b(?:excluding|except|other than|apart from|aside from|besides|outside)\s+(?:[\w-]+,?\s+){0,3}$"
)


def _is_table(sentence: str) -> bool:
    """A price or bid table run into one sentence: many figures and few lower-case words."""
    tokens = sentence.split()
    if len(tokens) < 20:
        return False
    figures = sum(any(char.isdigit() for char in token) for token in tokens)
    lower = sum(token.isalpha() and token.islower() for token in tokens)
    return figures >= 0.2 * len(tokens) and lower < 0.15 * len(tokens)


def add_context(
    commodity_mentions: pl.DataFrame, sentences: pl.DataFrame, entity_mentions: pl.DataFrame
) -> pl.DataFrame:
    """Add `direction`, `trade_action`, `price_or_quantity` and `countries` (ISO codes named in the sentence). A
    commodity word inside a company's name (`in_name`: "purchase Western Kentucky Gas Co") has no direction and
    no trade action: the sentence's moves and actions are the company's."""
    offsets = commodity_mentions.join(
        sentences.select("article_id", "sentence_index", sentence_start="start_char"),
        on=["article_id", "sentence_index"],
        how="left",
    )
    name_spans: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for article_id, index, name_start, name_end in entity_mentions.select(
        "article_id", "sentence_index", "start_char", "end_char"
    ).iter_rows():
        name_spans.setdefault((article_id, index), []).append((name_start, name_end))

    def names_in(article_id: str, index: int, offset: int) -> tuple[tuple[int, int], ...]:
        return tuple((s - offset, e - offset) for s, e in name_spans.get((article_id, index), ()))

    rows = offsets.select(
        "article_id", "sentence_index", "sentence_text", "start_char", "end_char", "sentence_start", "in_name"
    ).rows()
    described = [
        (None, None, None)
        if in_name
        else describe(
            text or "",
            start - (sentence_start or 0),
            end - (sentence_start or 0),
            names_in(article_id, index, sentence_start or 0),
        )
        for article_id, index, text, start, end, sentence_start, in_name in rows
    ]
    described = _institutions_follow_their_commodity(rows, offsets["commodity"].to_list(), described)
    countries = (
        entity_mentions.filter(pl.col("country_code").is_not_null())
        .group_by("article_id", "sentence_index")
        .agg(countries=pl.col("country_code").unique(maintain_order=True))
    )
    return (
        offsets.drop("sentence_start")
        .with_columns(
            direction=pl.Series([d[0] for d in described], dtype=pl.String),
            trade_action=pl.Series([d[1] for d in described], dtype=pl.String),
            price_or_quantity=pl.Series([d[2] for d in described], dtype=pl.String),
        )
        .join(countries, on=["article_id", "sentence_index"], how="left")
        .with_columns(pl.col("countries").fill_null(pl.lit([], dtype=pl.List(pl.String))))
    )


# A commodity word inside the name of an exchange or a body: "the Coffee, Sugar and Cocoa Exchange".
_INSTITUTION_FOLLOWS = re.compile(
    r"(?:(?:,|\s+and|\s+&)?\s+[A-Z][\w&'-]*)*?\s+(?:Exchange|Organi[sz]ation|Council|Board|Institute|Study Group|"
    r"Association|Federation|Authority|Commission|Committee|Agreement)\b"
)


def _institutions_follow_their_commodity(rows: list[tuple], commodities: list[str], described: list[tuple]) -> list:
    """A mention inside an exchange's or a body's name moves as the same commodity named freely in its sentence
    does, and not at all without one: in "Sugar prices closed higher on the Coffee, Sugar and Cocoa Exchange"
    sugar rose, coffee and cocoa did not."""
    inside = [
        bool(text)
        and text[start - (offset or 0) : start - (offset or 0) + 1].isupper()
        and _INSTITUTION_FOLLOWS.match(text, end - (offset or 0)) is not None
        for _, _, text, start, end, offset, _ in rows
    ]
    free: dict[tuple, str | None] = {}
    for (article_id, index, *_), commodity, facts, named in zip(rows, commodities, described, inside, strict=True):
        if not named and facts[0] is not None:
            free.setdefault((article_id, index, commodity), facts[0])
    return [
        (free.get((article_id, index, commodity)), *facts[1:]) if named else facts
        for (article_id, index, *_), commodity, facts, named in zip(rows, commodities, described, inside, strict=True)
    ]


def attach_sentences(mentions: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Add `sentence_index` and `sentence_text`: the sentence of the same field that holds each mention."""
    if mentions.is_empty():
        return mentions.with_columns(sentence_index=pl.lit(None, pl.Int32), sentence_text=pl.lit(None, pl.String))
    located = mentions.sort("start_char").join_asof(
        sentences.select("article_id", "field", "start_char", "sentence_index", "sentence_text")
        .rename({"start_char": "sentence_start"})
        .sort("sentence_start"),
        left_on="start_char",
        right_on="sentence_start",
        by=["article_id", "field"],
        strategy="backward",
        check_sortedness=False,  # sorted on start_char above; Polars cannot verify it within groups
    )
    return located.drop("sentence_start").sort("article_id", "field", "start_char")
