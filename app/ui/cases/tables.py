"""The read-only table model of the case window and its column sets (parties, sessions,
history).

A case has tens of rows at most, so each model holds its records in a list. Columns are
``COL_*`` constants; ``SortRole`` gives native values, ``RowRole`` the record itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app.models.casefile import Event
from app.models.identity import mask_id_number
from app.models.parties import CaseParty
from app.models.reference import SESSION_KINDS
from app.qt.core import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    sort: Callable[[Any], object] | None = None


class RecordTableModel(QAbstractTableModel):
    SortRole = SORT_ROLE
    RowRole = ROW_ROLE

    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(record)
        if role == SORT_ROLE:
            return column.sort(record) if column.sort else column.text(record)
        if role == ROW_ROLE:
            return record
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section].title if 0 <= section < len(self._columns) else None
        return str(section + 1)


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
PARTY_COLUMNS = [
    Column("身份", lambda p: p.role_label, lambda p: p.position),
    Column("姓名/名称", lambda p: p.name),
    Column("性别", lambda p: p.sex),
    Column("年龄", age_text, lambda p: p.birth_date.isoformat() if p.birth_date else ""),
    Column("证件号码", id_text),
    Column("联系电话", lambda p: p.phone),
    Column("住址", lambda p: p.address),
]


# --------------------------------------------------------------------------- sessions


SESSION_COL_TIME, SESSION_COL_KIND, SESSION_COL_PLACE, SESSION_COL_SUBJECT = 0, 1, 2, 3
SESSION_COL_STAFF = 4
SESSION_COLUMNS = [
    Column("时间", lambda s: s.held_at),
    Column("类别", lambda s: SESSION_KINDS.get(s.kind, s.kind)),
    Column("地点", lambda s: s.place),
    Column("事由/被调查人", lambda s: s.subject),
    Column("调解员/调查人", lambda s: s.staff),
]


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


def event_columns(describe: Callable[[Event], str]) -> list[Column]:
    """``describe`` is ``CaseFile.describe`` of the case shown (it knows mediators' names)."""
    return [
        Column("时间", lambda e: local_time(e.at), lambda e: e.at),
        Column("操作人", lambda e: e.by_name),
        Column("操作", lambda e: e.label),
        Column("内容", describe),
    ]
