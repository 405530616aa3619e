"""Accounts: who may use the program, with which role, and who did what (docs/accounts.md).

Three roles. The 主任 (director) may do everything, manages the users, reopens archived cases
and decides sync conflicts; a 调解员 (mediator) registers disputes, works on the cases assigned
to them (and on cases nobody is assigned to yet) and prints; a 统计/只读 user (viewer) reads the
lists and the statistics and changes nothing.

Every service takes an :class:`Actor` (the user, their role, this installation) instead of a
free user id, and checks the permission itself (:func:`authorize`, :func:`authorize_case`): a
hidden button is a convenience, the refusal is here. The role is read again from ``users``
on each check, so a 主任's change (a new role, a deactivated account) counts at once.

Passwords are stored as argon2id hashes in ``users.password_hash``, which travels to field
laptops with the rest of the row: a laptop's mediator logs in offline. Failed attempts and the
slowdown they cause stay on this installation (``login_throttle``), as does the record of
logins, locks and unlocks (``login_events``).
"""

from __future__ import annotations

import logging
import math
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.models import rows
from app.models.db import Database
from app.models.errors import DomainError, PermissionDeniedError, ValidationError

log = logging.getLogger(__name__)

UTC = UTC

# --------------------------------------------------------------------------------------
# Roles and the actor

DIRECTOR: Final = "director"
MEDIATOR: Final = "mediator"
VIEWER: Final = "viewer"
SYSTEM: Final = "system"  # the program's own work (a merge's new case numbers, demo data)
SYSTEM_USER: Final = "system"

ROLES: Final[dict[str, str]] = {DIRECTOR: "主任", MEDIATOR: "调解员", VIEWER: "统计/只读"}
ALL_ROLES: Final = frozenset(ROLES)
WORKERS: Final = frozenset({DIRECTOR, MEDIATOR})

# Field names of the ValidationErrors (the forms mark their inputs by them).
NAME_FIELD: Final = "姓名"
ROLE_FIELD: Final = "角色"
PASSWORD_FIELD: Final = "密码"
REPEAT_FIELD: Final = "再输一遍"
OLD_PASSWORD_FIELD: Final = "原密码"
MEDIATOR_FIELD: Final = "对应调解员"
LOCK_FIELD: Final = "无操作自动锁定"

MIN_PASSWORD: Final = 6
MAX_PASSWORD: Final = 128
MAX_NAME: Final = 20

# Failed logins: the first FREE_FAILURES cost nothing; each one after that makes the next
# attempt wait FIRST_WAIT seconds, doubled each time, at most MAX_WAIT.
FREE_FAILURES: Final = 3
FIRST_WAIT: Final = 5
MAX_WAIT: Final = 15 * 60

LOCK_SETTING: Final = "lock_minutes"  # office-wide (it travels): the idle lock
DEFAULT_LOCK_MINUTES: Final = 10
MAX_LOCK_MINUTES: Final = 240
LAST_USER_SETTING: Final = "local.last_user"  # this installation's last login (never travels)


@dataclass(frozen=True)
class Actor:
    """Who asks a service to act: the user, their role, the installation.

    Made by :func:`login` (the program) or :func:`acting_as` (the program's own jobs: demo
    data, the benchmark, tests). ``role`` is what the user had when the actor was made; the
    services check the role the user has now.
    """

    user_id: str
    role: str
    device: str
    name: str = ""
    mediator_id: str | None = None

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, "系统" if self.role == SYSTEM else self.role)

    @property
    def is_director(self) -> bool:
        return self.role in (DIRECTOR, SYSTEM)


def system_actor(conn: sqlite3.Connection) -> Actor:
    """The program itself (a merge numbering cases, a migration): may do anything."""
    return Actor(SYSTEM_USER, SYSTEM, rows.device_id(conn), "系统")


@dataclass(frozen=True)
class Account:
    """A row of 用户管理."""

    id: str
    name: str
    role: str
    active: bool
    has_password: bool
    must_change_password: bool
    mediator_id: str | None
    mediator_name: str
    stamp: str = ""  # the row's edit stamp as read (rows.stamp_sql): 修改 saves against it

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


# --------------------------------------------------------------------------------------
# Permissions


@dataclass(frozen=True)
class Permission:
    label: str  # what it lets one do, as a verb phrase: "管理用户"
    roles: frozenset[str]


PERMISSIONS: Final[dict[str, Permission]] = {
    # the office itself
    "manage_users": Permission("管理用户和密码", frozenset({DIRECTOR})),
    "office": Permission("修改单位信息、打印设置和锁定时间", frozenset({DIRECTOR})),
    "committees": Permission("修改调委会", frozenset({DIRECTOR})),
    "villages": Permission("修改村（社区）", frozenset({DIRECTOR})),
    "mediators": Permission("修改调解员名册", frozenset({DIRECTOR})),
    # the villages' own registries: grids, grid workers, 法律明白人, 评理说事点, 广播, 装户图
    "village_registry": Permission("修改村居档案", WORKERS),
    "content": Permission("修改宣传内容", frozenset({DIRECTOR})),
    "templates": Permission("修改协议条款模板", frozenset({DIRECTOR})),
    "monthly_report": Permission("保存月度报告", frozenset({DIRECTOR})),
    "import_ledger": Permission("从 Excel 台账导入案件", frozenset({DIRECTOR})),
    "export": Permission("导出台账和报表", ALL_ROLES),
    "print_case": Permission("打印案件文书", WORKERS),
    "print_outreach": Permission("打印七个一宣传材料", WORKERS),
    "statistics": Permission("查看统计", ALL_ROLES),
    "audit": Permission("查看审计记录", frozenset({DIRECTOR})),
    # the whole file, every full ID number in it, to a place the user chooses
    "backup_to_file": Permission("把整个数据库备份到文件", frozenset({DIRECTOR})),
    # field laptops
    "prepare_laptop": Permission("准备外出笔记本", frozenset({DIRECTOR})),
    "sync": Permission("同步", WORKERS),
    "device_name": Permission("修改本机名称", frozenset({DIRECTOR})),
    "resolve_conflict": Permission("处理同步冲突", frozenset({DIRECTOR})),
}


def _roles_text(roles: Iterable[str]) -> str:
    return "、".join(label for role, label in ROLES.items() if role in set(roles))


def refusal(actor: Actor, label: str, roles: Iterable[str]) -> str:
    """The plain-Chinese refusal: who the user is, what they may not do, who may."""
    who = f"“{actor.name}”" if actor.name else "当前用户"
    allowed = _roles_text(roles)
    return (
        f"{who}的角色是“{actor.role_label}”，不能{label}。"
        + (f"只有{allowed}可以{label}，" if allowed else "")
        + "请换有权限的用户登录，或请主任在“用户管理”中调整角色。"
    )


def may(actor: Actor, permission: str) -> bool:
    """Whether the actor's role allows it (for the UI: buttons; services use authorize)."""
    return actor.role == SYSTEM or actor.role in PERMISSIONS[permission].roles


def why_not(actor: Actor, permission: str) -> str:
    """'' when allowed, else the refusal (the tooltip of a disabled button)."""
    if may(actor, permission):
        return ""
    p = PERMISSIONS[permission]
    return refusal(actor, p.label, p.roles)


def current(conn: sqlite3.Connection, actor: Actor) -> Actor:
    """The actor with the role the user has now; refused when the account is gone or off."""
    if actor.role == SYSTEM:
        return actor
    row = conn.execute(
        "SELECT name, role, active, mediator_id FROM users WHERE id = ?", (actor.user_id,)
    ).fetchone()
    if row is None:
        raise PermissionDeniedError("找不到当前登录的用户（可能已被删除），请重新登录。")
    if not row[2]:
        raise PermissionDeniedError(f"“{row[0]}”的账户已停用，不能再修改数据。请找主任。")
    return Actor(actor.user_id, str(row[1]), actor.device, str(row[0]), row[3])


def authorize(conn: sqlite3.Connection, actor: Actor, permission: str) -> Actor:
    """Raise PermissionDeniedError unless the user's present role allows ``permission``;
    returns the actor as it is now."""
    now = current(conn, actor)
    p = PERMISSIONS[permission]
    if now.role != SYSTEM and now.role not in p.roles:
        raise PermissionDeniedError(refusal(now, p.label, p.roles))
    return now


def case_mediators(conn: sqlite3.Connection, case_id: str) -> list[tuple[str, str]]:
    """(mediator id, name) of the case's current assignments."""
    return [
        (str(r[0]), str(r[1]))
        for r in conn.execute(
            "SELECT a.mediator_id, m.name FROM assignments a "
            "JOIN mediators m ON m.id = a.mediator_id "
            "WHERE a.case_id = ? AND a.ended_on IS NULL ORDER BY a.lead DESC, m.name",
            (case_id,),
        )
    ]


def is_own_case(conn: sqlite3.Connection, actor: Actor, case_id: str) -> bool:
    """A mediator's case: nobody is assigned to it yet, or they are."""
    assigned = case_mediators(conn, case_id)
    return not assigned or any(mid == actor.mediator_id for mid, _ in assigned)


def authorize_case(
    conn: sqlite3.Connection,
    actor: Actor,
    *,
    label: str,
    roles: frozenset[str],
    case_id: str | None,
) -> Actor:
    """A step on a case: the role must allow it and a 调解员 must be on the case (or nobody
    is yet). ``case_id`` None: a new case (登记)."""
    now = current(conn, actor)
    if now.role == SYSTEM:
        return now
    if now.role not in roles:
        raise PermissionDeniedError(refusal(now, label, roles))
    if now.role == MEDIATOR and case_id is not None and not is_own_case(conn, now, case_id):
        names = "、".join(name for _, name in case_mediators(conn, case_id))
        raise PermissionDeniedError(
            f"这件案件由{names}承办，“{now.name}”不是它的调解员，不能{label}。"
            "请由承办调解员或主任办理；如要换人承办，请主任重新指派。"
        )
    return now


# --------------------------------------------------------------------------------------
# Passwords

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (64 MiB, t=3)


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Replace the hasher for new hashes; returns the previous one. Tests use argon2's
    cheapest profile to stay fast (verifying reads the parameters from each hash)."""
    global _hasher
    previous, _hasher = _hasher, hasher
    return previous


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(password: str, repeat: str | None = None, *, name: str = "") -> str:
    """The rules for a password a person chooses; returns it. Raises ValidationError."""
    if not password:
        raise ValidationError(PASSWORD_FIELD, "请填写密码。")
    if password != password.strip():
        raise ValidationError(PASSWORD_FIELD, "密码的开头或结尾有空格，请去掉空格再输入。")
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            PASSWORD_FIELD, f"密码太短：至少要 {MIN_PASSWORD} 位（字母、数字或汉字都可以）。"
        )
    if len(password) > MAX_PASSWORD:
        raise ValidationError(PASSWORD_FIELD, f"密码太长：最多 {MAX_PASSWORD} 位。")
    if len(set(password)) == 1:
        raise ValidationError(PASSWORD_FIELD, "密码不能是同一个字符重复，请换一个不好猜的。")
    if password in ("123456", "1234567", "12345678", "123456789", "654321", "abcdef"):
        raise ValidationError(PASSWORD_FIELD, "这个密码太常见，很容易被猜到，请换一个。")
    if name and password == name:
        raise ValidationError(PASSWORD_FIELD, "密码不能和姓名一样，请换一个。")
    if repeat is not None and repeat != password:
        raise ValidationError(REPEAT_FIELD, "两次输入的密码不一样，请重新输入。")
    return password


# --------------------------------------------------------------------------------------
# Users


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError(NAME_FIELD, "请填写用户的姓名。")
    if len(name) > MAX_NAME:
        raise ValidationError(NAME_FIELD, f"姓名太长：最多 {MAX_NAME} 个字。")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(ROLE_FIELD, "请选择角色：主任、调解员或统计/只读。")
    return role


def _check_unique(conn: sqlite3.Connection, name: str, user_id: str | None = None) -> None:
    row = conn.execute(
        "SELECT id FROM users WHERE name = ? AND id IS NOT ?", (name, user_id)
    ).fetchone()
    if row is not None:
        raise ValidationError(
            NAME_FIELD,
            f"已经有叫“{name}”的用户了。同名的两个人请加注区别，例如“{name}（东组）”。",
        )


def _check_mediator(conn: sqlite3.Connection, mediator_id: str | None) -> str | None:
    if not mediator_id:
        return None
    if conn.execute("SELECT 1 FROM mediators WHERE id = ?", (mediator_id,)).fetchone() is None:
        raise ValidationError(MEDIATOR_FIELD, "找不到选择的调解员，请重新选择。")
    return mediator_id


def _mediator_by_name(conn: sqlite3.Connection, name: str) -> str | None:
    """The one current 调解员 record of that name, if exactly one."""
    found = conn.execute(
        "SELECT id FROM mediators WHERE name = ? AND retired = 0", (name,)
    ).fetchall()
    return str(found[0][0]) if len(found) == 1 else None


def insert_director(conn: sqlite3.Connection, name: str, password: str) -> str:
    """First set-up (office.setup_office): the 主任, inside the caller's transaction."""
    return rows.insert(
        conn,
        "users",
        {"name": name, "role": DIRECTOR, "password_hash": hash_password(password)},
        by=SYSTEM_USER,
    )


def add_user(
    db: Database,
    *,
    by: Actor,
    name: str,
    role: str,
    password: str,
    repeat: str | None = None,
    mediator_id: str | None = None,
) -> str:
    """A new user (主任 only) with a first password the 主任 tells them; they choose their
    own at the first login. A 调解员 is linked to the 调解员 record of the same name when
    none is chosen and there is exactly one."""
    name = _check_name(name)
    role = _check_role(role)
    check_new_password(password, repeat, name=name)
    with db.transaction() as conn:
        authorize(conn, by, "manage_users")
        _check_unique(conn, name)
        mediator_id = _check_mediator(conn, mediator_id)
        if mediator_id is None and role == MEDIATOR:
            mediator_id = _mediator_by_name(conn, name)
        return rows.insert(
            conn,
            "users",
            {
                "name": name,
                "role": role,
                "password_hash": hash_password(password),
                "must_change_password": 1,
                "mediator_id": mediator_id,
            },
            by=by.user_id,
        )


def _directors_left(conn: sqlite3.Connection, without: str) -> int:
    return int(
        conn.execute(
            "SELECT count(*) FROM users WHERE role = ? AND active = 1 AND id != ?",
            (DIRECTOR, without),
        ).fetchone()[0]
    )


def _load_user(conn: sqlite3.Connection, user_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        raise DomainError("找不到这个用户，可能已被删除。请关闭后重新打开“用户管理”。")
    return row  # type: ignore[no-any-return]


def edit_user(
    db: Database,
    user_id: str,
    *,
    by: Actor,
    name: str,
    role: str,
    mediator_id: str | None = None,
    loaded: Account,
) -> None:
    """Change a user's name, role or 调解员 record (主任 only). The office keeps at least one
    active 主任.

    ``loaded`` is the account as the 修改 form showed it (with the ``stamp`` read with it,
    its 对应调解员 as the form could show it): only the fields the user changed from it
    are written, and nothing when the user's row changed since (a sync merge, another
    window): StaleEditError, so a role changed meanwhile is never silently put back."""
    name = _check_name(name)
    role = _check_role(role)
    shown = {"name": loaded.name, "role": loaded.role, "mediator_id": loaded.mediator_id or None}
    wanted = {"name": name, "role": role, "mediator_id": mediator_id or None}
    changed = rows.edited(shown, wanted)
    with db.transaction() as conn:
        authorize(conn, by, "manage_users")
        row = _load_user(conn, user_id)
        if not changed:
            return
        what = f"用户“{loaded.name}”"
        rows.check_unchanged(conn, "users", user_id, loaded.stamp, by=by.user_id, what=what)
        if "name" in changed:
            _check_unique(conn, name, user_id)
        if "mediator_id" in changed:
            _check_mediator(conn, mediator_id or None)
        last_director = row["role"] == DIRECTOR and row["active"]
        if (
            "role" in changed
            and last_director
            and role != DIRECTOR
            and _directors_left(conn, user_id) == 0
        ):
            raise ValidationError(
                ROLE_FIELD,
                f"“{row['name']}”是唯一的主任，不能改成别的角色：先把另一位用户设为主任。",
            )
        rows.update_changed(
            conn, "users", user_id, shown, wanted, stamp=loaded.stamp, by=by.user_id, what=what
        )


def set_active(db: Database, user_id: str, active: bool, *, by: Actor) -> None:
    """停用 / 启用 a user (主任 only). A stopped user cannot log in anywhere once the change
    has reached that installation; their past work keeps their name."""
    with db.transaction() as conn:
        now = authorize(conn, by, "manage_users")
        row = _load_user(conn, user_id)
        if not active:
            if user_id == now.user_id:
                raise DomainError("不能停用自己正在使用的账户。")
            if row["role"] == DIRECTOR and _directors_left(conn, user_id) == 0:
                raise DomainError(f"“{row['name']}”是唯一的主任，不能停用。")
        if bool(row["active"]) != active:
            rows.update(conn, "users", user_id, {"active": int(active)}, by=by.user_id)


def reset_password(
    db: Database, user_id: str, *, by: Actor, password: str, repeat: str | None = None
) -> None:
    """A 主任 gives a user a new password (forgotten, or suspected known to others); the
    user chooses their own at the next login. The slowdown here is lifted."""
    with db.transaction() as conn:
        authorize(conn, by, "manage_users")
        row = _load_user(conn, user_id)
        check_new_password(password, repeat, name=str(row["name"]))
        rows.update(
            conn,
            "users",
            user_id,
            {
                "password_hash": hash_password(password),
                "must_change_password": int(user_id != by.user_id),
            },
            by=by.user_id,
        )
        conn.execute("DELETE FROM login_throttle WHERE user_id = ?", (user_id,))


def change_password(
    db: Database, *, by: Actor, old: str, password: str, repeat: str | None = None
) -> None:
    """A user changes their own password (after a reset, or whenever they like)."""
    with db.transaction() as conn:
        row = _load_user(conn, by.user_id)
        if not verify_password(str(row["password_hash"]), old):
            raise ValidationError(OLD_PASSWORD_FIELD, "原密码不对，请重新输入。")
        check_new_password(password, repeat, name=str(row["name"]))
        if password == old:
            raise ValidationError(PASSWORD_FIELD, "新密码和原密码一样，请换一个。")
        rows.update(
            conn,
            "users",
            by.user_id,
            {"password_hash": hash_password(password), "must_change_password": 0},
            by=by.user_id,
        )


def list_users(db: Database) -> list[Account]:
    return [
        Account(
            r["id"],
            r["name"],
            r["role"],
            bool(r["active"]),
            bool(r["password_hash"]),
            bool(r["must_change_password"]),
            r["mediator_id"],
            r["mediator_name"] or "",
            r["stamp"],
        )
        for r in db.query(
            f"SELECT u.*, m.name AS mediator_name, {rows.stamp_sql('users', 'u')} AS stamp "
            "FROM users u "
            "LEFT JOIN mediators m ON m.id = u.mediator_id "
            "WHERE u.id != ? ORDER BY u.active DESC, "
            "CASE u.role WHEN 'director' THEN 0 WHEN 'mediator' THEN 1 ELSE 2 END, u.created_at",
            (SYSTEM_USER,),
        )
    ]


def get_account(db: Database, user_id: str) -> Account | None:
    return next((a for a in list_users(db) if a.id == user_id), None)


def login_choices(db: Database) -> list[Account]:
    """The users who may log in here: active, in the order 用户管理 lists them."""
    return [a for a in list_users(db) if a.active]


# --------------------------------------------------------------------------------------
# First password of an office from before accounts (schema < 8)


def needs_first_password(db: Database) -> Account | None:
    """The 主任 who must choose a password before anyone can log in: an office PC whose
    database comes from before accounts existed (nobody has a password). None when someone
    has one, or on a field laptop (its passwords come from the office: a laptop must never
    choose a 主任's password that would then travel back)."""
    if db.scalar("SELECT 1 FROM users WHERE password_hash != '' AND active = 1") is not None:
        return None
    if db.scalar("SELECT 1 FROM sync_state WHERE key = 'home'") is not None:
        return None  # a field laptop
    default = db.scalar("SELECT value FROM settings WHERE key = 'default_user_id'")
    directors = [a for a in login_choices(db) if a.role == DIRECTOR]
    return next((a for a in directors if a.id == default), directors[0] if directors else None)


def set_first_password(
    db: Database, user_id: str, password: str, repeat: str | None = None
) -> Actor:
    """The 主任 of an office from before accounts chooses their password; returns them
    logged in."""
    with db.transaction() as conn:
        first = needs_first_password(db)
        if first is None or first.id != user_id:
            raise DomainError("已经设置过密码了，请用密码登录。")
        check_new_password(password, repeat, name=first.name)
        rows.update(
            conn,
            "users",
            user_id,
            {"password_hash": hash_password(password), "must_change_password": 0},
            by=user_id,
        )
        _record(conn, user_id, "login")
        _remember(conn, user_id)
    return acting_as(db, user_id)


# --------------------------------------------------------------------------------------
# Login, the slowdown, the lock


class LoginError(DomainError):
    """The login was refused; ``message`` says why. ``wait_seconds`` > 0: too many wrong
    passwords, the next attempt is checked only after that long."""

    def __init__(self, message: str, *, wait_seconds: int = 0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


def _utc(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def wait_after(failures: int) -> int:
    """Seconds the next attempt waits after ``failures`` wrong passwords in a row."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES), MAX_WAIT))


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} 分钟"


def seconds_to_wait(db: Database, user_id: str, *, now: datetime | None = None) -> int:
    """0 when the user may try now, else how long they must wait (whole seconds, rounded up)."""
    if db.write_refusal() is not None:  # a file that cannot be written: this run's waits
        stamp = _MemoryAttempts(str(db.path)).throttle(user_id)[1]
    else:
        stamp = db.scalar("SELECT wait_until FROM login_throttle WHERE user_id = ?", (user_id,))
    if not stamp:
        return 0
    left = (_parse(str(stamp)) - _utc(now)).total_seconds()
    return max(0, math.ceil(left))


def _record(conn: sqlite3.Connection, user_id: str, event: str) -> None:
    conn.execute(
        "INSERT INTO login_events(at, user_id, event) VALUES (?, ?, ?)",
        (_stamp(_utc(None)), user_id, event),
    )


def _remember(conn: sqlite3.Connection, user_id: str) -> None:
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (LAST_USER_SETTING, user_id),
    )


def last_user(db: Database) -> str | None:
    """Who logged in last on this installation (the login dialog offers them first)."""
    value = db.scalar("SELECT value FROM settings WHERE key = ?", (LAST_USER_SETTING,))
    return None if value is None else str(value)


def _check_password(
    db: Database, user_id: str, password: str, *, now: datetime | None, event: str
) -> Actor:
    """The shared body of login and unlock: one transaction that records the attempt (a
    refusal is raised after it is committed). A file that must not be written (read-only,
    damaged: the user opened it to look or to print before a restore) still lets its
    users in: the attempt is judged the same way, its waits kept in memory for this run,
    and it goes to the log file instead of the database."""
    attempts: _FileAttempts | _MemoryAttempts
    if db.write_refusal() is None:
        with db.transaction() as conn:
            attempts = _FileAttempts(conn)
            outcome = _attempt(conn, attempts, user_id, password, _utc(now), event)
    else:
        with db.reading():
            attempts = _MemoryAttempts(str(db.path))
            outcome = _attempt(db.conn, attempts, user_id, password, _utc(now), event)
    if isinstance(outcome, LoginError):
        raise outcome
    return outcome


class _FileAttempts:
    """Login attempts kept in the database: login_throttle, login_events, the last user."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def throttle(self, user_id: str) -> tuple[int, str | None]:
        row = self.conn.execute(
            "SELECT failures, wait_until FROM login_throttle WHERE user_id = ?", (user_id,)
        ).fetchone()
        if row is None:
            return 0, None
        return int(row[0]), (str(row[1]) if row[1] else None)

    def failed(self, user_id: str, failures: int, moment: datetime, until: str | None) -> None:
        self.conn.execute(
            "INSERT INTO login_throttle(user_id, failures, last_at, wait_until) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET failures = "
            "excluded.failures, last_at = excluded.last_at, wait_until = excluded.wait_until",
            (user_id, failures, _stamp(moment), until),
        )

    def succeeded(self, user_id: str) -> None:
        self.conn.execute("DELETE FROM login_throttle WHERE user_id = ?", (user_id,))
        _remember(self.conn, user_id)

    def record(self, user_id: str, event: str) -> None:
        _record(self.conn, user_id, event)


# (file, user) -> (failures, wait until): the throttle of files that cannot be written.
_read_only_throttle: dict[tuple[str, str], tuple[int, str | None]] = {}


class _MemoryAttempts:
    """Login attempts on a file that cannot be written: the same waits, held for this run;
    the events go to the log file (the user id only, as the database would hold)."""

    def __init__(self, file: str) -> None:
        self.file = file

    def throttle(self, user_id: str) -> tuple[int, str | None]:
        return _read_only_throttle.get((self.file, user_id), (0, None))

    def failed(self, user_id: str, failures: int, moment: datetime, until: str | None) -> None:
        _read_only_throttle[(self.file, user_id)] = (failures, until)

    def succeeded(self, user_id: str) -> None:
        _read_only_throttle.pop((self.file, user_id), None)

    def record(self, user_id: str, event: str) -> None:
        log.info("login event %s for user %s (file read-only: not recorded in it)", event, user_id)


def _attempt(
    conn: sqlite3.Connection,
    attempts: _FileAttempts | _MemoryAttempts,
    user_id: str,
    password: str,
    moment: datetime,
    event: str,
) -> Actor | LoginError:
    row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        return LoginError("找不到这个用户，请重新选择。")
    name = str(row["name"])
    if not row["active"]:
        attempts.record(user_id, "refused")
        return LoginError(f"“{name}”的账户已停用，不能登录。如有疑问请找主任。")
    if not row["password_hash"]:
        attempts.record(user_id, "refused")
        return LoginError(
            f"“{name}”还没有设置密码，不能登录。请主任在“设置 → 用户管理”中为您设置密码"
            "（外出笔记本上的用户：在办公室电脑上设置后再准备或同步笔记本）。"
        )
    failures, wait_until = attempts.throttle(user_id)
    if wait_until:
        left = math.ceil((_parse(wait_until) - moment).total_seconds())
        if left > 0:  # not even checked: guessing gains nothing by trying meanwhile
            return LoginError(
                f"密码已连续输错 {failures} 次，请等 {wait_text(left)}后再试。",
                wait_seconds=left,
            )
    if not verify_password(str(row["password_hash"]), password):
        failures += 1
        wait = wait_after(failures)
        until = _stamp(moment + timedelta(seconds=wait)) if wait else None
        attempts.failed(user_id, failures, moment, until)
        attempts.record(user_id, "failed")
        if wait:
            return LoginError(
                f"密码不对。已连续输错 {failures} 次，请等 {wait_text(wait)}后再试；"
                "忘记密码请找主任重新设置。",
                wait_seconds=wait,
            )
        left = FREE_FAILURES - failures
        return LoginError(
            "密码不对，请重新输入（注意大小写和输入法）。"
            + (f"再输错 {left} 次后要等一会儿才能再试。" if left <= 2 else "")
        )
    attempts.succeeded(user_id)
    attempts.record(user_id, event)
    return Actor(user_id, str(row["role"]), rows.device_id(conn), name, row["mediator_id"])


def login(db: Database, user_id: str, password: str, *, now: datetime | None = None) -> Actor:
    """Check the password; returns the logged-in actor or raises LoginError. Wrong passwords
    slow further attempts of this user on this installation (FREE_FAILURES free, then a
    doubling wait); a right one clears that."""
    return _check_password(db, user_id, password, now=now, event="login")


def unlock(db: Database, actor: Actor, password: str, *, now: datetime | None = None) -> Actor:
    """The locked screen's password: the same user only, counted like a login. Returns the
    actor as it is now (a role changed meanwhile counts)."""
    return _check_password(db, actor.user_id, password, now=now, event="unlock")


def record_lock(db: Database, actor: Actor) -> None:
    _record_event(db, actor.user_id, "lock")


def record_logout(db: Database, actor: Actor) -> None:
    _record_event(db, actor.user_id, "logout")


def _record_event(db: Database, user_id: str, event: str) -> None:
    """A lock or logout: in the file, or (a file that cannot be written) in the log."""
    if db.write_refusal() is not None:
        _MemoryAttempts(str(db.path)).record(user_id, event)
        return
    with db.transaction() as conn:
        _record(conn, user_id, event)


@dataclass(frozen=True)
class LoginEvent:
    at: str
    user_id: str
    name: str
    event: str


EVENT_LABELS: Final[dict[str, str]] = {
    "login": "登录",
    "failed": "密码错误",
    "refused": "拒绝登录",
    "lock": "锁定",
    "unlock": "解锁",
    "logout": "退出登录",
}


def login_events(db: Database, *, limit: int = 500) -> list[LoginEvent]:
    """This installation's logins, newest first."""
    return [
        LoginEvent(r[0], r[1], r[2] or "", r[3])
        for r in db.query(
            "SELECT e.at, e.user_id, u.name, e.event FROM login_events e "
            "LEFT JOIN users u ON u.id = e.user_id ORDER BY e.id DESC LIMIT ?",
            (limit,),
        )
    ]


def acting_as(db: Database, user_id: str) -> Actor:
    """The actor of a user without a password: for the program's own jobs (demo data, the
    benchmark's generator, tests) and right after set-up. The UI gets actors from login()."""
    row = db.one("SELECT name, role, mediator_id FROM users WHERE id = ?", (user_id,))
    if row is None:
        raise LookupError(f"no user {user_id}")
    return Actor(user_id, str(row[1]), rows.device_id(db.conn), str(row[0]), row[2])


# --------------------------------------------------------------------------------------
# The idle lock (an office-wide setting: it travels to the laptops)


def lock_minutes(db: Database) -> int:
    """Minutes without input before the window locks; 0 = never."""
    value = db.scalar("SELECT value FROM settings WHERE key = ?", (LOCK_SETTING,))
    if value is None:
        return DEFAULT_LOCK_MINUTES
    try:
        return max(0, min(int(value), MAX_LOCK_MINUTES))
    except ValueError:
        return DEFAULT_LOCK_MINUTES


def set_lock_minutes(db: Database, minutes: int, *, by: Actor) -> None:
    if not 0 <= minutes <= MAX_LOCK_MINUTES:
        raise ValidationError(
            LOCK_FIELD, f"锁定时间要在 0 到 {MAX_LOCK_MINUTES} 分钟之间（0 表示不自动锁定）。"
        )
    with db.transaction() as conn:
        authorize(conn, by, "office")
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (LOCK_SETTING, str(minutes)),
        )
