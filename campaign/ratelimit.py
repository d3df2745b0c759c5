"""Rate limits on the routes that take input, built on the `limits` library.

Counts live in Redis when `CAMPAIGN_REDIS_URL` is set (`RedisCounts`), so a limit holds across
every worker and machine; in this process's memory otherwise (`ProcessCounts`). Only the routes
that count pay for a limit (the decorated ones, and signing, which counts its route limit and
its abuse limits together with `RateLimits.hit_many`): the petition page, its JSON and every
other read carry no rate-limit work at all. (Flask-Limiter, used before, ran a hook on every
request: a tenth of the petition page's time under load.)

    @rate_limited(lambda: current_app.config["SIGN_RATE_LIMIT"])
    def sign(...): ...

Past a limit the request is refused with 429 before the view runs. `charge_when` counts a
request only when its response says so (failed logins, not successful ones).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache, wraps
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, current_app, make_response, request
from limits import RateLimitItem, parse
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter, RateLimiter
from redis import Redis, RedisError
from redis.connection import ConnectionInterface
from redis.exceptions import NoScriptError
from werkzeug.exceptions import TooManyRequests

from campaign.clients import client_ip
from campaign.redis_store import redis_for

P = ParamSpec("P")
R = TypeVar("R")
# A limit and the identifiers of one counter of it (prefix first): see RateLimits.counter.
Counter = tuple[RateLimitItem, tuple[str, ...]]


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

    def incr_many(self, windows: Sequence[tuple[str, int]]) -> list[int]:
        """Count one hit on each (key, expiry); the new counts, in order."""
        return [self.incr(key, expiry) for key, expiry in windows]

    def incr_many_later(self, windows: Sequence[tuple[str, int]]) -> Callable[[], list[int]]:
        """incr_many, as RedisCounts has it: counted now, the counts given by the function."""
        counts = self.incr_many(windows)
        return lambda: counts

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


# Adds ARGV[2i] to KEYS[i] and starts its window of ARGV[2i-1] seconds when the key is new;
# returns the new counts. One script call counts every key of a request: one round trip.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  local amount = tonumber(ARGV[2 * i])
  local count = redis.call('INCRBY', key, amount)
  if count == amount then
    redis.call('EXPIRE', key, ARGV[2 * i - 1])
  end
  counts[i] = count
end
return counts
"""


class RedisCounts(Storage):
    """Fixed-window counters in Redis, shared by every worker and machine.

    What `limits`' own Redis storage does for one key, but several keys are counted in one
    script call (`incr_many`): signing counts its route limit and the abuse limits of the
    same request in one round trip, where each round trip cost PostgreSQL + Redis signing
    about 7 % of its throughput in `make bench`. Keys live under the app's Redis prefix.
    """

    STORAGE_SCHEME = ["campaign-redis"]

    def __init__(self, client: Redis, key_prefix: str, uri: str = "campaign-redis://",
                 wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._client = client
        self._key_prefix = key_prefix
        self._count = client.register_script(_COUNT_SCRIPT)
        self._own = threading.local()

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return RedisError

    def _key(self, key: str) -> str:
        return f"{self._key_prefix}:{key}"

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        (count,) = self._count([self._key(key)], [int(expiry), amount])
        return int(count)

    def _script_input(self, windows: Sequence[tuple[str, int]]) -> tuple[list[str], list[int]]:
        """The count script's keys and arguments (each window's seconds, and 1) for windows."""
        arguments: list[int] = []
        for _, expiry in windows:
            arguments += [int(expiry), 1]
        return [self._key(key) for key, _ in windows], arguments

    def incr_many(self, windows: Sequence[tuple[str, int]]) -> list[int]:
        """Count one hit on each (key, expiry) in one round trip; the new counts, in order."""
        counts = self._count(*self._script_input(windows))
        return [int(count) for count in counts]

    def incr_many_later(self, windows: Sequence[tuple[str, int]]) -> Callable[[], list[int]]:
        """incr_many, sent now and read when the returned function is called: the round trip
        to Redis overlaps the caller's work in between. Call it exactly once."""
        keys, arguments = self._script_input(windows)
        connection = self._counting_connection()
        connection.send_command("EVALSHA", self._count.sha, len(keys), *keys, *arguments)
        self._own.unread = True

        def counts() -> list[int]:
            try:
                reply = connection.read_response()
            except NoScriptError:
                reply = None  # Redis restarted and forgot the script: loaded again below
            finally:
                self._own.unread = False
            if reply is None:
                reply = self._count(keys, arguments)
            return [int(count) for count in reply]

        return counts

    def _counting_connection(self) -> ConnectionInterface:
        """This thread's own connection for the counts, made on first use in this process.

        Not taken from the client's pool and given back for each signature: redis-py's pool
        does several times the work of the command (a lock, its metrics, a poll of the
        socket) each time. The connection connects again by itself after an error (redis-py
        drops it on any error but a Redis error reply, after which nothing is left unread;
        a reply never read is dropped with it) and pings Redis first after sitting idle (the
        client's health check interval).
        """
        own = self._own
        connection: ConnectionInterface | None = getattr(own, "connection", None)
        if connection is None or own.pid != os.getpid():
            connection = own.connection = self._client.connection_pool.make_connection()
            own.pid, own.unread = os.getpid(), False
        elif own.unread:
            # Counts sent and never read (a caller that broke the rule): their reply must not
            # be taken for the next ones.
            connection.disconnect()
            own.unread = False
        return connection

    def get(self, key: str) -> int:
        value = self._client.get(self._key(key))
        return int(value) if value is not None else 0

    def get_expiry(self, key: str) -> float:
        seconds = int(self._client.ttl(self._key(key)))
        return time.time() + max(seconds, 0)

    def check(self) -> bool:
        try:
            return bool(self._client.ping())
        except RedisError:
            return False

    def reset(self) -> int | None:
        keys = list(self._client.scan_iter(match=f"{self._key_prefix}:LIMITER/*", count=1000))
        for start in range(0, len(keys), 500):
            self._client.delete(*keys[start:start + 500])
        return len(keys)

    def clear(self, key: str) -> None:
        self._client.delete(self._key(key))


class RateLimits:
    """The app's limit counters: one strategy over one storage, shared with the abuse guard."""

    def __init__(self, storage: ProcessCounts | RedisCounts, prefix: str) -> None:
        self.storage = storage
        self.strategy: RateLimiter = FixedWindowRateLimiter(storage)
        self.prefix = prefix

    def hit(self, spec: str, *key: str) -> bool:
        """Count one request against `spec`; False when it is past the limit."""
        return self.strategy.hit(parse_limit(spec), self.prefix, *key)

    def test(self, spec: str, *key: str) -> bool:
        """Whether one more request would be within `spec`, without counting it."""
        return self.strategy.test(parse_limit(spec), self.prefix, *key)

    def counter(self, spec: str, *key: str) -> Counter:
        """The counter of `spec` for `key`, for hit_many."""
        return parse_limit(spec), (self.prefix, *key)

    def hit_many(self, counters: Sequence[Counter]) -> list[bool]:
        """Count one request on each counter, all in one storage call (one Redis round trip);
        for each, False when it is past its limit."""
        return self.hit_many_later(counters)()

    def hit_many_later(self, counters: Sequence[Counter]) -> Callable[[], list[bool]]:
        """hit_many, sent to the storage now; the returned function reads the answer (call it
        exactly once, whatever happens in between: a try/finally)."""
        counts = self.storage.incr_many_later([(item.key_for(*identifiers), item.get_expiry())
                                               for item, identifiers in counters])
        return lambda: [count <= item.amount
                        for (item, _), count in zip(counters, counts(), strict=True)]


def init_app(app: Flask) -> None:
    client = redis_for(app)  # no connection yet: a worker opens its own after the fork
    storage = (RedisCounts(client, app.config["REDIS_PREFIX"]) if client is not None
               else ProcessCounts())
    app.extensions["campaign_rate_limits"] = RateLimits(
        storage, f"{app.config['RATELIMIT_KEY_PREFIX']}/limit")


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
