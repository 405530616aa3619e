"""统计分析: the statistics window (window.py), its table models (models.py), the charts
(charts.py), the drill-down case lists (drill_down.py) and the monthly report dialog."""
