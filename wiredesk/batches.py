"""Extraction in batches written as Parquet: the unit of work a cluster worker takes, and a backfill resumes from.

A batch is a run of staged articles (in `source_path` order), named by a hash of the extraction rules and its
articles' ids and content: the same articles under the same rules make the same batch, in any run. A worker
extracts a batch from its articles alone (no state from other articles, no corpus-wide id) and writes one
Parquet file per extracted table (wiredesk/tables.py) under `<location>/<key>/`, then a `_SUCCESS` marker. A
batch with its marker is finished: a retry, a resumed run or a second worker never extracts it again. The
publish step reads the finished batches with DuckDB, through Arrow datasets, into staging.

The location is a folder path (local disk, a shared filesystem) or a URI pyarrow's filesystems open (s3://,
gs://, hdfs://): no DuckDB extension has to be downloaded to read it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from wiredesk.extraction import ChunkResult, ExtractionFailure
from wiredesk.tables import EXTRACTED_TABLES, conform, empty

MARKER = "_SUCCESS"
FAILURES = "failures"
FAILURE_SCHEMA = {"article_id": pl.String, "reason": pl.String, "error": pl.String}


@dataclass(frozen=True)
class Batch:
    key: str
    rows: list[tuple[str, str, str]]  # (article_id, title, body)


def batch_key(rules: str, ids_and_hashes: Iterable[tuple[str, str]]) -> str:
    digest = hashlib.sha256(rules.encode())
    for article_id, content_hash in ids_and_hashes:
        digest.update(f"\n{article_id}\t{content_hash}".encode())
    return digest.hexdigest()[:24]


def plan_batches(rows: Iterable[tuple[str, str, str, str]], rules: str, size: int) -> Iterator[Batch]:
    """(article_id, title, body, content_hash) rows, in a stable order, cut into batches of `size` articles."""
    current: list[tuple[str, str, str, str]] = []
    for row in rows:
        current.append(row)
        if len(current) == size:
            yield _batch(current, rules)
            current = []
    if current:
        yield _batch(current, rules)


def _batch(rows: list[tuple[str, str, str, str]], rules: str) -> Batch:
    return Batch(batch_key(rules, ((r[0], r[3]) for r in rows)), [(r[0], r[1], r[2]) for r in rows])


@dataclass(frozen=True)
class BatchLocation:
    """Where batches are written: a pyarrow filesystem and the folder on it."""

    filesystem: pafs.FileSystem
    root: str

    @classmethod
    def open(cls, location: str) -> BatchLocation:
        if "://" in location:
            filesystem, root = pafs.FileSystem.from_uri(location)
            return cls(filesystem, root.rstrip("/"))
        path = Path(location).resolve()
        return cls(pafs.LocalFileSystem(), str(path))

    def path(self, key: str, name: str = "") -> str:
        return f"{self.root}/{key}/{name}" if name else f"{self.root}/{key}"

    def finished(self, key: str) -> bool:
        return self.filesystem.get_file_info(self.path(key, MARKER)).type == pafs.FileType.File

    def write(self, key: str, tables: dict[str, pl.DataFrame], failures: pl.DataFrame) -> None:
        """One Parquet file per extracted table and the failures, then the marker that makes the batch count."""
        self.filesystem.create_dir(self.path(key), recursive=True)
        for name, frame in {**tables, FAILURES: failures}.items():
            pq.write_table(frame.to_arrow(), self.path(key, f"{name}.parquet"), filesystem=self.filesystem)
        with self.filesystem.open_output_stream(self.path(key, MARKER)) as marker:
            marker.write(b"")

    def dataset(self, keys: list[str], table: str) -> ds.Dataset:
        """The finished batches' rows of one table (or their failures), as one Arrow dataset DuckDB can query."""
        schema = (empty(table) if table != FAILURES else pl.DataFrame(schema=FAILURE_SCHEMA)).to_arrow().schema
        paths = [self.path(key, f"{table}.parquet") for key in keys]
        return ds.dataset(paths, schema=schema, format="parquet", filesystem=self.filesystem)

    def remove_all(self) -> None:
        """Delete every batch once they are published (the location belongs to one warehouse)."""
        if self.filesystem.get_file_info(self.root).type == pafs.FileType.Directory:
            self.filesystem.delete_dir(self.root)


def batch_tables(results: Iterable[ChunkResult]) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """The extracted tables of a batch's chunk results (each conformed to the registry), and its failures as
    rows."""
    parts: dict[str, list[pl.DataFrame]] = {table: [] for table in EXTRACTED_TABLES}
    failures: list[ExtractionFailure] = []
    for result in results:
        for extracted in result.extracted:
            for table in EXTRACTED_TABLES:
                parts[table].append(conform(table, getattr(extracted, table)))
        failures += result.failures
    tables = {table: pl.concat(frames) if frames else empty(table) for table, frames in parts.items()}
    failed = pl.DataFrame([(f.article_id, f.reason, f.error) for f in failures], schema=FAILURE_SCHEMA, orient="row")
    return tables, failed


def failures_of(frame: pl.DataFrame) -> list[ExtractionFailure]:
    return [ExtractionFailure(article_id, error, reason) for article_id, reason, error in frame.iter_rows()]
