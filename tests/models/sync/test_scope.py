"""A field laptop that holds only some villages (准备外出 with a scope), on real databases.

Cases move into and out of the laptop's villages in the office (their village is edited);
the laptop deletes registry rows it does not see used. Every exchange goes through JSON as
a file carries it (tests/models/sync/replicas.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from app.models import cases, office, search
from app.models.cases import AgreementInput, CaseInput, CloseInput, SessionInput
from app.models.db import Database
from app.models.errors import ValidationError
from app.models.registries import people
from app.models.sync import conflicts as conflict_list
from app.models.sync import exchange, merge
from app.models.sync.merge import ALIVE, KEEPER, Change
from app.models.sync.scope import Scope
from app.models.sync.tables import CASE_CHILD_TABLES, LOCAL_COLUMNS
from app.models.sync.validate import BadSyncContent
from tests.helpers import edit_details, save_draft
from tests.models.helpers import person
from tests.models.sync.replicas import (
    TODAY,
    Replica,
    apply_file,
    conflicts,
    everything,
    make_file,
    new_laptop,
    new_office,
    sync,
)

LAPTOP = "周玉梅的笔记本"


def village(replica: Replica, name: str) -> str:
    return next(v.id for v in office.villages(replica.db) if v.name == name)


def mediator(replica: Replica, name: str) -> str:
    return next(m.id for m in office.mediators(replica.db) if m.name == name)


def register_in(replica: Replica, village_name: str, applicant: str, respondent: str) -> str:
    return cases.register_case(
        replica.db,
        CaseInput(
            committee_id=office.main_committee(replica.db).id,
            category="邻里",
            source="application",
            registered_on=date(2026, 11, 2),
            parties=[person(applicant, "applicant"), person(respondent, "respondent")],
            facts=f"{applicant}与{respondent}因宅基地边界发生纠纷。",
            village_id=village(replica, village_name),
        ),
        by=replica.user,
        today=TODAY,
    )


def worked_on(replica: Replica, case_id: str, mediator_name: str = "陈秀兰") -> None:
    """受理, 指派 and one 调解记录: the case has rows of several tables and events."""
    cases.accept_case(replica.db, case_id, by=replica.user, accepted_on=TODAY, today=TODAY)
    cases.assign_mediators(
        replica.db,
        case_id,
        by=replica.user,
        mediator_ids=[mediator(replica, mediator_name)],
        how="appointed",
        assigned_on=TODAY,
        today=TODAY,
    )
    cases.record_session(
        replica.db,
        case_id,
        SessionInput(
            kind="session",
            held_at=datetime(2026, 11, 20, 9, 30),
            place="村委会",
            record="双方陈述了各自的意见。",
        ),
        by=replica.user,
        now=datetime(2026, 11, 20, 12, 0),
    )


def move(replica: Replica, case_id: str, village_name: str, **changes: str) -> None:
    """案情: the case's village (and maybe other fields) edited through the service."""
    edit_details(
        replica.db, case_id, by=replica.user, village_id=village(replica, village_name), **changes
    )


def rows_of_case(db: Database, case_id: str) -> dict[str, dict[str, tuple[object, ...]]]:
    """The case's rows, its parties and its children, without device-local columns."""
    out: dict[str, dict[str, tuple[object, ...]]] = {}

    def take(table: str, where: str) -> None:
        local = LOCAL_COLUMNS.get(table, frozenset())
        names = [str(r[1]) for r in db.conn.execute(f"PRAGMA table_info({table})")]
        kept = ", ".join(c for c in names if c not in local)
        out[table] = {
            str(r[0]): tuple(r)
            for r in db.conn.execute(f"SELECT id, {kept} FROM {table} WHERE {where}", (case_id,))
        }

    take("cases", "id = ?")
    take("parties", "id IN (SELECT party_id FROM case_parties WHERE case_id = ?)")
    for table in CASE_CHILD_TABLES:
        take(table, "case_id = ?")
    return out


def has_case(db: Database, case_id: str) -> bool:
    return db.scalar("SELECT count(*) FROM cases WHERE id = ?", (case_id,)) == 1


def found_by_search(db: Database, text: str) -> set[str]:
    seqs = search.search_case_seqs(db.conn, text)
    return {str(db.scalar("SELECT id FROM cases WHERE seq = ?", (s,))) for s in seqs}


@pytest.fixture
def office_pc(tmp_path: Path) -> Iterator[Replica]:
    replica = new_office(tmp_path)
    yield replica
    replica.close()


@pytest.fixture
def laptop(office_pc: Replica, tmp_path: Path) -> Iterator[Replica]:
    """Prepared for 红旗村 only, after the office registered a case there."""
    register_in(office_pc, "红旗村", "张三", "李四")
    replica = new_laptop(
        office_pc, tmp_path, LAPTOP, scope=Scope(villages=(village(office_pc, "红旗村"),))
    )
    yield replica
    replica.close()


# --------------------------------------------------------------------------------------
# A case moved into the laptop's villages


def test_a_case_moved_into_the_laptops_village_arrives_whole(office_pc, laptop):
    elsewhere = register_in(office_pc, "桃园村", "王五", "赵六")
    worked_on(office_pc, elsewhere)  # rows the laptop never had: parties, events, sessions
    sync(office_pc, laptop)
    sync(laptop, office_pc)  # the laptop now says it holds the office's changes up to here
    assert not has_case(laptop.db, elsewhere)

    move(office_pc, elsewhere, "红旗村")
    sync(office_pc, laptop)

    assert rows_of_case(laptop.db, elsewhere) == rows_of_case(office_pc.db, elsewhere)
    assert len(rows_of_case(laptop.db, elsewhere)["sessions"]) == 1
    assert found_by_search(laptop.db, "王五") == {elsewhere}
    assert laptop.db.scalar(  # the register's names derived on the laptop too
        "SELECT parties_text FROM cases WHERE id = ?", (elsewhere,)
    ) == office_pc.db.scalar("SELECT parties_text FROM cases WHERE id = ?", (elsewhere,))

    # the laptop works on it; both sides go on merging
    cases.record_session(
        laptop.db,
        elsewhere,
        SessionInput(
            kind="session",
            held_at=datetime(2026, 11, 20, 15, 0),
            place="红旗村评理说事点",
            record="在村里又调解了一次。",
        ),
        by=laptop.user,
        now=datetime(2026, 11, 20, 16, 0),
    )
    sync(laptop, office_pc)
    sync(office_pc, laptop)
    assert rows_of_case(laptop.db, elsewhere) == rows_of_case(office_pc.db, elsewhere)
    assert len(rows_of_case(office_pc.db, elsewhere)["sessions"]) == 2


def test_a_case_handed_over_is_sent_again_until_the_laptop_has_merged_it(office_pc, laptop):
    elsewhere = register_in(office_pc, "桃园村", "王五", "赵六")
    sync(office_pc, laptop)
    sync(laptop, office_pc)
    move(office_pc, elsewhere, "红旗村")

    lost = make_file(office_pc, laptop)  # left on the bus
    assert lost.manifest["whole"] == [elsewhere]
    again = make_file(office_pc, laptop)
    assert again.manifest["whole"] == [elsewhere]
    apply_file(laptop, again)
    assert has_case(laptop.db, elsewhere)

    sync(laptop, office_pc)  # says which office file it merged
    assert make_file(office_pc, laptop).manifest["whole"] == []


def test_a_new_case_whose_file_was_lost_comes_whole_with_the_next(office_pc, laptop):
    """Registered in the office after 准备外出, it is outside the laptop's village when the
    laptop merges a file (which still claims its registration), back inside when the next
    file (carrying its registration) is lost: the file after that hands it over whole."""
    case_id = register_in(office_pc, "桃园村", "王五", "赵六")
    sync(office_pc, laptop)  # claims the office's changes so far, the case's too
    move(office_pc, case_id, "红旗村")
    lost = make_file(office_pc, laptop)
    assert lost.manifest["whole"] == [] and any(c.row_id == case_id for c in lost.changes)
    sync(laptop, office_pc)  # confirms the first file only

    sync(office_pc, laptop)

    assert rows_of_case(laptop.db, case_id) == rows_of_case(office_pc.db, case_id)
    assert found_by_search(laptop.db, "王五") == {case_id}


def test_a_case_the_laptop_registered_is_not_sent_back_whole(office_pc, laptop):
    own = register_in(laptop, "红旗村", "孙七", "周八")
    sync(laptop, office_pc)
    bundle = make_file(office_pc, laptop)
    assert own not in bundle.manifest["whole"]
    apply_file(laptop, bundle)
    assert rows_of_case(laptop.db, own) == rows_of_case(office_pc.db, own)


def test_a_change_of_a_case_the_laptop_does_not_hold_is_kept_aside_not_applied(office_pc, laptop):
    """(A file that names a case's row without the case: the merge goes on without it.)"""
    elsewhere = register_in(office_pc, "桃园村", "王五", "赵六")
    worked_on(office_pc, elsewhere)
    session = office_pc.db.one("SELECT * FROM sessions WHERE case_id = ?", (elsewhere,))
    change = Change(
        office_pc.device,
        10_000,
        "sessions",
        session["id"],
        "i",
        dict(session),
        "2026-11-20T08:00:00.000Z",
        "",
    )
    with laptop.db.transaction() as conn:
        result = merge.apply_changes(conn, [change], [])

    assert result.skipped == 1
    assert laptop.db.scalar("SELECT count(*) FROM sessions WHERE id = ?", (session["id"],)) == 0
    assert laptop.db.scalar("SELECT count(*) FROM sync_log WHERE seq = 10000") == 1


# --------------------------------------------------------------------------------------
# A case moved out of them


def test_a_case_moved_out_is_removed_from_the_laptop_and_its_edits_still_arrive(office_pc, laptop):
    case_id = office_pc.db.scalar("SELECT id FROM cases")
    worked_on(office_pc, case_id)
    sync(office_pc, laptop)
    assert has_case(laptop.db, case_id)
    parties = laptop.db.column("SELECT party_id FROM case_parties WHERE case_id = ?", (case_id,))

    move(office_pc, case_id, "桃园村")
    cases.record_session(  # meanwhile on the laptop, not yet sent
        laptop.db,
        case_id,
        SessionInput(
            kind="session",
            held_at=datetime(2026, 11, 20, 15, 0),
            place="红旗村评理说事点",
            record="笔记本上记的调解。",
        ),
        by=laptop.user,
        now=datetime(2026, 11, 20, 16, 0),
    )
    applied = sync(office_pc, laptop)

    assert applied is not None and applied.cases_dropped == 1
    assert rows_of_case(laptop.db, case_id) == {t: {} for t in rows_of_case(laptop.db, case_id)}
    for party in parties:
        assert laptop.db.scalar("SELECT count(*) FROM parties WHERE id = ?", (party,)) == 0
    assert found_by_search(laptop.db, "张三") == set()
    assert laptop.db.scalar("SELECT count(*) FROM case_search") == 0
    assert laptop.db.scalar("PRAGMA foreign_key_check") is None

    sync(laptop, office_pc)  # the laptop's own work on it reaches the office
    records = office_pc.db.column("SELECT record FROM sessions WHERE case_id = ?", (case_id,))
    assert sorted(records) == ["双方陈述了各自的意见。", "笔记本上记的调解。"]
    assert office_pc.db.scalar("SELECT village_id FROM cases WHERE id = ?", (case_id,)) == (
        village(office_pc, "桃园村")
    )

    # later files are quiet about it, and the office's further work stays in the office
    edit_details(
        office_pc.db,
        case_id,
        by=office_pc.user,
        category="邻里",
        source="application",
        village_id=village(office_pc, "桃园村"),
        facts="办公室后来补充的经过。",
        requests="",
        risk_note="",
    )
    bundle = make_file(office_pc, laptop)
    assert bundle.manifest["drop"] == []
    assert all(c.row_id != case_id for c in bundle.changes)
    apply_file(laptop, bundle)
    assert not has_case(laptop.db, case_id)


def test_a_case_moved_out_and_back_comes_back_whole(office_pc, laptop):
    case_id = office_pc.db.scalar("SELECT id FROM cases")
    move(office_pc, case_id, "桃园村")
    sync(office_pc, laptop)
    sync(laptop, office_pc)
    assert not has_case(laptop.db, case_id)
    worked_on(office_pc, case_id)  # while it was elsewhere

    move(office_pc, case_id, "红旗村", facts="回到红旗村。")
    sync(office_pc, laptop)

    assert rows_of_case(laptop.db, case_id) == rows_of_case(office_pc.db, case_id)
    assert found_by_search(laptop.db, "张三") == {case_id}


# --------------------------------------------------------------------------------------
# A registry row the laptop deletes while the office's other cases use it


def test_a_mediator_deleted_on_the_laptop_but_used_in_the_office_stays_everywhere(
    office_pc, laptop
):
    elsewhere = register_in(office_pc, "桃园村", "王五", "赵六")
    worked_on(office_pc, elsewhere, "陈秀兰")  # the only case 陈秀兰 works on
    sync(office_pc, laptop)
    sync(laptop, office_pc)
    chen = mediator(laptop, "陈秀兰")

    people.MEDIATORS.delete(laptop.db, chen, by=laptop.user)  # unused, as far as it sees
    applied = sync(laptop, office_pc)  # the office's merge does not fail ...

    assert applied is not None and applied.kept_in_use == 1
    assert office_pc.db.scalar("SELECT name FROM mediators WHERE id = ?", (chen,)) == "陈秀兰"
    listed = conflicts(office_pc.db)
    assert {(t, r, c) for t, r, c, *_ in listed} == {("mediators", chen, ALIVE)}
    [(_, _, _, kept_device, kept_seq, lost_device, _)] = listed
    assert (kept_device, lost_device) == (office_pc.device, laptop.device)
    assert (
        office_pc.db.scalar(
            "SELECT by FROM sync_log WHERE device = ? AND seq = ?", (kept_device, kept_seq)
        )
        == KEEPER
    )

    sync(office_pc, laptop)  # ... and the laptop gets 陈秀兰 back, with the same conflict
    assert laptop.db.scalar("SELECT name FROM mediators WHERE id = ?", (chen,)) == "陈秀兰"
    assert conflicts(laptop.db) == listed
    mediators_rows = "SELECT * FROM mediators ORDER BY id"
    assert [tuple(r) for r in laptop.db.query(mediators_rows)] == [
        tuple(r) for r in office_pc.db.query(mediators_rows)
    ]
    [on_laptop] = conflict_list.list_conflicts(laptop.db)  # it does not hold the case using her
    assert on_laptop.kept.text == "仍在：“办公室电脑”上还有记录用到它，删除没有执行"

    # 冲突处理 shows it once; it cannot be deleted while used; keeping it settles it
    [shown] = conflict_list.list_conflicts(office_pc.db)
    assert shown.whole_row and shown.field == "整条记录"
    assert shown.kept.text == "仍在：还有 1 条调解员指派用到它，删除没有执行"
    assert shown.kept.who == "系统"
    deleted = next(s for s in shown.sides if s.op == "d")
    with pytest.raises(ValidationError, match="用到它"):
        conflict_list.resolve(office_pc.db, shown, keep=deleted, by=office_pc.user)
    conflict_list.resolve(office_pc.db, shown, keep=shown.kept, by=office_pc.user)
    assert conflicts(office_pc.db) == set()
    sync(office_pc, laptop)
    assert conflicts(laptop.db) == set()
    assert sync(laptop, office_pc) is not None  # merges go on both ways


def test_a_village_deleted_on_the_laptop_but_used_by_the_offices_cases_stays(office_pc, laptop):
    from app.models.registries import places

    east = village(office_pc, "河东社区")
    register_in(office_pc, "河东社区", "王五", "赵六")  # a case the laptop never sees
    sync(office_pc, laptop)
    sync(laptop, office_pc)

    places.VILLAGES.delete(laptop.db, east, by=laptop.user)
    sync(laptop, office_pc)
    sync(office_pc, laptop)

    for replica in (office_pc, laptop):
        assert replica.db.scalar("SELECT name FROM places WHERE id = ?", (east,)) == "河东社区"
        assert replica.db.scalar("PRAGMA foreign_key_check") is None
    assert {(t, r, c) for t, r, c, *_ in conflicts(laptop.db)} == {("places", east, ALIVE)}
    assert conflicts(laptop.db) == conflicts(office_pc.db)


def test_office_files_for_a_laptop_name_what_changed(office_pc, laptop):
    """The merge's message counts the cases received and removed."""
    elsewhere = register_in(office_pc, "桃园村", "王五", "赵六")
    here = office_pc.db.scalar("SELECT id FROM cases WHERE id <> ?", (elsewhere,))
    sync(office_pc, laptop)
    sync(laptop, office_pc)
    move(office_pc, elsewhere, "红旗村")
    move(office_pc, here, "河东社区")

    applied = exchange.apply_bundle(laptop.db, make_file(office_pc, laptop))

    assert (applied.cases_received, applied.cases_dropped) == (1, 1)


# --------------------------------------------------------------------------------------
# Hostile files


@pytest.mark.parametrize(
    "bad",
    [
        {"rows": [{"t": "cases", "r": "x", "v": {"id": "x"}}]},
        {"drop": ["x"]},
        {"got": "第三号"},
        {"got": -1},
    ],
    ids=["rows", "drop", "got-text", "got-negative"],
)
def test_a_laptops_file_that_hands_over_cases_is_refused_by_the_office(office_pc, laptop, bad):
    register_in(laptop, "红旗村", "孙七", "周八")
    bundle = make_file(laptop, office_pc)
    bundle.manifest.update(bad)
    before = everything(office_pc.db)

    with pytest.raises(BadSyncContent, match="交接的案件"):
        exchange.apply_bundle(office_pc.db, bundle)

    assert everything(office_pc.db) == before


@pytest.mark.parametrize(
    "row",
    [
        {"t": "users", "r": "u1", "v": {"id": "u1", "name": "冒充的主任", "role": "director"}},
        {"t": "cases", "r": "c1", "v": {"id": "c2"}},
        {"t": "cases", "r": "c1", "v": {"id": "c1", "bad column": 1}},
        "cases",
    ],
    ids=["not-a-case-table", "id-mismatch", "bad-column", "not-a-row"],
)
def test_an_office_file_with_a_bad_handed_over_row_is_refused_by_the_laptop(office_pc, laptop, row):
    bundle = make_file(office_pc, laptop)
    bundle.manifest["rows"] = [row]
    before = everything(laptop.db)

    with pytest.raises(BadSyncContent):
        exchange.apply_bundle(laptop.db, bundle)

    assert everything(laptop.db) == before


# --------------------------------------------------------------------------------------
# The starter copy


def test_a_village_laptops_copy_holds_nothing_of_the_other_villages(office_pc, tmp_path):
    """Not their rows, nor the log rows of their rows deleted since (a draft agreement
    removed at 结案 leaves its text in the log)."""
    elsewhere = register_in(office_pc, "桃园村", "王五", "赵六")
    worked_on(office_pc, elsewhere)
    save_draft(
        office_pc.db,
        elsewhere,
        AgreementInput(terms=["王五赔偿赵六围墙修缮费八百元。"]),
        by=office_pc.user,
        today=TODAY,
    )
    cases.close_case(
        office_pc.db,
        elsewhere,
        CloseInput(
            closed_on=TODAY,
            outcome="agreement_oral",
            performance="performed",
            agreement=AgreementInput(terms=["双方和好。"]),
        ),
        by=office_pc.user,
        today=TODAY,
    )
    here = register_in(office_pc, "红旗村", "孙七", "周八")
    worked_on(office_pc, here)
    save_draft(
        office_pc.db, here, AgreementInput(terms=["孙七让出一尺。"]), by=office_pc.user, today=TODAY
    )
    cases.close_case(
        office_pc.db,
        here,
        CloseInput(
            closed_on=TODAY,
            outcome="agreement_oral",
            performance="performed",
            agreement=AgreementInput(terms=["双方和好。"]),
        ),
        by=office_pc.user,
        today=TODAY,
    )

    laptop = new_laptop(
        office_pc, tmp_path, LAPTOP, scope=Scope(villages=(village(office_pc, "红旗村"),))
    )
    try:
        assert laptop.db.column("SELECT id FROM cases") == [here]
        assert rows_of_case(laptop.db, here) == rows_of_case(office_pc.db, here)
        logged = "SELECT count(*) FROM sync_log WHERE data LIKE ?"
        assert laptop.db.scalar(logged, ("%八百元%",)) == 0
        assert laptop.db.scalar(logged, (f"%{elsewhere}%",)) == 0
        assert laptop.db.scalar(logged, ("%孙七让出一尺%",)) == 2  # its draft, made and removed
        assert found_by_search(laptop.db, "孙七") == {here}
        assert found_by_search(laptop.db, "王五") == set()
        assert laptop.db.scalar("PRAGMA foreign_key_check") is None
        assert laptop.db.scalar("PRAGMA integrity_check") == "ok"
        # the copy's own change log still works: a change made there is logged
        register_in(laptop, "红旗村", "吴九", "郑十")
        assert laptop.db.scalar("SELECT count(*) FROM sync_log WHERE device = ?", (laptop.device,))
    finally:
        laptop.close()
