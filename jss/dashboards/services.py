"""The nightly refresh of the reports the dashboards read (`refresh_dashboards`, docs/operations.md)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jss.audit.services import record
from jss.dashboards.models import MonthlyReports
from jss.dashboards.queries import count_month, current_half_year, trend_months
from jss.institutions.models import Institution
from jss.regions.models import PoliceStation
from jss.reports.models import Snapshot
from jss.reports.periods import Period
from jss.reports.scopes import PROVINCE, Scope, incidents_in
from jss.reports.store import compute_and_keep, scope_key


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


def trend_scopes() -> Iterator[Scope]:
    """The scopes whose dashboards draw a monthly trend: the province and every police station's area."""
    yield PROVINCE
    for station in PoliceStation.objects.order_by("code"):
        yield Scope(station=station)


@transaction.atomic
def count_monthly_reports(scope: Scope, *, now: datetime.datetime) -> int:
    """Count the reports of each month the trend line shows (24 indexed counts) and keep the counts."""
    today = timezone.localtime(now).date()
    key = scope_key(scope)
    incidents = incidents_in(scope)
    months = trend_months(today)
    for month in months:
        MonthlyReports.objects.update_or_create(
            scope_key=key, month=month, defaults={"reports": count_month(incidents, month), "counted_at": now}
        )
    MonthlyReports.objects.filter(scope_key=key, month__lt=months[0]).delete()
    record(None, "dashboards.count_monthly_reports", None, {"scope": key, "months": len(months)})
    return len(months)


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
    for scope in trend_scopes():
        count_monthly_reports(scope, now=now)
    return Refreshed(count, total, slowest)
