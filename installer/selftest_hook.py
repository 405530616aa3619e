"""PyInstaller runtime hook: the frozen program's print self-test (installer/smoke_frozen.sh).

Runs before the program's own code in every start of the built folder and does nothing
unless MEDIATION_DESK_SELFTEST_PDF names a file. Then it fills a demo database in a temporary
folder, prints every document the first closed case offers (the same builders the print menu
uses, with the shipped fonts) into that one file, renders its first page with QtPdf
offscreen, checks that the page has ink on it, and exits: 0 when all of that worked.

This proves what only a frozen build can get wrong: the resources (fonts, content JSON),
reportlab's and pypdf's modules, and the QtPdf library and its plugins are all in the folder.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path


def _selftest(target: Path) -> int:
    from pypdf import PdfReader, PdfWriter

    from app.models import demo
    from app.models.casefile import load_case
    from app.models.db import connect
    from app.printing import registry
    from app.ui.printing.context import office_for

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="mediation-desk-selftest-") as tmp:
        os.environ["MEDIATION_DESK_HOME"] = tmp  # no trace in the user's folders
        db = connect(Path(tmp) / "selftest.sqlite3")
        try:
            demo.fill_demo(db)
            row = db.one("SELECT id FROM cases WHERE state = 'closed' ORDER BY seq LIMIT 1")
            if row is None:
                print("selftest: the demo has no closed case", file=sys.stderr)
                return 1
            case = load_case(db, row[0])
            office = office_for(db, case)
            writer = PdfWriter()
            titles = []
            for doc in registry.for_case(case):
                pdf = doc.build(case, office)
                for page in PdfReader(io.BytesIO(pdf)).pages:
                    writer.add_page(page)
                titles.append(doc.title)
            with target.open("wb") as f:
                writer.write(f)
        finally:
            db.close()
    print(f"selftest: printed {len(titles)} documents into {target}: {'、'.join(titles)}")
    return _render_first_page(target) or _check_chinese_text_services()


def _check_chinese_text_services() -> int:
    """What Qt asks ICU for, with the data the build keeps (installer/trim_icu.py): Chinese
    collation (the file dialog sorts names with it), the Chinese character sets; no Qt warning."""
    from PySide6.QtCore import QCollator, QLocale, QStringDecoder, qInstallMessageHandler

    warnings: list[str] = []
    previous = qInstallMessageHandler(lambda _kind, _context, text: warnings.append(text))
    try:
        names = sorted(["张三", "王五", "李四"], key=QCollator(QLocale("zh_CN")).sortKey)
        # (PySide6 6.9 cannot call a decoder; a valid one means ICU opened its table)
        charsets = [c for c in ("GB18030", "GBK", "Big5") if not QStringDecoder(c).isValid()]
    finally:
        qInstallMessageHandler(previous)
    if names != ["李四", "王五", "张三"] or charsets or warnings:
        print(f"selftest: Chinese text services: {names} {charsets} {warnings}", file=sys.stderr)
        return 1
    print("selftest: Chinese collation (李四 王五 张三) and the GB18030, GBK, Big5 decoders work")
    return 0


def _render_first_page(path: Path) -> int:
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtPdf import QPdfDocument

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    document = QPdfDocument()
    error = document.load(str(path))
    if error != QPdfDocument.Error.None_ or document.pageCount() == 0:
        print(f"selftest: QtPdf cannot read the PDF ({error})", file=sys.stderr)
        return 1
    image = document.render(0, QSize(595, 842))
    samples = [
        image.pixelColor(x, y)
        for y in range(0, image.height(), 4)
        for x in range(0, image.width(), 4)
    ]
    # ink: an opaque dark sample (QtPdf leaves the paper transparent or white)
    dark = sum(1 for c in samples if c.alpha() > 128 and c.lightness() < 128)
    del app
    if not 50 <= dark <= len(samples) // 2:
        print(f"selftest: page 1 has {dark} dark samples of {len(samples)}", file=sys.stderr)
        return 1
    pages = document.pageCount()
    print(f"selftest: QtPdf rendered page 1 of {pages} ({dark} of {len(samples)} samples ink)")
    return 0


_target = os.environ.get("MEDIATION_DESK_SELFTEST_PDF")
if _target:
    os.environ.pop("MEDIATION_DESK_SELFTEST_PDF")
    # Windows: a windowed .exe has no stdout at all (None); under wine it has a cp1252 one,
    # which cannot encode the Chinese titles.
    for _stream in (sys.stdout, sys.stderr):
        if _stream is not None and hasattr(_stream, "reconfigure"):
            _stream.reconfigure(errors="backslashreplace")
    try:
        _code = _selftest(Path(_target))
    except Exception:
        import traceback

        traceback.print_exc()
        _code = 1
    if sys.stdout is not None:
        sys.stdout.flush()
    os._exit(_code)  # the program itself does not start
