"""The register on an old 1366×768 laptop: every column fits at the default 字号 with no
horizontal scroll bar, the key columns stay whole and in view at the largest, and the sort
arrow points the way the rows really run (▲ smallest/earliest first, ▼ the other way)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QImage, QPolygon, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOptionHeader,
    QTableView,
)
from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.models.reference import STATES
from app.ui import application, ui_settings
from app.ui.main_window import MainWindow
from app.ui.register_columns import KEY_COLUMNS, SAMPLES
from app.ui.register_model import (
    COL_CATEGORY,
    COL_NUMBER,
    COL_REGISTERED,
    COL_SOURCE,
    COL_STATE,
    COL_VILLAGE,
    COLUMNS,
)
from app.ui.register_view import RegisterPage
from app.ui.sort_arrow import fix_sort_arrow
from tests.conftest import TODAY
from tests.ui.cases.helpers import qt_application
from tests.ui.message_boxes import Boxes

# What the program's window is on a 1366×768 screen (fit_to_screen of 1280×820), and the
# same screen with the window maximised.
LAPTOP_WINDOW = (1280, 720)
LAPTOP_MAXIMISED = (1366, 740)


@pytest.fixture
def sized(qapp: QApplication, restore_font: None) -> Iterator[None]:
    """The program's own fonts, so widths are measured as users see them."""
    application.load_fonts()
    yield


def register_window(
    qtbot: QtBot, db: Database, size: tuple[int, int], key: str
) -> tuple[MainWindow, QTableView, QHeaderView]:
    """The main window at ``size`` and 字号 ``key`` showing the register, its table and the
    table's header, once the columns are shared out."""
    application.apply_font_size(qt_application(), key)
    window = MainWindow(db, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.show_register()
    qtbot.waitExposed(window)
    table = window.register_page.table
    # The columns follow the view's width: wait for the last resize to be shared out.
    qtbot.waitUntil(lambda: table.viewport().width() > 0.9 * size[0])
    return window, table, table.horizontalHeader()


def shown_columns(table: QTableView) -> list[int]:
    header = table.horizontalHeader()
    return [c for c in COLUMNS if not header.isSectionHidden(c)]


def text_fits(table: QTableView, column: int, text: str) -> bool:
    """``text`` shows whole in the column (the item view keeps 3 px a side)."""
    width = table.horizontalHeader().sectionSize(column)
    return QFontMetrics(table.font()).horizontalAdvance(text) + 6 <= width


def title_fits(table: QTableView, column: int) -> bool:
    header = table.horizontalHeader()
    arrow = 20 if header.sortIndicatorSection() == column else 0
    title = QFontMetrics(header.font()).horizontalAdvance(COLUMNS[column])
    return title + 4 + arrow <= header.sectionSize(column)


@pytest.mark.parametrize("size", [LAPTOP_WINDOW, LAPTOP_MAXIMISED], ids=["window", "maximised"])
@pytest.mark.parametrize("key", ["normal", ui_settings.DEFAULT_FONT_SIZE])
def test_every_column_fits_a_laptop_screen_at_the_usual_sizes(
    qtbot: QtBot, demo_db: Database, boxes: Boxes, sized: None, size: tuple[int, int], key: str
) -> None:
    _, table, header = register_window(qtbot, demo_db, size, key)
    assert table.horizontalScrollBar().maximum() == 0
    assert not table.horizontalScrollBar().isVisible()
    used = sum(header.sectionSize(c) for c in shown_columns(table))
    assert used <= table.viewport().width()
    assert shown_columns(table) == [c for c in COLUMNS if c != COL_SOURCE]  # hidden at first
    for column in shown_columns(table):
        assert title_fits(table, column), COLUMNS[column]
        assert text_fits(table, column, SAMPLES[column]), COLUMNS[column]
    # What the demo office has is shown whole too.
    model = table.model()
    for row in range(model.rowCount()):
        for column in (COL_NUMBER, COL_STATE, COL_CATEGORY, COL_VILLAGE, COL_REGISTERED):
            text = str(model.index(row, column).data())
            assert text_fits(table, column, text), text


def test_the_key_columns_stay_whole_and_in_view_at_the_largest_size(
    qtbot: QtBot, demo_db: Database, boxes: Boxes, sized: None
) -> None:
    _, table, header = register_window(qtbot, demo_db, LAPTOP_WINDOW, "xlarge")
    assert QApplication.font().pointSize() == ui_settings.FONT_SIZES["xlarge"][1]
    assert table.font().pointSize() == ui_settings.FONT_SIZES["xlarge"][1]
    for column in KEY_COLUMNS:
        assert not header.isSectionHidden(column)
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert header.sectionViewportPosition(column) >= 0
        assert right <= table.viewport().width(), COLUMNS[column]
        assert text_fits(table, column, SAMPLES[column]), COLUMNS[column]
    model = table.model()
    for row in range(model.rowCount()):
        for column in (COL_NUMBER, COL_STATE):
            assert text_fits(table, column, str(model.index(row, column).data()))
    for column in shown_columns(table):  # narrowed ones keep their titles whole
        assert title_fits(table, column), COLUMNS[column]


def test_a_narrow_window_narrows_the_other_columns_never_the_key_ones(
    qtbot: QtBot, demo_db: Database, boxes: Boxes, sized: None
) -> None:
    window, table, header = register_window(
        qtbot, demo_db, LAPTOP_WINDOW, ui_settings.DEFAULT_FONT_SIZE
    )
    wide = {c: header.sectionSize(c) for c in shown_columns(table)}
    window.resize(900, 720)
    qtbot.waitUntil(lambda: table.viewport().width() < 900)
    assert header.sectionSize(COL_CATEGORY) < wide[COL_CATEGORY]
    for column in KEY_COLUMNS:
        assert header.sectionSize(column) >= QFontMetrics(table.font()).horizontalAdvance(
            SAMPLES[column]
        )
    for column in shown_columns(table):
        assert title_fits(table, column), COLUMNS[column]
    # Cut-off cells tell their whole text on hover.
    model = table.model()
    assert (
        model.index(0, COL_CATEGORY).data(Qt.ItemDataRole.ToolTipRole)
        == model.index(0, COL_CATEGORY).data()
    )


def test_a_dragged_column_keeps_its_width_when_the_window_changes(
    qtbot: QtBot, demo_db: Database, boxes: Boxes, sized: None
) -> None:
    window, table, header = register_window(
        qtbot, demo_db, LAPTOP_WINDOW, ui_settings.DEFAULT_FONT_SIZE
    )
    header.resizeSection(COL_VILLAGE, 160)  # as a drag on the header's divider does
    window.resize(1260, 720)
    qtbot.waitUntil(lambda: table.viewport().width() < 1240)
    assert header.sectionSize(COL_VILLAGE) == 160
    assert table.horizontalScrollBar().maximum() == 0  # the others made room
    # A new 字号 starts afresh: the old width means nothing at the new size.
    application.apply_font_size(qt_application(), "normal")
    assert header.sectionSize(COL_VILLAGE) < 160


# ---------------------------------------------------------------------- the sort arrow


def arrow_direction(header: QHeaderView, column: int) -> str:
    """ "up" or "down": how the sort arrow drawn in ``column`` points, judged from the
    pixels as a person would (▲ has its ink low and wide, ▼ high and wide)."""
    image: QImage = header.grab().toImage()
    # Any: PySide6 6.9's stubs lack QStyleOption's data members (rect, state, sortIndicator)
    option: Any = QStyleOptionHeader()
    option.initFrom(header)
    option.rect = QRect(
        header.sectionViewportPosition(column), 0, header.sectionSize(column), header.height()
    )
    option.state |= QStyle.StateFlag.State_Horizontal
    option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
    area = header.style().subElementRect(QStyle.SubElement.SE_HeaderArrow, option, header)
    area = area.adjusted(0, 0, -1, -1) & option.rect.adjusted(1, 1, -2, -2)
    dark = []
    for y in range(area.top(), area.bottom() + 1):
        for x in range(area.left(), area.right() + 1):
            if image.pixelColor(QPoint(x, y)).lightness() < 128:
                dark.append(y)
    assert len(dark) >= 6, "no arrow drawn"
    top, bottom = min(dark), max(dark)
    width_at = {y: dark.count(y) for y in (top, bottom)}
    assert width_at[top] != width_at[bottom], "cannot tell which way the arrow points"
    return "up" if width_at[bottom] > width_at[top] else "down"


def click_header(qtbot: QtBot, page: RegisterPage, column: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def column_values(page: RegisterPage, column: int) -> list[str]:
    model = page.model
    return [str(model.index(r, column).data()) for r in range(model.rowCount())]


def test_the_sort_arrow_tells_the_order_the_rows_are_in(
    qtbot: QtBot, demo_db: Database, boxes: Boxes, sized: None
) -> None:
    window, _, header = register_window(
        qtbot, demo_db, LAPTOP_WINDOW, ui_settings.DEFAULT_FONT_SIZE
    )
    page = window.register_page

    # As opened: newest first, so the arrow points down.
    dates = column_values(page, COL_REGISTERED)
    assert dates == sorted(dates, reverse=True) and dates[0] > dates[-1]
    assert header.sortIndicatorSection() == COL_REGISTERED
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert page.model.sort_state() == (COL_REGISTERED, header.sortIndicatorOrder())
    assert arrow_direction(header, COL_REGISTERED) == "down"
    tip = page.model.headerData(COL_REGISTERED, Qt.Orientation.Horizontal, 3)
    assert tip == "现在按“登记日期”从晚到早排列；再点一次改为从早到晚"

    click_header(qtbot, page, COL_REGISTERED)
    dates = column_values(page, COL_REGISTERED)
    assert dates == sorted(dates) and dates[0] < dates[-1]
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert page.model.sort_state() == (COL_REGISTERED, header.sortIndicatorOrder())
    assert arrow_direction(header, COL_REGISTERED) == "up"

    # 状态 sorts the way a case goes: 已登记 before 已受理 … before 已作废.
    click_header(qtbot, page, COL_STATE)
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    states = column_values(page, COL_STATE)
    lifecycle = list(STATES.values())
    assert states == sorted(states, key=lifecycle.index)
    assert states[0] == "已登记" and len(set(states)) > 3
    assert arrow_direction(header, COL_STATE) == "up"
    click_header(qtbot, page, COL_STATE)
    assert column_values(page, COL_STATE) == sorted(states, key=lifecycle.index, reverse=True)
    assert arrow_direction(header, COL_STATE) == "down"
    assert title_fits(page.table, COL_STATE)  # the arrow has its room


class AscendingUpStyle(QProxyStyle):
    """Fusion drawing Qt's ascending arrow as a solid ▲ itself, as the Windows styles do."""

    def drawPrimitive(self, element, option, painter, widget=None):
        if element != QStyle.PrimitiveElement.PE_IndicatorHeaderArrow:
            super().drawPrimitive(element, option, painter, widget)
            return
        r = option.rect
        up = option.sortIndicator == QStyleOptionHeader.SortIndicator.SortDown
        tip, base = (r.top(), r.bottom()) if up else (r.bottom(), r.top())
        triangle = QPolygon(
            [QPoint(r.center().x(), tip), QPoint(r.left(), base), QPoint(r.right(), base)]
        )
        painter.save()
        painter.setPen(Qt.GlobalColor.black)
        painter.setBrush(Qt.GlobalColor.black)
        painter.drawPolygon(triangle)
        painter.restore()


@pytest.mark.parametrize("turns", [True, False], ids=["Fusion", "draws-up-itself"])
def test_the_arrow_points_up_for_ascending_whatever_the_style(
    qtbot: QtBot, qapp: QApplication, turns: bool
) -> None:
    """Styles differ in how they draw Qt's arrow; the program's headers never do."""
    style = QStyleFactory.create("Fusion") if turns else AscendingUpStyle("Fusion")
    style.setParent(qapp)  # outlives the table
    table = QTableView()
    qtbot.addWidget(table)
    model = QStandardItemModel(3, 2, table)
    model.setHorizontalHeaderLabels(["案件编号", "状态"])
    table.setModel(model)
    header = table.horizontalHeader()
    header.setStyle(style)
    fix_sort_arrow(header)
    assert (header.style() is not style) == turns
    header.setSortIndicatorShown(True)
    header.resizeSection(0, 160)
    table.resize(400, 200)
    table.show()
    qtbot.waitExposed(table)
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    assert arrow_direction(header, 0) == "up"
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    assert arrow_direction(header, 0) == "down"
