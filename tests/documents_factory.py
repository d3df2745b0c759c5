"""Documents made by the tests: the same statement as text, Markdown, HTML, PDF and DOCX,
and a real HTTP server that serves them."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TITLE = "Joint statement on forced labour"
PARAGRAPHS = [
    "Forty organisations are deeply concerned by new evidence of forced labour in the region.",
    "We call on the Council to adopt targeted sanctions.",
    "The coalition urges the Commission to ban imports made with forced labour.",
]
SIGNATORIES = ["Anti-Slavery Action", "Uyghur Rights Network", "Workers Watch"]
CALL_SENTENCES = PARAGRAPHS[1:]


def statement_text(variant: str = "") -> str:
    """The statement as plain text; a `variant` makes a different document."""
    body = "\n\n".join([TITLE, *PARAGRAPHS, variant]).strip()
    return body + "\n\nSignatories:\n" + "\n".join(f"- {name}" for name in SIGNATORIES) + "\n"


def statement_markdown() -> str:
    return (f"# {TITLE}\n\n{PARAGRAPHS[0]}\n\n*{PARAGRAPHS[1][:-1]}*.\n\n"
            f"{PARAGRAPHS[2]}\n\n## Signatories:\n\n"
            + "\n".join(f"- {name}" for name in SIGNATORIES) + "\n")


# Navigation, a skip link, share buttons, "Back To Top" and a footer around the statement: none
# of it may reach the stored text. Long enough paragraphs for a main-text extractor to work on.
BOILERPLATE = ["Skip to content", "Log in", "Back To Top", "Share this", "Donate now",
               "All rights reserved", "Privacy policy", "About us"]


def statement_html(extra: str = "") -> str:
    """The statement as a web page; `extra` adds a paragraph, making another document."""
    context = ("The evidence gathered by researchers and journalists over several years shows "
               "that factories in the region rely on transfers of workers who cannot refuse, "
               "and that their products reach European shops through long supply chains.")
    texts = [PARAGRAPHS[0], context, *PARAGRAPHS[1:], extra]
    paragraphs = "\n".join(f"<p>{p}</p>" for p in texts if p)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{TITLE} | Example Coalition</title></head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><nav class="main-menu"><ul>
  <li><a href="/">Home</a></li><li><a href="/about">About us</a></li>
  <li><a href="/donate">Donate now</a></li><li><a href="/login">Log in</a></li></ul></nav></header>
<main id="main"><article>
<h1>{TITLE}</h1>
<p class="date">12&nbsp;March&nbsp;2025</p>
{paragraphs}
<h2>Signatories:</h2>
<ul>{''.join(f'<li>{name}</li>' for name in SIGNATORIES)}</ul>
<div class="share-buttons">Share this <a href="#">Facebook</a> <a href="#">X</a></div>
<p><a href="#top">Back To Top</a></p>
</article></main>
<footer class="site-footer"><p>© 2025 Example Coalition. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a></p></footer>
</body></html>"""


def statement_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(TITLE)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in [TITLE, "", *PARAGRAPHS, "", "Signatories:", *(f"- {n}" for n in SIGNATORIES)]:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def statement_docx() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = TITLE
    document.add_heading(TITLE, level=1)
    for paragraph in PARAGRAPHS:
        document.add_paragraph(paragraph)
    document.add_paragraph("Signatories:")
    for name in SIGNATORIES:
        document.add_paragraph(name, style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_all(folder: Path) -> dict[str, Path]:
    """The statement in every format, as files in `folder`, by kind."""
    files = {
        "text": ("statement.txt", statement_text().encode()),
        "markdown": ("statement.md", statement_markdown().encode()),
        "html": ("statement.html", statement_html().encode()),
        "pdf": ("statement.pdf", statement_pdf()),
        "docx": ("statement.docx", statement_docx()),
    }
    paths = {}
    for kind, (name, data) in files.items():
        path = folder / name
        path.write_bytes(data)
        paths[kind] = path
    return paths


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        if self.path == "/slow":
            time.sleep(1)
        status, headers, body = self.routes.get(self.path, (404, {}, b"not here"))
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on purpose: a size limit or a timeout under test

    def log_message(self, *args: object) -> None:
        """Keep the test output quiet."""


@contextmanager
def document_server(routes: dict[str, tuple[int, dict[str, str], bytes]]) -> Iterator[str]:
    """Serve `routes` (path: status, headers, body) on 127.0.0.1; yields the base URL."""
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
