"""Garbage cycles are collected in the GUI thread only (app/ui/gc_guard.py): a worker
thread that allocates a lot must not destroy the GUI thread's objects."""

from __future__ import annotations

import gc
import threading
from typing import ClassVar

from PySide6.QtWidgets import QApplication

from app.ui import gc_guard
from app.ui.application import create_application


class Cycle:
    """Garbage that only the cyclic collector frees; says in which thread it went."""

    freed_in: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.freed_in.append(threading.current_thread().name)


def test_a_busy_worker_thread_never_collects_the_gui_threads_cycles(qapp: QApplication) -> None:
    create_application([])
    assert not gc.isenabled()  # the program collects on its own timer
    Cycle.freed_in.clear()
    Cycle()  # unreachable at once, freed only by a collection

    made: list[object] = []

    def allocate() -> None:  # what reportlab building a PDF does to the counts
        made.extend({"n": [i]} for i in range(300_000))

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert Cycle.freed_in == []  # the worker did not collect
    assert gc_guard.collect_if_due() >= 0  # the counts were high: due
    made.clear()
    while not Cycle.freed_in:  # it may be in an older generation by now
        gc.collect()
    assert Cycle.freed_in == [threading.main_thread().name]


def test_nothing_is_collected_before_it_is_due() -> None:
    gc.collect()  # counts back to zero
    assert gc_guard.collect_if_due() == -1


def test_the_timer_runs_in_the_gui_thread(qapp: QApplication) -> None:
    collector = gc_guard.install(create_application([]))
    assert collector is gc_guard.install(qapp)  # once per program
    assert collector.timer.isActive()
    assert collector.thread() is qapp.thread()
