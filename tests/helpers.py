"""Helpers shared by the model and the UI tests."""

from __future__ import annotations

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
