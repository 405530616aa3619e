"""The one door to Qt: every Qt name the program uses comes through ``app.qt.<module>``.

Why one door (as Anki's ``aqt/qt`` and qutebrowser's ``qt/`` have): the binding and its
version are decided in one place. Which PySide6 runs where, and why it is pinned, is in
docs/platforms.md; :func:`unsupported_reason` says when the installed one is outside that.

The submodules (``core``, ``gui``, ``widgets``, ``network``, ``pdf``, ``pdfwidgets``,
``printsupport``) forward each name to PySide6 on first use, so nothing is loaded that the
program does not touch (a ``from PySide6.QtWidgets import *`` costs about 100 ms at start).
Type checkers see the whole PySide6 module through the ``TYPE_CHECKING`` import.
"""

from __future__ import annotations

from pathlib import Path

import PySide6

# The range the program is tested on: the pin of docs/platforms.md. Outside it, the program
# still starts; the log and the crash report say so. (6.12.0 on Python 3.11 takes a
# reference from None and True at each call that returns nothing and aborts the interpreter
# after minutes of use: the guard that once covered it went with the 6.9.3 pin.)
SUPPORTED_FROM = (6, 9)
SUPPORTED_BEFORE = (6, 10)


def _numbers(text: str) -> tuple[int, ...]:
    parts = []
    for part in text.split(".")[:3]:
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


PYSIDE_VERSION_TEXT: str = PySide6.__version__
PYSIDE_VERSION: tuple[int, ...] = _numbers(PYSIDE_VERSION_TEXT)
# Where the PySide6 package lies (its Qt/translations; a frozen build's copy of it).
PYSIDE_DIR = Path(PySide6.__file__).parent


def unsupported_reason(version: tuple[int, ...] = PYSIDE_VERSION) -> str | None:
    """Why this PySide6 is not one the program is tested on, or None when it is."""
    if SUPPORTED_FROM <= version[:2] < SUPPORTED_BEFORE:
        return None
    low = ".".join(map(str, SUPPORTED_FROM))
    high = ".".join(map(str, SUPPORTED_BEFORE))
    found = ".".join(map(str, version))
    return f"PySide6 {found} is outside the tested range {low} <= version < {high}"


def versions_text() -> str:
    """ "Qt 6.x.y (PySide6 6.x.y)" for 关于 and the crash report."""
    from app.qt.core import qVersion

    return f"{qVersion()} (PySide6 {PYSIDE_VERSION_TEXT})"


def is_valid(obj: object) -> bool:
    """False once the C++ side of a Qt object is gone (deleted by Qt or by its parent)."""
    import shiboken6

    return bool(shiboken6.isValid(obj))
