"""Benchmark: the dashboards per role at national scale (issue 7, item 4).

    .venv/bin/python bench/dashboards.py [--incidents 1000000] [--cases 100000] [--requests 40]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jss_bench_dash .venv/bin/python bench/dashboards.py

Target: each dashboard renders in under 300 ms p95 server side with 1,000,000 incidents and 100,000 cases.
Not a test. The data is bench/report.py's (`build`: three years of reports in Jeju's regions at national
volume, 100,000 working-council cases with nominations, meetings, causes and support actions), plus the
secretariat, a practitioner and a head of the busiest outside institution (member-1).

The nightly refresh (`jss.dashboards.services`) first keeps the report of the current half-year to date and
the last complete half-year for each scope shown, and counts the trend line's months (timed: that is the
night's work per scope). On PostgreSQL the database is vacuumed and analysed after the bulk load first, as
autovacuum would. Then each dashboard is requested through Django's test client as its user: warm-up requests, then
--requests timed ones (p50 / p95 / max) and the number of queries of one more.
"""

from __future__ import annotations

import argparse
import time

from _setup import machine, p95, throwaway_database
from report import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per dashboard")
    parser.add_argument("--warm", type=int, default=3, help="warm-up requests per dashboard")
    parser.add_argument("--profile", action="store_true", help="print where one province request spends its time")
    arguments = parser.parse_args()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from jss.dashboards.services import count_monthly_reports, dashboard_periods, refresh_report
    from jss.institutions.models import Institution
    from jss.regions.models import PoliceStation
    from jss.reports.scopes import PROVINCE, Scope
    from tests.factories import make_institution, make_member

    with throwaway_database():
        print(machine())
        started = time.perf_counter()
        counts = build(arguments.incidents, arguments.cases)
        print(f"built in {time.perf_counter() - started:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # what autovacuum does after a bulk load: statistics, visibility
                cursor.execute("VACUUM ANALYZE")
        station = PoliceStation.objects.order_by("code").first()
        assert station is not None
        member = Institution.objects.get(key="member-1")
        agency = make_institution("police-agency", "제주경찰청", category="police_agency", hosts_secretariat=True)
        police = Institution.objects.get(key=f"police-{station.code}")
        users = {
            "secretariat": make_member("bench-secretariat", "오세영", agency, "secretariat"),
            "coordinator": make_member("bench-coordinator", "강동훈", police, "coordinator", station_code=station.code),
            "practitioner": make_member("bench-practitioner", "양수진", member, "practitioner"),
            "head": make_member("bench-head", "좌명희", member, "head"),
        }  # fmt: skip

        print("nightly refresh (compute and keep), per scope:")
        for label, scope in (("province", PROVINCE), ("station", Scope(station=station)),
                             ("institution", Scope(institution=member))):  # fmt: skip
            for period in dashboard_periods(timezone.localdate()):
                began = time.perf_counter()
                refresh_report(period, scope)
                print(f"  {label:11} {period}: {time.perf_counter() - began:.1f} s")
        for label, scope in (("province", PROVINCE), ("station", Scope(station=station))):
            began = time.perf_counter()
            count_monthly_reports(scope, now=timezone.now())
            print(f"  {label:11} reports per month (24 months): {time.perf_counter() - began:.2f} s")

        pages = [
            ("province (secretariat)", "secretariat", "/dashboards/province/"),
            ("station (coordinator)", "coordinator", "/dashboards/station/"),
            ("station (secretariat, last half)", "secretariat", f"/dashboards/station/?station={station.pk}&half=last"),
            ("institution (practitioner)", "practitioner", "/dashboards/institution/"),
            ("head", "head", "/dashboards/head/"),
        ]  # fmt: skip
        if arguments.profile:
            import cProfile
            import pstats

            client = Client()
            client.force_login(users["secretariat"])
            client.get("/dashboards/province/")
            profile = cProfile.Profile()
            profile.runcall(client.get, "/dashboards/province/")
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        print(f"dashboards, {arguments.requests} timed requests each:")
        for label, who, url in pages:
            client = Client()
            client.force_login(users[who])
            for _warm in range(arguments.warm):
                assert client.get(url).status_code == 200
            samples = []
            for _request in range(arguments.requests):
                began = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            samples.sort()
            print(f"  {label:38} p50 {samples[len(samples) // 2]:6.0f} ms  p95 {p95(samples):6.0f} ms  "
                  f"max {samples[-1]:6.0f} ms  {len(queries)} queries")  # fmt: skip
            slowest = sorted(queries.captured_queries, key=lambda query: -float(query["time"]))[:3]
            for query in slowest:
                print(f"      {float(query['time']) * 1000:5.0f} ms  {query['sql'][:110]}")


if __name__ == "__main__":
    main()
