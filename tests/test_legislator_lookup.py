"""Finding a supporter's legislators: by country, region, US state and district, postcode."""

from __future__ import annotations

import json
from typing import Any

import pytest

from campaign.legislators.lookup import districts_for, lookup, regions_for
from campaign.legislators.postcodes import import_postcodes
from campaign.legislators.records import ImportRefused
from tests.legislator_helpers import (
    DATA,
    SHARED_LEGISLATORS,
    load,
    load_shared_meps,
    needs_shared,
)


def _names(result: Any, chamber: str) -> list[str]:
    match = next(m for m in result.chambers if m.chamber.slug == chamber)
    return [member.name for member in match.legislators]


# -- the shared files (acceptance 2) ------------------------------------------------------------

@needs_shared
def test_shared_mep_lookups(session: Any) -> None:
    load_shared_meps(session)

    french_college = lookup(session, "BE", region="BE-FR")
    assert _names(french_college, "eu-parliament") == [
        "Marc BOTENGA", "Saskia BRICMONT", "Benoit CASSART", "Estelle CEULEMANS",
        "Olivier CHASTEL", "Elio DI RUPO", "Yvan VEROUGSTRAETE", "Sophie WILMÈS"]
    assert {m.languages[0] for m in french_college.legislators} == {"fr"}
    # The college's name in the source's own words finds it too.
    assert _names(lookup(session, "be", region="Collège électoral français"),
                  "eu-parliament") == _names(french_college, "eu-parliament")

    south = lookup(session, "IE", region="South")
    assert _names(south, "eu-parliament") == [
        "Kathleen FUNCHION", "Billy KELLEHER", "Seán KELLY", "Michael MCNAMARA",
        "Cynthia NÍ MHURCHÚ"]
    assert all(m.email for m in south.legislators)

    france = lookup(session, "FR")
    assert len(france.legislators) == 81 and not france.ambiguous
    assert france.chambers[0].area.code == "FR"
    assert {"Jordan BARDELLA", "Manon AUBRY", "François-Xavier BELLAMY"} <= set(
        _names(france, "eu-parliament"))

    # Belgium without a college: the three colleges to choose from, nobody guessed.
    belgium = lookup(session, "BE")
    assert belgium.legislators == []
    assert [(a.code, a.name) for a in belgium.choices] == [
        ("BE-FR", "Collège électoral français"), ("BE-DE", "Collège électoral germanophone"),
        ("BE-NL", "Nederlands Kiescollege")]
    assert [len(lookup(session, "BE", region=a.code).legislators) for a in belgium.choices] == \
        [8, 1, 13]


@needs_shared
def test_shared_california_12th(session: Any) -> None:
    load(session, SHARED_LEGISLATORS / "us-congress-legislators-current.csv", "us-congress")
    result = lookup(session, "US", state="CA", district="12")
    assert [(m.chamber.slug, [x.name for x in m.legislators]) for m in result.chambers] == [
        ("us-senate", ["Alex Padilla", "Adam B. Schiff"]),
        ("us-house", ["Lateefah Simon"]),
    ]
    assert not result.ambiguous and not result.problems
    # Each match also unpacks as a (chamber, legislators) pair.
    assert [(chamber.slug, len(members)) for chamber, members in result.chambers] == [
        ("us-senate", 2), ("us-house", 1)]
    simon = result.chambers[1].legislators[0]
    assert (simon.area.code, simon.party, simon.email) == ("CA-12", "Democrat", "")
    assert simon.postal_address == "1023 Longworth House Office Building Washington DC 20515-0512"
    # Only the state: the senators, and California's districts to choose from: 51 of its 52,
    # since the shared list has nobody for the vacant 14th (areas come from the members).
    state_only = lookup(session, "US", state="CA")
    assert len(state_only.chambers[0].legislators) == 2
    assert len(state_only.chambers[1].choices) == 51
    assert "CA-14" not in [a.code for a in state_only.chambers[1].choices]
    assert state_only.chambers[1].choices[11].code == "CA-12"


# -- our own small files ------------------------------------------------------------------------

@pytest.fixture
def small(session: Any) -> Any:
    load(session, DATA / "meps.csv", "ep-meps", regions=[DATA / "mep_regions.csv"])
    load(session, DATA / "congress.csv", "us-congress")
    load(session, DATA / "popolo.json", "popolo", country="LT")
    import_postcodes(session, DATA / "postcodes.csv")
    session.commit()
    return session


def test_small_regions_and_national_lists(small: Any) -> None:
    assert _names(lookup(small, "BE", region="fr"), "eu-parliament") == [
        "Anne DUBOIS", "Bernard LEROY", "Claire MARTIN"]
    assert _names(lookup(small, "BE", region="BE-DE"), "eu-parliament") == ["Erika SCHMITZ"]
    assert _names(lookup(small, "IE", region="south"), "eu-parliament") == [
        "Gerry KELLY", "Fiona MURPHY"]
    assert _names(lookup(small, "FR"), "eu-parliament") == ["Inès BERNARD", "Jean PETIT",
                                                            "Karim ROUX"]
    # An Italian MEP without a known constituency is listed with every constituency.
    assert _names(lookup(small, "IT", region="Centrale"), "eu-parliament") == [
        "Marco BIANCHI", "Lucia ROSSI"]
    # Lithuania: the MEPs (none here), the Seimas list member always, the constituency's member
    # once the constituency is known.
    lithuania = lookup(small, "LT")
    assert _names(lithuania, "lt-seimas") == ["Petras Jonaitis"]
    assert [a.name for a in lithuania.choices] == ["Naujamiesčio", "Šilainių"]
    assert _names(lookup(small, "LT", region="Šilainių"), "lt-seimas") == [
        "Petras Jonaitis", "Rūta Petraitė"]


def test_small_us_lookups(small: Any) -> None:
    result = lookup(small, "US", state="ca", district="12")
    assert [_names(result, "us-senate"), _names(result, "us-house")] == [
        ["Ann Hill", "Ben Vale"], ["Cora Bay"]]
    # At large: no district needed; "AL" and "0" say the same.
    for district in (None, "AL", "0"):
        alaska = lookup(small, "US", state="AK", district=district)
        assert _names(alaska, "us-house") == ["Eve Frost"]
        assert _names(alaska, "us-senate") == ["Gail Ice", "Finn Snow"]
    # A district given back as a region code, as the choice page does.
    assert _names(lookup(small, "US", region="CA-13"), "us-house") == ["Dan Reed"]
    assert _names(lookup(small, "US", region="CA-13"), "us-senate") == ["Ann Hill", "Ben Vale"]
    unknown = lookup(small, "US", state="CA", district="99")
    assert unknown.problems == ["United States House of Representatives: California has no "
                                "district '99'"]
    assert [a.code for a in unknown.chambers[1].choices] == ["CA-12", "CA-13"]
    nowhere = lookup(small, "US")
    assert [a.code for a in nowhere.chambers[0].choices] == ["AK", "CA"]


def test_postcodes_resolve_or_offer_choices(small: Any) -> None:
    eupen = lookup(small, "BE", postcode="4700")
    assert _names(eupen, "eu-parliament") == ["Erika SCHMITZ"] and not eupen.ambiguous
    # Brussels is in two colleges: the supporter chooses.
    brussels = lookup(small, "BE", postcode="1000")
    assert brussels.legislators == []
    assert [a.code for a in brussels.choices] == ["BE-FR", "BE-NL"]
    assert _names(lookup(small, "BE", postcode="1000", region="BE-NL"), "eu-parliament") == [
        "Dirk PEETERS"]
    # Irish Eircodes with or without the space.
    assert _names(lookup(small, "IE", postcode="t12x8y2"), "eu-parliament") == [
        "Gerry KELLY", "Fiona MURPHY"]
    # A ZIP in one district gives the senators too; a ZIP+4 is its ZIP.
    oakland = lookup(small, "US", postcode="94612-1234")
    assert [_names(oakland, "us-senate"), _names(oakland, "us-house")] == [
        ["Ann Hill", "Ben Vale"], ["Cora Bay"]]
    split = lookup(small, "US", postcode="94607")
    assert _names(split, "us-senate") == ["Ann Hill", "Ben Vale"]
    assert [a.code for a in split.chambers[1].choices] == ["CA-12", "CA-13"]
    assert lookup(small, "US", postcode="00000").problems == [
        "postcode '00000' is not in the postcode table"]


def test_regions_for_a_select_box(small: Any) -> None:
    assert [(a.code, a.name) for a in regions_for(small, "BE")] == [
        ("BE-FR", "Collège électoral français"), ("BE-DE", "Collège électoral germanophone"),
        ("BE-NL", "Nederlands Kiescollege")]
    assert [a.code for a in regions_for(small, "US")] == ["AK", "CA", "DC"]
    assert regions_for(small, "FR") == []
    assert [a.code for a in districts_for(small, "ca")] == ["CA-12", "CA-13"]


def test_unknown_places_say_so(small: Any) -> None:
    assert lookup(small, "BE", region="Wallonia").problems == [
        "no region or constituency 'Wallonia' in BE"]
    assert lookup(small, "BE", region="Wallonia").choices != []
    assert lookup(small, "JP").problems == ["no legislators on file for 'JP'"]


def test_serving_only(small: Any) -> None:
    from campaign.models import Legislator

    small.query(Legislator).filter_by(name="Karim ROUX").one().serving = False
    small.commit()
    assert _names(lookup(small, "FR"), "eu-parliament") == ["Inès BERNARD", "Jean PETIT"]


def test_postcode_file_with_errors_imports_nothing(small: Any, tmp_path: Any) -> None:
    bad = tmp_path / "postcodes.csv"
    bad.write_text("country,postcode,chamber,area\nBE,1050,eu-parliament,BE-XX\n"
                   "BE,,eu-parliament,BE-FR\nBE,1050,eu-parliament,BE-FR\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_postcodes(small, bad)
    assert [str(p) for p in refused.value.problems] == [
        "row 2: chamber 'eu-parliament' has no area 'BE-XX'",
        "row 3: postcode is required (at most 20 characters)"]
    assert lookup(small, "BE", postcode="1050").problems == [
        "postcode '1050' is not in the postcode table"]


def test_cli_lookup_prints_json_lines(small: Any, runner: Any) -> None:
    result = runner.invoke(args=["legislators", "lookup", "--country", "BE", "--region", "BE-FR",
                                 "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["name"], r["chamber"], r["area"], r["email"], r["language"]) for r in rows] == [
        ("Anne DUBOIS", "eu-parliament", "BE-FR", "anne.dubois@europarl.europa.eu", "fr"),
        ("Bernard LEROY", "eu-parliament", "BE-FR", "bernard.leroy@europarl.europa.eu", "fr"),
        ("Claire MARTIN", "eu-parliament", "BE-FR", "claire.martin@europarl.europa.eu", "fr"),
    ]
    result = runner.invoke(args=["legislators", "lookup", "--country", "US", "--state", "CA",
                                 "--district", "12", "--json"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["name"], r["chamber"], r["area"]) for r in rows] == [
        ("Ann Hill", "us-senate", "CA"), ("Ben Vale", "us-senate", "CA"),
        ("Cora Bay", "us-house", "CA-12")]
    assert rows[0]["contact_form_url"] == "https://www.hill.senate.gov/contact"
    choices = runner.invoke(args=["legislators", "lookup", "--country", "BE", "--postcode",
                                  "1000", "--json"])
    assert [json.loads(line) for line in choices.output.splitlines()] == [
        {"choice": "BE-FR", "name": "Collège électoral français", "kind": "constituency",
         "chamber": "eu-parliament"},
        {"choice": "BE-NL", "name": "Nederlands Kiescollege", "kind": "constituency",
         "chamber": "eu-parliament"}]
    nothing = runner.invoke(args=["legislators", "lookup", "--country", "JP", "--json"])
    assert nothing.exit_code == 1 and "no legislators on file for 'JP'" in nothing.output


@needs_shared
def test_cli_import_and_lookup_shared(runner: Any, session: Any) -> None:
    from tests.legislator_helpers import EP_2024_REGIONS

    result = runner.invoke(args=[
        "legislators", "import", str(SHARED_LEGISLATORS / "eu-meps-meps.csv"), "--format",
        "ep-meps", "--regions", str(SHARED_LEGISLATORS / "eu-meps-mep_regions.csv"),
        "--regions", str(EP_2024_REGIONS)])
    assert result.exit_code == 0, result.output
    assert "eu-parliament: 718 new, 0 updated, 0 unchanged, 0 no longer serving" in result.output
    result = runner.invoke(args=["legislators", "lookup", "--country", "IE", "--region", "South",
                                 "--json"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["name"], r["email"], r["language"]) for r in rows] == [
        ("Kathleen FUNCHION", "kathleen.funchion@europarl.europa.eu", "en"),
        ("Billy KELLEHER", "billy.kelleher@europarl.europa.eu", "en"),
        ("Seán KELLY", "sean.kelly@europarl.europa.eu", "en"),
        ("Michael MCNAMARA", "michael.mcnamara@europarl.europa.eu", "en"),
        ("Cynthia NÍ MHURCHÚ", "cynthia.nimhurchu@europarl.europa.eu", "en")]


def test_cli_import_small_files(runner: Any, session: Any) -> None:
    result = runner.invoke(args=["legislators", "import", str(DATA / "meps.csv"), "--format",
                                 "ep-meps", "--regions", str(DATA / "mep_regions.csv")])
    assert result.exit_code == 0, result.output
    assert result.stdout == "eu-parliament: 14 new, 0 updated, 0 unchanged, 0 no longer serving\n"
    # Progress and notes go to stderr: a line every tenth of the way when not on a terminal.
    assert result.stderr.splitlines()[0] == "importing 14 legislators"
    assert "  14/14" in result.stderr.splitlines()
    assert "note: 1 MEP(s) of IT have no regional constituency" in result.stderr
    result = runner.invoke(args=["legislators", "import", str(DATA / "congress.yaml"), "--format",
                                 "us-congress"])
    assert result.stdout.splitlines() == [
        "us-senate: 4 new, 0 updated, 0 unchanged, 0 no longer serving",
        "us-house: 4 new, 0 updated, 0 unchanged, 0 no longer serving"]
    result = runner.invoke(args=["legislators", "import-postcodes", str(DATA / "postcodes.csv")])
    assert result.exit_code == 0, result.output
    assert result.stdout == "7 postcode row(s) for BE, IE, US: 7 added, 0 removed\n"
    again = runner.invoke(args=["legislators", "import-postcodes", str(DATA / "postcodes.csv")])
    assert again.stdout == "7 postcode row(s) for BE, IE, US: 0 added, 0 removed\n"
    result = runner.invoke(args=["legislators", "lookup", "--country", "BE", "--postcode", "4700"])
    assert result.stdout == ("European Parliament\tCollège électoral germanophone\tErika SCHMITZ\t"
                             "erika.schmitz@europarl.europa.eu\tde\n")
    missing = runner.invoke(args=["legislators", "import", "nowhere.csv", "--format", "csv",
                                  "--chamber", "x"])
    assert missing.exit_code == 1 and "error: nowhere.csv: no such file" in missing.stderr
