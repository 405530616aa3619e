"""PySide6.QtPrintSupport, forwarded name by name (see app/qt/__init__.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import PySide6.QtPrintSupport as _module

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import *  # noqa: F403


def __getattr__(name: str) -> Any:
    return getattr(_module, name)
