"""The QApplication: names, Qt's own texts in Chinese, shipped fonts, the large-type setting
and the excepthook."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence
from pathlib import Path

from app import APP_TITLE, __version__, qt
from app.paths import resource_path
from app.qt.core import QCoreApplication, QEvent, QLibraryInfo, QLocale, QSize, QTranslator
from app.qt.gui import QFont, QFontDatabase, QIcon
from app.qt.widgets import QApplication
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

# Qt's own texts (standard buttons, the print and file dialogs, the right-click menu of text
# fields, wizard buttons) come from the catalogue PySide6 ships in Qt/translations: qtbase
# holds everything QtGui, QtWidgets and QtPrintSupport say. qt_extra (resources/translations)
# fills the few texts that catalogue leaves English. The program is Chinese only, so the
# language does not follow the system locale.
QT_LANGUAGE = "zh_CN"
QT_CATALOGUE = "qtbase"
EXTRA_CATALOGUE = "qt_extra"

# The translators installed, and on which application: kept referenced (Qt does not own
# them), and install_qt_translations() is idempotent (tests reuse one application).
_translators: dict[str, QTranslator] = {}
_translated_app: weakref.ref[QCoreApplication] | None = None

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
    app.setWindowIcon(program_icon())  # every window's title bar and the taskbar
    untested = qt.unsupported_reason()
    if untested:  # e.g. a source install that took another PySide6 than the lock's
        log.warning("%s (docs/platforms.md)", untested)
    install_qt_translations(app)
    load_fonts()
    apply_font_size(app, ui_settings.load_font_size())
    crash_dialog.install_excepthook()
    gc_guard.install(app)  # cycles are collected in this thread only
    return app


def program_icon() -> QIcon:
    """The program's icon (调 on a seal-red square; installer/make_icons.py draws it)."""
    icon = QIcon()
    for size in (32, 256):
        icon.addFile(str(resource_path("icons", f"mediation-desk-{size}.png")), QSize(size, size))
    return icon


def install_qt_translations(app: QCoreApplication) -> list[str]:
    """Make Qt's own texts Chinese: install QT_CATALOGUE and EXTRA_CATALOGUE on ``app`` and
    make zh_CN the default locale (calendar pop-ups, month and weekday names, file types).

    Returns the catalogues installed. A missing or unreadable file is logged and skipped:
    those texts then stay English rather than the program not starting.
    """
    global _translated_app
    QLocale.setDefault(QLocale(QT_LANGUAGE))
    if _translated_app is None or _translated_app() is not app:
        _translators.clear()  # a new application: the old one's translators went with it
        _translated_app = weakref.ref(app)
    # Qt asks the translator installed last first: the extra one only adds texts.
    for catalogue, dirs in (
        (QT_CATALOGUE, qt_translation_dirs()),
        (EXTRA_CATALOGUE, [resource_path("translations")]),
    ):
        if catalogue in _translators:
            continue
        translator = _load_catalogue(f"{catalogue}_{QT_LANGUAGE}.qm", dirs)
        if translator is not None:
            app.installTranslator(translator)
            _translators[catalogue] = translator
    return list(_translators)


def _load_catalogue(file_name: str, dirs: list[Path]) -> QTranslator | None:
    translator = QTranslator()
    for directory in dirs:
        if translator.load(file_name, str(directory)):
            return translator
    log.warning(
        "Qt translation %s not found or unreadable in %s; those texts stay English",
        file_name,
        " or ".join(str(d) for d in dirs),
    )
    return None


def qt_translation_dirs() -> list[Path]:
    """Where Qt's own .qm files are: Qt's idea first, then the PySide6 package (a frozen
    build may report a folder that was never copied)."""
    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    bundled = qt.PYSIDE_DIR / "Qt" / "translations"
    if bundled not in dirs:
        dirs.append(bundled)
    return dirs


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
