"""同步: what one installation hands another, and taking it in, all or nothing.

A *bundle* is the content of a sync file: a manifest (who made it, for whom, what each side
holds) and the changes the receiver has not seen. :func:`make_bundle` and
:func:`apply_bundle` work on bundles; :mod:`app.models.sync.files` puts them in encrypted
files on a USB stick.

Who may merge what (docs/sync.md "Rules"):
- files travel only inside one office (the office id, set when the database was made and
  copied into every starter file);
- a field laptop exchanges files only with the office computer that prepared it;
- a file made for one installation is not applied at another;
- a file older than one already applied from the same installation is refused (everything
  in it reached this installation with the newer one).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.models import accounts, cases, search
from app.models.accounts import Actor
from app.models.db import Database, utc_now
from app.models.errors import DomainError, OperationCancelledError
from app.models.sync import clock, merge, numbers, validate
from app.models.sync.clock import Vector
from app.models.sync.merge import Change, MergeResult
from app.models.sync.outbox import changes_since, epochs_for
from app.models.sync.scope import (
    CASE_TABLES,
    Scope,
    cases_in_scope,
    confirm,
    drop_cases,
    handover,
    in_scope,
    own_cases,
    take_rows,
)

FORMAT = 1

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class SyncRefused(DomainError):
    """A bundle that must not be applied here; ``message`` is plain Chinese for the user."""


class NothingNew(SyncRefused):
    """Everything in the file is already here: nothing was changed."""


@dataclass(frozen=True)
class Device:
    id: str
    name: str
    role: str  # office / field
    office_id: str
    home: str | None  # a field laptop: the office installation that prepared it


@dataclass
class Bundle:
    manifest: dict[str, Any]
    changes: list[Change] = field(default_factory=list)

    def records(self) -> Iterable[dict[str, Any]]:
        return (c.record() for c in self.changes)


@dataclass(frozen=True)
class Applied:
    """What a merge did, for the message after it."""

    from_name: str
    new_changes: int
    known_changes: int
    cases_touched: int
    conflicts: int
    renumbered: list[tuple[str, str]]  # provisional number -> real number
    numbers_returned: int
    cases_received: int = 0  # cases that came into this laptop's villages, whole
    cases_dropped: int = 0  # cases that left them, removed from this laptop
    kept_in_use: int = 0  # rows the other side deleted that rows here still use


# --------------------------------------------------------------------------------------
# This installation


def this_device(conn: sqlite3.Connection) -> Device:
    device = merge.device_of(conn)
    row = conn.execute("SELECT name, role FROM devices WHERE id = ?", (device,)).fetchone()
    office_id = conn.execute("SELECT value FROM settings WHERE key = 'office_id'").fetchone()
    return Device(
        id=device,
        name=str(row[0]) if row else "",
        role=str(row[1]) if row else "office",
        office_id=str(office_id[0]) if office_id else "",
        home=clock.state(conn, "home"),
    )


def device_name(conn: sqlite3.Connection, device: str) -> str:
    row = conn.execute("SELECT name FROM devices WHERE id = ?", (device,)).fetchone()
    return str(row[0]) if row and row[0] else "未命名的电脑"


def set_device_name(db: Database, name: str, *, by: Actor) -> None:
    """Name this installation (办公室电脑, 周玉梅的笔记本): the name travels with its files."""
    name = name.strip()
    if not name:
        from app.models.errors import ValidationError

        raise ValidationError("本机名称", "请填写本机名称，例如“办公室电脑”或“周玉梅的笔记本”。")
    with db.transaction() as conn:
        accounts.authorize(conn, by, "device_name")
        device = merge.device_of(conn)
        now = utc_now()
        conn.execute(
            "INSERT INTO devices(id, name, role, created_at, updated_at, updated_by, origin) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            (
                device,
                name,
                "field" if clock.state(conn, "home") else "office",
                now,
                now,
                by.user_id,
                device,
            ),
        )


# --------------------------------------------------------------------------------------
# Making a bundle


def _peer(conn: sqlite3.Connection, device: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT device, known, scope, files_in, files_out, last_in_at FROM sync_peers "
        "WHERE device = ?",
        (device,),
    ).fetchone()
    return row


def peers(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(device, name) of every installation this one has exchanged files with."""
    return [
        (str(r[0]), device_name(conn, str(r[0])))
        for r in conn.execute("SELECT device FROM sync_peers ORDER BY last_in_at DESC, device")
    ]


def make_bundle(db: Database, *, to: str | None) -> Bundle:
    """The changes ``to`` has not seen (everything, for an unknown receiver).

    A field laptop first hands back the unused numbers of its blocks (they are then
    recorded in this very bundle), so that the office can use them next. A file for a
    laptop that holds only some villages carries the changes of their cases only, hands
    over whole the cases that came into them, and names those that left them
    (:mod:`app.models.sync.scope`); every file says which of the receiver's files were
    merged here (``got``), so that the receiver knows what arrived.
    """
    with db.transaction() as conn:
        me = this_device(conn)
        if me.role == "field":
            numbers.before_send(conn, me.id)
        peer = _peer(conn, to) if to else None
        known: Vector = clock.parse_vector(peer["known"]) if peer is not None else {}
        scope = Scope.from_json(peer["scope"]) if peer is not None and peer["scope"] else None
        relay_others = clock.state(conn, "scope") is None  # a partial copy relays nothing
        only = None if relay_others else {me.id}
        held = clock.held(conn)
        changes = list(changes_since(conn, known, only_devices=only))
        file_no = int(peer["files_out"]) + 1 if peer is not None else 1
        extra: dict[str, Any] = {}
        if scope is not None and not scope.everything and to:
            own = own_cases(conn, to)
            cases = cases_in_scope(conn, scope, None) | own
            changes = in_scope(conn, cases, changes)
            handed = handover(conn, to, cases, changes, file_no, own=own)
            if handed.changes:
                seen = {(c.device, c.seq) for c in changes}
                changes.extend(c for c in handed.changes if (c.device, c.seq) not in seen)
                changes.sort(key=lambda c: (c.device, c.seq))
            extra = {"whole": sorted(handed.full), "rows": handed.rows, "drop": sorted(handed.drop)}
        if to:
            conn.execute(
                "INSERT INTO sync_peers(device, files_out, last_out_at) VALUES (?, ?, ?) "
                "ON CONFLICT(device) DO UPDATE SET files_out = excluded.files_out, "
                "last_out_at = excluded.last_out_at",
                (to, file_no, utc_now()),
            )
    devices = {c.device for c in changes}
    claims = {d: [known.get(d, 0), held.get(d, 0)] for d in (held if relay_others else {me.id})}
    manifest = {
        "format": FORMAT,
        "kind": "sync",
        "office_id": me.office_id,
        "from": me.id,
        "from_name": me.name,
        "from_role": me.role,
        "home": me.home,
        "to": to,
        "file_no": file_no,
        "made_at": utc_now(),
        "held": held,
        "claims": claims,
        "epochs": [[d, s, v] for d, s, v in epochs_for(db.conn, devices | {me.id})],
        "count": len(changes),
        "got": int(peer["files_in"]) if peer is not None else 0,
        **extra,
    }
    return Bundle(manifest, changes)


# --------------------------------------------------------------------------------------
# Taking a bundle in


def check_bundle(conn: sqlite3.Connection, manifest: Mapping[str, Any]) -> None:
    """Refuse a bundle that must not be applied here, before anything is written."""
    validate.check_manifest(manifest)
    me = this_device(conn)
    sender = str(manifest.get("from", ""))
    sender_name = str(manifest.get("from_name") or "未命名的电脑")
    if int(manifest.get("format", 0)) > FORMAT:
        raise SyncRefused("这个同步文件是由更新版本的调解工作台生成的。请先升级本程序，再合并。")
    if manifest.get("office_id") != me.office_id:
        raise SyncRefused(
            f"这个同步文件来自另一个调解委员会办公室的数据库（“{sender_name}”），不能合并到本机。"
            "请确认U盘里的文件是本办公室的笔记本或办公室电脑生成的。"
        )
    if sender == me.id:
        raise SyncRefused("这个同步文件是本机自己生成的，不需要合并。请在另一台电脑上合并它。")
    to = manifest.get("to")
    if to and to != me.id:
        raise SyncRefused(
            f"这个同步文件是“{sender_name}”为另一台电脑（“{device_name(conn, str(to))}”）"
            "生成的，不能在本机合并。请在本机的“同步”里让对方重新生成给本机的文件。"
        )
    if me.role == "field" and sender != me.home:
        raise SyncRefused(
            f"本机是外出笔记本，只与准备它的办公室电脑交换同步文件；这个文件来自“{sender_name}”。"
        )
    home = manifest.get("home")
    if manifest.get("from_role") == "field" and home and home != me.id:
        raise SyncRefused(
            f"“{sender_name}”是由另一台办公室电脑（“{device_name(conn, str(home))}”）准备外出的，"
            "它的案件和案号只能合并回那台电脑的数据库，不能合并到本机。"
        )
    peer = _peer(conn, sender)
    file_no = int(manifest.get("file_no", 0))
    if peer is not None and to and file_no <= int(peer["files_in"]):
        if str(manifest.get("made_at", "")) > (clock.state(conn, f"made:{sender}") or "~"):
            # numbered as an old file but made after the last merge: the sender went back, or
            # a second installation writes as the same one
            raise SyncRefused(
                f"这个同步文件是“{sender_name}”的第{file_no}号，但本机已经合并过它的"
                f"第{peer['files_in']}号，而这个文件是在那之后生成的：那台电脑的数据库可能恢复过"
                "备份、是复制件，或者同一个外出准备文件在两台笔记本上打开过。为免丢失任何"
                "一边的内容，本次没有合并。" + validate.SAME_IDENTITY_ADVICE
            )
        if file_no == int(peer["files_in"]):
            raise NothingNew(
                f"这个同步文件（“{sender_name}”的第{file_no}号）已经合并过，无需再合并。"
            )
        raise NothingNew(
            f"这个同步文件是“{sender_name}”的第{file_no}号，比已经合并的第{peer['files_in']}号旧，"
            "其中的内容都已随较新的文件合并，无需再合并。数据库没有改动。"
        )
    _check_sender_not_behind(conn, manifest)


def apply_bundle(
    db: Database,
    bundle: Bundle,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Applied:
    """Check and merge a bundle in one transaction: on any failure or cancel nothing changes."""

    def step(done: int, total: int) -> None:
        if cancelled is not None and cancelled():
            raise OperationCancelledError("同步已取消，数据库没有改动。")
        if progress is not None:
            progress(done, total)

    manifest = bundle.manifest
    sender = str(manifest["from"])
    with db.transaction() as conn:
        check_bundle(conn, manifest)
        validate.check_changes(bundle.changes)
        validate.check_same_identity(conn, bundle.changes)
        me = this_device(conn)
        claims = {str(d): (int(v[0]), int(v[1])) for d, v in manifest.get("claims", {}).items()}
        epochs = [
            (str(d), int(s), {str(k): int(x) for k, x in v.items()})
            for d, s, v in manifest.get("epochs", [])
        ]
        whole, rows, drop = _handed_over(me, manifest)
        merge.quiet(conn)
        conn.execute("PRAGMA defer_foreign_keys = ON")
        taken = take_rows(conn, rows)
        result = merge.apply_changes(
            conn, bundle.changes, epochs, claims=claims, progress=step, also=taken
        )
        result.rows["cases"].update(c for c in whole if c not in drop)
        merge.quiet(conn)
        dropped = drop_cases(conn, drop, me.id)
        merge.loud(conn)
        touched_cases = _refresh_derived(conn, result)
        # a correction or erasure of an ID number made elsewhere rewrites the copies here
        from app.models import personal_data

        personal_data.after_merge(conn, result.touched("privacy_events"))
        renumbered: list[tuple[str, str]] = []
        returned = 0
        if me.role == "office":
            renumbered, returned = numbers.after_merge(conn, me.id, result)
        conn.execute(
            "INSERT INTO sync_peers(device, known, files_in, last_in_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(device) DO UPDATE SET known = excluded.known, "
            "files_in = max(files_in, excluded.files_in), last_in_at = excluded.last_in_at",
            (
                sender,
                clock.dump_vector(_believable(conn, manifest.get("held", {}))),
                int(manifest.get("file_no", 0)) if manifest.get("to") else 0,
                utc_now(),
            ),
        )
        # when the sender made its last file merged here, by its own clock (check_bundle)
        clock.set_state(conn, f"made:{sender}", str(manifest.get("made_at", "")))
        if me.role == "office":  # what the laptop has of the cases handed over and dropped
            confirm(conn, sender, _got(manifest))
        step(1, 1)
    return Applied(
        from_name=str(manifest.get("from_name") or ""),
        new_changes=result.new_changes,
        known_changes=result.known_changes,
        cases_touched=len(touched_cases),
        conflicts=result.conflicts,
        renumbered=renumbered,
        numbers_returned=returned,
        cases_received=len([c for c in whole if c not in drop]),
        cases_dropped=dropped,
        kept_in_use=len(result.kept_in_use),
    )


def _handed_over(
    me: Device, manifest: Mapping[str, Any]
) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """The cases a file hands over whole (ids, rows) and those it drops, checked: only the
    office sends them, only to a laptop, only rows of a case's tables."""
    whole = manifest.get("whole") or []
    rows = manifest.get("rows") or []
    drop = manifest.get("drop") or []
    if not isinstance(whole, list) or not isinstance(rows, list) or not isinstance(drop, list):
        raise validate.BadSyncContent(_BAD_HANDOVER)
    if (whole or rows or drop) and me.role != "field":
        raise validate.BadSyncContent(_BAD_HANDOVER)
    for case_id in (*whole, *drop):
        if not isinstance(case_id, str) or not 0 < len(case_id) <= validate.MAX_TEXT:
            raise validate.BadSyncContent(_BAD_HANDOVER)
    for row in rows:
        if (
            not isinstance(row, dict)
            or row.get("t") not in CASE_TABLES
            or not isinstance(row.get("r"), str)
            or not isinstance(row.get("v"), dict)
        ):
            raise validate.BadSyncContent(_BAD_HANDOVER)
        validate.check_change(
            Change(me.home or "office", 1, row["t"], row["r"], "i", row["v"], "-", "")
        )
    return [str(c) for c in whole], rows, [str(c) for c in drop]


def _got(manifest: Mapping[str, Any]) -> int:
    """The number of the last file from here that the sender had merged."""
    got = manifest.get("got", 0)
    if isinstance(got, bool) or not isinstance(got, int) or not 0 <= got < validate.MAX_INT:
        raise validate.BadSyncContent(_BAD_HANDOVER)
    return got


_BAD_HANDOVER = (
    "同步文件的内容不是本程序生成的格式（交接的案件），没有合并任何内容，数据库没有改动。"
    "请在对方电脑上用本程序重新生成同步文件；若仍如此，请把文件交技术人员检查。"
)


def _check_sender_not_behind(conn: sqlite3.Connection, manifest: Mapping[str, Any]) -> None:
    """The sender holds fewer of its own changes than this installation has from it: its
    database went back (restored from a backup, or a copy) and would reuse change numbers."""
    sender = str(manifest["from"])
    had = int(clock.held(conn).get(sender, 0))
    says = int(manifest.get("held", {}).get(sender, 0))
    if says < had:
        raise SyncRefused(
            f"“{manifest.get('from_name') or '对方电脑'}”的数据库比它以前发给本机的还旧"
            f"（它只有自己的前{says}项修改，本机已合并到第{had}项）：那台电脑可能恢复过备份，"
            "或用的是数据库的复制件。为免两边的修改互相覆盖，本次没有合并。"
            + validate.SAME_IDENTITY_ADVICE
        )


def _believable(conn: sqlite3.Connection, reported: Mapping[str, Any]) -> dict[str, int]:
    """What the sender says it holds, but never more than exists here: an inflated claim would
    stop this installation from sending those changes to it."""
    here = clock.held(conn)
    return {str(d): min(int(v), here.get(str(d), 0)) for d, v in reported.items()}


_CASE_LINKS = {
    "case_parties": "SELECT case_id FROM case_parties WHERE id = ?",
    "assignments": "SELECT case_id FROM assignments WHERE id = ?",
    "parties": "SELECT case_id FROM case_parties WHERE party_id = ?",
    "mediators": "SELECT case_id FROM assignments WHERE mediator_id = ?",
}


def _refresh_derived(conn: sqlite3.Connection, result: MergeResult) -> set[str]:
    """The register's party and mediator names and the search index of every touched case.

    Derived locally from the merged rows (quietly: they are not changes of their own).
    """
    touched = set(result.touched("cases"))
    linked: set[str] = set()
    for table, sql in _CASE_LINKS.items():
        for row_id in result.touched(table):
            linked.update(str(r[0]) for r in conn.execute(sql, (row_id,)))
    for table in ("sessions", "agreements", "follow_ups", "extensions", "referrals"):
        for row_id in result.touched(table):
            found = conn.execute(f"SELECT case_id FROM {table} WHERE id = ?", (row_id,)).fetchone()
            if found is not None:
                touched.add(str(found[0]))
    merge.quiet(conn)
    existing = set()
    for case_id in sorted(touched | linked):
        if conn.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is None:
            continue
        existing.add(case_id)
        # a merged case row took the names its log decided, which may predate the rows
        if case_id in linked or case_id in result.touched("cases"):
            cases.refresh_derived_names(conn, case_id)
        search.reindex_case(conn, case_id)
    merge.loud(conn)
    return existing


def records_to_changes(records: Iterable[Mapping[str, Any]]) -> list[Change]:
    return [Change.from_record(r) for r in records]


def manifest_json(manifest: Mapping[str, Any]) -> str:
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True)
