"""The demo network: Jeju's member institutions and one user per role, deterministic and re-runnable.

Later issues extend `generate_demo` with their own data (services, incidents, cases, meetings).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from jss.accounts.models import Membership, User
from jss.accounts.services import create_member
from jss.institutions.models import Institution
from jss.institutions.services import InstitutionData, upsert_institution
from jss.lib.yamlfile import DataFileError, line_of, read_yaml_with_lines
from jss.regions.models import PoliceStation, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
INSTITUTIONS_FILE = DATA_DIR / "institutions.yaml"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    institution_key: str
    job_title: str
    station_code: str | None = None


# Fictional people. One sign-in per role, plus more coordinators and practitioners for realistic demos.
DEMO_USERS = [
    DemoUser("secretariat", "오세영", Membership.Role.SECRETARIAT, "jeju-police-agency", "JSS 사무국 경위"),
    DemoUser(
        "coordinator", "고태훈", Membership.Role.COORDINATOR, "jeju-dongbu-police", "APO 경사", "jeju-dongbu"
    ),
    DemoUser("practitioner", "양수진", Membership.Role.PRACTITIONER, "jeju-child-protection", "상담원"),
    DemoUser("head", "좌명희", Membership.Role.HEAD, "jeju-sunflower-centre", "센터장"),
    DemoUser("auditor", "진혜원", Membership.Role.AUDITOR, "jeju-police-agency", "개인정보보호책임자"),
    DemoUser("admin", "송재현", Membership.Role.ADMIN, "jeju-police-agency", "정보화 담당"),
    DemoUser(
        "coordinator-seobu",
        "부지원",
        Membership.Role.COORDINATOR,
        "jeju-seobu-police",
        "APO 경위",
        "jeju-seobu",
    ),
    DemoUser(
        "coordinator-seogwipo",
        "현승우",
        Membership.Role.COORDINATOR,
        "seogwipo-police",
        "APO 경사",
        "seogwipo",
    ),
    DemoUser("practitioner-1366", "문서연", Membership.Role.PRACTITIONER, "jeju-1366", "상담원"),
    DemoUser(
        "practitioner-hospital",
        "김나래",
        Membership.Role.PRACTITIONER,
        "jeju-national-university-hospital",
        "간호사",
    ),
    DemoUser(
        "practitioner-school", "이하늘", Membership.Role.PRACTITIONER, "jeju-city-wee-centre", "전문상담교사"
    ),
    DemoUser("practitioner-legal", "박준영", Membership.Role.PRACTITIONER, "legal-aid-jeju", "변호사"),
    DemoUser(
        "practitioner-elder", "강미경", Membership.Role.PRACTITIONER, "jeju-elder-protection", "사회복지사"
    ),
]


@dataclass
class DemoResult:
    institutions_created_or_updated: int
    users_created: list[str]


def read_institution_file(path: Path = INSTITUTIONS_FILE) -> list[dict[str, Any]]:
    data = read_yaml_with_lines(path)
    items = data.get("institutions") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise DataFileError(path, [(1, "the file must have a list 'institutions'")])
    return items


def _institution_data(
    item: dict[str, Any], regions: dict[str, Region], stations: dict[str, PoliceStation]
) -> InstitutionData:
    region = regions.get(str(item["region"]))
    if region is None:
        raise DataFileError(
            INSTITUTIONS_FILE, [(line_of(item), f"unknown region {item['region']!r}: load regions first")]
        )
    station_code = item.get("station")
    station = stations.get(station_code) if station_code else None
    if station_code and station is None:
        raise DataFileError(INSTITUTIONS_FILE, [(line_of(item), f"unknown police station {station_code!r}")])
    member_since = item.get("member_since")
    return InstitutionData(
        key=item["key"],
        name_ko=item["name_ko"],
        name_en=item.get("name_en") or "",
        category=item["category"],
        region=region,
        station=station,
        address=item.get("address") or "",
        phone=item.get("phone") or "",
        hotline=str(item.get("hotline") or ""),
        email=item.get("email") or "",
        status=Institution.Status.ACTIVE,
        member_since=member_since if isinstance(member_since, datetime.date) else None,
        hosts_secretariat=bool(item.get("secretariat")),
        is_sample=True,
    )


def _extra_institutions(count: int, *, rng: random.Random, regions: list[Region]) -> list[InstitutionData]:
    """Synthetic members for larger scales (benchmarks): plainly fictional names and contacts."""
    categories = [c for c in Institution.Category.values if c not in {"police_agency", "police_station"}]
    extra = []
    for number in range(1, count + 1):
        category = rng.choice(categories)
        label = Institution.Category(category).label
        region = rng.choice(regions)
        extra.append(
            InstitutionData(
                key=f"demo-extra-{number:05d}",
                name_ko=f"{region.name_ko} {label} (예시 {number})",
                name_en=f"Sample {label} {number}",
                category=category,
                region=region,
                station=None,
                address=f"{region.name_ko} (예시 주소)",
                phone=f"064-000-{9000 + number % 1000:04d}",
                hotline="",
                email=f"demo-extra-{number:05d}@example.kr",
                status=Institution.Status.ACTIVE,
                member_since=datetime.date(2023, 2, 22) + datetime.timedelta(days=rng.randrange(0, 900)),
                hosts_secretariat=False,
                is_sample=True,
            )
        )
    return extra


@transaction.atomic
def generate_network(*, seed: int, scale: int, password_for: Callable[[str], str]) -> DemoResult:
    """Create or update the demo institutions and users. Re-running changes nothing that exists."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    regions = {region.code: region for region in Region.objects.all()}
    stations = {station.code: station for station in PoliceStation.objects.all()}
    if not regions:
        raise DataFileError(INSTITUTIONS_FILE, [(0, "no regions are loaded: run load_regions first")])
    wanted = [_institution_data(item, regions, stations) for item in read_institution_file()]
    local_units = [region for region in regions.values() if region.is_local_unit]
    wanted += _extra_institutions(len(wanted) * (scale - 1), rng=rng, regions=local_units)
    changed = 0
    institutions: dict[str, Institution] = {}
    for data in wanted:
        institution, was_changed = upsert_institution(data, actor=None)
        institutions[data.key] = institution
        changed += was_changed
    existing_users = set(User.objects.values_list("username", flat=True))
    created: list[str] = []
    for person in DEMO_USERS:
        if person.username in existing_users:
            continue
        create_member(
            username=person.username,
            password=password_for(person.username),
            full_name=person.full_name,
            email=f"{person.username}@example.kr",
            institution=institutions[person.institution_key],
            role=person.role,
            station=stations[person.station_code] if person.station_code else None,
            job_title=person.job_title,
            actor=None,
        )
        created.append(person.username)
    return DemoResult(institutions_created_or_updated=changed, users_created=created)
