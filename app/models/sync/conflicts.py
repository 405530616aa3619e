"""冲突处理: fields that two installations changed without either seeing the other's change.

A merge keeps the later version for now and lists the pair in ``sync_conflicts``
(:mod:`app.models.sync.merge`). Here the 主任 sees every version of such a field side by
side, each with who made it, when and on which computer, and decides: keep one of them, or,
for a text, write the merged text. The decision is a *new version* of the field, made by an
installation that holds every listed version, so it wins over all of them on every
installation once it has travelled, and the conflict disappears there too. The decision is
also an event: a ``conflict_decisions`` row, and for a case's rows a ``case_events`` row
(action ``resolve_conflict``) that the case's 处理记录 shows.

A row deleted on one side while edited (or made again) on the other is one conflict of the
whole row (field ``_alive``): 确认删除 writes a delete made knowing the edits; 恢复并保留修改
writes the row again (an insert) with its latest values. A delete the merge did not apply
because rows here still use the row (``merge.KEEPER``) is such a conflict too; it can only
be kept while they do.

A case's life cycle (办理状态 with its dates and result, ``tables.UNITS``) is one conflict:
each side is the whole unit as its author saw it, and keeping one writes all of it.

Keeping the value the row already has changes nothing in the row, and an UPDATE that changes
nothing is not logged by the triggers; so the new version is always written to the change
log here, and the row is then re-derived from the log (``merge.materialize``) as a merge
would, which also recomputes this row's conflicts.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Final

from app.models import accounts, casefile, privacy, registries, rows
from app.models.accounts import Actor
from app.models.cases import DRAFT_FIELDS
from app.models.db import Database, local_moment, utc_now
from app.models.errors import DomainError, PermissionDeniedError, ValidationError
from app.models.office import SYSTEM_USER
from app.models.reference import (
    ASSIGN_HOW,
    CONFIRMATION_RESULTS,
    OUTCOMES,
    PERFORMANCE,
    ROLES,
    SESSION_KINDS,
    STATES,
    sources,
)
from app.models.sync import clock, merge, triggers
from app.models.sync.clock import Epochs, Version
from app.models.sync.merge import ALIVE, KEEPER, Change
from app.models.sync.tables import SETTINGS, STAMP_COLUMNS, SYNCED_TABLES, UNITS

# Who may decide: the 主任 (as for 重新调解 of an archived case; accounts.PERMISSIONS).
DECIDERS: Final = accounts.PERMISSIONS["resolve_conflict"].roles

# Field names of the ValidationErrors (the window marks its inputs by them).
DECISION_FIELD: Final = "处理方式"
MERGE_FIELD: Final = "合并后的内容"

ACTION: Final = "resolve_conflict"  # the case event
EMPTY_TEXT: Final = "（空）"
DELETED_TEXT: Final = "已删除"
ALIVE_TEXT: Final = "仍在"
ROW_FIELD: Final = "整条记录"
UNKNOWN_DEVICE: Final = "未命名的电脑"
MAX_MERGED_CHARS: Final = 20000


class StaleConflictError(DomainError):
    """The conflict was decided meanwhile (here or elsewhere), or a new version arrived."""


# --------------------------------------------------------------------------------------
# What the window shows


@dataclass(frozen=True)
class Side:
    """One version of the field: the value and who made it, when, where."""

    device: str
    seq: int
    op: str  # i / u / d of the change that wrote it
    value: Any  # as stored; for the whole row (``_alive``): True = the row is there
    text: str  # as a person reads it
    who: str  # the user's name
    at: str  # UTC moment of the change
    when: str  # local time, e.g. 2026年11月20日 14:03
    where: str  # the computer's name
    edited: tuple[str, ...] = ()  # whole-row conflicts: the fields this side changed

    @property
    def key(self) -> tuple[str, int]:
        return (self.device, self.seq)

    @property
    def version(self) -> Version:
        return Version(self.at, self.device, self.seq)

    @property
    def source(self) -> str:
        """Who, when, where in one line."""
        return f"{self.who}　{self.when}　{self.where}"


@dataclass(frozen=True)
class Conflict:
    """A field (or a whole row) with versions to decide between."""

    tbl: str
    row_id: str
    col: str  # a column, or ``_alive`` for the row's existence
    record: str  # which record, in words: 案件（2026）青调字第3号 张三、李四
    part: str  # a case's part without the case (调解记录 …); "" for the case itself
    field: str  # the field as the forms label it
    kept: Side  # the version the row has now (the later one, for now)
    set_aside: tuple[Side, ...]
    case_ids: tuple[str, ...] = ()  # the cases this row belongs to
    mergeable: bool = False  # a free text: the 主任 may write a merged text
    row_exists: bool = True

    @property
    def key(self) -> str:
        return f"{self.tbl}\x1f{self.row_id}\x1f{self.col}"

    @property
    def sides(self) -> tuple[Side, ...]:
        return (self.kept, *self.set_aside)

    @property
    def whole_row(self) -> bool:
        """Deleted on one side, edited or made again on the other."""
        return self.col == ALIVE

    @property
    def case_id(self) -> str | None:
        return self.case_ids[0] if self.case_ids else None


# --------------------------------------------------------------------------------------
# Words: records, fields and values as the forms show them

TABLE_LABELS: Final[dict[str, str]] = {
    "devices": "电脑",
    "users": "使用人",
    "places": "村居",
    "committees": "调委会",
    "mediators": "调解员",
    "parties": "当事人",
    "cases": "案件",
    "case_parties": "当事人",
    "sessions": "调解记录",
    "assignments": "调解员指派",
    "extensions": "延长期限",
    "referrals": "归口移交",
    "agreements": "调解协议",
    "agreement_drafts": "协议草稿",
    "follow_ups": "回访记录",
    "judicial_confirmations": "司法确认",
    "clause_templates": "条款模板",
    "grid_workers": "网格员",
    "legal_advisers": "法律明白人",
    "talk_points": "评理说事点",
    "households": "住户",
    "household_members": "家庭成员",
    "household_chart_options": "户情图设置",
    "outreach_content": "宣传内容",
    "broadcast_schedule": "大喇叭播放安排",
    "monthly_reports": "月度报告",
    "number_blocks": "外出案号段",
    SETTINGS: "单位信息与打印设置",
}

_CASE_FIELDS: Final[dict[str, str]] = {
    **casefile.FIELD_LABELS,
    "committee_id": "调委会",
    "number": "案件编号",
    "state": "办理状态",
    "registered_on": "登记日期",
    "accepted_on": "受理日期",
    "declined_on": "不予受理日期",
    "decline_reason": "不予受理的理由",
    "due_on": "调解期限",
    "closed_on": "结案日期",
    "outcome": "调解结果",
    "performance": "履行情况",
    "amount_fen": "涉及金额",
    "prevented_criminal": "防止民转刑",
    "prevented_petition": "防止群体性上访",
    "close_note": "结案备注",
    "archived_on": "归档日期",
    "voided_on": "作废日期",
    "void_reason": "作废原因",
}

_AGREEMENT_FIELDS: Final[dict[str, str]] = {
    **DRAFT_FIELDS,
    "kind": "协议形式",
    "signed_on": "签订日期",
}

FIELD_LABELS: Final[dict[str, dict[str, str]]] = {
    # the registries' columns as their forms name them (places and committees hold more)
    **{
        k.table: {**k.column_labels, "retired": "停用"}
        for k in registries.KINDS
        if k.table not in ("places", "committees")
    },
    "cases": _CASE_FIELDS,
    "parties": {
        "kind": "当事人类别",
        "name": "姓名（名称）",
        "sex": "性别",
        "ethnicity": "民族",
        "birth_date": "出生日期",
        "id_type": "证件类型",
        "id_number": "证件号码",
        "occupation": "职业",
        "phone": "联系电话",
        "address": "住址",
        "org_code": "统一社会信用代码",
        "legal_rep": "法定代表人",
    },
    "case_parties": {
        "role": "身份",
        "position": "排列顺序",
        "agent_name": "代理人",
        "agent_phone": "代理人电话",
        "agent_powers": "代理权限",
    },
    "sessions": {
        "kind": "记录类型",
        "held_at": "时间",
        "place": "地点",
        "subject": "事由",
        "participants": "参加人",
        "staff": "调解员",
        "recorder": "记录人",
        "record": "记录内容",
        "result": "调解结果",
    },
    "assignments": {
        "mediator_id": "调解员",
        "how": "产生方式",
        "lead": "主办调解员",
        "assigned_on": "指派日期",
        "ended_on": "不再担任的日期",
        "end_reason": "更换原因",
    },
    "extensions": {
        "requested_by": "申请延期的人",
        "reason": "延期理由",
        "old_due_on": "原期限",
        "new_due_on": "新的期限",
        "decided_on": "决定日期",
    },
    "referrals": {
        "body": "移交单位",
        "receiver": "接收人",
        "referred_on": "移交日期",
        "reason": "移交原因",
        "feedback": "反馈内容",
        "feedback_on": "反馈日期",
    },
    "agreements": _AGREEMENT_FIELDS,
    "agreement_drafts": _AGREEMENT_FIELDS,
    "follow_ups": {
        "visited_on": "回访日期",
        "visitor": "回访人",
        "person_visited": "被回访人",
        "performed": "履行情况",
        "satisfaction": "满意程度",
        "findings": "回访情况",
        "measures": "采取措施",
    },
    "judicial_confirmations": {
        "applied_on": "申请日期",
        "court": "受理法院",
        "number": "调确字号",
        "result": "确认结果",
        "decided_on": "裁定日期",
    },
    "users": {
        "name": "姓名",
        "role": "角色",
        "active": "可以使用",
        "password_hash": "密码",
        "must_change_password": "下次登录时改密码",
        "mediator_id": "对应调解员",
    },
    "devices": {"name": "电脑名称", "role": "用途"},
    "places": {"name": "名称", "kind": "类别", "parent_id": "所属", "retired": "停用"},
    "committees": {
        "name": "调委会名称",
        "level": "级别",
        "abbr": "编号简称",
        "number_pattern": "案件编号格式",
        "seq_width": "编号位数",
        "time_limit_days": "调解期限",
        "seal_text": "印章文字",
        "place_id": "所在村（社区）",
        "retired": "停用",
    },
    "clause_templates": {
        "title": "条款名称",
        "category": "适用纠纷类型",
        "body": "条款内容",
        "position": "排列顺序",
        "hidden": "隐藏",
    },
    "household_members": {"name": "姓名", "relation": "与户主关系", "position": "排列顺序"},
    "household_chart_options": {
        "mask_phones": "隐去电话中间四位",
        "hide_members": "不列家庭成员",
        "heads_only": "只列户主",
    },
    "outreach_content": {
        "title": "标题",
        "body": "内容",
        "extra": "其他设置",
        "position": "排列顺序",
        "hidden": "隐藏",
    },
    "monthly_reports": {
        "situation": "总体情况",
        "causes": "主要原因和特点",
        "measures": "工作措施",
        "plans": "下步打算",
    },
}

SETTING_LABELS: Final[dict[str, str]] = {
    "print.address": "地址",
    "print.phone": "联系电话",
    "print.court_name": "司法确认法院",
    "print.retention": "保管期限",
    "worklist.accept_late_days": "待受理提醒",
    "main_committee_id": "本调委会",
}

# Free texts the 主任 may merge (names, numbers, dates and choices are kept, never merged).
MERGEABLE: Final[dict[str, frozenset[str]]] = {
    "cases": frozenset(
        {
            "source_detail",
            "facts",
            "requests",
            "risk_note",
            "decline_reason",
            "close_note",
            "void_reason",
        }
    ),
    "sessions": frozenset({"subject", "participants", "staff", "record", "result"}),
    "referrals": frozenset({"reason", "feedback"}),
    "extensions": frozenset({"reason"}),
    "agreements": frozenset({"facts", "perform_manner", "perform_place"}),
    "agreement_drafts": frozenset({"facts", "perform_manner", "perform_place"}),
    "follow_ups": frozenset({"findings", "measures"}),
    "case_parties": frozenset({"agent_powers"}),
    "parties": frozenset({"address"}),
    "mediators": frozenset({"specialities"}),
    "talk_points": frozenset({"address", "hours", "staff"}),
    "households": frozenset({"notes"}),
    "clause_templates": frozenset({"body"}),
    "outreach_content": frozenset({"body"}),
    "monthly_reports": frozenset({"situation", "causes", "measures", "plans"}),
}

_YES_NO_COLUMNS: Final = frozenset(
    {
        "retired",
        "full_time",
        "hidden",
        "lead",
        "prevented_criminal",
        "prevented_petition",
        "mask_phones",
        "hide_members",
        "heads_only",
        "active",
        "closed",
        "reclaimed",
        "number_provisional",
        "must_change_password",
    }
)
_DATE_COLUMNS: Final = frozenset({"birth_date", "perform_deadline", "play_on"})
_CODES: Final[dict[tuple[str, str], Callable[[], Mapping[str, str]]]] = {
    ("cases", "state"): lambda: STATES,
    ("cases", "outcome"): lambda: OUTCOMES,
    ("cases", "performance"): lambda: PERFORMANCE,
    ("cases", "source"): sources,
    ("follow_ups", "performed"): lambda: PERFORMANCE,
    ("case_parties", "role"): lambda: ROLES,
    ("assignments", "how"): lambda: ASSIGN_HOW,
    ("sessions", "kind"): lambda: SESSION_KINDS,
    ("agreements", "kind"): lambda: {"written": "书面协议", "oral": "口头协议"},
    ("parties", "kind"): lambda: {"person": "自然人", "org": "法人或其他组织"},
    ("judicial_confirmations", "result"): lambda: CONFIRMATION_RESULTS,
    ("users", "role"): lambda: accounts.ROLES,
    ("devices", "role"): lambda: {"office": "办公室电脑", "field": "外出笔记本"},
    ("places", "kind"): lambda: {
        "district": "区（县）",
        "town": "乡镇（街道）",
        "village": "村",
        "community": "社区",
        "grid": "网格",
    },
    ("committees", "level"): lambda: {
        "town": "乡镇（街道）调委会",
        "village": "村调委会",
        "community": "社区调委会",
        "special": "专业调委会",
    },
}
# reference column -> (table, the column that names the row)
_REFERENCES: Final[dict[str, tuple[str, str]]] = {
    "village_id": ("places", "name"),
    "grid_id": ("places", "name"),
    "place_id": ("places", "name"),
    "committee_id": ("committees", "name"),
    "mediator_id": ("mediators", "name"),
    "party_id": ("parties", "name"),
    "household_id": ("households", "head_name"),
}


def field_label(tbl: str, col: str, row_id: str = "") -> str:
    """A column as the forms label it; unknown columns show their own name."""
    if col == ALIVE:
        return ROW_FIELD
    if tbl == SETTINGS:
        return SETTING_LABELS.get(row_id, row_id)
    if tbl == "places" and col == "parent_id":
        return "所属"
    return FIELD_LABELS.get(tbl, {}).get(col, col)


def is_mergeable(tbl: str, col: str) -> bool:
    return col in MERGEABLE.get(tbl, frozenset())


def _day(value: str) -> str:
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{d.year}年{d.month}月{d.day}日"


def local_time(utc_iso: str) -> str:
    """A UTC moment as the local date and time: 2026年11月20日 14:03."""
    moment = local_moment(utc_iso)
    if moment is None:
        return utc_iso
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def _yuan(fen: Any) -> str:
    return f"{Decimal(int(fen)) / 100:,.2f} 元"


def _terms(value: str) -> str:
    try:
        items = json.loads(value)
    except ValueError:
        return value
    if not isinstance(items, list):
        return value
    if not items:
        return "（没有条款）"
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


def value_text(conn: sqlite3.Connection, tbl: str, col: str, value: Any, row_id: str = "") -> str:
    """A stored value as a person reads it: dates, yuan, the words of a choice, names."""
    if value is None or value == "":
        return EMPTY_TEXT
    if tbl == "users" and col == "password_hash":
        return "（一个密码，不显示）"  # never the hash itself
    if col in _YES_NO_COLUMNS:
        return "是" if value else "否"
    if col == "amount_fen":
        return _yuan(value)
    text = str(value)
    if col.endswith("_on") or col in _DATE_COLUMNS:
        return _day(text)
    if col == "held_at":
        return f"{_day(text)} {text[11:16]}".rstrip()
    if col == "terms":
        return _terms(text)
    codes = _CODES.get((tbl, col))
    if codes is not None:
        return codes().get(text, text)
    if col in _REFERENCES or (tbl == "places" and col == "parent_id"):
        ref_table, name_col = _REFERENCES.get(col, ("places", "name"))
        found = conn.execute(f"SELECT {name_col} FROM {ref_table} WHERE id = ?", (text,)).fetchone()
        return str(found[0]) if found is not None else "（已删除的记录）"
    if col == "case_id":
        return _case_label(conn, text)
    if col == "perform_within_days":
        return f"签订后 {text} 日内"
    if col in ("time_limit_days",) or (tbl == SETTINGS and row_id.endswith("_days")):
        return f"{text} 天"
    if tbl == SETTINGS and row_id == "main_committee_id":
        return value_text(conn, "cases", "committee_id", value)
    return text


def _case_label(conn: sqlite3.Connection, case_id: str) -> str:
    found = conn.execute(
        "SELECT number, parties_text, registered_on FROM cases WHERE id = ?", (case_id,)
    ).fetchone()
    if found is None:
        return "案件（已不在本机）"
    number = found["number"] or f"（{_day(str(found['registered_on']))}登记，未编号）"
    return f"案件{number}　{found['parties_text']}".rstrip()


def describe(conn: sqlite3.Connection, tbl: str, row_id: str, values: Mapping[str, Any]) -> str:
    """Which record, in words: 案件（2026）青调字第3号 张三、李四 / 调解员 王芳 / 村 红旗村;
    a case's part after its case: 案件（2026）青调字第3号 张三、李四的回访记录 2026年12月1日."""
    if tbl == "cases":
        return _case_label(conn, row_id)
    part = describe_part(conn, tbl, values)
    case_id = values.get("case_id")
    return f"{_case_label(conn, str(case_id))}的{part}" if case_id else part


def describe_part(conn: sqlite3.Connection, tbl: str, values: Mapping[str, Any]) -> str:
    """A record without its case: 调解记录 2026年11月5日 09:30, 当事人 张三."""
    if tbl == "cases":
        return ""
    if tbl == SETTINGS:
        return TABLE_LABELS[SETTINGS]
    label = TABLE_LABELS.get(tbl, tbl)
    name = ""
    if tbl == "places":
        label = (
            value_text(conn, "places", "kind", values.get("kind")) if values.get("kind") else "村居"
        )
        name = str(values.get("name") or "")
    elif tbl == "case_parties":
        name = value_text(conn, tbl, "party_id", values.get("party_id"))
    elif tbl == "assignments":
        name = value_text(conn, tbl, "mediator_id", values.get("mediator_id"))
    elif tbl == "sessions":
        kind = SESSION_KINDS.get(str(values.get("kind") or "session"), "调解")
        label = f"{kind}记录"
        name = (
            value_text(conn, tbl, "held_at", values.get("held_at")) if values.get("held_at") else ""
        )
    elif tbl == "follow_ups" and values.get("visited_on"):
        name = _day(str(values["visited_on"]))
    elif tbl == "referrals":
        name = str(values.get("body") or "")
    elif tbl == "households":
        name = " ".join(str(values.get(c) or "") for c in ("house_number", "head_name")).strip()
    elif tbl == "monthly_reports" and values.get("year"):
        name = f"{values['year']}年{values.get('month')}月"
    elif tbl == "household_chart_options":
        name = value_text(conn, tbl, "grid_id", values.get("grid_id"))
    elif tbl == "broadcast_schedule":
        name = " ".join(
            value_text(conn, tbl, c, values.get(c))
            for c in ("village_id", "play_on")
            if values.get(c)
        )
    elif tbl == "number_blocks" and values.get("first_seq") is not None:
        name = f"{values.get('year')}年 第{values['first_seq']}～{values.get('last_seq')}号"
    else:
        name = str(values.get("name") or values.get("title") or values.get("head_name") or "")
    return f"{label}　{name}" if name else label


# --------------------------------------------------------------------------------------
# Reading the conflicts


def count_conflicts(db: Database) -> int:
    """How many conflicts wait for a decision (as :func:`list_conflicts` groups them)."""
    return int(
        db.scalar(
            "SELECT count(*) FROM (SELECT DISTINCT c.tbl, c.row_id, "
            "CASE WHEN c.col = ? OR l.op = 'd' THEN ? ELSE c.col END "
            "FROM sync_conflicts c LEFT JOIN sync_log l "
            "ON l.device = c.kept_device AND l.seq = c.kept_seq)",
            (ALIVE, ALIVE),
        )
    )


def list_conflicts(db: Database) -> list[Conflict]:
    """Every conflict waiting for a decision: a case's first, then by record and field."""
    with db.reading():
        return _conflicts(db.conn)


@dataclass
class _Group:
    kept: tuple[str, int]
    lost: list[tuple[str, int]] = field(default_factory=list)


class _Reader:
    """What the conflicts of one read need, each looked up once."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._changes: dict[tuple[str, int], Change] = {}
        self._users: dict[str, str] = {}
        self._devices: dict[str, str] = {}
        self._epochs: Epochs | None = None

    def change(self, key: tuple[str, int]) -> Change:
        found = self._changes.get(key)
        if found is None:
            row = self.conn.execute(
                f"SELECT {merge.LOG_COLUMNS} FROM sync_log WHERE device = ? AND seq = ?", key
            ).fetchone()
            if row is None:  # the log never loses a change; a conflict row says it has it
                raise LookupError(f"change {key} is not in the log")
            found = Change.from_row(tuple(row))
            self._changes[key] = found
        return found

    def user(self, user_id: str) -> str:
        if user_id not in self._users:
            row = self.conn.execute("SELECT name FROM users WHERE id = ?", (user_id,)).fetchone()
            if row is not None and row[0]:
                self._users[user_id] = str(row[0])
            else:
                system = user_id in (SYSTEM_USER, KEEPER)
                self._users[user_id] = "系统" if system else casefile.UNKNOWN_USER
        return self._users[user_id]

    def device(self, device: str) -> str:
        if device not in self._devices:
            row = self.conn.execute("SELECT name FROM devices WHERE id = ?", (device,)).fetchone()
            self._devices[device] = str(row[0]) if row is not None and row[0] else UNKNOWN_DEVICE
        return self._devices[device]

    @property
    def epochs(self) -> Epochs:
        if self._epochs is None:
            self._epochs = Epochs.load(self.conn)
        return self._epochs

    def values(self, tbl: str, row_id: str) -> tuple[dict[str, Any], bool]:
        """The row as it is, or as its known changes last had it when it is gone."""
        if tbl == SETTINGS:
            found = self.conn.execute("SELECT value FROM settings WHERE key = ?", (row_id,))
            row = found.fetchone()
            if row is not None:
                return {"value": row[0]}, True
        else:
            row = self.conn.execute(f"SELECT * FROM {tbl} WHERE id = ?", (row_id,)).fetchone()
            if row is not None:
                return dict(zip(row.keys(), tuple(row), strict=True)), True
        # Gone: as the last delete found it (a delete logs the row it removed), with every
        # edit the log knows of on top.
        changes = merge.row_changes(self.conn, tbl, row_id)
        deletes = [c for c in changes if c.op == "d" and c.data]
        values = dict(max(deletes, key=lambda c: c.version).data) if deletes else {}
        state = merge.decide(self.epochs, changes)
        values.update({c: v for c, (_, v) in state.values.items()})
        return values, False

    def side(self, tbl: str, row_id: str, col: str, key: tuple[str, int]) -> Side:
        c = self.change(key)
        edited: tuple[str, ...] = ()
        if col == ALIVE and (c.tbl, c.row_id) != (tbl, row_id):
            # another row was made to point at this one without seeing its delete
            value: Any = True
            user = describe(self.conn, c.tbl, c.row_id, c.data)
            text = f"{ALIVE_TEXT}：另一台电脑同时让“{user}”用到了它"
        elif col == ALIVE and c.op == "i" and c.by == KEEPER:
            value = True
            uses = _uses(self.conn, tbl, row_id) or f"“{self.device(c.device)}”上还有记录用到它"
            text = f"{ALIVE_TEXT}：{uses}，删除没有执行"
        elif col == ALIVE:
            value = c.op != "d"
            edited = tuple(
                dict.fromkeys(
                    field_label(tbl, k, row_id)
                    for k in c.data
                    if k not in STAMP_COLUMNS and k != "id"
                )
            )
            if c.op == "d":
                text = DELETED_TEXT
            elif c.op == "i":
                text = f"{ALIVE_TEXT}（重新建立了这条记录）"
            else:
                changed = "\n".join(
                    f"{field_label(tbl, k, row_id)}：{value_text(self.conn, tbl, k, v, row_id)}"
                    for k, v in c.data.items()
                    if k not in STAMP_COLUMNS and k != "id"
                )
                text = f"{ALIVE_TEXT}，并修改了：\n{changed}" if changed else ALIVE_TEXT
        elif col in UNITS.get(tbl, ())[:1]:  # a case's life cycle, as one
            changes = merge.row_changes(self.conn, tbl, row_id)
            value = merge.unit_of(self.epochs, changes, c.version)
            text = "\n".join(
                f"{field_label(tbl, k, row_id)}：{value_text(self.conn, tbl, k, v, row_id)}"
                for k, v in value.items()
                if k == col or v not in (None, "", 0)
            )
        else:
            value = c.data.get(col)
            text = value_text(self.conn, tbl, col, value, row_id)
        return Side(
            device=c.device,
            seq=c.seq,
            op=c.op,
            value=value,
            text=text,
            who=self.user(c.by),
            at=c.at,
            when=local_time(c.at),
            where=self.device(c.device),
            edited=edited,
        )

    def case_ids(self, tbl: str, row_id: str, values: Mapping[str, Any]) -> tuple[str, ...]:
        if tbl == "cases":
            return (row_id,)
        if values.get("case_id"):
            return (str(values["case_id"]),)
        if tbl == "parties":
            return tuple(
                str(r[0])
                for r in self.conn.execute(
                    "SELECT DISTINCT case_id FROM case_parties WHERE party_id = ? ORDER BY case_id",
                    (row_id,),
                )
            )
        return ()


def _conflicts(conn: sqlite3.Connection, *, only: tuple[str, str] | None = None) -> list[Conflict]:
    reader = _Reader(conn)
    sql = (
        "SELECT tbl, row_id, col, kept_device, kept_seq, lost_device, lost_seq FROM sync_conflicts"
    )
    params: tuple[str, ...] = ()
    if only is not None:
        sql += " WHERE tbl = ? AND row_id = ?"
        params = only
    groups: dict[tuple[str, str, str], _Group] = {}
    for tbl, row_id, col, kd, ks, ld, ls in conn.execute(sql + " ORDER BY 1, 2, 3", params):
        kept = (str(kd), int(ks))
        lost = (str(ld), int(ls))
        whole_row = col == ALIVE or reader.change(kept).op == "d"
        key = (str(tbl), str(row_id), ALIVE if whole_row else str(col))
        group = groups.setdefault(key, _Group(kept))
        for version in (kept, lost):
            if version != group.kept and version not in group.lost:
                group.lost.append(version)
    found: list[Conflict] = []
    for (tbl, row_id, col), group in groups.items():
        values, exists = reader.values(tbl, row_id)
        set_aside = sorted(
            (reader.side(tbl, row_id, col, k) for k in group.lost),
            key=lambda s: s.version,
            reverse=True,
        )
        found.append(
            Conflict(
                tbl=tbl,
                row_id=row_id,
                col=col,
                record=describe(conn, tbl, row_id, values),
                part=describe_part(conn, tbl, values),
                field=field_label(tbl, col, row_id),
                kept=reader.side(tbl, row_id, col, group.kept),
                set_aside=tuple(set_aside),
                case_ids=reader.case_ids(tbl, row_id, values),
                mergeable=is_mergeable(tbl, col),
                row_exists=exists,
            )
        )
    order = {t: i for i, t in enumerate(SYNCED_TABLES)}
    found.sort(key=lambda c: (not c.case_ids, c.record, order.get(c.tbl, 99), c.field))
    return found


def merge_draft(conflict: Conflict) -> str:
    """The texts of every version, one after the other, to be merged by hand."""
    texts = [str(s.value) for s in conflict.sides if isinstance(s.value, str) and s.value]
    return "\n\n".join(dict.fromkeys(texts))


def may_decide(db: Database, by: Actor) -> bool:
    """Only the 主任 decides (the role the user has now, app/models/accounts.py)."""
    try:
        with db.reading():
            return accounts.current(db.conn, by).role in DECIDERS | {accounts.SYSTEM}
    except PermissionDeniedError:  # the account is gone or stopped
        return False


# --------------------------------------------------------------------------------------
# Deciding


@dataclass(frozen=True)
class _Decision:
    how: str  # kept / merged
    value: Any  # the new value (whole row: True = the row stays / comes back)
    chosen: Side | None


def resolve(
    db: Database,
    conflict: Conflict,
    *,
    keep: Side | None = None,
    merged_text: str | None = None,
    by: Actor,
) -> None:
    """Decide a conflict: keep one version (``keep``) or, for a text, a merged text.

    Writes a new version of the field made knowing every version listed, re-derives the row
    (so the conflict is gone here, and on every installation once the change has travelled)
    and records the decision. Raises PermissionDeniedError for anyone but a 主任,
    ValidationError for a decision that does not fit the conflict, StaleConflictError when
    the conflict was decided meanwhile or a newer version came in.
    """
    if not may_decide(db, by):
        raise PermissionDeniedError(
            "只有调委会主任才能处理同步冲突。请由主任登录本机后处理；您可以查看各个版本。"
        )
    decision = _decision(conflict, keep, merged_text)
    with db.transaction() as conn:
        current = next(
            (
                c
                for c in _conflicts(conn, only=(conflict.tbl, conflict.row_id))
                if c.key == conflict.key
            ),
            None,
        )
        if current is None:
            raise StaleConflictError(
                f"“{conflict.record}”的“{conflict.field}”已经处理过了"
                "（可能是在另一台电脑上处理后同步过来的），不需要再处理。"
            )
        if {s.key for s in current.sides} != {s.key for s in conflict.sides}:
            raise StaleConflictError(
                f"“{conflict.record}”的“{conflict.field}”在此期间又有了新的修改。"
                "请看过现在的各个版本后再处理。"
            )
        me = merge.device_of(conn)
        state_before = _case_states(conn, current.case_ids)
        seq = _next_seq(conn, me)
        now = utc_now()
        _know_every_side(conn, me, Version(now, me, seq), current)
        op, data = _new_version(conn, current, decision, me=me, by=by.user_id, now=now)
        conn.execute(
            f"INSERT INTO sync_log({merge.LOG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                me,
                seq,
                current.tbl,
                current.row_id,
                op,
                json.dumps(data, ensure_ascii=False),
                now,
                by.user_id,
            ),
        )
        merge.quiet(conn)
        conn.execute("PRAGMA defer_foreign_keys = ON")
        merge.materialize(conn, Epochs.load(conn), current.tbl, current.row_id)
        merge.loud(conn)
        if op == "i":
            _check_parents(conn, current)
        _refresh_cases(conn, current)
        if any(c.key == current.key for c in _conflicts(conn, only=(current.tbl, current.row_id))):
            raise RuntimeError(f"conflict {current.key!r} still open after the decision")
        _record(conn, current, decision, me=me, by=by.user_id, now=now, states=state_before)


def _decision(conflict: Conflict, keep: Side | None, merged_text: str | None) -> _Decision:
    if (keep is None) == (merged_text is None):
        raise ValidationError(DECISION_FIELD, "请选择保留哪一个版本，或者填写合并后的内容。")
    if merged_text is not None:
        if not conflict.mergeable:
            raise ValidationError(
                MERGE_FIELD,
                f"“{conflict.field}”不是可以合并的文字内容，请从各个版本中选择保留一个。",
            )
        text = merged_text.strip()
        if not text:
            raise ValidationError(
                MERGE_FIELD, "合并后的内容是空的。请写入要保留的文字，或者选择保留其中一个版本。"
            )
        if len(text) > MAX_MERGED_CHARS:
            raise ValidationError(
                MERGE_FIELD,
                f"合并后的内容有 {len(text)} 个字，超过了 {MAX_MERGED_CHARS} 字。"
                "请删去重复的部分。",
            )
        return _Decision("merged", text, None)
    assert keep is not None
    if keep.key not in {s.key for s in conflict.sides}:
        raise ValidationError(DECISION_FIELD, "要保留的版本不属于这个冲突。请刷新列表后重新选择。")
    return _Decision("kept", keep.value, keep)


def _next_seq(conn: sqlite3.Connection, device: str) -> int:
    return int(
        conn.execute(
            "SELECT coalesce(max(seq), 0) + 1 FROM sync_log WHERE device = ?", (device,)
        ).fetchone()[0]
    )


def _know_every_side(
    conn: sqlite3.Connection, me: str, version: Version, conflict: Conflict
) -> None:
    """The new version must be made knowing every listed one, or it would be one more."""

    def knows_all() -> bool:
        known = Epochs.load(conn)
        return all(known.knew(version, s.version) for s in conflict.sides)

    if knows_all():
        return
    clock.start_epoch(conn, me, clock.held(conn))
    if not knows_all():
        raise StaleConflictError(
            "本机还没有收齐这些修改之前的全部同步内容，现在处理会留下新的冲突。"
            "请先与另一台电脑交换一次同步文件，再处理这个冲突。"
        )


def _stamps(conn: sqlite3.Connection, tbl: str, *, me: str, by: str, now: str) -> dict[str, Any]:
    if tbl == SETTINGS:
        return {}
    columns = {str(r[1]) for r in conn.execute(f"PRAGMA table_info({tbl})")}
    stamps = {"updated_at": now, "updated_by": by, "origin": me}
    return {k: v for k, v in stamps.items() if k in columns}


def _new_version(
    conn: sqlite3.Connection,
    conflict: Conflict,
    decision: _Decision,
    *,
    me: str,
    by: str,
    now: str,
) -> tuple[str, dict[str, Any]]:
    """The change that carries the decision: (op, data)."""
    stamps = _stamps(conn, conflict.tbl, me=me, by=by, now=now)
    if not conflict.whole_row and conflict.col in UNITS.get(conflict.tbl, ())[:1]:
        return "u", {**decision.value, **stamps}  # the whole life cycle, as that side saw it
    if not conflict.whole_row:
        return "u", {conflict.col: decision.value, **stamps}
    values, _ = _Reader(conn).values(conflict.tbl, conflict.row_id)
    if conflict.tbl == SETTINGS:
        return ("i", {"value": values.get("value")}) if decision.value else ("d", {})
    columns = [r for r in conn.execute(f"PRAGMA table_info({conflict.tbl})")]
    names = set(triggers.logged_columns(conn, conflict.tbl))  # never a local column
    row = {k: v for k, v in values.items() if k in names}
    row.update(id=conflict.row_id)
    if not decision.value:
        _check_unused(conn, conflict)
        return "d", row  # as the triggers log a delete: the row it removed
    missing = [
        field_label(conflict.tbl, str(r[1]))
        for r in columns
        if r[3]
        and r[4] is None
        and str(r[1]) not in row
        and str(r[1]) not in stamps
        and str(r[1]) not in STAMP_COLUMNS
    ]
    if missing:
        raise ValidationError(
            DECISION_FIELD,
            f"“{conflict.record}”是在启用同步之前建立的，删除后本机已没有它的完整内容"
            f"（缺少{'、'.join(missing)}），无法恢复。请选择“确认删除”，需要时重新录入。",
        )
    if "created_at" in names and row.get("created_at") is None:
        row["created_at"] = now
    row.update(stamps)
    return "i", row


def _check_unused(conn: sqlite3.Connection, conflict: Conflict) -> None:
    """A row other rows still point to cannot be deleted."""
    if conflict.tbl == SETTINGS:
        return
    for child in SYNCED_TABLES:
        for ref in conn.execute(f"PRAGMA foreign_key_list({child})"):
            if ref["table"] != conflict.tbl:
                continue
            used = conn.execute(
                f"SELECT count(*) FROM {child} WHERE {ref['from']} = ?", (conflict.row_id,)
            ).fetchone()[0]
            if used:
                raise ValidationError(
                    DECISION_FIELD,
                    f"“{conflict.record}”还有 {used} 条{TABLE_LABELS.get(child, child)}用到它，"
                    "不能删除。请选择保留这条记录。",
                )


def _uses(conn: sqlite3.Connection, tbl: str, row_id: str) -> str:
    """What here still uses the row: 还有 2 条调解员指派用到它 ("": nothing here)."""
    found: list[str] = []
    for child in SYNCED_TABLES:
        for ref in conn.execute(f"PRAGMA foreign_key_list({child})").fetchall():
            if ref["table"] != tbl:
                continue
            used = conn.execute(
                f"SELECT count(*) FROM {child} WHERE {ref['from']} = ?", (row_id,)
            ).fetchone()[0]
            if used:
                found.append(f"{used} 条{TABLE_LABELS.get(child, child)}")
    return f"还有 {'、'.join(found)}用到它" if found else ""


def _check_parents(conn: sqlite3.Connection, conflict: Conflict) -> None:
    """A row made again needs the rows it points to."""
    found = conn.execute(f"SELECT rowid FROM {conflict.tbl} WHERE id = ?", (conflict.row_id,))
    row = found.fetchone()
    if row is None:
        return
    for violation in conn.execute(f"PRAGMA foreign_key_check({conflict.tbl})"):
        if violation[1] == row[0]:
            parent = TABLE_LABELS.get(str(violation[2]), str(violation[2]))
            raise ValidationError(
                DECISION_FIELD,
                f"“{conflict.record}”所属的{parent}已经删除了，不能单独恢复它。请选择“确认删除”。",
            )


def _case_states(conn: sqlite3.Connection, case_ids: Iterable[str]) -> dict[str, str | None]:
    states: dict[str, str | None] = {}
    for case_id in case_ids:
        row = conn.execute("SELECT state FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is not None:
            states[case_id] = str(row[0])
    return states


def _refresh_cases(conn: sqlite3.Connection, conflict: Conflict) -> None:
    """The register's names and the search index of the cases the row belongs to."""
    from app.models.sync.exchange import _refresh_derived  # the merge's own refresh

    result = merge.MergeResult()
    result.rows[conflict.tbl].add(conflict.row_id)
    result.rows["cases"].update(conflict.case_ids)
    _refresh_derived(conn, result)


def _record(
    conn: sqlite3.Connection,
    conflict: Conflict,
    decision: _Decision,
    *,
    me: str,
    by: str,
    now: str,
    states: Mapping[str, str | None],
) -> None:
    """The decision as events: conflict_decisions, and the 处理记录 of the row's cases."""
    others = [s for s in conflict.sides if decision.chosen is None or s.key != decision.chosen.key]
    _insert_decision(conn, conflict, decision, others, me=me, by=by, now=now)
    data = _history_data(conn, conflict, decision, others)
    for case_id, before in states.items():
        row = conn.execute("SELECT state FROM cases WHERE id = ?", (case_id,)).fetchone()
        after_state = str(row[0]) if row is not None else None
        if row is None:
            continue
        conn.execute(
            "INSERT INTO case_events (id, case_id, at, by, action, state_before, state_after, "
            "data, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rows.new_id(),
                case_id,
                now,
                by,
                ACTION,
                before,
                after_state,
                json.dumps(
                    privacy.mask_event_data(ACTION, data), ensure_ascii=False, sort_keys=True
                ),
                me,
            ),
        )


def _insert_decision(
    conn: sqlite3.Connection,
    conflict: Conflict,
    decision: _Decision,
    others: list[Side],
    *,
    me: str,
    by: str,
    now: str,
) -> None:
    """The conflict_decisions row: what was kept and what set aside, as stored."""
    conn.execute(
        "INSERT INTO conflict_decisions(id, tbl, row_id, col, case_id, kept, set_aside, how, "
        "decided_by, decided_at, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            rows.new_id(),
            conflict.tbl,
            conflict.row_id,
            conflict.col,
            conflict.case_id,
            # an ID number or a phone kept masked (docs/privacy.md)
            json.dumps(
                privacy.mask_value(conflict.tbl, conflict.col, decision.value), ensure_ascii=False
            ),
            json.dumps(
                [privacy.mask_value(conflict.tbl, conflict.col, s.value) for s in others],
                ensure_ascii=False,
            ),
            decision.how,
            by,
            now,
            me,
        ),
    )


def _history_data(
    conn: sqlite3.Connection, conflict: Conflict, decision: _Decision, others: list[Side]
) -> dict[str, Any]:
    """The 处理记录 event's data: the record and field, the versions in words, who made the
    one chosen."""
    if decision.chosen is not None:
        after = decision.chosen.text
    elif isinstance(decision.value, str):
        after = value_text(conn, conflict.tbl, conflict.col, decision.value, conflict.row_id)
    else:
        after = str(decision.value)
    data: dict[str, Any] = {
        "table": conflict.tbl,
        "column": conflict.col,
        "record": conflict.record,
        "part": conflict.part,
        "field": conflict.field,
        "how": decision.how,
        "before": conflict.kept.text,
        "after": after,
        "set_aside": [s.text for s in others],
    }
    if decision.chosen is not None:
        data["chosen"] = {
            "who": decision.chosen.who,
            "when": decision.chosen.when,
            "where": decision.chosen.where,
        }
    if conflict.whole_row:
        data["deleted"] = not decision.value
    return data


__all__: Sequence[str] = (
    "ACTION",
    "DECIDERS",
    "DECISION_FIELD",
    "MERGE_FIELD",
    "Conflict",
    "Side",
    "StaleConflictError",
    "count_conflicts",
    "describe",
    "field_label",
    "list_conflicts",
    "may_decide",
    "merge_draft",
    "resolve",
    "value_text",
)
