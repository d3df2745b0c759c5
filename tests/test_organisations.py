"""Organisations co-signing a joint statement: public form, email confirmation, approval."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.models import CosignState, OrganisationSignature, OutboundEmail, Petition
from tests.conftest import csrf_from

COUNTRIES = ["BE", "DE", "FR", "NL", "US", "GB", "CA", "SE", "NO", "DK", "FI", "IT", "ES", "PT",
             "AT", "CH", "AU", "JP", "TR", "KZ"]


def _make_joint_statement(app: Flask, petition_id: int) -> None:
    with app.app_context():
        db.session.get(Petition, petition_id).joint_statement = True
        db.session.commit()


def _cosign(client: Any, slug: str, name: str, country: str, **fields: Any) -> Any:
    page = client.get(f"/petitions/{slug}/cosign").get_data(as_text=True)
    data = {"organisation": name, "country": country, "org_website": "https://example.org",
            "contact_name": "Contact Person", "contact_email": "contact@example.org",
            "authorised": "y", "csrf_token": csrf_from(page)}
    data.update(fields)
    return client.post(f"/petitions/{slug}/cosign", data=data)


def _confirm_all(app: Flask, client: Any) -> None:
    with app.app_context():
        bodies = db.session.scalars(select(OutboundEmail.body_text)
                                    .where(OutboundEmail.kind == "confirm-cosign")).all()
    for body in bodies:
        path = re.search(r"http://localhost(/organisations/confirm/\S+)", body).group(1)
        page = client.get(path).get_data(as_text=True)
        assert client.post(path, data={"csrf_token": csrf_from(page)}).status_code == 200


def test_53_organisations_listed_in_order_after_approval(app: Flask, petition: dict,
                                                         admin_client: Any) -> None:
    slug = petition["slug"]
    _make_joint_statement(app, petition["id"])
    names = [f"Organisation {i:02d}" for i in range(50)] + ["éthique sans frontières",
                                                           "Zürich Uyghur Association",
                                                           "amnesty local group"]
    for i, name in enumerate(names):
        response = _cosign(admin_client, slug, name, COUNTRIES[i % len(COUNTRIES)])
        assert response.status_code == 303, response.get_data(as_text=True)
    # These never appear: one only confirmed by its contact, one rejected, one unconfirmed.
    for name in ("Waiting For Approval", "Rejected Org"):
        _cosign(admin_client, slug, name, "BE")
    _confirm_all(app, admin_client)
    _cosign(admin_client, slug, "Never Confirmed", "BE")

    # Nothing is shown before an organizer approves.
    assert "Organisation 00" not in admin_client.get(f"/petitions/{slug}").get_data(as_text=True)

    review = admin_client.get(f"/admin/petitions/{petition['id']}/organisations")
    token = csrf_from(review.get_data(as_text=True))
    with app.app_context():
        rows = {o.name: o.id for o in db.session.scalars(select(OrganisationSignature))}
    for name in names:
        decided = admin_client.post(f"/admin/organisations/{rows[name]}/approve",
                                    data={"csrf_token": token})
        assert decided.status_code == 303
    admin_client.post(f"/admin/organisations/{rows['Rejected Org']}/reject",
                      data={"csrf_token": token})
    # A co-signature its contact has not confirmed cannot be approved.
    admin_client.post(f"/admin/organisations/{rows['Never Confirmed']}/approve",
                      data={"csrf_token": token})
    with app.app_context():
        states = {o.name: o.state for o in db.session.scalars(select(OrganisationSignature))}
    assert states["Never Confirmed"] is CosignState.PENDING
    assert states["Waiting For Approval"] is CosignState.CONFIRMED

    page = admin_client.get(f"/petitions/{slug}").get_data(as_text=True)
    assert "53 organisations from 20 countries" in page
    listed = re.findall(r'<li><a href="https://example.org" rel="noopener noreferrer nofollow">'
                        r"<bdi>([^<]+)</bdi></a> <span", page)
    expected = ["amnesty local group", "éthique sans frontières"] + \
        [f"Organisation {i:02d}" for i in range(50)] + ["Zürich Uyghur Association"]
    assert [name.replace("&#39;", "'") for name in listed] == expected
    assert re.search(r'<ol class="organisation-list">', page)
    for hidden in ("Waiting For Approval", "Rejected Org", "Never Confirmed", "contact@example.org",
                   "Contact Person"):
        assert hidden not in page


def test_cosign_form_validates_and_refuses_bots(app: Flask, petition: dict, client: Any) -> None:
    slug = petition["slug"]
    assert client.get(f"/petitions/{slug}/cosign").status_code == 404  # not a joint statement
    _make_joint_statement(app, petition["id"])
    bad = _cosign(client, slug, "", "XX", contact_email="not-an-email",
                  org_website="javascript:alert(1)", authorised="")
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    for message in ("Please enter the organisation", "Please choose a country from the list",
                    "Please enter a valid email address", "Please enter a full address",
                    "Please confirm that you may sign"):
        assert message in text.replace("&#39;", "'")
    bot = _cosign(client, slug, "Bot Org", "BE", website="http://spam.example")
    assert bot.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(OrganisationSignature)).all() == []


def test_one_organisation_reads_in_the_singular(app: Flask, petition: dict,
                                                admin_client: Any) -> None:
    _make_joint_statement(app, petition["id"])
    _cosign(admin_client, petition["slug"], "Solo Org", "BE")
    _confirm_all(app, admin_client)
    with app.app_context():
        organisation = db.session.scalars(select(OrganisationSignature)).one()
        organisation.state = CosignState.APPROVED
        db.session.commit()
    page = admin_client.get(f"/petitions/{petition['slug']}").get_data(as_text=True)
    assert "1 organisation from 1 country" in page
