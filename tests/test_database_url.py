"""CAMPAIGN_DATABASE_URL as deployers write it: libpq's spelling works, anything else is told."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign.config import database_url

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
