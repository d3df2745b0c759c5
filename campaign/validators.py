"""Field checks and filters shared by the forms of every blueprint."""

from __future__ import annotations

import unicodedata
from typing import Any

from wtforms import Field
from wtforms.validators import ValidationError

# Bidirectional embeddings, overrides and isolates: they can make a name display as
# something else ("Trojan Source"). Plain right-to-left text needs none of them.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def nfc(value: Any) -> Any:
    """A WTForms filter: strip and normalise text to NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def has_forbidden_characters(text: str, allow_newlines: bool = False) -> bool:
    for ch in text:
        if allow_newlines and ch in "\n\r\t":
            continue
        if ch in _BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            # Zero-width joiners are format characters that some scripts need inside words.
            if ch in "\u200c\u200d":
                continue
            return True
    return False


class PlainText:
    """Refuse control, format and bidirectional-override characters."""

    def __init__(self, allow_newlines: bool = False, message: str | None = None) -> None:
        self.allow_newlines = allow_newlines
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        if field.data and has_forbidden_characters(field.data, self.allow_newlines):
            from flask_babel import gettext
            raise ValidationError(self.message or gettext(
                "Please remove invisible or control characters."))


class HeaderSafe:
    """Refuse text that could end an email header or hide a newline in an encoded word.

    For any supporter-given value that may reach a header (an address, a name, a subject):
    CPython before 3.11.10 writes encoded words back unchecked (CVE-2024-6923).
    """

    def __call__(self, form: Any, field: Field) -> None:
        from campaign.services.mail import HeaderInjectionError, check_header_value

        try:
            check_header_value(field.data or "")
        except HeaderInjectionError:
            from flask_babel import gettext
            raise ValidationError(gettext("Please remove the line breaks or “=?” sequences.")) \
                from None
