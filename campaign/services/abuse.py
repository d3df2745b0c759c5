"""Abuse limits on supporter actions: per client address and per email domain.

Past a limit nothing is refused: the caller stores the action as flagged, answers exactly as
usual, and an organizer reviews it later (the UK Parliament petitions service works so). A
refusal would tell a flooder when to switch addresses; a quiet flag tells them nothing.

Counts live in the rate-limit storage (campaign/ratelimit.py): Redis when configured (shared by all
workers), memory otherwise. Keys hold keyed hashes only, never addresses or domains.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import Flask
from limits import RateLimitItem, parse
from limits.strategies import RateLimiter

from campaign.clients import hash_ip

# The supporter actions that are counted; each has its own counters.
ACTIONS = ("sign", "letter", "resend", "data-request")


@lru_cache(maxsize=32)
def _limit(spec: str) -> RateLimitItem:
    return parse(spec)


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


@dataclass(frozen=True)
class AbuseGuard:
    """Counts supporter actions and says when one is past a limit."""

    strategy: RateLimiter
    prefix: str
    hash_key: str
    per_ip: str
    per_domain: str
    shared_domains: frozenset[str]

    def over_limit(self, action: str, *, ip_hash: str, email: str) -> bool:
        """Count one `action` from this address and email domain; True if past either limit."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        over = not self.strategy.hit(_limit(self.per_ip), self.prefix, action, "ip", ip_hash)
        domain = email_domain(email)
        if domain and domain not in self.shared_domains:
            domain_key = hash_ip(domain, self.hash_key)
            over = not self.strategy.hit(_limit(self.per_domain), self.prefix, action,
                                         "domain", domain_key) or over
        return over


def guard_for(app: Flask) -> AbuseGuard:
    """The guard configured for an app, sharing the rate limits' storage."""
    from campaign.ratelimit import limits_for

    guard: AbuseGuard | None = app.extensions.get("campaign_abuse")
    if guard is None:
        guard = AbuseGuard(
            strategy=limits_for(app).strategy, prefix=f"{app.config['RATELIMIT_KEY_PREFIX']}/abuse",
            hash_key=app.config["IP_HASH_KEY"], per_ip=app.config["ABUSE_PER_IP_LIMIT"],
            per_domain=app.config["ABUSE_PER_DOMAIN_LIMIT"],
            shared_domains=frozenset(d.strip().lower()
                                     for d in app.config["ABUSE_SHARED_DOMAINS"].split(",")
                                     if d.strip()))
        app.extensions["campaign_abuse"] = guard
    return guard
