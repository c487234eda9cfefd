"""The action pages through the URLs: the inbox, an action and its updates, adding an action on the case page,
the referral letter — and who may do what. Messages are checked in English (the msgids), so that the tests
do not depend on the Korean catalogue."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jss.actions import services
from jss.actions.models import Action
from jss.actions.tests.conftest import action_data, in_days
from jss.audit.models import AccessEvent
from jss.cases import services as cases
from jss.cases.models import Share

SIGN_IN = reverse(settings.LOGIN_URL)
DESCRIPTION = "고은비 씨 자녀 심리상담 연계"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def signs_in(response) -> bool:
    return bool(response.status_code == 302 and response["Location"].startswith(SIGN_IN))


def overdue(action: Action, days: int) -> Action:
    """Its due date moved into the past (an action cannot be created so)."""
    Action.objects.filter(pk=action.pk).update(due_on=in_days(-days))
    action.refresh_from_db()
    return action


# --- the inbox -------------------------------------------------------------------------------------------------


@pytest.mark.access_route("actions:inbox")
def test_the_inbox_lists_the_institutions_actions_overdue_first(
    client, as_user, case, action, officer, social_worker, counsellor, head, stranger, child_protection
):
    assert signs_in(client.get("/actions/"))
    for user in (head, stranger):
        assert as_user(user).get("/actions/").status_code == 403
    later = services.add_action(case, action_data(child_protection, due_on=in_days(30)), actor=officer)
    soon = services.add_action(case, action_data(child_protection, due_on=in_days(2)), actor=officer)
    late = overdue(services.add_action(case, action_data(child_protection), actor=officer), 5)
    done = services.add_action(case, action_data(child_protection), actor=officer)
    services.update_action(done, services.UpdateData(status="done", evidence="기록"), actor=social_worker, version=1)

    response = as_user(social_worker).get("/actions/")
    assert response.status_code == 200
    box = response.context["inbox"]
    assert [row.action for row in box.open] == [late, soon, action, later]
    assert [row.action for row in box.finished] == [done]
    assert [row.overdue for row in box.open] == [True, False, False, False]
    page = response.content.decode()
    assert page.count('data-testid="overdue"') == 1
    assert DESCRIPTION not in page, "the agency sees the case in summary: no description"
    assert "아동 심리상담" in page, "the service's name instead"
    assert AccessEvent.objects.filter(verb="actions.inbox", actor=social_worker).exists()

    outsider = as_user(counsellor).get("/actions/")
    assert outsider.status_code == 200
    assert not outsider.context["inbox"].open
    assert case.code not in outsider.content.decode()
    station = as_user(officer).get("/actions/")  # the station asked, its own inbox holds nothing
    assert not station.context["inbox"].open
    # ... but it follows up what it asked of others, still open, by due date
    assert [row.action for row in station.context["inbox"].asked] == [late, soon, action, later]
    assert 'data-testid="asked-actions"' in station.content.decode()
    assert not box.asked  # the agency asked nothing


def test_the_home_page_counts_the_overdue_actions(as_user, action, social_worker, officer):
    overdue(action, 1)
    assert as_user(social_worker).get("/").context["work"]["overdue_actions"] == 1
    assert as_user(officer).get("/").context["work"]["overdue_actions"] == 0


# --- one action --------------------------------------------------------------------------------------------------


@pytest.mark.access_route("actions:detail")
def test_the_action_page_shows_what_the_reader_may_see(client, as_user, action, officer, social_worker, counsellor,
                                                       family):  # fmt: skip
    url = f"/actions/{action.pk}/"
    assert signs_in(client.get(url))
    assert as_user(counsellor).get(url).status_code == 404
    assert as_user(counsellor).post(url, {"update-status": "done"}).status_code == 404
    assert as_user(officer).get("/actions/999999/").status_code == 404

    agency = as_user(social_worker).get(url)
    assert agency.status_code == 200
    assert DESCRIPTION not in agency.content.decode()
    assert family["victim"].given_name not in agency.content.decode()
    station = as_user(officer).get(url)
    assert DESCRIPTION in station.content.decode()


def test_progress_is_recorded_and_done_needs_evidence(as_user, action, social_worker):
    client = english(as_user(social_worker))
    url = f"/actions/{action.pk}/"
    response = client.post(url, {"update-status": "done", "update-text": "세 번 상담함", "update-version": 1})
    assert response.status_code == 400
    assert response.context["form"].errors["evidence"] == ["Say what shows that the action was done (the evidence)."]
    assert "세 번 상담함" in response.content.decode(), "nothing typed is lost"
    response = client.post(
        url,
        {
            "update-status": "done",
            "update-text": "세 번 상담함",
            "update-evidence": "상담일지 3건",
            "update-version": 1,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    page = client.get(url).content.decode()
    assert "상담일지 3건" in page
    assert 'data-testid="action-finished"' in page


def test_a_stale_update_is_refused_and_the_text_kept(as_user, action, officer, social_worker):
    services.update_action(action, services.UpdateData(status="in_progress"), actor=officer, version=1)
    response = english(as_user(social_worker)).post(
        f"/actions/{action.pk}/", {"update-status": "open", "update-text": "어머니와 통화함", "update-version": 1}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else updated this action meanwhile." in page
    assert "어머니와 통화함" in page
    assert response.context["form"]["version"].value() == "2", "the next save is based on the current version"
    assert action.updates.count() == 1


# --- adding an action to a case ------------------------------------------------------------------------------


@pytest.mark.access_route("actions:add")
def test_the_station_adds_an_action_from_the_case_page(client, as_user, case, officer, social_worker, counsellor,
                                                       child_protection, counselling):  # fmt: skip
    url = f"/actions/case/{case.pk}/add/"
    form = {
        "action-institution": child_protection.pk, "action-service": counselling.pk,
        "action-responsible": social_worker.pk, "action-description": DESCRIPTION,
        "action-due_on": in_days(10).isoformat(),
    }  # fmt: skip
    assert signs_in(client.post(url, form))
    assert as_user(counsellor).post(url, form).status_code == 404
    assert as_user(social_worker).post(url, form).status_code == 403, "a summary share has no say in the plan"

    station = as_user(officer)
    section = station.get(f"/cases/{case.pk}/").content.decode()
    assert f'hx-get="{url}"' in section  # the form is loaded when the panel opens
    assert 'data-testid="add-action-form"' not in section
    panel = station.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="add-action-form"' in panel
    assert "<html" not in panel  # the form alone
    # each person and service says whose it is, for static/jss/choices.js to offer only the chosen institution's
    assert f'<option value="{social_worker.pk}" data-group="{child_protection.pk}">' in panel
    assert f'<option value="{counselling.pk}" data-group="{child_protection.pk}">' in panel
    assert 'data-follows="institution"' in panel
    assert station.get(url).status_code == 200
    response = station.post(url, form)
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.institution, action.responsible, action.service) == (child_protection, social_worker, counselling)
    page = station.get(f"/cases/{case.pk}/").content.decode()
    assert DESCRIPTION in page
    assert f"/actions/{action.pk}/" in page

    agency_view = as_user(social_worker).get(f"/cases/{case.pk}/").content.decode()
    assert DESCRIPTION not in agency_view, "the agency sees the case in summary"
    assert "아동 심리상담" in agency_view
    assert 'data-testid="add-action-panel"' not in agency_view


def test_a_bad_action_gets_messages_on_its_fields_and_keeps_the_text(
    as_user, case, officer, wee_centre, dongbu_station
):
    client = english(as_user(officer))
    url = f"/actions/case/{case.pk}/add/"
    response = client.post(url, {"action-description": DESCRIPTION})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["institution"] == ["Choose the institution responsible for the action."]
    assert errors["due_on"] == ["Give the due date."]
    assert DESCRIPTION in response.content.decode()

    past = client.post(url, {"action-institution": dongbu_station.pk, "action-description": DESCRIPTION,
                             "action-due_on": in_days(-1).isoformat()})  # fmt: skip
    assert past.context["form"].errors["due_on"] == ["The due date cannot be in the past."]
    outsider = client.post(url, {"action-institution": wee_centre.pk, "action-description": DESCRIPTION,
                                 "action-due_on": in_days(3).isoformat()})  # fmt: skip
    assert outsider.context["form"].errors["institution"] == [
        "Choose an institution taking part in this case: only they can be asked to act."
    ]
    assert not Action.objects.exists()


def test_the_case_page_does_not_grow_in_queries_with_actions(as_user, case, action, officer, child_protection,
                                                             django_assert_num_queries):  # fmt: skip
    client = as_user(officer)
    url = f"/cases/{case.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as counted:
        client.get(url)
    assert len(counted.captured_queries) <= 40
    for days in (3, 9, 20):
        services.add_action(case, action_data(child_protection, due_on=in_days(days)), actor=officer)
    with django_assert_num_queries(len(counted.captured_queries)):
        response = client.get(url)
    assert len(response.context["actions"].rows) == 4


def test_the_timeline_names_actions(as_user, case, action, officer, social_worker):
    services.update_action(action, services.UpdateData(status="in_progress"), actor=social_worker, version=1)
    titles = [entry.title for entry in english(as_user(officer)).get(f"/cases/{case.pk}/").context["page"].timeline]
    assert "Support action for Child Protection" in titles
    assert "Support action of Child Protection updated" in titles


# --- the referral letter -------------------------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    executable = shutil.which("pdftotext")
    if executable is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run([executable, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S603 (our own pdftotext)


@pytest.mark.access_route("actions:letter")
def test_the_referral_letter_names_persons_only_for_a_full_share(
    client, as_user, case, action, officer, social_worker, counsellor, family, child_protection
):
    url = f"/actions/{action.pk}/letter.pdf"
    assert signs_in(client.get(url))
    assert as_user(counsellor).get(url).status_code == 404
    response = as_user(social_worker).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert case.code in text
    assert "아동 심리상담" in text
    assert "제주동부경찰서" in text, "the requesting institution"
    assert in_days(14).isoformat() in text
    assert family["victim"].given_name not in text
    assert DESCRIPTION not in text
    assert AccessEvent.objects.filter(verb="actions.letter", target_id=str(action.pk), actor=social_worker).exists()

    share = Share.objects.get(case=case, institution=child_protection)
    cases.revoke_share(share, actor=officer, reason="범위 변경")
    cases.grant_share(case, cases.ShareData(institution=child_protection, basis=Share.Basis.STATUTE,
                                            statute="child-welfare-act"), actor=officer)  # fmt: skip
    full = pdf_text(as_user(officer).get(url).content)
    assert family["victim"].full_name.replace(" ", "") in full.replace(" ", "")
    assert "심리상담 연계" in full


# --- reminders -------------------------------------------------------------------------------------------------


def test_reminders_go_before_the_due_date_and_weekly_when_overdue(
    django_capture_on_commit_callbacks, case, action, officer, social_worker, child_protection, family
):
    from django.core.management import call_command

    contact = social_worker.membership
    contact.is_contact = True
    contact.save(update_fields=["is_contact"])
    services.add_action(case, action_data(child_protection, due_on=in_days(3)), actor=officer)
    overdue(services.add_action(case, action_data(child_protection), actor=officer), 2)
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_actions", stdout=StringIO())
    assert len(mail.outbox) == 1, "one message per person, listing both actions"
    message = mail.outbox[0]
    assert message.to == [social_worker.email]
    assert message.subject in {"JSS support actions: due date reminder (2)", "JSS 지원 활동 기한 알림 (2건)"}
    for personal in (family["victim"].given_name, family["suspect"].given_name, DESCRIPTION, "고은비"):
        assert personal not in message.subject
        assert personal not in message.body
    assert message.body.count(case.code) == 2
    assert AccessEvent.objects.filter(verb="actions.reminder").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_actions", stdout=StringIO())
    assert len(mail.outbox) == 1, "not again the same day"
    later = now + datetime.timedelta(days=8)
    notice = services.remind_actions(now=later, site_url="https://jss.example.kr")
    assert notice.actions == 2, "the overdue one a week later, and the other one, overdue since"
    assert services.remind_actions(now=later, site_url="https://jss.example.kr").actions == 0
    action.refresh_from_db()
    assert action.reminded_at is None, "due in 14 days: no reminder yet"


@pytest.mark.access_route("actions:edit")
def test_the_station_changes_an_open_action_with_a_reason(
    client, as_user, action, officer, social_worker, counsellor, child_protection
):
    url = f"/actions/{action.pk}/edit/"
    assert client.get(url).status_code == 302  # sign in first
    assert as_user(counsellor).get(url).status_code == 404  # an outsider finds nothing
    assert as_user(social_worker).get(url).status_code == 403  # the responsible institution reports progress only
    station = as_user(officer)
    page = station.get(url)
    assert page.status_code == 200
    assert "고은비 씨 자녀 심리상담 연계" in page.content.decode()
    assert url in station.get(f"/actions/{action.pk}/").content.decode()
    assert url not in as_user(social_worker).get(f"/actions/{action.pk}/").content.decode()

    new_due = in_days(30)
    form = {"edit-due_on": new_due.isoformat(), "edit-description": "고은비 씨 자녀 심리상담 주 1회 연계",
            "edit-version": action.version, "edit-service": action.service_id}  # fmt: skip
    refused = station.post(url, form)  # no reason
    assert refused.status_code == 400
    assert "주 1회" in refused.content.decode()  # nothing typed is lost
    past = station.post(url, form | {"edit-reason": "일정 조정", "edit-due_on": in_days(-1).isoformat()})
    assert past.status_code == 400
    assert station.post(url, form | {"edit-reason": "보호자 일정으로 연기"}).status_code == 302
    action.refresh_from_db()
    assert action.due_on == new_due
    assert action.description == "고은비 씨 자녀 심리상담 주 1회 연계"
    update = action.updates.get()
    assert "보호자 일정으로 연기" in update.text
    assert new_due.isoformat() in update.text
    assert update.status_from == update.status_to == "open"
    assert "보호자 일정으로 연기" in as_user(social_worker).get(f"/actions/{action.pk}/").content.decode()

    stale = station.post(url, form | {"edit-reason": "다시", "edit-version": action.version - 1})
    assert stale.status_code == 400
    html = stale.content.decode()
    assert 'data-testid="action-form-error"' in html
    assert "다시" in html


def test_the_inbox_shows_its_open_actions_a_page_at_a_time(as_user, case, action, officer, social_worker):
    Action.objects.bulk_create(
        Action(case=case, institution=action.institution, description=f"연계 {n}", due_on=in_days(n - 3),
               created_by=officer)
        for n in range(60)
    )  # fmt: skip
    first = as_user(social_worker).get("/actions/")
    box = first.context["inbox"]
    assert len(box.open) == 50
    assert box.overdue_count == 3  # counted over every page, not only this one
    assert "page=2" in first.content.decode()
    second = as_user(social_worker).get("/actions/", {"page": 2})
    assert len(second.context["inbox"].open) == 11  # 61 open in all
