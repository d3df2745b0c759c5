"""`campaign legislators ...`: import legislator lists and postcodes, and check lookups."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from campaign.extensions import db

if TYPE_CHECKING:
    from campaign.legislators.records import ImportRefused


@click.group("legislators")
def legislators_group() -> None:
    """The legislator directory: import lists and postcodes, look people up."""


def _refused(exc: ImportRefused) -> click.ClickException:
    for problem in exc.problems:
        click.echo(f"error: {problem}", err=True)
    return click.ClickException(f"{len(exc.problems)} problem(s) found; nothing was imported")


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; elsewhere (logs, cron) a line every tenth of the way."""
    if sys.stderr.isatty():
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            yield bar.update
        return
    click.echo(label, err=True)
    done = 0
    every = max(1, total // 10)

    def step(count: int) -> None:
        nonlocal done
        done += count
        if done % every == 0 or done == total:
            click.echo(f"  {done}/{total}", err=True)

    yield step


@legislators_group.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", required=True,
              type=click.Choice(["popolo", "ep-meps", "us-congress", "csv"]),
              help="The file's format.")
@click.option("--chamber", help="Chamber slug (required for csv; defaults per format).")
@click.option("--chamber-name", help="Chamber name, when the import creates or renames it.")
@click.option("--chamber-kind", help="eu-parliament, national-lower, national-upper, regional...")
@click.option("--country", help="ISO country code of the chamber (popolo; csv with several).")
@click.option("--regions", "regions", multiple=True, type=click.Path(path_type=Path, dir_okay=False,
                                                                     exists=True),
              help="ep-meps: regional constituencies CSV (country,region,mepid,name); repeat to "
                   "add corrections, later files win.")
@click.option("--language", "languages", multiple=True,
              help="popolo: the chamber's language(s) when the country's are not on file.")
@with_appcontext
def import_command(path: Path, fmt: str, chamber: str | None, chamber_name: str | None,
                   chamber_kind: str | None, country: str | None, regions: tuple[Path, ...],
                   languages: tuple[str, ...]) -> None:
    """Import (or re-import) a legislator list; a file with errors imports nothing."""
    from campaign.legislators import importing
    from campaign.legislators.records import ImportRefused

    options = importing.ImportOptions(chamber=chamber, chamber_name=chamber_name,
                                      chamber_kind=chamber_kind, country=country,
                                      regions=list(regions), languages=list(languages))
    try:
        batches = importing.read_file(path, fmt, options)
    except ImportRefused as exc:
        raise _refused(exc) from None
    total = importing.total_members(batches)
    try:
        with _progress(total, f"importing {total} legislators") as step:
            reports = importing.apply_batches(db.session, batches, step)
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        raise click.ClickException(f"the database refused the import ({exc.__class__.__name__}: "
                                   f"{getattr(exc, 'orig', exc)}); nothing was imported") from None
    for report in reports:
        click.echo(str(report))
        for notice in report.notices:
            click.echo(f"note: {notice}", err=True)


@legislators_group.command("import-postcodes")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@with_appcontext
def import_postcodes_command(path: Path) -> None:
    """Import a postcode-to-area CSV (header: country,postcode,chamber,area)."""
    from campaign.legislators.postcodes import import_postcodes
    from campaign.legislators.records import ImportRefused

    try:
        report = import_postcodes(db.session, path)
        db.session.commit()
    except ImportRefused as exc:
        db.session.rollback()
        raise _refused(exc) from None
    click.echo(str(report))


@legislators_group.command("lookup")
@click.option("--country", required=True, help="ISO 3166 alpha-2 code, e.g. BE.")
@click.option("--region", help="Region or constituency: code (BE-FR) or name.")
@click.option("--state", help="US state, e.g. CA.")
@click.option("--district", help="US congressional district, e.g. 12 (AL at large).")
@click.option("--postcode", help="A postcode from the imported postcode table.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@with_appcontext
def lookup_command(country: str, region: str | None, state: str | None, district: str | None,
                   postcode: str | None, as_json: bool) -> None:
    """Print the legislators who represent a place, or the choices to make first."""
    from campaign.legislators.lookup import lookup

    result = lookup(db.session, country, region=region, state=state, district=district,
                    postcode=postcode)
    for match in result.chambers:
        for member in match.legislators:
            row = {"name": member.name, "chamber": match.chamber.slug,
                   "area": member.area.code if member.area else "",
                   "area_name": member.area.name if member.area else "",
                   "email": member.email, "language": (member.languages or [""])[0],
                   "languages": member.languages, "party": member.party,
                   "contact_form_url": member.contact_form_url}
            click.echo(json.dumps(row, ensure_ascii=False) if as_json else
                       f"{match.chamber.name}\t{row['area_name']}\t{member.name}\t"
                       f"{member.email or member.contact_form_url}\t{row['language']}")
        for area in match.choices:
            choice = {"choice": area.code, "name": area.name, "kind": area.kind,
                      "chamber": match.chamber.slug}
            click.echo(json.dumps(choice, ensure_ascii=False) if as_json else
                       f"{match.chamber.name}\tchoose: {area.code}\t{area.name}")
    for problem in result.problems:
        click.echo(f"error: {problem}", err=True)
    if not result.legislators and not result.choices:
        sys.exit(1)
