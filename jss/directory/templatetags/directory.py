"""Display helpers for directory entries: open now, opening hours in words. Prefetched data only."""

from __future__ import annotations

import datetime

from django import template
from django.utils.translation import gettext as _

from jss.directory.models import OpeningHours, Service
from jss.directory.queries import is_open

register = template.Library()


@register.filter
def open_at(service: Service, now: datetime.datetime) -> bool:
    return is_open(service, now)


@register.filter
def hours_text(service: Service) -> str:
    """ "24시간 연중무휴", or days grouped by identical hours: "월–금 09:00–18:00, 토 10:00–17:00"."""
    if service.always_open:
        return _("24 hours, every day")
    by_times: dict[str, list[int]] = {}
    for hours in service.hours.all():
        key = f"{hours.opens_at:%H:%M}–{hours.closes_at:%H:%M}"
        by_times.setdefault(key, []).append(hours.weekday)
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
    if not service.open_on_holidays:
        text += " " + _("(closed on public holidays)")
    return text


@register.filter
def age_range(service: Service) -> str:
    """ "9–24세", "65세 이상", "17세 이하", or "" when the service has no age limits."""
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None:
        return _("%(low)s–%(high)s years") % {"low": low, "high": high}
    if low is not None:
        return _("%(low)s years and over") % {"low": low}
    if high is not None:
        return _("up to %(high)s years") % {"high": high}
    return ""
