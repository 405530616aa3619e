"""协议条款模板: the office manages the clauses the 结案 dialog offers (从模板插入).

A list of every template (filterable by dispute category) beside an editor: 条款名称,
适用纠纷类型, 条款内容. 新增 starts a template of the office's own; 保存 stores an edit
(of a shipped template too); 隐藏 stops offering a shipped one and 删除 removes one of the
office's own (both asked first); 恢复默认 brings back the program's text of an edited or
hidden shipped one. Hidden shipped templates stay in the list, greyed, so they can be
restored. Unsaved edits are never dropped silently: choosing another template, 新增 or
closing asks first ("继续修改" keeps them).

Open with :func:`open_clause_templates`; ``templates_changed`` tells after each change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.models.clause_templates import (
    APPLICANT,
    BODY_FIELD,
    CATEGORY_FIELD,
    EVERY_CATEGORY,
    RESPONDENT,
    TITLE_FIELD,
    ClauseTemplate,
    all_templates,
    hide_template,
    restore_default,
    save_template,
)
from app.models.db import Database
from app.models.reference import categories
from app.qt.core import QObject, Qt, Signal, SignalInstance
from app.qt.gui import QColor
from app.qt.widgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from app.ui.cases.widgets import (
    TextBox,
    form_field,
    hint_label,
    set_tab_chain,
    top_aligned_form,
)
from app.ui.look import MUTED
from app.ui.table_model import Column, numbered
from app.ui.template_editing import DISCARD_TITLE as DISCARD_TITLE  # the tests ask for it
from app.ui.template_editing import (
    EditorDialog,
    EditorSpec,
    KeyedTableModel,
    NewTexts,
    insert_at_cursor,
    open_editor,
    source_label,
)

WINDOW_TITLE = "协议条款模板"
EVERY_CATEGORY_LABEL = "通用（各类纠纷）"
ALL_FILTER_LABEL = "全部模板"
PLACEHOLDER_HINT = (
    f"插入条款时，“{APPLICANT}”“{RESPONDENT}”会换成本案当事人的姓名；“____”处留给调解员填写"
    "（按 Tab 逐个跳到）。协议的钱数写成“人民币____元（大写：________）”：填上数字，"
    "大写和协议金额自动生成。"
)
# An input method types full-width braces; the placeholders are the ASCII ones.
_FULL_WIDTH_PLACEHOLDERS = {
    "｛申请人｝": APPLICANT,
    "｛被申请人｝": RESPONDENT,
}


def category_label(category: str) -> str:
    return EVERY_CATEGORY_LABEL if category == EVERY_CATEGORY else category


def normalise_body(body: str) -> str:
    """The clause text with placeholders typed in full width turned into the real ones."""
    for typed, placeholder in _FULL_WIDTH_PLACEHOLDERS.items():
        body = body.replace(typed, placeholder)
    return body


# --------------------------------------------------------------------------- the list


@dataclass(frozen=True)
class TemplateRow:
    """One template as the list shows it."""

    template: ClauseTemplate
    hidden: bool  # a shipped template the office hid (it can be restored)

    @property
    def key(self) -> str:
        return self.template.key

    @property
    def title(self) -> str:
        return self.template.title

    @property
    def shipped(self) -> bool:
        return self.template.shipped

    @property
    def stamp(self) -> str:
        return self.template.stamp

    @property
    def source_label(self) -> str:
        t = self.template
        return source_label(shipped=t.shipped, edited=t.edited, hidden=self.hidden)

    @property
    def can_restore(self) -> bool:
        return self.template.shipped and self.template.edited


def load_rows(db: Database) -> list[TemplateRow]:
    """Every template: shipped ones (hidden ones too, to restore them), then the office's
    own (deleted ones are gone)."""
    offered = {t.key for t in all_templates(db)}
    return [
        TemplateRow(t, t.key not in offered)
        for t in all_templates(db, include_hidden=True)
        if t.shipped or t.key in offered
    ]


COL_TITLE, COL_CATEGORY, COL_SOURCE = 0, 1, 2


def _body(row: TemplateRow) -> str:
    return row.template.body


COLUMNS: list[Column[TemplateRow]] = numbered(
    {
        COL_TITLE: Column("条款名称", lambda r: r.template.title, tooltip=_body),
        COL_CATEGORY: Column(
            "适用纠纷类型", lambda r: category_label(r.template.category), tooltip=_body
        ),
        COL_SOURCE: Column("来源", lambda r: r.source_label, tooltip=_body),
    }
)


class ClauseTemplatesModel(KeyedTableModel[TemplateRow]):
    """The templates, one per row (a hidden one grey); ``RowRole`` gives the
    :class:`TemplateRow`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)

    ROW_ROLES = frozenset({int(Qt.ItemDataRole.ForegroundRole)})

    def row_data(self, record: TemplateRow, role: int) -> Any:
        return QColor(MUTED) if role == Qt.ItemDataRole.ForegroundRole and record.hidden else None


# --------------------------------------------------------------------------- the dialog

NEW_TEMPLATE = NewTexts(
    heading="新增条款",
    about="本单位自己的条款模板，保存后结案时可以从模板插入。",
    name="新条款",
)


class ClauseTemplatesDialog(EditorDialog[TemplateRow]):
    """Manage the agreement clause templates (see the module docstring)."""

    value_labels = ("条款名称", "适用纠纷类型", "条款内容")

    templates_changed = Signal()
    spec = EditorSpec(
        window_title=WINDOW_TITLE,
        noun="模板",
        when="结案时",
        verb="列出",
        content="条款内容",
        kept="已经写进协议书的条款",
        hide=hide_template,
        restore=restore_default,
        min_size_em=(56, 30),
    )
    model: ClauseTemplatesModel

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.errors.add(TITLE_FIELD, self.title_box)
        self.errors.add(CATEGORY_FIELD, self.category_box)
        self.errors.add(BODY_FIELD, self.body_box)
        set_tab_chain(
            [
                self.filter,
                self.view,
                self.title_edit,
                self.category,
                self.body,
                self.applicant_button,
                self.respondent_button,
                *self.buttons.widgets,
                self.close_button,
            ]
        )

        for signal in (self.title_edit.textChanged, self.body.textChanged):
            signal.connect(self._edited)
        self.category.currentIndexChanged.connect(self._edited)
        self.filter.currentIndexChanged.connect(self._refilter)

        self.reload()
        self._show_first()

    # ---- building

    def _build_list(self) -> QVBoxLayout:
        self.filter = QComboBox()
        self.filter.addItem(ALL_FILTER_LABEL, None)
        self.filter.addItem(EVERY_CATEGORY_LABEL, EVERY_CATEGORY)
        for name in categories():
            self.filter.addItem(name, name)
        self.model = ClauseTemplatesModel(self)
        return self._list_pane("显示(&F)", self.filter, "模板(&T)")

    def _build_form(self) -> QFormLayout:
        form = top_aligned_form()
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("如：分期付款")
        self.category = QComboBox()
        self.category.addItem(EVERY_CATEGORY_LABEL, EVERY_CATEGORY)
        for name in categories():
            self.category.addItem(name, name)
        self.body = TextBox(7)
        self.body.setPlaceholderText(f"如：{RESPONDENT}于____年__月__日前向{APPLICANT}支付……")
        self.title_box = form_field(form, "条款名称(&M)", self.title_edit)
        self.category_box = form_field(form, "适用纠纷类型(&L)", self.category)
        self.body_box = form_field(form, "条款内容(&C)", self.body)
        self.applicant_button = QPushButton(f"插入{APPLICANT}(&A)")
        self.respondent_button = QPushButton(f"插入{RESPONDENT}(&B)")
        placeholders = QHBoxLayout()
        placeholders.setContentsMargins(0, 0, 0, 0)
        for button, text in (
            (self.applicant_button, APPLICANT),
            (self.respondent_button, RESPONDENT),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, t=text: self._insert_placeholder(t))
            placeholders.addWidget(button)
        placeholders.addStretch(1)
        help_box = QWidget()
        help_layout = QVBoxLayout(help_box)
        help_layout.setContentsMargins(0, 0, 0, 0)
        help_layout.addLayout(placeholders)
        help_layout.addWidget(hint_label(PLACEHOLDER_HINT))
        form.addRow("", help_box)
        return form

    # ---- the list

    def _load(self) -> list[TemplateRow]:
        return load_rows(self.db)

    def _listed(self) -> list[TemplateRow]:
        """The templates of the category the filter shows (all without one)."""
        wanted = self.filter.currentData()
        if wanted is None:
            return list(self._all)
        return [r for r in self._all if r.template.category == wanted]

    def _reveal(self, row: TemplateRow) -> None:
        if self.model.row_of(row.key) < 0:
            self.filter.setCurrentIndex(0)  # show it: its category is filtered out

    # ---- the editor

    def values(self) -> tuple[str, str, str]:
        """(title, category, body) as the editor holds them now."""
        return (
            self.title_edit.text(),
            str(self.category.currentData()),
            self.body.toPlainText(),
        )

    def _fill(self, row: TemplateRow | None) -> None:
        if row is None:  # a new one: of the category the list shows
            wanted = self.filter.currentData()
            title, category, body = "", EVERY_CATEGORY if wanted is None else str(wanted), ""
        else:
            t = row.template
            title, category, body = t.title, t.category, t.body
        self._put((title, category, body))

    def _put(self, values: tuple[str, ...]) -> None:
        title, category, body = values
        self.title_edit.setText(title)
        index = self.category.findData(category)
        if index < 0:  # a category no longer in the list: keep it choosable
            self.category.addItem(category, category)
            index = self.category.count() - 1
        self.category.setCurrentIndex(index)
        self.body.setPlainText(body)

    def _new_texts(self) -> NewTexts:
        return NEW_TEMPLATE

    def _about(self, row: TemplateRow) -> str:
        if not row.template.shipped:
            return "本单位添加的条款模板。"
        if row.hidden:
            return "程序自带的条款，已隐藏：结案时不再列出。点“恢复默认”重新使用。"
        if row.template.edited:
            return "程序自带的条款，本单位修改过。点“恢复默认”可改回程序自带的内容。"
        return "程序自带的条款，可以按本单位的习惯修改。"

    def _can_restore(self, row: TemplateRow) -> bool:
        return row.can_restore

    def _insert_placeholder(self, text: str) -> None:
        insert_at_cursor(self.body, text)

    def _store(self, key: str | None) -> str:
        title, category, body = self.values()
        shown_title, shown_category, shown_body = self.shown_values
        return save_template(
            self.db,
            key,
            category=category,
            title=title,
            body=normalise_body(body),
            **self._edit_guard(
                key,
                {
                    "title": shown_title,
                    "category": shown_category,
                    "body": normalise_body(shown_body),
                },
            ),
        )

    def _changed(self) -> SignalInstance:
        return self.templates_changed


def open_clause_templates(db: Database, parent: QWidget | None) -> ClauseTemplatesDialog:
    """Create the 协议条款模板 dialog and open it (window-modal on ``parent``)."""
    return open_editor(ClauseTemplatesDialog, db, parent)
