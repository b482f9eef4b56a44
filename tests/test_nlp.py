"""The spaCy pass with the real model: offsets per field, sentences, allowed labels."""

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from wiredesk.nlp import (
    ENTITY_LABELS,
    annotate_articles,
    balanced_parentheses,
    iter_annotations,
    load_pipeline,
    whole_hyphenated_words,
)
from wiredesk.settings import DEFAULT_MODEL


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(DEFAULT_MODEL)


def articles(*rows):
    return pl.DataFrame(rows, schema=["article_id", "title", "body"], orient="row")


def test_offsets_are_into_the_field_they_fall_in(nlp):
    title = "Trump meets Xi in Seoul"
    body = "Donald Trump flew to South Korea on Monday.\n\nXi Jinping arrived from Beijing."
    out = annotate_articles(articles(("a", title, body)), nlp)
    texts = {"title": title, "body": body}
    assert not out.entity_mentions.is_empty()
    for row in out.entity_mentions.iter_rows(named=True):
        assert texts[row["field"]][row["start_char"] : row["end_char"]] == row["mention_text"]
        assert row["ner_label"] in ENTITY_LABELS
    fields = set(out.entity_mentions["field"])
    assert fields == {"title", "body"}


def test_sentence_zero_is_the_title_and_paragraphs_break_sentences(nlp):
    body = "Copper rose two percent on Monday\n\nTraders cited demand. Stocks were thin."
    out = annotate_articles(articles(("a", "Copper up", body)), nlp)
    sentences = out.sentences.sort("sentence_index")
    assert sentences["sentence_index"].to_list() == [0, 1, 2, 3]
    assert sentences.row(0, named=True)["field"] == "title"
    assert sentences["sentence_text"].to_list() == [
        "Copper up",
        "Copper rose two percent on Monday",
        "Traders cited demand.",
        "Stocks were thin.",
    ]
    for row in sentences.filter(pl.col("field") == "body").iter_rows(named=True):
        assert body[row["start_char"] : row["end_char"]] == row["sentence_text"]


def test_an_opening_quote_mark_starts_the_next_sentence(nlp):
    body = 'Talks ended. “The tariffs will go,” he said. Prices fell. "They will close it." He said "no." Then.'
    out = annotate_articles(articles(("a", "Talks", body)), nlp)
    assert out.sentences.filter(pl.col("field") == "body").sort("sentence_index")["sentence_text"].to_list() == [
        "Talks ended.",
        "“The tariffs will go,” he said.",
        "Prices fell.",
        '"They will close it."',
        'He said "no."',  # a closing straight mark stays with its sentence
        "Then.",
    ]


def test_a_leading_the_is_not_part_of_a_name(nlp):
    body = "The United States and the Soviet Union met. The World Bank and the Federal Reserve said nothing."
    out = annotate_articles(articles(("a", "Talks", body)), nlp)
    texts = out.entity_mentions["mention_text"].to_list()
    assert not [text for text in texts if text.lower().startswith("the ")]
    assert {"United States", "Soviet Union"} <= set(texts)
    for row in out.entity_mentions.iter_rows(named=True):
        assert body[row["start_char"] : row["end_char"]] == row["mention_text"]


def test_a_capitalised_the_inside_a_sentence_is_the_names_own():
    from wiredesk.nlp import _names_own_article

    text = "The Times said so, according to The Sunday Times. He lives in The Hague. (The Times)"
    assert not _names_own_article(text, text.index("The Times"))  # a sentence's first word
    assert _names_own_article(text, text.index("The Sunday Times"))
    assert _names_own_article(text, text.index("The Hague"))
    assert not _names_own_article(text, text.index("(The") + 1)


def test_dates_and_numbers_are_not_entities(nlp):
    out = annotate_articles(
        articles(("a", "Markets", "On Monday, 40 percent of the $5 billion was paid in 2024.")),
        nlp,
    )
    assert set(out.entity_mentions["ner_label"]) <= set(ENTITY_LABELS)
    assert "Monday" not in out.entity_mentions["mention_text"].to_list()


def test_streaming_yields_chunks_covering_every_article(nlp):
    rows = [(str(i), f"Title {i}", f"Angela Merkel visited Paris on day {i}.") for i in range(5)]
    chunks = list(iter_annotations(rows, nlp, chunk_size=2))
    assert [chunk.articles.height for chunk in chunks] == [2, 2, 1]
    assert sorted(pl.concat([c.articles for c in chunks])["article_id"]) == [str(i) for i in range(5)]


# Run in a child process with a time limit: the failure this guards against is a hang, not an exception.
_CONSUMER_FAILS_MID_STREAM = """
import multiprocessing
from wiredesk.local_engine import extract_in_processes
from wiredesk.settings import DEFAULT_MODEL

if __name__ == "__main__":
    paragraph = "Copper prices rose in London as traders in Chile and Peru watched supply. " * 8
    rows = ((str(i), f"Copper story {i}", paragraph) for i in range(2000))
    results = extract_in_processes(rows, DEFAULT_MODEL, processes=2, batch_size=32, chunk_size=50)
    try:
        for number, result in enumerate(results):
            if number == 1:
                raise ValueError("the consumer failed")
    except ValueError as error:
        results.close()
        print("raised:", error, "workers left:", len(multiprocessing.active_children()))
"""


def test_a_failing_consumer_stops_the_extraction_workers_instead_of_hanging(tmp_path):
    script = tmp_path / "consumer.py"  # a file: spawned workers import the parent's main module
    script.write_text(_CONSUMER_FAILS_MID_STREAM)
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "raised: the consumer failed workers left: 0" in done.stdout


def test_a_missing_model_is_a_clear_error():
    with pytest.raises(RuntimeError, match="neither an installed package nor a model folder"):
        load_pipeline("no_such_model_xyz")


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Chinese Vice Premier He Lifeng confirmed", "Lifeng", "He Lifeng"),
        ("Commerce Minister Wang Wentao said", "Wentao", "Wang Wentao"),
        ("UN Secretary General Kofi Annan said", "Kofi Annan", "Kofi Annan"),  # "General" is a title, not a name
        ("said the minister. He Lifeng", "Lifeng", "Lifeng"),  # no title before "He": the pronoun
    ],
)
def test_a_name_after_a_title_keeps_its_first_word(text, name, expected):
    from wiredesk.nlp import titled_name_start

    start = text.index(name)
    assert text[titled_name_start(text, start) : start + len(name)] == expected


def test_number_words_and_the_wire_sign_off_are_not_names(nlp):
    body = (
        "Revs 12.1 mln vs 5.9 mln\n\nNine mths\n\nShr 98 cts vs 62 cts\n\n"
        "Reuters reported the figures on Tuesday. REUTER"
    )
    out = annotate_articles(articles(("a", "Acme Inc results", body)), nlp)
    rows = out.entity_mentions.select("mention_text", "start_char").rows()
    assert ("Nine", body.index("Nine")) not in rows
    assert ("REUTER", body.rindex("REUTER")) not in rows
    assert ("Reuters", body.index("Reuters")) in rows  # the agency named in the text is a name


def test_pieces_cover_the_text_and_cut_at_paragraph_breaks():
    from wiredesk.nlp import pieces

    text = "\n\n".join(["word " * 30] * 10) + ("x" * 250)  # ten 150-char paragraphs, then one unbroken run
    spans = pieces(text, limit=400)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(end == next_start for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False))
    assert all(end - start <= 400 for start, end in spans)
    assert all(text.startswith("\n\n", end) for _, end in spans[:2])  # cut where a paragraph ends
    assert pieces("short") == [(0, 5)]


def test_an_article_over_a_million_characters_is_annotated_whole(nlp):
    from wiredesk.nlp import PIECE_CHARS

    filler = "The committee met again and the discussion went on for a long time without any decision. " * 60
    paragraphs = [filler.strip()] * (1_300_000 // len(filler))
    body = "\n\n".join([*paragraphs, "Reuters reported that Angela Merkel spoke in Berlin on Friday."])
    assert len(body) > 1_000_000 and len(body) > 10 * PIECE_CHARS
    out = annotate_articles(articles(("long", "A long transcript", body)), nlp)
    rows = out.entity_mentions.filter(pl.col("start_char") > 1_000_000)
    found = {row["mention_text"] for row in rows.iter_rows(named=True)}
    assert {"Angela Merkel", "Berlin"} <= found
    for row in rows.iter_rows(named=True):
        assert body[row["start_char"] : row["end_char"]] == row["mention_text"]
    indexes = out.sentences.sort("sentence_index")["sentence_index"].to_list()
    assert indexes == list(range(len(indexes)))  # one numbering across the pieces
    last = out.sentences.sort("sentence_index").row(-1, named=True)
    assert body[last["start_char"] : last["end_char"]] == last["sentence_text"]


def test_no_sentence_runs_past_the_token_cap(nlp):
    from wiredesk.nlp import MAX_SENTENCE_TOKENS

    body = "Crude oil prices rose as " + "oil " * 1000 + "traders watched.\n\nA short paragraph."
    out = annotate_articles(articles(("a", "Oil", body)), nlp)
    lengths = [len(nlp.make_doc(text)) for text in out.sentences["sentence_text"]]
    assert max(lengths) <= MAX_SENTENCE_TOKENS
    assert out.sentences["sentence_text"].to_list()[-1] == "A short paragraph."


def test_the_sentence_starts_before_the_line_rules_are_spacys_sentencizers(nlp):
    """The one sentence component reads spaCy's Sentencizer rules from arrays: with no line break, no quote mark
    and no over-long sentence in the text, its starts are the Sentencizer's own."""
    from spacy.pipeline import Sentencizer

    from wiredesk.nlp import prepare_doc

    texts = [
        "Copper rose 2%. Traders said demand was firm! Was it? Yes...",
        "U.S. crude fell (down 3%). Then it recovered; analysts were surprised.",
        "No full stop at all",
        "One. Two.) Three.] Four?! Five",
        "Mr. Smith met Dr. Jones at 5 p.m. on Friday. They spoke.",
    ]
    for text in texts:
        ours = [token.is_sent_start for token in prepare_doc(nlp, text)]
        spacys = [token.is_sent_start for token in Sentencizer()(nlp.make_doc(text))]
        assert ours == spacys, text


def _grown(text: str, names: list[tuple[str, str]]) -> list[tuple[str, str]]:
    spans, searched_from = [], 0
    for name, label in names:
        start = text.index(name, searched_from)
        spans.append((start, start + len(name), label))
        searched_from = start + len(name)
    return [(text[start:end], label) for start, end, label in whole_hyphenated_words(text, spans)]


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # a lower-case piece makes the name an adjective: the whole word, a NORP
        ("Shares of London-listed Antofagasta rose.", [("London", "GPE")], [("London-listed", "NORP")]),
        ("The Hong Kong-based trader", [("Hong Kong", "GPE")], [("Hong Kong-based", "NORP")]),
        ("U.S.-led talks resumed.", [("U.S.", "GPE")], [("U.S.-led", "NORP")]),
        ("in the post-Soviet era", [("Soviet", "NORP")], [("post-Soviet", "NORP")]),
        ("a Covid-19-driven slump", [("Covid-19", "EVENT")], [("Covid-19-driven", "NORP")]),
        # pieces of a name are the name, of its type
        ("at Chick-fil-A stores", [("Chick", "ORG")], [("Chick-fil-A", "ORG")]),
        ("said Sheikh al-Turabi", [("Turabi", "PERSON")], [("al-Turabi", "PERSON")]),
        ("Kang Young-hoon won.", [("Kang Young", "PERSON")], [("Kang Young-hoon", "PERSON")]),
        (
            "said Lucy Tyler-Sharman.",
            [("Lucy Tyler", "PERSON"), ("Sharman", "PERSON")],
            [("Lucy Tyler-Sharman", "PERSON")],
        ),
        # the model's own span, a name made an adjective
        ("The Hong Kong-based trader", [("Hong Kong-based", "GPE")], [("Hong Kong-based", "NORP")]),
        # two names joined by a hyphen stay two
        ("U.S.-China talks", [("U.S.", "GPE"), ("China", "GPE")], [("U.S.", "GPE"), ("China", "GPE")]),
        ("the Brent-WTI spread", [("Brent", "ORG"), ("WTI", "ORG")], [("Brent", "ORG"), ("WTI", "ORG")]),
        # no hyphen joined to the name: nothing changes
        ("Copper - LME stocks", [("LME", "ORG")], [("LME", "ORG")]),
        ("the well-known Smith", [("Smith", "PERSON")], [("Smith", "PERSON")]),
    ],
)
def test_a_name_is_a_whole_hyphenated_word(text, names, expected):
    assert _grown(text, names) == expected


def test_the_model_pass_grows_a_name_to_its_hyphenated_word(nlp):
    annotations = annotate_articles(
        articles(("a", "Traders", "The Hong Kong-based trader said on Monday it would buy more cotton.")), nlp
    )
    mentions = annotations.entity_mentions.filter(pl.col("mention_text").str.starts_with("Hong"))
    assert mentions.select("mention_text", "ner_label", "start_char").rows() == [("Hong Kong-based", "NORP", 4)]


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # a name cut at a parenthesis joins the name before it, a company when its legal form closes it
        (
            "lead manager Nikko Securities Co (Europe) Ltd said.",
            [("Nikko Securities Co", "ORG"), ("Europe) Ltd", "ORG")],
            [("Nikko Securities Co (Europe) Ltd", "ORG")],
        ),
        (
            "James Capel (Far East) Ltd said.",
            [("James Capel", "PERSON"), ("Far East) Ltd", "LOC")],
            [("James Capel (Far East) Ltd", "ORG")],
        ),
        (
            "after James Leander (Leo) Nichols, a friend",
            [("James Leander", "PERSON"), ("Leo) Nichols", "ORG")],
            [("James Leander (Leo) Nichols", "PERSON")],
        ),
        # or the capitalised words before it, or the parenthesis alone
        (
            "an analyst at Mansion House Securities (F.E.) Ltd said.",
            [("F.E.) Ltd", "ORG")],
            [("Mansion House Securities (F.E.) Ltd", "ORG")],
        ),
        ("gone to the (World) Bank.", [("World) Bank", "ORG")], [("(World) Bank", "ORG")]),
        # a parenthesis left open ends the name before it
        (
            "The Chicago Board of Trade (CBOT) will",
            [("Chicago Board of Trade (CBOT", "ORG")],
            [("Chicago Board of Trade", "ORG")],
        ),
        # balanced already: nothing changes
        ("Coca-Cola (KO.N) rose", [("Coca-Cola (KO.N)", "ORG")], [("Coca-Cola (KO.N)", "ORG")]),
    ],
)
def test_a_name_keeps_its_parentheses_whole(text, names, expected):
    spans, searched_from = [], 0
    for name, label in names:
        start = text.index(name, searched_from)
        spans.append((start, start + len(name), label))
        searched_from = start + len(name)
    assert [(text[start:end], label) for start, end, label in balanced_parentheses(text, spans)] == expected
