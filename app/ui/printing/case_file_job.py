"""打印卷宗: the bound case file as one PDF — cover, 卷内目录, then every document of the
case in the registry's order — made off the GUI thread.

``assemble`` is the whole job as plain Python (no Qt): it builds each document, counts
its pages, and joins them with pypdf. The 卷内目录 (app/printing/forms/contents.py)
numbers the documents from 1 after the cover and itself, counting each one's pages the
same way; the documents are deterministic (reportlab invariant mode), so its page
numbers are the real positions (tests/ui/printing/test_case_file_job.py reads them
back out of the joined file).

Every document subsets its fonts under the same tags ("AAAAAA+NotoSerifSC-Regular");
joined, that would give one file several different fonts of one name, which some
viewers and printers mix up (wrong or missing characters). The join renames each
document's subset tags so every font in the file has its own name.

``CaseFileRun`` runs ``assemble`` in a QThread (the worker opens its own database
connection), shows "第n份，共N份" in a progress dialog that can cancel, and opens the
result in the preview. Cancelled, nothing is produced.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.models.casefile import CaseFile, load_case
from app.models.db import StorageError, connect
from app.models.errors import DomainError
from app.printing import registry
from app.printing.common import count_pages
from app.printing.context import OfficeInfo
from app.ui import messages
from app.ui.printing.context import office_for
from app.ui.printing.files import suggested_file_name
from app.ui.printing.preview import PreviewWindow, show_preview
from app.ui.signals import emit

if TYPE_CHECKING:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

log = logging.getLogger(__name__)

TITLE = "人民调解卷宗"
COVER = "cover"
CONTENTS = "contents"

Progress = Callable[[int, int, str], object]


class Cancelled(Exception):
    """The user cancelled the job."""


@dataclass(frozen=True)
class Part:
    """One document in the case file: where it starts (1-based page of the whole file),
    how many pages it has, and its page numbers as the 卷内目录 prints them."""

    key: str
    title: str
    first_page: int
    page_count: int
    numbered_from: int | None  # the 卷内目录's 页号 (None: cover and contents)

    @property
    def listed_pages(self) -> str:
        """ "3" or "3-4", as the 卷内目录 writes it."""
        if self.numbered_from is None:
            return ""
        last = self.numbered_from + self.page_count - 1
        return (
            str(self.numbered_from)
            if last == self.numbered_from
            else f"{self.numbered_from}-{last}"
        )


@dataclass(frozen=True)
class CaseFileBundle:
    pdf: bytes
    parts: list[Part]
    number: str | None

    @property
    def page_count(self) -> int:
        return sum(p.page_count for p in self.parts)


def documents_of(case: CaseFile) -> list[registry.PrintableDocument]:
    """The case file's documents in order: cover, contents, then the case's documents."""
    offered = registry.for_case(case)
    keys = [d.key for d in offered]
    if COVER not in keys or CONTENTS not in keys:
        raise ValueError("the case file is made for closed and archived cases only")
    rest = [d for d in offered if d.key not in (COVER, CONTENTS)]
    return [registry.document(COVER), registry.document(CONTENTS), *rest]


def assemble(
    case: CaseFile,
    office: OfficeInfo,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> CaseFileBundle:
    """Build every document of the case file and join them. ``progress(n, total,
    title)`` before each step; ``cancelled()`` is asked before each step and raises
    :class:`Cancelled` when it says so."""
    docs = documents_of(case)
    total = len(docs) + 1  # and the join
    built: list[tuple[registry.PrintableDocument, bytes, int]] = []
    for n, doc in enumerate(docs, start=1):
        if cancelled():
            raise Cancelled
        if progress is not None:
            progress(n, total, doc.title)
        pdf = doc.build(case, office)
        # counted as the 卷内目录 counts them (app/printing/common.py)
        built.append((doc, pdf, count_pages(pdf)))
    if cancelled():
        raise Cancelled
    if progress is not None:
        progress(total, total, "装订成册")
    parts: list[Part] = []
    first = 1
    numbered = 1
    for doc, _pdf, count in built:
        listed = None if doc.key in (COVER, CONTENTS) else numbered
        parts.append(Part(doc.key, doc.title, first, count, listed))
        first += count
        if listed is not None:
            numbered += count
    title = f"{TITLE} {case.number or ''}".strip()
    pdf = join([(doc.title, data) for doc, data, _count in built], title)
    return CaseFileBundle(pdf, parts, case.number)


def join(documents: list[tuple[str, bytes]], title: str) -> bytes:
    """One PDF of ``documents`` (title, pdf) in order, each with a bookmark, its fonts'
    subset tags made unique, the metadata of the first with ``title``."""
    # pypdf is needed only here: without it the single documents still print.
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    metadata: dict[str, str] = {}
    for index, (doc_title, pdf) in enumerate(documents):
        reader = PdfReader(io.BytesIO(pdf))
        _retag_fonts(reader, index)
        if index == 0 and reader.metadata is not None:
            metadata = {str(k): str(v) for k, v in reader.metadata.items()}
        writer.append(reader, outline_item=doc_title)
    metadata["/Title"] = title
    writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_TAG = re.compile(r"^/([A-Z]{6})\+(.*)$")


def _letters(n: int, width: int) -> str:
    out = ""
    for _ in range(width):
        n, r = divmod(n, 26)
        out = chr(ord("A") + r) + out
    return out


def _retag_fonts(reader: PdfReader, index: int) -> None:
    """Rename the subset tags of document ``index``: its first three letters become the
    document's number (AAA, AAB, …), the last three stay (subsets within a document)."""
    from pypdf.generic import DictionaryObject

    prefix = _letters(index, 3)
    seen: set[int] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            if not isinstance(font, DictionaryObject) or id(font) in seen:
                continue
            seen.add(id(font))
            targets = [font]
            targets += [d.get_object() for d in font.get("/DescendantFonts", [])]
            for target in targets:
                _rename(target, "/BaseFont", prefix)
                descriptor = target.get("/FontDescriptor")
                if descriptor is not None:
                    _rename(descriptor.get_object(), "/FontName", prefix)


def _rename(obj: DictionaryObject, key: str, prefix: str) -> None:
    from pypdf.generic import NameObject

    name = obj.get(key)
    match = _TAG.match(str(name)) if name is not None else None
    if match:
        obj[NameObject(key)] = NameObject(f"/{prefix}{match.group(1)[3:]}+{match.group(2)}")


# ---------------------------------------------------------------------------------------
# Off the GUI thread


class CaseFileWorker(QObject):
    """Runs :func:`assemble` in its thread with its own database connection. Reports
    through signals only (queued to the GUI thread); never touches a widget."""

    progress = Signal(int, int, str)
    finished = Signal(object)  # CaseFileBundle
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, db_path: Path, case_id: str, *, court_name: str = "") -> None:
        super().__init__()
        self._db_path = db_path
        self._case_id = case_id
        self._court_name = court_name
        self._stop = threading.Event()

    def cancel(self) -> None:
        """Stop before the next document (safe to call from any thread)."""
        self._stop.set()

    @property
    def is_cancelled(self) -> bool:
        return self._stop.is_set()

    @Slot()
    def run(self) -> None:
        try:
            if self._stop.is_set():
                raise Cancelled
            db = connect(self._db_path, migrate=False)
            try:
                case = load_case(db, self._case_id)
                office = office_for(db, case, court_name=self._court_name)
            finally:
                db.close()
            bundle = assemble(
                case,
                office,
                # Direct emit: routing this through signals.emit from the worker thread hung
                # the job in a test (not understood yet); a case file emits a few dozen times.
                progress=self.progress.emit,
                cancelled=self._stop.is_set,
            )
        except Cancelled:
            log.info("case file of %s cancelled", self._case_id)
            emit(self.cancelled)
        except (StorageError, DomainError) as exc:
            emit(self.failed, exc.message)
        except Exception:
            log.exception("case file of %s failed", self._case_id)
            emit(
                self.failed,
                "生成卷宗时出了错，卷宗没有生成。各份文书仍可以在“打印”菜单里逐份打印。"
                "详细情况已记入日志，请联系技术人员。",
            )
        else:
            emit(self.finished, bundle)


# Jobs still running, kept alive until their thread has finished.
_running: set[CaseFileRun] = set()


class CaseFileRun(QObject):
    """One 打印卷宗 job: the worker thread, the progress dialog, the preview at the end.

    ``done(window)`` when the preview opened; ``stopped()`` when cancelled or failed.
    """

    done = Signal(object)  # PreviewWindow
    stopped = Signal()

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
        super().__init__()
        self._parent = parent
        self.number = number
        self.result: CaseFileBundle | None = None
        self.window: PreviewWindow | None = None
        self.worker = CaseFileWorker(db_path, case_id, court_name=court_name)
        self.worker_thread = QThread()
        self.worker_thread.setObjectName(f"case-file-{case_id}")
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker_thread.finished.connect(self.worker.deleteLater)
        self.worker_thread.finished.connect(self._on_thread_finished)
        self.progress: QProgressDialog | None = None
        if show_progress:
            self.progress = QProgressDialog("正在准备卷宗…", "取消", 0, 1, parent)
            self.progress.setWindowTitle(f"打印卷宗 {number or ''}".strip())
            self.progress.setWindowModality(Qt.WindowModality.WindowModal)
            self.progress.setMinimumDuration(300)
            self.progress.setAutoClose(False)
            self.progress.setAutoReset(False)
            self.progress.canceled.connect(self.cancel)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._stop_now)

    @property
    def is_running(self) -> bool:
        return self.worker_thread.isRunning()

    def start(self) -> None:
        _running.add(self)
        self.worker_thread.start()

    def cancel(self) -> None:
        self.worker.cancel()
        if self.progress is not None:
            self.progress.setLabelText("正在取消…")

    def _stop_now(self) -> None:
        """The program is quitting: stop the worker and wait for its thread."""
        self.worker.cancel()
        self.worker_thread.quit()
        self.worker_thread.wait()

    def _on_progress(self, n: int, total: int, title: str) -> None:
        if self.progress is None or self.worker.is_cancelled:
            return
        self.progress.setMaximum(total)
        if n < total:
            self.progress.setLabelText(f"正在生成第{n}份，共{total - 1}份：《{title}》")
        else:
            self.progress.setLabelText("正在装订成册…")
        self.progress.setValue(n - 1)

    def _on_finished(self, bundle: CaseFileBundle) -> None:
        cancelled = self.worker.is_cancelled
        self._close_progress()
        self.worker_thread.quit()
        if cancelled:  # cancelled after the last step: produce nothing
            emit(self.stopped)
            return
        self.result = bundle
        parent = self._live_parent()
        self.window = show_preview(bundle.pdf, title=TITLE, number=bundle.number, parent=parent)
        emit(self.done, self.window)

    def _on_failed(self, message: str) -> None:
        self._close_progress()
        self.worker_thread.quit()
        parent = self._live_parent()
        messages.warning(parent, "卷宗没有生成", message)
        emit(self.stopped)

    def _on_cancelled(self) -> None:
        self._close_progress()
        self.worker_thread.quit()
        emit(self.stopped)

    def _live_parent(self) -> QWidget | None:
        parent = self._parent
        return parent if parent is not None and shiboken6.isValid(parent) else None

    def _close_progress(self) -> None:
        progress, self.progress = self.progress, None
        if progress is not None and shiboken6.isValid(progress):
            progress.canceled.disconnect(self.cancel)
            progress.close()
            progress.deleteLater()

    def _on_thread_finished(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.disconnect(self._stop_now)
        self.worker_thread.wait()  # "finished" comes just before the thread really ends
        _running.discard(self)


def file_name(number: str | None) -> str:
    return suggested_file_name(TITLE, number)
