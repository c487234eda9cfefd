"""Working council pages: who sees a meeting, scheduling, notes, findings, attendance, minutes."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from jss.council import services
from jss.council.models import Meeting

from .test_meetings import data


@pytest.fixture
def meeting(accepted, officer, child_protection, wee_centre) -> Meeting:
    return services.schedule(accepted.station, data(child_protection, wee_centre), actor=officer)


@pytest.mark.access_route("council:list")
@pytest.mark.access_route("council:detail")
def test_a_meeting_is_seen_by_the_station_and_the_invited(
    client, as_user, meeting, accepted, officer, social_worker, counsellor, head
):
    assert client.get("/council/").status_code == 302
    assert as_user(head).get("/council/").status_code == 403
    assert list(as_user(officer).get("/council/").context["upcoming"]) == [meeting]
    page = as_user(social_worker).get(f"/council/{meeting.pk}/").content.decode()
    assert accepted.code in page
    wee = as_user(counsellor).get(f"/council/{meeting.pk}/").content.decode()  # invited, the case not shared
    assert accepted.code in wee
    assert "전체를 볼 수 없습니다" in wee or "does not see this case in full" in wee
    assert "은비" not in wee


def test_an_institution_not_invited_sees_no_meeting(as_user, meeting, reports, dongbu_station):
    from tests.factories import make_institution, make_member

    other = make_institution("other", "다른 상담소", region_code="5011054000")
    user = make_member("other-user", "다른사람", other, "practitioner")
    assert as_user(user).get(f"/council/{meeting.pk}/").status_code == 404


@pytest.mark.access_route("council:schedule")
def test_scheduling_through_the_form(client, as_user, accepted, officer, social_worker, child_protection):
    assert client.get("/council/new/").status_code == 302
    assert as_user(social_worker).get("/council/new/").status_code == 403
    coordinator = as_user(officer)
    page = coordinator.get("/council/new/")
    assert accepted.code in page.content.decode()
    assert str(child_protection.pk) in page.context["form"].initial["invited"]  # the lead is ticked
    when = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    refused = coordinator.post("/council/new/", {"starts_at": when, "duration_minutes": 90, "place": "회의실"})
    assert refused.status_code == 400
    assert "기관을 한 곳 이상 초대" in refused.content.decode() or "Invite at least one" in refused.content.decode()
    done = coordinator.post(
        "/council/new/",
        {"starts_at": when, "duration_minutes": 90, "place": "회의실", "invited": [child_protection.pk]},
    )
    meeting = Meeting.objects.get()
    assert done["Location"] == f"/council/{meeting.pk}/"


@pytest.mark.access_route("council:ical")
def test_the_invitation_downloads_as_icalendar(client, as_user, meeting, social_worker):
    assert client.get(f"/council/{meeting.pk}/invite.ics").status_code == 302
    response = as_user(social_worker).get(f"/council/{meeting.pk}/invite.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content


@pytest.mark.access_route("council:note")
def test_research_notes_through_the_page(client, as_user, meeting, social_worker, counsellor):
    item = meeting.items.get()
    url = f"/council/items/{item.pk}/note/"
    assert client.post(url, {}).status_code == 302
    assert as_user(social_worker).post(url, {f"note-{item.pk}-text": ""}).status_code == 400
    as_user(social_worker).post(url, {f"note-{item.pk}-text": "아이가 자주 결석함"})
    assert item.research_notes.count() == 1
    refused = as_user(counsellor).post(url, {f"note-{item.pk}-text": "x"})
    assert refused.status_code == 400  # invited, but the case is not theirs in full
    assert "아이가 자주 결석함" not in as_user(counsellor).get(f"/council/{meeting.pk}/").content.decode()


@pytest.mark.access_route("council:findings")
@pytest.mark.access_route("council:attendance")
@pytest.mark.access_route("council:minutes")
def test_findings_attendance_and_minutes_through_the_page(
    client, as_user, meeting, officer, social_worker, child_protection
):
    item = meeting.items.get()
    chair = as_user(officer)
    url = f"/council/items/{item.pk}/findings/"
    prefix = f"findings-{item.pk}"
    assert client.post(url, {}).status_code == 302
    assert as_user(social_worker).post(url, {f"{prefix}-decision": "discussed"}).status_code == 403
    no_cause = chair.post(url, {f"{prefix}-decision": "discussed", f"{prefix}-note": "상담 연계"})
    assert no_cause.status_code == 400
    assert "상담 연계" in no_cause.content.decode()  # the note typed is kept
    chair.post(
        url, {f"{prefix}-decision": "discussed", f"{prefix}-causes": ["alcohol"], f"{prefix}-risk_rating": "crisis"}
    )
    item.refresh_from_db()
    assert item.decision == "discussed"
    assert as_user(social_worker).post(f"/council/{meeting.pk}/attendance/", {}).status_code == 403
    chair.post(f"/council/{meeting.pk}/attendance/", {"attended": [child_protection.pk]})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    drafted = chair.post(f"/council/{meeting.pk}/minutes/", {"action": "draft"})
    assert item.case.code in drafted.context["minutes_form"].initial["minutes"]
    stale = chair.post(
        f"/council/{meeting.pk}/minutes/",
        {"action": "save", "minutes-minutes": "회의록 본문", "minutes-version": meeting.version - 1},
    )
    assert stale.status_code == 400
    assert "회의록 본문" in stale.content.decode()
    chair.post(
        f"/council/{meeting.pk}/minutes/",
        {"action": "approve", "minutes-minutes": "회의록 본문", "minutes-version": meeting.version},
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    assert "회의록 본문" in as_user(social_worker).get(f"/council/{meeting.pk}/").content.decode()


@pytest.mark.access_route("council:findings")
def test_the_findings_panel_of_the_meeting_page_loads_its_form_when_opened(
    client, as_user, meeting, officer, social_worker
):
    item = meeting.items.get()
    url = f"/council/items/{item.pk}/findings/"
    page = as_user(officer).get(f"/council/{meeting.pk}/").content.decode()
    assert f'hx-get="{url}"' in page
    assert 'data-testid="findings-form"' not in page  # not built until the chair opens the panel
    item.decision, item.note = "discussed", "상담 연계"
    item.save()
    item.causes.create(factor="alcohol")
    form = as_user(officer).get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'data-testid="findings-form"' in html
    assert '<option value="discussed" selected>' in html
    assert re.search(r'value="alcohol"[^>]*checked', html)
    assert "상담 연계" in html
    assert client.get(url).status_code == 302  # signed out
    assert as_user(social_worker).get(url).status_code == 403  # invited, not the chair
    meeting.status = Meeting.Status.APPROVED
    meeting.save()
    assert as_user(officer).get(url).status_code == 404


def test_the_chair_goes_from_an_agenda_item_to_the_chairs_screen(as_user, meeting, officer, social_worker):
    item = meeting.items.get()
    link = f"/council/items/{item.pk}/chair/"
    assert link in as_user(officer).get(f"/council/{meeting.pk}/").content.decode()
    assert link not in as_user(social_worker).get(f"/council/{meeting.pk}/").content.decode()  # not the chair


@pytest.mark.access_route("council:chair")
@pytest.mark.access_route("council:timer")
def test_the_chairs_screen_shows_the_case_and_runs_the_timer(
    client, as_user, meeting, officer, social_worker, counsellor, stranger, family
):
    item = meeting.items.get()
    chair = as_user(officer)
    page = chair.get(f"/council/items/{item.pk}/chair/")
    assert page.status_code == 200
    html = page.content.decode()
    assert item.case.code in html
    assert family["victim"].full_name in html  # the station sees its case in full
    assert "1 / 1" not in html
    assert 'data-running="0"' in html
    # Only the chair: invited institutions are refused, an outsider does not find the item.
    assert as_user(social_worker).get(f"/council/items/{item.pk}/chair/").status_code == 403
    assert as_user(counsellor).post(f"/council/items/{item.pk}/timer/", {"timer": "start"}).status_code == 403
    assert as_user(stranger).get(f"/council/items/{item.pk}/chair/").status_code == 404
    assert as_user(stranger).post(f"/council/items/{item.pk}/timer/", {"timer": "start"}).status_code == 404
    assert client.get(f"/council/items/{item.pk}/chair/").status_code == 302  # sign in first

    assert chair.post(f"/council/items/{item.pk}/timer/", {"timer": "start"}).status_code == 302
    item.refresh_from_db()
    assert item.started_at is not None
    assert 'data-running="1"' in chair.get(f"/council/items/{item.pk}/chair/").content.decode()
    item.started_at = timezone.now() - datetime.timedelta(seconds=90)
    item.save(update_fields=["started_at"])
    chair.post(f"/council/items/{item.pk}/timer/", {"timer": "stop"})
    item.refresh_from_db()
    assert item.started_at is None
    assert 90 <= item.seconds < 100
    assert 'data-elapsed="9' in chair.get(f"/council/items/{item.pk}/chair/").content.decode()


@pytest.mark.access_route("council:action")
def test_the_chair_agrees_a_support_action_on_the_chairs_screen(as_user, meeting, officer, child_protection, stranger):
    item = meeting.items.get()
    chair = as_user(officer)
    due = (timezone.localdate() + datetime.timedelta(days=21)).isoformat()
    empty = chair.post(f"/council/items/{item.pk}/action/", {"action-description": "상담 연계"})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert "상담 연계" in html  # nothing typed is lost
    assert 'data-testid="chair-action-form"' in html
    response = chair.post(
        f"/council/items/{item.pk}/action/",
        {"action-institution": child_protection.pk, "action-due_on": due, "action-description": "아동 심리상담 연계"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/council/items/{item.pk}/chair/"
    action = item.case.actions.get()
    assert action.meeting_id == meeting.pk
    assert "아동 심리상담 연계" in chair.get(f"/council/items/{item.pk}/chair/").content.decode()
    assert as_user(stranger).post(f"/council/items/{item.pk}/action/", {}).status_code == 404


def test_findings_from_the_chairs_screen_return_to_it(as_user, meeting, officer):
    item = meeting.items.get()
    chair = as_user(officer)
    prefix = f"findings-{item.pk}"
    refused = chair.post(f"/council/items/{item.pk}/findings/", {"screen": "chair", f"{prefix}-decision": "discussed"})
    assert refused.status_code == 400
    assert 'data-testid="chair-findings-form"' in refused.content.decode()
    done = chair.post(
        f"/council/items/{item.pk}/findings/",
        {"screen": "chair", f"{prefix}-decision": "discussed", f"{prefix}-causes": ["alcohol"]},
    )
    assert done["Location"] == f"/council/items/{item.pk}/chair/"


def test_the_case_timeline_names_the_council_discussion(as_user, meeting, officer):
    item = meeting.items.get()
    services.record_findings(item, services.Findings(decision="discussed", causes=["alcohol"]), actor=officer)
    html = as_user(officer).get(f"/cases/{item.case_id}/").content.decode()
    assert "음주" in html  # the coded cause, by its name
    assert ">council<" not in html
    assert ">agenda<" not in html
