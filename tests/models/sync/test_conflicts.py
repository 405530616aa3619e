"""冲突处理: real conflicts between an office database and a field laptop made from it.

Every conflict here is made the way it happens: both installations change the same field
through the services, then exchange files (as JSON, as a file carries them). Each decision is
checked on the installation that made it and, after the next exchange, on the other one.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from app.models import accounts, casefile, cases, office, rows, search
from app.models import db as dbmod
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import PermissionDeniedError, ValidationError
from app.models.parties import PartyInput, case_parties
from app.models.registries import MEDIATORS
from app.models.sync import conflicts, exchange, field
from app.models.sync.clock import Epochs, Version
from app.models.sync.conflicts import Conflict, StaleConflictError
from app.models.sync.exchange import Bundle
from app.models.sync.merge import Change
from app.models.sync.scope import Scope
from tests.conftest import TODAY
from tests.helpers import edit_details, edit_entry, edit_party
from tests.models import helpers

OFFICE_FACTS = "双方因排水沟改道发生纠纷，办公室补充：已到现场查看。"
LAPTOP_FACTS = "双方因排水沟改道发生纠纷，笔记本补充：村委会已调解过一次。"
FIXTURES = Path(__file__).parents[2] / "fixtures"
WHEN = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$")


@dataclass
class Pair:
    office: Database
    laptop: Database
    laptop_device: str
    office_device: str
    director: Actor  # 李主任, who works at the office
    zhou: Actor  # 周玉梅, a mediator, who takes the laptop out
    case_id: str


@pytest.fixture
def pair(office_db: Database, tmp_path: Path) -> Iterator[Pair]:
    """The office (李主任 at 办公室电脑) with one case, and 周玉梅's field laptop made from it."""
    director = helpers.user(office_db)
    exchange.set_device_name(office_db, "办公室电脑", by=director)
    with office_db.transaction() as conn:
        zhou_id = rows.insert(
            conn, "users", {"name": "周玉梅", "role": "mediator"}, by=director.user_id
        )
    zhou = accounts.acting_as(office_db, zhou_id)
    case_id = helpers.register(office_db)
    made = field.prepare_field_copy(
        office_db, tmp_path / "laptop.sqlite3", name="周玉梅的笔记本", scope=Scope(), by=director
    )
    laptop = dbmod.connect(tmp_path / "laptop.sqlite3")
    with laptop.transaction() as conn:
        office.set_setting(conn, "default_user_id", zhou.user_id)  # she works on the laptop
    yield Pair(
        office=office_db,
        laptop=laptop,
        laptop_device=made.device,
        office_device=exchange.this_device(office_db.conn).id,
        director=director,
        zhou=zhou,
        case_id=case_id,
    )
    laptop.close()


def carry(sender: Database, receiver: Database) -> None:
    """One sync file from ``sender`` applied at ``receiver``, through JSON as a file holds it."""
    to = exchange.this_device(receiver.conn).id
    bundle = exchange.make_bundle(sender, to=to)
    raw = json.loads(json.dumps({"m": bundle.manifest, "c": list(bundle.records())}))
    exchange.apply_bundle(receiver, Bundle(raw["m"], [Change.from_record(r) for r in raw["c"]]))


def swap(p: Pair) -> None:
    """The laptop's file into the office, then the office's file back onto the laptop."""
    carry(p.laptop, p.office)
    carry(p.office, p.laptop)


def edit_facts(db: Database, case_id: str, facts: str, by: Actor) -> None:
    edit_details(db, case_id, by=by, facts=facts)


def facts_conflict(p: Pair) -> Conflict:
    """Both sides rewrote the case's 纠纷简要情况 since the laptop went out; exchanged."""
    edit_facts(p.office, p.case_id, OFFICE_FACTS, p.director)
    edit_facts(p.laptop, p.case_id, LAPTOP_FACTS, p.zhou)
    swap(p)
    (found,) = conflicts.list_conflicts(p.office)
    return found


def facts(db: Database, case_id: str) -> str:
    return str(db.scalar("SELECT facts FROM cases WHERE id = ?", (case_id,)))


def side_from(conflict: Conflict, where: str) -> conflicts.Side:
    return next(s for s in conflict.sides if s.where == where)


def found_by(db: Database, text: str) -> set[str]:
    seqs = search.search_case_seqs(db.conn, text)
    return {str(db.scalar("SELECT id FROM cases WHERE seq = ?", (s,))) for s in seqs}


def history(db: Database, case_id: str) -> list[str]:
    case = casefile.load_case(db, case_id)
    return [f"{e.label}：{case.describe(e)}" for e in case.events]


# --------------------------------------------------------------------------------------
# Listing


def test_a_field_changed_on_both_sides_is_listed_with_both_values_who_when_where(
    pair: Pair,
) -> None:
    found = facts_conflict(pair)
    assert found.record == "案件（2026年11月1日登记，未编号）　张三、李四"
    assert found.field == "纠纷简要情况"
    assert found.mergeable and not found.whole_row
    assert found.case_ids == (pair.case_id,)
    assert len(found.sides) == 2
    assert {(s.where, s.who, s.text) for s in found.sides} == {
        ("办公室电脑", "李主任", OFFICE_FACTS),
        ("周玉梅的笔记本", "周玉梅", LAPTOP_FACTS),
    }
    assert all(WHEN.match(s.when) for s in found.sides)
    # the later change is the one the row has for now, on both installations
    assert facts(pair.office, pair.case_id) == found.kept.value
    assert facts(pair.laptop, pair.case_id) == found.kept.value
    assert found.kept.version > found.set_aside[0].version
    on_laptop = conflicts.list_conflicts(pair.laptop)
    assert [(c.key, {s.key for s in c.sides}) for c in on_laptop] == [
        (found.key, {s.key for s in found.sides})
    ]
    assert conflicts.count_conflicts(pair.office) == conflicts.count_conflicts(pair.laptop) == 1


def test_fields_changed_on_one_side_only_are_no_conflict(pair: Pair) -> None:
    edit_facts(pair.office, pair.case_id, OFFICE_FACTS, pair.director)
    swap(pair)
    edit_facts(pair.laptop, pair.case_id, LAPTOP_FACTS, pair.zhou)  # made knowing the office's
    swap(pair)
    assert conflicts.list_conflicts(pair.office) == []
    assert conflicts.count_conflicts(pair.laptop) == 0
    assert facts(pair.office, pair.case_id) == LAPTOP_FACTS


# --------------------------------------------------------------------------------------
# Keeping one version


def test_keeping_the_set_aside_value_ends_the_conflict_on_both_installations(pair: Pair) -> None:
    found = facts_conflict(pair)
    lost = found.set_aside[0]
    conflicts.resolve(pair.office, found, keep=lost, by=pair.director)

    assert facts(pair.office, pair.case_id) == lost.value
    assert conflicts.list_conflicts(pair.office) == []
    decision = pair.office.one("SELECT * FROM conflict_decisions")
    assert decision is not None
    assert (decision["tbl"], decision["row_id"], decision["col"]) == (
        "cases",
        pair.case_id,
        "facts",
    )
    assert (decision["case_id"], decision["how"], decision["decided_by"]) == (
        pair.case_id,
        "kept",
        pair.director.user_id,
    )
    assert json.loads(decision["kept"]) == lost.value
    assert json.loads(decision["set_aside"]) == [found.kept.value]
    lines = history(pair.office, pair.case_id)
    # the texts begin alike: the history shows where they differ
    tails = {
        OFFICE_FACTS: "…道发生纠纷，办公室补充：已到现场查看。",
        LAPTOP_FACTS: "…道发生纠纷，笔记本补充：村委会已调解过一次。",
    }
    assert lines[-1] == (
        f"处理同步冲突：纠纷简要情况：保留“{tails[lost.value]}”（{lost.where}上的修改）；"
        f"未采用：“{tails[found.kept.value]}”"
    )

    swap(pair)
    assert facts(pair.laptop, pair.case_id) == lost.value
    assert conflicts.list_conflicts(pair.laptop) == []
    assert pair.laptop.scalar("SELECT count(*) FROM conflict_decisions") == 1
    assert history(pair.laptop, pair.case_id)[-1] == lines[-1]
    # and nothing new came back to the office
    assert conflicts.list_conflicts(pair.office) == []
    assert facts(pair.office, pair.case_id) == lost.value


def test_keeping_the_value_the_row_already_has_still_travels(pair: Pair) -> None:
    """Nothing changes in the row, yet the decision is a change of its own: the laptop
    decides, and the office's conflict goes too."""
    edit_facts(pair.office, pair.case_id, OFFICE_FACTS, pair.director)
    edit_facts(pair.laptop, pair.case_id, LAPTOP_FACTS, pair.zhou)
    swap(pair)
    with pair.laptop.transaction() as conn:  # the director sits down at the laptop
        office.set_setting(conn, "default_user_id", pair.director.user_id)
    (found,) = conflicts.list_conflicts(pair.laptop)
    before = facts(pair.laptop, pair.case_id)
    logged = pair.laptop.scalar("SELECT count(*) FROM sync_log")

    conflicts.resolve(pair.laptop, found, keep=found.kept, by=pair.director)

    assert facts(pair.laptop, pair.case_id) == before
    new = pair.laptop.one(
        "SELECT * FROM sync_log WHERE device = ? AND tbl = 'cases' ORDER BY seq DESC",
        (pair.laptop_device,),
    )
    assert new is not None
    assert json.loads(new["data"])["facts"] == before
    assert (new["row_id"], new["op"], new["by"]) == (pair.case_id, "u", pair.director.user_id)
    assert pair.laptop.scalar("SELECT count(*) FROM sync_log") > logged
    assert conflicts.list_conflicts(pair.laptop) == []

    carry(pair.laptop, pair.office)
    assert conflicts.list_conflicts(pair.office) == []
    assert facts(pair.office, pair.case_id) == before
    assert history(pair.office, pair.case_id)[-1].startswith("处理同步冲突：纠纷简要情况：保留“")


def test_the_deciding_version_was_made_knowing_every_version(pair: Pair) -> None:
    found = facts_conflict(pair)
    conflicts.resolve(pair.office, found, keep=found.set_aside[0], by=pair.director)
    swap(pair)
    row = pair.office.one(
        "SELECT device, seq, at FROM sync_log WHERE device = ? AND tbl = 'cases' ORDER BY seq DESC",
        (pair.office_device,),
    )
    assert row is not None
    deciding = Version(row["at"], row["device"], row["seq"])
    for db in (pair.office, pair.laptop):
        known = Epochs.load(db.conn)
        assert all(known.knew(deciding, s.version) for s in found.sides)


def test_the_own_older_version_is_known_by_the_order_of_its_device(pair: Pair) -> None:
    """The office keeps the laptop's value over its own: its own change is simply older."""
    found = facts_conflict(pair)
    own = side_from(found, "办公室电脑")
    other = side_from(found, "周玉梅的笔记本")
    conflicts.resolve(pair.office, found, keep=other, by=pair.director)
    assert facts(pair.office, pair.case_id) == LAPTOP_FACTS
    swap(pair)
    assert facts(pair.laptop, pair.case_id) == LAPTOP_FACTS
    assert conflicts.count_conflicts(pair.laptop) == 0
    row = pair.office.one(
        "SELECT seq FROM sync_log WHERE device = ? ORDER BY seq DESC LIMIT 1",
        (pair.office_device,),
    )
    assert row is not None and row["seq"] > own.seq


def test_a_decision_on_a_party_goes_to_each_of_its_cases(pair: Pair) -> None:
    link = case_parties(pair.office.conn, pair.case_id)[0]

    def rename(db: Database, name: str, by: Actor) -> None:
        wanted = PartyInput(name=name, role="applicant", id_number=helpers.ZHANG)
        edit_party(db, pair.case_id, link.link_id, wanted, by=by)

    rename(pair.office, "张山", pair.director)
    rename(pair.laptop, "张叁", pair.zhou)
    swap(pair)
    (found,) = [c for c in conflicts.list_conflicts(pair.office) if c.col == "name"]
    assert found.tbl == "parties"
    assert found.field == "姓名（名称）"
    assert found.case_ids == (pair.case_id,)
    assert not found.mergeable
    chosen = side_from(found, "周玉梅的笔记本")
    conflicts.resolve(pair.office, found, keep=chosen, by=pair.director)
    # the register's names follow the decision
    assert pair.office.scalar("SELECT parties_text FROM cases WHERE id = ?", (pair.case_id,)) == (
        "张叁、李四"
    )
    assert (
        "处理同步冲突：当事人　张叁的姓名（名称）：保留“张叁”"
        in history(pair.office, pair.case_id)[-1]
    )
    swap(pair)
    assert pair.laptop.scalar("SELECT parties_text FROM cases WHERE id = ?", (pair.case_id,)) == (
        "张叁、李四"
    )


def test_a_setting_that_travels_can_conflict_and_be_decided(pair: Pair) -> None:
    for db, address in ((pair.office, "青山镇府前路1号"), (pair.laptop, "青山镇府前路2号")):
        with db.transaction() as conn:
            office.set_setting(conn, "print.address", address)
    swap(pair)
    (found,) = conflicts.list_conflicts(pair.office)
    assert (found.record, found.field) == ("单位信息与打印设置", "地址")
    assert found.case_ids == ()
    conflicts.resolve(pair.office, found, keep=side_from(found, "办公室电脑"), by=pair.director)
    swap(pair)
    for db in (pair.office, pair.laptop):
        assert office.get_setting(db, "print.address") == "青山镇府前路1号"
        assert conflicts.count_conflicts(db) == 0


# --------------------------------------------------------------------------------------
# Merging texts


def test_a_merged_text_becomes_the_value_everywhere(pair: Pair) -> None:
    found = facts_conflict(pair)
    draft = conflicts.merge_draft(found)
    assert OFFICE_FACTS in draft and LAPTOP_FACTS in draft
    merged = "双方因排水沟改道发生纠纷。办公室已到现场查看；村委会已调解过一次；双方同意再约谈。"
    conflicts.resolve(pair.office, found, merged_text=f"  {merged}\n", by=pair.director)

    assert facts(pair.office, pair.case_id) == merged
    decision = pair.office.one("SELECT how, kept, set_aside FROM conflict_decisions")
    assert decision is not None and decision["how"] == "merged"
    assert json.loads(decision["kept"]) == merged
    assert sorted(json.loads(decision["set_aside"])) == sorted([OFFICE_FACTS, LAPTOP_FACTS])
    assert (
        history(pair.office, pair.case_id)[-1] == "处理同步冲突：纠纷简要情况：合并了各个版本的内容"
    )
    assert found_by(pair.office, "再约谈") == {pair.case_id}  # the search index follows

    swap(pair)
    assert facts(pair.laptop, pair.case_id) == merged
    assert found_by(pair.laptop, "再约谈") == {pair.case_id}
    assert conflicts.count_conflicts(pair.laptop) == conflicts.count_conflicts(pair.office) == 0


def test_merging_is_refused_where_it_makes_no_sense(pair: Pair) -> None:
    mediator = office.mediators(pair.office)[0]
    for db, phone, by in (
        (pair.office, "13700000001", pair.director),
        (pair.laptop, "13700000002", pair.director),  # the 调解员名册 is the 主任's
    ):
        edit_entry(
            MEDIATORS,
            db,
            mediator.id,
            by=by,
            name=mediator.name,
            committee_id=mediator.committee_id,
            phone=phone,
            full_time=mediator.full_time,
            specialities=mediator.specialities,
        )
    swap(pair)
    (found,) = conflicts.list_conflicts(pair.office)
    assert (found.record, found.field) == (f"调解员　{mediator.name}", "联系电话")
    with pytest.raises(ValidationError) as refused:
        conflicts.resolve(pair.office, found, merged_text="13700000001/2", by=pair.director)
    assert refused.value.field == conflicts.MERGE_FIELD
    assert "“联系电话”不是可以合并的文字内容" in refused.value.message
    with pytest.raises(ValidationError) as neither:
        conflicts.resolve(pair.office, found, by=pair.director)
    assert neither.value.field == conflicts.DECISION_FIELD
    with pytest.raises(ValidationError):
        conflicts.resolve(
            pair.office, found, keep=found.kept, merged_text="两个都给", by=pair.director
        )
    assert conflicts.count_conflicts(pair.office) == 1  # nothing was decided


def test_an_empty_merged_text_is_refused(pair: Pair) -> None:
    found = facts_conflict(pair)
    with pytest.raises(ValidationError) as refused:
        conflicts.resolve(pair.office, found, merged_text=" \n ", by=pair.director)
    assert refused.value.field == conflicts.MERGE_FIELD
    assert "合并后的内容是空的" in refused.value.message
    assert conflicts.count_conflicts(pair.office) == 1


# --------------------------------------------------------------------------------------
# Deleted on one side, edited on the other


def delete_edited_mediator(p: Pair) -> tuple[office.Mediator, Conflict]:
    """The office deletes 陈秀兰 (entered by mistake) while the laptop corrects her phone and
    specialities (the 主任 took the laptop: the 调解员名册 is theirs to change)."""
    mediator = next(m for m in office.mediators(p.office) if m.name == "陈秀兰")
    MEDIATORS.delete(p.office, mediator.id, by=p.director)
    edit_entry(
        MEDIATORS,
        p.laptop,
        mediator.id,
        by=p.director,
        name=mediator.name,
        committee_id=mediator.committee_id,
        phone="13911112222",
        full_time=False,
        specialities="婚姻家庭、邻里纠纷",
    )
    swap(p)
    (found,) = conflicts.list_conflicts(p.office)
    return mediator, found


def test_deleted_versus_edited_is_one_conflict_of_the_whole_row(pair: Pair) -> None:
    mediator, found = delete_edited_mediator(pair)
    assert found.whole_row
    assert (found.record, found.field) == ("调解员　陈秀兰", "整条记录")
    assert not found.row_exists and not found.mergeable
    assert (found.kept.text, found.kept.value, found.kept.where) == ("已删除", False, "办公室电脑")
    (edit,) = found.set_aside
    assert edit.value is True
    assert edit.where == "周玉梅的笔记本"
    assert "联系电话：13911112222" in edit.text and "擅长纠纷类型：婚姻家庭、邻里纠纷" in edit.text
    assert set(edit.edited) == {"联系电话", "擅长纠纷类型"}
    assert conflicts.count_conflicts(pair.office) == 1  # two fields, one conflict
    for db in (pair.office, pair.laptop):
        assert db.one("SELECT 1 FROM mediators WHERE id = ?", (mediator.id,)) is None


def test_confirming_the_delete_ends_the_conflict_everywhere(pair: Pair) -> None:
    mediator, found = delete_edited_mediator(pair)
    conflicts.resolve(pair.office, found, keep=found.kept, by=pair.director)
    assert conflicts.count_conflicts(pair.office) == 0
    swap(pair)
    for db in (pair.office, pair.laptop):
        assert db.one("SELECT 1 FROM mediators WHERE id = ?", (mediator.id,)) is None
        assert conflicts.count_conflicts(db) == 0
    decision = pair.laptop.one("SELECT col, kept, set_aside FROM conflict_decisions")
    assert decision is not None
    assert (decision["col"], json.loads(decision["kept"])) == ("_alive", False)


def test_restoring_keeps_the_edits_everywhere(pair: Pair) -> None:
    mediator, found = delete_edited_mediator(pair)
    conflicts.resolve(pair.office, found, keep=found.set_aside[0], by=pair.director)
    swap(pair)
    for db in (pair.office, pair.laptop):
        back = db.one(
            "SELECT name, phone, specialities, committee_id FROM mediators WHERE id = ?",
            (mediator.id,),
        )
        assert back is not None
        assert tuple(back) == ("陈秀兰", "13911112222", "婚姻家庭、邻里纠纷", mediator.committee_id)
        assert conflicts.count_conflicts(db) == 0


# --------------------------------------------------------------------------------------
# Who may decide, and when


def test_only_the_director_may_decide(pair: Pair) -> None:
    found = facts_conflict(pair)
    logged = pair.office.scalar("SELECT count(*) FROM sync_log")
    assert not conflicts.may_decide(pair.office, pair.zhou)
    assert conflicts.may_decide(pair.office, pair.director)
    with pytest.raises(PermissionDeniedError) as refused:
        conflicts.resolve(pair.office, found, keep=found.set_aside[0], by=pair.zhou)
    assert "只有调委会主任才能处理同步冲突" in refused.value.message
    assert pair.office.scalar("SELECT count(*) FROM sync_log") == logged
    assert conflicts.count_conflicts(pair.office) == 1


def test_a_conflict_decided_meanwhile_is_not_decided_twice(pair: Pair) -> None:
    found = facts_conflict(pair)
    conflicts.resolve(pair.office, found, keep=found.kept, by=pair.director)
    with pytest.raises(StaleConflictError) as stale:
        conflicts.resolve(pair.office, found, keep=found.set_aside[0], by=pair.director)
    assert "已经处理过了" in stale.value.message
    assert pair.office.scalar("SELECT count(*) FROM conflict_decisions") == 1


def test_a_conflict_with_a_newer_version_meanwhile_is_looked_at_again(pair: Pair) -> None:
    """While the office looks at two versions, a third arrives: the decision waits."""
    found = facts_conflict(pair)
    edit_facts(pair.laptop, pair.case_id, "笔记本又改了一次。", pair.zhou)
    edit_facts(pair.office, pair.case_id, "办公室也又改了一次。", pair.director)
    carry(pair.laptop, pair.office)
    (now,) = conflicts.list_conflicts(pair.office)
    assert {s.key for s in now.sides} != {s.key for s in found.sides}
    with pytest.raises(StaleConflictError) as stale:
        conflicts.resolve(pair.office, found, keep=found.kept, by=pair.director)
    assert "又有了新的修改" in stale.value.message


# --------------------------------------------------------------------------------------
# Words


def test_values_read_as_a_person_reads_them(office_db: Database) -> None:
    conn = office_db.conn
    village = office.villages(office_db)[0]
    assert conflicts.value_text(conn, "cases", "closed_on", "2026-11-05") == "2026年11月5日"
    assert conflicts.value_text(conn, "cases", "amount_fen", 1234550) == "12,345.50 元"
    assert conflicts.value_text(conn, "cases", "state", "mediating") == "调解中"
    assert conflicts.value_text(conn, "cases", "outcome", "terminated") == "调解不成（终止调解）"
    assert conflicts.value_text(conn, "cases", "source", "court") == "人民法院委托"
    assert conflicts.value_text(conn, "cases", "village_id", village.id) == village.name
    assert conflicts.value_text(conn, "mediators", "retired", 1) == "是"
    assert conflicts.value_text(conn, "cases", "risk_note", "") == "（空）"
    assert conflicts.value_text(conn, "sessions", "held_at", "2026-11-05T09:30") == (
        "2026年11月5日 09:30"
    )
    terms = json.dumps(["甲方赔偿乙方修墙费用。", "乙方不再追究。"], ensure_ascii=False)
    assert conflicts.value_text(conn, "agreements", "terms", terms) == (
        "1. 甲方赔偿乙方修墙费用。\n2. 乙方不再追究。"
    )
    assert conflicts.field_label("agreements", "terms") == "协议条款"
    assert conflicts.field_label("cases", "facts") == "纠纷简要情况"
    assert conflicts.field_label("cases", "no_such_column") == "no_such_column"
    assert conflicts.field_label("settings", "value", "print.court_name") == "司法确认法院"


def test_records_are_described_in_words(office_db: Database) -> None:
    conn = office_db.conn
    case_id = helpers.register(office_db)
    village = office.villages(office_db)[0]
    assert conflicts.describe(
        conn, "places", village.id, {"kind": "village", "name": "红旗村"}
    ) == ("村　红旗村")
    assert conflicts.describe(
        conn, "follow_ups", "x", {"case_id": case_id, "visited_on": "2026-12-01"}
    ) == ("案件（2026年11月1日登记，未编号）　张三、李四的回访记录　2026年12月1日")
    assert conflicts.describe(conn, "clause_templates", "x", {"title": "赔偿款分期支付"}) == (
        "条款模板　赔偿款分期支付"
    )
    assert conflicts.describe(conn, "no_such_table", "x", {}) == "no_such_table"


def test_a_row_from_before_the_change_log_comes_back_whole(tmp_path: Path) -> None:
    """An office that used the program before sync (schema 6): its old rows are in no
    change, but a delete logs the row it removed, so 恢复并保留修改 brings it back whole."""
    path = tmp_path / "office.sqlite3"
    shutil.copy(FIXTURES / "schema_v6.sqlite3", path)
    old = dbmod.connect(path)
    laptop_path = tmp_path / "laptop.sqlite3"
    try:
        director = helpers.user(old)
        field.prepare_field_copy(old, laptop_path, name="笔记本", scope=Scope(), by=director)
        laptop = dbmod.connect(laptop_path)
        mediator = next(m for m in office.mediators(old) if m.name == "周德福")
        MEDIATORS.delete(old, mediator.id, by=director)
        edit_entry(
            MEDIATORS,
            laptop,
            mediator.id,
            by=director,
            name=mediator.name,
            committee_id=mediator.committee_id,
            phone="13800001111",
            full_time=mediator.full_time,
            specialities=mediator.specialities,
        )
        carry(laptop, old)
        (found,) = conflicts.list_conflicts(old)
        assert found.whole_row and found.record == "调解员　周德福"
        assert not found.row_exists
        conflicts.resolve(old, found, keep=found.set_aside[0], by=director)
        carry(old, laptop)
        for db in (old, laptop):
            assert conflicts.count_conflicts(db) == 0
            back = db.one(
                "SELECT name, committee_id, phone, full_time FROM mediators WHERE id = ?",
                (mediator.id,),
            )
            assert back is not None
            assert tuple(back) == (
                "周德福",
                mediator.committee_id,
                "13800001111",
                int(mediator.full_time),
            )
        laptop.close()
    finally:
        old.close()


def test_a_deleted_row_another_row_points_at_stays_until_decided(pair: Pair) -> None:
    """The office deletes 陈秀兰 while the laptop assigns her to the case: the merge keeps
    her; deleting her now is refused (the assignment needs her), keeping her ends it."""
    cases.accept_case(
        pair.office, pair.case_id, by=pair.director, accepted_on=date(2026, 11, 2), today=TODAY
    )
    swap(pair)
    chen = next(m for m in office.mediators(pair.office) if m.name == "陈秀兰")
    MEDIATORS.delete(pair.office, chen.id, by=pair.director)
    cases.assign_mediators(
        pair.laptop,
        pair.case_id,
        by=pair.zhou,
        mediator_ids=[chen.id],
        how="appointed",
        assigned_on=date(2026, 11, 3),
        today=TODAY,
    )
    swap(pair)
    (found,) = conflicts.list_conflicts(pair.office)
    assert found.whole_row and found.row_exists
    assert found.record == "调解员　陈秀兰"
    assert found.kept.value is True
    # the office, which holds every case, wrote her back: kept because she is used
    assert found.kept.text == "仍在：还有 1 条调解员指派用到它，删除没有执行"
    (deleted,) = found.set_aside
    assert (deleted.text, deleted.where) == ("已删除", "办公室电脑")
    with pytest.raises(ValidationError) as refused:
        conflicts.resolve(pair.office, found, keep=deleted, by=pair.director)
    assert "1 条调解员指派用到它，不能删除" in refused.value.message
    conflicts.resolve(pair.office, found, keep=found.kept, by=pair.director)
    swap(pair)
    for db in (pair.office, pair.laptop):
        assert conflicts.count_conflicts(db) == 0
        assert db.one("SELECT name FROM mediators WHERE id = ?", (chen.id,)) is not None
