"""Python's cyclic garbage collector, run only in the GUI thread.

The collector runs in whichever thread happens to allocate when a generation fills up.
In a BackgroundJob's worker (reportlab making a PDF allocates a lot) it would destroy
garbage cycles holding Qt objects of the GUI thread (a closed dialog, a progress bar, an
old job) from the worker thread, and Qt crashes later in the GUI thread (seen: a
segmentation fault in the event loop while the 月度报告 was built). So automatic
collection is switched off, and a timer in the GUI thread collects each generation when
its count passes the threshold the automatic collector would have used (the recipe
GitFourchette, OpenCue and Camelot use). Reference counting still frees everything that
is not in a cycle at once, in any thread.
"""

from __future__ import annotations

import gc

from app.qt.core import QCoreApplication, QObject, QTimer

INTERVAL_MS = 1000

_installed: GuiThreadCollector | None = None


def collect_if_due() -> int:
    """Collect the generations whose counts passed their thresholds, as the automatic
    collector would (call in the GUI thread). Returns the generation collected, or -1."""
    threshold = gc.get_threshold()
    counts = gc.get_count()
    if counts[0] <= threshold[0]:
        return -1
    generation = 0
    if counts[1] > threshold[1]:
        generation = 2 if counts[2] > threshold[2] else 1
    gc.collect(generation)
    return generation


class GuiThreadCollector(QObject):
    """Switches automatic collection off and collects on a timer in the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(collect_if_due)
        self.timer.start()


def install(app: QCoreApplication) -> GuiThreadCollector:
    """Once per program, on the application (idempotent)."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(app)
    return _installed
