"""The command line speaks Chinese: ``python -m app --help`` and argparse's own words
(用法, 选项, -h), its error messages, and ``--version``; run as the user runs it, in a
subprocess (no Qt is started for any of these)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__

ROOT = Path(__file__).resolve().parents[2]
ARGPARSE_ENGLISH = (
    "usage",
    "options",
    "show this help message and exit",
    "show program's version number and exit",
    "positional arguments",
    "error:",
)


def run_app(
    tmp_path: Path, *args: str, encoding: str = "utf-8"
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONIOENCODING": encoding,
        "MEDIATION_DESK_TESTING": "1",
        "MEDIATION_DESK_HOME": str(tmp_path / "home"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding=encoding,
        timeout=60,
    )


def test_help_is_in_chinese(tmp_path: Path) -> None:
    done = run_app(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith(
        "用法：mediation-desk [-h] [--db 数据库文件] [--demo] [--starter 外出准备文件]\n"
    )
    assert "乡镇人民调解工作台：" in text
    assert "\n选项：\n" in text
    for option, says in (
        ("-h, --help", "显示这段说明，然后退出"),
        ("--db 数据库文件", "打开这个数据库文件，而不是本机的数据库"),
        ("--demo", "打开一个填好演示数据的临时数据库，关闭后删除"),
        (
            "--starter 外出准备文件",
            "在新装的外出笔记本上打开办公室电脑生成的外出准备文件（.mdstart）",
        ),
        ("--quit-after 毫秒", "显示主窗口，过这么多毫秒后自动退出（检查程序能否启动）"),
        ("--version", "显示版本号，然后退出"),
    ):
        assert f"\n  {option}\n      {says}" in text, option
    assert f"\n本机的数据库：{tmp_path / 'home' / 'mediation.sqlite3'}\n" in text  # whole
    assert "\n例如：\n" in text
    for english in ARGPARSE_ENGLISH:
        assert english not in text.lower(), english
    assert run_app(tmp_path, "-h").stdout == text


def test_version_prints_the_version(tmp_path: Path) -> None:
    done = run_app(tmp_path, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"mediation-desk {__version__}\n"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--quit-after", "x"], "--quit-after 后面要写整数，“x”不是整数"),
        (["--quit-after"], "--quit-after 后面要写一个值"),
        (["--db"], "--db 后面要写一个值"),
        (["--foo", "bar"], "不认识的选项或参数：--foo bar"),
        (["--d"], "--d 不完整，可能是 --db、--demo，请写全"),
        (["--demo=1"], "--demo 后面不用写值（写了“1”）"),
    ],
)
def test_a_wrong_option_is_told_in_chinese(tmp_path: Path, args: list[str], says: str) -> None:
    done = run_app(tmp_path, *args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0].startswith("用法：mediation-desk ")
    # (the usage may take two lines)
    assert lines[-2:] == [f"mediation-desk：错误：{says}", "用 mediation-desk -h 查看说明。"]
    for english in ARGPARSE_ENGLISH:
        assert english not in done.stderr.lower(), english


def test_a_console_without_chinese_gets_the_help_escaped_not_a_crash(tmp_path: Path) -> None:
    done = run_app(tmp_path, "--help", encoding="ascii")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("\\u7528\\u6cd5\\uff1amediation-desk [-h]")  # 用法：
