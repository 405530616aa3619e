"""打印卷宗: cover, 卷内目录 with the real page numbers, every document in order; made
in a worker thread that can be cancelled."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.printing import registry
from app.ui.printing import case_file_job
from app.ui.printing.case_file_job import (
    Cancelled,
    CaseFileRun,
    Part,
    assemble,
    documents_of,
)
from app.ui.printing.context import office_for
from app.ui.printing.preview import PreviewWindow
from tests.ui.printing.conftest import Answers
from tests.ui.printing.helpers import (
    AGREEMENT_CASE,
    ORAL_CASE,
    TERMINATED_CASE,
    case,
    case_id,
    page_count,
    page_texts,
    reader,
)

ROW = re.compile(r"^(\d+)\s*(\S+?)\s*(\d+(?:-\d+)?)\s*$")


def contents_rows(text: str) -> list[tuple[str, str]]:
    """(title, pages) of each row of an extracted 卷内目录 page."""
    rows = []
    for line in text.splitlines():
        m = ROW.match(line.strip())
        if m:
            rows.append((m.group(2), m.group(3)))
    return rows


@pytest.mark.parametrize("number", [AGREEMENT_CASE, TERMINATED_CASE, ORAL_CASE])
def test_contents_page_numbers_are_the_real_positions(print_db: Database, number: str) -> None:
    c = case(print_db, number)
    office = office_for(print_db, c)
    bundle = assemble(c, office)
    texts = page_texts(bundle.pdf)
    assert len(texts) == bundle.page_count == sum(p.page_count for p in bundle.parts)

    # cover, contents, then the case's documents in the registry's order
    keys = [p.key for p in bundle.parts]
    assert keys == ["cover", "contents"] + [
        d.key for d in registry.for_case(c) if d.key not in ("cover", "contents")
    ]
    cover, contents = bundle.parts[:2]
    assert "人民调解卷宗" in texts[0] and number in texts[0]

    # the 卷内目录 as printed: one row per document with its pages
    listed = contents_rows(
        "\n".join(texts[cover.page_count : cover.page_count + contents.page_count])
    )
    documents = bundle.parts[2:]
    assert [title for title, _pages in listed] == [p.title for p in documents]
    assert [pages for _title, pages in listed] == [p.listed_pages for p in documents]

    # each listed page number is where that document really starts and ends
    before = cover.page_count + contents.page_count
    for (title, pages), part in zip(listed, documents, strict=True):
        first, _, last = pages.partition("-")
        start = before + int(first) - 1  # 0-based page of the whole file
        end = before + int(last or first) - 1
        assert title in texts[start], (title, start)
        assert f"第1页 共{part.page_count}页" in texts[start]
        assert f"第{part.page_count}页 共{part.page_count}页" in texts[end]
        assert start + 1 == part.first_page and end - start + 1 == part.page_count
    # and every document's text is there in full
    for part in documents:
        built = page_texts(registry.document(part.key).build(c, office))
        assert texts[part.first_page - 1 : part.first_page - 1 + part.page_count] == built


def test_joined_file_has_unique_font_names_bookmarks_and_title(print_db: Database) -> None:
    c = case(print_db, AGREEMENT_CASE)
    bundle = assemble(c, office_for(print_db, c))
    pdf = reader(bundle.pdf)
    fonts: dict[str, int] = {}
    for page in pdf.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts.setdefault(str(font["/BaseFont"]), id(font))
    subset_names = [n for n in fonts if "+" in n]
    # one document's subsets share their tags within it, never with another document
    per_document = {n.split("+")[0][1:4] for n in subset_names}
    assert len(per_document) == len(bundle.parts)
    assert pdf.metadata is not None and pdf.metadata.title == f"人民调解卷宗 {AGREEMENT_CASE}"
    assert [item.title for item in pdf.outline] == [p.title for p in bundle.parts]


def test_progress_names_each_document_and_cancel_raises(print_db: Database) -> None:
    c = case(print_db, AGREEMENT_CASE)
    office = office_for(print_db, c)
    seen: list[tuple[int, int, str]] = []
    assemble(c, office, progress=lambda n, total, title: seen.append((n, total, title)))
    docs = documents_of(c)
    assert [s[0] for s in seen] == list(range(1, len(docs) + 2))
    assert {s[1] for s in seen} == {len(docs) + 1}
    assert [s[2] for s in seen[:-1]] == [d.title for d in docs]

    asked = 0

    def after_three() -> bool:
        nonlocal asked
        asked += 1
        return asked > 3

    built: list[str] = []
    with pytest.raises(Cancelled):
        assemble(
            c, office, progress=lambda _n, _t, title: built.append(title), cancelled=after_three
        )
    assert len(built) == 3


def test_listed_pages() -> None:
    assert Part("a", "甲", 3, 1, 1).listed_pages == "1"
    assert Part("b", "乙", 4, 2, 2).listed_pages == "2-3"
    assert Part("cover", "封面", 1, 1, None).listed_pages == ""


def test_only_closed_cases_have_a_case_file(print_db: Database) -> None:
    from tests.ui.printing.helpers import MEDIATING_CASE

    with pytest.raises(ValueError, match="closed and archived"):
        documents_of(case(print_db, MEDIATING_CASE))


# ---- the worker thread -----------------------------------------------------------


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
    assert run.result is not None
    assert window.page_count == run.result.page_count == page_count(run.result.pdf)
    assert window.file_name == f"人民调解卷宗_{AGREEMENT_CASE}.pdf"
    assert window.pdf == run.result.pdf
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
