"""宣传册: A4 landscape tri-fold, panels in folding order, fold marks at the folds."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from app.printing.outreach import brochure
from app.printing.outreach.data import BROCHURE, ContentItem
from app.printing.outreach.text import MissingDataError, TextTooLongError
from tests.printing.outreach.pdfs import MM, lines, page_sizes, page_text, text_positions
from tests.printing.outreach.sample import CONTENT, HONGQI

LANDSCAPE = (297 * MM, 210 * MM)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return brochure.brochure_pdf(HONGQI)


def test_panel_widths_of_a_tri_fold() -> None:
    flap, back, cover = (w / MM for w in brochure.OUTSIDE)
    assert (flap, back, cover) == pytest.approx((98, 100, 99))
    assert flap + back + cover == pytest.approx(297)
    # the inside is the outside turned over: inside 1 behind the cover, inside 3 behind the flap
    assert tuple(reversed(brochure.INSIDE)) == brochure.OUTSIDE
    assert [x / MM for x in brochure.folds(0)] == pytest.approx([98, 198])
    assert [x / MM for x in brochure.folds(1)] == pytest.approx([99, 199])
    assert [297 - x / MM for x in brochure.folds(0)] == pytest.approx(
        [x / MM for x in reversed(brochure.folds(1))]
    )


def test_two_landscape_pages(pdf: bytes) -> None:
    assert page_sizes(pdf) == [pytest.approx(LANDSCAPE), pytest.approx(LANDSCAPE)]


@pytest.mark.parametrize("page", [0, 1])
def test_fold_marks_at_the_folds_on_both_edges(pdf: bytes, page: int) -> None:
    drawn = {tuple(round(v, 2) for v in seg) for seg in lines(pdf, page) if seg[0] == seg[2]}
    height = 210 * MM
    for x in brochure.folds(page):
        assert (
            round(x, 2),
            round(height - 3 * MM, 2),
            round(x, 2),
            round(height - 9 * MM, 2),
        ) in drawn
        assert (round(x, 2), round(3 * MM, 2), round(x, 2), round(9 * MM, 2)) in drawn
    assert len(drawn) == 4  # no other upright line on these pages
    expected = {tuple(round(v, 2) for v in m) for m in brochure.fold_marks(page)}
    assert drawn == expected


def panel_of(x: float, page: int) -> int:
    for n, (left, right) in enumerate(
        brochure.panel_edges(brochure.OUTSIDE if page == 0 else brochure.INSIDE)
    ):
        if left <= x < right:
            return n
    raise AssertionError(x)


def first_x(pdf: bytes, page: int, needle: str) -> float:
    return next(x for p, t, x, _y, _s in text_positions(pdf) if p == page and needle in t)


def test_each_panel_has_its_content(pdf: bytes) -> None:
    # outside: inside flap | back | cover
    assert panel_of(first_x(pdf, 0, "什么是人民调解"), 0) == 0
    assert panel_of(first_x(pdf, 0, "村人民调解员"), 0) == 1
    assert panel_of(first_x(pdf, 0, "12348"), 0) == 1
    assert panel_of(first_x(pdf, 0, "学法用法"), 0) == 2
    assert panel_of(first_x(pdf, 0, "红旗村人民调解宣传册"), 0) == 2
    # inside: the sections go on in inside 1 and 2, inside 3 has the steps and advisers
    assert panel_of(first_x(pdf, 1, "经济债务纠纷"), 1) in (0, 1)
    assert panel_of(first_x(pdf, 1, "人民调解怎么调"), 1) == 2
    assert panel_of(first_x(pdf, 1, "红旗村法律明白人"), 1) == 2


def test_no_text_near_a_fold_or_an_edge(pdf: bytes) -> None:
    for page, _text, x, _y, _size in text_positions(pdf):
        edges = brochure.panel_edges(brochure.OUTSIDE if page == 0 else brochure.INSIDE)
        left, _right = edges[panel_of(x, page)]
        assert x >= left + 5 * MM, (page, _text, x / MM)


def test_the_villages_own_contacts_and_advisers(pdf: bytes) -> None:
    outside, inside = page_text(pdf, 0), page_text(pdf, 1)
    for expected in ("王建华13805710001", "张𠀾13905710002", "红旗村评理说事点", "0571-88881234"):
        assert expected in outside
    for expected in ("陈秀兰13605710011", "郑𪚥国13605710012", "人民调解怎么调", "第三十三条"):
        assert expected in inside


def test_every_section_is_printed_in_order(pdf: bytes) -> None:
    flow = page_text(pdf, 0) + page_text(pdf, 1)
    titles = [c.title for c in CONTENT if c.kind == BROCHURE and c.get("panel") != "cover"]
    places = [flow.index(t) for t in titles]
    assert places[0] < len(page_text(pdf, 0))  # the first section is on the flap
    assert places[1:] == sorted(places[1:])


def section(n: int, chars: int) -> ContentItem:
    return ContentItem(BROCHURE, f"篇目{n}", "邻里之间要互谅互让，有事好商量。" * (chars // 16))


def test_more_text_is_set_smaller() -> None:
    data = replace(HONGQI, content=(*CONTENT, section(1, 600), section(2, 600)))
    lay = brochure.layout_brochure(data)
    assert brochure.MIN_SIZE <= lay.size < brochure.MAX_SIZE
    assert "篇目2" in page_text(brochure.brochure_pdf(data), 1)


def test_too_much_text_is_refused_naming_the_section() -> None:
    many = tuple(section(n, 400) for n in range(1, 12))
    data = replace(HONGQI, content=(*CONTENT, *many))
    with pytest.raises(TextTooLongError) as caught:
        brochure.brochure_pdf(data)
    message = str(caught.value)
    assert "宣传册" in message and "从“篇目" in message
    first = int(message.split("从“篇目")[1].split("”")[0])
    assert 1 <= first <= 11


def test_no_brochure_content_is_refused() -> None:
    data = replace(HONGQI, content=tuple(c for c in CONTENT if c.kind != BROCHURE))
    with pytest.raises(MissingDataError, match="宣传册"):
        brochure.brochure_pdf(data)
    assert brochure.part(data).draw is None


def test_lines_of_a_column_do_not_collide(pdf: bytes) -> None:
    """Two lines starting at the same x are at least 0.9 of the smaller size apart."""
    columns: dict[tuple[int, float], dict[float, float]] = {}
    for page, _text, x, y, size in text_positions(pdf):
        column = columns.setdefault((page, round(x, 1)), {})
        column[round(y, 1)] = min(size, column.get(round(y, 1), size))
    for key, ys in columns.items():
        rows = sorted(ys.items())
        for (ya, sa), (yb, sb) in itertools.pairwise(rows):
            assert yb - ya >= min(sa, sb) * 0.9, (key, ya, yb)
