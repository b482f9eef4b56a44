"""The one registry of the tables a run stages: name, columns and types, and whether its rows are per article.

Everything that lists tables derives from here: the staging schemas the extraction step writes (locally or as
Parquet batches), what a rejected article takes with it, the per-article statements of
`sql/publish/replace_articles.sql` and `add_articles.sql`, and the tables the checks audit. Adding a table means
one `StagedTable` here, its DDL in `sql/schema.sql`, and the SQL that fills or reads it.

The published tables' columns are declared in `sql/schema.sql` (their comments are the data dictionary); a
test checks that every staged column lands in the published table of the same name with a matching type.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

UTC_TIME = pl.Datetime("us", "UTC")

# Named entities only: numbers, dates, money and the like are not entities.
ENTITY_LABELS = (
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "NORP",
    "FAC",
    "EVENT",
    "PRODUCT",
    "LAW",
    "WORK_OF_ART",
    "LANGUAGE",
)


ARTICLE_SCHEMA = {
    "article_id": pl.String,
    "source_path": pl.String,
    "external_id": pl.String,
    "title": pl.String,
    "body": pl.String,
    "published_at": UTC_TIME,
    "source": pl.String,
    "url": pl.String,
    "word_count": pl.Int32,
    "paragraph_count": pl.Int32,
    "content_hash": pl.String,
    "repairs": pl.List(pl.String),
    "size_bytes": pl.Int64,
    "ingested_at": UTC_TIME,
}
FOLDER_ARTICLE_SCHEMA = {"source_path": pl.String, "article_id": pl.String, "content_hash": pl.String}
REJECTED_SCHEMA = {
    "source_path": pl.String,
    "reason": pl.String,
    "detail": pl.String,
    "size_bytes": pl.Int64,
    "detected_at": UTC_TIME,
}
STAGED_REJECTED_SCHEMA = {**REJECTED_SCHEMA, "duplicate_of": pl.String}
SIGNATURE_SCHEMA = {
    "article_id": pl.String,
    "shingle_count": pl.Int32,
    "signature": pl.List(pl.Int64),
    "bands": pl.List(pl.Int64),
    "numbers": pl.List(pl.Int64),  # the distinct numbers of the body, hashed
    "sample": pl.List(pl.Int64),  # its 5-grams' hashes that are 0 modulo SAMPLE_MOD (wiredesk/stories.py)
}
# A sentence as the model splits it (wiredesk/nlp.py); staged with its tone.
SENTENCE_SCHEMA = {
    "article_id": pl.String,
    "sentence_index": pl.Int32,
    "field": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "sentence_text": pl.String,
}
# `furniture`: the kind of wire-page furniture the sentence is part of (wiredesk/furniture.py), null for the story.
STAGED_SENTENCE_SCHEMA = {**SENTENCE_SCHEMA, "tone": pl.Float64, "furniture": pl.String}
# What extraction knows of a mention from its own article: the surface form, the model's label, the name and
# type the article gives it (a short form takes its article's full name), the place it links to. Which entity it
# is across the warehouse (canonical_name, entity_type, entity_id) is decided at publish, in SQL.
ENTITY_MENTION_SCHEMA = {
    "article_id": pl.String,
    "mention_text": pl.String,
    "field": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "sentence_index": pl.Int32,
    "ner_label": pl.String,
    "article_name": pl.String,
    "article_type": pl.String,
    "country_code": pl.String,
    "latitude": pl.Float64,
    "longitude": pl.Float64,
    "geonames_id": pl.Int64,
}
# `role`: "news", or "byline" / "caption" for a name in the page's furniture (wiredesk/furniture.py).
STAGED_ENTITY_MENTION_SCHEMA = {**ENTITY_MENTION_SCHEMA, "role": pl.String}
# A commodity mention as the catalogue matches it (wiredesk/commodities.py); staged with what its sentence says.
COMMODITY_MENTION_SCHEMA = {
    "article_id": pl.String,
    "commodity": pl.String,
    "commodity_group": pl.String,
    "mention_text": pl.String,
    "field": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
}
STAGED_COMMODITY_MENTION_SCHEMA = {
    **COMMODITY_MENTION_SCHEMA,
    "in_name": pl.Boolean,
    "sentence_index": pl.Int32,
    "sentence_text": pl.String,
    "direction": pl.String,
    "trade_action": pl.String,
    "price_or_quantity": pl.String,
    "countries": pl.List(pl.String),
    "topic_score": pl.Float64,
}
QUOTATION_SCHEMA = {
    "article_id": pl.String,
    "field": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "quote_text": pl.String,
    "sentence_index": pl.Int32,
    "is_partial": pl.Boolean,
    "cue": pl.String,
    "speaker_text": pl.String,
    "speaker_start_char": pl.Int32,
    "speaker_end_char": pl.Int32,
    # The body mention of the person or organisation who spoke (the name itself, or the one a "he", "the
    # minister" stands for): where publish finds the speaker's entity, after corpus-wide resolution.
    "speaker_mention_start": pl.Int32,
}
FIGURE_SCHEMA = {
    "article_id": pl.String,
    "field": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "figure_text": pl.String,
    "sentence_index": pl.Int32,
    "value": pl.Float64,
    "unit": pl.String,
    "currency": pl.String,
    "kind": pl.String,
    "measure": pl.String,
    "commodity": pl.String,
}
# A company result the wire reports in an earnings table (wiredesk/results.py); its company is decided at publish.
RESULT_SCHEMA = {
    "article_id": pl.String,
    "field": pl.String,
    "sentence_index": pl.Int32,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "result_text": pl.String,
    "measure": pl.String,  # shr, net, revs, oper net, pretax, dividend, ... (one spelling each)
    "period": pl.String,  # qtr, 4th qtr, 9 mths, year, ... as its table or headline names it; null when neither does
    "value": pl.Float64,  # a loss below zero
    "prior_value": pl.Float64,
    "currency": pl.String,
    "direction": pl.String,  # up, down or unchanged (a narrower loss is up)
    "change": pl.Float64,  # (value - prior) / |prior|; null when the prior is zero
}
# An event a sentence reports about a commodity it names (wiredesk/events.py); its actor's entity and the
# article's publication time are added at publish.
COMMODITY_EVENT_SCHEMA = {
    "article_id": pl.String,
    "field": pl.String,
    "sentence_index": pl.Int32,
    "commodity": pl.String,
    "event_type": pl.String,  # supply disruption, policy, market, demand
    "event": pl.String,  # strike, outage, weather, disease, export ban, import ban, tariff, quota, ...
    "country_code": pl.String,  # the first country the sentence names
    "actor_mention_start": pl.Int32,  # the organisation or place named nearest before the event's words
    "direction": pl.String,  # the commodity mention's: up, down, flat
    "sentence": pl.String,
}
TONE_TERM_SCHEMA = {
    "article_id": pl.String,
    "field": pl.String,
    "sentence_index": pl.Int32,
    "start_char": pl.Int32,  # offsets into the field, like every other offset in the warehouse
    "end_char": pl.Int32,
    "term": pl.String,
    "weight": pl.Float64,  # its push towards good (> 0) or bad (< 0) news: log-odds; ±1 for a comparison
    # lexicon (a cue of tone_lexicon.csv), learned (a word the classifier weighs), or comparison (a results line
    # or a move in prose, wiredesk/results.py, which sets the sentence's sign)
    "source": pl.String,
}


@dataclass(frozen=True)
class StagedTable:
    name: str
    schema: dict[str, pl.DataType]
    # Its rows each belong to one article: replaced with the article, rejected with it, published with it.
    per_article: bool
    # Made by the extraction step (a local process or a cluster worker), from the staged articles alone.
    extracted: bool = False
    # Published as staged (sql/publish/add_articles.sql's `{copied_table}`); articles and entity mentions gain
    # columns at publish, in statements of their own.
    copied: bool = True


# In the order they are written. The extracted tables come in the order of the extraction step's outputs.
STAGED = (
    StagedTable("folder_articles", FOLDER_ARTICLE_SCHEMA, per_article=False),
    StagedTable("rejected_articles", STAGED_REJECTED_SCHEMA, per_article=False),
    StagedTable("articles", ARTICLE_SCHEMA, per_article=True, copied=False),
    StagedTable("sentences", STAGED_SENTENCE_SCHEMA, per_article=True, extracted=True),
    StagedTable("entity_mentions", STAGED_ENTITY_MENTION_SCHEMA, per_article=True, extracted=True, copied=False),
    StagedTable("commodity_mentions", STAGED_COMMODITY_MENTION_SCHEMA, per_article=True, extracted=True),
    StagedTable("quotations", QUOTATION_SCHEMA, per_article=True, extracted=True),
    StagedTable("figures", FIGURE_SCHEMA, per_article=True, extracted=True),
    StagedTable("tone_terms", TONE_TERM_SCHEMA, per_article=True, extracted=True),
    StagedTable("results", RESULT_SCHEMA, per_article=True, extracted=True),
    StagedTable("commodity_events", COMMODITY_EVENT_SCHEMA, per_article=True, extracted=True),
    # Article-local too: each body's story signature is made by the worker that extracts it
    StagedTable("article_signatures", SIGNATURE_SCHEMA, per_article=True, extracted=True),
)
STAGED_BY_NAME = {table.name: table for table in STAGED}
EXTRACTED_TABLES = tuple(t.name for t in STAGED if t.extracted)
# What an article takes with it when it is rejected or replaced; `articles` last, after the rows that name it.
ARTICLE_ROW_TABLES = (*(t.name for t in STAGED if t.per_article and t.name != "articles"), "articles")
COPIED_TABLES = tuple(t.name for t in STAGED if t.per_article and t.copied)
# `batch` is the staging file's header (sql: start_batch), not a table of rows.
STAGING_TABLES = ("batch", *(t.name for t in STAGED))

# The analyst tables the publish step materialises, in the Dagster UI's order, with what each holds.
ANALYST_TABLES = {
    "articles": "One row per distinct article in the folder: normalised title and body, word count, hash, tone.",
    "sentences": "Every sentence of every article (0 is the title), its offsets into the title or body, its tone.",
    "entities": "One row per entity: canonical name, type, country, and how often and where it is mentioned.",
    "entity_aliases": "Every surface form met for each entity (US, U.S., the United States → United States).",
    "entity_mentions": "Each named-entity mention: entity, field, offsets that slice back to the text, sentence.",
    "article_entities": "Each entity an article names, with its relevance (title, lead, frequency, position).",
    "commodities": "The commodity catalogue (group, HS code, synonyms) with mention and article counts.",
    "commodity_mentions": "Each commodity mention: commodity, group, offsets, sentence index and text.",
    "article_commodities": "Each commodity an article names, its relevance, and whether the article is about it.",
    "quotations": "Each quotation in a body: the quoted words, partial or not, the cue, and the speaker's entity.",
    "figures": "Each number that measures something: value with its scale, unit, currency, kind, commodity.",
    "tone_terms": "The words that carried each sentence's tone (lexicon cues and learned words), with weights.",
    "results": "Each company result an earnings table reports: measure, period, value, prior value, direction.",
    "commodity_events": "Each event a sentence reports about a commodity: supply disruption, policy, market, demand.",
    "article_stories": "Each article's story (near-duplicates and follow-ups), whether it ran first, its novelty.",
    "story_clusters": "Each story: its first article and when it ran, and how many articles told it.",
    "rejected_articles": "Every file or JSONL line in the folder that could not be loaded, with the reason.",
}


def empty(table: str) -> pl.DataFrame:
    """An empty frame with the staged table's columns."""
    return pl.DataFrame(schema=STAGED_BY_NAME[table].schema)


def conform(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with exactly the staged table's columns, in order, of its types."""
    schema = STAGED_BY_NAME[table].schema
    return frame.select(list(schema)).cast(schema)
