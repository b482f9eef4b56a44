"""Which articles tell the same story: near-duplicates and follow-ups (a re-sent, updated or corrected version,
the same story from another desk), found with MinHash and banded locality-sensitive hashing.

Each article's body becomes the set of its word 5-grams, summarised two ways:
- a MinHash signature of `PERMUTATIONS` values, cut into `BANDS` bands: two articles sharing a band are
  candidates (texts of a size that share most of their 5-grams);
- a consistent sample of its 5-grams (those whose hash is 0 modulo `SAMPLE_MOD`): a text inside another has its
  sample inside the other's, whatever their sizes, so a flash and its full story, or a short story and the
  update that carries it, are candidates too. Banding alone measures overlap relative to both sizes, and never
  pairs a short text with a long one.
A candidate pair is the same story when
- the shorter article's 5-grams are mostly (`CONTAINMENT`) in the longer one's, counted exactly from the texts,
- most of the shorter one's numbers are in the other (`SHARED_NUMBERS`, when both have at least three): a daily
  "Fed adds reserves" or a weekly rig count repeats its template with new figures, and is a new story each time,
- they were published within `WINDOW` of each other, and
- a body too short to say whose news it is (`SHORT_BODY`) has a headline naming the same subject as the other's
  ("ROWE FURNITURE CORP <ROWE> SETS QTLY DIVIDEND" and "ROWE FURNITURE <ROWE> DECLARES DIVIDEND"; not
  "FRANKLIN INSURED TAX-FREE SETS PAYOUT" and "FRANKLIN HIGH-YIELD TAX-FREE SETS PAYOUT"), and
- they are not a recurring report: published `REPORT_GAP` or more apart with a figure changed where the texts
  align ("arranged 1.5 billion dlrs" the next day where the other said "two billion dlrs"), unless a headline
  marks a re-send or a correction ("RPT-", "CORRECTED -", "UPDATE 1-"). A daily report with few figures (the
  Fed's reserves) slips past the shared-numbers test; its changed figure does not.
Measured on Reuters-21578 development stories: bank after bank "raises prime rate" shares 0.6 to 0.75 of its
5-grams with the others, a story and its corrected or re-sent version 0.8 and more. The stored bands make adding
an article a lookup, not a pass over the corpus.
"""

from __future__ import annotations

import functools
import re
import zlib
from datetime import datetime, timedelta
from difflib import SequenceMatcher

import duckdb
import numpy as np
import polars as pl

from wiredesk.shipped import sql_text
from wiredesk.tables import SIGNATURE_SCHEMA
from wiredesk.wirecopy import without_dateline

# Raised whenever a change to the rules below would link articles differently: a warehouse whose links an
# older version made has all its articles linked again at its next publish.
STORY_RULES = 3  # 3: containment candidates, exact containment, a short notice's headline names its subject
PERMUTATIONS = 64
BANDS = 16  # of PERMUTATIONS // BANDS rows each: pairs with Jaccard similarity above ~0.5 meet with odds > 0.6
ROWS = PERMUTATIONS // BANDS
SHINGLE_WORDS = 5
SAMPLE_MOD = 8  # one 5-gram in eight is sampled (a 200-gram story keeps about 25)
# A sampled 5-gram held by more articles than this is boilerplate ("said in a statement that"): not a lead.
SAMPLE_MAX_HOLDERS = 50
CONTAINMENT = 0.8
# An estimate from the signatures this high is not counted again from the texts: with 64 minima, a pair that
# shows 0.95 holds well over 0.8 (a re-send, or the same text replicated).
SURE_CONTAINMENT = 0.95
SHARED_NUMBERS = 0.5
WINDOW = timedelta(days=3)
REPORT_GAP = timedelta(hours=12)  # a re-send or update comes within hours; a daily report a day later
# A headline that says the article is another version of a story: Reuters' "RPT-", "CORRECTED - ", "(CORRECTED)-",
# "UPDATE 2-", "REFILE-".
_VERSION_HEADLINE = re.compile(r"(?i)^\W*(?:rpt|repeat|corrected|correction|update|updated|refile)\b")
_FIGURE = re.compile(r"\d[\d,./]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half")
_TOKEN = re.compile(r"\d[\d,./]*\d|\d|[a-z]+")
# A notice too short to say whose it is ("Qtly div four cts vs four cts prior Pay April 15") is one company's
# only when the headlines agree on a word: two firms' identical dividend notices are two stories.
SHORT_BODY = 30  # 5-grams
_HEADLINE_WORD = re.compile(r"[a-z]{3,}")
_HEADLINE_FILLER = frozenset(("inc", "corp", "ltd", "plc", "the", "and", "for", "says", "said", "sets", "with"))
_NUMBER = re.compile(r"\d[\d,./-]*")
_PRIME = (1 << 31) - 1
_RANDOM = np.random.default_rng(20261126)  # fixed: signatures must be comparable across runs
_A = _RANDOM.integers(1, _PRIME, size=PERMUTATIONS, dtype=np.int64)
_B = _RANDOM.integers(0, _PRIME, size=PERMUTATIONS, dtype=np.int64)
_WORD = re.compile(r"[a-z0-9]+")


def shingles(text: str) -> np.ndarray:
    """The distinct word 5-grams of `text`, hashed to 32 bits (a short text is one shingle of all its words)."""
    hashed = _shingle_hashes(text)
    return np.fromiter(hashed, dtype=np.int64, count=len(hashed))


def _shingle_hashes(text: str) -> set[int]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        grams = {" ".join(words)}
    else:  # zip and map keep the loop over a story's words in C
        grams = set(map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)))
    return set(map(zlib.crc32, map(str.encode, grams)))


# A body's 5-grams while one batch's candidates are judged: an article is a candidate of many others (a
# templated report, a story re-sent through the day). Cleared when the batch is done.
_batch_shingles = functools.lru_cache(maxsize=None)(_shingle_hashes)


def signature(hashed: np.ndarray) -> np.ndarray:
    """The MinHash signature of a set of hashed shingles: PERMUTATIONS minima of (a·x + b) mod p."""
    return ((np.outer(hashed, _A) + _B) % _PRIME).min(axis=0)


def bands(sig: np.ndarray) -> list[int]:
    """One 63-bit key per band, the band's number folded in so that equal rows in different bands differ."""
    return [(zlib.crc32(sig[i * ROWS : (i + 1) * ROWS].tobytes()) << 8 | i) & ((1 << 62) - 1) for i in range(BANDS)]


def article_signatures(articles: pl.DataFrame) -> pl.DataFrame:
    """SIGNATURE_SCHEMA rows for `articles` (article_id, body)."""
    columns: dict[str, list] = {name: [] for name in SIGNATURE_SCHEMA}
    for article_id, body in articles.select("article_id", "body").iter_rows():
        hashed = shingles(body)
        sig = signature(hashed)
        columns["article_id"].append(article_id)
        columns["shingle_count"].append(len(hashed))
        columns["signature"].append(sig.tolist())
        columns["bands"].append(bands(sig))
        columns["numbers"].append(sorted({zlib.crc32(n.rstrip(".,").encode()) for n in _NUMBER.findall(body)}))
        columns["sample"].append(np.unique(hashed[hashed % SAMPLE_MOD == 0]).tolist())
    return pl.DataFrame(columns, schema=SIGNATURE_SCHEMA)  # built by column: faster than by row


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """How much of the smaller set is in the larger, from their Jaccard similarity and sizes."""
    shared = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(shared / max(min(size_a, size_b), 1), 1.0)


# Below this many numbers on either side, a changed figure is a correction, not a new report.
_MIN_NUMBERS = 3


def shared_numbers(numbers_a: list[int], numbers_b: list[int]) -> float:
    """The share of the smaller set of numbers that the other article has too (a flash's figures are all in its
    full story; a report with new figures shares few); 1 when either has too few to tell."""
    a, b = set(numbers_a), set(numbers_b)
    return len(a & b) / min(len(a), len(b)) if min(len(a), len(b)) >= _MIN_NUMBERS else 1.0


def exact_containment(body_a: str, body_b: str) -> float:
    """The share of the smaller body's 5-grams that are in the other, counted."""
    a, b = _batch_shingles(body_a), _batch_shingles(body_b)
    return len(a & b) / max(min(len(a), len(b)), 1)


def changed_figure(body_a: str, body_b: str) -> bool:
    """Whether the two texts, aligned word by word after their datelines, put a different figure in the same
    place ("1.5 billion" against "two billion"); added or dropped paragraphs do not count."""
    words_a = _TOKEN.findall(without_dateline(body_a).lower())
    words_b = _TOKEN.findall(without_dateline(body_b).lower())
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, words_a, words_b, autojunk=False).get_opcodes():
        if tag == "replace" and _has_figure(words_a[i1:i2]) and _has_figure(words_b[j1:j2]):
            return True
    return False


def _has_figure(words: list[str]) -> bool:
    return any(_FIGURE.fullmatch(word) for word in words)


def recurring_report(titles: tuple[str, str], bodies: tuple[str, str]) -> bool:
    """Two articles published `REPORT_GAP` apart: a recurring report when a figure changed and neither headline
    says it is a re-send or correction."""
    if any(_VERSION_HEADLINE.match(title) for title in titles):
        return False
    return changed_figure(*bodies)


def same_story(
    jaccard: float,
    sizes: tuple[int, int],
    numbers: tuple[list[int], list[int]],
    published: tuple[datetime | None, datetime | None],
    texts: tuple[tuple[str, str], tuple[str, str]] | None = None,
) -> bool:
    """`texts`: each article's (title, body). Containment is counted from the bodies when the signatures leave
    it in doubt: a short text inside a long one, or two texts that share some but not nearly all of their
    5-grams; a pair the signatures call near-identical (an estimate of `SURE_CONTAINMENT` or more) is not
    counted again."""
    gap = abs(published[0] - published[1]) if published[0] is not None and published[1] is not None else None
    if gap is not None and gap > WINDOW:
        return False
    if shared_numbers(*numbers) < SHARED_NUMBERS:
        return False
    share = containment(jaccard, *sizes)
    if texts is not None and share < SURE_CONTAINMENT:
        share = exact_containment(texts[0][1], texts[1][1])
    if share < CONTAINMENT:
        return False
    if texts is None:
        return True
    (title_a, body_a), (title_b, body_b) = texts
    if min(sizes) < SHORT_BODY and not same_subject(title_a, title_b):
        return False
    if gap is not None and gap >= REPORT_GAP:
        return not recurring_report((title_a, title_b), (body_a, body_b))
    return True


def headline_words(title: str) -> set[str]:
    """A headline's words that can name its subject: three letters or more, not a company suffix."""
    return set(_HEADLINE_WORD.findall(title.lower())) - _HEADLINE_FILLER


# Where a notice's headline stops naming its subject: the ticker, or the first word of what it reports.
_SUBJECT_END = re.compile(
    r"(?i)<|\b(?:sets?|declares?|declared|in|to|says?|said|reports?|reported|raises?|cuts?|qtly|quarterly|"
    r"dividends?|payout|div|regular|initial|special|omits?|increases?|ups|lifts?|plans?|1st|2nd|3rd|4th|year|"
    r"qtr|net|loss|profit|results?|shr|unit)\b"
)


def headline_subject(title: str) -> set[str]:
    """The words of what a notice's headline is about: up to its ticker or its first reporting word."""
    end = _SUBJECT_END.search(title)
    return headline_words(title[: end.start()] if end and end.start() > 0 else title)


def same_subject(title_a: str, title_b: str) -> bool:
    """Two headlines name the same subject: one's subject words are all in the other's."""
    a, b = headline_subject(title_a), headline_subject(title_b)
    return bool(a and b) and (a <= b or b <= a)


def links_for(candidates: pl.DataFrame) -> pl.DataFrame:
    """The candidate pairs that are the same story: `candidates` has, for each side (suffix _a, _b), article_id,
    shingle_count, signature, numbers, published_at, title and body. Returns article_id, other_article_id and
    similarity (the estimated Jaccard similarity of their 5-grams)."""
    schema = {"article_id": pl.String, "other_article_id": pl.String, "similarity": pl.Float64}
    if candidates.is_empty():
        return pl.DataFrame(schema=schema)
    signatures_a = np.array(candidates["signature_a"].to_list(), dtype=np.int64)
    signatures_b = np.array(candidates["signature_b"].to_list(), dtype=np.int64)
    similarity = (signatures_a == signatures_b).mean(axis=1)  # vectorised: templated reports make many candidates
    rows = []
    try:
        for i, row in enumerate(candidates.drop("signature_a", "signature_b").iter_rows(named=True)):
            sizes = (row["shingle_count_a"], row["shingle_count_b"])
            numbers = (row["numbers_a"], row["numbers_b"])
            published = (row["published_at_a"], row["published_at_b"])
            texts = ((row["title_a"], row["body_a"] or ""), (row["title_b"], row["body_b"] or ""))
            if same_story(float(similarity[i]), sizes, numbers, published, texts):
                rows.append((row["article_id_a"], row["article_id_b"], round(float(similarity[i]), 4)))
    finally:
        _batch_shingles.cache_clear()
    return pl.DataFrame(rows, schema=schema, orient="row")


def clusters(article_ids: list[str], links: list[tuple[str, str]], first_of) -> dict[str, str]:
    """article id → cluster id: the connected components of `links`, each named by its first article
    (`first_of` gives the sort key: publication time, then id)."""
    parent = {article_id: article_id for article_id in article_ids}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in links:
        if a in parent and b in parent:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb, key=first_of)] = min(ra, rb, key=first_of)
    return {article_id: root(article_id) for article_id in article_ids}


def story_assignments(articles: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """article_id, cluster_id, is_first, novelty, cluster_size for every article.

    `articles`: article_id, published_at. `links`: article_id, other_article_id, similarity, count_a, count_b
    (the two articles' shingle counts). A story is a connected component of the links, named by its first
    article (earliest published, then smallest id). An article's novelty is the share of its 5-grams that no
    earlier article it is linked to had: 1 for the first."""
    published = dict(articles.select("article_id", "published_at").iter_rows())

    def first_of(article_id: str) -> tuple:
        moment = published.get(article_id)
        return (moment is None, moment.timestamp() if moment is not None else 0.0, article_id)

    names = clusters(list(published), list(links.select("article_id", "other_article_id").iter_rows()), first_of)
    novelty = dict.fromkeys(published, 1.0)
    for a, b, similarity, count_a, count_b in links.iter_rows():
        shared = similarity * (count_a + count_b) / (1 + similarity)  # 5-grams in common, estimated
        later, size = (b, count_b) if first_of(a) < first_of(b) else (a, count_a)
        novelty[later] = min(novelty[later], max(0.0, 1 - shared / max(size, 1)))
    sizes: dict[str, int] = {}
    for cluster in names.values():
        sizes[cluster] = sizes.get(cluster, 0) + 1
    return pl.DataFrame(
        [
            (article_id, cluster, article_id == cluster, round(novelty[article_id], 4), sizes[cluster])
            for article_id, cluster in names.items()
        ],
        schema={
            "article_id": pl.String,
            "cluster_id": pl.String,
            "is_first": pl.Boolean,
            "novelty": pl.Float64,
            "cluster_size": pl.Int32,
        },
        orient="row",
    )


def link_stories(con: duckdb.DuckDBPyConnection) -> None:
    """Link the batch's new articles to the stories they retell, and name anew the stories that changed.

    The candidate search is incremental (sql/publish/story_candidates.sql). A story is a connected component of
    the links, so only the stories that gained or lost an article are labelled again: those of the new
    articles' links and those of the articles that left. Links made under older story rules are dropped, and
    every article is linked and labelled again (a fraction of a second at 20,000 articles)."""
    rules = con.execute("select max(version) from story_rules").fetchall()[0][0]
    relabel_all = rules != STORY_RULES
    if relabel_all:
        con.execute("delete from story_links")
        con.execute("create or replace temp table articles_to_link as select article_id from articles")
        con.execute("delete from story_rules")
        con.execute("insert into story_rules values (?)", [STORY_RULES])
    else:
        con.execute("create or replace temp table articles_to_link as select article_id from staging.articles")
    candidates = con.sql(
        sql_text("publish/story_candidates.sql"),
        params={"sample_max_holders": SAMPLE_MAX_HOLDERS},
    ).pl()
    if candidates.height:
        con.register("new_links", links_for(candidates).to_arrow())
        try:
            con.execute(
                """insert into story_links by name
                select * from new_links as n
                where not exists (select 1 from story_links as l
                                  where l.article_id = n.article_id and l.other_article_id = n.other_article_id)"""
            )
        finally:
            con.unregister("new_links")
    # The stories to label again: every one, or those of the articles linked now and of the articles that left.
    con.execute(
        f"""create or replace temp table relabelled_stories as
        with seeds as (
            select article_id from articles_to_link
            union select other_article_id from story_links
                where article_id in (select article_id from articles_to_link)
            union select article_id from story_links
                where other_article_id in (select article_id from articles_to_link)
            union select article_id from article_stories
                where {relabel_all} or article_id not in (select article_id from articles)
        )
        select distinct cluster_id from article_stories where article_id in (select article_id from seeds)"""
    )
    con.execute(
        """create or replace temp table relabelled_articles as
        select article_id from articles_to_link
        union
        select article_id from article_stories where cluster_id in (select cluster_id from relabelled_stories)"""
    )
    con.execute("drop table articles_to_link")
    articles = con.sql(
        """select article_id, published_at from articles
        where article_id in (select article_id from relabelled_articles)"""
    ).pl()
    links = con.sql(
        """select l.article_id, l.other_article_id, l.similarity, a.shingle_count as count_a,
                  b.shingle_count as count_b
        from story_links as l
        join article_signatures as a on a.article_id = l.article_id
        join article_signatures as b on b.article_id = l.other_article_id
        where l.article_id in (select article_id from relabelled_articles)"""
    ).pl()
    stories = story_assignments(articles, links)
    con.register("stories", stories.to_arrow())
    try:
        con.execute("delete from article_stories where article_id in (select article_id from relabelled_articles)")
        con.execute("insert into article_stories by name select * from stories")
        con.execute(
            """delete from story_clusters
            where cluster_id in (select cluster_id from relabelled_stories)
               or cluster_id in (select cluster_id from stories)"""
        )
        insert_story_clusters(con, "stories")
    finally:
        con.unregister("stories")


def insert_story_clusters(con: duckdb.DuckDBPyConnection, stories: str) -> None:
    """Add a `story_clusters` row for each story of `stories` (a relation of article_id, cluster_id)."""
    con.execute(
        f"""insert into story_clusters by name
        select s.cluster_id, min(a.published_at) as first_published, count(*)::integer as size,
               list(s.article_id order by a.published_at nulls last, s.article_id) as article_ids
        from {stories} as s join articles as a using (article_id)
        group by s.cluster_id"""
    )
