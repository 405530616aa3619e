"""The preview: every row of the sheet checked and turned into a planned case, or a row error
with its Excel row number and the reasons. Nothing is written here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TypeVar

from app.models import office
from app.models.db import Database
from app.models.errors import OperationCancelledError, ValidationError
from app.models.ledger_import.mapping import (
    FIELDS,
    check_mapping,
    column_letter,
    header_names,
    normalize_header,
)
from app.models.ledger_import.reading import Workbook
from app.models.ledger_import.values import (
    CLOSING_OUTCOMES,
    OPEN,
    Cell,
    CellError,
    ConfirmationValue,
    PartyName,
    cell_text,
    norm,
    number_regex,
    parse_amount,
    parse_case_number,
    parse_category,
    parse_confirmation,
    parse_date,
    parse_outcome,
    parse_parties,
    parse_performance,
    parse_source,
    parse_state,
    row_kind,
    split_sides,
)
from app.models.parties import PartyInput, validate_party
from app.models.reference import AGREEMENT_OUTCOMES, OUTCOMES, STATES, categories, sources

_T = TypeVar("_T")
ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

EARLIEST_YEAR = 2000  # as the services' date checks (cases._check_date)
ACTIVE_STATES = frozenset({"accepted", "assigned", "mediating"})
NUMBERED_STATES = ACTIVE_STATES | {"closed", "archived"}
_ROW_KIND_LABELS = {"total": "合计/小计行", "footer": "表尾（制表人、说明等）"}


@dataclass(frozen=True)
class Duplicate:
    """Why a planned case looks like one that already exists."""

    kind: str  # number | parties (an existing case) | file (an earlier row of the sheet)
    reason: str  # plain Chinese, for the preview
    case_id: str | None = None
    number: str | None = None
    row: int | None = None

    @property
    def blocking(self) -> bool:
        """A case number already in the database cannot be imported a second time."""
        return self.kind == "number"


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

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome or "", "")

    @property
    def party_names(self) -> str:
        return "、".join(p.name for p in self.parties)


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
    reason: str  # 空行 / 合计/小计行 / 表尾


@dataclass
class ImportPlan:
    file_name: str
    sheet: str
    header_row: int
    headers: list[str]
    mapping: dict[int, str]
    committee_id: str
    cases: list[PlannedCase] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)  # 合计/小计 rows, footers
    blank_rows: int = 0
    # villages named in the sheet but unknown to the office -> the rows naming them
    unknown_villages: dict[str, list[int]] = field(default_factory=dict)

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


# ---------------------------------------------------------------------------------------


class _Office:
    """What rows are checked against, read once per preview."""

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

    def village(self, text: str) -> office.Place | None:
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

    def existing_number(self, number: str, year: int | None, seq: int | None, own: bool) -> str:
        row = self.db.one("SELECT id, number FROM cases WHERE number = ?", (number,))
        if row is None and own and year is not None and seq is not None:
            row = self.db.one(
                "SELECT id, number FROM cases WHERE number_year = ? AND number_seq = ? "
                "AND committee_id = ?",
                (year, seq, self.committee.id),
            )
        return "" if row is None else f"{row['id']}\x1f{row['number']}"

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


def preview(
    db: Database,
    workbook: Workbook,
    sheet: str,
    header_row: int,
    mapping: dict[int, str],
    *,
    today: date | None = None,
    committee_id: str | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ImportPlan:
    """Check every row below ``header_row`` (the Excel row number of the last header row)
    with the column ``mapping`` ({column index: field}); nothing is written.

    Raises ColumnMappingError when the mapping cannot be used."""
    today = today or date.today()
    headers = header_names(workbook, sheet, header_row)
    check_mapping(mapping, headers)
    rows = workbook.rows(sheet)
    ctx = _Office(db, committee_id, today)
    plan = ImportPlan(
        workbook.file_name, sheet, header_row, headers, dict(mapping), ctx.committee.id
    )
    amount_col = next((c for c, f in mapping.items() if f == "amount"), None)
    amount_unit = 1
    if amount_col is not None and "万元" in normalize_header(_at(headers, amount_col)):
        amount_unit = 10_000
    width = max((len(r) for r in rows), default=0)
    keys = _column_keys(headers, width)
    numbers_seen: dict[str, int] = {}
    signatures_seen: dict[tuple[str, frozenset[str], frozenset[str]], int] = {}
    total = len(rows) - header_row
    for index in range(header_row, len(rows)):
        excel_row = index + 1
        done = index - header_row
        if done % 500 == 0 and done:
            if cancelled is not None and cancelled():
                raise OperationCancelledError("已取消预览。")
            if progress is not None:
                progress(done, total)
        cells = rows[index]
        kind = row_kind(cells)
        if kind == "blank":
            plan.blank_rows += 1
            continue
        if kind is not None:
            plan.skipped.append(SkippedRow(excel_row, _ROW_KIND_LABELS[kind]))
            continue
        values = {keys[c]: cell_text(v) for c, v in enumerate(cells) if cell_text(v)}
        by_field: dict[str, Cell] = {
            f: (cells[c] if c < len(cells) else None) for c, f in mapping.items()
        }
        planned, reasons = _plan_row(ctx, excel_row, by_field, values, amount_unit)
        if planned is None:
            plan.errors.append(RowError(excel_row, tuple(reasons)))
            village = cell_text(by_field.get("village"))
            if village and ctx.village(village) is None:
                plan.unknown_villages.setdefault(village, []).append(excel_row)
            continue
        # duplicates: within the sheet, then against the database
        if planned.number is not None:
            key = norm(planned.number)
            if key in numbers_seen:
                plan.errors.append(
                    RowError(
                        excel_row,
                        (f"案件编号“{planned.number}”与第{numbers_seen[key]}行重复",),
                    )
                )
                continue
            numbers_seen[key] = excel_row
        duplicate = _find_duplicate(ctx, planned, signatures_seen)
        if duplicate is not None:
            planned = _with_duplicate(planned, duplicate)
        plan.cases.append(planned)
    if progress is not None:
        progress(max(total, 0), max(total, 0))
    return plan


def _at(headers: list[str], col: int) -> str:
    return headers[col] if col < len(headers) else ""


def _with_duplicate(p: PlannedCase, d: Duplicate) -> PlannedCase:
    return replace(p, duplicate=d)


def _signature(p: PlannedCase) -> tuple[frozenset[str], frozenset[str]]:
    a = frozenset(norm(x.name) for x in p.parties if x.role != "respondent")
    b = frozenset(norm(x.name) for x in p.parties if x.role == "respondent")
    return a, b


def _find_duplicate(
    ctx: _Office,
    p: PlannedCase,
    seen: dict[tuple[str, frozenset[str], frozenset[str]], int],
) -> Duplicate | None:
    if p.number is not None:
        found = ctx.existing_number(
            p.number, p.number_year, p.number_seq, ctx.number_re.match(norm(p.number)) is not None
        )
        if found:
            case_id, number = found.split("\x1f")
            return Duplicate(
                "number",
                f"本系统中已有编号为“{number}”的案件",
                case_id=case_id,
                number=number,
            )
    signature = _signature(p)
    key = (p.registered_on.isoformat(), *signature)
    same = ctx.same_parties(p.registered_on, signature)
    if same is not None:
        case_id, number = same
        return Duplicate(
            "parties",
            f"本系统中已有同一天登记、当事人相同的案件{f'（{number}）' if number else ''}",
            case_id=case_id,
            number=number or None,
        )
    if key in seen:
        return Duplicate("file", f"与第{seen[key]}行的登记日期和当事人相同", row=seen[key])
    seen[key] = p.row
    return None


# ---------------------------------------------------------------------------------------
# One row


def _plan_row(
    ctx: _Office,
    row: int,
    cells: dict[str, Cell],
    values: dict[str, str],
    amount_unit: int,
) -> tuple[PlannedCase | None, list[str]]:
    errors: list[str] = []
    warnings: list[str] = []

    def get(key: str) -> Cell:
        return cells.get(key)

    def attempt(fn: Callable[[], _T], default: _T) -> _T:
        try:
            return fn()
        except CellError as exc:
            errors.append(exc.message)
            return default

    # dates
    dates: dict[str, date | None] = {}
    for key in ("registered_on", "accepted_on", "closed_on"):
        label = FIELDS[key]
        value: date | None = None
        try:
            value = parse_date(get(key))
        except CellError as exc:
            errors.append(f"{label}：{exc.message}")
        if value is not None and value > ctx.today:
            errors.append(f"{label}（{value:%Y-%m-%d}）晚于今天")
            value = None
        elif value is not None and value.year < EARLIEST_YEAR:
            errors.append(f"{label}（{value:%Y-%m-%d}）太早了，请核对年份")
            value = None
        dates[key] = value
    registered_on = dates["registered_on"] or dates["accepted_on"]
    accepted_on = dates["accepted_on"]
    closed_on = dates["closed_on"]

    # number, parties
    number = attempt(lambda: parse_case_number(get("number"), ctx.number_re), None)
    parties = _parties(ctx, cells, errors, warnings)

    # classification
    category, warning = parse_category(get("category"), ctx.categories)
    if warning:
        warnings.append(warning)
    source, warning = parse_source(get("source"), ctx.sources)
    if warning:
        warnings.append(warning)
    village_text = cell_text(get("village"))
    village = ctx.village(village_text) if village_text else None
    if village_text and village is None:
        errors.append(
            f"所在村（社区）“{village_text}”不在本所的村（社区）名单中。"
            "请先在村（社区）名单中添加它，或把表格中的名称改成名单中已有的村名"
        )
    mediator_ids: list[str] = []
    for name in re.split(r"[、，,;；/\s]+", cell_text(get("mediators"))):
        if not name:
            continue
        mediator_id = ctx.mediators.get(norm(name))
        if mediator_id is None:
            warnings.append(f"调解员“{name}”不在本所调解员名单中，未关联（原文保留在导入记录中）。")
        elif mediator_id not in mediator_ids:
            mediator_ids.append(mediator_id)

    # state and outcome
    explicit = attempt(lambda: parse_state(get("state")), None)
    outcome = attempt(lambda: parse_outcome(get("outcome")), None)
    state = _state(explicit, outcome, closed_on, number is not None, accepted_on, mediator_ids)
    if state.startswith("!"):
        errors.append(state[1:])
        state = "registered"
    closing = outcome if outcome in CLOSING_OUTCOMES else None

    if registered_on is None and not any(e.startswith(("登记日期", "受理日期")) for e in errors):
        errors.append("没有登记日期（也没有受理日期），无法导入")
    if registered_on is not None:
        if accepted_on is not None and accepted_on < registered_on:
            errors.append(
                f"受理日期（{accepted_on:%Y-%m-%d}）早于登记日期（{registered_on:%Y-%m-%d}）"
            )
        start = accepted_on or registered_on
        if closed_on is not None and closed_on < start:
            errors.append(f"结案日期（{closed_on:%Y-%m-%d}）早于受理日期（{start:%Y-%m-%d}）")

    numbered_state = state in NUMBERED_STATES and not (state == "archived" and closing is None)
    if numbered_state and accepted_on is None:
        accepted_on = registered_on
    if state in ("registered", "declined") and number is not None:
        errors.append(f"状态为“{STATES[state]}”（未受理）的案件不应有案件编号“{number.text}”")
    if numbered_state and number is None:
        warnings.append("没有案件编号，导入时按受理年份和本调委会的编号规则自动编号。")
    if mediator_ids and not (numbered_state or (state == "voided" and accepted_on)):
        warnings.append("未受理的案件不指派调解员，调解员未关联。")
        mediator_ids = []
    if mediator_ids and state == "accepted":
        state = "assigned"

    performance, warning = parse_performance(get("performance"))
    if warning:
        warnings.append(warning)
    if closing is not None:
        if performance is None:
            performance = "pending" if closing in AGREEMENT_OUTCOMES else "na"
    elif performance is not None:
        warnings.append("案件未结案，履行情况未导入。")
        performance = None

    amount = attempt(lambda: parse_amount(get("amount"), unit=amount_unit), None)

    confirmation: ConfirmationValue | None = None
    try:
        confirmation = parse_confirmation(get("confirmation"))
    except CellError as exc:  # the case is still imported; the text stays in the event
        warnings.append(exc.message)
    if confirmation is not None:
        if closing != "agreement_written":
            warnings.append("司法确认只适用于达成书面协议的案件，未导入（原文保留在导入记录中）。")
            confirmation = None
        elif closed_on is not None and confirmation.applied_on < closed_on:
            warnings.append("司法确认的申请日期早于结案日期，未导入（原文保留在导入记录中）。")
            confirmation = None
        elif confirmation.applied_on > ctx.today:
            warnings.append("司法确认的申请日期晚于今天，未导入。")
            confirmation = None

    if errors or registered_on is None:
        return None, errors
    due_on = (
        accepted_on + timedelta(days=ctx.committee.time_limit_days)
        if accepted_on is not None and (numbered_state or state == "voided")
        else None
    )
    return (
        PlannedCase(
            row=row,
            number=number.text if number else None,
            number_year=number.year if number else None,
            number_seq=number.seq if number else None,
            state=state,
            outcome=closing,
            registered_on=registered_on,
            accepted_on=accepted_on if numbered_state or state == "voided" else None,
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
            facts=cell_text(get("facts")),
            note=cell_text(get("note")),
            values=values,
            warnings=tuple(warnings),
        ),
        [],
    )


def _state(
    explicit: str | None,
    outcome: str | None,
    closed_on: date | None,
    numbered: bool,
    accepted_on: date | None,
    mediator_ids: list[str],
) -> str:
    """The state the case enters; "!reason" when the row contradicts itself."""
    closing = outcome in CLOSING_OUTCOMES
    if explicit == "voided":
        return "voided"
    if explicit in ("registered", "declined"):
        if closing or closed_on is not None:
            return f"!状态为“{STATES[explicit]}”，但填了调解结果或结案日期，请核对"
        return explicit
    if explicit == "archived" and outcome is None and closed_on is None:
        # archived without an outcome: a 不予受理 case that was archived (never numbered)
        return (
            "!已归档的案件有案件编号或受理日期，但没有调解结果和结案日期"
            if numbered
            else "archived"
        )
    if explicit in ("closed", "archived") or closing or closed_on is not None:
        if explicit in ACTIVE_STATES:
            return f"!状态为“{STATES[explicit]}”，但填了调解结果或结案日期，请核对"
        if outcome == OPEN:
            return "!调解结果为“调解中”，但填了结案日期或已结案的状态，请核对"
        if not closing:
            return "!已结案的案件要写明调解结果（调解成功、达成口头协议、调解不成或撤回）"
        if closed_on is None:
            return "!有调解结果，但没有结案日期"
        return explicit or "closed"
    if explicit is not None:
        return explicit
    if outcome == OPEN or mediator_ids:
        return "mediating"
    if numbered or accepted_on is not None:
        return "accepted"
    return "registered"


def _parties(
    ctx: _Office, cells: dict[str, Cell], errors: list[str], warnings: list[str]
) -> list[PartyInput]:
    try:
        if "parties" in cells:
            a_text, b_text = split_sides(cells["parties"])
            applicants, w1 = parse_parties(a_text)
            respondents, w2 = parse_parties(b_text)
        else:
            applicants, w1 = parse_parties(cells.get("applicants"))
            respondents, w2 = parse_parties(cells.get("respondents"))
    except CellError as exc:
        errors.append(exc.message)
        return []
    warnings.extend(w1 + w2)
    if not applicants and not respondents:
        errors.append("没有当事人姓名")
        return []
    if not applicants:
        errors.append("有被申请人但没有申请人")
        return []
    roles: list[tuple[PartyName, str]]
    if respondents:
        roles = [(p, "applicant") for p in applicants] + [(p, "respondent") for p in respondents]
    else:
        roles = [(p, "party") for p in applicants]
    out: list[PartyInput] = []
    counters: dict[str, int] = {}
    for p, role in roles:
        counters[role] = counters.get(role, 0) + 1
        label = f"{_ROLE_LABELS[role]}{counters[role]}"
        party = PartyInput(
            name=p.name,
            role=role,
            kind=p.kind,
            id_type=p.id_type or "resident_id",
            id_number=p.id_number,
            org_code=p.org_code,
        )
        try:
            out.append(validate_party(party, label=label, today=ctx.today))
            continue
        except ValidationError as exc:
            if not p.id_number:
                errors.append(exc.message)
                continue
            warnings.append(f"{exc.message.rstrip('。')}。该证件号码未导入。")
        try:  # the name without the wrong number
            bare = PartyInput(name=p.name, role=role, kind=p.kind)
            out.append(validate_party(bare, label=label, today=ctx.today))
        except ValidationError as exc:
            errors.append(exc.message)
    return out


_ROLE_LABELS = {"applicant": "申请人", "respondent": "被申请人", "party": "当事人"}
