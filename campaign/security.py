"""Response headers that every page carries.

Every response gets a strict Content-Security-Policy (no inline script or style, no plugins,
no <base>, no framing), nosniff, a Referrer-Policy, and HSTS when served over HTTPS.

Embeddable pages (widgets other sites put in an <iframe>) are the one exception, and only
for framing: decorate the view with `@embeddable` (any site may frame it) or
`@embeddable("https://example.org")` (only those origins). Nothing else is relaxed. A view
whose allowed origins come from the database sets its own Content-Security-Policy (the strict
one with only `frame-ancestors` replaced) and carries `@embeddable` as well, so that the
header test knows its framing is meant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, abort
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from campaign.clients import resolve_trusted_hop
from campaign.context import this_app, this_request
from campaign.tokens import SmallPayloadSerializer

_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors {frame_ancestors}"
)
CONTENT_SECURITY_POLICY = _POLICY.format(frame_ancestors="'none'")
HSTS = "max-age=63072000; includeSubDomains"

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def embeddable(*origins: Any) -> Any:
    """Let other sites frame this view: all of them, or only the given origins."""
    def mark(view: ViewFunc, allowed: tuple[str, ...] = ()) -> ViewFunc:
        view.frame_ancestors = " ".join(allowed) if allowed else "*"  # type: ignore[attr-defined]
        return view
    if len(origins) == 1 and callable(origins[0]):
        return mark(origins[0])
    return lambda view: mark(view, tuple(origins))


def served_over_https() -> bool:
    """HTTPS to us, or to a trusted reverse proxy that says so in X-Forwarded-Proto."""
    req = this_request()
    if req.is_secure:
        return True
    proto = req.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return proto == "https" and resolve_trusted_hop(
        req.remote_addr or "", this_app().config["TRUSTED_PROXIES"])


def _frame_ancestors() -> str | None:
    """The frame-ancestors a view allows, or None for the strict default."""
    rule = this_request().url_rule
    if rule is None:
        return None
    view = this_app().view_functions.get(rule.endpoint)
    return getattr(view, "frame_ancestors", None)


# The headers of a page nobody may frame, the usual case: added in one step.
_STRICT_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    # The browsers' old XSS auditor is gone or harmful; "0" says so explicitly (OWASP advice).
    ("X-XSS-Protection", "0"),
)


def _add_headers(response: Response) -> Response:
    ancestors = _frame_ancestors()
    headers = response.headers
    # Views set a policy of their own (the embed's allow-list), never the other headers.
    if ancestors is None and "Content-Security-Policy" not in headers:
        headers.extend(_STRICT_HEADERS)
    else:
        policy = CONTENT_SECURITY_POLICY if ancestors is None else _POLICY.format(
            frame_ancestors=ancestors)
        # A view may also set its own policy (an allow-list per petition); it is kept.
        headers.setdefault("Content-Security-Policy", policy)
        if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
            headers.setdefault("X-Frame-Options", "DENY")
        for name, value in _STRICT_HEADERS[2:]:
            headers.setdefault(name, value)
    if served_over_https():
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per key and
    short cookies not compressed.

    Flask builds it again for every request (and itsdangerous test-serialises a value each
    time to learn its kind): measurable on the petition page, which sets a cookie for every
    new visitor's CSRF token.
    """

    _cached: tuple[tuple[Any, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = self._cached
        if cached is None or cached[0] != keys:
            cached = self._cached = (keys, self._build_serializer(*keys))
        return cached[1]

    def _build_serializer(self, secret_key: str | bytes | None,
                          fallbacks: tuple[str | bytes, ...]) -> URLSafeTimedSerializer | None:
        """Flask's own settings (salt, JSON tags, HMAC digest; old keys still verify); a short
        cookie is not compressed (tokens.SmallPayloadSerializer)."""
        if not secret_key:
            return None
        return SmallPayloadSerializer(
            [*fallbacks, secret_key],  # itsdangerous signs with the last key
            salt=self.salt, serializer=self.serializer,
            signer_kwargs={"key_derivation": self.key_derivation,
                           "digest_method": self.digest_method})


def _refuse_nul_bytes() -> None:
    """No text we accept contains NUL; PostgreSQL cannot even store it, so refuse it early."""
    # A query string can only decode to a NUL from "%00" or a raw NUL: look at its bytes
    # rather than parse it on every page view. A form is only read when a body came.
    req = this_request()
    query = req.query_string
    if ("\x00" in req.path or b"%00" in query or b"\x00" in query
            or (req.content_length or req.headers.get("Transfer-Encoding")) and any(
                "\x00" in value for values in req.form.listvalues() for value in values)):
        abort(400, "Your input contains a character that cannot be accepted (NUL).")


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
    app.before_request(_refuse_nul_bytes)
    app.after_request(_add_headers)
