"""The primary-commodity classifier: its features, its file format, its training, and the shipped weights."""

import json

import numpy as np
import polars as pl
import pytest

from devtools.train_topics import Examples, cross_validate, feature_matrix, fit, learning_curve, out_of_fold
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


def crop_stories(count: int = 120) -> tuple[pl.DataFrame, list[bool]]:
    """Written for the tests: crop stories are about coffee; company results that name it are not.
    Candidate rows (one per story, coffee) and, by story number, whether the story is about coffee."""
    rng = np.random.default_rng(1)
    titles, labels = [], []
    for i in range(count):
        crop = i % 2 == 0
        words = ["frost", "harvest", "crop"] if crop else ["profit", "dividend", "shares"]
        titles.append(" ".join(rng.choice(words, size=3)) + f" report {i}")
        labels.append(crop)
    articles = pl.DataFrame(
        {
            "article_id": [str(i) for i in range(count)],
            "title": titles,
            "body": ["Coffee was mentioned."] * count,
            "sentence_count": [2] * count,
        }
    )
    candidate_mentions = mentions(*[(str(i), "coffee", "softs", "body", False, 1) for i in range(count)])
    return candidate_features(candidate_mentions, articles), labels


def test_training_learns_which_words_make_a_story_about_its_commodity():
    candidates, labels = crop_stories()
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


def test_the_learning_curve_ends_at_the_cross_validated_figure_and_learns_from_fewer_days():
    candidates, labels = crop_stories(200)
    candidates = candidates.with_columns(
        external_id=pl.col("article_id"),
        day=(pl.col("article_id").cast(pl.Int32) // 5).cast(pl.String),  # 40 filing days of five stories
        scored=pl.lit("coffee"),
        label=pl.Series([labels[int(a)] for a in candidates["article_id"]]),
    )
    gold = {str(i): {"coffee"} if labels[i] else set() for i in range(200)}
    examples = Examples(candidates, feature_matrix(candidates), gold)
    curve = learning_curve(examples, shares=(0.05, 1.0), draws=2)
    assert [share for share, _ in curve] == [0.05, 1.0]
    assert curve[-1][1] == pytest.approx(cross_validate(examples)[0].f1)
    # trained on two of each fold's 32 training days, the model is less sure of every story than on all of them
    sure_full = np.abs(out_of_fold(examples) - 0.5).mean()
    sure_share = np.abs(out_of_fold(examples, 0.05, np.random.default_rng(0)) - 0.5).mean()
    assert sure_share < sure_full
