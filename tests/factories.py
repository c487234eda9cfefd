"""Deterministic test data: Jeju's real regions and a handful of institutions and personas."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from unittest import mock

from django.conf import settings

from jss.accounts.models import Membership, User
from jss.accounts.services import create_member
from jss.incidents.models import Incident
from jss.incidents.services import IncidentData, PartyData, create_person, record_incident
from jss.institutions.models import Institution
from jss.institutions.services import InstitutionData, upsert_institution
from jss.people.matching import Identity
from jss.people.models import Person
from jss.regions.models import PoliceStation, Region
from jss.regions.services import load_region_file

JEJU_REGIONS = Path(settings.BASE_DIR) / "data" / "regions" / "jeju.yaml"
PASSWORD = "correct-horse-battery-42"
LAUNCH = datetime.date(2023, 2, 22)
IDO2 = "5011054000"  # 이도2동, 제주동부경찰서


def load_jeju() -> None:
    load_region_file(JEJU_REGIONS)


def make_institution(
    key: str,
    name_ko: str,
    *,
    category: str = Institution.Category.SOCIAL_WELFARE,
    region_code: str = "5011054000",  # 이도2동
    station_code: str | None = None,
    status: str = Institution.Status.ACTIVE,
    member_since: datetime.date | None = LAUNCH,
    hosts_secretariat: bool = False,
) -> Institution:
    institution, _changed = upsert_institution(
        InstitutionData(
            key=key,
            name_ko=name_ko,
            name_en=key.replace("-", " ").title(),
            category=category,
            region=Region.objects.get(code=region_code),
            station=PoliceStation.objects.get(code=station_code) if station_code else None,
            email=f"{key}@example.kr",
            status=status,
            member_since=member_since if status != Institution.Status.APPLICANT else None,
            hosts_secretariat=hosts_secretariat,
            is_sample=True,
        ),
        actor=None,
    )
    return institution


def make_member(
    username: str, full_name: str, institution: Institution, role: str, station_code: str | None = None
) -> User:
    return create_member(
        username=username,
        password=PASSWORD,
        full_name=full_name,
        email=f"{username}@example.kr",
        institution=institution,
        role=role,
        station=PoliceStation.objects.get(code=station_code) if station_code else None,
        actor=None,
    )


Role = Membership.Role


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
