"""The fields of a registry declaration: one value a person enters, with everything that
follows from it.

A field is, at once, a column of the registry's table (``name``), a keyword of its add and
edit services, an attribute of its row class, an input of the 村居档案 form (``label``,
``input``, ``placeholder``), a column of the 村居档案 table (``column``: its header, None
when not shown) and a column of the registry's spreadsheet (``sheet``, None when not in
it). ``label`` is the form's label, the spreadsheet's header and the ``field`` of every
ValidationError the field raises, so an error lands beside its input or names its column.

Each type of field knows how its value is checked (``clean``), stored, shown in the table
and read from or written to a spreadsheet cell. References to a village, a grid or a
committee (``Ref``) are checked inside the service's transaction and bring their names to
the row (``village_name`` …) through the registry's query.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, replace
from datetime import date, datetime
from typing import Any, ClassVar, Final, Literal

from app.models.db import Database
from app.models.errors import ValidationError
from app.models.office import Place
from app.models.parsing.cells import Cell
from app.models.registries.cells import (
    Sheet,
    SheetColumn,
    cell_date,
    cell_text,
    cell_yes_no,
)
from app.models.registries.common import (
    COMMITTEE_FIELD,
    GRID_FIELD,
    LONG_TEXT_MAX,
    NAME_MAX,
    PHONE_FIELD,
    VILLAGE_FIELD,
    active_grid,
    active_village,
    clean_phone,
    clean_text,
    natural_key,
    village_order,
)

# How the form asks for a value (app/ui/registries/form.py makes the widget).
Input = Literal[
    "text", "multiline", "bool", "date", "members", "choice", "village", "grid", "committee"
]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Final = _Required()  # a field's default when the add service must be given it


@dataclass(frozen=True)
class Field:
    """A value typed as text (and the base of the other types)."""

    name: str
    label: str
    _: KW_ONLY
    column: str | None = None  # its header in the 村居档案 table
    placeholder: str = ""
    on_edit: bool = True  # False: given when adding only (a grid's village)
    sheet: Sheet | None = None
    stored_in: str = ""  # the table's column when it is not ``name`` (a grid's parent_id)

    widget: ClassVar[Input] = "text"
    own_column: ClassVar[bool] = True  # kept in the registry's table (members are not)
    excel_text: ClassVar[bool] = False  # kept as text in Excel (phones, house numbers)

    @property
    def input(self) -> Input:
        """How the form asks for it."""
        return self.widget

    @property
    def db_column(self) -> str:
        return self.stored_in or self.name

    @property
    def default(self) -> object:
        """What the add service takes when it is not given (REQUIRED: nothing)."""
        return ""

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def clean(self, value: Any) -> Any:
        """The value as kept (in the row's terms), or a ValidationError naming the field."""
        return value

    def stored(self, value: Any) -> object:
        """The cleaned value as the table stores it."""
        return value

    def loaded(self, value: Any) -> Any:
        """The stored value in the row's terms."""
        return value

    def shown(self, row: Any) -> str:
        """The field's text in the 村居档案 table."""
        value = getattr(row, self.name)
        return "" if value is None else str(value)

    def sorter(self) -> Callable[[Any], object] | None:
        """How the table sorts the column by a row (None: by its text)."""
        return None

    def from_text(self, text: str) -> Any:
        """What the form's line of text means (the members' line is parsed)."""
        return text

    def as_text(self, value: Any) -> str:
        return "" if value is None else str(value)

    def from_cell(self, value: Cell) -> Any:
        """A spreadsheet cell as the service's argument (ValidationError when wrong)."""
        return self.clean(cell_text(value))

    def to_cells(self, row: Any) -> tuple[object, ...]:
        """The row's value as the export writes it: a cell per sheet column."""
        return (getattr(row, self.name),)

    def sheet_columns(self) -> tuple[SheetColumn, ...]:
        if self.sheet is None:
            return ()
        choices = ("是", "否") if self.input == "bool" else ()
        text, is_date = self.excel_text, self.input == "date"
        return (SheetColumn(self.label, self.sheet, self.required, text, choices, is_date=is_date),)


@dataclass(frozen=True, kw_only=True)
class Text(Field):
    """Text of at most ``max_len`` characters, whitespace runs made one space; ``missing``
    is the message when it is left empty (then it is required)."""

    max_len: int = LONG_TEXT_MAX
    missing: str | None = None
    multiline: bool = False

    @property
    def input(self) -> Input:
        return "multiline" if self.multiline else "text"

    @property
    def default(self) -> object:
        return REQUIRED if self.missing is not None else ""

    def clean(self, value: Any) -> str:
        return clean_text(value, self.label, max_len=self.max_len, required=self.missing)


@dataclass(frozen=True)
class Phone(Field):
    """A phone number (identity.check_phone); may be empty."""

    excel_text: ClassVar[bool] = True

    def clean(self, value: Any) -> str:
        return clean_phone(value, self.label)


@dataclass(frozen=True, kw_only=True)
class Flag(Field):
    """Yes or no: a check box, 是/否 in the spreadsheet, ``yes``/``no`` in the table."""

    yes: str = "是"
    no: str = "否"
    widget: ClassVar[Input] = "bool"

    @property
    def default(self) -> object:
        return False

    def clean(self, value: Any) -> bool:
        return bool(value)

    def stored(self, value: Any) -> object:
        return int(bool(value))

    def loaded(self, value: Any) -> bool:
        return bool(value)

    def shown(self, row: Any) -> str:
        return self.yes if getattr(row, self.name) else self.no

    def from_cell(self, value: Cell) -> bool:
        return cell_yes_no(value, self.label)

    def to_cells(self, row: Any) -> tuple[object, ...]:
        return ("是" if getattr(row, self.name) else "否",)


@dataclass(frozen=True)
class Day(Field):
    """A date of this century."""

    widget: ClassVar[Input] = "date"

    @property
    def default(self) -> object:
        return REQUIRED

    def clean(self, value: Any) -> date:
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            raise ValidationError(self.label, f"请填写{self.label}，例如 2026-12-01。")
        if not 2000 <= value.year <= 2099:
            raise ValidationError(
                self.label, f"{self.label} {value:%Y-%m-%d} 的年份不对，请核对后重新填写。"
            )
        return value

    def stored(self, value: Any) -> object:
        return value.isoformat()

    def loaded(self, value: Any) -> date:
        return date.fromisoformat(value)

    def shown(self, row: Any) -> str:
        value: date = getattr(row, self.name)
        return value.isoformat()

    def from_cell(self, value: Cell) -> date:
        return self.clean(cell_date(value, self.label))


@dataclass(frozen=True, kw_only=True)
class Choice(Field):
    """One of ``choices`` (stored key → the label shown)."""

    choices: dict[str, str]
    missing: str  # the message when the value is none of them
    fallback: str  # what the add service takes when it is not given
    widget: ClassVar[Input] = "choice"

    @property
    def default(self) -> object:
        return self.fallback

    def clean(self, value: Any) -> str:
        if value not in self.choices:
            raise ValidationError(self.label, self.missing)
        return str(value)

    def shown(self, row: Any) -> str:
        value = str(getattr(row, self.name))
        return self.choices.get(value, value)


# --------------------------------------------------------------------------- references

VILLAGE_SHEET = Sheet(
    width=14,
    hint="填写系统里已有的村（社区）名称，与“村（社区）”列表一致。",
    example="红旗村",
    aliases=("村", "社区", "村/社区", "村居", "所在村", "所属村", "村名"),
)
VILLAGE_COLUMN = SheetColumn(VILLAGE_FIELD, VILLAGE_SHEET, required=True, village_list=True)


@dataclass(frozen=True, kw_only=True)
class Ref(Field):
    """The id of a village, a grid or a committee. It must exist and be in use (checked in
    the service's transaction: ``resolve``); the row carries its name for the table."""

    nullable: bool = False  # None is allowed (a mediator of no committee yet)
    name_attr: ClassVar[str] = ""  # the row attribute holding the name shown

    @property
    def default(self) -> object:
        return None if self.nullable else REQUIRED

    def resolve(self, conn: sqlite3.Connection, value: str) -> Place:
        """The place (or committee) named by ``value``; ValidationError when it is not
        there or retired."""
        raise NotImplementedError

    def shown(self, row: Any) -> str:
        return str(getattr(row, self.name_attr))

    def to_cells(self, row: Any) -> tuple[object, ...]:
        return (getattr(row, self.name_attr),)

    def from_cell(self, value: Cell) -> Any:
        raise TypeError("the sheet import finds a place or committee by its name")

    # The registry's query (its table is ``t``): the join, the columns it brings, the
    # list's filters it allows (keyword → SQL with one ?), what leaves out the rows of a
    # retired place, and the order the rows take from the place.
    filters: ClassVar[dict[str, str]] = {}
    in_use_sql: ClassVar[str] = ""

    def join(self) -> str:
        raise NotImplementedError

    def selected(self) -> tuple[str, ...]:
        raise NotImplementedError

    def order(self, db: Database) -> Callable[[sqlite3.Row], tuple[object, ...]]:
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class VillageRef(Ref):
    widget: ClassVar[Input] = "village"
    name_attr: ClassVar[str] = "village_name"
    filters: ClassVar[dict[str, str]] = {"village_id": "v.id = ?"}
    in_use_sql: ClassVar[str] = "v.retired = 0"

    def resolve(self, conn: sqlite3.Connection, value: str) -> Place:
        return active_village(conn, value)

    def join(self) -> str:
        return f"JOIN places v ON v.id = t.{self.db_column}"

    def selected(self) -> tuple[str, ...]:
        return (f"t.{self.db_column} AS {self.name}", "v.name AS village_name")

    def order(self, db: Database) -> Callable[[sqlite3.Row], tuple[object, ...]]:
        villages = village_order(db.conn)
        return lambda r: (villages.get(r[self.name], 0),)

    def sheet_columns(self) -> tuple[SheetColumn, ...]:
        return (VILLAGE_COLUMN,) if self.sheet is not None else ()


@dataclass(frozen=True, kw_only=True)
class GridRef(Ref):
    """A grid; in the spreadsheet two columns, its village's name and its own."""

    widget: ClassVar[Input] = "grid"
    name_attr: ClassVar[str] = "grid_name"
    filters: ClassVar[dict[str, str]] = {"village_id": "v.id = ?", "grid_id": "g.id = ?"}
    in_use_sql: ClassVar[str] = "v.retired = 0 AND g.retired = 0"

    def resolve(self, conn: sqlite3.Connection, value: str) -> Place:
        grid, _village = active_grid(conn, value)
        return grid

    def join(self) -> str:
        return f"JOIN places g ON g.id = t.{self.db_column} JOIN places v ON v.id = g.parent_id"

    def order(self, db: Database) -> Callable[[sqlite3.Row], tuple[object, ...]]:
        villages = village_order(db.conn)
        return lambda r: (
            villages.get(r["village_id"], 0),
            natural_key(r["grid_name"]),
            r[self.name],
        )

    def selected(self) -> tuple[str, ...]:
        return (
            f"t.{self.db_column} AS {self.name}",
            "g.name AS grid_name",
            "v.id AS village_id",
            "v.name AS village_name",
        )

    def to_cells(self, row: Any) -> tuple[object, ...]:
        return (row.village_name, row.grid_name)

    def sheet_columns(self) -> tuple[SheetColumn, ...]:
        return (VILLAGE_COLUMN, *super().sheet_columns()) if self.sheet is not None else ()


@dataclass(frozen=True, kw_only=True)
class CommitteeRef(Ref):
    """A committee of the office."""

    committees: Callable[[Database], list[str]]  # their ids, in their order
    widget: ClassVar[Input] = "committee"
    name_attr: ClassVar[str] = "committee_name"
    filters: ClassVar[dict[str, str]] = {"committee_id": "t.committee_id = ?"}

    def resolve(self, conn: sqlite3.Connection, value: str) -> Place:
        c = conn.execute(
            "SELECT id, name, level, place_id, retired FROM committees WHERE id = ?", (value,)
        ).fetchone()
        if c is None:
            raise ValidationError(self.label, "请从列表中选择调解员所属的调委会。")
        if c["retired"]:
            raise ValidationError(self.label, f"“{c['name']}”已经停用，请选择其他调委会。")
        return Place(c["id"], c["name"], c["level"], c["place_id"])

    def join(self) -> str:
        return f"LEFT JOIN committees c ON c.id = t.{self.db_column}"

    def selected(self) -> tuple[str, ...]:
        return (f"t.{self.db_column} AS {self.name}", "coalesce(c.name, '') AS committee_name")

    def order(self, db: Database) -> Callable[[sqlite3.Row], tuple[object, ...]]:
        position = {c: i for i, c in enumerate(self.committees(db))}
        return lambda r: (position.get(r[self.name], len(position)),)

    def sheet_columns(self) -> tuple[SheetColumn, ...]:
        # required in the sheet: a mediator imported belongs to a committee
        return tuple(replace(c, required=True) for c in super().sheet_columns())


# --------------------------------------------------------------------------- the table view


@dataclass(frozen=True)
class Shown:
    """A column of the 村居档案 table: its header, its text and how it sorts (None: by the
    text). One that is no field (人数, 网格数 …) is declared where it stands among the
    fields."""

    column: str
    text: Callable[[Any], str]
    sort: Callable[[Any], object] | None = None


def person(name: str, label: str, **more: Any) -> Text:
    """A person's name: required, at most 30 characters (rare characters stay intact)."""
    return Text(name, label, max_len=NAME_MAX, missing=f"请填写{label}。", **more)


VILLAGE_NAME = Shown("村（社区）", lambda row: row.village_name)
GRID_SHEET = Sheet(
    width=14,
    hint="网格名称。系统里还没有的网格，导入时会在该村（社区）下新建。",
    example="第一网格",
    aliases=("网格名称", "所在网格", "所属网格"),
)
PHONE = Phone(
    "phone",
    PHONE_FIELD,
    column="联系电话",
    sheet=Sheet(
        width=16,
        hint="手机号 11 位，或“区号-号码”的固定电话，只填一个号码；可以不填。",
        example="13905710001",
        aliases=("电话", "手机", "手机号", "手机号码", "联系方式"),
    ),
)
GRID = GridRef("grid_id", GRID_FIELD, column="网格", sheet=GRID_SHEET)
VILLAGE = VillageRef("village_id", VILLAGE_FIELD, column="村（社区）", sheet=VILLAGE_SHEET)

__all__ = [
    "COMMITTEE_FIELD",
    "GRID",
    "PHONE",
    "REQUIRED",
    "VILLAGE",
    "VILLAGE_NAME",
    "Choice",
    "CommitteeRef",
    "Day",
    "Field",
    "Flag",
    "GridRef",
    "Phone",
    "Ref",
    "Sheet",
    "Shown",
    "Text",
    "VillageRef",
    "person",
]
