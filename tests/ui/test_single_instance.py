"""One copy of the program per database file (app/ui/single_instance.py): a second start
brings the first to the front and never opens the file; two starts at once on a new or an
old file never crash. Real processes: ``python -m app`` as the user starts it."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtWidgets import QMainWindow

import app.__main__ as entry
from app.models import schema
from app.ui import messages, single_instance

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
T = TypeVar("T")


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        MEDIATION_DESK_TESTING="1",
        PYTHONIOENCODING="utf-8",
        MEDIATION_DESK_HOME=str(tmp_path / "home"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    return env


def start_app(
    tmp_path: Path, db: Path, *args: str, shown: Path | None = None
) -> subprocess.Popen[str]:
    """``python -m app --db DB ARGS…`` in the test's own home; ``shown`` is written once its
    window is up and its event loop runs (the start-up report, app/__main__.py)."""
    env = _env(tmp_path)
    if shown is not None:
        env["MEDIATION_DESK_STARTUP_REPORT"] = str(shown)
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--db", str(db), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def log_text(tmp_path: Path) -> str:
    logs = sorted((tmp_path / "home").rglob("mediation-desk.log*"))
    return "".join(p.read_text(encoding="utf-8") for p in logs)


@pytest.fixture
def guard_of(qapp) -> Iterator[list[single_instance.InstanceGuard]]:
    """Guards claimed by a test, released after it."""
    guards: list[single_instance.InstanceGuard] = []
    yield guards
    for guard in guards:
        guard.release()


def claim_first(
    path: Path, guards: list[single_instance.InstanceGuard]
) -> single_instance.InstanceGuard:
    found = single_instance.claim(path)
    assert found.first, "another test or program holds this file"
    assert found.guard is not None
    guards.append(found.guard)
    return found.guard


def test_a_second_start_brings_the_first_window_to_the_front_and_ends(qtbot, tmp_path, guard_of):
    path = tmp_path / "mediation.sqlite3"
    guard = claim_first(path, guard_of)
    assert guard.listening
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setWindowTitle("青山镇人民调解委员会")
    window.showMinimized()
    guard.activate_requested.connect(lambda: single_instance.bring_to_front(window))

    second = start_app(tmp_path, path, "--quit-after", "60000")
    try:
        with qtbot.waitSignal(guard.activate_requested, timeout=60_000):
            pass
        _out, err = second.communicate(timeout=60)
    finally:
        if second.poll() is None:
            second.kill()
    assert second.returncode == entry.EXIT_ALREADY_RUNNING, err
    assert not window.isMinimized() and window.isVisible()
    assert not path.exists()  # the second start never opened (or created) the file
    assert "open in another copy of the program" in log_text(tmp_path)
    assert "Traceback" not in err


@pytest.mark.parametrize("window_up", [True, False], ids=["window-up", "window-not-up-yet"])
def test_a_starter_file_opened_while_the_program_runs_goes_to_the_running_copy(
    qtbot, tmp_path, guard_of, window_up
):
    """A 外出准备文件 double-clicked while the program is open on that file: the running
    copy opens it (even when it arrives before the window is up) and the second ends."""
    path = tmp_path / "mediation.sqlite3"
    guard = claim_first(path, guard_of)
    starter = tmp_path / "外出准备 周玉梅的笔记本.mdstart"
    starter.write_bytes(b"PK")  # the running copy opens it; the second only hands it over
    opened: list[Path] = []
    if window_up:
        guard.hand_starters_to(opened.append)

    second = start_app(tmp_path, path, "--starter", str(starter))
    try:
        with qtbot.waitSignal(guard.activate_requested, timeout=60_000):
            pass
        _out, err = second.communicate(timeout=60)
    finally:
        if second.poll() is None:
            second.kill()
    assert second.returncode == entry.EXIT_ALREADY_RUNNING, err
    if not window_up:
        assert opened == []
        guard.hand_starters_to(opened.append)
    assert opened == [starter.absolute()]
    assert not path.exists()


def test_the_claim_is_per_file(tmp_path, guard_of):
    claim_first(tmp_path / "a.sqlite3", guard_of)
    claim_first(tmp_path / "b.sqlite3", guard_of)


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_the_same_file_by_another_spelling_is_the_same_claim(tmp_path):
    (tmp_path / "data").mkdir()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "data")
    direct = tmp_path / "data" / "mediation.sqlite3"
    assert single_instance.claim_name(direct) == single_instance.claim_name(
        link / "mediation.sqlite3"
    )
    assert single_instance.claim_name(direct) == single_instance.claim_name(
        tmp_path / "data" / ".." / "data" / "mediation.sqlite3"
    )
    assert single_instance.claim_name(direct) != single_instance.claim_name(
        tmp_path / "other.sqlite3"
    )


def test_a_released_claim_can_be_taken_again(tmp_path, guard_of):
    path = tmp_path / "mediation.sqlite3"
    found = single_instance.claim(path)
    assert found.guard is not None
    found.guard.release()
    claim_first(path, guard_of)


_HOLD = """
import sys, time
from PySide6.QtWidgets import QApplication
from pathlib import Path
from app.ui import single_instance
app = QApplication([])
found = single_instance.claim(Path(sys.argv[1]))
print("first" if found.first else "second", flush=True)
time.sleep(120)
"""


def test_the_claim_of_a_killed_program_is_taken(tmp_path, guard_of):
    """A program killed (a power cut, kill -9) leaves its lock file and its socket: the
    next start sees the process is gone and takes the file."""
    path = tmp_path / "mediation.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path)],
        cwd=ROOT,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "first"
        busy = single_instance.claim(path, reach_ms=300)
        assert not busy.first  # held by a live process (which does not answer: no loop)
        assert not busy.answered
    finally:
        holder.kill()  # SIGKILL: no clean-up of any kind
        holder.wait(timeout=30)
        if holder.stdout is not None:
            holder.stdout.close()
    assert single_instance.lock_path(single_instance.claim_name(path)).exists()
    claim_first(path, guard_of)


@pytest.mark.usefixtures("restore_logging")
def test_a_first_copy_that_does_not_answer_is_told_not_started_twice(
    qapp, tmp_path, guard_of, monkeypatch
):
    """The first copy is busy (a long upgrade before its window shows): the second says
    so in a box and ends; it does not open the file."""
    monkeypatch.setattr("app.paths.log_dir", lambda: tmp_path / "logs")
    monkeypatch.setattr(single_instance, "REACH_MS", 300)
    path = tmp_path / "mediation.sqlite3"
    claim_first(path, guard_of)  # this process's event loop does not run during main()
    with messages.respond_with(lambda *_: None) as calls:
        code = entry.main(["--db", str(path)])
    assert code == entry.EXIT_ALREADY_RUNNING
    assert [(kind, title) for kind, title, _ in calls] == [("info", "调解工作台已经在运行")]
    assert str(path) in calls[0][2] and "不能同时打开两次" in calls[0][2]
    assert not path.exists()


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


def _start_two_at_once(
    tmp_path: Path, path: Path, guards: list[single_instance.InstanceGuard]
) -> None:
    """Two starts at the same moment on ``path``. The one that finds the file claimed ends
    by itself (0); the first stays, however long either takes on a busy machine, until the
    test has seen the other end and its own window up (the file opened or upgraded), and is
    then terminated. Its claim is taken over afterwards, as after any killed program."""
    shown = [tmp_path / f"shown-{n}" for n in range(2)]
    both = [start_app(tmp_path, path, "--quit-after", "120000", shown=s) for s in shown]
    try:
        ended = _wait_until(lambda: next((p for p in both if p.poll() is not None), None))
        _out, err = ended.communicate(timeout=60)
        assert ended.returncode == entry.EXIT_ALREADY_RUNNING == 0, err
        assert "Traceback" not in err
        first = both[1 - both.index(ended)]
        first_shown = shown[both.index(first)]
        _wait_until(lambda: first_shown.exists() or first.poll() is not None)
        assert first.poll() is None, first.communicate(timeout=60)[1]  # it did not fail
        first.terminate()
        _out, err = first.communicate(timeout=60)
        assert "Traceback" not in err
    finally:
        for process in both:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=60)
    claim_first(path, guards)  # the terminated first's lock and socket are taken over


def _wait_until(found: Callable[[], T | None], seconds: float = 120) -> T:
    """``found()`` once it is true (checked every 20 ms), for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (result := found()):
        assert time.monotonic() < deadline, "the programs did not get there in time"
        time.sleep(0.02)
    return result


def _sound_and_current(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.parametrize("round_no", [1, 2])
def test_two_starts_at_once_on_a_new_file(tmp_path, guard_of, round_no):
    path = tmp_path / f"new{round_no}.sqlite3"
    _start_two_at_once(tmp_path, path, guard_of)
    _sound_and_current(path)
    assert log_text(tmp_path).count("open in another copy of the program") == 1


@pytest.mark.slow
@pytest.mark.parametrize("round_no", [1, 2])
def test_two_starts_at_once_on_a_file_that_needs_upgrading(tmp_path, guard_of, round_no):
    path = tmp_path / f"old{round_no}.sqlite3"
    shutil.copy(FIXTURES / "schema_v6.sqlite3", path)
    _start_two_at_once(tmp_path, path, guard_of)
    _sound_and_current(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 30
    conn.close()
    assert log_text(tmp_path).count("open in another copy of the program") == 1
