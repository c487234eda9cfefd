"""Reads for the account pages and each role's home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum

from jss.accounts.models import Membership
from jss.audit.models import AccessEvent
from jss.institutions.models import Institution
from jss.institutions.queries import network_growth
from jss.regions.models import Region


@dataclass(frozen=True)
class CategoryCount:
    label: str
    count: int


def category_counts() -> list[CategoryCount]:
    labels = dict(Institution.Category.choices)
    rows = (
        Institution.objects.filter(status=Institution.Status.ACTIVE)
        .values("category")
        .annotate(count=Count("id"))
        .order_by("-count", "category")
    )
    return [CategoryCount(label=str(labels[row["category"]]), count=row["count"]) for row in rows]


def home_context(membership: Membership, *, today: date) -> dict[str, Any]:
    """What each role's home page shows. Later issues add their own panels here."""
    context: dict[str, Any] = {"institution": membership.institution}
    role = membership.role
    if role in {Membership.Role.SECRETARIAT, Membership.Role.HEAD}:
        context["active_count"] = Institution.objects.filter(status=Institution.Status.ACTIVE).count()
        context["applicant_count"] = Institution.objects.filter(status=Institution.Status.APPLICANT).count()
        context["categories"] = category_counts()
        context["growth"] = network_growth(today=today)
        from jss.joint.queries import home_summary  # the joint council builds on accounts: imported late

        context["joint"] = home_summary(membership.user, today=today)
    if role == Membership.Role.COORDINATOR and membership.station is not None:
        units = (
            Region.objects.filter(police_stations=membership.station)
            .select_related("parent")
            .order_by("parent__code", "code")
        )
        context["station"] = membership.station
        context["units"] = units
        context["unit_population"] = units.aggregate(total=Sum("population"))["total"] or 0
        context["local_institutions"] = (
            Institution.objects.filter(status=Institution.Status.ACTIVE, region__police_stations=membership.station)
            .select_related("region")
            .order_by("name_ko")
        )
    if role == Membership.Role.PRACTITIONER:
        context["colleague_count"] = Membership.objects.filter(institution=membership.institution).count()
    if role == Membership.Role.AUDITOR:
        context["recent_events"] = AccessEvent.objects.select_related("actor", "actor_institution")[:10]
        context["failed_sign_ins_today"] = AccessEvent.objects.filter(
            verb="user.sign_in_failed", occurred_at__date=today
        ).count()
    if role == Membership.Role.ADMIN:
        context["members_by_role"] = [
            (str(dict(Membership.Role.choices)[row["role"]]), row["count"])
            for row in Membership.objects.values("role").annotate(count=Count("id")).order_by("role")
        ]
        context["inactive_users"] = Membership.objects.filter(~Q(user__is_active=True)).count()
    return context


def casework_counts(user: object) -> dict[str, int]:
    """What waits for a caseworker, for the home page: open flags, pairs to compare, assessments in
    progress and due for reassessment, overdue support actions (each counted through its app's own access
    rules)."""
    from jss.actions.queries import overdue_count
    from jss.cases.queries import pending_nominations
    from jss.people.queries import link_queue
    from jss.repeats.queries import open_flags
    from jss.risk.queries import drafts, due

    return {
        "flags": open_flags(user).count(),
        "duplicates": link_queue(user).count(),
        "drafts": drafts(user).count(),
        "due": len(due(user)),
        "overdue_actions": overdue_count(user),  # jss.actions
        "nominations": len(pending_nominations(user)),  # for a station's coordinator
    }
