"""A small world for the dashboards: cases of the 동부 station, some nominated or shared with the child
protection agency, support actions (one overdue), a meeting next week and reports in the last months. Rows
are made directly (the services are tested in their apps); `grow` adds as much again, for the query counts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jss.actions.models import Action
from jss.cases.models import Case, CasePerson, Nomination, Share
from jss.council.models import Invitation, Meeting
from jss.dashboards.queries import _drawn_curves, _read_kept
from jss.incidents.models import Incident, Party
from jss.institutions.models import Institution
from jss.people.models import Person
from jss.regions.models import PoliceStation, Region
from tests.factories import IDO2


class World:
    def __init__(self, officer, station: Institution, child_protection: Institution) -> None:
        self.officer, self.station, self.child_protection = officer, station, child_protection
        self.police_station = PoliceStation.objects.get(code="jeju-dongbu")
        self.region = Region.objects.get(code=IDO2)

    def report(self, days_ago: int) -> Incident:
        moment = timezone.now() - datetime.timedelta(days=days_ago)
        incident = Incident.objects.create(
            domain=Incident.Domain.DOMESTIC_VIOLENCE, occurred_at=moment, reported_at=moment, source="112",
            reporting_institution=self.station, region=self.region,
        )  # fmt: skip
        Party.objects.create(incident=incident, person=Person.objects.create(region=self.region), role="victim")
        return incident

    def case(self, *, nominated_by: Institution, status: str, shared: bool) -> Case:
        incident = self.report(30)
        case = Case.objects.create(
            station=self.police_station, lead_institution=self.station, created_by=self.officer, status=status
        )
        case.incidents.add(incident)
        CasePerson.objects.create(case=case, person=incident.parties.get().person, role=CasePerson.Role.VICTIM)
        Nomination.objects.create(
            case=case, institution=nominated_by, nominated_by=self.officer, reasons=["repeat"],
            status=Nomination.Status.PENDING if status == Case.Status.NOMINATED else Nomination.Status.ACCEPTED,
        )  # fmt: skip
        if shared:
            Share.objects.create(
                case=case, institution=self.child_protection, basis=Share.Basis.STATUTE, statute="child-welfare-act",
                scope=Share.Scope.FULL, granted_by=self.officer,
            )  # fmt: skip
        return case

    def action(self, case: Case, *, due_in: int, status: str = Action.Status.OPEN) -> Action:
        return Action.objects.create(
            case=case, institution=self.child_protection, description="상담 연계", status=status,
            due_on=timezone.localdate() + datetime.timedelta(days=due_in), created_by=self.officer,
        )  # fmt: skip

    def meeting(self, *, in_days: int) -> Meeting:
        meeting = Meeting.objects.create(
            station=self.police_station, starts_at=timezone.now() + datetime.timedelta(days=in_days),
            chair=self.officer, created_by=self.officer,
        )  # fmt: skip
        Invitation.objects.create(meeting=meeting, institution=self.child_protection)
        return meeting

    def grow(self) -> None:
        """One more of everything: a shared case with an overdue and a done action, a waiting nomination,
        a meeting, a report."""
        shared = self.case(nominated_by=self.child_protection, status=Case.Status.PLAN_ACTIVE, shared=True)
        self.action(shared, due_in=-3)
        self.action(shared, due_in=-10, status=Action.Status.DONE)
        self.case(nominated_by=self.station, status=Case.Status.NOMINATED, shared=False)
        self.meeting(in_days=7)
        self.report(70)


@pytest.fixture(autouse=True)
def _forget_read_reports() -> None:
    """Each test starts without the reports a web process keeps once read (jss.dashboards.queries)."""
    _read_kept.cache_clear()
    _drawn_curves.clear()


@pytest.fixture
def world(officer, social_worker, head, secretariat, dongbu_station, child_protection) -> World:
    built = World(officer, dongbu_station, child_protection)
    built.grow()
    return built
