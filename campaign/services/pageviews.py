"""Page views per petition per day: counted in memory, written as one UPSERT per petition and
day at most every few seconds, so the petition page (the hot path) never waits on a write."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date

from flask import Flask
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from campaign.db import utcnow
from campaign.models import PetitionDailyViews


class ViewBuffer:
    """Views not yet written, per (petition, day); one per app and process."""

    def __init__(self, flush_seconds: float) -> None:
        self.flush_seconds = flush_seconds
        self._counts: Counter[tuple[int, date]] = Counter()
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()

    def add(self, petition_id: int) -> bool:
        """Count a view; True when it is time to flush."""
        with self._lock:
            self._counts[(petition_id, utcnow().date())] += 1
            return time.monotonic() - self._last_flush >= self.flush_seconds

    def take(self) -> Counter[tuple[int, date]]:
        with self._lock:
            taken, self._counts = self._counts, Counter()
            self._last_flush = time.monotonic()
            return taken


def buffer_for(app: Flask) -> ViewBuffer:
    buffer = app.extensions.get("campaign_page_views")
    if buffer is None:
        buffer = app.extensions.setdefault(
            "campaign_page_views", ViewBuffer(app.config["PAGE_VIEW_FLUSH_SECONDS"]))
    return buffer


def add_views(session: Session, counts: Counter[tuple[int, date]]) -> None:
    """Add counted views to the daily rows (INSERT ... ON CONFLICT DO UPDATE)."""
    if not counts:
        return
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = PetitionDailyViews.__table__
    for (petition_id, day), views in sorted(counts.items()):
        stmt = module.insert(table).values(petition_id=petition_id, day=day, views=views)
        session.execute(stmt.on_conflict_do_update(index_elements=["petition_id", "day"],
                                                   set_={"views": table.c.views + views}))


def flush(app: Flask) -> int:
    """Write the buffered views in a session of their own; returns how many views."""
    from campaign.extensions import db

    buffer = buffer_for(app)
    counts = buffer.take()
    if not counts:
        return 0
    session = db.new_session()
    try:
        add_views(session, counts)
        session.commit()
    except Exception:
        # A petition deleted meanwhile or a busy database: a few lost view counts are
        # better than retrying a write that may never succeed.
        session.rollback()
        raise
    finally:
        session.close()
    return sum(counts.values())


def record_view(app: Flask, petition_id: int) -> None:
    """Count one view of a petition page; flushes after the response when due."""
    if buffer_for(app).add(petition_id):
        try:
            flush(app)
        except Exception:  # noqa: BLE001 - a view count must never break the page
            app.logger.warning("could not write page views; kept for the next flush",
                               exc_info=True)
