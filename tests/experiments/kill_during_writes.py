"""The kill -9 experiment of issue 13: a writer process is killed (SIGKILL; TerminateProcess
on Windows: no clean-up of any kind) at a random moment while it

- registers and accepts cases through the services without pause (one database, the
  kills one after another: each new writer goes on where the killed one stopped), and
- imports a 台账 of IMPORT_ROWS rows (tests/models/ledger_sheets.py builds the sheet;
  ``ledger_import.apply`` writes it in one transaction), each kill on a fresh copy of the
  office's database, the moment chosen across the import's measured duration.

After every kill the file is checked as the program would find it at its next start:

- ``PRAGMA integrity_check`` is ok, and the program opens it (db.connect: quick_check ok);
- every registration and acceptance the writer *reported* (after the service returned,
  i.e. after COMMIT) is in the file, with its number;
- all or nothing: no case without its parties or its 登记 event, no accepted case without
  its number and 受理 event; case numbers are unique, without gaps, and the committee's
  counter stands at the last one given (a number shown is never given again);
- an import is wholly present (IMPORT_ROWS cases) or wholly absent (0).

Run by hand (the figures for the closing note)::

    .venv/bin/python -m tests.experiments.kill_during_writes              # 50 + 50 kills
    .venv/bin/python -m tests.experiments.kill_during_writes --kills 10 --json out.json

tests/experiments/test_kill_during_writes.py runs a few kills of each kind in the suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for annotations only: each writer imports the program itself
    from app.models.accounts import Actor
    from app.models.db import Database

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 20)
IMPORT_ROWS = 400
FACTS = "双方因宅基地边界和排水沟改道发生纠纷，多次协商未果。"


@dataclass
class Kill:
    """One kill and what the file looked like afterwards."""

    kind: str  # "services" or "import"
    after_s: float  # seconds after the writer said it began
    integrity_ok: bool
    program_opens: bool
    problems: list[str] = field(default_factory=list)
    reported: int = 0  # services: commits the writer reported before it died
    import_state: str = ""  # import: "whole", "absent" or "partial"

    @property
    def good(self) -> bool:
        return self.integrity_ok and self.program_opens and not self.problems


@dataclass
class Figures:
    kills: list[Kill] = field(default_factory=list)
    cases_at_end: int = 0
    import_seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        services = [k for k in self.kills if k.kind == "services"]
        imports = [k for k in self.kills if k.kind == "import"]
        return {
            "kills_during_register_accept": len(services),
            "register_accept_good": sum(k.good for k in services),
            "commits_reported_before_kills": sum(k.reported for k in services),
            "cases_in_the_file_at_the_end": self.cases_at_end,
            "kills_during_import": len(imports),
            "import_good": sum(k.good for k in imports),
            "imports_whole": sum(k.import_state == "whole" for k in imports),
            "imports_absent": sum(k.import_state == "absent" for k in imports),
            "imports_partial": sum(k.import_state == "partial" for k in imports),
            "import_rows": IMPORT_ROWS,
            "import_seconds_uninterrupted": round(self.import_seconds, 2),
            "integrity_failures": sum(not k.integrity_ok for k in self.kills),
            "problems": [p for k in self.kills for p in k.problems][:20],
        }


# --------------------------------------------------------------------------- the writers


def _actor(db: Database) -> Actor:
    from app.models import accounts, office

    return accounts.acting_as(db, office.current_user(db).id)


def services_writer(db_path: Path) -> None:
    """Register and accept cases until killed; report each commit on stdout."""
    from app.models import cases, office
    from app.models import db as dbmod
    from app.models.cases import CaseInput
    from app.models.parties import PartyInput

    db = dbmod.connect(db_path)
    by = _actor(db)
    committee = office.main_committee(db).id
    village = office.villages(db)[0].id
    n = int(db.scalar("SELECT count(*) FROM cases"))
    print("ready", flush=True)
    while True:
        case_id = cases.register_case(
            db,
            CaseInput(
                committee_id=committee,
                category="邻里",
                source="application",
                registered_on=TODAY,
                parties=[
                    PartyInput(name=f"申请{n}", role="applicant", phone="13812345678"),
                    PartyInput(name=f"对方{n}", role="respondent"),
                ],
                facts=FACTS,
                village_id=village,
            ),
            by=by,
            today=TODAY,
        )
        print(f"R {case_id}", flush=True)
        number = cases.accept_case(db, case_id, by=by, accepted_on=TODAY, today=TODAY)
        print(f"A {case_id} {number}", flush=True)
        n += 1


def import_writer(db_path: Path, sheet: Path) -> None:
    """Preview the sheet, say so, then apply it (one transaction); report when done."""
    from app.models import db as dbmod
    from app.models.ledger_import import (
        apply,
        detect_header,
        guess_mapping,
        header_names,
        open_workbook,
        preview,
    )

    db = dbmod.connect(db_path)
    by = _actor(db)
    wb = open_workbook(sheet)
    name = wb.sheet_names[0]
    row = detect_header(wb, name).row
    plan = preview(db, wb, name, row, guess_mapping(header_names(wb, name, row)), today=TODAY)
    assert not plan.bad_rows, plan.bad_rows
    print("applying", flush=True)
    t0 = time.perf_counter()
    result = apply(db, plan, by=by, skip_bad_rows=False, skip_duplicates=True)
    print(f"applied {result.imported} {time.perf_counter() - t0:.3f}", flush=True)
    db.close()


# --------------------------------------------------------------------------- set-up


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8", "MEDIATION_DESK_TESTING": "1"}


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.experiments.kill_during_writes", "--writer", *args],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def make_office(path: Path) -> None:
    """The test office (tests/conftest.py's) in a real file, closed."""
    from app.models import db as dbmod
    from app.models import office

    db = dbmod.connect(path)
    try:
        office.setup_office(
            db,
            committee_name="青山镇人民调解委员会",
            abbr="青山",
            town_name="青山镇",
            villages=["红旗村", "桃园村", "河东社区"],
            user_name="李主任",
            password="qingshan26",
        )
    finally:
        db.close()


def make_sheet(path: Path) -> Path:
    from tests.models import ledger_sheets as sheets

    rows = [
        sheets.ledger_row(
            f"（2023）青山调字第{i}号",
            f"张{i}",
            f"李{i}",
            registered="2023-05-06",
            accepted="2023-05-07",
            facts=FACTS,
        )
        for i in range(1, IMPORT_ROWS + 1)
    ]
    return sheets.simple_xlsx(path, sheets.LEDGER_HEADER, rows)


# --------------------------------------------------------------------------- checking


def check_file(path: Path) -> tuple[bool, bool, list[str]]:
    """(integrity_check ok, the program opens it, what is wrong with the cases)."""
    from app.models import db as dbmod

    conn = sqlite3.connect(path)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        problems = _case_problems(conn)
    finally:
        conn.close()
    try:
        db = dbmod.connect(path)
        opens = db.integrity in ("ok", "unchecked")
        db.close()
    except dbmod.StorageError as exc:
        opens = False
        problems.append(f"the program does not open it: {exc.message}")
    return integrity == ["ok"], opens, problems


def _case_problems(conn: sqlite3.Connection) -> list[str]:
    problems: list[str] = []

    def count(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    checks = {
        "cases without parties": "SELECT count(*) FROM cases c WHERE NOT EXISTS "
        "(SELECT 1 FROM case_parties p WHERE p.case_id = c.id)",
        "cases without their first event": "SELECT count(*) FROM cases c WHERE NOT EXISTS "
        "(SELECT 1 FROM case_events e WHERE e.case_id = c.id "
        "AND e.action IN ('register', 'import'))",
        "accepted cases without a number": "SELECT count(*) FROM cases "
        "WHERE state <> 'registered' AND state <> 'declined' AND number IS NULL",
        "numbers given twice": "SELECT count(*) FROM (SELECT number FROM cases "
        "WHERE number IS NOT NULL GROUP BY committee_id, number HAVING count(*) > 1)",
        "case_parties without a party": "SELECT count(*) FROM case_parties cp WHERE NOT EXISTS "
        "(SELECT 1 FROM parties p WHERE p.id = cp.party_id)",
    }
    for what, sql in checks.items():
        n = count(sql)
        if n:
            problems.append(f"{n} {what}")
    # The counter stands at the last number given this year: never behind (a number
    # shown would be given again), never ahead of the accepted cases (a gap).
    for committee, year, last in conn.execute(
        "SELECT committee_id, year, last_seq FROM case_number_seq"
    ):
        given = count(
            f"SELECT count(*) FROM cases WHERE committee_id = '{committee}' "
            f"AND number IS NOT NULL AND substr(accepted_on, 1, 4) = '{year}'"
        )
        if year == TODAY.year and given != last:
            problems.append(f"counter {year} at {last}, {given} numbers given")
    return problems


# --------------------------------------------------------------------------- the runs


def kill_services(db_path: Path, rng: random.Random) -> Kill:
    writer = _start("services", str(db_path))
    assert writer.stdout is not None and writer.stderr is not None
    first = writer.stdout.readline()
    if first.strip() != "ready":
        writer.kill()
        raise RuntimeError(f"writer did not start: {first!r} {writer.stderr.read()}")
    began = time.monotonic()
    # The kill comes at a random moment after the writer's first reported commit, so that
    # a busy machine (a slow first commit) cannot make every kill land before any write.
    reported_first = writer.stdout.readline()
    delay = rng.uniform(0.02, 0.8)
    time.sleep(delay)
    writer.kill()
    rest, err = writer.communicate(timeout=60)
    out = reported_first + rest
    registered, accepted = set(), {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "R":
            registered.add(parts[1])
        elif len(parts) == 3 and parts[0] == "A":
            accepted[parts[1]] = parts[2]
    integrity_ok, opens, problems = check_file(db_path)
    conn = sqlite3.connect(db_path)
    try:
        for case_id in registered:
            if conn.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is None:
                problems.append(f"reported registration {case_id} is missing")
        for case_id, number in accepted.items():
            row = conn.execute("SELECT number FROM cases WHERE id = ?", (case_id,)).fetchone()
            if row is None or row[0] != number:
                problems.append(f"reported number {number} is missing")
    finally:
        conn.close()
    del err
    return Kill(
        "services",
        round(time.monotonic() - began, 3),
        integrity_ok,
        opens,
        problems,
        reported=len(registered) + len(accepted),
    )


def kill_import(base: Path, sheet: Path, folder: Path, duration: float, rng: random.Random) -> Kill:
    db_path = folder / "import.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.copy(base, db_path)
    writer = _start("import", str(db_path), str(sheet))
    assert writer.stdout is not None and writer.stderr is not None
    first = writer.stdout.readline()
    if first.strip() != "applying":
        writer.kill()
        raise RuntimeError(f"import writer failed: {first!r} {writer.stderr.read()}")
    began = time.monotonic()
    time.sleep(rng.uniform(0.0, duration * 1.15))
    writer.kill()
    writer.communicate(timeout=60)
    integrity_ok, opens, problems = check_file(db_path)
    conn = sqlite3.connect(db_path)
    try:
        imported = int(
            conn.execute("SELECT count(*) FROM case_events WHERE action = 'import'").fetchone()[0]
        )
        cases = int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
    finally:
        conn.close()
    if imported == IMPORT_ROWS and cases == IMPORT_ROWS:
        state = "whole"
    elif imported == 0 and cases == 0:
        state = "absent"
    else:
        state = "partial"
        problems.append(f"partial import: {imported} import events, {cases} cases")
    return Kill(
        "import",
        round(time.monotonic() - began, 3),
        integrity_ok,
        opens,
        problems,
        import_state=state,
    )


def run(
    folder: Path,
    *,
    service_kills: int = 50,
    import_kills: int = 50,
    seed: int = 13,
    log: bool = True,
) -> Figures:
    rng = random.Random(seed)
    figures = Figures()
    base = folder / "office.sqlite3"
    make_office(base)
    sheet = make_sheet(folder / "台账.xlsx")

    # The import's own duration, uninterrupted (and a check that it imports every row).
    calibration = folder / "calibration.sqlite3"
    shutil.copy(base, calibration)
    writer = _start("import", str(calibration), str(sheet))
    out, err = writer.communicate(timeout=600)
    applied = [line for line in out.splitlines() if line.startswith("applied")]
    if not applied or int(applied[0].split()[1]) != IMPORT_ROWS:
        raise RuntimeError(f"the import did not run through: {out!r} {err}")
    figures.import_seconds = float(applied[0].split()[2])

    services_db = folder / "services.sqlite3"
    shutil.copy(base, services_db)
    for i in range(service_kills):
        kill = kill_services(services_db, rng)
        figures.kills.append(kill)
        if log:
            print(f"register/accept kill {i + 1}: {'ok' if kill.good else kill.problems}")
    conn = sqlite3.connect(services_db)
    figures.cases_at_end = int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
    conn.close()
    for i in range(import_kills):
        kill = kill_import(base, sheet, folder, figures.import_seconds, rng)
        figures.kills.append(kill)
        if log:
            print(
                f"import kill {i + 1}: {kill.import_state} {'ok' if kill.good else kill.problems}"
            )
    return figures


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.experiments.kill_during_writes")
    p.add_argument("--kills", type=int, default=50, help="kills of each kind")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--json", type=Path)
    p.add_argument("--writer", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.writer:
        kind, *rest = args.writer
        if kind == "services":
            services_writer(Path(rest[0]))
        else:
            import_writer(Path(rest[0]), Path(rest[1]))
        return 0
    with tempfile.TemporaryDirectory(prefix="kill-during-writes-") as tmp:
        figures = run(Path(tmp), service_kills=args.kills, import_kills=args.kills, seed=args.seed)
    summary = figures.summary()
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"summary": summary, "kills": [asdict(k) for k in figures.kills]},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0 if all(k.good for k in figures.kills) else 1


if __name__ == "__main__":
    sys.exit(main())
