"""The main window (placeholder until the register lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from app import APP_TITLE
from app.models.db import Database


class MainWindow(QMainWindow):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.setWindowTitle(APP_TITLE)
        self.setCentralWidget(QLabel("调解工作台"))
        self.resize(1200, 800)
