"""The one way the program shows a message box, so tests can answer every box.

Use ``info``/``warning``/``error``/``confirm`` (never ``QMessageBox`` directly). No box
runs an event loop of its own: each is opened window-modal (``open()``) on its parent,
deletes itself when closed, and the call returns at once. ``confirm`` reports the answer
through callbacks: ``on_yes`` when the user picked ``yes``, ``on_no`` for anything else
(the ``no`` button, Esc, the window's close button). Code after a ``confirm`` call must
not assume an answer: whatever depends on it belongs in the callbacks.

In tests, ``with respond_with(fn) as calls:`` makes every box call ``fn(kind, title,
text)`` instead of showing anything, synchronously: ``confirm`` runs ``on_yes`` when
``fn`` returned something true and ``on_no`` otherwise, before it returns; ``choose``
takes the answer whose button text ``fn`` returned (any other reply: the last answer).
``calls`` records ``(kind, title, text)`` tuples.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from app.models.errors import DomainError
from app.qt.core import Qt
from app.qt.widgets import QApplication, QMessageBox, QWidget

if TYPE_CHECKING:
    from app.models.db import StorageError

log = logging.getLogger(__name__)

Responder = Callable[[str, str, str], object]
Answer = Callable[[], object]

# Set only by respond_with(); when set, no box is ever shown.
_responder: Responder | None = None

STORAGE_ERROR_TITLE = "数据库文件有问题"

# A warning or error whose text says 从备份恢复 offers a button that opens 备份与恢复
# (app/ui/backup_window.py), when a window has registered how to open it.
RESTORE_PHRASE = "从备份恢复"
RESTORE_BUTTON = "打开备份与恢复…"
# () -> the opener, or None once its window is gone (a weak reference).
_restore_opener: Callable[[], Callable[[], object] | None] | None = None


def set_restore_opener(opener: Callable[[], object] | None) -> None:
    """How 打开备份与恢复… opens the window (the main window's method; held weakly)."""
    global _restore_opener
    import inspect
    import weakref

    if opener is None:
        _restore_opener = None
    elif inspect.ismethod(opener):
        _restore_opener = weakref.WeakMethod(opener)
    else:
        _restore_opener = lambda: opener  # noqa: E731 - a plain function lives on


def _restore_action(kind: str, text: str) -> Callable[[], object] | None:
    """What 打开备份与恢复… does for this box, or None when it offers no such button."""
    if kind not in ("warning", "error") or RESTORE_PHRASE not in text:
        return None
    opener = _restore_opener() if _restore_opener is not None else None
    if opener is None:
        return None
    owner = getattr(opener, "__self__", None)
    if isinstance(owner, QWidget):
        from app import qt

        if not qt.is_valid(owner):
            return None
    return opener


_ICONS = {
    "info": QMessageBox.Icon.Information,
    "warning": QMessageBox.Icon.Warning,
    "error": QMessageBox.Icon.Critical,
    "confirm": QMessageBox.Icon.Question,
    "choose": QMessageBox.Icon.Question,
}


@contextmanager
def respond_with(fn: Responder) -> Iterator[list[tuple[str, str, str]]]:
    """Answer every message box with ``fn(kind, title, text)`` while the block runs."""
    global _responder
    calls: list[tuple[str, str, str]] = []
    previous = _responder

    def recording(kind: str, title: str, text: str) -> object:
        calls.append((kind, title, text))
        return fn(kind, title, text)

    _responder = recording
    try:
        yield calls
    finally:
        _responder = previous


def info(parent: QWidget | None, title: str, text: str) -> QMessageBox | None:
    """Tell something. The box shown (None when a test's responder answered it)."""
    return _tell("info", parent, title, text)


def warning(parent: QWidget | None, title: str, text: str) -> QMessageBox | None:
    return _tell("warning", parent, title, text)


def error(parent: QWidget | None, title: str, text: str) -> QMessageBox | None:
    return _tell("error", parent, title, text)


def show_storage_error(parent: QWidget | None, exc: StorageError) -> QMessageBox | None:
    """A database/disk problem (not a bug): its plain-Chinese message, no traceback."""
    return warning(parent, STORAGE_ERROR_TITLE, exc.message)


def tell_refused(parent: QWidget | None, title: str, exc: DomainError | StorageError) -> None:
    """Why a service did not go through: its refusal (a DomainError) under ``title``, or
    the database problem as :func:`show_storage_error` tells it."""
    if isinstance(exc, DomainError):
        warning(parent, title, exc.message)
    else:
        show_storage_error(parent, exc)


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    yes: str = "确定",
    no: str = "取消",
    default_yes: bool = False,
    on_yes: Answer,
    on_no: Answer | None = None,
) -> QMessageBox | None:
    """Ask a yes/no question; the answer arrives through ``on_yes`` / ``on_no``.

    Enter picks the safe answer (``no``) unless ``default_yes``. While ``parent`` already
    shows an unanswered question with this title, that box is brought to the front and
    no second one is opened (its callbacks stand). Returns the box, or None when the
    question was answered at once (a test's responder; no QApplication: "no").
    """
    log.info("message box (confirm) %s from %s", title, _where())
    if _responder is not None:
        answered_yes = bool(_responder("confirm", title, text))
        _answer(title, yes if answered_yes else no, on_yes if answered_yes else on_no)
        return None
    if QApplication.instance() is None:
        log.warning("no QApplication: question %s not asked, taken as no", title)
        _answer(title, no, on_no)
        return None
    pending = pending_question(parent, title)
    if pending is not None:
        pending.raise_()
        pending.activateWindow()
        return pending
    box = _box("confirm", parent, title, text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(yes_button if default_yes else no_button)
    box.setEscapeButton(no_button)  # Esc and the close button answer no

    def finished(_result: int) -> None:
        answered_yes = box.clickedButton() is yes_button
        _answer(title, yes if answered_yes else no, on_yes if answered_yes else on_no)

    box.finished.connect(finished)
    _open(box, parent)
    return box


def choose(
    parent: QWidget | None,
    title: str,
    text: str,
    answers: Sequence[tuple[str, Answer | None]],
    *,
    default: int = 0,
) -> QMessageBox | None:
    """Ask with several answers, each a button (text, what it does), in order. The last is
    the way out: Esc and the window's close button pick it. Returns the box, or None when
    answered at once (a test's responder; no QApplication: the last answer)."""
    log.info("message box (choose) %s from %s", title, _where())
    if _responder is not None:
        picked = _responder("choose", title, text)
        label, callback = next((a for a in answers if a[0] == picked), answers[-1])
        _answer(title, label, callback)
        return None
    if QApplication.instance() is None:
        log.warning("no QApplication: question %s not asked, taken as %s", title, answers[-1][0])
        _answer(title, *answers[-1])
        return None
    box = _box("choose", parent, title, text)
    buttons = [box.addButton(label, QMessageBox.ButtonRole.ActionRole) for label, _ in answers]
    box.setDefaultButton(buttons[default])
    box.setEscapeButton(buttons[-1])

    def finished(_result: int) -> None:
        clicked = box.clickedButton()
        index = buttons.index(clicked) if clicked in buttons else len(answers) - 1
        _answer(title, *answers[index])

    box.finished.connect(finished)
    _open(box, parent)
    return box


def _answer(title: str, button: str, callback: Answer | None) -> None:
    log.info("message box (confirm) %s answered: %s", title, button)
    if callback is not None:
        callback()


def _tell(kind: str, parent: QWidget | None, title: str, text: str) -> QMessageBox | None:
    # What the user was told is the first thing support asks for: the log says which box,
    # by where the program asked for it; not its text, which may name a party
    # (docs/privacy.md).
    log.info("message box (%s) %s from %s", kind, title, _where())
    action = _restore_action(kind, text)
    if _responder is not None:
        # A test clicks 打开备份与恢复… by answering with the button's text.
        if _responder(kind, title, text) == RESTORE_BUTTON and action is not None:
            action()
        return None
    if QApplication.instance() is None:
        log.warning("no QApplication: message box (%s) %s not shown", kind, title)
        return None
    box = _box(kind, parent, title, text)
    ok = box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(ok)
    box.setEscapeButton(ok)
    if action is not None:
        restore = box.addButton(RESTORE_BUTTON, QMessageBox.ButtonRole.AcceptRole)
        box.finished.connect(lambda _result: action() if box.clickedButton() is restore else None)
    _open(box, parent)
    return box


def _where() -> str:
    """module:function:line of the code that asked for the box (outside this module)."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    return f"{frame.f_globals.get('__name__', '?')}:{frame.f_code.co_name}:{frame.f_lineno}"


def _box(kind: str, parent: QWidget | None, title: str, text: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setIcon(_ICONS[kind])
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)  # text may contain user data such as "<"
    box.setText(text)
    box.setObjectName(f"{kind}Box")
    return box


def _open(box: QMessageBox, parent: QWidget | None) -> None:
    """Show without a nested event loop: modal to the parent's window, or (no parent)
    to the whole program, so the box never hides behind the window it is about."""
    if parent is None:
        box.setWindowModality(Qt.WindowModality.ApplicationModal)
        box.show()
    else:
        box.open()


def pending_question(parent: QWidget | None, title: str) -> QMessageBox | None:
    """The unanswered ``confirm`` box titled ``title`` that ``parent`` shows, if any."""
    if parent is None:
        return None
    for box in parent.findChildren(QMessageBox, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if box.objectName() == "confirmBox" and box.windowTitle() == title and box.isVisible():
            return box
    return None
