"""Forms for the legislator directory in the admin."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Email, Length, Optional, ValidationError

from campaign.extensions import db
from campaign.legislators import directory
from campaign.validators import PlainText, nfc

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class SearchForm(FlaskForm):
    """The filters above the list; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField("Name or email", filters=[nfc], validators=[Optional(), Length(max=200)])
    chamber = SelectField("Chamber", coerce=lambda v: int(v) if v else 0, default=0,
                          validators=[Optional()])
    area = StringField("Area (code or name)", filters=[nfc],
                       validators=[Optional(), Length(max=200)])
    party = StringField("Party or group", filters=[nfc], validators=[Optional(), Length(max=200)])
    status = SelectField("Status", choices=[SelectChoice("serving", "Serving"),
                                            SelectChoice("former", "No longer serving"),
                                            SelectChoice("all", "All")], default="serving")


class LegislatorForm(FlaskForm):
    chamber_id = SelectField("Chamber", coerce=int)
    area_code = StringField("Area code", filters=[nfc],
                            description="The code of an area of that chamber, e.g. BE-FR, CA-12 "
                                        "or a country code such as FR.",
                            validators=[DataRequired(), Length(max=80)])
    name = StringField("Full name", filters=[nfc],
                       validators=[DataRequired(), Length(max=200), PlainText()])
    given_name = StringField("Given name", filters=[nfc],
                             validators=[Optional(), Length(max=100), PlainText()])
    family_name = StringField("Family name", filters=[nfc],
                              validators=[Optional(), Length(max=100), PlainText()])
    gender = SelectField("Gender (for the salutation)",
                         choices=[SelectChoice("", "Unknown (neutral salutation)"),
                                  SelectChoice("female", "Female"), SelectChoice("male", "Male")],
                         default="")
    title = StringField("Title", filters=[nfc],
                        validators=[Optional(), Length(max=100), PlainText()])
    party = StringField("Party", filters=[nfc],
                        validators=[Optional(), Length(max=200), PlainText()])
    group = StringField("Group", filters=[nfc],
                        validators=[Optional(), Length(max=200), PlainText()])
    email = StringField("Email", filters=[nfc], validators=[Optional(), Length(max=320), Email()])
    phone = StringField("Phone", filters=[nfc],
                        validators=[Optional(), Length(max=80), PlainText()])
    postal_address = TextAreaField("Postal address", filters=[nfc],
                                   validators=[Optional(), Length(max=500),
                                               PlainText(allow_newlines=True)])
    contact_form_url = StringField("Web contact form", filters=[nfc],
                                   validators=[Optional(), Length(max=500),
                                               URL(require_tld=True)])
    website = StringField("Website", filters=[nfc],
                          validators=[Optional(), Length(max=500), URL(require_tld=True)])
    languages = StringField("Languages", filters=[nfc],
                            description="Language codes, most usual first, e.g. “fr de”.",
                            validators=[Optional(), Length(max=100)])
    mandate_start = DateField("Mandate starts", validators=[Optional()])
    mandate_end = DateField("Mandate ends", validators=[Optional()])
    serving = BooleanField("Serving", default=True)

    def validate_area_code(self, field: StringField) -> None:
        if self.chamber_id.data and directory.find_area(db.session, self.chamber_id.data,
                                                        field.data or "") is None:
            raise ValidationError("That chamber has no area with this code.")

    def validate_languages(self, field: StringField) -> None:
        if any(not LANGUAGE_TAG.match(tag) for tag in self.language_list()):
            raise ValidationError("Use language codes such as fr, de or pt-BR, "
                                  "separated by spaces.")

    def validate_mandate_end(self, field: DateField) -> None:
        if field.data and self.mandate_start.data and field.data < self.mandate_start.data:
            raise ValidationError("The mandate cannot end before it starts.")

    def language_list(self) -> list[str]:
        return (self.languages.data or "").replace(",", " ").split()

    def fields(self) -> directory.LegislatorFields:
        values: dict[str, Any] = {name: getattr(self, name).data or "" for name in (
            "name", "given_name", "family_name", "gender", "title", "party", "group", "email",
            "phone", "postal_address", "contact_form_url", "website")}
        return directory.LegislatorFields(
            chamber_id=self.chamber_id.data,
            area=directory.find_area(db.session, self.chamber_id.data, self.area_code.data),
            languages=self.language_list(), mandate_start=self.mandate_start.data,
            mandate_end=self.mandate_end.data, serving=bool(self.serving.data), **values)
