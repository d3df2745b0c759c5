"""Find the list of co-signing organisations that closes a joint statement or letter."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A list item: "- Name", "* Name", "• Name", "12. Name", "12) Name", or a bare line.
_MARKER = re.compile(r"^\s*(?:[-*\u2022\u25aa\u00b7]|\(?\d{1,3}[.)])\s+")
_HEADER = re.compile(
    r"^\s*(?:(?:list of |the )?(?:co-?)?signator(?:ies|y organi[sz]ations)|signed(?: by)?|"
    r"endorsed by|endorsing organi[sz]ations|supported by|(?:co-?)?signed by|"
    r"organi[sz]ations(?: signing| endorsing)?|yours (?:sincerely|faithfully)|sincerely|"
    r"with best regards|kind regards)\s*[:,]?\s*$",
    re.IGNORECASE,
)
# Words that make a line read like an organisation's name rather than prose or navigation.
_ORG_WORDS = frozenset(
    """association associations alliance campaign center centre coalition committee congress council
    federation foundation fund group institute league movement network organisation organization
    party project projects society union unions watch trust action amnesty rights academy
    solidarity consortium forum initiative collective club church mission commission
    labour labor workers house friends tibet uyghur uyghurs human""".split()
)
_PROSE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|should|must|can|we|our|you|your|this|that)\b",
    re.IGNORECASE,
)
_MIN_NAMES = 3
_NOT_NAME_ENDINGS = (".", "?", "!", ":", ";", ",")


@dataclass(frozen=True)
class SignatoryList:
    """Where a signatory list sits in the text, and the names it holds in document order."""

    start: int
    end: int
    names: list[str]


def detect_signatories(text: str) -> list[str]:
    """Return the organisations listed as signatories at the end of a statement, or []."""
    found = find_signatory_list(text)
    return found.names if found else []


def find_signatory_list(text: str) -> SignatoryList | None:
    """Find the last run of organisation-name lines in the text, with its position."""
    lines = _lines_with_offsets(text)
    best: SignatoryList | None = None
    index = 0
    while index < len(lines):
        run_start = index
        names: list[str] = []
        span_end = lines[index][1]
        after_header = index > 0 and _after_header(lines, index)
        style = _marker_style(lines[index][2])
        while index < len(lines):
            start, end, line = lines[index]
            if not line.strip():
                # One blank line between names is tolerated (some lists are double-spaced).
                if names and index + 1 < len(lines) and _looks_like_name(lines[index + 1][2]):
                    index += 1
                    continue
                break
            # A numbered list ends where the numbers do: the next line is a footer, not a name.
            if not _looks_like_name(line) or _marker_style(line) != style:
                break
            names.append(_clean_name(line))
            span_end = end
            index += 1
        if _is_signatory_run(names, after_header):
            best = SignatoryList(lines[run_start][0], span_end, names)
        index = max(index, run_start + 1)
    return best


def _marker_style(line: str) -> str:
    marker = _MARKER.match(line)
    if not marker:
        return "none"
    return "number" if any(c.isdigit() for c in marker.group()) else "bullet"


def _lines_with_offsets(text: str) -> list[tuple[int, int, str]]:
    out = []
    position = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        out.append((position, position + len(line), line.replace("\u00a0", " ")))
        position += len(raw)
    return out


def _after_header(lines: list[tuple[int, int, str]], index: int) -> bool:
    """Whether the nearest non-blank line above introduces signatories."""
    back = index - 1
    while back >= 0 and not lines[back][2].strip():
        back -= 1
    return back >= 0 and bool(_HEADER.match(lines[back][2]))


def _looks_like_name(line: str) -> bool:
    if len(line) > 100 or not line.strip() or line.rstrip().endswith(_NOT_NAME_ENDINGS):
        return False
    body = _MARKER.sub("", line).strip()
    if not body or len(body) > 90 or body.endswith((".", "?", "!", ":", ";", ",")):
        return False
    words = re.findall(r"[^\W\d_][\w'’.&-]*", body)
    if not words or len(words) > 12 or _PROSE.search(body) or "|" in body:
        return False
    capitalised = sum(1 for word in words if word[0].isupper() or word.lower() in _SMALL_WORDS)
    return capitalised / len(words) >= 0.8 and words[0][0].isupper()


_SMALL_WORDS = frozenset(
    {"of", "for", "and", "the", "in", "on", "de", "du", "la", "et", "to", "at", "with", "against"}
)


def _clean_name(line: str) -> str:
    name = _MARKER.sub("", line)
    name = re.sub(r"\s+", " ", name).strip()
    return name.strip("\"'“”‘’ ")


def _is_signatory_run(names: list[str], after_header: bool) -> bool:
    if len(names) < _MIN_NAMES:
        return False
    if after_header:
        return True
    # Without a header, most lines must name an organisation, not a heading or a menu.
    org_like = sum(1 for name in names if _ORG_WORDS & set(name.lower().replace("’", "'").split()))
    return org_like / len(names) >= 0.6
