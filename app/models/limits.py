"""How long a typed text may be (docs/storage-safety.md, "Hostile input").

A text box takes whatever is pasted into it: 20 MB of 案情 was once saved, in the GUI
thread, into the case, its search row and its event, and then printed on every form. The
services refuse a text longer than TEXT_CHARS with a ValidationError that names the field
and says what to do; the forms show it under the field (or above the form when the field
is not on it). TEXT_CHARS is about fifteen printed pages of Chinese: a long 调解记录 or an
agreement with many terms fits, a pasted file does not.

Two places check: ``check_text`` in the services, with the field's name as the form labels
it (cases._required_text and the like), and ``check_row`` in app/models/rows.py for every
row any service writes (the backstop: a field a service does not check by name is still
refused, under COLUMN_LABELS' name for it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.models.errors import ValidationError

TEXT_CHARS = 20_000

# Names of stored text columns as the forms label them, for the backstop's message.
COLUMN_LABELS: dict[str, str] = {
    "facts": "纠纷简要情况",
    "requests": "申请事项",
    "risk_note": "风险提示",
    "title": "案件名称",
    "source_detail": "来源说明",
    "record": "记录内容",
    "result": "结果",
    "subject": "事由",
    "participants": "参加人员",
    "reason": "理由",
    "feedback": "反馈内容",
    "terms": "协议内容",
    "perform_manner": "履行方式",
    "perform_place": "履行地点",
    "close_note": "结案说明",
    "findings": "回访情况",
    "measures": "措施",
    "situation": "总体情况",
    "causes": "主要原因",
    "plans": "下步打算",
    "body": "正文",
    "text": "内容",
    "note": "备注",
    "address": "住址",
    "name": "名称",
}


def too_long(field: str, length: int) -> ValidationError:
    return ValidationError(
        field,
        f"{field}太长了：最多{TEXT_CHARS:,}个字，现在有{length:,}个字。请删减后再保存；"
        "很长的材料请另外打印，附在卷宗里。",
    )


def check_text(value: str, field: str) -> str:
    """``value`` unchanged when it is not longer than TEXT_CHARS; else the ValidationError
    naming ``field``."""
    if len(value) > TEXT_CHARS:
        raise too_long(field, len(value))
    return value


def check_row(table: str, values: Mapping[str, Any]) -> None:
    """Refuse a row with a text value longer than TEXT_CHARS (the backstop of every
    service's write; ``table`` is for the log)."""
    for column, value in values.items():
        if isinstance(value, str) and len(value) > TEXT_CHARS:
            raise too_long(COLUMN_LABELS.get(column, "填写的内容"), len(value))
