"""Who is asking: the client address behind trusted proxies, and its keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from campaign.context import this_app, this_g, this_request


@lru_cache(maxsize=32)
def _trusted_networks(spec: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in spec.split(",") if part.strip())


def _is_trusted(address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
                ) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


@lru_cache(maxsize=256)
def resolve_trusted_hop(remote_addr: str, trusted: str) -> bool:
    """True when the direct peer is one of the configured trusted proxies.

    Kept per address: behind a proxy every request comes from the same few.
    """
    return _is_trusted(remote_addr, _trusted_networks(trusted))


def resolve_client_ip(remote_addr: str, forwarded_for: str | None, trusted: str) -> str:
    """Walk X-Forwarded-For from the right, past trusted proxies only.

    A hop that is not a trusted proxy is the client; anything it claims to its left is
    ignored, so a client cannot choose its own address by sending the header.
    """
    address = remote_addr
    if not forwarded_for or not resolve_trusted_hop(address, trusted):
        return address
    networks = _trusted_networks(trusted)
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        address = hop
        if not _is_trusted(hop, networks):
            break
    return address


def client_ip() -> str:
    """The address of the client of the current request (worked out once per request)."""
    globals_ = this_g()
    address: str | None = globals_.get("client_ip")
    if address is None:
        req = this_request()
        # Not a bind address: the placeholder when a test client sends none.
        address = resolve_client_ip(req.remote_addr or "0.0.0.0",  # noqa: S104  # nosec B104
                                    req.headers.get("X-Forwarded-For"),
                                    this_app().config["TRUSTED_PROXIES"])
        globals_.client_ip = address
    return address


def hash_ip(address: str, key: str) -> str:
    """A keyed hash of an address: enough to spot floods, useless without the key."""
    return hmac.new(key.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def client_ip_hash() -> str:
    """The keyed hash of the current client's address (made once per request: signing asks
    for it twice, for the abuse counters and for the signature)."""
    globals_ = this_g()
    hashed: str | None = globals_.get("client_ip_hash")
    if hashed is None:
        hashed = globals_.client_ip_hash = hash_ip(client_ip(), this_app().config["IP_HASH_KEY"])
    return hashed
