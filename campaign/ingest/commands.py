"""`campaign ingest` and `campaign extract`: thin wrappers over the document services."""

from __future__ import annotations

import json
import os
from pathlib import PurePosixPath

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@click.option("--campaign", "campaign_slug", default="default", show_default=True,
              help="Campaign slug (created if missing).")
@with_appcontext
def ingest_command(sources: tuple[str, ...], campaign_slug: str) -> None:
    """Store documents (files or http(s) URLs) and propose their calls to action.

    Prints what happened to each input: stored, already known, or failed and why. The others
    go on when one fails; the exit status is 1 only when every input failed.
    """
    from sqlalchemy import select

    from campaign.extensions import db
    from campaign.models import Campaign
    from campaign.services import documents

    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == campaign_slug))
    if campaign is None:
        campaign = Campaign(slug=campaign_slug, name=campaign_slug)
        db.session.add(campaign)
        db.session.commit()
        click.echo(f"campaign {campaign_slug} created")
    # Whoever runs the command has the server's shell: local addresses are theirs to read.
    limits = documents.IngestLimits.from_config(current_app.config, allow_private=True)
    failures = 0
    for source in sources:
        outcome = documents.ingest_source(db.session, campaign, source, limits)
        if outcome.failed:
            db.session.rollback()
            failures += 1
            click.echo(f"{source}: failed: {outcome.message}")
        else:
            db.session.commit()
            click.echo(f"{source}: {outcome.message}")
    if failures == len(sources):
        raise SystemExit(1)


@click.command("extract")
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
def extract_command(sources: tuple[str, ...], as_json: bool) -> None:
    """Print the calls to action in documents (files or URLs); the database is not used.

    With --json, one object a line: doc, sentence, actor, target, demand, start, end.
    The exit status is 1 only when no input could be read.
    """
    from campaign.config import DEFAULTS, from_environment
    from campaign.ingest.extract import extract_calls
    from campaign.ingest.fetch import FetchError
    from campaign.ingest.readers import ReadError
    from campaign.services.documents import IngestLimits, read_source

    limits = IngestLimits.from_config({**DEFAULTS, **from_environment(os.environ)},
                                      allow_private=True)
    failures = 0
    for source in sources:
        try:
            read, _url = read_source(source, limits)
        except (ReadError, FetchError) as exc:
            failures += 1
            click.echo(f"{source}: failed: {exc}", err=True)
            continue
        doc = source if "://" in source else PurePosixPath(source.replace("\\", "/")).name
        for call in extract_calls(read.text):
            if as_json:
                click.echo(json.dumps(call.as_record(doc), ensure_ascii=False))
            else:
                click.echo(f"{doc} [{call.start}:{call.end}] {call.actor or '-'} → "
                           f"{call.target or '-'}: {call.demand}")
    if failures == len(sources):
        raise SystemExit(1)
