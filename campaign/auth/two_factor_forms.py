"""The second login step: a six-digit code from an authenticator app."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from campaign.validators import nfc


class CodeForm(FlaskForm):
    code = StringField("Six-digit code", filters=[nfc],
                       validators=[DataRequired(), Length(max=12),
                                   Regexp(r"^[0-9 ]+$", message="Use the digits only.")])
