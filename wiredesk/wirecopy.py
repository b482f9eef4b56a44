"""Wire-copy conventions the NER model was not trained on: ALL-CAPS headlines and datelines.

`model_text` gives the model a copy of the article in which ALL-CAPS stretches are truecased from the casing
the same article uses elsewhere ("TRUMP MEETS XI" → "Trump meets Xi"). Only letter case changes, so every
offset into the copy is an offset into the original, and mention texts are always cut from the original.
`find_dateline` finds "HONG KONG, April 8 -" at the head of a body: the place is a place mention.
"""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[A-Za-z][A-Za-z'’.&-]*")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# PLACE[, REGION], Month DD - ; the place may be ALL CAPS or title case, the region is optional.
_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Za-z .'&-]{{1,40}}?)(?:, (?P<region>[A-Z][A-Za-z. ]{{1,30}}?))?,? {_MONTH} \d{{1,2}}\s*[-–—]"
)


def is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def case_map(text: str) -> dict[str, str]:
    """Lower-case word → the form the text writes it in most often, mixed case before ALL CAPS.

    An all-caps form ("OPEC", "U.S.") only wins when the text never writes the word otherwise: the same
    text's own ALL-CAPS dateline must not teach "SEOUL".
    """
    forms: dict[str, Counter] = {}
    for match in _WORD.finditer(text):
        word = match.group()
        forms.setdefault(word.lower(), Counter())[word] += 1
    chosen = {}
    for lower, counts in forms.items():
        mixed = [(n, w) for w, n in counts.items() if not (w.isupper() and len(w) > 1)]
        chosen[lower] = max(mixed)[1] if mixed else counts.most_common(1)[0][0]
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


def find_dateline(body: str) -> list[tuple[int, int]]:
    """Character spans of the dateline's place (and region) at the head of `body`, if it has one."""
    match = _DATELINE.match(body)
    if not match:
        return []
    return [match.span(group) for group in ("place", "region") if match.group(group)]


def model_text(title: str, body: str, separator: str) -> str:
    """`title + separator + body` with ALL-CAPS headline and dateline truecased for the model."""
    forms = case_map(body)
    if is_all_caps(title):
        title = truecase(title, forms)
    dateline = find_dateline(body)
    if dateline:
        end = dateline[-1][1]
        head = body[:end]
        if is_all_caps(head.split(",")[0]):
            body = truecase_span(head, forms) + body[end:]
    return f"{title}{separator}{body}"


def truecase_span(text: str, forms: dict[str, str]) -> str:
    """Like `truecase`, but a word the article never writes in mixed case is title-cased: a place name."""

    def recase(match: re.Match[str]) -> str:
        word = match.group()
        cased = forms.get(word.lower()) or word.capitalize()
        return cased if len(cased) == len(word) else word

    return _WORD.sub(recase, text)
