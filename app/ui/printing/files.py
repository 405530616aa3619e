"""Saving a printed document as a PDF file: the file name, and a write that never leaves
half a file behind.

No Qt here: the preview window calls these and shows ``SaveError.message`` in a box.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

# Characters Windows refuses in file names (Linux refuses only "/" and NUL, but a file
# saved on a USB stick is opened on the office's Windows PC too), and control characters.
_ILLEGAL = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
# Names Windows reserves for devices, with or without an extension.
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
# Most file systems allow 255 bytes a name; Chinese takes 3 bytes a character in UTF-8.
_MAX_NAME_BYTES = 240


def safe_file_name(name: str, *, fallback: str = "文书") -> str:
    """``name`` made usable as a file name on Windows and Linux: illegal characters become
    "_", no leading/trailing spaces or dots, no reserved device names, not too long."""
    cleaned = _ILLEGAL.sub("_", name.strip()).strip().strip(".").strip()
    cleaned = re.sub(r"_{2,}", "_", cleaned)
    if not cleaned:
        cleaned = fallback
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = "_" + cleaned
    while len(cleaned.encode("utf-8")) > _MAX_NAME_BYTES:
        cleaned = cleaned[:-1]
    return cleaned


def suggested_file_name(title: str, number: str | None = None, *, blank: bool = False) -> str:
    """The name the save dialog proposes: "人民调解协议书_（2026）青山调字第16号.pdf",
    "人民调解协议书（空白）.pdf" for a blank form."""
    if blank:
        stem = f"{title}（空白）"
    elif number and number.strip():
        stem = f"{title}_{number.strip()}"
    else:
        stem = title
    return safe_file_name(stem) + ".pdf"


class SaveError(Exception):
    """The file could not be written. ``message`` is plain Chinese: which file, what went
    wrong and what to do. Nothing was left behind."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then
    rename it over ``path``: a failure (no permission, disk full, USB stick pulled out)
    leaves the old file, if any, as it was and no half-written file.

    Raises SaveError with a message for the user.
    """
    folder = path.parent
    tmp_name: str | None = None
    stage = "create"
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=folder)
        stage = "write"
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        stage = "replace"
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        # Not the file's name: a user may name a PDF after a party (docs/privacy.md).
        log.warning("saving a file in %s failed at %s: %s", folder, stage, exc.strerror)
        raise SaveError(_message(exc, path, stage), path) from exc
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:  # pragma: no cover - the folder went away with the stick
                log.warning("could not remove a temporary file in %s", folder)


def _message(exc: OSError, path: Path, stage: str) -> str:
    name = f"“{path.name}”"
    folder = f"“{path.parent}”"
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return (
            f"磁盘（或U盘）空间不够，文件{name}没有保存。"
            f"请删除一些不用的文件腾出空间，或换一个有空间的位置再保存。"
        )
    if code == errno.ENOENT:
        return (
            f"文件夹{folder}不存在，文件{name}没有保存。U盘可能已经拔出；"
            "请插好U盘，或换一个文件夹再保存。"
        )
    if code == errno.ENAMETOOLONG:
        return f"文件名{name}太长，没有保存。请改用短一些的文件名再保存。"
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        if stage == "replace" and path.exists():
            return (
                f"文件{name}已经存在，而且正被其他程序（例如PDF阅读器）打开，或者是只读的，"
                "没有保存。请关闭打开它的程序后再保存，或换一个文件名。"
            )
        return (
            f"文件夹{folder}不允许写入（没有写入权限，或者是只读的U盘、光盘），"
            f"文件{name}没有保存。请换一个文件夹（例如“文档”或桌面）再保存。"
        )
    reason = exc.strerror or str(exc)
    return f"文件{name}没有保存：{reason}。请换一个文件夹再试；若仍不行，请联系技术人员。"
