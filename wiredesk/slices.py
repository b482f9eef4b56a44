"""Do rows slice back to their article? Every mention, sentence, quotation, figure and tone term carries its text
and its offsets into the article's title or body; these functions check that the two agree.

The check walks the rows and the articles side by side, both in article order, and slices each article's text
in Python, where an offset is found in constant time. In SQL, `substring` counts its way to the offset on every
row, which made the checks quadratic in an article's length (a 1.3-million-character report took minutes).
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import polars as pl
import pyarrow as pa

_BATCH_ROWS = 50_000

# What a rows query selects, in this order; the article query selects article_id, title, body.
ROW_KEYS = ("article_id", "field", "start_char", "end_char", "text")


def _batches(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[pa.RecordBatch]:
    yield from con.cursor().sql(sql).to_arrow_reader(_BATCH_ROWS)


def slice_flags(
    con: duckdb.DuckDBPyConnection, rows_sql: str, articles_sql: str
) -> Iterator[tuple[pa.RecordBatch, list[bool], list[bool]]]:
    """For each batch of the rows `rows_sql` selects (ROW_KEYS first, then anything; ordered by article_id),
    the batch with, per row, whether its article is among those `articles_sql` selects (ordered by article_id)
    and whether its offsets slice that article's field back to its text."""
    articles = (row for batch in _batches(con, articles_sql) for row in zip(*batch.to_pydict().values(), strict=True))
    current: tuple[str, str, str] | None = next(articles, None)
    for batch in _batches(con, rows_sql):
        has_article, matches = [], []
        columns = [batch.column(i).to_pylist() for i in range(len(ROW_KEYS))]
        for article_id, field, start, end, text in zip(*columns, strict=True):
            while current is not None and article_id is not None and current[0] < article_id:
                current = next(articles, None)
            found = current is not None and article_id is not None and current[0] == article_id
            has_article.append(found)
            source = (current[1] if field == "title" else current[2]) if found else None
            matches.append(
                source is not None
                and None not in (start, end, text)
                and 0 <= start <= end <= len(source)
                and source[start:end] == text
            )
        yield batch, has_article, matches


def count_not_slicing_back(con: duckdb.DuckDBPyConnection, rows_sql: str, articles_sql: str) -> int:
    """How many rows of `rows_sql` have no article or do not slice back to their text."""
    return sum(
        sum(1 for found, match in zip(has, matches, strict=True) if not (found and match))
        for _, has, matches in slice_flags(con, rows_sql, articles_sql)
    )


def flagged_rows(con: duckdb.DuckDBPyConnection, rows_sql: str, articles_sql: str) -> pl.DataFrame:
    """The rows `rows_sql` selects, without `text`, with `has_article` and `slice_matches` (see slice_flags)."""
    frames = [
        pl.from_arrow(batch).with_columns(
            has_article=pl.Series(has, dtype=pl.Boolean), slice_matches=pl.Series(matches, dtype=pl.Boolean)
        )
        for batch, has, matches in slice_flags(con, rows_sql, articles_sql)
    ]
    if not frames:
        empty = con.sql(f"{rows_sql} limit 0").pl()
        return empty.drop("text").with_columns(has_article=pl.lit(False), slice_matches=pl.lit(False))
    return pl.concat(frames).drop("text")
