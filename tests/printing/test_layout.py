"""The document frame: A4, GB/T 9704 margins, page numbers, metadata, determinism."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PageObject
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from app.printing import layout as L
from app.printing.agreement import agreement_pdf
from tests.printing.helpers import (
    OFFICE,
    DrawnLine,
    all_text,
    drawn_lines,
    footers,
    full_case,
    page_texts,
    reader,
)

LONG = "人民调解委员会依法调解民间纠纷，" * 120


def doc(text: str = LONG) -> bytes:
    return L.build_pdf(
        [L.Paragraph("标题", L.TITLE), *L.paragraphs(text)],
        L.DocInfo(title="测试文书", author="青山镇人民调解委员会", subject="主题"),
    )


def test_page_geometry_follows_gb_t_9704() -> None:
    assert round(L.PAGE_WIDTH / mm) == 210 and round(L.PAGE_HEIGHT / mm) == 297
    assert round(L.MARGIN_TOP / mm) == 37 and round(L.MARGIN_LEFT / mm) == 28
    assert round(L.BLOCK_WIDTH / mm) == 156 and round(L.BLOCK_HEIGHT / mm) == 225
    assert L.SIZE_3 == 16 and L.SIZE_2 == 22 and L.SIZE_4 == 14
    assert round(L.BLOCK_HEIGHT / L.BODY_LEADING, 6) == 22


def test_a4_pages_with_page_numbers() -> None:
    pdf = doc()
    pages = reader(pdf).pages
    assert len(pages) >= 2
    for page in pages:
        assert float(page.mediabox.width) == pytest.approx(595.28, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(841.89, abs=0.01)
    n = len(pages)
    assert footers(pdf) == [f"第{i}页 共{n}页" for i in range(1, n + 1)]


def test_metadata() -> None:
    meta = reader(doc()).metadata
    assert meta is not None
    assert meta.title == "测试文书"
    assert meta.author == "青山镇人民调解委员会"
    assert meta.subject == "主题"


def test_same_input_same_bytes() -> None:
    assert doc() == doc()


def test_text_stays_in_the_text_block() -> None:
    assert len(check_lines(doc())) > 22


def check_lines(pdf: bytes, *, footer: bool = True) -> list[DrawnLine]:
    """What a reader sees on every page: every line starts and ends inside the text block
    and below its top, the page number "第x页 共y页" (right, in order) below it and
    nothing else there; no two lines overlap; no line starts with closing punctuation or
    ends with opening punctuation; no "None". Returns the lines."""
    lines = drawn_lines(pdf)
    pages = len(reader(pdf).pages)
    left, right = L.MARGIN_LEFT, L.MARGIN_LEFT + L.BLOCK_WIDTH
    bottom, top = L.MARGIN_BOTTOM, L.MARGIN_BOTTOM + L.BLOCK_HEIGHT
    numbers: list[str] = []
    by_page: dict[int, list[DrawnLine]] = {}
    for d in lines:
        assert "None" not in d.text, d
        if d.y < bottom - 0.01:  # the page number, and nothing else, sits below the block
            assert d.y == pytest.approx(L.FOOTER_BASELINE, abs=0.01), d
            assert d.page == len(numbers), d
            numbers.append(d.text)
            continue
        assert left - 0.01 <= d.x and d.right <= right + 0.5, d
        assert bottom - 0.01 <= d.y <= top - 0.8 * d.size + 0.01, d
        assert d.text[0] not in L.CANNOT_START, d
        assert d.text[-1] not in L.CANNOT_END, d
        by_page.setdefault(d.page, []).append(d)
    for drawn in by_page.values():
        for i, a in enumerate(drawn):
            for b in drawn[i + 1 :]:
                if abs(a.y - b.y) < 0.9 * min(a.size, b.size):
                    assert a.right <= b.x + 0.5 or b.right <= a.x + 0.5, (a, b)
    if footer:
        assert len(numbers) == pages
        assert numbered_in_groups(numbers), numbers
    else:
        assert numbers == []
    return lines


def numbered_in_groups(numbers: list[str]) -> bool:
    """ "第1页 共n页" … "第n页 共n页", once for the whole file or once per record in it
    (records signed on their own are numbered on their own: L.PageGroup)."""
    expected: list[str] = []
    i = 0
    while i < len(numbers):
        m = re.fullmatch(r"第1页 共(\d+)页", numbers[i])
        if m is None:
            return False
        n = int(m.group(1))
        expected += [f"第{k}页 共{n}页" for k in range(1, n + 1)]
        i += n
    return numbers == expected


def test_empty_values_print_a_blank_line_not_none() -> None:
    for missing in (None, "", "   "):
        span = L.value(missing)
        assert span.underline and set(span.text) == {L.BLANK_CHAR}
    assert L.value(0).text == "0"
    pdf = L.build_pdf([L.Paragraph(["姓名：", L.value(None), "。"])], L.DocInfo("t"))
    assert "None" not in all_text(pdf)
    assert "姓名：" in all_text(pdf)


def test_paragraph_split_keeps_lines_whole() -> None:
    p = L.Paragraph("字" * 600)
    head, tail = p.split_at_line(5, L.BLOCK_WIDTH)
    assert head.text() + tail.text() == p.text()
    assert len(head.lines_for(L.BLOCK_WIDTH)) == 5
    assert head.style.first_indent == p.style.first_indent and tail.style.first_indent == 0


def test_a_paragraph_never_leaves_one_line_alone() -> None:
    p = L.Paragraph("字" * 300)
    n = len(p.lines_for(L.BLOCK_WIDTH))
    assert p.split(L.BLOCK_WIDTH, L.BODY_LEADING * 1.5) == []  # first line alone: move
    parts = p.split(L.BLOCK_WIDTH, L.BODY_LEADING * (n - 1))
    assert len(parts[1].lines_for(L.BLOCK_WIDTH)) == 2  # last line alone: take one more


def test_style_rejects_unknown_alignment() -> None:
    with pytest.raises(ValueError):
        L.Style(align="middle")


def test_text_is_printed_literally() -> None:
    text = "<b>甲&amp;乙</b>\t丙\r"
    pdf = L.build_pdf([L.Paragraph(text)], L.DocInfo("t"))
    assert all_text(pdf) == "<b>甲&amp;乙</b>丙"


def test_same_bytes_in_another_process(tmp_path: Path) -> None:
    out = tmp_path / "a.pdf"
    code = (
        "import sys\n"
        "from app.printing.agreement import agreement_pdf\n"
        "from tests.printing.helpers import OFFICE, full_case\n"
        "open(sys.argv[1], 'wb').write(agreement_pdf(full_case(), OFFICE))\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code, str(out)], cwd=root, check=True)
    assert out.read_bytes() == agreement_pdf(full_case(), OFFICE)


def test_a_line_broken_before_an_amount_is_spread_at_most_a_tenth_of_an_em() -> None:
    # "（￥12,300.00）" is not cut, and no line ends with "（" or "￥": the first line breaks
    # five characters early. Filling it would letter-space it (0.25 em a gap): it is spread
    # by 0.1 em and stays short by the rest. The lines after it are chosen so that each is
    # filled by no more than 0.1 em a gap (or set a little closer).
    text = (
        "甲" * 20 + "（￥12,300.00），" + "双方因货款结算发生纠纷（￥12,300.00），经多次协商。" * 5
    )
    pdf = L.build_pdf([L.Paragraph(text)], L.DocInfo("t"))
    lines = [d for d in check_lines(pdf) if d.y > L.MARGIN_BOTTOM]
    assert len(lines) >= 6
    assert lines[0].text == "甲" * 20  # "（￥12,300.00）" did not fit after it
    assert lines[0].spacing == pytest.approx(0.1 * L.SIZE_3)
    assert lines[0].right < L.MARGIN_LEFT + L.BLOCK_WIDTH - 3 * L.SIZE_3
    early = [d for d, after in pairwise(lines) if after.text.startswith("（")]
    assert early, "no line of the test breaks before the amount"
    for d in lines[1:-1]:
        assert d.right == pytest.approx(L.MARGIN_LEFT + L.BLOCK_WIDTH, abs=0.5), d
        assert -0.03 * L.SIZE_3 - 1e-6 <= d.spacing <= 0.1 * L.SIZE_3 + 1e-6, d
    assert lines[-1].right < L.MARGIN_LEFT + L.BLOCK_WIDTH - 16  # the last line is not
    assert lines[-1].spacing == 0


def test_table_cells_align_as_the_style_asks() -> None:
    extra = [("ALIGN", (0, 0), (-1, 0), "CENTER"), ("ALIGN", (0, 1), (0, -1), "CENTER")]
    table = L.table([["序号", "文书名称"], ["1", "人民调解申请书"]], (60.0, 240.0), extra=extra)
    lines = {d.text: d for d in check_lines(L.build_pdf([table], L.DocInfo("t")))}
    x0 = L.MARGIN_LEFT + (L.BLOCK_WIDTH - 300.0) / 2  # the table is centred in the frame
    for text, middle in (("序号", x0 + 30), ("1", x0 + 30), ("文书名称", x0 + 60 + 120)):
        d = lines[text]
        assert (d.x + d.right) / 2 == pytest.approx(middle, abs=0.5), text
    assert lines["人民调解申请书"].x == pytest.approx(x0 + 60 + 4, abs=0.5)  # left, padded


def test_ruled_lines_never_leave_one_line_alone() -> None:
    lines = L.RuleLines(6)
    assert lines.split(L.BLOCK_WIDTH, 5.5 * L.BODY_LEADING) != [lines]
    head, tail = lines.split(L.BLOCK_WIDTH, 5.5 * L.BODY_LEADING)  # one would go on alone
    assert (head.count, tail.count) == (4, 2)
    assert lines.split(L.BLOCK_WIDTH, 1.5 * L.BODY_LEADING) == []  # one would stay alone
    head, tail = lines.split(L.BLOCK_WIDTH, 2.5 * L.BODY_LEADING)
    assert (head.count, tail.count) == (2, 4)
    assert L.RuleLines(2).split(L.BLOCK_WIDTH, 1.5 * L.BODY_LEADING) == []


def _ruled_lines(page: PageObject) -> int:
    """The ruled lines drawn on ``page``: each is "n x y m x y l S" in its content."""
    contents = page.get_contents()
    assert contents is not None
    return contents.get_data().count(b" l S")


@pytest.mark.parametrize("count", [1, 2, 3, 4, 6])
def test_a_heading_is_never_left_without_its_ruled_lines(count: int) -> None:
    """A heading followed by lines to write on, at the foot of a page with room for the
    heading and two lines: three lines go on whole (never 2 + 1), so the heading goes
    with them; more lines leave two under the heading."""
    heading = L.Paragraph("总体情况", replace(L.HEADING, keep_with_next=True))
    room = heading.wrap(L.BLOCK_WIDTH, L.BLOCK_HEIGHT)[1] + 2.5 * L.BODY_LEADING
    story = L.keep_headings([Spacer(1, L.BLOCK_HEIGHT - room), heading, L.RuleLines(count)])
    pdf = L.build_pdf(story, L.DocInfo("t"))
    pages = page_texts(pdf)
    heading_page = next(i for i, text in enumerate(pages) if "总体情况" in text)
    # a ruled line is drawn as "n x y m x y l S"
    ruled = [_ruled_lines(page) for page in reader(pdf).pages]
    assert sum(ruled) == count
    assert ruled[heading_page] >= min(count, 2)  # never a heading alone, nor one line
    assert heading_page == (1 if count == 3 else 0)


def test_records_signed_on_their_own_are_numbered_on_their_own() -> None:
    """Three records in one file (three 调解记录): each is "第x页 共y页" by itself."""
    long = [L.Paragraph("调解员释法说理，双方逐项核对货款。" * 40) for _ in range(3)]
    story = [
        L.Paragraph("第一次"),
        PageBreak(),
        L.PageGroup(),
        L.Paragraph("第二次"),
        *long,
        PageBreak(),
        L.PageGroup(),
        L.Paragraph("第三次"),
    ]
    found = footers(L.build_pdf(story, L.DocInfo("t")))
    n = len(found) - 2  # the second record's pages
    assert n >= 2
    assert found == ["第1页 共1页", *(f"第{i}页 共{n}页" for i in range(1, n + 1)), "第1页 共1页"]


def test_a_heading_before_a_block_kept_together() -> None:
    """A heading followed by a KeepTogether (e.g. "此致" and a signature block): not
    measured before it is on a canvas (that raised), and moved on with it."""
    heading = L.Paragraph("此致", L.HEADING)
    block = L.keep_together([L.Paragraph("青山镇人民调解委员会", L.BODY_FLUSH), L.RuleLines(6)])
    filler = L.RuleLines(19)
    pdf = L.build_pdf([filler, heading, block], L.DocInfo("t"))
    pages = [flat_text for flat_text in (p.extract_text() for p in reader(pdf).pages)]
    assert len(pages) == 2
    assert "此致" in pages[1] and "青山镇人民调解委员会" in pages[1]


def test_text_kept_with_a_block_counts_the_space_above_its_heading() -> None:
    """A heading with space above it and a two-line paragraph that fit the foot of the
    page only without that space: both go on to the next page, not the heading alone."""
    heading = L.Paragraph("纠纷简要情况：", replace(L.HEADING, space_before=6))
    facts = L.Paragraph("宋文世在田淑国承包的工地务工三个月，" * 2)
    assert len(facts.lines_for(L.BLOCK_WIDTH)) == 2
    rest = [L.Paragraph("当事人请求：", L.HEADING), L.Paragraph("请求支付拖欠的劳务工资。")]
    room = 3 * L.BODY_LEADING + 3  # heading and facts, less the 6 points above the heading
    story = [
        Spacer(1, L.BLOCK_HEIGHT - room),
        L.KeepWithText([heading, facts, *rest], [L.Paragraph("签名：", L.BODY_FLUSH)], strict=0),
    ]
    pages = page_texts(L.build_pdf(story, L.DocInfo("t")))
    assert len(pages) == 2
    assert "纠纷简要情况：" in pages[1] and "宋文世" in pages[1] and "签名：" in pages[1]


@pytest.mark.parametrize("lines", [2, 3, 4])
def test_a_heading_goes_on_with_a_paragraph_that_is_not_split(lines: int) -> None:
    """A heading at the foot of a page with room for it and two lines: a paragraph of
    three lines (never split) takes the heading to the next page; of two it fits; of
    four it leaves two lines under the heading."""
    heading = L.Paragraph("被申请人（8人）", L.HEADING)
    text = L.Paragraph("甲" * (25 + 27 * (lines - 1)))
    assert len(text.lines_for(L.BLOCK_WIDTH)) == lines
    room = heading.wrap(L.BLOCK_WIDTH, L.BLOCK_HEIGHT)[1] + 2.5 * L.BODY_LEADING
    pdf = L.build_pdf([Spacer(1, L.BLOCK_HEIGHT - room), heading, text], L.DocInfo("t"))
    pages = page_texts(pdf)
    heading_page = next(i for i, t in enumerate(pages) if "被申请人" in t)
    assert heading_page == (1 if lines == 3 else 0)
    assert "甲" in pages[heading_page]


def test_a_text_set_again_gets_the_same_lines_and_splits_change_nothing_shared() -> None:
    """Within layout.remembered() shaped texts and their lines are reused: a paragraph of
    a text set before has the lines a setting without the memo gives, in any style and
    width, also after an earlier one was split across pages."""
    text = "申请人张三与被申请人李四因宅基地边界发生纠纷，经村调委会调解达成协议。" * 6
    sizes, widths = (12.0, 16.0), (300.0, 420.0)

    def lines(p: L.Paragraph, width: float) -> list[tuple[int, int]]:
        return [(x.start, x.end) for x in p.lines_for(width)]

    fresh = {
        (size, width): lines(L.Paragraph(text, replace(L.BODY, size=size)), width)
        for size in sizes
        for width in widths
    }
    assert fresh[(12.0, 300.0)] != fresh[(16.0, 300.0)] != fresh[(16.0, 420.0)]
    with L.remembered():
        for (size, width), expected in fresh.items():
            assert lines(L.Paragraph(text, replace(L.BODY, size=size)), width) == expected
        first = L.Paragraph(text, replace(L.BODY, size=16.0))
        head, tail = first.split_at_line(3, 300.0)
        assert len(head.lines_for(300.0)) == 3
        assert len(tail.lines_for(300.0)) == len(fresh[(16.0, 300.0)]) - 3
        assert tail.lines_for(300.0)[0].start == 0
        for (size, width), expected in fresh.items():
            again = L.Paragraph(text, replace(L.BODY, size=size))
            assert again.glyphs is not first.glyphs or size == 16.0
            assert lines(again, width) == expected
            assert again.text() == text
