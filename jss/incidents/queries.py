"""Reads for incident pages."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from jss.incidents.access import visible_incidents
from jss.incidents.models import Incident, Party
from jss.people.models import Person


def incident_list(user: object, *, domain: str = "") -> QuerySet[Incident]:
    incidents = visible_incidents(user).select_related("reporting_institution", "region")
    if domain in Incident.Domain.values:
        incidents = incidents.filter(domain=domain)
    return incidents.order_by("-reported_at")


def incident_detail(incident: Incident) -> Incident:
    return (
        Incident.objects.select_related("reporting_institution", "region__parent", "created_by")
        .prefetch_related(Prefetch("parties", queryset=Party.objects.select_related("person").order_by("role")))
        .get(pk=incident.pk)
    )


def person_incidents(user: object, person: Person) -> QuerySet[Incident]:
    """The person's incidents that the user may see."""
    return (
        visible_incidents(user)
        .filter(parties__person=person)
        .select_related("reporting_institution", "region")
        .order_by("-reported_at")
        .distinct()
    )
