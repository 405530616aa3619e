"""The registries in and out of Excel (xlsx): a template to fill in, an export, and an
import that first checks every row (``read_sheet``: nothing is written) and then writes the
good rows in one transaction (``apply_import``: all or nothing).

Kinds: mediators, grid_workers, legal_advisers, talk_points, households, broadcast_schedule
(``KINDS`` maps each to its Chinese name). Villages are matched by name; grids by name within
their village (a grid the office has not entered yet is created on import and listed in the
preview first). A row that repeats one already registered (same village and name, same grid
and house number …) is reported and skipped, never doubled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.models import accounts, office
from app.models import registries as reg
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import (
    DomainError,
    ImportFailedError,
    ImportRejectedError,
    ValidationError,
)
from app.models.registries.common import clean_name, clean_phone, clean_text
from app.models.registries.sheet_io import (
    column_of,
    file_bytes,
    header_row,
    sheet_rows,
    workbook_bytes,
)
from app.models.registries.sheet_specs import (
    BROADCAST_SCHEDULE,
    GRID_WORKERS,
    HOUSEHOLDS,
    KINDS,
    LEGAL_ADVISERS,
    MEDIATORS,
    SPECS,
    TALK_POINTS,
    cell_date,
    cell_house_number,
    cell_text,
    cell_time,
    cell_yes_no,
    spec_of,
)

__all__ = [
    "BROADCAST_SCHEDULE",
    "GRID_WORKERS",
    "HOUSEHOLDS",
    "KINDS",
    "LEGAL_ADVISERS",
    "MEDIATORS",
    "SPECS",
    "TALK_POINTS",
    "ImportPreview",
    "ImportResult",
    "ImportRow",
    "NewGrid",
    "RowError",
    "apply_import",
    "export_xlsx",
    "read_sheet",
    "spec_of",
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

    kind: str
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
    kind: str
    imported: int
    grids_created: tuple[str, ...]  # "红旗村 第三网格"
    skipped_errors: tuple[RowError, ...]
    skipped_duplicates: tuple[RowError, ...]


def template_file_name(kind: str) -> str:
    """The name offered when the template is saved: "法律明白人导入模板.xlsx"."""
    return f"{spec_of(kind).title}导入模板.xlsx"


def template_xlsx(kind: str, *, db: Database | None = None) -> bytes:
    """An empty sheet to fill in: styled header, widths, text-formatted phone / house-number
    columns, drop-downs (是/否; the office's villages when ``db`` is given) and a second
    sheet 填写说明 with what each column takes and an example row."""
    spec = spec_of(kind)
    names = [v.name for v in office.villages(db)] if db is not None else None
    return workbook_bytes(spec, names)


def _export_rows(db: Database, kind: str) -> list[tuple[object, ...]]:
    if kind == MEDIATORS:
        return [
            (m.name, m.committee_name, m.phone, "是" if m.full_time else "否", m.specialities)
            for m in reg.list_mediators(db)
        ]
    if kind == GRID_WORKERS:
        return [(w.village_name, w.grid_name, w.name, w.phone) for w in reg.list_grid_workers(db)]
    if kind == LEGAL_ADVISERS:
        return [(a.village_name, a.name, a.phone, a.area) for a in reg.list_legal_advisers(db)]
    if kind == TALK_POINTS:
        return [
            (t.village_name, t.name, t.address, t.hours, t.staff, t.phone)
            for t in reg.list_talk_points(db)
        ]
    if kind == HOUSEHOLDS:
        return [
            (
                h.village_name,
                h.grid_name,
                h.house_number,
                h.head_name,
                h.phone,
                reg.format_members(h.members),
                h.notes,
            )
            for h in reg.list_households(db)
        ]
    if kind == BROADCAST_SCHEDULE:
        return [
            (s.village_name, s.play_on, s.play_at, s.reader) for s in reg.list_broadcast_slots(db)
        ]
    raise ValueError(kind)


def export_xlsx(db: Database, kind: str) -> bytes:
    """The registry's rows in use, in the template's layout (so the file can be edited and
    imported again)."""
    names = [v.name for v in office.villages(db)]
    return workbook_bytes(spec_of(kind), names, _export_rows(db, kind))


# --------------------------------------------------------------------------- checking rows


@dataclass
class _Context:
    """What checking rows needs from the database, read once."""

    villages: dict[str, office.Place]
    grids: dict[tuple[str, str], str]  # (village id, grid name) → grid id
    committees: dict[str, tuple[str, str]]  # name or village name → (id, name)
    committee_names: list[str]
    existing: set[tuple[object, ...]]


def _context(db: Database, kind: str) -> _Context:
    villages = {v.name: v for v in office.villages(db)}
    grids = {(g.village_id, g.name): g.id for g in reg.list_grids(db)}
    committees: dict[str, tuple[str, str]] = {}
    entries = reg.list_committees(db)
    for c in entries:
        if c.place_name and c.level != "town":
            committees.setdefault(c.place_name, (c.id, c.name))
    for c in entries:
        committees[c.name] = (c.id, c.name)
    existing: set[tuple[object, ...]] = set()
    if kind == MEDIATORS:
        existing = {(m.committee_id, m.name) for m in reg.list_mediators(db)}
    elif kind == GRID_WORKERS:
        existing = {(w.village_id, w.grid_name, w.name) for w in reg.list_grid_workers(db)}
    elif kind == LEGAL_ADVISERS:
        existing = {(a.village_id, a.name) for a in reg.list_legal_advisers(db)}
    elif kind == TALK_POINTS:
        existing = {(t.village_id, t.name) for t in reg.list_talk_points(db)}
    elif kind == HOUSEHOLDS:
        existing = {(h.village_id, h.grid_name, h.house_number) for h in reg.list_households(db)}
    elif kind == BROADCAST_SCHEDULE:
        existing = {(s.village_id, s.play_on, s.play_at) for s in reg.list_broadcast_slots(db)}
    return _Context(villages, grids, committees, [c.name for c in entries], existing)


def _names_hint(names: Sequence[str]) -> str:
    shown = "、".join(names[:8])
    return shown + ("等" if len(names) > 8 else "")


class _Row:
    """One data row being checked: its cells by header, and the errors found so far."""

    def __init__(self, number: int, cells: Mapping[str, object]) -> None:
        self.number = number
        self.cells = cells
        self.errors: list[RowError] = []

    def check(self, column: str, fn: Callable[[object], Any]) -> Any:
        """``fn(cell)``, or None after noting its ValidationError as this row's error."""
        try:
            return fn(self.cells.get(column))
        except ValidationError as exc:
            self.errors.append(RowError(self.number, exc.field or column, exc.message))
            return None

    def text(self, column: str, fn: Callable[[str], Any]) -> Any:
        return self.check(column, lambda v: fn(cell_text(v)))

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def village(self, ctx: _Context) -> office.Place | None:
        name = cell_text(self.cells.get(reg.VILLAGE_FIELD))
        if not name:
            self.fail(reg.VILLAGE_FIELD, "请填写村（社区）名称。")
            return None
        village = ctx.villages.get(name)
        if village is None:
            self.fail(
                reg.VILLAGE_FIELD,
                f"找不到村（社区）“{name}”。请填写系统里已有的名称"
                f"（{_names_hint(list(ctx.villages))}），请核对是否有错字。",
            )
        return village

    def grid(self, ctx: _Context, village: office.Place | None) -> tuple[str, NewGrid | None]:
        name = self.text(
            reg.GRID_FIELD,
            lambda t: clean_text(
                t, reg.GRID_FIELD, max_len=30, required="请填写网格名称，例如“第一网格”。"
            ),
        )
        if name is None or village is None:
            return "", None
        if (village.id, name) in ctx.grids:
            return name, None
        return name, NewGrid(village.id, village.name, name)


def _check_row(
    row: _Row, kind: str, ctx: _Context
) -> tuple[tuple[object, ...], dict[str, Any], NewGrid | None]:
    """The row's duplicate key, its service arguments and a grid it needs created."""
    phone = row.text(reg.PHONE_FIELD, clean_phone)
    if kind == MEDIATORS:
        name = row.text(reg.MEDIATOR_NAME_FIELD, lambda t: clean_name(t, reg.MEDIATOR_NAME_FIELD))
        committee = cell_text(row.cells.get(reg.COMMITTEE_FIELD))
        found = ctx.committees.get(committee)
        if not committee:
            row.fail(reg.COMMITTEE_FIELD, "请填写调解员所属的调委会。")
        elif found is None:
            row.fail(
                reg.COMMITTEE_FIELD,
                f"找不到调委会“{committee}”。请填写系统里已有的调委会全称"
                f"（{_names_hint(ctx.committee_names)}），或先添加这个调委会。",
            )
        values = {
            "name": name,
            "committee_id": found[0] if found else None,
            "phone": phone,
            "full_time": row.check(
                reg.FULL_TIME_FIELD, lambda v: cell_yes_no(v, reg.FULL_TIME_FIELD)
            ),
            "specialities": row.text(
                reg.SPECIALITIES_FIELD, lambda t: clean_text(t, reg.SPECIALITIES_FIELD)
            ),
        }
        return (values["committee_id"], name), values, None
    village = row.village(ctx)
    vid = village.id if village else None
    if kind == GRID_WORKERS:
        grid, new = row.grid(ctx, village)
        name = row.text(
            reg.GRID_WORKER_NAME_FIELD, lambda t: clean_name(t, reg.GRID_WORKER_NAME_FIELD)
        )
        values = {"grid_id": ctx.grids.get((vid or "", grid)), "name": name, "phone": phone}
        return (vid, grid, name), values, new
    if kind == LEGAL_ADVISERS:
        name = row.text(reg.ADVISER_NAME_FIELD, lambda t: clean_name(t, reg.ADVISER_NAME_FIELD))
        area = row.text(reg.AREA_FIELD, lambda t: clean_text(t, reg.AREA_FIELD))
        values = {"village_id": vid, "name": name, "phone": phone, "area": area}
        return (vid, name), values, None
    if kind == TALK_POINTS:
        name = row.text(
            reg.TALK_POINT_NAME_FIELD,
            lambda t: clean_text(t, reg.TALK_POINT_NAME_FIELD, max_len=30),
        )
        if not name and village is not None:
            name = f"{village.name}评理说事点"
        values = {
            "village_id": vid,
            "name": name,
            "address": row.text(
                reg.ADDRESS_FIELD,
                lambda t: clean_text(t, reg.ADDRESS_FIELD, required="请填写评理说事点的地址。"),
            ),
            "hours": row.text(reg.HOURS_FIELD, lambda t: clean_text(t, reg.HOURS_FIELD)),
            "staff": row.text(reg.STAFF_FIELD, lambda t: clean_text(t, reg.STAFF_FIELD)),
            "phone": phone,
        }
        return (vid, name), values, None
    if kind == HOUSEHOLDS:
        grid, new = row.grid(ctx, village)
        number = row.check(reg.HOUSE_NUMBER_FIELD, cell_house_number)
        values = {
            "grid_id": ctx.grids.get((vid or "", grid)),
            "house_number": number,
            "head_name": row.text(reg.HEAD_FIELD, lambda t: clean_name(t, reg.HEAD_FIELD)),
            "phone": phone,
            "notes": row.text(
                reg.NOTES_FIELD, lambda t: clean_text(t, reg.NOTES_FIELD, max_len=200)
            ),
            "members": row.text(reg.MEMBERS_FIELD, reg.parse_members),
        }
        return (vid, grid, number), values, new
    if kind == BROADCAST_SCHEDULE:
        play_on = row.check(reg.PLAY_ON_FIELD, lambda v: cell_date(v, reg.PLAY_ON_FIELD))
        play_at = row.check(reg.PLAY_AT_FIELD, lambda v: cell_time(v, reg.PLAY_AT_FIELD))
        reader = row.text(reg.READER_FIELD, lambda t: clean_text(t, reg.READER_FIELD, max_len=30))
        values = {"village_id": vid, "play_on": play_on, "play_at": play_at, "reader": reader}
        return (vid, play_on, play_at), values, None
    raise ValueError(kind)


def read_sheet(
    db: Database, source: str | Path | bytes, kind: str, *, file_name: str | None = None
) -> ImportPreview:
    """Read and check every row of a registry sheet; nothing is written.

    ``source`` is a path or the file's bytes (``file_name`` names it in messages). Raises
    SheetFileError (not an xlsx, corrupt, password-protected, missing) and SheetColumnsError
    (no header with the required columns); wrong rows are listed in ``errors``."""
    spec = spec_of(kind)
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

_ADD: dict[str, Callable[..., str]] = {
    MEDIATORS: reg.add_mediator,
    GRID_WORKERS: reg.add_grid_worker,
    LEGAL_ADVISERS: reg.add_legal_adviser,
    TALK_POINTS: reg.add_talk_point,
    HOUSEHOLDS: reg.add_household,
    BROADCAST_SCHEDULE: reg.add_broadcast_slot,
}


def _grid_for(db: Database, grid: NewGrid, *, by: Actor, made: list[str]) -> str:
    """The grid the preview found missing: made now (and noted in ``made``), unless it was
    added meanwhile."""
    for g in reg.list_grids(db, grid.village_id):
        if g.name == grid.name:
            return g.id
    made.append(f"{grid.village_name} {grid.name}")
    return reg.add_grid(db, by=by, village_id=grid.village_id, name=grid.name)


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
    add = _ADD[preview.kind]
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
