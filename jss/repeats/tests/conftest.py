"""Repeat-rule fixtures: persons and reports built through jss.incidents.services, at fixed times.

Each report is recorded "at the time it was reported": the clock (django.utils.timezone.now) reads the
report time while record_incident runs, so the evaluation that recording triggers sees the same moment
the tests evaluate at. Engine tests use fixed moments in 2024 (`at(...)`); view tests work relative to
today, because the triage list shows what is open now.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from jss.people.models import Person
from jss.repeats.models import Flag
from tests.factories import IDO2, Reports  # noqa: F401 (IDO2 and Reports are imported from here too)

KST = ZoneInfo("Asia/Seoul")
ILDO1 = "5011051000"  # 일도1동, 제주동부경찰서
YEON = "5011065000"  # 연동, 제주서부경찰서


def at(day: str, hour: int = 21) -> datetime.datetime:
    """A report time in Jeju, e.g. at("2024-03-17")."""
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=KST)


def days_after(moment: datetime.datetime, days: int) -> datetime.datetime:
    return moment + datetime.timedelta(days=days)


@pytest.fixture
def couple(reports: Reports) -> tuple[Person, Person]:
    """고은비 (victim) and 양민철 (suspect)."""
    return reports.person("고", "은비", "1988-04-12"), reports.person("양", "민철", "1985-02-03")


def open_flags(rule_id: str | None = None) -> list[Flag]:
    flags = Flag.objects.filter(state__in=Flag.OPEN_STATES).order_by("rule_id", "subject_key")
    return list(flags.filter(rule_id=rule_id) if rule_id else flags)


def rules_fired() -> list[str]:
    return sorted(flag.rule_id for flag in open_flags())
