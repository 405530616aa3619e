"""Helpers shared by the model and the UI tests."""

from __future__ import annotations

from app.models import accounts, office
from app.models.accounts import Actor
from app.models.db import Database


def snapshot(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (the search index aside): equal before and after means a
    refused or cancelled step wrote nothing."""
    tables = [
        r[0]
        for r in db.query(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'case_search%'"
        )
    ]
    return {t: [tuple(r) for r in db.query(f"SELECT * FROM {t}")] for t in tables}


PASSWORD = "qingshan26"  # the 主任 of every test office (tests/conftest.py)


def log_in(db: Database, user_id: str | None = None, password: str = PASSWORD) -> Actor:
    """Log in as the program does (the real password check) and make that user the one the
    windows act for; the office's 主任 unless ``user_id`` says otherwise."""
    from app.ui import session

    actor = accounts.login(db, user_id or office.current_user(db).id, password)
    session.sign_in(db, actor)
    return actor


def director(db: Database) -> Actor:
    """The office's 主任 (who set it up), as the services see them: for the steps a test
    makes before or beside what it checks (the UI's own calls use the logged-in user)."""
    return accounts.acting_as(db, office.current_user(db).id)
