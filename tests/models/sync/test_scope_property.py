"""A laptop that holds one village, by property test (hypothesis): random programs of the
real services on the office and the laptop (登记 in any village, 案情 moving cases between
villages on either side, 受理, 指派, mediators added in the office and deleted on either
side: the laptop sees only its village's cases using them), files exchanged both ways, some
lost on the way. After exchanging until quiet:

- the laptop holds exactly the office's cases of its village and the cases it registered
  itself, each row for row as the office has it;
- both hold the same registries, and the same conflicts for the rows the laptop holds;
- neither points at a row it does not have.

Derandomized like test_convergence.py (SYNC_RANDOM=1 SYNC_EXAMPLES=… to explore).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import cases, office
from app.models import db as dbmod
from app.models.cases import CaseInput
from app.models.errors import DomainError
from app.models.registries import people
from app.models.sync.exchange import Bundle
from app.models.sync.scope import Scope, own_cases
from tests.helpers import edit_details
from tests.models.helpers import person
from tests.models.sync.replicas import (
    TODAY,
    Replica,
    apply_file,
    conflicts,
    make_file,
    new_laptop,
    new_office,
    scratch,
)
from tests.models.sync.test_scope import rows_of_case

EXAMPLES = int(os.environ.get("SYNC_EXAMPLES", "0")) or 100
RANDOM = bool(os.environ.get("SYNC_RANDOM"))
VILLAGES = ("红旗村", "桃园村", "河东社区")
HOME = "红旗村"  # the laptop's village
STEPS = (
    *("register", "register", "move", "move", "move", "accept", "assign"),
    *("add_mediator", "delete_mediator", "delete_mediator"),
    *("to_office", "to_laptop", "lost"),
)
OPEN = ("registered", "accepted", "assigned", "mediating")


@pytest.fixture(scope="module")
def installations() -> Iterator[Path]:
    folder = scratch()
    office_pc = new_office(folder, "office")
    home = next(v.id for v in office.villages(office_pc.db) if v.name == HOME)
    laptop = new_laptop(office_pc, folder, "laptop", scope=Scope(villages=(home,)))
    for r in (office_pc, laptop):
        r.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        r.close()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@dataclass
class World:
    office: Replica
    laptop: Replica
    folder: Path
    counter: int = 0
    notes: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.office.close()
        self.laptop.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def open_world(template: Path) -> World:
    work = scratch()
    for name in ("office", "laptop"):
        shutil.copy(template / f"{name}.sqlite3", work / f"{name}.sqlite3")
    return World(  # copies of files checked when made: no integrity check at each open
        Replica("office", dbmod.connect(work / "office.sqlite3", check=False)),
        Replica("laptop", dbmod.connect(work / "laptop.sqlite3", check=False)),
        work,
    )


def village_id(replica: Replica, name: str) -> str:
    return next(v.id for v in office.villages(replica.db) if v.name == name)


def one_of(data: st.DataObject, items: list[Any], label: str) -> Any:
    return data.draw(st.sampled_from(items), label=label) if items else None


def step(world: World, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(STEPS), label="step")
    here = data.draw(st.sampled_from((world.office, world.laptop)), label="where")
    if kind == "add_mediator":
        here = world.office
    db, by = here.db, here.user
    world.notes.append(f"{kind} on {here.name}")
    try:
        if kind == "register":
            world.counter += 1
            name = data.draw(st.sampled_from(VILLAGES), label="village")
            case_id = cases.register_case(
                db,
                CaseInput(
                    committee_id=office.main_committee(db).id,
                    category="邻里",
                    source="application",
                    registered_on=date(2026, 11, 2),
                    parties=[
                        person(f"甲{world.counter}", "applicant"),
                        person(f"乙{world.counter}", "respondent"),
                    ],
                    facts="双方因宅基地边界发生纠纷。",
                    village_id=village_id(here, name),
                ),
                by=by,
                today=TODAY,
            )
            world.notes[-1] += f": {case_id} in {name}"
        elif kind == "move":
            marks = ",".join("?" * len(OPEN))
            movable = db.column(f"SELECT id FROM cases WHERE state IN ({marks})", OPEN)
            case_id = one_of(data, movable, "case")
            if case_id:
                name = data.draw(st.sampled_from(VILLAGES), label="village")
                world.notes[-1] += f": {case_id} to {name}"
                edit_details(db, case_id, by=by, village_id=village_id(here, name))
        elif kind == "accept":
            registered = db.column("SELECT id FROM cases WHERE state = 'registered'")
            case_id = one_of(data, registered, "case")
            if case_id:
                world.notes[-1] += f": {case_id}"
                cases.accept_case(db, case_id, by=by, accepted_on=TODAY, today=TODAY)
        elif kind == "assign":
            active = db.column("SELECT id FROM cases WHERE state IN ('accepted', 'assigned')")
            case_id = one_of(data, active, "case")
            mediator = one_of(data, [m.id for m in office.mediators(db)], "mediator")
            if case_id and mediator:
                world.notes[-1] += f": {mediator} to {case_id}"
                cases.assign_mediators(
                    db, case_id, by=by, mediator_ids=[mediator], how="appointed",
                    assigned_on=TODAY, today=TODAY,
                )  # fmt: skip
        elif kind == "add_mediator":
            world.counter += 1
            committee = office.main_committee(db).id
            made = office.add_mediator(
                db, by=by, name=f"调解员{world.counter}", committee_id=committee
            )
            world.notes[-1] += f": {made}"
        elif kind == "delete_mediator":
            mediator = one_of(data, [m.id for m in office.mediators(db)], "mediator")
            if mediator:
                world.notes[-1] += f": {mediator}"
                people.MEDIATORS.delete(db, mediator, by=by)
        else:
            other = world.laptop if here is world.office else world.office
            sender, receiver = (
                (world.laptop, world.office)
                if kind == "to_office"
                else ((world.office, world.laptop) if kind == "to_laptop" else (here, other))
            )
            bundle: Bundle = make_file(sender, receiver)
            world.notes[-1] = f"{kind}: {sender.name} -> {receiver.name}"
            if kind != "lost":  # a lost file is left on the bus
                apply_file(receiver, bundle)
    except DomainError as exc:
        if exc.__class__.__module__.startswith("app.models.sync"):
            raise
        world.notes[-1] += " (refused)"


def story(world: World) -> str:
    return "\n".join(world.notes)


def settle(world: World) -> None:
    for _ in range(4):
        apply_file(world.office, make_file(world.laptop, world.office))
        apply_file(world.laptop, make_file(world.office, world.laptop))


def registry_rows(replica: Replica) -> dict[str, list[tuple[object, ...]]]:
    return {
        t: sorted(tuple(r) for r in replica.db.query(f"SELECT * FROM {t}"))
        for t in ("places", "committees", "mediators")
    }


@pytest.mark.slow
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_village_laptop_and_the_office_agree_on_what_it_holds_in_100_random_programs(
    installations, data
):
    world = open_world(installations)
    try:
        for _ in range(data.draw(st.integers(4, 30), label="steps")):
            step(world, data)
        settle(world)
        office_db, laptop_db = world.office.db, world.laptop.db
        for db in (office_db, laptop_db):
            assert db.scalar("PRAGMA foreign_key_check") is None, story(world)
        home = village_id(world.office, HOME)
        expected = set(office_db.column("SELECT id FROM cases WHERE village_id = ?", (home,)))
        expected |= own_cases(office_db.conn, world.laptop.device)
        held = set(laptop_db.column("SELECT id FROM cases"))
        assert held == expected, story(world)
        for case_id in sorted(held):
            assert rows_of_case(laptop_db, case_id) == rows_of_case(office_db, case_id), (
                case_id,
                story(world),
            )
        assert registry_rows(world.laptop) == registry_rows(world.office), story(world)
        on_laptop = conflicts(laptop_db)
        assert on_laptop <= conflicts(office_db), story(world)
        for listed in conflicts(office_db) - on_laptop:
            table, row_id = listed[0], listed[1]
            assert laptop_db.scalar(f"SELECT count(*) FROM {table} WHERE id = ?", (row_id,)) == 0
    finally:
        world.close()
