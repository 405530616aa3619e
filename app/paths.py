"""Where files live: shipped resources (also in a frozen build) and the user's data dirs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from app import APP_NAME

_APP_AUTHOR = "MediationDesk"


def resource_path(*parts: str) -> Path:
    """A file under resources/, from a source checkout or a PyInstaller bundle."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base.joinpath("resources", *parts)


# MEDIATION_DESK_HOME puts data and logs in one folder (tests, a portable USB-stick install).
_HOME_ENV = "MEDIATION_DESK_HOME"


def default_db_path() -> Path:
    home = os.environ.get(_HOME_ENV)
    base = Path(home) if home else Path(platformdirs.user_data_dir(APP_NAME, _APP_AUTHOR))
    return base / "mediation.sqlite3"


def log_dir() -> Path:
    home = os.environ.get(_HOME_ENV)
    return Path(home) / "logs" if home else Path(platformdirs.user_log_dir(APP_NAME, _APP_AUTHOR))
