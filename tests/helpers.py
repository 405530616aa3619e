"""Helpers shared by the model and the UI tests."""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from app.models import accounts, office
from app.models.accounts import Actor
from app.models.db import Database
from app.models.registries import RegistryKind


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


def file_of(db: Database) -> Path:
    """The database's file (a test's database is always a file, never in memory), e.g. to
    open a second connection to it as another window or program would."""
    assert db.path is not None
    return db.path


def director(db: Database) -> Actor:
    """The office's 主任 (who set it up), as the services see them: for the steps a test
    makes before or beside what it checks (the UI's own calls use the logged-in user)."""
    return accounts.acting_as(db, office.current_user(db).id)


def edit_details(db: Database, case_id: str, *, by: Actor, **changes: Any) -> bool:
    """Change some of a case's 案情 as the 案情 tab does: read, change, save (the fields not
    named stay as stored)."""
    from dataclasses import replace

    from app.models import cases
    from app.models.casefile import load_case

    case = load_case(db, case_id)
    wanted = replace(case.details, **changes)
    return cases.update_case_details(
        db, case_id, wanted, loaded=case.details, stamp=case.stamp, by=by
    )


def edit_party(db: Database, case_id: str, link_id: str, party: object, *, by: Actor) -> str:
    """Change a party as 修改当事人 does: ``party`` (a PartyInput) is what the form holds
    when saved, compared with the party as stored."""
    from app.models import cases
    from app.models.parties import PartyInput, case_parties, to_input

    assert isinstance(party, PartyInput)
    old = next(p for p in case_parties(db.conn, case_id) if p.link_id == link_id)
    return cases.save_party(
        db, case_id, party, by=by, link_id=link_id, loaded=to_input(old), stamp=old.stamp
    )


def save_draft(
    db: Database, case_id: str, draft: object, *, by: Actor, today: object = None
) -> bool:
    """保存协议草稿 with all of ``draft`` over the draft as stored now (read right before)."""
    from datetime import date

    from app.models import cases, rows
    from app.models.casefile import load_case

    assert isinstance(draft, cases.AgreementInput)
    assert today is None or isinstance(today, date)
    stored = load_case(db, case_id).draft
    stamp = rows.ABSENT if stored is None else stored.stamp
    return cases.save_agreement_draft(
        db, case_id, draft, by=by, loaded=None, stamp=stamp, today=today
    )


def edit_entry(
    registry: RegistryKind[Any],
    db: Database,
    row_id: str,
    /,
    *,
    by: Actor,
    **values: object,
) -> None:
    """A registry row changed as its 修改 form does: read now, the given fields changed, the
    others as read, and the row's edit stamp given back."""
    entry = registry.get(db, row_id)
    loaded = {f.name: getattr(entry, f.name) for f in registry.editable}
    registry.edit(db, row_id, by=by, loaded=loaded, stamp=entry.stamp, **{**loaded, **values})


# Template files, made once per test process in a folder removed when it ends: building a
# database runs every migration (about 70 ms of CPU), filling the demo office about two
# seconds; copying either takes a few milliseconds.
_templates: dict[object, Path] = {}


def _template(key: object, build: Callable[[Database], None]) -> Path:
    """The template file ``key`` names: a new database that ``build`` filled, made on the
    process's first call."""
    from app.models import db as dbmod

    template = _templates.get(key)
    if template is None:
        if not _templates:
            folder = Path(tempfile.mkdtemp(prefix="mediation-desk-templates-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
        else:
            folder = next(iter(_templates.values())).parent
        template = folder / f"template-{len(_templates)}.sqlite3"
        made = dbmod.connect(template)
        try:
            build(made)
        finally:
            made.close()  # the last connection: the -wal is checkpointed and removed
        _templates[key] = template
    return template


def new_database(path: Path) -> Database:
    """``dbmod.connect(path)`` where no file is yet: a new, empty database at the latest
    schema, created 0600, with its own device id and office id, as a new installation gets.
    It is a copy of a template made once per process (tests/test_templates.py checks that
    the two are alike in everything else)."""
    from app.models import db as dbmod
    from app.models import privacy, rows

    template = _template("empty", lambda _db: None)
    with (
        open(template, "rb") as source,
        open(path, "xb", opener=privacy.private_file_opener) as target,
    ):
        shutil.copyfileobj(source, target)
    db = dbmod.connect(path)
    conn = db.conn
    old = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()[0]
    device = rows.new_id()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE settings SET value = ? WHERE key = 'device_id'", (device,))
    conn.execute("UPDATE sync_epochs SET device = ? WHERE device = ?", (device, old))
    conn.execute("UPDATE settings SET value = ? WHERE key = 'office_id'", (rows.new_id(),))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # an empty -wal, as after connect()
    return db


def fill_demo(db: Database, *, today: date, count: int = 40) -> None:
    """``demo.fill_demo(db, today=today, count=count)``, from a copy: the first call of a
    test process fills a template file, every call copies it into ``db`` page by page with
    SQLite's backup API (``db`` must be a fresh, empty database: the copy replaces it). The
    copies share the template's ids (device, office, rows)."""
    from app.models import demo

    template = _template(
        ("demo", today, count), lambda made: demo.fill_demo(made, today=today, count=count)
    )
    source = sqlite3.connect(template)
    try:
        source.backup(db.conn)
    finally:
        source.close()
