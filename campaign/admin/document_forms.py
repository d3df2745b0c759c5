"""Forms for documents and their calls."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from campaign.ingest.readers import megabytes
from campaign.services.documents import find_passage
from campaign.validators import PlainText, nfc


class UploadForm(FlaskForm):
    campaign_id = SelectField("Campaign", coerce=int)
    document = FileField("A file", description="Plain text, Markdown, HTML, PDF or DOCX.")
    url = StringField("Or a web address", filters=[nfc],
                      description="An http(s) address of a statement, letter or resolution.",
                      validators=[Optional(), Length(max=2000)])

    @staticmethod
    def max_bytes() -> int:
        return int(current_app.config["INGEST_UPLOAD_MAX_BYTES"])

    def too_large_message(self) -> str:
        limit = megabytes(self.max_bytes())
        return f"The file is larger than {limit}, the most one upload may hold."

    def validate_document(self, field: FileField) -> None:
        upload = field.data
        if upload and getattr(upload, "filename", ""):
            upload.stream.seek(0, 2)
            size = upload.stream.tell()
            upload.stream.seek(0)
            if size > self.max_bytes():
                raise ValidationError(self.too_large_message())

    def validate_url(self, field: StringField) -> None:
        parts = urlsplit(field.data or "")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError("Give an address that starts with http:// or https://.")

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        has_file = bool(self.document.data and getattr(self.document.data, "filename", ""))
        if has_file == bool(self.url.data):
            self.document.errors = ["Choose a file or give a web address (not both)."]
            return False
        return True


class CallForm(FlaskForm):
    actor = StringField("Who calls", filters=[nfc],
                        validators=[Optional(), Length(max=300), PlainText()])
    target = StringField("Called upon", filters=[nfc],
                         validators=[Optional(), Length(max=500), PlainText()])
    demand = StringField("Demand", filters=[nfc],
                         description="What is asked, as a short verb phrase: “adopt targeted "
                                     "sanctions”.",
                         validators=[DataRequired(), Length(max=2000), PlainText()])


class SplitForm(FlaskForm):
    demands = TextAreaField("Split into these demands", filters=[nfc],
                            description="One demand a line; each becomes a call with the same "
                                        "sentence and target.",
                            validators=[DataRequired(), Length(max=10_000),
                                        PlainText(allow_newlines=True)])

    def validate_demands(self, field: TextAreaField) -> None:
        if len(self.demand_list()) < 2:
            raise ValidationError("Give at least two demands, one a line.")

    def demand_list(self) -> list[str]:
        return [line.strip() for line in (self.demands.data or "").splitlines() if line.strip()]


class AddCallForm(CallForm):
    passage = TextAreaField("Passage", filters=[nfc],
                            description="Copy the sentence from the document's text; the call "
                                        "points to it.",
                            validators=[DataRequired(), Length(max=5000),
                                        PlainText(allow_newlines=True)])

    def __init__(self, *args: Any, document_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document_text = document_text

    def validate_passage(self, field: TextAreaField) -> None:
        if find_passage(self.document_text, field.data or "") is None:
            raise ValidationError("This passage is not in the document's text.")


class SelectionForm(FlaskForm):
    """Calls chosen on a document's page and what to make of them."""

    call_ids = SelectMultipleField("Calls", coerce=int,
                                   validators=[DataRequired(message="Choose at least one call.")])
    title = StringField("Title (optional)", filters=[nfc],
                        description="Left empty, it is made from the first demand.",
                        validators=[Optional(), Length(max=200), PlainText()])
    action = StringField(filters=[nfc], validators=[Length(max=16),
                                                    AnyOf(["petition", "letter", "merge"])])


class AskForm(FlaskForm):
    """The calls of one campaign ask, across documents, to make a petition or letters of."""

    campaign_id = IntegerField(validators=[DataRequired()])
    call_ids = SelectMultipleField("Calls", coerce=int,
                                   validators=[DataRequired(message="Choose at least one call.")])
    action = StringField(filters=[nfc], validators=[Length(max=16),
                                                    AnyOf(["petition", "letter"])])


class SignatoriesForm(FlaskForm):
    organisations = TextAreaField("Co-signing organisations", filters=[nfc],
                                  description="One organisation a line.",
                                  validators=[Optional(), Length(max=50_000),
                                              PlainText(allow_newlines=True)])
