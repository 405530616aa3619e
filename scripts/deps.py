"""Install the locked dependencies into the running virtual environment: only what is missing.

scripts/setup.sh (Linux) and run.bat/test.bat (Windows) run it with .venv's Python:

    python scripts/deps.py [--dev] [--say-done]

It installs, each from its lock file in requirements/ with ``--require-hashes`` and wheels
only: pip and the build backend (build.txt), the program's packages (lock.txt) and, with
``--dev``, the test tools too (lock-dev.txt: lock.txt plus the tools, at the same versions);
then the project itself, editable, with ``--no-deps``.

It never reinstalls what is there: it compares each lock entry (for this platform) with the
installed version and hands pip only the missing or changed ones, so ``./test.sh`` after
``./run.sh`` only adds the test tools and ``./run.sh`` after ``./test.sh`` installs nothing.
When nothing changed it returns after reading one small stamp file (.venv/deps-stamp.txt),
without looking at the installed packages at all.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ROOT / "requirements"
PROJECT = "mediation-desk"
# Downloads on a first set-up, measured from the wheels pip picks for each lock (Python 3.11;
# docs/platforms.md): most of it is PySide6 (Essentials + Addons).
FIRST_DOWNLOAD_MB = {"win32": 250, "linux": 280}
DEV_DOWNLOAD_MB = 35
# Packages an earlier lock installed that would clash with the current one: PySide6-Pdf
# (6.12) puts its QtPdf files where PySide6-Addons 6.9 puts its own. Removed first.
OBSOLETE = ("pyside6-pdf",)


@dataclass(frozen=True)
class Entry:
    """One requirement of a lock file, as pip should see it again (with its hashes)."""

    name: str  # normalised (PEP 503)
    version: str
    marker: str  # "" when it applies everywhere
    text: str  # the whole requirement, continuation lines joined


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> list[Entry]:
    """The requirements of a ``uv pip compile --generate-hashes`` file."""
    entries: list[Entry] = []
    logical = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        logical += " " + stripped.removesuffix("\\").strip()
        if stripped.endswith("\\"):
            continue
        requirement = logical.split(" --hash=")[0].strip()
        spec, _, marker = requirement.partition(";")
        name, sep, version = spec.partition("==")
        if not sep:
            raise ValueError(f"not pinned with ==: {requirement}")
        entries.append(Entry(normalise(name), version.strip(), marker.strip(), logical.strip()))
        logical = ""
    return entries


def applies(entry: Entry) -> bool:
    """Whether the entry's environment marker holds for the running Python."""
    if not entry.marker:
        return True
    try:  # pip carries packaging (the test tools bring their own too)
        markers = importlib.import_module("pip._vendor.packaging.markers")
    except ImportError:  # pragma: no cover - a pip without a vendored packaging
        markers = importlib.import_module("packaging.markers")
    return bool(markers.Marker(entry.marker).evaluate())


def missing(entries: Iterable[Entry], installed: Mapping[str, str]) -> list[Entry]:
    """The entries for this platform that are not installed at their locked version."""
    return [e for e in entries if applies(e) and installed.get(e.name) != e.version]


def installed_versions() -> dict[str, str]:
    from importlib import metadata

    return {
        normalise(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
        if dist.metadata["Name"]
    }


def lock_files(dev: bool) -> list[Path]:
    """The locks a set-up installs from (a dev set-up holds the base one too)."""
    return [LOCKS / name for name in ("build.txt", "lock.txt", "lock-dev.txt")[: 3 if dev else 2]]


def digest(paths: Sequence[Path]) -> str:
    """What the stamp records: the locks, the project's metadata and the Python running."""
    h = hashlib.sha256(sys.version.encode())
    for path in paths:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def project_files() -> list[Path]:
    # the version lives in app/__init__.py (dynamic in pyproject.toml)
    return [ROOT / "pyproject.toml", ROOT / "app" / "__init__.py"]


def stamp_path() -> Path:
    return Path(sys.prefix) / "deps-stamp.txt"


def read_stamp(path: Path) -> set[str]:
    try:
        return set(path.read_text(encoding="utf-8").split())
    except OSError:
        return set()


def wanted_digests() -> dict[str, str]:
    """The stamp lines that mean "already installed", for each kind of set-up."""
    return {
        kind: f"{kind}:" + digest([*lock_files(kind == "dev"), *project_files()])
        for kind in ("base", "dev")
    }


def is_current(stamp: set[str], dev: bool) -> bool:
    """True when nothing needs installing. A dev set-up includes the base one."""
    want = wanted_digests()
    return want["dev"] in stamp or (not dev and want["base"] in stamp)


def dev_only() -> set[str]:
    """The packages lock-dev.txt adds to lock.txt (the test tools)."""
    base = {e.name for e in parse_lock((LOCKS / "lock.txt").read_text(encoding="utf-8"))}
    dev = {e.name for e in parse_lock((LOCKS / "lock-dev.txt").read_text(encoding="utf-8"))}
    return dev - base


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def pip(args: Sequence[str], *, quiet: bool) -> int:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    if not quiet:  # pip's own lines and progress bars, on the terminal
        return subprocess.run(command, cwd=ROOT, stdout=sys.stderr.fileno(), check=False).returncode
    # build tools print warnings (setuptools' "Editable installation" box) that mean nothing
    # to a user: shown only when the step fails
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        say(done.stdout + done.stderr)
    return done.returncode


def install_entries(lock: Path, entries: Sequence[Entry], *, quiet: bool) -> int:
    """pip install the entries, from the lock itself when they are the whole of it."""
    args = ["install", "--require-hashes", "--only-binary=:all:", "--no-deps"]
    if quiet:
        args.append("-q")
    # (a lock with entries for other platforms would make pip print "Ignoring …" for each)
    if parse_lock(lock.read_text(encoding="utf-8")) == list(entries):
        return pip([*args, "-r", lock.relative_to(ROOT).as_posix()], quiet=quiet)
    # pip names the file on each line it prints: a short name in .venv, not a temporary one
    pending = Path(sys.prefix) / "deps-pending.txt"
    pending.write_text("\n".join(e.text for e in entries) + "\n", encoding="utf-8")
    try:
        return pip([*args, "-r", os.path.relpath(pending, ROOT)], quiet=quiet)
    finally:
        pending.unlink()


def failed(what: str) -> int:
    say(f"{what}失败。请检查网络连接后重新运行；上面是 pip 的说明。")
    return 1


def main(argv: Sequence[str]) -> int:
    dev = "--dev" in argv
    say_done = "--say-done" in argv
    if sys.prefix == sys.base_prefix:
        say("scripts/deps.py 只在 .venv 里运行（请用 run.sh / test.sh 或 run.bat / test.bat）。")
        return 2
    stamp = stamp_path()
    if is_current(read_stamp(stamp), dev):
        if say_done:
            say("完成。")
        return 0

    installed = installed_versions()
    tools = missing(parse_lock((LOCKS / "build.txt").read_text(encoding="utf-8")), installed)
    lock = LOCKS / ("lock-dev.txt" if dev else "lock.txt")
    needed = missing(parse_lock(lock.read_text(encoding="utf-8")), installed)
    if needed:
        first = "pyside6-essentials" not in installed
        platform = "win32" if sys.platform == "win32" else "linux"
        if first:
            mb = FIRST_DOWNLOAD_MB[platform] + (DEV_DOWNLOAD_MB if dev else 0)
            say(f"安装依赖（首次约 {mb} MB，需联网，请稍候）……")
        elif dev and {e.name for e in needed} <= dev_only():
            size = f"（约 {DEV_DOWNLOAD_MB} MB）" if len(needed) > len(dev_only()) // 2 else ""
            say(f"安装测试工具：{len(needed)} 个软件包{size}……")
        else:
            say(f"更新依赖：{len(needed)} 个软件包……")
    if tools and install_entries(LOCKS / "build.txt", tools, quiet=True) != 0:
        return failed("安装 pip 和打包工具")
    locked = {e.name for e in parse_lock(lock.read_text(encoding="utf-8"))}
    stale = [name for name in OBSOLETE if name in installed and name not in locked]
    if stale and pip(["uninstall", "-y", "-q", *stale], quiet=True) != 0:
        return failed("卸载旧的软件包")
    if needed and install_entries(lock, needed, quiet=False) != 0:
        return failed("安装依赖")
    editable = ["install", "-q", "--no-deps", "--no-build-isolation", "-e", str(ROOT)]
    if pip(editable, quiet=True) != 0:
        return failed("安装本程序")

    want = wanted_digests()
    # a dev set-up holds the base one too (lock-dev.txt is lock.txt plus the test tools)
    lines = [want["base"], want["dev"]] if dev else [want["base"]]
    stamp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if needed or tools or say_done:
        say("完成。")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    sys.exit(main(sys.argv[1:]))
