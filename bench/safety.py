"""Data-safety figures (issue 13) on a copy of the 100,000-case bench file.

``python -m bench.safety`` (needs the bench file; ``python -m bench`` makes it). The bench
file itself is never opened for writing: it is copied with the SQLite backup API from a
read-only connection, and everything runs on the copy (docs/storage-safety.md).

- ``quick_check_ms`` / ``quick_check_first_ms``: ``PRAGMA quick_check`` of the whole copy,
  median of 3 and the first run (the copy was just written, so the OS may still cache it:
  a cold disk is slower, see docs/storage-safety.md); ``integrity_check_ms`` the full check
  (what the daily backup runs), median of 3.
- ``open_checked_ms``: ``db.connect`` of the copy as the program opens it (probe, pragmas,
  quick_check within QUICK_CHECK_BUDGET_MS, nothing to migrate), median of 5;
  ``open_check_finished``: whether quick_check finished within the budget (1) or was left
  for the background (0).
- ``register_normal_ms`` / ``register_full_ms``, ``accept_normal_ms`` / ``accept_full_ms``:
  one 登记 (two parties) and one 受理 through the services with ``synchronous=NORMAL`` and
  with ``synchronous=FULL`` (each commit waits for the -wal file to reach the disk),
  median of ``SERVICE_RUNS`` each, the two settings alternating in blocks.
- ``search_worst_ms``: the slowest of the worst searches the search box allows (five
  single digits, a phrase of 40 of the commonest character, five mixed prefixes), each
  the median of 3.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from app.models import accounts, cases, office, search
from app.models import db as dbmod
from app.models.cases import CaseInput
from app.models.parties import PartyInput

RESULTS = Path(__file__).resolve().parent / "results.json"
SERVICE_RUNS = 41
BLOCK = 10  # runs per block of one setting before switching to the other
WORST_QUERIES = ("1 3 5 7 9", "的" * search.MAX_QUERY_CHARS, "1 3 z 5 7", "张 李 王 刘 陈")

FIGURES = [
    "quick_check_first_ms",
    "quick_check_ms",
    "integrity_check_ms",
    "open_checked_ms",
    "open_check_finished",
    "register_normal_ms",
    "register_full_ms",
    "accept_normal_ms",
    "accept_full_ms",
    "search_worst_ms",
]

NOTES = {
    "safety": "bench/safety.py on a backup-API copy of the bench file: quick_check and "
    "integrity_check of the whole file (what the opening's budget and the daily backup "
    "face); the opening as the program does it; 登记/受理 through the services with "
    "synchronous NORMAL and FULL (docs/storage-safety.md); the worst query the search box "
    "allows",
}


def _ms(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def copy_bench_file(source: Path, target: Path) -> None:
    """A consistent copy of ``source`` that never writes to it: read-only connection,
    SQLite backup API."""
    conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        dbmod.backup_copy(dbmod.Database(conn, source, read_only=True), target)
    finally:
        conn.close()


def check_figures(path: Path) -> dict[str, float]:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA cache_size = -32000")  # as the program's connections
        quick = [_ms(lambda: dbmod.integrity_problems(conn)) for _ in range(3)]
        full = [_ms(lambda: dbmod.integrity_problems(conn, full=True)) for _ in range(3)]
        problems = dbmod.integrity_problems(conn, full=True)
    finally:
        conn.close()
    if problems:
        raise RuntimeError(f"the bench copy is damaged: {problems}")
    return {
        "quick_check_first_ms": round(quick[0]),
        "quick_check_ms": round(statistics.median(quick)),
        "integrity_check_ms": round(statistics.median(full)),
    }


def open_figures(path: Path) -> dict[str, float]:
    dbmod.connect(path).close()  # migrated once, if the copy is older
    times: list[float] = []
    finished = 0
    for _ in range(5):
        t0 = time.perf_counter()
        db = dbmod.connect(path)
        times.append((time.perf_counter() - t0) * 1000)
        finished = int(db.integrity == "ok")
        db.close()
    return {"open_checked_ms": round(statistics.median(times)), "open_check_finished": finished}


def _case(db: dbmod.Database, n: int, village: str, registered: date) -> CaseInput:
    return CaseInput(
        committee_id=office.main_committee(db).id,
        category="邻里",
        source="application",
        registered_on=registered,
        parties=[
            PartyInput(name=f"孙{n}", role="applicant", phone="13812345678"),
            PartyInput(name=f"周{n}", role="respondent"),
        ],
        facts="双方因宅基地边界发生纠纷，申请调解。",
        village_id=village,
    )


def service_figures(path: Path, *, today: date) -> dict[str, float]:
    """登记 and 受理 with synchronous NORMAL and FULL, alternating blocks, one connection."""
    db = dbmod.connect(path)
    try:
        by = accounts.acting_as(db, office.current_user(db).id)
        village = str(db.scalar("SELECT id FROM places WHERE kind = 'village' LIMIT 1"))
        timings: dict[str, dict[str, list[float]]] = {
            mode: {"register": [], "accept": []} for mode in ("NORMAL", "FULL")
        }
        n = 0

        def run(mode: str, count: int, keep: bool) -> None:
            nonlocal n
            db.conn.execute(f"PRAGMA synchronous = {mode}")
            for _ in range(count):
                data = _case(db, n, village, today)
                n += 1
                t0 = time.perf_counter()
                case_id = cases.register_case(db, data, by=by, today=today)
                t1 = time.perf_counter()
                cases.accept_case(db, case_id, by=by, accepted_on=today, today=today)
                t2 = time.perf_counter()
                if keep:
                    timings[mode]["register"].append((t1 - t0) * 1000)
                    timings[mode]["accept"].append((t2 - t1) * 1000)

        run("NORMAL", BLOCK, keep=False)  # warm-up: pypinyin and the statements loaded
        while len(timings["FULL"]["register"]) < SERVICE_RUNS:
            for mode in ("NORMAL", "FULL"):
                run(mode, BLOCK, keep=True)
    finally:
        db.close()
    return {
        f"{what}_{mode.lower()}_ms": round(statistics.median(values[what]), 2)
        for mode, values in timings.items()
        for what in ("register", "accept")
    }


def search_figures(path: Path) -> dict[str, float]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA cache_size = -32000")
        worst = 0.0
        for query in WORST_QUERIES:
            runs = [_ms(partial(search.search_case_seqs, conn, query)) for _ in range(3)]
            worst = max(worst, statistics.median(runs))
    finally:
        conn.close()
    return {"search_worst_ms": round(worst, 1)}


def safety_figures(path: Path, *, today: date) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".safety-bench-") as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        copy_bench_file(path, copy)
        figures: dict[str, Any] = {}
        figures.update(check_figures(copy))
        figures.update(open_figures(copy))
        figures.update(search_figures(copy))
        figures.update(service_figures(copy, today=today))
    return figures


def main(argv: list[str] | None = None) -> int:
    from bench import generate
    from bench.stats import file_today

    p = argparse.ArgumentParser(prog="python -m bench.safety", description=__doc__)
    p.add_argument("--db", type=Path, default=generate.default_path(generate.DEFAULT_CASES))
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    if not args.db.exists():
        generate.generate(args.db, cases=generate.DEFAULT_CASES)
    figures = safety_figures(args.db, today=file_today(args.db))
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    results.setdefault("figures", {}).update(figures)
    results.setdefault("notes", {}).update(NOTES)
    results["safety_measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name in FIGURES:
        print(f"{name:<24}{figures.get(name)!s:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
