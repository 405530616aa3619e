"""The 打印 menu of a case: what it offers, what it opens, and what it says when a
document cannot be printed."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from PySide6.QtWidgets import QMenu, QWidget
from pytestqt.qtbot import QtBot

from app.models.casefile import load_case
from app.models.db import Database
from app.printing import agreement, registry
from app.ui.printing import menu
from app.ui.printing.case_file_job import CaseFileRun
from app.ui.printing.context import office_for
from app.ui.printing.preview import PreviewWindow
from tests.ui.printing.conftest import Answers
from tests.ui.printing.helpers import (
    AGREEMENT_CASE,
    MEDIATING_CASE,
    TERMINATED_CASE,
    case,
    case_id,
    page_count,
)


def document_entries(m: QMenu) -> list[str]:
    """The texts of the entries above the first separator (the case's documents)."""
    out = []
    for action in m.actions():
        if action.isSeparator():
            break
        out.append(action.text())
    return out


def previews(parent: QWidget) -> list[PreviewWindow]:
    return [w for w in parent.findChildren(PreviewWindow) if w.isVisible()]


def test_menu_lists_exactly_the_documents_the_registry_offers(
    print_db: Database, parent: QWidget
) -> None:
    states_seen = set()
    drafts_seen = 0
    for row in print_db.query("SELECT id, state FROM cases ORDER BY seq"):
        c = load_case(print_db, row["id"])
        m = menu.documents_menu(print_db, row["id"], parent)
        offered = [d.title for d in registry.for_case(c)]
        if "人民调解协议书" in offered:  # the paper a closed case is printed for comes first
            offered.remove("人民调解协议书")
            offered.insert(0, "人民调解协议书")
        assert [d.title for d in menu.menu_documents(c)] == offered
        assert m.title() == "打印"
        if c.draft is not None and c.state == "mediating":  # the draft to read comes first
            drafts_seen += 1
            assert document_entries(m) == [agreement.DRAFT_TITLE, *offered]
        elif offered:
            assert document_entries(m) == offered
        else:
            assert document_entries(m) == [menu.NOTHING_TEXT]
            assert not m.actions()[0].isEnabled()
        case_file = m.findChild(type(m.actions()[0]), "print-case-file")
        assert case_file is not None
        assert case_file.isEnabled() == (c.state in ("closed", "archived"))
        blank = m.findChild(QMenu, "print-blank")
        assert blank is not None and blank.title() == "空白表格"
        assert [a.text() for a in blank.actions()] == [d.title for d in registry.documents()]
        states_seen.add(c.state)
    assert states_seen >= {"registered", "accepted", "mediating", "closed", "archived", "voided"}
    assert drafts_seen >= 1


def test_a_menu_entry_opens_the_preview(qtbot: QtBot, print_db: Database, parent: QWidget) -> None:
    cid = case_id(print_db, AGREEMENT_CASE)
    m = menu.documents_menu(print_db, cid, parent)
    (entry,) = [a for a in m.actions() if a.text() == "人民调解协议书"]
    assert "3份" in entry.toolTip()
    entry.trigger()
    (window,) = previews(parent)
    assert window.title == "人民调解协议书" and window.number == AGREEMENT_CASE
    assert window.copies == 3


def test_blank_form_from_the_submenu(print_db: Database, parent: QWidget) -> None:
    m = menu.documents_menu(print_db, case_id(print_db, MEDIATING_CASE), parent)
    blank = m.findChild(QMenu, "print-blank")
    assert blank is not None
    (entry,) = [a for a in blank.actions() if a.text() == "人民调解协议书"]
    entry.trigger()
    (window,) = previews(parent)
    assert window.blank and "空白表格" in window.windowTitle()
    assert window.file_name == "人民调解协议书（空白）.pdf"
    expected = page_count(registry.document("agreement").build_blank(office_for(print_db)))
    assert window.page_count == expected


def test_menu_is_read_again_when_shown(print_db: Database, parent: QWidget) -> None:
    m = menu.documents_menu(print_db, case_id(print_db, AGREEMENT_CASE), parent)
    m.clear()
    m.aboutToShow.emit()
    assert document_entries(m) == [
        d.title for d in menu.menu_documents(case(print_db, AGREEMENT_CASE))
    ]
    assert document_entries(m)[0] == "人民调解协议书"


def test_document_the_case_lacks_explains_and_offers_the_blank_form(
    print_db: Database, parent: QWidget, answers: Answers
) -> None:
    cid = case_id(print_db, MEDIATING_CASE)
    assert menu.open_preview(print_db, "agreement", cid, parent) is None
    assert answers.kinds() == ["confirm"]
    text = answers.texts()
    assert "《人民调解协议书》要在案件已结案、已归档时才能打印" in text
    assert "本案现在是“调解中”" in text and "空白" in text
    assert previews(parent) == []  # answered no

    answers.yes = True
    menu.open_preview(print_db, "agreement", cid, parent)
    (window,) = previews(parent)
    assert window.blank


@pytest.mark.parametrize(
    ("key", "number", "says"),
    [
        (
            "agreement",
            TERMINATED_CASE,
            "只用于以“达成书面协议”结案的案件，本案的调解结果是“调解不成",
        ),
        ("oral_agreement", AGREEMENT_CASE, "只用于以“达成口头协议”结案的案件"),
        ("termination", AGREEMENT_CASE, "只用于调解不成、终止调解的案件"),
        ("confirmation_application", TERMINATED_CASE, "才能申请司法确认"),
    ],
)
def test_why_a_document_is_not_offered(
    print_db: Database, key: str, number: str, says: str
) -> None:
    c = case(print_db, number)
    doc = registry.document(key)
    assert not doc.offered_for(c)
    assert says in menu.why_not_offered(doc, c)


def test_missing_records_say_where_to_enter_them(print_db: Database) -> None:
    c = dataclasses.replace(case(print_db, AGREEMENT_CASE), follow_ups=[], sessions=[])
    for key, where in [
        ("follow_up", "“回访”"),
        ("session_record", "“记录调解”"),
        ("investigation", "“记录调查”"),
    ]:
        why = menu.why_not_offered(registry.document(key), c)
        assert "本案还没有" in why and where in why


def test_a_form_that_fails_to_build_offers_the_blank_form(
    print_db: Database,
    parent: QWidget,
    answers: Answers,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: object) -> bytes:
        raise RuntimeError("a bug in the form")

    docs = tuple(
        dataclasses.replace(d, build=broken) if d.key == "agreement" else d
        for d in registry.DOCUMENTS
    )
    monkeypatch.setattr(registry, "DOCUMENTS", docs)
    answers.yes = True
    with caplog.at_level(logging.ERROR, logger="app.ui.printing.menu"):
        menu.open_preview(print_db, "agreement", case_id(print_db, AGREEMENT_CASE), parent)
    assert answers.kinds() == ["confirm"]
    assert "生成《人民调解协议书》时出了错" in answers.texts()
    assert any("a bug in the form" in str(r.exc_info) for r in caplog.records)
    (window,) = previews(parent)
    assert window.blank  # the blank form still prints


def test_unknown_case_is_told(print_db: Database, parent: QWidget, answers: Answers) -> None:
    assert menu.open_preview(print_db, "agreement", "no-such-case", parent) is None
    assert answers.kinds() == ["warning"]
    assert "找不到" in answers.texts()


def test_case_file_only_for_closed_cases(
    print_db: Database, parent: QWidget, answers: Answers
) -> None:
    assert menu.open_case_file(print_db, case_id(print_db, MEDIATING_CASE), parent) is None
    assert answers.kinds() == ["info"]
    assert "结案或归档以后才能打印" in answers.texts()


def test_case_file_entry_starts_the_job(qtbot: QtBot, print_db: Database, parent: QWidget) -> None:
    m = menu.documents_menu(print_db, case_id(print_db, AGREEMENT_CASE), parent)
    case_file = m.findChild(type(m.actions()[0]), "print-case-file")
    assert case_file is not None and case_file.text() == "打印卷宗…"
    started: list[CaseFileRun] = []
    original = CaseFileRun.start

    def spy(run: CaseFileRun) -> None:
        started.append(run)
        original(run)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CaseFileRun, "start", spy)
        case_file.trigger()
    (run,) = started
    with qtbot.waitSignal(run.done, timeout=30000) as done:
        pass
    window = done.args[0]
    assert isinstance(window, PreviewWindow) and window.title == "人民调解卷宗"
    qtbot.waitUntil(lambda: not run.is_running)
