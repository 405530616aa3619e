"""Accounts: users and roles, passwords, the slowdown after wrong passwords, the first password
of an office from before accounts, and permissions refused in the services themselves."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.models import accounts, cases, office
from app.models import db as dbmod
from app.models import registries as reg
from app.models.accounts import Actor, LoginError
from app.models.db import Database
from app.models.errors import DomainError, PermissionDeniedError, ValidationError
from tests.helpers import PASSWORD, snapshot
from tests.models.helpers import account, register, user

FIXTURES = Path(__file__).parent.parent / "fixtures"
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def director_id(db: Database) -> str:
    return office.current_user(db).id


def add(db: Database, name: str, role: str, password: str = "初始密码2026") -> str:
    return accounts.add_user(db, by=user(db), name=name, role=role, password=password)


# ---- set-up and login


def test_the_director_set_up_with_the_office_logs_in_with_that_password(
    office_db: Database,
) -> None:
    me = accounts.login(office_db, director_id(office_db), PASSWORD)
    assert (me.name, me.role, me.role_label) == ("李主任", "director", "主任")
    assert me.device == office_db.scalar("SELECT value FROM settings WHERE key = 'device_id'")
    stored = office_db.scalar("SELECT password_hash FROM users WHERE id = ?", (me.user_id,))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.last_user(office_db) == me.user_id


def test_set_up_refuses_a_weak_password_and_sets_up_nothing(database: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        office.setup_office(
            database,
            committee_name="青山镇人民调解委员会",
            abbr="青山",
            town_name="青山镇",
            villages=["红旗村"],
            user_name="李主任",
            password="12345",
        )
    assert refused.value.field == accounts.PASSWORD_FIELD
    assert "至少要 6 位" in refused.value.message
    assert not office.is_set_up(database)
    assert database.scalar("SELECT count(*) FROM users") == 0


@pytest.mark.parametrize(
    ("password", "repeat", "field", "words"),
    [
        ("", None, accounts.PASSWORD_FIELD, "请填写密码"),
        (" abcdefg", None, accounts.PASSWORD_FIELD, "空格"),
        ("aaaaaaaa", None, accounts.PASSWORD_FIELD, "同一个字符"),
        ("123456", None, accounts.PASSWORD_FIELD, "太常见"),
        ("王小明王小明", None, accounts.PASSWORD_FIELD, ""),  # allowed: Chinese passwords are fine
        ("qingshan26", "qingshan62", accounts.REPEAT_FIELD, "两次输入的密码不一样"),
    ],
)
def test_password_rules_name_the_field(
    password: str, repeat: str | None, field: str, words: str
) -> None:
    if not words:
        assert accounts.check_new_password(password, repeat) == password
        return
    with pytest.raises(ValidationError) as refused:
        accounts.check_new_password(password, repeat)
    assert refused.value.field == field and words in refused.value.message


def test_a_wrong_password_is_refused_and_recorded(office_db: Database) -> None:
    uid = director_id(office_db)
    with pytest.raises(LoginError, match="密码不对") as refused:
        accounts.login(office_db, uid, "qingshan27", now=T0)
    assert refused.value.wait_seconds == 0
    events = [e.event for e in accounts.login_events(office_db)]
    assert events[0] == "failed"


def test_failures_slow_the_next_attempts_doubling_and_a_right_password_clears_them(
    office_db: Database,
) -> None:
    uid = director_id(office_db)
    for n in range(1, 3):  # two free failures
        with pytest.raises(LoginError) as refused:
            accounts.login(office_db, uid, "wrong-one", now=T0)
        assert refused.value.wait_seconds == 0, n
    with pytest.raises(LoginError) as third:
        accounts.login(office_db, uid, "wrong-one", now=T0)
    assert third.value.wait_seconds == 5 and "请等 5 秒" in third.value.message
    # Meanwhile even the right password is not checked
    with pytest.raises(LoginError, match="请等") as waiting:
        accounts.login(office_db, uid, PASSWORD, now=T0 + timedelta(seconds=2))
    assert waiting.value.wait_seconds == 3
    assert accounts.seconds_to_wait(office_db, uid, now=T0 + timedelta(seconds=2)) == 3
    # After the wait, a fourth wrong one doubles it
    with pytest.raises(LoginError) as fourth:
        accounts.login(office_db, uid, "wrong-one", now=T0 + timedelta(seconds=6))
    assert fourth.value.wait_seconds == 10
    later = T0 + timedelta(seconds=17)
    me = accounts.login(office_db, uid, PASSWORD, now=later)
    assert me.user_id == uid
    assert accounts.seconds_to_wait(office_db, uid, now=later) == 0
    assert office_db.scalar("SELECT count(*) FROM login_throttle") == 0


def test_a_file_opened_read_only_lets_its_users_in_and_writes_nothing(
    office_db: Database, tmp_path: Path
) -> None:
    """A damaged file opened to look at, a write-protected stick, a full disk: the users log
    in as always; wrong passwords slow them the same way for this run; the file is
    untouched (the attempts go to the log)."""
    uid = director_id(office_db)
    path = tmp_path / "copy.sqlite3"
    dbmod.backup_copy(office_db, path)
    before = path.read_bytes()
    viewed = dbmod.connect(path, read_only=True, check=False)
    try:
        assert viewed.write_refusal() is not None
        for _ in range(3):
            with pytest.raises(LoginError):
                accounts.login(viewed, uid, "wrong-one", now=T0)
        with pytest.raises(LoginError, match="请等") as waiting:
            accounts.login(viewed, uid, PASSWORD, now=T0 + timedelta(seconds=2))
        assert waiting.value.wait_seconds == 3
        assert accounts.seconds_to_wait(viewed, uid, now=T0 + timedelta(seconds=2)) == 3
        me = accounts.login(viewed, uid, PASSWORD, now=T0 + timedelta(seconds=6))
        assert me.user_id == uid and me.role == accounts.DIRECTOR
        assert accounts.unlock(viewed, me, PASSWORD, now=T0 + timedelta(seconds=7)) == me
        accounts.record_lock(viewed, me)
        accounts.record_logout(viewed, me)
    finally:
        viewed.close()
    assert path.read_bytes() == before


def test_the_wait_doubles_up_to_fifteen_minutes() -> None:
    assert [accounts.wait_after(n) for n in range(1, 8)] == [0, 0, 5, 10, 20, 40, 80]
    assert accounts.wait_after(30) == 15 * 60
    assert accounts.wait_text(900) == "15 分钟"


def test_the_slowdown_is_per_user(office_db: Database) -> None:
    zhou = add(office_db, "周玉梅", "mediator")
    for _ in range(4):
        with pytest.raises(LoginError):
            accounts.login(office_db, zhou, "wrong-one", now=T0)
    assert accounts.seconds_to_wait(office_db, zhou, now=T0) > 0
    assert accounts.login(office_db, director_id(office_db), PASSWORD, now=T0).name == "李主任"


def test_failed_attempts_and_logins_stay_on_this_installation() -> None:
    from app.models.sync.tables import SYNCED_TABLES

    assert "users" in SYNCED_TABLES  # name, role, active and the password hash travel
    assert "login_throttle" not in SYNCED_TABLES
    assert "login_events" not in SYNCED_TABLES


def test_a_failed_login_writes_nothing_that_travels(office_db: Database) -> None:
    logged = office_db.scalar("SELECT count(*) FROM sync_log")
    with pytest.raises(LoginError):
        accounts.login(office_db, director_id(office_db), "wrong-one", now=T0)
    accounts.login(office_db, director_id(office_db), PASSWORD, now=T0)
    assert office_db.scalar("SELECT count(*) FROM sync_log") == logged


def test_a_deactivated_user_cannot_log_in_and_is_refused_by_the_services(
    office_db: Database,
) -> None:
    zhou = add(office_db, "周玉梅", "mediator")
    accounts.change_password(
        office_db,
        by=accounts.acting_as(office_db, zhou),
        old="初始密码2026",
        password="zhou-2026",
    )
    me = accounts.login(office_db, zhou, "zhou-2026")
    accounts.set_active(office_db, zhou, False, by=user(office_db))
    with pytest.raises(LoginError, match="已停用"):
        accounts.login(office_db, zhou, "zhou-2026")
    with pytest.raises(PermissionDeniedError, match="已停用"):  # a session still open
        register(office_db, by=me)


def test_a_user_without_a_password_cannot_log_in(office_db: Database) -> None:
    from app.models import rows

    with office_db.transaction() as conn:
        uid = rows.insert(conn, "users", {"name": "赵会计", "role": "viewer"}, by="system")
    with pytest.raises(LoginError, match="还没有设置密码"):
        accounts.login(office_db, uid, "anything")


# ---- user management


def test_a_director_adds_users_who_choose_their_own_password_at_first_login(
    office_db: Database,
) -> None:
    zhou = add(office_db, "周玉梅", "mediator")
    account = accounts.get_account(office_db, zhou)
    assert account is not None
    assert (account.role_label, account.active, account.has_password) == ("调解员", True, True)
    assert account.must_change_password
    me = accounts.login(office_db, zhou, "初始密码2026")
    with pytest.raises(ValidationError, match="原密码不对"):
        accounts.change_password(office_db, by=me, old="wrong-one", password="zhou-2026")
    accounts.change_password(office_db, by=me, old="初始密码2026", password="zhou-2026")
    account = accounts.get_account(office_db, zhou)
    assert account is not None and not account.must_change_password
    assert accounts.login(office_db, zhou, "zhou-2026").name == "周玉梅"


def test_a_mediator_user_is_linked_to_the_mediator_of_the_same_name(office_db: Database) -> None:
    uid = add(office_db, "王建华", "mediator")
    me = accounts.acting_as(office_db, uid)
    wang = next(m.id for m in office.mediators(office_db) if m.name == "王建华")
    assert me.mediator_id == wang


def test_two_users_cannot_share_a_name(office_db: Database) -> None:
    add(office_db, "周玉梅", "mediator")
    with pytest.raises(ValidationError, match="已经有叫“周玉梅”的用户") as refused:
        add(office_db, "周玉梅", "viewer")
    assert refused.value.field == accounts.NAME_FIELD


def test_the_office_keeps_one_active_director(office_db: Database) -> None:
    me = user(office_db)
    with pytest.raises(ValidationError, match="唯一的主任"):
        accounts.edit_user(
            office_db,
            me.user_id,
            by=me,
            name="李主任",
            role="mediator",
            loaded=account(office_db, me.user_id),
        )
    with pytest.raises(DomainError, match="自己"):
        accounts.set_active(office_db, me.user_id, False, by=me)
    second = add(office_db, "孙副主任", "director")
    accounts.edit_user(
        office_db,
        me.user_id,
        by=me,
        name="李主任",
        role="mediator",
        loaded=account(office_db, me.user_id),
    )
    assert account(office_db, me.user_id).role == "mediator"
    # now 李主任 is a mediator: user management is refused to them
    with pytest.raises(PermissionDeniedError, match="只有主任可以管理用户"):
        accounts.set_active(office_db, second, False, by=me)


def test_a_director_resets_a_forgotten_password_and_the_slowdown_goes(
    office_db: Database,
) -> None:
    zhou = add(office_db, "周玉梅", "mediator")
    for _ in range(5):
        with pytest.raises(LoginError):
            accounts.login(office_db, zhou, "forgotten", now=T0)
    accounts.reset_password(office_db, zhou, by=user(office_db), password="new-pass-1")
    me = accounts.login(office_db, zhou, "new-pass-1", now=T0)
    assert me.name == "周玉梅"
    assert account(office_db, zhou).must_change_password


def test_only_a_director_manages_users(office_db: Database) -> None:
    zhou = accounts.acting_as(office_db, add(office_db, "周玉梅", "mediator"))
    before = snapshot(office_db)
    with pytest.raises(PermissionDeniedError) as refused:
        accounts.add_user(office_db, by=zhou, name="钱七", role="director", password="abc-2026")
    assert "“周玉梅”的角色是“调解员”，不能管理用户和密码" in refused.value.message
    with pytest.raises(PermissionDeniedError):
        accounts.reset_password(office_db, zhou.user_id, by=zhou, password="abc-2026x")
    assert snapshot(office_db) == before


# ---- the idle lock


def test_the_lock_time_is_an_office_setting_only_a_director_changes(office_db: Database) -> None:
    assert accounts.lock_minutes(office_db) == accounts.DEFAULT_LOCK_MINUTES
    accounts.set_lock_minutes(office_db, 5, by=user(office_db))
    assert accounts.lock_minutes(office_db) == 5
    with pytest.raises(ValidationError) as refused:
        accounts.set_lock_minutes(office_db, 1000, by=user(office_db))
    assert refused.value.field == accounts.LOCK_FIELD
    viewer = accounts.acting_as(office_db, add(office_db, "赵统计", "viewer"))
    with pytest.raises(PermissionDeniedError):
        accounts.set_lock_minutes(office_db, 0, by=viewer)


def test_unlock_takes_the_same_users_password(office_db: Database) -> None:
    me = accounts.login(office_db, director_id(office_db), PASSWORD)
    accounts.record_lock(office_db, me)
    with pytest.raises(LoginError, match="密码不对"):
        accounts.unlock(office_db, me, "wrong-one")
    assert accounts.unlock(office_db, me, PASSWORD).user_id == me.user_id
    assert [e.event for e in accounts.login_events(office_db)][:3] == ["unlock", "failed", "lock"]


# ---- an office from before accounts


def test_an_old_office_asks_its_director_for_a_first_password(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema_v6.sqlite3", path)
    db = dbmod.connect(path)
    try:
        first = accounts.needs_first_password(db)
        assert first is not None and first.role == "director"
        with pytest.raises(LoginError, match="还没有设置密码"):
            accounts.login(db, first.id, "anything")
        with pytest.raises(ValidationError):
            accounts.set_first_password(db, first.id, "short")
        me = accounts.set_first_password(db, first.id, "qingshan26", "qingshan26")
        assert me.role == "director"
        assert accounts.needs_first_password(db) is None
        with pytest.raises(DomainError, match="已经设置过密码"):
            accounts.set_first_password(db, first.id, "another-one")
        assert accounts.login(db, first.id, "qingshan26").user_id == first.id
    finally:
        db.close()


def test_a_field_laptop_never_asks_for_a_first_password(office_db: Database) -> None:
    with office_db.transaction() as conn:
        conn.execute("UPDATE users SET password_hash = ''")
        conn.execute("INSERT INTO sync_state(key, value) VALUES ('home', 'office-device')")
    assert accounts.needs_first_password(office_db) is None


# ---- permissions in the services


def viewer_of(db: Database) -> Actor:
    uid = add(db, "赵统计", "viewer", "zhao-2026")
    return accounts.login(db, uid, "zhao-2026")


def test_a_viewer_is_refused_by_the_services_and_nothing_is_written(office_db: Database) -> None:
    case_id = register(office_db)
    viewer = viewer_of(office_db)
    before = snapshot(office_db)
    with pytest.raises(PermissionDeniedError) as refused:
        cases.accept_case(office_db, case_id, by=viewer, accepted_on=date(2026, 11, 5))
    assert refused.value.message.startswith("“赵统计”的角色是“统计/只读”，不能受理。")
    assert "只有主任、调解员可以受理" in refused.value.message
    with pytest.raises(PermissionDeniedError, match="不能登记纠纷"):
        register(office_db, by=viewer)
    with pytest.raises(PermissionDeniedError, match="不能修改村（社区）"):
        reg.VILLAGES.add(office_db, by=viewer, name="新村", kind="village")
    with pytest.raises(PermissionDeniedError, match="不能修改村居档案"):
        reg.LEGAL_ADVISERS.add(
            office_db, by=viewer, name="钱明白", village_id=office.villages(office_db)[0].id
        )
    assert snapshot(office_db) == before


def test_a_mediator_works_on_their_own_cases_and_unassigned_ones(office_db: Database) -> None:
    wang = accounts.acting_as(office_db, add(office_db, "王建华", "mediator"))
    chen = accounts.acting_as(office_db, add(office_db, "陈秀兰", "mediator"))
    case_id = register(office_db, by=wang)
    cases.accept_case(office_db, case_id, by=chen, accepted_on=date(2026, 11, 5))  # unassigned
    assert wang.mediator_id is not None
    cases.assign_mediators(
        office_db,
        case_id,
        by=wang,
        mediator_ids=[wang.mediator_id],
        how="appointed",
        assigned_on=date(2026, 11, 6),
    )
    with pytest.raises(PermissionDeniedError) as refused:
        cases.extend_deadline(
            office_db,
            case_id,
            by=chen,
            requested_by="双方当事人",
            reason="需要补充调查",
            new_due_on=date(2026, 12, 30),
            decided_on=date(2026, 11, 10),
        )
    assert "这件案件由王建华承办，“陈秀兰”不是它的调解员，不能延长期限" in refused.value.message
    assert cases.refusal(office_db, chen, "extend", case_id) == refused.value.message
    assert cases.refusal(office_db, wang, "extend", case_id) == ""
    # the director may do anything, on any case
    assert cases.refusal(office_db, user(office_db), "extend", case_id) == ""


def test_only_the_director_voids_a_case_or_reopens_an_archived_one(office_db: Database) -> None:
    from tests.models.helpers import close

    wang = accounts.acting_as(office_db, add(office_db, "王建华", "mediator"))
    case_id = register(office_db)
    with pytest.raises(PermissionDeniedError, match="不能作废。只有主任可以作废"):
        cases.void_case(
            office_db, case_id, by=wang, reason="重复登记", voided_on=date(2026, 11, 20)
        )
    cases.accept_case(office_db, case_id, by=wang, accepted_on=date(2026, 11, 5))
    close(office_db, case_id, "withdrawn")
    cases.archive_case(office_db, case_id, by=wang, archived_on=date(2026, 11, 20))
    with pytest.raises(PermissionDeniedError, match="已归档的案件只有调委会主任才能重新调解"):
        cases.reopen_case(office_db, case_id, by=wang, reason="当事人反悔", requested_by="张三")
    assert "主任" in cases.refusal(office_db, wang, "reopen", case_id)
    cases.reopen_case(
        office_db, case_id, by=user(office_db), reason="当事人反悔", requested_by="张三"
    )


def test_a_role_changed_by_the_director_counts_at_once(office_db: Database) -> None:
    uid = add(office_db, "王建华", "mediator")
    wang = accounts.acting_as(office_db, uid)
    register(office_db, by=wang)
    accounts.edit_user(
        office_db,
        uid,
        by=user(office_db),
        name="王建华",
        role="viewer",
        loaded=account(office_db, uid),
    )
    with pytest.raises(PermissionDeniedError, match="统计/只读"):
        register(office_db, by=wang)  # the actor made before still says 调解员


def test_every_transition_says_who_may_take_it() -> None:
    for name, t in cases.TRANSITIONS.items():
        assert t.roles, name
        assert t.roles <= set(accounts.ROLES), name
        assert "viewer" not in t.roles, name
    assert cases.TRANSITIONS["void"].roles == {"director"}


def test_the_upgrade_makes_an_admin_a_director_and_logs_the_new_columns(tmp_path: Path) -> None:
    import sqlite3

    from app.models.sync import triggers

    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema_v6.sqlite3", path)
    raw = sqlite3.connect(path)
    with raw:
        raw.execute(
            "INSERT INTO users(id, name, role, active, created_at, updated_at, updated_by, "
            "origin) VALUES ('admin-1', '王管理', 'admin', 1, '2025-01-01', '2025-01-01', "
            "'system', 'x')"
        )
    raw.close()
    db = dbmod.connect(path)
    try:
        assert db.scalar("SELECT role FROM users WHERE id = 'admin-1'") == "director"
        assert db.scalar("SELECT count(*) FROM users WHERE role = 'admin'") == 0
        installed = str(db.scalar("SELECT sql FROM sqlite_master WHERE name = 'sync_users_update'"))
        assert "password_hash" in installed and "mediator_id" in installed
        assert set(triggers.logged_columns(db.conn, "users")) >= {
            "password_hash",
            "must_change_password",
            "mediator_id",
        }
    finally:
        db.close()
