"""The production stack in tests: gunicorn processes serving the test database, sharing Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from redis import Redis

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def redis_url() -> str:
    return os.environ.get("CAMPAIGN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@contextmanager
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own; its keys (and its RQ queue) are deleted afterwards."""
    from rq import Queue

    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = Redis.from_url(redis_url())
    Queue(f"{prefix}:jobs", connection=client).delete(delete_jobs=True)
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        client.delete(key)
    client.close()


class Gunicorn:
    """One gunicorn instance (`workers` processes) started with CAMPAIGN_* settings."""

    def __init__(self, port: int, workers: int, settings: dict[str, str]) -> None:
        self.url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")}
        env.update({f"CAMPAIGN_{k}": v for k, v in settings.items()})
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [str(GUNICORN), "-c", "gunicorn.conf.py", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            env=env, cwd=ROOT)
        self.workers = workers

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200 and \
                        len(self.worker_pids()) == self.workers:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"gunicorn on {self.url} did not become ready")

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            # Quick shutdown: a test has nothing in flight worth the graceful wait.
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def gunicorn(*, ports: list[int], workers: int, settings: dict[str, str]
             ) -> Iterator[list[Gunicorn]]:
    """Start one gunicorn per port with the same settings; stop them all afterwards."""
    servers = [Gunicorn(port, workers, settings) for port in ports]
    try:
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()
