"""Organizer sign-in."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from campaign.validators import nfc


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[nfc], validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])
