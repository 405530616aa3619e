"""台账 figures (issue 6): exporting the whole register, importing 10,000 rows of an export.

Run alone and merge into bench/results.json (the whole bench takes long)::

    .venv/bin/python -m bench.ledger [--db bench/data/bench-100000.sqlite3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from app.models import db as dbmod
from app.models import ledger, office
from app.models.db import Database
from app.models.ledger_import import (
    apply,
    detect_header,
    guess_mapping,
    header_names,
    open_workbook,
    preview,
)
from app.models.register import RegisterFilter
from bench.measure import _open

RESULTS = Path(__file__).resolve().parent / "results.json"
IMPORT_ROWS = 10_000
EXPORT_FIGURES = [
    "ledger_export_100k_s",
    "ledger_export_rows",
    "ledger_export_mb",
    "ledger_export_query_s",
]
IMPORT_FIGURES = [
    "ledger_import_10k_s",
    "ledger_import_rows",
    "ledger_import_read_s",
    "ledger_import_preview_s",
    "ledger_import_apply_s",
]


def export_figures(path: Path) -> dict[str, float]:
    """The whole register as .xlsx (every case, IDs masked), timed from the call to the
    renamed file; and, for reference, the same SQL query alone (no xlsx)."""
    with _open(path) as db, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "台账.xlsx"
        t0 = time.perf_counter()
        rows = ledger.export_ledger(db, out)
        seconds = time.perf_counter() - t0
        size = out.stat().st_size
        cursor = db.conn.cursor()
        cursor.row_factory = None
        t0 = time.perf_counter()
        for _ in cursor.execute(ledger._ROWS_SQL.format(where="")):
            pass
        query = time.perf_counter() - t0
    return {
        "ledger_export_100k_s": round(seconds, 2),
        "ledger_export_rows": rows,
        "ledger_export_mb": round(size / 1e6, 1),
        "ledger_export_query_s": round(query, 2),
    }


def _empty_office_like(source: Database, path: Path) -> Database:
    """A new database with the source office's committee, villages and mediators."""
    committee = office.main_committee(source)
    db = dbmod.connect(path)
    office.setup_office(
        db,
        committee_name=committee.name,
        abbr=committee.abbr,
        town_name=office.town_name(source),
        villages=[v.name for v in office.villages(source, include_retired=True)],
        user_name="导入",
        time_limit_days=committee.time_limit_days,
    )
    user = office.current_user(db).id
    main = office.main_committee(db).id
    for m in office.mediators(source, include_retired=True):
        office.add_mediator(db, by=user, name=m.name, committee_id=main)
    return db


def import_figures(
    path: Path, *, rows: int = IMPORT_ROWS, today: date | None = None
) -> dict[str, float]:
    """Import an exported sheet of the oldest ~10,000 cases (every case registered up to the
    day of the 10,000th) into a fresh database of the same office: open, find the header,
    map, preview every row, apply in one transaction."""
    with _open(path) as source, tempfile.TemporaryDirectory() as tmp:
        last_day = source.scalar(
            "SELECT registered_on FROM cases ORDER BY registered_on, seq LIMIT 1 OFFSET ?",
            (rows - 1,),
        )
        sheet_path = Path(tmp) / "台账.xlsx"
        chosen = RegisterFilter(date_to=date.fromisoformat(last_day), include_voided=True)
        written = ledger.export_ledger(source, sheet_path, filters=chosen)
        target = _empty_office_like(source, Path(tmp) / "fresh.sqlite3")
        try:
            by = office.current_user(target).id
            t0 = time.perf_counter()
            wb = open_workbook(sheet_path)
            sheet = wb.sheet_names[0]
            row = detect_header(wb, sheet).row
            mapping = guess_mapping(header_names(wb, sheet, row))
            t1 = time.perf_counter()
            plan = preview(target, wb, sheet, row, mapping, today=today)
            t2 = time.perf_counter()
            result = apply(target, plan, by=by, skip_bad_rows=False, skip_duplicates=True)
            t3 = time.perf_counter()
            imported = result.imported
        finally:
            target.close()
    if imported != written:
        raise RuntimeError(f"imported {imported} of {written} rows")
    return {
        "ledger_import_10k_s": round(t3 - t0, 2),
        "ledger_import_rows": imported,
        "ledger_import_read_s": round(t1 - t0, 2),
        "ledger_import_preview_s": round(t2 - t1, 2),
        "ledger_import_apply_s": round(t3 - t2, 2),
    }


NOTES = {
    "ledger_export_100k_s": "one export_ledger of every case (IDs masked) to .xlsx with "
    "xlsxwriter constant_memory, from the call to the renamed file; ledger_export_query_s is "
    "the same SQL query read alone (reference); ledger_export_mb the file size",
    "ledger_import_10k_s": "one open_workbook + detect_header + guess_mapping + preview + apply of "
    "an exported sheet of the oldest cases (every case registered up to the day of the "
    "10,000th: ledger_import_rows) into a fresh database of the same office (committee, "
    "villages, mediators); split into read/preview/apply",
}


def main(argv: list[str] | None = None) -> int:
    from bench import generate

    p = argparse.ArgumentParser(prog="python -m bench.ledger", description=__doc__)
    p.add_argument("--db", type=Path, default=generate.default_path(generate.DEFAULT_CASES))
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    if not args.db.exists():
        generate.generate(args.db, cases=generate.DEFAULT_CASES)
    figures: dict[str, Any] = {}
    figures.update(export_figures(args.db))
    figures.update(import_figures(args.db))
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    results.setdefault("figures", {}).update(figures)
    results.setdefault("notes", {}).update(NOTES)
    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results.setdefault("measured_separately", {})["ledger_export_100k_s"] = (
        f"{when} (with every ledger_* figure: bench.ledger run alone and merged; "
        "the other figures are from measured_at)"
    )
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    for name, value in figures.items():
        print(f"{name:<28}{value:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
