"""One declaration per registry: :class:`RegistryKind`.

A kind names its table, its row class and its fields (app/models/registries/fields.py), the
natural key that must be unique among the rows in use, what refers to its rows, and the
words its messages use. From that one declaration come

- the services every registry shares: ``list``, ``get``, ``add``, ``edit``, ``retire``
  (停用), ``reinstate`` (恢复启用), ``delete`` (only for a row entered by mistake);
- the 村居档案 form and table (app/ui/registries reads ``fields`` and ``columns``);
- the spreadsheet template, export and import (``sheet_spec``; app/models/registries/
  sheets.py).

Every service validates, writes in one transaction, stamps the row with its user (``by``)
and raises a typed error from app.models.errors whose ``message`` is plain Chinese;
``ValidationError.field`` is the label of the field. A registry with more to it (the
households' members, the committees' rules) is a subclass overriding the hooks named
``_something``.
"""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from functools import cached_property
from typing import Any, Generic, Literal, Protocol, TypeVar

from app.models import accounts, rows
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.models.registries.cells import SheetSpec
from app.models.registries.common import delete_row, save_edit, set_retired
from app.models.registries.fields import REQUIRED, Field, Ref, Shown

Scope = Literal["village", "grid", "committee", "none"]  # the 村居档案 page's filter
SqlRow = sqlite3.Row


class RegistryRow(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def retired(self) -> bool: ...
    @property
    def stamp(self) -> str: ...


R = TypeVar("R", bound=RegistryRow)


@dataclass(frozen=True)
class Unique:
    """The natural key: no two rows in use with the same ``fields``. ``message`` says so
    (str.format with the cleaned values, ``parent``: the name of the row's village, grid or
    committee, and ``other``: the row in the way); it names the last field of the key."""

    fields: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Edit:
    """A 修改 as its service got it: the fields as the form showed them (``loaded``) and as
    it sends them (``typed``), the typed values checked (``values``), the row's edit stamp
    as the form read it, and who."""

    loaded: Mapping[str, Any]
    typed: Mapping[str, Any]
    values: Mapping[str, Any]
    stamp: str
    by: Actor


def _retired_text(row: Any) -> str:
    return "已停用" if row.retired else ""


STATUS = Shown("状态", _retired_text)


@dataclass(frozen=True, eq=False)
class RegistryKind(Generic[R]):
    key: str  # what names the registry in code, and its 村居档案 page
    table: str
    row: type[R]
    title: str  # the 村居档案 tab: 法律明白人
    noun: str  # in the 新增/修改/停用/删除 titles: 法律明白人
    this: str  # in a message about a row gone: 这名法律明白人
    named: str  # one row, in messages (str.format with the row's attributes): 调解员“{name}”
    permission: str  # what a user's role must allow to change it (app/models/accounts.py)
    scope: Scope
    # The form's inputs in order, with the table's other columns (Shown) where they stand.
    fields: tuple[Field | Shown, ...]
    order: Callable[[SqlRow], tuple[object, ...]]  # after the place's order, before the id
    unique: Unique | None = None
    references: tuple[tuple[str, str], ...] = ()  # (SQL counting rows that use one, "件案件")
    sheet: str | None = None  # the spreadsheet's title; None: no spreadsheet
    hint: str = ""  # above the table and the form
    status: Shown = STATUS
    where: str = ""  # what else picks its rows out of the table (" AND t.kind = 'grid'")
    selects: tuple[str, ...] = ()  # more of the row's attributes, as SQL ("t.level")
    edit_what: str = "{named}的登记"  # the row in the message of a stale edit

    def __post_init__(self) -> None:
        attributes = {f.name for f in dataclass_fields(self.row)}  # type: ignore[arg-type]
        for f in self.inputs:
            if f.name not in attributes:
                raise TypeError(f"{self.row.__name__} has no attribute for the field {f.name}")
            if f.on_edit and f.db_column != f.name:
                raise TypeError(f"{self.key}: an edited field is its column ({f.name})")

    # ---- the declaration, read

    @cached_property
    def inputs(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if isinstance(f, Field))

    @cached_property
    def editable(self) -> tuple[Field, ...]:
        return tuple(f for f in self.inputs if f.on_edit)

    @cached_property
    def refs(self) -> tuple[Ref, ...]:
        return tuple(f for f in self.inputs if isinstance(f, Ref))

    def field(self, name: str) -> Field:
        return next(f for f in self.inputs if f.name == name)

    @cached_property
    def columns(self) -> tuple[Shown, ...]:
        """The 村居档案 table's columns, the status last."""
        out = []
        for f in self.fields:
            if isinstance(f, Shown):
                out.append(f)
            elif f.column is not None:
                out.append(Shown(f.column, f.shown, f.sorter()))
        return (*out, self.status)

    @property
    def column_labels(self) -> dict[str, str]:
        """The table's columns that are fields, as the form names them."""
        return {f.db_column: f.label for f in self.inputs if f.own_column}

    @property
    def sheet_spec(self) -> SheetSpec:
        assert self.sheet is not None, f"{self.key} has no spreadsheet"
        return SheetSpec(self.sheet, tuple(c for f in self.inputs for c in f.sheet_columns()))

    def values_of(self, row: R) -> dict[str, Any]:
        """The row's fields as its form shows them (the services' keywords)."""
        return {f.name: getattr(row, f.name) for f in self.inputs}

    def label_of(self, row: R) -> str:
        """The row in the 停用/删除 questions."""
        return str(getattr(row, "name", "") or getattr(row, "head_name", ""))

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.inputs}

    def _named(self, row: R) -> str:
        return self.named.format_map(_attributes(row))

    # ---- reading

    def _select(self) -> str:
        columns = [
            "t.id",
            "t.retired",
            "t.created_at",
            "t.rowid AS row_seq",
            f"{self._stamp_sql()} AS stamp",
            *self.selects,
        ]
        for f in self.inputs:
            if isinstance(f, Ref):
                columns += f.selected()
            elif f.own_column:
                columns.append(f"t.{f.db_column} AS {f.name}")
        return f"SELECT {', '.join(columns)} {self._from()}"

    def _from(self) -> str:
        """FROM the table (``t``) and its places, WHERE ready for `` AND …``."""
        joins = " ".join(ref.join() for ref in self.refs)
        return f"FROM {self.table} t {joins} WHERE 1 = 1{self.where}"

    def _stamp_sql(self) -> str:
        return rows.stamp_sql(self.table, "t")

    def _query(self, db: Database, where: str, params: Sequence[object]) -> builtins.list[R]:
        found = db.query(self._select() + where, list(params))
        found.sort(key=self._sort_key(db))
        more = self._more(db, found, where, params)
        return [self._row(r, more.get(r["id"], {})) for r in found]

    def _sort_key(self, db: Database) -> Callable[[SqlRow], tuple[object, ...]]:
        """By the row's place (its first reference's order), then ``order``, then id."""
        place = self.refs[0].order(db) if self.refs else (lambda r: ())
        return lambda r: (*place(r), *self.order(r), r["id"])

    def _more(
        self, db: Database, found: Sequence[SqlRow], where: str, params: Sequence[object]
    ) -> Mapping[str, Mapping[str, Any]]:
        """Attributes of the rows found that their query does not give (id → values)."""
        return {}

    def _row(self, r: SqlRow, more: Mapping[str, Any]) -> R:
        by_name = self._by_name
        values: dict[str, Any] = {}
        for name in self._attributes:
            if name in more:
                values[name] = more[name]
            elif name in by_name:
                values[name] = by_name[name].loaded(r[name])
            else:
                values[name] = bool(r[name]) if name == "retired" else r[name]
        return self.row(**values)

    @cached_property
    def _attributes(self) -> tuple[str, ...]:
        return tuple(f.name for f in dataclass_fields(self.row))  # type: ignore[arg-type]

    def list(
        self, db: Database, *, include_retired: bool = False, **scope: str | None
    ) -> builtins.list[R]:
        """The rows, by their place (the office's order of villages, grids in natural
        order), then as ``order`` says. Without ``include_retired`` the retired rows and the
        rows of a retired village or grid are left out. ``scope``: ``village_id``,
        ``grid_id`` or ``committee_id`` narrows the list (None: all)."""
        where, params = "", []
        filters = {k: sql for ref in self.refs for k, sql in ref.filters.items()}
        for name, value in scope.items():
            if name not in filters:
                raise TypeError(f"{self.key}.list() has no filter {name!r}")
            if value is not None:
                where += f" AND {filters[name]}"
                params.append(value)
        if not include_retired:
            where += " AND t.retired = 0"
            where += "".join(f" AND {ref.in_use_sql}" for ref in self.refs if ref.in_use_sql)
        return self._query(db, where, params)

    def get(self, db: Database, row_id: str) -> R:
        """One row as stored now (retired or not)."""
        found = self._query(db, " AND t.id = ?", [row_id])
        if not found:
            raise NotFoundError(f"{self.this}已被删除，请刷新后再试。")
        return found[0]

    # ---- writing

    def add(self, db: Database, *, by: Actor, **given: Any) -> str:
        """A new row from the fields' values (a field left out takes its default)."""
        values = self._clean(self._arguments(given, self.inputs, defaults=True))
        with db.transaction() as conn:
            accounts.authorize(conn, by, self.permission)
            values = self._checked(conn, values)
            columns = {f.db_column: f.stored(values[f.name]) for f in self.inputs if f.own_column}
            row_id = rows.insert(
                conn, self.table, {**columns, **self._more_columns(conn, values)}, by=by.user_id
            )
            self._written(conn, row_id, values, by=by.user_id)
            return row_id

    def edit(
        self,
        db: Database,
        row_id: str,
        *,
        by: Actor,
        loaded: Mapping[str, Any],
        stamp: str,
        **typed: Any,
    ) -> None:
        """Change a row: the fields the user changed from ``loaded`` (as the form showed
        them), unless the row changed since ``stamp`` was read (StaleEditError). ``typed``
        are all the fields the form edits."""
        typed = self._arguments(typed, self.editable, defaults=False)
        values = self._clean(typed)
        old = self.get(db, row_id)
        if self._unchanged(loaded, typed):
            return  # nothing typed: nothing to write, nothing to refuse
        with db.transaction() as conn:
            accounts.authorize(conn, by, self.permission)
            values = self._checked(conn, values, row=old)
            self._save(conn, old, Edit(loaded, typed, values, stamp, by))

    def _unchanged(self, loaded: Mapping[str, Any], typed: Mapping[str, Any]) -> bool:
        """True when a 修改 that changes nothing is not even checked (the households: their
        stamp covers the members, checked before anything is written)."""
        return False

    def _save(self, conn: sqlite3.Connection, row: R, edit: Edit) -> None:
        """Write what the user changed (registries.common.save_edit)."""
        columns = {f.name: f.stored(edit.values[f.name]) for f in self.editable if f.own_column}
        save_edit(
            conn, self.table, row.id, loaded=edit.loaded, typed=edit.typed, columns=columns,
            stamp=edit.stamp, by=edit.by.user_id, what=self._edit_what(row),
        )  # fmt: skip

    def retire(self, db: Database, row_id: str, *, by: Actor) -> None:
        """停用: off the lists, the choices and the printed kit; its records stay."""
        row = self.get(db, row_id)
        self._refuse(row, "停用")
        with db.transaction() as conn:
            accounts.authorize(conn, by, self.permission)
            self._retiring(conn, row)
            set_retired(conn, self.table, row_id, True, by=by.user_id, what=self.this)

    def reinstate(self, db: Database, row_id: str, *, by: Actor) -> None:
        """恢复启用: back in use, when its place is in use and its key is still free."""
        row = self.get(db, row_id)
        with db.transaction() as conn:
            accounts.authorize(conn, by, self.permission)
            if row.retired:
                self._reinstating(conn, row)
            set_retired(conn, self.table, row_id, False, by=by.user_id, what=self.this)

    def delete(self, db: Database, row_id: str, *, by: Actor) -> None:
        """Delete a row entered by mistake; refused (InUseError) when anything refers to it."""
        row = self.get(db, row_id)
        self._refuse(row, "删除")
        with db.transaction() as conn:
            accounts.authorize(conn, by, self.permission)
            self._deleting(conn, row)
            delete_row(
                conn, self.table, row_id, by=by.user_id, what=self._named(row),
                checks=self.references,
            )  # fmt: skip

    # ---- the steps, and the hooks a registry with more rules overrides

    def _arguments(
        self, given: Mapping[str, Any], fields: Sequence[Field], *, defaults: bool
    ) -> dict[str, Any]:
        """The service's keywords checked as Python checks a signature's."""
        names = {f.name for f in fields}
        unknown = sorted(set(given) - names)
        if unknown:
            raise TypeError(f"{self.key}: unexpected {', '.join(unknown)}")
        out: dict[str, Any] = {}
        for f in fields:
            if f.name in given:
                out[f.name] = given[f.name]
            elif defaults and f.default is not REQUIRED:
                out[f.name] = f.default
            else:
                raise TypeError(f"{self.key}: missing {f.name}")
        return out

    def _clean(self, typed: Mapping[str, Any]) -> dict[str, Any]:
        """Each value checked, in the order of the fields (references in the transaction)."""
        return {
            f.name: typed[f.name] if isinstance(f, Ref) else f.clean(typed[f.name])
            for f in self.inputs
            if f.name in typed
        }

    def _checked(
        self, conn: sqlite3.Connection, values: dict[str, Any], *, row: R | None = None
    ) -> dict[str, Any]:
        """The values once their village, grid or committee is in use and the natural key
        is free (ValidationError otherwise), completed by ``complete``. ``row``: the row
        being changed (what its form does not change counts as it is)."""
        parent = ""  # the name of the row's village, grid or committee
        for ref in self.refs:
            if ref.name in values:
                if values[ref.name] is not None or not ref.nullable:
                    parent = parent or ref.resolve(conn, values[ref.name]).name
            elif row is not None:
                parent = parent or str(getattr(row, ref.name_attr))
        values = self.complete(values, parent)
        own_id = "" if row is None else row.id
        kept = {} if row is None else self.values_of(row)
        self._check_unique(conn, {**kept, **values}, parent, own_id)
        return self._check_more(conn, values, parent, own_id)

    def _check_unique(
        self, conn: sqlite3.Connection, values: Mapping[str, Any], parent: str, own_id: str
    ) -> None:
        u = self.unique
        if u is None or any(values.get(n) is None for n in u.fields):
            return
        fields = [self.field(n) for n in u.fields]
        same = " AND ".join(f"t.{f.db_column} = ?" for f in fields)
        other = conn.execute(
            f"SELECT * FROM {self.table} t WHERE {same} AND t.retired = 0 AND t.id <> ?"
            + self.where,
            [*(f.stored(values[f.name]) for f in fields), own_id],
        ).fetchone()
        if other is not None:
            message = u.message.format(**values, parent=parent, other=other)
            raise ValidationError(fields[-1].label, message)

    def complete(self, values: dict[str, Any], parent: str) -> dict[str, Any]:
        """Values that follow from others (a talk point's default name), before the key
        is checked."""
        return values

    def _check_more(
        self, conn: sqlite3.Connection, values: dict[str, Any], parent: str, own_id: str
    ) -> dict[str, Any]:
        """Rules beyond the natural key, after it."""
        return values

    def _more_columns(self, conn: sqlite3.Connection, values: Mapping[str, Any]) -> dict[str, Any]:
        """Columns a new row gets besides its fields (a grid's kind)."""
        return {}

    def _written(
        self, conn: sqlite3.Connection, row_id: str, values: Mapping[str, Any], *, by: str
    ) -> None:
        """After a new row was inserted (a household's members)."""

    def _edit_what(self, row: R) -> str:
        return self.edit_what.format(named=self._named(row), **_attributes(row))

    def _refuse(self, row: R, action: str) -> None:
        """Raise DomainError when ``action`` (停用, 删除) is never allowed for ``row``."""

    def _retiring(self, conn: sqlite3.Connection, row: R) -> None:
        """Checks in the transaction before a row is retired."""

    def _reinstating(self, conn: sqlite3.Connection, row: R) -> None:
        """Checks in the transaction before a retired row is back in use: its place is in
        use and its natural key free."""
        self._checked(conn, self.values_of(row), row=row)

    def _deleting(self, conn: sqlite3.Connection, row: R) -> None:
        """Before a row is deleted (its dependants go first)."""


def _attributes(row: Any) -> dict[str, Any]:
    return {f.name: getattr(row, f.name) for f in dataclass_fields(row)}
