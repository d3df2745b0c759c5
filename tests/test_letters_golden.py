"""Golden files fix the rendered letters: tests/golden/letters/<case>.txt.

Regenerate after an intended change with
`CAMPAIGN_UPDATE_GOLDEN=1 pytest tests/test_letters_golden.py` (or `pytest --update-golden`),
then review the diff.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from campaign.extensions import db
from campaign.models import Legislator, LetterCampaign
from campaign.services import letters
from campaign.services.letter_templates import SupporterPart, format_letter_date
from tests.letter_factories import LetterWorld, make_campaign, make_letter_world

GOLDEN = Path(__file__).parent / "golden" / "letters"
DAY = date(2026, 3, 5)
SUPPORTER = SupporterPart(
    name="Léa Fontaine", town="Lyon",
    personal_paragraph="My grandmother was made to sew clothes for export in a camp. I want to be "
                       "sure that nothing made like that can be sold here.")

# (golden file, legislator key): one case per language and salutation form.
CASES = [
    ("en-dear-mr", "obriain"),
    ("fr-madame-la-deputee", "dubois"),
    ("fr-neutral", "bernard"),
    ("de-sehr-geehrter-herr", "mueller"),
    ("nl-geachte-mevrouw", "devries"),
    ("en-neutral-senator", "rivers"),
    ("fr-monsieur-le-depute", "martin"),
    ("de-sehr-geehrte-frau", "schmidt"),
]


def _update_requested(config: pytest.Config) -> bool:
    return bool(os.environ.get("CAMPAIGN_UPDATE_GOLDEN")) or bool(
        config.getoption("--update-golden", default=False))


@pytest.fixture
def world(app: Flask) -> LetterWorld:
    return make_letter_world(app, make_campaign(app))


@pytest.mark.parametrize(("case", "key"), CASES)
def test_rendered_letter_matches_golden_file(app: Flask, world: LetterWorld, case: str, key: str,
                                             request: pytest.FixtureRequest) -> None:
    with app.app_context():
        letter_campaign = db.session.get(LetterCampaign, world.letter_campaign_id)
        legislator = db.session.get(Legislator, world.legislators[key])
        drafted = letters.draft(db.session, letter_campaign, legislator, SUPPORTER, DAY)
    rendered = (f"Language: {drafted.language}\nSubject: {drafted.subject}\n"
                f"Date: {format_letter_date(DAY, drafted.language)}\n\n{drafted.body}")
    path = GOLDEN / f"{case}.txt"
    if _update_requested(request.config) or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8"), (
        f"{path} differs; if the change is intended, regenerate with CAMPAIGN_UPDATE_GOLDEN=1")
