"""The one rule that must never break: models and printing do not use Qt; only app/ui does."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_models_and_printing_do_not_import_pyside6():
    code = (
        "import pkgutil, importlib, sys\n"
        "import app.models, app.printing\n"
        "for pkg in (app.models, app.printing):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
    return names


def test_nothing_outside_ui_imports_app_ui():
    offenders = []
    for path in (ROOT / "app").rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[:2] == ("app", "ui") or rel.name == "__main__.py":
            continue
        names = imported_modules(path)
        offenders += [f"{rel}: {n}" for n in names if n == "app.ui" or n.startswith("app.ui.")]
    assert offenders == []


def test_qt_comes_only_through_app_qt():
    """One door to Qt (app/qt/__init__.py says why): no other module names PySide6, and
    models and printing do not use the door either."""
    offenders = []
    for path in (ROOT / "app").rglob("*.py"):
        rel = path.relative_to(ROOT)
        for name in imported_modules(path):
            top = name.split(".")[0]
            if top in ("PySide6", "shiboken6") and rel.parts[:2] != ("app", "qt"):
                offenders.append(f"{rel}: {name}")
            if (name == "app.qt" or name.startswith("app.qt.")) and rel.parts[:2] in (
                ("app", "models"),
                ("app", "printing"),
            ):
                offenders.append(f"{rel}: {name}")
    assert offenders == []
