"""Time to read and store a 1 MB document in each format (and, apart, to extract its calls).

Run with `make bench-ingest`. It builds the documents itself and stores them in a scratch
SQLite database (or the one in CAMPAIGN_BENCH_DATABASE_URL), and prints one line per format.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete

TARGET_BYTES = 1_000_000
LIMIT_SECONDS = 2.0

PARAGRAPH = ("Forty organisations are deeply concerned by new evidence of forced labour in the "
             "region. We call on the Council to adopt targeted sanctions. The coalition urges the "
             "Commission to ban imports made with forced labour, and to protect the families of "
             "those who speak out. Researchers documented transfers of workers in {n} factories.")


def paragraphs() -> list[str]:
    """Distinct paragraphs adding up to about 1 MB of text."""
    out: list[str] = []
    size = 0
    n = 0
    while size < TARGET_BYTES:
        paragraph = PARAGRAPH.format(n=n)
        out.append(paragraph)
        size += len(paragraph) + 2
        n += 1
    return out


def make_files(folder: Path) -> dict[str, Path]:
    import docx
    from fpdf import FPDF

    texts = paragraphs()
    files = {
        "statement.txt": "\n\n".join(texts).encode(),
        "statement.md": ("# Statement\n\n" + "\n\n".join(f"*{t}*" for t in texts)).encode(),
        "statement.html": ("<!doctype html><html><head><title>Statement</title></head><body>"
                           "<nav><a href='/'>Home</a> <a href='/login'>Log in</a></nav><main>"
                           "<article><h1>Statement</h1>"
                           + "".join(f"<p>{t}</p>" for t in texts)
                           + "</article></main><footer>All rights reserved</footer></body></html>"
                           ).encode(),
    }
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    for text in texts:
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    files["statement.pdf"] = bytes(pdf.output())
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    files["statement.docx"] = out.getvalue()
    paths = {}
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def main() -> int:
    from campaign import create_app
    from campaign.db import Base
    from campaign.extensions import db
    from campaign.ingest.extract import extract_calls
    from campaign.ingest.readers import read_bytes, read_path
    from campaign.models import Call, Campaign, Document
    from campaign.services import documents

    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    url = os.environ.get("CAMPAIGN_BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder / "instance"),
                      "SECRET_KEY": "benchmark"})
    print(f"building 1 MB documents in {folder} ...", flush=True)
    files = make_files(folder)
    slow = False
    # Other work on the machine stretches wall time; then this process's CPU time is the
    # fairer measure of what reading and storing costs.
    busy = os.getloadavg()[0] > (os.cpu_count() or 1)
    print(f"{'file':16} {'file size':>10} {'text':>10} {'read':>7} {'store':>7} "
          f"{'read+store':>10} {'cpu':>6} {'extract*':>9} {'calls':>6}")
    with app.app_context():
        Base.metadata.create_all(db.engine)
        campaign = Campaign(slug="bench-ingest", name="Benchmark")
        db.session.add(campaign)
        db.session.commit()
        # A running server has its parsers loaded: import them before the clock starts.
        import pypdfium2  # noqa: F401

        read_bytes(b"<html><body><p>Warm up.</p></body></html>", "warm-up.html")
        read_bytes(b"# Warm up", "warm-up.md")
        for name, path in files.items():
            cpu_started = time.process_time()
            started = time.perf_counter()
            read = read_path(path, max_bytes=50_000_000)
            read_done = time.perf_counter()
            document, _ = documents.store_document(db.session, campaign, read)
            db.session.commit()
            stored = time.perf_counter()
            cpu = time.process_time() - cpu_started
            calls = extract_calls(document.text)
            extracted = time.perf_counter()
            read_store = stored - started
            slow |= (cpu if busy else read_store) > LIMIT_SECONDS
            print(f"{name:16} {path.stat().st_size / 1e6:9.2f}M {len(read.text) / 1e6:9.2f}M "
                  f"{read_done - started:6.2f}s {stored - read_done:6.2f}s {read_store:9.2f}s "
                  f"{cpu:5.2f}s "
                  f"{extracted - stored:8.2f}s {len(calls):6d}", flush=True)
        db.session.execute(delete(Call))
        db.session.execute(delete(Document))
        db.session.commit()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cores: on a busy machine wall time "
          f"exceeds CPU time (the cpu column: this process's own time to read and store).")
    judged = "cpu" if busy else "read+store (wall)"
    print("* extraction is timed apart (the extractor's own benchmark is the extract branch's).")
    print(f"limit {LIMIT_SECONDS:g} s for read+store, judged on {judged}: "
          f"{'EXCEEDED' if slow else 'met by every format'}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
