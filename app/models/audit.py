"""审计记录: every change by user, case, date and action (docs/privacy.md).

Read from what the program records anyway, never a copy of it:

- ``case_events`` (案件办理): the human steps of each case (登记, 受理, … 修改当事人), with
  the words of the case's 办理记录;
- ``privacy_events`` (个人信息): who showed or exported ID numbers in full, corrected or
  erased one, corrected or cleared a 台账 row's raw cells;
- ``sync_log`` (数据修改): every insert, update and delete of a row that travels, on any
  installation, with the fields it wrote: the audit names the fields, never their values (the
  change log holds ID numbers and phones as the rows do; the audit does not show them);
- ``login_events`` (登录, this installation's own): logins, wrong passwords, locks.

The log grows by about ten rows a case, so the list is read a page at a time, newest first,
each source by its index on the moment and the pages merged here (keyset paging: a page
costs the same on the first day and after 100,000 cases). Opening the audit and exporting it
are a 主任's (checked here).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Final

from app.models import accounts, casefile, privacy
from app.models.accounts import DIRECTOR, SYSTEM, Actor
from app.models.cases import ACTION_LABELS
from app.models.db import Database, local_moment
from app.models.errors import ExportFileError, OperationCancelledError, PermissionDeniedError
from app.models.sync.conflicts import TABLE_LABELS, field_label
from app.models.sync.tables import CASE_CHILD_TABLES, SETTINGS, STAMP_COLUMNS

PAGE: Final = 200

KINDS: Final[dict[str, str]] = {
    "event": "案件办理",
    "privacy": "个人信息",
    "change": "数据修改",
    "login": "登录",
}
# Newest first; at one moment, in this order (the keyset's second part).
_KIND_ORDER: Final[tuple[str, ...]] = ("privacy", "login", "event", "change")

OPS: Final[dict[str, str]] = {"i": "新增", "u": "修改", "d": "删除"}
LOGIN_EVENTS: Final[dict[str, str]] = {
    "login": "登录",
    "failed": "密码错误",
    "refused": "登录被拒绝",
    "lock": "锁定",
    "unlock": "解锁",
    "logout": "退出登录",
}
# Change-log tables shown by their own source instead.
_NOT_CHANGES: Final = ("case_events", "privacy_events", "conflict_decisions")
_HIDDEN_FIELDS: Final = frozenset({"id", *STAMP_COLUMNS})

HEADERS: Final[tuple[str, ...]] = ("时间", "用户", "电脑", "案件", "类别", "动作", "内容")
SHEET_NAME: Final = "审计记录"


@dataclass(frozen=True)
class AuditFilter:
    """What the audit lists. Dates are the office's local days, both included."""

    user_id: str | None = None
    case_id: str | None = None
    since: date | None = None
    until: date | None = None
    kind: str | None = None  # a key of KINDS
    action: str | None = None  # within the kind: see action_choices


@dataclass(frozen=True)
class AuditEntry:
    kind: str
    key: Any  # unique within the kind
    at: str  # UTC ISO
    user_id: str
    user_name: str
    device: str  # the installation's name
    case_id: str | None
    case_label: str
    action: str  # in words
    detail: str

    @property
    def cursor(self) -> tuple[str, int, Any]:
        return (self.at, _KIND_ORDER.index(self.kind), self.key)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def local_time(self) -> str:
        return local_time(self.at)


Cursor = tuple[str, int, Any]


def local_time(utc_iso: str) -> str:
    """2026-11-20 14:03:05, the office's wall clock."""
    moment = local_moment(utc_iso)
    return utc_iso if moment is None else f"{moment:%Y-%m-%d %H:%M:%S}"


def _utc_bound(day: date) -> str:
    """The UTC moment at which the local ``day`` begins, as stored moments are written."""
    local = datetime.combine(day, time()).astimezone()
    utc = local.astimezone(UTC)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def authorize(db: Database, actor: Actor) -> Actor:
    """The audit is a 主任's: raise PermissionDeniedError for anyone else."""
    now = accounts.current(db.conn, actor)
    if now.role not in (DIRECTOR, SYSTEM):
        raise PermissionDeniedError(accounts.refusal(now, "查看审计记录", {DIRECTOR}))
    return now


# --------------------------------------------------------------------------------------
# Reading


def _has_table(db: Database, name: str) -> bool:
    return bool(db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)))


@dataclass
class _Arm:
    kind: str
    columns: str  # key, at, by, device, case_id, action, a, b, data
    source: str  # the table and its alias
    at: str  # the column of the moment
    key: str  # the column of the key
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def sql(self, where: str) -> str:
        return f"SELECT {self.columns} FROM {self.source} WHERE {where}"


def _case_rows(db: Database, case_id: str) -> dict[str, list[str]]:
    """The rows of a case per table (for the change log): the case, its child rows and the
    parties linked to it, as they are now, and child rows deleted since (their insert)."""
    found: dict[str, list[str]] = {"cases": [case_id]}
    for table in CASE_CHILD_TABLES:
        if table == "case_events":
            continue
        ids = [str(r[0]) for r in db.query(f"SELECT id FROM {table} WHERE case_id = ?", (case_id,))]
        if ids:
            found[table] = ids
    parties = [
        str(r[0])
        for r in db.query(
            "SELECT DISTINCT party_id FROM case_parties WHERE case_id = ?", (case_id,)
        )
    ]
    if parties:
        found["parties"] = parties
    return found


def _arms(db: Database, f: AuditFilter) -> list[_Arm]:
    arms = [
        _Arm(
            "event",
            "e.id, e.at, e.by, e.origin, e.case_id, e.action, e.state_before, e.state_after, "
            "e.data",
            "case_events e",
            "e.at",
            "e.id",
        ),
        _Arm(
            "privacy",
            "p.id, p.at, p.by, p.origin, p.case_id, p.action, p.party_id, NULL, p.data",
            "privacy_events p",
            "p.at",
            "p.id",
        ),
        _Arm(
            "change",
            "s.rowid, s.at, s.by, s.device, NULL, s.tbl, s.op, s.row_id, "
            "(SELECT group_concat(key, ',') FROM json_each(s.data))",
            "sync_log s",
            "s.at",
            "s.rowid",
            [f"s.tbl NOT IN ({', '.join(repr(t) for t in _NOT_CHANGES)})"],
        ),
    ]
    if _has_table(db, "login_events"):
        arms.append(
            _Arm(
                "login",
                "l.id, l.at, l.user_id, NULL, NULL, l.event, NULL, NULL, NULL",
                "login_events l",
                "l.at",
                "l.id",
            )
        )
    if f.kind is not None:
        arms = [a for a in arms if a.kind == f.kind]
    by_column = {"event": "e.by", "privacy": "p.by", "change": "s.by", "login": "l.user_id"}
    action_column = {"event": "e.action", "privacy": "p.action", "change": "s.tbl"}
    case_rows = _case_rows(db, f.case_id) if f.case_id is not None else {}
    kept: list[_Arm] = []
    for arm in arms:
        if f.user_id is not None:
            arm.where.append(f"{by_column[arm.kind]} = ?")
            arm.params.append(f.user_id)
        if f.since is not None:
            arm.where.append(f"{arm.at} >= ?")
            arm.params.append(_utc_bound(f.since))
        if f.until is not None:
            arm.where.append(f"{arm.at} < ?")
            arm.params.append(_utc_bound(f.until + timedelta(days=1)))
        if f.action is not None:
            if arm.kind == "login":
                arm.where.append("l.event = ?")
            else:
                arm.where.append(f"{action_column[arm.kind]} = ?")
            arm.params.append(f.action)
        if f.case_id is not None:
            if arm.kind == "login":
                continue
            if arm.kind == "event":
                arm.where.append("e.case_id = ?")
                arm.params.append(f.case_id)
            elif arm.kind == "privacy":
                arm.where.append(
                    "(p.case_id = ? OR EXISTS "
                    "(SELECT 1 FROM json_each(p.data, '$.cases') WHERE value = ?))"
                )
                arm.params += [f.case_id, f.case_id]
            else:
                ors = []
                for table, ids in case_rows.items():
                    ors.append(f"(s.tbl = ? AND s.row_id IN ({','.join('?' * len(ids))}))")
                    arm.params += [table, *ids]
                arm.where.append("(" + " OR ".join(ors) + ")")
        kept.append(arm)
    return kept


def _after(arm: _Arm, cursor: Cursor | None) -> tuple[str, list[Any]]:
    """The arm's condition for "after the cursor" in newest-first order."""
    if cursor is None:
        return "1", []
    at, kind_rank, key = cursor
    rank = _KIND_ORDER.index(arm.kind)
    if rank < kind_rank:  # newest first: at one moment, the lower kinds come after
        return f"{arm.at} <= ?", [at]
    if rank > kind_rank:
        return f"{arm.at} < ?", [at]
    return f"{arm.at} <= ? AND ({arm.at} < ? OR {arm.key} < ?)", [at, at, key]


def _fetch(db: Database, arm: _Arm, cursor: Cursor | None, limit: int) -> list[tuple[Any, ...]]:
    after, after_params = _after(arm, cursor)
    where = " AND ".join([*arm.where, after]) or "1"
    sql = arm.sql(where) + f" ORDER BY {arm.at} DESC, {arm.key} DESC LIMIT ?"
    cur = db.conn.cursor()
    cur.row_factory = None
    with db.reading():
        return [tuple(r) for r in cur.execute(sql, [*arm.params, *after_params, limit])]


class AuditReader:
    """Pages of the audit for one filter; names of users, devices and cases cached."""

    def __init__(self, db: Database, f: AuditFilter | None = None) -> None:
        self.db = db
        self.filter = f or AuditFilter()
        self._arms = _arms(db, self.filter)
        self._users = {str(r[0]): str(r[1]) for r in db.query("SELECT id, name FROM users")}
        self._devices = {str(r[0]): str(r[1]) for r in db.query("SELECT id, name FROM devices")}
        self._me = str(db.scalar("SELECT value FROM settings WHERE key = 'device_id'") or "")
        self._mediators = {str(r[0]): str(r[1]) for r in db.query("SELECT id, name FROM mediators")}
        self._case_labels: dict[str, str] = {}

    def count(self) -> int:
        total = 0
        for arm in self._arms:
            where = " AND ".join(arm.where) or "1"
            sql = f"SELECT count(*) FROM {arm.source} WHERE {where}"
            total += int(self.db.scalar(sql, arm.params) or 0)
        return total

    def page(self, after: Cursor | None = None, limit: int = PAGE) -> list[AuditEntry]:
        """The next ``limit`` entries after ``after`` (None: the newest), newest first."""
        rows: list[tuple[Cursor, str, tuple[Any, ...]]] = []
        for arm in self._arms:
            rank = _KIND_ORDER.index(arm.kind)
            for r in _fetch(self.db, arm, after, limit):
                rows.append(((str(r[1]), rank, r[0]), arm.kind, r))
        rows.sort(key=lambda x: x[0], reverse=True)
        return [self._entry(kind, r) for _, kind, r in rows[:limit]]

    def __iter__(self) -> Iterator[AuditEntry]:
        """Every entry, newest first, a page at a time."""
        cursor: Cursor | None = None
        while True:
            page = self.page(cursor, 1000)
            yield from page
            if len(page) < 1000:
                return
            cursor = page[-1].cursor

    # ---- words

    def user_name(self, user_id: str) -> str:
        if not user_id:
            return "（未记录）"
        if user_id == accounts.SYSTEM_USER:
            return "系统"
        return self._users.get(user_id, "（已删除的用户）")

    def device_name(self, device: str | None) -> str:
        if not device:
            return "本机"
        name = self._devices.get(device, "")
        if device == self._me:
            return name or "本机"
        return name or "其他电脑"

    def case_label(self, case_id: str | None) -> str:
        if not case_id:
            return ""
        label = self._case_labels.get(case_id)
        if label is None:
            row = self.db.one("SELECT number, registered_on FROM cases WHERE id = ?", (case_id,))
            if row is None:
                label = "（不在本机的案件）"
            elif row[0]:
                label = str(row[0])
            else:
                label = f"{row[1]}登记（未编号）"
            self._case_labels[case_id] = label
        return label

    def _case_of_row(self, tbl: str, row_id: str) -> str | None:
        if tbl == "cases":
            return row_id
        if tbl in CASE_CHILD_TABLES:
            found = self.db.scalar(f"SELECT case_id FROM {tbl} WHERE id = ?", (row_id,))
            if found is None:  # deleted since: its insert said
                found = self.db.scalar(
                    "SELECT json_extract(data, '$.case_id') FROM sync_log "
                    "WHERE tbl = ? AND row_id = ? AND op = 'i'",
                    (tbl, row_id),
                )
            return str(found) if found is not None else None
        if tbl == "parties":
            if self.filter.case_id is not None:
                return self.filter.case_id
            found = self.db.scalar(
                "SELECT case_id FROM case_parties WHERE party_id = ? LIMIT 1", (row_id,)
            )
            return str(found) if found is not None else None
        return None

    def _entry(self, kind: str, r: tuple[Any, ...]) -> AuditEntry:
        key, at, by, device, case_id, action, a, b, data = r
        by = str(by or "")
        if kind == "event":
            event = casefile.Event(
                str(at), self.user_name(by), str(action), a, b, json.loads(data or "{}")
            )
            words = ACTION_LABELS.get(str(action), str(action))
            detail = casefile.describe_event(event, self._mediators)
        elif kind == "privacy":
            words = privacy.ACCESS_ACTIONS.get(str(action), str(action))
            detail = _privacy_detail(json.loads(data or "{}"))
        elif kind == "change":
            tbl, op, row_id = str(action), str(a), str(b)
            case_id = self._case_of_row(tbl, row_id)
            record = "设置" if tbl == SETTINGS else TABLE_LABELS.get(tbl, tbl)
            words = f"{OPS.get(op, op)}{record}"
            detail = _change_detail(tbl, op, row_id, str(data or ""))
        else:
            words = LOGIN_EVENTS.get(str(action), str(action))
            detail = ""
            device = self._me
        return AuditEntry(
            kind,
            key,
            str(at),
            by,
            self.user_name(by),
            self.device_name(device),
            str(case_id) if case_id else None,
            self.case_label(str(case_id) if case_id else None),
            words,
            detail,
        )


def _privacy_detail(data: dict[str, Any]) -> str:
    parts: list[str] = []
    if data.get("where"):
        parts.append(f"在{data['where']}")
    forms = data.get("forms")
    if isinstance(forms, list) and forms:
        parts.append("文书：" + "".join(f"《{f}》" for f in forms))
    if data.get("sheets") is not None:
        parts.append(f"{data['sheets']} 张")
    if data.get("reason"):
        parts.append(f"原因：{data['reason']}")
    cases = data.get("cases")
    if isinstance(cases, list) and cases:
        parts.append(f"涉及 {len(cases)} 件案件")
    elif isinstance(cases, int):
        parts.append(f"{cases} 件案件")
    if data.get("rows") is not None:
        parts.append(f"{data['rows']} 行")
    if data.get("column"):
        parts.append(f"列：{data['column']}" + ("（已删去）" if data.get("removed") else ""))
    if data.get("file"):
        parts.append(f"文件：{data['file']}")
    return "；".join(parts)


def _change_detail(tbl: str, op: str, row_id: str, keys: str) -> str:
    """Which fields a change wrote, in the forms' words (never the values)."""
    if tbl == SETTINGS:
        return field_label(SETTINGS, "value", row_id)
    if op != "u":
        return ""
    names = [field_label(tbl, k, row_id) for k in keys.split(",") if k and k not in _HIDDEN_FIELDS]
    names = list(dict.fromkeys(names))
    return "改了：" + "、".join(names) if names else "只更新了修改人和时间"


# --------------------------------------------------------------------------------------
# Choices for the filter


def action_choices(kind: str) -> list[tuple[str, str]]:
    """(action key, words) for a kind's 动作 filter."""
    if kind == "event":
        return list(ACTION_LABELS.items())
    if kind == "privacy":
        return list(privacy.ACCESS_ACTIONS.items())
    if kind == "change":
        return [(t, label) for t, label in TABLE_LABELS.items() if t not in _NOT_CHANGES]
    if kind == "login":
        return list(LOGIN_EVENTS.items())
    raise KeyError(kind)


def user_choices(db: Database) -> list[tuple[str, str]]:
    """(user id, name) of every user who appears or may appear, by name."""
    return [
        (str(r[0]), str(r[1]))
        for r in db.query("SELECT id, name FROM users ORDER BY active DESC, name")
    ]


# --------------------------------------------------------------------------------------
# Export


ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


def export_audit(
    db: Database,
    path: Path | str,
    f: AuditFilter | None = None,
    *,
    by: Actor,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> int:
    """Write the entries of ``f`` to ``path`` as .xlsx (xlsxwriter, constant memory); returns
    how many. The export is a 主任's and is itself recorded (privacy_events 'export_audit').
    It holds names of users and case numbers, never an ID number or a phone."""
    import xlsxwriter  # type: ignore[import-untyped, unused-ignore]

    from app.models.ledger import _discard

    actor = authorize(db, by)
    target = Path(path)
    reader = AuditReader(db, f)
    total = reader.count()
    tmp = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.xlsx.tmp")
    workbook = xlsxwriter.Workbook(
        str(tmp),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    try:
        sheet, cell = _start_sheet(workbook)
        written = _write_entries(sheet, cell, reader, total, progress, cancelled)
        sheet.autofilter(0, 0, max(written, 1), len(HEADERS) - 1)
        workbook.close()
        os.replace(tmp, target)
    except BaseException as exc:
        _discard(workbook)
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) or (
            type(exc).__module__.startswith("xlsxwriter") and isinstance(exc.__context__, OSError)
        ):
            raise ExportFileError(
                f"审计记录“{target.name}”没有保存：无法写入“{target.parent}”。"
                "请检查磁盘空间和写入权限，或换一个位置后再导出。",
                path=str(target),
            ) from exc
        raise
    with db.transaction() as conn:
        privacy.record_access(
            conn, "export_audit", by=actor.user_id, data={"rows": written, "file": target.name}
        )
    if progress is not None:
        progress(written, total)
    return written


def _start_sheet(workbook: Any) -> tuple[Any, Any]:
    """The sheet with its column widths and frozen header row; returns it and the cells'
    format."""
    workbook.set_properties({"title": "审计记录", "comments": "由调解工作台导出"})
    sheet = workbook.add_worksheet(SHEET_NAME)
    font = {"font_name": "宋体", "font_size": 10}
    header = workbook.add_format({**font, "bold": True, "bg_color": "#DDEBF7", "border": 1})
    cell = workbook.add_format({**font, "valign": "top", "text_wrap": True})
    for i, width in enumerate((19, 10, 14, 22, 9, 16, 60)):
        sheet.set_column(i, i, width, cell)
    for i, text in enumerate(HEADERS):
        sheet.write_string(0, i, text, header)
    sheet.freeze_panes(1, 0)
    return sheet, cell


def _write_entries(
    sheet: Any,
    cell: Any,
    reader: AuditReader,
    total: int,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> int:
    """One row per entry, the details redacted; returns how many."""
    written = 0
    for entry in reader:
        written += 1
        values = (
            entry.local_time,
            entry.user_name,
            entry.device,
            entry.case_label,
            entry.kind_label,
            entry.action,
            privacy.redact(entry.detail),
        )
        for i, value in enumerate(values):
            if value:
                sheet.write_string(written, i, value, cell)
        if written % 1000 == 0:
            if cancelled is not None and cancelled():
                raise OperationCancelledError("已取消导出，没有保存审计记录文件。")
            if progress is not None:
                progress(written, total)
    return written
