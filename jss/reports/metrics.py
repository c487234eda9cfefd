"""The figures of the council's semiannual report (issue 7), computed from the data: read only.

`compute_report(period, scope=...)` returns a frozen `Report`: one section per `jss.reports.sections.Section`,
each figure with its value, what it was computed from and how many people stand behind it, and its
comparisons (previous period, national rates, UK MARAC benchmarks). `jss.reports.suppression.suppress`
turns it into what may leave the system. Every definition: docs/metrics.md.

Counting is done by the database (grouped queries); per-case facts (jss.reports.casefacts) are one row per
case in Python. The one exception: the reports of the period and of the previous period are read once each,
one row per report and victim, and counted in Python by kind, place and source with their distinct victims
(`_PeriodReports`): a COUNT(DISTINCT) per grouping read every report of the period again, ten times.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jss.actions.models import Action
from jss.council.causes import cause_factors
from jss.incidents.models import Incident, Party
from jss.institutions.models import Institution
from jss.lib.language import content_language
from jss.regions.models import Region
from jss.repeats.engine import Epoch
from jss.reports.casefacts import HELD, NOT_DISCUSSED, REPEAT_WINDOW, CaseFacts, load_case_facts
from jss.reports.figures import (
    NO_DATA,
    TOTAL,
    TOTAL_LABEL,
    Column,
    Curve,
    CurvePoint,
    Figure,
    Label,
    Row,
    Table,
)
from jss.reports.periods import Period
from jss.reports.scopes import (
    PROVINCE,
    Scope,
    actions_in,
    agenda_items_in,
    assessments_in,
    cases_in,
    findings_in,
    incidents_in,
    invitations_in,
    local_units_in,
    meetings_in,
    nominations_in,
)
from jss.reports.sections import Section
from jss.reports.survival import Observation, estimate_at, kaplan_meier
from jss.risk.models import Assessment
from jss.risk.packs import current_packs
from jss.risk.queries import COMPLETION_WINDOW

Domain = Incident.Domain
PER = 100_000

# 112 reports per 100,000 people per year, national, 2022–24 average (facts.md: ihalla.com 1751528084773758044).
NATIONAL_112_RATES: dict[str, float] = {Domain.DOMESTIC_VIOLENCE: 461, Domain.CHILD_ABUSE: 57, Domain.STALKING: 62}
# UK MARAC, October 2023–September 2024 (facts.md: SafeLives).
MARAC_REPEAT_RATE = 0.31
MARAC_NON_POLICE_SHARE = 0.361
POLICE_CATEGORIES = frozenset(
    {Institution.Category.POLICE_AGENCY, Institution.Category.POLICE_STATION, Institution.Category.AUTONOMOUS_POLICE}
)
RECURRENCE_MONTHS = {3: 91, 6: 182, 12: 365}  # months → days after the referral
RECURRENCE_COHORT = datetime.timedelta(days=730)  # the curves follow cases referred in the 2 years to the period's end
ALL = "all"


def _people(*counts: int) -> int:
    """The smallest non-zero count: what suppression looks at for a figure made of several counts."""
    return min((count for count in counts if count > 0), default=0)


def _label(choices: type[Domain] | type[Institution.Category], code: str) -> Label:
    try:
        return choices(code).label
    except ValueError:
        return code


# --- sections -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatesSection:
    key: ClassVar[Section] = Section.RATES
    population: Figure  # of the scope's eup/myeon/dong (no data for an institution)
    reports: Figure  # reports in the period (people: distinct victims)
    rate: Figure  # per 100,000 population per year
    previous_rate: Figure
    by_domain: Table
    by_city: Table
    by_unit: Table


@dataclass(frozen=True)
class RepeatSection:
    key: ClassVar[Section] = Section.REPEAT
    cohort: Period  # the referrals whose 12 months ended in the report's period
    rate: Figure  # cases with a repeat within 12 months / cases of the cohort
    previous_rate: Figure
    benchmark: Figure  # UK MARAC: 31%
    referred: Figure  # cases referred in the report's period (their 12 months end later)
    follow_up_pending: Figure  # cases whose 12 months have not ended yet at the computation time
    by_domain: Table


@dataclass(frozen=True)
class RecurrenceSection:
    key: ClassVar[Section] = Section.RECURRENCE
    cohort: Period  # cases referred in these two years are followed
    followed_until: datetime.datetime
    curves: tuple[Curve, ...]  # "all", then one per kind of violence with cases
    table: Table  # recurrence (1 − survival) at 3, 6 and 12 months


@dataclass(frozen=True)
class CasesSection:
    key: ClassVar[Section] = Section.CASES
    flow: Table  # cases handled, nominated, accepted, declined, discussed, closed, reopened: now and before
    nominations: Table  # by category of the nominating institution
    non_police_share: Figure
    previous_non_police_share: Figure
    benchmark_non_police_share: Figure  # UK MARAC: 36.1%
    timings: Table  # days report → nomination → meeting: cases, median, quartiles


@dataclass(frozen=True)
class ActionsSection:
    key: ClassVar[Section] = Section.ACTIONS
    agreed: Figure
    previous_agreed: Figure
    on_time: Figure  # done by the due date / due in the period (not cancelled)
    previous_on_time: Figure
    overdue: Figure  # not done on the period's last day although due before it
    by_service_type: Table  # an action whose service has several types counts under each
    by_institution: Table


@dataclass(frozen=True)
class CausesSection:
    key: ClassVar[Section] = Section.CAUSES
    cases: Figure  # cases with at least one coded cause at a meeting of the period
    previous_cases: Figure
    by_factor: Table  # a case with several causes counts under each (not additive)


@dataclass(frozen=True)
class AssessmentsSection:
    key: ClassVar[Section] = Section.ASSESSMENTS
    completion: Figure  # reports whose victim was assessed within 14 days / reports of an assessed kind
    previous_completion: Figure
    override: Figure  # completed assessments with a band set by the professional / completed assessments
    previous_override: Figure


@dataclass(frozen=True)
class MembershipSection:
    key: ClassVar[Section] = Section.MEMBERSHIP
    members_at_start: Figure
    members_at_end: Figure
    joined: Figure
    left: Figure
    growth: Table  # members at the end of each quarter up to the period's end
    meetings: Figure  # working-council meetings held in the period
    participation: Figure  # attended / invited over those meetings
    previous_participation: Figure
    attended_per_meeting: Figure
    per_meeting: Table


@dataclass(frozen=True)
class CaseReview:
    """An anonymised case review chosen by the secretariat (written elsewhere; shown as given)."""

    title: str
    text: str


@dataclass(frozen=True)
class ReviewsSection:
    key: ClassVar[Section] = Section.REVIEWS
    reviews: tuple[CaseReview, ...] = ()


@dataclass(frozen=True)
class Report:
    period: Period
    previous_period: Period
    scope: Scope
    computed_at: datetime.datetime
    rates: RatesSection
    repeat: RepeatSection
    recurrence: RecurrenceSection
    cases: CasesSection
    actions: ActionsSection
    causes: CausesSection
    assessments: AssessmentsSection
    membership: MembershipSection
    reviews: ReviewsSection
    small_cells_hidden: bool = False  # True in the output of suppress()

    def sections(self) -> tuple[tuple[Section, object], ...]:
        parts = (self.rates, self.repeat, self.recurrence, self.cases, self.actions, self.causes,
                 self.assessments, self.membership, self.reviews)  # fmt: skip
        return tuple((part.key, part) for part in parts)


# --- reports per 100,000 ----------------------------------------------------------------------------------


@dataclass
class _Tally:
    """Reports of one group and their distinct victims (person records)."""

    reports: int = 0
    victims: set[int] = field(default_factory=set)

    @property
    def pair(self) -> tuple[int, int]:
        return self.reports, len(self.victims)


class _PeriodReports:
    """The reports of one period in a scope, counted by kind, by kind of 112 reports, by eup/myeon/dong and
    by city, with their distinct victims: read in one query (one row per report and victim) instead of a
    COUNT(DISTINCT) over the reports and their parties per grouping, each of which reads every report of the
    period again."""

    def __init__(self, incidents: QuerySet[Incident], period: Period, parents: Mapping[int, int | None]) -> None:
        rows = (
            _in_period(incidents, period)
            .annotate(victim=FilteredRelation("parties", condition=Q(parties__role=Party.Role.VICTIM)))
            .values_list("pk", "domain", "source", "region_id", "victim__person_id")
            .order_by()
        )
        self.domains: dict[int, str] = {}  # report → its kind
        # First per (kind, source, place), then summed (reports) and united (victims) into each grouping.
        finest: dict[tuple[str, str, int | None], _Tally] = defaultdict(_Tally)
        for pk, domain, source, region, person in rows:
            tally = finest[domain, source, region]
            if pk not in self.domains:
                self.domains[pk] = domain
                tally.reports += 1
            if person is not None:
                tally.victims.add(person)
        self.groups: dict[tuple[str, object], _Tally] = defaultdict(_Tally)
        police = Incident.Source.POLICE_112.value
        for (kind, source, place), tally in finest.items():
            # A region's city is its parent (as `region__parent`: none for a report without a place).
            keys = [("all", None), ("domain", kind), ("region", place),
                    ("city", parents.get(place) if place is not None else None)]  # fmt: skip
            if source == police:
                keys += [("112", None), ("domain_112", kind)]
            for key in keys:
                self.groups[key].reports += tally.reports
                self.groups[key].victims |= tally.victims

    def by(self, grouping: str) -> dict[object, tuple[int, int]]:
        """{key: (reports, distinct victims)} of one grouping (domain, domain_112, region, city)."""
        return {key: tally.pair for (name, key), tally in self.groups.items() if name == grouping}

    def total(self, grouping: str = "all") -> tuple[int, int]:
        return self.groups.get((grouping, None), _Tally()).pair

    def of_domains(self, domains: Iterable[str]) -> tuple[int, int]:
        """Reports of these kinds and their distinct victims."""
        tallies = [self.groups[("domain", domain)] for domain in domains if ("domain", domain) in self.groups]
        return sum(t.reports for t in tallies), len(set().union(*(t.victims for t in tallies)))


def _period_reports(scope: Scope, period: Period) -> _PeriodReports:
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    return _PeriodReports(incidents_in(scope), period, parents)


def _per_population(counts: tuple[int, int], population: int, period: Period) -> Figure:
    reports, victims = counts
    value = reports / population * PER * period.annual_factor if population else None
    return Figure(value, reports, population or None, people=victims)


def _in_period(incidents: QuerySet[Incident], period: Period) -> QuerySet[Incident]:
    return incidents.filter(reported_at__gte=period.since, reported_at__lt=period.until)


def rates_section(period: Period, scope: Scope, current: _PeriodReports, earlier: _PeriodReports) -> RatesSection:
    """`current` and `earlier`: the reports of the period and of the previous period."""
    previous = period.previous()
    units = list(local_units_in(scope).select_related("parent").order_by("code"))
    population = sum(unit.population for unit in units)

    def count(pair: tuple[int, int]) -> Figure:
        return Figure.count(pair[0], people=pair[1])

    columns = (
        Column("reports", _("Reports"), additive=True),
        Column("rate", _("Per 100,000 a year")),
        Column("previous_reports", _("Reports, previous period"), additive=True),
        Column("previous_rate", _("Per 100,000 a year, previous period")),
    )
    zero = (0, 0)
    by_domain_now, by_domain_before = current.by("domain"), earlier.by("domain")
    by_domain_112 = current.by("domain_112")
    total_now, total_before = current.total(), earlier.total()
    total_112 = current.total("112")
    domain_rows = []
    for domain in Domain.values:
        pairs = (by_domain_now.get(domain, zero), by_domain_before.get(domain, zero), by_domain_112.get(domain, zero))
        national = NATIONAL_112_RATES.get(domain)
        domain_rows.append(
            Row(domain, Domain(domain).label, (
                count(pairs[0]), _per_population(pairs[0], population, period),
                count(pairs[1]), _per_population(pairs[1], population, previous),
                count(pairs[2]), _per_population(pairs[2], population, period),
                Figure.number(national),
            ))
        )  # fmt: skip
    domain_columns = (
        *columns,
        Column("reports_112", _("112 reports"), additive=True),
        Column("rate_112", _("112 reports per 100,000 a year")),
        Column("national_112", _("National 112 reports per 100,000 a year")),
    )
    by_domain = Table("by_domain", _("Reports by kind of violence"), domain_columns, tuple(domain_rows),
                      Row(TOTAL, TOTAL_LABEL, (
                          count(total_now), _per_population(total_now, population, period),
                          count(total_before), _per_population(total_before, population, previous),
                          count(total_112), _per_population(total_112, population, period), NO_DATA,
                      )))  # fmt: skip

    def place_table(key: str, title: Label, grouping: str, places: list[Region]) -> Table:
        grouped_now, grouped_before = current.by(grouping), earlier.by(grouping)
        rows = []
        for place in places:
            people = (
                place.population if place.is_local_unit else sum(u.population for u in units if u.parent_id == place.pk)
            )
            pairs = (grouped_now.get(place.pk, zero), grouped_before.get(place.pk, zero))
            rows.append(Row(place.code, place.name, (
                Figure.number(people), count(pairs[0]), _per_population(pairs[0], people, period),
                count(pairs[1]), _per_population(pairs[1], people, previous),
            )))  # fmt: skip
        unplaced = (grouped_now.get(None, zero), grouped_before.get(None, zero))
        if unplaced[0][0] or unplaced[1][0]:
            rows.append(Row("unknown", _("Place not recorded"),
                            (NO_DATA, count(unplaced[0]), NO_DATA, count(unplaced[1]), NO_DATA)))  # fmt: skip
        total = Row(TOTAL, TOTAL_LABEL, (
            Figure.number(population), count(total_now), _per_population(total_now, population, period),
            count(total_before), _per_population(total_before, population, previous),
        ))  # fmt: skip
        return Table(key, title, (Column("population", _("Population")), *columns), tuple(rows), total)

    cities = sorted({unit.parent for unit in units if unit.parent is not None}, key=lambda city: city.code)
    by_city = place_table("by_city", _("Reports by city"), "city", cities)
    by_unit = place_table("by_unit", _("Reports by eup, myeon and dong"), "region", units)
    return RatesSection(
        population=Figure.number(population or None),
        reports=count(total_now),
        rate=_per_population(total_now, population, period),
        previous_rate=_per_population(total_before, population, previous),
        by_domain=by_domain,
        by_city=by_city,
        by_unit=by_unit,
    )


# --- repeats and recurrence -------------------------------------------------------------------------------


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's first moment and the first after it, in UTC as the case facts' times are: times of one
    time zone compare without asking the zone for its offset, which counts over 100,000 cases."""
    return period.since.astimezone(datetime.UTC), period.until.astimezone(datetime.UTC)


def _referred_in(facts: Iterable[CaseFacts], period: Period) -> list[CaseFacts]:
    since, until = _bounds(period)
    return [f for f in facts if (referral := f.referral) is not None and since <= referral < until]


def _repeat_cohort(facts: Iterable[CaseFacts], period: Period, now: datetime.datetime) -> list[CaseFacts]:
    """Cases whose 12 months after the referral ended in `period` (and before `now`)."""
    cohort = _referred_in(facts, period.shifted(-REPEAT_WINDOW.days))
    followed_until = now.astimezone(datetime.UTC) - REPEAT_WINDOW
    return [f for f in cohort if (referral := f.referral) is not None and referral <= followed_until]


def _repeat_rate(cohort: Sequence[CaseFacts]) -> Figure:
    return Figure.rate(sum(1 for f in cohort if f.repeat_within()), len(cohort))


def repeat_section(period: Period, facts: Sequence[CaseFacts], now: datetime.datetime) -> RepeatSection:
    cohort = _repeat_cohort(facts, period, now)
    referred = _referred_in(facts, period)
    since = now.astimezone(datetime.UTC) - REPEAT_WINDOW
    pending = [f for f in facts if (referral := f.referral) is not None and since < referral]
    by_domain: dict[str, list[CaseFacts]] = defaultdict(list)
    for fact in cohort:
        by_domain[fact.domain].append(fact)
    rows = tuple(
        Row(domain or "unknown", _label(Domain, domain) if domain else _("Kind not recorded"),
            (Figure.count(len(cases)), Figure.count(sum(1 for f in cases if f.repeat_within())), _repeat_rate(cases)))
        for domain, cases in sorted(by_domain.items())
    )  # fmt: skip
    columns = (
        Column("cases", _("Cases followed 12 months"), additive=True),
        Column("repeats", _("With a new report within 12 months"), additive=True),
        Column("rate", _("Repeat rate")),
    )
    rate = _repeat_rate(cohort)
    total = Row(TOTAL, TOTAL_LABEL, (Figure.count(len(cohort)), Figure.count(rate.numerator or 0), rate))
    return RepeatSection(
        cohort=period.shifted(-REPEAT_WINDOW.days),
        rate=rate,
        previous_rate=_repeat_rate(_repeat_cohort(facts, period.previous(), now)),
        benchmark=Figure.number(MARAC_REPEAT_RATE),
        referred=Figure.count(len(referred)),
        follow_up_pending=Figure.count(len(pending)),
        by_domain=Table("by_domain", _("Repeat rate by kind of violence"), columns, rows, total),
    )


def _observation(fact: CaseFacts, followed_until: datetime.datetime) -> Observation:
    """Days from the referral to the first repeat, or censored: at `followed_until`, or at closure for a
    case closed because the person moved out of the area (their later reports are not seen)."""
    referral = fact.referral
    assert referral is not None
    end = followed_until
    if fact.outcome == "moved_away" and fact.closed_at is not None and fact.closed_at < end:
        end = fact.closed_at
    if fact.first_repeat is not None and fact.first_repeat <= end:
        return Observation((fact.first_repeat - referral).total_seconds() / 86400, repeat=True)
    return Observation(max((end - referral).total_seconds() / 86400, 0.0), repeat=False)


def recurrence_section(period: Period, facts: Sequence[CaseFacts], now: datetime.datetime) -> RecurrenceSection:
    followed_until = min(now, period.until)
    cohort_period = Period(period.end - datetime.timedelta(days=RECURRENCE_COHORT.days - 1), period.end)
    until = followed_until.astimezone(datetime.UTC)
    cohort = [
        f for f in _referred_in(facts, cohort_period) if (referral := f.referral) is not None and referral < until
    ]
    groups: dict[str, list[CaseFacts]] = {ALL: cohort}
    for fact in sorted(cohort, key=lambda f: f.domain):
        groups.setdefault(fact.domain or "unknown", []).append(fact)
    curves, rows = [], []
    for key, cases in groups.items():
        label = _("All cases") if key == ALL else _label(Domain, key) if key != "unknown" else _("Kind not recorded")
        steps = kaplan_meier(_observation(fact, until) for fact in cases)
        points = tuple(CurvePoint(s.days, s.survival, s.at_risk, s.events) for s in steps if s.events)
        curves.append(Curve(key, label, Figure.count(len(cases)), points))
        cells = [Figure.count(len(cases))]
        for days in RECURRENCE_MONTHS.values():
            estimate = estimate_at(steps, days)
            value = None if estimate.survival is None else 1 - estimate.survival
            cells.append(Figure(value, estimate.events, len(cases), people=_people(estimate.events, estimate.at_risk)))
        rows.append(Row(key, label, tuple(cells)))
    columns = (
        Column("cases", _("Cases followed")),
        *(Column(f"month_{months}", _("Recurrence by %(months)d months") % {"months": months})
          for months in RECURRENCE_MONTHS),
    )  # fmt: skip
    return RecurrenceSection(
        cohort=cohort_period,
        followed_until=followed_until,
        curves=tuple(curves),
        table=Table("recurrence", _("Recurrence after council referral"), columns, tuple(rows)),
    )


# --- cases and nominations ---------------------------------------------------------------------------------


def _within(moment: datetime.datetime | None, bounds: tuple[datetime.datetime, datetime.datetime]) -> bool:
    return moment is not None and bounds[0] <= moment < bounds[1]


def _flow(facts: Sequence[CaseFacts], discussed: set[int], period: Period) -> dict[str, int]:
    bounds = _bounds(period)
    since, until = bounds

    def handled(fact: CaseFacts) -> bool:
        if fact.accepted is None or fact.accepted >= until:
            return False
        closed_before = fact.status == "closed" and fact.closed_at is not None and fact.closed_at < since
        return not closed_before

    return {
        "handled": sum(1 for f in facts if handled(f)),
        "nominated": sum(1 for f in facts if _within(f.first_nominated, bounds)),
        "accepted": sum(1 for f in facts if _within(f.accepted, bounds)),
        "discussed": len(discussed),
        "closed": sum(1 for f in facts if _within(f.closed_at, bounds)),
        "reopened": sum(1 for f in facts if _within(f.reopened_at, bounds)),
    }


def _discussed(scope: Scope, period: Period) -> set[int]:
    items = agenda_items_in(scope).filter(
        meeting__status__in=HELD, meeting__starts_at__gte=period.since, meeting__starts_at__lt=period.until
    )
    return set(items.exclude(decision__in=NOT_DISCUSSED).values_list("case_id", flat=True).distinct())


def _quartiles(values: Sequence[float]) -> tuple[float, float, float] | None:
    """Lower quartile, median, upper quartile (linear interpolation between the ordered values, as
    Excel's QUARTILE.INC); None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0], values[0], values[0]
    low, median, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, median, high


def _days(later: datetime.datetime, earlier: datetime.datetime) -> float:
    return (later - earlier).total_seconds() / 86400


def cases_section(period: Period, scope: Scope, facts: Sequence[CaseFacts]) -> CasesSection:
    previous = period.previous()
    flows = (_flow(facts, _discussed(scope, period), period), _flow(facts, _discussed(scope, previous), previous))
    declined = [
        nominations_in(scope).filter(status="declined", decided_at__gte=p.since, decided_at__lt=p.until)
        .values("case").distinct().count()
        for p in (period, previous)
    ]  # fmt: skip
    labels = {
        "handled": _("Cases handled (accepted and not closed before the period)"),
        "nominated": _("New cases nominated"),
        "accepted": _("Cases accepted"),
        "declined": _("Cases declined"),
        "discussed": _("Cases discussed at a working-council meeting"),
        "closed": _("Cases closed"),
        "reopened": _("Cases reopened by a new report"),
    }
    flows[0]["declined"], flows[1]["declined"] = declined
    flow = Table(
        "flow", _("Cases"),
        (Column("period", _("This period")), Column("previous", _("Previous period"))),
        tuple(Row(key, label, (Figure.count(flows[0][key]), Figure.count(flows[1][key])))
              for key, label in labels.items()),
    )  # fmt: skip

    def by_category(p: Period) -> dict[str, tuple[int, int]]:
        rows = (
            nominations_in(scope).filter(created_at__gte=p.since, created_at__lt=p.until)
            .values("institution__category")
            .annotate(nominations=Count("pk"), cases=Count("case", distinct=True))
            .order_by()
        )  # fmt: skip
        return {row["institution__category"]: (row["nominations"], row["cases"]) for row in rows}

    now, before = by_category(period), by_category(previous)
    totals = [(sum(n for n, _c in d.values()), sum(c for _n, c in d.values())) for d in (now, before)]
    rows = []
    for category in sorted({*now, *before}, key=lambda code: (code not in POLICE_CATEGORIES, code)):
        pairs = (now.get(category, (0, 0)), before.get(category, (0, 0)))
        rows.append(Row(category, _label(Institution.Category, category), (
            Figure.count(pairs[0][0], people=pairs[0][1]),
            Figure.rate(pairs[0][0], totals[0][0], people=(pairs[0][1], totals[0][1])),
            Figure.count(pairs[1][0], people=pairs[1][1]),
            Figure.rate(pairs[1][0], totals[1][0], people=(pairs[1][1], totals[1][1])),
        )))  # fmt: skip
    nominations = Table(
        "nominations", _("Nominations by kind of institution"),
        (Column("nominations", _("Nominations"), additive=True), Column("share", _("Share")),
         Column("previous_nominations", _("Nominations, previous period"), additive=True),
         Column("previous_share", _("Share, previous period"))),
        tuple(rows),
        Row(TOTAL, TOTAL_LABEL, (
            Figure.count(totals[0][0], people=totals[0][1]), Figure.rate(totals[0][0], totals[0][0]),
            Figure.count(totals[1][0], people=totals[1][1]), Figure.rate(totals[1][0], totals[1][0]),
        )),
    )  # fmt: skip

    def non_police(counts: dict[str, tuple[int, int]], total: tuple[int, int]) -> Figure:
        outside = [pair for category, pair in counts.items() if category not in POLICE_CATEGORIES]
        return Figure.rate(sum(n for n, _c in outside), total[0], people=(sum(c for _n, c in outside), total[1]))

    bounds = _bounds(period)
    started = [f for f in facts if _within(f.first_nominated, bounds)]
    spans: dict[str, list[float]] = {"report_to_nomination": [], "nomination_to_meeting": [], "report_to_meeting": []}
    for fact in started:
        assert fact.first_nominated is not None
        if fact.report is not None:
            spans["report_to_nomination"].append(_days(fact.first_nominated, fact.report))
        if fact.first_discussed is not None:
            spans["nomination_to_meeting"].append(_days(fact.first_discussed, fact.first_nominated))
            if fact.report is not None:
                spans["report_to_meeting"].append(_days(fact.first_discussed, fact.report))
    span_labels = {
        "report_to_nomination": _("Report → nomination"),
        "nomination_to_meeting": _("Nomination → first meeting"),
        "report_to_meeting": _("Report → first meeting"),
    }
    timing_rows = []
    for key, values in spans.items():
        quartiles = _quartiles(values)
        cells = [Figure.count(len(values))]
        cells += [Figure(q, people=len(values)) for q in quartiles] if quartiles else [NO_DATA] * 3
        timing_rows.append(Row(key, span_labels[key], (cells[0], cells[2], cells[1], cells[3])))
    timings = Table(
        "timings", _("Days from report to nomination to meeting (cases first nominated in the period)"),
        (Column("cases", _("Cases")), Column("median", _("Median days")), Column("lower_quartile", _("Lower quartile")),
         Column("upper_quartile", _("Upper quartile"))),
        tuple(timing_rows),
    )  # fmt: skip
    return CasesSection(
        flow=flow,
        nominations=nominations,
        non_police_share=non_police(now, totals[0]),
        previous_non_police_share=non_police(before, totals[1]),
        benchmark_non_police_share=Figure.number(MARAC_NON_POLICE_SHARE),
        timings=timings,
    )


# --- support actions ---------------------------------------------------------------------------------------


@dataclass
class _ActionCounts:
    """Of one institution, per count (agreed, due, on_time, overdue): the actions and their distinct cases."""

    actions: Counter[str] = field(default_factory=Counter)
    cases: defaultdict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, what: str, case: int) -> None:
        self.actions[what] += 1
        self.cases[what].add(case)

    def count(self, what: str) -> int:
        return self.actions[what]

    def people(self, what: str) -> int:
        return len(self.cases.get(what, ()))


def _action_counts(actions: QuerySet[Action], period: Period, today: datetime.date) -> dict[int, _ActionCounts]:
    """Per institution: agreed in the period; due in the period (and before today), not cancelled; of
    those done by the due date; overdue on the period's last day (or today, if sooner)."""
    tz = timezone.get_current_timezone()
    last_day = min(period.end, today)
    rows = actions.filter(
        Q(created_at__gte=period.since, created_at__lt=period.until)
        | Q(due_on__gte=period.start, due_on__lte=period.end)
        | Q(due_on__lt=last_day, created_at__lt=period.until)
        & (Q(completed_at__isnull=True) | Q(completed_at__gte=period.since))
    ).annotate(created=Epoch("created_at"), completed=Epoch("completed_at"))
    counts: dict[int, _ActionCounts] = defaultdict(_ActionCounts)
    since, until = int(period.since.timestamp()), int(period.until.timestamp())
    for institution, case, created, due_on, status, completed in rows.values_list(
        "institution_id", "case_id", "created", "due_on", "status", "completed"
    ):
        # Whole seconds compared with whole seconds (as `moment(created)` with the period's bounds).
        done_on = (
            datetime.datetime.fromtimestamp(completed, tz).date()
            if status == "done" and completed is not None
            else None
        )
        if since <= created < until:
            counts[institution].add("agreed", case)
        if status == "cancelled":
            continue
        if period.start <= due_on <= period.end and due_on < today:
            counts[institution].add("due", case)
            if done_on is not None and done_on <= due_on:
                counts[institution].add("on_time", case)
        if created < until and due_on < last_day and (done_on is None or done_on > last_day):
            counts[institution].add("overdue", case)
    return counts


def actions_section(period: Period, scope: Scope, today: datetime.date) -> ActionsSection:
    actions = actions_in(scope)
    counts = _action_counts(actions, period, today)
    before = _action_counts(actions, period.previous(), today)

    def total(source: dict[int, _ActionCounts], what: str) -> Figure:
        cases: set[int] = set().union(*(c.cases.get(what, set()) for c in source.values()))
        return Figure.count(sum(c.count(what) for c in source.values()), people=len(cases))

    def on_time(source: dict[int, _ActionCounts]) -> Figure:
        done, due = total(source, "on_time"), total(source, "due")
        return Figure.rate(int(done.value or 0), int(due.value or 0), people=(done.people or 0, due.people or 0))

    names = {i.pk: i.name for i in Institution.objects.filter(pk__in=counts.keys())}
    rows = []
    for institution in sorted(counts, key=lambda pk: str(names.get(pk, ""))):
        c = counts[institution]
        rows.append(Row(str(institution), names.get(institution, str(institution)), (
            Figure.count(c.count("agreed"), people=c.people("agreed")),
            Figure.count(c.count("due"), people=c.people("due")),
            Figure.count(c.count("on_time"), people=c.people("on_time")),
            Figure.rate(c.count("on_time"), c.count("due"), people=(c.people("on_time"), c.people("due"))),
            Figure.count(c.count("overdue"), people=c.people("overdue")),
        )))  # fmt: skip
    by_institution = Table(
        "by_institution", _("Support actions by institution"),
        (Column("agreed", _("Agreed"), additive=True), Column("due", _("Due"), additive=True),
         Column("on_time", _("Done on time"), additive=True), Column("on_time_rate", _("On time")),
         Column("overdue", _("Overdue at the end of the period"), additive=True)),
        tuple(rows),
        Row(TOTAL, TOTAL_LABEL, (total(counts, "agreed"), total(counts, "due"), total(counts, "on_time"),
                                 on_time(counts), total(counts, "overdue"))),
    )  # fmt: skip
    typed = (
        actions.filter(created_at__gte=period.since, created_at__lt=period.until)
        .values("service__types__code", "service__types__name_ko", "service__types__name_en")
        .annotate(actions=Count("pk", distinct=True), cases=Count("case", distinct=True))
        .order_by("service__types__code")
    )
    type_rows = []
    for row in typed:
        code = row["service__types__code"]
        if code is None:
            label: Label = _("No service type (free text or untyped service)")
        else:
            label = row["service__types__name_en"] if _english() else row["service__types__name_ko"]
        type_rows.append(
            Row(code or "none", label, (Figure.count(row["actions"], people=row["cases"]), Figure.count(row["cases"])))
        )
    by_type = Table(
        "by_service_type", _("Support actions agreed, by service type"),
        (Column("actions", _("Actions")), Column("cases", _("Cases"))), tuple(type_rows),
    )  # fmt: skip
    return ActionsSection(
        agreed=total(counts, "agreed"),
        previous_agreed=total(before, "agreed"),
        on_time=on_time(counts),
        previous_on_time=on_time(before),
        overdue=total(counts, "overdue"),
        by_service_type=by_type,
        by_institution=by_institution,
    )


def _english() -> bool:
    return content_language() == "en"


# --- causes ------------------------------------------------------------------------------------------------


def _cause_cases(scope: Scope, period: Period) -> dict[str, set[int]]:
    rows = (
        findings_in(scope)
        .filter(
            item__meeting__status__in=HELD,
            item__meeting__starts_at__gte=period.since,
            item__meeting__starts_at__lt=period.until,
        )
        .values_list("factor", "item__case_id")
    )
    cases: dict[str, set[int]] = defaultdict(set)
    for factor, case in rows.distinct():
        cases[factor].add(case)
    return cases


def causes_section(period: Period, scope: Scope, facts: Sequence[CaseFacts], now: datetime.datetime) -> CausesSection:
    current, previous = _cause_cases(scope, period), _cause_cases(scope, period.previous())
    with_any = set().union(*current.values()) if current else set()
    previous_any = set().union(*previous.values()) if previous else set()
    cohort = {fact.pk: fact for fact in _repeat_cohort(facts, period, now)}
    cohort_factors: dict[str, set[int]] = defaultdict(set)
    found = findings_in(scope).filter(
        item__meeting__status__in=HELD, item__meeting__starts_at__lt=min(now, period.until)
    )
    for factor, case in found.filter(item__case__in=list(cohort)).values_list("factor", "item__case_id").distinct():
        cohort_factors[factor].add(case)
    factors = cause_factors()
    rows = []
    codes = {*current, *previous, *cohort_factors}
    ordered = [code for code in factors if code in codes] + sorted(codes - set(factors))
    for code in ordered:
        now_cases, before_cases = len(current.get(code, ())), len(previous.get(code, ()))
        share = Figure.rate(now_cases, len(with_any))
        previous_share = Figure.rate(before_cases, len(previous_any))
        change = (
            Figure(share.value - previous_share.value, people=_people(now_cases, before_cases))
            if share.value is not None and previous_share.value is not None
            else NO_DATA
        )
        followed = cohort_factors.get(code, set())
        repeats = sum(1 for pk in followed if cohort[pk].repeat_within())
        rows.append(Row(code, str(factors[code]) if code in factors else code, (
            Figure.count(now_cases), share, Figure.count(before_cases), previous_share, change,
            Figure.count(len(followed)), Figure.count(repeats), Figure.rate(repeats, len(followed)),
        )))  # fmt: skip
    columns = (
        Column("cases", _("Cases")),
        Column("share", _("Share of cases with a coded cause")),
        Column("previous_cases", _("Cases, previous period")),
        Column("previous_share", _("Share, previous period")),
        Column("change", _("Change in share")),
        Column("followed", _("Cases followed 12 months")),
        Column("repeats", _("With a repeat")),
        Column("repeat_rate", _("Repeat rate")),
    )
    return CausesSection(
        cases=Figure.count(len(with_any)),
        previous_cases=Figure.count(len(previous_any)),
        by_factor=Table("by_factor", _("Causes found by the working councils"), columns, tuple(rows)),
    )


# --- risk identification -----------------------------------------------------------------------------------


def _completion(period: Period, domains: list[str], reports: _PeriodReports) -> Figure:
    """As jss.risk.queries.rates: a report counts as assessed when one of its victims has an assessment
    completed from a day before the report until 14 days after it (by anyone, any instrument).

    Only the pairs (report of the period, completed assessment of one of its victims near the period) come
    back to be compared, read from the assessments (a few per report at most), not from every report; the
    reports of the scope and of the kinds are those of `reports`."""
    total_reports, total_victims = reports.of_domains(domains)
    day = datetime.timedelta(days=1)
    pairs = (
        Assessment.objects.filter(
            status=Assessment.Status.COMPLETE,
            completed_at__gte=period.since - day,
            completed_at__lte=period.until + COMPLETION_WINDOW,
            person__parties__role=Party.Role.VICTIM,
            person__parties__incident__reported_at__gte=period.since,
            person__parties__incident__reported_at__lt=period.until,
        )
        .annotate(reported=Epoch("person__parties__incident__reported_at"), completed=Epoch("completed_at"))
        .values_list("person__parties__incident_id", "person_id", "reported", "completed")
    )
    before, after = int(day.total_seconds()), int(COMPLETION_WINDOW.total_seconds())
    kinds = set(domains)
    assessed: set[int] = set()
    assessed_victims: set[int] = set()
    for incident, person, reported, completed in pairs:
        if reports.domains.get(incident) in kinds and reported - before <= completed <= reported + after:
            assessed.add(incident)
            assessed_victims.add(person)
    return Figure.rate(len(assessed), total_reports, people=(len(assessed_victims), total_victims))


def _override(scope: Scope, period: Period) -> Figure:
    completed = assessments_in(scope).filter(
        status=Assessment.Status.COMPLETE, completed_at__gte=period.since, completed_at__lt=period.until
    )
    overridden = ~Q(override_band="") & ~Q(override_band=F("band"))
    totals = completed.aggregate(
        completed=Count("pk"),
        overridden=Count("pk", filter=overridden),
        persons=Count("person", distinct=True),
        overridden_persons=Count("person", filter=overridden, distinct=True),
    )
    return Figure.rate(
        totals["overridden"], totals["completed"], people=(totals["overridden_persons"], totals["persons"])
    )


def assessments_section(
    period: Period, scope: Scope, current: _PeriodReports, earlier: _PeriodReports
) -> AssessmentsSection:
    """`current` and `earlier`: the reports of the period and of the previous period."""
    domains = sorted({pack.domain for pack in current_packs().values()})
    previous = period.previous()
    return AssessmentsSection(
        completion=_completion(period, domains, current),
        previous_completion=_completion(previous, domains, earlier),
        override=_override(scope, period),
        previous_override=_override(scope, previous),
    )


# --- membership and participation --------------------------------------------------------------------------


def _quarter_ends(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    ends = []
    year, quarter = first.year, (first.month - 1) // 3 + 1
    while True:
        month = quarter * 3
        end = datetime.date(year, month, 31 if month in (3, 12) else 30)
        if end >= last:
            break
        ends.append(end)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return [*ends, last]


def _institutions_share(part: int, whole: int) -> Figure:
    """A share of institutions: not about people, never suppressed."""
    return Figure(part / whole if whole else None, part, whole)


def membership_section(period: Period, scope: Scope) -> MembershipSection:
    spans: list[tuple[datetime.date, datetime.date | None]] = [
        (since, left)
        for since, left in Institution.objects.filter(member_since__isnull=False).values_list("member_since", "left_on")
        if since is not None
    ]

    def members_on(day: datetime.date) -> int:
        return sum(1 for since, left in spans if since <= day and (left is None or left > day))

    first = min((since for since, _left in spans), default=period.start)
    growth = Table(
        "growth", _("Member institutions at the end of each quarter"),
        (Column("members", _("Member institutions")),),
        tuple(Row(day.isoformat(), day.isoformat(), (Figure.number(members_on(day)),))
              for day in _quarter_ends(min(first, period.start), period.end)),
    )  # fmt: skip

    def participation(p: Period) -> tuple[Figure, list[tuple[str, str, int, int]], int]:
        invitations = invitations_in(scope).filter(
            meeting__status__in=HELD, meeting__starts_at__gte=p.since, meeting__starts_at__lt=p.until
        )
        rows = (
            invitations.values("meeting__code", "meeting__starts_at", "meeting__station__name_ko")
            .annotate(invited=Count("pk"), attended=Count("pk", filter=Q(attended=True)))
            .order_by("meeting__starts_at", "meeting__code")
        )
        meetings = [
            (row["meeting__code"], f"{timezone.localtime(row['meeting__starts_at']):%Y-%m-%d} "
             f"{row['meeting__station__name_ko']}", row["invited"], row["attended"])
            for row in rows
        ]  # fmt: skip
        invited, attended = sum(m[2] for m in meetings), sum(m[3] for m in meetings)
        held = meetings_in(scope).filter(status__in=HELD, starts_at__gte=p.since, starts_at__lt=p.until).count()
        return _institutions_share(attended, invited), meetings, held

    rate, meetings, held = participation(period)
    previous_rate, _meetings, _held = participation(period.previous())
    attended = sum(m[3] for m in meetings)
    per_meeting = Table(
        "per_meeting", _("Participation per working-council meeting"),
        (Column("invited", _("Institutions invited")), Column("attended", _("Institutions present")),
         Column("rate", _("Participation"))),
        tuple(Row(code, label, (Figure.number(invited), Figure.number(present), _institutions_share(present, invited)))
              for code, label, invited, present in meetings),
    )  # fmt: skip
    return MembershipSection(
        members_at_start=Figure.number(members_on(period.start - datetime.timedelta(days=1))),
        members_at_end=Figure.number(members_on(period.end)),
        joined=Figure.number(sum(1 for since, _left in spans if period.start <= since <= period.end)),
        left=Figure.number(sum(1 for _since, left in spans if left is not None and period.start <= left <= period.end)),
        growth=growth,
        meetings=Figure.number(held),
        participation=rate,
        previous_participation=previous_rate,
        attended_per_meeting=Figure.number(attended / len(meetings) if meetings else None),
        per_meeting=per_meeting,
    )


# --- the report --------------------------------------------------------------------------------------------


def compute_report(
    period: Period,
    *,
    scope: Scope = PROVINCE,
    now: datetime.datetime | None = None,
    reviews: Sequence[CaseReview] = (),
) -> Report:
    """Every figure of the semiannual report for `period` and `scope`, as known at `now` (default: now).

    Case reviews are chosen and written by the secretariat elsewhere and passed in as they are."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    facts = list(load_case_facts(cases_in(scope), until=min(now, period.until)).values())
    reports = _period_reports(scope, period), _period_reports(scope, period.previous())
    return Report(
        period=period,
        previous_period=period.previous(),
        scope=scope,
        computed_at=now,
        rates=rates_section(period, scope, *reports),
        repeat=repeat_section(period, facts, now),
        recurrence=recurrence_section(period, facts, now),
        cases=cases_section(period, scope, facts),
        actions=actions_section(period, scope, today),
        causes=causes_section(period, scope, facts, now),
        assessments=assessments_section(period, scope, *reports),
        membership=membership_section(period, scope),
        reviews=ReviewsSection(tuple(reviews)),
    )
