"""打印卷宗: the bound case file of a closed case as one PDF — 卷宗封面, 卷内目录, then every
document of the case in the registry's order — as plain data in, bytes out (no Qt).

:func:`assemble` builds each document, counts its pages, and joins them with pypdf;
:func:`case_file_pdf` is the same, giving only the bytes. The 卷内目录
(app/printing/forms/contents.py) numbers the documents from 1 after the cover and itself,
counting each one's pages the same way (:func:`app.printing.common.count_pages`); the
documents are deterministic (reportlab invariant mode), so its page numbers are the real
positions in the joined file (tests/printing/test_case_file.py reads them back out), and
the same case gives the same bytes.

Every document subsets its fonts under the same tags ("AAAAAA+NotoSerifSC-Regular");
joined, that would give one file several different fonts of one name, which some
viewers and printers mix up (wrong or missing characters). The join renames each
document's subset tags so every font in the file has its own name.

Progress and cancel: ``progress(n, total, title)`` is called before each step — one per
document, then ``(total, total, "装订成册")`` for the join — and ``cancelled()`` is asked
before each step; when it answers True the work stops there and :class:`Cancelled` is
raised (nothing is returned, nothing half-made escapes). Both may be called from a worker
thread: app/ui/printing/case_file_job.py runs this in a QThread.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.models.casefile import CaseFile
from app.printing import layout as L
from app.printing import registry
from app.printing.common import count_pages
from app.printing.context import OfficeInfo
from app.printing.forms import contents

if TYPE_CHECKING:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

TITLE = "人民调解卷宗"
COVER = "cover"
CONTENTS = "contents"
JOIN_STEP = "装订成册"

# progress(n, total, title): step n of total is about to start (what it returns is ignored)
Progress = Callable[[int, int, str], object]


class Cancelled(Exception):
    """The case file was cancelled (``cancelled()`` said so); nothing was produced."""


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
        """ "3" or "3-4", as the 卷内目录 writes it ("" for the cover and the contents)."""
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
    """The joined PDF, its parts in order, and the case number (for the file name)."""

    pdf: bytes
    parts: list[Part]
    number: str | None

    @property
    def page_count(self) -> int:
        return sum(p.page_count for p in self.parts)


def documents_of(case: CaseFile) -> list[registry.PrintableDocument]:
    """The case file's documents in order: cover, contents, then the case's documents.

    Raises ValueError for a case that is not closed or archived (no cover is offered)."""
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
    cancelled: Callable[[], bool] | None = None,
) -> CaseFileBundle:
    """Build every document of the case file and join them (see the module's docstring
    for ``progress`` and ``cancelled``). Raises :class:`Cancelled` when cancelled."""

    def check() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled

    docs = documents_of(case)
    total = len(docs) + 1  # and the join
    # The 卷内目录 (second) is built last, from the page counts of the documents after it:
    # built on its own it would build every one of them again to count their pages.
    order = [0, *range(2, len(docs)), 1]
    made: dict[int, tuple[bytes, int]] = {}
    with L.remembered():  # the documents repeat texts (names, parties, the committee …)
        for n, i in enumerate(order, start=1):
            doc = docs[i]
            check()
            if progress is not None:
                progress(n, total, doc.title)
            if i == 1:
                counted = [(docs[j].title, made[j][1]) for j in range(2, len(docs))]
                pdf = contents.build(case, office, listed=contents.entries_from(counted))
            else:
                pdf = doc.build(case, office)
            # counted as the 卷内目录 counts them (app/printing/common.py)
            made[i] = (pdf, count_pages(pdf))
    built = [(doc, *made[i]) for i, doc in enumerate(docs)]
    check()
    if progress is not None:
        progress(total, total, JOIN_STEP)
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


def case_file_pdf(
    case: CaseFile,
    office: OfficeInfo,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> bytes:
    """The bound case file of ``case`` as PDF bytes (:func:`assemble` without the parts).
    Raises :class:`Cancelled` when ``cancelled()`` says so before a step."""
    return assemble(case, office, progress=progress, cancelled=cancelled).pdf


def join(documents: list[tuple[str, bytes]], title: str) -> bytes:
    """One PDF of ``documents`` (title, pdf) in order, each with a bookmark, its fonts'
    subset tags made unique, the metadata of the first with ``title``."""
    # Imported here, not at the top: the UI's print menu imports this module (through
    # app/ui/printing/case_file_job.py), and only the join needs pypdf.
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
