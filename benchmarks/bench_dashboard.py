"""Dashboard and CSV export with 1,000,000 signatures, on SQLite and PostgreSQL.

Generates the signatures with the backends' bulk paths (executemany into a fresh SQLite file,
COPY into a PostgreSQL schema of its own), renders the petition and campaign dashboards a few
times through the real app, then runs `campaign export signatures` in a subprocess and reads
its peak resident memory from the kernel. Prints the figures; asserts nothing.

    make bench-dashboard                    # both backends (PostgreSQL when reachable)
    BENCH_ROWS=200000 BENCH_BACKENDS=sqlite .venv/bin/python benchmarks/bench_dashboard.py
"""

from __future__ import annotations

import io
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402

import campaign.models  # noqa: E402,F401 - every table on Base.metadata
from campaign import create_app  # noqa: E402
from campaign.db import Base, make_engine  # noqa: E402
from campaign.extensions import db  # noqa: E402
from campaign.models import Signatory, Signature  # noqa: E402
from campaign.services import organizers, petitions  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "benchmark password 123"  # noqa: S105 - a throwaway database
SECRET = "benchmark-secret-key"  # noqa: S105 - a throwaway database
COUNTRIES = ["DE", "FR", "BE", "NL", "US", "GB", "SE", "IT", "ES", "CA", "TR", "KZ", "AU", "JP",
             "NO", "DK", "FI", "AT", "CH", "PL"]
WEIGHTS = [20, 14, 10, 9, 8, 8, 5, 5, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1]
SOURCES = ["", "share-email", "share-x", "share-whatsapp", "newsletter", "embed"]
START = datetime(2026, 1, 1, tzinfo=UTC)


def generate(rows: int):  # type: ignore[no-untyped-def]
    """(email, name, country, postcode, state, source, ip_hash, created, confirmed) tuples:
    90 % confirmed, 8 % pending, 2 % invalidated, over 180 days, 20 countries, 6 sources."""
    rng = random.Random(5)  # noqa: S311 - test data, not secrets
    countries = rng.choices(COUNTRIES, WEIGHTS, k=rows)
    for i in range(rows):
        roll = rng.random()
        state = "confirmed" if roll < 0.9 else ("pending" if roll < 0.98 else "invalidated")
        created = START + timedelta(seconds=int(180 * 86400 * (i / rows)))
        confirmed = created + timedelta(minutes=rng.randint(1, 600)) if state == "confirmed" \
            else None
        yield (f"person{i}@example.org", f"Person {i}", countries[i],
               f"{rng.randint(1000, 99999)}", state, SOURCES[i % len(SOURCES)],
               f"{rng.getrandbits(40):010x}", created, confirmed)


def _setup_app(url: str) -> tuple[object, int, int]:
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "TESTING": True,
                      "INSTANCE_PATH": tempfile.mkdtemp(prefix="bench-dashboard-"),
                      "MAIL_DELIVERY": "worker"})
    with app.app_context():
        person = organizers.create_organizer(db.session, "bench@example.org", PASSWORD)
        campaign = organizers.create_campaign(db.session, person, "Bench", "bench")
        petition = petitions.create_petition(db.session, campaign, petitions.PetitionFields(
            title="A million voices", target="The Council", goal=2_000_000, slug="million"))
        petitions.change_state(petition, "open")
        db.session.commit()
        return app, petition.id, campaign.id


def _signature_indexes() -> list:  # type: ignore[type-arg]
    return [i for i in Signature.__table__.indexes] + list(Signatory.__table__.indexes)


def _create_index_sql(index, dialect_name: str) -> str:  # type: ignore[no-untyped-def]
    """The CREATE INDEX the models define, expression indexes included."""
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex

    dialect = postgresql.dialect() if dialect_name == "postgresql" else sqlite.dialect()
    return str(CreateIndex(index).compile(dialect=dialect))


def load_sqlite(path: str, petition_id: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    for index in _signature_indexes():
        conn.execute(f"DROP INDEX IF EXISTS {index.name}")
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    batch_people, batch_sigs = [], []
    next_id = 1

    def flush() -> None:
        conn.executemany("INSERT INTO signatories (id, email_key, email, created_at) "
                         "VALUES (?, ?, ?, ?)", batch_people)
        conn.executemany(
            "INSERT INTO signatures (petition_id, signatory_id, name, country, postcode, state, "
            "consent_updates, show_name, source, referrer, ip_hash, language, "
            "confirmation_sends, created_at, confirmed_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, 'en', 1, ?, ?)", batch_sigs)
        batch_people.clear()
        batch_sigs.clear()

    for email, name, country, postcode, state, source, ip, created, confirmed in generate(ROWS):
        stamp = created.replace(tzinfo=None).strftime(fmt)
        batch_people.append((next_id, email, email, stamp))
        batch_sigs.append((petition_id, next_id, name, country, postcode, state,
                           next_id % 3 == 0, next_id % 5 == 0, source, ip, stamp,
                           confirmed.replace(tzinfo=None).strftime(fmt) if confirmed else None))
        next_id += 1
        if len(batch_sigs) >= 50_000:
            flush()
    flush()
    conn.commit()
    for index in _signature_indexes():
        conn.execute(_create_index_sql(index, "sqlite"))
    _finish_counts(conn.execute, petition_id)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def _finish_counts(execute, petition_id: int) -> None:  # type: ignore[no-untyped-def]
    """Set the kept counts from the loaded rows, as confirmations would have."""
    where = f"petition_id = {int(petition_id)} AND state = 'confirmed'"
    execute("UPDATE petitions SET signature_count = "  # noqa: S608 - an int, no user input
            f"(SELECT count(*) FROM signatures WHERE {where}) WHERE id = {int(petition_id)}")
    execute("INSERT INTO petition_country_counts (petition_id, country, count) "  # noqa: S608
            f"SELECT petition_id, country, count(*) FROM signatures WHERE {where} "
            "GROUP BY petition_id, country")
    execute("INSERT INTO petition_daily_views (petition_id, day, views) "  # noqa: S608
            f"VALUES ({int(petition_id)}, '2026-03-01', 2500000)")


def load_postgres(url: str, petition_id: int) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for index in _signature_indexes():
            conn.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy("COPY signatories (id, email_key, email, created_at) FROM STDIN") as cp:
            for i, row in enumerate(generate(ROWS), start=1):
                cp.write_row((i, row[0], row[0], row[7]))
        with cursor.copy(
                "COPY signatures (petition_id, signatory_id, name, country, postcode, state, "
                "consent_updates, show_name, source, referrer, ip_hash, language, "
                "confirmation_sends, created_at, confirmed_at) FROM STDIN") as cp:
            for i, (_, name, country, postcode, state, source, ip, created, confirmed) in \
                    enumerate(generate(ROWS), start=1):
                cp.write_row((petition_id, i, name, country, postcode, state, i % 3 == 0,
                              i % 5 == 0, source, "", ip, "en", 1, created, confirmed))
        cursor.execute("SELECT setval(pg_get_serial_sequence('signatories', 'id'), %s)", (ROWS,))
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        for index in _signature_indexes():
            conn.execute(text(_create_index_sql(index, "postgresql")))
        _finish_counts(lambda sql: conn.execute(text(sql)), petition_id)
    # VACUUM sets the visibility map, without which PostgreSQL cannot answer from the index.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE signatures"))
        conn.execute(text("VACUUM ANALYZE signatories"))
    engine.dispose()


def _token(client, path: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _second_step(app, client, path: str) -> None:  # type: ignore[no-untyped-def]
    """Organizers log in with a second factor: answer it as their authenticator app would."""
    import pyotp

    from campaign.models import Organizer

    with app.app_context():  # type: ignore[attr-defined]
        organizer = db.session.scalar(select(Organizer).where(
            Organizer.email == "bench@example.org"))
        organizer.totp_secret = organizer.totp_secret or pyotp.random_base32()
        db.session.commit()
        code = pyotp.TOTP(organizer.totp_secret).now()
    answer = client.post(path, data={"code": code, "csrf_token": _token(client, path)})
    assert answer.status_code == 303, answer.status_code


def time_pages(app, petition_id: int, campaign_id: int) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    """Render each dashboard cold (its GROUP BYs run) and warm (from the snapshot)."""
    from campaign.models import DashboardSnapshot

    client = app.test_client()  # type: ignore[attr-defined]
    answer = client.post("/login", data={"email": "bench@example.org", "password": PASSWORD,
                                         "csrf_token": _token(client, "/login")})
    assert answer.status_code == 303, answer.status_code
    if "/login/two-factor" in answer.location:
        _second_step(app, client, answer.location.replace("/setup", ""))

    def forget_snapshots() -> None:
        with app.app_context():  # type: ignore[attr-defined]
            db.session.query(DashboardSnapshot).delete()
            db.session.commit()

    results = {}
    for label, path in (("petition dashboard", f"/admin/petitions/{petition_id}/dashboard"),
                        ("campaign dashboard", f"/admin/campaigns/{campaign_id}/dashboard")):
        for mode in ("cold, GROUP BYs run", "warm, from the snapshot"):
            client.get(path)  # the first render warms the database's page cache
            times = []
            for _ in range(5):
                if mode.startswith("cold"):
                    forget_snapshots()
                began = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - began)
                assert response.status_code == 200, response.status_code
            results[f"{label} ({mode})"] = times
    return results


# Runs argv[1:] and prints its peak resident memory (KiB); exits with its status.
_PEAK_OF_CHILD = (
    "import resource, subprocess, sys\n"
    "status = subprocess.run(sys.argv[1:], check=False).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(status)\n")


def export_rss(url: str) -> tuple[int, float, int]:
    """Run the CLI export of every row in a subprocess; (rows, seconds, peak RSS in bytes)."""
    out = tempfile.NamedTemporaryFile(prefix="bench-export-", suffix=".csv", delete=False)
    out.close()
    env = dict(os.environ, CAMPAIGN_DATABASE_URL=url, CAMPAIGN_SECRET_KEY=SECRET)
    began = time.perf_counter()
    command = [str(Path(sys.executable).parent / "campaign"), "export", "signatures", "million",
               "--state", "all", "--output", out.name]
    # The export is started by a small Python of its own, which reports its child's peak: a
    # process forked from this one counts this one's memory in its peak RSS (the pages it
    # shared before exec), whatever the export itself used.
    done = subprocess.run([sys.executable, "-c", _PEAK_OF_CHILD, *command], env=env,  # noqa: S603
                          cwd=tempfile.gettempdir(), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"export failed with {done.returncode}:\n{done.stderr}")
    with open(out.name, "rb") as fh:
        rows = sum(1 for _ in io.BufferedReader(fh)) - 1
    os.unlink(out.name)
    return rows, seconds, int(done.stdout.split()[-1]) * 1024  # ru_maxrss is in KiB on Linux


def run(backend: str) -> None:
    print(f"\n== {backend}: {ROWS:,} signatures", flush=True)
    if backend == "sqlite":
        path = os.path.join(tempfile.mkdtemp(prefix="bench-dashboard-"), "bench.sqlite3")
        url = f"sqlite:///{path}"
        app, petition_id, campaign_id = _setup_app(url)
        began = time.perf_counter()
        load_sqlite(path, petition_id)
    else:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        app, petition_id, campaign_id = _setup_app(url)
        began = time.perf_counter()
        load_postgres(url, petition_id)
    print(f"generated in {time.perf_counter() - began:.1f} s", flush=True)
    try:
        for label, times in time_pages(app, petition_id, campaign_id).items():
            print(f"{label}: median {statistics.median(times) * 1000:.0f} ms, "
                  f"slowest {max(times) * 1000:.0f} ms over {len(times)} renders "
                  f"({'under' if max(times) < 1 else 'OVER'} 1 s)", flush=True)
        rows, seconds, rss = export_rss(url)
        print(f"CSV export of {rows:,} rows: {seconds:.1f} s, peak RSS {rss / 2**20:.0f} MB "
              f"({'under' if rss < 200 * 2**20 else 'OVER'} 200 MB)", flush=True)
    finally:
        db.dispose()
        if backend == "sqlite":
            os.unlink(path)
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def _postgres_reachable() -> bool:
    try:
        with create_engine(PG_URL).connect():
            return True
    except Exception:  # noqa: BLE001 - any failure means: skip PostgreSQL
        return False


def main() -> None:
    backends = os.environ.get("BENCH_BACKENDS", "sqlite,postgresql").split(",")
    for backend in backends:
        if backend == "postgresql" and not _postgres_reachable():
            print(f"\n== postgresql: not reachable at {PG_URL}; skipped")
            continue
        run(backend)


if __name__ == "__main__":
    main()
