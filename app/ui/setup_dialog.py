"""First run: the few facts about the office the program cannot work without.

Typing the committee's full name fills in the town and the abbreviation (the user can
change both), and a live example shows what case numbers will look like.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QSpinBox, QWidget

from app.models import cases, office
from app.models.db import Database
from app.ui.cases.service_dialog import ServiceDialog
from app.ui.cases.widgets import TextBox
from app.ui.look import MUTED, tint
from app.ui.signals import emit

# The committees.number_pattern column default (schema v1): what a new office will use.
_COMMITTEE_SUFFIX = "人民调解委员会"
_TOWN_SUFFIX = re.compile(r"(街道办事处|街道|镇|乡)$")


def guess_town(committee_name: str) -> str:
    """The town in a committee name: 青山镇人民调解委员会 -> 青山镇 ("" if not found)."""
    name = committee_name.strip()
    return name[: -len(_COMMITTEE_SUFFIX)] if name.endswith(_COMMITTEE_SUFFIX) else ""


def guess_abbr(town: str) -> str:
    """Case numbers usually carry the place name without 镇/乡/街道: 青山镇 -> 青山."""
    return _TOWN_SUFFIX.sub("", town.strip()) or town.strip()


class SetupDialog(ServiceDialog):
    """Emits ``office_ready(committee_id)`` once the office is saved."""

    office_ready = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(
            db,
            "设置本调委会",
            parent,
            save_text="开始使用",
            intro=(
                "第一次使用本程序，请先填写本调委会的基本情况。"
                "这些内容会用在案件编号和打印的文书上。带 * 的必须填写。"
            ),
        )
        self.committee_id: str | None = None
        self.name = QLineEdit()
        self.name.setPlaceholderText("例如：青山镇人民调解委员会")
        self.abbr = QLineEdit()
        self.abbr.setPlaceholderText("例如：青山")
        self.abbr.setMaxLength(12)
        self.example = QLabel()
        tint(self.example, MUTED)
        self.example.setTextFormat(Qt.TextFormat.PlainText)
        self.town = QLineEdit()
        self.town.setPlaceholderText("例如：青山镇")
        self.villages = TextBox(5)
        self.villages.setPlaceholderText("每行写一个，例如：\n红旗村\n桃园村\n河东社区")
        self.user = QLineEdit()
        self.user.setPlaceholderText("您的姓名，例如：李主任")
        self.limit = QSpinBox()
        self.limit.setRange(1, 365)
        self.limit.setValue(30)
        self.limit.setSuffix(" 天")

        self.add_row("调委会名称 *", self.name, name="调委会名称")
        self.add_row("编号简称 *", self.abbr, name="编号简称")
        self.form.addRow("", self.example)
        self.add_row("乡镇（街道）*", self.town, name="乡镇（街道）名称")
        self.add_row("村（社区）*", self.villages, name="村（社区）")
        self.add_row("您的姓名 *", self.user, name="使用人姓名")
        self.add_row("调解期限", self.limit, name="调解期限")

        # Suggestions follow the committee name until the user types into the field.
        self._town_typed = False
        self._abbr_typed = False
        self.name.textEdited.connect(self._suggest)
        self.town.textEdited.connect(self._town_edited)
        self.abbr.textEdited.connect(self._abbr_edited)
        self.abbr.textChanged.connect(self._show_example)
        self._show_example()
        self.name.setFocus()

    # ---- suggestions

    def _suggest(self, name: str) -> None:
        town = guess_town(name)
        if not self._town_typed:
            self.town.setText(town)
        if not self._abbr_typed:
            self.abbr.setText(guess_abbr(self.town.text()))

    def _town_edited(self, text: str) -> None:
        self._town_typed = bool(text)
        if not self._abbr_typed:
            self.abbr.setText(guess_abbr(text))

    def _abbr_edited(self, text: str) -> None:
        self._abbr_typed = bool(text)

    def _show_example(self) -> None:
        abbr = self.abbr.text().strip() or "某镇"
        number = cases.format_case_number(
            cases.DEFAULT_NUMBER_PATTERN, year=date.today().year, abbr=abbr, seq=1
        )
        self.example.setText(f"案件编号将是这样：{number}")

    # ---- saving

    def village_names(self) -> list[str]:
        return [line.strip() for line in self.villages.toPlainText().splitlines() if line.strip()]

    def submit(self) -> None:
        self.committee_id = office.setup_office(
            self.db,
            committee_name=self.name.text(),
            abbr=self.abbr.text(),
            town_name=self.town.text(),
            villages=self.village_names(),
            user_name=self.user.text(),
            time_limit_days=self.limit.value(),
        )

    def save(self) -> bool:
        if not super().save():
            return False
        assert self.committee_id is not None
        emit(self.office_ready, self.committee_id)
        return True
