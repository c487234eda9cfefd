"""A monthly trend line (the dashboards' one chart kind of their own): counts per calendar month over the last
twelve months, with the same months a year earlier as a grey line, in the style of jss.reports.charts —
geometry computed here, the SVG drawn by `templates/dashboards/_trend_chart.html`, the data table beneath."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from jss.reports.charts import COMPARISON, PRIMARY
from jss.reports.figures import Label

MONTHS = 12
WIDTH = 640
HEIGHT = 240
LEFT = 48
RIGHT = 16
TOP = 14
BOTTOM = 40


def month_starts(today: datetime.date, *, months: int = MONTHS) -> list[datetime.date]:
    """The first day of each of the last `months` calendar months, the current (partial) one last."""
    starts = []
    year, month = today.year, today.month
    for _step in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


@dataclass(frozen=True)
class TrendPoint:
    month: datetime.date
    count: int
    before: int  # the same month a year earlier
    x: float
    y: float
    before_y: float


@dataclass(frozen=True)
class TrendTick:
    position: float
    text: str


@dataclass(frozen=True)
class TrendChart:
    key: str
    title: Label
    value_label: Label
    compare_label: Label
    points: tuple[TrendPoint, ...]
    y_ticks: tuple[TrendTick, ...]
    path: str
    before_path: str
    partial: bool  # the last month is not over yet
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    colour: str = PRIMARY
    before_colour: str = COMPARISON


def _nice_top(value: int) -> int:
    """The smallest of 10, 25, 50, 100, 250, 500, ... at least `value`: the y axis's top."""
    top = 10
    while top < value:
        for factor in (2, 2.5, 2):
            top = int(top * factor)
            if top >= value:
                break
    return top


def _ticks(top: int) -> list[int]:
    parts = 4 if top % 4 == 0 else 2 if top % 2 == 0 else 1
    return [top * part // parts for part in range(parts + 1)]


def trend_chart(
    counts: list[int],
    before: list[int],
    months: list[datetime.date],
    *,
    key: str,
    title: Label,
    value_label: Label,
    compare_label: Label,
    partial: bool = True,
) -> TrendChart:
    """`counts[i]` in `months[i]`, `before[i]` in the same month a year earlier."""
    top = _nice_top(max([*counts, *before], default=0))
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM
    step = span_x / max(len(months) - 1, 1)

    def y(value: int) -> float:
        return TOP + (1 - value / top) * span_y

    points = tuple(
        TrendPoint(month, count, earlier, LEFT + index * step, y(count), y(earlier))
        for index, (month, count, earlier) in enumerate(zip(months, counts, before, strict=True))
    )

    def path(values: list[tuple[float, float]]) -> str:
        return "".join(f"{'M' if i == 0 else 'L'}{x:.1f},{v:.1f}" for i, (x, v) in enumerate(values))

    return TrendChart(
        key=key,
        title=title,
        value_label=value_label,
        compare_label=compare_label,
        points=points,
        y_ticks=tuple(TrendTick(y(value), f"{value:,}") for value in _ticks(top)),
        path=path([(p.x, p.y) for p in points]),
        before_path=path([(p.x, p.before_y) for p in points]),
        partial=partial,
    )
