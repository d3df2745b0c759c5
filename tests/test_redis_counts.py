"""Rate-limit and abuse counters in Redis: several counters in one round trip, fixed windows,
and signing pays one Redis round trip for all of its limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits import parse
from limits.strategies import FixedWindowRateLimiter
from redis import Redis
from redis.exceptions import ConnectionError, ResponseError  # noqa: A004 - redis-py's

from campaign.ratelimit import RedisCounts
from campaign.redis_store import redis_for
from tests.conftest import csrf_from
from tests.servers import redis_prefix, redis_url

pytestmark = pytest.mark.backend_independent


class CountingRedis(Redis):
    """A Redis client that remembers the name of every command it sends."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[str] = []

    def execute_command(self, *args: Any, **options: Any) -> Any:
        self.sent.append(str(args[0]).upper())
        return super().execute_command(*args, **options)


@pytest.fixture
def counts() -> Iterator[tuple[RedisCounts, CountingRedis, str]]:
    with redis_prefix() as prefix:
        client = CountingRedis.from_url(redis_url())
        yield RedisCounts(client, prefix), client, prefix
        client.close()


def test_several_counters_move_in_one_round_trip(
        counts: tuple[RedisCounts, CountingRedis, str]) -> None:
    storage, client, prefix = counts
    windows = [("LIMITER/a", 60), ("LIMITER/b", 3600), ("LIMITER/a", 60)]
    assert storage.incr_many(windows) == [1, 1, 2]
    assert storage.incr_many(windows) == [3, 2, 4]
    assert client.sent.count("EVALSHA") + client.sent.count("EVAL") == 2
    assert storage.get("LIMITER/a") == 4 and storage.get("LIMITER/missing") == 0
    # Each window started with its key's first hit and is not pushed back by later ones.
    assert 0 < client.ttl(f"{prefix}:LIMITER/a") <= 60
    assert 3000 < client.ttl(f"{prefix}:LIMITER/b") <= 3600


def test_counts_read_later_keep_their_connection_usable_whatever_happens(
        counts: tuple[RedisCounts, CountingRedis, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The counts go over a connection of the thread's own (not the pool's): whatever the
    reply, nothing is left unread on it, and a lost connection is made again."""
    storage, client, prefix = counts
    windows = [("LIMITER/a", 60), ("LIMITER/b", 60)]
    assert storage.incr_many_later(windows)() == [1, 1]
    # A Redis that restarted has forgotten the script: the counts are made all the same.
    client.script_flush()
    assert storage.incr_many_later(windows)() == [2, 2]
    # Any other error reply is raised; the connection goes on.
    client.set(f"{prefix}:LIMITER/text", "not a number")
    counted = storage.incr_many_later([("LIMITER/text", 60)])
    with pytest.raises(ResponseError):
        counted()
    assert storage.incr_many_later(windows)() == [3, 3]
    # Redis dropped the connection (a restart, a timeout): the next counts connect again.
    connection = storage._counting_connection()  # noqa: SLF001
    client.execute_command("CLIENT", "KILL", "ID", _client_id(connection))
    with pytest.raises(ConnectionError):
        storage.incr_many_later(windows)()
    assert storage.incr_many_later(windows)() == [4, 4]
    # Counts sent and never read: their reply is not taken for the next counts'.
    storage.incr_many_later(windows)
    assert storage.incr_many_later(windows)() == [6, 6]
    # A forked child never shares its parent's connection.
    monkeypatch.setattr("os.getpid", lambda: -1)
    assert storage._counting_connection() is not connection  # noqa: SLF001
    assert storage.incr_many_later(windows)() == [7, 7]


def _client_id(connection: Any) -> int:
    connection.send_command("CLIENT", "ID")
    return int(connection.read_response())


def test_redis_counts_are_fixed_windows_for_limits(
        counts: tuple[RedisCounts, CountingRedis, str]) -> None:
    storage, _, _ = counts
    limiter, twice = FixedWindowRateLimiter(storage), parse("2 per minute")
    assert [limiter.hit(twice, "client") for _ in range(3)] == [True, True, False]
    assert limiter.test(twice, "other") and not limiter.test(twice, "client")
    reset_at, remaining = limiter.get_window_stats(twice, "client")
    assert remaining == 0 and reset_at > 0
    limiter.clear(twice, "client")
    assert limiter.hit(twice, "client")
    assert storage.check()
    assert storage.reset() == 1
    assert limiter.test(twice, "client")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with redis_prefix() as prefix:
        app_config.update(REDIS_URL=redis_url(), REDIS_PREFIX=prefix,
                          RATELIMIT_KEY_PREFIX=prefix, SIGN_RATE_LIMIT="3 per minute")
        yield app_config


def _post(client: FlaskClient, slug: str, **fields: str) -> int:
    page = client.get(f"/petitions/{slug}")
    data = {"name": "Ayşe Tohti", "email": "ayse@throwaway.example", "country": "BE",
            "csrf_token": csrf_from(page.get_data(as_text=True)), **fields}
    return client.post(f"/petitions/{slug}/sign", data=data).status_code


def test_signing_counts_all_its_limits_in_one_redis_round_trip(
        app: Flask, client: FlaskClient, petition: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    with app.app_context():
        redis = redis_for(app)
    assert redis is not None
    scripts: list[tuple[Any, ...]] = []
    # Every command leaves through a connection's send_command, whether the client waits
    # for its reply there (execute_command) or reads it later (RedisCounts.incr_many_later).
    connection_class = redis.connection_pool.connection_class
    sent = connection_class.send_command

    def send_command(connection: Any, *args: Any, **options: Any) -> Any:
        if str(args[0]).upper() in ("EVALSHA", "EVAL"):
            scripts.append(args)
        return sent(connection, *args, **options)

    monkeypatch.setattr(connection_class, "send_command", send_command)
    assert _post(client, petition["slug"]) == 303
    # One script call: the route's limit, the address's and the (private) domain's.
    assert len(scripts) == 1
    assert scripts[0][2] == 3  # number of keys


def test_every_attempt_counts_against_the_signing_limit(
        client: FlaskClient, petition: dict[str, Any]) -> None:
    # Invalid forms count too: a flood of bad input is refused like any other.
    assert [_post(client, petition["slug"], email="not an address") for _ in range(3)] == \
        [422, 422, 422]
    assert _post(client, petition["slug"]) == 429
