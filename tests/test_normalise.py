"""Normalisation with Polars: NFC, whitespace, paragraphs, counts, stable ids, duplicates."""

import hashlib
import unicodedata

import polars as pl

from wiredesk.ingest import RAW_ARTICLE_SCHEMA
from wiredesk.normalise import normalise_articles, split_duplicates


def raw(*articles: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"source_path": path, "title": title, "body": body, "repairs": [], "size_bytes": len(body)}
            for path, title, body in articles
        ],
        schema=RAW_ARTICLE_SCHEMA,
    )


def test_text_is_nfc_and_whitespace_collapsed():
    decomposed = unicodedata.normalize("NFD", "Café")
    out = normalise_articles(raw(("a.txt", f"  {decomposed}\u00a0 prices ", "One\t two   three.")))
    row = out.row(0, named=True)
    assert row["title"] == "Café prices"
    assert unicodedata.is_normalized("NFC", row["title"])
    assert row["body"] == "One two three."


def test_one_paragraph_per_line_when_there_are_no_blank_lines():
    out = normalise_articles(raw(("a.txt", "T", "First para.\nSecond para.\n\nThird?")))
    # a blank line is present, so the single newline is a wrapped line inside the first paragraph
    assert out["body"][0] == "First para. Second para.\n\nThird?"
    out = normalise_articles(raw(("a.txt", "T", "First para.\nSecond para.\nThird.")))
    assert out["body"][0] == "First para.\n\nSecond para.\n\nThird."
    assert out["paragraph_count"][0] == 3


def test_counts_and_ids():
    out = normalise_articles(raw(("a.txt", "Gold up", "Gold rose two percent.\nSilver fell.")))
    row = out.row(0, named=True)
    assert row["word_count"] == 2 + 6
    expected = hashlib.sha256(b"Gold up\n\nGold rose two percent.\n\nSilver fell.").hexdigest()
    assert row["content_hash"] == expected
    assert row["article_id"] == expected[:16]


def test_ids_are_stable_and_follow_content_not_formatting():
    a = normalise_articles(raw(("a.txt", "Gold up", "Gold rose.\nSilver fell.")))
    b = normalise_articles(raw(("b.txt", "Gold  up ", "Gold rose.\r\n\n\nSilver   fell.  ")))
    c = normalise_articles(raw(("a.txt", "Gold up", "Gold rose sharply.\nSilver fell.")))
    assert a["article_id"][0] == b["article_id"][0]
    assert a["article_id"][0] != c["article_id"][0]


def test_duplicate_content_keeps_the_first_path():
    out = normalise_articles(
        raw(
            ("b/copy.txt", "Gold up", "Gold rose."),
            ("a.txt", "Gold up", "Gold rose."),
            ("c.txt", "Other", "Text."),
        )
    )
    unique, duplicates = split_duplicates(out)
    assert sorted(unique["source_path"]) == ["a.txt", "c.txt"]
    assert duplicates.to_dicts() == [
        {"source_path": "b/copy.txt", "article_id": unique["article_id"][0], "duplicate_of": "a.txt"}
    ]
