"""Tone: the lexicon's cues, the shipped classifier, and tone in the warehouse (articles, sentences, the entities
and commodities each article names, the words that carried it, the daily views)."""

import json
import shutil

import duckdb
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devtools import train_tone
from tests.conftest import materialize_warehouse, query
from tests.test_stories import STORY, UPDATE, write
from wiredesk.tone import (
    CUE_FEATURES,
    MODEL_DIR,
    cues,
    load_lexicon,
    load_model,
    save_model,
    sentence_features,
    sentence_tones,
)


def cue_list(text: str) -> list[tuple[str, str, int]]:
    return [(c.term, c.feature, c.polarity) for c in cues(text)]


def test_a_quantity_that_moves_is_good_or_bad_news_by_what_it_is():
    assert cue_list("Copper prices rose 3 pct on Monday.") == [("prices rose", "change_good", 1)]
    assert cue_list("Production costs rose sharply.") == [("costs rose", "change_bad", -1)]
    assert cue_list("Exports fell to 1.2 mln tonnes.") == [("Exports fell", "change_bad", -1)]
    assert cue_list("ASARCO LOWERS COPPER PRICE 1.50 CTS") == [("LOWERS COPPER PRICE", "change_bad", -1)]
    # Stocks and imports going up or down are not good or bad news by themselves.
    assert cue_list("Gasoline stocks fell 2.9 mln barrels.") == []
    # but a company's stock is its share price, and its workforce cut is bad news
    assert cue_list("Purolator's stock climbed 5-3/8 today.") == [("stock climbed", "change_good", 1)]
    assert cue_list("It plans to cut its workforce to 6,000.") == [("cut its workforce", "change_bad", -1)]


def test_negation_refusals_and_averted_threats_read_the_way_a_desk_reads_them():
    assert cue_list("Output did not rise last year.") == [("Output did not rise", "change_bad", -1)]
    assert cue_list("The ministry declined to comment on the figures.") == []
    assert cue_list("Output declined to 5 mln tonnes.") == [("Output declined", "change_bad", -1)]
    # the tariffs are what the averting moved, not a bad event of their own
    assert cue_list("The tariffs will be averted, he said.") == [("tariffs will be averted", "change_good", 1)]
    assert cue_list("Miners went on strike at the mine.") == [("strike", "event_bad", -1)]


def test_what_moved_is_the_object_where_grammar_says_so():
    # a noun's object: what eased is the concern, not the cotton before it
    assert cue_list("Cotton closed higher despite some easing of concern.")[-1] == (
        "easing of concern",
        "change_good",
        1,
    )
    # a transitive verb's object: what the oil producers cut is output
    assert cue_list("Oil producers have cut output.") == [("cut output", "change_bad", -1)]
    # a participle after a comma opens its own clause: crude is not what rose
    assert ("crude, analysts said, raising", "change_good", 1) not in cue_list(
        "Demand weighs on crude, analysts said, raising questions."
    )
    # a list does not make one compound: "production, weakness" are two things
    assert cue_list("Prices rose on signs of falling production, weakness in the dollar.")[1][0] == (
        "falling production"
    )


def test_market_levels_particles_and_prepositions_are_not_events_or_moves():
    assert cue_list("Oil prices hit a two-week high.") == [("high", "change_good_far", 1)]  # no blow: a level
    assert cue_list("Crude settled at $60 a barrel.") == []
    assert cue_list("September silver closed up $0.004.") == [("silver closed up", "change_good", 1)]
    assert cue_list("The firm set up a copper unit.") == []
    assert cue_list("Quotas of up to 5 pct were agreed.") == []
    assert cue_list("Buying was light ahead of the holiday.") == []


def test_the_lexicon_says_which_line_is_wrong(tmp_path):
    lexicon = tmp_path / "lexicon.csv"
    lexicon.write_text("term,cue\nrose,up\nsoared,skyward\n")
    load_lexicon.cache_clear()
    try:
        with pytest.raises(ValueError, match="'skyward' for 'soared'"):
            load_lexicon(lexicon)
    finally:
        load_lexicon.cache_clear()


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("Asian stocks rally after US-China trade breakthrough", "positive"),
        ("Workers strike at Chilean copper mine", "negative"),
        ("Copper prices fell sharply as demand weakened in China.", "negative"),
        ("The company said profits rose 20 pct on higher sales.", "positive"),
        ("The meeting will be held in London on Tuesday.", "neutral"),
    ],
)
def test_the_shipped_model_reads_plain_news(sentence, label):
    model = load_model()
    (tone,) = model.tone([sentence_features(sentence)])
    assert model.label(tone) == label, tone


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_tone_is_between_minus_one_and_one_and_terms_slice_the_sentence(text):
    model = load_model()
    features = sentence_features(text)
    probabilities = model.probabilities([features])
    assert probabilities.sum() == pytest.approx(1.0)
    assert -1.0 <= model.tone([features])[0] <= 1.0
    for term, start, end, _ in model.terms(features):
        assert text[start:end] == term


def test_sentence_tones_keep_offsets_into_the_field():
    body = "Quiet start. Copper prices rose 3 pct after the strike ended."
    sentences = pl.DataFrame(
        {
            "article_id": ["a", "a"],
            "sentence_index": [1, 2],
            "field": ["body", "body"],
            "start_char": [0, 13],
            "end_char": [12, len(body)],
            "sentence_text": [body[:12], body[13:]],
        },
        schema_overrides={"sentence_index": pl.Int32, "start_char": pl.Int32, "end_char": pl.Int32},
    )
    scored, terms = sentence_tones(sentences)
    assert scored["tone"][1] > scored["tone"][0]
    assert terms.height >= 2
    for term, start, end in terms.select("term", "start_char", "end_char").iter_rows():
        assert body[start:end] == term
    assert set(terms["sentence_index"]) == {2}
    assert set(terms["field"]) == {"body"} and set(terms["article_id"]) == {"a"}


def test_the_model_loads_only_plain_arrays(tmp_path):
    folder = tmp_path / "tone"
    shutil.copytree(MODEL_DIR, folder)
    np.save(folder / "word_weights.npy", np.array([{"not": "numbers"}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="pickle"):
        load_model(folder)
    meta = json.loads((MODEL_DIR / "meta.json").read_text())
    assert meta["cue_features"] == list(CUE_FEATURES)
    (folder / "meta.json").write_text(json.dumps({**meta, "hash_bits": meta["hash_bits"] + 1}))
    with pytest.raises(RuntimeError, match="retrain"):
        load_model(folder)


def test_tone_in_the_warehouse_counts_a_story_once_and_reaches_old_warehouses(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder, "story.txt", "2026-03-03T09:00:00Z", "Codelco strike ends", STORY)
    write(folder, "update.txt", "2026-03-03T11:00:00Z", "UPDATE 1-Codelco strike ends, copper falls", UPDATE)
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(folder, db).success

    assert query(db, "select count(*) from sentences where tone is null or abs(tone) > 1") == [(0,)]
    assert query(db, "select count(*) from articles where tone is null") == [(0,)]
    # the update's new lead, "Copper fell", is bad news for copper
    update_lead = query(
        db,
        """select s.tone from sentences as s join articles as a using (article_id)
        where a.source_path = 'update.txt' and s.sentence_index = 1""",
    )[0][0]
    assert update_lead < 0
    daily = query(
        db,
        """select articles, stories, novel_articles, mean_tone, story_mean_tone
        from v_commodity_tone_daily where commodity = 'copper'""",
    )
    assert len(daily) == 1
    articles, stories, novel, mean_tone, story_mean_tone = daily[0]
    assert (articles, stories, novel) == (2, 1, 1)  # the update retells the story: one story, one novel article
    assert story_mean_tone == pytest.approx(mean_tone, abs=1e-3)  # one story: its mean is the articles' mean
    per_commodity = query(db, "select tone from article_commodities where commodity = 'copper' order by tone")
    assert mean_tone == pytest.approx(sum(t for (t,) in per_commodity) / 2, abs=1e-3)
    assert query(
        db,
        """select count(*) from tone_terms as t join articles as a using (article_id)
        where substring(case when t.field = 'title' then a.title else a.body end,
                        t.start_char + 1, t.end_char - t.start_char) <> t.term""",
    ) == [(0,)]
    entity_days = query(db, "select stories from v_entity_tone_daily where canonical_name = 'Codelco'")
    assert entity_days == [(1,)]

    # A warehouse from before tone: no sentence tones, no terms, no article tone, and older extraction rules
    # recorded. The next run extracts its articles again under these rules, tone included.
    before = query(db, "select article_id, sentence_index, tone from sentences order by all")
    terms_before = query(db, "select * from tone_terms order by all")
    article_tones = query(db, "select article_id, tone from articles order by all")
    with duckdb.connect(str(db)) as con:
        con.execute("update sentences set tone = null; update articles set tone = null; delete from tone_terms")
        con.execute("update extraction_rules set fingerprint = 'before tone'")
    assert materialize_warehouse(folder, db).success
    assert query(db, "select article_id, sentence_index, tone from sentences order by all") == before
    assert query(db, "select * from tone_terms order by all") == terms_before
    assert query(db, "select article_id, tone from articles order by all") == article_tones


def test_the_seed_story_reads_as_good_news_for_markets(seed_warehouse):
    ((tone,),) = query(seed_warehouse, "select tone from articles")
    assert tone > 0.1
    headline = query(seed_warehouse, "select tone from sentences where sentence_index = 0")[0][0]
    assert headline > 0.5  # "Asian stocks rally after US-China trade breakthrough"
    copper = query(seed_warehouse, "select tone from article_commodities where commodity = 'copper'")[0][0]
    assert copper > 0.5  # "copper also climbed ... buoyed by optimism that easing trade tensions ..."


def test_training_learns_from_labels_and_drops_sentences_whose_text_changed(tmp_path, capsys):
    sentences = {
        ("story-1", 1): ("Copper prices rose 5 pct on strong demand.", "positive"),
        ("story-1", 2): ("Copper prices fell 5 pct on weak demand.", "negative"),
        ("story-2", 1): ("The meeting is in London on Tuesday.", "neutral"),
        ("story-2", 2): ("Profits rose sharply after the recovery.", "positive"),
        ("story-3", 1): ("Miners went on strike and output fell.", "negative"),
        ("story-3", 2): ("The committee meets again next month.", "neutral"),
    }
    db = tmp_path / "labels.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table articles (article_id varchar, external_id varchar)")
        con.execute("create table sentences (article_id varchar, sentence_index integer, sentence_text varchar)")
        for (story, index), (text, _) in sentences.items():
            con.execute(
                "insert into articles select ?, ? where not exists (select 1 from articles where article_id = ?)",
                [story, story, story],
            )
            con.execute("insert into sentences values (?, ?, ?)", [story, index, text])
    labels = tmp_path / "labels.csv"
    rows = ["external_id,sentence_index,text_sha1,label,sample"]
    for (story, index), (text, label) in sentences.items():
        rows.append(f"{story},{index},{train_tone.text_sha1(text)},{label},test")
    rows.append("story-3,3,0123456789ab,positive,test")  # a sentence the warehouse does not have
    rows.append(f"story-1,1,{train_tone.text_sha1('another text')},positive,test")  # its text changed
    labels.write_text("\n".join(rows) + "\n")

    with duckdb.connect(str(db), read_only=True) as con:
        examples = train_tone.read_labelled(con, labels)
    assert len(examples) == len(sentences)
    assert "2 of 8 labelled sentences are not in the warehouse as labelled" in capsys.readouterr().out

    features = [sentence_features(e.text) for e in examples]
    weights, bias = train_tone.fit(train_tone.feature_matrix(features), np.array([e.label for e in examples]), 0.01)
    model = train_tone.to_model(weights, bias, threshold=0.2)
    assert train_tone.agreement(model, examples) == 1.0

    folder = tmp_path / "model"
    save_model(model, folder, {"trained_on": "six sentences written for this test"})
    loaded = load_model(folder)
    assert np.allclose(loaded.tone(features), model.tone(features), atol=1e-5)
    assert loaded.threshold == 0.2
