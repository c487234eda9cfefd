"""Reads for the dashboards: live operational counts (cheap indexed queries) and the heavy figures of the
semiannual report as last kept (jss.reports.store), so a dashboard never computes the whole report in a
request when a snapshot exists (`refresh_dashboards` keeps them fresh: docs/operations.md).

Counts and codes only, never a name of a person. The report's figures are small-cell suppressed
(jss.reports.suppression) on every dashboard but a coordinator's own station, whose cases they see in full.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jss.actions.access import visible_actions
from jss.actions.models import Action
from jss.cases.access import visible_cases
from jss.cases.models import Case, Nomination, Share
from jss.council.models import Meeting
from jss.dashboards.models import MonthlyReports
from jss.dashboards.trend import TrendChart, month_starts, trend_chart
from jss.incidents.models import Incident
from jss.institutions.models import Institution
from jss.lib.names import localized
from jss.regions.models import PoliceStation
from jss.reports.charts import BarChart, SurvivalChart, bar_chart, survival_chart
from jss.reports.figures import Column, Curve, CurvePoint, Figure, Label, Row, Table
from jss.reports.metrics import Report
from jss.reports.models import Snapshot
from jss.reports.periods import Period
from jss.reports.scopes import PROVINCE, Scope, actions_in, cases_in, incidents_in, meetings_in, nominations_in
from jss.reports.store import kept, report_for, scope_key
from jss.reports.suppression import suppress

CURRENT = "current"  # the current half-year, to date
LAST = "last"  # the last complete half-year
OPEN_ACTIONS = (Action.Status.OPEN, Action.Status.IN_PROGRESS)
FINISHED_CASES = (Case.Status.CLOSED, Case.Status.DECLINED)
UPCOMING_SHOWN = 5
INSTITUTIONS_SHOWN = 10
CAUSES_SHOWN = 10


# --- the kept report -------------------------------------------------------------------------------------


def current_half_year(today: datetime.date) -> Period:
    """From 1 January or 1 July to today."""
    return Period(datetime.date(today.year, 1 if today.month <= 6 else 7, 1), today)


@dataclass(frozen=True)
class KeptReport:
    report: Report
    computed_at: datetime.datetime
    which: str  # CURRENT or LAST
    suppressed: bool
    # The snapshot read back (id, time of computation, suppressed): what the charts drawn from it are kept by
    # in this process. None for a report computed in this request.
    key: tuple[int, datetime.datetime, bool] | None = None

    @property
    def period(self) -> Period:
        return self.report.period


# Reading a kept report back costs about 0.2 s (unpickling its lazily translated labels builds a proxy class
# each) and suppressing it a little more: each web process keeps the last few it read, by snapshot and time
# of computation, so a refreshed snapshot is read again.
READ_KEPT = 64


@functools.lru_cache(maxsize=READ_KEPT)
def _read_kept(
    snapshot_pk: int, computed_at: datetime.datetime, period: Period, scope: Scope, *, suppressed: bool
) -> Report | None:
    found = kept(period, scope)
    if found is None or (found[1].pk, found[1].computed_at) != (snapshot_pk, computed_at):
        return None  # unreadable, or replaced since: computed again by the caller
    return suppress(found[0]) if suppressed else found[0]


def kept_report(scope: Scope, *, which: str, today: datetime.date, actor: Any, suppressed: bool) -> KeptReport:
    """The report of the scope for the current half-year to date (the latest kept, whichever day it was
    computed to) or the last complete half-year; computed and kept now only when none was kept yet."""
    period = Period.last_complete_half_year(today) if which == LAST else current_half_year(today)
    rows = Snapshot.objects.filter(scope_key=scope_key(scope), start=period.start)
    rows = rows.filter(end=period.end) if which == LAST else rows.filter(end__lte=today)
    latest = rows.order_by("-end").values_list("pk", "end", "computed_at").first()
    if latest is not None:
        pk, end, computed_at = latest
        report = _read_kept(pk, computed_at, Period(period.start, end), scope, suppressed=suppressed)
        if report is not None:
            return KeptReport(report, computed_at, which, suppressed, key=(pk, computed_at, suppressed))
    computed, snapshot = report_for(period, scope, actor=actor)
    return KeptReport(suppress(computed) if suppressed else computed, snapshot.computed_at, which, suppressed)


# --- live counts ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpcomingMeeting:
    code: str
    starts_at: datetime.datetime
    station: str


@dataclass(frozen=True)
class Live:
    cases_by_status: Table  # open cases (not closed nor declined)
    open_cases: int
    nominations_waiting: int
    actions_open: int
    actions_overdue: int
    overdue_by_institution: Table  # the institutions with the most overdue actions
    meetings: tuple[UpcomingMeeting, ...]


def _cases_by_status(cases: QuerySet[Case]) -> tuple[Table, int]:
    rows = cases.exclude(status__in=FINISHED_CASES).values("status").annotate(cases=Count("pk"))
    counts = {row["status"]: row["cases"] for row in rows.order_by()}
    table = Table(
        "open_cases",
        _("Open cases by status"),
        (Column("cases", _("Cases"), additive=True),),
        tuple(
            Row(status, label, (Figure.count(counts.get(status, 0)),))
            for status, label in Case.Status.choices
            if status not in FINISHED_CASES
        ),
    )
    return table, sum(counts.values())


def _actions(actions: QuerySet[Action], today: datetime.date) -> tuple[Table, int, int]:
    rows = list(
        actions.filter(status__in=OPEN_ACTIONS)
        .values("institution", "institution__name_ko", "institution__name_en")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by()
    )
    worst = sorted((row for row in rows if row["overdue"]), key=lambda row: (-row["overdue"], row["institution"]))
    table = Table(
        "overdue_actions",
        _("Overdue support actions by institution"),
        (Column("overdue", _("Overdue")), Column("open", _("Open"))),
        tuple(
            Row(str(row["institution"]), localized(row["institution__name_ko"], row["institution__name_en"]),
                (Figure.count(row["overdue"]), Figure.count(row["open"])))
            for row in worst[:INSTITUTIONS_SHOWN]
        ),
    )  # fmt: skip
    return table, sum(row["open"] for row in rows), sum(row["overdue"] for row in rows)


def _upcoming(meetings: QuerySet[Meeting], now: datetime.datetime) -> tuple[UpcomingMeeting, ...]:
    rows = (
        meetings.filter(status=Meeting.Status.SCHEDULED, starts_at__gte=now)
        .order_by("starts_at", "pk")
        .values_list("code", "starts_at", "station__name_ko", "station__name_en")[:UPCOMING_SHOWN]
    )
    return tuple(UpcomingMeeting(code, starts_at, localized(ko, en)) for code, starts_at, ko, en in rows)


def live_counts(
    *,
    cases: QuerySet[Case],
    nominations: QuerySet[Nomination],
    actions: QuerySet[Action],
    meetings: QuerySet[Meeting],
    now: datetime.datetime,
    today: datetime.date,
) -> Live:
    """Five queries whatever the data."""
    by_status, open_cases = _cases_by_status(cases)
    overdue, actions_open, actions_overdue = _actions(actions, today)
    return Live(
        cases_by_status=by_status,
        open_cases=open_cases,
        nominations_waiting=nominations.filter(status=Nomination.Status.PENDING).count(),
        actions_open=actions_open,
        actions_overdue=actions_overdue,
        overdue_by_institution=overdue,
        meetings=_upcoming(meetings, now),
    )


def trend_months(today: datetime.date) -> list[datetime.date]:
    """The first days of the same twelve months a year earlier, then of the last twelve months."""
    months = month_starts(today)
    return [month.replace(year=month.year - 1) for month in months] + months


def count_month(incidents: QuerySet[Incident], month: datetime.date) -> int:
    """Reports in a calendar month (Korea time): a range of the reported_at index (with the region first, for
    a station's area)."""
    tz = timezone.get_current_timezone()
    following = (month + datetime.timedelta(days=31)).replace(day=1)
    since, until = (datetime.datetime.combine(day, datetime.time.min, tzinfo=tz) for day in (month, following))
    return incidents.filter(reported_at__gte=since, reported_at__lt=until).count()


def monthly_reports(scope: Scope, *, today: datetime.date) -> TrendChart:
    """Reports per month over the last twelve months and the same months a year earlier, as the nightly
    refresh counted them (jss.dashboards.models.MonthlyReports): one query. A month it has not counted yet
    is counted now (one indexed count each)."""
    wanted = trend_months(today)
    counted = dict(
        MonthlyReports.objects.filter(scope_key=scope_key(scope), month__in=wanted).values_list("month", "reports")
    )
    incidents = incidents_in(scope)
    values = [counted[month] if month in counted else count_month(incidents, month) for month in wanted]
    months = wanted[len(wanted) // 2 :]
    earlier = wanted[: len(wanted) // 2]
    return trend_chart(
        values[len(earlier) :],
        values[: len(earlier)],
        months,
        key="monthly-reports",
        title=_("Reports per month"),
        value_label=_("Last 12 months"),
        compare_label=_("A year earlier"),
    )


# --- charts of the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar", "survival" or "trend": which template draws it
    chart: BarChart | SurvivalChart | TrendChart


@dataclass(frozen=True)
class Headline:
    key: str
    label: Label
    value: str
    previous: str | None = None  # the previous period's value, as shown
    benchmark: str | None = None  # a benchmark's value and name, as shown


def bar(chart: BarChart, *, section: str = "") -> Chart:
    """A bar chart; `section` prefixes its key where two sections' tables share one (rates and repeats are
    both "by_domain"), so each chart's data-testid is unique on the page."""
    return Chart("bar", dataclasses.replace(chart, key=f"{section}-{chart.key}") if section else chart)


def _with_total(table: Table) -> Table:
    """The table's total first, then its rows (a chart of a rate by group shows the overall rate too)."""
    return dataclasses.replace(table, rows=(table.total, *table.rows)) if table.total is not None else table


def _percent(figure: Figure) -> str:
    return figure.display(digits=1, percent=True)


def rate_headline(report: Report) -> Headline:
    return Headline(
        "rate",
        _("Reports per 100,000 a year"),
        report.rates.rate.display(digits=1),
        previous=report.rates.previous_rate.display(digits=1),
    )


def repeat_headline(report: Report) -> Headline:
    return Headline(
        "repeat",
        _("Repeat rate within 12 months of the council referral"),
        _percent(report.repeat.rate),
        previous=_percent(report.repeat.previous_rate),
        benchmark=_("UK MARAC %(rate)s") % {"rate": _percent(report.repeat.benchmark)},
    )


def non_police_headline(report: Report) -> Headline:
    return Headline(
        "non_police",
        _("Nominations from outside the police"),
        _percent(report.cases.non_police_share),
        previous=_percent(report.cases.previous_non_police_share),
        benchmark=_("UK MARAC %(rate)s") % {"rate": _percent(report.cases.benchmark_non_police_share)},
    )


def on_time_headline(report: Report) -> Headline:
    return Headline(
        "on_time",
        _("Support actions done on time"),
        _percent(report.actions.on_time),
        previous=_percent(report.actions.previous_on_time),
    )


def rates_chart(report: Report) -> Chart:
    title = _("Reports per 100,000 population a year, by kind of violence")
    chart = bar_chart(report.rates.by_domain, "rate", compare="previous_rate", digits=1, title=title)
    return bar(chart, section="rates")


def repeat_chart(report: Report) -> Chart:
    chart = bar_chart(_with_total(report.repeat.by_domain), "rate", percent=True, digits=1,
                      reference=report.repeat.benchmark, reference_label=_("UK MARAC benchmark"))  # fmt: skip
    return bar(chart, section="repeat")


def daily(curve: Curve) -> Curve:
    """The curve with one point per day: the day's last step (its lowest survival), at the end of that day.
    A report's curves have a point per first repeat, at fractional days: tens of thousands at national scale,
    which the chart cannot show apart (a day is 1.4 pixels) and which made the page a megabyte. A step at
    90.4 days moves to 91, so the share without a repeat after 90 days is unchanged."""
    days: dict[int, CurvePoint] = {}
    for point in curve.points:
        day = math.ceil(point.days)
        first = days.get(day)
        days[day] = CurvePoint(
            day,
            point.survival,
            first.at_risk if first else point.at_risk,
            point.events + (first.events if first else 0),
        )
    return dataclasses.replace(curve, points=tuple(days.values()))


# Drawing the curves walks every step (about 0.5 s at national scale): each web process keeps the charts it
# drew, by the snapshot they are drawn from and the language (the values are formatted for it).
_drawn_curves: dict[tuple[tuple[int, datetime.datetime, bool], str], Chart] = {}


def recurrence_chart(found: KeptReport) -> Chart:
    cache_key = (found.key, translation.get_language() or "") if found.key is not None else None
    if cache_key is not None and (drawn := _drawn_curves.get(cache_key)) is not None:
        return drawn
    title = _("Cases without a new report since the council referral")
    curves = [daily(curve) for curve in found.report.recurrence.curves]
    chart = Chart("survival", survival_chart(curves, key="recurrence", title=title))
    if cache_key is not None:
        if len(_drawn_curves) >= READ_KEPT:
            _drawn_curves.clear()
        _drawn_curves[cache_key] = chart
    return chart


def causes_chart(report: Report) -> Chart:
    return bar(bar_chart(report.causes.by_factor, "share", compare="previous_share", percent=True,
                         limit=CAUSES_SHOWN), section="causes")  # fmt: skip


def nominations_chart(report: Report) -> Chart:
    return bar(bar_chart(report.cases.nominations, "share", compare="previous_share", percent=True,
                         title=_("Share of nominations by kind of institution")), section="cases")  # fmt: skip


def flow_chart(report: Report) -> Chart:
    return bar(bar_chart(report.cases.flow, "period", compare="previous"), section="cases")


def places_chart(table: Table) -> Chart:
    return bar(bar_chart(table, "rate", compare="previous_rate", digits=1), section="rates")


def live_charts(live: Live) -> list[Chart]:
    return [bar(bar_chart(live.cases_by_status, "cases")), bar(bar_chart(live.overdue_by_institution, "overdue"))]


# --- the dashboards ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    live: Live
    kept: KeptReport
    headlines: list[Headline]
    charts: list[Chart]  # of the report
    live_charts: list[Chart]
    trend: TrendChart | None = None


def _area_dashboard(
    scope: Scope, *, which: str, now: datetime.datetime, today: datetime.date, actor: Any, suppressed: bool,
    places: Callable[[Report], Table], fifth: Callable[[Report], Chart],
) -> Dashboard:  # fmt: skip
    """An area's dashboard (the province or a station's): live counts, the kept report's headlines and charts,
    the monthly trend. `places` picks the table of places (cities or eup/myeon/dong), `fifth` the chart of
    how cases come in (nominations by kind of institution, or the case flow)."""
    live = live_counts(cases=cases_in(scope), nominations=nominations_in(scope), actions=actions_in(scope),
                       meetings=meetings_in(scope), now=now, today=today)  # fmt: skip
    found = kept_report(scope, which=which, today=today, actor=actor, suppressed=suppressed)
    report = found.report
    return Dashboard(
        live=live,
        kept=found,
        headlines=[
            rate_headline(report),
            repeat_headline(report),
            non_police_headline(report),
            on_time_headline(report),
        ],
        charts=[
            rates_chart(report),
            places_chart(places(report)),
            repeat_chart(report),
            recurrence_chart(found),
            fifth(report),
            causes_chart(report),
        ],
        live_charts=live_charts(live),
        trend=monthly_reports(scope, today=today),
    )


def province_dashboard(*, which: str, now: datetime.datetime, today: datetime.date, actor: Any) -> Dashboard:
    """The secretariat's view of the whole province."""
    return _area_dashboard(
        PROVINCE, which=which, now=now, today=today, actor=actor, suppressed=True,
        places=lambda report: report.rates.by_city, fifth=nominations_chart,
    )  # fmt: skip


def station_dashboard(
    station: PoliceStation, *, which: str, now: datetime.datetime, today: datetime.date, actor: Any, suppressed: bool
) -> Dashboard:
    """A police station's area: its working council's cases, actions and meetings, its reports."""
    return _area_dashboard(
        Scope(station=station), which=which, now=now, today=today, actor=actor, suppressed=suppressed,
        places=lambda report: report.rates.by_unit, fifth=flow_chart,
    )  # fmt: skip


def institution_dashboard(
    user: Any, institution: Institution, *, which: str, now: datetime.datetime, today: datetime.date
) -> Dashboard:
    """A practitioner's institution: the cases it takes part in today and the actions asked of it (through
    the same need-to-know rules as the case and action pages), its share of the report."""
    scope = Scope(institution=institution)
    live = live_counts(
        cases=Case.objects.filter(pk__in=visible_cases(user).values("pk")),
        nominations=Nomination.objects.filter(institution=institution),
        actions=visible_actions(user).filter(institution=institution),
        meetings=meetings_in(scope),
        now=now,
        today=today,
    )
    found = kept_report(scope, which=which, today=today, actor=user, suppressed=True)
    report = found.report
    return Dashboard(
        live=live,
        kept=found,
        headlines=[repeat_headline(report), on_time_headline(report)],
        charts=[
            flow_chart(report),
            repeat_chart(report),
            bar(bar_chart(report.actions.by_service_type, "actions"), section="actions"),
        ],
        live_charts=[bar(bar_chart(live.cases_by_status, "cases"))],
    )


@dataclass(frozen=True)
class Contribution:
    nominations: Table  # made by the institution, by status (all time)
    shared_cases: int  # cases shared with it today
    actions_open: int
    actions_overdue: int
    meetings: tuple[UpcomingMeeting, ...]


@dataclass(frozen=True)
class HeadDashboard:
    contribution: Contribution
    kept: KeptReport
    network: KeptReport
    headlines: list[Headline]
    charts: list[Chart]

    @property
    def nominations_chart(self) -> BarChart:
        return bar_chart(self.contribution.nominations, "nominations")


def _contribution(institution: Institution, *, now: datetime.datetime, today: datetime.date) -> Contribution:
    rows = Nomination.objects.filter(institution=institution).values("status").annotate(count=Count("pk")).order_by()
    counts = {row["status"]: row["count"] for row in rows}
    nominations = Table(
        "nominations_made",
        _("Nominations made, by decision"),
        (Column("nominations", _("Nominations"), additive=True),),
        tuple(
            Row(status, label, (Figure.count(counts.get(status, 0)),)) for status, label in Nomination.Status.choices
        ),
    )
    shared = (
        Share.objects.filter(institution=institution, revoked_at__isnull=True)
        .filter(Q(consent_until__isnull=True) | Q(consent_until__gte=today))
        .values("case")
        .distinct()
        .count()
    )
    actions = Action.objects.filter(institution=institution, status__in=OPEN_ACTIONS).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    return Contribution(
        nominations=nominations,
        shared_cases=shared,
        actions_open=actions["open"],
        actions_overdue=actions["overdue"],
        meetings=_upcoming(meetings_in(Scope(institution=institution)), now),
    )


def _against_network(report: Report, network: Report) -> Table:
    """The institution's shares next to every member institution's (the network's) for the same period."""
    columns = (Column("institution", _("Your institution")), Column("network", _("All member institutions")))
    return Table(
        "against_network",
        _("Your institution against the network"),
        columns,
        (
            Row("on_time", _("Support actions done on time"), (report.actions.on_time, network.actions.on_time)),
            Row("participation", _("Attendance at working-council meetings"),
                (report.membership.participation, network.membership.participation)),
        ),
    )  # fmt: skip


def head_dashboard(
    institution: Institution, *, which: str, now: datetime.datetime, today: datetime.date, actor: Any
) -> HeadDashboard:
    """A head's view of their institution's contribution (no case content: counts only, suppressed figures)."""
    found = kept_report(Scope(institution=institution), which=which, today=today, actor=actor, suppressed=True)
    network = kept_report(PROVINCE, which=which, today=today, actor=actor, suppressed=True)
    report = found.report
    nominated = report.cases.nominations.total
    nominated_cell = nominated.cells[0] if nominated is not None else Figure(None)
    previous_cell = nominated.cells[2] if nominated is not None else Figure(None)
    participation = Headline(
        "participation",
        _("Attendance at working-council meetings"),
        _percent(report.membership.participation),
        previous=_percent(report.membership.previous_participation),
    )
    return HeadDashboard(
        contribution=_contribution(institution, now=now, today=today),
        kept=found,
        network=network,
        headlines=[
            Headline("nominations", _("Nominations made"), nominated_cell.display(), previous=previous_cell.display()),
            on_time_headline(report),
            participation,
        ],
        charts=[
            bar(
                bar_chart(
                    _against_network(report, network.report), "institution", compare="network", percent=True, digits=1
                )
            ),
            flow_chart(report),
            bar(bar_chart(report.actions.by_service_type, "actions"), section="actions"),
        ],
    )
