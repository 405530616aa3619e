"""The Linux package's pieces that can be checked without building it (./test.sh --frozen
builds and starts it): the spec ships every resource, the desktop entry, the glibc check,
the cut ICU data."""

from __future__ import annotations

import ast
import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
sys.path.insert(0, str(INSTALLER))
import glibc_check  # noqa: E402  (installer/ is not a package)
import trim_icu  # noqa: E402


def spec_tuple(name: str) -> tuple[str, ...]:
    tree = ast.parse((INSTALLER / "mediation-desk.spec").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, tuple)
            return value
    raise AssertionError(f"{name} not in the spec")


@pytest.mark.parametrize(
    ("listed", "folder", "pattern"),
    [
        ("FONTS", "fonts", "*"),
        ("CONTENT", "content", "*"),
        ("TRANSLATIONS", "translations", "*.qm"),
        ("ICONS", "icons", "*.png"),
    ],
)
def test_the_spec_lists_every_shipped_resource(listed: str, folder: str, pattern: str) -> None:
    # A resource added to resources/ but not to the spec would be missing from the package.
    on_disk = {p.name for p in (ROOT / "resources" / folder).glob(pattern) if p.is_file()}
    assert set(spec_tuple(listed)) == on_disk


def test_the_desktop_entry_starts_the_program_from_the_office_menu() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keep the keys' case
    entry.read(INSTALLER / "deb" / "mediation-desk.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Name"] == desktop["Name[zh_CN]"] == "乡镇人民调解工作台"
    assert "Office" in desktop["Categories"].split(";")
    # the same command as the source install's (pyproject's gui-scripts)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'{desktop["Exec"]} = "app.__main__:main"' in pyproject
    assert desktop["Icon"] == "mediation-desk"
    assert (INSTALLER / "icons" / "mediation-desk-256.png").is_file()


@pytest.mark.skipif(shutil.which("objdump") is None, reason="needs objdump (binutils)")
def test_glibc_check_names_the_file_that_needs_the_newest_glibc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = Path(shutil.which("true") or "/bin/true").resolve()
    shutil.copy(program, tmp_path / "true")
    (tmp_path / "notes.txt").write_text("not an ELF file", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "true")  # counted once, as its target

    assert glibc_check.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 ELF files" in out
    figure = out.split("highest GLIBC needed: ")[1].split()[0]
    assert figure.startswith("2.")
    assert "needed by true" in out

    assert glibc_check.main([str(tmp_path), "--max", figure]) == 0
    assert glibc_check.main([str(tmp_path), "--max", "2.0"]) == 1
    assert "1 files need a glibc newer than 2.0" in capsys.readouterr().out


def test_the_icu_cut_keeps_the_chinese_and_what_every_language_shares() -> None:
    # item names as `icupkg -l` lists them for PySide6 6.9.3's ICU 73
    kept = [
        "root.res", "pool.res", "res_index.res", "supplementalData.res", "zoneinfo64.res",
        "zh.res", "zh_Hans_CN.res", "en.res", "coll/zh.res", "coll/ucadata.icu", "coll/root.res",
        "lang/zh.res", "zone/zh_Hans.res", "brkitr/char.brk", "brkitr/cjdict.dict",
        "unames.icu", "nfkc.nrm", "cnvalias.icu", "gb18030.cnv", "windows-936-2000.cnv",
        "windows-950-2000.cnv",
    ]  # fmt: skip
    dropped = [
        "de.res", "fr_CA.res", "yue.res", "coll/de_.res", "coll/ja.res", "unit/ar.res",
        "lang/ru.res", "translit/el.res", "ibm-37_P100-1995.cnv", "en_AU.res",
    ]  # fmt: skip
    assert [item for item in kept if not trim_icu.keep(item)] == []
    assert [item for item in dropped if trim_icu.keep(item)] == []


@pytest.mark.skipif(
    not (shutil.which("icupkg") and shutil.which("gcc") and shutil.which("nm")),
    reason="needs icupkg (icu-devtools), gcc and binutils, as the Linux build does",
)
def test_qt_sorts_and_decodes_chinese_with_the_cut_icu_data(tmp_path: Path) -> None:
    import PySide6

    original = Path(PySide6.__file__).parent / "Qt" / "lib"
    libraries = list(original.glob("libicudata.so.*"))
    assert libraries, "PySide6's Linux wheel brings its ICU"
    shutil.copy(libraries[0], tmp_path / libraries[0].name)
    done = subprocess.run(
        [sys.executable, str(INSTALLER / "trim_icu.py"), str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "dropped" in done.stdout
    cut = tmp_path / libraries[0].name
    assert cut.stat().st_size < libraries[0].stat().st_size / 3
    # Qt finds its ICU through RUNPATH $ORIGIN, which LD_LIBRARY_PATH comes before.
    hook_file = str(INSTALLER / "selftest_hook.py")
    check = (
        "import sys, importlib.util\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "app = QCoreApplication([])\n"
        f"spec = importlib.util.spec_from_file_location('hook', {hook_file!r})\n"
        "hook = importlib.util.module_from_spec(spec); spec.loader.exec_module(hook)\n"
        "code = hook._check_chinese_text_services()\n"
        f"assert {str(cut)!r} in open('/proc/self/maps').read(), 'not the cut library'\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "LD_LIBRARY_PATH": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "李四 王五 张三" in done.stdout


def test_the_build_takes_the_modules_imported_out_of_pyinstallers_sight() -> None:
    import importlib.util

    hidden = spec_tuple("HIDDEN_IMPORTS")
    assert "_rl_accel" in hidden  # reportlab imports it in an exec string
    assert all(importlib.util.find_spec(name) is not None for name in hidden)
