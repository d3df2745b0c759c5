"""The `campaign` command: thin wrappers over the domain functions the views also use."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from campaign.extensions import db
from campaign.ingest.commands import extract_command, ingest_command


def _create_app() -> Flask:
    from campaign import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Campaign toolkit: petitions, letters to legislators and calls to action."""


# Found by FlaskGroup before it loads the app: it runs with no database configured at all.
main.add_command(extract_command)


def register_commands(app: Flask) -> None:
    """Attach the command groups to an app (so that `app.test_cli_runner()` sees them)."""
    from campaign.legislators.cli import legislators_group

    for command in (db_group, organizer_group, petitions_group, demo, worker, purge,
                    legislators_group, ingest_command, extract_command, backup, restore,
                    export_group):
        app.cli.add_command(command)


# -- database ---------------------------------------------------------------------------------

@click.group("db")
def db_group() -> None:
    """Database schema migrations."""


@db_group.command("upgrade")
@click.argument("revision", default="heads")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Bring the database schema up to date."""
    from campaign import migrate

    migrate.upgrade(current_app, revision)
    click.echo("database is up to date")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
@click.option("--empty", is_flag=True, help="Do not compare the models with the database.")
@with_appcontext
def db_revision(message: str, empty: bool) -> None:
    """Write a new migration from the difference between the models and the database."""
    from campaign import migrate

    migrate.revision(current_app, message, autogenerate=not empty)


@db_group.command("check")
@with_appcontext
def db_check() -> None:
    """Fail if the models and the migration history disagree."""
    from campaign import migrate

    migrate.check(current_app)
    click.echo("models and migrations agree")


# -- organizers -------------------------------------------------------------------------------

@click.group("organizer")
def organizer_group() -> None:
    """Organizer accounts."""


@organizer_group.command("create")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--campaign", "campaign_slug", help="Make the organizer owner of this campaign "
                                                 "(created if missing).")
@with_appcontext
def organizer_create(email: str, name: str, password_stdin: bool,
                     campaign_slug: str | None) -> None:
    """Create an organizer account; asks for the password unless --password-stdin."""
    from campaign.models import Campaign, Role
    from campaign.services import organizers

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        organizer = organizers.create_organizer(db.session, email, password, name)
        if campaign_slug:
            campaign = db.session.scalar(select(Campaign).where(Campaign.slug == campaign_slug))
            if campaign is None:
                organizers.create_campaign(db.session, organizer, campaign_slug, campaign_slug)
            else:
                organizers.add_member(db.session, campaign, organizer, Role.OWNER)
    except organizers.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"organizer {organizer.email} created")


@organizer_group.command("reset-two-factor")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask first.")
@with_appcontext
def organizer_reset_two_factor(email: str, yes: bool) -> None:
    """Remove an organizer's second factor (lost phone) and log them out everywhere.

    They set up a new one at their next login. Check who is asking before you do this.
    """
    from campaign.models import Organizer
    from campaign.services import organizers, two_factor

    person = db.session.scalar(select(Organizer)
                               .where(Organizer.email == organizers.normalise_email(email)))
    if person is None:
        raise click.ClickException(f"no organizer with the email {email}")
    if not yes:
        click.confirm(f"Remove the second factor of {person.email}?", abort=True)
    two_factor.reset(db.session, person)
    db.session.commit()
    click.echo(f"two-factor authentication reset for {person.email}; all their sessions ended")


# -- petitions --------------------------------------------------------------------------------

@click.group("petitions")
def petitions_group() -> None:
    """Petitions."""


@petitions_group.command("create")
@click.option("--title", required=True)
@click.option("--target", required=True, help="Whom the petition addresses.")
@click.option("--goal", type=click.IntRange(min=1), required=True)
@click.option("--slug", default="", help="The address; made from the title if not given.")
@click.option("--summary", default="")
@click.option("--body", default="", help="Text in Markdown.")
@click.option("--campaign", "campaign_slug", default="default",
              help="Campaign slug (created if missing).")
@click.option("--open/--draft", "open_now", default=True, show_default=True,
              help="Open it for signatures now, or keep it a draft.")
@with_appcontext
def petitions_create(title: str, target: str, goal: int, slug: str, summary: str, body: str,
                     campaign_slug: str, open_now: bool) -> None:
    """Create a petition and print its slug."""
    from campaign.models import Campaign
    from campaign.services import petitions

    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == campaign_slug))
    if campaign is None:
        campaign = Campaign(slug=campaign_slug, name=campaign_slug)
        db.session.add(campaign)
    try:
        petition = petitions.create_petition(db.session, campaign, petitions.PetitionFields(
            title=title, target=target, goal=goal, slug=slug, summary=summary,
            body_markdown=body))
        if open_now:
            petitions.change_state(petition, "open")
    except petitions.PetitionError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(petition.slug)


# -- demo, worker, purge ----------------------------------------------------------------------

@click.command("demo")
@with_appcontext
def demo() -> None:
    """Load the demo campaign and petition; running it again changes nothing."""
    from campaign.services import demo as demo_content

    report = demo_content.load(db.session, current_app.instance_path)
    db.session.commit()
    for line in report:
        click.echo(line)


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due and stop.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between outbox polls.")
@with_appcontext
def worker(once: bool, interval: float) -> None:
    """Send queued mail and run periodic jobs until stopped (the RQ queue too, with Redis)."""
    from campaign import mailer
    from campaign.services import jobs

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["REDIS_URL"]:
        from campaign import jobqueue

        # The RQ queue plus an outbox sweep every `interval` seconds (the outbox is the truth).
        jobqueue.run_worker(app, interval, burst=once)
        if once:
            click.echo("queue drained, outbox swept")
        return
    while True:
        # Bounded, so that a long backlog does not hold back the periodic jobs; --once drains.
        sent = mailer.send_due(app, max_seconds=None if once else mailer.SENDING_ROUND_SECONDS)
        jobs.run_periodic(app)
        if once:
            click.echo(f"sent {sent} message(s)")
            return
        time.sleep(interval)


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@with_appcontext
def purge(dry_run: bool) -> None:
    """Delete old unconfirmed signatures; anonymise petitions closed long ago.

    Unconfirmed signatures go after CAMPAIGN_PENDING_PURGE_DAYS; the personal data of petitions
    closed more than CAMPAIGN_RETENTION_DAYS_AFTER_CLOSE days ago is blanked (counts stay).
    """
    from campaign.services import privacy, signing

    days = current_app.config["PENDING_PURGE_DAYS"]
    count = signing.purge_unconfirmed(db.session, days, dry_run=dry_run)
    retention_days = current_app.config["RETENTION_DAYS_AFTER_CLOSE"]
    report = privacy.anonymise_closed(db.session, retention_days, dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    verb = "would remove" if dry_run else "removed"
    click.echo(f"{verb} {count} unconfirmed signature(s) older than {days} days")
    verb = "would anonymise" if dry_run else "anonymised"
    click.echo(f"{verb} {report.signatures} signature(s) and {report.organisations} "
               f"organisation contact(s) of {report.petitions} petition(s) closed more than "
               f"{retention_days} days ago; {report.signatories} person(s) with nothing else "
               f"left {'would be' if dry_run else 'were'} erased")


# -- backup and restore -----------------------------------------------------------------------

@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path) -> None:
    """Copy the SQLite database to PATH while the app keeps serving (PostgreSQL: pg_dump)."""
    from campaign.services import backup as backups

    try:
        pages = backups.backup(current_app.config["DATABASE_URL"], path)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backed up {pages} pages to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the data.")
@with_appcontext
def restore(path: Path, yes: bool) -> None:
    """Replace the SQLite database's contents with the backup at PATH (PostgreSQL: pg_restore)."""
    from campaign.services import backup as backups

    if not yes:
        click.confirm("This replaces every row of the database with the backup. Go on?",
                      abort=True)
    try:
        pages = backups.restore(current_app.config["DATABASE_URL"], path)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {pages} pages from {path}")


# -- exports ----------------------------------------------------------------------------------

@click.group("export")
def export_group() -> None:
    """Exports of personal data (each one is recorded in the audit log)."""


@export_group.command("signatures")
@click.argument("slug")
@click.option("--output", type=click.Path(dir_okay=False, writable=True, allow_dash=True),
              default="-", help="Write to this file instead of standard output.")
@click.option("--state", type=click.Choice(["confirmed", "pending", "all"]), default="confirmed",
              show_default=True)
@with_appcontext
def export_signatures(slug: str, output: str, state: str) -> None:
    """Write the signatories of a petition as CSV (to standard output by default)."""
    from campaign.models import Petition
    from campaign.services import exports

    petition = db.session.scalar(select(Petition).where(Petition.slug == slug))
    if petition is None:
        raise click.ClickException(f"no petition with the slug {slug!r}")
    filters = exports.ExportFilters(campaign_id=petition.campaign_id, petition_id=petition.id,
                                    state=state)
    entry_id = exports.start_audit(db.session, filters, None)
    db.session.commit()
    session = db.new_session()
    # newline="": the csv module writes its own line endings.
    out = None if output == "-" else open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
    try:
        for chunk in exports.csv_chunks(
                session, filters,
                on_done=lambda rows: exports.finish_audit(session, entry_id, rows)):
            if out is None:
                click.echo(chunk, nl=False)
            else:
                out.write(chunk)
    finally:
        session.close()
        if out is not None:
            out.close()
