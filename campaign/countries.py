"""The ISO 3166 country list used by every form that asks for a country."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def country_names() -> dict[str, str]:
    """Alpha-2 code to English short name, sorted by name."""
    pairs = sorted(((c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries),
                   key=lambda pair: pair[1])
    return dict(pairs)


def country_name(code: str) -> str:
    return country_names().get(code, code)
