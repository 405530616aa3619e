"""审计记录 (app/models/audit.py): every change by user, case, date and action, a page at a
time, exported to .xlsx; a 主任's only, and never a value of a personal field."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.models import accounts, audit, privacy
from app.models.audit import AuditFilter, AuditReader
from app.models.db import Database
from app.models.errors import PermissionDeniedError
from app.models.parties import case_parties, to_input
from tests.helpers import PASSWORD, edit_party
from tests.models.helpers import ZHANG, register, user

CLERK_PASSWORD = "zhouyumei1"


def clerk(db: Database) -> accounts.Actor:
    user_id = accounts.add_user(
        db, name="周玉梅", role="mediator", password=CLERK_PASSWORD, by=user(db)
    )
    return accounts.acting_as(db, user_id)


def entries(db: Database, f: AuditFilter | None = None) -> list[audit.AuditEntry]:
    return list(AuditReader(db, f))


def test_a_registration_reads_as_its_step_and_the_rows_it_wrote(office_db: Database) -> None:
    case_id = register(office_db, facts="双方因排水沟改道发生纠纷。")
    found = entries(office_db, AuditFilter(case_id=case_id))
    steps = [(e.kind_label, e.action) for e in found]
    assert ("案件办理", "登记") in steps
    assert ("数据修改", "新增案件") in steps
    assert steps.count(("数据修改", "新增当事人")) == 4  # two parties, two links
    (registered,) = [e for e in found if e.action == "登记"]
    assert registered.user_name == "李主任" and registered.device == "本机"
    assert registered.case_id == case_id and registered.case_label.endswith("登记（未编号）")
    assert "纠纷类型：邻里" in registered.detail
    text = " ".join(e.detail for e in found)
    assert "排水沟" not in text and ZHANG not in text  # fields, never their values


def test_an_edit_names_the_fields_it_changed(office_db: Database) -> None:
    case_id = register(office_db)
    party = case_parties(office_db.conn, case_id)[0]
    changed = to_input(party)
    changed = type(changed)(**{**changed.__dict__, "phone": "13900001111", "address": "红旗村"})
    edit_party(office_db, case_id, party.link_id, changed, by=user(office_db))
    (edit,) = entries(office_db, AuditFilter(kind="change", action="parties"))[:1]
    assert edit.action == "修改当事人"
    assert edit.detail == "改了：联系电话、住址"
    assert edit.case_id == case_id
    (step,) = entries(office_db, AuditFilter(kind="event", action="edit_party"))
    assert "139****1111" in step.detail and "13900001111" not in step.detail


def test_filters_by_user_case_date_and_action(office_db: Database) -> None:
    first = register(office_db)
    other = clerk(office_db)
    second = register(office_db, applicant="王五", respondent="赵六")
    with office_db.transaction() as conn:
        privacy.record_access(conn, "show_id", by=other.user_id, case_id=second)
    mine = entries(office_db, AuditFilter(user_id=user(office_db).user_id, kind="event"))
    assert {e.case_id for e in mine} == {first, second}  # register() acts as the 主任
    theirs = entries(office_db, AuditFilter(user_id=other.user_id))
    assert [(e.kind, e.action, e.user_name) for e in theirs] == [
        ("privacy", "显示完整证件号码", "周玉梅")
    ]
    of_first = entries(office_db, AuditFilter(case_id=first))
    assert of_first and all(e.case_id == first for e in of_first)
    today = date.today()
    assert len(entries(office_db, AuditFilter(since=today, until=today))) == len(entries(office_db))
    assert entries(office_db, AuditFilter(until=today - timedelta(days=1))) == []
    assert entries(office_db, AuditFilter(since=today + timedelta(days=1))) == []
    shown = entries(office_db, AuditFilter(kind="privacy", action="show_id", case_id=second))
    assert [e.user_name for e in shown] == ["周玉梅"]


def test_pages_follow_each_other_without_gap_or_repeat(office_db: Database) -> None:
    for i in range(4):
        register(office_db, applicant=f"申请人{i}")
    reader = AuditReader(office_db)
    everything = reader.page(limit=10_000)
    assert len(everything) == reader.count() > 40
    moments = [e.cursor for e in everything]
    assert moments == sorted(moments, reverse=True)
    paged: list[audit.AuditEntry] = []
    cursor = None
    while page := reader.page(cursor, limit=7):
        paged.extend(page)
        cursor = page[-1].cursor
    assert [(e.kind, e.key) for e in paged] == [(e.kind, e.key) for e in everything]


def test_logins_are_listed(office_db: Database) -> None:
    director = user(office_db)
    accounts.login(office_db, director.user_id, PASSWORD)
    with pytest.raises(accounts.LoginError):
        accounts.login(office_db, director.user_id, "wrong-password")
    listed = [e.action for e in entries(office_db, AuditFilter(kind="login"))]
    assert listed[:2] == ["密码错误", "登录"]


def test_the_export_holds_every_entry_and_is_recorded(office_db: Database, tmp_path: Path) -> None:
    case_id = register(office_db)
    director = user(office_db)
    f = AuditFilter(case_id=case_id)
    path = tmp_path / "审计记录.xlsx"
    written = audit.export_audit(office_db, path, f, by=director)
    assert written == AuditReader(office_db, f).count() > 0
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == audit.HEADERS
    assert len(rows) == written + 1
    assert {r[1] for r in rows[1:]} == {"李主任"}
    cells = " ".join(str(c) for r in rows for c in r if c)
    assert ZHANG not in cells and "13812345678" not in cells
    (record,) = entries(office_db, AuditFilter(kind="privacy", action="export_audit"))
    assert record.user_name == "李主任" and "审计记录.xlsx" in record.detail
    assert f"{written} 行" in record.detail
    assert [p.name for p in tmp_path.iterdir() if "xlsx" in p.name] == ["审计记录.xlsx"]


def test_only_a_director_reads_or_exports_the_audit(office_db: Database, tmp_path: Path) -> None:
    other = clerk(office_db)
    with pytest.raises(PermissionDeniedError, match="只有主任可以查看审计记录"):
        audit.authorize(office_db, other)
    with pytest.raises(PermissionDeniedError):
        audit.export_audit(office_db, tmp_path / "a.xlsx", by=other)
    assert not (tmp_path / "a.xlsx").exists()
    assert audit.authorize(office_db, user(office_db)).role == "director"
