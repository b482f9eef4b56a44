"""The figures in a story: each number that measures something, with its value, unit, kind and what it measures.

"$9,800 a tonne", "5.93 mln dlrs", "two percent", "100%", "$1.5bn", "USD87.04 a barrel", "28-3/4 cts",
"1.2 mln barrels per day", "80 U.S. cents per lb": a number (digits, with thousands separators, decimals and
wire fractions, or a number word) with a currency before or after it and/or a unit after it. A number with no
currency or unit (a date, a year, a count of people) is not a figure.

- `value` has the scale applied ("1.5 billion" → 1.5e9) and cents as a fraction of their currency;
- `unit` is percent, percentage points, or the measure (tonnes, barrels, barrels per day, bushels, bags,
  ounces, lb, ...); a price's unit is the measure it is quoted per ("a tonne");
- `currency` is the ISO 4217 code of money and prices (USD for "$", "dlrs", "cts");
- `kind`: price (money per unit), money, volume (a quantity), change (a percentage that rose or fell), rate
  (any other percentage: a tariff, an interest rate, a stake);
- `measure`: the noun the figure qualifies when one follows ("100% tariff" → tariff);
- `commodity`: the commodity named last before the figure in its sentence (a price belongs to the commodity
  it follows), else the first after it.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right

import polars as pl

from wiredesk.patterns import alternation
from wiredesk.tables import FIGURE_SCHEMA

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "half": 0.5,
}  # fmt: skip
_SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bln": 1e9,
    "bn": 1e9, "b": 1e9, "trillion": 1e12, "tln": 1e12, "tn": 1e12,
}  # fmt: skip
# Currency signs and codes before a number.
_CURRENCY_BEFORE = {
    "us$": "USD", "u.s.$": "USD", "$": "USD", "usd": "USD", "c$": "CAD", "a$": "AUD", "hk$": "HKD", "nz$": "NZD",
    "s$": "SGD", "r$": "BRL", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP", "¥": "JPY", "jpy": "JPY",
    "cny": "CNY", "rmb": "CNY", "rs": "INR", "inr": "INR", "chf": "CHF",
}  # fmt: skip
# Currency words after a number (and its scale).
_CURRENCY_AFTER = {
    "dlrs": "USD", "dlr": "USD", "dollars": "USD", "dollar": "USD", "u.s. dollars": "USD", "u.s. dlrs": "USD",
    "canadian dlrs": "CAD", "canadian dollars": "CAD", "australian dlrs": "AUD", "australian dollars": "AUD",
    "yen": "JPY", "euros": "EUR", "euro": "EUR", "marks": "DEM", "dmk": "DEM", "d-marks": "DEM",
    "swiss francs": "CHF", "francs": "FRF", "french francs": "FRF", "stg": "GBP", "pounds sterling": "GBP",
    "sterling": "GBP", "yuan": "CNY", "renminbi": "CNY", "rupees": "INR", "rupiah": "IDR", "ringgit": "MYR",
    "guilders": "NLG", "lire": "ITL", "lira": "ITL", "pesetas": "ESP", "won": "KRW", "baht": "THB",
    "cruzados": "BRL", "reais": "BRL", "pesos": "MXN", "rand": "ZAR", "roubles": "RUB", "rubles": "RUB",
}  # fmt: skip
_CENTS = {"cents": "USD", "cts": "USD", "ct": "USD", "cent": "USD", "u.s. cents": "USD", "us cents": "USD"}
# Measures after a number (or after "a"/"per" for a price), as one canonical unit.
_UNITS = {
    "tonnes": "tonnes", "tonne": "tonnes", "tons": "tonnes", "ton": "tonnes", "metric tons": "tonnes",
    "metric tonnes": "tonnes", "metric ton": "tonnes", "metric tonne": "tonnes",
    "short tons": "short tons", "long tons": "long tons", "mt": "tonnes",
    "barrels per day": "barrels per day", "barrels a day": "barrels per day", "bpd": "barrels per day",
    "b/d": "barrels per day", "bbl/d": "barrels per day", "barrels": "barrels", "barrel": "barrels",
    "bbl": "barrels", "bushels": "bushels", "bushel": "bushels", "bu": "bushels", "bags": "bags", "bag": "bags",
    "bales": "bales", "bale": "bales", "troy ounces": "ounces", "ounces": "ounces", "ounce": "ounces",
    "oz": "ounces", "lbs": "lb", "lb": "lb", "pounds": "lb", "pound": "lb", "kilos": "kg", "kilograms": "kg",
    "kg": "kg", "gallons": "gallons", "gallon": "gallons", "litres": "litres", "liters": "litres",
    "cubic feet": "cubic feet", "cubic metres": "cubic metres", "cubic meters": "cubic metres",
    "bcm": "billion cubic metres", "mmbtu": "mmBtu", "megawatts": "MW", "mw": "MW", "hectares": "hectares",
    "acres": "acres", "carats": "carats", "shares": "shares", "share": "shares",
}  # fmt: skip
UNITS = frozenset({"percent", "percentage points", *_UNITS.values()})
KINDS = ("price", "money", "volume", "change", "rate")

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:-\d/\d{1,2}|\s\d/\d{1,2})?"
_WORD_NUMBER = r"(?:" + alternation(_NUMBER_WORDS) + r")"


_FIGURE = re.compile(
    rf"""(?<![\w.$€£¥/-])
    (?P<before>(?i:{alternation(_CURRENCY_BEFORE)}))?\s?
    (?P<number>{_NUMBER}|(?i:{_WORD_NUMBER})(?=\s))
    (?:\s?(?P<scale>(?i:thousand|million|billion|trillion|mln|bln|tln|mn|bn|tn)\b|[mbk]\b))?
    (?:\s?(?P<percent>%|(?i:pct|percent|per\ cent)\b)(?P<points>\s(?i:percentage\ )?points?\b)?
      |\s(?P<points_only>(?i:percentage\ points?))\b
      |\s(?P<cents>(?i:{alternation(_CENTS)}))\b
      |\s(?P<after>(?i:{alternation(_CURRENCY_AFTER)}))\b
      |\s(?:(?i:of\s))?(?P<unit>(?i:{alternation(_UNITS)}))(?![\w/])
    )?
    """,
    re.VERBOSE,
)
_PER_UNIT = re.compile(rf"\s?(?:a|an|per|/)\s?(?P<unit>(?i:{alternation(_UNITS)}))(?![\w/])")
_CHANGE_WORDS = re.compile(
    r"(?i)\b(rose|rise|rises|rising|fell|fall|falls|falling|up(?!\s+to\b)|down|gained|gains?|lost|jumped|jumping|jumps?|"
    r"climbed|climbing|dropped|drops?|dropping|slipped|slid|declined?|declining|increased?|increasing|"
    r"decreased?|surged?|surging|plunged?|tumbled?|eased?|higher|lower|rallied|advanced?|shed|added|cut|"
    r"grew|grow|growth|slumped?|soared?|sank)\b"
)
_MEASURES = (
    r"tariffs?|duty|duties|levy|tax|stake|interest|rate|rates|increase|rise|fall|drop|decline|gain|cut|discount|"
    r"premium|share|growth|inflation|subsidy|quota|margin|dividend|yield|holding|surcharge"
)
_MEASURE_AFTER = re.compile(rf"^\s(?P<measure>{_MEASURES})\b", re.IGNORECASE)
# "tariffs of up to 35%", "a stake of about 20 pct": the measure before the figure, when none follows it
_MEASURE_BEFORE = re.compile(
    rf"\b(?P<measure>{_MEASURES})\s+(?:of\s+)?(?:up\s+to\s+|as\s+much\s+as\s+|about\s+|around\s+|some\s+)?$",
    re.IGNORECASE,
)


def amount_pattern(name: str) -> str:
    """A regex (verbose) for an amount of money or a bare amount, "1.47 dlrs", "73 cts", "51.4p", "EUR 56.5 mn",
    "2,872,000", "one dlr", its groups prefixed with `name` so that two can stand in one pattern; read it back
    with `amount_value`."""
    return rf"""(?:(?P<{name}_before>(?i:{alternation(_CURRENCY_BEFORE)}))\s?)?
        (?P<{name}_number>{_NUMBER}|(?i:{_WORD_NUMBER})(?=\s))
        (?:\s?(?P<{name}_scale>(?i:thousand|million|billion|trillion|mln|bln|tln|mn|bn|tn)\b))?
        (?:\s(?P<{name}_cents>(?i:{alternation(_CENTS)}))\b|\s(?P<{name}_after>(?i:{alternation(_CURRENCY_AFTER)}))\b
           |(?P<{name}_pence>p)\b)?"""


def amount_value(groups: dict, name: str) -> tuple[float, str | None] | None:
    """(value with its scale and cents applied, ISO currency or None) of an `amount_pattern(name)` match."""
    value = number_value(groups[f"{name}_number"])
    if value is None:
        return None
    value *= _SCALES.get((groups[f"{name}_scale"] or "").lower(), 1.0)
    currency = _CURRENCY_BEFORE.get((groups[f"{name}_before"] or "").lower())
    if groups[f"{name}_cents"]:
        return value * 0.01, _CENTS[groups[f"{name}_cents"].lower()]
    if groups.get(f"{name}_pence"):  # "51.4p": pence, as London's results lines write a share's earnings
        return value * 0.01, "GBP"
    if groups[f"{name}_after"]:
        currency = _CURRENCY_AFTER[groups[f"{name}_after"].lower()]
    return (value, currency) if math.isfinite(value) else None


def number_value(text: str) -> float | None:
    word = _NUMBER_WORDS.get(text.lower())
    if word is not None:
        return float(word)
    whole, _, fraction = re.sub(r"[\s-](\d/\d{1,2})$", r" \1", text).partition(" ")
    value = float(whole.replace(",", ""))
    if fraction:
        numerator, denominator = fraction.split("/")
        value += int(numerator) / int(denominator) if int(denominator) else 0
    return value


def parse_figures(text: str) -> list[dict]:
    """Every figure in `text`: start, end, text, value, unit, currency, kind, measure."""
    found = []
    for match in _FIGURE.finditer(text):
        groups = match.groupdict()
        currency = _CURRENCY_BEFORE.get((groups["before"] or "").lower())
        unit = None
        scale = _SCALES.get((groups["scale"] or "").lower(), 1.0)
        if groups["scale"] and groups["scale"].lower() in ("m", "b", "k") and not currency:
            continue  # "5m" without a currency sign is ambiguous (metres, minutes)
        value = number_value(groups["number"])
        if value is None:
            continue
        end = match.end()
        if groups["percent"] or groups["points_only"]:
            unit = "percentage points" if groups["points"] or groups["points_only"] else "percent"
        elif groups["cents"]:
            currency, scale = _CENTS[groups["cents"].lower()], scale * 0.01
        elif groups["after"]:
            currency = _CURRENCY_AFTER[groups["after"].lower()]
        elif groups["unit"]:
            unit = _UNITS[groups["unit"].lower()]
            if unit == "lb" and re.match(r"\s+sterling", text[end:]):
                continue
        if currency is None and unit is None:
            continue  # a bare number: a year, a date, a count
        per = _PER_UNIT.match(text, end) if currency else None
        if per:
            unit, end = _UNITS[per.group("unit").lower()], per.end()
        kind = _kind(text, match.start(), end, currency, unit, bool(per))
        measure = _MEASURE_AFTER.match(text[end : end + 30]) or _MEASURE_BEFORE.search(
            text[max(0, match.start() - 40) : match.start()]
        )
        amount = value * scale
        if not math.isfinite(amount):
            continue
        start = match.start() + (len(match.group()) - len(match.group().lstrip()))
        found.append(
            {
                "start_char": start,
                "end_char": end,
                "figure_text": text[start:end],
                "value": round(amount, 6),
                "unit": unit,
                "currency": currency,
                "kind": kind,
                "measure": measure.group("measure").lower() if measure else None,
            }
        )
    return found


def _kind(text: str, start: int, end: int, currency: str | None, unit: str | None, per_unit: bool) -> str:
    if currency:
        return "price" if per_unit else "money"
    if unit in ("percent", "percentage points"):
        before = " ".join(text[max(0, start - 60) : start].split()[-4:])
        after = " ".join(text[end : end + 30].split()[:2])
        return "change" if _CHANGE_WORDS.search(before) or _CHANGE_WORDS.search(after) else "rate"
    return "volume"


def figures(articles: pl.DataFrame, sentences: pl.DataFrame, commodity_mentions: pl.DataFrame) -> pl.DataFrame:
    """The figures in the titles and bodies of `articles` (FIGURE_SCHEMA); `commodity_mentions` carry `in_name`."""
    sentence_starts = (
        sentences.sort("article_id", "field", "start_char")
        .group_by("article_id", "field", maintain_order=True)
        .agg("start_char", "end_char", "sentence_index")
        .rows_by_key(["article_id", "field"], unique=True)
    )
    commodities = (
        # a commodity word inside a company's name ("TransAmerican Natural Gas Corp") is no figure's commodity
        commodity_mentions.filter(~pl.col("in_name"))
        .sort("article_id", "field", "start_char")
        .group_by("article_id", "field", maintain_order=True)
        .agg("start_char", "commodity")
        .rows_by_key(["article_id", "field"], unique=True)
    )
    rows = []
    for article_id, title, body in articles.select("article_id", "title", "body").iter_rows():
        for field, text in (("title", title), ("body", body)):
            found = parse_figures(text)
            if not found:
                continue
            starts, ends, indexes = sentence_starts.get((article_id, field), ([0], [len(text)], [0]))
            named_at, named = commodities.get((article_id, field), ([], []))
            for figure in found:
                position = max(bisect_right(starts, figure["start_char"]) - 1, 0)
                sentence = (starts[position], ends[position])
                rows.append(
                    {
                        "article_id": article_id,
                        "field": field,
                        "sentence_index": indexes[position],
                        "commodity": _commodity_of(figure["start_char"], sentence, named_at, named),
                        **figure,
                    }
                )
    return pl.DataFrame(rows, schema=FIGURE_SCHEMA).select(list(FIGURE_SCHEMA))


def _commodity_of(position: int, sentence: tuple[int, int], named_at: list[int], named: list[str]) -> str | None:
    """The commodity named last before `position` in its sentence, else the first named after it there."""
    i = bisect_right(named_at, position) - 1
    if i >= 0 and named_at[i] >= sentence[0]:
        return named[i]
    if i + 1 < len(named_at) and named_at[i + 1] < sentence[1]:
        return named[i + 1]
    return None
