"""Who sees which working council meeting. Missing and forbidden both answer 404.

A meeting is seen by the coordinators of its station (who chair it) and by the caseworkers of the
institutions invited to it. What each sees of a case on the agenda is the case's own rule (jss.cases.access:
full, summary, or the case code only).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from jss.accounts.access import Role, caseworker_membership
from jss.council.models import AgendaItem, Meeting


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    membership = caseworker_membership(user)
    if membership is None:
        return Meeting.objects.none()
    rule = Q(invitations__institution=membership.institution_id)
    if membership.role == Role.COORDINATOR and membership.station_id is not None:
        rule |= Q(station=membership.station_id)
    return Meeting.objects.filter(rule).distinct()


def get_meeting_for_user(user: Any, meeting_id: int) -> Meeting:
    try:
        return visible_meetings(user).select_related("station", "chair").get(pk=meeting_id)
    except Meeting.DoesNotExist as missing:
        raise Http404 from missing


def get_item_for_user(user: Any, item_id: int) -> AgendaItem:
    try:
        return AgendaItem.objects.select_related("meeting", "case").get(
            pk=item_id, meeting__in=visible_meetings(user).values("pk")
        )
    except AgendaItem.DoesNotExist as missing:
        raise Http404 from missing
