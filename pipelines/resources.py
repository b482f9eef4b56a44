"""Resources: the seam between the assets and the outside world (folder, warehouse, NLP model)."""

from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from spacy.language import Language

from wiredesk.nlp import load_pipeline
from wiredesk.settings import DEFAULT_MAX_ARTICLE_BYTES, DEFAULT_MODEL
from wiredesk.warehouse import apply_schema


class ArticlesFolder(dg.ConfigurableResource):
    """The folder of articles (.txt and .jsonl) that the warehouse mirrors."""

    path: str
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES

    @property
    def folder(self) -> Path:
        return Path(self.path)


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file. Swapping this resource is how the assets move to another engine."""

    @contextmanager
    def connect(self):
        """A read-write connection with the schema applied; waits (with backoff) while another writer holds it."""
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        try:
            with self.get_connection() as con:
                apply_schema(con)
                yield con
        except duckdb.IOException as err:
            if "lock" in str(err).lower():
                raise dg.Failure(
                    description=f"the warehouse {self.database} is held by another process (another run, or an "
                    "open read-write SQL session); wait for it to finish and run again",
                    metadata={"error": str(err)},
                ) from err
            raise


class NlpModel(dg.ConfigurableResource):
    """The spaCy model, loaded once per process; `n_process` workers run NER on large batches."""

    model: str = DEFAULT_MODEL
    n_process: int = 2
    batch_size: int = 64
    chunk_size: int = 1000

    def pipeline(self) -> Language:
        return load_pipeline(self.model)
