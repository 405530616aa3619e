"""The xlsx plumbing of the registry sheets: writing a styled workbook for a sheet's
columns (xlsxwriter), and reading a file's rows (python-calamine) with plain messages for
files that are not readable xlsx workbooks.

Both are imported when a sheet is first written or read: the program's start does not pay
for them."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from app.models.errors import SheetColumnsError, SheetFileError
from app.models.parsing.cells import Cell
from app.models.registries.cells import SheetColumn, SheetSpec, cell_text, header_key

log = logging.getLogger(__name__)

INSTRUCTIONS_TITLE = "填写说明"
VILLAGE_LIST_TITLE = "村社区列表"
TEMPLATE_ROWS = 500  # rows prepared with text format and drop-downs
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is allowed
Rows = Sequence[Sequence[Cell]]  # a sheet from cell A1, an empty cell ""

# --------------------------------------------------------------------------- writing

HEADER_COLOUR = "#DDEBF7"
EXAMPLE_COLOUR = "#808080"
REQUIRED_COLOUR = "#C00000"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
# Text stays text: a note starting with "=" is no formula, a house number "0012" no number.
_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
_HEADER = {
    "bold": True,
    "bg_color": HEADER_COLOUR,
    "pattern": 1,
    "border": 1,
    "border_color": "#A6A6A6",
}


def workbook_bytes(
    spec: SheetSpec, village_names: Sequence[str] | None, rows: Iterable[Sequence[object]] = ()
) -> bytes:
    """The sheet's workbook: a styled header row (required columns in red), widths, text and
    date formats, drop-downs, ``rows`` from row 2 (the export), and the 填写说明 sheet."""
    import xlsxwriter  # type: ignore[import-untyped, unused-ignore]

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, _OPTIONS)
    ws = wb.add_worksheet(spec.title)
    headers = {
        required: wb.add_format(
            {
                **_HEADER,
                "font_color": REQUIRED_COLOUR if required else "#000000",
                "align": "center",
                "valign": "vcenter",
            }
        )
        for required in (False, True)
    }
    for i, col in enumerate(spec.columns):
        ws.write_string(0, i, col.header, headers[col.required])
        ws.set_column(i, i, col.width)
    ws.freeze_panes(1, 0)
    ws.set_row(0, 22)
    _write_rows(wb, ws, spec, rows)
    _validations(wb, ws, spec, village_names)
    _instructions(wb, spec)
    wb.close()
    return out.getvalue()


def _write_rows(wb: Any, ws: Any, spec: SheetSpec, rows: Iterable[Sequence[object]]) -> None:
    """Write ``rows`` from row 2; the text and date columns of the rows up to the template's
    last keep their format when empty."""
    formats = [
        wb.add_format({"num_format": DATE_FORMAT if c.is_date else TEXT_FORMAT})
        if c.text or c.is_date
        else None
        for c in spec.columns
    ]
    written = 0
    for r, values in enumerate(rows, start=1):
        written = r
        for c, value in enumerate(values):
            fmt = formats[c]
            if isinstance(value, date):
                ws.write_datetime(r, c, value, fmt)
            elif value is None or value == "":
                ws.write_blank(r, c, None, fmt)
            else:
                ws.write_string(r, c, str(value), fmt)
    for r in range(written + 1, TEMPLATE_ROWS + 1):
        for c, fmt in enumerate(formats):
            if fmt is not None:
                ws.write_blank(r, c, None, fmt)


def _validations(wb: Any, ws: Any, spec: SheetSpec, village_names: Sequence[str] | None) -> None:
    for i, col in enumerate(spec.columns):
        source: list[str] | str | None = None
        if col.choices:
            source = list(col.choices)
        elif col.village_list and village_names:
            if wb.get_worksheet_by_name(VILLAGE_LIST_TITLE) is None:
                lists = wb.add_worksheet(VILLAGE_LIST_TITLE)
                lists.hide()
                for r, name in enumerate(village_names):
                    lists.write_string(r, 0, name)
            source = f"='{VILLAGE_LIST_TITLE}'!$A$1:$A${len(village_names)}"
        if source is not None:
            ws.data_validation(
                1,
                i,
                TEMPLATE_ROWS,
                i,
                {
                    "validate": "list",
                    "source": source,
                    "error_title": col.header,
                    "error_message": f"请从下拉列表中选择{col.header}。",
                },
            )


def _instructions(wb: Any, spec: SheetSpec) -> None:
    example = {"italic": True, "font_color": EXAMPLE_COLOUR}
    ws = wb.add_worksheet(INSTRUCTIONS_TITLE)
    lines = [
        f"“{spec.title}”表的填写说明",
        "1. 第一行是标题行，请不要修改标题；从第二行开始，每行填一条。",
        "2. 红色标题的列必须填写，其他列可以不填。",
        "3. 导入前会逐行检查：有错误的行会列出行号和原因，改正后重新导入即可；"
        "已经登记过的会跳过，不会重复。",
        "4. 电话、门牌号等列已设为“文本”格式，请不要改成数字或日期格式。",
    ]
    title = wb.add_format({"bold": True, "font_size": 12})
    plain = wb.add_format({"font_size": 11})
    for r, line in enumerate(lines):
        ws.write_string(r, 0, line, title if r == 0 else plain)
    top = len(lines) + 1
    header = wb.add_format(_HEADER)
    for c, caption in enumerate(("列名", "是否必填", "填写要求", "示例")):
        ws.write_string(top, c, caption, header)
    wrapped = wb.add_format({"text_wrap": True, "valign": "top"})
    wrapped_example = wb.add_format({"text_wrap": True, "valign": "top", **example})
    for r, col in enumerate(spec.columns, start=top + 1):
        values = (col.header, "必填" if col.required else "可不填", col.hint)
        for c, value in enumerate(values):
            ws.write_string(r, c, value, wrapped)
        ws.write_string(r, 3, col.example, wrapped_example)
    for c, width in enumerate((16, 10, 60, 28)):
        ws.set_column(c, c, width)
    below = top + len(spec.columns) + 2
    bold = wb.add_format({"bold": True})
    ws.write_string(below, 0, f"示例（照此格式填在“{spec.title}”表中）：", bold)
    example_format = wb.add_format(example)
    for c, col in enumerate(spec.columns):
        ws.write_string(below + 1, c, col.header, bold)
        ws.write_string(below + 2, c, col.example, example_format)


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


def _read_sheets(data: bytes, name: str, first: str) -> list[tuple[str, Rows]]:
    """Every sheet's title and rows from cell A1 (the one titled ``first`` first; no
    填写说明); an empty cell is ""."""
    if not data.startswith(b"PK\x03\x04"):
        raise _not_xlsx(data, name)
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            titles = [t for t in wb.sheet_names if t != INSTRUCTIONS_TITLE]
            titles.sort(key=lambda t: t != first)
            return [(t, wb.get_sheet_by_name(t).to_python(skip_empty_area=False)) for t in titles]
        finally:
            wb.close()
    except Exception as exc:  # calamine's CalamineError (zip, XML), or a damaged part
        log.info("cannot read %s as xlsx: %r", name, exc)
        raise SheetFileError(
            f"文件“{name}”不是有效的 Excel 工作簿（.xlsx），或者文件已经损坏。{_SAVE_AS}",
            file_name=name,
        ) from None


def sheet_rows(data: bytes, name: str, spec: SheetSpec) -> tuple[str, Rows]:
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


def column_of(text: object, spec: SheetSpec) -> SheetColumn | None:
    key = header_key(text)
    if not key:
        return None
    for col in spec.columns:
        if key == header_key(col.header) or key in {header_key(a) for a in col.aliases}:
            return col
    return None


def header_row(rows: Rows, spec: SheetSpec) -> int | None:
    """Index of the header row among the first rows: the one naming every required column."""
    for i, r in enumerate(rows[:HEADER_SEARCH_ROWS]):
        named = {c.header for c in (column_of(v, spec) for v in r) if c is not None}
        if set(spec.required) <= named:
            return i
    return None
