"""Display helpers for directory entries: open now, opening hours in words. Prefetched data only."""

from __future__ import annotations

import datetime

from django import template

from jss.directory import hours
from jss.directory.models import Service

register = template.Library()


@register.filter
def open_at(service: Service, now: datetime.datetime) -> bool:
    return hours.service_is_open(service, now)


@register.filter
def hours_text(service: Service) -> str:
    """ "평일 09:00–18:00 · 토 09:00–13:00 · 공휴일 휴무" (jss.directory.hours, as in the booklet)."""
    return hours.service_hours_in_words(service)
