"""Files that are either whole or not there: written beside their target, forced to disk,
renamed over it, and the rename forced to disk too.

A power cut, a full disk or a USB stick pulled out while a file is written leaves the old
file (if any) as it was and no half-written one under the target's name. Used by the
backups, the sync and starter files and the 台账 export.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def new_file_beside(target: Path, *, mode: int = 0o666) -> tuple[Path, BinaryIO]:
    """A new empty file in ``target``'s folder (the same disk, so the final rename is
    atomic), hidden by its leading dot; ``mode`` before the umask (0o600: personal data
    in clear is never readable by others, not even for a moment)."""
    for _ in range(100):
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(temp, _FLAGS, mode)
        except FileExistsError:
            continue
        return temp, os.fdopen(fd, "wb")
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))


@contextlib.contextmanager
def replacing(target: Path, *, mode: int = 0o666) -> Iterator[BinaryIO]:
    """A new file to write ``target``'s content into. When the block ends normally it is
    flushed, forced to disk and renamed over ``target`` (then the folder is synced); when
    the block raises, it is removed and ``target`` is left as it was. OSErrors go to the
    caller, who knows what to tell the user."""
    temp, out = new_file_beside(target, mode=mode)
    try:
        try:
            yield out
            out.flush()
            os.fsync(out.fileno())
        finally:
            out.close()
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    sync_folder(target.parent)


def sync_file(path: Path) -> None:
    """Force a file written by someone else (SQLite's backup) to disk."""
    with path.open("rb+") as f:
        os.fsync(f.fileno())


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable where the system allows it: not on Windows
    (a folder cannot be opened to sync it; NTFS journals the rename), nor on some USB
    file systems (their refusal is not an error)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
