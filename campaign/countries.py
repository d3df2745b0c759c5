"""The ISO 3166 country list used by every form that asks for a country."""

from __future__ import annotations

from functools import cache

import unicodedata

import pycountry
from babel import Locale


@cache
def country_names() -> dict[str, str]:
    """Alpha-2 code to English short name, sorted by name."""
    pairs = sorted(((c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries),
                   key=lambda pair: pair[1])
    return dict(pairs)


def country_name(code: str) -> str:
    return country_names().get(code, code)


@cache
def country_names_in(language: str) -> dict[str, str]:
    """Alpha-2 code to the country's name in `language` (CLDR, through Babel), sorted by name."""
    territories = Locale.parse(language).territories
    pairs = [(code, territories.get(code, english)) for code, english in country_names().items()]
    return dict(sorted(pairs, key=lambda pair: unicodedata.normalize("NFKD", pair[1]).casefold()))
