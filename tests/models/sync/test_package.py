"""Sync and starter files: real files, real AES-GCM and scrypt (cheap parameters except
where a test asks for the real ones), every way a file on a USB stick goes wrong."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
import struct
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import durable
from app.models.errors import DomainError, OperationCancelledError
from app.models.sync import package
from app.models.sync.package import (
    DamagedSyncFileError,
    NewerFormatError,
    NotASyncFileError,
    OtherOfficeError,
    SyncCancelled,
    SyncFileError,
    SyncFileUnreadableError,
    SyncFileWriteError,
    TargetBusyError,
    WrongKindError,
    WrongPassphraseError,
)

OFFICE = "0193a6f0-1c2d-7e4f-8a9b-0c1d2e3f4a5b"
OTHER_OFFICE = "0193a6f0-ffff-7e4f-8a9b-0c1d2e3f4a5b"
PASSPHRASE = "青山镇 调解2026"
TAG = 16

MANIFEST = {
    "device_id": "0193a6f1-0000-7000-8000-000000000001",
    "device_name": "周玉梅的笔记本",
    "ranges": {"0193a6f1-0000-7000-8000-000000000001": [1, 300]},
}


def change(i: int) -> dict[str, Any]:
    return {
        "seq": i,
        "table": "cases",
        "row_id": f"0193a6f2-{i:04x}-7000-8000-000000000000",
        "values": {
            "facts": f"第{i}件：张三与李四因宅基地边界、排水沟改道发生纠纷，经村调委会调解。",
            "amount_fen": i * 100,
            "village": "红旗村",
            "note": None,
            "flags": [True, False],
        },
    }


CHANGES = [change(i) for i in range(1, 301)]


@pytest.fixture
def real_kdf() -> None:
    """Requested by a test that keeps the program's real scrypt parameters."""


@pytest.fixture(autouse=True)
def fast_kdf(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap key derivation (n = 2**10) for the many files the tests write; the cost is
    read from the header, so reading follows whatever the writer used."""
    if "real_kdf" not in request.fixturenames:
        monkeypatch.setattr(package, "SCRYPT_N", 1 << 10)


def write_sync(path: Path, **kw: Any) -> int:
    args: dict[str, Any] = {
        "passphrase": PASSPHRASE,
        "office_id": OFFICE,
        "manifest": MANIFEST,
        "changes": CHANGES,
    }
    args.update(kw)
    return package.write_sync_file(path, **args)


def read_sync(path: Path, **kw: Any) -> package.SyncFile:
    args: dict[str, Any] = {"passphrase": PASSPHRASE, "expected_office_id": OFFICE}
    args.update(kw)
    return package.read_sync_file(path, **args)


def make_database(path: Path, rows: int = 2000) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE parties (id INTEGER PRIMARY KEY, name TEXT, village TEXT)")
    conn.executemany(
        "INSERT INTO parties (name, village) VALUES (?, ?)",
        [(f"当事人{i}", "红旗村" if i % 2 else "𠮷家村") for i in range(rows)],
    )
    conn.commit()
    conn.close()
    return path


def write_starter(path: Path, database: Path, **kw: Any) -> int:
    args: dict[str, Any] = {
        "passphrase": PASSPHRASE,
        "office_id": OFFICE,
        "manifest": {"committees": ["青山镇人民调解委员会"], "number_block": 20},
        "database_path": database,
    }
    args.update(kw)
    return package.write_starter_file(path, **args)


def header_fields(path: Path) -> dict[str, Any]:
    """The clear header's JSON, read as the module docstring describes the format."""
    data = path.read_bytes()
    magic, version, length = struct.unpack(">8sHI", data[:14])
    assert (magic, version) == (b"MDSYNC\r\n", 1)
    fields: dict[str, Any] = json.loads(data[14 : 14 + length])
    return fields


def layout(path: Path) -> tuple[int, int, int]:
    """(offset of the first chunk, chunk size, number of chunks)."""
    data = path.read_bytes()
    (length,) = struct.unpack(">I", data[10:14])
    offset = 14 + length + 32
    size = header_fields(path)["cipher"]["chunk_size"]
    count = -(-(len(data) - offset) // (size + TAG))
    return offset, size, count


def flip(path: Path, position: int, mask: int = 0x01) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= mask
    path.write_bytes(bytes(data))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ---------------------------------------------------------------------------------------
# Round trips


def test_a_sync_file_gives_back_its_manifest_and_changes(tmp_path):
    path = tmp_path / "周玉梅的笔记本-20261120.mdsync"

    written = write_sync(path)

    assert written == path.stat().st_size
    got = read_sync(path)
    assert got.manifest == MANIFEST
    assert got.changes == CHANGES
    assert got.header.kind == "sync"
    assert got.header.office_id == OFFICE
    assert leftovers(tmp_path) == []


def test_the_file_is_encrypted_not_merely_zipped(tmp_path):
    path = tmp_path / "a.mdsync"
    write_sync(path)

    data = path.read_bytes()

    assert "红旗村".encode() not in data
    assert b"PK\x03\x04" not in data
    assert "周玉梅".encode() not in data


def test_the_real_key_derivation_round_trips(tmp_path, real_kdf):
    assert package.SCRYPT_N == 1 << 15
    path = tmp_path / "a.mdsync"
    write_sync(path, changes=CHANGES[:3])

    kdf = header_fields(path)["kdf"]

    assert (kdf["name"], kdf["n"], kdf["r"], kdf["p"]) == ("scrypt", 1 << 15, 8, 1)
    assert read_sync(path).changes == CHANGES[:3]


def test_a_sync_file_of_many_chunks_round_trips(tmp_path):
    path = tmp_path / "a.mdsync"
    write_sync(path, chunk_size=100)

    assert layout(path)[2] >= 3
    assert read_sync(path).changes == CHANGES


def test_an_empty_change_list_round_trips(tmp_path):
    path = tmp_path / "a.mdsync"
    write_sync(path, changes=iter(()))

    got = read_sync(path)

    assert got.changes == []
    assert got.manifest == MANIFEST


def test_changes_may_be_any_iterable_of_mappings(tmp_path):
    path = tmp_path / "a.mdsync"
    write_sync(path, changes=(c for c in CHANGES[:10]))

    assert read_sync(path).changes == CHANGES[:10]


def test_a_plaintext_of_whole_chunks_ends_with_a_full_final_chunk(tmp_path):
    # The zip's length does not depend on the chunk size: find a size that divides it.
    probe = tmp_path / "probe.mdsync"
    for count in range(5, 60):
        write_sync(probe, changes=CHANGES[:count])
        offset, _, _ = layout(probe)
        plain = probe.stat().st_size - offset - TAG
        sizes = [d for d in range(40, plain // 3 + 1) if plain % d == 0]
        if sizes:
            break
    else:  # pragma: no cover - some length of 55 has a divisor
        pytest.fail("no zip length with a divisor found")
    path = tmp_path / "whole.mdsync"
    write_sync(path, changes=CHANGES[:count], chunk_size=sizes[0])

    offset, size, chunks = layout(path)
    assert path.stat().st_size == offset + (plain // size) * (size + TAG)
    assert read_sync(path).changes == CHANGES[:count]
    # Dropping the final chunk, itself full, leaves chunks that were not sealed as final.
    with open(path, "r+b") as f:
        f.truncate(offset + (chunks - 1) * (size + TAG))
    with pytest.raises(DamagedSyncFileError):
        read_sync(path)


def test_a_starter_file_gives_back_a_database_that_opens(tmp_path):
    database = make_database(tmp_path / "office-copy.sqlite3")
    path = tmp_path / "红旗村-外出准备.mdstart"
    written = write_starter(path, database, chunk_size=4096)
    target = tmp_path / "laptop" / "mediation.sqlite3"
    target.parent.mkdir()

    manifest = package.read_starter_file(path, passphrase=PASSPHRASE, target_database_path=target)

    assert written == path.stat().st_size
    assert layout(path)[2] >= 3
    assert manifest == {"committees": ["青山镇人民调解委员会"], "number_block": 20}
    assert target.read_bytes() == database.read_bytes()
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("SELECT count(*) FROM parties").fetchone() == (2000,)
        assert conn.execute("SELECT name, village FROM parties WHERE id = 2").fetchone() == (
            "当事人1",
            "红旗村",
        )
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    assert leftovers(target.parent) == []


def test_a_starter_file_replaces_a_closed_database(tmp_path):
    path = tmp_path / "a.mdstart"
    write_starter(path, make_database(tmp_path / "office.sqlite3", rows=5))
    target = make_database(tmp_path / "laptop.sqlite3", rows=1)

    package.read_starter_file(path, passphrase=PASSPHRASE, target_database_path=target)

    conn = sqlite3.connect(target)
    assert conn.execute("SELECT count(*) FROM parties").fetchone() == (5,)
    conn.close()


def test_a_starter_file_checks_the_office_when_asked(tmp_path):
    path = tmp_path / "a.mdstart"
    write_starter(path, make_database(tmp_path / "office.sqlite3"))
    target = tmp_path / "laptop.sqlite3"

    with pytest.raises(OtherOfficeError):
        package.read_starter_file(
            path,
            passphrase="不是这个",
            target_database_path=target,
            expected_office_id=OTHER_OFFICE,
        )

    assert not target.exists()


def test_peek_says_what_a_file_is_without_a_passphrase(tmp_path):
    sync = tmp_path / "a.mdsync"
    starter = tmp_path / "b.mdstart"
    write_sync(sync)
    write_starter(starter, make_database(tmp_path / "office.sqlite3", rows=3))

    a, b = package.peek(sync), package.peek(starter)

    assert (a.kind, a.office_id, a.format_version, a.size) == (
        "sync",
        OFFICE,
        1,
        sync.stat().st_size,
    )
    assert b.kind == "starter"
    assert a.created_at.endswith("Z") and a.created_at[:4].isdigit()


def test_progress_runs_forward_to_its_total(tmp_path):
    path = tmp_path / "a.mdsync"
    calls: list[tuple[int, int]] = []
    write_sync(path, changes=CHANGES * 4, progress=lambda done, total: calls.append((done, total)))

    assert len(calls) > 2
    assert calls[-1] == (1200, 1200)
    assert all(total == 1200 for _, total in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)

    calls.clear()
    read_sync(path, progress=lambda done, total: calls.append((done, total)))
    assert len(calls) > 2
    assert calls[-1][0] == calls[-1][1] > 0
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert all(done <= total for done, total in calls)


# ---------------------------------------------------------------------------------------
# The passphrase


def test_a_wrong_passphrase_is_told_as_such(tmp_path):
    path = tmp_path / "周玉梅的笔记本.mdsync"
    write_sync(path)

    with pytest.raises(WrongPassphraseError) as caught:
        read_sync(path, passphrase="青山镇 调解2025")

    assert "同步口令不对" in caught.value.message
    assert "“周玉梅的笔记本.mdsync”" in caught.value.message
    assert "请向办公室确认" in caught.value.message
    assert isinstance(caught.value, DomainError)


def test_a_wrong_passphrase_leaves_no_database(tmp_path):
    path = tmp_path / "a.mdstart"
    write_starter(path, make_database(tmp_path / "office.sqlite3"))
    target = tmp_path / "laptop.sqlite3"

    with pytest.raises(WrongPassphraseError):
        package.read_starter_file(path, passphrase="错误", target_database_path=target)

    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_the_passphrase_is_nfc_normalised(tmp_path):
    path = tmp_path / "a.mdsync"
    decomposed = "Cafe\u0301 调解"  # e + combining acute
    composed = "Caf\u00e9 调解"
    write_sync(path, passphrase=decomposed)

    assert read_sync(path, passphrase=composed).changes == CHANGES


@pytest.mark.parametrize("typed", [" " + PASSPHRASE, PASSPHRASE + " ", PASSPHRASE.upper() + "X"])
def test_spaces_around_the_passphrase_are_part_of_it(tmp_path, typed):
    path = tmp_path / "a.mdsync"
    write_sync(path)

    with pytest.raises(WrongPassphraseError):
        read_sync(path, passphrase=typed)


def test_an_empty_passphrase_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError):
        write_sync(tmp_path / "a.mdsync", passphrase="")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------
# Another office, another kind, another version


def test_a_file_of_another_office_is_refused_before_the_passphrase_is_tried(tmp_path):
    path = tmp_path / "a.mdsync"
    write_sync(path, office_id=OTHER_OFFICE)

    # A wrong passphrase too: the office is checked first, without deriving a key.
    with pytest.raises(OtherOfficeError) as caught:
        read_sync(path, passphrase="随便什么")

    assert "另一个单位的数据库" in caught.value.message
    assert "不能合并到这里" in caught.value.message
    assert "“a.mdsync”" in caught.value.message
    assert caught.value.office_id == OTHER_OFFICE
    assert caught.value.expected_office_id == OFFICE


def test_a_starter_file_is_not_a_sync_file(tmp_path):
    path = tmp_path / "a.mdstart"
    write_starter(path, make_database(tmp_path / "office.sqlite3"))

    with pytest.raises(WrongKindError) as caught:
        read_sync(path, passphrase="随便什么")

    assert "是外出准备文件，不是同步文件" in caught.value.message
    assert (caught.value.kind, caught.value.expected) == ("starter", "sync")


def test_a_sync_file_is_not_a_starter_file(tmp_path):
    path = tmp_path / "a.mdsync"
    write_sync(path)
    target = tmp_path / "laptop.sqlite3"

    with pytest.raises(WrongKindError) as caught:
        package.read_starter_file(path, passphrase=PASSPHRASE, target_database_path=target)

    assert "是同步文件，不是外出准备文件" in caught.value.message
    assert not target.exists()


def test_a_newer_format_asks_for_an_upgrade(tmp_path):
    path = tmp_path / "a.mdsync"
    write_sync(path)
    data = bytearray(path.read_bytes())
    data[8:10] = struct.pack(">H", 2)
    path.write_bytes(bytes(data))

    with pytest.raises(NewerFormatError) as caught:
        read_sync(path)
    with pytest.raises(NewerFormatError):
        package.peek(path)

    assert caught.value.version == 2
    assert "升级" in caught.value.message


# ---------------------------------------------------------------------------------------
# Damage


@pytest.fixture
def chunked(tmp_path) -> Path:
    path = tmp_path / "周玉梅的笔记本.mdsync"
    write_sync(path, chunk_size=256)
    assert layout(path)[2] >= 5
    return path


def test_a_changed_byte_in_the_header_is_damage(chunked):
    offset, _, _ = layout(chunked)
    original = chunked.read_bytes()
    for position in (14, 20, offset - 40, offset - 32, offset - 1):  # JSON, checksum
        chunked.write_bytes(original)
        flip(chunked, position)
        with pytest.raises(DamagedSyncFileError) as caught:
            read_sync(chunked)
        assert "header" in caught.value.reason


def test_a_changed_byte_in_a_chunk_is_damage_not_a_wrong_passphrase(chunked):
    offset, size, count = layout(chunked)
    original = chunked.read_bytes()
    stored = size + TAG
    places = {
        "first": offset,
        "first tag": offset + stored - 1,
        "middle": offset + (count // 2) * stored + size // 2,
        "last": len(original) - TAG - 1,
        "last tag": len(original) - 1,
    }
    for where, position in places.items():
        chunked.write_bytes(original)
        flip(chunked, position, 0x80)
        with pytest.raises(DamagedSyncFileError) as caught:
            read_sync(chunked)
        assert "authentication" in caught.value.reason, where
        assert "已经损坏或不完整" in caught.value.message
        assert "“周玉梅的笔记本.mdsync”" in caught.value.message


def rewrite_header(path: Path, indent: int | None = None, **changes: Any) -> None:
    """Change clear header fields and recompute the checksum, as a forger would."""
    data = path.read_bytes()
    (length,) = struct.unpack(">I", data[10:14])
    fields = {**header_fields(path), **changes}
    text = json.dumps(fields, indent=indent).encode()
    head = data[:8] + struct.pack(">HI", 1, len(text)) + text
    path.write_bytes(head + hashlib.sha256(head).digest() + data[14 + length + 32 :])


def test_a_forged_header_fails_authentication(tmp_path):
    # The clear header is part of every chunk's associated data: a file cannot be passed
    # off as another office's, or as a starter file, by editing it.
    path = tmp_path / "a.mdsync"
    write_sync(path)
    original = path.read_bytes()

    rewrite_header(path, office_id=OTHER_OFFICE)
    assert package.peek(path).office_id == OTHER_OFFICE
    with pytest.raises(DamagedSyncFileError) as caught:
        read_sync(path, expected_office_id=OTHER_OFFICE)
    assert "chunk 1 of 1 failed authentication" in caught.value.reason

    path.write_bytes(original)
    rewrite_header(path, created_at="2030-01-01T00:00:00.000Z")
    with pytest.raises(DamagedSyncFileError):
        read_sync(path)

    path.write_bytes(original)
    rewrite_header(
        path, indent=1
    )  # the same fields, written differently: still not the header sealed
    with pytest.raises(DamagedSyncFileError):
        read_sync(path)


def test_swapped_chunks_are_damage(chunked):
    offset, size, _ = layout(chunked)
    stored = size + TAG
    data = bytearray(chunked.read_bytes())
    first, second = data[offset : offset + stored], data[offset + stored : offset + 2 * stored]
    data[offset : offset + 2 * stored] = second + first
    chunked.write_bytes(bytes(data))

    with pytest.raises(DamagedSyncFileError):
        read_sync(chunked)


def test_a_truncated_file_is_damage_at_any_length(chunked):
    offset, size, count = layout(chunked)
    original = chunked.read_bytes()
    stored = size + TAG
    lengths = [0, 3, 8, 12, 14, 30, offset - 1, offset, offset + 1, offset + stored]
    lengths += [offset + k * stored for k in range(2, count)]  # exactly at chunk ends
    lengths += [offset + 2 * stored + 100, len(original) - TAG, len(original) - 1]
    for length in lengths:
        chunked.write_bytes(original[:length])
        with pytest.raises(DamagedSyncFileError):
            read_sync(chunked)


def test_a_file_cut_inside_a_chunk_is_damage_even_with_a_wrong_passphrase(chunked):
    offset, size, _ = layout(chunked)
    data = chunked.read_bytes()
    chunked.write_bytes(data[: offset + 2 * (size + TAG) + 5])  # 5 bytes: less than a tag

    with pytest.raises(DamagedSyncFileError):
        read_sync(chunked, passphrase="不对的口令")


def test_an_empty_file_says_it_is_empty(tmp_path):
    path = tmp_path / "空.mdsync"
    path.write_bytes(b"")

    with pytest.raises(DamagedSyncFileError) as caught:
        read_sync(path)

    assert "是空的" in caught.value.message


def test_bytes_appended_to_a_file_are_damage(chunked):
    _, size, _ = layout(chunked)
    original = chunked.read_bytes()
    for garbage in (b"\x00", b"x" * TAG, os.urandom(size + TAG), original[-(size + TAG) :]):
        chunked.write_bytes(original + garbage)
        with pytest.raises(DamagedSyncFileError):
            read_sync(chunked)


def test_a_file_whose_last_full_chunk_is_dropped_is_damage(tmp_path):
    path = tmp_path / "a.mdsync"
    write_sync(path, chunk_size=64)
    offset, size, count = layout(path)
    data = path.read_bytes()

    for kept in (count - 1, count - 2, 1):
        path.write_bytes(data[: offset + kept * (size + TAG)])
        with pytest.raises(DamagedSyncFileError) as caught:
            read_sync(path)
        assert f"chunk {kept} of {kept}" in caught.value.reason


def _members(*items: tuple[str, bytes]) -> Callable[[Any], None]:
    def fill(stream: Any) -> None:
        with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in items:
                zf.writestr(name, data)

    return fill


MANIFEST_JSON = json.dumps(MANIFEST).encode()
GOOD_LINE = json.dumps(change(1)).encode() + b"\n"


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("sync", _members(("manifest.json", MANIFEST_JSON))),
        ("sync", _members(("manifest.json", MANIFEST_JSON), ("changes.jsonl", b""), ("x", b""))),
        ("sync", _members(("manifest.json", b"[1, 2]"), ("changes.jsonl", GOOD_LINE))),
        ("sync", _members(("manifest.json", b"{"), ("changes.jsonl", GOOD_LINE))),
        ("sync", _members(("manifest.json", MANIFEST_JSON), ("changes.jsonl", b"[1]\n"))),
        ("sync", _members(("manifest.json", MANIFEST_JSON), ("changes.jsonl", b"{no json}\n"))),
        ("sync", _members(("manifest.json", MANIFEST_JSON), ("changes.jsonl", b"\xff\xfe\n"))),
        ("sync", _members(("manifest.json", MANIFEST_JSON), ("changes.jsonl", b'{"a": 1}'))),
        ("starter", _members(("manifest.json", MANIFEST_JSON), ("database.sqlite", b"text"))),
        ("starter", _members(("manifest.json", MANIFEST_JSON), ("changes.jsonl", GOOD_LINE))),
    ],
)
def test_sealed_content_that_is_not_what_the_program_writes_is_damage(tmp_path, kind, body):
    # Sealed with the right key (so authentication passes) but not made by the writers:
    # the zip and its members are checked too, and refused as a damaged file.
    path = tmp_path / "a.mdsync"
    package._write_file(path, kind, PASSPHRASE, OFFICE, body, 64, None)
    target = tmp_path / "laptop.sqlite3"

    with pytest.raises(DamagedSyncFileError):
        if kind == "sync":
            read_sync(path)
        else:
            package.read_starter_file(path, passphrase=PASSPHRASE, target_database_path=target)

    assert not target.exists()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("plain", [b"", b"PK", os.urandom(300), os.urandom(5000)])
def test_sealed_bytes_that_are_not_a_zip_are_damage(tmp_path, plain):
    path = tmp_path / "a.mdsync"
    package._write_file(path, "sync", PASSPHRASE, OFFICE, lambda s: s.write(plain), 64, None)

    with pytest.raises(DamagedSyncFileError) as caught:
        read_sync(path)

    assert "zip" in caught.value.reason


def test_a_damaged_starter_file_leaves_the_old_database(tmp_path):
    path = tmp_path / "a.mdstart"
    write_starter(path, make_database(tmp_path / "office.sqlite3"), chunk_size=4096)
    target = make_database(tmp_path / "laptop.sqlite3", rows=7)
    before = target.read_bytes()
    flip(path, path.stat().st_size - 100)

    with pytest.raises(DamagedSyncFileError):
        package.read_starter_file(path, passphrase=PASSPHRASE, target_database_path=target)

    assert target.read_bytes() == before
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------------------------------
# Not a sync file at all


def test_files_that_are_not_sync_files_are_named_as_such(tmp_path):
    plain_zip = tmp_path / "备份.mdsync"
    with zipfile.ZipFile(plain_zip, "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr("changes.jsonl", "")
    random_bytes = tmp_path / "random.mdsync"
    random_bytes.write_bytes(os.urandom(5000))
    text = tmp_path / "说明.txt"
    text.write_text("这是一个文本文件\n", encoding="utf-8")
    import openpyxl

    sheet = tmp_path / "台账.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["案号", "当事人"])
    workbook.save(sheet)

    for path in (plain_zip, random_bytes, text, sheet):
        with pytest.raises(NotASyncFileError) as caught:
            read_sync(path)
        assert f"“{path.name}”不是本程序的同步文件" in caught.value.message
        with pytest.raises(NotASyncFileError):
            package.peek(path)


def test_a_folder_is_not_a_sync_file(tmp_path):
    folder = tmp_path / "同步.mdsync"
    folder.mkdir()

    with pytest.raises(NotASyncFileError) as caught:
        read_sync(folder)

    assert "文件夹" in caught.value.message


def test_a_missing_file_says_where_to_look(tmp_path):
    with pytest.raises(SyncFileUnreadableError) as caught:
        read_sync(tmp_path / "不在了.mdsync")

    assert "找不到文件“不在了.mdsync”" in caught.value.message


def test_a_starter_source_must_be_closed(tmp_path):
    database = make_database(tmp_path / "office.sqlite3")
    conn = sqlite3.connect(database)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("INSERT INTO parties (name) VALUES ('only in the wal')")
    conn.commit()
    try:
        with pytest.raises(ValueError, match="close it first"):
            write_starter(tmp_path / "a.mdstart", database)
    finally:
        conn.close()
    assert not (tmp_path / "a.mdstart").exists()

    write_starter(tmp_path / "a.mdstart", database)  # closed: the wal is checkpointed


def test_a_starter_source_must_be_a_database(tmp_path):
    not_a_db = tmp_path / "x.sqlite3"
    not_a_db.write_bytes(b"hello")

    with pytest.raises(ValueError):
        write_starter(tmp_path / "a.mdstart", not_a_db)
    assert not (tmp_path / "a.mdstart").exists()


# ---------------------------------------------------------------------------------------
# Writing fails: disk full, read-only, cancelled


class FullDisk:
    """A file on a disk with ``room`` bytes left: a full disk cannot be made here."""

    def __init__(self, real: Any, room: int) -> None:
        self.real = real
        self.room = room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return int(self.real.write(data))

    def flush(self) -> None:
        self.real.flush()

    def fileno(self) -> int:
        return int(self.real.fileno())

    def close(self) -> None:
        self.real.close()


def fill_disk(monkeypatch: pytest.MonkeyPatch, room: int) -> list[Path]:
    """The disk fills after ``room`` more bytes (the files that are written beside their
    targets, app/models/durable.py)."""
    real_create = durable.new_file_beside
    created: list[Path] = []

    def create(target: Path, *, mode: int = 0o666) -> tuple[Path, Any]:
        tmp, f = real_create(target, mode=mode)
        created.append(tmp)
        return tmp, FullDisk(f, room)

    monkeypatch.setattr(durable, "new_file_beside", create)
    return created


def test_a_full_disk_leaves_the_old_sync_file_and_no_partial_one(tmp_path, monkeypatch):
    path = tmp_path / "周玉梅的笔记本.mdsync"
    path.write_bytes(b"the file of last week")
    created = fill_disk(monkeypatch, room=2000)

    with pytest.raises(SyncFileWriteError) as caught:
        write_sync(path, chunk_size=256)

    assert caught.value.errno == errno.ENOSPC
    assert "空间不够" in caught.value.message
    assert "同步文件“周玉梅的笔记本.mdsync”没有写成" in caught.value.message
    assert "没有留下不完整的文件" in caught.value.message
    assert path.read_bytes() == b"the file of last week"
    assert created and not created[0].exists()
    assert leftovers(tmp_path) == []


def test_a_full_disk_while_unpacking_a_starter_leaves_no_database(tmp_path, monkeypatch):
    path = tmp_path / "a.mdstart"
    write_starter(path, make_database(tmp_path / "office.sqlite3"))
    target = tmp_path / "laptop.sqlite3"
    fill_disk(monkeypatch, room=10_000)

    with pytest.raises(SyncFileWriteError) as caught:
        package.read_starter_file(path, passphrase=PASSPHRASE, target_database_path=target)

    assert "数据库“laptop.sqlite3”没有写成" in caught.value.message
    assert "本机原有数据没有改动" in caught.value.message
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_a_write_protected_stick_is_told(tmp_path, monkeypatch):
    def read_only(target: Path, *, mode: int = 0o666) -> Any:
        raise OSError(errno.EROFS, "Read-only file system", str(target.parent))

    monkeypatch.setattr(durable, "new_file_beside", read_only)

    with pytest.raises(SyncFileWriteError) as caught:
        write_sync(tmp_path / "a.mdsync")

    assert "只读" in caught.value.message
    assert "写保护" in caught.value.message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores folder permissions"
)
def test_a_read_only_folder_is_told(tmp_path):
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(SyncFileWriteError) as caught:
            write_sync(folder / "a.mdsync")
        assert "没有权限" in caught.value.message
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_a_missing_folder_is_told(tmp_path):
    with pytest.raises(SyncFileWriteError) as caught:
        write_sync(tmp_path / "拔出的U盘" / "a.mdsync")

    assert "不存在" in caught.value.message


def cancel_after(calls: int) -> Callable[[], bool]:
    count = 0

    def cancelled() -> bool:
        nonlocal count
        count += 1
        return count > calls

    return cancelled


def test_cancel_while_writing_a_sync_file_leaves_the_old_file(tmp_path):
    path = tmp_path / "a.mdsync"
    path.write_bytes(b"old")

    with pytest.raises(SyncCancelled) as caught:
        write_sync(path, changes=CHANGES * 5, cancelled=cancel_after(3))

    assert isinstance(caught.value, OperationCancelledError)
    assert "已取消" in caught.value.message
    assert path.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_cancel_while_writing_a_starter_file_leaves_nothing(tmp_path):
    database = make_database(tmp_path / "office.sqlite3", rows=50_000)
    assert database.stat().st_size > 1 << 20  # more than one copied block
    path = tmp_path / "a.mdstart"

    with pytest.raises(SyncCancelled):
        write_starter(path, database, cancelled=cancel_after(2))

    assert not path.exists()
    assert leftovers(tmp_path) == []


def test_cancel_while_checking_a_sync_file(tmp_path):
    path = tmp_path / "a.mdsync"
    write_sync(path, chunk_size=64)

    with pytest.raises(SyncCancelled) as caught:
        read_sync(path, cancelled=cancel_after(4))

    assert "本机数据没有改动" in caught.value.message


def test_cancel_while_reading_the_changes(tmp_path):
    path = tmp_path / "a.mdsync"
    write_sync(path, changes=CHANGES * 4, chunk_size=1024)
    chunks = layout(path)[2]

    with pytest.raises(SyncCancelled):
        read_sync(path, cancelled=cancel_after(chunks + 1))


def test_cancel_while_unpacking_a_starter_leaves_no_database(tmp_path):
    path = tmp_path / "a.mdstart"
    write_starter(path, make_database(tmp_path / "office.sqlite3"), chunk_size=4096)
    chunks = layout(path)[2]
    target = tmp_path / "laptop.sqlite3"

    with pytest.raises(SyncCancelled):
        package.read_starter_file(
            path,
            passphrase=PASSPHRASE,
            target_database_path=target,
            cancelled=cancel_after(chunks),  # every chunk checked, cancel while unpacking
        )

    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_an_open_database_is_refused_before_the_passphrase_is_tried(tmp_path):
    path = tmp_path / "a.mdstart"
    write_starter(path, make_database(tmp_path / "office.sqlite3"))
    target = make_database(tmp_path / "laptop.sqlite3", rows=3)
    (tmp_path / "laptop.sqlite3-journal").write_bytes(b"hot journal")

    with pytest.raises(TargetBusyError):
        package.read_starter_file(path, passphrase="不对", target_database_path=target)


def test_a_database_opened_while_unpacking_is_not_replaced(tmp_path):
    path = tmp_path / "a.mdstart"
    write_starter(path, make_database(tmp_path / "office.sqlite3"))
    target = make_database(tmp_path / "laptop.sqlite3", rows=3)
    before = target.read_bytes()
    opened: list[sqlite3.Connection] = []

    def progress(done: int, total: int) -> None:
        if done > total // 2 and not opened:  # unpacking: another program writes to it
            conn = sqlite3.connect(target)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("INSERT INTO parties (name) VALUES ('王五')")
            conn.commit()
            opened.append(conn)

    try:
        with pytest.raises(TargetBusyError) as caught:
            package.read_starter_file(
                path, passphrase=PASSPHRASE, target_database_path=target, progress=progress
            )
        assert target.read_bytes()[100:] == before[100:]  # the header notes WAL mode
        assert opened[0].execute("SELECT count(*) FROM parties").fetchone() == (4,)
    finally:
        for conn in opened:
            conn.close()
    assert "正在使用中" in caught.value.message
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------------------------------
# Properties

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
records = st.lists(st.dictionaries(st.text(max_size=8), json_values, max_size=5), max_size=25)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=records,
    manifest=st.dictionaries(st.text(), json_values, max_size=4),
    chunk_size=st.integers(1, 600),
)
def test_any_json_records_round_trip(tmp_path, changes, manifest, chunk_size):
    path = tmp_path / "p.mdsync"
    write_sync(path, changes=changes, manifest=manifest, chunk_size=chunk_size)

    got = read_sync(path)

    assert got.changes == changes
    assert got.manifest == manifest


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bytes]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(package, "SCRYPT_N", 1 << 10)
        path = tmp_path_factory.mktemp("flip") / "f.mdsync"
        write_sync(path, changes=CHANGES[:6], chunk_size=128)
        assert layout(path)[2] >= 4
        yield path.read_bytes()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_changed_byte_is_refused_as_a_sync_file_error(tmp_path, small_file, data):
    position = data.draw(st.integers(0, len(small_file) - 1), label="position")
    mask = data.draw(st.integers(1, 255), label="mask")
    changed = bytearray(small_file)
    changed[position] ^= mask
    path = tmp_path / "f.mdsync"
    path.write_bytes(bytes(changed))

    with pytest.raises(SyncFileError):
        read_sync(path)
