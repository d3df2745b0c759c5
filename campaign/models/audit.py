"""The audit log: exports, invalidations and restorations, visible to a campaign's owners."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_campaign_id_created_at", "campaign_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    petition_id: Mapped[int | None] = mapped_column(
        ForeignKey("petitions.id", ondelete="SET NULL"))
    # Null for the command line (whoever runs it has the server) or a deleted account.
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL"))
    # Who, as text, so the entry still reads after the account is gone: an email or "command line".
    actor: Mapped[str] = mapped_column(String(254))
    # "export-csv", "export-pdf", "invalidate", "restore"
    action: Mapped[str] = mapped_column(String(32))
    # The filters of an export, the reason of an invalidation: never personal data.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    row_count: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
