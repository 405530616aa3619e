"""The monthly report as PDF and xlsx: every figure, row and text shows, in the embedded
fonts, laid out inside the page; same data, same bytes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.models.monthly_report import (
    FIELD_LABELS,
    MAX_CHARS,
    MonthBar,
    MonthlyReportData,
    MonthlyTexts,
    report_data,
)
from app.models.stats import BY_LABELS, INDICATORS, Indicators
from app.printing import layout as L
from app.printing.monthly_report import (
    NOTE_OMITTED,
    PDF_BREAKDOWNS,
    SHEETS,
    SUB_INDICATORS,
    XLSX_BREAKDOWNS,
    axis_top,
    change_text,
    chart_title,
    monthly_report_pdf,
    monthly_report_xlsx,
    rate_text,
    shown_rows,
    unit_text,
    value_text,
    wan,
)
from tests.models.test_stats import TODAY, stats_office
from tests.printing.helpers import all_text, flat, footers, page_texts, reader
from tests.printing.test_fonts import check_embedded
from tests.printing.test_layout import check_lines as check_layout

TEXTS = MonthlyTexts(
    situation="本月全镇共受理矛盾纠纷7件，调解成功2件，调解成功率66.7%。\n未发生民转刑案件。",
    causes="一是邻里纠纷多发；\n二是婚姻家庭纠纷有所上升，涉及张𠮷祥等当事人。",
    measures="组织网格员开展拉网式排查，做到早发现、早报告、早化解。",
    plans="继续开展“七个一”宣传活动。",
)


def check_lines(pdf: bytes) -> None:
    """tests/printing/test_layout.py's check of every drawn line (inside the text block,
    no overlaps, page numbers, no "None", no closing mark at a line's start), except that
    a table cell may be a "%" (the unit of 调解成功率) or a "—" (no rate) of its own."""
    alone = {"%", "—"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(L, "CANNOT_START", L.CANNOT_START - alone)
        lines = check_layout(pdf)
    for line in lines:
        if line.text[0] in alone:
            assert line.text in alone, line


@pytest.fixture(scope="module")
def may(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MonthlyReportData]:
    """May 2026 of the hand-counted office of tests/models/test_stats.py, with TEXTS."""
    path: Path = tmp_path_factory.mktemp("monthly_pdf") / "stats.sqlite3"
    db = stats_office(path).db
    yield report_data(db, 2026, 5, today=TODAY, texts=TEXTS)
    db.close()


@pytest.fixture(scope="module")
def pdf(may: MonthlyReportData) -> bytes:
    return monthly_report_pdf(may)


def test_the_title_and_the_month(pdf: bytes) -> None:
    first = flat(page_texts(pdf)[0])
    assert first.startswith("青山镇2026年5月矛盾纠纷排查化解情况")
    assert "（统计期间：2026年5月1日至5月31日）" in first
    meta = reader(pdf).metadata
    assert meta is not None and meta.title == "青山镇2026年5月矛盾纠纷排查化解情况"


def test_a_month_not_yet_over_says_so_on_paper(may: MonthlyReportData) -> None:
    """Made on 20 November for November: the figures run to the 20th, and the report
    must not pass them off as the whole month (it goes up to the district)."""
    running = replace(may, made_on=date(2026, 5, 20))
    first = flat(page_texts(monthly_report_pdf(running))[0])
    assert "（统计期间：2026年5月1日至5月20日（本月尚未结束））" in first
    assert "超期未结按填报日统计" in first and "按月末统计" not in first
    ws = load_workbook(io.BytesIO(monthly_report_xlsx(running)))["指标"]
    assert "统计期间：2026年5月1日至5月20日（本月尚未结束）" in ws["A2"].value
    notes = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert any("超期未结按填报日统计" in n for n in notes)
    # made after the month: the whole month, counted at its end
    assert "超期未结按月末统计" in flat(page_texts(monthly_report_pdf(may))[0])


def test_every_indicator_with_its_value_last_year_and_change(
    pdf: bytes, may: MonthlyReportData
) -> None:
    text = all_text(pdf)
    this, last = may.report.this, may.report.last_year
    at = text.index("一、主要指标")
    for info in INDICATORS:
        row = (
            info.label
            + unit_text(info.name, info.unit)
            + value_text(info.name, this)
            + value_text(info.name, last)
            + change_text(info.name, this, last)
        )
        found = text.find(row, at)
        assert found > 0, row
        at = found + len(row)  # in the order of INDICATORS
    # the hand count (tests/models/test_stats.py): May 2026 against May 2025
    assert "受理数件72+5" in text
    assert "调解成功率%66.7%50.0%+16.7" in text  # 2/3 against 1/2, in percentage points
    assert "协议涉及金额万元0.170.30-0.13" in text  # 170000 fen against 300000 fen
    assert "超期未结件10+1" in text
    assert "其增减以百分点计" in text


def test_the_numbers_as_printed() -> None:
    assert rate_text(None) == "—" and rate_text(2 / 3) == "66.7%" and rate_text(1.0) == "100.0%"
    assert str(wan(170000)) == "0.17" and f"{wan(123_456_789):,}" == "123.46"
    assert str(wan(5000)) == "0.01"  # 50 元: half a hundredth of 万元 rounds up


def test_every_breakdown_row_with_figures(pdf: bytes, may: MonthlyReportData) -> None:
    text = all_text(pdf)
    assert NOTE_OMITTED in text
    at = text.index("二、分类情况")
    for n, by in enumerate(PDF_BREAKDOWNS, start=1):
        heading = f"（{'一二三'[n - 1]}）按{BY_LABELS[by]}"
        at = text.index(heading, at)
        for row in shown_rows(may.report.breakdowns[by]):
            cells = row.label + "".join(
                value_text(name, row.values)
                for name in ("accepted", "closed", "succeeded", "success_rate", "amount_fen")
            )
            found = text.find(cells, at)
            assert found > 0, cells
            at = found + len(cells)
    # May by category (hand count): 邻里 A D I, 婚姻家庭 B, 合同 C, 劳动争议 H, 道路交通事故 N
    assert "邻里321100.0%0.15" in text  # accepted A D I; closed A D; succeeded A (D withdrawn)
    assert "婚姻家庭111100.0%0.02" in text  # B: 20000 fen on the case
    assert "劳动争议100—0.00" in text  # H, still open
    assert "合计74266.7%0.17" in text
    # categories with nothing in May are left out of the PDF (all of them are in the xlsx)
    assert "山林土地" not in text


def test_the_chart(pdf: bytes, may: MonthlyReportData) -> None:
    text = all_text(pdf)
    assert "三、本年各月情况" in text
    assert "2026年1—5月各月受理案件数和调解成功率" in text
    assert chart_title(may.months, 2026) == "2026年1—5月各月受理案件数和调解成功率"
    assert chart_title(may.months[:1], 2026) == "2026年1月各月受理案件数和调解成功率"
    chart_page = next(t for t in page_texts(pdf) if "三、本年各月情况" in t)
    assert all(f"{m}月" in chart_page for m in range(1, 6))
    assert "受理数（件，左轴）" in flat(chart_page) and "调解成功率（右轴）" in flat(chart_page)
    assert "100%" in chart_page
    # under the months, their figures: accepted, and the rate ("—": nothing mediated)
    assert "受理数10027" in flat(chart_page)
    assert "成功率100.0%———66.7%" in flat(chart_page)


def test_axis_tops() -> None:
    assert axis_top(0) == (5, 1)
    assert axis_top(5) == (5, 1)
    assert axis_top(7) == (10, 2)
    assert axis_top(11) == (15, 3)
    assert axis_top(240) == (250, 50)
    assert axis_top(2600) == (5000, 1000)
    assert axis_top(30000) == (50000, 10000)
    assert axis_top(26000) == (50000, 10000)


def test_the_four_texts_and_the_foot(pdf: bytes) -> None:
    text = all_text(pdf)
    at = text.index("三、本年各月情况")
    for number, (name, label) in zip("四五六七", FIELD_LABELS.items(), strict=True):
        at = text.index(f"{number}、{label}", at)
        for paragraph in getattr(TEXTS, name).split("\n"):
            at = text.index(flat(paragraph), at)
    assert "张𠮷祥" in text  # a rare character prints (and extracts)
    assert text.index("填报单位：青山镇人民调解委员会（盖章）") > at
    assert "填报人：李主任" in text and "填报日期：2026年11月20日" in text


def test_fonts_are_embedded_and_everything_is_inside_the_page(pdf: bytes) -> None:
    faces = " ".join(check_embedded(pdf))
    assert "NotoSerifSC" in faces and "HanaMin" in faces  # 𠮷 from the fallback font
    check_lines(pdf)
    assert footers(pdf) == [f"第{i}页 共4页" for i in range(1, 5)]


def test_same_data_same_bytes(may: MonthlyReportData, pdf: bytes) -> None:
    again = replace(may, texts=MonthlyTexts(**dict(TEXTS.items())))
    assert monthly_report_pdf(again) == pdf
    assert monthly_report_xlsx(again) == monthly_report_xlsx(may)


def test_empty_texts_print_a_blank_area(may: MonthlyReportData) -> None:
    blank = monthly_report_pdf(replace(may, texts=MonthlyTexts(), made_by=""))
    text = all_text(blank)
    assert "None" not in text
    for number, label in zip("四五六七", FIELD_LABELS.values(), strict=True):
        assert f"{number}、{label}" in text
    # nothing between the headings but the ruled lines to write on
    assert "四、总体情况五、主要原因和特点六、工作措施七、下步打算填报单位" in text
    assert "填报人：填报日期" in text  # a blank to fill in, not "None"
    check_lines(blank)


def test_very_long_texts_flow_onto_further_pages(may: MonthlyReportData) -> None:
    sentence = "本月全镇各村（社区）共排查矛盾纠纷，调解成功率保持较高水平，未发生民转刑案件。"
    long_text = (sentence * 60)[: MAX_CHARS - 20] + "\n最后一段。"
    texts = MonthlyTexts(situation=long_text, causes=long_text, measures=long_text, plans="完")
    pdf = monthly_report_pdf(replace(may, texts=texts))
    pages = len(reader(pdf).pages)
    assert pages >= 3 + 4 * 2  # each text a little under three pages of 3号 type
    text = all_text(pdf)
    assert text.count(flat(long_text)) == 3  # every character, in order, nothing cut off
    assert text.endswith(
        "七、下步打算完填报单位：青山镇人民调解委员会（盖章）填报人：李主任填报日期：2026年11月20日"
    )
    check_lines(pdf)


def test_a_quiet_month_and_january(may: MonthlyReportData) -> None:
    """A January with nothing at all: one month in the chart, zeros and "—" in the tables."""
    nothing = Indicators()
    quiet = replace(
        may,
        month=1,
        months=(MonthBar(1, 0, 0, 0),),
        report=replace(may.report, this=nothing, last_year=nothing),
    )
    pdf = monthly_report_pdf(quiet)
    text = all_text(pdf)
    assert "受理数件000" in text
    assert "调解成功率%——" in text  # no rate, no change
    assert "2026年1月各月受理案件数和调解成功率" in text
    check_lines(pdf)


def test_a_long_place_name_breaks_the_title_in_two(may: MonthlyReportData) -> None:
    pdf = monthly_report_pdf(replace(may, town="青山县经济技术开发区"))
    first = page_texts(pdf)[0].splitlines()
    assert first[0].strip() == "青山县经济技术开发区2026年5月"
    assert first[1].strip() == "矛盾纠纷排查化解情况"
    check_lines(pdf)


# ---------------------------------------------------------------------------------------
# The xlsx


def test_the_xlsx_has_every_figure_row_and_text(may: MonthlyReportData) -> None:
    book = load_workbook(io.BytesIO(monthly_report_xlsx(may)))
    assert book.sheetnames == list(SHEETS)
    ws = book["指标"]
    assert ws["A1"].value == "青山镇2026年5月矛盾纠纷排查化解情况"
    assert "统计期间：2026年5月1日至5月31日" in ws["A2"].value
    assert [c.value for c in ws[4]] == ["指标", "单位", "本月", "去年同月", "增减"]
    rows = {
        r[0]: r[1:] for r in ws.iter_rows(min_row=5, max_row=4 + len(INDICATORS), values_only=True)
    }
    assert list(rows) == [i.label for i in INDICATORS]
    this, last = may.report.this, may.report.last_year
    for info in INDICATORS:
        unit, now, before, change = rows[info.label]
        if info.name == "amount_fen":
            assert (unit, now, before, change) == ("元", 1700.0, 3000.0, -1300.0)
        elif info.name == "success_rate":
            assert unit == "%" and now == pytest.approx(2 / 3) and before == 0.5
            assert change == pytest.approx(2 / 3 - 0.5)
        else:
            v, w = getattr(this, info.name), getattr(last, info.name)
            assert (unit, now, before, change) == ("件", v, w, v - w), info.label
    assert (
        ws.cell(
            row=5 + INDICATORS.index(next(i for i in INDICATORS if i.name == "success_rate")),
            column=3,
        ).number_format
        == "0.0%"
    )
    sub = next(i for i in INDICATORS if i.name in SUB_INDICATORS)
    assert ws.cell(row=5 + INDICATORS.index(sub), column=1).alignment.indent == 1


def test_the_xlsx_breakdowns_have_every_row(may: MonthlyReportData) -> None:
    book = load_workbook(io.BytesIO(monthly_report_xlsx(may)))
    assert [by for _sheet, by in XLSX_BREAKDOWNS] == [
        "category",
        "source",
        "village",
        "committee",
        "mediator",
    ]
    for sheet, by in XLSX_BREAKDOWNS:
        ws = book[sheet]
        header = [c.value for c in ws[4]]
        assert header[0] == BY_LABELS[by]
        assert header[1:] == [
            f"{i.label}（{'元' if i.name == 'amount_fen' else i.unit}）" for i in INDICATORS
        ]
        rows = list(
            ws.iter_rows(min_row=5, max_row=4 + len(may.report.breakdowns[by]), values_only=True)
        )
        assert [r[0] for r in rows] == [r.label for r in may.report.breakdowns[by]]
        accepted = header.index("受理数（件）")
        assert [r[accepted] for r in rows] == [r.values.accepted for r in may.report.breakdowns[by]]
        assert rows[-1][0] == "合计"
    category = {r[0]: r[1:] for r in book["按纠纷类型"].iter_rows(min_row=5, values_only=True)}
    assert category["山林土地"][1] == 0  # every category, zeros too
    assert category["邻里"][1] == 3


def test_the_xlsx_months_and_texts(may: MonthlyReportData) -> None:
    book = load_workbook(io.BytesIO(monthly_report_xlsx(may)))
    months = list(book["各月情况"].iter_rows(min_row=5, values_only=True))
    assert [r[:4] for r in months] == [
        ("1月", 1, 1, 1),
        ("2月", 0, 0, 0),
        ("3月", 0, 0, 0),
        ("4月", 2, 0, 0),
        ("5月", 7, 3, 2),
    ]
    assert [r[4] for r in months][:2] == [1.0, "—"]
    texts = {r[0]: r[1] for r in book["情况说明"].iter_rows(min_row=5, values_only=True) if r[0]}
    for name, label in FIELD_LABELS.items():
        assert texts[label] == getattr(TEXTS, name)
    assert texts["填报单位"] == "青山镇人民调解委员会"
    assert texts["填报人"] == "李主任"
    assert texts["填报日期"].date() == date(2026, 11, 20)
    empty = load_workbook(io.BytesIO(monthly_report_xlsx(replace(may, texts=MonthlyTexts()))))
    values = [r[1] for r in empty["情况说明"].iter_rows(min_row=5, max_row=8, values_only=True)]
    assert values == [None] * 4  # empty cells, never "None"


def test_a_text_that_looks_like_a_formula_stays_text(may: MonthlyReportData) -> None:
    odd = MonthlyTexts(situation="=SUM(A1:A3)", causes="http://example.com", measures="0012")
    book = load_workbook(io.BytesIO(monthly_report_xlsx(replace(may, texts=odd))))
    cells = [r[1] for r in book["情况说明"].iter_rows(min_row=5, max_row=7, values_only=True)]
    assert cells == ["=SUM(A1:A3)", "http://example.com", "0012"]
    assert book["情况说明"]["B5"].data_type == "s"
