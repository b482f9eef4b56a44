"""Memory stays bounded whatever one article holds: each hostile article is built in a real run (`python -m
pipelines.run`, as `make run` does) in a child process whose process tree is stopped if it passes the budget."""

import os
import sys
from pathlib import Path

import polars as pl
import pytest

from devtools.hostile_articles import write_hostile
from devtools.memory import run_measured
from tests.conftest import REPO, SEED_FILE, SEEDS, job_env, query
from wiredesk import local_engine
from wiredesk import nlp as nlp_module
from wiredesk.extraction import extract_articles
from wiredesk.nlp import iter_annotations
from wiredesk.settings import DEFAULT_MODEL


@pytest.fixture(scope="module")
def nlp():
    return nlp_module.load_pipeline(DEFAULT_MODEL)


# The run's budget (docs/performance.md): the run's process and its model workers together.
RUN_BUDGET_MB = 2_500


def _run(tmp_path: Path, *hostile: str):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / SEED_FILE).write_bytes((SEEDS / SEED_FILE).read_bytes())
    write_hostile(seeds, *hostile)
    db = tmp_path / "wiredesk.duckdb"
    env = {**job_env(seeds, db, tmp_path / "dagster_home"), "WIREDESK_NLP_PROCESSES": "2"}
    env.pop("WIREDESK_NLP_CHUNK_SIZE")
    run = run_measured([sys.executable, "-m", "pipelines.run"], env=env, budget_mb=RUN_BUDGET_MB, timeout=900)
    assert not run.over_budget, f"the run passed {RUN_BUDGET_MB} MB and was stopped"
    assert run.returncode == 0, run.output[-3000:]
    return db, run


def _accounted_for(db: Path, name: str) -> str:
    """Where the article went: 'articles', or its rejection reason."""
    if query(db, "select count(*) from articles where source_path = ?", [name])[0][0]:
        return "articles"
    reasons = query(db, "select reason from rejected_articles where source_path = ?", [name])
    assert reasons, f"{name} is in neither articles nor rejected_articles"
    return reasons[0][0]


@pytest.mark.slow
def test_a_dense_report_and_a_run_of_one_word_are_built_within_the_budget(tmp_path):
    db, run = _run(tmp_path, "dense_report.txt", "oil_oil_oil.txt")
    assert _accounted_for(db, "dense_report.txt") == "articles"
    assert _accounted_for(db, "oil_oil_oil.txt") == "articles"
    assert _accounted_for(db, SEED_FILE) == "articles"
    # The report's names and commodities are all there: one OPEC, one New York and one crude oil a sentence.
    opec, sentences = query(
        db,
        """select (select count(*) from entity_mentions join articles using (article_id)
                   where source_path = 'dense_report.txt' and mention_text = 'OPEC'),
                  (select count(*) from sentences join articles using (article_id)
                   where source_path = 'dense_report.txt' and field = 'body')""",
    )[0]
    assert opec == sentences > 13_000


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mixed_wire_copy.txt", "commodity_list.txt"])
def test_five_megabytes_of_wire_copy_or_fifty_thousand_commodity_mentions_stay_within_the_budget(tmp_path, name):
    db, _ = _run(tmp_path, name)
    assert _accounted_for(db, name) in ("articles", "too_complex")
    if name == "commodity_list.txt":
        mentions = query(
            db, "select count(*) from commodity_mentions join articles using (article_id) where source_path = ?", [name]
        )[0][0]
        assert mentions >= 50_000


def _rows(*articles):
    return [(article_id, title, body) for article_id, title, body in articles]


def test_an_article_with_more_names_than_the_limit_is_left_out_as_too_complex(nlp, monkeypatch):
    monkeypatch.setattr(nlp_module, "MAX_NAMES_PER_ARTICLE", 40)
    crowded = " ".join(["Angela Merkel met Emmanuel Macron in Berlin."] * 30)
    rows = _rows(("crowded", "Leaders meet", crowded), ("plain", "Merkel in Paris", "Angela Merkel spoke in Paris."))
    (chunk,) = iter_annotations(rows, nlp, chunk_size=10)
    assert chunk.articles["article_id"].to_list() == ["plain"]
    assert set(chunk.sentences["article_id"]) == {"plain"} == set(chunk.entity_mentions["article_id"])
    assert list(chunk.too_complex) == ["crowded"] and "the limit is 40" in chunk.too_complex["crowded"]

    (result,) = extract_articles(rows, nlp, *_extraction_parts(), chunk_size=10)
    assert [(f.article_id, f.reason) for f in result.failures] == [("crowded", "too_complex")]
    assert result.articles == 2


def _extraction_parts():
    from wiredesk.commodities import default_matcher
    from wiredesk.extraction import Models
    from wiredesk.gazetteer import load_gazetteer
    from wiredesk.tone import load_model as load_tone
    from wiredesk.topics import load_model as load_topics

    return load_gazetteer(), default_matcher(), Models(topics=load_topics(), tone=load_tone())


# Short articles first, then long ones read in batches of 64 pieces: a worker grows about 300 MB on those.
_SMALL = [(f"a{i:03}", "Merkel in Paris", "Angela Merkel spoke in Paris. " * 40) for i in range(100)]
_LARGE = [(f"b{i:03}", "Merkel in Paris", "\n\n".join(["Angela Merkel spoke in Paris. " * 60] * 60)) for i in range(4)]


@pytest.mark.slow
def test_a_worker_past_its_memory_limit_is_stopped_and_its_articles_are_read_again(monkeypatch):
    monkeypatch.setattr(local_engine, "WORKER_MEMORY_HEADROOM", 100 << 20)
    rows = _rows(*_SMALL, *_LARGE)
    results = list(local_engine.extract_in_processes(rows, DEFAULT_MODEL, processes=2, batch_size=64, chunk_size=50))
    warnings = [warning for result in results for warning in result.warnings]
    assert any("past its limit" in warning for warning in warnings), warnings
    assert not [failure for result in results for failure in result.failures]
    mentions = pl.concat([part.entity_mentions for result in results for part in result.extracted])
    assert mentions["article_id"].n_unique() == len(rows)
    assert sum(result.articles for result in results) == len(rows)  # none twice


_STOPPED_WORKER_SCRIPT = """
from wiredesk import local_engine

if __name__ == "__main__":
    local_engine.WORKER_MEMORY_HEADROOM = 100 << 20
    small = [(f"a{{i}}", "Merkel in Paris", "Angela Merkel spoke in Paris. " * 40) for i in range(100)]
    large = [(f"b{{i}}", "Merkel", "\\n\\n".join(["Angela Merkel spoke in Paris. " * 60] * 60)) for i in range(4)]
    rows = small + large
    results = list(local_engine.extract_in_processes(rows, {model!r}, processes=2, batch_size=64, chunk_size=50))
    if any("past its limit" in warning for result in results for warning in result.warnings):
        print("stopped")
"""


@pytest.mark.slow
def test_a_process_whose_worker_was_stopped_still_exits(tmp_path):
    """A worker killed mid-chunk leaves a broken pool and a queue no one reads; the run must not wait on them."""
    import subprocess

    script = _STOPPED_WORKER_SCRIPT.format(model=DEFAULT_MODEL)
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "stopped"


def test_chunks_shrink_as_a_run_nears_its_end():
    """Full chunks while much is left, then smaller ones, never below the floor; the largest when the total is
    not known."""
    sizes, remaining = [], 10_000
    while remaining:
        size = min(local_engine.next_chunk_size(remaining, 2, 400), remaining)
        sizes.append(size)
        remaining -= size
    assert sizes[0] == 400 and sizes[-1] <= local_engine.MIN_CHUNK_SIZE
    assert sizes == sorted(sizes, reverse=True)  # never larger again once they shrink
    assert sum(sizes) == 10_000
    assert local_engine.next_chunk_size(None, 2, 400) == 400
    assert local_engine.next_chunk_size(3, 2, 400) == local_engine.MIN_CHUNK_SIZE
