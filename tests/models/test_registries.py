"""The village registries: grids, committees, mediators, grid workers, 法律明白人, 评理说事点,
households, chart options, the 大喇叭 schedule, and the kit data and gaps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from app.models import accounts, cases, office
from app.models import registries as reg
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import DomainError, InUseError, NotFoundError, ValidationError
from tests.helpers import edit_entry
from tests.models.helpers import register, user


def _village(db: Database, name: str = "红旗村") -> str:
    return next(v.id for v in office.villages(db) if v.name == name)


def _grid(db: Database, name: str = "第一网格", village: str = "红旗村") -> str:
    return reg.GRIDS.add(db, by=user(db), village_id=_village(db, village), name=name)


def _dump(db: Database) -> list[str]:
    return list(db.conn.iterdump())


def _second_user(db: Database) -> Actor:
    """A second 主任 (a 副主任): another user whose name the rows must carry."""
    from app.models import rows

    with db.transaction() as conn:
        uid = rows.insert(conn, "users", {"name": "张文书", "role": "director"}, by="system")
    return accounts.acting_as(db, uid)


# --------------------------------------------------------------------------- natural order


def test_natural_key_orders_numbers_as_numbers() -> None:
    numbers = ["10", "2", "3-1", "3", "1", "20", "2-1", "3-2", "B2", "B10"]
    assert sorted(numbers, key=reg.natural_key) == [
        "1",
        "2",
        "2-1",
        "3",
        "3-1",
        "3-2",
        "10",
        "20",
        "B2",
        "B10",
    ]
    grids = ["第十网格", "第二网格", "第三网格", "第十一网格", "第一网格"]
    assert sorted(grids, key=reg.natural_key) == [
        "第一网格",
        "第二网格",
        "第三网格",
        "第十网格",
        "第十一网格",
    ]


# --------------------------------------------------------------------------- grids


def test_grids_are_listed_per_village_in_natural_order(office_db: Database) -> None:
    # Villages in the office's order (红旗村 before 桃园村, as the set-up entered them).
    for name in ("第十网格", "第二网格", "第三网格"):
        _grid(office_db, name)
    _grid(office_db, "第一网格", "桃园村")
    assert [g.name for g in reg.GRIDS.list(office_db, village_id=_village(office_db))] == [
        "第二网格",
        "第三网格",
        "第十网格",
    ]
    everything = reg.GRIDS.list(office_db)
    assert [(g.village_name, g.name) for g in everything] == [
        ("红旗村", "第二网格"),
        ("红旗村", "第三网格"),
        ("红旗村", "第十网格"),
        ("桃园村", "第一网格"),
    ]


def test_the_registries_list_villages_in_the_offices_order_not_by_name(
    office_db: Database,
) -> None:
    by = user(office_db)
    added = reg.VILLAGES.add(office_db, by=by, name="安乐村", kind="village")  # 安 sorts first
    reg.VILLAGES.retire(office_db, _village(office_db, "桃园村"), by=by)
    office_order = [v.name for v in office.villages(office_db, include_retired=True)]
    assert office_order == ["红旗村", "桃园村", "河东社区", "安乐村"]
    assert [v.name for v in reg.VILLAGES.list(office_db, include_retired=True)] == office_order
    assert [v.name for v in reg.VILLAGES.list(office_db)] == ["红旗村", "河东社区", "安乐村"]
    # Everything listed by village follows the same order: grids, their workers …
    for village in ("安乐村", "河东社区", "红旗村"):
        grid = _grid(office_db, "第一网格", village)
        reg.GRID_WORKERS.add(office_db, by=by, grid_id=grid, name=f"{village[:2]}网格员")
    assert [g.village_name for g in reg.GRIDS.list(office_db)] == ["红旗村", "河东社区", "安乐村"]
    workers = reg.GRID_WORKERS.list(office_db)
    assert [w.village_name for w in workers] == ["红旗村", "河东社区", "安乐村"]
    assert added == _village(office_db, "安乐村")


def test_grid_names_are_unique_within_their_village(office_db: Database) -> None:
    _grid(office_db, "第一网格")
    with pytest.raises(ValidationError) as exc:
        _grid(office_db, " 第一网格 ")
    assert exc.value.field == "网格名称" and "红旗村已经有" in exc.value.message
    _grid(office_db, "第一网格", "桃园村")  # another village may use the name
    with pytest.raises(ValidationError) as exc:
        _grid(office_db, "  ")
    assert exc.value.field == "网格名称"


def test_a_grid_is_added_only_under_a_village_in_use(office_db: Database) -> None:
    grid = _grid(office_db)
    with pytest.raises(ValidationError) as exc:
        reg.GRIDS.add(office_db, by=user(office_db), village_id=grid, name="子网格")
    assert exc.value.field == "村（社区）"
    taoyuan = _village(office_db, "桃园村")
    with office_db.transaction() as conn:  # no service retires a village (yet)
        conn.execute("UPDATE places SET retired = 1 WHERE id = ?", (taoyuan,))
    with pytest.raises(ValidationError) as exc:
        reg.GRIDS.add(office_db, by=user(office_db), village_id=taoyuan, name="第一网格")
    assert exc.value.field == "村（社区）" and "停用" in exc.value.message


def test_rename_retire_reinstate_a_grid(office_db: Database) -> None:
    grid = _grid(office_db)
    edit_entry(reg.GRIDS, office_db, grid, by=user(office_db), name="东片网格")
    assert reg.GRIDS.get(office_db, grid).name == "东片网格"
    house = reg.HOUSEHOLDS.add(
        office_db, by=user(office_db), grid_id=grid, house_number="1", head_name="王德胜"
    )
    reg.GRIDS.retire(office_db, grid, by=user(office_db))
    assert reg.GRIDS.list(office_db) == []
    assert [g.id for g in reg.GRIDS.list(office_db, include_retired=True)] == [grid]
    # its households leave the lists with it, and stay in the database
    assert reg.HOUSEHOLDS.list(office_db) == []
    assert [h.id for h in reg.HOUSEHOLDS.list(office_db, include_retired=True)] == [house]
    with pytest.raises(ValidationError) as exc:
        reg.HOUSEHOLDS.add(
            office_db, by=user(office_db), grid_id=grid, house_number="2", head_name="李四"
        )
    assert exc.value.field == "网格" and "停用" in exc.value.message
    # a new grid takes the name; the old one cannot come back under it
    _grid(office_db, "东片网格")
    with pytest.raises(ValidationError) as exc:
        reg.GRIDS.reinstate(office_db, grid, by=user(office_db))
    assert exc.value.field == "网格名称"
    edit_entry(reg.GRIDS, office_db, grid, by=user(office_db), name="西片网格")
    reg.GRIDS.reinstate(office_db, grid, by=user(office_db))
    assert [h.id for h in reg.HOUSEHOLDS.list(office_db)] == [house]


def test_a_grid_in_use_is_not_deleted_but_one_entered_by_mistake_is(office_db: Database) -> None:
    grid = _grid(office_db)
    reg.HOUSEHOLDS.add(
        office_db, by=user(office_db), grid_id=grid, house_number="1", head_name="王德胜"
    )
    reg.save_chart_options(office_db, reg.ChartOptions(grid, mask_phones=False), by=user(office_db))
    before = _dump(office_db)
    with pytest.raises(InUseError) as exc:
        reg.GRIDS.delete(office_db, grid, by=user(office_db))
    assert "1 户住户" in exc.value.message and "停用" in exc.value.message
    assert exc.value.references == ("1 户住户",)
    assert _dump(office_db) == before  # the chart options were not deleted either
    with pytest.raises(NotFoundError):  # a village is not retired as a grid
        reg.GRIDS.retire(office_db, _village(office_db), by=user(office_db))
    mistake = _grid(office_db, "第九网格")
    reg.save_chart_options(office_db, reg.ChartOptions(mistake), by=user(office_db))
    reg.GRIDS.delete(office_db, mistake, by=user(office_db))
    assert [g.name for g in reg.GRIDS.list(office_db, include_retired=True)] == ["第一网格"]
    with pytest.raises(NotFoundError):
        reg.GRIDS.get(office_db, mistake)


# --------------------------------------------------------------------------- committees


def test_a_village_committee_takes_its_level_and_defaults_from_its_place(
    office_db: Database,
) -> None:
    by = user(office_db)
    hongqi = reg.COMMITTEES.add(
        office_db, by=by, place_id=_village(office_db), name="红旗村人民调解委员会"
    )
    hedong = reg.COMMITTEES.add(
        office_db,
        by=by,
        place_id=_village(office_db, "河东社区"),
        name="河东社区人民调解委员会",
        abbr="河东",
        seal_text="河东社区人民调解委员会（印）",
    )
    listed = reg.COMMITTEES.list(office_db)
    assert [c.name for c in listed] == [  # the town's, then by village in the office's order
        "青山镇人民调解委员会",
        "红旗村人民调解委员会",
        "河东社区人民调解委员会",
    ]
    assert listed[0].main and listed[0].level == "town"
    h = reg.COMMITTEES.get(office_db, hongqi)
    assert (h.level, h.place_name, h.abbr, h.seal_text) == (
        "village",
        "红旗村",
        "红旗村",
        "红旗村人民调解委员会",
    )
    d = reg.COMMITTEES.get(office_db, hedong)
    assert (d.level, d.abbr, d.seal_text) == ("community", "河东", "河东社区人民调解委员会（印）")
    assert reg.village_committee(office_db, _village(office_db)) == h
    assert reg.village_committee(office_db, _village(office_db, "桃园村")) is None
    row = office_db.one("SELECT parent_id, updated_by FROM committees WHERE id = ?", (hongqi,))
    assert row is not None
    assert (row[0], row[1]) == (office.main_committee(office_db).id, by.user_id)


def test_one_committee_per_village_and_unique_names(office_db: Database) -> None:
    by = user(office_db)
    reg.COMMITTEES.add(office_db, by=by, place_id=_village(office_db), name="红旗村人民调解委员会")
    with pytest.raises(ValidationError) as exc:
        reg.COMMITTEES.add(office_db, by=by, place_id=_village(office_db), name="红旗村第二调委会")
    assert exc.value.field == "村（社区）" and "只设一个调委会" in exc.value.message
    with pytest.raises(ValidationError) as exc:
        reg.COMMITTEES.add(
            office_db, by=by, place_id=_village(office_db, "桃园村"), name="红旗村人民调解委员会"
        )
    assert exc.value.field == "调委会名称"
    with pytest.raises(ValidationError) as exc:
        reg.COMMITTEES.add(
            office_db,
            by=by,
            place_id=_village(office_db, "桃园村"),
            name="桃园村调委会",
            abbr="桃 园",
        )
    assert exc.value.field == "编号简称"


def test_edit_and_retire_committees(office_db: Database) -> None:
    by = user(office_db)
    c = reg.COMMITTEES.add(office_db, by=by, place_id=_village(office_db), name="红旗村调委会")
    edit_entry(
        reg.COMMITTEES,
        office_db,
        c,
        by=by,
        name="红旗村人民调解委员会",
        abbr="红旗",
        seal_text="",
    )
    edited = reg.COMMITTEES.get(office_db, c)
    assert (edited.name, edited.abbr, edited.seal_text) == (
        "红旗村人民调解委员会",
        "红旗",
        "红旗村人民调解委员会",
    )
    main = office.main_committee(office_db).id
    with pytest.raises(DomainError) as exc:
        reg.COMMITTEES.retire(office_db, main, by=by)
    assert "不能停用" in exc.value.message
    m = reg.MEDIATORS.add(office_db, by=by, name="周德福", committee_id=c)
    with pytest.raises(DomainError) as exc:
        reg.COMMITTEES.retire(office_db, c, by=by)
    assert "1 名在任调解员" in exc.value.message
    reg.MEDIATORS.retire(office_db, m, by=by)
    reg.COMMITTEES.retire(office_db, c, by=by)
    assert [x.id for x in reg.COMMITTEES.list(office_db)] == [main]
    assert reg.village_committee(office_db, _village(office_db)) is None
    reg.COMMITTEES.reinstate(office_db, c, by=by)
    assert reg.village_committee(office_db, _village(office_db)) is not None


def test_committees_with_mediators_or_cases_are_not_deleted(office_db: Database) -> None:
    by = user(office_db)
    main = office.main_committee(office_db).id
    with pytest.raises(DomainError):
        reg.COMMITTEES.delete(office_db, main, by=by)
    c = reg.COMMITTEES.add(office_db, by=by, place_id=_village(office_db), name="红旗村调委会")
    reg.MEDIATORS.add(office_db, by=by, name="周德福", committee_id=c)
    with pytest.raises(InUseError) as exc:
        reg.COMMITTEES.delete(office_db, c, by=by)
    assert "1 名调解员" in exc.value.message and "停用" in exc.value.message
    empty = reg.COMMITTEES.add(
        office_db, by=by, place_id=_village(office_db, "桃园村"), name="桃园村调委会"
    )
    reg.COMMITTEES.delete(office_db, empty, by=by)
    assert "桃园村调委会" not in [
        x.name for x in reg.COMMITTEES.list(office_db, include_retired=True)
    ]


# --------------------------------------------------------------------------- mediators


def test_mediators_are_listed_with_their_committee_town_first(office_db: Database) -> None:
    by = user(office_db)
    c = reg.COMMITTEES.add(office_db, by=by, place_id=_village(office_db), name="红旗村调委会")
    reg.MEDIATORS.add(office_db, by=by, name="周德福", committee_id=c, phone="139 0571 0009")
    reg.MEDIATORS.add(office_db, by=by, name="吴桂芳", committee_id=c, full_time=True)
    listed = reg.MEDIATORS.list(office_db)
    assert [(m.name, m.committee_name, m.full_time) for m in listed] == [
        ("王建华", "青山镇人民调解委员会", True),
        ("陈秀兰", "青山镇人民调解委员会", False),
        ("吴桂芳", "红旗村调委会", True),
        ("周德福", "红旗村调委会", False),
    ]
    assert listed[3].phone == "13905710009"
    assert [m.name for m in reg.MEDIATORS.list(office_db, committee_id=c)] == ["吴桂芳", "周德福"]


def test_office_add_mediator_still_works_through_the_registry(office_db: Database) -> None:
    main = office.main_committee(office_db).id
    new = office.add_mediator(
        office_db, by=user(office_db), name=" 刘春梅 ", committee_id=main, phone="13905710004"
    )
    assert reg.MEDIATORS.get(office_db, new).name == "刘春梅"
    assert "刘春梅" in [m.name for m in office.mediators(office_db)]
    with pytest.raises(ValidationError) as exc:
        office.add_mediator(office_db, by=user(office_db), name="", committee_id=main)
    assert exc.value.field == "调解员姓名"
    with pytest.raises(ValidationError) as exc:
        office.add_mediator(
            office_db, by=user(office_db), name="赵六", committee_id=main, phone="12a"
        )
    assert exc.value.field == "联系电话"


def test_edit_retire_and_delete_mediators(office_db: Database) -> None:
    by = user(office_db)
    main = office.main_committee(office_db).id
    m = reg.MEDIATORS.add(office_db, by=by, name="赵德胜", committee_id=main)
    clerk = _second_user(office_db)
    edit_entry(
        reg.MEDIATORS,
        office_db,
        m,
        by=clerk,
        name="赵德胜",
        committee_id=main,
        phone="0571-87654321",
        full_time=True,
        specialities="宅基地、山林土地",
    )
    edited = reg.MEDIATORS.get(office_db, m)
    assert (edited.phone, edited.full_time, edited.specialities) == (
        "0571-87654321",
        True,
        "宅基地、山林土地",
    )
    assert office_db.scalar("SELECT updated_by FROM mediators WHERE id = ?", (m,)) == clerk.user_id
    with pytest.raises(ValidationError) as exc:
        reg.MEDIATORS.add(office_db, by=by, name="赵德胜", committee_id=main)
    assert exc.value.field == "调解员姓名" and "同名" in exc.value.message
    reg.MEDIATORS.retire(office_db, m, by=by)
    assert "赵德胜" not in [x.name for x in office.mediators(office_db)]
    assert reg.MEDIATORS.get(office_db, m).retired
    reg.MEDIATORS.add(office_db, by=by, name="赵德胜", committee_id=main)  # a namesake may join
    with pytest.raises(ValidationError):
        reg.MEDIATORS.reinstate(office_db, m, by=by)
    reg.MEDIATORS.delete(office_db, m, by=by)  # never assigned: entered by mistake
    with pytest.raises(NotFoundError):
        reg.MEDIATORS.get(office_db, m)


def test_a_mediator_assigned_to_a_case_is_retired_not_deleted(office_db: Database) -> None:
    by = user(office_db)
    case_id = register(office_db)
    cases.accept_case(
        office_db, case_id, by=by, accepted_on=date(2026, 11, 2), today=date(2026, 11, 20)
    )
    wang = next(m.id for m in office.mediators(office_db) if m.name == "王建华")
    cases.assign_mediators(
        office_db,
        case_id,
        by=by,
        mediator_ids=[wang],
        how="appointed",
        assigned_on=date(2026, 11, 2),
        today=date(2026, 11, 20),
    )
    before = _dump(office_db)
    with pytest.raises(InUseError) as exc:
        reg.MEDIATORS.delete(office_db, wang, by=by)
    assert "调解员“王建华”" in exc.value.message and "1 次案件指派" in exc.value.message
    assert "停用" in exc.value.message
    assert _dump(office_db) == before
    reg.MEDIATORS.retire(office_db, wang, by=by)
    assert office_db.scalar("SELECT count(*) FROM assignments WHERE mediator_id = ?", (wang,)) == 1


def test_a_village_referenced_by_cases_cannot_lose_its_grid_references(office_db: Database) -> None:
    # a grid that a case names as its place (imported data can do that) is not deleted
    grid = _grid(office_db)
    register(office_db)
    with office_db.transaction() as conn:
        conn.execute("UPDATE cases SET village_id = ?", (grid,))
    with pytest.raises(InUseError) as exc:
        reg.GRIDS.delete(office_db, grid, by=user(office_db))
    assert "1 件案件" in exc.value.message


def test_mediator_needs_a_committee_in_use(office_db: Database) -> None:
    by = user(office_db)
    c = reg.COMMITTEES.add(office_db, by=by, place_id=_village(office_db), name="红旗村调委会")
    reg.COMMITTEES.retire(office_db, c, by=by)
    with pytest.raises(ValidationError) as exc:
        reg.MEDIATORS.add(office_db, by=by, name="周德福", committee_id=c)
    assert exc.value.field == "所属调委会" and "停用" in exc.value.message
    with pytest.raises(ValidationError) as exc:
        reg.MEDIATORS.add(office_db, by=by, name="周德福", committee_id="no-such-committee")
    assert exc.value.field == "所属调委会"


# --------------------------------------------------------------------------- grid workers


def test_grid_workers(office_db: Database) -> None:
    by = user(office_db)
    one, two = _grid(office_db, "第一网格"), _grid(office_db, "第二网格")
    w = reg.GRID_WORKERS.add(office_db, by=by, grid_id=two, name="张海燕", phone="13905710011")
    reg.GRID_WORKERS.add(office_db, by=by, grid_id=one, name="李明亮")
    assert [(x.grid_name, x.name) for x in reg.GRID_WORKERS.list(office_db)] == [
        ("第一网格", "李明亮"),
        ("第二网格", "张海燕"),
    ]
    with pytest.raises(ValidationError) as exc:
        reg.GRID_WORKERS.add(office_db, by=by, grid_id=two, name="张海燕")
    assert exc.value.field == "网格员姓名"
    edit_entry(
        reg.GRID_WORKERS,
        office_db,
        w,
        by=by,
        grid_id=one,
        name="张海燕",
        phone="",
    )
    # in the order they were entered
    assert [x.name for x in reg.GRID_WORKERS.list(office_db, grid_id=one)] == ["张海燕", "李明亮"]
    reg.GRID_WORKERS.retire(office_db, w, by=by)
    assert [x.name for x in reg.GRID_WORKERS.list(office_db)] == ["李明亮"]
    assert len(reg.GRID_WORKERS.list(office_db, include_retired=True)) == 2
    reg.GRID_WORKERS.reinstate(office_db, w, by=by)
    reg.GRID_WORKERS.delete(office_db, w, by=by)
    assert [x.name for x in reg.GRID_WORKERS.list(office_db, include_retired=True)] == ["李明亮"]


# --------------------------------------------------------------------------- 法律明白人


def test_legal_advisers_and_the_villages_short_of_three(office_db: Database) -> None:
    by = user(office_db)
    hongqi, taoyuan = _village(office_db), _village(office_db, "桃园村")
    ids = [
        reg.LEGAL_ADVISERS.add(
            office_db, by=by, village_id=hongqi, name=n, phone="13905710021", area="一组"
        )
        for n in ("李春梅", "赵永红", "孙文军")
    ]
    reg.LEGAL_ADVISERS.add(office_db, by=by, village_id=taoyuan, name="钱玉珍")
    short = [(p.name, n) for p, n in reg.advisers_short(office_db)]
    assert short == [("桃园村", 1), ("河东社区", 0)]
    assert [a.name for a in reg.LEGAL_ADVISERS.list(office_db, village_id=hongqi)] == [
        "李春梅",
        "赵永红",
        "孙文军",
    ]
    reg.LEGAL_ADVISERS.retire(office_db, ids[0], by=by)
    assert ("红旗村", 2) in [(p.name, n) for p, n in reg.advisers_short(office_db)]
    reg.LEGAL_ADVISERS.reinstate(office_db, ids[0], by=by)
    edit_entry(
        reg.LEGAL_ADVISERS,
        office_db,
        ids[1],
        by=by,
        village_id=hongqi,
        name="赵永红",
        phone="",
        area="三组、四组",
    )
    assert reg.LEGAL_ADVISERS.get(office_db, ids[1]).area == "三组、四组"
    with pytest.raises(ValidationError) as exc:
        reg.LEGAL_ADVISERS.add(office_db, by=by, village_id=hongqi, name="李春梅")
    assert exc.value.field == "姓名" and "红旗村已经有法律明白人“李春梅”" in exc.value.message
    reg.LEGAL_ADVISERS.delete(office_db, ids[2], by=by)
    assert len(reg.LEGAL_ADVISERS.list(office_db, include_retired=True)) == 3


# --------------------------------------------------------------------------- 评理说事点


def test_talk_points(office_db: Database) -> None:
    by = user(office_db)
    hongqi = _village(office_db)
    t = reg.TALK_POINTS.add(
        office_db,
        by=by,
        village_id=hongqi,
        name="",
        address=" 红旗村村委会一楼 ",
        hours="每周一、三、五 上午",
        staff="王建华",
        phone="0571 8765 4321",
    )
    point = reg.TALK_POINTS.get(office_db, t)
    assert (point.name, point.address, point.phone) == (
        "红旗村评理说事点",
        "红旗村村委会一楼",
        "0571-87654321",
    )
    with pytest.raises(ValidationError) as exc:
        reg.TALK_POINTS.add(office_db, by=by, village_id=hongqi, name="", address="村部")
    assert exc.value.field == "说事点名称"
    edit_entry(
        reg.TALK_POINTS,
        office_db,
        t,
        by=by,
        village_id=hongqi,
        name="红旗村评理说事点",
        address="红旗村文化礼堂",
        hours="",
        staff="",
        phone="",
    )
    assert reg.TALK_POINTS.get(office_db, t).address == "红旗村文化礼堂"
    reg.TALK_POINTS.retire(office_db, t, by=by)
    assert reg.TALK_POINTS.list(office_db) == []
    reg.TALK_POINTS.reinstate(office_db, t, by=by)
    reg.TALK_POINTS.delete(office_db, t, by=by)
    assert reg.TALK_POINTS.list(office_db, include_retired=True) == []


# --------------------------------------------------------------------------- households


def test_households_in_natural_house_number_order_with_members(office_db: Database) -> None:
    by = user(office_db)
    grid = _grid(office_db)
    for number in ("10", "2", "3-1", "3", "1", "20", "２－１号"):
        reg.HOUSEHOLDS.add(
            office_db,
            by=by,
            grid_id=grid,
            house_number=number,
            head_name=f"户主{number}",
            members=reg.parse_members("王芳（配偶）、王小明(子)"),
        )
    listed = reg.HOUSEHOLDS.list(office_db, grid_id=grid)
    assert [h.house_number for h in listed] == ["1", "2", "2-1", "3", "3-1", "10", "20"]
    assert listed[0].members == (reg.Member("王芳", "配偶"), reg.Member("王小明", "子"))
    assert reg.format_members(listed[0].members) == "王芳（配偶）、王小明（子）"


def test_house_numbers_are_unique_among_the_grids_households_in_use(office_db: Database) -> None:
    by = user(office_db)
    grid, other = _grid(office_db), _grid(office_db, "第二网格")
    first = reg.HOUSEHOLDS.add(office_db, by=by, grid_id=grid, house_number="3", head_name="王德胜")
    with pytest.raises(ValidationError) as exc:
        reg.HOUSEHOLDS.add(office_db, by=by, grid_id=grid, house_number="3号", head_name="李四")
    assert exc.value.field == "门牌号" and "户主王德胜" in exc.value.message
    reg.HOUSEHOLDS.add(office_db, by=by, grid_id=other, house_number="3", head_name="李四")
    reg.HOUSEHOLDS.retire(office_db, first, by=by)  # moved away: the number is free again
    second = reg.HOUSEHOLDS.add(
        office_db, by=by, grid_id=grid, house_number="3", head_name="赵永红"
    )
    with pytest.raises(ValidationError) as exc:
        reg.HOUSEHOLDS.reinstate(office_db, first, by=by)
    assert exc.value.field == "门牌号"
    reg.HOUSEHOLDS.delete(office_db, second, by=by)
    reg.HOUSEHOLDS.reinstate(office_db, first, by=by)
    assert [h.head_name for h in reg.HOUSEHOLDS.list(office_db, grid_id=grid)] == ["王德胜"]


def test_edit_replaces_members_and_delete_takes_them_along(office_db: Database) -> None:
    by = user(office_db)
    grid = _grid(office_db)
    h = reg.HOUSEHOLDS.add(
        office_db,
        by=by,
        grid_id=grid,
        house_number="5",
        head_name="王德胜",
        members=[reg.Member("王芳", "配偶"), reg.Member("王小明", "子")],
    )
    edit_entry(
        reg.HOUSEHOLDS,
        office_db,
        h,
        by=by,
        grid_id=grid,
        house_number="5",
        head_name="王德胜",
        phone="13905710031",
        notes="独居老人",
        members=[reg.Member("王小红", "女")],
    )
    got = reg.HOUSEHOLDS.get(office_db, h)
    assert (got.phone, got.notes, got.members) == (
        "13905710031",
        "独居老人",
        (reg.Member("王小红", "女"),),
    )
    assert office_db.scalar("SELECT count(*) FROM household_members") == 1
    reg.HOUSEHOLDS.delete(office_db, h, by=by)
    assert office_db.scalar("SELECT count(*) FROM household_members") == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("王芳", "第 1 位家庭成员：“王芳”没有写与户主的关系"),
        ("王芳（配偶）、王小明", "第 2 位家庭成员"),
        ("王芳（）", "请填写“王芳”与户主的关系"),
        ("王德胜（户主）", "不用再写进家庭成员"),
    ],
)
def test_members_text_that_cannot_be_read_names_the_member(text: str, words: str) -> None:
    with pytest.raises(ValidationError) as exc:
        reg.parse_members(text)
    assert exc.value.field == "家庭成员" and words in exc.value.message


def test_chart_options_mask_phones_until_the_office_chooses(office_db: Database) -> None:
    grid = _grid(office_db)
    assert reg.chart_options(office_db, grid) == reg.ChartOptions(grid, True, False, False)
    chosen = reg.ChartOptions(grid, mask_phones=False, hide_members=True, heads_only=False)
    reg.save_chart_options(office_db, chosen, by=user(office_db))
    assert reg.chart_options(office_db, grid) == chosen
    again = reg.ChartOptions(grid, heads_only=True)
    reg.save_chart_options(office_db, again, by=user(office_db))
    assert reg.chart_options(office_db, grid) == again
    assert office_db.scalar("SELECT count(*) FROM household_chart_options") == 1
    with pytest.raises(NotFoundError):
        reg.save_chart_options(office_db, reg.ChartOptions(_village(office_db)), by=user(office_db))


# --------------------------------------------------------------------------- 大喇叭


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("7:30", "07:30"), ("07:30", "07:30"), ("7：30", "07:30"), ("7点半", "07:30"),
     ("19点", "19:00"), ("18点05分", "18:05"), (" 6 : 05 ", "06:05")],
)  # fmt: skip
def test_broadcast_times_are_understood(typed: str, stored: str) -> None:
    assert reg.clean_time(typed) == stored


@pytest.mark.parametrize("typed", ["25:00", "7:75", "早上", "730", ""])
def test_impossible_broadcast_times_name_the_field(typed: str) -> None:
    with pytest.raises(ValidationError) as exc:
        reg.clean_time(typed)
    assert exc.value.field == "播放时间"


def test_broadcast_schedule(office_db: Database) -> None:
    by = user(office_db)
    hongqi = _village(office_db)
    later = reg.BROADCASTS.add(
        office_db, by=by, village_id=hongqi, play_on=date(2026, 12, 8), play_at="7点半"
    )
    reg.BROADCASTS.add(
        office_db,
        by=by,
        village_id=hongqi,
        play_on=datetime(2026, 12, 1, 9, 0),
        play_at="18:30",
        reader="赵德胜",
    )
    reg.BROADCASTS.add(
        office_db, by=by, village_id=hongqi, play_on=date(2026, 12, 1), play_at="07:30"
    )
    assert [(s.play_on, s.play_at, s.reader) for s in reg.BROADCASTS.list(office_db)] == [
        (date(2026, 12, 1), "07:30", ""),
        (date(2026, 12, 1), "18:30", "赵德胜"),
        (date(2026, 12, 8), "07:30", ""),
    ]
    with pytest.raises(ValidationError) as exc:
        reg.BROADCASTS.add(
            office_db, by=by, village_id=hongqi, play_on=date(2026, 12, 8), play_at="07:30"
        )
    assert exc.value.field == "播放时间" and "已经安排了播放" in exc.value.message
    with pytest.raises(ValidationError) as exc:
        reg.BROADCASTS.add(
            office_db, by=by, village_id=hongqi, play_on=date(1926, 12, 8), play_at="07:30"
        )
    assert exc.value.field == "播放日期"
    edit_entry(
        reg.BROADCASTS,
        office_db,
        later,
        by=by,
        village_id=hongqi,
        play_on=date(2026, 12, 9),
        play_at="12:00",
        reader="李春梅",
    )
    assert reg.BROADCASTS.get(office_db, later).play_on == date(2026, 12, 9)
    reg.BROADCASTS.retire(office_db, later, by=by)
    assert len(reg.BROADCASTS.list(office_db)) == 2
    reg.BROADCASTS.delete(office_db, later, by=by)
    assert len(reg.BROADCASTS.list(office_db, include_retired=True)) == 2


# --------------------------------------------------------------------------- every message


def _call(service: Callable[..., object], /, **kwargs: object) -> Callable[[Database], object]:
    def call(db: Database) -> object:
        args = dict(kwargs)
        for key, value in args.items():
            if value == "<village>":
                args[key] = _village(db)
            elif value == "<grid>":
                args[key] = next(g.id for g in reg.GRIDS.list(db) if g.name == "第八网格")
            elif value == "<committee>":
                args[key] = office.main_committee(db).id
        return service(db, by=user(db), **args)

    return call


LONG = "长" * 101
BAD_INPUT = {
    "grid name": (
        _call(reg.GRIDS.add, village_id="<village>", name=""),
        "网格名称",
        "请填写网格名称",
    ),
    "committee name": (
        _call(reg.COMMITTEES.add, place_id="<village>", name=""),
        "调委会名称",
        "请填写调委会名称",
    ),
    "seal text": (
        _call(reg.COMMITTEES.add, place_id="<village>", name="红旗村调委会", seal_text="印" * 41),
        "印章文字",
        "最多 40 个字",
    ),
    "mediator name": (
        _call(reg.MEDIATORS.add, name=" ", committee_id="<committee>"),
        "调解员姓名",
        "请填写",
    ),
    "mediator phone": (
        _call(reg.MEDIATORS.add, name="赵六", committee_id="<committee>", phone="123"),
        "联系电话",
        "联系电话",
    ),
    "specialities": (
        _call(reg.MEDIATORS.add, name="赵六", committee_id="<committee>", specialities=LONG),
        "擅长纠纷类型",
        "太长",
    ),
    "grid worker name": (
        _call(reg.GRID_WORKERS.add, grid_id="<grid>", name=""),
        "网格员姓名",
        "请填写",
    ),
    "grid worker phone": (
        _call(reg.GRID_WORKERS.add, grid_id="<grid>", name="张三", phone="1390571"),
        "联系电话",
        "联系电话",
    ),
    "grid worker grid": (
        _call(reg.GRID_WORKERS.add, grid_id="<village>", name="张三"),
        "网格",
        "请从列表中选择网格",
    ),
    "adviser name": (
        _call(reg.LEGAL_ADVISERS.add, village_id="<village>", name=""),
        "姓名",
        "请填写",
    ),
    "adviser area": (
        _call(reg.LEGAL_ADVISERS.add, village_id="<village>", name="李四", area=LONG),
        "联系片区",
        "太长",
    ),
    "adviser village": (
        _call(reg.LEGAL_ADVISERS.add, village_id="nowhere", name="李四"),
        "村（社区）",
        "请从列表中选择村（社区）",
    ),
    "talk point address": (
        _call(reg.TALK_POINTS.add, village_id="<village>", name="", address=" "),
        "地址",
        "请填写评理说事点的地址",
    ),
    "talk point hours": (
        _call(reg.TALK_POINTS.add, village_id="<village>", name="", address="村部", hours=LONG),
        "开放时间",
        "太长",
    ),
    "talk point staff": (
        _call(reg.TALK_POINTS.add, village_id="<village>", name="", address="村部", staff=LONG),
        "值守人员",
        "太长",
    ),
    "house number": (
        _call(reg.HOUSEHOLDS.add, grid_id="<grid>", house_number=" 号", head_name="王五"),
        "门牌号",
        "请填写门牌号",
    ),
    "head": (
        _call(reg.HOUSEHOLDS.add, grid_id="<grid>", house_number="1", head_name=""),
        "户主姓名",
        "请填写户主姓名",
    ),
    "household notes": (
        _call(
            reg.HOUSEHOLDS.add,
            grid_id="<grid>",
            house_number="1",
            head_name="王五",
            notes="注" * 201,
        ),
        "备注",
        "最多 200 个字",
    ),
    "members": (
        _call(
            reg.HOUSEHOLDS.add,
            grid_id="<grid>",
            house_number="1",
            head_name="王五",
            members=[reg.Member("王芳", "")],
        ),
        "家庭成员",
        "与户主的关系",
    ),
    "play time": (
        _call(
            reg.BROADCASTS.add,
            village_id="<village>",
            play_on=date(2026, 12, 1),
            play_at="晚上",
        ),
        "播放时间",
        "时:分",
    ),
    "reader": (
        _call(
            reg.BROADCASTS.add,
            village_id="<village>",
            play_on=date(2026, 12, 1),
            play_at="07:30",
            reader="读" * 31,
        ),
        "播读人",
        "太长",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_every_bad_input_names_its_field_and_writes_nothing(
    office_db: Database, case: tuple[Callable[[Database], object], str, str]
) -> None:
    call, field, words = case
    _grid(office_db, "第八网格")
    before = _dump(office_db)
    with pytest.raises(ValidationError) as exc:
        call(office_db)
    assert exc.value.field == field
    assert words in exc.value.message
    assert _dump(office_db) == before


def test_every_write_records_its_user(office_db: Database) -> None:
    clerk = _second_user(office_db)
    grid = reg.GRIDS.add(office_db, by=clerk, village_id=_village(office_db), name="第一网格")
    h = reg.HOUSEHOLDS.add(
        office_db,
        by=clerk,
        grid_id=grid,
        house_number="1",
        head_name="王德胜",
        members=[reg.Member("王芳", "配偶")],
    )
    a = reg.LEGAL_ADVISERS.add(office_db, by=clerk, village_id=_village(office_db), name="李春梅")
    for table, row_id in (("places", grid), ("households", h), ("legal_advisers", a)):
        assert (
            office_db.scalar(f"SELECT updated_by FROM {table} WHERE id = ?", (row_id,))
            == clerk.user_id
        )
    assert office_db.scalar("SELECT updated_by FROM household_members") == clerk.user_id
    director = user(office_db)
    reg.LEGAL_ADVISERS.retire(office_db, a, by=director)
    assert (
        office_db.scalar("SELECT updated_by FROM legal_advisers WHERE id = ?", (a,))
        == director.user_id
    )


# --------------------------------------------------------------------------- the kit


def _complete_village(db: Database) -> str:
    by = user(db)
    hongqi = _village(db)
    grid = reg.GRIDS.add(db, by=by, village_id=hongqi, name="第一网格")
    reg.GRID_WORKERS.add(db, by=by, grid_id=grid, name="张海燕", phone="13905710011")
    for n in ("10", "2"):
        reg.HOUSEHOLDS.add(
            db,
            by=by,
            grid_id=grid,
            house_number=n,
            head_name=f"王{n}",
            phone="13905710041",
            members=[reg.Member("王芳", "配偶")],
        )
    for n in ("李春梅", "赵永红", "孙文军"):
        reg.LEGAL_ADVISERS.add(db, by=by, village_id=hongqi, name=n, phone="13905710021")
    reg.TALK_POINTS.add(db, by=by, village_id=hongqi, name="", address="红旗村村委会")
    reg.BROADCASTS.add(db, by=by, village_id=hongqi, play_on=date(2026, 12, 1), play_at="07:30")
    main = office.main_committee(db).id
    wang = next(m.id for m in reg.MEDIATORS.list(db) if m.name == "王建华")
    edit_entry(
        reg.MEDIATORS,
        db,
        wang,
        by=by,
        name="王建华",
        committee_id=main,
        phone="13905710001",
        full_time=True,
        specialities="",
    )
    return hongqi


def test_a_complete_village_has_no_gaps(office_db: Database) -> None:
    assert reg.kit_gaps(office_db, _complete_village(office_db)) == []


def test_an_empty_village_is_told_everything_it_lacks(office_db: Database) -> None:
    gaps = reg.kit_gaps(office_db, _village(office_db, "桃园村"))
    text = "\n".join(gaps)
    assert "还没有登记法律明白人" in text
    assert "还没有登记评理说事点" in text
    assert "还没有划分网格" in text
    assert "调解员都没有登记联系电话" in text  # the fixture's mediators have no phones
    assert "还没有大喇叭播放安排" in text
    assert all(g.endswith("。") for g in gaps)


def test_gaps_name_what_is_short(office_db: Database) -> None:
    hongqi = _complete_village(office_db)
    by = user(office_db)
    adviser = reg.LEGAL_ADVISERS.list(office_db, village_id=hongqi)[0].id
    reg.LEGAL_ADVISERS.retire(office_db, adviser, by=by)
    empty = reg.GRIDS.add(office_db, by=by, village_id=hongqi, name="第二网格")
    reg.TALK_POINTS.retire(office_db, reg.TALK_POINTS.list(office_db)[0].id, by=by)
    gaps = reg.kit_gaps(office_db, hongqi)
    assert gaps[0] == "法律明白人只有 2 名，每个村（社区）至少要有三名：请再添加 1 名。"
    assert any("还没有登记评理说事点" in g for g in gaps)
    assert any("网格“第二网格”还没有登记住户" in g for g in gaps)
    assert any("网格“第二网格”还没有网格员" in g for g in gaps)
    assert not any("第一网格" in g for g in gaps)
    reg.GRIDS.retire(office_db, empty, by=by)
    assert not any("第二网格" in g for g in reg.kit_gaps(office_db, hongqi))


def test_village_kit_data_holds_the_villages_own_people_and_places(office_db: Database) -> None:
    hongqi = _complete_village(office_db)
    by = user(office_db)
    grid = reg.GRIDS.list(office_db, village_id=hongqi)[0].id
    reg.save_chart_options(office_db, reg.ChartOptions(grid, hide_members=True), by=by)
    gone = reg.LEGAL_ADVISERS.add(office_db, by=by, village_id=hongqi, name="已停用的人")
    reg.LEGAL_ADVISERS.retire(office_db, gone, by=by)
    taoyuan = _village(office_db, "桃园村")
    reg.LEGAL_ADVISERS.add(office_db, by=by, village_id=taoyuan, name="桃园村的人")

    kit = reg.village_kit_data(office_db, hongqi)
    assert (kit.town_name, kit.village_name, kit.village_kind) == ("青山镇", "红旗村", "village")
    # no committee of its own: the town's committee and mediators
    assert kit.committee_name == "青山镇人民调解委员会" and kit.mediators_from_town
    assert [(m.name, m.phone) for m in kit.mediators] == [
        ("王建华", "13905710001"),
        ("陈秀兰", ""),
    ]
    assert [a.name for a in kit.advisers] == ["李春梅", "赵永红", "孙文军"]
    assert [t.name for t in kit.talk_points] == ["红旗村评理说事点"]
    assert [(s.play_on, s.play_at) for s in kit.broadcasts] == [(date(2026, 12, 1), "07:30")]
    [g] = kit.grids
    assert g.grid.name == "第一网格"
    assert [w.name for w in g.workers] == ["张海燕"]
    assert [h.house_number for h in g.households] == ["2", "10"]
    assert g.households[0].members == (reg.Member("王芳", "配偶"),)
    assert g.chart == reg.ChartOptions(grid, mask_phones=True, hide_members=True)

    # with a committee and mediators of its own, the village's are printed
    c = reg.COMMITTEES.add(office_db, by=by, place_id=hongqi, name="红旗村人民调解委员会")
    kit = reg.village_kit_data(office_db, hongqi)
    assert kit.committee_name == "青山镇人民调解委员会"
    assert any("“红旗村人民调解委员会”还没有调解员" in g for g in reg.gaps_of(kit))
    reg.MEDIATORS.add(office_db, by=by, name="周德福", committee_id=c, phone="13905710051")
    kit = reg.village_kit_data(office_db, hongqi)
    assert kit.committee_name == "红旗村人民调解委员会" and not kit.mediators_from_town
    assert [(m.name, m.phone) for m in kit.mediators] == [("周德福", "13905710051")]
    assert reg.gaps_of(kit) == []


def test_kit_of_something_that_is_not_a_village(office_db: Database) -> None:
    with pytest.raises(NotFoundError):
        reg.village_kit_data(office_db, _grid(office_db))


# --------------------------------------------------------------------------- villages


def test_a_new_village_joins_the_lists_and_choices(office_db: Database) -> None:
    by = user(office_db)
    new = reg.VILLAGES.add(office_db, by=by, name=" 李家湾村 ", kind="village")
    # In the office's order: as it entered them, the new one last.
    names = [v.name for v in office.villages(office_db)]
    assert names == ["红旗村", "桃园村", "河东社区", "李家湾村"]
    grid = reg.GRIDS.add(office_db, by=by, village_id=new, name="第一网格")
    assert reg.VILLAGES.get(office_db, new).grids == 1
    assert reg.GRIDS.get(office_db, grid).village_name == "李家湾村"


@pytest.mark.parametrize(
    ("name", "kind", "field", "words"),
    [
        ("", "village", reg.VILLAGE_NAME_FIELD, "请填写"),
        ("红旗村", "village", reg.VILLAGE_NAME_FIELD, "已经有“红旗村”"),
        ("新村", "town", reg.VILLAGE_KIND_FIELD, "村还是社区"),
    ],
)
def test_village_entries_name_the_field_and_store_nothing(
    office_db: Database, name: str, kind: str, field: str, words: str
) -> None:
    before = _dump(office_db)
    with pytest.raises(ValidationError) as caught:
        reg.VILLAGES.add(office_db, by=user(office_db), name=name, kind=kind)
    assert caught.value.field == field and words in caught.value.message
    assert _dump(office_db) == before


def test_rename_retire_and_reinstate_a_village(office_db: Database) -> None:
    by = user(office_db)
    village = _village(office_db, "桃园村")
    edit_entry(
        reg.VILLAGES,
        office_db,
        village,
        by=by,
        name="桃源社区",
        kind="community",
    )
    assert reg.VILLAGES.get(office_db, village).kind == "community"
    reg.VILLAGES.retire(office_db, village, by=by)
    assert "桃源社区" not in [v.name for v in office.villages(office_db)]
    with pytest.raises(ValidationError) as caught:
        reg.VILLAGES.add(office_db, by=by, name="桃源社区")
    assert "已停用" in caught.value.message
    reg.VILLAGES.reinstate(office_db, village, by=by)
    assert "桃源社区" in [v.name for v in office.villages(office_db)]


def test_a_village_with_cases_is_retired_not_deleted(office_db: Database) -> None:
    register(office_db)  # a case in 红旗村
    with pytest.raises(InUseError) as caught:
        reg.VILLAGES.delete(office_db, _village(office_db), by=user(office_db))
    assert "件案件" in caught.value.message
    empty = reg.VILLAGES.add(office_db, by=user(office_db), name="错登村")
    reg.VILLAGES.delete(office_db, empty, by=user(office_db))
    assert "错登村" not in [v.name for v in reg.VILLAGES.list(office_db, include_retired=True)]
