"""Forms supporters fill in to find their legislators and write to them."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from campaign.countries import country_names
from campaign.models import DeliveryMethod, ReplyStatus
from campaign.services.mail import HeaderInjectionError, check_header_value
from campaign.validators import PlainText, nfc

PERSONAL_MIN_CHARS = 40
_CODE = Regexp(r"^[\w\- ]+$", message=_l("Please use only letters, digits, spaces and hyphens."))


def _header_safe(field_label: str):  # type: ignore[no-untyped-def]
    """A validator: the value goes into an email header, so no line breaks or encoded words."""
    def check(form: FlaskForm, field: StringField) -> None:
        try:
            check_header_value(field.data or "")
        except HeaderInjectionError:
            raise ValidationError(_l("Please remove line breaks and “=?” sequences from %(label)s.",
                                     label=field_label)) from None
    return check


class FindForm(FlaskForm):
    """Where the supporter lives; sent by GET, so it needs no CSRF token."""

    class Meta:
        csrf = False

    country = SelectField(_l("Country"), validate_choice=False,
                          validators=[DataRequired(_l("Please choose your country."))])
    region = StringField(_l("Region or constituency (optional)"), filters=[nfc],
                         validators=[Optional(), Length(max=80), _CODE])
    state = StringField(_l("State (optional)"), filters=[nfc],
                        validators=[Optional(), Length(max=80), _CODE])
    district = StringField(_l("District (optional)"), filters=[nfc],
                           validators=[Optional(), Length(max=80), _CODE])
    postcode = StringField(_l("Postcode (optional)"), filters=[nfc],
                           validators=[Optional(), Length(max=16), _CODE])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("Choose your country"))] + list(country_names().items())

    def validate_country(self, field: SelectField) -> None:
        if field.data not in country_names():
            raise ValidationError(_l("Please choose a country from the list."))


class WriteForm(FlaskForm):
    name = StringField(_l("Your full name"), filters=[nfc],
                       validators=[DataRequired(_l("Please enter your name.")),
                                   Length(max=100,
                                          message=_l("Please use at most 100 characters.")),
                                   PlainText(), _header_safe(_l("your name"))])
    email = StringField(_l("Your email address"), filters=[nfc],
                        description=_l("The office replies to it. We never show it."),
                        validators=[DataRequired(_l("Please enter your email address.")),
                                    Length(max=254, message=_l("This email address is too long."))])
    town = StringField(_l("Your town or area"), filters=[nfc],
                       validators=[Optional(), Length(max=100), PlainText()])
    personal_paragraph = TextAreaField(
        _l("In your own words: why does this matter to you?"), filters=[nfc],
        description=_l("Offices give weight to letters people write themselves. A few sentences "
                       "about you are worth more than any template."),
        validators=[DataRequired(_l("Please write a few sentences of your own.")),
                    Length(min=PERSONAL_MIN_CHARS, max=4000,
                           message=_l("Please write between %(min)d and %(max)d characters.")),
                    PlainText(allow_newlines=True)])
    source = HiddenField(filters=[nfc], validators=[Optional(), Length(max=64)])

    def validate_email(self, field: StringField) -> None:
        try:
            result = validate_email(field.data or "", check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError(
                _l("Please enter a valid email address, like name@example.org.")) from None
        field.data = result.normalized


class EditForm(FlaskForm):
    subject = StringField(_l("Subject"), filters=[nfc],
                          validators=[DataRequired(_l("Please enter a subject.")),
                                      Length(max=200), PlainText(),
                                      _header_safe(_l("the subject"))])
    body = TextAreaField(_l("Your letter"), filters=[nfc],
                         validators=[DataRequired(_l("Your letter is empty.")),
                                     Length(max=20_000), PlainText(allow_newlines=True)])


class SendForm(FlaskForm):
    """Send through the app, or record that the supporter sent it themselves."""

    method = HiddenField(validators=[DataRequired()])
    send_anyway = BooleanField(_l("Send it anyway: I know it is very close to another letter"))

    def validate_method(self, field: HiddenField) -> None:
        if field.data not in {m.value for m in DeliveryMethod if m is not DeliveryMethod.NONE}:
            raise ValidationError(_l("Please choose how you send the letter."))

    def delivery_method(self) -> DeliveryMethod:
        return DeliveryMethod(self.method.data)


class ConfirmSendForm(FlaskForm):
    """Only a CSRF token: pressing the button confirms the address."""


class ReplyForm(FlaskForm):
    status = RadioField(_l("Did the office answer your letter?"), choices=[
        SelectChoice(ReplyStatus.REPLIED.value, _l("Yes, they replied to what I wrote")),
        SelectChoice(ReplyStatus.ACKNOWLEDGED.value, _l("They only acknowledged receiving it")),
        SelectChoice(ReplyStatus.NO_REPLY.value, _l("No answer yet")),
    ], validators=[DataRequired(_l("Please choose an answer."))])

    def reply_status(self) -> ReplyStatus:
        return ReplyStatus(self.status.data)
