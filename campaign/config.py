"""Configuration: defaults that work with nothing set, overridden by CAMPAIGN_* variables.

Nothing here runs at import time; `load_config` is called by the app factory.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from limits import parse as parse_limit
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULTS: dict[str, Any] = {
    # Empty means: a SQLite file in the instance folder.
    "DATABASE_URL": "",
    # Empty means: generated once and kept in instance/secret_key.
    "SECRET_KEY": "",
    # Key for hashing client addresses; empty means derived from SECRET_KEY.
    "IP_HASH_KEY": "",
    # Empty means: outgoing mail is written as .eml files to instance/outbox/.
    "SMTP_URL": "",
    # Empty means: the mail server's certificate is checked against the system's authorities;
    # else a PEM file of the authority that signed it (a relay with a private CA).
    "SMTP_CA_FILE": "",
    "MAIL_FROM": "Campaign Toolkit <noreply@localhost>",
    "BASE_URL": "http://127.0.0.1:5000",
    # Empty means: no Redis; rate limits in memory, mail sent by the database outbox worker.
    "REDIS_URL": "",
    # Prefix of every Redis key and queue name, so that several sites or test runs share a Redis.
    "REDIS_PREFIX": "campaign",
    # "inline": mail is sent right after the response (development);
    # "worker": mail waits in the outbox for `campaign worker`.
    "MAIL_DELIVERY": "inline",
    "MAIL_MAX_ATTEMPTS": 5,
    # SMTP connections a mail sender (`campaign worker`, or the inline sending) uses at once.
    "MAIL_CONNECTIONS": 8,
    # How long a confirmation link stays valid, and how often it may be re-sent.
    "CONFIRM_MAX_AGE_DAYS": 7,
    "CONFIRM_RESEND_LIMIT": 3,
    # Unconfirmed signatures older than this are deleted by `campaign purge`.
    "PENDING_PURGE_DAYS": 14,
    # Days after a letter is sent before its writer is asked whether the office replied.
    "LETTER_REPLY_CHECK_DAYS": 14,
    # Letters drafted but never sent lose their writer's details after this many days.
    "LETTER_DRAFT_FORGET_DAYS": 30,
    # A Unicode TTF font for printed letters; empty means DejaVu Sans or another system font.
    "LETTER_FONT": "",
    # Comma-separated addresses or networks of reverse proxies whose X-Forwarded-For we trust.
    "TRUSTED_PROXIES": "",
    # "auto": Secure cookies unless BASE_URL is plain http on 127.0.0.1 or localhost
    # (local development); "true"/"false" to force.
    "SESSION_COOKIE_SECURE": "auto",
    "ADMIN_IDLE_MINUTES": 30,
    "LOGIN_RATE_LIMIT": "5 per minute",
    "SIGN_RATE_LIMIT": "60 per minute",
    # Abuse limits (see campaign/services/abuse.py): past them, signatures are stored as
    # flagged for an organizer to review, and the supporter is answered as usual.
    "ABUSE_PER_IP_LIMIT": "30 per hour",
    "ABUSE_PER_DOMAIN_LIMIT": "200 per hour",
    # Big mail providers are shared by millions: only the per-address limits apply to them.
    "ABUSE_SHARED_DOMAINS": ("gmail.com,googlemail.com,outlook.com,hotmail.com,live.com,"
                             "yahoo.com,icloud.com,me.com,proton.me,protonmail.com,gmx.de,"
                             "gmx.net,web.de,mail.ru,yandex.ru,qq.com,163.com,126.com"),
    "TWO_FACTOR_ISSUER": "Campaign Toolkit",
    # Personal data of a petition closed longer than this is anonymised by `campaign purge`.
    "RETENTION_DAYS_AFTER_CLOSE": 180,
    # How long a link to see or erase one's data, or to unsubscribe, stays valid.
    "DATA_LINK_MAX_AGE_HOURS": 48,
    "UNSUBSCRIBE_LINK_MAX_AGE_DAYS": 365,
    # Page views are counted in memory and written to the database at most this often.
    "PAGE_VIEW_FLUSH_SECONDS": 10,
    # PostgreSQL: whether a new, still unconfirmed signature is acknowledged only once its
    # commit is on disk. Off, the sign statement commits asynchronously (synchronous_commit
    # off, for that statement alone): a crash of the database server may lose the pending
    # signatures of its last fraction of a second (each signer then gets no email and signs
    # again), never a confirmed one, and nothing is ever half written. The web processes
    # no longer wait for the disk: under a surge that idle time was 8 % of the machine.
    "SIGN_WAITS_FOR_DISK": False,
    # How long a process serves a petition from its copy before asking whether its row changed:
    # counts and edits show up within this time; signing re-checks the petition itself.
    "PETITION_RECHECK_SECONDS": 1.0,
    # With Redis: how long a process that found a mail job waiting trusts that it still waits.
    "MAIL_JOB_RECHECK_SECONDS": 1.0,
    # The dashboard's GROUP BY results are reused for this long (the worker refreshes them).
    "DASHBOARD_MAX_AGE_SECONDS": 300,
    "DEFAULT_LANGUAGE": "en",
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # argon2id cost: the library's defaults (RFC 9106); lower only in tests.
    "PASSWORD_HASH_TIME_COST": 3,
    "PASSWORD_HASH_MEMORY_KIB": 65536,
    # Documents: the largest file or download read, the largest admin upload, how long a
    # URL may take, and whether admin URLs may point into the server's own network.
    "INGEST_MAX_BYTES": 20_000_000,
    "INGEST_UPLOAD_MAX_BYTES": 10_000_000,
    "INGEST_FETCH_TIMEOUT": 20,
    "INGEST_ALLOW_PRIVATE_URLS": False,
    "TESTING": False,
    # Adds /bench/bare (a constant response, the ceiling `make bench` compares pages with).
    "BENCH": False,
}

_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True,
             "0": False, "false": False, "no": False, "off": False, "": False}


def _coerce(raw: str, default: Any) -> Any:
    """Turn an environment string into the type of its default."""
    if isinstance(default, bool):
        try:
            return _BOOLEANS[raw.strip().lower()]
        except KeyError:
            raise ValueError(f"expected a yes/no value, got {raw!r}") from None
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, (list, dict)):
        return json.loads(raw)
    return raw


def from_environment(environ: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    """Read every CAMPAIGN_<KEY> variable that names a known setting."""
    found: dict[str, Any] = {}
    for key, default in DEFAULTS.items():
        raw = environ.get(f"CAMPAIGN_{key}")
        if raw is not None:
            try:
                found[key] = _coerce(raw, default)
            except ValueError as exc:
                raise SystemExit(f"CAMPAIGN_{key}: {exc}") from None
    return found


def load_config(instance_path: Path, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Merge defaults, the environment and explicit overrides; fill derived values."""
    config = dict(DEFAULTS)
    config.update(from_environment(os.environ))
    if overrides:
        config.update(overrides)

    instance_path.mkdir(parents=True, exist_ok=True)
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance_path / 'campaign.sqlite3'}"
    try:
        config["DATABASE_URL"] = database_url(config["DATABASE_URL"])
    except ValueError as exc:
        raise SystemExit(f"CAMPAIGN_DATABASE_URL: {exc}") from None
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _instance_secret(instance_path / "secret_key")
    if not config["IP_HASH_KEY"]:
        config["IP_HASH_KEY"] = hashlib.sha256(
            b"ip-hash:" + config["SECRET_KEY"].encode()).hexdigest()
    config.setdefault("OUTBOX_DIR", str(instance_path / "outbox"))
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_SECURE"] = _cookie_secure(config["SESSION_COOKIE_SECURE"],
                                                     config["BASE_URL"])
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    # Flask-WTF ties the CSRF token to the session; a week covers a slow signer.
    config.setdefault("WTF_CSRF_TIME_LIMIT", 7 * 24 * 3600)
    for key, check in _CHECKS.items():
        try:
            check(config[key])
        except ValueError as exc:
            raise SystemExit(f"CAMPAIGN_{key}: {exc}") from None
    return config


# Settings read only when a request or a job needs them are checked at start: a typo is
# told in one line then, not found as a 500 under load or as mail that never leaves.
def _check_smtp_url(url: str) -> None:
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
        # An unknown scheme would be sent as plain SMTP: the password in clear text.
        raise ValueError("expected smtp://host:port, smtp+starttls://user:password@host:587 "
                         f"or smtps://user:password@host:465, got {parts.scheme or url!r}")


def _check_smtp_ca_file(path: str) -> None:
    if path and not os.access(path, os.R_OK):
        raise ValueError(f"no readable certificate file at {path!r}")


def _check_redis_url(url: str) -> None:
    if url and urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ValueError(f"expected redis://host:6379/0, rediss://... or unix://..., got {url!r}")


def _check_trusted_proxies(spec: str) -> None:
    for part in (part.strip() for part in spec.split(",")):
        if part:
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"{part!r} is not an address or network, like 10.0.0.1 or "
                                 "10.0.0.0/8; separate several with commas") from None


def _check_limit(spec: str) -> None:
    try:
        parse_limit(spec)
    except ValueError:
        raise ValueError(f"expected a limit like '60 per minute', got {spec!r}") from None


def _check_base_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected the public address, like https://campaign.example.org, "
                         f"got {url!r}")


def _check_at_least_one(value: int) -> None:
    if value < 1:
        raise ValueError(f"expected 1 or more, got {value}")


def _check_mail_delivery(mode: str) -> None:
    if mode not in ("inline", "worker"):
        raise ValueError(f"expected inline or worker, got {mode!r}")


_CHECKS: dict[str, Callable[[Any], None]] = {
    "SMTP_URL": _check_smtp_url, "SMTP_CA_FILE": _check_smtp_ca_file,
    "REDIS_URL": _check_redis_url,
    "TRUSTED_PROXIES": _check_trusted_proxies, "BASE_URL": _check_base_url,
    "MAIL_DELIVERY": _check_mail_delivery, "MAIL_CONNECTIONS": _check_at_least_one,
    **{key: _check_limit for key in ("LOGIN_RATE_LIMIT", "SIGN_RATE_LIMIT",
                                     "ABUSE_PER_IP_LIMIT", "ABUSE_PER_DOMAIN_LIMIT")}}


# The drivers installed with the app, by backend; a URL without one gets this one.
_DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}


def database_url(url: str) -> str:
    """`url` in the form SQLAlchemy needs, with the driver the app installs.

    `postgresql://` and `postgres://` (libpq's and most hosts' spelling) mean psycopg 3;
    SQLAlchemy alone would look for psycopg2, which is not installed. Raises ValueError,
    with what to write instead, for anything that is not a SQLite or PostgreSQL URL.
    """
    expected = "expected sqlite:///path/to/file.sqlite3 or postgresql://user@host/database"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"not a database URL; {expected}") from None
    backend = "postgresql" if parsed.get_backend_name() == "postgres" else parsed.get_backend_name()
    if backend not in _DRIVERS:
        raise ValueError(f"{backend} is not supported; {expected}")
    driver = parsed.drivername.partition("+")[2]
    if driver and driver != _DRIVERS[backend]:
        raise ValueError(f"the {driver} driver is not installed; write {backend}:// "
                         f"(the app uses {_DRIVERS[backend]})")
    if backend == "postgresql" and not driver:
        parsed = parsed.set(drivername=f"postgresql+{_DRIVERS[backend]}")
    return parsed.render_as_string(hide_password=False)


def _cookie_secure(setting: Any, base_url: str) -> bool:
    """Secure cookies everywhere except plain-http development on this machine."""
    if isinstance(setting, bool):
        return setting
    if str(setting).strip().lower() != "auto":
        try:
            return _BOOLEANS[str(setting).strip().lower()]
        except KeyError:
            raise SystemExit(f"SESSION_COOKIE_SECURE: expected auto or yes/no, "
                             f"got {setting!r}") from None
    parts = urlsplit(base_url)
    return not (parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1"))


def _instance_secret(path: Path) -> str:
    """Return the secret kept in the instance folder, creating it on first use."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    secret = secrets.token_urlsafe(48)
    # O_EXCL: when two processes start at once, one writes and both read the same key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    return secret
