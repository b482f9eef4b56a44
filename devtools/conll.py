"""CoNLL-2003 stories (the JSONL form in the shared evaluation folder) as wiredesk articles with gold names.

A record has a `title`, a `body` with one sentence a line, and `entities` with character offsets into the
field they name. wiredesk stores a body as paragraphs joined by a blank line, so each sentence line becomes a
paragraph and the offsets are moved to match; the texts are read from where the user keeps them, never copied.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from devtools.scoring import AnnotatedStory, align_offsets, read_jsonl
from wiredesk.normalise import PARAGRAPH_SEPARATOR

CONLL_SOURCE = "conll2003"
CONLL_2020_SOURCE = "conllpp2020"  # the 2020 stories of CoNLL++, in the same format


def conll_story(record: dict, prefix: str = "conll") -> AnnotatedStory:
    """One record as a story: the body's lines as paragraphs, each name's offsets moved into the new body."""
    title, raw_body = record["title"], record["body"]
    body = PARAGRAPH_SEPARATOR.join(" ".join(line.split()) for line in raw_body.split("\n") if line.strip())
    clean_title = " ".join(title.split())
    moved = {"title": align_offsets(title, clean_title), "body": align_offsets(raw_body, body)}
    texts = {"title": (title, clean_title), "body": (raw_body, body)}
    spans = []
    for entity in record["entities"]:
        field, start, end = entity["field"], entity["start"], entity["end"]
        original, new = texts[field]
        if not original[start:end].strip():
            continue
        new_start, new_end = moved[field][start], moved[field][end - 1] + 1
        if new[new_start:new_end].split() != original[start:end].split():
            raise ValueError(f"story {record['doc_id']}: {original[start:end]!r} did not survive re-spacing")
        spans.append((field, new_start, new_end, entity["type"]))
    return AnnotatedStory(f"{prefix}-{record['doc_id']}", clean_title, body, tuple(spans))


def read_conll_stories(path: Path, prefix: str = "conll") -> Iterator[AnnotatedStory]:
    """The stories of a CoNLL-format JSONL file; `prefix` keeps two files' story ids apart."""
    for record in read_jsonl(path):
        if record["title"].strip() and record["body"].strip():
            yield conll_story(record, prefix)
