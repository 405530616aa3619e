"""打印七个一: a village's seven printables in one PDF, every village's in one, what is
missing listed before printing, the registry of the seven."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from app.printing import outreach
from app.printing.outreach import kit
from app.printing.outreach.data import KitData
from app.printing.outreach.text import MissingDataError
from tests.printing.outreach.pdfs import (
    MM,
    embedded_fonts,
    outline,
    page_sizes,
    page_text,
    text,
)
from tests.printing.outreach.sample import HONGQI, TAOYUAN, bare

ROOT = Path(__file__).resolve().parents[3]
TITLES = [
    "明白卡",
    "大喇叭广播稿",
    "宣传册",
    "微动漫海报",
    "法律明白人名单",
    "评理说事点标牌",
    "装户图",
]
PORTRAIT = pytest.approx((210 * MM, 297 * MM))
LANDSCAPE = pytest.approx((297 * MM, 210 * MM))


def own_names(data: KitData) -> list[str]:
    """What only this village's kit may print."""
    names = [data.village, data.committee]
    names += [m.name for m in data.mediators] + [m.phone for m in data.mediators]
    names += [a.name for a in data.legal_advisers] + [a.phone for a in data.legal_advisers]
    if data.talk_point is not None:
        names += [data.talk_point.name, data.talk_point.address, data.talk_point.phone]
    for g in data.grids:
        names += [w.name for w in g.workers] + [h.head for h in g.households]
    names += [s.reader for s in data.broadcast_schedule]
    return [n for n in names if n]


def test_each_kit_has_its_villages_names_and_no_other_villages(
    hongqi_kit: bytes, taoyuan_kit: bytes
) -> None:
    mine, theirs = text(hongqi_kit), text(taoyuan_kit)
    for name in own_names(HONGQI):
        assert name in mine, name
    for name in own_names(TAOYUAN):
        assert name in theirs, name
    shared = {"青山镇"}
    for name in set(own_names(TAOYUAN)) - set(own_names(HONGQI)) - shared:
        assert name not in mine, name
    for name in set(own_names(HONGQI)) - set(own_names(TAOYUAN)) - shared:
        assert name not in theirs, name


def test_the_seven_in_order(hongqi_kit: bytes) -> None:
    marks = outline(hongqi_kit)
    assert [t for _level, t, _page in marks] == TITLES
    assert [p for _l, _t, p in marks] == [0, 2, 5, 7, 9, 10, 11]
    sizes = page_sizes(hongqi_kit)
    assert len(sizes) == 14
    landscape = {5, 6, 11, 12, 13}
    assert [s == (LANDSCAPE if n in landscape else PORTRAIT) for n, s in enumerate(sizes)] == [
        True
    ] * 14


def test_rare_characters_extract_intact(hongqi_kit: bytes) -> None:
    t = text(hongqi_kit)
    assert t.count("张𠀾") >= 10  # every card's back, the scripts, the brochure, the placard
    assert "郑𪚥国" in t
    assert "None" not in t and "{" not in t


def test_every_font_is_embedded(hongqi_kit: bytes) -> None:
    found = embedded_fonts(hongqi_kit)
    assert found and all(found.values()), found
    assert any("HanaMin" in f for f in found)  # the rare characters' fallback


def test_same_data_same_bytes(hongqi_kit: bytes) -> None:
    assert kit.village_kit_pdf(HONGQI) == hongqi_kit


def test_same_bytes_in_another_process(tmp_path: Path, hongqi_kit: bytes) -> None:
    out = tmp_path / "kit.pdf"
    code = (
        "import sys\n"
        "from app.printing.outreach.kit import village_kit_pdf\n"
        "from tests.printing.outreach.sample import HONGQI\n"
        "open(sys.argv[1], 'wb').write(village_kit_pdf(HONGQI))\n"
    )
    subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, check=True)
    assert out.read_bytes() == hongqi_kit


def test_metadata(hongqi_kit: bytes) -> None:
    from tests.printing.outreach.pdfs import reader

    meta = reader(hongqi_kit).metadata
    assert meta is not None
    assert meta.title == "红旗村“七个一”宣传资料"
    assert meta.author == "红旗村人民调解委员会"


def test_a_complete_village_has_no_problems() -> None:
    assert kit.kit_problems(HONGQI) == []
    assert kit.kit_problems(TAOYUAN) == []


def test_missing_advisers_and_talk_point_are_left_out_and_said(hongqi_kit: bytes) -> None:
    data = bare(HONGQI)
    problems = kit.kit_problems(data)
    assert problems == [
        "红旗村没有登记法律明白人，本次不打印法律明白人名单。",
        "红旗村没有登记评理说事点，本次不打印评理说事点标牌。",
    ]
    pdf = kit.village_kit_pdf(data)
    assert [t for _l, t, _p in outline(pdf)] == [t for t in TITLES if t not in TITLES[4:6]]
    assert len(page_sizes(pdf)) == 12
    t = text(pdf)
    assert "法律明白人名单" not in t and "来访请带上" not in t  # no blank placard


def test_problems_that_do_not_stop_printing() -> None:
    data = replace(
        TAOYUAN,
        legal_advisers=TAOYUAN.legal_advisers[:2],
        broadcast_schedule=(),
        mediators=(replace(TAOYUAN.mediators[0], phone=""),),
        content=(*TAOYUAN.content, replace(TAOYUAN.content[0], title="自定义", body="{村长}")),
    )
    problems = kit.kit_problems(data)
    assert "桃园村只登记了2名法律明白人，每村应至少3名。" in problems
    assert any("播放安排" in p for p in problems)
    assert "桃园村的调解员沈玉梅没有登记联系电话。" in problems
    assert any("{村长}" in p for p in problems)
    assert outline(kit.village_kit_pdf(data))[4][1] == "法律明白人名单"


def test_nothing_to_print() -> None:
    empty = KitData(village="空村")
    with pytest.raises(MissingDataError, match="空村"):
        kit.village_kit_pdf(empty)
    assert len(kit.kit_problems(empty)) >= 7


def test_all_villages_in_one_file(hongqi_kit: bytes, taoyuan_kit: bytes) -> None:
    calls: list[tuple[int, int, str]] = []
    empty = KitData(village="空村")
    pdf = kit.all_villages_kit_pdf(
        [HONGQI, empty, TAOYUAN], progress=lambda n, total, what: calls.append((n, total, what))
    )
    assert calls == [(1, 4, "红旗村"), (2, 4, "空村"), (3, 4, "桃园村"), (4, 4, kit.SAVE_STEP)]
    assert len(page_sizes(pdf)) == len(page_sizes(hongqi_kit)) + len(page_sizes(taoyuan_kit))
    marks = outline(pdf)
    villages = [(t, p) for level, t, p in marks if level == 0]
    assert villages == [("红旗村", 0), ("桃园村", 14)]
    assert [t for level, t, _p in marks if level == 1] == TITLES * 2
    first = "".join(page_text(pdf, n) for n in range(14))
    assert "沈玉梅" not in first and "张𠀾" in first


def test_all_villages_can_be_cancelled() -> None:
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) == 2  # stop before the second village

    with pytest.raises(kit.Cancelled):
        kit.all_villages_kit_pdf([HONGQI, TAOYUAN], cancelled=cancelled)
    assert len(asked) == 2
    with pytest.raises(MissingDataError):
        kit.all_villages_kit_pdf([KitData(village="空村")])


def test_the_registry_lists_the_seven() -> None:
    entries = outreach.printables()
    assert [e.title for e in entries] == TITLES
    assert [e.key for e in entries] == [
        "card", "broadcast", "brochure", "animation", "advisers", "talk_point", "household_chart",
    ]  # fmt: skip
    assert outreach.printable("brochure").orientation == "landscape"
    with pytest.raises(KeyError):
        outreach.printable("nothing")
    for e in entries:
        pdf = e.build(HONGQI)
        expected = LANDSCAPE if e.orientation == "landscape" else PORTRAIT
        assert all(s == expected for s in page_sizes(pdf)), e.key
        assert e.part(HONGQI, None, 0).draw is not None
        assert e.paper == "A4"
