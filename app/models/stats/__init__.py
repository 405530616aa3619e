"""Statistics (统计): every indicator of DOMAIN.md "Statistics", defined once.

- ``period``: ``Period.month(2026, 5)``, ``.quarter``, ``.year``, ``.between``, ``.last_year()``.
- ``definitions``: the ``Indicators`` dataclass and the one table (``DEFINITIONS``) that
  says which cases each indicator counts; docs/statistics.md says it in words.
- ``queries``: ``indicators``, ``breakdown``, ``compare``, ``report``, ``drill_down``,
  ``monthly_series``.
"""

from app.models.stats.definitions import (
    COUNT_INDICATORS,
    DEFINITIONS,
    INDICATORS,
    LABELS,
    IndicatorInfo,
    Indicators,
    condition_sql,
)
from app.models.stats.period import Period
from app.models.stats.queries import (
    BREAKDOWNS,
    BY_LABELS,
    NONE_KEY,
    TOTAL_LABEL,
    By,
    Filters,
    MonthlySeries,
    Report,
    Row,
    breakdown,
    compare,
    drill_down,
    indicators,
    monthly_series,
    report,
)

__all__ = [
    "BREAKDOWNS",
    "BY_LABELS",
    "COUNT_INDICATORS",
    "DEFINITIONS",
    "INDICATORS",
    "LABELS",
    "NONE_KEY",
    "TOTAL_LABEL",
    "By",
    "Filters",
    "IndicatorInfo",
    "Indicators",
    "MonthlySeries",
    "Period",
    "Report",
    "Row",
    "breakdown",
    "compare",
    "condition_sql",
    "drill_down",
    "indicators",
    "monthly_series",
    "report",
]
