"""评理说事点: the placard, A4 or A3."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.printing.outreach import talk_point
from app.printing.outreach.data import TalkPoint
from app.printing.outreach.text import MissingDataError, TextTooLongError
from tests.printing.outreach.pdfs import MM, page_sizes, stream, text, text_positions
from tests.printing.outreach.sample import HONGQI


def test_a4_placard() -> None:
    pdf = talk_point.talk_point_pdf(HONGQI)
    assert page_sizes(pdf) == [pytest.approx((210 * MM, 297 * MM))]
    t = text(pdf)
    tp = HONGQI.talk_point
    assert tp is not None
    for expected in (
        tp.name,
        "地址" + tp.address,
        "开放时间周一至周五8:30—17:30",
        "值守人员" + tp.staff,
        "联系电话" + tp.phone,
        "来访请带上",
        "身份证件",
        "证据材料",
        "在这里，您可以",
        "12348",
    ):
        assert expected in t, expected
    sizes = [s for _p, piece, _x, _y, s in text_positions(pdf) if "评理说事点" in piece]
    assert max(sizes) >= 40  # the name, large


def test_a3_is_the_same_design_scaled() -> None:
    a4 = text_positions(talk_point.talk_point_pdf(HONGQI))
    pdf = talk_point.talk_point_pdf(HONGQI, paper="A3")
    assert page_sizes(pdf) == [pytest.approx((297 * MM, 420 * MM))]
    a3 = text_positions(pdf)
    assert [t for *_r, t, _x, _y, _s in [(0, *p[1:]) for p in a4]] == [p[1] for p in a3]
    scale = 297 / 210
    for (_p, _t, x4, y4, _s4), (_q, _u, x3, y3, _s3) in zip(a4, a3, strict=True):
        assert (x3, y3) == pytest.approx((x4 * scale, y4 * scale), abs=0.01)
    # the type grows with it: the whole page is drawn through one scaling
    assert f"{scale:.6f} 0 0 {scale:.6f} 0 0 cm" in stream(pdf, 0)
    with pytest.raises(ValueError):
        talk_point.talk_point_pdf(HONGQI, paper="B5")


def test_empty_fields_print_blanks_and_are_reported() -> None:
    data = replace(HONGQI, talk_point=TalkPoint("红旗村评理说事点", address="村委会"))
    pdf = talk_point.talk_point_pdf(data)
    assert "开放时间值守人员联系电话" in text(pdf)  # blanks to fill in by hand
    (problem,) = talk_point.problems(data)
    assert "开放时间、值守人员、联系电话" in problem


def test_no_talk_point_no_placard() -> None:
    data = replace(HONGQI, talk_point=None)
    with pytest.raises(MissingDataError, match="没有登记评理说事点"):
        talk_point.talk_point_pdf(data)
    made = talk_point.part(data)
    assert made.draw is None and made.problems == (
        "红旗村没有登记评理说事点，本次不打印评理说事点标牌。",
    )


def test_texts_too_long_for_the_placard_are_refused() -> None:
    tp = HONGQI.talk_point
    assert tp is not None
    long = replace(HONGQI, talk_point=replace(tp, hours="周一至周五上午八点半到下午五点半。" * 12))
    with pytest.raises(TextTooLongError, match="红旗村评理说事点"):
        talk_point.talk_point_pdf(long)
    assert talk_point.part(long).draw is None
    named = replace(HONGQI, talk_point=replace(tp, name="红旗村" * 12 + "评理说事点"))
    with pytest.raises(TextTooLongError, match="名称"):
        talk_point.talk_point_pdf(named)


def test_the_kit_takes_an_a3_placard() -> None:
    from app.printing.outreach import kit
    from tests.printing.outreach.pdfs import outline

    pdf = kit.village_kit_pdf(HONGQI, talk_point_paper="A3")
    (page,) = [p for _l, t, p in outline(pdf) if t == talk_point.TITLE]
    assert page_sizes(pdf)[page] == pytest.approx((297 * MM, 420 * MM))
    with pytest.raises(ValueError):
        kit.village_kit_pdf(HONGQI, talk_point_paper="B5")
