"""The preview: every row of the sheet checked and turned into a planned case, or a row error
with its Excel row number and the reasons. Nothing is written here.

Three passes over the sheet:

1. rows that are not cases are set aside and listed (blank rows, 合计/小计 rows, the foot:
   制表人, 审核人, 填报日期 …, a header repeated inside the sheet);
2. each remaining row is read: its dates (a "5月6日" takes the year of the sheet), parties,
   category, village, state and result; the closing date of a row with a result but no
   结案日期 is dated as the wizard was told (``closing_basis``), never silently;
3. duplicates: a 案号 repeated in the file (the first occurrence is the case), a number
   already in the database, the same parties registered the same day.

Cell values repeat a lot in a ledger (dates, villages, categories, outcomes), so each
distinct value is read once per preview.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TypeVar

from app.models import office
from app.models.db import Database
from app.models.errors import ColumnMappingError, OperationCancelledError, ValidationError
from app.models.ledger_import.mapping import (
    FIELDS,
    check_mapping,
    column_letter,
    describe_column,
    header_names,
    normalize_header,
)
from app.models.ledger_import.reading import Workbook
from app.models.ledger_import.values import (
    CLOSING_OUTCOMES,
    OPEN,
    CaseNumber,
    CellError,
    ConfirmationValue,
    PartyName,
    number_regex,
    parse_case_number,
    parse_category,
    parse_confirmation,
    parse_outcome,
    parse_parties,
    parse_performance,
    parse_source,
    parse_state,
    row_kind,
    split_sides,
    unclear_agreement,
)
from app.models.parsing.cells import Cell, cell_text, norm
from app.models.parsing.dates import (
    HOW_TO_ADD_YEAR_IN_SHEET,
    MissingYearError,
    cell_date,
    years_in,
)
from app.models.parsing.money import cell_amount
from app.models.parties import PartyInput, validate_party
from app.models.reference import AGREEMENT_OUTCOMES, OUTCOMES, STATES, categories, sources

_T = TypeVar("_T")
ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

EARLIEST_YEAR = 2000  # as the services' date checks (cases._check_date)
ACTIVE_STATES = frozenset({"accepted", "assigned", "mediating"})
NUMBERED_STATES = ACTIVE_STATES | {"closed", "archived"}
DATE_FIELDS = ("registered_on", "accepted_on", "closed_on", "mediated_on")
PARTY_FIELDS = ("applicants", "respondents", "parties")
NEIGHBOUR_ROWS = 50  # how far a date without a year looks for a row that has one
NO_YEAR_ANYWHERE = (
    f"没有写年份，表格标题、工作表名、文件名和相邻各行中也找不到年份。{HOW_TO_ADD_YEAR_IN_SHEET}"
)

# How a row with a result (调解结果) but no 结案日期 is dated; the wizard asks once.
# cases.closed_on_basis keeps the choice on each case so that a person can see it.
CLOSING_BASES: dict[str, str] = {
    "accepted": "按受理日期记",
    "mediated": "按“调解日期”列记",
    "unrecorded": "不记载（结案日期留空）",
}
SKIP_REASONS = {
    "total": "合计/小计行",
    "footer": "表尾（制表人、审核人、填报日期等）",
    "header": "重复的表头行",
}
NEEDS_CLOSING_BASIS = (
    "有调解结果，但没有结案日期。请在表格中填上结案日期，或在“对应各列”一步选择"
    "这类案件的结案日期怎样记（按受理日期记、按“调解日期”列记或不记载）"
)


def rows_text(rows: list[int], limit: int = 10) -> str:
    """Excel row numbers as the messages list them: “第4、7行”, “第4、7…行等 12 行”."""
    shown = "、".join(str(r) for r in rows[:limit])
    return f"第{shown}行" + (f"等 {len(rows)} 行" if len(rows) > limit else "")


@dataclass(frozen=True)
class Duplicate:
    """Why a planned case looks like one that already exists."""

    # number: the number is already in the database; file_number: an earlier row of the
    # sheet has the same number; parties: an existing case registered the same day with the
    # same people; file: an earlier row with the same day and people
    kind: str
    reason: str  # plain Chinese, for the preview
    case_id: str | None = None
    number: str | None = None
    row: int | None = None

    @property
    def blocking(self) -> bool:
        """A case number cannot be imported a second time, whatever the user chooses."""
        return self.kind in ("number", "file_number")


@dataclass(frozen=True)
class PlannedCase:
    row: int  # Excel row number
    number: str | None  # as written in the sheet (None: allocated on import)
    number_year: int | None
    number_seq: int | None
    state: str
    outcome: str | None
    registered_on: date
    accepted_on: date | None
    closed_on: date | None
    due_on: date | None
    parties: tuple[PartyInput, ...]
    category: str
    source: str
    village_id: str | None
    village_name: str
    mediator_ids: tuple[str, ...]
    performance: str | None
    amount_fen: int | None
    confirmation: ConfirmationValue | None
    facts: str
    note: str
    values: dict[str, str]  # every non-empty cell of the row by column name (kept in the event)
    warnings: tuple[str, ...] = ()
    duplicate: Duplicate | None = None
    # where closed_on came from: "" the sheet's 结案日期, else a key of CLOSING_BASES
    closed_on_basis: str = ""
    number_own: bool = False  # the number is written the way the committee's own are

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome or "", "")

    @property
    def party_names(self) -> str:
        return "、".join(p.name for p in self.parties)

    @property
    def closed_on_text(self) -> str:
        """The closing date as the preview shows it, with where it came from."""
        if self.outcome is None:
            return ""
        shown = self.closed_on.isoformat() if self.closed_on is not None else ""
        if self.closed_on_basis == "accepted":
            return f"{shown}（按受理日期）"
        if self.closed_on_basis == "mediated":
            return f"{shown}（按调解日期）"
        if self.closed_on_basis == "unrecorded":
            return "不记载"
        return shown


@dataclass(frozen=True)
class RowError:
    row: int  # Excel row number
    reasons: tuple[str, ...]

    @property
    def message(self) -> str:
        return f"第{self.row}行：" + "；".join(r.rstrip("。") for r in self.reasons) + "。"


@dataclass(frozen=True)
class SkippedRow:
    row: int
    reason: str  # 合计/小计行, 表尾（…）, 重复的表头行
    column: int = -1  # the cell that says so (-1: none)
    text: str = ""

    @property
    def message(self) -> str:
        where = f"：{column_letter(self.column)} 列“{self.text}”" if self.column >= 0 else ""
        return f"第{self.row}行：{self.reason}{where}"


@dataclass(frozen=True)
class YearSource:
    """Where the year of the dates written without one ("5月6日") was found."""

    year: int
    kind: str  # title | sheet | file
    text: str  # the title, the sheet name or the file name

    @property
    def where(self) -> str:
        label = {"title": "表格标题", "sheet": "工作表名", "file": "文件名"}[self.kind]
        return f"{label}“{self.text}”"


@dataclass
class ImportPlan:
    file_name: str
    sheet: str
    header_row: int
    headers: list[str]
    mapping: dict[int, str]
    committee_id: str
    closing_basis: str | None = None
    cases: list[PlannedCase] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)  # 合计/小计 rows, footers
    blank_rows: int = 0  # empty, or only columns that are not imported (序号 …)
    # villages named in the sheet but unknown to the office -> the rows naming them
    unknown_villages: dict[str, list[int]] = field(default_factory=dict)
    # mediators named in the sheet but unknown to the office -> the rows naming them
    unknown_mediators: dict[str, list[int]] = field(default_factory=dict)
    year: YearSource | None = None  # the sheet's year, if it names one
    month_day_dates: int = 0  # dates without a year that took ``year``
    dotted_dates: bool = False  # some of them were written month.day ("5.6")
    neighbour_dates: int = 0  # dates without a year that took a neighbouring row's year
    undated_closings: int = 0  # rows with a result but no 结案日期
    # rows whose result (调解成功, 成功 …) was taken as 达成书面协议 without saying so
    unclear_agreements: list[int] = field(default_factory=list)
    one_sided: list[int] = field(default_factory=list)  # rows with no 被申请人: all 当事人

    @property
    def duplicates(self) -> list[PlannedCase]:
        return [c for c in self.cases if c.duplicate is not None]

    @property
    def bad_rows(self) -> list[int]:
        return [e.row for e in self.errors]

    @property
    def warnings(self) -> list[tuple[int, str]]:
        return [(c.row, w) for c in self.cases for w in c.warnings]

    @property
    def dated_by_basis(self) -> list[PlannedCase]:
        """The cases whose closing date is not the sheet's 结案日期."""
        return [c for c in self.cases if c.closed_on_basis]

    @property
    def summary(self) -> str:
        parts = [f"共 {len(self.cases) + len(self.errors)} 行案件"]
        parts.append(f"可导入 {len(self.cases) - len(self.duplicates)} 件")
        if self.duplicates:
            parts.append(f"疑似重复 {len(self.duplicates)} 件")
        if self.errors:
            parts.append(f"有错误 {len(self.errors)} 行")
        if self.skipped:
            parts.append(f"跳过合计行、表尾等 {len(self.skipped)} 行")
        return "，".join(parts) + "。"

    @property
    def closing_note(self) -> str:
        """What happens to the rows with a result but no 结案日期 ("" when there are none)."""
        n = self.undated_closings
        if not n:
            return ""
        head = f"有调解结果、没有结案日期的 {n} 行："
        if self.closing_basis == "accepted":
            return head + "结案日期按受理日期记，案件中注明“按受理日期记，台账未载结案日期”。"
        if self.closing_basis == "mediated":
            return head + "结案日期按“调解日期”列记，案件中注明“按台账的调解日期记”。"
        if self.closing_basis == "unrecorded":
            return head + "结案日期不记载（留空），案件中注明“未记载”；统计时按受理日期计入结案数。"
        return head + "还没有选择结案日期怎样记，这些行暂列为有错误的行。"

    def _imported_rows(self, rows: list[int]) -> list[int]:
        bad = set(self.bad_rows)
        return [r for r in rows if r not in bad]

    @property
    def agreement_note(self) -> str:
        """The results taken as 达成书面协议 though the sheet did not say so ("" if none)."""
        rows = self._imported_rows(self.unclear_agreements)
        if not rows:
            return ""
        return (
            f"调解结果只写“调解成功”等、没有写明书面或口头协议的 {len(rows)} 行"
            f"（{rows_text(rows)}）按“达成书面协议”导入。其中如有口头协议，"
            "请在表格中改成“达成口头协议”后重新导入。"
        )

    @property
    def one_sided_note(self) -> str:
        """The rows imported with 当事人 only, no respondent ("" if none)."""
        rows = self._imported_rows(self.one_sided)
        if not rows:
            return ""
        return (
            f"没有被申请人的 {len(rows)} 行（{rows_text(rows)}）按不分申请方、被申请方的"
            "“当事人”导入（如调委会主动调解的案件）。如有被申请人，请在表格中填上后重新导入。"
        )

    @property
    def year_note(self) -> str:
        """Which year the dates without one were read in ("" when there were none)."""
        parts = []
        if self.month_day_dates and self.year is not None:
            example = "“5月6日”“5.6”" if self.dotted_dates else "“5月6日”"
            parts.append(
                f"没有写年份的日期（如{example}）{self.month_day_dates} 个，"
                f"按 {self.year.year} 年读取（年份取自{self.year.where}）"
            )
        if self.neighbour_dates:
            parts.append(f"{self.neighbour_dates} 个没有写年份的日期按相邻行的年份读取（见“提醒”）")
        return "；".join(parts) + "。" if parts else ""


# ---------------------------------------------------------------------------------------
# What rows are checked against


class _Office:
    """The office's lists, read once per preview, and the value readers with their caches."""

    def __init__(self, db: Database, committee_id: str | None, today: date) -> None:
        committee = (
            office.get_committee(db, committee_id) if committee_id else office.main_committee(db)
        )
        self.committee = committee
        self.today = today
        self.number_re = number_regex(committee.number_pattern, committee.abbr)
        self.categories = categories()
        self.sources = sources()
        self.db = db
        places = office.villages(db, include_retired=True)
        self.village_exact = {norm(v.name): v for v in places}
        self.village_core: dict[str, list[office.Place]] = {}
        for v in places:
            self.village_core.setdefault(_village_core(v.name), []).append(v)
        self.village_names = sorted(self.village_exact, key=len, reverse=True)
        self.mediators: dict[str, str] = {}
        for m in sorted(office.mediators(db, include_retired=True), key=lambda m: m.name):
            self.mediators.setdefault(norm(m.name), m.id)
        self._by_date: dict[str, dict[tuple[frozenset[str], frozenset[str]], tuple[str, str]]] = {}
        self._caches: dict[str, dict[Hashable, object]] = {}

    def cached(self, kind: str, value: Cell, read: Callable[[], _T]) -> _T:
        """``read()`` once per distinct (kind, value); a CellError is remembered too."""
        cache = self._caches.get(kind)
        if cache is None:
            cache = self._caches[kind] = {}
        key = value if type(value) is str else (type(value), value)  # (1 is not True)
        found = cache.get(key, _MISSING)
        if found is _MISSING:
            try:
                found = read()
            except CellError as exc:
                found = exc.with_traceback(None)
            cache[key] = found
        if isinstance(found, CellError):
            raise _fresh(found)
        return found  # type: ignore[return-value]

    def read_date(self, value: Cell) -> date | None:
        return self.cached("date", value, lambda: cell_date(value))

    def village(self, text: str) -> office.Place | None:
        return self.cached("village", text, lambda: self._village(text))

    def _village(self, text: str) -> office.Place | None:
        n = norm(text)
        if n in self.village_exact:
            return self.village_exact[n]
        found = self.village_core.get(_village_core(n), [])
        if len(found) == 1:
            return found[0]
        for name in self.village_names:  # "红旗村三组" → 红旗村
            if n.startswith(name):
                return self.village_exact[name]
        return None

    def mediators_named(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(ids of the office's mediators named in a 调解员 cell, the names it does not know)."""
        ids: list[str] = []
        unknown: list[str] = []
        for name in _split_mediators(text):
            key = norm(name)
            mediator_id = self.mediators.get(key)
            if mediator_id is None:
                if all(norm(u) != key for u in unknown):  # (one name written twice)
                    unknown.append(name)
            elif mediator_id not in ids:
                ids.append(mediator_id)
        return tuple(ids), tuple(unknown)

    def same_parties(
        self, registered_on: date, signature: tuple[frozenset[str], frozenset[str]]
    ) -> tuple[str, str] | None:
        key = registered_on.isoformat()
        if key not in self._by_date:
            sides: dict[str, tuple[set[str], set[str], str]] = {}
            for r in self.db.query(
                "SELECT c.id, coalesce(c.number, '') AS number, cp.role, p.name FROM cases c "
                "JOIN case_parties cp ON cp.case_id = c.id JOIN parties p ON p.id = cp.party_id "
                "WHERE c.registered_on = ? AND c.state <> 'voided'",
                (key,),
            ):
                a, b, _ = sides.setdefault(r["id"], (set(), set(), r["number"]))
                (b if r["role"] == "respondent" else a).add(norm(r["name"]))
            self._by_date[key] = {
                (frozenset(a), frozenset(b)): (case_id, number)
                for case_id, (a, b, number) in sides.items()
            }
        return self._by_date[key].get(signature)

    def existing_numbers(self, planned: list[PlannedCase]) -> dict[int, tuple[str, str]]:
        """{index in ``planned``: (case id, number)} for the numbers already in the database
        (as written, or, for numbers of the committee's own pattern, by year and sequence):
        two queries for the whole sheet."""
        numbered = [(i, p) for i, p in enumerate(planned) if p.number is not None]
        if not numbered:
            return {}
        by_text: dict[str, tuple[str, str]] = {
            r["number"]: (r["id"], r["number"])
            for r in self.db.query(
                "SELECT id, number FROM cases WHERE number IN (SELECT value FROM json_each(?))",
                (json.dumps([p.number for _, p in numbered], ensure_ascii=False),),
            )
        }
        years = {  # the years the committee has numbers in (none in a new office)
            r[0]
            for r in self.db.query(
                "SELECT DISTINCT number_year FROM cases WHERE committee_id = ? "
                "AND number_year IS NOT NULL",
                (self.committee.id,),
            )
        }
        own = [
            (i, p)
            for i, p in numbered
            if p.number_own and p.number_year in years and p.number not in by_text
        ]
        by_seq: dict[tuple[int, int], tuple[str, str]] = {}
        if own:
            pairs = json.dumps([[p.number_year, p.number_seq] for _, p in own])
            for r in self.db.query(
                "SELECT id, number, number_year, number_seq FROM cases "
                "WHERE committee_id = ? AND (number_year, number_seq) IN "
                "(SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') "
                "FROM json_each(?))",
                (self.committee.id, pairs),
            ):
                by_seq[(r["number_year"], r["number_seq"])] = (r["id"], r["number"])
        found: dict[int, tuple[str, str]] = {}
        for i, p in numbered:
            hit = by_text.get(p.number or "")
            if hit is None and p.number_own:
                hit = by_seq.get((p.number_year or 0, p.number_seq or 0))
            if hit is not None:
                found[i] = hit
        return found


def _fresh(error: CellError) -> CellError:
    """A copy of a remembered error, to raise. Raised itself, the remembered error would
    keep the traceback of its last raise, whose frames hold the preview's reader and with
    it every row: a cycle through the cache that only the garbage collector frees (it was
    most of a 10,000-row import's one collection)."""
    copy = type(error).__new__(type(error), *error.args)
    copy.__dict__.update(error.__dict__)
    return copy


def _village_core(name: str) -> str:
    n = norm(name)
    for suffix in ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村"):
        if n.endswith(suffix) and len(n) > len(suffix):
            return n[: -len(suffix)]
    return n


def _column_keys(headers: list[str], width: int) -> list[str]:
    """A unique name per column for the kept row values: the header, else the letter."""
    keys: list[str] = []
    seen: set[str] = set()
    for col in range(width):
        h = headers[col] if col < len(headers) else ""
        key = h or f"{column_letter(col)}列"
        if key in seen:
            key = f"{key}（{column_letter(col)}列）"
        seen.add(key)
        keys.append(key)
    return keys


def sheet_year(workbook: Workbook, sheet: str, header_row: int) -> YearSource | None:
    """The year the sheet is about, for dates written without one: from the title above the
    header (the first row above it that names a year), else the sheet name, else the file
    name. A place that names two years ("2022—2023年度") does not decide."""
    rows = workbook.rows(sheet)
    for row in rows[: max(header_row - 1, 0)]:
        texts = [cell_text(v) for v in row]
        years = [y for t in texts for y in years_in(t)]
        if years:
            if len(set(years)) == 1:
                title = next(t for t in texts if years_in(t))
                return YearSource(years[0], "title", title)
            break
    for kind, text in (("sheet", sheet), ("file", workbook.path.stem)):
        if kind == "sheet" and workbook.kind == "csv":
            continue  # a .csv has no sheets: its "sheet" is the file name
        years = years_in(text)
        if len(years) == 1:
            return YearSource(years[0], kind, text if kind == "sheet" else workbook.file_name)
    return None


# ---------------------------------------------------------------------------------------
# The preview


@dataclass
class _Row:
    excel_row: int
    cells: list[Cell]
    texts: list[str]
    year: int | None = None  # the year of a full date in the row (for its neighbours)
    year_read: bool = False


@dataclass
class _RowCells:
    """One row being read (pass 2): its cells by field, its dates as read so far, and the
    errors (the row is not imported) and warnings (it is, with a note) found so far."""

    index: int  # in the rows that may be cases (for a neighbour's year)
    excel_row: int
    cells: dict[str, Cell]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dates: dict[str, date | None] = field(default_factory=dict)

    def get(self, key: str) -> Cell:
        return self.cells.get(key)


def preview(
    db: Database,
    workbook: Workbook,
    sheet: str,
    header_row: int,
    mapping: dict[int, str],
    *,
    closing_basis: str | None = None,
    today: date | None = None,
    committee_id: str | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ImportPlan:
    """Check every row below ``header_row`` (the Excel row number of the last header row)
    with the column ``mapping`` ({column index: field}); nothing is written.

    ``closing_basis`` (a key of CLOSING_BASES, or None when not chosen) dates the rows that
    have a result but no 结案日期; without it such rows are errors that say so.
    Raises ColumnMappingError when the mapping cannot be used."""
    today = today or date.today()
    headers = header_names(workbook, sheet, header_row)
    check_mapping(mapping, headers)
    if closing_basis is not None and closing_basis not in CLOSING_BASES:
        raise ValueError(f"unknown closing basis {closing_basis!r}")
    if closing_basis == "mediated" and "mediated_on" not in mapping.values():
        raise ColumnMappingError(
            "选择了结案日期“按‘调解日期’列记”，但没有哪一列对应“调解日期”。"
            "请把表格中的调解日期列对应为“调解日期”，或改选“按受理日期记”或“不记载”。",
            fields=(FIELDS["mediated_on"],),
        )
    rows = workbook.rows(sheet)
    ctx = _Office(db, committee_id, today)
    plan = ImportPlan(
        workbook.file_name,
        sheet,
        header_row,
        headers,
        dict(mapping),
        ctx.committee.id,
        closing_basis=closing_basis,
    )
    plan.year = sheet_year(workbook, sheet, header_row)
    data = _case_rows(plan, rows, headers, mapping)
    reader = _RowReader(ctx, plan, data, mapping, headers)
    total = len(data)
    for i, row in enumerate(data):
        if i % 500 == 0 and i:
            if cancelled is not None and cancelled():
                raise OperationCancelledError("已取消预览。")
            if progress is not None:
                progress(i, total)
        reader.read(i, row)
    _find_duplicates(ctx, plan)
    if progress is not None:
        progress(total, total)
    return plan


def _case_rows(
    plan: ImportPlan, rows: list[list[Cell]], headers: list[str], mapping: dict[int, str]
) -> list[_Row]:
    """Pass 1: the rows that may be cases; the others are counted (blank) or listed."""
    party_columns = tuple(c for c, f in mapping.items() if f in PARTY_FIELDS)
    mapped = sorted(mapping)
    # a header repeated inside the sheet (pasted monthly sheets): its cells name the columns
    names: dict[int, set[str]] = {}
    for c in mapped:
        own = {headers[c]} if c < len(headers) and headers[c] else set()
        for r in (plan.header_row - 1, plan.header_row - 2):
            if 0 <= r < len(rows) and c < len(rows[r]):
                text = cell_text(rows[r][c])
                if text:
                    own.add(text)
        names[c] = own | {normalize_header(n) for n in own}
    need = max(2, (len(mapped) + 1) // 2)
    out: list[_Row] = []
    for index in range(plan.header_row, len(rows)):
        excel_row = index + 1
        cells = rows[index]
        texts = [cell_text(v) for v in cells]
        kind = row_kind(texts, party_columns)
        if kind is not None:
            if kind.kind == "blank":
                plan.blank_rows += 1
            else:
                plan.skipped.append(
                    SkippedRow(excel_row, SKIP_REASONS[kind.kind], kind.column, kind.text)
                )
            continue
        width = len(texts)
        for c in mapped:
            if c < width and texts[c]:
                break
        else:
            plan.blank_rows += 1  # only 序号 or other columns that are not imported
            continue
        named = any(c < width and texts[c] in names[c] for c in party_columns)
        same = sum(1 for c in mapped if c < width and texts[c] in names[c]) if named else 0
        if same >= need:
            first = next(c for c in mapped if c < width and texts[c])
            plan.skipped.append(SkippedRow(excel_row, SKIP_REASONS["header"], first, texts[first]))
            continue
        out.append(_Row(excel_row, cells, texts))
    return out


class _RowReader:
    """Pass 2: one row into a planned case or a row error."""

    def __init__(
        self,
        ctx: _Office,
        plan: ImportPlan,
        data: list[_Row],
        mapping: dict[int, str],
        headers: list[str],
    ) -> None:
        self.ctx = ctx
        self.plan = plan
        self.data = data
        self.mapping = mapping
        self.headers = headers
        width = max((len(r.cells) for r in data), default=0)
        self.keys = _column_keys(headers, max(width, len(headers)))
        self.columns = {f: c for c, f in mapping.items()}
        self.date_columns = [(f, self.columns[f]) for f in DATE_FIELDS if f in self.columns]
        amount_col = self.columns.get("amount")
        self.amount_unit = 1
        if amount_col is not None and "万元" in normalize_header(_at(headers, amount_col)):
            self.amount_unit = 10_000
        self.numbers_seen: dict[str, int] = {}  # number -> the Excel row of its first use
        self.bad_rows: set[int] = set()

    def column(self, key: str) -> str:
        """How the messages name a field's column: “B 列“申请人””."""
        col = self.columns.get(key)
        return describe_column(col, _at(self.headers, col)) if col is not None else FIELDS[key]

    # ---- dates

    def _row_year(self, row: _Row) -> int | None:
        if not row.year_read:
            row.year_read = True
            for _, col in self.date_columns:
                if col < len(row.cells):
                    try:
                        d = self.ctx.read_date(row.cells[col])
                    except CellError:
                        continue
                    if d is not None:
                        row.year = d.year
                        break
        return row.year

    def _neighbour_year(self, i: int) -> tuple[int, int] | None:
        """(year, Excel row) of the nearest row with a full date, above first."""
        for distance in range(1, NEIGHBOUR_ROWS + 1):
            for j in (i - distance, i + distance):
                if 0 <= j < len(self.data):
                    year = self._row_year(self.data[j])
                    if year is not None:
                        return year, self.data[j].excel_row
        return None

    def read_dates(
        self,
        i: int,
        keys: tuple[str, ...],
        cells: dict[str, Cell],
        found: dict[str, date | None],
        warnings: list[str],
    ) -> list[str]:
        """The row's dates of ``keys`` into ``found``; returns the problems."""
        ctx = self.ctx
        problems: list[str] = []
        for key in keys:
            cell = cells.get(key)
            if cell is None or cell == "":
                found[key] = None  # no such column, or an empty cell
                continue
            label = FIELDS[key]
            value: date | None = None
            problem: str | None = None
            try:
                value = ctx.read_date(cell)
            except MissingYearError as exc:
                value, problem = self._complete(i, key, exc, found, warnings)
            except CellError as exc:
                problem = f"{label}：{exc.message}"
            if value is not None and value > ctx.today:
                problem = f"{label}（{value:%Y-%m-%d}）晚于今天，请核对年份"
                value = None
            elif value is not None and value.year < EARLIEST_YEAR:
                problem = f"{label}（{value:%Y-%m-%d}）太早了，请核对年份"
                value = None
            if problem is not None:
                problems.append(problem)
            found[key] = value
        return problems

    def _complete(
        self,
        i: int,
        key: str,
        exc: MissingYearError,
        found: dict[str, date | None],
        warnings: list[str],
    ) -> tuple[date | None, str | None]:
        """A date written without a year ("5月6日"): the sheet's year, else a neighbouring
        row's; a date then earlier than the row's registration (or acceptance) is read in the
        following year (a case of December closed in January)."""
        label = FIELDS[key]
        plan = self.plan
        source_row: int | None = None
        if plan.year is not None:
            year = plan.year.year
        else:
            near = self._neighbour_year(i)
            if near is None:
                return None, f"{label}：“{exc.shown}”{NO_YEAR_ANYWHERE}"
            year, source_row = near
        try:
            value = date(year, exc.month, exc.day)
        except ValueError:
            return None, f"{label}：“{exc.shown}”不是存在的日期（按 {year} 年），请核对月、日"
        earlier = found.get("accepted_on") or found.get("registered_on")
        if key == "accepted_on":
            earlier = found.get("registered_on")
        rolled = False
        if earlier is not None and value < earlier and key != "registered_on":
            try:
                later = date(year + 1, exc.month, exc.day)
            except ValueError:
                later = None
            if later is not None and later <= self.ctx.today:
                value, rolled = later, True
        tens = exc.maybe_tens
        if tens is not None:
            warnings.append(
                f"{label}“{exc.shown}”在表格中是数字，"
                f"读作 {value:%Y-%m-%d}（{exc.month}月{exc.day}日）。"
                f"如原本写的是 {exc.month}.{tens}（{exc.month}月{tens}日），Excel 会把它显示成"
                f" {exc.shown}，请在表格中改写成“{exc.month}月{tens}日”后重新导入。"
            )
        if exc.dotted:
            plan.dotted_dates = True
        if rolled:
            warnings.append(
                f"{label}“{exc.shown}”没有写年份，按 {year} 年会早于前面的日期，"
                f"读作 {value:%Y-%m-%d}（跨年）。"
            )
        elif source_row is not None:
            warnings.append(
                f"{label}“{exc.shown}”没有写年份，"
                f"按相邻第{source_row}行的年份读作 {value:%Y-%m-%d}。"
            )
        if source_row is not None:
            plan.neighbour_dates += 1
        else:
            plan.month_day_dates += 1
        return value, None

    # ---- one row

    def read(self, i: int, row: _Row) -> None:
        plan, ctx = self.plan, self.ctx
        excel_row = row.excel_row
        cells_list = row.cells
        width = len(cells_list)
        r = _RowCells(
            i,
            excel_row,
            {f: (cells_list[c] if c < width else None) for c, f in self.mapping.items()},
        )
        values = {self.keys[c]: t for c, t in enumerate(row.texts) if t}
        planned = self._plan(r, values)
        # a number used by an earlier row: the first occurrence in sheet order is the case
        number_text = cell_text(r.get("number"))
        repeat: str | None = None
        if number_text:
            key = norm(number_text)
            first = self.numbers_seen.get(key)
            if first is None:
                self.numbers_seen[key] = excel_row
            else:
                repeat = _repeat_reason(number_text, first, first in self.bad_rows)
        if planned is None:
            self.bad_rows.add(excel_row)
            plan.errors.append(RowError(excel_row, ((repeat,) if repeat else ()) + tuple(r.errors)))
            village = cell_text(r.get("village"))
            if village and ctx.village(village) is None:
                plan.unknown_villages.setdefault(village, []).append(excel_row)
            return
        if repeat is not None:
            first = self.numbers_seen[norm(number_text)]
            planned = replace(
                planned,
                duplicate=Duplicate("file_number", repeat, number=planned.number, row=first),
            )
        plan.cases.append(planned)

    def _plan(self, r: _RowCells, values: dict[str, str]) -> PlannedCase | None:
        """The row as a case, or None when it has errors (then in ``r.errors``)."""
        ctx = self.ctx
        r.errors += self.read_dates(
            r.index, ("registered_on", "accepted_on", "closed_on"), r.cells, r.dates, r.warnings
        )
        registered_on = r.dates["registered_on"] or r.dates["accepted_on"]
        accepted_on = r.dates["accepted_on"]
        number = parse_case_number(r.get("number"), ctx.number_re)  # (each row its own)
        parties = self._parties(r.excel_row, r.cells, r.errors, r.warnings)
        category, source = self._classification(r)
        village = self._village(r)
        mediator_ids = self._mediators(r)
        explicit, outcome = self._state_and_outcome(r)
        closing = outcome if outcome in CLOSING_OUTCOMES else None
        closed_on, basis = self._closing_date(r, closing, explicit, accepted_on or registered_on)
        state = _state(explicit, outcome, closed_on, number is not None, accepted_on, mediator_ids)
        contradiction = state.startswith("!")
        if contradiction:
            r.errors.append(state[1:])
            state = "registered"
        _check_date_order(r, registered_on, accepted_on, closed_on, basis)
        numbered_state = state in NUMBERED_STATES and not (state == "archived" and closing is None)
        if numbered_state and accepted_on is None:
            accepted_on = registered_on
        _check_number(r, state, number, numbered=numbered_state, contradiction=contradiction)
        if mediator_ids and not (numbered_state or (state == "voided" and accepted_on)):
            r.warnings.append("未受理的案件不指派调解员，调解员未关联。")
            mediator_ids = []
        if mediator_ids and state == "accepted":
            state = "assigned"
        performance = self._performance(r, closing)
        amount = self._amount(r)
        confirmation = self._confirmation(r, closing, closed_on)
        if r.errors or registered_on is None:
            return None
        kept_accepted = accepted_on if numbered_state or state == "voided" else None
        due_on = (
            kept_accepted + timedelta(days=ctx.committee.time_limit_days)
            if kept_accepted is not None
            else None
        )
        return PlannedCase(
            row=r.excel_row,
            number=number.text if number else None,
            number_year=number.year if number else None,
            number_seq=number.seq if number else None,
            state=state,
            outcome=closing,
            registered_on=registered_on,
            accepted_on=kept_accepted,
            closed_on=closed_on if closing else None,
            due_on=due_on,
            parties=tuple(parties),
            category=category,
            source=source,
            village_id=village.id if village else None,
            village_name=village.name if village else "",
            mediator_ids=tuple(mediator_ids),
            performance=performance,
            amount_fen=amount,
            confirmation=confirmation,
            facts=cell_text(r.get("facts")),
            note=cell_text(r.get("note")),
            values=values,
            warnings=tuple(r.warnings),
            closed_on_basis=basis if closing else "",
            number_own=number is not None and number.matches_pattern,
        )

    # ---- the row's parts, each read on its own

    def _classification(self, r: _RowCells) -> tuple[str, str]:
        """纠纷类型 and 案件来源 (a value not in the lists is kept with a warning)."""
        ctx = self.ctx
        category_value = r.get("category")
        category, warning = ctx.cached(
            "category", category_value, lambda: parse_category(category_value, ctx.categories)
        )
        if warning:
            r.warnings.append(warning)
        source_value = r.get("source")
        source, warning = ctx.cached(
            "source", source_value, lambda: parse_source(source_value, ctx.sources)
        )
        if warning:
            r.warnings.append(warning)
        return category, source

    def _village(self, r: _RowCells) -> office.Place | None:
        """所在村（社区）: one of the office's, else an error."""
        village_text = cell_text(r.get("village"))
        village = self.ctx.village(village_text) if village_text else None
        if village_text and village is None:
            r.errors.append(
                f"所在村（社区）“{village_text}”不在本所的村（社区）名单中。"
                "请先在“村居档案”中添加它（预览页可以直接添加），"
                "或把表格中的名称改成名单中已有的村名"
            )
        return village

    def _mediators(self, r: _RowCells) -> list[str]:
        """The ids of the mediators named; a name not on the office's list is a warning
        (and listed for the preview's 把这些调解员加入名单…)."""
        ctx = self.ctx
        mediators_text = cell_text(r.get("mediators"))
        found_ids, unknown = ctx.cached(
            "mediators", mediators_text, lambda: ctx.mediators_named(mediators_text)
        )
        for name in unknown:
            self.plan.unknown_mediators.setdefault(norm(name), []).append(r.excel_row)
            r.warnings.append(
                f"调解员“{name}”不在本所调解员名单中，未关联（原文保留在导入记录中）。"
                "可在预览页点“把这些调解员加入名单…”加入后重新检查，这一行即关联该调解员。"
            )
        return list(found_ids)

    def _state_and_outcome(self, r: _RowCells) -> tuple[str | None, str | None]:
        """The state the sheet states (if any) and the 调解结果; an agreement not said to
        be written or oral is read as written, with a warning."""
        ctx = self.ctx
        state_value, outcome_value = r.get("state"), r.get("outcome")
        explicit: str | None = None
        outcome: str | None = None
        if state_value is not None:
            try:
                explicit = ctx.cached("state", state_value, lambda: parse_state(state_value))
            except CellError as exc:
                r.errors.append(exc.message)
        if outcome_value is not None:
            try:
                outcome = ctx.cached("outcome", outcome_value, lambda: parse_outcome(outcome_value))
            except CellError as exc:
                r.errors.append(exc.message)
            if outcome == "agreement_written" and ctx.cached(
                "unclear", outcome_value, lambda: unclear_agreement(outcome_value)
            ):
                self.plan.unclear_agreements.append(r.excel_row)
                r.warnings.append(
                    f"调解结果“{cell_text(outcome_value)}”没有写明是书面协议还是口头协议，"
                    "按“达成书面协议”导入（统计中两者分别计数）。如是口头协议，"
                    f"请在{self.column('outcome')}改成“达成口头协议”后重新导入。"
                )
        return explicit, outcome

    def _closing_date(
        self, r: _RowCells, closing: str | None, explicit: str | None, start: date | None
    ) -> tuple[date | None, str]:
        """The closing date and what it was taken from: "" (its own column), or for a
        closed case without one the basis chosen in the wizard (the 受理日期, the 调解日期,
        or none: "unrecorded")."""
        closed_on = r.dates["closed_on"]
        if (
            closing is None
            or closed_on is not None
            or cell_text(r.get("closed_on"))
            or explicit in ("registered", "declined", "voided")
        ):
            return closed_on, ""
        plan = self.plan
        plan.undated_closings += 1
        if plan.closing_basis is None:
            r.errors.append(NEEDS_CLOSING_BASIS)
            return None, ""
        if plan.closing_basis == "accepted":
            return start, "accepted"
        if plan.closing_basis != "mediated":
            return None, "unrecorded"
        # (read only here: a 调解日期 column is used for nothing else)
        problems = self.read_dates(r.index, ("mediated_on",), r.cells, r.dates, r.warnings)
        if problems:
            r.errors += problems
        elif r.dates["mediated_on"] is None:
            r.errors.append(
                "有调解结果，但结案日期和调解日期都没有填。请在表格中填上其中一个日期，"
                "或在“对应各列”一步改选结案日期“按受理日期记”或“不记载”"
            )
        else:
            return r.dates["mediated_on"], "mediated"
        return None, ""

    def _performance(self, r: _RowCells, closing: str | None) -> str | None:
        """履行情况: only for a closed case (an agreement not yet said to be kept is
        pending)."""
        performance_value = r.get("performance")
        performance, warning = self.ctx.cached(
            "performance", performance_value, lambda: parse_performance(performance_value)
        )
        if warning:
            r.warnings.append(warning)
        if closing is not None:
            if performance is None:
                performance = "pending" if closing in AGREEMENT_OUTCOMES else "na"
        elif performance is not None:
            r.warnings.append("案件未结案，履行情况未导入。")
            performance = None
        return performance

    def _amount(self, r: _RowCells) -> int | None:
        """协议金额 in fen (in 万元 when the column's header says so)."""
        amount_value, unit = r.get("amount"), self.amount_unit
        if amount_value is None:
            return None
        try:
            return self.ctx.cached(
                f"amount{unit}", amount_value, lambda: cell_amount(amount_value, unit=unit)
            )
        except CellError as exc:
            r.errors.append(f"{FIELDS['amount']}：{exc.message}")
            return None

    def _confirmation(
        self, r: _RowCells, closing: str | None, closed_on: date | None
    ) -> ConfirmationValue | None:
        """司法确认: only of a written agreement, applied for after the closing and not
        after today; otherwise left out with a warning (the case is still imported)."""
        confirmation_value = r.get("confirmation")
        if not cell_text(confirmation_value):
            return None
        try:
            confirmation = parse_confirmation(confirmation_value)
        except CellError as exc:  # the text stays in the event
            r.warnings.append(exc.message)
            return None
        if confirmation is None:
            return None
        if closing != "agreement_written":
            r.warnings.append(
                "司法确认只适用于达成书面协议的案件，未导入（原文保留在导入记录中）。"
            )
        elif closed_on is not None and confirmation.applied_on < closed_on:
            r.warnings.append("司法确认的申请日期早于结案日期，未导入（原文保留在导入记录中）。")
        elif confirmation.applied_on > self.ctx.today:
            r.warnings.append("司法确认的申请日期晚于今天，未导入。")
        else:
            return confirmation
        return None

    def _parties(
        self, row: int, cells: dict[str, Cell], errors: list[str], warnings: list[str]
    ) -> list[PartyInput]:
        ctx = self.ctx
        try:
            if "parties" in cells:
                a_text, b_text = split_sides(cells["parties"])
                applicants, w1 = ctx.cached("parties", a_text, lambda: parse_parties(a_text))
                respondents, w2 = ctx.cached("parties", b_text, lambda: parse_parties(b_text))
            else:
                a, b = cells.get("applicants"), cells.get("respondents")
                applicants, w1 = ctx.cached("parties", a, lambda: parse_parties(a))
                respondents, w2 = ctx.cached("parties", b, lambda: parse_parties(b))
        except CellError as exc:
            errors.append(exc.message)
            return []
        warnings.extend(w1 + w2)
        if not applicants and not respondents:
            where = self.column("parties" if "parties" in cells else "applicants")
            errors.append(f"没有当事人姓名。请在{where}填上当事人的姓名")
            return []
        if not applicants:
            errors.append(f"有被申请人但没有申请人。请在{self.column('applicants')}填上申请人")
            return []
        roles: list[tuple[PartyName, str]]
        if respondents:
            roles = [(p, "applicant") for p in applicants]
            roles += [(p, "respondent") for p in respondents]
        else:
            roles = [(p, "party") for p in applicants]
            self.plan.one_sided.append(row)
            where = (
                f"{self.column('parties')}用“与”或“诉”分开双方（如“张三与李四”）"
                if "parties" in cells
                else f"{self.column('respondents')}填上被申请人"
            )
            warnings.append(
                "没有被申请人，按不分申请方、被申请方的“当事人”导入（如调委会主动调解的案件）。"
                f"如有被申请人，请在{where}"
            )
        out: list[PartyInput] = []
        counters: dict[str, int] = {}
        for p, role in roles:
            counters[role] = counters.get(role, 0) + 1
            label = f"{_ROLE_LABELS[role]}{counters[role]}"
            if not (p.id_number or p.org_code or p.phone) and p.name == p.name.strip():
                # what validate_party makes of a name alone (parse_parties checked its length)
                out.append(_bare_party(p.name, role, p.kind))
                continue
            party = PartyInput(
                name=p.name,
                role=role,
                kind=p.kind,
                id_type=p.id_type or "resident_id",
                id_number=p.id_number,
                org_code=p.org_code,
                phone=p.phone,
            )
            try:
                out.append(validate_party(party, label=label, today=ctx.today))
                continue
            except ValidationError as exc:
                if not p.id_number:
                    errors.append(exc.message)
                    continue
                warnings.append(
                    f"{exc.message.rstrip('。')}。该证件号码未导入，"
                    "请导入后在当事人信息中填写正确的号码。"
                )
            try:  # the name without the wrong number
                bare = PartyInput(name=p.name, role=role, kind=p.kind, phone=p.phone)
                out.append(validate_party(bare, label=label, today=ctx.today))
            except ValidationError as exc:
                errors.append(exc.message)
        return out


_ROLE_LABELS = {"applicant": "申请人", "respondent": "被申请人", "party": "当事人"}
_MISSING = object()
_MEDIATOR_SEPARATORS = re.compile(r"[、，,;；/\n\r]+")
_SINGLE_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")


# a note in brackets after a name: "王建华（村调委会）", "陈秀兰(主办)", "何芳【协办】"
_MEDIATOR_NOTE = re.compile(r"[(（\[【〔［][^()（）\[\]【】〔〕［］]*[)）\]】〕］]")
_MEDIATOR_OPEN_NOTE = re.compile(r"[(（\[【〔［][^()（）\[\]【】〔〕［］]*$")  # never closed
# a title written before the name: "调解员王建华", "人民调解员：陈秀兰" (longest first)
_MEDIATOR_TITLES = ("人民调解员", "专职调解员", "兼职调解员", "调解员")


def mediator_name(word: str) -> str:
    """One name of a 调解员 cell without the title written before it, as the list has it:
    "调解员王建华" / "人民调解员：王建华" → 王建华 ("" for a title alone)."""
    for title in _MEDIATOR_TITLES:
        if word.startswith(title):
            return word[len(title) :].lstrip(":：")
    return word


def _split_mediators(text: str) -> list[str]:
    """Names in a 调解员 cell: "王建华、陈秀兰", "王建华 陈秀兰" (spaces between names), and
    "何  芳" (spaces that align a two-character name with three-character ones: one name,
    not 何 and 芳). Notes in brackets ("王建华（村调委会）") and a title before a name
    ("调解员王建华", "人民调解员：王建华") are left out, as 村委会 is of a village name."""
    if not text:
        return []
    if any(c in text for c in "(（[【〔［"):
        text = _MEDIATOR_NOTE.sub(" ", text)
    names: list[str] = []
    for piece in _MEDIATOR_SEPARATORS.split(text):
        piece = _MEDIATOR_OPEN_NOTE.sub("", piece)
        words = [name for name in map(mediator_name, piece.split()) if name]
        if len(words) > 1 and all(_SINGLE_CJK.fullmatch(w) for w in words):
            names.append("".join(words))
        else:
            names.extend(words)
    return names


def _bare_party(name: str, role: str, kind: str) -> PartyInput:
    """validate_party's result for a name without numbers (it only normalises blanks):
    a copy of a template with the name set, without PartyInput's (frozen) __init__, which
    was a sixth of the preview's time."""
    party = object.__new__(PartyInput)
    party.__dict__.update(_BARE_PARTIES[role, kind])
    party.__dict__["name"] = name
    return party


_BARE_PARTIES = {
    (role, kind): dict(
        (
            PartyInput(name="", role=role, kind="person")
            if kind == "person"
            else PartyInput(
                name="", role=role, kind="org", sex="", ethnicity="", birth_date=None, id_type=""
            )
        ).__dict__
    )
    for role in ("applicant", "respondent", "party")
    for kind in ("person", "org")
}


def _repeat_reason(number: str, first: int, first_bad: bool) -> str:
    text = (
        f"案件编号“{number}”与第{first}行重复：同一编号只能有一件案件，按表中先出现的第{first}行导入。"
        "如果是同一件案件写了两遍，请删去这一行；如果是另一件案件，请改正这一行的编号"
        "（或清空，导入时自动编号）"
    )
    if first_bad:
        text += f"。第{first}行本身有错误，改正后才能导入"
    return text


def _check_date_order(
    r: _RowCells,
    registered_on: date | None,
    accepted_on: date | None,
    closed_on: date | None,
    basis: str,
) -> None:
    """A row needs a registration (or acceptance) date, and its dates in order."""
    date_error = any(e.startswith(("登记日期", "受理日期")) for e in r.errors)
    if registered_on is None:
        if not date_error:
            r.errors.append(
                "没有登记日期（也没有受理日期）。请在表格中填上登记日期或受理日期，"
                "或在“对应各列”一步指出日期所在的列"
            )
        return
    if accepted_on is not None and accepted_on < registered_on:
        r.errors.append(
            f"受理日期（{accepted_on:%Y-%m-%d}）早于登记日期（{registered_on:%Y-%m-%d}），"
            "请核对这两个日期"
        )
    start = accepted_on or registered_on
    if closed_on is not None and closed_on < start:
        label = "调解日期" if basis == "mediated" else "结案日期"
        r.errors.append(
            f"{label}（{closed_on:%Y-%m-%d}）早于受理日期（{start:%Y-%m-%d}），请核对这两个日期"
        )


def _check_number(
    r: _RowCells, state: str, number: CaseNumber | None, *, numbered: bool, contradiction: bool
) -> None:
    """A case not accepted has no number (unless its state was already found wrong); one
    accepted without a number gets one."""
    if state in ("registered", "declined") and number is not None and not contradiction:
        r.errors.append(
            f"状态为“{STATES[state]}”（未受理）的案件不应有案件编号“{number.text}”。"
            "请删去编号，或把状态改为“已受理”"
        )
    if numbered and number is None:
        r.warnings.append("没有案件编号，导入时按受理年份和本调委会的编号规则自动编号。")


def _at(headers: list[str], col: int) -> str:
    return headers[col] if col < len(headers) else ""


def _signature(p: PlannedCase) -> tuple[frozenset[str], frozenset[str]]:
    a = frozenset(norm(x.name) for x in p.parties if x.role != "respondent")
    b = frozenset(norm(x.name) for x in p.parties if x.role == "respondent")
    return a, b


def _lent_numbers(ctx: _Office) -> dict[tuple[int | None, int | None], str]:
    """(year, seq) of every number in a block lent to a field laptop and not yet handed back:
    the laptop may have given it to a case (docs/sync.md "Case numbers")."""
    lent: dict[tuple[int | None, int | None], str] = {}
    for year, first, last, name in ctx.db.query(
        "SELECT b.year, b.first_seq, b.last_seq, "
        "coalesce(d.name, '外出笔记本') FROM number_blocks b "
        "LEFT JOIN devices d ON d.id = b.device "
        "WHERE b.committee_id = ? AND b.reclaimed = 0",
        (ctx.committee.id,),
    ):
        for seq in range(int(first), int(last) + 1):
            lent[(int(year), seq)] = str(name)
    return lent


def _find_duplicates(ctx: _Office, plan: ImportPlan) -> None:
    """Pass 3, in sheet order: the number already in the database, the same parties on
    the same day in the database, or in an earlier row of the sheet."""
    existing = ctx.existing_numbers(plan.cases)
    lent = _lent_numbers(ctx)
    seen: dict[tuple[str, frozenset[str], frozenset[str]], int] = {}
    for i, p in enumerate(plan.cases):
        if p.duplicate is not None:
            continue
        duplicate: Duplicate | None = None
        if i in existing:
            case_id, number = existing[i]
            duplicate = Duplicate(
                "number", f"本系统中已有编号为“{number}”的案件", case_id=case_id, number=number
            )
        elif p.number_own and (p.number_year, p.number_seq) in lent:
            duplicate = Duplicate(
                "number",
                f"案号“{p.number}”在借给外出笔记本“{lent[(p.number_year, p.number_seq)]}”"
                "的号段内，笔记本可能已经用了它。请在表格中改正案号，或等笔记本同步交回号段后再导入",
                number=p.number,
            )
        else:
            signature = _signature(p)
            key = (p.registered_on.isoformat(), *signature)
            same = ctx.same_parties(p.registered_on, signature)
            if same is not None:
                case_id, number = same
                duplicate = Duplicate(
                    "parties",
                    "本系统中已有同一天登记、当事人相同的案件"
                    + (f"（{number}）" if number else ""),
                    case_id=case_id,
                    number=number or None,
                )
            elif key in seen:
                duplicate = Duplicate(
                    "file", f"与第{seen[key]}行的登记日期和当事人相同", row=seen[key]
                )
            else:
                seen[key] = p.row
        if duplicate is not None:
            plan.cases[i] = replace(p, duplicate=duplicate)


def closings_without_date(
    workbook: Workbook, sheet: str, header_row: int, mapping: dict[int, str]
) -> int:
    """How many rows have a closing result (调解结果) but an empty 结案日期: the rows the
    wizard's closing-date question is about (0 when no result column is mapped)."""
    columns = {f: c for c, f in mapping.items()}
    outcome_col = columns.get("outcome")
    if outcome_col is None:
        return 0
    closed_col = columns.get("closed_on")
    party_columns = tuple(c for c, f in mapping.items() if f in PARTY_FIELDS)
    rows = workbook.rows(sheet)
    known: dict[str, bool] = {}
    count = 0
    for cells in rows[header_row:]:
        if outcome_col >= len(cells):
            continue
        text = cell_text(cells[outcome_col])
        if not text:
            continue
        if closed_col is not None and closed_col < len(cells) and cell_text(cells[closed_col]):
            continue
        if text not in known:
            try:
                known[text] = parse_outcome(text) in CLOSING_OUTCOMES
            except CellError:
                known[text] = False
        if known[text] and row_kind([cell_text(v) for v in cells], party_columns) is None:
            count += 1
    return count


def _state(
    explicit: str | None,
    outcome: str | None,
    closed_on: date | None,
    numbered: bool,
    accepted_on: date | None,
    mediator_ids: list[str],
) -> str:
    """The state the case enters; "!reason" when the row contradicts itself. (A result
    without a closing date is dated, or reported, before this.)"""
    closing = outcome in CLOSING_OUTCOMES
    if explicit == "voided":
        return "voided"
    if explicit in ("registered", "declined"):
        if closing or closed_on is not None:
            return (
                f"!状态为“{STATES[explicit]}”，但填了调解结果或结案日期。"
                "请改正状态，或删去调解结果和结案日期"
            )
        return explicit
    if explicit == "archived" and outcome is None and closed_on is None:
        # archived without an outcome: a 不予受理 case that was archived (never numbered)
        return (
            "!已归档的案件有案件编号或受理日期，但没有调解结果。请补上调解结果"
            "（不予受理后归档的案件不应有编号和受理日期）"
            if numbered
            else "archived"
        )
    if explicit in ("closed", "archived") or closing or closed_on is not None:
        if explicit in ACTIVE_STATES:
            return (
                f"!状态为“{STATES[explicit]}”，但填了调解结果或结案日期。"
                "请改正状态（如“已结案”），或删去调解结果和结案日期"
            )
        if outcome == OPEN:
            return (
                "!调解结果为“调解中”，但填了结案日期或已结案的状态。请改正调解结果，或删去结案日期"
            )
        if not closing:
            return (
                "!已结案（或填了结案日期）的案件要写明调解结果。请在调解结果一栏填"
                "“调解成功”“达成口头协议”“调解不成”或“撤回”"
            )
        return explicit or "closed"
    if explicit is not None:
        return explicit
    if outcome == OPEN or mediator_ids:
        return "mediating"
    if numbered or accepted_on is not None:
        return "accepted"
    return "registered"


_VILLAGE_SUFFIXES = (
    ("村民委员会", "村"),
    ("居民委员会", "社区"),
    ("村委会", "村"),
    ("居委会", "社区"),
)
_VILLAGE_GROUP = re.compile(r"^(.+?(?:村|社区))[^村社区]*?组$")


def villages_to_add(plan: ImportPlan) -> list[tuple[str, str]]:
    """(name, kind) for each village named in the sheet but unknown to the office, as it
    would be added to the list: “幸福村委会” → 幸福村, “东湖居委会” → 东湖社区, “幸福村三组” →
    幸福村; kind "community" for a 社区, else "village"."""
    out: list[tuple[str, str]] = []
    for written in plan.unknown_villages:
        name = norm(written)
        for suffix, short in _VILLAGE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)] + short
                break
        if m := _VILLAGE_GROUP.match(name):
            name = m[1]
        kind = "community" if name.endswith("社区") else "village"
        if (name, kind) not in out:
            out.append((name, kind))
    return out
