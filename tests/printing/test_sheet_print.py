"""How the 台账 export and the 月度报告 xlsx print: the set-up written into the files
(openpyxl), and the pages LibreOffice prints from them (converted to PDF, read with pypdf:
orientation, the header row on every page, the columns on paper, no type under 8 pt).

The LibreOffice test runs where ``soffice`` or ``libreoffice`` is installed (Debian:
``apt-get install libreoffice-calc``) and is skipped elsewhere; CI does not need it."""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pypdf
import pytest
from openpyxl import load_workbook

from app.models import ledger, sheet_print
from app.models.monthly_report import MonthlyReportData, report_data
from app.printing.monthly_report import (
    MONTHS_SHEET,
    SHEETS,
    TEXTS_SHEET,
    XLSX_BREAKDOWNS,
    monthly_report_xlsx,
)
from tests.helpers import fill_demo, new_database
from tests.models.test_stats import TODAY, stats_office
from tests.printing.test_monthly_report import TEXTS

# ---------------------------------------------------------------------------------------
# The scale


def test_columns_that_fit_print_at_full_size() -> None:
    fit = sheet_print.best_fit([20, 7, 13, 13, 13], 11, landscape=False)
    assert (fit.scale, fit.pages) == (1.0, 1)


def test_a_wide_sheet_is_fitted_to_the_width_while_type_stays_8_pt() -> None:
    widths = [c.width for c in ledger.COLUMNS[: ledger.PRINTED]]
    fit = sheet_print.best_fit(widths, ledger.FONT_SIZE, landscape=True)
    assert fit.fits_width
    assert ledger.FONT_SIZE * fit.lowest >= sheet_print.MIN_POINTS
    # where columns measure a quarter wider, they still fit at the lowest scale
    total = sum(sheet_print.column_pixels(w) for w in widths) * sheet_print.METRIC_SLACK
    assert total * fit.lowest <= sheet_print.printable_pixels(landscape=True)


def test_a_sheet_too_wide_for_8_pt_prints_on_pages_across() -> None:
    """All 17 台账 columns at 10.5 pt would need 5 pt type on one page: instead two pages
    across at the largest scale that needs no third, the first column on each."""
    widths = [16.0, *[9.0] * 26]
    fit = sheet_print.best_fit(widths, 11, landscape=True)
    assert not fit.fits_width and fit.pages == 2
    assert 11 * fit.scale >= sheet_print.MIN_POINTS
    assert sheet_print.pages_across(widths, fit.scale, landscape=True, repeat_first=True) == 2
    larger = fit.scale + 0.01
    assert (
        larger > 1
        or sheet_print.pages_across(widths, larger, landscape=True, repeat_first=True) > 2
    )


# ---------------------------------------------------------------------------------------
# The set-up in the files


@pytest.fixture(scope="module")
def ledger_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 台账 of the demo office (40 cases in every state)."""
    folder = tmp_path_factory.mktemp("ledger")
    db = new_database(folder / "demo.sqlite3")
    try:
        fill_demo(db, today=date(2026, 11, 20))
        path = folder / "台账.xlsx"
        ledger.export_ledger(db, path)
    finally:
        db.close()
    return path


@pytest.fixture(scope="module")
def may(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MonthlyReportData]:
    path = tmp_path_factory.mktemp("monthly_print") / "stats.sqlite3"
    db = stats_office(path).db
    yield report_data(db, 2026, 5, today=TODAY, texts=TEXTS)
    db.close()


@pytest.fixture(scope="module")
def report_file(may: MonthlyReportData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("monthly_xlsx") / "月度报告.xlsx"
    path.write_bytes(monthly_report_xlsx(may))
    return path


def test_the_ledger_prints_a4_landscape_with_its_header_on_every_page(ledger_file: Path) -> None:
    wb = load_workbook(ledger_file)
    ws = wb[ledger.SHEET_NAME]
    setup = ws.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == "9"
    assert ws.print_title_rows == "$1:$1"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0  # 1 is the default
    last = ws.max_row
    assert ws.print_area == f"'{ledger.SHEET_NAME}'!$A$1:$K${last}"
    assert ws["K1"].value == "简要案情" and ws["P1"].value == "司法确认"
    assert ws.page_margins.left == pytest.approx(0.4)
    assert "第 &P 页 共 &N 页" in str(ws.oddFooter.center.text)
    for cell in ws[2]:
        if cell.column <= ledger.PRINTED and cell.data_type == "s":
            assert cell.alignment.wrap_text
    wb.close()


def test_every_cell_of_a_case_row_is_ruled(ledger_file: Path) -> None:
    """Thin borders round every cell of every case's row, the empty ones too (an open
    date, no amount), so the printed 台账 is a ruled table; none below the ledger."""
    wb = load_workbook(ledger_file)
    ws = wb[ledger.SHEET_NAME]
    last = ws.max_row
    empty = 0
    for row in ws.iter_rows(min_row=2, max_row=last, max_col=len(ledger.COLUMNS)):
        for cell in row:
            sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
            assert all(side.style == "thin" for side in sides), cell.coordinate
            empty += cell.value is None
    assert empty > 0  # the measure sees empty cells
    below = ws.cell(row=last + 1, column=1)
    assert below.border.bottom.style is None and below.border.left.style is None
    wb.close()


def test_each_printed_header_fits_its_column_on_one_line() -> None:
    """By Excel's measure (a column of width w is 7w + 5 pixels; a character of the
    10.5 pt bold header 14 pixels, a Latin one 7, and 8 pixels of cell margins): no
    header wraps ("协议金额（元" / "）", "履行情" / "况")."""
    for column in ledger.COLUMNS[: ledger.PRINTED]:
        text = sum(14 if ord(ch) > 0x2E80 else 7 for ch in column.header) + 8
        assert sheet_print.column_pixels(column.width) >= text, column


def test_the_amount_header_is_short_and_both_names_are_read_back() -> None:
    """The amount column is headed "金额（元）"; a ledger exported with the old
    "协议金额（元）" imports as well."""
    from app.models.ledger_import.mapping import match_header

    header = ledger.COLUMNS[ledger.COL["amount"]].header
    assert header == "金额（元）"
    for name in (header, "协议金额（元）", "协议金额(元)"):
        assert match_header(name)[0] == "amount", name


def test_the_monthly_report_sheets_have_a_print_set_up(report_file: Path) -> None:
    wb = load_workbook(report_file)
    assert wb.sheetnames == list(SHEETS)
    for name in SHEETS:
        ws = wb[name]
        setup = ws.page_setup
        assert str(setup.paperSize) == "9", name
        assert ws.print_title_rows == "$1:$4", name  # title, byline, header
        wide = name in {sheet for sheet, _by in XLSX_BREAKDOWNS}
        assert setup.orientation == ("landscape" if wide else "portrait"), name
        if wide:  # 27 columns: fitted to two pages across, the names repeated on each
            assert ws.print_title_cols == "$A:$A"
            assert setup.fitToWidth == 2 and setup.fitToHeight == 0
    chart = wb[MONTHS_SHEET]._charts[0]
    assert chart.anchor._from.col == 0  # below the table, not beside it
    assert wb[TEXTS_SHEET].column_dimensions["B"].width <= 81
    wb.close()


# ---------------------------------------------------------------------------------------
# Printed by LibreOffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc",
)


def to_pdf(xlsx: Path, folder: Path) -> bytes:
    """``xlsx`` printed to PDF by LibreOffice, with its own throw-away profile."""
    assert SOFFICE is not None
    profile = folder / "lo-profile"
    env = {**os.environ, "HOME": str(folder)}
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
        env=env,
    )
    return (folder / (xlsx.stem + ".pdf")).read_bytes()


def text_sizes(page: pypdf.PageObject) -> list[tuple[str, float]]:
    """(text, size in points as printed) of each piece of text on ``page``."""
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            m = [
                tm[0] * cm[0] + tm[1] * cm[2],
                tm[0] * cm[1] + tm[1] * cm[3],
                tm[2] * cm[0] + tm[3] * cm[2],
                tm[2] * cm[1] + tm[3] * cm[3],
            ]
            found.append((text, size * math.hypot(m[2], m[3])))

    page.extract_text(visitor_text=visit)
    return found


@needs_office
def test_libreoffice_prints_the_ledger_readably(ledger_file: Path, tmp_path: Path) -> None:
    pdf = pypdf.PdfReader(io.BytesIO(to_pdf(ledger_file, tmp_path)))
    assert 2 <= len(pdf.pages) <= 20  # 40 cases, wrapped facts: a few rows a page
    smallest = 99.0
    for n, page in enumerate(pdf.pages):
        assert float(page.mediabox.width) > float(page.mediabox.height), n  # landscape
        text = page.extract_text().replace(" ", "").replace("\n", "")
        for header in ("案件编号", "申请人", "调解结果", "简要案情"):
            assert header in text, (n, header)  # the header row on every page
        for header in ("受理日期", "案件来源", "司法确认", "备注"):
            assert header not in text, (n, header)  # not printed
        assert "人民调解案件台账" in text
        assert f"第{n + 1}页共{len(pdf.pages)}页" in text
        pieces = [t.strip() for t, _size in text_sizes(page)]
        for header in ledger.HEADERS[: ledger.PRINTED]:
            assert header in pieces, (n, header)  # on one line: never "（元" / "）"
        smallest = min([smallest, *(size for _t, size in text_sizes(page))])
    assert smallest >= sheet_print.MIN_POINTS - 0.05


@needs_office
def test_libreoffice_prints_the_monthly_report_readably(report_file: Path, tmp_path: Path) -> None:
    pdf = pypdf.PdfReader(io.BytesIO(to_pdf(report_file, tmp_path)))
    pages = list(pdf.pages)
    # 指标 1, five breakdowns two across each, 各月情况 with its chart 1, 情况说明 1
    assert len(pages) == 1 + 2 * len(XLSX_BREAKDOWNS) + 2
    for n, page in enumerate(pages):
        text = page.extract_text().replace(" ", "").replace("\n", "")
        assert "2026年5月" in text, n  # the title repeats on every page
        sizes = [size for _t, size in text_sizes(page)]
        assert sizes and min(sizes) >= sheet_print.MIN_POINTS - 0.05, n
    landscape = [float(p.mediabox.width) > float(p.mediabox.height) for p in pages]
    assert landscape == [False, *[True] * (2 * len(XLSX_BREAKDOWNS)), False, False]
