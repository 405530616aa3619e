"""PySide6 6.12.0 on Python 3.11 took a reference from None on every wrapped call that
returns nothing and from True on every emit; a working day's worth of calls killed the
interpreter ("none_dealloc"). The program is pinned to a PySide6 without that bug
(docs/platforms.md) and has no guard against it: this checks the Qt the tests run on.
Run in a subprocess: a crash must not take the test session with it."""

from __future__ import annotations

import os
import subprocess
import sys

# 30,000 calls of each kind: ten times what aborted the interpreter on 6.12.0.
_SCRIPT = """
import gc, sys
from app.qt.core import QObject, Signal
from app.qt.widgets import QApplication, QLabel
from app.ui.signals import emit

class Pinger(QObject):
    ping = Signal()

qt = QApplication([])
label, pinger = QLabel(), Pinger()
gc.collect()
none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
for _ in range(30_000):
    label.setEnabled(True)
    label.setText("调解")
    emit(pinger.ping)
    pinger.ping.emit()
gc.collect()
print(none_before - sys.getrefcount(None), true_before - sys.getrefcount(True))
"""


def test_many_qt_calls_take_no_references_from_none_or_true() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr  # 6.12.0 on 3.11 aborts here
    none_lost, true_lost = map(int, done.stdout.split())
    # 30,000 calls of each kind; a handful either way is the interpreter's own bookkeeping
    assert abs(none_lost) < 100, f"{none_lost} references to None lost"
    assert abs(true_lost) < 100, f"{true_lost} references to True lost"
