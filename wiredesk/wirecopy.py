"""Wire-copy conventions the NER model was not trained on: ALL-CAPS headlines and datelines.

`model_text` gives the model a copy of the article in which ALL-CAPS stretches are truecased from the casing
the same article uses elsewhere ("TRUMP MEETS XI" → "Trump meets Xi"). Only letter case changes, so every
offset into the copy is an offset into the original, and mention texts are always cut from the original.
`find_dateline` finds "HONG KONG, April 8 -" at the head of a body: the place is a place mention;
`dateline_date` reads its date when a year is given too.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

import polars as pl

from wiredesk.furniture import story_start
from wiredesk.sentence_facts import attach_sentences

_WORD = re.compile(r"[A-Za-z][A-Za-z'’.&-]*")
_MONTH = r"(?i:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?)"  # "March", "MARCH", "Sept."
# PLACE[, REGION], Month DD - (or PLACE YYYY-MM-DD -); the place may be ALL CAPS or title case, the region is
# optional.
_PLACE_WORD = r"[A-Z][A-Za-z.'&-]*"  # a capitalised word; small connectors between them ("Rio de Janeiro")
_ONE_PLACE = rf"{_PLACE_WORD}(?: (?:{_PLACE_WORD}|de|da|do|del|la|le|of|el|al|es|upon|sur|am|an|im)){{0,5}}"
_DATELINE = re.compile(
    rf"^(?P<place>{_ONE_PLACE}(?: / {_ONE_PLACE}){{0,4}})"  # a story filed from several: "TOKYO / MELBOURNE"
    rf"(?: ?, (?P<region>[A-Z][A-Za-z. ]{{1,30}}?))? ?,? "
    rf"(?:(?:(?P<month>{_MONTH}) (?P<day>\d{{1,2}})(?:,? (?P<year>(?:19|20)\d\d))?"
    r"|(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d))"
    r"(?: \([A-Za-z .]{2,30}\))?"
    # or, as wire pages print it today, the agency and no date: "PARIS (Reuters) -"
    r"|\((?:Reuters|AP|AFP|Bloomberg|Dow Jones|Xinhua|Kyodo|dpa|IFR)(?: [A-Za-z .]{1,20})?\))\s*[-–—]",
    re.MULTILINE,  # a dateline opens the story's first paragraph, after any photo credit or counter above it
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# A year in a file's path: "2025/10/27/...", "2025-10-27-story.txt", "wire_20251027.txt"; not digits that
# belong to a longer number or an id ("bf3e2019c4").
_PATH_YEAR = re.compile(r"(?<![0-9A-Za-z])((?:19|20)\d\d)(?=[01]\d[0-3]\d(?![0-9A-Za-z])|[^0-9A-Za-z]|$)")


def is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def case_map(text: str, words: Collection[str] | None = None) -> dict[str, str]:
    """Lower-case word → the form the text writes it in most often, mixed case before ALL CAPS; for every word
    of the text, or only for `words` (lower case).

    An all-caps form ("OPEC", "U.S.") only wins when the text never writes the word otherwise: the same
    text's own ALL-CAPS dateline must not teach "SEOUL".
    """
    forms: dict[str, dict[str, int]] = {}
    for word in _WORD.findall(text):
        lower = word.lower()
        if words is None or lower in words:
            counts = forms.setdefault(lower, {})
            counts[word] = counts.get(word, 0) + 1
    chosen = {}
    for lower, counts in forms.items():
        mixed = [(n, w) for w, n in counts.items() if not (w.isupper() and len(w) > 1)]
        # max() keeps the first of equal counts: the form the text writes first
        chosen[lower] = max(mixed)[1] if mixed else max(counts, key=counts.__getitem__)
    return chosen


def truecase(text: str, forms: dict[str, str]) -> str:
    """An ALL-CAPS stretch in the casing of `forms`; unknown words lower case, the first word capitalised."""

    def recase(match: re.Match[str]) -> str:
        word = match.group()
        known = forms.get(word.lower())
        cased = known if known is not None else word.lower()
        if match.start() == 0 and cased[:1].islower():
            cased = cased[:1].upper() + cased[1:]
        return cased if len(cased) == len(word) else word

    return _WORD.sub(recase, text)


def _dateline(body: str) -> re.Match[str] | None:
    """The dateline opening the story's first paragraph: the body's first, or the first after the page's
    furniture (a photo credit, a slideshow counter: wiredesk/furniture.py)."""
    return _DATELINE.match(body, story_start(body))


def find_dateline(body: str) -> list[tuple[int, int]]:
    """Character spans of the dateline's place (and region) at the head of `body`, if it has one. A title can
    open with one too, where a feed gives no headline and its first line is the lead."""
    match = _dateline(body)
    if not match:
        return []
    spans, start = [], match.start("place")
    for place in match.group("place").split(" / "):
        spans.append((start, start + len(place)))
        start += len(place) + len(" / ")
    return spans + ([match.span("region")] if match.group("region") else [])


def without_dateline(body: str) -> str:
    """`body` after its dateline ("LONDON, March 3 -"), or all of it when it has none."""
    match = _dateline(body)
    return body[match.end() :] if match else body


def dateline_date(body: str, path: str = "") -> date | None:
    """The date a wire dateline gives ("HONG KONG, April 8, 2025 -"), with the year from the dateline or, when
    it has none, from the file's path; None when either is missing: a date is never guessed."""
    match = _dateline(body)
    if not match or not (match.group("iso") or match.group("month")):
        return None
    if match.group("iso"):
        try:
            return date.fromisoformat(match.group("iso"))
        except ValueError:  # "1996-02-30"
            return None
    year_text = match.group("year")
    if year_text is None:
        years = {found.group(1) for found in _PATH_YEAR.finditer(path)}
        if len(years) != 1:
            return None
        (year_text,) = years
    try:
        return date(int(year_text), _MONTHS.index(match.group("month")[:3].lower()) + 1, int(match.group("day")))
    except ValueError:  # "Feb 30"
        return None


def model_text(title: str, body: str, separator: str) -> str:
    """`title + separator + body` with ALL-CAPS headline and dateline truecased for the model."""
    title_in_caps = is_all_caps(title)
    title_head, body_head = _caps_dateline(title), _caps_dateline(body)
    if title_in_caps or any(title_head) or any(body_head):
        # The body's casing, read only for the words that need it
        heads = title[title_head[0] : title_head[1]] + " " + body[body_head[0] : body_head[1]]
        wanted = {word.lower() for word in _WORD.findall((title if title_in_caps else "") + " " + heads)}
        forms = case_map(body, wanted)
        if title_in_caps:
            title = truecase(title, forms)
        elif any(title_head):
            title = _truecased_within(title, title_head, forms)
        if any(body_head):
            body = _truecased_within(body, body_head, forms)
    return f"{title}{separator}{body}"


def _caps_dateline(text: str) -> tuple[int, int]:
    """(start, end) of the dateline opening `text` when its place is in capitals ("BENGALURU (Reuters) -"), else
    (0, 0)."""
    dateline = find_dateline(text)
    if not dateline:
        return (0, 0)
    start, end = dateline[0][0], dateline[-1][1]
    return (start, end) if is_all_caps(text[start:end].split(",")[0]) else (0, 0)


def _truecased_within(text: str, span: tuple[int, int], forms: dict[str, str]) -> str:
    start, end = span
    return text[:start] + truecase_span(text[start:end], forms) + text[end:]


def truecase_span(text: str, forms: dict[str, str]) -> str:
    """Like `truecase`, but a word the article never writes in mixed case is title-cased: a place name."""

    def recase(match: re.Match[str]) -> str:
        word = match.group()
        cased = forms.get(word.lower()) or word.capitalize()
        return cased if len(cased) == len(word) else word

    return _WORD.sub(recase, text)


# A company as the wire marks it: "COBANCO INC <CBCO> YEAR NET", "Ohio Mattress Co <OMT> said" (a name, then its
# ticker in angle brackets), or "<Rothmans Holdings (Tobacco) Ltd>" (a company with no listing, in brackets).
_ANGLED = re.compile(r"<([^<>\n]{1,80})>")
_TICKER = re.compile(r"[A-Z][A-Z0-9]{0,5}(?:\.[A-Z]{1,2})?")
_NAME_WORD = re.compile(r"[A-Z0-9&][\w&'’.-]*,?$")  # a capitalised word (or "&", "3M") of a name before a ticker
_NAME_JOINERS = frozenset(("of", "and", "de", "&"))
_LEADING_ARTICLES = frozenset(("The", "THE", "A"))
_LEGAL_SUFFIX = re.compile(r"\b(?:CO|CORP|INC|LTD|PLC|AG|SA|NV|BV|SPA|AB|ASA|KK|LLC|LP|GROUP|BANK|HOLDINGS?)\.?$")


def marked_companies(text: str) -> list[tuple[int, int]]:
    """(start, end) of each company the text marks with angle brackets: the name before a ticker, or the name
    inside the brackets. Offsets into `text`; the brackets and ticker are left out."""
    found = []
    for match in _ANGLED.finditer(text):
        inner = match.group(1).strip()
        if _TICKER.fullmatch(inner):
            line_start = text.rfind("\n", 0, match.start()) + 1
            head = text[line_start : match.start()].rstrip()
            words = head.split(" ")
            taken = 0
            for word in reversed(words):
                if not (_NAME_WORD.match(word) or (taken and word in _NAME_JOINERS)):
                    break
                taken += 1
            name_words = words[len(words) - taken :]
            while name_words and (name_words[0] in _NAME_JOINERS or name_words[0] in _LEADING_ARTICLES):
                name_words = name_words[1:]
            if name_words:
                end = line_start + len(head.rstrip(","))
                start = end - len(" ".join(name_words).rstrip(","))
                found.append((start, end))
        elif inner[0].isupper() and (any(c.islower() for c in inner) or " " in inner or _LEGAL_SUFFIX.search(inner)):
            start = match.start(1) + (len(match.group(1)) - len(match.group(1).lstrip()))
            found.append((start, start + len(inner)))
    return found


def mark_companies(raw_mentions: pl.DataFrame, articles: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Raw mentions with each company the wire marks (`marked_companies`) as an ORG mention, in place of
    whatever the model made of those words: an ALL-CAPS earnings headline is where the model reads names worst,
    and where a results table finds its company."""
    marked = [
        (article_id, field, start, end, text[start:end], "ORG")
        for article_id, title, body in articles.select("article_id", "title", "body").iter_rows()
        for field, text in (("title", title), ("body", body))
        if "<" in text
        for start, end in marked_companies(text)
    ]
    if not marked:
        return raw_mentions
    added = pl.DataFrame(
        marked, schema={k: v for k, v in raw_mentions.schema.items() if k != "sentence_index"}, orient="row"
    )
    overlapping = (
        raw_mentions.with_row_index("row")
        .join(added.select("article_id", "field", s="start_char", e="end_char"), on=["article_id", "field"])
        .filter((pl.col("start_char") < pl.col("e")) & (pl.col("s") < pl.col("end_char")))["row"]
        .unique()
    )
    kept = raw_mentions.with_row_index("row").filter(~pl.col("row").is_in(overlapping.implode())).drop("row")
    added = attach_sentences(added, sentences).select(raw_mentions.columns).cast(raw_mentions.schema)
    return pl.concat([kept, added]).sort("article_id", "field", "start_char")
