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
from collections.abc import Iterable

import polars as pl

from wiredesk.gazetteer import Gazetteer, Place, fold
from wiredesk.nlp import ENTITY_LABELS, sentence_position
from wiredesk.wirecopy import is_all_caps

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
    """(article_id, short, full): a first or last word that belongs to one full person name in the article."""
    return _unique_short_forms(_full_names(mentions, "ner_label", "PERSON", "clean"))


def _organisation_short_forms(mentions: pl.DataFrame) -> pl.DataFrame:
    """ "the Bank" after "Bank of England", "the Commission" after "Federal Energy Regulatory Commission", "the
    Fed" after "Federal Reserve": a one-word organisation takes the one longer organisation name in its article
    that starts or ends with it."""
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
    parts = _unique_short_forms(full_names, clipped).rename({"full": "organisation"})
    return (
        mentions.join(parts, left_on=["article_id", "canonical_name"], right_on=["article_id", "short"], how="left")
        .with_columns(
            canonical_name=pl.when((pl.col("label") == "ORG") & pl.col("organisation").is_not_null())
            .then("organisation")
            .otherwise("canonical_name")
        )
        .drop("organisation")
    )


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
        elif label == "PERSON":
            # "Kyiv", "Mato Grosso" as PERSON: a country or region is the place. Not a town: the trained model's
            # people are people, and many surnames are towns somewhere ("Clinton", "Dole").
            place = gazetteer.place(clean, other_names=False)
            if place is not None and place.kind == "city":
                place = None
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
                for column in ("country_code", "latitude", "longitude")
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
    return _replace_rows(raw_mentions, replaced, split_rows)


def _replace_rows(raw_mentions: pl.DataFrame, replaced: list[tuple], new_rows: list[dict]) -> pl.DataFrame:
    """`raw_mentions` without the rows keyed (article_id, field, start_char) in `replaced`, plus `new_rows`."""
    if not replaced:
        return raw_mentions
    gone = pl.DataFrame(replaced, schema=["article_id", "field", "start_char"], orient="row").cast(
        {"start_char": raw_mentions.schema["start_char"]}
    )
    kept = raw_mentions.join(gone, on=["article_id", "field", "start_char"], how="anti")
    return pl.concat([kept, pl.DataFrame(new_rows, schema=raw_mentions.schema)]).sort(
        "article_id", "field", "start_char"
    )


_PAIR = re.compile(r"^(.+?) and (.+)$")


def split_paired_people(raw_mentions: pl.DataFrame) -> pl.DataFrame:
    """Split "Trump and Xi" (tagged as one name, often an ORG) into two people when the article names each
    of them as a person elsewhere, in full or by the first or last word of a full name.

    "Procter and Gamble" stays whole: neither half is a person the article names.
    """
    candidates = raw_mentions.filter(pl.col("mention_text").str.contains(" and ", literal=True))
    if candidates.is_empty():
        return raw_mentions
    people: dict[str, set[str]] = {}
    for article_id, text in (
        raw_mentions.filter(pl.col("ner_label") == "PERSON").select("article_id", "mention_text").iter_rows()
    ):
        words = text.split()
        people.setdefault(article_id, set()).update({text, words[0], words[-1]})
    split_rows, replaced = [], []
    for row in candidates.iter_rows(named=True):
        match = _PAIR.match(row["mention_text"])
        known = people.get(row["article_id"], set())
        if not match or not all(match.group(i) in known for i in (1, 2)):
            continue
        replaced.append((row["article_id"], row["field"], row["start_char"]))
        for i in (1, 2):
            start = row["start_char"] + match.start(i)
            split_rows.append(
                {
                    **row,
                    "start_char": start,
                    "end_char": start + len(match.group(i)),
                    "mention_text": match.group(i),
                    "ner_label": "PERSON",
                }
            )
    return _replace_rows(raw_mentions, replaced, split_rows)


# "Prince Abdulaziz" + "bin Salman": the particles of Arabic, Dutch, German, Spanish and French names.
_NAME_PARTICLE = re.compile(r"^(?:bin|bint|ibn|al|el|van|von|der|den|de|da|di|du|la|le|del|dos)\b")


def join_name_particles(raw_mentions: pl.DataFrame) -> pl.DataFrame:
    """Two person spans one space apart, the second opening with a particle ("bin Salman"), are one name."""
    people = raw_mentions.filter(pl.col("ner_label") == "PERSON").sort("article_id", "field", "start_char")
    if people.height < 2:
        return raw_mentions
    rows = people.rows(named=True)
    replaced, merged = [], []
    for first, second in zip(rows, rows[1:], strict=False):
        if (
            (first["article_id"], first["field"]) == (second["article_id"], second["field"])
            and second["start_char"] == first["end_char"] + 1
            and _NAME_PARTICLE.match(second["mention_text"])
            and not any(key == (first["article_id"], first["field"], first["start_char"]) for key in replaced)
        ):
            replaced += [(r["article_id"], r["field"], r["start_char"]) for r in (first, second)]
            merged.append(
                {
                    **first,
                    "end_char": second["end_char"],
                    "mention_text": f"{first['mention_text']} {second['mention_text']}",
                }
            )
    return _replace_rows(raw_mentions, replaced, merged)


def drop_ordinary_words(raw_mentions: pl.DataFrame, articles: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """A one-word name that opens a headline or a sentence ("Frost hits Brazil coffee belt") is no name when
    the same article writes the word in lower case ("a frost damaged trees") and never capitalised mid-sentence."""
    single = raw_mentions.filter(
        pl.col("mention_text").str.contains(r"^[A-Z][a-z]+$") & (pl.col("ner_label") != "NORP")
    )
    if single.is_empty():
        return raw_mentions
    openers = single.join(
        sentences.select("article_id", "field", start_char="start_char"), on=["article_id", "field", "start_char"]
    )
    texts = dict(articles.select("article_id", pl.concat_str("title", pl.lit("\n"), "body")).iter_rows())
    drop = []
    for article_id, field, start, word in openers.select(
        "article_id", "field", "start_char", "mention_text"
    ).iter_rows():
        text = texts.get(article_id, "")
        lower = re.search(rf"\b{re.escape(word.lower())}\b", text)
        named = re.search(rf"[a-z,;] {re.escape(word)}\b", text)
        if lower and not named:
            drop.append((article_id, field, start))
    return _replace_rows(raw_mentions, drop, [])


# "SOCCER - ARSENAL": a headline's section slug joined to the name after it by a spaced dash.
_SLUG = re.compile(r"^.*\s[-–—]{1,2}\s+")
# "Leeds 0", "Spain 7-6": a score or number the model took into a name.
_TRAILING_NUMBER = re.compile(r"(?:\s+\d+(?:[-–/]\d+)*)+$")
_NUMBERED_NAME_LABELS = ("ORG", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART")  # "Channel 4", "Windows 95"
# "Wimbledon 3 Southampton 1": a results line, two teams with their scores.
_RESULT = re.compile(r"^([A-Z][\w.'& -]*?) \d+ ([A-Z][\w.'& -]*?) \d+$")


def tidy_spans(raw_mentions: pl.DataFrame) -> pl.DataFrame:
    """Cut what the model took into a name that is no part of it: a headline slug, a trailing score; a results
    line ("Wimbledon 3 Southampton 1") becomes its two teams."""
    rows = []
    changed = False
    for row in raw_mentions.iter_rows(named=True):
        text, start = row["mention_text"], row["start_char"]
        result = _RESULT.match(text)
        if result:
            changed = True
            for group in (1, 2):
                team_start = start + result.start(group)
                rows.append(
                    {
                        **row,
                        "start_char": team_start,
                        "end_char": team_start + len(result.group(group)),
                        "mention_text": result.group(group),
                        "ner_label": "ORG",
                    }
                )
            continue
        slug = _SLUG.match(text)
        if slug:
            text, start = text[slug.end() :], start + slug.end()
        if row["ner_label"] not in _NUMBERED_NAME_LABELS:
            number = _TRAILING_NUMBER.search(text)
            if number and number.start() > 0:
                text = text[: number.start()]
        if text != row["mention_text"]:
            changed = True
            if not text[:1].isupper():
                continue  # nothing of a name is left
            row = {**row, "start_char": start, "end_char": start + len(text), "mention_text": text}
        rows.append(row)
    if not changed:
        return raw_mentions
    return pl.DataFrame(rows, schema=raw_mentions.schema, orient="row")


def _any_of(forms: Iterable[str]) -> re.Pattern[str]:
    """One of `forms` as a whole word (a hyphen joins words: "Coca" is not in "Coca-Cola")."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(form) for form in forms) + r")(?![\w-])")


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
        pattern = _any_of(form for form, _ in ordered)
        label_of = dict(ordered)
        for field, text in (("title", title), ("body", body)):
            occupied = taken.get((article_id, field), [])
            # An ALL-CAPS headline writes the body's names in capitals: "TRUMP" is the body's "Trump".
            caps = field == "title" and is_all_caps(text) and len(text.lower()) == len(text)
            if caps:
                label_of_lower = {form.lower(): label for form, label in reversed(ordered)}  # first form wins
            for match in (_any_of(f.lower() for f, _ in ordered) if caps else pattern).finditer(
                text.lower() if caps else text
            ):
                start, end = match.span()
                if any(s < end and start < e for s, e in occupied):
                    continue
                occupied.append((start, end))
                starts_of, indexes = sentence_starts.get((article_id, field), ([0], [0]))
                sentence_index = indexes[sentence_position(start, starts_of)]
                form = text[start:end]
                label = label_of_lower[match.group()] if caps else label_of[form]
                added.append((article_id, field, start, end, form, label, sentence_index))
    if not added:
        return raw_mentions
    extra = pl.DataFrame(added, schema=raw_mentions.schema, orient="row")
    return pl.concat([raw_mentions, extra]).sort("article_id", "field", "start_char")
