"""Who may see a person. Missing and forbidden both answer 404, and every view is audited with its purpose.

Need-to-know: a person is visible to the members of institutions that reported an incident involving
them (practitioners and coordinators of that institution), and to the coordinators of the police station
whose jurisdiction covers one of those incidents. Cases and lawful sharing (the council issue) add more.
Heads, auditors and technical administrators see no personal data.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from jss.accounts.access import Role, membership_of
from jss.people.models import Person

CASEWORK_ROLES = {Role.PRACTITIONER, Role.COORDINATOR}


def visible_persons(user: object) -> QuerySet[Person]:
    membership = membership_of(user)
    if membership is None or membership.role not in CASEWORK_ROLES:
        return Person.objects.none()
    rule = Q(parties__incident__reporting_institution=membership.institution_id)
    if membership.role == Role.COORDINATOR and membership.station_id is not None:
        rule |= Q(parties__incident__region__police_stations=membership.station_id)
    return Person.objects.filter(rule, merged_into__isnull=True).distinct()


def get_person_for_user(user: object, person_id: int) -> Person:
    try:
        return visible_persons(user).get(pk=person_id)
    except Person.DoesNotExist as missing:
        raise Http404 from missing


def get_person_for_linking(user: object, code: str) -> Person | None:
    """A person picked from the intake suggestions, by code. Caseworkers may link a new report to any
    existing person (that is how repeats across institutions are found); they see the person's details
    only once the report links them (visible_persons). Unknown codes give None."""
    membership = membership_of(user)
    if membership is None or membership.role not in CASEWORK_ROLES:
        raise Http404
    return Person.objects.filter(code=code, merged_into__isnull=True).first()
