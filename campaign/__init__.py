"""The campaign toolkit: `create_app` is the only place where the app is wired together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app; `config` overrides defaults and CAMPAIGN_* variables."""
    from campaign import errors, i18n, mailer, ratelimit, security
    from campaign.admin import access
    from campaign.admin.documents import bp as admin_documents_bp
    from campaign.admin.legislators import bp as admin_legislators_bp
    from campaign.admin.reach import bp as admin_reach_bp
    from campaign.admin.review import bp as admin_review_bp
    from campaign.admin.views import bp as admin_bp
    from campaign.auth import sessions
    from campaign.auth.two_factor import bp as two_factor_bp
    from campaign.auth.views import bp as auth_bp
    from campaign.config import load_config
    from campaign.context import read_proxies_directly
    from campaign.dashboard.views import bp as dashboard_bp
    from campaign.embed.views import bp as embed_bp
    from campaign.extensions import babel, csrf, db, login_manager
    from campaign.formcache import share_csrf_serializers
    from campaign.i18n import select_locale
    from campaign.letters.admin import bp as letters_admin_bp
    from campaign.letters.views import bp as letters_bp
    from campaign.ops import bp as ops_bp
    from campaign.public.views import bp as public_bp
    from campaign.supporters.views import bp as supporters_bp

    overrides = dict(config or {})
    instance_path = Path(overrides.pop("INSTANCE_PATH", None) or PROJECT_ROOT / "instance")
    read_proxies_directly()  # process-wide and idempotent: see campaign/context.py
    share_csrf_serializers()  # the same: see campaign/formcache.py
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True,
                template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    app.config.update(load_config(instance_path, overrides))
    app.config["RATELIMIT_KEY_PREFIX"] = app.config.get("RATELIMIT_KEY_PREFIX",
                                                        app.config["REDIS_PREFIX"])

    from campaign.services.organizers import configure_hashing

    configure_hashing(app.config["PASSWORD_HASH_TIME_COST"], app.config["PASSWORD_HASH_MEMORY_KIB"])
    db.init_app(app)
    csrf.init_app(app)
    ratelimit.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    mailer.init_app(app)
    i18n.init_app(app)
    sessions.init_app(app)
    security.init_app(app)
    access.init_app(app)
    errors.init_app(app)

    for blueprint in (public_bp, auth_bp, admin_bp, admin_legislators_bp, ops_bp, letters_bp,
                      letters_admin_bp, embed_bp, admin_reach_bp, admin_documents_bp,
                      two_factor_bp, admin_review_bp, supporters_bp, dashboard_bp):
        app.register_blueprint(blueprint)

    from flask_babel import format_number, format_percent, get_locale

    from campaign.countries import country_name
    from campaign.i18n import text_direction

    app.jinja_env.globals.update(
        current_language=lambda: str(get_locale() or app.config["DEFAULT_LANGUAGE"]),
        text_direction=text_direction, format_number=format_number, country_name=country_name,
        format_percent=format_percent)

    from campaign.cli import register_commands
    register_commands(app)
    return app
