"""A guard against PySide6 6.12.0's reference-count bug on Python 3.11, and ``emit``.

PySide6 6.12.0 on Python 3.11 hands back ``None`` from every wrapped call that returns
nothing (``setEnabled``, ``setText``, …) and ``True`` from ``SignalInstance.emit()`` without
the reference it owes. Each such call takes one reference from the singleton; after a few
thousand calls (minutes of real use) the interpreter aborts with "Fatal Python error:
none_dealloc" or "bool_dealloc". Python 3.12 and later make the singletons immortal, and
PySide6 6.11 is not affected (but its QtPdf only comes in the 200 MB Addons wheel).

:func:`guard_singletons` runs once when ``app.ui`` is imported: when a probe shows the
leak, it gives ``None``, ``True`` and ``False`` so many extra references (2**40) that no
working life can use them up, which is what 3.12's immortality does too. Nothing is
changed on an unaffected Python or PySide6.
"""

from __future__ import annotations

import ctypes
import sys

from app.qt.core import QObject, Signal, SignalInstance

_PROBE_CALLS = 16
_RESERVE = 2**40  # references given to each singleton; 3.12 uses a similar huge count


class _Probe(QObject):
    ping = Signal()


def _leaks() -> bool:
    """True when wrapped calls take references from None or True (the 6.12.0 bug)."""
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(_PROBE_CALLS):
        probe.setObjectName("probe")
    # The stubs say emit() returns None; it returns True (or False when it could not emit).
    results = [probe.ping.emit() for _ in range(_PROBE_CALLS)]  # type: ignore[func-returns-value]
    none_lost = none_before - sys.getrefcount(None)
    true_lost = true_before - sys.getrefcount(True) + len(results)  # the list holds one each
    for result in results:  # give back what the probe itself took
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
    for _ in range(max(none_lost, 0)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
    return none_lost >= _PROBE_CALLS or true_lost >= _PROBE_CALLS


def guard_singletons() -> bool:
    """Make None, True and False practically immortal if PySide6 leaks their references.

    Returns True when the guard was needed (and applied). Idempotent.
    """
    global _guarded
    if sys.version_info >= (3, 12):  # immortal already
        return False
    if _guarded:
        return True
    if not _leaks():
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _RESERVE
    _guarded = True
    return True


_guarded = False


def emit(signal: SignalInstance, *args: object) -> None:
    """``signal.emit(*args)``; kept as the one place our code emits from Python."""
    signal.emit(*args)
