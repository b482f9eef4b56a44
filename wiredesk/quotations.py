"""Who said what: quotations in article bodies, with the cue that reports them and the speaker.

A quotation is the text between quote marks: curly or straight; in wire style a paragraph that opens a quote
and does not close it continues into the next paragraph when that one opens with a mark again. A quotation of
one word ("substantial") is the reporter's emphasis, not a quotation. It is *partial* when it is a fragment
inside the reporter's sentence ("was now “effectively off the table” after ..."): it starts in lower case, or
mid-sentence with no colon or comma before it.

The speaker is read from the quotation's sentence, outside the quoted words, around the reporting cue nearest
the quotation (`said`, `told`, `confirmed`, `according to`, `describing ... as`, ...):
- a name right before or after the cue ("Bessent told", "said Bessent"), or after "according to", or before "was
  quoted as saying"; a person before an apposition ("Gunther Schulz, vice-president for projects, said");
- "X, who said ...": X; "a Hitachi Ltd <HIT.T> spokesman said": the company;
- a pronoun ("he said"): the person the article named last before the quotation; "they", "we": no one;
- a title or a body ("the minister said", "the ministry said"): the last person named with that title, or the
  last organisation whose name holds that word, in the same article ("the spokeswoman": else the organisation
  an earlier spokeswoman spoke for); else no one;
- else, when the cue comes before the quotation, the first person or organisation of the sentence.
A speaker is never looked for in another article. Offsets are into the body; `quote_text` and `speaker_text`
are the body's own characters at them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

import polars as pl

from wiredesk.tables import QUOTATION_SCHEMA

_OPENING = '“"'
_CLOSING = {"“": "”", '"': '"'}
_CUES = (
    r"said|says|say|told|tells|added|adds|confirmed|confirms|stated|noted|warned|warns|explained|"
    r"insisted|argued|declared|announced|wrote|writes|tweeted|asked|replied|predicted|stressed|"
    r"acknowledged|admitted|claimed|cautioned|remarked|observed|commented|according to|describing|described|"
    r"quipped|reiterated|conceded|emphasised|emphasized|recalled|responded|answered|quoted as saying|"
    r"quoted as telling|as saying|as telling|telling"
)
# Cues that are as often a noun or an adjective ("the United States", "Treasury notes", "posted prices", "posted
# a loss"), or a verb of something else ("pointed out its moratorium"): a cue only where a report goes on as one
# does ("he notes that", "the report states.", "posted on", "Wyss pointed out that").
_NOUN_LIKE_CUES = r"states|notes|posted|pointed out"
_CUE_PATTERN = (  # in lower case only: not "the United States.", "Treasury Notes,"; not "the ASEAN states on"
    rf"(?:{_CUES})\b|(?-i:{_NOUN_LIKE_CUES})(?=\s*(?:that\b|[,.:;!?“”\"]|$))|(?-i:posted)(?=\s*on\b)"
)
_CUE = re.compile(rf"\b(?:{_CUE_PATTERN})", re.IGNORECASE)
_REPORTS = re.compile(rf"\s*(?:also\s+)?(?:{_CUE_PATTERN})", re.IGNORECASE)  # right after a name: it reported
_CUE_OPENING = re.compile(rf"(?:{_CUE_PATTERN})")  # lower case: a sentence can only open so when it was cut
_NAMED_CUE_OPENING = re.compile(rf"[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){{0,3}}\s+(?:{_CUE_PATTERN})\s*[.,]")
# The cues as `quotations.cue` writes them.
QUOTE_CUES = sorted(
    {"describing as" if c.startswith("describ") else c for c in f"{_CUES}|{_NOUN_LIKE_CUES}".split("|")}
)
_PRONOUN_BEFORE = re.compile(r"\b(he|she|him|her|they|we|i)\s*(?:also\s+|later\s+|then\s+)?$", re.IGNORECASE)
_PRONOUN_AFTER = re.compile(r"^\s*(he|she|they|we|i)\b", re.IGNORECASE)
_WHO_BEFORE = re.compile(r",\s*who\s+(?:also\s+)?$")
_WHICH_BEFORE = re.compile(r",\s*which\s+(?:also\s+)?$")
_NOT_A_TITLE_AFTER = re.compile(r"\s*(?:,|[a-z])")  # "Iowa Beef, a subsidiary", "Iowa Beef closed"
_CONTINUED_REPORT = re.compile(r"\b(?:and|but)\s+(?:also\s+)?$", re.IGNORECASE)
_PRONOUN_OPENING = re.compile(r"\s*(?:But\s+|And\s+)?(He|She)\b")
_IT_BEFORE = re.compile(r"\b(it)\s+(?:also\s+)?$", re.IGNORECASE)
_ROLE_BEFORE = re.compile(r"\bthe\s+([a-z]+(?:\s+[a-z]+)?)\s*$", re.IGNORECASE)
_ROLE_AFTER = re.compile(r"^\s*the\s+([a-z]+(?:\s+[a-z]+)?)\b", re.IGNORECASE)
# Titles that stand for a person the article names with them ("the minister said").
_PERSON_ROLES = frozenset({
    "minister", "secretary", "president", "premier", "chairman", "chairwoman", "chair", "spokesman",
    "spokeswoman", "spokesperson", "governor", "ambassador", "envoy", "senator", "official", "executive", "ceo",
    "director", "chancellor", "commissioner", "mayor", "king", "prince", "leader", "analyst", "economist",
    "trader", "negotiator",
})  # fmt: skip
# Titles of someone who speaks for an organisation: with no one named by them, "the spokeswoman" is the
# organisation an earlier "a Benetton spokeswoman" named.
_SPEAKS_FOR = frozenset({"spokesman", "spokeswoman", "spokesperson", "official"})
# Words that stand for an organisation the article names ("the ministry said", "the company said").
_BODY_ROLES = frozenset({
    "ministry", "department", "government", "company", "firm", "bank", "agency", "exchange", "group",
    "committee", "commission", "council", "organisation", "organization", "association", "union", "cartel",
    "board", "office", "administration", "embassy", "court",
})  # fmt: skip
# What an organisation issues: "The Treasury said ... the statement said" is the Treasury's, "the OECD said ...
# the report said" the OECD's.
_DOCUMENTS = (
    "statement", "communique", "announcement", "bulletin", "release", "report", "study", "review", "survey",
    "newspaper", "paper", "letter", "document",
)  # fmt: skip
_SPEAKER_TYPES = ("PERSON", "ORG", "GPE", "NORP")
# "General Partners officials said": the organisation speaks through them.
_SPOKESPEOPLE_BEFORE = re.compile(
    r"\s(?:officials?|spokes(?:man|woman|person)|executives?|sources?|representatives?|attorneys?|lawyers?)\s*$",
    re.IGNORECASE,
)
# A person reporting: "Simon said", "Stanley Fishman, analyst at Fahnestock and Co, said", "Fishman, who has
# heard the rumor, said", 'Gail Martell, author of the publication "Global Crop News," said'.
_REPORTS_AFTER = re.compile(rf"^(?:,[^,.;\n]{{1,80}},[\"”]?)?\s*(?:also\s+)?(?:{_CUES})\b", re.IGNORECASE)
_PREPOSITION_BEFORE = re.compile(r"\b(?:on|of|at|in|for|with|from|to|by|near)\s+$", re.IGNORECASE)
# Cues whose object is who heard it ("told Reuters"), not who spoke.
_ADDRESSEE_CUES = frozenset({"told", "tells", "telling", "asked"})
# Between a cue and the name after it only a title may stand: "said Belgian Finance Minister Mark Eyskens".
# "PaineWebber Group analyst ", "First Chicago's ", "Sumitomo Bank Ltd chief economist, ", "Bache Securities (Japan)
# associate vice president "
_ROLE_GAP = re.compile(r"^(?:'s\s+|(?:\s+\([^()\n]{1,20}\))?(?:\s+[A-Za-z.-]+){1,4},?\s+)$")
_CONJUNCTION = re.compile(r"\s(?:and|or)\s")
_TITLE_WORDS = re.compile(
    r"^\s*(?:(?:the|[A-Z][\w.'-]*|analyst|economist|strategist|trader|dealer|broker|chairman|president|director|"
    r"spokes(?:man|woman)|(?:vice[ -])?president|chief|executive|officer|senior|managing|chartist|technician|"
    r"treasurer|manager|partner|head|consultant|adviser|advisor|professor|researcher)\s+)*$"
)  # "said Belgian Finance Minister", "said analyst Phil Pace of Kidder", "said chartist Leslie Keefe"
# "Robert Murphy, account executive at E.F. Hutton, said": the person, not the employer.
_EMPLOYER_BEFORE = re.compile(
    r"(?P<apposition>,[^,]{1,60})?(?P<preposition>\s(?:at|of|with|for|from))(?:\s+the)?\s+$", re.IGNORECASE
)
# "Iacocca was quoted as saying": the name before the passive.
_PASSIVE_BEFORE = re.compile(r"\s+(?:was|were|is|are|has been|have been|had been)\s+$")
_QUOTED_BY = re.compile(r"\s+(?:was|were|is|are|has been|have been|had been)\s+quoted\s+by\b")
# A wire's ticker mark after a company's name: "a Hitachi Ltd <HIT.T> spokesman said".
_TICKER_MARK = r"<[^<>\n]{1,15}>"
_TICKER_BEFORE = re.compile(rf"\s*{_TICKER_MARK}\s*$")
# An organisation reporting, itself or through its spokesman: "Pennzoil said", "a State Department spokesman said".
_REPORTS_THROUGH = re.compile(
    rf"(?:\s*{_TICKER_MARK})?(?:\s+(?:spokes(?:man|woman|person)|officials?))?{_REPORTS.pattern}", re.IGNORECASE
)
_ATTRIBUTION_REACH = 80  # characters between a closing mark and its attribution ("..., Bessent told ABC")
# What may follow a quotation that a report before it attributes: its paragraph's end, or another quotation.
_ENDS_PARAGRAPH = re.compile(r"[ \t]*(?:\n|$|[“\"])")
_FOLLOW_ON_REACH = 120  # a quotation this close after another, with no cue of its own, is the same speaker's
_CLOSING_CUE_CHARS = 110  # ', Miller said.' after a quotation: what may end its paragraph before a follow-on
_PRONOUN_REACH = 1500  # how far back a pronoun's report is looked for
# A cue that reports nothing: "Volcker said he could not say whether", "the Bank has not yet formally announced",
# "declined to say", "when asked by a senator".
_UNSAID = re.compile(r"(?:\b(?:not|never|to|when|if)|n't)(?:\s+(?:yet|[a-z]+ly))*\s+$", re.IGNORECASE)
# "according to a report by George Gaspar", "said a document issued by the PMDB": who wrote it reported it.
_DOCUMENT_BY = re.compile(
    r"\s*(?:a|an|the|his|her|its|their)\s+(?:[a-z-]+\s+)?(?:report|statement|study|note|survey|letter|analysis|"
    r"newsletter|interview|document)\s+(?:issued\s+)?(?:by|from|with)\s+(?:the\s+)?",
    re.IGNORECASE,
)
# "..., said an officer on PaineWebber's corporate syndicate desk", "said economists at Merrill Lynch": the
# organisation someone unnamed speaks for.
_UNNAMED_FOR = re.compile(
    r"\s*(?:(?:a|an|one|another|two|three|several|some)\s+)?(?:[a-z-]+\s+){0,3}(?:officials?|officers?|"
    r"spokes(?:man|woman|person)|executives?|directors?|sources?|representatives?|economists?|analysts?|"
    r"strategists?)\s+(?:at|of|on|with|from|for)\s+(?:the\s+)?",
    re.IGNORECASE,
)
# Someone unnamed who works for the person named next: "an aide to Agriculture Secretary Richard Lyng said".
_AIDE_TO = re.compile(
    r"\b(?:an?|the|one)\s+(?:[a-z]+\s+)?(?:aide|assistant|advis[eo]r)\s+to\s+(?:[A-Z][\w.'-]*\s+){0,4}$"
)
_JOINT_GAP = re.compile(r"\s+(?:and|&)\s+(?:[a-z][\w-]*\s+){0,3}")
_MIN_WORDS = 2


def find_quotes(body: str) -> list[tuple[int, int]]:
    """(start, end) of the quoted words of `body`, marks left out; a quote may run over paragraphs."""
    quotes: list[tuple[int, int]] = []
    open_at: int | None = None  # just after the opening mark of the quote being read
    mark = "“"
    for paragraph in re.finditer(r"[^\n]+", body):
        position, end = paragraph.span()
        if open_at is not None:
            if body[position] in _OPENING:
                position += 1  # wire style: the quote goes on in this paragraph
            else:
                open_at = None  # never closed, never continued: not a quotation
        while True:
            if open_at is None:
                opening = _next_opening(body, position, end)
                if opening == -1:
                    break
                open_at, mark, position = opening + 1, body[opening], opening + 1
            closing = body.find(_CLOSING[mark], position, end)
            if closing == -1:
                break  # open at the paragraph's end: it may go on in the next one
            if closing > open_at:
                quotes.append((open_at, closing))
            open_at, position = None, closing + 1
    return [(start, end) for start, end in quotes if _words(body[start:end]) >= _MIN_WORDS]


def _next_opening(body: str, start: int, end: int) -> int:
    found = [i for i in (body.find("“", start, end), body.find('"', start, end)) if i != -1]
    return min(found) if found else -1


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _is_partial(body: str, start: int, sentence_start: int) -> bool:
    first = next((c for c in body[start : start + 5] if c.isalpha()), "")
    if not first.isupper():
        return True
    before = body[sentence_start : start - 1].rstrip()
    return bool(before) and not before.endswith((":", ",", "“", '"'))


def _nearest_cue(text: str, quote_start: int, quote_end: int, sentence: tuple[int, int]) -> re.Match | None:
    """The cue after the quotation within reach (the usual attribution), else the nearest one before it."""
    s_start, s_end = sentence
    after = [m for m in _CUE.finditer(text, quote_end, min(s_end, quote_end + _ATTRIBUTION_REACH))]
    if after:
        return after[0]
    before = [m for m in _CUE.finditer(text, s_start, quote_start) if not _inside_quote(text, m.start(), s_start)]
    return before[-1] if before else None


def _inside_quote(text: str, position: int, sentence_start: int) -> bool:
    segment = text[sentence_start:position]
    return segment.count("“") > segment.count("”") or segment.count('"') % 2 == 1


def quotations(articles: pl.DataFrame, sentences: pl.DataFrame, entity_mentions: pl.DataFrame) -> pl.DataFrame:
    """Quotations in the bodies of `articles` (QUOTATION_SCHEMA)."""
    body_sentences = (
        sentences.filter(pl.col("field") == "body")
        .sort("article_id", "start_char")
        .group_by("article_id", maintain_order=True)
        .agg("sentence_index", "start_char", "end_char")
        .rows_by_key("article_id", unique=True)
    )
    names = (
        entity_mentions.filter((pl.col("field") == "body") & pl.col("article_type").is_in(_SPEAKER_TYPES))
        .sort("article_id", "start_char", "end_char")  # a tie in start: the shorter name first, always
        .group_by("article_id", maintain_order=True)
        .agg("start_char", "end_char", "article_type", "mention_text")
        .rows_by_key("article_id", unique=True)
    )
    rows = []
    for article_id, body in articles.select("article_id", "body").iter_rows():
        spans = find_quotes(body)
        if not spans:
            continue
        indexes, starts, ends = body_sentences.get(article_id, ([0], [0], [len(body)]))
        article_names = _Names(*names.get(article_id, ([], [], [], [])), body=body)
        previous = None  # (end, cue, speaker) of the last quotation, when it has a speaker
        last_cue_start = -1
        for start, end in spans:
            position = max(bisect_right(starts, start - 1) - 1, 0)
            last = max(bisect_right(starts, end) - 1, position)
            if last + 1 < len(starts) and (
                _CUE_OPENING.match(body, starts[last + 1])
                or (body[end - 1] in "?!" and _NAMED_CUE_OPENING.match(body, starts[last + 1]))
            ):
                # '"... prices?" said Albert Melnikov', '"... come to an end?" Rivkin said.': a "sentence" of its
                # own after the question mark
                last += 1
            sentence = (starts[position], ends[last])
            cue = _nearest_cue(body, start - 1, end + 1, sentence)
            if cue is not None and cue.start() == last_cue_start:
                cue = None  # '"...," said Beck. "I expect more."': that cue reports the quotation before

            speaker = _speaker(body, cue, start - 1, end + 1, sentence, article_names) if cue else None
            if cue is None and previous and _follows_on(body, previous[0], start):
                cue_name, speaker = previous[1], previous[2]  # '"...," said Beck. "I expect more."': Beck again
            elif cue is None and (
                reported := _reported_just_before(body, start - 1, end + 1, position, starts, ends, article_names)
            ):
                cue_name, speaker = reported  # 'Yeutter said the talks get bogged down. "Countries don't ..."'
            elif cue is None and _words(body[start:end]) < 4:
                continue  # a phrase in quotes with no one reporting it: a title or a coinage, not a quotation
            else:
                cue_name = _cue_name(cue)
            previous = (end, cue_name, speaker) if speaker else None
            last_cue_start = cue.start() if cue is not None else -1
            rows.append(
                (
                    article_id,
                    "body",
                    start,
                    end,
                    body[start:end],
                    indexes[position],
                    _is_partial(body, start, sentence[0]),
                    cue_name,
                    *(speaker or (None, None, None, None)),
                )
            )
    return pl.DataFrame(rows, schema=QUOTATION_SCHEMA, orient="row")


def _reported_just_before(body: str, opening: int, closing: int, position: int, starts, ends, names: _Names):
    """(cue, speaker) for a quotation with no cue of its own that opens the sentence after a report in its
    paragraph and ends its paragraph, or goes on into another quotation ('Yeutter said the talks get bogged down.
    "Countries don't get serious ..."'): the reporter's. Words after it may attribute it otherwise ("..., a
    source quoted them as saying")."""
    if position == 0 or body[starts[position] : opening].strip() or body[ends[position - 1] : opening].strip():
        return None
    if not _ENDS_PARAGRAPH.match(body, closing):
        return None
    report = (starts[position - 1], ends[position - 1])
    if any(mark in body[report[0] : opening] for mark in _OPENING):
        return None  # a sentence with a quotation of its own: its cue reported that
    cues = [c for c in _CUE.finditer(body, *report) if not _unsaid(body, c)]
    if not cues:
        return None
    cue = cues[-1]
    # A name after the cue reported only where the cue comes after what was reported ("..., said Smith"); in
    # "He said Opec had expected" it is what was reported on.
    inverted = body[max(report[0], cue.start() - 3) : cue.start()].rstrip().endswith(",")
    speaker = _speaker(body, cue, cue.start(), cue.start() if inverted else cue.end() + 1, report, names)
    return (_cue_name(cue), speaker) if speaker is not None else None


def _follows_on(body: str, previous_end: int, start: int) -> bool:
    """Whether a quotation with no cue of its own goes on from the one that ended at `previous_end`: close after
    it in the same paragraph ('"...," said Beck. "I expect more."'), or opening the next paragraph right after
    the cue that closed the other's ('"...," Miller said.' then a paragraph '"If we can get more ..."')."""
    gap = body[previous_end:start]
    if len(gap) >= _FOLLOW_ON_REACH:
        return False
    if "\n" not in gap:
        return True
    before_break, _, after_break = gap.partition("\n")
    return not after_break.strip().strip(_OPENING) and len(before_break) < _CLOSING_CUE_CHARS


def _cue_name(cue: re.Match | None) -> str | None:
    if cue is None:
        return None
    word = cue.group().lower()
    return "describing as" if word.startswith("describ") else word


_MALE_TITLE = re.compile(r"\b(?:Mr|Sir|Lord|Mister)\.?\s*$")
_FEMALE_TITLE = re.compile(r"\b(?:Mrs|Ms|Miss|Madam|Madame|Mme|Dame|Lady)\.?\s*$")


class _Names:
    """An article's body mentions of people and organisations, in text order, and what the article says of
    each person's sex: a title ("Mrs. Thatcher") or a pronoun that reported them ("he said"), by surname."""

    def __init__(self, starts, ends, types, texts, body: str = ""):
        self.starts, self.ends, self.types, self.texts = starts, ends, types, texts
        self.pronouns: dict[str, str] = {}  # surname -> "he" or "she"
        for i, kind in enumerate(types):
            if kind == "PERSON":
                before = body[max(0, starts[i] - 8) : starts[i]]
                if _MALE_TITLE.search(before):
                    self.pronouns.setdefault(self.surname(i), "he")
                elif _FEMALE_TITLE.search(before):
                    self.pronouns.setdefault(self.surname(i), "she")

    def surname(self, i: int) -> str:
        return self.texts[i].split()[-1].lower() if self.texts[i].split() else ""

    def could_be(self, i: int, pronoun: str) -> bool:
        """Whether "he" or "she" can stand for mention i: a person the article never gave the other pronoun."""
        return self.types[i] == "PERSON" and self.pronouns.get(self.surname(i), pronoun) == pronoun

    def ending_at(self, position: int, slack: int, types=_SPEAKER_TYPES) -> int | None:
        for i in range(bisect_right(self.starts, position) - 1, -1, -1):
            if self.ends[i] <= position:
                gap = position - self.ends[i]
                return i if gap <= slack and self.types[i] in types else None
        return None

    def starting_at(self, position: int, slack: int, types=_SPEAKER_TYPES) -> int | None:
        i = bisect_right(self.starts, position - 1)
        if i < len(self.starts) and self.starts[i] - position <= slack and self.types[i] in types:
            return i
        return None

    def last_before(self, position: int, accept) -> int | None:
        for i in range(bisect_right(self.starts, position) - 1, -1, -1):
            if self.ends[i] <= position and accept(i):
                return i
        return None

    def first_between(self, start: int, end: int, types=("PERSON", "ORG")) -> int | None:
        for i in range(bisect_right(self.starts, start - 1), len(self.starts)):
            if self.starts[i] >= end:
                return None
            if self.types[i] in types:
                return i
        return None

    def row(self, i: int) -> tuple:
        return self.texts[i], self.starts[i], self.ends[i], self.starts[i]


def _speaker(body: str, cue: re.Match, quote_start: int, quote_end: int, sentence, names: _Names):
    """(speaker_text, start, end, start of the body mention of the person or body who spoke) for the cue, or None."""
    s_start, _ = sentence
    if cue.group().lower() == "according to":
        document = _DOCUMENT_BY.match(body, cue.end())
        found = names.starting_at(document.end() if document else cue.end(), 2)
        return names.row(found) if found is not None else None
    before = body[max(s_start, cue.start() - 40) : cue.start()]
    if cue.group().lower().startswith("quoted"):  # "Iacocca was quoted as saying"
        passive = _PASSIVE_BEFORE.search(before)
        found = names.ending_at(cue.start() - len(passive.group()), 0) if passive else None
        return names.row(_person_in_apposition(body, found, names)) if found is not None else None
    if cue.group().lower() in ("as saying", "as telling"):
        # "Sumita was quoted by Kyodo as saying": Sumita; "he was quoted by PAP as saying": he; "the agency
        # quoted Deng as saying": Deng
        by = _QUOTED_BY.search(body, s_start, cue.start())
        if by is not None:
            found = names.ending_at(by.start(), 0)
            if found is not None:
                return names.row(found)
            pronoun = _PRONOUN_BEFORE.search(body, max(s_start, by.start() - 12), by.start())
            word = pronoun.group(1).lower() if pronoun else ""
            person = _last_speaker(body, quote_start, names, word) if word in ("he", "she") else None
            return (pronoun.group(1), *pronoun.span(1), names.starts[person]) if person is not None else None
    after = body[cue.end() : cue.end() + 60]
    # "Bessent told", "Trump said", "He Lifeng confirmed"
    found = _name_before_cue(body, cue.start(), names)
    if found is None or names.types[found] != "PERSON":
        # "Gunther Schulz, ADB vice-president in charge of projects, said", "Albert Melnikov, counselor for the
        # Soviet Union, told": the person, not the place or body that ends the apposition
        reporter = _reporter_in_apposition(body, cue, names)
        found = reporter if reporter is not None else found
    if found is None and (spokesman := _SPOKESPEOPLE_BEFORE.search(before)):  # "General Partners officials said"
        found = names.ending_at(_before_ticker(body, cue.start() - len(before) + spokesman.start()), 1, ("ORG", "GPE"))
        named = _spokesperson_before(body, cue) if found is None else None
        if named is not None and named.group("organisation"):  # "an Exchange spokesman said": named earlier
            organisation = _organisation_of_spokesperson(body, named, names)
            if organisation is not None:
                start, end = named.span("organisation")
                return body[start:end], start, end, names.starts[organisation]
    if found is not None and names.types[found] == "GPE" and _PREPOSITION_BEFORE.search(body[: names.starts[found]]):
        # "Robert Byrd of West Virginia told": the person; "The spokesman, speaking from Bonn, said": no one
        found = _person_in_apposition(body, found, names, places=True)
        if names.types[found] == "GPE":
            found = None
    joint = names.last_before(names.starts[found], lambda i: True) if found is not None else None
    if joint is not None and _JOINT_GAP.fullmatch(body, names.ends[joint], names.starts[found]):
        # "Bruce Lazier of Prescott Ball and Turben said": the person the first name employs; "The Bank of
        # England and Fed said", "president Owen Bieber and vice president Marc Stepp said": two speakers,
        # neither alone
        person = _person_in_apposition(body, joint, names)
        return names.row(person) if person != joint else None
    if found is not None and not _inside_quote(body, names.starts[found], s_start):
        person = _person_in_apposition(body, found, names)
        if person == found and _AIDE_TO.search(body, max(0, names.starts[found] - 60), names.starts[found]):
            return None  # "an aide to Agriculture Secretary Richard Lyng said": the aide spoke, not Lyng
        return names.row(person)
    # "..., said Bessent", "said Belgian Finance Minister Mark Eyskens", 'Said David Gluskin, ..., "When ...';
    # not "told Reuters": that is who heard it
    if (cue.start() >= quote_end or cue.group() == "Said") and cue.group().lower() not in _ADDRESSEE_CUES:
        found = _titled_name_after(body, cue.end(), names)
        if found is None and (unnamed := _UNNAMED_FOR.match(body, cue.end()) or _DOCUMENT_BY.match(body, cue.end())):
            found = names.starting_at(unnamed.end(), 0, ("ORG", "PERSON"))
        if found is not None:
            return names.row(found)
    # "Bessent, who said ..."
    if _WHO_BEFORE.search(before):
        who = cue.start() - len(before) + _WHO_BEFORE.search(before).start()
        found = names.ending_at(who, 1)
        return names.row(found) if found is not None else None
    # "it said": the organisation that reported last
    it = _IT_BEFORE.search(before)
    if it is not None:
        organisation = _last_organisation_reporting(body, quote_start, names)
        if organisation is None:
            return None
        at = cue.start() - len(before) + it.start(1)
        return body[at : at + 2], at, at + 2, names.starts[organisation]
    # "he said", "said he"
    pronoun = _PRONOUN_BEFORE.search(before) or (_PRONOUN_AFTER.match(after) if cue.start() >= quote_end else None)
    if pronoun:
        word = {"him": "he", "her": "she"}.get(pronoun.group(1).lower(), pronoun.group(1).lower())
        if word not in ("he", "she"):
            return None
        at = (
            (cue.start() - len(before) + pronoun.start(1))
            if pronoun.re is _PRONOUN_BEFORE
            else (cue.end() + pronoun.start(1))
        )
        person = _last_speaker(body, quote_start, names, word)
        if person is None:
            return None
        names.pronouns.setdefault(names.surname(person), word)
        said_as = pronoun.group(1)  # "he", or "him" in "quoted him as saying"
        return (body[at : at + len(said_as)], at, at + len(said_as), names.starts[person])
    # "the minister said", "the ministry said"
    role = _ROLE_BEFORE.search(before)
    if role is None and cue.start() >= quote_end and cue.group().lower() not in _ADDRESSEE_CUES:
        role = _ROLE_AFTER.match(after)  # "said the ministry"; not "told the agency": the agency heard it
    if role and role.re is _ROLE_BEFORE and _PREPOSITION_BEFORE.search(before[: role.start()]):
        return None  # "one banker on the committee said": the committee is not who spoke
    if role:
        return _resolve_role(body, role, cue, before, names, quote_start)
    # "He Lifeng confirmed that ..., describing the talks as “...”": the sentence's subject
    if cue.end() <= quote_start:
        found = names.first_between(s_start, cue.start())
        if found is not None:
            return names.row(found)
    # "Raimond said talks took long. But added: ...", "He said ..., and added: ...", "He was in defiant mood,
    # telling Turkish radio: ...": who reported last, or whom the sentence's "he" stands for
    opening = _PRONOUN_OPENING.match(body, s_start)
    if _CONTINUED_REPORT.search(before) or opening is not None:
        pronoun = opening.group(1).lower() if opening else "he"
        person = _last_speaker(body, cue.start(), names, pronoun)
        if person is None and opening is None:
            person = _last_speaker(body, cue.start(), names, "she")
        if person is not None:
            return names.row(person)
    return None


def _unsaid(body: str, cue: re.Match) -> bool:
    return _UNSAID.search(body, max(0, cue.start() - 30), cue.start()) is not None


def _before_ticker(body: str, position: int) -> int:
    """`position`, or where a ticker mark ending there starts ("Hitachi Ltd <HIT.T> spokesman")."""
    mark = _TICKER_BEFORE.search(body[max(0, position - 20) : position])
    return position - len(mark.group()) if mark else position


def _reports_before(body: str, position: int) -> Iterator[re.Match]:
    """The cues within a pronoun's reach before `position`, the last first, that report something: not inside a
    quotation, not "could not say"."""
    for cue in reversed(list(_CUE.finditer(body, max(0, position - _PRONOUN_REACH), position))):
        if not (_inside_quote(body, cue.start(), body.rfind("\n", 0, cue.start()) + 1) or _unsaid(body, cue)):
            yield cue


# What follows the name of an inverted report, "said Simon.", "said Simon, an analyst", "said Simon in a
# statement": not a verb, as in a report of what someone else will do ("said Conrac might have trouble").
_ENDS_INVERTED_REPORT = re.compile(
    r"\s*(?:[,.;:!?()\n\"”<]|$)|\s+(?:in|at|on|of|from|for|during|after|before|when|while|with|yesterday|today|"
    r"last|this|earlier|later|late|told)\b"
)


def _last_speaker(body: str, position: int, names: _Names, pronoun: str = "he") -> int | None:
    """Who "he" or "she" (`pronoun`) before `position` is: the subject of the last report before it ("Simon
    said", "said Simon", "Stanley Fishman, analyst at Fahnestock, said"), past reports by "he" or "she"
    themselves and past people the article calls by the other pronoun ("she" is never a man it called "he" or
    "Mr."). When the last report is by someone unnamed ("said a director at one bank", "the company said"), no
    one: the pronoun is that someone. With no report before it, the last person named."""
    for cue in _reports_before(body, position):
        before = body[max(0, cue.start() - 12) : cue.start()]
        if _PRONOUN_BEFORE.search(before) or _WHICH_BEFORE.search(before):
            continue  # "he said" again: the same person, reported earlier ("He said Reagan ..." is his report); a
            # report's own words ("the OECD report, which said")
        subject = _name_before_cue(body, cue.start(), names)
        passive = _PASSIVE_BEFORE.search(before) if cue.group().lower().startswith("quoted") else None
        if subject is None and passive is not None:  # "Arifin Siregar was quoted as saying by Antara"
            subject = names.ending_at(cue.start() - len(passive.group()), 0)
        if subject is None and cue.group().lower() in ("as saying", "as telling"):
            continue  # "he quoted an oil analyst, whom he would not identify, as saying": he quoted
        if subject is None or names.types[subject] != "PERSON":  # "Ken Clark, the NRC's man in Atlanta, said"
            reporter = _reporter_in_apposition(body, cue, names)
            subject = reporter if reporter is not None else subject
        if subject is None:  # "said Simon, an analyst": Simon; not "Another said Conrac might have trouble"
            subject = _titled_name_after(body, cue.end(), names)
            if (
                subject is not None
                and not body[cue.end() : names.starts[subject]].strip()
                and not _ENDS_INVERTED_REPORT.match(body, names.ends[subject])
            ):
                subject = None
        if subject is None:  # "the presidential spokesman added": the person the article gave that title
            subject = _titled_person(body, cue.start(), names)
        if subject is None:  # "Stoltenberg declined to comment ... but said": the person the sentence opens with
            subject = _sentence_subject(body, cue.start(), names)
        if subject is not None:
            subject = _person_in_apposition(body, subject, names)
            if names.types[subject] == "PERSON" and not names.could_be(subject, pronoun):
                continue  # "Mr. Baker said ... she said": someone else
            return subject if names.types[subject] == "PERSON" else None
        if _PRONOUN_AFTER.match(body[cue.end() : cue.end() + 10]):
            continue  # "said he" again: the same person, reported earlier
        # Someone unnamed reported last: the pronoun is them, unless a sentence after that report opens with a
        # person ("traders said ... But Jones denied it. ... he said": Jones; not "discouraged the Pickens rumor").
        person = names.last_before(position, lambda i: names.could_be(i, pronoun) and _opens_sentence(body, i, names))
        if person is not None and names.starts[person] >= cue.end():
            return person
        # "an Exchange spokesman said ... he added": the organisation the spokesman speaks for
        return _organisation_of_spokesperson(body, _spokesperson_before(body, cue), names)
    return names.last_before(position, lambda i: names.could_be(i, pronoun))


def _last_organisation_reporting(body: str, position: int, names: _Names) -> int | None:
    """What "it" reporting before `position` is: the organisation named by the last report before it ("BASF AG
    said ... the group said ... it said"), past reports by "it" and by "the group" themselves; no one when that
    report is by someone else."""
    for cue in _reports_before(body, position):
        before = body[max(0, cue.start() - 40) : cue.start()]
        role = _ROLE_BEFORE.search(before)
        noun = role.group(1).split()[-1].lower() if role else ""
        if _IT_BEFORE.search(before) or noun in _BODY_ROLES or noun in _DOCUMENTS or noun == "editorial":
            continue
        subject = _name_before_cue(body, _before_ticker(body, cue.start()), names)
        if subject is None:  # "Iowa Beef ... closed its plant because it said": the sentence's subject
            opening = max(body.rfind("\n", 0, cue.start()), body.rfind(". ", 0, cue.start())) + 1
            subject = names.first_between(opening, cue.start(), types=("ORG",))
            if subject is not None and not (
                _opens_sentence(body, subject, names) and _NOT_A_TITLE_AFTER.match(body, names.ends[subject])
            ):
                subject = None  # "World Bank President Barber Conable should ..., the Jakarta Post said"
        return subject if subject is not None and names.types[subject] == "ORG" else None
    return None


# What may stand before a sentence's subject: "But Jones denied", "However, Jones said", a dateline's dash, "The
# SOMC said", a title.
_SUBJECT_OPENING = re.compile(
    r"(?:^|[.!?]\s+|\n\s*|\s--?\s)(?:(?:But|And|However|Meanwhile|Still|Yet),?\s+)?(?:The\s+)?"
    r"(?:[A-Z][a-z]+\.?\s+){0,3}$"  # "Prime Minister Margaret Thatcher has ..."
)


def _opens_sentence(body: str, i: int, names: _Names) -> bool:
    """Whether name i is the first words of its sentence, past a conjunction."""
    return _SUBJECT_OPENING.search(body[max(0, names.starts[i] - 60) : names.starts[i]]) is not None


def _sentence_subject(body: str, cue_start: int, names: _Names) -> int | None:
    """The person that opens the sentence a cue is in, if one does (past "But", "However,")."""
    opening = max(body.rfind("\n", 0, cue_start), body.rfind(". ", 0, cue_start)) + 1
    first = names.first_between(opening, cue_start, types=("PERSON",))
    return first if first is not None and _opens_sentence(body, first, names) else None


def _titled_person(body: str, cue_start: int, names: _Names) -> int | None:
    """The person a title right before a cue stands for ("the spokesman said": the last person named with it)."""
    role = _ROLE_BEFORE.search(body[max(0, cue_start - 40) : cue_start])
    noun = role.group(1).split()[-1].lower() if role else ""
    return _last_titled(body, noun, cue_start, names) if noun in _PERSON_ROLES else None


def _last_titled(body: str, title: str, position: int, names: _Names) -> int | None:
    """The last person before `position` the article names with `title` ("spokesman Marlin Fitzwater", "White
    House spokesman Marlin Fitzwater", "Chancellor of the Exchequer Nigel Lawson", the model's "Mayor Jiang Zemin";
    not "The spokesman added that TRE Chairman Leopold Wyler")."""
    titled = re.compile(rf"(?i:{re.escape(title)})\s+(?:(?:[A-Z][\w.'-]*|of|for|the|and|&)\s+){{0,5}}$")
    return names.last_before(
        position,
        lambda i: (
            names.types[i] == "PERSON"
            and (
                titled.search(body, max(0, names.starts[i] - 60), names.starts[i]) is not None
                or titled.match(names.texts[i].rsplit(" ", 1)[0] + " ") is not None
            )
        ),
    )


def _organisation_speaking_through(body: str, title: str, position: int, names: _Names) -> int | None:
    """The last organisation before `position` the article gave someone with `title` to ("a Hitachi Ltd <HIT.T>
    spokesman", "a spokesman for AMC")."""
    after = re.compile(rf"(?:\s*{_TICKER_MARK})?\s+{title}\b", re.IGNORECASE)
    before = re.compile(rf"\b{title}\s+(?:for|of|at)\s+(?:the\s+)?$", re.IGNORECASE)
    return names.last_before(
        position,
        lambda i: (
            names.types[i] == "ORG"
            and (
                after.match(body, names.ends[i]) is not None
                or before.search(body, max(0, names.starts[i] - 30), names.starts[i]) is not None
            )
        ),
    )


# "a Hitachi spokesman", "an Exchange spokesman", "the spokeswoman": who reported, with the words that may name
# the organisation they speak for.
_SPOKESPERSON_BEFORE = re.compile(
    rf"\b(?:[Aa]n?|[Tt]he|[Oo]ne|[Aa]nother)\s+(?:(?:senior|top|chief|deputy|leading)\s+)?"
    rf"(?:(?P<organisation>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){{0,3}})(?:\s*{_TICKER_MARK})?\s+)?"
    r"(?:(?:senior|top|chief|deputy|leading)\s+)?(?P<title>spokes(?:man|woman|person)|official|officer)\s+$"
)


def _last_organisation_reported(body: str, position: int, names: _Names) -> int | None:
    """The last organisation before `position` that reported, itself or through its spokesman."""
    return names.last_before(
        position, lambda i: names.types[i] == "ORG" and _REPORTS_THROUGH.match(body, names.ends[i]) is not None
    )


def _spokesperson_before(body: str, cue: re.Match) -> re.Match | None:
    return _SPOKESPERSON_BEFORE.search(body, max(0, cue.start() - 80), cue.start())


def _organisation_of_spokesperson(body: str, spokesperson: re.Match | None, names: _Names) -> int | None:
    """The organisation a spokesperson (`_spokesperson_before` a cue) speaks for: the one named before the title
    ("a Hitachi Ltd spokesman"), or named earlier with its last word ("The London Stock Exchange ... an Exchange
    spokesman"), or, for "the spokeswoman", the one an earlier spokeswoman was introduced with."""
    if spokesperson is None:
        return None
    if spokesperson.group("organisation") is None:
        title = spokesperson.group("title")
        found = _organisation_speaking_through(body, title, spokesperson.end(), names)
        if found is None and title.startswith("spokes"):  # "Financial Corp said ... a spokeswoman pointed out"
            found = _last_organisation_reported(body, spokesperson.start(), names)
        return found
    found = names.ending_at(spokesperson.end("organisation"), 0, ("ORG",))
    if names.ending_at(spokesperson.end("organisation"), 0, ("GPE", "NORP")) is not None:
        return None  # "The U.S. official": the country's, not the U.S. Congress named before
    if found is None:
        word = spokesperson.group("organisation").split()[-1].lower()
        found = names.last_before(
            spokesperson.start(), lambda i: names.types[i] == "ORG" and word in names.texts[i].lower().split()
        )
    return found


def _reporter_in_apposition(body: str, cue: re.Match, names: _Names) -> int | None:
    """The person whose apposition ends at `cue`: "Stanley Fishman, analyst at Fahnestock and Co, said"."""

    def reports(i: int) -> bool:
        if names.types[i] != "PERSON" or cue.start() - names.ends[i] >= 100:
            return False
        match = _REPORTS_AFTER.match(body[names.ends[i] : cue.end()])
        return match is not None and names.ends[i] + match.end() == cue.end()

    return names.last_before(cue.start(), reports)


def _titled_name_after(body: str, position: int, names: _Names) -> int | None:
    """The person or organisation named right after `position`, past any title words."""
    i = bisect_right(names.starts, position - 1)
    while i < len(names.starts) and names.starts[i] - position <= 50:
        if not _TITLE_WORDS.match(body[position : names.starts[i]]):
            return None
        # "said PaineWebber Group analyst Jack Grubman": the analyst, whatever the model took the firm for (a firm
        # named in parts joined by "and", "Carroll McEntee and McGinley analyst Brian Singer"; a place in
        # parentheses, "Bache Securities (Japan) associate vice president")
        firm = i
        while firm + 1 < len(names.starts) and body[names.ends[firm] : names.starts[firm + 1]] in (" and ", " & "):
            firm += 1
        j = firm + 1
        while j < len(names.starts) and names.types[j] in ("GPE", "NORP") and body.startswith(")", names.ends[j]):
            j += 1
        employs = names.types[i] in ("ORG", "PERSON") and j < len(names.starts) and names.types[j] == "PERSON"
        gap = body[names.ends[firm] : names.starts[j]] if employs else ""
        if employs and _ROLE_GAP.match(gap) and not _CONJUNCTION.search(gap):
            return j
        if names.types[i] in ("PERSON", "ORG"):
            return i
        i += 1  # a nationality or a place in the title ("Belgian Finance Minister ...")
    return None


def _person_in_apposition(body: str, found: int, names: _Names, places: bool = False) -> int:
    """For an organisation named right before the cue as someone's employer, that someone: "analyst Wilfred
    Hahn of Bache Securities said", "Robert Murphy, account executive at E.F. Hutton, said", "Melicias from
    the research department of Drexel Burnham Lambert said"; with `places`, for a place too ("Robert Byrd of
    West Virginia told")."""
    offset = max(0, names.starts[found] - 80)
    employer = _EMPLOYER_BEFORE.search(body[offset : names.starts[found]])
    if (names.types[found] == "GPE" and not places) or not employer:
        return found
    at = offset + employer.start("preposition")
    person = names.ending_at(at, 1, types=("PERSON",))
    if person is None and employer.group("apposition"):
        person = names.ending_at(offset + employer.start("apposition"), 0, types=("PERSON",))
    if person is None:  # lower-case words between the person and the employer: "from the research department"
        earlier = names.last_before(at, lambda i: names.types[i] == "PERSON")
        if earlier is not None and _LOWER_WORDS.fullmatch(body[names.ends[earlier] : at]):
            person = earlier
    return person if person is not None else found


_LOWER_WORDS = re.compile(r"(?:\s+[a-z][a-z'-]*){1,8}")
# "Sen. Rudy Boschwitz (R-Minn.) said": a parenthesis between the name and its cue.
_PARENTHESIS_BEFORE = re.compile(r"\s*\([^()\n]{1,30}\)\s*$")


def _name_before_cue(body: str, cue_start: int, names: _Names) -> int | None:
    """The name right before a cue ("Bessent told"), or before a parenthesis before it."""
    found = names.ending_at(cue_start, 2)
    if found is None and (parenthesis := _PARENTHESIS_BEFORE.search(body[max(0, cue_start - 40) : cue_start])):
        found = names.ending_at(cue_start - len(parenthesis.group()), 1)
    return found


def _resolve_role(body: str, role: re.Match, cue: re.Match, before: str, names: _Names, quote_start: int):
    words = role.group(1).lower().split()
    at = (cue.start() - len(before) + role.start()) if role.re is _ROLE_BEFORE else (cue.end() + role.start())
    text = body[at : at + len(role.group(0).strip())] if role.re is _ROLE_BEFORE else role.group(0).strip()
    start = body.find(text, at)
    noun = words[-1]
    if noun in _PERSON_ROLES:
        speaker = _last_titled(body, noun, quote_start, names)
        if speaker is None and noun in _SPEAKS_FOR:  # "a Benetton spokeswoman said ... the spokeswoman said"
            speaker = _organisation_speaking_through(body, noun, quote_start, names)
            if speaker is None and noun.startswith("spokes"):  # "Financial Corp said ... the spokeswoman said"
                speaker = _last_organisation_reported(body, quote_start, names)
        entity = names.starts[speaker] if speaker is not None else None
    elif noun in _BODY_ROLES or noun in _DOCUMENTS:
        body_name = names.last_before(quote_start, lambda i: names.types[i] == "ORG" and noun in names.texts[i].lower())
        if body_name is None and noun in ("company", "firm") + _DOCUMENTS:  # "Pennzoil said ... the company said"
            body_name = _last_organisation_reported(body, quote_start, names)
        entity = names.starts[body_name] if body_name is not None else None
        if entity is None and noun in _DOCUMENTS:
            return None  # a statement no one is known to have issued
    else:
        return None
    return (text, start, start + len(text), entity)
