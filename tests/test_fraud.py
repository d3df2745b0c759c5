"""Bursts of signatures: found, invalidated with a reason (counts drop), restored (counts back)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.models import AuditEntry, Petition, PetitionCountryCount, Signature, SignatureState
from campaign.services import fraud
from tests.conftest import csrf_from
from tests.signatory_factories import add_many, add_signature

BURST_IP = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"
START = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def _counts(app: Flask, petition_id: int) -> tuple[int, dict[str, int]]:
    with app.app_context():
        total = db.session.get(Petition, petition_id).signature_count
        by_country = dict(db.session.execute(
            select(PetitionCountryCount.country, PetitionCountryCount.count)
            .where(PetitionCountryCount.petition_id == petition_id)).all())
        return total, by_country


def test_invalidating_and_restoring_a_burst_of_200(app: Flask, petition: dict,
                                                   admin_client: Any) -> None:
    with app.app_context():
        add_many(db.session, petition["id"], [
            {"email": f"bot{i}@burst.example", "ip_hash": BURST_IP,
             "country": "DE" if i % 4 else "FR", "created_at": START + timedelta(seconds=i)}
            for i in range(200)])
        # Two pending ones in the burst: invalidated too, and restored as pending.
        add_many(db.session, petition["id"], [
            {"email": f"late{i}@burst.example", "ip_hash": BURST_IP,
             "state": SignatureState.PENDING, "created_at": START + timedelta(minutes=5)}
            for i in range(2)])
        # Real people: other addresses, and the same address an hour later.
        add_many(db.session, petition["id"], [
            {"email": f"person{i}@mail.example", "ip_hash": f"{i:032x}", "created_at": START}
            for i in range(30)])
        add_signature(db.session, petition["id"], email="later@mail.example", ip_hash=BURST_IP,
                      country="BE", created_at=START + timedelta(hours=1))
        db.session.commit()
    before_total, before_countries = _counts(app, petition["id"])
    assert before_total == 231

    page = admin_client.get(f"/admin/petitions/{petition['id']}/fraud?grouping=ip&window=10")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and BURST_IP in text
    with app.app_context():
        (largest, *_rest) = fraud.bursts(db.session, petition["id"], "ip", 10)
    assert (largest.key, largest.count, largest.confirmed) == (BURST_IP, 202, 200)
    assert largest.window_start == START

    response = admin_client.post(f"/admin/petitions/{petition['id']}/fraud/invalidate", data={
        "csrf_token": csrf_from(text), "grouping": "ip", "key": BURST_IP,
        "window_start": str(int(largest.window_start.timestamp())), "window_minutes": "10",
        "reason": "200 signatures in four minutes from one address"})
    assert response.status_code == 303
    total, countries = _counts(app, petition["id"])
    assert total == before_total - 200
    assert countries == {"BE": 31, "DE": 0, "FR": 0}
    with app.app_context():
        assert db.session.scalar(select(func.count(Signature.id)).where(
            Signature.state == SignatureState.INVALIDATED)) == 202

    # Invalidated signatures leave the bursts list.
    with app.app_context():
        assert all(b.key != BURST_IP or b.count < 5
                   for b in fraud.bursts(db.session, petition["id"], "ip", 10))
        invalidation_id = fraud.invalidations(db.session, petition["id"])[0][0].id
    page = admin_client.get(f"/admin/petitions/{petition['id']}/fraud").get_data(as_text=True)
    restored = admin_client.post(f"/admin/invalidations/{invalidation_id}/restore",
                                 data={"csrf_token": csrf_from(page)})
    assert restored.status_code == 303
    assert _counts(app, petition["id"]) == (before_total, before_countries)
    with app.app_context():
        states = dict(db.session.execute(select(Signature.state, func.count())
                                          .group_by(Signature.state)).all())
        assert states == {SignatureState.CONFIRMED: 231, SignatureState.PENDING: 2}
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.row_count, e.actor) for e in entries] == [
            ("invalidate", 202, "owner@campaign.test"), ("restore", 202, "owner@campaign.test")]
        assert entries[0].details["reason"] == "200 signatures in four minutes from one address"
        assert entries[0].details["confirmed"] == 200
    # Restoring twice changes nothing more.
    again = admin_client.post(f"/admin/invalidations/{invalidation_id}/restore",
                              data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "restored already" in again.get_data(as_text=True)
    assert _counts(app, petition["id"])[0] == before_total


def test_bursts_by_email_domain(app: Flask, petition: dict, admin_client: Any) -> None:
    with app.app_context():
        add_many(db.session, petition["id"], [
            {"email": f"x{i}@throwaway.example", "ip_hash": f"{i:032x}",
             "created_at": START + timedelta(minutes=i % 3)} for i in range(12)])
        add_many(db.session, petition["id"], [
            {"email": f"y{i}@gmail.example", "ip_hash": f"{i + 100:032x}", "created_at": START}
            for i in range(3)])
        db.session.commit()
        groups = fraud.bursts(db.session, petition["id"], "domain", 10, min_size=3)
    assert [(g.key, g.count) for g in groups] == [("throwaway.example", 12),
                                                  ("gmail.example", 3)]
    page = admin_client.get(f"/admin/petitions/{petition['id']}/fraud?grouping=domain")
    text = page.get_data(as_text=True)
    assert "throwaway.example" in text
    # A reason is required.
    response = admin_client.post(f"/admin/petitions/{petition['id']}/fraud/invalidate", data={
        "csrf_token": csrf_from(text), "grouping": "domain", "key": "throwaway.example",
        "window_start": str(int(START.timestamp())), "window_minutes": "10", "reason": ""},
        follow_redirects=True)
    assert "Give a reason" in response.get_data(as_text=True)
    assert _counts(app, petition["id"])[0] == 15
    admin_client.post(f"/admin/petitions/{petition['id']}/fraud/invalidate", data={
        "csrf_token": csrf_from(text), "grouping": "domain", "key": "throwaway.example",
        "window_start": str(int(START.timestamp())), "window_minutes": "10",
        "reason": "disposable domain"})
    assert _counts(app, petition["id"])[0] == 3
