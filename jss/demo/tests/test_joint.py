"""Demo joint council: on one year of small demo data, regular meetings in mid-January and mid-July with the
members of the time invited and approved minutes, decisions with owners and follow-ups (one overdue), the next
meeting scheduled with every unfinished decision on its agenda, anonymised case reviews chosen for the last
complete half-year — and nothing added twice.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jss.audit.models import AccessEvent
from jss.demo.assessments import generate_assessments
from jss.demo.council import generate_council
from jss.demo.incidents import plan_incidents, save_plan
from jss.demo.joint import generate_joint, joint_summary
from jss.demo.services import generate_network
from jss.joint.models import JointAgendaItem, JointMeeting, PolicyDecision, PolicyUpdate
from jss.reports.models import CaseReview
from jss.reports.periods import Period
from jss.reports.queries import chosen_reviews
from jss.reports.scopes import PROVINCE
from jss.reports.services import identifying_detail

UNFINISHED = (PolicyDecision.Status.OPEN, PolicyDecision.Status.IN_PROGRESS)


def fixed_password(username: str) -> str:
    return f"demo-{username}-pw"


@pytest.fixture
def joint(jeju):
    generate_network(seed=1, scale=1, password_for=fixed_password)
    save_plan(plan_incidents(seed=7, end=timezone.localdate(), years=1, scale=0.1))
    generate_assessments(seed=7)
    generate_council(seed=7, years=1, scale=0.33)
    return generate_joint(seed=7, years=2)


def test_regular_meetings_twice_a_year_with_the_members_of_the_time(joint):
    now = timezone.now()
    held = JointMeeting.objects.filter(starts_at__lt=now)
    regular = held.filter(kind=JointMeeting.Kind.REGULAR)
    assert 3 <= regular.count() <= 5  # two years: January and July of each
    halves = [(timezone.localtime(m.starts_at).year, timezone.localtime(m.starts_at).month) for m in regular]
    assert len(set(halves)) == len(halves)
    for meeting in regular:
        local = timezone.localtime(meeting.starts_at)
        assert local.month in (1, 7)
        assert 13 <= local.day <= 20
        assert local.weekday() < 5
        assert local.hour >= 14
        assert meeting.items.filter(kind=JointAgendaItem.Kind.REPORT, period_start__isnull=False).count() == 1
        assert meeting.items.filter(kind=JointAgendaItem.Kind.CASE_REVIEW).exists()
    assert held.filter(kind=JointMeeting.Kind.EXTRAORDINARY).count() == 1
    for meeting in held:
        assert meeting.status == JointMeeting.Status.APPROVED
        assert meeting.approved_at is not None
        assert meeting.starts_at < meeting.approved_at <= now
        assert meeting.minutes
        assert not meeting.items.filter(outcome="").exists()
        day = timezone.localtime(meeting.starts_at).date()
        invited = set(meeting.invitations.values_list("institution__member_since", flat=True))
        assert all(since is not None and since <= day for since in invited)
        attended = meeting.invitations.filter(attended=True).count()
        assert 0.7 * meeting.invitations.count() <= attended < meeting.invitations.count()
        assert meeting.place.startswith("제주경찰청")
    first, last = regular.order_by("starts_at").first(), regular.order_by("starts_at").last()
    assert first is not None
    assert last is not None
    assert first.invitations.count() <= last.invitations.count()  # the council grows


def test_decisions_have_owners_due_dates_sections_and_follow_ups(joint):
    decisions = PolicyDecision.objects.all()
    meetings = JointMeeting.objects.filter(starts_at__lt=timezone.now()).count()
    assert 2 * meetings <= decisions.count() <= 4 * meetings
    for decision in decisions.prefetch_related("owners"):
        assert 1 <= len(decision.owners.all()) <= 3
        decided = timezone.localtime(decision.meeting.starts_at).date()
        assert decided + datetime.timedelta(days=59) <= decision.due_on <= decided + datetime.timedelta(days=271)
        assert decision.section
        assert decision.agenda_item is not None
        assert decision.agenda_item.meeting_id == decision.meeting_id
        assert decision.agenda_item.outcome == JointAgendaItem.Outcome.DECIDED
        if decision.meeting.kind == JointMeeting.Kind.REGULAR:
            assert decision.period_start is not None
            assert decision.period_end is not None
        if decision.is_finished:
            assert decision.completed_at is not None
            assert decision.updates.filter(status_to=decision.status).exclude(text="").exists()
    statuses = set(decisions.values_list("status", flat=True))
    assert {PolicyDecision.Status.DONE, PolicyDecision.Status.IN_PROGRESS} <= statuses
    assert PolicyUpdate.objects.filter(author__username="secretariat").exists()
    overdue = decisions.filter(status__in=UNFINISHED, due_on__lt=timezone.localdate())
    assert overdue.exists(), "the register and the home pages show an overdue decision"


def test_unfinished_decisions_are_carried_to_every_later_meeting(joint):
    for decision in PolicyDecision.objects.all():
        later = JointMeeting.objects.filter(starts_at__gt=decision.meeting.starts_at)
        if decision.completed_at is not None:
            later = later.filter(starts_at__lt=decision.completed_at)
        carried = set(JointAgendaItem.objects.filter(decision=decision).values_list("meeting", flat=True))
        assert set(later.values_list("pk", flat=True)) <= carried, decision


def test_the_next_meeting_is_scheduled_with_every_unfinished_decision(joint):
    upcoming = JointMeeting.objects.get(status=JointMeeting.Status.SCHEDULED)
    local = timezone.localtime(upcoming.starts_at)
    assert upcoming.starts_at > timezone.now()
    assert local.month in (1, 7)
    assert upcoming.starts_at < timezone.now() + datetime.timedelta(days=200)
    unfinished = set(PolicyDecision.objects.filter(status__in=UNFINISHED).values_list("pk", flat=True))
    assert unfinished
    carried = set(upcoming.items.filter(decision__isnull=False).values_list("decision", flat=True))
    assert carried == unfinished
    assert upcoming.items.filter(kind=JointAgendaItem.Kind.REPORT).count() == 1
    assert upcoming.invitations.count() >= 47


def test_case_reviews_are_anonymised_and_chosen_for_the_last_half_year(joint):
    reviews = list(CaseReview.objects.select_related("case", "written_by__membership"))
    assert 3 <= len(reviews) <= 5
    for review in reviews:
        assert identifying_detail(review.case, review.title) is None
        assert identifying_detail(review.case, review.text) is None
        assert review.case.status in ("closed", "monitoring")
        assert review.written_by.membership.role == "coordinator"
        assert review.written_by.membership.station_id == review.case.station_id
    period = Period.last_complete_half_year()
    chosen = chosen_reviews(period, PROVINCE)
    assert 2 <= len(chosen) <= 3
    assert {review.title for review in chosen} <= {review.title for review in reviews}
    assert CaseReview.objects.filter(status=CaseReview.Status.PROPOSED).count() == 1


def test_generating_again_adds_nothing(joint):
    counts = (
        JointMeeting.objects.count(),
        PolicyDecision.objects.count(),
        PolicyUpdate.objects.count(),
        CaseReview.objects.count(),
        AccessEvent.objects.count(),
    )
    again = generate_joint(seed=7, years=2)
    assert again.already_present
    assert (
        JointMeeting.objects.count(),
        PolicyDecision.objects.count(),
        PolicyUpdate.objects.count(),
        CaseReview.objects.count(),
        AccessEvent.objects.count(),
    ) == counts
    assert AccessEvent.objects.filter(verb="demo.generate_joint").count() == 1
    assert "policy decisions" in joint_summary()
