"""Fixtures for the case widgets: a demo office, and answers to message boxes."""

from __future__ import annotations

from datetime import date

import pytest

from app.models import demo
from app.models.db import Database
from tests.ui.message_boxes import Boxes


@pytest.fixture(autouse=True)
def _answer_every_box(boxes: Boxes) -> Boxes:
    """No real message box may block a case-widget test (confirm: no, unless the test
    sets ``boxes.answer``; ``real_boxes`` shows them for real)."""
    return boxes


@pytest.fixture
def demo_db(database: Database) -> Database:
    """The demo office dated from the real today: the case widgets work against date.today()."""
    demo.fill_demo(database, today=date.today())
    return database
