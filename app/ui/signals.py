"""``emit``: the one place our code emits a Qt signal from Python.

History: PySide6 6.12.0 on Python 3.11 took a reference from ``None`` on every wrapped call
that returns nothing and from ``True`` on every ``SignalInstance.emit()``, and a few thousand
calls aborted the interpreter ("Fatal Python error: none_dealloc"). This module then held a
guard that made the singletons practically immortal. The program is now pinned to PySide6
6.9.3 (docs/platforms.md), which does not leak on Python 3.11, so there is no guard;
tests/ui/test_qt_references.py checks the pinned Qt for the leak.
"""

from __future__ import annotations

from app.qt.core import SignalInstance


def emit(signal: SignalInstance, *args: object) -> None:
    """``signal.emit(*args)``."""
    signal.emit(*args)
