"""Error pages: a clear message for every failure, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def _render(status: int, title: str, message: str):  # type: ignore[no-untyped-def]
    if _wants_json():
        return jsonify({"error": title, "message": message}), status
    return render_template("error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):  # type: ignore[no-untyped-def]
        return _render(400, _("Form expired"),
                       _("The form was open too long or your browser did not send its cookie. "
                         "Please go back, reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        # Titles and messages in the visitor's language (the exception's own are English).
        messages = {
            400: (_("Bad Request"), _("What you sent could not be understood. Please try again.")),
            403: (_("Forbidden"), _("You cannot see this page.")),
            404: (_("Not Found"), _("There is nothing at this address.")),
            405: (_("Method Not Allowed"), _("This page cannot be used that way.")),
            409: (_("Conflict"), _("This cannot be done now. Please reload the page.")),
            413: (_("Request Entity Too Large"), _("What you sent is too large.")),
            429: (_("Too Many Requests"),
                  _("Too many requests. Please wait a minute and try again.")),
        }
        status = exc.code or 500
        title, message = messages.get(status, (exc.name, exc.description or exc.name))
        # Our own abort(400, "...") messages are written for people; Werkzeug's defaults are not.
        if exc.description != type(exc).description:
            message = exc.description or message
        return _render(status, title, message)

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError):  # type: ignore[no-untyped-def]
        log.error("internal error on %s", request.path, exc_info=exc.original_exception)
        return _render(500, _("Something went wrong"),
                       _("Nothing you did caused this. Please try again in a moment."))
