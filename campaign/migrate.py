"""Alembic, driven from the app: the database URL comes from the app's configuration."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from flask import Flask

from campaign import PROJECT_ROOT


def alembic_config(app: Flask) -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    # Alembic's ini interpolation treats % specially; URLs may contain it (escaped passwords).
    config.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    return config


def upgrade(app: Flask, revision: str = "heads") -> None:
    command.upgrade(alembic_config(app), revision)


def revision(app: Flask, message: str, autogenerate: bool = True) -> None:
    command.revision(alembic_config(app), message=message, autogenerate=autogenerate)


def check(app: Flask) -> None:
    """Raise if the models differ from what the migrations build."""
    command.check(alembic_config(app))
