"""What the log and the crash report never hold (docs/privacy.md): a party's name from a
message's text, an ID number or a phone from anywhere."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

import app.__main__ as entry
from app.models import privacy
from app.models.errors import ValidationError
from app.models.identity import mask_id_number
from app.ui import crash_dialog, messages
from tests.models.helpers import ZHANG

PHONE = "13812345678"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The program's own log set-up, writing into tmp_path/logs."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    path = entry.setup_logging(tmp_path / "logs")
    assert path is not None
    yield path
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_a_message_box_is_logged_by_where_it_came_from_not_by_its_text(
    qapp: QApplication, log_file: Path
) -> None:
    with messages.respond_with(lambda *_: True):
        messages.warning(None, "当事人信息", f"申请人张三的身份证号 {ZHANG} 与被申请人相同。")
        messages.confirm(
            None, "删除当事人", "确定从这件案件中删除当事人李四吗？", on_yes=lambda: None
        )
    text = read(log_file)
    assert "message box (warning) 当事人信息 from tests.ui.test_privacy_log:" in text
    assert "message box (confirm) 删除当事人 from tests.ui.test_privacy_log:" in text
    for secret in ("张三", "李四", ZHANG, mask_id_number(ZHANG)):
        assert secret not in text


def test_numbers_logged_anywhere_are_masked(log_file: Path) -> None:
    logging.getLogger("app.test").warning("cannot read %s (%s)", ZHANG, PHONE)
    text = read(log_file)
    assert ZHANG not in text and PHONE not in text
    assert f"cannot read {mask_id_number(ZHANG)} (138****5678)" in text


NAME = "".join(("张", "三"))  # (so that no source line quoted in a traceback holds it)


def _raise_chained() -> None:
    try:
        {"k": 1}[f"{PHONE}"]
    except KeyError as exc:
        message = f"申请人{NAME}的身份证号 {ZHANG} 有误。"
        raise ValidationError("申请人", message) from exc


def test_the_crash_report_and_the_log_leave_the_programs_messages_out(
    qapp: QApplication, log_file: Path
) -> None:
    with pytest.raises(ValidationError) as caught:
        _raise_chained()
    exc = caught.value
    report = crash_dialog.format_report(type(exc), exc, exc.__traceback__)
    logging.getLogger("app.test").error("unhandled", exc_info=(type(exc), exc, exc.__traceback__))
    for text in (report, read(log_file)):
        assert "app.models.errors.ValidationError: " + privacy.MESSAGE_LEFT_OUT in text
        assert "KeyError: '138****5678'" in text  # an ASCII text stays, its numbers masked
        assert "in _raise_chained" in text  # where it happened: what support needs
        for secret in ("张三", ZHANG, PHONE):
            assert secret not in text
