"""The migration history builds exactly the schema the models describe."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from campaign import create_app, migrate
from tests.conftest import postgres_test_url


def _scratch_url(tmp_path: Path) -> tuple[str, object]:
    base = postgres_test_url()
    if base is None:
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", None
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{base}?options=-csearch_path%3D{schema}", (admin, schema)


def test_upgrade_then_models_and_migrations_agree(tmp_path: Path) -> None:
    url, cleanup = _scratch_url(tmp_path)
    try:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "i"),
                          "SECRET_KEY": "x"})
        migrate.upgrade(app)
        migrate.check(app)  # raises if autogenerate finds any difference
        engine = create_engine(url)
        tables = set(inspect(engine).get_table_names())
        engine.dispose()
        assert {"petitions", "signatures", "signatories", "outbound_emails"} <= tables
        migrate.upgrade(app)  # a second upgrade is a no-op
        app.extensions["campaign_db"].engine.dispose()
    finally:
        if cleanup is not None:
            admin, schema = cleanup  # type: ignore[misc]
            with admin.connect() as conn:  # type: ignore[attr-defined]
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()  # type: ignore[attr-defined]


@pytest.mark.backend_independent
def test_migration_history_is_one_line() -> None:
    """Exactly one head: merged branches must be re-chained, not left as parallel heads."""
    from alembic.script import ScriptDirectory

    from campaign.migrate import alembic_config

    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x",
                      "INSTANCE_PATH": "/tmp/campaign-migration-check"})
    script = ScriptDirectory.from_config(alembic_config(app))
    assert len(script.get_heads()) == 1
