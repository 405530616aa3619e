"""Emitting our own signals, safely: ``emit(self.saved)`` instead of ``self.saved.emit()``.

PySide6 6.12.0 on Python 3.11 hands back the result of ``SignalInstance.emit()`` (True)
without the reference it owes, so every emit from Python takes one reference from
``True``; after a couple of thousand emits (a long working day) the interpreter aborts
with "Fatal Python error: bool_dealloc". Python 3.12 and later make ``True`` immortal,
and 6.11 is not affected. :func:`emit` gives the reference back when a probe at import
shows the bug, and does nothing extra otherwise.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBE_EMITS = 8


class _Probe(QObject):
    ping = Signal()


def _emit_steals_a_reference() -> bool:
    if sys.version_info >= (3, 12):  # True is immortal: nothing to lose
        return False
    probe = _Probe()
    before = sys.getrefcount(True)
    # The stubs say emit() returns None; it returns True (or False when it could not emit).
    results = [probe.ping.emit() for _ in range(_PROBE_EMITS)]  # type: ignore[func-returns-value]
    lost = before - sys.getrefcount(True) + len(results)  # the list holds one each
    steals = lost >= _PROBE_EMITS
    if steals:
        for result in results:
            _give_back(result)
    return steals


def _give_back(obj: object) -> None:
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


_STEALS = _emit_steals_a_reference()


def emit(signal: SignalInstance, *args: object) -> None:
    """``signal.emit(*args)``, minus PySide6 6.12's reference-count bug."""
    result = signal.emit(*args)  # type: ignore[func-returns-value]
    if _STEALS:
        _give_back(result)
