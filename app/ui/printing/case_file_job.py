"""打印卷宗 in the UI: the bound case file made off the GUI thread.

The case file itself (cover, 卷内目录 with the real page numbers, every document of the
case joined with pypdf) is plain Python in :mod:`app.printing.case_file`; this module only
runs it. ``CaseFileRun`` runs :func:`~app.printing.case_file.assemble` in a QThread (the
worker opens its own database connection), shows "第n份，共N份" in a progress dialog that
can cancel, and opens the result in the preview. Cancelled, nothing is produced.

The names of app.printing.case_file that callers used from here (``assemble``,
``documents_of``, ``Cancelled``, ``Part``, ``CaseFileBundle``, ``TITLE``) are re-exported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from app.models.casefile import load_case
from app.models.db import connect
from app.printing.case_file import (
    TITLE,
    Cancelled,
    CaseFileBundle,
    Part,
    assemble,
    documents_of,
)
from app.qt.widgets import QWidget
from app.ui.jobs import BackgroundJob, Progress, Work
from app.ui.printing.context import office_for
from app.ui.printing.files import suggested_file_name
from app.ui.printing.preview import PreviewWindow, show_preview

__all__ = [
    "TITLE",
    "Cancelled",
    "CaseFileBundle",
    "CaseFileRun",
    "Part",
    "assemble",
    "documents_of",
    "file_name",
]

log = logging.getLogger(__name__)

FAILURE = (
    "生成卷宗时出了错，卷宗没有生成。各份文书仍可以在“打印”菜单里逐份打印。"
    "详细情况已记入日志，请联系技术人员。"
)


def _work(db_path: Path, case_id: str, court_name: str) -> Work:
    """The job's work: read the case with a connection of the worker's own, then
    :func:`assemble` (its progress and cancel checks come from the job)."""

    def work(progress: Progress, cancelled: Callable[[], bool]) -> CaseFileBundle:
        db = connect(db_path, migrate=False)
        try:
            case = load_case(db, case_id)
            office = office_for(db, case, court_name=court_name)
        finally:
            db.close()
        return assemble(case, office, progress=progress, cancelled=cancelled)

    return work


def _describe(n: int, total: int, title: str) -> str:
    if n < total:
        return f"正在生成第{n}份，共{total - 1}份：《{title}》"
    return "正在装订成册…"


class CaseFileRun(BackgroundJob):
    """One 打印卷宗 job: the worker thread, the progress dialog, the preview at the end.

    ``done(window)`` when the preview opened (``result`` is the CaseFileBundle);
    ``stopped()`` when cancelled or failed.
    """

    def __init__(
        self,
        db_path: Path,
        case_id: str,
        parent: QWidget | None,
        *,
        number: str | None = None,
        court_name: str = "",
        show_progress: bool = True,
    ) -> None:
        super().__init__(
            _work(db_path, case_id, court_name),
            parent,
            title=f"打印卷宗 {number or ''}".strip(),
            cancel_errors=(Cancelled,),
            failure=FAILURE,
            failure_title="卷宗没有生成",
            describe=_describe,
            first_label="正在准备卷宗…",
            show_progress=show_progress,
        )
        self.worker_thread.setObjectName(f"case-file-{case_id}")
        self.number = number
        self.window: PreviewWindow | None = None

    def finish(self, result: object) -> object:
        assert isinstance(result, CaseFileBundle)
        self.window = show_preview(
            result.pdf, title=TITLE, number=result.number, parent=self.live_parent()
        )
        return self.window


def file_name(number: str | None) -> str:
    return suggested_file_name(TITLE, number)
