"""Listed companies with their identifiers, from a maintained data package.

`pytickersymbols` (MIT) ships the constituents of about twenty stock indices (S&P 500, NASDAQ 100, DAX, FTSE
100, CAC 40, NIKKEI 225, ...) with their Yahoo ticker and ISINs. Publish joins an ORG entity to a listing by the
rule in `sql/publish/listings.sql` (`company_key`: case, punctuation and legal suffixes aside), and never on a
common word: a listing whose name is one everyday English word ("Next plc", "Target Corporation") matches
nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl
import pycountry
from spacy.lang.en.stop_words import STOP_WORDS

LISTING_SCHEMA = {
    "name": pl.String,  # as the package writes it: "Pfizer", "Apple Inc.", "Next plc"
    "ticker": pl.String,  # the primary Yahoo symbol: "PFE", "AD.AS"
    "isin": pl.String,  # the ISIN of the company's home country where it has several
    "country_code": pl.String,  # ISO 3166-1 alpha-2 of its home country
    "indices": pl.String,  # the indices it belongs to, "; "-separated
}

# Everyday words beyond spaCy's stop words ("next"): one-word company names in the package's indices that a
# sentence's first word or a headline's capitals make look like a name, and the words of generic institution
# names ("National Bank").
_EVERYDAY_EXTRA = frozenset(
    ["target", "block", "square", "progressive", "ball", "gap", "sage", "compass", "land", "news", "fox"]
    + ["national", "bank", "united", "american", "international", "general", "federal", "trust", "savings"]
    + ["financial", "capital", "union", "city", "commercial", "community", "central", "state", "royal"]
)
_EVERYDAY = frozenset(STOP_WORDS | _EVERYDAY_EXTRA)


@lru_cache(maxsize=256)
def _country_code(country: str | None) -> str | None:
    try:
        return pycountry.countries.lookup(country).alpha_2 if country else None
    except LookupError:
        return None


_NOTE = re.compile(r"\s*\([^)]*\)$")


def everyday_words() -> pl.DataFrame:
    """(word): the words a one-word company name may not be (spaCy's English stop words and a few more)."""
    return pl.DataFrame({"word": sorted(_EVERYDAY)}, schema={"word": pl.String})


@lru_cache(maxsize=1)
def listed_companies() -> pl.DataFrame:
    """One row per company of the package's indices (LISTING_SCHEMA)."""
    from pytickersymbols.indices_data import INDICES  # a large literal: read only when publish needs it

    companies: dict[str, dict] = {}
    for index, listing in sorted(INDICES.items()):
        for company in listing["companies"]:
            entry = companies.setdefault(company["name"], {"company": company, "indices": set()})
            entry["indices"].add(index)
    rows = []
    for name, entry in sorted(companies.items()):
        company = entry["company"]
        country = _country_code(company.get("country"))
        isins = company.get("isins") or []
        home = [isin for isin in isins if country and isin.startswith(country)]
        indices = "; ".join(sorted(entry["indices"]))
        # "Rio Tinto (corporation)": the package's note on which Rio Tinto is no part of the name
        plain = _NOTE.sub("", name)
        rows.append((plain, company.get("symbol"), (home or isins or [None])[0], country, indices))
    return pl.DataFrame(rows, schema=LISTING_SCHEMA, orient="row")


@lru_cache(maxsize=1)
def one_word_company_names() -> frozenset[str]:
    """The lower-cased names of the listed companies whose whole name is one word ("ferrari", "airbus"), everyday
    words aside: a company in its own right, which extraction does not fold into a longer name that starts or ends
    with it ("Boeing" beside "Boeing Capital" is the planemaker, not its finance arm)."""
    return frozenset(
        name.lower() for name in listed_companies()["name"] if " " not in name.strip() and name.lower() not in _EVERYDAY
    )
