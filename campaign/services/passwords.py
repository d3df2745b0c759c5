"""Passwords people commonly choose, which we refuse whatever their length."""

from __future__ import annotations

from functools import cache

# Separators and digits people bolt onto a common word to pass a length rule ("password1234!").
_PADDING = "0123456789!@#$%^&*()-_=+.,;:?~ "


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most frequent passwords from public breach corpora.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """True for a listed password, also when only padded with digits or punctuation."""
    lowered = password.lower()
    common = _common_passwords()
    if lowered in common:
        return True
    core = lowered.strip(_PADDING)
    # A short core ("a") is not a word; only a listed word of some length gives it away.
    return len(core) >= 4 and core in common
