"""Assessments through the services: resume, answers, unknown is not no, critical items, overrides."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jss.audit.models import AccessEvent
from jss.risk import services
from jss.risk.models import Assessment


def test_starting_again_resumes_the_assessment_in_progress(test_pack, victim, officer):
    person, incident = victim
    first = services.start(person, test_pack, actor=officer, incident=incident)
    services.save_answer(first, "threats", "yes", actor=officer)
    again = services.start(person, test_pack, actor=officer)
    assert again.pk == first.pk
    assert again.answers == {"threats": "yes"}
    assert again.institution == officer.membership.institution
    assert AccessEvent.objects.filter(verb="risk.start").count() == 1


def test_a_missing_answer_is_asked_for_and_nothing_is_lost(test_pack, victim, officer):
    person, _incident = victim
    assessment = services.start(person, test_pack, actor=officer)
    with pytest.raises(services.MissingAnswersError) as missing:
        services.complete(assessment, {"choked": "no", "threats": "yes"}, actor=officer)
    assert missing.value.items == ("more_often", "drinking", "afraid")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.answers == {"choked": "no", "threats": "yes"}  # kept for the next try


def test_unknown_is_counted_never_taken_as_no(test_pack, victim, officer):
    person, _incident = victim
    assessment = services.start(person, test_pack, actor=officer)
    done = services.complete(
        assessment, {"choked": "no", "threats": "yes", "more_often": "unknown"}, actor=officer,
        unanswered_as_unknown=True,
    )  # fmt: skip
    assert done.status == Assessment.Status.COMPLETE
    assert done.answers == {"choked": "no", "threats": "yes", "more_often": "unknown", "drinking": "unknown",
                            "afraid": "unknown"}  # fmt: skip
    assert (done.score, done.unknown_count, done.unknown_weight) == (2, 3, 4)
    assert done.band == "caution"
    assert done.possible_band == "crisis"  # 2 + 4 if every unknown were yes
    assert done.reassess_by == timezone.localdate() + datetime.timedelta(days=30)
    event = AccessEvent.objects.filter(verb="risk.complete").get()
    assert event.detail["score"] == 2
    assert event.detail["unknown"] == 3


def test_a_critical_item_sets_the_top_band(test_pack, victim, officer):
    person, _incident = victim
    answers = {"choked": "yes", "threats": "no", "more_often": "no", "drinking": "no", "afraid": "no"}
    done = services.complete(services.start(person, test_pack, actor=officer), answers, actor=officer)
    assert (done.score, done.band, done.critical_items) == (3, "severe", ["choked"])


def test_a_different_band_needs_a_reason_and_both_are_kept(test_pack, victim, officer):
    person, _incident = victim
    answers = dict.fromkeys(["choked", "threats", "more_often", "drinking"], "no") | {"afraid": "yes"}
    assessment = services.start(person, test_pack, actor=officer)
    with pytest.raises(services.AssessmentError, match="이유"):
        services.complete(assessment, answers, actor=officer, override_band="crisis")
    done = services.complete(
        assessment, answers, actor=officer, override_band="crisis", override_reason="피해자가 이사를 앞두고 있음"
    )
    assert (done.band, done.override_band, done.final_band, done.is_overridden) == ("caution", "crisis", "crisis", True)
    assert done.overridden_by == officer
    with pytest.raises(services.AssessmentError, match="이유"):
        services.set_band(done, "severe", " ", actor=officer)
    services.set_band(done, "severe", "새 정보: 흉기 구입", actor=officer)
    done.refresh_from_db()
    assert (done.band, done.final_band, done.score) == ("caution", "severe", 1)
    assert AccessEvent.objects.filter(verb="risk.set_band").get().detail == {
        "from": "crisis", "to": "severe", "computed": "caution",
    }  # fmt: skip


def test_only_the_assessor_continues_an_assessment_in_progress(test_pack, victim, officer, reports):
    from tests.factories import make_member

    colleague = make_member("colleague", "김동료", officer.membership.institution, "coordinator", "jeju-dongbu")
    person, _incident = victim
    assessment = services.start(person, test_pack, actor=officer)
    with pytest.raises(services.AssessmentError):
        services.save_answer(assessment, "threats", "yes", actor=colleague)
    with pytest.raises(services.AssessmentError):
        services.save_answer(assessment, "not-an-item", "yes", actor=officer)
    with pytest.raises(services.AssessmentError):
        services.save_answer(assessment, "threats", "maybe", actor=officer)


def test_a_role_the_pack_does_not_name_may_not_use_it(test_pack, victim, head):
    person, _incident = victim
    with pytest.raises(services.AssessmentError):
        services.start(person, test_pack, actor=head)


def test_a_bad_pack_in_the_councils_folder_is_reported_by_the_system_check(tmp_path, settings):
    from jss.risk.checks import packs_load

    (tmp_path / "broken-v1.yaml").write_text("id: broken\nversion: 1\n", encoding="utf-8")
    settings.JSS_RISK_PACK_DIRS = [tmp_path]
    [error] = packs_load()
    assert error.id == "risk.E001"
    assert "broken-v1.yaml" in error.msg
