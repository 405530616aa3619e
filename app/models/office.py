"""The office itself: first-run set-up, its committee, villages, mediators and users.

The full registries (grids, 法律明白人, households …) come with the outreach work; this
module holds what the case life cycle needs.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields

from app.models import accounts, rows
from app.models.accounts import SYSTEM_USER as SYSTEM_USER  # the program's own work
from app.models.accounts import Actor
from app.models.db import Database, utc_now
from app.models.errors import ValidationError
from app.models.identity import IdentityError, check_phone


@dataclass(frozen=True)
class Committee:
    id: str
    name: str
    level: str
    abbr: str
    number_pattern: str
    seq_width: int
    time_limit_days: int
    seal_text: str = ""


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str
    parent_id: str | None


@dataclass(frozen=True)
class Mediator:
    id: str
    name: str
    committee_id: str | None
    phone: str
    full_time: bool
    specialities: str


@dataclass(frozen=True)
class User:
    id: str
    name: str
    role: str


def get_setting(db: Database, key: str) -> str | None:
    value = db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
    return None if value is None else str(value)


def set_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def is_set_up(db: Database) -> bool:
    return get_setting(db, "main_committee_id") is not None


_ABBR_RE = re.compile(r"^[\u3400-\u9fff\U00020000-\U0003134FA-Za-z0-9]{1,12}$")

# Field names of the set-up's ValidationErrors (the set-up dialog labels its rows by them).
COMMITTEE_NAME_FIELD = "调委会名称"
ABBR_FIELD = "编号简称"
TOWN_FIELD = "乡镇（街道）名称"
VILLAGES_FIELD = "村（社区）"
USER_FIELD = "使用人姓名"
TIME_LIMIT_FIELD = "调解期限"
MEDIATOR_LABEL = "调解员"  # a mediator's row: "调解员2·姓名", "调解员2·联系电话"
MEDIATOR_NAME_MAX = 30  # as the registries' names (registries.common.NAME_MAX)
PLACE_NAME_MAX = 30  # villages, the town, people: as 村居档案 (registries.common.NAME_MAX)
COMMITTEE_NAME_MAX = 40  # as 村居档案's committees (registries.places.COMMITTEES)


@dataclass(frozen=True)
class NewMediator:
    """A mediator entered at set-up (the full record is kept in 村居档案 → 调解员)."""

    name: str
    phone: str = ""
    full_time: bool = False


def mediator_field(row: int, what: str) -> str:
    """The field name of one mediator row's input: ``mediator_field(2, "姓名")``."""
    return f"{MEDIATOR_LABEL}{row}·{what}"


def check_committee(
    *,
    committee_name: str,
    abbr: str,
    town_name: str,
    user_name: str | None,
    time_limit_days: int,
) -> None:
    """The set-up's first steps: the committee, its case-number abbreviation, the town and
    the person setting up (None: not asked yet). Raises ValidationError naming the field."""
    if not committee_name.strip():
        raise ValidationError(
            COMMITTEE_NAME_FIELD, "请填写调委会名称，例如“某某镇人民调解委员会”。"
        )
    abbr = abbr.strip()
    if not abbr:
        raise ValidationError(ABBR_FIELD, "请填写案件编号中用的简称，例如“某镇”。")
    if not _ABBR_RE.match(abbr):
        raise ValidationError(
            ABBR_FIELD, "编号简称只能是 1 到 12 个汉字、字母或数字，不能有空格和符号。"
        )
    if not town_name.strip():
        raise ValidationError(TOWN_FIELD, "请填写乡镇或街道名称。")
    if user_name is not None and not user_name.strip():
        raise ValidationError(USER_FIELD, "请填写您的姓名，每一次修改都会记下是谁做的。")
    # the limits 村居档案 holds them to later, so an edit there never fails on set-up's input
    for field, value, limit in (
        (COMMITTEE_NAME_FIELD, committee_name, COMMITTEE_NAME_MAX),
        (TOWN_FIELD, town_name, PLACE_NAME_MAX),
        (USER_FIELD, user_name or "", PLACE_NAME_MAX),
    ):
        length = len(" ".join(value.split()))
        if length > limit:
            raise ValidationError(
                field, f"{field}太长了（现在 {length} 个字，最多 {limit} 个字），请删减。"
            )
    if not 1 <= time_limit_days <= 365:
        raise ValidationError(TIME_LIMIT_FIELD, "调解期限应在 1 到 365 天之间（一般为 30 天）。")


def clean_villages(villages: Sequence[str]) -> list[str]:
    """The town's villages and communities as typed, one a line: stripped, at least one,
    none twice."""
    # squeezed as 村居档案 squeezes them, so "河东  社区" and "河东 社区" are one village
    names = [" ".join(v.split()) for v in villages if v.strip()]
    if not names:
        raise ValidationError(VILLAGES_FIELD, "请至少填写一个村或社区的名称。")
    if too_long := next((n for n in names if len(n) > PLACE_NAME_MAX), None):
        shown = f"{too_long[:12]}…"
        raise ValidationError(
            VILLAGES_FIELD,
            f"“{shown}”太长了（{len(too_long)} 个字，最多 {PLACE_NAME_MAX} 个字），请删减。",
        )
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ValidationError(VILLAGES_FIELD, f"村（社区）“{dup}”重复填写了，请删去一个。")
    return names


def clean_new_mediators(mediators: Sequence[NewMediator]) -> list[NewMediator]:
    """The mediators of the set-up, checked and normalised. A row with neither name nor
    phone is left out (an empty row of the form); rows are numbered from 1 as shown."""
    clean: list[NewMediator] = []
    seen: dict[str, int] = {}
    for row, m in enumerate(mediators, start=1):
        name = " ".join(m.name.split())
        if not name and not m.phone.strip():
            continue
        if not name:
            raise ValidationError(
                mediator_field(row, "姓名"), "请填写这名调解员的姓名，不要的一行可以删去。"
            )
        if len(name) > MEDIATOR_NAME_MAX:
            raise ValidationError(
                mediator_field(row, "姓名"),
                f"姓名太长了（现在 {len(name)} 个字，最多 {MEDIATOR_NAME_MAX} 个字），请删减。",
            )
        if name in seen:
            raise ValidationError(
                mediator_field(row, "姓名"),
                f"“{name}”已经填在第 {seen[name]} 行了。如果是同名的另一个人，"
                f"请在姓名后加注以示区别，例如“{name}（东组）”。",
            )
        seen[name] = row
        try:
            phone = check_phone(m.phone, field=PHONE_FIELD)  # the message names 联系电话
        except IdentityError as exc:
            raise ValidationError(mediator_field(row, PHONE_FIELD), exc.message) from exc
        clean.append(NewMediator(name=name, phone=phone, full_time=m.full_time))
    return clean


def setup_office(
    db: Database,
    *,
    committee_name: str,
    abbr: str,
    town_name: str,
    villages: Sequence[str],
    user_name: str,
    password: str,
    password_repeat: str | None = None,
    time_limit_days: int = 30,
    mediators: Sequence[NewMediator] = (),
    details: OfficeDetails | None = None,
) -> str:
    """First run: the town, its villages, the township committee, the first user (the
    主任, with the password they log in with) and, when given, the committee's mediators
    and its printed details (单位信息).

    One transaction: all of it or nothing. Returns the committee id. Raises
    ValidationError naming the field.
    """
    check_committee(
        committee_name=committee_name,
        abbr=abbr,
        town_name=town_name,
        user_name=user_name,
        time_limit_days=time_limit_days,
    )
    accounts.check_new_password(password, password_repeat, name=user_name.strip())
    committee_name = committee_name.strip()
    names = clean_villages(villages)
    people = clean_new_mediators(mediators)
    printed = clean_office_details(details or OfficeDetails())
    if is_set_up(db):
        raise ValidationError(COMMITTEE_NAME_FIELD, "本数据库已经设置过调委会，不能重复设置。")
    with db.transaction() as conn:
        user_id = accounts.insert_director(conn, user_name.strip(), password)
        town_id = _insert_places(conn, town_name.strip(), names, by=user_id)
        committee_id = rows.insert(
            conn,
            "committees",
            {
                "name": committee_name,
                "level": "town",
                "parent_id": None,
                "place_id": town_id,
                "abbr": abbr.strip(),
                "time_limit_days": time_limit_days,
                "seal_text": printed.seal_text or committee_name,
            },
            by=user_id,
        )
        _insert_mediators(
            conn, people, committee_id, director_name=user_name.strip(), director_id=user_id
        )
        _store_details(conn, printed)
        set_setting(conn, "main_committee_id", committee_id)
        set_setting(conn, "default_user_id", user_id)
        set_setting(conn, "set_up_at", utc_now())
    return committee_id


def _insert_places(conn: sqlite3.Connection, town: str, villages: list[str], *, by: str) -> str:
    """The town and its villages (a name ending in 社区 or 居委会 is a community); returns
    the town's id."""
    town_id = rows.insert(conn, "places", {"name": town, "kind": "town", "parent_id": None}, by=by)
    for name in villages:
        kind = "community" if name.endswith(("社区", "居委会")) else "village"
        rows.insert(conn, "places", {"name": name, "kind": kind, "parent_id": town_id}, by=by)
    return town_id


def _insert_mediators(
    conn: sqlite3.Connection,
    people: Sequence[NewMediator],
    committee_id: str,
    *,
    director_name: str,
    director_id: str,
) -> None:
    """The committee's first mediators (written by the 主任); the 主任 among them mediates
    too, so the 主任's account is linked to their mediator record (their cases are theirs)."""
    for m in people:
        mediator_id = rows.insert(
            conn,
            "mediators",
            {
                "name": m.name,
                "committee_id": committee_id,
                "phone": m.phone,
                "full_time": int(m.full_time),
                "specialities": "",
            },
            by=director_id,
        )
        if m.name == director_name:
            rows.update(conn, "users", director_id, {"mediator_id": mediator_id}, by=director_id)


def main_committee(db: Database) -> Committee:
    committee_id = get_setting(db, "main_committee_id")
    if committee_id is None:
        raise LookupError("office is not set up")
    return get_committee(db, committee_id)


def get_committee(db: Database, committee_id: str) -> Committee:
    r = db.one(
        "SELECT id, name, level, abbr, number_pattern, seq_width, time_limit_days, seal_text "
        "FROM committees WHERE id = ?",
        (committee_id,),
    )
    if r is None:
        raise LookupError(committee_id)
    return Committee(
        r["id"],
        r["name"],
        r["level"],
        r["abbr"],
        r["number_pattern"],
        r["seq_width"],
        r["time_limit_days"],
        r["seal_text"],
    )


def current_user(db: Database) -> User:
    user_id = get_setting(db, "default_user_id")
    r = db.one("SELECT id, name, role FROM users WHERE id = ?", (user_id,))
    if r is None:
        raise LookupError("no default user")
    return User(r["id"], r["name"], r["role"])


def get_user(db: Database, user_id: str) -> User | None:
    r = db.one("SELECT id, name, role FROM users WHERE id = ?", (user_id,))
    return None if r is None else User(r["id"], r["name"], r["role"])


def villages(db: Database, *, include_retired: bool = False) -> list[Place]:
    sql = (
        "SELECT id, name, kind, parent_id FROM places WHERE kind IN ('village','community')"
        + ("" if include_retired else " AND retired = 0")
        + " ORDER BY created_at, rowid"  # the office's order: as it entered them
    )
    return [Place(r["id"], r["name"], r["kind"], r["parent_id"]) for r in db.query(sql)]


def add_mediator(
    db: Database,
    *,
    by: Actor,
    name: str,
    committee_id: str | None,
    phone: str = "",
    full_time: bool = False,
    specialities: str = "",
) -> str:
    """A new mediator; the checks and the write live in app.models.registries."""
    from app.models.registries import MEDIATORS  # registries imports this module

    return MEDIATORS.add(
        db,
        by=by,
        name=name,
        committee_id=committee_id,
        phone=phone,
        full_time=full_time,
        specialities=specialities,
    )


def mediators(db: Database, *, include_retired: bool = False) -> list[Mediator]:
    sql = "SELECT id, name, committee_id, phone, full_time, specialities FROM mediators" + (
        "" if include_retired else " WHERE retired = 0"
    )
    return [
        Mediator(
            r["id"],
            r["name"],
            r["committee_id"],
            r["phone"],
            bool(r["full_time"]),
            r["specialities"],
        )
        for r in db.query(sql + " ORDER BY created_at, rowid")  # as the office entered them
    ]


# ---------------------------------------------------------------------------------------
# What the printed documents say about the office (单位信息)

RETENTION_CHOICES = ("永久", "30年", "10年", "长期", "短期")
_DETAIL_KEYS = {
    "address": "print.address",
    "phone": "print.phone",
    "court_name": "print.court_name",
    "retention": "print.retention",
}
SEAL_FIELD = "印章文字"
ADDRESS_FIELD = "地址"
PHONE_FIELD = "联系电话"
COURT_FIELD = "司法确认法院"


@dataclass(frozen=True)
class OfficeDetails:
    """Printed on the forms: the committee's seal text, address and phone, the court that
    confirms agreements (司法确认), and the 保管期限 on the case-file cover."""

    seal_text: str = ""
    address: str = ""
    phone: str = ""
    court_name: str = ""
    retention: str = ""


def town_name(db: Database) -> str:
    name = db.scalar("SELECT name FROM places WHERE kind = 'town' ORDER BY created_at LIMIT 1")
    return "" if name is None else str(name)


def office_details(db: Database) -> OfficeDetails:
    values = {field: get_setting(db, key) or "" for field, key in _DETAIL_KEYS.items()}
    seal = db.scalar(
        "SELECT seal_text FROM committees WHERE id = ?", (get_setting(db, "main_committee_id"),)
    )
    return OfficeDetails(seal_text="" if seal is None else str(seal), **values)


def _office_phone(text: str) -> str:
    try:
        return check_phone(text, field=PHONE_FIELD, service_numbers=True)
    except IdentityError as exc:
        raise ValidationError(exc.field, exc.message) from exc


def clean_office_details(details: OfficeDetails) -> OfficeDetails:
    """The office's details checked and normalised. Raises ValidationError naming the field."""
    seal = details.seal_text.strip()
    court = details.court_name.strip()
    if court and not court.endswith("法院"):
        raise ValidationError(
            COURT_FIELD, "请填写法院的全称，例如“某某县人民法院”（以“法院”结尾）。"
        )
    if len(seal) > 40:
        raise ValidationError(SEAL_FIELD, "印章文字太长了，请不要超过 40 个字。")
    return OfficeDetails(
        seal_text=seal,
        address=details.address.strip(),
        phone=_office_phone(details.phone),
        court_name=court,
        retention=details.retention.strip(),
    )


def _store_details(conn: sqlite3.Connection, details: OfficeDetails) -> None:
    for field, key in _DETAIL_KEYS.items():
        set_setting(conn, key, getattr(details, field))


DETAILS_WHAT = "单位信息"


def save_office_details(
    db: Database, details: OfficeDetails, *, loaded: OfficeDetails, by: Actor
) -> OfficeDetails:
    """Check and store the office's details; returns them as typed, normalised.

    ``loaded`` is what the form showed (office_details() when it opened): only the fields
    the user changed from it are stored, and nothing when any of them was changed by
    someone else meanwhile (StaleEditError). Raises ValidationError naming the field;
    nothing is stored then."""
    clean = clean_office_details(details)
    committee_id = get_setting(db, "main_committee_id")
    if committee_id is None:
        raise LookupError("office is not set up")
    changed = [
        f.name for f in fields(OfficeDetails) if getattr(details, f.name) != getattr(loaded, f.name)
    ]
    with db.transaction() as conn:
        accounts.authorize(conn, by, "office")
        if not changed:
            return clean
        now = office_details(db)
        moved = [
            f.name for f in fields(OfficeDetails) if getattr(now, f.name) != getattr(loaded, f.name)
        ]
        if moved:
            where = (
                ("committees", committee_id)
                if moved[0] == "seal_text"
                else ("settings", _DETAIL_KEYS[moved[0]])
            )
            rows.refuse_stale(conn, *where, by=by.user_id, what=DETAILS_WHAT)
        if "seal_text" in changed and clean.seal_text:
            rows.update(
                conn, "committees", committee_id, {"seal_text": clean.seal_text}, by=by.user_id
            )
        for name in changed:
            if name in _DETAIL_KEYS:
                set_setting(conn, _DETAIL_KEYS[name], getattr(clean, name))
    return clean


# ---------------------------------------------------------------------------------------
# 待受理 on the start page: how many days after registration a dispute still not accepted
# counts as late (marked). Office data: every PC of the office marks the same cases.

ACCEPT_LATE_DAYS_KEY = "worklist.accept_late_days"
ACCEPT_LATE_DAYS_DEFAULT = 3
ACCEPT_LATE_DAYS_RANGE = (1, 60)
ACCEPT_LATE_DAYS_FIELD = "待受理提醒"


def accept_late_days(db: Database) -> int:
    """Days a registered dispute may wait for 受理 before it is marked late (default 3)."""
    value = get_setting(db, ACCEPT_LATE_DAYS_KEY)
    try:
        days = int(value) if value is not None else ACCEPT_LATE_DAYS_DEFAULT
    except ValueError:
        return ACCEPT_LATE_DAYS_DEFAULT
    low, high = ACCEPT_LATE_DAYS_RANGE
    return days if low <= days <= high else ACCEPT_LATE_DAYS_DEFAULT


def set_accept_late_days(db: Database, days: int, *, loaded: int, by: Actor) -> None:
    """Store the 待受理提醒 days when they differ from ``loaded`` (what the form showed),
    unless someone changed them meanwhile (StaleEditError)."""
    low, high = ACCEPT_LATE_DAYS_RANGE
    if not low <= days <= high:
        raise ValidationError(
            ACCEPT_LATE_DAYS_FIELD,
            f"天数应在 {low} 到 {high} 天之间（一般为 3 天）。",
        )
    with db.transaction() as conn:
        accounts.authorize(conn, by, "office")
        if days == loaded:
            return
        if accept_late_days(db) != loaded:
            rows.refuse_stale(
                conn, "settings", ACCEPT_LATE_DAYS_KEY, by=by.user_id, what=ACCEPT_LATE_DAYS_FIELD
            )
        set_setting(conn, ACCEPT_LATE_DAYS_KEY, str(days))
