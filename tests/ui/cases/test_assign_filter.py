"""指派 in an office with many mediators: the list narrows as you type (a name, its pinyin
initials, what a mediator is good at), like every other chooser; a short list stays as it
is. The 主办调解员 box narrows too once many are ticked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.models import office
from app.models.casefile import load_case
from app.models.db import Database
from app.ui.cases.action_dialogs import FILTER_FROM, AssignDialog
from app.ui.chooser import is_filterable
from tests.helpers import director
from tests.ui.cases.helpers import accepted, open_action, open_window, save
from tests.ui.user import type_text

# Twelve mediators, as a large township's committee and its villages' have.
MANY = [
    ("王建华", ""),  # these two are the office_db's own
    ("陈秀兰", ""),
    ("赵德胜", "山林土地"),
    ("刘春梅", "婚姻家庭"),
    ("王建平", "婚姻家庭、邻里"),
    ("孙国强", "劳动争议"),
    ("周玉珍", ""),
    ("吴志强", "邻里"),
    ("郑海燕", ""),
    ("冯世昌", "宅基地"),
    ("许丽华", ""),
    ("韩振华", ""),
]


@pytest.fixture
def many_mediators(office_db: Database) -> Database:
    by = director(office_db)
    committee = office.main_committee(office_db).id
    listed = {m.name for m in office.mediators(office_db)}
    for name, good_at in MANY:
        if name not in listed:
            office.add_mediator(
                office_db, by=by, name=name, committee_id=committee, specialities=good_at
            )
    assert len(office.mediators(office_db)) == len(MANY) > FILTER_FROM
    return office_db


def shown(dialog: AssignDialog) -> list[str]:
    view = dialog.mediators
    rows = [r for r in range(view.count()) if not view.isRowHidden(r)]
    return [view.item(r).text().split("（")[0] for r in rows]


def test_a_long_list_narrows_as_you_type_and_the_one_found_is_ticked(
    qtbot: QtBot, many_mediators: Database
) -> None:
    case_id = accepted(many_mediators)
    window = open_window(qtbot, many_mediators, case_id)
    dialog: AssignDialog = open_action(qtbot, window, "assign")
    assert dialog.filter.isVisible()
    assert QApplication.focusWidget() is dialog.filter  # type at once
    assert shown(dialog) == [name for name, _ in MANY]  # the office's order

    type_text(qtbot, dialog.filter, "wjh")  # pinyin initials
    assert shown(dialog) == ["王建华"]
    dialog.filter.clear()
    type_text(qtbot, dialog.filter, "王建")  # characters: every match, in the list's order
    assert shown(dialog) == ["王建华", "王建平"]
    dialog.filter.clear()
    type_text(qtbot, dialog.filter, "婚姻")  # what they are good at
    assert shown(dialog) == ["刘春梅", "王建平"]
    dialog.filter.clear()
    type_text(qtbot, dialog.filter, "wjp")
    assert shown(dialog) == ["王建平"]

    # ↓ goes to the narrowed list with the match current; Space ticks it.
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is dialog.mediators
    assert dialog.mediators.currentItem().text().startswith("王建平")
    qtbot.keyClick(dialog.mediators, Qt.Key.Key_Space)
    assert dialog.lead.currentText() == "王建平"

    # Narrowing again keeps what was ticked, hidden or not.
    dialog.filter.clear()
    type_text(qtbot, dialog.filter, "zds")
    assert shown(dialog) == ["赵德胜"]
    dialog.filter.setFocus()
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)  # Enter moves on to the list too
    assert QApplication.focusWidget() is dialog.mediators
    qtbot.keyClick(dialog.mediators, Qt.Key.Key_Space)
    assert [dialog.lead.itemText(i) for i in range(dialog.lead.count())] == ["赵德胜", "王建平"]

    save(qtbot, window, dialog)
    names = {a.mediator_name for a in load_case(many_mediators, case_id).current_mediators}
    assert names == {"王建平", "赵德胜"}


def test_the_long_list_keeps_its_rows_clear_of_the_button_under_it(
    qtbot: QtBot, many_mediators: Database
) -> None:
    window = open_window(qtbot, many_mediators, accepted(many_mediators))
    dialog: AssignDialog = open_action(qtbot, window, "assign")
    layout = dialog.layout()
    assert layout is not None
    assert dialog.height() >= layout.totalHeightForWidth(dialog.width())
    view, button = dialog.mediators, dialog.adder.open_button
    list_bottom = view.mapTo(dialog, view.rect().bottomLeft()).y()
    assert list_bottom < button.mapTo(dialog, button.rect().topLeft()).y()
    assert view.height() >= view.minimumHeight()


def test_nothing_matching_hides_every_row_and_clearing_shows_them_again(
    qtbot: QtBot, many_mediators: Database
) -> None:
    window = open_window(qtbot, many_mediators, accepted(many_mediators))
    dialog: AssignDialog = open_action(qtbot, window, "assign")
    type_text(qtbot, dialog.filter, "xyz")
    assert shown(dialog) == []
    dialog.filter.clear()
    assert len(shown(dialog)) == len(MANY)


def test_the_lead_narrows_when_many_are_ticked(qtbot: QtBot, many_mediators: Database) -> None:
    window = open_window(qtbot, many_mediators, accepted(many_mediators))
    dialog: AssignDialog = open_action(qtbot, window, "assign")
    assert not is_filterable(dialog.lead)  # one or two ticked: a plain drop-down
    for row in range(FILTER_FROM + 1):
        dialog.mediators.item(row).setCheckState(Qt.CheckState.Checked)
    assert dialog.lead.count() == FILTER_FROM + 1 and is_filterable(dialog.lead)
    type_text(qtbot, dialog.lead, "wzq")
    completer = dialog.lead.completer()
    assert completer is not None
    popup = completer.popup()
    assert popup.isVisible()  # the matches, as in every chooser
    qtbot.keyClick(popup, Qt.Key.Key_Tab)  # leaving the box settles on the match
    qtbot.waitUntil(lambda: dialog.lead.currentText() == "吴志强")


def test_a_short_list_has_no_filter_box(qtbot: QtBot, office_db: Database) -> None:
    window = open_window(qtbot, office_db, accepted(office_db))
    dialog: AssignDialog = open_action(qtbot, window, "assign")
    assert dialog.mediators.count() <= FILTER_FROM
    assert not dialog.filter.isVisible()
    assert QApplication.focusWidget() is dialog.mediators
