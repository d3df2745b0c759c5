"""The hot path's own building blocks: process-local rate-limit counters and signed tokens."""

from __future__ import annotations

import pytest
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse
from limits.strategies import FixedWindowRateLimiter

from campaign import ratelimit, tokens
from campaign.ratelimit import ProcessCounts

pytestmark = pytest.mark.backend_independent


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(ratelimit.time, "time", clock.time)
    return clock


def test_process_counts_keep_a_fixed_window_per_key(clock: Clock) -> None:
    limiter = FixedWindowRateLimiter(ProcessCounts())
    five_a_minute = parse("5/minute")
    assert [limiter.hit(five_a_minute, "sign", "a") for _ in range(6)] == [True] * 5 + [False]
    assert limiter.hit(five_a_minute, "sign", "b")  # another client has its own count
    assert not limiter.test(five_a_minute, "sign", "a")
    clock.now += 61
    assert limiter.test(five_a_minute, "sign", "a")
    assert limiter.hit(five_a_minute, "sign", "a")


def test_process_counts_drop_expired_keys_in_one_sweep(clock: Clock) -> None:
    counts = ProcessCounts(sweep_seconds=60)
    for client in range(1000):
        counts.incr(f"client-{client}", 10)
    assert len(counts._windows) == 1000
    clock.now += 61
    counts.incr("late-client", 10)  # the first count after the sweep interval sweeps
    assert set(counts._windows) == {"late-client"}
    assert counts.get("client-1") == 0
    assert counts.get_expiry("late-client") == clock.now + 10


def test_short_tokens_are_not_compressed_and_load_anywhere() -> None:
    ours = tokens.serializer("k" * 32, "purpose")
    plain = URLSafeTimedSerializer("k" * 32, salt="purpose")
    token = ours.dumps({"s": 12345})
    assert not token.startswith(".")
    assert plain.loads(token) == {"s": 12345}
    # Made by stock itsdangerous (compressed when that is shorter) and loaded by ours.
    repetitive = {"flashes": ["Please log in to see that page."] * 20}
    assert plain.dumps(repetitive).startswith(".")
    assert ours.loads(plain.dumps(repetitive)) == repetitive


def test_long_payloads_are_still_compressed() -> None:
    ours = tokens.serializer("k" * 32, "purpose")
    repetitive = {"flashes": ["Please log in to see that page."] * 20}
    token = ours.dumps(repetitive)
    assert token.startswith(".")
    assert URLSafeTimedSerializer("k" * 32, salt="purpose").loads(token) == repetitive


def test_signers_kept_per_salt_sign_and_check_as_itsdangerous_does() -> None:
    """The serializer keeps one signer per salt and derives its keys once: the tokens are
    still the stock ones, per salt, and a rotated-out key still verifies."""
    ours = tokens.SmallPayloadSerializer(["old" * 11, "new" * 11], salt="purpose")
    plain_new = URLSafeTimedSerializer("new" * 11, salt="purpose")
    plain_old = URLSafeTimedSerializer("old" * 11, salt="purpose")
    for _ in range(2):  # the second round runs on the kept signer and derived keys
        assert plain_new.loads(ours.dumps({"s": 1})) == {"s": 1}
        assert ours.loads(plain_old.dumps({"s": 2})) == {"s": 2}
        assert ours.loads(plain_new.dumps({"s": 3})) == {"s": 3}
        with pytest.raises(BadSignature):
            ours.loads(plain_new.dumps({"s": 4}, salt="other purpose"))
        assert ours.loads(ours.dumps({"s": 5}, salt="other"), salt="other") == {"s": 5}
        with pytest.raises(BadSignature):
            plain_new.loads(ours.dumps({"s": 6}, salt="other"))
    assert ours.make_signer() is ours.make_signer("purpose")


def test_process_counts_count_several_keys_at_once(clock: Clock) -> None:
    counts = ProcessCounts()
    assert counts.incr_many([("a", 10), ("b", 100), ("a", 10)]) == [1, 1, 2]
    clock.now += 11
    assert counts.incr_many([("a", 10), ("b", 100)]) == [1, 2]
