"""Where files live: shipped resources (also in a frozen build) and the user's data dirs."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

from app import APP_NAME

_APP_AUTHOR = "MediationDesk"


def resource_path(*parts: str) -> Path:
    """A file under resources/, from a source checkout or a PyInstaller bundle."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base.joinpath("resources", *parts)


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, _APP_AUTHOR)) / "mediation.sqlite3"


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, _APP_AUTHOR))
