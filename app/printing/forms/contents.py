"""卷内目录: the list of the documents in the case file with their page numbers.

The documents are those the registry offers for the case (cover and this list left
out), in the registry's order; each is built to count its pages, numbered on from 1.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile
from app.printing import common as C
from app.printing import layout as L
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet
from app.printing.forms.base import CLOSED, Form

COLUMNS = (56.0, L.BLOCK_WIDTH - 56.0 - 90.0 - 100.0, 90.0, 100.0)
BLANK_ROWS = 15


Entry = tuple[str, str, str]  # (title, pages "3-4", note)


def entries_from(counted: Sequence[tuple[str, int]]) -> list[Entry]:
    """The rows for documents (title, page count) in their order, numbered on from 1."""
    out: list[Entry] = []
    page = 1
    for title, n in counted:
        pages = str(page) if n == 1 else f"{page}-{page + n - 1}"
        out.append((title, pages, ""))
        page += n
    return out


def entries(case: CaseFile, office: OfficeInfo) -> list[Entry]:
    """(title, pages "3-4", note) of every document in the file (each laid out to count
    its pages, not written; the bound case file passes the counts it has instead:
    ``build(listed=…)``)."""
    from app.printing import registry  # the registry lists this module too

    with L.remembered():  # the documents repeat texts (names, parties, the committee …)
        return entries_from(
            [
                (doc.title, doc.pages(case, office))
                for doc in registry.for_case(case)
                if doc.key not in ("contents", "cover")
            ]
        )


class ContentsForm(Form):
    key = "contents"
    title = "卷内目录"
    states = CLOSED
    fitted = False

    def __init__(self, listed: list[Entry] | None = None) -> None:
        self.listed = listed  # its rows when the caller has counted the pages already

    def story(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
        head = [["序号", "文书名称", "页号", "备注"]]
        listed = self.listed
        if listed is None:
            listed = entries(case, office) if case else []
        rows = [[str(i), t, p, n] for i, (t, p, n) in enumerate(listed, 1)]
        filled = len(rows)
        rows += [["", "", "", ""]] * max(BLANK_ROWS - len(rows), 3)
        heights: list[float | None] = [None] * (1 + filled) + [32.0] * (len(rows) - filled)
        table = L.table(
            [*head, *rows],
            COLUMNS,
            style=C.TABLE_CELL,
            padding=7,
            extra=[
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),  # the heading
                ("ALIGN", (0, 1), (0, -1), "CENTER"),  # 序号
                ("ALIGN", (2, 1), (2, -1), "CENTER"),  # 页号
            ],
            fonts=fonts,
            repeat_rows=1,
            row_heights=heights,
        )
        return [table]


FORM = ContentsForm()
KEY, TITLE = FORM.key, FORM.title
build_blank, offered = FORM.build_blank, FORM.offered


def build(
    case: CaseFile,
    office: OfficeInfo,
    *,
    fonts: FontSet | None = None,
    listed: list[Entry] | None = None,
) -> bytes:
    """The list; ``listed``: its rows when the caller has counted the pages already."""
    return ContentsForm(listed).build(case, office, fonts=fonts)
