"""CSV exports (web and command line), the delivery PDF, and the audit log."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.models import AuditEntry, Campaign, Role
from campaign.services import exports, organizers
from tests.conftest import TEST_PASSWORD, csrf_from, login
from tests.signatory_factories import add_signature

DANGEROUS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1:A2)",
             "\tTabbed", "\rReturned"]


@pytest.mark.backend_independent
@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+31 6", "'+31 6"), ("-x", "'-x"), ("@me", "'@me"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("Ayşe", "Ayşe"), ("a=b", "a=b"), ("", ""), (None, "")])
def test_neutralise(value: Any, expected: str) -> None:
    assert exports.neutralise(value) == expected


def test_export_neutralises_formulas_and_reads_back_as_text(
        app: Flask, petition: dict, admin_client: Any, organizer: dict) -> None:
    with app.app_context():
        for i, name in enumerate(DANGEROUS):
            add_signature(db.session, petition["id"], email=f"p{i}@example.org", name=name,
                          postcode="=1", source="-src")
        add_signature(db.session, petition["id"], email="pending@example.org", confirm=False)
        db.session.commit()
    export = f"/admin/campaigns/{organizer['campaign_id']}/export.csv"
    response = admin_client.get(f"{export}?petition_id={petition['id']}&state=confirmed")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))
    assert rows[0] == list(exports.COLUMNS)
    body = rows[1:]
    assert sorted(r[1] for r in body) == sorted("'" + name for name in DANGEROUS)
    for row in body:
        for cell in row:
            assert not cell.startswith(exports.FORMULA_STARTS), row
    assert {r[4] for r in body} == {"'=1"} and {r[8] for r in body} == {"'-src"}

    with app.app_context():
        (entry,) = db.session.scalars(select(AuditEntry)).all()
        assert entry.action == "export-csv" and entry.actor == "owner@campaign.test"
        assert entry.row_count == len(DANGEROUS)
        assert entry.details["state"] == "confirmed"
        assert entry.details["petition_id"] == petition["id"]
    audit_page = admin_client.get(f"/admin/campaigns/{organizer['campaign_id']}/audit"
                                  ).get_data(as_text=True)
    assert "export-csv" in audit_page and "owner@campaign.test" in audit_page


def test_export_filters(app: Flask, petition: dict, admin_client: Any,
                        organizer: dict) -> None:
    with app.app_context():
        add_signature(db.session, petition["id"], email="a@example.org", country="BE",
                      consent_updates=True)
        add_signature(db.session, petition["id"], email="b@example.org", country="DE")
        add_signature(db.session, petition["id"], email="c@example.org", country="BE",
                      confirm=False)
        db.session.commit()

    export = f"/admin/campaigns/{organizer['campaign_id']}/export.csv"

    def emails(query: str) -> list[str]:
        response = admin_client.get(f"{export}?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return sorted(r[2] for r in csv.reader(io.StringIO(response.get_data(as_text=True)))
                      if r[2] != "email")

    assert emails("state=confirmed") == ["a@example.org", "b@example.org"]
    assert emails("state=all&country=BE") == ["a@example.org", "c@example.org"]
    assert emails("state=pending") == ["c@example.org"]
    assert emails("state=confirmed&consent=yes") == ["a@example.org"]
    assert emails("state=all&date_from=2000-01-01&date_to=2000-01-02") == []
    bad = admin_client.get(f"{export}?state=all&date_from=2020-02-02&date_to=2020-01-01"
                           "&country=ZZ")
    assert bad.status_code == 422
    assert "The end date is before the start date" in bad.get_data(as_text=True)


def test_only_owners_export_personal_data(app: Flask, petition: dict, client: Any,
                                          organizer: dict) -> None:
    with app.app_context():
        helper = organizers.create_organizer(db.session, "helper@campaign.test", TEST_PASSWORD)
        organizers.add_member(db.session, db.session.get(Campaign, organizer["campaign_id"]),
                              helper, Role.ORGANIZER)
        db.session.commit()
    login(client, "helper@campaign.test")
    assert client.get(f"/admin/campaigns/{organizer['campaign_id']}/export.csv").status_code == 403
    assert client.get(f"/admin/campaigns/{organizer['campaign_id']}/audit").status_code == 403
    # An organizer may make the delivery PDF, but not with names.
    page = client.get(f"/admin/petitions/{petition['id']}/delivery").get_data(as_text=True)
    assert "Only campaign owners can add signers" in page
    named = client.post(f"/admin/petitions/{petition['id']}/delivery",
                        data={"csrf_token": csrf_from(page), "include_names": "y"})
    assert named.status_code == 403
    with app.app_context():
        assert db.session.scalars(select(AuditEntry)).all() == []


def test_cli_export_to_stdout_and_file(app: Flask, petition: dict, runner: Any,
                                       tmp_path: Any) -> None:
    with app.app_context():
        add_signature(db.session, petition["id"], email="a@example.org",
                      name="=cmd|' /C calc'!A0")
        add_signature(db.session, petition["id"], email="b@example.org", confirm=False)
        db.session.commit()
    result = runner.invoke(args=["export", "signatures", petition["slug"]])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert [r[2] for r in rows[1:]] == ["a@example.org"]
    assert rows[1][1] == "'=cmd|' /C calc'!A0"

    out = tmp_path / "all.csv"
    result = runner.invoke(args=["export", "signatures", petition["slug"], "--state", "all",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as fh:
        assert len(list(csv.reader(fh))) == 3
    missing = runner.invoke(args=["export", "signatures", "no-such-petition"])
    assert missing.exit_code != 0 and "no petition" in missing.output
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.actor, e.row_count, e.details["state"]) for e in entries] == [
            ("command line", 1, "confirmed"), ("command line", 2, "all")]


def test_delivery_pdf_names_only_consenting_signers(app: Flask, petition: dict,
                                                    admin_client: Any) -> None:
    from pypdf import PdfReader

    with app.app_context():
        add_signature(db.session, petition["id"], email="a@example.org", name="Ayşe Tohti",
                      show_name=True, country="BE", postcode="1000")
        add_signature(db.session, petition["id"], email="b@example.org", name="Hidden Person",
                      country="DE", postcode="10115")
        add_signature(db.session, petition["id"], email="c@example.org", name="Pending Shown",
                      show_name=True, confirm=False)
        db.session.commit()
    page = admin_client.get(f"/admin/petitions/{petition['id']}/delivery").get_data(as_text=True)

    def pdf_text(include_names: bool) -> str:
        data = {"csrf_token": csrf_from(page)}
        if include_names:
            data["include_names"] = "y"
        response = admin_client.post(f"/admin/petitions/{petition['id']}/delivery", data=data)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        reader = PdfReader(io.BytesIO(response.get_data()))
        return "\n".join(p.extract_text() for p in reader.pages)

    plain = pdf_text(include_names=False)
    assert "Free the detained" in plain and "2 confirmed signatures" in plain
    assert "Belgium" in plain and "Germany" in plain and "BE 10" in plain
    assert "Ayşe" not in plain
    named = pdf_text(include_names=True)
    assert "Ayşe (BE)" in named
    assert "Tohti" not in named and "Hidden" not in named and "Pending" not in named
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.row_count, e.details) for e in entries] == [
            ("export-pdf", 0, {"include_names": False}), ("export-pdf", 1, {"include_names": True})]
