"""Repairs to the model's raw spans before resolution: each fixes one way a news model misreads wire copy.

- `tidy_spans`: slugs, trailing numbers and sports results cut from names ("Reuters - Lagarde" → Lagarde);
- `split_place_compounds`: "US-China" into its two countries;
- `split_paired_people`: "Trump and Xi" tagged as one name into two people, when the article names both;
- `join_name_particles`: "Prince Abdulaziz" + "bin Salman" into one name;
- `join_nicknames`: 'Robin "ropz" Kool' into one name;
- `extend_headline_names`: a headline's "ST. JOE" of "ST. JOE GOLD" to the body's "St. Joe Gold";
- `join_country_institutions`: "U.S." + "Senate" into one organisation;
- `cut_possessives`: "Energean's" is Energean, "Mike Ashley's Frasers Group" two names;
- `sports_teams`: "Georgetown (2-1)", "a victory against Washington State": teams, organisations;
  `team_nicknames`: "Chargers" of "Los Angeles Chargers", for `propagate_mentions` to find alone;
- `companies_by_context`: "fashion retailer Ted Baker", "Blockstack, which", "Frasers Group": companies the
  model took for people;
- `places_by_context`: "Sapporo, Hokkaido, Japan": places the model took for organisations or people;
- `name_known_events`: "Brexit", "Covid-19" (`load_event_names`) are events, whatever the model took them for;
  `name_known_organisations`: "Fitch" (entities.load_organisation_names) is no person;
- `drop_ordinary_words`: a headline's or sentence's opening word the story writes in lower case ("Frost") is no
  name;
- `drop_market_phrases`: "Benchmark Brent", "Spot Gold" opening a sentence are no person;
- `drop_non_names`: "New Year", "Christmas Eve" are dates, not names; "She", "Attorney General", "IPO" name nobody;
- `propagate_mentions`: an article's names found again where the model missed them (headline capitals), and
  well-known organisations and events the model does not know ("OPEC+", "Covid-19").

All take and return raw mentions (nlp.RAW_ENTITY_MENTION_SCHEMA).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import polars as pl

from wiredesk.company_names import LEGAL_FORM_AT_END
from wiredesk.entities import PLACE_LABELS
from wiredesk.gazetteer import Gazetteer, Place
from wiredesk.listings import one_word_company_names
from wiredesk.nlp import PERSON_TITLES, sentence_position
from wiredesk.shipped import data_file
from wiredesk.wirecopy import is_all_caps

# Forms shorter than this are too likely to be ordinary words ("He", "US" is handled by the model).
_MIN_PROPAGATED_LENGTH = 3
_PROPAGATED_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT")


def _country(gazetteer: Gazetteer, text: str) -> bool:
    place = gazetteer.place(text)
    return (place is not None and place.kind == "country") or gazetteer.nationality(text) is not None


_COMPOUND = re.compile(r"^([A-Z][\w.' ]*?)[-–]([A-Z][\w.' ]*)$")


def split_place_compounds(raw_mentions: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """Split "U.S.-Russia" or "US-China" (tagged as one name, often of the wrong type) into its two places.

    Only when both halves are countries or nationalities the gazetteer knows; "Coca-Cola" stays whole.
    """
    candidates = raw_mentions.filter(pl.col("mention_text").str.contains(_COMPOUND.pattern))
    if candidates.is_empty():
        return raw_mentions
    split_rows, replaced = [], []
    for row in candidates.iter_rows(named=True):
        match = _COMPOUND.match(row["mention_text"])
        parts = [(match.start(i), match.group(i)) for i in (1, 2)] if match else []
        if not parts or gazetteer.place(row["mention_text"]) or not all(_country(gazetteer, t) for _, t in parts):
            continue  # "Guinea-Bissau" is one country
        replaced.append((row["article_id"], row["field"], row["start_char"]))
        for offset, text in parts:
            start = row["start_char"] + offset
            label = "GPE" if gazetteer.place(text) else "NORP"
            split_rows.append(
                {**row, "start_char": start, "end_char": start + len(text), "mention_text": text, "ner_label": label}
            )
    return _replace_rows(raw_mentions, replaced, split_rows)


def _replace_rows(raw_mentions: pl.DataFrame, replaced: list[tuple], new_rows: list[dict]) -> pl.DataFrame:
    """`raw_mentions` without the rows keyed (article_id, field, start_char) in `replaced`, plus `new_rows`."""
    if not replaced:
        return raw_mentions
    gone = pl.DataFrame(replaced, schema=["article_id", "field", "start_char"], orient="row").cast(
        {"start_char": raw_mentions.schema["start_char"]}
    )
    kept = raw_mentions.join(gone, on=["article_id", "field", "start_char"], how="anti")
    return pl.concat([kept, pl.DataFrame(new_rows, schema=raw_mentions.schema)]).sort(
        "article_id", "field", "start_char"
    )


_PAIR = re.compile(r"^(.+?) and (.+)$")


def split_paired_people(raw_mentions: pl.DataFrame) -> pl.DataFrame:
    """Split "Trump and Xi" (tagged as one name, often an ORG) into two people when the article names each
    of them as a person elsewhere, in full or by the first or last word of a full name.

    "Procter and Gamble" stays whole: neither half is a person the article names.
    """
    candidates = raw_mentions.filter(pl.col("mention_text").str.contains(" and ", literal=True))
    if candidates.is_empty():
        return raw_mentions
    people: dict[str, set[str]] = {}
    for article_id, text in (
        raw_mentions.filter(pl.col("ner_label") == "PERSON").select("article_id", "mention_text").iter_rows()
    ):
        words = text.split()
        people.setdefault(article_id, set()).update({text, words[0], words[-1]})
    split_rows, replaced = [], []
    for row in candidates.iter_rows(named=True):
        match = _PAIR.match(row["mention_text"])
        known = people.get(row["article_id"], set())
        if not match or not all(match.group(i) in known for i in (1, 2)):
            continue
        replaced.append((row["article_id"], row["field"], row["start_char"]))
        for i in (1, 2):
            start = row["start_char"] + match.start(i)
            split_rows.append(
                {
                    **row,
                    "start_char": start,
                    "end_char": start + len(match.group(i)),
                    "mention_text": match.group(i),
                    "ner_label": "PERSON",
                }
            )
    return _replace_rows(raw_mentions, replaced, split_rows)


# "Prince Abdulaziz" + "bin Salman": the particles of Arabic, Dutch, German, Spanish and French names.
_NAME_PARTICLE = re.compile(r"^(?:bin|bint|ibn|al|el|van|von|der|den|de|da|di|du|la|le|del|dos)\b")


def join_name_particles(raw_mentions: pl.DataFrame) -> pl.DataFrame:
    """Two person spans one space apart, the second opening with a particle ("bin Salman"), are one name."""
    return _join_adjacent(
        raw_mentions.filter(pl.col("ner_label") == "PERSON"),
        raw_mentions,
        lambda first, second: "PERSON" if _NAME_PARTICLE.match(second["mention_text"]) else None,
    )


# A nickname in quotes between a first name and a surname: 'Nathan "leaf" Orf', 'Joaquin "El Chapo" Guzman'.
_NICKNAME = r"(?P<quote>[“\"]) ?[^“”\"\n,.;:!?()]{1,25}? ?[”\"]"
_NICKNAME_AFTER = re.compile(rf" ?{_NICKNAME} ([A-Z][\w'’-]+)")
_NICKNAME_BEFORE = re.compile(rf"([A-Z][\w'’-]+) ?{_NICKNAME} $")


def _opens_quote(text: str, match: re.Match[str]) -> bool:
    """Whether the nickname's first quote mark opens a quotation: a straight one after an even number of them in
    its paragraph ('" Viva Zapata " and " On the Waterfront "' holds no nickname)."""
    at = match.start("quote")
    if text[at] == "“":
        return True
    return text.count('"', text.rfind("\n", 0, at) + 1, at) % 2 == 0


def join_nicknames(raw_mentions: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """A person's first name, a nickname in quotes and a surname are one name, however the model cut it:
    'Robin "ropz" Kool' is one person, not Robin and Kool."""
    people = raw_mentions.filter(pl.col("ner_label") == "PERSON")
    if people.is_empty():
        return raw_mentions
    fields = _field_texts(articles, people)
    names = set()
    for article_id, field, start, end in people.select("article_id", "field", "start_char", "end_char").iter_rows():
        text = fields[(article_id, field)]
        if (after := _NICKNAME_AFTER.match(text, end)) and _opens_quote(text, after):
            names.add((article_id, field, start, after.end()))
        before = _NICKNAME_BEFORE.search(text, max(0, start - 60), start)
        if before and _opens_quote(text, before):
            names.add((article_id, field, before.start(), end))
    if not names:
        return raw_mentions
    replaced, new_rows = [], []
    by_field = {}
    for row in raw_mentions.filter(
        pl.struct("article_id", "field").is_in([{"article_id": a, "field": f} for a, f, _, _ in names])
    ).iter_rows(named=True):
        by_field.setdefault((row["article_id"], row["field"]), []).append(row)
    for article_id, field, start, end in sorted(names):
        inside = [row for row in by_field[(article_id, field)] if row["start_char"] < end and start < row["end_char"]]
        if any(row["start_char"] < start or row["end_char"] > end for row in inside):
            continue  # a name reaching past the nickname's: leave the model's reading
        replaced += [(article_id, field, row["start_char"]) for row in inside]
        text = fields[(article_id, field)][start:end]
        new_rows.append(
            {**inside[0], "start_char": start, "end_char": end, "mention_text": text, "ner_label": "PERSON"}
        )
    return _replace_rows(raw_mentions, replaced, new_rows)


def extend_headline_names(raw_mentions: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """A name in an ALL-CAPS headline that the model cut short of a longer name the body writes, with the
    headline's next words being that name's, is the longer name, of the body's type: "ST. JOE" of "ST. JOE GOLD TO
    DEVELOP ONTARIO MINE" is St. Joe Gold, as the body's "St. Joe Gold Corp" says, not another company."""
    titles = {
        article_id: title
        for article_id, title in articles.select("article_id", "title").iter_rows()
        if title and is_all_caps(title)
    }
    if not titles:
        return raw_mentions
    in_caps = raw_mentions.filter(pl.col("article_id").is_in(list(titles)))
    longer: dict[str, list[tuple[str, str]]] = {}
    for article_id, text, label in (
        in_caps.filter((pl.col("field") == "body") & pl.col("mention_text").str.contains(" "))
        .select("article_id", "mention_text", "ner_label")
        .unique()
        .sort("mention_text", "ner_label")
        .iter_rows()
    ):
        longer.setdefault(article_id, []).append((text.lower(), label))
    replaced, new_rows = [], []
    heads = in_caps.filter(pl.col("field") == "title").sort("article_id", "start_char").rows(named=True)
    taken_until: dict[str, int] = {}
    for row in heads:
        article_id, start, text = row["article_id"], row["start_char"], row["mention_text"]
        if start < taken_until.get(article_id, 0):
            replaced.append((article_id, "title", start))  # inside the name just lengthened
            continue
        title = titles[article_id].lower()
        # the body's name, with or without its legal form ("St. Joe Gold" of "St. Joe Gold Corp"), as the headline
        # goes on; not a name's first words ("VIETNAM COFFEE" of "Vietnam Coffee and Cocoa Association")
        names = [
            (form, label, name)
            for name, label in longer.get(article_id, ())
            if name.startswith(text.lower() + " ")
            for form in {name, LEGAL_FORM_AT_END.sub("", name)}
            if len(form) > len(text)
            and title.startswith(form, start)
            and not title[start + len(form) : start + len(form) + 1].isalnum()
        ]
        if not names:
            continue
        # the longest; of two as long, that of the longer body name ("British Sugar Plc" over "British Sugar"),
        # then the first label: the same whatever order the names came in
        name, label, _ = min(names, key=lambda found: (-len(found[0]), -len(found[2]), found[0], found[1]))
        end = start + len(name)
        taken_until[article_id] = end
        replaced.append((article_id, "title", start))
        new_rows.append({**row, "end_char": end, "mention_text": titles[article_id][start:end], "ner_label": label})
    return _replace_rows(raw_mentions, replaced, new_rows)


def join_country_institutions(raw_mentions: pl.DataFrame, articles: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """A country and an organisation one space apart are one organisation, as CoNLL-2003 marks them and as the
    model tags them in most sentences: "U.S." + "Senate" is the U.S. Senate. Not before a word in capitals longer
    than an acronym: a headline's "ROMANIA COMELF" is a country and a company."""

    def institution(first: dict, second: dict) -> str | None:
        if first["ner_label"] != "GPE" or second["ner_label"] != "ORG":
            return None
        if second["mention_text"].isupper() and len(second["mention_text"]) > 3:
            return None  # "U.S. SEC" is one
        return "ORG" if _country(gazetteer, first["mention_text"]) else None

    return _join_adjacent(
        raw_mentions.filter(pl.col("ner_label").is_in(["GPE", "ORG"])), raw_mentions, institution, articles
    )


def _join_adjacent(
    candidates: pl.DataFrame, raw_mentions: pl.DataFrame, joins, articles: pl.DataFrame | None = None
) -> pl.DataFrame:
    """`raw_mentions` with each two `candidates` one space apart in the same field merged into one name, of the
    type `joins(first, second)` returns (None: not merged). With `articles`, only where that one character is a
    space ("U.S.-Japan Business Council" stays two)."""
    if candidates.height < 2:
        return raw_mentions
    rows = candidates.sort("article_id", "field", "start_char").rows(named=True)
    fields = {} if articles is None else _field_texts(articles, candidates)
    replaced, merged = [], []
    for first, second in zip(rows, rows[1:], strict=False):
        if (
            (first["article_id"], first["field"]) == (second["article_id"], second["field"])
            and second["start_char"] == first["end_char"] + 1
            and (not fields or fields[(first["article_id"], first["field"])][first["end_char"]] == " ")
            # the first is not the second of the pair just merged
            and (not replaced or replaced[-1] != (first["article_id"], first["field"], first["start_char"]))
            and (label := joins(first, second)) is not None
        ):
            replaced += [(r["article_id"], r["field"], r["start_char"]) for r in (first, second)]
            merged.append(
                {
                    **first,
                    "end_char": second["end_char"],
                    "mention_text": f"{first['mention_text']} {second['mention_text']}",
                    "ner_label": label,
                }
            )
    return _replace_rows(raw_mentions, replaced, merged)


# What marks a team in a sports story: its record after it ("New England (6-6)"), a win over it or a rank
# before it ("a 38-13 victory against Washington State", "No. 11 West Virginia").
_RECORD_AFTER = re.compile(r"\s?\(\d{1,2}-\d{1,2}(?:-\d{1,2})?\)")
# Not a verb ("Ukraine beat Northern Ireland", "upset Wall Street's expectations"): countries' teams and
# markets are beaten and upset too.
# or a win it records, or the score it closes a game on ("West Virginia recorded an 80-71 win")
_TEAM_AFTER = re.compile(
    r"\s+(?:recorded|posted|earned|claimed|notched|secured|closed the game on|closed out)\s+(?:an?\s+)?"
    r"(?:\w+\s+)?\d{1,3}-\d{1,3}\s+(?:win|victory|run|rout|romp)\b"
)
_TEAM_BEFORE = re.compile(
    r"(?:\b(?:wins?|victory|victories|romp|rout|loss|losses|defeat)\s+(?:over|against)|\bNo\.\s*\d{1,2})"
    r"\s+(?:the\s+)?(?:host\s+|visiting\s+)?$"
)
_TEAM_LABELS = ("GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "PERSON")


def sports_teams(raw_mentions: pl.DataFrame, articles: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """A place or a nickname a sports story gives a record or a win over is a team, an organisation, in all its
    mentions there: "Georgetown (2-1)", "a 38-13 victory against Washington State", "The Trojans (4-0)". Not a
    country, which CoNLL keeps a place as a national team; a person only by a plural nickname ("Hoyas"), not a
    boxer's record."""
    # a cue read on a mention the model already took for an organisation marks the name's other mentions too
    candidates = raw_mentions.filter(pl.col("ner_label").is_in([*_TEAM_LABELS, "ORG"]))
    if candidates.is_empty():
        return raw_mentions
    fields = _field_texts(articles, candidates)
    teams = set()
    for article_id, field, start, end, text, label in candidates.select(
        "article_id", "field", "start_char", "end_char", "mention_text", "ner_label"
    ).iter_rows():
        if label == "PERSON" and (" " in text or not text.endswith("s")):
            continue
        field_text = fields[(article_id, field)]
        cued = (
            _RECORD_AFTER.match(field_text, end)
            or _TEAM_AFTER.match(field_text, end)
            or _TEAM_BEFORE.search(field_text, max(0, start - 40), start)
        )
        if cued and not _country(gazetteer, text):
            teams.add((article_id, text))
    return _relabel(raw_mentions, teams, _TEAM_LABELS, "ORG")


_NICKNAME_WORD = re.compile(r"^[A-Z][a-z]+s$")  # "Chargers", "Hoyas": a plural, capitalised


def team_nicknames(raw_mentions: pl.DataFrame, articles: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """(article_id, form, label) of the nicknames a story's teams go by: the plural after a place in an
    organisation's name ("Chargers" of "Los Angeles Chargers"), which the story then writes alone. Not a word the
    story also writes in lower case ("Brussels Airlines" does not make "Airlines" a name)."""
    organisations = raw_mentions.filter(
        (pl.col("ner_label") == "ORG") & pl.col("mention_text").str.contains(r"^\S+(?: \S+)* [A-Z][a-z]+s$")
    )
    forms = set()
    if not organisations.is_empty():
        bodies = {
            article_id: f"{title}\n{body}"
            for article_id, title, body in articles.filter(
                pl.col("article_id").is_in(organisations["article_id"].implode())
            )
            .select("article_id", "title", "body")
            .iter_rows()
        }
        for article_id, text in organisations.select("article_id", "mention_text").unique().iter_rows():
            place, nickname = text.rsplit(" ", 1)
            if (
                _NICKNAME_WORD.match(nickname)
                and gazetteer.place(place) is not None
                and not re.search(rf"\b{nickname.lower()}\b", bodies[article_id])
            ):
                forms.add((article_id, nickname, "ORG"))
    return pl.DataFrame(
        sorted(forms), schema={"article_id": pl.String, "form": pl.String, "label": pl.String}, orient="row"
    )


# ", Hokkaido, Japan": the region or country a place is given after it, as captions and datelines write it.
# "the Amazon region", "the Permian basin": a natural feature, whose name is a place's (OntoNotes' LOC)
_FEATURE_AFTER = re.compile(
    r"\s+(?:region|basin|river|valley|delta|rainforest|jungle|highlands|plateau|peninsula|desert)\b"
)
_PLACE_AFTER = re.compile(r",\s([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})")


def _place_opening(gazetteer: Gazetteer, words: str) -> Place | None:
    """The place the longest opening run of `words` names ("Japan" of "Japan. North"), if any."""
    split = words.split()
    for count in range(len(split), 0, -1):
        opening = " ".join(split[:count])
        if place := gazetteer.place(opening, other_names=False) or gazetteer.place(
            opening.rstrip("."), other_names=False
        ):
            return place
    return None


_WITHIN = frozenset({("city", "region"), ("city", "country"), ("region", "country")})


def places_by_context(raw_mentions: pl.DataFrame, articles: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """A name the model took for an organisation or a person is a place, in all its mentions in the article,
    where the article calls it a region, basin, river or the like ("the Amazon region": a LOC), or gives it the
    region or country it lies in: "in Sapporo, Hokkaido, Japan", "Liverpool,
    Britain". The gazetteer must know the first as a city in the second, a region or country, or as a region of
    the second, a country: "Ford, Detroit" stays a company, and "Essex, Derbyshire and Surrey" three teams. The
    cue counts where the model read a place already ("in Sapporo, Hokkaido, Japan" in a caption)."""
    candidates = raw_mentions.filter(pl.col("ner_label").is_in(["ORG", "PERSON", "GPE"]))
    if candidates.is_empty():
        return raw_mentions
    fields = _field_texts(articles, candidates)
    places, features = set(), set()
    for article_id, field, end, text in candidates.select(
        "article_id", "field", "end_char", "mention_text"
    ).iter_rows():
        if _FEATURE_AFTER.match(fields[(article_id, field)], end):
            features.add((article_id, text))
            continue
        after = _PLACE_AFTER.match(fields[(article_id, field)], end)
        if not after or (place := gazetteer.place(text, other_names=False)) is None:
            continue
        where = _place_opening(gazetteer, after.group(1))
        if where is not None and where.country_code == place.country_code and (place.kind, where.kind) in _WITHIN:
            places.add((article_id, text))
    return _relabel(_relabel(raw_mentions, places, ("ORG", "PERSON"), "GPE"), features, ("ORG", "PERSON"), "LOC")


# What marks a company the model took for a person: its trade before it ("fashion retailer Ted Baker",
# "puffer-jacket maker Moncler"), its officers, shares or plants after it ("Ted Baker Chief Executive", "the
# Engen refinery", "the Verdi trade union"), or "which" ("Blockstack, which is building").
_COMPANY_BEFORE = re.compile(
    r"\b(?i:(?:drug|car|auto|chip|plane|steel|game|toy|shoe|phone)?makers?|retailer|firm|company|lender|insurer|carrier|airline|brand|chain|conglomerate|miners?|"
    r"manufacturer|supplier|start-up|startup|brokerage|bank|union|operator|distributor|group)\s+$"
)
_COMPANY_AFTER = re.compile(
    r"(?:\s?[’']s)?\s+(?:Chief Executive|chief executive|CEO|chairman|shares|stock|store|stores|refinery|plant|"
    r"factory|mill|mine|trade union|union|boss)\b|,\s+which\b"
)
# Places the gazetteer (countries, regions, cities) does not list: "Asia stock indexes" are no company's shares.
_CONTINENTS = frozenset((
    "Africa", "Antarctica", "Asia", "Europe", "North America", "South America", "Latin America", "Central America",
    "Oceania", "Middle East", "Eurasia", "Scandinavia", "Caribbean",
))  # fmt: skip
_TITLE_BEFORE = re.compile(rf"\b{PERSON_TITLES}\.?\s+$")  # "President Suharto": a person, whatever follows
# A word no person's name ends with: "Frasers Group", "Perdue Farms", "Corona Capital", "Gambit Esports".
_COMPANY_LAST_WORD = re.compile(
    r"\s(?:Group|Holdings?|Capital|Partners|Farms|Foods|Airlines|Airways|Motors|Industries|Brands|Investments|"
    r"Securities|Ventures|Labs|Pharmaceuticals|Technologies|Systems|Gaming|Esports|Media|Entertainment|"
    r"Inc|Corp|Ltd|Plc|PLC|LLC|Co|AG|SA|SE|NV)\.?$"
)


def companies_by_context(raw_mentions: pl.DataFrame, articles: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """A name the model took for a person is a company, in all its mentions in the article, where the article
    writes it as one at least once, whatever the model took that mention for: its trade before it or its officers,
    shares or plants after it (`_COMPANY_BEFORE`, `_COMPANY_AFTER`: "puffer-jacket maker Moncler", "the Engen
    refinery"), or a last word no person's name ends with (`_COMPANY_LAST_WORD`: "Frasers Group", and then
    "Frasers"). Not a short form of a person the article names in full ("Trump" after "Donald Trump"), nor a name
    the article gives a person's title ("President Suharto"). A name the model took for a place is a company so
    only where the gazetteer knows no such place, and not by what follows that mention ("Asia-Pacific shares",
    "the Durban refinery"): "Italian gas group Snam", "restaurant chain Chick-fil-A", or a listed company's whole
    one-word name ("Glencore")."""
    candidates = raw_mentions.filter(pl.col("ner_label").is_in(["PERSON", "ORG", *PLACE_LABELS]))
    if candidates.is_empty():
        return raw_mentions
    fields = _field_texts(articles, candidates)
    # the words of each article's person names of two words or more: a one-word name among them is a short form
    name_words: dict[str, set[str]] = {}
    for article_id, text in (
        candidates.filter(pl.col("ner_label") == "PERSON").select("article_id", "mention_text").iter_rows()
    ):
        if " " in text:
            name_words.setdefault(article_id, set()).update(text.split())
    cued, titled, listed = set(), set(), one_word_company_names()
    for article_id, field, start, end, text, label in candidates.select(
        "article_id", "field", "start_char", "end_char", "mention_text", "ner_label"
    ).iter_rows():
        field_text = fields[(article_id, field)]
        if label == "PERSON" and _TITLE_BEFORE.search(field_text, max(0, start - 30), start):
            titled.add((article_id, text))  # "a son of President Suharto, which plans": a person all the same
        elif _COMPANY_LAST_WORD.search(text):
            cued |= {(article_id, text), (article_id, text.split()[0])}  # "Frasers" after "Frasers Group"
        elif label in PLACE_LABELS and text.lower() in listed:
            cued.add((article_id, text))  # "Glencore": a listed company's whole name, no place the gazetteer knows
        elif text not in name_words.get(article_id, ()) and (
            _COMPANY_BEFORE.search(field_text, max(0, start - 30), start)
            or (label not in PLACE_LABELS and _COMPANY_AFTER.match(field_text, end))
        ):
            cued.add((article_id, text))
    cued -= titled
    unknown_places = {
        (article_id, text) for article_id, text in cued if gazetteer.place(text) is None and text not in _CONTINENTS
    }
    return _relabel(_relabel(raw_mentions, cued, ("PERSON",), "ORG"), unknown_places, PLACE_LABELS, "ORG")


def _field_texts(articles: pl.DataFrame, mentions: pl.DataFrame) -> dict[tuple[str, str], str]:
    """(article_id, field) → the field's text, for the articles of `mentions`."""
    fields = {}
    for article_id, title, body in (
        articles.filter(pl.col("article_id").is_in(mentions["article_id"].implode()))
        .select("article_id", "title", "body")
        .iter_rows()
    ):
        fields[(article_id, "title")], fields[(article_id, "body")] = title, body
    return fields


def _relabel(raw_mentions: pl.DataFrame, names: set[tuple[str, str]], labels: Sequence[str], to: str) -> pl.DataFrame:
    """Every mention of the (article_id, mention_text) `names` whose label is one of `labels`, labelled `to`."""
    if not names:
        return raw_mentions
    marked = pl.DataFrame(list(names), schema=["article_id", "mention_text"], orient="row").with_columns(_named=True)
    return (
        raw_mentions.join(marked, on=["article_id", "mention_text"], how="left", maintain_order="left")
        .with_columns(
            ner_label=pl.when(pl.col("_named") & pl.col("ner_label").is_in(list(labels)))
            .then(pl.lit(to))
            .otherwise("ner_label")
        )
        .drop("_named")
    )


# A possessive the model took into a name: "Energean's", "Bernard Arnault's LVMH".
# A plural's ("Nations' Cup", "Traders' Association") is a name's own.
_POSSESSIVE_AT_END = re.compile(r"^(.*?\w)\s?[’']s$")
_POSSESSIVE_INSIDE = re.compile(r"^([A-Z][^’']*?)\s?[’']s\s+([A-Z][^’']*)$")


def cut_possessives(raw_mentions: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """A possessive is no part of a name: "Energean's" is Energean, "Mike Ashley's Frasers Group" two names, the
    owner's and what it owns (each keeps the model's type; the article's majority settles it). Only where the
    article also writes the owner without the possessive, or names what it owns on its own ("Frasers"):
    "McDonald's" and "People's Bank of China" stay whole."""
    candidates = raw_mentions.filter(pl.col("mention_text").str.contains(r"\w\s?[’']s\b"))
    if candidates.is_empty():
        return raw_mentions
    fields = _field_texts(articles, candidates)
    plainly: dict[tuple[str, str], bool] = {}  # (article_id, form): each article text searched once per form

    def written_plainly(article_id: str, form: str) -> bool:
        if (article_id, form) not in plainly:
            plainly[(article_id, form)] = any(
                _written_plainly(fields[(article_id, field)], form) for field in ("title", "body")
            )
        return plainly[(article_id, form)]

    names: dict[str, set[str]] = {}
    for article_id, text in raw_mentions.select("article_id", "mention_text").iter_rows():
        names.setdefault(article_id, set()).add(text)
    replaced, new_rows = [], []
    for row in candidates.iter_rows(named=True):
        inside = _POSSESSIVE_INSIDE.match(row["mention_text"])
        parts = inside or _POSSESSIVE_AT_END.match(row["mention_text"])
        if not parts:
            continue
        owner, owned = parts.group(1), inside.group(2) if inside else ""
        named = names[row["article_id"]]
        plain = any(written_plainly(row["article_id"], form) for form in {owner, owner.split()[-1]})
        if owned and " " not in owned and owned not in named:
            continue  # "Queen's Park", "New Year's Eve": one word owned is a name's own, unless a name itself
        if not plain and not (owned and {owned, owned.split()[0]} & named):
            continue  # "McDonald's": the possessive is the name's
        replaced.append((row["article_id"], row["field"], row["start_char"]))
        for group in (1, 2) if inside else (1,):
            start = row["start_char"] + parts.start(group)
            new_rows.append(
                {
                    **row,
                    "start_char": start,
                    "end_char": start + len(parts.group(group)),
                    "mention_text": parts.group(group),
                }
            )
    return _replace_rows(raw_mentions, replaced, new_rows)


def _written_plainly(text: str, name: str) -> bool:
    """Whether `text` has `name` as a whole word with no possessive after it."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)(?!\s?[’']s?\b)", text) is not None


def drop_ordinary_words(raw_mentions: pl.DataFrame, articles: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """A one-word name that opens a headline or a sentence ("Frost hits Brazil coffee belt") is no name when
    the same article writes the word in lower case ("a frost damaged trees") and never capitalised mid-sentence."""
    single = raw_mentions.filter(
        pl.col("mention_text").str.contains(r"^[A-Z][a-z]+$") & (pl.col("ner_label") != "NORP")
    )
    if single.is_empty():
        return raw_mentions
    # a word opens its sentence when only punctuation, a dateline or a caption's label comes before it:
    # '"Hydrogen is expected', "BERLIN (Reuters) - Retail brokers", "FILE PHOTO: Passersby walk"
    openers = single.join(
        sentences.select("article_id", "sentence_index", sentence_start="start_char", sentence="sentence_text"),
        on=["article_id", "sentence_index"],
    ).filter(
        pl.col("sentence")
        .str.slice(0, pl.col("start_char") - pl.col("sentence_start"))
        .str.contains(_BEFORE_AN_OPENING_WORD)
    )
    # Each article's words in lower case, and those it capitalises mid-sentence: one pass over its text (a
    # search of the whole text for every opener was quadratic in a long report).
    texts = articles.filter(pl.col("article_id").is_in(openers["article_id"].implode())).select(
        "article_id", pl.concat_str("title", pl.lit("\n"), "body")
    )
    words = {
        article_id: (set(_LOWER_WORD.findall(text)), set(_NAMED_MID_SENTENCE.findall(text)))
        for article_id, text in texts.iter_rows()
    }
    drop = []
    for article_id, field, start, word in openers.select(
        "article_id", "field", "start_char", "mention_text"
    ).iter_rows():
        lower_words, named_words = words[article_id]
        if word.lower() in lower_words and word not in named_words:
            drop.append((article_id, field, start))
    return _replace_rows(raw_mentions, drop, [])


_BEFORE_AN_OPENING_WORD = (
    r"^(?:[^a-z]*\((?:Reuters|AP|AFP|Bloomberg|Reuters Breakingviews)\)\s*[-–—]\s*|[^a-z]*[:*“\"‘(]\s*|)$"
)
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_NAMED_MID_SENTENCE = re.compile(r"(?<=[a-z,;] )([A-Z][a-z]+)\b")


# A holiday is a date, as OntoNotes and CoNLL-2003 both mark it, not a name: "New Year's Eve", "Christmas".
_HOLIDAY = re.compile(
    r"^(?:(?:Lunar |Chinese )?New Year(?: ?[’']s)?(?: Eve| Day)?|Christmas(?: Eve| Day)?|Easter(?: Sunday| Monday)?|"
    r"Good Friday|Boxing Day|Thanksgiving(?: Day)?|Halloween|Hanukkah|Passover|Diwali|Ramadan|"
    r"Eid(?: al-(?:Fitr|Adha))?)$"
)


# Words the model tags that name nobody: a pronoun, a title alone ("Attorney General", not "Attorney General
# Sally Yates"), an acronym that is a common noun ("IPO", "CEO", "GDP").
_NO_NAME = re.compile(
    r"^(?:He|She|It|They|We|I|You|His|Her|Its|Their|"
    r"IPO|IPOs|CEO|CFO|COO|CTO|GDP|GNP|CPI|PPI|PMI|ETF|ETFs|EPS|EBITDA|PPE|VAT|YTD|NAV|AGM|R&D|M&A|"
    r"(?:(?:Vice|Deputy|Acting|Chief|Prime|Attorney|Surgeon|Foreign|Finance|Trade|Defence|Defense|Interior) )*"
    r"(?:Premier|Minister|President|Secretary|Chairman|Chairwoman|Governor|Ambassador|General|Director|"
    r"Chancellor|Spokesman|Spokeswoman|Executive)(?: of State)?)$"
)


def drop_non_names(raw_mentions: pl.DataFrame) -> pl.DataFrame:
    """The model's mentions without holidays ("New Year", "Christmas Eve"), which are dates, and without words that
    name nobody (`_NO_NAME`: "She", "Attorney General", "IPO")."""
    return raw_mentions.filter(
        ~pl.col("mention_text").str.contains(_HOLIDAY.pattern) & ~pl.col("mention_text").str.contains(_NO_NAME.pattern)
    )


# Market reports open sentences with a price's description: "Benchmark Brent crude rose", "Spot gold fell".
_MARKET_PHRASE = re.compile(r"^(?:Benchmark|Spot|Front-month|Front month|Futures)\s")


def drop_market_phrases(raw_mentions: pl.DataFrame) -> pl.DataFrame:
    """A person that opens with a market word ("Benchmark Brent", "Spot Gold") is the price a market report
    names, not a name. An organisation may be one: Benchmark Capital."""
    drop = raw_mentions.filter(
        (pl.col("ner_label") == "PERSON") & pl.col("mention_text").str.contains(_MARKET_PHRASE.pattern)
    )
    return _replace_rows(raw_mentions, drop.select("article_id", "field", "start_char").rows(), [])


# "SOCCER - ARSENAL": a headline's section slug joined to the name after it by a spaced dash.
_SLUG = re.compile(r"^.*\s[-–—]{1,2}\s+")
# "Leeds 0", "Spain 7-6": a score or number the model took into a name.
_TRAILING_NUMBER = re.compile(r"(?:\s+\d+(?:[-–/]\d+)*)+$")
# A credits line with its semicolon lost: the next credit's word is no part of the name before it.
_CREDIT_WORD = re.compile(r"\s+(?:Editing|Reporting|Writing|Additional reporting)$")
_NUMBERED_NAME_LABELS = ("ORG", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART")  # "Channel 4", "Windows 95"
# "Wimbledon 3 Southampton 1": a results line, two teams with their scores.
_RESULT = re.compile(r"^([A-Z][\w.'& -]*?) \d+ ([A-Z][\w.'& -]*?) \d+$")


# A title is no part of a person's name, as CoNLL marks them: "Prince William" is William. Not "King", as often
# a surname ("Billie Jean King").
_HONORIFIC = re.compile(
    r"^(?:Crown Prince|Prince|Princess|Queen|Sultan|Sheikh|Sheikha|Emir|Sir|Dame|Lord|Lady|Pope|Cardinal|"
    r"Archbishop|Bishop) (?=[A-Z])"
)


def tidy_spans(raw_mentions: pl.DataFrame) -> pl.DataFrame:
    """Cut what the model took into a name that is no part of it: a headline slug, a person's title or credit,
    a trailing score; a results line ("Wimbledon 3 Southampton 1") becomes its two teams."""
    rows = []
    changed = False
    for row in raw_mentions.iter_rows(named=True):
        text, start = row["mention_text"], row["start_char"]
        result = _RESULT.match(text)
        if result:
            changed = True
            for group in (1, 2):
                team_start = start + result.start(group)
                rows.append(
                    {
                        **row,
                        "start_char": team_start,
                        "end_char": team_start + len(result.group(group)),
                        "mention_text": result.group(group),
                        "ner_label": "ORG",
                    }
                )
            continue
        slug = _SLUG.match(text)
        if slug:
            text, start = text[slug.end() :], start + slug.end()
        title = _HONORIFIC.match(text) if row["ner_label"] == "PERSON" else None
        if title:
            text, start = text[title.end() :], start + title.end()
        if row["ner_label"] not in _NUMBERED_NAME_LABELS:
            number = _TRAILING_NUMBER.search(text)
            if number and number.start() > 0:
                text = text[: number.start()]
        credit = _CREDIT_WORD.search(text) if row["ner_label"] == "PERSON" else None
        if credit and credit.start() > 0:
            text = text[: credit.start()]  # "(Reporting by Dave Sherwood Editing by Chris Reese)"
        if text != row["mention_text"]:
            changed = True
            if not text[:1].isupper():
                continue  # nothing of a name is left
            row = {**row, "start_char": start, "end_char": start + len(text), "mention_text": text}
        rows.append(row)
    if not changed:
        return raw_mentions
    return pl.DataFrame(rows, schema=raw_mentions.schema, orient="row")


def _joins_word(char: str) -> bool:
    return char.isalnum() or char in "_-"


def find_forms(text: str, forms: Sequence[str]) -> Iterator[tuple[int, int]]:
    """The (start, end) of each occurrence of one of `forms` in `text` as a whole word (a hyphen joins words:
    "Coca" is not in "Coca-Cola"), left to right and never overlapping; where two start together, the one
    earlier in `forms` wins. What a regex alternation of the forms finds, without compiling one per article."""
    found = []
    for rank, form in enumerate(forms):
        start = text.find(form)
        while start >= 0:
            end = start + len(form)
            if (start == 0 or not _joins_word(text[start - 1])) and (end == len(text) or not _joins_word(text[end])):
                found.append((start, rank, end))
            start = text.find(form, start + 1)
    reach = 0
    for start, _, end in sorted(found):
        if start >= reach:
            reach = end
            yield start, end


# Acronyms that stand for something else as often: "34 API" crude, a "CCC" rating, an "ICO" of tokens.
_ACRONYMS_WITH_OTHER_MEANINGS = frozenset({"API", "BIS", "CCC", "DOE", "ICO", "UN"})


def known_organisation_forms(names: pl.DataFrame) -> list[str]:
    """The forms of `entities.load_organisation_names` worth finding where the model missed them: acronyms in
    capitals ("ECB", "OPEC+", "U.N.") and names of more than one word; not "Fed", which opens "Fed up"."""
    forms = (set(names["alias"]) | set(names["name"])) - _ACRONYMS_WITH_OTHER_MEANINGS
    return sorted(form for form in forms if " " in form or re.fullmatch(r"[A-Z][A-Z.&+]+", form))


def default_event_names_path() -> Path:
    return data_file("event_names.csv")


@lru_cache(maxsize=4)
def load_event_names(path: Path | None = None) -> tuple[str, ...]:
    """The forms of the events and epidemics a news model trained on 1996 never met ("Brexit", "Covid-19"):
    a data file, `wiredesk/data/event_names.csv`, one form a row, matched as written."""
    frame = pl.read_csv(path or default_event_names_path(), schema={"form": pl.String, "what": pl.String})
    return tuple(sorted(set(frame["form"].str.strip_chars())))


def name_known_events(raw_mentions: pl.DataFrame, events: Iterable[str]) -> pl.DataFrame:
    """A mention that is one of the known `events` is an EVENT, whatever the model took it for ("Brexit" a place,
    "COVID" an organisation)."""
    return raw_mentions.with_columns(
        ner_label=pl.when(pl.col("mention_text").is_in(list(events))).then(pl.lit("EVENT")).otherwise("ner_label")
    )


def name_known_organisations(raw_mentions: pl.DataFrame, names: Iterable[str]) -> pl.DataFrame:
    """A mention the model took for a person that is one of the known organisations' `names` (aliases too) is
    that organisation, an ORG ("Fitch downgraded Malaysia"), unless its article names a person of two words or more
    that it is part of ("Ms Fitch" after "Jane Fitch")."""
    known = pl.Series(sorted(set(names)), dtype=pl.String).implode()
    people = raw_mentions.filter(pl.col("ner_label") == "PERSON")
    words = (
        people.filter(pl.col("mention_text").str.contains(" "))
        .select("article_id", word=pl.col("mention_text").str.split(" "))
        .explode("word")
        .unique()
    )
    organisations = (
        people.filter(pl.col("mention_text").is_in(known))
        .join(words, left_on=["article_id", "mention_text"], right_on=["article_id", "word"], how="anti")
        .select("article_id", "mention_text")
        .unique()
    )
    return _relabel(raw_mentions, set(organisations.iter_rows()), ("PERSON",), "ORG")


def propagate_mentions(
    raw_mentions: pl.DataFrame,
    articles: pl.DataFrame,
    sentences: pl.DataFrame,
    known_organisations: Iterable[str] = (),
    article_forms: pl.DataFrame | None = None,
    known_events: Iterable[str] = (),
) -> pl.DataFrame:
    """Add the occurrences of an article's names that the model missed there ("Bessent confirmed").

    A form counts when the model tagged it elsewhere in the same article, or when it is the surname of a
    full person name there, or when it is one of `known_organisations` (ORG: "OPEC+", "ECB", which the model
    does not know) or `known_events` (EVENT: "Covid-19"), or one of the `article_forms` (article_id, form,
    label) found for that article (`team_nicknames`); occurrences are matched case-sensitively at word
    boundaries.
    """
    label_of_known = {form: "EVENT" for form in known_events} | {form: "ORG" for form in known_organisations}
    known = sorted(label_of_known)
    if raw_mentions.is_empty() and not known:
        return raw_mentions
    tagged = raw_mentions.filter(
        pl.col("ner_label").is_in(_PROPAGATED_LABELS)
        & (pl.col("mention_text").str.len_chars() >= _MIN_PROPAGATED_LENGTH)
        & pl.col("mention_text").str.contains(r"^[A-Z]")
    ).select("article_id", form="mention_text", label="ner_label")
    surnames = raw_mentions.filter(
        (pl.col("ner_label") == "PERSON") & pl.col("mention_text").str.contains(r"^[A-Z]\S+ (\S+ )*[A-Z]\S{2,}$")
    ).select("article_id", form=pl.col("mention_text").str.extract(r"(\S+)$"), label=pl.lit("PERSON"))
    present = [
        (article_id, form, label_of_known[form])
        for article_id, title, body in articles.select("article_id", "title", "body").iter_rows()
        for form in known
        if form in body or form in title
    ]
    everywhere = pl.DataFrame(
        present, schema={"article_id": pl.String, "form": pl.String, "label": pl.String}, orient="row"
    )
    forms = (
        pl.concat([tagged, surnames, everywhere, *([] if article_forms is None else [article_forms])])
        .group_by("article_id", "form")
        .agg(label=pl.col("label").mode().sort().first())
        .group_by("article_id")
        .agg("form", "label")
    )
    texts = articles.select("article_id", "title", "body").join(forms, on="article_id")
    existing = raw_mentions.group_by("article_id", "field").agg(spans=pl.concat_list("start_char", "end_char"))
    taken = {(a, f): [tuple(s) for s in spans] for a, f, spans in existing.iter_rows()}
    starts = (
        sentences.sort("sentence_index")
        .group_by("article_id", "field", maintain_order=True)
        .agg("start_char", "sentence_index")
    )
    sentence_starts = {(a, f): (s, i) for a, f, s, i in starts.iter_rows()}

    added = []
    for article_id, title, body, article_forms, labels in texts.iter_rows():
        # Longest first; then by form and label, so that the order (and which of two forms written alike wins)
        # does not depend on how the chunk was grouped.
        ordered = sorted(zip(article_forms, labels, strict=True), key=lambda fl: (-len(fl[0]), fl[0], fl[1]))
        label_of = dict(ordered)
        for field, text in (("title", title), ("body", body)):
            # The model's spans in order; `reach` is the furthest end of those starting before the match ends
            # (matches come in order and never overlap each other), so each check is constant time.
            occupied, next_span, reach = sorted(taken.get((article_id, field), [])), 0, -1
            # An ALL-CAPS headline writes the body's names in capitals: "TRUMP" is the body's "Trump".
            caps = field == "title" and is_all_caps(text) and len(text.lower()) == len(text)
            if caps:
                label_of_lower = {form.lower(): label for form, label in reversed(ordered)}  # first form wins
            searched = text.lower() if caps else text
            for start, end in find_forms(searched, [form.lower() if caps else form for form, _ in ordered]):
                while next_span < len(occupied) and occupied[next_span][0] < end:
                    reach = max(reach, occupied[next_span][1])
                    next_span += 1
                if reach > start:
                    continue
                starts_of, indexes = sentence_starts.get((article_id, field), ([0], [0]))
                sentence_index = indexes[sentence_position(start, starts_of)]
                form = text[start:end]
                label = label_of_lower[searched[start:end]] if caps else label_of[form]
                added.append((article_id, field, start, end, form, label, sentence_index))
    if not added:
        return raw_mentions
    extra = pl.DataFrame(added, schema=raw_mentions.schema, orient="row")
    return pl.concat([raw_mentions, extra]).sort("article_id", "field", "start_char")
