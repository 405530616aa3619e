"""打印卷宗 in the UI: the case file is made in a worker thread that reports progress, can
be cancelled, and opens the preview. The case file itself (contents, page numbers, order,
cancel) is tested in tests/printing/test_case_file.py."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.printing import registry
from app.printing.case_file import CaseFileBundle, case_file_pdf
from app.ui.printing import case_file_job
from app.ui.printing.case_file_job import CaseFileRun, documents_of
from app.ui.printing.context import office_for
from app.ui.printing.preview import PreviewWindow
from tests.ui.printing.conftest import Answers
from tests.ui.printing.helpers import AGREEMENT_CASE, case, case_id, page_count


def test_job_runs_in_a_thread_and_opens_the_preview(
    qtbot: QtBot, print_db: Database, demo_file: Path, parent: QWidget
) -> None:
    c = case(print_db, AGREEMENT_CASE)
    run = CaseFileRun(demo_file, c.id, parent, number=c.number)
    progress: list[tuple[int, int, str]] = []
    threads: list[bool] = []
    gui_thread = run.thread()

    def record(n: int, total: int, title: str) -> None:
        progress.append((n, total, title))

    run.worker.progress.connect(record)
    run.worker.progress.connect(
        lambda *_: threads.append(run.worker_thread.currentThread() is not gui_thread),
        Qt.ConnectionType.DirectConnection,
    )
    with qtbot.waitSignal(run.done, timeout=30000) as done:
        run.start()
    window = done.args[0]
    assert isinstance(window, PreviewWindow) and window.parent() is parent
    assert isinstance(run.result, CaseFileBundle)
    assert window.page_count == run.result.page_count == page_count(run.result.pdf)
    assert window.file_name == f"人民调解卷宗_{AGREEMENT_CASE}.pdf"
    assert window.pdf == run.result.pdf
    # the worker's file is the case file of app.printing, for the case's own committee
    assert run.result.pdf == case_file_pdf(c, office_for(print_db, c))
    total = len(documents_of(c)) + 1
    assert [p[0] for p in progress] == list(range(1, total + 1))
    assert threads and all(threads)  # the documents were built off the GUI thread
    assert run.progress is None  # the progress dialog is closed
    qtbot.waitUntil(lambda: not run.is_running)


def test_cancel_before_the_first_document_produces_nothing(
    qtbot: QtBot, print_db: Database, demo_file: Path, parent: QWidget
) -> None:
    cid = case_id(print_db, AGREEMENT_CASE)
    run = CaseFileRun(demo_file, cid, parent)
    opened: list[object] = []
    run.done.connect(opened.append)
    run.cancel()
    with qtbot.waitSignal(run.stopped, timeout=30000):
        run.start()
    qtbot.waitUntil(lambda: not run.is_running)
    assert run.result is None and opened == []
    assert parent.findChildren(PreviewWindow) == []


def test_cancel_during_the_job_stops_before_the_next_document(
    qtbot: QtBot, print_db: Database, demo_file: Path, parent: QWidget
) -> None:
    """The user presses 取消 while the second document is being built."""
    c = case(print_db, AGREEMENT_CASE)
    run = CaseFileRun(demo_file, c.id, parent)
    steps: list[int] = []

    def progress_in_worker(n: int, _total: int, _title: str) -> None:
        steps.append(n)
        if n == 2:
            run.worker.cancel()  # as the dialog's 取消 does, from another thread

    run.worker.progress.connect(progress_in_worker, Qt.ConnectionType.DirectConnection)
    opened: list[object] = []
    run.done.connect(opened.append)
    with qtbot.waitSignal(run.stopped, timeout=30000):
        run.start()
    qtbot.waitUntil(lambda: not run.is_running)
    assert steps == [1, 2]
    assert run.result is None and opened == []
    assert parent.findChildren(PreviewWindow) == []


def test_the_progress_dialog_cancels_the_job(
    qtbot: QtBot, print_db: Database, demo_file: Path, parent: QWidget
) -> None:
    run = CaseFileRun(demo_file, case_id(print_db, AGREEMENT_CASE), parent)
    assert run.progress is not None
    assert run.progress.labelText() == "正在准备卷宗…"
    run.progress.canceled.emit()  # the 取消 button
    assert run.worker.is_cancelled
    with qtbot.waitSignal(run.stopped, timeout=30000):
        run.start()
    qtbot.waitUntil(lambda: not run.is_running)
    assert run.result is None


def test_a_failing_document_is_told_and_nothing_opens(
    qtbot: QtBot,
    print_db: Database,
    demo_file: Path,
    parent: QWidget,
    answers: Answers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: object) -> bytes:
        raise RuntimeError("a bug in the form")

    docs = tuple(
        dataclasses.replace(d, build=broken) if d.key == "follow_up" else d
        for d in registry.DOCUMENTS
    )
    monkeypatch.setattr(registry, "DOCUMENTS", docs)
    run = CaseFileRun(demo_file, case_id(print_db, AGREEMENT_CASE), parent)
    with qtbot.waitSignal(run.stopped, timeout=30000):
        run.start()
    qtbot.waitUntil(lambda: not run.is_running)
    assert answers.kinds() == ["warning"]
    assert "卷宗没有生成" in answers.calls[0][1]
    assert parent.findChildren(PreviewWindow) == []


def test_file_name() -> None:
    assert (
        case_file_job.file_name("（2026）青山调字第16号")
        == "人民调解卷宗_（2026）青山调字第16号.pdf"
    )
