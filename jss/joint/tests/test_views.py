"""Joint council pages through their URLs, as the personas: who sees the meetings and the register, the
secretariat's forms with their refusals (nothing typed lost), the owners' follow-up, the home page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jss.joint import services
from jss.joint.models import JointAgendaItem, JointMeeting, PolicyDecision

from .conftest import IN_A_WEEK, meeting_data


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.access_route("joint:list")
def test_the_meetings_are_the_secretariats_and_the_heads(
    client, as_user, joint_meeting, secretariat, head, officer, social_worker, auditor, stranger
):
    assert client.get("/joint/").status_code == 302
    for refused in (officer, social_worker, auditor, stranger):
        assert as_user(refused).get("/joint/").status_code == 403
    assert as_user(secretariat).get("/joint/").context["upcoming"] == [joint_meeting]
    assert as_user(head).get("/joint/").context["upcoming"] == [joint_meeting]  # invited


def test_a_head_whose_institution_is_not_invited_sees_no_meeting(as_user, joint_meeting, wee_centre):
    from tests.factories import make_member

    other_head = make_member("wee-head", "김교장", wee_centre, "head")
    assert as_user(other_head).get("/joint/").context["upcoming"] == []
    assert as_user(other_head).get(f"/joint/{joint_meeting.pk}/").status_code == 404
    assert as_user(other_head).get(f"/joint/{joint_meeting.pk}/invite.ics").status_code == 404


@pytest.mark.access_route("joint:detail")
def test_the_meeting_page_for_the_secretariat_and_an_invited_head(
    client, as_user, joint_meeting, decision, secretariat, head, officer, stranger
):
    url = f"/joint/{joint_meeting.pk}/"
    assert client.get(url).status_code == 302
    for outsider in (officer, stranger):
        assert as_user(outsider).get(url).status_code == 404
    assert as_user(secretariat).get("/joint/999999/").status_code == 404
    running = as_user(secretariat).get(url).content.decode()
    assert 'data-testid="decision-form"' in running
    assert decision.code in running
    reading = as_user(head).get(url).content.decode()
    assert decision.code in reading
    assert 'data-testid="decision-form"' not in reading
    assert 'data-testid="attendance-form"' not in reading


@pytest.mark.access_route("joint:ical")
def test_the_invitation_downloads_as_icalendar(client, as_user, joint_meeting, head, stranger):
    url = f"/joint/{joint_meeting.pk}/invite.ics"
    assert client.get(url).status_code == 302
    assert as_user(stranger).get(url).status_code == 404
    response = as_user(head).get(url)
    assert response["Content-Type"].startswith("text/calendar")
    assert f"UID:{joint_meeting.code}@".encode() in response.content


@pytest.mark.access_route("joint:schedule")
def test_scheduling_through_the_form_invites_every_member_by_default(
    client, as_user, secretariat, head, police_agency, child_protection, wee_centre
):
    assert client.get("/joint/new/").status_code == 302
    assert as_user(head).get("/joint/new/").status_code == 403
    office = as_user(secretariat)
    page = office.get("/joint/new/")
    assert set(page.context["form"].initial["invited"]) == {
        str(i.pk) for i in (police_agency, child_protection, wee_centre)
    }
    assert page.context["form"].initial["place"] == police_agency.name
    when = _local(timezone.now() + IN_A_WEEK)
    refused = office.post("/joint/new/", {"kind": "regular", "starts_at": when, "duration_minutes": 120,
                                          "place": "제주경찰청 대회의실"})  # fmt: skip
    assert refused.status_code == 400
    assert list(refused.context["form"].errors) == ["invited"]
    assert "제주경찰청 대회의실" in refused.content.decode()  # nothing typed is lost
    past = office.post("/joint/new/", {"kind": "regular", "starts_at": _local(timezone.now() - IN_A_WEEK),
                                       "duration_minutes": 120, "place": "x", "invited": [wee_centre.pk]})  # fmt: skip
    assert list(past.context["form"].errors) == ["starts_at"]
    done = office.post(
        "/joint/new/",
        {"kind": "regular", "starts_at": when, "duration_minutes": 120, "place": "제주경찰청",
         "invited": [child_protection.pk, wee_centre.pk]},
    )  # fmt: skip
    meeting = JointMeeting.objects.get()
    assert done["Location"] == f"/joint/{meeting.pk}/"
    assert set(meeting.invitations.values_list("institution", flat=True)) == {child_protection.pk, wee_centre.pk}


@pytest.mark.access_route("joint:attendance")
@pytest.mark.access_route("joint:outcome")
@pytest.mark.access_route("joint:minutes")
def test_attendance_outcomes_and_minutes_through_the_page(
    client, as_user, joint_meeting, secretariat, head, stranger, child_protection
):
    office = as_user(secretariat)
    report = joint_meeting.items.get()
    for url in (f"/joint/{joint_meeting.pk}/attendance/", f"/joint/{joint_meeting.pk}/minutes/",
                f"/joint/items/{report.pk}/outcome/"):  # fmt: skip
        assert client.post(url, {}).status_code == 302
        assert as_user(head).post(url, {}).status_code == 404  # invited, but reading only
        assert as_user(stranger).post(url, {}).status_code == 404
    office.post(f"/joint/{joint_meeting.pk}/attendance/", {"attended": [child_protection.pk]})
    joint_meeting.refresh_from_db()
    assert joint_meeting.status == JointMeeting.Status.HELD
    drafted = office.post(f"/joint/{joint_meeting.pk}/minutes/", {"action": "draft"})
    assert report.title in drafted.context["minutes_form"].initial["minutes"]
    stale = office.post(
        f"/joint/{joint_meeting.pk}/minutes/",
        {"action": "save", "minutes-minutes": "회의록 본문", "minutes-version": joint_meeting.version - 1},
    )
    assert stale.status_code == 400
    assert "회의록 본문" in stale.content.decode()
    assert stale.context["minutes_form"].non_field_errors()  # the conflict, above their text
    undecided = office.post(
        f"/joint/{joint_meeting.pk}/minutes/",
        {"action": "approve", "minutes-minutes": "회의록 본문", "minutes-version": joint_meeting.version},
    )
    assert undecided.status_code == 400
    assert "minutes" in undecided.context["minutes_form"].errors  # on the field: an item has no outcome
    assert "회의록 본문" in undecided.content.decode()
    no_outcome = office.post(f"/joint/items/{report.pk}/outcome/", {f"outcome-{report.pk}-note": "보고 청취"})
    assert no_outcome.status_code == 400
    assert "보고 청취" in no_outcome.content.decode()
    office.post(f"/joint/items/{report.pk}/outcome/", {f"outcome-{report.pk}-outcome": "noted"})
    joint_meeting.refresh_from_db()
    office.post(
        f"/joint/{joint_meeting.pk}/minutes/",
        {"action": "approve", "minutes-minutes": "회의록 본문", "minutes-version": joint_meeting.version},
    )
    joint_meeting.refresh_from_db()
    assert joint_meeting.status == JointMeeting.Status.APPROVED
    assert "회의록 본문" in as_user(head).get(f"/joint/{joint_meeting.pk}/").content.decode()


@pytest.mark.access_route("joint:item_add")
@pytest.mark.access_route("joint:item_remove")
def test_agenda_items_through_the_page(client, as_user, joint_meeting, secretariat, head, stranger):
    office = as_user(secretariat)
    url = f"/joint/{joint_meeting.pk}/items/"
    assert client.post(url, {}).status_code == 302
    assert as_user(head).post(url, {"item-kind": "other", "item-title": "x"}).status_code == 404
    refused = office.post(url, {"item-kind": "report", "item-title": "상반기 보고"})
    assert refused.status_code == 400
    assert "상반기 보고" in refused.content.decode()
    office.post(url, {"item-kind": "case_review", "item-title": "노인 학대 재발 사례 검토"})
    review = joint_meeting.items.get(kind=JointAgendaItem.Kind.CASE_REVIEW)
    remove = f"/joint/items/{review.pk}/remove/"
    assert as_user(head).post(remove).status_code == 404
    assert as_user(stranger).post(remove).status_code == 404
    assert office.post(remove).status_code == 302
    assert not joint_meeting.items.filter(pk=review.pk).exists()


@pytest.mark.access_route("joint:decision_add")
def test_recording_a_decision_keeps_what_was_typed(
    client, as_user, joint_meeting, secretariat, head, stranger, child_protection
):
    office = as_user(secretariat)
    url = f"/joint/{joint_meeting.pk}/decisions/"
    assert client.post(url, {}).status_code == 302
    assert as_user(head).post(url, {}).status_code == 404
    assert as_user(stranger).post(url, {}).status_code == 404
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    typed = {"decision-title": "연계 절차", "decision-text": "교육청과 절차를 만든다", "decision-due_on": yesterday}
    refused = office.post(url, typed)
    assert refused.status_code == 400
    assert set(refused.context["decision_form"].errors) == {"owners", "due_on"}
    assert "교육청과 절차를 만든다" in refused.content.decode()
    due = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    report = joint_meeting.items.get()
    done = office.post(url, {**typed, "decision-due_on": due, "decision-owners": [child_protection.pk],
                             "decision-section": "repeat", "decision-item": report.pk})  # fmt: skip
    assert done.status_code == 302
    decision = PolicyDecision.objects.get()
    assert (decision.section, decision.agenda_item) == ("repeat", report)


@pytest.mark.access_route("joint:register")
def test_the_register_is_read_by_members_who_work_on_the_decisions(
    client, as_user, decision, secretariat, head, officer, social_worker, counsellor, auditor, admin_user, stranger
):
    assert client.get("/joint/decisions/").status_code == 302
    for refused in (auditor, admin_user, stranger):
        assert as_user(refused).get("/joint/decisions/").status_code == 403
    for reader in (secretariat, head, officer, social_worker, counsellor):
        assert decision.code in as_user(reader).get("/joint/decisions/").content.decode()


def test_the_register_filters_by_status_owner_and_overdue(
    as_user, joint_meeting, decision, secretariat, social_worker, dongbu_station, child_protection
):
    from .conftest import decision_data

    other = services.record_decision(joint_meeting, decision_data(dongbu_station), actor=secretariat)
    PolicyDecision.objects.filter(pk=other.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    reader = as_user(social_worker)

    def codes(query: str) -> list[str]:
        return [d.code for d in reader.get(f"/joint/decisions/?{query}").context["register"].decisions]

    assert codes("") == [other.code, decision.code]  # by due date
    assert codes("overdue=on") == [other.code]
    assert codes(f"owner={child_protection.pk}") == [decision.code]
    assert codes("status=done") == []
    assert codes("status=unfinished") == [other.code, decision.code]
    page = reader.get("/joint/decisions/").content.decode()
    assert page.count('data-testid="overdue"') == 1
    assert 'data-testid="overdue-count"' in page


def test_the_register_reads_in_a_fixed_number_of_queries(
    as_user, joint_meeting, secretariat, social_worker, child_protection, dongbu_station, django_assert_num_queries
):
    from .conftest import decision_data

    reader = as_user(social_worker)
    services.record_decision(joint_meeting, decision_data(child_protection), actor=secretariat)
    with django_assert_num_queries(9) as few:
        reader.get("/joint/decisions/")
    for _ in range(4):
        services.record_decision(joint_meeting, decision_data(child_protection, dongbu_station), actor=secretariat)
    with django_assert_num_queries(len(few.captured_queries)):
        reader.get("/joint/decisions/")


def test_the_meeting_pages_read_in_a_fixed_number_of_queries(
    as_user, joint_meeting, secretariat, child_protection, dongbu_station, django_assert_num_queries
):
    from .conftest import decision_data

    office = as_user(secretariat)
    services.record_decision(joint_meeting, decision_data(child_protection), actor=secretariat)
    with django_assert_num_queries(11) as few:
        office.get(f"/joint/{joint_meeting.pk}/")
    with django_assert_num_queries(5) as listing:
        office.get("/joint/")
    for n in range(3):
        services.add_item(joint_meeting, services.ItemData(kind="other", title=f"기타 {n}"), actor=secretariat)
        services.record_decision(joint_meeting, decision_data(child_protection, dongbu_station), actor=secretariat)
        services.schedule_meeting(
            meeting_data(child_protection, starts_at=joint_meeting.starts_at + (n + 1) * IN_A_WEEK), actor=secretariat
        )
    with django_assert_num_queries(len(few.captured_queries)):
        office.get(f"/joint/{joint_meeting.pk}/")
    with django_assert_num_queries(len(listing.captured_queries)):
        office.get("/joint/")


@pytest.mark.access_route("joint:decision")
def test_the_decision_page_and_follow_up_by_the_owners_head(
    client, as_user, decision, secretariat, head, social_worker, stranger
):
    url = f"/joint/decisions/{decision.pk}/"
    assert client.get(url).status_code == 302
    assert as_user(stranger).get(url).status_code == 404
    assert as_user(head).get("/joint/decisions/999999/").status_code == 404
    reading = as_user(social_worker).get(url)
    assert reading.status_code == 200
    assert reading.context["form"] is None
    assert reading.context["report_link"] == ""  # practitioners do not read the semiannual report
    assert as_user(secretariat).get(url).context["report_link"] == "/reports/semiannual/#cases"
    assert as_user(social_worker).post(url, {"follow-status": "done", "follow-text": "x"}).status_code == 404
    owner = as_user(head)
    assert 'data-testid="follow-up-form"' in owner.get(url).content.decode()
    refused = owner.post(url, {"follow-status": "done", "follow-text": "", "follow-version": decision.version})
    assert refused.status_code == 400
    owner.post(url, {"follow-status": "in_progress", "follow-text": "교육청과 1차 협의",
                     "follow-version": decision.version})  # fmt: skip
    stale = owner.post(
        url, {"follow-status": "done", "follow-text": "절차 시행 공문", "follow-version": decision.version}
    )
    assert stale.status_code == 400
    assert "절차 시행 공문" in stale.content.decode()  # their text is kept
    decision.refresh_from_db()
    assert decision.status == "in_progress"
    assert "교육청과 1차 협의" in as_user(social_worker).get(url).content.decode()


@pytest.mark.access_route("joint:decision_edit")
def test_the_secretariat_edits_a_decision(client, as_user, decision, secretariat, head, social_worker, stranger,
                                          child_protection):  # fmt: skip
    url = f"/joint/decisions/{decision.pk}/edit/"
    assert client.get(url).status_code == 302
    assert as_user(stranger).get(url).status_code == 404
    assert as_user(social_worker).get(url).status_code == 404  # reads the register, does not follow it up
    assert as_user(head).get(url).status_code == 403  # follows it up, does not edit it
    office = as_user(secretariat)
    assert office.get(url).context["form"].initial["title"] == decision.title
    typed = {"decision-title": "고친 제목", "decision-text": decision.text, "decision-due_on": decision.due_on.isoformat(),
             "decision-section": "cases", "decision-version": decision.version}  # fmt: skip
    no_owner = office.post(url, typed)
    assert no_owner.status_code == 400
    assert "고친 제목" in no_owner.content.decode()
    stale = office.post(url, {**typed, "decision-owners": [child_protection.pk], "decision-version": 0})
    assert stale.status_code == 400
    assert stale.context["form"].non_field_errors()
    assert stale.context["form"].data["decision-version"] == str(decision.version)
    office.post(url, {**typed, "decision-owners": [child_protection.pk]})
    decision.refresh_from_db()
    assert decision.title == "고친 제목"


def test_overdue_decisions_on_the_secretariats_and_owners_heads_home(
    as_user, decision, joint_meeting, secretariat, head, dongbu_station, django_assert_max_num_queries
):
    from .conftest import decision_data

    other = services.record_decision(joint_meeting, decision_data(dongbu_station), actor=secretariat)
    past = timezone.localdate() - datetime.timedelta(days=1)
    PolicyDecision.objects.filter(pk__in=[decision.pk, other.pk]).update(due_on=past)
    assert as_user(secretariat).get("/").context["joint"]["overdue_decisions"] == 2
    home = as_user(head).get("/")
    assert home.context["joint"]["overdue_decisions"] == 1  # the one its institution owns
    assert home.context["joint"]["next_meeting"] == joint_meeting
    assert 'data-testid="joint-overdue"' in home.content.decode()
