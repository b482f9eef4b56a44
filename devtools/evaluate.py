"""`make eval EVAL_DIR=../shared/eval`: build a warehouse from the development data and print the figures.

The Makefile passes the files' paths (CoNLL-2003's validation split, the Reuters-21578 train split as JSONL and
the annotated commodity-news corpus); the data's names live there, not here. CoNLL-2003 validation comes first:
216 Reuters stories with every name marked, which the shipped models never saw, so its exact-span F1 over
PER/ORG/LOC/MISC is the figure for names (beside the raw small model's and the shipped model's alone). The
project's own hand-annotated wire stories (`tests/data/annotated_stories.txt`, written for the project) are built
alongside as a regression guard, not as evidence.

The data stays where it is; its articles are written as JSONL into a temporary folder outside the project,
the real pipeline builds a warehouse there, and the scores are computed from the warehouse tables.
"""

import argparse
import csv
import dataclasses
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from devtools.conll import CONLL_2020_SOURCE, CONLL_SOURCE, read_conll_stories
from devtools.report_doc import write_report
from devtools.scoring import (
    ANNOTATED_STORIES_SOURCE,
    COMMODITY_NEWS_SOURCE,
    COMMODITY_NEWS_TO_CONLL,
    ONTONOTES_TO_CONLL,
    AnnotatedStory,
    commodity_news_articles,
    exact_duplicate_pairs,
    gold_spans_in_body,
    label_agreement,
    name_errors,
    parse_annotated_stories,
    raw_model_spans,
    read_jsonl,
    reuters_articles,
    reuters_place_codes,
    score_sets,
    score_spans,
    story_articles,
    story_gold,
)
from devtools.train_tone import text_sha1, tone_report
from devtools.train_topics import cross_validate, reuters_examples
from pipelines.definitions import ALL_ASSETS, ALL_CHECKS, build_resources
from wiredesk.gazetteer import load_gazetteer
from wiredesk.listings import everyday_words, listed_companies
from wiredesk.nlp import BASE_MODEL, load_pipeline
from wiredesk.normalise import PARAGRAPH_SEPARATOR
from wiredesk.publish import split_statements
from wiredesk.settings import Settings
from wiredesk.shipped import sql_text
from wiredesk.stories import shingles
from wiredesk.tone import load_model as load_tone_model
from wiredesk.topics import reuters_topics, scored_commodity

ANNOTATED_STORIES = Path(__file__).resolve().parents[1] / "tests" / "data" / "annotated_stories.txt"


def write_corpus(
    reuters: Path,
    commodity_news: Path,
    stories: list[AnnotatedStory],
    conll: list[AnnotatedStory],
    conll_2020: list[AnnotatedStory],
    folder: Path,
    limit: int | None,
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "stories.jsonl").open("w", encoding="utf-8") as out:
        for article in story_articles(stories):
            out.write(json.dumps(article) + "\n")
    with (folder / "conll.jsonl").open("w", encoding="utf-8") as out:
        for article in story_articles(conll, source=CONLL_SOURCE):
            out.write(json.dumps(article) + "\n")
    with (folder / "conll_2020.jsonl").open("w", encoding="utf-8") as out:
        for article in story_articles(conll_2020, source=CONLL_2020_SOURCE):
            out.write(json.dumps(article) + "\n")
    with (folder / "reuters.jsonl").open("w", encoding="utf-8") as out:
        for article in reuters_articles(reuters, limit):
            out.write(json.dumps(article) + "\n")
    with (folder / "commodity_news.jsonl").open("w", encoding="utf-8") as out:
        for article in commodity_news_articles(commodity_news):
            out.write(json.dumps(article) + "\n")


def build(folder: Path, db_path: Path) -> float:
    settings = dataclasses.replace(Settings.from_env(), seeds_dir=folder, db_path=db_path)
    started = time.perf_counter()
    result = dg.materialize([*ALL_ASSETS, *ALL_CHECKS], resources=build_resources(settings), raise_on_error=False)
    if not result.success:
        failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
        raise SystemExit(f"the evaluation build failed (failed checks: {failed})")
    return time.perf_counter() - started


@contextmanager
def conll_train_warehouse(conll_train: Path | None, workdir: Path) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A read-only connection to a warehouse of CoNLL-2003's training stories, built apart so that its thousand
    stories do not touch the names scored on validation; None when the file is not given."""
    if conll_train is None or not conll_train.is_file():
        yield None
        return
    folder, db_path = workdir / "conll_train" / "articles", workdir / "conll_train" / "eval.duckdb"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "conll.jsonl").open("w", encoding="utf-8") as out:
        for article in story_articles(read_conll_stories(conll_train), source=CONLL_SOURCE):
            out.write(json.dumps(article) + "\n")
    build(folder, db_path)
    with duckdb.connect(str(db_path), read_only=True) as con:
        yield con


def grouped(rows) -> dict[str, set]:
    out: dict[str, set] = defaultdict(set)
    for doc, value in rows:
        if value is not None:
            out[doc].add(value)
    return out


def evaluate_reuters(con, reuters: Path, limit: int | None) -> list[str]:
    gazetteer = load_gazetteer()
    records = list(islice(read_jsonl(reuters), limit))
    all_topics = reuters_topics(records)
    gold_topics, gold_places, unmapped = all_topics, {}, set()
    for record in records:
        codes, missing = reuters_place_codes(record["places"], gazetteer)
        unmapped |= missing
        gold_places[f"reuters-{record['doc_id']}"] = codes
    loaded = {
        doc for (doc,) in con.execute("select external_id from articles where source = 'Reuters-21578'").fetchall()
    }
    gold_places = {doc: codes for doc, codes in gold_places.items() if doc in loaded}
    gold_topics = {doc: topics for doc, topics in gold_topics.items() if doc in loaded}

    predicted_places = grouped(
        con.execute(
            """select a.external_id, m.country_code from entity_mentions m join articles a using (article_id)
            where a.source = 'Reuters-21578' and m.country_code is not null"""
        ).fetchall()
    )
    labelled = {doc: codes for doc, codes in gold_places.items() if codes}
    countries = score_sets(labelled, {doc: predicted_places.get(doc, set()) for doc in labelled})

    def commodity_rows(where: str):
        rows = con.execute(
            f"""select a.external_id, c.commodity, c.commodity_group
            from article_commodities c join articles a using (article_id)
            where a.source = 'Reuters-21578' {where}"""
        ).fetchall()
        return grouped((doc, scored_commodity(commodity, group)) for doc, commodity, group in rows)

    in_sample = score_sets(gold_topics, commodity_rows("and c.is_primary"))
    # The classifier was trained on this file: its figure is the grouped cross-validation's, never the warehouse's.
    examples = reuters_examples(con, gold_topics)
    if examples.candidates.height >= 100:
        cross_validated, ceiling = cross_validate(examples)
        primary = (
            f"  primary commodity (TOPICS, 25 commodities), grouped 5-fold CV: {cross_validated}\n"
            f"    (in-sample, the shipped classifier on its own training stories, not a claim: {in_sample};"
            f" ceiling with every candidate judged right: F1 {ceiling.f1:.3f})"
        )
    else:
        primary = f"  primary commodity: too few candidates to cross-validate ({examples.candidates.height})"
    mentioned = commodity_rows("")
    editors = editors_agreement(con, records, all_topics)
    recall_hits = sum(len(topics & mentioned.get(doc, set())) for doc, topics in gold_topics.items())
    recall_total = sum(len(topics) for topics in gold_topics.values())
    return [
        f"Reuters-21578 train: {len(loaded)} articles",
        f"  document countries (editors' PLACES, {len(labelled)} labelled docs): {countries}",
        primary,
        *editors,
        f"  labelled commodities found among all mentions: {recall_hits}/{recall_total} = "
        f"{recall_hits / max(recall_total, 1):.3f}",
        f"  PLACES codes with no country: {sorted(unmapped) or 'none'}",
        *quotation_and_figure_counts(con),
    ]


def editors_agreement(con, records: list[dict], topics: dict[str, set[str]]) -> list[str]:
    """How far the editors' TOPICS (`topics`, from `reuters_topics(records)`) agree with themselves where a
    story's text repeats: the same text filed twice, and versions of one story (the pipeline's same-story links).
    Where two taggings agree at A, a classifier that matched their consensus exactly would score about (1 + A) / 2
    against either: the measure says how much of the primary-commodity figure's shortfall is the labels'."""
    exact = exact_duplicate_pairs(records)
    duplicates = label_agreement(exact, topics)
    linked = con.execute(
        """select a.external_id, b.external_id from story_links l
        join articles a on a.article_id = l.article_id join articles b on b.article_id = l.other_article_id
        where a.source = 'Reuters-21578' and b.source = 'Reuters-21578'"""
    ).fetchall()
    versions = label_agreement(linked, topics)
    both = label_agreement([*exact, *linked], topics)
    return [
        "  the editors' TOPICS against themselves, the same story tagged twice (F1, either side as the gold):",
        f"    the same text filed twice, {duplicates[0]} tagged pairs: {duplicates[1]}",
        f"    versions of one story (same-story links), {versions[0]} tagged pairs: {versions[1]}",
        f"    both: F1 {both[1].f1:.3f}",
    ]


def quotation_and_figure_counts(con) -> list[str]:
    """What the story, quotation and figure steps find in the Reuters stories. There is no gold for them:
    precision is checked by hand on the samples `python -m devtools.sample_quotes_figures` prints."""
    quotes, spoken, resolved = con.execute(
        """select count(*), count(speaker_text), count(speaker_entity_id)
        from quotations join articles using (article_id) where source = 'Reuters-21578'"""
    ).fetchall()[0]
    kinds = con.execute(
        """select kind, count(*) from figures join articles using (article_id) where source = 'Reuters-21578'
        group by kind order by count(*) desc"""
    ).fetchall()
    stories, clustered, pairs = con.execute(
        """select count(*), sum(size) filter (where size > 1), sum(size * (size - 1) / 2)
        from story_clusters where cluster_id in (select article_id from articles where source = 'Reuters-21578')"""
    ).fetchall()[0]
    # Weekly and daily reports repeat a template with new figures: each must be its own story.
    recurring = con.execute(
        """select count(*), count(distinct s.cluster_id) from articles a join article_stories s using (article_id)
        where a.source = 'Reuters-21578' and (a.title ilike '%rig count%' or a.title ilike '%fed adds reserves%'
              or a.title ilike '%crop progress%')"""
    ).fetchall()[0]
    return [
        f"  stories: {stories} for the Reuters articles; {clustered or 0} articles in stories of two or more, "
        f"{int(pairs or 0)} same-story pairs",
        f"  recurring reports (rig counts, Fed reserves, crop progress): {recurring[0]} articles in "
        f"{recurring[1]} stories",
        f"  quotations: {quotes}; with a speaker {spoken / max(quotes, 1):.3f}, "
        f"with the speaker resolved to an entity {resolved / max(quotes, 1):.3f}",
        f"  figures: {sum(n for _, n in kinds)} ({', '.join(f'{kind} {n}' for kind, n in kinds)})",
    ]


def _is_opec(mention: str) -> bool:
    return mention.upper() in ("OPEC", "OPEC+")


def evaluate_commodity_news(con, commodity_news: Path) -> list[str]:
    bodies = dict(
        con.execute("select external_id, body from articles where source = ?", [COMMODITY_NEWS_SOURCE]).fetchall()
    )
    gold_entities, gold_commodities = [], []
    for record in read_jsonl(commodity_news):
        doc = f"cnc-{record['doc_id']}"
        if doc not in bodies:
            continue
        for start, end, kind, _text in gold_spans_in_body(record, bodies[doc]):
            if kind == "Commodity":
                gold_commodities.append((doc, start, end))
            elif kind in COMMODITY_NEWS_TO_CONLL:
                gold_entities.append((doc, start, end, COMMODITY_NEWS_TO_CONLL[kind], kind))
    predicted = [
        (doc, start, end, conll)
        for doc, field, start, end, conll in predicted_names(con, COMMODITY_NEWS_SOURCE)
        if field == "body"
    ]
    lines = [f"Commodity news corpus: {len(bodies)} articles"]
    all_gold = [g[:4] for g in gold_entities]
    lines.append(f"  entities, all mapped types (PER/ORG/LOC/MISC), exact spans: {score_spans(all_gold, predicted)}")
    core_kinds = {"PERSON", "ORGANIZATION", "COUNTRY"}
    core_gold = [g[:4] for g in gold_entities if g[4] in core_kinds]
    core_types = {"PER", "ORG"}
    core_spans = {g[:3] for g in core_gold}
    core_predicted = [p for p in predicted if p[3] in core_types or p[:3] in core_spans]
    lines.append(f"  entities, COUNTRY/ORGANIZATION/PERSON only, exact spans: {score_spans(core_gold, core_predicted)}")
    lines += scores_by_type(all_gold, predicted)
    predicted_commodities = con.execute(
        """select a.external_id, m.start_char, m.end_char
        from commodity_mentions m join articles a using (article_id)
        where a.source = ? and m.field = 'body'""",
        [COMMODITY_NEWS_SOURCE],
    ).fetchall()
    lines.append(f"  commodity mentions, exact spans: {score_spans(gold_commodities, predicted_commodities)}")
    # "OPEC" names crude oil by its cartel: a commodity mention here, never a commodity in the corpus's annotation.
    by_word = [(doc, start, end) for doc, start, end in predicted_commodities if not _is_opec(bodies[doc][start:end])]
    lines.append(
        f"    without the {len(predicted_commodities) - len(by_word)} mentions of OPEC: "
        f"{score_spans(gold_commodities, by_word)}"
    )
    overlap_tp = sum(
        any(d == doc and s < end and start < e for d, s, e in gold_commodities)
        for doc, start, end in predicted_commodities
    )
    found = sum(
        any(d == doc and s < end and start < e for d, s, e in predicted_commodities)
        for doc, start, end in gold_commodities
    )
    lines.append(
        f"  commodity mentions, overlapping spans: precision {overlap_tp / max(len(predicted_commodities), 1):.3f}"
        f"  recall {found / max(len(gold_commodities), 1):.3f}"
    )
    return lines


def predicted_names(con, source: str) -> list[tuple[str, str, int, int, str]]:
    """(external id, field, start, end, CoNLL type) of the warehouse's entity mentions in one source's articles."""
    return [
        (doc, field, start, end, ONTONOTES_TO_CONLL[label])
        for doc, field, start, end, label in con.execute(
            """select a.external_id, m.field, m.start_char, m.end_char, m.entity_type
            from entity_mentions m join articles a using (article_id) where a.source = ?""",
            [source],
        ).fetchall()
    ]


def scores_by_type(gold: list[tuple], predicted: list[tuple]) -> list[str]:
    """A line per CoNLL type; the type is the last element of each span tuple."""
    return [
        f"    {conll:<4} {score_spans([g for g in gold if g[-1] == conll], [p for p in predicted if p[-1] == conll])}"
        for conll in ("PER", "ORG", "LOC", "MISC")
    ]


def evaluate_names(
    con, stories: list[AnnotatedStory], source: str, heading: str, model_name: str, errors: int = 0
) -> list[str]:
    """Exact-span scores of the warehouse's names in one source's stories, beside the models alone; with
    `errors`, the pipeline's most frequent errors of each kind."""
    gold = story_gold(stories)
    predicted = predicted_names(con, source)
    lines = [f"{heading}: {len(stories)} stories, {len(gold)} names (PER/ORG/LOC/MISC, exact spans)"]
    models = {"raw en_core_web_sm": BASE_MODEL}
    if model_name != BASE_MODEL:
        models["raw shipped model"] = model_name
    for label, name in models.items():
        lines.append(f"  {label + ':':<24}{score_spans(gold, raw_model_spans(stories, load_pipeline(name)))}")
    lines.append(f"  {'pipeline:':<24}{score_spans(gold, predicted)}")
    lines += scores_by_type(gold, predicted)
    for kind, counts in name_errors(stories, gold, predicted).items() if errors else ():
        top = ", ".join(f"{words} ×{count}" if count > 1 else words for words, count in counts.most_common(errors))
        lines.append(f"  the {errors} most frequent {kind} ({counts.total()} in all): {top}")
    return lines


def furniture_as_news(con, source: str) -> list[str]:
    """How many of the warehouse's news names (role 'news') are wire-page furniture: a caption's label, a
    slideshow counter, a photo credit ("REUTERS / Jane Doe", "Pool via REUTERS"), or a name in a credits line;
    and how many names the furniture holds as bylines and captions."""
    news_furniture, bylines, captions = con.execute(
        r"""
        select
            count(*) filter (where m.role = 'news' and (
                regexp_matches(m.mention_text, '(?i)file photo|slideshow|\(\d+ images?\)|reuters\s*/|/\s*pool|pool via')
                or s.furniture in ('credits', 'photo_credit', 'label'))),
            count(*) filter (where m.role = 'byline'),
            count(*) filter (where m.role = 'caption')
        from entity_mentions as m
        join articles as a using (article_id)
        join sentences as s using (article_id, sentence_index)
        where a.source = ?
        """,
        [source],
    ).fetchall()[0]
    return [
        f"  wire furniture taken as news names: {news_furniture}; names kept as bylines {bylines}, in photo "
        f"captions {captions}"
    ]


def evaluate_identifiers(con, stories: list[AnnotatedStory], source: str) -> list[str]:
    """Of the gold organisation names that are a listed company's (wiredesk/listings.py, by the warehouse's own
    matching rule), how many the warehouse gives that company's ticker, at that span."""
    gold = [
        (story.story_id, field, start, end, (story.title if field == "title" else story.body)[start:end])
        for story in stories
        for field, start, end, kind in story.spans
        if kind == "ORG"
    ]
    schema = {"doc": pl.String, "field": pl.String, "start_char": pl.Int32, "end_char": pl.Int32, "text": pl.String}
    con.register("gold_orgs", pl.DataFrame(gold, schema=schema, orient="row").to_arrow())
    con.register("listed_companies", listed_companies().to_arrow())
    con.register("everyday_words", everyday_words().to_arrow())
    for statement in split_statements(sql_text("publish/listings.sql")):  # the warehouse's own rule
        con.execute(statement)
    rows = con.execute(
        """
        with predicted as (
            select a.external_id as doc, m.field, m.start_char, m.end_char, e.ticker
            from entity_mentions as m
            join articles as a using (article_id)
            join entities as e using (entity_id)
            where a.source = ?
        )
        select g.text, l.ticker, p.ticker
        from gold_orgs as g
        join listings as l
            on l.key = company_key(g.text) and listing_allows(g.text, l.distinctive, l.one_word_name, l.full_name)
        left join predicted as p using (doc, field, start_char, end_char)
        """,
        [source],
    ).fetchall()
    con.unregister("gold_orgs")
    con.unregister("listed_companies")
    con.unregister("everyday_words")
    right = sum(expected == got for _, expected, got in rows)
    wrong = sorted({f"{text} ({got}, listed {expected})" for text, expected, got in rows if got and got != expected})
    missed = Counter(text for text, expected, got in rows if got is None)
    return [
        f"  listed companies (gold ORG names a listing matches): {len(rows)} mentions of "
        f"{len({ticker for _, ticker, _ in rows})} companies; given their ticker {right} "
        f"({right / max(len(rows), 1):.1%}), a wrong one {len(wrong)} {wrong[:10]}, none "
        f"{sum(missed.values())} {[f'{t} ×{n}' for t, n in missed.most_common(10)]}"
    ]


IDENTIFIERS_JUDGED = Path(__file__).parent / "data" / "identifiers_judged.csv"


def evaluate_identifier_sample(con, judged: Path = IDENTIFIERS_JUDGED) -> list[str]:
    """The hand-checked draws of mentions given a ticker: how many named the listed company, over the mentions that
    still carry the ticker they were read with (one that lost it, or took another, must be read again)."""
    with judged.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    now = {
        (external_id, field, start): ticker
        for external_id, field, start, ticker in con.execute(
            """select a.external_id, m.field, m.start_char, e.ticker
            from entity_mentions m join articles a using (article_id) join entities e using (entity_id)"""
        ).fetchall()
    }
    lines = [f"identifiers ({judged.name}: mentions given a ticker, read by hand)"]
    for draw, drawn in _by_draw(rows):
        same = [r for r in drawn if now.get((r["external_id"], r["field"], int(r["start_char"]))) == r["ticker"]]
        wrong = [f"{r['mention_text']} ({r['ticker']})" for r in same if r["verdict"] != "right"]
        lines.append(
            f"  {draw}: {len(drawn)} read, {len(drawn) - len(same)} changed since; the listed company "
            f"{len(same) - len(wrong)} of {len(same)}; wrong {wrong}"
        )
    return lines


RESEND_WINDOW_DAYS = 3
RESEND_CONTAINMENT = 0.8


def resend_pairs(con, source: str = "Reuters-21578") -> list[tuple[str, str, float]]:
    """Every pair of `source` articles published within RESEND_WINDOW_DAYS of each other whose shorter body has
    RESEND_CONTAINMENT or more of its word 5-grams in the longer one: (article_id, article_id, containment).
    Exact, from the texts (an inverted index of 5-grams), independent of the pipeline's candidate search."""
    rows = con.execute(
        "select article_id, epoch(published_at), body from articles where source = ? and published_at is not null",
        [source],
    ).fetchall()
    grams = {article_id: set(shingles(body).tolist()) for article_id, _, body in rows}
    published = {article_id: moment for article_id, moment, _ in rows}
    index: dict[int, list[str]] = defaultdict(list)
    for article_id, hashed in grams.items():
        for gram in hashed:
            index[gram].append(article_id)
    shared: Counter = Counter()
    for holders in index.values():
        if len(holders) < 2:
            continue
        for i, a in enumerate(holders):
            for b in holders[i + 1 :]:
                if abs(published[a] - published[b]) <= RESEND_WINDOW_DAYS * 86400:
                    shared[min(a, b), max(a, b)] += 1
    pairs = []
    for (a, b), count in shared.items():
        share = count / max(min(len(grams[a]), len(grams[b])), 1)
        if share >= RESEND_CONTAINMENT:
            pairs.append((a, b, round(share, 3)))
    return sorted(pairs)


def evaluate_resends(con) -> list[str]:
    """How many re-send pairs (`resend_pairs`) the warehouse puts in one story, and how many same-story pairs it
    makes besides (those are read by hand: `python -m devtools.sample_quotes_figures` prints a sample)."""
    pairs = resend_pairs(con)
    cluster = dict(con.execute("select article_id, cluster_id from article_stories").fetchall())
    together = sum(cluster.get(a) is not None and cluster.get(a) == cluster.get(b) for a, b, _ in pairs)
    linked = con.execute(
        """select count(*) from story_links l join articles a using (article_id)
        where a.source = 'Reuters-21578'"""
    ).fetchall()[0][0]
    return [
        f"re-sends (Reuters-21578: pairs within {RESEND_WINDOW_DAYS} days whose shorter body has "
        f"{RESEND_CONTAINMENT:.0%} or more of its 5-grams in the longer, found exactly from the texts)",
        f"  in one story: {together} of {len(pairs)} ({together / max(len(pairs), 1):.2f}); "
        f"same-story links made: {linked}",
    ]


EVENTS_JUDGED = Path(__file__).parent / "data" / "commodity_events_judged.csv"


def evaluate_events(con, judged: Path = EVENTS_JUDGED) -> list[str]:
    """Commodity events in the Reuters stories by type, and the hand-judged sample: of the judged events the
    warehouse still makes, how many were judged right (precision by hand)."""
    by_type = con.execute(
        """select event_type, count(*) from commodity_events v join articles a using (article_id)
        where a.source = 'Reuters-21578' group by 1 order by 2 desc"""
    ).fetchall()
    with judged.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    made = set(
        con.execute(
            """select a.external_id, v.sentence_index, v.commodity, v.event
            from commodity_events v join articles a using (article_id)"""
        ).fetchall()
    )
    kept = [r for r in rows if (r["external_id"], int(r["sentence_index"]), r["commodity"], r["event"]) in made]
    right = sum(r["correct"] == "True" for r in kept)
    return [
        "commodity events (Reuters-21578): " + ", ".join(f"{kind} {n}" for kind, n in by_type),
        f"  judged by hand ({judged.name}, {len(rows)} drawn at random): {len(kept)} still made, "
        f"{right} of them right ({right / max(len(kept), 1):.2f})",
    ]


def _by_draw(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """Hand-read rows grouped by the draw their `sample` note opens with ("draw C: ...")."""
    draws: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        draws[row["sample"].split(":")[0]].append(row)
    return sorted(draws.items())


CONTEXT_JUDGED = Path(__file__).parent / "data" / "commodity_context_judged.csv"


def evaluate_context(con, judged: Path = CONTEXT_JUDGED) -> list[str]:
    """The hand-read sample of commodity mentions: how often `direction` and `trade_action` were right, over
    the mentions that still read as they did when judged (a changed one must be read again)."""
    with judged.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    now = {
        (external_id, start): (direction or "", action or "")
        for external_id, start, direction, action in con.execute(
            """select a.external_id, m.start_char, m.direction, m.trade_action
            from commodity_mentions m join articles a using (article_id) where m.field = 'body'"""
        ).fetchall()
    }
    lines = [f"commodity context ({judged.name}: {len(rows)} mentions read by hand, by draw)"]
    for draw, drawn in _by_draw(rows):
        for column, verdict in (("direction", "direction_verdict"), ("trade_action", "action_verdict")):
            judged_rows = [r for r in drawn if r[verdict]]
            same = [
                r
                for r in judged_rows
                if now.get((r["external_id"], int(r["start_char"])), ("?", "?"))[column == "trade_action"] == r[column]
            ]
            right = sum(r[verdict] == "right" for r in same)
            lines.append(
                f"  {draw}, {column}: right {right} of {len(same)} ({right / max(len(same), 1):.2f}); "
                f"{len(judged_rows) - len(same)} changed since they were read"
            )
    return lines


SPEAKERS_JUDGED = Path(__file__).parent / "data" / "speakers_judged.csv"


def evaluate_speakers(con, judged: Path = SPEAKERS_JUDGED) -> list[str]:
    """The hand-read sample of quotations: speaker precision (right of those given a speaker) and how many were
    left empty that a reader could name. A quotation whose speaker changed since it was read is counted apart:
    it must be read again."""
    with judged.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    now = {
        (external_id, start): speaker or ""
        for external_id, start, speaker in con.execute(
            """select a.external_id, q.start_char, e.canonical_name from quotations q join articles a using (article_id)
            left join entities e on e.entity_id = q.speaker_entity_id"""
        ).fetchall()
    }
    lines = [f"speakers ({judged.name}: {len(rows)} quotations read by hand, by draw)"]
    for draw, drawn in _by_draw(rows):
        same = [r for r in drawn if now.get((r["external_id"], int(r["quote_start"]))) == r["speaker"]]
        verdicts = Counter(r["verdict"] for r in same)
        given = verdicts["right"] + verdicts["wrong"]
        lines.append(
            f"  {draw}: {len(drawn)} read, {len(drawn) - len(same)} changed since; right {verdicts['right']} of "
            f"{given} given a speaker ({verdicts['right'] / max(given, 1):.2f}); nameable but left empty "
            f"{verdicts['nameable, left empty']} of {len(same)}"
        )
    return lines


EARNINGS_LINES = Path(__file__).parent / "data" / "earnings_lines.csv"


def evaluate_earnings_lines(con, labels: Path = EARNINGS_LINES) -> list[str]:
    """Reuters earnings-table lines ("Shr 34 cts vs 1.19 dlrs") labelled by hand: how often the warehouse's tone
    of the line's sentence has the sign of the move, and how often a line with no verdict (average shares, an
    unchanged dividend) stays neutral. Also how many of all such lines the results table holds."""
    with labels.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = con.execute(
        """select a.external_id, a.body, s.start_char, s.tone from articles a join sentences s using (article_id)
        where s.field = 'body' and a.external_id in (select unnest(?)) order by s.start_char""",
        [sorted({r["external_id"] for r in rows})],
    ).fetchall()
    bodies, tones = {}, {}
    for external_id, body, start, tone in found:
        bodies[external_id] = body
        tones.setdefault(external_id, []).append((start, tone))
    threshold = load_tone_model().threshold
    scored: dict[tuple[str, str], list[bool]] = {}
    missing = 0
    for row in rows:
        body = bodies.get(row["external_id"])
        paragraphs = body.split(PARAGRAPH_SEPARATOR) if body else []
        index = int(row["line_index"])
        if index >= len(paragraphs) or text_sha1(paragraphs[index]) != row["text_sha1"]:
            missing += 1
            continue
        line_start = sum(len(p) + len(PARAGRAPH_SEPARATOR) for p in paragraphs[:index])
        tone = next((t for start, t in tones[row["external_id"]] if start >= line_start), 0.0)
        said = "positive" if tone >= threshold else "negative" if tone <= -threshold else "neutral"
        kind = "no verdict" if row["label"] == "neutral" else "a move"
        scored.setdefault((row["sample"].split(":")[0], kind), []).append(said == row["label"])
    lines = [
        f"earnings lines (Reuters-21578 train, drawn at random and labelled by hand, {labels.name}; "
        f"{missing} not found as labelled): the line's tone has the sign of its move / stays neutral"
    ]
    for (draw, kind), right in sorted(scored.items()):
        lines.append(f"  {draw}, {kind}: {sum(right)} of {len(right)} ({sum(right) / len(right):.0%})")
    total, with_company = con.execute("select count(*), count(company_entity_id) from results").fetchall()[0]
    lines.append(
        f"  results table: {total} result lines, {with_company} with their company ({with_company / max(total, 1):.0%})"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make eval", description=__doc__)
    parser.add_argument("--conll", type=Path, required=True, help="the CoNLL-2003 validation split (JSONL)")
    parser.add_argument(
        "--conll-2020", type=Path, required=True, help="the 2020 Reuters stories of CoNLL++ (JSONL), scored first"
    )
    parser.add_argument("--reuters", type=Path, required=True, help="the Reuters-21578 train split (JSONL)")
    parser.add_argument(
        "--commodity-news", type=Path, required=True, help="the annotated commodity-news corpus (JSONL)"
    )
    parser.add_argument(
        "--stories", type=Path, default=ANNOTATED_STORIES, help="hand-annotated stories (default: the project's)"
    )
    parser.add_argument(
        "--conll-train",
        type=Path,
        default=None,
        help="the CoNLL-2003 training split (JSONL): its stories are built apart to score tone on them",
    )
    parser.add_argument("--limit", type=int, default=None, help="score only the first N Reuters articles")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (default: a temporary folder)")
    parser.add_argument("--write", type=Path, default=None, help="also write the report into this doc's figures")
    args = parser.parse_args(argv)
    missing = [
        str(path)
        for path in (args.conll_2020, args.conll, args.reuters, args.commodity_news, args.stories)
        if not path.is_file()
    ]
    if missing:
        print(f"no such file: {', '.join(missing)} (pass EVAL_DIR=<the development data folder>)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="wiredesk-eval-") as scratch:
        workdir = args.workdir or Path(scratch)
        folder, db_path = workdir / "articles", workdir / "eval.duckdb"
        stories = parse_annotated_stories(args.stories.read_text(encoding="utf-8"))
        conll = list(read_conll_stories(args.conll))
        conll_2020 = list(read_conll_stories(args.conll_2020, CONLL_2020_SOURCE))
        write_corpus(args.reuters, args.commodity_news, stories, conll, conll_2020, folder, args.limit)
        seconds = build(folder, db_path)
        with duckdb.connect(str(db_path), read_only=True) as con:
            articles = con.execute("select count(*) from articles").fetchall()[0][0]
            lines = [f"built {articles} articles in {seconds:.1f}s ({articles / seconds:.1f} articles/s)"]
            model_name = Settings.from_env().spacy_model
            heading = "Reuters stories from 2020, CoNLL++ (unseen, today's news)"
            lines += evaluate_names(con, conll_2020, CONLL_2020_SOURCE, heading, model_name, errors=20)
            lines += furniture_as_news(con, CONLL_2020_SOURCE)
            lines += evaluate_identifiers(con, conll_2020, CONLL_2020_SOURCE)
            lines += evaluate_identifier_sample(con)
            lines += evaluate_names(con, conll, CONLL_SOURCE, "CoNLL-2003 validation (unseen)", model_name)
            lines += evaluate_reuters(con, args.reuters, args.limit)
            lines += evaluate_commodity_news(con, args.commodity_news)
            lines += evaluate_earnings_lines(con)
            lines += evaluate_resends(con)
            lines += evaluate_events(con)
            lines += evaluate_speakers(con)
            lines += evaluate_context(con)
            with conll_train_warehouse(args.conll_train, workdir) as conll_train:
                lines += tone_report(con, conll_train)
            heading = "wiredesk annotated stories (regression guard, written for the project)"
            lines += evaluate_names(con, stories, ANNOTATED_STORIES_SOURCE, heading, model_name)
    print("\n".join(lines))
    if args.write:
        write_report(args.write, "eval", "```\n" + "\n".join(lines) + "\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
