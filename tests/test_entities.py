"""Entity resolution over hand-made raw mentions (no model): short forms, types, places, ids."""

import polars as pl
import pytest

from wiredesk.commodities import default_matcher
from wiredesk.entities import ENTITY_MENTION_SCHEMA, drop_commodity_words, resolve_entity_mentions
from wiredesk.gazetteer import load_gazetteer
from wiredesk.listings import one_word_company_names
from wiredesk.nlp import RAW_ENTITY_MENTION_SCHEMA
from wiredesk.spans import find_forms
from wiredesk.tables import SENTENCE_SCHEMA


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
            row["article_name"],
            row["article_type"],
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


def test_a_double_surname_takes_the_full_name_and_person_type(gazetteer):
    out = resolved(
        mentions(
            ("a", "Apolonio Ruiz Ligero", "PERSON"),
            ("a", "Ruiz Ligero", "ORG"),
            ("b", "Leon Febres Cordero", "PERSON"),
            ("b", "Febres Cordero", "PERSON"),
            ("c", "Ruiz Ligero", "ORG"),
        ),
        gazetteer,
    )
    assert out["a:Ruiz Ligero"] == ("Apolonio Ruiz Ligero", "PERSON", None)
    assert out["b:Febres Cordero"] == ("Leon Febres Cordero", "PERSON", None)
    assert out["c:Ruiz Ligero"] == ("Ruiz Ligero", "ORG", None)  # no full name in the article


def test_headline_capitals_join_the_name_the_article_writes(gazetteer):
    headline = mentions(("a", "MIYAZAWA", "ORG"), ("a", "OPEC", "ORG")).with_columns(field=pl.lit("title"))
    body = mentions(("a", "Kiichi Miyazawa", "PERSON"), ("a", "Miyazawa", "PERSON"), ("a", "Opec", "ORG"))
    out = resolved(pl.concat([headline, body]), gazetteer)
    assert out["a:MIYAZAWA"] == ("Kiichi Miyazawa", "PERSON", None)
    assert out["a:OPEC"] == ("Opec", "ORG", None)  # the headline's capitals take the body's form
    # In the body, capitals are the writer's choice: an acronym the article also writes otherwise stays.
    both = resolved(mentions(("b", "OPEC", "ORG"), ("b", "Opec", "ORG")), gazetteer)
    assert both["b:OPEC"] == ("OPEC", "ORG", None)


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
    assert set(out["article_type"]) == {"PERSON"}
    assert out.select("article_type", "article_name").n_unique() == 1


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
    assert set(out["article_name"]) == {"United States"}
    assert set(out["country_code"]) == {"US"}
    assert out.select("article_type", "article_name").n_unique() == 1


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


def test_a_name_resolves_alike_in_every_article_and_carries_no_corpus_wide_id(gazetteer):
    first = resolve_entity_mentions(mentions(("a", "Federal Reserve", "ORG")), gazetteer)
    again = resolve_entity_mentions(mentions(("z", "the Federal Reserve", "ORG")), gazetteer)
    assert first.select("article_name", "article_type").rows() == again.select("article_name", "article_type").rows()
    assert "entity_id" not in first.columns  # identity is decided at publish (sql/publish/resolve_entities.sql)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("U.K.", "GB"),
        ("Britain", "GB"),
        ("South Korea", "KR"),
        ("Hong Kong", "HK"),
        ("Shanghai", "CN"),
        ("Ontario", "CA"),
        ("IND.", "US"),  # a dateline's Indiana, not India's code
        ("Ind.", "US"),
        ("IND", "IN"),
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
    from wiredesk.spans import propagate_mentions

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


def test_well_known_organisations_are_found_where_the_model_missed_them():
    from wiredesk.entities import load_organisation_names
    from wiredesk.spans import known_organisation_forms, propagate_mentions

    body = "OPEC+ will meet. The ECB and the Fed held rates. Arab Light, 34 API, rose. Fed up, traders sold."
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Rates"], "body": [body]})
    sentences = pl.DataFrame(
        {"article_id": ["a"] * 4, "field": ["body"] * 4, "start_char": [0, 17, 49, 72], "sentence_index": [1, 2, 3, 4]},
        schema_overrides={"start_char": pl.Int32, "sentence_index": pl.Int32},
    )
    raw = pl.DataFrame(schema=RAW_ENTITY_MENTION_SCHEMA)
    known = known_organisation_forms(load_organisation_names())
    out = propagate_mentions(raw, articles, sentences, known)
    assert out.select("mention_text", "ner_label", "sentence_index").rows() == [("OPEC+", "ORG", 1), ("ECB", "ORG", 2)]
    assert "API" not in known and "Fed" not in known  # an oil's gravity; "Fed up"


def test_a_market_phrase_opening_a_sentence_is_no_person():
    from wiredesk.spans import drop_market_phrases

    raw = pl.DataFrame(
        [
            ("a", "body", 0, 15, "Benchmark Brent", "PERSON", 1),
            ("a", "body", 40, 57, "Benchmark Capital", "ORG", 2),
            ("a", "body", 70, 83, "Scott Bessent", "PERSON", 3),
        ],
        schema=RAW_ENTITY_MENTION_SCHEMA,
        orient="row",
    )
    assert drop_market_phrases(raw)["mention_text"].to_list() == ["Benchmark Capital", "Scott Bessent"]


def test_gazetteer_cache_is_reused_and_rebuilt_when_unreadable(tmp_path, monkeypatch):
    from wiredesk import gazetteer as module

    monkeypatch.setenv("WIREDESK_CACHE_DIR", str(tmp_path))
    module.load_gazetteer.cache_clear()
    try:
        built = module.load_gazetteer()
        (cache,) = tmp_path.glob("gazetteer-*.json")
        module.load_gazetteer.cache_clear()
        assert module.load_gazetteer() == built  # read back from the file
        cache.write_bytes(b"not json")
        module.load_gazetteer.cache_clear()
        assert module.load_gazetteer().place("Kuala Lumpur").country_code == "MY"
        assert cache.read_bytes() != b"not json"  # rewritten whole
        assert [p.name for p in tmp_path.iterdir()] == [cache.name]  # no temporary files left behind
        # A cache holding a pickle is never unpickled: it is unreadable as JSON and rebuilt.
        cache.write_bytes(b"\x80\x04\x95")
        module.load_gazetteer.cache_clear()
        assert module.load_gazetteer() == built
    finally:
        module.load_gazetteer.cache_clear()


def test_country_compounds_split_into_their_countries(gazetteer):
    from wiredesk.spans import split_place_compounds

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


@pytest.mark.parametrize(
    ("name", "place_name", "code"),
    [
        ("Peking", "Beijing", "CN"),  # a big city's former name
        ("Kiev", "Kyiv", "UA"),
        ("Frankfurt", "Frankfurt am Main", "DE"),  # the head of a qualified city name
        ("Calif.", "California", "US"),  # an AP state abbreviation, with or without its dot
        ("Calif", "California", "US"),
        ("ILL.", "Illinois", "US"),
        ("England", "England", "GB"),
    ],
)
def test_gazetteer_other_names(gazetteer, name, place_name, code):
    place = gazetteer.place(name)
    assert (place.name, place.country_code) == (place_name, code)


def raw_rows(*rows: tuple[str, int, str, str]) -> pl.DataFrame:
    """Rows of (field, start_char, mention_text, ner_label) in article 'a'."""
    return pl.DataFrame(
        [("a", field, start, start + len(text), text, label, 0) for field, start, text, label in rows],
        schema=RAW_ENTITY_MENTION_SCHEMA,
        orient="row",
    )


def test_two_people_tagged_as_one_name_are_split():
    from wiredesk.spans import split_paired_people

    body = "Donald Trump met Xi Jinping. Trump and Xi will meet again. Procter and Gamble said."
    raw = raw_rows(
        ("body", 0, "Donald Trump", "PERSON"),
        ("body", 17, "Xi Jinping", "PERSON"),
        ("body", 29, "Trump and Xi", "ORG"),
        ("body", 59, "Procter and Gamble", "ORG"),  # neither half is a person of the article
    )
    for _, _, start, end, text, _, _ in raw.rows():
        assert body[start:end] == text
    rows = split_paired_people(raw).select("start_char", "end_char", "mention_text", "ner_label").rows()
    assert rows == [
        (0, 12, "Donald Trump", "PERSON"),
        (17, 27, "Xi Jinping", "PERSON"),
        (29, 34, "Trump", "PERSON"),
        (39, 41, "Xi", "PERSON"),
        (59, 77, "Procter and Gamble", "ORG"),
    ]
    for start, end, text, _ in rows:
        assert body[start:end] == text


def test_slugs_and_scores_are_cut_from_names():
    from wiredesk.spans import tidy_spans

    title = "SOCCER - ARSENAL GO TOP"
    body = "Results: Leeds 0 Tottenham 0, Wimbledon 3 Southampton 1. Channel 4 showed Spain 7-6 in tennis."
    raw = raw_rows(
        ("title", 0, "SOCCER - ARSENAL", "ORG"),
        ("body", 9, "Leeds 0", "PERSON"),
        ("body", 30, "Wimbledon 3 Southampton 1", "EVENT"),
        ("body", 57, "Channel 4", "ORG"),  # a name with a number in it stays whole
        ("body", 74, "Spain 7-6", "GPE"),
    )
    out = tidy_spans(raw)
    texts = {"title": title, "body": body}
    rows = out.select("field", "start_char", "end_char", "mention_text", "ner_label").rows()
    assert [(text, label) for _, _, _, text, label in rows] == [
        ("ARSENAL", "ORG"),
        ("Leeds", "PERSON"),
        ("Wimbledon", "ORG"),
        ("Southampton", "ORG"),
        ("Channel 4", "ORG"),
        ("Spain", "GPE"),
    ]
    for field, start, end, text, _ in rows:
        assert texts[field][start:end] == text


def test_a_title_and_a_credit_are_no_part_of_a_persons_name():
    from wiredesk.spans import tidy_spans

    body = "Prince William met Sultan Ahmed bin Sulayem and Billie Jean King at Queen of the South."
    names = [("Prince William", "PERSON"), ("Sultan Ahmed bin Sulayem", "PERSON"), ("Billie Jean King", "PERSON")]
    names.append(("Queen of the South", "ORG"))  # a club, not a person
    body += " (Reporting by Dave Sherwood Editing by Chris Reese)"
    names.append(("Dave Sherwood Editing", "PERSON"))  # a credits line whose semicolon was lost
    raw = raw_rows(*[("body", body.index(text), text, label) for text, label in names])
    rows = tidy_spans(raw).select("start_char", "end_char", "mention_text").rows()
    assert [text for _, _, text in rows] == [
        "William",
        "Ahmed bin Sulayem",
        "Billie Jean King",
        "Queen of the South",
        "Dave Sherwood",
    ]
    for start, end, text in rows:
        assert body[start:end] == text


def test_headline_capitals_are_found_from_the_body():
    from wiredesk.spans import propagate_mentions

    articles = pl.DataFrame(
        {"article_id": ["a"], "title": ["TRUMP MEETS XI IN BUSAN"], "body": ["Donald Trump met Xi in Busan."]}
    )
    sentences = pl.DataFrame(
        {"article_id": ["a", "a"], "field": ["title", "body"], "start_char": [0, 0], "sentence_index": [0, 1]},
        schema_overrides={"start_char": pl.Int32, "sentence_index": pl.Int32},
    )
    raw = raw_rows(("body", 0, "Donald Trump", "PERSON"), ("body", 23, "Busan", "GPE"))
    added = propagate_mentions(raw, articles, sentences).filter(pl.col("field") == "title")
    assert added.select("start_char", "mention_text", "ner_label").rows() == [
        (0, "TRUMP", "PERSON"),
        (18, "BUSAN", "GPE"),
    ]


def test_places_the_model_called_people_and_people_it_called_places(gazetteer):
    out = resolved(
        mentions(
            ("a", "Ukraine", "PERSON"),
            ("a", "Mato Grosso", "PERSON"),
            ("a", "Clinton", "PERSON"),  # a town's name too, but a surname the model knows: stays a person
            ("b", "Christine Lagarde", "PERSON"),
            ("b", "Lagarde", "GPE"),
        ),
        gazetteer,
    )
    assert out["a:Ukraine"] == ("Ukraine", "GPE", "UA")
    assert out["a:Mato Grosso"] == ("Mato Grosso", "GPE", "BR")
    assert gazetteer.place("Clinton") is not None
    assert out["a:Clinton"] == ("Clinton", "PERSON", None)
    assert out["b:Lagarde"] == ("Christine Lagarde", "PERSON", None)


def test_a_one_word_organisation_joins_the_longer_name_in_its_article(gazetteer):
    out = resolved(
        mentions(
            ("a", "Bank of England", "ORG"),
            ("a", "Bank", "ORG"),
            ("b", "Federal Energy Regulatory Commission", "ORG"),
            ("b", "Securities and Exchange Commission", "ORG"),
            ("b", "Commission", "ORG"),  # two commissions in the article: left alone
        ),
        gazetteer,
    )
    assert out["a:Bank"] == ("Bank of England", "ORG", None)
    assert out["b:Commission"] == ("Commission", "ORG", None)


def test_a_listed_company_is_not_folded_into_a_longer_name_that_starts_with_it(gazetteer):
    assert "boeing" in one_word_company_names() and "acme" not in one_word_company_names()
    out = resolved(
        mentions(
            ("a", "Boeing Capital", "ORG"),
            ("a", "Boeing", "ORG"),  # the listed company itself, not its finance arm
            ("b", "Acme Holdings", "ORG"),
            ("b", "Acme", "ORG"),  # no listing of its own: the longer name in its article
        ),
        gazetteer,
    )
    assert out["a:Boeing"] == ("Boeing", "ORG", None)
    assert out["b:Acme"] == ("Acme Holdings", "ORG", None)


def test_a_place_qualified_by_its_region_takes_that_country(gazetteer):
    body = "SAN MATEO, Calif., March 13 - Sales to Brazil, Argentina and Paris, Texas rose; Santiago, Chile too."
    names = ["SAN MATEO", "Calif.", "Brazil", "Argentina", "Paris", "Texas", "Santiago", "Chile"]
    out = resolve_entity_mentions(raw_rows(*[("body", body.index(name), name, "GPE") for name in names]), gazetteer)
    countries = dict(zip(out["mention_text"], out["country_code"], strict=True))
    # Qualified by a US state: not the Philippines' San Mateo, not France's Paris.
    assert countries["SAN MATEO"] == "US"
    assert countries["Paris"] == "US"
    # A list of countries is not a qualifier, and an agreeing qualifier changes nothing.
    assert (countries["Brazil"], countries["Argentina"], countries["Santiago"]) == ("BR", "AR", "CL")
    paris = out.filter(pl.col("mention_text") == "Paris")
    assert paris["latitude"].is_null().all()  # the namesake's coordinates are not this town's


@pytest.mark.parametrize(
    ("text", "forms", "expected"),
    [
        # whole words only: a hyphen or a letter beside a form makes it part of another word
        ("Coca-Cola and Coca", ["Coca"], ["Coca"]),
        ("Fedex sued the Fed.", ["Fed"], ["Fed"]),
        # the longer form, listed first, wins where two start together; matches never overlap
        ("Bank of England said the Bank", ["Bank of England", "Bank"], ["Bank of England", "Bank"]),
        ("Goldman Sachs Group", ["Sachs Group", "Goldman Sachs"], ["Goldman Sachs"]),
        ("OPEC+ and OPEC", ["OPEC+", "OPEC"], ["OPEC+", "OPEC"]),
        ("nothing here", ["Fed"], []),
    ],
)
def test_forms_are_found_as_whole_words_left_to_right(text, forms, expected):
    assert [text[start:end] for start, end in find_forms(text, forms)] == expected


def test_a_commodity_word_alone_is_no_person_place_or_company_unless_listed(gazetteer):
    frame = resolve_entity_mentions(
        mentions(
            ("a", "Robusta", "PERSON"),
            ("a", "Sugar", "GPE"),
            ("a", "Brent", "ORG"),
            ("a", "OPEC", "ORG"),  # an organisation the organisation-name list knows
            ("a", "Jenny Gold", "PERSON"),
            ("a", "Gold", "PERSON"),  # her surname: resolves to her name
            ("a", "Southern Copper", "ORG"),
            ("b", "Lithium", "PERSON"),
        ),
        gazetteer,
    )
    kept = drop_commodity_words(frame, default_matcher().commodity_of)
    assert sorted(kept["mention_text"]) == ["Gold", "Jenny Gold", "OPEC", "Southern Copper"]


def test_a_country_and_an_organisation_side_by_side_are_one_organisation(gazetteer):
    from wiredesk.spans import join_country_institutions

    title = "ROMANIA COMELF PROFIT RISES"
    body = "A vote in the U.S. Senate is due. Georgia Institute of Technology said. China Daily, in Beijing said."
    raw = raw_rows(
        ("title", 0, "ROMANIA", "GPE"),
        ("title", 8, "COMELF", "ORG"),  # a headline in capitals: a country and a company
        ("body", 14, "U.S.", "GPE"),
        ("body", 19, "Senate", "ORG"),
        ("body", 34, "Georgia", "GPE"),
        ("body", 42, "Institute of Technology", "ORG"),
        ("body", 72, "China", "GPE"),
        ("body", 78, "Daily", "PERSON"),  # not an organisation
        ("body", 88, "Beijing", "GPE"),
    )
    for field, start, end, text in raw.select("field", "start_char", "end_char", "mention_text").rows():
        assert (title if field == "title" else body)[start:end] == text
    articles = pl.DataFrame({"article_id": ["a"], "title": [title], "body": [body]})
    rows = join_country_institutions(raw, articles, gazetteer).select("field", "mention_text", "ner_label").rows()
    assert rows == [
        ("body", "U.S. Senate", "ORG"),
        ("body", "Georgia Institute of Technology", "ORG"),
        ("body", "China", "GPE"),
        ("body", "Daily", "PERSON"),
        ("body", "Beijing", "GPE"),
        ("title", "ROMANIA", "GPE"),
        ("title", "COMELF", "ORG"),
    ]


def test_a_country_and_an_organisation_joined_by_a_hyphen_stay_two(gazetteer):
    from wiredesk.spans import join_country_institutions

    body = "The U.S.-Japan Business Council met."
    raw = raw_rows(("body", 4, "U.S.", "GPE"), ("body", 9, "Japan Business Council", "ORG"))
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Talks"], "body": [body]})
    rows = join_country_institutions(raw, articles, gazetteer).select("mention_text").to_series().to_list()
    assert rows == ["U.S.", "Japan Business Council"]


def test_a_possessive_is_no_part_of_a_name():
    from wiredesk.spans import cut_possessives

    title = "Frasers bids for Debenhams"
    body = (
        "Mike Ashley's Frasers Group bid. Energean's refinery shut; Energean said so. "
        "McDonald's Corp and the People's Bank of China reported. The Queen's Park ground hosts the African "
        "Nations' Cup; the Queen attends."
    )
    raw = raw_rows(
        ("title", 0, "Frasers", "ORG"),
        ("body", 0, "Mike Ashley's Frasers Group", "PERSON"),
        ("body", 33, "Energean's", "ORG"),
        ("body", 77, "McDonald's Corp", "ORG"),  # never written without its possessive: the name
        ("body", 101, "People's Bank of China", "ORG"),
        ("body", 138, "Queen's Park", "ORG"),  # one word owned: the name's own, though "Queen" stands alone
        ("body", 168, "African Nations' Cup", "MISC"),  # a plural's
    )
    for field, start, end, text in raw.select("field", "start_char", "end_char", "mention_text").rows():
        assert (title if field == "title" else body)[start:end] == text
    articles = pl.DataFrame({"article_id": ["a"], "title": [title], "body": [body]})
    rows = cut_possessives(raw, articles).select("field", "start_char", "mention_text", "ner_label").rows()
    assert rows == [
        ("body", 0, "Mike Ashley", "PERSON"),
        ("body", 14, "Frasers Group", "PERSON"),  # the model's type: the article's majority settles it
        ("body", 33, "Energean", "ORG"),
        ("body", 77, "McDonald's Corp", "ORG"),
        ("body", 101, "People's Bank of China", "ORG"),
        ("body", 138, "Queen's Park", "ORG"),
        ("body", 168, "African Nations' Cup", "MISC"),
        ("title", 0, "Frasers", "ORG"),
    ]


def test_a_nationality_called_a_place_is_a_nationality(gazetteer):
    out = resolved(mentions(("a", "Kuwaiti", "GPE"), ("a", "Thai", "GPE"), ("a", "Kuwait", "GPE")), gazetteer)
    assert out["a:Kuwaiti"] == ("Kuwaiti", "NORP", "KW")
    assert out["a:Thai"][1] == "GPE"  # also Thailand's own name in the gazetteer
    assert out["a:Kuwait"] == ("Kuwait", "GPE", "KW")


def test_a_place_a_sports_story_gives_a_record_or_a_win_over_is_a_team(gazetteer):
    from wiredesk.spans import sports_teams

    body = (
        "USC cruised to a 38-13 victory against Washington State in Los Angeles. The Trojans (4-0) won. "
        "Washington State (1-2) lost. Ukraine beat Northern Ireland and Japan (2-1) drew. Tyson (50-6) boxed."
    )
    names = [
        ("Washington State", "PERSON"),
        ("Los Angeles", "GPE"),
        ("Trojans", "NORP"),
        ("Northern Ireland", "GPE"),
        ("Japan", "GPE"),
        ("Tyson", "PERSON"),
    ]
    rows, cursor = [], 0
    for text, label in names:
        start = body.index(text, cursor)
        rows.append(("body", start, text, label))
        cursor = start + 1
    rows.append(("body", body.index("Washington State (1-2)"), "Washington State", "GPE"))
    raw = raw_rows(*rows)
    articles = pl.DataFrame({"article_id": ["a"], "title": ["USC wins"], "body": [body]})
    out = dict(sports_teams(raw, articles, gazetteer).select("start_char", "ner_label").rows())
    labels = {text: out[body.index(text)] for text, _ in names}
    assert labels == {
        "Washington State": "ORG",  # both its mentions, the person one too
        "Los Angeles": "GPE",  # the city the game was played in: no record, no win over it
        "Trojans": "ORG",
        "Northern Ireland": "GPE",  # beaten, but a verb is no sign: countries' teams are places in CoNLL
        "Japan": "GPE",  # a country's team stays the country
        "Tyson": "PERSON",  # a boxer's record
    }
    assert out[body.index("Washington State (1-2)")] == "ORG"


def test_a_person_the_article_writes_as_a_company_is_one(gazetteer):
    from wiredesk.spans import companies_by_context

    body = (
        "Fashion retailer Ted Baker cut jobs. Ted Baker said sales fell. Blockstack, which builds networks, grew. "
        "A son of President Suharto, which plans cars, met Suharto. Donald Trump met Trump Tower staff. "
        "Jane Smith said it."
    )
    names = ["Ted Baker", "Ted Baker", "Blockstack", "Suharto", "Suharto", "Donald Trump", "Jane Smith"]
    rows, cursor = [], 0
    for text in names:
        start = body.index(text, cursor)
        rows.append(("body", start, text, "PERSON"))
        cursor = start + 1
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Retail"], "body": [body]})
    out = companies_by_context(raw_rows(*rows), articles, gazetteer).select("mention_text", "ner_label").rows()
    assert out == [
        ("Ted Baker", "ORG"),  # "fashion retailer Ted Baker"
        ("Ted Baker", "ORG"),  # and every other mention of it
        ("Blockstack", "ORG"),  # ", which"
        ("Suharto", "PERSON"),  # a president, whatever "which" follows
        ("Suharto", "PERSON"),
        ("Donald Trump", "PERSON"),
        ("Jane Smith", "PERSON"),
    ]


def located(text: str, *names: tuple[str, str], field: str = "body") -> list[tuple[str, int, str, str]]:
    """raw_rows' rows for (mention_text, label) pairs found in `text` in order, each after the one before."""
    rows, cursor = [], 0
    for name, label in names:
        start = text.index(name, cursor)
        rows.append((field, start, name, label))
        cursor = start + 1
    return rows


def test_a_nickname_in_quotes_is_part_of_the_persons_name():
    from wiredesk.spans import join_nicknames

    body = (
        'Robin "ropz" Kool had 67 kills. Pavle “ Maden ” Boskovic led. '
        'Kazan is known for " Viva Zapata " and " On the Waterfront ".'
    )
    raw = raw_rows(
        *located(body, ("Robin", "PERSON"), ("Kool", "PERSON"), ("Boskovic", "PERSON"), ("Viva Zapata", "PERSON"))
    )
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Esports"], "body": [body]})
    out = join_nicknames(raw, articles).select("mention_text", "ner_label").rows()
    assert out == [
        ('Robin "ropz" Kool', "PERSON"),
        ("Pavle “ Maden ” Boskovic", "PERSON"),  # the first name the model missed is taken too
        ("Viva Zapata", "PERSON"),  # '" and "' closes one title and opens the next: no nickname
    ]


def test_a_teams_nickname_is_found_where_the_story_writes_it_alone(gazetteer):
    from wiredesk.spans import propagate_mentions, team_nicknames

    title = "Patriots rout Los Angeles Chargers"
    body = (
        "Chargers rookie Justin Herbert struggled. Brussels Airlines and other airlines cut flights. "
        "Tyson Foods said Foods rose."
    )
    raw = raw_rows(
        ("title", 24, "Los Angeles Chargers", "ORG"),
        *located(body, ("Justin Herbert", "PERSON"), ("Brussels Airlines", "ORG"), ("Tyson Foods", "ORG")),
    )
    articles = pl.DataFrame({"article_id": ["a"], "title": [title], "body": [body]})
    sentences = pl.DataFrame(
        {"article_id": ["a"], "sentence_index": [0], "field": ["body"], "start_char": [0], "end_char": [len(body)]}
    )
    forms = team_nicknames(raw, articles, gazetteer)
    # "Airlines": the story writes "airlines"; "Tyson" is no place, so "Foods" is no nickname
    assert forms.rows() == [("a", "Chargers", "ORG")]
    added = propagate_mentions(raw, articles, sentences, article_forms=forms)
    assert ("body", 0, "Chargers", "ORG") in added.select("field", "start_char", "mention_text", "ner_label").rows()


def test_a_record_read_on_an_organisation_makes_its_other_mentions_a_team(gazetteer):
    from wiredesk.spans import sports_teams

    body = "New England (6-6) improved. A punt return staked New England to a 14-0 lead."
    raw = raw_rows(*located(body, ("New England", "ORG"), ("New England", "EVENT")))
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Patriots win"], "body": [body]})
    assert sports_teams(raw, articles, gazetteer)["ner_label"].to_list() == ["ORG", "ORG"]


def test_events_the_model_never_met_are_events_where_it_missed_or_mistyped_them():
    from wiredesk.spans import load_event_names, name_known_events, propagate_mentions

    events = load_event_names()
    assert {"Brexit", "Covid-19", "COVID-19"} <= set(events)
    body = "A no-deal Brexit looms. Covid-19 hit demand after COVID-19-driven lockdowns."
    raw = raw_rows(("body", 10, "Brexit", "GPE"))
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Pound falls"], "body": [body]})
    sentences = pl.DataFrame(
        {"article_id": ["a"], "sentence_index": [0], "field": ["body"], "start_char": [0], "end_char": [len(body)]}
    )
    out = propagate_mentions(name_known_events(raw, events), articles, sentences, known_events=events)
    assert out.select("start_char", "mention_text", "ner_label").rows() == [
        (10, "Brexit", "EVENT"),  # the model's place, retyped
        (24, "Covid-19", "EVENT"),  # found where the model missed it
        # "COVID-19-driven" is one word: no mention inside it
    ]


def test_a_word_opening_a_sentence_after_a_dateline_quote_or_label_is_no_name_when_written_in_lower_case():
    from wiredesk.spans import drop_ordinary_words

    body = (
        "BERLIN (Reuters) - Retail brokers were busy. Online retail grew. "
        "“ Hydrogen is expected to grow, ” she said of hydrogen. Siemens said Siemens shares and siemens rose."
    )
    starts = [0, body.index("Online"), body.index("“"), body.index("Siemens")]
    sentences = pl.DataFrame(
        [
            ("a", index, "body", start, end, body[start:end].strip())
            for index, (start, end) in enumerate(zip(starts, [*starts[1:], len(body)], strict=True))
        ],
        schema=SENTENCE_SCHEMA,
        orient="row",
    )
    raw = raw_rows(*located(body, ("Retail", "PERSON"), ("Hydrogen", "ORG"), ("Siemens", "ORG")))
    raw = raw.with_columns(sentence_index=pl.Series([0, 2, 3], dtype=pl.Int32))
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Brokers busy"], "body": [body]})
    kept = drop_ordinary_words(raw, articles, sentences)["mention_text"].to_list()
    assert kept == ["Siemens"]  # capitalised mid-sentence too: a name, though the story writes it in lower case


def test_a_name_ending_with_a_company_word_is_a_company_and_so_is_its_first_word(gazetteer):
    from wiredesk.spans import companies_by_context

    body = "Mike Ashley's Frasers Group bid. Frasers said so. Perdue Farms was sued. Jane Smith said it."
    raw = raw_rows(
        *located(
            body,
            ("Mike Ashley", "PERSON"),
            ("Frasers Group", "PERSON"),
            ("Frasers", "PERSON"),
            ("Perdue Farms", "PERSON"),
            ("Jane Smith", "PERSON"),
        )
    )
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Retail"], "body": [body]})
    out = companies_by_context(raw, articles, gazetteer).select("mention_text", "ner_label").rows()
    assert out == [
        ("Mike Ashley", "PERSON"),
        ("Frasers Group", "ORG"),
        ("Frasers", "ORG"),
        ("Perdue Farms", "ORG"),
        ("Jane Smith", "PERSON"),
    ]


def test_a_place_given_its_region_or_country_is_a_place_in_all_its_mentions(gazetteer):
    from wiredesk.spans import places_by_context

    body = (
        "Masks in Sapporo, Hokkaido, Japan. North of Sapporo cases rose. Liverpool, Britain, shut shops. "
        "Rivals Essex, Derbyshire and Surrey won. Ford, Detroit, said."
    )
    raw = raw_rows(
        *located(
            body,
            ("Sapporo", "GPE"),
            ("Hokkaido", "ORG"),
            ("Sapporo", "ORG"),
            ("Liverpool", "ORG"),
            ("Essex", "ORG"),
            ("Derbyshire", "ORG"),
            ("Ford", "ORG"),
        )
    )
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Virus"], "body": [body]})
    out = places_by_context(raw, articles, gazetteer).select("mention_text", "ner_label").rows()
    assert out == [
        ("Sapporo", "GPE"),
        ("Hokkaido", "GPE"),  # a region of the country after it
        ("Sapporo", "GPE"),  # the model's reading in the caption is the cue
        ("Liverpool", "GPE"),
        ("Essex", "ORG"),  # a region and another region: a list of teams, not a place and where it lies
        ("Derbyshire", "ORG"),
        ("Ford", "ORG"),  # not a place the gazetteer knows in Detroit's country... nor a city at all
    ]


def test_a_name_taken_for_a_place_is_a_company_by_its_trade_where_no_gazetteer_knows_the_place(gazetteer):
    from wiredesk.spans import companies_by_context

    body = (
        "Italian gas group Snam signed. Snam, which owns pipes, grew. Restaurant chain Chick-fil-A sued. "
        "Chick-fil-A said so. The Durban refinery shut. Peacemaker Alexander Lebed met the group Gazprom. "
        "Settlers in the West Bank protested."
    )
    raw = raw_rows(
        *located(
            body,
            ("Snam", "ORG"),
            ("Snam", "GPE"),
            ("Chick-fil-A", "PERSON"),
            ("Chick-fil-A", "GPE"),
            ("Durban", "GPE"),
            ("Alexander Lebed", "PERSON"),
            ("Gazprom", "ORG"),
            ("West Bank", "LOC"),
        )
    )
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Deals"], "body": [body]})
    out = companies_by_context(raw, articles, gazetteer).select("mention_text", "ner_label").rows()
    assert out == [
        ("Snam", "ORG"),
        ("Snam", "ORG"),  # the trade read where the model took it for a company
        ("Chick-fil-A", "ORG"),
        ("Chick-fil-A", "ORG"),  # read where it took it for a person
        ("Durban", "GPE"),  # "refinery" after a place is the place's
        ("Alexander Lebed", "PERSON"),  # a peacemaker is no trade
        ("Gazprom", "ORG"),
        ("West Bank", "LOC"),  # a place, though it ends with "Bank"
    ]


def test_a_team_that_records_a_win_is_a_team(gazetteer):
    from wiredesk.spans import sports_teams

    body = "West Virginia recorded an 80-71 win over host Georgetown. West Virginia led the Big 12."
    raw = raw_rows(*located(body, ("West Virginia", "GPE"), ("Georgetown", "GPE"), ("West Virginia", "GPE")))
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Mountaineers win"], "body": [body]})
    assert sports_teams(raw, articles, gazetteer)["ner_label"].to_list() == ["ORG", "ORG", "ORG"]


def test_a_holiday_is_a_date_not_a_name():
    from wiredesk.spans import drop_non_names

    body = "Fireworks are banned on New Year ’s Eve. Shops shut for Christmas and New Year. Easter Island voted."
    raw = raw_rows(
        *located(
            body,
            ("New Year ’s Eve", "EVENT"),
            ("Christmas", "EVENT"),
            ("New Year", "EVENT"),
            ("Easter Island", "LOC"),
        )
    )
    assert drop_non_names(raw)["mention_text"].to_list() == ["Easter Island"]


def test_a_known_organisation_the_model_took_for_a_person_is_the_organisation():
    from wiredesk.entities import load_organisation_names
    from wiredesk.spans import name_known_organisations

    names = load_organisation_names()
    assert "Fitch" in set(names["alias"])
    body = "Fitch downgraded Malaysia. In another story Jane Fitch said Fitch was wrong."
    raw = raw_rows(*located(body, ("Fitch", "PERSON"), ("Jane Fitch", "PERSON"), ("Fitch", "PERSON")))
    other = raw_rows(("body", 0, "Fitch", "PERSON")).with_columns(article_id=pl.lit("b"))
    out = name_known_organisations(pl.concat([other, raw]), [*names["alias"], *names["name"]])
    assert out.select("article_id", "mention_text", "ner_label").rows() == [
        ("b", "Fitch", "ORG"),  # the rating agency
        ("a", "Fitch", "PERSON"),  # the surname of a person its article names
        ("a", "Jane Fitch", "PERSON"),
        ("a", "Fitch", "PERSON"),
    ]


def test_a_headline_name_cut_short_of_the_bodys_longer_name_is_the_longer_name():
    from wiredesk.spans import extend_headline_names

    title = "ST. JOE GOLD TO DEVELOP ONTARIO MINE"
    body = "CLAYTON, Mo., March 11 - St. Joe Gold Corp said it plans to develop the mine in Ontario."
    raw = raw_rows(
        ("title", 0, "ST. JOE", "GPE"),
        ("title", 8, "GOLD", "PERSON"),
        ("title", 23, "ONTARIO", "GPE"),
        *located(body, ("St. Joe Gold Corp", "ORG"), ("Ontario", "GPE")),
    )
    articles = pl.DataFrame({"article_id": ["a"], "title": [title], "body": [body]})
    rows = extend_headline_names(raw, articles).filter(pl.col("field") == "title")
    assert rows.select("start_char", "mention_text", "ner_label").rows() == [
        (0, "ST. JOE GOLD", "ORG"),  # not "ST. JOE", another company's name
        (23, "ONTARIO", "GPE"),
    ]
    mixed = articles.with_columns(title=pl.lit("St. Joe gold to develop Ontario mine"))
    assert extend_headline_names(raw, mixed).equals(raw)  # a headline in mixed case says where names end
    title, body = "VIETNAM COFFEE EXPORTS JUMP", "The Vietnam Coffee and Cocoa Association said exports rose."
    raw = raw_rows(("title", 0, "VIETNAM", "GPE"), *located(body, ("Vietnam Coffee and Cocoa Association", "ORG")))
    articles = pl.DataFrame({"article_id": ["a"], "title": [title], "body": [body]})
    assert extend_headline_names(raw, articles).equals(raw)  # a name's first words are no name


def test_a_natural_feature_is_a_place_and_a_company_the_gazetteer_does_not_place_is_a_company(gazetteer):
    from wiredesk.spans import companies_by_context, places_by_context

    body = (
        "Petrobras found oil in the Amazon region. Glencore shares rose. Asia stock indexes fell. "
        "The Durban refinery shut. Asia-Pacific shares fell."
    )
    raw = raw_rows(
        *located(
            body, ("Amazon", "ORG"), ("Glencore", "LOC"), ("Asia", "LOC"), ("Durban", "GPE"), ("Asia-Pacific", "LOC")
        )
    )
    articles = pl.DataFrame({"article_id": ["a"], "title": ["Finds"], "body": [body]})
    out = places_by_context(companies_by_context(raw, articles, gazetteer), articles, gazetteer)
    assert out.select("mention_text", "ner_label").rows() == [
        ("Amazon", "LOC"),  # a region: no company, whatever listing shares its name
        ("Glencore", "ORG"),  # a listed company's whole one-word name, no place the gazetteer knows
        ("Asia", "LOC"),
        ("Durban", "GPE"),  # a place the gazetteer knows, whatever follows it
        ("Asia-Pacific", "LOC"),  # what follows a name taken for a place does not make it a company
    ]


def test_a_pronoun_a_title_alone_and_a_common_acronym_name_nobody():
    from wiredesk.spans import drop_non_names

    body = (
        "She said the IPO was priced. Attorney General Sally Yates and the Attorney General met IPO Holdings. "
        "Secretary of State Blinken spoke. Itochu's CEO left."
    )
    raw = raw_rows(
        *located(
            body,
            ("She", "PERSON"),
            ("IPO", "ORG"),
            ("Attorney General Sally Yates", "PERSON"),
            ("Attorney General", "ORG"),
            ("IPO Holdings", "ORG"),
            ("Secretary of State", "ORG"),
            ("Blinken", "PERSON"),
            ("Itochu", "ORG"),
            ("CEO", "ORG"),
        )
    )
    assert drop_non_names(raw)["mention_text"].to_list() == [
        "Attorney General Sally Yates",
        "IPO Holdings",
        "Blinken",
        "Itochu",
    ]


def test_a_headline_name_takes_the_same_longer_name_whatever_order_the_body_names_come_in():
    from wiredesk.spans import extend_headline_names

    title, body = "BRITISH SUGAR RAISES PRICES", "British Sugar Plc said prices rose. British Sugar will pay more."
    raw = raw_rows(
        ("title", 0, "BRITISH", "NORP"),
        ("body", 0, "British Sugar Plc", "ORG"),
        ("body", body.index("British Sugar will"), "British Sugar", "LOC"),
    )
    articles = pl.DataFrame({"article_id": ["a"], "title": [title], "body": [body]})
    outs = {
        extend_headline_names(raw.sample(fraction=1.0, shuffle=True, seed=seed), articles)
        .filter(pl.col("field") == "title")
        .select("mention_text", "ner_label")
        .rows()[0]
        for seed in range(8)
    }
    assert outs == {("BRITISH SUGAR", "ORG")}  # as long as "British Sugar": the longer body name's type
