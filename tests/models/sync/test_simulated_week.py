"""Done when (issue 12): two installations made from one office database, one of them from
a starter file, work apart for a week, merge in both directions through files and end
identical row for row apart from device-local columns, with the conflicts listed.

The office prepares 周玉梅的笔记本 on Monday (准备外出: an encrypted starter file the laptop
opens). Through the week each side registers 200 disputes, accepts, mediates, closes and
visits some of them; both sides edit the same earlier cases (the same field, different
fields, parties, both accept one), the same 评理说事点 and the same household; the office
restores a clause template (恢复默认) the laptop is editing, the laptop restores a
broadcast text. On Sunday evening the laptop's sync file is merged in the office, and the
office's in the laptop.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.models import cases, clause_templates, office, outreach_content
from app.models import db as dbmod
from app.models.cases import AgreementInput, CloseInput, FollowUpInput
from app.models.registries import households, places, village
from app.models.sync import exchange, files
from app.models.sync.scope import Scope
from app.models.sync.tables import natural_id
from tests.helpers import director, edit_details, edit_entry
from tests.models.helpers import person
from tests.models.sync.replicas import (
    Replica,
    assert_identical,
    conflicts,
    log_names,
    new_office,
    scratch,
)

pytestmark = pytest.mark.slow

PASSPHRASE = "青山调委会 2026 同步口令"
MONDAY = date(2026, 11, 16)
WEEK = [MONDAY + timedelta(days=n) for n in range(7)]
PER_SIDE = 200
SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"
MATTERS = ("排水沟", "院墙", "借款", "赡养")


def a_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def register_one(side: Replica, rng: random.Random, day: date, village_ids: list[str]) -> str:
    return cases.register_case(
        side.db,
        cases.CaseInput(
            committee_id=office.main_committee(side.db).id,
            category=rng.choice(("邻里", "婚姻家庭", "房屋宅基地")),
            source=rng.choice(("application", "screening")),
            registered_on=day,
            parties=[person(a_name(rng), "applicant"), person(a_name(rng), "respondent")],
            facts=f"{side.name}登记：双方因{rng.choice(MATTERS)}发生纠纷。",
            village_id=rng.choice(village_ids),
        ),
        by=side.user,
        today=day,
    )


def work_a_day(side: Replica, rng: random.Random, day: date, count: int) -> None:
    """A day at one installation: new disputes, and the earlier ones moved on."""
    village_ids = [v.id for v in office.villages(side.db)]
    mediators = [m.id for m in office.mediators(side.db)]
    made = [register_one(side, rng, day, village_ids) for _ in range(count)]
    by = side.user
    for case_id in made:
        if rng.random() < 0.6:
            cases.accept_case(side.db, case_id, by=by, accepted_on=day, today=day)
    mine = side.db.column(  # this week's disputes made here (the earlier ones are shared)
        "SELECT id FROM cases WHERE origin = ? AND registered_on >= ? "
        "AND state IN ('accepted', 'assigned') ORDER BY id",
        (side.device, MONDAY.isoformat()),
    )
    for case_id in rng.sample(mine, len(mine) // 3):
        state = side.db.scalar("SELECT state FROM cases WHERE id = ?", (case_id,))
        if state == "accepted" and rng.random() < 0.5:
            close = CloseInput(closed_on=day, outcome="withdrawn", performance="na")
            cases.close_case(side.db, case_id, close, by=by, today=day)
        elif state == "accepted":
            cases.assign_mediators(
                side.db, case_id, by=by, mediator_ids=[rng.choice(mediators)],
                how="appointed", assigned_on=day, today=day,
            )  # fmt: skip
        else:
            agreement = AgreementInput(terms=["双方各自修缮院墙，互不追究。"])
            close = CloseInput(
                closed_on=day, outcome="agreement_written", performance="pending",
                agreement=agreement,
            )  # fmt: skip
            cases.close_case(side.db, case_id, close, by=by, today=day)
    closed = side.db.column(
        "SELECT id FROM cases WHERE state = 'closed' AND closed_on < ? AND registered_on >= ? "
        "AND id NOT IN (SELECT case_id FROM follow_ups) ORDER BY id",
        (day.isoformat(), MONDAY.isoformat()),
    )
    for case_id in closed[:3]:
        cases.record_follow_up(
            side.db,
            case_id,
            FollowUpInput(
                visited_on=day, visitor="王建华", person_visited="当事人",
                performed="performed", satisfaction="满意",
            ),
            by=by,
            today=day,
        )  # fmt: skip


def edit_case(side: Replica, case_id: str, day: date, **changes: str) -> None:
    edit_details(side.db, case_id, by=side.user, **changes)


def sync_file(sender: Replica, receiver: Replica, path: Path) -> int:
    """One sync file on the USB stick: written at the sender, merged at the receiver."""
    files.write_sync(sender.db, path, passphrase=PASSPHRASE, to=receiver.device, by=sender.user)
    return files.apply_sync(
        receiver.db, path, passphrase=PASSPHRASE, by=director(receiver.db)
    ).new_changes


@pytest.fixture
def folder() -> Iterator[Path]:
    """Where the databases and the stick are: memory-backed when the machine has /dev/shm
    (the week is some two thousand transactions; each waits on the disk otherwise)."""
    found = scratch()
    yield found
    shutil.rmtree(found, ignore_errors=True)


def test_a_week_apart_then_one_truth(folder):
    rng = random.Random(12)
    office_pc = new_office(folder, "办公室电脑")
    user = office_pc.user
    # -- the office before the week: cases, registries, its own texts
    before_week = MONDAY - timedelta(days=7)
    village_ids = [v.id for v in office.villages(office_pc.db)]
    earlier = [register_one(office_pc, rng, before_week, village_ids) for _ in range(10)]
    for case_id in earlier[5:]:
        cases.accept_case(
            office_pc.db, case_id, by=user, accepted_on=before_week, today=before_week
        )
    red_flag = village_ids[0]
    point = village.TALK_POINTS.add(
        office_pc.db, by=user, village_id=red_flag, name="", address="红旗村村委会"
    )
    grid = places.GRIDS.add(office_pc.db, by=user, village_id=red_flag, name="第一网格")
    household = households.HOUSEHOLDS.add(
        office_pc.db, by=user, grid_id=grid, house_number="7", head_name="孙大山",
        members=[households.Member("李秀英", "配偶"), households.Member("孙小林", "子")],
    )  # fmt: skip
    shipped = next(t for t in clause_templates.defaults() if t.key == "pay_once")
    clause_templates.save_template(
        office_pc.db, "pay_once", category=shipped.category, title=shipped.title,
        body="办公室改过的一次性付款条款。", by=user,
    )  # fmt: skip
    broadcast = next(i for i in outreach_content.defaults() if i.key == "broadcast_general")
    outreach_content.save_item(
        office_pc.db, broadcast.key, broadcast.kind, broadcast.title, "办公室改过的广播稿。",
        by=user,
    )  # fmt: skip

    # -- Monday morning: 准备外出, the starter file opened on the laptop
    starter = folder / "stick" / "周玉梅的笔记本.mdstart"
    starter.parent.mkdir()
    files.write_starter(
        office_pc.db, starter, passphrase=PASSPHRASE, name="周玉梅的笔记本", scope=Scope(),
        by=user, today=MONDAY,
    )  # fmt: skip
    laptop_path = folder / "laptop" / "mediation.sqlite3"
    laptop_path.parent.mkdir()  # the new installation's data folder
    files.open_starter(starter, laptop_path, passphrase=PASSPHRASE)
    laptop = Replica("周玉梅的笔记本", dbmod.connect(laptop_path))
    assert exchange.this_device(laptop.db.conn).role == "field"
    assert laptop.db.scalar("SELECT count(*) FROM cases") == len(earlier)

    # -- the week, apart
    same_field, two_fields, both_parties, both_accept = (
        earlier[0],
        earlier[1],
        earlier[2],
        earlier[3],
    )
    for n, day in enumerate(WEEK):
        if n == 0:  # Monday morning: both accept the same dispute (the laptop from its block)
            cases.accept_case(office_pc.db, both_accept, by=user, accepted_on=day, today=day)
            cases.accept_case(laptop.db, both_accept, by=laptop.user, accepted_on=day, today=day)
        count = PER_SIDE // 7 + (1 if n < PER_SIDE % 7 else 0)
        work_a_day(office_pc, random.Random(f"office {day}"), day, count)
        work_a_day(laptop, random.Random(f"laptop {day}"), day, count)
        if n == 1:  # Tuesday: both sides on the same earlier cases
            edit_case(office_pc, same_field, day, facts="办公室核实：沟是两家共用的。")
            edit_case(laptop, same_field, day, facts="周玉梅在村里核实：沟在李家地里。")
            edit_case(office_pc, two_fields, day, risk_note="申请人情绪激动")
            edit_case(laptop, two_fields, day, title="红旗村院墙纠纷")
            cases.save_party(
                office_pc.db, both_parties, person("王五", "party"), by=user, today=day
            )
            cases.save_party(
                laptop.db, both_parties, person("赵六", "party"), by=laptop.user, today=day
            )
        if n == 3:  # Thursday: the registries, 恢复默认
            for side, hours in ((office_pc, "每周三上午"), (laptop, "每周五下午")):
                edit_entry(village.TALK_POINTS, side.db, point, by=side.user, hours=hours)
            edit_entry(households.HOUSEHOLDS, office_pc.db, household, by=user, phone="13812340007")
            edit_entry(
                households.HOUSEHOLDS,
                laptop.db,
                household,
                by=laptop.user,
                members=[households.Member("李秀英", "配偶"), households.Member("孙小森", "子")],
            )
            clause_templates.restore_default(office_pc.db, "pay_once", by=director(office_pc.db))
            clause_templates.save_template(
                laptop.db, "pay_once", category=shipped.category, title=shipped.title,
                body="周玉梅改的付款条款。", by=laptop.user,
            )  # fmt: skip
            outreach_content.restore_default(laptop.db, broadcast.key, by=director(laptop.db))
            office.save_office_details(
                office_pc.db,
                office.OfficeDetails(address="青山镇人民路1号"),
                loaded=office.office_details(office_pc.db),
                by=user,
            )
    provisional = laptop.db.scalar("SELECT count(*) FROM cases WHERE number_provisional = 1")
    assert provisional > 0, "the laptop ran out of block numbers during the week"

    # -- Sunday evening: one truth again
    assert sync_file(laptop, office_pc, folder / "stick" / "周玉梅的笔记本-1.mdsync") > 0
    assert sync_file(office_pc, laptop, folder / "stick" / "办公室电脑-1.mdsync") > 0

    assert_identical(office_pc, laptop)
    assert log_names(office_pc.db) == log_names(laptop.db)
    for side in (office_pc, laptop):
        ids = side.db.column("SELECT id FROM cases")
        assert len(ids) == len(set(ids)) == len(earlier) + 2 * PER_SIDE
        numbered = side.db.query(
            "SELECT committee_id, number_year, number_seq, number_provisional FROM cases "
            "WHERE number IS NOT NULL"
        )
        real = [(r[0], r[1], r[2]) for r in numbered]
        assert len(real) == len(set(real)), "a case number used twice"
        assert not any(r[3] for r in numbered), "a provisional number left after the merge"
        row = side.db.one(
            "SELECT facts, title, risk_note, parties_text FROM cases WHERE id = ?", (two_fields,)
        )
        assert row is not None
        assert (row["title"], row["risk_note"]) == ("红旗村院墙纠纷", "申请人情绪激动")
        names = side.db.scalar("SELECT parties_text FROM cases WHERE id = ?", (both_parties,))
        assert names.endswith("、王五、赵六")
        h = households.HOUSEHOLDS.get(side.db, household)
        assert (h.phone, [m.name for m in h.members]) == ("13812340007", ["李秀英", "孙小森"])
        template = next(t for t in clause_templates.all_templates(side.db) if t.key == "pay_once")
        assert (template.body, template.edited) == (shipped.body, False)
        item = next(
            i for i in outreach_content.items(side.db, "broadcast") if i.key == broadcast.key
        )
        assert (item.body, item.edited) == (broadcast.body, False)
        assert office.office_details(side.db).address == "青山镇人民路1号"

    listed = conflicts(office_pc.db)
    assert {(t, r, c) for t, r, c, *_ in listed} == {
        ("cases", same_field, "facts"),
        ("cases", both_accept, "number"),
        ("cases", both_accept, "number_seq"),
        ("talk_points", point, "hours"),
        ("clause_templates", natural_id("clause_templates", "pay_once"), "body"),
    }
    kept_facts = office_pc.db.scalar("SELECT facts FROM cases WHERE id = ?", (same_field,))
    assert kept_facts == "周玉梅在村里核实：沟在李家地里。"  # the later of the two
    for tbl, _row, col, kept_device, kept_seq, lost_device, lost_seq in listed:
        kept = json.loads(
            office_pc.db.scalar(
                "SELECT data FROM sync_log WHERE device = ? AND seq = ?", (kept_device, kept_seq)
            )
        )
        lost = json.loads(
            office_pc.db.scalar(
                "SELECT data FROM sync_log WHERE device = ? AND seq = ?", (lost_device, lost_seq)
            )
        )
        assert {kept_device, lost_device} == {office_pc.device, laptop.device}
        assert lost.get(col) != kept.get(col), (tbl, col)
    office_pc.close()
    laptop.close()
