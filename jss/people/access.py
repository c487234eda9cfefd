"""Who may see a person. Missing and forbidden both answer 404, and every view is audited with its purpose.

Need-to-know: a person is visible to the members of institutions that reported an incident involving
them (practitioners and coordinators of that institution), and to the coordinators of the police station
whose jurisdiction covers one of those incidents, and to the institutions a case of theirs is shared with in
full on a recorded legal basis (jss.cases).
Heads, auditors and technical administrators see no personal data.
"""

from __future__ import annotations

from django.core import signing
from django.db.models import Q, QuerySet
from django.http import Http404

from jss.accounts.access import Role, caseworker_membership, is_caseworker
from jss.cases.access import fully_shared_cases
from jss.people.models import Person, PersonLink


def visible_persons(user: object) -> QuerySet[Person]:
    membership = caseworker_membership(user)
    if membership is None:
        return Person.objects.none()
    rule = Q(parties__incident__reporting_institution=membership.institution_id)
    if membership.role == Role.COORDINATOR and membership.station_id is not None:
        rule |= Q(parties__incident__region__police_stations=membership.station_id)
    rule |= Q(case_memberships__case__in=fully_shared_cases(membership.institution_id))  # lawful sharing
    return Person.objects.filter(rule, merged_into__isnull=True).distinct()


def get_person_for_user(user: object, person_id: int) -> Person:
    try:
        return visible_persons(user).get(pk=person_id)
    except Person.DoesNotExist as missing:
        raise Http404 from missing


LINK_SALT = "jss.intake-link"
LINK_MAX_AGE = 3600  # seconds: a suggestion is valid for an hour


def link_token(user: object, person: Person) -> str:
    """What the intake suggestions offer instead of a person's code: signed for this user, expiring."""
    return signing.dumps({"p": person.pk, "u": getattr(user, "pk", None)}, salt=LINK_SALT)


def get_person_for_linking(user: object, token: str) -> Person | None:
    """The person behind a suggestion this user was offered within the hour; None when the token is
    forged, someone else's, expired, or the person was merged meanwhile. Caseworkers only."""
    if not is_caseworker(user):
        raise Http404
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != getattr(user, "pk", None):
        return None
    person_id = data.get("p")
    if not isinstance(person_id, int):
        return None
    return Person.objects.filter(pk=person_id, merged_into__isnull=True).first()


def can_review_links(user: object) -> bool:
    return is_caseworker(user)


def visible_links(user: object) -> QuerySet[PersonLink]:
    """Links this user may review or undo: both records must be theirs to see (a merged one through the
    person it was merged into, which now holds its reports). Heads, auditors and others see none."""
    visible = visible_persons(user).values("pk")
    return PersonLink.objects.filter(person__in=visible).filter(
        Q(other__in=visible) | Q(status=PersonLink.Status.MERGED)
    )


def sees_merged_record(user: object, link: PersonLink) -> bool:
    """For a merge: whether the user may see a report the merged record brought (else its details are not
    theirs to see through the kept person)."""
    from jss.incidents.access import visible_incidents  # incidents build on people: imported late

    if link.status != PersonLink.Status.MERGED:
        return True
    return visible_incidents(user).filter(parties__pk__in=link.moved_parties).exists()


def get_link_for_user(user: object, link_id: int) -> PersonLink:
    try:
        link = visible_links(user).select_related("person__region", "other__region").get(pk=link_id)
    except PersonLink.DoesNotExist as missing:
        raise Http404 from missing
    if not sees_merged_record(user, link):
        raise Http404
    return link
