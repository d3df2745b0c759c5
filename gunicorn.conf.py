"""gunicorn settings for production: `make serve` or `gunicorn -c gunicorn.conf.py`.

Every value can be changed from the command line (`--workers 4`) or the environment
(WEB_CONCURRENCY, PORT, HOST, GUNICORN_CMD_ARGS); the app reads its own CAMPAIGN_* settings.
"""

import os

wsgi_app = "campaign:create_app()"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# One process per core: a request is CPU work in Python plus one short database round trip.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
# gthread keeps connections alive (sync workers accept and close one per request). One
# thread per worker: the work is CPU-bound Python, and measured with `make bench` a second
# thread only added GIL contention (signing 475 -> 404 signatures/s from 1 to 4 threads,
# p99 61 -> 280 ms). Slow clients are the reverse proxy's problem (it buffers requests and
# responses), which is why gunicorn must sit behind one.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Each worker takes at most this many connections; more wait in the listen backlog for the
# first worker with room. Without a cap one worker may take nearly every kept-alive
# connection while the other idles (seen in the bench: half the throughput, run to run).
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "16"))
keepalive = 5
# Requests are parsed by gunicorn_h1c, gunicorn's C parser (a dependency in pyproject.toml);
# "auto" falls back to the Python parser where it is missing.
http_parser = os.environ.get("GUNICORN_HTTP_PARSER", "auto")
# Workers tell the master they are alive by touching a file after every request: in memory,
# not on disk, where gunicorn's documentation advises (a disk write per request otherwise).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
timeout = 30
graceful_timeout = 20
# Recycle workers now and then so that a slow leak can never grow without bound.
max_requests = 200_000
max_requests_jitter = 20_000
# The app is built once in the master and forked: workers start at once and share the
# imported code's memory. No connection is opened while building it; post_fork makes sure.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-Proto (https behind the proxy) is believed from the same hops the app trusts
# for X-Forwarded-For; gunicorn's own default is the loopback addresses.
forwarded_allow_ips = os.environ.get("CAMPAIGN_TRUSTED_PROXIES") or "127.0.0.1,::1"


def post_fork(server, worker):  # type: ignore[no-untyped-def]
    """Drop any database connection inherited from the master; each worker opens its own."""
    from campaign.extensions import db

    db.dispose(close=False)
