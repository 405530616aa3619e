"""The 提醒 of a row naming an unknown mediator points at the preview's button by the
words the button shows (issue 11): a test on the real page, so that a renamed button
cannot leave the hint pointing at nothing."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.models.ledger_import import detect_header, guess_mapping, header_names, open_workbook
from app.models.ledger_import import preview as plan_preview
from app.ui.ledger.import_pages import PreviewPage
from tests.conftest import TODAY
from tests.models import ledger_sheets as sheets


def test_the_unknown_mediator_hint_names_the_button_as_the_page_shows_it(
    qtbot: QtBot, office_db: Database, tmp_path: Path
) -> None:
    page = PreviewPage()
    qtbot.addWidget(page)
    shown = page.add_mediators.text().replace("(&T)", "").replace("&", "")
    assert shown == "把这些调解员加入名单…"

    rows = [sheets.ledger_row(sheets.H.format(1), mediator="刘德明（村调委会）")]
    path = sheets.simple_xlsx(tmp_path / "2023年台账.xlsx", sheets.LEDGER_HEADER, rows)
    wb = open_workbook(path)
    sheet = wb.sheet_names[0]
    row = detect_header(wb, sheet).row
    mapping = guess_mapping(header_names(wb, sheet, row))
    plan = plan_preview(office_db, wb, sheet, row, mapping, today=TODAY)
    assert plan.unknown_mediators == {"刘德明": [2]}
    assert plan.warnings == [
        (
            2,
            "调解员“刘德明”不在本所调解员名单中，未关联（原文保留在导入记录中）。"
            f"可在预览页点“{shown}”加入后重新检查，这一行即关联该调解员。",
        )
    ]
