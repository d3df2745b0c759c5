"""Health endpoints for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from campaign.extensions import db
from campaign.redis_store import redis_for

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """The process is up."""
    return jsonify({"status": "ok"})


@bp.get("/bench/bare")
def bench_bare() -> ResponseReturnValue:
    """A constant answer: the ceiling `make bench` measures every page against."""
    if not current_app.config["BENCH"]:
        abort(404)
    return "ok"


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """The database (and Redis, when configured) answer."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    if current_app.config["REDIS_URL"]:
        try:
            client = redis_for(current_app)
            assert client is not None
            client.ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ok" if ready else "unavailable", **checks}), 200 if ready else 503
