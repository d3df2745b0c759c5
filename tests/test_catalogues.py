"""The gettext catalogues: complete, not fuzzy, placeholders intact, and up to date with the
strings in the code and templates (run `make translations` when this fails)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from campaign.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "campaign" / "translations"
# English is the language of the source strings; every other language has a catalogue.
TRANSLATED = sorted(set(LANGUAGES) - {"en"})

pytestmark = pytest.mark.backend_independent


def _catalogue(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=language)


def _msgids(catalogue: Catalog) -> set[object]:
    return {message.id for message in catalogue if message.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The strings the sources hold today, extracted as `make translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    inputs = [name for name in ("campaign", "templates", "letters") if (ROOT / name).is_dir()]
    pybabel = Path(sys.executable).with_name("pybabel")
    # Our own tool with fixed arguments, no shell.
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "--no-location",  # noqa: S603
                    "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2",
                    "-o", str(pot), *inputs], cwd=ROOT, check=True)
    with pot.open("rb") as fh:
        return read_po(fh)


def test_every_language_has_a_catalogue() -> None:
    found = sorted(p.name for p in TRANSLATIONS.iterdir()
                   if (p / "LC_MESSAGES" / "messages.po").is_file())
    assert found == TRANSLATED


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_fully_translated(language: str) -> None:
    catalogue = _catalogue(language)
    untranslated = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            untranslated.append(message.id)
    assert not untranslated, f"{language}: untranslated or fuzzy: {untranslated}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_placeholders_match(language: str) -> None:
    problems = [(message.id, [str(e) for e in errors])
                for message, errors in _catalogue(language).check() if errors]
    assert not problems, problems


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_up_to_date_with_the_sources(language: str, extracted: Catalog) -> None:
    wanted, present = _msgids(extracted), _msgids(_catalogue(language))
    assert wanted - present == set(), "new strings not in the catalogue: run `make translations`"
    assert present - wanted == set(), "strings no longer used: run `make translations`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_compiled(language: str) -> None:
    po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    assert mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime, \
        "the compiled catalogue is missing or stale: run `make install`"
