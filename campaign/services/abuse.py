"""Abuse limits on supporter actions: per client address and per email domain.

Past a limit nothing is refused: the caller stores the action as flagged, answers exactly as
usual, and an organizer reviews it later (the UK Parliament petitions service works so). A
refusal would tell a flooder when to switch addresses; a quiet flag tells them nothing.

Counts live in the rate-limit storage (campaign/ratelimit.py): Redis when configured (shared by all
workers), memory otherwise. Keys hold keyed hashes only, never addresses or domains.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from campaign.clients import hash_ip
from campaign.ratelimit import Counter, RateLimits, limits_for, parse_limit

# The supporter actions that are counted; each has its own counters.
ACTIONS = ("sign", "letter", "resend", "data-request")


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


@dataclass(frozen=True)
class AbuseGuard:
    """Counts supporter actions and says when one is past a limit."""

    limits: RateLimits
    prefix: str
    hash_key: str
    per_ip: str
    per_domain: str
    shared_domains: frozenset[str]

    def counters(self, action: str, *, ip_hash: str, email: str) -> list[Counter]:
        """The counters one `action` from this address and email domain moves, for a caller
        that counts them together with others (RateLimits.hit_many)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        counters = [(parse_limit(self.per_ip), (self.prefix, action, "ip", ip_hash))]
        domain = email_domain(email)
        if domain and domain not in self.shared_domains:
            counters.append((parse_limit(self.per_domain),
                             (self.prefix, action, "domain", hash_ip(domain, self.hash_key))))
        return counters

    def over_limit(self, action: str, *, ip_hash: str, email: str) -> bool:
        """Count one `action` from this address and email domain; True if past either limit."""
        return not all(self.limits.hit_many(self.counters(action, ip_hash=ip_hash,
                                                          email=email)))


def guard_for(app: Flask) -> AbuseGuard:
    """The guard configured for an app, sharing the rate limits' storage."""
    guard: AbuseGuard | None = app.extensions.get("campaign_abuse")
    if guard is None:
        guard = AbuseGuard(
            limits=limits_for(app), prefix=f"{app.config['RATELIMIT_KEY_PREFIX']}/abuse",
            hash_key=app.config["IP_HASH_KEY"], per_ip=app.config["ABUSE_PER_IP_LIMIT"],
            per_domain=app.config["ABUSE_PER_DOMAIN_LIMIT"],
            shared_domains=frozenset(d.strip().lower()
                                     for d in app.config["ABUSE_SHARED_DOMAINS"].split(",")
                                     if d.strip()))
        app.extensions["campaign_abuse"] = guard
    return guard
