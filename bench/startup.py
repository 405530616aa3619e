"""Start-up against its reference, and the first search after a cold start (issue 15).

``startup_vs_empty_window``: the program's start (process start to the first event-loop turn
with the main window shown, as ``measure.startup`` takes it) over a PySide6 process that only
shows an empty QMainWindow, measured the same way, the two runs interleaved so the machine's
load falls on both alike. What is left over the reference is ours: imports, the database,
the window's widgets.

``first_search_ms``: a fresh process that has done what the program does at start (imports
the main window's modules, opens the database), then the register's first search as the
search box runs it (``register.open_seqs`` with the text, then ``fetch_rows`` of the first
page): what the user waits for after typing, including any import that waited until then.

    python -m bench.startup [--cases N] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import generate, measure

ROOT = Path(__file__).resolve().parent.parent

# The reference: the least a PySide6 program does to show a window, timed like ours.
EMPTY_WINDOW = """
import os, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1200, 800)
window.show()

def write():
    elapsed = (time.time() - float(os.environ["MEDIATION_DESK_STARTUP_T0"])) * 1000
    Path(os.environ["MEDIATION_DESK_STARTUP_REPORT"]).write_text(f"{elapsed:.1f}")
    app.quit()

QTimer.singleShot(0, write)
app.exec()
"""

# The first search: after the start's imports and the file's opening, untimed.
FIRST_SEARCH = """
import json, sys, time
from pathlib import Path
import app.ui.main_window  # what the program has imported once its window shows
from app.models import db as dbmod, register

database = dbmod.connect(Path(sys.argv[1]), migrate=False, check=False)
t0 = time.perf_counter()
seqs = register.open_seqs(database, register.RegisterFilter(text=sys.argv[2]))
rows = register.fetch_rows(database, list(seqs[:100]))
ms = (time.perf_counter() - t0) * 1000
print(json.dumps({"ms": ms, "rows": len(rows)}))
"""

# Typed into the search box: a common surname, as a mediator looks someone up.
SEARCH_TEXT = "王"


def _timed_start(cmd: list[str], home: Path, report: Path) -> float:
    env = measure._app_env(home, report)
    env[measure.STARTUP_T0_ENV] = f"{time.time():.6f}"
    proc = subprocess.run(
        cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} exited with {proc.returncode}: {proc.stderr[-500:]}")
    return float(report.read_text(encoding="utf-8"))


def startup_vs_empty_window(path: Path, *, runs: int = 5) -> dict[str, float]:
    """startup_ms, empty_window_ms and their ratio, medians of ``runs`` interleaved pairs
    after one untimed warm-up pair."""
    ours: list[float] = []
    empty: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        home = Path(tmp)
        for i in range(runs + 1):
            app_ms = _timed_start(measure._app_cmd(path, 0), home, home / f"app-{i}.txt")
            empty_ms = _timed_start(
                [sys.executable, "-c", EMPTY_WINDOW], home, home / f"empty-{i}.txt"
            )
            if i:  # the first pair warms the byte code and the file cache
                ours.append(app_ms)
                empty.append(empty_ms)
    app_median = statistics.median(ours)
    empty_median = statistics.median(empty)
    return {
        "startup_pair_ms": round(app_median, 1),
        "empty_window_ms": round(empty_median, 1),
        "startup_vs_empty_window": round(app_median / empty_median, 2),
    }


def first_search(path: Path, *, runs: int = 5) -> dict[str, float]:
    """first_search_ms: median over ``runs`` fresh processes (after one untimed warm-up)."""
    samples: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        env = measure._app_env(Path(tmp))
        for i in range(runs + 1):
            proc = subprocess.run(
                [sys.executable, "-c", FIRST_SEARCH, str(path), SEARCH_TEXT],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            )
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            if not result["rows"]:
                raise RuntimeError(f"the search for {SEARCH_TEXT!r} found nothing")
            if i:
                samples.append(float(result["ms"]))
    return {"first_search_ms": round(statistics.median(samples), 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    path = generate.generate(None, cases=args.cases).path
    figures = {
        **startup_vs_empty_window(path, runs=args.runs),
        **first_search(path, runs=args.runs),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
