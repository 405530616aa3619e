"""The 打印 menu of a case, and opening a document's preview.

The case window (a 打印 button) and the register's context menu call::

    menu = documents_menu(db, case_id, parent)    # QMenu "打印"
    open_preview(db, "agreement", case_id, parent) # one document, or a blank form (None)
    open_case_file(db, case_id, parent)            # 打印卷宗…, off the GUI thread

The menu lists the documents ``registry.for_case`` offers in the case's current state
(read again each time the menu is about to show), the 人民调解协议书 first when the case
has one (while it is mediated: its 协议草稿, ``open_draft_preview``), a submenu 空白表格
with every document's blank form, and 打印卷宗… for closed and archived cases.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from app.models import personal_data
from app.models.casefile import CaseFile, load_case
from app.models.db import Database, StorageError
from app.models.errors import NotFoundError
from app.printing import agreement, registry
from app.printing.context import OfficeInfo
from app.printing.registry import PrintableDocument
from app.qt.widgets import QMenu, QWidget
from app.ui import messages
from app.ui.printing.case_file_job import TITLE as CASE_FILE_TITLE
from app.ui.printing.case_file_job import CaseFileRun, documents_of
from app.ui.printing.context import office_for
from app.ui.printing.preview import PreviewWindow, show_preview
from app.ui.session import NotSignedInError, current_actor

log = logging.getLogger(__name__)

MENU_TITLE = "打印"
BLANK_MENU_TITLE = "空白表格"
CASE_FILE_TEXT = "打印卷宗…"
CASE_FILE_STATES = frozenset({"closed", "archived"})
NOTHING_TEXT = "（本案现在没有可打印的文书）"
CANNOT_TITLE = "无法打印这份文书"
DRAFT_STATES = frozenset({"assigned", "mediating"})
DRAFT_COPIES_NOTE = "每位当事人一份，供阅读核对"
NO_DRAFT_TEXT = "本案还没有协议草稿。请先在案件窗口的“协议”页填写协议内容，点“保存草稿”。"


def _ignoring_args(fn: Callable[..., object], *args: Any, **kwargs: Any) -> Callable[..., None]:
    """A slot for ``triggered(bool)`` that calls ``fn(*args, **kwargs)``, whatever the
    signal passes."""

    def slot(*_ignored: object) -> None:
        fn(*args, **kwargs)

    return slot


def menu_documents(case: CaseFile) -> list[PrintableDocument]:
    """What the menu offers for ``case``, in its order: the registry's documents for the
    case's state, with the 人民调解协议书 first (the paper a closed case is printed for)."""
    docs = registry.for_case(case)
    return sorted(docs, key=lambda d: d.key != agreement.KEY)  # stable: the rest keep order


def offers_draft(case: CaseFile) -> bool:
    """The menu offers the 协议草稿: the case is mediated and a draft is saved."""
    return case.state in DRAFT_STATES and case.draft is not None


def documents_menu(
    db: Database, case_id: str, parent: QWidget | None = None, *, court_name: str = ""
) -> QMenu:
    """The 打印 menu of case ``case_id``. Its entries are read again from the case each
    time the menu is about to show, so one menu can stay on a button."""
    menu = QMenu(MENU_TITLE, parent)
    menu.setToolTipsVisible(True)
    fill_documents_menu(menu, db, case_id, court_name=court_name)
    menu.aboutToShow.connect(partial(fill_documents_menu, menu, db, case_id, court_name=court_name))
    return menu


def fill_documents_menu(menu: QMenu, db: Database, case_id: str, *, court_name: str = "") -> None:
    """(Re)build ``menu`` for the case as it is now."""
    menu.clear()
    parent = menu.parentWidget()
    try:
        case = load_case(db, case_id)
    except (StorageError, NotFoundError) as exc:
        log.warning("print menu of %s: %s", case_id, exc)
        action = menu.addAction("（读不出这件案件，无法打印）")
        action.setEnabled(False)
        _add_blank_menu(menu, db, parent, court_name)
        return
    if offers_draft(case):
        draft = menu.addAction(agreement.DRAFT_TITLE)
        draft.setObjectName(f"print-{agreement.DRAFT_KEY}")
        draft.setToolTip("协议草稿，印有“草稿”字样、不盖章，给当事人阅读核对")
        draft.triggered.connect(
            _ignoring_args(open_draft_preview, db, case_id, parent, court_name=court_name)
        )
    docs = menu_documents(case)
    for doc in docs:
        action = menu.addAction(doc.title)
        action.setObjectName(f"print-{doc.key}")
        copies = doc.copies(case)
        if copies > 1:
            action.setToolTip(f"预览后打印，预设{copies}份")
        action.triggered.connect(
            _ignoring_args(open_preview, db, doc.key, case_id, parent, court_name=court_name)
        )
    if not docs and not offers_draft(case):
        empty = menu.addAction(NOTHING_TEXT)
        empty.setEnabled(False)
    menu.addSeparator()
    case_file = menu.addAction(CASE_FILE_TEXT)
    case_file.setObjectName("print-case-file")
    if case.state in CASE_FILE_STATES:
        case_file.setToolTip("封面、卷内目录和本案全部文书，按顺序装订成一份")
        case_file.triggered.connect(
            _ignoring_args(open_case_file, db, case_id, parent, court_name=court_name)
        )
    else:
        case_file.setText("打印卷宗（结案后才能打印）")
        case_file.setEnabled(False)
    _add_blank_menu(menu, db, parent, court_name)


def _add_blank_menu(menu: QMenu, db: Database, parent: QWidget | None, court_name: str) -> None:
    blank = menu.addMenu(BLANK_MENU_TITLE)
    blank.setObjectName("print-blank")
    for doc in registry.documents():
        action = blank.addAction(doc.title)
        action.setObjectName(f"print-blank-{doc.key}")
        action.triggered.connect(
            _ignoring_args(open_preview, db, doc.key, None, parent, court_name=court_name)
        )


def why_not_offered(doc: PrintableDocument, case: CaseFile) -> str:
    """Why ``doc`` cannot be printed for ``case`` now, and what to do, in plain Chinese:
    the document's own answer (:meth:`PrintableForm.unavailable_reason`)."""
    return doc.unavailable_reason(case) or f"本案现在不能打印《{doc.title}》。"


def open_preview(
    db: Database,
    key: str,
    case_id: str | None,
    parent: QWidget | None = None,
    *,
    court_name: str = "",
) -> PreviewWindow | None:
    """Build document ``key`` for case ``case_id`` (None: the blank form) and show it.

    When the case does not have what the document needs, a message says so and what to
    do, and offers the blank form instead. Returns the window, or None when none opened
    (the blank form may still open later, from the message's answer).
    """
    doc = registry.document(key)
    if case_id is None:
        return _open_blank(db, doc, parent, court_name)
    loaded = _load_for_print(db, case_id, parent, court_name)
    if loaded is None:
        return None
    case, office = loaded
    if not doc.offered_for(case):
        _offer_blank(db, doc, parent, court_name, why_not_offered(doc, case))
        return None
    try:
        pdf = doc.build(case, office)
    except Exception:
        # A bug in a form: the user can still print the blank form and fill it by hand.
        log.exception("building %s for case %s failed", key, case_id)
        _offer_blank(
            db,
            doc,
            parent,
            court_name,
            f"生成《{doc.title}》时出了错，没有生成。详细情况已记入日志，请联系技术人员。",
        )
        return None
    copies = doc.copies(case)
    window = show_preview(
        pdf,
        title=doc.title,
        number=case.number,
        copies=copies,
        copies_note=_copies_note(case, copies) if copies > 1 else "",
        parent=parent,
    )
    if registry.shows_id_numbers(doc.key, case):
        record_outputs(window, db, case.id, [doc.title])
    return window


def open_draft_preview(
    db: Database, case_id: str, parent: QWidget | None = None, *, court_name: str = ""
) -> PreviewWindow | None:
    """The case's 协议草稿 printed as a draft (草稿 on every page, no seal), copies preset
    to one per party. None (after saying why) when there is no draft to print."""
    loaded = _load_for_print(db, case_id, parent, court_name)
    if loaded is None:
        return None
    case, office = loaded
    if case.draft is None:
        messages.info(parent, CANNOT_TITLE, NO_DRAFT_TEXT)
        return None
    try:
        pdf = agreement.draft_agreement_pdf(case, office)
    except Exception:
        log.exception("building the draft agreement of case %s failed", case_id)
        messages.warning(
            parent,
            CANNOT_TITLE,
            f"生成《{agreement.DRAFT_TITLE}》时出了错，没有生成。"
            "详细情况已记入日志，请联系技术人员。",
        )
        return None
    window = show_preview(
        pdf,
        title=agreement.DRAFT_TITLE,
        number=case.number,
        copies=agreement.draft_copies(case),
        copies_note=DRAFT_COPIES_NOTE,
        parent=parent,
    )
    if registry.shows_id_numbers(agreement.DRAFT_KEY, case):
        record_outputs(window, db, case.id, [agreement.DRAFT_TITLE])
    return window


def record_outputs(window: PreviewWindow, db: Database, case_id: str, forms: Sequence[str]) -> None:
    """Each print and each save of ``window`` (forms of case ``case_id`` that print ID
    numbers in full: ``forms``, their titles) is recorded for the audit: who, which case,
    which forms, how many sheets or which file, never a number (docs/privacy.md). The
    paper or the file already exists then: a record that cannot be written is logged."""
    titles = list(forms)

    def record(kind: str, sheets: int | None = None, file: str = "") -> None:
        if not db.is_open:  # the program moved on to another file meanwhile
            log.warning("%s of case %s not recorded: its database is closed", kind, case_id)
            return
        try:
            personal_data.record_output(
                db, case_id, by=current_actor(db), kind=kind, forms=titles, sheets=sheets, file=file
            )
        except (StorageError, NotSignedInError) as exc:
            log.warning("%s of case %s not recorded: %s", kind, case_id, type(exc).__name__)

    window.printed.connect(lambda sheets: record("print", sheets=sheets))
    window.saved.connect(lambda path: record("save", file=Path(path).name))


def _load_for_print(
    db: Database, case_id: str, parent: QWidget | None, court_name: str
) -> tuple[CaseFile, OfficeInfo] | None:
    """The case and the office as a document prints them; None after telling the user why
    they could not be read (a storage problem, or a case that is gone)."""
    try:
        case = load_case(db, case_id)
        return case, office_for(db, case, court_name=court_name)
    except StorageError as exc:
        messages.show_storage_error(parent, exc)
    except NotFoundError as exc:
        messages.warning(parent, CANNOT_TITLE, exc.message)
    return None


def _copies_note(case: CaseFile, copies: int) -> str:
    parties = len(case.parties)
    who = "双方当事人" if parties == 2 else f"{parties}位当事人"
    return f"{who}各一份，调委会留存一份" if copies == parties + 1 else ""


def _offer_blank(
    db: Database, doc: PrintableDocument, parent: QWidget | None, court_name: str, why: str
) -> None:
    messages.confirm(
        parent,
        CANNOT_TITLE,
        f"{why}\n\n要打开空白的《{doc.title}》，打印后手工填写吗？",
        yes="打开空白表格",
        no="取消",
        on_yes=partial(_open_blank, db, doc, parent, court_name),
    )


def _open_blank(
    db: Database, doc: PrintableDocument, parent: QWidget | None, court_name: str
) -> PreviewWindow | None:
    try:
        office = office_for(db, court_name=court_name)
    except StorageError as exc:
        messages.show_storage_error(parent, exc)
        return None
    return show_preview(doc.build_blank(office), title=doc.title, blank=True, parent=parent)


def open_case_file(
    db: Database,
    case_id: str,
    parent: QWidget | None = None,
    *,
    court_name: str = "",
    show_progress: bool = True,
) -> CaseFileRun | None:
    """Start 打印卷宗 for a closed or archived case: progress dialog, then the preview.
    Returns the running job (its ``done`` signal gives the preview window)."""
    try:
        case = load_case(db, case_id)
    except StorageError as exc:
        messages.show_storage_error(parent, exc)
        return None
    except NotFoundError as exc:
        messages.warning(parent, CANNOT_TITLE, exc.message)
        return None
    if case.state not in CASE_FILE_STATES:
        messages.info(
            parent,
            "现在不能打印卷宗",
            f"卷宗在结案或归档以后才能打印，本案现在是“{case.state_label}”。",
        )
        return None
    if db.path is None:  # pragma: no cover - the program always works on a file
        raise ValueError("the case file job needs a database file (it opens its own connection)")
    run = CaseFileRun(
        db.path,
        case_id,
        parent,
        number=case.number,
        court_name=court_name,
        show_progress=show_progress,
    )
    # the bound file holds every document of the case: those printing ID numbers in full
    with_ids = [d.title for d in documents_of(case) if registry.shows_id_numbers(d.key, case)]
    if with_ids:
        run.done.connect(
            lambda window: record_outputs(window, db, case_id, [CASE_FILE_TITLE, *with_ids])
        )
    run.start()
    return run
