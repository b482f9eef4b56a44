"""Entity resolution over hand-made raw mentions (no model): short forms, types, places, ids."""

import polars as pl
import pytest

from wiredesk.entities import ENTITY_MENTION_SCHEMA, resolve_entity_mentions
from wiredesk.gazetteer import load_gazetteer
from wiredesk.nlp import RAW_ENTITY_MENTION_SCHEMA


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def mentions(*rows: tuple[str, str, str]) -> pl.DataFrame:
    """Rows of (article_id, mention_text, ner_label); offsets are irrelevant to resolution."""
    return pl.DataFrame(
        [
            {
                "article_id": article,
                "field": "body",
                "start_char": i,
                "end_char": i + len(text),
                "mention_text": text,
                "ner_label": label,
                "sentence_index": 1,
            }
            for i, (article, text, label) in enumerate(rows)
        ],
        schema=RAW_ENTITY_MENTION_SCHEMA,
    )


def resolved(frame: pl.DataFrame, gazetteer) -> dict[str, tuple[str, str, str | None]]:
    out = resolve_entity_mentions(frame, gazetteer)
    assert out.schema == pl.Schema(ENTITY_MENTION_SCHEMA)
    return {
        f"{row['article_id']}:{row['mention_text']}": (
            row["canonical_name"],
            row["entity_type"],
            row["country_code"],
        )
        for row in out.iter_rows(named=True)
    }


def test_short_forms_take_the_full_name_and_person_type(gazetteer):
    out = resolved(
        mentions(
            ("a", "Donald Trump", "PERSON"),
            ("a", "Trump", "ORG"),
            ("a", "Xi Jinping", "PERSON"),
            ("a", "Xi", "PERSON"),
            ("b", "Trump", "ORG"),
        ),
        gazetteer,
    )
    assert out["a:Trump"] == ("Donald Trump", "PERSON", None)
    assert out["a:Xi"] == ("Xi Jinping", "PERSON", None)
    # no full name in article b: the short form stays as it is
    assert out["b:Trump"] == ("Trump", "ORG", None)


def test_headline_capitals_join_the_name_the_article_writes(gazetteer):
    out = resolved(
        mentions(
            ("a", "MIYAZAWA", "ORG"),
            ("a", "Kiichi Miyazawa", "PERSON"),
            ("a", "Miyazawa", "PERSON"),
            ("a", "OPEC", "ORG"),
        ),
        gazetteer,
    )
    assert out["a:MIYAZAWA"] == ("Kiichi Miyazawa", "PERSON", None)
    assert out["a:OPEC"] == ("OPEC", "ORG", None)  # an acronym the article never writes otherwise


def test_an_ambiguous_short_form_is_left_alone(gazetteer):
    out = resolved(
        mentions(("a", "Kim Jong Un", "PERSON"), ("a", "Kim Yo Jong", "PERSON"), ("a", "Kim", "PERSON")),
        gazetteer,
    )
    assert out["a:Kim"][0] == "Kim"


def test_one_type_per_name_within_an_article_by_majority(gazetteer):
    out = resolve_entity_mentions(
        mentions(("a", "Bessent", "ORG"), ("a", "Bessent", "PERSON"), ("a", "Bessent", "PERSON")), gazetteer
    )
    assert set(out["entity_type"]) == {"PERSON"}
    assert out["entity_id"].n_unique() == 1


def test_country_forms_are_one_entity(gazetteer):
    out = resolve_entity_mentions(
        mentions(
            ("a", "US", "GPE"),
            ("a", "U.S.", "GPE"),
            ("b", "the United States", "GPE"),
            ("b", "America", "LOC"),
        ),
        gazetteer,
    )
    assert set(out["canonical_name"]) == {"United States"}
    assert set(out["country_code"]) == {"US"}
    assert out["entity_id"].n_unique() == 1


def test_cities_nationalities_and_regions_link_to_countries(gazetteer):
    out = resolved(
        mentions(
            ("a", "Kuala Lumpur", "GPE"),
            ("a", "Taipei", "GPE"),
            ("a", "Chinese", "NORP"),
            ("a", "Texas", "GPE"),
            ("a", "Asia", "LOC"),
            ("a", "Reuters", "ORG"),
        ),
        gazetteer,
    )
    assert out["a:Kuala Lumpur"] == ("Kuala Lumpur", "GPE", "MY")
    assert out["a:Taipei"] == ("Taipei", "GPE", "TW")
    assert out["a:Chinese"] == ("Chinese", "NORP", "CN")
    assert out["a:Texas"] == ("Texas", "GPE", "US")
    assert out["a:Asia"] == ("Asia", "LOC", None)
    assert out["a:Reuters"] == ("Reuters", "ORG", None)


def test_entity_ids_are_stable_across_calls(gazetteer):
    frame = mentions(("a", "Federal Reserve", "ORG"))
    first = resolve_entity_mentions(frame, gazetteer)["entity_id"][0]
    again = resolve_entity_mentions(mentions(("z", "the Federal Reserve", "ORG")), gazetteer)["entity_id"][0]
    assert first == again
    assert len(first) == 16


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("U.K.", "GB"),
        ("Britain", "GB"),
        ("South Korea", "KR"),
        ("Hong Kong", "HK"),
        ("Shanghai", "CN"),
        ("Ontario", "CA"),
    ],
)
def test_gazetteer_places(gazetteer, name, code):
    assert gazetteer.place(name).country_code == code


@pytest.mark.parametrize(
    ("name", "code"), [("Chinese", "CN"), ("American", "US"), ("British", "GB"), ("Japanese", "JP")]
)
def test_gazetteer_demonyms(gazetteer, name, code):
    assert gazetteer.nationality(name).country_code == code


def test_missed_occurrences_of_an_articles_names_are_added():
    from wiredesk.entities import propagate_mentions

    body = "Scott Bessent spoke. Later Bessent confirmed it, and Malaysia agreed. Malaysia hosted."
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Talks"], "body": [body]})
    sentences = pl.DataFrame(
        {"article_id": ["a", "a", "a"], "field": ["body"] * 3, "start_char": [0, 21, 70], "sentence_index": [1, 2, 3]},
        schema_overrides={"start_char": pl.Int32, "sentence_index": pl.Int32},
    )
    raw = pl.DataFrame(
        [
            ("a", "body", 0, 13, "Scott Bessent", "PERSON", 1),
            ("a", "body", 53, 61, "Malaysia", "GPE", 2),
        ],
        schema=RAW_ENTITY_MENTION_SCHEMA,
        orient="row",
    )
    out = propagate_mentions(raw, articles, sentences)
    added = out.join(raw, on=["article_id", "field", "start_char"], how="anti")
    assert sorted(added.select("mention_text", "ner_label", "sentence_index").rows()) == [
        ("Bessent", "PERSON", 2),
        ("Malaysia", "GPE", 3),
    ]
    for row in out.iter_rows(named=True):
        assert body[row["start_char"] : row["end_char"]] == row["mention_text"]


def test_gazetteer_cache_is_reused_and_rebuilt_when_unreadable(tmp_path, monkeypatch):
    from wiredesk import gazetteer as module

    monkeypatch.setenv("WIREDESK_CACHE_DIR", str(tmp_path))
    module.load_gazetteer.cache_clear()
    try:
        built = module.load_gazetteer()
        (cache,) = tmp_path.glob("gazetteer-*.pickle")
        module.load_gazetteer.cache_clear()
        assert module.load_gazetteer() == built  # read back from the file
        cache.write_bytes(b"not a pickle")
        module.load_gazetteer.cache_clear()
        assert module.load_gazetteer().place("Kuala Lumpur").country_code == "MY"
        assert cache.read_bytes() != b"not a pickle"  # rewritten whole
        assert [p.name for p in tmp_path.iterdir()] == [cache.name]  # no temporary files left behind
    finally:
        module.load_gazetteer.cache_clear()


def test_country_compounds_split_into_their_countries(gazetteer):
    from wiredesk.entities import split_place_compounds

    raw = pl.DataFrame(
        [
            ("a", "body", 4, 15, "U.S.-Russia", "PERSON", 0),
            ("a", "body", 30, 38, "US-China", "ORG", 0),
            ("a", "body", 50, 59, "Coca-Cola", "ORG", 1),
            ("a", "body", 70, 83, "Guinea-Bissau", "GPE", 1),
        ],
        schema=RAW_ENTITY_MENTION_SCHEMA,
        orient="row",
    )
    split = split_place_compounds(raw, gazetteer)
    assert split.select("start_char", "end_char", "mention_text", "ner_label").rows() == [
        (4, 8, "U.S.", "GPE"),
        (9, 15, "Russia", "GPE"),
        (30, 32, "US", "GPE"),
        (33, 38, "China", "GPE"),
        (50, 59, "Coca-Cola", "ORG"),
        (70, 83, "Guinea-Bissau", "GPE"),
    ]
