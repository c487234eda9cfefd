"""Links between person records: merge, keep apart, unmerge, and the nightly batch run.

A merge moves the other record's parties and relationships to the kept person and writes down which;
an unmerge moves exactly those back. Nothing is deleted and the other record keeps its own fields, so
nothing is lost either way. Two records that appear as victim and suspect of one incident are two people:
merging them is refused. Every decision is audited, and the repeat rules are evaluated again for both.

The batch run (`run_linkage`, command `link_persons`) scores every pair with the Splink model of
`jss.linkage.model`: pairs above the automatic threshold are merged (unless refused or decided before),
pairs between the thresholds wait in the review queue with their evidence. What a person decided about a
pair is never overridden.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jss.audit.services import record
from jss.people.models import LinkageRun, Person, PersonLink, Relationship

if TYPE_CHECKING:
    from jss.linkage.model import LinkageResult, Pair

# Below this many persons the model cannot learn what agreement means in this data (too few pairs):
# the run then merges nothing by itself and sends every pair it found to review.
MIN_RECORDS_FOR_AUTOMATIC_MERGE = 1_000
DECIDED = [PersonLink.Status.MERGED, PersonLink.Status.DISTINCT, PersonLink.Status.UNMERGED]


class LinkRefusedError(Exception):
    """A decision that cannot be made; the message says why, in the user's language."""


def ordered(first: Person, second: Person) -> tuple[Person, Person]:
    """(kept, other): the older record is kept."""
    return (first, second) if first.pk < second.pk else (second, first)


def opposite_roles_incident(first: Person, second: Person) -> str | None:
    """The code of an incident in which one of them is the victim and the other the suspect, if any."""
    from jss.incidents.models import Incident, Party

    def role(person: Person, name: str) -> Exists:
        return Exists(Party.objects.filter(incident=OuterRef("pk"), person=person, role=name))

    incident = (
        Incident.objects.filter(
            (role(first, "victim") & role(second, "suspect")) | (role(first, "suspect") & role(second, "victim"))
        )
        .order_by("reported_at")
        .first()
    )
    return incident.code if incident is not None else None


def _check_mergeable(person: Person, other: Person) -> None:
    if person.pk == other.pk:
        raise LinkRefusedError(_("A record cannot be merged with itself."))
    if person.merged_into_id is not None or other.merged_into_id is not None:
        raise LinkRefusedError(_("One of the two records has been merged into another one meanwhile."))
    code = opposite_roles_incident(person, other)
    if code is not None:
        raise LinkRefusedError(
            _("They are the victim and the suspect of the same report (%(code)s): two different people.")
            % {"code": code}
        )


def _reevaluate(person_ids: Iterable[int], actor: Any) -> None:
    from jss.repeats.engine import evaluate_for_persons  # the engine reads incidents: imported late

    evaluate_for_persons(person_ids, now=timezone.now(), actor=actor)


def _lock_persons(link: PersonLink) -> tuple[Person, Person]:
    """Both records, locked (in id order, so two merges cannot deadlock) and read afresh."""
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=[link.person_id, link.other_id]).order_by("pk")
    }
    return locked[link.person_id], locked[link.other_id]


def _merge(link: PersonLink, *, actor: Any, note: str, reevaluate: bool = True) -> PersonLink:
    from jss.incidents.models import Party
    from jss.risk.models import Assessment

    person, other = _lock_persons(link)
    _check_mergeable(person, other)
    held = set(Party.objects.filter(person=person).values_list("incident_id", "role"))
    dropped = []
    parties = []
    for party in Party.objects.filter(person=other):
        if (party.incident_id, party.role) in held:  # one person entered twice in one report
            dropped.append([party.incident_id, party.role])
            party.delete()
        else:
            parties.append(party.pk)
    Party.objects.filter(pk__in=parties).update(person=person)
    drafts = set(
        Assessment.objects.filter(person=person, status=Assessment.Status.DRAFT).values_list("pack_id", "assessor_id")
    )
    assessments = [
        a.pk
        for a in Assessment.objects.filter(person=other)
        if a.status != Assessment.Status.DRAFT or (a.pack_id, a.assessor_id) not in drafts
    ]
    Assessment.objects.filter(pk__in=assessments).update(person=person)
    moved_relationships = []
    for relationship in Relationship.objects.filter(Q(person=other) | Q(other=other)).exclude(
        Q(person=person) | Q(other=person)
    ):
        side, partner = ("person", "other") if relationship.person_id == other.pk else ("other", "person")
        partner_id = getattr(relationship, f"{partner}_id")
        if Relationship.objects.filter(**{side: person, partner: partner_id}, kind=relationship.kind).exists():
            continue  # the kept person has it already; the other's own stays as it is
        setattr(relationship, side, person)
        relationship.save(update_fields=[side])
        moved_relationships.append([relationship.pk, side])
    other.merged_into = person
    other.save(update_fields=["merged_into"])
    link.status = PersonLink.Status.MERGED
    link.moved_parties = parties
    link.moved_relationships = moved_relationships
    link.moved_assessments = assessments
    link.dropped_parties = dropped
    link.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    link.decided_at = timezone.now()
    link.note = note
    link.save()
    record(actor, "people.merge", link, {"kept": person.pk, "merged": other.pk, "parties": len(parties),
                                         "origin": link.origin})  # fmt: skip
    if reevaluate:
        _reevaluate([person.pk, other.pk], actor)
    return link


@transaction.atomic
def merge(link: PersonLink, *, actor: Any, note: str = "") -> PersonLink:
    """Decide that the pair is one person and merge the other record into the kept one."""
    link = PersonLink.objects.select_for_update().select_related("person", "other").get(pk=link.pk)
    if link.status != PersonLink.Status.PENDING:
        raise LinkRefusedError(_("This pair has been decided already."))
    return _merge(link, actor=actor, note=note)


@transaction.atomic
def keep_apart(link: PersonLink, *, actor: Any, note: str = "") -> PersonLink:
    """Decide that the pair is two people; remembered, so the pair is not proposed again."""
    link = PersonLink.objects.select_for_update().get(pk=link.pk)
    if link.status != PersonLink.Status.PENDING:
        raise LinkRefusedError(_("This pair has been decided already."))
    link.status = PersonLink.Status.DISTINCT
    link.decided_by = actor
    link.decided_at = timezone.now()
    link.note = note
    link.save()
    record(actor, "people.keep_apart", link, {"person": link.person_id, "other": link.other_id})
    return link


@transaction.atomic
def unmerge(link: PersonLink, *, actor: Any, note: str) -> PersonLink:
    """Undo a merge: the other record's parties and relationships go back to it, and the pair is
    remembered as two people."""
    from jss.incidents.models import Party

    link = PersonLink.objects.select_for_update().select_related("person", "other").get(pk=link.pk)
    if link.status != PersonLink.Status.MERGED:
        raise LinkRefusedError(_("Only a merge can be undone."))
    if not note.strip():
        raise LinkRefusedError(_("Say why the merge is undone."))
    _kept, other = _lock_persons(link)
    # The kept person may have been merged into a third record since: its parties are there now.
    holders = [link.person_id]
    holder = link.person
    while holder.merged_into_id is not None:
        holders.append(holder.merged_into_id)
        holder = Person.objects.get(pk=holder.merged_into_id)
    moved_back = Party.objects.filter(pk__in=link.moved_parties, person__in=holders).update(person=other)
    if moved_back != len(link.moved_parties):
        raise LinkRefusedError(
            _("Some of the reports moved by the merge are not where it left them: nothing was undone.")
        )
    for incident_id, role in link.dropped_parties:
        Party.objects.get_or_create(incident_id=incident_id, person=other, role=role)
    for relationship_id, side in link.moved_relationships:
        Relationship.objects.filter(pk=relationship_id, **{f"{side}__in": holders}).update(**{side: other})
    from jss.risk.models import Assessment

    Assessment.objects.filter(pk__in=link.moved_assessments, person__in=holders).update(person=other)
    other.merged_into = None
    other.save(update_fields=["merged_into"])
    link.status = PersonLink.Status.UNMERGED
    link.undone_by = actor
    link.undone_at = timezone.now()
    link.undo_note = note
    link.save()
    record(actor, "people.unmerge", link, {"kept": link.person_id, "restored": other.pk, "parties": moved_back})
    _reevaluate([*holders, other.pk], actor)
    return link


# --- the batch run ---------------------------------------------------------------------------------------


def linkage_records() -> list[dict[str, Any]]:
    """Every person not merged into another, decrypted in memory, as `jss.linkage.model` reads them."""
    rows = []
    for person in Person.objects.filter(merged_into__isnull=True).select_related("region").iterator(2000):
        rows.append(
            {
                "record_id": person.pk,
                "family_name": person.family_name,
                "given_name": person.given_name,
                "birth_date": person.birth_date,
                "birth_year": person.year_of_birth,
                "sex": person.sex if person.sex in {"M", "F"} else None,
                "phone": person.phone,
                "region_code": person.region.code if person.region else None,
                "address_detail": person.address_detail,
                "identifier": person.identifier,
            }
        )
    return rows


def _evidence(pair: Pair) -> list[dict[str, Any]]:
    return [{"comparison": e.comparison, "level": e.level, "weight": e.match_weight} for e in pair.evidence]


@dataclass
class _Roots:
    """Which record each merged one now lives in, as the run merges."""

    parent: dict[int, int]

    def find(self, record_id: int) -> int:
        while record_id in self.parent:
            record_id = self.parent[record_id]
        return record_id


def apply_linkage(result: LinkageResult, run: LinkageRun, *, automatic: bool = True) -> LinkageRun:
    """Merge the automatic pairs (strongest first) and queue the rest, respecting every earlier decision.
    Each merge is its own transaction, so a refused or failed one leaves the others."""
    decided: set[tuple[int, int]] = set(
        PersonLink.objects.filter(status__in=DECIDED).values_list("person_id", "other_id")
    )
    existing: set[tuple[int, int]] = set(PersonLink.objects.values_list("person_id", "other_id"))
    pairs = result.pairs()  # strongest first
    compared = {record_id for pair in pairs for record_id in (pair.record_id_left, pair.record_id_right)}
    roots = _Roots(parent={})  # records merged before this run (and what those went into), then this run's
    asking = sorted(compared)
    while asking:
        found: dict[int, int] = {}
        for chunk in range(0, len(asking), 5000):
            found.update(
                Person.objects.filter(pk__in=asking[chunk : chunk + 5000], merged_into__isnull=False).values_list(
                    "pk", "merged_into_id"
                )
            )
        roots.parent.update(found)
        asking = sorted(set(found.values()) - roots.parent.keys())
    for pair in pairs:
        left, right = roots.find(pair.record_id_left), roots.find(pair.record_id_right)
        if left == right:
            continue
        key = (min(left, right), max(left, right))
        original = (min(pair.record_id_left, pair.record_id_right), max(pair.record_id_left, pair.record_id_right))
        if key in decided or original in decided:
            continue
        fields = {
            "run": run,
            "match_probability": pair.match_probability,
            "match_weight": pair.match_weight,
            "evidence": _evidence(pair),
        }
        if pair.decision == "link" and automatic:
            with transaction.atomic():
                link, _created = PersonLink.objects.update_or_create(
                    person_id=key[0], other_id=key[1],
                    defaults={**fields, "origin": PersonLink.Origin.AUTOMATIC, "review_reason": ""},
                )  # fmt: skip
                link = PersonLink.objects.select_related("person", "other").get(pk=link.pk)
                if opposite_roles_incident(link.person, link.other) is not None:
                    link.status = PersonLink.Status.DISTINCT
                    link.review_reason = "victim_and_suspect"
                    link.decided_at = timezone.now()
                    link.save()
                    record(None, "people.keep_apart", link, {"person": key[0], "other": key[1], "automatic": True})
                    decided.add(key)
                    run.kept_apart += 1
                    continue
                try:
                    with transaction.atomic():
                        _merge(link, actor=None, note="", reevaluate=False)
                except (LinkRefusedError, IntegrityError):  # changed meanwhile: a person decides
                    link.review_reason = "not_merged_automatically"
                    link.save(update_fields=["review_reason"])
                    existing.add(key)
                    continue
            roots.parent[key[1]] = key[0]
            decided.add(key)
            run.merged += 1
        elif key not in existing:
            reason = pair.review_reason or ("too_few_records" if pair.decision == "link" else "")
            kept, other = Person.objects.get(pk=key[0]), Person.objects.get(pk=key[1])
            if opposite_roles_incident(kept, other) is not None:  # nobody could merge them: not for review
                with transaction.atomic():
                    link = PersonLink.objects.create(
                        person_id=key[0], other_id=key[1], origin=PersonLink.Origin.REVIEW, **fields,
                        status=PersonLink.Status.DISTINCT, review_reason="victim_and_suspect",
                        decided_at=timezone.now(),
                    )  # fmt: skip
                    record(None, "people.keep_apart", link, {"person": key[0], "other": key[1], "automatic": True})
                existing.add(key)
                decided.add(key)
                run.kept_apart += 1
                continue
            with transaction.atomic():
                link = PersonLink.objects.create(
                    person_id=key[0], other_id=key[1], origin=PersonLink.Origin.REVIEW, review_reason=reason, **fields
                )
                record(None, "people.queue_link", link, {"person": key[0], "other": key[1]})
            existing.add(key)
    # A pair queued early in the run may have been merged later through a stronger pair of a third record.
    run.queued = PersonLink.objects.filter(run=run, status=PersonLink.Status.PENDING).count()
    return run


def run_linkage(*, now: datetime.datetime | None = None, **options: Any) -> LinkageRun:
    """The nightly run: link all persons, merge, queue, then evaluate the repeat rules once for everyone
    whose records changed. `options` go to `jss.linkage.model.link_records` (thresholds, seed, …)."""
    from jss.linkage.model import UntrainedModelError, link_records  # Splink, DuckDB: only for this run

    started = time.perf_counter()
    with transaction.atomic():
        run = LinkageRun.objects.create(started_at=now or timezone.now())
        record(None, "people.linkage_started", run, {})
    records = linkage_records()
    run.records = len(records)
    if len(records) < 2:
        run.note = LinkageRun.NOTHING_TO_COMPARE
    else:
        fallback = LinkageRun.objects.filter(model__isnull=False).order_by("-started_at").first()
        try:
            result = link_records(records, fallback_model=fallback.model if fallback else None, **options)
        except UntrainedModelError:
            return _finish(run, started, note=LinkageRun.UNTRAINED)
        if result.trained:
            run.model = result.model
        automatic = len(records) >= MIN_RECORDS_FOR_AUTOMATIC_MERGE
        if not automatic:
            run.note = LinkageRun.TOO_FEW_TO_MERGE
        apply_linkage(result, run, automatic=automatic)
        result.close()
        changed = PersonLink.objects.filter(run=run, status=PersonLink.Status.MERGED).values_list(
            "person_id", "other_id"
        )
        ids = {person_id for pair in changed for person_id in pair}
        if ids:
            _reevaluate(ids, None)
    return _finish(run, started)


def _finish(run: LinkageRun, started: float, *, note: str = "") -> LinkageRun:
    run.note = note or run.note
    run.finished_at = timezone.now()
    run.seconds = round(time.perf_counter() - started, 1)
    with transaction.atomic():
        run.save()
        counts = {"records": run.records, "merged": run.merged, "queued": run.queued, "kept_apart": run.kept_apart}
        record(None, "people.linkage_finished", run, counts)
    return run
