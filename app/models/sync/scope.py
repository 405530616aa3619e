"""Which cases a field laptop carries: those of its committees and villages (or all).

The registries, content, clause templates and travelling settings always go in full: they are
small and the laptop prints the village's 七个一 kit from them. Cases outside the scope stay
in the office: a lost laptop loses only the villages it was taken to.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from app.models.sync.merge import Change
from app.models.sync.tables import CASE_CHILD_TABLES


@dataclass(frozen=True)
class Scope:
    committees: tuple[str, ...] | None = None  # None: all
    villages: tuple[str, ...] | None = None  # None: all

    @property
    def everything(self) -> bool:
        return self.committees is None and self.villages is None

    def to_json(self) -> str:
        return json.dumps(
            {"committees": self.committees, "villages": self.villages}, ensure_ascii=False
        )

    @classmethod
    def from_json(cls, text: str | None) -> Scope:
        if not text:
            return cls()
        raw = json.loads(text)
        committees = raw.get("committees")
        villages = raw.get("villages")
        return cls(
            tuple(committees) if committees is not None else None,
            tuple(villages) if villages is not None else None,
        )

    def where(self) -> tuple[str, list[str]]:
        """SQL condition on ``cases`` (alias-free) and its parameters."""
        clauses: list[str] = []
        params: list[str] = []
        if self.committees is not None:
            clauses.append(f"committee_id IN ({','.join('?' * len(self.committees))})")
            params.extend(self.committees)
        if self.villages is not None:
            clauses.append(f"village_id IN ({','.join('?' * len(self.villages))})")
            params.extend(self.villages)
        return (" AND ".join(clauses) or "1"), params


def cases_in_scope(conn: sqlite3.Connection, scope: Scope, device: str | None) -> set[str]:
    """The scope's cases, and every case the laptop made itself wherever it is."""
    where, params = scope.where()
    found = {str(r[0]) for r in conn.execute(f"SELECT id FROM cases WHERE {where}", params)}
    if device:
        found.update(
            str(r[0])
            for r in conn.execute(
                "SELECT row_id FROM sync_log WHERE device = ? AND tbl = 'cases' AND op = 'i'",
                (device,),
            )
        )
    return found


def scope_filter(
    conn: sqlite3.Connection, scope: Scope, device: str | None
) -> Callable[[Change], bool]:
    """A test of whether a change belongs in the laptop's files."""
    if scope.everything:
        return lambda change: True
    in_scope = cases_in_scope(conn, scope, device)
    rows: dict[str, set[str]] = {}
    for table in CASE_CHILD_TABLES:
        rows[table] = _rows_of_cases(conn, table, in_scope)
    rows["parties"] = {
        str(r[0])
        for r in conn.execute("SELECT party_id, case_id FROM case_parties")
        if str(r[1]) in in_scope
    }
    rows["cases"] = in_scope

    def keep(change: Change) -> bool:
        wanted = rows.get(change.tbl)
        return wanted is None or change.row_id in wanted

    return keep


def _rows_of_cases(conn: sqlite3.Connection, table: str, cases: set[str]) -> set[str]:
    """Rows of ``table`` that belong to these cases, including rows deleted since."""
    found = {
        str(r[0]) for r in conn.execute(f"SELECT id, case_id FROM {table}") if str(r[1]) in cases
    }
    for row_id, case_id in conn.execute(
        "SELECT row_id, json_extract(data, '$.case_id') FROM sync_log WHERE tbl = ? AND op = 'i'",
        (table,),
    ):
        if case_id is not None and str(case_id) in cases:
            found.add(str(row_id))
    return found
