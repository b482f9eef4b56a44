"""The context of a commodity mention: direction, trade action and amount nearest the mention."""

import pytest

from wiredesk.sentence_facts import describe


def context_of(sentence: str, mention: str, occurrence: int = 0):
    start = -1
    for _ in range(occurrence + 1):
        start = sentence.index(mention, start + 1)
    return describe(sentence, start, start + len(mention))


@pytest.mark.parametrize(
    ("sentence", "mention", "expected"),
    [
        ("Futures for copper also climbed on Monday.", "copper", ("up", None, None)),
        ("Copper rose while zinc fell sharply.", "Copper", ("up", None, None)),
        ("Copper rose while zinc fell sharply.", "zinc", ("down", None, None)),
        ("Gold was unchanged at $1,116.10/oz in London.", "Gold", ("flat", None, "$1,116.10/oz")),
        ("Arrivals of cocoa were 155,221 bags of 60 kilos.", "cocoa", (None, None, "155,221 bags")),
        (
            "China agreed to delay export controls on rare earth minerals.",
            "rare earth minerals",
            (None, "export control", None),
        ),
        ("China will resume purchases of US soybeans.", "soybeans", (None, "purchase", None)),
        ("Washington imposed a 25% tariff on steel imports.", "steel", (None, "tariff", None)),
        ("Indonesia banned exports of nickel ore.", "nickel ore", (None, "ban", None)),
        ("The EU extended sanctions on Russian crude oil.", "crude oil", (None, "sanction", None)),
        ("Crude oil fell 2% to $87.04 a barrel.", "Crude oil", ("down", None, "$87.04 a barrel")),
    ],
)
def test_cues_nearest_the_mention(sentence, mention, expected):
    assert context_of(sentence, mention) == expected


def test_the_mention_itself_is_not_a_cue():
    # "rally" is not a direction of the mention "rally" when it names nothing else
    assert context_of("Wheat output was 12 mln tonnes.", "Wheat") == (None, None, "12 mln tonnes")
