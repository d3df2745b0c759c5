"""Forms of the organizers' dashboard, exports and fraud handling."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from campaign.countries import country_names
from campaign.validators import PlainText, nfc

STATES = [("confirmed", "Confirmed"), ("pending", "Pending"), ("flagged", "Flagged"),
          ("invalidated", "Invalidated"), ("all", "All")]


class ExportForm(FlaskForm):
    """Filters of a CSV export; submitted with GET, so no CSRF token (it changes nothing but
    the audit log, which records every export anyway)."""

    class Meta:
        csrf = False

    # Choices are checked by the validate_* methods below.
    petition_id = SelectField("Petition", coerce=int, default=0, validate_choice=False)
    state = SelectField("State", default="confirmed", validate_choice=False)
    country = SelectField("Country", default="", validate_choice=False)
    date_from = DateField("Signed from (UTC)", validators=[Optional()])
    date_to = DateField("Signed until (UTC, inclusive)", validators=[Optional()])
    consent = SelectField("Consent to updates", validate_choice=False, default="")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Choices given at construction warn in WTForms 3.3; assigned here they do not.
        self.state.choices = STATES
        self.consent.choices = [("", "Everyone"), ("yes", "Only people who agreed"),
                                ("no", "Only people who did not")]
        self.country.choices = [("", "All countries")] + list(country_names().items())

    def validate_petition_id(self, field: SelectField) -> None:
        if field.data not in {value for value, _ in field.choices}:  # type: ignore[union-attr]
            raise ValidationError("Choose a petition from the list.")

    def validate_state(self, field: SelectField) -> None:
        if field.data not in {value for value, _ in STATES}:
            raise ValidationError("Choose a state from the list.")

    def validate_consent(self, field: SelectField) -> None:
        if field.data not in ("", "yes", "no"):
            raise ValidationError("Choose from the list.")

    def validate_country(self, field: SelectField) -> None:
        if field.data and field.data not in country_names():
            raise ValidationError("Choose a country from the list.")

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")


class DeliveryForm(FlaskForm):
    include_names = BooleanField(
        "List the first names and countries of signers who agreed to be shown")


class InvalidateForm(FlaskForm):
    grouping = HiddenField(filters=[nfc], validators=[DataRequired(), Length(max=16)])
    key = HiddenField(filters=[nfc], validators=[DataRequired(), Length(max=320)])
    window_start = HiddenField(filters=[nfc], validators=[DataRequired(), Length(max=40)])
    window_minutes = HiddenField(filters=[nfc], validators=[DataRequired(), Length(max=8)])
    reason = TextAreaField("Reason", filters=[nfc],
                           validators=[DataRequired("Give a reason: it goes in the audit log."),
                                       Length(max=500), PlainText(allow_newlines=True)])

    def validate_grouping(self, field: HiddenField) -> None:
        if field.data not in ("ip", "domain"):
            raise ValidationError("Unknown grouping.")

    def validate_window_start(self, field: HiddenField) -> None:
        if not (field.data or "").isdigit():
            raise ValidationError("Bad window.")

    def validate_window_minutes(self, field: HiddenField) -> None:
        if not (field.data or "").isdigit() or not 1 <= int(field.data) <= 1440:
            raise ValidationError("Bad window.")


class BurstFilterForm(FlaskForm):
    class Meta:
        csrf = False

    grouping = SelectField("Group by", default="ip", validate_choice=False)
    window = IntegerField("Window (minutes)", default=10,
                          validators=[Optional(), NumberRange(min=1, max=1440)])
    min_size = IntegerField("Smallest group", default=5,
                            validators=[Optional(), NumberRange(min=2, max=100000)])


    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.grouping.choices = [("ip", "Address hash"), ("domain", "Email domain")]

    def validate_grouping(self, field: SelectField) -> None:
        if field.data not in ("ip", "domain"):
            raise ValidationError("Choose from the list.")


class ButtonForm(FlaskForm):
    """Only the CSRF token; the action is in the URL."""


class JointStatementForm(FlaskForm):
    joint_statement = BooleanField("Organisations may co-sign this petition (a joint statement)")


