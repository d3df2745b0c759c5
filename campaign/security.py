"""Response headers that every page carries."""

from __future__ import annotations

from flask import Flask, Response, abort, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def _add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    # A page that allows some sites to frame it (the petition embed) says so in its own CSP.
    if "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]:
        response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security",
                                    "max-age=63072000; includeSubDomains")
    return response


def _refuse_nul_bytes() -> None:
    """No text we accept contains NUL; PostgreSQL cannot even store it, so refuse it early."""
    if "\x00" in request.path or any(
            "\x00" in value for source in (request.args, request.form)
            for values in source.listvalues() for value in values):
        abort(400, "Your input contains a character that cannot be accepted (NUL).")


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul_bytes)
    app.after_request(_add_headers)
