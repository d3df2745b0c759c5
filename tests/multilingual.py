"""Names in many scripts, and the check that each passes through a channel byte-identical.

Extend `CHANNELS` as outputs land: the CSV export, letters, dashboards. A channel takes the
app and the signature ids (in the order of `NAMES`) and returns the text it produced; the
check finds each name in it exactly, in NFC (what the form stores), byte for byte.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

# (as typed, possibly decomposed, what must come out: NFC)
NAMES: list[tuple[str, str]] = [
    ("ئابدۇرېھىم ئۆتكۈر", "ئابدۇرېھىم ئۆتكۈر"),            # Uyghur (Arabic script)
    ("محمد عبد الله", "محمد عبد الله"),                      # Arabic
    ("Ильхам Тохти", "Ильхам Тохти"),                        # Cyrillic
    ("王力雄", "王力雄"),                                     # Chinese
    ("Zoë Ñúñez-Łukasiewicz", "Zoë Ñúñez-Łukasiewicz"),      # accented Latin, precomposed
    (unicodedata.normalize("NFD", "Renée Dvořák"), "Renée Dvořák"),  # decomposed on input
    ("Gülnar Ⅻ‍Ab", "Gülnar Ⅻ‍Ab"),                           # with a zero-width joiner
]

Channel = Callable[[Any, list[int]], str]
CHANNELS: dict[str, Channel] = {}


def channel(name: str) -> Callable[[Channel], Channel]:
    """Register an output through which every name must pass unchanged."""
    def register(function: Channel) -> Channel:
        CHANNELS[name] = function
        return function
    return register


def assert_names_intact(text: str, where: str) -> None:
    """Every expected name appears in `text` exactly as NFC bytes."""
    data = text.encode("utf-8")
    for typed, expected in NAMES:
        assert unicodedata.is_normalized("NFC", expected)
        assert expected.encode("utf-8") in data, f"{where}: {expected!r} (typed {typed!r}) missing"
