"""Reads of the reports app beyond the figures: the case reviews chosen for a report."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jss.accounts.access import Role, caseworker_membership, membership_of
from jss.reports import metrics
from jss.reports.models import CaseReview
from jss.reports.periods import Period
from jss.reports.scopes import Scope


def chosen_reviews(period: Period, scope: Scope) -> tuple[metrics.CaseReview, ...]:
    """The reviews the secretariat chose for this period's report, of the scope's cases: title and text only."""
    reviews = CaseReview.objects.filter(status=CaseReview.Status.CHOSEN, start=period.start, end=period.end)
    if scope.station is not None:
        reviews = reviews.filter(case__station=scope.station)
    elif scope.institution is not None:
        reviews = reviews.filter(case__lead_institution=scope.institution)
    return tuple(metrics.CaseReview(title=review.title, text=review.text) for review in reviews.order_by("pk"))


def visible_reviews(user: Any) -> QuerySet[CaseReview]:
    """The secretariat sees every review (title and text; never the case); a caseworker their institution's."""
    membership = membership_of(user)
    if membership is not None and membership.role == Role.SECRETARIAT:
        return CaseReview.objects.all()
    caseworker = caseworker_membership(user)
    if caseworker is None:
        return CaseReview.objects.none()
    return CaseReview.objects.filter(institution=caseworker.institution_id)
