"""Emails about letters: the letter itself, the supporter's confirmation, the reply question."""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from campaign.db import utcnow
from campaign.models import Letter
from campaign.services import letters
from campaign.services.mail import check_header_value, queue_email


def _link(path: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}{path}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def named_address(name: str, address: str) -> str:
    """`Name <address>` unencoded (the outbox refuses encoded words; sending encodes it)."""
    return str(Address(display_name=check_header_value(name),
                       addr_spec=check_header_value(address)))


def supporter_address(letter: Letter) -> str:
    """`Name <address>` of the supporter, refusing anything that could break a header."""
    assert letter.signatory is not None
    return named_address(letter.supporter_name, letter.signatory.email)


def queue_letter(session: Session, letter: Letter, when: datetime) -> None:
    """Put the letter in the outbox for the office, to leave no earlier than `when`."""
    legislator = letter.legislator
    queue_email(session, to=named_address(legislator.name, legislator.email),
                subject=_one_line(letter.subject), body=letter.body, kind="letter",
                reply_to=supporter_address(letter), not_before=when)


def queue_send_confirmation(session: Session, letter: Letter, language: str) -> None:
    """Ask the supporter to confirm their address before the app sends the letter for them."""
    assert letter.signatory is not None
    token = letters.make_token(current_app.config["SECRET_KEY"], letters.SEND_SALT, letter.id)
    with force_locale(language):
        subject = gettext("Please confirm your letter to %(name)s", name=letter.legislator.name)
        body = render_template("emails/letter_confirm_send.txt", letter=letter,
                               link=_link(f"/letters/send/{token}"))
    queue_email(session, to=letter.signatory.email, subject=_one_line(subject), body=body,
                kind="confirm-letter")


def ask_about_replies(session: Session, after_days: int) -> int:
    """Email supporters whose letters went out `after_days` ago: did the office reply?"""
    asked = 0
    for letter in letters.letters_to_ask_about(session, after_days):
        assert letter.signatory is not None
        token = letters.make_token(current_app.config["SECRET_KEY"], letters.REPLY_SALT,
                                   letter.id)
        with force_locale(letter.language):
            subject = gettext("Did %(name)s answer your letter?", name=letter.legislator.name)
            body = render_template("emails/letter_reply_question.txt", letter=letter,
                                   link=_link(f"/letters/reply/{token}"))
        queue_email(session, to=letter.signatory.email, subject=_one_line(subject), body=body,
                    kind="letter-reply-question")
        letter.reply_asked_at = utcnow()
        asked += 1
    return asked
