"""Writing a previewed import: one transaction, all or nothing.

The services of app/models/cases.py cannot take a ledger row (accept_case allocates a new
number; close_case wants agreement terms and mediators the sheet does not have), so each
case is written here directly, keeping what the services keep: the stamp columns (as
rows.insert writes them), the parties (as parties.insert_case_party), the denormalised
register columns (as cases._refresh_denormalised), one case event, the agreement row of an
agreement outcome, the search row (search.case_search_body of what search.reindex_case reads),
and the committee's number sequence raised past every imported number so later
acceptances never collide.

The rows are written in chunks of CHUNK cases, one executemany per table (a ledger of
10,000 rows is about 92,000 rows in eight tables): the per-statement cost of writing case
by case was most of the import's time. A chunk that breaks a constraint is written again
case by case inside a savepoint, only to name the row that failed.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.models import accounts, cases, privacy, rows, search
from app.models.accounts import Actor
from app.models.db import Database, utc_now
from app.models.errors import (
    DomainError,
    ImportFailedError,
    ImportRejectedError,
    OperationCancelledError,
)
from app.models.ledger_import.plan import NUMBERED_STATES, ImportPlan, PlannedCase
from app.models.office import Committee, get_committee
from app.models.parties import PartyInput
from app.models.reference import AGREEMENT_OUTCOMES
from app.models.sync import bulk, merge, numbers
from app.models.sync.tables import natural_id

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

IMPORT_ACTION = "import"  # the case event of an imported case
CHUNK = 1000  # cases per executemany round (and per progress report)
CANCEL_EVERY = 100  # cases between two looks at the cancel flag
# SQLite's page cache for the import's transaction: a case's rows and index entries take
# about 4.6 KiB of pages; with the connection's usual 32 MB, a transaction of more than
# some 7,000 cases spills pages to the WAL before the commit and writes many of them again
PAGE_CACHE_PER_CASE_KIB = 16  # rows, index entries and change-log rows of a case
PAGE_CACHE_MAX_KIB = 512 * 1024  # (the pages of some 100,000 cases)


@dataclass(frozen=True)
class ImportResult:
    imported: int
    case_ids: tuple[str, ...]
    skipped_bad_rows: tuple[int, ...]  # Excel row numbers
    skipped_duplicates: tuple[int, ...]
    numbered: dict[int, str] = field(default_factory=dict)  # row -> number given on import
    # seconds of each part of the write (see Phases), for the log and the bench
    phases: dict[str, float] = field(default_factory=dict, compare=False)

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


class Phases:
    """Where an import's write goes, in seconds: ``build`` (the rows made in Python),
    ``rows`` (SQLite writing them and their indexes), ``change_log`` (sync.bulk),
    ``commit`` (the transaction written to disk and checkpointed). Logged once per import,
    so a slow import on an office PC can be told apart (a slow disk, a big file) from the
    log file alone; the bench reads them too (bench/ledger.py)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(
            ("build", "rows", "change_log", "commit"), 0.0
        )

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] += time.perf_counter() - started


def _rows_text(rows_: list[int], limit: int = 10) -> str:
    shown = "、".join(str(r) for r in rows_[:limit])
    return f"第{shown}行" + (f"等 {len(rows_)} 行" if len(rows_) > limit else "")


def apply_import(
    db: Database,
    plan: ImportPlan,
    *,
    by: Actor,
    skip_bad_rows: bool,
    skip_duplicates: bool,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ImportResult:
    """Import the planned cases in one transaction.

    ``skip_bad_rows`` False: any row error (or a duplicate number that is not skipped)
    refuses the whole import (ImportRejectedError) and nothing is written.
    ``skip_duplicates``: leave out rows that look like existing cases; a row whose case
    number is already in the database (or in an earlier row) is never imported twice.
    A cancel (OperationCancelledError) or any failure (ImportFailedError, StorageError)
    rolls everything back: the database is exactly as before.
    """
    with db.reading():
        accounts.authorize(db.conn, by, "import_ledger")
    if numbers.is_field(db.conn):  # it would number cases from a sequence the office owns
        raise DomainError(
            "外出笔记本不能导入台账：导入的案件要由办公室电脑编号。"
            "请回到办公室后在办公室电脑上导入，再用“同步”带到笔记本上。"
        )
    chosen, duplicates, bad = _chosen(
        plan, skip_bad_rows=skip_bad_rows, skip_duplicates=skip_duplicates
    )
    case_ids, numbered, phases = _write(
        db, plan, chosen, by=by, progress=progress, cancelled=cancelled
    )
    log.info(
        "台账 import: %d cases written, %s",
        len(case_ids),
        ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()),
    )
    if progress is not None:
        progress(len(chosen), len(chosen))
    skipped_bad = tuple(bad) if skip_bad_rows else ()
    return ImportResult(
        len(case_ids), tuple(case_ids), skipped_bad, tuple(duplicates), numbered, phases=phases
    )


def _chosen(
    plan: ImportPlan, *, skip_bad_rows: bool, skip_duplicates: bool
) -> tuple[list[PlannedCase], list[int], list[int]]:
    """The cases to write, the rows left out as duplicates, the rows that cannot be
    imported; raises ImportRejectedError when there are such rows and they are not to be
    skipped."""
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
    blocked_rows = set(blocked)
    for c in plan.cases:
        if c.duplicate is not None and skip_duplicates:
            duplicates.append(c.row)
        elif c.row not in blocked_rows:
            chosen.append(c)
    return chosen, duplicates, bad


def _write(
    db: Database,
    plan: ImportPlan,
    chosen: list[PlannedCase],
    *,
    by: Actor,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> tuple[list[str], dict[int, str], dict[str, float]]:
    """Write the chosen cases in one transaction: their ids, the numbers given on import
    (by Excel row) and the seconds of each phase (Phases)."""
    committee = get_committee(db, plan.committee_id)
    total = len(chosen)
    case_ids: list[str] = []
    numbered: dict[int, str] = {}

    def stop() -> None:
        raise OperationCancelledError("已取消导入，没有导入任何案件，数据库保持导入前的样子。")

    phases = Phases()
    with _page_cache(db.conn, total * PAGE_CACHE_PER_CASE_KIB), db.transaction() as conn:
        # The change log is written per table at the end (sync.bulk), not by a trigger per row.
        merge.quiet(conn)
        logged_from = bulk.marks(conn, _LOGGED_TABLES)
        _raise_sequences(conn, committee.id, chosen)
        writer = _Writer(conn, plan, committee, by=by.user_id, phases=phases)
        building = time.perf_counter()
        for i, planned in enumerate(chosen):
            if cancelled is not None and i % CANCEL_EVERY == 0 and cancelled():
                stop()
            case_id, number = writer.add(planned)
            case_ids.append(case_id)
            if planned.number is None and number is not None:
                numbered[planned.row] = number
            if writer.pending >= CHUNK:
                writer.flush()
                if progress is not None:
                    progress(i + 1, total)
        writer.flush()
        writer.finish()
        # (the rows' writing is timed inside the loop: the rest of it is building them)
        phases.seconds["build"] = time.perf_counter() - building - phases.seconds["rows"]
        with phases.timed("change_log"):
            bulk.log_inserts(conn, logged_from, at=utc_now())
        merge.loud(conn)
        if cancelled is not None and cancelled():
            stop()
        committing = time.perf_counter()
    phases.seconds["commit"] = time.perf_counter() - committing
    return case_ids, numbered, dict(phases.seconds)


@contextmanager
def _page_cache(conn: sqlite3.Connection, kib: int) -> Iterator[None]:
    """The connection's page cache at least ``kib`` KiB (at most PAGE_CACHE_MAX_KIB)
    inside the block, as it was after it (SQLite frees the pages above the old size)."""
    before = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    if before < 0:
        held = -before
    else:  # (a number of pages)
        held = before * int(conn.execute("PRAGMA page_size").fetchone()[0]) // 1024
    wanted = min(kib, PAGE_CACHE_MAX_KIB)
    if wanted <= held:
        yield
        return
    conn.execute(f"PRAGMA cache_size = {-wanted}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")


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
    # a number handed back from a laptop's block and now written in the sheet is used
    conn.executemany(
        "DELETE FROM case_number_free WHERE committee_id = ? AND year = ? AND seq = ?",
        [
            (committee_id, c.number_year, c.number_seq)
            for c in chosen
            if c.number is not None and c.number_year is not None and c.number_seq is not None
        ],
    )


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


class _Ids:
    """uuid7 keys (as rows.new_id makes them: time-ordered text) for a whole import, at a
    fraction of uuid6.uuid7()'s cost: the current millisecond and 12 random bits once, then
    a counter from a random start in the 62 bits uuid7 leaves to randomness (RFC 9562
    §6.2, method 1), so keys made together stay ordered and unique. The counter's top 14
    bits stay as drawn and its low 48 bits start at least 2**32 below their end, so only
    the last 12 hex digits change (``next_id()``: one C-level format per key)."""

    def __init__(self) -> None:
        ms = time.time_ns() // 1_000_000
        rand_a = int.from_bytes(os.urandom(2), "big") & 0xFFF
        high = f"{(ms << 16) | (0x7 << 12) | rand_a:016x}"
        clock_seq = 0x8000 | (int.from_bytes(os.urandom(2), "big") & 0x3FFF)  # variant 10
        start = int.from_bytes(os.urandom(6), "big") % ((1 << 48) - (1 << 32))
        head = f"{high[:8]}-{high[8:12]}-{high[12:]}-{clock_seq:04x}-"
        self.next_id: Callable[[], str] = map(
            (head + "{:012x}").format, itertools.count(start + 1)
        ).__next__

    def __call__(self) -> str:
        return self.next_id()


_STAMPS = ("created_at", "updated_at", "updated_by", "origin")
_CASE_COLUMNS = (
    *("seq", "id", "committee_id", "number", "number_year", "number_seq", "state", "category"),
    *("source", "village_id", "facts", "registered_on", "accepted_on", "due_on", "closed_on"),
    *("closed_on_basis", "outcome", "performance", "amount_fen", "decline_reason"),
    *("void_reason", "close_note", "parties_text", "mediators_text", *_STAMPS),
)
_PARTY_COLUMNS = (
    *("id", "kind", "name", "sex", "ethnicity", "birth_date", "id_type", "id_number"),
    *("occupation", "phone", "address", "org_code", "legal_rep", *_STAMPS),
)
_LINK_COLUMNS = (
    *("id", "case_id", "party_id", "role", "position", "agent_name", "agent_phone"),
    *("agent_powers", *_STAMPS),
)
_ASSIGNMENT_COLUMNS = ("id", "case_id", "mediator_id", "how", "lead", "assigned_on", *_STAMPS)
_AGREEMENT_COLUMNS = ("id", "case_id", "kind", "terms", "amount_fen", "signed_on", *_STAMPS)
_CONFIRMATION_COLUMNS = (
    *("id", "case_id", "applied_on", "court", "number", "result", "decided_on", *_STAMPS),
)
_EVENT_COLUMNS = (
    *("id", "case_id", "at", "by", "action", "state_before", "state_after", "data", "origin"),
)
_IMPORT_ROW_COLUMNS = ("id", "case_id", "cells", "warnings")


# the import event's data, as json.dumps(data, ensure_ascii=False, default=str,
# sort_keys=True) writes it (one encoder for the import instead of one per event)
_event_json = json.JSONEncoder(ensure_ascii=False, default=str, sort_keys=True).encode
# the raw cells, in the sheet's column order
_cells_json = json.JSONEncoder(ensure_ascii=False, default=str).encode


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


_TABLES: tuple[tuple[str, str], ...] = (
    ("cases", _insert_sql("cases", _CASE_COLUMNS)),
    ("parties", _insert_sql("parties", _PARTY_COLUMNS)),
    ("case_parties", _insert_sql("case_parties", _LINK_COLUMNS)),
    ("assignments", _insert_sql("assignments", _ASSIGNMENT_COLUMNS)),
    ("agreements", _insert_sql("agreements", _AGREEMENT_COLUMNS)),
    ("judicial_confirmations", _insert_sql("judicial_confirmations", _CONFIRMATION_COLUMNS)),
    ("case_events", _insert_sql("case_events", _EVENT_COLUMNS)),
    ("import_rows", _insert_sql("import_rows", _IMPORT_ROW_COLUMNS)),
    ("case_search", "INSERT INTO case_search(rowid, body) VALUES (?, ?)"),
)
# import_rows stays on this installation (docs/privacy.md), the search index too.
_LOGGED_TABLES = tuple(table for table, _ in _TABLES if table not in ("import_rows", "case_search"))


class _Writer:
    """Builds every row of the chosen cases and writes them a chunk at a time."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        plan: ImportPlan,
        committee: Committee,
        *,
        by: str,
        phases: Phases,
    ) -> None:
        self.conn = conn
        self.phases = phases
        self.plan = plan
        self.committee = committee
        self.by = by
        self.new_id = _Ids().next_id
        now = utc_now()
        self.stamps = (now, now, by, rows.device_id(conn))
        self.now = now
        self.seq = int(conn.execute("SELECT coalesce(max(seq), 0) FROM cases").fetchone()[0])
        # a search row left behind by a case that is gone must not meet a new case's seq
        conn.execute("DELETE FROM case_search WHERE rowid > ?", (self.seq,))
        self.mediator_names = {
            r[0]: r[1] for r in conn.execute("SELECT id, name FROM mediators").fetchall()
        }
        self.last_seq: dict[int, int] = {
            int(r[0]): int(r[1])
            for r in conn.execute(
                "SELECT year, last_seq FROM case_number_seq WHERE committee_id = ?",
                (committee.id,),
            )
        }
        self.allocated: set[int] = set()
        self._new_chunk()

    def _new_chunk(self) -> None:
        self.chunk: list[list[tuple[Any, ...]]] = [[] for _ in _TABLES]
        (
            self.case_rows,
            self.party_rows,
            self.link_rows,
            self.assignment_rows,
            self.agreement_rows,
            self.confirmation_rows,
            self.event_rows,
            self.import_rows,
            self.search_rows,
        ) = self.chunk  # (in _TABLES' order)
        # each case of the chunk and where its rows start in each table's list
        self.cases_in_chunk: list[tuple[PlannedCase, tuple[int, ...]]] = []
        self.pending = 0

    # ---- building

    def add(self, c: PlannedCase) -> tuple[str, str | None]:
        """The rows of one case, queued; returns (case id, number)."""
        number, year, seq = self._number(c)
        self.seq += 1
        case_id = self.new_id()
        self.cases_in_chunk.append((c, tuple(len(rows_) for rows_ in self.chunk)))
        self._case_row(c, case_id, number, year, seq)
        self._party_rows(c, case_id)
        self._outcome_rows(c, case_id)
        self._event_rows(c, case_id, number)
        self._search_row(c, number)
        self.pending += 1
        return case_id, number

    def _number(self, c: PlannedCase) -> tuple[str | None, int | None, int | None]:
        """The case's number as the sheet gives it, or the next of the committee's
        sequence for an accepted case that has none."""
        number, year, seq = c.number, c.number_year, c.number_seq
        if number is None and c.state in NUMBERED_STATES and c.accepted_on is not None:
            committee = self.committee
            year = c.accepted_on.year
            seq = self.last_seq.get(year, 0) + 1
            self.last_seq[year] = seq
            self.allocated.add(year)
            number = cases.format_case_number(
                committee.number_pattern,
                year=year,
                abbr=committee.abbr,
                seq=seq,
                width=committee.seq_width,
            )
        return number, year, seq

    def _case_row(
        self, c: PlannedCase, case_id: str, number: str | None, year: int | None, seq: int | None
    ) -> None:
        closed = c.outcome is not None and c.state != "voided"
        declined_archived = c.state == "archived" and c.outcome is None
        mediator_names = [self.mediator_names.get(m, "") for m in c.mediator_ids]
        ordered = mediator_names[:1] + sorted(mediator_names[1:])  # lead first, then by name
        self.case_rows.append(
            (
                self.seq,
                case_id,
                self.committee.id,
                number,
                year,
                seq,
                c.state,
                c.category,
                c.source,
                c.village_id,
                c.facts,
                c.registered_on.isoformat(),
                _iso(c.accepted_on),
                _iso(c.due_on),
                _iso(c.closed_on),
                c.closed_on_basis,
                c.outcome,
                c.performance,
                c.amount_fen,
                c.note if c.state == "declined" or declined_archived else "",
                c.note if c.state == "voided" else "",
                c.note if closed else "",
                "、".join([p.name for p in c.parties]),
                "、".join(ordered),
                *self.stamps,
            )
        )

    def _party_rows(self, c: PlannedCase, case_id: str) -> None:
        new_id, stamps = self.new_id, self.stamps
        for position, p in enumerate(c.parties):
            party_id = new_id()
            self.party_rows.append(_party_row(party_id, p, stamps))
            self.link_rows.append(
                (
                    new_id(),
                    case_id,
                    party_id,
                    p.role,
                    position,
                    p.agent_name.strip(),
                    p.agent_phone,
                    p.agent_powers.strip(),
                    *stamps,
                )
            )

    def _outcome_rows(self, c: PlannedCase, case_id: str) -> None:
        """The mediators' assignments, the agreement and the 司法确认 of the case."""
        stamps = self.stamps
        assigned_on = (c.accepted_on or c.registered_on).isoformat()
        for i, mediator_id in enumerate(c.mediator_ids):
            self.assignment_rows.append(
                (
                    self.new_id(),
                    case_id,
                    mediator_id,
                    "appointed",
                    int(i == 0),
                    assigned_on,
                    *stamps,
                )
            )
        if c.outcome in AGREEMENT_OUTCOMES and c.closed_on is not None:
            self.agreement_rows.append(
                (
                    natural_id("agreements", case_id),
                    case_id,
                    "written" if c.outcome == "agreement_written" else "oral",
                    "[]",
                    c.amount_fen,
                    c.closed_on.isoformat(),
                    *stamps,
                )
            )
        if c.confirmation is not None:
            j = c.confirmation
            self.confirmation_rows.append(
                (
                    self.new_id(),
                    case_id,
                    j.applied_on.isoformat(),
                    j.court,
                    j.number,
                    j.result,
                    _iso(j.decided_on),
                    *stamps,
                )
            )

    def _event_rows(self, c: PlannedCase, case_id: str, number: str | None) -> None:
        """The case's import event, and the sheet row it came from."""
        # The row's cells and the import's remarks on it (they may quote an ID number, a
        # phone, a name) go to import_rows, which stays here; the event, which travels and
        # is never changed, refers to it by its own id (docs/privacy.md).
        event_id = self.new_id()
        data: dict[str, object] = {
            "file": self.plan.file_name,
            "sheet": self.plan.sheet,
            "row": c.row,
            privacy.IMPORT_CELLS_KEY: True,
        }
        self.import_rows.append(
            (event_id, case_id, _cells_json(c.values), _event_json(list(c.warnings)))
        )
        if c.warnings:
            data["warnings"] = len(c.warnings)
        if c.number is None and number is not None:
            data["number_allocated"] = number
        if c.closed_on_basis:
            data["closed_on_basis"] = c.closed_on_basis
        self.event_rows.append(
            (
                event_id,
                case_id,
                self.now,
                self.by,
                IMPORT_ACTION,
                None,
                c.state,
                _event_json(data),
                self.stamps[3],
            )
        )

    def _search_row(self, c: PlannedCase, number: str | None) -> None:
        """The search row from the values written above (what search.reindex_case would
        read back), without reading them."""
        parties = [
            search.SearchParty(
                p.name, p.phone, p.id_number, p.org_code, p.agent_name.strip(), p.agent_phone
            )
            for p in c.parties
        ]
        body = search.case_search_body(
            number=number,
            title="",
            facts=c.facts,
            requests="",
            village=c.village_name,
            parties=parties,
        )
        self.search_rows.append((self.seq, body))

    # ---- writing

    def flush(self) -> None:
        """Write the queued rows: one executemany per table.

        (No savepoint per chunk: with the change-log triggers, an open savepoint made every
        row's trigger journal its pages: a 10,000-case import took 40 s instead of 2. A broken
        constraint is traced to its row afterwards, and the caller rolls everything back.)
        """
        if not self.pending:
            return
        for k, ((_table, sql), queued) in enumerate(zip(_TABLES, self.chunk, strict=True)):
            if not queued:
                continue
            try:
                with self.phases.timed("rows"):
                    self.conn.executemany(sql, queued)
            except sqlite3.IntegrityError as exc:
                row = self._failing_row(k)
                raise ImportFailedError(
                    f"第{row}行导入失败（{_integrity_reason(exc)}），整个导入已撤销，"
                    "数据库保持导入前的样子。数据可能在预览之后有了变化，请重新预览后再导入。",
                    row=row,
                ) from exc
        self._new_chunk()

    def _failing_row(self, table: int) -> int:
        """The Excel row of the first case whose row of ``table`` cannot be written (that
        statement was undone by SQLite; the rows are tried one by one, and the caller rolls
        the whole import back)."""
        name, sql = _TABLES[table]
        key = "rowid" if name == "case_search" else "seq" if name == "cases" else "id"
        for j, values in enumerate(self.chunk[table]):
            if self.conn.execute(f"SELECT 1 FROM {name} WHERE {key} = ?", (values[0],)).fetchone():
                continue  # written before the failing row (executemany undoes only that row)
            try:
                self.conn.execute(sql, values)
            except sqlite3.IntegrityError:
                owner = self.cases_in_chunk[0][0]
                for planned, starts in self.cases_in_chunk:
                    if starts[table] <= j:
                        owner = planned
                return owner.row
        return self.cases_in_chunk[0][0].row

    def finish(self) -> None:
        """The committee's sequence of each year past the numbers allocated here."""
        for year in sorted(self.allocated):
            self.conn.execute(
                "UPDATE case_number_seq SET last_seq = ? WHERE committee_id = ? AND year = ?",
                (self.last_seq[year], self.committee.id, year),
            )


def _party_row(party_id: str, p: PartyInput, stamps: tuple[str, ...]) -> tuple[Any, ...]:
    """A parties row as parties.insert_case_party writes it."""
    return (
        party_id,
        p.kind,
        p.name,
        p.sex,
        p.ethnicity,
        p.birth_date.isoformat() if p.birth_date else None,
        p.id_type if p.id_number else "",
        p.id_number,
        p.occupation.strip(),
        p.phone,
        p.address.strip(),
        p.org_code,
        p.legal_rep.strip(),
        *stamps,
    )
