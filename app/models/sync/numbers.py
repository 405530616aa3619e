"""Case numbers on field laptops: blocks handed out by the office, provisional numbers.

(Filled in by the number-block work; see docs/sync.md "Case numbers".)
"""

from __future__ import annotations

import sqlite3

from app.models.sync.merge import MergeResult


def before_send(conn: sqlite3.Connection, device: str) -> None:
    """A field laptop hands back the unused numbers of its open blocks."""


def after_merge(
    conn: sqlite3.Connection, device: str, result: MergeResult
) -> tuple[list[tuple[str, str]], int]:
    """The office: real numbers for provisional ones, unused block numbers back in the pool.

    Returns (provisional -> real number pairs, count of numbers put back).
    """
    return [], 0


def issue_blocks(
    conn: sqlite3.Connection,
    device: str,
    committees: tuple[str, ...] | None,
    year: int,
    size: int,
    *,
    by: str,
) -> list[tuple[str, int, int, int]]:
    """The office reserves ``size`` numbers per committee for a field laptop.

    Returns (committee name, year, first, last) of each block.
    """
    return []
