"""Writing a previewed import: one transaction, all or nothing.

The services of app/models/cases.py cannot take a ledger row (accept_case allocates a new
number; close_case wants agreement terms and mediators the sheet does not have), so each
case is written here directly, keeping what the services keep: the stamp columns
(rows.insert), the parties (parties.insert_case_party), the denormalised register columns
and the case event (the helpers of cases.py), the agreement row of an agreement outcome,
the search row (search.reindex_case), and the committee's number sequence raised past every
imported number so later acceptances never collide.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from app.models import cases, rows, search
from app.models.db import Database
from app.models.errors import ImportFailedError, ImportRejectedError, OperationCancelledError
from app.models.ledger_import.plan import NUMBERED_STATES, ImportPlan, PlannedCase
from app.models.office import Committee, get_committee
from app.models.parties import insert_case_party
from app.models.reference import AGREEMENT_OUTCOMES

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

IMPORT_ACTION = "import"  # the case event of an imported case
PROGRESS_EVERY = 100


@dataclass(frozen=True)
class ImportResult:
    imported: int
    case_ids: tuple[str, ...]
    skipped_bad_rows: tuple[int, ...]  # Excel row numbers
    skipped_duplicates: tuple[int, ...]
    numbered: dict[int, str] = field(default_factory=dict)  # row -> number given on import

    @property
    def summary(self) -> str:
        text = f"已导入 {self.imported} 件案件"
        skipped = []
        if self.skipped_bad_rows:
            skipped.append(f"有错误的 {len(self.skipped_bad_rows)} 行")
        if self.skipped_duplicates:
            skipped.append(f"重复的 {len(self.skipped_duplicates)} 件")
        if skipped:
            text += "，跳过" + "、".join(skipped)
        if self.numbered:
            text += f"；{len(self.numbered)} 件原表没有编号，已自动编号"
        return text + "。"


def _rows_text(rows_: list[int], limit: int = 10) -> str:
    shown = "、".join(str(r) for r in rows_[:limit])
    return f"第{shown}行" + (f"等 {len(rows_)} 行" if len(rows_) > limit else "")


def apply_import(
    db: Database,
    plan: ImportPlan,
    *,
    by: str,
    skip_bad_rows: bool,
    skip_duplicates: bool,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ImportResult:
    """Import the planned cases in one transaction.

    ``skip_bad_rows`` False: any row error (or a duplicate number that is not skipped)
    refuses the whole import (ImportRejectedError) and nothing is written.
    ``skip_duplicates``: leave out rows that look like existing cases; a row whose case
    number is already in the database is never imported twice.
    A cancel (OperationCancelledError) or any failure (ImportFailedError, StorageError)
    rolls everything back: the database is exactly as before.
    """
    blocked = [
        c.row for c in plan.cases if c.duplicate and c.duplicate.blocking and not skip_duplicates
    ]
    bad = sorted(plan.bad_rows + blocked)
    if bad and not skip_bad_rows:
        raise ImportRejectedError(
            f"有 {len(bad)} 行不能导入（{_rows_text(bad)}），按“全部导入或全部不导入”的选择，"
            "本次没有导入任何案件。请在表格中改正这些行后重新导入，或选择“跳过有错误的行”。",
            bad_rows=tuple(bad),
        )
    chosen: list[PlannedCase] = []
    duplicates: list[int] = []
    for c in plan.cases:
        if c.duplicate is not None and skip_duplicates:
            duplicates.append(c.row)
        elif c.row not in blocked:
            chosen.append(c)
    committee = get_committee(db, plan.committee_id)
    total = len(chosen)
    case_ids: list[str] = []
    numbered: dict[int, str] = {}
    with db.transaction() as conn:
        _raise_sequences(conn, committee.id, chosen)
        for i, planned in enumerate(chosen):
            if cancelled is not None and i % 20 == 0 and cancelled():
                raise OperationCancelledError(
                    "已取消导入，没有导入任何案件，数据库保持导入前的样子。"
                )
            try:
                case_id, number = _insert(conn, plan, planned, committee, by=by)
            except sqlite3.IntegrityError as exc:
                raise ImportFailedError(
                    f"第{planned.row}行导入失败（{_integrity_reason(exc)}），整个导入已撤销，"
                    "数据库保持导入前的样子。数据可能在预览之后有了变化，请重新预览后再导入。",
                    row=planned.row,
                ) from exc
            case_ids.append(case_id)
            if planned.number is None and number is not None:
                numbered[planned.row] = number
            if progress is not None and (i + 1) % PROGRESS_EVERY == 0:
                progress(i + 1, total)
        if cancelled is not None and cancelled():
            raise OperationCancelledError("已取消导入，没有导入任何案件，数据库保持导入前的样子。")
    if progress is not None:
        progress(total, total)
    skipped_bad = tuple(bad) if skip_bad_rows else ()
    return ImportResult(len(case_ids), tuple(case_ids), skipped_bad, tuple(duplicates), numbered)


def _integrity_reason(exc: sqlite3.IntegrityError) -> str:
    text = str(exc)
    if "cases.number" in text:
        return "案件编号已被其他案件使用"
    if "FOREIGN KEY" in text:
        return "所在村（社区）或调解员已不存在"
    return text


def _raise_sequences(
    conn: sqlite3.Connection, committee_id: str, chosen: list[PlannedCase]
) -> None:
    """Move the committee's number sequence of each year past every imported number (and
    past the numbers already in the database), before any number is allocated."""
    top: dict[int, int] = {}
    for c in chosen:
        if c.number is not None and c.number_year is not None and c.number_seq is not None:
            top[c.number_year] = max(top.get(c.number_year, 0), c.number_seq)
        elif c.number is None and c.state in NUMBERED_STATES and c.accepted_on is not None:
            # (an archived 不予受理 case has no accepted_on and gets no number)
            top.setdefault(c.accepted_on.year, 0)
    for year, seq in top.items():
        used = conn.execute(
            "SELECT coalesce(max(number_seq), 0) FROM cases WHERE committee_id = ? "
            "AND number_year = ?",
            (committee_id, year),
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO case_number_seq(committee_id, year, last_seq) VALUES (?, ?, ?) "
            "ON CONFLICT(committee_id, year) DO UPDATE "
            "SET last_seq = max(last_seq, excluded.last_seq)",
            (committee_id, year, max(seq, int(used))),
        )


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _insert(
    conn: sqlite3.Connection,
    plan: ImportPlan,
    c: PlannedCase,
    committee: Committee,
    *,
    by: str,
) -> tuple[str, str | None]:
    number, year, seq = c.number, c.number_year, c.number_seq
    if number is None and c.state in NUMBERED_STATES and c.accepted_on is not None:
        year = c.accepted_on.year
        seq = cases._next_seq(conn, committee.id, year)
        number = cases.format_case_number(
            committee.number_pattern,
            year=year,
            abbr=committee.abbr,
            seq=seq,
            width=committee.seq_width,
        )
    closed = c.outcome is not None and c.state != "voided"
    declined_archived = c.state == "archived" and c.outcome is None
    case_id = rows.insert(
        conn,
        "cases",
        {
            "committee_id": committee.id,
            "number": number,
            "number_year": year,
            "number_seq": seq,
            "state": c.state,
            "category": c.category,
            "source": c.source,
            "village_id": c.village_id,
            "facts": c.facts,
            "registered_on": c.registered_on.isoformat(),
            "accepted_on": _iso(c.accepted_on),
            "due_on": _iso(c.due_on),
            "closed_on": _iso(c.closed_on),
            "outcome": c.outcome,
            "performance": c.performance,
            "amount_fen": c.amount_fen,
            "decline_reason": c.note if c.state == "declined" or declined_archived else "",
            "void_reason": c.note if c.state == "voided" else "",
            "close_note": c.note if closed else "",
        },
        by=by,
    )
    for position, party in enumerate(c.parties):
        insert_case_party(conn, case_id, party, position, by=by)
    assigned_on = (c.accepted_on or c.registered_on).isoformat()
    for i, mediator_id in enumerate(c.mediator_ids):
        rows.insert(
            conn,
            "assignments",
            {
                "case_id": case_id,
                "mediator_id": mediator_id,
                "how": "appointed",
                "lead": int(i == 0),
                "assigned_on": assigned_on,
            },
            by=by,
        )
    if c.outcome in AGREEMENT_OUTCOMES and c.closed_on is not None:
        rows.insert(
            conn,
            "agreements",
            {
                "case_id": case_id,
                "kind": "written" if c.outcome == "agreement_written" else "oral",
                "terms": json.dumps([], ensure_ascii=False),
                "amount_fen": c.amount_fen,
                "signed_on": c.closed_on.isoformat(),
            },
            by=by,
        )
    if c.confirmation is not None:
        j = c.confirmation
        rows.insert(
            conn,
            "judicial_confirmations",
            {
                "case_id": case_id,
                "applied_on": j.applied_on.isoformat(),
                "court": j.court,
                "number": j.number,
                "result": j.result,
                "decided_on": _iso(j.decided_on),
            },
            by=by,
        )
    cases._refresh_denormalised(conn, case_id)
    data: dict[str, object] = {
        "file": plan.file_name,
        "sheet": plan.sheet,
        "row": c.row,
        "values": c.values,
    }
    if c.warnings:
        data["warnings"] = list(c.warnings)
    if c.number is None and number is not None:
        data["number_allocated"] = number
    cases._event(conn, case_id, IMPORT_ACTION, by=by, before=None, after=c.state, data=data)
    search.reindex_case(conn, case_id)
    return case_id, number
