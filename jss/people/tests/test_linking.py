"""Merging, keeping apart and unmerging person records, and what the batch run does with its pairs."""

from __future__ import annotations

from typing import Any, cast

import pytest

from jss.audit.models import AccessEvent
from jss.audit.services import verify_chain
from jss.incidents.models import Party
from jss.linkage.model import Evidence, LinkageResult, Pair
from jss.people import linking
from jss.people.models import LinkageRun, Person, PersonLink, Relationship
from jss.repeats.models import Flag

from .conftest import ago, pending


def open_rules(person: Person) -> set[str]:
    return set(Flag.objects.filter(persons=person, state__in=Flag.OPEN_STATES).values_list("rule_id", flat=True))


def test_a_merge_moves_the_reports_and_the_repeat_rules_see_them_together(split_person, social_worker):
    first, second, suspect = split_person["first"], split_person["second"], split_person["suspect"]
    Relationship.objects.create(person=second, other=suspect, kind=Relationship.Kind.SPOUSE)
    assert "escalation" not in open_rules(first)  # the pair: two reports on one record, one on the other
    link = pending(first, second)

    linking.merge(link, actor=None, note="같은 사람: 생년월일 일/월 바뀜")

    link.refresh_from_db()
    second.refresh_from_db()
    assert link.status == PersonLink.Status.MERGED
    assert second.merged_into == first
    assert Party.objects.filter(person=second).count() == 0
    assert Party.objects.filter(person=first, role="victim").count() == 3
    assert Relationship.objects.filter(person=first, other=suspect, kind="spouse").exists()
    assert (second.family_name, second.given_name) == ("고", "은 비")  # the merged record itself is kept as written
    assert link.note == "같은 사람: 생년월일 일/월 바뀜"
    assert "escalation" in open_rules(first)  # three reports about the same pair in 12 months, now one pair
    event = AccessEvent.objects.filter(verb="people.merge").get()
    assert event.detail == {"kept": first.pk, "merged": second.pk, "parties": 1, "origin": "review"}
    assert verify_chain()[0]


def test_an_unmerge_puts_back_exactly_what_the_merge_moved(split_person, officer):
    first, second = split_person["first"], split_person["second"]
    link = linking.merge(pending(first, second), actor=officer)
    moved = set(link.moved_parties)

    with pytest.raises(linking.LinkRefusedError, match="이유를 적으십시오"):
        linking.unmerge(link, actor=officer, note=" ")
    linking.unmerge(link, actor=officer, note="다른 사람이었음")

    link.refresh_from_db()
    second.refresh_from_db()
    assert link.status == PersonLink.Status.UNMERGED
    assert (link.undone_by, link.undo_note) == (officer, "다른 사람이었음")
    assert link.decided_by == officer  # the merge's own decision is kept
    assert second.merged_into is None
    assert set(Party.objects.filter(person=second).values_list("pk", flat=True)) == moved
    assert Party.objects.filter(person=first, role="victim").count() == 2
    assert "escalation" not in open_rules(first)
    assert AccessEvent.objects.filter(verb="people.unmerge", actor=officer).count() == 1
    with pytest.raises(linking.LinkRefusedError):
        linking.unmerge(link, actor=officer, note="again")


def test_an_unmerge_finds_the_reports_after_the_kept_record_was_merged_again(split_person, reports, officer):
    first, second = split_person["first"], split_person["second"]
    older = reports.person("고", "은비", "1988-04-12")  # a third record, made later: it gets the higher id
    linking.merge(pending(first, second), actor=officer)
    later = linking.merge(pending(first, older), actor=officer)
    assert later.person == first  # the older record is kept
    link = PersonLink.objects.get(other=second)
    linking.unmerge(link, actor=officer, note="잘못 합침")
    assert Party.objects.filter(person=second).count() == 1


def test_victim_and_suspect_of_one_report_are_never_merged(split_person):
    first, suspect = split_person["first"], split_person["suspect"]
    link = pending(first, suspect)
    with pytest.raises(linking.LinkRefusedError) as refused:
        linking.merge(link, actor=None)
    code = Party.objects.filter(person=first).order_by("incident__reported_at")[0].incident.code
    assert code in str(refused.value)
    link.refresh_from_db()
    assert link.status == PersonLink.Status.PENDING
    assert Party.objects.filter(person=suspect).count() == 3


def test_keeping_apart_is_remembered(split_person, officer):
    first, second = split_person["first"], split_person["second"]
    link = linking.keep_apart(pending(first, second), actor=officer, note="쌍둥이")
    assert link.status == PersonLink.Status.DISTINCT
    with pytest.raises(linking.LinkRefusedError, match="이미 결정되었습니다"):
        linking.merge(link, actor=officer)


class FakeResult:
    """What apply_linkage reads of a LinkageResult: its pairs, strongest first."""

    def __init__(self, pairs: list[Pair]) -> None:
        self._pairs = pairs

    def pairs(self, **_options: Any) -> list[Pair]:
        return self._pairs


def pair(left: Person, right: Person, decision: str, probability: float, reason: str | None = None) -> Pair:
    return Pair(
        record_id_left=left.pk, record_id_right=right.pk, match_probability=probability, match_weight=10.0,
        decision=decision, review_reason=reason,  # type: ignore[arg-type]
        evidence=(Evidence("given_name", "exact", 9.4), Evidence("birth", "day_month_swapped", 4.0)),
    )  # fmt: skip


def apply(pairs: list[Pair], *, automatic: bool = True) -> LinkageRun:
    run = LinkageRun.objects.create(started_at=ago(0))
    return linking.apply_linkage(cast(LinkageResult, FakeResult(pairs)), run, automatic=automatic)


def test_the_batch_run_merges_queues_and_respects_decisions(split_person, reports, officer):
    first, second, suspect = split_person["first"], split_person["second"], split_person["suspect"]
    third = reports.person("고", "은비", "1988-04-12")
    fourth = reports.person("김", "민준", "1990-01-01")
    fifth = reports.person("김", "민준", "1990-01-01")
    linking.keep_apart(pending(fourth, fifth), actor=officer)
    lone_victim, lone_suspect = reports.person("문", "지아", "1995-05-05"), reports.person("강", "도윤", "1993-03-03")
    reports.report(ago(10), victim=lone_victim, suspect=lone_suspect)

    run = apply(
        [
            pair(first, second, "link", 0.999),
            pair(second, third, "link", 0.995),  # second is in first by now: first and third
            pair(first, suspect, "link", 0.99),  # victim and suspect of the same reports
            pair(fourth, fifth, "link", 0.99),  # decided by a person before
            pair(third, fourth, "review", 0.7, "names_differ"),
            pair(lone_victim, lone_suspect, "review", 0.6),  # nobody could merge them: kept apart, not queued
        ]
    )

    assert (run.merged, run.queued, run.kept_apart) == (2, 1, 2)
    assert PersonLink.objects.get(person=lone_victim).review_reason == "victim_and_suspect"
    assert set(Person.objects.filter(merged_into=first).values_list("pk", flat=True)) == {second.pk, third.pk}
    kept_apart = PersonLink.objects.get(person=first, other=suspect)
    assert (kept_apart.status, kept_apart.review_reason) == ("distinct", "victim_and_suspect")
    assert PersonLink.objects.get(person=fourth, other=fifth).status == "distinct"
    queued = PersonLink.objects.get(status="pending")
    assert (queued.person, queued.other, queued.review_reason) == (first, fourth, "names_differ")  # third is in first
    assert queued.evidence[1] == {"comparison": "birth", "level": "day_month_swapped", "weight": 4.0}

    again = apply([pair(third, fourth, "review", 0.7, "names_differ"), pair(first, suspect, "link", 0.99)])
    assert (again.merged, again.queued, again.kept_apart) == (0, 0, 0)  # nothing proposed twice
    assert PersonLink.objects.count() == 6


def test_with_too_few_persons_the_run_only_queues(split_person):
    first, second = split_person["first"], split_person["second"]
    run = apply([pair(first, second, "link", 0.999)], automatic=False)
    assert (run.merged, run.queued) == (0, 1)
    assert PersonLink.objects.get().review_reason == "too_few_records"
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_a_run_that_cannot_train_says_so_and_changes_nothing(split_person, monkeypatch):
    from jss.linkage import model

    def untrained(*_args: Any, **_options: Any) -> LinkageResult:
        raise model.UntrainedModelError("no pairs")

    monkeypatch.setattr(model, "link_records", untrained)
    run = linking.run_linkage()
    assert (run.note, run.merged, run.queued) == (LinkageRun.UNTRAINED, 0, 0)
    assert run.finished_at is not None
    assert PersonLink.objects.count() == 0


def test_one_person_entered_twice_in_one_report_merges_and_unmerges(reports, officer):
    first = reports.person("고", "은비", "1988-04-12")
    second = reports.person("고", "은비", "1988-04-12")
    report = reports.report(ago(5), victim=[first, second])  # entered twice as the victim
    link = linking.merge(pending(first, second), actor=officer)
    assert list(report.parties.values_list("person_id", "role")) == [(first.pk, "victim")]
    assert link.dropped_parties == [[report.pk, "victim"]]
    linking.unmerge(link, actor=officer, note="두 사람이었음")
    assert set(report.parties.values_list("person_id", flat=True)) == {first.pk, second.pk}


def test_a_merge_takes_the_other_records_risk_assessments_and_an_unmerge_gives_them_back(
    split_person, officer, tmp_path, settings
):
    from jss.risk import packs
    from jss.risk import services as risk
    from jss.risk.tests.conftest import TEST_PACK

    (tmp_path / "test-dv-v1.yaml").write_text(TEST_PACK, encoding="utf-8")
    settings.JSS_RISK_PACK_DIRS = [tmp_path]
    packs.clear_cache()
    first, second = split_person["first"], split_person["second"]
    done = risk.complete(
        risk.start(second, packs.current_packs()["test-dv"], actor=officer),
        dict.fromkeys(["choked", "threats", "more_often", "drinking", "afraid"], "no"),
        actor=officer,
    )
    link = linking.merge(pending(first, second), actor=officer)
    done.refresh_from_db()
    assert done.person == first
    assert link.moved_assessments == [done.pk]
    linking.unmerge(link, actor=officer, note="다른 사람")
    done.refresh_from_db()
    assert done.person == second
    packs.clear_cache()


def test_a_merge_is_not_undone_when_its_reports_have_moved_elsewhere(split_person, officer):
    first, second = split_person["first"], split_person["second"]
    link = linking.merge(pending(first, second), actor=officer)
    Party.objects.filter(pk__in=link.moved_parties).update(person=split_person["suspect"])  # as if moved away
    with pytest.raises(linking.LinkRefusedError):
        linking.unmerge(link, actor=officer, note="다른 사람")
    link.refresh_from_db()
    assert link.status == PersonLink.Status.MERGED
