"""Run-time settings, read from the environment with embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from wiredesk.shipped import models_dir

DEFAULT_SEEDS_DIR = "seeds"
DEFAULT_DB = "data/wiredesk.duckdb"
# The news NER model shipped in the repository (models/README.md says what it was trained on); any installed
# spaCy package name or model folder can stand in through WIREDESK_SPACY_MODEL.
DEFAULT_MODEL = str(models_dir() / "wiredesk_news_ner")
DEFAULT_MAX_ARTICLE_BYTES = 5 * 1024 * 1024
DEFAULT_NLP_PROCESSES = 2  # extraction worker processes for large batches: one per core of the 2-core target machine
# Pieces of text per model batch: with nlp.PIECE_CHARS, what bounds a worker's memory; 16 runs as fast as 64.
DEFAULT_NLP_BATCH_SIZE = 16
# Articles a worker extracts at a time, at most: the rules cost a fixed part per chunk besides the part per article
# (100 cost 15% more time than 400); a run's last chunks are smaller (local_engine.next_chunk_size).
DEFAULT_NLP_CHUNK_SIZE = 400
DEFAULT_BATCH_ARTICLES = 200  # articles a cluster worker extracts and writes as one Parquet batch
DEFAULT_REPORTS_DIR = Path("data") / "reports"  # beside the default warehouse, under the working folder
# The project's own Dagster instance (run history, the UI's) in the working folder, unless DAGSTER_HOME names
# another: `make` runs from the checkout, so that is the checkout's dagster_home.
DEFAULT_DAGSTER_HOME = Path("dagster_home").resolve()


def reports_dir() -> Path:
    """Where validation reports go: WIREDESK_REPORTS_DIR, else the project's data/reports."""
    return Path(os.environ.get("WIREDESK_REPORTS_DIR") or DEFAULT_REPORTS_DIR)


# Each setting: its environment variable, its default, its type. The one list both Settings.from_env and the
# Dagster resources (pipelines/definitions.py, through dg.EnvVar) read.
VARIABLES: dict[str, tuple[str, object, type]] = {
    "seeds_dir": ("WIREDESK_SEEDS_DIR", DEFAULT_SEEDS_DIR, Path),
    "db_path": ("WIREDESK_DB", DEFAULT_DB, Path),
    "spacy_model": ("WIREDESK_SPACY_MODEL", DEFAULT_MODEL, str),
    "max_article_bytes": ("WIREDESK_MAX_ARTICLE_BYTES", DEFAULT_MAX_ARTICLE_BYTES, int),
    "nlp_processes": ("WIREDESK_NLP_PROCESSES", DEFAULT_NLP_PROCESSES, int),
    "nlp_chunk_size": ("WIREDESK_NLP_CHUNK_SIZE", DEFAULT_NLP_CHUNK_SIZE, int),
    # Extraction on a Ray cluster (docs/scaling.md): its address ("auto", "ray://host:10001"; unset: this
    # machine, no Ray), where batches go (default: beside the warehouse), workers (0: one per CPU), batch size.
    "ray_address": ("WIREDESK_RAY_ADDRESS", "", str),
    "batch_location": ("WIREDESK_BATCH_LOCATION", "", str),
    "ray_workers": ("WIREDESK_RAY_WORKERS", 0, int),
    "batch_articles": ("WIREDESK_BATCH_ARTICLES", DEFAULT_BATCH_ARTICLES, int),
}


@dataclass(frozen=True)
class Settings:
    seeds_dir: Path
    db_path: Path
    spacy_model: str
    max_article_bytes: int
    nlp_processes: int = DEFAULT_NLP_PROCESSES
    nlp_chunk_size: int = DEFAULT_NLP_CHUNK_SIZE
    ray_address: str = ""
    batch_location: str = ""
    ray_workers: int = 0
    batch_articles: int = DEFAULT_BATCH_ARTICLES

    @classmethod
    def from_env(cls) -> Settings:
        return cls(**{field: kind(os.environ.get(name, default)) for field, (name, default, kind) in VARIABLES.items()})
