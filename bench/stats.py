"""Statistics figures (issue 6, issue 15): the month's and the year's report on the bench file.

``stats_month_ms`` / ``stats_year_ms``: ``app.models.stats.report`` (the indicators, all
five breakdowns and the same period last year: what the statistics screen shows) for the
last complete month / year before the file's "today", both read from the per-month summary
of schema v9 (docs/statistics.md); ``stats_year_vs_month`` is their ratio. The reference
figures ``stats_month_separate_ms`` / ``stats_year_separate_ms`` get the same numbers the
obvious way: ``indicators`` + five ``breakdown`` calls + ``compare``, each reading the
period again.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from datetime import UTC, date
from functools import partial
from pathlib import Path

from app.models import stats
from app.models.db import Database
from app.models.stats import Period, summary
from bench.measure import _ms, _open, timed

# The indexes the figures assume (schema v5 creates them, v9 the last; an older bench file
# gets them when it is opened and migrated).
RESULTS = Path(__file__).resolve().parent / "results.json"
STATS_INDEXES = (
    "cases_accepted",
    "cases_declined",
    "cases_closed_due",
    "assignments_case_current",
    "cases_closed_late",
)


def file_today(path: Path) -> date:
    """The generator's "today" for the file (from its .meta.json), else the last date in it."""
    meta = path.with_name(path.name + ".meta.json")
    if meta.is_file():
        return date.fromisoformat(json.loads(meta.read_text(encoding="utf-8"))["today"])
    with _open(path) as db:
        return date.fromisoformat(str(db.scalar("SELECT max(registered_on) FROM cases")))


def periods(today: date) -> tuple[Period, Period]:
    """The last complete month and the last complete year before ``today``."""
    return Period.previous_month(today), Period.year(today.year - 1)


def missing_indexes(db: Database) -> list[str]:
    have = {r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'index'")}
    return [name for name in STATS_INDEXES if name not in have]


def index_warning(path: Path) -> str | None:
    """A note for results.json when the file lacks the indexes or the per-month summary
    the figures assume."""
    with _open(path) as db:
        missing = missing_indexes(db)
        summed = summary.is_ready(db.conn)
    notes = []
    if missing:
        notes.append(
            f"measured without the indexes {', '.join(missing)} (schemas v5 and v9, "
            "docs/statistics.md): without them the statistics scan the cases table"
        )
    if not summed:
        notes.append(
            "measured without the per-month summary (schema v9, docs/statistics.md): "
            "every period was counted live"
        )
    return "; ".join(notes) or None


def _separately(db: Database, period: Period, today: date) -> None:
    stats.indicators(db, period, today=today)
    for by in stats.BREAKDOWNS:
        stats.breakdown(db, period, by, today=today)
    stats.compare(db, period, today=today)


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm-up: the page cache and the statement cache
    return _ms(statistics.median(timed(fn) for _ in range(runs)))


def stats_figures(
    path: Path, *, today: date | None = None, runs: int = 7, reference_runs: int = 3
) -> dict[str, float]:
    """Median ms of report() for the last complete month and year (one open connection,
    after a warm-up run), and of the same figures read call by call (the reference)."""
    today = today or file_today(path)
    month, year = periods(today)
    with _open(path) as db:
        figures = {
            "stats_month_ms": _median_ms(partial(stats.report, db, month, today=today), runs),
            "stats_year_ms": _median_ms(partial(stats.report, db, year, today=today), runs),
            "stats_month_separate_ms": _median_ms(
                partial(_separately, db, month, today), reference_runs
            ),
            "stats_year_separate_ms": _median_ms(
                partial(_separately, db, year, today), reference_runs
            ),
        }
    figures["stats_year_vs_month"] = round(
        figures["stats_year_ms"] / max(figures["stats_month_ms"], 1e-3), 1
    )
    return figures


FIGURES = [
    "stats_month_ms",
    "stats_year_ms",
    "stats_month_separate_ms",
    "stats_year_separate_ms",
    "stats_year_vs_month",
]


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.stats [--db PATH]``: the statistics figures alone, merged into
    bench/results.json (noted under "measured_separately" with machine_python_ms then)."""
    import argparse
    from datetime import datetime

    from bench import generate, measure

    p = argparse.ArgumentParser(prog="python -m bench.stats", description=main.__doc__)
    p.add_argument("--db", type=Path, default=generate.default_path(generate.DEFAULT_CASES))
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    figures = stats_figures(args.db)
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    results.setdefault("figures", {}).update(figures)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    speed = measure.machine_python()
    results.setdefault("measured_separately", {})["stats_year_ms"] = (
        f"{when} (every stats_* figure: bench.stats run alone and merged, machine_python_ms "
        f"{speed} then)"
    )
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    for name, value in figures.items():
        print(f"{name:<28}{value:>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
