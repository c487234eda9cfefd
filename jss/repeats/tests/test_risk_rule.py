# The tests take the imported fixture `victim` as a parameter, which ruff sees as a redefinition.
# ruff: noqa: F811
"""Risk identification raises a flag (issue 5, item 4): the latest completed assessment of a person with an
instrument in its top band, or with a critical item answered yes. Assessments are done through
jss.risk.services, which evaluates the rules for the person right after completing or overriding."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jss.audit.models import AccessEvent
from jss.incidents.models import Incident
from jss.lib.yamlfile import DataFileError
from jss.people.models import Person
from jss.regions.models import PoliceStation
from jss.repeats import engine
from jss.repeats.engine import evaluate_all, evaluate_for_persons
from jss.repeats.models import Flag, Proposal
from jss.repeats.rules import load_rules
from jss.repeats.services import dismiss_flag
from jss.risk import packs, services
from jss.risk.models import Assessment
from jss.risk.tests.conftest import victim  # noqa: F401 (a fixture: a victim of a 동부 DV report five days ago)

from .conftest import open_flags
from .test_rule_file import rule, write

RULE = "high_risk_assessment"

# Like jss/risk/tests/conftest.py's TEST_PACK, with bands that non-critical items can reach (5 of 10 is the
# top band), the shipped item id `choking` (short name in the rule file) and a critical item without one.
PACK = """
id: test-dv
version: 1
domain: domestic_violence
title: {ko: "시험용 가정폭력 위험 요인", en: "Test domestic-violence risk factors"}
description: {ko: "시험용", en: "For tests"}
licence:
  source: "JSS tests"
  licence: "CC BY 4.0"
  validated: false
  note: {ko: "검증되지 않음 — 시험용", en: "Not validated — tests only"}
used_by: [coordinator, practitioner]
reassess_after_days: 30
items:
  - {id: choking, text: {ko: "목을 조른 적이 있다", en: "Has choked the victim"}, weight: 3, critical: true}
  - {id: locked_in, text: {ko: "집에 가둔 적이 있다", en: "Has locked the victim in"}, weight: 1, critical: true}
  - {id: threats, text: {ko: "죽이겠다고 위협했다", en: "Threatened to kill"}, weight: 2}
  - {id: more_often, text: {ko: "폭력이 잦아지고 있다", en: "Violence is getting more frequent"}, weight: 2}
  - {id: drinking, text: {ko: "술을 마시면 폭력적이 된다", en: "Violent when drinking"}, weight: 1}
  - {id: afraid, text: {ko: "피해자가 크게 두려워한다", en: "The victim is very afraid"}, weight: 1}
max_score: 10
bands:
  - {code: caution, label: {ko: "주의", en: "Caution"}, min: 0, max: 2}
  - {code: crisis, label: {ko: "위기", en: "Crisis"}, min: 3, max: 4}
  - {code: severe, label: {ko: "심각", en: "Severe"}, min: 5, max: 10}
"""
ELDER_PACK = (
    PACK.replace("id: test-dv", "id: test-elder")
    .replace("domain: domestic_violence", "domain: elder_abuse")
    .replace("시험용 가정폭력 위험 요인", "시험용 노인학대 위험 요인")
    .replace("Test domestic-violence risk factors", "Test elder-abuse risk factors")
)
TOP = ("threats", "more_often", "drinking")  # 5: severe, no critical item
LOW = ("afraid",)  # 1: caution
CRITERION_KO = " — 위험 요인 확인 기준(가장 높은 단계 또는 치명적 요인)"
CRITERION_EN = " — risk identification (the top band or a critical item)"


@pytest.fixture
def pack(tmp_path: Path, settings: Any) -> Iterator[packs.Pack]:
    (tmp_path / "test-dv-v1.yaml").write_text(PACK, encoding="utf-8")
    (tmp_path / "test-elder-v1.yaml").write_text(ELDER_PACK, encoding="utf-8")
    settings.JSS_RISK_PACK_DIRS = [tmp_path]
    packs.clear_cache()
    yield packs.current_packs()["test-dv"]
    packs.clear_cache()


@pytest.fixture
def elder_pack(pack: packs.Pack) -> packs.Pack:
    return packs.current_packs()["test-elder"]


def assess(
    person: Person,
    pack: packs.Pack,
    actor: Any,
    *yes: str,
    incident: Any = None,
    override_band: str = "",
    override_reason: str = "",
) -> Assessment:
    """A completed assessment: the items in `yes` answered yes, the others no."""
    answers = {item.id: "yes" if item.id in yes else "no" for item in pack.items}
    assessment = services.start(person, pack, actor=actor, incident=incident)
    return services.complete(
        assessment, answers, actor=actor, override_band=override_band, override_reason=override_reason
    )


def day(assessment: Assessment) -> str:
    assert assessment.completed_at is not None
    return timezone.localdate(assessment.completed_at).isoformat()


def suspect_of(incident: Incident) -> Person:
    return incident.parties.select_related("person").get(role="suspect").person


def risk_flags() -> list[Flag]:
    return open_flags(RULE)


def snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        (
            flag.rule_id, flag.subject_key, flag.explanation_ko, flag.explanation_en, flag.fired_at, flag.expires_at,
            flag.station_id, sorted(flag.incidents.values_list("pk", flat=True)),
            sorted(flag.assessments.values_list("pk", flat=True)),
        )
        for flag in open_flags()
    )  # fmt: skip


# --- when it fires ------------------------------------------------------------------------------------


def test_the_top_band_raises_a_flag_explained_without_names(pack, victim, officer):
    person, incident = victim
    done = assess(person, pack, officer, *TOP, incident=incident)
    assert (done.band, done.critical_items) == ("severe", [])

    [flag] = risk_flags()  # raised by completing: no nightly run needed
    assert flag.explanation_ko == f"위험 요인 확인 {day(done)} (시험용 가정폭력 위험 요인): 심각" + CRITERION_KO
    assert flag.explanation_en == f"Risk identification {day(done)} (Test domestic-violence risk factors): Severe" + (
        CRITERION_EN
    )
    assert (flag.subject_type, flag.person, flag.severity, flag.rule_version) == ("person", person, 85, 2)
    assert list(flag.persons.all()) == [person]
    assert list(flag.assessments.all()) == [done]
    assert list(flag.incidents.all()) == [incident]
    assert flag.fired_at == done.completed_at
    assert flag.expires_at == done.completed_at + datetime.timedelta(days=90)
    assert flag.station == PoliceStation.objects.get(code="jeju-dongbu")
    for text in (flag.explanation_ko, flag.explanation_en):
        assert person.given_name not in text
        assert person.family_name + person.given_name not in text


def test_a_critical_item_raises_the_flag_and_names_the_item(pack, victim, officer):
    person, _incident = victim
    done = assess(person, pack, officer, "choking", "locked_in")
    [flag] = risk_flags()
    assert flag.explanation_ko == (
        f"위험 요인 확인 {day(done)} (시험용 가정폭력 위험 요인): 심각, 치명적 요인 목 조름, 집에 가둔 적이 있다"
        + CRITERION_KO
    ), "a shipped item by its short name, any other item by its instrument's text"
    assert flag.explanation_en == (
        f"Risk identification {day(done)} (Test domestic-violence risk factors): Severe, critical: strangulation, "
        "Has locked the victim in" + CRITERION_EN
    )
    assert list(flag.incidents.all()) == [], "an assessment without a report links no incident"
    assert flag.station == PoliceStation.objects.get(code="jeju-dongbu"), "the station of the person's newest report"


def test_a_lower_band_below_the_top_and_without_a_critical_item_raises_nothing(pack, victim, officer):
    person, _incident = victim
    assess(person, pack, officer, "threats", "drinking")  # 3: crisis
    assess(person, pack, officer, *LOW)
    assert risk_flags() == []


def test_an_assessment_in_progress_never_fires(pack, victim, officer):
    person, _incident = victim
    draft = services.start(person, pack, actor=officer)
    for item in ("choking", *TOP):
        services.save_answer(draft, item, "yes", actor=officer)
    evaluate_for_persons([person.pk], now=timezone.now())
    evaluate_all(now=timezone.now())
    assert risk_flags() == []


# --- when it stops ------------------------------------------------------------------------------------


def test_a_later_assessment_in_a_lower_band_closes_the_flag(pack, victim, officer):
    person, _incident = victim
    first = assess(person, pack, officer, *TOP)
    [flag] = risk_flags()
    assess(person, pack, officer, *LOW)
    assert risk_flags() == []
    flag.refresh_from_db()
    assert flag.state == Flag.State.EXPIRED
    closed = AccessEvent.objects.get(verb="repeats.flag_expire", target_id=str(flag.pk))
    assert closed.detail == {
        "rule": RULE, "version": 2, "subject": "person", "incidents": [], "assessments": [first.pk],
        "reason": "no_longer_fires",
    }  # fmt: skip


def test_only_the_latest_assessment_of_each_instrument_counts(pack, elder_pack, victim, officer):
    person, _incident = victim
    dv = assess(person, pack, officer, *TOP)
    elder = assess(person, elder_pack, officer, "choking")
    [flag] = risk_flags()
    assert list(flag.assessments.order_by("pk")) == [dv, elder]
    assert flag.explanation_ko == (
        f"위험 요인 확인 {day(dv)} (시험용 가정폭력 위험 요인): 심각{CRITERION_KO} / "
        f"위험 요인 확인 {day(elder)} (시험용 노인학대 위험 요인): 심각, 치명적 요인 목 조름{CRITERION_KO}"
    )
    assess(person, pack, officer, *LOW)  # a lower band with the same instrument; the other one still stands
    [same] = risk_flags()
    assert same.pk == flag.pk
    assert list(same.assessments.all()) == [elder]


def test_a_lower_band_set_by_a_professional_closes_it_and_a_higher_one_raises_it(pack, victim, officer):
    person, _incident = victim
    done = assess(person, pack, officer, *TOP)
    [flag] = risk_flags()

    services.set_band(done, "crisis", "보호시설에 입소해 가해자와 분리됨", actor=officer)
    assert risk_flags() == []
    flag.refresh_from_db()
    assert flag.state == Flag.State.EXPIRED

    services.set_band(done, "severe", "보호시설에서 퇴소함", actor=officer)  # back to the computed band
    [again] = risk_flags()
    assert again.pk != flag.pk
    assert again.explanation_ko == f"위험 요인 확인 {day(done)} (시험용 가정폭력 위험 요인): 심각" + CRITERION_KO


def test_a_higher_band_set_by_a_professional_raises_a_flag_that_says_so(pack, victim, officer):
    person, _incident = victim
    done = assess(person, pack, officer, *LOW)
    assert risk_flags() == []
    services.set_band(done, "severe", "가해자가 곧 출소함", actor=officer)
    [flag] = risk_flags()
    assert flag.explanation_ko == (
        f"위험 요인 확인 {day(done)} (시험용 가정폭력 위험 요인): 전문가 판단으로 심각" + CRITERION_KO
    )
    assert "Severe by professional judgement" in flag.explanation_en
    assert "출소" not in flag.explanation_ko, "the reason is never copied into the flag"


def test_a_critical_item_still_counts_when_a_professional_sets_a_lower_band(pack, victim, officer):
    person, _incident = victim
    done = assess(person, pack, officer, "choking", override_band="crisis", override_reason="일회성, 현재 분리됨")
    [flag] = risk_flags()
    assert flag.explanation_ko == (
        f"위험 요인 확인 {day(done)} (시험용 가정폭력 위험 요인): 전문가 판단으로 위기, 치명적 요인 목 조름"
        + CRITERION_KO
    )


def test_the_flag_stands_ninety_days_after_the_assessment(pack, victim, officer):
    person, _incident = victim
    done = assess(person, pack, officer, *TOP)
    assert done.completed_at is not None
    evaluate_all(now=done.completed_at + datetime.timedelta(days=89))
    [flag] = risk_flags()
    evaluate_all(now=done.completed_at + datetime.timedelta(days=90))
    assert risk_flags() == []
    assert AccessEvent.objects.filter(
        verb="repeats.flag_expire", target_id=str(flag.pk), detail__reason="expired"
    ).exists()


def test_a_dismissed_flag_stays_dismissed_until_a_new_assessment(pack, victim, officer):
    person, _incident = victim
    done = assess(person, pack, officer, *TOP)
    [flag] = risk_flags()
    dismiss_flag(flag, reason="이미 사례관리 중", actor=officer)
    assert evaluate_all(now=timezone.now()).suppressed == 1
    services.set_band(done, "severe", "다시 확인함", actor=officer)
    assert risk_flags() == [], "the same assessment"
    assess(person, pack, officer, *TOP)
    [new] = risk_flags()
    assert new.pk != flag.pk


# --- both paths, merges, audit ------------------------------------------------------------------------


def test_the_nightly_batch_gives_the_same_flags_as_completing(pack, elder_pack, victim, reports, officer):
    person, incident = victim
    partner = suspect_of(incident)
    grandmother = reports.person("고", "순자", "1950-07-01")
    assess(person, pack, officer, *TOP, incident=incident)
    assess(person, elder_pack, officer, *LOW)
    assess(partner, pack, officer, *LOW, override_band="severe", override_reason="흉기 구입")
    assess(grandmother, elder_pack, officer, "choking")  # no report: the station of the institution's area
    incremental = snapshot()
    assert [key for _rule, key, *_rest in incremental] == sorted(
        f"person:{someone.pk}" for someone in (person, partner, grandmother)
    )

    Flag.objects.all().delete()
    result = evaluate_all(now=timezone.now())
    assert result.created == 3
    assert snapshot() == incremental
    assert evaluate_all(now=timezone.now()).unchanged == 3

    Flag.objects.all().delete()
    evaluate_for_persons([grandmother.pk], now=timezone.now())
    evaluate_for_persons([person.pk], now=timezone.now())  # and the partner, of the same household
    assert snapshot() == incremental


def test_an_assessment_of_a_merged_person_counts_for_the_person_kept(pack, victim, reports, officer):
    person, _incident = victim
    same = reports.person("고", "은비", "1988-12-04")  # recorded again by another institution
    earlier = assess(same, pack, officer, *TOP)
    Person.objects.filter(pk=same.pk).update(merged_into=person)
    evaluate_for_persons([same.pk], now=timezone.now())
    [flag] = risk_flags()
    assert (flag.person, list(flag.assessments.all())) == (person, [earlier])
    assess(person, pack, officer, *LOW)  # later, with the same instrument
    assert risk_flags() == []


def test_raising_and_closing_are_audited_with_ids_only(pack, victim, officer):
    person, incident = victim
    done = assess(person, pack, officer, "choking", incident=incident)
    [flag] = risk_flags()
    raised = AccessEvent.objects.get(verb="repeats.flag_raise", target_id=str(flag.pk))
    assert raised.detail == {
        "rule": RULE, "version": 2, "subject": "person", "incidents": [incident.pk], "assessments": [done.pk]
    }  # fmt: skip
    services.set_band(done, "crisis", "전문가 판단", actor=officer)
    updated = AccessEvent.objects.get(verb="repeats.flag_update", target_id=str(flag.pk))
    assert updated.detail["assessments"] == [done.pk]
    for event in (raised, updated):
        assert person.given_name not in str(event.detail)


# --- guardrails ---------------------------------------------------------------------------------------

PROTECTED = ("disability", "is_migrant", "nationality", "interpreter_language")


def test_only_bands_and_critical_items_are_read_never_disability_or_migrant_status(pack, victim, reports, officer):
    person, _incident = victim
    lone = reports.person("응", "우옌", "1995-05-05", disability="mental", is_migrant=True, nationality="VN",
                          interpreter_language="vi")  # fmt: skip
    assess(person, pack, officer, *TOP)
    assess(lone, pack, officer, *LOW)

    with CaptureQueriesContext(connection) as queries:
        evaluate_all(now=timezone.now())
        evaluate_for_persons([person.pk, lone.pk], now=timezone.now())
    read = [query["sql"] for query in queries.captured_queries if query["sql"].lstrip().upper().startswith("SELECT")]
    assessments = " ".join(sql for sql in read if "risk_assessment" in sql)
    assert "critical_items" in assessments, "the engine reads assessments"
    for column in ("answers", "override_reason", "score", "unknown_count", "possible_band"):
        assert f'"risk_assessment"."{column}"' not in assessments, f"the engine must not read {column}"
    for column in PROTECTED:
        assert column not in " ".join(read), f"the repeat engine must not read {column}"

    before = snapshot()
    assert [key for _rule, key, *_rest in before] == [f"person:{person.pk}"]
    Person.objects.update(disability="intellectual", is_migrant=True, nationality="CN", interpreter_language="zh")
    result = evaluate_all(now=timezone.now())
    assert (result.created, result.updated, result.expired) == (0, 0, 0)
    assert snapshot() == before


def test_flags_are_kept_while_a_pack_file_is_refused(pack, victim, officer, monkeypatch):
    person, _incident = victim
    assess(person, pack, officer, *TOP)
    [flag] = risk_flags()

    def refused(*args: Any) -> None:
        raise packs.PackError(Path("council-dv-v2.yaml"), "weights do not add up")

    monkeypatch.setattr(engine, "get_pack", refused)
    result = evaluate_all(now=timezone.now())
    assert (result.created, result.updated, result.expired) == (0, 0, 0)
    assert evaluate_for_persons([person.pk], now=timezone.now()).expired == 0
    assert risk_flags() == [flag], "not evaluated is not 'no longer fires'"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: rule(d, RULE)["parameters"].update(bands="high"), f"rule {RULE}: parameter bands must be 'top'"),
        (
            lambda d: rule(d, RULE)["parameters"].update(critical_items="yes"),
            f"rule {RULE}: parameter critical_items must be true or false",
        ),
        (lambda d: rule(d, RULE)["parameters"].pop("window_days"), f"rule {RULE}: missing parameter window_days"),
        (
            lambda d: rule(d, RULE)["parameters"].update(disability=False),
            f"rule {RULE}: unknown parameters: disability",
        ),
        (
            lambda d: rule(d, RULE)["explanation"]["assessment"].update(ko="{name} {band}"),
            f"rule {RULE}: explanation assessment uses unknown placeholders: name",
        ),
        (
            lambda d: rule(d, RULE)["explanation"].pop("override"),
            f"rule {RULE}: needs the explanation template override in Korean and English",
        ),
        (
            lambda d: rule(d, "escalation")["explanation"]["reports"].update(ko="{band} {count}건"),
            "rule escalation: explanation reports uses unknown placeholders: band",
        ),
        (
            lambda d: d["labels"]["critical_items"].update(choking={"ko": "목 조름"}),
            "labels.critical_items: needs choking in Korean and English",
        ),
    ],
)
def test_a_bad_risk_rule_is_refused_with_the_reason(tmp_path, change, message):
    with pytest.raises(DataFileError) as refused:
        load_rules(write(tmp_path, change))
    assert message in str(refused.value)


# --- the triage list, the flag page, proposing --------------------------------------------------------


def test_the_coordinator_finds_the_flag_and_its_assessment(
    client, as_user, pack, elder_pack, victim, officer, counsellor, django_assert_num_queries
):
    person, incident = victim
    done = assess(person, pack, officer, *TOP, incident=incident)
    [flag] = risk_flags()

    listed = as_user(officer).get("/repeats/")
    assert [row.flag.rule_id for row in listed.context["rows"]] == [RULE]
    assert flag.explanation_ko in listed.content.decode()

    url = f"/repeats/{flag.pk}/"
    page = as_user(officer).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{reverse("risk:assessment", args=[done.pk])}"' in html
    assert done.code in html
    assert f'href="{reverse("incidents:detail", args=[incident.pk])}"' in html
    assert as_user(counsellor).get(url).status_code == 404

    coordinator = as_user(officer)
    coordinator.get(url)
    with CaptureQueriesContext(connection) as one:
        coordinator.get(url)
    assess(person, elder_pack, officer, "choking")  # a second assessment behind the same flag
    assert risk_flags()[0].assessments.count() == 2
    with django_assert_num_queries(len(one.captured_queries)):
        response = coordinator.get(url)
    assert len(response.context["row"].assessments) == 2


def test_proposing_it_for_the_council_works_as_for_other_flags(client, as_user, pack, victim, reports, officer):
    person, incident = victim
    assess(person, pack, officer, *TOP)
    [flag] = risk_flags()
    response = as_user(officer).post(f"/repeats/{flag.pk}/propose/", {"note": "위험 요인 확인 결과 심각"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.state == Flag.State.PROPOSED
    proposal = Proposal.objects.get(flag=flag)
    assert proposal.flag.rule_id == RULE, "the flag's rule is the reason for the nomination"
    assert AccessEvent.objects.filter(verb="repeats.flag_propose", target_id=str(flag.pk)).exists()

    # The person now counts as referred: a new report within a year is a repeat after referral.
    partner = suspect_of(incident)
    reports.report(timezone.now() + datetime.timedelta(seconds=1), victim=person, suspect=partner)
    assert [f.person for f in open_flags("repeat_after_referral")] == [person]
    assert risk_flags() == [flag], "proposed, still open"


def test_an_assessment_the_user_may_not_open_is_counted_not_linked(as_user, pack, reports, officer):
    """A person with no report is nobody's to open (jss.people.access); the flag, on the station of the
    assessing institution's area, says only that there is an assessment behind it."""
    alone = reports.person("고", "순자", "1950-07-01")
    done = assess(alone, pack, officer, "choking")
    [flag] = risk_flags()
    assert flag.station == PoliceStation.objects.get(code="jeju-dongbu")
    response = as_user(officer).get(f"/repeats/{flag.pk}/")
    assert response.status_code == 200
    row = response.context["row"]
    assert (row.assessments, row.hidden_assessments) == ([], 1)
    html = response.content.decode()
    assert reverse("risk:assessment", args=[done.pk]) not in html
    assert done.code not in html
    assert 'data-testid="flag-incidents"' not in html, "no report behind it: no empty table"
