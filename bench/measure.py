"""The measurements of ``python -m bench``: each returns plain numbers (milliseconds unless
named otherwise) and runs on the generated database file.

In-process figures open their own fresh connection with :func:`app.models.db.connect`
(as the app does). Figures that need the whole program (start-up, memory) run
``python -m app`` as a subprocess with the offscreen Qt platform.
"""

from __future__ import annotations

import math
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from app.models import casefile, register, search
from app.models.db import Database, connect

STARTUP_REPORT_ENV = "MEDIATION_DESK_STARTUP_REPORT"
# time.time() just before the launch, so the app can measure from the real start on the
# same clock (psutil's create_time() on Linux rests on a boot time rounded to seconds).
STARTUP_T0_ENV = "MEDIATION_DESK_STARTUP_T0"
ROOT = Path(__file__).resolve().parent.parent


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100), like numpy's default."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


@contextmanager
def _open(path: Path) -> Iterator[Database]:
    db = connect(path)
    try:
        yield db
    finally:
        db.close()


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# ---------------------------------------------------------------------------------------
# Register


def machine_python(*, runs: int = 3) -> float:
    """A fixed pure-Python workload: how fast this machine runs our kind of code."""

    def loop() -> int:
        total = 0
        for i in range(5_000_000):
            total += i
        return total

    return _ms(statistics.median(timed(loop) for _ in range(runs)))


def register_first_page(path: Path, *, runs: int = 7) -> float:
    """What the register does before its first screen: open_seqs (default filter and sort:
    the count and the first 200 seqs) + fetch_rows of the first 100, fresh connection.

    Opening the connection is not counted (the app opens it once at start-up).
    """
    samples = []
    for _ in range(runs):
        with _open(path) as db:
            t0 = time.perf_counter()
            seqs = register.open_seqs(db, register.RegisterFilter())
            page = register.fetch_rows(db, seqs[:100])
            samples.append(time.perf_counter() - t0)
            assert len(page) == min(100, len(seqs))
    return _ms(statistics.median(samples))


def register_all_seqs(path: Path, *, runs: int = 7) -> float:
    """Reference: query_seqs, the order of every row (what the register read before its
    first screen until it read the order lazily; now read when rows past 200 are shown)."""
    samples = []
    for _ in range(runs):
        with _open(path) as db:
            samples.append(timed(partial(register.query_seqs, db, register.RegisterFilter())))
    return _ms(statistics.median(samples))


def _load_all(conn: sqlite3.Connection, sql: str) -> list[dict[str, object]]:
    return [dict(r) for r in conn.execute(sql)]


def register_full_load(path: Path, *, runs: int = 3) -> float:
    """Reference done the obvious way: load every row of the register at once."""
    sql = (
        "SELECT c.*, coalesce(v.name, '') AS village FROM cases c "
        "LEFT JOIN places v ON v.id = c.village_id WHERE c.state <> 'voided' "
        "ORDER BY c.registered_on DESC, c.seq DESC"
    )
    samples = []
    for _ in range(runs):
        with _open(path) as db:
            conn = db.conn
            samples.append(timed(partial(_load_all, conn, sql)))
    return _ms(statistics.median(samples))


# ---------------------------------------------------------------------------------------
# Search


@dataclass(frozen=True)
class Query:
    kind: str
    text: str


_PUNCT = re.compile(r"[，。、；：！？“”（）\s]")


def search_mix(path: Path, *, seed: int = 1) -> list[Query]:
    """A fixed mix of realistic queries, drawn deterministically from the database."""
    rng = random.Random(seed)
    with _open(path) as db:
        conn = db.conn
        n = conn.execute("SELECT max(seq) FROM cases").fetchone()[0] or 0
        mod = max(1, n // 1500)  # sample rows from about 1,500 cases

        def people(where: str, k: int) -> list[str]:
            rows = conn.execute(
                "SELECT DISTINCT p.name FROM parties p JOIN case_parties cp ON cp.party_id = p.id "
                f"JOIN cases c ON c.id = cp.case_id WHERE p.kind = 'person' AND {where} "
                "AND c.seq % ? = ? ORDER BY p.name",
                (mod, rng.randrange(mod)),
            ).fetchall()
            names = sorted({r[0] for r in rows})
            return rng.sample(names, min(k, len(names)))

        def column(sql: str, k: int) -> list[str]:
            values = sorted({r[0] for r in conn.execute(sql) if r[0]})
            return rng.sample(values, min(k, len(values)))

        surnames = [
            r[0]
            for r in conn.execute(
                "SELECT substr(name, 1, 1) AS s, count(*) AS k FROM parties "
                "WHERE kind = 'person' GROUP BY s ORDER BY k DESC, s"
            )
        ]
        mix: list[Query] = []
        # the most common surnames and some rarer ones
        for rank in (0, 1, 2, 3, 5, 10, 20, 40):
            if rank < len(surnames):
                mix.append(Query("surname", surnames[min(rank, len(surnames) - 1)]))
        mix += [Query("name2", s) for s in people("length(p.name) = 2", 10)]
        name3 = people("length(p.name) >= 3", 9)
        rare = conn.execute(
            "SELECT name FROM parties WHERE name GLOB '*[𠀀-𲎯]*' ORDER BY id LIMIT 1"
        ).fetchone()
        mix += [Query("name3", s) for s in [*name3, *([rare[0]] if rare else [])]]
        for name in people("length(p.name) BETWEEN 2 AND 3", 10):
            initials = search.name_pinyin(name)[1]
            if len(initials) >= 2:
                mix.append(Query("pinyin", initials))
        for id_number in column(
            f"SELECT id_number FROM parties WHERE id_number <> '' AND rowid % {mod} = "
            f"{rng.randrange(mod)}",
            8,
        ):
            mix.append(Query("id_tail", id_number[-rng.choice((4, 5, 6)) :]))
        mix += [
            Query("phone", p)
            for p in column(
                f"SELECT phone FROM parties WHERE phone <> '' AND rowid % {mod} = "
                f"{rng.randrange(mod)}",
                4,
            )
        ]
        mix += [
            Query("number", s)
            for s in column(
                f"SELECT number FROM cases WHERE number IS NOT NULL AND seq % {mod} = "
                f"{rng.randrange(mod)}",
                8,
            )
        ]
        mix += [
            Query("village", s)
            for s in column("SELECT name FROM places WHERE kind IN ('village','community')", 5)
        ]
        for _ in range(5):
            seq = rng.randrange(1, n + 1)
            row = conn.execute("SELECT facts FROM cases WHERE seq >= ? LIMIT 1", (seq,)).fetchone()
            if row is None:
                continue
            pieces = [p for p in _PUNCT.split(row[0]) if len(p) >= 6]
            if pieces:
                piece = rng.choice(pieces)
                size = rng.randrange(3, 7)
                start = rng.randrange(0, len(piece) - size + 1)
                mix.append(Query("fact", piece[start : start + size]))
    return list(dict.fromkeys(mix))  # without repeats, in order


def _stratified_subset(mix: Sequence[Query], size: int) -> list[Query]:
    """About ``size`` queries, taking each kind in turn (deterministic)."""
    by_kind: dict[str, list[Query]] = {}
    for q in mix:
        by_kind.setdefault(q.kind, []).append(q)
    out: list[Query] = []
    i = 0
    while len(out) < min(size, len(mix)):
        for qs in by_kind.values():
            if i < len(qs) and len(out) < size:
                out.append(qs[i])
        i += 1
    return out


def _per_query_ms(
    db: Database, queries: Sequence[Query], fn: Callable[..., list[int]], runs: int
) -> list[float]:
    """Median of ``runs`` timings of fn(conn, q, limit=200) for each query, in ms."""
    out = []
    for q in queries:
        samples = [timed(partial(fn, db.conn, q.text, limit=200)) for _ in range(runs)]
        out.append(statistics.median(samples) * 1000)
    return out


def search_figures(
    path: Path,
    mix: Sequence[Query],
    *,
    runs: int = 5,
    like_budget_s: float = 90.0,
    subset_size: int = 15,
) -> dict[str, float]:
    """search_p95_ms, search_like_scan_ms (p95 of the naive LIKE scan over the same
    queries) and search_speedup. Statistic: per query the median of ``runs`` runs, then the
    95th percentile over the queries; one untimed warm-up pass first.

    If the naive scan over the whole mix would exceed ``like_budget_s``, both p95 figures
    use a stratified subset of ``subset_size`` queries (search_mix_size says how many), and
    search_p95_full_mix_ms gives the FTS figure over the whole mix.
    """
    out: dict[str, float] = {}
    with _open(path) as db:
        for q in mix:  # warm-up: the app has been running a while when someone searches
            search.search_case_seqs(db.conn, q.text, limit=200)
        fts_all = dict(zip(mix, _per_query_ms(db, mix, search.search_case_seqs, runs), strict=True))
        subset = _stratified_subset(mix, subset_size)
        t0 = time.perf_counter()
        like = dict(zip(subset, _per_query_ms(db, subset, search.naive_like_scan, 1), strict=True))
        spent = time.perf_counter() - t0
        rest = [q for q in mix if q not in like]
        if spent / len(subset) * len(mix) <= like_budget_s:
            like.update(zip(rest, _per_query_ms(db, rest, search.naive_like_scan, 1), strict=True))
        used = [q for q in mix if q in like]
        fts = [fts_all[q] for q in used]
        slow = [like[q] for q in used]
    out["search_p95_ms"] = round(percentile(fts, 95), 2)
    out["search_median_ms"] = round(statistics.median(fts), 2)
    out["search_max_ms"] = round(max(fts), 2)
    out["search_like_scan_ms"] = round(percentile(slow, 95), 2)
    out["search_like_median_ms"] = round(statistics.median(slow), 2)
    out["search_speedup"] = round(out["search_like_scan_ms"] / max(out["search_p95_ms"], 1e-3), 1)
    out["search_mix_size"] = len(used)
    if len(used) < len(mix):
        out["search_p95_full_mix_ms"] = round(percentile(list(fts_all.values()), 95), 2)
    out["search_full_mix_size"] = len(mix)
    return out


def search_by_kind(path: Path, mix: Sequence[Query], *, runs: int = 5) -> dict[str, float]:
    """Worst per-query median by kind (what to look at when the p95 is missed)."""
    with _open(path) as db:
        times = _per_query_ms(db, mix, search.search_case_seqs, runs)
    worst: dict[str, float] = {}
    for q, t in zip(mix, times, strict=True):
        worst[q.kind] = max(worst.get(q.kind, 0.0), t)
    return {f"search_worst_{k}_ms": round(v, 2) for k, v in worst.items()}


def slowest_queries(
    path: Path, mix: Sequence[Query], *, k: int = 8, runs: int = 3
) -> list[tuple[str, str, float]]:
    with _open(path) as db:
        times = _per_query_ms(db, mix, search.search_case_seqs, runs)
    ranked = sorted(zip(mix, times, strict=True), key=lambda x: -x[1])[:k]
    return [(q.kind, q.text, round(t, 2)) for q, t in ranked]


# ---------------------------------------------------------------------------------------
# Open a case


def open_case(path: Path, *, count: int = 50, seed: int = 3) -> float:
    """Median of casefile.load_case over ``count`` random cases (one fresh connection)."""
    rng = random.Random(seed)
    with _open(path) as db:
        n = db.scalar("SELECT max(seq) FROM cases")
        seqs = [rng.randrange(1, n + 1) for _ in range(count)]
        ids = [db.scalar("SELECT id FROM cases WHERE seq = ?", (s,)) for s in seqs]
        samples = [timed(partial(casefile.load_case, db, i)) for i in ids]
    return _ms(statistics.median(samples))


# ---------------------------------------------------------------------------------------
# The whole program


def _app_env(home: Path, report: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["MEDIATION_DESK_HOME"] = str(home)  # logs and settings away from the user's
    # An installed program starts from compiled byte code (pip and PyInstaller write it);
    # a machine that forbids writing it would compile every module at every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop(STARTUP_REPORT_ENV, None)
    env.pop(STARTUP_T0_ENV, None)
    if report is not None:
        env[STARTUP_REPORT_ENV] = str(report)
    return env


def _app_cmd(db_path: Path, quit_after: int) -> list[str]:
    return [sys.executable, "-m", "app", "--db", str(db_path), "--quit-after", str(quit_after)]


def startup(path: Path, *, runs: int = 5, timeout: float = 60.0) -> dict[str, float]:
    """Process start to main window shown, median of ``runs`` (after one untimed warm-up).

    If the app writes the ms-to-shown figure into $MEDIATION_DESK_STARTUP_REPORT (and
    every figure is plausible: not more than the whole run's wall time), that is
    startup_ms. Otherwise startup_ms is the wall time of ``--quit-after 0``, which also
    includes shutting down: an upper bound. startup_wall_ms is always the wall time;
    startup_report_raw_ms is what the app wrote, even when it was not plausible.
    """
    walls: list[float] = []
    reported: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        home = Path(tmp)
        for i in range(runs + 1):
            report = home / f"startup-{i}.txt"
            env = _app_env(home, report)
            env[STARTUP_T0_ENV] = f"{time.time():.6f}"
            t0 = time.perf_counter()
            proc = subprocess.run(
                _app_cmd(path, 0),
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            wall = time.perf_counter() - t0
            if proc.returncode != 0:
                raise RuntimeError(
                    f"app exited with {proc.returncode}: {proc.stderr.strip()[-500:]}"
                )
            if i == 0:
                continue  # warm-up: byte-code and the OS file cache
            walls.append(wall * 1000)
            if report.is_file():
                match = re.search(r"[0-9]+(?:\.[0-9]+)?", report.read_text(encoding="utf-8"))
                if match:
                    reported.append(float(match.group()))
    out = {"startup_wall_ms": round(statistics.median(walls), 1)}
    if reported:
        out["startup_report_raw_ms"] = round(statistics.median(reported), 1)
    plausible = all(0 < r <= w for r, w in zip(reported, walls, strict=False))
    if len(reported) == len(walls) and plausible:
        out["startup_ms"] = round(statistics.median(reported), 1)
        out["startup_reported"] = 1
    else:
        out["startup_ms"] = out["startup_wall_ms"]
        out["startup_reported"] = 0
    return out


def rss(path: Path, *, quit_after: int = 2500, interval: float = 0.1) -> float:
    """Peak resident memory (MB) of the app while it runs for ``quit_after`` ms."""
    import psutil  # type: ignore[import-untyped]  # dev dependency, no stubs

    peak = 0
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        proc = subprocess.Popen(
            _app_cmd(path, quit_after),
            env=_app_env(Path(tmp)),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            ps = psutil.Process(proc.pid)
            deadline = time.monotonic() + quit_after / 1000 + 60
            while proc.poll() is None and time.monotonic() < deadline:
                try:
                    peak = max(peak, ps.memory_info().rss)
                except psutil.NoSuchProcess:
                    break
                time.sleep(interval)
        finally:
            if proc.poll() is None:
                proc.kill()
            _, err = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"app exited with {proc.returncode}: {err.strip()[-500:]}")
    return round(peak / 1e6, 1)


def db_size_mb(path: Path) -> float:
    total = path.stat().st_size
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        total += wal.stat().st_size
    return round(total / 1e6, 1)
