"""Shared fixtures: real DuckDB files under tmp_path, the real spaCy model, real Dagster runs."""

import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import ALL_ASSETS, ALL_CHECKS, build_resources
from wiredesk.settings import DEFAULT_MAX_ARTICLE_BYTES, DEFAULT_MODEL, DEFAULT_NLP_CHUNK_SIZE, Settings

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SEED_FILE = "000_bf3e6714cf294e8b.txt"


CLUSTER_SETTINGS = ("ray_address", "batch_location", "ray_workers", "batch_articles")


def materialize_warehouse(seeds_dir: Path, db_path: Path, **overrides) -> dg.ExecuteInProcessResult:
    """Materialise every asset and check over `seeds_dir` into the DuckDB file `db_path`."""
    settings = Settings(
        seeds_dir=seeds_dir,
        db_path=db_path,
        spacy_model=DEFAULT_MODEL,
        max_article_bytes=overrides.pop("max_article_bytes", DEFAULT_MAX_ARTICLE_BYTES),
        nlp_chunk_size=overrides.pop("nlp_chunk_size", DEFAULT_NLP_CHUNK_SIZE),
        # Extraction on a Ray cluster: ray_address, batch_location, ray_workers, batch_articles.
        **{name: overrides.pop(name) for name in CLUSTER_SETTINGS if name in overrides},
    )
    resources = build_resources(settings)
    return dg.materialize([*ALL_ASSETS, *ALL_CHECKS], resources=resources, **overrides)


def job_env(seeds: Path, db: Path, home: Path) -> dict:
    """The environment of a pipeline run in a child process: its own Dagster instance, one model process and
    small chunks (so that a test can catch it mid-extraction)."""
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DAGSTER_HOME": str(home),
        "WIREDESK_SEEDS_DIR": str(seeds),
        "WIREDESK_DB": str(db),
        "WIREDESK_NLP_CHUNK_SIZE": "20",
        "WIREDESK_NLP_PROCESSES": "1",
    }


def query(db_path: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _contents(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(path.relative_to(folder)), path.stat().st_mtime_ns) for path in folder.rglob("*"))


@pytest.fixture(scope="session", autouse=True)
def dagster_home_outside_the_project(tmp_path_factory):
    """Test runs go to a temporary Dagster instance (`make test` exports the project's as DAGSTER_HOME); the
    project's dagster_home/ is the same after the session as before it."""
    project_home = REPO / "dagster_home"
    before = _contents(project_home)
    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(tmp_path_factory.mktemp("dagster_home"))
    yield
    if previous is None:
        del os.environ["DAGSTER_HOME"]
    else:
        os.environ["DAGSTER_HOME"] = previous
    assert _contents(project_home) == before, "a test wrote into the project's dagster_home/"


@pytest.fixture(scope="session", autouse=True)
def reports_in_a_temporary_folder(tmp_path_factory):
    """Validation reports of test runs go to a temporary folder, not the project's data/reports."""
    previous = os.environ.get("WIREDESK_REPORTS_DIR")
    os.environ["WIREDESK_REPORTS_DIR"] = str(tmp_path_factory.mktemp("reports"))
    yield Path(os.environ["WIREDESK_REPORTS_DIR"])
    if previous is None:
        del os.environ["WIREDESK_REPORTS_DIR"]
    else:
        os.environ["WIREDESK_REPORTS_DIR"] = previous


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the seeds folder that a test may change."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture(scope="session")
def seed_warehouse(tmp_path_factory) -> Path:
    """The warehouse built from the repository's seeds/, once per test session."""
    db_path = tmp_path_factory.mktemp("seed_warehouse") / "wiredesk.duckdb"
    result = materialize_warehouse(SEEDS, db_path)
    assert result.success
    return db_path
