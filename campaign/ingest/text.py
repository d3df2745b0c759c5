"""Whitespace normalisation: the stored text is the normalised one, so offsets refer to it."""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that only break words apart for a reader (soft hyphen, zero-width
# space, word joiner, byte-order mark); dropped, since they carry no meaning in plain text.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"), None)
_LINE_SEPARATORS = {ord("\u2028"): "\n", ord("\u2029"): "\n\n", ord("\x0c"): "\n\n",
                    ord("\x0b"): "\n"}
# Unicode's "Cc" category less tab and newline (vertical tab and form feed are mapped above).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """NFC, Unix newlines, every kind of space as one plain space, at most one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE).translate(_LINE_SEPARATORS)
    # Other control characters (NUL, escape...) have no place in a document's text.
    text = _CONTROL.sub("", text)
    # \s covers non-breaking, narrow, thin and ideographic spaces as well as tabs.
    text = _SPACES.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    # Last: dropping a soft hyphen between a letter and its accent lets the two compose.
    return unicodedata.normalize("NFC", _MANY_NEWLINES.sub("\n\n", text).strip())


def unwrap_lines(text: str) -> str:
    """Join the lines a PDF broke inside a sentence.

    A break is kept after a sentence, a colon or a semicolon; otherwise it is joined when the
    next line goes on in lower case, or when the line ran (nearly) to the full width, which a
    heading or the last line of a paragraph does not.
    """
    lines = text.split("\n")
    full_width = 0.8 * max((len(line) for line in lines), default=0)
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        stripped = previous.rstrip()
        joinable = (stripped and line.strip() and stripped[-1] not in ".:;!?"
                    and not _LIST_ITEM.match(line))
        if joinable and (line.lstrip()[:1].islower() or len(previous) >= full_width):
            out[-1] = stripped + " " + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


_LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s")


def first_line(text: str, limit: int = 200) -> str:
    """The first non-empty line, shortened to `limit` characters: a title of last resort."""
    for line in text.splitlines():
        line = line.strip(" #-*")
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return ""
