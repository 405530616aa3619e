"""Registry spreadsheets: templates, export, import with per-row errors, all-or-nothing apply.

Every spreadsheet here is built with openpyxl in the test; there are no binary fixtures."""

from __future__ import annotations

import io
import os
import sqlite3
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.models import office
from app.models import registries as reg
from app.models.db import Database, connect
from app.models.errors import (
    ImportFailedError,
    ImportRejectedError,
    SheetColumnsError,
    SheetFileError,
)
from app.models.registries import sheets as rs
from tests.helpers import fill_demo, new_database
from tests.models.helpers import user

Kind = reg.RegistryKind[Any]

TODAY = date(2026, 11, 20)


def _dump(db: Database) -> list[str]:
    return list(db.conn.iterdump())


def _village(db: Database, name: str = "红旗村") -> str:
    return next(v.id for v in office.villages(db) if v.name == name)


def _sheet(
    kind: Kind,
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[object] | None = None,
    above: Sequence[Sequence[object]] = (),
) -> bytes:
    """A workbook as an office would make it: the template, filled in from row 2 (or a
    sheet of its own with ``header`` and title rows ``above``)."""
    if header is None:
        wb = openpyxl.load_workbook(io.BytesIO(rs.template_xlsx(kind)))
        ws = wb[kind.sheet]
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        for r in above:
            ws.append(list(r))
        ws.append(list(header))
    start = ws.max_row + 1 if header is not None else 2
    for i, values in enumerate(rows):
        for j, value in enumerate(values, start=1):
            ws.cell(row=start + i, column=j, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _office(db: Database) -> Database:
    office.setup_office(
        db,
        committee_name="青山镇人民调解委员会",
        abbr="青山",
        town_name="青山镇",
        villages=["红旗村", "桃园村", "河东社区"],
        user_name="李主任",
        password="qingshan26",
    )
    return db


@pytest.fixture
def empty_office(tmp_path: Path) -> Any:
    """A second office, set up like the first, with empty registries."""
    db = connect(tmp_path / "other.sqlite3")
    yield _office(db)
    db.close()


# What each registry holds, without ids: the same after export → import.
SNAPSHOTS: dict[Kind, Callable[[Database], list[tuple[object, ...]]]] = {
    reg.MEDIATORS: lambda db: [
        (m.name, m.committee_name, m.phone, m.full_time, m.specialities)
        for m in reg.MEDIATORS.list(db)
    ],
    reg.GRID_WORKERS: lambda db: [
        (w.village_name, w.grid_name, w.name, w.phone) for w in reg.GRID_WORKERS.list(db)
    ],
    reg.LEGAL_ADVISERS: lambda db: [
        (a.village_name, a.name, a.phone, a.area) for a in reg.LEGAL_ADVISERS.list(db)
    ],
    reg.TALK_POINTS: lambda db: [
        (t.village_name, t.name, t.address, t.hours, t.staff, t.phone)
        for t in reg.TALK_POINTS.list(db)
    ],
    reg.HOUSEHOLDS: lambda db: [
        (h.village_name, h.grid_name, h.house_number, h.head_name, h.phone, h.members, h.notes)
        for h in reg.HOUSEHOLDS.list(db)
    ],
    reg.BROADCASTS: lambda db: [
        (s.village_name, s.play_on, s.play_at, s.reader) for s in reg.BROADCASTS.list(db)
    ],
}

# Rows as an office types them into the template, and what the registry then holds (villages
# in the office's order: 红旗村, 桃园村, 河东社区 as the set-up entered them).
FILLED: dict[Kind, tuple[list[list[object]], list[tuple[object, ...]]]] = {
    reg.MEDIATORS: (
        [
            ["刘春梅", "青山镇人民调解委员会", 13905710004, "否", "婚姻家庭"],
            ["赵德胜", "青山镇人民调解委员会", "139-0571-0003", "是", None],
        ],
        [
            ("赵德胜", "青山镇人民调解委员会", "13905710003", True, ""),
            ("刘春梅", "青山镇人民调解委员会", "13905710004", False, "婚姻家庭"),
        ],
    ),
    reg.GRID_WORKERS: (
        [["红旗村", "第二网格", "张海燕", "13905710011"], ["桃园村", "第一网格", "李明亮", None]],
        [
            ("红旗村", "第二网格", "张海燕", "13905710011"),
            ("桃园村", "第一网格", "李明亮", ""),
        ],
    ),
    reg.LEGAL_ADVISERS: (
        [
            ["红旗村", "李春梅", "13905710021", "一组、二组"],
            ["红旗村", "赵永红", None, "三组"],
            ["河东社区", "孙文军", 13905710023, None],
        ],
        [
            ("红旗村", "李春梅", "13905710021", "一组、二组"),
            ("红旗村", "赵永红", "", "三组"),
            ("河东社区", "孙文军", "13905710023", ""),
        ],
    ),
    reg.TALK_POINTS: (
        [["红旗村", None, "红旗村村委会一楼", "每周一、三、五上午", "王建华", "0571-87654321"]],
        [
            (
                "红旗村",
                "红旗村评理说事点",
                "红旗村村委会一楼",
                "每周一、三、五上午",
                "王建华",
                "0571-87654321",
            )
        ],
    ),
    reg.HOUSEHOLDS: (
        [
            [
                "红旗村",
                "第一网格",
                "10",
                "王德胜",
                "13905710031",
                "王芳（配偶）、王小明（子）",
                None,
            ],
            ["红旗村", "第一网格", "3-1", "李四", None, None, "独居老人"],
            ["红旗村", "第一网格", 2, "赵六", None, "赵小红(女)", None],
        ],
        [
            ("红旗村", "第一网格", "2", "赵六", "", (reg.Member("赵小红", "女"),), ""),
            ("红旗村", "第一网格", "3-1", "李四", "", (), "独居老人"),
            (
                "红旗村",
                "第一网格",
                "10",
                "王德胜",
                "13905710031",
                (reg.Member("王芳", "配偶"), reg.Member("王小明", "子")),
                "",
            ),
        ],
    ),
    reg.BROADCASTS: (
        [
            ["红旗村", datetime(2026, 12, 8), time(7, 30), "赵德胜"],
            ["红旗村", "2026/12/1", "18点半", None],
            ["桃园村", date(2026, 12, 1), "07:30", "李春梅"],
        ],
        [
            ("红旗村", date(2026, 12, 1), "18:30", ""),
            ("红旗村", date(2026, 12, 8), "07:30", "赵德胜"),
            ("桃园村", date(2026, 12, 1), "07:30", "李春梅"),
        ],
    ),
}


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize("kind", list(rs.KINDS), ids=lambda k: k.key)
def test_template_has_a_styled_header_widths_and_instructions(kind: Kind) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(rs.template_xlsx(kind)))
    title = kind.sheet
    assert wb.sheetnames[:2] == [title, "填写说明"]
    ws = wb[title]
    headers = [c.value for c in ws[1] if c.value]
    assert headers == list(kind.sheet_spec.headers)
    assert all(c.font.bold and c.fill.fgColor.rgb.endswith("DDEBF7") for c in ws[1] if c.value)
    assert ws.freeze_panes == "A2"
    assert all(ws.column_dimensions[c.column_letter].width >= 8 for c in ws[1] if c.value)
    assert ws.max_row > 1 and all(c.value is None for c in ws[2])  # no example among the data
    guide = wb["填写说明"]
    text = "\n".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    for col in kind.sheet_spec.columns:
        assert col.header in text
    example = [r for r in guide.iter_rows() if r[0].value == headers[0]][-1][0].row + 1
    cells = [c for c in guide[example] if c.value]
    assert cells and all(c.font.italic and c.font.color.rgb.endswith("808080") for c in cells)


def test_template_drop_downs_and_text_columns(office_db: Database) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(rs.template_xlsx(reg.MEDIATORS)))
    ws = wb["调解员"]
    [yes_no] = ws.data_validations.dataValidation
    assert yes_no.formula1 == '"是,否"' and "D2" in str(yes_no.sqref)
    assert ws["C2"].number_format == "@"  # phones stay text
    wb = openpyxl.load_workbook(io.BytesIO(rs.template_xlsx(reg.HOUSEHOLDS, db=office_db)))
    ws = wb["住户"]
    assert ws["C2"].number_format == "@"  # house numbers: 3-1 never becomes a date
    [villages] = ws.data_validations.dataValidation
    assert "A2" in str(villages.sqref) and "村社区列表" in villages.formula1
    names = [r[0].value for r in wb["村社区列表"].iter_rows()]
    assert names == [v.name for v in office.villages(office_db)]
    assert wb["村社区列表"].sheet_state == "hidden"


@pytest.mark.parametrize("kind", list(rs.KINDS), ids=lambda k: k.key)
def test_filled_template_imports_the_same_rows(office_db: Database, kind: Kind) -> None:
    by = user(office_db)
    for village in ("红旗村", "桃园村"):
        reg.GRIDS.add(office_db, by=by, village_id=_village(office_db, village), name="第一网格")
    rows, expected = FILLED[kind]
    preview = rs.read_sheet(office_db, _sheet(kind, rows), kind, file_name="填好的表.xlsx")
    assert preview.errors == () and preview.duplicates == ()
    assert len(preview.rows) == len(rows)
    assert [r.row for r in preview.rows] == list(range(2, 2 + len(rows)))
    kept = [x for x in SNAPSHOTS[kind](office_db)]
    result = rs.apply_import(office_db, preview, by=by, skip_bad_rows=False)
    assert result.imported == len(rows)
    added = [x for x in SNAPSHOTS[kind](office_db) if x not in kept]
    assert added == expected


def test_a_grid_the_office_does_not_have_is_created_once(office_db: Database) -> None:
    rows = [
        ["红旗村", "第五网格", "1", "王德胜"],
        ["红旗村", "第五网格", "2", "李四"],
        ["桃园村", "第五网格", "1", "赵六"],
    ]
    preview = rs.read_sheet(office_db, _sheet(reg.HOUSEHOLDS, rows), reg.HOUSEHOLDS)
    assert [(g.village_name, g.name) for g in preview.new_grids] == [
        ("红旗村", "第五网格"),
        ("桃园村", "第五网格"),
    ]
    assert reg.GRIDS.list(office_db) == []  # reading writes nothing
    result = rs.apply_import(office_db, preview, by=user(office_db), skip_bad_rows=False)
    assert result.grids_created == ("红旗村 第五网格", "桃园村 第五网格")
    assert [(g.village_name, g.name) for g in reg.GRIDS.list(office_db)] == [
        ("红旗村", "第五网格"),
        ("桃园村", "第五网格"),
    ]
    assert len(reg.HOUSEHOLDS.list(office_db)) == 3


# --------------------------------------------------------------------------- export


@pytest.fixture
def demo_db(tmp_path: Path) -> Any:
    db = new_database(tmp_path / "demo.sqlite3")
    fill_demo(db, today=TODAY, count=8)
    yield db
    db.close()


@pytest.mark.parametrize("kind", list(rs.KINDS), ids=lambda k: k.key)
def test_export_then_import_into_an_empty_office_gives_the_same_registry(
    demo_db: Database, empty_office: Database, kind: Kind
) -> None:
    if kind == reg.MEDIATORS:  # the demo's village committee must exist there too
        hongqi = _village(empty_office)
        reg.COMMITTEES.add(
            empty_office, by=user(empty_office), place_id=hongqi, name="红旗村人民调解委员会"
        )
        for m in office.mediators(empty_office):
            reg.MEDIATORS.delete(empty_office, m.id, by=user(empty_office))
    original = SNAPSHOTS[kind](demo_db)
    assert original  # the demo fills every registry
    data = rs.export_xlsx(demo_db, kind)
    preview = rs.read_sheet(empty_office, data, kind, file_name="导出.xlsx")
    assert preview.errors == () and preview.duplicates == ()
    rs.apply_import(empty_office, preview, by=user(empty_office), skip_bad_rows=False)
    assert SNAPSHOTS[kind](empty_office) == original


def test_exported_cells_are_typed_for_excel(demo_db: Database) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(rs.export_xlsx(demo_db, reg.BROADCASTS)))
    ws = wb["大喇叭播放安排"]
    assert isinstance(ws["B2"].value, datetime) and ws["B2"].number_format == "yyyy-mm-dd"
    assert isinstance(ws["C2"].value, str)
    wb = openpyxl.load_workbook(io.BytesIO(rs.export_xlsx(demo_db, reg.HOUSEHOLDS)))
    ws = wb["住户"]
    assert ws["C2"].number_format == "@" and isinstance(ws["C2"].value, str)
    members = [r[5].value for r in ws.iter_rows(min_row=2) if r[5].value]
    assert members and all("（" in m and m.endswith("）") for m in members)


def test_importing_the_same_file_twice_doubles_nothing(demo_db: Database) -> None:
    data = rs.export_xlsx(demo_db, reg.LEGAL_ADVISERS)
    before = SNAPSHOTS[reg.LEGAL_ADVISERS](demo_db)
    preview = rs.read_sheet(demo_db, data, reg.LEGAL_ADVISERS)
    assert preview.rows == () and len(preview.duplicates) == len(before)
    assert all("已经登记过" in d.message for d in preview.duplicates)
    result = rs.apply_import(demo_db, preview, by=user(demo_db), skip_bad_rows=False)
    assert result.imported == 0
    assert SNAPSHOTS[reg.LEGAL_ADVISERS](demo_db) == before


def test_a_row_repeated_in_the_sheet_is_reported_not_doubled(office_db: Database) -> None:
    rows: list[list[object]] = [
        ["红旗村", "李春梅", "13905710021"],
        ["桃园村", "李春梅", None],
        ["红旗村", " 李春梅 ", None],
    ]
    preview = rs.read_sheet(office_db, _sheet(reg.LEGAL_ADVISERS, rows), reg.LEGAL_ADVISERS)
    assert [r.row for r in preview.rows] == [2, 3]
    assert [(d.row, d.message) for d in preview.duplicates] == [(4, "与第 2 行重复，跳过。")]
    rs.apply_import(office_db, preview, by=user(office_db), skip_bad_rows=False)
    assert len(reg.LEGAL_ADVISERS.list(office_db)) == 2


# --------------------------------------------------------------------------- wrong sheets


def test_a_sheet_without_the_required_columns_names_them(office_db: Database) -> None:
    data = _sheet(reg.LEGAL_ADVISERS, [["张三", "138"]], header=["名字", "电话号码"])
    with pytest.raises(SheetColumnsError) as exc:
        rs.read_sheet(office_db, data, reg.LEGAL_ADVISERS, file_name="名单.xlsx")
    e = exc.value
    assert e.expected == ("村（社区）", "姓名", "联系电话", "联系片区")
    assert e.missing == ("村（社区）", "姓名")
    assert e.found == ("名字", "电话号码")
    assert "“名单.xlsx”不是法律明白人表" in e.message
    assert "村（社区）、姓名、联系电话、联系片区" in e.message
    assert "名字、电话号码" in e.message


def test_only_the_columns_not_found_are_called_missing(office_db: Database) -> None:
    data = _sheet(reg.HOUSEHOLDS, [], header=["村", "网格", "户主", "电话"])
    with pytest.raises(SheetColumnsError) as exc:
        rs.read_sheet(office_db, data, reg.HOUSEHOLDS)
    assert exc.value.missing == ("门牌号",)
    assert "没有找到必填的列“门牌号”" in exc.value.message


def test_another_registrys_sheet_is_refused_by_its_columns(office_db: Database) -> None:
    data = rs.template_xlsx(reg.HOUSEHOLDS)
    with pytest.raises(SheetColumnsError) as exc:
        rs.read_sheet(office_db, data, reg.MEDIATORS)
    assert exc.value.missing == ("调解员姓名", "所属调委会")
    assert exc.value.found[:3] == ("村（社区）", "网格", "门牌号")


def test_header_below_a_title_with_marks_and_aliases_is_found(office_db: Database) -> None:
    data = _sheet(
        reg.LEGAL_ADVISERS,
        [["红旗村", "李春梅", "13905710021", "一组"], [None, None, None, None]],
        header=["村（社区）*", " 姓 名 *", "手机号", "负责片区"],
        above=[["红旗村法律明白人名册"], []],
    )
    preview = rs.read_sheet(office_db, data, reg.LEGAL_ADVISERS)
    assert preview.header_row == 3
    assert [(r.row, r.cells) for r in preview.rows] == [
        (4, ("红旗村", "李春梅", "13905710021", "一组"))
    ]


BROKEN: dict[str, tuple[bytes, str]] = {
    "random bytes": (os.urandom(3000), "不是 Excel 工作簿"),
    "a renamed csv": ("村（社区）,姓名\n红旗村,李春梅\n".encode("gbk"), "文本文件（例如 CSV）"),
    "empty": (b"", "是空的"),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Excel（.xls）"),
    "password": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600,
        "设置了打开密码",
    ),
    "a zip that is no workbook": (b"", "不是有效的 Excel 工作簿"),
    "a truncated xlsx": (b"", "Excel"),
}


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_file_that_is_no_readable_xlsx_gets_a_plain_message_naming_it(
    office_db: Database, tmp_path: Path, case: str
) -> None:
    data, words = BROKEN[case]
    if case == "a zip that is no workbook":
        data = _zip()
    elif case == "a truncated xlsx":
        full = rs.template_xlsx(reg.LEGAL_ADVISERS)
        data = full[: len(full) // 2]
    path = tmp_path / "法律明白人.xlsx"
    path.write_bytes(data)
    before = _dump(office_db)
    with pytest.raises(SheetFileError) as exc:
        rs.read_sheet(office_db, path, reg.LEGAL_ADVISERS)
    assert exc.value.file_name == "法律明白人.xlsx"
    assert "“法律明白人.xlsx”" in exc.value.message and words in exc.value.message
    assert "Traceback" not in exc.value.message and "Error" not in exc.value.message
    assert _dump(office_db) == before


def test_a_missing_file_is_named(office_db: Database, tmp_path: Path) -> None:
    with pytest.raises(SheetFileError) as exc:
        rs.read_sheet(office_db, tmp_path / "不见了.xlsx", reg.HOUSEHOLDS)
    assert "找不到文件“不见了.xlsx”" in exc.value.message


# --------------------------------------------------------------------------- row errors


def _bad_households(office_db: Database) -> bytes:
    reg.GRIDS.add(office_db, by=user(office_db), village_id=_village(office_db), name="第一网格")
    return _sheet(
        reg.HOUSEHOLDS,
        [
            ["红旗村", "第一网格", "1", "王德胜", "13905710031", "王芳（配偶）", None],  # row 3
            ["青山村", "第一网格", "2", "李四", None, None, None],  # row 4: no such village
            [None, None, None, None, None, None, None],  # row 5: empty, skipped
            ["红旗村", "第一网格", datetime(2026, 3, 1), "", "123", "王芳", None],  # row 6
            ["红旗村", "第一网格", "7", "赵六", None, None, None],  # row 7
        ],
        header=["村（社区）", "网格", "门牌号", "户主姓名", "联系电话", "家庭成员", "备注"],
        above=[["红旗村住户登记表"]],
    )


def test_every_wrong_cell_is_reported_with_its_excel_row(office_db: Database) -> None:
    preview = rs.read_sheet(office_db, _bad_households(office_db), reg.HOUSEHOLDS)
    assert [r.row for r in preview.rows] == [3, 7]
    assert preview.bad_rows == (4, 6)
    errors = {(e.row, e.column): e.message for e in preview.errors}
    assert list(errors) == [  # row by row, in the order of the columns
        (4, "村（社区）"),
        (6, "门牌号"),
        (6, "户主姓名"),
        (6, "联系电话"),
        (6, "家庭成员"),
    ]
    assert "找不到村（社区）“青山村”" in errors[(4, "村（社区）")]
    assert "红旗村" in errors[(4, "村（社区）")]  # the names it knows
    assert "改成了日期" in errors[(6, "门牌号")]
    assert "第 1 位家庭成员" in errors[(6, "家庭成员")]
    texts = [e.text for e in preview.errors]
    assert "第 4 行（村（社区））：找不到村（社区）“青山村”" in texts[0]


def test_unknown_committee_is_named(office_db: Database) -> None:
    rows = [
        ["赵六", "青山乡调委会", None, "是", None],
        ["钱七", "青山镇人民调解委员会", None, "也许", None],
    ]
    preview = rs.read_sheet(office_db, _sheet(reg.MEDIATORS, rows), reg.MEDIATORS)
    assert [(e.row, e.column) for e in preview.errors] == [(2, "所属调委会"), (3, "专职")]
    assert "找不到调委会“青山乡调委会”" in preview.errors[0].message
    assert "青山镇人民调解委员会" in preview.errors[0].message


def test_bad_rows_without_skipping_write_nothing(office_db: Database) -> None:
    preview = rs.read_sheet(office_db, _bad_households(office_db), reg.HOUSEHOLDS)
    before = _dump(office_db)
    with pytest.raises(ImportRejectedError) as exc:
        rs.apply_import(office_db, preview, by=user(office_db), skip_bad_rows=False)
    assert exc.value.bad_rows == (4, 6)
    assert "2 行填写有误（第 4、6 行）" in exc.value.message
    assert "没有导入任何数据" in exc.value.message
    assert _dump(office_db) == before


def test_skipping_bad_rows_imports_the_good_ones(office_db: Database) -> None:
    preview = rs.read_sheet(office_db, _bad_households(office_db), reg.HOUSEHOLDS)
    result = rs.apply_import(office_db, preview, by=user(office_db), skip_bad_rows=True)
    assert result.imported == 2 and [e.row for e in result.skipped_errors][:1] == [4]
    assert [h.head_name for h in reg.HOUSEHOLDS.list(office_db)] == ["王德胜", "赵六"]


def test_reading_a_sheet_writes_nothing(office_db: Database) -> None:
    rows, _ = FILLED[reg.HOUSEHOLDS]
    before = _dump(office_db)
    preview = rs.read_sheet(office_db, _sheet(reg.HOUSEHOLDS, rows), reg.HOUSEHOLDS)
    assert preview.rows and preview.new_grids  # (the import would create 第一网格)
    assert _dump(office_db) == before  # a cancelled import: apply was never called


# --------------------------------------------------------------------------- failures mid-apply


def test_a_row_that_became_wrong_since_the_preview_rolls_everything_back(
    office_db: Database,
) -> None:
    rows = [["红旗村", "第一网格", str(n), f"户主{n}"] for n in range(1, 6)]
    preview = rs.read_sheet(office_db, _sheet(reg.HOUSEHOLDS, rows), reg.HOUSEHOLDS)
    # meanwhile someone registers house 4 of that grid by hand
    grid = reg.GRIDS.add(
        office_db, by=user(office_db), village_id=_village(office_db), name="第一网格"
    )
    reg.HOUSEHOLDS.add(
        office_db, by=user(office_db), grid_id=grid, house_number="4", head_name="王"
    )
    before = _dump(office_db)
    with pytest.raises(ImportFailedError) as exc:
        rs.apply_import(office_db, preview, by=user(office_db), skip_bad_rows=False)
    assert exc.value.row == 5
    assert exc.value.message.startswith("第 5 行没能导入：")
    assert "已全部撤销" in exc.value.message
    assert _dump(office_db) == before


def test_a_storage_failure_mid_apply_leaves_the_database_as_before(office_db: Database) -> None:
    rows = [["红旗村", "第一网格", str(n), f"户主{n}", None, "王芳（配偶）"] for n in range(1, 8)]
    preview = rs.read_sheet(office_db, _sheet(reg.HOUSEHOLDS, rows), reg.HOUSEHOLDS)
    before = _dump(office_db)
    office_db.conn.execute(
        "CREATE TEMP TRIGGER fail_sixth BEFORE INSERT ON households "
        "WHEN (SELECT count(*) FROM households) >= 5 "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    try:
        with pytest.raises(sqlite3.IntegrityError, match="disk trouble"):
            rs.apply_import(office_db, preview, by=user(office_db), skip_bad_rows=False)
    finally:
        office_db.conn.execute("DROP TRIGGER temp.fail_sixth")
    assert _dump(office_db) == before
    assert not office_db.conn.in_transaction
    # and the same preview imports once the trouble is gone
    rs.apply_import(office_db, preview, by=user(office_db), skip_bad_rows=False)
    assert len(reg.HOUSEHOLDS.list(office_db)) == 7


def test_cells_as_offices_type_them(office_db: Database) -> None:
    by = user(office_db)
    hongqi = _village(office_db)
    reg.GRIDS.add(office_db, by=by, village_id=hongqi, name="第一网格")
    committee = reg.COMMITTEES.add(office_db, by=by, place_id=hongqi, name="红旗村人民调解委员会")
    # a committee may be given by its village's name; 专职 as 专职/兼职
    preview = rs.read_sheet(
        office_db,
        _sheet(reg.MEDIATORS, [["周德福", "红旗村", 13905710051.0, "兼职", None]]),
        reg.MEDIATORS,
    )
    assert preview.errors == ()
    assert dict(preview.rows[0].values) == {
        "name": "周德福",
        "committee_id": committee,
        "phone": "13905710051",
        "full_time": False,
        "specialities": "",
    }
    # members on separate lines of the cell, a full-width house number, a number as phone
    preview = rs.read_sheet(
        office_db,
        _sheet(
            reg.HOUSEHOLDS,
            [
                [
                    "红旗村",
                    "第一网格",
                    "３－１号",
                    "王德胜",
                    13905710031,
                    "王芳（配偶）\n王小明（子）",
                ]
            ],
        ),
        reg.HOUSEHOLDS,
    )
    assert preview.errors == ()
    values = preview.rows[0].values
    assert (values["house_number"], values["phone"]) == ("3-1", "13905710031")
    assert values["members"] == (reg.Member("王芳", "配偶"), reg.Member("王小明", "子"))
    # dates and times in the forms Excel and people produce
    rows: list[list[object]] = [
        ["红旗村", 46357, 0.3125, None],  # an Excel serial date and a fraction of a day
        ["红旗村", "2026年12月2日", "19点", None],
        ["红旗村", "2026-02-30", "7:30", None],
        ["红旗村", "下周一", "25:00", None],
    ]
    preview = rs.read_sheet(office_db, _sheet(reg.BROADCASTS, rows), reg.BROADCASTS)
    assert [(r.values["play_on"], r.values["play_at"]) for r in preview.rows] == [
        (date(2026, 12, 1), "07:30"),
        (date(2026, 12, 2), "19:00"),
    ]
    assert [(e.row, e.column) for e in preview.errors] == [
        (4, "播放日期"),
        (5, "播放日期"),
        (5, "播放时间"),
    ]
    assert "不存在" in preview.errors[0].message
