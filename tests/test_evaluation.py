"""The scoring code behind `make eval`, on data the tests make themselves."""

import json

import polars as pl
import pytest

from devtools.scoring import (
    AnnotatedStory,
    Score,
    align_offsets,
    commodity_news_articles,
    exact_duplicate_pairs,
    gold_spans_in_body,
    label_agreement,
    name_errors,
    reuters_articles,
    reuters_place_codes,
    score_sets,
    score_spans,
)
from wiredesk.gazetteer import load_gazetteer
from wiredesk.normalise import normalise_body
from wiredesk.topics import scored_commodity


def test_score_arithmetic():
    score = Score(true_positives=6, false_positives=2, false_negatives=4)
    assert score.precision == pytest.approx(0.75)
    assert score.recall == pytest.approx(0.6)
    assert score.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert Score(0, 0, 0).f1 == 0.0


def test_score_sets_is_micro_averaged_over_documents():
    gold = {"a": {"US", "CN"}, "b": {"JP"}, "c": set()}
    predicted = {"a": {"US"}, "b": {"JP", "KR"}, "d": {"FR"}}
    assert score_sets(gold, predicted) == Score(true_positives=2, false_positives=2, false_negatives=1)


def test_exact_duplicates_are_paired_with_the_first_filing():
    records = [
        {"doc_id": 1, "title": "COPPER UP", "body": "Copper rose."},
        {"doc_id": 2, "title": "TIN DOWN", "body": "Tin fell."},
        {"doc_id": 3, "title": " COPPER UP", "body": "Copper rose.\n"},  # the same text, other white space
        {"doc_id": 4, "title": "COPPER UP", "body": "Copper rose."},
        {"doc_id": 5, "title": "", "body": ""},
        {"doc_id": 6, "title": "", "body": ""},  # no article: never loaded, never paired
    ]
    assert exact_duplicate_pairs(records) == [("reuters-1", "reuters-3"), ("reuters-1", "reuters-4")]


def test_label_agreement_counts_tagged_pairs_and_scores_either_way_round():
    labels = {"a": {"crude oil"}, "b": {"crude oil", "natural gas"}, "c": set(), "d": {"gold"}}
    tagged, score = label_agreement([("a", "b"), ("c", "e"), ("d", "c")], labels)
    assert tagged == 2  # c/e carry no tag on either side
    assert score == Score(true_positives=1, false_positives=1, false_negatives=1)
    assert label_agreement([("b", "a"), ("c", "d")], labels)[1].f1 == pytest.approx(score.f1)


def test_name_errors_are_counted_by_kind_and_words():
    story = AnnotatedStory("s", "Pfizer gains", "Pfizer and BioNTech said in Mainz that Pfizer", ())
    gold = [("s", "title", 0, 6, "ORG"), ("s", "body", 0, 6, "ORG"), ("s", "body", 11, 19, "ORG")]
    gold += [("s", "body", 28, 33, "LOC"), ("s", "body", 39, 45, "ORG")]
    predicted = [("s", "title", 0, 6, "PER"), ("s", "body", 0, 6, "PER"), ("s", "body", 11, 19, "ORG")]
    predicted += [("s", "body", 25, 33, "LOC"), ("s", "body", 39, 45, "PER")]
    errors = name_errors([story], gold, predicted)
    assert errors["wrong type"] == {"Pfizer (PER, gold ORG)": 3}
    assert errors["spurious"] == {"in Mainz (LOC)": 1}  # a wrong boundary is spurious and missed
    assert errors["missed"] == {"Mainz (LOC)": 1}


def test_score_spans_needs_exact_offsets_and_type():
    gold = [("d", 0, 5, "PER"), ("d", 10, 15, "LOC")]
    predicted = [("d", 0, 5, "PER"), ("d", 10, 14, "LOC"), ("d", 20, 25, "ORG")]
    assert score_spans(gold, predicted) == Score(1, 2, 1)


def test_reuters_place_codes_map_to_iso():
    codes, unmapped = reuters_place_codes(
        ["usa", "west-germany", "hong-kong", "uk", "ussr", "atlantis"], load_gazetteer()
    )
    assert codes == {"US", "DE", "HK", "GB", "SU"}
    assert unmapped == {"atlantis"}


def test_scored_commodities_fold_groups():
    assert scored_commodity("cattle", "livestock") == "livestock"
    assert scored_commodity("iron ore", "base metals") == "iron/steel"
    assert scored_commodity("bauxite", "base metals") == "aluminium"
    assert scored_commodity("rare earths", "critical minerals") is None
    assert scored_commodity("crude oil", "energy") == "crude oil"


def test_corpus_conversion(tmp_path):
    reuters = tmp_path / "r.jsonl"
    reuters.write_text(
        json.dumps(
            {
                "doc_id": 7,
                "date": "26-FEB-1987 15:01:01.79",
                "title": "COCOA",
                "body": "Cocoa rose.",
                "topics": ["cocoa"],
                "places": ["usa"],
            }
        )
        + "\n"
        + json.dumps({"doc_id": 8, "title": "EMPTY", "body": ""})
        + "\n"
    )
    assert list(reuters_articles(reuters)) == [
        {
            "id": "reuters-7",
            "title": "COCOA",
            "body": "Cocoa rose.",
            "published_at": "1987-02-26T15:01:01+00:00",
            "source": "Reuters-21578",
        }
    ]
    news = tmp_path / "n.jsonl"
    news.write_text(json.dumps({"doc_id": "Oil-falls", "text": "Oil fell.", "entities": []}) + "\n")
    assert next(commodity_news_articles(news))["title"] == "Oil falls"


def test_gold_spans_follow_whitespace_normalisation():
    text = "Oil  prices fell.\n\n\nU.S.   crude rose in  Texas."
    body = pl.select(normalise_body(pl.lit(text))).item()
    record = {
        "text": text,
        "entities": [
            {"start": 0, "end": 3, "type": "Commodity"},
            {"start": 42, "end": 47, "type": "STATE_OR_PROVINCE"},
        ],
    }
    spans = gold_spans_in_body(record, body)
    assert [(kind, body[start:end]) for start, end, kind, _ in spans] == [
        ("Commodity", "Oil"),
        ("STATE_OR_PROVINCE", "Texas"),
    ]


def test_align_offsets_maps_every_non_space_character():
    original, normalised = "a  b\n\nc", "a b\n\nc"
    mapping = align_offsets(original, normalised)
    assert [normalised[mapping[i]] for i, ch in enumerate(original) if not ch.isspace()] == ["a", "b", "c"]
