"""Per-user UI preferences (QSettings), above all the large-type setting.

Only the look of the program lives here; everything about cases lives in the database.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings

log = logging.getLogger(__name__)

ORGANIZATION = "MediationDesk"
APPLICATION = "mediation-desk"

# key → (label shown in the settings page, point size). Users are often older: the
# default is "large", and "xlarge" is there for weak eyes on a small laptop screen.
FONT_SIZES: dict[str, tuple[str, int]] = {
    "normal": ("标准", 12),
    "large": ("大", 14),
    "xlarge": ("特大", 17),
}
DEFAULT_FONT_SIZE = "large"

_FONT_SIZE_KEY = "ui/font_size"
_test_dir: Path | None = None


def _testing() -> bool:
    return bool(os.environ.get("MEDIATION_DESK_TESTING"))


def _test_settings_file() -> Path:
    """One throw-away ini file per test process, so tests never touch the user's config."""
    global _test_dir
    if _test_dir is None:
        _test_dir = Path(tempfile.mkdtemp(prefix="mediation-desk-settings-"))
        atexit.register(shutil.rmtree, _test_dir, True)
    return _test_dir / "settings.ini"


def settings() -> QSettings:
    """The settings store. Named explicitly so it works before a QApplication exists."""
    if _testing():
        return QSettings(str(_test_settings_file()), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def font_point_size(key: str) -> int:
    """Point size of a FONT_SIZES key; raises ValueError for an unknown key (a bug)."""
    if key not in FONT_SIZES:
        raise ValueError(f"unknown font size {key!r}; expected one of {sorted(FONT_SIZES)}")
    return FONT_SIZES[key][1]


def load_font_size() -> str:
    """The saved size key; the default when nothing (or something stale) is saved."""
    value = settings().value(_FONT_SIZE_KEY, DEFAULT_FONT_SIZE)
    if isinstance(value, str) and value in FONT_SIZES:
        return value
    # A hand-edited or older config must not stop the program from starting.
    log.warning("ignoring unknown font size setting %r", value)
    return DEFAULT_FONT_SIZE


def save_font_size(key: str) -> None:
    font_point_size(key)  # validate before writing
    store = settings()
    store.setValue(_FONT_SIZE_KEY, key)
    store.sync()
    if store.status() != QSettings.Status.NoError:
        # A read-only profile only loses the preference; say so in the log, carry on.
        log.warning("could not save the font size setting (%s)", store.status())
