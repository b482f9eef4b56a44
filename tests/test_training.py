"""Training data for the shipped news NER model: CoNLL records read and labelled as the pipeline sees them.

The records here are written by the test in the CoNLL JSONL form; the real training file is never read.
"""

import json

import pytest

from devtools.conll import conll_story, read_conll_stories
from devtools.train_ner import fine_type, training_example
from wiredesk.gazetteer import load_gazetteer
from wiredesk.nlp import BASE_MODEL, load_pipeline

TITLE = "SOCCER - KEANE SCORES AS CELTIC BEAT RANGERS ."
BODY = (
    "GLASGOW 1996-08-30\nRoy  Keane scored twice as Celtic beat Rangers 2-0 on Saturday .\nThe Scottish league leaders"
)


def record() -> dict:
    names = [("title", "KEANE", "PER"), ("title", "CELTIC", "ORG"), ("title", "RANGERS", "ORG")]
    names += [("body", "GLASGOW", "LOC"), ("body", "Roy  Keane", "PER"), ("body", "Celtic", "ORG")]
    names += [("body", "Rangers", "ORG"), ("body", "Scottish", "MISC")]
    entities = []
    for field, text, kind in names:
        start = (TITLE if field == "title" else BODY).index(text)
        entities.append({"field": field, "start": start, "end": start + len(text), "type": kind})
    return {"doc_id": 7, "title": TITLE, "body": BODY, "entities": entities}


def test_a_record_becomes_a_story_with_one_paragraph_a_line_and_its_names_moved_with_the_text():
    story = conll_story(record())
    assert story.story_id == "conll-7"
    assert story.body.split("\n\n")[1].startswith("Roy Keane scored")  # the double space folded
    names = [((story.title if f == "title" else story.body)[s:e], kind) for f, s, e, kind in story.spans]
    assert names == [
        ("KEANE", "PER"),
        ("CELTIC", "ORG"),
        ("RANGERS", "ORG"),
        ("GLASGOW", "LOC"),
        ("Roy Keane", "PER"),
        ("Celtic", "ORG"),
        ("Rangers", "ORG"),
        ("Scottish", "MISC"),
    ]


def test_stories_are_read_from_a_jsonl_file(tmp_path):
    path = tmp_path / "train.jsonl"
    empty = {"doc_id": 8, "title": " ", "body": "", "entities": []}
    path.write_text(json.dumps(record()) + "\n" + json.dumps(empty) + "\n", encoding="utf-8")
    assert [story.story_id for story in read_conll_stories(path)] == ["conll-7"]


def test_gold_classes_get_ontonotes_types_from_the_base_model_then_the_gazetteer():
    gazetteer = load_gazetteer()
    assert fine_type("Celtic", "ORG", [(6, "NORP")], gazetteer) == "ORG"  # the model's type disagrees: class default
    assert fine_type("Glasgow", "LOC", [], gazetteer) == "GPE"  # the gazetteer knows the city
    assert fine_type("Danube", "LOC", [(6, "LOC")], gazetteer) == "LOC"
    assert fine_type("Scottish", "MISC", [(8, "NORP")], gazetteer) == "NORP"
    assert fine_type("Euro 96", "MISC", [], gazetteer) == "EVENT"


def test_a_training_example_is_the_text_the_model_sees_with_gold_names():
    base = load_pipeline(BASE_MODEL)
    example = training_example(conll_story(record()), base, base, load_gazetteer())
    text = example.predicted.text
    assert text.startswith("Soccer - Keane scores as Celtic beat Rangers")  # the headline truecased as at run time
    gold = [(ent.text, ent.label_) for ent in example.reference.ents]
    assert ("Keane", "PERSON") in gold and ("Roy Keane", "PERSON") in gold
    assert ("GLASGOW", "GPE") in gold
    assert [ent.label_ for ent in example.reference.ents if ent.text == "Celtic"] == ["ORG", "ORG"]
    # Paragraph boundaries are set as the pipeline sets them.
    assert sum(1 for token in example.predicted if token.is_sent_start) >= 3


@pytest.mark.slow
def test_training_writes_a_model_that_loads_and_keeps_only_the_base_strings(tmp_path):
    from devtools.train_ner import train

    invented = "Zqxwvbnm"  # a word only this training text has
    records = [{**record(), "doc_id": i, "body": f"{BODY}\n{invented} Ltd said nothing ."} for i in range(20)]
    train_file = tmp_path / "train.jsonl"
    train_file.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    output = tmp_path / "model"
    score = train(train_file, output, epochs=2, seed=0, dropout=0.1, batch_size=4)
    assert score is not None and score.f1 > 0.5  # two held-out copies of a story it trained on
    assert json.loads((output / "TRAINED_ON.json").read_text())["epoch"] in (1, 2)
    model = load_pipeline(str(output))
    assert "ner" in model.pipe_names
    shipped = json.loads((output / "vocab" / "strings.json").read_text(encoding="utf-8"))
    assert invented not in shipped  # the training text's words are not stored
