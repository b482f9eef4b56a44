"""Is a commodity word part of a company's or an institution's name? "Magma Copper Co", "<Paloma Petroleum>",
"Gold Fields Ltd" are names; "International Coffee Organization" and "copper mining" still say the commodity.

`flag_inside_names` adds `in_name` to commodity mentions from the article's entity mentions, legal suffixes,
tickers and the same name met elsewhere in the article.
"""

from __future__ import annotations

import re

import polars as pl

from wiredesk.wirecopy import is_all_caps

# A commodity word inside a longer name of these types is part of the name: "Magma Copper Co", "Gold Fields".
NAME_TYPES = ("ORG", "PERSON", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW")


# The words that end a company's legal name.
_LEGAL_FORMS = (
    r"Co|Cos|Corp|Corporation|Company|Inc|Ltd|Limited|Plc|LLC|LP|Cie|SA|S\.A|AG|NV|N\.V|BV|SpA|AB|ASA|Bhd|Pty|GmbH|A/S"
)

# "Paloma Petroleum Ltd", "Magma Copper Co": a company name, whether or not the model tagged it.
_COMPANY_SUFFIX = re.compile(
    rf"^(?:\s+(?:[A-Z][\w&.'-]*|and|&|of))*?\s+(?=[A-Z])(?i:{_LEGAL_FORMS}|Berhad|Group|Holdings?|Industries|"
    r"Resources|Mines|Mining)\b"  # a capitalised suffix: "Magma Copper Co", not "copper mining"
)


# "GETTY PETROLEUM <GTY>": a name followed by its ticker.
_TICKER_FOLLOWS = re.compile(r"^(?:\s+[A-Z][\w&.'-]*)*?\s*<[A-Z][A-Z.]*>")

# A commodity's own bodies, markets and pacts are what a story about the commodity names, so a commodity word
# in their names still counts: "International Coffee Organization", "Copper Study Group", "Kobe Rubber Exchange".
_INSTITUTION_PATTERN = (
    r"(?i)\b(Exchange|Organi[sz]ation|Agreement|Accord|Pact|Council|Board|Institute|Study Group|Association|"
    r"Producers|Growers|Federation|Authority|Commission|Committee|Conference|Industry|Chamber)\b"
)
_INSTITUTION = re.compile(_INSTITUTION_PATTERN)
_NEXT_WORD = re.compile(r"^\s+([A-Za-z][\w&'-]*)")


def _company_name_follows(texts: list[str], ends: pl.Series) -> pl.Series:
    flags = []
    for text, end in zip(texts, ends, strict=True):
        after = text[end : end + 60]
        suffix = _COMPANY_SUFFIX.match(after)
        if suffix and (_INSTITUTION.search(suffix.group()) or _INSTITUTION.match(_next_word(after[suffix.end() :]))):
            suffix = None  # "Copper Study Group", "Gold Mining Industry"
        # Inside "<...>" when the last bracket before the mention opens one (searched back at most 200 characters).
        window = text[max(0, end - 200) : end]
        flags.append(bool(suffix or _TICKER_FOLLOWS.match(after)) or window.rfind("<") > window.rfind(">"))
    return pl.Series(flags, dtype=pl.Boolean)


def _next_word(text: str) -> str:
    word = _NEXT_WORD.match(text)
    return word.group(1) if word else ""


_WORD_BEFORE = re.compile(r"([A-Z][\w&'-]*)\s+$")


def _company_name_cores(texts: list[str], starts: pl.Series, ends: pl.Series) -> list[str | None]:
    """The short form a headline uses of a company name found by its suffix or ticker: "Pegasus Gold" from
    "Pegasus Gold Inc", "Mono Gold" from "<Mono Gold Mines Inc>", "Gold Fields" from "Gold Fields Ltd"."""
    cores = []
    for text, start, end in zip(texts, starts, ends, strict=True):
        if before := _WORD_BEFORE.search(text[max(0, start - 30) : start]):
            cores.append(f"{before.group(1)} {text[start:end]}")
        elif after := _next_word(text[end : end + 30]):
            cores.append(f"{text[start:end]} {after}")
        else:
            cores.append(None)
    return cores


# A name that ends in its legal form, "Nikko Securities Co (Europe) Ltd": a company.
LEGAL_FORM_AT_END = re.compile(rf"\s+(?i:{_LEGAL_FORMS})\.?$")


def _names_elsewhere(mentions: pl.DataFrame, texts: list[str], names: pl.DataFrame) -> pl.Series:
    """True for a mention that sits inside a name found elsewhere in the same article: "Dome Petroleum Ltd" in
    the body makes "DOME PETROLEUM" in the headline a name too, whatever the case. `texts`: each mention's field
    text, in the frame's order."""
    cores: dict[str, set[str]] = {}
    for article_id, name in names.select("article_id", "name_text").iter_rows():
        core = LEGAL_FORM_AT_END.sub("", name.strip()).lower()
        if " " in core:  # one word ("Petroleum") is no name
            cores.setdefault(article_id, set()).add(core)
    result = []
    rows = mentions.select("article_id", "start_char", "end_char").iter_rows()
    for (article_id, start, end), text in zip(rows, texts, strict=True):
        article_cores = cores.get(article_id, ())
        # Only the text around the mention is lowered: the whole field on every row made this quadratic.
        longest = max(map(len, article_cores), default=0)
        window_start = max(0, end - longest)
        window = text[window_start : start + longest].lower()
        # The first place each core could start and still hold the mention, as in the window.
        found = ((core, window.find(core, max(0, end - len(core) - window_start))) for core in article_cores)
        result.append(any(at != -1 and window_start + at <= start for _, at in found))
    return pl.Series(result, dtype=pl.Boolean)


def flag_inside_names(
    commodity_mentions: pl.DataFrame, entity_mentions: pl.DataFrame, articles: pl.DataFrame
) -> pl.DataFrame:
    """Add `in_name`: the mention is part of a longer proper name ("Bethlehem Steel Corp", "<Paloma Petroleum>").

    Such a mention is kept, since the name still says what the story is about, but weighs less in relevance.
    """
    # The model's names in an ALL-CAPS headline are guesses ("U.S. SOYBEANS" as ORG); there only a ticker,
    # a suffix or the same name in the body makes a name.
    caps_headlines = [
        article_id for article_id, title in articles.select("article_id", "title").iter_rows() if is_all_caps(title)
    ]
    names = entity_mentions.filter(
        pl.col("article_type").is_in(NAME_TYPES)
        & ~pl.col("mention_text").str.contains(_INSTITUTION_PATTERN)
        & ~((pl.col("field") == "title") & pl.col("article_id").is_in(caps_headlines))
    ).select("article_id", "field", name_start="start_char", name_end="end_char", name_text="mention_text")
    # The name each mention may sit in: the one starting last at or before it (as-of join: a cross join of
    # mentions and names per article was quadratic in a dense report).
    candidates = commodity_mentions.select("article_id", "field", "start_char", "end_char").sort("start_char")
    inside = candidates.join_asof(
        names.sort("name_start", "name_end"),
        left_on="start_char",
        right_on="name_start",
        by=["article_id", "field"],
        strategy="backward",
        check_sortedness=False,  # sorted on the keys above; Polars cannot verify it within groups
    ).filter(
        (pl.col("end_char") <= pl.col("name_end"))
        & ((pl.col("name_end") - pl.col("name_start")) > (pl.col("end_char") - pl.col("start_char")))
    )
    commodity_names = inside.select("article_id", "name_text").unique()
    inside = inside.select("article_id", "field", "start_char").unique()
    flagged = commodity_mentions.join(
        inside.with_columns(in_name=pl.lit(True)), on=["article_id", "field", "start_char"], how="left"
    )
    if not flagged.height:
        return flagged.with_columns(in_name=pl.col("in_name").fill_null(False))
    # Each row's field text, looked up per row from one copy per article (a join would copy it onto every row).
    fields = {
        (article_id, field): text
        for article_id, title, body in articles.select("article_id", "title", "body").iter_rows()
        for field, text in (("title", title), ("body", body))
    }
    texts = [fields[key] for key in flagged.select("article_id", "field").iter_rows()]
    company = _company_name_follows(texts, flagged["end_char"])
    is_body_company = (company & (flagged["field"] == "body")).to_list()
    in_body_company = flagged.filter(is_body_company)
    company_names = pl.DataFrame(
        {
            "article_id": in_body_company["article_id"].to_list(),
            "name_text": _company_name_cores(
                [text for text, keep in zip(texts, is_body_company, strict=True) if keep],
                in_body_company["start_char"],
                in_body_company["end_char"],
            ),
        },
        schema={"article_id": pl.String, "name_text": pl.String},
    ).drop_nulls()
    elsewhere = _names_elsewhere(flagged, texts, pl.concat([commodity_names, company_names]))
    return flagged.with_columns(in_name=pl.col("in_name").fill_null(False) | company | elsewhere)
