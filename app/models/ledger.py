"""The 台账 export: every case as one row of an .xlsx file, the way an office ledger looks.

Rows are streamed from one SQL query into xlsxwriter's ``constant_memory`` mode, so
100,000 cases never sit in memory at once. The file is written to a temporary file beside
the target and renamed at the end: a cancel, a full disk or a crash leaves no half-written
ledger behind. ID numbers are masked (``330102********1234``) unless asked for.

The column list is shared with the import (``app.models.ledger_import``), which recognises
every header written here, so an exported ledger imports back into an empty database as the
same cases. docs/ledger.md lists the columns and the import rules.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import re
import secrets
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.models import accounts, durable, privacy, register, search, sheet_print
from app.models.accounts import WORKERS, Actor
from app.models.db import Database
from app.models.errors import ExportFileError, OperationCancelledError, PermissionDeniedError
from app.models.identity import mask_id_number
from app.models.parsing.dates import EXCEL_EPOCH
from app.models.reference import CONFIRMATION_RESULTS, OUTCOMES, PERFORMANCE, STATES, sources

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

PROGRESS_EVERY = 1000
FACTS_LIMIT = 150  # characters of 简要案情 in the ledger (the case window has the rest)
SHEET_NAME = "调解案件台账"


@dataclass(frozen=True)
class LedgerColumn:
    field: str  # the import's field key (app.models.ledger_import.mapping.FIELDS)
    header: str
    width: float  # Excel character units (a Chinese character is about 2)
    kind: str = "text"  # text | date | amount


# The columns an office prints come first (to 简要案情, PRINTED): on A4 landscape at 10.5 pt
# type they need no shrinking below 8 pt, even where the spreadsheet measures columns a
# third wider than Excel does (app.models.sheet_print). Long texts wrap in their cells;
# each header of those columns takes one line (a Chinese character of 10.5 pt is 14
# pixels: "金额（元）" needs 10.5 units, "履行情况" 8.5; tests/printing/test_sheet_print.py).
COLUMNS: tuple[LedgerColumn, ...] = (
    LedgerColumn("number", "案件编号", 12.5),
    LedgerColumn("registered_on", "登记日期", 10, "date"),
    LedgerColumn("closed_on", "结案日期", 10, "date"),
    LedgerColumn("applicants", "申请人", 13),
    LedgerColumn("respondents", "被申请人", 13),
    LedgerColumn("category", "纠纷类型", 9),
    LedgerColumn("mediators", "调解员", 8.5),
    LedgerColumn("outcome", "调解结果", 9),
    LedgerColumn("amount", "金额（元）", 10.5, "amount"),
    LedgerColumn("performance", "履行情况", 8.5),
    LedgerColumn("facts", "简要案情", 30),
    LedgerColumn("accepted_on", "受理日期", 10.5, "date"),
    LedgerColumn("source", "案件来源", 12),
    LedgerColumn("village", "所在村（社区）", 13),
    LedgerColumn("state", "状态", 8),
    LedgerColumn("confirmation", "司法确认", 40),
    LedgerColumn("note", "备注", 30),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
WIDTHS: tuple[float, ...] = tuple(c.width for c in COLUMNS)
COL: dict[str, int] = {c.field: i for i, c in enumerate(COLUMNS)}
PRINTED = COL["facts"] + 1  # the columns on paper: A to 简要案情
FONT_SIZE = 10.5
PRINT_TITLE = "人民调解案件台账"

WORKBOOK_OPTIONS: dict[str, bool] = {
    "constant_memory": True,  # one row in memory at a time
    # Text stays text: a fact starting with "=" is not a formula, "0012" not a number.
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}

# Separators inside one cell of the SQL result (never typed by a user).
_FIELD = "\x1e"
_ITEM = "\x1f"

_PARTIES_SQL = (
    "(SELECT group_concat(x, char(31)) FROM ("
    "SELECT p.kind || char(30) || p.name || char(30) || p.id_number || char(30) || p.org_code"
    " AS x FROM case_parties cp JOIN parties p ON p.id = cp.party_id"
    " WHERE cp.case_id = c.id AND cp.role {roles} ORDER BY cp.position, cp.id))"
)
_CONFIRMATION_SQL = (
    "(SELECT j.applied_on || char(30) || j.court || char(30) || j.number || char(30)"
    " || j.result || char(30) || coalesce(j.decided_on, '') FROM judicial_confirmations j"
    " WHERE j.case_id = c.id ORDER BY j.applied_on DESC, j.created_at DESC LIMIT 1)"
)
_ROWS_SQL = (
    "SELECT c.number, c.registered_on, c.accepted_on, c.closed_on, "
    + _PARTIES_SQL.format(roles="IN ('applicant', 'party')")
    + ", "
    + _PARTIES_SQL.format(roles="= 'respondent'")
    + ", c.category, c.source, coalesce(v.name, ''), c.mediators_text, c.state, c.outcome,"
    " c.amount_fen, c.performance, "
    + _CONFIRMATION_SQL
    + ", c.facts, c.close_note, c.decline_reason, c.void_reason"
    " FROM cases c LEFT JOIN places v ON v.id = c.village_id{where}"
    " ORDER BY c.registered_on, c.seq"
)


# ---------------------------------------------------------------------------------------
# Cell texts (also used by the tests and the import's round trip)


def parties_text(packed: str | None, *, include_ids: bool) -> str:
    """ "张三（330102********1234）、某某公司（91330…）" from the packed SQL value."""
    if not packed:
        return ""
    out = []
    for item in packed.split(_ITEM):
        kind, name, id_number, org_code = item.split(_FIELD)
        code = org_code if kind == "org" else id_number
        if code and kind != "org" and not include_ids:
            code = mask_id_number(code)
        out.append(f"{name}（{code}）" if code else name)
    return "、".join(out)


def confirmation_text(packed: str | None) -> str:
    """ "2024-03-05；某县人民法院；（2024）…调确字第12号；裁定确认有效 2024-03-20"."""
    if not packed:
        return ""
    applied_on, court, number, result, decided_on = packed.split(_FIELD)
    parts = [applied_on, court]
    if number:
        parts.append(number)
    label = CONFIRMATION_RESULTS.get(result, result)
    parts.append(f"{label} {decided_on}" if decided_on else label)
    return "；".join(p for p in parts if p)


_SPACES = re.compile(r"\s+")
_SENTENCE_END = "。；！？;!?"


def brief_facts(text: str, limit: int = FACTS_LIMIT) -> str:
    """The facts on one line, cut after a whole sentence when the text is long."""
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = max(head.rfind(ch) for ch in _SENTENCE_END)
    if cut >= limit // 2:
        return head[: cut + 1] + "…"
    return head.rstrip("，,、 ") + "…"


_EXCEL_EPOCH = EXCEL_EPOCH.toordinal()


@lru_cache(maxsize=16384)
def excel_serial(iso_date: str) -> int:
    """An ISO date as an Excel serial day number (1900 date system)."""
    return date.fromisoformat(iso_date).toordinal() - _EXCEL_EPOCH


# ---------------------------------------------------------------------------------------
# Export


def _selection(db: Database, filters: register.RegisterFilter | None) -> tuple[str, list[Any]]:
    """WHERE clause for the cases to export: all of them, or what the register shows."""
    if filters is None:
        return "", []
    where, params = register._where(filters)
    if filters.text.strip():
        with db.reading():
            found = search.search_case_seqs(db.conn, filters.text, limit=register.SEARCH_LIMIT)
        clause = f"c.seq IN ({','.join('?' * len(found))})" if found else "0"
        where = (where + " AND " if where else " WHERE ") + clause
        params = params + found
    return where, params


def export_ledger(
    db: Database,
    path: Path | str,
    *,
    include_ids: bool = False,
    by: Actor | None = None,
    filters: register.RegisterFilter | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> int:
    """Write the 台账 as .xlsx to ``path``; returns the number of case rows written.

    ``include_ids``: ID numbers in full (masked otherwise). Only a 主任 or a 调解员 (``by``)
    may, and the export is recorded once the file is written (privacy_events
    'export_ids': who, how many cases, which file; docs/privacy.md).

    ``filters`` None exports every case (voided ones too, marked 已作废); a RegisterFilter
    exports what the register shows for it. ``progress(done, total)`` is called every
    PROGRESS_EVERY rows and at the end; ``cancelled()`` returning True stops the export
    (OperationCancelledError, no file left). An unwritable target raises ExportFileError.
    """
    target = Path(path)
    if include_ids:
        _may_export_ids(db, by)
    where, params = _selection(db, filters)
    total = int(db.scalar(f"SELECT count(*) FROM cases c{where}", params) or 0)
    tmp = _temp_path(target)
    try:
        written = _write(db, tmp, where, params, include_ids, total, progress, cancelled)
        durable.sync_file(tmp)  # whole on the disk (a USB stick) before it takes the name
        os.replace(tmp, target)
        durable.sync_folder(target.parent)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        error = _file_error(exc, target)
        if error is not None:
            raise error from exc
        raise
    if include_ids:
        assert by is not None
        with db.transaction() as conn:
            privacy.record_access(
                conn,
                "export_ids",
                by=by.user_id,
                data={"cases": written, "file": target.name},
            )
    return written


def _may_export_ids(db: Database, by: Actor | None) -> None:
    if by is None:  # a caller that forgot who asks: never an unrecorded export
        raise ValueError("an export with full ID numbers needs by= (it is recorded)")
    now = accounts.current(db.conn, by)
    if now.role not in WORKERS and now.role != accounts.SYSTEM:
        raise PermissionDeniedError(accounts.refusal(now, "导出含完整证件号码的台账", WORKERS))


def _temp_path(target: Path) -> Path:
    """An empty new file beside the target (same disk, so the final rename is atomic),
    created with the usual permissions (mkstemp's 0600 would stay on the exported file)."""
    for _ in range(100):
        tmp = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.xlsx.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _os_error(exc, target) from exc
        os.close(fd)
        return tmp
    raise ExportFileError(f"无法在“{target.parent}”中创建临时文件。", path=str(target))


def _file_error(exc: BaseException, target: Path) -> ExportFileError | None:
    """The typed error for a failure of the file system, None for anything else."""
    if isinstance(exc, ExportFileError):
        return exc
    if isinstance(exc, OSError):
        return _os_error(exc, target)
    # xlsxwriter wraps the OSError of its final write in FileCreateError / FileSizeError.
    cause = exc.__context__
    if type(exc).__module__.startswith("xlsxwriter") and isinstance(cause, OSError):
        return _os_error(cause, target)
    return None


def _os_error(exc: OSError, target: Path) -> ExportFileError:
    name = f"“{target.name}”"
    folder = f"“{target.parent}”"
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        message = (
            f"磁盘空间不足，台账{name}没有保存（没有留下不完整的文件）。"
            "请清理磁盘空间，或换一个位置（如另一个磁盘或U盘）后再导出。"
        )
    elif code in (errno.ENOENT, errno.ENOTDIR):
        message = f"找不到文件夹{folder}，台账{name}没有保存。请重新选择保存位置。"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS) and target.exists():
        message = (
            f"文件{name}无法覆盖：它可能正在 Excel 或 WPS 中打开，或者是只读的。"
            "请先关闭这个文件，或换一个文件名后再导出。"
        )
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        message = (
            f"没有权限在文件夹{folder}中保存台账{name}。请换一个位置（例如“文档”或桌面）后再导出。"
        )
    else:
        reason = exc.strerror or type(exc).__name__
        message = f"台账{name}保存失败（{reason}），没有留下不完整的文件。请换一个位置后再试。"
    return ExportFileError(message, path=str(target))


def _write(
    db: Database,
    tmp: Path,
    where: str,
    params: list[Any],
    include_ids: bool,
    total: int,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> int:
    import xlsxwriter  # type: ignore[import-untyped, unused-ignore]

    workbook = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
    try:
        written = _fill(workbook, db, where, params, include_ids, total, progress, cancelled)
        workbook.close()
    except BaseException:
        _discard(workbook)
        raise
    return written


def _discard(workbook: Any) -> None:
    """Close and delete xlsxwriter's temporary row files after a failure or a cancel."""
    workbook.fileclosed = True
    for sheet in workbook.worksheets():
        fh = getattr(sheet, "row_data_fh", None)
        if fh is not None and not fh.closed:
            with contextlib.suppress(OSError):
                fh.close()
        name = getattr(sheet, "row_data_filename", None)
        if name:
            with contextlib.suppress(OSError):
                os.unlink(name)


# One case row: the 17 cells (text, an Excel serial day, an amount in 元, or None for an
# empty ruled cell) and its height in points (None: one line, the sheet's default).
Cell = str | int | float | None
LedgerRow = tuple[tuple[Cell, ...], float | None]

_KINDS: dict[str, dict[str, object]] = {
    "text": {"valign": "top", "text_wrap": True},
    "date": {"valign": "top", "num_format": "yyyy-mm-dd"},
    "amount": {"valign": "top", "num_format": "#,##0.00"},
}
_FONT = {"font_name": "宋体", "font_size": FONT_SIZE}


def ledger_rows(
    db: Database, *, where: str = "", params: list[Any] | None = None, include_ids: bool = False
) -> Generator[LedgerRow, None, None]:
    """The ledger's case rows, in order, as the export writes them (also the bench's
    reference list)."""
    source_labels = sources()
    # a text shorter than half its column's room is one line (lines_in counts two units a
    # character at most): only longer texts are measured
    short = [int((max(w - 1.5, 1.0)) // 2) for w in WIDTHS]
    cursor = db.conn.cursor()
    cursor.row_factory = None
    with db.reading(), contextlib.closing(cursor):  # closed also when left early
        for r in cursor.execute(_ROWS_SQL.format(where=where), params or []):
            cells = _cells(r, source_labels, include_ids=include_ids)
            yield cells, _row_height(cells, short)


def _cells(
    r: tuple[Any, ...], source_labels: dict[str, str], *, include_ids: bool
) -> tuple[Cell, ...]:
    """One case's cells (a row of _ROWS_SQL), in the order of COLUMNS; None is empty."""
    (
        number,
        registered_on,
        accepted_on,
        closed_on,
        applicants,
        respondents,
        category,
        source,
        village,
        mediators,
        state,
        outcome,
        amount_fen,
        performance,
        confirmation,
        facts,
        close_note,
        decline_reason,
        void_reason,
    ) = r
    # a case is either declined or closed, never both: one of the two is empty
    note = void_reason if state == "voided" else (decline_reason or close_note)
    return (
        number or None,
        excel_serial(registered_on),
        excel_serial(closed_on) if closed_on else None,
        parties_text(applicants, include_ids=include_ids) if applicants else None,
        parties_text(respondents, include_ids=include_ids) if respondents else None,
        category,
        mediators or None,
        OUTCOMES.get(outcome, outcome) if outcome else None,
        amount_fen / 100 if amount_fen is not None else None,
        PERFORMANCE.get(performance, performance) if performance else None,
        brief_facts(facts) if facts else None,
        excel_serial(accepted_on) if accepted_on else None,
        source_labels.get(source, source),
        village or None,
        STATES.get(state, state),
        confirmation_text(confirmation) if confirmation else None,
        brief_facts(note) if note else None,
    )


def _row_height(cells: tuple[Cell, ...], short: list[int]) -> float | None:
    """As tall as its longest printed text wraps: Excel and LibreOffice keep a row of a
    written file at one line otherwise, the rest of the text hidden on paper. None: one
    line."""
    lines = 1
    for col in _PRINTED_TEXT:
        text = cells[col]
        if isinstance(text, str) and (len(text) > short[col] or "\n" in text):
            lines = max(lines, sheet_print.lines_in(text, WIDTHS[col]))
    return sheet_print.row_height(lines, FONT_SIZE) if lines > 1 else None


_PRINTED_TEXT = tuple(i for i, c in enumerate(COLUMNS[:PRINTED]) if c.kind == "text")


@dataclass(frozen=True)
class LedgerSheet:
    """The ledger's worksheet with its header written, and each column's cell format."""

    sheet: Any
    formats: tuple[Any, ...]


def begin_sheet(workbook: Any) -> LedgerSheet:
    """Properties, the sheet, its columns and header row, in a new (constant_memory)
    workbook. The formats get their style numbers here, in a fixed order, so that how
    the rows are written cannot change the styles."""
    workbook.set_properties({"title": "人民调解案件台账", "comments": "由调解工作台导出"})
    sheet = workbook.add_worksheet(SHEET_NAME)
    header_fmt = workbook.add_format(
        {
            **_FONT,
            "bold": True,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "bg_color": "#DDEBF7",
            "border": 1,
        }
    )
    # the columns' own formats (what a row added by hand gets) have no borders, so the
    # sheet below the ledger stays clear; every cell of a case's row, empty or not, is
    # ruled thin on screen and on paper
    for i, column in enumerate(COLUMNS):
        sheet.set_column(i, i, column.width, workbook.add_format({**_FONT, **_KINDS[column.kind]}))
    ruled = {kind: workbook.add_format({**_FONT, **f, "border": 1}) for kind, f in _KINDS.items()}
    header_fmt._get_xf_index()
    for kind in _KINDS:
        ruled[kind]._get_xf_index()
    sheet.set_row(0, 30)
    for i, header in enumerate(HEADERS):
        sheet.write_string(0, i, header, header_fmt)
    sheet.freeze_panes(1, 0)
    return LedgerSheet(sheet, tuple(ruled[c.kind] for c in COLUMNS))


def end_sheet(ledger_sheet: LedgerSheet, last_row: int) -> None:
    """The filter on the header and the print set-up, after ``last_row`` rows."""
    sheet = ledger_sheet.sheet
    if last_row:
        sheet.autofilter(0, 0, last_row, len(COLUMNS) - 1)
    # on paper: A4 landscape, the header on every page, the columns to 简要案情
    sheet_print.set_up(
        sheet,
        [c.width for c in COLUMNS[:PRINTED]],
        font_size=FONT_SIZE,
        landscape=True,
        header_rows=(0, 0),
        title=PRINT_TITLE,
        last_row=last_row,
    )


def write_rows_api(ledger_sheet: LedgerSheet, rows: Iterable[LedgerRow], first_row: int = 1) -> int:
    """Write ``rows`` cell by cell through xlsxwriter's public API; returns the next row.
    (The export's fallback, and what the fast writer is checked against.)"""
    sheet = ledger_sheet.sheet
    formats = ledger_sheet.formats
    text = [c.kind == "text" for c in COLUMNS]
    row_no = first_row
    for cells, height in rows:
        for col, value in enumerate(cells):
            if value is None:
                sheet.write_blank(row_no, col, None, formats[col])
            elif text[col]:
                sheet.write_string(row_no, col, value, formats[col])
            else:
                sheet.write_number(row_no, col, value, formats[col])
        if height is not None:
            sheet.set_row(row_no, height)
        row_no += 1
    return row_no


class _RowXml:
    """Writes case rows straight into a constant_memory worksheet's row file as the XML
    xlsxwriter itself writes for write_string / write_number / write_blank / set_row (the
    same bytes, tests/models/test_ledger_export.py), without its per-cell calls: about
    five times faster, most of what the export used to spend.

    Relies on xlsxwriter's constant_memory internals (pinned <3.4 in pyproject.toml);
    ``usable`` is False when they are missing and the export then writes through the API."""

    def __init__(self, ledger_sheet: LedgerSheet) -> None:
        self.sheet = ledger_sheet.sheet
        self.text = tuple(c.kind == "text" for c in COLUMNS)
        xf = [f._get_xf_index() for f in ledger_sheet.formats]
        letters = [_column_letters(i) for i in range(len(COLUMNS))]
        self.open = tuple(f'<c r="{letters[i]}' for i in range(len(COLUMNS)))
        self.blank = tuple(f'" s="{xf[i]}"/>' for i in range(len(COLUMNS)))
        self.number = tuple(f'" s="{xf[i]}"><v>' for i in range(len(COLUMNS)))
        self.string = tuple(f'" s="{xf[i]}" t="inlineStr"><is><t' for i in range(len(COLUMNS)))

    @staticmethod
    def usable(sheet: Any) -> bool:
        return (
            getattr(sheet, "constant_memory", False)
            and getattr(sheet, "excel_version", None) == 2007
            and all(
                hasattr(sheet, name)
                for name in (
                    "row_data_fh",
                    "previous_row",
                    "table",
                    "row_info",
                    "_check_dimensions",
                )
            )
            and hasattr(sheet, "_write_single_row")
            and getattr(sheet, "default_row_height", None)
            == getattr(sheet, "original_row_height", 0)
        )

    def start(self, first_row: int) -> None:
        """Flush what xlsxwriter holds (the header row) before writing from ``first_row``."""
        self.sheet._write_single_row(first_row)

    def chunk(self, rows: Iterable[LedgerRow], first_row: int) -> int:
        """Write ``rows`` from ``first_row`` on; returns the next row."""
        out: list[str] = []
        add = out.append
        text = self.text
        opens, blanks, numbers, strings = self.open, self.blank, self.number, self.string
        row_no = first_row
        for cells, height in rows:
            r = str(row_no + 1)
            if height is None:
                add(f'<row r="{r}">')
            else:
                pixels = int(height * 4.0 / 3.0 + 0.5)
                add(f'<row r="{r}" ht="{pixels * 0.75:.16g}" customHeight="1">')
            for col, value in enumerate(cells):
                if value is None:
                    add(opens[col] + r + blanks[col])
                elif text[col]:
                    add(opens[col] + r + strings[col] + _xml_text(value) + "</t></is></c>")  # type: ignore[arg-type]
                else:
                    add(f"{opens[col]}{r}{numbers[col]}{value:.16G}</v></c>")
            add("</row>")
            row_no += 1
        if row_no > first_row:
            self.sheet.row_data_fh.write("".join(out))
            self.sheet._check_dimensions(row_no - 1, len(COLUMNS) - 1)
            self.sheet.previous_row = row_no - 1
        return row_no


def _column_letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# what xlsxwriter changes in an inline string: control characters (_xHHHH_, and a literal
# _xHHHH_ escaped), the three XML specials; leading or trailing white space is kept
_XML_CARE = re.compile(r"[\x00-\x08\x0b-\x1f&<>]|_x[0-9a-fA-F]{4}_")
_CONTROL_LITERAL = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")


_STRING_MAX = 32767  # UTF-16 units in a cell; xlsxwriter cuts a longer text there


def _xml_text(text: str) -> str:
    """'>' + the text as the content of <t> (with xml:space when it needs it)."""
    if len(text) > _STRING_MAX // 2 and len(text.encode("utf-16-le")) > 2 * _STRING_MAX:
        text = text.encode("utf-16-le")[: 2 * _STRING_MAX].decode("utf-16-le", "ignore")
    if _XML_CARE.search(text):
        text = _CONTROL_LITERAL.sub(r"_x005F\1", text)
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text[:1].isspace() or text[-1:].isspace():
        return ' xml:space="preserve">' + text
    return ">" + text


def _fill(
    workbook: Any,
    db: Database,
    where: str,
    params: list[Any],
    include_ids: bool,
    total: int,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> int:
    ledger_sheet = begin_sheet(workbook)
    rows = ledger_rows(db, where=where, params=params, include_ids=include_ids)
    xml = _RowXml(ledger_sheet) if _RowXml.usable(ledger_sheet.sheet) else None
    if xml is not None:
        xml.start(1)
    with contextlib.closing(rows):  # a cancel or an error ends the query at once
        row_no = _fill_rows(ledger_sheet, xml, rows, total, progress, cancelled)
    written = row_no - 1
    end_sheet(ledger_sheet, written)
    if cancelled is not None and cancelled():
        raise OperationCancelledError("已取消导出，没有保存台账文件。")
    if progress is not None:
        progress(written, max(total, written))
    return written


def _fill_rows(
    ledger_sheet: LedgerSheet,
    xml: _RowXml | None,
    rows: Iterator[LedgerRow],
    total: int,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> int:
    """Write ``rows`` from the sheet's second row on, PROGRESS_EVERY at a time, asking
    ``cancelled`` and telling ``progress`` after each full block; returns the next row."""
    row_no = 1
    while True:
        block = list(itertools.islice(rows, PROGRESS_EVERY))
        if not block:
            break
        if xml is not None:
            row_no = xml.chunk(block, row_no)
        else:
            row_no = write_rows_api(ledger_sheet, block, row_no)
        if len(block) == PROGRESS_EVERY:
            if cancelled is not None and cancelled():
                raise OperationCancelledError("已取消导出，没有保存台账文件。")
            if progress is not None:
                progress(row_no - 1, max(total, row_no - 1))
    return row_no
