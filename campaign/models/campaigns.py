"""Campaigns group petitions and letter campaigns; memberships give organizers their role."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from campaign.models.organizers import Organizer
    from campaign.models.petitions import Petition


class Role(enum.Enum):
    """What an organizer may do in one campaign; each role includes the ones below it."""

    VIEWER = "viewer"
    ORGANIZER = "organizer"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return {"viewer": 1, "organizer": 2, "owner": 3}[self.value]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="campaign",
                                                         cascade="all, delete-orphan")
    petitions: Mapped[list[Petition]] = relationship(back_populates="campaign")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("campaign_id", "organizer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="CASCADE"),
                                              index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16,
                                            values_callable=lambda e: [m.value for m in e]))

    campaign: Mapped[Campaign] = relationship(back_populates="memberships")
    organizer: Mapped[Organizer] = relationship(back_populates="memberships")
