"""Property-based attack on every public route (forms and JSON): no input gets a 500.

Routes are found by walking app.url_map, so pages that land later are attacked too. The
normal suite tries FUZZ_EXAMPLES (default 50) inputs per route and method; `make fuzz` sets
it high enough for 10,000+ inputs in all and prints the count and the number of 500s.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections import Counter
from typing import Any

import pytest
from flask import Flask, url_for
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

import campaign
from campaign.admin.access import is_admin_rule
from tests.routes import World, build_world, routes

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))

NASTY = ["=?utf-8?q?=0D=0ABcc:_evil@example.org?=", "a\r\nBcc: evil@example.org", "\u202eevil",
         "' OR 1=1 --", "\"; DROP TABLE signatures; --", "<script>alert(1)</script>",
         "{{7*7}}", "{% raw %}", "../../etc/passwd", "%00", "\x00", "\ud7ff", "A" * 5000,
         "ئابدۇرېھىم", "王力雄", "Zoë", "//evil.com", "javascript:alert(1)", "null", "[]", "{}",
         "1e309", "-1", "0", "99999999999999999999", "true"]

text = st.one_of(st.text(max_size=300), st.sampled_from(NASTY),
                 st.emails().map(str), st.integers().map(str))


def _field_names() -> list[str]:
    for module in pkgutil.walk_packages(campaign.__path__, "campaign."):
        importlib.import_module(module.name)
    names: set[str] = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(k for k, v in vars(form).items() if hasattr(v, "field_class"))
    return sorted(names | {"csrf_token", "next"})


def _valid_signing() -> Any:
    """Mostly valid sign-form data, so that the deep paths (storing, mail) are reached."""
    return st.fixed_dictionaries({
        "name": text, "email": st.one_of(st.emails().map(str), text),
        "country": st.sampled_from(["BE", "CN", "TR", "RU", "XX", "", "be"]),
    }, optional={"postcode": text, "consent_updates": st.sampled_from(["y", "", "on"]),
                 "show_name": text, "source": text, "website": text})


def _payload(field_names: list[str]) -> Any:
    arbitrary = st.dictionaries(st.one_of(st.sampled_from(field_names), st.text(max_size=20)),
                                st.one_of(text, st.lists(text, max_size=3)), max_size=8)
    return st.one_of(arbitrary, _valid_signing())


def _url_value(rule: Any, name: str, world: World) -> Any:
    converter = rule._converters.get(name)  # noqa: SLF001 - werkzeug has no public accessor
    if isinstance(converter, IntegerConverter):
        return st.integers(min_value=0, max_value=2**63 - 1)
    known = {"slug": world.petition_a_slug, "token": world.confirm_token,
             "filename": "css/site.css"}
    plain = st.text(min_size=1, max_size=80).filter(lambda s: s not in (".", ".."))
    if name in known:
        return st.one_of(st.just(known[name]), plain)
    return plain


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # Without CSRF the forms' own validation is what the inputs hit; errors become 500
    # responses (counted) instead of exceptions.
    app_config.update({"WTF_CSRF_ENABLED": False, "PROPAGATE_EXCEPTIONS": False,
                       "LOGIN_RATE_LIMIT": "1000000 per minute"})
    return app_config


def _attack_route(app: Flask, client: Any, rule: Any, method: str, world: World,
                  field_names: list[str], tried: Counter[str], errors: list[Any]) -> None:
    """Send EXAMPLES generated requests to one route and method; record any 500."""
    key = f"{method} {rule.rule}"
    values = st.fixed_dictionaries({name: _url_value(rule, name, world)
                                    for name in rule.arguments})
    body_kind = st.sampled_from(["form", "json", "query"] if method != "GET" else ["query"])

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(values=values, payload=_payload(field_names), kind=body_kind,
           forwarded=st.sampled_from([None, "1.2.3.4", "garbage, ::1", "x" * 300]))
    def attack(values: dict[str, Any], payload: dict[str, Any], kind: str,
               forwarded: str | None) -> None:
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        options: dict[str, Any] = {"method": method, "headers": headers}
        if kind == "form":
            options["data"] = payload
        elif kind == "json":
            options["json"] = payload
        else:
            options["query_string"] = {k: v for k, v in payload.items() if isinstance(v, str)}
        response = client.open(url, **options)
        response.close()
        tried[key] += 1
        # 503 is /readyz saying a dependency is down: an answer, not a crash.
        if response.status_code >= 500 and response.status_code != 503:
            errors.append((key, url, payload))

    attack()


def test_public_routes_never_answer_500(app: Flask) -> None:
    world = build_world(app)
    field_names = _field_names()
    client = app.test_client()
    tried: Counter[str] = Counter()
    errors: list[tuple[str, str, Any]] = []
    targets = [(rule, method) for rule, method in routes(app) if not is_admin_rule(rule)]
    assert targets

    for rule, method in targets:
        _attack_route(app, client, rule, method, world, field_names, tried, errors)

    total = sum(tried.values())
    print(f"\nfuzz: {total} generated inputs on {len(targets)} public routes; "
          f"{len(errors)} answered 500")
    for key, count in sorted(tried.items()):
        print(f"  {count:6d}  {key}")
    assert not errors, errors[:5]
