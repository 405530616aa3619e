"""The start-up figure the benchmark reads ($MEDIATION_DESK_STARTUP_REPORT) is honest."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _start(tmp_path: Path, **extra: str) -> tuple[float, float]:
    """Run the app to its first shown frame; return (reported ms, wall ms of the whole run)."""
    report = tmp_path / "startup.txt"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "MEDIATION_DESK_HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "MEDIATION_DESK_STARTUP_REPORT": str(report),
        **extra,
    }
    if "MEDIATION_DESK_STARTUP_T0" not in extra:
        env.pop("MEDIATION_DESK_STARTUP_T0", None)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "app", "--demo", "--quit-after", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
    )
    wall_ms = (time.perf_counter() - t0) * 1000
    return float(report.read_text(encoding="utf-8")), wall_ms


@pytest.mark.slow
def test_reported_startup_is_within_the_run(tmp_path: Path) -> None:
    reported, wall = _start(tmp_path)
    # From the kernel's process start: more than nothing, never more than the whole run
    # (plus one clock tick of /proc resolution).
    assert 0 < reported <= wall + 10


@pytest.mark.slow
def test_launcher_stamp_is_the_zero(tmp_path: Path) -> None:
    stamp = time.time() - 5.0  # as if the launcher had started five seconds earlier
    reported, wall = _start(tmp_path, MEDIATION_DESK_STARTUP_T0=f"{stamp:.6f}")
    assert 5000 <= reported <= 5000 + wall + 10
