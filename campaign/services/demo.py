"""Demo content for a first look: a campaign, an organizer and an open petition.

Loading it twice changes nothing: everything is looked up by its slug or email first.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import Campaign, LetterCampaign, LetterCampaignState, Organizer, Petition
from campaign.services import organizers, petitions

DEMO_EMAIL = "demo@example.org"
DEMO_CAMPAIGN = "forced-labour"
DEMO_PETITION = "ban-forced-labour-products"
# Its templates are the files in letters/enforce-the-forced-labour-ban/.
DEMO_LETTER_CAMPAIGN = "enforce-the-forced-labour-ban"

DEMO_BODY = """\
Millions of people are made to work against their will, and the goods they make reach our shops.
The European Union has adopted a regulation that bans products made with forced labour from its
market. It only works if it is enforced.

We call on the European Commission and the Member States to:

- enforce the forced labour regulation from the first day it applies,
- publish the list of regions and sectors at high risk of state-imposed forced labour,
- give affected communities and civil society a real way to submit evidence.
"""


def _demo_password(instance_path: str) -> str:
    path = Path(instance_path) / "demo-password"
    if path.exists():
        return path.read_text().strip()
    password = secrets.token_urlsafe(12)
    path.write_text(password)
    path.chmod(0o600)
    return password


def load(session: Session, instance_path: str) -> list[str]:
    """Create whatever part of the demo is missing; returns lines to show the user."""
    password = _demo_password(instance_path)
    organizer = session.scalar(select(Organizer).where(Organizer.email == DEMO_EMAIL))
    if organizer is None:
        organizer = organizers.create_organizer(session, DEMO_EMAIL, password, "Demo Organizer")
    campaign = session.scalar(select(Campaign).where(Campaign.slug == DEMO_CAMPAIGN))
    if campaign is None:
        campaign = organizers.create_campaign(session, organizer, "End Forced Labour",
                                              DEMO_CAMPAIGN)
    petition = session.scalar(select(Petition).where(Petition.slug == DEMO_PETITION))
    if petition is None:
        petition = petitions.create_petition(session, campaign, petitions.PetitionFields(
            title="Keep products of forced labour out of Europe",
            target="The European Commission and the Member States",
            goal=10_000, slug=DEMO_PETITION, milestones=[100, 1_000, 5_000],
            summary="Enforce the EU forced labour ban fully, from day one.",
            body_markdown=DEMO_BODY))
        petitions.change_state(petition, "open")
    if session.scalar(select(LetterCampaign).where(LetterCampaign.slug == DEMO_LETTER_CAMPAIGN)) is None:
        session.add(LetterCampaign(
            campaign=campaign, slug=DEMO_LETTER_CAMPAIGN, title="Enforce the forced labour ban",
            subject="Please enforce the EU forced labour ban from day one",
            description="Ask your Members of the European Parliament to make sure the ban works.",
            talking_points=[
                "Enforce the forced labour regulation fully from the first day it applies.",
                "Publish the list of regions and sectors at high risk of state-imposed forced "
                "labour.",
                "Give affected communities and civil society a real way to submit evidence.",
            ],
            default_language="en", state=LetterCampaignState.OPEN))
    return [
        f"demo petition: /petitions/{petition.slug}",
        f"demo letter campaign: /letters/{DEMO_LETTER_CAMPAIGN}",
        f"organizer login: {DEMO_EMAIL} / {password} (kept in {instance_path}/demo-password)",
    ]
