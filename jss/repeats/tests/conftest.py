"""Repeat-rule fixtures: persons and reports built through jss.incidents.services, at fixed times.

Each report is recorded "at the time it was reported": the clock (django.utils.timezone.now) reads the
report time while record_incident runs, so the evaluation that recording triggers sees the same moment
the tests evaluate at. Engine tests use fixed moments in 2024 (`at(...)`); view tests work relative to
today, because the triage list shows what is open now.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from jss.incidents.models import Incident
from jss.incidents.services import IncidentData, PartyData, create_person, record_incident
from jss.institutions.models import Institution
from jss.people.matching import Identity
from jss.people.models import Person
from jss.regions.models import Region
from jss.repeats.models import Flag
from tests.factories import make_institution

KST = ZoneInfo("Asia/Seoul")
IDO2 = "5011054000"  # 이도2동, 제주동부경찰서
ILDO1 = "5011051000"  # 일도1동, 제주동부경찰서
YEON = "5011065000"  # 연동, 제주서부경찰서


def at(day: str, hour: int = 21) -> datetime.datetime:
    """A report time in Jeju, e.g. at("2024-03-17")."""
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=KST)


def days_after(moment: datetime.datetime, days: int) -> datetime.datetime:
    return moment + datetime.timedelta(days=days)


class Reports:
    """Makes persons and records reports about them, as the intake form would."""

    def __init__(self, institutions: dict[str, Institution]) -> None:
        self.institutions = institutions
        self.serial = 0

    def person(self, family_name: str, given_name: str, birth: str, **attributes: object) -> Person:
        party = PartyData(
            role="victim",
            identity=Identity(
                family_name=family_name, given_name=given_name, birth_date=datetime.date.fromisoformat(birth)
            ),
            **attributes,  # type: ignore[arg-type]
        )
        return create_person(party, institution=self.institutions["112"])

    def report(
        self,
        when: datetime.datetime,
        *,
        victim: Person | Iterable[Person],
        suspect: Person | Iterable[Person] | None = None,
        domain: str = Incident.Domain.DOMESTIC_VIOLENCE,
        source: str = "112",
        region: str | None = IDO2,
        measures: Iterable[str] = (),
        **markers: Any,
    ) -> Incident:
        victims = [victim] if isinstance(victim, Person) else list(victim)
        suspects = [] if suspect is None else [suspect] if isinstance(suspect, Person) else list(suspect)
        parties = [PartyData(role="victim", identity=Identity(), existing=person) for person in victims] + [
            PartyData(role="suspect", identity=Identity(), existing=person) for person in suspects
        ]
        self.serial += 1
        with mock.patch("django.utils.timezone.now", return_value=when):
            return record_incident(
                IncidentData(
                    domain=domain,
                    occurred_at=when - datetime.timedelta(minutes=20),
                    reported_at=when,
                    source=source,
                    source_reference=f"T-{self.serial:05d}",
                    reporting_institution=self.institutions.get(source, self.institutions["112"]),
                    region=Region.objects.get(code=region) if region else None,
                    police_measures=list(measures),
                    parties=parties,
                    **markers,
                ),
                actor=None,
            )


@pytest.fixture
def hotline(jeju: None) -> Institution:
    return make_institution(
        "hotline-1366", "여성긴급전화1366 제주센터", category=Institution.Category.WOMEN_HOTLINE, region_code=IDO2
    )


@pytest.fixture
def reports(dongbu_station: Institution, hotline: Institution, child_protection: Institution) -> Reports:
    return Reports({"112": dongbu_station, "1366": hotline, "child_protection": child_protection})


@pytest.fixture
def couple(reports: Reports) -> tuple[Person, Person]:
    """고은비 (victim) and 양민철 (suspect)."""
    return reports.person("고", "은비", "1988-04-12"), reports.person("양", "민철", "1985-02-03")


def open_flags(rule_id: str | None = None) -> list[Flag]:
    flags = Flag.objects.filter(state__in=Flag.OPEN_STATES).order_by("rule_id", "subject_key")
    return list(flags.filter(rule_id=rule_id) if rule_id else flags)


def rules_fired() -> list[str]:
    return sorted(flag.rule_id for flag in open_flags())
