"""The Linux package's pieces that can be checked without building it (./test.sh --frozen
builds and starts it): the spec ships every resource, the desktop entry, the glibc check."""

from __future__ import annotations

import ast
import configparser
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
sys.path.insert(0, str(INSTALLER))
import glibc_check  # noqa: E402  (installer/ is not a package)


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
