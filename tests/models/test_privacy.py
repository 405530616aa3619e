"""Personal data (docs/privacy.md): ID numbers and phones masked in the events and records,
an import's raw cells kept apart from its event, earlier versions' records masked on upgrade,
and the access record that says who saw or exported numbers in full."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.models import casefile, office, privacy, schema
from app.models import db as dbmod
from app.models.db import Database
from app.models.identity import mask_id_number
from app.models.ledger_import import (
    apply,
    detect_header,
    guess_mapping,
    header_names,
    open_workbook,
    preview,
)
from app.models.parties import case_parties, to_input
from app.models.sync import field
from app.models.sync.scope import Scope
from tests.conftest import TODAY
from tests.helpers import edit_party
from tests.models import ledger_sheets as sheets
from tests.models.helpers import LI, ZHANG, make_id, register, user

FIXTURES = Path(__file__).parents[1] / "fixtures"
NEW_ID = make_id("33010219800102003")  # the same person's number, as the card says
IMPORTED_ID = make_id("33010219900315004")
PHONE = "13812345678"


# --------------------------------------------------------------------------------------
# Masks


def test_numbers_in_free_text_are_masked_and_nothing_else() -> None:
    line = (
        f"party {ZHANG} phone {PHONE} 固话 0571-87654321 case 01935e2a-1381-7234-8123-a1b2c3d4e5f6 "
        "took 1234 ms at 2026-11-20 10:00:00,123"
    )
    masked = privacy.redact(line)
    assert ZHANG not in masked and mask_id_number(ZHANG) in masked
    assert PHONE not in masked and "138****5678" in masked
    assert "87654321" not in masked
    assert "01935e2a-1381-7234-8123-a1b2c3d4e5f6" in masked  # ids are not numbers of people
    assert "1234 ms at 2026-11-20 10:00:00,123" in masked


def test_mask_value_masks_the_sensitive_columns_only() -> None:
    assert privacy.mask_value("parties", "id_number", ZHANG) == mask_id_number(ZHANG)
    assert privacy.mask_value("parties", "phone", PHONE) == "138****5678"
    assert privacy.mask_value("case_parties", "agent_phone", PHONE) == "138****5678"
    assert privacy.mask_value("parties", "name", "张三") == "张三"
    assert privacy.mask_value("parties", "id_number", "（空）") == "（空）"


# --------------------------------------------------------------------------------------
# Events keep masks


def test_a_changed_phone_is_masked_in_the_case_history(office_db: Database) -> None:
    case_id = register(office_db)
    party = case_parties(office_db.conn, case_id)[0]
    changed = to_input(party)
    changed = type(changed)(**{**changed.__dict__, "phone": "13900001111"})
    edit_party(office_db, case_id, party.link_id, changed, by=user(office_db))
    row = office_db.one(
        "SELECT data FROM case_events WHERE case_id = ? AND action = 'edit_party'", (case_id,)
    )
    assert row is not None
    assert PHONE not in row[0] and "13900001111" not in row[0]
    history = casefile.load_case(office_db, case_id)
    line = history.describe(history.events[-1])
    assert "联系电话：138****5678 → 139****1111" in line
    logged = office_db.scalar(
        "SELECT data FROM sync_log WHERE tbl = 'case_events' AND op = 'i' "
        "AND json_extract(data, '$.action') = 'edit_party'"
    )
    assert PHONE not in logged


def import_sheet(db: Database, tmp_path: Path, rows: list[list[object]]) -> list[str]:
    header = [*sheets.LEDGER_HEADER, "申请人电话"]
    path = sheets.simple_xlsx(tmp_path / "2023年台账.xlsx", header, rows)
    wb = open_workbook(path)
    name = wb.sheet_names[0]
    row = detect_header(wb, name).row
    plan = preview(db, wb, name, row, guess_mapping(header_names(wb, name, row)), today=TODAY)
    result = apply(db, plan, by=user(db), skip_bad_rows=False, skip_duplicates=True)
    return list(result.case_ids)


def test_an_import_keeps_the_raw_cells_apart_from_the_event(
    office_db: Database, tmp_path: Path
) -> None:
    (case_id,) = import_sheet(
        office_db,
        tmp_path,
        [[*sheets.ledger_row("（2023）青山调字第11号", f"王五（{IMPORTED_ID}）", "赵六"), PHONE]],
    )
    event = office_db.one(
        "SELECT id, data FROM case_events WHERE case_id = ? AND action = 'import'", (case_id,)
    )
    assert event is not None
    data = json.loads(event["data"])
    assert data["file"] == "2023年台账.xlsx" and data["row"] == 2 and data["raw_cells"] is True
    assert "values" not in data
    assert IMPORTED_ID not in event["data"] and PHONE not in event["data"]
    kept = office_db.one("SELECT case_id, cells FROM import_rows WHERE id = ?", (event["id"],))
    assert kept is not None and kept["case_id"] == case_id
    cells = json.loads(kept["cells"])
    assert cells["申请人"] == f"王五（{IMPORTED_ID}）" and cells["申请人电话"] == PHONE
    # the event travels; the raw cells do not
    logged = " ".join(office_db.column("SELECT data FROM sync_log"))
    assert IMPORTED_ID in logged  # the party row itself carries the number it has
    event_log = office_db.scalar(
        "SELECT data FROM sync_log WHERE tbl = 'case_events' AND row_id = ?", (event["id"],)
    )
    assert IMPORTED_ID not in event_log and PHONE not in event_log
    assert office_db.scalar("SELECT count(*) FROM sync_log WHERE tbl = 'import_rows'") == 0
    laptop_path = tmp_path / "laptop.sqlite3"
    field.prepare_field_copy(
        office_db, laptop_path, name="笔记本", scope=Scope(), by=user(office_db)
    )
    laptop = dbmod.connect(laptop_path)
    try:
        assert laptop.scalar("SELECT count(*) FROM import_rows") == 0
    finally:
        laptop.close()


def test_upgrading_masks_what_earlier_versions_stored(tmp_path: Path) -> None:
    """A schema-7 office with an imported case (its raw row in the event), a changed phone
    and a decided conflict over an ID number: after step 8 the events, the decision and their
    change-log entries keep masks, the raw row sits in import_rows, and the events are
    append-only again."""
    path = tmp_path / "office.sqlite3"
    shutil.copy(FIXTURES / "schema_v6.sqlite3", path)
    db = dbmod.connect(path, migrate=False, check=False)
    try:
        dbmod.migrate_to_latest(db, schema.MIGRATIONS[:7])
        case_id = str(db.scalar("SELECT id FROM cases LIMIT 1"))
        with db.transaction() as conn:
            for event_id, action, data in (
                (
                    "e-import",
                    "import",
                    {
                        "file": "台账.xlsx",
                        "sheet": "2023",
                        "row": 5,
                        "values": {"申请人": "王五", "身份证号": IMPORTED_ID, "电话": PHONE},
                        "warnings": [f"“王五（{PHONE}）”括号中的内容未导入。"],
                    },
                ),
                (
                    "e-edit",
                    "edit_party",
                    {
                        "before": {"name": "王五", "phone": PHONE},
                        "after": {"name": "王五", "phone": ""},
                    },
                ),
                (
                    "e-conflict",
                    "resolve_conflict",
                    {
                        "table": "parties",
                        "column": "id_number",
                        "before": ZHANG,
                        "after": ZHANG,
                        "set_aside": [LI],
                        "how": "kept",
                    },
                ),
            ):
                conn.execute(
                    "INSERT INTO case_events(id, case_id, at, by, action, data, origin) "
                    "VALUES (?, ?, '2026-01-01T00:00:00.000Z', 'u', ?, ?, 'd')",
                    (event_id, case_id, action, json.dumps(data, ensure_ascii=False)),
                )
            conn.execute(
                "INSERT INTO conflict_decisions(id, tbl, row_id, col, case_id, kept, set_aside, "
                "how, decided_by, decided_at, origin) VALUES ('d1', 'parties', 'p', 'id_number', "
                "?, ?, ?, 'kept', 'u', '2026-01-01T00:00:00.000Z', 'd')",
                (case_id, json.dumps(ZHANG), json.dumps([LI])),
            )
        assert db.scalar("SELECT count(*) FROM sync_log WHERE data LIKE ?", (f"%{ZHANG}%",)) > 0
        dbmod.migrate_to_latest(db, schema.MIGRATIONS)
        for number in (ZHANG, LI, IMPORTED_ID, PHONE):
            for table, column in (
                ("case_events", "data"),
                ("conflict_decisions", "kept || set_aside"),
                ("sync_log", "data"),
            ):
                assert (
                    db.scalar(
                        f"SELECT count(*) FROM {table} WHERE {column} LIKE ?", (f"%{number}%",)
                    )
                    == 0
                ), (table, number)
        imported = json.loads(str(db.scalar("SELECT data FROM case_events WHERE id = 'e-import'")))
        assert imported == {
            "file": "台账.xlsx",
            "sheet": "2023",
            "row": 5,
            "raw_cells": True,
            "warnings": 1,
        }
        kept = db.one("SELECT case_id, cells, warnings FROM import_rows WHERE id = 'e-import'")
        assert kept is not None and kept["case_id"] == case_id
        assert json.loads(kept["cells"]) == {
            "申请人": "王五",
            "身份证号": IMPORTED_ID,
            "电话": PHONE,
        }
        assert json.loads(kept["warnings"]) == [f"“王五（{PHONE}）”括号中的内容未导入。"]
        edit = json.loads(str(db.scalar("SELECT data FROM case_events WHERE id = 'e-edit'")))
        assert edit["before"]["phone"] == "138****5678" and edit["after"]["phone"] == ""
        conflict = json.loads(
            str(db.scalar("SELECT data FROM case_events WHERE id = 'e-conflict'"))
        )
        assert conflict["set_aside"] == [mask_id_number(LI)]
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.conn.execute("UPDATE case_events SET data = '{}' WHERE id = 'e-edit'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.conn.execute("UPDATE conflict_decisions SET kept = 'x' WHERE id = 'd1'")
    finally:
        db.close()


def test_access_records_never_hold_a_number(office_db: Database) -> None:
    with office_db.transaction() as conn:
        privacy.record_access(
            conn,
            "export_ids",
            by=office.current_user(office_db).id,
            data={"file": f"台账{PHONE}.xlsx"},
        )
    stored = office_db.scalar("SELECT data FROM privacy_events")
    assert PHONE not in stored and "138****5678" in stored
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        office_db.conn.execute("UPDATE privacy_events SET data = '{}'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        office_db.conn.execute("DELETE FROM privacy_events")
