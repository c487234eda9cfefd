"""Server-rendered SVG charts of the report and the dashboards: the same markup in the web page and in the PDF
(WeasyPrint draws inline SVG), each followed by its data table for screen readers and for print.

This module only computes geometry from a report's tables and curves; `templates/reports/_bar_chart.html`
and `_survival_chart.html` draw it. A suppressed cell ("<5") or a cell without data gets no bar, and its
text says why; the scale never depends on a hidden number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from jss.reports.figures import Curve, Figure, Label, Table

# Colours of the KRDS palette (primary, then the secondary series of a chart with several).
PRIMARY = "#256ef4"
COMPARISON = "#b1b8be"
SERIES = ("#256ef4", "#0b3b9b", "#c78500", "#1a6b2c", "#b3261e", "#6d7882", "#8e44ad")

BAR_HEIGHT = 18
ROW_HEIGHT = 30
LABEL_WIDTH = 190
PLOT_WIDTH = 330
VALUE_WIDTH = 110
WIDTH = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH


@dataclass(frozen=True)
class Bar:
    label: Label
    y: int  # top of the row
    width: float  # of the bar, 0 when there is none
    text: str  # the value as shown ("12.3%", "<5", "–")
    compare_x: float | None  # where the comparison's tick stands, if any
    compare_text: str = ""


@dataclass(frozen=True)
class BarChart:
    key: str
    title: Label
    value_label: Label
    compare_label: Label | None
    bars: tuple[Bar, ...]
    reference_x: float | None = None  # a benchmark line (e.g. the UK MARAC 31%)
    reference_label: Label | None = None
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW_HEIGHT + 28

    @property
    def value_x(self) -> int:
        return self.label_width + self.plot_width + 8

    @property
    def bottom(self) -> int:
        return self.height - 20


def _shown(figure: Figure) -> float | None:
    return None if figure.suppressed else figure.value


def _text(figure: Figure, *, percent: bool, digits: int) -> str:
    return figure.display(digits=digits, percent=percent)


def bar_chart(
    table: Table,
    column: str,
    *,
    title: Label | None = None,
    compare: str | None = None,
    percent: bool = False,
    digits: int = 0,
    reference: Figure | None = None,
    reference_label: Label | None = None,
    limit: int | None = None,
) -> BarChart:
    """Horizontal bars of one column of a table, one per row, with the `compare` column (e.g. the previous
    period) as a grey tick on the same scale, and an optional reference line (a benchmark)."""
    index = table.column_index(column)
    compare_index = table.column_index(compare) if compare else None
    rows = table.rows[:limit] if limit else table.rows
    values = [_shown(row.cells[index]) for row in rows]
    if compare_index is not None:
        values += [_shown(row.cells[compare_index]) for row in rows]
    if reference is not None:
        values.append(_shown(reference))
    top = max((value for value in values if value is not None), default=0.0)
    if percent:
        top = max(top, 0.0) or 1.0
    scale = PLOT_WIDTH / top if top > 0 else 0.0
    bars = []
    for position, row in enumerate(rows):
        figure = row.cells[index]
        value = _shown(figure)
        compare_x = None
        compare_text = ""
        if compare_index is not None:
            before = row.cells[compare_index]
            if (shown := _shown(before)) is not None:
                compare_x = LABEL_WIDTH + shown * scale
            compare_text = _text(before, percent=percent, digits=digits)
        bars.append(
            Bar(
                label=row.label,
                y=position * ROW_HEIGHT,
                width=(value or 0.0) * scale,
                text=_text(figure, percent=percent, digits=digits),
                compare_x=compare_x,
                compare_text=compare_text,
            )
        )
    reference_value = _shown(reference) if reference is not None else None
    return BarChart(
        key=f"{table.key}-{column}",
        title=title or table.title,
        value_label=table.columns[index].label,
        compare_label=table.columns[compare_index].label if compare_index is not None else None,
        bars=tuple(bars),
        reference_x=LABEL_WIDTH + reference_value * scale if reference_value is not None else None,
        reference_label=reference_label,
    )


# --- Kaplan–Meier curves -------------------------------------------------------------------------------------

CURVE_WIDTH = 560
CURVE_HEIGHT = 260
MARGIN_LEFT = 48
MARGIN_BOTTOM = 36
MARGIN_TOP = 12
MARGIN_RIGHT = 16
TICK_DAYS = (0, 90, 180, 270, 365)
TABLE_DAYS = (90, 180, 365)


@dataclass(frozen=True)
class SurvivalLine:
    label: Label
    colour: str
    path: str  # an SVG path of steps
    cases: str  # how many cases are followed, as shown ("<5" when suppressed)
    at: tuple[str, ...]  # share without a repeat at TABLE_DAYS, as shown
    truncated: bool


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class SurvivalChart:
    key: str
    title: Label
    lines: tuple[SurvivalLine, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    table_days: tuple[int, ...] = TABLE_DAYS
    width: int = CURVE_WIDTH
    height: int = CURVE_HEIGHT
    left: int = MARGIN_LEFT
    right: int = CURVE_WIDTH - MARGIN_RIGHT
    top: int = MARGIN_TOP
    bottom: int = CURVE_HEIGHT - MARGIN_BOTTOM


def _x(days: float, horizon: int) -> float:
    return MARGIN_LEFT + min(days, horizon) / horizon * (CURVE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)


def _y(survival: float) -> float:
    return MARGIN_TOP + (1 - survival) * (CURVE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM)


def _survival_at(curve: Curve, days: int) -> str:
    """The share without a repeat after `days`, or "–" when no case is followed that long (or it was cut)."""
    survival = 1.0
    last = 0.0
    for point in curve.points:
        if point.days > days:
            break
        survival = point.survival
        last = point.days
    followed_beyond = any(point.days >= days for point in curve.points)
    if not curve.points or (not followed_beyond and last < days):
        return "–"
    return f"{survival * 100:.0f}%"


def _path(curve: Curve, horizon: int) -> str:
    """Steps: level until each day with a point, then down to that day's last survival; ends at the last point
    within the horizon. One step a day at most: a national curve has a point per first repeat (tens of
    thousands) that the chart cannot tell apart, and they made the page a megabyte."""
    by_day: dict[int, float] = {}
    for point in curve.points:
        if point.days > horizon:
            break
        by_day[math.ceil(point.days)] = point.survival
    commands = [f"M{_x(0, horizon):.1f},{_y(1.0):.1f}"]
    commands += [f"H{_x(day, horizon):.1f}V{_y(survival):.1f}" for day, survival in by_day.items()]
    return "".join(commands)


def survival_chart(curves: Sequence[Curve], *, key: str, title: Label, horizon: int = 365) -> SurvivalChart:
    """Kaplan–Meier curves: the share of cases without a repeat (y) over the days since the council referral
    (x), one line per group, up to `horizon` days."""
    lines = tuple(
        SurvivalLine(
            label=curve.label,
            colour=SERIES[position % len(SERIES)],
            path=_path(curve, horizon),
            cases=curve.cases.display(),
            at=tuple(_survival_at(curve, days) for days in TABLE_DAYS),
            truncated=curve.truncated,
        )
        for position, curve in enumerate(curves)
    )
    return SurvivalChart(
        key=key,
        title=title,
        lines=lines,
        x_ticks=tuple(Tick(_x(days, horizon), str(days)) for days in TICK_DAYS if days <= horizon),
        y_ticks=tuple(Tick(_y(share / 100), f"{share}%") for share in (0, 25, 50, 75, 100)),
    )
