"""Reporting periods: whole days from `start` to `end`, both included, in Korea time (docs/metrics.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A report covers at most two years: longer periods hide change and are refused by `Period.checked`.
MAX_DAYS = 731
DAYS_PER_YEAR = 365.25


class PeriodError(ValueError):
    """A period the report cannot cover; the message is for the user."""


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date  # included

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(_("The period ends before it starts: choose an end date on or after the start date."))

    @classmethod
    def checked(cls, start: datetime.date, end: datetime.date, *, today: datetime.date | None = None) -> Period:
        """A period a user asked for: not inverted, not longer than two years, not starting in the future."""
        period = cls(start, end)
        if period.days > MAX_DAYS:
            raise PeriodError(_("The period is longer than two years: choose a shorter one."))
        if start > (today or timezone.localdate()):
            raise PeriodError(_("The period starts in the future: there is no data for it yet."))
        return period

    @classmethod
    def half_year(cls, year: int, half: int) -> Period:
        """The first (1 January–30 June) or second (1 July–31 December) half of a year: the joint
        council's semiannual periods."""
        if half == 1:
            return cls(datetime.date(year, 1, 1), datetime.date(year, 6, 30))
        if half == 2:
            return cls(datetime.date(year, 7, 1), datetime.date(year, 12, 31))
        raise PeriodError(_("A year has two halves: 1 or 2."))

    @classmethod
    def last_complete_half_year(cls, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls.half_year(today.year - 1, 2) if today.month <= 6 else cls.half_year(today.year, 1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def annual_factor(self) -> float:
        """Multiplies a count over the period into a count per year (365.25 / days)."""
        return DAYS_PER_YEAR / self.days

    @property
    def half(self) -> int | None:
        """1 or 2 when the period is the first or second half of a calendar year, else None."""
        for half in (1, 2):
            if self == Period.half_year(self.start.year, half):
                return half
        return None

    def previous(self) -> Period:
        """What the period is compared with: the half year before a half year (the council's papers), the year
        before a calendar year, else the same number of days immediately before."""
        if (half := self.half) is not None:
            return Period.half_year(self.start.year - 1, 2) if half == 1 else Period.half_year(self.start.year, 1)
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) and (
            self.start.year == self.end.year
        ):
            return Period(self.start.replace(year=self.start.year - 1), self.end.replace(year=self.end.year - 1))
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    def shifted(self, days: int) -> Period:
        return Period(self.start + datetime.timedelta(days=days), self.end + datetime.timedelta(days=days))

    @cached_property
    def since(self) -> datetime.datetime:
        """The first moment of the period (midnight in Korea)."""
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=timezone.get_current_timezone())

    @cached_property
    def until(self) -> datetime.datetime:
        """The first moment after the period (excluded)."""
        return self.since + datetime.timedelta(days=self.days)

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"
