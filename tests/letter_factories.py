"""Test data for letters: a few MEPs of BE/FR/DE/IE/NL, a US senator, and a letter campaign."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from campaign.extensions import db
from campaign.models import (
    Area,
    Chamber,
    Legislator,
    LetterCampaign,
    LetterCampaignState,
)

DEMO_SLUG = "enforce-the-forced-labour-ban"
TALKING_POINTS = [
    "Enforce the forced labour regulation fully from the first day it applies.",
    "Publish the list of regions and sectors at high risk of state-imposed forced labour.",
    "Give affected communities and civil society a real way to submit evidence.",
]
EP_ADDRESS = ("European Parliament\nBâtiment Altiero Spinelli\n60, rue Wiertz\n1047 Bruxelles\n"
              "Belgium")

# (key, name, given, family, gender, area code, languages, email)
MEPS = [
    ("lambert", "Sophie Lambert", "Sophie", "Lambert",
      "female", "BE-FR", ["fr"], "sophie.lambert@europarl.test"),
    ("peeters", "Jan Peeters", "Jan", "Peeters",
      "male", "BE-NL", ["nl"], "jan.peeters@europarl.test"),
    ("dubois", "Claire Dubois", "Claire", "Dubois",
      "female", "FR", ["fr"], "claire.dubois@europarl.test"),
    ("martin", "Jean Martin", "Jean", "Martin", "male", "FR", ["fr"], "jean.martin@europarl.test"),
    ("bernard", "Camille Bernard", "Camille", "Bernard",
      "", "FR", ["fr"], "camille.bernard@europarl.test"),
    ("schmidt", "Anna Schmidt", "Anna", "Schmidt",
      "female", "DE", ["de"], "anna.schmidt@europarl.test"),
    ("mueller", "Thomas Müller", "Thomas", "Müller",
      "male", "DE", ["de"], "thomas.mueller@europarl.test"),
    ("obriain", "Seán Ó Briain", "Seán", "Ó Briain",
      "male", "IE-S", ["en", "ga"], "sean.obriain@europarl.test"),
    ("devries", "Eva de Vries", "Eva", "de Vries",
      "female", "NL", ["nl"], "eva.devries@europarl.test"),
]
AREAS = {
    "BE-FR": ("region", "French-speaking electoral college", "BE"),
    "BE-NL": ("region", "Dutch-speaking electoral college", "BE"),
    "FR": ("country", "France", "FR"),
    "DE": ("country", "Germany", "DE"),
    "IE-S": ("constituency", "South", "IE"),
    "NL": ("country", "Netherlands", "NL"),
}


def make_campaign(app: Flask, slug: str = "letters-campaign") -> int:
    """A campaign without an organizer, for tests that need no login."""
    from campaign.models import Campaign

    with app.app_context():
        campaign = Campaign(slug=slug, name="Letters")
        db.session.add(campaign)
        db.session.commit()
        return campaign.id


@dataclass
class LetterWorld:
    letter_campaign_id: int
    legislators: dict[str, int]


def make_letter_world(app: Flask, campaign_id: int, **campaign_fields: Any) -> LetterWorld:
    """Create the chambers, areas, legislators and an open letter campaign; returns their ids."""
    with app.app_context():
        session = db.session
        ep = Chamber(slug="eu-parliament", name="European Parliament", country="EU",
                     kind="eu-parliament", languages=["en", "fr", "de"])
        senate = Chamber(slug="us-senate", name="United States Senate", country="US",
                         kind="us-senate", languages=["en"])
        session.add_all([ep, senate])
        session.flush()
        areas = {}
        for code, (kind, name, country) in AREAS.items():
            areas[code] = Area(chamber_id=ep.id, kind=kind, code=code, name=name, country=country)
        areas["CA"] = Area(chamber_id=senate.id, kind="state", code="CA", name="California",
                           country="US")
        session.add_all(areas.values())
        session.flush()
        ids = {}
        for key, name, given, family, gender, area, languages, email in MEPS:
            person = Legislator(chamber_id=ep.id, external_id=f"ep-{key}", name=name,
                                given_name=given, family_name=family, gender=gender,
                                title="MEP", group="Example Group", email=email,
                                postal_address=EP_ADDRESS, languages=languages,
                                area_id=areas[area].id)
            session.add(person)
            session.flush()
            ids[key] = person.id
        senator = Legislator(chamber_id=senate.id, external_id="S000", name="Jordan Rivers",
                             given_name="Jordan", family_name="Rivers", gender="",
                             title="Senator", party="Independent",
                             contact_form_url="https://rivers.senate.test/contact",
                             postal_address="331 Hart Senate Office Building\nWashington, DC 20510",
                             languages=["en"], area_id=areas["CA"].id)
        session.add(senator)
        session.flush()
        ids["rivers"] = senator.id
        fields = {"slug": DEMO_SLUG, "title": "Enforce the forced labour ban",
                  "subject": "Please enforce the EU forced labour ban from day one",
                  "talking_points": TALKING_POINTS, "default_language": "en",
                  "state": LetterCampaignState.OPEN, **campaign_fields}
        letter_campaign = LetterCampaign(campaign_id=campaign_id, **fields)
        session.add(letter_campaign)
        session.commit()
        return LetterWorld(letter_campaign.id, ids)
