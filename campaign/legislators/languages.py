"""Which languages legislators are written to in, by country: public facts, kept here by hand."""

from __future__ import annotations

# The EU's 24 official languages (Regulation No 1), as BCP 47 codes.
EU_OFFICIAL_LANGUAGES = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)

# Official languages of each EU member state, most usual for a letter first.
MEMBER_STATE_LANGUAGES: dict[str, tuple[str, ...]] = {
    "AT": ("de",),
    "BE": ("nl", "fr", "de"),
    "BG": ("bg",),
    "CY": ("el", "tr"),
    "CZ": ("cs",),
    "DE": ("de",),
    "DK": ("da",),
    "EE": ("et",),
    "ES": ("es",),
    "FI": ("fi", "sv"),
    "FR": ("fr",),
    "GR": ("el",),
    "HR": ("hr",),
    "HU": ("hu",),
    "IE": ("en", "ga"),
    "IT": ("it",),
    "LT": ("lt",),
    "LU": ("fr", "de", "lb"),
    "LV": ("lv",),
    "MT": ("mt", "en"),
    "NL": ("nl",),
    "PL": ("pl",),
    "PT": ("pt",),
    "RO": ("ro",),
    "SE": ("sv",),
    "SI": ("sl",),
    "SK": ("sk",),
}

EU_MEMBER_STATES = frozenset(MEMBER_STATE_LANGUAGES)

# Countries outside the EU whose chambers the shipped importers know.
OTHER_COUNTRY_LANGUAGES: dict[str, tuple[str, ...]] = {
    "US": ("en",),
    "GB": ("en",),
}

# Belgium elects its MEPs in three electoral colleges, each of one language community.
BELGIAN_COLLEGE_LANGUAGES = {"BE-FR": ("fr",), "BE-NL": ("nl",), "BE-DE": ("de",)}


def country_languages(country: str) -> list[str]:
    """The official languages of a country, most usual first; empty when not on file."""
    code = country.upper()
    return list(MEMBER_STATE_LANGUAGES.get(code) or OTHER_COUNTRY_LANGUAGES.get(code) or ())
