"""How the xlsx files the program writes (the 台账 export, the 月度报告) print: A4, margins,
the header rows repeated on every page, page numbers, the columns meant for paper, and a
scale that fits them to the width of the page only while the type stays readable.

Excel and LibreOffice scale a printed sheet as a whole. Fitting many columns to one page
width can shrink 10.5 pt type to 5 pt; here the columns are fitted to as many page
widths as keep the type at ``MIN_POINTS`` or more — one for the columns chosen for
paper, two for a breakdown of 26 figures, with the first column repeated on each.

Widths are xlsxwriter's column units; a unit is 7 pixels of the default font plus 5
pixels of padding per column, 96 pixels an inch (how Excel measures them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

A4 = 9  # xlsxwriter's paper index
A4_INCHES = (210 / 25.4, 297 / 25.4)
PIXELS_PER_INCH = 96
MIN_POINTS = 8.0
# inches: left/right ~1 cm; top and bottom leave room for the header and the page number
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.7}
HEADER_MARGIN = 0.3
FOOTER = "&C第 &P 页 共 &N 页"


LINE_HEIGHT = 1.3  # a wrapped line, in font sizes (points)


def lines_in(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` units wide: a Chinese
    character takes two units and any other one (as a GBK byte count measures them)."""
    room = max(width - 1.5, 1.0)  # the cell's padding
    lines = 0
    for part in text.split("\n"):
        lines += max(1, math.ceil(len(part.encode("gbk", "replace")) / room))
    return lines


def row_height(lines: int, font_size: float) -> float:
    """Points for ``lines`` lines of ``font_size`` type (and the cell's padding)."""
    return round(lines * font_size * LINE_HEIGHT + 3, 1)


def column_pixels(width: float) -> int:
    """The width in pixels of a column ``width`` units wide (as Excel draws it)."""
    return int(width * 7 + 0.5) + 5


def printable_pixels(*, landscape: bool) -> float:
    """The width of A4 between the margins, in pixels."""
    paper = A4_INCHES[1] if landscape else A4_INCHES[0]
    return (paper - MARGINS["left"] - MARGINS["right"]) * PIXELS_PER_INCH


# A spreadsheet measures a column unit by the digits of the workbook's font (Calibri,
# 7 pixels). Without Calibri (LibreOffice on Linux falls back to DejaVu Sans) the same
# columns come out about a third wider; a set-up that keeps 8 pt must allow for that.
METRIC_SLACK = 1.36


@dataclass(frozen=True)
class Fit:
    """How a sheet prints across: on ``pages`` pages side by side (the spreadsheet fits
    the columns to that many page widths); ``scale`` is the scale that takes with Excel's
    measure of the columns, ``lowest`` the least any spreadsheet may need."""

    scale: float
    pages: int
    lowest: float = 1.0

    @property
    def fits_width(self) -> bool:
        return self.pages == 1


def pages_across(
    widths: Sequence[float],
    scale: float,
    *,
    landscape: bool,
    repeat_first: bool,
    slack: float = 1.0,
) -> int:
    """How many pages side by side the columns need at ``scale`` (a column is never cut;
    with ``repeat_first`` the first column is printed again on every page); ``slack``
    widens every column (another spreadsheet's measure)."""
    room = printable_pixels(landscape=landscape) / scale
    pixels = [column_pixels(w) * slack for w in widths]
    head = pixels[0] if repeat_first and len(pixels) > 1 else 0.0
    pages, used = 1, pixels[0]
    for px in pixels[1:]:
        if used + px > room + 0.5:
            pages += 1
            used = head
        used += px
    return pages


def best_fit(widths: Sequence[float], font_size: float, *, landscape: bool) -> Fit:
    """The fewest pages across on which the columns print with ``font_size`` type no
    smaller than MIN_POINTS — also where columns measure METRIC_SLACK wider — and the
    scale that takes with Excel's measure (at most 100 %)."""
    lowest = math.ceil(MIN_POINTS / font_size * 100) / 100
    pages = pages_across(widths, lowest, landscape=landscape, repeat_first=True, slack=METRIC_SLACK)
    for percent in range(100, round(lowest * 100) - 1, -1):
        scale = percent / 100
        if pages_across(widths, scale, landscape=landscape, repeat_first=pages > 1) <= pages:
            return Fit(scale, pages, lowest)
    return Fit(lowest, pages, lowest)  # pragma: no cover - the loop ends at lowest


def set_up(
    sheet: Any,
    widths: Sequence[float],
    *,
    font_size: float,
    landscape: bool,
    header_rows: tuple[int, int] | None,
    title: str = "",
    last_row: int | None = None,
) -> Fit:
    """Give an xlsxwriter worksheet its print set-up. ``widths`` are the widths of the
    columns to print (A onwards; the print area ends with them); ``font_size`` the body
    type; ``header_rows`` (first, last, 0-based) repeat on every page; ``title`` prints
    at the top of every page; with ``last_row`` the print area is rows 0 to it and the
    columns of ``widths`` (columns after them are not printed)."""
    fit = best_fit(widths, font_size, landscape=landscape)
    sheet.set_paper(A4)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_margins(**MARGINS)
    if title:
        sheet.set_header(f"&C{title}", {"margin": HEADER_MARGIN})
    sheet.set_footer(FOOTER, {"margin": HEADER_MARGIN})
    if header_rows is not None:
        sheet.repeat_rows(*header_rows)
    if last_row is not None:
        sheet.print_area(0, 0, last_row, len(widths) - 1)
    # the width on that many pages, as many down as it takes: the spreadsheet sets the
    # scale by its own measure of the columns (never above 100 %)
    sheet.fit_to_pages(fit.pages, 0)
    if not fit.fits_width:
        sheet.repeat_columns(0)  # each page across names its rows
        sheet.print_across()  # across first: a row of pages holds the same rows
    return fit
