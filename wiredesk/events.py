"""Events a commodity desk trades: what a sentence reports about a commodity it names.

One event per sentence, commodity and kind of event, from the words of `wiredesk/data/commodity_events.csv`
(written for this project): a supply disruption (strike, outage, weather, disease), a policy (export or import
ban, tariff, quota, sanction, stockpile release), a market event (OPEC decision, record price, inventory report)
or demand (tender, purchase). A commodity word inside a company's name ("Western Kentucky Gas Co") raises none.
Each event word belongs to the commodity named nearest it, within `EVENT_REACH` characters; its actor is the
organisation or place named nearest before it in the sentence. Which entity that is gets decided at publish
with every other identity (`sql/publish/resolve_entities.sql`), from the mention's start.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from wiredesk.shipped import data_file
from wiredesk.tables import COMMODITY_EVENT_SCHEMA

EVENT_TYPES = ("supply disruption", "policy", "market", "demand")
EVENT_REACH = 80  # characters between an event's words and the commodity they belong to


@dataclass(frozen=True)
class EventTerm:
    event_type: str  # one of EVENT_TYPES
    event: str  # strike, outage, weather, export ban, tariff, ...
    pattern: re.Pattern[str]  # matched against the lower-cased sentence


@lru_cache(maxsize=1)
def load_event_terms() -> tuple[EventTerm, ...]:
    with data_file("commodity_events.csv").open(encoding="utf-8", newline="") as handle:
        terms = tuple(EventTerm(r["event_type"], r["event"], re.compile(r["pattern"])) for r in csv.DictReader(handle))
    unknown = {t.event_type for t in terms} - set(EVENT_TYPES)
    if unknown:
        raise ValueError(f"commodity_events.csv: unknown event types {sorted(unknown)}")
    return terms


def event_matches(sentence: str) -> list[tuple[int, int, str, str]]:
    """(start, end, event_type, event) of each event word in the sentence, in the file's order of events."""
    lowered = sentence.lower()
    return [
        (m.start(), m.end(), t.event_type, t.event) for t in load_event_terms() for m in t.pattern.finditer(lowered)
    ]


def _distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(a[0] - b[1], b[0] - a[1], 0)


def commodity_events(
    commodity_mentions: pl.DataFrame, entity_mentions: pl.DataFrame, sentences: pl.DataFrame
) -> pl.DataFrame:
    """COMMODITY_EVENT_SCHEMA rows. Each event word belongs to the commodity named nearest it in its sentence
    ("delay export controls on rare earths and resume soybean purchases": the controls are rare earths', the
    purchases soybeans'); an event word inside a name ("General Agreement on Tariffs and Trade") is none; its
    actor is the organisation or place named nearest before it (else first after).
    `commodity_mentions` as staged (sentence_text, direction, countries, in_name), `entity_mentions` with their
    `role` (a caption's or byline's name acts in no event)."""
    named = commodity_mentions.filter(~pl.col("in_name") & pl.col("sentence_text").is_not_null())
    if named.is_empty():
        return pl.DataFrame(schema=COMMODITY_EVENT_SCHEMA)
    starts = {
        (a, f, i): start
        for a, f, i, start in sentences.select("article_id", "field", "sentence_index", "start_char").iter_rows()
    }
    actors: dict[tuple[str, str, int], list[tuple[int, int]]] = {}
    names: dict[tuple[str, str, int], list[tuple[int, int]]] = {}
    for a, f, i, start, end, label, role in (
        entity_mentions.sort("start_char")
        .select("article_id", "field", "sentence_index", "start_char", "end_char", "article_type", "role")
        .iter_rows()
    ):
        names.setdefault((a, f, i), []).append((start, end))
        if label in ("ORG", "GPE") and role == "news":
            actors.setdefault((a, f, i), []).append((start, end))
    by_sentence: dict[tuple[str, str, int], list[tuple]] = {}
    for row in named.sort("start_char").select(
        "article_id", "field", "sentence_index", "start_char", "end_char", "commodity", "sentence_text", "direction",
        "countries",
    ).iter_rows():  # fmt: skip
        by_sentence.setdefault(row[:3], []).append(row[3:])
    rows, seen = [], set()
    for key, mentions in by_sentence.items():
        text, offset = mentions[0][3], starts.get(key, 0)
        for start, end, event_type, event in event_matches(text):
            span = (offset + start, offset + end)
            if any(name[0] < span[1] and span[0] < name[1] for name in names.get(key, [])):
                continue  # inside a name: "the General Agreement on Tariffs and Trade"
            nearest = min(mentions, key=lambda m: _distance((m[0], m[1]), span))
            if _distance((nearest[0], nearest[1]), span) > EVENT_REACH:
                continue  # "The tariffs will be averted, ... rare earths": not the commodity's event
            commodity, direction, countries = nearest[2], nearest[4], nearest[5]
            if (key, commodity, event) in seen:
                continue
            seen.add((key, commodity, event))
            candidates = actors.get(key, [])
            before = [a for a in candidates if a[1] <= span[0]]
            actor = before[-1][0] if before else (candidates[0][0] if candidates else None)
            country = countries[0] if countries else None
            rows.append((*key, commodity, event_type, event, country, actor, direction, text))
    return pl.DataFrame(rows, schema=COMMODITY_EVENT_SCHEMA, orient="row")
