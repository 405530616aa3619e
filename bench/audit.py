"""审计记录 figures on a copy of the 100,000-case bench file with a full-size change log.

``python -m bench.audit`` (needs the bench file; ``python -m bench`` makes it). The bench file
has no change log (it is generated below the triggers), so the copy gets one the size a busy
office reaches: ``LOG_PER_CASE`` entries per case (about what 登记 … 归档 writes), spread over
each case's five years, by four users, plus a correction of an ID number's worth of privacy
records. The bench file itself is only read (docs/privacy.md, “Speed”).

- ``audit_log_rows``: change-log rows in the copy;
- ``audit_first_page_ms``: the newest page (200 entries) of everything, median of 5;
- ``audit_deep_page_ms``: the page after an entry half-way down the log (keyset paging:
  the same cost anywhere), median of 5;
- ``audit_count_ms``: 共 N 条 for everything, median of 5;
- ``audit_user_month_ms``: first page and count of one user's month, median of 5;
- ``audit_case_ms``: first page and count of one case (its rows found through their
  tables), median of 5;
- ``audit_export_month_s``: export of one month of everything to .xlsx;
- ``correction_s``: erasing one person's ID number everywhere (docs/privacy.md), the search
  index merged.
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
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.models import accounts, audit, office, personal_data
from app.models import db as dbmod
from app.models.audit import AuditFilter, AuditReader

LOG_PER_CASE = 10
DEFAULT_BENCH = Path(__file__).parent / "data" / "bench-100000.sqlite3"

_FILL_LOG = """
WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < :per - 1),
u(id, k) AS (SELECT id, row_number() OVER (ORDER BY id) - 1 FROM users LIMIT 4)
INSERT INTO sync_log(device, seq, tbl, row_id, op, data, at, by)
SELECT :device,
       (c.seq - 1) * :per + n.k + 1,
       CASE n.k % 5 WHEN 0 THEN 'cases' WHEN 1 THEN 'case_parties' WHEN 2 THEN 'sessions'
                    WHEN 3 THEN 'assignments' ELSE 'cases' END,
       c.id,
       CASE WHEN n.k = 0 THEN 'i' ELSE 'u' END,
       '{"state":"accepted","updated_at":"x","updated_by":"u"}',
       strftime('%Y-%m-%dT%H:%M:%fZ', c.registered_on, '+' || (n.k * 3) || ' days',
                '+' || (c.seq % 86400) || ' seconds'),
       u.id
FROM cases c, n JOIN u ON u.k = (c.seq + n.k) % 4
"""


def _median_ms(fn: Callable[[], Any], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def prepare(bench: Path, target: Path) -> None:
    """The bench file copied (backup API, read-only source), upgraded, with a change log."""
    source = sqlite3.connect(f"file:{bench}?mode=ro", uri=True)
    dest = sqlite3.connect(target)
    source.backup(dest)
    source.close()
    dest.close()
    db = dbmod.connect(target)
    try:
        director = accounts.acting_as(db, office.current_user(db).id)
        with db.transaction() as conn:
            for i in range(3):
                accounts.insert_director(conn, f"审计用户{i}", "password1")
            conn.execute("DELETE FROM sync_log")
            device = conn.execute("SELECT value FROM settings WHERE key = 'device_id'")
            conn.execute(_FILL_LOG, {"per": LOG_PER_CASE, "device": device.fetchone()[0]})
        db.conn.execute("ANALYZE")
        del director
    finally:
        db.close()


def measure(path: Path, out_dir: Path) -> dict[str, float]:
    db = dbmod.connect(path)
    try:
        director = accounts.acting_as(db, office.current_user(db).id)
        results: dict[str, float] = {
            "audit_log_rows": float(db.scalar("SELECT count(*) FROM sync_log"))
        }
        everything = AuditReader(db)
        results["audit_first_page_ms"] = _median_ms(lambda: everything.page())
        half = int(results["audit_log_rows"]) // 2
        middle = db.one("SELECT rowid, at FROM sync_log ORDER BY at DESC LIMIT 1 OFFSET ?", (half,))
        assert middle is not None
        cursor = (str(middle[1]), 3, int(middle[0]))
        results["audit_deep_page_ms"] = _median_ms(lambda: everything.page(cursor))
        results["audit_count_ms"] = _median_ms(everything.count)
        newest = db.scalar("SELECT max(at) FROM sync_log")
        last = date.fromisoformat(str(newest)[:10])
        user = str(db.scalar("SELECT by FROM sync_log ORDER BY at DESC LIMIT 1"))
        month = AuditFilter(user_id=user, since=last - timedelta(days=30), until=last)

        def user_month() -> None:
            reader = AuditReader(db, month)
            reader.page()
            reader.count()

        results["audit_user_month_ms"] = _median_ms(user_month)
        case_id = str(db.scalar("SELECT id FROM cases ORDER BY seq DESC LIMIT 1 OFFSET 5000"))

        def one_case() -> None:
            reader = AuditReader(db, AuditFilter(case_id=case_id))
            reader.page()
            reader.count()

        results["audit_case_ms"] = _median_ms(one_case)
        start = time.perf_counter()
        written = audit.export_audit(
            db,
            out_dir / "审计记录.xlsx",
            AuditFilter(since=last - timedelta(days=30), until=last),
            by=director,
        )
        results["audit_export_month_s"] = round(time.perf_counter() - start, 2)
        results["audit_export_month_rows"] = float(written)
        party = db.one(
            "SELECT p.id, p.id_number FROM parties p WHERE p.kind = 'person' "
            "AND p.id_type = 'resident_id' AND p.id_number <> '' LIMIT 1 OFFSET 777"
        )
        assert party is not None
        start = time.perf_counter()
        personal_data.erase_id_number(db, str(party[0]), by=director, reason="本人申请删除")
        results["correction_s"] = round(time.perf_counter() - start, 2)
        return results
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.audit")
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    args = parser.parse_args(argv)
    if not args.bench.exists():
        print(f"{args.bench} is missing: run python -m bench first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as tmp:
        copy = Path(tmp) / "audit.sqlite3"
        started = time.perf_counter()
        prepare(args.bench, copy)
        print(f"prepared in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        print(json.dumps(measure(copy, Path(tmp)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
