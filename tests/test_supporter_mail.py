"""Supporter emails rendered once and filled in per recipient carry only their own values."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.models import OutboundEmail
from campaign.services import supporter_mail


def _queue(app: Flask, name: str, link: str, signatory_id: int) -> str:
    with app.test_request_context("/"):
        email_id = supporter_mail.queue(
            db.session, signatory_id=signatory_id, to="a@example.org", subject="Confirm",
            template="confirm_signature.txt", language="en", kind="confirm-signature",
            title="Free them", max_age_days=7, personal={"name": name, "link": link})
        db.session.commit()
        return db.session.scalars(select(OutboundEmail.body_text)
                                  .where(OutboundEmail.id == email_id)).one()


def test_each_message_carries_its_own_name_links_and_unsubscribe_link(app: Flask) -> None:
    first = _queue(app, "Ayşe", "https://x.test/confirm/one", 1)
    # A name that spells out a slot stays as typed: values are filled in one pass.
    second = _queue(app, "Bob \ufdd0slot:link\ufdd0", "https://x.test/confirm/two", 2)
    assert "Hello Ayşe," in first and "https://x.test/confirm/one" in first
    assert "Hello Bob \ufdd0slot:link\ufdd0," in second
    assert "https://x.test/confirm/two" in second and "confirm/one" not in second
    unsubscribe_links = [line for body in (first, second) for line in body.splitlines()
                         if "/unsubscribe/" in line]
    assert len(unsubscribe_links) == 2 and unsubscribe_links[0] != unsubscribe_links[1]
    assert "\ufdd0slot" not in first
