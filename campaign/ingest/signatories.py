"""PLACEHOLDER signatory detection, replaced by the `extract` branch's version when merged.

Reads the lines after a "Signatories:" (or "Signed by:") heading, one organisation a line.
"""

from __future__ import annotations

import re

_HEADING = re.compile(
    r"^\s*(signatories|signed by|signatory organi[sz]ations)\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


def detect_signatories(text: str) -> list[str]:
    """PLACEHOLDER: the organisations listed under a "Signatories:" heading."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading is None:
            continue
        if heading.group("rest").strip():
            return [name.strip() for name in heading.group("rest").split(",") if name.strip()]
        names: list[str] = []
        for following in lines[index + 1:]:
            name = _BULLET.sub("", following).strip()
            if not name:
                if names:
                    break
                continue
            names.append(name)
        return names
    return []
