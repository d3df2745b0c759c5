"""Reading documents: every format to one normalised text, and fetching URLs safely."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.ingest.fetch import FetchError, fetch, is_url
from campaign.ingest.readers import ReadError, detect_kind, read_bytes, read_path
from campaign.ingest.text import normalise_text
from tests.documents_factory import (BOILERPLATE, CALL_SENTENCES, SIGNATORIES, TITLE,
                                     document_server, statement_html, write_all)

pytestmark = pytest.mark.backend_independent


@pytest.mark.parametrize("kind", ["text", "markdown", "html", "pdf", "docx"])
def test_every_format_reads_to_the_statement(tmp_path: Path, kind: str) -> None:
    document = read_path(write_all(tmp_path)[kind], max_bytes=10_000_000)
    assert document.kind == kind
    assert document.title == TITLE
    for sentence in CALL_SENTENCES:
        assert sentence in document.text
    for name in SIGNATORIES:
        assert name in document.text
    assert "\u00a0" not in document.text and "  " not in document.text


def test_html_keeps_the_main_text_only(tmp_path: Path) -> None:
    text = read_bytes(statement_html().encode(), "statement.html").text
    for phrase in BOILERPLATE:
        assert phrase.lower() not in text.lower(), phrase
    assert "12 March 2025" in text  # non-breaking spaces became plain ones


def test_the_same_statement_in_two_formats_has_one_hash(tmp_path: Path) -> None:
    files = write_all(tmp_path)
    markdown = read_path(files["markdown"], 10_000_000)
    word = read_path(files["docx"], 10_000_000)
    assert markdown.content_hash == word.content_hash


def test_normalise_text_keeps_words_and_drops_invisible_characters() -> None:
    raw = "We\u00a0call on\tthe\u202fCouncil\u200b to act.\r\n\r\n\r\n\u00adNext  line \u2028end"
    assert normalise_text(raw) == "We call on the Council to act.\n\nNext line\nend"


def test_kind_is_detected_from_type_name_or_content() -> None:
    assert detect_kind("x", b"%PDF-1.7 ...") == "pdf"
    assert detect_kind("page", b"<!DOCTYPE html><html>") == "html"
    assert detect_kind("https://example.org/s", b"...", "text/html; charset=utf-8") == "html"
    assert detect_kind("notes.md", b"# Title") == "markdown"
    assert detect_kind("README", b"plain words") == "text"
    with pytest.raises(ReadError, match="cannot be read"):
        detect_kind("sheet.xlsx", b"PK\x03\x04 not a word file \xff\xfe")
    with pytest.raises(ReadError, match=r"\.xlsx files cannot be read"):
        detect_kind("sheet.xlsx", b"plain words in a file of the wrong kind")
    with pytest.raises(ReadError, match="cannot be read"):
        detect_kind("blob", b"\x00\x01\x02 binary")
    assert detect_kind("https://example.org/page.php", b"words", "text/plain") == "text"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "valid PDF"),
    ("broken.docx", b"PK\x03\x04 nothing", "valid DOCX"),
    ("empty.txt", b"   \n", "empty"),
])
def test_broken_documents_get_a_reason(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        read_bytes(data, name)


def test_missing_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no such file"):
        read_path(tmp_path / "missing.txt", 1000)
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    with pytest.raises(ReadError, match="larger than"):
        read_path(big, 1000)


def test_is_url() -> None:
    assert is_url("https://example.org/a.pdf")
    assert is_url("file:///etc/passwd")
    assert not is_url("statement.txt")
    assert not is_url("C:\\docs\\statement.txt")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.txt",
                                 "gopher://example.org/", "javascript:alert(1)"])
def test_only_http_and_https_are_fetched(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        fetch(url, timeout=2, max_bytes=1000, allow_private=True)


def test_fetch_follows_redirects_but_refuses_other_schemes_and_big_bodies() -> None:
    routes = {
        "/statement": (200, {"Content-Type": "text/html; charset=utf-8"},
                       statement_html().encode()),
        "/moved": (302, {"Location": "/statement"}, b""),
        "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
        "/big": (200, {"Content-Type": "text/plain"}, b"x" * 5000),
        "/slow": (200, {"Content-Type": "text/plain"}, b"late"),
    }
    with document_server(routes) as base:
        fetched = fetch(f"{base}/moved", timeout=5, max_bytes=100_000, allow_private=True)
        assert fetched.url == f"{base}/statement"
        assert read_bytes(fetched.data, fetched.url, fetched.content_type).title == TITLE
        with pytest.raises(FetchError, match="only http and https"):
            fetch(f"{base}/to-file", timeout=5, max_bytes=100_000, allow_private=True)
        with pytest.raises(FetchError, match="larger than"):
            fetch(f"{base}/big", timeout=5, max_bytes=1000, allow_private=True)
        with pytest.raises(FetchError, match="404"):
            fetch(f"{base}/nothing", timeout=5, max_bytes=1000, allow_private=True)
        with pytest.raises(FetchError, match="seconds"):
            fetch(f"{base}/slow", timeout=0.5, max_bytes=1000, allow_private=True)
        # Addresses typed into the admin may not reach the server's own network.
        with pytest.raises(FetchError, match="private network"):
            fetch(f"{base}/statement", timeout=5, max_bytes=100_000, allow_private=False)


def test_pdfs_without_readable_text_get_a_reason() -> None:
    from fpdf import FPDF

    locked = FPDF()
    locked.set_encryption(owner_password="owner", user_password="secret")
    locked.add_page()
    locked.set_font("Helvetica", size=11)
    locked.cell(0, 10, "We call on the Council to act.")
    with pytest.raises(ReadError, match="password"):
        read_bytes(bytes(locked.output()), "locked.pdf")

    scanned = FPDF()
    scanned.add_page()
    scanned.rect(10, 10, 100, 50, style="F")  # a page of picture, no text
    with pytest.raises(ReadError, match="no text found"):
        read_bytes(bytes(scanned.output()), "scan.pdf")


def test_pdf_lines_are_joined_inside_sentences_only() -> None:
    from campaign.ingest.text import unwrap_lines

    text = ("Title of the report\n\n"
            "The first line of a long paragraph that runs on to the\n"
            "Council and further. A short line.\n"
            "We call on the Council:\n- to act;\n- to listen.")
    assert unwrap_lines(text) == (
        "Title of the report\n\n"
        "The first line of a long paragraph that runs on to the Council and further. "
        "A short line.\nWe call on the Council:\n- to act;\n- to listen.")


def test_markdown_drops_markup_and_keeps_list_items() -> None:
    source = ("# Call\n\nWe <b>urge</b> the [Council](https://example.org) to:\n\n"
              "1. adopt **sanctions**;\n2. act `now`.\n\n> A quote.\n")
    assert read_bytes(source.encode(), "call.md").text == (
        "Call\n\nWe urge the Council to:\n\n1. adopt sanctions;\n2. act now.\n\nA quote.")


def test_plain_text_title_skips_navigation_and_dates() -> None:
    text = ("Skip to main content\nExample NGO\nLog in\n\nDec 08, 2019\n\n"
            "Coalition welcomes the vote\n\nToday the parliament voted.\n")
    assert read_bytes(text.encode(), "page.txt").title == "Coalition welcomes the vote"
    assert read_bytes(b"Only one sentence here.", "one.txt").title == "Only one sentence here."
