"""Bad input on every public form gets a clear message and a 4xx, never a 500."""

from __future__ import annotations

import html

import pytest
from flask.testing import FlaskClient

from tests.conftest import csrf_from

VALID = {"name": "Ayşe Tohti", "email": "ayse@example.org", "country": "BE", "postcode": ""}


def _post_sign(client: FlaskClient, slug: str, **changes: str):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(f"/petitions/{slug}").get_data(as_text=True))
    return client.post(f"/petitions/{slug}/sign", data={**VALID, **changes, "csrf_token": token})


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "Please enter your name."),
    ({"email": ""}, "email", "Please enter your email address."),
    ({"country": ""}, "country", "Please choose your country."),
    ({"name": "x" * 10_000}, "name", "Please use at most 100 characters."),
    ({"email": "a" * 10_000 + "@example.org"}, "email", "This email address is too long."),
    ({"postcode": "9" * 10_000}, "postcode", "Please use at most 16 characters."),
    ({"email": "not an email"}, "email", "Please enter a valid email address"),
    ({"email": "ayse@"}, "email", "Please enter a valid email address"),
    ({"name": "Ayşe\x07Tohti"}, "name", "Please remove invisible or control characters."),
    ({"name": "Ayşe\x1bTohti"}, "name", "Please remove invisible or control characters."),
    ({"name": "\u202eitohT eşyA"}, "name", "Please remove invisible or control characters."),
    ({"country": "XX"}, "country", "Please choose a country from the list."),
    ({"country": "Narnia" * 2000}, "country", "Please choose a country from the list."),
    ({"postcode": "<script>"}, "postcode", "Please use only letters, digits"),
])
def test_sign_form_rejects_bad_input_next_to_the_field(client: FlaskClient, petition: dict,
                                                       changes: dict, field: str,
                                                       message: str) -> None:
    response = _post_sign(client, petition["slug"], **changes)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert html.escape(message) in page or message in page
    assert 'id="error-summary"' in page
    # The rest of the input is kept.
    if field != "name":
        assert html.escape(VALID["name"]) in page or VALID["name"] in page


def test_a_form_shown_again_carries_a_token_that_signs(client: FlaskClient,
                                                       petition: dict) -> None:
    """The token of a re-shown form is made only when it is rendered (formcache): it must be
    the visitor's own, there and escaped like any attribute."""
    shown_again = _post_sign(client, petition["slug"], name="")
    assert shown_again.status_code == 422
    token = csrf_from(shown_again.get_data(as_text=True))
    assert token and "<" not in token
    signed = client.post(f"/petitions/{petition['slug']}/sign",
                         data={**VALID, "csrf_token": token})
    assert signed.status_code == 303


@pytest.mark.parametrize("name", ["ئايشە تۇختى", "محمد عبد الله", "Андрей Сахаров", "王力雄",
                                  "Zoë Łukasiewicz-Ñúñez", "Ayşe ئايشە"])
def test_right_to_left_and_other_scripts_are_accepted(client: FlaskClient, petition: dict,
                                                      name: str) -> None:
    response = _post_sign(client, petition["slug"], name=name, email=f"{len(name)}@example.org")
    assert response.status_code == 303


def test_missing_csrf_token_is_a_clear_400(client: FlaskClient, petition: dict) -> None:
    response = client.post(f"/petitions/{petition['slug']}/sign", data=VALID)
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)


def test_garbage_confirmation_links_are_a_clear_404(client: FlaskClient) -> None:
    for token in ["x", "a" * 10_000, "..%2e", "\u202e", "eyJzIjoxfQ.bad.sig"]:
        response = client.get(f"/confirm/{token}")
        assert response.status_code == 404
        assert "This link does not work" in response.get_data(as_text=True)
        # Without the page's CSRF token a POST is refused before the token is even read.
        assert client.post(f"/confirm/{token}").status_code in (400, 404)


def test_nul_bytes_anywhere_are_a_clear_400(client: FlaskClient, petition: dict) -> None:
    for url in ["/petitions/a%00b", "/petitions/a%00b.json", f"/petitions/{petition['slug']}?source=%00"]:
        response = client.get(url)
        assert response.status_code == 400
        assert "cannot be accepted" in response.get_data(as_text=True)


def test_unknown_petition_and_too_large_body(client: FlaskClient, petition: dict) -> None:
    assert client.get("/petitions/does-not-exist").status_code == 404
    assert client.get("/petitions/does-not-exist.json").get_json()["error"] == "Not Found"
    response = client.post(f"/petitions/{petition['slug']}/sign",
                           data={"name": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


@pytest.mark.parametrize("changes", [{"email": ""}, {"email": "x" * 10_000},
                                     {"password": "p" * 10_000}, {"email": "\x00"}])
def test_login_form_bad_input(client: FlaskClient, changes: dict) -> None:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    data = {"email": "a@example.org", "password": "whatever", "csrf_token": token, **changes}
    response = client.post("/login", data=data)
    assert 400 <= response.status_code < 500
