"""Opening hours: open now (Korea time, Korean public holidays) and the hours in words, from a service's periods.

Pure functions on values, so that an entry page (OpeningHours instances) and a result list (rows read as
tuples) share them."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from typing import NamedTuple, Protocol

import holidays
from django.utils import timezone
from django.utils.translation import gettext as _

from jss.directory.models import OpeningHours, Service


class Period(Protocol):
    """One opening period on one weekday (0 = Monday): an OpeningHours, or a `Hours` row."""

    @property
    def weekday(self) -> int: ...
    @property
    def opens_at(self) -> datetime.time: ...
    @property
    def closes_at(self) -> datetime.time: ...


class Hours(NamedTuple):
    weekday: int
    opens_at: datetime.time
    closes_at: datetime.time


@functools.cache
def _korean_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("KR", years=year))


def is_public_holiday(day: datetime.date) -> bool:
    return day in _korean_holidays(day.year)


def is_open(
    *, status: str, always_open: bool, open_on_holidays: bool, periods: Iterable[Period], now: datetime.datetime
) -> bool:
    if status != Service.Status.ACTIVE:
        return False
    if always_open:
        return True
    local = timezone.localtime(now)
    if is_public_holiday(local.date()) and not open_on_holidays:
        return False
    return any(
        period.weekday == local.weekday() and period.opens_at <= local.time() < period.closes_at for period in periods
    )


def hours_in_words(*, always_open: bool, open_on_holidays: bool, periods: Iterable[Period]) -> str:
    """ "24시간 연중무휴", or days grouped by identical hours: "월–금 09:00–18:00, 토 10:00–17:00"."""
    if always_open:
        return _("24 hours, every day")
    by_times: dict[str, list[int]] = {}
    for period in periods:
        by_times.setdefault(f"{period.opens_at:%H:%M}–{period.closes_at:%H:%M}", []).append(period.weekday)
    if not by_times:
        return _("Hours not given")
    names = dict(OpeningHours.Weekday.choices)
    parts = []
    for times, days in sorted(by_times.items(), key=lambda item: min(item[1])):
        days = sorted(set(days))
        consecutive = days == list(range(days[0], days[-1] + 1))
        if len(days) > 2 and consecutive:
            label = f"{names[days[0]]}–{names[days[-1]]}"
        else:
            label = ", ".join(str(names[day]) for day in days)
        parts.append(f"{label} {times}")
    text = ", ".join(parts)
    if not open_on_holidays:
        text += " " + _("(closed on public holidays)")
    return text
