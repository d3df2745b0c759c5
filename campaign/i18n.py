"""Which language a page is shown in."""

from __future__ import annotations

from flask import current_app, request

LANGUAGES = {"en": "English"}
RTL_LANGUAGES = {"ug", "ar", "fa", "he", "ur"}


def select_locale() -> str:
    """The language from ?lang=, then the browser's preference, then the default."""
    wanted = request.args.get("lang", "")
    if wanted in LANGUAGES:
        return wanted
    best = request.accept_languages.best_match(list(LANGUAGES))
    return best or current_app.config["DEFAULT_LANGUAGE"]


def text_direction(language: str) -> str:
    return "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr"
