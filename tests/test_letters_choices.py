"""Finding your legislators over HTTP: ambiguous places offer a choice, problems say so."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from campaign.extensions import db
from campaign.legislators.postcodes import import_postcodes
from campaign.models import LetterCampaign, LetterCampaignState
from tests.legislator_helpers import DATA, load
from tests.letter_factories import make_campaign

SLUG = "write-to-your-representatives"
PAGE = f"/letters/{SLUG}"
FRENCH_COLLEGE = ["Anne DUBOIS", "Bernard LEROY", "Claire MARTIN"]


def _directory(app: Flask, chamber_slugs: list[str]) -> None:
    """The small fixture directory: MEPs with regions, a bit of Congress, postcodes."""
    campaign_id = make_campaign(app)
    with app.app_context():
        load(db.session, DATA / "meps.csv", "ep-meps", regions=[DATA / "mep_regions.csv"])
        load(db.session, DATA / "congress.csv", "us-congress")
        import_postcodes(db.session, DATA / "postcodes.csv")
        db.session.add(LetterCampaign(
            campaign_id=campaign_id, slug=SLUG, title="Write to your representatives",
            subject="Please act", talking_points=["Act now."], default_language="en",
            chamber_slugs=chamber_slugs, state=LetterCampaignState.OPEN))
        db.session.commit()


@pytest.fixture
def directory(app: Flask) -> None:
    _directory(app, [])


def _get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def _choices(page: str) -> dict[str, str]:
    """The places offered to choose from: name to the link that re-runs the lookup."""
    lists = re.findall(r'<ul class="place-choices"[^>]*>(.*?)</ul>', page, re.S)
    return {html.unescape(name): html.unescape(href) for block in lists
            for href, name in re.findall(r'<a href="([^"]+)"><bdi>([^<]+)</bdi></a>', block)}


def _writable(page: str) -> list[str]:
    """The legislators the page offers to write to, in page order."""
    return [html.unescape(name) for name in re.findall(r">Write to ([^<]+)</a>", page)]


def _chambers(page: str) -> list[str]:
    return [html.unescape(name) for name in re.findall(r'<h3 id="chamber-\d+"><bdi>([^<]+)</bdi>',
                                                         page)]


def _problems(page: str) -> list[str]:
    block = re.search(r'<div class="notice place-problems" role="alert">(.*?)</div>', page, re.S)
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", block.group(1))
            ] if block else []


def test_belgium_without_a_college_offers_the_three(client: FlaskClient, directory: None) -> None:
    page = _get(client, f"{PAGE}?country=BE")
    assert _writable(page) == []
    choices = _choices(page)
    assert list(choices) == ["Collège électoral français", "Collège électoral germanophone",
                             "Nederlands Kiescollege"]
    assert "Which region, constituency or electoral college is yours?" in page
    assert _problems(page) == []
    # The form now offers the same colleges in a select box.
    select = re.search(r'<select[^>]*name="region"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option[^>]*value="([^"]*)"', select) == ["", "BE-FR", "BE-DE", "BE-NL"]

    french = _get(client, choices["Collège électoral français"])
    assert "region=BE-FR" in choices["Collège électoral français"]
    assert _chambers(french) == ["European Parliament"]
    assert _writable(french) == FRENCH_COLLEGE
    assert _choices(french) == {} and "Dirk PEETERS" not in french
    assert "We found 3 legislators who represent you." in french
    assert re.search(r'<option selected value="BE-FR">', french)


def test_a_postcode_in_two_colleges_asks_which(client: FlaskClient, directory: None) -> None:
    page = _get(client, f"{PAGE}?country=BE&postcode=1000")
    assert _writable(page) == []
    choices = _choices(page)
    assert list(choices) == ["Collège électoral français", "Nederlands Kiescollege"]
    # The choice keeps the postcode and adds the college.
    assert "postcode=1000" in choices["Nederlands Kiescollege"]
    assert _writable(_get(client, choices["Nederlands Kiescollege"])) == ["Dirk PEETERS"]
    # A postcode in one college needs no choice.
    assert _writable(_get(client, f"{PAGE}?country=BE&postcode=4700")) == ["Erika SCHMITZ"]


def test_an_unknown_postcode_says_so(client: FlaskClient, directory: None) -> None:
    page = _get(client, f"{PAGE}?country=BE&postcode=9999")
    assert _problems(page) == ["We do not know the postcode 9999. Please check it, or leave it "
                               "empty and choose your region instead."]
    choices = _choices(page)
    assert _writable(page) == [] and len(choices) == 3
    # Choosing leaves the unknown postcode behind, and its message with it.
    assert "postcode" not in choices["Collège électoral français"]
    french = _get(client, choices["Collège électoral français"])
    assert _writable(french) == FRENCH_COLLEGE and _problems(french) == []
    # The supporter's input is kept in the form.
    assert 'name="postcode" type="text" value="9999"' in page


def test_california_without_a_district(client: FlaskClient, directory: None) -> None:
    page = _get(client, f"{PAGE}?country=US&state=CA")
    assert _chambers(page) == ["United States Senate", "United States House of Representatives"]
    assert _writable(page) == ["Ann Hill", "Ben Vale"]
    assert "Which congressional district do you live in?" in page
    choices = _choices(page)
    assert list(choices) == ["California district 12", "California district 13"]
    assert "region=CA-12" in choices["California district 12"]
    twelfth = _get(client, choices["California district 12"])
    assert _writable(twelfth) == ["Ann Hill", "Ben Vale", "Cora Bay"]
    assert _choices(twelfth) == {}
    # The choice shows in the form as the state and district it is.
    assert re.search(r'<option selected value="CA">', twelfth)
    assert 'name="district" type="text" value="12"' in twelfth
    assert _writable(_get(client, f"{PAGE}?country=US&state=CA&district=13")) == [
        "Ann Hill", "Ben Vale", "Dan Reed"]


def test_the_us_without_a_state_asks_for_it_once(client: FlaskClient, directory: None) -> None:
    page = _get(client, f"{PAGE}?country=US")
    assert _writable(page) == []
    assert page.count("Which state do you live in?") == 1
    assert page.count("Choose your state above to see who represents you here.") == 2
    choices = _choices(page)
    # The Senate's states and the House's (which has a delegate for DC), once.
    assert list(choices) == ["Alaska", "California", "District of Columbia"]
    california = _get(client, choices["California"])
    assert _writable(california) == ["Ann Hill", "Ben Vale"]
    assert list(_choices(california)) == ["California district 12", "California district 13"]
    assert re.search(r'<option selected value="CA">', california)


def test_an_unknown_district_says_so_and_offers_the_real_ones(client: FlaskClient,
                                                                directory: None) -> None:
    page = _get(client, f"{PAGE}?country=US&state=CA&district=99")
    assert _problems(page) == ["California has no congressional district 99. Please choose your "
                               "district below."]
    assert len(_choices(page)) == 2 and _writable(page) == ["Ann Hill", "Ben Vale"]


def test_a_zip_code_in_two_districts(client: FlaskClient, directory: None) -> None:
    page = _get(client, f"{PAGE}?country=US&postcode=94607")
    assert _writable(page) == ["Ann Hill", "Ben Vale"]
    choices = _choices(page)
    assert len(choices) == 2
    thirteenth = next(link for link in choices.values() if "CA-13" in link)
    assert _writable(_get(client, thirteenth)) == ["Ann Hill", "Ben Vale", "Dan Reed"]


@pytest.mark.parametrize(("query", "message"), [
    ("country=BE&region=Wallonia", "Please choose your region or constituency from the list."),
    ("country=US&district=12", "Please choose your state as well."),
    ("country=US&state=ZZ", "Please choose your state from the list."),
    ("country=US&state=CA&district=twelve", "Please give the district’s number, such as 12."),
    ("country=US&region=CA-77", "Please choose your district from the list."),
    ("country=BE&postcode=%3Cscript%3E", "Please use only letters, digits, spaces and hyphens."),
])
def test_bad_places_are_form_errors(client: FlaskClient, directory: None, query: str,
                                    message: str) -> None:
    page = _get(client, f"{PAGE}?{query}", status=422)
    assert html.escape(message, quote=False) in page or message in page
    assert "Your legislators" not in page


def test_places_by_name_as_well_as_code(client: FlaskClient, directory: None) -> None:
    assert _writable(_get(client, f"{PAGE}?country=BE&region=coll%C3%A8ge+%C3%A9lectoral+"
                                  "fran%C3%A7ais")) == FRENCH_COLLEGE
    # Alaska's one seat is at large: "al" says so.
    assert _writable(_get(client, f"{PAGE}?country=US&state=alaska&district=al")) == [
        "Gail Ice", "Finn Snow", "Eve Frost"]


def test_fields_of_another_country_are_ignored(client: FlaskClient, directory: None) -> None:
    # Switching from Belgium to France without JavaScript leaves the college selected.
    page = _get(client, f"{PAGE}?country=FR&region=BE-FR&state=CA&district=12")
    assert _writable(page) == ["Inès BERNARD", "Jean PETIT", "Karim ROUX"]
    assert 'name="region"' not in page and 'name="state"' not in page


def test_no_legislators_on_file(client: FlaskClient, directory: None) -> None:
    page = _get(client, f"{PAGE}?country=JP")
    assert _problems(page) == ["We have no legislators on file for this country yet."]
    assert "We found nobody for this place." in page


def test_only_the_campaigns_chambers(app: Flask, client: FlaskClient) -> None:
    _directory(app, ["eu-parliament"])
    # The campaign writes to MEPs only: no US state to ask for, no House problem to show.
    page = _get(client, f"{PAGE}?country=US&state=CA&district=99")
    assert 'name="state"' not in page
    assert _problems(page) == [] and _chambers(page) == []
    assert "We found nobody for this place." in page
    assert list(_choices(_get(client, f"{PAGE}?country=BE"))) == [
        "Collège électoral français", "Collège électoral germanophone", "Nederlands Kiescollege"]
