"""What a web request asks the mail sender to do later, so that the request itself does the
same work whoever is asking: the time of an answer must not tell whether someone signed.

Both are taken, acted on and deleted by mailer.send_due, before it sends the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base, UTCDateTime, utcnow


class ConfirmationRequest(Base):
    """Someone signed a petition, for the first time or again: send its confirmation.

    Recorded by the signing request, in the statement that writes the signature (or finds
    the earlier one), and turned into an email by the mail sender
    (notifications.queue_requested_confirmations), if the signature is still pending and
    within the limit of sends. The request neither renders the email nor decides whether it
    is due: a repeat costs it what a first signature costs, and a surge of signatures costs
    the web processes no rendering.
    """

    __tablename__ = "confirmation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    signatory_id: Mapped[int] = mapped_column(ForeignKey("signatories.id", ondelete="CASCADE"),
                                              index=True)
    # The language the person signed in this time: the email speaks it.
    language: Mapped[str] = mapped_column(String(16), default="en")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DataLinkRequest(Base):
    """Someone asked for a link to the data held about an address.

    Recorded whether or not the address is known; the mail sender sends the link only to a
    known one (privacy.send_requested_data_links). The key is the address's normalised
    form, kept until the sender has acted, and erased with the person.
    """

    __tablename__ = "data_link_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(16), default="en")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
