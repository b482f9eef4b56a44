"""The shipped news NER model: loads from the repository, holds no training text, finds what the small model misses."""

import json
from pathlib import Path

import spacy

from tests.conftest import materialize_warehouse, query
from wiredesk.nlp import BASE_MODEL, ENTITY_LABELS, UNUSED_COMPONENTS, load_pipeline
from wiredesk.settings import DEFAULT_MODEL

# Written for this test: a sports result and company news, where the small model finds no organisation.
STORY = (
    "Arsenal go top\n"
    "Arsenal beat Tottenham 2-1 on Saturday to go top of the table.\n"
    "Codelco said on Monday that copper output at its mines in Chile rose 4 percent.\n"
)


def test_the_default_model_is_the_one_in_the_repository():
    model_dir = Path(DEFAULT_MODEL)
    assert model_dir.parent.name == "models" and (model_dir / "meta.json").is_file()
    nlp = load_pipeline(DEFAULT_MODEL)
    assert nlp.meta["name"] == "wiredesk_news_ner"
    assert set(ENTITY_LABELS) - {"LANGUAGE"} <= set(nlp.get_pipe("ner").labels)


def test_the_shipped_model_stores_no_word_of_its_training_texts():
    shipped = json.loads((Path(DEFAULT_MODEL) / "vocab" / "strings.json").read_text(encoding="utf-8"))
    base = spacy.load(BASE_MODEL, exclude=UNUSED_COMPONENTS)
    assert set(shipped) <= set(base.vocab.strings)


def test_the_pipeline_finds_organisations_the_small_model_misses(tmp_path):
    small = {(ent.text, ent.label_) for ent in load_pipeline(BASE_MODEL)(STORY).ents}
    assert not {("Arsenal", "ORG"), ("Tottenham", "ORG"), ("Codelco", "ORG")} & small

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(folder, db).success
    found = set(query(db, "select canonical_name, entity_type from entities"))
    assert {("Arsenal", "ORG"), ("Tottenham", "ORG"), ("Codelco", "ORG"), ("Chile", "GPE")} <= found
