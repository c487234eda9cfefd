"""Assessments through the URLs: who may do and see what, the one-screen form, history and rates."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jss.audit.models import AccessEvent
from jss.risk import services
from jss.risk.models import Assessment

ALL_NO = {
    "item-choked": "no",
    "item-threats": "no",
    "item-more_often": "no",
    "item-drinking": "no",
    "item-afraid": "no",
}


@pytest.mark.access_route("risk:start")
def test_starting_from_a_person(client, as_user, test_pack, victim, officer, counsellor, head):
    person, incident = victim
    url = f"/risk/persons/{person.pk}/start/?incident={incident.pk}"
    assert client.get(url).status_code == 302
    assert as_user(head).get(url).status_code == 403
    assert as_user(counsellor).get(url).status_code == 404  # not a person the Wee centre may see
    officer_client = as_user(officer)
    page = officer_client.get(url).content.decode()
    assert "시험용 가정폭력 위험 요인" in page
    assert "검증되지 않음" in page
    response = officer_client.post(url, {"pack": "test-dv", "incident": incident.pk})
    assessment = Assessment.objects.get()
    assert response["Location"] == f"/risk/{assessment.pk}/"
    assert assessment.incident == incident


@pytest.mark.access_route("risk:assessment")
@pytest.mark.access_route("risk:answer")
@pytest.mark.access_route("risk:complete")
def test_the_one_screen_form_saves_each_answer_and_completes(
    client, as_user, test_pack, victim, officer, social_worker
):
    person, _incident = victim
    assessment = services.start(person, test_pack, actor=officer)
    officer_client = as_user(officer)
    page = officer_client.get(f"/risk/{assessment.pk}/").content.decode()
    assert "목을 조른 적이 있다" in page
    assert "모름" in page
    assert "0/5" in page or "5개 중 0개" in page
    assert as_user(social_worker).get(f"/risk/{assessment.pk}/").status_code == 404  # someone else's draft
    assert client.post(f"/risk/{assessment.pk}/answer/", {"item": "choked", "answer": "no"}).status_code == 302

    saved = officer_client.post(
        f"/risk/{assessment.pk}/answer/", {"item": "threats", "answer": "yes"}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200
    assert "저장됨" in saved.content.decode()
    assert officer_client.post(f"/risk/{assessment.pk}/answer/", {"item": "threats", "answer": "x"}).status_code == 400
    assessment.refresh_from_db()
    assert assessment.answers == {"threats": "yes"}
    # Interrupted: the page shows the answer given so far.
    assert 'value="yes" checked' in officer_client.get(f"/risk/{assessment.pk}/").content.decode()

    missing = officer_client.post(f"/risk/{assessment.pk}/complete/", {"item-choked": "no"})
    assert missing.status_code == 400
    assert "답하지 않은 문항" in missing.content.decode() or "답이 없습니다" in missing.content.decode()
    assert 'href="#item-more_often"' in missing.content.decode()  # the first unanswered question
    done = officer_client.post(f"/risk/{assessment.pk}/complete/", {"unanswered_as_unknown": "on"})
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETE
    assert assessment.unknown_count == 3
    result = officer_client.get(f"/risk/{assessment.pk}/").content.decode()
    assert "주의" in result
    assert "예측" in result  # identification, not prediction
    assert as_user(social_worker).get(f"/risk/{assessment.pk}/").status_code == 404  # not their person


def test_the_unknown_answer_reads_moreum_not_the_unknown_sex(as_user, test_pack, victim, officer):
    """The form's instructions and the result say '모름' (don't know); "Unknown" alone is a person's sex (미상)."""
    person, _incident = victim
    assessment = services.start(person, test_pack, actor=officer)
    officer_client = as_user(officer)
    form = officer_client.get(f"/risk/{assessment.pk}/").content.decode()
    assert form.count("<span>모름</span>") == 5
    assert "미상" not in form
    officer_client.post(f"/risk/{assessment.pk}/complete/", ALL_NO | {"item-afraid": "unknown"})
    result = officer_client.get(f"/risk/{assessment.pk}/").content.decode()
    assert "<td>모름</td>" in result
    assert "미상" not in result


@pytest.mark.access_route("risk:band")
def test_setting_a_different_band_on_the_result_page(as_user, client, test_pack, victim, officer):
    person, _incident = victim
    assessment = services.start(person, test_pack, actor=officer)
    officer_client = as_user(officer)
    officer_client.post(f"/risk/{assessment.pk}/complete/", ALL_NO)
    url = f"/risk/{assessment.pk}/band/"
    assert client.post(url, {"band": "crisis", "reason": "x"}).status_code == 302
    assert officer_client.post(url, {"band": "crisis", "reason": ""}).status_code == 400
    officer_client.post(url, {"band": "crisis", "reason": "가해자가 출소 예정"})
    assessment.refresh_from_db()
    assert (assessment.band, assessment.final_band) == ("caution", "crisis")
    page = officer_client.get(f"/risk/{assessment.pk}/").content.decode()
    assert "가해자가 출소 예정" in page
    assert "위기" in page


@pytest.mark.access_route("risk:discard")
def test_discarding_an_assessment_in_progress(as_user, client, test_pack, victim, officer):
    person, _incident = victim
    assessment = services.start(person, test_pack, actor=officer)
    assert client.post(f"/risk/{assessment.pk}/discard/").status_code == 302
    assert Assessment.objects.exists()
    as_user(officer).post(f"/risk/{assessment.pk}/discard/")
    assert not Assessment.objects.exists()


@pytest.mark.access_route("risk:history")
@pytest.mark.access_route("risk:list")
def test_history_and_the_list_of_work(client, as_user, test_pack, victim, officer, head):
    person, _incident = victim
    first = services.start(person, test_pack, actor=officer)
    services.complete(first, {k[5:]: v for k, v in ALL_NO.items()}, actor=officer)
    second = services.complete(
        services.start(person, test_pack, actor=officer),
        {k[5:]: v for k, v in ALL_NO.items()} | {"choked": "yes"},
        actor=officer,
    )
    services.start(person, test_pack, actor=officer)  # a third, in progress
    officer_client = as_user(officer)
    assert client.get(f"/risk/persons/{person.pk}/").status_code == 302
    assert as_user(head).get(f"/risk/persons/{person.pk}/").status_code == 403
    response = officer_client.get(f"/risk/persons/{person.pk}/")
    assert [row["final"].code for row in response.context["rows"]] == ["caution", "severe"]
    assert AccessEvent.objects.filter(verb="risk.history", actor=officer).exists()
    listing = officer_client.get("/risk/")
    assert [a.pk for a in listing.context["drafts"]] == [Assessment.objects.get(status="draft").pk]
    assert listing.context["due"] == []  # reassessment in 30 days: not within a week yet
    Assessment.objects.filter(pk=second.pk).update(reassess_by=datetime.date(2020, 1, 1))
    assert [a.pk for a in officer_client.get("/risk/").context["due"]] == [second.pk]


@pytest.mark.access_route("risk:rates")
def test_rates_per_institution(client, as_user, test_pack, victim, officer, social_worker, secretariat, head):
    person, _incident = victim
    assessment = services.start(person, test_pack, actor=officer)
    services.complete(
        assessment, {"choked": "no", "threats": "no", "more_often": "unknown", "drinking": "no", "afraid": "no"},
        actor=officer, override_band="crisis", override_reason="판단",
    )  # fmt: skip
    assert client.get("/risk/rates/").status_code == 302
    assert as_user(social_worker).get("/risk/rates/").status_code == 403
    rows = as_user(secretariat).get("/risk/rates/").context["rows"]
    [station] = [row for row in rows if row.institution == officer.membership.institution]
    assert (station.reports, station.assessed, station.completed, station.overridden) == (1, 1, 1, 1)
    assert (station.answers, station.unknown_answers) == (5, 1)
    assert station.completion_rate == 1.0
    assert as_user(head).get("/risk/rates/").context["rows"] == []  # a head sees their own institution only
    assert as_user(secretariat).get("/risk/rates/", {"start": "2026-05-01", "end": "2026-01-01"}).status_code == 200


def test_the_person_and_report_pages_lead_to_the_assessment(as_user, test_pack, victim, officer):
    person, incident = victim
    officer_client = as_user(officer)
    report = officer_client.get(f"/incidents/{incident.pk}/").content.decode()
    assert f"/risk/persons/{person.pk}/start/?incident={incident.pk}" in report
    page = officer_client.get(f"/incidents/persons/{person.pk}/").content.decode()
    assert "아직 완료된 평가가 없습니다" in page
    services.complete(
        services.start(person, test_pack, actor=officer), {k[5:]: v for k, v in ALL_NO.items()}, actor=officer
    )
    page = officer_client.get(f"/incidents/persons/{person.pk}/").content.decode()
    assert "주의" in page
    assert f"/risk/persons/{person.pk}/" in page


def test_the_home_page_counts_the_work_waiting(as_user, test_pack, victim, officer, head):
    person, _incident = victim
    done = services.complete(
        services.start(person, test_pack, actor=officer), {k[5:]: v for k, v in ALL_NO.items()}, actor=officer
    )
    Assessment.objects.filter(pk=done.pk).update(reassess_by=datetime.date(2020, 1, 1))
    services.start(person, test_pack, actor=officer)
    response = as_user(officer).get("/")
    assert response.context["work"] == {
        "flags": 0, "duplicates": 0, "drafts": 1, "due": 1, "overdue_actions": 0, "nominations": 0,
    }  # fmt: skip
    assert "재평가 대상" in response.content.decode()
    assert "work" not in as_user(head).get("/").context


def test_only_the_assessing_institution_sets_the_band(as_user, test_pack, victim, officer, social_worker, reports):
    person, _incident = victim
    reports.report(timezone.now(), victim=person, source="child_protection")  # the agency sees her too
    assessment = services.start(person, test_pack, actor=officer)
    services.complete(assessment, {k[5:]: v for k, v in ALL_NO.items()}, actor=officer)
    other = as_user(social_worker)
    assert other.get(f"/risk/{assessment.pk}/").status_code == 200  # completed: theirs to read
    other.post(f"/risk/{assessment.pk}/band/", {"band": "severe", "reason": "다른 기관 판단"})
    assessment.refresh_from_db()
    assert (assessment.final_band, assessment.overridden_by) == ("caution", None)


def test_an_assessment_cannot_cite_a_report_about_someone_else(as_user, test_pack, victim, officer, reports):
    person, _incident = victim
    stranger_report = reports.report(timezone.now(), victim=reports.person("문", "남", "1970-01-01"))
    url = f"/risk/persons/{person.pk}/start/?incident={stranger_report.pk}"
    assert as_user(officer).get(url).status_code == 404


def test_a_failed_completion_keeps_the_band_and_the_reason_typed(as_user, test_pack, victim, officer):
    person, _incident = victim
    assessment = services.start(person, test_pack, actor=officer)
    response = as_user(officer).post(
        f"/risk/{assessment.pk}/complete/", {"item-choked": "no", "band": "severe", "reason": "흉기 구입 정보"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "흉기 구입 정보" in page
    assert 'value="severe" selected' in page
    assert 'name="item-choked" value="no" checked' in page
