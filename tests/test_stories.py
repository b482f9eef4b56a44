"""Stories: a story and its re-sent, updated or corrected versions share a cluster; a weekly or daily report with
new figures is a new story; clusters follow the folder when an article goes."""

from datetime import UTC, datetime

import duckdb

from tests.conftest import materialize_warehouse, query
from wiredesk.stories import (
    STORY_RULES,
    article_signatures,
    changed_figure,
    recurring_report,
    same_story,
    shingles,
    signature,
)

STORY = (
    "Chile's state copper company Codelco said on Tuesday that workers at its El Teniente mine had ended a "
    "two-week strike after accepting a new wage offer that raises pay by 4.5 percent over three years. The "
    "strike had cut output at the world's largest underground copper mine by about 1,200 tonnes a day, the "
    "company said, and traders in London said the settlement eased fears of tighter supplies this quarter. "
    "Copper prices on the London Metal Exchange slipped after the news, ending the session lower as funds "
    "took profits on a rally that had lifted the metal to a three-month high earlier in the week."
)
FLASH = "Chile's state copper company Codelco said on Tuesday that workers at its El Teniente mine had ended a strike."
UPDATE = "Copper fell in London on Tuesday as a strike at Chile's El Teniente mine ended. " + STORY
CORRECTED = STORY.replace("4.5 percent", "5.4 percent")
RIGS = (
    "The number of rotary rigs drilling for oil and gas in the United States {verb} by {change} to {total} in the "
    "week ended {day}, an oilfield services company said. A year ago the count was {year_ago}, and the number "
    "of rigs drilling offshore was {offshore}, the company said in its weekly report on drilling activity."
)

# The Fed's daily reserves report (Reuters-21578 has it most days): two figures, one of them spelled out.
FED = (
    "NEW YORK, March {day} - The Federal Reserve entered the U.S. Government securities market to arrange "
    "{amount} dlrs of customer repurchase agreements, a Fed spokesman said. Dealers said Federal funds were "
    "trading at {rate} pct when the Fed began its temporary and indirect supply of reserves to the banking system."
)


def jaccard(a: str, b: str) -> float:
    return float((signature(shingles(a)) == signature(shingles(b))).mean())


def test_versions_of_a_story_are_the_same_story_and_reports_with_new_figures_are_not():
    monday, tuesday = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC)
    signatures = article_signatures(
        __import__("polars").DataFrame(
            {"article_id": ["story", "update", "corrected"], "body": [STORY, UPDATE, CORRECTED]}
        )
    )
    rows = {row["article_id"]: row for row in signatures.iter_rows(named=True)}

    def same(a: str, b: str, when=(monday, tuesday)) -> bool:
        text = {"story": STORY, "update": UPDATE, "corrected": CORRECTED}
        sizes = (rows[a]["shingle_count"], rows[b]["shingle_count"])
        return same_story(jaccard(text[a], text[b]), sizes, (rows[a]["numbers"], rows[b]["numbers"]), when)

    assert same("story", "update")  # a new lead on the same story
    assert same("story", "corrected")  # one figure corrected
    assert not same("story", "update", (monday, datetime(2026, 3, 20, tzinfo=UTC)))  # weeks apart

    this_week = RIGS.format(verb="rose", change=12, total=853, day="March 6", year_ago=1410, offshore=98)
    last_week = RIGS.format(verb="fell", change=7, total=841, day="Feb 27", year_ago=1422, offshore=101)
    reports = article_signatures(
        __import__("polars").DataFrame({"article_id": ["a", "b"], "body": [this_week, last_week]})
    )
    a, b = reports.row(0, named=True), reports.row(1, named=True)
    # the same template: most 5-grams shared, but the figures differ, so it is a new story
    assert not same_story(
        jaccard(this_week, last_week),
        (a["shingle_count"], b["shingle_count"]),
        (a["numbers"], b["numbers"]),
        (monday, tuesday),
    )


def test_a_changed_figure_where_the_texts_align_makes_a_recurring_report():
    thursday = FED.format(day=19, amount="1.5 billion", rate="six")
    friday = FED.format(day=20, amount="1.5 billion", rate="6-1/16")
    assert changed_figure(thursday, friday)  # "six" against "6-1/16", in the same place
    assert not changed_figure(thursday, FED.format(day=20, amount="1.5 billion", rate="six"))  # only the dateline
    # an update that adds a paragraph with figures of its own changes none of the old ones
    assert not changed_figure(STORY, STORY + " Output was 1.7 mln tonnes last year, up 2 pct.")
    assert recurring_report(("FED ADDS RESERVES", "FED ADDS RESERVES"), (thursday, friday))
    assert not recurring_report(("FED ADDS RESERVES", "CORRECTED - FED ADDS RESERVES"), (thursday, friday))
    assert not recurring_report(("FED ADDS RESERVES", "RPT-FED ADDS RESERVES"), (thursday, friday))


def test_two_firms_identical_short_notices_are_two_stories():
    notice = "SALEM, Va., March 11 - Qtly div four cts vs four cts prior Pay April 15 Record March 20"
    other = notice.replace("SALEM, Va.", "MEMPHIS, Tenn.")
    rows = article_signatures(__import__("polars").DataFrame({"article_id": ["a", "b"], "body": [notice, other]}))
    a, b = rows.row(0, named=True), rows.row(1, named=True)
    moment = datetime(2026, 3, 11, 11, tzinfo=UTC)

    def same(title_a: str, title_b: str, body_b: str = notice) -> bool:
        return same_story(
            jaccard(notice, body_b),
            (a["shingle_count"], b["shingle_count"]),
            (a["numbers"], b["numbers"]),
            (moment, moment),
            ((title_a, notice), (title_b, body_b)),
        )

    assert not same("ROWE FURNITURE CORP <ROWE> SETS QTLY DIVIDEND", "SEVEN OAKS INTERNATIONAL INC <QPON> IN PAYOUT")
    assert not same("FRANKLIN INSURED TAX-FREE SETS PAYOUT", "FRANKLIN HIGH-YIELD TAX-FREE SETS PAYOUT")
    # the same notice re-sent under another headline for the same firm
    assert same("ROWE FURNITURE CORP <ROWE> SETS QTLY DIVIDEND", "ROWE FURNITURE <ROWE> DECLARES DIVIDEND")
    # the same firm's notice from another desk, its dateline aside: most of its 5-grams are the other's
    assert same("ROWE FURNITURE CORP <ROWE> SETS QTLY DIVIDEND", "ROWE FURNITURE <ROWE> DECLARES DIVIDEND", other)


def test_a_short_story_inside_a_longer_one_is_the_same_story():
    """A flash and the full story filed minutes later: banding never pairs texts of such different sizes, the
    5-gram sample does, and containment is counted from the texts."""
    flash = "Codelco said workers at its El Teniente mine had ended a two-week strike after accepting a new wage offer."
    signatures = article_signatures(
        __import__("polars").DataFrame({"article_id": ["flash", "story"], "body": [flash, UPDATE + " " + flash]})
    )
    flash_row, story_row = signatures.row(0, named=True), signatures.row(1, named=True)
    assert set(flash_row["sample"]) <= set(story_row["sample"])  # consistent: a text inside keeps its sample inside
    moment = datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert same_story(
        jaccard(flash, UPDATE + " " + flash),
        (flash_row["shingle_count"], story_row["shingle_count"]),
        (flash_row["numbers"], story_row["numbers"]),
        (moment, moment),
        (("CODELCO STRIKE ENDS", flash), ("Copper falls as Codelco strike ends", UPDATE + " " + flash)),
    )


def write(folder, name: str, date: str, title: str, body: str) -> None:
    (folder / name).write_text(f"Date: {date}\n---\n{title}\n{body}\n")


def stories(db) -> dict[str, tuple[str, bool]]:
    rows = query(
        db,
        """select a.source_path, c.source_path, s.is_first, s.novelty from article_stories s
        join articles a using (article_id) join articles c on c.article_id = s.cluster_id""",
    )
    return {path: (first_path, is_first, novelty) for path, first_path, is_first, novelty in rows}


def test_stories_in_the_warehouse_follow_the_folder(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder, "story.txt", "2026-03-03T09:00:00Z", "Codelco strike ends", STORY)
    write(folder, "update.txt", "2026-03-03T11:00:00Z", "UPDATE 1-Codelco strike ends, copper falls", UPDATE)
    write(folder, "corrected.txt", "2026-03-03T12:00:00Z", "CORRECTED-Codelco strike ends", CORRECTED)
    # the flash before the story: its one sentence, 11 minutes ahead
    write(folder, "flash.txt", "2026-03-03T08:49:00Z", "CODELCO STRIKE ENDS", FLASH)
    rigs = [
        RIGS.format(verb="rose", change=12, total=853, day="March 6", year_ago=1410, offshore=98),
        RIGS.format(verb="fell", change=7, total=841, day="March 13", year_ago=1422, offshore=101),
    ]
    write(folder, "rigs_1.txt", "2026-03-06T18:00:00Z", "U.S. rig count rises", rigs[0])
    write(folder, "rigs_2.txt", "2026-03-13T18:00:00Z", "U.S. rig count falls", rigs[1])
    # a daily report on two days, and an overnight re-send that changes only the dateline
    write(
        folder,
        "fed_1.txt",
        "2026-03-19T11:45:00Z",
        "Fed adds reserves",
        FED.format(day=19, amount="two billion", rate="six"),
    )
    write(
        folder,
        "fed_2.txt",
        "2026-03-20T11:45:00Z",
        "Fed adds reserves",
        FED.format(day=20, amount="1.5 billion", rate="six"),
    )
    write(
        folder,
        "fed_2_resent.txt",
        "2026-03-21T08:00:00Z",
        "Fed adds reserves",
        FED.format(day=21, amount="1.5 billion", rate="six"),
    )
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(folder, db).success

    found = stories(db)
    assert {path: first for path, (first, _, _) in found.items()} == {
        "flash.txt": "flash.txt",
        "story.txt": "flash.txt",
        "update.txt": "flash.txt",
        "corrected.txt": "flash.txt",
        "rigs_1.txt": "rigs_1.txt",
        "rigs_2.txt": "rigs_2.txt",
        "fed_1.txt": "fed_1.txt",
        "fed_2.txt": "fed_2.txt",
        "fed_2_resent.txt": "fed_2.txt",
    }
    assert [path for path, (_, is_first, _) in sorted(found.items()) if is_first] == [
        "fed_1.txt",
        "fed_2.txt",
        "flash.txt",
        "rigs_1.txt",
        "rigs_2.txt",
    ]
    assert found["flash.txt"][2] == 1.0
    assert 0 < found["story.txt"][2] < 1  # the flash's sentence said before, the rest new
    assert 0 < found["update.txt"][2] < 0.5  # a new lead, the rest said before
    sizes = query(db, "select size, list_count(article_ids) from story_clusters order by size desc")
    assert sizes == [(4, 4), (2, 2), (1, 1), (1, 1), (1, 1)]

    (folder / "flash.txt").unlink()  # the flash goes: the story is now where the story starts
    (folder / "story.txt").unlink()  # and then the first full version: the update starts it
    assert materialize_warehouse(folder, db).success
    found = stories(db)
    assert found["update.txt"][:2] == ("update.txt", True)
    assert found["corrected.txt"][0] == "update.txt"
    assert query(db, "select count(*) from story_links where article_id not in (select article_id from articles)") == [
        (0,)
    ]
    # Only the stories that changed were labelled again, and they read as a build from scratch would.
    fresh = tmp_path / "fresh.duckdb"
    assert materialize_warehouse(folder, fresh).success
    for table in ("article_stories", "story_clusters"):
        assert query(db, f"from {table} order by all") == query(fresh, f"from {table} order by all"), table

    # A warehouse whose links older rules made (here: the two days of the Fed's report joined) is linked again
    # at its next run, with nothing in the folder changed.
    with duckdb.connect(str(db)) as con:
        con.execute(
            """insert into story_links
            select least(a.article_id, b.article_id), greatest(a.article_id, b.article_id), 0.9
            from articles a, articles b where a.source_path = 'fed_1.txt' and b.source_path = 'fed_2.txt'"""
        )
        con.execute("update story_rules set version = version - 1")
    fed_links = """select count(*) from story_links l join articles a on a.article_id = l.article_id
        join articles b on b.article_id = l.other_article_id
        where 'fed_1.txt' in (a.source_path, b.source_path) and 'fed_2.txt' in (a.source_path, b.source_path)"""
    assert query(db, fed_links) == [(1,)]
    assert materialize_warehouse(folder, db).success
    assert query(db, fed_links) == [(0,)]
    assert stories(db)["fed_2.txt"][0] == "fed_2.txt"
    assert stories(db)["fed_2_resent.txt"][0] == "fed_2.txt"  # the links the rules make are made again
    assert query(db, "select version from story_rules") == [(STORY_RULES,)]
