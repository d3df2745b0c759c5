"""Signed, time-limited tokens: the links in supporter emails and the embed's site token."""

from __future__ import annotations

from functools import lru_cache

from itsdangerous import URLSafeTimedSerializer


@lru_cache(maxsize=64)
def serializer(secret_key: str, salt: str) -> URLSafeTimedSerializer:
    """The serializer for one key and purpose (salt), built once.

    Building one costs about as much as signing with it (itsdangerous test-serialises a
    value to learn its kind), and the sign path signs two tokens per signature. It keeps no
    state between calls, so every thread may share it.
    """
    return URLSafeTimedSerializer(secret_key, salt=salt)
