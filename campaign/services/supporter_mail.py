"""Email to supporters: every message carries a one-click unsubscribe link, in its footer and
in the List-Unsubscribe header."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from campaign.services import consents
from campaign.services.mail import queue_email


def queue(session: Session, *, signatory_id: int | None, to: str, subject: str, template: str,
          language: str, kind: str, campaign_id: int | None = None,
          **context: Any) -> int:
    """Render `templates/emails/<template>` with the unsubscribe footer and queue it; its id."""
    link = ""
    if signatory_id is not None:
        link = consents.unsubscribe_url(current_app.config["BASE_URL"],
                                        current_app.config["SECRET_KEY"], signatory_id)
    with force_locale(language):
        body = render_template(f"emails/{template}", unsubscribe_link=link, **context)
    return queue_email(session, to=to, subject=" ".join(subject.split()), body=body, kind=kind,
                       unsubscribe_url=link, campaign_id=campaign_id)
