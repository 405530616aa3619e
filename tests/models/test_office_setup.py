"""First-run set-up: the office, its mediators and its printed details in one step, or
nothing at all; and the office's 待受理 reminder setting."""

from __future__ import annotations

from typing import Any

import pytest

from app.models import office
from app.models.db import Database
from app.models.errors import ValidationError
from app.models.office import NewMediator, OfficeDetails
from app.models.registries import places
from tests.helpers import director, edit_entry, snapshot


def _setup(db: Database, **changes: Any) -> str:
    values: dict[str, Any] = {
        "committee_name": "青山镇人民调解委员会",
        "abbr": "青山",
        "town_name": "青山镇",
        "villages": ["红旗村", "河东社区"],
        "user_name": "李主任",
        "password": "qingshan26",
    }
    values.update(changes)
    return office.setup_office(db, **values)


def test_mediators_and_printed_details_are_set_up_with_the_office(database: Database) -> None:
    committee_id = _setup(
        database,
        mediators=[
            NewMediator("李主任", "0571 8765 4321", full_time=True),
            NewMediator("", ""),  # an empty row of the form is left out
            NewMediator(" 王 建华 ", "13905710001"),
        ],
        details=OfficeDetails(
            seal_text=" 青山镇人民调解委员会（印） ",
            address="青山镇人民路8号",
            phone="12348",
            court_name="青山县人民法院",
        ),
    )
    people = office.mediators(database)
    assert [(m.name, m.phone, m.full_time, m.committee_id) for m in people] == [
        ("李主任", "0571-87654321", True, committee_id),
        ("王 建华", "13905710001", False, committee_id),
    ]
    assert office.office_details(database) == OfficeDetails(
        seal_text="青山镇人民调解委员会（印）",
        address="青山镇人民路8号",
        phone="12348",
        court_name="青山县人民法院",
    )
    assert office.main_committee(database).seal_text == "青山镇人民调解委员会（印）"
    assert office.current_user(database).name == "李主任"


def test_skipped_steps_leave_no_mediators_and_the_committee_name_as_seal(
    database: Database,
) -> None:
    _setup(database)
    assert office.mediators(database) == []
    assert office.office_details(database) == OfficeDetails(seal_text="青山镇人民调解委员会")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"mediators": [NewMediator("王建华"), NewMediator("", "13905710001")]},
            "调解员2·姓名",
            "姓名",
        ),
        (
            {"mediators": [NewMediator("王建华"), NewMediator("陈秀兰"), NewMediator("王建华")]},
            "调解员3·姓名",
            "已经填在第 1 行",
        ),
        ({"mediators": [NewMediator("王建华", "139")]}, "调解员1·联系电话", "电话"),
        ({"mediators": [NewMediator("王" * 31)]}, "调解员1·姓名", "最多 30 个字"),
        ({"details": OfficeDetails(court_name="青山县")}, "司法确认法院", "法院"),
        ({"details": OfficeDetails(phone="12a")}, "联系电话", "联系电话"),
        ({"details": OfficeDetails(seal_text="印" * 41)}, "印章文字", "40"),
        ({"villages": ["红旗村", "红旗村"]}, "村（社区）", "重复"),
        ({"villages": ["河东  社区", "河东 社区"]}, "村（社区）", "“河东 社区”重复"),
        ({"villages": ["红旗村", "村" * 31]}, "村（社区）", "最多 30 个字"),
        ({"committee_name": "青" * 41}, "调委会名称", "最多 40 个字"),
        ({"town_name": "镇" * 31}, "乡镇（街道）名称", "最多 30 个字"),
        ({"user_name": "李" * 31}, "使用人姓名", "最多 30 个字"),
        ({"abbr": "QS 1"}, "编号简称", "不能有空格"),
        ({"user_name": " "}, "使用人姓名", "您的姓名"),
    ],
)
def test_a_bad_entry_names_its_field_and_nothing_is_set_up(
    database: Database, changes: dict[str, object], field: str, words: str
) -> None:
    before = snapshot(database)
    with pytest.raises(ValidationError) as caught:
        _setup(database, **changes)
    assert caught.value.field == field
    assert words in caught.value.message
    assert snapshot(database) == before
    assert not office.is_set_up(database)


def test_the_office_is_set_up_only_once(database: Database) -> None:
    _setup(database, mediators=[NewMediator("李主任")])
    before = snapshot(database)
    with pytest.raises(ValidationError) as caught:
        _setup(database, mediators=[NewMediator("王建华")])
    assert "已经设置过" in caught.value.message
    assert snapshot(database) == before


def test_accept_late_days_default_to_three_and_are_stored_for_the_office(
    office_db: Database,
) -> None:
    assert office.accept_late_days(office_db) == 3
    office.set_accept_late_days(
        office_db, 5, loaded=office.accept_late_days(office_db), by=director(office_db)
    )
    assert office.accept_late_days(office_db) == 5
    for bad in (0, 61):
        with pytest.raises(ValidationError) as caught:
            office.set_accept_late_days(
                office_db, bad, loaded=office.accept_late_days(office_db), by=director(office_db)
            )
        assert caught.value.field == "待受理提醒"
        assert "1 到 60 天" in caught.value.message
    assert office.accept_late_days(office_db) == 5


def test_a_damaged_late_days_setting_falls_back_to_three(office_db: Database) -> None:
    with office_db.transaction() as conn:
        office.set_setting(conn, office.ACCEPT_LATE_DAYS_KEY, "三天")
    assert office.accept_late_days(office_db) == 3


def test_villages_set_up_are_kept_as_the_village_registry_keeps_them(database: Database) -> None:
    """Spaces squeezed as 村居档案 squeezes them, so a village typed at set-up can be edited
    there later without being told it clashes with itself or is too long."""
    _setup(database, villages=["河东　 社区", "村" * 30])
    villages = office.villages(database)
    assert [v.name for v in villages] == ["河东 社区", "村" * 30]
    for v in villages:
        edit_entry(
            places.VILLAGES,
            database,
            v.id,
            name=v.name,
            kind="community",
            by=director(database),
        )
    assert [v.kind for v in office.villages(database)] == ["community", "community"]
