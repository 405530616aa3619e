"""The hand-copy experiment of issue 13, against the program's own backup.

Another PROCESS registers and accepts cases through the services without pause while this
one takes backups of the same database file:

- the program's backup (app/models/backup.py: the SQLite backup API from one read
  snapshot), each checked afterwards by opening the backup on its own and running
  ``PRAGMA integrity_check``, and its cases counted: every case committed before the backup
  began must be in it;
- for contrast, what a person does by hand: copying ``mediation.sqlite3`` in the file
  manager (the main file only), or the main file and then its ``-wal`` file. Each copy is
  checked the same way: does it open, does it pass integrity_check, does it hold every case
  committed before the copy began.

Then the writer stops while the program keeps the file open (as it does all day), and one
more case is registered: an idle hand copy of the main file misses what is still in the
-wal file, the program's backup does not.

Run by hand (the figures for the closing note)::

    .venv/bin/python -m tests.experiments.backup_during_writes            # 50 rounds
    .venv/bin/python -m tests.experiments.backup_during_writes --rounds 10 --json out.json

tests/experiments/test_backup_during_writes.py runs 5 rounds as part of the suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FACTS = "双方因宅基地边界和排水沟改道发生纠纷，多次协商未果，村委会调解未成。" * 20
TODAY = date(2026, 11, 20)


@dataclass
class Check:
    """One copy, checked on its own."""

    opens: bool
    integrity_ok: bool
    cases: int | None  # None: could not be counted
    committed_before: int  # cases committed when the copy began

    @property
    def complete(self) -> bool:
        return self.cases is not None and self.cases >= self.committed_before

    @property
    def good(self) -> bool:
        return self.opens and self.integrity_ok and self.complete


@dataclass
class Figures:
    rounds: int
    start_cases: int
    writer_commits: int = 0
    backups: list[Check] = field(default_factory=list)
    backup_seconds: list[float] = field(default_factory=list)
    main_file_copies: list[Check] = field(default_factory=list)
    with_wal_copies: list[Check] = field(default_factory=list)
    idle_copy: Check | None = None
    idle_backup: Check | None = None
    database_bytes: int = 0

    def summary(self) -> dict[str, Any]:
        def tally(checks: list[Check]) -> dict[str, int]:
            return {
                "taken": len(checks),
                "good": sum(c.good for c in checks),
                "do_not_open": sum(not c.opens for c in checks),
                "fail_integrity_check": sum(c.opens and not c.integrity_ok for c in checks),
                "miss_committed_cases": sum(
                    c.opens and c.integrity_ok and not c.complete for c in checks
                ),
            }

        def missing(check: Check | None) -> int | None:
            if check is None or check.cases is None:
                return None
            return check.committed_before - check.cases

        return {
            "rounds": self.rounds,
            "cases_at_start": self.start_cases,
            "cases_written_by_the_other_process": self.writer_commits,
            "database_mb": round(self.database_bytes / 1024 / 1024, 1),
            "program_backups": tally(self.backups),
            "program_backup_seconds_median": sorted(self.backup_seconds)[
                len(self.backup_seconds) // 2
            ]
            if self.backup_seconds
            else None,
            "hand_copies_main_file_only": tally(self.main_file_copies),
            "hand_copies_main_file_then_wal": tally(self.with_wal_copies),
            "idle_hand_copy_missing_cases": missing(self.idle_copy),
            "idle_program_backup_missing_cases": missing(self.idle_backup),
        }


# --------------------------------------------------------------------------- the writer


def writer(db_path: Path, stop_file: Path, count_file: Path) -> None:
    """The other process: register and accept cases through the services until told."""
    from app.models import cases
    from app.models import db as dbmod
    from tests.models.helpers import register, user

    db = dbmod.connect(db_path, migrate=False)
    done = 0
    try:
        actor = user(db)
        while not stop_file.exists():
            case_id = register(db, applicant=f"写入{done}", respondent="对方", facts=FACTS)
            cases.accept_case(db, case_id, by=actor, accepted_on=TODAY, today=TODAY)
            done += 1
            count_file.write_text(str(done))
    finally:
        db.close()


# --------------------------------------------------------------------------- checking


def committed_cases(db_path: Path) -> int:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
    finally:
        conn.close()


def check_copy(path: Path, committed_before: int) -> Check:
    """Open the copy on its own (read-only, nothing beside it but what was copied)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return Check(False, False, None, committed_before)
    try:
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError:
            return Check(False, False, None, committed_before)
        ok = [str(r[0]) for r in rows] == ["ok"]
        try:
            count = int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
        except sqlite3.DatabaseError:
            count = None
        return Check(True, ok, count, committed_before)
    finally:
        conn.close()


def hand_copy(db_path: Path, target: Path, *, with_wal: bool) -> None:
    """What a person does in the file manager: the file, then (perhaps) its -wal file.

    In a process of its own, as the file manager is: closing a file descriptor of the
    database in *this* process would drop the POSIX locks SQLite holds here (and let the
    writer fold the -wal file in under the program's feet)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    pairs = [(db_path, target)]
    wal = Path(f"{db_path}-wal")
    if with_wal:
        pairs.append((wal, Path(f"{target}-wal")))
    script = (
        "import shutil, sys, os\n"
        "for a, b in zip(sys.argv[1::2], sys.argv[2::2]):\n"
        "    if os.path.exists(a): shutil.copyfile(a, b)\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, *(str(p) for pair in pairs for p in pair)], check=True
    )


# --------------------------------------------------------------------------- the experiment


def build(folder: Path, cases_at_start: int) -> Path:
    from tests.models.damage import build_office_file

    path = folder / "data" / "mediation.sqlite3"
    path.parent.mkdir(parents=True)
    build_office_file(path, cases=cases_at_start)
    return path


def run(folder: Path, *, rounds: int, cases_at_start: int = 3000, log: bool = True) -> Figures:
    from app.models import backup
    from app.models import db as dbmod
    from tests.models.helpers import register

    db_path = build(folder, cases_at_start)
    copies = folder / "copies"
    copies.mkdir()
    stop_file, count_file = folder / "stop", folder / "written"
    figures = Figures(rounds=rounds, start_cases=cases_at_start)
    # The program, open all day: its connection keeps the -wal file from being folded in
    # when the writer closes.
    program = dbmod.connect(db_path, migrate=False)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.experiments.backup_during_writes",
            "--writer",
            str(db_path),
            str(stop_file),
            str(count_file),
        ],
        cwd=ROOT,
    )
    try:
        _wait_for(lambda: count_file.exists(), proc, "the writer never wrote")
        moment = datetime(2026, 12, 6, 9, 0)
        for i in range(rounds):
            before = committed_cases(db_path)
            started = time.perf_counter()
            made = backup.make_backup_of(db_path, backup.Kind.MANUAL, now=moment)
            figures.backup_seconds.append(round(time.perf_counter() - started, 3))
            figures.backups.append(check_copy(made.path, before))
            made.path.unlink()  # 50 copies of a file that grows to 500 MB would fill the disk

            before = committed_cases(db_path)
            target = copies / f"hand-{i}.sqlite3"
            hand_copy(db_path, target, with_wal=False)
            figures.main_file_copies.append(check_copy(target, before))
            target.unlink()

            before = committed_cases(db_path)
            target = copies / f"hand-wal-{i}.sqlite3"
            hand_copy(db_path, target, with_wal=True)
            figures.with_wal_copies.append(check_copy(target, before))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            if log:
                print(
                    f"round {i + 1}/{rounds}: backup "
                    f"{'ok' if figures.backups[-1].good else 'BAD'}, hand copy "
                    f"{_word(figures.main_file_copies[-1])}, with -wal "
                    f"{_word(figures.with_wal_copies[-1])}",
                    flush=True,
                )
            if proc.poll() is not None:
                raise RuntimeError(f"the writer stopped (exit {proc.returncode})")
    finally:
        stop_file.write_text("stop")
        proc.wait(timeout=120)
    figures.writer_commits = int(count_file.read_text() or 0)

    # Idle: the writer is gone, the program is open; one more case is registered with
    # automatic checkpoints off, as happens after the last one until the -wal file reaches
    # 4 MB: that case exists only in the -wal file.
    program.conn.execute("PRAGMA wal_autocheckpoint = 0")
    register(program, applicant="最后一件", respondent="还在wal里", facts=FACTS)
    before = committed_cases(db_path)
    target = copies / "idle.sqlite3"
    hand_copy(db_path, target, with_wal=False)
    figures.idle_copy = check_copy(target, before)
    made = backup.make_backup_of(db_path, backup.Kind.MANUAL, now=moment + timedelta(minutes=1))
    figures.idle_backup = check_copy(made.path, before)
    figures.database_bytes = db_path.stat().st_size + Path(f"{db_path}-wal").stat().st_size
    program.close()
    return figures


def _word(check: Check) -> str:
    if not check.opens:
        return "does not open"
    if not check.integrity_ok:
        return "FAILS integrity_check"
    if not check.complete:
        return f"misses {check.committed_before - (check.cases or 0)} committed case(s)"
    return "ok"


def _wait_for(condition: Callable[[], bool], proc: subprocess.Popen[bytes], failure: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(failure)
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--cases", type=int, default=3000, help="cases in the file at start")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the experiment folder")
    parser.add_argument(
        "--writer", nargs=3, metavar=("DB", "STOP", "COUNT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.writer:
        writer(*(Path(p) for p in args.writer))
        return 0
    os.environ.setdefault("MEDIATION_DESK_TESTING", "1")
    folder = Path(tempfile.mkdtemp(prefix="backup-experiment-"))
    try:
        figures = run(folder, rounds=args.rounds, cases_at_start=args.cases)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    summary = figures.summary()
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"summary": summary, "detail": asdict(figures)}, ensure_ascii=False, indent=2
            )
        )
    program_ok = summary["program_backups"]["good"] == args.rounds
    return 0 if program_ok else 1


if __name__ == "__main__":
    sys.exit(main())
