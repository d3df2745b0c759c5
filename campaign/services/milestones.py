"""Milestones: the organizers are emailed once when a petition reaches a count they chose."""

from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.db import insert_ignoring_conflicts, utcnow
from campaign.models import Membership, MilestoneNotice, Organizer, Petition, Role
from campaign.services.mail import queue_email


def notify_crossed(session: Session, petition_id: int) -> list[int]:
    """Email the petition's owners and organizers about each milestone now reached; returns them.

    The unique (petition, milestone) row is claimed before any email is queued, in the same
    transaction: a concurrent confirmation or a restart finds it taken and sends nothing.
    """
    count, milestones = session.execute(
        select(Petition.signature_count, Petition.milestones).where(Petition.id == petition_id)
    ).one()
    reached = [m for m in (milestones or []) if m <= count]
    if not reached:
        return []
    already = set(session.scalars(select(MilestoneNotice.milestone)
                                  .where(MilestoneNotice.petition_id == petition_id)))
    sent = []
    for milestone in reached:
        if milestone in already:
            continue
        claimed = insert_ignoring_conflicts(session, MilestoneNotice.__table__, {
            "petition_id": petition_id, "milestone": milestone, "notified_at": utcnow()},
            ["petition_id", "milestone"])
        if claimed is None:
            continue
        _queue_notice(session, petition_id, milestone, count)
        sent.append(milestone)
    return sent


def _queue_notice(session: Session, petition_id: int, milestone: int, count: int) -> None:
    petition = session.get(Petition, petition_id)
    assert petition is not None
    addresses = session.scalars(
        select(Organizer.email).join(Membership, Membership.organizer_id == Organizer.id)
        .where(Membership.campaign_id == petition.campaign_id,
               Membership.role.in_([Role.OWNER, Role.ORGANIZER])).order_by(Organizer.email))
    base_url = current_app.config["BASE_URL"].rstrip("/")
    body = render_template("emails/milestone.txt", petition=petition, milestone=milestone,
                           count=count, dashboard_url=f"{base_url}/admin/petitions/{petition.id}"
                                                      "/dashboard")
    subject = " ".join(f"{petition.title}: {milestone:,} signatures reached".split())
    for address in addresses:
        queue_email(session, to=address, subject=subject, body=body, kind="milestone")
