"""Scoring the warehouse against labelled news: pure functions, no data.

The evaluation data is licensed for research use and never lives in this repository: `make eval EVAL_DIR=...`
passes its folder in, `devtools/evaluate.py` builds a warehouse from it in a temporary folder, and the
functions here turn the labels and the warehouse rows into precision, recall and F1.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from wiredesk.gazetteer import Gazetteer
from wiredesk.nlp import article_text
from wiredesk.normalise import PARAGRAPH_SEPARATOR

# OntoNotes labels (spaCy) as CoNLL types; the commodity-news corpus's types likewise.
ONTONOTES_TO_CONLL = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "LAW": "MISC",
    "WORK_OF_ART": "MISC",
    "LANGUAGE": "MISC",
}
COMMODITY_NEWS_TO_CONLL = {
    "PERSON": "PER",
    "ORGANIZATION": "ORG",
    "COUNTRY": "LOC",
    "STATE_OR_PROVINCE": "LOC",
    "LOCATION": "LOC",
    "NATIONALITY": "MISC",
}


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (
            f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"(tp {self.true_positives}, fp {self.false_positives}, fn {self.false_negatives})"
        )


def score_sets(gold: dict[str, set], predicted: dict[str, set]) -> Score:
    """Micro-averaged score of per-document label sets (documents missing from one side count as empty)."""
    tp = fp = fn = 0
    for doc in gold.keys() | predicted.keys():
        g, p = gold.get(doc, set()), predicted.get(doc, set())
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    return Score(tp, fp, fn)


def label_agreement(pairs: Iterable[tuple[str, str]], labels: dict[str, set]) -> tuple[int, Score]:
    """How far the labels of documents that ought to carry the same labels agree with each other.

    Either side of a pair may stand as the gold: micro F1 is the same both ways round. Returns the number of pairs
    with a label on either side (pairs with none add nothing to the score) and the score.
    """
    first, second = {}, {}
    for index, (one, other) in enumerate(pairs):
        first[index], second[index] = labels.get(one, set()), labels.get(other, set())
    labelled = sum(1 for index in first if first[index] or second[index])
    return labelled, score_sets(first, second)


def exact_duplicate_pairs(records: Iterable[dict]) -> list[tuple[str, str]]:
    """(first, later) Reuters ids of records whose headline and body are the same text."""
    first_seen: dict[tuple[str, str], str] = {}
    pairs = []
    for record in records:
        key = (record.get("title", "").strip(), record.get("body", "").strip())
        if not all(key):
            continue  # not an article: the pipeline never loads it
        doc = f"reuters-{record['doc_id']}"
        if key in first_seen:
            pairs.append((first_seen[key], doc))
        else:
            first_seen[key] = doc
    return pairs


def reuters_place_codes(places: Iterable[str], gazetteer: Gazetteer) -> tuple[set[str], set[str]]:
    """Reuters PLACES codes ("usa", "west-germany") as ISO alpha-2 codes, and the codes that did not map."""
    codes, unmapped = set(), set()
    for place in places:
        found = gazetteer.codes.get(place.upper()) or gazetteer.place(place.replace("-", " "))
        if found is not None and found.kind == "country":
            codes.add(found.country_code)
        else:
            unmapped.add(place)
    return codes, unmapped


def _reuters_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return datetime.strptime(value.strip().split(".")[0], "%d-%b-%Y %H:%M:%S").isoformat() + "+00:00"
    except ValueError:
        return None


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def reuters_articles(path: Path, limit: int | None = None) -> Iterator[dict]:
    """Reuters-21578 records as wiredesk JSONL articles; `id` keeps the doc_id for scoring."""
    for count, record in enumerate(read_jsonl(path)):
        if limit is not None and count >= limit:
            return
        if record.get("title", "").strip() and record.get("body", "").strip():
            yield {
                "id": f"reuters-{record['doc_id']}",
                "title": record["title"],
                "body": record["body"],
                "published_at": _reuters_date(record.get("date")),
                "source": "Reuters-21578",
            }


COMMODITY_NEWS_SOURCE = "commodity-news"


def commodity_news_articles(path: Path) -> Iterator[dict]:
    """Commodity-news-corpus records as articles: the doc_id slug as the title, the text as the body."""
    for record in read_jsonl(path):
        yield {
            "id": f"cnc-{record['doc_id']}",
            "title": re.sub(r"[-_]+", " ", record["doc_id"]).strip(),
            "body": record["text"],
            "source": COMMODITY_NEWS_SOURCE,
        }


def align_offsets(original: str, normalised: str) -> list[int]:
    """For each character index of `original`, the index of the same non-space character in `normalised`.

    Normalisation only changes whitespace, so the non-space characters of both texts are the same sequence;
    whitespace in `original` maps to the next non-space character's place.
    """
    mapping = [0] * (len(original) + 1)
    j = 0
    for i, char in enumerate(original):
        if char.isspace():
            mapping[i] = j
            continue
        while j < len(normalised) and normalised[j] != char:
            j += 1
        mapping[i] = j
        j += 1
    mapping[len(original)] = len(normalised)
    return mapping


def gold_spans_in_body(record: dict, body: str) -> list[tuple[int, int, str, str]]:
    """The corpus's annotated spans as (start, end, type, text) offsets into our normalised body."""
    text = record["text"]
    mapping = align_offsets(text, body)
    spans = []
    for entity in record["entities"]:
        start, end = entity["start"], entity["end"]
        if text[start:end].strip():
            new_start, new_end = mapping[start], mapping[end - 1] + 1
            spans.append((new_start, new_end, entity["type"], body[new_start:new_end]))
    return spans


def score_spans(gold: Iterable[tuple], predicted: Iterable[tuple]) -> Score:
    """Exact-match score of (doc, start, end, type) tuples."""
    gold_set, predicted_set = set(gold), set(predicted)
    tp = len(gold_set & predicted_set)
    return Score(tp, len(predicted_set) - tp, len(gold_set) - tp)


@dataclass(frozen=True)
class AnnotatedStory:
    """A story with hand-marked names: `spans` are (field, start, end, CoNLL type) into `title` / `body`."""

    story_id: str
    title: str
    body: str
    spans: tuple[tuple[str, int, int, str], ...]


_INLINE_NAME = re.compile(r"\[(PER|ORG|LOC|MISC) ([^\[\]]+)\]")


def _strip_marks(marked: str, field: str) -> tuple[str, list[tuple[str, int, int, str]]]:
    text, spans, cursor = [], [], 0
    length = 0
    for match in _INLINE_NAME.finditer(marked):
        before = marked[cursor : match.start()]
        text.append(before)
        length += len(before)
        name = match.group(2)
        spans.append((field, length, length + len(name), match.group(1)))
        text.append(name)
        length += len(name)
        cursor = match.end()
    text.append(marked[cursor:])
    plain = "".join(text)
    if "[" in plain or "]" in plain:
        raise ValueError(f"malformed mark in: {marked[:80]!r}")
    return plain, spans


def parse_annotated_stories(text: str) -> list[AnnotatedStory]:
    """Stories written as `=== id`, a title line, then paragraphs, names marked inline as `[ORG Reuters]`.

    Lines starting with '#' before the first story are comments. Paragraphs are joined by a blank line, the
    way articles are stored.
    """
    stories = []
    for block in re.split(r"^=== ", text, flags=re.MULTILINE)[1:]:
        story_id, title_line, *paragraphs = [line for line in block.splitlines() if line.strip()]
        title, title_spans = _strip_marks(title_line.strip(), "title")
        body, body_spans = _strip_marks(PARAGRAPH_SEPARATOR.join(p.strip() for p in paragraphs), "body")
        stories.append(AnnotatedStory(story_id.strip(), title, body, tuple(title_spans + body_spans)))
    return stories


ANNOTATED_STORIES_SOURCE = "wiredesk-stories"


def story_articles(stories: Iterable[AnnotatedStory], source: str = ANNOTATED_STORIES_SOURCE) -> Iterator[dict]:
    """The stories as wiredesk JSONL articles; `id` keeps the story id for scoring."""
    for story in stories:
        yield {"id": story.story_id, "title": story.title, "body": story.body, "source": source}


def story_gold(stories: Iterable[AnnotatedStory]) -> list[tuple[str, str, int, int, str]]:
    """(story id, field, start, end, CoNLL type) of every marked name."""
    return [(story.story_id, *span) for story in stories for span in story.spans]


def name_errors(
    stories: Iterable[AnnotatedStory], gold: Iterable[tuple], predicted: Iterable[tuple]
) -> dict[str, Counter[str]]:
    """The errors of `predicted` against `gold` ((story id, field, start, end, type) tuples), by kind, each
    counted by the words it covers: "wrong type" (the span is right, the type not: "Pfizer (PER, gold ORG)"),
    "spurious" (a span gold does not have) and "missed" (a gold span not
    predicted). A span with a wrong boundary is one spurious and one missed."""
    texts = {story.story_id: {"title": story.title, "body": story.body} for story in stories}
    gold_types = {span[:4]: span[4] for span in gold}
    predicted_types = {span[:4]: span[4] for span in predicted}

    def words(span: tuple) -> str:
        doc, field, start, end = span
        return texts[doc][field][start:end]

    errors: dict[str, Counter[str]] = {"wrong type": Counter(), "spurious": Counter(), "missed": Counter()}
    for span, kind in predicted_types.items():
        if span not in gold_types:
            errors["spurious"][f"{words(span)} ({kind})"] += 1
        elif gold_types[span] != kind:
            errors["wrong type"][f"{words(span)} ({kind}, gold {gold_types[span]})"] += 1
    for span, kind in gold_types.items():
        if span not in predicted_types:
            errors["missed"][f"{words(span)} ({kind})"] += 1
    return errors


def raw_model_spans(stories: Iterable[AnnotatedStory], nlp) -> list[tuple[str, str, int, int, str]]:
    """What the spaCy model alone finds in the stories, its labels as CoNLL types: the baseline."""
    spans = []
    for story in stories:
        body_offset = len(story.title) + len(PARAGRAPH_SEPARATOR)
        for ent in nlp(article_text(story.title, story.body)).ents:
            if ent.label_ in ONTONOTES_TO_CONLL:
                field, offset = ("title", 0) if ent.start_char < body_offset else ("body", body_offset)
                spans.append(
                    (
                        story.story_id,
                        field,
                        ent.start_char - offset,
                        ent.end_char - offset,
                        ONTONOTES_TO_CONLL[ent.label_],
                    )
                )
    return spans
