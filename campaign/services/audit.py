"""The audit log: who exported or changed signatures, when, with which filters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import AuditEntry, Organizer

COMMAND_LINE = "command line"


def record(session: Session, *, campaign_id: int, action: str, organizer: Organizer | None,
           petition_id: int | None = None, details: dict[str, Any] | None = None,
           row_count: int | None = None) -> AuditEntry:
    """Add an entry in the caller's transaction."""
    entry = AuditEntry(campaign_id=campaign_id, petition_id=petition_id,
                       organizer_id=organizer.id if organizer else None,
                       actor=organizer.email if organizer else COMMAND_LINE,
                       action=action, details=details or {}, row_count=row_count)
    session.add(entry)
    session.flush()
    return entry


def entries(session: Session, campaign_id: int, petition_id: int | None = None,
            limit: int = 200) -> list[AuditEntry]:
    """The newest entries of a campaign (or of one of its petitions)."""
    query = select(AuditEntry).where(AuditEntry.campaign_id == campaign_id)
    if petition_id is not None:
        query = query.where(AuditEntry.petition_id == petition_id)
    return list(session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))
