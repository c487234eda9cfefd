"""Demo council activity: at a small scale, the right shape — nominations by police and protection institutions,
every accepted case shared on a basis, meetings with invitations and approved minutes, actions late and
overdue, cases closed and one reopened through intake, the next meetings scheduled — and nothing added twice.

One year of incidents at a tenth of Jeju's rates, and councils at a third of Jeju's 90 cases a year (about 30).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jss.actions.models import Action, ActionUpdate
from jss.audit.models import AccessEvent
from jss.cases.bases import legal_bases
from jss.cases.models import Case, CaseEvent, ContactLog, Nomination, Share
from jss.council.models import AgendaItem, CauseFinding, Invitation, Meeting
from jss.demo.assessments import generate_assessments
from jss.demo.council import council_summary, generate_council
from jss.demo.incidents import plan_incidents, save_plan
from jss.demo.services import generate_network
from jss.incidents.models import Incident


def fixed_password(username: str) -> str:
    return f"demo-{username}-pw"


@pytest.fixture
def demo_incidents(jeju):
    generate_network(seed=1, scale=1, password_for=fixed_password)
    save_plan(plan_incidents(seed=7, end=timezone.localdate(), years=1, scale=0.1))
    generate_assessments(seed=7)


@pytest.fixture
def council(demo_incidents):
    return generate_council(seed=7, years=1, scale=0.33)


def test_cases_come_from_police_and_protection_institutions_and_are_decided(council):
    cases = Case.objects.all()
    assert 20 <= council.cases <= 45, council  # about 30 a year at this scale
    assert cases.count() >= council.cases  # and the nominations made through the service now
    nominations = Nomination.objects.all()
    outside = nominations.filter(institution__station__isnull=True).count()
    assert 0.15 <= outside / nominations.count() <= 0.5, (
        "about a third by protection institutions",
        outside,
        nominations.count(),
    )
    assert all(nomination.reasons for nomination in nominations)
    declined = cases.filter(status=Case.Status.DECLINED)
    assert 1 <= declined.count() <= 0.35 * council.cases
    assert all(case.declined_reason for case in declined)
    assert cases.filter(status=Case.Status.NOMINATED).exists(), "a nomination waits for a coordinator"
    now = timezone.now()
    decided = nominations.exclude(status=Nomination.Status.PENDING)
    assert all(n.decided_at is not None and n.created_at < n.decided_at < now for n in decided)
    assert cases.filter(created_at__lt=now - datetime.timedelta(days=200)).exists(), "dates are in the past"


def test_every_accepted_case_is_shared_on_a_basis(council):
    accepted = Case.objects.exclude(status__in=[Case.Status.NOMINATED, Case.Status.DECLINED])
    codes = set(legal_bases())
    for case in accepted:
        shares = list(case.shares.all())
        assert 2 <= len(shares) <= 5, case
        for share in shares:
            assert (share.basis == Share.Basis.STATUTE and share.statute in codes) or (
                share.basis == Share.Basis.CONSENT and share.consent_given_on and share.consent_given_by
            )
        lead_shares = [s for s in shares if s.institution_id == case.lead_institution_id]
        assert case.lead_institution.station_id == case.station_id or lead_shares[0].scope == Share.Scope.FULL
    assert {Share.Basis.STATUTE, Share.Basis.CONSENT} <= set(Share.objects.values_list("basis", flat=True))


def test_past_meetings_have_invitations_findings_and_approved_minutes(council):
    now = timezone.now()
    past = Meeting.objects.filter(starts_at__lt=now)
    assert past.count() >= 6  # monthly-ish for the stations with cases
    for meeting in past:
        assert meeting.status == Meeting.Status.APPROVED
        assert meeting.approved_at is not None
        assert meeting.starts_at < meeting.approved_at <= now
        assert meeting.minutes.startswith(meeting.station.name_ko)
        invitations = meeting.invitations.count()
        assert 6 <= invitations <= 13
        assert meeting.invitations.filter(attended=True).count() >= invitations // 2
    assert not AgendaItem.objects.filter(meeting__in=past, decision="").exists()
    assert CauseFinding.objects.exists()
    assert Invitation.objects.filter(attended=False).exists()
    upcoming = Meeting.objects.filter(status=Meeting.Status.SCHEDULED)
    assert upcoming.count() == 3, "one per station"
    for meeting in upcoming:
        assert now < meeting.starts_at < now + datetime.timedelta(days=15)
        assert meeting.invitations.exists()
    assert AgendaItem.objects.filter(meeting__in=upcoming).exists()


def test_actions_are_mostly_done_some_late_and_some_overdue(council):
    actions = Action.objects.all()
    cases = Case.objects.exclude(status__in=[Case.Status.NOMINATED, Case.Status.DECLINED]).count()
    assert 2 * cases <= actions.count() <= 5 * cases
    done = actions.filter(status=Action.Status.DONE)
    assert done.count() > 0.6 * actions.count()
    assert all(a.completed_at is not None and a.completed_at <= timezone.now() for a in done)
    late = [a for a in done if timezone.localdate(a.completed_at) > a.due_on]
    assert 0.05 * done.count() <= len(late) <= 0.3 * done.count()
    overdue = actions.filter(
        status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS], due_on__lt=timezone.localdate()
    )
    assert overdue.exists()
    # Done needs evidence, as the service asks.
    done_updates = ActionUpdate.objects.filter(status_to=Action.Status.DONE)
    assert done_updates.count() == done.count()
    assert all(update.evidence for update in done_updates)


def test_cases_are_monitored_closed_and_one_is_reopened_by_a_new_report(council):
    closed = Case.objects.filter(status=Case.Status.CLOSED)
    assert closed.exists()
    assert all(case.outcome and case.closing_note and case.closed_at for case in closed)
    assert ContactLog.objects.exists()
    reopened = Case.objects.filter(reopened_at__isnull=False)
    assert reopened.count() >= 1
    case = reopened.first()
    assert case is not None
    assert case.status in (Case.Status.ACCEPTED, Case.Status.IN_COUNCIL)  # back on the council's agenda
    assert case.closed_at is not None
    assert case.incidents.filter(reported_at__gt=case.closed_at, source_reference__startswith="DEMO-7-R").exists()
    assert CaseEvent.objects.filter(case=case, kind="reopen").exists()
    assert Incident.objects.filter(source_reference__startswith="DEMO-7-R").count() >= 1


def test_generating_again_adds_nothing(council):
    counts = (Case.objects.count(), Meeting.objects.count(), Action.objects.count(), AccessEvent.objects.count())
    again = generate_council(seed=7, years=1, scale=0.33)
    assert again.already_present
    assert (
        Case.objects.count(),
        Meeting.objects.count(),
        Action.objects.count(),
        AccessEvent.objects.count(),
    ) == counts
    assert AccessEvent.objects.filter(verb="demo.generate_council").count() == 1
    assert "reopened" in council_summary()
