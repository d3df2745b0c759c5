"""Settings as deployers write them: libpq's database URLs work; a typo is told at start, in
one line naming the variable, never found later as a 500 or as mail that never leaves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign.config import database_url, load_config

pytestmark = pytest.mark.backend_independent

CAMPAIGN = Path(sys.executable).parent / "campaign"


@pytest.mark.parametrize(("given", "used"), [
    ("postgresql://user@db-host/campaign", "postgresql+psycopg://user@db-host/campaign"),
    ("postgres://user:s%40cret@db-host:5433/campaign?sslmode=require",
     "postgresql+psycopg://user:s%40cret@db-host:5433/campaign?sslmode=require"),
    ("postgresql+psycopg://user@db-host/campaign", "postgresql+psycopg://user@db-host/campaign"),
    ("sqlite:////srv/campaign/data.sqlite3", "sqlite:////srv/campaign/data.sqlite3"),
])
def test_urls_the_app_can_use(given: str, used: str) -> None:
    assert database_url(given) == used


@pytest.mark.parametrize(("given", "told"), [
    ("db-host/campaign", "not a database URL"),
    ("mysql://root@db-host/campaign", "mysql is not supported"),
    ("postgresql+psycopg2://user@db-host/campaign", "the psycopg2 driver is not installed"),
])
def test_urls_it_cannot_use_are_refused_with_what_to_write(given: str, told: str) -> None:
    with pytest.raises(ValueError, match=told) as refused:
        database_url(given)
    assert "postgresql://" in str(refused.value)


def test_the_command_line_says_what_is_wrong_without_a_traceback(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CAMPAIGN_")}
    env["CAMPAIGN_DATABASE_URL"] = "mysql://root@db-host/campaign"
    done = subprocess.run([str(CAMPAIGN), "db", "current"], env=env, cwd=tmp_path,  # noqa: S603
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert "CAMPAIGN_DATABASE_URL: mysql is not supported" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("key", "value", "told"), [
    ("SMTP_URL", "smtp+startls://user:secret@mail.example.org:587", "expected smtp://"),
    ("SMTP_URL", "mail.example.org", "expected smtp://"),
    ("SMTP_CA_FILE", "/etc/campaign/no-such-ca.pem", "no readable certificate file"),
    ("REDIS_URL", "redis-host:6379", "expected redis://"),
    ("TRUSTED_PROXIES", "10.0.0.1, the-proxy", "'the-proxy' is not an address or network"),
    ("TRUSTED_PROXIES", "10.0.0.0/33", "'10.0.0.0/33' is not an address or network"),
    ("BASE_URL", "campaign.example.org", "expected the public address"),
    ("SIGN_RATE_LIMIT", "sixty a minute", "expected a limit like '60 per minute'"),
    ("ABUSE_PER_DOMAIN_LIMIT", "", "expected a limit"),
    ("MAIL_DELIVERY", "queue", "expected inline or worker"),
    ("MAIL_CONNECTIONS", 0, "expected 1 or more"),
])
def test_a_setting_that_cannot_work_stops_the_start(tmp_path: Path, key: str, value: str,
                                                   told: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        load_config(tmp_path, {key: value})
    assert str(stopped.value).startswith(f"CAMPAIGN_{key}: ")
    assert told in str(stopped.value)


def test_settings_as_written_in_the_readme_start(tmp_path: Path) -> None:
    config = load_config(tmp_path, {
        "SMTP_URL": "smtp+starttls://user:secret@mail.example.org:587",
        "REDIS_URL": "redis://redis-host:6379/0", "TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16",
        "BASE_URL": "https://campaign.example.org", "SIGN_RATE_LIMIT": "30/minute",
        "MAIL_DELIVERY": "worker", "DATABASE_URL": "postgresql://user@db-host/campaign"})
    assert config["DATABASE_URL"] == "postgresql+psycopg://user@db-host/campaign"
