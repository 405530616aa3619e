"""大喇叭: large type for reading aloud, the schedule as a table, numbered pages."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from app.printing.outreach import broadcast
from app.printing.outreach.data import BROADCAST
from app.printing.outreach.text import MissingDataError
from tests.printing.outreach.pdfs import baselines, page_sizes, text, text_positions
from tests.printing.outreach.sample import CONTENT, HONGQI

PAGE_NUMBER = re.compile(r"^第\d+页 共\d+页$")


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return broadcast.broadcast_pdf(HONGQI)


def test_everything_read_aloud_is_at_least_20_pt(pdf: bytes) -> None:
    lines = [(t, s) for _p, _y, t, s in baselines(pdf) if not PAGE_NUMBER.match(t.strip())]
    assert len(lines) > 30
    small = [(t, s) for t, s in lines if s < 20 - 1e-6]
    assert small == []
    # the scripts themselves are 二号 (22 pt)
    sizes = {s for _p, t, _x, _y, s in text_positions(pdf) if "大家好" in t}
    assert sizes and all(s == pytest.approx(22) for s in sizes)


def test_pages_are_numbered_among_themselves(pdf: bytes) -> None:
    numbers = [t.strip() for _p, _y, t, _s in baselines(pdf) if PAGE_NUMBER.match(t.strip())]
    n = len(page_sizes(pdf))
    assert n > 1
    assert numbers == [f"第{k}页 共{n}页" for k in range(1, n + 1)]


def test_schedule_table_and_scripts(pdf: bytes) -> None:
    all_text = text(pdf)
    assert "红旗村“大喇叭”广播稿" in all_text
    assert "日期时间播音人" in all_text
    for row in (
        "2026年12月1日周二07:30王建华",
        "2026年12月1日周二18:00张𠀾",
        "2026年12月15日周二07:30林晓燕",
    ):
        assert row in all_text
    assert "一、有了纠纷找调解（约2分钟）" in all_text
    assert "二、邻里和睦一家亲" in all_text
    # the placeholders carry the village's own people
    assert "请联系村调解员王建华、张𠀾，电话13805710001、13905710002" in all_text
    assert "{" not in all_text


def test_schedule_is_sorted_by_date_and_time(pdf: bytes) -> None:
    shuffled = replace(HONGQI, broadcast_schedule=tuple(reversed(HONGQI.broadcast_schedule)))
    assert broadcast.broadcast_pdf(shuffled) == pdf


def test_empty_schedule_prints_rows_to_fill_in() -> None:
    data = replace(HONGQI, broadcast_schedule=())
    pdf = broadcast.broadcast_pdf(data)
    assert "日期时间播音人" in text(pdf)
    assert broadcast.problems(data) and "播放安排" in broadcast.problems(data)[0]
    assert broadcast.part(data).draw is not None


def test_no_script_is_refused() -> None:
    data = replace(HONGQI, content=tuple(c for c in CONTENT if c.kind != BROADCAST))
    with pytest.raises(MissingDataError, match="大喇叭"):
        broadcast.broadcast_pdf(data)
    made = broadcast.part(data)
    assert made.draw is None and "本次不打印" in made.problems[0]


def test_reading_time() -> None:
    assert broadcast.minutes("字" * 10) == 1
    assert broadcast.minutes("字" * (broadcast.CHARS_PER_MINUTE + 1)) == 2
