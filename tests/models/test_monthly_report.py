"""The monthly report's texts (stored per committee and month) and the data it prints,
checked against app.models.stats on the hand-counted office of test_stats.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from app.models import accounts
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.models.monthly_report import (
    FIELD_LABELS,
    MAX_CHARS,
    MONTH_FIELD,
    MonthBar,
    MonthlyTexts,
    check_texts,
    clean_text,
    get_texts,
    last_complete_month,
    report_committee_id,
    report_data,
    report_place,
    save_texts,
    text_length,
)
from app.models.stats import BREAKDOWNS, Period, breakdown, indicators, monthly_series
from tests.helpers import director
from tests.models.test_stats import MAY_2025_FIGURES, MAY_FIGURES, TODAY, Office, stats_office

TEXTS = MonthlyTexts(
    situation="本月全镇共受理矛盾纠纷7件，调解成功2件。\n未发生民转刑案件。",
    causes="一是邻里纠纷多发；\n二是婚姻家庭纠纷有所上升。",
    measures="组织网格员开展拉网式排查。",
    plans="继续开展“七个一”宣传活动。",
)


def ids(db: Database) -> tuple[str, accounts.Actor]:
    return report_committee_id(db), director(db)


def stored_rows(db: Database) -> list[dict[str, object]]:
    return [dict(r) for r in db.query("SELECT * FROM monthly_reports ORDER BY year, month")]


# ---------------------------------------------------------------------------------------
# The texts


def test_texts_round_trip_per_committee_and_month(office_db: Database) -> None:
    committee, user = ids(office_db)
    assert get_texts(office_db, committee, 2026, 10) == MonthlyTexts()
    assert save_texts(office_db, committee, 2026, 10, TEXTS, by=user) == TEXTS
    assert get_texts(office_db, committee, 2026, 10) == TEXTS
    # another month, another committee: their own texts
    assert get_texts(office_db, committee, 2026, 9) == MonthlyTexts()
    assert get_texts(office_db, committee, 2025, 10) == MonthlyTexts()
    other = MonthlyTexts(situation="九月份的情况。")
    save_texts(office_db, committee, 2026, 9, other, by=user)
    assert get_texts(office_db, committee, 2026, 9) == other
    assert get_texts(office_db, committee, 2026, 10) == TEXTS
    # an update replaces the texts; the row is the same one, stamped
    changed = MonthlyTexts(situation="改过的总体情况。", plans=TEXTS.plans)
    save_texts(office_db, committee, 2026, 10, changed, by=user)
    assert get_texts(office_db, committee, 2026, 10) == changed
    rows = stored_rows(office_db)
    assert [(r["year"], r["month"]) for r in rows] == [(2026, 9), (2026, 10)]
    assert all(r["committee_id"] == committee and r["updated_by"] == user.user_id for r in rows)
    assert str(rows[1]["updated_at"]) >= str(rows[1]["created_at"])


def test_texts_are_stored_cleaned(office_db: Database) -> None:
    committee, user = ids(office_db)
    typed = MonthlyTexts(
        situation="\r\n第一段。  \r\n　　第二段。\u3000\r\n\r\n",
        causes="   ",
        measures="\n\n措施。\n",
    )
    stored = save_texts(office_db, committee, 2026, 10, typed, by=user)
    assert stored == MonthlyTexts(situation="第一段。\n　　第二段。", measures="措施。")
    assert get_texts(office_db, committee, 2026, 10) == stored
    assert clean_text("a \r b\t\r\n") == "a\n b"
    assert text_length("  一二三  \n\n") == 5  # what is counted is what is stored


def test_empty_texts_store_no_row_but_clear_a_stored_one(office_db: Database) -> None:
    committee, user = ids(office_db)
    save_texts(office_db, committee, 2026, 10, MonthlyTexts(causes=" \n "), by=user)
    assert stored_rows(office_db) == []
    save_texts(office_db, committee, 2026, 10, TEXTS, by=user)
    save_texts(office_db, committee, 2026, 10, MonthlyTexts(), by=user)
    assert get_texts(office_db, committee, 2026, 10) == MonthlyTexts()
    assert len(stored_rows(office_db)) == 1  # kept, emptied: the change is recorded


def test_saving_the_same_texts_writes_nothing(office_db: Database) -> None:
    committee, user = ids(office_db)
    save_texts(office_db, committee, 2026, 10, TEXTS, by=user)
    before = stored_rows(office_db)
    someone_else = accounts.acting_as(
        office_db,
        accounts.add_user(
            office_db, by=user, name="孙副主任", role="director", password="sun-2026"
        ),
    )
    save_texts(office_db, committee, 2026, 10, TEXTS, by=someone_else)
    assert stored_rows(office_db) == before


@pytest.mark.parametrize(
    ("year", "month", "words"),
    [(2026, 0, "月份应在1到12之间"), (2026, 13, "现在是13"), (1999, 5, "年份应在2000到2099之间")],
)
def test_a_month_out_of_range_is_refused(
    office_db: Database, year: int, month: int, words: str
) -> None:
    committee, user = ids(office_db)
    with pytest.raises(ValidationError) as err:
        save_texts(office_db, committee, year, month, TEXTS, by=user)
    assert err.value.field == MONTH_FIELD == "统计月份"
    assert words in err.value.message
    assert stored_rows(office_db) == []
    with pytest.raises(ValidationError):
        report_data(office_db, year, month, today=TODAY)


@pytest.mark.parametrize("name", list(FIELD_LABELS))
def test_a_text_too_long_is_named_and_nothing_is_saved(office_db: Database, name: str) -> None:
    committee, user = ids(office_db)
    save_texts(office_db, committee, 2026, 10, TEXTS, by=user)
    before = stored_rows(office_db)
    longer = MonthlyTexts(**{**asdict(TEXTS), name: "字" * (MAX_CHARS + 3)})
    with pytest.raises(ValidationError) as err:
        save_texts(office_db, committee, 2026, 10, longer, by=user)
    label = FIELD_LABELS[name]
    assert err.value.field == label
    assert err.value.message == (f"“{label}”最多写{MAX_CHARS}个字，现在多了3个字，请删减后再保存。")
    assert stored_rows(office_db) == before  # the texts saved before are untouched
    assert get_texts(office_db, committee, 2026, 10) == TEXTS


def test_the_labels_are_the_headings_the_dialog_and_the_report_use() -> None:
    assert list(FIELD_LABELS.values()) == ["总体情况", "主要原因和特点", "工作措施", "下步打算"]


def test_exactly_max_chars_is_allowed_and_spaces_at_line_ends_do_not_count(
    office_db: Database,
) -> None:
    committee, user = ids(office_db)
    full = "字" * MAX_CHARS
    texts = MonthlyTexts(situation=full + "   \n\n", plans=full)
    assert check_texts(texts) == MonthlyTexts(situation=full, plans=full)
    save_texts(office_db, committee, 2026, 10, texts, by=user)
    assert get_texts(office_db, committee, 2026, 10).situation == full


def test_an_unknown_committee_is_refused(office_db: Database) -> None:
    _committee, user = ids(office_db)
    with pytest.raises(NotFoundError):
        save_texts(office_db, "no-such-committee", 2026, 10, TEXTS, by=user)
    assert stored_rows(office_db) == []


def test_last_complete_month() -> None:
    assert last_complete_month(TODAY) == (2026, 10)
    assert last_complete_month(date(2027, 1, 1)) == (2026, 12)
    assert last_complete_month(date(2026, 3, 31)) == (2026, 2)


# ---------------------------------------------------------------------------------------
# What the report prints: the figures of app.models.stats


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    """The hand-counted office of test_stats.py (cases A … N, J1 … J3)."""
    path: Path = tmp_path_factory.mktemp("monthly_report") / "stats.sqlite3"
    o = stats_office(path)
    db = o.db
    save_texts(db, o.committee, 2026, 5, TEXTS, by=o.user)
    # the village committee's own texts are not the township's report
    save_texts(db, o.hongqi_committee, 2026, 5, MonthlyTexts(situation="红旗村的"), by=o.user)
    yield o
    db.close()


def test_report_data_is_the_figures_of_stats(world: Office) -> None:
    db = world.db
    may = Period.month(2026, 5)
    data = report_data(db, 2026, 5, today=TODAY)
    assert data.report.period == may
    assert data.report.this == indicators(db, may, today=TODAY)
    assert asdict(data.report.this) == asdict(MAY_FIGURES)  # the hand count
    assert asdict(data.report.last_year) == asdict(MAY_2025_FIGURES)
    assert set(data.report.breakdowns) == set(BREAKDOWNS)
    for by in BREAKDOWNS:
        assert data.report.breakdowns[by] == breakdown(db, may, by, today=TODAY)


def test_report_data_months_are_the_monthly_series(world: Office) -> None:
    data = report_data(world.db, 2026, 5, today=TODAY)
    series = monthly_series(world.db, 2026, today=TODAY)
    assert [b.month for b in data.months] == [1, 2, 3, 4, 5]
    assert [b.label for b in data.months] == ["1月", "2月", "3月", "4月", "5月"]
    assert [b.accepted for b in data.months] == series["total_accepted"][:5] == [1, 0, 0, 2, 7]
    assert [b.succeeded for b in data.months] == series["succeeded"][:5] == [1, 0, 0, 0, 2]
    assert [b.mediated for b in data.months] == series["mediated"][:5] == [1, 0, 0, 0, 3]
    assert [b.success_rate for b in data.months] == series["success_rate"][:5]
    assert data.months[4].success_rate == pytest.approx(2 / 3)
    assert data.months[1].success_rate is None  # nothing mediated in February
    january = report_data(world.db, 2026, 1, today=TODAY)
    assert january.months == (MonthBar(1, 1, 1, 1),)  # L
    december = report_data(world.db, 2026, 12, today=TODAY)
    assert [b.accepted for b in december.months] == series["total_accepted"]


def test_report_data_heads_and_texts(world: Office) -> None:
    data = report_data(world.db, 2026, 5, today=TODAY)
    assert (data.town, data.committee) == ("青山镇", "青山镇人民调解委员会")
    assert data.title == "青山镇2026年5月矛盾纠纷排查化解情况"
    assert data.period_label == "2026年5月"
    assert (data.made_on, data.made_by) == (TODAY, "李主任")
    assert data.texts == TEXTS  # the main committee's, not the village committee's
    assert report_data(world.db, 2026, 6, today=TODAY).texts == MonthlyTexts()
    told = MonthlyTexts(plans="对话框里的文字。")
    other = report_data(world.db, 2026, 5, today=TODAY, made_by="王建华", texts=told)
    assert (other.texts, other.made_by) == (told, "王建华")
    assert report_place(world.db) == "青山镇"


def test_a_running_month_counts_to_today(world: Office) -> None:
    """The as-of day of the month that still runs is today (超期未结 of H: due 07-19)."""
    data = report_data(world.db, 2026, 11, today=TODAY)
    assert data.report.this.overdue_open == 1  # H, still open on 11-20
    assert data.made_on == TODAY
