"""What the 台账 import must not do quietly (issue 11 review): results that do not say
written or oral, rows without a 被申请人, empty sheets, mediators the office has not
listed yet, "5.6" in a date column. Every sheet is made here by hand."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from app.models.db import Database
from app.models.errors import ColumnMappingError
from app.models.ledger_import import (
    ImportPlan,
    apply,
    detect_header,
    guess_mapping,
    header_names,
    open_workbook,
    preview,
)
from tests.conftest import TODAY
from tests.models import ledger_sheets as sheets
from tests.models.helpers import user

H = sheets.H


def plan_of(db: Database, path: Path) -> ImportPlan:
    wb = open_workbook(path)
    sheet = wb.sheet_names[0]
    row = detect_header(wb, sheet).row
    mapping = guess_mapping(header_names(wb, sheet, row))
    return preview(db, wb, sheet, row, mapping, today=TODAY)


def ledger(tmp_path: Path, rows: list[list[object]], name: str = "2023年台账.xlsx") -> Path:
    return sheets.simple_xlsx(tmp_path / name, sheets.LEDGER_HEADER, rows)


def test_a_result_that_does_not_say_written_or_oral_is_named_in_the_preview(office_db, tmp_path):
    closed = {"closed": "2023-05-20"}
    path = ledger(
        tmp_path,
        [
            sheets.ledger_row(H.format(1), "张三", outcome="调解成功", **closed),  # row 2
            sheets.ledger_row(H.format(2), "王五", outcome="达成书面协议", **closed),
            sheets.ledger_row(H.format(3), "赵六", outcome="成功", **closed),  # row 4
            sheets.ledger_row(H.format(4), "孙七", outcome="达成口头协议", **closed),
            sheets.ledger_row(H.format(5), "周八", outcome="部分达成", **closed),  # row 6
            sheets.ledger_row(H.format(6), "吴九", outcome="调解不成", **closed),
            sheets.ledger_row(H.format(7), "郑十", outcome="达成协议", **closed),
        ],
    )
    plan = plan_of(office_db, path)
    assert plan.errors == []
    assert [c.outcome for c in plan.cases] == [
        "agreement_written",
        "agreement_written",
        "agreement_written",
        "agreement_oral",
        "agreement_written",
        "terminated",
        "agreement_written",  # 协议 alone is the written one (口头协议 says so)
    ]
    assert plan.warnings == [
        (
            row,
            f"调解结果“{text}”没有写明是书面协议还是口头协议，按“达成书面协议”导入"
            "（统计中两者分别计数）。如是口头协议，"
            "请在J 列“调解结果”改成“达成口头协议”后重新导入。",
        )
        for row, text in ((2, "调解成功"), (4, "成功"), (6, "部分达成"))
    ]
    assert plan.agreement_note == (
        "调解结果只写“调解成功”等、没有写明书面或口头协议的 3 行（第2、4、6行）按“达成书面协议”"
        "导入。其中如有口头协议，请在表格中改成“达成口头协议”后重新导入。"
    )
    apply(office_db, plan, by=user(office_db), skip_bad_rows=False, skip_duplicates=True)
    outcomes = office_db.column("SELECT outcome FROM cases ORDER BY number")
    assert outcomes == [c.outcome for c in plan.cases]


def test_a_sheet_that_says_written_or_oral_everywhere_has_no_agreement_note(office_db, tmp_path):
    path = ledger(
        tmp_path,
        [sheets.ledger_row(H.format(1), outcome="达成口头协议", closed="2023-05-20")],
    )
    plan = plan_of(office_db, path)
    assert plan.warnings == [] and plan.agreement_note == ""


def test_a_row_without_a_respondent_is_named_as_a_case_of_parties(office_db, tmp_path):
    path = ledger(
        tmp_path,
        [
            sheets.ledger_row(H.format(1)),  # row 2: 张三 / 李四
            sheets.ledger_row(H.format(2), "王五", ""),  # row 3: nobody on the other side
            sheets.ledger_row(H.format(3), "赵六、孙七", ""),  # row 4
            sheets.ledger_row(H.format(4), "", ""),  # row 5: no party at all, an error
        ],
    )
    plan = plan_of(office_db, path)
    assert plan.bad_rows == [5]
    assert [[(p.name, p.role) for p in c.parties] for c in plan.cases] == [
        [("张三", "applicant"), ("李四", "respondent")],
        [("王五", "party")],
        [("赵六", "party"), ("孙七", "party")],
    ]
    warning = (
        "没有被申请人，按不分申请方、被申请方的“当事人”导入（如调委会主动调解的案件）。"
        "如有被申请人，请在F 列“被申请人”填上被申请人"
    )
    assert plan.warnings == [(3, warning), (4, warning)]
    assert plan.one_sided_note == (
        "没有被申请人的 2 行（第3、4行）按不分申请方、被申请方的“当事人”导入"
        "（如调委会主动调解的案件）。如有被申请人，请在表格中填上后重新导入。"
    )


def test_one_cell_for_both_sides_without_a_separator_says_how_to_split(office_db, tmp_path):
    header = ["案号", "当事人", "受理日期", "纠纷类型", "所在村"]
    path = sheets.simple_xlsx(
        tmp_path / "2023年台账.xlsx",
        header,
        [[H.format(1), "张三与李四", "2023-05-06", "邻里", "红旗村"],
         [H.format(2), "王五", "2023-05-07", "邻里", "红旗村"]],
    )  # fmt: skip
    plan = plan_of(office_db, path)
    assert plan.warnings == [
        (
            3,
            "没有被申请人，按不分申请方、被申请方的“当事人”导入（如调委会主动调解的案件）。"
            "如有被申请人，请在B 列“当事人”用“与”或“诉”分开双方（如“张三与李四”）",
        )
    ]


def test_previewing_an_empty_sheet_says_it_is_empty(office_db, tmp_path):
    path = sheets.simple_xlsx(tmp_path / "2023年台账.xlsx", sheets.LEDGER_HEADER, [])
    book = openpyxl.load_workbook(path)
    book.create_sheet("空表")
    book.save(path)
    wb = open_workbook(path)
    mapping = guess_mapping(header_names(wb, "台账", 1))
    with pytest.raises(ColumnMappingError) as caught:
        preview(office_db, wb, "空表", 1, mapping, today=TODAY)
    assert caught.value.message == (
        "工作表“空表”是空的，没有可以导入的内容。请选择别的工作表，或检查是否选错了文件。"
    )
    plan = preview(office_db, wb, "台账", 1, mapping, today=TODAY)  # its header alone
    assert (plan.cases, plan.errors, plan.summary) == ([], [], "共 0 行案件，可导入 0 件。")
