"""Rate limits on the routes that take input, built on the `limits` library.

Counts live in Redis when `CAMPAIGN_REDIS_URL` is set, so a limit holds across every worker
and machine; in this process's memory otherwise (`ProcessCounts`). Only decorated routes pay for a limit: the
petition page, its JSON and every other read carry no rate-limit work at all. (Flask-Limiter,
used before, ran a hook on every request: a tenth of the petition page's time under load.)

    @rate_limited(lambda: current_app.config["SIGN_RATE_LIMIT"])
    def sign(...): ...

Past a limit the request is refused with 429 before the view runs. `charge_when` counts a
request only when its response says so (failed logins, not successful ones).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from functools import lru_cache, wraps
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, current_app, make_response, request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, RateLimiter
from werkzeug.exceptions import TooManyRequests

from campaign.clients import client_ip

P = ParamSpec("P")
R = TypeVar("R")


@lru_cache(maxsize=64)
def parse_limit(spec: str) -> RateLimitItem:
    """"5 per minute" as a `limits` item, parsed once per spelling."""
    return parse(spec)


class ProcessCounts(Storage):
    """Fixed-window counters in this process's memory: the storage when there is no Redis.

    `limits`' own memory storage keeps a timer thread going that wakes every 10 ms and walks
    every key; in a surge of distinct clients that is tens of thousands of keys, a large share
    of a worker's CPU. Here an expired window is replaced when its key is next counted, and
    the keys nobody came back for are dropped in one sweep at most every `sweep_seconds`.
    """

    STORAGE_SCHEME = ["campaign-process"]

    def __init__(self, uri: str = "campaign-process://", wrap_exceptions: bool = False,
                 sweep_seconds: float = 60.0, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window end, count)
        self._lock = threading.Lock()
        self._sweep_seconds = sweep_seconds
        self._next_sweep = time.time() + sweep_seconds

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return ValueError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            ends, count = self._windows.get(key, (0.0, 0))
            if ends <= now:
                ends, count = now + expiry, 0
            self._windows[key] = (ends, count + amount)
            return count + amount

    def get(self, key: str) -> int:
        ends, count = self._windows.get(key, (0.0, 0))
        return count if ends > time.time() else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        ends, _ = self._windows.get(key, (0.0, 0))
        return ends if ends > now else now

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            cleared = len(self._windows)
            self._windows.clear()
        return cleared

    def clear(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def _sweep(self, now: float) -> None:
        self._windows = {key: window for key, window in self._windows.items() if window[0] > now}
        self._next_sweep = now + self._sweep_seconds


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
    redis_url = app.config["REDIS_URL"]
    storage = storage_from_string(redis_url) if redis_url else ProcessCounts()
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
