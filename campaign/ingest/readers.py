"""Read plain text, Markdown, HTML, PDF and DOCX into one normalised text with a title."""

from __future__ import annotations

import codecs
import copy
import hashlib
import io
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from campaign.ingest.text import first_line, normalise_text, unwrap_lines

KINDS = ("text", "markdown", "html", "pdf", "docx")

_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
             ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".docx": "docx"}
_CONTENT_TYPES = {"text/plain": "text", "text/markdown": "markdown", "text/x-markdown": "markdown",
                  "text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx"}

# Elements that are never a statement's text; pruned before the main text is looked for.
_BOILERPLATE_XPATH = [
    "//nav", "//header", "//footer", "//aside", "//form", "//noscript", "//button",
    "//*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='search']",
    *(f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name}') "
      f"or contains(@id, '{name}')]"
      for name in ("skip", "share", "social", "breadcrumb", "cookie", "navbar", "menu",
                   "back-to-top", "backtotop", "login", "newsletter", "sidebar")),
]
# Whole lines that survive in some pages and are navigation, not text.
_BOILERPLATE_LINE = re.compile(
    r"^\W*(skip to (main )?content|skip navigation|back to top|to top|log ?in|sign in|"
    r"log ?out|sign up|register|menu|search|print( this page)?|share( this( page| article)?)?"
    r"( on \w+)?|share:?( (facebook|twitter|x|linkedin|email|whatsapp))*|"
    r"(facebook|twitter|linkedin|email|whatsapp)|follow us( on \w+)?|"
    r"subscribe( to our newsletter)?)\W*$", re.IGNORECASE)

log = logging.getLogger(__name__)
_PDFIUM_LOCK = threading.Lock()


class ReadError(ValueError):
    """A document that cannot be read; the message says why, for the person who gave it."""


@dataclass(frozen=True)
class ReadDocument:
    """A document's normalised text, which the offsets of its calls refer to."""

    title: str
    kind: str
    text: str
    source: str

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)


def megabytes(size: int) -> str:
    """A byte count for a message: "10 MB", "0.5 MB"."""
    return f"{size / 1_000_000:g} MB"


def content_hash(text: str) -> str:
    """The sha256 of the normalised text, hex.

    The text, not the raw bytes: a page fetched twice differs in its navigation, tokens and
    timestamps, and the same statement saved as PDF and DOCX differs in every byte, yet it is
    one document to an organizer; and the calls' offsets refer to this text.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def detect_kind(name: str, data: bytes, content_type: str | None = None) -> str:
    """The kind of a document from its content type, its name, then its first bytes."""
    if content_type:
        kind = _CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
        if kind:
            return kind
    suffix = PurePosixPath(name.split("?")[0].split("#")[0]).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    head = data[:1024].lstrip().lower()
    if head.startswith(b"%pdf-"):
        return "pdf"
    if head.startswith(b"pk\x03\x04") and b"word/" in data[:4096]:
        return "docx"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    is_text_type = (content_type or "").lower().startswith("text/")
    if (not suffix or is_text_type) and _looks_like_text(data):
        return "text"
    shown = f"{suffix} files" if suffix else (content_type or "this kind of file")
    raise ReadError(f"{shown} cannot be read: use .txt, .md, .html, .pdf or .docx")


def _looks_like_text(data: bytes) -> bool:
    """UTF-8 without NUL bytes at its start (a character cut at the boundary is fine)."""
    head = data[:4096]
    if b"\x00" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def read_bytes(data: bytes, name: str, content_type: str | None = None) -> ReadDocument:
    """Read a document of any supported kind; `name` is a file name or URL."""
    kind = detect_kind(name, data, content_type)
    if not data.strip():
        raise ReadError("the document is empty")
    try:
        title, raw_text = _READERS[kind](data)
    except ReadError:
        raise
    except Exception as exc:  # parsers raise anything on a broken file
        log.info("cannot read %s as %s: %r", name, kind, exc)
        raise ReadError(f"this does not look like a valid {kind.upper()} file") from exc
    text = normalise_text(raw_text)
    if not text:
        raise ReadError("no text found in the document"
                        + (" (a scanned PDF has only images)" if kind == "pdf" else ""))
    title = normalise_text(title).replace("\n", " ") or guess_title(text) or _name_of(name)
    return ReadDocument(title=title[:300], kind=kind, text=text, source=name)


def read_path(path: str | Path, max_bytes: int) -> ReadDocument:
    """Read a document from a file, refusing files larger than `max_bytes`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ReadError(f"the file is larger than {megabytes(max_bytes)}")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise ReadError("no such file") from None
    except IsADirectoryError:
        raise ReadError("this is a directory, not a file") from None
    except PermissionError:
        raise ReadError("permission denied") from None
    return read_bytes(data, path.name)


_DATE_LINE = re.compile(r"^\W*(\w{3,9}\.? \d{1,2},? \d{4}|\d{1,2}\.? \w{3,9}\.? \d{4}|"
                        r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})\W*$")


def guess_title(text: str) -> str:
    """A headline: the first line that stands alone, is not navigation nor a date, and does
    not end like a sentence; else the first line."""
    lines = text.split("\n")
    for index, line in enumerate(lines[:40]):
        line = line.strip(" #*")
        stands_alone = index + 1 == len(lines) or not lines[index + 1].strip()
        if (stands_alone and 2 < len(line) <= 200 and line[-1] not in ".,;"
                and not _BOILERPLATE_LINE.match(line) and not _DATE_LINE.match(line)):
            return line
    return first_line(text)


def _name_of(source: str) -> str:
    return PurePosixPath(source.split("?")[0].rstrip("/")).name or source


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252, which decodes anything."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_text(data: bytes) -> tuple[str, str]:
    return "", _decode(data)


def _read_markdown(data: bytes) -> tuple[str, str]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(_decode(data))
    blocks: list[tuple[str, bool]] = []  # (text, is a list item)
    title = ""
    list_kinds: list[str] = []
    item_prefix = ""
    in_heading = False
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_kinds.append(token.type)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_kinds.pop()
        elif token.type == "list_item_open":
            indent = "  " * (len(list_kinds) - 1)
            ordered = list_kinds and list_kinds[-1] == "ordered_list_open"
            item_prefix = indent + (f"{token.info}. " if ordered and token.info else "- ")
        elif token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline":
            text = _inline_text(token)
            if in_heading and not title:
                title = text
            blocks.append((item_prefix + text, bool(item_prefix or list_kinds)))
            item_prefix = ""
        elif token.type in ("fence", "code_block"):
            blocks.append((token.content.rstrip(), False))
    out: list[str] = []
    for i, (text, in_list) in enumerate(blocks):
        if i:
            out.append("\n" if in_list and blocks[i - 1][1] else "\n\n")
        out.append(text)
    return title, "".join(out)


def _inline_text(token: object) -> str:
    parts: list[str] = []
    for child in getattr(token, "children", None) or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def _read_html(data: bytes) -> tuple[str, str]:
    import trafilatura
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(data)
    title = _html_title(tree)
    # trafilatura prunes the tree it is given: it gets a copy, the fallback below the original.
    text = trafilatura.extract(copy.deepcopy(tree), include_comments=False, include_tables=True,
                               include_images=False, include_links=False,
                               prune_xpath=_BOILERPLATE_XPATH, deduplicate=False) or ""
    if not text.strip():
        # Pages too small for trafilatura's heuristics: the body's text without the pruned parts.
        for xpath in _BOILERPLATE_XPATH + ["//script", "//style", "//head"]:
            for element in tree.xpath(xpath):
                element.drop_tree()
        text = "\n".join(t.strip() for t in tree.itertext() if t.strip())
    lines = [line for line in text.splitlines() if not _BOILERPLATE_LINE.match(line.strip())]
    return title, "\n".join(lines)


def _html_title(tree: Any) -> str:
    """The page's headline: og:title, else the first <h1>, else <title> less the site name."""
    xpath = tree.xpath
    for candidate in xpath("//meta[@property='og:title']/@content") + [
            " ".join(h.text_content().split()) for h in xpath("//h1")[:1]]:
        if candidate.strip():
            return str(candidate).strip()
    title = " ".join(" ".join(xpath("//title//text()")).split())
    return re.split(r"\s+[|–—-]\s+", title)[0] if title else ""


def _read_pdf(data: bytes) -> tuple[str, str]:
    import pypdfium2 as pdfium

    # PDFium is not thread-safe, and a web server may read two uploads at once.
    with _PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise ReadError("the PDF is protected by a password") from None
            raise
        try:
            pages = []
            for page in pdf:
                text_page = page.get_textpage()
                pages.append(text_page.get_text_bounded())
                text_page.close()
                page.close()
            title = pdf.get_metadata_dict().get("Title", "")
        finally:
            pdf.close()
    # A sentence that runs on to the next page stays one paragraph.
    text = ""
    for page in (p.strip() for p in pages):
        if text and page:
            text += "\n\n" if text[-1] in ".!?:" else "\n"
        text += page
    return title, unwrap_lines(text.replace("\r\n", "\n").replace("\r", "\n"))


def _read_docx(data: bytes) -> tuple[str, str]:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    blocks: list[tuple[str, bool]] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
                if cells:
                    blocks.append((" | ".join(dict.fromkeys(cells)), True))
            continue
        text = item.text.strip()
        if not text:
            continue
        # The style's id from the paragraph itself: resolving `item.style` scans every style
        # for each paragraph, which takes seconds in a long document.
        properties = item._p.pPr
        style_id = (properties.style or "") if properties is not None else ""
        numbered = properties is not None and properties.numPr is not None
        is_item = style_id.startswith("List") or numbered
        blocks.append((f"- {text}" if is_item and not text.startswith(("-", "•")) else text,
                       is_item))
    out: list[str] = []
    for i, (text, tight) in enumerate(blocks):
        if i:
            out.append("\n" if tight and blocks[i - 1][1] else "\n\n")
        out.append(text)
    title = document.core_properties.title or ""
    return title, "".join(out)


_READERS: dict[str, Callable[[bytes], tuple[str, str]]] = {
    "text": _read_text, "markdown": _read_markdown, "html": _read_html,
    "pdf": _read_pdf, "docx": _read_docx,
}
