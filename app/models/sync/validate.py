"""What a sync file may contain, checked before anything is written.

A file is authenticated (only someone with the office's 同步口令 can make one), but a
program that wrote it wrongly, or a person with the passphrase and bad intent, must still not
crash the merge or plant rows that break later merges: every manifest field and change record
is checked for shape, type and range here, and anything else is refused as a damaged file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from app.models.errors import DomainError
from app.models.sync.merge import Change
from app.models.sync.tables import SETTINGS, SYNCED_TABLES

# What to do when two installations write as one (docs/sync.md "同一身份"), in the words of
# the office: it does not name the backup window (the other computer's backup is the
# matter, not this one's) nor a document the office staff do not have.
SAME_IDENTITY_ADVICE = (
    "请先停用其中一台电脑的同步，并联系技术支持。若是同一个外出准备文件在两台笔记本上"
    "打开过：留下办公室已合并过其同步文件的那台；另一台先把其中的案件打印或记下，再在"
    "办公室电脑上重新“准备外出”。"
)

MAX_TEXT = 64  # ids, devices, moments
MAX_INT = 2**62
MAX_BLOCK = 500  # numbers lent at once (field.MAX_BLOCK_SIZE)


class BadSyncContent(DomainError):
    """The file opened and checked out, but what it says is not what this program writes."""


def _refuse(detail: str) -> BadSyncContent:
    return BadSyncContent(
        "同步文件的内容不是本程序生成的格式（" + detail + "），没有合并任何内容，数据库没有改动。"
        "请在对方电脑上用本程序重新生成同步文件；若仍如此，请把文件交技术人员检查。"
    )


def _text(value: Any, what: str, *, empty: bool = False) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT or (not value and not empty):
        raise _refuse(what)
    return value


def _int(value: Any, what: str, *, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value < MAX_INT:
        raise _refuse(what)
    return value


def _vector(value: Any, what: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise _refuse(what)
    return {_text(k, what): _int(v, what) for k, v in value.items()}


def check_manifest(manifest: Mapping[str, Any]) -> None:
    _text(manifest.get("from"), "发出的电脑")
    _int(manifest.get("file_no", 0), "文件编号")
    _vector(manifest.get("held", {}), "已有的修改")
    claims = manifest.get("claims", {})
    if not isinstance(claims, dict):
        raise _refuse("范围")
    for device, pair in claims.items():
        _text(device, "范围")
        if not isinstance(pair, list) or len(pair) != 2:
            raise _refuse("范围")
        _int(pair[0], "范围")
        _int(pair[1], "范围")
    epochs = manifest.get("epochs", [])
    if not isinstance(epochs, list):
        raise _refuse("修改的先后")
    for epoch in epochs:
        if not isinstance(epoch, list) or len(epoch) != 3:
            raise _refuse("修改的先后")
        _text(epoch[0], "修改的先后")
        _int(epoch[1], "修改的先后", low=1)
        _vector(epoch[2], "修改的先后")
    for key in ("to", "home"):
        if manifest.get(key) is not None:
            _text(manifest[key], "收件的电脑")


def _value(value: Any) -> bool:
    if value is None or isinstance(value, str):
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -MAX_INT < value < MAX_INT
    return isinstance(value, float)


def check_change(change: Change) -> None:
    _text(change.device, "修改的电脑")
    _int(change.seq, "修改的编号", low=1)
    if change.tbl not in SYNCED_TABLES and change.tbl != SETTINGS:
        raise _refuse("未知的表")
    _text(change.row_id, "记录的编号")
    _text(change.at, "修改的时间")
    if not isinstance(change.by, str) or len(change.by) > MAX_TEXT:
        raise _refuse("修改人")
    for column, value in change.data.items():
        if not isinstance(column, str) or not column.isidentifier() or not _value(value):
            raise _refuse("记录的内容")
    if change.tbl != SETTINGS and change.data.get("id", change.row_id) != change.row_id:
        raise _refuse("记录的编号不一致")
    if change.tbl == "number_blocks":
        first = change.data.get("first_seq")
        last = change.data.get("last_seq")
        if isinstance(first, int) and isinstance(last, int) and not 0 <= last - first < MAX_BLOCK:
            raise _refuse("号段")


def check_changes(changes: Iterable[Change]) -> None:
    for change in changes:
        check_change(change)


def check_same_identity(conn: sqlite3.Connection, changes: list[Change]) -> None:
    """A change this installation holds under the same (device, number) must be the same
    change: two installations writing as one device (one starter file opened on two laptops,
    a database copied or restored from a backup and used on) would lose work silently."""
    by_device: dict[str, list[Change]] = {}
    for change in changes:
        by_device.setdefault(change.device, []).append(change)
    for device, own in by_device.items():
        low = min(c.seq for c in own)
        high = max(c.seq for c in own)
        held = {
            int(r[0]): (str(r[1]), str(r[2]), str(r[3]))
            for r in conn.execute(
                "SELECT seq, tbl, row_id, op FROM sync_log "
                "WHERE device = ? AND seq BETWEEN ? AND ?",
                (device, low, high),
            )
        }
        for change in own:
            found = held.get(change.seq)
            if found is not None and found != (change.tbl, change.row_id, change.op):
                raise DomainError(
                    "这个同步文件里的修改与本机已有的修改编号相同、内容不同：有两台电脑在用同一个身份"
                    "（同一个外出准备文件在两台笔记本上打开过，或者一台电脑的数据库是复制的、"
                    "恢复过备份）。为免丢失任何一边的内容，本次没有合并。" + SAME_IDENTITY_ADVICE
                )
