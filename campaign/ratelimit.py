"""Rate limits on the routes that take input, built on the `limits` library.

Counts live in Redis when `CAMPAIGN_REDIS_URL` is set, so a limit holds across every worker
and machine; in memory otherwise (one process). Only decorated routes pay for a limit: the
petition page, its JSON and every other read carry no rate-limit work at all. (Flask-Limiter,
used before, ran a hook on every request: a tenth of the petition page's time under load.)

    @rate_limited(lambda: current_app.config["SIGN_RATE_LIMIT"])
    def sign(...): ...

Past a limit the request is refused with 429 before the view runs. `charge_when` counts a
request only when its response says so (failed logins, not successful ones).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache, wraps
from typing import ParamSpec, TypeVar

from flask import Flask, Response, current_app, make_response, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, RateLimiter
from werkzeug.exceptions import TooManyRequests

from campaign.clients import client_ip

P = ParamSpec("P")
R = TypeVar("R")


@lru_cache(maxsize=64)
def parse_limit(spec: str) -> RateLimitItem:
    """"5 per minute" as a `limits` item, parsed once per spelling."""
    return parse(spec)


class RateLimits:
    """The app's limit counters: one strategy over one storage, shared with the abuse guard."""

    def __init__(self, strategy: RateLimiter, prefix: str) -> None:
        self.strategy = strategy
        self.prefix = prefix

    def hit(self, spec: str, *key: str) -> bool:
        """Count one request against `spec`; False when it is past the limit."""
        return self.strategy.hit(parse_limit(spec), self.prefix, *key)

    def test(self, spec: str, *key: str) -> bool:
        """Whether one more request would be within `spec`, without counting it."""
        return self.strategy.test(parse_limit(spec), self.prefix, *key)


def init_app(app: Flask) -> None:
    storage = storage_from_string(app.config["REDIS_URL"] or "memory://")
    app.extensions["campaign_rate_limits"] = RateLimits(
        FixedWindowRateLimiter(storage), f"{app.config['RATELIMIT_KEY_PREFIX']}/limit")


def limits_for(app: Flask) -> RateLimits:
    limits: RateLimits = app.extensions["campaign_rate_limits"]
    return limits


def rate_limited(spec: Callable[[], str], *, key: Callable[[], str] = client_ip,
                 methods: Iterable[str] | None = None,
                 charge_when: Callable[[Response], bool] | None = None
                 ) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse a route's requests past `spec()` per `key()` (the client address by default).

    `methods` limits only those methods (all when None). With `charge_when`, a request is
    refused once the limit is reached but only counted after its response, when
    `charge_when(response)` is true.
    """
    limited_methods = frozenset(m.upper() for m in methods) if methods else None

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        scope = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def limited(*args: P.args, **kwargs: P.kwargs) -> R:
            if limited_methods is not None and request.method not in limited_methods:
                return view(*args, **kwargs)
            limits = limits_for(current_app)
            limit, who = str(spec()), key()
            if charge_when is None:
                if not limits.hit(limit, scope, who):
                    raise TooManyRequests()
                return view(*args, **kwargs)
            if not limits.test(limit, scope, who):
                raise TooManyRequests()
            response = make_response(view(*args, **kwargs))
            if charge_when(response):
                limits.hit(limit, scope, who)
            return response  # type: ignore[return-value]

        return limited

    return decorator
