"""app/ui/jobs.BackgroundJob: when a job is over for the widget that started it."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from app.qt.widgets import QWidget
from app.ui.jobs import BackgroundJob, Progress
from tests.ui.user import hold_thread_after_work


def _job(parent: QWidget) -> tuple[BackgroundJob, threading.Event]:
    """A job whose worker thread, after its work, waits until the event is set: the
    moment between ``done`` and the thread's end, held open."""

    def work(progress: Progress, cancelled: object) -> str:
        return "做好了"

    job = BackgroundJob(work, parent, title="测试", cancel_errors=(), failure="没有做成。")
    return job, hold_thread_after_work(job)


def test_a_job_is_answered_when_done_comes_though_its_thread_still_winds_down(
    qtbot: QtBot,
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    job, release = _job(parent)
    seen: list[tuple[bool, bool]] = []
    job.done.connect(lambda _r: seen.append((job.is_answered, job.is_running)))
    assert not job.is_answered
    with qtbot.waitSignal(job.done, timeout=10_000) as done:
        job.start()
    release.set()
    assert done.args == ["做好了"]
    # over for its widget (a button may start the next), though the thread was still up
    assert seen == [(True, True)]
    qtbot.waitUntil(lambda: not job.is_running)
    assert job.is_answered
