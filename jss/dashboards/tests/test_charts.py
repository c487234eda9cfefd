"""The dashboards' own chart geometry: the monthly trend line and the curves drawn one step a day."""

from __future__ import annotations

import datetime

from jss.dashboards.queries import daily
from jss.dashboards.trend import month_starts, trend_chart
from jss.reports.charts import survival_chart
from jss.reports.figures import Curve, CurvePoint, Figure


def test_the_last_twelve_months_end_with_the_current_one():
    months = month_starts(datetime.date(2025, 3, 15))
    assert (months[0], months[-1], len(months)) == (datetime.date(2024, 4, 1), datetime.date(2025, 3, 1), 12)


def test_the_trend_scale_rounds_up_and_keeps_both_lines():
    months = month_starts(datetime.date(2025, 3, 15))
    chart = trend_chart([0] * 11 + [40], [30] * 12, months, key="k", title="t", value_label="v", compare_label="c")
    assert [tick.text for tick in chart.y_ticks] == ["0", "25", "50"]  # 40 rounds up to 50
    assert chart.points[-1].y == chart.top + (1 - 40 / 50) * (chart.bottom - chart.top)
    assert chart.path.startswith("M48.0,")
    assert chart.before_path.count("L") == 11


def test_a_curve_drawn_one_step_a_day_keeps_the_shares_the_table_shows():
    steps = (CurvePoint(0.5, 0.9, 10, 1), CurvePoint(0.7, 0.8, 9, 1), CurvePoint(90.0, 0.7, 8, 1),
             CurvePoint(90.4, 0.6, 7, 1))  # fmt: skip
    curve = Curve("all", "All", Figure.count(10), steps)
    drawn = daily(curve)
    assert [(p.days, p.survival, p.at_risk, p.events) for p in drawn.points] == [
        (1, 0.8, 10, 2), (90, 0.7, 8, 1), (91, 0.6, 7, 1),
    ]  # fmt: skip
    shares = survival_chart([curve], key="k", title="t").lines[0].at
    assert survival_chart([drawn], key="k", title="t").lines[0].at == shares
