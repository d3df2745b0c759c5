"""Letter templates: found in letters/ or written by organizers, rendered in a Jinja sandbox.

Organizer-written templates are untrusted code. They run in a `SandboxedEnvironment` that
knows no globals, allows no attribute access (only keys of the plain dicts we pass), a short
list of filters, no str.format, no `%` on text and bounded `*`/`**`; a check of the parsed
template before rendering refuses any name that is not a documented variable. What reaches a
template is plain data (dicts, lists and strings built here), never a model or the app.
"""

from __future__ import annotations

import functools
import json
import operator
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, Undefined, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign import PROJECT_ROOT
from campaign.models import Legislator, LetterCampaign, LetterTemplate

LETTERS_DIR = PROJECT_ROOT / "letters"
TEMPLATE_SUFFIX = ".txt.j2"

# The variables a template may name; letters/README.md documents each key.
VARIABLES = ("legislator", "supporter", "campaign", "date", "language")
MAX_SOURCE_CHARS = 20_000
MAX_OUTPUT_CHARS = 50_000
MAX_SEQUENCE_FROM_OPERATOR = 1_000
MAX_LOOP_NESTING = 2
# Filters that only turn plain text, numbers and lists into the same: none of them can
# produce an object whose text would be a Python repr, nor build a huge string on request.
ALLOWED_FILTERS = frozenset({
    "upper", "lower", "title", "capitalize", "trim", "join", "length", "count", "first",
    "last", "default", "d", "wordcount", "truncate", "round", "int", "abs", "sort", "list",
    "wordwrap", "striptags",
})
# Block assignments and `~` would let text double with every statement, unseen by the cap on
# what is printed; `{{ a }}{{ b }}` does the same job within it.
_FORBIDDEN_STATEMENTS = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport,
                         nodes.Macro, nodes.CallBlock, nodes.Block, nodes.FilterBlock,
                         nodes.ScopedEvalContextModifier, nodes.NSRef, nodes.AssignBlock,
                         nodes.Concat)
_STATEMENT_NAMES = {"AssignBlock": "{% set %} ... {% endset %}", "Concat": "the ~ operator"}


class TemplateProblem(Exception):
    """A template that cannot be rendered; the message says why, in words for organizers."""


class _LetterSandbox(SandboxedEnvironment):
    """The sandbox with everything a letter does not need taken away."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # Dict keys are reached without attribute access (see `getattr`); methods never are.
        return False

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if isinstance(__obj, Undefined):
            # Say why it is undefined ("access to attribute 'format' ... is unsafe").
            __obj._fail_with_undefined_error()
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> None:
        # No str.format / format_map at all: even sandboxed, "{:>999999999}" builds a huge string.
        return None

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "%":
            if isinstance(left, str):
                raise SecurityError("the % operator cannot format text in a letter template")
            return operator.mod(left, right)
        if op == "+":
            return _capped(operator.add(left, right))
        if op == "**":
            # Bounded on both sides: a chain of powers would otherwise compute for hours.
            if not isinstance(right, int) or abs(right) > 64 or abs(left) > 1_000_000:
                raise SecurityError("that power is too large for a letter template")
            return operator.pow(left, right)
        for sequence, times in ((left, right), (right, left)):
            if isinstance(sequence, (str, list, tuple)) and isinstance(times, int):
                if len(sequence) * times > MAX_SEQUENCE_FROM_OPERATOR:
                    raise SecurityError("that repetition is too long for a letter template")
        return operator.mul(left, right)


def _capped(value: Any) -> Any:
    """Refuse text or lists longer than a letter can be, before they grow any further."""
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_OUTPUT_CHARS:
        raise SecurityError("that text is too long for a letter template")
    return value


def _capping(function: Any) -> Any:
    """A filter whose result is checked by `_capped` (keeps Jinja's pass_* markers)."""
    @functools.wraps(function)
    def capped_filter(*args: Any, **kwargs: Any) -> Any:
        return _capped(function(*args, **kwargs))
    return capped_filter


def _finalize(value: Any) -> Any:
    """Print text and numbers only: anything else would show a Python repr."""
    if value is None:
        return ""
    if isinstance(value, Undefined):
        # Printing it raises the error that names the missing variable or forbidden access.
        return value
    if isinstance(value, (str, int, float)):
        return value
    raise SecurityError("only text and numbers can be printed; use a loop or |join for lists")


@lru_cache(maxsize=1)
def _environment() -> _LetterSandbox:
    env = _LetterSandbox(autoescape=False, undefined=StrictUndefined, finalize=_finalize,
                         keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                         auto_reload=False, cache_size=0)
    env.globals.clear()
    env.filters = {name: _capping(f) for name, f in env.filters.items()
                   if name in ALLOWED_FILTERS}
    return env


def _check_names(tree: nodes.Template) -> None:
    """Refuse names other than the documented variables and the template's own loop names."""
    stored = {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
    allowed = set(VARIABLES) | stored
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in allowed:
            raise TemplateProblem(f"line {node.lineno}: unknown variable “{node.name}”; "
                                  f"use one of: {', '.join(VARIABLES)}")
        if node.name in ("self", "loop", "caller", "varargs", "kwargs"):
            raise TemplateProblem(f"line {node.lineno}: “{node.name}” is not available")
    for statement in tree.find_all(_FORBIDDEN_STATEMENTS):
        kind = type(statement).__name__
        raise TemplateProblem(f"line {statement.lineno}: "
                              f"{_STATEMENT_NAMES.get(kind, kind.lower())} "
                              "is not available in letter templates")
    for used in tree.find_all(nodes.Filter):
        if used.name not in ALLOWED_FILTERS:
            raise TemplateProblem(f"line {used.lineno}: the filter “{used.name}” is not available")
    for loop in tree.find_all(nodes.For):
        if _loop_depth(loop) > MAX_LOOP_NESTING:
            raise TemplateProblem(f"line {loop.lineno}: loops nest at most "
                                  f"{MAX_LOOP_NESTING} deep")


def _loop_depth(loop: nodes.For) -> int:
    inner = [_loop_depth(child) for child in loop.find_all(nodes.For)]
    return 1 + max(inner, default=0)


@lru_cache(maxsize=256)
def _compile(source: str) -> Any:
    if len(source) > MAX_SOURCE_CHARS:
        raise TemplateProblem(f"the template is longer than {MAX_SOURCE_CHARS} characters")
    env = _environment()
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"line {exc.lineno}: {exc.message}") from None
    _check_names(tree)
    try:
        return env.from_string(tree)
    except TemplateError as exc:
        raise TemplateProblem(str(exc.message or exc)) from None


def check_template(source: str) -> None:
    """Raise TemplateProblem if the source is not a template letters can be rendered from."""
    render_source(source, sample_variables())


def render_source(source: str, variables: dict[str, Any]) -> str:
    """Render template source with plain-data variables, in the sandbox."""
    template = _compile(source)
    pieces: list[str] = []
    size = 0
    try:
        for piece in template.generate(**{k: variables[k] for k in VARIABLES}):
            size += len(piece)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateProblem(f"the letter would be longer than {MAX_OUTPUT_CHARS} "
                                      "characters")
            pieces.append(piece)
    except SecurityError as exc:
        raise TemplateProblem(f"not allowed: {_plain(exc)}") from None
    except TemplateError as exc:
        # UndefinedError and friends: a misspelt variable, a missing key.
        raise TemplateProblem(_plain(exc)) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, RecursionError) as exc:
        raise TemplateProblem(f"the template failed: {type(exc).__name__}") from None
    return "".join(pieces)


def _plain(exc: Exception) -> str:
    # Jinja's messages name the type of the object ("'dict object' has no attribute"), never
    # its repr; keep them, but cut them short.
    return str(exc)[:300]


# -- the variables ----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _salutations() -> dict[str, dict[str, str]]:
    data = json.loads((LETTERS_DIR / "salutations.json").read_text(encoding="utf-8"))
    return {lang: forms for lang, forms in data.items() if not lang.startswith("_")}


def salutation(language: str, name: str, given_name: str, family_name: str, gender: str,
               title: str = "") -> str:
    """The formal salutation in a language; gender-neutral unless the gender is recorded."""
    table = _salutations()
    forms = table.get(language) or table.get(language.split("-")[0]) or table["en"]
    if gender in ("female", "male") and (family_name or "{family_name}" not in forms[gender]):
        pattern = forms[gender]
    elif name:
        pattern = forms["named"]
    else:
        pattern = forms["unnamed"]
    values = {"name": name, "given_name": given_name, "family_name": family_name, "title": title}
    # The pattern is our own data; the values are only inserted, never interpreted.
    return pattern.format_map(values)


def format_letter_date(day: date, language: str) -> str:
    """The date as it is written at the top of a letter in that language."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    return format_date(day, format="long", locale=locale)


@dataclass
class SupporterPart:
    name: str
    town: str = ""
    personal_paragraph: str = ""


def legislator_variables(legislator: Legislator, language: str) -> dict[str, Any]:
    """What a template knows about the addressee, as plain data."""
    address_lines = [line.strip() for line in legislator.postal_address.splitlines()
                     if line.strip()]
    return {
        "name": legislator.name,
        "given_name": legislator.given_name,
        "family_name": legislator.family_name,
        "title": legislator.title,
        "salutation": salutation(language, legislator.name, legislator.given_name,
                                 legislator.family_name, legislator.gender, legislator.title),
        "chamber": legislator.chamber.name if legislator.chamber else "",
        "party": legislator.party,
        "group": legislator.group,
        "area": legislator.area.name if legislator.area else "",
        "address": "\n".join(address_lines),
        "address_lines": address_lines,
    }


def letter_variables(letter_campaign: LetterCampaign, legislator: Legislator,
                     supporter: SupporterPart, language: str, day: date) -> dict[str, Any]:
    """Every variable a letter template sees, as plain dicts, lists and strings."""
    points = [str(point) for point in letter_campaign.talking_points]
    return {
        "legislator": legislator_variables(legislator, language),
        "supporter": {"name": supporter.name, "town": supporter.town,
                      "personal_paragraph": supporter.personal_paragraph},
        "campaign": {"title": letter_campaign.title, "subject": letter_campaign.subject,
                     "description": letter_campaign.description,
                     "demands": points, "talking_points": points},
        "date": format_letter_date(day, language),
        "language": language,
    }


def sample_variables(language: str = "en") -> dict[str, Any]:
    """Made-up values for checking and previewing a template in the admin."""
    return {
        "legislator": {"name": "Alex Example", "given_name": "Alex", "family_name": "Example",
                       "title": "MEP", "salutation": salutation(language, "Alex Example", "Alex",
                                                                "Example", ""),
                       "chamber": "European Parliament", "party": "Example Party",
                       "group": "Example Group", "area": "Example Region",
                       "address": "Rue Wiertz 60\n1047 Brussels",
                       "address_lines": ["Rue Wiertz 60", "1047 Brussels"]},
        "supporter": {"name": "Sam Supporter", "town": "Exampleville",
                      "personal_paragraph": "This matters to me because ..."},
        "campaign": {"title": "Example campaign", "subject": "Example subject",
                     "description": "", "demands": ["First demand.", "Second demand."],
                     "talking_points": ["First demand.", "Second demand."]},
        "date": format_letter_date(date(2026, 1, 15), language),
        "language": language,
    }


# -- finding a campaign's templates -----------------------------------------------------------

@dataclass
class TemplateChoice:
    language: str
    subject: str
    source: str
    # "admin" for organizer-written, "file" for letters/<slug>/<lang>.txt.j2.
    origin: str


# A file template may name its subject in a leading comment: {# subject: ... #}
_SUBJECT_COMMENT = re.compile(r"\A\{#\s*subject:\s*(.+?)\s*#\}")


def _file_template(slug: str, language: str) -> Path | None:
    if "/" in slug or "/" in language or slug.startswith("."):
        return None
    path = LETTERS_DIR / slug / f"{language}{TEMPLATE_SUFFIX}"
    return path if path.is_file() else None


def available_languages(session: Session, letter_campaign: LetterCampaign) -> list[str]:
    """Languages the campaign has a template in, organizer-written or from files."""
    written = set(session.scalars(select(LetterTemplate.language).where(
        LetterTemplate.letter_campaign_id == letter_campaign.id)))
    folder = LETTERS_DIR / letter_campaign.slug
    files = {p.name.removesuffix(TEMPLATE_SUFFIX) for p in folder.glob(f"*{TEMPLATE_SUFFIX}")} \
        if folder.is_dir() else set()
    return sorted(written | files)


def template_for(session: Session, letter_campaign: LetterCampaign, language: str
                 ) -> TemplateChoice | None:
    """The template in a language: the organizer's own first, then the file."""
    written = session.scalar(select(LetterTemplate).where(
        LetterTemplate.letter_campaign_id == letter_campaign.id,
        LetterTemplate.language == language))
    if written is not None:
        return TemplateChoice(language, written.subject or letter_campaign.subject,
                              written.body_source, "admin")
    path = _file_template(letter_campaign.slug, language)
    if path is not None:
        source = path.read_text(encoding="utf-8")
        subject = _SUBJECT_COMMENT.match(source)
        return TemplateChoice(language, subject.group(1) if subject else letter_campaign.subject,
                              source, "file")
    return None


def choose_language(legislator: Legislator, languages: list[str], default: str) -> str:
    """The legislator's language when a template exists in it, else the campaign's default."""
    for language in legislator.languages or []:
        if language in languages:
            return language
        if language.split("-")[0] in languages:
            return language.split("-")[0]
    if default in languages or not languages:
        return default
    # No template in the default language yet: any letter beats none.
    return "en" if "en" in languages else languages[0]
