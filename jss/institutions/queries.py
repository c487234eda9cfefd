"""Reads for the institution pages and the network's growth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from jss.accounts.access import Role, role_of
from jss.accounts.models import Membership
from jss.institutions.models import Institution
from jss.regions.models import Region


@dataclass(frozen=True)
class GrowthPoint:
    on: date
    members: int


def visible_institutions(user: object) -> QuerySet[Institution]:
    """Institutions a member may see: every active or former member; applicants only for the secretariat."""
    queryset = Institution.objects.select_related("region", "region__parent", "station").prefetch_related(
        "phones", "locations"
    )
    if role_of(user) in {Role.SECRETARIAT, Role.ADMIN}:
        return queryset
    return queryset.exclude(status=Institution.Status.APPLICANT)


def network_growth(*, today: date) -> list[GrowthPoint]:
    """Number of member institutions on the first joining day, at each half-year end since, and today."""
    joined: list[tuple[date, date | None]] = [
        (since, left)
        for since, left in Institution.objects.filter(member_since__isnull=False)
        .values_list("member_since", "left_on")
        .order_by("member_since")
        if since is not None
    ]
    if not joined:
        return []
    first = joined[0][0]
    days = {first, today}
    for year in range(first.year, today.year + 1):
        days |= {end for end in (date(year, 6, 30), date(year, 12, 31)) if first <= end <= today}

    def members_on(day: date) -> int:
        return sum(1 for since, left in joined if since <= day and (left is None or left > day))

    return [GrowthPoint(on=day, members=members_on(day)) for day in sorted(days)]


def search_institutions(user: object, *, query: str, category: str, city: str) -> QuerySet[Institution]:
    institutions = visible_institutions(user)
    text = query.strip()
    if text:
        institutions = institutions.filter(
            Q(name_ko__icontains=text) | Q(name_en__icontains=text) | Q(region__name_ko__icontains=text)
        )
    if category in Institution.Category.values:
        institutions = institutions.filter(category=category)
    if city:
        institutions = institutions.filter(Q(region__code=city) | Q(region__parent__code=city))
    return institutions.order_by("name_ko")


def cities() -> QuerySet[Region]:
    return Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.COUNTY]).order_by("code")


def staff_of(institution: Institution) -> QuerySet[Membership]:
    return Membership.objects.filter(institution=institution).select_related("user", "station").order_by("role")
