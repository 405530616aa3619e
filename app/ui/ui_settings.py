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

from app.qt.core import QSettings

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


def _store(key: str, value: str) -> bool:
    store = settings()
    store.setValue(key, value)
    store.sync()
    if store.status() != QSettings.Status.NoError:
        # A read-only profile only loses the preference; say so in the log, carry on.
        log.warning("could not save the setting %s (%s)", key, store.status())
        return False
    return True


def save_font_size(key: str) -> None:
    font_point_size(key)  # validate before writing
    _store(_FONT_SIZE_KEY, key)


# The print font is a file on this machine (e.g. C:/Windows/Fonts/simfang.ttf), so it is a
# per-machine preference, not office data: another PC may not have the file.
_PRINT_FONT_KEY = "print/body_font"


def load_print_font() -> Path | None:
    """The system font file chosen for printing, or None for the shipped fonts."""
    value = settings().value(_PRINT_FONT_KEY, "")
    return Path(value) if isinstance(value, str) and value else None


def save_print_font(path: Path | None) -> bool:
    """Remember the print font (None: the shipped fonts). False when it could not be saved."""
    return _store(_PRINT_FONT_KEY, str(path) if path else "")
