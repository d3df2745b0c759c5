"""CSV reading shared by the formats: rows numbered as a spreadsheet shows them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from campaign.legislators.records import ImportRefused, RowProblem

Rows = Iterator[tuple[int, dict[str, str]]]


def read_rows(path: Path, required: tuple[str, ...]) -> tuple[list[str], Rows]:
    """The header and (row number, row) pairs; the header is row 1, as in a spreadsheet."""
    text = path.read_text(encoding="utf-8-sig")
    if "\x00" in text:
        # NUL bytes mean a binary or mis-encoded file; no database stores them in text.
        raise ImportRefused([RowProblem(f"{path.name} line {number}", "contains a NUL byte")
                             for number, line in enumerate(text.split("\n"), start=1)
                             if "\x00" in line])
    handle = io.StringIO(text, newline="")
    reader = csv.DictReader(handle)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        handle.close()
        raise ImportRefused([RowProblem(f"{path.name} row 1",
                                        "missing column(s): " + ", ".join(missing))])
    reader.fieldnames = header

    def rows() -> Rows:
        with handle:
            # A data row's number is the line it starts on (quoted cells may span lines).
            start = reader.line_num + 1
            for row in reader:
                yield start, {k: (v or "") for k, v in row.items() if k is not None}
                start = reader.line_num + 1

    return header, rows()
