"""The sign form as partner sites show it."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import ValidationError

from campaign.public.forms import SignForm
from campaign.services import embeds


class EmbedSignForm(SignForm):
    """The public sign form with a signed site token in place of the session's CSRF token.

    Inside a partner's frame our SameSite=Lax session cookie is not sent, so a CSRF token kept
    in the session could never match. The site token needs no cookie: see embed/views.py.
    """

    class Meta:
        csrf = False

    site_token = HiddenField(_l("Form"))

    def __init__(self, petition_id: int, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.petition_id = petition_id
        self.site = ""

    def validate_site_token(self, field: HiddenField) -> None:
        site = embeds.read_site_token(current_app.config["SECRET_KEY"], field.data or "",
                                      self.petition_id)
        if site is None:
            raise ValidationError(
                _l("This form has expired. Please reload the page and sign again."))
        self.site = site
