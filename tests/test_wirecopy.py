"""Wire-copy handling: truecasing ALL-CAPS headlines and datelines without moving any offset."""

from wiredesk.wirecopy import case_map, find_dateline, is_all_caps, model_text, truecase


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
