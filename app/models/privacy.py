"""Personal data: who can read the files, what is masked where, and who saw or exported it.

docs/privacy.md is the whole picture; this module holds the rules the other layers apply:

- **Files** (Linux and other POSIX systems): the program's own data and log folders are
  0700 and the database, its ``-wal``/``-shm`` companions, backups and the log files 0600,
  readable by the user only. SQLite creates the companions with the database file's mode,
  so the database file is created under a private umask (:func:`private_umask`) and set to
  0600 at every open (:func:`restrict_database_files`, for files made before). On Windows the
  per-user data folder (``%LOCALAPPDATA%``) is already readable by its user only; nothing is
  changed there.
- **Masks**: an ID number shows as ``110101********1234``, a phone as ``138****5678``
  (:func:`mask_value` for the stored columns that hold them; :func:`redact` for free text
  such as a log line or a crash report).
- **Access records** (``privacy_events``, append-only, travels): who showed an ID number in
  full, exported with full ID numbers, corrected or erased one, cleared a 台账 row's raw
  cells. A record never holds the number itself.
"""

from __future__ import annotations

import contextlib
import json
import logging
import logging.handlers
import os
import re
import sqlite3
import traceback
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from app.models.identity import mask_id_number

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------
# Files

PRIVATE_DIR_MODE: Final = 0o700
PRIVATE_FILE_MODE: Final = 0o600
# What SQLite writes beside a database file (WAL mode; -journal while a backup copy is made).
DB_COMPANIONS: Final[tuple[str, ...]] = ("-wal", "-shm", "-journal")


def modes_enforced() -> bool:
    """File modes mean something here (POSIX). On Windows a file's access is its folder's
    ACL: the per-user data folder is the user's own already."""
    return os.name == "posix"


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files and folders created inside the block are readable by the user only.

    The umask is the process's: a file another thread creates meanwhile is made private too,
    never more open. Used around the few calls that create our files (opening a new
    database, a backup copy); nothing else is slowed down."""
    if not modes_enforced():
        yield
        return
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _chmod(path: Path, mode: int) -> None:
    try:
        if path.exists() and (path.stat().st_mode & 0o777) != mode:
            path.chmod(mode)
    except OSError as exc:  # another user's file, a read-only medium: tell the log, go on
        log.info("cannot set mode %o on %s: %s", mode, path, exc)


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) if needed and make it 0700. Only for the program's
    own folders (the data folder, the log folder, the backup folder): a folder the user
    chose for a database of their own (``--db``) is left as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)  # ~/.local/share and such: as they are
    with private_umask():
        path.mkdir(exist_ok=True)
    if modes_enforced():
        _chmod(path, PRIVATE_DIR_MODE)
    return path


def make_private_file(path: Path) -> None:
    """Make an existing file 0600 (nothing on Windows; a file that is not there is skipped)."""
    if modes_enforced():
        _chmod(path, PRIVATE_FILE_MODE)


def restrict_database_files(path: Path) -> None:
    """The database file and whichever of its companions exist: 0600. Called at every open,
    so a file from before this rule (0644) is closed at once; SQLite then creates the
    companions with the same mode."""
    make_private_file(path)
    for suffix in DB_COMPANIONS:
        make_private_file(Path(str(path) + suffix))


def private_file_opener(path: str, flags: int) -> int:
    """An ``opener`` for open(): a new file is created 0600 (a log file, a backup)."""
    return os.open(path, flags, PRIVATE_FILE_MODE)


# --------------------------------------------------------------------------------------
# Masks


def mask_phone(phone: str) -> str:
    """138****5678: the first three and the last four digits stay (numbers under eight
    digits keep their last two); text without digits is returned as it is."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone) if ch.isdigit())
    if not digits:
        return phone.strip()
    if len(digits) >= 8:
        return f"{digits[:3]}****{digits[-4:]}"
    return f"****{digits[-2:]}"


# The stored columns that hold an ID number or a phone of a party: what the events, the
# conflict records and the audit keep of them is the masked form.
SENSITIVE_COLUMNS: Final[dict[tuple[str, str], Callable[[str], str]]] = {
    ("parties", "id_number"): mask_id_number,
    ("parties", "phone"): mask_phone,
    ("case_parties", "agent_phone"): mask_phone,
}


def is_sensitive(table: str, column: str) -> bool:
    return (table, column) in SENSITIVE_COLUMNS


def mask_value(table: str, column: str, value: Any) -> Any:
    """``value`` as events and records may keep it: masked for a sensitive column."""
    mask = SENSITIVE_COLUMNS.get((table, column))
    return value if mask is None else _mask_if_number(value, mask)


# Shapes of personal numbers in free text (a log line, a crash report, a message).
_ID_SHAPE = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")
_MOBILE_SHAPE = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])"
)
_LANDLINE_SHAPE = re.compile(r"(?<![0-9A-Za-z])0[0-9]{2,3}-[0-9]{7,8}(?![0-9])")


def redact(text: str) -> str:
    """``text`` with every ID number and phone number in it masked, for a log line or a
    crash report (names cannot be told by their shape: what is logged must not hold them)."""
    if not any(ch.isdigit() for ch in text):
        return text
    text = _ID_SHAPE.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE_SHAPE.sub(lambda m: mask_phone(m.group(0)), text)
    return _LANDLINE_SHAPE.sub(lambda m: mask_phone(m.group(0)), text)


def masked_json(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A row's changed values as a record may keep them (sensitive columns masked)."""
    return {k: mask_value(table, k, v) for k, v in values.items()}


# --------------------------------------------------------------------------------------
# Access records

# What a privacy_events row records (docs/privacy.md); the audit window's words for them.
ACCESS_ACTIONS: Final[dict[str, str]] = {
    "show_id": "显示完整证件号码",
    "export_ids": "导出含完整证件号码的台账",
    "correct_id": "更正证件号码",
    "erase_id": "删除证件号码",
    "correct_import_row": "更正台账原始行",
    "clear_import_row": "清除台账原始行",
    "export_audit": "导出审计记录",
    "backup_to_file": "把整个数据库备份到文件",
    "print_ids": "打印含完整证件号码的文书",
    "save_ids": "保存含完整证件号码的文书（PDF）",
}


def record_access(
    conn: sqlite3.Connection,
    action: str,
    *,
    by: str,
    case_id: str | None = None,
    party_id: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> str:
    """Append one access record (inside the caller's transaction). ``data`` says what (which
    screen, how many cases, which file) and never holds an ID number or a phone: anything
    shaped like one (in a file name a user typed, say) is masked before it is stored."""
    from app.models import rows
    from app.models.db import utc_now

    if action not in ACCESS_ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    text = redact(json.dumps(data or {}, ensure_ascii=False, sort_keys=True, default=str))
    record_id = rows.new_id()
    conn.execute(
        "INSERT INTO privacy_events(id, at, by, action, case_id, party_id, data, origin) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (record_id, utc_now(), by, action, case_id, party_id, text, rows.device_id(conn)),
    )
    return record_id


# --------------------------------------------------------------------------------------
# The log


MESSAGE_LEFT_OUT: Final = "（提示文字略去：其中可能有当事人的信息）"


def _leave_out_messages(te: traceback.TracebackException) -> None:
    """Each exception of the chain (and of a group) keeps its text when it is plain ASCII
    (a KeyError's key, SQLite's words); a text with other characters is the program's own
    Chinese message, which may name a party, and is left out."""
    todo = [te]
    seen: set[int] = set()
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        text = getattr(current, "_str", None)
        if isinstance(text, str) and not text.isascii():
            setattr(current, "_str", MESSAGE_LEFT_OUT)  # noqa: B010 - no public way
        todo.extend(t for t in (current.__cause__, current.__context__) if t is not None)
        todo.extend(getattr(current, "exceptions", None) or [])


def format_exception(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """A traceback for the log or a crash report, without personal data: the frames as
    Python prints them (source lines, never the values of variables), each exception's own
    text only when it cannot be one of the program's messages, numbers masked."""
    te = traceback.TracebackException(exc_type, exc, tb, compact=True)
    _leave_out_messages(te)
    return redact("".join(te.format()))


class RedactingFormatter(logging.Formatter):
    """Log lines with ID and phone numbers masked (:func:`redact`) and tracebacks as
    :func:`format_exception` writes them. Message texts that may hold names are not logged
    at all (app/ui/messages.py logs where a message came from, not what it said)."""

    def format(self, record: logging.LogRecord) -> str:
        # another handler may have cached its own traceback text on the record
        cached, record.exc_text = record.exc_text, None
        try:
            return redact(super().format(record))
        finally:
            record.exc_text = cached

    def formatException(self, ei: Any) -> str:
        exc_type, exc, tb = ei
        if exc_type is None or exc is None:
            return super().formatException(ei)
        return format_exception(exc_type, exc, tb).rstrip("\n")


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are 0600: the current one and every one it rolls over to
    (RotatingFileHandler opens them with the process's umask, 0644 on most systems)."""

    def _open(self) -> Any:
        path = Path(self.baseFilename)
        make_private_file(path)  # a file from before this rule
        return open(
            path,
            self.mode,
            encoding=self.encoding,
            errors=self.errors,
            opener=private_file_opener,
        )

    def doRollover(self) -> None:
        super().doRollover()
        for n in range(1, self.backupCount + 1):
            make_private_file(Path(f"{self.baseFilename}.{n}"))


# --------------------------------------------------------------------------------------
# What events and conflict records keep


def _mask_if_number(value: Any, mask: Callable[[str], str]) -> Any:
    """A text holding digits masked; anything else (empty, "（空）", None) as it is."""
    if isinstance(value, str) and any(ch.isdigit() for ch in value):
        return mask(value)
    return value


def _masked_sides(data: dict[str, Any], mask: Callable[[str], str], keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in data:
            value = data[key]
            if isinstance(value, list):
                data[key] = [_mask_if_number(v, mask) for v in value]
            else:
                data[key] = _mask_if_number(value, mask)


def mask_event_data(action: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """A case event's data as it is stored: phones and ID numbers masked.

    修改当事人 keeps the phone before and after masked; 处理同步冲突 of an ID number or a
    phone keeps the versions masked (the 冲突处理 window itself shows the 主任 the whole
    values, from the change log). A 台账 import's raw cells never reach an event
    (:func:`split_import_data`)."""
    out: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False, default=str))
    if action == "edit_party":
        for side in ("before", "after"):
            if isinstance(out.get(side), dict):
                _masked_sides(out[side], mask_phone, ("phone",))
    elif action == "resolve_conflict":
        mask = SENSITIVE_COLUMNS.get((str(out.get("table", "")), str(out.get("column", ""))))
        if mask is not None:
            _masked_sides(out, mask, ("before", "after", "set_aside"))
    elif action == "import" and ("values" in out or isinstance(out.get("warnings"), list)):
        out = split_import_data(out)[0]
    return out


IMPORT_CELLS_KEY: Final = "raw_cells"  # in an import event: the row's cells are in import_rows


def split_import_data(
    data: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, str] | None, list[str]]:
    """An import event's data without the row's cells and the import's remarks on it (either
    may quote an ID number, a phone, a name): (the event's data, the cells, the remarks).
    The event keeps the file, sheet and row, how many remarks there were, and
    ``raw_cells: true`` when import_rows holds the cells under the event's id."""
    out = dict(data)
    cells = out.pop("values", None)
    remarks = out.pop("warnings", None)
    remark_list = [str(w) for w in remarks] if isinstance(remarks, list) else []
    if isinstance(remarks, int):  # already split
        out["warnings"] = remarks
    elif remark_list:
        out["warnings"] = len(remark_list)
    if isinstance(cells, dict):
        out[IMPORT_CELLS_KEY] = True
        return out, {str(k): str(v) for k, v in cells.items()}, remark_list
    return out, None, remark_list


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


@contextlib.contextmanager
def rewriting(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """Lift the append-only guard of ``table`` (case_events, conflict_decisions) for the
    block, inside the caller's transaction, and put the same trigger back after it.

    The sanctioned rewrites of append-only records, and the only ones (docs/privacy.md):
    schema step 8 masking what earlier versions stored (:func:`mask_stored_events`), and
    correcting or erasing an ID number (app/models/id_correction.py). Both rewrite a record
    into what it would say had it been written under today's rules, the same way on every
    installation, so that copies of it still agree."""
    name = f"{table}_no_update"
    found = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).fetchone()
    if found is None:
        raise LookupError(f"no trigger {name}")
    conn.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        conn.execute(str(found[0]))


@contextlib.contextmanager
def secure_delete(conn: sqlite3.Connection) -> Iterator[None]:
    """Overwrite with zeros what a statement in the block deletes or replaces (SQLite's
    secure_delete), so an old value is not left in the file's free space."""
    before = int(conn.execute("PRAGMA secure_delete").fetchone()[0])
    conn.execute("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA secure_delete = {before}")


def set_event_data(conn: sqlite3.Connection, event_id: str, data: Mapping[str, Any]) -> None:
    """Rewrite one case event's data and the change-log entry that carries it (inside
    :func:`rewriting` of case_events)."""
    text = _dumps(data)
    conn.execute("UPDATE case_events SET data = ? WHERE id = ?", (text, event_id))
    conn.execute(
        "UPDATE sync_log SET data = json_set(data, '$.data', ?) "
        "WHERE tbl = 'case_events' AND row_id = ? AND op = 'i'",
        (text, event_id),
    )


def set_decision_values(
    conn: sqlite3.Connection, decision_id: str, kept: Any, set_aside: list[Any]
) -> None:
    """Rewrite a conflict decision's values and its change-log entry (inside
    :func:`rewriting` of conflict_decisions)."""
    kept_text = json.dumps(kept, ensure_ascii=False)
    aside_text = json.dumps(set_aside, ensure_ascii=False)
    conn.execute(
        "UPDATE conflict_decisions SET kept = ?, set_aside = ? WHERE id = ?",
        (kept_text, aside_text, decision_id),
    )
    conn.execute(
        "UPDATE sync_log SET data = json_set(data, '$.kept', ?, '$.set_aside', ?) "
        "WHERE tbl = 'conflict_decisions' AND row_id = ? AND op = 'i'",
        (kept_text, aside_text, decision_id),
    )


def _is_field_laptop(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT role FROM devices WHERE id = (SELECT value FROM settings WHERE key = 'device_id')"
    ).fetchone()
    return row is not None and str(row[0]) == "field"


def insert_import_row(
    conn: sqlite3.Connection,
    event_id: str,
    case_id: str,
    cells: Mapping[str, str],
    remarks: list[str],
) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO import_rows(id, case_id, cells, warnings) VALUES (?, ?, ?, ?)",
        (event_id, case_id, json.dumps(dict(cells), ensure_ascii=False), _dumps(remarks)),
    )


def mask_stored_events(conn: sqlite3.Connection) -> int:
    """Schema step 8, once: the case events and conflict decisions written before keep ID
    numbers and phones masked, and each import event's raw cells move to import_rows (on the
    office; a field laptop drops them: the office keeps them). The change-log entries that
    carry these records are rewritten alike. Deterministic, so that every installation's copy
    of an event reads the same after its own upgrade. Returns the records rewritten."""
    field = _is_field_laptop(conn)
    rewritten = 0
    with secure_delete(conn), rewriting(conn, "case_events"):
        found = conn.execute(
            "SELECT id, case_id, action, data FROM case_events "
            "WHERE action IN ('import', 'edit_party', 'resolve_conflict')"
        ).fetchall()
        for event_id, case_id, action, text in found:
            data = json.loads(text)
            if action == "import":
                new, cells, remarks = split_import_data(data)
                if cells is not None and not field:
                    insert_import_row(conn, str(event_id), str(case_id), cells, remarks)
            else:
                new = mask_event_data(str(action), data)
            if new != data:
                set_event_data(conn, str(event_id), new)
                rewritten += 1
    with secure_delete(conn), rewriting(conn, "conflict_decisions"):
        for decision_id, tbl, col, kept, set_aside in conn.execute(
            "SELECT id, tbl, col, kept, set_aside FROM conflict_decisions"
        ).fetchall():
            mask = SENSITIVE_COLUMNS.get((str(tbl), str(col)))
            if mask is None:
                continue
            old_kept = json.loads(kept) if kept is not None else None
            old_aside = json.loads(set_aside)
            new_kept = _mask_if_number(old_kept, mask)
            new_aside = [_mask_if_number(v, mask) for v in old_aside]
            if (new_kept, new_aside) != (old_kept, old_aside):
                set_decision_values(conn, str(decision_id), new_kept, new_aside)
                rewritten += 1
    if rewritten:
        log.info("schema 8: %d stored events and conflict records masked", rewritten)
    return rewritten
