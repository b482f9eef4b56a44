"""Every asset check, run on passing data and on data broken on purpose; and a failed blocking check
keeps the analyst tables as they were."""

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.checks import (
    staged_articles_expectations,
    staged_extraction_expectations,
    warehouse_invariants,
)
from assets.resources import ArticlesFolder, ExtractionCluster, NlpModel, Warehouse
from assets.staging import STAGED_KEYS, staged_articles, staged_mentions
from pipelines.definitions import ALL_ASSETS, ALL_CHECKS
from tests.conftest import SEEDS, materialize_warehouse, query
from wiredesk import validation
from wiredesk.validation import validate, validate_here
from wiredesk.warehouse import attach_staging, staging_path


@pytest.fixture
def staged(tmp_path):
    """A warehouse file whose staging file holds the seed batch (not yet published)."""
    db_path = tmp_path / "w.duckdb"
    resources = {
        "warehouse": Warehouse(database=str(db_path)),
        "articles_folder": ArticlesFolder(path=str(SEEDS)),
        "nlp": NlpModel(),
        "cluster": ExtractionCluster(),
    }
    assert dg.materialize([staged_articles, staged_mentions], resources=resources).success
    return db_path, resources


def extraction_check(key: dg.AssetKey):
    """The result, for one staged table, of the one step that checks everything extraction staged."""

    def run(warehouse):
        return next(r for r in staged_extraction_expectations(warehouse=warehouse) if r.asset_key == key)

    return run


def run_sql(db_path, sql):
    with duckdb.connect(str(db_path)) as con:
        if staging_path(db_path).exists():
            attach_staging(con, db_path)
        con.execute(sql)


STAGED_CHECKS = [
    (staged_articles_expectations, "update staging.articles set content_hash = 'not-a-hash'", "content_hash"),
    (
        staged_articles_expectations,
        "insert into staging.articles select * from staging.articles",
        "article_id",
    ),
    (
        extraction_check(STAGED_KEYS["entity_mentions"]),
        "update staging.entity_mentions set start_char = start_char + 1 where mention_text = 'APEC'",
        "slice_matches",
    ),
    (
        extraction_check(STAGED_KEYS["entity_mentions"]),
        "update staging.entity_mentions set article_type = 'DATE' where mention_text = 'Japan'",
        "article_type",
    ),
    (
        extraction_check(STAGED_KEYS["commodity_mentions"]),
        "update staging.commodity_mentions set commodity = 'unobtainium' where commodity = 'copper'",
        "in_catalogue",
    ),
    (
        extraction_check(STAGED_KEYS["commodity_mentions"]),
        "update staging.commodity_mentions set article_id = 'missing' where commodity = 'soybeans'",
        "has_article",
    ),
    (
        extraction_check(STAGED_KEYS["quotations"]),
        "update staging.quotations set speaker_start_char = speaker_start_char + 1 where speaker_text = 'Bessent'",
        "speaker_slice_matches",
    ),
    (
        extraction_check(STAGED_KEYS["quotations"]),
        "update staging.quotations set end_char = end_char + 1 where cue = 'told'",
        "slice_matches",
    ),
    (
        extraction_check(STAGED_KEYS["figures"]),
        "update staging.figures set unit = 'furlongs' where kind = 'rate'",
        "unit",
    ),
    (
        extraction_check(STAGED_KEYS["figures"]),
        "update staging.figures set value = 'infinity'::double where kind = 'change'",
        "value_is_finite",
    ),
    (
        extraction_check(STAGED_KEYS["sentences"]),
        "update staging.sentences set tone = 1.5 where sentence_index = 0",
        "tone",
    ),
    (
        extraction_check(STAGED_KEYS["sentences"]),
        "update staging.sentences set end_char = end_char + 1 where sentence_index = 2",
        "slice_matches",
    ),
    (extraction_check(STAGED_KEYS["tone_terms"]), "update staging.tone_terms set source = 'guessed'", "source"),
    (
        extraction_check(STAGED_KEYS["tone_terms"]),
        "update staging.tone_terms set start_char = start_char + 1 where term = 'rally'",
        "slice_matches",
    ),
]


@pytest.mark.parametrize(("check", "corruption", "column"), STAGED_CHECKS)
def test_staged_checks_pass_on_good_rows_and_fail_on_bad(staged, check, corruption, column):
    db_path, resources = staged
    good = check(warehouse=resources["warehouse"])
    assert good.passed, good.description
    report = good.metadata["report"].value
    assert report.endswith(".html") and "<table>" in Path(report).read_text()

    run_sql(db_path, corruption)
    bad = check(warehouse=resources["warehouse"])
    assert not bad.passed
    failing = [key for key in bad.metadata if key.startswith("failing_") and key.endswith(column)]
    assert failing, bad.metadata.keys()
    assert "|" in bad.metadata[failing[0]].value  # a markdown sample of the failing rows
    assert "Failing rows" in Path(bad.metadata["report"].value).read_text()


@pytest.mark.parametrize(
    ("table", "corruption"),
    [
        ("articles", "insert into articles select * from articles"),
        ("entity_mentions", "update entity_mentions set end_char = end_char + 2"),
        ("commodity_mentions", "update commodity_mentions set commodity = 'unobtainium'"),
        ("entities", "update entities set mention_count = mention_count + 1"),
        ("quotations", "update quotations set speaker_end_char = speaker_end_char - 1 where cue = 'told'"),
        ("figures", "update figures set start_char = start_char + 1 where kind = 'rate'"),
        ("sentences", "update sentences set tone = null where sentence_index = 1"),
        ("tone_terms", "update tone_terms set end_char = end_char + 1 where term = 'breakthrough'"),
    ],
)
def test_warehouse_invariants_pass_then_fail(tmp_path, table, corruption):
    db_path = tmp_path / "w.duckdb"
    assert materialize_warehouse(SEEDS, db_path).success
    warehouse = Warehouse(database=str(db_path))

    def results():
        return {r.asset_key.to_user_string(): r for r in warehouse_invariants(warehouse=warehouse)}

    assert all(result.passed for result in results().values())
    run_sql(db_path, corruption)
    after = results()
    assert not after[table].passed
    assert any(value.value > 0 for value in after[table].metadata.values())
    assert all(result.passed for name, result in after.items() if name != table)


def test_a_failed_blocking_check_keeps_the_warehouse_as_it_was(tmp_path, seeds_copy):
    db_path = tmp_path / "w.duckdb"
    assert materialize_warehouse(seeds_copy, db_path).success
    before = query(db_path, "select article_id from articles")

    (seeds_copy / "second.txt").write_text("Gold rallies\nGold rose two percent in London on Monday.\n")
    resources = {
        "warehouse": Warehouse(database=str(db_path)),
        "articles_folder": ArticlesFolder(path=str(seeds_copy)),
        "nlp": NlpModel(),
        "cluster": ExtractionCluster(),
    }
    assert dg.materialize([staged_articles, staged_mentions], resources=resources).success
    run_sql(db_path, "update staging.articles set word_count = 0")

    from assets.warehouse import WAREHOUSE_KEYS

    result = dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS],
        resources=resources,
        selection=dg.AssetSelection.assets(*WAREHOUSE_KEYS.values())
        | dg.AssetSelection.checks(staged_articles_expectations),
        raise_on_error=False,
    )
    assert not result.success
    evaluations = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert evaluations == {"great_expectations": False}
    assert query(db_path, "select article_id from articles") == before
    assert result.get_asset_materialization_events() == []


def test_validation_reports_counts_and_samples():
    articles = pl.DataFrame({"article_id": ["a"], "title": ["T"], "body": ["Copper rose."]})
    mentions = pl.DataFrame(
        {
            "article_id": ["a", "a"],
            "field": ["body", "body"],
            "start_char": [0, 3],
            "end_char": [6, 9],
            "mention_text": ["Copper", "Copper"],
            "sentence_index": [1, 1],
            "commodity": ["copper", "copper"],
            "in_catalogue": [True, True],
            "sentence_text": ["Copper rose.", "Copper rose."],
        }
    )
    texts = dict(zip(articles["article_id"], articles["body"], strict=True))
    checked = mentions.with_columns(
        has_article=pl.col("article_id").is_in(list(texts)),
        slice_matches=pl.Series(
            [
                texts[a][s:e] == t
                for a, s, e, t in mentions.select("article_id", "start_char", "end_char", "mention_text").iter_rows()
            ]
        ),
    )
    report = validate(checked, "commodity_mentions")
    assert not report.success
    [failure] = report.failures
    assert (failure.column, failure.unexpected_count) == ("slice_matches", 1)
    assert failure.failing_rows[0]["start_char"] == 3
    assert "1 of" in report.summary()


def test_the_validator_process_gives_the_same_report_and_a_lost_one_costs_no_check():
    """The suites run in the validator process when a run started one: same outcomes as here; when it is
    killed the next suite runs in this process; stopping it leaves no process behind."""
    articles = pl.DataFrame(
        {
            "article_id": ["a" * 16, "a" * 16],
            "content_hash": ["0" * 64, "not a hash"],
            "source_path": ["x.txt", "y.txt"],
            "title": ["T", "U"],
            "body": ["Copper rose.", "Tin fell."],
            "word_count": [2, 2],
        }
    )
    here = validate_here(articles, "articles")
    validation.start_validator()
    try:
        process = validation._validator.process
        elsewhere = validate(articles, "articles")
        assert process.is_alive()
        assert elsewhere == here
        assert {(o.column, o.unexpected_count) for o in elsewhere.failures} == {("article_id", 2), ("content_hash", 1)}
        process.kill()
        process.join()
        assert validate(articles, "articles") == here
        assert validation._validator is None
        validation.start_validator()
        process = validation._validator.process
    finally:
        validation.stop_validator()
    assert not process.is_alive()


def test_validation_reports_go_to_the_reports_folder_not_beside_the_warehouse(
    tmp_path, seeds_copy, reports_in_a_temporary_folder
):
    result = materialize_warehouse(seeds_copy, tmp_path / "w.duckdb")
    assert result.success
    assert validation._validator is None  # the extraction checks are a run's last suites: the validator stops after
    assert not (tmp_path / "reports").exists()
    written = sorted(p.name for p in (reports_in_a_temporary_folder / result.run_id).glob("*.html"))
    assert written == [
        "article_signatures.html",
        "articles.html",
        "commodity_events.html",
        "commodity_mentions.html",
        "entity_mentions.html",
        "figures.html",
        "quotations.html",
        "results.html",
        "sentences.html",
        "tone_terms.html",
    ]
