"""The 台账 export: what the office opens in Excel, WPS or LibreOffice, and the round trip."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app.models import accounts, cases, ledger, office, sheet_print
from app.models import db as dbmod
from app.models.cases import CloseInput, ConfirmationInput
from app.models.db import Database
from app.models.errors import ExportFileError, OperationCancelledError, PermissionDeniedError
from app.models.ledger_import import (
    apply,
    detect_header,
    guess_mapping,
    header_names,
    open_workbook,
    preview,
)
from app.models.register import RegisterFilter
from bench import generate
from tests.conftest import TODAY
from tests.models.helpers import LI, ZHANG, mediator_ids, register, user

ROUND_TRIP_CASES = 1500  # more than ledger.PROGRESS_EVERY: progress and cancel happen mid-way


def read_sheet(path: Path) -> list[list[Any]]:
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def closed_case(db: Database, **kw: Any) -> str:
    case_id = register(db, **kw)
    by = user(db)
    cases.accept_case(db, case_id, by=by, accepted_on=date(2026, 11, 2), today=TODAY)
    cases.assign_mediators(
        db,
        case_id,
        by=by,
        mediator_ids=mediator_ids(db),
        how="appointed",
        assigned_on=date(2026, 11, 2),
        today=TODAY,
    )
    cases.close_case(
        db,
        case_id,
        CloseInput(
            closed_on=date(2026, 11, 5),
            outcome="agreement_written",
            performance="performed",
            amount_fen=350_050,
            note="双方握手言和。",
            agreement=cases.AgreementInput(terms=["李四赔偿张三修墙费3500.50元。"]),
        ),
        by=by,
        today=TODAY,
    )
    return case_id


@pytest.fixture
def ledger_db(office_db):
    """Four cases: closed with an agreement and a judicial confirmation, accepted, registered,
    voided."""
    db = office_db
    closed = closed_case(db, facts='=HYPERLINK("x")，排水沟改道。' + "雨水流入院内。" * 40)
    cases.record_judicial_confirmation(
        db,
        closed,
        ConfirmationInput(
            applied_on=date(2026, 11, 6),
            court="青山县人民法院",
            number="（2026）浙0102民特调确字第12号",
            result="confirmed",
            decided_on=date(2026, 11, 10),
        ),
        by=user(db),
        today=TODAY,
    )
    accepted = register(db, applicant="王五", respondent="赵六", registered_on=date(2026, 10, 3))
    cases.accept_case(db, accepted, by=user(db), accepted_on=date(2026, 10, 4), today=TODAY)
    register(db, applicant="钱七", respondent="孙八", registered_on=date(2026, 9, 1))
    voided = register(db, applicant="周九", respondent="吴十", registered_on=date(2026, 9, 2))
    cases.void_case(
        db, voided, by=user(db), reason="重复登记", voided_on=date(2026, 9, 3), today=TODAY
    )
    return db


def test_every_case_is_one_row_with_the_ledger_columns(ledger_db, tmp_path):
    path = tmp_path / "台账.xlsx"
    assert ledger.export_ledger(ledger_db, path) == 4
    rows = read_sheet(path)
    assert rows[0] == list(ledger.HEADERS)
    assert ledger.HEADERS[:3] == ("案件编号", "登记日期", "结案日期")
    applicants = ledger.HEADERS.index("申请人")
    data = {r[applicants]: dict(zip(ledger.HEADERS, r, strict=True)) for r in rows[1:]}
    assert len(rows) == 5
    # oldest registration first, as a paper ledger runs
    state = ledger.HEADERS.index("状态")
    assert [r[state] for r in rows[1:]] == ["已登记", "已作废", "已受理", "已结案"]
    closed = data["张三（330102********" + ZHANG[-4:] + "）"]
    assert closed["案件编号"] == "（2026）青山调字第1号"
    assert closed["登记日期"] == datetime(2026, 11, 1)
    assert closed["受理日期"] == datetime(2026, 11, 2)
    assert closed["结案日期"] == datetime(2026, 11, 5)
    assert closed["被申请人"] == "李四（330102********" + LI[-4:] + "）"
    assert closed["纠纷类型"] == "邻里"
    assert closed["案件来源"] == "当事人申请"
    assert closed["所在村（社区）"] == "红旗村"
    assert closed["调解员"] == "王建华、陈秀兰"
    assert closed["调解结果"] == "达成书面协议"
    assert closed["金额（元）"] == 3500.5
    assert closed["履行情况"] == "已履行"
    assert closed["司法确认"] == (
        "2026-11-06；青山县人民法院；（2026）浙0102民特调确字第12号；裁定确认有效 2026-11-10"
    )
    assert closed["备注"] == "双方握手言和。"
    facts = str(closed["简要案情"])
    assert facts.startswith('=HYPERLINK("x")，排水沟改道。')  # text, never a formula
    assert len(facts) <= ledger.FACTS_LIMIT and facts.endswith("。…")
    voided = data["周九（330102********" + ZHANG[-4:] + "）"]
    assert (voided["状态"], voided["备注"], voided["案件编号"]) == ("已作废", "重复登记", None)


def test_formatting_an_office_expects(ledger_db, tmp_path):
    path = tmp_path / "台账.xlsx"
    ledger.export_ledger(ledger_db, path)
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    assert ws.title == ledger.SHEET_NAME
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b
    assert ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.auto_filter.ref == "A1:Q5"
    widths = {letter: ws.column_dimensions[letter].width for letter in "ADKP"}
    assert widths["A"] > 12 and widths["D"] > 12 and widths["K"] >= 30 and widths["P"] > 30
    assert ws["D2"].alignment.wrap_text  # long texts wrap (the print set-up: tests/printing)
    outcome, amount = ledger.HEADERS.index("调解结果"), ledger.HEADERS.index("金额（元）")
    closed_row = next(r for r in ws.iter_rows(min_row=2) if r[outcome].value)
    assert closed_row[1].is_date and closed_row[1].number_format == "yyyy-mm-dd"
    assert closed_row[amount].data_type == "n"
    assert closed_row[amount].number_format == "#,##0.00"
    assert ws.page_setup.orientation == "landscape"
    wb.close()
    # formulas are never written: a fact that starts with "=" is a string cell
    with zipfile.ZipFile(path) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml


def test_id_numbers_are_masked_unless_asked(ledger_db, tmp_path):
    masked = tmp_path / "masked.xlsx"
    ledger.export_ledger(ledger_db, masked)
    text = "\n".join(str(c) for r in read_sheet(masked) for c in r)
    assert ZHANG not in text and LI not in text
    assert f"330102********{ZHANG[-4:]}" in text
    assert ledger_db.scalar("SELECT count(*) FROM privacy_events") == 0
    full = tmp_path / "full.xlsx"
    written = ledger.export_ledger(ledger_db, full, include_ids=True, by=user(ledger_db))
    text = "\n".join(str(c) for r in read_sheet(full) for c in r)
    assert f"张三（{ZHANG}）" in text and f"李四（{LI}）" in text
    # the export with full numbers is recorded: who, how many, which file; never a number
    record = ledger_db.one("SELECT action, by, data FROM privacy_events")
    assert record is not None and record["action"] == "export_ids"
    assert record["by"] == user(ledger_db).user_id
    assert json.loads(record["data"]) == {"cases": written, "file": "full.xlsx"}
    with pytest.raises(ValueError, match="by="):  # never an unrecorded one
        ledger.export_ledger(ledger_db, full, include_ids=True)


def test_a_viewer_exports_masked_numbers_only(ledger_db, tmp_path):
    viewer = accounts.acting_as(
        ledger_db,
        accounts.add_user(
            ledger_db, name="统计员", role="viewer", password="tongji123", by=user(ledger_db)
        ),
    )
    with pytest.raises(PermissionDeniedError, match="只有主任、调解员可以导出含完整证件号码的台账"):
        ledger.export_ledger(ledger_db, tmp_path / "full.xlsx", include_ids=True, by=viewer)
    assert not (tmp_path / "full.xlsx").exists()
    assert ledger.export_ledger(ledger_db, tmp_path / "masked.xlsx", by=viewer) > 0


def test_filters_export_what_the_register_shows(ledger_db, tmp_path):
    path = tmp_path / "f.xlsx"
    assert ledger.export_ledger(ledger_db, path, filters=RegisterFilter()) == 3  # voided hidden
    assert ledger.export_ledger(ledger_db, path, filters=RegisterFilter(text="王五")) == 1
    assert read_sheet(path)[1][ledger.HEADERS.index("申请人")].startswith("王五")
    assert ledger.export_ledger(ledger_db, path, filters=RegisterFilter(text="没有这个人")) == 0
    assert read_sheet(path) == [list(ledger.HEADERS)]


def test_brief_facts_cut_after_a_sentence():
    text = "第一句话。" * 10 + "最后一句很长" * 30
    cut = ledger.brief_facts(text, 60)
    assert cut.endswith("。…") and len(cut) <= 60
    assert ledger.brief_facts("  一行\n两行  ") == "一行 两行"
    no_stop = ledger.brief_facts("字" * 200, 60)
    assert len(no_stop) == 60 and no_stop.endswith("…")


# ---------------------------------------------------------------------------------------
# The file system


def test_a_missing_folder_raises_a_typed_error_naming_the_file(ledger_db, tmp_path):
    path = tmp_path / "没有的文件夹" / "台账.xlsx"
    with pytest.raises(ExportFileError) as err:
        ledger.export_ledger(ledger_db, path)
    assert "“台账.xlsx”" in err.value.message
    assert "找不到文件夹" in err.value.message
    assert err.value.path == str(path)
    assert not list(tmp_path.rglob("*.tmp")) and not list(tmp_path.rglob("*.xlsx"))


def test_a_file_where_the_folder_should_be(ledger_db, tmp_path):
    blocker = tmp_path / "档案"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ExportFileError, match=r"台账\.xlsx"):
        ledger.export_ledger(ledger_db, blocker / "台账.xlsx")


def test_a_full_disk_leaves_nothing_half_written(ledger_db, tmp_path):
    """The export runs in a child process whose file-size limit is 4 KB: every write beyond
    it fails as on a full disk (EFBIG)."""
    out = tmp_path / "out"
    out.mkdir()
    old = out / "台账.xlsx"
    old.write_bytes(b"the previous export")
    script = textwrap.dedent(
        f"""
        import resource, signal
        from app.models import accounts, db as dbmod, ledger, office
        from app.models.errors import ExportFileError
        db = dbmod.connect({str(ledger_db.path)!r})
        director = accounts.acting_as(db, office.current_user(db).id)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            ledger.export_ledger(db, {str(old)!r}, include_ids=True, by=director)
        except ExportFileError as exc:
            print("ERROR", exc.message)
        else:
            print("WRITTEN")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.startswith("ERROR 磁盘空间不足，台账“台账.xlsx”没有保存")
    assert sorted(p.name for p in out.iterdir()) == ["台账.xlsx"]
    assert old.read_bytes() == b"the previous export"  # the earlier file is untouched


# ---------------------------------------------------------------------------------------
# A realistic office: the benchmark generator's database, 1,500 cases over five years


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ledger") / "bench.sqlite3"
    generate.generate(path, cases=ROUND_TRIP_CASES, seed=11, today=TODAY, progress=None)
    return path


@pytest.fixture
def big(big_db):
    db = dbmod.connect(big_db)
    yield db
    db.close()


def test_progress_every_thousand_rows_and_cancel_deletes_the_file(big, tmp_path):
    path = tmp_path / "台账.xlsx"
    seen: list[tuple[int, int]] = []
    assert ledger.export_ledger(big, path, progress=lambda n, t: seen.append((n, t))) == 1500
    assert seen == [(1000, 1500), (1500, 1500)]
    path.unlink()
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return True

    with pytest.raises(OperationCancelledError):
        ledger.export_ledger(big, path, cancelled=cancelled)
    assert asked == 1  # at the first thousand rows
    assert list(tmp_path.iterdir()) == []


def empty_office_like(source: Database, path: Path) -> Database:
    """A fresh database with the same committee, villages and mediators as ``source``."""
    committee = office.main_committee(source)
    db = dbmod.connect(path)
    office.setup_office(
        db,
        committee_name=committee.name,
        abbr=committee.abbr,
        town_name=office.town_name(source),
        villages=[v.name for v in office.villages(source, include_retired=True)],
        user_name="导入员",
        password="qingshan26",
    )
    for m in office.mediators(source, include_retired=True):
        office.add_mediator(db, by=user(db), name=m.name, committee_id=office.main_committee(db).id)
    return db


ROUND_TRIP_SQL = """
SELECT c.number, c.number_year, c.number_seq, c.registered_on, c.accepted_on, c.closed_on,
       c.state, c.outcome, c.category, c.source, coalesce(v.name, ''), c.amount_fen,
       c.performance, c.parties_text, c.mediators_text,
       (SELECT group_concat(r || ':' || n, ' ') FROM (
            SELECT cp.role AS r, p.name AS n FROM case_parties cp
            JOIN parties p ON p.id = cp.party_id WHERE cp.case_id = c.id ORDER BY cp.position))
FROM cases c LEFT JOIN places v ON v.id = c.village_id
ORDER BY c.registered_on, c.seq
"""


@pytest.mark.parametrize("include_ids", [False, True])
def test_round_trip_into_an_empty_database_gives_the_same_cases(big, tmp_path, include_ids):
    path = tmp_path / "台账.xlsx"
    written = ledger.export_ledger(big, path, include_ids=include_ids, by=user(big))
    assert written == ROUND_TRIP_CASES
    target = empty_office_like(big, tmp_path / "new.sqlite3")
    try:
        wb = open_workbook(path)
        sheet = wb.sheet_names[0]
        guess = detect_header(wb, sheet)
        assert (guess.row, guess.two_rows) == (1, False)
        mapping = guess_mapping(header_names(wb, sheet, guess.row))
        assert sorted(mapping.values()) == sorted(c.field for c in ledger.COLUMNS)
        plan = preview(target, wb, sheet, guess.row, mapping, today=TODAY)
        assert plan.errors == [] and plan.duplicates == []
        result = apply(target, plan, by=user(target), skip_bad_rows=False, skip_duplicates=True)
        assert result.imported == ROUND_TRIP_CASES and result.numbered == {}
        before = [tuple(r) for r in big.query(ROUND_TRIP_SQL)]
        after = [tuple(r) for r in target.query(ROUND_TRIP_SQL)]
        assert after == before
        ids = "SELECT p.id_number FROM parties p ORDER BY p.id_number"
        if include_ids:  # full numbers come back; masked ones cannot
            assert target.column(ids) == big.column(ids)
        else:
            assert set(target.column(ids)) == {""}
        confirmations = (
            "SELECT c.number, j.applied_on, j.court, j.number, j.result, j.decided_on "
            "FROM judicial_confirmations j JOIN cases c ON c.id = j.case_id ORDER BY 1"
        )
        assert [tuple(r) for r in target.query(confirmations)] == [
            tuple(r) for r in big.query(confirmations)
        ]
        # the number sequences continue where the original office's did
        seq = "SELECT year, last_seq FROM case_number_seq ORDER BY year"
        assert [tuple(r) for r in target.query(seq)] == [tuple(r) for r in big.query(seq)]
    finally:
        target.close()


def test_importing_the_export_again_finds_every_case_a_duplicate(big, tmp_path):
    path = tmp_path / "台账.xlsx"
    ledger.export_ledger(big, path)
    wb = open_workbook(path)
    sheet = wb.sheet_names[0]
    plan = preview(big, wb, sheet, 1, guess_mapping(header_names(wb, sheet, 1)), today=TODAY)
    assert plan.errors == []
    numbered = big.scalar("SELECT count(*) FROM cases WHERE number IS NOT NULL")
    kinds = [c.duplicate.kind if c.duplicate else None for c in plan.cases]
    assert kinds.count("number") == numbered
    # the rest (not yet accepted) are found by their parties and registration day; voided
    # cases are not compared (a voided case is often the duplicate itself)
    voided = big.scalar("SELECT count(*) FROM cases WHERE state = 'voided'")
    assert kinds.count(None) == voided
    assert all(c.state == "voided" for c in plan.cases if c.duplicate is None)


@pytest.mark.slow
def test_the_benchmark_measurements_run(big_db):
    """bench/ledger.py on the small file: the figures are numbers (timings are not checked)."""
    from bench import ledger as ledger_bench

    export = ledger_bench.export_figures(big_db)
    assert export["ledger_export_rows"] == ROUND_TRIP_CASES
    assert set(export) == set(ledger_bench.EXPORT_FIGURES)
    imported = ledger_bench.import_figures(big_db, rows=300, runs=1, today=TODAY)
    assert set(imported) == set(ledger_bench.IMPORT_FIGURES)
    assert imported["ledger_import_rows"] >= 300
    # the write's four parts are the import's own timings: inside its apply (each rounded
    # to 0.01 s, so their sum may pass it by the rounding)
    parts = ("build", "rows", "change_log", "commit")
    assert all(imported[f"ledger_import_{p}_s"] >= 0 for p in parts)
    assert sum(imported[f"ledger_import_{p}_s"] for p in parts) <= (
        imported["ledger_import_apply_s"] + 0.005 * (len(parts) + 1)
    )


# ---------------------------------------------------------------------------------------
# The export writes its rows' XML itself; it must be what xlsxwriter writes


def sheet_files(path: Path) -> dict[str, bytes]:
    """Every part of an .xlsx but the creation time in docProps/core.xml."""
    import re

    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["docProps/core.xml"] = re.sub(
        rb"<dcterms:(created|modified)[^<]*</dcterms:\1>", b"", parts["docProps/core.xml"]
    )
    return parts


def test_the_export_writes_the_bytes_xlsxwriter_writes(big, tmp_path, monkeypatch):
    fast = tmp_path / "fast.xlsx"
    assert ledger.export_ledger(big, fast) == ROUND_TRIP_CASES
    monkeypatch.setattr(ledger._RowXml, "usable", staticmethod(lambda sheet: False))
    plain = tmp_path / "plain.xlsx"
    assert ledger.export_ledger(big, plain) == ROUND_TRIP_CASES
    fast_parts, plain_parts = sheet_files(fast), sheet_files(plain)
    assert fast_parts.keys() == plain_parts.keys()
    for name in plain_parts:
        assert fast_parts[name] == plain_parts[name], name
    assert b"customHeight" in fast_parts["xl/worksheets/sheet1.xml"]  # tall rows were there


def write_rows(path: Path, rows: list[ledger.LedgerRow], *, fast: bool) -> None:
    import xlsxwriter  # type: ignore[import-untyped, unused-ignore]

    workbook = xlsxwriter.Workbook(str(path), ledger.WORKBOOK_OPTIONS)
    sheet = ledger.begin_sheet(workbook)
    if fast:
        xml = ledger._RowXml(sheet)
        assert xml.usable(sheet.sheet)
        xml.start(1)
        last = xml.chunk(rows[:2], 1)
        last = xml.chunk(rows[2:], last) - 1
    else:
        last = ledger.write_rows_api(sheet, rows) - 1
    ledger.end_sheet(sheet, last)
    workbook.close()


def test_odd_texts_and_numbers_are_written_as_xlsxwriter_writes_them(tmp_path):
    """Texts a user can type (XML specials, control characters, Excel's own _x0041_
    escapes, spaces at either end, line breaks, a text longer than a cell holds), empty
    texts, and amounts of every size."""
    odd = [
        "甲&乙<丙>丁",
        "响铃\x07和\x1f",
        "_x0041_ 原样",
        " 前有空格",
        "后有空格 ",
        "两行\n文字",
        "\t制表",
        "",
        "𠮷" * 20000,  # 40,000 UTF-16 units: cut at 32,767 without splitting a character
        "长" * 40000,
    ]
    numbers: list[float] = [0.1, 1e-5, 123456789.12, 3500.5, 0, 46000, 0.07, 1e16, 0.3, -2.5]
    rows: list[ledger.LedgerRow] = []
    for i, text in enumerate(odd):
        cells: list[ledger.Cell] = [None] * len(ledger.COLUMNS)
        for col, column in enumerate(ledger.COLUMNS):
            if column.kind == "text" and (col + i) % 3:
                cells[col] = text
            elif column.kind == "amount":
                cells[col] = numbers[i % len(numbers)]
            elif column.kind == "date" and (col + i) % 2:
                cells[col] = 46000 + i
        rows.append((tuple(cells), None if i % 2 else sheet_print.row_height(i, 10.5)))
    write_rows(tmp_path / "fast.xlsx", rows, fast=True)
    write_rows(tmp_path / "plain.xlsx", rows, fast=False)
    assert sheet_files(tmp_path / "fast.xlsx") == sheet_files(tmp_path / "plain.xlsx")
    ws = load_workbook(tmp_path / "fast.xlsx").active
    assert ws is not None
    assert ws.cell(2, ledger.COL["respondents"] + 1).value == "甲&乙<丙>丁"
