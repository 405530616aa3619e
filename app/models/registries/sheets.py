"""The registries in and out of Excel (xlsx): a template to fill in, an export, and an import
that first checks every row (``read_sheet``: nothing is written) and then writes the good
rows in one transaction (``apply_import``: all or nothing).

Each registry with a ``sheet`` title in its declaration (``KINDS``) has one; its columns are
its fields' (``RegistryKind.sheet_spec``), each cell read and checked as the field's form
input is. Villages are matched by name; grids by name within their village (a grid the
office has not entered yet is created on import and listed in the preview first). A row that
repeats one already registered (its natural key: same village and name, same grid and house
number …) is reported and skipped, never doubled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.models import accounts, office
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import (
    DomainError,
    ImportFailedError,
    ImportRejectedError,
    ValidationError,
)
from app.models.parsing.cells import Cell
from app.models.registries import KINDS as ALL_KINDS
from app.models.registries.cells import cell_text
from app.models.registries.common import GRID_FIELD, NAME_MAX, VILLAGE_FIELD, clean_text
from app.models.registries.fields import CommitteeRef, Field, GridRef, VillageRef
from app.models.registries.kind import RegistryKind
from app.models.registries.places import COMMITTEES, GRIDS
from app.models.registries.sheet_io import (
    column_of,
    file_bytes,
    header_row,
    sheet_rows,
    workbook_bytes,
)

Kind = RegistryKind[Any]
# The registries with a spreadsheet, in the order of their 村居档案 tabs.
KINDS: tuple[Kind, ...] = tuple(k for k in ALL_KINDS if k.sheet is not None)

__all__ = [
    "KINDS",
    "ImportPreview",
    "ImportResult",
    "ImportRow",
    "NewGrid",
    "RowError",
    "apply_import",
    "export_xlsx",
    "read_sheet",
    "template_file_name",
    "template_xlsx",
]


@dataclass(frozen=True)
class RowError:
    """Why one row was not imported. ``row`` is the Excel row number, ``column`` the header
    of the wrong cell ("" when the whole row is meant)."""

    row: int
    column: str
    message: str

    @property
    def text(self) -> str:
        where = f"第 {self.row} 行" + (f"（{self.column}）" if self.column else "")
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class NewGrid:
    """A grid named in the sheet that the village does not have yet: created on import."""

    village_id: str
    village_name: str
    name: str


@dataclass(frozen=True)
class ImportRow:
    """A good row: ``cells`` as read (in ``ImportPreview.columns`` order) for showing,
    ``values`` the checked arguments of the registry's add service."""

    row: int
    cells: tuple[str, ...]
    values: Mapping[str, Any] = field(hash=False)
    new_grid: NewGrid | None = None


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do; nothing has been written."""

    kind: Kind
    file_name: str
    sheet_name: str
    header_row: int
    columns: tuple[str, ...]
    rows: tuple[ImportRow, ...]  # ready to import
    errors: tuple[RowError, ...]  # wrong rows (one entry per wrong cell)
    duplicates: tuple[RowError, ...]  # already registered or repeated: skipped
    new_grids: tuple[NewGrid, ...]

    @property
    def bad_rows(self) -> tuple[int, ...]:
        return tuple(sorted({e.row for e in self.errors}))

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportResult:
    kind: Kind
    imported: int
    grids_created: tuple[str, ...]  # "红旗村 第三网格"
    skipped_errors: tuple[RowError, ...]
    skipped_duplicates: tuple[RowError, ...]


def template_file_name(kind: Kind) -> str:
    """The name offered when the template is saved: "法律明白人导入模板.xlsx"."""
    return f"{kind.sheet_spec.title}导入模板.xlsx"


def template_xlsx(kind: Kind, *, db: Database | None = None) -> bytes:
    """An empty sheet to fill in: styled header, widths, text-formatted phone / house-number
    columns, drop-downs (是/否; the office's villages when ``db`` is given) and a second
    sheet 填写说明 with what each column takes and an example row."""
    names = [v.name for v in office.villages(db)] if db is not None else None
    return workbook_bytes(kind.sheet_spec, names)


def _sheet_fields(kind: Kind) -> tuple[Field, ...]:
    return tuple(f for f in kind.inputs if f.sheet is not None)


def export_xlsx(db: Database, kind: Kind) -> bytes:
    """The registry's rows in use, in the template's layout (so the file can be edited and
    imported again)."""
    rows = [
        tuple(cell for f in _sheet_fields(kind) for cell in f.to_cells(row))
        for row in kind.list(db)
    ]
    return workbook_bytes(kind.sheet_spec, [v.name for v in office.villages(db)], rows)


# --------------------------------------------------------------------------- checking rows


@dataclass
class _Context:
    """What checking rows needs from the database, read once."""

    villages: dict[str, office.Place]
    grids: dict[tuple[str, str], str]  # (village id, grid name) → grid id
    committees: dict[str, tuple[str, str]]  # name or village name → (id, name)
    committee_names: list[str]
    existing: set[tuple[object, ...]]


def _context(db: Database, kind: Kind) -> _Context:
    villages = {v.name: v for v in office.villages(db)}
    grids = {(g.village_id, g.name): g.id for g in GRIDS.list(db)}
    committees: dict[str, tuple[str, str]] = {}
    entries = COMMITTEES.list(db)
    for c in entries:
        if c.place_name and c.level != "town":
            committees.setdefault(c.place_name, (c.id, c.name))
    for c in entries:
        committees[c.name] = (c.id, c.name)
    existing = {_key(kind, kind.values_of(r), _grid_of(r)) for r in kind.list(db)}
    return _Context(villages, grids, committees, [c.name for c in entries], existing)


def _key(
    kind: Kind, values: Mapping[str, Any], grid: tuple[str | None, str] | None
) -> tuple[object, ...]:
    """The row's natural key; a grid as its village and name (it may not exist yet)."""
    assert kind.unique is not None
    return tuple(
        grid if isinstance(kind.field(n), GridRef) else values[n] for n in kind.unique.fields
    )


def _grid_of(row: Any) -> tuple[str | None, str] | None:
    grid_name = getattr(row, "grid_name", None)
    return None if grid_name is None else (row.village_id, grid_name)


def _names_hint(names: Sequence[str]) -> str:
    shown = "、".join(names[:8])
    return shown + ("等" if len(names) > 8 else "")


class _Row:
    """One data row being checked: its cells by header, and the errors found so far."""

    def __init__(self, number: int, cells: Mapping[str, Cell]) -> None:
        self.number = number
        self.cells = cells
        self.errors: list[RowError] = []

    def check(self, column: str, fn: Callable[[Cell], Any]) -> Any:
        """``fn(cell)``, or None after noting its ValidationError as this row's error."""
        try:
            return fn(self.cells.get(column))
        except ValidationError as exc:
            self.errors.append(RowError(self.number, exc.field or column, exc.message))
            return None

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def village(self, ctx: _Context) -> office.Place | None:
        name = cell_text(self.cells.get(VILLAGE_FIELD))
        if not name:
            self.fail(VILLAGE_FIELD, "请填写村（社区）名称。")
            return None
        village = ctx.villages.get(name)
        if village is None:
            self.fail(
                VILLAGE_FIELD,
                f"找不到村（社区）“{name}”。请填写系统里已有的名称"
                f"（{_names_hint(list(ctx.villages))}），请核对是否有错字。",
            )
        return village

    def grid(self, ctx: _Context, village: office.Place | None) -> tuple[str, NewGrid | None]:
        name = self.check(
            GRID_FIELD,
            lambda v: clean_text(
                cell_text(v),
                GRID_FIELD,
                max_len=NAME_MAX,
                required="请填写网格名称，例如“第一网格”。",
            ),
        )
        if name is None or village is None:
            return "", None
        if (village.id, name) in ctx.grids:
            return name, None
        return name, NewGrid(village.id, village.name, name)

    def committee(self, ctx: _Context, header: str) -> str | None:
        text = cell_text(self.cells.get(header))
        found = ctx.committees.get(text)
        if not text:
            self.fail(header, "请填写调解员所属的调委会。")
        elif found is None:
            self.fail(
                header,
                f"找不到调委会“{text}”。请填写系统里已有的调委会全称"
                f"（{_names_hint(ctx.committee_names)}），或先添加这个调委会。",
            )
        return found[0] if found else None


def _check_row(
    row: _Row, kind: Kind, ctx: _Context
) -> tuple[tuple[object, ...], dict[str, Any], NewGrid | None]:
    """The row's natural key, its service arguments and a grid it needs created: each cell
    read as its field reads a cell, a village, grid or committee found by its name."""
    values: dict[str, Any] = {}
    parent = ""  # the name of the row's village (a talk point's default name)
    grid: tuple[str | None, str] | None = None
    new_grid: NewGrid | None = None
    for f in _sheet_fields(kind):
        if isinstance(f, (VillageRef, GridRef)):
            village = row.village(ctx)
            vid = village.id if village else None
            parent = village.name if village else ""
            if isinstance(f, GridRef):
                name, new_grid = row.grid(ctx, village)
                grid = (vid, name)
                values[f.name] = ctx.grids.get((vid or "", name))
            else:
                values[f.name] = vid
        elif isinstance(f, CommitteeRef):
            values[f.name] = row.committee(ctx, f.label)
        else:
            values[f.name] = row.check(f.label, f.from_cell)
    values = kind.complete(values, parent)
    return _key(kind, values, grid), values, new_grid


def read_sheet(
    db: Database, source: str | Path | bytes, kind: Kind, *, file_name: str | None = None
) -> ImportPreview:
    """Read and check every row of a registry sheet; nothing is written.

    ``source`` is a path or the file's bytes (``file_name`` names it in messages). Raises
    SheetFileError (not an xlsx, corrupt, password-protected, missing) and SheetColumnsError
    (no header with the required columns); wrong rows are listed in ``errors``."""
    spec = kind.sheet_spec
    data, name = file_bytes(source, file_name)
    sheet_name, values = sheet_rows(data, name, spec)
    header_index = header_row(values, spec)
    assert header_index is not None  # _sheet_rows returns a sheet with a header
    positions = {
        col.header: i
        for i, col in reversed(list(enumerate(column_of(v, spec) for v in values[header_index])))
        if col is not None
    }
    ctx = _context(db, kind)
    order = {h: i for i, h in enumerate(spec.headers)}
    good: list[ImportRow] = []
    errors: list[RowError] = []
    duplicates: list[RowError] = []
    seen: dict[tuple[object, ...], int] = {}
    new_grids: dict[tuple[str, str], NewGrid] = {}
    for offset, raw in enumerate(values[header_index + 1 :], start=header_index + 2):
        cells = {h: raw[i] if i < len(raw) else None for h, i in positions.items()}
        if all(cell_text(v) == "" for v in cells.values()):
            continue
        row = _Row(offset, cells)
        key, args, new_grid = _check_row(row, kind, ctx)
        if row.errors:  # in the order of the sheet's columns
            errors += sorted(row.errors, key=lambda e: order.get(e.column, len(order)))
            continue
        if key in ctx.existing:
            duplicates.append(RowError(offset, "", "已经登记过，跳过（不会重复导入）。"))
            continue
        if key in seen:
            duplicates.append(RowError(offset, "", f"与第 {seen[key]} 行重复，跳过。"))
            continue
        seen[key] = offset
        if new_grid is not None:
            new_grid = new_grids.setdefault((new_grid.village_id, new_grid.name), new_grid)
        shown = tuple(cell_text(cells.get(h)) for h in spec.headers)
        good.append(ImportRow(offset, shown, args, new_grid))
    return ImportPreview(
        kind=kind,
        file_name=name,
        sheet_name=sheet_name,
        header_row=header_index + 1,
        columns=spec.headers,
        rows=tuple(good),
        errors=tuple(errors),
        duplicates=tuple(duplicates),
        new_grids=tuple(new_grids.values()),
    )


# --------------------------------------------------------------------------- applying


def _grid_for(db: Database, grid: NewGrid, *, by: Actor, made: list[str]) -> str:
    """The grid the preview found missing: made now (and noted in ``made``), unless it was
    added meanwhile."""
    for g in GRIDS.list(db, village_id=grid.village_id):
        if g.name == grid.name:
            return g.id
    made.append(f"{grid.village_name} {grid.name}")
    return GRIDS.add(db, by=by, village_id=grid.village_id, name=grid.name)


def apply_import(
    db: Database, preview: ImportPreview, *, by: Actor, skip_bad_rows: bool
) -> ImportResult:
    """Write the preview's good rows (and the grids they need) in one transaction.

    With wrong rows and ``skip_bad_rows=False`` nothing is written (ImportRejectedError).
    If a row fails now (the registry changed since the preview), everything is rolled back
    and ImportFailedError names the row."""
    if preview.errors and not skip_bad_rows:
        bad = preview.bad_rows
        raise ImportRejectedError(
            f"“{preview.file_name}”有 {len(bad)} 行填写有误（第 {'、'.join(map(str, bad[:10]))}"
            f"{' 等' if len(bad) > 10 else ''} 行），没有导入任何数据。"
            "请改正后重新导入，或选择“跳过有错误的行”。",
            bad_rows=bad,
        )
    add = preview.kind.add
    created: dict[tuple[str, str], str] = {}
    made: list[str] = []
    with db.transaction() as conn:
        accounts.authorize(conn, by, "village_registry")
        for row in preview.rows:
            values = dict(row.values)
            grid = row.new_grid
            try:
                if grid is not None:
                    key = (grid.village_id, grid.name)
                    if key not in created:
                        created[key] = _grid_for(db, grid, by=by, made=made)
                    values["grid_id"] = created[key]
                add(db, by=by, **values)
            except DomainError as exc:
                raise ImportFailedError(
                    f"第 {row.row} 行没能导入：{exc.message}"
                    "本次导入已全部撤销，没有写入任何数据。请重新读取表格后再导入。",
                    row=row.row,
                ) from exc
    return ImportResult(
        kind=preview.kind,
        imported=len(preview.rows),
        grids_created=tuple(made),
        skipped_errors=preview.errors,
        skipped_duplicates=preview.duplicates,
    )
