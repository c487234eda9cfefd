"""Who may see a flag. Missing and forbidden both answer 404.

A station coordinator sees the flags of their station's jurisdiction (the station of the newest incident
behind the flag). A practitioner sees the flags about persons visible to them (jss.people.access). Heads,
auditors, the secretariat and technical administrators see none: flags are personal data. Dismissing a
flag is the decision of the coordinators of its station.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from jss.accounts.access import Role, membership_of
from jss.people.access import visible_persons
from jss.repeats.models import Flag


def can_triage(user: object) -> bool:
    membership = membership_of(user)
    if membership is None:
        return False
    if membership.role == Role.COORDINATOR:
        return membership.station_id is not None
    return membership.role == Role.PRACTITIONER


def visible_flags(user: object) -> QuerySet[Flag]:
    membership = membership_of(user)
    if membership is None or not can_triage(user):
        return Flag.objects.none()
    if membership.role == Role.COORDINATOR:
        return Flag.objects.filter(station_id=membership.station_id)
    return Flag.objects.filter(persons__in=visible_persons(user).values("pk")).distinct()


def can_dismiss(user: object, flag: Flag) -> bool:
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.COORDINATOR
        and flag.station_id is not None
        and membership.station_id == flag.station_id
    )


def get_flag_for_user(user: object, flag_id: int, *, write: bool = False) -> Flag:
    """The flag if the user may see it (`write`: may dismiss it); otherwise 404."""
    try:
        flag = visible_flags(user).get(pk=flag_id)
    except Flag.DoesNotExist as missing:
        raise Http404 from missing
    if write and not can_dismiss(user, flag):
        raise Http404
    return flag
