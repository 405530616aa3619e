"""Shared fixtures for the printing tests: a demo database with real closed cases."""

from __future__ import annotations

from datetime import date

import pytest

from app.models import casefile
from app.models.casefile import CaseFile
from tests.helpers import fill_demo, new_database

DEMO_TODAY = date(2026, 11, 20)


@pytest.fixture(scope="session")
def demo_cases(tmp_path_factory: pytest.TempPathFactory) -> list[CaseFile]:
    """Every case of the demo data (40 cases in every state), loaded as CaseFile."""
    d = new_database(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    try:
        fill_demo(d, today=DEMO_TODAY)  # the process's demo template, as demo_db's
        ids = [r["id"] for r in d.query("SELECT id FROM cases ORDER BY seq")]
        return [casefile.load_case(d, i) for i in ids]
    finally:
        d.close()


@pytest.fixture(scope="session")
def written_agreements(demo_cases: list[CaseFile]) -> list[CaseFile]:
    found = [c for c in demo_cases if c.outcome == "agreement_written" and c.agreement]
    assert len(found) >= 5
    return found
