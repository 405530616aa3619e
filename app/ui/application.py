"""The QApplication: names, shipped fonts, the large-type setting and the excepthook."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app import APP_TITLE, __version__
from app.paths import resource_path
from app.ui import crash_dialog, gc_guard, ui_settings

log = logging.getLogger(__name__)

FONT_FAMILY = "Noto Sans SC"
# Rare characters (CJK Extension A, B and beyond, common in village names) are missing from
# Noto Sans SC; Qt falls back to these per character instead of drawing a box. Qt maps the
# files, so the 54 MB cost a few ms and almost no memory.
FALLBACK_FAMILIES = ("HanaMinA", "HanaMinB")
FONT_FILES = (
    "NotoSansSC_400Regular.ttf",
    "NotoSansSC_700Bold.ttf",
    "HanaMinA.ttf",
    "HanaMinB.ttf",
)

# file name → QFontDatabase id; makes load_fonts() idempotent (tests reuse one app).
_loaded_fonts: dict[str, int] = {}


def create_application(argv: Sequence[str]) -> QApplication:
    """Create (or reuse, e.g. pytest-qt's) the QApplication and set it up for the program."""
    existing = QApplication.instance()
    if existing is None:
        app = QApplication(list(argv))
    elif isinstance(existing, QApplication):
        app = existing
    else:  # a QCoreApplication/QGuiApplication cannot host widgets
        raise RuntimeError(f"a {type(existing).__name__} already exists; widgets need QApplication")
    # QSettings() without arguments and platform dirs use these names.
    QCoreApplication.setOrganizationName(ui_settings.ORGANIZATION)
    QCoreApplication.setApplicationName(ui_settings.APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    app.setApplicationDisplayName(APP_TITLE)
    load_fonts()
    apply_font_size(app, ui_settings.load_font_size())
    crash_dialog.install_excepthook()
    gc_guard.install(app)  # cycles are collected in this thread only
    return app


def load_fonts() -> bool:
    """Add the shipped fonts to Qt. True when FONT_FAMILY is usable.

    A missing or unreadable file is logged and skipped: the program then runs in the
    system font rather than not at all.
    """
    for name in FONT_FILES:
        if name in _loaded_fonts:
            continue
        path = resource_path("fonts", name)
        if not path.is_file():
            log.warning("font file missing: %s; using the system font", path)
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("font file unreadable: %s; using the system font", path)
            continue
        _loaded_fonts[name] = font_id
    return font_available()


def font_available() -> bool:
    return FONT_FAMILY in QFontDatabase.families()


def apply_font_size(app: QApplication, size_key: str) -> None:
    """Switch the whole program to a FONT_SIZES size, live.

    Widgets that never set their own font follow at once; one that set only e.g. bold
    keeps its bold and takes the new size and family.
    """
    font = QFont(app.font())
    if font_available():
        # Named explicitly: with a system default, Chinese text may be drawn with
        # Japanese glyph shapes (e.g. 直, 骨) when the fallback picks a JP font.
        available = set(QFontDatabase.families())
        font.setFamilies([FONT_FAMILY, *(f for f in FALLBACK_FAMILIES if f in available)])
    font.setPointSize(ui_settings.font_point_size(size_key))
    app.setFont(font)
    # Qt only *posts* ApplicationFontChange, so widgets would change on the next event-loop
    # pass. Sending it to each window now (children follow) makes the switch immediate:
    # the settings page and tests see the new size right after this call.
    event = QEvent(QEvent.Type.ApplicationFontChange)
    for widget in app.topLevelWidgets():
        QCoreApplication.sendEvent(widget, event)
