"""Counting: indicators, breakdowns, the report, drill-down and the chart series.

A period of whole months without filters (a month, a quarter, a year) is read from the
per-month summary (summary.py): per breakdown and key the sums of its months, less what a
sum of months counts twice (a case with applications or referrals in two of them), plus
the overdue stock on the as-of day, counted live. A year then reads twelve rows per key,
not its twenty thousand cases.

Everything else (a range of days, filters, drill-down lists, a file without the summary
or with changes it has not taken in) is counted live: one statement per period reads the
cases that have any date in it (each date through its own index), evaluates every
definition once per case into a bit mask (definitions.MASK_SQL) and returns one short row
per case; Python then counts the masks per category, source, village, committee and
mediator. Both read the same definitions; tests/models/test_stats_summary.py checks that
they give the same figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, timedelta
from itertools import compress, repeat
from typing import Any, Literal, TypedDict, get_args

from app.models.db import Database, read_snapshot
from app.models.reference import categories, sources
from app.models.stats import summary
from app.models.stats.definitions import (
    AMOUNT_CASE_SQL,
    BITS,
    COUNT_INDICATORS,
    DEFINITIONS,
    MASK_SQL,
    WHEN,
    Indicators,
    decode,
    group_bits_sql,
    make_indicators,
)
from app.models.stats.period import Period


@dataclass(frozen=True)
class Filters:
    """Restrict every figure to the cases of one category, source (code), village,
    committee or mediator (ids); None = all. A case's mediators are its current ones."""

    category: str | None = None
    source: str | None = None
    village_id: str | None = None
    committee_id: str | None = None
    mediator_id: str | None = None


By = Literal["category", "source", "village", "committee", "mediator"]
BREAKDOWNS: tuple[By, ...] = get_args(By)
BY_LABELS: dict[By, str] = {
    "category": "纠纷类型",
    "source": "案件来源",
    "village": "村（社区）",
    "committee": "调委会",
    "mediator": "调解员",
}
_NONE_LABELS: dict[By, str] = {
    "category": "未填写纠纷类型",
    "source": "未填写案件来源",
    "village": "未填写村（社区）",
    "committee": "未填写调委会",
    "mediator": "未指派调解员",
}
TOTAL_LABEL = "合计"
NONE_KEY = ""  # the row of the cases without a village / mediator …

# A case's row for the breakdowns is (mask, amount, *_COLUMNS, its current mediators' ids
# joined by commas); _COLUMN says where each breakdown finds its key.
_COLUMNS = "c.category, c.source, c.village_id, c.committee_id"
_COLUMN: dict[By, int] = {"category": 2, "source": 3, "village": 4, "committee": 5, "mediator": 6}
_MEDIATORS = (
    "(SELECT group_concat(a.mediator_id) FROM assignments a "
    "WHERE a.case_id = c.id AND a.ended_on IS NULL)"
)
_CURRENT_MEDIATOR = "SELECT 1 FROM assignments a WHERE a.case_id = c.id AND a.ended_on IS NULL"

# The period's judicial-confirmation applications (the latest per case), its referrals,
# and the candidate cases: every case with one of the WHEN dates in the period.
_WITH = """WITH jc AS (
    SELECT seq, result FROM (
        SELECT c.seq, j.result, row_number() OVER (
            PARTITION BY j.case_id ORDER BY j.applied_on DESC, j.id DESC
        ) AS rn
        FROM judicial_confirmations j CROSS JOIN cases c ON c.id = j.case_id
        WHERE j.applied_on BETWEEN :start AND :end
    ) WHERE rn = 1
),
rf AS (
    SELECT c.seq, max(r.feedback_on IS NOT NULL) AS answered
    FROM referrals r CROSS JOIN cases c ON c.id = r.case_id
    WHERE r.referred_on BETWEEN :start AND :end GROUP BY c.seq
),
cand(seq) AS (
    SELECT seq FROM cases WHERE registered_on BETWEEN :start AND :end
    UNION SELECT seq FROM cases WHERE accepted_on BETWEEN :start AND :end
    UNION SELECT seq FROM cases WHERE declined_on BETWEEN :start AND :end
    UNION SELECT seq FROM cases WHERE closed_on BETWEEN :start AND :end
    UNION SELECT seq FROM cases WHERE closed_on IS NULL AND due_on < :asof
    UNION SELECT seq FROM cases WHERE closed_on > :asof AND due_on < :asof AND closed_on > due_on
    UNION SELECT seq FROM jc
    UNION SELECT seq FROM rf
)
"""
_FROM = """FROM cand CROSS JOIN cases c ON c.seq = cand.seq
LEFT JOIN agreements ag ON ag.case_id = c.id
LEFT JOIN jc ON jc.seq = c.seq
LEFT JOIN rf ON rf.seq = c.seq
"""


@dataclass(frozen=True)
class Row:
    """One line of a breakdown. ``key``: the category, the source code, or the id of the
    village, committee or mediator; NONE_KEY for cases without one; None for 合计."""

    key: str | None
    label: str
    values: Indicators

    @property
    def is_total(self) -> bool:
        return self.key is None


@dataclass(frozen=True)
class Report:
    """What the statistics screen and the monthly report show for one period."""

    period: Period
    this: Indicators
    last_year: Indicators
    breakdowns: dict[By, list[Row]]


# ---------------------------------------------------------------------------------------
# The one statement


def _params(period: Period, today: date | None) -> dict[str, Any]:
    as_of = period.as_of(today or date.today())
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "asof": str(as_of)}


def _where(filters: Filters | None, params: dict[str, Any]) -> str:
    clauses = ["c.state <> 'voided'"]  # a voided case never counts
    if filters is not None:
        for column, name, value in (
            ("c.category", "f_category", filters.category),
            ("c.source", "f_source", filters.source),
            ("c.village_id", "f_village", filters.village_id),
            ("c.committee_id", "f_committee", filters.committee_id),
        ):
            if value is not None:
                clauses.append(f"{column} = :{name}")
                params[name] = value
        if filters.mediator_id is not None:
            clauses.append(f"EXISTS ({_CURRENT_MEDIATOR} AND a.mediator_id = :f_mediator)")
            params["f_mediator"] = filters.mediator_id
    return " AND ".join(clauses)


def _case_sql(
    period: Period,
    params: dict[str, Any],
    *,
    filters: Filters | None,
    today: date | None,
    columns: str = "",
    extra_where: str = "",
) -> str:
    """One row per candidate case of the period: (mask, amount, *columns). A candidate
    with mask 0 counts nowhere: the caller skips it."""
    params.update(_params(period, today))
    where = _where(filters, params) + extra_where
    more = f",\n  {columns}" if columns else ""
    return f"{_WITH}SELECT {MASK_SQL},\n  {AMOUNT_CASE_SQL}{more}\n{_FROM}WHERE {where}"


def _tuples(db: Database, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    cursor = db.conn.cursor()
    cursor.row_factory = None  # plain tuples: 20,000 sqlite3.Row objects cost more
    with db.reading():
        return cursor.execute(sql, params).fetchall()


Cells = dict[str, Indicators]  # breakdown key (NONE_KEY: cases without one) -> figures

_SET_BITS: dict[int, list[int]] = {}  # mask -> positions in COUNT_INDICATORS of its 1s


def _set_bits(mask: int) -> list[int]:
    found = _SET_BITS.get(mask)
    if found is None:
        found = _SET_BITS[mask] = [i for i, b in enumerate(decode(mask)) if b]
    return found


def _cells(counted: Iterable[tuple[tuple[str | None, int], int]], amounts: Counter[Any]) -> Cells:
    """Indicators per key from ((key, mask), number of cases) pairs."""
    sums: dict[str | None, list[int]] = {}
    for (key, mask), n in counted:
        acc = sums.get(key)
        if acc is None:
            acc = sums[key] = [0] * len(COUNT_INDICATORS)
        for i in _set_bits(mask):
            acc[i] += n
    return {
        NONE_KEY if key is None else str(key): make_indicators(acc, int(amounts[key]))
        for key, acc in sums.items()
    }


def _total(
    db: Database, period: Period, *, filters: Filters | None, today: date | None
) -> Indicators:
    """The total alone: two integers a case come back."""
    summed = _from_summary(db, period, filters, today=today)
    if summed is not None:
        return summed[None][NONE_KEY]
    params: dict[str, Any] = {}
    rows = _tuples(db, _case_sql(period, params, filters=filters, today=today), params)
    masks = Counter(m for m, _ in rows if m)
    amount = Counter({None: sum(a for _, a in rows)})
    return _cells((((None, m), n) for m, n in masks.items()), amount).get(NONE_KEY, Indicators())


def _aggregate(
    db: Database,
    period: Period,
    dims: tuple[By | None, ...],
    *,
    filters: Filters | None,
    today: date | None,
) -> dict[By | None, Cells]:
    """For each of ``dims`` the indicators per key; the dimension None is the total (one
    cell, under NONE_KEY)."""
    summed = _from_summary(db, period, filters, today=today)
    if summed is not None:
        return summed
    params: dict[str, Any] = {}
    keys = f"{_COLUMNS}, {_MEDIATORS if 'mediator' in dims else 'NULL'}"
    rows = [
        r
        for r in _tuples(
            db, _case_sql(period, params, filters=filters, today=today, columns=keys), params
        )
        if r[0]
    ]
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7
    masks, amounts = columns[0], columns[1]
    paid = list(compress(amounts, amounts))
    out: dict[By | None, Cells] = {}
    # Every case has exactly one category: the total is the sum of that breakdown.
    by_case = next((d for d in dims if d is not None and d != "mediator"), None)
    for dim in dims:
        if dim is None and by_case is not None:
            continue
        if dim is None:
            counted: Counter[tuple[Any, int]] = Counter(zip(repeat(None), masks))
            money: Counter[Any] = Counter({None: sum(paid)})
        else:
            column = columns[_COLUMN[dim]]
            counted = Counter(zip(column, masks, strict=True))
            money = Counter()
            for key, amount in zip(compress(column, amounts), paid, strict=True):
                money[key] += amount
            if dim == "mediator":  # "id1,id2": the case counts for each of its mediators
                counted, money = _split(counted), _split_money(money)
        out[dim] = _cells(counted.items(), money)
    if None in dims:
        if by_case is not None:
            out[None] = {NONE_KEY: _sum(out[by_case].values())}
        out[None].setdefault(NONE_KEY, Indicators())
    return out


# ---------------------------------------------------------------------------------------
# A period of whole months without filters: the per-month summary (summary.py)

_INDEX = {name: i for i, name in enumerate(COUNT_INDICATORS)}
_SUMMED = [_INDEX[n] for n in summary.COLUMNS]
# The overdue stock on the as-of day: the cases open and late then, through the two
# indexes on (closed_on, due_on) (the candidates of _WITH that the summary cannot give).
_LIVE_GROUPS = {
    DEFINITIONS[m].when
    for name in COUNT_INDICATORS
    if BITS[name] & summary.LIVE_BITS
    for m in (DEFINITIONS[name].any_of or (name,))
}
_STOCK_SQL = f"""SELECT {
    " + ".join(
        f"CASE WHEN {WHEN[g]} THEN {group_bits_sql(g)} ELSE 0 END" for g in sorted(_LIVE_GROUPS)
    )
},
  {_COLUMNS}, {_MEDIATORS}
FROM cases c LEFT JOIN agreements ag ON ag.case_id = c.id
WHERE c.seq IN (
    SELECT seq FROM cases WHERE closed_on IS NULL AND due_on < :asof
    UNION SELECT seq FROM cases WHERE closed_on > :asof AND due_on < :asof AND closed_on > due_on
) AND c.state <> 'voided'"""


def _summed_months(period: Period, filters: Filters | None) -> tuple[str, str] | None:
    """('YYYY-MM', 'YYYY-MM'): the period's first and last month, when the summary can count
    it: whole months, no filter. None: count live."""
    if filters is not None and any(getattr(filters, f.name) is not None for f in fields(filters)):
        return None
    if period.start.day != 1 or (period.end + timedelta(days=1)).day != 1:
        return None
    return f"{period.start:%Y-%m}", f"{period.end:%Y-%m}"


class _Summed:
    """Counts (COUNT_INDICATORS order) and amounts per (breakdown, key), added up from the
    summary's months, their corrections and the overdue stock."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], list[int]] = {}
        self.amounts: Counter[tuple[str, str]] = Counter()

    def cell(self, key: tuple[str, str]) -> list[int]:
        found = self.counts.get(key)
        if found is None:
            found = self.counts[key] = [0] * len(COUNT_INDICATORS)
        return found

    def add_months(self, rows: Iterable[tuple[Any, ...]]) -> None:
        for dim, key, *values, amount in rows:
            acc = self.cell((dim, key))
            for i, value in zip(_SUMMED, values, strict=True):
                acc[i] += value
            self.amounts[(dim, key)] += amount

    def add(self, keys: Iterable[tuple[str, str]], delta: dict[str, int]) -> None:
        for key in keys:
            acc = self.cell(key)
            for name, n in delta.items():
                acc[_INDEX[name]] += n

    def add_stock(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """The cases of the overdue stock: each adds to what its bits count live and the
        summary did not count (超期案件数 of a case also closed late in the period)."""
        for mask, *columns in rows:
            delta = {
                name: 1
                for name in COUNT_INDICATORS
                if mask & BITS[name] & summary.LIVE_BITS
                and not mask & summary.SUMMED_BITS.get(name, 0)
            }
            *singles, mediators = (NONE_KEY if c is None else str(c) for c in columns)
            keys = list(zip(BREAKDOWNS[:4], singles, strict=True))
            keys += [("mediator", m) for m in mediators.split(",")]  # '' (none) too
            self.add(keys, delta)

    def cells(self) -> dict[By | None, Cells]:
        out: dict[By | None, Cells] = {by: {} for by in BREAKDOWNS}
        for (dim, key), values in self.counts.items():
            figures = make_indicators(values, self.amounts[(dim, key)])
            if not figures.is_empty:
                out[_check_by(dim)][key] = figures
        out[None] = {NONE_KEY: _sum(out["category"].values())}  # each case has one category
        return out


def _from_summary(
    db: Database, period: Period, filters: Filters | None, *, today: date | None
) -> dict[By | None, Cells] | None:
    """Every breakdown and the total of ``period``: the summary's sums of its months, less
    what several months count twice, plus the overdue stock counted live. None when the
    summary cannot count it (a part of a month, a filter, a file without it or with
    changes not yet summed)."""
    months = _summed_months(period, filters)
    if months is None:
        return None
    first, last = months
    summed = _Summed()
    with db.reading(), read_snapshot(db.conn):  # the parts and the check at one moment
        if not summary.is_ready(db.conn):
            return None
        summed.add_months(_tuples(db, summary.MONTHS_SQL, {"first": first, "last": last}))
        for keys, delta in summary.several_months(db.conn, first, last):
            summed.add(keys, delta)
        summed.add_stock(_tuples(db, _STOCK_SQL, _params(period, today)))
    return summed.cells()


def _sum(cells: Iterable[Indicators]) -> Indicators:
    counts = [0] * len(COUNT_INDICATORS)
    amount = 0
    for cell in cells:
        counts = [a + getattr(cell, n) for a, n in zip(counts, COUNT_INDICATORS, strict=True)]
        amount += cell.amount_fen
    return make_indicators(counts, amount)


def _split(counted: Counter[tuple[Any, int]]) -> Counter[tuple[Any, int]]:
    out: Counter[tuple[Any, int]] = Counter()
    for (ids, mask), n in counted.items():
        for key in ids.split(",") if ids else (None,):
            out[(key, mask)] += n
    return out


def _split_money(money: Counter[Any]) -> Counter[Any]:
    out: Counter[Any] = Counter()
    for ids, amount in money.items():
        for key in ids.split(",") if ids else (None,):
            out[key] += amount
    return out


# ---------------------------------------------------------------------------------------
# The public functions


def _check_by(by: str) -> By:
    if by not in BREAKDOWNS:
        raise ValueError(f"breakdown {by!r} is not one of {', '.join(BREAKDOWNS)}")
    return by


def indicators(
    db: Database, period: Period, *, filters: Filters | None = None, today: date | None = None
) -> Indicators:
    """Every indicator of ``period`` (docs/statistics.md). ``today`` (default: the real
    date) is the as-of day of a period that still runs, for 超期未结."""
    return _total(db, period, filters=filters, today=today)


def compare(
    db: Database, period: Period, *, filters: Filters | None = None, today: date | None = None
) -> tuple[Indicators, Indicators]:
    """(this period, the same period last year)."""
    return (
        indicators(db, period, filters=filters, today=today),
        indicators(db, period.last_year(), filters=filters, today=today),
    )


def _reference_keys(db: Database, by: By) -> list[tuple[str, str, bool]]:
    """(key, label, shown even when empty) in the order the report lists them."""
    if by == "category":
        return [(name, name, True) for name in categories()]
    if by == "source":
        return [(code, label, True) for code, label in sources().items()]
    if by == "village":  # other places (a town, a grid) only if a case names one
        sql = (
            "SELECT id, name, retired = 0 AND kind IN ('village', 'community') FROM places "
            "ORDER BY created_at, rowid"  # the office's order, as its lists and choosers
        )
    elif by == "committee":
        sql = (
            "SELECT id, name, retired = 0 FROM committees ORDER BY CASE level WHEN 'town' "
            "THEN 0 WHEN 'village' THEN 1 WHEN 'community' THEN 2 ELSE 3 END, name, id"
        )
    else:
        sql = "SELECT id, name, retired = 0 FROM mediators ORDER BY created_at, rowid"
    return [(r[0], r[1], bool(r[2])) for r in db.query(sql)]


def _rows(db: Database, by: By, cells: Cells, total: Indicators) -> list[Row]:
    rows: list[Row] = []
    known: set[str] = set()
    for key, label, always in _reference_keys(db, by):
        known.add(key)
        values = cells.get(key, Indicators())
        if always or not values.is_empty:
            rows.append(Row(key, label, values))
    for key in sorted(k for k in cells if k not in known and k != NONE_KEY):
        rows.append(Row(key, key, cells[key]))  # e.g. a category no longer in the list
    if NONE_KEY in cells and not cells[NONE_KEY].is_empty:
        rows.append(Row(NONE_KEY, _NONE_LABELS[by], cells[NONE_KEY]))
    rows.append(Row(None, TOTAL_LABEL, total))
    return rows


def breakdown(
    db: Database,
    period: Period,
    by: By,
    *,
    filters: Filters | None = None,
    today: date | None = None,
) -> list[Row]:
    """The indicators per category, source, village, committee or mediator, then 合计.

    Rows follow the reference order: categories as DOMAIN.md lists them, sources as
    reference.json, villages and mediators by name, the township committee first. Every
    listed row is shown (zeros included); retired villages, committees and mediators and
    values outside the lists only with data; then the cases without one (未填写村（社区）,
    未指派调解员). 合计 counts each case once, so for mediators it is less than the sum of the
    rows when cases have two mediators; for the others it is the sum.
    """
    by = _check_by(by)
    data = _aggregate(db, period, (by, None), filters=filters, today=today)
    return _rows(db, by, data[by], data[None][NONE_KEY])


def report(
    db: Database, period: Period, *, filters: Filters | None = None, today: date | None = None
) -> Report:
    """indicators() + all five breakdown()s + the same period last year, read in two
    statements: what the statistics screen and the monthly report show."""
    data = _aggregate(db, period, (None, *BREAKDOWNS), filters=filters, today=today)
    total = data[None][NONE_KEY]
    return Report(
        period=period,
        this=total,
        last_year=indicators(db, period.last_year(), filters=filters, today=today),
        breakdowns={by: _rows(db, by, data[by], total) for by in BREAKDOWNS},
    )


def drill_down(
    db: Database,
    period: Period,
    indicator: str,
    *,
    by: By | None = None,
    key: str | None = None,
    filters: Filters | None = None,
    today: date | None = None,
) -> list[str]:
    """The ids of the cases behind one number, in registration order.

    ``by`` and ``key`` name a breakdown cell (``Row.key``; None: the 合计 row). For every
    count indicator ``len(drill_down(...))`` is the number shown; ``amount_fen`` lists the
    agreements with an amount (their amounts add up to it). The rate has no cases of its
    own: drill into ``succeeded`` and ``mediated``.
    """
    name = "with_amount" if indicator == "amount_fen" else indicator
    if name not in BITS:
        raise ValueError(f"indicator {indicator!r} has no cases to list")
    extra = ""
    params: dict[str, Any] = {}
    if key is not None:
        if by is None:
            raise ValueError("a breakdown key needs its breakdown (by=…)")
        by = _check_by(by)
        params["key"] = key
        if by == "mediator":
            extra = (
                f" AND NOT EXISTS ({_CURRENT_MEDIATOR})"
                if key == NONE_KEY
                else f" AND EXISTS ({_CURRENT_MEDIATOR} AND a.mediator_id = :key)"
            )
        else:
            column = _COLUMNS.split(", ")[_COLUMN[by] - 2]
            extra = f" AND {column} IS NULL" if key == NONE_KEY else f" AND {column} = :key"
    sql = _case_sql(period, params, filters=filters, today=today, columns="c.id", extra_where=extra)
    bits = BITS[name]
    return [str(r[2]) for r in _tuples(db, sql + " ORDER BY c.seq", params) if r[0] & bits]


# ---------------------------------------------------------------------------------------
# The charts


class MonthlySeries(TypedDict):
    """Twelve values per list, January first (months after today: zeros and None)."""

    year: int
    by: str
    months: list[str]  # 1月 … 12月
    keys: list[str]  # the series: breakdown keys in reference order
    labels: list[str]
    accepted: dict[str, list[int]]  # 受理数 per key and month
    total_accepted: list[int]
    succeeded: list[int]
    mediated: list[int]
    success_rate: list[float | None]  # the trend line


def monthly_series(
    db: Database,
    year: int,
    by: By = "category",
    *,
    filters: Filters | None = None,
    today: date | None = None,
) -> MonthlySeries:
    """Cases accepted per month by ``by`` (the bar chart) and the success-rate trend,
    each month exactly as ``breakdown(db, Period.month(year, m), by)`` counts it."""
    by = _check_by(by)
    months = [
        _aggregate(db, Period.month(year, m), (by, None), filters=filters, today=today)
        for m in range(1, 13)
    ]
    totals = [m[None][NONE_KEY] for m in months]
    seen: Cells = {}
    for month in months:
        seen.update({k: v for k, v in month[by].items() if not v.is_empty})
    rows = [r for r in _rows(db, by, seen, Indicators()) if r.key is not None]
    keys = [str(r.key) for r in rows]
    return MonthlySeries(
        year=year,
        by=by,
        months=[f"{m}月" for m in range(1, 13)],
        keys=keys,
        labels=[r.label for r in rows],
        accepted={k: [m[by].get(k, Indicators()).accepted for m in months] for k in keys},
        total_accepted=[t.accepted for t in totals],
        succeeded=[t.succeeded for t in totals],
        mediated=[t.mediated for t in totals],
        success_rate=[t.success_rate for t in totals],
    )
