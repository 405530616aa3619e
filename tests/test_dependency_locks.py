"""The lock files in requirements/ and the set-up that installs from them (scripts/deps.py).

What a developer would check by hand: the locks pin what pyproject.toml asks for (a changed
dependency without a new lock fails here, not on an office PC), ./test.sh after ./run.sh only
adds the test tools and ./run.sh after ./test.sh installs nothing, and these tests run on the
locked Qt.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _load_deps() -> ModuleType:
    name = "scripts_deps"  # scripts/ is not a package
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "deps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


deps = _load_deps()


def _lock(name: str) -> list[Any]:
    return deps.parse_lock((ROOT / "requirements" / name).read_text(encoding="utf-8"))


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("lock", "extras"), [("lock.txt", []), ("lock-dev.txt", ["dev"]), ("build.txt", None)]
)
def test_each_lock_pins_what_is_asked_for(lock: str, extras: list[str] | None) -> None:
    project = _pyproject()
    if extras is None:  # pip and the build backend
        asked = [
            line
            for line in (ROOT / "requirements" / "build.in").read_text().splitlines()
            if line and not line.startswith("#")
        ]
        assert set(project["build-system"]["requires"]) <= set(asked)
    else:
        asked = list(project["project"]["dependencies"])
        for extra in extras:
            asked += project["project"]["optional-dependencies"][extra]
    pinned = {entry.name: entry.version for entry in _lock(lock)}
    for text in asked:
        requirement = Requirement(text)
        name = deps.normalise(requirement.name)
        assert name in pinned, f"{name} is not in requirements/{lock}: run scripts/lock.sh"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements/{lock} has {name}=={pinned[name]}, pyproject.toml asks "
            f"{requirement.specifier}: run scripts/lock.sh"
        )


def test_every_locked_package_is_checked_by_hash() -> None:
    for lock in ("lock.txt", "lock-dev.txt", "build.txt"):
        for entry in _lock(lock):
            assert "--hash=sha256:" in entry.text, (lock, entry.name)


def test_the_dev_lock_is_the_base_lock_plus_the_test_tools() -> None:
    """Same versions and same hashes: switching between run.sh and test.sh changes nothing
    that is installed."""
    dev = {entry.name: entry for entry in _lock("lock-dev.txt")}
    for entry in _lock("lock.txt"):
        assert dev.get(entry.name) == entry, entry.name
    assert {"pytest", "mypy", "ruff"} <= deps.dev_only()
    assert not {"pyside6-essentials", "reportlab"} & deps.dev_only()


def test_test_sh_after_run_sh_adds_only_the_tools_and_run_sh_after_test_sh_nothing() -> None:
    base, dev = _lock("lock.txt"), _lock("lock-dev.txt")
    after_run_sh = {e.name: e.version for e in base if deps.applies(e)}
    added = {e.name for e in deps.missing(dev, after_run_sh)}
    assert added == {e.name for e in dev if deps.applies(e)} - set(after_run_sh)
    assert added <= deps.dev_only()
    after_test_sh = {e.name: e.version for e in dev if deps.applies(e)}
    assert deps.missing(base, after_test_sh) == []
    # a newer pin in the lock is installed again; an older one left over is replaced
    changed = dict(after_test_sh, reportlab="0.1")
    assert [e.name for e in deps.missing(base, changed)] == ["reportlab"]


def test_a_windows_only_package_is_not_wanted_elsewhere() -> None:
    colorama = [e for e in _lock("lock-dev.txt") if e.name == "colorama"]
    assert colorama and colorama[0].marker == "sys_platform == 'win32'"
    assert deps.applies(colorama[0]) is (sys.platform == "win32")


def test_the_stamp_knows_a_dev_set_up_holds_the_base_one_and_a_changed_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "requirements", tmp_path / "requirements")
    (tmp_path / "app").mkdir()
    for name in ("pyproject.toml", "app/__init__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.setattr(deps, "ROOT", tmp_path)
    monkeypatch.setattr(deps, "LOCKS", tmp_path / "requirements")

    want = deps.wanted_digests()
    after_test_sh = {want["base"], want["dev"]}
    assert deps.is_current(after_test_sh, dev=False)
    assert deps.is_current(after_test_sh, dev=True)
    after_run_sh = {want["base"]}
    assert deps.is_current(after_run_sh, dev=False)
    assert not deps.is_current(after_run_sh, dev=True)
    assert not deps.is_current(set(), dev=False)

    # a new pin (or a new version of the program) makes both stale
    lock = tmp_path / "requirements" / "lock.txt"
    lock.write_text(lock.read_text().replace("reportlab==5.1.0", "reportlab==5.1.1"))
    assert not deps.is_current(after_test_sh, dev=False)
    assert not deps.is_current(after_run_sh, dev=False)


def test_these_tests_run_on_the_locked_qt() -> None:
    """The PySide6 installed here is the one the lock pins (docs/platforms.md); run
    scripts/setup.sh --dev (./test.sh does) after a new pin."""
    pinned = {e.name: e.version for e in _lock("lock.txt")}
    for name in ("pyside6-essentials", "pyside6-addons", "shiboken6"):
        assert metadata.version(name) == pinned[name], name
