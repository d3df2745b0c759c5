"""Fetch a document over HTTP(S): a timeout, a size limit, no other schemes, even on redirect."""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from campaign.ingest.readers import megabytes

MAX_REDIRECTS = 5
_ACCEPT = ("text/html, application/xhtml+xml, application/pdf, text/plain, text/markdown, "
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document;q=0.9, "
           "*/*;q=0.1")


class FetchError(ValueError):
    """A URL that could not be fetched; the message says why."""


@dataclass(frozen=True)
class Fetched:
    url: str
    data: bytes
    content_type: str | None


def is_url(source: str) -> bool:
    """Whether an input names a URL (any scheme) rather than a file."""
    scheme = urlsplit(source).scheme
    # One letter is a Windows drive ("C:\\..."), not a scheme.
    return len(scheme) > 1 and "://" in source or scheme in ("file", "mailto", "data")


def check_url(url: str, allow_private: bool) -> str:
    """The URL if it is http(s) to a host we may reach; FetchError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        scheme = parts.scheme or "this"
        raise FetchError(f"only http and https addresses are fetched, not {scheme}:")
    if not parts.hostname:
        raise FetchError("the address has no host")
    if not allow_private:
        # Checked before connecting: a host whose DNS answer changes between this look-up and
        # the connection could still slip through; a proxy that enforces this is the full cure.
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise FetchError(f"the host {parts.hostname} is not known") from None
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            mapped = getattr(address, "ipv4_mapped", None)
            if not (mapped or address).is_global:
                # The server's own network (loopback, private ranges, cloud metadata) is
                # off limits to addresses typed into a web form.
                raise FetchError(f"the host {parts.hostname} is on a private network")
    return url


def fetch(url: str, *, timeout: float, max_bytes: int, allow_private: bool = False) -> Fetched:
    """GET a URL, following at most a few redirects, each checked like the first address."""
    # httpx's timeout is per read; the deadline also bounds a server that sends a byte a second.
    deadline = time.monotonic() + timeout
    headers = {"User-Agent": "campaign-toolkit document reader", "Accept": _ACCEPT}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, headers=headers) as client:
            for _ in range(MAX_REDIRECTS + 1):
                check_url(url, allow_private)
                with client.stream("GET", url) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        url = urljoin(url, location)
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"the server answered {response.status_code} "
                                         f"{response.reason_phrase}")
                    return Fetched(url=str(response.url), data=_read_capped(response, max_bytes,
                                                                     deadline, timeout),
                                   content_type=response.headers.get("content-type"))
    except httpx.TimeoutException:
        raise FetchError(f"no answer within {timeout:g} seconds") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot fetch: {exc}") from None
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


def _read_capped(response: httpx.Response, max_bytes: int, deadline: float,
                 timeout: float) -> bytes:
    too_large = FetchError(f"the document is larger than {megabytes(max_bytes)}")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise FetchError(f"the download took more than {timeout:g} seconds")
    return b"".join(chunks)
