"""Organizer accounts and their server-side sessions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from campaign.models.campaigns import Membership


class Organizer(Base):
    __tablename__ = "organizers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    # Base32 TOTP secret once two-factor authentication is set up.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last TOTP time step accepted, so that a code cannot be used twice.
    totp_last_step: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organizer",
                                                         cascade="all, delete-orphan")
    sessions: Mapped[list[OrganizerSession]] = relationship(back_populates="organizer",
                                                            cascade="all, delete-orphan")

    # Flask-Login protocol. The session id, not the organizer id, is what the cookie carries.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)


class OrganizerSession(Base):
    """A login. Deleting the row logs that browser out, whatever cookie it still holds."""

    __tablename__ = "organizer_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="CASCADE"),
                                              index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once the second factor has been checked in this session.
    two_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A TOTP secret offered on the set-up page, kept here (not in the cookie) until confirmed.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))

    organizer: Mapped[Organizer] = relationship(back_populates="sessions")
