"""Importing legislator lists: every format, re-imports, and files with errors."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from campaign.legislators import importing
from campaign.legislators.records import ImportRefused
from campaign.models import Area, Chamber, Legislator
from tests.legislator_helpers import (
    DATA,
    SHARED_LEGISLATORS,
    count,
    load,
    load_shared_meps,
    needs_shared,
    serving,
)


def _snapshot(session: Any) -> list[tuple]:
    """Everything an import writes, to compare before and after a re-import."""
    members = session.query(Legislator).order_by(Legislator.chamber_id, Legislator.external_id)
    return [(m.chamber_id, m.external_id, m.name, m.email, m.area_id, m.languages, m.serving,
             m.updated_at) for m in members] + [("areas", count(session, Area)),
                                               ("chambers", count(session, Chamber))]


# -- the shared files (acceptance 1) ------------------------------------------------------------

@needs_shared
def test_shared_meps_718_across_27_member_states_with_emails(session: Any) -> None:
    reports = load_shared_meps(session)
    assert str(reports[0]) == "eu-parliament: 718 new, 0 updated, 0 unchanged, 0 no longer serving"
    meps = serving(session, "eu-parliament")
    assert len(meps) == 718
    countries = Counter(m.area.country for m in meps)
    assert len(countries) == 27
    assert countries["DE"] == 96 and countries["FR"] == 81 and countries["BE"] == 22
    assert all(m.email.endswith("@europarl.europa.eu") for m in meps)
    by_name = {m.name: m for m in meps}
    assert by_name["Sophie WILMÈS"].languages == ["fr"]
    assert by_name["Sophie WILMÈS"].area.code == "BE-FR"
    assert by_name["Pascal ARIMONT"].languages == ["de"]
    assert by_name["Kris VAN DIJCK"].languages == ["nl"]
    assert by_name["Seán KELLY"].languages == ["en", "ga"]
    assert by_name["Christophe BAY"].languages == ["fr"]
    # The shared regions file is of the 2019 term: 70 of its people are no longer MEPs, and
    # Italy's 2024 constituencies are known for only 24 of its 76 MEPs.
    assert any("70 MEP(s) in the regions file(s) are not in the MEP list" in n
               for n in reports[0].notices)
    assert any(n.startswith("52 MEP(s) of IT have no regional constituency")
               for n in reports[0].notices)

    again = load_shared_meps(session)
    assert str(again[0]) == "eu-parliament: 0 new, 0 updated, 718 unchanged, 0 no longer serving"


@needs_shared
def test_shared_us_congress_csv_and_yaml_give_the_same_537(session: Any) -> None:
    reports = load(session, SHARED_LEGISLATORS / "us-congress-legislators-current.csv",
                   "us-congress")
    assert [str(r) for r in reports] == [
        "us-senate: 100 new, 0 updated, 0 unchanged, 0 no longer serving",
        "us-house: 437 new, 0 updated, 0 unchanged, 0 no longer serving"]
    senate, house = serving(session, "us-senate"), serving(session, "us-house")
    assert len(senate) + len(house) == 537
    assert Counter(Counter(m.area.code for m in senate).values()) == Counter({2: 50})
    assert all(m.languages == ["en"] and m.email == "" for m in senate + house)
    from_csv = {(m.external_id, m.name, m.area.code, m.party, m.contact_form_url, m.postal_address)
                for m in senate + house}

    reports = load(session, SHARED_LEGISLATORS / "us-congress-legislators-current.yaml",
                   "us-congress")
    # The YAML adds the term dates; nobody is new, gone or moved.
    assert [(r.created, r.retired) for r in reports] == [(0, 0), (0, 0)]
    senate, house = serving(session, "us-senate"), serving(session, "us-house")
    from_yaml = {(m.external_id, m.name, m.area.code, m.party, m.contact_form_url, m.postal_address)
                 for m in senate + house}
    assert from_yaml == from_csv
    assert all(m.mandate_start and m.mandate_end for m in senate + house)

    # The CSV again changes nothing: it gives no term dates, so it keeps the YAML's.
    before = _snapshot(session)
    reports = load(session, SHARED_LEGISLATORS / "us-congress-legislators-current.csv",
                   "us-congress")
    assert [(r.created, r.updated, r.unchanged, r.retired) for r in reports] == [
        (0, 0, 100, 0), (0, 0, 437, 0)]
    assert _snapshot(session) == before


@needs_shared
def test_shared_lithuanian_seimas_from_popolo(session: Any) -> None:
    reports = load(session, SHARED_LEGISLATORS / "lt-seimas-popolo.json", "popolo", country="LT")
    assert str(reports[0]) == "lt-seimas: 135 new, 0 updated, 0 unchanged, 0 no longer serving"
    members = serving(session, "lt-seimas")
    assert len(members) == 135
    assert all(m.email.endswith("@lrs.lt") and m.languages == ["lt"] for m in members)
    kinds = Counter(m.area.kind for m in members)
    # 62 list seats plus 8 replacements without a constituency represent the whole country.
    assert kinds == Counter({"country": 70, "constituency": 65})
    masiulis = next(m for m in members if m.name == "Kęstutis Masiulis")
    assert (masiulis.email, masiulis.gender, masiulis.area.code) == (
        "Kestutis.Masiulis@lrs.lt", "male", "LT")
    assert masiulis.party == "Tėvynės sąjungos-Lietuvos krikščionių demokratų frakcija"

    before = _snapshot(session)
    load(session, SHARED_LEGISLATORS / "lt-seimas-popolo.json", "popolo", country="LT")
    assert _snapshot(session) == before


# -- our own small files ------------------------------------------------------------------------

def test_small_mep_file_places_members_and_sets_languages(session: Any) -> None:
    reports = load(session, DATA / "meps.csv", "ep-meps", regions=[DATA / "mep_regions.csv"])
    assert (reports[0].created, reports[0].retired) == (14, 0)
    assert reports[0].notices == [
        "1 MEP(s) in the regions file(s) are not in the MEP list (former members?); ignored",
        "1 MEP(s) of IT have no regional constituency in the regions file(s); lookups list them "
        "for every constituency"]
    meps = {m.name: m for m in serving(session, "eu-parliament")}
    assert {name: (m.area.code, m.languages) for name, m in meps.items()} == {
        "Anne DUBOIS": ("BE-FR", ["fr"]), "Bernard LEROY": ("BE-FR", ["fr"]),
        "Claire MARTIN": ("BE-FR", ["fr"]), "Dirk PEETERS": ("BE-NL", ["nl"]),
        "Erika SCHMITZ": ("BE-DE", ["de"]), "Fiona MURPHY": ("IE-SOUTH", ["en", "ga"]),
        "Gerry KELLY": ("IE-SOUTH", ["en", "ga"]), "Hugh BYRNE": ("IE-DUBLIN", ["en", "ga"]),
        "Inès BERNARD": ("FR", ["fr"]), "Jean PETIT": ("FR", ["fr"]), "Karim ROUX": ("FR", ["fr"]),
        "Lucia ROSSI": ("IT-CENTRALE", ["it"]), "Marco BIANCHI": ("IT", ["it"]),
        "Nora WEBER": ("LU", ["fr", "de", "lb"]),
    }
    dubois = meps["Anne DUBOIS"]
    assert (dubois.gender, dubois.party, dubois.group, str(dubois.mandate_start)) == (
        "female", "Mouvement Réformateur", "Renew", "2024-07-16")
    assert dubois.postal_address.startswith("Office 06M071\nEuropean Parliament")
    assert meps["Anne DUBOIS"].area.parent.code == "BE"


def test_reimport_changes_nothing_and_retires_those_gone(session: Any, tmp_path: Any) -> None:
    load(session, DATA / "meps.csv", "ep-meps", regions=[DATA / "mep_regions.csv"])
    before = _snapshot(session)
    reports = load(session, DATA / "meps.csv", "ep-meps", regions=[DATA / "mep_regions.csv"])
    assert str(reports[0]) == "eu-parliament: 0 new, 0 updated, 14 unchanged, 0 no longer serving"
    assert _snapshot(session) == before

    # Next term: Karim ROUX is gone, Jean PETIT has a new address, Zoé NOUVEAU arrives.
    lines = (DATA / "meps.csv").read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if "karim.roux" not in line]
    lines = [line.replace("jean.petit@", "jean.petit2@") for line in lines]
    lines.append("b6,fr,Zoé,NOUVEAU,zoe.nouveau@europarl.europa.eu,F,Renew,Renaissance,,,9015,"
                 "2026-01-01")
    changed = tmp_path / "meps.csv"
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reports = load(session, changed, "ep-meps", regions=[DATA / "mep_regions.csv"])
    assert str(reports[0]) == "eu-parliament: 1 new, 1 updated, 12 unchanged, 1 no longer serving"
    assert count(session, Legislator) == 15
    roux = session.query(Legislator).filter_by(external_id="9011").one()
    assert roux.serving is False
    assert session.query(Legislator).filter_by(external_id="9010").one().email == \
        "jean.petit2@europarl.europa.eu"

    # Coming back makes them serving again, still one row.
    load(session, DATA / "meps.csv", "ep-meps", regions=[DATA / "mep_regions.csv"])
    assert session.query(Legislator).filter_by(external_id="9011").one().serving is True
    assert count(session, Legislator) == 15


def test_small_congress_csv_and_yaml(session: Any) -> None:
    load(session, DATA / "congress.csv", "us-congress")
    members = {m.name: m for m in serving(session, "us-senate") + serving(session, "us-house")}
    assert {name: (m.chamber.slug, m.area.code, m.title) for name, m in members.items()} == {
        "Ann Hill": ("us-senate", "CA", "Senator"), "Ben Vale": ("us-senate", "CA", "Senator"),
        "Cora Bay": ("us-house", "CA-12", "Representative"),
        "Dan Reed": ("us-house", "CA-13", "Representative"),
        "Eve Frost": ("us-house", "AK-AL", "Representative"),
        "Finn Snow": ("us-senate", "AK", "Senator"), "Gail Ice": ("us-senate", "AK", "Senator"),
        "Hal Capitol": ("us-house", "DC-AL", "Delegate"),
    }
    bay = members["Cora Bay"]
    assert (bay.area.name, bay.area.parent.code, bay.contact_form_url, bay.email) == (
        "California district 12", "CA", "https://bay.house.gov/contact", "")
    assert bay.mandate_start is None

    reports = load(session, DATA / "congress.yaml", "us-congress")
    assert [(r.created, r.updated, r.retired) for r in reports] == [(0, 4, 0), (0, 4, 0)]
    bay = session.query(Legislator).filter_by(external_id="T000003").one()
    assert (str(bay.mandate_start), str(bay.mandate_end), bay.area.code) == (
        "2025-01-03", "2027-01-03", "CA-12")


def test_small_popolo_takes_the_current_members(session: Any) -> None:
    load(session, DATA / "popolo.json", "popolo", country="LT")
    members = {m.name: m for m in serving(session, "lt-seimas")}
    assert {name: (m.area.code, m.party, m.email) for name, m in members.items()} == {
        "Ona Kazlauskienė": ("1", "Frakcija A", "ona.kazlauskiene@lrs.lt"),
        "Petras Jonaitis": ("LT", "Frakcija B", "petras.jonaitis@lrs.lt"),
        "Rūta Petraitė": ("2", "Frakcija A", "ruta.petraite@lrs.lt"),
    }
    ona = members["Ona Kazlauskienė"]
    assert (ona.phone, ona.website, ona.gender, ona.languages) == (
        "(8 5) 2390001", "https://ona.example.lt", "female", ["lt"])
    assert (str(ona.mandate_start), str(ona.mandate_end)) == ("2012-11-17", "2016-11-10")
    assert str(members["Rūta Petraitė"].mandate_start) == "2014-05-01"


def test_popolo_needs_a_country(session: Any) -> None:
    with pytest.raises(ImportRefused) as refused:
        load(session, DATA / "popolo.json", "popolo")
    assert "--country" in str(refused.value.problems[0])


def test_plain_csv(session: Any) -> None:
    reports = load(session, DATA / "chamber.csv", "csv", chamber="it-bz-landtag",
                   chamber_name="Südtiroler Landtag", chamber_kind="regional")
    assert str(reports[0]) == "it-bz-landtag: 4 new, 0 updated, 0 unchanged, 0 no longer serving"
    chamber = session.query(Chamber).filter_by(slug="it-bz-landtag").one()
    assert (chamber.name, chamber.kind, chamber.country) == ("Südtiroler Landtag", "regional", "IT")
    members = {m.external_id: m for m in serving(session, "it-bz-landtag")}
    gruber = members["bz-01"]
    assert (gruber.area.code, gruber.area.name, gruber.area.parent.code) == (
        "BZ-1", "Bozen Süd", "IT")
    assert gruber.postal_address == "Landtag\nSilvius-Magnago-Platz 6\n39100 Bozen"
    assert (gruber.languages, str(gruber.mandate_end)) == (["de", "it"], "2028-11-14")
    assert members["bz-04"].area.kind == "country"
    assert members["bz-04"].languages == ["it"]
    assert members["bz-02"].contact_form_url == "https://landtag.example/contact/bz-02"


def test_csv_with_two_bad_rows_names_both_and_imports_nothing(session: Any, runner: Any) -> None:
    with pytest.raises(ImportRefused) as refused:
        load(session, DATA / "chamber-bad.csv", "csv", chamber="de-bundestag")
    assert [str(p) for p in refused.value.problems] == [
        "row 3: email 'not-an-email' is not valid (An email address must have an @-sign.)",
        "row 5: name is required",
        "row 5: mandate_start '26.10.2021' is not a date (YYYY-MM-DD)",
    ]
    assert count(session, Legislator) == count(session, Chamber) == count(session, Area) == 0

    result = runner.invoke(args=["legislators", "import", str(DATA / "chamber-bad.csv"),
                                 "--format", "csv", "--chamber", "de-bundestag"])
    assert result.exit_code == 1
    assert "error: row 3: email 'not-an-email' is not valid" in result.output
    assert "error: row 5: name is required" in result.output
    assert "3 problem(s) found; nothing was imported" in result.output
    assert count(session, Legislator) == count(session, Chamber) == 0


def test_a_failure_while_writing_rolls_everything_back(session: Any, monkeypatch: Any) -> None:
    # A database error in the second chamber must not leave the first one written.
    batches = importing.read_file(DATA / "congress.csv", "us-congress", importing.ImportOptions())
    batches[1].legislators[0].fields["name"] = "x" * 5000 if session.bind.dialect.name == \
        "postgresql" else None
    with pytest.raises(Exception):  # noqa: B017 - any database error will do
        importing.apply_batches(session, batches)
        session.commit()
    session.rollback()
    assert count(session, Legislator) == count(session, Chamber) == 0


def test_missing_columns_and_unknown_files_are_refused(session: Any, tmp_path: Any) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("name,email\nA,a@example.org\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        load(session, bad, "csv", chamber="x")
    assert str(refused.value.problems[0]) == "x.csv row 1: missing column(s): id, country, area"
    with pytest.raises(ImportRefused):
        load(session, tmp_path / "missing.csv", "ep-meps")
    broken = tmp_path / "broken.yaml"
    broken.write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        load(session, broken, "us-congress")
    assert "not valid YAML" in str(refused.value.problems[0])


def test_control_characters_and_nul_bytes_are_refused(session: Any, tmp_path: Any) -> None:
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"id,name,country,area\nx1,Ann\x00,FR,FR\nx2,Bob,FR,FR\nx3,\x00,FR,FR\n")
    with pytest.raises(ImportRefused) as refused:
        load(session, nul, "csv", chamber="fr-x")
    assert [str(p) for p in refused.value.problems] == [
        "nul.csv line 2: contains a NUL byte", "nul.csv line 4: contains a NUL byte"]
    escape = tmp_path / "escape.csv"
    escape.write_text("id,name,country,area\nx1,Ann\x1b[31m,FR,FR\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        load(session, escape, "csv", chamber="fr-x")
    assert [str(p) for p in refused.value.problems] == ["id x1: name contains control characters"]
    assert count(session, Legislator) == count(session, Chamber) == 0
