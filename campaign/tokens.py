"""Signed, time-limited tokens: the links in supporter emails, CSRF tokens, session cookies."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.url_safe import URLSafeSerializerMixin


# Payloads shorter than this (in bytes of JSON) are not compressed.
COMPRESS_FROM = 256


class SmallPayloadSerializer(URLSafeTimedSerializer):
    """itsdangerous' URL-safe timed serializer, without the zlib attempt on short payloads.

    zlib.compress sets up a full compression window on each call: about 80 µs even for a
    40-byte token, against a few µs for the signature itself, and a new signer meets four of
    them (session cookie, CSRF token, two email links), all short and gaining nothing. Longer
    payloads (a session holding several flashed messages) are still compressed, so a cookie
    stays under the browsers' size limit. Loading is unchanged: tokens and cookies made
    before still load, and these load with any URLSafeTimedSerializer.
    """

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
    value to learn its kind), and the sign path signs several tokens per signature. It keeps
    no state between calls, so every thread may share it.
    """
    return SmallPayloadSerializer(secret_key, salt=salt)
