"""Reference lists (categories, sources …) shipped as data in resources/content."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from app.paths import resource_path

STATES: dict[str, str] = {
    "registered": "已登记",
    "accepted": "已受理",
    "assigned": "已指派",
    "mediating": "调解中",
    "closed": "已结案",
    "archived": "已归档",
    "declined": "不予受理",
    "voided": "已作废",
}

OUTCOMES: dict[str, str] = {
    "agreement_written": "达成书面协议",
    "agreement_oral": "达成口头协议",
    "terminated": "调解不成（终止调解）",
    "withdrawn": "当事人撤回",
}
AGREEMENT_OUTCOMES = frozenset({"agreement_written", "agreement_oral"})

PERFORMANCE: dict[str, str] = {
    "performed": "已履行",
    "partial": "部分履行",
    "pending": "未到履行期",
    "not_performed": "未履行",
    "na": "无需履行",
}

ROLES: dict[str, str] = {"applicant": "申请人", "respondent": "被申请人", "party": "当事人"}
ASSIGN_HOW: dict[str, str] = {"appointed": "调委会指定", "chosen": "当事人选定"}
SESSION_KINDS: dict[str, str] = {"session": "调解", "investigation": "调查"}
CONFIRMATION_RESULTS: dict[str, str] = {
    "pending": "审查中",
    "confirmed": "裁定确认有效",
    "rejected": "裁定驳回申请",
}


@cache
def _content() -> dict[str, Any]:
    with resource_path("content", "reference.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def categories() -> list[str]:
    return list(_content()["categories"])


def sources() -> dict[str, str]:
    return dict(_content()["sources"])


def referral_bodies() -> list[str]:
    return list(_content()["referral_bodies"])
