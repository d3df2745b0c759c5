"""Organizer-written templates cannot reach the app, its config or Python objects."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from campaign.services.letter_templates import TemplateProblem, render_source, sample_variables
from tests.conftest import csrf_from
from tests.letter_factories import make_letter_world

PAYLOADS = [
    # Attribute walks from a string, a dict, a list, a number.
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__.mro()[1].__subclasses__() }}",
    "{{ legislator.__class__.__base__.__subclasses__() }}",
    "{{ legislator.__init__.__globals__ }}",
    "{{ campaign.talking_points.__class__.__mro__ }}",
    "{{ (1).__class__.__base__.__subclasses__() }}",
    "{{ legislator['__class__'] }}",
    "{{ legislator|attr('__class__') }}",
    "{{ (legislator|attr('__class__')|attr('__mro__'))[1] }}",
    "{{ supporter.name.upper }}",
    "{{ supporter.name.upper() }}",
    "{{ legislator.items() }}",
    "{{ legislator.get('name') }}",
    "{{ legislator.keys }}",
    "{{ legislator.pop('name') }}",
    # Flask's and Jinja's globals: none exist in the sandbox.
    "{{ config }}", "{{ config.SECRET_KEY }}", "{{ config.items() }}",
    "{{ self }}", "{{ self.__init__.__globals__ }}", "{{ self._TemplateReference__context }}",
    "{{ cycler }}", "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum }}", "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ joiner }}", "{{ joiner.__init__.__globals__ }}",
    "{{ namespace }}", "{{ namespace.__init__.__globals__ }}",
    "{{ request }}", "{{ request.application.__globals__.__builtins__ }}",
    "{{ url_for.__globals__.current_app.config }}",
    "{{ get_flashed_messages.__globals__.current_app.config }}",
    "{{ session }}", "{{ g }}", "{{ range(10) }}", "{% for i in range(10**9) %}{% endfor %}",
    "{{ dict(a=1) }}", "{{ loop }}", "{% for x in [1] %}{{ loop }}{% endfor %}",
    "{{ __builtins__ }}", "{{ _ }}", "{{ gettext }}",
    # Format-string tricks.
    "{{ '{0.__class__}'.format(legislator) }}",
    "{{ '{0.__init__.__globals__}'.format(legislator) }}",
    "{{ '{.__class__.__mro__}'.format_map(legislator) }}",
    "{{ '%s'|format(legislator.__class__) }}",
    "{{ '%s' % legislator }}",
    "{{ '{:>999999999}'.format('x') }}",
    # Filters that reach attributes or build objects.
    "{{ legislator|map(attribute='__class__')|list }}",
    "{{ [legislator]|map(attribute='__class__')|join }}",
    "{{ legislator|pprint }}", "{{ legislator|string }}", "{{ legislator|tojson }}",
    "{{ [1,2]|batch(1) }}", "{{ [1,2]|batch(1)|list }}", "{{ 'x'|center(999999999) }}",
    # Statements that would reach other templates or define callables.
    "{% extends 'base.html' %}", "{% include 'base.html' %}",
    "{% import 'macros/forms.html' as f %}",
    "{% from 'macros/forms.html' import field %}{{ field }}",
    "{% macro m() %}{{ caller }}{% endmacro %}{{ m() }}",
    "{% block b %}{{ self.b() }}{% endblock %}",
    "{% set ns = namespace() %}{{ ns }}",
    "{% filter upper %}x{% endfilter %}",
    # Resource exhaustion.
    "{{ 'a' * 10**9 }}", "{{ [1] * 10**9 }}", "{{ 10**10**10**10 }}", "{{ 9**999999 }}",
    "{% for a in [1]*1000 %}{% for b in [1]*1000 %}{% for c in [1]*1000 %}"
    "{% endfor %}{% endfor %}{% endfor %}",
    "{% for a in 'x'*1000 %}{% for b in 'x'*1000 %}" + "x" * 80 + "{% endfor %}{% endfor %}",
    "{% set s = 'x'*1000 %}" + "{% set s = [s,s,s,s,s,s,s,s,s,s]|join %}" * 8 + "{{ s|length }}",
    "{% set s = 'x'*1000 %}" + "{% set s = s + s + s + s + s + s + s + s %}" * 8 + "{{ s|length }}",
    "{% set s = 'x'*1000 %}" + "{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}" * 8,
    "{% set s = 'x'*1000 %}" + "{% set s %}{{ s }}{{ s }}{{ s }}{{ s }}{% endset %}" * 12,
    "{% set s = 'x y '*400 %}" + "{% set s = s|wordwrap(1, wrapstring=s) %}" * 4,
    # Broken syntax and misspelt variables.
    "{% if %}", "{{ legislator.nmae }}", "{{ legislatr }}", "{% for %}", "{{ 1/0 }}",
]

# Signs that a Python object, the app's config or its secrets leaked into the output.
LEAK_MARKERS = re.compile(
    r"<class|<function|<built-in|<bound|<module|<generator|object at 0x|__globals__|"
    r"TemplateReference|LoopContext|Undefined|SECRET|secret|test-secret-key|sqlite|postgresql|"
    r"IP_HASH|Flask|werkzeug|jinja2\.|Cycler|Joiner|Namespace|builtins|subclasses|mro",
)


@pytest.mark.backend_independent
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_leaks_nothing(payload: str) -> None:
    try:
        output = render_source(payload, sample_variables())
    except TemplateProblem as problem:
        message = str(problem)
        assert message, "an error must say what is wrong"
        assert "0x" not in message and "<class" not in message and "__globals__" not in message
        return
    # Rendered: it must be inert text, with nothing but our sample data.
    assert not LEAK_MARKERS.search(output), output
    assert len(output) < 60_000


@pytest.mark.backend_independent
def test_the_documented_variables_render() -> None:
    source = ("{{ legislator.salutation }},\n{% for p in campaign.talking_points %}- {{ p }}\n"
              "{% endfor %}{{ supporter.personal_paragraph }}\n{{ supporter.name|upper }}, "
              "{{ supporter.town }}, {{ date }}, {{ legislator.address_lines|join(' / ') }}")
    output = render_source(source, sample_variables())
    assert output.startswith("Dear Alex Example,\n- First demand.\n- Second demand.\n")
    assert "SAM SUPPORTER, Exampleville, January 15, 2026, Rue Wiertz 60 / 1047 Brussels" in output


def test_payloads_through_the_admin_leak_nothing(app: Flask, admin_client: FlaskClient,
                                                 organizer: dict[str, Any]) -> None:
    """The admin shows a clear error, never the secret key, the config or a Python repr."""
    world = make_letter_world(app, organizer["campaign_id"])
    url = f"/admin/letters/{world.letter_campaign_id}/templates/en"
    page = admin_client.get(url)
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    secrets = [str(value) for key, value in app.config.items()
               if key in ("SECRET_KEY", "IP_HASH_KEY", "DATABASE_URL") and value]
    for payload in ("{{ config }}", "{{ self.__init__.__globals__ }}", "{{ cycler.__init__ }}",
                    "{{ ''.__class__.__mro__[1].__subclasses__() }}", "{{ request.environ }}",
                    "{{ '{0.__class__}'.format(legislator) }}", "{{ lipsum.__globals__ }}",
                    "{{ legislator|attr('__class__') }}"):
        response = admin_client.post(url, data={"body_source": payload, "subject": "",
                                                "csrf_token": token})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, payload
        assert "The template cannot be used" in html
        for secret in secrets:
            assert secret not in html
        assert "object at 0x" not in html and "&lt;class" not in html

    good = ("{{ legislator.salutation }},\n\n{{ supporter.personal_paragraph }}\n\n"
            "{{ supporter.name }}\n")
    response = admin_client.post(url, data={"body_source": good, "subject": "Hello",
                                            "csrf_token": token})
    assert response.status_code == 303
    preview = admin_client.get(url).get_data(as_text=True)
    assert "Dear Alex Example," in preview  # the preview with sample values


@pytest.mark.backend_independent
def test_supporter_text_is_never_evaluated() -> None:
    """What supporters type is a value, not template code: it comes out as typed."""
    variables = sample_variables()
    typed = "{{ config }} {% for x in y %} {{ ''.__class__ }} =?utf-8?q?x?="
    variables["supporter"] = {"name": typed, "town": typed, "personal_paragraph": typed}
    output = render_source("{{ supporter.name }}|{{ supporter.town }}|"
                           "{{ supporter.personal_paragraph }}", variables)
    assert output == "|".join([typed] * 3)


@pytest.mark.backend_independent
def test_language_choice() -> None:
    from campaign.models import Legislator
    from campaign.services.letter_templates import choose_language

    def person(*languages: str) -> Legislator:
        return Legislator(name="X", languages=list(languages))

    assert choose_language(person("fr"), ["de", "en", "fr"], "en") == "fr"
    assert choose_language(person("pt-BR"), ["en", "pt"], "en") == "pt"
    assert choose_language(person("ga", "en"), ["en", "fr"], "fr") == "en"
    assert choose_language(person("lv"), ["de", "en"], "de") == "de"
    assert choose_language(person(), ["de", "fr"], "es") == "de"
    assert choose_language(person(), [], "es") == "es"


@pytest.mark.backend_independent
@pytest.mark.parametrize(("language", "gender", "expected"), [
    ("en", "female", "Dear Ms Curie"), ("en", "", "Dear Marie Curie"),
    ("fr", "female", "Madame la Députée"), ("fr", "male", "Monsieur le Député"),
    ("fr", "", "Madame, Monsieur"),
    ("de", "female", "Sehr geehrte Frau Curie"), ("de", "male", "Sehr geehrter Herr Curie"),
    ("de", "", "Guten Tag Marie Curie"),
    ("nl", "female", "Geachte mevrouw Curie"), ("nl", "", "Geachte Marie Curie"),
    ("it", "male", "Egregio Onorevole Curie"), ("it", "", "Gentile Onorevole Marie Curie"),
    ("lt", "female", "Gerbiama Marie Curie"), ("lt", "", "Laba diena, Marie Curie"),
    ("pl", "female", "Szanowna Pani Poseł"), ("es", "male", "Estimado señor Curie"),
    ("pt-BR", "female", "Exma. Senhora Deputada"), ("xx", "", "Dear Marie Curie"),
])
def test_salutations(language: str, gender: str, expected: str) -> None:
    from campaign.services.letter_templates import salutation

    assert salutation(language, "Marie Curie", "Marie", "Curie", gender) == expected


@pytest.mark.backend_independent
def test_salutation_without_a_name_is_neutral() -> None:
    from campaign.services.letter_templates import salutation

    assert salutation("de", "", "", "", "") == "Sehr geehrte Damen und Herren"
    assert salutation("fr", "", "", "", "female") == "Madame la Députée"
    assert salutation("en", "", "", "", "male") == "Dear Member of Parliament"
