"""Ingesting documents from the command line: every format, URLs, failures, duplicates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.models import Call, CallState, Campaign, Document
from tests.documents_factory import (CALL_SENTENCES, SIGNATORIES, document_server,
                                     statement_html, statement_text, write_all)


def _documents(app: Flask) -> list[Document]:
    with app.app_context():
        return list(db.session.scalars(select(Document).order_by(Document.id)))


def test_cli_ingests_every_format_and_a_url_and_reports_each_input(
        app: Flask, runner: Any, tmp_path: Path) -> None:
    files = write_all(tmp_path)
    page = statement_html("A further paragraph makes this page another document.").encode()
    routes = {"/statements/forced-labour": (200, {"Content-Type": "text/html"}, page)}
    with document_server(routes) as base:
        url = f"{base}/statements/forced-labour"
        sources = [str(files[k]) for k in ("text", "markdown", "html", "pdf", "docx")]
        result = runner.invoke(args=["ingest", *sources, str(tmp_path / "missing.txt"),
                                     "ftp://example.org/statement.txt", url,
                                     "--campaign", "forced-labour"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "campaign forced-labour created"
    outcomes = dict(line.split(": ", 1) for line in lines[1:])
    for kind in ("text", "markdown", "html", "pdf"):
        assert outcomes[str(files[kind])].startswith("stored as document"), outcomes
    # The Word file holds the very text of the Markdown one: recognised, not stored twice.
    assert outcomes[str(files["docx"])].startswith("already known as document")
    assert outcomes[str(tmp_path / "missing.txt")] == "failed: no such file"
    assert outcomes["ftp://example.org/statement.txt"].startswith("failed: only http and https")
    assert outcomes[url].startswith("stored as document")

    stored = _documents(app)
    assert [d.kind.value for d in stored] == ["text", "markdown", "html", "pdf", "html"]
    assert stored[-1].source_url == url and stored[-1].source_name == "forced-labour"
    with app.app_context():
        for document in db.session.scalars(select(Document)):
            sentences = {call.sentence for call in document.calls}
            assert set(CALL_SENTENCES) <= sentences, document.kind
            for call in document.calls:
                assert document.text[call.start:call.end] == call.sentence
                assert call.state is CallState.PROPOSED
            assert document.detected_signatories == SIGNATORIES
        assert db.session.scalar(select(Campaign.slug)) == "forced-labour"


def test_the_same_document_twice_is_recognised(app: Flask, runner: Any, tmp_path: Path,
                                              organizer: dict) -> None:
    path = tmp_path / "statement.txt"
    path.write_text(statement_text())
    # The same text with other whitespace and line endings is the same document.
    copy = tmp_path / "copy.txt"
    copy.write_bytes(statement_text().replace("\n", "\r\n").replace(" the ", " the\u00a0")
                     .encode())
    first = runner.invoke(args=["ingest", str(path), "--campaign", "test-campaign"])
    with app.app_context():
        calls = db.session.scalar(select(func.count(Call.id)))
    again = runner.invoke(args=["ingest", str(path), str(copy), "--campaign", "test-campaign"])
    assert first.exit_code == 0 and again.exit_code == 0, again.output
    assert "stored as document" in first.output
    assert again.output.count("already known as document") == 2
    with app.app_context():
        assert db.session.scalar(select(func.count(Document.id))) == 1
        assert db.session.scalar(select(func.count(Call.id))) == calls >= 2


def test_cli_fails_only_when_every_input_fails(runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(args=["ingest", str(tmp_path / "nope.pdf"), "file:///etc/passwd"])
    assert result.exit_code == 1
    assert result.output.count(": failed: ") == 2


@pytest.mark.backend_independent
def test_extract_prints_json_lines_without_a_database(tmp_path: Path) -> None:
    files = write_all(tmp_path)
    # A URL no engine can be made of: building the app at all would fail.
    env = {**os.environ, "CAMPAIGN_DATABASE_URL": "nonsense://nowhere", "PYTHONWARNINGS": "error"}
    campaign = Path(sys.executable).parent / "campaign"
    command = [str(campaign), "extract", str(files["pdf"]), str(files["html"]), "--json"]
    result = subprocess.run(command, capture_output=True, text=True, env=env,  # noqa: S603
                            timeout=120, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["doc"] for r in records} == {"statement.pdf", "statement.html"}
    for record in records:
        assert list(record) == ["doc", "sentence", "actor", "target", "demand", "start", "end"]
        assert isinstance(record["start"], int) and record["end"] > record["start"]
    for name in ("statement.pdf", "statement.html"):
        assert set(CALL_SENTENCES) <= {r["sentence"] for r in records if r["doc"] == name}
    texts = {p.name: p for p in files.values()}
    from campaign.ingest.readers import read_path
    for record in records:
        text = read_path(texts[record["doc"]], 10_000_000).text
        assert text[record["start"]:record["end"]] == record["sentence"]


@pytest.mark.backend_independent
def test_extract_reports_unreadable_files(runner: Any, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("We call on the Council to adopt sanctions.")
    result = runner.invoke(args=["extract", str(good), str(tmp_path / "gone.txt"), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[0])["demand"] == "adopt sanctions"
    assert "gone.txt: failed: no such file" in result.output


def test_the_seed_statements_are_ingested(app: Flask, runner: Any) -> None:
    from tests.conftest import SHARED

    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("../shared/seeds is not here")
    result = runner.invoke(args=["ingest", *map(str, seeds), "--campaign", "uyghur"])
    assert result.exit_code == 0, result.output
    assert result.output.count("stored as document") == len(seeds)
    with app.app_context():
        for document in db.session.scalars(select(Document)):
            seed = next(p for p in seeds if p.name == document.source_name)
            # Normalising whitespace keeps every word of the statement.
            assert document.text.split() == seed.read_text(encoding="utf-8").split()
