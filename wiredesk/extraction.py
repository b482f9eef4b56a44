"""Extraction for one chunk of annotated articles: entity mentions and commodity mentions with sentences."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field

import polars as pl
from spacy.language import Language

from wiredesk.commodities import CommodityMatcher, default_matcher, find_commodity_mentions
from wiredesk.company_names import flag_inside_names
from wiredesk.entities import drop_commodity_words, load_organisation_names, resolve_entity_mentions
from wiredesk.events import commodity_events
from wiredesk.figures import figures
from wiredesk.furniture import find_furniture, mention_roles, place_credited_people, sentence_furniture
from wiredesk.gazetteer import Gazetteer, load_gazetteer
from wiredesk.nlp import Annotations, iter_annotations, load_pipeline
from wiredesk.quotations import quotations
from wiredesk.results import lean_on_moves, results_rows
from wiredesk.sentence_facts import add_context, attach_sentences
from wiredesk.shipped import models_dir, package_dir
from wiredesk.spans import (
    companies_by_context,
    cut_possessives,
    drop_market_phrases,
    drop_non_names,
    drop_ordinary_words,
    extend_headline_names,
    join_country_institutions,
    join_name_particles,
    join_nicknames,
    known_organisation_forms,
    load_event_names,
    name_known_events,
    name_known_organisations,
    places_by_context,
    propagate_mentions,
    split_paired_people,
    split_place_compounds,
    sports_teams,
    team_nicknames,
    tidy_spans,
)
from wiredesk.stories import article_signatures
from wiredesk.tone import ToneModel, sentence_tones
from wiredesk.tone import load_model as load_tone_model
from wiredesk.topics import TopicModel, topic_scores
from wiredesk.topics import load_model as load_topic_model
from wiredesk.wirecopy import mark_companies


@dataclass(frozen=True)
class Extracted:
    sentences: pl.DataFrame
    entity_mentions: pl.DataFrame
    commodity_mentions: pl.DataFrame
    quotations: pl.DataFrame
    figures: pl.DataFrame
    tone_terms: pl.DataFrame
    results: pl.DataFrame
    commodity_events: pl.DataFrame
    article_signatures: pl.DataFrame


def extraction_rules(model: str) -> str:
    """A fingerprint of everything that decides what extraction makes of an article: the spaCy model's name,
    the package's code and data files, and the shipped models. A warehouse records the one its articles were
    extracted under; when it differs, the next run extracts every article again, so that old and new articles
    never mix two versions of the rules."""
    package, models = package_dir(), models_dir()
    files = [
        *((path, path.relative_to(package.parent)) for path in package.rglob("*.py")),
        *((path, path.relative_to(package.parent)) for path in (package / "data").rglob("*.csv")),
        *((path, "models" / path.relative_to(models)) for path in models.rglob("*")),
    ]
    digest = hashlib.sha256(model.encode())
    for path, name in sorted(files, key=lambda file: str(file[1])):
        if path.is_file() and path.name not in ("README.md", "__init__.py") and "__pycache__" not in path.parts:
            digest.update(str(name).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Models:
    """The trained models extraction applies beside spaCy's."""

    topics: TopicModel
    tone: ToneModel


def extract(annotations: Annotations, gazetteer: Gazetteer, matcher: CommodityMatcher, models: Models) -> Extracted:
    furniture = find_furniture(annotations.articles)
    # the model's spans repaired, one way it misreads wire copy at a time (wiredesk/spans.py)
    spans = tidy_spans(annotations.entity_mentions)
    spans = cut_possessives(spans, annotations.articles)
    spans = split_place_compounds(spans, gazetteer)
    spans = split_paired_people(spans)
    spans = join_name_particles(spans)
    spans = join_nicknames(spans, annotations.articles)
    spans = extend_headline_names(spans, annotations.articles)
    spans = join_country_institutions(spans, annotations.articles, gazetteer)
    spans = mark_companies(spans, annotations.articles, annotations.sentences)
    spans = sports_teams(spans, annotations.articles, gazetteer)
    spans = companies_by_context(spans, annotations.articles, gazetteer)
    spans = places_by_context(spans, annotations.articles, gazetteer)
    spans = name_known_events(spans, load_event_names())
    organisations = load_organisation_names()
    spans = name_known_organisations(spans, [*organisations["alias"], *organisations["name"]])
    repaired = place_credited_people(spans, furniture, annotations.articles, annotations.sentences)
    raw_entity_mentions = propagate_mentions(
        drop_non_names(drop_market_phrases(drop_ordinary_words(repaired, annotations.articles, annotations.sentences))),
        annotations.articles,
        annotations.sentences,
        known_organisation_forms(organisations),
        team_nicknames(repaired, annotations.articles, gazetteer),
        load_event_names(),
    )
    entity_mentions = mention_roles(
        drop_commodity_words(resolve_entity_mentions(raw_entity_mentions, gazetteer), matcher.commodity_of),
        furniture,
    )
    commodity_mentions = flag_inside_names(
        find_commodity_mentions(annotations.articles, annotations.sentences, matcher),
        entity_mentions,
        annotations.articles,
    )
    articles = annotations.articles.join(
        annotations.sentences.group_by("article_id").agg(sentence_count=pl.len()), on="article_id", how="left"
    )
    commodity_mentions = attach_sentences(commodity_mentions, annotations.sentences)
    scores = topic_scores(commodity_mentions, articles, models.topics)
    commodity_mentions = commodity_mentions.join(scores, on=["article_id", "commodity"], how="left")
    sentences, tone_terms = lean_on_moves(*sentence_tones(annotations.sentences, models.tone))
    commodity_mentions = add_context(commodity_mentions, annotations.sentences, entity_mentions)
    return Extracted(
        sentences=sentence_furniture(sentences, furniture),
        entity_mentions=entity_mentions,
        commodity_mentions=commodity_mentions,
        quotations=quotations(annotations.articles, annotations.sentences, entity_mentions),
        figures=figures(annotations.articles, annotations.sentences, commodity_mentions),
        tone_terms=tone_terms,
        results=results_rows(annotations.sentences),
        commodity_events=commodity_events(commodity_mentions, entity_mentions, annotations.sentences),
        article_signatures=article_signatures(annotations.articles),
    )


@dataclass(frozen=True)
class ExtractionFailure:
    article_id: str
    error: str  # the exception's type and message, or why it is too complex: `rejected_articles.detail`
    reason: str = "extraction_failed"  # `rejected_articles.reason`: extraction_failed or too_complex


@dataclass(frozen=True)
class ChunkResult:
    extracted: list[Extracted]
    articles: int  # articles this result accounts for, extracted or failed
    failures: list[ExtractionFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what the run's log should say (a worker stopped, ...)


# An error message is evidence, not a log: long enough to find the cause, short enough for a table cell.
_MAX_ERROR_CHARS = 500


def _describe(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"[:_MAX_ERROR_CHARS]


def _only(annotations: Annotations, article_id: str) -> Annotations:
    keep = pl.col("article_id") == article_id
    return Annotations(
        articles=annotations.articles.filter(keep),
        sentences=annotations.sentences.filter(keep),
        entity_mentions=annotations.entity_mentions.filter(keep),
    )


def _extract_isolated(
    annotations: Annotations, gazetteer: Gazetteer, matcher: CommodityMatcher, models: Models
) -> ChunkResult:
    """`extract` for a chunk; when it fails, again article by article, so only the article at fault fails."""
    count = annotations.articles.height + len(annotations.too_complex)
    too_complex = [ExtractionFailure(a, detail, "too_complex") for a, detail in annotations.too_complex.items()]
    try:
        return ChunkResult([extract(annotations, gazetteer, matcher, models)], count, too_complex)
    except Exception:  # any error in one article's text must not fail its neighbours
        pass
    parts, failures = [], too_complex
    for article_id in annotations.articles["article_id"]:
        try:
            parts.append(extract(_only(annotations, article_id), gazetteer, matcher, models))
        except Exception as err:
            failures.append(ExtractionFailure(article_id, _describe(err)))
    return ChunkResult(parts, count, failures)


def extract_articles(
    rows: Iterable[tuple[str, str, str]],
    nlp: Language,
    gazetteer: Gazetteer,
    matcher: CommodityMatcher,
    models: Models,
    *,
    batch_size: int = 16,
    chunk_size: int = 1000,
) -> Iterator[ChunkResult]:
    """Extract a stream of (article_id, title, body) rows chunk by chunk, in this process. One article can fail
    only itself: an error in extraction is retried article by article, and an error in the model's stream sends
    the articles not yet done through the model one at a time; whatever still fails is an ExtractionFailure."""
    source = iter(rows)
    pending: dict[str, tuple[str, str, str]] = {}  # fed to the model, not yet extracted

    def fed() -> Iterator[tuple[str, str, str]]:
        for row in source:
            pending[row[0]] = row
            yield row

    try:
        with closing(iter_annotations(fed(), nlp, batch_size, chunk_size)) as chunks:
            for annotations in chunks:
                for article_id in [*annotations.articles["article_id"], *annotations.too_complex]:
                    pending.pop(article_id, None)
                yield _extract_isolated(annotations, gazetteer, matcher, models)
        return
    except Exception:  # the model failed on some article of the stream: find which below, and go on
        pass
    for row in [*pending.values(), *source]:
        try:
            (annotations,) = iter_annotations([row], nlp, batch_size=1, chunk_size=1)
        except Exception as err:
            yield ChunkResult([], 1, [ExtractionFailure(row[0], _describe(err))])
            continue
        yield _extract_isolated(annotations, gazetteer, matcher, models)


def loaded_extraction(model: str, batch_size: int = 16) -> Callable[[list[tuple[str, str, str]]], list[ChunkResult]]:
    """Load the models once (spaCy's `model` and the shipped ones); return extraction of a list of
    (article_id, title, body) rows in this process, as one engine's worker runs it."""
    nlp, gazetteer, matcher = load_pipeline(model), load_gazetteer(), default_matcher()
    models = Models(topics=load_topic_model(), tone=load_tone_model())

    def extract_rows(rows: list[tuple[str, str, str]]) -> list[ChunkResult]:
        return list(
            extract_articles(rows, nlp, gazetteer, matcher, models, batch_size=batch_size, chunk_size=max(len(rows), 1))
        )

    return extract_rows
