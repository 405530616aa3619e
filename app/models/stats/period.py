"""Statistics periods: a month, a quarter, a year or any range of days."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from app.models.errors import ValidationError

PeriodKind = Literal["month", "quarter", "year", "range"]
_QUARTER_NAMES = ("一", "二", "三", "四")


@dataclass(frozen=True)
class Period:
    """A span of local dates, both ends included."""

    start: date
    end: date
    kind: PeriodKind = "range"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError("统计期间", "结束日期不能早于开始日期，请重新选择。")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} is not 1..12")
        return cls(date(year, month, 1), date(year, month, _days_in(year, month)), "month")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter {quarter} is not 1..4")
        last = quarter * 3
        return cls(date(year, last - 2, 1), date(year, last, _days_in(year, last)), "quarter")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), "year")

    @classmethod
    def between(cls, first: date, last: date) -> Period:
        """Any range of days, both included (e.g. 1 May to today)."""
        return cls(first, last, "range")

    @classmethod
    def previous_month(cls, today: date) -> Period:
        """The last complete month: what the monthly report is usually made for."""
        last = today.replace(day=1) - timedelta(days=1)
        return cls.month(last.year, last.month)

    def last_year(self) -> Period:
        """The same period one year earlier (同比); 29 February becomes the 28th."""
        if self.kind == "month":
            return Period.month(self.start.year - 1, self.start.month)
        if self.kind == "quarter":
            return Period.quarter(self.start.year - 1, (self.start.month + 2) // 3)
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        return Period(_year_earlier(self.start), _year_earlier(self.end), "range")

    def as_of(self, today: date) -> date:
        """The day the period is looked at: its last day, or today while it still runs."""
        return min(self.end, today)

    @property
    def label(self) -> str:
        s = self.start
        if self.kind == "month":
            return f"{s.year}年{s.month}月"
        if self.kind == "quarter":
            return f"{s.year}年第{_QUARTER_NAMES[(s.month - 1) // 3]}季度"
        if self.kind == "year":
            return f"{s.year}年"
        e = self.end
        return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _year_earlier(d: date) -> date:
    return date(d.year - 1, d.month, min(d.day, _days_in(d.year - 1, d.month)))
