"""Read side: everything about one case as plain dataclasses (case window, printing)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.models import rows
from app.models.cases import ACTION_LABELS, DRAFT_FIELDS, CaseDetails, allowed_actions
from app.models.db import Database
from app.models.errors import NotFoundError
from app.models.office import SYSTEM_USER
from app.models.parties import CaseParty, case_parties
from app.models.reference import (
    ASSIGN_HOW,
    CONFIRMATION_RESULTS,
    OUTCOMES,
    PERFORMANCE,
    ROLES,
    STATES,
)
from app.models.reference import sources as source_labels
from app.models.register import CONFIRMATION_WINDOW_DAYS

UNKNOWN_USER = "（未知用户）"


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# cases.closed_on_basis → what the case window and the register say about the closing date
CLOSED_ON_BASIS_NOTES: dict[str, str] = {
    "accepted": "按受理日期记，导入的台账没有结案日期",
    "mediated": "按台账的调解日期记，台账没有结案日期",
    "unrecorded": "未记载：导入的台账没有结案日期",
}


@dataclass(frozen=True)
class SessionRecord:
    id: str
    kind: str
    held_at: str
    place: str
    participants: str
    subject: str
    staff: str
    recorder: str
    record: str
    result: str


@dataclass(frozen=True)
class Assignment:
    id: str
    mediator_id: str
    mediator_name: str
    how: str
    lead: bool
    assigned_on: date
    ended_on: date | None
    end_reason: str


@dataclass(frozen=True)
class Extension:
    requested_by: str
    reason: str
    old_due_on: date | None
    new_due_on: date
    decided_on: date


@dataclass(frozen=True)
class Referral:
    id: str
    body: str
    receiver: str
    referred_on: date
    reason: str
    feedback: str
    feedback_on: date | None


@dataclass(frozen=True)
class Agreement:
    kind: str
    facts: str
    terms: list[str]
    perform_manner: str
    perform_place: str
    perform_deadline: date | None
    amount_fen: int | None
    signed_on: date
    recorder: str = ""
    perform_within_days: int | None = None  # 履行期限 "签订后 N 日内" instead of a date


@dataclass(frozen=True)
class AgreementDraft:
    """协议草稿: the agreement as drafted while the case is mediated (not signed)."""

    facts: str
    terms: list[str]
    perform_manner: str
    perform_place: str
    perform_deadline: date | None
    perform_within_days: int | None
    amount_fen: int | None
    recorder: str
    updated_at: str  # UTC ISO
    updated_by_name: str
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): given back on save


@dataclass(frozen=True)
class FollowUp:
    visited_on: date
    visitor: str
    person_visited: str
    performed: str
    satisfaction: str
    findings: str
    measures: str


@dataclass(frozen=True)
class Confirmation:
    applied_on: date
    court: str
    number: str
    result: str
    decided_on: date | None


@dataclass(frozen=True)
class Event:
    at: str  # UTC ISO
    by_name: str
    action: str
    state_before: str | None
    state_after: str | None
    data: dict[str, Any]

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


@dataclass(frozen=True)
class CaseFile:
    id: str
    committee_id: str
    committee_name: str
    number: str | None
    state: str
    category: str
    source: str
    source_detail: str
    village_id: str | None
    village_name: str
    title: str
    facts: str
    requests: str
    risk_note: str
    registered_on: date
    accepted_on: date | None
    declined_on: date | None
    decline_reason: str
    due_on: date | None
    closed_on: date | None
    outcome: str | None
    performance: str | None
    amount_fen: int | None
    prevented_criminal: bool
    prevented_petition: bool
    close_note: str
    archived_on: date | None
    voided_on: date | None
    void_reason: str
    parties: list[CaseParty] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    sessions: list[SessionRecord] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    agreement: Agreement | None = None
    draft: AgreementDraft | None = None
    follow_ups: list[FollowUp] = field(default_factory=list)
    confirmations: list[Confirmation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # Every mediator's name by id (retired ones too): assignment events store ids.
    mediator_names: dict[str, str] = field(default_factory=dict)
    # where closed_on came from when a 台账 import dated it (schema v6): '' entered or in
    # the sheet; 'accepted' / 'mediated' dated by the 受理日期 / 调解日期; 'unrecorded' none
    closed_on_basis: str = ""
    # accepted on a field laptop that had no number left: the office gives the real one
    # when it merges the laptop's file (app/models/sync/numbers.py)
    number_provisional: bool = False
    # the case row's edit stamp as read (rows.stamp_sql): the 案情 tab gives it back on save
    stamp: str = ""

    @property
    def details(self) -> CaseDetails:
        """The 案情 as stored (what cases.update_case_details changes)."""
        return CaseDetails(
            self.category,
            self.source,
            self.village_id,
            self.facts,
            self.requests,
            self.risk_note,
            self.title,
        )

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def source_label(self) -> str:
        return source_labels().get(self.source, self.source)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome or "", "")

    @property
    def closed_on_note(self) -> str:
        """Why an imported case's closing date is not a recorded one ("" when it is):
        shown after the date, or instead of it."""
        return CLOSED_ON_BASIS_NOTES.get(self.closed_on_basis, "")

    @property
    def performance_label(self) -> str:
        return PERFORMANCE.get(self.performance or "", "")

    @property
    def is_read_only(self) -> bool:
        """Closed, archived, declined and voided cases are shown read-only until reopened."""
        return self.state in ("closed", "archived", "declined", "voided")

    @property
    def actions(self) -> list[str]:
        return allowed_actions(self.state)

    @property
    def current_mediators(self) -> list[Assignment]:
        return [a for a in self.assignments if a.ended_on is None]

    def side(self, role: str) -> list[CaseParty]:
        return [p for p in self.parties if p.role == role]

    @property
    def can_apply_for_confirmation(self) -> bool:
        """Judicial confirmation exists only for a written agreement of a closed case."""
        return self.state in ("closed", "archived") and self.outcome == "agreement_written"

    @property
    def confirmation_deadline(self) -> date | None:
        """The last day both parties may apply to the court (Art 33), if they may."""
        if not self.can_apply_for_confirmation or self.agreement is None:
            return None
        return self.agreement.signed_on + timedelta(days=CONFIRMATION_WINDOW_DAYS)

    def describe(self, event: Event) -> str:
        """The history line of one of this case's events."""
        return describe_event(event, self.mediator_names)


def load_case(db: Database, case_id: str) -> CaseFile:
    """Everything about a case, as the case window shows it. A file that cannot be read
    (damaged, locked) raises a StorageError, never a raw sqlite3 error."""
    with db.reading():  # the reads below use the raw connection
        return _load_case(db, case_id)


def _load_case(db: Database, case_id: str) -> CaseFile:
    r = db.one(
        "SELECT c.*, cm.name AS committee_name, coalesce(p.name, '') AS village_name, "
        f"{rows.stamp_sql('cases', 'c')} AS stamp "
        "FROM cases c JOIN committees cm ON cm.id = c.committee_id "
        "LEFT JOIN places p ON p.id = c.village_id WHERE c.id = ?",
        (case_id,),
    )
    if r is None:
        raise NotFoundError("找不到这件案件。")
    conn = db.conn
    return CaseFile(
        id=r["id"],
        committee_id=r["committee_id"],
        committee_name=r["committee_name"],
        number=r["number"],
        state=r["state"],
        category=r["category"],
        source=r["source"],
        source_detail=r["source_detail"],
        village_id=r["village_id"],
        village_name=r["village_name"],
        title=r["title"],
        facts=r["facts"],
        requests=r["requests"],
        risk_note=r["risk_note"],
        registered_on=date.fromisoformat(r["registered_on"]),
        accepted_on=_d(r["accepted_on"]),
        declined_on=_d(r["declined_on"]),
        decline_reason=r["decline_reason"],
        due_on=_d(r["due_on"]),
        closed_on=_d(r["closed_on"]),
        closed_on_basis=r["closed_on_basis"],
        number_provisional=bool(r["number_provisional"]),
        stamp=r["stamp"],
        outcome=r["outcome"],
        performance=r["performance"],
        amount_fen=r["amount_fen"],
        prevented_criminal=bool(r["prevented_criminal"]),
        prevented_petition=bool(r["prevented_petition"]),
        close_note=r["close_note"],
        archived_on=_d(r["archived_on"]),
        voided_on=_d(r["voided_on"]),
        void_reason=r["void_reason"],
        parties=case_parties(conn, case_id),
        assignments=_assignments(conn, case_id),
        sessions=_sessions(conn, case_id),
        extensions=_extensions(conn, case_id),
        referrals=_referrals(conn, case_id),
        agreement=_agreement(conn, case_id),
        draft=_draft(conn, case_id),
        follow_ups=_follow_ups(conn, case_id),
        confirmations=_confirmations(conn, case_id),
        events=_events(conn, case_id),
        mediator_names={m["id"]: m["name"] for m in conn.execute("SELECT id, name FROM mediators")},
    )


def _assignments(conn: sqlite3.Connection, case_id: str) -> list[Assignment]:
    """Who mediated, in the order they were assigned (the 主办 first on a day)."""
    return [
        Assignment(
            a["id"],
            a["mediator_id"],
            a["name"],
            a["how"],
            bool(a["lead"]),
            date.fromisoformat(a["assigned_on"]),
            _d(a["ended_on"]),
            a["end_reason"],
        )
        for a in conn.execute(
            "SELECT a.*, m.name FROM assignments a JOIN mediators m ON m.id = a.mediator_id "
            "WHERE a.case_id = ? ORDER BY a.assigned_on, a.lead DESC, a.created_at",
            (case_id,),
        )
    ]


def _sessions(conn: sqlite3.Connection, case_id: str) -> list[SessionRecord]:
    """Investigations and sessions, in the order they were held."""
    return [
        SessionRecord(
            s["id"],
            s["kind"],
            s["held_at"],
            s["place"],
            s["participants"],
            s["subject"],
            s["staff"],
            s["recorder"],
            s["record"],
            s["result"],
        )
        for s in conn.execute(
            "SELECT * FROM sessions WHERE case_id = ? ORDER BY held_at, created_at", (case_id,)
        )
    ]


def _extensions(conn: sqlite3.Connection, case_id: str) -> list[Extension]:
    """Deadlines extended, oldest first."""
    return [
        Extension(
            e["requested_by"],
            e["reason"],
            _d(e["old_due_on"]),
            date.fromisoformat(e["new_due_on"]),
            date.fromisoformat(e["decided_on"]),
        )
        for e in conn.execute(
            "SELECT * FROM extensions WHERE case_id = ? ORDER BY created_at", (case_id,)
        )
    ]


def _referrals(conn: sqlite3.Connection, case_id: str) -> list[Referral]:
    """Referrals to other bodies, and their feedback."""
    return [
        Referral(
            f["id"],
            f["body"],
            f["receiver"],
            date.fromisoformat(f["referred_on"]),
            f["reason"],
            f["feedback"],
            _d(f["feedback_on"]),
        )
        for f in conn.execute(
            "SELECT * FROM referrals WHERE case_id = ? ORDER BY referred_on", (case_id,)
        )
    ]


def _agreement(conn: sqlite3.Connection, case_id: str) -> Agreement | None:
    """The signed agreement, if any."""
    a = conn.execute("SELECT * FROM agreements WHERE case_id = ?", (case_id,)).fetchone()
    if a is None:
        return None
    return Agreement(
        a["kind"],
        a["facts"],
        list(json.loads(a["terms"])),
        a["perform_manner"],
        a["perform_place"],
        _d(a["perform_deadline"]),
        a["amount_fen"],
        date.fromisoformat(a["signed_on"]),
        a["recorder"],
        a["perform_within_days"],
    )


def _draft(conn: sqlite3.Connection, case_id: str) -> AgreementDraft | None:
    """The 协议草稿, if any, with who last saved it."""
    d = conn.execute(
        f"SELECT d.*, u.name AS user_name, {rows.stamp_sql('agreement_drafts', 'd')} AS stamp "
        "FROM agreement_drafts d "
        "LEFT JOIN users u ON u.id = d.updated_by WHERE d.case_id = ?",
        (case_id,),
    ).fetchone()
    if d is None:
        return None
    return AgreementDraft(
        d["facts"],
        list(json.loads(d["terms"])),
        d["perform_manner"],
        d["perform_place"],
        _d(d["perform_deadline"]),
        d["perform_within_days"],
        d["amount_fen"],
        d["recorder"],
        d["updated_at"],
        _user_name(d["updated_by"], d["user_name"]),
        d["stamp"],
    )


def _follow_ups(conn: sqlite3.Connection, case_id: str) -> list[FollowUp]:
    """回访 records, oldest first."""
    return [
        FollowUp(
            date.fromisoformat(v["visited_on"]),
            v["visitor"],
            v["person_visited"],
            v["performed"],
            v["satisfaction"],
            v["findings"],
            v["measures"],
        )
        for v in conn.execute(
            "SELECT * FROM follow_ups WHERE case_id = ? ORDER BY visited_on", (case_id,)
        )
    ]


def _confirmations(conn: sqlite3.Connection, case_id: str) -> list[Confirmation]:
    """司法确认 records, oldest first."""
    return [
        Confirmation(
            date.fromisoformat(j["applied_on"]),
            j["court"],
            j["number"],
            j["result"],
            _d(j["decided_on"]),
        )
        for j in conn.execute(
            "SELECT * FROM judicial_confirmations WHERE case_id = ? ORDER BY applied_on",
            (case_id,),
        )
    ]


def _events(conn: sqlite3.Connection, case_id: str) -> list[Event]:
    """The case's history, oldest first."""
    return [
        Event(
            e["at"],
            _user_name(e["by"], e["user_name"]),
            e["action"],
            e["state_before"],
            e["state_after"],
            json.loads(e["data"]),
        )
        for e in conn.execute(
            "SELECT e.*, u.name AS user_name FROM case_events e LEFT JOIN users u ON u.id = e.by "
            "WHERE e.case_id = ? ORDER BY e.at, e.id",
            (case_id,),
        )
    ]


def _user_name(user_id: str, name: str | None) -> str:
    # Never an id on screen: a user unknown here (e.g. from another device) gets a word.
    if name:
        return name
    return "系统" if user_id == SYSTEM_USER else UNKNOWN_USER


# ---------------------------------------------------------------------------------------
# The history tab: one readable line per event, in the words of the forms (never a column
# name, a key or an id).

# Columns that edit events carry in data["before"]/["after"], as the forms label them.
FIELD_LABELS: dict[str, str] = {
    "category": "纠纷类型",
    "source": "案件来源",
    "source_detail": "来源说明",
    "village_id": "所在村（社区）",
    "title": "案件名称",
    "facts": "纠纷简要情况",
    "requests": "当事人请求",
    "risk_note": "风险提示",
    "name": "姓名",
    "phone": "联系电话",
}

_FIELD_ORDER = {key: i for i, key in enumerate(FIELD_LABELS)}
UNKNOWN_MEDIATOR = "（未知调解员）"


def _day(value: object) -> str:
    """Event data holds dates as ISO text (``json.dumps(default=str)``); show the day."""
    return str(value)[:10]


def _yuan(fen: object) -> str:
    return f"{Decimal(int(str(fen))) / 100:,.2f} 元"  # exact: money is whole fen


def _label(mapping: dict[str, str], key: object) -> str:
    return mapping.get(str(key), str(key))


def _edit_parts(d: dict[str, Any]) -> list[str]:
    before, after = d.get("before") or {}, d.get("after") or {}
    changed: list[str] = []
    # In the order of the form (the stored JSON is sorted by key).
    for key in sorted(before, key=lambda k: _FIELD_ORDER.get(k, len(_FIELD_ORDER))):
        label = FIELD_LABELS.get(key, "其他内容")
        if key in ("category", "source"):  # short values: say what they became
            values = source_labels() if key == "source" else {}
            old, new = _label(values, before[key]), _label(values, after.get(key, ""))
            label += f"（{old} → {new}）"
        if label not in changed:
            changed.append(label)
    return [f"修改了{'、'.join(changed)}"] if changed else []


def _party_parts(action: str, d: dict[str, Any]) -> list[str]:
    if action == "add_party":
        return [f"{_label(ROLES, d.get('role', 'party'))}：{d.get('name', '')}"]
    old, new = d.get("before") or {}, d.get("after") or {}
    parts = []
    if old.get("name") != new.get("name"):
        parts.append(f"姓名：{old.get('name', '')} → {new.get('name', '')}")
    else:
        parts.append(f"当事人：{new.get('name', '')}")
    if old.get("phone") != new.get("phone"):
        parts.append(f"联系电话：{old.get('phone') or '无'} → {new.get('phone') or '无'}")
    return parts


def _assign_parts(d: dict[str, Any], mediator_names: Mapping[str, str]) -> list[str]:
    lead = d.get("lead")
    people = [
        mediator_names.get(m, UNKNOWN_MEDIATOR) + ("（主办）" if m == lead else "")
        for m in d.get("mediators", [])
    ]
    parts = ["调解员：" + "、".join(people)] if people else []
    if d.get("how"):
        parts.append(_label(ASSIGN_HOW, d["how"]))
    ended = [mediator_names.get(m, UNKNOWN_MEDIATOR) for m in d.get("ended", [])]
    if ended:
        parts.append("不再担任：" + "、".join(ended))
    if d.get("reason"):
        parts.append(f"更换原因：{d['reason']}")
    return parts


def _close_parts(d: dict[str, Any]) -> list[str]:
    parts = [f"结果：{_label(OUTCOMES, d.get('outcome', ''))}"]
    if d.get("amount_fen") is not None:
        parts.append(f"金额：{_yuan(d['amount_fen'])}")
    effects = [
        label
        for key, label in (
            ("prevented_criminal", "防止民转刑"),
            ("prevented_petition", "防止群体性上访"),
        )
        if d.get(key)
    ]
    if effects:
        parts.append("、".join(effects))
    return parts


def _draft_parts(d: dict[str, Any]) -> list[str]:
    if d.get("created"):
        parts = [f"新建协议草稿，协议条款 {d.get('terms', 0)} 条"]
    else:
        labels: list[str] = []
        for key in DRAFT_FIELDS:  # in the order of the form
            label = DRAFT_FIELDS[key]
            if key in d.get("changed", []) and label not in labels:
                labels.append(label)
        parts = [f"修改了协议草稿的{'、'.join(labels) or '内容'}"]
    if d.get("amount_fen") is not None:
        parts.append(f"协议金额：{_yuan(d['amount_fen'])}")
    return parts


def _details(event: Event, mediator_names: Mapping[str, str]) -> list[str]:
    d, action = event.data, event.action
    if action == "assign":
        return _assign_parts(d, mediator_names)
    if action in ("add_party", "edit_party"):
        return _party_parts(action, d)
    parts = _DETAIL_PARTS.get(action)
    return parts(d) if parts is not None else []


def _register_parts(d: dict[str, Any]) -> list[str]:
    return [
        f"纠纷类型：{d.get('category', '')}",
        f"来源：{_label(source_labels(), d.get('source', ''))}",
        f"当事人 {d.get('parties', 0)} 人",
    ]


def _accept_parts(d: dict[str, Any]) -> list[str]:
    number = f"编号：{d.get('number', '')}"
    if d.get("provisional"):
        number += "（临时编号）"
    return [number, f"调解期限至 {_day(d.get('due_on', ''))}"]


def _renumber_parts(d: dict[str, Any]) -> list[str]:
    return [f"临时编号 {d.get('from', '')} 换发为正式案号 {d.get('to', '')}"]


def _reason_parts(d: dict[str, Any]) -> list[str]:
    return [f"原因：{d.get('reason', '')}"]


def _session_parts(d: dict[str, Any]) -> list[str]:
    return [f"时间：{str(d.get('held_at', ''))[:16]}", f"地点：{d.get('place', '')}"]


def _extend_parts(d: dict[str, Any]) -> list[str]:
    return [
        f"期限由 {_day(d.get('from') or '未定')} 延至 {_day(d.get('to', ''))}",
        f"提出人：{d.get('requested_by', '')}",
        f"理由：{d.get('reason', '')}",
    ]


def _refer_parts(d: dict[str, Any]) -> list[str]:
    parts = [f"移交单位：{d.get('body', '')}"]
    if d.get("receiver"):
        parts.append(f"接收人：{d['receiver']}")
    return parts


def _feedback_parts(d: dict[str, Any]) -> list[str]:
    return [f"反馈：{d.get('feedback', '')}"]


def _follow_up_parts(d: dict[str, Any]) -> list[str]:
    return [
        f"回访日期：{_day(d.get('visited_on', ''))}",
        f"履行情况：{_label(PERFORMANCE, d.get('performed', ''))}",
    ]


def _confirmation_parts(d: dict[str, Any]) -> list[str]:
    parts = [f"法院：{d.get('court', '')}"]
    if d.get("number"):
        parts.append(str(d["number"]))
    return [*parts, _label(CONFIRMATION_RESULTS, d.get("result", ""))]


def _archive_parts(d: dict[str, Any]) -> list[str]:
    return [f"归档日期：{_day(d.get('archived_on', ''))}"]


def _reopen_parts(d: dict[str, Any]) -> list[str]:
    previous = (d.get("previous") or {}).get("outcome")
    parts = [f"提出人：{d.get('requested_by', '')}", f"原因：{d.get('reason', '')}"]
    if previous:
        parts.append(f"原结果：{_label(OUTCOMES, previous)}")
    return parts


def _conflict_parts(d: dict[str, Any]) -> list[str]:
    """处理同步冲突 (app/models/sync/conflicts.py): the field and the version kept."""
    aside = [str(t) for t in d.get("set_aside") or []]
    texts = [str(d.get("after", "")), *aside]
    same = 0  # characters all the texts begin with
    for chars in zip(*texts, strict=False) if len(texts) > 1 else ():
        if len(set(chars)) > 1:
            break
        same += 1
    start = same - 6 if same > 12 else 0  # long texts that begin alike: show where they differ

    def short(text: str) -> str:
        text = text.replace("\n", " ")
        cut = ("…" if start else "") + text[start : start + 24]
        return cut + ("…" if len(text) > start + 24 else "")

    part = d.get("part") or ""
    if d.get("column") == "_alive":
        return [f"{part or '这条记录'}：{'确认删除' if d.get('deleted') else '恢复并保留修改'}"]
    field = f"{part}的{d.get('field', '')}" if part else str(d.get("field", ""))
    if d.get("how") == "merged":
        return [f"{field}：合并了各个版本的内容"]
    where = (d.get("chosen") or {}).get("where")
    source = f"（{where}上的修改）" if where else ""
    parts = [f"{field}：保留“{short(texts[0])}”{source}"]
    if aside:
        parts.append("未采用：" + "、".join(f"“{short(t)}”" for t in aside))
    return parts


def describe_event(event: Event, mediator_names: Mapping[str, str] | None = None) -> str:
    """One readable line for the history tab: the change of state, then the details.

    ``mediator_names`` (``CaseFile.mediator_names``) turns the ids an assignment stores
    into names.
    """
    parts: list[str] = []
    if event.state_before != event.state_after and event.state_after:
        before = STATES.get(event.state_before or "", "")
        after = STATES.get(event.state_after, event.state_after)
        parts.append(f"{before} → {after}" if before else after)
    parts += _details(event, mediator_names or {})
    return "；".join(p for p in parts if p)


# The details of each action's history line (besides 指派 and the party steps, which need
# more than the event's data). An action not listed has none.
_DETAIL_PARTS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "register": _register_parts,
    "edit": _edit_parts,
    "accept": _accept_parts,
    "renumber": _renumber_parts,
    "decline": _reason_parts,
    "void": _reason_parts,
    "record_session": _session_parts,
    "record_investigation": _session_parts,
    "extend": _extend_parts,
    "refer": _refer_parts,
    "referral_feedback": _feedback_parts,
    "close": _close_parts,
    "draft_agreement": _draft_parts,
    "follow_up": _follow_up_parts,
    "judicial_confirmation": _confirmation_parts,
    "archive": _archive_parts,
    "resolve_conflict": _conflict_parts,
    "reopen": _reopen_parts,
}
