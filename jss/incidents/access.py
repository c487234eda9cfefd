"""Who may see an incident: the reporting institution's caseworkers, and the coordinators of the police
station whose jurisdiction it happened in. Missing and forbidden both answer 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from jss.accounts.access import Role, caseworker_membership, is_caseworker
from jss.cases.access import fully_shared_cases
from jss.incidents.models import Incident


def can_report(user: object) -> bool:
    return is_caseworker(user)


def visible_incidents(user: object) -> QuerySet[Incident]:
    membership = caseworker_membership(user)
    if membership is None:
        return Incident.objects.none()
    rule = Q(reporting_institution=membership.institution_id)
    if membership.role == Role.COORDINATOR and membership.station_id is not None:
        rule |= Q(region__police_stations=membership.station_id)
    rule |= Q(cases__in=fully_shared_cases(membership.institution_id))  # a case's reports, shared in full
    return Incident.objects.filter(rule).distinct()


def get_incident_for_user(user: object, incident_id: int) -> Incident:
    try:
        return visible_incidents(user).get(pk=incident_id)
    except Incident.DoesNotExist as missing:
        raise Http404 from missing
