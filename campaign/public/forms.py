"""Forms that supporters fill in."""

from __future__ import annotations

from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from campaign.countries import country_choices, country_names
from campaign.formcache import CachedTranslationsMeta, FixedOptionsSelect
from campaign.validators import HeaderSafe, PlainText, nfc


class SignForm(FlaskForm):
    Meta = CachedTranslationsMeta

    name = StringField(_l("Full name"), filters=[nfc],
                       validators=[DataRequired(_l("Please enter your name.")),
                                   Length(max=100, message=_l("Please use at most 100 characters.")),
                                   PlainText(), HeaderSafe()])
    email = StringField(_l("Email address"), filters=[nfc],
                        validators=[DataRequired(_l("Please enter your email address.")),
                                    Length(max=254, message=_l("This email address is too long.")),
                                    HeaderSafe()])
    country = SelectField(_l("Country"), validate_choice=False, widget=FixedOptionsSelect(),
                          validators=[DataRequired(_l("Please choose your country."))])
    postcode = StringField(_l("Postcode (optional)"), filters=[nfc],
                           validators=[Optional(), Length(max=16, message=_l("Please use at most 16 characters.")),
                                       Regexp(r"^[\w\- ]+$", message=_l("Please use only letters, digits, spaces and hyphens."))])
    consent_updates = BooleanField(_l("Send me updates about this campaign from the organizer"))
    show_name = BooleanField(_l("Show my first name and country publicly as a signer"))
    source = HiddenField(filters=[nfc], validators=[Optional(), Length(max=64)])
    # The honeypot: hidden from people by CSS, filled in by naive bots.
    website = StringField(_l("Leave this empty"), filters=[nfc],
                          validators=[Optional(), Length(max=200)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = _country_choices(str(get_locale() or "en"))

    def validate_email(self, field: StringField) -> None:
        try:
            result = validate_email(field.data or "", check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError(_l("Please enter a valid email address, like name@example.org.")) from None
        field.data = result.normalized

    def validate_country(self, field: SelectField) -> None:
        if field.data not in country_names():
            raise ValidationError(_l("Please choose a country from the list."))

    def is_bot(self) -> bool:
        return bool(self.website.data)


@lru_cache(maxsize=64)
def _country_choices(language: str) -> tuple[SelectChoice, ...]:
    """The country choices with their placeholder, translated once per language (a
    translation lookup costs as much as the rest of the choices): `language` is the page's."""
    return country_choices(language, str(_l("Choose your country")))


class ConfirmForm(FlaskForm):
    """Only a CSRF token: pressing the button is the confirmation."""
