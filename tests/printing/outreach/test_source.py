"""The kit read from the database: each village's own people, the office's own texts."""

from __future__ import annotations

from datetime import date

import pytest

from app.models import office
from app.models import outreach_content as oc
from app.models import registries as reg
from app.models.db import Database
from app.printing.outreach import kit, source
from app.printing.outreach.text import BLANK, is_contact_line
from tests.helpers import director, fill_demo
from tests.printing.outreach.pdfs import outline, page_text, text

TODAY = date(2026, 11, 20)


@pytest.fixture
def demo_db(database: Database) -> Database:
    fill_demo(database, today=TODAY)
    return database


def _village(db: Database, name: str) -> str:
    return next(v.id for v in office.villages(db) if v.name == name)


def _people(db: Database, village_id: str, *, members: bool = True) -> set[str]:
    """The names of the village: its 法律明白人, grid workers, heads of households and
    (``members``) their families, which a grid's privacy choice may leave off the chart."""
    names = {a.name for a in reg.LEGAL_ADVISERS.list(db, village_id=village_id)}
    names |= {w.name for w in reg.GRID_WORKERS.list(db, village_id=village_id)}
    for h in reg.HOUSEHOLDS.list(db, village_id=village_id):
        names |= {h.head_name, *(m.name for m in h.members if members)}
    return names


@pytest.mark.slow
def test_each_village_kit_names_its_own_people_and_nobody_elses(demo_db: Database) -> None:
    villages = {v.name: v.id for v in office.villages(demo_db)}
    people = {name: _people(demo_db, vid) for name, vid in villages.items()}
    for name, vid in villages.items():
        printed = text(kit.village_kit_pdf(source.kit_data(demo_db, vid)))
        assert name in printed
        always = _people(demo_db, vid, members=False)
        assert always and all(p in printed for p in always), name
        others = set().union(*(people[o] for o in villages if o != name)) - people[name]
        assert not [p for p in others if p in printed], name


def test_the_card_back_prints_each_contact_once_per_card(demo_db: Database) -> None:
    data = source.kit_data(demo_db, _village(demo_db, "红旗村"))
    pdf = kit.village_kit_pdf(data)
    back = page_text(pdf, 1)  # sheet 2: the backs of the ten cards
    phone = data.mediators[0].phone
    assert phone and back.count(phone) == 10
    assert back.count("12348") == 10


def test_an_edited_broadcast_reaches_the_kit(demo_db: Database) -> None:
    first = oc.items(demo_db, "broadcast")[0]
    oc.save_item(
        demo_db,
        first.key,
        "broadcast",
        "冬季防火也防纠纷",
        "各位乡亲，{村名}的调解员是{调解员}。",
        by=director(demo_db),
    )
    printed = text(kit.village_kit_pdf(source.kit_data(demo_db, _village(demo_db, "桃园村"))))
    assert "冬季防火也防纠纷" in printed
    assert "桃园村的调解员是" in printed
    assert "{村名}" not in printed and "{调解员}" not in printed


def test_a_village_without_a_talk_point_prints_blanks_and_is_told(demo_db: Database) -> None:
    data = source.kit_data(demo_db, _village(demo_db, "河东社区"))
    assert data.talk_point is None
    problems = kit.kit_problems(data)
    assert any("没有登记评理说事点" in p for p in problems)
    pdf = kit.village_kit_pdf(data)
    assert "评理说事点" not in [title for _level, title, _page in outline(pdf)]
    assert BLANK in text(pdf)  # the script's {评理说事点地址} is a line to fill in by hand
    assert "None" not in text(pdf)


def test_all_villages_in_one_file(demo_db: Database) -> None:
    datas = source.all_kit_data(demo_db, issued_on=TODAY)
    assert [d.village for d in datas] == [v.name for v in office.villages(demo_db)]
    pdf = kit.all_villages_kit_pdf(datas)
    top = [title for level, title, _page in outline(pdf) if level == 0]
    assert top == [d.village for d in datas]


@pytest.mark.parametrize(
    ("line", "contact"),
    [
        ("{村名}调解员：{调解员} {调解员电话}", True),
        ("法律咨询：12348公共法律服务热线", True),
        ("打架、家暴：马上打110", True),
        ("小事不出村，大事不出镇。", False),
        ("{村名}欢迎您", False),
        ("2026年11月起施行", False),
    ],
)
def test_contact_lines_are_recognised(demo_db: Database, line: str, contact: bool) -> None:
    data = source.kit_data(demo_db, _village(demo_db, "红旗村"))
    assert is_contact_line(line, data) is contact
