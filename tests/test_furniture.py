"""Wire-page furniture: captions, counters, credits. The pages are written for these tests."""

from datetime import date

import polars as pl
import pytest

from wiredesk.extraction import loaded_extraction
from wiredesk.furniture import credited_names, furniture_spans
from wiredesk.settings import DEFAULT_MODEL
from wiredesk.wirecopy import dateline_date, find_dateline

TITLE = "FILE PHOTO: A flag flies outside the central bank in Lima, Peru, May 4, 2021. REUTERS/Ana Ruiz/File Photo"
BODY = (
    "Slideshow (3 Images)\n"
    "LIMA (Reuters) - Peru's central bank raised its benchmark rate on Thursday, the bank said in a statement.\n"
    "Finance Minister Julio Velarde said inflation would slow.\n"
    "(Reporting by Marco Aquino and Ana Ruiz; Additional reporting by Tom Black; Editing by Paul Simao)"
)


def _texts(text: str, spans, kind: str) -> list[str]:
    return [text[start:end] for start, end, k in spans if k == kind]


def test_labels_credits_and_captions_are_marked_where_they_are():
    title_spans, body_spans = furniture_spans(TITLE), furniture_spans(BODY)
    assert _texts(TITLE, title_spans, "label") == ["FILE PHOTO:", "/File Photo"]
    assert _texts(TITLE, title_spans, "photo_credit") == ["REUTERS/Ana Ruiz/File Photo"]
    assert _texts(TITLE, title_spans, "photo_caption") == [TITLE]
    assert _texts(BODY, body_spans, "label") == ["Slideshow (3 Images)"]
    assert _texts(BODY, body_spans, "credits") == [BODY.split("\n")[-1]]
    assert "photo_caption" not in {kind for _, _, kind in body_spans}  # the counter's line is no caption


def test_credited_people_are_each_named_and_roles_are_no_names():
    body_names = [BODY[s:e] for s, e, _ in credited_names(BODY, furniture_spans(BODY))]
    assert body_names == ["Marco Aquino", "Ana Ruiz", "Tom Black", "Paul Simao"]
    title_names = [(TITLE[s:e], label) for s, e, label in credited_names(TITLE, furniture_spans(TITLE))]
    assert title_names == [("REUTERS", "ORG"), ("Ana Ruiz", "PERSON")]


@pytest.mark.parametrize(
    ("caption", "names"),
    [
        ("Troops march in Paris. Jane Doe / Pool via REUTERS / File Photo", ["Jane Doe", "Pool", "REUTERS"]),
        ("Russell races at Monza. Pool via REUTERS / Jo Bloggs", ["Pool", "REUTERS", "Jo Bloggs"]),
        ("A minister speaks. Jane Doe / Handout via REUTERS", ["Jane Doe", "REUTERS"]),  # a handout is no body
        ("A tanker at sea. REUTERS / File Photo", ["REUTERS"]),  # no photographer named
    ],
)
def test_the_three_forms_of_a_photo_credit(caption, names):
    assert [caption[s:e] for s, e, _ in credited_names(caption, furniture_spans(caption))] == names


@pytest.mark.parametrize(
    "text",
    [
        "The photo file was reviewed by regulators.",
        "Shares of Reuters rose; the agency's photos were sold.",
        "He said reporting by the agency was accurate.",  # not a paragraph of credits
    ],
)
def test_story_text_is_no_furniture(text):
    assert furniture_spans(text) == []


@pytest.fixture(scope="module")
def extracted():
    (result,) = loaded_extraction(DEFAULT_MODEL)([("page", TITLE, BODY)])
    (part,) = result.extracted
    return part


def test_labels_are_no_names_and_credited_people_are_bylines(extracted):
    mentions = extracted.entity_mentions
    assert not mentions.filter(pl.col("mention_text").str.contains("(?i)photo|slideshow")).height
    bylines = mentions.filter(pl.col("role") == "byline")
    people = bylines.filter(pl.col("article_type") == "PERSON")["mention_text"].to_list()
    assert sorted(people) == ["Ana Ruiz", "Ana Ruiz", "Marco Aquino", "Paul Simao", "Tom Black"]
    news = mentions.filter(pl.col("role") == "news")["mention_text"].to_list()
    assert "Julio Velarde" in news and "Paul Simao" not in news
    # the dateline under the counter is found: a place, and the story's own
    lima = mentions.filter((pl.col("field") == "body") & (pl.col("mention_text") == "LIMA"))
    assert lima.select("article_type", "role", "country_code").rows() == [("GPE", "news", "PE")]
    assert set(mentions.filter(pl.col("field") == "title")["role"]) <= {"caption", "byline"}


def test_furniture_sentences_are_marked_and_the_text_is_untouched(extracted):
    sentences = extracted.sentences
    body = sentences.filter(pl.col("field") == "body")
    assert body.filter(pl.col("sentence_text").str.starts_with("(Reporting"))["furniture"].to_list() == ["credits"]
    assert body.filter(pl.col("sentence_text").str.contains("Velarde"))["furniture"].to_list() == [None]
    assert set(sentences.filter(pl.col("field") == "title")["furniture"]) == {"photo_caption"}
    for field, text in (("title", TITLE), ("body", BODY)):
        for start, end, sentence in (
            sentences.filter(pl.col("field") == field).select("start_char", "end_char", "sentence_text").iter_rows()
        ):
            assert text[start:end] == sentence


@pytest.mark.parametrize(
    ("body", "place"),
    [
        ("PARIS (Reuters) - France said on Monday it was alarmed.", "PARIS"),
        ("REUTERS/Jane Doe\nSAN MATEO, Calif. (Reuters) - Shares rose.", "SAN MATEO"),
        ("Slideshow (2 Images)\nLIMA, May 4 - Copper output fell.", "LIMA"),
    ],
)
def test_a_dateline_is_found_under_the_furniture_and_without_a_date(body, place):
    (start, end), *_ = find_dateline(body)
    assert body[start:end] == place
    assert dateline_date(body, "2021/05/04/story.txt") == (date(2021, 5, 4) if "May 4" in body else None)


def test_a_dateline_names_every_place_a_story_was_filed_from():
    body = "NEW YORK / HONG KONG / LONDON (Reuters Breakingviews) - Shares rose."
    assert [body[s:e] for s, e in find_dateline(body)] == ["NEW YORK", "HONG KONG", "LONDON"]


def test_a_story_that_opens_with_a_company_and_a_ticker_has_no_dateline():
    assert find_dateline("Apple (AAPL.O) - the iPhone maker said sales rose.") == []
