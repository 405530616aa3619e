"""打印七个一: what is missing is said before printing; each village's kit previews; all
villages print off the GUI thread and can be cancelled; privacy choices are remembered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models import demo, office
from app.models import registries as reg
from app.models.db import Database
from app.ui.outreach.kit_dialog import KitDialog, open_kit_dialog
from app.ui.printing.preview import PreviewWindow
from tests.helpers import fill_demo, log_in
from tests.ui.message_boxes import Boxes
from tests.ui.printing.helpers import page_texts


@pytest.fixture
def demo_db(database: Database) -> Database:
    fill_demo(database, today=date(2026, 11, 20))
    log_in(database, password=demo.DEMO_PASSWORD)
    return database


@pytest.fixture
def dialog(qtbot: QtBot, demo_db: Database, boxes: Boxes) -> Iterator[KitDialog]:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    d = open_kit_dialog(demo_db, parent)
    qtbot.waitExposed(d)
    yield d
    for preview in parent.findChildren(PreviewWindow):
        preview.close()
    job = d.job if shiboken6.isValid(d) else None
    if job is not None and job.is_running:
        job.cancel()
        qtbot.waitUntil(lambda: not job.is_running, timeout=10000)


def choose(d: KitDialog, name: str) -> None:
    for row in range(d.villages.count()):
        if d.villages.item(row).text().startswith(name):
            d.villages.setCurrentRow(row)
            return
    raise AssertionError(name)


def test_what_is_missing_is_said_before_printing(dialog: KitDialog) -> None:
    texts = [dialog.villages.item(r).text() for r in range(dialog.villages.count())]
    assert any(t.startswith("河东社区") and "待补" in t for t in texts)
    choose(dialog, "河东社区")
    assert "没有登记评理说事点" in dialog.problems.text()
    choose(dialog, "桃园村")
    assert "2名法律明白人" in dialog.problems.text()
    choose(dialog, "红旗村")
    assert dialog.problems.text() == "七样材料齐全，可以打印。"


def test_preview_of_one_village_shows_its_own_kit(dialog: KitDialog, demo_db: Database) -> None:
    choose(dialog, "红旗村")
    preview = dialog.preview_village()
    assert preview is not None and preview.isVisible()
    assert "红旗村" in preview.windowTitle()
    text = "".join(page_texts(preview.pdf))
    village = next(v for v in office.villages(demo_db) if v.name == "红旗村")
    for adviser in reg.LEGAL_ADVISERS.list(demo_db, village_id=village.id):
        assert adviser.name in text


def test_privacy_choice_is_saved_for_the_grid_and_prints(
    dialog: KitDialog, demo_db: Database
) -> None:
    choose(dialog, "红旗村")
    grid_id, boxes = next(iter(dialog.privacy.items()))
    boxes["heads_only"].setChecked(True)
    assert reg.chart_options(demo_db, grid_id).heads_only
    boxes["mask_phones"].setChecked(False)
    assert not reg.chart_options(demo_db, grid_id).mask_phones
    choose(dialog, "桃园村")
    choose(dialog, "红旗村")  # read back from the database
    assert dialog.privacy[grid_id]["heads_only"].isChecked()


def test_all_villages_print_off_the_gui_thread(qtbot: QtBot, dialog: KitDialog) -> None:
    job = dialog.print_all()
    assert job is not None
    with qtbot.waitSignal(job.done, timeout=60000):
        pass
    assert dialog.preview is not None
    text = "".join(page_texts(dialog.preview.pdf))
    for name in ("红旗村", "桃园村", "河东社区"):
        assert name in text


def test_cancelling_all_villages_produces_nothing(qtbot: QtBot, dialog: KitDialog) -> None:
    job = dialog.print_all()
    assert job is not None
    job.cancel()
    with qtbot.waitSignal(job.stopped, timeout=60000):
        pass
    assert job.result is None
    assert dialog.preview is None
