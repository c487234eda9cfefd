"""The triage list and flag pages, through the URLs: who sees what, proposing and dismissing."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from jss.audit.models import AccessEvent
from jss.incidents.models import Incident
from jss.repeats.engine import evaluate_all
from jss.repeats.models import Flag, Proposal

from .conftest import YEON


def ago(days: int) -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def flagged(reports, couple):
    """A 동부 household with three DV reports (112, 아동보호전문기관, 1366; the last with a weapon), and a
    서부 pair with a strangulation report. Evaluated now."""
    victim, suspect = couple
    reports.report(ago(60), victim=victim, suspect=suspect)
    reports.report(ago(30), victim=victim, suspect=suspect, source="child_protection")
    reports.report(ago(2), victim=victim, suspect=suspect, source="1366", weapon=True)
    west = reports.person("현", "소연", "1992-08-08"), reports.person("오", "진우", "1990-10-10")
    reports.report(ago(5), victim=west[0], suspect=west[1], region=YEON, strangulation=True)
    evaluate_all(now=timezone.now())
    flags = {name(flag): flag for flag in Flag.objects.filter(state__in=Flag.OPEN_STATES)}
    assert set(flags) == {"critical_indicator", "household_grade_a", "escalation", "critical_indicator-west"}
    return flags


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def name(flag: Flag) -> str:
    """The rule, with "-west" for the 서부 station's flags."""
    west = flag.station is not None and flag.station.code == "jeju-seobu"
    return flag.rule_id + ("-west" if west else "")


def shown(response) -> list[str]:
    return [name(row.flag) for row in response.context["rows"]]


@pytest.mark.access_route("repeats:list")
def test_only_caseworkers_open_the_triage_list(
    client, as_user, flagged, head, auditor, admin_user, secretariat, stranger
):
    assert client.get("/repeats/").status_code == 302
    for user in (head, auditor, admin_user, secretariat, stranger):
        assert as_user(user).get("/repeats/").status_code == 403, user


def test_a_coordinator_sees_the_flags_of_their_station_most_serious_first(as_user, flagged, officer, couple):
    response = as_user(officer).get("/repeats/")
    assert response.status_code == 200
    assert shown(response) == ["critical_indicator", "household_grade_a", "escalation"]
    page = response.content.decode()
    assert flagged["household_grade_a"].explanation_ko in page
    for person in couple:
        assert person.code in page
        assert person.given_name not in page, "no names on the triage list"
    east = list(Incident.objects.exclude(region__code=YEON).values_list("code", flat=True))
    assert len(east) == 3
    assert all(code in page for code in east), "the coordinator sees the jurisdiction's incidents"
    assert Incident.objects.get(region__code=YEON).code not in page, "nothing of the 서부 pair"
    assert AccessEvent.objects.filter(verb="repeats.triage_list", actor=officer).exists()


def test_a_practitioner_sees_flags_about_persons_known_to_their_institution(
    as_user, flagged, social_worker, counsellor
):
    response = as_user(social_worker).get("/repeats/")
    assert sorted(shown(response)) == ["critical_indicator", "escalation", "household_grade_a"]
    [grade_a] = [row for row in response.context["rows"] if row.flag.rule_id == "household_grade_a"]
    assert [incident.source for incident in grade_a.incidents] == ["child_protection"]
    assert grade_a.hidden == 2, "other institutions' incidents are counted, not shown"

    outsider = as_user(counsellor).get("/repeats/")
    assert outsider.status_code == 200
    assert shown(outsider) == []


def test_the_list_shows_the_explanation_in_english_too(client, flagged, officer):
    client.force_login(officer)
    page = english(client).get("/repeats/").content.decode()
    assert "3 domestic-violence reports in 12 months" in page


def test_the_list_does_not_grow_in_queries_with_more_flags(
    client, flagged, officer, reports, django_assert_num_queries
):
    client.force_login(officer)
    client.get("/repeats/")
    with django_assert_num_queries(14) as few:
        client.get("/repeats/")
    extra = reports.person("김", "하나", "1970-01-01"), reports.person("박", "두리", "1969-01-01")
    reports.report(ago(3), victim=extra[0], suspect=extra[1], threat_to_kill=True)
    evaluate_all(now=timezone.now())
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/repeats/")
    assert len(response.context["rows"]) == 4


@pytest.mark.access_route("repeats:detail")
def test_a_flag_page_is_need_to_know(client, as_user, flagged, officer, social_worker, counsellor, head):
    flag = flagged["household_grade_a"]
    url = f"/repeats/{flag.pk}/"
    assert client.get(url).status_code == 302
    assert as_user(counsellor).get(url).status_code == 404
    assert as_user(head).get(url).status_code == 404
    assert as_user(officer).get(f"/repeats/{flagged['critical_indicator-west'].pk}/").status_code == 404
    assert as_user(officer).get("/repeats/999999/").status_code == 404
    response = as_user(officer).get(url)
    assert response.status_code == 200
    assert flag.explanation_ko in response.content.decode()
    assert as_user(social_worker).get(url).status_code == 200
    assert AccessEvent.objects.filter(verb="repeats.flag_view", actor=officer, target_id=str(flag.pk)).exists()


@pytest.mark.access_route("repeats:propose")
def test_proposing_a_case_for_the_council(client, as_user, flagged, officer, counsellor):
    flag = flagged["household_grade_a"]
    url = f"/repeats/{flag.pk}/propose/"
    assert as_user(officer).get(url).status_code == 405
    assert as_user(counsellor).post(url, {"note": "x"}).status_code == 404
    assert client.post(url, {"note": "x"}).status_code == 302
    assert not Proposal.objects.exists()

    response = as_user(officer).post(url, {"note": "석 달 사이 세 번째 신고, 흉기 사용"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.state == Flag.State.PROPOSED
    proposal = Proposal.objects.get()
    assert (proposal.flag, proposal.proposed_by, proposal.note) == (flag, officer, "석 달 사이 세 번째 신고, 흉기 사용")
    event = AccessEvent.objects.get(verb="repeats.flag_propose")
    assert (event.actor, event.target_id, event.detail) == (
        officer,
        str(flag.pk),
        {"rule": "household_grade_a", "proposal": proposal.pk},
    )
    assert "석 달" not in str(event.detail), "the note stays out of the audit trail"

    client.force_login(officer)
    listing = english(client).get("/repeats/")
    assert "Proposed" in listing.content.decode()
    assert [row.flag.state for row in listing.context["rows"] if row.flag.pk == flag.pk] == ["proposed"]

    again = as_user(officer).post(url, {"note": ""}, follow=True)
    assert Proposal.objects.count() == 1
    assert [str(m) for m in again.context["messages"]]


def test_a_practitioner_who_sees_a_flag_may_propose_it(as_user, flagged, social_worker):
    flag = flagged["escalation"]
    assert as_user(social_worker).post(f"/repeats/{flag.pk}/propose/", {"note": ""}).status_code == 302
    assert Proposal.objects.get().proposed_by == social_worker


@pytest.mark.access_route("repeats:dismiss")
def test_dismissing_needs_a_reason_and_the_station(as_user, flagged, officer, social_worker, counsellor):
    flag = flagged["escalation"]
    url = f"/repeats/{flag.pk}/dismiss/"
    assert as_user(counsellor).post(url, {"reason": "x"}).status_code == 404
    assert as_user(social_worker).post(url, {"reason": "x"}).status_code == 404, "the station decides"
    assert (
        as_user(officer).post(f"/repeats/{flagged['critical_indicator-west'].pk}/dismiss/", {"reason": "x"}).status_code
        == 404
    )

    empty = as_user(officer).post(url, {"reason": "  "})
    assert empty.status_code == 400
    assert empty.context["dismiss_form"].errors["reason"]
    flag.refresh_from_db()
    assert flag.state == Flag.State.ACTIVE

    response = as_user(officer).post(url, {"reason": "같은 사건의 중복 신고로 확인"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.state, flag.dismissed_reason, flag.decided_by) == (
        Flag.State.DISMISSED,
        "같은 사건의 중복 신고로 확인",
        officer,
    )
    assert AccessEvent.objects.filter(verb="repeats.flag_dismiss", actor=officer, target_id=str(flag.pk)).exists()
    assert "escalation" not in shown(as_user(officer).get("/repeats/"))
    assert as_user(officer).get(f"/repeats/{flag.pk}/").status_code == 200, "a dismissed flag keeps its page"
