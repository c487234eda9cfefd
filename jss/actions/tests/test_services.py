"""The rules of support actions: who asks whom, what a new action needs, progress with evidence, versions."""

from __future__ import annotations

import pytest

from jss.actions import services
from jss.actions.access import visible_actions
from jss.actions.models import Action, ActionUpdate
from jss.actions.tests.conftest import action_data, in_days
from jss.audit.models import AccessEvent
from jss.cases.models import Case, CaseEvent


def test_the_station_asks_an_institution_taking_part(case, action, officer, child_protection):
    assert action.institution == child_protection
    assert action.status == Action.Status.OPEN
    assert action.version == 1
    case.refresh_from_db()
    assert case.status == Case.Status.PLAN_ACTIVE
    event = CaseEvent.objects.filter(case=case, kind="action_add").get()
    assert event.detail == {"action": action.pk, "institution": child_protection.pk, "due": in_days(14).isoformat()}
    assert AccessEvent.objects.filter(verb="actions.add", target_id=str(action.pk)).exists()


def test_only_who_works_on_the_case_adds_actions(case, social_worker, counsellor, child_protection):
    for outsider in (social_worker, counsellor):  # a summary share is no say in the plan
        with pytest.raises(services.ActionError):
            services.add_action(case, action_data(child_protection), actor=outsider)
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"institution": None}, "institution"),
        ({"due_on": None}, "due_on"),
        ({"due_on": in_days(-1)}, "due_on"),
        ({"description": "  "}, "description"),
    ],
)
def test_a_new_action_needs_an_institution_a_future_due_date_and_what(
    case, officer, child_protection, overrides, field
):
    with pytest.raises(services.ActionError) as refused:
        services.add_action(case, action_data(child_protection, **overrides), actor=officer)
    assert refused.value.field == field
    assert not Action.objects.exists()


def test_today_is_a_valid_due_date(case, officer, child_protection):
    assert services.add_action(case, action_data(child_protection, due_on=in_days(0)), actor=officer).pk


def test_only_an_institution_taking_part_is_asked(case, officer, wee_centre):
    with pytest.raises(services.ActionError) as refused:
        services.add_action(case, action_data(wee_centre), actor=officer)
    assert refused.value.field == "institution"
    assert "제주시 Wee센터" in str(refused.value)


def test_the_person_and_service_belong_to_the_responsible_institution(case, officer, counsellor, dongbu_station,
                                                                      counselling):  # fmt: skip
    problems = services.check_action(case, action_data(dongbu_station, responsible=counsellor, service=counselling))
    assert set(problems) == {"responsible", "service"}


def test_the_responsible_institution_sees_and_updates_its_action(action, social_worker, counsellor, officer):
    assert list(visible_actions(social_worker)) == [action]
    assert list(visible_actions(officer)) == [action]
    assert not visible_actions(counsellor).exists()
    services.update_action(action, services.UpdateData(status="in_progress", text="첫 상담 예약"), actor=social_worker,
                           version=1)  # fmt: skip
    action.refresh_from_db()
    assert (action.status, action.version) == ("in_progress", 2)
    with pytest.raises(services.ActionError):
        services.update_action(action, services.UpdateData(status="done", evidence="x"), actor=counsellor, version=2)


def test_done_needs_evidence_and_sets_the_completion_time(action, social_worker):
    with pytest.raises(services.ActionError) as refused:
        services.update_action(action, services.UpdateData(status="done", text="끝남"), actor=social_worker, version=1)
    assert refused.value.field == "evidence"
    services.update_action(
        action, services.UpdateData(status="done", evidence="상담 3회 기록"), actor=social_worker, version=1
    )
    action.refresh_from_db()
    assert action.status == "done"
    assert action.completed_at is not None
    update = ActionUpdate.objects.get()
    assert (update.status_from, update.status_to, update.evidence) == ("open", "done", "상담 3회 기록")
    assert CaseEvent.objects.filter(kind="action_update", detail__status_to="done").exists()
    with pytest.raises(services.ActionError):  # finished
        services.update_action(action, services.UpdateData(status="open", text="다시"), actor=social_worker, version=2)


def test_a_save_based_on_an_older_version_is_refused(action, social_worker, officer):
    services.update_action(action, services.UpdateData(status="in_progress"), actor=officer, version=1)
    with pytest.raises(services.ActionError) as refused:
        services.update_action(action, services.UpdateData(status="in_progress", text="전화함"), actor=social_worker,
                               version=1)  # fmt: skip
    assert refused.value.field == "version"
    assert ActionUpdate.objects.count() == 1


def test_an_update_says_something(action, social_worker):
    with pytest.raises(services.ActionError) as refused:
        services.update_action(action, services.UpdateData(status="open"), actor=social_worker, version=1)
    assert refused.value.field == "text"
    with pytest.raises(services.ActionError) as refused:
        services.update_action(action, services.UpdateData(status="cancelled"), actor=social_worker, version=1)
    assert refused.value.field == "text"


def test_an_edit_keeps_an_overdue_date_until_it_is_moved_and_the_institution_stays(action, officer, social_worker):
    Action.objects.filter(pk=action.pk).update(due_on=in_days(-3))
    action.refresh_from_db()
    edit = services.EditData(due_on=action.due_on, description="다른 설명", reason="내용 보완",
                             service=action.service)  # fmt: skip
    changed = services.edit_action(action, edit, actor=officer, version=action.version)
    assert changed.due_on == in_days(-3)
    assert changed.description == "다른 설명"
    with pytest.raises(services.ActionError) as refused:
        services.edit_action(changed, edit, actor=social_worker, version=changed.version)  # not the station
    assert refused.value.field is None
    with pytest.raises(services.ActionError) as nothing:
        services.edit_action(changed, edit, actor=officer, version=changed.version)
    assert nothing.value.field == "description"
    services.update_action(changed, services.UpdateData(status="done", evidence="첫 상담 12월 2일"),
                           actor=social_worker, version=changed.version)  # fmt: skip
    changed.refresh_from_db()
    with pytest.raises(services.ActionError):  # finished
        services.edit_action(changed, edit, actor=officer, version=changed.version)
