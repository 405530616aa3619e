"""Opening the file an office chose: .xlsx, old .xls and .ods through python-calamine, .csv
(UTF-8 with or without BOM, GBK, UTF-16) through the csv module.

What a file *is* is decided from its first bytes, not its name: offices rename files, and
systems export HTML or text with an .xls name. A file that is not a readable spreadsheet
raises SheetFileError whose message says what the file is and what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.models.errors import SheetFileError
from app.models.parsing.cells import Cell

log = logging.getLogger(__name__)

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
_MAX_SNIFF = 64 * 1024 * 1024  # OLE2 directory names are searched in at most this much

Merge = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first col), (last row, last col))

_WHAT_TO_CHOOSE = (
    "请选择 Excel 台账（.xlsx 或 .xls）、WPS 或 LibreOffice 表格（.ods）或 .csv 文件。"
)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


@dataclass
class Workbook:
    """An opened spreadsheet: its sheets' names, and each sheet's cells on request.

    ``rows(sheet)`` is the whole grid from cell A1 (row index + 1 is the Excel row number);
    empty cells are "". ``merges(sheet)`` lists merged ranges (None when the format does
    not say: .ods and .csv). Holds no open file between calls."""

    path: Path
    kind: str  # xlsx | xls | ods | csv
    sheet_names: list[str]
    hidden_sheets: frozenset[str] = frozenset()
    encoding: str | None = None  # csv only: utf-8 | utf-8-sig | gbk | utf-16
    _rows: dict[str, list[list[Cell]]] = field(default_factory=dict, repr=False)
    _merges: dict[str, list[Merge] | None] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # The workbook as parsed by open_workbook (held in memory, no open file) and the thread
    # that parsed it: the first sheet read in that thread is read from it, not parsed again.
    _book: Any = field(default=None, repr=False)
    _book_thread: int = 0

    @property
    def file_name(self) -> str:
        return self.path.name

    def rows(self, sheet: str) -> list[list[Cell]]:
        with self._lock:
            if sheet not in self._rows:
                self._load(sheet)
            return self._rows[sheet]

    def merges(self, sheet: str) -> list[Merge] | None:
        with self._lock:
            if sheet not in self._rows:
                self._load(sheet)
            return self._merges[sheet]

    def _load(self, sheet: str) -> None:
        if sheet not in self.sheet_names:
            raise SheetFileError(
                f"“{self.file_name}”中没有名为“{sheet}”的工作表。", file_name=self.file_name
            )
        if self.kind == "csv":
            assert self.encoding is not None
            self._rows[sheet] = _read_csv(self.path, self.encoding)
            self._merges[sheet] = None
            return
        from python_calamine import CalamineError, CalamineWorkbook

        parsed, self._book = self._book, None
        if parsed is not None and self._book_thread != threading.get_ident():
            parsed.close()  # (made in another thread: not used in this one)
            parsed = None
        try:
            if parsed is None:
                with self.path.open("rb") as f:
                    parsed = CalamineWorkbook.from_filelike(f)
            book = parsed
            try:
                data = book.get_sheet_by_name(sheet)
                grid = data.to_python(skip_empty_area=False)
                merges = data.merged_cell_ranges
            finally:
                book.close()
        except OSError as exc:
            raise _os_error(self.path, exc) from exc
        except CalamineError as exc:
            # the folder, not the name: a user may name a file after a party (docs/privacy.md)
            log.info(
                "reading a sheet of a %s file in %s failed: %s",
                self.path.suffix,
                self.path.parent,
                exc,
            )
            raise _corrupt(self.path) from exc
        rows: list[list[Cell]] = [list(r) for r in grid]
        self._rows[sheet] = rows
        self._merges[sheet] = None if self.kind == "ods" else list(merges or [])


def open_workbook(path: Path | str) -> Workbook:
    """Open a spreadsheet for import, or raise SheetFileError saying what the file is."""
    p = Path(path)
    name = p.name
    try:
        size = p.stat().st_size
        with p.open("rb") as f:
            head = f.read(_MAX_SNIFF)
    except FileNotFoundError as exc:
        raise SheetFileError(
            f"找不到文件“{name}”，它可能已被移动或删除。请重新选择。", file_name=name
        ) from exc
    except IsADirectoryError as exc:
        raise SheetFileError(f"“{name}”是一个文件夹，不是表格文件。", file_name=name) from exc
    except OSError as exc:
        raise _os_error(p, exc) from exc
    if size == 0:
        raise SheetFileError(f"“{name}”是空文件（0 字节），里面没有表格。", file_name=name)
    kind = _sniff(p, head)
    if kind == "csv":
        encoding = _csv_encoding(p, head)
        return Workbook(p, "csv", [p.stem or "Sheet1"], encoding=encoding)
    return _open_calamine(p, kind)


def _sniff(path: Path, head: bytes) -> str:
    """xlsx | xls | ods | csv, or raise SheetFileError naming what the file is."""
    if head.startswith(OLE2_MAGIC):
        return _sniff_ole2(path, head)
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path)
    _refuse_other_documents(path.name, head)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head[:8192]:
        raise SheetFileError(
            f"“{path.name}”不是能识别的表格文件。{_WHAT_TO_CHOOSE}", file_name=path.name
        )
    return "csv"


def _not_a_sheet(name: str, what: str, advice: str = _WHAT_TO_CHOOSE) -> SheetFileError:
    space = " " if what[:1].isascii() else ""  # 看起来是 Word 文档 / 看起来是图片
    return SheetFileError(
        f"“{name}”不是表格文件（看起来是{space}{what}）。{advice}", file_name=name
    )


def _sniff_ole2(path: Path, head: bytes) -> str:
    """An old Office file: an .xls, unless it is encrypted, a .doc or a .ppt."""
    if _utf16("EncryptedPackage") in head or _utf16("EncryptionInfo") in head:
        raise _encrypted(path)
    if _utf16("WordDocument") in head:
        raise _not_a_sheet(path.name, "Word 文档（.doc）")
    if _utf16("PowerPoint Document") in head:
        raise _not_a_sheet(path.name, "PowerPoint 演示文稿（.ppt）")
    return "xls"


def _sniff_zip(path: Path) -> str:
    """A zip: an .xlsx or .ods by the parts it holds, else what it is instead."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError) as exc:
        raise _corrupt(path) from exc
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "opendocument.spreadsheet" in mimetype:
        return "ods"
    if any(n.startswith("word/") for n in names) or "opendocument.text" in mimetype:
        raise _not_a_sheet(path.name, "Word 文档")
    if any(n.startswith("ppt/") for n in names) or "opendocument.presentation" in mimetype:
        raise _not_a_sheet(path.name, "PowerPoint 演示文稿")
    if "[Content_Types].xml" in names:
        raise _corrupt(path)  # an Office file without its workbook part
    raise _not_a_sheet(path.name, "压缩包（zip）", "请先解压，再选择其中的表格文件。")


def _refuse_other_documents(name: str, head: bytes) -> None:
    """PDFs, pictures, archives, RTF and web pages are named as such."""
    if head.startswith(b"%PDF"):
        raise _not_a_sheet(name, "PDF 文件", "PDF 中的表格不能直接导入，请找到原来的 Excel 文件。")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        raise _not_a_sheet(
            name, "图片", "照片或截图中的表格不能直接导入，请找到原来的 Excel 文件。"
        )
    if head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c")):
        raise _not_a_sheet(name, "压缩包", "请先解压，再选择其中的表格文件。")
    if head.startswith(b"{\\rtf"):
        raise _not_a_sheet(name, "RTF 文档")
    text = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")) or (
        b"<html" in text or b"<table" in text
    ):
        raise SheetFileError(
            f"“{name}”其实是网页（HTML/XML）格式，只是扩展名像表格文件，无法直接读取。"
            "请用 Excel 或 WPS 打开它，“另存为” .xlsx 文件后再导入。",
            file_name=name,
        )


def _encrypted(path: Path) -> SheetFileError:
    return SheetFileError(
        f"“{path.name}”是受密码保护的 Excel 文件，无法读取。"
        "请先在 Excel 中打开它、取消密码后另存一份，再导入另存的文件。",
        file_name=path.name,
    )


def _corrupt(path: Path) -> SheetFileError:
    return SheetFileError(
        f"“{path.name}”已损坏或不完整（可能没有下载或复制完），无法读取。"
        "请重新获取这个文件，或用 Excel 打开修复后另存一份再导入。",
        file_name=path.name,
    )


def _os_error(path: Path, exc: OSError) -> SheetFileError:
    return SheetFileError(
        f"无法读取“{path.name}”（{exc.strerror or exc}）。"
        "请检查文件是否在别的程序中打开、U盘是否已拔出。",
        file_name=path.name,
    )


def _open_calamine(path: Path, kind: str) -> Workbook:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetVisibleEnum

    try:
        with path.open("rb") as f:
            book = CalamineWorkbook.from_filelike(f)
        try:
            names = list(book.sheet_names)
            hidden = frozenset(
                m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible
            )
        except BaseException:
            book.close()
            raise
    except PasswordError as exc:
        raise _encrypted(path) from exc
    except CalamineError as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _encrypted(path) from exc
        # the folder, not the name: a user may name a file after a party (docs/privacy.md)
        log.info("opening a %s file in %s failed: %s", path.suffix, path.parent, exc)
        if kind == "xls":
            raise SheetFileError(
                f"“{path.name}”不是能识别的表格文件，或者已损坏。{_WHAT_TO_CHOOSE}",
                file_name=path.name,
            ) from exc
        raise _corrupt(path) from exc
    except OSError as exc:
        raise _os_error(path, exc) from exc
    if not names:
        book.close()
        raise SheetFileError(f"“{path.name}”里没有工作表。", file_name=path.name)
    return Workbook(
        path, kind, names, hidden_sheets=hidden, _book=book, _book_thread=threading.get_ident()
    )


# ---------------------------------------------------------------------------------------
# CSV


def _csv_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _os_error(path, exc) from exc
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")  # GBK's superset: what "ANSI" Chinese Windows writes
        return "gbk"
    except UnicodeDecodeError:
        pass
    raise SheetFileError(
        f"无法识别“{path.name}”的文字编码（不是 UTF-8，也不是 GBK），读出来会是乱码。"
        "请用 Excel 或 WPS 打开它，另存为 .xlsx 后再导入。",
        file_name=path.name,
    )


def _read_csv(path: Path, encoding: str) -> list[list[Cell]]:
    codec = "gb18030" if encoding == "gbk" else encoding
    try:
        text = path.read_bytes().decode(codec)
    except OSError as exc:
        raise _os_error(path, exc) from exc
    except UnicodeDecodeError as exc:
        raise _corrupt(path) from exc
    text = text.removeprefix("\ufeff")
    sample = text[:16384]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return [list(row) for row in reader]
    except csv.Error as exc:
        raise _corrupt(path) from exc
