"""Who reads the council's semiannual report, and for which scopes. Its figures are aggregates with small
cells suppressed; still, they are council papers: the secretariat, the data-protection auditor, the heads
of member institutions and the station coordinators read them (a coordinator: the province and their own
station's area). Nobody else."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from jss.accounts.access import Role, membership_of
from jss.regions.models import PoliceStation
from jss.reports.models import CaseReview
from jss.reports.scopes import PROVINCE, Scope

READERS = frozenset({Role.SECRETARIAT, Role.AUDITOR, Role.HEAD, Role.COORDINATOR})


def may_read_reports(user: Any) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in READERS


def may_compute(user: Any) -> bool:
    """Who may compute a report again with today's data (not the auditor, who only reads)."""
    membership = membership_of(user)
    return membership is not None and membership.role in (Role.SECRETARIAT, Role.COORDINATOR)


def readable_stations(user: Any) -> list[PoliceStation]:
    membership = membership_of(user)
    if membership is None or membership.role not in READERS:
        return []
    if membership.role == Role.COORDINATOR:
        return [membership.station] if membership.station is not None else []
    return list(PoliceStation.objects.order_by("code"))


def get_scope_for_user(user: Any, station_id: int | None) -> Scope:
    """The province, or a station's area the user may read; PermissionDenied otherwise."""
    if not may_read_reports(user):
        raise PermissionDenied
    if station_id is None:
        return PROVINCE
    for station in readable_stations(user):
        if station.pk == station_id:
            return Scope(station=station)
    raise PermissionDenied


def get_review_for_user(user: Any, review_id: int) -> CaseReview:
    from django.http import Http404

    from jss.reports.queries import visible_reviews

    try:
        return visible_reviews(user).get(pk=review_id)
    except CaseReview.DoesNotExist as missing:
        raise Http404 from missing
