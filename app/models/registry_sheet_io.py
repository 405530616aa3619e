"""The xlsx plumbing of the registry sheets (openpyxl): building a styled workbook for a
sheet's columns, and reading a file's rows with plain messages for files that are not
readable xlsx workbooks.

openpyxl is imported when a sheet is first written or read: the program's start does not
pay for it."""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.models.errors import SheetColumnsError, SheetFileError
from app.models.registry_sheet_specs import Column, SheetSpec, cell_text, header_key

log = logging.getLogger(__name__)

INSTRUCTIONS_TITLE = "填写说明"
VILLAGE_LIST_TITLE = "村社区列表"
TEMPLATE_ROWS = 500  # rows prepared with text format and drop-downs
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is allowed

# --------------------------------------------------------------------------- writing

HEADER_COLOUR = "DDEBF7"
EXAMPLE_COLOUR = "808080"
REQUIRED_COLOUR = "C00000"


def _openpyxl() -> Any:
    import openpyxl  # type: ignore[import-untyped, unused-ignore]

    return openpyxl


def _header_style(cell: Any) -> None:
    from openpyxl.styles import Border, PatternFill, Side  # type: ignore[import-untyped, unused-ignore]

    thin = Side(style="thin", color="A6A6A6")
    cell.fill = PatternFill("solid", fgColor=HEADER_COLOUR)
    cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)


def new_workbook(spec: SheetSpec, village_names: Sequence[str] | None) -> Any:
    """A workbook with the sheet's styled header row (required columns in red), widths,
    text formats, drop-downs, and the 填写说明 sheet."""
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

    wb = _openpyxl().Workbook()
    ws = wb.active
    ws.title = spec.title
    for i, col in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font = Font(bold=True, color=REQUIRED_COLOUR if col.required else "000000")
        _header_style(cell)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 22
    _validations(wb, ws, spec, village_names)
    _instructions(wb, spec)
    return wb


def _validations(wb: Any, ws: Any, spec: SheetSpec, village_names: Sequence[str] | None) -> None:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.worksheet.datavalidation import (  # type: ignore[import-untyped, unused-ignore]
        DataValidation,
    )

    last = TEMPLATE_ROWS + 1
    for i, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        area = f"{letter}2:{letter}{last}"
        if col.text or col.is_date:
            fmt = "yyyy-mm-dd" if col.is_date else "@"
            for (cell,) in ws.iter_rows(min_row=2, max_row=last, min_col=i, max_col=i):
                cell.number_format = fmt
        formula = None
        if col.choices:
            formula = '"' + ",".join(col.choices) + '"'
        elif col.village_list and village_names:
            if VILLAGE_LIST_TITLE not in wb.sheetnames:
                lists = wb.create_sheet(VILLAGE_LIST_TITLE)
                lists.sheet_state = "hidden"
                for r, name in enumerate(village_names, start=1):
                    lists.cell(row=r, column=1, value=name)
            formula = f"'{VILLAGE_LIST_TITLE}'!$A$1:$A${len(village_names)}"
        if formula is not None:
            dv = DataValidation(type="list", formula1=formula, allow_blank=True)
            dv.error = f"请从下拉列表中选择{col.header}。"
            dv.errorTitle = col.header
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            dv.add(area)


def _instructions(wb: Any, spec: SheetSpec) -> None:
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped, unused-ignore]

    example_font = Font(italic=True, color=EXAMPLE_COLOUR)
    ws = wb.create_sheet(INSTRUCTIONS_TITLE)
    lines = [
        f"“{spec.title}”表的填写说明",
        "1. 第一行是标题行，请不要修改标题；从第二行开始，每行填一条。",
        "2. 红色标题的列必须填写，其他列可以不填。",
        "3. 导入前会逐行检查：有错误的行会列出行号和原因，改正后重新导入即可；"
        "已经登记过的会跳过，不会重复。",
        "4. 电话、门牌号等列已设为“文本”格式，请不要改成数字或日期格式。",
    ]
    for r, line in enumerate(lines, start=1):
        ws.cell(row=r, column=1, value=line).font = Font(bold=r == 1, size=12 if r == 1 else 11)
    top = len(lines) + 2
    for c, title in enumerate(("列名", "是否必填", "填写要求", "示例"), start=1):
        cell = ws.cell(row=top, column=c, value=title)
        cell.font = Font(bold=True)
        _header_style(cell)
    for r, col in enumerate(spec.columns, start=top + 1):
        values = (col.header, "必填" if col.required else "可不填", col.hint, col.example)
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=4).font = example_font
    for letter, width in zip("ABCD", (16, 10, 60, 28), strict=True):
        ws.column_dimensions[letter].width = width
    example = top + len(spec.columns) + 2
    ws.cell(row=example, column=1, value=f"示例（照此格式填在“{spec.title}”表中）：").font = Font(
        bold=True
    )
    for c, col in enumerate(spec.columns, start=1):
        ws.cell(row=example + 1, column=c, value=col.header).font = Font(bold=True)
        ws.cell(row=example + 2, column=c, value=col.example).font = example_font


def to_bytes(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- reading the file

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "请用 Excel 或 WPS 打开它，“另存为”Excel 工作簿（.xlsx）后再导入。"


def file_bytes(source: str | Path | bytes, file_name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, file_name or "所选文件"
    path = Path(source)
    name = file_name or path.name
    try:
        return path.read_bytes(), name
    except FileNotFoundError:
        raise SheetFileError(
            f"找不到文件“{name}”，它可能已被移动、改名或删除。请重新选择文件。", file_name=name
        ) from None
    except PermissionError:
        raise SheetFileError(
            f"没有权限读取文件“{name}”。如果它正在 Excel 或 WPS 中打开，请先关闭后再试。",
            file_name=name,
        ) from None
    except OSError as exc:
        raise SheetFileError(
            f"无法读取文件“{name}”（{exc.strerror or exc}）。请检查文件或U盘后再试。",
            file_name=name,
        ) from None


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    for encoding in ("utf-8-sig", "gbk"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return False


def _not_xlsx(data: bytes, name: str) -> SheetFileError:
    if not data:
        return SheetFileError(f"文件“{name}”是空的（0 字节），请确认选对了文件。", file_name=name)
    if data.startswith(_CFB_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            return SheetFileError(
                f"文件“{name}”设置了打开密码，本程序无法读取。请在 Excel 或 WPS 中打开它，"
                "取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）并保存后再导入。",
                file_name=name,
            )
        return SheetFileError(
            f"文件“{name}”是旧版 Excel（.xls）格式，本程序只能读取 .xlsx。{_SAVE_AS}",
            file_name=name,
        )
    if _looks_like_text(data):
        return SheetFileError(
            f"文件“{name}”是文本文件（例如 CSV），不是 Excel 工作簿。{_SAVE_AS}", file_name=name
        )
    return SheetFileError(
        f"文件“{name}”不是 Excel 工作簿（.xlsx），或者文件已经损坏。{_SAVE_AS}", file_name=name
    )


def _read_sheets(data: bytes, name: str, first: str) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every sheet's title and rows (the one titled ``first`` first; no 填写说明)."""
    if not data.startswith(b"PK\x03\x04"):
        raise _not_xlsx(data, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions
            wb = _openpyxl().load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheets = [ws for ws in wb.worksheets if ws.title != INSTRUCTIONS_TITLE]
                sheets.sort(key=lambda ws: ws.title != first)
                found = []
                for ws in sheets:
                    ws.reset_dimensions()  # some writers record a wrong used range
                    found.append((ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)]))
                return found
            finally:
                wb.close()
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        log.info("cannot read %s as xlsx: %r", name, exc)
        raise SheetFileError(
            f"文件“{name}”不是有效的 Excel 工作簿（.xlsx），或者文件已经损坏。{_SAVE_AS}",
            file_name=name,
        ) from None
    except Exception as exc:  # a damaged file can fail in the XML parser, too
        log.info("cannot read %s as xlsx", name, exc_info=exc)
        raise SheetFileError(
            f"文件“{name}”已经损坏，读不出内容。{_SAVE_AS}", file_name=name
        ) from None


def sheet_rows(data: bytes, name: str, spec: SheetSpec) -> tuple[str, list[tuple[object, ...]]]:
    """The title and rows of the sheet holding the registry: the first whose header names
    every required column. SheetColumnsError when there is none."""
    sheets = _read_sheets(data, name, spec.title)
    for title, rows in sheets:
        if header_row(rows, spec) is not None:
            return title, rows
    rows = sheets[0][1] if sheets else []
    header = next((r for r in rows if any(cell_text(v) for v in r)), ())
    found = tuple(cell_text(v) for v in header if cell_text(v))
    named = {c.header for c in (column_of(v, spec) for v in header) if c is not None}
    missing = tuple(h for h in spec.required if h not in named)
    raise SheetColumnsError(
        f"“{name}”不是{spec.title}表：没有找到必填的列{'、'.join(f'“{h}”' for h in missing)}。"
        f"{spec.title}表应有这些列：{'、'.join(spec.headers)}（红色为必填），"
        f"现在第一行是：{'、'.join(found) or '（空）'}。"
        "请下载模板，把数据复制到模板里再导入。",
        expected=spec.headers,
        missing=missing,
        found=found,
    )


def column_of(text: object, spec: SheetSpec) -> Column | None:
    key = header_key(text)
    if not key:
        return None
    for col in spec.columns:
        if key == header_key(col.header) or key in {header_key(a) for a in col.aliases}:
            return col
    return None


def header_row(rows: list[tuple[object, ...]], spec: SheetSpec) -> int | None:
    """Index of the header row among the first rows: the one naming every required column."""
    for i, r in enumerate(rows[:HEADER_SEARCH_ROWS]):
        named = {c.header for c in (column_of(v, spec) for v in r) if c is not None}
        if set(spec.required) <= named:
            return i
    return None
