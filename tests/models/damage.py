"""Real damage to real database files, for the tests of docs/storage-safety.md.

A damaged file is made as a failing disk makes one: a whole page in the middle of a real
database, written by the program through its services, is overwritten with garbage after
the program closed it (its -wal checkpointed into the file).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from app.models import db as dbmod
from app.models.db import Database
from tests.models.helpers import register

GARBAGE = bytes(range(256)) * 16  # 4096 bytes that no page of SQLite looks like


def build_office_file(path: Path, *, cases: int = 60) -> list[str]:
    """A real database at ``path`` with the test office and ``cases`` registered cases,
    closed (so everything is in the main file). Returns the case ids, oldest first."""
    from app.models import office

    db = dbmod.connect(path)
    try:
        office.setup_office(
            db,
            committee_name="青山镇人民调解委员会",
            abbr="青山",
            town_name="青山镇",
            villages=["红旗村", "桃园村", "河东社区"],
            user_name="李主任",
            password="qingshan26",
        )
        ids = [
            register(db, applicant=f"张{i}", respondent=f"李{i}", facts="排水沟纠纷。" * 30)
            for i in range(cases)
        ]
    finally:
        db.close()
    return ids


def table_pages(path: Path, table: str) -> list[int]:
    """The page numbers of ``table``'s B-tree (dbstat), in order."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [
            int(r[0])
            for r in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", (table,)
            )
        ]
    finally:
        conn.close()


def page_size(path: Path) -> int:
    with path.open("rb") as f:
        header = f.read(18)
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def damage_page(path: Path, page: int) -> None:
    """Overwrite page number ``page`` (1-based) of the closed database file at ``path``."""
    size = page_size(path)
    with path.open("r+b") as f:
        f.seek((page - 1) * size)
        f.write((GARBAGE * (size // len(GARBAGE) + 1))[:size])


def damage_middle_of(path: Path, table: str = "cases") -> int:
    """Damage the page in the middle of ``table``'s B-tree; returns its number."""
    pages = table_pages(path, table)
    assert len(pages) >= 3, f"{table} has only {len(pages)} pages"
    page = pages[len(pages) // 2]
    damage_page(path, page)
    return page


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def companions(path: Path) -> list[str]:
    """The -wal/-shm/-journal files beside ``path`` (none: nothing was opened for writing)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


def foreign_database(path: Path, *, tables: dict[str, str] | None = None) -> None:
    """Another program's SQLite file (rollback journal, its own tables), or with
    ``tables={}`` an SQLite file without any table."""
    conn = sqlite3.connect(path)
    try:
        for name, columns in (
            tables if tables is not None else {"photos": "id, file", "albums": "id, title"}
        ).items():
            conn.execute(f"CREATE TABLE {name} ({columns})")
        conn.execute("PRAGMA user_version = 3")
        conn.commit()
        conn.execute("VACUUM")  # a file with a header even when there is no table
    finally:
        conn.close()


def open_case_count(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM cases"))
