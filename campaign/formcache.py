"""What keeps the public forms cheap on the hot pages: work done once, not per request."""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Any

import flask_wtf.csrf
from babel import support
from flask import session
from flask_babel import get_locale
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from markupsafe import Markup
from wtforms import Field
from wtforms.fields.core import UnboundField
from wtforms.i18n import messages_path
from wtforms.widgets import Select, html_params

from campaign import tokens
from campaign.context import this_app, this_g


class FixedOptionsSelect(Select):
    """A `<select>` whose options (the ~250 countries) are rendered once per choices tuple.

    Rendering them through WTForms took most of the petition page's time. The cache holds
    only tuples (immutable, kept alive by the cache, so an id is never reused) and only the
    unselected state; a re-shown form with a country chosen renders the usual way.
    """

    def __init__(self) -> None:
        super().__init__()
        self._options: dict[int, tuple[tuple[Any, ...], str]] = {}

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        choices = getattr(field, "choices", None)
        if field.data or not isinstance(choices, tuple):
            return super().__call__(field, **kwargs)
        entry = self._options.get(id(choices))
        if entry is None or entry[0] is not choices:
            render = type(self)._dispatch_render_option()
            options = "".join(render(choice) for choice in field._iter_choices_normalized())
            entry = (choices, options)
            self._options[id(choices)] = entry
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        # html_params escapes the attributes; the options were escaped by WTForms.
        # nosemgrep: no-markup-on-variables (reviewed: escaped above)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{entry[1]}</select>")  # noqa: S704  # nosec B704 - escaped by html_params and WTForms


@lru_cache(maxsize=64)
def _wtforms_catalog(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _CachedWTFormsTranslations:
    """WTForms' own messages in the request's language, each catalog read from disk once.

    Flask-WTF reads the catalog file again on every request that builds a form.
    """

    def gettext(self, string: str) -> str:
        return str(_wtforms_catalog(str(get_locale())).ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(_wtforms_catalog(str(get_locale())).ungettext(singular, plural, n))


_TRANSLATIONS = _CachedWTFormsTranslations()
# Flask-WTF's session key of the raw token (WTF_CSRF_FIELD_NAME's default).
_CSRF_FIELD = "csrf_token"


def csrf_token() -> str:
    """This visitor's CSRF token, the very value Flask-WTF's generate_csrf gives.

    Made here with a serializer built once (tokens.serializer): generate_csrf builds a new
    one for every call, a tenth of a new visitor's page view. Same session key, salt and
    signing, so CSRFProtect and the forms check it as their own (the sign-flow tests post
    it back).
    """
    globals_ = this_g()
    token: str | None = globals_.get(_CSRF_FIELD)
    if token is None:
        if _CSRF_FIELD not in session:
            session[_CSRF_FIELD] = secrets.token_hex(20)
        app = this_app()
        secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
        token = tokens.serializer(secret, "wtf-csrf-token").dumps(session[_CSRF_FIELD])
        setattr(globals_, _CSRF_FIELD, token)
    return token


def share_csrf_serializers() -> None:
    """Make Flask-WTF check (and make) CSRF tokens with the serializer built once per key
    (tokens.serializer), as `csrf_token` makes them.

    flask_wtf.csrf builds an itsdangerous serializer for every token it checks, and building
    one costs about what checking the token does (itsdangerous test-serialises a value to
    learn its kind): 2 % of a signature's instructions. Same key, salt and signing, so every
    check gives the same answer. Flask-WTF names the class at module level and calls it as
    `URLSafeTimedSerializer(secret_key, salt=...)`; pyproject.toml holds Flask-WTF below 2
    and the sign-flow and CSRF tests fail at once if that changes. Process-wide and
    idempotent: create_app calls it.
    """
    flask_wtf.csrf.URLSafeTimedSerializer = _shared_serializer


def _shared_serializer(secret_key: str, salt: str) -> Any:
    return tokens.serializer(secret_key, salt)


class _CachedCSRF(_FlaskFormCSRF):
    """The forms' CSRF field, filled with the token from `csrf_token`.

    Flask-WTF's form CSRF class is not public API: pyproject.toml holds Flask-WTF below 2,
    and the sign-flow tests fail at once if it changes.
    """

    def generate_csrf_token(self, csrf_token_field: Any) -> Any:
        return _TokenWhenShown()


class _TokenWhenShown:
    """The visitor's CSRF token (`csrf_token`), made when the form is rendered.

    A valid POST redirects without showing its form again, so it never signs a token (and
    the form is built on every POST of the sign path). Only __str__: the widget escapes it.
    """

    __slots__ = ()

    def __str__(self) -> str:
        return csrf_token()


# Each field of a hot form as first built, per (unbound field, name, prefix, language):
# CachedTranslationsMeta.bind_field copies it. The unbound fields are the form classes' own,
# which live as long as the process, so the map stays as small as the forms.
_bound_fields: dict[tuple[int, str, str, str], tuple[UnboundField, Field]] = {}
_own_field_ids: dict[type, frozenset[int]] = {}


def _own_fields(form: Any) -> frozenset[int]:
    """The ids of the unbound fields of the form's class (the CSRF field is made per form)."""
    ids = _own_field_ids.get(type(form))
    if ids is None:
        ids = _own_field_ids[type(form)] = frozenset(
            id(unbound) for _, unbound in type(form)._unbound_fields)
    return ids


class CachedTranslationsMeta(FlaskForm.Meta):
    """Form Meta for forms built on every request of a hot page: WTForms' messages, the
    CSRF token and the fields themselves without building anything again per request."""

    csrf_class = _CachedCSRF

    def get_translations(self, form: Any) -> Any:
        if not this_app().config.get("WTF_I18N_ENABLED", True):
            return super().get_translations(form)
        return _TRANSLATIONS

    def bind_field(self, form: Any, unbound_field: UnboundField, options: dict[str, Any]
                   ) -> Field:
        """A copy of the field as built the first time, now belonging to `form`.

        WTForms builds every field again for every form: building the sign form took twice
        as long as validating it (165 µs a form; 108 µs with copies). What a field's
        constructor sets is the same every time (its label, validators, flags, widget) but
        for the form and its meta, set here; what a request changes (data, errors, choices)
        is set on the copy, by process() and validate() as usual. The CSRF field is built
        per form by Flask-WTF and is bound the usual way. Labels a field makes itself (a
        field without one) are translated when bound, so copies are kept per language.
        """
        if (options.get("translations") is not _TRANSLATIONS
                or id(unbound_field) not in _own_fields(form)):
            return super().bind_field(form, unbound_field, options)  # type: ignore[no-any-return]
        language = self.__dict__.get("_language")
        if language is None:
            language = self._language = str(get_locale())
        key = (id(unbound_field), options["name"], options["prefix"], language)
        held = _bound_fields.get(key)
        if held is None or held[0] is not unbound_field:
            held = _bound_fields[key] = (unbound_field,
                                         super().bind_field(form, unbound_field, options))
        # Not copy.copy: Field.__new__ without `_form` makes an UnboundField.
        field: Field = object.__new__(type(held[1]))
        field.__dict__.update(held[1].__dict__, meta=self, _form=form)
        return field
