"""Who can read the files: the data and log folders 0700, the database, its -wal/-shm, backups
and log files 0600 (docs/privacy.md). POSIX only: on Windows the per-user folder is private."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import app.__main__ as entry
from app.models import db as dbmod
from app.models import privacy

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual desktop umask (022: new files 0644), whatever the test runner had."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.mark.usefixtures("open_umask")
def test_a_new_database_and_its_wal_and_shm_are_the_users_only(tmp_path: Path) -> None:
    path = tmp_path / "office" / "mediation.sqlite3"
    db = dbmod.connect(path)
    try:
        with db.transaction() as conn:  # a write: the -wal file has frames
            conn.execute("INSERT INTO settings(key, value) VALUES ('probe', '1')")
        for name in ("mediation.sqlite3", "mediation.sqlite3-wal", "mediation.sqlite3-shm"):
            assert mode(path.parent / name) == 0o600, name
        # a file made by another program under the same umask is 0644: the umask was restored
        other = tmp_path / "other.txt"
        other.write_text("x")
        assert mode(other) == 0o644
    finally:
        db.close()


@pytest.mark.usefixtures("open_umask")
def test_an_older_database_left_readable_by_all_is_closed_at_the_next_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mediation.sqlite3"
    dbmod.connect(path).close()
    for p in tmp_path.iterdir():
        p.chmod(0o644)  # as every version before this one left it
    db = dbmod.connect(path)
    try:
        db.conn.execute("SELECT count(*) FROM cases").fetchone()
        assert mode(path) == 0o600
        for p in tmp_path.iterdir():
            assert mode(p) == 0o600, p.name
    finally:
        db.close()


@pytest.mark.usefixtures("open_umask")
def test_a_backup_copy_is_the_users_only(tmp_path: Path) -> None:
    db = dbmod.connect(tmp_path / "mediation.sqlite3")
    try:
        dbmod.backup_copy(db, tmp_path / "copy.sqlite3")
    finally:
        db.close()
    assert mode(tmp_path / "copy.sqlite3") == 0o600


@pytest.mark.usefixtures("open_umask", "restore_logging")
def test_the_log_folder_and_every_log_file_are_the_users_only(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir(mode=0o755)
    old = logs / entry.LOG_FILE_NAME
    old.write_text("a line from an older version\n")
    old.chmod(0o644)
    log_file = entry.setup_logging(logs)
    assert log_file == old
    assert mode(logs) == 0o700
    assert mode(log_file) == 0o600
    handler = next(
        h for h in logging.getLogger().handlers if isinstance(h, privacy.PrivateRotatingFileHandler)
    )
    logging.getLogger("test").warning("a line")
    handler.doRollover()  # what a full log does
    logging.getLogger("test").warning("a line in the new file")
    assert sorted(p.name for p in logs.iterdir()) == [
        entry.LOG_FILE_NAME,
        f"{entry.LOG_FILE_NAME}.1",
    ]
    for p in logs.iterdir():
        assert mode(p) == 0o600, p.name


def test_the_programs_data_folder_is_made_the_users_only(tmp_path: Path) -> None:
    """A real start (python -m app --quit-after) under a usual umask: the data folder it
    makes, the database, the log folder and the log."""
    home = tmp_path / "home"
    env = {
        **os.environ,
        "MEDIATION_DESK_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
    }
    code = (
        "import os, sys; os.umask(0o022); from app.__main__ import main; "
        "sys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--quit-after", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, entry.EXIT_STORAGE_ERROR), done.stderr
    assert mode(home) == 0o700
    assert mode(home / "mediation.sqlite3") == 0o600
    assert mode(home / "logs") == 0o700
    assert mode(home / "logs" / entry.LOG_FILE_NAME) == 0o600


def test_a_users_own_folder_is_left_as_it_is(tmp_path: Path) -> None:
    """--db in a folder of the user's choosing: the file is made private, the folder not."""
    folder = tmp_path / "文档"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    db = dbmod.connect(folder / "青山镇.sqlite3")
    db.close()
    assert mode(folder) == 0o755
    assert mode(folder / "青山镇.sqlite3") == 0o600
