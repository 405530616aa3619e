"""打印卷宗 (app/printing/case_file.py): cover, 卷内目录 with the real page numbers, then every
document in the registry's order, joined into one PDF; progress and cancel."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf.generic import Destination

from app.models.casefile import CaseFile, SessionRecord
from app.printing import registry
from app.printing.case_file import (
    Cancelled,
    CaseFileBundle,
    Part,
    assemble,
    case_file_pdf,
    documents_of,
)
from app.printing.context import OfficeInfo
from app.printing.forms import contents
from tests.printing.helpers import OFFICE, full_case, pdf_dict, reader

# Demo cases (tests/printing/conftest.py): a written agreement with a session, an
# investigation and a follow-up visit; a terminated mediation; an oral agreement.
AGREEMENT_CASE = "（2026）青山调字第16号"
TERMINATED_CASE = "（2026）青山调字第17号"
ORAL_CASE = "（2026）青山调字第20号"
MEDIATING_CASE = "（2026）青山调字第8号"

ROW = re.compile(r"^(\d+)\s*(\S+?)\s*(\d+(?:-\d+)?)\s*$")


def by_number(cases: list[CaseFile], number: str) -> CaseFile:
    found = [c for c in cases if c.number == number]
    assert len(found) == 1, number
    return found[0]


def raw_texts(pdf: bytes) -> list[str]:
    """Each page's extracted text, footer "第x页 共y页" included."""
    return [page.extract_text() or "" for page in reader(pdf).pages]


def contents_rows(text: str) -> list[tuple[str, str]]:
    """(title, pages) of each row of an extracted 卷内目录 page."""
    rows = []
    for line in text.splitlines():
        m = ROW.match(line.strip())
        if m:
            rows.append((m.group(2), m.group(3)))
    return rows


def check_contents(case: CaseFile, office: OfficeInfo, bundle: CaseFileBundle) -> list[str]:
    """The 卷内目录 lists each document with the pages where it really is (measured with
    pypdf in the joined file); returns the pages' texts."""
    texts = raw_texts(bundle.pdf)
    assert len(texts) == bundle.page_count == sum(p.page_count for p in bundle.parts)

    cover, contents = bundle.parts[:2]
    assert (cover.key, cover.first_page, contents.key) == ("cover", 1, "contents")
    assert "人民调解卷宗" in texts[0] and (case.number or "") in texts[0]
    assert "卷内目录" in texts[cover.page_count]

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
        # its first page is a page 1, its last the last page of its (last) record
        assert re.search(r"第1页 共\d+页", texts[start]), (title, texts[start][-20:])
        assert re.search(r"第(\d+)页 共\1页", texts[end]), (title, texts[end][-20:])
        assert start + 1 == part.first_page and end - start + 1 == part.page_count
    assert before + sum(p.page_count for p in documents) == len(texts)  # nothing after

    # and every document is there in full, as it prints on its own
    for part in documents:
        alone = raw_texts(registry.document(part.key).build(case, office))
        assert texts[part.first_page - 1 : part.first_page - 1 + part.page_count] == alone
    return texts


@pytest.mark.parametrize("number", [AGREEMENT_CASE, TERMINATED_CASE, ORAL_CASE])
def test_contents_page_numbers_are_the_real_positions(
    demo_cases: list[CaseFile], number: str
) -> None:
    case = by_number(demo_cases, number)
    bundle = assemble(case, OFFICE)
    # cover, contents, then the case's documents in the registry's order
    assert [p.key for p in bundle.parts] == ["cover", "contents"] + [
        d.key for d in registry.for_case(case) if d.key not in ("cover", "contents")
    ]
    check_contents(case, OFFICE, bundle)


def test_order_of_the_documents() -> None:
    """The fully filled case: its documents in the order a bound 卷宗 has them."""
    bundle = assemble(full_case(), OFFICE)
    assert [p.title for p in bundle.parts] == [
        "人民调解卷宗",  # the cover
        "卷内目录",
        "人民调解申请书",
        "人民调解受理登记表",
        "当事人权利义务告知书",
        "人民调解记录",
        "人民调解协议书",
        "人民调解回访记录",
        "司法确认申请书",
    ]
    assert [p.first_page for p in bundle.parts] == [
        sum(q.page_count for q in bundle.parts[:i]) + 1 for i in range(len(bundle.parts))
    ]


def test_a_case_with_ten_sessions() -> None:
    """Ten 人民调解记录, one after the other, each on its own page(s), listed as one
    document whose page numbers cover them all; the rare name survives the join."""
    base = full_case()
    sessions = [
        SessionRecord(
            f"s{k}",
            "session",
            f"2026-11-{k + 2:02d}T09:30",
            "青山镇调委会调解室",
            "村民小组长",
            "合同纠纷",
            "王建华",
            "刘记录",
            f"第{k}次调解：双方陈述了各自的意见。" + "调解员释法说理，双方逐项核对货款。" * 6,
            "继续调解" if k < 10 else "达成协议",
        )
        for k in range(1, 11)
    ]
    case = replace(base, sessions=sessions)
    bundle = assemble(case, OFFICE)
    texts = check_contents(case, OFFICE, bundle)

    (records,) = [p for p in bundle.parts if p.key == "session_record"]
    assert records.page_count >= 10
    pages = texts[records.first_page - 1 : records.first_page - 1 + records.page_count]
    starts = [n for k in range(1, 11) for n, text in enumerate(pages) if f"第{k}次调解：" in text]
    assert len(starts) == 10 and starts == sorted(starts) and starts[0] == 0
    # the agreement comes after the ten records, on the page the contents says
    (agreement,) = [p for p in bundle.parts if p.key == "agreement"]
    assert agreement.first_page == records.first_page + records.page_count
    assert "张𠮷祥" in "".join(texts)  # beyond U+FFFF: the renamed fonts keep ToUnicode


def test_joined_file_has_unique_font_names_bookmarks_and_title(
    demo_cases: list[CaseFile],
) -> None:
    bundle = assemble(by_number(demo_cases, AGREEMENT_CASE), OFFICE)
    pdf = reader(bundle.pdf)
    fonts: set[str] = set()
    for page in pdf.pages:
        for ref in pdf_dict(page, "/Resources", "/Font").values():
            fonts.add(str(ref.get_object()["/BaseFont"]))
    subset_names = [n for n in fonts if "+" in n]
    # one document's subsets share their tags within it, never with another document
    per_document = {n.split("+")[0][1:4] for n in subset_names}
    assert len(per_document) == len(bundle.parts)
    assert pdf.metadata is not None and pdf.metadata.title == f"人民调解卷宗 {AGREEMENT_CASE}"
    # (a nested list would be a part's own bookmarks: there are none)
    titles = [item.title if isinstance(item, Destination) else item for item in pdf.outline]
    assert titles == [p.title for p in bundle.parts]


def test_same_case_same_bytes(tmp_path: Path) -> None:
    pdf = case_file_pdf(full_case(), OFFICE)
    assert pdf == case_file_pdf(full_case(), OFFICE) == assemble(full_case(), OFFICE).pdf
    out = tmp_path / "again.pdf"
    code = (
        "import sys\n"
        "from app.printing.case_file import case_file_pdf\n"
        "from tests.printing.helpers import OFFICE, full_case\n"
        "open(sys.argv[1], 'wb').write(case_file_pdf(full_case(), OFFICE))\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code, str(out)], cwd=root, check=True)
    assert out.read_bytes() == pdf


def test_progress_names_each_document_then_the_join(demo_cases: list[CaseFile]) -> None:
    case = by_number(demo_cases, AGREEMENT_CASE)
    seen: list[tuple[int, int, str]] = []
    assemble(case, OFFICE, progress=lambda n, total, title: seen.append((n, total, title)))
    docs = documents_of(case)
    # the 卷内目录 last: it is made from the page counts of the documents after it
    built = [docs[0], *docs[2:], docs[1]]
    assert docs[1].title == "卷内目录"
    assert seen == [
        *[(n, len(docs) + 1, d.title) for n, d in enumerate(built, start=1)],
        (len(docs) + 1, len(docs) + 1, "装订成册"),
    ]


def test_cancel_stops_before_the_next_document(demo_cases: list[CaseFile]) -> None:
    """Cancelled while the third document is being built: the fourth is never started
    and nothing is returned."""
    case = by_number(demo_cases, AGREEMENT_CASE)
    started: list[str] = []
    asked = 0

    def after_three() -> bool:
        nonlocal asked
        asked += 1
        return asked > 3

    with pytest.raises(Cancelled):
        case_file_pdf(
            case,
            OFFICE,
            progress=lambda _n, _total, title: started.append(title),
            cancelled=after_three,
        )
    docs = documents_of(case)
    assert started == [d.title for d in [docs[0], *docs[2:]][:3]]
    assert asked == 4  # asked before each step, not again after it said yes


def test_cancel_at_the_last_step_produces_nothing(demo_cases: list[CaseFile]) -> None:
    case = by_number(demo_cases, TERMINATED_CASE)
    steps = len(documents_of(case)) + 1
    asked = 0

    def before_the_join() -> bool:
        nonlocal asked
        asked += 1
        return asked == steps

    with pytest.raises(Cancelled):
        assemble(case, OFFICE, cancelled=before_the_join)
    assert asked == steps


def test_listed_pages() -> None:
    assert Part("a", "甲", 3, 1, 1).listed_pages == "1"
    assert Part("b", "乙", 4, 2, 2).listed_pages == "2-3"
    assert Part("cover", "封面", 1, 1, None).listed_pages == ""


def test_only_closed_cases_have_a_case_file(demo_cases: list[CaseFile]) -> None:
    with pytest.raises(ValueError, match="closed and archived"):
        documents_of(by_number(demo_cases, MEDIATING_CASE))
    with pytest.raises(ValueError, match="closed and archived"):
        case_file_pdf(by_number(demo_cases, MEDIATING_CASE), OFFICE)


def test_the_bound_contents_is_the_one_printed_alone(demo_cases: list[CaseFile]) -> None:
    """The case file makes its 卷内目录 from the page counts it has; printed alone, the
    list builds every document to count them: the same list, byte for byte."""
    case = by_number(demo_cases, AGREEMENT_CASE)
    parts = assemble(case, OFFICE).parts
    listed = contents.entries_from([(p.title, p.page_count) for p in parts[2:]])
    assert [(t, pages) for t, pages, _note in listed] == [
        (p.title, p.listed_pages) for p in parts[2:]
    ]
    assert contents.build(case, OFFICE, listed=listed) == contents.build(case, OFFICE)
