"""明白卡: ten 90 × 54 mm cards a sheet, crop marks in the margins, backs mirrored for
long-edge duplex, text that fits or a clear refusal."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.printing.outreach import card
from app.printing.outreach.data import CARD, Contact, ContentItem
from app.printing.outreach.text import MissingDataError, TextTooLongError
from tests.printing.outreach.pdfs import MM, lines, page_sizes, page_text, text_positions
from tests.printing.outreach.sample import CONTENT, HONGQI

A4 = (210 * MM, 297 * MM)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return card.card_pdf(HONGQI)


def rounded(segment: tuple[float, float, float, float]) -> tuple[float, ...]:
    x0, y0, x1, y1 = segment
    a, b = sorted([(round(x0, 2), round(y0, 2)), (round(x1, 2), round(y1, 2))])
    return (*a, *b)


def test_ten_cards_of_90_by_54_mm_centred_on_a4() -> None:
    size = (card.CARD_WIDTH, card.CARD_HEIGHT)
    assert size == pytest.approx((90 * MM, 54 * MM))
    origins = {card.card_origin(r, c) for r in range(5) for c in range(2)}
    assert len(origins) == 10
    assert min(x for x, _ in origins) == pytest.approx(15 * MM)
    assert max(x for x, _ in origins) + card.CARD_WIDTH == pytest.approx(195 * MM)
    assert min(y for _, y in origins) == pytest.approx(13.5 * MM)
    assert max(y for _, y in origins) + card.CARD_HEIGHT == pytest.approx(283.5 * MM)


def test_two_a4_sheets_fronts_then_backs(pdf: bytes) -> None:
    assert page_sizes(pdf) == [pytest.approx(A4), pytest.approx(A4)]
    assert page_text(pdf, 0).count("人民调解明白卡") == 10
    assert page_text(pdf, 1).count("遇到矛盾纠纷找我们") == 10
    assert page_text(pdf, 1).count("13905710002") == 10


def test_crop_marks_are_where_the_cuts_are_and_outside_the_cards(pdf: bytes) -> None:
    expected = {rounded(m) for m in card.crop_marks()}
    # the cut lines: x = 15, 105, 195 mm and y = 13.5 + 54k mm
    xs = {round(v * MM, 2) for v in (15, 105, 195)}
    ys = {round((13.5 + 54 * k) * MM, 2) for k in range(6)}
    assert {m[0] for m in expected if m[0] == m[2]} == xs
    assert {m[1] for m in expected if m[1] == m[3]} == ys
    assert len(expected) == 3 * 2 + 6 * 2
    for page in (0, 1):
        drawn = {rounded(s) for s in lines(pdf, page)}
        assert expected <= drawn, expected - drawn
    left, right = 15 * MM, 195 * MM
    bottom, top = 13.5 * MM, 283.5 * MM
    for x0, y0, x1, y1 in expected:
        inside = left < max(x0, x1) and min(x0, x1) < right
        inside = inside and bottom < max(y0, y1) and min(y0, y1) < top
        assert not inside, (x0, y0, x1, y1)
        # at least 2 mm clear of the cards, 6 mm long
        assert abs(x1 - x0) + abs(y1 - y0) == pytest.approx(6 * MM, abs=0.01)


def test_backs_are_mirrored_for_long_edge_flip() -> None:
    for r in range(card.ROWS):
        for c in range(card.COLUMNS):
            fx, fy = card.card_origin(r, c, "front")
            bx, by = card.card_origin(r, c, "back")
            # turned over about the vertical axis, the back's rectangle is the front's
            assert bx == pytest.approx(A4[0] - (fx + card.CARD_WIDTH))
            assert by == pytest.approx(fy)
    assert card.card_origin(0, 0, "back") == card.card_origin(0, 1, "front")
    with pytest.raises(ValueError):
        card.card_origin(0, 0, "side")


def test_all_text_stays_inside_the_cards(pdf: bytes) -> None:
    rects = [card.card_origin(r, c) for r in range(5) for c in range(2)]
    inset = card.INSET - 0.5
    for page, piece, x, y, _size in text_positions(pdf):
        if y > 283.5 * MM:  # the sheet's note in the top margin
            assert page in (0, 1) and ("正面" in piece or "背面" in piece)
            continue
        assert any(
            rx + inset <= x <= rx + card.CARD_WIDTH - inset
            and ry + inset <= y <= ry + card.CARD_HEIGHT - inset
            for rx, ry in rects
        ), (page, piece, x / MM, y / MM)


def test_back_has_the_villages_contacts(pdf: bytes) -> None:
    back = page_text(pdf, 1)
    for expected in ("王建华13805710001", "张𠀾13905710002", "红旗村评理说事点", "12348", "110"):
        assert expected in back


def test_placeholders_on_the_front_are_filled(pdf: bytes) -> None:
    front = page_text(pdf, 0)
    assert "先找红旗村的调解员或到红旗村评理说事点说一说" in front
    assert "{" not in front


def long_points(n: int) -> tuple[ContentItem, ...]:
    body = "\n".join(
        f"第{k}条：人民调解委员会调解民间纠纷，不收取任何费用，调解自愿。" for k in range(n)
    )
    return (ContentItem(CARD, "人民调解明白卡", body),)


def test_longer_text_shrinks_but_fits() -> None:
    data = replace(HONGQI, content=long_points(6))
    lay = card.layout_card(data)
    assert card.MIN_SIZE <= lay.front_size < card.BODY_SIZE
    pdf = card.card_pdf(data)
    sizes = {round(s, 2) for p, t, _x, _y, s in text_positions(pdf) if p == 0 and "第" in t}
    assert sizes == {round(lay.front_size, 2)}


def test_too_much_text_is_refused_naming_it() -> None:
    data = replace(HONGQI, content=long_points(20))
    with pytest.raises(TextTooLongError) as caught:
        card.card_pdf(data)
    message = str(caught.value)
    assert "明白卡正面" in message and "20条" in message and "最长的一条是“第10条" in message


def test_too_many_mediators_for_the_back_is_refused_naming_them() -> None:
    many = tuple(Contact(f"调解员{k}", f"1380571{k:04d}") for k in range(40))
    with pytest.raises(TextTooLongError) as caught:
        card.layout_card(replace(HONGQI, mediators=many))
    assert "明白卡背面" in str(caught.value) and "村调解员" in str(caught.value)


def test_no_card_content_is_refused() -> None:
    data = replace(HONGQI, content=tuple(c for c in CONTENT if c.kind != CARD))
    with pytest.raises(MissingDataError, match="明白卡"):
        card.card_pdf(data)
    assert card.part(data).draw is None


def test_without_mediators_the_committee_is_on_the_back() -> None:
    pdf = card.card_pdf(replace(HONGQI, mediators=()))
    assert "调委会：红旗村人民调解委员会" in page_text(pdf, 1)
