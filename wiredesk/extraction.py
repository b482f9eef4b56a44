"""Extraction for one chunk of annotated articles: entity mentions and commodity mentions with sentences."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from wiredesk.commodities import CommodityMatcher, find_commodity_mentions
from wiredesk.entities import resolve_entity_mentions
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


def extract(annotations: Annotations, gazetteer: Gazetteer, matcher: CommodityMatcher) -> Extracted:
    commodity_mentions = find_commodity_mentions(annotations.articles, annotations.sentences, matcher)
    return Extracted(
        sentences=annotations.sentences,
        entity_mentions=resolve_entity_mentions(annotations.entity_mentions, gazetteer),
        commodity_mentions=attach_sentences(commodity_mentions, annotations.sentences),
    )
