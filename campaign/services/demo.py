"""Demo content for a first look: a campaign, an organizer and an open petition.

Loading it twice changes nothing: everything is looked up by its slug or email first.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import Campaign, Organizer, Petition
from campaign.services import organizers, petition_translations, petitions

DEMO_EMAIL = "demo@example.org"
DEMO_CAMPAIGN = "forced-labour"
DEMO_PETITION = "ban-forced-labour-products"

DEMO_BODY = """\
Millions of people are made to work against their will, and the goods they make reach our shops.
The European Union has adopted a regulation that bans products made with forced labour from its
market. It only works if it is enforced.

We call on the European Commission and the Member States to:

- enforce the forced labour regulation from the first day it applies,
- publish the list of regions and sectors at high risk of state-imposed forced labour,
- give affected communities and civil society a real way to submit evidence.
"""

# The demo petition in Uyghur, so that a first look shows a right-to-left petition end to end.
DEMO_TRANSLATIONS = {
    "ug": {
        "title": "مەجبۇرىي ئەمگەك مەھسۇلاتلىرى ياۋروپاغا كىرمىسۇن",
        "summary": "ياۋروپا ئىتتىپاقىنىڭ مەجبۇرىي ئەمگەك مەھسۇلاتلىرىنى چەكلەش نىزامى "
                   "بىرىنچى كۈندىن باشلاپ تولۇق ئىجرا قىلىنسۇن.",
        "body_markdown": """\
مىليونلىغان كىشىلەر ئۆز ئىرادىسىگە خىلاپ ھالدا ئىشلەشكە مەجبۇرلانماقتا، ئۇلار ئىشلەپچىقارغان
مەھسۇلاتلار بىزنىڭ دۇكانلىرىمىزغىچە يېتىپ كەلمەكتە. ياۋروپا ئىتتىپاقى مەجبۇرىي ئەمگەك بىلەن
ئىشلەپچىقىرىلغان مەھسۇلاتلارنىڭ ئۆز بازىرىغا كىرىشىنى چەكلەيدىغان نىزام ماقۇللىدى. بۇ نىزام پەقەت
ئىجرا قىلىنغاندىلا ئۈنۈم بېرىدۇ.

بىز ياۋروپا كومىتېتى ۋە ئەزا دۆلەتلەردىن تۆۋەندىكىلەرنى تەلەپ قىلىمىز:

- مەجبۇرىي ئەمگەك نىزامىنى ئۇ كۈچكە ئىگە بولغان بىرىنچى كۈندىن باشلاپ ئىجرا قىلىش،
- دۆلەت تەرىپىدىن يولغا قويۇلغان مەجبۇرىي ئەمگەك خەۋىپى يۇقىرى بولغان رايون ۋە ساھەلەرنىڭ
  تىزىملىكىنى ئېلان قىلىش،
- زىيانكەشلىككە ئۇچرىغان جامائەتلەر ۋە پۇقرالار جەمئىيىتىگە دەلىل-ئىسپات تاپشۇرۇشنىڭ ھەقىقىي
  يولىنى ئېچىپ بېرىش.
""",
    },
}


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
    translated = {t.language for t in petition_translations.translations_of(session, petition)}
    for language, text in DEMO_TRANSLATIONS.items():
        if language not in translated and language != petition.default_language:
            petition_translations.save_translation(session, petition, language, **text)
    return [
        f"demo petition: /petitions/{petition.slug}",
        f"organizer login: {DEMO_EMAIL} / {password} (kept in {instance_path}/demo-password)",
    ]
