"""Tone: whether a sentence reads as good or bad news, from -1 (bad) to 1 (good).

Tone is the sentence's polarity for the market it is about, read the way a desk reads a wire: prices, output,
profits or exports going up is good news and going down bad; costs, deficits, debts or tariffs going up is bad
news, and going down good ("the tariffs will be averted"); strikes, droughts, bans and failed talks are bad,
breakthroughs, discoveries and recoveries good; "not" turns a cue round. It is the sentence's polarity, not a
forecast: "prices fell" is bad news even for a buyer (and a commodity mention's `direction` still says which
way its price moved).

Two parts, both shipped in the repository:
- `wiredesk/data/tone_lexicon.csv`: cue words written for this project (direction words, the quantities they
  move and whether up is good for them, events, words that end an event, negators); `cues` finds "prices
  rose", "costs rose", "the strike ended", "strike".
- `models/tone/`: a linear classifier (negative, neutral, positive) over the cues and the sentence's words,
  trained by `devtools/train_tone.py` on hand-labelled Reuters-21578 sentences (`devtools/data/`). NumPy weights
  loaded with pickles refused, and `meta.json`.

`tone` is P(positive) - P(negative); a sentence is called positive or negative when |tone| passes the threshold
in `meta.json`. `tone_terms` lists what carried it: each cue and learned word with its signed weight.
"""

from __future__ import annotations

import csv
import json
import re
import string
import zlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from wiredesk.commodities import commodity_words
from wiredesk.shipped import data_file, models_dir
from wiredesk.tables import TONE_TERM_SCHEMA

MODEL_DIR = models_dir() / "tone"
LEXICON_PATH = data_file("tone_lexicon.csv")
HASH_BITS = 15
CLASSES = ("negative", "neutral", "positive")
# The cue counts the classifier reads beside the words, in this order.
CUE_FEATURES = (
    "change_good",  # a quantity moved the good way: "prices rose", "costs fell"
    "change_bad",  # "output fell", "debt rose"
    "change_good_far",  # the same, the quantity further back: "Exports of maize ... 37 pct up"
    "change_bad_far",
    "first_change_good",  # the sentence's first change, counted again: its main news ("Oil rose ... on worries")
    "first_change_bad",
    "change_up",  # a rise of something the lexicon cannot place: "rose 5 pct"
    "change_down",
    "event_good",  # "breakthrough", "recovery", "discovery"
    "event_bad",  # "strike", "drought", "ban"
    "headline",  # an ALL-CAPS headline: terse, and more often polar
    "numbers",  # how many figures it states (up to 5, scaled 0..1): a table row or a statistic is seldom news
    "length",  # its length in words (up to 40, scaled 0..1)
)
_CUE_INDEX = {feature: i for i, feature in enumerate(CUE_FEATURES)}
_NEGATION_SCOPE = 3  # words after "not", "no", "without" whose cue is turned round
_QUANTITY_BEFORE = 4  # how far back a direction word looks for what moved ("prices for May rose")
_QUANTITY_AFTER = 4  # and forward ("raised its posted prices")
_MAX_CUE_COUNT = 3
_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Lexicon:
    direction: dict[str, int]  # +1 up, -1 down
    event: dict[str, int]  # +1 good, -1 bad
    quantity: dict[str, int]  # +1 up is good, -1 up is bad, 0 up is neither
    negators: frozenset[str]
    stops: frozenset[str]  # "ended": the end of the event next to it ("the strike ended", "ended the dispute")
    particle_verbs: frozenset[str]  # "set": its "up" is a particle ("set up a unit"), not a rise
    # word -> what the lexicon says of it: a wire's vocabulary is small, so each word is looked up once
    _directions: dict[str, int | None] = field(default_factory=dict, compare=False, repr=False)
    _quantities: dict[str, int | None] = field(default_factory=dict, compare=False, repr=False)

    def direction_of(self, word: str) -> int | None:
        return _memoised(self._directions, self.direction, word)

    def quantity_of(self, word: str) -> int | None:
        return _memoised(self._quantities, self.quantity, word)


def _memoised(memo: dict[str, int | None], table: dict[str, int], word: str) -> int | None:
    try:
        return memo[word]
    except KeyError:
        found = memo[word] = _find(word, table)
        return found


def _commodity_words() -> dict[str, int]:
    """The catalogue's one-word commodity names: "butane rose" speaks of butane's price, which up is good."""
    return dict.fromkeys(commodity_words(), 1)


@lru_cache(maxsize=1)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    direction, event, quantity, negators, stops, particle_verbs = {}, {}, {}, set(), set(), set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            term, cue = row["term"], row["cue"]
            if cue in ("up", "down"):
                direction[term] = 1 if cue == "up" else -1
            elif cue in ("good", "bad"):
                event[term] = 1 if cue == "good" else -1
            elif cue.endswith("_quantity"):
                quantity[term] = {"good_quantity": 1, "bad_quantity": -1, "neutral_quantity": 0}[cue]
            elif cue == "negator":
                negators.add(term)
            elif cue == "stop":
                stops.add(term)
            elif cue == "particle_verb":
                particle_verbs.add(term)
            else:
                raise ValueError(f"{path}: unknown cue {cue!r} for {term!r}")
    quantity = {**_commodity_words(), **quantity}
    return Lexicon(direction, event, quantity, frozenset(negators), frozenset(stops), frozenset(particle_verbs))


@dataclass(frozen=True)
class Cue:
    start: int  # character offsets into the sentence
    end: int
    term: str  # the words as written: "prices rose", "strike"
    feature: str  # one of CUE_FEATURES
    polarity: int  # +1 good news, -1 bad news, 0 a change whose sign the lexicon cannot place


def words(text: str) -> list[tuple[str, int, int]]:
    """The sentence's words, lower-cased, with their offsets."""
    return [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _base_forms(word: str) -> tuple[str, ...]:
    """The word and the forms it may be an inflection of, so the lexicon lists "lower" and finds "lowers"."""
    forms = [word]
    for suffix, replacements in (("ing", ("", "e")), ("ed", ("", "e")), ("es", ("",)), ("s", ("",))):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms.extend(word[: -len(suffix)] + r for r in replacements)
    return tuple(forms)


def _find(word: str, table: dict[str, int]) -> int | None:
    for form in _base_forms(word):
        if form in table:
            return table[form]
    return None


def _moved_quantity(text: str, tokens: list[tuple[str, int, int]], i: int, lexicon: Lexicon) -> tuple[int, bool] | None:
    """The index of the quantity a direction word at `i` speaks of, and whether it is near: the nearest one
    before it, else its object after it, else the last one earlier in the sentence. An event can be the object
    ("avert a dispute", "ease tensions"): less of a bad event is good news. The object comes first after a noun
    ("a rise in prices", "easing of concern") and after a participle that opens a clause (", raising questions"):
    there the word before is not what moved."""
    after_noun = i + 1 < len(tokens) and tokens[i + 1][0] in ("of", "in")
    object_first = after_noun or _object_follows(text, tokens, i, lexicon)
    participle = tokens[i][0].endswith("ing") and i > 0 and "," in text[tokens[i - 1][2] : tokens[i][1]]
    if not (object_first or participle):
        for j in range(i - 1, max(i - _QUANTITY_BEFORE, 0) - 1, -1):
            if lexicon.quantity_of(tokens[j][0]) is not None:
                return j, True
    for j in range(i + 1, min(i + _QUANTITY_AFTER, len(tokens) - 1) + 1):
        if quantity_goodness(tokens[j][0], lexicon) is not None:
            # a compound's head is its last word: "easing trade tensions" eases tensions
            while (
                j + 1 < len(tokens)
                and quantity_goodness(tokens[j + 1][0], lexicon) is not None
                and _joined(text, tokens, j)
            ):
                j += 1
            return j, True
    if participle:
        return None
    if object_first:
        for j in range(i - 1, max(i - _QUANTITY_BEFORE, 0) - 1, -1):
            if lexicon.quantity_of(tokens[j][0]) is not None:
                return j, True
    for j in range(i - _QUANTITY_BEFORE - 1, -1, -1):
        if lexicon.quantity_of(tokens[j][0]) is not None:
            return j, False
    return None


_STOCK_WORDS = frozenset(("stock", "stocks"))
_DETERMINERS = frozenset(("the", "a", "an", "its", "their", "his", "her", "our", "this", "that"))


def _joined(text: str, tokens: list[tuple[str, int, int]], j: int) -> bool:
    """Whether word j and the next are one phrase: no punctuation between them."""
    return not text[tokens[j][2] : tokens[j + 1][1]].strip()


def _object_follows(text: str, tokens: list[tuple[str, int, int]], i: int, lexicon: Lexicon) -> bool:
    """Whether a quantity follows the direction word at once, as its object ("have reduced supply", "raised
    its prices")."""
    j = i + 1
    if j < len(tokens) and tokens[j][0] in _DETERMINERS and _joined(text, tokens, i):
        j, i = j + 1, j
    return j < len(tokens) and _joined(text, tokens, i) and lexicon.quantity_of(tokens[j][0]) is not None


def quantity_goodness(word: str, lexicon: Lexicon) -> int | None:
    """+1 when more of it is good news, -1 when bad, 0 when neither, None when it is not a quantity or event."""
    goodness = lexicon.quantity_of(word)
    return lexicon.event.get(word) if goodness is None else goodness


# "prices hit a two-week high", "crude settled at $60", "a four-month low hit on Monday": a price level, not a
# blow or a settlement.
_LEVEL_VERBS = frozenset(("hit", "hits", "settle", "settled", "settles", "touched"))
_LEVELS = frozenset(("high", "highs", "low", "lows", "record", "peak", "at", "up", "down", "higher", "lower", "near"))


def _names_a_level(tokens: list[tuple[str, int, int]], i: int) -> bool:
    if tokens[i][0] not in _LEVEL_VERBS:
        return False
    return (i > 0 and tokens[i - 1][0] in _LEVELS) or any(word in _LEVELS for word, _, _ in tokens[i + 1 : i + 5])


def _not_a_change(text: str, tokens: list[tuple[str, int, int]], i: int, particle_verbs: frozenset[str]) -> bool:
    """ "declined to comment": a refusal, not a fall ("declined to 5 pct" is a fall); "up to 5 pct", "set up",
    "ahead of the holiday": no move at all."""
    word, following = tokens[i][0], tokens[i + 1][0] if i + 1 < len(tokens) else ""
    if word == "up" and (following == "to" or (i > 0 and tokens[i - 1][0] in particle_verbs)):
        return True
    if word == "ahead" and following == "of":
        return True
    if not word.startswith("declin") or i + 1 >= len(tokens) or tokens[i + 1][0] != "to":
        return False
    rest = text[tokens[i + 1][2] :].lstrip()
    return bool(rest) and rest[0].isalpha()


def _stopped_event(tokens: list[tuple[str, int, int]], i: int, lexicon: Lexicon) -> int | None:
    """The event a stop word ends: the word before it ("the strike ended") or one of the three after it
    ("ended the two-week strike")."""
    if i > 0 and tokens[i - 1][0] in lexicon.event:
        return i - 1
    for j in range(i + 1, min(i + 4, len(tokens))):
        if tokens[j][0] in lexicon.event:
            return j
    return None


def _negation_flips(tokens: list[tuple[str, int, int]], lexicon: Lexicon) -> list[int]:
    """-1 for each word within reach of a negator before it ("did not rise"), else 1."""
    flips, negated_until = [], -1
    for i, (word, _, _) in enumerate(tokens):
        flips.append(-1 if i <= negated_until else 1)
        if word in lexicon.negators:
            negated_until = i + _NEGATION_SCOPE
    return flips


def cues(text: str, lexicon: Lexicon | None = None, tokens: list[tuple[str, int, int]] | None = None) -> list[Cue]:
    """The lexicon's cues in one sentence, negation applied, in order. Changes first: a quantity that a direction
    word moved ("tariffs will be averted", "easing tensions") is not also an event of its own."""
    lexicon = lexicon or load_lexicon()
    tokens = words(text) if tokens is None else tokens
    flips = _negation_flips(tokens, lexicon)
    found: list[Cue] = []
    moved_words: set[int] = set()
    directed: set[int] = set()
    for i, (word, start, end) in enumerate(tokens):
        if word in lexicon.stops:
            stopped = _stopped_event(tokens, i, lexicon)
            if stopped is not None:
                moved_words.add(stopped)
                polarity = -lexicon.event[tokens[stopped][0]] * flips[i]
                lo, hi = min(start, tokens[stopped][1]), max(end, tokens[stopped][2])
                found.append(Cue(lo, hi, text[lo:hi], "change_good" if polarity > 0 else "change_bad", polarity))
            continue
        direction = lexicon.direction_of(word)
        if direction is None or word in lexicon.negators or _not_a_change(text, tokens, i, lexicon.particle_verbs):
            continue
        directed.add(i)
        sign = direction * flips[i]
        moved = _moved_quantity(text, tokens, i, lexicon)
        if moved is None:
            found.append(Cue(start, end, text[start:end], "change_up" if sign > 0 else "change_down", 0))
            continue
        j, near = moved
        goodness = quantity_goodness(tokens[j][0], lexicon)
        if goodness == 0 and tokens[j][0] in _STOCK_WORDS and j and tokens[j - 1][0].endswith("'s"):
            goodness = 1  # "Purolator's stock climbed": a company's stock is its share price, not an inventory
        if goodness == 0:  # stocks, imports, quotas: their moves are not good or bad news by themselves
            continue
        moved_words.add(j)
        polarity = sign * goodness
        feature = ("change_good" if polarity > 0 else "change_bad") + ("" if near else "_far")
        lo, hi = (min(start, tokens[j][1]), max(end, tokens[j][2])) if near else (start, end)
        found.append(Cue(lo, hi, text[lo:hi], feature, polarity))
    for i, (word, start, end) in enumerate(tokens):
        event = lexicon.event.get(word)  # events match as written: their stems mislead ("according", "goods")
        if event is None or i in directed or i in moved_words or _names_a_level(tokens, i):
            continue
        polarity = event * flips[i]
        found.append(Cue(start, end, text[start:end], "event_good" if polarity > 0 else "event_bad", polarity))
    return sorted(found, key=lambda c: c.start)


# Tables that delete the ASCII capitals, or small letters: counting letters by what a translation drops
_NO_UPPER, _NO_LOWER = str.maketrans("", "", string.ascii_uppercase), str.maketrans("", "", string.ascii_lowercase)
_NUMBER = re.compile(r"\d+(?:[.,/-]\d+)*")


def _is_headline(text: str) -> bool:
    upper, lower = len(text) - len(text.translate(_NO_UPPER)), len(text) - len(text.translate(_NO_LOWER))
    return upper + lower >= 8 and upper / (upper + lower) > 0.8


@lru_cache(maxsize=1 << 18)
def _bucket(name: str) -> int:
    return zlib.crc32(name.encode()) & ((1 << HASH_BITS) - 1)


@dataclass(frozen=True)
class SentenceFeatures:
    text: str
    tokens: list[tuple[str, int, int]]  # words(text)
    buckets: dict[int, list[int]]  # hashed word feature -> the tokens behind it
    cue_counts: np.ndarray  # len(CUE_FEATURES)
    cues: list[Cue]


def sentence_features(text: str, lexicon: Lexicon | None = None) -> SentenceFeatures:
    """What the classifier reads: the words (a word after a negator is its own feature) and the cue counts."""
    lexicon = lexicon or load_lexicon()
    tokens = words(text)
    found = cues(text, lexicon, tokens)
    # Counted in a list, made an array once: numpy's per-element calls cost more than the counting
    counts = [0.0] * len(CUE_FEATURES)
    for cue in found:
        counts[_CUE_INDEX[cue.feature]] += 1
    first_change = next((c for c in found if c.feature in ("change_good", "change_bad")), None)
    if first_change is not None:
        counts[_CUE_INDEX[f"first_{first_change.feature}"]] = 1
    counts = [min(count, _MAX_CUE_COUNT) for count in counts]
    counts[_CUE_INDEX["headline"]] = float(_is_headline(text))
    counts[_CUE_INDEX["numbers"]] = min(len(_NUMBER.findall(text)), 5) / 5
    counts[_CUE_INDEX["length"]] = min(len(tokens), 40) / 40
    buckets: dict[int, list[int]] = {}
    negated_until = -1
    for i, (word, _, _) in enumerate(tokens):
        buckets.setdefault(_bucket(f"not_{word}" if i <= negated_until else word), []).append(i)
        if word in lexicon.negators:
            negated_until = i + _NEGATION_SCOPE
    return SentenceFeatures(text, tokens, buckets, np.array(counts, dtype=np.float32), found)


@dataclass(frozen=True)
class ToneModel:
    word_weights: np.ndarray  # (2**HASH_BITS, 3) float32
    cue_weights: np.ndarray  # (len(CUE_FEATURES), 3)
    bias: np.ndarray  # (3,)
    threshold: float  # |tone| at which a sentence is called positive or negative

    def probabilities(self, features: list[SentenceFeatures]) -> np.ndarray:
        logits = np.empty((len(features), len(CLASSES)), dtype=np.float64)
        for row, f in enumerate(features):
            logits[row] = self.bias + f.cue_counts @ self.cue_weights
            if f.buckets:
                logits[row] += self.word_weights[list(f.buckets)].sum(axis=0)
        logits -= logits.max(axis=1, keepdims=True)
        odds = np.exp(logits)
        return odds / odds.sum(axis=1, keepdims=True)

    def tone(self, features: list[SentenceFeatures]) -> np.ndarray:
        p = self.probabilities(features)
        return p[:, 2] - p[:, 0]

    @cached_property
    def _pushes(self) -> tuple[list[float], list[float]]:
        """Each cue's and each word bucket's log-odds of positive over negative, as Python floats: indexing numpy
        once per word cost more than the rest of a sentence's terms."""
        return (
            (self.cue_weights[:, 2] - self.cue_weights[:, 0]).tolist(),
            (self.word_weights[:, 2] - self.word_weights[:, 0]).tolist(),
        )

    def label(self, tone: float) -> str:
        return "positive" if tone >= self.threshold else "negative" if tone <= -self.threshold else "neutral"

    def terms(self, features: SentenceFeatures, min_weight: float = 0.5) -> list[tuple[str, int, int, float]]:
        """(term, start, end, weight) behind one sentence's tone: each cue, and each word whose learned weight
        pushes the sentence towards good (weight > 0) or bad news by at least `min_weight` (log-odds of positive
        over negative)."""
        cue_push, word_push = self._pushes
        out = [(c.term, c.start, c.end, cue_push[_CUE_INDEX[c.feature]]) for c in features.cues]
        covered = {(c.start, c.end) for c in features.cues}
        for bucket, token_indices in features.buckets.items():
            push = word_push[bucket]
            if abs(push) >= min_weight:
                for i in token_indices:
                    _, start, end = features.tokens[i]
                    if (start, end) not in covered:
                        out.append((features.text[start:end], start, end, push))
        return sorted(out, key=lambda t: t[1])


def save_model(model: ToneModel, folder: Path, meta: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "word_weights.npy", model.word_weights.astype(np.float32), allow_pickle=False)
    np.save(folder / "cue_weights.npy", model.cue_weights.astype(np.float32), allow_pickle=False)
    meta = {
        **meta,
        "hash_bits": HASH_BITS,
        "classes": list(CLASSES),
        "cue_features": list(CUE_FEATURES),
        "bias": [float(b) for b in model.bias],
        "threshold": model.threshold,
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


@lru_cache(maxsize=2)
def load_model(folder: Path = MODEL_DIR) -> ToneModel:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta["hash_bits"] != HASH_BITS or tuple(meta["cue_features"]) != CUE_FEATURES:
        raise RuntimeError(f"{folder} was trained for other features than this code reads: retrain it")
    return ToneModel(
        word_weights=np.load(folder / "word_weights.npy", allow_pickle=False),
        cue_weights=np.load(folder / "cue_weights.npy", allow_pickle=False),
        bias=np.asarray(meta["bias"], dtype=np.float64),
        threshold=float(meta["threshold"]),
    )


def sentence_tones(sentences: pl.DataFrame, model: ToneModel | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`sentences` (SENTENCE_SCHEMA) with `tone` (-1..1) added, and the terms that carried each sentence's tone
    (TONE_TERM_SCHEMA). wiredesk/results.py then reads each sentence's moves (`lean_on_moves`)."""
    model = model or load_model()
    if sentences.is_empty():
        return sentences.with_columns(tone=pl.lit(None, pl.Float64)), pl.DataFrame(schema=TONE_TERM_SCHEMA)
    lexicon = load_lexicon()
    features = [sentence_features(text, lexicon) for text in sentences["sentence_text"]]
    tones = model.tone(features)
    rows = []
    keys = sentences.select("article_id", "field", "sentence_index", "start_char").iter_rows()
    for (article_id, field_name, index, offset), f in zip(keys, features, strict=True):
        cue_spans = {(c.start, c.end) for c in f.cues}
        for term, start, end, weight in model.terms(f):
            source = "lexicon" if (start, end) in cue_spans else "learned"
            rows.append((article_id, field_name, index, offset + start, offset + end, term, round(weight, 4), source))
    return (
        sentences.with_columns(tone=pl.Series(np.round(tones, 4), dtype=pl.Float64)),
        pl.DataFrame(rows, schema=TONE_TERM_SCHEMA, orient="row"),
    )
