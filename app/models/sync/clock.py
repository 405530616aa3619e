"""Who had seen what: per-device high-water marks ("vectors") and the happened-before order.

A change is named by ``(device, seq)``: the device that made it and its running number there.
A vector ``{device: seq}`` says "holds every change of that device up to seq, without gaps".
Each device records, in ``sync_epochs``, the vector it held from a given change number on
(a new epoch starts after every merge). Change B was made *knowing* change A when A is an
earlier change of the same device, or when A is covered by the vector of B's epoch.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Vector = dict[str, int]


@dataclass(frozen=True, order=True)
class Version:
    """One change, ordered for "the later change wins": moment, then device, then number."""

    at: str
    device: str
    seq: int


@dataclass
class Epochs:
    """Every known device's epochs, read once per merge."""

    by_device: dict[str, tuple[list[int], list[Vector]]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Epochs:
        epochs = cls()
        for device, first_seq, seen in conn.execute(
            "SELECT device, first_seq, seen FROM sync_epochs ORDER BY device, first_seq"
        ):
            starts, vectors = epochs.by_device.setdefault(str(device), ([], []))
            starts.append(int(first_seq))
            vectors.append(_vector(seen))
        return epochs

    def add(self, device: str, first_seq: int, seen: Vector) -> Vector:
        """Take in an epoch; returns what is now known of it.

        An epoch no change has used yet is still open: its device starts it again (with
        more seen) after each merge until it makes its next change, and only a closed one
        is sent (outbox.epochs_for). An open one that travelled all the same (in a database
        copied whole) says less than the closed one: the two are joined, never the earlier
        kept.
        """
        starts, vectors = self.by_device.setdefault(device, ([], []))
        i = bisect.bisect_left(starts, first_seq)
        if i < len(starts) and starts[i] == first_seq:
            vectors[i] = join(vectors[i], seen)
            return vectors[i]
        starts.insert(i, first_seq)
        vectors.insert(i, dict(seen))
        return vectors[i]

    def seen_by(self, device: str, seq: int) -> Vector:
        entry = self.by_device.get(device)
        if entry is None:
            return {}
        starts, vectors = entry
        i = bisect.bisect_right(starts, seq) - 1
        return vectors[i] if i >= 0 else {}

    def knew(self, later: Version, earlier: Version) -> bool:
        """Was ``later`` made by someone who held ``earlier``?"""
        if later.device == earlier.device:
            return earlier.seq < later.seq
        return earlier.seq <= self.seen_by(later.device, later.seq).get(earlier.device, 0)

    def rows(self, devices: Iterable[str]) -> list[tuple[str, int, str]]:
        out: list[tuple[str, int, str]] = []
        for device in devices:
            starts, vectors = self.by_device.get(device, ([], []))
            out.extend((device, s, _dump(v)) for s, v in zip(starts, vectors, strict=True))
        return out


def join(a: Mapping[str, int], b: Mapping[str, int]) -> Vector:
    """Everything either vector holds."""
    out = dict(a)
    for device, mark in b.items():
        out[device] = max(out.get(device, 0), mark)
    return out


def _vector(text: str | bytes | None) -> Vector:
    if not text:
        return {}
    raw = json.loads(text)
    return {str(k): int(v) for k, v in raw.items()}


def _dump(vector: Mapping[str, int]) -> str:
    return json.dumps(dict(sorted(vector.items())), separators=(",", ":"))


def parse_vector(text: str | bytes | None) -> Vector:
    return _vector(text)


def dump_vector(vector: Mapping[str, int]) -> str:
    return _dump(vector)


def log_devices(conn: sqlite3.Connection) -> list[str]:
    """The devices the log holds changes of, one index seek each (never a scan of the log)."""
    return [
        str(r[0])
        for r in conn.execute(
            "WITH RECURSIVE d(device) AS (SELECT min(device) FROM sync_log UNION ALL "
            "SELECT (SELECT min(device) FROM sync_log WHERE device > d.device) FROM d "
            "WHERE d.device IS NOT NULL) SELECT device FROM d WHERE device IS NOT NULL"
        )
    ]


def held(conn: sqlite3.Connection) -> Vector:
    """Per device, the highest change number this installation holds without a gap below it.

    What was held at the last merge (``vector``) is held still (the log only grows, and a
    field laptop holds "all of its scope" up to its mark): only the changes above it are
    looked at, by the log's (device, seq) key.
    """
    stored = _vector(_state(conn, "vector"))
    me = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()
    vector: Vector = {}
    for device in log_devices(conn):
        if me is not None and device == me[0]:  # its own changes are numbered without gaps
            top = conn.execute("SELECT max(seq) FROM sync_log WHERE device = ?", (device,))
            vector[device] = int(top.fetchone()[0])
            continue
        mark = stored.get(device, 0)
        top, count = conn.execute(
            "SELECT max(seq), count(*) FROM sync_log WHERE device = ? AND seq > ?",
            (device, mark),
        ).fetchone()
        if top is None or int(top) - mark == int(count):  # mark+1..top all present
            vector[device] = max(mark, int(top or 0))
            continue
        for (seq,) in conn.execute(
            "SELECT seq FROM sync_log WHERE device = ? AND seq > ? ORDER BY seq", (device, mark)
        ):
            if int(seq) != mark + 1:
                break
            mark += 1
        vector[device] = mark
    for device, mark in stored.items():  # a field laptop holds "all of its scope" up to mark
        vector[device] = max(vector.get(device, 0), mark)
    return vector


def remember_held(conn: sqlite3.Connection, vector: Mapping[str, int]) -> None:
    _set_state(conn, "vector", _dump(vector))


def start_epoch(conn: sqlite3.Connection, device: str, seen: Mapping[str, int]) -> None:
    """From this device's next change on, it has seen ``seen``."""
    next_seq = int(
        conn.execute(
            "SELECT coalesce(max(seq), 0) + 1 FROM sync_log WHERE device = ?", (device,)
        ).fetchone()[0]
    )
    without_self = {d: s for d, s in seen.items() if d != device}
    conn.execute(
        "INSERT INTO sync_epochs(device, first_seq, seen) VALUES (?, ?, ?) "
        "ON CONFLICT(device, first_seq) DO UPDATE SET seen = excluded.seen",
        (device, next_seq, _dump(without_self)),
    )


def _state(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _set_state(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO sync_state(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def state(conn: sqlite3.Connection, key: str) -> str | None:
    return _state(conn, key)


def set_state(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    if value is None:
        conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
    else:
        _set_state(conn, key, value)
