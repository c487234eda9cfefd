"""Who sees which support action. Missing and forbidden both answer 404.

An action is seen by the caseworkers of its responsible institution (who see its case at least in summary,
through their share or as the station) and by those who may work on the case: the station's coordinators
and the lead institution. Both may update it. Nobody else sees it, even on a case they see otherwise.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jss.accounts.access import Role, caseworker_membership
from jss.actions.models import Action
from jss.cases.access import FULL, SUMMARY, case_rule
from jss.cases.models import Case, Share
from jss.institutions.models import Institution


def visible_actions(user: object) -> QuerySet[Action]:
    membership = caseworker_membership(user)
    if membership is None:
        return Action.objects.none()
    rule = Q(institution=membership.institution_id) | Q(case__lead_institution=membership.institution_id)
    if membership.role == Role.COORDINATOR and membership.station_id is not None:
        rule |= Q(case__station=membership.station_id)
    cases = case_rule(user, case="case")  # checked per action from indexes: not a list of every visible case
    assert cases is not None  # a caseworker
    return Action.objects.filter(rule, cases)


def own_actions(user: object) -> QuerySet[Action]:
    """The actions asked of the user's institution that the user may see: `visible_actions` of that
    institution, without the "or led by, or of the station" alternatives, which it already meets (and which
    made PostgreSQL join every case to the busiest institution's 2,500 actions)."""
    membership = caseworker_membership(user)
    if membership is None:
        return Action.objects.none()
    cases = case_rule(user, case="case")
    assert cases is not None  # a caseworker
    return Action.objects.filter(cases, institution=membership.institution_id)


def get_action_for_user(user: object, action_id: int, *, write: bool = False) -> Action:
    """The action, if the user may see it (everyone who sees an action may also update it)."""
    try:
        return visible_actions(user).select_related("case", "case__station", "institution").get(pk=action_id)
    except Action.DoesNotExist as missing:
        raise Http404 from missing


def taking_part(case: Case) -> list[Institution]:
    """The institutions taking part in a case today: the station's own police institution and every
    institution with an active share. Only they can be asked to act."""
    today = timezone.localdate()
    shared = Share.objects.filter(case=case, revoked_at__isnull=True).filter(
        Q(consent_until__isnull=True) | Q(consent_until__gte=today)
    )
    return list(
        Institution.objects.filter(Q(station=case.station_id) | Q(pk__in=shared.values("institution")))
        .filter(status=Institution.Status.ACTIVE)
        .order_by("name_ko")
    )


def institution_scope(case: Case, institution_id: int) -> str | None:
    """How much of the case an institution sees today: "full" (the station's own institution, or a full
    share), "summary", or None (it does not take part)."""
    if Institution.objects.filter(pk=institution_id, station=case.station_id).exists():
        return FULL
    today = timezone.localdate()
    scopes = set(
        Share.objects.filter(case=case, institution=institution_id, revoked_at__isnull=True)
        .filter(Q(consent_until__isnull=True) | Q(consent_until__gte=today))
        .values_list("scope", flat=True)
    )
    if not scopes:
        return None
    return FULL if FULL in scopes else SUMMARY
