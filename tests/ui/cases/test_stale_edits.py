"""Two case windows on one case, each on its own connection to the same file (two copies of
the program, or two users): a save made in one is never silently reverted by the other's
save; the other is refused with 重新载入, which keeps what its user typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.models import db as dbmod
from app.models.casefile import load_case
from app.models.db import Database
from app.ui.cases.case_window import TAB_DETAILS, TAB_PARTIES, CaseWindow
from app.ui.cases.party_form import PartyDialog
from app.ui.cases.service_dialog import CLASH_TITLE, STALE_TITLE
from tests.helpers import file_of, log_in, snapshot
from tests.ui.cases.helpers import accepted, draft_tab, mediating, open_window, refused, save
from tests.ui.message_boxes import Boxes
from tests.ui.user import activate, click, type_text

NEW_FACTS = "排水沟改道后雨水流进张家院子。"


@pytest.fixture
def second(office_db: Database) -> Iterator[Database]:
    """The same file opened a second time, its 主任 logged in there too."""
    other = dbmod.connect(file_of(office_db))
    log_in(other)
    yield other
    other.close()


def two_windows(
    qtbot: QtBot, office_db: Database, second: Database
) -> tuple[str, CaseWindow, CaseWindow]:
    case_id = accepted(office_db)
    a = open_window(qtbot, office_db, case_id)
    b = open_window(qtbot, second, case_id)
    for window in (a, b):
        window.show_tab(TAB_DETAILS)
    return case_id, a, b


def replace_text(qtbot: QtBot, box: QLineEdit | QPlainTextEdit, text: str) -> None:
    box.selectAll()
    type_text(qtbot, box, text)


def test_a_details_save_after_another_windows_save_is_refused_then_reloaded(
    qtbot: QtBot, office_db: Database, second: Database, boxes: Boxes
) -> None:
    case_id, a, b = two_windows(qtbot, office_db, second)
    replace_text(qtbot, b.details.facts, NEW_FACTS)
    with qtbot.waitSignal(b.changed, timeout=3000):
        click(qtbot, b.details.save_button)

    type_text(qtbot, a.details.requests, "请求恢复排水沟原状。")
    before = snapshot(office_db)
    click(qtbot, a.details.save_button)  # the box answered 暂不载入
    (kind, title, text) = boxes.calls[-1]
    assert (kind, title) == ("confirm", STALE_TITLE)
    assert text.startswith("这件案件的案情在您打开之后已被修改（您本人于 ")
    assert text.endswith("请点“重新载入”看最新内容，再重新修改。")
    assert snapshot(office_db) == before
    assert a.details.requests.toPlainText() == "请求恢复排水沟原状。"  # nothing typed lost

    boxes.answers[STALE_TITLE] = True  # 重新载入
    click(qtbot, a.details.save_button)
    assert a.details.facts.toPlainText() == NEW_FACTS  # the other window's change shown
    assert a.details.requests.toPlainText() == "请求恢复排水沟原状。"  # the typed kept
    assert a.details.status.text().startswith("已载入最新内容")
    assert CLASH_TITLE not in boxes.titles()

    with qtbot.waitSignal(a.changed, timeout=3000):
        click(qtbot, a.details.save_button)
    assert a.details.status.text().startswith("已保存")
    stored = load_case(second, case_id)
    assert (stored.facts, stored.requests) == (NEW_FACTS, "请求恢复排水沟原状。")


def test_a_field_both_windows_changed_keeps_the_typed_text_and_says_so(
    qtbot: QtBot, office_db: Database, second: Database, boxes: Boxes
) -> None:
    case_id, a, b = two_windows(qtbot, office_db, second)
    replace_text(qtbot, b.details.facts, NEW_FACTS)
    with qtbot.waitSignal(b.changed, timeout=3000):
        click(qtbot, b.details.save_button)
    replace_text(qtbot, a.details.facts, "双方因围墙位置争执，已协商两次。")
    boxes.answers[STALE_TITLE] = True
    click(qtbot, a.details.save_button)
    assert a.details.facts.toPlainText() == "双方因围墙位置争执，已协商两次。"
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("warning", CLASH_TITLE)
    assert "“纠纷简要情况”您和对方都改了" in text
    assert load_case(office_db, case_id).facts == NEW_FACTS  # nothing saved yet

    with qtbot.waitSignal(a.changed, timeout=3000):
        click(qtbot, a.details.save_button)
    assert load_case(second, case_id).facts == "双方因围墙位置争执，已协商两次。"


def test_an_untouched_details_page_saves_nothing_over_another_windows_change(
    qtbot: QtBot, office_db: Database, second: Database, boxes: Boxes
) -> None:
    """Saving with nothing typed writes nothing: the other window's facts stay."""
    case_id, a, b = two_windows(qtbot, office_db, second)
    replace_text(qtbot, b.details.facts, NEW_FACTS)
    with qtbot.waitSignal(b.changed, timeout=3000):
        click(qtbot, b.details.save_button)
    click(qtbot, a.details.save_button)
    assert a.details.status.text() == "没有改动，不用保存。"
    assert load_case(office_db, case_id).facts == NEW_FACTS
    assert boxes.calls == []


def open_party(qtbot: QtBot, window: CaseWindow, row: int) -> PartyDialog:
    window.show_tab(TAB_PARTIES)
    window.parties_view.setCurrentIndex(window.parties_model.index(row, 0))
    click(qtbot, window.edit_party_button)
    dialog = window.active_dialog
    assert isinstance(dialog, PartyDialog)
    activate(qtbot, dialog)
    return dialog


def test_a_party_changed_in_another_window_is_reloaded_not_overwritten(
    qtbot: QtBot, office_db: Database, second: Database, boxes: Boxes
) -> None:
    case_id, a, b = two_windows(qtbot, office_db, second)
    in_a = open_party(qtbot, a, 1)  # 李四, phone 13912345678
    in_b = open_party(qtbot, b, 1)
    replace_text(qtbot, in_b.party_form.phone, "13800009999")
    save(qtbot, b, in_b)

    type_text(qtbot, in_a.party_form.address, "红旗村3组12号")
    before = snapshot(office_db)
    refused(qtbot, in_a)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("confirm", STALE_TITLE)
    assert text.startswith("当事人“李四”的信息在您打开之后已被修改（")
    assert snapshot(office_db) == before

    boxes.answers[STALE_TITLE] = True
    refused(qtbot, in_a)  # 重新载入: the dialog stays open, showing both changes
    assert in_a.party_form.phone.text() == "13800009999"
    assert in_a.party_form.address.text() == "红旗村3组12号"
    save(qtbot, a, in_a)
    stored = load_case(second, case_id).parties[1]
    assert (stored.phone, stored.address) == ("13800009999", "红旗村3组12号")


def test_a_party_saved_unchanged_but_one_field_writes_only_that_field(
    qtbot: QtBot, office_db: Database
) -> None:
    """The form shows 汉族 for a person stored without an ethnicity, and 一般授权 for an
    agent without powers: left alone, neither is written back."""
    case_id = accepted(office_db)
    window = open_window(qtbot, office_db, case_id)
    dialog = open_party(qtbot, window, 1)
    assert dialog.party_form.ethnicity.currentText() == "汉族"
    type_text(qtbot, dialog.party_form.occupation, "农民")
    save(qtbot, window, dialog)
    party = load_case(office_db, case_id).parties[1]
    assert (party.occupation, party.ethnicity) == ("农民", "")
    data = office_db.scalar(
        "SELECT data FROM sync_log WHERE tbl = 'parties' AND row_id = ? ORDER BY rowid DESC",
        (party.party_id,),
    )
    assert '"occupation"' in data and '"ethnicity"' not in data and '"name"' not in data


def test_a_draft_saved_in_another_window_is_not_overwritten_by_an_older_form(
    qtbot: QtBot, office_db: Database, second: Database, boxes: Boxes
) -> None:
    """Window B saves the first draft while window A shows the empty form: A's save is
    refused; after 重新载入 A shows B's terms with A's 记录人, and saves both."""
    case_id = mediating(office_db)
    a = draft_tab(qtbot, open_window(qtbot, office_db, case_id))
    window_b = open_window(qtbot, second, case_id)
    b = draft_tab(qtbot, window_b)
    type_text(qtbot, b.form.terms.edits[0], "李四恢复排水沟原走向。")
    with qtbot.waitSignal(window_b.changed, timeout=3000):
        click(qtbot, b.save_button)

    replace_text(qtbot, a.form.recorder, "赵文书")
    before = snapshot(office_db)
    click(qtbot, a.save_button)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("confirm", STALE_TITLE)
    assert text.startswith("协议草稿在您打开之后已被修改（")
    assert snapshot(office_db) == before

    boxes.answers[STALE_TITLE] = True
    click(qtbot, a.save_button)
    assert a.form.terms.terms() == ["李四恢复排水沟原走向。"]
    assert a.form.recorder.text() == "赵文书"
    assert a.status.text().startswith("已载入最新内容")
    click(qtbot, a.save_button)
    draft = load_case(second, case_id).draft
    assert draft is not None
    assert (draft.terms, draft.recorder) == (["李四恢复排水沟原走向。"], "赵文书")
