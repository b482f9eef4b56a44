"""Trie alternations (wiredesk/patterns.py) match what a flat, longest-first alternation of the same phrases
matches."""

import re

import pytest

from wiredesk.patterns import alternation

PHRASES = ["crude", "crude oil", "crude palm oil", "palm oil", "oil", "copper", "coffee", "coal", "cocoa", "co"]


def flat(phrases: list[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


@pytest.mark.parametrize(
    "text",
    [
        "crude palm oil and crude oil, then crude; palm oil and oil",
        "copper coffee coal cocoa co cop coffees",
        "crude palm oi crude oils",
        "",
    ],
)
def test_a_trie_matches_what_the_flat_alternation_matches(text):
    trie = re.compile(rf"\b(?:{alternation(PHRASES)})\b")
    plain = re.compile(rf"\b(?:{flat(PHRASES)})\b")
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_the_longest_phrase_wins_and_a_shorter_one_is_the_fallback():
    pattern = re.compile(rf"(?:{alternation(PHRASES)})(?!\w)")
    assert pattern.match("crude palm oil").group() == "crude palm oil"
    assert pattern.match("crude palm").group() == "crude"  # "crude palm oil" does not fit: the next longest does


def test_a_space_is_written_as_told():
    loose = re.compile(alternation(["rare earth"], space=r"[-\s]+"))
    strict = re.compile(alternation(["rare earth"]))
    assert loose.fullmatch("rare-earth") and loose.fullmatch("rare \n earth")
    assert strict.fullmatch("rare earth") and not strict.fullmatch("rare-earth")


def test_special_characters_are_literal():
    pattern = re.compile(alternation(["u.s.$", "us$", "$"]))
    assert pattern.match("u.s.$5").group() == "u.s.$"
    assert pattern.match("uxsx$") is None
