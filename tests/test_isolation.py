"""One article can fail only itself: an error while extracting it, or in the model on its text, rejects that
article with reason `extraction_failed` and the error, and every other article is published.

No known text breaks extraction any more (each one found became a fix and a test elsewhere), so the errors
here are injected: a spaCy component that raises on a marker, and an extraction step that raises on another.
"""

import pytest
from spacy.language import Language

import wiredesk.extraction
from assets.resources import NlpModel
from tests.conftest import materialize_warehouse, query
from wiredesk.nlp import load_pipeline

MODEL_FAILS_ON = "Zorblax"  # in the text, the injected model component raises
EXTRACTION_FAILS_ON = "Quuxville"  # in the title, the injected extraction step raises


@Language.component("wiredesk_test_model_failure")
def model_failure(doc):
    if MODEL_FAILS_ON in doc.text:
        raise ValueError(f"the model cannot read {MODEL_FAILS_ON}")
    return doc


@pytest.fixture
def failing_parts(monkeypatch):
    nlp = load_pipeline.__wrapped__(NlpModel().model)  # a private copy: the cached pipeline stays clean
    nlp.add_pipe("wiredesk_test_model_failure", last=True)
    monkeypatch.setattr(wiredesk.extraction, "load_pipeline", lambda model: nlp)  # what extraction loads
    real_extract = wiredesk.extraction.extract

    def extract(annotations, *args):
        if annotations.articles["title"].str.contains(EXTRACTION_FAILS_ON).any():
            raise RuntimeError(f"extraction cannot place {EXTRACTION_FAILS_ON}")
        return real_extract(annotations, *args)

    monkeypatch.setattr(wiredesk.extraction, "extract", extract)


def test_a_failing_article_is_rejected_and_its_neighbours_published(tmp_path, failing_parts):
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(6):
        (folder / f"good_{i}.txt").write_text(f"Copper report {i}\nCopper rose {i} percent in Santiago, Chile.\n")
    (folder / "model.txt").write_text(f"Zinc news\nZinc rose as {MODEL_FAILS_ON} Mining said output fell.\n")
    (folder / "extract.txt").write_text(f"Gold in {EXTRACTION_FAILS_ON}\nGold rose in London on Monday.\n")
    db = tmp_path / "w.duckdb"

    result = materialize_warehouse(folder, db, raise_on_error=False)

    assert result.success
    assert sorted(row[0] for row in query(db, "select source_path from articles")) == [
        f"good_{i}.txt" for i in range(6)
    ]
    rejected = dict(
        (path, (reason, detail))
        for path, reason, detail in query(db, "select source_path, reason, detail from rejected_articles")
    )
    assert rejected.keys() == {"model.txt", "extract.txt"}
    assert rejected["model.txt"] == ("extraction_failed", f"ValueError: the model cannot read {MODEL_FAILS_ON}")
    assert rejected["extract.txt"] == (
        "extraction_failed",
        f"RuntimeError: extraction cannot place {EXTRACTION_FAILS_ON}",
    )
    # the good articles were extracted in full, whichever chunk they shared with a failing one
    assert query(db, "select count(distinct article_id) from commodity_mentions where commodity = 'copper'") == [(6,)]
    assert query(db, "select count(*) from entity_mentions where mention_text = 'Santiago'") == [(6,)]
    assert query(db, "select count(*) from entity_mentions where mention_text in ('London', 'Zinc')") == [(0,)]
    materialized = {
        event.asset_key.to_user_string(): event.step_materialization_data.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    assert materialized["staging/entity_mentions"]["extraction_failed"].value == 2
