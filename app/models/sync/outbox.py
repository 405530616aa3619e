"""What one installation sends another: the changes it holds that the other has not seen."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping

from app.models.sync import clock
from app.models.sync.clock import Epochs, Vector
from app.models.sync.merge import LOG_COLUMNS, Change


def changes_since(
    conn: sqlite3.Connection,
    known: Mapping[str, int],
    *,
    keep: Callable[[Change], bool] | None = None,
    only_devices: set[str] | None = None,
) -> Iterator[Change]:
    """Every logged change beyond ``known`` (the other side's vector), device by device."""
    for device in sorted(clock.log_devices(conn)):
        if only_devices is not None and device not in only_devices:
            continue
        for row in conn.execute(
            f"SELECT {LOG_COLUMNS} FROM sync_log WHERE device = ? AND seq > ? ORDER BY seq",
            (device, known.get(device, 0)),
        ):
            change = Change.from_row(row)
            if keep is None or keep(change):
                yield change


def epochs_for(conn: sqlite3.Connection, devices: set[str]) -> list[tuple[str, int, Vector]]:
    """The epochs of these devices' changes held here.

    An epoch no held change falls in is left out: it may still grow (its device starts it
    again after every merge until its next change), and a receiver that kept the early
    version would take a later change of that device for one made without seeing what it
    saw.
    """
    top = {
        d: int(
            conn.execute(
                "SELECT coalesce(max(seq), 0) FROM sync_log WHERE device = ?", (d,)
            ).fetchone()[0]
        )
        for d in devices
    }
    rows = Epochs.load(conn).rows(sorted(devices))
    return [(d, s, clock.parse_vector(v)) for d, s, v in rows if s <= top.get(d, 0)]
