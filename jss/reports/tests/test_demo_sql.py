"""The report for demo data agrees with an independent computation in SQL (issue 7, item 5).

A slice of the demo (two years of reports at a tenth of Jeju's rates, councils at a third: about 60 cases)
is built once for the module; each test recomputes one figure with raw SQL written here, not with the
ORM code under test, and compares. Dates are passed as the database stores them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from jss.demo.assessments import generate_assessments
from jss.demo.council import generate_council
from jss.demo.incidents import plan_incidents, save_plan
from jss.demo.services import generate_network
from jss.people.models import Person
from jss.reports.metrics import Report, compute_report
from jss.reports.periods import Period
from tests.factories import load_jeju

pytestmark = pytest.mark.django_db  # tells pytest-django to create the test database

NOW = timezone.now()
PERIOD = Period.last_complete_half_year(timezone.localdate())
UTC = datetime.UTC


@pytest.fixture(scope="module")
def report(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Report]:
    with django_db_blocker.unblock(), transaction.atomic():
        load_jeju()
        generate_network(seed=1, scale=1, password_for=lambda username: f"demo-{username}-pw")
        save_plan(plan_incidents(seed=7, end=timezone.localdate(), years=2, scale=0.1))
        generate_assessments(seed=7)
        generate_council(seed=7, years=2, scale=0.33)
        assert not Person.objects.filter(merged_into__isnull=False).exists()  # the SQL below follows no merges
        yield compute_report(PERIOD, now=NOW)
        transaction.set_rollback(True)


def sql(query: str, **params: Any) -> list[tuple[Any, ...]]:
    """Run `query` with %(name)s parameters; datetimes as the database stores them."""
    sqlite = connection.vendor == "sqlite"
    adapted = {
        name: value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if sqlite and isinstance(value, datetime.datetime) else value
        for name, value in params.items()
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(query, adapted)
        return list(cursor.fetchall())


def plus_days(column: str, days: int) -> str:
    return (
        f"datetime({column}, '+{days} days')"
        if connection.vendor == "sqlite"
        else f"({column} + interval '{days} days')"
    )


def local_date(column: str) -> str:
    return (
        f"date({column}, '+9 hours')"
        if connection.vendor == "sqlite"
        else f"(({column}) AT TIME ZONE 'Asia/Seoul')::date"
    )


BOUNDS = {"since": PERIOD.since, "until": PERIOD.until}


def test_reports_by_kind(report):
    rows = sql(
        """SELECT i.domain, COUNT(DISTINCT i.id), COUNT(DISTINCT p.person_id)
             FROM incidents_incident i LEFT JOIN incidents_party p ON p.incident_id = i.id AND p.role = 'victim'
            WHERE i.reported_at >= %(since)s AND i.reported_at < %(until)s GROUP BY i.domain""",
        **BOUNDS,
    )
    assert sum(count for _domain, count, _victims in rows) > 100
    for domain, count, victims in rows:
        cell = report.rates.by_domain.cell(domain, "reports")
        assert (cell.value, cell.people) == (count, victims), domain
    (population,) = sql("SELECT SUM(population) FROM regions_region WHERE level IN ('eup', 'myeon', 'dong')")[0]
    assert report.rates.population.value == population


def test_repeat_rate(report):
    referral = """
        SELECT c.id AS case_id, COALESCE(
            (SELECT MIN(m.starts_at) FROM council_agendaitem a JOIN council_meeting m ON m.id = a.meeting_id
              WHERE a.case_id = c.id AND m.status IN ('held', 'approved') AND a.decision NOT IN ('', 'deferred')
                AND m.starts_at < %(until)s),
            (SELECT MIN(n.decided_at) FROM cases_nomination n
              WHERE n.case_id = c.id AND n.status = 'accepted' AND n.decided_at < %(until)s)) AS referred_at
          FROM cases_case c"""
    # S608 below: the f-strings join constant SQL snippets of this module, never input
    repeated = f"""EXISTS (
        SELECT 1 FROM cases_caseperson cp
          JOIN incidents_party p ON p.person_id = cp.person_id AND p.role = 'victim'
          JOIN incidents_incident i ON i.id = p.incident_id
         WHERE cp.case_id = r.case_id AND cp.role = 'victim'
           AND i.reported_at > r.referred_at AND i.reported_at <= {plus_days("r.referred_at", 365)})"""  # noqa: S608
    cohort = report.repeat.cohort
    (cases, repeats), = sql(
        f"""SELECT COUNT(*), COALESCE(SUM(CASE WHEN {repeated} THEN 1 ELSE 0 END), 0) FROM ({referral}) r
             WHERE r.referred_at >= %(cohort_since)s AND r.referred_at < %(cohort_until)s
               AND {plus_days("r.referred_at", 365)} <= %(now)s""",  # noqa: S608
        until=min(NOW, PERIOD.until), cohort_since=cohort.since, cohort_until=cohort.until, now=NOW,
    )  # fmt: skip
    assert cases > 0
    assert (report.repeat.rate.numerator, report.repeat.rate.denominator) == (repeats, cases)


def test_nominations_by_kind_of_institution(report):
    rows = sql(
        """SELECT inst.category, COUNT(*) FROM cases_nomination n JOIN institutions_institution inst
               ON inst.id = n.institution_id
            WHERE n.created_at >= %(since)s AND n.created_at < %(until)s GROUP BY inst.category""",
        **BOUNDS,
    )
    assert rows
    counted = dict(rows)
    # The table also lists kinds that nominated only in the previous period, with none in this one.
    assert set(counted) <= set(report.cases.nominations.column("nominations"))
    for category in report.cases.nominations.column("nominations"):
        assert report.cases.nominations.cell(category, "nominations").value == counted.get(category, 0), category


def test_support_actions_on_time(report):
    (due, on_time), = sql(
        f"""SELECT COUNT(*), COALESCE(SUM(CASE WHEN a.status = 'done' AND {local_date("a.completed_at")} <= a.due_on
                                             THEN 1 ELSE 0 END), 0)
              FROM actions_action a
             WHERE a.due_on >= %(start)s AND a.due_on <= %(end)s AND a.due_on < %(today)s AND a.status <> 'cancelled'""",  # noqa: S608
        start=PERIOD.start, end=PERIOD.end, today=timezone.localdate(),
    )  # fmt: skip
    assert due > 0
    assert (report.actions.on_time.numerator, report.actions.on_time.denominator) == (on_time, due)


def test_participation(report):
    (invited, attended), = sql(
        """SELECT COUNT(*), COALESCE(SUM(CASE WHEN v.attended THEN 1 ELSE 0 END), 0)
             FROM council_invitation v JOIN council_meeting m ON m.id = v.meeting_id
            WHERE m.status IN ('held', 'approved') AND m.starts_at >= %(since)s AND m.starts_at < %(until)s""",
        **BOUNDS,
    )  # fmt: skip
    assert invited > 0
    participation = report.membership.participation
    assert (participation.numerator, participation.denominator) == (attended, invited)


def test_causes(report):
    rows = sql(
        """SELECT f.factor, COUNT(DISTINCT a.case_id) FROM council_causefinding f
             JOIN council_agendaitem a ON a.id = f.item_id JOIN council_meeting m ON m.id = a.meeting_id
            WHERE m.status IN ('held', 'approved') AND m.starts_at >= %(since)s AND m.starts_at < %(until)s
            GROUP BY f.factor""",
        **BOUNDS,
    )
    assert rows
    assert dict(rows) == {row.key: row.cells[0].value for row in report.causes.by_factor.rows if row.cells[0].value}


def test_assessment_override(report):
    (completed, overridden), = sql(
        """SELECT COUNT(*), COALESCE(SUM(CASE WHEN override_band <> '' AND override_band <> band THEN 1 ELSE 0 END), 0)
             FROM risk_assessment
            WHERE status = 'complete' AND completed_at >= %(since)s AND completed_at < %(until)s""",
        **BOUNDS,
    )  # fmt: skip
    assert (report.assessments.override.numerator, report.assessments.override.denominator) == (overridden, completed)
