"""法律明白人: the roster notice."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.printing import layout as L
from app.printing.fonts import get_fonts
from app.printing.outreach import advisers
from app.printing.outreach import canvas as K
from app.printing.outreach.data import LegalAdviser
from app.printing.outreach.text import MissingDataError
from tests.printing.outreach.pdfs import baselines, page_sizes, text, text_positions
from tests.printing.outreach.sample import HONGQI, TAOYUAN


def test_roster_with_names_phones_areas_committee_and_date() -> None:
    pdf = advisers.advisers_pdf(HONGQI)
    assert len(page_sizes(pdf)) == 1
    t = text(pdf)
    assert t.startswith("红旗村法律明白人名单")
    assert "序号姓名联系电话负责区域" in t
    for n, a in enumerate(HONGQI.legal_advisers, start=1):
        assert f"{n}{a.name}{a.phone}{a.area}" in t
    assert t.endswith("红旗村人民调解委员会2026年11月20日")
    assert "第1页" not in t  # one page: no page number


def test_the_foot_is_right_aligned_four_characters_in() -> None:
    pdf = advisers.advisers_pdf(HONGQI)
    committee = "红旗村人民调解委员会"
    (y,) = [y for _p, y, t, _s in baselines(pdf) if t == committee]
    x = min(x for _p, _t, x, yy, _s in text_positions(pdf) if round(yy, 1) == y)
    right = x + K.text_width(committee, L.SIZE_3, get_fonts())
    # its right end is four 三号 characters (and the cell's 1 pt) in from the text block's
    assert right == pytest.approx(L.MARGIN_LEFT + L.BLOCK_WIDTH - 4 * L.SIZE_3 - 1, abs=0.5)


def test_a_long_roster_runs_over_pages_numbered() -> None:
    many = tuple(LegalAdviser(f"明白人{k}", f"1360571{k:04d}", f"{k}组") for k in range(40))
    pdf = advisers.advisers_pdf(replace(HONGQI, legal_advisers=many))
    n = len(page_sizes(pdf))
    assert n >= 2
    t = text(pdf)
    assert t.count("序号姓名联系电话负责区域") == n  # the header row repeats
    assert f"第{n}页共{n}页" in t
    assert all(f"明白人{k}1360571{k:04d}" in t for k in range(40))


def test_no_advisers_no_notice_and_fewer_than_three_is_reported() -> None:
    with pytest.raises(MissingDataError, match="红旗村没有登记法律明白人"):
        advisers.advisers_pdf(replace(HONGQI, legal_advisers=()))
    made = advisers.part(replace(HONGQI, legal_advisers=()))
    assert made.draw is None and "本次不打印" in made.problems[0]
    two = replace(TAOYUAN, legal_advisers=TAOYUAN.legal_advisers[:2])
    made = advisers.part(two)
    assert made.draw is not None
    assert any("只登记了2名" in p and "至少3名" in p for p in made.problems)
    assert advisers.part(TAOYUAN).problems == ()
