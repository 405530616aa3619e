"""The Windows installer's script (installer/windows/): file lists, data safety, compiling.

The full build and the install/upgrade/uninstall run under wine are
installer/windows/build_windows.sh --smoke (minutes, needs wine); these are the checks that
take a second.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import APP_NAME, paths

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = ROOT / "installer" / "windows"
NSI = WINDOWS / "mediation-desk.nsi"

sys.path.insert(0, str(WINDOWS))
import nsis_filelist  # noqa: E402


def _stand_in_folder(base: Path) -> Path:
    dist = base / "mediation-desk"
    for rel in (
        "mediation-desk.exe",
        "_internal/python311.dll",
        "_internal/PySide6/plugins/platforms/qwindows.dll",
        "_internal/PySide6/translations/qtbase_zh_CN.qm",
        "_internal/resources/fonts/NotoSansSC_400Regular.ttf",
        "_internal/odd$name.txt",
    ):
        (dist / rel).parent.mkdir(parents=True, exist_ok=True)
        (dist / rel).write_bytes(b"x" * 10)
    return dist


def test_every_built_file_is_installed_and_removed_and_folders_go_deepest_first(
    tmp_path: Path,
) -> None:
    dist = _stand_in_folder(tmp_path)
    install, uninstall, total = nsis_filelist.file_lists(dist)

    files = sorted(p for p in dist.rglob("*") if p.is_file())
    assert total == 10 * len(files)
    sources = [line for line in install if line.startswith("File ")]
    in_order = sorted(files, key=lambda p: (p.relative_to(dist).parent.parts, p.name))
    assert sources == [f'File "{p.resolve()}"' for p in in_order]
    # each File goes where its folder is
    out_dir = ""
    for line in install:
        if line.startswith("SetOutPath "):
            out_dir = line
        elif line.startswith("File "):
            rel = Path(line[6:-1]).relative_to(dist.resolve()).parent
            want = "$INSTDIR" + "".join("\\" + part for part in rel.parts)
            assert out_dir == f'SetOutPath "{want}"'

    deletes = [line for line in uninstall if line.startswith("Delete ")]
    assert len(deletes) == len(files)
    assert 'Delete "$INSTDIR\\_internal\\odd$$name.txt"' in deletes  # not a variable
    assert 'Delete "$INSTDIR\\_internal\\PySide6\\plugins\\platforms\\qwindows.dll"' in deletes
    rmdirs = [line for line in uninstall if line.startswith("RMDir")]
    assert rmdirs[0] == 'RMDir "$INSTDIR\\_internal\\PySide6\\plugins\\platforms"'
    assert rmdirs[-1] == 'RMDir "$INSTDIR\\_internal"'
    depth = [line.count("\\") for line in rmdirs]
    assert depth == sorted(depth, reverse=True)
    # folders only once empty: nothing is ever removed recursively
    assert not any("/r" in line for line in uninstall)


def test_the_uninstaller_can_never_reach_the_users_data() -> None:
    script = NSI.read_text(encoding="utf-8")
    code = "\n".join(line.split(";", 1)[0] for line in script.splitlines())
    # No recursive delete anywhere: the uninstaller deletes exactly its own list.
    assert not re.search(r"RMDir\s+/r", code, re.IGNORECASE)
    assert "$LOCALAPPDATA\\MediationDesk" not in code
    assert "$APPDATA" not in code
    # The folder the script tells the user about is the one the program uses.
    shown = re.search(r'!define DATA_DIR_TEXT "([^"]+)"', script)
    assert shown is not None
    assert shown.group(1) == f"%LOCALAPPDATA%\\{paths._APP_AUTHOR}\\{APP_NAME}"


def test_the_shortcuts_and_the_apps_entry_carry_the_chinese_name() -> None:
    script = NSI.read_text(encoding="utf-8")
    assert '!define APP_TITLE "乡镇人民调解工作台"' in script
    assert '!define SHORTCUT "${APP_TITLE}.lnk"' in script
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in script
    for value in (
        "DisplayName",
        "DisplayVersion",
        "Publisher",
        "DisplayIcon",
        "UninstallString",
        "InstallLocation",
    ):
        assert f'WriteRegStr SHCTX "${{UNINST_KEY}}" "{value}"' in script
    for value in ("NoModify", "NoRepair", "EstimatedSize"):
        assert f'WriteRegDWORD SHCTX "${{UNINST_KEY}}" "{value}"' in script


@pytest.mark.skipif(shutil.which("makensis") is None, reason="NSIS (makensis) is not installed")
def test_makensis_builds_a_64_bit_installer_from_a_folder(tmp_path: Path) -> None:
    dist = _stand_in_folder(tmp_path)
    generated = tmp_path / "nsis"
    subprocess.run(
        [sys.executable, str(WINDOWS / "nsis_filelist.py"), str(dist), str(generated)],
        check=True,
        capture_output=True,
    )
    setup = tmp_path / "mediation-desk-1.2.3-setup.exe"
    result = subprocess.run(
        [
            "makensis",
            "-V2",
            "-WX",  # a warning fails the build
            "-DVERSION=1.2.3",
            "-DVERSION4=1.2.3.0",
            f"-DGENERATED={generated}",
            f"-DOUTFILE={setup}",
            f"-DICON={ROOT / 'installer' / 'icons' / 'mediation-desk.ico'}",
            str(NSI),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = setup.read_bytes()
    pe = int.from_bytes(data[0x3C:0x40], "little")
    assert data[pe : pe + 4] == b"PE\0\0"
    assert int.from_bytes(data[pe + 4 : pe + 6], "little") == 0x8664  # x64
    assert b"Nullsoft" in data or b"NSIS" in data
