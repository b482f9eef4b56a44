"""Wire-page furniture: the parts of a story page that are not the story.

A wire story copied from a web page carries its photo captions ("FILE PHOTO: A flag flutters ... REUTERS/Jane
Doe"), slideshow counters ("Slideshow (5 Images)"), photo credits and the closing credits line ("Reporting by
Jane Doe; Editing by John Roe"). Their words are no news: "FILE PHOTO" is no organisation and "Slideshow" no
person, a photographer is no subject of the story, and a caption says nothing of the story's tone.

`find_furniture` marks each such span in an article; the text and its offsets stay as they are. Extraction then
drops the names the model saw in labels and counters, takes the people of credits as bylines, and marks what is
left in furniture (`entity_mentions.role`, `sentences.furniture`) so that tone and relevance leave it out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import polars as pl

from wiredesk.sentence_facts import attach_sentences

FURNITURE_SCHEMA = {
    "article_id": pl.String,
    "field": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "kind": pl.String,  # label, photo_caption, photo_credit, credits: see below
}

# What a span is, from the strongest: words that are never a name (a caption's label, a slideshow counter), a
# credit (the people who made the story or its photo), a photo caption.
LABEL, CREDIT, CREDITS, CAPTION = "label", "photo_credit", "credits", "photo_caption"
# entity_mentions.role of a mention in each kind of furniture; every other mention is "news".
ROLES = {CREDIT: "byline", CREDITS: "byline", CAPTION: "caption"}
FURNITURE_KINDS = [LABEL, CREDIT, CREDITS, CAPTION]

_WORD_OF_NAME = r"(?:[A-Z]\.|[A-Z][\w'’-]*)"  # "Jane", "O'Neil", an initial "R."; not "Paris." ending a sentence
_NAME = _WORD_OF_NAME + r"(?:[ \t]+(?:" + _WORD_OF_NAME + r"|de|van|von|da|di|del|al|bin|el|la|le|lo)){0,3}"
# A caption's label: "FILE PHOTO:", "FILE PHOTO -", "(FILE PHOTO)", in capitals (a credit ends in "/File Photo").
_CAPTION_LABEL = re.compile(r"\(?\bFILE PHOTO\b\)?[ \t]*[:\-–—]?")
# A label, or a slideshow or gallery counter: "Slideshow (5 Images)".
_LABEL = re.compile(
    _CAPTION_LABEL.pattern
    + r"|(?i:\b(?:Slideshow|Gallery|Photos?|Images?|Videos?)[ \t]*\([ \t]*\d+[ \t]+(?:Images?|Photos?|Videos?)[ \t]*\))"
)
_COUNTED = ("slideshow", "gallery", "photo", "image", "video")  # what a counter counts, lower case
# A photo credit: the agency, a slash, the photographer, and what kind of picture ("REUTERS/Jane Doe/File Photo").
_AGENCY = r"(?P<agency>\bREUTERS|\bReuters)"
_PICTURE_KIND = r"(?:File[ \t]+Photo|File|Pool|Handout|Illustration|Photo)"
_KIND_TAIL = r"(?P<kind>(?:[ \t]*/[ \t]*" + _PICTURE_KIND + r"\b)*)"
_SLASH = r"[ \t]*/[ \t]*"
_POOL = r"(?:(?P<pool>Pool)|Handout)[ \t]+via[ \t]+"  # the press pool is an organisation, as an agency is
# A photo credit, in the agency's three forms: "REUTERS/Jane Doe", "Jane Doe/Pool via REUTERS", "Pool via
# REUTERS/Jane Doe", each with what kind of picture it is after it ("/File Photo", "/Illustration").
_PHOTO_CREDITS = (
    re.compile(_AGENCY + _SLASH + r"(?P<name>" + _NAME + r")" + _KIND_TAIL),
    re.compile(r"(?P<name>" + _NAME + r")" + _SLASH + _POOL + _AGENCY + _KIND_TAIL),
    re.compile(_POOL + _AGENCY + _SLASH + r"(?P<name>" + _NAME + r")" + _KIND_TAIL),
)
_NOT_A_NAME = re.compile(_PICTURE_KIND + r"(?:[ \t].*)?")
_CREDIT_ROLES = ("Reporting", "Writing", "Written", "Editing", "Edited", "Compiled", "Research", "Graphics", "Graphic")
_CREDIT_ROLES += ("Photos", "Photo", "Video", "Production", "Additional", "Further")
# The closing credits: a paragraph (often in brackets) of "Reporting by ...; Editing by ...".
_CREDITS = re.compile(
    r"^[ \t]*[(\[]?[ \t]*(?:(?:Additional|Further)[ \t]+)?(?:" + "|".join(_CREDIT_ROLES) + r")[ \t]+by\b[^\n]*$",
    re.MULTILINE | re.IGNORECASE,
)
# A credited person within the credits: after "by", ",", ";", "and" or "&" (and a role: "Editing by").
_CREDITED = re.compile(r"(?:\bby|[,;&]|\band)[ \t]+(?P<name>" + _NAME + r")")


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for line in text.split("\n"):
        if line.strip():
            yield start, start + len(line)
        start += len(line) + 1


def furniture_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the furniture in one field's text: labels, credits (each credited name as its own
    CREDIT span) and the captions that hold them."""
    # Each pattern only where the words it needs are in the text: most stories have no furniture at all, and
    # these patterns cannot start with a fixed word, so a search tries them at every position.
    lowered = text.lower()
    has_labels = "FILE PHOTO" in text or any(word in lowered for word in _COUNTED)
    spans = [(m.start(), m.end(), LABEL) for m in _LABEL.finditer(text)] if has_labels else []
    has_credits = "reuters" in lowered and "/" in text
    credits = [match for pattern in _PHOTO_CREDITS for match in pattern.finditer(text)] if has_credits else []
    spans += [(m.start(), m.end(), CREDIT) for m in credits]
    spans += [(*m.span("kind"), LABEL) for m in credits if m.group("kind")]  # "/File Photo" is no name either
    for paragraph in _CREDITS.finditer(text) if "by" in lowered else ():
        spans.append((paragraph.start(), paragraph.end(), CREDITS))
    # A paragraph that opens with a caption's label or holds a photo credit is a caption, whole.
    for start, end in _paragraphs(text):
        paragraph = text[start:end]
        labelled = _CAPTION_LABEL.match(paragraph.lstrip()) is not None
        if labelled or any(start <= m.start() and m.end() <= end for m in credits):
            spans.append((start, end, CAPTION))
    return spans


# Furniture heads a page in a line or two (a photo credit, a counter): no further is looked for it.
_HEAD_PARAGRAPHS = 3


def story_start(body: str) -> int:
    """Where the story's own text starts in `body`: past the paragraphs of furniture at its head."""
    head = "\n".join(body.split("\n", _HEAD_PARAGRAPHS)[:_HEAD_PARAGRAPHS])
    spans = furniture_spans(head)
    for start, end in _paragraphs(head):
        if not any(s <= start and end <= e for s, e, _ in spans):
            return start
    return 0


def credited_names(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """(start, end, label) of the names in the credits: the photographers, reporters and editors (PERSON) and the
    agency of a photo credit, and the press pool that took it (ORG)."""
    names = []
    for start, end, kind in spans:
        if kind == CREDIT:
            for pattern in _PHOTO_CREDITS:
                match = pattern.match(text, start)
                if match and match.end() == end:
                    names += [(*match.span("name"), "PERSON"), (*match.span("agency"), "ORG")]
                    if "pool" in match.re.groupindex and match.group("pool"):
                        names.append((*match.span("pool"), "ORG"))
                    break
        elif kind == CREDITS:
            names += [(*m.span("name"), "PERSON") for m in _CREDITED.finditer(text, start, end)]
    # A person: a first name and a surname at least, and no role ("; Additional Reporting by") or picture kind
    # ("REUTERS / File Photo") taken for one.
    return sorted(
        {
            (start, end, label)
            for start, end, label in names
            if label == "ORG"
            or (
                " " in text[start:end]
                and not set(text[start:end].split()) & set(_CREDIT_ROLES)
                and not _NOT_A_NAME.fullmatch(text[start:end])
            )
        }
    )


def find_furniture(articles: pl.DataFrame) -> pl.DataFrame:
    """FURNITURE_SCHEMA rows for the furniture of `articles` (article_id, title, body)."""
    rows = [
        (article_id, field, start, end, kind)
        for article_id, title, body in articles.select("article_id", "title", "body").iter_rows()
        for field, text in (("title", title), ("body", body))
        for start, end, kind in furniture_spans(text)
    ]
    return pl.DataFrame(rows, schema=FURNITURE_SCHEMA, orient="row")


def _hits(items: pl.DataFrame, spans: pl.DataFrame, *, within: bool = False) -> pl.DataFrame:
    """(row, *the other columns of `spans`) for each of `items` (row = its position) that overlaps a span of
    `spans` in the same article and field, or with `within`, lies inside one."""
    keys = items.select("article_id", "field", "start_char", "end_char").with_row_index("row")
    joined = keys.join(spans.rename({"start_char": "s", "end_char": "e"}), on=["article_id", "field"])
    if within:
        joined = joined.filter((pl.col("s") <= pl.col("start_char")) & (pl.col("end_char") <= pl.col("e")))
    else:
        joined = joined.filter((pl.col("start_char") < pl.col("e")) & (pl.col("s") < pl.col("end_char")))
    return joined.drop("article_id", "field", "start_char", "end_char", "s", "e")


def _first_by(hits: pl.DataFrame, column: str, order: dict[str, int], name: str) -> pl.DataFrame:
    """(row, name): per row, the value of `column` first in `order`."""
    ranked = hits.sort(pl.col(column).replace_strict(order, return_dtype=pl.Int8), "row")
    return ranked.group_by("row").agg(pl.col(column).first().alias(name))


def place_credited_people(
    raw_mentions: pl.DataFrame, furniture: pl.DataFrame, articles: pl.DataFrame, sentences: pl.DataFrame
) -> pl.DataFrame:
    """Raw mentions without the names the model saw in labels and counters ("FILE PHOTO", "Slideshow"), and
    with each person a credit names as a PERSON mention and its agency as an ORG, whatever the model made of
    those words."""
    texts = {(a, "title"): t for a, t, _ in articles.select("article_id", "title", "body").iter_rows()}
    texts |= {(a, "body"): b for a, _, b in articles.select("article_id", "title", "body").iter_rows()}
    spans_by_field: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for article_id, field, start, end, kind in furniture.iter_rows():
        spans_by_field.setdefault((article_id, field), []).append((start, end, kind))
    people = pl.DataFrame(
        [
            (article_id, field, start, end, texts[article_id, field][start:end], label)
            for (article_id, field), spans in spans_by_field.items()
            for start, end, label in credited_names(texts[article_id, field], spans)
        ],
        schema={k: v for k, v in raw_mentions.schema.items() if k != "sentence_index"},
        orient="row",
    )
    unwanted = pl.concat([furniture.filter(pl.col("kind") == LABEL).drop("kind"), people.select(furniture.columns[:4])])
    dropped = _hits(raw_mentions, unwanted)["row"].unique()
    kept = raw_mentions.with_row_index("row").filter(~pl.col("row").is_in(dropped.implode())).drop("row")
    if people.is_empty():
        return kept
    added = attach_sentences(people, sentences).select(raw_mentions.columns).cast(raw_mentions.schema)
    return pl.concat([kept, added]).sort("article_id", "field", "start_char")


_ROLE_ORDER = {"byline": 0, "caption": 1}


def mention_roles(mentions: pl.DataFrame, furniture: pl.DataFrame) -> pl.DataFrame:
    """`mentions` with `role`: "byline" in a credit, "caption" in a photo caption, else "news"."""
    spans = furniture.filter(pl.col("kind").is_in(list(ROLES))).select(
        "article_id", "field", "start_char", "end_char", role=pl.col("kind").replace_strict(ROLES)
    )
    roles = _first_by(_hits(mentions, spans, within=True), "role", _ROLE_ORDER, "role")
    return (
        mentions.with_row_index("row")
        .join(roles, on="row", how="left")
        .with_columns(pl.col("role").fill_null("news"))
        .drop("row")
    )


_SENTENCE_KIND_ORDER = {CAPTION: 0, CREDITS: 1, CREDIT: 2, LABEL: 3}


def sentence_furniture(sentences: pl.DataFrame, furniture: pl.DataFrame) -> pl.DataFrame:
    """`sentences` with `furniture`: the kind of furniture the sentence is part of (a caption before a credit
    before a label), or null for the story's own text."""
    kinds = _first_by(_hits(sentences, furniture), "kind", _SENTENCE_KIND_ORDER, "furniture")
    return sentences.with_row_index("row").join(kinds, on="row", how="left").drop("row")
