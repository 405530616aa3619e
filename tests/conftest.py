"""Test set-up shared by every test: offscreen Qt before any QApplication exists."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep test runs away from the user's real data and settings.
os.environ.setdefault("MEDIATION_DESK_TESTING", "1")
if "MEDIATION_DESK_HOME" not in os.environ:
    import tempfile

    os.environ["MEDIATION_DESK_HOME"] = tempfile.mkdtemp(prefix="mediation-desk-test-")

import gc
from collections.abc import Iterator
from datetime import date

import pytest
from argon2 import PasswordHasher, profiles

from app.models import accounts, db, office
from app.models.db import Database
from app.qt.core import QCoreApplication, QEvent
from app.ui import gc_guard
from tests.helpers import PASSWORD, director, log_in, new_database

TODAY = date(2026, 11, 20)

# As in the program (app/ui/gc_guard.py): garbage cycles are collected in the main thread
# only, never by a worker thread that happens to allocate (that crashed Qt).
gc.disable()

# Passwords are hashed with argon2's cheapest parameters in tests (the program's take about
# 0.2 s and 64 MiB each); checking a password reads the parameters from its hash.
accounts.use_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))

# The program's COMMIT waits until the -wal file is on the disk (synchronous=FULL): a case
# number given survives a power cut (docs/storage-safety.md). No test cuts the power, and
# the suite's some 45,000 waits for the disk took about 5 s of each worker's time, so the
# tests' own connections do not wait (OFF). tests/models/test_db.py checks the program's
# setting; the programs the tests start in processes of their own keep it.
PROGRAM_SYNCHRONOUS = db.SYNCHRONOUS
db.SYNCHRONOUS = "OFF"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules that hold a slow test come first. ./test.sh hands the workers one
    module at a time in this order (--dist loadfile, --no-loadscope-reorder in
    pyproject.toml): a long module handed out last leaves the other worker idle at the end,
    and xdist's own order (most tests first) put the long one-test modules last."""
    slow = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow)  # stable: modules stay whole


def pytest_collection_finish(session: pytest.Session) -> None:
    """Every module and test is loaded now and lives as long as the process: frozen, they
    are left out of every collection (a full one went through 310,000 objects, 0.1 s)."""
    gc.collect()  # the garbage of loading them is freed, not kept
    gc.freeze()


@pytest.fixture(autouse=True)
def _collect_in_the_main_thread() -> Iterator[None]:
    yield
    _delete_what_was_deleted_later()
    gc_guard.collect_if_due()


def _delete_what_was_deleted_later() -> None:
    """The windows a test closed (pytest-qt's ``addWidget``, ``track``) were told to
    ``deleteLater``: outside an event loop Qt deletes them only once a later test runs
    one, and meanwhile each main window's idle watch filters every event of the program
    (13 were alive at once in test_users_dialog.py, each event filtered 13 times)."""
    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="session")
def qapp(qapp):
    """pytest-qt's application, with Qt's own texts in Chinese as in the program."""
    from app.ui.application import install_qt_translations

    install_qt_translations(qapp)
    return qapp


@pytest.fixture
def database(tmp_path):
    """A fresh, real SQLite file (WAL, like production): a copy of a new database made once
    per process, with its own ids (tests/helpers.new_database)."""
    d = new_database(tmp_path / "test.sqlite3")
    yield d
    d.close()


@pytest.fixture
def office_db(database):
    """A database with an office set up: committee 青山, three villages, two mediators; its
    主任 李主任 is logged in (password PASSWORD), as after the login dialog."""
    return set_up_qingshan(database)


def set_up_qingshan(db: Database) -> Database:
    """``office_db``'s office in ``db`` (new and empty), for a fixture of a wider scope."""
    office.setup_office(
        db,
        committee_name="青山镇人民调解委员会",
        abbr="青山",
        town_name="青山镇",
        villages=["红旗村", "桃园村", "河东社区"],
        user_name="李主任",
        password=PASSWORD,
    )
    log_in(db)
    user = director(db)
    committee = office.main_committee(db).id
    office.add_mediator(db, by=user, name="王建华", committee_id=committee, full_time=True)
    office.add_mediator(db, by=user, name="陈秀兰", committee_id=committee)
    return db


@pytest.fixture
def bare_office(database):
    """A fresh office whose set-up skipped the mediators: villages 红旗村 and 桃园村, no
    mediator, no grid; its 主任 logged in."""
    office.setup_office(
        database,
        committee_name="青山镇人民调解委员会",
        abbr="青山",
        town_name="青山镇",
        villages=["红旗村", "桃园村"],
        user_name="李主任",
        password=PASSWORD,
    )
    log_in(database)
    return database
