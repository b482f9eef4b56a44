"""A folder an attacker filled: more than 100 bad files of 40 kinds beside good articles, in one real run.

The run succeeds; every entry of the folder (every line of a JSONL file) ends in exactly one of `articles` and
`rejected_articles`, with the reason expected where one is; the good articles' mentions are all there; and
nothing outside the folder is read.
"""

import json
import os
import random
from pathlib import Path

import pytest

from tests.conftest import materialize_warehouse, query

GOOD = "good"  # expected outcome: loaded as an article
ANY = "any"  # loads or is rejected; either is fine, but it must be one of the two


def good_article(i: int) -> str:
    return f"Copper talks {i}\nCopper rose in Santiago, Chile, after Codelco cut output at mine {i}.\n"


def hostile_folder(root: Path) -> tuple[Path, dict[str, str]]:
    """Write the folder; returns it and the expected outcome of each source path (GOOD, ANY or a reason)."""
    folder = root / "articles"
    folder.mkdir()
    expected: dict[str, str] = {}

    def put(name: str, data: str | bytes, outcome: str) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
        expected[name] = outcome

    for i in range(12):
        put(f"good/{i:02}.txt", good_article(i), GOOD)

    # --- text files that are not articles
    put("empty.txt", b"", "empty")
    put("blank.txt", b" \n\t\n  ", "empty")
    put("png.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary")
    put("nul.txt", b"Title\nBody with a NUL\x00 byte in it.\n", "binary")
    put("controls.txt", b"Title\n" + b"\x01\x02\x03\x04\x05 body " * 50, "binary")
    put("title_only.txt", "Only a headline\n\n\n", "title_only")
    put("utf16_broken.txt", b"\xff\xfe" + b"\x00\xd8" * 10, "undecodable")
    put("too_large.txt", b"Big\n" + b"copper " * 800_000, "too_large")  # 5.6 MB, over the 5 MB limit
    for suffix in (".docx", ".pdf", ".csv", ".html", ""):
        put(f"not_an_article{suffix or '_no_suffix'}", f"Copper\n{good_article(99)}", "unsupported_type")
    put("zz_duplicate.txt", good_article(0), "duplicate")  # the copy later in path order

    # --- text files that load, repaired or strange
    put("utf16.txt", b"\xff\xfe" + "Zinc climbs\nZinc rose in Lima.\n".encode("utf-16-le"), GOOD)
    put("cp1252.txt", "Café prices\nCoffee rose in São Paulo.\n".encode("cp1252"), GOOD)
    put("mojibake.txt", "CafÃ© prices\nCoffee rose in SÃ£o Paulo, Brazil.\n", GOOD)
    put("crlf.txt", b"Sugar rises\r\nSugar rose in Bangkok.\r\n", GOOD)
    put("bom.txt", b"\xef\xbb\xbfTin falls\nTin fell in Jakarta.\n", GOOD)
    put("UPPER.TXT", "Nickel news\nNickel rose in Manila.\n", GOOD)
    put("one_word_million.txt", "Long\n" + "x" * 1_050_000 + "\n", GOOD)  # over spaCy's 1,000,000 limit
    put("oil_storm.txt", "Oil\nCrude " + "oil " * 20_000 + "rose.\n", GOOD)  # one sentence of 20,000 words
    put("long_title.txt", "Copper " * 2_000 + "\nCopper rose.\n", GOOD)
    put("emoji.txt", "Gold 🚀 moon\nGold rose 🚀 in Zürich ‮ with zero\u200bwidth joiners.\n", GOOD)
    put("html.txt", "<h1>Wheat</h1>\n<p>Wheat rose in <b>Kansas</b>.</p><script>alert(1)</script>\n", GOOD)
    put("rtl.txt", "أسعار النفط\nارتفعت أسعار النفط في الرياض.\n", GOOD)
    put("numbers.txt", "12345\n678 910 1112 1314.\n", GOOD)
    put("blank_lines.txt", "\n" * 50_000 + "Lead news\nLead rose in London.\n", GOOD)
    put("deep/" * 20 + "nested.txt", "Cobalt news\nCobalt rose in Kinshasa.\n", GOOD)
    put("'; drop table articles; --.txt", "Rice news\nRice rose in Hanoi.\n", GOOD)
    put("new\nline.txt", "Corn news\nCorn rose in Iowa.\n", GOOD)

    # --- headers
    put("date_past_end.txt", "Date: 9999-12-31T23:59:59-05:00\n---\nCocoa news\nCocoa rose in Accra.\n", GOOD)
    put("date_year_one.txt", "Date: 0001-01-01T00:00:00+05:00\nCotton news\nCotton rose in Lahore.\n", GOOD)
    put("date_nonsense.txt", "Date: the day after tomorrow\nSoy news\nSoybeans rose in Chicago.\n", GOOD)
    put("lone_fence.txt", "Source: Wire\n---\nRubber news\nRubber rose in Bangkok.\n", GOOD)
    put("open_fence.txt", "---\nDate: 2025-01-02\nPalm oil news\nPalm oil rose in Kuala Lumpur.\n", GOOD)
    put("only_fences.txt", "---\n---\n---\n", "no_title")

    # --- JSON Lines, one outcome per line
    lines = [
        (json.dumps({"id": "j1", "title": "Iron ore news", "body": "Iron ore rose in Perth."}), GOOD),
        ("{not json", "malformed_json"),
        ("[1, 2, 3]", "malformed_json"),
        ('"just a string"', "malformed_json"),
        (json.dumps({"title": "No body"}), "missing_body"),
        (json.dumps({"body": "No title"}), "missing_title"),
        (json.dumps({"title": ["a", "list"], "body": "B"}), "missing_title"),
        (json.dumps({"title": "   ", "body": "B"}), "missing_title"),
        ('{"title": "Deep", "body": "B", "x": ' + "[" * 50_000 + "]" * 50_000 + "}", "malformed_json"),
        ('{"id": ' + "9" * 5_000 + ', "title": "Huge id", "body": "Gas rose."}', "invalid_id"),
        ('{"id": {"a": 1}, "title": "Object id", "body": "Gas rose."}', "invalid_id"),
        ('{"id": true, "title": "Bool id", "body": "Gas rose."}', "invalid_id"),
        ('{"id": "x", "title": "Surrogate \\ud800 here", "body": "Silver rose in Mexico City."}', GOOD),
        ('{"id": "y", "title": "Pair \\ud83d\\ude80 here", "body": "Platinum rose in Johannesburg."}', GOOD),
        (json.dumps({"title": "Past end", "body": "Barley rose.", "published_at": "9999-12-31T23:59:59-05:00"}), GOOD),
        (json.dumps({"title": "Year one", "body": "Oats rose.", "published_at": "0001-01-01T00:00:00+05:00"}), GOOD),
        (json.dumps({"title": "Number date", "body": "Tea rose.", "published_at": 20250101}), GOOD),
        ('{"title": "NaN", "body": "Beef rose in Sydney.", "score": NaN}', GOOD),
        (json.dumps({"title": "Nested", "body": "Pork rose.", "source": {"x": 1}, "url": 5}), GOOD),
        (json.dumps({"title": "Bessent warns", "body": "Copper rose in Santiago, Chile, after Codelco cut."}), GOOD),
    ]
    with (folder / "feed.jsonl").open("w", encoding="utf-8", errors="surrogatepass") as out:
        for number, (line, outcome) in enumerate(lines, start=1):
            out.write(line + "\n")
            expected[f"feed.jsonl:{number}"] = outcome
        out.write("\n   \n")  # blank lines are skipped, not records
    put("empty.jsonl", b"\n\n", "empty")
    put("bom_crlf.jsonl", b'\xef\xbb\xbf{"title": "Bom", "body": "Zinc rose in Lima."}\r\n', "")
    del expected["bom_crlf.jsonl"]
    expected["bom_crlf.jsonl:1"] = GOOD

    # --- entries that are not files inside the folder
    secret = root / "secret.txt"
    secret.write_text("Secret\nThe contents of a file outside the articles folder.\n")
    for i in range(3):
        (folder / f"outside_{i}.txt").symlink_to(secret)
        expected[f"outside_{i}.txt"] = "outside_folder"
    (folder / "etc_passwd.txt").symlink_to("/etc/passwd")
    expected["etc_passwd.txt"] = "outside_folder"
    (folder / "up").symlink_to(root)
    expected["up"] = "outside_folder"
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    expected["dangling.txt"] = "not_a_file"
    (folder / "loop_a.txt").symlink_to(folder / "loop_b.txt")
    (folder / "loop_b.txt").symlink_to(folder / "loop_a.txt")
    expected["loop_a.txt"] = expected["loop_b.txt"] = "not_a_file"
    (folder / "inside_link.txt").symlink_to(folder / "good" / "01.txt")
    expected["inside_link.txt"] = "duplicate"
    (folder / "good_link").symlink_to(folder / "good")
    expected["good_link"] = "not_a_file"
    for i in range(3):
        os.mkfifo(folder / f"pipe_{i}.txt")
        expected[f"pipe_{i}.txt"] = "not_a_file"
    (folder / os.fsdecode(b"latin1_caf\xe9.txt")).write_text("Cafe news\nCoffee rose in Bogota.\n")
    expected["latin1_caf\\xe9.txt"] = GOOD

    # --- more of each kind, so that no kind is tested by one file alone
    noise = random.Random(2026)
    for i in range(20):
        put(f"bulk/empty_{i:02}.txt", b"", "empty")
        put(f"bulk/binary_{i:02}.txt", bytes([i]) * 10 + b"\x00" + noise.randbytes(64), "binary")
        put(f"bulk/random_{i:02}.txt", noise.randbytes(200 + 37 * i), ANY)

    # hidden entries (drafts, editor and OS litter) are not read, but listed: a hidden folder once
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / ".draft.txt").write_text("Draft\nNot ready to publish.\n")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    expected[".DS_Store"] = expected[".draft.txt"] = expected[".git"] = "hidden"
    return folder, expected


@pytest.mark.slow
def test_a_run_over_a_hostile_folder_succeeds_and_accounts_for_every_file(tmp_path):
    folder, expected = hostile_folder(tmp_path)
    assert len(expected) > 140
    db = tmp_path / "w.duckdb"

    result = materialize_warehouse(folder, db, raise_on_error=False)

    assert result.success
    loaded = [path for (path,) in query(db, "select source_path from articles")]
    rejected = dict(query(db, "select source_path, reason from rejected_articles"))
    assert len(loaded) == len(set(loaded))
    assert not set(loaded) & set(rejected), "a file is both loaded and rejected"
    assert set(loaded) | set(rejected) == set(expected), "a file is in neither table, or an unknown one in one"
    for path, outcome in expected.items():
        if outcome == GOOD:
            assert path in loaded, (path, rejected.get(path))
        elif outcome != ANY:
            assert rejected.get(path) == outcome, (path, rejected.get(path), path in loaded)

    # blank JSONL lines are in neither table, but the run counts them: two in feed.jsonl, two in empty.jsonl
    assert query(db, "select blank_lines from pipeline_runs") == [(4,)]
    # nothing from outside the folder was read
    assert query(db, "select count(*) from articles where body like '%outside the articles folder%'") == [(0,)]
    assert query(db, "select count(*) from articles where body like '%root:%'") == [(0,)]
    # the good articles are whole: each names copper, Santiago and Codelco
    good = query(
        db,
        """select a.source_path,
                  count(distinct c.commodity) filter (where c.commodity = 'copper'),
                  count(distinct e.mention_text) filter (where e.mention_text in ('Santiago', 'Codelco'))
           from articles a
           left join commodity_mentions c using (article_id)
           left join entity_mentions e using (article_id)
           where a.source_path like 'good/%'
           group by 1""",
    )
    assert len(good) == 12
    assert all(copper == 1 and names == 2 for _, copper, names in good), good
    # a table an attacker named in a file name is still there
    assert query(db, "select count(*) from articles where source_path like '%drop table%'") == [(1,)]


@pytest.mark.slow
def test_one_sentence_of_twenty_thousand_commodity_words_finishes_in_bounded_time(tmp_path):
    """Extraction time grew faster than linearly with the candidate words of one sentence: 5,000 repeats of
    "oil" took six minutes and 247,000 never finished. A child process, so a hang fails the test instead of
    holding it."""
    import subprocess
    import sys

    from tests.conftest import job_env

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "oil.txt").write_text("Oil storm\nCrude " + "oil " * 20_000 + "rose.\n")
    db = tmp_path / "w.duckdb"
    run = subprocess.run(
        [sys.executable, "-m", "pipelines.run"],
        env=job_env(folder, db, tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=180,  # linear cost: about 15 s here
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert query(db, "select count(*) from articles") == [(1,)]
    # the sentence is cut every 250 tokens, so no sentence holds more than 250 of the 20,000 words
    assert query(db, "select count(*) >= 80 from sentences") == [(True,)]
