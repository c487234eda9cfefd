"""The joint council's rules, through the services: scheduling with carry-over, agenda outcomes,
decisions (owners, due dates, motivating report section), follow-up, minutes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from jss.audit.models import AccessEvent
from jss.joint import services
from jss.joint.models import JointAgendaItem, JointMeeting, PolicyDecision

from .conftest import IN_A_WEEK, decision_data, meeting_data


def test_scheduling_refuses_bad_input_with_every_problem_on_its_field(secretariat):
    with pytest.raises(services.JointError) as refused:
        services.schedule_meeting(
            meeting_data(starts_at=timezone.now() - datetime.timedelta(hours=1), place=""), actor=secretariat
        )
    assert set(refused.value.problems) == {"starts_at", "place", "invited"}
    assert not JointMeeting.objects.exists()


def test_only_the_secretariat_schedules(head, child_protection):
    with pytest.raises(services.JointError):
        services.schedule_meeting(meeting_data(child_protection), actor=head)


def test_a_regular_meeting_opens_with_the_last_half_years_report(joint_meeting, secretariat):
    report = joint_meeting.items.get()
    assert report.kind == JointAgendaItem.Kind.REPORT
    start, end = services.report_period(timezone.localtime(joint_meeting.starts_at).date())
    assert (report.period_start, report.period_end) == (start, end)
    assert AccessEvent.objects.filter(verb="joint.schedule", actor=secretariat).exists()


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (datetime.date(2025, 7, 10), (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))),
        (datetime.date(2025, 12, 31), (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))),
        (datetime.date(2026, 1, 20), (datetime.date(2025, 7, 1), datetime.date(2025, 12, 31))),
        (datetime.date(2026, 6, 30), (datetime.date(2025, 7, 1), datetime.date(2025, 12, 31))),
    ],
)
def test_the_report_period_is_the_last_full_half_year(day, period):
    assert services.report_period(day) == period


def test_the_invitation_goes_to_each_invited_institutions_heads(
    secretariat, head, police_agency, child_protection, wee_centre, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.schedule_meeting(
            meeting_data(child_protection, wee_centre, kind="extraordinary"), actor=secretariat
        )
    by_recipients = {tuple(message.to): message for message in mailoutbox}
    assert set(by_recipients) == {(head.email,), (wee_centre.email,)}  # the Wee centre has no head in JSS
    message = by_recipients[(head.email,)]
    assert message.attachments[0][0] == f"{meeting.code}.ics"
    assert "BEGIN:VEVENT" in message.attachments[0][1]
    assert list(meeting.items.all()) == []  # extraordinary: no report item by default
    assert meeting.invitations.filter(notified_at__isnull=False).count() == 2


def test_a_decision_needs_owners_and_a_due_date_not_in_the_past(joint_meeting, secretariat):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(services.JointError) as refused:
        services.record_decision(joint_meeting, decision_data(due_on=yesterday), actor=secretariat)
    assert set(refused.value.problems) == {"owners", "due_on"}
    assert not PolicyDecision.objects.exists()


def test_a_period_needs_a_section_and_both_ends(joint_meeting, secretariat, child_protection):
    start = datetime.date(2025, 1, 1)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"period_start": start, "period_end": None}, "period_end"),
        ({"period_start": start, "period_end": datetime.date(2024, 12, 31)}, "period_end"),
        ({"period_start": start, "period_end": datetime.date(2025, 6, 30), "section": ""}, "section"),
        ({"section": "nonsense"}, "section"),
    ]
    for overrides, field in cases:
        with pytest.raises(services.JointError) as refused:
            services.record_decision(joint_meeting, decision_data(child_protection, **overrides), actor=secretariat)
        assert field in refused.value.problems


def test_decisions_are_coded_per_year_and_audited(joint_meeting, secretariat, child_protection, dongbu_station):
    first = services.record_decision(joint_meeting, decision_data(child_protection), actor=secretariat)
    second = services.record_decision(joint_meeting, decision_data(dongbu_station), actor=secretariat)
    year = timezone.localtime(joint_meeting.starts_at).year
    assert (first.code, second.code) == (f"P-{year}-01", f"P-{year}-02")
    assert list(first.owners.all()) == [child_protection]
    event = AccessEvent.objects.get(verb="joint.decision", target_id=str(first.pk))
    assert event.detail["owners"] == [child_protection.pk]


def test_unfinished_decisions_are_carried_to_every_next_meeting_until_finished(
    joint_meeting, decision, secretariat, head, police_agency, child_protection
):
    later = services.schedule_meeting(
        meeting_data(police_agency, child_protection, starts_at=joint_meeting.starts_at + IN_A_WEEK), actor=secretariat
    )
    carried = later.items.get(kind=JointAgendaItem.Kind.POLICY)
    assert carried.decision == decision
    assert decision.code in carried.title
    services.follow_up_decision(
        decision, services.FollowUpData(status="done", text="연계 절차 시행"), actor=head, version=decision.version
    )
    after = services.schedule_meeting(
        meeting_data(police_agency, starts_at=later.starts_at + IN_A_WEEK), actor=secretariat
    )
    assert not after.items.filter(decision=decision).exists()  # done: no longer carried


def test_a_decision_joins_meetings_already_scheduled_after_it(
    joint_meeting, secretariat, police_agency, child_protection
):
    later = services.schedule_meeting(
        meeting_data(police_agency, starts_at=joint_meeting.starts_at + IN_A_WEEK), actor=secretariat
    )
    decision = services.record_decision(joint_meeting, decision_data(child_protection), actor=secretariat)
    item = later.items.get(decision=decision)
    assert item.position == later.items.count()  # at the end of its agenda
    assert not joint_meeting.items.filter(decision=decision).exists()  # not back on its own meeting


def test_a_decision_on_an_agenda_item_settles_it(joint_meeting, secretariat, child_protection):
    proposal = services.add_item(
        joint_meeting, services.ItemData(kind="policy", title="학교 밖 청소년 연계 제안"), actor=secretariat
    )
    services.record_decision(joint_meeting, decision_data(child_protection, item=proposal), actor=secretariat)
    proposal.refresh_from_db()
    assert proposal.outcome == JointAgendaItem.Outcome.DECIDED
    with pytest.raises(services.JointError):  # it was decided on: it stays
        services.remove_item(proposal, actor=secretariat)


def test_agenda_items_refuse_bad_input(joint_meeting, secretariat):
    for data, field in [
        (services.ItemData(kind="case_review", title="  "), "title"),
        (services.ItemData(kind="report", title=""), "period_start"),
        (
            services.ItemData(
                kind="report", title="", period_start=datetime.date(2025, 7, 1), period_end=datetime.date(2025, 1, 1)
            ),
            "period_end",
        ),
    ]:
        with pytest.raises(services.JointError) as refused:
            services.add_item(joint_meeting, data, actor=secretariat)
        assert refused.value.field == field
    report = services.add_item(
        joint_meeting,
        services.ItemData(
            kind="report", title="", period_start=datetime.date(2024, 7, 1), period_end=datetime.date(2024, 12, 31)
        ),
        actor=secretariat,
    )
    assert "2024-07-01" in report.title


def test_a_carried_decision_cannot_be_taken_off_the_agenda(joint_meeting, decision, secretariat, police_agency):
    later = services.schedule_meeting(
        meeting_data(police_agency, starts_at=joint_meeting.starts_at + IN_A_WEEK), actor=secretariat
    )
    with pytest.raises(services.JointError):
        services.remove_item(later.items.get(decision=decision), actor=secretariat)
    report = later.items.get(kind="report")
    services.remove_item(report, actor=secretariat)
    assert not later.items.filter(pk=report.pk).exists()


def test_decided_needs_a_decision_on_the_item(joint_meeting, secretariat):
    report = joint_meeting.items.get()
    with pytest.raises(services.JointError) as refused:
        services.record_outcome(report, "decided", "", actor=secretariat)
    assert refused.value.field == "outcome"
    with pytest.raises(services.JointError):
        services.record_outcome(report, "", "", actor=secretariat)
    services.record_outcome(report, "noted", "보고 청취", actor=secretariat)
    report.refresh_from_db()
    assert (report.outcome, report.note) == ("noted", "보고 청취")


def test_follow_up_by_the_owners_heads_and_the_secretariat(decision, head, secretariat, social_worker, officer):
    for outsider in (social_worker, officer):  # they read the register, but do not own the decision's follow-up
        with pytest.raises(services.JointError):
            services.follow_up_decision(
                decision, services.FollowUpData(status="in_progress", text="x"), actor=outsider, version=None
            )
    with pytest.raises(services.JointError) as refused:
        services.follow_up_decision(decision, services.FollowUpData(status="done"), actor=head, version=None)
    assert refused.value.field == "text"  # done needs a word on what was done
    services.follow_up_decision(
        decision, services.FollowUpData(status="in_progress", text="협의 시작"), actor=head, version=decision.version
    )
    with pytest.raises(services.JointError) as stale:
        services.follow_up_decision(
            decision, services.FollowUpData(status="done", text="완료"), actor=head, version=decision.version
        )
    assert stale.value.field == "version"
    decision.refresh_from_db()
    services.follow_up_decision(
        decision, services.FollowUpData(status="dropped", text="예산 없음"), actor=head, version=decision.version
    )
    decision.refresh_from_db()
    assert decision.status == "dropped"
    assert decision.completed_at is not None
    with pytest.raises(services.JointError):  # only the secretariat reopens
        services.follow_up_decision(
            decision, services.FollowUpData(status="open", text="재개"), actor=head, version=decision.version
        )
    services.follow_up_decision(
        decision, services.FollowUpData(status="open", text="재개"), actor=secretariat, version=decision.version
    )
    decision.refresh_from_db()
    assert (decision.status, decision.completed_at) == ("open", None)
    assert [(u.status_from, u.status_to) for u in decision.updates.all()] == [
        ("open", "in_progress"), ("in_progress", "dropped"), ("dropped", "open"),
    ]  # fmt: skip


def test_the_secretariat_edits_a_decision_with_a_version_check(decision, secretariat, head, dongbu_station):
    data = decision_data(dongbu_station, title="새 제목")
    with pytest.raises(services.JointError):
        services.edit_decision(decision, data, actor=head, version=decision.version)
    with pytest.raises(services.JointError) as stale:
        services.edit_decision(decision, data, actor=secretariat, version=decision.version - 1)
    assert stale.value.field == "version"
    services.edit_decision(decision, data, actor=secretariat, version=decision.version)
    decision.refresh_from_db()
    assert decision.title == "새 제목"
    assert list(decision.owners.all()) == [dongbu_station]
    assert decision.updates.get().changed == ["title", "owners"]


def test_an_overdue_due_date_may_stay_but_not_be_moved_into_the_past(decision, secretariat, child_protection):
    past = timezone.localdate() - datetime.timedelta(days=10)
    PolicyDecision.objects.filter(pk=decision.pk).update(due_on=past)
    decision.refresh_from_db()
    assert decision.is_overdue
    services.edit_decision(
        decision, decision_data(child_protection, due_on=past, text="고친 내용"), actor=secretariat,
        version=decision.version,
    )  # fmt: skip
    with pytest.raises(services.JointError) as refused:
        services.edit_decision(
            decision, decision_data(child_protection, due_on=past - datetime.timedelta(days=1)), actor=secretariat,
            version=decision.version + 1,
        )  # fmt: skip
    assert refused.value.field == "due_on"


def test_minutes_are_drafted_saved_with_a_version_check_and_approved_when_every_item_is_settled(
    joint_meeting, decision, secretariat, police_agency, child_protection
):
    with pytest.raises(services.JointError):  # not held yet
        services.save_minutes(joint_meeting, "회의록", actor=secretariat, version=None)
    meeting = services.set_attendance(joint_meeting, [police_agency.pk, child_protection.pk], actor=secretariat)
    assert meeting.status == JointMeeting.Status.HELD
    draft = services.draft_minutes(meeting)
    assert decision.code in draft
    assert child_protection.name in draft
    meeting = services.save_minutes(meeting, draft, actor=secretariat, version=meeting.version)
    with pytest.raises(services.JointError) as stale:
        services.save_minutes(meeting, "다른 회의록", actor=secretariat, version=meeting.version - 1)
    assert stale.value.field == "version"
    with pytest.raises(services.JointError) as undecided:
        services.approve_minutes(meeting, actor=secretariat, version=meeting.version)
    assert undecided.value.field == "minutes"
    services.record_outcome(meeting.items.get(), "noted", "", actor=secretariat)
    meeting.refresh_from_db()
    meeting = services.approve_minutes(meeting, actor=secretariat, version=meeting.version)
    assert meeting.status == JointMeeting.Status.APPROVED
    for locked in (
        lambda: services.save_minutes(meeting, "x", actor=secretariat, version=meeting.version),
        lambda: services.record_decision(meeting, decision_data(child_protection), actor=secretariat),
        lambda: services.set_attendance(meeting, [], actor=secretariat),
    ):
        with pytest.raises(services.JointError):
            locked()
