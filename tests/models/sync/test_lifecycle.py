"""A case's life cycle merged as one unit (docs/sync.md "A case's life cycle").

An office and a field laptop (all villages) change a case's state without seeing each
other's step; the merged case is always one that the program itself could have made, and
冲突处理 shows the two life cycles once, as 办理状态, and keeps either whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.models import cases
from app.models.cases import CloseInput, FollowUpInput
from app.models.sync import conflicts as conflict_list
from app.models.sync.tables import CASE_LIFECYCLE
from tests.models.helpers import register
from tests.models.sync.replicas import (
    TODAY,
    Replica,
    assert_identical,
    conflicts,
    new_laptop,
    new_office,
    sync,
)

LAPTOP = "周玉梅的笔记本"
CLOSED_ON = date(2026, 11, 18)


@pytest.fixture
def office_pc(tmp_path: Path) -> Iterator[Replica]:
    replica = new_office(tmp_path)
    yield replica
    replica.close()


@pytest.fixture
def case_id(office_pc: Replica) -> str:
    """A case accepted and closed (当事人撤回) in the office."""
    case_id = register(office_pc.db)
    cases.accept_case(
        office_pc.db, case_id, by=office_pc.user, accepted_on=date(2026, 11, 3), today=TODAY
    )
    cases.close_case(
        office_pc.db,
        case_id,
        CloseInput(closed_on=CLOSED_ON, outcome="withdrawn", performance="na", note="撤回申请"),
        by=office_pc.user,
        today=TODAY,
    )
    return case_id


@pytest.fixture
def laptop(office_pc: Replica, case_id: str, tmp_path: Path) -> Iterator[Replica]:
    replica = new_laptop(office_pc, tmp_path, LAPTOP)
    yield replica
    replica.close()


def reopen(replica: Replica, case_id: str) -> None:
    cases.reopen_case(
        replica.db, case_id, by=replica.user, reason="当事人反悔", requested_by="张三"
    )


def archive(replica: Replica, case_id: str) -> None:
    cases.archive_case(
        replica.db, case_id, by=replica.user, archived_on=date(2026, 11, 19), today=TODAY
    )


def life_cycle(replica: Replica, case_id: str) -> dict[str, object]:
    row = replica.db.one(f"SELECT {', '.join(CASE_LIFECYCLE)} FROM cases WHERE id = ?", (case_id,))
    assert row is not None
    return dict(zip(CASE_LIFECYCLE, tuple(row), strict=True))


def possible(values: dict[str, object]) -> bool:
    """What the program's own steps can leave: an archived or closed case has its closing
    date and result; an open one has none; only an archived one has an archive date."""
    state = values["state"]
    closed = values["closed_on"] is not None and values["outcome"] is not None
    if state in ("closed", "archived"):
        return closed and (values["archived_on"] is not None) == (state == "archived")
    if state in ("accepted", "assigned", "mediating"):
        return values["closed_on"] is None and values["archived_on"] is None
    return True


def both_ways(office_pc: Replica, laptop: Replica) -> None:
    sync(laptop, office_pc)
    sync(office_pc, laptop)


@pytest.mark.parametrize("later", ["laptop", "office"])
def test_a_reopen_and_an_archive_made_apart_end_in_one_possible_case(
    office_pc, laptop, case_id, later
):
    if later == "laptop":
        reopen(office_pc, case_id)
        archive(laptop, case_id)
    else:
        archive(laptop, case_id)
        reopen(office_pc, case_id)
    closed = life_cycle(laptop, case_id)
    before_reopen = life_cycle(office_pc, case_id)

    both_ways(office_pc, laptop)

    merged = life_cycle(office_pc, case_id)
    assert possible(merged), merged
    assert merged == (closed if later == "laptop" else before_reopen)
    assert merged["state"] == ("archived" if later == "laptop" else "mediating")
    [listed] = conflicts(office_pc.db)
    assert listed[:3] == ("cases", case_id, "state")  # one conflict for the whole unit
    assert_identical(office_pc, laptop)


def test_conflicts_window_shows_the_life_cycle_once_and_keeps_the_other_whole(
    office_pc, laptop, case_id
):
    reopen(office_pc, case_id)
    archive(laptop, case_id)  # later: kept for now
    both_ways(office_pc, laptop)

    [shown] = conflict_list.list_conflicts(office_pc.db)
    assert (shown.field, shown.whole_row, shown.mergeable) == ("办理状态", False, False)
    assert shown.kept.where == LAPTOP
    assert shown.kept.text.splitlines()[0] == "办理状态：已归档"
    assert "归档日期：2026年11月19日" in shown.kept.text.splitlines()
    [reopened] = shown.set_aside
    assert reopened.where == "办公室电脑"
    assert reopened.text.splitlines()[0] == "办理状态：调解中"
    assert "结案日期" not in reopened.text

    conflict_list.resolve(office_pc.db, shown, keep=reopened, by=office_pc.user)

    values = life_cycle(office_pc, case_id)
    assert values["state"] == "mediating"
    assert (values["closed_on"], values["outcome"], values["archived_on"]) == (None, None, None)
    assert conflicts(office_pc.db) == set()
    both_ways(office_pc, laptop)
    assert life_cycle(laptop, case_id) == values
    assert conflicts(laptop.db) == set()
    assert_identical(office_pc, laptop)


def test_a_follow_up_and_a_reopen_made_apart_keep_the_case_possible(office_pc, laptop, case_id):
    """回访 writes 履行情况, which 重新调解 clears: one of them, whole."""
    reopen(office_pc, case_id)
    cases.record_follow_up(
        laptop.db,
        case_id,
        FollowUpInput(
            visited_on=date(2026, 11, 19),
            visitor="王建华",
            person_visited="张三",
            performed="performed",
            satisfaction="满意",
        ),
        by=laptop.user,
        today=TODAY,
    )
    both_ways(office_pc, laptop)

    merged = life_cycle(office_pc, case_id)
    assert possible(merged), merged
    assert merged["state"] == "closed" and merged["performance"] == "performed"
    assert {c[2] for c in conflicts(office_pc.db)} == {"state"}
    assert_identical(office_pc, laptop)


def test_steps_one_after_the_other_are_no_conflict(office_pc, laptop, case_id):
    reopen(office_pc, case_id)
    sync(office_pc, laptop)
    cases.close_case(
        laptop.db,
        case_id,
        CloseInput(closed_on=TODAY, outcome="withdrawn", performance="na"),
        by=laptop.user,
        today=TODAY,
    )
    archive(laptop, case_id)
    both_ways(office_pc, laptop)

    assert life_cycle(office_pc, case_id)["state"] == "archived"
    assert conflicts(office_pc.db) == set()
    assert_identical(office_pc, laptop)


def test_the_office_numbering_a_case_is_not_undone_by_a_step_on_the_laptop(tmp_path):
    """The case number stays outside the unit: the office's real number for a provisional
    one survives a 结案 the laptop made without seeing it."""
    office_pc = new_office(tmp_path)
    laptop = new_laptop(office_pc, tmp_path, LAPTOP, block_size=0)  # provisional numbers
    try:
        case_id = register(laptop.db)
        cases.accept_case(laptop.db, case_id, by=laptop.user, accepted_on=TODAY, today=TODAY)
        provisional = laptop.db.scalar("SELECT number FROM cases WHERE id = ?", (case_id,))
        sync(laptop, office_pc)  # the office gives the real number
        real = office_pc.db.scalar("SELECT number FROM cases WHERE id = ?", (case_id,))
        assert real != provisional
        cases.close_case(  # on the laptop, before it hears of the real number
            laptop.db,
            case_id,
            CloseInput(closed_on=TODAY, outcome="withdrawn", performance="na"),
            by=laptop.user,
            today=TODAY,
        )
        both_ways(office_pc, laptop)

        for replica in (office_pc, laptop):
            row = replica.db.one(
                "SELECT number, number_provisional, state FROM cases WHERE id = ?", (case_id,)
            )
            assert row is not None
            assert tuple(row) == (real, 0, "closed")
        assert conflicts(office_pc.db) == set()
        assert_identical(office_pc, laptop)
    finally:
        laptop.close()
        office_pc.close()
