"""微动漫: posters whose QR codes scan back to the link; bad links are refused by name."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import zxingcpp

from app.printing.outreach import animation, kit
from app.printing.outreach.data import ANIMATION, ContentItem
from app.printing.outreach.text import InvalidLinkError, MissingDataError
from tests.printing.helpers import pdf_dict
from tests.printing.outreach.pdfs import MM, page_sizes, page_text, reader, rects, render
from tests.printing.outreach.sample import CONTENT, HONGQI, LINK_1, LINK_2

A4 = (210 * MM, 297 * MM)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return animation.animation_pdf(HONGQI)


def decode(pdf: bytes, page: int, dpi: float, tmp: Path) -> list[str]:
    image = render(pdf, page, dpi, tmp)
    found = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    return [b.text for b in found]


def test_one_a4_poster_per_animation(pdf: bytes) -> None:
    assert page_sizes(pdf) == [pytest.approx(A4)] * 2
    first, second = page_text(pdf, 0), page_text(pdf, 1)
    assert "调解协议有效力" in first and "时长3分20秒" in first and "老张和老李" in first
    assert "一墙之隔" in second and "时长3分5秒" in second
    assert LINK_1 in first and LINK_2 in second  # the link printed under the code


@pytest.mark.parametrize("dpi", [150, 40])
def test_qr_codes_decode_back_to_their_links(
    pdf: bytes, dpi: float, tmp_path: Path, qapp: object
) -> None:
    # at 40 dpi the 100 mm code is about 157 pixels wide: what a phone sees from afar
    assert decode(pdf, 0, dpi, tmp_path) == [LINK_1]
    assert decode(pdf, 1, dpi, tmp_path) == [LINK_2]


def modules_drawn(pdf: bytes, page: int, module: float) -> list[tuple[float, float, float, float]]:
    """The QR code's rectangles: one module high (and the hair of overlap)."""
    return [r for r in rects(pdf, page) if r[3] == pytest.approx(module + 0.02, abs=0.002)]


def test_modules_are_vector_rectangles_matching_segno(pdf: bytes) -> None:
    matrix = animation.qr_matrix(LINK_1, "调解协议有效力")
    n = len(matrix)
    module = animation.QR_SIDE / n
    drawn = modules_drawn(pdf, 0, module)
    assert drawn
    x0 = min(r[0] for r in drawn)
    y_top = max(r[1] + r[3] for r in drawn) - 0.02
    seen = [[False] * n for _ in range(n)]
    for x, y, w, h in drawn:
        row = round((y_top - (y + h - 0.02)) / module)
        first = round((x - x0) / module)
        for c in range(first, first + round(w / module)):
            seen[row][c] = True
    assert tuple(tuple(r) for r in seen) == matrix
    for page in reader(pdf).pages:  # no raster anywhere
        assert pdf_dict(page, "/Resources").get("/XObject") is None


def test_code_is_large_with_a_clear_quiet_zone(pdf: bytes) -> None:
    matrix = animation.qr_matrix(LINK_1, "调解协议有效力")
    n = len(matrix)
    module = animation.QR_SIDE / n
    drawn = modules_drawn(pdf, 0, module)
    left = min(r[0] for r in drawn)
    right = max(r[0] + r[2] for r in drawn)
    bottom = min(r[1] for r in drawn)
    top = max(r[1] + r[3] for r in drawn)
    assert right - left == pytest.approx(animation.QR_SIDE, abs=0.05)
    assert top - bottom == pytest.approx(animation.QR_SIDE, abs=0.1)
    assert animation.QR_SIDE >= 40 * MM
    quiet = 4 * module
    zone = (left - quiet, bottom - quiet, right + quiet, top + quiet)
    # nothing else is drawn in the quiet zone: every other rectangle lies around it
    for x, y, w, h in rects(pdf, 0):
        if (x, y, w, h) in drawn:
            continue
        inside = zone[0] < x + w and x < zone[2] and zone[1] < y + h and y < zone[3]
        surrounds = x <= zone[0] and y <= zone[1] and x + w >= zone[2] and y + h >= zone[3]
        assert not inside or surrounds, (x, y, w, h)


def test_a_bad_link_refuses_the_qr_code_by_name() -> None:
    items = (
        ContentItem(ANIMATION, "无链接的片子", "简介", extra={"link": ""}),
        ContentItem(ANIMATION, "坏链接的片子", "简介", extra={"link": "www.example"}),
    )
    for item in items:
        with pytest.raises(InvalidLinkError) as caught:
            animation.poster_pdf(item, HONGQI)
        assert f"微动漫《{item.title}》" in str(caught.value)
    data = replace(HONGQI, content=(*CONTENT, *items))
    with pytest.raises(InvalidLinkError):
        animation.animation_pdf(data)


def test_the_kit_reports_a_bad_link_and_prints_the_other_posters() -> None:
    bad = ContentItem(ANIMATION, "坏链接的片子", "简介", extra={"link": "not a link"})
    data = replace(HONGQI, content=(*CONTENT, bad))
    made = animation.part(data)
    assert made.draw is not None
    assert any("坏链接的片子" in p and "不打印它的海报" in p for p in made.problems)
    problems = kit.kit_problems(data)
    assert any("微动漫《坏链接的片子》" in p for p in problems)
    pdf = kit.village_kit_pdf(data)  # no exception
    assert "一墙之隔" in "".join(page_text(pdf, n) for n in range(len(page_sizes(pdf))))


def test_no_animation() -> None:
    data = replace(HONGQI, content=tuple(c for c in CONTENT if c.kind != ANIMATION))
    with pytest.raises(MissingDataError):
        animation.animation_pdf(data)
    assert animation.part(data).draw is None


def test_an_overlong_text_is_refused_naming_the_animation() -> None:
    item = ContentItem(ANIMATION, "长简介", "很长的简介。" * 200, extra={"link": LINK_1})
    with pytest.raises(ValueError, match="微动漫《长简介》"):
        animation.poster_pdf(item, HONGQI)
