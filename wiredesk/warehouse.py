"""The DuckDB warehouse: schema, connections, and the staging file a run writes its batch to.

A run writes its batch to a staging file beside the warehouse (`<name>.staging.duckdb`, attached as
`staging`), never to the warehouse itself. Asset checks audit the staged rows; only then does `publish` move
them into the analyst tables in a single transaction and delete the staging file. A run killed at any moment
before the commit leaves the analyst tables exactly as they were; the next run replaces what it staged.
Because the long part of a run (NER) never opens the warehouse, analysts can read it meanwhile.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from wiredesk.shipped import sql_folder, sql_text
from wiredesk.slices import SliceCheck, checked_rows
from wiredesk.tables import ARTICLE_ROW_TABLES, STAGING_TABLES

# The staging database's name in SQL: `staging.articles` is the staged articles table.
STAGING = "staging"


class StagingMismatch(RuntimeError):
    """Staging does not hold this run's complete batch: another run staged it, or it is unfinished."""


def staging_path(db_path: Path) -> Path:
    """The staging file of a warehouse file: `data/wiredesk.duckdb` → `data/wiredesk.staging.duckdb`."""
    return db_path.with_name(f"{db_path.stem}.staging.duckdb")


def attach_staging(con: duckdb.DuckDBPyConnection, db_path: Path, *, read_only: bool = False) -> None:
    """Attach the warehouse's staging file to `con` as the `staging` database."""
    quoted = str(staging_path(db_path)).replace("'", "''")
    con.execute(f"attach '{quoted}' as {STAGING}{' (read_only)' if read_only else ''}")


def remove_staging(db_path: Path) -> None:
    """Delete the staging file (and its write-ahead log) once its batch is published."""
    staged = staging_path(db_path)
    for path in (staged, staged.with_name(staged.name + ".wal")):
        path.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def _schema_scripts() -> tuple[tuple[str, ...], str]:
    scripts = (
        sql_text("schema.sql"),
        sql_text("macros.sql"),
        *(view.read_text(encoding="utf-8") for view in sql_folder("views")),
        # Warehouses from before the staging file kept their batch in a schema of this name, which would
        # hide the attached staging database.
        f"drop schema if exists main.{STAGING} cascade",
    )
    return scripts, hashlib.sha256("\n".join(scripts).encode()).hexdigest()


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the warehouse's SQL macros (sql/macros.sql) in `con`: a staging or scratch connection."""
    con.execute(sql_text("macros.sql"))


def schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse already has this version's tables, macros and views."""
    _, fingerprint = _schema_scripts()
    stored = (
        con.execute(
            "select 1 from duckdb_tables() where schema_name = 'main' and table_name = 'wiredesk_schema'"
        ).fetchall()
        and con.execute("select fingerprint from wiredesk_schema").fetchall()
    )
    return bool(stored) and stored[0][0] == fingerprint


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables if missing and (re)create the analysts' views in sql/views/.

    The DDL's fingerprint is stored in the warehouse, so a connection to an up-to-date warehouse costs one
    query instead of the whole DDL (runs open a dozen connections).
    """
    scripts, fingerprint = _schema_scripts()
    if schema_is_current(con):
        return
    for script in scripts:
        con.execute(script)
    con.execute(
        "create or replace table wiredesk_schema as select ? as fingerprint, now() as applied_at", [fingerprint]
    )


# A reader sees the warehouse and nothing else: no other file read or written (read_text, COPY, EXPORT), no
# other database attached, no extension installed or loaded from disk, no network; and no setting changed to
# lift any of that. Exports go through the shell's output modes or `make export`.
SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


class DamagedWarehouse(RuntimeError):
    """The warehouse file is truncated or fails DuckDB's checksums."""

    def __init__(self, db_path: Path, what: str):
        super().__init__(
            f"the warehouse {db_path} is damaged ({what}). Two ways back: restore it from a backup, or run "
            "`make rebuild`, which builds a new warehouse from the articles folder (the source of truth) and swaps "
            "it in only once it is complete"
        )


# The file opens with three 4 kB headers (the main one and two database headers), then its blocks.
_FILE_HEADER_BYTES = 3 * 4096
# What DuckDB says when a block is missing or its checksum does not match.
_DAMAGE_SIGNS = ("could not read enough bytes", "checksum", "corrupt")


def is_damage(err: BaseException) -> bool:
    return isinstance(err, duckdb.Error) and any(sign in str(err).lower() for sign in _DAMAGE_SIGNS)


def check_intact(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Raise DamagedWarehouse when the file is shorter than the blocks in use its header counts (a copy cut
    short, a full disk). A flipped bit inside a block shows when the block is read: DuckDB checks its checksum then, and
    `is_damage` recognises the error."""
    if db_path.with_name(db_path.name + ".wal").exists():
        return  # blocks a log will add are counted but not yet in the file
    rows = con.execute(
        "select used_blocks, block_size from pragma_database_size() where database_name = current_database()"
    ).fetchall()
    if not rows:
        return
    used_blocks, block_size = rows[0]
    # Each block in use has a place of its own in the file (free ones at its end may be cut off, so they do not
    # count): a file shorter than that is missing some.
    expected = _FILE_HEADER_BYTES + used_blocks * block_size
    actual = db_path.stat().st_size
    if actual < expected:
        raise DamagedWarehouse(db_path, f"{actual:,} bytes, too few for the {used_blocks:,} blocks its header counts")


def open_reader(db_path: Path, wait_seconds: float = 30.0) -> duckdb.DuckDBPyConnection:
    """A read-only, sandboxed (SANDBOX) connection to the warehouse, checked intact on open. A run holds the
    file for writing only for moments (its first step, and the publish transaction); an open that meets one of
    those retries for up to `wait_seconds`."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(db_path), read_only=True, config=SANDBOX)
            break
        except duckdb.IOException as err:
            if is_damage(err):
                raise DamagedWarehouse(db_path, str(err).splitlines()[0]) from err
            if "lock" not in str(err).lower() or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 1.0)
    try:
        check_intact(con, db_path)
    except BaseException:
        con.close()
        raise
    return con


def write_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, *, append: bool = False) -> None:
    """Write a Polars frame to `table` through Arrow (no row-by-row inserts)."""
    con.register("wiredesk_frame", frame.to_arrow())
    try:
        if append:
            con.execute(f"insert into {table} by name select * from wiredesk_frame")
        else:
            con.execute(f"create or replace table {table} as select * from wiredesk_frame")
    finally:
        con.unregister("wiredesk_frame")


def start_batch(
    con: duckdb.DuckDBPyConnection, batch_id: str, extraction_rules: str | None = None, blank_lines: int = 0
) -> None:
    """Empty staging and open a new batch: whatever a killed run left there is discarded. `extraction_rules`:
    the fingerprint the batch is extracted under (`extraction.extraction_rules`), which publish records, with
    the folder's blank JSONL lines."""
    for table in STAGING_TABLES:
        con.execute(f"drop table if exists {STAGING}.{table}")
    con.execute(
        f"""create table {STAGING}.batch as
        select ?::varchar as batch_id, ?::timestamptz as created_at, ?::varchar as extraction_rules,
               ?::integer as blank_lines""",
        [batch_id, datetime.now(UTC), extraction_rules, blank_lines],
    )


def current_batch(con: duckdb.DuckDBPyConnection) -> str:
    if "batch" not in staged_tables(con):
        raise StagingMismatch("nothing is staged: materialise staging/articles first")
    return con.execute(f"select batch_id from {STAGING}.batch").fetchall()[0][0]


def reject_failed_extractions(con: duckdb.DuckDBPyConnection, failures) -> None:
    """Move staged articles whose extraction failed (ExtractionFailure rows) to the staged rejections with their
    reason (`extraction_failed`, `too_complex`): they are not published, and the detail says why."""
    if not failures:
        return
    frame = pl.DataFrame(
        [(f.article_id, f.reason, f.error) for f in failures],
        schema={"article_id": pl.String, "reason": pl.String, "detail": pl.String},
        orient="row",
    )
    con.register("wiredesk_failures", frame.to_arrow())
    try:
        con.execute(
            f"""insert into {STAGING}.rejected_articles by name
            select a.source_path, f.reason, f.detail, a.size_bytes, now() as detected_at
            from {STAGING}.articles as a join wiredesk_failures as f using (article_id)"""
        )
        for table in ARTICLE_ROW_TABLES:
            con.execute(f"delete from {STAGING}.{table} where article_id in (select article_id from wiredesk_failures)")
    finally:
        con.unregister("wiredesk_failures")


def held_articles(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """(article_id, first_ingested_at) of every article the warehouse holds."""
    return con.sql("select article_id, ingested_at as first_ingested_at from articles").pl()


def recorded_extraction_rules(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint the warehouse's articles were extracted under; None before the first run that recorded one."""
    rows = con.execute("select fingerprint from extraction_rules").fetchall()
    return rows[0][0] if rows else None


def read_staged(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    return con.sql(f"select * from {STAGING}.{table}").pl()


def read_staged_checked(con: duckdb.DuckDBPyConnection, table: str, text_column: str = "mention_text") -> pl.DataFrame:
    """Staged mentions (or quotations, figures: any rows with offsets and their text in `text_column`) with
    `has_article` and `slice_matches`: each row's article is staged and its offsets slice back to its text
    (wiredesk/slices.py). The text column itself is left out (the check has read it)."""
    check = SliceCheck(f"{STAGING}.{table}", text_column, articles=f"{STAGING}.articles")
    return checked_rows(con, check, f"m.* exclude ({text_column})")


def staged_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_name from duckdb_tables() where database_name = ?", [STAGING]).fetchall()
    return {row[0] for row in rows}
