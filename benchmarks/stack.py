"""The production stack for the benchmarks: a scratch database, gunicorn, wrk, /proc figures.

Used by bench_signing.py and bench_million.py; nothing here is part of the app.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from campaign.config import database_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WRK_DIR = Path(__file__).resolve().parent / "wrk"
CONCURRENCY = 32
WORKERS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def scratch_sqlite() -> Iterator[str]:
    """A SQLite file in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="campaign-bench-") as folder:
        yield f"sqlite:///{folder}/bench.sqlite3"


def postgres_url(given: str) -> str:
    """--postgres-url as the app reads a database URL (argparse shows a refusal's reason)."""
    try:
        url = database_url(given)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not url.startswith("postgresql"):
        raise argparse.ArgumentTypeError("expected postgresql://user@host/database")
    return url


@contextmanager
def scratch_postgres(admin_url: str) -> Iterator[str]:
    """A PostgreSQL database of its own, created from `admin_url` and dropped afterwards."""
    name = f"campaign_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        raise SystemExit(f"--postgres-url: cannot create a scratch database there: "
                         f"{exc.orig}") from None
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def scratch_redis_prefix(redis_url: str) -> Iterator[str]:
    """A Redis key prefix of its own; its keys and queue are deleted afterwards."""
    from redis import Redis
    from rq import Queue

    prefix = f"campaign-bench-{uuid.uuid4().hex[:10]}"
    try:
        yield prefix
    finally:
        client = Redis.from_url(redis_url)
        Queue(f"{prefix}:jobs", connection=client).delete(delete_jobs=True)
        for found in client.scan_iter(match=f"{prefix}*", count=1000):
            client.delete(found)
        client.close()


@dataclass
class Stack:
    """gunicorn serving the app against one database (and Redis, when given)."""

    name: str
    database_url: str
    redis_url: str = ""
    redis_prefix: str = "campaign-bench"
    workers: int = WORKERS
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")}
        env.update({
            "CAMPAIGN_DATABASE_URL": self.database_url,
            "CAMPAIGN_REDIS_URL": self.redis_url,
            "CAMPAIGN_REDIS_PREFIX": self.redis_prefix,
            "CAMPAIGN_SECRET_KEY": "bench-secret-key-" + "x" * 32,
            "CAMPAIGN_BASE_URL": self.url,
            # One proxy hop, as behind nginx: wrk plays the proxy and names the client.
            "CAMPAIGN_TRUSTED_PROXIES": "127.0.0.1",
            # Confirmation mail is queued in the outbox, in the signing transaction; no worker
            # runs during the bench, so nothing is sent.
            "CAMPAIGN_MAIL_DELIVERY": "worker",
            "CAMPAIGN_BENCH": "true",
        })
        return env

    def campaign(self, *args: str) -> str:
        done = subprocess.run([str(BIN / "campaign"), *args], env=self.env(), cwd=ROOT,  # noqa: S603
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"campaign {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout.strip()

    def prepare(self, *slugs: str) -> None:
        """Migrate the scratch database and create one open petition per slug."""
        self.campaign("db", "upgrade")
        for slug in slugs:
            self.campaign("petitions", "create", "--title", f"Release the detained ({slug})",
                          "--target", "The Council", "--goal", "1000000", "--slug", slug,
                          "--summary", "A petition for the benchmark.",
                          "--body", "Release them **now**.\n\n- one\n- two")

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our gunicorn, fixed arguments
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            env=self.env(), cwd=ROOT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not become ready on {self.url}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        master = self.process.pid
        try:
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def rss_mb(self) -> list[dict[str, float]]:
        """Each worker's resident memory now and at its peak (VmHWM), in MB."""
        figures = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text().splitlines()
            values = {line.split(":")[0]: int(line.split()[1]) for line in status
                      if line.startswith(("VmRSS", "VmHWM"))}
            figures.append({"pid": pid, "rss_mb": round(values["VmRSS"] / 1024, 1),
                            "peak_rss_mb": round(values["VmHWM"] / 1024, 1)})
        return figures


def start_stack(scope: ExitStack, name: str, postgres_url: str, redis_url: str,
                *slugs: str) -> Stack:
    """gunicorn on a scratch SQLite file ("sqlite") or a scratch PostgreSQL database and Redis
    prefix ("postgresql"), migrated, with one open petition per slug; all gone with `scope`."""
    if name == "sqlite":
        stack = Stack(name, scope.enter_context(scratch_sqlite()))
    else:
        prefix = scope.enter_context(scratch_redis_prefix(redis_url))
        stack = Stack(name, scope.enter_context(scratch_postgres(postgres_url)),
                      redis_url=redis_url, redis_prefix=prefix)
    stack.prepare(*slugs)
    stack.start()
    scope.callback(stack.stop)
    return stack


# Processes whose CPU time the benchmarks attribute, by their name in /proc/<pid>/stat.
SERVERS = {"postgres": "postgres", "redis-server": "redis"}


def cpu_snapshot(worker_pids: list[int]) -> dict[str, float]:
    """CPU seconds used so far by the web workers, PostgreSQL's and Redis's processes, and
    the whole machine's busy and total time (from /proc/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {"workers": 0.0, "postgres": 0.0, "redis": 0.0}
    workers = set(worker_pids)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue  # gone since the listing
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        if int(entry.name) in workers:
            used["workers"] += seconds
        elif name in SERVERS:
            used[SERVERS[name]] += seconds
    machine = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    used["machine_total"] = sum(machine) / ticks
    used["machine_idle"] = (machine[3] + machine[4]) / ticks  # idle + iowait
    return used


def cpu_per_unit(before: dict[str, float], after: dict[str, float], units: int,
                 wrk_cpu_s: float) -> dict[str, float]:
    """Milliseconds of CPU per unit of work (a signature) by process kind, and how busy the
    machine was meanwhile."""
    spent = {key: after[key] - before[key] for key in before}
    figures = {key: round(1000 * spent[key] / max(units, 1), 3)
               for key in ("workers", "postgres", "redis")}
    figures["wrk"] = round(1000 * wrk_cpu_s / max(units, 1), 3)
    total = spent["machine_total"] or 1.0
    figures["machine_busy_percent"] = round(100 * (1 - spent["machine_idle"] / total), 1)
    return figures


def run_load(stack: Stack, load: str, slug: str, duration: int, run_no: int = 0
             ) -> dict[str, Any]:
    """One wrk load on a stack: "bare", "page", "json" or "sign" (run_no keeps signers apart)."""
    if load == "sign":
        return run_wrk(stack.url, "sign.lua", slug, str(run_no), duration=duration)
    path = {"bare": "/bench/bare", "page": f"/petitions/{slug}",
            "json": f"/petitions/{slug}.json"}[load]
    return run_wrk(f"{stack.url}{path}", "get.lua", duration=duration)


def minimal_flask_per_s(duration: int) -> float:
    """Requests/s of a minimal Flask app (gunicorn, 2 sync workers): how busy the machine is."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our gunicorn, fixed arguments
        [str(BIN / "gunicorn"), "--chdir", str(Path(__file__).resolve().parent), "--workers",
         str(WORKERS), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "minimal_app:app"], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the minimal Flask app did not start") from None
                time.sleep(0.2)
        return float(run_wrk(f"http://127.0.0.1:{port}/", "get.lua", duration=duration)["per_s"])
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_wrk(url: str, script: str, *args: str, duration: int = 20,
            connections: int = CONCURRENCY) -> dict[str, Any]:
    """Run wrk with one of our Lua scripts; returns its figures and the CPU wrk itself used."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "5s",
               "-s", str(WRK_DIR / script), url]
    if args:
        command += ["--", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"wrk failed:\n{output}")
    line = next(line for line in output.splitlines() if line.startswith("BENCH-JSON "))
    figures: dict[str, Any] = json.loads(line.removeprefix("BENCH-JSON "))
    seconds = figures["duration_us"] / 1e6
    figures["per_s"] = figures["requests"] / seconds
    figures["errors_total"] = sum(figures["errors"].values())
    figures["wrk_cpu_s"] = usage.ru_utime + usage.ru_stime
    figures["wrk_cpu_percent_of_one_core"] = 100 * figures["wrk_cpu_s"] / seconds
    return figures


def signing_figures(run: dict[str, Any]) -> dict[str, Any]:
    """Signatures/s and their errors from a sign.lua run; a failed sign is an error too."""
    seconds = run["duration_us"] / 1e6
    return {"signatures_per_s": run["signed"] / seconds, "requests_per_s": run["per_s"],
            "errors": run["errors_total"] + run["other"]}


def ms(microseconds: float) -> float:
    return round(microseconds / 1000, 2)


def outbox_and_signatures(database_url: str, slug: str) -> tuple[int, int]:
    """(queued confirmation emails, signatures of the petition): they must match.

    A signature queues its confirmation as a request in its own statement; the mail sender
    (not running in the benchmarks) renders it into the outbox and sends it. Both count.
    """
    # wrk stops mid-request: let the last requests commit, then read both in one statement.
    time.sleep(1)
    engine = create_engine(database_url)
    with engine.connect() as conn:
        queued, signed = conn.execute(text(
            "SELECT (SELECT count(*) FROM confirmation_requests JOIN petitions ON "
            "petitions.id = confirmation_requests.petition_id WHERE petitions.slug = :slug) "
            "+ (SELECT count(*) FROM outbound_emails WHERE kind = 'confirm-signature' "
            "AND state = 'queued'), (SELECT count(*) FROM signatures JOIN petitions ON "
            "petitions.id = signatures.petition_id WHERE petitions.slug = :slug)"),
            {"slug": slug}).one()
    engine.dispose()
    return int(queued), int(signed)
