"""A family reported to the 동부 station, for the case tests (jss.repeats' report helpers)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jss.incidents.models import Incident
from jss.people.models import Person
from tests.factories import Reports


@pytest.fixture
def family(reports: Reports) -> dict[str, Person | list[Incident]]:
    """고은비 (victim) and 양민철 (suspect): two DV reports in 이도2동 (동부), the second via the child
    protection agency."""
    victim = reports.person("고", "은비", "1988-04-12")
    suspect = reports.person("양", "민철", "1985-02-03")
    now = timezone.now()
    first = reports.report(now - datetime.timedelta(days=40), victim=victim, suspect=suspect)
    second = reports.report(now - datetime.timedelta(days=3), victim=victim, suspect=suspect, source="child_protection")
    return {"victim": victim, "suspect": suspect, "incidents": [first, second]}
