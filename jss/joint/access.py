"""Who sees what of the joint council. Missing and forbidden both answer 404.

Meetings (agenda, attendance, minutes, the papers) are the council's: the secretariat, which runs them, and
the heads of the institutions invited to each. The register of policy decisions is read by every member who
works on what the council decides: the secretariat, heads, station coordinators and practitioners (the
decisions hold no personal data, and practitioners carry many of them out); the auditor and the technical
administrator have no need for it. The secretariat writes everything; the heads of a decision's owner
institutions add follow-up notes and change its status.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from jss.accounts.access import Role, has_role, membership_of
from jss.joint.models import JointAgendaItem, JointMeeting, PolicyDecision

REGISTER_ROLES = (Role.SECRETARIAT, Role.HEAD, Role.COORDINATOR, Role.PRACTITIONER)


def is_secretariat(user: Any) -> bool:
    return has_role(user, Role.SECRETARIAT)


def sees_meetings(user: Any) -> bool:
    return has_role(user, Role.SECRETARIAT, Role.HEAD)


def sees_register(user: Any) -> bool:
    return has_role(user, *REGISTER_ROLES)


def visible_meetings(user: Any) -> QuerySet[JointMeeting]:
    membership = membership_of(user)
    if membership is None:
        return JointMeeting.objects.none()
    if membership.role == Role.SECRETARIAT:
        return JointMeeting.objects.all()
    if membership.role == Role.HEAD:
        return JointMeeting.objects.filter(invitations__institution=membership.institution_id)
    return JointMeeting.objects.none()


def get_meeting_for_user(user: Any, meeting_id: int, *, write: bool = False) -> JointMeeting:
    """The meeting, if the user sees it; with write=True, only for the secretariat (who runs the meetings)."""
    meetings = JointMeeting.objects.none() if write and not is_secretariat(user) else visible_meetings(user)
    try:
        return meetings.get(pk=meeting_id)
    except JointMeeting.DoesNotExist as missing:
        raise Http404 from missing


def get_item_for_user(user: Any, item_id: int, *, write: bool = False) -> JointAgendaItem:
    meetings = JointMeeting.objects.none() if write and not is_secretariat(user) else visible_meetings(user)
    try:
        return JointAgendaItem.objects.select_related("meeting", "decision").get(
            pk=item_id, meeting__in=meetings.values("pk")
        )
    except JointAgendaItem.DoesNotExist as missing:
        raise Http404 from missing


def visible_decisions(user: Any) -> QuerySet[PolicyDecision]:
    return PolicyDecision.objects.all() if sees_register(user) else PolicyDecision.objects.none()


def follows_up(user: Any, decision: PolicyDecision) -> bool:
    """The secretariat, or a head of one of the decision's owner institutions."""
    membership = membership_of(user)
    if membership is None:
        return False
    if membership.role == Role.SECRETARIAT:
        return True
    return membership.role == Role.HEAD and decision.owners.filter(pk=membership.institution_id).exists()


def get_decision_for_user(user: Any, decision_id: int, *, write: bool = False) -> PolicyDecision:
    """The decision, if the user reads the register; with write=True, only for who follows it up."""
    try:
        decision = visible_decisions(user).select_related("meeting").get(pk=decision_id)
    except PolicyDecision.DoesNotExist as missing:
        raise Http404 from missing
    if write and not follows_up(user, decision):
        raise Http404
    return decision
