"""装户图: boxes in house-number order; privacy options really take the data out."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from app.printing.outreach import household_chart as chart
from app.printing.outreach.data import ChartOptions, Contact, Grid, Household, Member
from app.printing.outreach.text import MissingDataError
from tests.printing.outreach.pdfs import MM, page_sizes, page_text, text, text_positions
from tests.printing.outreach.sample import HONGQI

FAMILY = (
    Household(
        "10号", "王大明", "13812345678", (Member("钱淑芳", "配偶"), Member("王小军", "长子"))
    ),
    Household("2号", "李𠀾英", "13912345678", (Member("周桂花", "母亲"),)),
    Household("1号", "郑𪚥国", "13712345678", ()),
    Household("2号附1", "赵德胜", "0571-88880000", (Member("赵小燕", "长女"),)),
)
WORKER = Contact("林晓燕", "13705710021")


def grid(**options: bool) -> Grid:
    return Grid("第一网格", (WORKER,), FAMILY, ChartOptions(**options))


def chart_of(g: Grid) -> bytes:
    return chart.grid_chart_pdf(HONGQI, g)


def test_title_names_the_grid_and_its_worker() -> None:
    pdf = chart_of(grid(mask_phones=False))
    assert page_sizes(pdf) == [pytest.approx((297 * MM, 210 * MM))]
    t = text(pdf)
    assert "红旗村第一网格装户图" in t
    assert "网格员：林晓燕13705710021" in t
    assert "共4户8人" in t
    assert "内部资料注意保密" in t


def test_houses_in_natural_order_row_by_row() -> None:
    pdf = chart_of(grid(mask_phones=False))
    numbers = ["1号", "2号", "2号附1", "10号"]
    spots = {}
    for _p, piece, x, y, _s in text_positions(pdf):
        if piece in numbers:
            spots[piece] = (x, y)
    assert list(spots) and set(spots) == set(numbers)
    g = chart.grill(ChartOptions(mask_phones=False))
    for k, number in enumerate(numbers):
        x, y = g.origin(k)
        w, h = g.box
        sx, sy = spots[number]
        assert x < sx < x + w and y + h - chart.STRIP < sy < y + h, number


def test_full_chart_shows_heads_members_counts_phones() -> None:
    t = text(chart_of(grid(mask_phones=False)))
    for expected in (
        "户主王大明",
        "13812345678",
        "配偶钱淑芳",
        "长子王小军",
        "3人",
        "户主郑𪚥国",
        "李𠀾英",
    ):
        assert expected in t, expected


def test_mask_phones() -> None:
    t = text(chart_of(grid(mask_phones=True)))
    assert "138****5678" in t and "139****5678" in t and "057****0000" in t
    for phone in ("13812345678", "13912345678", "88880000", "12345678"):
        assert phone not in t
    assert "13705710021" in t  # the grid worker's work phone stays
    assert "电话号码隐去中间四位" in t


def test_hide_members_keeps_the_count_only() -> None:
    t = text(chart_of(grid(mask_phones=False, hide_members=True)))
    for name in ("钱淑芳", "王小军", "周桂花", "赵小燕", "配偶", "长子"):
        assert name not in t
    assert "3人" in t and "王大明" in t and "13812345678" in t
    assert "只列人数、不列家庭成员姓名" in t


def test_heads_only_shows_nothing_but_heads() -> None:
    t = text(chart_of(grid(mask_phones=False, heads_only=True)))
    for gone in ("钱淑芳", "王小军", "周桂花", "赵小燕", "1381234", "****", "3人", "2人"):
        assert gone not in t
    for head in ("王大明", "李𠀾英", "郑𪚥国", "赵德胜"):
        assert head in t
    assert "仅列户主姓名" in t


def test_never_an_id_number() -> None:
    sneaky = (
        Household(
            "3号", "孙丽华", "330102197503021234", (Member("孙小军 33010219900101002X", "长子"),)
        ),
        *FAMILY,
    )
    pdf = chart_of(replace(grid(mask_phones=False), households=sneaky))
    t = text(pdf)
    assert re.search(r"\d{15,}", t) is None
    assert "33010219900101002X" not in t and "（证件号码不打印）" in t
    for options in (dict(mask_phones=True), dict(hide_members=True), dict(heads_only=True)):
        t = text(chart_of(replace(grid(**options), households=sneaky)))
        assert re.search(r"\d{15,}|\d{17}[\dX]", t) is None


def test_many_households_run_over_numbered_pages() -> None:
    many = tuple(Household(f"{k}号", f"户主{k}", f"1381234{k:04d}") for k in range(1, 46))
    pdf = chart_of(Grid("第三网格", (WORKER,), many, ChartOptions()))
    per = chart.grill(ChartOptions()).per_page
    pages = -(-45 // per)
    assert len(page_sizes(pdf)) == pages
    assert f"第{pages}页共{pages}页" in page_text(pdf, pages - 1)
    assert "45号" in page_text(pdf, pages - 1) and "1号" in page_text(pdf, 0)


def test_a_crowded_household_shrinks_then_counts_the_rest() -> None:
    family = tuple(Member(f"成员甲乙{k}", "孙子") for k in range(30))
    g = Grid("第一网格", (WORKER,), (Household("1号", "王大明", "", family),), ChartOptions())
    t = text(chart_of(g))
    assert "等30人" in t and "31人" in t
    # every box keeps its text inside it
    pdf = chart_of(g)
    x, y = chart.grill(g.options).origin(0)
    w, h = chart.grill(g.options).box
    for _p, piece, px, py, _s in text_positions(pdf):
        if "成员" in piece or "孙子" in piece:
            assert x <= px <= x + w and y <= py <= y + h


def test_every_grid_gets_its_chart_with_its_own_options() -> None:
    pdf = chart.household_chart_pdf(HONGQI)
    t = text(pdf)
    assert "红旗村第一网格装户图" in t
    # the first grid shows phones and members, the second masks phones and hides members
    first = page_text(pdf, 0)
    assert "13812340000" in first and "钱淑芳" in first
    second = page_text(pdf, len(page_sizes(pdf)) - 1)
    assert "红旗村第二网格装户图" in second
    assert "138****0001" in second and re.search(r"1381234\d{4}", second) is None
    assert "钱淑芳" not in second and "韩守义" in second


def test_no_households_no_chart() -> None:
    empty = replace(HONGQI, grids=(Grid("第一网格", (WORKER,)),))
    with pytest.raises(MissingDataError, match="装户图"):
        chart.household_chart_pdf(empty)
    made = chart.part(empty)
    assert made.draw is None and "本次不打印装户图" in made.problems[0]
    partly = replace(HONGQI, grids=(*HONGQI.grids, Grid("第三网格")))
    assert any("第三网格没有登记住户" in p for p in chart.part(partly).problems)
