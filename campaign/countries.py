"""The ISO 3166 country list used by every form that asks for a country."""

from __future__ import annotations

from functools import cache, lru_cache

import pycountry


@cache
def country_names() -> dict[str, str]:
    """Alpha-2 code to English short name, sorted by name."""
    pairs = sorted(((c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries),
                   key=lambda pair: pair[1])
    return dict(pairs)


def country_name(code: str) -> str:
    return country_names().get(code, code)


@lru_cache(maxsize=64)
def country_choices(placeholder: str) -> tuple[tuple[str, str], ...]:
    """The choices of a country field: the placeholder first, then every country.

    One tuple per placeholder text (so per language), built once: forms reuse it and the
    select widget renders its options once.
    """
    return (("", placeholder), *country_names().items())
