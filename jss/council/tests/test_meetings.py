"""Working council meetings through the services: scheduling, research notes, findings, attendance,
minutes and the invitation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from jss.audit.models import AccessEvent
from jss.cases.models import Case
from jss.council import services
from jss.council.models import AgendaItem, Meeting


def data(*institutions: Any, **overrides: Any) -> services.MeetingData:
    values: dict[str, Any] = {
        "starts_at": timezone.now() + datetime.timedelta(days=3), "place": "제주동부경찰서 3층 회의실",
        "video_link": "", "invited": list(institutions),
    }  # fmt: skip
    values.update(overrides)
    return services.MeetingData(**values)


def test_scheduling_builds_the_agenda_from_the_accepted_cases(accepted, officer, child_protection, wee_centre):
    station = accepted.station
    for bad, field in [
        (data(), "invited"),
        (data(child_protection, starts_at=timezone.now() - datetime.timedelta(hours=1)), "starts_at"),
        (data(child_protection, place=""), "place"),
    ]:
        with pytest.raises(services.CouncilError) as refused:
            services.schedule(station, bad, actor=officer)
        assert refused.value.field == field
    meeting = services.schedule(station, data(child_protection, wee_centre), actor=officer)
    assert [item.case for item in meeting.items.all()] == [accepted]
    accepted.refresh_from_db()
    assert accepted.status == Case.Status.IN_COUNCIL
    assert set(meeting.invitations.values_list("institution", flat=True)) == {child_protection.pk, wee_centre.pk}
    assert AccessEvent.objects.filter(verb="council.schedule", actor=officer).exists()
    again = services.schedule(station, data(child_protection), actor=officer)
    assert list(again.items.all()) == []  # already on the agenda of a scheduled meeting


def test_only_the_stations_coordinator_schedules(accepted, social_worker, child_protection):
    with pytest.raises(services.CouncilError):
        services.schedule(accepted.station, data(child_protection), actor=social_worker)


def test_research_notes_come_from_invited_institutions_that_see_the_case(
    accepted, officer, social_worker, counsellor, child_protection, wee_centre
):
    meeting = services.schedule(accepted.station, data(child_protection, wee_centre), actor=officer)
    item = meeting.items.get()
    note = services.add_research_note(item, "학교에서 아이가 자주 결석함", actor=social_worker)
    assert note.institution == child_protection
    with pytest.raises(services.CouncilError):  # invited, but the case is not shared with the Wee centre
        services.add_research_note(item, "x", actor=counsellor)
    with pytest.raises(services.CouncilError) as empty:
        services.add_research_note(item, " ", actor=social_worker)
    assert empty.value.field == "text"


def test_findings_attendance_and_minutes(accepted, officer, social_worker, child_protection, wee_centre):
    meeting = services.schedule(accepted.station, data(child_protection, wee_centre), actor=officer)
    item = meeting.items.get()
    with pytest.raises(services.CouncilError) as no_cause:
        services.record_findings(item, services.Findings(decision="discussed", causes=[]), actor=officer)
    assert no_cause.value.field == "causes"
    with pytest.raises(services.CouncilError):
        services.record_findings(item, services.Findings(decision="discussed", causes=["alcohol"]), actor=social_worker)
    with pytest.raises(services.CouncilError):
        services.approve_minutes(meeting, actor=officer, version=meeting.version)  # not held yet
    meeting = services.set_attendance(meeting, [child_protection.pk], actor=officer)
    assert meeting.status == Meeting.Status.HELD
    with pytest.raises(services.CouncilError) as undecided:
        services.approve_minutes(meeting, actor=officer, version=meeting.version)
    assert accepted.code in str(undecided.value)
    services.record_findings(
        item, services.Findings(decision="discussed", causes=["alcohol", "economic_hardship"], risk_rating="crisis",
                                note="음주 문제 상담 연계"),
        actor=officer,
    )  # fmt: skip
    accepted.refresh_from_db()
    assert accepted.status == Case.Status.PLAN_ACTIVE
    draft = services.draft_minutes(meeting)
    assert accepted.code in draft
    assert "음주, 경제적 어려움" in draft
    assert "은비" not in draft  # codes, not names
    assert "제주아동보호전문기관" in draft  # attended
    seen = meeting.version
    meeting = services.save_minutes(meeting, draft, actor=officer, version=seen)
    with pytest.raises(services.CouncilError) as stale:
        services.save_minutes(meeting, "다른 내용", actor=officer, version=seen)
    assert stale.value.field == "version"
    meeting = services.approve_minutes(meeting, actor=officer, version=meeting.version)
    assert meeting.status == Meeting.Status.APPROVED
    with pytest.raises(services.CouncilError):
        services.save_minutes(meeting, "고침", actor=officer, version=meeting.version)
    with pytest.raises(services.CouncilError):
        services.record_findings(item, services.Findings(decision="deferred", causes=[]), actor=officer)
    assert AgendaItem.objects.get(pk=item.pk).causes.count() == 2


def test_the_invitation_is_an_icalendar_event_without_names(accepted, officer, child_protection):
    meeting = services.schedule(
        accepted.station, data(child_protection, video_link="https://meet.example.kr/jss"), actor=officer
    )
    text = services.ical(meeting)
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:{meeting.code}@jss" in text
    assert "LOCATION:제주동부경찰서 3층 회의실" in text
    assert "URL:https://meet.example.kr/jss" in text
    assert accepted.code not in text
    assert "은비" not in text


def test_the_invited_institutions_get_the_invitation_by_email(
    accepted, officer, child_protection, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.schedule(accepted.station, data(child_protection), actor=officer)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert "실무협의회" in message.subject or "working council" in message.subject
    assert accepted.code not in message.subject + message.body
    assert "은비" not in message.subject + message.body
    assert message.attachments[0][0] == f"{meeting.code}.ics"
    assert meeting.invitations.get().notified_at is not None


def test_unfinished_actions_bring_their_case_back_to_the_next_meeting(accepted, officer, child_protection, as_user):
    from jss.actions.models import Action

    first = services.schedule(accepted.station, data(child_protection), actor=officer)
    services.record_findings(first.items.get(), services.Findings(decision="discussed", causes=["alcohol"]),
                             actor=officer)  # fmt: skip
    Action.objects.create(
        case=accepted, institution=child_protection, description="부모 상담 연계", created_by=officer,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )  # fmt: skip
    services.set_attendance(first, [child_protection.pk], actor=officer)
    second = services.schedule(accepted.station, data(child_protection), actor=officer)
    item = second.items.get()
    assert (item.case, item.reason) == (accepted, "review")
    page = as_user(officer).get(f"/council/{second.pk}/").content.decode()
    assert 'data-testid="behind"' in page  # the chair sees who is behind
    assert "부모 상담 연계" in page


def test_the_timer_runs_on_one_case_at_a_time(accepted, officer, social_worker, child_protection, wee_centre, family):
    from jss.cases import services as cases

    other = cases.accept(
        cases.nominate(
            cases.NominationData(persons=[(family["suspect"], "victim")], incidents=family["incidents"][:1],
                                 reasons=["repeat"]),
            actor=officer,
        ),
        actor=officer, lead_institution=officer.membership.institution,
    )  # fmt: skip
    meeting = services.schedule(accepted.station, data(child_protection, wee_centre), actor=officer)
    first, second = meeting.items.order_by("position")
    assert {first.case_id, second.case_id} == {accepted.pk, other.pk}
    with pytest.raises(services.CouncilError):
        services.start_timer(first, actor=social_worker)  # not the chair
    services.start_timer(first, actor=officer)
    AgendaItem.objects.filter(pk=first.pk).update(started_at=timezone.now() - datetime.timedelta(seconds=300))
    services.start_timer(second, actor=officer)  # the first case's clock stops, keeping its time
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.started_at is None
    assert 300 <= first.seconds < 310
    assert second.started_at is not None
    services.start_timer(first, actor=officer)  # resumes from 5 minutes
    resumed = AgendaItem.objects.get(pk=first.pk)
    assert resumed.started_at is not None
    later = resumed.started_at + datetime.timedelta(seconds=60)
    assert services.elapsed_seconds(resumed, now=later) == resumed.seconds + 60
    assert services.seconds_per_case(meeting, 2) == 45 * 60  # 90 minutes shared by two cases
    assert services.seconds_per_case(meeting, 100) == 180  # never below three minutes


def test_actions_agreed_at_the_meeting_go_into_the_minutes_draft(accepted, officer, child_protection, wee_centre):
    from jss.actions import services as actions

    meeting = services.schedule(accepted.station, data(child_protection, wee_centre), actor=officer)
    due = timezone.localdate() + datetime.timedelta(days=14)
    action = actions.add_action(
        accepted, actions.ActionData(institution=child_protection, due_on=due, description="고은비 씨 상담 연계",
                                     service_text="심리상담"),
        actor=officer, meeting=meeting,
    )  # fmt: skip
    assert action.meeting == meeting
    draft = services.draft_minutes(meeting)
    assert child_protection.name in draft
    assert due.isoformat() in draft
    assert "심리상담" in draft
    assert "고은비" not in draft  # what exactly may name people: not in the minutes
    services.set_attendance(meeting, [child_protection.pk], actor=officer)
    services.record_findings(meeting.items.get(), services.Findings(decision="discussed", causes=["alcohol"]),
                             actor=officer)  # fmt: skip
    meeting.refresh_from_db()
    meeting = services.save_minutes(meeting, draft, actor=officer, version=meeting.version)
    services.approve_minutes(meeting, actor=officer, version=meeting.version)
    with pytest.raises(actions.ActionError):  # the meeting is locked
        actions.add_action(
            accepted, actions.ActionData(institution=child_protection, due_on=due, description="추가"),
            actor=officer, meeting=meeting,
        )  # fmt: skip


def test_a_closed_case_leaves_the_agendas_of_meetings_not_held_unless_notes_were_written(
    accepted, officer, social_worker, child_protection, wee_centre
):
    from jss.cases import services as cases

    first = services.schedule(accepted.station, data(child_protection, wee_centre), actor=officer)
    services.add_research_note(first.items.get(), "최근 상담 기록 있음", actor=social_worker)
    second = services.schedule(
        accepted.station, data(child_protection, starts_at=timezone.now() + datetime.timedelta(days=20)), actor=officer
    )
    AgendaItem.objects.create(meeting=second, case=accepted, position=1, reason="review")
    cases.close(accepted, outcome="risk_reduced", note="위험 감소", actor=officer)
    assert not second.items.filter(case=accepted).exists()  # nothing written for it: it leaves the agenda
    assert first.items.filter(case=accepted).exists()  # a research note keeps it for the chair to decide
