"""Cases through the services: nomination, acceptance, lawful sharing and who sees what."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from jss.audit.models import AccessEvent
from jss.cases import services
from jss.cases.access import get_case_for_user, scope_for, visible_cases
from jss.cases.models import Case, CaseEvent, Nomination, Share
from jss.repeats.engine import evaluate_all
from jss.repeats.models import Flag
from jss.repeats.services import propose_flag
from jss.risk import services as risk
from jss.risk.tests.conftest import test_pack  # noqa: F401 (a fixture)


def nominate(family, actor, reasons=("repeat",), note=""):
    return services.nominate(
        services.NominationData(
            persons=[(family["victim"], "victim"), (family["suspect"], "suspect")], incidents=family["incidents"],
            reasons=list(reasons), note=note,
        ),
        actor=actor,
    )  # fmt: skip


def statute(institution, code="child-welfare-act", scope=Share.Scope.FULL):
    return services.ShareData(institution=institution, basis=Share.Basis.STATUTE, statute=code, scope=scope)


def test_a_protection_institution_nominates_and_the_station_accepts(family, social_worker, officer, child_protection):
    nomination = nominate(family, social_worker, reasons=["repeat", "professional_judgement"], note="아이가 불안해함")
    case = nomination.case
    assert case.status == Case.Status.NOMINATED
    assert case.station.code == "jeju-dongbu"  # from the newest report's place
    assert set(case.members.values_list("role", flat=True)) == {"victim", "suspect"}
    assert case.incidents.count() == 2
    assert nomination.reason_labels() == ["반복", "전문가 판단"]
    # Before acceptance the nominating institution sees a summary; the coordinator all of it.
    assert scope_for(social_worker, case) == "summary"
    assert scope_for(officer, case) == "full"

    with pytest.raises(services.CaseError):
        services.accept(nomination, actor=social_worker, lead_institution=child_protection)
    with pytest.raises(services.CaseError) as no_basis:
        services.accept(nomination, actor=officer, lead_institution=child_protection)
    assert no_basis.value.field == "basis"
    services.accept(nomination, actor=officer, lead_institution=child_protection, lead_share=statute(child_protection))

    case.refresh_from_db()
    assert (case.status, case.lead_institution) == (Case.Status.ACCEPTED, child_protection)
    assert scope_for(social_worker, case) == "full"
    assert [e.kind for e in CaseEvent.objects.filter(case=case)] == ["nominate", "share_grant", "accept"]
    assert AccessEvent.objects.filter(verb="cases.share_grant", actor=officer).count() == 1


def test_a_second_nomination_of_the_same_victim_joins_the_open_case(family, social_worker, officer):
    first = nominate(family, social_worker)
    second = nominate(family, officer, reasons=["escalation"])
    assert second.case == first.case
    assert Case.objects.count() == 1


def test_declining_needs_a_reason(family, social_worker, officer):
    nomination = nominate(family, social_worker)
    with pytest.raises(services.CaseError) as missing:
        services.decline(nomination, actor=officer, reason=" ")
    assert missing.value.field == "reason"
    case = services.decline(nomination, actor=officer, reason="이미 다른 협의체에서 다룸")
    assert case.status == Case.Status.DECLINED
    assert case.declined_reason == "이미 다른 협의체에서 다룸"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"basis": ""}, "basis"),
        ({"basis": "statute", "statute": "not-a-law"}, "statute"),
        ({"basis": "consent", "consent_given_on": datetime.date(2026, 1, 1), "consent_scope": "사례 공유"}, "consent_given_by"),
        ({"basis": "consent", "consent_given_by": "피해자 본인", "consent_scope": "x"}, "consent_given_on"),
        ({"basis": "consent", "consent_given_by": "피해자 본인", "consent_given_on": datetime.date(2099, 1, 1),
          "consent_scope": "x"}, "consent_given_on"),
        ({"basis": "consent", "consent_given_by": "피해자 본인", "consent_given_on": datetime.date(2026, 1, 1),
          "consent_scope": ""}, "consent_scope"),
        ({"basis": "consent", "consent_given_by": "피해자 본인", "consent_given_on": datetime.date(2026, 1, 1),
          "consent_scope": "x", "consent_until": datetime.date(2025, 1, 1)}, "consent_until"),
    ],
)  # fmt: skip
def test_sharing_without_a_basis_is_impossible(family, officer, wee_centre, data, field):
    case = nominate(family, officer).case
    with pytest.raises(services.CaseError) as refused:
        services.grant_share(case, services.ShareData(institution=wee_centre, **data), actor=officer)
    assert refused.value.field == field
    assert not Share.objects.exists()


def test_consent_sharing_stops_when_withdrawn_or_run_out(family, officer, counsellor, wee_centre):
    case = nominate(family, officer).case
    assert case not in visible_cases(counsellor)
    share = services.grant_share(
        case,
        services.ShareData(
            institution=wee_centre, basis=Share.Basis.CONSENT, consent_given_by="피해자 본인(서면)",
            consent_given_on=timezone.localdate(), consent_scope="자녀 학교생활 지원에 필요한 범위",
            consent_until=timezone.localdate() + datetime.timedelta(days=180), scope=Share.Scope.SUMMARY,
        ),
        actor=officer,
    )  # fmt: skip
    assert get_case_for_user(counsellor, case.pk) == case
    assert scope_for(counsellor, case) == "summary"
    with pytest.raises(services.CaseError):
        services.grant_share(case, statute(wee_centre), actor=officer)  # already taking part
    with pytest.raises(services.CaseError):
        services.revoke_share(share, actor=officer, reason="")
    services.revoke_share(share, actor=officer, reason="피해자가 동의를 철회함", consent_withdrawn=True)
    assert case not in visible_cases(counsellor)  # at once
    event = AccessEvent.objects.filter(verb="cases.share_revoke").get()
    assert event.detail["consent_withdrawn"] is True

    again = services.grant_share(
        case,
        services.ShareData(
            institution=wee_centre, basis=Share.Basis.CONSENT, consent_given_by="피해자 본인",
            consent_given_on=timezone.localdate() - datetime.timedelta(days=30), consent_scope="x",
            consent_until=timezone.localdate(),
        ),
        actor=officer,
    )  # fmt: skip
    assert case in visible_cases(counsellor)
    Share.objects.filter(pk=again.pk).update(consent_until=timezone.localdate() - datetime.timedelta(days=1))
    assert case not in visible_cases(counsellor)  # ran out


def test_outsiders_and_other_roles_see_no_case(family, officer, counsellor, head, secretariat, auditor):
    case = nominate(family, officer).case
    for user in (counsellor, head, secretariat, auditor):
        assert case not in visible_cases(user), user
        assert scope_for(user, case) is None


def test_a_proposal_on_the_triage_list_becomes_a_nomination(family, reports, officer):
    reports.report(timezone.now() - datetime.timedelta(days=1), victim=family["victim"], suspect=family["suspect"])
    evaluate_all(now=timezone.now())
    flag = Flag.objects.get(rule_id="escalation", state="active")
    propose_flag(flag, note="세 번째 신고", actor=officer)
    nomination = Nomination.objects.get(flag=flag)
    assert nomination.reasons == ["escalation"]
    assert nomination.case.station.code == "jeju-dongbu"
    assert {m.role for m in nomination.case.members.all()} == {"victim", "suspect"}


def test_a_case_shared_in_full_opens_its_persons_and_reports_and_no_more(family, officer, counsellor, wee_centre):
    from jss.incidents.access import visible_incidents
    from jss.people.access import visible_persons

    case = nominate(family, officer).case
    assert not visible_persons(counsellor).exists()
    summary = services.grant_share(case, statute(wee_centre, scope=Share.Scope.SUMMARY), actor=officer)
    assert not visible_persons(counsellor).exists(), "a summary share shows no names"
    services.revoke_share(summary, actor=officer, reason="범위 변경")
    full = services.grant_share(case, statute(wee_centre), actor=officer)
    assert set(visible_persons(counsellor)) == {family["victim"], family["suspect"]}
    assert set(visible_incidents(counsellor)) == set(family["incidents"])
    services.revoke_share(full, actor=officer, reason="사례 종결")
    assert not visible_persons(counsellor).exists()
    assert not visible_incidents(counsellor).exists()


def accepted_case(family, officer):
    nomination = nominate(family, officer)
    return services.accept(nomination, actor=officer, lead_institution=officer.membership.institution)


def contact(**overrides: Any) -> services.ContactData:
    values: dict[str, Any] = {"contacted_on": timezone.localdate(), "kind": "phone", "with_consent": True,
                              "note": "안부 확인"}  # fmt: skip
    values.update(overrides)
    return services.ContactData(**values)


def test_monitoring_contacts_need_consent_and_default_to_monthly(family, officer, counsellor):
    case = accepted_case(family, officer)
    with pytest.raises(services.CaseError):
        services.log_contact(case, contact(), actor=officer)  # not monitored yet
    case = services.start_monitoring(case, actor=officer)
    assert case.status == Case.Status.MONITORING
    for bad, field in [
        (contact(with_consent=False), "with_consent"),
        (contact(contacted_on=timezone.localdate() + datetime.timedelta(days=1)), "contacted_on"),
        (contact(kind="letter"), "kind"),
        (contact(next_contact_by=timezone.localdate()), "next_contact_by"),
    ]:
        with pytest.raises(services.CaseError) as refused:
            services.log_contact(case, bad, actor=officer)
        assert refused.value.field == field
    logged = services.log_contact(case, contact(), actor=officer)
    assert logged.next_contact_by == timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(services.CaseError):
        services.log_contact(case, contact(), actor=counsellor)  # an outsider


def test_closing_needs_an_outcome_and_a_note_and_refuses_a_stale_version(family, officer):
    case = accepted_case(family, officer)
    seen = case.version
    services.start_monitoring(case, actor=officer)  # someone else moves the case on meanwhile
    with pytest.raises(services.CaseError) as stale:
        services.close(case, outcome="no_repeat", note="재발 없음", actor=officer, version=seen)
    assert stale.value.field == "version"
    case.refresh_from_db()
    with pytest.raises(services.CaseError) as no_note:
        services.close(case, outcome="no_repeat", note=" ", actor=officer, version=case.version)
    assert no_note.value.field == "note"
    closed = services.close(
        case, outcome="no_repeat", note="3개월 모니터링 중 재발 없음", actor=officer, version=case.version
    )
    assert (closed.status, closed.outcome, closed.closing_note) == (
        "closed",
        "no_repeat",
        "3개월 모니터링 중 재발 없음",
    )


def test_a_new_report_within_a_year_of_closure_reopens_the_case(family, reports, officer):
    case = services.close(accepted_case(family, officer), outcome="risk_reduced", note="종결", actor=officer)
    other = reports.person("문", "다른", "1990-01-01")
    reports.report(timezone.now(), victim=other)  # about someone else: nothing happens
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    incident = reports.report(timezone.now(), victim=family["victim"], suspect=family["suspect"])
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED
    assert case.reopened_at is not None
    assert incident in case.incidents.all()
    assert CaseEvent.objects.filter(case=case, kind="reopen").exists()


def test_a_report_more_than_a_year_after_closure_does_not_reopen(family, reports, officer):
    case = services.close(accepted_case(family, officer), outcome="risk_reduced", note="종결", actor=officer)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - datetime.timedelta(days=400))
    reports.report(timezone.now(), victim=family["victim"], suspect=family["suspect"])
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def test_a_suspect_nominated_as_a_victim_gets_a_case_of_their_own(family, officer):
    first = nominate(family, officer)
    counter = services.nominate(
        services.NominationData(persons=[(family["suspect"], "victim")], incidents=family["incidents"],
                                reasons=["other"], note="맞신고"),
        actor=officer,
    )  # fmt: skip
    assert counter.case != first.case


def test_a_declined_nomination_keeps_its_reason_even_on_an_accepted_case(family, officer, social_worker):
    accepted = nominate(family, officer)
    services.accept(accepted, actor=officer, lead_institution=officer.membership.institution)
    later = nominate(family, social_worker)
    services.decline(later, actor=officer, reason="이미 협의체에서 다루는 중")
    later.refresh_from_db()
    assert later.declined_reason == "이미 협의체에서 다루는 중"


def test_a_summary_share_is_no_basis_for_leading(family, officer, child_protection):
    nomination = nominate(family, officer)
    services.grant_share(nomination.case, statute(child_protection, scope=Share.Scope.SUMMARY), actor=officer)
    with pytest.raises(services.CaseError) as refused:
        services.accept(nomination, actor=officer, lead_institution=child_protection)
    assert refused.value.field == "basis"


def test_the_lead_loses_the_lead_with_its_basis(family, officer, child_protection):
    nomination = nominate(family, officer)
    case = services.accept(nomination, actor=officer, lead_institution=child_protection,
                           lead_share=statute(child_protection))  # fmt: skip
    share = Share.objects.get(case=case, institution=child_protection)
    services.revoke_share(share, actor=officer, reason="근거 재검토")
    case.refresh_from_db()
    assert case.lead_institution == officer.membership.institution
    assert CaseEvent.objects.filter(case=case, kind="lead_change").exists()


def test_the_timeline_names_who_assessed_only_to_who_may_open_the_assessment(
    family,
    reports,
    officer,
    wee_centre,
    counsellor,
    test_pack,  # noqa: F811 (the fixture)
):
    from jss.cases.queries import case_page

    case = nominate(family, officer).case
    services.grant_share(case, statute(wee_centre, scope=Share.Scope.SUMMARY), actor=officer)
    assessment = risk.start(family["victim"], test_pack, actor=officer)
    risk.complete(
        assessment, dict.fromkeys(["choked", "threats", "more_often", "drinking", "afraid"], "no"), actor=officer
    )
    [mine] = [e for e in case_page(officer, case, scope="full").timeline if e.kind == "assessment"]
    [theirs] = [e for e in case_page(counsellor, case, scope="summary").timeline if e.kind == "assessment"]
    assert (mine.who, mine.url) == ("제주동부경찰서 · 고태훈", f"/risk/{assessment.pk}/")
    assert (theirs.who, theirs.url) == ("제주동부경찰서", ""), "no colleague named beside a person they may not see"


def test_a_proposal_nominates_only_what_the_proposer_may_see(family, reports, social_worker, officer):
    reports.report(timezone.now() - datetime.timedelta(days=1), victim=family["victim"], suspect=family["suspect"])
    evaluate_all(now=timezone.now())
    flag = Flag.objects.get(rule_id="escalation", state="active")
    propose_flag(flag, note="", actor=social_worker)
    nomination = Nomination.objects.get(flag=flag)
    # The agency reported one of the three: only that report goes into the case.
    assert [i.source for i in nomination.case.incidents.all()] == ["child_protection"]


def test_the_timeline_shows_a_flags_explanation_only_to_who_may_open_the_flag(
    family, reports, officer, wee_centre, counsellor
):
    from jss.cases.queries import case_page

    reports.report(timezone.now() - datetime.timedelta(days=1), victim=family["victim"], suspect=family["suspect"])
    evaluate_all(now=timezone.now())
    case = nominate(family, officer).case
    services.grant_share(case, statute(wee_centre, scope=Share.Scope.SUMMARY), actor=officer)
    mine = [e for e in case_page(officer, case, scope="full").timeline if e.kind == "flag"]
    theirs = [e for e in case_page(counsellor, case, scope="summary").timeline if e.kind == "flag"]
    assert mine
    assert all(e.text for e in mine)
    assert theirs
    assert not any(e.text for e in theirs)


def test_the_timeline_names_monitoring_closure_and_reopening(family, reports, officer):
    from jss.cases.queries import case_page

    case = services.start_monitoring(accepted_case(family, officer), actor=officer)
    services.log_contact(case, contact(), actor=officer)
    services.close(case, outcome="no_repeat", note="종결", actor=officer)
    reports.report(timezone.now(), victim=family["victim"], suspect=family["suspect"])
    case.refresh_from_db()
    titles = [e.title for e in case_page(officer, case, scope="full").timeline if e.kind == "event"]
    for title in ("모니터링 시작", "모니터링 연락", "사례 종결", "재개: 종결 후 1년 안에 새 신고"):
        assert title in titles
