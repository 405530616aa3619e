"""The 台账 import's party cells as offices really type them (numbers beside the name, labels,
a phone after the number) and an amount cell it cannot read (a misplaced thousands
separator): no ID number or phone ever becomes a name, and an unclear amount is a row error
(the amount cells themselves: tests/models/parsing/test_money.py)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from app.models.db import Database
from app.models.errors import ValidationError
from app.models.ledger_import import apply
from app.models.ledger_import.values import parse_parties
from app.models.parties import PartyInput, validate_parties, validate_party
from tests.models import ledger_sheets as sheets
from tests.models.helpers import LI, ZHANG, user
from tests.models.test_ledger_import import N, plan_for, simple

PHONE = "13998765432"
LANDLINE = "0571-88886666"
NAME_NUMBERS = re.compile(r"\d(?:[\s\-－]*\d){5,}")


# --------------------------------------------------------------------------------------
# Party cells


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (f"张三（{ZHANG}）电话{PHONE}", [("张三", ZHANG, PHONE)]),
        (f"张三 {ZHANG}", [("张三", ZHANG, "")]),
        (f"张三,身份证号{ZHANG}", [("张三", ZHANG, "")]),
        (f"张三，身份证号：{ZHANG}，电话：139-9876-5432", [("张三", ZHANG, PHONE)]),
        (f"张三（身份证：{ZHANG}，手机{PHONE}）", [("张三", ZHANG, PHONE)]),
        (
            f"张三 {ZHANG[:4]} {ZHANG[4:8]} {ZHANG[8:12]} {ZHANG[12:16]} {ZHANG[16:]}",
            [("张三", ZHANG, "")],
        ),
        (f"张三（{ZHANG.replace('0', '０')}）", [("张三", ZHANG, "")]),
        (f"张三 联系电话 {LANDLINE}", [("张三", "", LANDLINE)]),
        (f"张三{PHONE}、李四（{LI}）", [("张三", "", PHONE), ("李四", LI, "")]),
        (f"张三（{LI[:6]}********{LI[-4:]}）", [("张三", "", "")]),  # masked: nothing kept
        ("张三（户主）、电话：", [("张三", "", "")]),  # a label alone is no party
        # one in eleven resident IDs ends in X (upper or lower case, half or full width)
        ("黄光（33078119840911648X）", [("黄光", "33078119840911648X", "")]),
        ("黄光 33078119840911648x", [("黄光", "33078119840911648X", "")]),
        ("黄光，身份证号：33078119840911648Ｘ", [("黄光", "33078119840911648X", "")]),
    ],
)
def test_numbers_beside_a_name_are_taken_out_of_it(cell, expected):
    parties, _ = parse_parties(cell)
    assert [(p.name, p.id_number, p.phone) for p in parties] == expected


def test_numbers_that_are_neither_an_id_nor_a_phone_are_dropped_with_a_warning():
    parties, warnings = parse_parties(f"张三 {ZHANG}{ZHANG[:3]}、李四 123456")
    assert [(p.name, p.id_number) for p in parties] == [("张三", ""), ("李四", "")]
    assert len(warnings) == 2
    assert all("未导入" in w and "请导入后在当事人信息中填写" in w for w in warnings)
    assert warnings[0].startswith("“张三”") and warnings[1].startswith("“李四”")
    assert not any(ZHANG in w for w in warnings)  # warnings are kept with the import: masked


def test_a_second_number_of_one_person_is_named_not_guessed():
    parties, warnings = parse_parties(f"张三 {ZHANG} {LI} {PHONE} 13812345678")
    assert [(p.name, p.id_number, p.phone) for p in parties] == [("张三", ZHANG, PHONE)]
    assert len(warnings) == 2 and all("不止一个" in w for w in warnings)
    assert not any(LI in w or "13812345678" in w for w in warnings)


def test_messy_party_cells_import_without_a_number_in_any_name(
    office_db: Database, tmp_path: Path
) -> None:
    """The cells of a real hand-kept sheet: the number in brackets with a phone after it,
    after a space, after a comma with its label; a wrong number. The names are names, the
    numbers are where the forms and the search find them, and the row with the wrong number
    says what to do."""
    wrong = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")
    path = simple(
        tmp_path,
        [
            sheets.ledger_row(N.format(1), f"张三（{ZHANG}）电话{PHONE}", "李四"),
            sheets.ledger_row(N.format(2), f"王五 {LI}", f"赵六,手机{PHONE}"),
            sheets.ledger_row(N.format(3), f"钱七,身份证号{ZHANG}", "孙八"),
            sheets.ledger_row(N.format(4), f"周九 {wrong}", "吴十"),
        ],
    )
    plan = plan_for(office_db, path)
    assert plan.errors == []
    names = [[(p.name, p.id_number, p.phone) for p in c.parties] for c in plan.cases]
    assert names == [
        [("张三", ZHANG, PHONE), ("李四", "", "")],
        [("王五", LI, ""), ("赵六", "", PHONE)],
        [("钱七", ZHANG, ""), ("孙八", "", "")],
        [("周九", "", ""), ("吴十", "", "")],
    ]
    (row, warning), *_ = [(r, w) for r, w in plan.warnings if "证件号码未导入" in w]
    assert row == 5  # the sheet's row of 周九 (header in row 1)
    assert "请导入后在当事人信息中填写正确的号码" in warning
    apply(office_db, plan, by=user(office_db), skip_bad_rows=False, skip_duplicates=True)
    stored = office_db.column("SELECT name FROM parties ORDER BY name")
    assert not any(NAME_NUMBERS.search(n) for n in stored)
    assert not any(n.startswith(("身份证", "电话", "手机")) for n in stored)
    assert office_db.scalar("SELECT phone FROM parties WHERE name = '张三'") == PHONE
    assert office_db.scalar("SELECT sex FROM parties WHERE name = '王五'") == "女"


@pytest.mark.parametrize(
    "name",
    [f"张三{ZHANG}", f"张三 {PHONE}", "张三 139-9876-5432", "张三３３０１０２１９", "张三 3301 02"],
)
def test_a_name_holding_a_number_is_refused_with_the_field_named(name):
    with pytest.raises(ValidationError) as bad:
        validate_party(PartyInput(name=name, role="applicant"), label="申请人1")
    assert bad.value.field == "申请人1·姓名"
    assert bad.value.message == "申请人1：当事人姓名里不能有证件号码或电话，请填到对应的栏。"
    with pytest.raises(ValidationError) as bad:
        validate_party(PartyInput(name=f"青山农机厂{PHONE}", kind="org"), label="被申请人1")
    assert bad.value.field == "被申请人1·名称"


def test_a_name_may_hold_a_few_digits():
    """A house number or a team number in a name is not an ID: fewer than six digits."""
    p = validate_party(PartyInput(name="第3村民小组", kind="org"), label="申请人1")
    assert p.name == "第3村民小组"
    parties = validate_parties(
        [PartyInput(name="张三2", role="applicant"), PartyInput(name="李四", role="respondent")],
        today=date(2026, 11, 20),
    )
    assert parties[0].name == "张三2"


# --------------------------------------------------------------------------------------
# Amount cells


def test_an_unclear_amount_in_a_sheet_is_a_row_error(office_db: Database, tmp_path: Path) -> None:
    path = simple(
        tmp_path,
        [
            sheets.ledger_row(N.format(1), amount="1,2,3"),
            sheets.ledger_row(N.format(2), amount="12,000"),
        ],
    )
    plan = plan_for(office_db, path)
    assert [e.row for e in plan.errors] == [2]
    assert "逗号位置不对" in plan.errors[0].message
    assert [c.amount_fen for c in plan.cases] == [1_200_000]
