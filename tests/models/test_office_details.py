"""单位信息: what the office enters once reaches every printed form."""

from __future__ import annotations

import pytest

from app.models import office
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import ValidationError
from app.models.office import OfficeDetails
from tests.helpers import director


def _by(db: Database) -> Actor:
    return director(db)


def test_a_new_office_has_its_committee_name_as_seal_and_nothing_else(office_db: Database) -> None:
    details = office.office_details(office_db)
    assert details == OfficeDetails(seal_text="青山镇人民调解委员会")
    assert office.town_name(office_db) == "青山镇"


def test_saved_details_are_read_back_normalised(office_db: Database) -> None:
    saved = office.save_office_details(
        office_db,
        OfficeDetails(
            seal_text=" 青山镇人民调解委员会（印） ",
            address="青山镇人民路 8 号",
            phone="0571 8765 4321",
            court_name="青山县人民法院",
            retention="30年",
        ),
        loaded=office.office_details(office_db),
        by=_by(office_db),
    )
    assert office.office_details(office_db) == saved
    assert saved.seal_text == "青山镇人民调解委员会（印）"
    assert saved.phone == "0571-87654321"
    assert office.main_committee(office_db).seal_text == "青山镇人民调解委员会（印）"


def test_a_service_number_is_a_valid_office_phone(office_db: Database) -> None:
    saved = office.save_office_details(
        office_db,
        OfficeDetails(phone="12348"),
        loaded=office.office_details(office_db),
        by=_by(office_db),
    )
    assert saved.phone == "12348"


@pytest.mark.parametrize(
    ("details", "field", "words"),
    [
        (OfficeDetails(court_name="县法院调解室"), "司法确认法院", "法院"),
        (OfficeDetails(court_name="青山县"), "司法确认法院", "全称"),
        (OfficeDetails(phone="12a"), "联系电话", "联系电话"),
        (OfficeDetails(seal_text="印" * 41), "印章文字", "40"),
    ],
)
def test_bad_details_name_the_field_and_store_nothing(
    office_db: Database, details: OfficeDetails, field: str, words: str
) -> None:
    office.save_office_details(
        office_db,
        OfficeDetails(address="原地址", court_name="青山县人民法院"),
        loaded=office.office_details(office_db),
        by=_by(office_db),
    )
    before = office.office_details(office_db)
    with pytest.raises(ValidationError) as caught:
        office.save_office_details(
            office_db, details, loaded=office.office_details(office_db), by=_by(office_db)
        )
    assert caught.value.field == field
    assert words in caught.value.message
    assert office.office_details(office_db) == before


def test_an_empty_seal_keeps_the_committee_seal(office_db: Database) -> None:
    office.save_office_details(
        office_db,
        OfficeDetails(address="人民路"),
        loaded=office.office_details(office_db),
        by=_by(office_db),
    )
    assert office.main_committee(office_db).seal_text == "青山镇人民调解委员会"
