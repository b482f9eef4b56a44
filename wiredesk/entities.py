"""Turn raw NER mentions into entity mentions: canonical names, one type per entity, country links.

- Within an article, a short form ("Trump", "Xi") takes the full person name it belongs to ("Donald Trump",
  "Xi Jinping") when exactly one full name in the article has it as its first or last word; the model's
  label for the short form (often ORG for a bare surname) gives way to PERSON.
- Places resolve through the gazetteer: "US", "U.S." and "the United States" are one entity, United States.
- All of it within the article: which entity a name is across the warehouse (surnames, acronyms, the
  organisation-name list) and its id are decided at publish, in sql/publish/resolve_entities.sql.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import polars as pl

from wiredesk.gazetteer import Gazetteer, Place, fold
from wiredesk.listings import one_word_company_names
from wiredesk.shipped import data_file
from wiredesk.tables import ENTITY_LABELS, ENTITY_MENTION_SCHEMA

PLACE_LABELS = ("GPE", "LOC", "FAC")
# When the model's labels for one name in one article tie, the earlier label wins (PERSON, ORG, GPE...).
LABEL_PRIORITY = ENTITY_LABELS


def default_organisation_names_path() -> Path:
    return data_file("organisation_names.csv")


@lru_cache(maxsize=4)
def load_organisation_names(path: Path | None = None) -> pl.DataFrame:
    """The names organisations are known by (`alias`, `name`): "Fed" and "Federal Reserve Board" are the Federal
    Reserve, "USDA" the U.S. Department of Agriculture, in every article, whether or not it spells the name out.

    A data file, `wiredesk/data/organisation_names.csv`: add a row and the next run joins the two; a row whose
    alias is its name ("OPEC+") only makes the name known. Extraction finds the acronyms and longer names where
    the model missed them. Aliases match whatever their case; an alias may not be listed twice, nor be another
    row's name (no chains).
    """
    path = path or default_organisation_names_path()
    frame = pl.read_csv(path, schema={"alias": pl.String, "name": pl.String}).with_columns(
        pl.col("alias", "name").str.strip_chars()
    )
    folded = frame["alias"].str.to_lowercase()
    problems = []
    if frame.null_count().sum_horizontal().item() or (frame["alias"] == "").any() or (frame["name"] == "").any():
        problems.append("every row needs an alias and a name")
    if folded.is_duplicated().any():
        problems.append(f"aliases listed twice: {sorted(set(frame.filter(folded.is_duplicated())['alias']))}")
    own_name = folded == frame["name"].str.to_lowercase()  # a name known by no other form: "OPEC+,OPEC+"
    chained = frame.filter(folded.is_in(frame["name"].str.to_lowercase().implode()) & ~own_name)
    if chained.height:
        problems.append(f"aliases that are also names: {sorted(chained['alias'])}")
    if problems:
        raise ValueError(f"organisation names {path} are invalid: " + "; ".join(problems))
    return frame


def clean_name(expr: pl.Expr, label: pl.Expr | None = None) -> pl.Expr:
    """A mention as a name: no leading 'the', no possessive, no surrounding quotes, single spaces.

    With `label`, an organisation keeps a final "'s": the model leaves a possessive out of a name, so one it
    took in is the name's own ("Moody's", "McDonald's")."""
    spaced = expr.str.replace_all(r"\s+", " ").str.replace(r"^(?i:the) ", "")
    unpossessed = spaced.str.replace(r"['’]s?$", "")
    if label is not None:
        unpossessed = pl.when((label == "ORG") & spaced.str.contains(r"\w['’]s$")).then(spaced).otherwise(unpossessed)
    return unpossessed.str.strip_chars(" \"'“”‘’()[],.;:")


def _full_names(mentions: pl.DataFrame, label_column: str, label: str, name_column: str) -> pl.DataFrame:
    """(article_id, full, words): the distinct names of more than one word with that label in each article."""
    return (
        mentions.filter((pl.col(label_column) == label) & pl.col(name_column).str.contains(" "))
        .select("article_id", full=name_column)
        .unique()
        .with_columns(words=pl.col("full").str.split(" "))
    )


def _unique_short_forms(full_names: pl.DataFrame, *extra: pl.DataFrame) -> pl.DataFrame:
    """(article_id, full, short): a name's first or last word (or an `extra` short form) that belongs to only
    one full name in its article."""
    parts = pl.concat(
        [
            full_names.select("article_id", "full", short=pl.col("words").list.first()),
            full_names.select("article_id", "full", short=pl.col("words").list.last()),
            *extra,
        ]
    ).unique()
    return parts.filter(pl.len().over("article_id", "short") == 1)


def _person_short_forms(mentions: pl.DataFrame) -> pl.DataFrame:
    """(article_id, short, full): a first or last word that belongs to one full person name in the article, or
    the last two words of a name of three or more ("Ruiz Ligero" of "Apolonio Ruiz Ligero": a double surname)."""
    full_names = _full_names(mentions, "ner_label", "PERSON", "clean")
    surnames = full_names.filter(pl.col("words").list.len() >= 3).select(
        "article_id", "full", short=pl.col("words").list.slice(-2, 2).list.join(" ")
    )
    return _unique_short_forms(full_names, surnames)


def _organisation_short_forms(mentions: pl.DataFrame) -> pl.DataFrame:
    """ "the Bank" after "Bank of England", "the Commission" after "Federal Energy Regulatory Commission", "the
    Fed" after "Federal Reserve": a one-word organisation takes the one longer organisation name in its article
    that starts or ends with it, unless it is a listed company's whole name (`one_word_company_names`)."""
    listed = pl.Series(sorted(one_word_company_names()), dtype=pl.String).implode()
    full_names = _full_names(mentions, "label", "ORG", "canonical_name")
    # "the Fed" after "Federal Reserve": a clipped first word (three letters or more) counts as the word.
    singles = (
        mentions.filter((pl.col("label") == "ORG") & ~pl.col("canonical_name").str.contains(" "))
        .select("article_id", short="canonical_name")
        .unique()
    )
    clipped = (
        singles.join(full_names, on="article_id")
        .filter(
            (pl.col("short").str.len_chars() >= 3)
            & pl.col("words").list.first().str.starts_with(pl.col("short"))
            & (pl.col("words").list.first() != pl.col("short"))
        )
        .select("article_id", "full", "short")
    )
    parts = (
        _unique_short_forms(full_names, clipped)
        .filter(~pl.col("short").str.to_lowercase().is_in(listed))
        .rename({"full": "organisation"})
    )
    return (
        mentions.join(parts, left_on=["article_id", "canonical_name"], right_on=["article_id", "short"], how="left")
        .with_columns(
            canonical_name=pl.when((pl.col("label") == "ORG") & pl.col("organisation").is_not_null())
            .then("organisation")
            .otherwise("canonical_name")
        )
        .drop("organisation")
    )


def _nationalities_as_norp(mentions: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """A nationality the model called a place is a nationality: "Kuwaiti" (not "Thai", also a place's name)."""
    places = mentions.filter(pl.col("ner_label").is_in(PLACE_LABELS))["clean"].unique()
    nationalities = [
        name for name in places if gazetteer.place(name) is None and gazetteer.nationality(name) is not None
    ]
    return mentions.with_columns(
        ner_label=pl.when(pl.col("ner_label").is_in(PLACE_LABELS) & pl.col("clean").is_in(nationalities))
        .then(pl.lit("NORP"))
        .otherwise("ner_label")
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
        elif label == "PERSON":
            # "Kyiv", "Mato Grosso" as PERSON: a country or region is the place. Not a town: the trained model's
            # people are people, and many surnames are towns somewhere ("Clinton", "Dole").
            place = gazetteer.place(clean, other_names=False)
            if place is not None and place.kind == "city":
                place = None
        else:
            place = None
        if place is not None:
            rows.append(
                (label, clean, place.name, place.kind, place.country_code, place.latitude, place.longitude)
                + (place.geonames_id,)
            )
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
            "geonames_id": pl.Int64,
        },
        orient="row",
    )


def _qualified_places(mentions: pl.DataFrame) -> pl.DataFrame:
    """A place followed by ", <region or country>" is in that region's country: "SAN MATEO, Calif." is in the US
    (not the Philippines' San Mateo), "Windsor, Ontario" in Canada. The coordinates of the namesake go too."""
    following = pl.col("place_kind").shift(-1).over("article_id", "field", order_by="start_char")
    gap = (pl.col("start_char").shift(-1) - pl.col("end_char")).over("article_id", "field", order_by="start_char")
    qualifier_country = pl.col("country_code").shift(-1).over("article_id", "field", order_by="start_char")
    qualified = (
        (pl.col("label") == "GPE")
        & (pl.col("place_kind").is_null() | (pl.col("place_kind") == "city"))  # "Brazil, Argentina" is a list
        & (gap == 2)
        & following.is_in(["region", "country"])
        & qualifier_country.is_not_null()
        & (pl.col("country_code").is_null() | (pl.col("country_code") != qualifier_country))
    )
    return mentions.with_columns(
        country_code=pl.when(qualified).then(qualifier_country).otherwise("country_code"),
        latitude=pl.when(qualified).then(None).otherwise("latitude"),
        longitude=pl.when(qualified).then(None).otherwise("longitude"),
        geonames_id=pl.when(qualified).then(None).otherwise("geonames_id"),
    )


def _mixed_case_names(mentions: pl.DataFrame) -> pl.DataFrame:
    """An ALL-CAPS name from a headline ("MIYAZAWA") takes the form the same article writes it in ("Miyazawa"),
    so that it joins that name's entity and type; an acronym the article only writes in capitals stays, and so
    does a body's own ALL-CAPS form ("OPEC" beside "Opec")."""
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
            clean=pl.when((pl.col("field") == "title") & (pl.col("clean") == pl.col("clean").str.to_uppercase()))
            .then(pl.coalesce("mixed_form", "clean"))
            .otherwise("clean")
        )
        .drop("key", "mixed_form")
    )


def resolve_entity_mentions(raw_mentions: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """Raw NER mentions (nlp.RAW_ENTITY_MENTION_SCHEMA) → entity mentions (ENTITY_MENTION_SCHEMA)."""
    mentions = _mixed_case_names(
        raw_mentions.with_columns(clean=clean_name(pl.col("mention_text"), pl.col("ner_label"))).filter(
            pl.col("clean") != ""
        )
    )
    mentions = _nationalities_as_norp(mentions, gazetteer)
    short_forms = _person_short_forms(mentions)
    places = _link_places(mentions.select("ner_label", "clean").unique(), gazetteer)
    mentions = (
        mentions.join(short_forms, left_on=["article_id", "clean"], right_on=["article_id", "short"], how="left")
        .join(places, on=["ner_label", "clean"], how="left")
        .with_columns(
            # "Lagarde" after "Christine Lagarde" is her, whatever the model called it, unless it is a known place.
            resolved_full=pl.col("full").is_not_null()
            & (pl.col("ner_label").is_in(["PERSON", "ORG"]) | pl.col("place_kind").is_null()),
        )
        .with_columns(
            is_place=pl.col("place_kind").is_not_null() & (pl.col("ner_label") != "NORP") & ~pl.col("resolved_full")
        )
        .with_columns(
            canonical_name=pl.when("resolved_full").then("full").when("is_place").then("place_name").otherwise("clean"),
            label=pl.when("resolved_full")
            .then(pl.lit("PERSON"))
            .when("is_place")
            .then(pl.lit("GPE"))
            .otherwise("ner_label"),
            **{
                column: pl.when("resolved_full").then(None).otherwise(column)
                for column in ("country_code", "latitude", "longitude", "geonames_id")
            },
        )
    )
    mentions = _organisation_short_forms(_qualified_places(mentions))
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
    return (
        mentions.join(votes, on=["article_id", "canonical_name"], how="left")
        .rename({"canonical_name": "article_name", "entity_type": "article_type"})
        .select(list(ENTITY_MENTION_SCHEMA))
        .cast(ENTITY_MENTION_SCHEMA)
    )


# Types a commodity word never has on its own: "Sugar" is no place, "Robusta" no person, "Brent" no company.
_NOT_COMMODITY_TYPES = ("PERSON", "GPE", "LOC", "NORP", "FAC", "ORG")


def drop_commodity_words(mentions: pl.DataFrame, commodity_forms: Iterable[str]) -> pl.DataFrame:
    """Mentions (ENTITY_MENTION_SCHEMA) without those whose name, as their article resolves it, is a word of the
    commodity catalogue alone: never a person or place ("Sugar", "Robusta"), and no organisation unless the
    organisation-name list knows it ("OPEC" is one; "Brent" and "WTI" are benchmarks, commodity mentions). A
    surname that happens to be one ("Gold" after "Jenny Gold") resolves to the full name and stays."""
    names = load_organisation_names()
    organisations = set(names["alias"].str.to_lowercase()) | set(names["name"].str.to_lowercase())
    words = pl.Series([form for form in commodity_forms if form not in organisations], dtype=pl.String)
    name = pl.col("article_name").str.to_lowercase()
    commodity_word = name.is_in(words.implode()) & pl.col("article_type").is_in(_NOT_COMMODITY_TYPES)
    return mentions.filter(~commodity_word)
