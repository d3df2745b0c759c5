"""Paths and one-line imports shared by the legislator directory tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.legislators import importing
from campaign.models import Chamber, Legislator
from tests.conftest import SHARED

DATA = Path(__file__).resolve().parent / "data" / "legislators"
SHARED_LEGISLATORS = SHARED / "data" / "legislators"
# Our own correction of the shared regions file (whose constituencies are those of 2019).
EP_2024_REGIONS = Path(__file__).resolve().parents[1] / "data" / "legislators" / \
    "ep-2024-be-ie-constituencies.csv"

needs_shared = pytest.mark.skipif(not SHARED_LEGISLATORS.is_dir(),
                                  reason="../shared/data/legislators is not present")


def load(session: Session, path: Path, fmt: str,
         **options: object) -> list[importing.ChamberReport]:
    """Import a file and commit, as the CLI does."""
    reports = importing.import_file(session, path, fmt, importing.ImportOptions(**options))
    session.commit()
    return reports


def load_shared_meps(session: Session) -> list[importing.ChamberReport]:
    return load(session, SHARED_LEGISLATORS / "eu-meps-meps.csv", "ep-meps",
                regions=[SHARED_LEGISLATORS / "eu-meps-mep_regions.csv", EP_2024_REGIONS])


def serving(session: Session, chamber_slug: str) -> list[Legislator]:
    return list(session.scalars(select(Legislator).join(Chamber)
                                .where(Chamber.slug == chamber_slug, Legislator.serving.is_(True))
                                .order_by(Legislator.external_id)))


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0
