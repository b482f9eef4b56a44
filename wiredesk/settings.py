"""Run-time settings, read from the environment with embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SEEDS_DIR = "seeds"
DEFAULT_DB = "data/wiredesk.duckdb"
# The news NER model shipped in the repository (models/README.md says what it was trained on); any installed
# spaCy package name or model folder can stand in through WIREDESK_SPACY_MODEL.
DEFAULT_MODEL = str(Path(__file__).resolve().parents[1] / "models" / "wiredesk_news_ner")
DEFAULT_MAX_ARTICLE_BYTES = 5 * 1024 * 1024
DEFAULT_REPORTS_DIR = Path(__file__).resolve().parents[1] / "data" / "reports"
# The project's own Dagster instance (run history, the UI's), unless DAGSTER_HOME names another.
DEFAULT_DAGSTER_HOME = Path(__file__).resolve().parents[1] / "dagster_home"


def reports_dir() -> Path:
    """Where validation reports go: WIREDESK_REPORTS_DIR, else the project's data/reports."""
    return Path(os.environ.get("WIREDESK_REPORTS_DIR") or DEFAULT_REPORTS_DIR)


@dataclass(frozen=True)
class Settings:
    seeds_dir: Path
    db_path: Path
    spacy_model: str
    max_article_bytes: int
    nlp_processes: int = 2
    nlp_chunk_size: int = 1000

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            seeds_dir=Path(os.environ.get("WIREDESK_SEEDS_DIR", DEFAULT_SEEDS_DIR)),
            db_path=Path(os.environ.get("WIREDESK_DB", DEFAULT_DB)),
            spacy_model=os.environ.get("WIREDESK_SPACY_MODEL", DEFAULT_MODEL),
            max_article_bytes=int(os.environ.get("WIREDESK_MAX_ARTICLE_BYTES", DEFAULT_MAX_ARTICLE_BYTES)),
            nlp_processes=int(os.environ.get("WIREDESK_NLP_PROCESSES", 2)),
            nlp_chunk_size=int(os.environ.get("WIREDESK_NLP_CHUNK_SIZE", 1000)),
        )
