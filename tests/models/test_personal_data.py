"""A person asks (docs/privacy.md): their ID number corrected or erased everywhere it is
stored, on every installation; the raw cells of an imported 台账 row corrected or cleared by a
主任; all of it recorded without the number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.models import casefile, personal_data, privacy, rows, search
from app.models import db as dbmod
from app.models.accounts import acting_as, add_user
from app.models.db import Database
from app.models.errors import PermissionDeniedError, ValidationError
from app.models.parties import case_parties
from app.models.sync import exchange, field
from app.models.sync.exchange import Bundle
from app.models.sync.merge import Change
from app.models.sync.scope import Scope
from tests.conftest import TODAY
from tests.models import ledger_sheets as sheets
from tests.models.helpers import LI, ZHANG, make_id, register, user
from tests.models.test_privacy import IMPORTED_ID, PHONE, import_sheet

NEW_ID = make_id("33010219800102003")  # the same person's number, as the card says


# --------------------------------------------------------------------------------------
# Correcting and erasing an ID number


def _party_id(db: Database, case_id: str, name: str) -> str:
    return next(p.party_id for p in case_parties(db.conn, case_id) if p.name == name)


def _file_bytes(db: Database) -> bytes:
    assert db.path is not None
    data = db.path.read_bytes()
    wal = Path(str(db.path) + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_correcting_an_id_number_leaves_the_old_one_nowhere_in_the_file(
    office_db: Database, tmp_path: Path
) -> None:
    """The imported 王五's number was typed wrong in the sheet; he brings his card. After the
    correction the old number is in no table, no index, no log entry, no free page: not one
    byte of the database file or its WAL holds it."""
    (case_id,) = import_sheet(
        office_db,
        tmp_path,
        [[*sheets.ledger_row("（2023）青山调字第11号", f"王五（{IMPORTED_ID}）", "赵六"), PHONE]],
    )
    party = _party_id(office_db, case_id, "王五")
    assert search.search_case_seqs(office_db.conn, IMPORTED_ID) != []
    assert IMPORTED_ID.encode() in _file_bytes(office_db)
    new = make_id("33010219900315012")
    done = personal_data.correct_id_number(
        office_db, party, new, by=user(office_db), reason="本人持身份证到所申请更正", today=TODAY
    )
    assert done.cases == (case_id,) and not done.erased
    assert done.replaced["import_rows"] == 1
    assert office_db.scalar("SELECT id_number FROM parties WHERE id = ?", (party,)) == new
    seq = office_db.scalar("SELECT seq FROM cases WHERE id = ?", (case_id,))
    assert search.search_case_seqs(office_db.conn, new) == [seq]
    assert search.search_case_seqs(office_db.conn, new[-4:]) == [seq]
    assert search.search_case_seqs(office_db.conn, IMPORTED_ID) == []
    kept = personal_data.import_row(office_db, case_id)
    assert kept is not None and kept.cells["申请人"] == f"王五（{new}）"
    assert IMPORTED_ID.encode() not in _file_bytes(office_db)
    record = office_db.one("SELECT * FROM privacy_events WHERE action = 'correct_id'")
    assert record is not None and record["party_id"] == party
    assert IMPORTED_ID not in record["data"] and new not in record["data"]
    assert json.loads(record["data"])["reason"] == "本人持身份证到所申请更正"


def test_erasing_an_id_number_removes_it_from_the_typed_text_too(office_db: Database) -> None:
    """The facts were typed with 张三's number in them: the erasure takes it out there as
    well (a normal change that travels), says where, and the file keeps it nowhere."""
    case_id = register(office_db, facts=f"申请人张三（身份证 {ZHANG}）称邻居堵了排水沟。")
    party = _party_id(office_db, case_id, "张三")
    number = office_db.scalar("SELECT number FROM cases WHERE id = ?", (case_id,))
    done = personal_data.erase_id_number(
        office_db, party, by=user(office_db), reason="本人申请删除，案件已办结"
    )
    assert done.erased
    row = office_db.one("SELECT id_number, id_type FROM parties WHERE id = ?", (party,))
    assert row is not None and tuple(row) == ("", "")
    assert done.free_text == (f"{number or '2026-11-01登记的案件'}的纠纷简要情况",)
    assert "也已删去" in done.summary
    facts = office_db.scalar("SELECT facts FROM cases WHERE id = ?", (case_id,))
    assert facts == "申请人张三（身份证 （证件号码已删除））称邻居堵了排水沟。"
    assert search.search_case_seqs(office_db.conn, ZHANG[-6:]) == []
    assert ZHANG.encode() not in _file_bytes(office_db)
    assert office_db.scalar("SELECT action FROM privacy_events") == "erase_id"
    history = casefile.load_case(office_db, case_id)
    assert ZHANG not in " ".join(history.describe(e) for e in history.events)


def test_bad_input_is_refused_with_the_field_named(office_db: Database) -> None:
    case_id = register(office_db)
    party = _party_id(office_db, case_id, "张三")
    director = user(office_db)
    with pytest.raises(ValidationError) as bad:
        personal_data.correct_id_number(office_db, party, NEW_ID, by=director, reason=" ")
    assert bad.value.field == personal_data.REASON_FIELD and "请填写更正原因" in bad.value.message
    with pytest.raises(ValidationError) as bad:
        personal_data.correct_id_number(
            office_db, party, ZHANG[:-1] + "0", by=director, reason="本人申请"
        )
    assert bad.value.field == personal_data.NUMBER_FIELD and "校验" in bad.value.message
    with pytest.raises(ValidationError) as bad:
        personal_data.correct_id_number(office_db, party, ZHANG, by=director, reason="本人申请")
    assert "与原号码相同" in bad.value.message
    with pytest.raises(ValidationError) as bad:
        personal_data.correct_id_number(
            office_db, party, NEW_ID, by=director, reason=f"原号码 {ZHANG} 写错"
        )
    assert "不要写证件号码" in bad.value.message
    assert office_db.scalar("SELECT id_number FROM parties WHERE id = ?", (party,)) == ZHANG
    assert office_db.scalar("SELECT count(*) FROM privacy_events") == 0


def test_only_a_director_corrects_or_erases(office_db: Database) -> None:
    case_id = register(office_db)
    party = _party_id(office_db, case_id, "张三")
    clerk_id = add_user(
        office_db, name="周玉梅", role="mediator", password="zhouyumei1", by=user(office_db)
    )
    clerk = acting_as(office_db, clerk_id)
    with pytest.raises(PermissionDeniedError, match="只有主任可以"):
        personal_data.correct_id_number(office_db, party, NEW_ID, by=clerk, reason="本人申请")
    with pytest.raises(PermissionDeniedError, match="只有主任可以"):
        personal_data.erase_id_number(office_db, party, by=clerk, reason="本人申请")
    assert office_db.scalar("SELECT id_number FROM parties WHERE id = ?", (party,)) == ZHANG


def carry(sender: Database, receiver: Database) -> None:
    """One sync file from ``sender`` applied at ``receiver``, through JSON as a file holds it."""
    to = exchange.this_device(receiver.conn).id
    bundle = exchange.make_bundle(sender, to=to)
    raw = json.loads(json.dumps({"m": bundle.manifest, "c": list(bundle.records())}))
    exchange.apply_bundle(receiver, Bundle(raw["m"], [Change.from_record(r) for r in raw["c"]]))


def test_a_correction_travels_and_each_installation_rewrites_its_own_copies(
    office_db: Database, tmp_path: Path
) -> None:
    """The office corrects 张三's number; the laptop that carries his case gets the new
    number with the next file, and its own change log loses the old one too."""
    case_id = register(office_db)
    party = _party_id(office_db, case_id, "张三")
    laptop_path = tmp_path / "laptop.sqlite3"
    field.prepare_field_copy(
        office_db, laptop_path, name="笔记本", scope=Scope(), by=user(office_db)
    )
    laptop = dbmod.connect(laptop_path)
    try:
        assert laptop.scalar("SELECT count(*) FROM sync_log WHERE data LIKE ?", (f"%{ZHANG}%",)) > 0
        personal_data.correct_id_number(
            office_db, party, NEW_ID, by=user(office_db), reason="本人申请更正", today=TODAY
        )
        carry(office_db, laptop)
        assert laptop.scalar("SELECT id_number FROM parties WHERE id = ?", (party,)) == NEW_ID
        assert (
            laptop.scalar("SELECT count(*) FROM sync_log WHERE data LIKE ?", (f"%{ZHANG}%",)) == 0
        )
        seq = laptop.scalar("SELECT seq FROM cases WHERE id = ?", (case_id,))
        assert search.search_case_seqs(laptop.conn, NEW_ID) == [seq]
        assert search.search_case_seqs(laptop.conn, ZHANG) == []
        # and the laptop's own record of showing a number reaches the office
        with laptop.transaction() as conn:
            privacy.record_access(
                conn, "show_id", by=user(laptop).user_id, case_id=case_id, party_id=party
            )
        carry(laptop, office_db)
        assert office_db.scalar("SELECT count(*) FROM privacy_events WHERE action = 'show_id'") == 1
        assert office_db.scalar("SELECT id_number FROM parties WHERE id = ?", (party,)) == NEW_ID
    finally:
        laptop.close()


# --------------------------------------------------------------------------------------
# The raw cells of an import


def test_a_director_corrects_and_clears_an_imports_raw_cells(
    office_db: Database, tmp_path: Path
) -> None:
    first, second = import_sheet(
        office_db,
        tmp_path,
        [
            [*sheets.ledger_row("（2023）青山调字第11号", f"王五（{IMPORTED_ID}）", "赵六"), PHONE],
            [*sheets.ledger_row("（2023）青山调字第12号", "钱七", "孙八"), ""],
        ],
    )
    director = user(office_db)
    row = personal_data.show_import_row(office_db, first, by=director)
    assert row is not None
    fixed = personal_data.correct_import_cell(office_db, row.id, "申请人电话", "", by=director)
    assert "申请人电话" not in fixed.cells
    (file,) = personal_data.import_files(office_db)
    assert (file.file, file.kept, file.cleared) == ("2023年台账.xlsx", 2, 0)
    assert personal_data.clear_import_rows(office_db, by=director, case_id=first) == 1
    cleared = personal_data.import_row(office_db, first)
    assert cleared is not None and cleared.cleared and cleared.cells == {}
    assert personal_data.clear_import_rows(office_db, by=director, file="2023年台账.xlsx") == 1
    second_row = personal_data.import_row(office_db, second)
    assert second_row is not None and second_row.cells == {}
    actions = office_db.column("SELECT action FROM privacy_events ORDER BY at, rowid")
    assert actions == ["show_id", "correct_import_row", "clear_import_row", "clear_import_row"]
    assert office_db.scalar("SELECT count(*) FROM import_rows WHERE cells LIKE '%138%'") == 0
    clerk = acting_as(
        office_db,
        add_user(office_db, name="周玉梅", role="mediator", password="zhouyumei1", by=director),
    )
    with pytest.raises(PermissionDeniedError):
        personal_data.show_import_row(office_db, first, by=clerk)


def _same_person_in_three_cases(db: Database, tmp_path: Path) -> tuple[list[str], str]:
    """张三 registered twice (each case has its own parties row) and imported once from a
    hand-kept sheet with his number and phone in the cell; 李四 beside him keeps his own.
    Returns the three cases (the first registered first) and the first case's 张三."""
    first = register(db)
    second = register(db, applicant="张三", respondent="王五", facts=f"张三（{ZHANG}）称…")
    (imported,) = import_sheet(
        db,
        tmp_path,
        [[*sheets.ledger_row("（2023）青山调字第11号", f"张三（{ZHANG}）电话{PHONE}", "赵六"), ""]],
    )
    assert db.scalar("SELECT count(*) FROM parties WHERE id_number = ?", (ZHANG,)) == 3
    return [first, second, imported], _party_id(db, first, "张三")


def test_erasing_a_number_erases_it_in_every_case_of_the_person(
    office_db: Database, tmp_path: Path
) -> None:
    """The person asks once; his number goes from all three of his cases' rows, the import's
    raw cells, the typed facts, the search index and every byte of the file, in one go; the
    audit has one record per row changed, none with the number."""
    cases, party = _same_person_in_three_cases(office_db, tmp_path)
    same = personal_data.same_number(office_db, party)
    assert len(same.parties) == 3 and set(same.cases) == set(cases)
    numbers = [office_db.scalar("SELECT number FROM cases WHERE id = ?", (c,)) for c in cases]
    labels = [n or "2026-11-01登记的案件" for n in numbers[1:]]
    assert same.note.startswith("此号码还出现在另外 2 件案件中：")
    assert all(label in same.note for label in labels)
    assert ZHANG.encode() in _file_bytes(office_db)

    done = personal_data.erase_id_number(
        office_db, party, by=user(office_db), reason="本人申请删除，案件已办结"
    )
    assert set(done.cases) == set(cases) and done.parties == 3
    assert "共 3 件案件" in done.summary
    assert office_db.scalar("SELECT count(*) FROM parties WHERE id_number = ?", (ZHANG,)) == 0
    assert office_db.scalar("SELECT count(*) FROM parties WHERE name = '张三'") == 3
    assert (
        office_db.scalar("SELECT phone FROM parties WHERE name = '张三' AND phone <> ''") == PHONE
    )
    kept = personal_data.import_row(office_db, cases[2])
    assert kept is not None and ZHANG not in json.dumps(kept.cells, ensure_ascii=False)
    assert kept.cells["申请人"] == f"张三（）电话{PHONE}"
    facts = office_db.scalar("SELECT facts FROM cases WHERE id = ?", (cases[1],))
    assert facts == "张三（（证件号码已删除））称…"
    for key in (ZHANG, ZHANG[-6:], ZHANG[:10]):
        assert search.search_case_seqs(office_db.conn, key) == []
    seq_first = office_db.scalar("SELECT seq FROM cases WHERE id = ?", (cases[0],))
    assert seq_first in search.search_case_seqs(office_db.conn, LI)  # 李四 keeps his
    assert ZHANG.encode() not in _file_bytes(office_db)
    office_db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    assert ZHANG.encode() not in _file_bytes(office_db)
    records = office_db.query("SELECT party_id, data FROM privacy_events WHERE action = 'erase_id'")
    assert len(records) == 3 and {r["party_id"] for r in records} == set(same.parties)
    assert all(json.loads(r["data"])["asked_for"] == party for r in records)
    assert not any(ZHANG in r["data"] or ZHANG[-6:] in r["data"] for r in records)


def test_correcting_a_number_corrects_it_in_every_case_of_the_person(
    office_db: Database, tmp_path: Path
) -> None:
    cases, party = _same_person_in_three_cases(office_db, tmp_path)
    imported_party = _party_id(office_db, cases[2], "张三")
    personal_data.correct_id_number(
        office_db, imported_party, NEW_ID, by=user(office_db), reason="本人持身份证到所申请更正"
    )
    assert office_db.column("SELECT id_number FROM parties WHERE name = '张三'") == [NEW_ID] * 3
    seqs = {office_db.scalar("SELECT seq FROM cases WHERE id = ?", (c,)) for c in cases}
    assert set(search.search_case_seqs(office_db.conn, NEW_ID)) == seqs
    assert search.search_case_seqs(office_db.conn, ZHANG) == []
    assert ZHANG.encode() not in _file_bytes(office_db)
    assert personal_data.same_number(office_db, party).other_cases == tuple(
        c for c in personal_data.same_number(office_db, party).cases if c != cases[0]
    )


def test_a_name_that_holds_the_number_loses_it_too(office_db: Database) -> None:
    """A case imported before the party cells were parsed as they are now kept the number
    (and a phone) in the name: “张三（3301…）电话139…”. The erasure finds it by the number."""
    first = register(office_db)
    second = register(office_db, applicant="钱七", respondent="孙八")
    kept = _party_id(office_db, second, "钱七")
    with office_db.transaction() as conn:
        values = {"name": f"张三（{ZHANG}）电话{PHONE}", "id_number": "", "id_type": ""}
        rows.update(conn, "parties", kept, values, by=user(office_db).user_id)
        search.reindex_case(conn, second)
    party = _party_id(office_db, first, "张三")
    assert personal_data.same_number(office_db, party).other_cases == (second,)
    personal_data.erase_id_number(office_db, party, by=user(office_db), reason="本人申请删除")
    assert office_db.scalar("SELECT name FROM parties WHERE id = ?", (kept,)) == f"张三电话{PHONE}"
    assert ZHANG.encode() not in _file_bytes(office_db)
