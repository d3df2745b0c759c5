"""A small world of campaigns, people and objects, and plausible URL values for every route.

Used by the tests that walk `app.url_map` (authorization, headers, fuzzing). When a new
route takes an argument not listed in `VALUE_FACTORIES`, add a factory that returns the id
(or value) of an object belonging to campaign A; otherwise the walkers fall back to a value
by converter type (1 for int, "x" for strings) and can prove less about that route.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from campaign.extensions import db
from campaign.models import Organizer, Role
from campaign.services import mail, organizers, signing, two_factor
from tests.conftest import TEST_PASSWORD, make_petition


@dataclass
class World:
    """Campaign A with one member of each role, campaign B with its own owner, and their data."""

    app: Flask
    campaign_a: int = 0
    campaign_b: int = 0
    people: dict[str, int] = field(default_factory=dict)
    petition_a: int = 0
    petition_a_slug: str = ""
    petition_b: int = 0
    confirm_token: str = ""
    email_id: int = 0
    document_id: int = 0
    call_id: int = 0


@cache
def _password_hash() -> str:
    # argon2id takes a second here by design; the world's five people share one hash.
    return PasswordHasher().hash(TEST_PASSWORD)


def _person(email: str) -> Organizer:
    person = Organizer(email=email, password_hash=_password_hash())
    db.session.add(person)
    db.session.flush()
    return person


def build_world(app: Flask) -> World:
    world = World(app)
    with app.app_context():
        session = db.session
        owner = _person("owner-a@campaign.test")
        campaign_a = organizers.create_campaign(session, owner, "Campaign A", "campaign-a")
        world.people["owner"] = owner.id
        for role in (Role.ORGANIZER, Role.VIEWER):
            person = _person(f"{role.value}-a@campaign.test")
            organizers.add_member(session, campaign_a, person, role)
            world.people[role.value] = person.id
        outsider = _person("owner-b@campaign.test")
        campaign_b = organizers.create_campaign(session, outsider, "Campaign B", "campaign-b")
        world.people["owner_b"] = outsider.id
        world.people["no_role"] = _person("nobody@campaign.test").id
        session.commit()
        world.campaign_a, world.campaign_b = campaign_a.id, campaign_b.id
    world.petition_a = make_petition(app, world.campaign_a, slug="petition-a")
    world.petition_a_slug = "petition-a"
    world.petition_b = make_petition(app, world.campaign_b, slug="petition-b")
    with app.app_context():
        from campaign.models import Petition

        petition = db.session.get(Petition, world.petition_a)
        outcome = signing.sign(db.session, petition, signing.SignatureRequest(
            name="Ayşe Yılmaz", email="ayse@example.org", country="TR"))
        email = mail.queue_email(db.session, to="ayse@example.org", subject="Hello", body="Hi",
                                 campaign_id=world.campaign_a)
        db.session.commit()
        world.confirm_token = signing.confirmation_token(app.config["SECRET_KEY"],
                                                         outcome.signature_id or 0)
        world.email_id = email
        from campaign.ingest.readers import read_bytes
        from campaign.models import Call, Campaign
        from campaign.services import documents

        text = "We call on the Council to adopt targeted sanctions."
        document, _ = documents.store_document(
            db.session, db.session.get_one(Campaign, world.campaign_a),
            read_bytes(text.encode(), "statement.txt"))
        call = Call(document=document, sentence=text, actor="We", target="the Council",
                    demand="adopt targeted sanctions", start=0, end=len(text), position=0)
        db.session.add(call)
        db.session.commit()
        world.document_id, world.call_id = document.id, call.id
    return world


# URL argument -> the value for an object of campaign A. Extend as routes land.
VALUE_FACTORIES: dict[str, Callable[[World], Any]] = {
    "petition_id": lambda w: w.petition_a,
    "campaign_id": lambda w: w.campaign_a,
    "slug": lambda w: w.petition_a_slug,
    "token": lambda w: w.confirm_token,
    "email_id": lambda w: w.email_id,
    "filename": lambda w: "css/site.css",
    "language": lambda w: "fr",
    "document_id": lambda w: w.document_id,
    "call_id": lambda w: w.call_id,
}


def url_values(rule: Rule, world: World) -> dict[str, Any]:
    """Plausible values for each argument of a rule."""
    values: dict[str, Any] = {}
    for name in rule.arguments - set(rule.defaults or ()):
        converter = rule._converters.get(name)  # noqa: SLF001 - werkzeug has no public accessor
        if name in VALUE_FACTORIES:
            values[name] = VALUE_FACTORIES[name](world)
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    return values


def build_url(app: Flask, rule: Rule, world: World) -> str:
    # Built from this rule itself: an endpoint with several rules (defaults) has one URL each.
    with app.test_request_context():
        return rule.build(url_values(rule, world), append_unknown=False)[1]


def routes(app: Flask) -> Iterator[tuple[Rule, str]]:
    """Every (rule, method) of the app, without HEAD and OPTIONS, which Flask answers itself."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def log_in_as(client: FlaskClient, app: Flask, organizer_id: int) -> None:
    """Give the client a complete server-side session for this organizer (second factor done)."""
    from campaign.models import Organizer

    with app.app_context():
        person = db.session.get(Organizer, organizer_id)
        login = organizers.start_session(db.session, person)
        two_factor.mark_verified(login)
        db.session.commit()
        sid = login.id
    with client.session_transaction() as cookie_session:
        cookie_session.clear()
        cookie_session["sid"] = sid
