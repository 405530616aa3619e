"""The monthly report (月度矛盾纠纷排查化解情况): the head's four texts, and the data it prints.

Each committee writes, per month, 总体情况, 主要原因和特点, 工作措施 and 下步打算 (table
``monthly_reports``, one row per committee and month). :func:`report_data` gathers what
the report prints (the figures of app.models.stats, the months of the year so far for
the chart, the texts, who made it and when) as plain data for app.printing.monthly_report.

The township's report covers every case of the office (the village committees' cases
too: the 纠纷 of the whole township), and its texts are stored under the main committee
(:func:`report_committee_id`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from app.models import accounts, office, rows
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.models.stats import Indicators, Period, Report, indicators, report
from app.models.sync.tables import natural_id

MAX_CHARS = 2000  # each text: about three pages of the report

# column → the text's name: the dialog's label, the report's heading, and the field a
# ValidationError names
FIELD_LABELS: dict[str, str] = {
    "situation": "总体情况",
    "causes": "主要原因和特点",
    "measures": "工作措施",
    "plans": "下步打算",
}
MONTH_FIELD = "统计月份"
FIRST_YEAR = 2000
LAST_YEAR = 2099


@dataclass(frozen=True)
class MonthlyTexts:
    """What the head writes for one month; empty strings when nothing was written."""

    situation: str = ""  # 总体情况
    causes: str = ""  # 主要原因和特点
    measures: str = ""  # 工作措施
    plans: str = ""  # 下步打算

    @property
    def is_empty(self) -> bool:
        return not any(text.strip() for _name, text in self.items())

    def items(self) -> list[tuple[str, str]]:
        """(column, text) in the order the report prints them."""
        return [(name, str(getattr(self, name))) for name in FIELD_LABELS]


assert [f.name for f in fields(MonthlyTexts)] == list(FIELD_LABELS)


def check_month(year: int, month: int) -> None:
    """A ValidationError (统计月份) unless ``year``/``month`` is a month reports are made for."""
    if not 1 <= month <= 12:
        raise ValidationError(MONTH_FIELD, f"月份应在1到12之间，现在是{month}，请重新选择。")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            MONTH_FIELD, f"年份应在{FIRST_YEAR}到{LAST_YEAR}之间，现在是{year}，请重新选择。"
        )


def clean_text(text: str) -> str:
    """A text as it is stored: line ends made one kind, spaces at the end of each line
    and blank lines at the start and end dropped (the indent of the first line stays)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def text_length(text: str) -> int:
    """The characters a text counts against MAX_CHARS (as stored: see clean_text)."""
    return len(clean_text(text))


def check_texts(texts: MonthlyTexts) -> MonthlyTexts:
    """The texts as they are stored; a ValidationError names the first one too long."""
    clean = {name: clean_text(text) for name, text in texts.items()}
    for name, label in FIELD_LABELS.items():
        over = len(clean[name]) - MAX_CHARS
        if over > 0:
            raise ValidationError(
                label,
                f"“{label}”最多写{MAX_CHARS}个字，现在多了{over}个字，请删减后再保存。",
            )
    return MonthlyTexts(**clean)


def report_committee_id(db: Database) -> str:
    """The committee the township's monthly texts are stored under: the main one."""
    return office.main_committee(db).id


def get_texts(db: Database, committee_id: str, year: int, month: int) -> MonthlyTexts:
    """The texts of a committee's month; empty texts when none were written."""
    r = db.one(
        "SELECT situation, causes, measures, plans FROM monthly_reports "
        "WHERE committee_id = ? AND year = ? AND month = ?",
        (committee_id, year, month),
    )
    if r is None:
        return MonthlyTexts()
    return MonthlyTexts(**{name: str(r[name] or "") for name in FIELD_LABELS})


def save_texts(
    db: Database,
    committee_id: str,
    year: int,
    month: int,
    texts: MonthlyTexts,
    *,
    by: Actor,
    loaded: MonthlyTexts | None = None,
) -> MonthlyTexts:
    """Store the texts of a committee's month (insert or update, one transaction) and
    return them as stored. A month out of range raises ValidationError (统计月份), a text
    over MAX_CHARS one naming it (总体情况, 主要原因和特点, 工作措施 or 下步打算); nothing is
    written then. Texts equal to the stored ones write nothing either.

    The 月度报告 window gives ``loaded``, the texts as it showed them (get_texts): only the
    texts the user changed are written, and nothing when someone else changed the month's
    texts since (StaleEditError). Without it all of ``texts`` is written."""
    check_month(year, month)
    clean = check_texts(texts)
    values = dict(clean.items())
    if loaded is not None:
        changed = {
            name: value
            for name, value in values.items()
            if clean_text(getattr(texts, name)) != clean_text(getattr(loaded, name))
        }
        if not changed:
            return clean
    with db.transaction() as conn:
        accounts.authorize(conn, by, "monthly_report")
        known = conn.execute("SELECT 1 FROM committees WHERE id = ?", (committee_id,))
        if known.fetchone() is None:
            raise NotFoundError("找不到这个调委会，可能已被删除，请刷新后再试。")
        found = conn.execute(
            "SELECT id, situation, causes, measures, plans FROM monthly_reports "
            "WHERE committee_id = ? AND year = ? AND month = ?",
            (committee_id, year, month),
        ).fetchone()
        stored = (
            {name: str(found[i] or "") for i, name in enumerate(FIELD_LABELS, start=1)}
            if found is not None
            else dict(MonthlyTexts().items())
        )
        if loaded is not None:
            if stored != dict(loaded.items()):
                row_id = natural_id("monthly_reports", committee_id, year, month)
                rows.refuse_stale(
                    conn,
                    "monthly_reports",
                    row_id if found is None else str(found[0]),
                    by=by.user_id,
                    what=f"{year}年{month}月的情况说明",
                )
            values = {**stored, **changed}
            clean = MonthlyTexts(**values)
        if found is not None:
            if stored != values:
                rows.update(conn, "monthly_reports", str(found[0]), values, by=by.user_id)
        elif not clean.is_empty:  # nothing written and nothing stored: no empty row
            rows.insert(
                conn,
                "monthly_reports",
                {"committee_id": committee_id, "year": year, "month": month, **values},
                by=by.user_id,
            )
    return clean


# ---------------------------------------------------------------------------------------
# What the report prints


@dataclass(frozen=True)
class MonthBar:
    """One month of the chart: cases accepted, mediated to an end and mediated
    successfully (docs/statistics.md), as ``indicators`` counts that month."""

    month: int
    accepted: int
    succeeded: int
    mediated: int = 0

    @property
    def label(self) -> str:
        return f"{self.month}月"

    @property
    def success_rate(self) -> float | None:
        """succeeded / mediated; None when nothing was mediated that month."""
        return self.succeeded / self.mediated if self.mediated else None


@dataclass(frozen=True)
class MonthlyReportData:
    """Everything the monthly report prints (PDF and xlsx), as plain data.

    ``report`` is ``stats.report(db, Period.month(year, month))``: the indicators, the
    breakdowns and the same month last year. ``months`` is the year from January to the
    report's month (the chart). ``town`` heads the title ("青山镇2026年10月…"); the
    committee is the 填报单位.
    """

    town: str
    committee: str
    year: int
    month: int
    report: Report
    texts: MonthlyTexts
    months: tuple[MonthBar, ...]
    made_on: date | None = None  # 填报日期
    made_by: str = ""  # 填报人

    @property
    def place(self) -> str:
        return self.town.strip() or self.committee.strip()

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def title(self) -> str:
        return report_title(self.place, self.year, self.month)


def report_title(place: str, year: int, month: int) -> str:
    """ "青山镇2026年10月矛盾纠纷排查化解情况": the report's title, and its file's name."""
    return f"{place}{year}年{month}月矛盾纠纷排查化解情况"


def report_place(db: Database) -> str:
    """Who the report is of: the town, else (no town recorded) the main committee."""
    return office.town_name(db).strip() or office.main_committee(db).name.strip()


def last_complete_month(today: date) -> tuple[int, int]:
    """The month a report is usually made for: the one before ``today``'s."""
    p = Period.previous_month(today)
    return p.start.year, p.start.month


def _bar(month: int, f: Indicators) -> MonthBar:
    return MonthBar(month, f.accepted, f.succeeded, f.mediated)


def report_data(
    db: Database,
    year: int,
    month: int,
    *,
    today: date | None = None,
    made_by: str | None = None,
    texts: MonthlyTexts | None = None,
) -> MonthlyReportData:
    """The township's report for a month: every case of the office, the texts of the main
    committee (or ``texts``, e.g. what the dialog shows). ``today`` (default: the real
    date) is the 填报日期 and the as-of day of a month that still runs; ``made_by``
    (default: the user who set the office up; the dialog gives the logged-in user) is the
    填报人. A month out of range: ValidationError."""
    check_month(year, month)
    today = today or date.today()
    figures = report(db, Period.month(year, month), today=today)
    earlier = [indicators(db, Period.month(year, m), today=today) for m in range(1, month)]
    committee = office.main_committee(db)
    return MonthlyReportData(
        town=office.town_name(db),
        committee=committee.name,
        year=year,
        month=month,
        report=figures,
        texts=get_texts(db, committee.id, year, month) if texts is None else texts,
        months=tuple(_bar(m, f) for m, f in enumerate([*earlier, figures.this], start=1)),
        made_on=today,
        made_by=office.current_user(db).name if made_by is None else made_by,
    )
