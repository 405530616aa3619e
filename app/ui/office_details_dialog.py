"""单位信息与打印设置: what the forms print about the office, the print font, and when a
registered dispute waiting for 受理 is marked late on 今日工作.

The office's details (seal text, address, phone, the court for 司法确认, 保管期限) and the
待受理 reminder are office data in the database. The print font is a file on this PC, so
it is a per-machine preference (ui_settings): another PC of the office may not have the file.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from app.models import office
from app.models.db import Database
from app.models.errors import ValidationError
from app.models.office import OfficeDetails
from app.printing import fonts
from app.qt.gui import QShowEvent
from app.qt.widgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from app.ui import ui_settings
from app.ui.cases.service_dialog import ServiceDialog, keep_typed, tell_clashes
from app.ui.cases.widgets import (
    Problem,
    current_actor,
    editable_combo,
    grow_to_fit,
    hint_label,
    inline_row,
)
from app.ui.look import ERROR, tint
from app.ui.office_fields import PrintedDetailsFields
from app.ui.printing.context import apply_print_font

TITLE = "单位信息与打印设置"
SHIPPED_FONT_TEXT = "使用程序自带字体（思源宋体，推荐）"
FONT_FIELD = "打印字体"


class OfficeDetailsDialog(ServiceDialog):
    """Edit the office's printed details and choose this PC's print font."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(
            db,
            TITLE,
            parent,
            intro="这里填写的内容会印在调解文书上：协议书的印章处、卷宗封面、司法确认申请书等。",
            width_em=40,
        )
        details = office.office_details(db)
        # What the form showed: the services store only what the user changed from it, and
        # refuse when someone changed it meanwhile; 重新载入 reads it again.
        self._loaded = details
        self.reload = self.reload_details
        self._add_printed_details(details)
        self._add_font_row()
        self._add_late_days_row()
        self.file_dialog: QFileDialog | None = None

    # ---- the form

    def _add_printed_details(self, details: office.OfficeDetails) -> None:
        """What the documents print: the seal, the address and phone, the court, how long
        the files are kept."""
        committee = office.main_committee(self.db)
        self.committee_label = QLabel(committee.name)
        self.printed = PrintedDetailsFields(seal_placeholder=committee.name)
        self.seal_text, self.address, self.phone, self.court_name = self.printed.edits
        self.retention = editable_combo(list(office.RETENTION_CHOICES), "如：30年")
        self.add_row("调委会", self.committee_label)
        self.printed.add_to(self)
        self.add_row("卷宗保管期限", self.retention)
        self._show(details)

    def _add_font_row(self) -> None:
        """打印字体: this PC's choice, with any problem the fonts have."""
        self.font_path = QLineEdit()
        self.font_path.setReadOnly(True)
        self.font_path.setPlaceholderText(SHIPPED_FONT_TEXT)
        chosen = ui_settings.load_print_font()
        if chosen is not None:
            self.font_path.setText(str(chosen))
        self.browse_button = QPushButton("选择字体文件(&B)…")
        self.shipped_button = QPushButton("用自带字体(&D)")
        for b in (self.browse_button, self.shipped_button):
            b.setAutoDefault(False)
        self.browse_button.clicked.connect(self.choose_font)
        self.shipped_button.clicked.connect(self.font_path.clear)
        font_box = QWidget()
        column = QVBoxLayout(font_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.font_path)
        column.addWidget(inline_row(self.browse_button, self.shipped_button))
        column.addWidget(
            hint_label(
                "只对这台电脑有效。自带字体在每台电脑上打印效果完全一样；如单位要求用仿宋，"
                "可选 Windows 的 C:\\Windows\\Fonts\\simfang.ttf。"
            )
        )
        self.add_row(FONT_FIELD, font_box)
        self.font_problems = QLabel()
        self.font_problems.setWordWrap(True)
        tint(self.font_problems, ERROR)
        problems = fonts.font_problems()
        self.font_problems.setText("\n".join(problems))
        self.font_problems.setVisible(bool(problems))
        self.form.addRow(self.font_problems)

    def _add_late_days_row(self) -> None:
        """When a case waiting for 受理 shows in red on 今日工作."""
        low, high = office.ACCEPT_LATE_DAYS_RANGE
        self.accept_late_days = QSpinBox()
        self.accept_late_days.setRange(low, high)
        self._loaded_days = office.accept_late_days(self.db)  # shown, as _loaded
        self.accept_late_days.setValue(self._loaded_days)
        self.accept_late_days.setPrefix("登记后超过 ")
        self.accept_late_days.setSuffix(" 天未受理")
        late_box = QWidget()
        late_column = QVBoxLayout(late_box)
        late_column.setContentsMargins(0, 0, 0, 0)
        late_column.addWidget(inline_row(self.accept_late_days))
        late_column.addWidget(hint_label("这样的纠纷在“今日工作 → 待受理”中标红，一般为 3 天。"))
        late_box.setFocusProxy(self.accept_late_days)
        self.add_row(office.ACCEPT_LATE_DAYS_FIELD, late_box)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        grow_to_fit(self)  # the wrapped hints need their second line

    def choose_font(self) -> QFileDialog:
        current = self.font_path.text()
        folder = str(Path(current).parent) if current else _system_fonts_folder()
        dialog = QFileDialog(self, "选择打印用的中文字体", folder, "字体文件 (*.ttf *.ttc *.otf)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.font_path.setText)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def _show(self, details: OfficeDetails) -> None:
        self.printed.show(details)
        self.retention.setCurrentText(details.retention)

    def reload_details(self) -> None:
        """重新载入: the details as stored now; what the user changed stays where the other
        change did not touch it."""
        typed, days = self.details(), self.accept_late_days.value()
        before, before_days = self._loaded, self._loaded_days
        self._loaded = office.office_details(self.db)
        self._loaded_days = office.accept_late_days(self.db)  # shown, as _loaded
        merged, both = keep_typed(asdict(before), asdict(typed), asdict(self._loaded))
        self._show(OfficeDetails(**merged))
        labels = {name: label for name, (label, _edit) in self.printed.labelled().items()}
        labels["retention"] = "卷宗保管期限"
        clashes = [labels[name] for name in both]
        kept_days = days if days != before_days else self._loaded_days
        if days != before_days and self._loaded_days not in (before_days, days):
            clashes.append(office.ACCEPT_LATE_DAYS_FIELD)
        self.accept_late_days.setValue(kept_days)
        if clashes:
            tell_clashes(self, clashes)

    def details(self) -> OfficeDetails:
        return OfficeDetails(**self.printed.values(), retention=self.retention.currentText())

    def chosen_font(self) -> Path | None:
        text = self.font_path.text().strip()
        return Path(text) if text else None

    def problems(self) -> list[Problem]:
        """Every field checked on its own, so all that is wrong is said at once (saving
        stops at the first)."""
        found = super().problems()
        typed = self.details()
        for alone in (
            OfficeDetails(seal_text=typed.seal_text),
            OfficeDetails(phone=typed.phone),
            OfficeDetails(court_name=typed.court_name),
        ):
            try:
                office.clean_office_details(alone)
            except ValidationError as exc:
                found.append(self.errors.problem(exc))
        font = self.chosen_font()
        font_problem = fonts.check_body_font(font) if font is not None else ""
        if font_problem:
            found.append(self.errors.problem(ValidationError(FONT_FIELD, font_problem)))
        return found

    def submit(self) -> None:
        font = self.chosen_font()
        if font is not None:
            problem = fonts.check_body_font(font)
            if problem:  # checked first: nothing is saved when the font is refused
                raise ValidationError(FONT_FIELD, problem)
        by = current_actor(self.db)
        office.save_office_details(self.db, self.details(), loaded=self._loaded, by=by)
        office.set_accept_late_days(
            self.db, self.accept_late_days.value(), loaded=self._loaded_days, by=by
        )
        ui_settings.save_print_font(font)
        apply_print_font(font)


def _system_fonts_folder() -> str:
    for folder in (Path("C:/Windows/Fonts"), Path("/usr/share/fonts")):
        if folder.is_dir():
            return str(folder)
    return str(Path.home())


def open_office_details(db: Database, parent: QWidget | None = None) -> OfficeDetailsDialog:
    dialog = OfficeDetailsDialog(db, parent)
    dialog.open()
    return dialog
