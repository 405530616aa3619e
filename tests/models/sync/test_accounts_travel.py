"""Accounts on field laptops: who may log in travels with the users (the password hash too,
so a laptop's mediator logs in offline); failed attempts and the login record stay where
they happened (docs/accounts.md)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.models import accounts
from app.models.sync import conflicts
from tests.models.sync.replicas import Replica, new_laptop, new_office, scratch, sync

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def folder() -> Iterator[Path]:
    path = scratch()
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def office_pc(folder: Path) -> Iterator[Replica]:
    o = new_office(folder)
    yield o
    o.close()


def zhou_of(office_pc: Replica) -> str:
    """周玉梅, a 调解员 with her own password, who takes the laptop out."""
    uid = accounts.add_user(
        office_pc.db, by=office_pc.user, name="周玉梅", role="mediator", password="zhou-first"
    )
    accounts.change_password(
        office_pc.db,
        by=accounts.acting_as(office_pc.db, uid),
        old="zhou-first",
        password="zhou-own-1",
    )
    return uid


def test_a_laptops_mediator_logs_in_offline_with_her_office_password(
    office_pc: Replica, folder: Path
) -> None:
    zhou = zhou_of(office_pc)
    accounts.login(office_pc.db, zhou, "zhou-own-1")  # she logged in at the office once
    with pytest.raises(accounts.LoginError):
        accounts.login(office_pc.db, office_pc.user.user_id, "wrong-one", now=T0)
    laptop = new_laptop(office_pc, folder, "周玉梅的笔记本")
    try:
        me = accounts.login(laptop.db, zhou, "zhou-own-1")
        assert (me.name, me.role, me.device) == ("周玉梅", "mediator", laptop.device)
        # the office's own failures, login record and last user stayed at the office
        for table in ("login_throttle",):
            assert laptop.db.scalar(f"SELECT count(*) FROM {table}") == 0
        assert [e.event for e in accounts.login_events(laptop.db)] == ["login"]  # hers, here
        assert accounts.last_user(laptop.db) == zhou
        assert accounts.needs_first_password(laptop.db) is None
    finally:
        laptop.close()


def test_a_reset_and_a_stop_at_the_office_reach_the_laptop_with_the_next_file(
    office_pc: Replica, folder: Path
) -> None:
    zhou = zhou_of(office_pc)
    laptop = new_laptop(office_pc, folder, "周玉梅的笔记本")
    try:
        accounts.reset_password(office_pc.db, zhou, by=office_pc.user, password="zhou-reset")
        sync(office_pc, laptop)
        with pytest.raises(accounts.LoginError, match="密码不对"):
            accounts.login(laptop.db, zhou, "zhou-own-1")
        assert accounts.login(laptop.db, zhou, "zhou-reset").name == "周玉梅"
        account = accounts.get_account(laptop.db, zhou)
        assert account is not None and account.must_change_password

        accounts.set_active(office_pc.db, zhou, False, by=office_pc.user)
        sync(office_pc, laptop)
        with pytest.raises(accounts.LoginError, match="已停用"):
            accounts.login(laptop.db, zhou, "zhou-reset")
    finally:
        laptop.close()


def test_failed_logins_on_the_laptop_stay_there(office_pc: Replica, folder: Path) -> None:
    zhou = zhou_of(office_pc)
    laptop = new_laptop(office_pc, folder, "周玉梅的笔记本")
    try:
        for _ in range(5):
            with pytest.raises(accounts.LoginError):
                accounts.login(laptop.db, zhou, "wrong-one", now=T0)
        assert accounts.seconds_to_wait(laptop.db, zhou, now=T0) > 0
        sync(laptop, office_pc)
        assert accounts.seconds_to_wait(office_pc.db, zhou, now=T0) == 0
        assert accounts.login(office_pc.db, zhou, "zhou-own-1", now=T0).name == "周玉梅"
        assert "failed" not in [e.event for e in accounts.login_events(office_pc.db)]
    finally:
        laptop.close()


def test_a_password_changed_on_both_sides_is_a_conflict_that_never_shows_a_hash(
    office_pc: Replica, folder: Path
) -> None:
    zhou = zhou_of(office_pc)
    laptop = new_laptop(office_pc, folder, "周玉梅的笔记本")
    try:
        accounts.reset_password(office_pc.db, zhou, by=office_pc.user, password="zhou-reset")
        accounts.change_password(
            laptop.db,
            by=accounts.acting_as(laptop.db, zhou),
            old="zhou-own-1",
            password="zhou-own-2",
        )
        sync(laptop, office_pc)
        sync(office_pc, laptop)
        found = [c for c in conflicts.list_conflicts(office_pc.db) if c.tbl == "users"]
        fields = {c.field for c in found}
        assert "密码" in fields
        password = next(c for c in found if c.field == "密码")
        for side in password.sides:
            assert side.text == "（一个密码，不显示）"
            assert "$argon2" not in side.text
    finally:
        laptop.close()
