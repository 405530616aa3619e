"""Checking that something did *not* happen without betting on time.

``qtbot.wait(50)`` followed by "nothing happened" passes whenever the thing comes late
(a slow machine, a busy CI): it cannot tell "never" from "not yet". The program defers its
follow-ups (the first-run check, retrying to quit, the next printed sheet) with
``QTimer.singleShot(0, …)``, which Qt posts as an event and delivers in order. So a marker
posted now runs after every one of them that was already queued: once it has run, what was
going to happen has happened.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot


def run_queued(qtbot: QtBot) -> None:
    """Return once everything already queued in the event loop has run (not a wait for
    time: the marker's turn comes after theirs, however slow the machine)."""
    reached: list[bool] = []
    QTimer.singleShot(0, lambda: reached.append(True))
    qtbot.waitUntil(lambda: bool(reached))
