"""台账 as offices keep them by hand (issue 11): no 结案日期 column, dates without a year,
小计/合计/表尾 rows anywhere, a 案号 written twice, the same sheet as .xlsx, .xls and .csv.
Every count, every skipped row and every imported value is checked; so is what the rest of
the program makes of a closing whose date the sheet did not give."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.models import cases, ledger, register, search
from app.models.casefile import load_case
from app.models.db import Database
from app.models.ledger_import import (
    ImportPlan,
    apply,
    detect_header,
    guess_mapping,
    header_names,
    open_workbook,
    preview,
)
from app.models.ledger_import.mapping import column_letter
from app.models.ledger_import.plan import NEEDS_CLOSING_BASIS, closings_without_date
from app.models.ledger_import.values import row_kind
from app.models.stats import Period, indicators
from tests.conftest import TODAY
from tests.models import ledger_sheets as sheets
from tests.models.helpers import user

H = sheets.H
WRITERS = {
    "xlsx": lambda d: sheets.handmade_xlsx(d / "青山台账.xlsx"),
    "xls": lambda d: sheets.handmade_xls(d / "青山台账.xls"),
    "csv-gbk": lambda d: sheets.handmade_csv(d / "青山台账.csv", "gbk"),
    "csv-utf8-bom": lambda d: sheets.handmade_csv(d / "青山台账.csv", "utf-8-sig"),
}


def handmade(tmp_path: Path, kind: str = "xlsx") -> Path:
    return WRITERS[kind](tmp_path)


def plan_for(db: Database, path: Path, basis: str | None) -> ImportPlan:
    wb = open_workbook(path)
    sheet = wb.sheet_names[0]
    row = detect_header(wb, sheet).row
    mapping = guess_mapping(header_names(wb, sheet, row))
    return preview(db, wb, sheet, row, mapping, closing_basis=basis, today=TODAY)


def imported(db: Database, number: str) -> dict[str, Any]:
    row = db.one(
        "SELECT c.*, coalesce(v.name, '') AS village FROM cases c "
        "LEFT JOIN places v ON v.id = c.village_id WHERE c.number = ?",
        (number,),
    )
    assert row is not None, number
    return dict(row)


# (row, number, state, outcome, accepted = registered, closed_on, basis, amount, village,
#  parties_text, mediators_text, performance, facts, close_note) with 受理日期 as the basis
ACCEPTED_BASIS = [
    (4, H.format(1), "closed", "agreement_written", "2023-05-06", "2023-05-06", "accepted",
     1_200_000, "红旗村", "张三、李四", "王建华", "pending", "排水沟改道，雨水流入院内。", ""),
    (5, H.format(2), "closed", "agreement_oral", "2023-05-08", "2023-05-08", "accepted",
     350_000, "桃园村", "王五、赵六、孙七", "陈秀兰", "pending", "夫妻因抚养费发生争执。", ""),
    (6, H.format(3), "closed", "terminated", "2023-05-15", "2023-05-15", "accepted",
     None, "河东社区", "周八、吴九", "王建华", "na", "两家之间砌墙越界。", "已告知可向法院起诉"),
    (7, H.format(4), "mediating", None, "2023-05-20", None, "",
     None, "红旗村", "郑十、钱十一", "王建华", None, "拖欠工资三个月。", ""),
    (9, H.format(5), "closed", "withdrawn", "2023-06-03", "2023-06-03", "accepted",
     None, "桃园村", "冯一、陈二", "", "na", "电动车剐蹭，双方合计损失3000元。", "当事人自行和解"),
    (10, H.format(6), "closed", "agreement_written", "2023-06-09", "2023-06-09", "accepted",
     1_200_000, "河东社区", "褚三、卫四", "陈秀兰", "pending", "承包地边界不清。", ""),
    (15, H.format(7), "closed", "agreement_written", "2023-12-28", "2023-12-28", "accepted",
     None, "桃园村", "尤一、许二", "王建华", "pending", "树枝伸入邻家院内。", ""),
]  # fmt: skip


@pytest.mark.parametrize("kind", list(WRITERS))
def test_a_handmade_ledger_imports_the_same_from_every_format(office_db, tmp_path, kind):
    """The title row, the merged two-row header, seven spellings of a date, the 小计/合计
    rows in four different columns and the foot: as .xlsx, .xls and .csv (GBK, UTF-8 BOM)."""
    db = office_db
    path = handmade(tmp_path, kind)
    wb = open_workbook(path)
    sheet = wb.sheet_names[0]
    assert detect_header(wb, sheet).row == 3
    assert guess_mapping(header_names(wb, sheet, 3)) == sheets.HANDMADE_MAPPING

    plan = plan_for(db, path, "accepted")
    assert plan.year is not None
    assert (plan.year.year, plan.year.kind, plan.year.text) == (
        2023,
        "title",
        sheets.HANDMADE_TITLE,
    )
    assert plan.month_day_dates == 2  # 6月9日 and 12月28日 (the 调解日期 column is not read)
    assert plan.year_note == (
        "没有写年份的日期（如“5月6日”）2 个，按 2023 年读取"
        f"（年份取自表格标题“{sheets.HANDMADE_TITLE}”）。"
    )
    assert [(s.row, s.reason, column_letter(s.column), s.text) for s in plan.skipped] == (
        sheets.HANDMADE_SKIPPED
    )
    assert plan.skipped[0].message == "第8行：合计/小计行：C 列“5月小计”"
    assert plan.blank_rows == len(sheets.HANDMADE_BLANK_ROWS)
    assert plan.undated_closings == 8
    assert plan.closing_note == (
        "有调解结果、没有结案日期的 8 行：结案日期按受理日期记，"
        "案件中注明“按受理日期记，台账未载结案日期”。"
    )
    assert [e.row for e in plan.errors] == [12]
    assert plan.errors[0].message == (
        "第12行：所在村（社区）“幸福村”不在本所的村（社区）名单中。请先在“村居档案”中添加它"
        "（预览页可以直接添加），或把表格中的名称改成名单中已有的村名。"
    )
    assert plan.unknown_villages == {"幸福村": [12]}
    dups = {c.row: c.duplicate for c in plan.duplicates}
    assert sorted(dups) == [11, 13]
    assert dups[11] is not None and (dups[11].kind, dups[11].row) == ("file_number", 5)
    assert dups[11].reason.startswith(f"案件编号“{H.format(2)}”与第5行重复：同一编号只能有一件案件")
    assert "第5行本身有错误" not in dups[11].reason
    assert dups[13] is not None and (dups[13].kind, dups[13].row) == ("file_number", 12)
    assert dups[13].reason.endswith("第12行本身有错误，改正后才能导入")

    by_row = {c.row: c for c in plan.cases}
    assert sorted(by_row) == [4, 5, 6, 7, 9, 10, 11, 13, 15]
    assert by_row[15].number is None
    assert [(p.name, p.role) for p in by_row[5].parties] == [
        ("王五", "applicant"),
        ("赵六", "applicant"),
        ("孙七", "respondent"),
    ]

    result = apply(db, plan, by=user(db), skip_bad_rows=True, skip_duplicates=True)
    assert result.imported == 7
    assert result.skipped_bad_rows == (12,)
    assert result.skipped_duplicates == (11, 13)
    assert result.numbered == {15: H.format(7)}
    assert db.scalar("SELECT count(*) FROM cases") == 7
    for (row, number, state, outcome, accepted, closed, basis, amount, village, parties,
         mediators, performance, facts, note) in ACCEPTED_BASIS:  # fmt: skip
        got = imported(db, number)
        assert (
            got["state"], got["outcome"], got["registered_on"], got["accepted_on"],
            got["closed_on"], got["closed_on_basis"], got["amount_fen"], got["village"],
            got["parties_text"], got["mediators_text"], got["performance"], got["facts"],
            got["close_note"], got["category"] != "", got["source"],
        ) == (
            state, outcome, accepted, accepted, closed, basis, amount, village, parties,
            mediators, performance, facts, note, True, "application",
        ), row  # fmt: skip
        due = date.fromisoformat(accepted).toordinal() + 30
        assert got["due_on"] == date.fromordinal(due).isoformat()
    categories = db.column("SELECT category FROM cases ORDER BY number_seq")
    assert categories == [
        *("邻里", "婚姻家庭", "房屋宅基地", "劳动争议", "道路交通事故", "山林土地", "邻里"),
    ]
    first = load_case(db, str(imported(db, H.format(1))["id"]))
    assert first.events[0].data["closed_on_basis"] == "accepted"
    cells = json.loads(db.scalar("SELECT cells FROM import_rows WHERE case_id = ?", (first.id,)))
    assert cells["调解日期"] == "2023.5.20"  # the sheet's text is kept


def test_each_choice_for_closings_without_a_date(office_db, tmp_path):
    """Not chosen: those rows are errors that say which choice fixes them. 受理日期, the
    调解日期 column, or not recorded: each case marked with where its date came from."""
    db = office_db
    path = handmade(tmp_path)

    none = plan_for(db, path, None)
    undated = [4, 5, 6, 9, 10, 11, 13, 15]
    assert [e.row for e in none.errors] == [4, 5, 6, 9, 10, 11, 12, 13, 15]
    for e in none.errors:
        if e.row in undated:
            assert NEEDS_CLOSING_BASIS in e.message
    assert "或在“对应各列”一步选择这类案件的结案日期怎样记" in none.errors[0].message
    assert none.closing_note.endswith("还没有选择结案日期怎样记，这些行暂列为有错误的行。")
    assert [c.row for c in none.cases] == [7]  # the one still in mediation

    mediated = plan_for(db, path, "mediated")
    closed = {c.row: (c.closed_on, c.closed_on_basis) for c in mediated.cases}
    assert closed == {
        4: (date(2023, 5, 20), "mediated"),
        6: (date(2023, 6, 3), "mediated"),  # a bare serial, 45080
        7: (None, ""),
        9: (date(2023, 6, 10), "mediated"),  # 6月10日
        10: (date(2023, 6, 30), "mediated"),
        11: (date(2023, 6, 20), "mediated"),
        13: (date(2023, 6, 28), "mediated"),
        15: (date(2024, 1, 5), "mediated"),  # 1月5日 after 12月28日: the next year
    }
    assert mediated.month_day_dates == 5
    last = next(c for c in mediated.cases if c.row == 15)
    assert (
        "调解日期“1月5日”没有写年份，按 2023 年会早于前面的日期，读作 2024-01-05（跨年）。"
    ) in last.warnings
    assert last.closed_on_text == "2024-01-05（按调解日期）"
    row5 = next(e for e in mediated.errors if e.row == 5)
    assert row5.message == (
        "第5行：有调解结果，但结案日期和调解日期都没有填。请在表格中填上其中一个日期，"
        "或在“对应各列”一步改选结案日期“按受理日期记”或“不记载”。"
    )

    unrecorded = plan_for(db, path, "unrecorded")
    assert {c.row: (c.closed_on, c.closed_on_basis) for c in unrecorded.cases if c.outcome} == {
        row: (None, "unrecorded") for row in (4, 5, 6, 9, 10, 11, 13, 15)
    }
    assert unrecorded.cases[0].closed_on_text == "不记载"
    assert "统计时按受理日期计入结案数" in unrecorded.closing_note


def test_the_wizard_question_counts_the_rows_it_is_about(office_db, tmp_path):
    wb = open_workbook(handmade(tmp_path))
    sheet = wb.sheet_names[0]
    mapping = dict(sheets.HANDMADE_MAPPING)
    assert closings_without_date(wb, sheet, 3, mapping) == 8  # 调解中 and blank not counted
    without_result = {c: f for c, f in mapping.items() if f != "outcome"}
    assert closings_without_date(wb, sheet, 3, without_result) == 0
    mapping[10] = "closed_on"  # the user says the 调解日期 column is the closing date
    assert closings_without_date(wb, sheet, 3, mapping) == 1  # only row 5 has none


def test_a_mapped_closing_column_wins_over_the_choice(office_db, tmp_path):
    """With the 调解日期 column taken as 结案日期 the sheet's dates are closing dates, not
    marked; only the row without one is dated by the choice."""
    db = office_db
    path = handmade(tmp_path)
    wb = open_workbook(path)
    sheet = wb.sheet_names[0]
    mapping = dict(sheets.HANDMADE_MAPPING)
    mapping[10] = "closed_on"
    plan = preview(db, wb, sheet, 3, mapping, closing_basis="unrecorded", today=TODAY)
    marks = {c.row: (c.closed_on, c.closed_on_basis) for c in plan.cases if c.outcome}
    assert marks[4] == (date(2023, 5, 20), "")
    assert marks[5] == (None, "unrecorded")


# ---------------------------------------------------------------------------------------
# What the program makes of an imported closing without a date


def import_handmade(db: Database, tmp_path: Path, basis: str) -> None:
    plan = plan_for(db, handmade(tmp_path), basis)
    apply(db, plan, by=user(db), skip_bad_rows=True, skip_duplicates=True)


@pytest.mark.parametrize("basis", ["accepted", "unrecorded"])
def test_statistics_count_an_undated_closing_in_its_month_of_acceptance(office_db, tmp_path, basis):
    """docs/statistics.md: a closing the sheet gave no date counts where its 受理日期 is,
    exactly as if it had been dated by it; it is never an open (超期未结) case."""
    db = office_db
    import_handmade(db, tmp_path, basis)
    may = indicators(db, Period.month(2023, 5), today=TODAY)
    assert (may.accepted, may.closed, may.succeeded, may.mediated, may.terminated) == (
        4,
        3,
        2,
        3,
        1,
    )
    assert may.amount_fen == 1_200_000 + 350_000
    july = indicators(db, Period.month(2023, 7), today=TODAY)
    assert july.overdue_open == 1  # 郑十 (still in mediation); not the closed ones
    year = indicators(db, Period.year(2023), today=TODAY)
    assert (year.closed, year.succeeded, year.withdrawn, year.overdue_closed) == (6, 4, 1, 0)
    assert year.amount_fen == 2_750_000


def test_an_undated_closing_is_marked_wherever_the_date_is_shown(office_db, tmp_path):
    db = office_db
    import_handmade(db, tmp_path, "unrecorded")
    first = imported(db, H.format(1))
    assert (first["state"], first["closed_on"], first["closed_on_basis"]) == (
        "closed",
        None,
        "unrecorded",
    )
    case = load_case(db, str(first["id"]))
    assert case.closed_on is None
    assert case.closed_on_note == "未记载：导入的台账没有结案日期"
    assert case.agreement is None  # an agreement row needs the day it was signed
    rows = register.fetch_rows(db, [int(first["seq"])])
    assert rows[int(first["seq"])].closed_on_basis == "unrecorded"
    # 今日工作: no 结案后未回访 item without a closing date (and no crash reading one)
    assert register.worklist(db, today=TODAY).awaiting_follow_up == []
    # 司法确认 and 重新调解 work on such a case; reopening takes the mark away
    cases.record_judicial_confirmation(
        db,
        str(first["id"]),
        cases.ConfirmationInput(applied_on=date(2023, 6, 1), court="青山县人民法院"),
        by=user(db),
        today=TODAY,
    )
    cases.reopen_case(db, str(first["id"]), by=user(db), reason="当事人反悔", requested_by="张三")
    assert imported(db, H.format(1))["closed_on_basis"] == ""
    # the exported ledger leaves the date empty
    out = tmp_path / "导出.xlsx"
    assert ledger.export_ledger(db, out) == 7


def test_a_dated_closing_says_where_its_date_came_from(office_db, tmp_path):
    db = office_db
    import_handmade(db, tmp_path, "accepted")
    case = load_case(db, str(imported(db, H.format(1))["id"]))
    assert case.closed_on == date(2023, 5, 6)
    assert case.closed_on_note == "按受理日期记，导入的台账没有结案日期"
    assert case.agreement is not None and case.agreement.signed_on == date(2023, 5, 6)
    entered = imported(db, H.format(4))  # still in mediation: nothing to say
    assert load_case(db, str(entered["id"])).closed_on_note == ""


def test_imported_search_rows_are_what_a_reindex_writes(office_db, tmp_path):
    """The import builds every search row itself (in bulk); they must be the rows
    search.reindex_case would write for the stored case."""
    db = office_db
    import_handmade(db, tmp_path, "mediated")
    written = {r[0]: r[1] for r in db.query("SELECT rowid, body FROM case_search")}
    assert len(written) == 6
    with db.transaction() as conn:
        for case_id in db.column("SELECT id FROM cases"):
            search.reindex_case(conn, case_id)
    again = {r[0]: r[1] for r in db.query("SELECT rowid, body FROM case_search")}
    assert {seq: sorted(body.split()) for seq, body in written.items()} == {
        seq: sorted(body.split()) for seq, body in again.items()
    }
    seq = int(imported(db, H.format(1))["seq"])
    for query in ("张三", "zhangsan", "zs", "青山调字第1号", "红旗村", "排水沟"):
        assert seq in search.search_case_seqs(db.conn, query), query


# ---------------------------------------------------------------------------------------
# Dates without a year


def year_sheet(tmp_path: Path, name: str, sheet: str, rows: list[list[object]]) -> Path:
    header = ["案号", "申请人", "被申请人", "受理日期", "纠纷类型", "所在村"]
    return sheets.simple_xlsx(tmp_path / name, header, rows, sheet=sheet)


@pytest.mark.parametrize(
    ("file_name", "sheet", "kind"),
    [("2023年台账.xlsx", "台账", "file"), ("台账.xlsx", "2023年", "sheet")],
)
def test_the_year_comes_from_the_sheet_or_file_name(office_db, tmp_path, file_name, sheet, kind):
    path = year_sheet(
        tmp_path, file_name, sheet, [[H.format(1), "张三", "李四", "5月6日", "邻里", "红旗村"]]
    )
    plan = plan_for(office_db, path, None)
    assert plan.errors == []
    assert plan.cases[0].accepted_on == date(2023, 5, 6)
    assert plan.year is not None and (plan.year.year, plan.year.kind) == (2023, kind)
    where = f"文件名“{file_name}”" if kind == "file" else f"工作表名“{sheet}”"
    assert f"按 2023 年读取（年份取自{where}）" in plan.year_note


def test_a_csv_takes_the_year_from_its_file_name(office_db, tmp_path):
    path = tmp_path / "2023年调解台账.csv"
    path.write_text(
        "案号,申请人,被申请人,受理日期,纠纷类型,所在村\n"
        f"{H.format(1)},张三,李四,5月6日,邻里,红旗村\n",
        encoding="gbk",
    )
    plan = plan_for(office_db, path, None)
    assert plan.cases[0].accepted_on == date(2023, 5, 6)
    assert plan.year is not None and (plan.year.kind, plan.year.text) == ("file", path.name)


def test_the_year_comes_from_the_neighbouring_rows(office_db, tmp_path):
    """No year in the title, the sheet or the file: the nearest row with a whole date."""
    path = year_sheet(
        tmp_path,
        "台账.xlsx",
        "台账",
        [
            [H.format(1), "张三", "李四", "2022-12-20", "邻里", "红旗村"],
            [H.format(2), "王五", "赵六", "12月28日", "邻里", "红旗村"],
            [H.format(3), "孙七", "周八", "2023-01-03", "邻里", "红旗村"],
            [H.format(4), "吴九", "郑十", "1月5日", "邻里", "红旗村"],
        ],
    )
    plan = plan_for(office_db, path, None)
    assert plan.year is None
    assert [c.accepted_on for c in plan.cases] == [
        date(2022, 12, 20),
        date(2022, 12, 28),  # row 2 above it: 2022
        date(2023, 1, 3),
        date(2023, 1, 5),  # row 4 above it: 2023
    ]
    assert plan.neighbour_dates == 2
    assert plan.cases[1].warnings == (
        "受理日期“12月28日”没有写年份，按相邻第2行的年份读作 2022-12-28。",
    )
    assert "2 个没有写年份的日期按相邻行的年份读取" in plan.year_note


def test_no_year_anywhere_is_an_error_that_says_where_to_write_one(office_db, tmp_path):
    path = year_sheet(
        tmp_path, "台账.xlsx", "台账", [[H.format(1), "张三", "李四", "5月6日", "邻里", "红旗村"]]
    )
    plan = plan_for(office_db, path, None)
    assert plan.errors[0].message == (
        "第2行：受理日期：“5月6日”没有写年份，表格标题、工作表名、文件名和相邻各行中也找不到年份。"
        "请在表格中写上年份（如 2023年5月6日），或把年份写进表格标题或工作表名"
        "（如“2023年调解台账”）。"
    )


def test_a_title_naming_two_years_does_not_decide(office_db, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "2023年"
    ws.append(["青山镇2022—2023年度调解台账"])
    ws.append(["案号", "申请人", "被申请人", "受理日期", "纠纷类型", "所在村"])
    ws.append([H.format(1), "张三", "李四", "5月6日", "邻里", "红旗村"])
    wb.save(tmp_path / "t.xlsx")
    plan = plan_for(office_db, tmp_path / "t.xlsx", None)
    assert plan.year is not None and (plan.year.year, plan.year.kind) == (2023, "sheet")


DOTTED_ROWS: list[list[object]] = [
    # registered, accepted, closed as typed; the outcome closes the case
    ["5.6", "5.06", "5.20"],  # text cells (row 3 below the title and header)
    [5.6, 5.08, 12.31],  # number cells, as Excel keeps "5.6" typed into a General cell
    [5.1, 5.1, ""],  # a number shown 5.1: the 1st, with a 提醒 that 5.10 is shown so too
    [45061, "2023.5.16", ""],  # a serial stays a serial
    ["13.5", "5.6", ""],  # no 13th month
    ["2.30", "2.30", ""],
    [13.5, "", ""],
]


def dotted_sheet(tmp_path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "调解台账"
    ws.append(["青山镇2023年矛盾纠纷调解台账"])
    ws.append(sheets.LEDGER_HEADER)
    for i, (registered, accepted, closed) in enumerate(DOTTED_ROWS, start=1):
        outcome = "达成书面协议" if closed else ""
        ws.append(
            sheets.ledger_row(
                H.format(i),
                f"申请人{i}",
                registered=registered,
                accepted=accepted,
                closed=closed,
                outcome=outcome,
            )
        )
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    return path


def test_dates_written_month_dot_day_take_the_year_of_the_sheet(office_db, tmp_path):
    plan = plan_for(office_db, dotted_sheet(tmp_path), None)
    cases = {c.row: (c.registered_on, c.accepted_on, c.closed_on) for c in plan.cases}
    assert cases == {
        3: (date(2023, 5, 6), date(2023, 5, 6), date(2023, 5, 20)),
        4: (date(2023, 5, 6), date(2023, 5, 8), date(2023, 12, 31)),
        5: (date(2023, 5, 1), date(2023, 5, 1), None),
        6: (date(2023, 5, 15), date(2023, 5, 16), None),
    }
    assert plan.year is not None and (plan.year.year, plan.year.kind) == (2023, "title")
    assert plan.month_day_dates == 9  # (row 7's 受理日期 too: its other date is wrong)
    assert plan.year_note == (
        "没有写年份的日期（如“5月6日”“5.6”）9 个，按 2023 年读取"
        "（年份取自表格标题“青山镇2023年矛盾纠纷调解台账”）。"
    )
    by_row = {c.row: c for c in plan.cases}
    assert by_row[3].warnings == by_row[4].warnings == ()
    tenth = (
        "在表格中是数字，读作 2023-05-01（5月1日）。如原本写的是 5.10（5月10日），"
        "Excel 会把它显示成 5.1，请在表格中改写成“5月10日”后重新导入。"
    )
    assert by_row[5].warnings == (f"登记日期“5.1”{tenth}", f"受理日期“5.1”{tenth}")
    how = "请写成“月.日”（如 5.6 即5月6日）或 2023年5月6日 这样的格式"
    assert [e.message for e in plan.errors] == [
        f"第7行：登记日期：“13.5”不是日期（没有13月），{how}。",
        f"第8行：登记日期：“2.30”不是日期（2月没有30日），{how}；"
        f"受理日期：“2.30”不是日期（2月没有30日），{how}。",
        f"第9行：登记日期：“13.5”不是日期（没有13月），{how}。",
    ]


def test_a_csv_reads_month_dot_day_in_the_year_of_its_file_name(office_db, tmp_path):
    path = tmp_path / "2023年调解台账.csv"
    path.write_text(
        "案号,申请人,被申请人,受理日期,结案日期,调解结果,纠纷类型,所在村\n"
        f"{H.format(1)},张三,李四,5.6,6.12,调解成功,邻里,红旗村\n"
        f"{H.format(2)},王五,赵六,12.31,,,邻里,红旗村\n"
        f"{H.format(3)},孙七,周八,2.29,,,邻里,红旗村\n",
        encoding="gbk",
    )
    plan = plan_for(office_db, path, None)
    assert [(c.row, c.accepted_on, c.closed_on) for c in plan.cases] == [
        (2, date(2023, 5, 6), date(2023, 6, 12)),
        (3, date(2023, 12, 31), None),
    ]
    assert plan.cases[0].warnings[0].startswith("调解结果“调解成功”没有写明")  # no date 提醒
    assert plan.year is not None and (plan.year.kind, plan.year.text) == ("file", path.name)
    assert "没有写年份的日期（如“5月6日”“5.6”）3 个，按 2023 年读取" in plan.year_note
    assert [e.message for e in plan.errors] == [
        "第4行：受理日期：“2.29”不是存在的日期（按 2023 年），请核对月、日。"
    ]


# ---------------------------------------------------------------------------------------
# Rows that are not cases


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        (["", "", "小计", "", "5件"], "total"),
        (["上半年小计", "", "", "", ""], "total"),
        (["", "5月份小计", "", "", ""], "total"),
        (["", "", "", "", "合计："], "total"),
        (["合计（件）", "", "", "", "35"], "total"),
        (["", "总计 35件", "", "", ""], "total"),
        (["", "", "本月合计", "", ""], "total"),
        (["共计", "", "", "", ""], "total"),
        (["", "", "", "制表人：李主任", ""], "footer"),
        (["", "填报人 张三", "", "", "填报日期：2023年8月1日"], "footer"),
        (["审核人：", "", "", "", ""], "footer"),
        (["", "", "填报单位：青山镇司法所", "", ""], "footer"),
        (["注：本表每月5日前报送。", "", "", "", ""], "footer"),
        (["", "", "", "", "单位负责人：王所长"], "footer"),
        (["", "", "", "", ""], "blank"),
    ],
)
def test_totals_and_footers_in_any_column(cells, kind):
    found = row_kind(cells, party_columns=(1, 2))
    assert found is not None and found.kind == kind


@pytest.mark.parametrize(
    "cells",
    [
        ["（2023）青山调字第1号", "张三", "李四", "", "双方合计损失3000元。"],
        ["（2023）青山调字第1号", "张三", "李四", "", "说明：已调解两次。"],
        ["（2023）青山调字第1号", "审核", "李四", "", ""],  # a name, however odd
    ],
)
def test_a_case_row_that_mentions_a_total_is_a_case(cells):
    assert row_kind(cells, party_columns=(1, 2)) is None


def test_a_header_repeated_inside_the_sheet_is_skipped(office_db, tmp_path):
    rows: list[list[object]] = [
        sheets.ledger_row(H.format(1)),
        list(sheets.LEDGER_HEADER),
        sheets.ledger_row(H.format(2), "王五", "赵六"),
    ]
    plan = plan_for(
        office_db, sheets.simple_xlsx(tmp_path / "t.xlsx", sheets.LEDGER_HEADER, rows), None
    )
    assert [c.row for c in plan.cases] == [2, 4]
    assert [(s.row, s.reason) for s in plan.skipped] == [(3, "重复的表头行")]


def test_rows_with_only_a_serial_number_are_blank(office_db, tmp_path):
    """Templates number their rows in advance: a row with only its 序号 is not a case."""
    header = ["序号", *sheets.LEDGER_HEADER]
    rows: list[list[object]] = [[1, *sheets.ledger_row(H.format(1))], [2], [3], [4]]
    plan = plan_for(office_db, sheets.simple_xlsx(tmp_path / "t.xlsx", header, rows), None)
    assert [c.row for c in plan.cases] == [2]
    assert plan.errors == []
    assert plan.blank_rows == 3


# ---------------------------------------------------------------------------------------
# A 案号 written twice


def test_every_later_use_of_a_number_names_the_first_row(office_db, tmp_path):
    rows = [
        sheets.ledger_row(H.format(1), "张三", "李四"),  # 2: the case
        sheets.ledger_row(H.format(1), "王五", "赵六"),  # 3: duplicate of 2
        sheets.ledger_row(H.format(2), "孙七", "周八", village="幸福村"),  # 4: an error itself
        sheets.ledger_row(H.format(2), "吴九", "郑十"),  # 5: duplicate of 4
        sheets.ledger_row(H.format(1), "冯一", "陈二", registered="去年"),  # 6: dup + error
        sheets.ledger_row("（２０２３）青山调字第１号", "褚三", "卫四"),  # 7: full-width twin of 2
    ]
    plan = plan_for(
        office_db, sheets.simple_xlsx(tmp_path / "t.xlsx", sheets.LEDGER_HEADER, rows), None
    )
    dups = {c.row: c.duplicate for c in plan.duplicates}
    assert {row: (d.kind, d.row) for row, d in dups.items() if d} == {
        3: ("file_number", 2),
        5: ("file_number", 4),
        7: ("file_number", 2),
    }
    errors = {e.row: e.message for e in plan.errors}
    assert sorted(errors) == [4, 6]
    assert errors[6].startswith(f"第6行：案件编号“{H.format(1)}”与第2行重复")
    assert "登记日期：“去年”不是可识别的日期" in errors[6]
    assert dups[5] is not None and "第4行本身有错误，改正后才能导入" in dups[5].reason
    result = apply(office_db, plan, by=user(office_db), skip_bad_rows=True, skip_duplicates=False)
    assert result.imported == 1  # blocking: a number is never imported twice
    assert result.skipped_bad_rows == (3, 4, 5, 6, 7)


# ---------------------------------------------------------------------------------------
# Every error says what to do


BAD_ROWS: list[tuple[dict[str, object], str]] = [
    ({"registered": "2023.13.5", "accepted": ""}, "请核对年、月、日"),
    ({"registered": "去年", "accepted": ""}, "请写成 2023-05-06 或 2023年5月6日"),
    ({"registered": "2027-01-01", "accepted": ""}, "晚于今天，请核对年份"),
    ({"registered": "1998-01-01", "accepted": ""}, "太早了，请核对年份"),
    ({"registered": "", "accepted": ""}, "请在表格中填上登记日期或受理日期"),
    ({"applicant": "", "respondent": ""}, "请在E 列“申请人”填上当事人的姓名"),
    ({"applicant": ""}, "请在E 列“申请人”填上申请人"),
    ({"applicant": "张" * 61}, "请检查是否少了分隔符"),
    ({"village": "幸福村"}, "请先在“村居档案”中添加它"),
    ({"outcome": "还行吧"}, "请写成“调解成功”“达成口头协议”“调解不成”“撤回”或“调解中”"),
    ({"closed": "2023-06-01"}, "请在调解结果一栏填“调解成功”"),
    ({"closed": "2023-06-01", "outcome": "调解中"}, "请改正调解结果，或删去结案日期"),
    ({"closed": "2023-05-01", "outcome": "调解成功"}, "早于受理日期（2023-05-06），请核对"),
    ({"registered": "2023-05-08", "accepted": "2023-05-06"}, "请核对这两个日期"),
    ({"outcome": "调解成功"}, "或在“对应各列”一步选择这类案件的结案日期怎样记"),
    ({"amount": "很多"}, "请写成 12000 或 1.2万元"),
    ({"amount": "-500"}, "请改为正数"),
    ({"amount": 20_000_000_000}, "请核对单位和小数点"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "advice"), BAD_ROWS)
def test_every_error_says_what_to_change(office_db, tmp_path, change, advice):
    kw = dict(change)
    applicant = str(kw.pop("applicant", "张三"))
    respondent = str(kw.pop("respondent", "李四"))
    row = sheets.ledger_row(H.format(1), applicant, respondent, **kw)
    plan = plan_for(
        office_db, sheets.simple_xlsx(tmp_path / "t.xlsx", sheets.LEDGER_HEADER, [row]), None
    )
    assert len(plan.errors) == 1, plan.cases
    message = plan.errors[0].message
    assert advice in message
    assert "请" in message


@pytest.mark.parametrize(
    ("state", "extra", "advice"),
    [
        ("已登记", {"outcome": "调解成功", "closed": "2023-06-01"}, "请改正状态，或删去调解结果"),
        ("调解中", {"outcome": "调解成功", "closed": "2023-06-01"}, "请改正状态（如“已结案”）"),
        ("已登记", {}, "请删去编号，或把状态改为“已受理”"),
        ("已归档", {}, "请补上调解结果"),
        ("好像办完了", {}, "请写成“已受理”“调解中”“已结案”“已归档”等"),
    ],
)  # fmt: skip
def test_contradicting_states_say_what_to_change(office_db, tmp_path, state, extra, advice):
    header = [*sheets.LEDGER_HEADER, "状态"]
    row = [*sheets.ledger_row(H.format(1), **extra), state]
    plan = plan_for(office_db, sheets.simple_xlsx(tmp_path / "t.xlsx", header, [row]), None)
    assert len(plan.errors) == 1
    assert advice in plan.errors[0].message


def test_names_read_character_by_character_read_as_pypinyin_reads_them_whole():
    """The search row of an imported case reads a name's characters one by one from a cache
    when no part of the name is in pypinyin's phrase dictionary (search._said_alone_each):
    what pypinyin then says for the whole name, for every name of the bench's lists."""
    import random

    from pypinyin import Style, lazy_pinyin

    from bench import content

    rng = random.Random(7)
    chars = content.GIVEN_MALE + content.GIVEN_FEMALE + content.GIVEN_ANY
    surnames = [s for s, _ in content.SURNAMES] + ["单", "覃", "区", "仇", "解", "曾", "万俟"]
    names = {
        rng.choice(surnames) + "".join(rng.choice(chars) for _ in range(rng.randrange(1, 4)))
        for _ in range(3000)
    }
    names |= {
        "于思华",
        "曾国藩",
        "单晓明",
        "张𠮷祥",
        "重庆",
        "长孙无忌",
        "青山县宏达建筑工程有限公司",
    }

    def whole(name: str) -> list[str]:
        return lazy_pinyin(name, style=Style.NORMAL, errors=search._KEEP_EACH, v_to_u=False)

    by_character = {n: search._said_alone_each(n) for n in names}
    assert by_character["张𠮷祥"] == ["zhang", "𠮷", "xiang"]
    assert by_character["于思华"] is None  # 于思 is a word: pypinyin reads it yu sai
    assert by_character["重庆"] is None
    assert sum(v is not None for v in by_character.values()) > len(names) * 0.8
    assert {n: v for n, v in by_character.items() if v is not None and v != whole(n)} == {}


def test_a_number_already_in_the_database_is_found_however_it_is_written(office_db, tmp_path):
    """(2023) with half-width brackets, or full-width digits: the committee's own number."""
    from tests.models.helpers import register

    db = office_db
    existing = register(db, registered_on=date(2023, 5, 1))
    number = cases.accept_case(db, existing, by=user(db), accepted_on=date(2023, 5, 2), today=TODAY)
    assert number == H.format(1)
    rows = [
        sheets.ledger_row("(2023)青山调字第1号", "王五", "赵六"),
        sheets.ledger_row(
            "（２０２３）青山调字第１号", "孙七", "周八", registered="2023-05-07", accepted=""
        ),
        sheets.ledger_row("(2023)青山调字第2号", "吴九", "郑十"),
    ]
    plan = plan_for(db, sheets.simple_xlsx(tmp_path / "t.xlsx", sheets.LEDGER_HEADER, rows), None)
    kinds = {
        c.row: (c.duplicate.kind, c.duplicate.case_id) if c.duplicate else None for c in plan.cases
    }
    assert kinds == {2: ("number", existing), 3: ("file_number", None), 4: None}


@pytest.mark.parametrize("role", ["applicant", "respondent", "party"])
@pytest.mark.parametrize(("name", "kind"), [("张三", "person"), ("青山县宏达建筑有限公司", "org")])
def test_a_name_alone_is_the_party_the_case_window_would_save(role, name, kind):
    """The preview makes a party of a bare name without validate_party (a sixth of its time
    went there): it must be exactly what validate_party returns for it."""
    from app.models.ledger_import.plan import _bare_party
    from app.models.parties import PartyInput, validate_party

    expected = validate_party(PartyInput(name=name, role=role, kind=kind), label="申请人1")
    made = _bare_party(name, role, kind)
    assert made == expected
    assert vars(made) == vars(expected)
