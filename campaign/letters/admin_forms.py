"""Forms organizers fill in for letter campaigns and their templates."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from campaign.services.letter_templates import MAX_SOURCE_CHARS
from campaign.services.mail import HeaderInjectionError, check_header_value
from campaign.validators import PlainText, nfc

_LANGUAGE = Regexp(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$",
                   message="Use a language code such as en, fr or pt-BR.")


def _header_safe(form: FlaskForm, field: StringField) -> None:
    try:
        check_header_value(field.data or "")
    except HeaderInjectionError as exc:
        raise ValidationError(f"Not allowed in an email subject: {exc}.") from None


class LetterCampaignForm(FlaskForm):
    campaign_id = SelectField("Campaign", coerce=int)
    title = StringField("Title", filters=[nfc],
                        validators=[DataRequired(), Length(max=200), PlainText()])
    slug = StringField("Address (slug)", filters=[nfc],
                       description="Lower-case letters, digits and hyphens. File templates live "
                                   "in letters/<slug>/<language>.txt.j2.",
                       validators=[DataRequired(), Length(max=80),
                                   Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                                          message="Use lower-case letters, digits and hyphens.")])
    subject = StringField("Subject of the letters", filters=[nfc],
                          validators=[DataRequired(), Length(max=200), PlainText(), _header_safe])
    description = TextAreaField("Description for supporters", filters=[nfc],
                                validators=[Optional(), Length(max=2000),
                                            PlainText(allow_newlines=True)])
    talking_points = TextAreaField("Talking points", filters=[nfc],
                                   description="One per line: the demands the letters make.",
                                   validators=[Optional(), Length(max=5000),
                                               PlainText(allow_newlines=True)])
    chamber_slugs = StringField("Chambers", filters=[nfc],
                                description="Slugs of the chambers supporters write to, separated "
                                            "by commas; empty for every chamber.",
                                validators=[Optional(), Length(max=500),
                                            Regexp(r"^[a-z0-9\-, ]*$",
                                                   message="Use chamber slugs and commas.")])
    default_language = StringField("Default language", default="en", filters=[nfc],
                                   validators=[DataRequired(), _LANGUAGE])
    state = SelectField("State", choices=[SelectChoice("draft", "Draft"),
                                          SelectChoice("open", "Open"),
                                          SelectChoice("closed", "Closed")], default="draft")
    similarity_threshold = FloatField(
        "Near-copy threshold", default=0.8,
        description="From 0 to 1: a letter whose own words are at least this similar to another "
                    "letter sent to the same office is flagged before sending.",
        validators=[DataRequired(), NumberRange(min=0.05, max=1.0)])
    hourly_limit_per_office = IntegerField(
        "Letters per office per hour", default=20,
        description="Most letters the app sends to one office in an hour; the rest wait.",
        validators=[DataRequired(), NumberRange(min=1, max=10_000)])

    def talking_point_list(self) -> list[str]:
        return [line.strip() for line in (self.talking_points.data or "").splitlines()
                if line.strip()]

    def chamber_slug_list(self) -> list[str]:
        return [part for part in re.split(r"[,\s]+", self.chamber_slugs.data or "") if part]


class TemplateForm(FlaskForm):
    subject = StringField("Subject in this language", filters=[nfc],
                          description="Empty: the campaign's subject.",
                          validators=[Optional(), Length(max=200), PlainText(), _header_safe])
    body_source = TextAreaField("Letter template", filters=[nfc],
                                description="Plain text with the variables listed below.",
                                validators=[DataRequired(), Length(max=MAX_SOURCE_CHARS),
                                            PlainText(allow_newlines=True)])
