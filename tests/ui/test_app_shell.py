"""The application shell: entry point, logging, fonts and large type, crash dialog, messages."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

import app.__main__ as entry
from app import __version__
from app.models.db import NotADatabaseError, StorageError
from app.ui import application, crash_dialog, messages, ui_settings
from app.ui.crash_dialog import CrashDialog
from tests.ui.message_boxes import click, open_boxes, wait_for_box

ROOT = Path(__file__).resolve().parents[2]
NOT_A_DB = "不是本程序的数据库"


# ---- helpers ----------------------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    """A child environment that keeps logs, data and temp files inside tmp_path."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        MEDIATION_DESK_TESTING="1",
        PYTHONIOENCODING="utf-8",
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        MEDIATION_DESK_HOME=str(tmp_path / "state"),
    )
    return env


def _run_app(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env={**_env(tmp_path), **env},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def _log_text(tmp_path: Path) -> str:
    logs = list((tmp_path / "state").rglob("mediation-desk.log"))
    assert logs, "no log file was written"
    return logs[0].read_text(encoding="utf-8")


def _exc_info(
    exc: BaseException,
) -> tuple[type[BaseException], BaseException, TracebackType | None]:
    """A real traceback, as sys.excepthook would receive it."""
    try:
        raise exc
    except BaseException as caught:
        return type(caught), caught, caught.__traceback__


def _failing_step() -> None:
    raise RuntimeError("boom in a slot")


def _crash_dialogs() -> list[CrashDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog)]


@pytest.fixture
def shell(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[QApplication]:
    """create_application() on pytest-qt's QApplication; global state restored afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    saved_font = QApplication.font()
    saved_names = (QCoreApplication.organizationName(), QCoreApplication.applicationName())
    app = application.create_application(["test"])
    yield app
    for dialog in _crash_dialogs():
        dialog.close()
    QApplication.setFont(saved_font)
    QCoreApplication.setOrganizationName(saved_names[0])
    QCoreApplication.setApplicationName(saved_names[1])


# ---- entry point (subprocesses: the real start-up path) ------------------------------


def test_version_is_printed(tmp_path: Path) -> None:
    result = _run_app(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"mediation-desk {__version__}"


def test_version_does_not_import_qt(tmp_path: Path) -> None:
    code = (
        "import sys, app.__main__ as m\n"
        "try:\n    m.main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print('PySide6' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().endswith("False"), result.stdout + result.stderr


def test_quit_after_starts_and_creates_the_database(tmp_path: Path) -> None:
    """Also: pypinyin's dictionaries load beside the idle window (PINYIN_AFTER_MS), so the
    first pinyin search or 台账 import does not wait for them."""
    db_file = tmp_path / "x.sqlite3"
    quit_after = entry.PINYIN_AFTER_MS + 500
    result = _run_app(tmp_path, "--db", str(db_file), "--quit-after", str(quit_after))
    assert result.returncode == 0, result.stderr
    assert db_file.is_file()
    log_text = _log_text(tmp_path)
    assert "exiting with code 0" in log_text
    assert "pypinyin loaded in" in log_text


def test_corrupt_database_exits_2_with_plain_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not sqlite" * 100)
    result = _run_app(tmp_path, "--db", str(bad), "--quit-after", "300")
    assert result.returncode == entry.EXIT_STORAGE_ERROR
    assert NOT_A_DB in result.stderr
    assert NOT_A_DB in _log_text(tmp_path)
    assert "Traceback" not in result.stderr  # an environment problem, not a bug
    assert bad.read_bytes() == b"this is not sqlite" * 100  # left untouched


def test_demo_uses_a_throwaway_file(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    result = _run_app(tmp_path, "--demo", "--quit-after", "300", TMPDIR=str(tmp))
    assert result.returncode == 0, result.stderr
    assert list(tmp.iterdir()) == []  # the demo database (and its -wal) is gone
    assert not (tmp_path / "data").exists()  # the real database was never opened


# ---- entry point (in process) --------------------------------------------------------


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_storage_error_at_start_shows_the_message(
    shell: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.paths.log_dir", lambda: tmp_path / "logs")
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not sqlite" * 100)
    with messages.respond_with(lambda *_: None) as calls:
        code = entry.main(["--db", str(bad)])
    assert code == entry.EXIT_STORAGE_ERROR
    assert len(calls) == 1
    kind, title, text = calls[0]
    assert (kind, title) == ("warning", messages.STORAGE_ERROR_TITLE)
    assert NOT_A_DB in text and str(bad) in text


@pytest.mark.usefixtures("restore_logging")
def test_logging_falls_back_to_stderr(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the log dir should be")
    assert entry.setup_logging(blocker) is None
    assert entry.setup_logging(tmp_path / "logs") == tmp_path / "logs" / entry.LOG_FILE_NAME
    # Calling it again replaces our handlers instead of doubling every line.
    entry.setup_logging(tmp_path / "logs")
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_mediation_desk", False)]
    assert len(ours) == 2


# ---- application, fonts, large type ---------------------------------------------------


def test_create_application_reuses_the_instance_and_loads_fonts(shell: QApplication) -> None:
    assert shell is QApplication.instance()
    assert application.create_application(["again"]) is shell  # idempotent
    assert "Noto Sans SC" in QFontDatabase.families()
    assert QCoreApplication.organizationName() == "MediationDesk"
    assert QCoreApplication.applicationName() == "mediation-desk"
    assert sys.excepthook is crash_dialog.handle_exception
    # Large type by default: older users.
    assert QApplication.font().pointSize() == ui_settings.FONT_SIZES["large"][1]
    assert QApplication.font().family() == "Noto Sans SC"


@pytest.mark.parametrize("key", list(ui_settings.FONT_SIZES))
def test_font_size_applies_live(shell: QApplication, qtbot, key: str) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    label = QLabel("调解协议书", window)
    button = QPushButton("保存", window)
    bold = button.font()
    bold.setBold(True)
    button.setFont(bold)  # a widget with its own font attribute still follows the size
    window.show()

    application.apply_font_size(shell, key)

    size = ui_settings.FONT_SIZES[key][1]
    assert QApplication.font().pointSize() == size
    assert QApplication.font().family() == "Noto Sans SC"
    assert label.font().pointSize() == size
    assert label.font().family() == "Noto Sans SC"
    assert button.font().pointSize() == size and button.font().bold()


def test_unknown_font_size_key_is_refused(shell: QApplication) -> None:
    with pytest.raises(ValueError):
        application.apply_font_size(shell, "huge")


def test_missing_font_file_is_logged_not_fatal(
    shell: QApplication, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog
) -> None:
    monkeypatch.setattr(application, "_loaded_fonts", {})
    monkeypatch.setattr(application, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / application.FONT_FILES[1]).write_bytes(b"not a font")
    with caplog.at_level(logging.WARNING, logger="app.ui.application"):
        application.load_fonts()
    assert "font file missing" in caplog.text
    assert "font file unreadable" in caplog.text
    application.apply_font_size(shell, "normal")  # still works
    assert QApplication.font().pointSize() == 12


def test_font_size_setting_round_trip(shell: QApplication) -> None:
    # Tests write to a throw-away ini file, never to the user's real settings.
    store = ui_settings.settings()
    assert Path(store.fileName()).parent == ui_settings._test_dir
    store.remove("ui/font_size")
    store.sync()
    assert ui_settings.load_font_size() == "large"
    ui_settings.save_font_size("xlarge")
    assert ui_settings.load_font_size() == "xlarge"
    with pytest.raises(ValueError):
        ui_settings.save_font_size("tiny")
    store.setValue("ui/font_size", "gigantic")  # stale or hand-edited value
    store.sync()
    assert ui_settings.load_font_size() == "large"
    store.remove("ui/font_size")
    store.sync()


def test_three_labelled_sizes_growing() -> None:
    sizes = [pt for _label, pt in ui_settings.FONT_SIZES.values()]
    assert len(sizes) >= 3 and sizes == sorted(sizes)
    assert ui_settings.DEFAULT_FONT_SIZE == "large"


# ---- crash dialog -------------------------------------------------------------------------


def test_excepthook_shows_crash_dialog_with_report(shell: QApplication, qtbot) -> None:
    try:
        _failing_step()
    except RuntimeError as caught:
        exc_type, exc, tb = type(caught), caught, caught.__traceback__

    with messages.respond_with(lambda *_: None) as boxes:
        sys.excepthook(exc_type, exc, tb)
    assert boxes == []  # a bug gets the crash dialog, not a message box

    dialogs = _crash_dialogs()
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == "程序出错了"
    report = dialog.report()
    assert "RuntimeError: boom in a slot" in report
    assert "_failing_step" in report and "Traceback" in report
    assert __version__ in report and "Qt" in report and "Python" in report
    expected = crash_dialog.format_report(exc_type, exc, tb)
    assert report.splitlines()[2:] == expected.splitlines()[2:]  # line 2 is the time
    assert dialog.report_view.isReadOnly()

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == report
    assert dialog.copy_button.text() == "已复制"

    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not _crash_dialogs())


def test_second_error_joins_the_open_dialog(shell: QApplication, qtbot) -> None:
    crash_dialog.handle_exception(*_exc_info(RuntimeError("first")))
    crash_dialog.handle_exception(*_exc_info(ValueError("second")))
    dialogs = _crash_dialogs()
    assert len(dialogs) == 1
    assert "first" in dialogs[0].report() and "ValueError: second" in dialogs[0].report()
    dialogs[0].close()
    qtbot.waitUntil(lambda: not _crash_dialogs())
    crash_dialog.handle_exception(*_exc_info(RuntimeError("third")))
    assert [d.report().count("RuntimeError") for d in _crash_dialogs()] == [1]


def test_storage_error_is_a_message_not_a_crash(shell: QApplication) -> None:
    error = NotADatabaseError("“x.sqlite3”不是本程序的数据库，或者文件已损坏。")
    with messages.respond_with(lambda *_: None) as calls:
        sys.excepthook(*_exc_info(error))
    assert calls == [("warning", messages.STORAGE_ERROR_TITLE, error.message)]
    assert _crash_dialogs() == []


def test_error_inside_the_hook_does_not_recurse(shell: QApplication, capsys) -> None:
    def broken(*_: object) -> object:
        raise RuntimeError("the message box itself failed")

    with messages.respond_with(broken):
        crash_dialog.handle_exception(*_exc_info(StorageError("磁盘坏了")))
    err = capsys.readouterr().err
    assert "磁盘坏了" in err  # the original error still reaches stderr
    assert crash_dialog._handling is False  # the next error is handled normally


def test_format_report_without_traceback() -> None:
    report = crash_dialog.format_report(KeyError, KeyError("case_id"), None)
    assert "KeyError: 'case_id'" in report
    assert report.startswith("乡镇人民调解工作台 错误报告")


# ---- messages -----------------------------------------------------------------------------


def _ask(parent: QWidget | None, answers: list[str]) -> QMessageBox | None:
    """The question of the tests below; the answer is appended to ``answers``."""
    return messages.confirm(
        parent,
        "作废案件",
        "作废后不能恢复。",
        yes="作废",
        on_yes=lambda: answers.append("yes"),
        on_no=lambda: answers.append("no"),
    )


def test_respond_with_answers_at_once_and_records() -> None:
    answers: list[str] = []
    with messages.respond_with(lambda kind, title, text: kind == "confirm") as calls:
        box = _ask(None, answers)
        assert box is None and answers == ["yes"]  # answered before confirm() returned
        assert messages.info(None, "已保存", "案件已保存。") is None
        with messages.respond_with(lambda *_: False) as inner:
            messages.confirm(
                None, "退出", "要退出吗？", on_yes=lambda: answers.append("yes")
            )  # "no" without on_no: nothing runs
        messages.error(None, "出错", "没有保存。")
    assert answers == ["yes"]
    assert calls == [
        ("confirm", "作废案件", "作废后不能恢复。"),
        ("info", "已保存", "案件已保存。"),
        ("error", "出错", "没有保存。"),
    ]
    assert inner == [("confirm", "退出", "要退出吗？")]
    assert messages._responder is None


@pytest.mark.usefixtures("real_boxes")
@pytest.mark.parametrize(
    ("answer", "expected"), [("作废", ["yes"]), ("取消", ["no"]), (Qt.Key.Key_Escape, ["no"])]
)
def test_real_confirm_box_returns_at_once_and_answers_by_callback(
    qtbot: QtBot, answer: str | Qt.Key, expected: list[str]
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    answers: list[str] = []
    box = _ask(parent, answers)
    # No nested event loop: confirm() came back with the question still on screen.
    assert box is not None and box.isVisible() and answers == []
    assert box.windowModality() == Qt.WindowModality.WindowModal
    assert box.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    assert wait_for_box(qtbot, "作废案件") is box
    assert sorted(b.text() for b in box.buttons()) == sorted(["作废", "取消"])
    # Enter and Esc both take the safe answer.
    assert (box.defaultButton().text(), box.escapeButton().text()) == ("取消", "取消")
    # Asking again while the question is open brings the same box forward.
    assert _ask(parent, answers) is box
    if isinstance(answer, str):
        click(qtbot, box, answer)
    else:
        qtbot.keyClick(box, answer)
    qtbot.waitUntil(lambda: answers == expected)
    qtbot.waitUntil(lambda: not shiboken6.isValid(box))  # deleted on close
    assert open_boxes() == []


@pytest.mark.usefixtures("real_boxes")
def test_real_warning_box_returns_at_once(qtbot: QtBot) -> None:
    box = messages.warning(None, "无法保存", "<b>不是 HTML</b>")
    assert box is not None and box.isVisible()
    # Without a parent it is modal to the whole program, so it cannot hide behind a window.
    assert box.windowModality() == Qt.WindowModality.ApplicationModal
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert [b.text() for b in box.buttons()] == ["确定"]
    click(qtbot, wait_for_box(qtbot, "无法保存"), "确定")
    qtbot.waitUntil(lambda: not shiboken6.isValid(box))


_READ_THE_BOX = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
import app.__main__ as entry

app = QApplication(sys.argv[:1])
seen = []

def read_and_close():
    boxes = [w for w in app.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    if not boxes:
        QTimer.singleShot(10, read_and_close)
        return
    seen.append(boxes[0].text())
    boxes[0].buttons()[0].click()

QTimer.singleShot(0, read_and_close)
code = entry.main(sys.argv[1:])
print(code, len(seen), seen[0] if seen else "", sep="\\n")
"""


def test_storage_error_at_start_waits_for_the_user(tmp_path: Path) -> None:
    """The box returns at once; main() must still keep it up until it is read (in a
    child process: main() runs the application's event loop)."""
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not sqlite" * 100)
    result = subprocess.run(
        [sys.executable, "-c", _READ_THE_BOX, "--db", str(bad)],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    code, boxes_read, text = result.stdout.splitlines()[-3:]
    assert int(code) == entry.EXIT_STORAGE_ERROR, result.stderr
    assert boxes_read == "1"  # main() returned only after the box was answered
    assert NOT_A_DB in text
