"""tests/cpu_times.py, the CPU-seconds summary of a run: with the pytest-xdist workers of
./test.sh, each test's CPU (its own and its child processes') reaches the summary."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = """
import subprocess, sys, time

def test_busy():
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass

def test_child():
    code = "import time; end = time.process_time() + 0.3\\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", code], check=True)

def test_idle():
    time.sleep(0.3)
"""


@pytest.mark.slow
def test_each_tests_cpu_seconds_reach_the_summary_from_the_workers(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.cpu_times", "-n", "2", "-p",
         "no:cacheprovider", "-c", os.devnull, "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert re.search(r"^3 tests: [\d.]+ s \(setup [\d.]+, call [\d.]+, teardown", out, re.M), out
    assert re.search(r"^worker processes, start to end: [\d.]+ s \(gw0 [\d.]+, gw1", out, re.M)
    rows = dict(
        (m[3], (float(m[1]), float(m[2])))
        for m in re.finditer(r"^ +([\d.]+) +([\d.]+)  \S+::(\w+)$", out, re.M)
    )
    assert rows["test_busy"][0] >= 0.25 and rows["test_child"][0] >= 0.25  # the child's too
    assert rows["test_idle"][0] < 0.2 <= rows["test_idle"][1]  # asleep: wall-clock only
