"""The Redis connection shared by rate limits, caching and the job queue, when configured."""

from __future__ import annotations

from flask import Flask
from redis import Redis


def redis_for(app: Flask) -> Redis | None:
    """The app's Redis client (a connection pool), made on first use; None without Redis."""
    url = app.config["REDIS_URL"]
    if not url:
        return None
    client: Redis | None = app.extensions.get("campaign_redis")
    if client is None:
        # Made lazily, so that a gunicorn worker opens its own connections after the fork.
        client = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5,
                                health_check_interval=30)
        app.extensions["campaign_redis"] = client
    return client


def key(app: Flask, *parts: str) -> str:
    """A Redis key under the app's prefix, so that several sites (or test runs) share one Redis."""
    return ":".join((app.config["REDIS_PREFIX"], *parts))
