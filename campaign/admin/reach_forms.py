"""Forms for a petition's translations and for the sites that may embed it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from campaign.i18n import LANGUAGES
from campaign.services import embeds
from campaign.validators import PlainText, nfc


class TranslationForm(FlaskForm):
    language = SelectField("Language")
    title = StringField("Title", filters=[nfc],
                        validators=[DataRequired(), Length(max=200), PlainText()])
    summary = TextAreaField("Summary", filters=[nfc],
                            validators=[Optional(), Length(max=1000),
                                        PlainText(allow_newlines=True)])
    body_markdown = TextAreaField("Text (Markdown)", filters=[nfc],
                                  validators=[Optional(), Length(max=50_000),
                                              PlainText(allow_newlines=True)])

    def __init__(self, default_language: str, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The petition's own language is edited on the petition itself.
        self.language.choices = [SelectChoice(code, name) for code, name in LANGUAGES.items()
                                 if code != default_language]


class EmbedSitesForm(FlaskForm):
    origins = TextAreaField(
        "Websites that may show the sign form", filters=[nfc],
        description="One address per line, e.g. https://partner.example.org. Only the scheme, "
                    "host and port count. Leave empty to allow no site.",
        validators=[Optional(), Length(max=5000)])

    def validate_origins(self, field: TextAreaField) -> None:
        lines = self.origin_lines()
        if len(lines) > 50:
            raise ValidationError("Allow at most 50 websites.")
        for line in lines:
            try:
                embeds.normalise_origin(line)
            except embeds.EmbedError as exc:
                raise ValidationError(str(exc)) from None

    def origin_lines(self) -> list[str]:
        return [line.strip() for line in (self.origins.data or "").splitlines() if line.strip()]
