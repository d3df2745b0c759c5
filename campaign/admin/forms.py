"""Forms organizers fill in."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from campaign.i18n import LANGUAGES
from campaign.validators import PlainText, nfc


class PetitionForm(FlaskForm):
    campaign_id = SelectField("Campaign", coerce=int)
    title = StringField("Title", filters=[nfc],
                        validators=[DataRequired(), Length(max=200), PlainText()])
    slug = StringField("Address (slug)", filters=[nfc],
                       description="Lower-case letters, digits and hyphens; left empty, it is made "
                                   "from the title.",
                       validators=[Optional(), Length(max=80),
                                   Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                                          message="Use lower-case letters, digits and hyphens.")])
    target = StringField("Addressed to", filters=[nfc],
                         description="Whom the petition calls on, e.g. “The European Commission”.",
                         validators=[DataRequired(), Length(max=300), PlainText()])
    summary = TextAreaField("Summary", filters=[nfc],
                            validators=[Optional(), Length(max=1000), PlainText(allow_newlines=True)])
    body_markdown = TextAreaField("Text (Markdown)", filters=[nfc],
                                  validators=[Optional(), Length(max=50_000),
                                              PlainText(allow_newlines=True)])
    goal = IntegerField("Signature goal", default=1000,
                        validators=[DataRequired(), NumberRange(min=1, max=100_000_000)])
    closes_at = DateTimeLocalField("Closes at (UTC, optional)", validators=[Optional()],
                                   format="%Y-%m-%dT%H:%M")
    milestones = StringField("Milestones", filters=[nfc],
                             description="Signature counts at which you are emailed, "
                                         "separated by commas, e.g. 1000, 10000.",
                             validators=[Optional(), Length(max=300)])
    default_language = SelectField("Default language", choices=[
        SelectChoice(code, name) for code, name in LANGUAGES.items()], default="en")

    def validate_milestones(self, field: StringField) -> None:
        parts = [p for p in re.split(r"[,\s]+", field.data or "") if p]
        if not all(p.isdigit() and 0 < int(p) <= 100_000_000 for p in parts):
            raise ValidationError("Use whole numbers separated by commas.")
        if len(parts) > 20:
            raise ValidationError("Use at most 20 milestones.")

    def milestone_list(self) -> list[int]:
        return sorted({int(p) for p in re.split(r"[,\s]+", self.milestones.data or "") if p})


class StateForm(FlaskForm):
    """Only the CSRF token; the action is in the URL."""
