"""Forms supporters and co-signing organisations fill in."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from campaign.countries import country_names
from campaign.validators import PlainText, nfc


def _valid_email(field: StringField) -> None:
    try:
        result = validate_email(field.data or "", check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(_l("Please enter a valid email address, like name@example.org.")
                              ) from None
    field.data = result.normalized


class DataRequestForm(FlaskForm):
    email = StringField(_l("Email address"), filters=[nfc],
                        validators=[DataRequired(_l("Please enter your email address.")),
                                    Length(max=254, message=_l("This email address is too long."))])
    # The honeypot, as on the signing form.
    website = StringField(_l("Leave this empty"), filters=[nfc], validators=[Optional(), Length(max=200)])

    def validate_email(self, field: StringField) -> None:
        _valid_email(field)

    def is_bot(self) -> bool:
        return bool(self.website.data)


class CosignForm(FlaskForm):
    organisation = StringField(_l("Organisation name"), filters=[nfc], validators=[
        DataRequired(_l("Please enter the organisation's name.")),
        Length(max=200, message=_l("Please use at most 200 characters.")), PlainText()])
    country = SelectField(_l("Country where the organisation is based"), validate_choice=False,
                          validators=[DataRequired(_l("Please choose a country."))])
    org_website = StringField(_l("Website (optional)"), filters=[nfc], validators=[
        Optional(), Length(max=300, message=_l("Please use at most 300 characters.")),
        URL(require_tld=True, message=_l("Please enter a full address, like https://example.org."))])
    contact_name = StringField(_l("Contact person"), filters=[nfc], validators=[
        DataRequired(_l("Please enter the name of a contact person.")),
        Length(max=100, message=_l("Please use at most 100 characters.")), PlainText()])
    contact_email = StringField(
        _l("Contact email address"), filters=[nfc],
        description=_l("We email a confirmation link to this address. It is never shown."),
        validators=[DataRequired(_l("Please enter an email address.")),
                    Length(max=254, message=_l("This email address is too long."))])
    authorised = BooleanField(_l("I am authorised to sign on behalf of this organisation"),
                              validators=[DataRequired(_l("Please confirm that you may sign for "
                                                          "the organisation."))])
    website = StringField(_l("Leave this empty"), filters=[nfc], validators=[Optional(), Length(max=200)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("Choose a country"))] + list(country_names().items())

    def validate_country(self, field: SelectField) -> None:
        if field.data not in country_names():
            raise ValidationError(_l("Please choose a country from the list."))

    def validate_org_website(self, field: StringField) -> None:
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError(_l("Please enter a full address, like https://example.org."))

    def validate_contact_email(self, field: StringField) -> None:
        _valid_email(field)

    def is_bot(self) -> bool:
        return bool(self.website.data)


class ButtonForm(FlaskForm):
    """Only a CSRF token: pressing the button is the decision."""


class EraseForm(FlaskForm):
    sure = BooleanField(_l("I understand that this cannot be undone"),
                        validators=[DataRequired(_l("Please tick the box to confirm."))])
