"""Who may assess whom, and see which assessments. Missing and forbidden both answer 404.

An assessment is about a person: whoever may see the person (jss.people.access) sees its completed
assessments; an assessment in progress is its assessor's until completed. Assessing needs a casework role
and a pack that role may use.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from jss.accounts.access import is_caseworker
from jss.people.access import visible_persons
from jss.risk.models import Assessment


def can_assess(user: object) -> bool:
    return is_caseworker(user)


def visible_assessments(user: object) -> QuerySet[Assessment]:
    if not can_assess(user):
        return Assessment.objects.none()
    return Assessment.objects.filter(person__in=visible_persons(user).values("pk")).filter(
        Q(status=Assessment.Status.COMPLETE) | Q(assessor_id=getattr(user, "pk", None))
    )


def get_assessment_for_user(user: object, assessment_id: int) -> Assessment:
    try:
        return (
            visible_assessments(user)
            .select_related("person", "incident", "assessor", "institution")
            .get(pk=assessment_id)
        )
    except Assessment.DoesNotExist as missing:
        raise Http404 from missing
