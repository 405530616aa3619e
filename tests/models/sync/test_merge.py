"""The merge rules, one small scenario each, on real database files.

The office database is set up through the services; the laptop is made from it with
准备外出 (prepare_field_copy); every exchange is a bundle that goes through JSON, as a file
carries it (tests/models/sync/replicas.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.models import cases, clause_templates, office, outreach_content, search
from app.models.db import Database
from app.models.parties import case_parties
from app.models.registries import households, places, village
from app.models.sync import exchange, merge
from app.models.sync.clock import Epochs, Version, held
from app.models.sync.exchange import NothingNew
from app.models.sync.merge import Change
from app.models.sync.tables import natural_id
from tests.helpers import director, edit_details, edit_entry, edit_party
from tests.models.helpers import person, register
from tests.models.sync.replicas import (
    TODAY,
    Replica,
    apply_file,
    assert_identical,
    conflicts,
    everything,
    make_file,
    new_laptop,
    new_office,
    refused,
    sync,
    through_a_file,
)

LAPTOP = "周玉梅的笔记本"


@pytest.fixture
def office_pc(tmp_path: Path) -> Iterator[Replica]:
    replica = new_office(tmp_path)
    yield replica
    replica.close()


@pytest.fixture
def case_id(office_pc: Replica) -> str:
    """One dispute registered in the office before the laptop is prepared."""
    return register(office_pc.db)


@pytest.fixture
def laptop(office_pc: Replica, case_id: str, tmp_path: Path) -> Iterator[Replica]:
    replica = new_laptop(office_pc, tmp_path, LAPTOP)
    yield replica
    replica.close()


def both_ways(office_pc: Replica, laptop: Replica) -> None:
    sync(laptop, office_pc)
    sync(office_pc, laptop)


def edit_case(replica: Replica, case_id: str, **changes: str) -> None:
    """案情 edited through the service: only the given fields change."""
    edit_details(replica.db, case_id, by=replica.user, **changes)


def value(replica: Replica, sql: str, *params: object) -> object:
    return replica.db.scalar(sql, params)


def logged(replica: Replica, device: str, seq: int) -> dict[str, object]:
    """What a change wrote, as 冲突处理 reads it from the log."""
    data = replica.db.scalar(
        "SELECT data FROM sync_log WHERE device = ? AND seq = ?", (device, seq)
    )
    assert data is not None, f"change {device}/{seq} is not in the log"
    parsed: dict[str, object] = json.loads(data)
    return parsed


def logged_by(replica: Replica, device: str, seq: int) -> object:
    return replica.db.scalar("SELECT by FROM sync_log WHERE device = ? AND seq = ?", (device, seq))


def own_changes(replica: Replica) -> int:
    return int(
        replica.db.scalar("SELECT count(*) FROM sync_log WHERE device = ?", (replica.device,))
    )


# --------------------------------------------------------------------------------------
# Fields


def test_edits_of_different_fields_of_one_case_both_arrive(office_pc, laptop, case_id):
    edit_case(office_pc, case_id, facts="办公室补充：双方曾于十月协商未果。")
    edit_case(laptop, case_id, title="红旗村排水沟纠纷", risk_note="一方情绪激动")

    both_ways(office_pc, laptop)

    for replica in (office_pc, laptop):
        row = replica.db.one("SELECT title, facts, risk_note FROM cases WHERE id = ?", (case_id,))
        assert tuple(row) == (
            "红旗村排水沟纠纷",
            "办公室补充：双方曾于十月协商未果。",
            "一方情绪激动",
        )
        edits = replica.db.column(
            "SELECT by FROM case_events WHERE case_id = ? AND action = 'edit'", (case_id,)
        )
        assert len(edits) == 2, "both sides' 修改 events are in the case history"
    assert conflicts(office_pc.db) == set()
    assert_identical(office_pc, laptop)


def test_the_same_field_on_both_sides_keeps_the_later_and_lists_the_pair(
    office_pc, laptop, case_id
):
    edit_case(office_pc, case_id, facts="办公室写的经过。")
    edit_case(laptop, case_id, facts="笔记本写的经过。")  # later

    both_ways(office_pc, laptop)

    for replica in (office_pc, laptop):
        assert value(replica, "SELECT facts FROM cases WHERE id = ?", case_id) == "笔记本写的经过。"
    [listed] = conflicts(office_pc.db)
    table, row_id, col, kept_device, kept_seq, lost_device, lost_seq = listed
    assert (table, row_id, col) == ("cases", case_id, "facts")
    assert (kept_device, lost_device) == (laptop.device, office_pc.device)
    # the value set aside is kept in the log, for 冲突处理 to show beside the kept one
    assert logged(office_pc, lost_device, lost_seq)["facts"] == "办公室写的经过。"
    assert logged(laptop, kept_device, kept_seq)["facts"] == "笔记本写的经过。"
    assert_identical(office_pc, laptop)


def test_an_edit_made_after_a_conflict_was_merged_settles_it_everywhere(office_pc, laptop, case_id):
    edit_case(office_pc, case_id, facts="办公室写的经过。", risk_note="注意安全")
    edit_case(laptop, case_id, facts="笔记本写的经过。", risk_note="双方亲属在场")
    sync(laptop, office_pc)
    assert {c[2] for c in conflicts(office_pc.db)} == {"facts", "risk_note"}

    edit_case(office_pc, case_id, facts="两边的经过合在一起。")  # seen both: one version again

    assert {c[2] for c in conflicts(office_pc.db)} == {"risk_note"}
    sync(office_pc, laptop)
    assert {c[2] for c in conflicts(laptop.db)} == {"risk_note"}
    assert_identical(office_pc, laptop)


def test_an_edit_made_after_seeing_the_other_is_not_a_conflict(office_pc, laptop, case_id):
    edit_case(office_pc, case_id, facts="办公室写的经过。")
    sync(office_pc, laptop)
    edit_case(laptop, case_id, facts="笔记本看过办公室的再改。")

    both_ways(office_pc, laptop)

    for replica in (office_pc, laptop):
        assert value(replica, "SELECT facts FROM cases WHERE id = ?", case_id) == (
            "笔记本看过办公室的再改。"
        )
    assert conflicts(office_pc.db) == conflicts(laptop.db) == set()


def test_an_edit_made_after_a_merge_is_not_a_conflict_on_the_other_side(office_pc, laptop, case_id):
    """The office starts a new epoch after each merge, again and again until its next
    change; the laptop must learn the one the office made its change in, not an early one."""
    edit_case(laptop, case_id, title="第一次")
    sync(laptop, office_pc)
    sync(office_pc, laptop)  # the office has merged but not changed anything since
    edit_case(laptop, case_id, title="第二次")
    sync(laptop, office_pc)
    edit_case(office_pc, case_id, title="办公室看过第二次再改")

    sync(office_pc, laptop)

    for replica in (office_pc, laptop):
        assert value(replica, "SELECT title FROM cases WHERE id = ?", case_id) == (
            "办公室看过第二次再改"
        )
    assert conflicts(laptop.db) == conflicts(office_pc.db) == set()
    assert_identical(office_pc, laptop)


def test_a_laptop_with_a_slow_clock_still_wins_with_an_edit_made_after_seeing(
    office_pc, laptop, case_id
):
    """The order is what each side had seen, not the clocks: the laptop's clock is a day
    behind, its edit was made after it saw the office's, so it is the one kept."""
    edit_case(office_pc, case_id, facts="办公室写的经过。")
    sync(office_pc, laptop)
    edit_case(laptop, case_id, facts="笔记本看过办公室的再改。")
    bundle = make_file(laptop, office_pc)
    day_behind = [
        replace(c, at=(date.fromisoformat(c.at[:10]) - timedelta(days=1)).isoformat() + c.at[10:])
        for c in bundle.changes
    ]
    office_change = office_pc.db.scalar(
        "SELECT at FROM sync_log WHERE tbl = 'cases' AND row_id = ? AND device = ? "
        "ORDER BY seq DESC LIMIT 1",
        (case_id, office_pc.device),
    )
    assert max(c.at for c in day_behind) < office_change

    apply_file(office_pc, replace(bundle, changes=day_behind))

    assert value(office_pc, "SELECT facts FROM cases WHERE id = ?", case_id) == (
        "笔记本看过办公室的再改。"
    )
    assert conflicts(office_pc.db) == set()


def _applied(db: Database, changes: list[Change], epochs: list[tuple[str, int, dict[str, int]]]):
    with db.transaction() as conn:
        merge.apply_changes(conn, changes, epochs)


A = "0192a000-0000-7000-8000-00000000000a"
B = "0192a000-0000-7000-8000-00000000000b"


@pytest.mark.parametrize("b_saw_a", [True, False], ids=["b-saw-a", "concurrent"])
def test_clock_skew_between_two_other_installations(office_pc, case_id, b_saw_a):
    """Changes made elsewhere, as the engine sees them: B's clock is an hour behind A's.
    B's edit made after it held A's wins; made without seeing it, the later clock wins and
    the pair is listed. Either order of arrival gives the same."""
    a = Change(A, 1, "cases", case_id, "u", {"facts": "A 的经过"}, "2026-11-20T10:00:00.000Z", "")
    b = Change(B, 1, "cases", case_id, "u", {"facts": "B 的经过"}, "2026-11-20T09:00:00.000Z", "")
    registered = held(office_pc.db.conn)  # both had the case as the office registered it
    b_saw = {**registered, A: 1} if b_saw_a else registered

    _applied(office_pc.db, [b], [(B, 1, b_saw)])
    _applied(office_pc.db, [a], [(A, 1, registered)])

    facts = value(office_pc, "SELECT facts FROM cases WHERE id = ?", case_id)
    if b_saw_a:
        assert facts == "B 的经过"
        assert conflicts(office_pc.db) == set()
    else:
        assert facts == "A 的经过"
        assert conflicts(office_pc.db) == {("cases", case_id, "facts", A, 1, B, 1)}
    state = merge.decide(
        Epochs.load(office_pc.db.conn), merge.row_changes(office_pc.db.conn, "cases", case_id)
    )
    assert state.values["facts"][0] == (Version(b.at, B, 1) if b_saw_a else Version(a.at, A, 1))


# --------------------------------------------------------------------------------------
# Deletes and 恢复默认


def register_in(replica: Replica, village_id: str, applicant: str) -> str:
    return cases.register_case(
        replica.db,
        cases.CaseInput(
            committee_id=office.main_committee(replica.db).id,
            category="邻里",
            source="application",
            registered_on=TODAY,
            parties=[person(applicant, "applicant"), person("吴二", "respondent")],
            facts="两户因院墙发生纠纷。",
            village_id=village_id,
        ),
        by=replica.user,
        today=TODAY,
    )


def test_a_delete_and_an_edit_made_without_seeing_it_are_listed(office_pc, case_id, tmp_path):
    red_flag = next(v.id for v in office.villages(office_pc.db) if v.name == "红旗村")
    point = village.TALK_POINTS.add(
        office_pc.db, by=office_pc.user, village_id=red_flag, name="", address="红旗村村委会"
    )
    laptop = new_laptop(office_pc, tmp_path, LAPTOP)
    village.TALK_POINTS.delete(office_pc.db, point, by=office_pc.user)
    edit_entry(
        village.TALK_POINTS,
        laptop.db,
        point,
        by=laptop.user,
        village_id=red_flag,
        name="",
        address="红旗村村委会",
        hours="每周三上午",
        staff="",
        phone="",
    )

    both_ways(office_pc, laptop)

    for replica in (office_pc, laptop):
        assert village.TALK_POINTS.list(replica.db) == []
    [listed] = conflicts(office_pc.db)
    assert listed[:3] == ("talk_points", point, "hours")
    assert (listed[3], listed[5]) == (office_pc.device, laptop.device)
    assert logged(office_pc, listed[5], listed[6])["hours"] == "每周三上午"
    assert_identical(office_pc, laptop)
    laptop.close()


def test_a_village_deleted_while_the_laptop_registered_a_dispute_there_comes_back(
    office_pc, case_id, tmp_path
):
    """Deleting refuses a village anything refers to; the laptop could not know. The
    dispute is not lost: the village stays, and the delete is listed as set aside."""
    new_village = places.VILLAGES.add(office_pc.db, by=office_pc.user, name="新建村")
    laptop = new_laptop(office_pc, tmp_path, LAPTOP)
    places.VILLAGES.delete(office_pc.db, new_village, by=office_pc.user)
    dispute = register_in(laptop, new_village, "周大")

    both_ways(office_pc, laptop)

    for replica in (office_pc, laptop):
        assert value(replica, "SELECT village_id FROM cases WHERE id = ?", dispute) == new_village
        assert [v.name for v in office.villages(replica.db)].count("新建村") == 1
    [listed] = conflicts(office_pc.db)
    assert listed[:3] == ("places", new_village, merge.ALIVE)
    # kept by the office's write-back of the village: the office holds every case, and a
    # laptop that holds other villages would not see the dispute that keeps it
    assert (listed[3], listed[5]) == (office_pc.device, office_pc.device)
    assert logged_by(office_pc, listed[3], listed[4]) == merge.KEEPER
    assert_identical(office_pc, laptop)
    laptop.close()


def _grid_with_a_household(replica: Replica) -> tuple[str, str]:
    red_flag = next(v.id for v in office.villages(replica.db) if v.name == "红旗村")
    grid = places.GRIDS.add(replica.db, by=replica.user, village_id=red_flag, name="第三网格")
    household = households.HOUSEHOLDS.add(
        replica.db,
        by=replica.user,
        grid_id=grid,
        house_number="12",
        head_name="孙大山",
        phone="13812340012",
        members=[households.Member("李秀英", "配偶"), households.Member("孙小林", "子")],
    )
    return grid, household


def edit_household(replica: Replica, household_id: str, **changes: object) -> None:
    h = households.HOUSEHOLDS.get(replica.db, household_id)
    values: dict[str, object] = {
        "grid_id": h.grid_id,
        "house_number": h.house_number,
        "head_name": h.head_name,
        "phone": h.phone,
        "notes": h.notes,
        "members": h.members,
    }
    values.update(changes)
    edit_entry(
        households.HOUSEHOLDS,
        replica.db,
        household_id,
        by=replica.user,
        **values,
    )


def test_a_household_edited_on_both_sides_keeps_one_list_of_members(office_pc, case_id, tmp_path):
    _, household = _grid_with_a_household(office_pc)
    laptop = new_laptop(office_pc, tmp_path, LAPTOP)
    edit_household(office_pc, household, phone="13812349999")
    edit_household(
        laptop,
        household,
        members=[households.Member("李秀英", "配偶"), households.Member("孙小森", "子")],
    )

    both_ways(office_pc, laptop)

    for replica in (office_pc, laptop):
        h = households.HOUSEHOLDS.get(replica.db, household)
        assert h.phone == "13812349999"
        assert [m.name for m in h.members] == ["李秀英", "孙小森"]
    assert conflicts(office_pc.db) == set()
    assert_identical(office_pc, laptop)
    laptop.close()


def test_a_household_and_its_grid_deleted_while_the_laptop_added_a_member_come_back(
    office_pc, case_id, tmp_path
):
    """The new member points at the household, the household at the grid: both stay."""
    grid, household = _grid_with_a_household(office_pc)
    laptop = new_laptop(office_pc, tmp_path, LAPTOP)
    households.HOUSEHOLDS.delete(office_pc.db, household, by=office_pc.user)
    places.GRIDS.delete(office_pc.db, grid, by=office_pc.user)
    h = households.HOUSEHOLDS.get(laptop.db, household)
    edit_household(laptop, household, members=[*h.members, households.Member("孙小雨", "女")])

    both_ways(office_pc, laptop)

    for replica in (office_pc, laptop):
        h = households.HOUSEHOLDS.get(replica.db, household)
        assert (h.grid_id, h.head_name) == (grid, "孙大山")
        assert [m.name for m in h.members] == ["孙小雨"]  # the others went with the delete
    assert {(c[0], c[1], c[2], c[5]) for c in conflicts(office_pc.db)} == {
        ("households", household, merge.ALIVE, office_pc.device),
        ("places", grid, merge.ALIVE, office_pc.device),
    }
    assert_identical(office_pc, laptop)
    laptop.close()


def test_a_village_brought_back_and_used_again_lists_the_same_conflict_everywhere(
    office_pc, case_id, tmp_path
):
    """Once the village is back, a dispute registered there knowing the delete is no reason
    of its own: the conflict keeps naming the laptop's, on both sides."""
    new_village = places.VILLAGES.add(office_pc.db, by=office_pc.user, name="新建村")
    laptop = new_laptop(office_pc, tmp_path, LAPTOP)
    places.VILLAGES.delete(office_pc.db, new_village, by=office_pc.user)
    register_in(laptop, new_village, "周大")
    both_ways(office_pc, laptop)
    listed = conflicts(office_pc.db)

    register_in(office_pc, new_village, "吴二")  # the office, after seeing it come back
    both_ways(office_pc, laptop)

    assert conflicts(office_pc.db) == conflicts(laptop.db) == listed
    assert_identical(office_pc, laptop)
    laptop.close()


def test_restore_default_on_one_side_while_the_other_edits_the_template(
    office_pc, case_id, tmp_path
):
    key = "pay_once"
    shipped = next(t for t in clause_templates.defaults() if t.key == key)
    clause_templates.save_template(
        office_pc.db, key, category=shipped.category, title=shipped.title,
        body="办公室改过的一次性付款条款。", by=office_pc.user,
    )  # fmt: skip
    laptop = new_laptop(office_pc, tmp_path, LAPTOP)
    clause_templates.restore_default(office_pc.db, key, by=director(office_pc.db))  # 恢复默认
    clause_templates.save_template(
        laptop.db, key, category=shipped.category, title=shipped.title,
        body="笔记本上再改的条款。", by=laptop.user,
    )  # fmt: skip

    both_ways(office_pc, laptop)

    for replica in (office_pc, laptop):
        template = next(t for t in clause_templates.all_templates(replica.db) if t.key == key)
        assert (template.body, template.edited) == (shipped.body, False)
    [listed] = conflicts(laptop.db)
    assert listed[:3] == ("clause_templates", natural_id("clause_templates", key), "body")
    assert (listed[3], listed[5]) == (office_pc.device, laptop.device)
    assert logged(laptop, listed[5], listed[6])["body"] == "笔记本上再改的条款。"
    assert_identical(office_pc, laptop)
    laptop.close()


def test_restore_default_on_the_laptop_travels_to_the_office(office_pc, case_id, tmp_path):
    key = "broadcast_general"
    shipped = next(i for i in outreach_content.defaults() if i.key == key)
    outreach_content.save_item(
        office_pc.db, key, shipped.kind, shipped.title, "办公室改过的广播稿。", by=office_pc.user
    )
    laptop = new_laptop(office_pc, tmp_path, LAPTOP)
    outreach_content.restore_default(laptop.db, key, by=director(laptop.db))

    both_ways(office_pc, laptop)

    for replica in (office_pc, laptop):
        item = next(i for i in outreach_content.items(replica.db, "broadcast") if i.key == key)
        assert (item.body, item.edited) == (shipped.body, False)
    assert conflicts(office_pc.db) == set()
    assert_identical(office_pc, laptop)
    laptop.close()


# --------------------------------------------------------------------------------------
# Files applied twice, out of order


def test_the_same_file_twice_changes_nothing(office_pc, laptop, case_id):
    edit_case(laptop, case_id, facts="笔记本写的经过。")
    bundle = make_file(laptop, office_pc)
    assert apply_file(office_pc, bundle) is not None
    before = everything(office_pc.db)

    message = refused(office_pc, bundle)

    assert "已经合并过" in message
    assert everything(office_pc.db) == before


def test_an_older_file_is_refused_and_its_changes_came_with_the_newer(office_pc, laptop, case_id):
    edit_case(laptop, case_id, facts="第一份文件里的经过。")
    first = make_file(laptop, office_pc)
    edit_case(laptop, case_id, title="第二份文件里的标题")
    second = make_file(laptop, office_pc)

    apply_file(office_pc, second)
    message = refused(office_pc, first)

    assert "旧" in message and "数据库没有改动" in message
    row = office_pc.db.one("SELECT facts, title FROM cases WHERE id = ?", (case_id,))
    assert tuple(row) == ("第一份文件里的经过。", "第二份文件里的标题")


def test_the_changes_of_a_file_applied_again_by_hand_are_known(office_pc, laptop, case_id):
    """Below the file checks: the engine takes every change once (idempotent)."""
    edit_case(laptop, case_id, facts="笔记本写的经过。")
    bundle = make_file(laptop, office_pc)
    apply_file(office_pc, bundle)
    before = everything(office_pc.db)["rows"]

    with office_pc.db.transaction() as conn:
        result = merge.apply_changes(
            conn, bundle.changes, [(d, s, v) for d, s, v in bundle.manifest["epochs"]]
        )

    assert (result.new_changes, result.known_changes) == (0, len(bundle.changes))
    assert everything(office_pc.db)["rows"] == before


# --------------------------------------------------------------------------------------
# What each installation derives for itself


def test_parties_added_on_both_sides_name_the_case_alike(office_pc, laptop, case_id):
    cases.save_party(office_pc.db, case_id, person("王五", "party"), by=office_pc.user, today=TODAY)
    cases.save_party(laptop.db, case_id, person("赵六", "party"), by=laptop.user, today=TODAY)

    both_ways(office_pc, laptop)

    names = "张三、李四、王五、赵六"  # 王五 was added first: same place, earlier key
    for replica in (office_pc, laptop):
        assert value(replica, "SELECT parties_text FROM cases WHERE id = ?", case_id) == names
        assert [p.name for p in case_parties(replica.db.conn, case_id)] == names.split("、")
    assert conflicts(office_pc.db) == set(), "the register's names are not a conflict"

    # a later edit of another field of the case keeps all four names everywhere
    edit_case(laptop, case_id, risk_note="注意双方亲属")
    both_ways(office_pc, laptop)
    for replica in (office_pc, laptop):
        assert value(replica, "SELECT parties_text FROM cases WHERE id = ?", case_id) == names
    assert_identical(office_pc, laptop)


def test_search_finds_a_case_registered_on_the_other_side(office_pc, laptop, case_id):
    made_there = register(laptop.db, applicant="欧阳明月", respondent="司马青")
    renamed = case_parties(laptop.db.conn, case_id)[0]
    edit_party(
        laptop.db,
        case_id,
        renamed.link_id,
        person("张三丰", "applicant", renamed.id_number, renamed.phone),
        by=laptop.user,
    )

    def found(query: str) -> set[str]:
        seqs = search.search_case_seqs(office_pc.db.conn, query)
        return {str(office_pc.db.scalar("SELECT id FROM cases WHERE seq = ?", (s,))) for s in seqs}

    assert found("欧阳明月") == set()
    assert case_id not in found("张三丰")

    sync(laptop, office_pc)

    assert found("欧阳明月") == {made_there}
    assert made_there in found("ouyang")
    assert found("张三丰") == {case_id}


def test_a_merge_logs_no_change_of_its_own(office_pc, laptop, case_id):
    """The merged rows, the names and the search index derived from them are not changes
    of the receiver's; only the number work is (the laptop closes its blocks when it writes
    a file, the office takes their unused numbers back)."""
    cases.save_party(office_pc.db, case_id, person("王五", "party"), by=office_pc.user, today=TODAY)
    register(office_pc.db, applicant="司马青")
    cases.save_party(laptop.db, case_id, person("赵六", "party"), by=laptop.user, today=TODAY)
    register(laptop.db, applicant="欧阳明月")
    marks = {r.name: own_changes(r) for r in (office_pc, laptop)}

    sync(office_pc, laptop)
    sync(laptop, office_pc)

    for replica in (office_pc, laptop):
        since = replica.db.column(
            "SELECT DISTINCT tbl FROM sync_log WHERE device = ? AND seq > ?",
            (replica.device, marks[replica.name]),
        )
        assert set(since) <= {"number_blocks"}, replica.name


# --------------------------------------------------------------------------------------
# Settings


def test_office_details_travel_and_the_installation_keeps_its_own(office_pc, laptop, case_id):
    office.save_office_details(
        office_pc.db,
        office.OfficeDetails(address="青山镇人民路1号", court_name="青山县人民法院"),
        loaded=office.office_details(office_pc.db),
        by=office_pc.user,
    )
    exchange.set_device_name(laptop.db, "周玉梅的新笔记本", by=laptop.user)

    both_ways(office_pc, laptop)

    for replica in (office_pc, laptop):
        details = office.office_details(replica.db)
        assert (details.address, details.court_name) == ("青山镇人民路1号", "青山县人民法院")
        assert exchange.device_name(replica.db.conn, laptop.device) == "周玉梅的新笔记本"
    assert office.get_setting(laptop.db, "device_id") == laptop.device != office_pc.device
    assert office.get_setting(office_pc.db, "device_id") == office_pc.device
    assert exchange.this_device(laptop.db.conn).role == "field"
    assert exchange.this_device(office_pc.db.conn).role == "office"
    assert_identical(office_pc, laptop)


def test_a_setting_changed_on_both_sides_is_listed(office_pc, laptop, case_id):
    for replica, court in ((office_pc, "青山县人民法院"), (laptop, "青山市中级人民法院")):
        office.save_office_details(
            replica.db,
            office.OfficeDetails(court_name=court),
            loaded=office.office_details(replica.db),
            by=replica.user,
        )

    both_ways(office_pc, laptop)

    for replica in (office_pc, laptop):
        assert office.office_details(replica.db).court_name == "青山市中级人民法院"
    [listed] = conflicts(office_pc.db)
    assert listed[:3] == ("settings", "print.court_name", "value")
    assert logged(office_pc, listed[5], listed[6]) == {"value": "青山县人民法院"}


# --------------------------------------------------------------------------------------
# Three installations


def test_two_laptops_meet_through_the_office(office_pc, case_id, tmp_path):
    first = new_laptop(office_pc, tmp_path, "周玉梅的笔记本")
    second = new_laptop(office_pc, tmp_path, "王建华的笔记本")
    edit_case(first, case_id, facts="周玉梅记的经过。")
    edit_case(second, case_id, facts="王建华记的经过。")
    made_on_first = register(first.db, applicant="欧阳明月")

    sync(first, office_pc)
    sync(second, office_pc)
    sync(office_pc, first)
    sync(office_pc, second)

    for replica in (office_pc, first, second):
        assert value(replica, "SELECT facts FROM cases WHERE id = ?", case_id) == "王建华记的经过。"
        assert value(replica, "SELECT count(*) FROM cases WHERE id = ?", made_on_first) == 1
    [listed] = conflicts(office_pc.db)
    assert (listed[3], listed[5]) == (second.device, first.device)
    assert_identical(office_pc, first, second)
    direct = through_a_file(exchange.make_bundle(first.db, to=second.device))
    assert "只与准备它的办公室电脑交换同步文件" in refused(second, direct)  # the hub
    first.close()
    second.close()


def test_nothing_new_is_said_for_an_empty_round(office_pc, laptop, case_id):
    bundle = make_file(office_pc, laptop)
    assert bundle.changes == []
    apply_file(laptop, bundle)
    with pytest.raises(NothingNew):
        exchange.apply_bundle(laptop.db, bundle)
