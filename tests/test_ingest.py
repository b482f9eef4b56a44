"""Reading the articles folder: decoding, repairs, parsing and every kind of rejection."""

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiredesk.ingest import (
    RejectedInput,
    decode_text,
    parse_jsonl_record,
    parse_text_article,
    read_articles_folder,
)

BODY = "Copper prices rose on Monday.\nTraders cited strong demand from China."


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def read(folder: Path, max_bytes: int = 5 * 1024 * 1024):
    result = read_articles_folder(folder, max_bytes)
    return result.articles, {row["source_path"]: row for row in result.rejected.to_dicts()}


def test_plain_text_article_title_then_body(tmp_path):
    write(tmp_path, "a.txt", f"Copper climbs\n{BODY}\n")
    articles, rejected = read(tmp_path)
    assert rejected == {}
    row = articles.row(0, named=True)
    assert (row["source_path"], row["title"], row["body"], row["repairs"]) == (
        "a.txt",
        "Copper climbs",
        BODY,
        [],
    )


def test_blank_lines_before_the_title_are_skipped():
    assert parse_text_article("\n\n  Title here \n\nBody.") == ("Title here", "Body.")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("spaces.txt", b"  \n\t\n ", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("controls.txt", b"Title\n" + b"\x01\x02\x03\x04\x05 body " * 20, "binary"),
        ("title_only.txt", b"Just a headline\n\n   \n", "title_only"),
        ("notes.docx", b"PK\x03\x04", "unsupported_type"),
    ],
)
def test_bad_text_files_are_rejected_with_a_reason(tmp_path, name, data, reason):
    write(tmp_path, name, data)
    write(tmp_path, "good.txt", f"Good\n{BODY}")
    articles, rejected = read(tmp_path)
    assert articles["source_path"].to_list() == ["good.txt"]
    assert rejected[name]["reason"] == reason
    assert rejected[name]["detail"]


def test_a_file_over_the_size_limit_is_rejected_without_reading_it(tmp_path):
    write(tmp_path, "big.txt", "Big\n" + "word " * 300)
    articles, rejected = read(tmp_path, max_bytes=1000)
    assert articles.is_empty()
    assert rejected["big.txt"]["reason"] == "too_large"
    assert rejected["big.txt"]["size_bytes"] > 1000


def test_latin1_text_is_decoded_and_the_repair_recorded(tmp_path):
    write(tmp_path, "latin.txt", f"Café prices in São Paulo\n{BODY} Déjà vu.".encode("latin-1"))
    articles, _ = read(tmp_path)
    row = articles.row(0, named=True)
    assert row["title"] == "Café prices in São Paulo"
    assert row["body"].endswith("Déjà vu.")
    assert row["repairs"] == ["decoded_cp1252"]


def test_bom_and_crlf_are_repaired(tmp_path):
    write(tmp_path, "bom.txt", b"\xef\xbb\xbfTitle\r\nFirst line.\r\nSecond line.\r\n")
    articles, _ = read(tmp_path)
    row = articles.row(0, named=True)
    assert (row["title"], row["body"]) == ("Title", "First line.\nSecond line.")
    assert row["repairs"] == ["removed_byte_order_mark", "normalised_line_endings"]


def test_mojibake_is_repaired(tmp_path):
    broken = "The minister’s plan for café owners".encode().decode("cp1252")
    assert broken == "The ministerâ€™s plan for cafÃ© owners"
    write(tmp_path, "mojibake.txt", f"Title\n{broken}")
    articles, _ = read(tmp_path)
    row = articles.row(0, named=True)
    assert row["body"] == "The minister’s plan for café owners"
    assert "fixed_mojibake" in row["repairs"]


def test_utf16_with_bom_is_decoded():
    text, repairs = decode_text("Title\nBody text".encode("utf-16"))
    assert text == "Title\nBody text"
    assert repairs == ["decoded_utf16"]


def test_jsonl_good_lines_load_and_bad_lines_are_rejected_by_line(tmp_path):
    lines = [
        json.dumps(
            {
                "id": "a1",
                "title": "Gold rallies",
                "body": "Gold rose.",
                "published_at": "2025-10-27T08:00:00Z",
                "source": "Wire",
                "url": "https://example.com/a1",
            }
        ),
        '{"id": "a2", "title": "Broken", "body": ',
        json.dumps({"id": "a3", "body": "No title here."}),
        "",
        json.dumps({"id": "a4", "title": "No body", "body": "   "}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": 5, "title": "Wheat falls", "body": "Wheat fell.", "published_at": "yesterday"}),
    ]
    write(tmp_path, "feed.jsonl", "\n".join(lines) + "\n")
    articles, rejected = read(tmp_path)
    assert articles["source_path"].to_list() == ["feed.jsonl:1", "feed.jsonl:7"]
    assert {path: row["reason"] for path, row in rejected.items()} == {
        "feed.jsonl:2": "malformed_json",
        "feed.jsonl:3": "missing_title",
        "feed.jsonl:5": "missing_body",
        "feed.jsonl:6": "malformed_json",
    }
    first, last = articles.to_dicts()
    assert first["external_id"] == "a1"
    assert first["published_at"].isoformat() == "2025-10-27T08:00:00+00:00"
    assert (first["source"], first["url"]) == ("Wire", "https://example.com/a1")
    assert last["external_id"] == "5"
    assert last["published_at"] is None
    assert last["repairs"] == ["dropped_unparseable_published_at"]


def test_jsonl_record_must_be_an_object_with_strings():
    with pytest.raises(RejectedInput) as err:
        parse_jsonl_record(json.dumps({"title": 3, "body": "x"}))
    assert err.value.reason == "missing_title"


def test_hidden_files_and_folders_are_listed_not_read_and_subfolders_read(tmp_path):
    write(tmp_path, ".DS_Store", b"\x00\x01")
    write(tmp_path, "wire/.draft.txt", f"Draft\n{BODY}")
    write(tmp_path, ".drafts/one.txt", f"Draft one\n{BODY}")
    write(tmp_path, ".drafts/two.txt", f"Draft two\n{BODY}")
    write(tmp_path, "wire/2025/a.txt", f"Nested\n{BODY}")
    articles, rejected = read(tmp_path)
    assert articles["source_path"].to_list() == ["wire/2025/a.txt"]
    assert {path: row["reason"] for path, row in rejected.items()} == {
        ".DS_Store": "hidden",
        ".drafts": "hidden",  # the folder once, not its files
        "wire/.draft.txt": "hidden",
    }
    assert "hidden folder" in rejected[".drafts"]["detail"]


def test_blank_jsonl_lines_are_counted(tmp_path):
    record = json.dumps({"title": "Zinc", "body": "Zinc rose."})
    write(tmp_path, "feed.jsonl", f"\n{record}\n   \n\n{record.replace('rose', 'fell')}\n".encode())
    result = read_articles_folder(tmp_path, 10_000)
    assert result.articles.height == 2 and result.rejected.is_empty()
    assert result.blank_lines == 3
    assert result.articles["source_path"].to_list() == ["feed.jsonl:2", "feed.jsonl:5"]


def test_a_jsonl_id_given_to_two_texts_loads_both_with_a_note_naming_the_other(tmp_path):
    first = json.dumps({"id": "R-1", "title": "Zinc", "body": "Zinc rose."})
    second = json.dumps({"id": "R-1", "title": "Zinc", "body": "Zinc fell."})
    same_text = json.dumps({"id": "R-2", "title": "Lead", "body": "Lead rose."})
    write(tmp_path, "a.jsonl", f"{first}\n{same_text}\n".encode())
    write(tmp_path, "b.jsonl", f"{second}\n{same_text}\n".encode())
    articles, _ = read(tmp_path)
    repairs = dict(articles.select("source_path", "repairs").iter_rows())
    assert repairs["a.jsonl:1"] == ["duplicate_id: b.jsonl:1"]
    assert repairs["b.jsonl:1"] == ["duplicate_id: a.jsonl:1"]
    assert repairs["a.jsonl:2"] == repairs["b.jsonl:2"] == []  # one text: the content duplicate rule applies


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_articles_folder(tmp_path / "nope", 1000)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_either_load_or_are_rejected_with_a_reason(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    write(folder, "x.txt", data)
    articles, rejected = read(folder)
    assert articles.height + len(rejected) == 1
    if articles.height:
        row = articles.row(0, named=True)
        assert row["title"].strip() and row["body"].strip()
        assert "\x00" not in row["title"] + row["body"]
    else:
        assert rejected["x.txt"]["reason"] in {"empty", "binary", "undecodable", "title_only", "no_title"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_any_text_round_trips_through_utf8(text):
    try:
        decoded, _ = decode_text(text.encode("utf-8"))
    except RejectedInput as err:
        assert err.reason == "binary"
        return
    assert "\r" not in decoded


def test_a_text_header_gives_the_date_source_and_url(tmp_path):
    write(tmp_path, "a.txt", f"Date: 2025-10-27T08:30:00+08:00\nSource: Wire\nCopper climbs\n{BODY}\n")
    write(tmp_path, "b.txt", f"---\ndate: 2025-10-28\nurl: https://example.com/b\n---\nGold slips\n{BODY}\n")
    write(tmp_path, "c.txt", f"Date: not a date\nSoy rallies\n{BODY}\n")
    write(tmp_path, "d.txt", f"Date of the summit unknown\n{BODY}\n")
    write(tmp_path, "e.txt", f"Date: 2025-10-29\nSource: Wire\nURL: https://example.com/e\n---\nOil steadies\n{BODY}\n")
    articles, rejected = read(tmp_path)
    assert rejected == {}
    rows = {row["source_path"]: row for row in articles.to_dicts()}
    assert rows["a.txt"]["published_at"].isoformat() == "2025-10-27T00:30:00+00:00"
    assert (rows["a.txt"]["title"], rows["a.txt"]["source"]) == ("Copper climbs", "Wire")
    assert rows["b.txt"]["published_at"].isoformat() == "2025-10-28T00:00:00+00:00"
    assert (rows["b.txt"]["title"], rows["b.txt"]["url"]) == ("Gold slips", "https://example.com/b")
    assert rows["c.txt"]["published_at"] is None
    assert "dropped_unparseable_published_at" in rows["c.txt"]["repairs"]
    # no colon after "Date": a title, not a header
    assert (rows["d.txt"]["title"], rows["d.txt"]["published_at"]) == ("Date of the summit unknown", None)
    # a `---` that closes header lines no fence opened still ends the header: it is not the title
    assert (rows["e.txt"]["title"], rows["e.txt"]["url"]) == ("Oil steadies", "https://example.com/e")


def test_a_wire_dateline_dates_a_text_article_only_with_a_year(tmp_path):
    dateline_body = "LONDON, Nov 24 - Copper rose two percent on the LME."
    write(tmp_path, "2025/copper.txt", f"Copper climbs\n{dateline_body}\n")
    write(tmp_path, "undated.txt", f"Copper climbs again\n{dateline_body}\n")
    write(tmp_path, "2025/headed.txt", f"Date: 2025-11-25\nCopper climbs a third time\n{dateline_body}\n")
    articles, rejected = read(tmp_path)
    assert rejected == {}
    rows = {row["source_path"]: row for row in articles.to_dicts()}
    assert rows["2025/copper.txt"]["published_at"].isoformat() == "2025-11-24T00:00:00+00:00"
    assert "published_at_from_dateline" in rows["2025/copper.txt"]["repairs"]
    assert rows["undated.txt"]["published_at"] is None  # a month and day but no year: never guessed
    assert rows["2025/headed.txt"]["published_at"].isoformat() == "2025-11-25T00:00:00+00:00"  # the header wins


# --- the folder is a boundary ------------------------------------------------------------------------------


def test_links_leaving_the_folder_pipes_and_loops_are_refused_with_a_reason(tmp_path):
    folder = tmp_path / "articles"
    write(folder, "good.txt", f"Copper climbs\n{BODY}\n")
    outside = write(tmp_path, "secret.txt", "Not yours\nThe body of a file outside the folder.\n")
    (folder / "passwd.txt").symlink_to(outside)
    (folder / "inside.txt").symlink_to(folder / "good.txt")  # inside the folder: read, then a duplicate
    (folder / "nowhere.txt").symlink_to(folder / "missing.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "elsewhere").symlink_to(tmp_path)
    os.mkfifo(folder / "pipe.txt")
    articles, rejected = read(folder)
    assert sorted(articles["source_path"]) == ["good.txt", "inside.txt"]
    assert {path: row["reason"] for path, row in rejected.items()} == {
        "passwd.txt": "outside_folder",
        "elsewhere": "outside_folder",
        "nowhere.txt": "not_a_file",
        "loop.txt": "not_a_file",
        "pipe.txt": "not_a_file",
    }
    assert "FIFO" in rejected["pipe.txt"]["detail"]
    assert "Not yours" not in articles["title"].to_list()


def test_an_unreadable_subfolder_is_refused_not_skipped(tmp_path, monkeypatch):
    write(tmp_path, "good.txt", f"Copper climbs\n{BODY}\n")
    locked = tmp_path / "locked"
    write(locked, "a.txt", f"Hidden\n{BODY}\n")
    locked.chmod(0)
    if os.geteuid() == 0:  # root lists any folder whatever its mode: make the listing fail as it would for a user
        real_scandir = os.scandir

        def scandir(path):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        articles, rejected = read(tmp_path)
    finally:
        locked.chmod(0o755)
    assert articles["source_path"].to_list() == ["good.txt"]
    assert rejected["locked"]["reason"] == "unreadable"
    assert "Permission denied" in rejected["locked"]["detail"]


def test_a_file_name_that_is_not_utf8_loads_under_an_escaped_path(tmp_path):
    (tmp_path / os.fsdecode(b"caf\xe9.txt")).write_text(f"Cafe prices\n{BODY}\n")
    articles, rejected = read(tmp_path)
    assert rejected == {}
    assert articles["source_path"].to_list() == ["caf\\xe9.txt"]


# --- every parse step is guarded ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"title": "T", "body": "B", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "malformed_json"),
        ('{"id": ' + "9" * 5000 + ', "title": "T", "body": "B"}', "invalid_id"),
        ('{"id": {"nested": 1}, "title": "T", "body": "B"}', "invalid_id"),
        ('{"title": "T", "body": "B", "n": 1e999999}', None),  # Python reads it as inf: harmless outside an id
    ],
)
def test_hostile_json_is_a_rejection_never_an_exception(line, reason):
    if reason is None:
        assert parse_jsonl_record(line)["title"] == "T"
        return
    with pytest.raises(RejectedInput) as caught:
        parse_jsonl_record(line)
    assert caught.value.reason == reason


def test_a_lone_surrogate_is_replaced_and_the_repair_noted(tmp_path):
    write(tmp_path, "a.jsonl", '{"title": "Copper \\ud800 climbs", "body": "Prices rose."}\n')
    articles, rejected = read(tmp_path)
    assert rejected == {}
    row = articles.row(0, named=True)
    assert row["title"] == "Copper \ufffd climbs"
    assert row["repairs"] == ["replaced_lone_surrogates"]


@pytest.mark.parametrize(
    ("value", "repair"),
    [
        ("9999-12-31T23:59:59-05:00", "dropped_out_of_range_published_at"),
        ("0001-01-01T00:00:00+05:00", "dropped_out_of_range_published_at"),
        ("1066-10-14", "dropped_out_of_range_published_at"),
        ("not a date", "dropped_unparseable_published_at"),
    ],
)
def test_dates_no_story_can_carry_are_dropped_with_a_repair(tmp_path, value, repair):
    write(tmp_path, "a.jsonl", json.dumps({"title": "T", "body": "B", "published_at": value}) + "\n")
    write(tmp_path, "b.txt", f"Date: {value}\n---\nCopper climbs\n{BODY}\n")
    articles, rejected = read(tmp_path)
    assert rejected == {}
    assert articles["published_at"].to_list() == [None, None]
    assert articles["repairs"].to_list() == [[repair], [repair]]


def test_a_fence_that_never_closes_ends_at_the_last_header_field(tmp_path):
    write(tmp_path, "a.txt", f"---\nDate: 2025-01-02\nSource: Wire\nCopper climbs\n{BODY}\n")
    articles, rejected = read(tmp_path)
    assert rejected == {}
    row = articles.row(0, named=True)
    assert (row["title"], row["source"], row["repairs"]) == ("Copper climbs", "Wire", ["unclosed_front_matter"])
    assert row["published_at"].isoformat() == "2025-01-02T00:00:00+00:00"


@pytest.mark.parametrize("first_line", ["---", "***", "- - -", "...."])
def test_a_first_line_without_a_letter_or_digit_is_no_headline(tmp_path, first_line):
    write(tmp_path, "a.txt", f"{first_line}\n{BODY}\n")
    _, rejected = read(tmp_path)
    assert rejected["a.txt"]["reason"] == "no_title"


# A headline and a sentence of news in each language, written in the legacy encoding its press used.
LEGACY_TEXTS = [
    ("koi8_r", "Пшеница дорожает в России", "Цены на пшеницу в России выросли третью неделю подряд из-за засухи."),
    ("cp1251", "Пшеница дорожает в России", "Цены на пшеницу в России выросли третью неделю подряд из-за засухи."),
    ("iso8859_2", "Polska zwiększa wydobycie węgla", "Polskie kopalnie zwiększyły wydobycie węgla o pięć procent."),
    (
        "cp1250",
        "Česká vláda schválila nový rozpočet",
        "Vláda v Praze schválila rozpočet, který počítá s vyššími výdaji.",
    ),
    ("iso8859_7", "Η Ελλάδα αυξάνει τις εξαγωγές", "Οι εξαγωγές ελαιολάδου αυξήθηκαν κατά δέκα τοις εκατό φέτος."),
    ("cp1256", "ارتفاع أسعار النفط", "ارتفعت أسعار النفط الخام اليوم بعد أن قررت منظمة أوبك خفض الإنتاج."),
    ("shift_jis", "日本の輸出が増加", "日本の輸出は先月、自動車と半導体の需要が強く、前年比で五パーセント増加した。"),
    ("gb18030", "中国大豆进口量创新高", "据海关总署公布的数据，中国上个月的大豆进口量比去年同期增长了百分之十。"),
    ("euc_kr", "한국 반도체 수출 증가", "한국의 반도체 수출이 지난달 인공지능 수요 증가로 전년 대비 20퍼센트 늘었다."),
    (
        "big5",
        "台灣半導體出口創新高",
        "經濟部表示，受人工智慧需求帶動，台灣上個月的半導體出口比去年同期成長百分之二十。",
    ),
]


@pytest.mark.parametrize(("encoding", "title", "body"), LEGACY_TEXTS, ids=[e for e, *_ in LEGACY_TEXTS])
def test_legacy_encodings_are_told_apart_before_the_western_fallback(tmp_path, encoding, title, body):
    write(tmp_path, "story.txt", f"{title}\n{body}".encode(encoding))
    articles, rejected = read(tmp_path)
    assert not rejected
    row = articles.row(0, named=True)
    assert (row["title"], row["body"]) == (title, body)
    assert len(row["repairs"]) == 1 and row["repairs"][0].startswith("decoded_")
    assert row["repairs"] != ["decoded_cp1252"]


@pytest.mark.parametrize(
    "text",
    [
        "Zürich wheat\nDie Preise für Weizen stiegen um 2 % in Zürich, sagten Händler.",
        "Cobre en Santiago\nEl precio del cobre subió un 3 % en Santiago, según operadores.",
        "Vete i Göteborg\nPriserna på vete steg i Göteborg, sade handlare.",
    ],
)
def test_short_western_texts_stay_windows_1252(tmp_path, text):
    write(tmp_path, "story.txt", text.encode("cp1252"))
    articles, _ = read(tmp_path)
    row = articles.row(0, named=True)
    assert f"{row['title']}\n{row['body']}" == text
    assert row["repairs"] == ["decoded_cp1252"]
