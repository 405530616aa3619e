"""Convergence, by property tests (hypothesis).

1. The engine alone: random sets of changes (several devices, clocks skewed, edits made
   knowing or not knowing each other, deletes, rows older than the log, settings) applied
   to replicas in random orders, split into random files, with repeats, end in the same
   rows and the same conflicts as applying them all at once.
2. The program: an office and two field laptops made from it (准备外出) work through a
   random program of the real services (登记, 案情, 当事人, 受理 with block and provisional
   numbers, 指派, 协议草稿, 结案, 回访, registries, 恢复默认, office details) and exchange
   files in the hub (laptop <-> office), kept on a "USB stick" and applied later, out of
   order, twice. After exchanging until quiet, all three hold the same rows (apart from the
   device-local cases.seq), the same log and the same conflicts; every value overwritten by
   a change made without seeing it is in the conflict list (an oracle that knows what each
   installation held when it made each change, independent of the engine's epochs); case
   numbers are unique per committee and year.

Both run derandomized (the same examples on every run, so CI is stable). To explore more:
``SYNC_RANDOM=1 SYNC_EXAMPLES=1000 SYNC_STEPS=120 pytest tests/models/sync/
test_convergence.py`` (new random examples each run, 1000 of each test, programs of up to
120 steps; SYNC_APP_EXAMPLES sets the program test's count alone).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.models import cases, clause_templates, office, outreach_content
from app.models import db as dbmod
from app.models.cases import AgreementInput, CloseInput, FollowUpInput
from app.models.db import Database
from app.models.errors import DomainError
from app.models.registries import households, places, village
from app.models.sync import merge
from app.models.sync.exchange import Bundle
from app.models.sync.merge import ALIVE, DERIVED_COLUMNS, Change
from app.models.sync.tables import APPEND_ONLY, STAMP_COLUMNS, UNITS, is_local_setting
from tests.helpers import edit_details, edit_entry, save_draft
from tests.models.helpers import person
from tests.models.sync.replicas import (
    TODAY,
    Replica,
    apply_file,
    assert_identical,
    conflicts,
    log_names,
    make_file,
    new_laptop,
    new_office,
    scratch,
    settle,
)

EXAMPLES = int(os.environ.get("SYNC_EXAMPLES", "0"))  # both tests (0: their defaults)
APP_EXAMPLES = int(os.environ.get("SYNC_APP_EXAMPLES", "80"))
STEPS_MAX = int(os.environ.get("SYNC_STEPS", "40"))  # the longest program
RANDOM = bool(os.environ.get("SYNC_RANDOM"))


def _settings(default: int) -> settings:
    return settings(
        max_examples=EXAMPLES or default,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


# ======================================================================================
# 1. The engine alone

DEVICES = (
    "0192a000-0000-7000-8000-0000000000d1",
    "0192a000-0000-7000-8000-0000000000d2",
    "0192a000-0000-7000-8000-0000000000d3",
)
NEW_USERS = ("u-new-1", "u-new-2", "u-new-3")
OLD_USERS = ("u-old-1", "u-old-2")  # rows older than the log: on every replica, never logged
SETTING_KEYS = ("print.address", "print.court_name")
MOMENTS = tuple(f"2026-11-20T0{h}:00:00.000Z" for h in range(1, 6))  # ties and skew


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Change], list[tuple[str, int, dict[str, int]]]]:
    """Changes of two or three devices and each device's epochs, as they could happen:
    the devices take turns making changes; before a change a device may have merged, and
    then holds more of the others' earlier changes (never fewer)."""
    devices = DEVICES[: draw(st.integers(2, 3))]
    made = dict.fromkeys(devices, 0)
    seen: dict[str, dict[str, int]] = {d: {} for d in devices}
    changes: list[Change] = []
    epochs: list[tuple[str, int, dict[str, int]]] = []
    for device in draw(st.lists(st.sampled_from(devices), max_size=16)):
        if made[device] == 0 or draw(st.booleans()):  # a merge since its last change
            now = {
                other: draw(st.integers(seen[device].get(other, 0), made[other]))
                for other in devices
                if other != device
            }
            seen[device] = {d: n for d, n in now.items() if n}
            epochs.append((device, made[device] + 1, seen[device]))
        made[device] += 1
        changes.append(draw(_change(device, made[device])))
    return changes, epochs


@st.composite
def _change(draw: st.DrawFn, device: str, seq: int) -> Change:
    at = draw(st.sampled_from(MOMENTS))
    if draw(st.integers(0, 4)) == 0:
        key = draw(st.sampled_from(SETTING_KEYS))
        op = draw(st.sampled_from("iud"))
        data: dict[str, Any] = (
            {} if op == "d" else {"value": draw(st.sampled_from(("甲", "乙", "丙")))}
        )
        return Change(device, seq, "settings", key, op, data, at, "")
    row_id = draw(st.sampled_from(NEW_USERS + OLD_USERS))
    op = draw(st.sampled_from("iuud"))
    if op == "i":
        data = {
            "id": row_id,
            "name": draw(st.sampled_from(("张", "王", "李"))),
            "role": draw(st.sampled_from(("mediator", "director"))),
            "active": draw(st.integers(0, 1)),
            "created_at": at,
            "updated_at": at,
            "updated_by": "",
            "origin": device,
        }
    elif op == "u":
        data = {
            c: draw(v)
            for c, v in (
                ("name", st.sampled_from(("张", "王", "李", "赵"))),
                ("role", st.sampled_from(("mediator", "director", "admin"))),
                ("active", st.integers(0, 1)),
            )
            if draw(st.booleans())
        } or {"name": "周"}
        data["updated_at"] = at
    else:
        data = {}
    return Change(device, seq, "users", row_id, op, data, at, "")


@pytest.fixture(scope="module")
def engine_template() -> Iterator[sqlite3.Connection]:
    """An empty database of the current schema with two users older than the log."""
    db = dbmod.connect(":memory:")
    with db.transaction() as conn:
        merge.quiet(conn)
        for row_id in OLD_USERS:
            conn.execute(
                "INSERT INTO users(id, name, role, active, created_at, updated_at, updated_by, "
                "origin) VALUES (?, '旧', 'mediator', 1, '2020-01-01', '2020-01-01', '', '')",
                (row_id,),
            )
        conn.execute("INSERT INTO settings(key, value) VALUES ('print.address', '旧地址')")
        merge.loud(conn)
    yield db.conn
    db.close()


def engine_replica(template: sqlite3.Connection, device: str) -> Database:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    template.backup(conn)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("UPDATE settings SET value = ? WHERE key = 'device_id'", (device,))
    return Database(conn, None)


def engine_state(db: Database) -> tuple[Any, ...]:
    users = sorted(tuple(r) for r in db.conn.execute("SELECT * FROM users"))
    setting_rows = sorted(
        (str(k), str(v))
        for k, v in db.conn.execute("SELECT key, value FROM settings")
        if not is_local_setting(str(k))
    )
    return users, setting_rows, sorted(conflicts(db))


def apply_in_files(
    db: Database,
    files: list[list[Change]],
    epochs: list[tuple[str, int, dict[str, int]]],
) -> None:
    """Each file carries the epochs of the devices whose changes it holds (as make_bundle)."""
    for changes in files:
        devices = {c.device for c in changes}
        with db.transaction() as conn:
            merge.apply_changes(conn, changes, [e for e in epochs if e[0] in devices])


@pytest.mark.slow
@_settings(200)
@given(history=histories(), data=st.data())
def test_any_order_any_files_with_repeats_end_alike_in_200_random_histories(
    engine_template, history, data
):
    changes, epochs = history
    reference = engine_replica(engine_template, "replica-0")
    apply_in_files(reference, [changes], epochs)
    expected = engine_state(reference)
    reference.close()
    for n in range(1, 3):
        order = data.draw(st.permutations(changes), label=f"order {n}")
        repeats = data.draw(
            st.lists(st.sampled_from(changes), max_size=4) if changes else st.just([])
        )
        stream = [*order, *repeats]
        cuts = sorted(data.draw(st.sets(st.integers(0, len(stream)), max_size=4)))
        files = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
        files.append(data.draw(st.sampled_from(files)))  # one file applied twice
        replica = engine_replica(engine_template, f"replica-{n}")
        apply_in_files(replica, files, epochs)
        assert engine_state(replica) == expected
        replica.close()


def test_the_engine_template_has_rows_older_than_the_log(engine_template):
    """(The property above covers the "older than the log" rule only if they are there.)"""
    names = {r[0] for r in engine_template.execute("SELECT id FROM users")}
    logged = {r[0] for r in engine_template.execute("SELECT row_id FROM sync_log")}
    assert set(OLD_USERS) <= names
    assert not set(OLD_USERS) & logged


# ======================================================================================
# 2. The program


@pytest.fixture(scope="module")
def installations() -> Iterator[Path]:
    """The office database with a talk point, a household and an edited clause template,
    and two laptops prepared from it: one with blocks of 2 numbers, one with none (its 受理
    are provisional). Each example works on copies."""
    folder = scratch()
    office_pc = new_office(folder, "office")
    user = office_pc.user
    red_flag = next(v.id for v in office.villages(office_pc.db) if v.name == "红旗村")
    village.TALK_POINTS.add(
        office_pc.db, by=user, village_id=red_flag, name="", address="红旗村村委会"
    )
    grid = places.GRIDS.add(office_pc.db, by=user, village_id=red_flag, name="第一网格")
    households.HOUSEHOLDS.add(
        office_pc.db,
        by=user,
        grid_id=grid,
        house_number="1",
        head_name="孙大山",
        members=[households.Member("李秀英", "配偶")],
    )
    shipped = next(t for t in clause_templates.defaults() if t.key == "pay_once")
    clause_templates.save_template(
        office_pc.db, "pay_once", category=shipped.category, title=shipped.title,
        body="办公室改过的条款。", by=user,
    )  # fmt: skip
    laptops = [
        new_laptop(office_pc, folder, "laptop1", block_size=2),
        new_laptop(office_pc, folder, "laptop2", block_size=0),  # every 受理 provisional
    ]
    for r in (office_pc, *laptops):
        r.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        r.close()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


TEXTS = ("甲说东边的沟是他家的。", "乙说沟一直是公用的。", "双方同意先量地界。")
TITLES = ("", "排水沟纠纷", "地界纠纷")
NAMES = ("张三", "李四", "王五", "赵六", "孙七")
HOURS = ("", "每周三上午", "每周五下午")
BODIES = ("甲方于签订后十日内一次性付清。", "分两期付清。")
ADDRESSES = ("青山镇人民路1号", "青山镇新街8号")


# What one step of the program does, each as often as it is listed.
STEPS = (
    *("register", "register", "edit", "edit", "party", "accept", "accept"),
    *("assign", "draft", "close", "follow_up", "decline"),
    *("talk_point", "delete_talk_point", "household", "village", "delete_village"),
    *("template", "restore", "outreach", "details"),
    *("file", "file", "file", "apply", "apply", "apply"),
)


@dataclass
class World:
    folder: Path  # this example's copies of the databases
    office: Replica
    laptops: list[Replica]
    stick: list[tuple[Replica, Bundle]] = field(default_factory=list)
    knew: dict[tuple[str, int], frozenset[tuple[str, int]]] = field(default_factory=dict)
    counter: int = 0

    @property
    def all(self) -> list[Replica]:
        return [self.office, *self.laptops]

    def act(self, replica: Replica, step: Any) -> Any:
        """Run a step on one installation and note what it held when it made each change."""
        before = log_names(replica.db)
        try:
            return step()
        except DomainError as exc:
            if exc.__class__.__module__.startswith("app.models.sync"):
                raise
            return None  # the program refused it (the rules of the office): nothing written
        finally:
            after = log_names(replica.db)
            mine = {c for c in after - before if c[0] == replica.device}
            basis = frozenset(after - mine)
            for c in mine:
                self.knew[c] = basis

    def close(self) -> None:
        for r in self.all:
            r.close()


def open_world(folder: Path) -> World:
    work = scratch()
    for name in ("office", "laptop1", "laptop2"):
        shutil.copy(folder / f"{name}.sqlite3", work / f"{name}.sqlite3")
    # copies of files checked when made: no integrity check at each example's open
    opened = [
        Replica(n, dbmod.connect(work / f"{n}.sqlite3", check=False))
        for n in ("office", "laptop1", "laptop2")
    ]
    return World(work, opened[0], opened[1:])


def case_in(replica: Replica, draw: st.DataObject, states: tuple[str, ...]) -> str | None:
    found = replica.db.column(
        f"SELECT id FROM cases WHERE state IN ({','.join('?' * len(states))}) ORDER BY id",
        states,
    )
    return draw.draw(st.sampled_from(found), label="case") if found else None


def step(world: World, data: st.DataObject) -> None:
    replica = data.draw(st.sampled_from(world.all), label="installation")
    by = replica.user
    db = replica.db
    kind = data.draw(st.sampled_from(STEPS), label="step")
    pick = lambda values: data.draw(st.sampled_from(values))  # noqa: E731
    editable = ("registered", "accepted", "assigned", "mediating")
    if kind == "file":
        receiver = pick(world.laptops) if replica is world.office else world.office
        bundle = world.act(replica, lambda: make_file(replica, receiver))
        world.stick.append((receiver, bundle))
        return
    if kind == "apply":
        if not world.stick:
            return
        receiver, bundle = pick(world.stick)
        if world.act(receiver, lambda: apply_file(receiver, bundle)) is None:
            event("a file already merged (or older than one) refused, nothing changed")
        return
    if kind == "register":
        world.counter += 1
        villages = [v.id for v in office.villages(db)]
        data_in = cases.CaseInput(
            committee_id=office.main_committee(db).id,
            category="邻里",
            source="application",
            registered_on=TODAY,
            parties=[
                person(pick(NAMES) + str(world.counter), "applicant"),
                person(pick(NAMES), "respondent"),
            ],
            facts=pick(TEXTS),
            village_id=pick(villages) if villages else None,
        )
        world.act(replica, lambda: cases.register_case(db, data_in, by=by, today=TODAY))
        return
    if kind in ("edit", "party", "accept", "assign", "draft", "close", "follow_up", "decline"):
        states = {
            "accept": ("registered",),
            "decline": ("registered",),
            "assign": ("accepted",),
            "draft": ("assigned", "mediating"),
            "close": ("accepted", "assigned", "mediating"),
            "follow_up": ("closed",),
        }.get(kind, editable)
        case_id = case_in(replica, data, states)
        if case_id is None:
            return
        world.act(replica, lambda: _case_step(world, replica, kind, case_id, pick))
        return
    world.act(replica, lambda: _registry_step(replica, kind, pick))


def _case_step(world: World, replica: Replica, kind: str, case_id: str, pick: Any) -> None:
    db, by = replica.db, replica.user
    if kind == "edit":
        edit_details(
            db,
            case_id,
            by=by,
            facts=pick(TEXTS),
            risk_note=pick(("", "情绪激动")),
            title=pick(TITLES),
        )
    elif kind == "party":
        cases.save_party(db, case_id, person(pick(NAMES), "party"), by=by, today=TODAY)
    elif kind == "accept":
        cases.accept_case(db, case_id, by=by, accepted_on=TODAY, today=TODAY)
    elif kind == "decline":
        cases.decline_case(
            db, case_id, by=by, declined_on=TODAY, reason="不属于调解范围", today=TODAY
        )
    elif kind == "assign":
        mediator = pick([m.id for m in office.mediators(db)])
        cases.assign_mediators(
            db, case_id, by=by, mediator_ids=[mediator], how="appointed", assigned_on=TODAY,
            today=TODAY,
        )  # fmt: skip
    elif kind == "draft":
        save_draft(db, case_id, AgreementInput(terms=[pick(BODIES)]), by=by, today=TODAY)
    elif kind == "close":
        state = db.scalar("SELECT state FROM cases WHERE id = ?", (case_id,))
        if state == "accepted":
            close = CloseInput(closed_on=TODAY, outcome="withdrawn", performance="na")
        else:
            close = CloseInput(
                closed_on=TODAY,
                outcome="agreement_written",
                performance="pending",
                agreement=AgreementInput(terms=[pick(BODIES)]),
            )
        cases.close_case(db, case_id, close, by=by, today=TODAY)
    elif kind == "follow_up":
        cases.record_follow_up(
            db,
            case_id,
            FollowUpInput(
                visited_on=TODAY, visitor="王建华", person_visited=pick(NAMES),
                performed=pick(("performed", "partial")), satisfaction="满意",
            ),
            by=by,
            today=TODAY,
        )  # fmt: skip


def _registry_step(replica: Replica, kind: str, pick: Any) -> None:
    db, by = replica.db, replica.user
    if kind == "talk_point":
        points = village.TALK_POINTS.list(db)
        if points and pick((True, False)):
            t = pick(points)
            edit_entry(village.TALK_POINTS, db, t.id, by=by, hours=pick(HOURS))
        else:
            villages = office.villages(db)
            village.TALK_POINTS.add(
                db,
                by=by,
                village_id=pick(villages).id,
                name=pick(("", "说事点二")),
                address="村委会",
            )
    elif kind == "delete_talk_point":
        points = village.TALK_POINTS.list(db)
        if points:
            village.TALK_POINTS.delete(db, pick(points).id, by=by)
    elif kind == "household":
        found = households.HOUSEHOLDS.list(db)
        if not found:
            return
        h = pick(found)
        members = list(h.members)
        change = pick(("phone", "rename", "add", "drop"))
        phone = h.phone
        if change == "phone":
            phone = pick(("13812340001", "13812340002"))
        elif change == "rename" and members:
            members[0] = households.Member(pick(NAMES), members[0].relation)
        elif change == "add":
            members.append(households.Member(pick(NAMES), "子"))
        elif members:
            members.pop()
        edit_entry(households.HOUSEHOLDS, db, h.id, by=by, phone=phone, members=members)
    elif kind == "village":
        if pick((True, False)):
            places.VILLAGES.add(db, by=by, name=pick(("新建村", "东山村", "西山村")))
        else:
            v = pick(office.villages(db))
            edit_entry(
                places.VILLAGES,
                db,
                v.id,
                by=by,
                name=v.name + pick(("一", "二")),
                kind="village",
            )
    elif kind == "delete_village":
        v = pick(office.villages(db))
        places.VILLAGES.delete(db, v.id, by=by)
    elif kind == "template":
        shipped = next(t for t in clause_templates.defaults() if t.key == "pay_once")
        clause_templates.save_template(
            db, "pay_once", category=shipped.category, title=shipped.title, body=pick(BODIES),
            by=by,
        )  # fmt: skip
    elif kind == "restore":
        clause_templates.restore_default(db, pick(("pay_once", "apology")), by=by)
    elif kind == "outreach":
        item = next(i for i in outreach_content.defaults() if i.key == "broadcast_general")
        if pick((True, False)):
            outreach_content.save_item(db, item.key, item.kind, item.title, pick(BODIES), by=by)
        else:
            outreach_content.restore_default(db, item.key, by=by)
    elif kind == "details":
        office.save_office_details(
            db,
            office.OfficeDetails(address=pick(ADDRESSES)),
            loaded=office.office_details(db),
            by=by,
        )


# --------------------------------------------------------------------------------------
# The oracle: no value lost


def _known(world: World, later: tuple[str, int], earlier: tuple[str, int]) -> bool:
    if later[0] == earlier[0]:
        return earlier[1] < later[1]
    basis = world.knew.get(later)
    return basis is not None and earlier in basis


def _leading(world: World, versions: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [v for v in versions if not any(w != v and _known(world, w, v) for w in versions)]


def assert_no_value_lost(world: World) -> int:
    """Every field version that no other version of the field was made knowing, and that
    is not the value the replicas hold, is listed as set aside. Returns how many were."""
    db = world.office.db
    listed = conflicts(db)
    set_aside = {(t, r, c, ld, ls) for t, r, c, _, _, ld, ls in listed}
    by_row: dict[tuple[str, str], list[tuple[tuple[str, int], str, dict[str, Any]]]] = defaultdict(
        list
    )
    for device, seq, tbl, row_id, op, data in db.conn.execute(
        "SELECT device, seq, tbl, row_id, op, data FROM sync_log"
    ):
        by_row[(str(tbl), str(row_id))].append(((str(device), int(seq)), str(op), json.loads(data)))
    checked = 0
    for (tbl, row_id), changes in by_row.items():
        if tbl in APPEND_ONLY:
            continue
        if tbl == "settings":
            current = db.one("SELECT value FROM settings WHERE key = ?", (row_id,))
        else:
            current = db.one(f"SELECT * FROM {tbl} WHERE id = ?", (row_id,))
        alive = current is not None
        existence = [(v, op == "i") for v, op, _ in changes if op in "id"]
        lead_existence = _leading(world, [v for v, _ in existence])
        deletes = [v for v, is_insert in existence if not is_insert]
        for v, is_insert in existence:
            if v in lead_existence and is_insert != alive:
                assert (tbl, row_id, ALIVE, *v) in set_aside, (tbl, row_id, "existence", v)
                checked += 1
        columns: dict[str, list[tuple[tuple[str, int], Any]]] = defaultdict(list)
        for v, op, values in changes:
            if op != "d":
                for col, value in values.items():
                    columns[col].append((v, value))
        for col, versions in columns.items():
            if col == "id" or col in STAMP_COLUMNS or (tbl, col) in DERIVED_COLUMNS:
                continue
            lead = _leading(world, [v for v, _ in versions])
            value_of = dict(versions)
            if current is None:
                lost = [v for v in lead if not any(_known(world, d, v) for d in deletes)]
            else:
                final = current[0] if tbl == "settings" else current[col]
                assert final in {value_of[v] for v in lead}, (tbl, row_id, col, final)
                lost = [v for v in lead if value_of[v] != final]
            unit = UNITS.get(tbl, ())
            listed_as = unit[0] if col in unit else col  # a life cycle is listed as one
            for v in lost:
                assert (tbl, row_id, listed_as, *v) in set_aside, (tbl, row_id, col, v, value_of[v])
                checked += 1
    return checked


def assert_numbers_unique(db: Database) -> None:
    numbered = db.query(
        "SELECT committee_id, number_year, number_seq, number, number_provisional FROM cases "
        "WHERE number IS NOT NULL"
    )
    real = [(r[0], r[1], r[2]) for r in numbered if not r[4]]
    assert len(real) == len(set(real)), "a case number used twice"
    assert len({r[3] for r in numbered}) == len(numbered)
    assert [r[3] for r in numbered if r[4]] == [], "a provisional number left after the merge"


@pytest.mark.slow
@_settings(APP_EXAMPLES)
@given(data=st.data())
def test_office_and_two_laptops_converge_in_80_random_programs(installations, data):
    world = open_world(installations)
    try:
        for _ in range(data.draw(st.integers(5, STEPS_MAX), label="steps")):
            step(world, data)
        settle(world.office, world.laptops, act=world.act)
        assert_identical(*world.all)
        logs = [log_names(r.db) for r in world.all]
        assert logs[0] == logs[1] == logs[2], "every change is everywhere"
        checked = assert_no_value_lost(world)
        assert_numbers_unique(world.office.db)
        listed = conflicts(world.office.db)
        event(f"values set aside and listed: {'none' if not checked else 'some'}")
        if any(c[2] == ALIVE for c in listed):
            event("a delete set aside (a row brought back or a delete lost to an insert)")
        renumbered = world.office.db.scalar(
            "SELECT count(*) FROM case_events WHERE action = 'renumber'"
        )
        if renumbered:
            event("a provisional number made real at the merge")
    finally:
        world.close()
        shutil.rmtree(world.folder, ignore_errors=True)
