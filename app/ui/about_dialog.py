"""帮助 → 关于: the version, where this PC keeps the data and the log, and buttons that open
those folders (what support asks for first on the phone)."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from app import APP_TITLE, __version__, qt
from app.paths import log_dir
from app.qt.core import Qt
from app.qt.gui import QGuiApplication
from app.qt.widgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from app.ui.file_dialogs import show_folder

TITLE = "关于"
OPEN_DATA = "打开数据文件夹"
OPEN_LOGS = "打开日志文件夹"
COPY = "复制以上信息"
DESCRIPTION = (
    "为乡镇（街道）人民调解委员会登记、办理和查找矛盾纠纷案件，打印调解文书和“七个一”"
    "宣传材料，统计报送。\n所有数据都保存在本机的数据库文件中，不需要联网。"
)


def current_log_dir() -> Path:
    """The folder of the log file this run writes (app/__main__.py), else the usual one."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename).parent
    return log_dir()


def edition() -> str:
    return "安装版" if getattr(sys, "frozen", False) else "源代码运行"


def open_folder(parent: QWidget | None, folder: Path | None, what: str) -> bool:
    """Show ``folder`` in the system's file manager; say so when there is none yet."""
    return show_folder(parent, folder, TITLE, f"{what}“{folder or '（无）'}”还不存在。")


class AboutDialog(QDialog):
    def __init__(self, db_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(520)  # a data path of a Windows user fits on one or two lines
        self.db_path = db_path
        self.data_dir = db_path.parent if db_path is not None else None
        self.log_dir = current_log_dir()

        heading = QLabel(f"<b>{APP_TITLE}</b>")
        heading.setStyleSheet("font-size: 16pt;")
        description = QLabel(DESCRIPTION)
        description.setWordWrap(True)

        details = QFormLayout()
        self.rows: dict[str, QLabel] = {}
        for label, value in self.facts():
            shown = QLabel(value)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setWordWrap(True)
            details.addRow(f"{label}：", shown)
            self.rows[label] = shown

        self.open_data_button = QPushButton(OPEN_DATA)
        self.open_data_button.clicked.connect(
            lambda: open_folder(self, self.data_dir, "数据文件夹")
        )
        self.open_data_button.setEnabled(self.data_dir is not None)
        self.open_logs_button = QPushButton(OPEN_LOGS)
        self.open_logs_button.clicked.connect(lambda: open_folder(self, self.log_dir, "日志文件夹"))
        self.copy_button = QPushButton(COPY)
        self.copy_button.setToolTip("把版本和文件位置复制下来，发给技术支持。")
        self.copy_button.clicked.connect(self.copy_facts)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for button in (self.open_data_button, self.open_logs_button, self.copy_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(description)
        layout.addLayout(details)
        layout.addWidget(buttons)

    def facts(self) -> list[tuple[str, str]]:
        return [
            ("版本", f"{__version__}（{edition()}）"),
            ("Qt", qt.versions_text()),
            ("数据库文件", str(self.db_path) if self.db_path else "内存（未保存）"),
            ("数据文件夹", str(self.data_dir) if self.data_dir else "（无）"),
            ("日志文件夹", str(self.log_dir)),
        ]

    def copy_facts(self) -> None:
        text = "\n".join(f"{label}：{value}" for label, value in self.facts())
        QGuiApplication.clipboard().setText(f"{APP_TITLE}\n{text}")
