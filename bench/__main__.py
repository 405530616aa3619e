"""``python -m bench [--cases N]``: make sure the database exists, measure, write results.

Writes ``bench/results.json`` as ``{"cases": N, "figures": {name: value}, ...}`` and prints
a table with the targets. A figure that fails is recorded as null with its error under
"errors"; the other figures are still measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench import generate, measure, outreach, printing, startup, stats
from bench import ledger as ledger_bench
from bench import sync as sync_bench

RESULTS = Path(__file__).resolve().parent / "results.json"

# name -> (comparison, target); on a 2-core machine
TARGETS: dict[str, tuple[str, float]] = {
    "startup_ms": ("<=", 600),
    "startup_vs_empty_window": ("<=", 4),
    "first_search_ms": ("<=", 100),
    "register_first_page_ms": ("<=", 30),
    "search_p95_ms": ("<=", 20),
    "search_speedup": (">=", 4),
    "open_case_ms": ("<=", 100),
    "rss_mb": ("<=", 200),
    "agreement_pdf_ms": ("<=", 40),
    "case_file_pdf_ms": ("<=", 1000),
    "stats_month_ms": ("<=", 100),
    "stats_year_ms": ("<=", 300),
    "stats_year_vs_month": ("<=", 3),
    "ledger_export_100k_s": ("<=", 10),
    "ledger_export_vs_xlsxwriter": ("<=", 1.3),
    "ledger_export_extra_mb": ("<=", 60),
    "ledger_import_10k_s": ("<=", 2),
    "ledger_import_vs_read": ("<=", 3),
    "sync_total_10k_ms": ("<=", 3000),
    "outreach_kit_village_ms": ("<=", 1000),
    "outreach_kit_page_ms": ("<=", 10),
}

NOTES = {
    **sync_bench.NOTES,
    "startup_vs_empty_window": "startup_pair_ms (the program, as startup_ms) over "
    "empty_window_ms (a PySide6 process that only shows an empty QMainWindow, timed the same "
    "way), 5 interleaved pairs after a warm-up pair, medians (bench/startup.py)",
    "first_search_ms": "a fresh process after the start's imports and the file's opening: "
    "the register's search for a common surname (open_seqs with the text + fetch_rows of the "
    "first 100), including any import that waited until then; median of 5 processes",
    "startup_ms": "process start to main window shown, median of 5 after a warm-up run; "
    "from $MEDIATION_DESK_STARTUP_REPORT if the app writes it and it is plausible "
    "(startup_reported=1), else the wall time of --quit-after 0, which includes shutdown "
    "(an upper bound); $MEDIATION_DESK_STARTUP_T0 carries time.time() at launch",
    "register_first_page_ms": "open_seqs(default filter, registered_on desc: the count and "
    "the first 200 seqs) + fetch_rows of the first 100, fresh connection (opening it not "
    "counted), median of 7; register_all_seqs_ms: the order of every row (query_seqs), read "
    "when rows past 200 are first shown",
    "machine_python_ms": "reference for comparing machines: a fixed pure-Python loop "
    "(5,000,000 additions), median of 3; with ledger_export_query_s (one SQLite query of "
    "every case) it tells a slower machine from slower code",
    "register_full_load_ms": "reference: every register row loaded at once, median of 3",
    "search": "per query the median of 5 runs of search_case_seqs(limit=200) after a "
    "warm-up pass; the naive LIKE scan runs once per query; search_p95_ms and "
    "search_like_scan_ms are the 95th percentile over the same search_mix_size queries "
    "(a stratified subset when the naive scan is too slow for the whole mix)",
    "open_case_ms": "median of casefile.load_case over 50 random cases",
    "font_load_ms": "registering the body fonts (Noto Serif SC 400+700) in a fresh process, "
    "median of 3; printing_import_ms is importing app.printing (reportlab) before that",
    "agreement_pdf_ms": "median of agreement_pdf over 20 written agreements, fonts loaded",
    "case_file_pdf_ms": "median of 5 case_file_pdf (打印卷宗: cover, 卷内目录, every document, "
    "joined with pypdf) for the fullest closed case with a written agreement, given copies "
    "of its own sessions up to case_file_sessions = 10 mediation sessions (the generator "
    "writes 1-3), fonts loaded; case_file_pages is the file's length; reference "
    "case_file_documents_ms: the same documents built one by one (no cover, contents, join)",
    "stats": "stats.report (indicators + the five breakdowns + the same period last year) "
    "for the last complete month (stats_month_ms) and year (stats_year_ms) before the "
    "file's today, one open connection, median of 7 after a warm-up; reference "
    "stats_*_separate_ms: the same figures by indicators + 5 breakdown + compare calls, "
    "median of 3; both read from the per-month summary of schema v9 (docs/statistics.md); "
    "stats_year_vs_month = stats_year_ms / stats_month_ms of the same run",
    **ledger_bench.NOTES,
    **outreach.NOTES,
    "rss_mb": "peak RSS of python -m app --quit-after 2500, sampled every 100 ms",
    "db_mb": "database file + -wal",
}


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.1f}"
    return str(value)


def print_table(results: dict[str, Any]) -> None:
    figures: dict[str, Any] = results["figures"]
    width = max(len(k) for k in figures) + 2
    print(f"\nBenchmark on {results['cases']:,} cases ({results['db']})")
    print(f"{'figure':<{width}}{'value':>12}  {'target':<10}")
    print("-" * (width + 30))
    for name, value in figures.items():
        target = ""
        status = ""
        if name in TARGETS:
            op, limit = TARGETS[name]
            target = f"{op} {limit:g}"
            if value is not None:
                ok = value <= limit if op == "<=" else value >= limit
                status = "ok" if ok else "MISSED"
        print(f"{name:<{width}}{_fmt(value):>12}  {target:<10}{status}")
    for name, error in results.get("errors", {}).items():
        print(f"! {name}: {error}")
    for name, warning in results.get("warnings", {}).items():
        print(f"? {name}: {warning}")
    slow = results.get("slowest_queries")
    if slow:
        print("slowest searches (kind, query, ms):")
        for kind, text, ms in slow:
            print(f"  {kind:<8} {text:<28} {ms:8.2f}")


def run(
    cases: int,
    *,
    seed: int = generate.DEFAULT_SEED,
    db_path: Path | None = None,
    skip_app: bool = False,
    force: bool = False,
    out: Path = RESULTS,
    only: list[str] | None = None,
) -> dict[str, Any]:
    """Measure every figure, or with ``only`` (figure names) just the groups measuring
    them (and machine_python_ms), merged into the existing results file."""
    gen = generate.generate(db_path, cases=cases, seed=seed, force=force)
    path = gen.path
    figures: dict[str, Any] = {}
    errors: dict[str, str] = {}
    extra: dict[str, Any] = {}

    def wanted(names: list[str]) -> bool:
        return only is None or "machine_python_ms" in names or bool(set(names) & set(only))

    def attempt(names: list[str], fn: Callable[[], Any]) -> Any:
        if not wanted(names):
            return None
        t0 = time.perf_counter()
        print(f"[bench] measuring {', '.join(names)} …", file=sys.stderr, flush=True)
        try:
            value = fn()
        except Exception as exc:  # one failing figure must not stop the others
            for n in names:
                figures[n] = None
                errors[n] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
            return None
        if isinstance(value, dict):
            figures.update(value)
        else:
            figures[names[0]] = value
        print(f"[bench]   done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        return value

    warnings: dict[str, str] = {}
    if not skip_app:
        attempt(["startup_ms", "startup_wall_ms"], lambda: measure.startup(path))
        if figures.get("startup_report_raw_ms") is not None and not figures["startup_reported"]:
            warnings["startup_ms"] = (
                f"the app reported {figures['startup_report_raw_ms']} ms, more than the whole "
                f"run's wall time ({figures['startup_wall_ms']} ms): its process start time is "
                f"wrong; using the wall time. Measure from ${measure.STARTUP_T0_ENV} when set."
            )
        attempt(
            ["startup_vs_empty_window", "empty_window_ms", "startup_pair_ms"],
            lambda: startup.startup_vs_empty_window(path),
        )
        attempt(["first_search_ms"], lambda: startup.first_search(path))
    attempt(["machine_python_ms"], measure.machine_python)
    attempt(["register_first_page_ms"], lambda: measure.register_first_page(path))
    attempt(["register_all_seqs_ms"], lambda: measure.register_all_seqs(path))
    attempt(["register_full_load_ms"], lambda: measure.register_full_load(path))
    if isinstance(figures.get("register_first_page_ms"), float) and figures.get(
        "register_full_load_ms"
    ):
        figures["register_speedup"] = round(
            figures["register_full_load_ms"] / max(figures["register_first_page_ms"], 1e-3), 1
        )
    queries: list[measure.Query] = []
    search_names = ["search_p95_ms", "search_like_scan_ms", "search_speedup"]
    try:
        if wanted([*search_names, "search_worst_by_kind"]):
            queries = measure.search_mix(path)
        extra["search_queries"] = [[q.kind, q.text] for q in queries]
    except Exception as exc:
        errors["search_mix"] = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    if queries:
        attempt(
            ["search_p95_ms", "search_like_scan_ms", "search_speedup"],
            lambda: measure.search_figures(path, queries),
        )
        attempt(["search_worst_by_kind"], lambda: measure.search_by_kind(path, queries))
        try:
            extra["slowest_queries"] = measure.slowest_queries(path, queries)
        except Exception as exc:
            errors["slowest_queries"] = f"{type(exc).__name__}: {exc}"
    elif wanted([*search_names, "search_worst_by_kind"]):
        for n in ("search_p95_ms", "search_like_scan_ms", "search_speedup"):
            figures[n] = None
            errors[n] = errors.get("search_mix", "no queries")
    attempt(["open_case_ms"], lambda: measure.open_case(path))
    attempt(["font_load_ms", "printing_import_ms"], printing.font_load)
    attempt(["agreement_pdf_ms"], lambda: printing.agreement_pdf(path))
    attempt(
        ["case_file_pdf_ms", "case_file_documents_ms", "case_file_pages", "case_file_sessions"],
        lambda: printing.case_file_pdf(path),
    )
    attempt(stats.FIGURES, lambda: stats.stats_figures(path, today=date.fromisoformat(gen.today)))
    if wanted(stats.FIGURES) and (missing := stats.index_warning(path)):
        warnings["stats_month_ms"] = missing
    attempt(ledger_bench.EXPORT_FIGURES, lambda: ledger_bench.export_figures(path))
    attempt(ledger_bench.IMPORT_FIGURES, lambda: ledger_bench.import_figures(path))
    attempt(outreach.FIGURES, outreach.kit_figures)
    today = date.fromisoformat(gen.today)
    attempt(sync_bench.FIGURES[:6], lambda: sync_bench.sync_figures(path, today=today))
    attempt(sync_bench.FIGURES[6:], lambda: sync_bench.service_figures(path, today=today))
    if not skip_app:
        attempt(["rss_mb"], lambda: measure.rss(path))
    attempt(["db_mb"], lambda: measure.db_size_mb(path))

    results: dict[str, Any] = {
        "cases": cases,
        "figures": figures,
        "errors": errors,
        "warnings": warnings,
        "db": str(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path),
        "generated": {
            "seed": gen.seed,
            "today": gen.today,
            "seconds": gen.seconds,
            "counts": gen.counts,
        },
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "notes": NOTES,
        **extra,
    }
    if only is not None and out.exists():  # merge the figures measured into the last run's
        earlier: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        kept = {k: v for k, v in figures.items() if k != "machine_python_ms"}  # the run's own
        earlier.setdefault("figures", {}).update(kept)
        earlier.setdefault("errors", {}).update(errors)
        earlier.setdefault("notes", {}).update(NOTES)
        separately = earlier.setdefault("measured_separately", {})
        for name in figures:
            if name != "machine_python_ms":
                separately[name] = (
                    f"{results['measured_at']} (python -m bench --only, with machine_python_ms "
                    f"{figures.get('machine_python_ms')} then; the other figures are from "
                    "measured_at)"
                )
        results = earlier
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--cases", type=int, default=generate.DEFAULT_CASES)
    p.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    p.add_argument("--db", type=Path, help="database file (default bench/data/bench-N.sqlite3)")
    p.add_argument("--force", action="store_true", help="regenerate the database")
    p.add_argument("--skip-app", action="store_true", help="skip the start-up and RSS figures")
    p.add_argument("--out", type=Path, default=RESULTS, help="results file")
    p.add_argument(
        "--only",
        metavar="NAME",
        action="append",
        help="measure only the group of figures that gives NAME (repeatable, e.g. --only "
        "stats_year_ms --only outreach_kit_page_ms) and machine_python_ms, and merge them "
        "into the results file",
    )
    args = p.parse_args(argv)
    results = run(
        args.cases,
        seed=args.seed,
        db_path=args.db,
        skip_app=args.skip_app,
        force=args.force,
        out=args.out,
        only=args.only,
    )
    print_table(results)
    print(f"\nwritten to {args.out}")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
