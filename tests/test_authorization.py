"""Every admin route, found by walking app.url_map, refuses anonymous users, lower roles and
organizers of other campaigns; and each declares the role it needs next to the view."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from campaign.admin.access import SCOPES, is_admin_rule, required_role
from campaign.models import Role
from tests.routes import World, build_url, build_world, log_in_as, routes

REFUSED = (403, 404)
BELOW = {Role.OWNER: "organizer", Role.ORGANIZER: "viewer"}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # The role check, not the CSRF check, must be what refuses each POST here.
    app_config["WTF_CSRF_ENABLED"] = False
    return app_config


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def _admin_routes(app: Flask) -> list[tuple[Any, str]]:
    found = [(rule, method) for rule, method in routes(app) if is_admin_rule(rule)]
    assert found, "no admin routes found: is the classification wrong?"
    return found


class Clients:
    """One logged-in test client per person, made on first use (a login each, not per request)."""

    def __init__(self, app: Flask, world: World) -> None:
        self.app, self.world = app, world
        self._clients: dict[str | None, Any] = {}

    def request(self, person: str | None, method: str, url: str) -> Any:
        if person not in self._clients:
            client = self.app.test_client()
            if person is not None:
                log_in_as(client, self.app, self.world.people[person])
            self._clients[person] = client
        return self._clients[person].open(url, method=method)


@pytest.fixture
def clients(app: Flask, world: World) -> Clients:
    return Clients(app, world)


def test_every_admin_route_declares_a_role(app: Flask) -> None:
    undeclared = sorted({rule.endpoint for rule, _ in _admin_routes(app)
                         if required_role(app, rule.endpoint) is None})
    assert not undeclared, ("admin endpoints without @requires(Role...) or access.declare(): "
                            f"{undeclared}")


def test_every_admin_route_refuses_anonymous_users(app: Flask, world: World,
                                                   clients: Clients) -> None:
    for rule, method in _admin_routes(app):
        url = build_url(app, rule, world)
        response = clients.request(None, method, url)
        if response.status_code in (302, 303):
            assert "/login" in response.location, (method, url, response.location)
        else:
            assert response.status_code in (401, *REFUSED), (method, url, response.status_code)


def test_every_admin_route_refuses_lower_roles_and_other_campaigns(
        app: Flask, world: World, clients: Clients) -> None:
    checked = 0
    for rule, method in _admin_routes(app):
        needed = required_role(app, rule.endpoint)
        if needed is None:
            continue  # reported by test_every_admin_route_declares_a_role
        url = build_url(app, rule, world)
        scoped = "campaign_id" in rule.arguments or bool(rule.arguments & SCOPES.keys())
        if needed in BELOW:
            response = clients.request(BELOW[needed], method, url)
            assert response.status_code in REFUSED, (method, url, BELOW[needed],
                                                     response.status_code)
            checked += 1
        if scoped:
            # The owner of campaign B, second factor done: the highest role, elsewhere.
            response = clients.request("owner_b", method, url)
            assert response.status_code in REFUSED, (method, url, "owner_b",
                                                     response.status_code)
        else:
            response = clients.request("no_role", method, url)
            assert response.status_code in REFUSED, (method, url, "no_role",
                                                     response.status_code)
        checked += 1
    print(f"authorization: {checked} refusals checked on {len(_admin_routes(app))} admin routes")


def test_every_admin_page_opens_for_its_declared_role(app: Flask, world: World,
                                                      clients: Clients) -> None:
    for rule, method in _admin_routes(app):
        needed = required_role(app, rule.endpoint)
        if method != "GET" or needed is None:
            continue
        url = build_url(app, rule, world)
        response = clients.request(needed.value, method, url)
        assert response.status_code not in (401, 403), (url, needed, response.status_code)
        assert response.status_code < 500, (url, response.status_code)


def test_owner_without_second_factor_is_not_logged_in(app: Flask, world: World) -> None:
    from campaign.extensions import db
    from campaign.models import Organizer
    from campaign.services import organizers

    client = app.test_client()
    with app.app_context():
        person = db.session.get(Organizer, world.people["owner"])
        login = organizers.start_session(db.session, person)
        db.session.commit()
        sid = login.id
    with client.session_transaction() as cookie_session:
        cookie_session["sid"] = sid
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.location


def test_the_outbox_shows_owners_only_their_own_campaigns_mail(app: Flask, world: World,
                                                              clients: Clients) -> None:
    from campaign.extensions import db
    from campaign.models import MailState, OutboundEmail

    with app.app_context():
        email = db.session.get(OutboundEmail, world.email_id)
        email.state = MailState.FAILED
        db.session.commit()
    retry = f"/admin/outbox/{world.email_id}/retry"
    assert retry in clients.request("owner", "GET", "/admin/outbox").get_data(as_text=True)
    assert retry not in clients.request("owner_b", "GET", "/admin/outbox").get_data(as_text=True)
    assert clients.request("owner_b", "POST", retry).status_code == 404
