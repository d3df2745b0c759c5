"""Signed, time-limited tokens: the links in supporter emails, CSRF tokens, session cookies."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes
from itsdangerous.url_safe import URLSafeSerializerMixin


# Payloads shorter than this (in bytes of JSON) are not compressed.
COMPRESS_FROM = 256


class _KeyOnceSigner(TimestampSigner):
    """itsdangerous' timestamp signer, deriving each key once instead of on every call.

    The derived key depends only on the secret key, the salt and the settings, all fixed for
    the signer's life; itsdangerous derives it again (an HMAC or a hash) for every signature
    made and checked.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._derived: dict[str | bytes | None, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        derived = self._derived.get(secret_key)
        if derived is None:
            derived = self._derived[secret_key] = super().derive_key(secret_key)
        return derived


class SmallPayloadSerializer(URLSafeTimedSerializer):
    """itsdangerous' URL-safe timed serializer, without the zlib attempt on short payloads.

    zlib.compress sets up a full compression window on each call: about 80 µs even for a
    40-byte token, against a few µs for the signature itself, and a new signer meets four of
    them (session cookie, CSRF token, two email links), all short and gaining nothing. Longer
    payloads (a session holding several flashed messages) are still compressed, so a cookie
    stays under the browsers' size limit. Loading is unchanged: tokens and cookies made
    before still load, and these load with any URLSafeTimedSerializer.
    """

    default_signer = _KeyOnceSigner

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signers: dict[bytes, TimestampSigner] = {}

    def make_signer(self, salt: str | bytes | None = None) -> TimestampSigner:
        """One signer per salt, built on first use (itsdangerous builds one per call)."""
        key = want_bytes(self.salt if salt is None else salt)
        signer = self._signers.get(key)
        if signer is None:
            signer = self._signers[key] = super().make_signer(key)  # type: ignore[assignment]
        return signer

    def dump_payload(self, obj: Any) -> bytes:
        # The JSON of URLSafeSerializerMixin's parent; the mixin's own dump compresses.
        json = super(URLSafeSerializerMixin, self).dump_payload(obj)
        if len(json) < COMPRESS_FROM:
            return base64_encode(json)
        return super().dump_payload(obj)


@lru_cache(maxsize=64)
def serializer(secret_key: str, salt: str) -> URLSafeTimedSerializer:
    """The serializer for one key and purpose (salt), built once.

    Building one costs about as much as signing with it (itsdangerous test-serialises a
    value to learn its kind), and the sign path signs several tokens per signature. Its only
    state is the signers and keys it builds once, the same whichever thread builds them, so
    every thread may share it.
    """
    return SmallPayloadSerializer(secret_key, salt=salt)
