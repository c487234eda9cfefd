"""What a report is made of: figures (a value with what it was computed from and how many people stand
behind it), and tables of them. Frozen: `jss.reports.suppression.suppress` returns a new report."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = str | Promise  # plain text or a lazily translated string

SUPPRESSED = "<5"


@dataclass(frozen=True)
class Figure:
    """One number of the report.

    `value` is None when there is no data (an empty period, a rate over nothing). A rate carries its
    `numerator` and `denominator`. `people` is how many people (or cases: one case is one victim's
    situation) stand behind the figure, the count small-cell suppression looks at; None when the figure
    is not about people (institutions, meetings, populations, benchmarks). `suppressed` figures keep no
    numbers at all."""

    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    people: int | None = None
    suppressed: bool = False

    @classmethod
    def count(cls, value: int, *, people: int | None = None) -> Figure:
        """A count of people or cases (`people` defaults to the count itself)."""
        return cls(value, people=value if people is None else people)

    @classmethod
    def number(cls, value: float | None) -> Figure:
        """A figure not about people: never suppressed (populations, institutions, benchmarks)."""
        return cls(value)

    @classmethod
    def rate(
        cls,
        numerator: int,
        denominator: int,
        *,
        scale: float = 1.0,
        people: tuple[int, int] | None = None,
    ) -> Figure:
        """numerator / denominator × scale; no data when the denominator is 0. `people`: the people behind
        the numerator and the denominator when they are not the counts themselves. The smaller non-zero
        of the two decides suppression: a share of 2 cases identifies them, and so does 0 of 3."""
        value = numerator / denominator * scale if denominator else None
        behind = people if people is not None else (numerator, denominator)
        return cls(value, numerator, denominator, people=min((n for n in behind if n > 0), default=0))

    @property
    def no_data(self) -> bool:
        return self.value is None and not self.suppressed

    def display(self, *, digits: int = 0, percent: bool = False) -> str:
        """ "<5" when suppressed, "–" for no data, else the number in the active language's format."""
        if self.suppressed:
            return SUPPRESSED
        if self.value is None:
            return "–"
        if percent:
            return f"{number_format(self.value * 100, digits)}%"
        return str(number_format(self.value, digits, force_grouping=True))


NO_DATA = Figure(None)


@dataclass(frozen=True)
class Column:
    key: str
    label: Label
    # Cells of an additive column add up to the table's total row: one suppressed cell could then be
    # recovered by subtraction, so suppression hides a second one (complementary suppression).
    additive: bool = False


@dataclass(frozen=True)
class Row:
    key: str  # a domain, region code, institution key, category, factor code...
    label: Label
    cells: tuple[Figure, ...]  # one per column of the table


@dataclass(frozen=True)
class Table:
    key: str
    title: Label
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total: Row | None = None

    def column_index(self, column: str) -> int:
        for index, candidate in enumerate(self.columns):
            if candidate.key == column:
                return index
        raise KeyError(column)

    def row(self, key: str) -> Row:
        for row in (*self.rows, *([self.total] if self.total else [])):
            if row.key == key:
                return row
        raise KeyError(key)

    def cell(self, row: str, column: str) -> Figure:
        return self.row(row).cells[self.column_index(column)]

    def column(self, column: str) -> dict[str, Figure]:
        index = self.column_index(column)
        return {row.key: row.cells[index] for row in self.rows}


TOTAL = "total"
TOTAL_LABEL = _("Total")


@dataclass(frozen=True)
class CurvePoint:
    days: float
    survival: float  # share of cases without a repeat after `days`
    at_risk: int  # cases still followed just before `days`
    events: int  # first repeats at `days`


@dataclass(frozen=True)
class Curve:
    """A Kaplan–Meier curve of time to the first repeat (jss.reports.survival) for one group of cases."""

    key: str  # "all" or a domain
    label: Label
    cases: Figure  # the cases followed
    points: tuple[CurvePoint, ...]
    # Points after fewer than 5 cases remain followed are cut off in suppressed reports.
    truncated: bool = False
