"""台账 figures: exporting the whole register (issue 6); importing a hand-made ledger of
10,000 rows, and that import against a plain read of the same file (issue 11).

Run alone and merge into bench/results.json (the whole bench takes long)::

    .venv/bin/python -m bench.ledger [--db bench/data/bench-100000.sqlite3]
    .venv/bin/python -m bench.ledger --only import     # no 100,000-case file needed
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.models import accounts, ledger, office, search
from app.models import db as dbmod
from app.models.ledger_import import (
    apply,
    detect_header,
    guess_mapping,
    header_names,
    open_workbook,
    preview,
)
from bench import content, measure
from bench.measure import _open

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
IMPORT_ROWS = 10_000
EXPORT_FIGURES = [
    "ledger_export_100k_s",
    "ledger_export_xlsxwriter_s",
    "ledger_export_vs_xlsxwriter",
    "ledger_export_extra_mb",
    "ledger_export_rows",
    "ledger_export_mb",
    "ledger_export_query_s",
]
IMPORT_FIGURES = [
    "ledger_import_10k_s",
    "ledger_import_vs_read",
    "ledger_import_rows",
    "ledger_import_read_s",
    "ledger_import_preview_s",
    "ledger_import_apply_s",
    "ledger_import_build_s",
    "ledger_import_rows_s",
    "ledger_import_change_log_s",
    "ledger_import_commit_s",
    "ledger_import_store_vs_read",
    "ledger_calamine_read_s",
]


def export_figures(path: Path, *, runs: int = 3) -> dict[str, float]:
    """The whole register as .xlsx (every case, IDs masked), timed from the call to the
    renamed file; against the reference: the same rows (built beforehand, untimed) written
    with the same formats by xlsxwriter's constant_memory mode cell by cell through its
    public API. Runs alternate (export, reference) ``runs`` times; medians. The export's
    extra memory is measured in a fresh interpreter (export_memory). And the SQL query
    read alone."""
    exports: list[float] = []
    references: list[float] = []
    with _open(path) as db, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "台账.xlsx"
        rows_list = list(ledger.ledger_rows(db))
        for _ in range(runs):
            t0 = time.perf_counter()
            rows = ledger.export_ledger(db, out)
            exports.append(time.perf_counter() - t0)
            size = out.stat().st_size
            out.unlink()
            references.append(xlsxwriter_reference(rows_list, Path(tmp) / "reference.xlsx"))
        del rows_list
        cursor = db.conn.cursor()
        cursor.row_factory = None
        t0 = time.perf_counter()
        for _ in cursor.execute(ledger._ROWS_SQL.format(where="")):
            pass
        query = time.perf_counter() - t0
    seconds = statistics.median(exports)
    reference = statistics.median(references)
    return {
        "ledger_export_100k_s": round(seconds, 2),
        "ledger_export_xlsxwriter_s": round(reference, 2),
        "ledger_export_vs_xlsxwriter": round(seconds / reference, 2),
        "ledger_export_extra_mb": export_memory(path),
        "ledger_export_rows": rows,
        "ledger_export_mb": round(size / 1e6, 1),
        "ledger_export_query_s": round(query, 2),
    }


def xlsxwriter_reference(rows: list[ledger.LedgerRow], out: Path) -> float:
    """Seconds to write ``rows`` (a list in memory) as the ledger's sheet with xlsxwriter
    alone: constant_memory, the export's workbook options, header, column and cell
    formats, row heights, filter and print set-up; each cell by write_string /
    write_number / write_blank, each tall row by set_row."""
    import xlsxwriter  # type: ignore[import-untyped, unused-ignore]

    t0 = time.perf_counter()
    workbook = xlsxwriter.Workbook(str(out), ledger.WORKBOOK_OPTIONS)
    sheet = ledger.begin_sheet(workbook)
    last = ledger.write_rows_api(sheet, rows) - 1
    ledger.end_sheet(sheet, last)
    workbook.close()
    seconds = time.perf_counter() - t0
    out.unlink()
    return seconds


def export_memory(path: Path) -> float:
    """MB the export adds to the process at its peak: a fresh interpreter opens the file,
    notes its resident memory, resets the kernel's high-water mark, exports every case
    and reads the peak (VmHWM)."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "bench.ledger", "--export-run", str(path)]
        command.append(str(Path(tmp) / "台账.xlsx"))
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=False
        )
    if done.returncode != 0:
        raise RuntimeError(f"export run failed:\n{done.stderr}")
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    return round((float(seen["peak_kb"]) - float(seen["before_kb"])) / 1024, 1)


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def export_run(path: Path, out: Path) -> dict[str, int]:
    """One export in this fresh interpreter: resident memory before and its peak during
    the export (Linux: /proc/self/clear_refs resets the peak)."""
    with _open(path) as db:
        db.scalar("SELECT count(*) FROM cases")
        gc.collect()
        before_kb = _status_kb("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
        rows = ledger.export_ledger(db, out)
        peak_kb = _status_kb("VmHWM")
    return {"before_kb": before_kb, "peak_kb": peak_kb, "rows": rows}


# ---------------------------------------------------------------------------------------
# A hand-made ledger of 10,000 cases


HANDMADE_YEAR = 2023
HANDMADE_TITLE = f"青山镇{HANDMADE_YEAR}年矛盾纠纷排查调处台账"
HANDMADE_HEADER = [
    *("序号", "案号", "申请人", "被申请人", "受理日期", "纠纷类型", "所在村", "简要案情"),
    *("调解员", "调解结果", "调解日期", "协议金额（元）", "履行情况", "备注"),
]
_CATEGORIES = [
    *("邻里纠纷", "婚姻家庭纠纷", "宅基地纠纷", "土地承包", "赡养纠纷", "民间借贷"),
    *("劳资纠纷", "交通事故", "损害赔偿", "合同纠纷", "物业纠纷", "噪音扰民"),
]
_OUTCOMES = [("调解成功", 45), ("达成协议", 10), ("口头协议", 18), ("调解不成", 17)]
_OUTCOMES += [("撤回", 4), ("调解中", 6)]
_FACTS = [
    "双方因排水沟改道发生争执，雨水流入申请人院内。",
    "被申请人拖欠申请人货款，经多次催讨未果。",
    "两家之间砌墙越界约半米，发生口角。",
    "夫妻因子女抚养费问题发生纠纷。",
    "申请人在被申请人工地务工，工资三个月未结清。",
    "电动车与三轮车剐蹭，双方对赔偿数额有争议。",
]


@dataclass(frozen=True)
class HandmadeSheet:
    path: Path
    cases: int  # rows that are cases (a few repeat an earlier 案号)
    repeats: int  # of those, rows whose 案号 repeats an earlier row's


def handmade_sheet(path: Path, *, cases: int = IMPORT_ROWS, seed: int = 11) -> HandmadeSheet:
    """A ledger as an office keeps it by hand over a busy year, written with xlsxwriter:
    a title with the year merged across, a two-row header (当事人 over 申请人 | 被申请人),
    a 受理日期 and a 调解结果 but no 结案日期 (a 调解日期 instead), dates as 2023.5.6,
    2023年5月6日, 2023/5/6, 2023-05-06, real date cells, bare serials and "5月6日",
    amounts as 1.2万元 / 12,000 / numbers, a 小计 row after every month and 上半年小计, a 合计
    row and the 制表人/审核人/填报日期 foot, and a 案号 repeated every 1,000 rows."""
    import xlsxwriter  # type: ignore[import-untyped, unused-ignore]

    rng = random.Random(seed)
    surnames = [s for s, w in content.SURNAMES for _ in range(w)]
    given = content.GIVEN_MALE + content.GIVEN_FEMALE + content.GIVEN_ANY
    mediators = _MEDIATORS
    outcomes = [o for o, w in _OUTCOMES for _ in range(w)]

    def name() -> str:
        return rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2))))

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("调解台账")
    head = book.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1})
    cell = book.add_format({"border": 1})
    dated = book.add_format({"border": 1, "num_format": "yyyy/m/d"})
    width = len(HANDMADE_HEADER)
    ws.merge_range(0, 0, 0, width - 1, HANDMADE_TITLE, head)
    ws.merge_range(1, 0, 1, width - 1, "填报单位：青山镇人民调解委员会", cell)
    for col, header in enumerate(HANDMADE_HEADER):
        if col not in (2, 3):
            ws.merge_range(2, col, 3, col, header, head)
    ws.merge_range(2, 2, 2, 3, "当事人", head)
    ws.write(3, 2, "申请人", head)
    ws.write(3, 3, "被申请人", head)
    row = 4
    start = date(HANDMADE_YEAR, 1, 1)
    days = [start + timedelta(days=int(i * 365 / cases)) for i in range(cases)]
    month_count = 0
    repeats = 0
    for i, accepted in enumerate(days):
        number = f"（{HANDMADE_YEAR}）青山调字第{i + 1}号"
        if i and i % 1000 == 0:
            number = f"（{HANDMADE_YEAR}）青山调字第{i - 500}号"  # written twice
            repeats += 1
        outcome = rng.choice(outcomes)
        mediated = accepted + timedelta(days=rng.randrange(3, 40))
        parties = [name() for _ in range(rng.choice((1, 1, 1, 2)))]
        values: list[object] = [
            i + 1,
            number,
            "、".join(parties),
            name() if rng.random() > 0.03 else "青山县宏达建筑工程有限公司",
            _date_as_typed(accepted, i, rng),
            rng.choice(_CATEGORIES),
            rng.choice(content.VILLAGES),
            rng.choice(_FACTS),
            rng.choice(mediators),
            outcome,
            "" if outcome == "调解中" else _date_as_typed(mediated, i + 1, rng),
            _amount_as_typed(rng) if outcome in ("调解成功", "达成协议", "口头协议") else "",
            rng.choice(("已履行", "", "部分履行")) if outcome == "调解成功" else "",
            "",
        ]
        for col, value in enumerate(values):
            if isinstance(value, date):
                ws.write_datetime(row, col, datetime(value.year, value.month, value.day), dated)
            elif value != "":
                ws.write(row, col, value, cell)
        row += 1
        month_count += 1
        last_of_month = i + 1 == cases or days[i + 1].month != accepted.month
        if last_of_month:
            ws.write(row, 2, f"{accepted.month}月小计", cell)
            ws.write(row, 4, f"{month_count}件", cell)
            row += 1
            month_count = 0
            if accepted.month == 6:
                ws.write(row, 0, "上半年小计", cell)
                row += 1
    ws.write(row, 1, "合计", cell)
    ws.write(row, 4, f"{cases}件", cell)
    ws.write(row + 2, 0, "制表人：王秘书", cell)
    ws.write(row + 2, 5, "审核人：李主任", cell)
    ws.write(row + 3, 10, f"填报日期：{HANDMADE_YEAR + 1}年1月10日", cell)
    book.close()
    return HandmadeSheet(path, cases, repeats)


_MEDIATORS = ["王建华", "陈秀兰", "刘志强", "张桂英", "李明亮", "赵春梅", "孙德胜", "周玉珍"]


def _date_as_typed(day: date, i: int, rng: random.Random) -> object:
    style = i % 8
    if style == 0:
        return day  # a real date cell
    if style == 1:
        return (day - date(1899, 12, 30)).days  # a bare serial (the format got lost)
    if style == 2:
        return f"{day.year}.{day.month}.{day.day}"
    if style == 3:
        return f"{day.year}年{day.month}月{day.day}日"
    if style == 4:
        return f"{day.month}月{day.day}日"  # the year is in the title
    if style == 5:
        return f"{day.year}/{day.month}/{day.day}"
    return day.isoformat()


def _amount_as_typed(rng: random.Random) -> object:
    yuan = rng.choice((500, 800, 1200, 3000, 5000, 12000, 20000, 35000))
    style = rng.randrange(5)
    if style == 0:
        return f"{yuan / 10000:g}万元"
    if style == 1:
        return f"{yuan:,}"
    if style == 2:
        return f"{yuan}元"
    if style == 3:
        return ""
    return yuan


def _office_for_import(path: Path) -> dbmod.Database:
    """A fresh database of the bench's office (青山镇, its 30 villages) with the mediators
    the sheet names."""
    db = dbmod.connect(path)
    office.setup_office(
        db,
        committee_name=content.COMMITTEE,
        abbr=content.ABBR,
        town_name=content.TOWN,
        villages=content.VILLAGES,
        user_name=content.DIRECTOR,
        password="qingshan26",
    )
    user = accounts.acting_as(db, office.current_user(db).id)
    main = office.main_committee(db).id
    for name in _MEDIATORS:
        office.add_mediator(db, by=user, name=name, committee_id=main)
    return db


def calamine_read(path: Path) -> float:
    """Seconds of a plain python-calamine read of the first sheet (the reference)."""
    from python_calamine import CalamineWorkbook

    t0 = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    book.get_sheet_by_name(book.sheet_names[0]).to_python()
    return time.perf_counter() - t0


@contextmanager
def collected_as_in_the_program() -> Iterator[None]:
    """Garbage collection as the program does it while an import runs in its worker thread:
    automatic collection off, each generation collected when due once a second
    (app/ui/gc_guard.py: a timer in the GUI thread; here a thread). Plain Python instead
    collects every few hundred allocations, and the preview's 10,000 planned cases made
    its full collections most of the preview's time, which the program never spends."""
    from app.ui import gc_guard

    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    stop = threading.Event()

    def timer() -> None:
        while not stop.wait(gc_guard.INTERVAL_MS / 1000):
            gc_guard.collect_if_due()

    collector = threading.Thread(target=timer, name="bench-gc-timer", daemon=True)
    collector.start()
    try:
        yield
    finally:
        stop.set()
        collector.join()
        if was_enabled:
            gc.enable()


def import_figures(
    path: Path | None = None, *, rows: int = IMPORT_ROWS, runs: int = 3, today: date | None = None
) -> dict[str, float]:
    """Import a hand-made ledger of ``rows`` cases (handmade_sheet) into a fresh database
    of the office: open, find the header, map, preview every row (closings dated by the
    调解日期 column), apply in one transaction. The median of ``runs`` imports, each in a
    fresh interpreter (import_run: an office's first import in a session, pypinyin not yet
    loaded, no name read before); against the median of 5 plain calamine reads of the same
    file. Both with garbage collected as the program collects it
    (collected_as_in_the_program). (``path``, the bench database, is not needed: the
    office is set up afresh.)"""
    del path
    with tempfile.TemporaryDirectory() as tmp:
        sheet = handmade_sheet(Path(tmp) / "台账.xlsx", cases=rows)
        expected = sheet.cases - sheet.repeats
        with collected_as_in_the_program():  # (the same for the reference)
            reads = statistics.median(calamine_read(sheet.path) for _ in range(5))
        runs_seen: list[tuple[float, float, float, float, int, dict[str, float]]] = []
        for run in range(runs):
            command = [sys.executable, "-m", "bench.ledger", "--import-run", str(sheet.path)]
            command += [str(Path(tmp) / f"fresh{run}.sqlite3")]
            if today is not None:
                command += ["--today", today.isoformat()]
            done = subprocess.run(
                command, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=False
            )
            if done.returncode != 0:
                raise RuntimeError(f"import run failed:\n{done.stderr}")
            seen = json.loads(done.stdout.strip().splitlines()[-1])
            if seen["imported"] != expected:
                raise RuntimeError(f"imported {seen['imported']} of {expected} rows")
            phases = {k[6:]: float(v) for k, v in seen.items() if k.startswith("phase_")}
            runs_seen.append(
                (
                    seen["total"],
                    seen["read"],
                    seen["preview"],
                    seen["apply"],
                    seen["imported"],
                    phases,
                )
            )
    runs_seen.sort(key=lambda run: run[0])
    total, read, checked, written, imported, phases = runs_seen[len(runs_seen) // 2]
    # SQLite's share of the median run: the rows written with the schema's indexes, the
    # change log, the commit (what no faster Python could take away)
    stored = phases["rows"] + phases["change_log"] + phases["commit"]
    return {
        "ledger_import_10k_s": round(total, 2),
        "ledger_import_vs_read": round(total / reads, 1),
        "ledger_import_rows": imported,
        "ledger_import_read_s": round(read, 2),
        "ledger_import_preview_s": round(checked, 2),
        "ledger_import_apply_s": round(written, 2),
        "ledger_import_build_s": round(phases["build"], 2),
        "ledger_import_rows_s": round(phases["rows"], 2),
        "ledger_import_change_log_s": round(phases["change_log"], 2),
        "ledger_import_commit_s": round(phases["commit"], 2),
        "ledger_import_store_vs_read": round(stored / reads, 1),
        "ledger_calamine_read_s": round(reads, 3),
    }


def import_run(sheet: Path, target_path: Path, today: date | None = None) -> dict[str, float]:
    """One timed import of ``sheet`` into a new office database at ``target_path``, in this
    (fresh) interpreter: the office is set up first, untimed; the modules the program has
    loaded when its import wizard runs are loaded, pypinyin among them (the program loads
    it in the background a second after its window shows); no name has been read before."""
    if "pypinyin" in sys.modules:
        raise RuntimeError("pypinyin is already loaded: the run would not be a first import")
    target = _office_for_import(target_path)
    # As in the program: pypinyin loads beside the idle window a second after it shows
    # (app/__main__.py, search.load_pinyin), before anyone can reach the import wizard.
    search.load_pinyin()
    try:
        by = accounts.acting_as(target, office.current_user(target).id)
        with collected_as_in_the_program():
            t0 = time.perf_counter()
            wb = open_workbook(sheet)
            name = wb.sheet_names[0]
            header = detect_header(wb, name).row
            mapping = guess_mapping(header_names(wb, name, header))
            t1 = time.perf_counter()
            plan = preview(target, wb, name, header, mapping, closing_basis="mediated", today=today)
            t2 = time.perf_counter()
            result = apply(target, plan, by=by, skip_bad_rows=False, skip_duplicates=True)
            t3 = time.perf_counter()
    finally:
        target.close()
    return {
        "total": t3 - t0,
        "read": t1 - t0,
        "preview": t2 - t1,
        "apply": t3 - t2,
        "imported": result.imported,
        **{f"phase_{k}": v for k, v in result.phases.items()},
    }


NOTES = {
    "ledger_export_100k_s": "export_ledger of every case (IDs masked) to .xlsx, from the call "
    "to the renamed file, median of 3; reference ledger_export_xlsxwriter_s: the same rows, "
    "built beforehand as a list (untimed), written with the same formats, row heights, filter "
    "and print set-up by xlsxwriter constant_memory through its public API (write_string / "
    "write_number / write_blank, set_row), median of 3, the runs alternating with the "
    "export's; ledger_export_vs_xlsxwriter the ratio. ledger_export_extra_mb: peak resident "
    "memory (VmHWM, reset first) of a fresh interpreter during one export less its memory before. "
    "ledger_export_query_s: the export's SQL query read alone; ledger_export_mb the file size",
    "ledger_import_10k_s": "one open_workbook + detect_header + guess_mapping + preview + apply of "
    "a hand-made ledger of 10,000 rows (bench.ledger.handmade_sheet: merged title and two-row "
    "header, no 结案日期 column, dates in seven spellings incl. 5月6日, 小计/合计/表尾 rows, "
    "9 repeated 案号) into a fresh database of the office, closings dated by the 调解日期 "
    "column; median of 3, each in a fresh interpreter (an office's first import of a session: "
    "no name read before; pypinyin loaded untimed, as the program loads it beside the idle "
    "window a second after the start), split into read/preview/apply; "
    "ledger_import_rows imported. Garbage is collected as the program does while an import "
    "runs (app/ui/gc_guard.py: automatic collection off, a collection when due once a second)",
    "ledger_import_vs_read": "ledger_import_10k_s over ledger_calamine_read_s, the median of 5 "
    "plain python-calamine reads of the same file (CalamineWorkbook.from_path + to_python)",
    "ledger_import_store_vs_read": "SQLite's share of the median import (ledger_import_rows_s: "
    "the executemany of every row into the schema's tables and indexes; "
    "ledger_import_change_log_s: sync.bulk.log_inserts; ledger_import_commit_s: the commit "
    "with its WAL checkpoint; the import's own timings, writing.Phases) over "
    "ledger_calamine_read_s: the floor under ledger_import_vs_read that no faster Python "
    "code could lower; ledger_import_build_s is the Python building those rows",
}


def main(argv: list[str] | None = None) -> int:
    from bench import generate

    p = argparse.ArgumentParser(prog="python -m bench.ledger", description=__doc__)
    p.add_argument("--db", type=Path, default=generate.default_path(generate.DEFAULT_CASES))
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument(
        "--only",
        choices=("export", "import"),
        help="only the export figures (they need the 100,000-case file) or only the import "
        "figures (a fresh office database; no bench file needed)",
    )
    p.add_argument(
        "--import-run", nargs=2, type=Path, metavar=("SHEET", "DB"), help=argparse.SUPPRESS
    )
    p.add_argument("--today", type=date.fromisoformat, help=argparse.SUPPRESS)
    p.add_argument(
        "--export-run", nargs=2, type=Path, metavar=("DB", "OUT"), help=argparse.SUPPRESS
    )
    args = p.parse_args(argv)
    if args.export_run:  # export_memory's run, in its own interpreter
        print(json.dumps(export_run(*args.export_run)))
        return 0
    if args.import_run:  # one run of import_figures, in its own interpreter
        sheet, target = args.import_run
        print(json.dumps(import_run(sheet, target, today=args.today)))
        return 0
    figures: dict[str, Any] = {}
    if args.only != "import":
        if not args.db.exists():
            generate.generate(args.db, cases=generate.DEFAULT_CASES)
        figures.update(export_figures(args.db))
    if args.only != "export":
        figures.update(import_figures())
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    results.setdefault("figures", {}).update(figures)
    results.setdefault("notes", {}).update(NOTES)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    speed = measure.machine_python()  # this machine now, against the full run's figure
    measured = results.setdefault("measured_separately", {})
    for name in figures:
        if name in ("ledger_export_100k_s", "ledger_import_10k_s"):
            measured[name] = (
                f"{when} (bench.ledger{f' --only {args.only}' if args.only else ''} run alone "
                f"and merged, machine_python_ms {speed} then; the other figures are from "
                "measured_at)"
            )
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    for name, value in figures.items():
        print(f"{name:<28}{value:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
