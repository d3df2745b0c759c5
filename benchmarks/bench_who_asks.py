"""Does the time of an answer tell who has signed? Prints, per database, how long the app
takes to answer a first signature and a repeat of one, and a data request for a known and
an unknown address (median and mean of many, in process), and the difference.

A repeat signature and a data request only record what the mail sender is to do later
(models/mail_requests.py), so each pair should differ by no more than noise. For comparison
with the network: a round trip inside one data centre is about 0.1–0.5 ms.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from stack import Stack, postgres_url, scratch_postgres, scratch_sqlite

from campaign import create_app
from campaign.extensions import db

ROUNDS = 1500
SLUG = "who-asks"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _app(database_url: str) -> Any:
    """The app in this process, on a migrated scratch database with one open petition."""
    Stack("who-asks", database_url).prepare(SLUG)
    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench-secret-key-" + "x" * 32,
                       "MAIL_DELIVERY": "worker",
                       # Many requests from one address: the limits are not what is measured.
                       "SIGN_RATE_LIMIT": "1000000 per minute",
                       "ABUSE_PER_IP_LIMIT": "1000000 per hour",
                       "ABUSE_PER_DOMAIN_LIMIT": "1000000 per hour"})


def _timed_post(app: Any, page: str, action: str, fields: dict[str, str]) -> float:
    client = app.test_client()
    token = TOKEN.search(client.get(page).get_data(as_text=True))
    assert token is not None, "no form on the page"
    started = time.perf_counter()
    answer = client.post(action, data={**fields, "csrf_token": token.group(1)})
    elapsed = time.perf_counter() - started
    assert answer.status_code == 303, answer.status_code
    return elapsed


def _pair(first: Callable[[int], float], second: Callable[[int], float]
          ) -> tuple[list[float], list[float]]:
    """Alternate the two, so that both see the same moments of the machine."""
    a, b = [], []
    for n in range(ROUNDS):
        a.append(first(n))
        b.append(second(n))
    return a, b


def _line(label: str, a: list[float], b: list[float], names: tuple[str, str]) -> str:
    ma, mb = statistics.median(a) * 1000, statistics.median(b) * 1000
    return (f"  {label:14} {names[0]} {ma:6.3f} ms, {names[1]} {mb:6.3f} ms (median; "
            f"difference {mb - ma:+.3f} ms; means {statistics.mean(a) * 1000:.3f} / "
            f"{statistics.mean(b) * 1000:.3f} ms)")


def measure(app: Any) -> None:
    sign_page, sign = f"/petitions/{SLUG}", f"/petitions/{SLUG}/sign"
    data_page = data = f"/petitions/{SLUG}/my-data"
    known = [f"known{n}@example.org" for n in range(50)]

    def sign_as(email: str) -> float:
        return _timed_post(app, sign_page, sign, {"name": "A Signer", "email": email,
                                                  "country": "BE", "consent_updates": "y"})

    for email in known:
        sign_as(email)
    for n in range(200):  # warm-up
        sign_as(f"warm{n}@example.org")
    first, repeat = _pair(lambda n: sign_as(f"first{n}@example.org"),
                          lambda n: sign_as(known[n % len(known)]))
    print(_line("signing", first, repeat, ("first", "repeat")))

    def ask(email: str) -> float:
        return _timed_post(app, data_page, data, {"email": email})

    unknown, held = _pair(lambda n: ask(f"nobody{n}@example.org"),
                          lambda n: ask(known[n % len(known)]))
    print(_line("data request", unknown, held, ("unknown", "known")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres-url", type=postgres_url,
                        default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="One database only.")
    options = parser.parse_args()
    for name in ("sqlite", "postgresql"):
        if options.only and name != options.only:
            continue
        with ExitStack() as scope:
            url = scope.enter_context(scratch_sqlite() if name == "sqlite"
                                      else scratch_postgres(options.postgres_url))
            app = _app(url)
            print(f"== {'SQLite' if name == 'sqlite' else 'PostgreSQL'}: {ROUNDS} of each")
            measure(app)
            with app.app_context():
                db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
