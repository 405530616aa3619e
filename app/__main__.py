"""Entry point: python -m app / mediation-desk."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app import APP_TITLE, __version__


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="mediation-desk", description=APP_TITLE)
    p.add_argument("--db", type=Path, help="数据库文件路径（默认在用户数据目录）")
    p.add_argument("--demo", action="store_true", help="打开一个填好演示数据的临时数据库")
    p.add_argument("--quit-after", type=int, metavar="MS", help="显示主窗口后 MS 毫秒退出")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.models import db as dbmod
    from app.paths import default_db_path
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    database = dbmod.connect(":memory:" if args.demo else (args.db or default_db_path()))
    window = MainWindow(database)
    window.show()
    if args.quit_after is not None:
        QTimer.singleShot(args.quit_after, app.quit)
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
