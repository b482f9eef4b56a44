"""The primary-commodity classifier: its features, its file format, its training, and the shipped weights."""

import json

import numpy as np
import polars as pl
import pytest

from devtools.train_topics import feature_matrix, fit
from wiredesk.topics import (
    HASH_BITS,
    MODEL_DIR,
    TopicModel,
    candidate_features,
    hashed_features,
    load_model,
    save_model,
    topic_scores,
)

ARTICLES = pl.DataFrame(
    {
        "article_id": ["a", "b"],
        "title": ["Frost hits Brazil coffee crop", "Acme Inc net profit falls"],
        "body": [
            "Coffee prices jumped as frost hit trees. Sugar was steady.",
            "Acme said profit fell. Coffee sales dipped.",
        ],
        "sentence_count": [3, 3],
    }
)


def mentions(*rows):
    return pl.DataFrame(
        rows,
        schema={
            "article_id": pl.String,
            "commodity": pl.String,
            "commodity_group": pl.String,
            "field": pl.String,
            "in_name": pl.Boolean,
            "sentence_index": pl.Int32,
        },
        orient="row",
    )


MENTIONS = mentions(
    ("a", "coffee", "softs", "title", False, 0),
    ("a", "coffee", "softs", "body", False, 1),
    ("a", "sugar", "softs", "body", False, 2),
    ("b", "coffee", "softs", "body", False, 2),
    ("b", "rare earths", "critical minerals", "body", False, 2),
)


def test_candidates_say_how_each_article_names_each_commodity():
    rows = {(r["article_id"], r["commodity"]): r for r in candidate_features(MENTIONS, ARTICLES).iter_rows(named=True)}
    coffee = rows[("a", "coffee")]
    assert (coffee["mentions"], coffee["in_title"], coffee["in_lead"], coffee["most_named"]) == (2, True, True, True)
    assert coffee["share"] == pytest.approx(2 / 3)
    assert rows[("a", "sugar")]["in_title"] is False
    assert rows[("b", "coffee")]["company_headline"] is True


def test_scores_come_only_for_the_commodities_the_model_knows_and_halve_at_the_threshold():
    model = TopicModel(weights=np.zeros(1 << HASH_BITS, dtype=np.float32), bias=0.0, threshold=0.5)
    scores = topic_scores(MENTIONS, ARTICLES, model)
    assert set(scores.select("article_id", "commodity").rows()) == {("a", "coffee"), ("a", "sugar"), ("b", "coffee")}
    assert scores["topic_score"].to_list() == [0.5, 0.5, 0.5]  # no evidence either way: the threshold
    shifted = TopicModel(weights=model.weights, bias=0.0, threshold=0.25)
    assert topic_scores(MENTIONS, ARTICLES, shifted)["topic_score"].min() > 0.5  # above a lower threshold


def test_a_model_round_trips_through_its_files_and_pickles_are_refused(tmp_path):
    weights = np.random.default_rng(0).normal(size=1 << HASH_BITS).astype(np.float32)
    save_model(TopicModel(weights, bias=-1.5, threshold=0.4), tmp_path, {"trained_on": "test"})
    loaded = load_model(tmp_path)
    assert np.array_equal(loaded.weights, weights) and (loaded.bias, loaded.threshold) == (-1.5, 0.4)
    np.save(tmp_path / "weights.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    load_model.cache_clear()
    with pytest.raises(ValueError, match="pickle"):
        load_model(tmp_path)


def test_training_learns_which_words_make_a_story_about_its_commodity():
    # Written for the test: crop stories are about coffee; company results that name it are not.
    rng = np.random.default_rng(1)
    titles, labels = [], []
    for i in range(120):
        crop = i % 2 == 0
        words = ["frost", "harvest", "crop"] if crop else ["profit", "dividend", "shares"]
        titles.append(" ".join(rng.choice(words, size=3)) + f" report {i}")
        labels.append(crop)
    articles = pl.DataFrame(
        {
            "article_id": [str(i) for i in range(120)],
            "title": titles,
            "body": ["Coffee was mentioned."] * 120,
            "sentence_count": [2] * 120,
        }
    )
    candidate_mentions = mentions(*[(str(i), "coffee", "softs", "body", False, 1) for i in range(120)])
    candidates = candidate_features(candidate_mentions, articles)
    order = [int(a) for a in candidates["article_id"]]
    weights, bias = fit(feature_matrix(candidates), np.array([labels[i] for i in order]))
    scores = TopicModel(weights, bias, 0.5).score(*hashed_features(candidates))
    predicted = scores >= 0.5
    assert (predicted == np.array([labels[i] for i in order])).mean() >= 0.95


def test_the_shipped_model_loads_and_says_what_it_was_trained_on():
    meta = json.loads((MODEL_DIR / "meta.json").read_text(encoding="utf-8"))
    assert "Reuters-21578" in meta["trained_on"] and meta["hash_bits"] == HASH_BITS
    load_model.cache_clear()
    model = load_model()
    assert model.weights.shape == (1 << HASH_BITS,) and np.isfinite(model.weights).all()
