"""Sync with a big change log, for a field laptop that holds one village (issue 12).

``python -m bench.sync_big_log`` (needs the bench file; ``python -m bench`` makes it).

An office that imported or worked a year has a change log of about 1.75 million rows
(every row of the 100,000-case bench file logged as an import logs it: ``sync.bulk``). On a
copy of the bench file with such a log:

- ``big_log_rows``: the log's rows.
- ``big_field_copy_s``: 准备外出 for one village (registration, copy, cut, vacuum).
- ``big_office_file_s``: the office writes the laptop's next file (bundle only, no
  encryption): the scope filter for the changes sent, cases that came into the village
  handed over whole (``big_office_file_whole``), those that left it named.
- ``big_laptop_merge_s``: the laptop merges it.
- ``big_office_merge_s``: the office merges the laptop's file: 200 registrations (half
  accepted) and a grid and a mediator made and deleted again (rows that other rows could
  point at: the merge asks whether anything still points at them).
- ``big_held_ms``: ``clock.held`` once (every bundle and merge reads it).

``--no-moves`` leaves out the cases moved into and out of the village (a program before
``sync_peer_cases`` cannot merge them on the laptop). ``--profile`` prints the slowest
functions of the two office steps.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from app.models import accounts, cases, office
from app.models import db as dbmod
from app.models.casefile import load_case
from app.models.cases import CaseInput
from app.models.parties import PartyInput
from app.models.registries import people, places
from app.models.sync import bulk, clock, exchange, field, merge, triggers
from app.models.sync.exchange import Bundle
from app.models.sync.scope import Scope
from app.models.sync.tables import SYNCED_TABLES

T = TypeVar("T")
LAPTOP_CASES = 200
MOVED = 5


def _timed(fn: Callable[[], T], profile: bool, label: str) -> tuple[T, float]:
    profiler = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    result = fn()
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - t0
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
        print(f"--- {label}: {seconds:.2f} s\n{out.getvalue()}")
    return result, seconds


def _through_json(bundle: Bundle) -> Bundle:
    raw = json.loads(json.dumps({"m": bundle.manifest, "c": list(bundle.records())}))
    return Bundle(raw["m"], [merge.Change.from_record(r) for r in raw["c"]])


def _big_log(db: dbmod.Database) -> int:
    """Log every synced row as an import logs it (one statement per table)."""
    with db.transaction() as conn:
        tables = [
            t
            for t in SYNCED_TABLES
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (t,)).fetchone()
        ]
        merge.quiet(conn)
        bulk.log_inserts(conn, dict.fromkeys(tables, 0), at="2026-01-05T08:00:00.000Z")
        merge.loud(conn)
    return int(db.scalar("SELECT count(*) FROM sync_log") or 0)


def _schema_of_this_program(db: dbmod.Database) -> None:
    """The bench file may be older than this program's step 7: what it adds there, and the
    triggers of this program."""
    with db.transaction() as conn:
        has = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
        from app.models.sync import scope

        if hasattr(scope, "handover") and "sync_peer_cases" not in has:
            conn.execute(
                "CREATE TABLE sync_peer_cases (device TEXT NOT NULL, case_id TEXT NOT NULL, "
                "full_in INTEGER NOT NULL DEFAULT 0, drop_in INTEGER NOT NULL DEFAULT 0, "
                "PRIMARY KEY (device, case_id))"
            )
            conn.execute("CREATE INDEX sync_log_deletes ON sync_log(tbl, row_id) WHERE op = 'd'")
        triggers.install(conn)


def _move(db: dbmod.Database, by: accounts.Actor, case_id: str, village: str) -> None:
    """The case's village edited as the 案情 tab does."""
    case = load_case(db, case_id)
    moved = replace(case.details, village_id=village)
    cases.update_case_details(db, case_id, moved, loaded=case.details, stamp=case.stamp, by=by)


def figures(path: Path, *, today: date, moves: bool, profile: bool) -> dict[str, Any]:
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() else path.parent
    with tempfile.TemporaryDirectory(dir=base, prefix="sync-big-log-") as tmp:
        folder = Path(tmp)
        source = dbmod.connect(path)
        try:
            dbmod.backup_copy(source, folder / "office.sqlite3")
        finally:
            source.close()
        db = dbmod.connect(folder / "office.sqlite3")
        _schema_of_this_program(db)
        rows = _big_log(db)
        with db.reading():
            director = accounts.acting_as(db, office.current_user(db).id)
        exchange.set_device_name(db, "办公室电脑", by=director)
        villages = [
            str(r[0])
            for r in db.query(
                "SELECT village_id FROM cases WHERE village_id IS NOT NULL "
                "GROUP BY village_id ORDER BY count(*)"
            )
        ]
        village, other = villages[0], villages[1]
        laptop_path = folder / "laptop.sqlite3"
        _, copy_s = _timed(
            lambda: field.prepare_field_copy(
                db,
                laptop_path,
                name="周玉梅的笔记本",
                scope=Scope(villages=(village,)),
                block_size=500,
                by=director,
                today=today,
            ),
            False,
            "准备外出",
        )
        laptop = dbmod.connect(laptop_path)
        me = exchange.this_device(laptop.conn).home
        committee = office.main_committee(laptop).id
        for n in range(LAPTOP_CASES):
            case_id = cases.register_case(
                laptop,
                CaseInput(
                    committee_id=committee,
                    category="邻里",
                    source="application",
                    registered_on=today,
                    parties=[
                        PartyInput(name=f"赵{n}", role="applicant"),
                        PartyInput(name=f"钱{n}", role="respondent"),
                    ],
                    facts="双方因宅基地边界发生纠纷，申请调解。",
                    village_id=village,
                ),
                by=director,
                today=today,
            )
            if n % 2 == 0:
                cases.accept_case(laptop, case_id, by=director, accepted_on=today, today=today)
        grid = places.GRIDS.add(laptop, by=director, village_id=village, name="临时网格")
        places.GRIDS.delete(laptop, grid, by=director)
        mediator = people.MEDIATORS.add(laptop, by=director, name="临时调解员", committee_id=None)
        people.MEDIATORS.delete(laptop, mediator, by=director)
        to_office = _through_json(exchange.make_bundle(laptop, to=me))
        office_device = exchange.this_device(db.conn).id
        _, office_merge_s = _timed(
            lambda: exchange.apply_bundle(db, to_office), profile, "the office merges"
        )
        if moves:
            moved_in = db.column(
                "SELECT id FROM cases WHERE village_id = ? AND state IN "
                "('accepted', 'assigned', 'mediating', 'registered') LIMIT ?",
                (other, MOVED),
            )
            moved_out = db.column(
                "SELECT id FROM cases WHERE village_id = ? AND state IN "
                "('accepted', 'assigned', 'mediating', 'registered') LIMIT ?",
                (village, MOVED),
            )
            for case_id in moved_in:
                _move(db, director, case_id, village)
            for case_id in moved_out:
                _move(db, director, case_id, other)
        laptop_device = exchange.this_device(laptop.conn).id
        to_laptop, office_file_s = _timed(
            lambda: _through_json(exchange.make_bundle(db, to=laptop_device)),
            profile,
            "the office writes the laptop's file",
        )
        _, laptop_merge_s = _timed(
            lambda: exchange.apply_bundle(laptop, to_laptop), False, "the laptop merges"
        )
        _, held_s = _timed(lambda: clock.held(db.conn), False, "held")
        laptop.close()
        db.close()
        assert office_device
    return {
        "big_log_rows": rows,
        "big_field_copy_s": round(copy_s, 2),
        "big_office_merge_s": round(office_merge_s, 2),
        "big_office_file_s": round(office_file_s, 2),
        "big_office_file_changes": len(to_laptop.changes),
        "big_office_file_whole": len(to_laptop.manifest.get("whole", [])),
        "big_laptop_merge_s": round(laptop_merge_s, 2),
        "big_held_ms": round(held_s * 1000, 1),
    }


def main(argv: list[str] | None = None) -> int:
    from bench import generate
    from bench.stats import file_today

    p = argparse.ArgumentParser(prog="python -m bench.sync_big_log", description=__doc__)
    p.add_argument("--db", type=Path, default=generate.default_path(generate.DEFAULT_CASES))
    p.add_argument("--no-moves", action="store_true")
    p.add_argument("--profile", action="store_true")
    args = p.parse_args(argv)
    if not args.db.exists():
        generate.generate(args.db, cases=generate.DEFAULT_CASES)
    found = figures(
        args.db, today=file_today(args.db), moves=not args.no_moves, profile=args.profile
    )
    for name, value in found.items():
        print(f"{name:<26}{value!s:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
