"""Turn raw NER mentions into entity mentions: canonical names, one type per entity, country links.

- Within an article, a short form ("Trump", "Xi") takes the full person name it belongs to ("Donald Trump",
  "Xi Jinping") when exactly one full name in the article has it as its first or last word; the model's
  label for the short form (often ORG for a bare surname) gives way to PERSON.
- Places resolve through the gazetteer: "US", "U.S." and "the United States" are one entity, United States.
- Each entity's id is a hash of its type and canonical name, so ids are stable from run to run.
"""

from __future__ import annotations

import hashlib
import re

import polars as pl

from wiredesk.gazetteer import Gazetteer, Place, fold
from wiredesk.nlp import ENTITY_LABELS, sentence_position

PLACE_LABELS = ("GPE", "LOC", "FAC")
# When the model's labels for one name in one article tie, the earlier label wins (PERSON, ORG, GPE...).
LABEL_PRIORITY = ENTITY_LABELS

ENTITY_MENTION_SCHEMA = {
    "article_id": pl.String,
    "entity_id": pl.String,
    "mention_text": pl.String,
    "entity_type": pl.String,
    "field": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "sentence_index": pl.Int32,
    "canonical_name": pl.String,
    "ner_label": pl.String,
    "article_name": pl.String,
    "article_type": pl.String,
    "country_code": pl.String,
    "latitude": pl.Float64,
    "longitude": pl.Float64,
}


def clean_name(expr: pl.Expr) -> pl.Expr:
    """A mention as a name: no leading 'the', no possessive, no surrounding quotes, single spaces."""
    return (
        expr.str.replace_all(r"\s+", " ")
        .str.replace(r"^(?i:the) ", "")
        .str.replace(r"['’]s?$", "")
        .str.strip_chars(" \"'“”‘’()[],.;:")
    )


def _person_short_forms(mentions: pl.DataFrame) -> pl.DataFrame:
    """(article_id, short, full): a first or last word that belongs to one full person name in the article."""
    full_names = (
        mentions.filter((pl.col("ner_label") == "PERSON") & pl.col("clean").str.contains(" "))
        .select("article_id", full="clean")
        .unique()
        .with_columns(words=pl.col("full").str.split(" "))
    )
    parts = pl.concat(
        [
            full_names.select("article_id", "full", short=pl.col("words").list.first()),
            full_names.select("article_id", "full", short=pl.col("words").list.last()),
        ]
    ).unique()
    return parts.filter(pl.len().over("article_id", "short") == 1)


def _entity_id(entity_type: pl.Expr, canonical: pl.Expr) -> pl.Expr:
    key = pl.concat_str(entity_type, pl.lit("|"), canonical.str.to_lowercase())
    return key.map_batches(
        lambda keys: pl.Series([hashlib.sha256(k.encode()).hexdigest()[:16] for k in keys], dtype=pl.String),
        return_dtype=pl.String,
    )


def _link_places(names: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """For each distinct (label, clean) pair, the place it names, if any."""
    rows = []
    for label, clean in names.iter_rows():
        place: Place | None
        if label == "NORP":
            place = gazetteer.nationality(clean)
        elif label in PLACE_LABELS:
            place = gazetteer.place(clean)
        elif label == "ORG":
            # The small model often calls a country an ORG ("China said..."): only an exact country name counts.
            place = gazetteer.countries.get(fold(clean))
        else:
            place = None
        if place is not None:
            rows.append((label, clean, place.name, place.kind, place.country_code, place.latitude, place.longitude))
    return pl.DataFrame(
        rows,
        schema={
            "ner_label": pl.String,
            "clean": pl.String,
            "place_name": pl.String,
            "place_kind": pl.String,
            "country_code": pl.String,
            "latitude": pl.Float64,
            "longitude": pl.Float64,
        },
        orient="row",
    )


def _mixed_case_names(mentions: pl.DataFrame) -> pl.DataFrame:
    """An ALL-CAPS name from a headline ("MIYAZAWA") takes the form the same article writes it in ("Miyazawa"),
    so that it joins that name's entity and type; an acronym the article only writes in capitals stays."""
    lowered = pl.col("clean").str.to_lowercase()
    mixed = (
        mentions.filter(pl.col("clean") != pl.col("clean").str.to_uppercase())
        .group_by("article_id", lowered.alias("key"), "clean")
        .len()
        .sort("len", "clean", descending=[True, False])
        .group_by("article_id", "key", maintain_order=True)
        .agg(mixed_form=pl.col("clean").first())
    )
    return (
        mentions.with_columns(key=lowered)
        .join(mixed, on=["article_id", "key"], how="left")
        .with_columns(
            clean=pl.when(pl.col("clean") == pl.col("clean").str.to_uppercase())
            .then(pl.coalesce("mixed_form", "clean"))
            .otherwise("clean")
        )
        .drop("key", "mixed_form")
    )


def resolve_entity_mentions(raw_mentions: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """Raw NER mentions (nlp.RAW_ENTITY_MENTION_SCHEMA) → entity mentions (ENTITY_MENTION_SCHEMA)."""
    mentions = _mixed_case_names(
        raw_mentions.with_columns(clean=clean_name(pl.col("mention_text"))).filter(pl.col("clean") != "")
    )
    short_forms = _person_short_forms(mentions)
    mentions = mentions.join(
        short_forms, left_on=["article_id", "clean"], right_on=["article_id", "short"], how="left"
    ).with_columns(
        resolved_full=pl.col("full").is_not_null() & pl.col("ner_label").is_in(["PERSON", "ORG"]),
    )
    mentions = mentions.with_columns(
        canonical_name=pl.when("resolved_full").then("full").otherwise("clean"),
        label=pl.when("resolved_full").then(pl.lit("PERSON")).otherwise("ner_label"),
    )
    places = _link_places(mentions.select("ner_label", "clean").unique(), gazetteer)
    mentions = mentions.join(places, on=["ner_label", "clean"], how="left").with_columns(
        canonical_name=pl.coalesce(
            pl.when(pl.col("place_kind").is_not_null() & (pl.col("ner_label") != "NORP")).then("place_name"),
            "canonical_name",
        ),
        label=pl.when(pl.col("place_kind").is_not_null() & (pl.col("ner_label") != "NORP"))
        .then(pl.lit("GPE"))
        .otherwise("label"),
    )
    # One type per name within an article: the most frequent label, ties broken by LABEL_PRIORITY.
    priority = pl.col("label").replace_strict(
        LABEL_PRIORITY, list(range(len(LABEL_PRIORITY))), default=len(LABEL_PRIORITY)
    )
    votes = (
        mentions.group_by("article_id", "canonical_name", "label")
        .agg(votes=pl.len(), priority=priority.first())
        .sort(["votes", "priority"], descending=[True, False])
        .group_by("article_id", "canonical_name", maintain_order=True)
        .agg(entity_type=pl.col("label").first())
    )
    mentions = mentions.join(votes, on=["article_id", "canonical_name"], how="left")
    return (
        mentions.with_columns(
            entity_id=_entity_id(pl.col("entity_type"), pl.col("canonical_name")),
            article_name=pl.col("canonical_name"),
            article_type=pl.col("entity_type"),
        )
        .select(list(ENTITY_MENTION_SCHEMA))
        .cast(ENTITY_MENTION_SCHEMA)
    )


# Forms shorter than this are too likely to be ordinary words ("He", "US" is handled by the model).
_MIN_PROPAGATED_LENGTH = 3
_PROPAGATED_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT")


def _country(gazetteer: Gazetteer, text: str) -> bool:
    place = gazetteer.place(text)
    return (place is not None and place.kind == "country") or gazetteer.nationality(text) is not None


_COMPOUND = re.compile(r"^([A-Z][\w.' ]*?)[-–]([A-Z][\w.' ]*)$")


def split_place_compounds(raw_mentions: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """Split "U.S.-Russia" or "US-China" (tagged as one name, often of the wrong type) into its two places.

    Only when both halves are countries or nationalities the gazetteer knows; "Coca-Cola" stays whole.
    """
    candidates = raw_mentions.filter(pl.col("mention_text").str.contains(_COMPOUND.pattern))
    if candidates.is_empty():
        return raw_mentions
    split_rows, replaced = [], []
    for row in candidates.iter_rows(named=True):
        match = _COMPOUND.match(row["mention_text"])
        parts = [(match.start(i), match.group(i)) for i in (1, 2)] if match else []
        if not parts or gazetteer.place(row["mention_text"]) or not all(_country(gazetteer, t) for _, t in parts):
            continue  # "Guinea-Bissau" is one country
        replaced.append((row["article_id"], row["field"], row["start_char"]))
        for offset, text in parts:
            start = row["start_char"] + offset
            label = "GPE" if gazetteer.place(text) else "NORP"
            split_rows.append(
                {**row, "start_char": start, "end_char": start + len(text), "mention_text": text, "ner_label": label}
            )
    if not split_rows:
        return raw_mentions
    gone = pl.DataFrame(replaced, schema=["article_id", "field", "start_char"], orient="row").cast(
        {"start_char": raw_mentions.schema["start_char"]}
    )
    kept = raw_mentions.join(gone, on=["article_id", "field", "start_char"], how="anti")
    return pl.concat([kept, pl.DataFrame(split_rows, schema=raw_mentions.schema)]).sort(
        "article_id", "field", "start_char"
    )


def propagate_mentions(raw_mentions: pl.DataFrame, articles: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Add the occurrences of an article's names that the model missed there ("Bessent confirmed").

    A form counts when the model tagged it elsewhere in the same article, or when it is the surname of a
    full person name there; occurrences are matched case-sensitively at word boundaries.
    """
    if raw_mentions.is_empty():
        return raw_mentions
    tagged = raw_mentions.filter(
        pl.col("ner_label").is_in(_PROPAGATED_LABELS)
        & (pl.col("mention_text").str.len_chars() >= _MIN_PROPAGATED_LENGTH)
        & pl.col("mention_text").str.contains(r"^[A-Z]")
    ).select("article_id", form="mention_text", label="ner_label")
    surnames = raw_mentions.filter(
        (pl.col("ner_label") == "PERSON") & pl.col("mention_text").str.contains(r"^[A-Z]\S+ (\S+ )*[A-Z]\S{2,}$")
    ).select("article_id", form=pl.col("mention_text").str.extract(r"(\S+)$"), label=pl.lit("PERSON"))
    forms = (
        pl.concat([tagged, surnames])
        .group_by("article_id", "form")
        .agg(label=pl.col("label").mode().sort().first())
        .group_by("article_id")
        .agg("form", "label")
    )
    texts = articles.select("article_id", "title", "body").join(forms, on="article_id")
    existing = raw_mentions.group_by("article_id", "field").agg(spans=pl.concat_list("start_char", "end_char"))
    taken = {(a, f): [tuple(s) for s in spans] for a, f, spans in existing.iter_rows()}
    starts = (
        sentences.sort("sentence_index")
        .group_by("article_id", "field", maintain_order=True)
        .agg("start_char", "sentence_index")
    )
    sentence_starts = {(a, f): (s, i) for a, f, s, i in starts.iter_rows()}

    added = []
    for article_id, title, body, article_forms, labels in texts.iter_rows():
        ordered = sorted(zip(article_forms, labels, strict=True), key=lambda fl: -len(fl[0]))
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f, _ in ordered) + r")(?![\w-])")
        label_of = dict(ordered)
        for field, text in (("title", title), ("body", body)):
            occupied = taken.get((article_id, field), [])
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(s < end and start < e for s, e in occupied):
                    continue
                occupied.append((start, end))
                starts_of, indexes = sentence_starts.get((article_id, field), ([0], [0]))
                sentence_index = indexes[sentence_position(start, starts_of)]
                added.append((article_id, field, start, end, match.group(), label_of[match.group()], sentence_index))
    if not added:
        return raw_mentions
    extra = pl.DataFrame(added, schema=raw_mentions.schema, orient="row")
    return pl.concat([raw_mentions, extra]).sort("article_id", "field", "start_char")
