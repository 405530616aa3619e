"""Sync files (``.mdsync``) and starter files (``.mdstart``): one encrypted, authenticated
file that travels on a USB stick between the office PC and a field laptop.

A file holds a *manifest* (a JSON object chosen by the caller) and a *payload*: the change
records of a sync file (JSON lines), or the whole SQLite database of a starter file. This
module knows nothing of what the records mean; it only packs, encrypts, checks and unpacks.

Public API
----------
``write_sync_file(path, *, passphrase, office_id, manifest, changes, progress=None,
cancelled=None, chunk_size=CHUNK_SIZE) -> int``
    Writes a sync file; returns its size in bytes. ``changes`` is any iterable of JSON
    objects (mappings); it is consumed once, streaming.
``read_sync_file(path, *, passphrase, expected_office_id, progress=None, cancelled=None)
-> SyncFile``
    Checks everything (every chunk, the zip, every record) before it returns
    ``SyncFile(header, manifest, changes)``; a bad file raises and returns nothing.
``write_starter_file(path, *, passphrase, office_id, manifest, database_path,
progress=None, cancelled=None, chunk_size=CHUNK_SIZE) -> int``
    Packs a closed SQLite file (give it a consistent copy, e.g. made with the sqlite3 backup
    API, in ``journal_mode=DELETE``: the ``-wal`` file is not packed).
``read_starter_file(path, *, passphrase, target_database_path, expected_office_id=None,
progress=None, cancelled=None) -> dict``
    Checks every chunk, then unpacks the database to a temporary file beside the target and
    renames it over the target only when the whole file checked out (zip CRC included).
    Returns the manifest. Refuses (``TargetBusyError``) to replace a database whose ``-wal``
    or ``-journal`` file is not empty (it is open, or was not closed cleanly): checked
    before the key is derived and again just before the rename. The unpacked file is
    created with mode 0600.
``peek(path) -> Header``
    Reads only the clear header (kind, office id, time written, format version, size),
    with no passphrase, so the UI can say what a file is before asking for one.

``progress(done, total)`` is called now and then and at the end; ``total`` 0 means "not
known" (a Qt progress bar with maximum 0 shows "busy"). Writing a sync file counts records
(``total`` is ``len(changes)`` when ``changes`` has a length); writing a starter file counts
database bytes; reading counts bytes (checking the chunks is the first half, unpacking the
second). ``cancelled()`` returning True stops the work with ``SyncCancelled`` and leaves no
file behind (a target that existed keeps its old content).

Errors: everything a user can cause raises a ``SyncFileError`` (a ``DomainError``, so the
background-job runner shows its ``message``: plain Chinese naming the file and saying what
to do): ``NotASyncFileError``, ``DamagedSyncFileError`` (``.reason`` says where, in English,
for the log), ``WrongPassphraseError``, ``OtherOfficeError``, ``NewerFormatError``,
``WrongKindError``, ``SyncFileUnreadableError``, ``SyncFileWriteError`` (disk full, folder
read-only or gone; no partial file is left), ``TargetBusyError`` and ``SyncCancelled``
(also an ``OperationCancelledError``). An empty passphrase or office id, or a database
file to pack that is not SQLite or still has a non-empty ``-wal``, is a programming error
(``ValueError``).

Reading checks, in this order, and stops at the first failure: the magic (not a sync
file; an empty or shorter-than-magic file is damaged), the format version (newer), the
header checksum and fields (damaged), the kind (wrong kind), the office id (another
office), for a starter file the target database (busy), that the body splits into whole
chunks (damaged) — all of these without the passphrase and without deriving a key — then
the key check (wrong passphrase), every chunk (damaged), the zip's members and CRCs and
every JSON record (damaged). Only then is anything returned or renamed into place.

File format (version 1)
-----------------------
All integers big-endian. One file is a clear header followed by the encrypted body::

    offset  size  field
    0       8     magic  b"MDSYNC\\r\\n"  (the same for sync and starter files)
    8       2     format version, uint16 = 1 (a reader refuses a newer version before
                  looking at anything else: "upgrade the program")
    10      4     L = length of the header JSON, uint32 (at most 65536)
    14      L     header JSON, UTF-8, one object:
                    "kind": "sync" | "starter"
                    "office_id": the office's id (clear, so that a file of another office
                                 is refused before any key derivation)
                    "created_at": UTC ISO-8601 with milliseconds, e.g. "2026-11-20T08:00:00.000Z"
                    "kdf": {"name": "scrypt", "salt": base64 (16 bytes, random per file),
                            "n": 32768, "r": 8, "p": 1}
                    "key_check": base64 (16 bytes, see below)
                    "cipher": {"name": "AES-256-GCM", "chunk_size": 1048576,
                               "nonce_prefix": base64 (8 bytes, random per file)}
    14+L    32    D = SHA-256 of bytes 0 .. 14+L (the header's checksum; it catches an
                  accidental change; a deliberate one is caught by AES-GCM, since D is part
                  of every chunk's associated data)
    46+L    ...   chunks

Key: ``scrypt(NFC(passphrase) as UTF-8, salt, n, r, p, length=48)``; bytes 0-31 are the
AES-256-GCM key, bytes 32-47 are ``key_check``. A reader compares the key check first, so
a wrong passphrase ("同步口令不对") is told apart from a damaged file (a chunk that fails
authentication although the key check matched). The passphrase is NFC-normalised but not
stripped: a leading or trailing space is part of it.

Chunks: the plaintext (see below) is cut into pieces of ``chunk_size`` bytes; the last
piece may be shorter, or as long, or empty when the plaintext is empty. Piece ``i`` (from
0) is stored as ``AESGCM(key).encrypt(nonce, piece, ad)`` (ciphertext + 16-byte tag) with
``nonce = nonce_prefix (8) + uint32(i)`` and ``ad = D (32) + uint64(i) + uint8(final)``,
where ``final`` is 1 for the last piece only. Every stored chunk but the last is exactly
``chunk_size + 16`` bytes, so a reader finds the chunks from the file size: dropping the
last chunks (the new last one was not sealed as final), cutting one, appending bytes,
reordering or changing any byte fails authentication. A reader checks every chunk before
it uses any of them. Memory stays bounded by a chunk or two, whatever the file size.

Plaintext: a zip (deflate; zip64 for a large database) written as a stream, holding
``manifest.json`` (the manifest, UTF-8 JSON) and then either ``changes.jsonl`` (sync: one
JSON object per line, UTF-8, ``\\n``-terminated) or ``database.sqlite`` (starter: the
SQLite file as it was). No other members are allowed.

Writing goes to a temporary file ``.<name>.<random>.tmp`` in the target folder, is
fsync'ed and renamed over the target with ``os.replace`` at the end (the folder is fsync'ed
too where the system allows): there is never a half-written file under the final name.

What stays in clear: the header (kind, office id, time written, the KDF and cipher
parameters) and the file's size. Everything else — manifest, records, database — is only
readable with the passphrase. The manifest carries no checksum of its own: AES-GCM's tags
authenticate every byte.

Key derivation costs about 0.09 s at n = 2**15 on the development machine (0.05 s at
2**14, 0.17 s at 2**16) and needs 32 MiB; an older field laptop takes two or three times as
long, which is still well under a second. The parameters are stored in each file, so a
later version can raise them and still read today's files (a reader accepts any n, r, p
needing at most 256 MiB). Measured on the development machine: the bench's 1 GB database
packs into a 268 MiB starter file in 9 s and unpacks in 4.5 s, at 64 MiB peak memory.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import hashlib
import hmac
import io
import json
import os
import secrets
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.models import durable
from app.models.db import utc_now
from app.models.errors import DomainError, OperationCancelledError

Kind = Literal["sync", "starter"]
ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

MAGIC: Final = b"MDSYNC\r\n"
FORMAT_VERSION: Final = 1
SYNC_SUFFIX: Final = ".mdsync"
STARTER_SUFFIX: Final = ".mdstart"
KIND_NAMES: Final[dict[str, str]] = {"sync": "同步文件", "starter": "外出准备文件"}

CHUNK_SIZE: Final = 1 << 20
# Read at call time (not bound as defaults), so the tests can make derivation cheap.
SCRYPT_N = 1 << 15
SCRYPT_R = 8
SCRYPT_P = 1

_FIXED = struct.Struct(">8sHI")  # magic, format version, header JSON length
_DIGEST_BYTES = 32
_SALT_BYTES = 16
_NONCE_PREFIX_BYTES = 8
_KEY_CHECK_BYTES = 16
_TAG_BYTES = 16
_MAX_HEADER_JSON = 1 << 16
_MAX_CHUNK_SIZE = 1 << 26
_MAX_SCRYPT_MEMORY = 1 << 28  # 128 * n * r bytes: a crafted header cannot exhaust memory
_COPY_BLOCK = 1 << 20
_RECORDS_PER_WRITE = 256
_ZIP64_FROM = 1 << 30
_SQLITE_MAGIC = b"SQLite format 3\x00"

MANIFEST_NAME: Final = "manifest.json"
CHANGES_NAME: Final = "changes.jsonl"
DATABASE_NAME: Final = "database.sqlite"
_MEMBERS: Final[dict[str, tuple[str, str]]] = {
    "sync": (MANIFEST_NAME, CHANGES_NAME),
    "starter": (MANIFEST_NAME, DATABASE_NAME),
}


# ---------------------------------------------------------------------------------------
# Errors


class SyncFileError(DomainError):
    """A sync or starter file cannot be written or used. ``message`` is plain Chinese for
    the user (names the file, says what to do); ``path`` is the file concerned."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


class NotASyncFileError(SyncFileError):
    """The file is not a sync or starter file at all (a zip, a spreadsheet, a folder …)."""


class DamagedSyncFileError(SyncFileError):
    """Truncated, cut, appended to or changed: a header checksum or a chunk's
    authentication failed, or the zip inside is bad. ``reason`` says where (English)."""

    def __init__(self, message: str, *, path: Path, reason: str) -> None:
        super().__init__(message, path=path)
        self.reason = reason


class WrongPassphraseError(SyncFileError):
    """The passphrase does not open the file (the key check failed)."""


class OtherOfficeError(SyncFileError):
    """The file was written from another office's database (refused before any key is
    derived). ``office_id`` is the file's, ``expected_office_id`` this database's."""

    def __init__(
        self, message: str, *, path: Path, office_id: str, expected_office_id: str
    ) -> None:
        super().__init__(message, path=path)
        self.office_id = office_id
        self.expected_office_id = expected_office_id


class NewerFormatError(SyncFileError):
    """The file was written by a newer program (format ``version``)."""

    def __init__(self, message: str, *, path: Path, version: int) -> None:
        super().__init__(message, path=path)
        self.version = version


class WrongKindError(SyncFileError):
    """A starter file given where a sync file is expected, or the other way round."""

    def __init__(self, message: str, *, path: Path, kind: str, expected: str) -> None:
        super().__init__(message, path=path)
        self.kind = kind
        self.expected = expected


class SyncFileUnreadableError(SyncFileError):
    """The file cannot be read: missing, no permission, the USB stick pulled out."""


class SyncFileWriteError(SyncFileError):
    """The file (or the unpacked database) could not be written: disk full, folder
    read-only or gone. Nothing half-written is left; a file that existed is unchanged.
    ``errno`` is the system's error number."""

    def __init__(self, message: str, *, path: Path, errno: int | None) -> None:
        super().__init__(message, path=path)
        self.errno = errno


class TargetBusyError(SyncFileError):
    """The database to be replaced has a non-empty ``-wal`` or ``-journal`` file: it is
    open, or was not closed cleanly. It was left as it was."""


class SyncCancelled(SyncFileError, OperationCancelledError):
    """The user cancelled; no file was left behind and nothing was changed."""


# ---------------------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class Header:
    """What the clear header says: readable without the passphrase."""

    kind: Kind
    office_id: str
    created_at: str
    format_version: int
    size: int  # the whole file, bytes


@dataclass(frozen=True)
class SyncFile:
    """A sync file read and checked in full."""

    header: Header
    manifest: dict[str, Any]
    changes: list[dict[str, Any]]


@dataclass(frozen=True)
class _Crypto:
    """The header's parameters for key derivation and the chunks."""

    salt: bytes
    n: int
    r: int
    p: int
    key_check: bytes
    chunk_size: int
    nonce_prefix: bytes
    digest: bytes  # SHA-256 of the header: part of every chunk's associated data
    body_offset: int


# ---------------------------------------------------------------------------------------
# Writing


def write_sync_file(
    path: Path | str,
    *,
    passphrase: str,
    office_id: str,
    manifest: Mapping[str, Any],
    changes: Iterable[Mapping[str, Any]],
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> int:
    """Write ``manifest`` and ``changes`` as an encrypted sync file; returns its size."""
    target = Path(path)
    total = len(changes) if isinstance(changes, Sized) else 0

    def fill(stream: _ChunkWriter) -> None:
        done = 0
        lines: list[bytes] = []
        with _zip_writer(stream, level=6) as zf:
            zf.writestr(MANIFEST_NAME, _json_bytes(manifest))
            with zf.open(CHANGES_NAME, "w") as out:
                for change in changes:
                    lines.append(_json_bytes(change) + b"\n")
                    done += 1
                    if len(lines) == _RECORDS_PER_WRITE:
                        out.write(b"".join(lines))
                        lines.clear()
                        _check_cancel(cancelled, target, "sync", writing=True)
                        if progress is not None:
                            progress(done, total)
                out.write(b"".join(lines))
        if progress is not None:
            progress(done, max(total, done))

    return _write_file(target, "sync", passphrase, office_id, fill, chunk_size, cancelled)


def write_starter_file(
    path: Path | str,
    *,
    passphrase: str,
    office_id: str,
    manifest: Mapping[str, Any],
    database_path: Path | str,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> int:
    """Write ``manifest`` and the SQLite file ``database_path`` as an encrypted starter
    file; returns its size. The database must be closed (nothing in a ``-wal`` file)."""
    target = Path(path)
    source = Path(database_path)
    with open(source, "rb") as probe:
        if probe.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
            raise ValueError(f"{source} is not an SQLite database file")
    wal = source.with_name(source.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:  # only the main file is packed
        raise ValueError(f"{source} is open or was not checkpointed: close it first")
    total = source.stat().st_size

    def fill(stream: _ChunkWriter) -> None:
        done = 0
        # Level 1: a database compresses nearly as well and four times as fast (1 GB: ~7 s).
        with _zip_writer(stream, level=1) as zf:
            zf.writestr(MANIFEST_NAME, _json_bytes(manifest))
            with (
                open(source, "rb") as src,
                zf.open(DATABASE_NAME, "w", force_zip64=total >= _ZIP64_FROM) as out,
            ):
                while block := src.read(_COPY_BLOCK):
                    out.write(block)
                    done += len(block)
                    _check_cancel(cancelled, target, "starter", writing=True)
                    if progress is not None:
                        progress(done, total)
        if progress is not None:
            progress(done, max(total, done))

    return _write_file(target, "starter", passphrase, office_id, fill, chunk_size, cancelled)


def _write_file(
    target: Path,
    kind: Kind,
    passphrase: str,
    office_id: str,
    fill: Callable[[_ChunkWriter], object],
    chunk_size: int,
    cancelled: CancelledFn | None,
) -> int:
    """Seal the plaintext that ``fill`` writes to the stream it is given into ``target``,
    atomically; returns the file's size."""
    if not office_id or not isinstance(office_id, str):
        raise ValueError("office_id must be a non-empty string")
    if not 1 <= chunk_size <= _MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be 1 .. {_MAX_CHUNK_SIZE}")
    secret = _passphrase_bytes(passphrase)
    _check_cancel(cancelled, target, kind, writing=True)
    salt = secrets.token_bytes(_SALT_BYTES)
    nonce_prefix = secrets.token_bytes(_NONCE_PREFIX_BYTES)
    n, r, p = SCRYPT_N, SCRYPT_R, SCRYPT_P
    key, key_check = _derive(secret, salt, n, r, p)
    fields = {
        "kind": kind,
        "office_id": office_id,
        "created_at": utc_now(),
        "kdf": {"name": "scrypt", "salt": _b64(salt), "n": n, "r": r, "p": p},
        "key_check": _b64(key_check),
        "cipher": {
            "name": "AES-256-GCM",
            "chunk_size": chunk_size,
            "nonce_prefix": _b64(nonce_prefix),
        },
    }
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode("utf-8")
    head = _FIXED.pack(MAGIC, FORMAT_VERSION, len(text)) + text
    digest = hashlib.sha256(head).digest()
    head += digest

    try:
        with durable.replacing(target) as out:
            out.write(head)
            sealer = _ChunkWriter(out, AESGCM(key), nonce_prefix, digest, chunk_size)
            fill(sealer)
            sealer.finish()
    except OSError as exc:
        raise _write_error(exc, target, kind) from exc
    return len(head) + sealer.written


def _zip_writer(stream: _ChunkWriter, *, level: int) -> zipfile.ZipFile:
    """A zip written as a stream (the sealer cannot seek: sizes go in data descriptors)."""
    return zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level)


class _ChunkWriter:
    """A write-only stream for zipfile: seals what it is given in chunks of
    ``chunk_size`` bytes. A full chunk is held back until more comes, since the last
    chunk (``finish``) is sealed as final."""

    def __init__(
        self, out: BinaryIO, aes: AESGCM, nonce_prefix: bytes, digest: bytes, chunk_size: int
    ) -> None:
        self._out = out
        self._aes = aes
        self._prefix = nonce_prefix
        self._digest = digest
        self._size = chunk_size
        self._buffer = bytearray()
        self._index = 0
        self._position = 0
        self.written = 0  # bytes of ciphertext written

    def write(self, data: bytes, /) -> int:
        self._buffer += data
        self._position += len(data)
        while len(self._buffer) > self._size:
            self._seal(bytes(self._buffer[: self._size]), final=False)
            del self._buffer[: self._size]
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def finish(self) -> None:
        self._seal(bytes(self._buffer), final=True)
        self._buffer.clear()

    def _seal(self, piece: bytes, *, final: bool) -> None:
        if self._index >= 1 << 32:
            raise ValueError("too many chunks")  # 4 PiB at the default chunk size
        sealed = self._aes.encrypt(
            _nonce(self._prefix, self._index), piece, _ad(self._digest, self._index, final)
        )
        self._out.write(sealed)
        self.written += len(sealed)
        self._index += 1


# ---------------------------------------------------------------------------------------
# Reading


def peek(path: Path | str) -> Header:
    """The clear header of ``path``: what the file is, without a passphrase."""
    source = Path(path)
    with _open_source(source) as (f, size):
        header, _ = _read_header(f, source, size)
    return header


def read_sync_file(
    path: Path | str,
    *,
    passphrase: str,
    expected_office_id: str,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> SyncFile:
    """Read and check a whole sync file; nothing is returned from a file that fails."""
    source = Path(path)
    with _open_source(source) as (f, size):
        header, crypto = _read_header(f, source, size)
        _expect_kind(header, "sync", source)
        _expect_office(header, expected_office_id, source)
        reader = _unlock(f, size, header, crypto, passphrase, source)
        reader.verify(progress, cancelled)
        with _unpacking(reader, header, source) as zf:
            manifest = _read_manifest(zf, source)
            changes: list[dict[str, Any]] = []
            with zf.open(CHANGES_NAME) as member:
                for number, line in enumerate(member, 1):
                    record = json.loads(line)
                    if not isinstance(record, dict) or not line.endswith(b"\n"):
                        raise _damaged(source, "sync", f"change record {number} is not an object")
                    changes.append(record)
                    if number % _RECORDS_PER_WRITE == 0:
                        _check_cancel(cancelled, source, "sync", writing=False)
                        reader.report(progress)
        reader.report(progress, done=True)
    return SyncFile(header=header, manifest=manifest, changes=changes)


def read_starter_file(
    path: Path | str,
    *,
    passphrase: str,
    target_database_path: Path | str,
    expected_office_id: str | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> dict[str, Any]:
    """Check a whole starter file, then put its database at ``target_database_path``
    (atomically, replacing a closed database there); returns the manifest."""
    source = Path(path)
    target = Path(target_database_path)
    with _open_source(source) as (f, size):
        header, crypto = _read_header(f, source, size)
        _expect_kind(header, "starter", source)
        if expected_office_id is not None:
            _expect_office(header, expected_office_id, source)
        _expect_closed(target)
        reader = _unlock(f, size, header, crypto, passphrase, source)
        reader.verify(progress, cancelled)
        with _unpacking(reader, header, source) as zf:
            manifest = _read_manifest(zf, source)
            _unpack_database(zf, reader, source, target, progress, cancelled)
        reader.report(progress, done=True)
    return manifest


def _unpack_database(
    zf: zipfile.ZipFile,
    reader: _ChunkReader,
    source: Path,
    target: Path,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> None:
    try:
        # 0o600: the unpacked database is personal data in clear
        with durable.replacing(target, mode=0o600) as out:
            first = b""
            with zf.open(DATABASE_NAME) as member:
                while block := member.read(_COPY_BLOCK):
                    if len(first) < len(_SQLITE_MAGIC):
                        first += block[: len(_SQLITE_MAGIC)]
                    out.write(block)
                    _check_cancel(cancelled, source, "starter", writing=False)
                    reader.report(progress)
            if first[: len(_SQLITE_MAGIC)] != _SQLITE_MAGIC:
                raise _damaged(source, "starter", "the database member is not SQLite")
            _expect_closed(target)
    except OSError as exc:
        raise _write_error(exc, target, "database") from exc


def _expect_closed(target: Path) -> None:
    for suffix in ("-wal", "-journal"):
        side = target.with_name(target.name + suffix)
        try:
            busy = side.stat().st_size > 0
        except OSError:
            continue
        if busy:
            raise TargetBusyError(
                f"数据库“{target.name}”正在使用中（或者上次没有正常关闭），"
                "不能用外出准备文件替换它，它保持原样。请关闭本程序的其他窗口，"
                "重新打开本程序后再试。",
                path=target,
            )


@contextlib.contextmanager
def _open_source(source: Path) -> Iterator[tuple[BinaryIO, int]]:
    try:
        f = open(source, "rb")  # noqa: SIM115 - closed below, errors told apart
        size = os.fstat(f.fileno()).st_size
    except IsADirectoryError as exc:
        raise NotASyncFileError(
            f"“{source.name}”是一个文件夹，不是同步文件。请选择文件夹里的 .mdsync 或 "
            ".mdstart 文件。",
            path=source,
        ) from exc
    except OSError as exc:
        raise _read_error(exc, source) from exc
    with f:
        yield f, size


def _read_exact(f: BinaryIO, offset: int, length: int, source: Path) -> bytes:
    try:
        f.seek(offset)
        return f.read(length)
    except OSError as exc:
        raise _read_error(exc, source) from exc


def _read_header(f: BinaryIO, source: Path, size: int) -> tuple[Header, _Crypto]:
    fixed = _read_exact(f, 0, _FIXED.size, source)
    if size == 0:
        raise DamagedSyncFileError(
            f"文件“{source.name}”是空的（0 字节），可能复制时没有复制完整。"
            "请重新复制或重新导出一份后再试。",
            path=source,
            reason="empty file",
        )
    if not fixed.startswith(MAGIC) and not (len(fixed) < len(MAGIC) and MAGIC.startswith(fixed)):
        raise NotASyncFileError(
            f"“{source.name}”不是本程序的同步文件（.mdsync），也不是外出准备文件（.mdstart）。"
            "请重新选择由本程序“同步”或“准备外出”生成的文件。",
            path=source,
        )
    if len(fixed) < _FIXED.size:
        raise _damaged(source, None, "truncated in the fixed header")
    _, version, length = _FIXED.unpack(fixed)
    if version > FORMAT_VERSION:
        raise NewerFormatError(
            f"“{source.name}”是用更新版本的调解工作台生成的（文件格式第 {version} 版，"
            f"本程序只能读到第 {FORMAT_VERSION} 版），本程序打不开。"
            "请先把本程序升级到最新版本，再打开这个文件。",
            path=source,
            version=version,
        )
    if version < 1 or length > _MAX_HEADER_JSON:
        raise _damaged(source, None, f"bad version {version} or header length {length}")
    text = _read_exact(f, _FIXED.size, length + _DIGEST_BYTES, source)
    if len(text) < length + _DIGEST_BYTES:
        raise _damaged(source, None, "truncated in the header")
    digest = hashlib.sha256(fixed + text[:length]).digest()
    if not hmac.compare_digest(digest, text[length:]):
        raise _damaged(source, None, "header checksum does not match")
    try:
        header, crypto = _parse_header(text[:length], version, size, digest)
    except (ValueError, TypeError, KeyError, binascii.Error) as exc:
        raise _damaged(source, None, f"bad header: {exc}") from exc
    return header, crypto


def _parse_header(raw: bytes, version: int, size: int, digest: bytes) -> tuple[Header, _Crypto]:
    fields = json.loads(raw.decode("utf-8"))
    if not isinstance(fields, dict):
        raise ValueError("header is not an object")
    kind = fields["kind"]
    if kind not in _MEMBERS:
        raise ValueError(f"unknown kind {kind!r}")
    office_id = _text(fields["office_id"])
    created_at = _text(fields["created_at"])
    kdf, cipher = fields["kdf"], fields["cipher"]
    if kdf["name"] != "scrypt" or cipher["name"] != "AES-256-GCM":
        raise ValueError("unknown algorithm")
    n, r, p, chunk_size = (_number(v) for v in (kdf["n"], kdf["r"], kdf["p"], cipher["chunk_size"]))
    if n < 2 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise ValueError("bad scrypt parameters")
    if 128 * n * r > _MAX_SCRYPT_MEMORY or not 1 <= chunk_size <= _MAX_CHUNK_SIZE:
        raise ValueError("parameters out of range")
    salt = _unb64(kdf["salt"], 8, 64)
    key_check = _unb64(fields["key_check"], _KEY_CHECK_BYTES, _KEY_CHECK_BYTES)
    prefix = _unb64(cipher["nonce_prefix"], _NONCE_PREFIX_BYTES, _NONCE_PREFIX_BYTES)
    header = Header(
        kind=kind, office_id=office_id, created_at=created_at, format_version=version, size=size
    )
    crypto = _Crypto(
        salt=salt,
        n=n,
        r=r,
        p=p,
        key_check=key_check,
        chunk_size=chunk_size,
        nonce_prefix=prefix,
        digest=digest,
        body_offset=_FIXED.size + len(raw) + _DIGEST_BYTES,
    )
    return header, crypto


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("expected a non-empty string")
    return value


def _number(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("expected an integer")
    return value


def _unb64(value: object, least: int, most: int) -> bytes:
    data = base64.b64decode(_text(value), validate=True)
    if not least <= len(data) <= most:
        raise ValueError("bad length")
    return data


def _expect_kind(header: Header, expected: Kind, source: Path) -> None:
    if header.kind == expected:
        return
    if expected == "sync":
        message = (
            f"“{source.name}”是外出准备文件，不是同步文件。外出准备文件只用来设置外出笔记本；"
            "同步时请选择另一台电脑导出的 .mdsync 同步文件。"
        )
    else:
        message = (
            f"“{source.name}”是同步文件，不是外出准备文件。设置外出笔记本要用办公室电脑"
            "“准备外出”生成的 .mdstart 文件；同步文件请在“同步”中导入。"
        )
    raise WrongKindError(message, path=source, kind=header.kind, expected=expected)


def _expect_office(header: Header, expected_office_id: str, source: Path) -> None:
    if header.office_id == expected_office_id:
        return
    what = KIND_NAMES[header.kind]
    raise OtherOfficeError(
        f"{what}“{source.name}”来自另一个单位的数据库，不能合并到这里，本机数据没有改动。"
        "请确认选择的是本单位办公室电脑或本单位外出笔记本生成的文件。",
        path=source,
        office_id=header.office_id,
        expected_office_id=expected_office_id,
    )


def _unlock(
    f: BinaryIO, size: int, header: Header, crypto: _Crypto, passphrase: str, source: Path
) -> _ChunkReader:
    # A body that cannot be whole chunks is damage, whatever the passphrase.
    _ChunkReader.layout(size, crypto, header.kind, source)
    key, key_check = _derive(
        _passphrase_bytes(passphrase), crypto.salt, crypto.n, crypto.r, crypto.p
    )
    if not hmac.compare_digest(key_check, crypto.key_check):
        what = KIND_NAMES[header.kind]
        raise WrongPassphraseError(
            f"同步口令不对，打不开{what}“{source.name}”，本机数据没有改动。"
            "请向办公室确认本单位的同步口令，注意大小写、全角半角和空格，重新输入后再试。",
            path=source,
        )
    return _ChunkReader(f, size, header.kind, crypto, AESGCM(key), source)


class _ChunkReader(io.RawIOBase):
    """The plaintext of the chunks as a seekable read-only stream (for zipfile). Each
    chunk is authenticated whenever it is decrypted; ``verify`` does all of them first."""

    def __init__(
        self, f: BinaryIO, size: int, kind: Kind, crypto: _Crypto, aes: AESGCM, source: Path
    ) -> None:
        super().__init__()
        self._f = f
        self._kind = kind
        self._crypto = crypto
        self._aes = aes
        self._source = source
        self._stored = crypto.chunk_size + _TAG_BYTES
        body, self._count, self._last = self.layout(size, crypto, kind, source)
        self._plain_size = (self._count - 1) * crypto.chunk_size + self._last - _TAG_BYTES
        self._position = 0
        self._cached = -1
        self._cache = b""
        self._total = 2 * body  # verifying is the first half of the progress, unpacking the second
        self._body = body
        self._pulled = 0  # plaintext bytes handed to zipfile

    @staticmethod
    def layout(size: int, crypto: _Crypto, kind: Kind, source: Path) -> tuple[int, int, int]:
        """(body bytes, number of chunks, bytes of the last one) for a file of ``size``."""
        stored = crypto.chunk_size + _TAG_BYTES
        body = size - crypto.body_offset
        count = -(-body // stored)
        last = body - (count - 1) * stored
        if body <= 0 or last < _TAG_BYTES:
            raise _damaged(source, kind, f"body of {body} bytes cannot hold whole chunks")
        return body, count, last

    def _chunk(self, index: int) -> bytes:
        if index == self._cached:
            return self._cache
        final = index == self._count - 1
        length = self._last if final else self._stored
        sealed = _read_exact(
            self._f, self._crypto.body_offset + index * self._stored, length, self._source
        )
        if len(sealed) != length:
            raise _damaged(self._source, self._kind, f"chunk {index + 1} is short")
        try:
            plain = self._aes.decrypt(
                _nonce(self._crypto.nonce_prefix, index),
                sealed,
                _ad(self._crypto.digest, index, final),
            )
        except InvalidTag:
            raise _damaged(
                self._source,
                self._kind,
                f"chunk {index + 1} of {self._count} failed authentication",
            ) from None
        self._cached, self._cache = index, plain
        return plain

    def verify(self, progress: ProgressFn | None, cancelled: CancelledFn | None) -> None:
        for index in range(self._count):
            _check_cancel(cancelled, self._source, self._kind, writing=False)
            self._chunk(index)
            if progress is not None:
                progress(min(self._body, (index + 1) * self._stored), self._total)

    def report(self, progress: ProgressFn | None, *, done: bool = False) -> None:
        if progress is not None:
            moved = self._body if done else min(self._body, self._pulled)
            progress(self._body + moved, self._total)

    # -- io.RawIOBase --
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET, /) -> int:
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = self._plain_size + offset
        else:
            raise ValueError(f"bad whence {whence}")
        if position < 0:
            raise OSError(errno.EINVAL, "negative seek position")
        self._position = position
        return position

    def read(self, size: int | None = -1, /) -> bytes:
        if size is None or size < 0:
            size = max(0, self._plain_size - self._position)
        pieces: list[bytes] = []
        wanted = size
        while wanted > 0 and self._position < self._plain_size:
            index, skip = divmod(self._position, self._crypto.chunk_size)
            piece = self._chunk(index)[skip : skip + wanted]
            if not piece:
                break
            pieces.append(piece)
            wanted -= len(piece)
            self._position += len(piece)
        data = b"".join(pieces)
        self._pulled += len(data)
        return data

    def readall(self) -> bytes:
        return self.read()

    def readinto(self, buffer: Any, /) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)


@contextlib.contextmanager
def _unpacking(reader: _ChunkReader, header: Header, source: Path) -> Iterator[zipfile.ZipFile]:
    """The verified plaintext as a zip with exactly the members of its kind. Any fault of
    the zip or of what is in it (CRC, JSON) raised inside the block is a damaged file."""
    try:
        with zipfile.ZipFile(reader) as zf:
            names = sorted(info.filename for info in zf.infolist())
            if names != sorted(_MEMBERS[header.kind]):
                raise _damaged(source, header.kind, f"unexpected members {names}")
            yield zf
    except SyncFileError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        ValueError,  # json.JSONDecodeError and UnicodeDecodeError too
        NotImplementedError,
        RuntimeError,
        KeyError,
    ) as exc:
        raise _damaged(source, header.kind, f"bad zip: {exc!r}") from exc


def _read_manifest(zf: zipfile.ZipFile, source: Path) -> dict[str, Any]:
    manifest = json.loads(zf.read(MANIFEST_NAME).decode("utf-8"))
    if not isinstance(manifest, dict):
        raise _damaged(source, None, "the manifest is not an object")
    return manifest


# ---------------------------------------------------------------------------------------
# Helpers


def _passphrase_bytes(passphrase: str) -> bytes:
    if not isinstance(passphrase, str) or not passphrase:
        raise ValueError("the passphrase must be a non-empty string")
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _derive(secret: bytes, salt: bytes, n: int, r: int, p: int) -> tuple[bytes, bytes]:
    material = Scrypt(salt=salt, length=32 + _KEY_CHECK_BYTES, n=n, r=r, p=p).derive(secret)
    return material[:32], material[32:]


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _ad(digest: bytes, index: int, final: bool) -> bytes:
    return digest + struct.pack(">QB", index, 1 if final else 0)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _json_bytes(value: Mapping[str, Any]) -> bytes:
    obj = value if isinstance(value, dict) else dict(value)
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )


def _check_cancel(cancelled: CancelledFn | None, path: Path, kind: Kind, *, writing: bool) -> None:
    if cancelled is None or not cancelled():
        return
    what = KIND_NAMES[kind]
    if writing:
        message = f"已取消，{what}“{path.name}”没有生成（没有留下不完整的文件）。"
    else:
        message = f"已取消，没有使用{what}“{path.name}”，本机数据没有改动。"
    raise SyncCancelled(message, path=path)


def _damaged(source: Path, kind: Kind | None, reason: str) -> DamagedSyncFileError:
    what = KIND_NAMES[kind] if kind else "文件"
    return DamagedSyncFileError(
        f"{what}“{source.name}”已经损坏或不完整，不能使用，本机数据没有改动。"
        "可能是复制时U盘被拔出、文件没有复制完，或者文件被改动过。"
        "请在原来的电脑上重新生成一份，复制完整后再试。",
        path=source,
        reason=reason,
    )


def _read_error(exc: OSError, source: Path) -> SyncFileUnreadableError:
    name = f"“{source.name}”"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        message = f"找不到文件{name}。U盘可能已经拔出，或文件被移走了；请插好U盘后重新选择文件。"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        message = f"没有权限读取文件{name}。请把它复制到“文档”或桌面后再选择。"
    else:
        reason = exc.strerror or type(exc).__name__
        message = (
            f"读取文件{name}时出错（{reason}），本机数据没有改动。U盘可能接触不良或已损坏；"
            "请重新插好U盘再试，或把文件先复制到电脑上。"
        )
    return SyncFileUnreadableError(message, path=source)


def _write_error(
    exc: OSError, target: Path, kind: Kind | Literal["database"]
) -> SyncFileWriteError:
    if kind == "database":
        name = f"数据库“{target.name}”"
        unchanged = "本机原有数据没有改动"
    else:
        name = f"{KIND_NAMES[kind]}“{target.name}”"
        unchanged = "没有留下不完整的文件"
    folder = f"“{target.parent}”"
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        message = (
            f"磁盘（或U盘）空间不够，{name}没有写成（{unchanged}）。"
            "请删除一些不用的文件腾出空间，或换一个有空间的位置再试。"
        )
    elif code == errno.EFBIG:
        message = (
            f"文件太大，{name}没有写成（{unchanged}）。这个U盘可能是 FAT32 格式，"
            "放不下超过 4GB 的单个文件；请换一个 exFAT 或 NTFS 格式的U盘再试。"
        )
    elif code == errno.EROFS:
        message = (
            f"{folder}是只读的（U盘的写保护开关打开了，或者是光盘），{name}没有写成"
            f"（{unchanged}）。请关掉写保护或换一个位置再试。"
        )
    elif code in (errno.EACCES, errno.EPERM):
        message = (
            f"没有权限在文件夹{folder}中写入，{name}没有写成（{unchanged}）。"
            "请换一个文件夹（例如“文档”或桌面）再试。"
        )
    elif code in (errno.ENOENT, errno.ENOTDIR):
        message = (
            f"文件夹{folder}不存在，{name}没有写成（{unchanged}）。"
            "U盘可能已经拔出；请插好U盘，或换一个文件夹再试。"
        )
    else:
        reason = exc.strerror or type(exc).__name__
        message = (
            f"{name}没有写成（{reason}，{unchanged}）。请换一个位置再试；若仍不行，请联系技术人员。"
        )
    return SyncFileWriteError(message, path=target, errno=code)
