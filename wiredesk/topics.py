"""Is an article *about* a commodity it names? A trained linear classifier over the article's mentions and words.

For each commodity an article names, the features are how the article names it (in the headline, in the lead,
how often, how early, only inside company names, beside how many other commodities) and the words of the
headline and lead, each crossed with the commodity ("wheat" × "tender" says more than either alone). Words are
hashed into a fixed space, so the model is one weight vector: `models/primary_commodity/weights.npy` (NumPy's
own format, loaded with pickles refused) and `meta.json` (the hashing space, the threshold, what it was trained
on). `devtools/train_topics.py` trains it on Reuters-21578's TOPICS and measures it by grouped cross-validation.
The score is calibrated so that 0.5 is the decision threshold.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from wiredesk.shipped import models_dir

# Reuters-21578 TOPICS codes of the 25 commodities the classifier was trained on, as the names it scores.
REUTERS_COMMODITY_TOPICS = {
    "copper": "copper",
    "gold": "gold",
    "silver": "silver",
    "zinc": "zinc",
    "lead": "lead",
    "tin": "tin",
    "nickel": "nickel",
    "alum": "aluminium",
    "iron-steel": "iron/steel",
    "soybean": "soybeans",
    "wheat": "wheat",
    "corn": "corn",
    "rice": "rice",
    "crude": "crude oil",
    "nat-gas": "natural gas",
    "gas": "gasoline",
    "coffee": "coffee",
    "cocoa": "cocoa",
    "sugar": "sugar",
    "cotton": "cotton",
    "rubber": "rubber",
    "palm-oil": "palm oil",
    "livestock": "livestock",
    "orange": "orange juice",
    "tea": "tea",
}
SCORED_COMMODITIES = frozenset(REUTERS_COMMODITY_TOPICS.values())


def scored_commodity(commodity: str, commodity_group: str) -> str | None:
    """Our catalogue's commodity as one of the 25 scored names, or None when it is not scored."""
    if commodity_group == "livestock":
        return "livestock"
    if commodity in ("steel", "iron ore"):
        return "iron/steel"
    if commodity in ("alumina", "bauxite"):  # Reuters' "alum" covers the aluminium chain
        return "aluminium"
    return commodity if commodity in SCORED_COMMODITIES else None


MODEL_DIR = models_dir() / "primary_commodity"
HASH_BITS = 18
_LEAD_WORDS = 120  # headline plus the body's opening words: where a wire story says what it is about
_WORD = re.compile(r"[a-z][a-z-]{2,}")
# A company headline: results, deals, a ticker.
_COMPANY_HEADLINE = re.compile(
    r"(?i)<|\b(net|qtr|shr|dividend|div|earnings|profit|loss|acquires?|acquisition|merger|stake|buyout|"
    r"tender offer|shares?)\b"
)
_FLAGS = ("in_title", "in_lead", "most_named", "only_in_names", "company_headline", "first_mention_early")


@dataclass(frozen=True)
class TopicModel:
    weights: np.ndarray  # float32, 2**HASH_BITS
    bias: float
    threshold: float  # on the raw probability; scores are shifted so that this becomes 0.5

    def score(self, feature_indices: list[np.ndarray], feature_values: list[np.ndarray]) -> np.ndarray:
        logits = np.array(
            [float(self.weights[i] @ v) for i, v in zip(feature_indices, feature_values, strict=True)],
            dtype=np.float64,
        )
        shift = math.log(self.threshold / (1 - self.threshold))
        return 1 / (1 + np.exp(-(logits + self.bias - shift)))


def _bucket(name: str) -> int:
    return zlib.crc32(name.encode()) & ((1 << HASH_BITS) - 1)


def lead_words(title: str, body: str) -> list[str]:
    """The lower-case words of the headline and the body's opening, in order."""
    return _WORD.findall(title.lower()) + _WORD.findall(body.lower())[:_LEAD_WORDS]


def candidate_features(mentions: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """One row per (article_id, commodity) named: the per-article facts the classifier reads.

    `mentions`: article_id, commodity, commodity_group, field, in_name, sentence_index.
    `articles`: article_id, title, body, sentence_count.
    """
    per_commodity = mentions.group_by("article_id", "commodity").agg(
        commodity_group=pl.col("commodity_group").first(),
        mentions=pl.len(),
        free=(~pl.col("in_name")).sum(),
        in_title=((pl.col("field") == "title") & ~pl.col("in_name")).any(),
        in_lead=(pl.col("sentence_index").is_between(1, 2) & ~pl.col("in_name")).any(),
        first_sentence=pl.col("sentence_index").min(),
    )
    totals = per_commodity.group_by("article_id").agg(
        article_mentions=pl.col("mentions").sum(), top_free=pl.col("free").max(), commodities=pl.len()
    )
    return (
        per_commodity.join(totals, on="article_id")
        .join(articles.select("article_id", "title", "body", "sentence_count"), on="article_id")
        .with_columns(
            share=pl.col("mentions") / pl.col("article_mentions"),
            most_named=(pl.col("free") == pl.col("top_free")) & (pl.col("free") > 0),
            only_in_names=pl.col("free") == 0,
            company_headline=pl.col("title").str.contains(_COMPANY_HEADLINE.pattern),
            first_mention_early=pl.col("first_sentence") <= 2,
        )
        .sort("article_id", "commodity")
    )


def hashed_features(candidates: pl.DataFrame) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """For each candidate row, the hashed feature indices and their values."""
    indices, values = [], []
    for row in candidates.iter_rows(named=True):
        commodity, group = row["commodity"], row["commodity_group"]
        named: dict[str, float] = {
            f"c={commodity}": 1.0,
            f"g={group}": 1.0,
            "free": math.log1p(row["free"]),
            f"c={commodity}|free": math.log1p(row["free"]),
            "share": row["share"],
            f"c={commodity}|share": row["share"],
            "others": math.log1p(row["commodities"] - 1),
            "first": row["first_sentence"] / max(row["sentence_count"] or 1, 1),
        }
        for flag in _FLAGS:
            if row[flag]:
                named[flag] = 1.0
                named[f"c={commodity}|{flag}"] = 1.0
        named[f"c={commodity}|mentions={min(row['mentions'], 6)}"] = 1.0
        words = lead_words(row["title"], row["body"])
        for word in set(words):
            named[f"w={word}"] = 1.0
            named[f"c={commodity}|w={word}"] = 1.0
            named[f"g={group}|w={word}"] = 1.0
        for word in set(_WORD.findall(row["title"].lower())):
            named[f"c={commodity}|title={word}"] = 1.0  # a headline word says more than the same word below
        for first, second in set(zip(words, words[1:], strict=False)):
            named[f"g={group}|pair={first}_{second}"] = 1.0  # "export tender", "output cut"
        buckets: dict[int, float] = {}
        for name, value in named.items():
            bucket = _bucket(name)
            buckets[bucket] = buckets.get(bucket, 0.0) + value
        indices.append(np.fromiter(buckets.keys(), dtype=np.int64, count=len(buckets)))
        values.append(np.fromiter(buckets.values(), dtype=np.float32, count=len(buckets)))
    return indices, values


def with_scored_name(candidates: pl.DataFrame) -> pl.DataFrame:
    """Add `scored`: the candidate's commodity as one of the 25 the classifier knows, or null."""
    return candidates.with_columns(
        scored=pl.struct("commodity", "commodity_group").map_elements(
            lambda r: scored_commodity(r["commodity"], r["commodity_group"]), return_dtype=pl.String
        )
    )


def reuters_topics(records) -> dict[str, set[str]]:
    """Reuters-21578 records (dicts with doc_id and topics) → external id → the scored commodities tagged."""
    return {
        f"reuters-{r['doc_id']}": {REUTERS_COMMODITY_TOPICS[t] for t in r["topics"] if t in REUTERS_COMMODITY_TOPICS}
        for r in records
    }


def topic_scores(mentions: pl.DataFrame, articles: pl.DataFrame, model: TopicModel) -> pl.DataFrame:
    """(article_id, commodity, topic_score): the calibrated probability that the article is about it, for the
    commodities the model was trained on (the others have no score; the rules decide for them)."""
    schema = {"article_id": pl.String, "commodity": pl.String, "topic_score": pl.Float64}
    if mentions.is_empty():
        return pl.DataFrame(schema=schema)
    candidates = with_scored_name(candidate_features(mentions, articles)).filter(pl.col("scored").is_not_null())
    if candidates.is_empty():
        return pl.DataFrame(schema=schema)
    scores = model.score(*hashed_features(candidates))
    return candidates.select("article_id", "commodity").with_columns(topic_score=pl.Series(scores).round(4))


def save_model(model: TopicModel, folder: Path, meta: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "weights.npy", model.weights.astype(np.float32), allow_pickle=False)
    meta = {**meta, "hash_bits": HASH_BITS, "bias": model.bias, "threshold": model.threshold}
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


@lru_cache(maxsize=2)
def load_model(folder: Path = MODEL_DIR) -> TopicModel:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta["hash_bits"] != HASH_BITS:
        raise RuntimeError(f"{folder} was trained with {meta['hash_bits']} hash bits, this code uses {HASH_BITS}")
    weights = np.load(folder / "weights.npy", allow_pickle=False)
    return TopicModel(weights=weights, bias=float(meta["bias"]), threshold=float(meta["threshold"]))
