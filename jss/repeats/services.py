"""Writes on flags: saving what the engine found, expiring, proposing to the council, dismissing.

Every new, updated, expired, proposed or dismissed flag is audited in the same transaction (detail holds
rule ids, versions and incident ids; never names or free text).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jss.audit.services import record
from jss.repeats.models import Flag, Proposal
from jss.repeats.rules import Rule, RuleSet

BATCH = 500


class RepeatsError(Exception):
    """A decision on a flag that cannot be made; the message says why."""


@dataclass(frozen=True)
class Subject:
    type: str
    key: str
    persons: frozenset[int]
    person: int | None = None
    victim: int | None = None
    suspect: int | None = None
    household: int | None = None


@dataclass(frozen=True)
class Firing:
    """A rule standing for a subject at the time of evaluation (computed by jss.repeats.engine)."""

    rule: Rule
    subject: Subject
    fired_at: datetime.datetime
    expires_at: datetime.datetime
    incident_ids: tuple[int, ...]
    station_id: int | None
    explanation_ko: str
    explanation_en: str


@dataclass
class Evaluation:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    expired: int = 0
    suppressed: int = 0  # fired again on the same incidents as a dismissed flag
    flag_ids: list[int] = field(default_factory=list)  # created or updated


def _audit(actor: Any, verb: str, flag: Flag, incident_ids: Iterable[int], **detail: Any) -> None:
    record(
        actor,
        verb,
        flag,
        {
            "rule": flag.rule_id,
            "version": flag.rule_version,
            "subject": flag.subject_type,
            "incidents": sorted(incident_ids),
            **detail,
        },
    )


def _links(flag_ids: list[int]) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    incidents: dict[int, set[int]] = defaultdict(set)
    persons: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(flag_ids), 5000):
        chunk = flag_ids[start : start + 5000]
        for flag_id, incident_id in Flag.incidents.through.objects.filter(flag_id__in=chunk).values_list(
            "flag_id", "incident_id"
        ):
            incidents[flag_id].add(incident_id)
        for flag_id, person_id in Flag.persons.through.objects.filter(flag_id__in=chunk).values_list(
            "flag_id", "person_id"
        ):
            persons[flag_id].add(person_id)
    return incidents, persons


def _flags_in_scope(states: Iterable[str], scope: set[int] | None) -> list[Flag]:
    flags = Flag.objects.filter(state__in=list(states))
    if scope is None:
        return list(flags)
    flag_ids: set[int] = set()
    people = sorted(scope)
    for start in range(0, len(people), 5000):
        chunk = people[start : start + 5000]
        flag_ids.update(Flag.persons.through.objects.filter(person_id__in=chunk).values_list("flag_id", flat=True))
    found: list[Flag] = []
    ids = sorted(flag_ids)
    for start in range(0, len(ids), 5000):
        found.extend(flags.filter(pk__in=ids[start : start + 5000]))
    return found


FIELDS = [
    "rule_version",
    "severity",
    "fired_at",
    "expires_at",
    "explanation_ko",
    "explanation_en",
    "station_id",
    "household_id",
]


def _values(firing: Firing, rules: RuleSet) -> dict[str, Any]:
    return {
        "rule_version": rules.version,
        "severity": firing.rule.severity,
        "fired_at": firing.fired_at,
        "expires_at": firing.expires_at,
        "explanation_ko": firing.explanation_ko,
        "explanation_en": firing.explanation_en,
        "station_id": firing.station_id,
        "household_id": firing.subject.household,
    }


def save_firings(
    firings: list[Firing], *, rules: RuleSet, now: datetime.datetime, scope: set[int] | None, actor: Any
) -> Evaluation:
    """Make the open flags match the firings: create, update (new inputs, new expiry), or close the open
    flags in scope that no longer stand. A firing on incidents a coordinator already dismissed (no new
    incident since) raises nothing. `scope` None means every flag; otherwise flags about those persons."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("save_firings() must run inside a transaction")
    result = Evaluation()
    open_flags = {(flag.subject_key, flag.rule_id): flag for flag in _flags_in_scope(Flag.OPEN_STATES, scope)}
    dismissed = _flags_in_scope([Flag.State.DISMISSED], scope)
    flag_ids = [flag.pk for flag in open_flags.values()] + [flag.pk for flag in dismissed]
    linked_incidents, linked_persons = _links(flag_ids)
    judged: dict[tuple[str, str], set[int]] = defaultdict(set)
    for flag in dismissed:
        judged[(flag.subject_key, flag.rule_id)] |= linked_incidents[flag.pk]

    created: list[tuple[Flag, Firing]] = []
    updated: list[tuple[Flag, Firing]] = []
    standing: set[tuple[str, str]] = set()
    for firing in firings:
        key = (firing.subject.key, firing.rule.id)
        standing.add(key)
        values = _values(firing, rules)
        existing = open_flags.get(key)
        if existing is None:
            if set(firing.incident_ids) <= judged.get(key, set()):
                result.suppressed += 1
                continue
            subject = firing.subject
            created.append(
                (
                    Flag(
                        subject_type=subject.type,
                        subject_key=subject.key,
                        person_id=subject.person,
                        victim_id=subject.victim,
                        suspect_id=subject.suspect,
                        rule_id=firing.rule.id,
                        state=Flag.State.ACTIVE,
                        updated_at=now,
                        **values,
                    ),
                    firing,
                )
            )
        elif (
            any(getattr(existing, name) != value for name, value in values.items())
            or linked_incidents[existing.pk] != set(firing.incident_ids)
            or linked_persons[existing.pk] != set(firing.subject.persons)
        ):
            for name, value in values.items():
                setattr(existing, name, value)
            existing.updated_at = now
            updated.append((existing, firing))
        else:
            result.unchanged += 1

    closing = [
        flag
        for key, flag in open_flags.items()
        if key not in standing and (flag.expires_at <= now or flag.state == Flag.State.ACTIVE)
    ]
    for flag in closing:
        flag.state = Flag.State.EXPIRED
        flag.updated_at = now

    Flag.objects.bulk_create([flag for flag, _firing in created], batch_size=BATCH)
    Flag.objects.bulk_update([flag for flag, _firing in updated], [*FIELDS, "updated_at"], batch_size=BATCH)
    Flag.objects.bulk_update(closing, ["state", "updated_at"], batch_size=BATCH)
    changed = created + updated
    changed_ids = [flag.pk for flag, _firing in updated]
    for start in range(0, len(changed_ids), 5000):
        chunk = changed_ids[start : start + 5000]
        Flag.incidents.through.objects.filter(flag_id__in=chunk).delete()
        Flag.persons.through.objects.filter(flag_id__in=chunk).delete()
    Flag.incidents.through.objects.bulk_create(
        (
            Flag.incidents.through(flag_id=flag.pk, incident_id=incident_id)
            for flag, firing in changed
            for incident_id in firing.incident_ids
        ),
        batch_size=2000,
    )
    Flag.persons.through.objects.bulk_create(
        (
            Flag.persons.through(flag_id=flag.pk, person_id=person_id)
            for flag, firing in changed
            for person_id in sorted(firing.subject.persons)
        ),
        batch_size=2000,
    )
    for flag, firing in created:
        _audit(actor, "repeats.flag_raise", flag, firing.incident_ids)
    for flag, firing in updated:
        _audit(actor, "repeats.flag_update", flag, firing.incident_ids)
    for flag in closing:
        reason = "expired" if flag.expires_at <= now else "no_longer_fires"
        _audit(actor, "repeats.flag_expire", flag, linked_incidents[flag.pk], reason=reason)
    result.created, result.updated, result.expired = len(created), len(updated), len(closing)
    result.flag_ids = [flag.pk for flag, _firing in changed]
    return result


@transaction.atomic
def expire_flags(*, now: datetime.datetime, actor: Any = None) -> int:
    """Close the open flags whose time has passed (no new firing renewed them). Returns how many."""
    due = list(Flag.objects.select_for_update().filter(state__in=Flag.OPEN_STATES, expires_at__lte=now))
    if not due:
        return 0
    linked_incidents, _persons = _links([flag.pk for flag in due])
    for flag in due:
        flag.state = Flag.State.EXPIRED
        flag.updated_at = now
    Flag.objects.bulk_update(due, ["state", "updated_at"], batch_size=BATCH)
    for flag in due:
        _audit(actor, "repeats.flag_expire", flag, linked_incidents[flag.pk], reason="expired")
    return len(due)


def _locked(flag: Flag) -> Flag:
    return Flag.objects.select_for_update().get(pk=flag.pk)


@transaction.atomic
def propose_flag(flag: Flag, *, note: str, actor: Any) -> Proposal:
    """Propose the flagged case for the working council's agenda (recorded until cases exist)."""
    flag = _locked(flag)
    if flag.state == Flag.State.PROPOSED:
        raise RepeatsError(_("This flag has already been proposed to the council."))
    if flag.state != Flag.State.ACTIVE:
        raise RepeatsError(_("Only an active flag can be proposed to the council."))
    now = timezone.now()
    proposal = Proposal.objects.create(flag=flag, proposed_by=actor, note=note.strip())
    flag.state = Flag.State.PROPOSED
    flag.decided_by = actor
    flag.decided_at = now
    flag.updated_at = now
    flag.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    record(actor, "repeats.flag_propose", flag, {"rule": flag.rule_id, "proposal": proposal.pk})
    return proposal


@transaction.atomic
def dismiss_flag(flag: Flag, *, reason: str, actor: Any) -> Flag:
    """Dismiss a flag with a reason. The same incidents will not raise it again; a new incident will."""
    flag = _locked(flag)
    if not reason.strip():
        raise RepeatsError(_("Say why the flag is dismissed."))
    if flag.state not in Flag.OPEN_STATES:
        raise RepeatsError(_("Only an open flag can be dismissed."))
    now = timezone.now()
    flag.state = Flag.State.DISMISSED
    flag.dismissed_reason = reason.strip()
    flag.decided_by = actor
    flag.decided_at = now
    flag.updated_at = now
    flag.save(update_fields=["state", "dismissed_reason", "decided_by", "decided_at", "updated_at"])
    record(actor, "repeats.flag_dismiss", flag, {"rule": flag.rule_id})
    return flag
