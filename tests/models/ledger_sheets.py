"""Hand-made messy 台账 files for the import tests, written by code (openpyxl, xlwt for the
old .xls format, csv, zipfile) into tmp_path: no binary blobs in the repository.

Each builder returns the path it wrote. The rows imitate what township offices keep: a
title above a two-row merged header, dates typed every which way, amounts with 万 and
commas, local category wording, blank and 合计 rows, a 制表人 footer.
"""

from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime
from pathlib import Path

import xlwt  # type: ignore[import-untyped]
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tests.models.helpers import LI, ZHANG

TITLE = "青山镇2023年矛盾纠纷调解台账"

# The two-row header of the messy sheet (row 2 and row 3 in Excel), A..M:
#   A 序号 | B 案号 | C-D 当事人: 申请人, 被申请人 | E-G 日期: 登记, 受理, 结案 |
#   H 纠纷类别 | I 村居 | J 调解结果 | K 金额（元） | L 承办人 | M 案情
MESSY_COLUMNS = 13

# (number, applicant, respondent, registered, accepted, closed, category, village,
#  outcome, amount, mediator, facts) as typed into the sheet; the first data row is Excel row 4
MESSY_ROWS: list[tuple[object, ...]] = [
    (
        "（2023）青山调字第1号",
        "张三",
        "李四",
        "2023.5.6",
        "2023年5月8日",
        "2023-05-20",
        "邻里纠纷",
        "红旗村",
        "调解成功",
        "1.2万元",
        "王建华",
        "排水沟改道，雨水流入院内。",
    ),
    (
        "（2023）青山调字第2号",
        "王五、赵六",
        "孙七",
        "2023/5/6",
        "20230510",
        date(2023, 6, 1),
        "婚姻纠纷",
        "桃园村委会",
        "已调结",
        "12,000",
        "陈秀兰",
        "夫妻因抚养费发生争执。",
    ),
    (
        "（2023）青山调字第3号",
        "周八",
        "吴九",
        45061,  # an Excel serial day number without a date format: 2023-05-15
        "45063",  # the same, typed as text: 2023-05-17
        datetime(2023, 6, 2, 0, 0),
        "宅基地纠纷",
        "河东社区",
        "调解不成",
        "",
        "王建华",
        "两家之间砌墙越界。",
    ),
    (
        "（2023）青山调字第4号",
        "郑十",
        "钱十一",
        "2023-06-01",
        "2023-06-01",
        "",
        "劳资纠纷",
        "红旗村",
        "调解中",
        "",
        "王建华",
        "拖欠工资三个月。",
    ),
    (
        "（2023）青山调字第5号",
        "冯一",
        "陈二",
        "2023年6月3日",
        "2023年6月3日",
        "2023年6月30日",
        "交通事故",
        "桃园",
        "达成口头协议",
        "￥3,500.50",
        "",
        "电动车剐蹭。",
    ),
    (
        "（2023）青山调字第6号",
        "褚三",
        "卫四",
        "2023.6.9",
        "2023.6.9",
        "2023.7.1",
        "土地纠纷",
        "河东社区",
        "撤回",
        "壹万贰仟元",
        "",
        "承包地边界不清。",
    ),
    (
        "（2023）青山调字第7号",
        "蒋五",
        "沈六",
        "2023-07-03",
        "2023-07-04",
        "2023-07-20",
        "打架斗殴",
        "红旗村",
        "达成协议",
        12000,
        "王建华",
        "酒后争执致伤。",
    ),
    (
        "（2023）青山调字第8号",
        "韩七",
        "杨八",
        "2023-07-05",
        "2023-07-05",
        "",
        "山林纠纷",
        "桃园村",
        "",
        "",
        "",
        "林地界址争议。",
    ),
    (
        "（2023）青山调字第9号",
        "朱九",
        "秦十",
        "2023-07-06",
        "2023-07-06",
        "2023-07-26",
        "乱七八糟的纠纷",
        "红旗村",
        "调解成功",
        "12000元",
        "老张",
        "说不清的事。",
    ),
]
# Excel rows of the data above, with a blank row after the 3rd and a 合计 row after the 6th
MESSY_DATA_ROWS = [4, 5, 6, 8, 9, 10, 12, 13, 14]
MESSY_BLANK_ROWS = [7, 15]
MESSY_TOTAL_ROW = 11
MESSY_FOOTER_ROW = 16  # after one more blank row


def messy_xlsx(path: Path) -> Path:
    """Title row, two-row merged header, messy values, blank/合计 rows and a footer."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "2023年台账"
    ws["A1"] = TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=MESSY_COLUMNS)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    for col, name in ((1, "序号"), (2, "案号"), (8, "纠纷类别"), (9, "村居"), (10, "调解结果")):
        ws.cell(2, col, name)
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    for col, name in ((11, "金额（元）"), (12, "承办人"), (13, "案情")):
        ws.cell(2, col, name)
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    ws.cell(2, 3, "当事人")
    ws.merge_cells(start_row=2, start_column=3, end_row=2, end_column=4)
    ws.cell(3, 3, "申请人")
    ws.cell(3, 4, "被申请人")
    ws.cell(2, 5, "日期")
    ws.merge_cells(start_row=2, start_column=5, end_row=2, end_column=7)
    for col, name in ((5, "登记"), (6, "受理"), (7, "结案")):
        ws.cell(3, col, name)
    for index, (excel_row, values) in enumerate(zip(MESSY_DATA_ROWS, MESSY_ROWS, strict=True)):
        ws.cell(excel_row, 1, index + 1)
        for col, value in enumerate(values, start=2):
            if value != "":
                cell = ws.cell(excel_row, col, value)
                if isinstance(value, (date, datetime)):
                    cell.number_format = "yyyy/m/d"
    ws.cell(MESSY_TOTAL_ROW, 1, "合计")
    ws.cell(MESSY_TOTAL_ROW, 11, "=SUM(K4:K10)")
    ws.cell(MESSY_FOOTER_ROW, 1, "制表人：李主任")
    ws.cell(MESSY_FOOTER_ROW, 6, "制表日期：2023年8月1日")
    extra = wb.create_sheet("说明")
    extra["A1"] = "本表按月更新"
    wb.save(path)
    return path


def messy_xls(path: Path) -> Path:
    """The sheet of :func:`messy_xlsx` in the old Excel 97-2003 format (BIFF8 .xls), as
    older offices and WPS still save it: the same title, merged header, values and rows."""
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("2023年台账")
    dated = xlwt.easyxf(num_format_str="yyyy/m/d")
    ws.write_merge(0, 0, 0, MESSY_COLUMNS - 1, TITLE, xlwt.easyxf("font: bold on, height 320"))
    for col, name in ((1, "序号"), (2, "案号"), (8, "纠纷类别"), (9, "村居"), (10, "调解结果")):
        ws.write_merge(1, 2, col - 1, col - 1, name)
    for col, name in ((11, "金额（元）"), (12, "承办人"), (13, "案情")):
        ws.write_merge(1, 2, col - 1, col - 1, name)
    ws.write_merge(1, 1, 2, 3, "当事人")
    ws.write(2, 2, "申请人")
    ws.write(2, 3, "被申请人")
    ws.write_merge(1, 1, 4, 6, "日期")
    for col, name in ((4, "登记"), (5, "受理"), (6, "结案")):
        ws.write(2, col, name)
    for index, (excel_row, values) in enumerate(zip(MESSY_DATA_ROWS, MESSY_ROWS, strict=True)):
        ws.write(excel_row - 1, 0, index + 1)
        for col, value in enumerate(values, start=1):
            if value == "":
                continue
            if isinstance(value, (date, datetime)):
                ws.write(excel_row - 1, col, value, dated)
            else:
                ws.write(excel_row - 1, col, value)
    ws.write(MESSY_TOTAL_ROW - 1, 0, "合计")
    ws.write(MESSY_TOTAL_ROW - 1, 10, xlwt.Formula("SUM(K4:K10)"))
    ws.write(MESSY_FOOTER_ROW - 1, 0, "制表人：李主任")
    ws.write(MESSY_FOOTER_ROW - 1, 5, "制表日期：2023年8月1日")
    book.add_sheet("说明").write(0, 0, "本表按月更新")
    book.save(str(path))
    return path


def simple_xlsx(
    path: Path, header: list[str], rows: list[list[object]], *, sheet: str = "台账"
) -> Path:
    """One header row, then the rows (header in Excel row 1, data from row 2)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


LEDGER_HEADER = ["案件编号", "登记日期", "受理日期", "结案日期", "申请人", "被申请人", "纠纷类型"]
LEDGER_HEADER += ["所在村（社区）", "调解员", "调解结果", "协议金额（元）", "简要案情"]


def ledger_row(
    number: object, applicant: str = "张三", respondent: str = "李四", **kw: object
) -> list[object]:
    """A row for LEDGER_HEADER; keyword arguments override registered, accepted, closed,
    category, village, mediator, outcome, amount, facts."""
    return [
        number,
        kw.get("registered", "2023-05-06"),
        kw.get("accepted", "2023-05-06"),
        kw.get("closed", ""),
        applicant,
        respondent,
        kw.get("category", "邻里"),
        kw.get("village", "红旗村"),
        kw.get("mediator", ""),
        kw.get("outcome", ""),
        kw.get("amount", ""),
        kw.get("facts", "因排水发生纠纷。"),
    ]


# ---------------------------------------------------------------------------------------
# CSV in the encodings offices produce

CSV_HEADER = ["编号", "当事人（申请方）", "当事人（被申请方）", "登记时间", "类型", "所属村"]
CSV_ROWS = [
    ["（2023）青山调字第11号", "张三", "李四", "2023.5.6", "邻里纠纷", "红旗村"],
    ["（2023）青山调字第12号", "王五", "赵六", "2023年5月7日", "婚姻家庭纠纷", "桃园村"],
]
# A name with a CJK Extension B character: UTF-8 only (GBK cannot hold it)
CSV_RARE_ROW = ["（2023）青山调字第13号", "张𠮷祥", "刘𡒄", "20230508", "房屋纠纷", "河东社区"]


def csv_file(path: Path, encoding: str, rows: list[list[str]] | None = None) -> Path:
    """A CSV as Excel writes it: "utf-8-sig" (UTF-8 with BOM), "gbk" ("ANSI" on Chinese
    Windows), "utf-8"."""
    with path.open("w", encoding=encoding, newline="", errors="strict") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_HEADER)
        writer.writerows(rows if rows is not None else CSV_ROWS)
    return path


# ---------------------------------------------------------------------------------------
# Files that are not spreadsheets


def password_protected_xlsx(path: Path) -> Path:
    """What Excel writes for a workbook with an open password: an OLE2 compound file whose
    directory holds the streams EncryptionInfo and EncryptedPackage (here only the header,
    the directory names and filler: enough for anything that looks at the bytes)."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    header = header.ljust(512, b"\x00")
    directory = b""
    for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"):
        encoded = name.encode("utf-16-le").ljust(64, b"\x00")
        directory += (encoded + len(name.encode("utf-16-le")).to_bytes(2, "little")).ljust(
            128, b"\x00"
        )
    path.write_bytes(header + directory.ljust(512, b"\x00") + bytes(4096))
    return path


def docx_renamed(path: Path) -> Path:
    """A Word document (the parts a .docx has) saved under a spreadsheet's name."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return path


def corrupt_xlsx(path: Path, good: Path) -> Path:
    """The first half of a real .xlsx (a copy that stopped half-way)."""
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def damaged_member_xlsx(path: Path, good: Path) -> Path:
    """A complete zip whose sheet part is garbage (the zip opens, the workbook does not)."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = b"\x00\x01garbage<<<" + data[:20]
            dst.writestr(item, data)
    return path


def pdf_file(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return path


def html_as_xls(path: Path) -> Path:
    """What some government systems export as "Excel": an HTML table named .xls."""
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><td>案件编号</td><td>申请人</td></tr></table></body></html>",
        encoding="utf-8",
    )
    return path


def minimal_ods(path: Path, rows: list[list[str]]) -> Path:
    """A LibreOffice/WPS .ods spreadsheet with text cells (the parts calamine needs)."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            if v
            else "<table:table-cell/>"
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="台账">'
        f"{cells}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


# A valid and a masked resident ID for the party columns (the people of tests.models.helpers)
FULL_ID = ZHANG
MASKED_ID = LI[:6] + "********" + LI[-4:]


# ---------------------------------------------------------------------------------------
# A ledger as offices keep it by hand (issue 11): a 受理日期 and a 调解结果 but no 结案日期,
# a 调解日期 column filled now and then, dates in every spelling (also "5月6日" without a
# year: the year is in the title), 小计/合计/总计 rows and the 制表人/审核人/填报日期 foot
# anywhere in the row, a 案号 written twice. The same rows are written as .xlsx
# (xlsxwriter: merged two-row header under a merged title), .xls (xlwt) and .csv.

HANDMADE_TITLE = "青山镇2023年矛盾纠纷调解台账"
HANDMADE_SHEET = "调解台账"  # no year in the sheet name: the title gives it
# A..M; C-D under a merged 当事人 (row 2), the others merged over rows 2-3
HANDMADE_GROUP = "当事人"
HANDMADE_HEADER = [
    *("序号", "案号", "申请人", "被申请人", "受理日期", "纠纷类型", "村居", "简要案情"),
    *("调解员", "调解结果", "调解日期", "金额（元）", "备注"),
]
HANDMADE_MAPPING = {
    1: "number",
    2: "applicants",
    3: "respondents",
    4: "accepted_on",
    5: "category",
    6: "village",
    7: "facts",
    8: "mediators",
    9: "outcome",
    10: "mediated_on",
    11: "amount",
    12: "note",
}
H = "（2023）青山调字第{}号"
# Excel row -> its cells A..M (data from row 4; rows not listed are blank)
HANDMADE_ROWS: dict[int, list[object]] = {
    4: [1, H.format(1), "张三", "李四", "2023.5.6", "邻里纠纷", "红旗村",
        "排水沟改道，雨水流入院内。", "王建华", "调解成功", "2023.5.20", "1.2万元", ""],
    5: [2, H.format(2), "王五、赵六", "孙七", "2023年5月8日", "婚姻家庭", "桃园村委会",
        "夫妻因抚养费发生争执。", "陈秀兰", "达成口头协议", "", "3,500", ""],
    6: [3, H.format(3), "周八", "吴九", 45061, "宅基地纠纷", "河东社区",
        "两家之间砌墙越界。", "王建华", "调解不成", 45080, "", "已告知可向法院起诉"],
    7: [4, H.format(4), "郑十", "钱十一", date(2023, 5, 20), "劳资纠纷", "红旗村",
        "拖欠工资三个月。", "王建华", "调解中", "", "", ""],
    8: ["", "", "5月小计", "", "4件", "", "", "", "", "", "", "", ""],
    9: [5, H.format(5), "冯一", "陈二", "2023/6/3", "交通事故", "桃园",
        "电动车剐蹭，双方合计损失3000元。", "", "撤回", "6月10日", "", "当事人自行和解"],
    10: [6, H.format(6), "褚三", "卫四", "6月9日", "土地纠纷", "河东社区",
         "承包地边界不清。", "陈秀兰", "调解成功", "6月30日", "壹万贰仟元", ""],
    11: [7, H.format(2), "蒋五", "沈六", "2023-06-12", "打架斗殴", "红旗村",
         "酒后争执致伤。", "", "调解成功", "2023-06-20", 8000, ""],
    12: [8, H.format(8), "韩七", "杨八", "2023-06-15", "山林纠纷", "幸福村",
         "林地界址争议。", "", "", "", "", ""],
    13: [9, H.format(8), "朱九", "秦十", "2023-06-18", "合同纠纷", "红旗村",
         "拖欠货款。", "", "调解成功", "2023-06-28", "", ""],
    14: ["上半年小计", "", "", "", "9件", "", "", "", "", "", "", "", ""],
    15: [10, "", "尤一", "许二", "12月28日", "邻里纠纷", "桃园村",
         "树枝伸入邻家院内。", "王建华", "调解成功", "1月5日", "", ""],
    16: ["", "合计", "", "", "10件", "", "", "", "", "", "", "", ""],
    17: ["总计：10件", "", "", "", "", "", "", "", "", "", "", "", ""],
    19: ["制表人：李主任", "", "", "", "", "审核人：王所长", "", "", "", "", "", "", ""],
    20: ["", "", "", "", "", "", "", "", "", "", "填报日期：2024年1月10日", "", ""],
}  # fmt: skip
HANDMADE_LAST_ROW = 20
HANDMADE_SKIPPED = [
    (8, "合计/小计行", "C", "5月小计"),
    (14, "合计/小计行", "A", "上半年小计"),
    (16, "合计/小计行", "B", "合计"),
    (17, "合计/小计行", "A", "总计：10件"),
    (19, "表尾（制表人、审核人、填报日期等）", "A", "制表人：李主任"),
    (20, "表尾（制表人、审核人、填报日期等）", "K", "填报日期：2024年1月10日"),
]
HANDMADE_BLANK_ROWS = [18]


def _handmade_cells() -> list[list[object]]:
    """Every row of the sheet from row 1 (title, the two header rows, data, foot)."""
    width = len(HANDMADE_HEADER)
    title: list[object] = [HANDMADE_TITLE, *[""] * (width - 1)]
    top: list[object] = [n if n not in ("申请人", "被申请人") else "" for n in HANDMADE_HEADER]
    top[2] = HANDMADE_GROUP
    below: list[object] = ["", "", "申请人", "被申请人", *[""] * (width - 4)]
    grid = [title, top, below]
    for excel_row in range(4, HANDMADE_LAST_ROW + 1):
        grid.append(list(HANDMADE_ROWS.get(excel_row, [""] * width)))
    return grid


def handmade_xlsx(path: Path) -> Path:
    """The hand-made ledger as Excel saves it (written with xlsxwriter): a title merged
    across, a two-row header with merged cells, real date cells and serials."""
    import xlsxwriter  # type: ignore[import-untyped]

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(HANDMADE_SHEET)
    bold = book.add_format({"bold": True, "align": "center", "valign": "vcenter"})
    dated = book.add_format({"num_format": "yyyy年m月d日"})
    width = len(HANDMADE_HEADER)
    ws.merge_range(0, 0, 0, width - 1, HANDMADE_TITLE, book.add_format({"bold": True}))
    for col, name in enumerate(HANDMADE_HEADER):
        if col in (2, 3):
            continue
        ws.merge_range(1, col, 2, col, name, bold)
    ws.merge_range(1, 2, 1, 3, HANDMADE_GROUP, bold)
    ws.write(2, 2, "申请人", bold)
    ws.write(2, 3, "被申请人", bold)
    for excel_row, values in HANDMADE_ROWS.items():
        for col, value in enumerate(values):
            if value == "":
                continue
            if isinstance(value, date):
                ws.write_datetime(
                    excel_row - 1, col, datetime(value.year, value.month, value.day), dated
                )
            else:
                ws.write(excel_row - 1, col, value)
    book.close()
    return path


def handmade_xls(path: Path) -> Path:
    """The same ledger in the Excel 97-2003 format (xlwt), merged cells and all."""
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(HANDMADE_SHEET)
    dated = xlwt.easyxf(num_format_str="yyyy/m/d")
    width = len(HANDMADE_HEADER)
    ws.write_merge(0, 0, 0, width - 1, HANDMADE_TITLE)
    for col, name in enumerate(HANDMADE_HEADER):
        if col not in (2, 3):
            ws.write_merge(1, 2, col, col, name)
    ws.write_merge(1, 1, 2, 3, HANDMADE_GROUP)
    ws.write(2, 2, "申请人")
    ws.write(2, 3, "被申请人")
    for excel_row, values in HANDMADE_ROWS.items():
        for col, value in enumerate(values):
            if value == "":
                continue
            if isinstance(value, date):
                ws.write(excel_row - 1, col, value, dated)
            else:
                ws.write(excel_row - 1, col, value)
    book.save(str(path))
    return path


def handmade_csv(path: Path, encoding: str) -> Path:
    """The same ledger saved as .csv ("gbk" as Chinese Windows Excel writes it, or
    "utf-8-sig"): no merge information, the group name above its first column only, a
    real date cell written as Excel shows it."""
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        for row in _handmade_cells():
            writer.writerow(
                [f"{v.year}/{v.month}/{v.day}" if isinstance(v, date) else v for v in row]
            )
    return path
