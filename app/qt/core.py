"""PySide6.QtCore, forwarded name by name (see app/qt/__init__.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import PySide6.QtCore as _module

if TYPE_CHECKING:
    from PySide6.QtCore import *  # noqa: F403


def __getattr__(name: str) -> Any:
    return getattr(_module, name)
