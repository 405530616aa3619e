"""Fixtures and steps of the 同步 UI tests: the demo office named 办公室电脑, a field laptop
made from it with a real starter file, cheap key derivation, and the user's answers to the
file dialogs and the passphrase dialog.

Import the fixtures a test module uses (``from tests.ui.sync.laptops import …``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from app.models import db as dbmod
from app.models import office
from app.models.db import Database
from app.models.sync import exchange, files, package
from app.models.sync.scope import Scope
from app.ui import jobs
from app.ui.signals import emit
from app.ui.sync.common import PassphraseDialog
from tests.conftest import TODAY
from tests.helpers import director, log_in, snapshot
from tests.ui.user import type_text

PASS = "qingshan2026"
LAPTOP = "周玉梅的笔记本"


@pytest.fixture
def cheap_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """scrypt at 2**10: the tests derive many keys (package reads SCRYPT_N at each call)."""
    monkeypatch.setattr(package, "SCRYPT_N", 2**10)


@pytest.fixture
def parent(qtbot: QtBot) -> Iterator[QWidget]:
    """A shown window to hold the dialogs; no worker outlives the test (each holds a
    connection to a file in tmp_path)."""
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    yield window
    for job in list(jobs._running):
        job.cancel()
    qtbot.waitUntil(lambda: not jobs._running, timeout=20000)


@pytest.fixture
def office_pc(demo_db: Database, cheap_keys: None) -> Database:
    """The demo office (40 cases), its computer named 办公室电脑."""
    exchange.set_device_name(demo_db, "办公室电脑", by=director(demo_db))
    return demo_db


def write_starter(
    office_pc: Database, folder: Path, *, name: str = LAPTOP, scope: Scope | None = None
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"外出准备-{name}.mdstart"
    files.write_starter(
        office_pc,
        path,
        passphrase=PASS,
        name=name,
        scope=scope or Scope(),
        by=director(office_pc),
        today=TODAY,
    )
    return path


@pytest.fixture
def laptop(office_pc: Database, tmp_path: Path) -> Iterator[Database]:
    """周玉梅的笔记本, made from the office's starter file (all villages)."""
    starter = write_starter(office_pc, tmp_path / "U盘")
    target = tmp_path / "laptop" / "mediation.sqlite3"
    target.parent.mkdir()
    files.open_starter(starter, target, passphrase=PASS)
    database = dbmod.connect(target)
    log_in(database)  # the office's 主任 at the laptop, with the password that travelled
    yield database
    database.close()


def other_office(path: Path) -> Database:
    """Another township's office (its own office id)."""
    database = dbmod.connect(path)
    office.setup_office(
        database,
        committee_name="白石镇人民调解委员会",
        abbr="白石",
        town_name="白石镇",
        villages=["东村"],
        user_name="王主任",
        password="qingshan26",
    )
    exchange.set_device_name(database, "白石镇办公室", by=director(database))
    log_in(database)
    return database


def answer_file_dialog(owner: QWidget, path: Path) -> None:
    """The user picks ``path`` in the file dialog ``owner`` opened (and it closes)."""
    dialogs = [d for d in owner.findChildren(QFileDialog) if d.isVisible()]
    assert len(dialogs) == 1, f"expected one open file dialog, found {len(dialogs)}"
    dialog = dialogs[0]
    emit(dialog.fileSelected, str(path))
    if shiboken6.isValid(dialog):
        dialog.close()


def passphrase_dialog(qtbot: QtBot, owner: QWidget) -> PassphraseDialog:
    """The passphrase dialog ``owner`` shows now."""

    def shown() -> list[PassphraseDialog]:
        return [d for d in owner.findChildren(PassphraseDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1, timeout=5000)
    return shown()[0]


def enter_passphrase(
    qtbot: QtBot, dialog: PassphraseDialog, passphrase: str, repeat: str | None = None
) -> None:
    """Type the passphrase, Enter, (when asked twice) again, Enter: as at any password prompt."""
    type_text(qtbot, dialog.passphrase, passphrase)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    if dialog.repeat is not None:
        assert dialog.focusWidget() is dialog.repeat
        type_text(qtbot, dialog.repeat, passphrase if repeat is None else repeat)
        qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)


def same_rows(before: dict[str, list[tuple[object, ...]]], database: Database) -> bool:
    """Every row of every table as it was (the search index aside)."""
    return snapshot(database) == before
