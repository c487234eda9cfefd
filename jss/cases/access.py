"""Who sees which case, and how much. Missing and forbidden both answer 404.

- The coordinators of the case's police station (its working council) see it in full.
- An institution with an active share sees it in the share's scope (full, or a summary without names);
  a share on consent stops at once when the consent is withdrawn or runs out.
- The institution that nominated a case sees its summary (it knows the people already).
Heads, auditors, the secretariat and technical administrators see no case content.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jss.accounts.access import Role, caseworker_membership, coordinates_station, membership_of
from jss.cases.models import Case, Nomination, Share

FULL = Share.Scope.FULL
SUMMARY = Share.Scope.SUMMARY


def _active_shares(institution_id: int) -> QuerySet[Share]:
    today = timezone.localdate()
    return Share.objects.filter(institution=institution_id, revoked_at__isnull=True).filter(
        Q(consent_until__isnull=True) | Q(consent_until__gte=today)
    )


def fully_shared_cases(institution_id: int) -> QuerySet[Share, Any]:
    """Ids of the cases shared in full with this institution, today: their persons and reports are the
    institution's to see (jss.people.access, jss.incidents.access)."""
    return _active_shares(institution_id).filter(scope=FULL).values("case")


def case_rule(user: object, *, case: str = "") -> Q | None:
    """The rule of `visible_cases` as a condition on a case (`case=""`) or on rows pointing at one (`case="case"`
    for `Action.case`, say), None for a user who sees no case. Three look-ups the databases answer from their
    indexes (an active share of the institution, its nomination, the coordinator's station), with no join:
    checking a few rows does not read every case the institution may see."""
    membership = caseworker_membership(user)
    if membership is None:
        return None
    pk, station = (f"{case}__in", f"{case}__station") if case else ("pk__in", "station")
    nominated = Nomination.objects.filter(institution=membership.institution_id).values("case")
    rule = Q(**{pk: _active_shares(membership.institution_id).values("case")}) | Q(**{pk: nominated})
    if membership.role == Role.COORDINATOR and membership.station_id is not None:
        rule |= Q(**{station: membership.station_id})
    return rule


def visible_cases(user: object) -> QuerySet[Case]:
    rule = case_rule(user)
    return Case.objects.none() if rule is None else Case.objects.filter(rule)


def scopes_for(user: object, cases: Sequence[Case]) -> dict[int, str | None]:
    """What the user sees of each case: "full", "summary", or None (nothing). Two queries at most, however
    many cases (an agenda's)."""
    membership = membership_of(user)
    scopes: dict[int, str | None] = {case.pk: None for case in cases}
    if membership is None or not cases:
        return scopes
    visible = set(visible_cases(user).filter(pk__in=list(scopes)).values_list("pk", flat=True))
    station = membership.station_id if membership.role == Role.COORDINATOR else None
    coordinated = {case.pk for case in cases if station is not None and case.station_id == station}
    others = visible - coordinated
    shared = _active_shares(membership.institution_id).filter(case__in=others, scope=FULL) if others else None
    full = coordinated | set(shared.values_list("case", flat=True) if shared is not None else [])
    for pk in visible:
        scopes[pk] = FULL if pk in full else SUMMARY
    return scopes


def scope_for(user: object, case: Case) -> str | None:
    """ "full", "summary", or None (may not see it)."""
    return scopes_for(user, [case])[case.pk]


def get_case_for_user(user: object, case_id: int) -> Case:
    try:
        return visible_cases(user).select_related("station", "lead_institution").get(pk=case_id)
    except Case.DoesNotExist as missing:
        raise Http404 from missing


def is_station_coordinator(user: object, case: Case) -> bool:
    return coordinates_station(user, case.station_id)


def may_share(user: object, case: Case) -> bool:
    """The station's coordinators and the lead institution's caseworkers may add institutions to a case."""
    membership = membership_of(user)
    if membership is None or not membership.casework:
        return False
    return is_station_coordinator(user, case) or (
        membership.role in {Role.COORDINATOR, Role.PRACTITIONER}
        and membership.institution_id == case.lead_institution_id
        and scope_for(user, case) == FULL
    )
