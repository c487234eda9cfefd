"""Opening hours: open now (Korea time, Korean public holidays) and the hours in words, from a service's periods.

Pure functions on values, so that an entry page (OpeningHours instances), a result list (rows read as tuples)
and the booklet share them."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from typing import NamedTuple, Protocol

import holidays
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jss.directory.models import Service

DAYS_IN_WEEK = 7
LAST_MINUTE = datetime.time(23, 59)  # a period to midnight ends here ("24:00")


class Period(Protocol):
    """One opening period on one weekday (0 = Monday): an OpeningHours, or a `PeriodRow`."""

    @property
    def weekday(self) -> int: ...
    @property
    def opens_at(self) -> datetime.time: ...
    @property
    def closes_at(self) -> datetime.time: ...


class PeriodRow(NamedTuple):
    """A period read as a row (jss.directory.queries.service_summaries)."""

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
    now_time = local.time()
    return any(
        period.weekday == local.weekday()
        and period.opens_at <= now_time
        and (now_time < period.closes_at or period.closes_at == LAST_MINUTE)  # a period to midnight: to its end
        for period in periods
    )


def service_is_open(service: Service, now: datetime.datetime) -> bool:
    """`is_open` for a service with its hours prefetched (no query)."""
    return is_open(
        status=service.status,
        always_open=service.always_open,
        open_on_holidays=service.open_on_holidays,
        periods=service.hours.all(),
        now=now,
    )


def service_hours_in_words(service: Service) -> str:
    """`hours_in_words` for a service with its hours prefetched (no query)."""
    return hours_in_words(
        always_open=service.always_open, open_on_holidays=service.open_on_holidays, periods=service.hours.all()
    )


# The words every entry repeats are translated once per language (a booklet of 5,000 services asked for them
# a hundred thousand times: half a second).
@functools.cache
def _weekday_names(language: str) -> tuple[str, ...]:
    with translation.override(language):
        return (
            pgettext("short weekday", "Mon"), pgettext("short weekday", "Tue"), pgettext("short weekday", "Wed"),
            pgettext("short weekday", "Thu"), pgettext("short weekday", "Fri"), pgettext("short weekday", "Sat"),
            pgettext("short weekday", "Sun"),
        )  # fmt: skip


def _short_weekday(day: int) -> str:
    return _weekday_names(translation.get_language())[day]


def _days_in_words(first: int, last: int) -> str:
    if (first, last) == (0, 6):
        return _("Every day")
    if (first, last) == (0, 4):
        return _("Weekdays")
    if (first, last) == (5, 6):
        return _("Weekends")
    if first == last:
        return _short_weekday(first)
    return f"{_short_weekday(first)}–{_short_weekday(last)}"


def _clock(time: datetime.time) -> str:
    return "24:00" if time == LAST_MINUTE else f"{time:%H:%M}"


def hours_in_words(*, always_open: bool, open_on_holidays: bool, periods: Iterable[Period]) -> str:
    """The opening hours in words, the same on screen and in the booklet: "평일 09:00–18:00 · 토 09:00–13:00 ·
    공휴일 휴무". Runs of days with the same hours are joined; overnight periods are stored split at midnight and
    read so: "금 18:00–24:00 · 토 00:00–09:00"."""
    if always_open:
        return _("Open 24 hours, every day")
    by_day: list[list[Period]] = [[] for _day in range(DAYS_IN_WEEK)]
    for period in periods:
        by_day[period.weekday].append(period)
    times = [", ".join(f"{_clock(p.opens_at)}–{_clock(p.closes_at)}" for p in day) for day in by_day]
    parts = []
    day = 0
    while day < DAYS_IN_WEEK:
        last = day
        while last + 1 < DAYS_IN_WEEK and times[last + 1] == times[day]:
            last += 1
        if times[day]:
            parts.append(f"{_days_in_words(day, last)} {times[day]}")
        day = last + 1
    if not parts:
        return _("Hours: ask by phone")
    parts.append(_("Open on public holidays") if open_on_holidays else _("Closed on public holidays"))
    return " · ".join(parts)
