"""Persons and reports for the linkage tests, made as the intake form makes them (jss.repeats' helpers)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jss.people.models import Person, PersonLink
from tests.factories import Reports


def ago(days: int) -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def split_person(reports: Reports) -> dict[str, Person]:
    """고은비 written twice (the police's 고은비 and the hotline's 고은 비, born 1988-04-12 / 1988-12-04), with
    her partner 양민철: two reports on the first record, one on the second; a pending link between them."""
    first = reports.person("고", "은비", "1988-04-12")
    second = reports.person("고", "은 비", "1988-12-04")
    suspect = reports.person("양", "민철", "1985-02-03")
    reports.report(ago(80), victim=first, suspect=suspect)
    reports.report(ago(40), victim=first, suspect=suspect)
    reports.report(ago(3), victim=second, suspect=suspect, source="1366")
    return {"first": first, "second": second, "suspect": suspect}


def pending(person: Person, other: Person, **fields: object) -> PersonLink:
    values: dict[str, object] = {
        "origin": PersonLink.Origin.REVIEW,
        "match_probability": 0.93,
        "match_weight": 3.8,
        "review_reason": "below_auto_link_threshold",
        "evidence": [
            {"comparison": "surname", "level": "exact", "weight": 2.1},
            {"comparison": "given_name", "level": "exact", "weight": 9.4},
            {"comparison": "birth", "level": "day_month_swapped", "weight": 4.0},
            {"comparison": "contact", "level": "missing", "weight": 0.0},
            {"comparison": "sex", "level": "different", "weight": -3.2},
        ],
    }
    values.update(fields)
    first, second = (person, other) if person.pk < other.pk else (other, person)
    return PersonLink.objects.create(person=first, other=second, **values)
