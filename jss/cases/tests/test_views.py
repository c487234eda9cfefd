"""The case pages through the URLs: the list, nominating, the case page in full and summary scope, the
coordinator's decision, adding an institution on a legal basis and stopping a share — and who may do what."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from jss.audit.models import AccessEvent
from jss.cases import services
from jss.cases.models import Case, CaseEvent, Nomination, Share
from jss.regions.models import PoliceStation
from jss.repeats.models import Flag
from jss.risk import services as risk
from jss.risk.tests.conftest import test_pack  # noqa: F401 (a fixture)

SIGN_IN = reverse(settings.LOGIN_URL)
# The Korean catalogue's words for what the service says (the Korean pages are what users see).
NO_REASON = "추천 사유를 하나 이상 고르십시오."
NO_LEAD_BASIS = "주관 기관과 사례를 공유하는 근거를 기록하십시오."
NO_CONSENT_BY = "누가 동의했는지 적으십시오."
NO_CONSENT_ON = "동의한 날짜를 적으십시오."
NO_CONSENT_SCOPE = "동의 범위를 적으십시오."
NO_STOP_REASON = "공유를 중단하는 이유를 적으십시오."
OTHER_NEEDS_NOTE = "기타 사유를 적으십시오."


def nominate(family, actor, reasons=("repeat",), note="아이가 불안해함") -> Nomination:
    return services.nominate(
        services.NominationData(
            persons=[(family["victim"], "victim"), (family["suspect"], "suspect")], incidents=family["incidents"],
            reasons=list(reasons), note=note,
        ),
        actor=actor,
    )  # fmt: skip


def statute(institution, scope=Share.Scope.FULL, code="child-welfare-act"):
    return services.ShareData(institution=institution, basis=Share.Basis.STATUTE, statute=code, scope=scope)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def names(family) -> list[str]:
    return [family["victim"].given_name, family["suspect"].given_name]


def signs_in(response) -> bool:
    return bool(response.status_code == 302 and response["Location"].startswith(SIGN_IN))


@pytest.fixture
def nomination(family, social_worker) -> Nomination:
    """The child protection agency nominates the family; waiting for the 동부 coordinator."""
    return nominate(family, social_worker)


# --- the list ----------------------------------------------------------------------------------------------


@pytest.mark.access_route("cases:list")
def test_the_case_list_shows_visible_cases_without_names(
    client, as_user, family, nomination, officer, social_worker, counsellor, head, secretariat, auditor, stranger
):
    assert signs_in(client.get("/cases/"))
    for user in (head, secretariat, auditor, stranger):
        assert as_user(user).get("/cases/").status_code == 403, user
    code = nomination.case.code

    outsider = as_user(counsellor).get("/cases/")
    assert outsider.status_code == 200
    assert code not in outsider.content.decode()

    coordinator = as_user(officer).get("/cases/")
    page = coordinator.content.decode()
    assert [n.pk for n in coordinator.context["pending"]] == [nomination.pk], "the station's nominations first"
    assert 'data-testid="pending-nominations"' in page
    assert page.index('data-testid="pending-nominations"') < page.index('data-testid="cases"')
    assert code in page
    for name in names(family):
        assert name not in page, "no names in the list"
    [row] = coordinator.context["page"].object_list
    assert row.person_count == 2
    assert AccessEvent.objects.filter(verb="cases.list", actor=officer).get().detail["cases"] == [row.pk]

    nominator = as_user(social_worker).get("/cases/")
    assert code in nominator.content.decode()
    assert nominator.context["pending"] == [], "only a station's coordinator reviews nominations"

    assert list(as_user(officer).get("/cases/?status=declined").context["page"].object_list) == []
    assert list(as_user(officer).get("/cases/?status=nominated").context["page"].object_list) == [row]


def test_the_list_is_paginated_newest_first(as_user, family, reports, officer):
    first = nominate(family, officer).case
    other = reports.person("김", "하나", "1970-01-01")
    report = reports.report(timezone.now() - datetime.timedelta(days=1), victim=other)
    later = services.nominate(
        services.NominationData(persons=[(other, "victim")], incidents=[report], reasons=["high_risk"]), actor=officer
    )
    response = as_user(officer).get("/cases/")
    assert [case.pk for case in response.context["page"].object_list] == [later.case_id, first.pk]
    assert response.context["page"].paginator.per_page == 50


# --- nominating --------------------------------------------------------------------------------------------


@pytest.mark.access_route("cases:nominate")
def test_nominating_a_report_keeps_what_was_typed_and_opens_the_case(
    client, as_user, family, social_worker, counsellor, head
):
    report = family["incidents"][1]  # recorded by the child protection agency
    url = f"/cases/nominate/?incident={report.pk}"
    assert signs_in(client.get(url))
    assert as_user(head).get(url).status_code == 403
    assert as_user(counsellor).get(url).status_code == 404, "not a report the Wee centre may see"
    worker = as_user(social_worker)
    assert worker.get("/cases/nominate/").status_code == 404
    assert worker.get("/cases/nominate/?incident=x").status_code == 404

    form = worker.get(url)
    assert form.status_code == 200
    page = form.content.decode()
    for name in names(family):
        assert name in page
    victim, suspect = family["victim"], family["suspect"]
    assert form.context["form"][f"role_{victim.pk}"].value() == "victim"
    assert form.context["form"][f"role_{suspect.pk}"].value() == "suspect"
    assert form.context["station"].code == "jeju-dongbu"

    missing = worker.post(url, {"note": "아이가 학교에 오지 않음", f"role_{victim.pk}": "victim"})
    assert missing.status_code == 400
    page = missing.content.decode()
    assert NO_REASON in page
    assert "아이가 학교에 오지 않음" in page, "nothing typed is lost"
    assert not Case.objects.exists()

    other = worker.post(url, {"reasons": ["other"], f"role_{victim.pk}": "victim"})
    assert other.status_code == 400
    assert OTHER_NEEDS_NOTE in other.content.decode()
    assert other.context["form"].errors["note"] == [OTHER_NEEDS_NOTE], "the service's refusal is next to its field"
    assert other.context["form"]["reasons"].value() == ["other"], "the reasons stay ticked"

    done = worker.post(
        url, {"reasons": ["repeat", "professional_judgement"], "note": "아이가 학교에 오지 않음",
              f"role_{victim.pk}": "victim", f"role_{suspect.pk}": "suspect"},
    )  # fmt: skip
    case = Case.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/cases/{case.pk}/"
    nomination = case.nominations.get()
    assert (nomination.reasons, nomination.note) == (["repeat", "professional_judgement"], "아이가 학교에 오지 않음")
    assert set(case.members.values_list("person_id", "role")) == {(victim.pk, "victim"), (suspect.pk, "suspect")}
    assert list(case.incidents.all()) == [report]


def test_nominating_asks_for_the_council_only_when_no_station_covers_the_place(
    as_user, family, reports, officer, social_worker
):
    victim = family["victim"]
    coordinator = as_user(officer)
    person_page = coordinator.get(f"/incidents/persons/{victim.pk}/").content.decode()
    assert f'href="/cases/nominate/?person={victim.pk}"' in person_page
    report_page = coordinator.get(f"/incidents/{family['incidents'][0].pk}/").content.decode()
    assert f'href="/cases/nominate/?incident={family["incidents"][0].pk}"' in report_page
    from_person = coordinator.get(f"/cases/nominate/?person={victim.pk}")
    assert from_person.context["station"].code == "jeju-dongbu", "the newest of her reports' place"
    assert "station" not in from_person.context["form"].fields

    stranger = reports.person("문", "지호", "2012-05-05")
    nowhere = reports.report(timezone.now() - datetime.timedelta(days=2), victim=stranger, region=None)
    url = f"/cases/nominate/?incident={nowhere.pk}"
    form = coordinator.get(url)
    assert form.context["station"] is None
    assert "station" in form.context["form"].fields
    missing = coordinator.post(
        url, {"reasons": ["high_risk"], f"role_{stranger.pk}": "victim", "note": "야간 순찰 요청"}
    )
    assert missing.status_code == 400
    assert missing.context["form"].errors["station"]
    assert "야간 순찰 요청" in missing.content.decode()

    station = PoliceStation.objects.get(code="jeju-seobu")
    done = coordinator.post(url, {"reasons": ["high_risk"], f"role_{stranger.pk}": "victim", "station": station.pk})
    case = Case.objects.get()
    assert done["Location"] == f"/cases/{case.pk}/"
    assert case.station == station
    assert list(case.members.values_list("role", flat=True)) == ["victim"]

    # Without a victim there is no case: said on the form, the reasons kept.
    no_victim = as_user(social_worker).get(f"/cases/nominate/?incident={family['incidents'][1].pk}")
    assert no_victim.status_code == 200
    refused = as_user(social_worker).post(
        f"/cases/nominate/?incident={family['incidents'][1].pk}",
        {"reasons": ["escalation"], f"role_{victim.pk}": "", f"role_{family['suspect'].pk}": "suspect"},
    )
    assert refused.status_code == 400
    assert "사례에는 대상자(피해자)가 있어야 합니다." in refused.content.decode()
    assert refused.context["form"]["reasons"].value() == ["escalation"]


# --- the case page -----------------------------------------------------------------------------------------


@pytest.mark.access_route("cases:detail")
def test_the_case_page_in_full_and_in_summary(
    client, as_user, family, nomination, officer, social_worker, counsellor, head, secretariat
):
    case = nomination.case
    url = f"/cases/{case.pk}/"
    assert signs_in(client.get(url))
    for user in (counsellor, head, secretariat):
        assert as_user(user).get(url).status_code == 404, user
    assert as_user(officer).get("/cases/999999/").status_code == 404

    full = as_user(officer).get(url)
    assert full.status_code == 200
    page = full.content.decode()
    for name in names(family):
        assert name in page
    assert "아이가 불안해함" in page, "the nomination's note, in full scope"
    kinds = [entry.kind for entry in full.context["page"].timeline]
    assert kinds.count("report") == 2
    assert kinds.count("event") == 1
    times = [entry.at for entry in full.context["page"].timeline]
    assert times == sorted(times, reverse=True), "newest first"
    assert full.context["page"].hidden_reports == 0
    assert 'data-testid="decide-nomination"' in page
    event = AccessEvent.objects.filter(verb="case.view", actor=officer).get()
    assert (event.purpose, event.detail, event.target_id) == ("case page", {"scope": "full"}, str(case.pk))

    summary = english(as_user(social_worker)).get(url)
    assert summary.status_code == 200
    page = summary.content.decode()
    for person in (family["victim"], family["suspect"]):
        assert person.given_name not in page, "no names in summary scope"
        assert person.family_name + person.given_name not in page
        assert person.code not in page
    assert "아이가 불안해함" in page, "the nominating institution reads its own note"
    assert 'data-testid="scope-summary"' in page
    members = summary.context["page"].members
    assert [(m.role, m.name, m.age_band) for m in members] == [
        ("victim", "", "in their 30s"),
        ("suspect", "", "in their 40s"),
    ]
    assert 'data-testid="decide-nomination"' not in page
    assert 'data-testid="share-panel"' not in page, "only the station and the lead institution add institutions"
    # The report the agency recorded is in its timeline; the police's is counted.
    reports = [entry for entry in summary.context["page"].timeline if entry.kind == "report"]
    assert [entry.text.split(" · ")[0] for entry in reports] == [family["incidents"][1].code]
    assert summary.context["page"].hidden_reports == 1
    assert AccessEvent.objects.filter(verb="case.view", actor=social_worker).get().detail == {"scope": "summary"}


def test_the_timeline_gathers_reports_assessments_and_flags_across_institutions(
    as_user,
    family,
    nomination,
    test_pack,  # noqa: F811 (the fixture)
    officer,
    social_worker,
):
    assessment = risk.start(family["victim"], test_pack, actor=social_worker)
    risk.complete(assessment, dict.fromkeys(["choked", "threats", "more_often", "drinking", "afraid"], "yes"),
                  actor=social_worker)  # fmt: skip
    flag = Flag.objects.get(rule_id="household_grade_b")
    response = as_user(officer).get(f"/cases/{nomination.case_id}/")
    timeline = response.context["page"].timeline
    [risk_entry] = [entry for entry in timeline if entry.kind == "assessment"]
    assert (risk_entry.band.label, risk_entry.who) == ("심각", "제주아동보호전문기관 · 양수진")  # and who
    assert family["victim"].given_name in risk_entry.text, "whose assessment, by name in full scope"
    assert risk_entry.url == f"/risk/{assessment.pk}/", "the victim is in the station's area"
    flags = {entry.url: entry for entry in timeline if entry.kind == "flag"}
    assert flags[f"/repeats/{flag.pk}/"].text == flag.explanation_ko
    raised = Flag.objects.get(rule_id="high_risk_assessment")
    assert f"/repeats/{raised.pk}/" in flags, "the flag the top band raised, too"
    assert [entry.kind for entry in timeline] == ["assessment", "flag", "event", "report", "flag", "report"]
    [nominated] = [entry for entry in timeline if entry.kind == "event"]
    assert nominated.who == "제주아동보호전문기관 · 양수진", "the case's own events name who acted"
    page = response.content.decode()
    assert flag.explanation_ko in page
    assert "심각" in page

    summary = as_user(social_worker).get(f"/cases/{nomination.case_id}/")
    [risk_entry] = [entry for entry in summary.context["page"].timeline if entry.kind == "assessment"]
    assert family["victim"].given_name not in risk_entry.text
    assert risk_entry.url == f"/risk/{assessment.pk}/", "the agency opens its own assessment"


def test_the_case_page_does_not_grow_in_queries(
    as_user, family, reports, nomination, officer, django_assert_num_queries
):
    client = as_user(officer)
    url = f"/cases/{nomination.case_id}/"
    client.get(url)
    with django_assert_num_queries(24) as counted:
        client.get(url)
    reports.report(timezone.now() - datetime.timedelta(days=1), victim=family["victim"], suspect=family["suspect"])
    nominate(family, officer, reasons=["escalation"])
    with django_assert_num_queries(len(counted.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].nominations) == 2


# --- deciding ----------------------------------------------------------------------------------------------


@pytest.mark.access_route("cases:decide")
def test_the_station_coordinator_accepts_with_a_basis_for_another_lead(
    client, as_user, family, nomination, officer, social_worker, counsellor, child_protection
):
    url = f"/cases/nominations/{nomination.pk}/decide/"
    prefix = f"accept-{nomination.pk}"
    accept = {"decision": "accept", f"{prefix}-lead_institution": child_protection.pk}
    assert signs_in(client.post(url, accept))
    assert as_user(counsellor).post(url, accept).status_code == 404
    assert as_user(social_worker).post(url, accept).status_code == 403, "the nominator sees the case, not decides"
    coordinator = as_user(officer)
    assert coordinator.get(url).status_code == 405

    no_basis = coordinator.post(url, accept)
    assert no_basis.status_code == 400
    form = no_basis.context["decisions"][0][1]
    assert form.errors["basis"] == [NO_LEAD_BASIS], "the error is next to the basis"
    assert form["lead_institution"].value() == str(child_protection.pk), "the choice is kept"

    consent = coordinator.post(url, {**accept, f"{prefix}-basis": "consent", f"{prefix}-consent_until": "2099-01-01"})
    assert consent.status_code == 400
    form = consent.context["decisions"][0][1]
    assert form.errors["consent_given_by"] == [NO_CONSENT_BY]
    assert form.errors["consent_given_on"] == [NO_CONSENT_ON]
    assert form.errors["consent_scope"] == [NO_CONSENT_SCOPE]
    assert 'value="2099-01-01"' in consent.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PENDING
    assert not Share.objects.exists()

    done = coordinator.post(url, {**accept, f"{prefix}-basis": "statute", f"{prefix}-statute": "child-welfare-act",
                                  f"{prefix}-scope": "full"})  # fmt: skip
    assert done.status_code == 302
    case = Case.objects.get()
    assert (case.status, case.lead_institution) == (Case.Status.ACCEPTED, child_protection)
    assert Share.objects.get().statute == "child-welfare-act"
    page = as_user(social_worker).get(f"/cases/{case.pk}/").content.decode()
    assert family["victim"].given_name in page, "the lead institution now sees the case in full"
    assert "아동복지법" in page
    assert coordinator.post(url, accept).status_code == 302, "deciding twice: a message, not an error page"


def test_the_station_itself_leads_without_a_basis_and_declining_needs_a_reason(
    as_user, family, nomination, officer, dongbu_station
):
    coordinator = as_user(officer)
    url = f"/cases/nominations/{nomination.pk}/decide/"
    missing = coordinator.post(url, {"decision": "decline", f"decline-{nomination.pk}-reason": " "})
    assert missing.status_code == 400
    assert "선정하지 않는 이유를 적으십시오." in missing.content.decode()

    accepted = coordinator.post(
        url, {"decision": "accept", f"accept-{nomination.pk}-lead_institution": dongbu_station.pk}
    )
    assert accepted.status_code == 302
    assert Case.objects.get().status == Case.Status.ACCEPTED
    assert not Share.objects.exists()

    second = nominate(family, officer, reasons=["escalation"])
    declined = coordinator.post(
        f"/cases/nominations/{second.pk}/decide/",
        {"decision": "decline", f"decline-{second.pk}-reason": "이미 논의 중"},
    )
    assert declined.status_code == 302
    second.refresh_from_db()
    assert second.status == Nomination.Status.DECLINED


# --- sharing -----------------------------------------------------------------------------------------------


@pytest.mark.access_route("cases:share")
def test_adding_an_institution_needs_a_basis_and_keeps_what_was_typed(
    client, as_user, family, nomination, officer, social_worker, counsellor, wee_centre
):
    case = nomination.case
    url = f"/cases/{case.pk}/share/"
    data = {"share-institution": wee_centre.pk, "share-basis": "consent", "share-consent_given_by": "피해자 본인(서면)",
            "share-scope": "summary"}  # fmt: skip
    assert signs_in(client.post(url, data))
    assert as_user(counsellor).post(url, data).status_code == 404
    assert as_user(social_worker).post(url, data).status_code == 403, "a summary nominator does not share"
    coordinator = as_user(officer)
    assert as_user(counsellor).get(url).status_code == 404
    assert as_user(social_worker).get(url).status_code == 403
    page = coordinator.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="share-panel"' in page
    assert f'hx-get="{url}"' in page  # the form is loaded when the panel opens
    assert 'data-testid="share-form"' not in page
    panel = coordinator.get(url)
    assert panel.status_code == 200
    assert 'data-testid="share-form"' in panel.content.decode()
    assert f'value="{wee_centre.pk}"' in panel.content.decode()  # an institution that may be added

    refused = coordinator.post(url, {**data, "share-consent_given_on": "2026-13-45"})
    assert refused.status_code == 400
    form = refused.context["share_form"]
    assert set(form.errors) == {"consent_given_on", "consent_scope"}, "every problem at once"
    assert form.errors["consent_scope"] == [NO_CONSENT_SCOPE]
    page = refused.content.decode()
    assert "피해자 본인(서면)" in page, "nothing typed is lost"
    assert "2026-13-45" in page, "not even a date that is not one"
    assert not Share.objects.exists()

    none = coordinator.post(url, {"share-institution": wee_centre.pk})
    assert none.context["share_form"].errors["basis"]

    today = timezone.localdate().isoformat()
    done = coordinator.post(url, {**data, "share-consent_given_on": today, "share-consent_scope": "자녀 학교생활 지원"})
    assert done.status_code == 302
    share = Share.objects.get()
    assert (share.institution, share.basis, share.scope) == (wee_centre, "consent", "summary")
    outsider_now = as_user(counsellor).get(f"/cases/{case.pk}/")
    assert outsider_now.status_code == 200
    page = outsider_now.content.decode()
    assert family["victim"].given_name not in page, "summary: no names"
    assert "피해자 본인(서면)" not in page, "nor who consented"

    again = coordinator.post(url, {"share-institution": wee_centre.pk, "share-basis": "statute",
                                   "share-statute": "child-welfare-act", "share-scope": "full"})  # fmt: skip
    assert again.status_code == 400, "the Wee centre is no longer offered: it takes part already"
    assert again.context["share_form"].errors["institution"]


@pytest.mark.access_route("cases:revoke")
def test_a_revoked_share_stops_at_once(client, as_user, family, nomination, officer, social_worker, counsellor, head):
    case = nomination.case
    share = services.grant_share(
        case,
        services.ShareData(
            institution=counsellor.membership.institution, basis=Share.Basis.CONSENT, consent_given_by="피해자 본인",
            consent_given_on=timezone.localdate(), consent_scope="학교생활 지원", scope=Share.Scope.SUMMARY,
        ),
        actor=officer,
    )  # fmt: skip
    url = f"/cases/shares/{share.pk}/revoke/"
    prefix = f"revoke-{share.pk}"
    assert as_user(counsellor).get(f"/cases/{case.pk}/").status_code == 200
    assert signs_in(client.post(url, {f"{prefix}-reason": "x"}))
    assert as_user(head).post(url, {f"{prefix}-reason": "x"}).status_code == 404
    assert as_user(social_worker).post(url, {f"{prefix}-reason": "x"}).status_code == 403
    coordinator = as_user(officer)
    assert coordinator.get(url).status_code == 405

    missing = coordinator.post(url, {f"{prefix}-consent_withdrawn": "on"})
    assert missing.status_code == 400
    assert NO_STOP_REASON in missing.content.decode()
    [(_view, form)] = missing.context["share_rows"]
    assert form["consent_withdrawn"].value() is True, "the tick is kept"

    done = coordinator.post(url, {f"{prefix}-reason": "피해자가 동의를 철회함", f"{prefix}-consent_withdrawn": "on"})
    assert done.status_code == 302
    assert as_user(counsellor).get(f"/cases/{case.pk}/").status_code == 404, "at once"
    assert as_user(counsellor).post(url, {f"{prefix}-reason": "x"}).status_code == 404
    event = CaseEvent.objects.filter(kind="share_revoke").get()
    assert event.detail["consent_withdrawn"] is True
    page = coordinator.get(f"/cases/{case.pk}/")
    [ended] = page.context["page"].ended_shares
    assert "피해자가 동의를 철회함" in ended.ended
    assert 'data-testid="ended-share"' in page.content.decode()
    assert coordinator.post(url, {f"{prefix}-reason": "again"}).status_code == 302, "revoked already: a message"


def test_an_institution_may_stop_its_own_share(as_user, family, nomination, officer, counsellor, wee_centre):
    share = services.grant_share(nomination.case, statute(wee_centre, scope=Share.Scope.SUMMARY), actor=officer)
    response = as_user(counsellor).post(f"/cases/shares/{share.pk}/revoke/", {f"revoke-{share.pk}-reason": "관련 없음"})
    assert response.status_code == 302
    assert response["Location"] == "/cases/", "the case is no longer theirs to see"


def test_a_consent_that_ran_out_is_renewed_on_the_share_page(
    as_user, family, nomination, officer, counsellor, wee_centre
):
    case = nomination.case
    today = timezone.localdate()
    old = services.grant_share(
        case,
        services.ShareData(
            institution=wee_centre, basis=Share.Basis.CONSENT, consent_given_by="피해자 본인", consent_scope="학교생활",
            consent_given_on=today - datetime.timedelta(days=200), consent_until=today,
        ),
        actor=officer,
    )  # fmt: skip
    Share.objects.filter(pk=old.pk).update(consent_until=today - datetime.timedelta(days=1))
    assert as_user(counsellor).get(f"/cases/{case.pk}/").status_code == 404, "ran out: no longer shared"
    coordinator = as_user(officer)
    [ended] = coordinator.get(f"/cases/{case.pk}/").context["page"].ended_shares
    assert ended.share == old
    assert ended.ended

    renewed = coordinator.post(
        f"/cases/{case.pk}/share/",
        {"share-institution": wee_centre.pk, "share-basis": "consent", "share-consent_given_by": "피해자 본인(재동의)",
         "share-consent_given_on": today.isoformat(), "share-consent_scope": "학교생활", "share-scope": "summary"},
    )  # fmt: skip
    assert renewed.status_code == 302, "the consent given again replaces the one that ran out"
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert Share.objects.get(revoked_at__isnull=True).consent_given_by == "피해자 본인(재동의)"
    assert as_user(counsellor).get(f"/cases/{case.pk}/").status_code == 200
    [ended] = coordinator.get(f"/cases/{case.pk}/").context["page"].ended_shares
    assert (today - datetime.timedelta(days=1)).isoformat() in ended.ended, "ended because it ran out, and when"


def test_a_lead_whose_consent_ran_out_needs_a_basis_again(as_user, family, nomination, officer, child_protection):
    today = timezone.localdate()
    old = services.grant_share(
        nomination.case,
        services.ShareData(
            institution=child_protection, basis=Share.Basis.CONSENT, consent_given_by="피해자 본인",
            consent_scope="상담", consent_given_on=today - datetime.timedelta(days=90), consent_until=today,
        ),
        actor=officer,
    )  # fmt: skip
    Share.objects.filter(pk=old.pk).update(consent_until=today - datetime.timedelta(days=1))
    url = f"/cases/nominations/{nomination.pk}/decide/"
    refused = as_user(officer).post(
        url, {"decision": "accept", f"accept-{nomination.pk}-lead_institution": child_protection.pk}
    )
    assert refused.status_code == 400, "a share that ran out is no basis"
    assert refused.context["decisions"][0][1].errors["basis"] == [NO_LEAD_BASIS]


@pytest.mark.access_route("cases:monitor")
@pytest.mark.access_route("cases:contact")
@pytest.mark.access_route("cases:close")
def test_monitoring_contacts_and_closing_through_the_case_page(client, as_user, family, officer, counsellor):
    from jss.cases import services as case_services

    nomination = case_services.nominate(
        case_services.NominationData(persons=[(family["victim"], "victim")], incidents=family["incidents"],
                                     reasons=["repeat"]),
        actor=officer,
    )  # fmt: skip
    case = case_services.accept(nomination, actor=officer, lead_institution=officer.membership.institution)
    coordinator = as_user(officer)
    base = f"/cases/{case.pk}"
    for url in (f"{base}/monitor/", f"{base}/contacts/", f"{base}/close/"):
        assert client.post(url).status_code == 302  # to sign in
        assert as_user(counsellor).post(url).status_code == 404
        assert coordinator.get(url).status_code == 405
    assert "모니터링 시작" in coordinator.get(f"{base}/").content.decode()
    coordinator.post(f"{base}/monitor/", {"version": case.version})
    case.refresh_from_db()
    assert case.status == "monitoring"

    refused = coordinator.post(f"{base}/contacts/", {"contact-contacted_on": "2026-01-05", "contact-kind": "phone"})
    assert refused.status_code == 400
    assert "동의" in refused.content.decode()
    assert coordinator.post(
        f"{base}/contacts/",
        {"contact-contacted_on": "2026-01-05", "contact-kind": "visit", "contact-with_consent": "on",
         "contact-reached": "on", "contact-note": "아이와 함께 면담"},
    ).status_code == 302  # fmt: skip
    assert "아이와 함께 면담" in coordinator.get(f"{base}/").content.decode()

    stale = coordinator.post(
        f"{base}/close/", {"close-version": 1, "close-outcome": "no_repeat", "close-note": "재발 없이 종결"}
    )
    assert stale.status_code == 400
    page = stale.content.decode()
    assert "재발 없이 종결" in page  # their text is kept
    assert "다른 사람이 이 사례를 바꾸었습니다" in page
    case.refresh_from_db()
    done = coordinator.post(
        f"{base}/close/", {"close-version": case.version, "close-outcome": "no_repeat", "close-note": "재발 없이 종결"}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("closed", "no_repeat")
    assert "새 신고가 있으면 다시 열립니다" in coordinator.get(f"{base}/").content.decode()


def test_the_coordinators_home_page_counts_the_nominations_to_review(as_user, family, officer, social_worker):
    from jss.cases import services as case_services

    case_services.nominate(
        case_services.NominationData(persons=[(family["victim"], "victim")], incidents=family["incidents"],
                                     reasons=["repeat"]),
        actor=social_worker,
    )  # fmt: skip
    assert as_user(officer).get("/").context["work"]["nominations"] == 1
    assert as_user(social_worker).get("/").context["work"]["nominations"] == 0
