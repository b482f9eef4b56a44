"""Articles written to stress one run's memory and time: what `make bench` measures and the memory tests run.

Each is a plain-text article (title line, paragraphs) of a kind a wire folder can hold: a long dense market
report, a run of one word, a day's wire copy pasted into one file, a table of commodity prices in prose.
"""

from __future__ import annotations

import random
from pathlib import Path

_DENSE_SENTENCE = "Crude oil prices rose 2 pct to 80 dlrs a barrel in New York as OPEC cut output, analysts said. "

_PEOPLE = ["Angela Merkel", "Emmanuel Macron", "John Smith", "Li Wei", "Maria Garcia", "Scott Bessent", "He Lifeng"]
_ORGANISATIONS = ["Goldman Sachs", "OPEC", "the World Bank", "Glencore", "BHP Group", "the Federal Reserve"]
_PLACES = ["Berlin", "Paris", "Beijing", "Santiago", "Lima", "New York", "London", "Kinshasa"]
_GOODS = ["copper", "zinc", "soybeans", "crude oil", "rare earths", "wheat", "cocoa", "gold"]
_PRICE_LIST = "copper, zinc, nickel, aluminium, soybeans, wheat, corn and rice prices rose."


def dense_report(characters: int = 1_300_000) -> str:
    """A market report that repeats one entity-dense sentence, five to a paragraph."""
    paragraph = (_DENSE_SENTENCE * 5).strip()
    return "Oil market report\n\n" + "\n\n".join([paragraph] * (characters // (len(paragraph) + 2)))


def one_word(characters: int = 900_000, word: str = "oil") -> str:
    """The same word over and over, with no full stop: 900 kB of "oil oil oil ..."."""
    return f"{word.title()}\n\n" + f"{word} " * (characters // (len(word) + 1))


def mixed_wire_copy(characters: int = 5_000_000, seed: int = 0) -> str:
    """Stories of people, organisations, places, commodities, figures and quotations, one paragraph each."""
    pick = random.Random(seed).choice
    paragraphs, length = [], 0
    while length < characters - 1_000:
        paragraph = (
            f"{pick(_PEOPLE)} of {pick(_ORGANISATIONS)} said in {pick(_PLACES)} that {pick(_GOODS)} prices rose "
            f"{pick('123456789')}.{pick('0123456789')} pct to {pick(['120', '2,400', '8,100'])} dlrs a tonne. "
            f'"We expect {pick(_GOODS)} exports from {pick(_PLACES)} to fall," {pick(_PEOPLE)} told Reuters.'
        )
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "Markets wrap\n\n" + "\n\n".join(paragraphs)


def commodity_list(mentions: int = 50_000) -> str:
    """A price table in prose: eight commodities a sentence, five sentences a paragraph."""
    paragraph = " ".join([_PRICE_LIST] * 5)
    return "Commodity prices\n\n" + "\n\n".join([paragraph] * -(-mentions // 40))


HOSTILE_ARTICLES = {
    "dense_report.txt": dense_report,
    "oil_oil_oil.txt": one_word,
    "mixed_wire_copy.txt": mixed_wire_copy,
    "commodity_list.txt": commodity_list,
}


def write_hostile(folder: Path, *names: str) -> list[Path]:
    """Write the named hostile articles (all of them when none is named) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or HOSTILE_ARTICLES:
        path = folder / name
        path.write_text(HOSTILE_ARTICLES[name]())
        written.append(path)
    return written
