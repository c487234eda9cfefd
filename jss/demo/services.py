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
from django.utils import timezone

from jss.accounts.models import Membership, User
from jss.accounts.services import create_member
from jss.directory.models import EntryChange, Phone, Service, TaxonomyTerm
from jss.directory.services import (
    EntryData,
    HoursData,
    PhoneData,
    ServiceData,
    load_taxonomy,
    save_service,
    terms,
    update_entry,
    verify_entry,
)
from jss.institutions.models import Institution
from jss.institutions.services import InstitutionData, upsert_institution
from jss.lib.yamlfile import DataFileError, line_of, read_yaml_with_lines
from jss.regions.models import PoliceStation, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
INSTITUTIONS_FILE = DATA_DIR / "institutions.yaml"
SERVICES_FILE = DATA_DIR / "services.yaml"

# Opening-hour presets used by services.yaml: (weekdays, opens, closes) periods.
HOUR_PRESETS: dict[str, list[tuple[range, str, str]]] = {
    "always": [],
    "office": [(range(0, 5), "09:00", "18:00")],
    "extended": [(range(0, 5), "09:00", "21:00"), (range(5, 6), "10:00", "17:00")],
    "hospital": [(range(0, 5), "08:30", "17:30"), (range(5, 6), "08:30", "12:30")],
    "school": [(range(0, 5), "08:30", "16:30")],
    "weekdays_evening": [(range(0, 5), "13:00", "22:00")],
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    institution_key: str
    job_title: str
    station_code: str | None = None
    is_contact: bool = False


# Fictional people. One sign-in per role, plus more coordinators and practitioners for realistic demos.
DEMO_USERS = [
    DemoUser("secretariat", "오세영", Membership.Role.SECRETARIAT, "jeju-police-agency", "JSS 사무국 경위"),
    DemoUser("coordinator", "고태훈", Membership.Role.COORDINATOR, "jeju-dongbu-police", "APO 경사", "jeju-dongbu"),
    DemoUser(
        "practitioner",
        "양수진",
        Membership.Role.PRACTITIONER,
        "jeju-child-protection",
        "상담원",
        is_contact=True,
    ),
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
    DemoUser("practitioner-1366", "문서연", Membership.Role.PRACTITIONER, "jeju-1366", "상담원", is_contact=True),
    DemoUser(
        "practitioner-hospital",
        "김나래",
        Membership.Role.PRACTITIONER,
        "jeju-national-university-hospital",
        "간호사",
    ),
    DemoUser("practitioner-school", "이하늘", Membership.Role.PRACTITIONER, "jeju-city-wee-centre", "전문상담교사"),
    DemoUser("practitioner-legal", "박준영", Membership.Role.PRACTITIONER, "legal-aid-jeju", "변호사"),
    DemoUser("practitioner-elder", "강미경", Membership.Role.PRACTITIONER, "jeju-elder-protection", "사회복지사"),
]


@dataclass
class DemoResult:
    institutions_created_or_updated: int
    users_created: list[str]
    services_created_or_updated: int = 0


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
                email=f"demo-extra-{number:05d}@example.kr",
                status=Institution.Status.ACTIVE,
                member_since=datetime.date(2023, 2, 22) + datetime.timedelta(days=rng.randrange(0, 900)),
                hosts_secretariat=False,
                is_sample=True,
            )
        )
    return extra


def _entry_data(item: dict[str, Any], regions: dict[str, Region]) -> EntryData:
    phones = [PhoneData(number=item["phone"], kind=Phone.Kind.MAIN)] if item.get("phone") else []
    if item.get("hotline"):
        phones.append(PhoneData(number=str(item["hotline"]), kind=Phone.Kind.HOTLINE))
    confidential = item.get("category") == "shelter"
    return EntryData(
        description_ko="",
        description_en="",
        email=item.get("email") or "",
        website="",
        address_ko="" if confidential else (item.get("address") or ""),
        location_region=regions[str(item["region"])],
        is_confidential=confidential,
        phones=phones,
    )


def _hours(preset: str) -> list[HoursData]:
    return [
        HoursData(
            weekday=day,
            opens_at=datetime.time.fromisoformat(opens),
            closes_at=datetime.time.fromisoformat(closes),
        )
        for days, opens, closes in HOUR_PRESETS[preset]
        for day in days
    ]


def _service_data(item: dict[str, Any], regions: dict[str, Region], contact: Membership | None) -> ServiceData:
    return ServiceData(
        name_ko=item["name_ko"],
        name_en=item.get("name_en") or "",
        description_ko=item["description_ko"],
        description_en=item.get("description_en") or "",
        service_area=regions[str(item.get("service_area") or "5000000000")],
        targets=terms(TaxonomyTerm.Vocabulary.TARGET, item.get("targets") or []),
        types=terms(TaxonomyTerm.Vocabulary.SERVICE_TYPE, item.get("types") or []),
        languages=terms(TaxonomyTerm.Vocabulary.LANGUAGE, item.get("languages") or ["ko"]),
        eligibility_ko=item.get("eligibility_ko") or "",
        eligibility_en=item.get("eligibility_en") or "",
        minimum_age=item.get("minimum_age"),
        maximum_age=item.get("maximum_age"),
        fee=item.get("fee") or Service.Fee.FREE,
        fee_note_ko=item.get("fee_note_ko") or "",
        how_to_apply_ko=item.get("how_to_apply_ko") or "",
        how_to_apply_en=item.get("how_to_apply_en") or "",
        referral_contact=contact,
        always_open=item.get("hours") == "always",
        open_on_holidays=item.get("holidays") == "open" or item.get("hours") == "always",
        hours=_hours(item.get("hours") or "office"),
    )


def _generate_directory(
    items: list[dict[str, Any]],
    institutions: dict[str, Institution],
    regions: dict[str, Region],
    *,
    rng: random.Random,
) -> int:
    """Each demo institution's entry (address, phones), services and hours; re-running changes nothing."""
    load_taxonomy()
    for item in items:
        update_entry(
            institutions[item["key"]],
            data=_entry_data(item, regions),
            actor=None,
            kind=EntryChange.Kind.IMPORTED,
        )
    contacts = {m.institution_id: m for m in Membership.objects.filter(is_contact=True)}
    existing = {(s.institution_id, s.name_ko): s for s in Service.objects.filter(institution__in=institutions.values())}
    changed = 0
    for item in read_yaml_with_lines(SERVICES_FILE)["services"] if SERVICES_FILE.exists() else []:
        institution = institutions.get(item["institution"])
        if institution is None:
            continue
        data = _service_data(item, regions, contacts.get(institution.pk))
        before = EntryChange.objects.count()
        save_service(
            institution=institution,
            data=data,
            actor=None,
            service=existing.get((institution.pk, data.name_ko)),
        )
        changed += EntryChange.objects.count() > before
    # About a quarter of the entries were last confirmed more than six months ago: the stale flag shows.
    now = timezone.now()
    for institution in sorted(institutions.values(), key=lambda i: i.key):
        days = rng.randrange(0, 260)
        if institution.last_verified_at is None:
            verify_entry(institution, actor=None, at=now - datetime.timedelta(days=days))
    return changed


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
        user = create_member(
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
        if person.is_contact:
            Membership.objects.filter(user=user).update(is_contact=True, work_phone="064-000-7000")
        created.append(person.username)
    items = read_institution_file()
    services_changed = _generate_directory(items, institutions, regions, rng=rng)
    return DemoResult(
        institutions_created_or_updated=changed,
        users_created=created,
        services_created_or_updated=services_changed,
    )
