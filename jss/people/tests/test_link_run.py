"""The nightly run end to end on synthetic persons with known truth (bench/synthetic_people.py)."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from django.core.management import call_command

from bench.synthetic_people import generate
from jss.audit.models import AccessEvent
from jss.people import linking
from jss.people.matching import refresh_indexes
from jss.people.models import LinkageRun, Person, PersonLink
from jss.regions.models import Region

RECORDS = 1_200


def test_the_nightly_run_merges_true_duplicates_and_queues_the_doubtful(jeju, capsys, monkeypatch):
    monkeypatch.setattr(linking, "MIN_RECORDS_FOR_AUTOMATIC_MERGE", 500)  # the second run has fewer than 1,000
    regions = {region.code: region for region in Region.objects.all()}
    truth: dict[int, int] = {}
    people = []
    for row in generate(RECORDS, seed=5).to_pylist():
        person = Person(
            family_name=row["family_name"] or "", given_name=row["given_name"] or "", phone=row["phone"] or "",
            address_detail=row["address_detail"] or "", birth_date=row["birth_date"], birth_year=row["birth_year"],
            sex=row["sex"] or "U", region=regions.get(row["region_code"] or ""),
        )  # fmt: skip
        refresh_indexes(person)
        people.append((person, row["entity_id"]))
    Person.objects.bulk_create([person for person, _entity in people])
    truth = {person.pk: entity for person, entity in people}

    call_command("link_persons")

    run = LinkageRun.objects.get()
    assert run.records == RECORDS
    assert run.finished_at is not None
    assert run.merged > 0
    assert run.model is not None  # trained on these records: the fallback of later runs
    assert "persons compared" in capsys.readouterr().out
    merged = list(PersonLink.objects.filter(status="merged").values_list("person_id", "other_id"))
    assert len(merged) == run.merged
    wrong = [pair for pair in merged if truth[pair[0]] != truth[pair[1]]]
    assert len(wrong) <= len(merged) * 0.01, "merged pairs are (almost always) one person"
    # Recall: of the true duplicate pairs, how many ended up under one root.
    parent = dict(Person.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id"))

    def root(pk: int) -> int:
        while pk in parent:
            pk = parent[pk]
        return pk

    records_of: dict[int, list[int]] = {}
    for pk, entity in truth.items():
        records_of.setdefault(entity, []).append(pk)
    true_pairs = [pair for members in records_of.values() for pair in combinations(members, 2)]
    together = sum(1 for a, b in true_pairs if root(a) == root(b))
    assert together / len(true_pairs) > 0.8
    assert Counter(PersonLink.objects.values_list("status", flat=True))["pending"] == run.queued
    assert AccessEvent.objects.filter(verb="people.linkage_finished").count() == 1

    call_command("link_persons")  # nothing new: no merge repeated, no pair proposed twice
    again = LinkageRun.objects.order_by("-pk")[0]
    assert again.records == RECORDS - run.merged
    assert again.queued == 0
    assert again.model is None  # the duplicates are merged: too few left to train on, the first run's model used
    assert again.note == ""
    assert PersonLink.objects.count() == run.merged + run.queued + run.kept_apart + again.merged + again.kept_apart
