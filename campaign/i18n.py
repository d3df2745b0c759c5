"""Which language a page is shown in, and the language prefix of public URLs.

A page's language comes from, in order: a language prefix in the URL (`/ug/petitions/...`),
`?lang=`, the browser's Accept-Language, then the default language of the petition the page is
about, then the site default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, has_request_context, request
from flask_babel import refresh

from campaign.context import this_app, this_g, this_request

# Each language named in itself: that is how a reader looks for their own.
LANGUAGES = {
    "en": "English",
    "ug": "ئۇيغۇرچە",
    "tr": "Türkçe",
    "de": "Deutsch",
    "fr": "Français",
}
RTL_LANGUAGES = {"ug", "ar", "fa", "he", "ur"}

# Keys under which the prefix middleware leaves what it found in the WSGI environ.
URL_LANGUAGE_KEY = "campaign.url_language"
ORIGINAL_SCRIPT_NAME_KEY = "campaign.script_name"


class LanguagePrefixMiddleware:
    """Serve `/<lang>/anything` as `/anything` in that language.

    The prefix moves from PATH_INFO into SCRIPT_NAME, so every route of every blueprint works
    under every prefix without being declared twice, and `url_for` keeps the prefix in the links
    and redirects it builds: a supporter who came in on `/ug/...` stays in Uyghur.
    """

    def __init__(self, wsgi_app: Callable[..., Any], languages: Iterable[str]) -> None:
        self.wsgi_app = wsgi_app
        self.languages = frozenset(languages)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        first, _, rest = path[1:].partition("/")
        if path.startswith("/") and first in self.languages:
            script_name = environ.get("SCRIPT_NAME", "")
            environ[ORIGINAL_SCRIPT_NAME_KEY] = script_name
            environ[URL_LANGUAGE_KEY] = first
            environ["SCRIPT_NAME"] = f"{script_name}/{first}"
            environ["PATH_INFO"] = f"/{rest}"
        return self.wsgi_app(environ, start_response)


def url_language() -> str | None:
    """The language named by the URL prefix of the current request, if any."""
    language: str | None = this_request().environ.get(URL_LANGUAGE_KEY)
    return language


def query_language() -> str | None:
    """The language asked for with `?lang=`, if it is one we have."""
    wanted = this_request().args.get("lang", "")
    return wanted if wanted in LANGUAGES else None


def select_locale() -> str:
    """The language of the current page (see the module docstring for the order)."""
    chosen = url_language() or query_language()
    if chosen:
        return chosen
    best = this_request().accept_languages.best_match(list(LANGUAGES))
    if best:
        return best
    content_language = this_g().get("content_language")
    if content_language in LANGUAGES:
        return str(content_language)
    return str(this_app().config["DEFAULT_LANGUAGE"])


def use_content_language(language: str) -> None:
    """Make `language` (a petition's own) the fallback for visitors who state no preference."""
    globals_ = this_g()
    if globals_.get("content_language") != language:
        globals_.content_language = language
        # Flask-Babel caches the locale per request; something may have asked for it already.
        refresh()


def text_direction(language: str) -> str:
    return "rtl" if language.split("-")[0].split("_")[0] in RTL_LANGUAGES else "ltr"


def language_name(language: str) -> str:
    """The name of `language` in the language of the current page ("Englisch" on a German page)."""
    from flask_babel import get_locale

    page_locale = get_locale()
    try:
        name = Locale.parse(language).get_language_name(page_locale) if page_locale else None
    except (ValueError, UnknownLocaleError):
        name = None
    return name or LANGUAGES.get(language, language)


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switcher."""

    code: str
    name: str
    url: str
    current: bool


def _switchable_path() -> str:
    """The path (below any language prefix) that the same page has in another language.

    A POST answer (a form with errors) has no address of its own to reload, so the switcher
    leads back to the page the form was on.
    """
    if request.method in ("GET", "HEAD"):
        return request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith(request.script_root):
        path = referrer.path
        first, _, rest = path[1:].partition("/")
        return f"/{rest}" if first in LANGUAGES else path
    return "/"


def language_links(current: str, keep: dict[str, str] | None = None) -> list[LanguageLink]:
    """The same page in every language, as links that work without JavaScript."""
    base = request.environ.get(ORIGINAL_SCRIPT_NAME_KEY, request.script_root)
    path = _switchable_path()
    query = ({k: v for k, v in request.args.items() if k != "lang"}
             if request.method == "GET" else {})
    query.update(keep or {})
    suffix = f"?{urlencode(query)}" if query else ""
    return [LanguageLink(code, name, f"{base}/{code}{path}{suffix}", code == current)
            for code, name in LANGUAGES.items()]


def _keep_query_language(endpoint: str, values: dict[str, Any]) -> None:
    """Carry `?lang=` into the links a page builds, so the next page is in the same language."""
    language = query_language() if has_request_context() and not url_language() else None
    if (language and endpoint != "static" and "lang" not in values
            and not current_app.url_map.is_endpoint_expecting(endpoint, "lang")):
        values["lang"] = language


def init_app(app: Flask) -> None:
    """Serve the language prefixes and give templates the language helpers."""
    from flask_babel import format_date, format_datetime

    app.wsgi_app = LanguagePrefixMiddleware(app.wsgi_app, LANGUAGES)  # type: ignore[method-assign]
    app.url_defaults(_keep_query_language)
    app.jinja_env.globals.update(language_links=language_links, language_name=language_name,
                                 format_date=format_date, format_datetime=format_datetime)
