"""Case numbers on field laptops: blocks handed out by the office, provisional numbers.

The office owns each committee's number sequence (``case_number_seq``, local to the office
database). Numbers stay unique per committee and year by construction (docs/architecture.md
"Case numbers on field laptops"):

- 准备外出 (and every later file the office writes for the laptop: :func:`reissue`) reserves a
  *block* of numbers per committee and year for the laptop (:func:`issue_blocks`): the office's
  sequence moves past the block, so the office never uses those numbers itself. A block is a
  synced ``number_blocks`` row; only the laptop it was issued to takes numbers from it
  (:func:`take`, lowest block first, ``next_seq`` moves on).
- A laptop writing a file for the office closes its open blocks (:func:`before_send`): from
  then on it never uses them, and the numbers it did not use (``next_seq``..``last_seq``) go
  back to the office's pool (``case_number_free``) when the office merges that file
  (:func:`after_merge`). The office takes the lowest returned number before its sequence goes
  on (:func:`office_next`).
- A laptop without a number for the committee and year accepts with a *provisional* number
  (:func:`provisional_number`: "（2026）青山调字第临时2-1号", 2 = the laptop's tag given by the
  office, 1 = the laptop's own running count, never used twice). Merging it in the office
  gives the case a real number from the office's allocator and records a ``renumber`` event;
  the change travels back to the laptop with the office's next file.

Every write to ``cases``, ``case_events`` and ``number_blocks`` here is an ordinary logged
change (the callers are inside a transaction with the triggers on).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from app.models import rows
from app.models.db import Database
from app.models.office import SYSTEM_USER
from app.models.sync import clock
from app.models.sync.merge import MergeResult, device_of
from app.models.sync.scope import Scope

# What a printed form and the case window say next to a provisional number.
PROVISIONAL_NOTE = "临时编号，回办公室同步后换发正式案号"
# The ``seq`` of a provisional number, formatted by the committee's pattern.
PROVISIONAL_SEQ = "临时{tag}-{n}"
# sync_state key: the last provisional running count this laptop used (never sent).
_PROVISIONAL_COUNT = "provisional_seq"


@dataclass(frozen=True)
class Block:
    """One block of case numbers as this installation knows it."""

    id: str
    committee_id: str
    committee_name: str
    year: int
    first: int
    last: int
    next: int  # the first number not yet used
    closed: bool
    reclaimed: bool

    @property
    def left(self) -> int:
        """Numbers of the block still to be used (0 once closed)."""
        return 0 if self.closed else max(0, self.last - self.next + 1)


# --------------------------------------------------------------------------------------
# The office's allocator


def _advance(conn: sqlite3.Connection, committee_id: str, year: int, count: int) -> int:
    """Move the office's sequence of (committee, year) on by ``count``; the first number.

    The first allocation of a year continues after every number already used (imported
    cases) or reserved (blocks), as ``cases.accept_case`` always did.
    """
    cur = conn.execute(
        "UPDATE case_number_seq SET last_seq = last_seq + ? "
        "WHERE committee_id = ? AND year = ? RETURNING last_seq",
        (count, committee_id, year),
    ).fetchone()
    if cur is not None:
        return int(cur[0]) - count + 1
    used = conn.execute(
        "SELECT max((SELECT coalesce(max(number_seq), 0) FROM cases "
        "            WHERE committee_id = :c AND number_year = :y), "
        "           (SELECT coalesce(max(last_seq), 0) FROM number_blocks "
        "            WHERE committee_id = :c AND year = :y))",
        {"c": committee_id, "y": year},
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO case_number_seq(committee_id, year, last_seq) VALUES (?, ?, ?)",
        (committee_id, year, int(used) + count),
    )
    return int(used) + 1


def _in_use(conn: sqlite3.Connection, committee_id: str, year: int, seq: int) -> bool:
    found = conn.execute(
        "SELECT 1 FROM cases WHERE number_year = ? AND number_seq = ? AND committee_id = ?",
        (year, seq, committee_id),
    ).fetchone()
    return found is not None


def office_next(conn: sqlite3.Connection, committee_id: str, year: int) -> int:
    """The office's next number of (committee, year): the lowest one handed back from a
    laptop's block first, else the sequence goes on. Runs inside BEGIN IMMEDIATE: the write
    lock serialises allocation across connections."""
    while True:
        row = conn.execute(
            "SELECT min(seq) FROM case_number_free WHERE committee_id = ? AND year = ?",
            (committee_id, year),
        ).fetchone()
        if row is None or row[0] is None:
            return _advance(conn, committee_id, year, 1)
        seq = int(row[0])
        conn.execute(
            "DELETE FROM case_number_free WHERE committee_id = ? AND year = ? AND seq = ?",
            (committee_id, year, seq),
        )
        if not _in_use(conn, committee_id, year, seq):  # (never, by construction)
            return seq


# --------------------------------------------------------------------------------------
# Blocks for a field laptop (the office)


def _give_tag(conn: sqlite3.Connection, device: str, *, by: str) -> None:
    """A field laptop's short number for its provisional case numbers, given once."""
    row = conn.execute("SELECT number_tag FROM devices WHERE id = ?", (device,)).fetchone()
    if row is None or row[0] is not None:
        return
    tag = conn.execute("SELECT coalesce(max(number_tag), 0) + 1 FROM devices").fetchone()[0]
    rows.update(conn, "devices", device, {"number_tag": int(tag)}, by=by)


def issue_blocks(
    conn: sqlite3.Connection,
    device: str,
    committees: tuple[str, ...] | None,
    year: int,
    size: int,
    *,
    by: str,
) -> list[tuple[str, int, int, int]]:
    """The office reserves ``size`` numbers of ``year`` per committee for the field laptop
    ``device`` (``committees`` None: every committee in use; ``size`` 0: no block).

    The laptop also gets its tag for provisional numbers the first time (its ``devices`` row
    must exist). Returns (committee name, year, first, last) of each block.
    """
    _give_tag(conn, device, by=by)
    if size <= 0:
        return []
    if committees is None:
        found = conn.execute(
            "SELECT id, name FROM committees WHERE retired = 0 ORDER BY created_at, id"
        ).fetchall()
    else:
        names = {
            str(r[0]): str(r[1])
            for r in conn.execute(
                f"SELECT id, name FROM committees WHERE id IN ({','.join('?' * len(committees))})",
                committees,
            )
        }
        found = [(c, names[c]) for c in committees if c in names]
    out: list[tuple[str, int, int, int]] = []
    for committee_id, name in found:
        first = _advance(conn, str(committee_id), year, size)
        last = first + size - 1
        rows.insert(
            conn,
            "number_blocks",
            {
                "committee_id": committee_id,
                "year": year,
                "first_seq": first,
                "last_seq": last,
                "device": device,
                "next_seq": first,
                "closed": 0,
                "reclaimed": 0,
            },
            by=by,
        )
        out.append((str(name), year, first, last))
    return out


def reissue(
    conn: sqlite3.Connection,
    device: str,
    size: int | None = None,
    *,
    by: str,
    today: date | None = None,
) -> list[tuple[str, int, int, int]]:
    """New blocks for a field laptop, when the office writes a file for it.

    For each committee the laptop had blocks of, and this year, a block of ``size`` numbers
    (default: the size of its last block), unless the laptop still holds an open one (one
    it has not closed by sending a file since it got it). A laptop that never had a block
    (prepared with 0) gets none unless ``size`` is given: then one per committee of its
    scope. Call inside the transaction that collects the file's changes, before collecting
    them, so the new blocks travel in that file. Returns what :func:`issue_blocks` does.
    """
    year = (today or date.today()).year
    had = conn.execute(
        "SELECT committee_id, last_seq - first_seq + 1 FROM number_blocks WHERE device = ? "
        "ORDER BY created_at, id",
        (device,),
    ).fetchall()
    if had:
        wanted: list[str] = list(dict.fromkeys(str(r[0]) for r in had))
        size = int(had[-1][1]) if size is None else size
    elif size:
        wanted = [str(c) for c in _scope_committees(conn, device)]
    else:
        return []
    committees = [
        c
        for c in wanted
        if conn.execute(
            "SELECT 1 FROM committees k WHERE k.id = :c AND k.retired = 0 AND NOT EXISTS "
            "(SELECT 1 FROM number_blocks b WHERE b.device = :d AND b.committee_id = :c "
            " AND b.year = :y AND b.closed = 0)",
            {"c": c, "d": device, "y": year},
        ).fetchone()
        is not None
    ]
    if not committees or not size:
        return []
    return issue_blocks(conn, device, tuple(committees), year, size, by=by)


def _scope_committees(conn: sqlite3.Connection, device: str) -> list[str]:
    """The committees a laptop works for: those of its scope, or every one in use."""
    row = conn.execute("SELECT scope FROM sync_peers WHERE device = ?", (device,)).fetchone()
    chosen = Scope.from_json(row[0] if row is not None else None).committees
    if chosen is not None:
        return list(chosen)
    return [
        str(r[0])
        for r in conn.execute("SELECT id FROM committees WHERE retired = 0 ORDER BY created_at, id")
    ]


# --------------------------------------------------------------------------------------
# The laptop


def is_field(conn: sqlite3.Connection) -> bool:
    """This installation is a field laptop (it has a home office)."""
    return clock.state(conn, "home") is not None


def blocks(db: Database | sqlite3.Connection, device: str | None = None) -> list[Block]:
    """The blocks of ``device`` (default: this installation), oldest first."""
    conn = db.conn if isinstance(db, Database) else db
    device = device or device_of(conn)
    return [
        Block(
            str(r[0]),
            str(r[1]),
            str(r[2] or ""),
            int(r[3]),
            int(r[4]),
            int(r[5]),
            int(r[6]),
            bool(r[7]),
            bool(r[8]),
        )
        for r in conn.execute(
            "SELECT b.id, b.committee_id, c.name, b.year, b.first_seq, b.last_seq, b.next_seq, "
            "b.closed, b.reclaimed FROM number_blocks b "
            "LEFT JOIN committees c ON c.id = b.committee_id "
            "WHERE b.device = ? ORDER BY b.year, c.name, b.first_seq",
            (device,),
        )
    ]


def remaining(db: Database | sqlite3.Connection, committee_id: str, year: int) -> int | None:
    """How many case numbers of (committee, year) this laptop can still give at 受理.

    None on the office computer (it always has numbers); 0 on a laptop means the next 受理
    there gets a provisional number.
    """
    conn = db.conn if isinstance(db, Database) else db
    if not is_field(conn):
        return None
    left = conn.execute(
        "SELECT coalesce(sum(last_seq - next_seq + 1), 0) FROM number_blocks "
        "WHERE device = ? AND committee_id = ? AND year = ? AND closed = 0 "
        "AND next_seq <= last_seq",
        (device_of(conn), committee_id, year),
    ).fetchone()[0]
    return int(left)


def take(conn: sqlite3.Connection, committee_id: str, year: int, *, by: str) -> int | None:
    """A laptop's next number of (committee, year) from its open blocks, lowest block first;
    None when it has none left (then the case gets a provisional number)."""
    me = device_of(conn)
    while True:
        row = conn.execute(
            "SELECT id, next_seq FROM number_blocks WHERE device = ? AND committee_id = ? "
            "AND year = ? AND closed = 0 AND next_seq <= last_seq ORDER BY first_seq LIMIT 1",
            (me, committee_id, year),
        ).fetchone()
        if row is None:
            return None
        seq = int(row[1])
        rows.update(conn, "number_blocks", str(row[0]), {"next_seq": seq + 1}, by=by)
        if not _in_use(conn, committee_id, year, seq):  # (never, by construction)
            return seq


def _tag(conn: sqlite3.Connection, device: str) -> str:
    row = conn.execute("SELECT number_tag FROM devices WHERE id = ?", (device,)).fetchone()
    if row is not None and row[0] is not None:
        return str(row[0])
    return device.replace("-", "")[-4:].upper()  # (a laptop always has a tag: never used)


def provisional_number(conn: sqlite3.Connection, pattern: str, *, year: int, abbr: str) -> str:
    """A laptop's provisional case number in the committee's pattern, never made twice:
    "（2026）青山调字第临时2-1号" (laptop 2's first)."""
    me = device_of(conn)
    tag = _tag(conn, me)
    n = int(clock.state(conn, _PROVISIONAL_COUNT) or 0)
    if "{seq}" not in pattern:  # (the pattern always has it: set-up writes the default)
        pattern += "{seq}"
    while True:
        n += 1
        number = pattern.format(year=year, abbr=abbr, seq=PROVISIONAL_SEQ.format(tag=tag, n=n))
        if conn.execute("SELECT 1 FROM cases WHERE number = ?", (number,)).fetchone() is None:
            break
    clock.set_state(conn, _PROVISIONAL_COUNT, str(n))
    return number


def before_send(conn: sqlite3.Connection, device: str) -> None:
    """A field laptop writing a file for the office closes its open blocks: it never takes a
    number from them again, and the office puts the unused ones back when it merges the file.
    """
    for (block_id,) in conn.execute(
        "SELECT id FROM number_blocks WHERE device = ? AND closed = 0", (device,)
    ).fetchall():
        rows.update(conn, "number_blocks", str(block_id), {"closed": 1}, by=_user(conn))


def _user(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM settings WHERE key = 'default_user_id'").fetchone()
    return str(row[0]) if row is not None and row[0] else SYSTEM_USER


# --------------------------------------------------------------------------------------
# The office, after a merge


# SQL condition on a device id ``{dev}`` (one parameter: this office computer): the laptop
# was registered by this office computer. Only that one gives its numbers: a laptop's rows
# relayed to a second office computer are not numbered twice.
_PREPARED_HERE = (
    "EXISTS (SELECT 1 FROM sync_log l WHERE l.device = ? AND l.tbl = 'devices' "
    "AND l.row_id = {dev} AND l.op = 'i')"
)


def after_merge(
    conn: sqlite3.Connection, device: str, result: MergeResult
) -> tuple[list[tuple[str, str]], int]:
    """The office: unused block numbers back in the pool, real numbers for provisional ones.

    ``device`` is this office computer. Looks at every closed block and every provisional
    case of the laptops it prepared, not only the rows ``result`` touched (a laptop's rows
    relayed through another installation are caught too). The unused numbers go back first,
    so the provisional cases fill them. Returns (provisional -> real number pairs, count of
    numbers put back).
    """
    del result  # every closed block and provisional case is looked at
    returned = _reclaim(conn, device)
    return _renumber(conn, device), returned


def _reclaim(conn: sqlite3.Connection, office: str) -> int:
    found = conn.execute(
        "SELECT id, committee_id, year, next_seq, last_seq FROM number_blocks b "
        "WHERE closed = 1 AND reclaimed = 0 AND "
        + _PREPARED_HERE.format(dev="b.device")
        + " ORDER BY created_at, id",
        (office,),
    ).fetchall()
    count = 0
    for block_id, committee_id, year, next_seq, last_seq in found:
        for seq in range(int(next_seq), int(last_seq) + 1):
            if _in_use(conn, committee_id, year, seq):  # (never, by construction)
                continue
            cur = conn.execute(
                "INSERT OR IGNORE INTO case_number_free(committee_id, year, seq) VALUES (?, ?, ?)",
                (committee_id, year, seq),
            )
            count += cur.rowcount
        rows.update(conn, "number_blocks", str(block_id), {"reclaimed": 1}, by=SYSTEM_USER)
    return count


def _renumber(conn: sqlite3.Connection, office: str) -> list[tuple[str, str]]:
    from app.models import cases  # (cases imports this module)

    found = conn.execute(
        "SELECT DISTINCT c.id, c.accepted_on, e.at FROM cases c "
        "JOIN case_events e ON e.case_id = c.id AND e.action = 'accept' "
        "WHERE c.number_provisional = 1 AND "
        + _PREPARED_HERE.format(dev="e.origin")
        + " ORDER BY c.accepted_on, e.at, c.id",
        (office,),
    ).fetchall()
    pairs: list[tuple[str, str]] = []
    for case_id in dict.fromkeys(str(r[0]) for r in found):
        pairs.append(cases.give_real_number(conn, case_id, by=SYSTEM_USER))
    return pairs
