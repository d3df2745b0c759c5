"""The current app, request and `g` themselves, for code that runs on every request.

An attribute read through one of Flask's context proxies (`request.path`, `g.get`,
`current_app.config`) takes about 6,600 instructions on Python 3.11 against 800 on the object
itself: the proxy's class has no such attribute, so Python raises and formats an
AttributeError before werkzeug's `LocalProxy.__getattr__` fetches the object (Python 3.12 no
longer raises). A signature (page view and sign POST) made 176 such reads. Code that runs on
every request, or on the petition page's and signing's paths, takes the objects from here
once and reads them directly; `read_proxies_directly` spares the libraries' own reads
(Flask-Babel, Flask-WTF, Flask-Login, Flask) the same cost.
"""

from __future__ import annotations

import sys
from typing import Any

from flask import Flask, Request, current_app, g, request
from flask.ctx import _AppCtxGlobals
from werkzeug.local import LocalProxy


def this_app() -> Flask:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return app


def this_request() -> Request:
    req: Request = request._get_current_object()  # type: ignore[attr-defined]
    return req


def this_g() -> _AppCtxGlobals:
    globals_: _AppCtxGlobals = g._get_current_object()  # type: ignore[attr-defined]
    return globals_


def read_proxies_directly() -> None:
    """On Python 3.11, let an attribute read through any context proxy go straight to the
    proxied object, without the AttributeError raised and formatted first.

    A signature still made about a hundred such reads inside the libraries. Names the
    proxy's class has itself (its slots, `_get_current_object`, the `__dunder__` lookups
    werkzeug defines) are read as before; any other name is read from the proxied object,
    which is what werkzeug's `__getattr__` does after the failed lookup. Outside a context
    the same RuntimeError is raised. Python 3.12 and newer need none of this.
    """
    if sys.version_info >= (3, 12) or "__getattribute__" in LocalProxy.__dict__:
        return
    own_names = frozenset(dir(LocalProxy)) | {"_LocalProxy__wrapped", "_get_current_object"}

    def __getattribute__(proxy: LocalProxy[Any], name: str) -> Any:  # noqa: N807 - the hook's name
        if name in own_names:
            return object.__getattribute__(proxy, name)
        return getattr(object.__getattribute__(proxy, "_get_current_object")(), name)

    LocalProxy.__getattribute__ = __getattribute__  # type: ignore[method-assign,assignment]
