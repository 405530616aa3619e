"""The case window's column sets (parties, sessions, history) over the table base
(app/ui/table_model.py).

A case has tens of rows at most, so each model is a ``ListTableModel``. Columns are
``COL_*`` constants; ``SortRole`` gives native values, ``RowRole`` the record itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from app.models.casefile import Event, SessionRecord
from app.models.identity import mask_id_number
from app.models.parties import CaseParty
from app.models.reference import SESSION_KINDS
from app.ui import table_model
from app.ui.table_model import numbered

# --------------------------------------------------------------------------- parties


def age_text(p: CaseParty, today: date | None = None) -> str:
    age = p.age_on(today or date.today())
    return "" if age is None else f"{age}岁"


def id_text(p: CaseParty) -> str:
    """Lists show ID numbers masked (DOMAIN: privacy); the detail pane shows them whole."""
    if p.kind == "org":
        return p.org_code
    return mask_id_number(p.id_number) if p.id_number else ""


PARTY_COL_ROLE, PARTY_COL_NAME, PARTY_COL_SEX, PARTY_COL_AGE = 0, 1, 2, 3
PARTY_COL_ID, PARTY_COL_PHONE, PARTY_COL_ADDRESS = 4, 5, 6
PARTY_COLUMNS: list[table_model.Column[CaseParty]] = numbered(
    {
        PARTY_COL_ROLE: table_model.Column("身份", lambda p: p.role_label, lambda p: p.position),
        PARTY_COL_NAME: table_model.Column("姓名/名称", lambda p: p.name),
        PARTY_COL_SEX: table_model.Column("性别", lambda p: p.sex),
        PARTY_COL_AGE: table_model.Column(
            "年龄", age_text, lambda p: p.birth_date.isoformat() if p.birth_date else ""
        ),
        PARTY_COL_ID: table_model.Column("证件号码", id_text),
        PARTY_COL_PHONE: table_model.Column("联系电话", lambda p: p.phone),
        PARTY_COL_ADDRESS: table_model.Column("住址", lambda p: p.address),
    }
)


# --------------------------------------------------------------------------- sessions


SESSION_COL_TIME, SESSION_COL_KIND, SESSION_COL_PLACE, SESSION_COL_SUBJECT = 0, 1, 2, 3
SESSION_COL_STAFF = 4
SESSION_COLUMNS: list[table_model.Column[SessionRecord]] = numbered(
    {
        SESSION_COL_TIME: table_model.Column("时间", lambda s: s.held_at),
        SESSION_COL_KIND: table_model.Column("类别", lambda s: SESSION_KINDS.get(s.kind, s.kind)),
        SESSION_COL_PLACE: table_model.Column("地点", lambda s: s.place),
        SESSION_COL_SUBJECT: table_model.Column("事由/被调查人", lambda s: s.subject),
        SESSION_COL_STAFF: table_model.Column("调解员/调查人", lambda s: s.staff),
    }
)


# --------------------------------------------------------------------------- history


def local_time(utc_iso: str) -> str:
    """A stored UTC moment as the office's wall-clock time, to the minute."""
    try:
        moment = datetime.fromisoformat(utc_iso.replace("Z", "+00:00"))
    except ValueError:
        return utc_iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


EVENT_COL_TIME, EVENT_COL_USER, EVENT_COL_ACTION, EVENT_COL_DETAIL = 0, 1, 2, 3


def event_columns(describe: Callable[[Event], str]) -> list[table_model.Column[Event]]:
    """``describe`` is ``CaseFile.describe`` of the case shown (it knows mediators' names)."""
    return numbered(
        {
            EVENT_COL_TIME: table_model.Column("时间", lambda e: local_time(e.at), lambda e: e.at),
            EVENT_COL_USER: table_model.Column("操作人", lambda e: e.by_name),
            EVENT_COL_ACTION: table_model.Column("操作", lambda e: e.label),
            EVENT_COL_DETAIL: table_model.Column("内容", describe),
        }
    )
