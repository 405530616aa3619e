"""The case register (台账 on screen): filtered, searched, sorted lists of cases, fetched lazily,
and the start page's lists of today's work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, overload

from app.models import office, search
from app.models.db import Database
from app.models.reference import STATES

# States sort in the order a case goes through them (their keys' spelling means nothing).
_STATE_ORDER = (
    "CASE c.state "
    + " ".join(f"WHEN '{key}' THEN {i}" for i, key in enumerate(STATES))
    + f" ELSE {len(STATES)} END"
)

# Sort keys the register offers -> SQL expression (all indexed or cheap).
SORT_COLUMNS: dict[str, str] = {
    "number": "c.number_year {dir}, c.number_seq {dir}, c.seq {dir}",  # seq: ties (no number)
    "registered_on": "c.registered_on {dir}, c.seq {dir}",
    "state": _STATE_ORDER + " {dir}, c.seq DESC",
    "category": "c.category {dir}, c.seq DESC",
    "source": "c.source {dir}, c.seq DESC",
    "village": "v.name {dir}, c.seq DESC",
    "parties": "c.parties_text {dir}, c.seq DESC",
    "mediators": "c.mediators_text {dir}, c.seq DESC",
    "due_on": "c.due_on {dir}, c.seq DESC",
    "closed_on": "c.closed_on {dir}, c.seq DESC",
}


@dataclass(frozen=True)
class RegisterFilter:
    states: frozenset[str] = frozenset()
    category: str | None = None
    source: str | None = None
    village_id: str | None = None
    mediator_id: str | None = None
    date_from: date | None = None  # registered on or after
    date_to: date | None = None
    text: str = ""
    include_voided: bool = False


@dataclass(frozen=True)
class RegisterRow:
    seq: int
    id: str
    number: str | None
    state: str
    category: str
    source: str
    village: str
    parties: str
    mediators: str
    registered_on: str
    due_on: str | None
    closed_on: str | None
    outcome: str | None
    extra: dict[str, Any] = field(default_factory=dict)
    closed_on_basis: str = ""  # an imported closing date's origin (casefile.CLOSED_ON_BASIS_NOTES)


_ROW_SQL = (
    "SELECT c.seq, c.id, c.number, c.state, c.category, c.source, coalesce(v.name, '') AS village,"
    " c.parties_text, c.mediators_text, c.registered_on, c.due_on, c.closed_on, c.outcome,"
    " c.closed_on_basis "
    "FROM cases c LEFT JOIN places v ON v.id = c.village_id"
)

SEARCH_LIMIT = 2000  # a search shows at most this many (newest first)


def _where(f: RegisterFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.states:
        clauses.append(f"c.state IN ({','.join('?' * len(f.states))})")
        params.extend(sorted(f.states))
    elif not f.include_voided:
        clauses.append("c.state <> 'voided'")
    for column, value in (
        ("c.category", f.category),
        ("c.source", f.source),
        ("c.village_id", f.village_id),
    ):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if f.mediator_id:
        clauses.append(
            "c.id IN (SELECT case_id FROM assignments WHERE mediator_id = ? AND ended_on IS NULL)"
        )
        params.append(f.mediator_id)
    if f.date_from:
        clauses.append("c.registered_on >= ?")
        params.append(f.date_from.isoformat())
    if f.date_to:
        clauses.append("c.registered_on <= ?")
        params.append(f.date_to.isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _seq_query(
    db: Database, f: RegisterFilter, sort: str, descending: bool
) -> tuple[str, str, list[Any]] | None:
    """(FROM … WHERE clause, ORDER BY, params) of the register's query; None when a search
    finds nothing."""
    where, params = _where(f)
    order = SORT_COLUMNS.get(sort, SORT_COLUMNS["registered_on"]).format(
        dir="DESC" if descending else "ASC"
    )
    join = " LEFT JOIN places v ON v.id = c.village_id" if sort == "village" else ""
    if f.text.strip():
        with db.reading():
            found = search.search_case_seqs(db.conn, f.text, limit=SEARCH_LIMIT)
        if not found:
            return None
        seq_clause = f"c.seq IN ({','.join('?' * len(found))})"
        where = (where + " AND " if where else " WHERE ") + seq_clause
        params = params + found
    return f"FROM cases c{join}{where}", order, params


def query_seqs(
    db: Database, f: RegisterFilter, *, sort: str = "registered_on", descending: bool = True
) -> list[int]:
    """The ordered cases.seq of every case the filter shows (ints: cheap even at 100k)."""
    query = _seq_query(db, f, sort, descending)
    if query is None:
        return []
    source, order, params = query
    return db.column(f"SELECT c.seq {source} ORDER BY {order}", params)


class SeqList(Sequence[int]):
    """The ordered seqs of a register query, read lazily: the count and the first
    ``head`` seqs at once, every seq only when a row past them (or ``index``) is asked for.

    Listing all 100,000 seqs costs a scan of the whole index (40–90 ms on an office PC);
    the first screen needs a count (≈ 10 ms) and a LIMIT. If another program added or
    removed a case before the rest is read, the rest no longer lines up with the count
    and the head: ``stale`` turns True (the table then reads everything again), and rows
    past the end of the shorter list read as -1 meanwhile. Reading the rest may raise
    StorageError.
    """

    MISSING = -1

    def __init__(
        self, db: Database, source: str, order: str, params: list[Any], *, head: int
    ) -> None:
        self._db = db
        self._select = f"SELECT c.seq {source} ORDER BY {order}"
        self._params = params
        self._count = int(db.scalar(f"SELECT count(*) {source}", params) or 0)
        self._head: list[int] = db.column(f"{self._select} LIMIT ?", [*params, head])
        self._all: list[int] | None = None if self._count > len(self._head) else self._head
        self.stale = False  # the rest, once read, did not match the count and the head

    @property
    def complete(self) -> bool:
        """Every seq has been read."""
        return self._all is not None

    def _every(self) -> list[int]:
        if self._all is None:
            every: list[int] = self._db.column(self._select, self._params)
            self.stale = len(every) != self._count or every[: len(self._head)] != self._head
            self._all = every
        return self._all

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> list[int]: ...
    def __getitem__(self, i: int | slice) -> int | list[int]:
        if isinstance(i, slice):
            start, stop, step = i.indices(self._count)
            if step == 1 and stop <= len(self._head):
                return self._head[start:stop]
            return [self[n] for n in range(start, stop, step)]
        n = i + self._count if i < 0 else i
        if not 0 <= n < self._count:
            raise IndexError(i)
        if n < len(self._head):
            return self._head[n]
        every = self._every()
        return every[n] if n < len(every) else self.MISSING

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        if start == 0 and stop is None and value in self._head:
            return self._head.index(value)
        return self._every().index(value, start, len(self._every()) if stop is None else stop)


def open_seqs(
    db: Database,
    f: RegisterFilter,
    *,
    sort: str = "registered_on",
    descending: bool = True,
    head: int = 200,
) -> Sequence[int]:
    """What the register shows, for the lazy table: like :func:`query_seqs`, but without a
    search it reads only the count and the first ``head`` seqs now (:class:`SeqList`)."""
    query = _seq_query(db, f, sort, descending)
    if query is None:
        return []
    source, order, params = query
    if f.text.strip():  # a search: at most SEARCH_LIMIT seqs, already found
        return db.column(f"SELECT c.seq {source} ORDER BY {order}", params)
    return SeqList(db, source, order, params, head=head)


def fetch_rows(db: Database, seqs: Sequence[int]) -> dict[int, RegisterRow]:
    """The display rows for some seqs (one page of the lazy table)."""
    if not seqs:
        return {}
    out: dict[int, RegisterRow] = {}
    for r in db.query(f"{_ROW_SQL} WHERE c.seq IN ({','.join('?' * len(seqs))})", list(seqs)):
        out[r["seq"]] = RegisterRow(
            seq=r["seq"],
            id=r["id"],
            number=r["number"],
            state=r["state"],
            category=r["category"],
            source=r["source"],
            village=r["village"],
            parties=r["parties_text"],
            mediators=r["mediators_text"],
            registered_on=r["registered_on"],
            due_on=r["due_on"],
            closed_on=r["closed_on"],
            closed_on_basis=r["closed_on_basis"],
            outcome=r["outcome"],
        )
    return out


def case_id_for_seq(db: Database, seq: int) -> str | None:
    value = db.scalar("SELECT id FROM cases WHERE seq = ?", (seq,))
    return None if value is None else str(value)


def seq_for_case(db: Database, case_id: str) -> int | None:
    value = db.scalar("SELECT seq FROM cases WHERE id = ?", (case_id,))
    return None if value is None else int(value)


# ---------------------------------------------------------------------------------------
# Today's work (start page)

DUE_SOON_DAYS = 3
CONFIRMATION_WINDOW_DAYS = 30  # Art 33: within 30 days of the agreement taking effect
CONFIRMATION_WARN_DAYS = 7


@dataclass(frozen=True)
class WorkItem:
    case_id: str
    number: str | None
    parties: str
    category: str
    when: date  # the date that matters for this list (due date, window end …)
    note: str
    late: bool = False  # marked on the start page (待受理: waiting past the office's limit)


@dataclass(frozen=True)
class Worklist:
    awaiting_acceptance: list[WorkItem]  # 待受理: registered, not yet accepted, oldest first
    overdue: list[WorkItem]
    due_soon: list[WorkItem]
    awaiting_follow_up: list[WorkItem]
    confirmation_closing: list[WorkItem]


# A closing brought in by a 台账 import (its case event 'import', ledger_import.IMPORT_ACTION)
# and not made again in the program since (no 'close' event): whether an old ledger's case
# was visited after closing, or its agreement taken to court, happened outside the program,
# so it is not today's work. A case reopened and closed here again is.
_NOT_AN_IMPORTED_CLOSING = (
    "AND NOT EXISTS (SELECT 1 FROM case_events i WHERE i.case_id = c.id "
    "AND i.action = 'import' AND NOT EXISTS (SELECT 1 FROM case_events k "
    "WHERE k.case_id = c.id AND k.action = 'close')) "
)


def overdue_note(due_on: date, today: date) -> str:
    """How late a case past its due date is: "已超期 5 天" (due yesterday: 1 天)."""
    return f"已超期 {(today - due_on).days} 天"


def worklist(
    db: Database,
    *,
    today: date | None = None,
    limit: int = 200,
    accept_late_days: int | None = None,
) -> Worklist:
    """Today's lists. A registered dispute waiting more than ``accept_late_days`` days for
    受理 is ``late``; by default the office's setting (office.accept_late_days)."""
    today = today or date.today()
    if accept_late_days is None:
        accept_late_days = office.accept_late_days(db)
    return Worklist(
        awaiting_acceptance=_awaiting_acceptance(db, today, limit, accept_late_days),
        overdue=_overdue(db, today, limit),
        due_soon=_due_soon(db, today, limit),
        awaiting_follow_up=_awaiting_follow_up(db, today, limit),
        confirmation_closing=_confirmation_closing(db, today, limit),
    )


_ITEM_SQL = "SELECT c.id, c.number, c.parties_text, c.category, {d} AS d FROM cases c "
_ACTIVE = "('accepted','assigned','mediating')"


def _items(
    db: Database, sql: str, params: tuple[Any, ...], note: str, today: date, limit: int
) -> list[WorkItem]:
    """The cases ``sql`` lists, ``d`` their date; ``note`` may name the {days} until it."""
    return [
        WorkItem(
            r["id"],
            r["number"],
            r["parties_text"],
            r["category"],
            date.fromisoformat(r["d"]),
            note.format(days=(date.fromisoformat(r["d"]) - today).days),
        )
        for r in db.query(sql + f" LIMIT {int(limit)}", params)
    ]


def _overdue(db: Database, today: date, limit: int) -> list[WorkItem]:
    """已超期: open cases past their due date, the most overdue first."""
    sql = _ITEM_SQL.format(d="c.due_on") + (
        f"WHERE c.state IN {_ACTIVE} AND c.due_on < ? ORDER BY c.due_on"
    )
    return [
        replace(item, note=overdue_note(item.when, today))
        for item in _items(db, sql, (today.isoformat(),), "", today, limit)
    ]


def _due_soon(db: Database, today: date, limit: int) -> list[WorkItem]:
    """3天内到期: open cases due within DUE_SOON_DAYS."""
    soon = (today + timedelta(days=DUE_SOON_DAYS)).isoformat()
    sql = _ITEM_SQL.format(d="c.due_on") + (
        f"WHERE c.state IN {_ACTIVE} AND c.due_on >= ? AND c.due_on <= ? ORDER BY c.due_on"
    )
    return _items(db, sql, (today.isoformat(), soon), "{days}天后到期", today, limit)


def _awaiting_follow_up(db: Database, today: date, limit: int) -> list[WorkItem]:
    """待回访: agreements closed here and never visited since."""
    sql = (
        _ITEM_SQL.format(d="c.closed_on")
        + "WHERE c.state = 'closed' AND c.outcome IN ('agreement_written','agreement_oral') "
        "AND c.closed_on IS NOT NULL "  # (an imported closing may have no date)
        "AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.case_id = c.id) "
        + _NOT_AN_IMPORTED_CLOSING
        + "ORDER BY c.closed_on"
    )
    return _items(db, sql, (), "结案后未回访", today, limit)


def _confirmation_closing(db: Database, today: date, limit: int) -> list[WorkItem]:
    """司法确认期限将至: written agreements not taken to court whose 30 days to apply are
    running out (the last CONFIRMATION_WARN_DAYS). From agreements (indexed by signing
    date): only the few signed in the window are read."""
    window_start = (today - timedelta(days=CONFIRMATION_WINDOW_DAYS)).isoformat()
    warn_from = (
        today - timedelta(days=CONFIRMATION_WINDOW_DAYS - CONFIRMATION_WARN_DAYS)
    ).isoformat()
    sql = (
        "SELECT c.id, c.number, c.parties_text, c.category, "
        f"date(a.signed_on, '+{CONFIRMATION_WINDOW_DAYS} days') AS d "
        "FROM agreements a CROSS JOIN cases c ON c.id = a.case_id "
        "WHERE a.signed_on >= ? AND a.signed_on <= ? "
        "AND c.state IN ('closed','archived') AND c.outcome = 'agreement_written' "
        "AND NOT EXISTS (SELECT 1 FROM judicial_confirmations j WHERE j.case_id = c.id) "
        + _NOT_AN_IMPORTED_CLOSING
        + "ORDER BY a.signed_on"
    )
    return _items(db, sql, (window_start, warn_from), "司法确认申请期限还剩{days}天", today, limit)


def _awaiting_acceptance(
    db: Database, today: date, limit: int, accept_late_days: int
) -> list[WorkItem]:
    """待受理: every case still registered, the oldest first, with the days it waited."""
    waiting: list[WorkItem] = []
    for r in db.query(
        "SELECT c.id, c.parties_text, c.category, c.registered_on FROM cases c "
        f"WHERE c.state = 'registered' ORDER BY c.registered_on, c.seq LIMIT {int(limit)}"
    ):
        registered = date.fromisoformat(r["registered_on"])
        days = (today - registered).days
        late = days > accept_late_days
        note = "今天登记" if days <= 0 else f"已等待{days}天"
        waiting.append(
            WorkItem(r["id"], None, r["parties_text"], r["category"], registered, note, late)
        )
    return waiting
