"""The indicators and their definitions: the one place that says which cases count.

docs/statistics.md says the same in words. Every count indicator is a ``Definition``: the
date that puts a case into the period (``when``) and, optionally, a further condition on
the same case (``also``), both SQL; or the union of other indicators (``any_of``). The
queries evaluate each definition once per case into a bit of ``MASK_SQL``; the counts,
the breakdowns and the drill-down lists are all read from those bits.

Names the SQL uses: ``c`` the case; ``ag`` its agreement (LEFT JOIN); ``jc`` its latest
judicial-confirmation application in the period; ``rf`` its referrals in the period;
``:start``/``:end`` the period; ``:asof`` its last day, or today while it still runs.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

# ---------------------------------------------------------------------------------------
# What one period's figures are


@dataclass(frozen=True)
class Indicators:
    """One period's figures: counts of cases, unless named otherwise."""

    registered: int = 0  # 登记数
    accepted: int = 0  # 受理数
    declined: int = 0  # 不予受理数
    closed: int = 0  # 结案数 (every outcome)
    mediated: int = 0  # 调解案件数 = succeeded + terminated: the rate's denominator
    succeeded: int = 0  # 调解成功数
    written: int = 0  # 书面协议数
    oral: int = 0  # 口头协议数
    terminated: int = 0  # 调解不成数
    withdrawn: int = 0  # 撤回数
    success_rate: float | None = None  # 调解成功率 = succeeded / mediated (None: 0 / 0)
    amount_fen: int = 0  # 协议涉及金额, fen
    with_amount: int = 0  # 涉及金额的协议数: the agreements whose amounts make amount_fen
    performed: int = 0  # 已履行协议数
    confirmation_applied: int = 0  # 申请司法确认数
    confirmed: int = 0  # 确认有效
    confirmation_rejected: int = 0  # 驳回申请
    confirmation_pending: int = 0  # 审查中
    screening: int = 0  # 排查发现数
    prevented_criminal: int = 0  # 防止民转刑
    prevented_petition: int = 0  # 防止群体性上访
    overdue: int = 0  # 超期案件数 = overdue_open + overdue_closed
    overdue_open: int = 0  # 超期未结 (on the as-of day)
    overdue_closed: int = 0  # 超期结案 (closed in the period after the due date)
    referred: int = 0  # 归口移交数
    referral_feedback: int = 0  # 移交已反馈数: of those, answered by the receiver

    def value(self, name: str) -> int | float | None:
        """An indicator by name (the UI's table columns)."""
        if name not in FIELD_NAMES:
            raise ValueError(f"unknown indicator {name!r}")
        value: int | float | None = getattr(self, name)
        return value

    @property
    def is_empty(self) -> bool:
        return not self.amount_fen and not any(getattr(self, n) for n in COUNT_INDICATORS)


FIELD_NAMES = frozenset(f.name for f in fields(Indicators))


@dataclass(frozen=True)
class IndicatorInfo:
    name: str
    label: str  # as the report table heads it
    unit: str  # 件 | % | 元 (amounts are stored in fen)


INDICATORS: tuple[IndicatorInfo, ...] = (
    IndicatorInfo("registered", "登记数", "件"),
    IndicatorInfo("accepted", "受理数", "件"),
    IndicatorInfo("declined", "不予受理数", "件"),
    IndicatorInfo("closed", "结案数", "件"),
    IndicatorInfo("mediated", "调解案件数", "件"),
    IndicatorInfo("succeeded", "调解成功数", "件"),
    IndicatorInfo("written", "书面协议数", "件"),
    IndicatorInfo("oral", "口头协议数", "件"),
    IndicatorInfo("terminated", "调解不成数", "件"),
    IndicatorInfo("withdrawn", "撤回数", "件"),
    IndicatorInfo("success_rate", "调解成功率", "%"),
    IndicatorInfo("amount_fen", "协议涉及金额", "元"),
    IndicatorInfo("with_amount", "涉及金额的协议数", "件"),
    IndicatorInfo("performed", "已履行协议数", "件"),
    IndicatorInfo("confirmation_applied", "申请司法确认数", "件"),
    IndicatorInfo("confirmed", "司法确认有效数", "件"),
    IndicatorInfo("confirmation_rejected", "司法确认驳回数", "件"),
    IndicatorInfo("confirmation_pending", "司法确认审查中", "件"),
    IndicatorInfo("screening", "排查发现数", "件"),
    IndicatorInfo("prevented_criminal", "防止民转刑", "件"),
    IndicatorInfo("prevented_petition", "防止群体性上访", "件"),
    IndicatorInfo("overdue", "超期案件数", "件"),
    IndicatorInfo("overdue_open", "超期未结", "件"),
    IndicatorInfo("overdue_closed", "超期结案", "件"),
    IndicatorInfo("referred", "归口移交数", "件"),
    IndicatorInfo("referral_feedback", "移交已反馈数", "件"),
)
LABELS: dict[str, str] = {i.name: i.label for i in INDICATORS}

# ---------------------------------------------------------------------------------------
# The definitions

# The events that put a case into a period. A closed case has an outcome and a closed_on
# (reopening clears both), except a closing imported from a 台账 that recorded no date
# (closed_on_basis 'unrecorded'): it counts in the period of its acceptance, the only date
# the sheet gave. Voided cases are left out before any of this (queries.py).
WHEN: dict[str, str] = {
    "registered": "c.registered_on BETWEEN :start AND :end",
    "accepted": "c.accepted_on BETWEEN :start AND :end",
    "declined": "c.declined_on BETWEEN :start AND :end",
    "closed": (
        "c.outcome IS NOT NULL AND (c.closed_on BETWEEN :start AND :end"
        " OR (c.closed_on IS NULL AND c.accepted_on BETWEEN :start AND :end))"
    ),
    # accepted, past its due date and not closed, on the as-of day
    "overdue_open": (
        ":asof >= :start AND c.accepted_on <= :asof AND c.due_on < :asof"
        " AND (c.closed_on IS NULL AND c.outcome IS NULL OR c.closed_on > :asof)"
    ),
    "confirmation": "jc.seq IS NOT NULL",  # applied for in the period
    "referral": "rf.seq IS NOT NULL",  # referred (归口) in the period
}

# The same groups by the month of one date (the per-month summary, summary.py): a case is
# in WHEN[g] for a period of whole months exactly when this date's month is one of them.
# A judicial confirmation or a referral counts by the month of each application or
# referral (summary.py), and the overdue stock on the as-of day is never summed by month.
MONTH_DATE: dict[str, str] = {
    "registered": "c.registered_on",
    "accepted": "c.accepted_on",
    "declined": "c.declined_on",
    "closed": "CASE WHEN c.outcome IS NOT NULL THEN coalesce(c.closed_on, c.accepted_on) END",
}

_AGREEMENT = "c.outcome IN ('agreement_written', 'agreement_oral')"
# 协议涉及金额: the agreement's amount, else the amount recorded on the case at closing.
AMOUNT_SQL = "coalesce(ag.amount_fen, c.amount_fen, 0)"


@dataclass(frozen=True)
class Definition:
    when: str = ""  # a key of WHEN
    also: str = ""  # a further condition on the same case ("" = none)
    any_of: tuple[str, ...] = ()  # instead: the cases of any of these indicators


DEFINITIONS: dict[str, Definition] = {
    "registered": Definition("registered"),
    "accepted": Definition("accepted"),
    "declined": Definition("declined"),
    "closed": Definition("closed"),
    "mediated": Definition(
        "closed", "c.outcome IN ('agreement_written', 'agreement_oral', 'terminated')"
    ),
    "succeeded": Definition("closed", _AGREEMENT),
    "written": Definition("closed", "c.outcome = 'agreement_written'"),
    "oral": Definition("closed", "c.outcome = 'agreement_oral'"),
    "terminated": Definition("closed", "c.outcome = 'terminated'"),
    "withdrawn": Definition("closed", "c.outcome = 'withdrawn'"),
    "with_amount": Definition("closed", f"{_AGREEMENT} AND {AMOUNT_SQL} > 0"),
    "performed": Definition("closed", f"{_AGREEMENT} AND c.performance = 'performed'"),
    "confirmation_applied": Definition("confirmation"),
    "confirmed": Definition("confirmation", "jc.result = 'confirmed'"),
    "confirmation_rejected": Definition("confirmation", "jc.result = 'rejected'"),
    "confirmation_pending": Definition(
        "confirmation", "jc.result NOT IN ('confirmed', 'rejected')"
    ),
    "screening": Definition("registered", "c.source = 'screening'"),
    "prevented_criminal": Definition("closed", "c.prevented_criminal <> 0"),
    "prevented_petition": Definition("closed", "c.prevented_petition <> 0"),
    "overdue": Definition(any_of=("overdue_open", "overdue_closed")),
    "overdue_open": Definition("overdue_open"),
    "overdue_closed": Definition("closed", "c.closed_on > c.due_on"),
    "referred": Definition("referral"),
    "referral_feedback": Definition("referral", "rf.answered = 1"),
}
COUNT_INDICATORS: tuple[str, ...] = tuple(DEFINITIONS)
# The amount is summed over the cases of this indicator.
AMOUNT_OVER = "succeeded"

# One bit per definition with its own condition; a union's bits are its members'.
_BASE = [name for name, d in DEFINITIONS.items() if not d.any_of]
BIT: dict[str, int] = {name: 1 << i for i, name in enumerate(_BASE)}
BITS: dict[str, int] = {
    name: sum(BIT[m] for m in d.any_of) if d.any_of else BIT[name]
    for name, d in DEFINITIONS.items()
}


def condition_sql(name: str) -> str:
    """The definition as one SQL condition on a case (for reading and for tests)."""
    d = DEFINITIONS[name]
    if d.any_of:
        return "(" + " OR ".join(condition_sql(m) for m in d.any_of) + ")"
    return f"(({WHEN[d.when]}) AND ({d.also}))" if d.also else f"({WHEN[d.when]})"


def group_bits_sql(when: str) -> str:
    """The bits of the definitions counted by the date ``when`` (a key of WHEN), for a case
    already known to be in the period by that date: each one's ``also`` condition."""
    members = [n for n in _BASE if DEFINITIONS[n].when == when]
    return " + ".join(
        f"CASE WHEN {DEFINITIONS[n].also} THEN {BIT[n]} ELSE 0 END"
        if DEFINITIONS[n].also
        else str(BIT[n])
        for n in members
    )


def _mask_sql() -> str:
    """Each base definition's bit, the shared date condition evaluated once per group."""
    return "\n  + ".join(
        f"CASE WHEN {guard} THEN {group_bits_sql(when)} ELSE 0 END" for when, guard in WHEN.items()
    )


MASK_SQL = _mask_sql()
AMOUNT_CASE_SQL = f"CASE WHEN {condition_sql(AMOUNT_OVER)} THEN {AMOUNT_SQL} ELSE 0 END"


def decode(mask: int) -> tuple[int, ...]:
    """0/1 per count indicator (COUNT_INDICATORS order) for one case's mask."""
    return tuple(1 if mask & BITS[name] else 0 for name in COUNT_INDICATORS)


def make_indicators(counts: tuple[int, ...] | list[int], amount_fen: int) -> Indicators:
    values = dict(zip(COUNT_INDICATORS, counts, strict=True))
    mediated = values["mediated"]
    return Indicators(
        **values,
        amount_fen=amount_fen,
        success_rate=values["succeeded"] / mediated if mediated else None,
    )
