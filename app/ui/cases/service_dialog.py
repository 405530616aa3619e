"""The base of every case form that ends in one service call, and the call itself.

:class:`ServiceDialog`: save with Ctrl+Enter, Enter moves to the next field, Esc asks
before throwing typed text away, and nothing typed is cleared when the service refuses
the input. It is opened with ``open()`` and reports through its ``saved`` signal; its
questions (a confirmation before the service, "discard what was typed?") are message
boxes answered through callbacks, never nested event loops.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.models.db import Database, StorageError
from app.models.errors import DomainError, StaleEditError, ValidationError
from app.qt.core import QSize, Qt, Signal
from app.qt.gui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from app.qt.widgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.widgets import (
    FieldBox,
    FieldErrors,
    Problem,
    em,
    error_banner,
    fit_to_screen,
    form_field,
    grow_to_fit,
    hint_label,
    required_problems,
    top_aligned_form,
)
from app.ui.chooser import settle_all
from app.ui.signals import emit


def form_state(root: QWidget) -> list[object]:
    """Everything the user can have typed or chosen under ``root``, for a dirty check."""
    state: list[object] = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QLineEdit):
            state.append(w.text())
        elif isinstance(w, QPlainTextEdit):
            state.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            state.append(w.currentText())
        elif isinstance(w, QAbstractSpinBox):
            state.append(w.text())
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            state.append(w.isChecked())
        elif isinstance(w, QListWidget):
            items = (w.item(i) for i in range(w.count()))
            state.append([it.checkState() for it in items if it is not None])
    return state


STALE_TITLE = "内容已被修改"
RELOAD_TEXT = "重新载入"


def call_service(
    parent: QWidget,
    errors: FieldErrors,
    fn: Callable[[], object],
    *,
    title: str,
    reload: Callable[[], object] | None = None,
) -> bool:
    """Run ``fn`` (which calls one service); show what went wrong. True when it went through.

    A wrong field is marked under its input; a refused step, a missing case or a database
    problem is told in a message box. What was typed stays where it is in every case.
    An edit refused because the row changed since the form read it (StaleEditError) is
    told with a 重新载入 button that calls ``reload`` (docs/architecture.md).
    """
    errors.clear()
    try:
        fn()
    except ValidationError as exc:
        errors.show(exc)
        return False
    except StaleEditError as exc:
        tell_stale(parent, exc, reload)
        return False
    except DomainError as exc:  # illegal step, no permission, case gone
        messages.warning(parent, title, exc.message)
        return False
    except StorageError as exc:  # locked, read-only, disk full: nothing was written
        messages.show_storage_error(parent, exc)
        return False
    return True


def tell_stale(parent: QWidget, exc: StaleEditError, reload: Callable[[], object] | None) -> None:
    """The row changed since the form read it: say so, and offer 重新载入."""
    if reload is None:  # a form that cannot read its row again
        messages.warning(parent, STALE_TITLE, f"{exc.reason}请关闭这个窗口，重新打开后再修改。")
        return
    messages.confirm(
        parent,
        STALE_TITLE,
        exc.message,
        yes=RELOAD_TEXT,
        no="暂不载入",
        default_yes=True,
        on_yes=reload,
    )


def keep_typed(
    loaded: Mapping[str, Any], typed: Mapping[str, Any], now: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """A form re-read after someone else changed its row: each field the user changed from
    ``loaded`` keeps what they typed, every other field shows ``now``. Returns the values to
    show and the names of the fields both sides changed, differently (the user's kept)."""
    merged = dict(now)
    clashes = []
    for name, value in typed.items():
        if loaded.get(name) != value:
            merged[name] = value
            if now.get(name) != loaded.get(name) and now.get(name) != value:
                clashes.append(name)
    return merged, clashes


CLASH_TITLE = "有些内容对方也改过"


def tell_clashes(parent: QWidget, labels: Sequence[str]) -> None:
    """After 重新载入: the fields that both the user and the other change changed."""
    messages.warning(
        parent,
        CLASH_TITLE,
        f"已载入最新内容。“{'”“'.join(labels)}”您和对方都改了：现在显示的是您填写的"
        "内容，保存后会替换对方的修改。请核对后再保存。",
    )


@dataclass(frozen=True)
class Question:
    """What a dialog asks before its service runs (see :meth:`ServiceDialog.question`)."""

    title: str
    text: str
    yes: str
    no: str


DISCARD_TITLE = "放弃填写的内容？"


class ServiceDialog(QDialog):
    """A form that ends in one service call.

    Subclasses build their fields with :meth:`add_row` and implement :meth:`submit`, which
    reads the widgets and calls the service (raising whatever the service raises). The
    base shows the error, keeps everything typed, and on success emits ``saved`` and closes.
    A step that cannot be undone asks first: :meth:`question`.
    """

    saved = Signal()
    # Asked to close with typed text, the user chose to go on filling in (see ask_to_close).
    kept_open = Signal()

    def __init__(
        self,
        db: Database,
        title: str,
        parent: QWidget | None = None,
        *,
        scroll: bool = False,
        save_text: str = "保存",
        intro: str = "",
        width_em: int = 30,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._succeeded = False
        self._initial: list[object] | None = None
        self._width_em = width_em
        # 重新载入 after a StaleEditError: an edit dialog sets what re-reads its row
        self.reload: Callable[[], object] | None = None

        outer = QVBoxLayout(self)
        if intro:
            note = QLabel(intro)
            note.setWordWrap(True)
            note.setTextFormat(Qt.TextFormat.PlainText)
            note.setObjectName("intro")
            outer.addWidget(note)
        self.body = QWidget()
        self.form = top_aligned_form(self.body)
        self.scroll_area: QScrollArea | None = None
        if scroll:
            self.scroll_area = QScrollArea()
            self.scroll_area.setWidgetResizable(True)
            self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
            self.scroll_area.setWidget(self.body)
            outer.addWidget(self.scroll_area, 1)
        else:
            outer.addWidget(self.body, 1)
        self.banner = error_banner()
        outer.addWidget(self.banner)

        buttons = QHBoxLayout()
        self.hint = hint_label("Enter 到下一项")
        buttons.addWidget(self.hint, 1)
        self.save_button = QPushButton(f"{save_text}（Ctrl+Enter）")
        self.cancel_button = QPushButton("取消（Esc）")
        for b in (self.save_button, self.cancel_button):
            b.setAutoDefault(False)  # Enter moves between fields; it never saves by surprise
            buttons.addWidget(b)
        outer.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)

        self.errors = FieldErrors(self, self.banner, self.scroll_area)

    # ---- building

    def add_row(
        self,
        label: str,
        widget: QWidget,
        *,
        name: str | None = None,
        form: QFormLayout | None = None,
    ) -> FieldBox:
        """A labelled row whose errors are routed by ``name`` (default: the label)."""
        box = form_field(form or self.form, label, widget)
        self.errors.add(name or label, box)
        return box

    # ---- saving

    def problems(self) -> list[Problem]:
        """What must be put right before anything is asked or saved, all of it at once
        (shown by :meth:`FieldErrors.show_all`). The default: the starred fields left
        empty; dialogs add their own checks (see RegisterDialog). The service checks
        everything again and reports the first problem it finds."""
        return required_problems(self.body)

    def question(self) -> Question | None:
        """The question to answer before :meth:`submit` runs; None (the default) asks none.

        Checks that need no service belong here too: a ``ValidationError`` raised here is
        shown beside its field before anything is asked, so "yes" is never answered in vain.
        """
        return None

    def submit(self) -> None:  # pragma: no cover - every subclass implements it
        """Read the widgets and call the service."""
        raise NotImplementedError

    def save(self) -> bool:
        """Ask the dialog's question, if any, then call the service.

        True when the service went through now and the dialog closed; False when the input
        was refused or the question is still open (its "yes" then calls the service).
        """
        settle_all(self.body)  # a chooser still being typed in takes the entry it shows
        self.errors.clear()
        problems = self.problems()
        if problems:
            self.errors.show_all(problems)
            return False
        questions: list[Question | None] = []
        if not call_service(
            self, self.errors, lambda: questions.append(self.question()), title=self.windowTitle()
        ):
            return False
        question = questions[0]
        if question is None:
            return self._run_service()
        messages.confirm(
            self,
            question.title,
            question.text,
            yes=question.yes,
            no=question.no,
            on_yes=self._run_service,
        )
        return self._succeeded  # a test's responder answers at once

    def _run_service(self) -> bool:
        if not call_service(
            self, self.errors, self.submit, title=self.windowTitle(), reload=self.reload
        ):
            return False
        self._succeeded = True
        emit(self.saved)
        self.accept()
        return True

    # ---- size and focus

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._initial is None:
            if any(box.required for box in self.body.findChildren(FieldBox)):
                self.hint.setText(f"带 * 的必须填写　{self.hint.text()}")
            self._initial = form_state(self)
            fit_to_screen(self, self._wanted_size())
            # The size hint leaves out lines that wrap at the width given (the hint beside
            # the buttons, an intro): without them the form is squeezed (a list's last row
            # under the button below it).
            grow_to_fit(self)
            # The buttons exist before the fields, so Qt would start on 保存 and a first
            # Enter would save an untouched form: start on the first field instead.
            focus = self.focusWidget()
            first = self._first_field()
            if (focus is None or isinstance(focus, QPushButton)) and first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _first_field(self) -> QWidget | None:
        for widget in self.body.findChildren(QWidget):
            takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            if takes_tab and widget.isEnabled() and widget.isVisibleTo(self):
                return widget
        return None

    def _wanted_size(self) -> QSize:
        hint = self.sizeHint()
        if self.scroll_area is not None:
            # QScrollArea caps its own hint at 36×24 lines; ask for what the form needs
            # (fit_to_screen caps it at the screen, and then the form scrolls).
            body = self.body.sizeHint()
            area = self.scroll_area.sizeHint()
            bar = self.scroll_area.verticalScrollBar().sizeHint().width()
            hint += QSize(
                max(0, body.width() + bar - area.width()), max(0, body.height() - area.height())
            )
        return hint.expandedTo(QSize(em(self) * self._width_em, 0))

    def focusNextPrevChild(self, next: bool) -> bool:
        moved = super().focusNextPrevChild(next)
        self.reveal(self.focusWidget())
        return moved

    def reveal(self, widget: QWidget | None) -> None:
        """Scroll ``widget`` into view (Enter moves focus without the scroll area knowing)."""
        area = self.scroll_area
        if area is not None and widget is not None and self.body.isAncestorOf(widget):
            area.ensureWidgetVisible(widget)

    # ---- leaving

    def is_dirty(self) -> bool:
        return self._initial is not None and form_state(self) != self._initial

    def reject(self) -> None:
        """Esc, 取消 and the close button: close, but ask first when typed text would be
        lost; the dialog then closes only on "yes" (and emits ``kept_open`` on "no")."""
        if self._succeeded or not self.is_dirty():
            super().reject()
            return
        messages.confirm(
            self,
            DISCARD_TITLE,
            "刚才填写的内容还没有保存，关闭后就没有了。\n确定不保存、直接关闭吗？",
            yes="不保存，关闭",
            no="继续填写",
            on_yes=super().reject,
            on_no=lambda: emit(self.kept_open),
        )

    def ask_to_close(self) -> bool:
        """For a window closing with this dialog open: True when the dialog closed now;
        False when it asks (then ``finished`` follows "yes", ``kept_open`` "no")."""
        self.reject()
        return not self.isVisible()

    def is_asking(self) -> bool:
        """The "discard what was typed?" question is on screen, unanswered."""
        return messages.pending_question(self, DISCARD_TITLE) is not None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        plain = (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier) == (
            Qt.KeyboardModifier.NoModifier
        )
        if enter and plain:
            # Enter moves to the next field, as in the paper-form programs people know;
            # on a push button it presses it. Saving is Ctrl+Enter, never a stray Enter.
            focus = self.focusWidget()
            if isinstance(focus, QPushButton):
                focus.click()
            else:
                self._next_field()
            return
        super().keyPressEvent(event)

    def _next_field(self) -> None:
        """Focus the next input, passing over buttons such as 增加/删除当事人 (they are
        for Tab and Space, or their Alt key): someone pressing Enter to get on through
        the form must not add or remove anything. The save button is a stop: after
        the last field, Enter lands there and one more Enter saves."""
        start = self.focusWidget()
        for _ in range(200):  # bounded: the chain is a ring
            self.focusNextChild()
            focus = self.focusWidget()
            if focus in (start, self.save_button) or not isinstance(focus, QPushButton):
                return
