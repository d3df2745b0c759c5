"""The ISO 3166 country list used by every form that asks for a country."""

from __future__ import annotations

import unicodedata
from functools import cache

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
    return dict(sorted(pairs, key=lambda pair: collation_key(pair[1])))


# The Uyghur alphabet in its own order; the hamza (ئ) only carries a vowel and is not sorted on.
_UYGHUR_ORDER = {letter: index for index, letter in enumerate(
    "اەبپتجچخدرزژسشغفقكگڭلمنھوۇۆۈۋېىي")}


def collation_key(name: str) -> tuple[tuple[int, str], ...]:
    """A sort key close to how readers order names: accents ignored, Uyghur by its alphabet."""
    key = []
    for char in name.casefold():
        if char in _UYGHUR_ORDER:
            key.append((1, chr(_UYGHUR_ORDER[char] + 0x100)))
        elif char != "ئ":
            base = unicodedata.normalize("NFKD", char)[:1]
            key.append((0, base))
    return tuple(key)
