"""The register's lazy table model on real demo data: labels, filters, search, sort, paging."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models import db as dbmod
from app.models import office, register, search
from app.models.db import Database, DatabaseLockedError
from app.models.reference import STATES, sources
from app.models.register import RegisterFilter, RegisterRow
from app.ui import register_model
from app.ui.item_views import RowRole, SortRole
from app.ui.register_model import (
    COL_CATEGORY,
    COL_DUE,
    COL_NUMBER,
    COL_PARTIES,
    COL_REGISTERED,
    COL_SOURCE,
    COL_STATE,
    COL_VILLAGE,
    COLUMNS,
    NO_NUMBER,
    SORT_KEYS,
    RegisterModel,
)
from tests.conftest import TODAY
from tests.helpers import file_of, fill_demo
from tests.ui.shell_helpers import RAW_KEYS, UUID_RE, all_cells, locked, record_at

DESC = Qt.SortOrder.DescendingOrder
ASC = Qt.SortOrder.AscendingOrder


def make_model(db: Database, f: RegisterFilter | None = None) -> RegisterModel:
    model = RegisterModel(db, today=lambda: TODAY)
    assert model.set_filter(f or RegisterFilter())
    return model


def count(db: Database, where: str, *params: object) -> int:
    return int(db.scalar(f"SELECT count(*) FROM cases WHERE {where}", params))


def ids(model: RegisterModel) -> list[str]:
    return [model.index(r, 0).data(RowRole).id for r in range(model.rowCount())]


def column(model: RegisterModel, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> list[Any]:
    return [model.index(r, col).data(role) for r in range(model.rowCount())]


# ---------------------------------------------------------------------- Qt's model checks


def test_model_passes_qt_model_tester_with_data(demo_db: Database, qtmodeltester) -> None:
    model = make_model(demo_db)
    assert model.rowCount() == count(demo_db, "state <> 'voided'") > 0
    qtmodeltester.check(model)


@pytest.mark.parametrize("col", sorted(SORT_KEYS))
def test_model_tester_after_every_sort(demo_db: Database, qtmodeltester, col: int) -> None:
    model = make_model(demo_db)
    for order in (ASC, DESC):
        model.sort(col, order)
        assert model.sort_state() == (col, order)
        qtmodeltester.check(model)


def test_model_tester_after_filter_and_search(demo_db: Database, qtmodeltester) -> None:
    model = make_model(demo_db)
    assert model.set_filter(RegisterFilter(states=frozenset({"mediating"})))
    qtmodeltester.check(model)
    assert model.set_filter(RegisterFilter(text="没有这样的人"))
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_empty_database(office_db: Database, qtmodeltester) -> None:
    model = make_model(office_db)
    assert model.rowCount() == 0
    assert model.columnCount() == len(COLUMNS)
    qtmodeltester.check(model)


# ---------------------------------------------------------------------- what is shown


def test_cells_show_names_and_chinese_labels_never_ids(demo_db: Database) -> None:
    model = make_model(demo_db, RegisterFilter(include_voided=True))
    assert model.rowCount() == count(demo_db, "1")
    cells = all_cells(model)
    assert not [c for c in cells if UUID_RE.search(c)]
    assert not [c for c in cells if RAW_KEYS.search(c)]
    assert set(column(model, COL_STATE)) == set(STATES.values())  # every state, in Chinese
    assert set(column(model, COL_SOURCE)) <= set(sources().values())
    assert set(column(model, COL_VILLAGE)) <= {"红旗村", "桃园村", "河东社区", ""}
    assert {"红旗村", "桃园村", "河东社区"} & set(column(model, COL_VILLAGE))
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))]
    assert headers[COL_NUMBER] == "案件编号" and headers[COL_PARTIES] == "当事人"


def test_unaccepted_cases_show_no_number(demo_db: Database) -> None:
    model = make_model(demo_db, RegisterFilter(states=frozenset({"registered"})))
    assert model.rowCount() == 3
    assert column(model, COL_NUMBER) == [NO_NUMBER] * 3
    assert set(column(model, COL_STATE)) == {"已登记"}


def test_overdue_due_date_is_red_with_a_tooltip(demo_db: Database) -> None:
    model = make_model(demo_db, RegisterFilter(states=register_model.ACTIVE_STATES))
    overdue = {
        r["number"]: (TODAY - date.fromisoformat(r["due_on"])).days
        for r in demo_db.query(
            "SELECT number, due_on FROM cases WHERE state IN ('accepted','assigned','mediating')"
            " AND due_on < ?",
            (TODAY.isoformat(),),
        )
    }
    assert overdue
    for row in range(model.rowCount()):
        index = model.index(row, COL_DUE)
        number = model.index(row, COL_NUMBER).data()
        red = index.data(Qt.ItemDataRole.ForegroundRole)
        if number in overdue:
            assert red is not None and red.color().name() == "#b00000"
            assert index.data(Qt.ItemDataRole.ToolTipRole) == f"已超期 {overdue[number]} 天"
        else:
            assert red is None


def test_sort_role_gives_native_values(demo_db: Database) -> None:
    model = make_model(demo_db)
    record = model.index(0, 0).data(RowRole)
    assert isinstance(record, RegisterRow)
    assert model.index(0, COL_REGISTERED).data(SortRole) == date.fromisoformat(record.registered_on)
    numbered = next(r for r in range(model.rowCount()) if record_at(model, r).number)
    year, seq = model.index(numbered, COL_NUMBER).data(SortRole)
    assert record_at(model, numbered).number == f"（{year}）青山调字第{seq}号"


# ---------------------------------------------------------------------- filters


def _one_of_each(db: Database) -> list[tuple[str, RegisterFilter, int]]:
    village = office.villages(db)[0]
    mediator = office.mediators(db)[0]
    start, end = TODAY - timedelta(days=60), TODAY - timedelta(days=10)
    active = "state <> 'voided'"
    return [
        ("state", RegisterFilter(states=frozenset({"closed"})), count(db, "state = 'closed'")),
        (
            "voided",
            RegisterFilter(states=frozenset({"voided"})),
            count(db, "state = 'voided'"),
        ),
        ("category", RegisterFilter(category="邻里"), count(db, f"{active} AND category = '邻里'")),
        (
            "source",
            RegisterFilter(source="application"),
            count(db, f"{active} AND source = 'application'"),
        ),
        (
            "village",
            RegisterFilter(village_id=village.id),
            count(db, f"{active} AND village_id = ?", village.id),
        ),
        (
            "mediator",
            RegisterFilter(mediator_id=mediator.id),
            count(
                db,
                f"{active} AND id IN (SELECT case_id FROM assignments "
                "WHERE mediator_id = ? AND ended_on IS NULL)",
                mediator.id,
            ),
        ),
        (
            "dates",
            RegisterFilter(date_from=start, date_to=end),
            count(
                db,
                f"{active} AND registered_on BETWEEN ? AND ?",
                start.isoformat(),
                end.isoformat(),
            ),
        ),
    ]


@pytest.mark.parametrize(
    "which", ["state", "voided", "category", "source", "village", "mediator", "dates"]
)
def test_each_filter_narrows_to_the_sql_count(demo_db: Database, which: str) -> None:
    total = count(demo_db, "state <> 'voided'")
    name, f, expected = next(x for x in _one_of_each(demo_db) if x[0] == which)
    model = make_model(demo_db)
    assert model.set_filter(f)
    assert 0 < model.rowCount() == expected
    if name != "voided":
        assert model.rowCount() < total


def test_filters_combine(demo_db: Database) -> None:
    f = RegisterFilter(states=frozenset({"closed", "archived"}), category="邻里")
    model = make_model(demo_db, f)
    expected = count(demo_db, "state IN ('closed','archived') AND category = '邻里'")
    assert 0 < model.rowCount() == expected
    assert set(column(model, COL_CATEGORY)) == {"邻里"}
    assert set(column(model, COL_STATE)) <= {"已结案", "已归档"}


# ---------------------------------------------------------------------- search


def _a_case(db: Database) -> tuple[str, str, str]:
    """(id, number, first party's name) of an accepted demo case."""
    r = db.one(
        "SELECT c.id, c.number, p.name FROM cases c "
        "JOIN case_parties cp ON cp.case_id = c.id JOIN parties p ON p.id = cp.party_id "
        "WHERE c.number IS NOT NULL AND c.state = 'mediating' ORDER BY c.seq LIMIT 1"
    )
    assert r is not None
    return r["id"], r["number"], r["name"]


def test_search_by_party_name(demo_db: Database) -> None:
    case_id, _number, name = _a_case(demo_db)
    model = make_model(demo_db, RegisterFilter(text=name))
    assert case_id in ids(model)
    assert all(name in p for p in column(model, COL_PARTIES))


def test_search_by_pinyin_initials(demo_db: Database) -> None:
    case_id, _number, name = _a_case(demo_db)
    _full, initials = search.name_pinyin(name)
    model = make_model(demo_db, RegisterFilter(text=initials))
    assert case_id in ids(model)
    assert model.rowCount() < count(demo_db, "state <> 'voided'")


def test_search_by_case_number(demo_db: Database) -> None:
    case_id, number, _name = _a_case(demo_db)
    model = make_model(demo_db, RegisterFilter(text=number))
    assert ids(model) == [case_id]
    assert column(model, COL_NUMBER) == [number]


def test_search_and_filter_together(demo_db: Database) -> None:
    case_id, _number, name = _a_case(demo_db)
    model = make_model(demo_db, RegisterFilter(text=name, states=frozenset({"mediating"})))
    assert case_id in ids(model)
    model.set_filter(RegisterFilter(text=name, states=frozenset({"declined"})))
    assert case_id not in ids(model)


# ---------------------------------------------------------------------- sorting


def test_sort_by_number(demo_db: Database) -> None:
    model = make_model(demo_db)
    model.sort(COL_NUMBER, ASC)
    keys = [k for k in column(model, COL_NUMBER, SortRole) if k]
    assert len(keys) > 20 and keys == sorted(keys)
    first_asc = column(model, COL_NUMBER)
    model.sort(COL_NUMBER, DESC)
    keys = [k for k in column(model, COL_NUMBER, SortRole) if k]
    assert keys == sorted(keys, reverse=True)
    assert column(model, COL_NUMBER) != first_asc
    # Numbers compare as numbers: 第9号 comes before 第12号 going up.
    numbers = [n for n in column(model, COL_NUMBER) if n != NO_NUMBER]
    assert numbers.index("（2026）青山调字第12号") < numbers.index("（2026）青山调字第9号")


def test_sort_by_registration_date(demo_db: Database) -> None:
    model = make_model(demo_db)
    assert model.sort_state() == (COL_REGISTERED, DESC)  # newest first by default
    dates = column(model, COL_REGISTERED, SortRole)
    assert dates == sorted(dates, reverse=True) and dates[0] > dates[-1]
    model.sort(COL_REGISTERED, ASC)
    assert column(model, COL_REGISTERED, SortRole) == sorted(dates)
    assert column(model, COL_REGISTERED)[0] == min(dates).isoformat()


def test_unsortable_column_keeps_the_order(demo_db: Database, monkeypatch) -> None:
    monkeypatch.delitem(register_model.SORT_KEYS, COL_SOURCE, raising=False)
    model = make_model(demo_db)
    before = ids(model)
    assert not model.is_sortable(COL_SOURCE)
    model.sort(COL_SOURCE, ASC)
    assert model.sort_state() == (COL_REGISTERED, DESC)
    assert ids(model) == before


# ---------------------------------------------------------------------- laziness


@pytest.fixture
def big_db(database: Database) -> Database:
    fill_demo(database, today=TODAY, count=230)
    return database


def test_rows_are_read_a_page_at_a_time(big_db: Database, monkeypatch) -> None:
    calls: list[int] = []
    real = register.fetch_rows

    def counting(db: Database, seqs: list[int]) -> dict[int, RegisterRow]:
        calls.append(len(seqs))
        return real(db, seqs)

    monkeypatch.setattr(register, "fetch_rows", counting)
    monkeypatch.setattr(register_model, "MAX_PAGES", 2)
    model = make_model(big_db, RegisterFilter(include_voided=True))
    assert model.rowCount() == 230
    assert calls == []  # the query gives only the order; no row is read yet
    for row in range(5):
        for col in range(model.columnCount()):
            model.index(row, col).data()
    assert calls == [register_model.PAGE_SIZE]  # one page for the first screen
    model.index(229, 0).data()
    assert calls == [100, 30]
    model.index(150, 0).data()  # a third page pushes out the least recently used
    model.index(0, 0).data()
    assert calls == [100, 30, 100, 100]
    assert model.index(229, COL_PARTIES).data() == record_at(model, 229).parties


def test_rows_past_the_first_screen_read_the_rest_of_the_order(
    big_db: Database, qtbot: QtBot
) -> None:
    """The order of rows past the first 200 is read when first shown; a locked file then
    empties those rows and says so once, and the first screen stays readable."""
    model = make_model(big_db, RegisterFilter(include_voided=True))
    expected = register.query_seqs(big_db, RegisterFilter(include_voided=True))
    assert model.rowCount() == 230
    assert model.index(0, COL_PARTIES).data()
    failures: list[object] = []
    model.storage_failed.connect(failures.append)
    with locked(big_db):
        assert model.index(229, COL_PARTIES).data() is None
        assert model.index(228, COL_PARTIES).data() is None
        assert model.seq_at(229) == register.SeqList.MISSING
    assert [type(f) for f in failures] == [DatabaseLockedError, DatabaseLockedError]
    assert model.index(5, COL_PARTIES).data()  # the first page was read before
    assert model.refresh()
    assert [model.seq_at(r) for r in range(230)] == expected
    assert model.index(229, COL_PARTIES).data() == record_at(model, 229).parties
    assert model.row_of_seq(expected[229]) == 229


def test_cases_changed_by_another_program_are_read_again_not_shifted(
    big_db: Database, qtbot: QtBot
) -> None:
    model = make_model(big_db, RegisterFilter())
    rows = model.rowCount()
    assert model.index(0, COL_PARTIES).data()  # the first screen, from the head
    gone = model.seq_at(3)
    other = dbmod.connect(file_of(big_db), migrate=False)  # another program on the same file
    with other.transaction() as conn:
        conn.execute("UPDATE cases SET state = 'voided' WHERE seq = ?", (gone,))
    other.close()
    with qtbot.waitSignal(model.modelReset, timeout=3000):
        model.index(rows - 1, COL_PARTIES).data()  # scrolled to the end: the rest is read
    assert model.rowCount() == rows - 1
    expected = register.query_seqs(big_db, RegisterFilter())
    assert [model.seq_at(r) for r in range(model.rowCount())] == expected


# ---------------------------------------------------------------------- storage errors


def test_locked_file_while_reading_a_page(demo_db: Database, qtbot: QtBot) -> None:
    model = make_model(demo_db)
    rows = model.rowCount()
    model.refresh()  # pages are dropped; the next paint reads again
    failures: list[object] = []
    model.storage_failed.connect(failures.append)
    with locked(demo_db):
        assert model.index(0, COL_PARTIES).data() is None
        assert model.index(1, COL_PARTIES).data() is None
    assert len(failures) == 1  # once, not once per painted cell
    assert isinstance(failures[0], DatabaseLockedError)
    assert model.rowCount() == rows
    assert model.refresh()
    assert model.index(0, COL_PARTIES).data()


def test_locked_file_on_refresh_keeps_the_rows(demo_db: Database) -> None:
    model = make_model(demo_db)
    before = ids(model)
    failures: list[object] = []
    model.storage_failed.connect(failures.append)
    with locked(demo_db):
        assert not model.set_filter(RegisterFilter(category="邻里"))
        model.sort(COL_NUMBER, ASC)
    assert [type(f) for f in failures] == [DatabaseLockedError, DatabaseLockedError]
    assert model.filter == RegisterFilter()
    assert model.sort_state() == (COL_REGISTERED, DESC)
    assert ids(model) == before
