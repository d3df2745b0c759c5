"""Flask extensions, created unbound here and bound to an app in `create_app`."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from campaign.clients import client_ip
from campaign.db import Database

db = Database()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
# The storage URI is set per app in create_app: Redis when configured, memory otherwise.
limiter = Limiter(key_func=client_ip, default_limits=[], headers_enabled=False)
