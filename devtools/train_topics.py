"""`make train-topics EVAL_DIR=../shared/eval`: train the primary-commodity classifier on Reuters-21578 TOPICS.

The pipeline builds a warehouse from the Reuters training split (in a temporary folder), so the classifier learns
from exactly the mentions the pipeline finds. Each (article, commodity) pair whose commodity is one of the 25
that TOPICS labels is one example: positive when the editors tagged the story with it. The model is an
L2-regularised logistic regression over hashed features (`wiredesk/topics.py`), fitted with SciPy's L-BFGS.

`cross_validate` is what `make eval` reports: five folds grouped by the day a story was filed, so that a story
and its same-day updates never sit on both sides; every article is scored by a model that never saw it.
`--learning-curve` prints the same figure with each model trained on a share of its training days only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from scipy.optimize import minimize
from scipy.sparse import csr_matrix

from devtools.scoring import Score, read_jsonl, reuters_articles, score_sets
from wiredesk.topics import (
    HASH_BITS,
    MODEL_DIR,
    REUTERS_COMMODITY_TOPICS,
    TopicModel,
    candidate_features,
    hashed_features,
    reuters_topics,
    save_model,
    with_scored_name,
)

L2 = 1.0
FOLDS = 5
THRESHOLD = 0.5


@dataclass(frozen=True)
class Examples:
    candidates: pl.DataFrame  # candidate_features rows plus external_id, day, scored, label
    matrix: csr_matrix
    gold: dict[str, set[str]]  # external id -> scored commodities the editors tagged


def reuters_examples(con: duckdb.DuckDBPyConnection, topics: dict[str, set[str]]) -> Examples:
    """The Reuters articles of a warehouse as labelled candidate rows; `topics` from `reuters_topics`."""
    articles = con.sql(
        """select article_id, external_id, title, body, sentence_count, published_at::date::varchar as day
        from articles where source = 'Reuters-21578'"""
    ).pl()
    mentions = con.sql(
        """select article_id, commodity, commodity_group, field, in_name, sentence_index
        from commodity_mentions where article_id in (select article_id from articles where source = 'Reuters-21578')"""
    ).pl()
    candidates = (
        with_scored_name(candidate_features(mentions, articles))
        .join(articles.select("article_id", "external_id", "day"), on="article_id")
        .filter(pl.col("scored").is_not_null())
    )
    labels = [scored in topics.get(doc, set()) for doc, scored in candidates.select("external_id", "scored").rows()]
    candidates = candidates.with_columns(label=pl.Series(labels, dtype=pl.Boolean))
    gold = {doc: topics.get(doc, set()) for doc in articles["external_id"]}
    return Examples(candidates, feature_matrix(candidates), gold)


def feature_matrix(candidates: pl.DataFrame) -> csr_matrix:
    indices, values = hashed_features(candidates)
    indptr = np.concatenate([[0], np.cumsum([len(i) for i in indices])])
    return csr_matrix(
        (np.concatenate(values), np.concatenate(indices), indptr), shape=(candidates.height, 1 << HASH_BITS)
    )


def fit(matrix: csr_matrix, labels: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression: (weights, bias)."""
    y = labels.astype(np.float64)
    n_features = matrix.shape[1]

    def loss_and_gradient(params: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = params[:-1], params[-1]
        z = matrix @ weights + bias
        p = 1 / (1 + np.exp(-z))
        loss = np.sum(np.logaddexp(0, z) - y * z) + 0.5 * l2 * weights @ weights
        error = p - y
        return loss, np.concatenate([matrix.T @ error + l2 * weights, [error.sum()]])

    result = minimize(
        loss_and_gradient, np.zeros(n_features + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500}
    )
    return result.x[:-1].astype(np.float32), float(result.x[-1])


def predicted_sets(candidates: pl.DataFrame, probabilities: np.ndarray, threshold: float) -> dict[str, set[str]]:
    chosen: dict[str, set[str]] = {}
    for (doc, scored), p in zip(candidates.select("external_id", "scored").rows(), probabilities, strict=True):
        if p >= threshold:
            chosen.setdefault(doc, set()).add(scored)
    return chosen


def fold_of(day: str | None) -> int:
    return zlib.crc32((day or "").encode()) % FOLDS


def out_of_fold(examples: Examples, share: float = 1.0, rng: np.random.Generator | None = None) -> np.ndarray:
    """Each candidate's probability from a model trained on the other folds; with `share` < 1, on that share of
    the other folds' filing days only, drawn with `rng`."""
    rng = rng or np.random.default_rng(0)
    days = examples.candidates["day"].to_list()
    folds = np.array([fold_of(day) for day in days])
    labels = examples.candidates["label"].to_numpy()
    probabilities = np.zeros(examples.candidates.height)
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        if share < 1:
            train_days = sorted({day or "" for day, keep in zip(days, train, strict=True) if keep})
            drawn = rng.choice(len(train_days), size=max(1, round(share * len(train_days))), replace=False)
            kept = {train_days[i] for i in drawn}
            train &= np.array([(day or "") in kept for day in days])
        weights, bias = fit(examples.matrix[train], labels[train])
        probabilities[test] = 1 / (1 + np.exp(-(examples.matrix[test] @ weights + bias)))
    return probabilities


def cross_validate(examples: Examples) -> tuple[Score, Score]:
    """(classifier, candidates ceiling): micro F1 over the 25 commodities of out-of-fold predictions."""
    labels = examples.candidates["label"].to_numpy()
    classifier = score_sets(examples.gold, predicted_sets(examples.candidates, out_of_fold(examples), THRESHOLD))
    ceiling = score_sets(examples.gold, predicted_sets(examples.candidates, labels.astype(float), THRESHOLD))
    return classifier, ceiling


def learning_curve(
    examples: Examples, shares: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0), draws: int = 3
) -> list[tuple[float, float]]:
    """(share, grouped-CV micro F1) with each model trained on that share of its training days, the mean of
    `draws` random draws: what more labelled stories of the same kind would be worth."""
    rng = np.random.default_rng(0)
    curve = []
    for share in shares:
        scores = [
            score_sets(examples.gold, predicted_sets(examples.candidates, out_of_fold(examples, share, rng), THRESHOLD))
            for _ in range(draws if share < 1 else 1)
        ]
        curve.append((share, float(np.mean([score.f1 for score in scores]))))
    return curve


def train_and_save(examples: Examples, output: Path, reuters: Path) -> TopicModel:
    weights, bias = fit(examples.matrix, examples.candidates["label"].to_numpy())
    model = TopicModel(weights=weights, bias=bias, threshold=THRESHOLD)
    classifier, _ = cross_validate(examples)
    save_model(
        model,
        output,
        {
            "trained_on": "Reuters-21578 ModApte training split, TOPICS labels (research use)",
            "examples": examples.candidates.height,
            "commodities": sorted(set(REUTERS_COMMODITY_TOPICS.values())),
            "l2": L2,
            "grouped_cv_micro_f1": round(classifier.f1, 4),
        },
    )
    return model


def build_reuters_warehouse(reuters: Path, scratch: Path) -> Path:
    """A warehouse of the Reuters file built by the real pipeline, as `make eval` builds it."""
    from devtools.evaluate import build  # the evaluation imports this module: import here, not at the top

    folder, db_path = scratch / "articles", scratch / "reuters.duckdb"
    folder.mkdir()
    with (folder / "reuters.jsonl").open("w", encoding="utf-8") as out:
        for article in reuters_articles(reuters):
            out.write(json.dumps(article) + "\n")
    build(folder, db_path)
    return db_path


def trainer_arguments(
    prog: str, description: str, output: Path, argv: list[str] | None, flags: dict[str, str] | None = None
) -> argparse.Namespace | None:
    """The arguments every trainer on the Reuters file takes, and its own on/off `flags` (flag → help); None
    (said on stderr) when the file is missing."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("reuters", type=Path, help="the Reuters-21578 training split (JSONL) in the evaluation folder")
    parser.add_argument("--output", type=Path, default=output)
    parser.add_argument("--warehouse", type=Path, default=None, help="reuse a warehouse built from the file")
    for flag, help_text in (flags or {}).items():
        parser.add_argument(flag, action="store_true", help=help_text)
    args = parser.parse_args(argv)
    if not args.reuters.is_file():
        print(f"no such file: {args.reuters} (pass EVAL_DIR=<the evaluation data folder>)", file=sys.stderr)
        return None
    return args


@contextmanager
def reuters_warehouse(args: argparse.Namespace) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse `--warehouse` names, else to one built now in a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="wiredesk-train-") as scratch:
        db_path = args.warehouse or build_reuters_warehouse(args.reuters, Path(scratch))
        with duckdb.connect(str(db_path), read_only=True) as con:
            yield con


def main(argv: list[str] | None = None) -> int:
    flags = {"--learning-curve": "print grouped-CV F1 against the share of training stories, train nothing"}
    args = trainer_arguments("make train-topics", __doc__, MODEL_DIR, argv, flags)
    if args is None:
        return 2
    with reuters_warehouse(args) as con:
        examples = reuters_examples(con, reuters_topics(read_jsonl(args.reuters)))
        if args.learning_curve:
            for share, f1 in learning_curve(examples):
                print(f"training on {share:.0%} of the filing days: grouped-CV micro F1 {f1:.3f}")
            return 0
        model = train_and_save(examples, args.output, args.reuters)
    print(f"trained on {examples.candidates.height} candidates; threshold {model.threshold}; model in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
