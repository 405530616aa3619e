"""File names and the all-or-nothing write behind 另存为PDF."""

from __future__ import annotations

import errno
import logging
import os
import tempfile
from pathlib import Path

import pytest

from app.ui.printing.files import SaveError, safe_file_name, suggested_file_name, write_atomically


def test_suggested_name_is_title_and_case_number() -> None:
    assert (
        suggested_file_name("人民调解协议书", "（2026）青山调字第16号")
        == "人民调解协议书_（2026）青山调字第16号.pdf"
    )
    assert suggested_file_name("人民调解协议书", None) == "人民调解协议书.pdf"
    assert suggested_file_name("人民调解协议书", "x", blank=True) == "人民调解协议书（空白）.pdf"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("（2026）青山调字第16号", "（2026）青山调字第16号"),  # full-width brackets are fine
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("2026/青山/16", "2026_青山_16"),
        ("协议\t书\n", "协议_书"),
        ("  . 协议书. ", "协议书"),
        ("CON", "_CON"),
        ("com1.txt", "_com1.txt"),
        ("///", "_"),
        ("", "文书"),
    ],
)
def test_illegal_characters_are_replaced(name: str, expected: str) -> None:
    assert safe_file_name(name) == expected


def test_long_names_are_cut_to_what_file_systems_take() -> None:
    name = safe_file_name("调" * 200)
    assert len(name.encode("utf-8")) <= 240
    assert name == "调" * 80


def test_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "协议书.pdf"
    write_atomically(target, b"%PDF-1 first")
    write_atomically(target, b"%PDF-1 second")
    assert target.read_bytes() == b"%PDF-1 second"
    assert [p.name for p in tmp_path.iterdir()] == ["协议书.pdf"]  # no temporary left


def test_read_only_folder_names_the_file_and_leaves_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user the folder permissions do not stop (root)")
        with pytest.raises(SaveError) as info:
            write_atomically(folder / "协议书.pdf", b"%PDF-1")
        assert "“协议书.pdf”" in info.value.message
        assert "不允许写入" in info.value.message and "换一个文件夹" in info.value.message
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_permission_denied_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same message when the system refuses (also where chmod does not bind root)."""

    def refuse(**_kw: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # as files uses it
    with pytest.raises(SaveError) as info:
        write_atomically(tmp_path / "协议书.pdf", b"%PDF-1")
    assert "不允许写入" in info.value.message and f"“{tmp_path}”" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_full_disk_leaves_no_half_file_and_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "协议书.pdf"
    target.write_bytes(b"%PDF-1 old")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)  # as files uses it
    with pytest.raises(SaveError) as info:
        write_atomically(target, b"%PDF-1 new" * 1000)
    assert "空间不够" in info.value.message and "“协议书.pdf”" in info.value.message
    assert target.read_bytes() == b"%PDF-1 old"
    assert [p.name for p in tmp_path.iterdir()] == ["协议书.pdf"]


def test_missing_folder_says_the_stick_may_be_out(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), pytest.raises(SaveError) as info:
        write_atomically(tmp_path / "U盘" / "协议书_张三.pdf", b"%PDF-1")
    assert "不存在" in info.value.message and "U盘" in info.value.message
    assert "“协议书_张三.pdf”" in info.value.message  # the user is told which file
    assert caplog.records and "U盘" in caplog.text
    assert "张三" not in caplog.text  # the log keeps no name a user gave the file
