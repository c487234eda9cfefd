"""Reads for the joint council's pages: the meeting list and page, the policy register and a decision with
its history, and what the secretariat's and heads' home pages count."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, QuerySet
from django.utils import timezone

from jss.accounts.access import Role, membership_of
from jss.institutions.models import Institution
from jss.joint.access import visible_decisions, visible_meetings
from jss.joint.models import JointAgendaItem, JointInvitation, JointMeeting, PolicyDecision, PolicyUpdate
from jss.joint.services import UNFINISHED

REGISTER_SHOWN = 200


def active_institutions() -> list[Institution]:
    return list(Institution.objects.filter(status=Institution.Status.ACTIVE).order_by("name_ko"))


def secretariat_place() -> str:
    """Where the council meets by default: the institution hosting the secretariat (the Police Agency)."""
    host = Institution.objects.filter(hosts_secretariat=True).first()
    return host.name if host is not None else ""


def unfinished_decisions() -> list[PolicyDecision]:
    """The decisions the next meeting's agenda carries over."""
    return list(PolicyDecision.objects.filter(status__in=UNFINISHED).order_by("due_on", "pk"))


def meetings_for(user: Any) -> tuple[list[JointMeeting], list[JointMeeting]]:
    """(upcoming, past): the meetings the user sees, the next one first, then the latest one first."""
    meetings = list(visible_meetings(user).order_by("-starts_at")[:100])
    now = timezone.now()
    upcoming = [m for m in meetings if m.status == JointMeeting.Status.SCHEDULED and m.starts_at >= now]
    return upcoming[::-1], [m for m in meetings if m not in upcoming]


@dataclass
class MeetingPage:
    meeting: JointMeeting
    invitations: list[JointInvitation]
    items: list[JointAgendaItem]
    decisions: list[PolicyDecision]  # taken at this meeting

    @property
    def undecided(self) -> int:
        return sum(1 for item in self.items if not item.outcome)

    @property
    def present(self) -> int:
        return sum(1 for invitation in self.invitations if invitation.attended)


def meeting_page(meeting: JointMeeting) -> MeetingPage:
    return MeetingPage(
        meeting=meeting,
        invitations=list(meeting.invitations.select_related("institution").order_by("institution__name_ko")),
        items=list(meeting.items.select_related("decision").prefetch_related("decisions_taken")),
        decisions=list(meeting.decisions.prefetch_related("owners").order_by("code")),
    )


@dataclass
class RegisterFilters:
    status: str = ""  # a PolicyDecision.Status, "unfinished", or "" (all)
    owner: int | None = None
    overdue: bool = False


@dataclass
class Register:
    decisions: list[PolicyDecision]
    overdue_count: int
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (status, label, count), unfiltered


def _with_relations(decisions: QuerySet[PolicyDecision]) -> QuerySet[PolicyDecision]:
    owners = Prefetch("owners", queryset=Institution.objects.order_by("name_ko"))
    return decisions.select_related("meeting").prefetch_related(owners)


def register(user: Any, filters: RegisterFilters, *, today: datetime.date | None = None) -> Register:
    """The decisions the user reads, filtered, by due date (the unfinished first)."""
    today = today or timezone.localdate()
    decisions = visible_decisions(user)
    by_status = {
        row["status"]: row["count"] for row in decisions.order_by().values("status").annotate(count=Count("pk"))
    }
    counts = [(status, str(label), by_status.get(status, 0)) for status, label in PolicyDecision.Status.choices]
    overdue = decisions.filter(status__in=UNFINISHED, due_on__lt=today)
    if filters.status == "unfinished":
        decisions = decisions.filter(status__in=UNFINISHED)
    elif filters.status:
        decisions = decisions.filter(status=filters.status)
    if filters.owner is not None:
        decisions = decisions.filter(owners=filters.owner)
    if filters.overdue:
        decisions = decisions.filter(status__in=UNFINISHED, due_on__lt=today)
    rows = list(
        _with_relations(decisions).order_by(F("completed_at").asc(nulls_first=True), "due_on", "pk")[:REGISTER_SHOWN]
    )
    return Register(decisions=rows, overdue_count=overdue.count(), counts=counts)


@dataclass
class DecisionPage:
    decision: PolicyDecision
    owners: list[Institution]
    updates: list[PolicyUpdate]
    agenda: list[JointAgendaItem]  # the meetings that followed it up, with their outcome
    meeting_visible: set[int]  # meetings the reader may open


def decision_page(user: Any, decision: PolicyDecision) -> DecisionPage:
    agenda = list(decision.agenda_items.select_related("meeting").order_by("meeting__starts_at"))
    meeting_ids = {decision.meeting_id, *(item.meeting_id for item in agenda)}
    return DecisionPage(
        decision=decision,
        owners=list(decision.owners.order_by("name_ko")),
        updates=list(decision.updates.select_related("author", "institution")),
        agenda=agenda,
        meeting_visible=set(visible_meetings(user).filter(pk__in=meeting_ids).values_list("pk", flat=True)),
    )


def home_summary(user: Any, *, today: datetime.date | None = None) -> dict[str, Any]:
    """For the secretariat's and heads' home pages: the overdue decisions (all of them for the secretariat,
    those their institution owns for a head) and the next joint meeting they see."""
    membership = membership_of(user)
    if membership is None or membership.role not in (Role.SECRETARIAT, Role.HEAD):
        return {}
    today = today or timezone.localdate()
    overdue = PolicyDecision.objects.filter(status__in=UNFINISHED, due_on__lt=today)
    if membership.role == Role.HEAD:
        overdue = overdue.filter(owners=membership.institution_id)
    upcoming = visible_meetings(user).filter(status=JointMeeting.Status.SCHEDULED, starts_at__gte=timezone.now())
    return {
        "overdue_decisions": overdue.count(),
        "own": membership.role == Role.HEAD,
        "next_meeting": upcoming.order_by("starts_at").first(),
    }
