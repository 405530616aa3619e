"""The case life cycle: one transition table and one service function per step.

Every service validates, writes its rows, the case event and the search index in one
transaction, and raises a typed error (ValidationError, IllegalTransitionError …) whose
``message`` the UI shows as it is. Nothing is written when it raises.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from app.models import accounts, clause_templates, limits, privacy, rows, search
from app.models.accounts import DIRECTOR, WORKERS, Actor
from app.models.db import Database, utc_now
from app.models.errors import (
    IllegalTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from app.models.parties import PartyInput, insert_case_party, update_case_party, validate_parties
from app.models.reference import (
    AGREEMENT_OUTCOMES,
    OUTCOMES,
    PERFORMANCE,
    ROLES,
    STATES,
    categories,
)
from app.models.reference import sources as source_labels
from app.models.sync import numbers

# ---------------------------------------------------------------------------------------
# The transition table: action -> (states it is allowed from, state after; None = unchanged)

ACTIVE = frozenset({"accepted", "assigned", "mediating"})
AFTER_CLOSE = frozenset({"closed", "archived"})


@dataclass(frozen=True)
class Transition:
    label: str
    allowed_from: frozenset[str]
    to_state: str | None
    # Who may take the step (app/models/accounts.py): a 调解员 only on their own cases (those
    # they are assigned to, or nobody is yet); a 统计/只读 user never.
    roles: frozenset[str] = WORKERS


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition("受理", frozenset({"registered"}), "accepted"),
    "decline": Transition("不予受理", frozenset({"registered"}), "declined"),
    "assign": Transition("指派调解员", ACTIVE, "assigned"),
    "record_session": Transition("记录调解", frozenset({"assigned", "mediating"}), "mediating"),
    "record_investigation": Transition("记录调查", ACTIVE, None),
    "extend": Transition("延长期限", ACTIVE, None),
    "refer": Transition("归口移交", ACTIVE, None),
    "referral_feedback": Transition("登记移交反馈", ACTIVE | AFTER_CLOSE, None),
    "edit": Transition("修改案情", frozenset({"registered"}) | ACTIVE, None),
    "draft_agreement": Transition("起草协议", frozenset({"assigned", "mediating"}), None),
    "close": Transition("结案", ACTIVE, "closed"),
    "follow_up": Transition("回访", AFTER_CLOSE, None),
    "judicial_confirmation": Transition("司法确认", AFTER_CLOSE, None),
    "archive": Transition("归档", frozenset({"closed", "declined"}), "archived"),
    # an archived case: the 主任 only (reopen_case)
    "reopen": Transition("重新调解", AFTER_CLOSE, "mediating"),
    "void": Transition("作废", frozenset(STATES) - {"voided"}, "voided", frozenset({DIRECTOR})),
}

# 登记 makes a case: it is in no state yet, and nobody is assigned to it.
REGISTER = Transition("登记纠纷", frozenset(), "registered")

ACTION_LABELS: dict[str, str] = {
    "register": "登记",
    **{k: t.label for k, t in TRANSITIONS.items()},
    "edit_party": "修改当事人",
    "add_party": "增加当事人",
    "import": "从台账导入",
    "resolve_conflict": "处理同步冲突",  # app/models/sync/conflicts.py
    "renumber": "换发正式案号",
}


def allowed_actions(state: str) -> list[str]:
    """Actions the state allows, in the order the case window shows them."""
    return [name for name, t in TRANSITIONS.items() if state in t.allowed_from]


def _allow(conn: sqlite3.Connection, by: Actor, action: str, case_id: str | None) -> Actor:
    """Raise PermissionDeniedError unless the user's role (and, for a 调解员, the case)
    allows the step; returns the actor with the role they have now."""
    t = REGISTER if action == "register" else TRANSITIONS[action]
    return accounts.authorize_case(conn, by, label=t.label, roles=t.roles, case_id=case_id)


def refusal(db: Database, by: Actor, action: str, case_id: str | None = None) -> str:
    """'' when ``by`` may take the step on the case (state aside), else why not in plain
    Chinese (the tooltip of a disabled button)."""
    from app.models.errors import PermissionDeniedError

    try:
        with db.reading():
            if action == "reopen" and case_id is not None:
                _allow_reopen(db.conn, by, _load(db.conn, case_id))
            _allow(db.conn, by, action, case_id)
    except (PermissionDeniedError, IllegalTransitionError) as exc:
        return exc.message
    return ""


def _allow_reopen(conn: sqlite3.Connection, by: Actor, row: sqlite3.Row) -> None:
    if row["accepted_on"] is None:  # 不予受理, then 归档: nothing was ever mediated
        raise IllegalTransitionError(
            "这个案件没有受理过（不予受理后归档），不能重新调解。"
            "当事人再次申请调解的，请重新登记。",
            action="reopen",
            state=str(row["state"]),
        )
    if row["state"] == "archived" and not accounts.current(conn, by).is_director:
        raise PermissionDeniedError("已归档的案件只有调委会主任才能重新调解。")


# ---------------------------------------------------------------------------------------
# Helpers


def _check_date(value: date | None, field: str, *, today: date, required: bool = True) -> None:
    if value is None:
        if required:
            raise ValidationError(field, f"请填写{field}。")
        return
    if value > today:
        raise ValidationError(
            field, f"{field}（{value:%Y年%m月%d日}）晚于今天，已发生的事情不能填将来的日期。"
        )
    if value.year < 2000:
        raise ValidationError(field, f"{field}（{value:%Y年%m月%d日}）太早了，请核对年份。")


def _required_text(value: str, field: str, hint: str = "") -> str:
    value = value.strip()
    if not value:
        raise ValidationError(field, f"请填写{field}。{hint}")
    return limits.check_text(value, field)


def _today() -> date:
    return date.today()


def _load(conn: sqlite3.Connection, case_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone()
    if row is None:
        raise NotFoundError("找不到这件案件，可能已被删除或数据库已更换。")
    return row  # type: ignore[no-any-return]


def _guard(conn: sqlite3.Connection, row: sqlite3.Row, action: str, by: Actor) -> Transition:
    """The user may take the step (accounts), and the case's state allows it."""
    _allow(conn, by, action, str(row["id"]))
    t = TRANSITIONS[action]
    state = row["state"]
    if state not in t.allowed_from:
        allowed = "、".join(STATES[s] for s in STATES if s in t.allowed_from)
        raise IllegalTransitionError(
            f"这件案件现在是“{STATES.get(state, state)}”状态，不能{t.label}。"
            f"只有“{allowed}”的案件才能{t.label}。",
            action=action,
            state=state,
        )
    return t


def _event(
    conn: sqlite3.Connection,
    case_id: str,
    action: str,
    *,
    by: str,
    before: str | None,
    after: str | None,
    data: Mapping[str, Any] | None = None,
) -> None:
    conn.execute(
        "INSERT INTO case_events (id, case_id, at, by, action, state_before, state_after, "
        "data, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            rows.new_id(),
            case_id,
            utc_now(),
            by,
            action,
            before,
            after,
            # phones and ID numbers masked (docs/privacy.md)
            json.dumps(
                privacy.mask_event_data(action, data or {}),
                ensure_ascii=False,
                default=str,
                sort_keys=True,
            ),
            rows.device_id(conn),
        ),
    )


def _set_case(conn: sqlite3.Connection, case_id: str, values: Mapping[str, Any], by: str) -> None:
    rows.update(conn, "cases", case_id, values, by=by)


def _step(
    db: Database,
    case_id: str,
    action: str,
    *,
    by: Actor,
    values: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> tuple[sqlite3.Connection, sqlite3.Row]:
    """Shared body of a simple transition (caller is inside db.transaction())."""
    conn = db.conn
    row = _load(conn, case_id)
    t = _guard(conn, row, action, by)
    after = t.to_state or row["state"]
    _set_case(conn, case_id, {**(values or {}), "state": after}, by.user_id)
    _event(conn, case_id, action, by=by.user_id, before=row["state"], after=after, data=data)
    return conn, row


def _refresh_denormalised(conn: sqlite3.Connection, case_id: str) -> None:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT p.name FROM case_parties cp JOIN parties p ON p.id = cp.party_id "
            "WHERE cp.case_id = ? ORDER BY cp.position, cp.id",
            (case_id,),
        )
    ]
    mediator_names = [
        r[0]
        for r in conn.execute(
            "SELECT m.name FROM assignments a JOIN mediators m ON m.id = a.mediator_id "
            "WHERE a.case_id = ? AND a.ended_on IS NULL ORDER BY a.lead DESC, m.name",
            (case_id,),
        )
    ]
    conn.execute(
        "UPDATE cases SET parties_text = ?, mediators_text = ? WHERE id = ?",
        ("、".join(names), "、".join(mediator_names), case_id),
    )


def refresh_derived_names(conn: sqlite3.Connection, case_id: str) -> None:
    """The register's names after a merge brought parties or assignments of the case.

    Only the names the case has rows for: an imported case's mediators, written in the sheet
    with no assignment rows, keep their text.
    """
    has_parties, has_assignments = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM case_parties WHERE case_id = :c), "
        "EXISTS (SELECT 1 FROM assignments WHERE case_id = :c)",
        {"c": case_id},
    ).fetchone()
    before = conn.execute(
        "SELECT parties_text, mediators_text FROM cases WHERE id = ?", (case_id,)
    ).fetchone()
    _refresh_denormalised(conn, case_id)
    if not has_parties or not has_assignments:
        conn.execute(
            "UPDATE cases SET parties_text = CASE WHEN :p THEN parties_text ELSE :pt END, "
            "mediators_text = CASE WHEN :a THEN mediators_text ELSE :mt END WHERE id = :c",
            {
                "p": has_parties,
                "a": has_assignments,
                "pt": before[0],
                "mt": before[1],
                "c": case_id,
            },
        )


# ---------------------------------------------------------------------------------------
# Register


@dataclass(frozen=True)
class CaseInput:
    committee_id: str
    category: str
    source: str
    registered_on: date
    parties: list[PartyInput]
    facts: str
    requests: str = ""
    village_id: str | None = None
    source_detail: str = ""
    title: str = ""
    risk_note: str = ""


def register_case(db: Database, data: CaseInput, *, by: Actor, today: date | None = None) -> str:
    """登记: a dispute reaches the committee. Returns the new case id."""
    today = today or _today()
    if data.category not in categories():
        raise ValidationError("纠纷类型", "请从列表中选择纠纷类型。")
    if data.source not in source_labels():
        raise ValidationError("案件来源", "请从列表中选择案件来源。")
    _check_date(data.registered_on, "登记日期", today=today)
    parties = validate_parties(data.parties, today=today)
    facts = _required_text(data.facts, "纠纷简要情况", "写清楚发生了什么事、双方争的是什么。")
    with db.transaction() as conn:
        _allow(conn, by, "register", None)
        if (
            conn.execute("SELECT 1 FROM committees WHERE id = ?", (data.committee_id,)).fetchone()
            is None
        ):
            raise ValidationError("调委会", "找不到所选的调委会，请重新选择。")
        if (
            data.village_id is not None
            and conn.execute("SELECT 1 FROM places WHERE id = ?", (data.village_id,)).fetchone()
            is None
        ):
            raise ValidationError("所在村（社区）", "找不到所选的村（社区），请重新选择。")
        case_id = rows.insert(
            conn,
            "cases",
            {
                "committee_id": data.committee_id,
                "state": "registered",
                "category": data.category,
                "source": data.source,
                "source_detail": data.source_detail.strip(),
                "village_id": data.village_id,
                "title": data.title.strip(),
                "facts": facts,
                "requests": data.requests.strip(),
                "risk_note": data.risk_note.strip(),
                "registered_on": data.registered_on.isoformat(),
            },
            by=by.user_id,
        )
        for position, p in enumerate(parties):
            insert_case_party(conn, case_id, p, position, by=by.user_id)
        _refresh_denormalised(conn, case_id)
        _event(
            conn,
            case_id,
            "register",
            by=by.user_id,
            before=None,
            after="registered",
            data={"category": data.category, "source": data.source, "parties": len(parties)},
        )
        search.reindex_case(conn, case_id)
    return case_id


@dataclass(frozen=True)
class CaseDetails:
    """The 案情 of a case as the 案情 tab edits it (CaseFile.details reads it)."""

    category: str
    source: str
    village_id: str | None
    facts: str
    requests: str
    risk_note: str
    title: str = ""

    def columns(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "source": self.source,
            "village_id": self.village_id or None,
            "facts": self.facts.strip(),
            "requests": self.requests.strip(),
            "risk_note": self.risk_note.strip(),
            "title": self.title.strip(),
        }


def update_case_details(
    db: Database,
    case_id: str,
    details: CaseDetails,
    *,
    loaded: CaseDetails,
    stamp: str,
    by: Actor,
) -> bool:
    """Edit the description of an open case; the event keeps before/after.

    ``loaded`` is what the form showed before the user typed and ``stamp`` the case's edit
    stamp as read with it (CaseFile.stamp): only the fields the user changed are written,
    and nothing at all when the case changed meanwhile (StaleEditError, rows.update_changed).
    Returns False when nothing changed."""
    if details.category not in categories():
        raise ValidationError("纠纷类型", "请从列表中选择纠纷类型。")
    if details.source not in source_labels():
        raise ValidationError("案件来源", "请从列表中选择案件来源。")
    _required_text(details.facts, "纠纷简要情况")
    with db.transaction() as conn:
        row = _load(conn, case_id)
        _guard(conn, row, "edit", by)
        changes = rows.update_changed(
            conn,
            "cases",
            case_id,
            loaded.columns(),
            details.columns(),
            stamp=stamp,
            by=by.user_id,
            what="这件案件的案情",
        )
        if not changes:
            return False
        _event(
            conn,
            case_id,
            "edit",
            by=by.user_id,
            before=row["state"],
            after=row["state"],
            data={
                "before": {k: before for k, (before, _) in changes.items()},
                "after": {k: after for k, (_, after) in changes.items()},
            },
        )
        search.reindex_case(conn, case_id)
    return True


def save_party(
    db: Database,
    case_id: str,
    party: PartyInput,
    *,
    by: Actor,
    link_id: str | None = None,
    loaded: PartyInput | None = None,
    stamp: str = "",
    today: date | None = None,
) -> str:
    """Add a party to an open case, or change one (``link_id``). Returns the link id.

    A change gives ``loaded``, the party as the form showed it before the user typed, and
    ``stamp``, CaseParty.stamp as read with it: only the fields the user changed are
    written, and nothing when the party changed meanwhile (StaleEditError)."""
    from app.models.parties import case_parties, validate_party

    today = today or _today()
    label = ROLES.get(party.role, "当事人") if party.role else ""
    p = validate_party(party, label=label, today=today)
    with db.transaction() as conn:
        row = _load(conn, case_id)
        _guard(conn, row, "edit", by)
        existing = case_parties(conn, case_id)
        if link_id is None:
            link_id = insert_case_party(conn, case_id, p, len(existing), by=by.user_id)
            action = "add_party"
            data: dict[str, Any] = {"name": p.name, "role": p.role}
        else:
            old = next((x for x in existing if x.link_id == link_id), None)
            if old is None:
                raise NotFoundError("找不到这位当事人，可能已在另一个窗口中删除。")
            if loaded is None:
                raise TypeError("changing a party needs the party as the form loaded it")
            changed = update_case_party(conn, old, p, loaded=loaded, stamp=stamp, by=by.user_id)
            if not changed:
                return link_id
            action = "edit_party"
            data = {
                "before": {"name": old.name, "phone": old.phone},
                "after": {"name": p.name, "phone": p.phone},
            }
        _refresh_denormalised(conn, case_id)
        _event(
            conn, case_id, action, by=by.user_id, before=row["state"], after=row["state"], data=data
        )
        search.reindex_case(conn, case_id)
    return link_id


# ---------------------------------------------------------------------------------------
# Accept / decline


# The committees.number_pattern column default (schema v1), for previews before set-up.
DEFAULT_NUMBER_PATTERN = "（{year}）{abbr}调字第{seq}号"


def format_case_number(pattern: str, *, year: int, abbr: str, seq: int, width: int = 0) -> str:
    return pattern.format(year=year, abbr=abbr, seq=str(seq).zfill(width))


def accept_case(
    db: Database, case_id: str, *, by: Actor, accepted_on: date, today: date | None = None
) -> str:
    """受理: allocate the case number (per committee and year, no gaps) and the due date.

    On a field laptop the number comes from the blocks the office gave it; with none left
    for the committee and year the case gets a provisional number, and the office gives the
    real one when it merges the laptop's file (app/models/sync/numbers.py).
    """
    today = today or _today()
    _check_date(accepted_on, "受理日期", today=today)
    with db.transaction() as conn:
        row = _load(conn, case_id)
        _guard(conn, row, "accept", by)
        if accepted_on < date.fromisoformat(row["registered_on"]):
            raise ValidationError("受理日期", "受理日期不能早于登记日期。")
        committee = conn.execute(
            "SELECT abbr, number_pattern, seq_width, time_limit_days FROM committees WHERE id = ?",
            (row["committee_id"],),
        ).fetchone()
        year = accepted_on.year
        if numbers.is_field(conn):
            seq = numbers.take(conn, row["committee_id"], year, by=by.user_id)
        else:
            seq = _next_seq(conn, row["committee_id"], year)
        if seq is None:
            number = numbers.provisional_number(
                conn, committee["number_pattern"], year=year, abbr=committee["abbr"]
            )
        else:
            number = format_case_number(
                committee["number_pattern"],
                year=year,
                abbr=committee["abbr"],
                seq=seq,
                width=committee["seq_width"],
            )
        due = accepted_on + timedelta(days=committee["time_limit_days"])
        _set_case(
            conn,
            case_id,
            {
                "state": "accepted",
                "number": number,
                "number_year": year,
                "number_seq": seq,
                "number_provisional": int(seq is None),
                "accepted_on": accepted_on.isoformat(),
                "due_on": due.isoformat(),
            },
            by.user_id,
        )
        data: dict[str, Any] = {"number": number, "accepted_on": accepted_on, "due_on": due}
        if seq is None:
            data["provisional"] = True
        _event(
            conn, case_id, "accept", by=by.user_id, before="registered", after="accepted", data=data
        )
        search.reindex_case(conn, case_id)
    return number


def _next_seq(conn: sqlite3.Connection, committee_id: str, year: int) -> int:
    """The office's next number: a number a laptop handed back first, else the sequence
    (the first of a year continues after every number used or reserved)."""
    return numbers.office_next(conn, committee_id, year)


def give_real_number(conn: sqlite3.Connection, case_id: str, *, by: str) -> tuple[str, str]:
    """The office gives a case accepted with a provisional number on a laptop its real
    number of the year it was accepted in, with a ``renumber`` event (inside the caller's
    transaction, after a merge). Returns (provisional number, real number)."""
    row = _load(conn, case_id)
    committee = conn.execute(
        "SELECT abbr, number_pattern, seq_width FROM committees WHERE id = ?",
        (row["committee_id"],),
    ).fetchone()
    year = row["number_year"] or date.fromisoformat(row["accepted_on"]).year
    seq = _next_seq(conn, row["committee_id"], year)
    number = format_case_number(
        committee["number_pattern"],
        year=year,
        abbr=committee["abbr"],
        seq=seq,
        width=committee["seq_width"],
    )
    old = str(row["number"] or "")
    _set_case(
        conn,
        case_id,
        {"number": number, "number_year": year, "number_seq": seq, "number_provisional": 0},
        by,
    )
    _event(
        conn,
        case_id,
        "renumber",
        by=by,
        before=row["state"],
        after=row["state"],
        data={"from": old, "to": number},
    )
    search.reindex_case(conn, case_id)
    return old, number


def decline_case(
    db: Database,
    case_id: str,
    *,
    by: Actor,
    declined_on: date,
    reason: str,
    today: date | None = None,
) -> None:
    """不予受理, with its reason."""
    example = "例如：一方明确拒绝调解，或已向法院起诉。"
    _dated_step_with_reason(
        db, case_id, "decline", by=by, on=(declined_on, "declined_on", "不予受理日期"),
        reason=(reason, "decline_reason", "不予受理的理由", example), today=today,
        dated_in_history=True,
    )  # fmt: skip


def _dated_step_with_reason(
    db: Database,
    case_id: str,
    action: str,
    *,
    by: Actor,
    on: tuple[date, str, str],
    reason: tuple[str, str, str, str],
    today: date | None,
    dated_in_history: bool = False,
) -> None:
    """A step that sets a date and a reason the user must give (不予受理, 作废): ``on`` is
    (the date, its column, its field's name), ``reason`` (the text, its column, its
    field's name, an example for the message). The history keeps the reason (and, with
    ``dated_in_history``, the date)."""
    day, day_column, day_field = on
    text, text_column, text_field, example = reason
    _check_date(day, day_field, today=today or _today())
    text = _required_text(text, text_field, example)
    data: dict[str, Any] = {"reason": text}
    if dated_in_history:
        data[day_column] = day
    with db.transaction():
        _step(
            db, case_id, action, by=by,
            values={day_column: day.isoformat(), text_column: text}, data=data,
        )  # fmt: skip


# ---------------------------------------------------------------------------------------
# Assign / reassign


def assign_mediators(
    db: Database,
    case_id: str,
    *,
    by: Actor,
    mediator_ids: list[str],
    how: str,
    lead_id: str | None = None,
    assigned_on: date,
    reason: str = "",
    today: date | None = None,
) -> None:
    """指派 (or 重新指派): the mediators now responsible; earlier ones not kept are ended."""
    today = today or _today()
    _check_date(assigned_on, "指派日期", today=today)
    lead_id = _checked_lead(mediator_ids, how, lead_id)
    with db.transaction() as conn:
        row = _load(conn, case_id)
        t = _guard(conn, row, "assign", by)
        _check_mediators_serve(conn, mediator_ids)
        current = {
            r["mediator_id"]: r["id"]
            for r in conn.execute(
                "SELECT id, mediator_id FROM assignments WHERE case_id = ? AND ended_on IS NULL",
                (case_id,),
            )
        }
        if current and not reason.strip():
            raise ValidationError("更换原因", "重新指派调解员时请写明原因。")
        for mediator_id, assignment_id in current.items():
            if mediator_id not in mediator_ids:
                rows.update(
                    conn,
                    "assignments",
                    assignment_id,
                    {"ended_on": assigned_on.isoformat(), "end_reason": reason.strip()},
                    by=by.user_id,
                )
        _write_assignments(
            conn, case_id, current, mediator_ids, lead_id, how, assigned_on, by=by.user_id
        )
        # A reassignment during mediation keeps the case in mediation.
        after = row["state"] if row["state"] == "mediating" else (t.to_state or row["state"])
        _set_case(conn, case_id, {"state": after}, by.user_id)
        _refresh_denormalised(conn, case_id)
        _event(
            conn,
            case_id,
            "assign",
            by=by.user_id,
            before=row["state"],
            after=after,
            data={
                "mediators": mediator_ids,
                "lead": lead_id,
                "how": how,
                "ended": [m for m in current if m not in mediator_ids],
                "reason": reason.strip(),
                "assigned_on": assigned_on,
            },
        )


def _checked_lead(mediator_ids: list[str], how: str, lead_id: str | None) -> str:
    """The 指派 form's choices checked; returns the 主办调解员 (the first one by default)."""
    if not mediator_ids:
        raise ValidationError("调解员", "请至少选择一名调解员。")
    if len(set(mediator_ids)) != len(mediator_ids):
        raise ValidationError("调解员", "同一名调解员选了两次。")
    if how not in ("appointed", "chosen"):
        raise ValidationError("产生方式", "请选择调解员是调委会指定还是当事人选定。")
    lead_id = lead_id or mediator_ids[0]
    if lead_id not in mediator_ids:
        raise ValidationError("主办调解员", "主办调解员必须是所选调解员之一。")
    return lead_id


def _check_mediators_serve(conn: sqlite3.Connection, mediator_ids: list[str]) -> None:
    """Every mediator chosen exists and has not left."""
    known = {
        r[0]
        for r in conn.execute(
            f"SELECT id FROM mediators WHERE retired = 0 AND id IN "
            f"({','.join('?' * len(mediator_ids))})",
            mediator_ids,
        )
    }
    if missing := [m for m in mediator_ids if m not in known]:
        raise ValidationError("调解员", f"有{len(missing)}名调解员不存在或已离任，请重新选择。")


def _write_assignments(
    conn: sqlite3.Connection,
    case_id: str,
    current: dict[str, str],
    mediator_ids: list[str],
    lead_id: str,
    how: str,
    assigned_on: date,
    *,
    by: str,
) -> None:
    """One assignment row per mediator chosen: a new one, or the current one with the
    主办 moved."""
    for mediator_id in mediator_ids:
        if mediator_id in current:
            rows.update(
                conn,
                "assignments",
                current[mediator_id],
                {"lead": int(mediator_id == lead_id)},
                by=by,
            )
        else:
            rows.insert(
                conn,
                "assignments",
                {
                    "case_id": case_id,
                    "mediator_id": mediator_id,
                    "how": how,
                    "lead": int(mediator_id == lead_id),
                    "assigned_on": assigned_on.isoformat(),
                },
                by=by,
            )


# ---------------------------------------------------------------------------------------
# Mediate


@dataclass(frozen=True)
class SessionInput:
    kind: str  # session | investigation
    held_at: datetime
    place: str
    record: str
    participants: str = ""
    subject: str = ""
    staff: str = ""
    recorder: str = ""
    result: str = ""


def record_session(
    db: Database, case_id: str, data: SessionInput, *, by: Actor, now: datetime | None = None
) -> str:
    """调解记录 or 调查记录. A session moves the case into 调解中."""
    now = now or datetime.now()
    if data.kind not in ("session", "investigation"):
        raise ValidationError("记录类型", "请选择调解记录或调查记录。")
    what = "调解" if data.kind == "session" else "调查"
    if data.held_at > now + timedelta(minutes=5):
        raise ValidationError(f"{what}时间", f"{what}时间晚于现在，请填写实际进行的时间。")
    place = _required_text(data.place, f"{what}地点")
    record = _required_text(data.record, f"{what}记录内容")
    action = "record_session" if data.kind == "session" else "record_investigation"
    with db.transaction() as conn:
        row = _load(conn, case_id)
        if data.held_at.date() < date.fromisoformat(row["registered_on"]):
            raise ValidationError(f"{what}时间", f"{what}时间不能早于登记日期。")
        _step(db, case_id, action, by=by, data={"held_at": data.held_at, "place": place})
        return rows.insert(
            conn,
            "sessions",
            {
                "case_id": case_id,
                "kind": data.kind,
                "held_at": data.held_at.strftime("%Y-%m-%d %H:%M"),
                "place": place,
                "participants": data.participants.strip(),
                "subject": data.subject.strip(),
                "staff": data.staff.strip(),
                "recorder": data.recorder.strip(),
                "record": record,
                "result": data.result.strip(),
            },
            by=by.user_id,
        )


def extend_deadline(
    db: Database,
    case_id: str,
    *,
    by: Actor,
    requested_by: str,
    reason: str,
    new_due_on: date,
    decided_on: date,
    today: date | None = None,
) -> None:
    """延长调解期限: who asked, why, and the new due date (later than the current one)."""
    today = today or _today()
    _check_date(decided_on, "决定日期", today=today)
    requested_by = _required_text(requested_by, "申请延期的人", "一般应由双方当事人提出。")
    reason = _required_text(reason, "延期理由")
    with db.transaction() as conn:
        row = _load(conn, case_id)
        old = date.fromisoformat(row["due_on"]) if row["due_on"] else None
        if old is not None and new_due_on <= old:
            raise ValidationError("新的期限", f"新的期限必须晚于现在的期限（{old:%Y年%m月%d日}）。")
        _step(
            db,
            case_id,
            "extend",
            by=by,
            values={"due_on": new_due_on.isoformat()},
            data={"from": old, "to": new_due_on, "requested_by": requested_by, "reason": reason},
        )
        rows.insert(
            conn,
            "extensions",
            {
                "case_id": case_id,
                "requested_by": requested_by,
                "reason": reason,
                "old_due_on": old.isoformat() if old else None,
                "new_due_on": new_due_on.isoformat(),
                "decided_on": decided_on.isoformat(),
            },
            by=by.user_id,
        )


def refer_case(
    db: Database,
    case_id: str,
    *,
    by: Actor,
    body: str,
    receiver: str,
    referred_on: date,
    reason: str,
    today: date | None = None,
) -> str:
    """归口: hand the matter to another body (派出所, 法庭, 信访 …)."""
    today = today or _today()
    _check_date(referred_on, "移交日期", today=today)
    body = _required_text(body, "移交单位")
    reason = _required_text(reason, "移交原因")
    with db.transaction() as conn:
        _step(
            db,
            case_id,
            "refer",
            by=by,
            data={"body": body, "receiver": receiver.strip(), "referred_on": referred_on},
        )
        return rows.insert(
            conn,
            "referrals",
            {
                "case_id": case_id,
                "body": body,
                "receiver": receiver.strip(),
                "referred_on": referred_on.isoformat(),
                "reason": reason,
            },
            by=by.user_id,
        )


def record_referral_feedback(
    db: Database,
    referral_id: str,
    *,
    by: Actor,
    feedback: str,
    feedback_on: date,
    today: date | None = None,
) -> None:
    today = today or _today()
    _check_date(feedback_on, "反馈日期", today=today)
    feedback = _required_text(feedback, "反馈内容")
    with db.transaction() as conn:
        ref = conn.execute(
            "SELECT case_id, referred_on FROM referrals WHERE id = ?", (referral_id,)
        ).fetchone()
        if ref is None:
            raise NotFoundError("找不到这条移交记录。")
        if feedback_on < date.fromisoformat(ref["referred_on"]):
            raise ValidationError("反馈日期", "反馈日期不能早于移交日期。")
        _step(db, ref["case_id"], "referral_feedback", by=by, data={"feedback": feedback})
        rows.update(
            conn,
            "referrals",
            referral_id,
            {"feedback": feedback, "feedback_on": feedback_on.isoformat()},
            by=by.user_id,
        )


# ---------------------------------------------------------------------------------------
# Close


@dataclass(frozen=True)
class AgreementInput:
    """An agreement as written at closing, or its draft while the case is mediated."""

    terms: list[str]
    facts: str = ""  # facts, matters in dispute, each party's responsibility
    perform_manner: str = ""
    perform_place: str = ""
    perform_deadline: date | None = None  # 履行期限: by this day …
    perform_within_days: int | None = None  # … or 签订后 N 日内 (never both)
    amount_fen: int | None = None
    recorder: str = ""  # 记录人, printed under the signatures


@dataclass(frozen=True)
class CloseInput:
    closed_on: date
    outcome: str
    performance: str = "pending"
    amount_fen: int | None = None
    prevented_criminal: bool = False
    prevented_petition: bool = False
    note: str = ""
    agreement: AgreementInput | None = None


MAX_WITHIN_DAYS = 3650  # ten years: "签订后 N 日内" beyond that is a typing slip
DEADLINE_FIELD = "履行期限"
AMOUNT_FIELD = "协议金额"


def _check_agreement_values(agreement: AgreementInput) -> None:
    """The checks a draft and a signed agreement share (dates against the case aside)."""
    clause_templates.check_figures(agreement.terms)  # "人民币15000o元": name the term
    if agreement.amount_fen is not None and agreement.amount_fen < 0:
        raise ValidationError(AMOUNT_FIELD, "协议金额不能是负数。")
    days = agreement.perform_within_days
    if days is not None and agreement.perform_deadline is not None:
        raise ValidationError(
            DEADLINE_FIELD,
            "履行期限请只填一种：写“某日前”的日期，或者写“签订后几日内”的天数，不要两样都填。",
        )
    if days is not None and not 1 <= days <= MAX_WITHIN_DAYS:
        raise ValidationError(
            DEADLINE_FIELD, f"“签订后几日内”请填 1 到 {MAX_WITHIN_DAYS} 之间的天数。"
        )


def _agreement_values(agreement: AgreementInput) -> dict[str, Any]:
    """The columns agreements and agreement_drafts share, cleaned."""
    return {
        "facts": agreement.facts.strip(),
        "terms": json.dumps([t.strip() for t in agreement.terms if t.strip()], ensure_ascii=False),
        "perform_manner": agreement.perform_manner.strip(),
        "perform_place": agreement.perform_place.strip(),
        "perform_deadline": (
            agreement.perform_deadline.isoformat() if agreement.perform_deadline else None
        ),
        "perform_within_days": agreement.perform_within_days,
        "amount_fen": agreement.amount_fen,
        "recorder": agreement.recorder.strip(),
    }


def check_close(
    data: CloseInput,
    *,
    today: date | None = None,
    state: str | None = None,
    accepted_on: date | None = None,
) -> None:
    """The checks of :func:`close_case`, given what is known of the case (the dialog runs
    them before it asks "确定结案？"): raises ValidationError naming the field, or
    IllegalTransitionError for an outcome the case's state does not allow."""
    today = today or _today()
    if data.outcome != "withdrawn" and state == "accepted":
        raise IllegalTransitionError(
            "还没有指派调解员，只能以“当事人撤回”结案。请先指派调解员并记录调解。",
            action="close",
            state=state,
        )
    _check_date(data.closed_on, "结案日期", today=today)
    if data.outcome not in OUTCOMES:
        raise ValidationError("调解结果", "请选择调解结果。")
    if data.performance not in PERFORMANCE:
        raise ValidationError("履行情况", "请选择履行情况。")
    if data.amount_fen is not None and data.amount_fen < 0:
        raise ValidationError("涉及金额", "涉及金额不能是负数。")
    agreement = data.agreement
    if data.outcome in AGREEMENT_OUTCOMES:
        terms = [t.strip() for t in (agreement.terms if agreement else []) if t.strip()]
        if not terms:
            raise ValidationError("协议内容", "达成协议的案件请至少写一条协议内容。")
        assert agreement is not None
        _check_agreement_values(agreement)
        deadline = agreement.perform_deadline
        if deadline is not None and deadline < data.closed_on:
            raise ValidationError(
                DEADLINE_FIELD,
                f"履行期限（{deadline:%Y年%m月%d日}）早于协议签订（结案）日期，请核对。"
                "当场履行的，可写“签订后 1 日内”。",
            )
    elif data.outcome == "terminated" and not data.note.strip():
        raise ValidationError("终止原因", "调解不成的案件请写明终止调解的原因。")
    if accepted_on is not None and data.closed_on < accepted_on:
        raise ValidationError("结案日期", "结案日期不能早于受理日期。")


def close_case(
    db: Database, case_id: str, data: CloseInput, *, by: Actor, today: date | None = None
) -> None:
    """结案 with one outcome; an agreement outcome stores the agreement in the same step
    (and the case's 协议草稿, which it came from, is removed)."""
    check_close(data, today=today)
    agreement = data.agreement
    with db.transaction() as conn:
        row = _load(conn, case_id)
        _guard(conn, row, "close", by)
        check_close(
            data,
            today=today,
            state=row["state"],
            accepted_on=date.fromisoformat(row["accepted_on"]),
        )
        amount = data.amount_fen
        if amount is None and agreement is not None:
            amount = agreement.amount_fen
        _step(
            db,
            case_id,
            "close",
            by=by,
            values={
                "closed_on": data.closed_on.isoformat(),
                "outcome": data.outcome,
                "performance": data.performance,
                "amount_fen": amount,
                "prevented_criminal": int(data.prevented_criminal),
                "prevented_petition": int(data.prevented_petition),
                "close_note": data.note.strip(),
            },
            data={
                "outcome": data.outcome,
                "closed_on": data.closed_on,
                "amount_fen": amount,
                "performance": data.performance,
                "prevented_criminal": data.prevented_criminal,
                "prevented_petition": data.prevented_petition,
            },
        )
        if data.outcome in AGREEMENT_OUTCOMES and agreement is not None:
            _save_agreement(conn, case_id, data, agreement, by=by.user_id)
            # The draft became the agreement; a failed or withdrawn mediation keeps it
            # (nothing typed is lost, and a reopened case starts from it again).
            conn.execute("DELETE FROM agreement_drafts WHERE case_id = ?", (case_id,))


def _save_agreement(
    conn: sqlite3.Connection,
    case_id: str,
    data: CloseInput,
    agreement: AgreementInput,
    *,
    by: str,
) -> None:
    values = {
        "kind": "written" if data.outcome == "agreement_written" else "oral",
        **_agreement_values(agreement),
        "signed_on": data.closed_on.isoformat(),
    }
    existing = conn.execute("SELECT id FROM agreements WHERE case_id = ?", (case_id,)).fetchone()
    if existing is None:
        rows.insert(conn, "agreements", {"case_id": case_id, **values}, by=by)
    else:  # closing again after a reopen replaces the agreement; the old one is in the events
        rows.update(conn, "agreements", existing[0], values, by=by)


# ---------------------------------------------------------------------------------------
# The draft agreement (协议草稿)

# What a draft's fields are called in its history line (the keys of the stored row).
DRAFT_FIELDS: dict[str, str] = {
    "facts": "纠纷事实及责任",
    "terms": "协议条款",
    "perform_manner": "履行方式",
    "perform_place": "履行地点",
    "perform_deadline": DEADLINE_FIELD,
    "perform_within_days": DEADLINE_FIELD,
    "amount_fen": AMOUNT_FIELD,
    "recorder": "记录人",
}


def save_agreement_draft(
    db: Database,
    case_id: str,
    draft: AgreementInput,
    *,
    by: Actor,
    loaded: AgreementInput | None,
    stamp: str,
    today: date | None = None,
) -> bool:
    """保存协议草稿: while the case is mediated the agreement is drafted, printed for the
    parties to read and changed, as often as needed; 结案 turns it into the agreement.

    ``loaded`` is what the form showed before the user typed (None: all of ``draft`` is
    meant) and ``stamp`` the draft's edit stamp as read with it (AgreementDraft.stamp, or
    rows.ABSENT when there was no draft yet): only what the user changed is written, and
    nothing when the draft changed meanwhile (StaleEditError).

    A draft may be incomplete (no terms yet). Returns False when nothing changed (then
    nothing is written, not even an event)."""
    today = today or _today()
    _check_agreement_values(draft)
    deadline = draft.perform_deadline
    if deadline is not None and deadline < today:
        raise ValidationError(
            DEADLINE_FIELD,
            f"履行期限（{deadline:%Y年%m月%d日}）已经过去了，协议签订时就已逾期。"
            "请改为以后的日期，或者写“签订后几日内”。",
        )
    values = _agreement_values(draft)
    with db.transaction() as conn:
        row = _load(conn, case_id)
        _guard(conn, row, "draft_agreement", by)
        old = conn.execute(
            "SELECT * FROM agreement_drafts WHERE case_id = ?", (case_id,)
        ).fetchone()
        if old is None:
            rows.insert(conn, "agreement_drafts", {"case_id": case_id, **values}, by=by.user_id)
            data: dict[str, Any] = {
                "created": True,
                "terms": len(json.loads(values["terms"])),
                "amount_fen": values["amount_fen"],
            }
        else:
            changed = rows.update_changed(
                conn,
                "agreement_drafts",
                old["id"],
                {} if loaded is None else _agreement_values(loaded),
                values,
                stamp=stamp,
                by=by.user_id,
                what="协议草稿",
            )
            if not changed:
                return False
            data = {"changed": sorted(changed), "amount_fen": values["amount_fen"]}
        state = row["state"]
        _event(
            conn, case_id, "draft_agreement", by=by.user_id, before=state, after=state, data=data
        )
    return True


# ---------------------------------------------------------------------------------------
# After closing


SATISFACTION_FIELD = "满意程度"
SATISFACTION_CHOICES = ("满意", "基本满意", "不满意")


@dataclass(frozen=True)
class FollowUpInput:
    visited_on: date
    visitor: str
    person_visited: str
    performed: str  # a PERFORMANCE key
    satisfaction: str = ""
    findings: str = ""
    measures: str = ""


def record_follow_up(
    db: Database, case_id: str, data: FollowUpInput, *, by: Actor, today: date | None = None
) -> str:
    """回访: what the visit found. Also updates the case's 履行情况."""
    today = today or _today()
    _check_date(data.visited_on, "回访日期", today=today)
    visitor = _required_text(data.visitor, "回访人")
    person = _required_text(data.person_visited, "被回访人")
    if data.performed not in PERFORMANCE:
        raise ValidationError("履行情况", "请选择履行情况。")
    satisfaction = data.satisfaction.strip()
    if not satisfaction:  # never assumed: the form asks, the 回访记录 prints it
        raise ValidationError(
            SATISFACTION_FIELD, "请选择被回访人的满意程度：满意、基本满意或不满意。"
        )
    with db.transaction() as conn:
        row = _load(conn, case_id)
        if row["closed_on"] and data.visited_on < date.fromisoformat(row["closed_on"]):
            raise ValidationError("回访日期", "回访日期不能早于结案日期。")
        _step(
            db,
            case_id,
            "follow_up",
            by=by,
            values={"performance": data.performed},
            data={"visited_on": data.visited_on, "performed": data.performed},
        )
        return rows.insert(
            conn,
            "follow_ups",
            {
                "case_id": case_id,
                "visited_on": data.visited_on.isoformat(),
                "visitor": visitor,
                "person_visited": person,
                "performed": data.performed,
                "satisfaction": satisfaction,
                "findings": data.findings.strip(),
                "measures": data.measures.strip(),
            },
            by=by.user_id,
        )


@dataclass(frozen=True)
class ConfirmationInput:
    applied_on: date
    court: str
    number: str = ""  # （2024）X0102民特调确字第12号
    result: str = "pending"
    decided_on: date | None = None


def record_judicial_confirmation(
    db: Database, case_id: str, data: ConfirmationInput, *, by: Actor, today: date | None = None
) -> str:
    """司法确认: only for a written agreement; application date, court, 调确字 number, result."""
    from app.models.reference import CONFIRMATION_RESULTS

    today = today or _today()
    _check_date(data.applied_on, "申请日期", today=today)
    _check_date(data.decided_on, "裁定日期", today=today, required=False)
    court = _required_text(data.court, "受理法院")
    if data.result not in CONFIRMATION_RESULTS:
        raise ValidationError("确认结果", "请选择确认结果。")
    if data.result != "pending" and data.decided_on is None:
        raise ValidationError("裁定日期", "法院已作出裁定的，请填写裁定日期。")
    if data.decided_on is not None and data.decided_on < data.applied_on:
        raise ValidationError("裁定日期", "裁定日期不能早于申请日期。")
    with db.transaction() as conn:
        row = _load(conn, case_id)
        if row["outcome"] != "agreement_written":
            raise IllegalTransitionError(
                "只有达成书面调解协议的案件才能申请司法确认。",
                action="judicial_confirmation",
                state=row["state"],
            )
        if row["closed_on"] and data.applied_on < date.fromisoformat(row["closed_on"]):
            raise ValidationError("申请日期", "申请日期不能早于协议签订（结案）日期。")
        _step(
            db,
            case_id,
            "judicial_confirmation",
            by=by,
            data={"court": court, "number": data.number.strip(), "result": data.result},
        )
        return rows.insert(
            conn,
            "judicial_confirmations",
            {
                "case_id": case_id,
                "applied_on": data.applied_on.isoformat(),
                "court": court,
                "number": data.number.strip(),
                "result": data.result,
                "decided_on": data.decided_on.isoformat() if data.decided_on else None,
            },
            by=by.user_id,
        )


def archive_case(
    db: Database, case_id: str, *, by: Actor, archived_on: date, today: date | None = None
) -> None:
    """归档: the case file is bound."""
    today = today or _today()
    _check_date(archived_on, "归档日期", today=today)
    with db.transaction():
        _step(
            db,
            case_id,
            "archive",
            by=by,
            values={"archived_on": archived_on.isoformat()},
            data={"archived_on": archived_on},
        )


def reopen_case(db: Database, case_id: str, *, by: Actor, reason: str, requested_by: str) -> None:
    """重新调解 a closed case (archived ones only for a 主任): who asked and why."""
    reason = _required_text(reason, "重新调解的原因")
    requested_by = _required_text(requested_by, "提出人")
    with db.transaction() as conn:
        row = _load(conn, case_id)  # the previous outcome is kept in the event
        _allow_reopen(conn, by, row)  # the first reason to give
        _allow(conn, by, "reopen", case_id)
        _step(
            db,
            case_id,
            "reopen",
            by=by,
            # The result goes with the closing: an open case has no outcome, performance,
            # amount or 防止民转刑/群体性上访 flags. The agreement row stays (the 结案 dialog
            # offers it again); the old result is kept in the event.
            values={
                "closed_on": None,
                "closed_on_basis": "",  # an imported closing's mark goes with it
                "archived_on": None,
                "outcome": None,
                "performance": None,
                "amount_fen": None,
                "prevented_criminal": 0,
                "prevented_petition": 0,
                "close_note": "",
            },
            data={
                "reason": reason,
                "requested_by": requested_by,
                "previous": {
                    "outcome": row["outcome"],
                    "closed_on": row["closed_on"],
                    "archived_on": row["archived_on"],
                    "performance": row["performance"],
                    "amount_fen": row["amount_fen"],
                    "prevented_criminal": bool(row["prevented_criminal"]),
                    "prevented_petition": bool(row["prevented_petition"]),
                    "close_note": row["close_note"],
                },
            },
        )


def void_case(
    db: Database,
    case_id: str,
    *,
    by: Actor,
    reason: str,
    voided_on: date,
    today: date | None = None,
) -> None:
    """作废 (cases are never deleted): the reason stays in the history."""
    _dated_step_with_reason(
        db, case_id, "void", by=by, on=(voided_on, "voided_on", "作废日期"),
        reason=(reason, "void_reason", "作废原因", "例如：重复登记。"), today=today,
    )  # fmt: skip
