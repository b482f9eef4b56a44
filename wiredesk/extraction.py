"""Extraction for one chunk of annotated articles: entity mentions and commodity mentions with sentences."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field

import polars as pl
from spacy.language import Language

from wiredesk.commodities import CommodityMatcher, find_commodity_mentions
from wiredesk.context import add_context
from wiredesk.entities import (
    drop_ordinary_words,
    join_name_particles,
    propagate_mentions,
    resolve_entity_mentions,
    split_paired_people,
    split_place_compounds,
    tidy_spans,
)
from wiredesk.gazetteer import Gazetteer
from wiredesk.nlp import Annotations, iter_annotations
from wiredesk.topics import TopicModel, topic_scores
from wiredesk.wirecopy import is_all_caps


@dataclass(frozen=True)
class Extracted:
    sentences: pl.DataFrame
    entity_mentions: pl.DataFrame
    commodity_mentions: pl.DataFrame


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


# A commodity word inside a longer name of these types is part of the name: "Magma Copper Co", "Gold Fields".
NAME_TYPES = ("ORG", "PERSON", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW")


# The words that end a company's legal name.
_LEGAL_FORMS = (
    r"Co|Cos|Corp|Corporation|Company|Inc|Ltd|Limited|Plc|LLC|LP|Cie|SA|S\.A|AG|NV|N\.V|BV|SpA|AB|ASA|Bhd|Pty"
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


def _company_name_follows(texts: pl.Series, ends: pl.Series) -> pl.Series:
    flags = []
    for text, end in zip(texts, ends, strict=True):
        after = text[end : end + 60]
        suffix = _COMPANY_SUFFIX.match(after)
        if suffix and (_INSTITUTION.search(suffix.group()) or _INSTITUTION.match(_next_word(after[suffix.end() :]))):
            suffix = None  # "Copper Study Group", "Gold Mining Industry"
        flags.append(bool(suffix or _TICKER_FOLLOWS.match(after)) or text.rfind("<", 0, end) > text.rfind(">", 0, end))
    return pl.Series(flags, dtype=pl.Boolean)


def _next_word(text: str) -> str:
    word = _NEXT_WORD.match(text)
    return word.group(1) if word else ""


_WORD_BEFORE = re.compile(r"([A-Z][\w&'-]*)\s+$")


def _company_name_cores(texts: pl.Series, starts: pl.Series, ends: pl.Series) -> list[str | None]:
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


_TRAILING_SUFFIX = re.compile(rf"\s+(?i:{_LEGAL_FORMS})\.?$")


def _names_elsewhere(mentions: pl.DataFrame, names: pl.DataFrame) -> pl.Series:
    """True for a mention that sits inside a name found elsewhere in the same article: "Dome Petroleum Ltd" in
    the body makes "DOME PETROLEUM" in the headline a name too, whatever the case."""
    cores: dict[str, set[str]] = {}
    for article_id, name in names.select("article_id", "name_text").iter_rows():
        core = _TRAILING_SUFFIX.sub("", name.strip()).lower()
        if " " in core:  # one word ("Petroleum") is no name
            cores.setdefault(article_id, set()).add(core)
    result = []
    for article_id, text, start, end in mentions.select("article_id", "text", "start_char", "end_char").iter_rows():
        lowered = text.lower() if article_id in cores else ""
        found = ((core, lowered.find(core, max(0, end - len(core)))) for core in cores.get(article_id, ()))
        result.append(any(at != -1 and at <= start and end <= at + len(core) for core, at in found))
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
        pl.col("entity_type").is_in(NAME_TYPES)
        & ~pl.col("mention_text").str.contains(_INSTITUTION_PATTERN)
        & ~((pl.col("field") == "title") & pl.col("article_id").is_in(caps_headlines))
    ).select("article_id", "field", name_start="start_char", name_end="end_char", name_text="mention_text")
    inside = commodity_mentions.join(names, on=["article_id", "field"]).filter(
        (pl.col("name_start") <= pl.col("start_char"))
        & (pl.col("end_char") <= pl.col("name_end"))
        & ((pl.col("name_end") - pl.col("name_start")) > (pl.col("end_char") - pl.col("start_char")))
    )
    commodity_names = inside.select("article_id", "name_text").unique()
    inside = inside.select("article_id", "field", "start_char").unique()
    flagged = commodity_mentions.join(
        inside.with_columns(in_name=pl.lit(True)), on=["article_id", "field", "start_char"], how="left"
    )
    if not flagged.height:
        return flagged.with_columns(in_name=pl.col("in_name").fill_null(False))
    # The field's text on each row, so the checks below see the rows in the frame's own order.
    with_text = flagged.join(articles.select("article_id", "title", "body"), on="article_id", how="left").with_columns(
        text=pl.when(pl.col("field") == "title").then("title").otherwise("body")
    )
    company = _company_name_follows(with_text["text"], with_text["end_char"])
    in_body_company = with_text.filter(company & (pl.col("field") == "body"))
    company_names = pl.DataFrame(
        {
            "article_id": in_body_company["article_id"].to_list(),
            "name_text": _company_name_cores(
                in_body_company["text"], in_body_company["start_char"], in_body_company["end_char"]
            ),
        },
        schema={"article_id": pl.String, "name_text": pl.String},
    ).drop_nulls()
    elsewhere = _names_elsewhere(with_text, pl.concat([commodity_names, company_names]))
    return with_text.with_columns(in_name=pl.col("in_name").fill_null(False) | company | elsewhere).drop(
        "title", "body", "text"
    )


def extract(
    annotations: Annotations, gazetteer: Gazetteer, matcher: CommodityMatcher, topic_model: TopicModel
) -> Extracted:
    repaired = join_name_particles(
        split_paired_people(split_place_compounds(tidy_spans(annotations.entity_mentions), gazetteer))
    )
    raw_entity_mentions = propagate_mentions(
        drop_ordinary_words(repaired, annotations.articles, annotations.sentences),
        annotations.articles,
        annotations.sentences,
    )
    entity_mentions = resolve_entity_mentions(raw_entity_mentions, gazetteer)
    commodity_mentions = flag_inside_names(
        find_commodity_mentions(annotations.articles, annotations.sentences, matcher),
        entity_mentions,
        annotations.articles,
    )
    articles = annotations.articles.join(
        annotations.sentences.group_by("article_id").agg(sentence_count=pl.len()), on="article_id", how="left"
    )
    commodity_mentions = attach_sentences(commodity_mentions, annotations.sentences)
    scores = topic_scores(commodity_mentions, articles, topic_model)
    commodity_mentions = commodity_mentions.join(scores, on=["article_id", "commodity"], how="left")
    return Extracted(
        sentences=annotations.sentences,
        entity_mentions=entity_mentions,
        commodity_mentions=add_context(commodity_mentions, annotations.sentences, entity_mentions),
    )


@dataclass(frozen=True)
class ExtractionFailure:
    article_id: str
    error: str  # the exception's type and message: what `rejected_articles.detail` shows


@dataclass(frozen=True)
class ChunkResult:
    extracted: list[Extracted]
    articles: int  # articles this result accounts for, extracted or failed
    failures: list[ExtractionFailure] = field(default_factory=list)


# An error message is evidence, not a log: long enough to find the cause, short enough for a table cell.
_MAX_ERROR_CHARS = 500


def _describe(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"[:_MAX_ERROR_CHARS]


def _only(annotations: Annotations, article_id: str) -> Annotations:
    keep = pl.col("article_id") == article_id
    return Annotations(
        articles=annotations.articles.filter(keep),
        sentences=annotations.sentences.filter(keep),
        entity_mentions=annotations.entity_mentions.filter(keep),
    )


def _extract_isolated(
    annotations: Annotations, gazetteer: Gazetteer, matcher: CommodityMatcher, topic_model: TopicModel
) -> ChunkResult:
    """`extract` for a chunk; when it fails, again article by article, so only the article at fault fails."""
    count = annotations.articles.height
    try:
        return ChunkResult([extract(annotations, gazetteer, matcher, topic_model)], count)
    except Exception:  # any error in one article's text must not fail its neighbours
        pass
    parts, failures = [], []
    for article_id in annotations.articles["article_id"]:
        try:
            parts.append(extract(_only(annotations, article_id), gazetteer, matcher, topic_model))
        except Exception as err:
            failures.append(ExtractionFailure(article_id, _describe(err)))
    return ChunkResult(parts, count, failures)


def extract_articles(
    rows: Iterable[tuple[str, str, str]],
    nlp: Language,
    gazetteer: Gazetteer,
    matcher: CommodityMatcher,
    topic_model: TopicModel,
    *,
    n_process: int = 2,
    batch_size: int = 64,
    chunk_size: int = 1000,
) -> Iterator[ChunkResult]:
    """Extract a stream of (article_id, title, body) rows chunk by chunk. One article can fail only itself: an
    error in extraction is retried article by article, and an error in the model's stream sends the articles
    not yet done through the model one at a time; whatever still fails is an ExtractionFailure."""
    source = iter(rows)
    pending: dict[str, tuple[str, str, str]] = {}  # fed to the model, not yet extracted

    def fed() -> Iterator[tuple[str, str, str]]:
        for row in source:
            pending[row[0]] = row
            yield row

    try:
        with closing(iter_annotations(fed(), nlp, n_process, batch_size, chunk_size)) as chunks:
            for annotations in chunks:
                for article_id in annotations.articles["article_id"]:
                    pending.pop(article_id, None)
                yield _extract_isolated(annotations, gazetteer, matcher, topic_model)
        return
    except Exception:  # the model failed on some article of the stream: find which below, and go on
        pass
    for row in [*pending.values(), *source]:
        try:
            (annotations,) = iter_annotations([row], nlp, n_process=1, batch_size=1, chunk_size=1)
        except Exception as err:
            yield ChunkResult([], 1, [ExtractionFailure(row[0], _describe(err))])
            continue
        yield _extract_isolated(annotations, gazetteer, matcher, topic_model)
