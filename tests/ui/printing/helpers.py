"""Finding demo cases and reading PDFs for the printing UI tests."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf

from app.models.casefile import CaseFile, load_case
from app.models.db import Database

# The first closed case of the demo: a written agreement between two parties, with a
# session, an investigation, a follow-up visit (and so every kind of document).
AGREEMENT_CASE = "（2026）青山调字第16号"
TERMINATED_CASE = "（2026）青山调字第17号"
ORAL_CASE = "（2026）青山调字第20号"
MEDIATING_CASE = "（2026）青山调字第8号"


def case_id(db: Database, number: str) -> str:
    found = db.scalar("SELECT id FROM cases WHERE number = ?", (number,))
    assert found, number
    return str(found)


def case(db: Database, number: str) -> CaseFile:
    return load_case(db, case_id(db, number))


def reader(pdf: bytes | Path) -> pypdf.PdfReader:
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    return pypdf.PdfReader(io.BytesIO(data))


def page_count(pdf: bytes | Path) -> int:
    return len(reader(pdf).pages)


def page_texts(pdf: bytes | Path) -> list[str]:
    return [page.extract_text() or "" for page in reader(pdf).pages]
