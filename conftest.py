"""Shared fixtures: Jeju's regions and the personas every app's tests use.

Personas: an officer (coordinator) of 제주동부경찰서, a social worker of the child protection agency in
that area, a school counsellor of an institution that takes part in nothing (the outsider), the
secretariat, a head of institution, the data-protection auditor, the technical admin, and a user who
belongs to no institution.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from jss.accounts.models import User
from jss.institutions.models import Institution
from tests.factories import IDO2, PASSWORD, Reports, Role, load_jeju, make_institution, make_member


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the directory caches its filter choices)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in Korean: a request leaves its reader's language active on the thread (the language
    middleware activates it), which must not decide what the next test on that worker sees."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def jeju(db: None) -> None:
    load_jeju()


@pytest.fixture
def police_agency(jeju: None) -> Institution:
    return make_institution(
        "police-agency",
        "제주경찰청",
        category=Institution.Category.POLICE_AGENCY,
        region_code="5011065000",
        hosts_secretariat=True,
    )


@pytest.fixture
def dongbu_station(jeju: None) -> Institution:
    return make_institution(
        "dongbu-police",
        "제주동부경찰서",
        category=Institution.Category.POLICE_STATION,
        region_code="5011052000",
        station_code="jeju-dongbu",
    )


@pytest.fixture
def child_protection(jeju: None) -> Institution:
    return make_institution("child-protection", "제주아동보호전문기관", category=Institution.Category.CHILD_PROTECTION)


@pytest.fixture
def wee_centre(jeju: None) -> Institution:
    return make_institution(
        "wee-centre", "제주시 Wee센터", category=Institution.Category.SCHOOL, region_code="5011063000"
    )


@pytest.fixture
def applicant(jeju: None) -> Institution:
    return make_institution(
        "new-shelter", "새빛쉼터", category=Institution.Category.SHELTER, status=Institution.Status.APPLICANT
    )


@pytest.fixture
def secretariat(police_agency: Institution) -> User:
    return make_member("secretariat", "오세영", police_agency, Role.SECRETARIAT)


@pytest.fixture
def officer(dongbu_station: Institution) -> User:
    return make_member("officer", "고태훈", dongbu_station, Role.COORDINATOR, station_code="jeju-dongbu")


@pytest.fixture
def social_worker(child_protection: Institution) -> User:
    return make_member("social-worker", "양수진", child_protection, Role.PRACTITIONER)


@pytest.fixture
def counsellor(wee_centre: Institution) -> User:
    return make_member("counsellor", "이하늘", wee_centre, Role.PRACTITIONER)


@pytest.fixture
def head(child_protection: Institution) -> User:
    return make_member("head", "좌명희", child_protection, Role.HEAD)


@pytest.fixture
def auditor(police_agency: Institution) -> User:
    return make_member("auditor", "진혜원", police_agency, Role.AUDITOR)


@pytest.fixture
def admin_user(police_agency: Institution) -> User:
    return make_member("tech-admin", "송재현", police_agency, Role.ADMIN)


@pytest.fixture
def stranger(jeju: None) -> User:
    """Signed in, but belongs to no institution."""
    return User.objects.create_user(username="stranger", password=PASSWORD, full_name="모르는사람")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user():
    return signed_in


@pytest.fixture
def hotline(jeju: None) -> Institution:
    return make_institution(
        "hotline-1366", "여성긴급전화1366 제주센터", category=Institution.Category.WOMEN_HOTLINE, region_code=IDO2
    )


@pytest.fixture
def reports(dongbu_station: Institution, hotline: Institution, child_protection: Institution) -> Reports:
    """Records reports as the intake form does, at fixed times (tests.factories.Reports)."""
    return Reports({"112": dongbu_station, "1366": hotline, "child_protection": child_protection})
