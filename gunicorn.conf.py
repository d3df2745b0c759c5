"""gunicorn settings for production: `make serve` or `gunicorn -c gunicorn.conf.py`.

Every value can be changed from the command line (`--workers 4`) or the environment
(WEB_CONCURRENCY, PORT, HOST, GUNICORN_CMD_ARGS); the app reads its own CAMPAIGN_* settings.
"""

import gc
import os
import socket

wsgi_app = "campaign:create_app()"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# One process per core: a request is CPU work in Python plus one short database round trip.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
# Sync workers: one request at a time per process, the connection closed after it. The work
# is CPU-bound Python, and behind the reverse proxy gunicorn must sit behind (it buffers slow
# clients) the proxy's connections to gunicorn are short anyway (nginx's default). Measured
# with `make bench` against gthread with one thread per worker and kept-alive connections: the
# same signatures/s on PostgreSQL + Redis, 7 % more on SQLite, and 9-12 % less worker CPU per
# signature on both (no hand-over between a listening thread and a request thread for every
# request). More threads only fought over the GIL. A thread-based worker is a setting away:
# GUNICORN_CMD_ARGS="--worker-class gthread --threads 2".
worker_class = "sync"
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


def pre_fork(server, worker):  # type: ignore[no-untyped-def]
    """Move what the master built (the app and every module it imported) out of the garbage
    collector's sight before a worker is forked, as Python's documentation advises for
    fork without exec (gc.freeze).

    A worker's full collections then walk only the objects made since its fork, not the
    whole app again (tens of milliseconds each time, every few thousand signatures), and
    do not write into the pages it shares with the master, which stay shared.
    """
    del server, worker  # gunicorn's signature
    gc.freeze()


def post_fork(server, worker):  # type: ignore[no-untyped-def]
    """Drop any database connection inherited from the master; each worker opens its own.
    And close connections after a response without waiting (_close_after_draining)."""
    from campaign.extensions import db

    db.dispose(close=False)
    if os.environ.get("GUNICORN_LINGER", "") != "wait":
        from gunicorn import util

        util.close_graceful = _close_after_draining


def _close_after_draining(sock, timeout=2.0, max_drain=65536):  # type: ignore[no-untyped-def]
    """Close a client connection after the response without waiting for the client's FIN.

    gunicorn's own close_graceful (RFC 9112, 9.6) half-closes, then blocks until the client
    closes too (up to 2 s), so that request bytes left unread cannot make the kernel answer
    with a reset that could cut the response short. A sync worker serves nobody meanwhile:
    under `make bench` the workers spent 15 % of their time there and the machine's cores
    sat idle. Behind the reverse proxy (which sends a request whole before gunicorn answers)
    nothing arrives after the response; whatever the client did send is read here without
    waiting, as much as gunicorn would, and the connection closed. GUNICORN_LINGER=wait
    keeps gunicorn's own way, for clients that talk to gunicorn directly.
    """
    del timeout  # gunicorn's signature; nothing is waited for
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.setblocking(False)
        drained = 0
        while drained < max_drain:
            data = sock.recv(4096)
            if not data:
                break
            drained += len(data)
    except OSError:  # nothing more to read now (BlockingIOError), or the client is gone
        pass
    finally:
        sock.close()
