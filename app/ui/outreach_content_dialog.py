"""宣传内容: the office manages the texts of the 七个一 outreach kit.

The same dialog as the 协议条款模板 editor (template_editing.EditorDialog): a list beside
an editor. Above the list the kind is chosen (明白卡 / 大喇叭广播稿 / 宣传册 / 微动漫); the list
shows that kind's texts with where they print (the card's side, the brochure's panel) or
how long they take, and where they come from. The editor holds 标题 and 内容 (for a
微动漫 also 时长 and 链接; for the office's own card side or brochure panel the side or
panel it prints on), a counter of the room the text takes (red when it will not fit the
card or the panel; the reading time of a broadcast) and 插入占位词, which puts {村名} and
the like at the cursor. 预览 shows the text as it prints, filled with an example village.

新增 starts a text of the office's own; 保存 stores an edit (of a shipped text too); 隐藏
stops using a shipped one and 删除 removes one of the office's own (both asked first);
恢复默认 brings back the program's text of an edited or hidden shipped one. Unsaved edits
are never dropped silently: choosing another text or kind, 新增 or closing asks first
("继续修改" keeps them). A wrong entry is told beside its field and nothing is saved.

Open with :func:`open_outreach_content`; ``content_changed`` tells after each change.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

from app.models.db import Database
from app.models.outreach_content import (
    ANIMATION_MAX_CHARS,
    BODY_FIELD,
    BROCHURE_BOX,
    BROCHURE_SLOTS,
    CARD_BOX,
    CARD_SIDES,
    DURATION_FIELD,
    EXAMPLE_VALUES,
    LINK_FIELD,
    PLACEHOLDERS,
    READING_CHARS_PER_MINUTE,
    SIDE_FIELD,
    SLOT_FIELD,
    TITLE_FIELD,
    TITLE_MAX,
    ContentItem,
    TextBox,
    fill,
    hide_item,
    items,
    measure,
    reading_minutes,
    restore_default,
    save_item,
)
from app.qt.core import QObject, QPoint, Qt, Signal, SignalInstance
from app.qt.gui import QColor
from app.qt.widgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from app.ui.cases.widgets import (
    Caption,
    FieldBox,
    grid_field,
    set_tab_chain,
    show_row,
)
from app.ui.cases.widgets import TextBox as TextEdit
from app.ui.look import ERROR, MUTED, tint
from app.ui.table_model import Column, numbered
from app.ui.template_editing import (
    EditorDialog,
    EditorSpec,
    KeyedTableModel,
    NewTexts,
    insert_at_cursor,
    open_editor,
    source_label,
)

WINDOW_TITLE = "宣传内容"
# The kinds as the selector names them, in the order of the 七个一.
KIND_LABELS: Mapping[str, str] = {
    "card": "明白卡",
    "broadcast": "大喇叭广播稿",
    "brochure": "宣传册",
    "animation": "微动漫",
}
# What one item of a kind is, for "新增……".
_ITEM_NOUNS: Mapping[str, str] = {
    "card": "明白卡的一面",
    "broadcast": "广播稿",
    "brochure": "宣传册的一栏",
    "animation": "微动漫",
}
# What the editor says about a new text of the office's own.
_NEW_ABOUT: Mapping[str, str] = {
    "card": "本单位自己的明白卡内容：选好印在正面还是反面，保存后打印时代替程序自带的那一面。",
    "broadcast": "本单位自己的广播稿，保存后和程序自带的一起打印。",
    "brochure": "本单位自己的宣传册内容：选好印在哪一栏，保存后打印时代替程序自带的那一栏。",
    "animation": "本单位自己的微动漫：填写视频的链接，海报上会印出二维码。",
}
_BOXES: Mapping[str, TextBox] = {"card": CARD_BOX, "brochure": BROCHURE_BOX}
CHOOSE = "（请选择）"
EXAMPLE_VILLAGE = EXAMPLE_VALUES["村名"]
PLACEHOLDER_HINT = "在光标处插入{村名}{调解员}等占位词，打印时换成各村自己的名称、人名和电话。"
NO_LINK = "（还没有填写链接：海报上印不出二维码）"
_TOOLTIP_CHARS = 160  # a broadcast is a page long: the list's tooltip shows its start


def slot_name(slot: str) -> str:
    """A brochure panel's short name (封面, 翻页 …) for the list."""
    return BROCHURE_SLOTS.get(slot, "").split("（")[0]


def reading_time(body: str) -> str:
    """How long a broadcast takes to read aloud, to ten seconds: "约4分10秒"."""
    seconds = max(10, round(reading_minutes(body) * 6) * 10) if body.strip() else 0
    minutes, rest = divmod(seconds, 60)
    if minutes == 0:
        return f"约{rest}秒"
    return f"约{minutes}分钟" if rest == 0 else f"约{minutes}分{rest}秒"


def text_width(text: str) -> float:
    """Characters as the library counts them: an ASCII character is half a character."""
    return sum(0.5 if ord(c) < 128 else 1.0 for c in text)


def place_of(item: ContentItem) -> str:
    """The 位置/时长 column: the card's side, the brochure's panel, the reading time of a
    broadcast, the duration of an animation."""
    if item.kind == "card":
        return CARD_SIDES.get(item.extra.get("side", ""), "")
    if item.kind == "brochure":
        return slot_name(item.extra.get("slot", ""))
    if item.kind == "broadcast":
        return reading_time(item.body)
    return item.extra.get("duration", "")


def can_restore(item: ContentItem) -> bool:
    return item.shipped and (item.edited or item.hidden)


def load_items(db: Database, kind: str) -> list[ContentItem]:
    """Every text of ``kind``: shipped ones (hidden ones too, to restore them), then the
    office's own (deleted ones are gone)."""
    return [t for t in items(db, kind, include_hidden=True) if t.shipped or not t.hidden]


def preview_text(kind: str, title: str, body: str, duration: str = "", link: str = "") -> str:
    """The text as it prints, filled with the example village's names and phones."""
    parts = [fill(title.strip(), EXAMPLE_VALUES), "", fill(body.strip(), EXAMPLE_VALUES)]
    if kind == "animation":
        parts += [
            "",
            f"时长：{duration.strip() or '（未填写）'}",
            f"链接：{link.strip() or NO_LINK}",
        ]
    return "\n".join(parts).strip("\n")


def list_tooltip(body: str) -> str:
    """The start of the text, wrapped, for the list (a script is too long to show whole)."""
    text = body if len(body) <= _TOOLTIP_CHARS else body[:_TOOLTIP_CHARS] + "……"
    return "<p>" + "<br>".join(html.escape(line) for line in text.split("\n")) + "</p>"


# --------------------------------------------------------------------------- the list

COL_TITLE, COL_PLACE, COL_SOURCE = 0, 1, 2
_PLACE_HEADERS: Mapping[str, str] = {
    "card": "位置",
    "brochure": "位置",
    "broadcast": "朗读时长",
    "animation": "时长",
}


def _place_order(item: ContentItem) -> object:
    """The 位置 column sorts a broadcast by its length and a side or slot in printing
    order, not by name."""
    if item.kind == "broadcast":
        return reading_minutes(item.body)
    if item.kind in ("card", "brochure"):
        order = list(CARD_SIDES if item.kind == "card" else BROCHURE_SLOTS)
        place = item.extra.get("side" if item.kind == "card" else "slot", "")
        return order.index(place) if place in order else len(order)
    return place_of(item)


def _tooltip(item: ContentItem) -> str:
    return list_tooltip(item.body)


def content_columns(kind: str) -> list[Column[ContentItem]]:
    """The list's columns for the texts of ``kind`` (the 位置 column's title follows it)."""
    return numbered(
        {
            COL_TITLE: Column("标题", lambda i: i.title, tooltip=_tooltip),
            COL_PLACE: Column(_PLACE_HEADERS[kind], place_of, sort=_place_order, tooltip=_tooltip),
            COL_SOURCE: Column(
                "来源",
                lambda i: source_label(shipped=i.shipped, edited=i.edited, hidden=i.hidden),
                tooltip=_tooltip,
            ),
        }
    )


class OutreachContentModel(KeyedTableModel[ContentItem]):
    """The texts of one kind, one per row (a hidden one grey); ``RowRole`` gives the
    :class:`ContentItem`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(content_columns("card"), parent)
        self.kind = "card"

    def set_items(self, kind: str, rows: Sequence[ContentItem]) -> None:
        """Show ``rows``, the texts of ``kind``."""
        self.kind = kind
        self.set_rows(rows, columns=content_columns(kind))

    ROW_ROLES = frozenset({int(Qt.ItemDataRole.ForegroundRole)})

    def row_data(self, record: ContentItem, role: int) -> Any:
        return QColor(MUTED) if role == Qt.ItemDataRole.ForegroundRole and record.hidden else None


# --------------------------------------------------------------------------- the dialog

Values = tuple[str, str, str, str, str, str]  # title, side, slot, duration, link, body


def _place_combo(places: Mapping[str, str]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(CHOOSE, "")
    for key, name in places.items():
        combo.addItem(name, key)
    return combo


class OutreachContentDialog(EditorDialog[ContentItem]):
    """Manage the 七个一 outreach texts (see the module docstring)."""

    value_labels = (TITLE_FIELD, SIDE_FIELD, SLOT_FIELD, DURATION_FIELD, LINK_FIELD, BODY_FIELD)

    content_changed = Signal()
    spec = EditorSpec(
        window_title=WINDOW_TITLE,
        noun="内容",
        when="打印七个一时",
        verb="使用",
        content="内容",
        kept="已经打印出来的材料",
        hide=hide_item,
        restore=restore_default,
        min_size_em=(60, 34),
        extra_keys="Alt+P 插入占位词　",
        form_grows=True,
        status_folds=True,
    )
    model: OutreachContentModel

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self._kind = next(iter(KIND_LABELS))
        for name, box in (
            (TITLE_FIELD, self.title_box),
            (SIDE_FIELD, self.side_box),
            (SLOT_FIELD, self.slot_box),
            (DURATION_FIELD, self.duration_box),
            (LINK_FIELD, self.link_box),
            (BODY_FIELD, self.body_box),
        ):
            self.errors.add(name, box)
        set_tab_chain(
            [
                self.kind_combo,
                self.view,
                self.title_edit,
                self.side_combo,
                self.slot_combo,
                self.duration_edit,
                self.link_edit,
                self.body,
                self.placeholder_button,
                *self.buttons.widgets,
                self.preview,
                self.close_button,
            ]
        )

        for signal in (
            self.title_edit.textChanged,
            self.duration_edit.textChanged,
            self.link_edit.textChanged,
            self.body.textChanged,
        ):
            signal.connect(self._edited)
        for combo in (self.side_combo, self.slot_combo):
            combo.currentIndexChanged.connect(self._edited)
        self.kind_combo.currentIndexChanged.connect(self._kind_chosen)

        self._set_kind(self._kind)

    # ---- building

    def _build_list(self) -> QVBoxLayout:
        self.kind_combo = QComboBox()
        for kind, name in KIND_LABELS.items():
            self.kind_combo.addItem(name, kind)
        self.model = OutreachContentModel(self)
        box = self._list_pane("种类(&K)", self.kind_combo, "条目(&T)", stretch=3)

        preview_label = QLabel(f"预览：打印出来的样子（以“{EXAMPLE_VILLAGE}”为例）(&V)")
        preview_label.setWordWrap(True)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setTabChangesFocus(True)
        self.preview.setMinimumHeight(self.preview.fontMetrics().lineSpacing() * 4)
        preview_label.setBuddy(self.preview)
        box.addWidget(preview_label)
        box.addWidget(self.preview, 2)
        return box

    def _build_form(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.title_edit = QLineEdit()
        self.side_combo = _place_combo(CARD_SIDES)
        self.slot_combo = _place_combo(BROCHURE_SLOTS)
        self.duration_edit = QLineEdit()
        self.duration_edit.setPlaceholderText("如：3分20秒，可不填")
        self.link_edit = QLineEdit()
        self.link_edit.setPlaceholderText("如：https://…（从视频平台的“分享”复制）")
        self.body = TextEdit(4)  # at least; it takes the room the window has
        self.title_box = grid_field(grid, 0, 0, "标题(&M)", self.title_edit)
        self.side_box = grid_field(grid, 1, 0, "印在(&W)", self.side_combo)
        self.slot_box = grid_field(grid, 2, 0, "印在(&W)", self.slot_combo)
        self.duration_box = grid_field(grid, 3, 0, "时长(&U)", self.duration_edit)
        self.link_box = grid_field(grid, 4, 0, "链接(&L)", self.link_edit)
        # The text grows with the window (grid_field would keep it at its own height).
        self.body_box = FieldBox(self.body)
        self.body_box.caption = Caption("内容(&C)", self.body)
        grid.addWidget(self.body_box.caption, 5, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.body_box, 5, 1)
        grid.setRowStretch(5, 1)

        self.counter = QLabel()
        self.counter.setWordWrap(True)
        self.counter.setToolTip("占位词按示例（如{村名}按“红旗村”）计算；英文字母和数字算半个字。")
        self.placeholder_button = QPushButton("插入占位词(&P)")
        self.placeholder_button.setAutoDefault(False)
        self.placeholder_button.setToolTip(PLACEHOLDER_HINT)
        self.placeholder_button.clicked.connect(self.show_placeholder_menu)
        self.placeholder_menu = QMenu(self)
        self.placeholder_menu.setToolTipsVisible(True)
        for name, placeholder in PLACEHOLDERS.items():
            action = self.placeholder_menu.addAction(f"{{{name}}}　例：{placeholder.example}")
            action.setToolTip(placeholder.meaning)
            action.setData(name)
            action.triggered.connect(
                lambda _checked=False, n=name: self.insert_placeholder("{" + n + "}")
            )
        # Under the text: the placeholders to insert and the room the text takes. (What
        # the placeholders become, the 预览 shows; a hint line would cost a row of text
        # in large type on a small screen.)
        under_body = QHBoxLayout()
        under_body.setContentsMargins(0, 0, 0, 0)
        under_body.addWidget(self.placeholder_button, 0, Qt.AlignmentFlag.AlignTop)
        under_body.addWidget(self.counter, 1)
        grid.addLayout(under_body, 6, 1)
        return grid

    # ---- the kind and the list

    def kind(self) -> str:
        return self._kind

    def _kind_chosen(self, index: int) -> None:
        if self._syncing:
            return
        kind = str(self.kind_combo.itemData(index))
        if kind == self._kind:
            return
        if self.is_dirty():  # the selector stays on the edited kind while asking
            self._mark_kind(self._kind)
        self._leave_editor(lambda: self._set_kind(kind))

    def _mark_kind(self, kind: str) -> None:
        self._syncing = True
        try:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))
        finally:
            self._syncing = False

    def _set_kind(self, kind: str) -> None:
        """Show the texts of ``kind``, the first of them in the editor."""
        self._kind = kind
        self._mark_kind(kind)
        self._shown = None
        for box, used in (
            (self.side_box, kind == "card"),
            (self.slot_box, kind == "brochure"),
            (self.duration_box, kind == "animation"),
            (self.link_box, kind == "animation"),
        ):
            show_row(box, used)
        room = _BOXES.get(kind)
        max_title = room.max_title if room is not None else TITLE_MAX
        self.title_edit.setPlaceholderText(f"最多{max_title}个字")
        self.reload()
        self._show_first()

    def _load(self) -> list[ContentItem]:
        return load_items(self.db, self._kind)

    def _set_rows(self, rows: list[ContentItem]) -> None:
        self.model.set_items(self._kind, rows)

    # ---- the editor

    def values(self) -> Values:
        """(title, side, slot, duration, link, body) as the editor holds them now."""
        return (
            self.title_edit.text(),
            str(self.side_combo.currentData()),
            str(self.slot_combo.currentData()),
            self.duration_edit.text(),
            self.link_edit.text(),
            self.body.toPlainText(),
        )

    def extra(self, values: tuple[str, ...] | None = None) -> dict[str, str]:
        """What the kind keeps besides title and text, as save_item takes it (of
        ``values``: what the fields hold now)."""
        _title, side, slot, duration, link, _body = values or self.values()
        if self._kind == "card":
            return {"side": side}
        if self._kind == "brochure":
            return {"slot": slot}
        if self._kind == "animation":
            return {"duration": duration, "link": link}
        return {}

    def _fill(self, item: ContentItem | None) -> None:
        extra = item.extra if item is not None else {}
        for combo in (self.side_combo, self.slot_combo):
            # A shipped card side or brochure panel keeps its place whatever the edit.
            fixed = item is not None and item.shipped
            combo.setEnabled(not fixed)
            combo.setToolTip("程序自带的内容印在固定的位置，不能改。" if fixed else "")
        self._put(
            (
                item.title if item is not None else "",
                extra.get("side", ""),
                extra.get("slot", ""),
                extra.get("duration", ""),
                extra.get("link", ""),
                item.body if item is not None else "",
            )
        )

    def _put(self, values: tuple[str, ...]) -> None:
        title, side, slot, duration, link, body = values
        self.title_edit.setText(title)
        for combo, key in ((self.side_combo, side), (self.slot_combo, slot)):
            combo.setCurrentIndex(max(0, combo.findData(key)))
        self.duration_edit.setText(duration)
        self.link_edit.setText(link)
        for edit in (self.title_edit, self.link_edit):
            edit.setCursorPosition(0)  # a long link shows its start ("https://…")
        self.body.setPlainText(body)

    def _new_texts(self) -> NewTexts:
        noun = _ITEM_NOUNS[self._kind]
        return NewTexts(heading="新增" + noun, about=_NEW_ABOUT[self._kind], name="新的" + noun)

    def _about(self, item: ContentItem) -> str:
        if not item.shipped:
            text = "本单位添加的内容。"
            if item.kind == "card":
                text += "打印时代替程序自带的同一面。"
            elif item.kind == "brochure":
                text += "打印时代替程序自带的同一栏。"
        elif item.hidden:
            text = "程序自带的内容，已隐藏：打印七个一时不再使用。点“恢复默认”重新使用。"
        elif item.edited:
            text = "程序自带的内容，本单位修改过。点“恢复默认”可改回程序自带的内容。"
        else:
            text = "程序自带的内容，可以按本单位的情况修改。"
        if item.kind == "animation" and not item.extra.get("link"):
            text += "还没有填写视频链接：海报上印不出二维码。"
        return text

    def _can_restore(self, item: ContentItem) -> bool:
        return can_restore(item)

    def _update_extras(self) -> None:
        """The room the text takes (red when it will not fit), and the preview."""
        title, _side, _slot, duration, link, body = self.values()
        text, over = self.room(body)
        self.counter.setText(text)
        tint(self.counter, ERROR if over else MUTED)
        self.preview.setPlainText(preview_text(self._kind, title, body, duration, link))

    def room(self, body: str) -> tuple[str, bool]:
        """What the counter says about ``body``, and whether it is too long."""
        box = _BOXES.get(self._kind)
        if box is not None:
            chars, lines = measure(body.strip(), box.line_chars)
            lines = lines if body.strip() else 0
            used = math.ceil(chars)
            over = used > box.max_chars or lines > box.max_lines
            text = f"已用 {used} / {box.max_chars} 字，{lines} / {box.max_lines} 行"
            return (text + "，放不下" if over else text), over
        if self._kind == "broadcast":
            spoken = round(reading_minutes(body) * READING_CHARS_PER_MINUTE)
            return (
                f"{spoken} 字，朗读{reading_time(body)}（每分钟约{READING_CHARS_PER_MINUTE}字）",
                False,
            )
        used = math.ceil(text_width(body.strip()))
        over = used > ANIMATION_MAX_CHARS
        text = f"已用 {used} / {ANIMATION_MAX_CHARS} 字"
        return (text + "，太长了" if over else text), over

    def show_placeholder_menu(self) -> QMenu:
        """Pop up the placeholders (each with its meaning as tooltip) under the button;
        arrow keys and Enter pick one, Esc closes."""
        menu = self.placeholder_menu
        anchor = self.placeholder_button
        menu.popup(anchor.mapToGlobal(QPoint(0, anchor.height())))
        menu.setActiveAction(menu.actions()[0])
        return menu

    def insert_placeholder(self, text: str) -> None:
        insert_at_cursor(self.body, text)

    def _store(self, key: str | None) -> str:
        title, body, extra = self.title_edit.text(), self.body.toPlainText(), self.extra()
        shown = self.shown_values
        loaded = {"title": shown[0], "body": shown[5], "extra": self.extra(shown)}
        return save_item(
            self.db, key, self._kind, title, body, extra, **self._edit_guard(key, loaded)
        )

    def _changed(self) -> SignalInstance:
        return self.content_changed


def open_outreach_content(db: Database, parent: QWidget | None) -> OutreachContentDialog:
    """Create the 宣传内容 dialog and open it (window-modal on ``parent``)."""
    return open_editor(OutreachContentDialog, db, parent)
