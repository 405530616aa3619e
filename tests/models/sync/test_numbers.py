"""Case numbers on field laptops: blocks from the office, provisional numbers, numbers back.

Two (or three) real installations made from one office database with 准备外出
(prepare_field_copy), changes carried between them as bundles (make_bundle/apply_bundle).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.models import casefile, cases, office, stats
from app.models import db as dbmod
from app.models.casefile import describe_event
from app.models.db import Database
from app.models.register import RegisterFilter, RegisterRow, fetch_rows, query_seqs
from app.models.registries import places
from app.models.stats import Period
from app.models.sync import exchange, field, numbers
from app.models.sync.exchange import Applied
from app.models.sync.scope import Scope
from app.printing import registry
from app.printing.context import office_info
from tests.conftest import TODAY
from tests.models.helpers import register, user

COMMITTEE = "青山镇人民调解委员会"


def number(seq: int | str, year: int = 2026) -> str:
    return f"（{year}）青山调字第{seq}号"


@pytest.fixture
def office_pc(office_db: Database) -> Database:
    exchange.set_device_name(office_db, "办公室电脑", by=user(office_db))
    return office_db


Prepare = Callable[..., tuple[Database, field.FieldLaptop]]


@pytest.fixture
def prepare(office_pc: Database, tmp_path: Path) -> Iterator[Prepare]:
    """准备外出 for a laptop with every committee and village: (its database, what the office
    registered). ``size``: the block size (default: the program's)."""
    opened: list[Database] = []

    def make(name: str = "周玉梅的笔记本", *, size: int | None = None):
        target = tmp_path / f"{name}.sqlite3"
        kwargs = {} if size is None else {"block_size": size}
        made = field.prepare_field_copy(
            office_pc, target, name=name, scope=Scope(), by=user(office_pc), today=TODAY, **kwargs
        )
        opened.append(dbmod.connect(target))
        return opened[-1], made

    yield make
    for d in opened:
        d.close()


def accept(db: Database, accepted_on: date = date(2026, 11, 10)) -> str:
    """登记 and 受理 one dispute; the case number."""
    case_id = register(db, registered_on=min(accepted_on, date(2026, 11, 1)))
    return cases.accept_case(db, case_id, by=user(db), accepted_on=accepted_on, today=TODAY)


def send(source: Database, target: Database, *, reissue: bool = True) -> Applied:
    """One sync file from ``source`` to ``target``; the office's file for a laptop carries
    new blocks, as the sync-file code does when it writes one."""
    to = exchange.this_device(target.conn)
    me = exchange.this_device(source.conn)
    if reissue and me.role == "office" and to.role == "field":
        with source.transaction() as conn:
            numbers.reissue(conn, to.id, by=user(source).user_id, today=TODAY)
    return exchange.apply_bundle(target, exchange.make_bundle(source, to=to.id))


def committee_id(db: Database) -> str:
    return office.main_committee(db).id


def left(db: Database, year: int = 2026) -> int | None:
    return numbers.remaining(db, committee_id(db), year)


def numbers_of(db: Database) -> dict[str, tuple[str, int]]:
    """case id -> (number, provisional) of every accepted case."""
    return {
        r["id"]: (r["number"], r["number_provisional"])
        for r in db.query(
            "SELECT id, number, number_provisional FROM cases WHERE number IS NOT NULL"
        )
    }


def register_rows(db: Database) -> list[RegisterRow]:
    """Every row of the 台账 (the register with no filter)."""
    return list(fetch_rows(db, query_seqs(db, RegisterFilter())).values())


def assert_unique(db: Database) -> None:
    """Each real number once per committee and year, and its text matches its seq."""
    found = db.query(
        "SELECT committee_id, number_year, number_seq, number FROM cases "
        "WHERE number IS NOT NULL AND number_provisional = 0"
    )
    keys = Counter((r[0], r[1], r[2]) for r in found)
    assert [k for k, n in keys.items() if n > 1] == []
    assert all(r["number"] == number(r["number_seq"], r["number_year"]) for r in found)


# --------------------------------------------------------------------------------------
# Blocks issued with the starter


def test_the_starter_carries_a_block_of_twenty_after_the_numbers_used(office_pc, prepare):
    assert [accept(office_pc) for _ in range(3)][-1] == number(3)
    laptop, made = prepare()
    assert made.blocks == [(COMMITTEE, 2026, 4, 23)]
    assert [
        (b.committee_name, b.year, b.first, b.last, b.left) for b in numbers.blocks(laptop)
    ] == [(COMMITTEE, 2026, 4, 23, 20)]
    assert left(laptop) == 20
    assert left(office_pc) is None  # the office never runs out
    # the office goes on after the block, never inside it
    assert accept(office_pc) == number(24)
    # the office's own number sequence is not in the laptop's copy
    assert laptop.scalar("SELECT count(*) FROM case_number_seq") == 0


def test_a_chosen_block_size(office_pc, prepare):
    laptop, made = prepare(size=5)
    assert made.blocks == [(COMMITTEE, 2026, 1, 5)]
    assert left(laptop) == 5
    assert accept(office_pc) == number(6)


def test_size_zero_gives_no_block_and_the_laptop_accepts_provisionally(office_pc, prepare):
    laptop, made = prepare(size=0)
    assert made.blocks == []
    assert numbers.blocks(laptop) == []
    assert left(laptop) == 0
    assert accept(laptop) == number("临时1-1")
    assert accept(office_pc) == number(1)


def test_every_committee_in_use_gets_a_block(office_pc, prepare):
    by = user(office_pc)
    village = next(v.id for v in office.villages(office_pc) if v.name == "红旗村")
    other = places.COMMITTEES.add(
        office_pc, by=by, place_id=village, name="红旗村人民调解委员会", abbr="红旗"
    )
    laptop, made = prepare(size=3)
    assert sorted(made.blocks) == [("红旗村人民调解委员会", 2026, 1, 3), (COMMITTEE, 2026, 1, 3)]
    assert numbers.remaining(laptop, other, 2026) == 3
    assert numbers.remaining(laptop, other, 2027) == 0  # blocks are per year


def test_the_first_number_of_a_year_still_continues_after_every_number_used(office_pc, prepare):
    for _ in range(7):
        accept(office_pc)
    # as after an import that wrote numbers without moving the sequence
    with office_pc.transaction() as conn:
        conn.execute("DELETE FROM case_number_seq")
    _, made = prepare(size=10)
    assert made.blocks == [(COMMITTEE, 2026, 8, 17)]
    # and past every block reserved, should the sequence be missing again
    with office_pc.transaction() as conn:
        conn.execute("DELETE FROM case_number_seq")
    assert accept(office_pc) == number(18)
    # another year starts at 1
    assert accept(office_pc, date(2025, 12, 30)) == number(1, 2025)


# --------------------------------------------------------------------------------------
# On the laptop


def test_the_laptop_takes_its_block_numbers_in_order(office_pc, prepare):
    accept(office_pc)
    laptop, _ = prepare(size=5)
    assert [accept(laptop) for _ in range(3)] == [number(2), number(3), number(4)]
    assert left(laptop) == 2
    (block,) = numbers.blocks(laptop)
    assert block.next == 5
    assert not laptop.scalar("SELECT count(*) FROM cases WHERE number_provisional = 1")


def test_the_lowest_block_is_used_first(office_pc, prepare):
    laptop, made = prepare(size=2)
    # a second block reaches the laptop while the first is still open
    with office_pc.transaction() as conn:
        numbers.issue_blocks(conn, made.device, None, 2026, 2, by=user(office_pc).user_id)
    send(office_pc, laptop, reissue=False)
    assert left(laptop) == 4
    assert [accept(laptop) for _ in range(4)] == [number(s) for s in (1, 2, 3, 4)]


def test_a_laptop_out_of_numbers_accepts_with_a_provisional_number(office_pc, prepare):
    laptop, _ = prepare(size=2)
    assert [accept(laptop) for _ in range(2)] == [number(1), number(2)]
    assert left(laptop) == 0
    case_id = register(laptop)
    got = cases.accept_case(
        laptop, case_id, by=user(laptop), accepted_on=date(2026, 11, 12), today=TODAY
    )
    assert got == number("临时1-1")
    row = laptop.one(
        "SELECT number_provisional, number_year, number_seq, state FROM cases WHERE id = ?",
        (case_id,),
    )
    assert tuple(row) == (1, 2026, None, "accepted")
    case = casefile.load_case(laptop, case_id)
    assert case.number_provisional
    accepted = next(e for e in case.events if e.action == "accept")
    assert "编号：（2026）青山调字第临时1-1号（临时编号）" in describe_event(accepted)
    assert accept(laptop) == number("临时1-2")


def test_two_laptops_never_make_the_same_provisional_number(office_pc, prepare):
    first, _ = prepare("周玉梅的笔记本", size=0)
    second, _ = prepare("王建华的笔记本", size=0)
    assert accept(first) == number("临时1-1")
    assert accept(second) == number("临时2-1")


# --------------------------------------------------------------------------------------
# Back in the office


def test_the_office_turns_provisional_numbers_into_real_ones(office_pc, prepare):
    laptop, made = prepare(size=1)
    assert accept(laptop) == number(1)
    case_id = register(laptop)
    cases.accept_case(laptop, case_id, by=user(laptop), accepted_on=date(2026, 11, 9), today=TODAY)
    assert accept(office_pc) == number(2)  # meanwhile in the office

    applied = send(laptop, office_pc)
    assert applied.renumbered == [(number("临时1-1"), number(3))]
    case = casefile.load_case(office_pc, case_id)
    assert (case.number, case.number_provisional) == (number(3), False)
    renumber = [e for e in case.events if e.action == "renumber"]
    assert len(renumber) == 1
    assert renumber[0].data == {"from": number("临时1-1"), "to": number(3)}
    assert describe_event(renumber[0]) == (
        "临时编号 （2026）青山调字第临时1-1号 换发为正式案号 （2026）青山调字第3号"
    )
    assert renumber[0].state_before == renumber[0].state_after == "accepted"
    assert cases.ACTION_LABELS["renumber"] == "换发正式案号"
    # the register finds it by its real number
    assert office_pc.scalar("SELECT count(*) FROM cases WHERE number = ?", (number(3),)) == 1

    # the real number travels back with the office's file
    send(office_pc, laptop)
    back = casefile.load_case(laptop, case_id)
    assert (back.number, back.number_provisional) == (number(3), False)
    assert [e.data for e in back.events if e.action == "renumber"] == [renumber[0].data]
    assert numbers_of(laptop) == numbers_of(office_pc)
    assert_unique(office_pc)
    # merged again: nothing is numbered twice, no conflict
    laptop_again = send(laptop, office_pc)
    assert laptop_again.renumbered == []
    assert office_pc.scalar("SELECT count(*) FROM sync_conflicts") == 0
    assert laptop.scalar("SELECT count(*) FROM sync_conflicts") == 0
    assert numbers.blocks(office_pc, made.device)[0].closed


def test_sending_closes_the_blocks_and_the_unused_numbers_come_back(office_pc, prepare):
    laptop, made = prepare()  # 1..20
    assert [accept(laptop) for _ in range(3)] == [number(1), number(2), number(3)]
    assert accept(office_pc) == number(21)

    applied = send(laptop, office_pc)
    # writing the file closed the laptop's block: what it did not use is handed back
    (block,) = numbers.blocks(laptop)
    assert (block.closed, block.next, block.left) == (True, 4, 0)
    assert left(laptop) == 0
    assert applied.numbers_returned == 17
    assert office_pc.column("SELECT seq FROM case_number_free ORDER BY seq") == list(range(4, 21))
    # the office uses the lowest returned number next, then the next ones, then goes on
    assert [accept(office_pc) for _ in range(18)] == [number(s) for s in (*range(4, 21), 22)]
    assert office_pc.scalar("SELECT count(*) FROM case_number_free") == 0
    # until the office's next file, the laptop accepts provisionally
    assert accept(laptop) == number("临时1-1")
    # merged twice, the numbers come back once
    assert send(laptop, office_pc).numbers_returned == 0
    assert_unique(office_pc)
    assert made.blocks == [(COMMITTEE, 2026, 1, 20)]


def test_the_office_file_brings_a_new_block_of_the_same_size(office_pc, prepare):
    laptop, made = prepare(size=4)  # 1..4
    accept(laptop)
    send(laptop, office_pc)
    send(office_pc, laptop)
    blocks = numbers.blocks(laptop)
    assert [(b.first, b.last, b.closed, b.reclaimed) for b in blocks] == [
        (1, 4, True, True),
        (5, 8, False, False),
    ]
    assert left(laptop) == 4
    assert accept(laptop) == number(5)
    # an open block is not doubled by the next file
    with office_pc.transaction() as conn:
        assert numbers.reissue(conn, made.device, by=user(office_pc).user_id, today=TODAY) == []
    # the numbers handed back (2..4) are the office's now
    assert accept(office_pc) == number(2)


def test_a_laptop_prepared_without_numbers_gets_them_only_when_asked(office_pc, prepare):
    laptop, made = prepare(size=0)
    with office_pc.transaction() as conn:
        assert numbers.reissue(conn, made.device, by=user(office_pc).user_id, today=TODAY) == []
        # with a size, a block per committee of its scope
        got = numbers.reissue(conn, made.device, 3, by=user(office_pc).user_id, today=TODAY)
    assert got == [(COMMITTEE, 2026, 1, 3)]
    send(office_pc, laptop, reissue=False)
    assert left(laptop) == 3


def test_reissue_in_a_new_year(office_pc, prepare):
    laptop, made = prepare(size=3)
    send(laptop, office_pc)
    with office_pc.transaction() as conn:
        got = numbers.reissue(conn, made.device, by=user(office_pc).user_id, today=date(2027, 1, 4))
    assert got == [(COMMITTEE, 2027, 1, 3)]


# --------------------------------------------------------------------------------------
# Uniqueness across the office and two laptops


@pytest.mark.parametrize("first_back", ["周玉梅的笔记本", "王建华的笔记本"])
def test_numbers_stay_unique_with_two_laptops_and_the_office_at_work(
    office_pc, prepare, first_back
):
    a, made_a = prepare("周玉梅的笔记本", size=5)  # 1..5
    b, made_b = prepare("王建华的笔记本", size=5)  # 6..10
    laptops = {"周玉梅的笔记本": a, "王建华的笔记本": b}
    order = [laptops[first_back], *(d for n, d in laptops.items() if n != first_back)]
    made: list[str] = []
    for _ in range(3):
        for _ in range(7):  # more than a block: some provisional
            made += [accept(a), accept(b), accept(office_pc)]
        for laptop in order:
            send(laptop, office_pc)
        for laptop in order:
            send(office_pc, laptop)
        assert_unique(office_pc)
        assert office_pc.scalar("SELECT count(*) FROM cases WHERE number_provisional = 1") == 0
        order.reverse()
    assert len(made) == 63
    assert any("临时" in n for n in made)
    everything = numbers_of(office_pc)
    assert len(everything) == 63
    for laptop in (a, b):
        # each laptop holds every case (its scope is everything) with the office's numbers
        assert numbers_of(laptop) == everything
        assert_unique(laptop)
    # no number lost or doubled: each number the office's sequence has passed is a case's,
    # back in the office's pool, or still unused in a block the laptops hold
    used = office_pc.column("SELECT number_seq FROM cases WHERE number_seq IS NOT NULL")
    free = office_pc.column("SELECT seq FROM case_number_free")
    unused = [
        seq
        for b in [
            *numbers.blocks(office_pc, made_a.device),
            *numbers.blocks(office_pc, made_b.device),
        ]
        if not b.reclaimed
        for seq in range(b.next, b.last + 1)
    ]
    top = office_pc.scalar("SELECT last_seq FROM case_number_seq WHERE year = 2026")
    assert sorted(used + free + unused) == list(range(1, top + 1))
    assert unused  # the last office files brought new blocks
    assert office_pc.scalar("SELECT count(*) FROM sync_conflicts") == 0
    # the 台账 and the statistics show each case once, wherever it was made
    for db in (office_pc, a, b):
        shown = register_rows(db)
        assert len(shown) == 63
        assert len({r.number for r in shown}) == 63
        assert stats.indicators(db, Period.month(2026, 11), today=TODAY).accepted == 63


# --------------------------------------------------------------------------------------
# Printed forms


def acceptance_form_text(db: Database, case_id: str) -> str:
    """The 人民调解受理登记表 of the case as printed there, as text (pypdf)."""
    doc = registry.document("acceptance")
    pdf = doc.build(casefile.load_case(db, case_id), office_info(office.main_committee(db)))
    return "".join(re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(BytesIO(pdf)).pages)


def test_a_form_printed_on_the_laptop_says_the_number_is_provisional(office_pc, prepare):
    laptop, _ = prepare(size=0)
    case_id = register(laptop)
    cases.accept_case(laptop, case_id, by=user(laptop), accepted_on=date(2026, 11, 9), today=TODAY)
    text = acceptance_form_text(laptop, case_id)
    assert "（2026）青山调字第临时1-1号（临时编号，回办公室同步后换发正式案号）" in text

    send(laptop, office_pc)
    send(office_pc, laptop)
    for db in (office_pc, laptop):
        text = acceptance_form_text(db, case_id)
        assert "（2026）青山调字第1号" in text
        assert "临时" not in text
