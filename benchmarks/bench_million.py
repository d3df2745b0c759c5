"""A petition with 1,000,000 signatures is as fast as an empty one: page, JSON and signing.

For each database, on one production stack: an empty petition is measured in a fresh database;
then a second petition is filled with 1,000,000 confirmed signatures (one bulk INSERT ... SELECT,
the kept counts set to match) and the empty and the full petition are measured in turn, each
load on one right after the other, in four rounds that alternate which goes first, so that both
see the same machine load and the same database size. Prints each figure (mean of the rounds)
and the ratio full/empty (median of the rounds' own ratios); writes
instance/bench_million.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from contextlib import ExitStack
from typing import Any

from sqlalchemy import create_engine, text
from stack import ROOT, Stack, ms, postgres_url, run_load, signing_figures, start_stack

SLUG = "million"
EMPTY_SLUG = "empty"
# Measured in this order, and passed to _figures in it.
LOADS = ("page", "json", "sign")
COUNTRIES = ("BE", "FR", "DE", "NL", "UG", "TR", "GB", "US")


def fill(database_url: str, slug: str, total: int) -> float:
    """Add `total` confirmed signatures (and their signatories); set the kept counts. Seconds."""
    started = time.monotonic()
    engine = create_engine(database_url)
    postgres = engine.dialect.name == "postgresql"
    numbers = ("SELECT i FROM generate_series(1, :total) AS i" if postgres else
               "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :total)"
               " SELECT i FROM n")
    stamp = "'2026-01-01 00:00:00+00'" if postgres else "'2026-01-01 00:00:00.000000'"
    # Spread like real data: eight countries, a distinct address hash per signer.
    ip_hash = "md5(s.id::text)" if postgres else "printf('%032x', s.id * 2654435761)"
    country = ("CASE s.id % 8 " + " ".join(f"WHEN {n} THEN '{c}'" for n, c in enumerate(COUNTRIES))
               + " END")
    with engine.begin() as conn:
        petition_id = conn.execute(text("SELECT id FROM petitions WHERE slug = :slug"),
                                   {"slug": slug}).scalar_one()
        # Only this script's own SQL fragments are formatted in; the numbers are bound.
        conn.execute(text(
            f"INSERT INTO signatories (email_key, email, created_at) "  # noqa: S608
            f"SELECT 'bulk' || i || '@example.org', 'bulk' || i || '@example.org', {stamp} "
            f"FROM ({numbers}) AS numbers"), {"total": total})
        conn.execute(text(
            f"INSERT INTO signatures (petition_id, signatory_id, name, country, postcode, state,"  # noqa: S608
            f" consent_updates, show_name, source, referrer, ip_hash, language,"
            f" confirmation_sends, created_at, confirmed_at) "
            f"SELECT :petition_id, s.id, 'Bulk Signer', {country}, '', 'confirmed', false,"
            f" false, '', '', {ip_hash}, 'en', 1, {stamp}, {stamp} "
            f"FROM signatories AS s WHERE s.email_key LIKE 'bulk%'"),
            {"petition_id": petition_id})
        # The kept counts, set once here as confirmations would have moved them.
        conn.execute(text(
            "UPDATE petitions SET signature_count = signature_count + :total WHERE id = :id"),
            {"total": total, "id": petition_id})
        conn.execute(text("DELETE FROM petition_country_counts WHERE petition_id = :id"),
                     {"id": petition_id})
        conn.execute(text(
            "INSERT INTO petition_country_counts (petition_id, country, count) "
            "SELECT petition_id, country, count(*) FROM signatures "
            "WHERE petition_id = :id AND state = 'confirmed' GROUP BY petition_id, country"),
            {"id": petition_id})
    with engine.connect() as conn:
        if postgres:
            # Signatures that arrive over weeks are vacuumed as they come; a million inserted
            # at once would set autovacuum going in the middle of the measurements.
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM (ANALYZE)"))
        else:
            conn.execute(text("ANALYZE"))
            # Likewise checkpointed as they come; do it once here.
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            conn.commit()
    engine.dispose()
    return time.monotonic() - started


def measure(stack: Stack, slug: str, duration: int, run_no: int) -> dict[str, Any]:
    run_load(stack, "page", slug, duration=2)
    return _figures(*(run_load(stack, load, slug, duration, run_no) for load in LOADS))


def _figures(page: dict[str, Any], as_json: dict[str, Any], sign: dict[str, Any]
             ) -> dict[str, Any]:
    signing = signing_figures(sign)
    return {"page_per_s": page["per_s"], "json_per_s": as_json["per_s"],
            "signatures_per_s": signing["signatures_per_s"],
            "page_p99_ms": ms(page["p99_us"]), "json_p99_ms": ms(as_json["p99_us"]),
            "sign_p99_ms": ms(sign["p99_us"]),
            "errors": signing["errors"] + page["errors_total"] + as_json["errors_total"]}


def measure_pair(stack: Stack, duration: int, run_no: int, full_first: bool
                 ) -> tuple[dict[str, Any], ...]:
    """The empty and the full petition (in that order), each load run on one right after
    the other.

    Alternating per load, not per petition, so that both see the same moment of a machine
    whose speed drifts from one minute to the next; which goes first alternates from round
    to round (`full_first`), so that neither always follows the other's load.
    """
    runs: dict[str, list[dict[str, Any]]] = {EMPTY_SLUG: [], SLUG: []}
    order = [SLUG, EMPTY_SLUG] if full_first else [EMPTY_SLUG, SLUG]
    for load in LOADS:
        for slug in order:
            offset = 0 if slug == EMPTY_SLUG else 1
            runs[slug].append(run_load(stack, load, slug, duration, run_no + offset))
    return tuple(_figures(*runs[slug]) for slug in (EMPTY_SLUG, SLUG))


def combined(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean throughputs, worst p99s and summed errors of several runs."""
    result: dict[str, Any] = {}
    for key in ("page_per_s", "json_per_s", "signatures_per_s"):
        result[key] = round(sum(run[key] for run in runs) / len(runs), 1)
    for key in ("page_p99_ms", "json_p99_ms", "sign_p99_ms"):
        result[key] = max(run[key] for run in runs)
    result["errors"] = sum(run["errors"] for run in runs)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres-url", type=postgres_url,
                        default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--duration", type=int, default=10, help="Seconds per load.")
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=4,
                        help="Rounds of empty/full measurements after the fill.")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="One database only.")
    parser.add_argument("--output", default=str(ROOT / "instance" / "bench_million.json"))
    options = parser.parse_args()

    results: dict[str, Any] = {}
    for run_no, name in ((11, "sqlite"), (12, "postgresql")):
        if options.only and name != options.only:
            continue
        with ExitStack() as scope:
            stack = start_stack(scope, name, options.postgres_url, options.redis_url,
                                EMPTY_SLUG, SLUG)
            fresh = combined([measure(stack, EMPTY_SLUG, options.duration, run_no)])
            # Let requests still queued from the last load finish before the long INSERT.
            time.sleep(5)
            fill_seconds = fill(stack.database_url, SLUG, options.signatures)
            run_load(stack, "page", SLUG, duration=2)
            empty_runs, full_runs = [], []
            for round_no in range(options.rounds):
                empty, full = measure_pair(stack, options.duration // 2,
                                           100 * run_no + 10 * round_no,
                                           full_first=round_no % 2 == 1)
                empty_runs.append(empty)
                full_runs.append(full)
            empty, full = combined(empty_runs), combined(full_runs)
            rss = stack.rss_mb()
        # Each round measured the two petitions back to back: its ratio compares like moments
        # of the machine. The median of the rounds' ratios is not moved by one slow minute.
        by_round = {key: [round(f[key] / e[key], 3) for e, f in zip(empty_runs, full_runs,
                                                                     strict=True)]
                    for key in ("page_per_s", "json_per_s", "signatures_per_s")}
        ratios = {key: round(statistics.median(values), 3) for key, values in by_round.items()}
        results[name] = {"empty_in_fresh_database": fresh, "empty": empty, "full": full,
                         "full_to_empty": ratios, "full_to_empty_by_round": by_round,
                         "signatures_added": options.signatures,
                         "fill_seconds": round(fill_seconds, 1), "worker_rss_mb": rss}
        title = "SQLite" if name == "sqlite" else "PostgreSQL + Redis"
        print(f"\n== {title}: {options.signatures:,} signatures added in {fill_seconds:.0f} s")
        print(f"  {'':10}{'empty':>12}{'full':>12}{'full/empty':>12}   (each round's ratio)")
        for key, label in (("page_per_s", "page/s"), ("json_per_s", "JSON/s"),
                           ("signatures_per_s", "signs/s")):
            rounds = " ".join(f"{ratio:.0%}" for ratio in by_round[key])
            print(f"  {label:10}{empty[key]:12.1f}{full[key]:12.1f}{ratios[key]:12.1%}"
                  f"   ({rounds})")
        print(f"  (the empty petition in the fresh database, before the fill: page "
              f"{fresh['page_per_s']}/s, JSON {fresh['json_per_s']}/s, signs "
              f"{fresh['signatures_per_s']}/s)")
        print(f"  p99 ms    page {empty['page_p99_ms']} -> {full['page_p99_ms']}, JSON "
              f"{empty['json_p99_ms']} -> {full['json_p99_ms']}, sign {empty['sign_p99_ms']} "
              f"-> {full['sign_p99_ms']}; errors {empty['errors']} / {full['errors']}")
        print("  RSS per worker: " + ", ".join(f"{w['rss_mb']} MB (peak {w['peak_rss_mb']} MB)"
                                               for w in rss))

    with open(options.output, "w") as fh:
        json.dump(results, fh, indent=2)
    print(f"\nwritten to {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
