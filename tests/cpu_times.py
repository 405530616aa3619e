"""CPU seconds of the test run, a figure a loaded machine does not blur as it does the
wall-clock: ``./test.sh -p tests.cpu_times`` (docs/testing.md).

Each phase of each test (set-up, call, tear-down) is timed in CPU seconds of its process
and of the child processes it waited for; the workers of pytest-xdist send theirs with
their reports. At the end: the sums by phase, each worker's whole process (collection and
start included), and the slowest tests by CPU and by wall-clock."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Generator
from typing import Any

import pytest

SLOWEST = 15
_KEY = "cpu_s"


def cpu_seconds() -> float:
    """This process and its waited-for children (the latter on POSIX only)."""
    try:
        import resource
    except ImportError:  # Windows
        return time.process_time()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# CPU seconds at the end of the test's last phase (or at its start): a phase's CPU is what
# was spent since, measured when its report is made. So it holds everything done for the
# phase, the wrappers of other plugins too (pytest-qt processes the pending Qt events and
# closes the test's widgets around each phase: painting, layouts; timing inside the phase
# hooks left that out, and it showed as waiting).
_mark: dict[str, float] = {}


def pytest_runtest_logstart(nodeid: str, location: object) -> None:
    _mark[nodeid] = cpu_seconds()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    now = cpu_seconds()
    spent = now - _mark.get(item.nodeid, now)
    _mark[item.nodeid] = now
    if call.when == "teardown":
        del _mark[item.nodeid]
    report = yield
    report.user_properties.append((_KEY, spent))
    return report


class _Totals:
    def __init__(self) -> None:
        self.by_phase: defaultdict[str, float] = defaultdict(float)
        self.cpu: defaultdict[str, float] = defaultdict(float)
        self.wall: defaultdict[str, float] = defaultdict(float)
        self.workers: dict[str, float] = {}


_totals = _Totals()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    cpu = sum(float(v) for k, v in report.user_properties if k == _KEY and isinstance(v, float))
    _totals.by_phase[report.when] += cpu
    _totals.cpu[report.nodeid] += cpu
    _totals.wall[report.nodeid] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:  # an xdist worker: its whole process, sent to the controller
        output[_KEY] = cpu_seconds()


def pytest_testnodedown(node: Any, error: object) -> None:
    output = getattr(node, "workeroutput", None) or {}
    if _KEY in output:
        name = getattr(getattr(node, "gateway", None), "id", None) or str(len(_totals.workers))
        _totals.workers[str(name)] = float(output[_KEY])


def pytest_terminal_summary(terminalreporter: Any) -> None:
    write = terminalreporter.write_line
    t = _totals
    terminalreporter.section("CPU seconds (tests/cpu_times.py)")
    phases = ", ".join(f"{p} {t.by_phase[p]:.1f}" for p in ("setup", "call", "teardown"))
    write(f"{len(t.cpu)} tests: {sum(t.by_phase.values()):.1f} s ({phases})")
    if t.workers:
        each = ", ".join(f"{w} {s:.1f}" for w, s in sorted(t.workers.items()))
        write(f"worker processes, start to end: {sum(t.workers.values()):.1f} s ({each})")
    write(f"this process: {time.process_time():.1f} s")
    for title, table in (("by CPU", t.cpu), ("by wall-clock", t.wall)):
        write(f"slowest {SLOWEST} {title} (CPU s, wall s):")
        for nodeid in sorted(table, key=table.__getitem__, reverse=True)[:SLOWEST]:
            write(f"  {t.cpu[nodeid]:6.2f} {t.wall[nodeid]:6.2f}  {nodeid}")
