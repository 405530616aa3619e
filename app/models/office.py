"""The office itself: first-run set-up, its committee, villages, mediators and users.

The full registries (grids, 法律明白人, households …) come with the outreach work; this
module holds what the case life cycle needs.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from app.models import rows
from app.models.db import Database, utc_now
from app.models.errors import ValidationError
from app.models.identity import IdentityError, check_phone

SYSTEM_USER = "system"


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


def setup_office(
    db: Database,
    *,
    committee_name: str,
    abbr: str,
    town_name: str,
    villages: list[str],
    user_name: str,
    time_limit_days: int = 30,
) -> str:
    """First run: the town, its villages, the township committee and the first user.

    Returns the committee id. Raises ValidationError naming the field.
    """
    committee_name = committee_name.strip()
    abbr = abbr.strip()
    town_name = town_name.strip()
    user_name = user_name.strip()
    names = [v.strip() for v in villages if v.strip()]
    if not committee_name:
        raise ValidationError("调委会名称", "请填写调委会名称，例如“某某镇人民调解委员会”。")
    if not abbr:
        raise ValidationError("编号简称", "请填写案件编号中用的简称，例如“某镇”。")
    if not _ABBR_RE.match(abbr):
        raise ValidationError(
            "编号简称", "编号简称只能是 1 到 12 个汉字、字母或数字，不能有空格和符号。"
        )
    if not town_name:
        raise ValidationError("乡镇（街道）名称", "请填写乡镇或街道名称。")
    if not names:
        raise ValidationError("村（社区）", "请至少填写一个村或社区的名称。")
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ValidationError("村（社区）", f"村（社区）“{dup}”重复填写了，请删去一个。")
    if not user_name:
        raise ValidationError("使用人姓名", "请填写您的姓名，每一次修改都会记下是谁做的。")
    if not 1 <= time_limit_days <= 365:
        raise ValidationError("调解期限", "调解期限应在 1 到 365 天之间（一般为 30 天）。")
    if is_set_up(db):
        raise ValidationError("调委会名称", "本数据库已经设置过调委会，不能重复设置。")
    with db.transaction() as conn:
        by = SYSTEM_USER
        user_id = rows.insert(conn, "users", {"name": user_name, "role": "director"}, by=by)
        town_id = rows.insert(
            conn, "places", {"name": town_name, "kind": "town", "parent_id": None}, by=user_id
        )
        for name in names:
            kind = "community" if name.endswith(("社区", "居委会")) else "village"
            rows.insert(
                conn, "places", {"name": name, "kind": kind, "parent_id": town_id}, by=user_id
            )
        committee_id = rows.insert(
            conn,
            "committees",
            {
                "name": committee_name,
                "level": "town",
                "parent_id": None,
                "place_id": town_id,
                "abbr": abbr,
                "time_limit_days": time_limit_days,
                "seal_text": committee_name,
            },
            by=user_id,
        )
        set_setting(conn, "main_committee_id", committee_id)
        set_setting(conn, "default_user_id", user_id)
        set_setting(conn, "set_up_at", utc_now())
    return committee_id


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
        + " ORDER BY name"
    )
    return [Place(r["id"], r["name"], r["kind"], r["parent_id"]) for r in db.query(sql)]


def add_mediator(
    db: Database,
    *,
    by: str,
    name: str,
    committee_id: str | None,
    phone: str = "",
    full_time: bool = False,
    specialities: str = "",
) -> str:
    """A new mediator; the checks and the write live in app.models.registries."""
    from app.models.registries import add_mediator as add  # registries imports this module

    return add(
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
        for r in db.query(sql + " ORDER BY full_time DESC, name")
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
        return check_phone(text, field="联系电话", service_numbers=True)
    except IdentityError as exc:
        raise ValidationError(exc.field, exc.message) from exc


def save_office_details(db: Database, details: OfficeDetails, *, by: str) -> OfficeDetails:
    """Check and store the office's details; returns them as stored (normalised).

    Raises ValidationError naming the field; nothing is stored then."""
    seal = details.seal_text.strip()
    court = details.court_name.strip()
    if court and not court.endswith("法院"):
        raise ValidationError(
            "司法确认法院", "请填写法院的全称，例如“某某县人民法院”（以“法院”结尾）。"
        )
    if len(seal) > 40:
        raise ValidationError("印章文字", "印章文字太长了，请不要超过 40 个字。")
    clean = OfficeDetails(
        seal_text=seal,
        address=details.address.strip(),
        phone=_office_phone(details.phone),
        court_name=court,
        retention=details.retention.strip(),
    )
    committee_id = get_setting(db, "main_committee_id")
    if committee_id is None:
        raise LookupError("office is not set up")
    with db.transaction() as conn:
        if clean.seal_text:
            rows.update(conn, "committees", committee_id, {"seal_text": clean.seal_text}, by=by)
        for field, key in _DETAIL_KEYS.items():
            set_setting(conn, key, getattr(clean, field))
    return clean
