"""A letter in the forms offices accept: a mailto: link, an .eml file, a printable PDF."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import quote

from fpdf import FPDF

from campaign.db import utcnow
from campaign.models import Letter
from campaign.services.letter_templates import format_letter_date
from campaign.services.mail import check_header_value, display_address

# Fonts with the Latin, Greek and Cyrillic letters European names need; the first found is
# used. `make letter-fonts` installs Debian's fonts-dejavu-core.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


class FontMissingError(Exception):
    """No Unicode TTF font was found for printing letters."""


def mailto_link(letter: Letter) -> str:
    """A mailto: link that opens the letter in the supporter's own mail program."""
    body = letter.body.replace("\n", "\r\n")
    return (f"mailto:{quote(letter.legislator.email, safe='@')}"
            f"?subject={quote(letter.subject, safe='')}&body={quote(body, safe='')}")


def web_link(url: str) -> str | None:
    """An office's web address if it is one (imported data could hold a javascript: URL)."""
    return url if url.lower().startswith(("https://", "http://")) else None


def eml_bytes(letter: Letter, supporter_email: str) -> bytes:
    """The letter as an email file From the supporter To the office, to send from their account."""
    msg = EmailMessage()
    msg["From"] = display_address(letter.supporter_name, supporter_email)
    msg["To"] = display_address(letter.legislator.name, letter.legislator.email)
    msg["Subject"] = check_header_value(letter.subject)
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = make_msgid(domain=supporter_email.rpartition("@")[2] or "localhost")
    # Outlook and Thunderbird open a file with this header as a draft ready to send.
    msg["X-Unsent"] = "1"
    msg.set_content(letter.body)
    return msg.as_bytes()


def font_path(configured: str = "") -> Path:
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissingError("no Unicode TTF font found; run `make letter-fonts`")


def _bold_variant(regular: Path) -> Path | None:
    for name in (regular.name.replace(".ttf", "-Bold.ttf"),
                 regular.name.replace("-Regular.ttf", "-Bold.ttf")):
        candidate = regular.with_name(name)
        if candidate != regular and candidate.is_file():
            return candidate
    return None


def pdf_bytes(letter: Letter, configured_font: str = "") -> bytes:
    """A print-ready A4 letter: sender, address block, date, subject, body and signature line."""
    regular = font_path(configured_font)
    bold = _bold_variant(regular)
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(25, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font("Letter", "", str(regular))
    pdf.add_font("Letter", "B", str(bold or regular))
    # HarfBuzz shaping: a name or a sentence in Arabic script (Uyghur) reads right to left
    # with its letters joined, not as isolated letters in reverse order.
    pdf.set_text_shaping(True)
    pdf.set_title(letter.subject)
    pdf.set_author(letter.supporter_name)
    pdf.set_creator("Campaign Toolkit")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font("Letter", size=10)
    sender = [letter.supporter_name, letter.supporter_town]
    pdf.multi_cell(width, 5, "\n".join(line for line in sender if line), align="R")
    pdf.ln(12)

    legislator = letter.legislator
    pdf.set_font("Letter", size=11)
    address = [legislator.name, *[line.strip() for line in legislator.postal_address.splitlines()
                                  if line.strip()]]
    pdf.multi_cell(width * 0.6, 5.5, "\n".join(address))
    pdf.ln(10)

    place = f"{letter.supporter_town}, " if letter.supporter_town else ""
    pdf.multi_cell(width, 5.5, place + format_letter_date(utcnow().date(), letter.language),
                   align="R")
    pdf.ln(6)

    pdf.set_font("Letter", "B", size=11)
    pdf.multi_cell(width, 6, letter.subject)
    pdf.ln(4)

    pdf.set_font("Letter", size=11)
    pdf.multi_cell(width, 5.5, letter.body.rstrip())
    pdf.ln(18)
    pdf.multi_cell(width * 0.5, 5.5, "_" * 32 + "\n" + letter.supporter_name)
    return bytes(pdf.output())
