"""The nightly refresh: what it keeps, and that a dashboard then reads it without computing."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.core.management import call_command

from jss.audit.models import AccessEvent
from jss.dashboards.models import MonthlyReports
from jss.dashboards.services import refresh_dashboards
from jss.institutions.models import Institution
from jss.regions.models import PoliceStation
from jss.reports.models import Snapshot

KST = ZoneInfo("Asia/Seoul")


def test_the_refresh_keeps_both_half_years_for_every_dashboard(world, capsys):
    call_command("refresh_dashboards")
    stations = PoliceStation.objects.count()
    institutions = Institution.objects.filter(status=Institution.Status.ACTIVE).count()
    assert Snapshot.objects.count() == 2 * (1 + stations + institutions)
    assert set(Snapshot.objects.values_list("scope_key", flat=True)) >= {"province", f"station:{world.police_station.pk}",
                                                                         f"institution:{world.child_protection.pk}"}  # fmt: skip
    assert "reports kept" in capsys.readouterr().out


def test_a_new_day_supersedes_the_days_before_of_the_same_half_year(world):
    refresh_dashboards(now=datetime.datetime(2025, 3, 10, 2, tzinfo=KST))
    refresh_dashboards(now=datetime.datetime(2025, 3, 11, 2, tzinfo=KST))
    province = Snapshot.objects.filter(scope_key="province").order_by("start")
    assert [(kept.start, kept.end) for kept in province] == [
        (datetime.date(2024, 7, 1), datetime.date(2024, 12, 31)),
        (datetime.date(2025, 1, 1), datetime.date(2025, 3, 11)),
    ]
    assert AccessEvent.objects.filter(verb="dashboards.forget_superseded").exists()


def test_a_dashboard_reads_what_the_refresh_kept(as_user, world, secretariat, officer, django_assert_num_queries):
    live = as_user(secretariat).get("/dashboards/province/").context["dashboard"].trend
    refresh_dashboards()
    kept = Snapshot.objects.count()
    computed = AccessEvent.objects.filter(verb="reports.compute").count()
    for url in ("/dashboards/province/", "/dashboards/province/?half=last"):
        assert as_user(secretariat).get(url).status_code == 200
    assert Snapshot.objects.count() == kept
    assert AccessEvent.objects.filter(verb="reports.compute").count() == computed
    # The trend's months as counted by the refresh: one query instead of 24, the same numbers.
    assert MonthlyReports.objects.filter(scope_key="province").count() == 24
    client = as_user(secretariat)
    with django_assert_num_queries(10):
        counted = client.get("/dashboards/province/").context["dashboard"].trend
    assert [(p.month, p.count, p.before) for p in counted.points] == [(p.month, p.count, p.before) for p in live.points]
    assert sum(p.count for p in counted.points) == 3  # the world's reports of the last 12 months
    coordinator = as_user(officer)
    coordinator.get("/dashboards/station/")  # reads the kept report back once
    with django_assert_num_queries(11):
        coordinator.get("/dashboards/station/")
