"""村居档案: every village registry in one window, a tab each (Ctrl+1…9)."""

from __future__ import annotations

from app.models import registries as reg
from app.models.db import Database
from app.qt.core import QSize, Qt, Signal
from app.qt.gui import QKeySequence, QShortcut
from app.qt.widgets import QTabWidget, QVBoxLayout, QWidget
from app.ui.cases.widgets import em, fit_to_screen, hint_label
from app.ui.registries.page import RegistryPage
from app.ui.signals import emit

TITLE = "村居档案"


class RegistriesWindow(QWidget):
    """The registries. ``changed`` after any saved change (the kit and lists re-read)."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(TITLE)
        self.db = db
        self.tabs = QTabWidget()
        self.pages: dict[str, RegistryPage] = {}
        for i, kind in enumerate(reg.KINDS):
            page = RegistryPage(db, kind)
            page.changed.connect(self._page_changed)
            self.pages[kind.key] = page
            self.tabs.addTab(page, kind.title)
            self.tabs.setTabToolTip(i, f"Ctrl+{i + 1}")
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self, lambda i=i: self.show_tab(i))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(
            hint_label("Ctrl+1～9 切换　Alt+N 新增　Enter 或双击 修改　Alt+T 停用　Esc 关闭")
        )
        QShortcut(QKeySequence("Esc"), self, self.close)
        fit_to_screen(self, QSize(em(self) * 64, em(self) * 40))

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        page = self.tabs.currentWidget()
        if isinstance(page, RegistryPage):
            page.table.setFocus()

    def page(self, key: str) -> RegistryPage:
        return self.pages[key]

    def _page_changed(self) -> None:
        # Grids and committees feed the other pages' filters and forms.
        for page in self.pages.values():
            if page is not self.sender():
                page.fill_scope()
        emit(self.changed)
