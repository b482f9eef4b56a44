"""Normalise raw articles with Polars: Unicode NFC, whitespace, paragraphs, word counts and stable ids.

The article id is derived from the normalised content, so the same story under two paths is one article,
an unchanged file keeps its id from run to run, and an edited file becomes a new article.
"""

from __future__ import annotations

import hashlib

import polars as pl

ARTICLE_ID_LENGTH = 16
PARAGRAPH_SEPARATOR = "\n\n"


def _collapse_spaces(expr: pl.Expr) -> pl.Expr:
    # \s in Polars' regex engine is Unicode-aware: no-break and other exotic spaces collapse too.
    return expr.str.replace_all(r"[^\S\n]+", " ").str.strip_chars()


def normalise_body(body: pl.Expr) -> pl.Expr:
    """Paragraphs separated by one blank line, each paragraph on one line with single spaces.

    A body that already uses blank lines between paragraphs has its hard-wrapped lines joined;
    a body without any blank line has one paragraph per line.
    """
    body = body.str.normalize("NFC").str.replace_all(r"[^\S\n]+\n", "\n")
    has_blank_lines = body.str.contains(r"\n\s*\n")
    blank_line_paragraphs = body.str.replace_all(r"\n\s*\n\s*", "\u2029").str.replace_all(r"\n", " ")
    line_paragraphs = body.str.replace_all(r"\n+", "\u2029")
    paragraphs = pl.when(has_blank_lines).then(blank_line_paragraphs).otherwise(line_paragraphs).str.split("\u2029")
    return (
        paragraphs.list.eval(_collapse_spaces(pl.element()))
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.join(PARAGRAPH_SEPARATOR)
    )


def _sha256(texts: pl.Series) -> pl.Series:
    return pl.Series([hashlib.sha256(text.encode("utf-8")).hexdigest() for text in texts], dtype=pl.String)


def normalise_articles(raw: pl.DataFrame) -> pl.DataFrame:
    """Raw articles → normalised articles with `article_id`, `content_hash`, counts; one row per input."""
    normalised = raw.with_columns(
        title=_collapse_spaces(pl.col("title").str.normalize("NFC").str.replace_all(r"\s+", " ")),
        body=normalise_body(pl.col("body")),
    )
    return normalised.with_columns(
        content_hash=pl.concat_str("title", pl.lit(PARAGRAPH_SEPARATOR), "body").map_batches(
            _sha256, return_dtype=pl.String
        ),
        word_count=(pl.col("title").str.count_matches(r"\S+") + pl.col("body").str.count_matches(r"\S+")).cast(
            pl.Int32
        ),
        paragraph_count=(pl.col("body").str.count_matches(PARAGRAPH_SEPARATOR, literal=True) + 1).cast(pl.Int32),
    ).with_columns(article_id=pl.col("content_hash").str.slice(0, ARTICLE_ID_LENGTH))


def split_duplicates(articles: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep the first path (in path order) of each distinct content; list the other paths as duplicates."""
    ordered = articles.sort("source_path")
    first_path = pl.col("source_path").first().over("article_id")
    is_first = pl.col("source_path") == first_path
    unique = ordered.filter(is_first)
    duplicates = ordered.filter(~is_first).select(
        "source_path",
        "article_id",
        duplicate_of=pl.col("article_id").replace_strict(
            unique["article_id"], unique["source_path"], return_dtype=pl.String
        ),
    )
    return unique, duplicates
