"""The nightly refresh of the reports the dashboards read (`refresh_dashboards`, docs/operations.md)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jss.audit.services import record
from jss.dashboards.queries import current_half_year
from jss.institutions.models import Institution
from jss.regions.models import PoliceStation
from jss.reports.models import Snapshot
from jss.reports.periods import Period
from jss.reports.scopes import PROVINCE, Scope
from jss.reports.store import compute_and_keep


def dashboard_scopes() -> Iterator[Scope]:
    """The province, every police station's area and every active member institution."""
    yield PROVINCE
    for station in PoliceStation.objects.order_by("code"):
        yield Scope(station=station)
    for institution in Institution.objects.filter(status=Institution.Status.ACTIVE).order_by("key"):
        yield Scope(institution=institution)


def dashboard_periods(today: datetime.date) -> tuple[Period, Period]:
    """The current half-year to date and the last complete half-year."""
    return current_half_year(today), Period.last_complete_half_year(today)


@transaction.atomic
def refresh_report(period: Period, scope: Scope, *, now: datetime.datetime | None = None) -> Snapshot:
    """Compute the report of `scope` for `period` and keep it. A to-date computation supersedes the earlier
    ones of the same half-year kept by this refresh (computed by no one), which are forgotten: one row per
    scope and half-year, not one a day."""
    _report, snapshot = compute_and_keep(period, scope, actor=None, now=now)
    superseded = Snapshot.objects.filter(
        scope_key=snapshot.scope_key, start=period.start, end__lt=period.end, computed_by__isnull=True
    ).exclude(pk=snapshot.pk)
    forgotten, _by_model = superseded.delete()
    if forgotten:
        record(None, "dashboards.forget_superseded", snapshot, {"forgotten": forgotten})
    return snapshot


@dataclass(frozen=True)
class Refreshed:
    reports: int
    seconds: float
    slowest: float


def refresh_dashboards(*, now: datetime.datetime | None = None) -> Refreshed:
    """Every dashboard's reports, one transaction each (a failure leaves the others kept)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    count, total, slowest = 0, 0.0, 0.0
    for scope in dashboard_scopes():
        for period in dashboard_periods(today):
            snapshot = refresh_report(period, scope, now=now)
            count, total, slowest = count + 1, total + snapshot.seconds, max(slowest, snapshot.seconds)
    return Refreshed(count, total, slowest)
