"""Small building blocks shared by the case dialogs and the case window.

- Inputs that take what people type: :class:`TextBox` (Tab moves on), :class:`DateLine`
  (an optional date in any usual spelling), :class:`MoneyLine` (yuan in, fen out); both
  read with app/models/parsing and show its messages.
- :class:`FieldBox` puts a red error line under an input, and :class:`FieldErrors` routes a
  service's ``ValidationError(field, message)`` to the box whose label it names.
- Required fields: :func:`require` stars a field's label (a red * after it, the one way
  every form marks them); :func:`required_problems` finds the starred ones left empty, and
  :meth:`FieldErrors.show_all` shows every problem of a form at once: a red line under
  each field, one list of them all (field: what to do) above the buttons, the cursor in
  the first.
- Formatting of dates and money, date conversions, Tab chains, window sizes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise

from app.models import office
from app.models.db import Database
from app.models.errors import ValidationError
from app.models.parsing import dates, money
from app.qt.core import QDate, QDateTime, QEvent, QPoint, QRect, QSize, Qt, QTimer
from app.qt.gui import QColor, QPainter, QPaintEvent, QResizeEvent
from app.qt.widgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from app.ui.chooser import is_filterable, make_filterable, mark_blank
from app.ui.look import ERROR, ERROR_FILL, MUTED, Panel, tint
from app.ui.session import current_actor as current_actor  # every service call names them

DISPLAY_DATE = "yyyy-MM-dd"
# What an empty amount field shows (its label says 元): how to write an amount.
MONEY_PLACEHOLDER = "如 3600 或 3600.50"
MONEY_WIDEST = "99,999,999.99"  # the widest amount a field is sized for


# --------------------------------------------------------------------------- small helpers


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def py_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def py_datetime(value: QDateTime) -> datetime:
    """To the minute: nobody records the seconds of a meeting."""
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def date_edit(value: date | None = None) -> QDateEdit:
    """A required date: arrow keys step the day, F4 or Alt+↓ opens the calendar."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DISPLAY_DATE)
    # Wide enough range that a wrong year can be typed and then reported, not silently clamped.
    edit.setDateRange(QDate(1900, 1, 1), QDate(2099, 12, 31))
    edit.setDate(qdate(value or date.today()))
    return edit


def datetime_edit(value: QDateTime | None = None) -> QDateTimeEdit:
    edit = QDateTimeEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    now = QDateTime.currentDateTime()
    now = now.addSecs(-now.time().second())  # whole minutes: nobody writes seconds
    edit.setDateTime(value or now)
    return edit


def set_tab_chain(chain: list[QWidget]) -> None:
    """Tab visits ``chain`` in this order (hidden or disabled widgets are skipped by Qt)."""
    for first, second in pairwise(chain):
        QWidget.setTabOrder(first, second)


def fmt_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def check_past_day(value: date, field: str, *, not_before: tuple[date, str] | None = None) -> None:
    """The checks a service makes of a day that has happened, made before it is asked
    for (so a question is never answered "yes" in vain). ``not_before`` is (day, what)."""
    today = date.today()
    if value > today:
        raise ValidationError(
            field, f"{field}（{value:%Y年%m月%d日}）晚于今天，已发生的事情不能填将来的日期。"
        )
    if value.year < 2000:
        raise ValidationError(field, f"{field}（{value:%Y年%m月%d日}）太早了，请核对年份。")
    if not_before is not None and value < not_before[0]:
        earliest, what = not_before
        raise ValidationError(field, f"{field}不能早于{what}（{earliest:%Y年%m月%d日}）。")


def fmt_yuan(fen: int | None) -> str:
    """Money as people read it: 1,500.00 元."""
    if fen is None:
        return ""
    return f"{Decimal(fen) / 100:,.2f} 元"


def hint_label(text: str) -> QLabel:
    """A grey line that tells which keys do what."""
    label = QLabel(text)
    tint(label, MUTED)
    label.setWordWrap(True)
    return label


def em(widget: QWidget) -> int:
    """The width of one Chinese character in the widget's font: sizes that follow the
    large-type setting are given in these."""
    return widget.fontMetrics().horizontalAdvance("中")


def fit_to_screen(widget: QWidget, wanted: QSize) -> None:
    """Resize to ``wanted`` but never beyond the screen (an old 1366×768 laptop, say):
    a window taller than the screen hides its own buttons."""
    screen = widget.screen()
    if screen is not None:
        avail = screen.availableGeometry()
        # Leave room for the title bar and the taskbar the available area may not know of.
        wanted = wanted.boundedTo(QSize(avail.width() - 24, avail.height() - 48))
    before = widget.geometry()
    widget.resize(wanted)
    if widget.isWindow() and widget.isVisible():
        keep_on_screen(widget, before)


# A title bar's height where the window system has not told it yet (before the window is
# first mapped, Qt knows no frame): what Windows 10 and the usual Linux desktops draw.
TITLE_BAR_GUESS = 32


def keep_on_screen(window: QWidget, before: QRect | None = None) -> None:
    """Move a shown window so all of it, frame and title bar included, lies on its screen.

    A dialog is placed (centred on its parent) at its first size hint and only then resized
    to what its form needs: grown downwards, an 820-px-tall form on a 768-px laptop puts its
    buttons under the taskbar. Resized while it is being shown (``before`` is its geometry
    then, and it is not yet on screen), it is centred where it was centred; later (a line
    of error text grew it) it stays where it is unless part of it would leave the screen.
    """
    avail = window.screen().availableGeometry()
    inner = window.geometry()
    frame = window.frameGeometry()
    handle = window.windowHandle()
    if before is not None and (handle is None or not handle.isVisible()):
        inner.moveCenter(before.center())
    left, top = inner.left() - frame.left(), inner.top() - frame.top()
    right, bottom = frame.right() - inner.right(), frame.bottom() - inner.bottom()
    if (left, top, right, bottom) == (0, 0, 0, 0):
        top = TITLE_BAR_GUESS  # not told yet; a frameless window loses nothing but the room
    x = min(inner.left() - left, avail.right() + 1 - (left + inner.width() + right))
    y = min(inner.top() - top, avail.bottom() + 1 - (top + inner.height() + bottom))
    target = QPoint(max(x, avail.left()), max(y, avail.top()))
    if target != window.pos():
        window.move(target)  # pos() and move() place a window by its frame


def grow_to_fit(window: QWidget) -> None:
    """Make ``window`` tall enough for its wrapped lines (an error line just shown, say).

    Qt sizes a window by its layout's minimum, which leaves word-wrapped labels out; the
    layout then squeezes the other fields (a text box shows half its lines)."""
    layout = window.layout()
    if layout is None or not layout.hasHeightForWidth():
        return
    layout.activate()
    needed = layout.totalHeightForWidth(window.width())
    if needed > window.height():
        fit_to_screen(window, QSize(window.width(), needed))


def inline_row(*widgets: QWidget) -> QWidget:
    """Widgets side by side at their own width, as one form field (focus: the first)."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    row.setFocusProxy(widgets[0])
    return row


class TextBox(QPlainTextEdit):
    """Multi-line text where Tab moves on (Enter starts a new line)."""

    def __init__(self, lines: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self._lines = lines
        self.setMinimumHeight(self._height_for(lines))

    def _height_for(self, lines: int) -> int:
        m = self.contentsMargins()
        return self.fontMetrics().lineSpacing() * lines + m.top() + m.bottom() + 12

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height_for(self._lines))

    def changeEvent(self, event: QEvent) -> None:  # the large-type setting changes the font live
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.setMinimumHeight(self._height_for(self._lines))


def key_combo(options: dict[str, str], current: object = None) -> QComboBox:
    """A drop-down of fixed keys shown by their Chinese labels; ``currentData()`` is the key."""
    combo = QComboBox()
    for key, text in options.items():
        combo.addItem(text, key)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


def editable_combo(items: list[str], placeholder: str = "") -> QComboBox:
    """Pick from a list or type something else (nothing typed is added to the list)."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(items)
    line = combo.lineEdit()
    if placeholder and line is not None:
        combo.setCurrentIndex(-1)
        line.setPlaceholderText(placeholder)
    return combo


def village_combo(db: Database) -> QComboBox:
    """所在村（社区）, which may be left empty: in the office's order, narrowed by typing
    the name or its pinyin initials."""
    villages = {p.id: p.name for p in office.villages(db)}
    combo = key_combo({"": "（不填）"} | villages, "")
    mark_blank(combo, 0)
    return make_filterable(combo)


class RadioChoice(QWidget):
    """A small fixed choice as radio buttons (arrow keys move between them), by key."""

    def __init__(self, options: dict[str, str], columns: int = 2) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for i, (key, text) in enumerate(options.items()):
            button = QRadioButton(text)
            self.group.addButton(button, i)
            self.buttons[key] = button
            # At its own width: a button stretched over the cell ignores clicks on the blank.
            grid.addWidget(button, i // columns, i % columns, Qt.AlignmentFlag.AlignLeft)
        # The error line's focus goes to the chosen button (or the first).
        self.setFocusProxy(next(iter(self.buttons.values())))

    def key(self) -> str:
        return next((k for k, b in self.buttons.items() if b.isChecked()), "")

    def set_key(self, key: str) -> None:
        if key in self.buttons:
            self.buttons[key].setChecked(True)


# --------------------------------------------------------------------------- typed values


class DateLine(QLineEdit):
    """An optional date typed as text (a QDateEdit cannot be left empty)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("如 2026-03-08，可不填")

    def value(self, field: str) -> date | None:
        """The date typed (None when empty); a ValidationError naming ``field`` that says
        how to write it when it cannot be read."""
        return dates.date_field(field, self.text())

    def set_value(self, value: date | None) -> None:
        self.setText(fmt_date(value))


class MoneyLine(QLineEdit):
    """An optional amount in yuan; the services want whole fen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(MONEY_PLACEHOLDER)

    def sizeHint(self) -> QSize:
        """Wide enough for its placeholder and a large amount at the current 字号 (the
        text fields' default would cut the placeholder off)."""
        hint = super().sizeHint()
        fm = self.fontMetrics()
        wanted = max(fm.horizontalAdvance(t) for t in (self.placeholderText(), MONEY_WIDEST))
        default = 17 * fm.horizontalAdvance("x")  # what QLineEdit sizes its text for
        slack = fm.horizontalAdvance("0")  # the cursor and rounding
        return QSize(max(hint.width(), hint.width() - default + wanted + slack), hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.sizeHint().width(), super().minimumSizeHint().height())

    def value_fen(self, field: str) -> int | None:
        """The amount typed (None when empty); a ValidationError naming ``field`` that
        says how to write it when it cannot be read."""
        return money.yuan_field(field, self.text())

    def set_fen(self, fen: int | None) -> None:
        self.setText("" if fen is None else money.yuan_text(fen))


# --------------------------------------------------------------------------- field errors


class FieldBox(QWidget):
    """An input with a red line under it that says what is wrong with it."""

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        tint(self.error, ERROR)
        self.error.setWordWrap(True)
        # Top: when the row is given more room than the text needs, it stays under the field.
        self.error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote user text
        self.error.hide()
        layout.addWidget(self.error)
        self.setFocusProxy(field)
        self.caption: Caption | None = None
        self.required = False
        self.missing = ""  # what to say when a required field is left empty ("" = default)
        self.filled: Callable[[], bool] = lambda: has_value(field)
        self.prefix = ""  # names the field in the list of problems, e.g. "申请人2·"

    def title(self) -> str:
        """The field as the list of problems names it: "纠纷类型", "申请人2·姓名"."""
        caption = self.caption.text() if self.caption is not None else ""
        return f"{self.prefix}{caption}"

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self._fit_error()

    def clear_error(self) -> None:
        self.error.clear()
        self.error.hide()

    def _fit_error(self) -> None:
        # Exactly as many lines as the text takes at this width. Left to itself, a
        # word-wrapped label asks for the lines it would take at a guessed width, and
        # forms then leave gaps under short messages and squeeze the fields below.
        if not self.error.isHidden() and self.width() > 0:
            self.error.setFixedHeight(self.error.heightForWidth(self.width()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_error()

    def changeEvent(self, event: QEvent) -> None:  # the large-type setting changes the font live
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_error()

    @property
    def has_error(self) -> bool:
        return not self.error.isHidden()


class Caption(QLabel):
    """A field label exactly one input line high, so it lines up with the first line of
    its input however tall the input is (text boxes, lists, a red error line below)."""

    def __init__(self, text: str, buddy: QWidget) -> None:
        super().__init__(text)
        self.setBuddy(buddy)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.required = False
        self._fit()

    def set_required(self, required: bool = True) -> None:
        """A red * after the label (drawn beside the text, which stays the plain label)."""
        self.required = required
        self.setAccessibleDescription(REQUIRED_NOTE if required else "")
        self._fit()
        self.update()

    def _fit(self) -> None:
        probe = QLineEdit()
        probe.setFont(self.font())
        self.setFixedHeight(probe.sizeHint().height())
        star = self.fontMetrics().horizontalAdvance(STAR) if self.required else 0
        self.setContentsMargins(0, 0, star, 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.required:
            return
        fm = self.fontMetrics()
        painter = QPainter(self)
        painter.setPen(QColor(ERROR))
        x = self.width() - fm.horizontalAdvance(STAR) + fm.horizontalAdvance(" ")
        y = (self.height() - fm.height()) // 2 + fm.ascent()
        painter.drawText(x, y, "*")
        painter.end()

    def changeEvent(self, event: QEvent) -> None:  # the large-type setting changes the font live
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()


def grid_field(
    grid: QGridLayout, row: int, col: int, text: str, widget: QWidget, span: int = 1
) -> FieldBox:
    """Label in column ``col``, input (with its error line) from ``col + 1``."""
    box = FieldBox(widget)
    box.caption = Caption(text, widget)
    # Top-aligned: when the neighbour in the row shows an error line, this input stays put.
    grid.addWidget(box.caption, row, col, Qt.AlignmentFlag.AlignTop)
    grid.addWidget(box, row, col + 1, 1, span, Qt.AlignmentFlag.AlignTop)
    return box


def form_field(form: QFormLayout, text: str, widget: QWidget) -> FieldBox:
    box = FieldBox(widget)
    box.caption = Caption(text, widget)
    form.addRow(box.caption, box)
    return box


def show_row(box: FieldBox, visible: bool) -> None:
    box.setVisible(visible)
    if box.caption is not None:
        box.caption.setVisible(visible)


STAR = " *"
REQUIRED_NOTE = "必填"


def has_value(widget: QWidget) -> bool:
    """Something typed or chosen in ``widget`` (a date edit always has a day)."""
    if isinstance(widget, QLineEdit):
        return bool(widget.text().strip())
    if isinstance(widget, QPlainTextEdit):
        return bool(widget.toPlainText().strip())
    if isinstance(widget, QComboBox):
        if widget.isEditable() and not is_filterable(widget):
            return bool(widget.currentText().strip())  # anything may be typed
        return widget.currentIndex() >= 0 and bool(widget.currentText().strip())
    if isinstance(widget, RadioChoice):
        return bool(widget.key())
    return True


def require(
    box: FieldBox, *, missing: str = "", filled: Callable[[], bool] | None = None
) -> FieldBox:
    """Star ``box``'s label: the form is not saved while the field is empty. ``missing``
    is what to say then (default: 请填写… / 请选择…); ``filled`` how to tell (default: any
    text typed, an entry chosen)."""
    box.required = True
    box.missing = missing
    if filled is not None:
        box.filled = filled
    if box.caption is not None:
        box.caption.set_required()
    return box


@dataclass(frozen=True)
class Problem:
    """One thing to put right before a form can be saved: ``message`` goes under ``box``
    (None: in the list only), and the list names the field as ``title``."""

    message: str
    box: FieldBox | None = None
    title: str = ""


def missing_message(box: FieldBox) -> str:
    if box.missing:
        return box.missing
    label = box.caption.text() if box.caption is not None else "这一项"
    field = box.field
    typed = isinstance(field, QComboBox) and field.isEditable() and not is_filterable(field)
    choose = isinstance(field, (QComboBox, RadioChoice, QListWidget)) and not typed
    return f"{'请选择' if choose else '请填写'}{label}。"


def required_problems(root: QWidget) -> list[Problem]:
    """The starred fields under ``root`` that are shown, in use and left empty."""
    found: list[Problem] = []
    for box in root.findChildren(FieldBox):
        shown = box.isVisibleTo(root.window()) and box.field.isEnabled()
        if box.required and shown and not box.filled():
            found.append(Problem(missing_message(box), box, box.title()))
    return found


def top_aligned_form(parent: QWidget | None = None) -> QFormLayout:
    """A form whose labels sit right-aligned beside the first line of their input."""
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    return form


Resolver = Callable[[str], "FieldBox | None"]


class FieldErrors:
    """Shows a ValidationError beside the field it names, or in a banner when none matches."""

    def __init__(self, root: QWidget, banner: QLabel, scroll: QScrollArea | None = None) -> None:
        self.root = root
        self.banner = banner
        self.scroll = scroll
        self._boxes: dict[str, FieldBox] = {}
        self._resolvers: list[Resolver] = []

    def add(self, name: str, box: FieldBox) -> None:
        self._boxes[name] = box

    def add_resolver(self, resolver: Resolver) -> None:
        """For fields named at run time, e.g. "申请人2·身份证号"."""
        self._resolvers.append(resolver)

    def find(self, name: str) -> FieldBox | None:
        if name in self._boxes:
            return self._boxes[name]
        for resolver in self._resolvers:
            box = resolver(name)
            if box is not None:
                return box
        return None

    def clear(self) -> None:
        for box in self.root.findChildren(FieldBox):
            box.clear_error()
        self.banner.clear()
        self.banner.hide()

    def show(self, exc: ValidationError) -> FieldBox | None:
        box = self.find(exc.field)
        if box is None or not box.field.isVisibleTo(self.root):
            self.banner.setText(exc.message)
            self.banner.show()
            grow_to_fit(self.root.window())
            return None
        box.show_error(exc.message)
        grow_to_fit(self.root.window())
        box.field.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.scroll is not None:
            self.scroll.ensureWidgetVisible(box.field)
            # The red line changes the layout only on the next pass; scroll again then.
            scroll = self.scroll
            QTimer.singleShot(0, box, lambda: scroll.ensureWidgetVisible(box, 20, 40))
        return box

    def problem(self, exc: ValidationError) -> Problem:
        """A service's ValidationError as a problem of this form."""
        box = self.find(exc.field)
        if box is not None and not box.field.isVisibleTo(self.root):
            box = None
        return Problem(exc.message, box, box.title() if box is not None else "")

    def show_all(self, problems: list[Problem]) -> None:
        """Every problem at once: each under its field, all of them listed (in the order
        of the form) above the buttons when there is more than one, and the cursor in
        the first field."""
        self.clear()
        ordered = sorted(problems, key=self._place)
        for p in ordered:
            if p.box is not None and not p.box.has_error:
                p.box.show_error(p.message)
        if len(ordered) > 1 or any(p.box is None for p in ordered):
            self.banner.setText(problem_list(ordered))
            self.banner.show()
        grow_to_fit(self.root.window())
        first = next((p.box for p in ordered if p.box is not None), None)
        if first is not None:
            first.field.setFocus(Qt.FocusReason.OtherFocusReason)
            if self.scroll is not None:
                self.scroll.ensureWidgetVisible(first.field)
                scroll = self.scroll
                QTimer.singleShot(0, first, lambda: scroll.ensureWidgetVisible(first, 20, 40))

    def _place(self, problem: Problem) -> tuple[int, int, int]:
        """Top to bottom, then left to right, as the form reads; no field: last."""
        if problem.box is None:
            return (1, 0, 0)
        where = problem.box.mapTo(self.root.window(), QPoint(0, 0))
        return (0, where.y(), where.x())


MAX_LISTED = 6  # problems listed one by one; the rest are counted


def problem_list(problems: list[Problem]) -> str:
    """The text of the list: how many, then "field：what to do" per line."""
    lines = [f"有 {len(problems)} 处需要补填或改正（各项下面有红字说明）："]
    for i, p in enumerate(problems[:MAX_LISTED], start=1):
        message = p.message
        # The title names the party and the field already: "申请人1：联系电话：…" → "…".
        for named in (p.title.split("·", 1)[0] if "·" in p.title else "", p.title.split("·")[-1]):
            if named and message.startswith(f"{named}："):
                message = message[len(named) + 1 :]
        lines.append(f"{i}. {p.title}：{message}" if p.title else f"{i}. {message}")
    if len(problems) > MAX_LISTED:
        lines.append(f"……还有 {len(problems) - MAX_LISTED} 处，见各项下面的红字。")
    return "\n".join(lines)


def error_banner() -> Panel:
    """A red box for an error that belongs to no one field."""
    banner = Panel()
    banner.setObjectName("errorBanner")
    banner.setWordWrap(True)
    banner.setTextFormat(Qt.TextFormat.PlainText)
    banner.set_colours(fill=ERROR_FILL, border=ERROR, ink=ERROR)
    banner.setMargin(6)
    banner.hide()
    return banner
