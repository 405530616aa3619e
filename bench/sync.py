"""Field-laptop sync figures (issue 12) on the 100,000-case bench file.

``python -m bench.sync`` (needs the bench file; ``python -m bench`` makes it).

- ``field_copy_s``: 准备外出 for one village: the office registers the laptop and writes its
  database (backup-API copy of the whole file, cut to the village, vacuumed), unencrypted.
- ``sync_export_10k_ms``: the laptop writes its sync file for the office holding about
  10,000 changes (registrations and acceptances made on the laptop): bundle + encryption +
  file, scrypt key included. ``sync_file_mb``: that file's size. ``sync_changes``: how many
  changes it holds.
- ``sync_import_10k_ms``: the office (a copy of the bench file) merges that file: reading,
  checking every chunk, one transaction storing the changes and re-deriving every touched
  row, register names and search rows, the number work.
- ``register_ms`` / ``register_nolog_ms`` and ``accept_ms`` / ``accept_nolog_ms``: one
  登记 (two parties) and one 受理 through the services on a copy of the bench file, median of
  ``SERVICE_RUNS``, with the change-log triggers and, on the same copy, with them dropped:
  the change log's cost per service.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from app.models import accounts, cases, office
from app.models import db as dbmod
from app.models.cases import CaseInput
from app.models.parties import PartyInput
from app.models.sync import exchange, field, files, triggers
from app.models.sync.scope import Scope

RESULTS = Path(__file__).resolve().parent / "results.json"
TARGET_CHANGES = 10_000
SERVICE_RUNS = 41
PASS = "bench-同步口令"

FIGURES = [
    "field_copy_s",
    "sync_export_10k_ms",
    "sync_import_10k_ms",
    "sync_total_10k_ms",
    "sync_file_mb",
    "sync_changes",
    "register_ms",
    "register_nolog_ms",
    "accept_ms",
    "accept_nolog_ms",
]

NOTES = {
    "sync": "bench/sync.py: a field laptop made from the bench file for one village makes "
    "about 10,000 changes (registrations and acceptances); sync_export_10k_ms writes its "
    "encrypted file for the office, sync_import_10k_ms merges it into a copy of the bench "
    "file (one transaction); sync_total_10k_ms is the two together (target <= 3000)",
    "register_ms": "one 登记 (two parties) / one 受理 through the services on a copy of the "
    "bench file, median of 41, with the change-log triggers; *_nolog_ms the same on the "
    "same copy with the triggers dropped",
}


def _seconds(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


@contextmanager
def _copy_of(path: Path, folder: Path, name: str) -> Iterator[dbmod.Database]:
    source = dbmod.connect(path)
    target = folder / name
    try:
        dbmod.backup_copy(source, target)
    finally:
        source.close()
    db = dbmod.connect(target)
    try:
        yield db
    finally:
        db.close()


def _case(db: dbmod.Database, n: int, village: str, registered: date) -> CaseInput:
    return CaseInput(
        committee_id=office.main_committee(db).id,
        category="邻里",
        source="application",
        registered_on=registered,
        parties=[
            PartyInput(name=f"赵{n}", role="applicant", phone="13812345678"),
            PartyInput(name=f"钱{n}", role="respondent"),
        ],
        facts="双方因宅基地边界发生纠纷，申请调解。",
        village_id=village,
    )


def sync_figures(path: Path, *, today: date) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".sync-bench-") as tmp:
        folder = Path(tmp)
        with _copy_of(path, folder, "office.sqlite3") as office_db:
            user = accounts.acting_as(office_db, office.current_user(office_db).id)
            exchange.set_device_name(office_db, "办公室电脑", by=user)
            village = str(
                office_db.scalar(
                    "SELECT village_id FROM cases WHERE village_id IS NOT NULL "
                    "GROUP BY village_id ORDER BY count(*) LIMIT 1"
                )
            )
            laptop_path = folder / "laptop.sqlite3"
            copy_s = _seconds(
                lambda: field.prepare_field_copy(
                    office_db,
                    laptop_path,
                    name="周玉梅的笔记本",
                    scope=Scope(villages=(village,)),
                    block_size=500,
                    by=user,
                    today=today,
                )
            )
            laptop = dbmod.connect(laptop_path)
            home = exchange.this_device(laptop.conn).home
            start = int(laptop.scalar("SELECT count(*) FROM sync_log") or 0)
            n = 0
            while int(laptop.scalar("SELECT count(*) FROM sync_log") or 0) - start < TARGET_CHANGES:
                case_id = cases.register_case(
                    laptop, _case(laptop, n, village, today), by=user, today=today
                )
                if n % 2 == 0:
                    cases.accept_case(laptop, case_id, by=user, accepted_on=today, today=today)
                n += 1
            sync_file = folder / "回办公室.mdsync"
            export_s = _seconds(
                lambda: files.write_sync(laptop, sync_file, passphrase=PASS, to=home, by=user)
            )
            changes = int(laptop.scalar("SELECT count(*) FROM sync_log") or 0) - start
            laptop.close()
            import_s = _seconds(
                lambda: files.apply_sync(office_db, sync_file, passphrase=PASS, by=user)
            )
            size = sync_file.stat().st_size
        return {
            "field_copy_s": round(copy_s, 1),
            "sync_export_10k_ms": round(export_s * 1000),
            "sync_import_10k_ms": round(import_s * 1000),
            "sync_total_10k_ms": round((export_s + import_s) * 1000),
            "sync_file_mb": round(size / 1e6, 2),
            "sync_changes": changes,
        }


def service_figures(path: Path, *, today: date) -> dict[str, float]:
    """登记 and 受理 with and without the change log, on one copy of the bench file."""
    with (
        tempfile.TemporaryDirectory(dir=path.parent, prefix=".sync-bench-") as tmp,
        _copy_of(path, Path(tmp), "office.sqlite3") as db,
    ):
        user = accounts.acting_as(db, office.current_user(db).id)
        village = str(db.scalar("SELECT id FROM places WHERE kind = 'village' LIMIT 1"))

        def runs() -> tuple[float, float]:
            registered: list[float] = []
            accepted: list[float] = []
            for i in range(SERVICE_RUNS):
                data = _case(db, i, village, today)
                t0 = time.perf_counter()
                case_id = cases.register_case(db, data, by=user, today=today)
                t1 = time.perf_counter()
                cases.accept_case(db, case_id, by=user, accepted_on=today, today=today)
                t2 = time.perf_counter()
                registered.append(t1 - t0)
                accepted.append(t2 - t1)
            return statistics.median(registered), statistics.median(accepted)

        runs()  # warm-up: pypinyin and the statements loaded
        with_log = runs()
        with db.transaction() as conn:
            for name in triggers.installed(conn):
                conn.execute(f"DROP TRIGGER {name}")
        without = runs()
    return {
        "register_ms": round(with_log[0] * 1000, 2),
        "register_nolog_ms": round(without[0] * 1000, 2),
        "accept_ms": round(with_log[1] * 1000, 2),
        "accept_nolog_ms": round(without[1] * 1000, 2),
    }


def main(argv: list[str] | None = None) -> int:
    from bench import generate
    from bench.stats import file_today

    p = argparse.ArgumentParser(prog="python -m bench.sync", description=__doc__)
    p.add_argument("--db", type=Path, default=generate.default_path(generate.DEFAULT_CASES))
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    if not args.db.exists():
        generate.generate(args.db, cases=generate.DEFAULT_CASES)
    today = file_today(args.db)
    figures: dict[str, Any] = {}
    figures.update(sync_figures(args.db, today=today))
    figures.update(service_figures(args.db, today=today))
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    results.setdefault("figures", {}).update(figures)
    results.setdefault("notes", {}).update(NOTES)
    results["sync_measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name in FIGURES:
        print(f"{name:<24}{figures.get(name)!s:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
