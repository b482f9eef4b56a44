"""Wire-copy handling: truecasing ALL-CAPS headlines and datelines without moving any offset."""

from datetime import date

from wiredesk.wirecopy import case_map, dateline_date, find_dateline, is_all_caps, model_text, truecase


def test_truecasing_keeps_length_and_uses_the_articles_own_casing():
    body = "Magma Copper Co said it cut its copper price. Newmont Mining owns Magma."
    title = "MAGMA LOWERS COPPER PRICE"
    cased = truecase(title, case_map(body))
    assert cased == "Magma lowers copper price"
    assert len(cased) == len(title)


def test_model_text_only_changes_case_and_only_of_caps_stretches():
    title, body = "TRUMP AND XI MEET IN SEOUL", "SEOUL, Oct 30 - Donald Trump met Xi Jinping in Seoul on Thursday."
    text = model_text(title, body, "\n\n")
    assert text.lower() == f"{title}\n\n{body}".lower()
    assert text.startswith("Trump and Xi meet in Seoul\n\nSeoul, Oct 30 - Donald Trump")


def test_a_dateline_in_capitals_opening_the_title_is_truecased_like_the_bodys():
    title = "BENGALURU (Reuters) - India's power ministry proposes new rules"
    text = model_text(title, "Power plants in Bengaluru and elsewhere may keep selling power.", "\n\n")
    assert text.startswith("Bengaluru (Reuters) - India's power ministry proposes new rules\n\n")
    assert len(text) == len(title) + 2 + len("Power plants in Bengaluru and elsewhere may keep selling power.")


def test_mixed_case_titles_are_left_alone():
    title = "Copper climbs as China buys"
    assert model_text(title, "Copper rose.", "\n\n").startswith(title)
    assert not is_all_caps(title)
    assert is_all_caps("U.S. GDP RISES")


def test_datelines():
    body = "HONG KONG, April 8 - Shares rose."
    [(start, end)] = find_dateline(body)
    assert body[start:end] == "HONG KONG"
    spans = find_dateline("CALGARY, Alberta, March 3 - Nova said.")
    assert [("CALGARY, Alberta, March 3 - Nova said."[s:e]) for s, e in spans] == ["CALGARY", "Alberta"]
    assert find_dateline("BUFFALO, N.Y., March 4 - Net rose.") == [(0, 7), (9, 13)]
    assert find_dateline("Copper rose, traders said on March 4 - a rally.") == []
    assert find_dateline("KUALA LUMPUR, Oct 26 (Reuters) - Talks ended.") == [(0, 12)]


def test_dateline_dates_need_a_year_from_the_dateline_or_the_path():
    assert dateline_date("KUALA LUMPUR, Oct 26, 2025 (Reuters) - Talks ended.") == date(2025, 10, 26)
    assert dateline_date("HONG KONG, April 8 - Shares rose.", "wires/2024/04/hk.txt") == date(2024, 4, 8)
    assert dateline_date("HONG KONG, April 8 - Shares rose.", "reuters_20240408.txt") == date(2024, 4, 8)
    # no year anywhere, an id that only looks like one, two different years, an impossible day: no date
    assert dateline_date("HONG KONG, April 8 - Shares rose.", "hk.txt") is None
    assert dateline_date("HONG KONG, April 8 - Shares rose.", "000_bf3e2019c4.txt") is None
    assert dateline_date("HONG KONG, April 8 - Shares rose.", "2023/2024-review.txt") is None
    assert dateline_date("MOSCOW, Feb 30, 2025 - Wheat fell.") is None
    assert dateline_date("Shares rose on April 8, 2025 - a rally.") is None
    assert dateline_date("LONDON, MARCH 23, 1987 - Brent fell.") == date(1987, 3, 23)


def test_datelines_with_a_numeric_date():
    body = "AL-AIN , United Arab Emirates 1996-12-06 - Japan began the defence of their title."
    assert [body[s:e] for s, e in find_dateline(body)] == ["AL-AIN", "United Arab Emirates"]
    assert dateline_date(body) == date(1996, 12, 6)
    assert dateline_date("LONDON 1996-02-30 - Results.") is None  # no such day
    assert find_dateline("Shares fell 1996-08-30 - a slump.") == []
