"""Extraction for one chunk of annotated articles: entity mentions and commodity mentions with sentences."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from wiredesk.commodities import CommodityMatcher, find_commodity_mentions
from wiredesk.entities import propagate_mentions, resolve_entity_mentions
from wiredesk.gazetteer import Gazetteer
from wiredesk.nlp import Annotations


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


def drop_inside_names(commodity_mentions: pl.DataFrame, entity_mentions: pl.DataFrame) -> pl.DataFrame:
    """Commodity mentions that are not part of a longer organisation, person or other proper name."""
    names = entity_mentions.filter(pl.col("entity_type").is_in(NAME_TYPES)).select(
        "article_id", "field", name_start="start_char", name_end="end_char"
    )
    inside = (
        commodity_mentions.join(names, on=["article_id", "field"])
        .filter(
            (pl.col("name_start") <= pl.col("start_char"))
            & (pl.col("end_char") <= pl.col("name_end"))
            & ((pl.col("name_end") - pl.col("name_start")) > (pl.col("end_char") - pl.col("start_char")))
        )
        .select("article_id", "field", "start_char")
        .unique()
    )
    return commodity_mentions.join(inside, on=["article_id", "field", "start_char"], how="anti")


def extract(annotations: Annotations, gazetteer: Gazetteer, matcher: CommodityMatcher) -> Extracted:
    raw_entity_mentions = propagate_mentions(annotations.entity_mentions, annotations.articles, annotations.sentences)
    entity_mentions = resolve_entity_mentions(raw_entity_mentions, gazetteer)
    commodity_mentions = drop_inside_names(
        find_commodity_mentions(annotations.articles, annotations.sentences, matcher), entity_mentions
    )
    return Extracted(
        sentences=annotations.sentences,
        entity_mentions=entity_mentions,
        commodity_mentions=attach_sentences(commodity_mentions, annotations.sentences),
    )
