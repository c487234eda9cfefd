"""Small-cell suppression for anything that leaves the system (PDF, XLSX): docs/metrics.md, "Suppression".

A figure that 1 to 4 people (or cases) stand behind is replaced by the marker "<5"; zero is shown. Where
the cells of a column add up to a total that is shown, a single hidden cell could be recovered by
subtraction: the smallest other non-zero cell of that column is hidden too (complementary suppression),
with every figure about people in its row. Kaplan–Meier curves of fewer than 5 cases are hidden, and the
others end where fewer than 5 cases remain followed.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from jss.reports.figures import Curve, Figure, Row, Table

THRESHOLD = 5  # figures about 1..THRESHOLD-1 people are hidden

T = TypeVar("T")


def is_small(figure: Figure) -> bool:
    return figure.people is not None and 0 < figure.people < THRESHOLD


def hidden() -> Figure:
    return Figure(None, suppressed=True)


def suppress_figure(figure: Figure) -> Figure:
    return hidden() if figure.suppressed or is_small(figure) else figure


def _hide_row(row: Row) -> Row:
    return dataclasses.replace(row, cells=tuple(hidden() if cell.people is not None else cell for cell in row.cells))


def suppress_table(table: Table) -> Table:
    rows = [dataclasses.replace(row, cells=tuple(suppress_figure(cell) for cell in row.cells)) for row in table.rows]
    total = (
        dataclasses.replace(table.total, cells=tuple(suppress_figure(cell) for cell in table.total.cells))
        if table.total is not None
        else None
    )
    changed = total is not None
    while changed:  # hiding a row for one column can leave a single hidden cell in another
        changed = False
        for index, column in enumerate(table.columns):
            if not column.additive or total is None or total.cells[index].suppressed:
                continue
            if sum(1 for row in rows if row.cells[index].suppressed) != 1:
                continue
            candidates = [
                (row.cells[index].value or 0, position)
                for position, row in enumerate(rows)
                if not row.cells[index].suppressed and row.cells[index].value
            ]
            if candidates:
                _value, position = min(candidates)
                rows[position] = _hide_row(rows[position])
                changed = True
    return dataclasses.replace(table, rows=tuple(rows), total=total)


def suppress_curve(curve: Curve) -> Curve:
    cases = suppress_figure(curve.cases)
    if cases.suppressed:
        return dataclasses.replace(curve, cases=cases, points=(), truncated=True)
    kept = tuple(point for point in curve.points if point.at_risk >= THRESHOLD)
    return dataclasses.replace(curve, cases=cases, points=kept, truncated=len(kept) < len(curve.points))


def _suppressed(value: Any) -> Any:
    if isinstance(value, Figure):
        return suppress_figure(value)
    if isinstance(value, Table):
        return suppress_table(value)
    if isinstance(value, Curve):
        return suppress_curve(value)
    if isinstance(value, tuple):
        return tuple(_suppressed(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {field.name: _suppressed(getattr(value, field.name)) for field in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def suppress(report: T) -> T:
    """The report as it may leave the system: every figure, table and curve in it suppressed, and its
    `small_cells_hidden` set."""
    result: T = _suppressed(report)
    if dataclasses.is_dataclass(result) and any(f.name == "small_cells_hidden" for f in dataclasses.fields(result)):
        result = dataclasses.replace(result, small_cells_hidden=True)  # type: ignore[type-var]
    return result
