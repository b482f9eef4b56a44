"""The commodity catalogue and commodity mention matching.

The catalogue is a versioned data file (`wiredesk/data/commodities.csv`): one row per commodity with its
group, HS code and synonyms. `synonyms` always count; `context_synonyms` are everyday words ("oil", "gas",
"lead", "tin") that count only in a sentence that also talks about markets. Phrases in
`commodity_false_friends.csv` ("gold medal", "iron out", "lead to") never count.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from wiredesk.patterns import alternation
from wiredesk.shipped import data_file
from wiredesk.tables import COMMODITY_MENTION_SCHEMA

CATALOGUE_VERSION = "2026.11.5"


# Words that make a sentence about markets, so that "oil" or "lead" there means the commodity.
_MARKET_CONTEXT = re.compile(
    r"\b(price[sd]?|pricing|futures|contracts?|tonnes?|tons?|barrels?|bpd|bushels?|ounces?|oz|bags|lbs?|pounds|"
    r"exports?|imports?|exporters?|importers?|shipments?|output|production|producers?|producing|supply|supplies|"
    r"demand|stocks|inventor(y|ies)|reserves|mines?|miners?|mining|smelt(ers?|ing)|refiner(y|ies)|refined|"
    r"concentrates?|bullion|crop|harvest|plantations?|estates?|auctions?|traders?|trading|market|markets|"
    r"commodit(y|ies)|benchmark|spot|per cent|percent|opec|lme|comex|nymex|cbot|ice|wells?|pipelines?|"
    r"drilling|exploration|fields?|cargo(es)?|tankers?|metals?|energy|industry|compan(y|ies)|ministers?|ministry|"
    r"sands|shale|properties|utilit(y|ies)|transmission|distribution|liquids|consumption|consumers?|glut|"
    r"surplus|shortage|quotas?|tariffs?|embargo|sanctions?|deliver(y|ies)|alloys?|coins?|mint(ed|ing)?)\b",
    re.IGNORECASE,
)
# Where the trade works, which makes an everyday word the commodity too: "oil workers strike", "gas rigs",
# "tin miners' unions", "offshore oil". Not beside "lead": "lead workers out" is the verb.
_WORK_CONTEXT = re.compile(
    r"\b(workers|strikes?|strikers|unions|rigs?|platforms?|supertankers?|offshore|onshore|upstream|downstream)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CommodityMatcher:
    pattern: re.Pattern[str]
    false_friends: re.Pattern[str] | None
    commodity_of: dict[str, str]  # lower-case synonym -> commodity
    group_of: dict[str, str]  # commodity -> group
    needs_context: frozenset[str]  # lower-case synonyms that need market context


def default_catalogue_path() -> Path:
    return data_file("commodities.csv")


def default_false_friends_path() -> Path:
    return data_file("commodity_false_friends.csv")


def _split_synonyms(column: str) -> pl.Expr:
    return (
        pl.col(column)
        .fill_null("")
        .str.split("|")
        .list.eval(pl.element().str.strip_chars().str.to_lowercase().filter(pl.element() != ""))
    )


def load_catalogue(path: Path | None = None) -> pl.DataFrame:
    """The catalogue as a frame: commodity, commodity_group, hs_code, synonyms, context_synonyms (lists)."""
    path = path or default_catalogue_path()
    frame = pl.read_csv(path, schema_overrides={"hs_code": pl.String}).with_columns(
        commodity=pl.col("commodity").str.strip_chars(),
        commodity_group=pl.col("commodity_group").str.strip_chars(),
        synonyms=_split_synonyms("synonyms"),
        context_synonyms=_split_synonyms("context_synonyms"),
    )
    problems = []
    if frame["commodity"].is_duplicated().any():
        problems.append(
            f"duplicate commodities: {frame.filter(pl.col('commodity').is_duplicated())['commodity'].to_list()}"
        )
    all_synonyms = pl.concat([frame["synonyms"].explode(), frame["context_synonyms"].explode()]).drop_nulls()
    if all_synonyms.is_duplicated().any():
        problems.append(f"synonyms listed twice: {sorted(set(all_synonyms.filter(all_synonyms.is_duplicated())))}")
    if frame["synonyms"].list.len().min() == 0:
        problems.append("every commodity needs at least one synonym")
    if problems:
        raise ValueError(f"commodity catalogue {path} is invalid: " + "; ".join(problems))
    return frame.with_columns(catalogue_version=pl.lit(CATALOGUE_VERSION))


@lru_cache(maxsize=1)
def commodity_words() -> dict[str, str]:
    """The catalogue's one-word commodity names, in lower case, and the commodity each names: "crude" and "oil"
    → crude oil, "soybeans" → soybeans."""
    catalogue = load_catalogue()
    return {
        name: commodity
        for column in ("synonyms", "context_synonyms")
        for commodity, name in catalogue.select("commodity", column).explode(column).drop_nulls().iter_rows()
        if name.isalpha()
    }


def load_false_friends(path: Path | None = None) -> list[str]:
    return pl.read_csv(path or default_false_friends_path())["phrase"].str.to_lowercase().to_list()


def _alternation(phrases: list[str]) -> str:
    # The longest phrase that matches wins ("crude palm oil" over "palm oil" and "crude"); a space or hyphen in a
    # phrase matches any run of spaces and hyphens ("rare earth", "rare-earth", "rare\nearth").
    return alternation({_canonical(p) for p in phrases}, space=r"[-\s]+")


def build_matcher(catalogue: pl.DataFrame, false_friends: list[str]) -> CommodityMatcher:
    commodity_of: dict[str, str] = {}
    needs_context: set[str] = set()
    for row in catalogue.iter_rows(named=True):
        for synonym in row["synonyms"]:
            commodity_of[_canonical(synonym)] = row["commodity"]
        for synonym in row["context_synonyms"]:
            commodity_of[_canonical(synonym)] = row["commodity"]
            needs_context.add(_canonical(synonym))
    # A hyphen is a boundary, so "silver-copper alloy" and "copper-rich" count; hyphenated idioms
    # ("lead-up", "iron-clad") are false friends.
    pattern = re.compile(rf"(?<!\w)(?:{_alternation(list(commodity_of))})(?!\w)", re.IGNORECASE)
    friends = (
        re.compile(rf"(?<![\w-])(?:{_alternation(false_friends)})(?![\w-])", re.IGNORECASE) if false_friends else None
    )
    return CommodityMatcher(
        pattern=pattern,
        false_friends=friends,
        commodity_of=commodity_of,
        group_of=dict(zip(catalogue["commodity"], catalogue["commodity_group"], strict=True)),
        needs_context=frozenset(needs_context),
    )


@lru_cache(maxsize=1)
def default_matcher() -> CommodityMatcher:
    return build_matcher(load_catalogue(), load_false_friends())


def _canonical(matched: str) -> str:
    return re.sub(r"[-\s]+", " ", matched.lower())


# Bare "gas" is natural gas unless its sentence is about motoring fuel: then it is American for gasoline.
_GASOLINE_CONTEXT = re.compile(
    r"\b(gasoline|motorists?|driving season|gallons?|the pump|unleaded|leaded|octane|retail(ers?)?|"
    r"refiner(y|ies)|distillates?|heating oil|jet fuel|diesel|fuel oil)\b",
    re.IGNORECASE,
)


# Bare "oil" or "crude" in a sentence about vegetable oils and oilseeds, with no word of the petroleum trade,
# is not crude oil: "crude sunflowerseed oil", "castor oil exports", "fats and oils", "oil cakes".
_VEGETABLE_OIL_CONTEXT = re.compile(
    r"\b(vegetable|edible|oilseeds?|oil[-\s]?(cakes?|meals?|bearing)|oilcakes?|oilmeals?|fats?|sunflower\w*|sunseed|"
    r"soy\w*|palm|rapeseed|canola|colza|cottonseed|groundnuts?|peanuts?|copra|coconut|castor|linseed|olive|tallow|"
    r"lard|margarine|cooking)\b",
    re.IGNORECASE,
)
_PETROLEUM_CONTEXT = re.compile(
    r"\b(petroleum|crude oil|barrels?|bpd|opec|refiner(y|ies)|gasoline|drilling|wells?|oilfields?|pipelines?|"
    r"tankers?|brent|wti|heating oil|fuel oil|diesel|gas)\b",
    re.IGNORECASE,
)
_BARE_CRUDE_OIL = frozenset({"oil", "crude"})

# Gold, silver and bronze in a sentence about a race or a match, with no word of a market, are medals: "won
# gold", "her ninth Olympic gold".
_MEDALS = frozenset({"gold", "silver", "bronze"})
_SPORTS_CONTEXT = re.compile(
    r"\b(won|wins?|winning|took|takes|medals?|medallists?|olympics?|champions?|championships?|races?|metres|"
    r"meters|freestyle|backstroke|breaststroke|butterfly|relay|marathon|sprint|finals?|podium|tournament|games|"
    r"world cup|athletes?|swimmers?|runners?|skaters?)\b",
    re.IGNORECASE,
)
# "Lead" is a verb far more often than a metal: as a metal its market word stands right beside it ("lead
# prices", "tonnes of lead", "zinc and lead"), not somewhere in the sentence ("Saudi Arabia and Russia lead push
# for deeper oil output cuts").
_NEAR_CONTEXT_SYNONYMS = frozenset({"lead"})  # the market word within two words either side


def _leading_space(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


class _Context:
    """Asks whether a mention's sentence, the mention left out, holds a word of a context pattern. Each
    sentence is searched once per pattern and its matches kept, so a sentence dense with mentions is not searched
    again for each (what made 900 kB of "oil oil oil ..." take minutes). Where no sentence holds the mention,
    the 200 characters either side stand for it."""

    def __init__(self, text: str, sentence_spans: list[tuple[int, int]] | None):
        self.text = text
        self.spans = sorted(sentence_spans or ())
        self.starts = [start for start, _ in self.spans]
        self.found: dict[tuple[int, re.Pattern[str]], list[tuple[int, int]]] = {}

    def has(self, pattern: re.Pattern[str], start: int, end: int) -> bool:
        position = bisect_right(self.starts, start) - 1
        if position < 0 or start >= self.spans[position][1]:
            text = self.text
            return bool(pattern.search(text[max(0, start - 200) : start] + " " + text[end : end + 200]))
        key = (position, pattern)
        if key not in self.found:
            self.found[key] = [m.span() for m in pattern.finditer(self.text, *self.spans[position])]
        return any(found_end <= start or end <= found_start for found_start, found_end in self.found[key])


def find_in_text(text: str, matcher: CommodityMatcher, sentence_spans: list[tuple[int, int]] | None = None):
    """Yield (commodity, start, end, matched text) for each commodity mention in `text`."""
    # False friends in order; `reach`: the furthest end of those that start before the match ends (matches come
    # in order), so each match is checked in constant time.
    blocked = [m.span() for m in matcher.false_friends.finditer(text)] if matcher.false_friends else []
    next_blocked, reach = 0, -1
    context = _Context(text, sentence_spans)
    for match in matcher.pattern.finditer(text):
        start, end = match.span()
        while next_blocked < len(blocked) and blocked[next_blocked][0] < end:
            reach = max(reach, blocked[next_blocked][1])
            next_blocked += 1
        if reach > start:
            continue
        synonym = _canonical(match.group())
        commodity = matcher.commodity_of[synonym]
        if synonym == "crude" and matcher.pattern.match(text, end + _leading_space(text[end : end + 5])):
            continue  # an adjective of the next commodity: "crude sugar", "crude rubber"
        if (
            synonym in _BARE_CRUDE_OIL
            and commodity == "crude oil"
            and context.has(_VEGETABLE_OIL_CONTEXT, start, end)
            and not context.has(_PETROLEUM_CONTEXT, start, end)
        ):
            continue
        if (
            synonym in _MEDALS
            and context.has(_SPORTS_CONTEXT, start, end)
            and not context.has(_MARKET_CONTEXT, start, end)
        ):
            continue
        if synonym in matcher.needs_context:
            if synonym in _NEAR_CONTEXT_SYNONYMS:
                before, after = text[max(start - 40, 0) : start].split()[-2:], text[end : end + 40].split()[:2]
                near = " ".join(before + ["|"] + after)
                if not (_MARKET_CONTEXT.search(near) or matcher.pattern.search(near)):
                    continue
            if not (context.has(_MARKET_CONTEXT, start, end) or context.has(_WORK_CONTEXT, start, end)):
                continue
            if synonym == "gas" and "gasoline" in matcher.group_of and context.has(_GASOLINE_CONTEXT, start, end):
                commodity = "gasoline"
        yield commodity, start, end, match.group()


def find_commodity_mentions(articles: pl.DataFrame, sentences: pl.DataFrame, matcher: CommodityMatcher) -> pl.DataFrame:
    """Commodity mentions in the title and body of `articles`, in COMMODITY_MENTION_SCHEMA."""
    spans = (
        sentences.group_by("article_id", "field")
        .agg(spans=pl.concat_list("start_char", "end_char"))
        .rows_by_key(["article_id", "field"], unique=True)
    )
    rows = []
    for article_id, title, body in articles.select("article_id", "title", "body").iter_rows():
        for field, text in (("title", title), ("body", body)):
            field_spans = spans.get((article_id, field))
            sentence_spans = [tuple(s) for s in field_spans[0]] if field_spans else None
            for commodity, start, end, matched in find_in_text(text, matcher, sentence_spans):
                rows.append((article_id, commodity, matcher.group_of[commodity], matched, field, start, end))
    return pl.DataFrame(rows, schema=COMMODITY_MENTION_SCHEMA, orient="row")
