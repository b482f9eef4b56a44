"""The project's hand-annotated wire stories: the marks parse, and the real pipeline beats the raw model on them.

The stories (`tests/data/annotated_stories.txt`) were written and marked by hand for this project, in the
CoNLL-2003 style news NER is scored in; `make eval` prints the same figures.
"""

import json
from pathlib import Path

import duckdb
import pytest

from devtools.evaluate import predicted_names
from devtools.scoring import (
    ANNOTATED_STORIES_SOURCE,
    parse_annotated_stories,
    raw_model_spans,
    score_spans,
    story_articles,
    story_gold,
)
from tests.conftest import materialize_warehouse
from wiredesk.nlp import BASE_MODEL, load_pipeline

STORIES_FILE = Path(__file__).parent / "data" / "annotated_stories.txt"


@pytest.fixture(scope="module")
def stories():
    return parse_annotated_stories(STORIES_FILE.read_text(encoding="utf-8"))


def test_marks_parse_into_offsets_of_the_plain_text(stories):
    assert len(stories) >= 10
    marked = STORIES_FILE.read_text(encoding="utf-8")
    for story in stories:
        assert "[" not in story.title + story.body
        for field, start, end, kind in story.spans:
            name = (story.title if field == "title" else story.body)[start:end]
            assert f"[{kind} {name}]" in marked
    assert {kind for story in stories for *_, kind in story.spans} == {"PER", "ORG", "LOC", "MISC"}


def test_a_malformed_mark_is_an_error():
    with pytest.raises(ValueError, match="malformed"):
        parse_annotated_stories("=== x\nTitle\n[ORG Reuters said.\n")


def test_the_pipeline_finds_names_better_than_the_raw_model(stories, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "stories.jsonl").write_text("".join(json.dumps(a) + "\n" for a in story_articles(stories)))
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(folder, db).success
    with duckdb.connect(str(db), read_only=True) as con:
        predicted = predicted_names(con, ANNOTATED_STORIES_SOURCE)
    gold = story_gold(stories)
    pipeline = score_spans(gold, predicted)
    raw = score_spans(gold, raw_model_spans(stories, load_pipeline(BASE_MODEL)))
    # Measured: raw model F1 0.66, pipeline 0.86 (make eval prints both).
    assert pipeline.f1 >= 0.80, pipeline
    assert pipeline.f1 >= raw.f1 + 0.10, (pipeline, raw)
    assert pipeline.precision >= raw.precision and pipeline.recall >= raw.recall
