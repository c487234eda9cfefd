"""Every figure of the semiannual report on a small world computed by hand (issue 7, item 5).

The report is for the first half of 2025 (1 January–30 June, 181 days), computed on 15 July 2025; the
previous period is the second half of 2024 (1 July–31 December, 184 days). Everything happens at noon in
Korea, so differences are whole days. All persons are fictional codes; all cases belong to 제주동부경찰서.

Cases (victim; the report that brought it in; referral = first meeting that discussed it, else acceptance):

    A  DV   VA  report 2024-01-20, nominated 01-25, accepted 02-01, meeting 02-10   VA again 2024-05-01 (81 days)
    B  DV   VB  report 2024-02-20, nominated 02-25, accepted 03-01, no meeting     VB again 2025-04-01 (396 days)
                closed 2025-02-01
    C  CA   VC  report 2024-04-01, nominated 04-05, accepted 04-08, meeting 04-15   nothing more
    D  DV   VD  report 2024-05-10, nominated 05-20, accepted 05-25, meeting 06-01   VD2 (merged into VD) 2024-09-01
                closed 2024-12-15                                                (92 days)
    E  CA   VE  report 2025-01-05, nominated 01-10 by the child protection agency, declined 01-12
    F  DV   VF  report 2025-02-10, nominated 02-20, accepted 02-25, meeting 03-01   VF again 2025-04-10 (40 days)
    G  CA   VG  report 2024-09-20, nominated 09-25 by the child protection agency, accepted 09-28,
                meeting 2024-10-05, closed 2024-12-01 (moved away)               VG again 2025-02-01 (not seen)
    H  DV   VH  report 2025-06-18, nominated 06-20, waiting
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from jss.actions.models import Action
from jss.cases.models import Case, CasePerson, Nomination
from jss.council.models import AgendaItem, CauseFinding, Invitation, Meeting
from jss.incidents.models import Incident, Party
from jss.institutions.models import Institution
from jss.people.models import Person
from jss.regions.models import PoliceStation, Region
from jss.reports.figures import TOTAL
from jss.reports.metrics import compute_report
from jss.reports.periods import Period
from jss.reports.scopes import Scope
from jss.reports.suppression import suppress
from jss.risk.models import Assessment
from tests.factories import IDO2, make_institution

KST = ZoneInfo("Asia/Seoul")
DAEJEONG = "5013025000"  # 대정읍, 서귀포경찰서
PERIOD = Period.half_year(2025, 1)
NOW = datetime.datetime(2025, 7, 15, 12, tzinfo=KST)
DV, CA, STALKING = Incident.Domain.DOMESTIC_VIOLENCE, Incident.Domain.CHILD_ABUSE, Incident.Domain.STALKING


def at(day: str, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=KST)


class World:
    def __init__(self, officer, station: Institution, child_protection: Institution, wee: Institution) -> None:
        self.user, self.station, self.child_protection, self.wee = officer, station, child_protection, wee
        self.persons: dict[str, Person] = {}
        self.cases: dict[str, Case] = {}

    def person(self, code: str) -> Person:
        if code not in self.persons:
            self.persons[code] = Person.objects.create(region=Region.objects.get(code=IDO2))
        return self.persons[code]

    def report(
        self, day: str, victim: str, domain: str = DV, *, region: str | None = IDO2, source: str = "112"
    ) -> Incident:
        institution = self.station if source == "112" else self.child_protection
        incident = Incident.objects.create(
            domain=domain, occurred_at=at(day), reported_at=at(day), source=source, reporting_institution=institution,
            region=Region.objects.get(code=region) if region else None,
        )  # fmt: skip
        Party.objects.create(incident=incident, person=self.person(victim), role=Party.Role.VICTIM)
        return incident

    def case(self, name: str, victim: str, incident: Incident, nominated: str, *, by: Institution | None = None,
             status: str = Case.Status.PLAN_ACTIVE, decided: str | None = None, accepted: bool = True) -> Case:  # fmt: skip
        case = Case.objects.create(
            station=PoliceStation.objects.get(code="jeju-dongbu"), lead_institution=self.station,
            created_by=self.user, status=status,
        )  # fmt: skip
        case.incidents.add(incident)
        CasePerson.objects.create(case=case, person=self.person(victim), role=CasePerson.Role.VICTIM)
        nomination = Nomination.objects.create(
            case=case, institution=by or self.station, nominated_by=self.user, reasons=["repeat"],
            status=Nomination.Status.PENDING if decided is None else
            Nomination.Status.ACCEPTED if accepted else Nomination.Status.DECLINED,
            decided_at=at(decided) if decided else None,
        )  # fmt: skip
        Nomination.objects.filter(pk=nomination.pk).update(created_at=at(nominated))
        self.cases[name] = case
        return case

    def meeting(self, day: str, items: dict[str, list[str]], attended: dict[Institution, bool]) -> Meeting:
        meeting = Meeting.objects.create(
            station=PoliceStation.objects.get(code="jeju-dongbu"), starts_at=at(day), chair=self.user,
            status=Meeting.Status.APPROVED, created_by=self.user,
        )  # fmt: skip
        for position, (name, causes) in enumerate(items.items()):
            item = AgendaItem.objects.create(
                meeting=meeting, case=self.cases[name], position=position, decision=AgendaItem.Decision.DISCUSSED
            )
            for factor in causes:
                CauseFinding.objects.create(item=item, factor=factor)
        for institution, present in attended.items():
            Invitation.objects.create(meeting=meeting, institution=institution, attended=present)
        return meeting

    def action(self, case: str, institution: Institution, created: str, due: str, status: str = Action.Status.OPEN,
               completed: str | None = None) -> Action:  # fmt: skip
        action = Action.objects.create(
            case=self.cases[case], institution=institution, description="조치", due_on=datetime.date.fromisoformat(due),
            status=status, completed_at=at(completed) if completed else None, created_by=self.user,
        )  # fmt: skip
        Action.objects.filter(pk=action.pk).update(created_at=at(created))
        return action

    def assessment(self, victim: str, completed: str, *, override: str = "", status: str = "complete") -> None:
        Assessment.objects.create(
            person=self.person(victim), pack_id="jss-dv-indicators", pack_version=1, domain=DV, status=status,
            band="caution", override_band=override, assessor=self.user, institution=self.station,
            completed_at=at(completed) if status == "complete" else None,
        )  # fmt: skip


@pytest.fixture
def world(officer, dongbu_station, child_protection, wee_centre) -> World:
    w = World(officer, dongbu_station, child_protection, wee_centre)
    present = {dongbu_station: True, child_protection: True}
    a = w.case("A", "VA", w.report("2024-01-20", "VA"), "2024-01-25", decided="2024-02-01")
    w.report("2024-05-01", "VA")
    w.meeting("2024-02-10", {"A": ["alcohol"]}, present)
    w.case("B", "VB", w.report("2024-02-20", "VB"), "2024-02-25", decided="2024-03-01", status=Case.Status.CLOSED)
    Case.objects.filter(pk=w.cases["B"].pk).update(closed_at=at("2025-02-01"), outcome="no_repeat")
    w.report("2025-04-01", "VB")
    w.case("C", "VC", w.report("2024-04-01", "VC", CA, source="child_protection"), "2024-04-05", decided="2024-04-08",
           status=Case.Status.MONITORING)  # fmt: skip
    w.meeting("2024-04-15", {"C": ["isolation"]}, present)
    w.case("D", "VD", w.report("2024-05-10", "VD"), "2024-05-20", decided="2024-05-25", status=Case.Status.CLOSED)
    Case.objects.filter(pk=w.cases["D"].pk).update(closed_at=at("2024-12-15"), outcome="risk_reduced")
    w.meeting("2024-06-01", {"D": ["alcohol"]}, present)
    w.report("2024-09-01", "VD2")
    Person.objects.filter(pk=w.persons["VD2"].pk).update(merged_into=w.persons["VD"])
    w.case("E", "VE", w.report("2025-01-05", "VE", CA, source="child_protection"), "2025-01-10",
           by=child_protection, decided="2025-01-12", accepted=False, status=Case.Status.DECLINED)  # fmt: skip
    w.case("F", "VF", w.report("2025-02-10", "VF"), "2025-02-20", decided="2025-02-25")
    w.report("2025-04-10", "VF")
    w.case("G", "VG", w.report("2024-09-20", "VG", CA, source="child_protection"), "2024-09-25", by=child_protection,
           decided="2024-09-28", status=Case.Status.CLOSED)  # fmt: skip
    Case.objects.filter(pk=w.cases["G"].pk).update(closed_at=at("2024-12-01"), outcome="moved_away")
    w.meeting("2024-10-05", {"G": ["alcohol"]}, present)
    w.report("2025-02-01", "VG", CA, source="child_protection")
    w.case("H", "VH", w.report("2025-06-18", "VH"), "2025-06-20", status=Case.Status.NOMINATED)
    w.meeting("2025-03-01", {"F": ["alcohol", "economic_hardship"], "A": ["alcohol"]},
              {dongbu_station: True, child_protection: True, wee_centre: False})  # fmt: skip
    Meeting.objects.create(station=a.station, starts_at=at("2025-07-20"), chair=officer, created_by=officer)
    w.report("2025-05-05", "VS", STALKING, region=DAEJEONG)
    w.report("2025-03-03", "VU", region=None)
    # Support actions
    w.action("A", dongbu_station, "2025-01-05", "2025-02-01", Action.Status.DONE, "2025-01-30")  # a1 on time
    w.action("F", child_protection, "2025-03-01", "2025-04-01", Action.Status.DONE, "2025-04-05")  # a2 late
    w.action("F", child_protection, "2025-03-01", "2025-05-01")  # a3 open, overdue
    w.action("C", dongbu_station, "2024-12-01", "2025-01-15", Action.Status.CANCELLED)  # a4 cancelled
    w.action("A", dongbu_station, "2025-06-01", "2025-07-30")  # a5 not due yet
    w.action("C", child_protection, "2024-11-01", "2024-12-01", Action.Status.DONE, "2025-01-20")  # a6 late
    # Risk identification
    w.assessment("VF", "2025-02-12")  # 2 days after F's report of 2025-02-10
    w.assessment("VB", "2025-04-03", override="severe")  # 2 days after B's report of 2025-04-01
    w.assessment("VH", "2025-06-19", status="draft")  # not completed
    # Membership: one joins in the period, one leaves
    make_institution("new-member", "새 회원기관", member_since=datetime.date(2025, 3, 15))
    leaving = make_institution("leaving-member", "탈퇴 기관")
    Institution.objects.filter(pk=leaving.pk).update(status="left", left_on=datetime.date(2025, 5, 1))
    return w


@pytest.fixture
def report(world):
    return compute_report(PERIOD, now=NOW)


def test_reports_per_100000_by_kind_city_and_unit_annualised(report):
    rates = report.rates
    # Reports in the period: B 04-01, E 01-05, F 02-10, F 04-10, G 02-01, H 06-18, stalking in 대정읍 05-05,
    # DV with no place 03-03 = 8 reports of 7 victims (VF twice). Population 700,708 (the 43 units).
    assert rates.population.value == 700_708
    assert (rates.reports.value, rates.reports.people) == (8, 7)
    # 8 / 700,708 × 100,000 × 365.25 / 181 = 2.3039 a year
    assert rates.rate.value == pytest.approx(2.3039, abs=1e-4)
    # before: VD2 2024-09-01 and G 2024-09-20 → 2 / 700,708 × 100,000 × 365.25 / 184 = 0.5666
    assert rates.previous_rate.value == pytest.approx(0.5666, abs=1e-4)
    by_domain = rates.by_domain
    # DV: B, F, F, H and the unplaced one = 5 reports of 4 victims; all 112 → 1.4399 a year
    assert (by_domain.cell(DV, "reports").value, by_domain.cell(DV, "reports").people) == (5, 4)
    assert by_domain.cell(DV, "rate").value == pytest.approx(1.4399, abs=1e-4)
    assert by_domain.cell(DV, "reports_112").value == 5
    assert by_domain.cell(DV, "national_112").value == 461
    assert by_domain.cell(DV, "previous_reports").value == 1
    # child abuse: E and G, both from the child protection agency: 2 reports, none by 112
    assert (by_domain.cell(CA, "reports").value, by_domain.cell(CA, "reports_112").value) == (2, 0)
    assert by_domain.cell(STALKING, "rate").value == pytest.approx(0.2880, abs=1e-4)  # 1 / 700,708 × …
    assert by_domain.cell(Incident.Domain.ELDER_ABUSE, "reports").value == 0
    assert by_domain.cell(Incident.Domain.ELDER_ABUSE, "national_112").value is None
    # 이도2동 (48,700): the 6 placed reports in 제주시 → 6 / 48,700 × 100,000 × 365.25 / 181 = 24.8619
    assert rates.by_unit.cell(IDO2, "reports").value == 6
    assert rates.by_unit.cell(IDO2, "rate").value == pytest.approx(24.8619, abs=1e-4)
    assert rates.by_unit.cell(DAEJEONG, "rate").value == pytest.approx(8.4081, abs=1e-4)  # 1 / 24,000 × …
    assert rates.by_unit.cell("unknown", "reports").value == 1
    assert rates.by_unit.cell("unknown", "rate").value is None
    # 제주시 508,096: 6 → 2.3830; 서귀포시 192,612: 1 → 1.0477
    assert rates.by_city.cell("5011000000", "rate").value == pytest.approx(2.3830, abs=1e-4)
    assert rates.by_city.cell("5013000000", "rate").value == pytest.approx(1.0477, abs=1e-4)
    assert rates.by_city.cell(TOTAL, "reports").value == 8


def test_repeat_rate_after_referral(report):
    repeat = report.repeat
    # Referrals whose 12 months ended in the period: referred 2024-01-02 … 2024-06-30 (365 days earlier):
    # A (02-10), B (03-01), C (04-15), D (06-01). Repeats within 12 months: A (81 days), D (92 days, through
    # the merged record); B's new report came after 396 days. 2 / 4 = 50%.
    assert repeat.cohort == Period(datetime.date(2024, 1, 2), datetime.date(2024, 6, 30))
    assert (repeat.rate.numerator, repeat.rate.denominator, repeat.rate.value) == (2, 4, 0.5)
    assert repeat.benchmark.value == 0.31
    # previous: referred 2023-07-02 … 2024-01-01 (its 12 months ended in the second half of 2024): none → no data
    assert repeat.previous_rate.value is None
    assert repeat.by_domain.cell(DV, "rate").value == pytest.approx(2 / 3)  # A, B, D: A and D repeated
    assert repeat.by_domain.cell(CA, "rate").value == 0.0  # C
    assert repeat.referred.value == 1  # F (03-01)
    # 12 months not over on 2025-07-15: referred after 2024-07-15: G (2024-10-05), F (2025-03-01)
    assert repeat.follow_up_pending.value == 2


def test_recurrence_kaplan_meier(report):
    recurrence = report.recurrence
    # Followed: referred 2023-07-02 … 2025-06-30 and up to 2025-07-01 00:00: A, B, C, D, F, G (E declined, H waiting)
    # F repeat at 40 days; G censored at its closure (moved away) after 57 days; A repeat at 81; D at 92;
    # B at 396; C censored at 441.5 (2024-04-15 12:00 → 2025-07-01 00:00).
    # S: after 40: 5/6 = 0.8333; after 81: × 3/4 = 0.6250; after 92: × 2/3 = 0.4167; after 396: × 1/2 = 0.2083
    assert recurrence.cohort == Period(datetime.date(2023, 7, 2), datetime.date(2025, 6, 30))
    every = recurrence.curves[0]
    assert every.key == "all"
    assert every.cases.value == 6
    assert [(round(p.days, 1), round(p.survival, 4), p.at_risk) for p in every.points] == [
        (40.0, 0.8333, 6), (81.0, 0.625, 4), (92.0, 0.4167, 3), (396.0, 0.2083, 2),
    ]  # fmt: skip
    table = recurrence.table
    assert table.cell("all", "month_3").value == pytest.approx(0.375)  # 1 − 0.625 at 91 days
    assert table.cell("all", "month_6").value == pytest.approx(0.5833, abs=1e-4)  # 1 − 0.4167 at 182 days
    assert table.cell("all", "month_12").value == pytest.approx(0.5833, abs=1e-4)
    # DV: F 40, A 81, D 92, B 396 — all repeat: 3/4, 2/4, 1/4 at 40, 81, 92 → 1 − 0.25 = 0.75 by 6 months
    assert table.cell(DV, "month_6").value == pytest.approx(0.75)
    # child abuse: G censored at 57, C at 441.5: no repeat seen
    assert table.cell(CA, "month_12").value == 0.0
    assert {curve.key for curve in recurrence.curves} == {"all", DV, CA}


def test_cases_nominations_and_timings(report):
    flow = report.cases.flow
    # handled: accepted before 2025-07-01 and not closed before 2025-01-01: A, B (closed 02-01), C, F
    assert flow.cell("handled", "period").value == 4
    assert flow.cell("nominated", "period").value == 3  # E, F, H
    assert flow.cell("accepted", "period").value == 1  # F
    assert flow.cell("declined", "period").value == 1  # E
    assert flow.cell("discussed", "period").value == 2  # A and F at 2025-03-01
    assert flow.cell("closed", "period").value == 1  # B
    assert flow.cell("reopened", "period").value == 0
    # previous period (2024-07-01 … 12-31): nominated G; accepted G; discussed G; closed D and G
    assert [flow.cell(key, "previous").value for key in ("nominated", "accepted", "discussed", "closed")] == [
        1,
        1,
        1,
        2,
    ]
    nominations = report.cases.nominations
    # E by the child protection agency, F and H by the station: non-police 1 / 3
    assert nominations.cell("police_station", "nominations").value == 2
    assert nominations.cell("child_protection", "share").value == pytest.approx(1 / 3)
    assert report.cases.non_police_share.value == pytest.approx(1 / 3)
    assert report.cases.previous_non_police_share.value == 1.0  # G by the child protection agency
    assert report.cases.benchmark_non_police_share.value == 0.361
    timings = report.cases.timings
    # report → nomination: E 5, F 10, H 2 days → ordered 2, 5, 10: median 5, quartiles 3.5 and 7.5
    assert [
        timings.cell("report_to_nomination", c).value for c in ("cases", "median", "lower_quartile", "upper_quartile")
    ] == [3, 5, 3.5, 7.5]
    # nomination → first meeting: F only (02-20 → 03-01 = 9 days); report → meeting: 10 + 9 = 19
    assert timings.cell("nomination_to_meeting", "median").value == 9
    assert timings.cell("report_to_meeting", "median").value == 19


def test_support_actions(report, world):
    actions = report.actions
    # agreed in the period: a1, a2, a3, a5 (cases A and F); due in the period and before 07-15, not cancelled:
    # a1, a2, a3; on time: a1 → 1 / 3; overdue on 2025-06-30: a3 (due 05-01, open)
    assert (actions.agreed.value, actions.agreed.people) == (4, 2)
    assert (actions.on_time.numerator, actions.on_time.denominator) == (1, 3)
    assert actions.overdue.value == 1
    by_institution = actions.by_institution
    station, child = str(world.station.pk), str(world.child_protection.pk)
    assert [by_institution.cell(station, c).value for c in ("agreed", "due", "on_time", "overdue")] == [2, 1, 1, 0]
    assert [by_institution.cell(child, c).value for c in ("agreed", "due", "on_time", "overdue")] == [2, 2, 0, 1]
    assert by_institution.cell(child, "on_time_rate").value == 0.0
    # previous: agreed a4 (2024-12-01) and a6 (2024-11-01); due a6 (12-01), done 2025-01-20: late → 0 / 1;
    # overdue on 2024-12-31: a6 (done only in January)
    assert actions.previous_agreed.value == 2
    assert (actions.previous_on_time.numerator, actions.previous_on_time.denominator) == (0, 1)
    # none of the actions names a directory service
    assert actions.by_service_type.cell("none", "actions").value == 4


def test_causes_and_repeats_by_cause(report):
    causes = report.causes
    # meeting of 2025-03-01: F alcohol + economic hardship, A alcohol → 2 cases with a cause
    assert causes.cases.value == 2
    table = causes.by_factor
    assert table.cell("alcohol", "cases").value == 2
    assert table.cell("alcohol", "share").value == 1.0
    assert table.cell("economic_hardship", "share").value == 0.5
    # previous: G alcohol (2024-10-05) → alcohol 1 / 1; economic hardship 0 / 1 → change +0.5, alcohol 0
    assert table.cell("alcohol", "previous_share").value == 1.0
    assert table.cell("economic_hardship", "change").value == 0.5
    assert table.cell("alcohol", "change").value == 0.0
    # repeat cohort A, B, C, D: alcohol found for A and D (both repeated) → 2 / 2; isolation for C → 0 / 1
    assert (table.cell("alcohol", "followed").value, table.cell("alcohol", "repeat_rate").value) == (2, 1.0)
    assert table.cell("isolation", "repeat_rate").value == 0.0


def test_assessment_completion_and_override(report):
    assessments = report.assessments
    # reports of kinds with an instrument (DV, child abuse, elder, disability) in the period: B, E, F, F, G, H and
    # the unplaced DV = 7; assessed within 14 days: B (04-03), F of 02-10 (02-12) → 2 / 7
    assert (assessments.completion.numerator, assessments.completion.denominator) == (2, 7)
    # completed in the period: VF's and VB's; VB's band set by the professional → 1 / 2 (the draft is not counted)
    assert (assessments.override.numerator, assessments.override.denominator) == (1, 2)
    assert assessments.previous_override.value is None


def test_membership_and_participation(report):
    membership = report.membership
    # station, child protection agency, Wee centre and the leaving one since 2023-02-22; new one from 2025-03-15
    assert membership.members_at_start.value == 4
    assert membership.members_at_end.value == 4  # + new − leaving
    assert (membership.joined.value, membership.left.value) == (1, 1)
    assert membership.growth.rows[0].key == "2023-03-31"
    assert membership.growth.rows[-1].key == "2025-06-30"
    # meeting of 2025-03-01: 3 invited, 2 present
    assert membership.meetings.value == 1
    assert (membership.participation.numerator, membership.participation.denominator) == (2, 3)
    assert membership.previous_participation.value == 1.0  # 2024-10-05: 2 of 2
    assert membership.attended_per_meeting.value == 2


def test_a_station_and_an_institution_see_their_part(world):
    station = compute_report(PERIOD, scope=Scope(station=PoliceStation.objects.get(code="jeju-dongbu")), now=NOW)
    # the stalking report is in 대정읍 (서귀포), the unplaced one in no area: 6 remain
    assert station.rates.reports.value == 6
    dongbu = PoliceStation.objects.get(code="jeju-dongbu").jurisdiction.aggregate(total=Sum("population"))["total"]
    assert station.rates.population.value == dongbu
    assert station.repeat.rate.denominator == 4
    institution = compute_report(PERIOD, scope=Scope(institution=world.child_protection), now=NOW)
    # its cases: E and G (nominated by it); its actions: a2, a3 agreed in the period
    assert institution.rates.rate.value is None  # an institution has no population
    assert institution.rates.reports.value == 2  # E and G's report of 2025-02-01, recorded by it
    assert institution.actions.agreed.value == 2
    assert institution.cases.flow.cell("nominated", "period").value == 1  # E
    assert (institution.membership.participation.numerator, institution.membership.participation.denominator) == (1, 1)


def test_an_empty_period_is_no_data_not_a_division_by_zero(world):
    report = compute_report(Period(datetime.date(2020, 1, 1), datetime.date(2020, 6, 30)), now=NOW)
    assert report.rates.rate.value == 0.0  # no reports in a known population
    assert report.repeat.rate.no_data
    assert report.actions.on_time.no_data
    assert report.assessments.completion.no_data
    assert report.membership.participation.no_data
    assert report.recurrence.table.cell("all", "month_3").no_data
    assert report.cases.timings.cell("report_to_nomination", "median").no_data


def test_the_suppressed_report_hides_small_cells(report):
    hidden = suppress(report)
    assert hidden.small_cells_hidden
    assert hidden.repeat.rate.display() == "<5"  # 2 cases repeated
    assert hidden.rates.by_unit.cell(IDO2, "reports").display() == "6"  # 5 victims: shown
    assert hidden.rates.by_domain.cell(STALKING, "reports").display() == "<5"
    assert hidden.rates.by_domain.cell(Incident.Domain.ELDER_ABUSE, "reports").display() == "0"
    # 6 cases followed, fewer than 5 still followed from the second step on: the curve ends after the first
    assert [point.days for point in hidden.recurrence.curves[0].points] == [40.0]
    assert hidden.recurrence.curves[0].truncated
    assert report.repeat.rate.value == 0.5  # the original is untouched
