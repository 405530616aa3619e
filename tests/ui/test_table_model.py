"""The table models' base (app/ui/table_model.py): what a column declaration serves, checked
by Qt's model tester, and the page cache of the long lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester

from app.models.db import DatabaseLockedError, StorageError
from app.ui.item_views import RowRole, SortRole
from app.ui.table_model import (
    RIGHT,
    Column,
    ListTableModel,
    PageCache,
    no_tooltip,
    numbered,
    titles,
)

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
RED = QColor("#b00000")
GREY = QColor("#808080")


@dataclass(frozen=True)
class Visit:
    who: str
    on: date
    minutes: int
    cancelled: bool = False


COL_WHO, COL_ON, COL_MINUTES = range(3)
COLUMNS = numbered(
    {
        COL_WHO: Column[Visit]("走访对象", lambda v: v.who),
        COL_ON: Column[Visit](
            "日期", lambda v: v.on.isoformat(), sort=lambda v: v.on, tooltip=no_tooltip
        ),
        COL_MINUTES: Column[Visit](
            "时长",
            lambda v: f"{v.minutes} 分钟",
            sort=lambda v: v.minutes,
            tooltip=lambda v: "超过一小时" if v.minutes > 60 else None,
            align=RIGHT,
            header_tip="每次走访用了多久",
            roles={FOREGROUND: lambda v: RED if v.minutes > 60 else None},
        ),
    }
)
VISITS = [
    Visit("张三", date(2026, 11, 2), 45),
    Visit("李四", date(2026, 10, 30), 90),
    Visit("王五", date(2026, 11, 5), 30, cancelled=True),
]


class VisitsModel(ListTableModel[Visit]):
    """Cancelled visits grey, a style of the whole row."""

    ROW_ROLES = frozenset({int(FOREGROUND)})

    def __init__(self) -> None:
        super().__init__(COLUMNS)

    def row_data(self, record: Visit, role: int) -> Any:
        return GREY if role == FOREGROUND and record.cancelled else None


def cell(model: ListTableModel[Visit], row: int, column: int, role: int = DISPLAY) -> Any:
    return model.data(model.index(row, column), role)


def test_a_declared_table_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = VisitsModel()
    qtmodeltester.check(model, force_py=True)  # pytest-qt's checks, still watching:
    model.set_rows(VISITS)
    model.append_rows([Visit("赵六", date(2026, 11, 6), 20)])
    model.append_rows([])
    model.set_rows(VISITS[:1], columns=COLUMNS[:2])
    model.set_rows([])
    qtmodeltester.check(model)  # and Qt's own
    model.set_rows(VISITS)


def test_each_role_comes_from_the_declaration() -> None:
    model = VisitsModel()
    model.set_rows(VISITS)
    assert model.rowCount() == 3
    assert model.columnCount() == 3
    assert cell(model, 0, COL_WHO) == "张三"
    assert cell(model, 0, COL_WHO, TOOLTIP) == "张三"  # no tooltip declared: the text
    assert cell(model, 0, COL_WHO, SortRole) == "张三"  # no sort key declared: the text
    assert cell(model, 0, COL_ON, SortRole) == date(2026, 11, 2)
    assert cell(model, 0, COL_ON, TOOLTIP) is None
    assert cell(model, 1, COL_MINUTES) == "90 分钟"
    assert cell(model, 1, COL_MINUTES, SortRole) == 90
    assert cell(model, 1, COL_MINUTES, TOOLTIP) == "超过一小时"
    assert cell(model, 0, COL_MINUTES, TOOLTIP) is None
    assert cell(model, 1, COL_MINUTES, Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    assert cell(model, 1, COL_WHO, Qt.ItemDataRole.TextAlignmentRole) is None
    assert cell(model, 2, COL_ON, RowRole) is VISITS[2]
    assert cell(model, 1, COL_WHO, Qt.ItemDataRole.FontRole) is None


def test_a_cells_own_role_comes_before_the_rows() -> None:
    model = VisitsModel()
    model.set_rows([*VISITS, Visit("钱七", date(2026, 11, 7), 75, cancelled=True)])
    assert cell(model, 1, COL_MINUTES, FOREGROUND) == RED
    assert cell(model, 1, COL_WHO, FOREGROUND) is None
    assert cell(model, 2, COL_WHO, FOREGROUND) == GREY  # the row's, where the cell has none
    assert cell(model, 2, COL_MINUTES, FOREGROUND) == GREY
    assert cell(model, 3, COL_MINUTES, FOREGROUND) == RED  # the cell's own wins


def test_headers_and_what_lies_outside_the_table() -> None:
    model = VisitsModel()
    model.set_rows(VISITS)
    horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
    assert [model.headerData(c, horizontal) for c in range(3)] == ["走访对象", "日期", "时长"]
    assert model.headerData(COL_MINUTES, horizontal, TOOLTIP) == "每次走访用了多久"
    assert model.headerData(COL_WHO, horizontal, TOOLTIP) is None
    assert model.headerData(3, horizontal) is None
    assert [model.headerData(r, vertical) for r in range(4)] == ["1", "2", "3", None]
    assert model.data(QModelIndex()) is None
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert model.record_at(model.index(1, 0)) is VISITS[1]
    assert model.record_at(QModelIndex()) is None
    assert model.row_where(lambda v: v.who == "王五") == 2
    assert model.row_where(lambda v: v.who == "无人") == -1
    assert model.rows() == VISITS and model.record(0) is VISITS[0]
    assert titles(model.columns) == {COL_WHO: "走访对象", COL_ON: "日期", COL_MINUTES: "时长"}


def test_new_columns_come_with_new_rows() -> None:
    model = VisitsModel()
    bold = Qt.ItemDataRole.FontRole
    assert cell(model, 0, COL_WHO, bold) is None
    named = Column[Visit]("只有姓名", lambda v: v.who, roles={bold: lambda v: f"粗体 {v.who}"})
    model.set_rows(VISITS, columns=[named])
    assert model.columnCount() == 1
    assert model.headerData(0, Qt.Orientation.Horizontal) == "只有姓名"
    assert cell(model, 0, 0, bold) == "粗体 张三"  # a role only the new column gives


def test_a_row_style_names_its_roles() -> None:
    """``data`` tells at once that a role no column and no row gives has no value (most
    of the eight a view asks of every cell): a ``row_data`` must name the roles it gives,
    or it would never be asked."""
    with pytest.raises(TypeError, match="ROW_ROLES"):

        class Unnamed(ListTableModel[Visit]):
            def row_data(self, record: Visit, role: int) -> Any:
                return GREY

    class Named(ListTableModel[Visit]):
        ROW_ROLES = frozenset({int(Qt.ItemDataRole.BackgroundRole)})

        def row_data(self, record: Visit, role: int) -> Any:
            return GREY

    model = Named(COLUMNS)
    model.set_rows(VISITS)
    assert cell(model, 0, COL_WHO, Qt.ItemDataRole.BackgroundRole) == GREY
    assert cell(model, 0, COL_WHO, Qt.ItemDataRole.DecorationRole) is None  # not named


def test_column_numbers_must_run_in_order() -> None:
    who = Column[Visit]("走访对象", lambda v: v.who)
    assert numbered({0: who, 1: who}) == [who, who]
    with pytest.raises(ValueError, match="0, 1, 2"):
        numbered({1: who, 0: who})
    with pytest.raises(ValueError, match="0, 1, 2"):
        numbered({0: who, 2: who})


# --------------------------------------------------------------------------- page cache


class Source:
    """250 rows, row 7 gone; counts the reads and can be locked."""

    def __init__(self) -> None:
        self.reads: list[tuple[int, int]] = []
        self.locked = False

    def read(self, first: int, stop: int) -> list[str | None]:
        self.reads.append((first, stop))
        if self.locked:
            raise DatabaseLockedError("数据库被占用")
        return [None if i == 7 else f"row {i}" for i in range(first, min(stop, 250))]


def never(error: StorageError) -> None:
    raise AssertionError(f"no read fails here: {error}")


def test_pages_are_read_when_first_asked_for_and_the_last_used_kept() -> None:
    source = Source()
    pages = PageCache(source.read, size=100, keep=2, failed=never)
    assert source.reads == []
    assert [pages.row(i) for i in (0, 5, 99)] == ["row 0", "row 5", "row 99"]
    assert pages.row(7) is None  # gone since the count
    assert source.reads == [(0, 100)]
    assert pages.row(249) == "row 249"
    assert pages.row(250) is None  # past the end of the short last page
    assert source.reads == [(0, 100), (200, 300)]
    pages.row(0)  # used again: the page of 200 is now the older
    pages.row(150)  # a third page pushes out the least recently used
    pages.row(0)
    assert source.reads == [(0, 100), (200, 300), (100, 200)]
    pages.row(249)
    assert source.reads[-1] == (200, 300)


def test_a_failed_read_is_told_once_and_nothing_is_read_until_cleared() -> None:
    source = Source()
    told: list[StorageError] = []

    def failed(error: StorageError) -> None:
        told.append(error)
        assert pages.row(120) is None  # a message box repaints: no second read, no loop

    pages = PageCache(source.read, size=100, keep=40, failed=failed)
    assert pages.row(0) == "row 0"
    source.locked = True
    assert pages.row(100) is None
    assert pages.row(150) is None
    assert [type(e) for e in told] == [DatabaseLockedError]
    assert source.reads == [(0, 100), (100, 200)]  # one failed read, not one per row
    assert pages.row(1) == "row 1"  # what was read before stays
    source.locked = False
    assert pages.failing
    pages.clear()
    assert pages.row(100) == "row 100"
    assert source.reads == [(0, 100), (100, 200), (100, 200)]
