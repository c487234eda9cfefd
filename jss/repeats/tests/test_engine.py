"""Each rule fires on a small hand-made history, and not one incident short of it; windows are exact."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jss.audit.models import AccessEvent
from jss.people.models import Household, Person
from jss.regions.models import PoliceStation
from jss.repeats import services
from jss.repeats.engine import evaluate_all, evaluate_for_persons, expire_flags
from jss.repeats.models import Flag, Proposal
from jss.repeats.services import dismiss_flag, propose_flag

from .conftest import YEON, at, days_after, open_flags, rules_fired

T0 = at("2024-01-04")


# --- household grade A / B ----------------------------------------------------------------------------


def test_three_domestic_violence_reports_in_a_year_make_a_grade_a_household(reports, couple):
    victim, suspect = couple
    reports.report(at("2024-01-04"), victim=victim, suspect=suspect)
    reports.report(at("2024-03-17"), victim=victim, suspect=suspect, source="1366")
    reports.report(at("2024-05-02"), victim=victim, suspect=suspect)

    evaluate_all(now=at("2024-05-10"))

    [flag] = open_flags("household_grade_a")
    assert flag.explanation_ko == (
        "최근 12개월 가정폭력 신고 3건: 2024-01-04 (112), 2024-03-17 (1366), 2024-05-02 (112)"
        " — 재발우려가정 A등급 기준(12개월 내 3회 이상)"
    )
    assert flag.explanation_en.startswith(
        "3 domestic-violence reports in 12 months: 2024-01-04 (112), 2024-03-17 (1366)"
    )
    assert flag.subject_type == Flag.Subject.HOUSEHOLD
    assert set(flag.persons.all()) == {victim, suspect}
    assert flag.incidents.count() == 3
    assert (flag.rule_version, flag.severity) == (2, 70)
    assert flag.fired_at == at("2024-05-02")
    assert flag.expires_at == days_after(at("2024-05-02"), 90)
    assert flag.station == PoliceStation.objects.get(code="jeju-dongbu")
    assert not open_flags("household_grade_b"), "grade B is only raised when grade A does not apply"


def test_two_reports_make_grade_b_and_one_makes_nothing(reports, couple):
    victim, suspect = couple
    reports.report(at("2024-01-04"), victim=victim, suspect=suspect)
    evaluate_all(now=at("2024-01-05"))
    assert rules_fired() == []

    reports.report(at("2024-03-17"), victim=victim, suspect=suspect, source="1366")
    evaluate_all(now=at("2024-03-18"))
    assert rules_fired() == ["household_grade_b"]
    assert open_flags()[0].explanation_ko.startswith(
        "최근 12개월 가정폭력 신고 2건: 2024-01-04 (112), 2024-03-17 (1366)"
    )


@pytest.mark.parametrize(
    ("days", "grade"), [(364, "household_grade_a"), (365, "household_grade_a"), (366, "household_grade_b")]
)
def test_the_one_year_window_is_exact(reports, couple, days, grade):
    victim, suspect = couple
    for offset in (0, 100, days):
        reports.report(days_after(T0, offset), victim=victim, suspect=suspect)
    evaluate_all(now=days_after(T0, days + 1))
    assert [flag.rule_id for flag in open_flags() if flag.subject_type == "household"] == [grade]


@pytest.mark.parametrize(("days", "fires"), [(1094, True), (1095, True), (1096, False)])
def test_three_bookings_in_three_years_make_grade_a(reports, couple, days, fires):
    victim, suspect = couple
    for offset in (0, 500, days):
        reports.report(days_after(T0, offset), victim=victim, suspect=suspect, measures=["booked", "arrest"])
    evaluate_all(now=days_after(T0, days + 1))
    grade_a = open_flags("household_grade_a")
    assert bool(grade_a) is fires
    if fires:
        assert grade_a[0].explanation_ko.startswith("최근 3년 가정폭력 입건 3건: 2024-01-04 (112)")
        assert "입건 3회 이상" in grade_a[0].explanation_ko
    else:
        assert open_flags("household_grade_b")[0].explanation_ko.startswith("최근 3년 가정폭력 입건 2건")


def test_reports_without_booking_do_not_count_as_bookings(reports, couple):
    victim, suspect = couple
    for offset in (0, 500, 1000):
        reports.report(days_after(T0, offset), victim=victim, suspect=suspect, measures=["emergency_measures"])
    evaluate_all(now=days_after(T0, 1001))
    assert rules_fired() == []


def test_a_household_record_joins_people_into_one_household(reports, couple):
    victim, suspect = couple
    grandmother = reports.person("고", "순자", "1950-07-01")
    reports.report(at("2024-01-04"), victim=victim, suspect=suspect)
    reports.report(at("2024-02-04"), victim=victim, suspect=suspect)
    reports.report(at("2024-03-04"), victim=grandmother)  # no suspect recorded

    evaluate_all(now=at("2024-03-05"))
    assert rules_fired() == ["household_grade_b"]

    home = Household.objects.create()
    Person.objects.filter(pk__in=[victim.pk, grandmother.pk]).update(household=home)
    evaluate_all(now=at("2024-03-05"))
    [flag] = open_flags()
    assert flag.rule_id == "household_grade_a"
    assert flag.household == home
    assert set(flag.persons.all()) == {victim, suspect, grandmother}


def test_grade_b_gives_way_when_the_household_reaches_grade_a(reports, couple):
    victim, suspect = couple
    reports.report(at("2024-01-04"), victim=victim, suspect=suspect)
    reports.report(at("2024-02-04"), victim=victim, suspect=suspect)
    evaluate_all(now=at("2024-02-05"))
    [grade_b] = open_flags()

    reports.report(at("2024-03-04"), victim=victim, suspect=suspect)
    evaluate_all(now=at("2024-03-05"))
    assert rules_fired() == ["escalation", "household_grade_a"]
    grade_b.refresh_from_db()
    assert grade_b.state == Flag.State.EXPIRED
    assert AccessEvent.objects.filter(
        verb="repeats.flag_expire", target_id=str(grade_b.pk), detail__reason="no_longer_fires"
    ).exists()


# --- escalation ---------------------------------------------------------------------------------------


def test_three_reports_about_the_same_pair_in_twelve_months_escalate(reports, couple):
    victim, suspect = couple
    reports.report(at("2024-01-04"), victim=victim, suspect=suspect, domain="dating_violence")
    reports.report(at("2024-04-04"), victim=victim, suspect=suspect, domain="stalking", source="1366")
    evaluate_all(now=at("2024-04-05"))
    assert "escalation" not in rules_fired()

    reports.report(at("2024-06-30"), victim=victim, suspect=suspect, domain="dating_violence")
    evaluate_all(now=at("2024-07-01"))
    [flag] = open_flags("escalation")
    assert flag.subject_type == Flag.Subject.PAIR
    assert (flag.victim, flag.suspect) == (victim, suspect)
    assert flag.explanation_ko == (
        "같은 피해자·행위자 최근 12개월 신고 3건: 2024-01-04 교제폭력 (112), 2024-04-04 스토킹 (1366), "
        "2024-06-30 교제폭력 (112) — 반복 신고 기준(12개월 내 3회 이상)"
    )
    assert not open_flags("household_grade_a"), "dating violence is not domestic violence"


def test_reports_with_the_roles_reversed_are_another_pair(reports, couple):
    first, second = couple
    reports.report(at("2024-01-04"), victim=first, suspect=second, domain="dating_violence")
    reports.report(at("2024-02-04"), victim=second, suspect=first, domain="dating_violence")
    reports.report(at("2024-03-04"), victim=first, suspect=second, domain="dating_violence")
    evaluate_all(now=at("2024-03-05"))
    assert not open_flags("escalation")


@pytest.mark.parametrize(("days", "fires"), [(364, True), (366, False)])
def test_the_escalation_window_is_exact(reports, couple, days, fires):
    victim, suspect = couple
    for offset in (0, 200, days):
        reports.report(
            days_after(T0, offset), victim=victim, suspect=suspect, domain="school_violence", source="school"
        )
    evaluate_all(now=days_after(T0, days + 1))
    assert bool(open_flags("escalation")) is fires


# --- critical indicators ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markers", "domain", "words"),
    [
        ({"strangulation": True}, "domestic_violence", "목 조름"),
        ({"weapon": True}, "domestic_violence", "흉기"),
        ({"threat_to_kill": True}, "dating_violence", "살해 협박"),
        ({"sexual_violence": True}, "domestic_violence", "성폭력"),
        ({"pregnancy": True}, "domestic_violence", "임신 중 폭행"),
        ({}, "stalking", "스토킹"),
    ],
)
def test_one_incident_with_a_critical_indicator_is_enough(reports, couple, markers, domain, words):
    victim, suspect = couple
    reports.report(at("2024-05-02"), victim=victim, suspect=suspect, domain=domain, **markers)
    evaluate_all(now=at("2024-05-03"))
    [flag] = open_flags("critical_indicator")
    assert flag.subject_type == Flag.Subject.PAIR
    assert flag.explanation_ko.startswith("위험 징후가 있는 신고 1건: 2024-05-02 ")
    assert words in flag.explanation_ko.split(" — ")[0]


def test_injury_or_alcohol_alone_is_not_a_critical_indicator(reports, couple):
    victim, suspect = couple
    reports.report(at("2024-05-02"), victim=victim, suspect=suspect, injury=True, alcohol=True, children_present=True)
    evaluate_all(now=at("2024-05-03"))
    assert rules_fired() == []


def test_a_critical_incident_without_a_suspect_flags_the_victim(reports, couple):
    victim, _suspect = couple
    reports.report(at("2024-05-02"), victim=victim, weapon=True, source="hospital")
    evaluate_all(now=at("2024-05-03"))
    [flag] = open_flags("critical_indicator")
    assert (flag.subject_type, flag.person) == (Flag.Subject.PERSON, victim)
    assert "2024-05-02 가정폭력 (병원): 흉기" in flag.explanation_ko


# --- repeat after referral ----------------------------------------------------------------------------


def refer(flag, user, when):
    propose_flag(flag, note="", actor=user)
    Proposal.objects.filter(flag=flag).update(created_at=when)


@pytest.mark.parametrize(("days", "fires"), [(364, True), (365, True), (366, False)])
def test_any_new_incident_within_a_year_of_a_referral_is_a_repeat(reports, couple, officer, days, fires):
    victim, suspect = couple
    reports.report(at("2024-01-04"), victim=victim, suspect=suspect, strangulation=True)
    evaluate_all(now=at("2024-01-05"))
    [critical] = open_flags("critical_indicator")
    referral = at("2024-01-10", hour=10)
    refer(critical, officer, referral)

    evaluate_all(now=at("2024-02-01"))
    assert not open_flags("repeat_after_referral"), "incidents before the referral are not repeats"

    reports.report(days_after(referral, days), victim=victim, domain="elder_abuse", source="elder_protection")
    evaluate_all(now=days_after(referral, days + 1))
    repeats = open_flags("repeat_after_referral")
    assert bool(repeats) is fires
    if fires:
        [flag] = repeats
        assert (flag.subject_type, flag.person) == (Flag.Subject.PERSON, victim)
        assert flag.explanation_ko.startswith("협의체 안건 제안(2024-01-10) 후 새 신고 1건: ")
        assert "노인학대 (노인보호전문기관)" in flag.explanation_ko


# --- cross-domain -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "fires"), [(364, True), (366, False)])
def test_domestic_violence_and_child_abuse_in_one_household_within_a_year(reports, couple, days, fires):
    mother, father = couple
    child = reports.person("양", "하준", "2016-09-09")
    reports.report(T0, victim=mother, suspect=father)
    reports.report(days_after(T0, days), victim=child, suspect=father, domain="child_abuse", source="child_protection")
    evaluate_all(now=days_after(T0, days + 1))
    flags = open_flags("cross_domain")
    assert bool(flags) is fires
    if fires:
        assert flags[0].subject_type == Flag.Subject.HOUSEHOLD
        assert "2024-01-04 가정폭력 (112)" in flags[0].explanation_ko
        assert "아동학대 (아동보호전문기관)" in flags[0].explanation_ko


def test_child_abuse_alone_is_not_cross_domain(reports, couple):
    _mother, father = couple
    child = reports.person("양", "하준", "2016-09-09")
    reports.report(T0, victim=child, suspect=father, domain="child_abuse", source="child_protection")
    reports.report(days_after(T0, 30), victim=child, suspect=father, domain="child_abuse", source="child_protection")
    evaluate_all(now=days_after(T0, 31))
    assert "cross_domain" not in rules_fired()


# --- lifecycle ----------------------------------------------------------------------------------------


def grade_a_history(reports, couple):
    victim, suspect = couple
    for day, source in (("2024-01-04", "112"), ("2024-03-17", "1366"), ("2024-05-02", "112")):
        reports.report(at(day), victim=victim, suspect=suspect, source=source)


def test_flags_expire_ninety_days_after_the_last_firing(reports, couple):
    grade_a_history(reports, couple)
    evaluate_all(now=at("2024-05-03"))
    [flag] = open_flags("household_grade_a")

    assert expire_flags(now=days_after(at("2024-05-02"), 90) - datetime.timedelta(seconds=1)) == 0
    assert expire_flags(now=days_after(at("2024-05-02"), 90)) == 2  # grade A and escalation
    flag.refresh_from_db()
    assert flag.state == Flag.State.EXPIRED
    assert AccessEvent.objects.filter(
        verb="repeats.flag_expire", target_id=str(flag.pk), detail__reason="expired"
    ).exists()

    evaluate_all(now=days_after(at("2024-05-02"), 120))
    assert open_flags() == [], "an expired firing is not raised again"


def test_a_new_report_renews_the_flag_instead_of_duplicating_it(reports, couple):
    victim, suspect = couple
    grade_a_history(reports, couple)
    evaluate_all(now=at("2024-05-03"))
    assert rules_fired() == ["escalation", "household_grade_a"]  # on the same three reports
    [flag] = open_flags("household_grade_a")
    events = AccessEvent.objects.count()

    again = evaluate_all(now=at("2024-05-03"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AccessEvent.objects.count() == events, "nothing changed, nothing audited"

    reports.report(at("2024-06-20"), victim=victim, suspect=suspect)
    evaluate_all(now=at("2024-06-21"))
    [renewed] = open_flags("household_grade_a")
    assert renewed.pk == flag.pk
    assert renewed.incidents.count() == 4
    assert renewed.expires_at == days_after(at("2024-06-20"), 90)
    assert "2024-06-20 (112)" in renewed.explanation_ko
    assert AccessEvent.objects.filter(verb="repeats.flag_update", target_id=str(flag.pk)).count() == 1
    assert AccessEvent.objects.filter(verb="repeats.flag_raise", target_id=str(flag.pk)).count() == 1


def test_incremental_evaluation_agrees_with_the_batch(reports, couple, officer):
    victim, suspect = couple
    child = reports.person("양", "하준", "2016-09-09")
    stranger = reports.person("문", "지호", "1990-01-01")
    grade_a_history(reports, couple)
    reports.report(at("2024-04-01"), victim=child, suspect=suspect, domain="child_abuse", source="child_protection")
    reports.report(at("2024-04-02"), victim=stranger, suspect=victim, domain="school_violence", threat_to_kill=True)
    Flag.objects.all().delete()  # whatever recording raised: start from nothing

    evaluate_for_persons([victim.pk], now=at("2024-05-03"))
    incremental = sorted((flag.rule_id, flag.subject_key, flag.explanation_en) for flag in open_flags())
    Flag.objects.all().delete()
    evaluate_all(now=at("2024-05-03"))
    batch = sorted((flag.rule_id, flag.subject_key, flag.explanation_en) for flag in open_flags())
    assert incremental == batch
    assert {rule for rule, _key, _text in batch} == {
        "household_grade_a",
        "escalation",
        "cross_domain",
        "critical_indicator",
    }


def test_evaluating_one_person_leaves_other_households_alone(reports, couple):
    grade_a_history(reports, couple)
    others = reports.person("부", "미란", "1979-03-03"), reports.person("강", "태오", "1977-12-12")
    for day in ("2024-04-01", "2024-04-20"):
        reports.report(at(day), victim=others[0], suspect=others[1])
    Flag.objects.all().delete()  # whatever recording raised: start from nothing
    result = evaluate_for_persons([couple[0].pk], now=at("2024-05-03"))
    assert result.created == 2
    assert rules_fired() == ["escalation", "household_grade_a"]


def test_a_dismissed_flag_stays_dismissed_until_a_new_incident(reports, couple, officer):
    victim, suspect = couple
    grade_a_history(reports, couple)
    evaluate_all(now=at("2024-05-03"))
    [flag] = open_flags("household_grade_a")
    dismiss_flag(flag, reason="이미 사례관리 중", actor=officer)

    result = evaluate_all(now=at("2024-05-04"))
    assert (result.created, result.suppressed) == (0, 1)
    assert open_flags("household_grade_a") == []

    reports.report(at("2024-05-20"), victim=victim, suspect=suspect)
    evaluate_all(now=at("2024-05-21"))
    [new] = open_flags("household_grade_a")
    assert new.pk != flag.pk
    assert new.incidents.count() == 4


def test_every_new_and_updated_flag_is_audited_with_ids_only(reports, couple):
    victim, suspect = couple
    grade_a_history(reports, couple)
    evaluate_all(now=at("2024-05-03"))
    [flag] = open_flags("household_grade_a")
    event = AccessEvent.objects.get(verb="repeats.flag_raise", target_id=str(flag.pk))
    assert event.target_id == str(flag.pk)
    assert event.detail["rule"] == "household_grade_a"
    assert event.detail["version"] == 2
    assert sorted(event.detail["incidents"]) == sorted(flag.incidents.values_list("pk", flat=True))
    for name in (victim.family_name + victim.given_name, suspect.given_name):
        assert name not in str(event.detail)
        assert name not in flag.explanation_ko
        assert name not in flag.explanation_en


def test_the_station_is_that_of_the_newest_incident(reports, couple):
    victim, suspect = couple
    reports.report(at("2024-01-04"), victim=victim, suspect=suspect)
    reports.report(at("2024-02-04"), victim=victim, suspect=suspect, region=YEON)
    evaluate_all(now=at("2024-02-05"))
    [flag] = open_flags()
    assert flag.station == PoliceStation.objects.get(code="jeju-seobu")


def test_reports_after_the_evaluation_time_are_ignored(reports, couple):
    grade_a_history(reports, couple)
    evaluate_all(now=at("2024-04-01"))
    assert rules_fired() == ["household_grade_b"]


# --- disability, mental health, migrant status --------------------------------------------------------

PROTECTED = ("disability", "is_migrant", "nationality", "interpreter_language")


def test_disability_mental_health_and_migrant_status_never_matter(reports, couple):
    victim, suspect = couple
    grade_a_history(reports, couple)
    lone = reports.person("응", "우옌", "1995-05-05", disability="mental", is_migrant=True, nationality="VN",
                          interpreter_language="vi")  # fmt: skip
    reports.report(at("2024-04-30"), victim=lone, suspect=suspect, domain="dating_violence")

    with CaptureQueriesContext(connection) as queries:
        evaluate_all(now=at("2024-05-03"))
        evaluate_for_persons([victim.pk, lone.pk], now=at("2024-05-03"))
    sql = " ".join(query["sql"] for query in queries.captured_queries if "people_person" in query["sql"])
    assert sql, "the engine reads persons (ids, households, merges)"
    for column in PROTECTED:
        assert column not in sql, f"the repeat engine must not read {column}"

    before = sorted((f.rule_id, f.subject_key, f.explanation_ko, f.expires_at) for f in open_flags())
    assert not Flag.objects.filter(persons=lone).exclude(rule_id="critical_indicator").exists()
    Person.objects.update(disability="intellectual", is_migrant=True, nationality="CN", interpreter_language="zh")
    result = evaluate_all(now=at("2024-05-03"))
    assert (result.created, result.updated, result.expired) == (0, 0, 0)
    Person.objects.update(disability="none", is_migrant=False, nationality="KR", interpreter_language="")
    evaluate_all(now=at("2024-05-03"))
    assert sorted((f.rule_id, f.subject_key, f.explanation_ko, f.expires_at) for f in open_flags()) == before


def test_a_person_merged_into_another_counts_as_that_person(reports, couple):
    victim, suspect = couple
    same_victim = reports.person("고", "은비", "1988-12-04")  # recorded again by another institution
    reports.report(at("2024-01-04"), victim=victim, suspect=suspect)
    reports.report(at("2024-02-04"), victim=same_victim, suspect=suspect, source="1366")
    reports.report(at("2024-03-04"), victim=same_victim, suspect=suspect)
    evaluate_all(now=at("2024-03-05"))
    assert "escalation" not in rules_fired(), "two pairs until the victims are linked"
    [household] = open_flags("household_grade_a")  # the shared suspect links them into one household
    assert set(household.persons.all()) == {victim, same_victim, suspect}

    Person.objects.filter(pk=same_victim.pk).update(merged_into=victim)
    evaluate_for_persons([same_victim.pk], now=at("2024-03-05"))
    [escalation] = open_flags("escalation")
    assert (escalation.victim, escalation.suspect) == (victim, suspect)
    assert escalation.incidents.count() == 3
    household.refresh_from_db()
    assert set(household.persons.all()) == {victim, suspect}


def test_the_nightly_command_evaluates_as_of_a_given_time(reports, couple):
    grade_a_history(reports, couple)
    Flag.objects.all().delete()  # whatever recording raised: start from nothing
    output = io.StringIO()
    call_command("evaluate_repeat_rules", "--now", "2024-05-03T09:00+09:00", stdout=output)
    assert "2 raised" in output.getvalue()
    assert rules_fired() == ["escalation", "household_grade_a"]
    with pytest.raises(CommandError, match="not a date and time"):
        call_command("evaluate_repeat_rules", "--now", "yesterday")


@pytest.fixture
def concurrent_evaluation(monkeypatch, couple):
    """Someone else (recording an incident) evaluates the same persons between our plan and our write."""
    real_plan = services.plan_changes
    interrupted: list[bool] = []

    def plan_then_someone_else_writes(*args, **kwargs):
        planned = real_plan(*args, **kwargs)
        if not interrupted:
            interrupted.append(True)
            evaluate_for_persons([couple[0].pk], now=at("2024-05-03"))
        return planned

    monkeypatch.setattr(services, "plan_changes", plan_then_someone_else_writes)
    return interrupted


def test_a_batch_part_that_collides_with_a_concurrent_evaluation_is_left_to_the_next_run(
    reports, couple, concurrent_evaluation
):
    grade_a_history(reports, couple)
    Flag.objects.all().delete()  # whatever recording raised: start from nothing
    concurrent_evaluation.clear()
    result = evaluate_all(now=at("2024-05-03"))
    assert concurrent_evaluation
    assert (result.created, result.conflicts) == (0, 2)
    assert rules_fired() == ["escalation", "household_grade_a"], "the concurrent run's flags, once"
    assert evaluate_all(now=at("2024-05-03")).unchanged == 2


def test_the_incremental_path_reads_again_after_a_collision(reports, couple, concurrent_evaluation):
    grade_a_history(reports, couple)
    Flag.objects.all().delete()  # whatever recording raised: start from nothing
    raised_before = AccessEvent.objects.filter(verb="repeats.flag_raise").count()
    concurrent_evaluation.clear()
    result = evaluate_for_persons([couple[1].pk], now=at("2024-05-03"))  # collides, rolls back, retries
    assert concurrent_evaluation
    assert result.created == 2  # (in one test connection the other writer's flags rolled back with ours)
    assert rules_fired() == ["escalation", "household_grade_a"]
    raised = AccessEvent.objects.filter(verb="repeats.flag_raise").count() - raised_before
    assert raised == 2, "the rolled-back attempt left no audit"
