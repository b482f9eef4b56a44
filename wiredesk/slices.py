"""Do rows slice back to their article? Every mention, sentence, quotation, figure and tone term carries its text
and its offsets into the article's title or body; these functions check that the two agree.

SQL's `substring` counts its way to the offset on every row, so a check in SQL costs each row the length of its
article: nothing for a news story, quadratic for a report of a million characters (minutes). So rows of articles
up to LONG_TEXT bytes are checked in DuckDB, and rows of longer articles in Python, walking the rows and
those articles side by side in article order, where an offset is found in constant time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import polars as pl
import pyarrow as pa

# A field longer than this many bytes is checked in Python: below it, SQL's per-row cost is bounded. Bytes, not
# characters: `strlen` reads the stored size, where `length` counts characters (the same quadratic trap).
LONG_TEXT = 20_000
_BATCH_ROWS = 50_000


@dataclass(frozen=True)
class SliceCheck:
    """Rows of `table` whose `text` must be the slice [start, end) of their article's `field` (a column, or a
    quoted constant such as 'body'), articles in `articles`; `where`: which rows are checked."""

    table: str
    text: str
    articles: str = "articles"
    field: str = "m.field"
    start: str = "start_char"
    end: str = "end_char"
    where: str = "true"

    def _joined(self, length: str) -> str:
        source = f"field_text({self.field}, a.title, a.body)"
        return f"""from {self.table} as m left join {self.articles} as a using (article_id)
            where ({self.where}) and (a.article_id is null or {length.format(source=source)})"""

    def short_rows(self, columns: str) -> str:
        """The rows of articles of ordinary length, with `has_article` and `slice_matches` computed in SQL."""
        return f"""select {columns},
                a.article_id is not null as has_article,
                coalesce(substring(field_text({self.field}, a.title, a.body), m.{self.start} + 1,
                                   m.{self.end} - m.{self.start}) = m.{self.text}, false) as slice_matches
            {self._joined("strlen({source}) <= " + str(LONG_TEXT))}"""

    def long_rows(self, columns: str) -> str:
        """The rows of long articles (their key, field, offsets and text first, for slice_flags), in article order."""
        return f"""select m.article_id as _slice_article_id, {self.field} as _slice_field,
                m.{self.start} as _slice_start, m.{self.end} as _slice_end, m.{self.text} as _slice_text, {columns}
            {self._joined("strlen({source}) > " + str(LONG_TEXT))} and a.article_id is not null
            order by _slice_article_id"""

    def long_articles(self) -> str:
        return f"""select article_id, title, body from {self.articles}
            where greatest(strlen(title), strlen(body)) > {LONG_TEXT} order by article_id"""


def _batches(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[pa.RecordBatch]:
    yield from con.cursor().sql(sql).to_arrow_reader(_BATCH_ROWS)


def slice_flags(
    con: duckdb.DuckDBPyConnection, check: SliceCheck, columns: str
) -> Iterator[tuple[pa.RecordBatch, list[bool]]]:
    """For each batch of the long articles' rows (check.long_rows), whether each slices back."""
    articles = (
        row for batch in _batches(con, check.long_articles()) for row in zip(*batch.to_pydict().values(), strict=True)
    )
    current: tuple[str, str, str] | None = next(articles, None)
    for batch in _batches(con, check.long_rows(columns)):
        matches = []
        keys = [batch.column(i).to_pylist() for i in range(5)]
        for article_id, field, start, end, text in zip(*keys, strict=True):
            while current is not None and current[0] < article_id:
                current = next(articles, None)
            source = (current[1] if field == "title" else current[2]) if current and current[0] == article_id else None
            matches.append(
                source is not None
                and None not in (start, end, text)
                and 0 <= start <= end <= len(source)
                and source[start:end] == text
            )
        yield batch, matches


def checked_rows(con: duckdb.DuckDBPyConnection, check: SliceCheck, columns: str = "m.*") -> pl.DataFrame:
    """Every row the check covers, as `columns`, with `has_article` and `slice_matches`."""
    short = con.sql(check.short_rows(columns)).pl()
    long = [
        pl.from_arrow(batch)
        .drop(batch.schema.names[:5])
        .with_columns(has_article=pl.lit(True), slice_matches=pl.Series(matches, dtype=pl.Boolean))
        for batch, matches in slice_flags(con, check, columns)
    ]
    return pl.concat([short, *long], how="vertical_relaxed") if long else short


def count_not_slicing_back(con: duckdb.DuckDBPyConnection, check: SliceCheck) -> int:
    """How many rows the check covers have no article or do not slice back to their text."""
    short = con.execute(
        f"select count(*) filter (where not (has_article and slice_matches)) from ({check.short_rows('1 as one')})"
    ).fetchall()[0][0]
    long = sum(matches.count(False) for _, matches in slice_flags(con, check, "1 as one"))
    return short + long
