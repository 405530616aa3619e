"""The hand-counted office of tests/models/test_stats.py (built through the real services),
shared by the statistics window's tests: they only read it. And the window on it, as of
that file's TODAY (2026-11-20), closed after each test with no worker left running, its
pause before reading a change shortened."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.models.stats import Period
from app.ui import jobs
from app.ui.stats import window as window_module
from app.ui.stats.window import StatsWindow
from tests.models.test_stats import TODAY, Office, stats_office
from tests.ui.message_boxes import Boxes
from tests.ui.user import activate

# The window's pause before it reads a changed period or filter, in these tests: each test
# of a change waits for the window's ``refreshed`` (the program's 400 ms cost the tests
# about 5 s). Longer than any list of the window is long, so a pause set to the index of
# the entry chosen (QTimer.start(int)) still shows; test_the_pause_is_the_programs
# keeps the program's.
SHORT_PAUSE_MS = 30


@pytest.fixture(autouse=True)
def short_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(window_module, "REFRESH_DELAY_MS", SHORT_PAUSE_MS)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    """Cases A … N, J1 … J3 of test_stats.py, as of its TODAY (2026-11-20). One file for
    the whole run: nothing here writes to it."""
    o = stats_office(tmp_path_factory.mktemp("stats_ui") / "stats.sqlite3")
    yield o
    o.db.close()


def wait_for_jobs(qtbot: QtBot) -> None:
    """No worker may outlive its test (each holds a connection to the world's file)."""
    for job in list(jobs._running):
        job.cancel()
    qtbot.waitUntil(lambda: not jobs._running, timeout=20000)


@pytest.fixture
def open_window(qtbot: QtBot, world: Office, boxes: Boxes) -> Iterator[Callable[..., StatsWindow]]:
    """``open_window()``: the statistics window on the world, shown and active, its first
    figures (the last complete month, October 2026) and charts read."""
    opened: list[StatsWindow] = []

    def open_(**kwargs: Any) -> StatsWindow:
        window = StatsWindow(world.db, today=lambda: TODAY, **kwargs)
        qtbot.addWidget(window)
        opened.append(window)
        window.resize(1280, 800)
        window.show()
        activate(qtbot, window)
        assert window.shown is not None and window.shown.period == Period.month(2026, 10)
        qtbot.waitUntil(lambda: window.series is not None, timeout=10000)
        return window

    yield open_
    for window in opened:
        window.close()
    wait_for_jobs(qtbot)


@pytest.fixture
def window(open_window: Callable[..., StatsWindow]) -> StatsWindow:
    return open_window()


def show_period(qtbot: QtBot, window: StatsWindow, period: Period) -> None:
    """Choose ``period`` in the top bar and read it (F5), on or off the GUI thread."""
    window.set_period(period)
    with qtbot.waitSignal(window.refreshed, timeout=10000):
        assert window.refresh()
    assert window.shown is not None and window.shown.period == period
