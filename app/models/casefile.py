"""Read side: everything about one case as plain dataclasses (case window, printing)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.models.cases import ACTION_LABELS, allowed_actions
from app.models.db import Database
from app.models.errors import NotFoundError
from app.models.parties import CaseParty, case_parties
from app.models.reference import OUTCOMES, PERFORMANCE, STATES
from app.models.reference import sources as source_labels


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


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
    follow_ups: list[FollowUp] = field(default_factory=list)
    confirmations: list[Confirmation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

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


def load_case(db: Database, case_id: str) -> CaseFile:
    r = db.one(
        "SELECT c.*, cm.name AS committee_name, coalesce(p.name, '') AS village_name "
        "FROM cases c JOIN committees cm ON cm.id = c.committee_id "
        "LEFT JOIN places p ON p.id = c.village_id WHERE c.id = ?",
        (case_id,),
    )
    if r is None:
        raise NotFoundError("找不到这件案件。")
    conn = db.conn
    assignments = [
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
    sessions = [
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
    extensions = [
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
    referrals = [
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
    a = conn.execute("SELECT * FROM agreements WHERE case_id = ?", (case_id,)).fetchone()
    agreement = (
        None
        if a is None
        else Agreement(
            a["kind"],
            a["facts"],
            list(json.loads(a["terms"])),
            a["perform_manner"],
            a["perform_place"],
            _d(a["perform_deadline"]),
            a["amount_fen"],
            date.fromisoformat(a["signed_on"]),
        )
    )
    follow_ups = [
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
    confirmations = [
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
    events = [
        Event(
            e["at"],
            e["user_name"] or e["by"],
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
        assignments=assignments,
        sessions=sessions,
        extensions=extensions,
        referrals=referrals,
        agreement=agreement,
        follow_ups=follow_ups,
        confirmations=confirmations,
        events=events,
    )


def describe_event(event: Event) -> str:
    """One readable line for the history tab."""
    d = event.data
    parts: list[str] = []
    if event.state_before != event.state_after and event.state_after:
        before = STATES.get(event.state_before or "", "")
        after = STATES.get(event.state_after, event.state_after)
        parts.append(f"{before} → {after}" if before else after)
    for key, label in (
        ("number", "编号"),
        ("reason", "原因"),
        ("requested_by", "提出人"),
        ("body", "移交单位"),
        ("feedback", "反馈"),
        ("court", "法院"),
    ):
        if d.get(key):
            parts.append(f"{label}：{d[key]}")
    if d.get("outcome"):
        parts.append(f"结果：{OUTCOMES.get(d['outcome'], d['outcome'])}")
    if d.get("to"):
        parts.append(f"期限延至 {d['to']}")
    if "before" in d and isinstance(d["before"], dict):
        changed = "、".join(sorted(d["before"]))
        parts.append(f"修改了 {changed}")
    return "；".join(parts)
