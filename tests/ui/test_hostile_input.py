"""Hostile input in the windows (docs/storage-safety.md): an amount field never reaches the
crash dialog whatever is typed (a property test over the widget's own parser), a pasted
page in a record is refused beside its field, a pasted page in the search box is cut to
what is searched."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.models import limits, search
from app.models.db import Database
from app.models.errors import ValidationError
from app.models.parsing import money
from app.ui.cases.widgets import MoneyLine
from app.ui.register_view import RegisterPage
from tests.helpers import snapshot
from tests.ui.cases.helpers import field_error, mediating, open_action, open_window, refused
from tests.ui.message_boxes import Boxes
from tests.ui.shell_helpers import on_screen

TODAY = date(2026, 11, 20)

# What people type into an amount, and what a fuzzer adds to it.
_AMOUNT_CHARS = string.digits + ".,，．。¥￥元万亿千百eE+-_ 　" + "０１２３４５６７８９" + "٣४๕"
_typed = st.text(alphabet=_AMOUNT_CHARS, max_size=40)
_numbers = st.builds(
    lambda whole, frac, unit: f"{whole}{'.' + frac if frac else ''}{unit}",
    st.integers(min_value=0, max_value=10**30).map(str),
    st.text(alphabet=string.digits, max_size=8),
    st.sampled_from(["", "元", "万", "万元", "e30", "E-5"]),
)


@pytest.fixture(scope="module")
def money_line(qapp: QApplication) -> MoneyLine:
    return MoneyLine()


@settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.one_of(_typed, _numbers, st.text(max_size=200)))
@example(text="1e30")
@example(text="9" * 5000)
@example(text="NaN")
@example(text="Infinity")
@example(text="1" + "0" * 12)
@example(text="0.005")
@example(text="９９９９９９９９９９.９９")
def test_an_amount_field_reads_anything_typed_or_says_what_is_wrong(
    money_line: MoneyLine, text: str
) -> None:
    """Whatever is typed, the field gives whole fen below 100 亿元 (or nothing), or a
    ValidationError naming it: never another exception (the crash dialog)."""
    money_line.setText(text)
    try:
        fen = money_line.value_fen("涉及金额")
    except ValidationError as exc:
        assert exc.field == "涉及金额"
        assert exc.message.startswith("涉及金额：")
        assert money.HOW_TO_WRITE in exc.message
        return
    shown = money_line.text()  # a QLineEdit keeps what was set (up to its max length)
    assert fen is None or (isinstance(fen, int) and 0 <= fen < money.FEN_LIMIT), (shown, fen)
    if fen is None:
        assert not shown.strip()


def test_a_pasted_page_in_a_session_record_is_refused_beside_it(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    window = open_window(qtbot, office_db, mediating(office_db))
    dialog = open_action(qtbot, window, "record_session")
    dialog.place.setText("村评理说事点")
    dialog.record.setPlainText("双方陈述。" * (limits.TEXT_CHARS // 5 + 1))
    before = snapshot(office_db)
    refused(qtbot, dialog)
    message = field_error(dialog, "调解记录内容")
    assert message.startswith("调解记录内容太长了：最多20,000个字")
    assert boxes.calls == []
    assert snapshot(office_db) == before
    assert len(dialog.record.toPlainText()) > limits.TEXT_CHARS  # kept, to be cut by hand


def test_a_pasted_page_in_the_search_box_is_cut_to_what_is_searched(
    qtbot: QtBot, demo_db: Database
) -> None:
    page = on_screen(qtbot, RegisterPage(demo_db, today=lambda: TODAY), 1400, 800)
    assert page.search.maxLength() == search.MAX_QUERY_CHARS
    assert str(search.MAX_QUERY_CHARS) in page.search.toolTip()
    page.search.setText("张" + "的" * 32_766)
    assert page.search.text() == "张" + "的" * (search.MAX_QUERY_CHARS - 1)
    page.apply_filter()
    assert page.model.rowCount() == 0  # searched, answered: nothing has 39 的 in a row
    page.search.setText("张")
    page.apply_filter()
    assert page.model.rowCount() > 0
