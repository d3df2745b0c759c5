"""Signing under a surge: the production stack (gunicorn, 2 workers) against SQLite, then
PostgreSQL + Redis, driven by wrk at concurrency 32.

For each database, in one run on the same stack: the bare endpoint (a constant: the ceiling),
the petition page, its JSON, and the real sign flow (GET page, POST form) from distinct
clients with the production rate limits on. Prints the figures and writes instance/bench.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import ExitStack
from typing import Any

from stack import (
    CONCURRENCY,
    ROOT,
    WORKERS,
    Stack,
    cpu_per_unit,
    cpu_snapshot,
    load_average,
    minimal_flask_per_s,
    ms,
    outbox_and_signatures,
    postgres_url,
    run_load,
    signing_figures,
    start_stack,
)

SLUG = "surge"
# Bare, page and JSON are measured in this many interleaved rounds.
ROUNDS = 4


def measure(stack: Stack, duration: int, run_no: int) -> dict[str, Any]:
    """Warm up; the bare endpoint, the page and the JSON in interleaved rounds around signing.

    The machine's speed drifts from one minute to the next (the bare endpoint alone moved
    between 4,100 and 5,650 requests/s from run to run): measured round by round, each
    throughput and its ratio to the bare one see the same moments. Signing runs
    `duration` seconds in one go, after a warm-up like the others', between the first half of
    the rounds and the second.
    """
    run_load(stack, "bare", SLUG, duration=2)
    run_load(stack, "page", SLUG, duration=2)
    # Signing warms up too (first wordings, mail skeleton, prepared statements); its signers
    # are counted with the rest below, each with its confirmation email.
    run_load(stack, "sign", SLUG, 2, run_no + 50)
    parts: dict[str, list[dict[str, Any]]] = {"bare": [], "page": [], "json": []}

    def rounds(count: int) -> None:
        for _ in range(count):
            for load, runs in parts.items():
                runs.append(run_load(stack, load, SLUG, duration=max(1, duration // ROUNDS)))

    # Half the rounds before signing and half after: the bare endpoint the sign flow is
    # compared with is measured around it.
    rounds(ROUNDS // 2)
    cpu_before = cpu_snapshot(stack.worker_pids())
    sign = run_load(stack, "sign", SLUG, duration, run_no)
    cpu_after = cpu_snapshot(stack.worker_pids())
    rounds(ROUNDS - ROUNDS // 2)
    bare, page, as_json = (merged(parts[load]) for load in ("bare", "page", "json"))
    signing = signing_figures(sign)
    queued, signatures = outbox_and_signatures(stack.database_url, SLUG)
    workers = stack.rss_mb()
    return {
        "signatures_per_s": round(signing["signatures_per_s"], 1),
        "sign_requests_per_s": round(signing["requests_per_s"], 1),
        "page_per_s": round(page["per_s"], 1),
        "json_per_s": round(as_json["per_s"], 1),
        "bare_per_s": round(bare["per_s"], 1),
        "sign_ratio_to_bare": round(signing["requests_per_s"] / bare["per_s"], 3),
        "page_ratio_to_bare": round(page["per_s"] / bare["per_s"], 3),
        "json_ratio_to_bare": round(as_json["per_s"] / bare["per_s"], 3),
        "p50_ms": ms(sign["p50_us"]), "p95_ms": ms(sign["p95_us"]), "p99_ms": ms(sign["p99_us"]),
        "page_p99_ms": ms(page["p99_us"]), "json_p99_ms": ms(as_json["p99_us"]),
        "bare_p99_ms": ms(bare["p99_us"]),
        "errors": signing["errors"],
        "errors_by_load": {"sign": sign["errors"] | {"failed_sign": sign["other"]},
                           "page": page["errors"], "json": as_json["errors"],
                           "bare": bare["errors"]},
        "signatures_recorded": signatures,
        "confirmations_queued": queued,
        "worker_rss_mb": workers,
        "max_worker_peak_rss_mb": max(w["peak_rss_mb"] for w in workers),
        # Where a signature's CPU goes (web workers, database, Redis, wrk), in ms.
        "cpu_ms_per_signature": cpu_per_unit(cpu_before, cpu_after, sign["signed"],
                                             sign["wrk_cpu_s"]),
        "wrk_cpu_percent_of_one_core": {
            "bare": round(bare["wrk_cpu_percent_of_one_core"], 1),
            "page": round(page["wrk_cpu_percent_of_one_core"], 1),
            "json": round(as_json["wrk_cpu_percent_of_one_core"], 1),
            "sign": round(sign["wrk_cpu_percent_of_one_core"], 1)},
    }


# The bar, printed beside the figures: signatures/s per database, p99 of the sign
# flow, sign and page requests/s as shares of the bare endpoint's, RSS per worker.
TARGETS = {"sqlite": 800, "postgresql": 600}
P99_TARGET_MS = 100
SIGN_SHARE, PAGE_SHARE = 0.25, 0.50
RSS_TARGET_MB = 150


def verdicts(name: str, r: dict[str, Any]) -> list[str]:
    def line(ok: bool, what: str) -> str:
        return f"{'met    ' if ok else 'NOT met'} {what}"

    return [
        line(r["signatures_per_s"] >= TARGETS[name],
             f"signatures/s >= {TARGETS[name]}: {r['signatures_per_s']}"),
        line(r["p99_ms"] < P99_TARGET_MS and r["errors"] == 0,
             f"p99 < {P99_TARGET_MS} ms, 0 errors: {r['p99_ms']} ms, {r['errors']} errors"),
        line(r["sign_ratio_to_bare"] >= SIGN_SHARE,
             f"sign requests/s >= {SIGN_SHARE:.0%} of bare: {r['sign_ratio_to_bare']:.1%}"),
        line(r["page_ratio_to_bare"] >= PAGE_SHARE,
             f"page views/s >= {PAGE_SHARE:.0%} of bare: {r['page_ratio_to_bare']:.1%}"),
        line(r["max_worker_peak_rss_mb"] < RSS_TARGET_MB,
             f"every worker < {RSS_TARGET_MB} MB: peak {r['max_worker_peak_rss_mb']} MB"),
        line(r["confirmations_queued"] == r["signatures_recorded"],
             f"one confirmation queued per signature: {r['confirmations_queued']} / "
             f"{r['signatures_recorded']}"),
    ]


def merged(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One load measured in several rounds: summed requests and time, worst percentiles."""
    seconds = sum(run["duration_us"] for run in runs) / 1e6
    requests = sum(run["requests"] for run in runs)
    errors = {key: sum(run["errors"][key] for run in runs) for key in runs[0]["errors"]}
    return {"per_s": requests / seconds, "p99_us": max(run["p99_us"] for run in runs),
            "errors": errors,
            "wrk_cpu_percent_of_one_core": 100 * sum(run["wrk_cpu_s"] for run in runs) / seconds}


def report(name: str, r: dict[str, Any]) -> None:
    print(f"\n== {name}: gunicorn {WORKERS} workers, concurrency {CONCURRENCY}")
    print(f"  signing      {r['signatures_per_s']:8.1f} signatures/s "
          f"({r['sign_requests_per_s']:.1f} requests/s GET+POST, "
          f"{r['sign_ratio_to_bare']:.0%} of bare)")
    print(f"               latency p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
          f"p99 {r['p99_ms']} ms; errors {r['errors']}")
    print(f"               {r['signatures_recorded']} signatures recorded, "
          f"{r['confirmations_queued']} confirmation emails queued (none sent)")
    print(f"  page         {r['page_per_s']:8.1f} views/s ({r['page_ratio_to_bare']:.0%} of bare),"
          f" p99 {r['page_p99_ms']} ms")
    print(f"  JSON         {r['json_per_s']:8.1f} requests/s "
          f"({r['json_ratio_to_bare']:.0%} of bare), p99 {r['json_p99_ms']} ms")
    print(f"  bare         {r['bare_per_s']:8.1f} requests/s, p99 {r['bare_p99_ms']} ms")
    print("  errors by load: " + json.dumps(r["errors_by_load"]))
    rss = ", ".join(f"{w['rss_mb']} MB (peak {w['peak_rss_mb']} MB)" for w in r["worker_rss_mb"])
    print(f"  RSS per worker: {rss}")
    print(f"  load average after: {r['load_average_after']}")
    print("  wrk CPU (% of one core): " + ", ".join(
        f"{k} {v}%" for k, v in r["wrk_cpu_percent_of_one_core"].items()))
    cpu = r["cpu_ms_per_signature"]
    print(f"  CPU per signature: workers {cpu['workers']} ms, postgres {cpu['postgres']} ms, "
          f"redis {cpu['redis']} ms, wrk {cpu['wrk']} ms; machine "
          f"{cpu['machine_busy_percent']}% busy while signing")
    for verdict in r["verdicts"]:
        print(f"  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres-url", type=postgres_url,
                        default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--duration", type=int, default=20, help="Seconds per load.")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="One database only.")
    parser.add_argument("--output", default=str(ROOT / "instance" / "bench.json"))
    options = parser.parse_args()

    results: dict[str, Any] = {}
    minimal = minimal_flask_per_s(options.duration)
    results["machine"] = {"minimal_flask_per_s": round(minimal, 1),
                          "load_average_before": load_average()}
    print(f"minimal Flask app (gunicorn, {WORKERS} sync workers): {minimal:.1f} requests/s "
          f"(about 6,000 on an idle machine); load average {load_average()}")
    for run_no, name in enumerate(("sqlite", "postgresql"), start=1):
        if options.only and name != options.only:
            continue
        with ExitStack() as scope:
            stack = start_stack(scope, name, options.postgres_url, options.redis_url, SLUG)
            results[name] = measure(stack, options.duration, run_no)
        results[name]["load_average_after"] = load_average()
        results[name]["verdicts"] = verdicts(name, results[name])
        report("SQLite" if name == "sqlite" else "PostgreSQL + Redis", results[name])

    output = options.output
    with open(output, "w") as fh:
        json.dump(results, fh, indent=2)
    print(f"\nwritten to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
