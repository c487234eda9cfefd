"""Deterministic test data: Jeju's real regions and a handful of institutions and personas."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings

from jss.accounts.models import Membership, User
from jss.accounts.services import create_member
from jss.institutions.models import Institution
from jss.institutions.services import InstitutionData, upsert_institution
from jss.regions.models import PoliceStation, Region
from jss.regions.services import load_region_file

JEJU_REGIONS = Path(settings.BASE_DIR) / "data" / "regions" / "jeju.yaml"
PASSWORD = "correct-horse-battery-42"
LAUNCH = datetime.date(2023, 2, 22)


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
