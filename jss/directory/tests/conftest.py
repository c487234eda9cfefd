"""Directory fixtures: the taxonomy and a few entries with services, built through the services."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from jss.accounts.models import Membership
from jss.directory.models import Phone
from jss.directory.services import (
    EntryData,
    HoursData,
    PhoneData,
    ServiceData,
    load_taxonomy,
    save_service,
    terms,
    update_entry,
)
from jss.institutions.models import Institution
from jss.regions.models import Region
from tests.factories import make_institution

OFFICE = [HoursData(weekday=day, opens_at=datetime.time(9), closes_at=datetime.time(18)) for day in range(5)]


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def entry(
    institution: Institution, *, phone: str, address: str = "제주시 시험로 0", confidential: bool = False
) -> None:
    update_entry(
        institution,
        data=EntryData(
            description_ko="",
            description_en="",
            email=f"{institution.key}@example.kr",
            website="",
            address_ko="" if confidential else address,
            location_region=institution.region,
            is_confidential=confidential,
            phones=[PhoneData(number=phone, kind=Phone.Kind.MAIN)],
        ),
        actor=None,
    )


def service(institution: Institution, name_ko: str, **overrides):
    values: dict[str, Any] = {
        "name_ko": name_ko,
        "description_ko": f"{name_ko} 설명",
        "service_area": region("5000000000"),
        "targets": terms("target", ["anyone"]),
        "types": terms("service_type", ["counselling"]),
        "languages": terms("language", ["ko"]),
        "hours": OFFICE,
    }
    values.update(overrides)
    return save_service(institution=institution, data=ServiceData(**values), actor=None)


@pytest.fixture
def directory(jeju, child_protection, social_worker):
    """제주아동보호전문기관 (social worker is its JSS contact), a 24-hour women's hotline, an elder service in
    서귀포시, a confidential shelter."""
    load_taxonomy()
    Membership.objects.filter(user=social_worker).update(is_contact=True, work_phone="064-000-7001")
    social_worker.membership.refresh_from_db()
    entry(child_protection, phone="064-000-1301")
    service(
        child_protection,
        "아동학대 피해아동 상담",
        name_en="Counselling for abused children",
        targets=terms("target", ["children", "families"]),
        types=terms("service_type", ["counselling", "case_management"]),
        referral_contact=social_worker.membership,
    )
    hotline = make_institution(
        "women-hotline", "여성긴급전화1366 제주센터", category=Institution.Category.WOMEN_HOTLINE
    )
    entry(hotline, phone="1366")
    service(
        hotline,
        "가정폭력상담소 긴급상담",
        targets=terms("target", ["women", "migrants"]),
        types=terms("service_type", ["hotline", "counselling"]),
        languages=terms("language", ["ko", "vi", "zh"]),
        always_open=True,
        open_on_holidays=True,
        hours=[],
    )
    elder = make_institution(
        "seogwipo-elder",
        "서귀포노인보호전문기관",
        category=Institution.Category.ELDER_PROTECTION,
        region_code="5013057000",
    )
    entry(elder, phone="064-000-1501")
    service(elder, "노인학대 상담", service_area=region("5013000000"), targets=terms("target", ["elderly"]))
    shelter = make_institution(
        "shelter", "제주여성쉼터", category=Institution.Category.SHELTER, region_code="5011000000"
    )
    entry(shelter, phone="064-000-1801", confidential=True)
    service(shelter, "긴급 보호", targets=terms("target", ["women"]), types=terms("service_type", ["shelter"]))
    return {"child": child_protection, "hotline": hotline, "elder": elder, "shelter": shelter}
