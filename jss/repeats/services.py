"""Writes on flags: saving what the engine found, expiring, proposing to the council, dismissing.

Every new, updated, expired, proposed or dismissed flag is audited in the same transaction (detail holds
rule ids, versions, incident ids and assessment ids; never names or free text).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
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
    assessment_ids: tuple[int, ...] = ()  # risk identification: the assessments behind it


@dataclass
class Evaluation:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    expired: int = 0
    suppressed: int = 0  # fired again on the same incidents as a dismissed flag
    conflicts: int = 0  # changes left to the next run: a concurrent evaluation wrote the same flags
    flag_ids: list[int] = field(default_factory=list)  # created or updated


def _audit(
    actor: Any, verb: str, flag: Flag, incident_ids: Iterable[int], assessment_ids: Iterable[int], **detail: Any
) -> None:
    assessments = sorted(assessment_ids)
    record(
        actor,
        verb,
        flag,
        {
            "rule": flag.rule_id,
            "version": flag.rule_version,
            "subject": flag.subject_type,
            "incidents": sorted(incident_ids),
            **({"assessments": assessments} if assessments else {}),
            **detail,
        },
    )


@dataclass
class Links:
    """What the flags are linked to, by flag id."""

    incidents: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    persons: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    assessments: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))

    def inputs(self, flag_id: int) -> set[tuple[str, int]]:
        """The incidents and assessments behind a flag (what a dismissal judged)."""
        return {("incident", pk) for pk in self.incidents[flag_id]} | {
            ("assessment", pk) for pk in self.assessments[flag_id]
        }


def _inputs(firing: Firing) -> set[tuple[str, int]]:
    return {("incident", pk) for pk in firing.incident_ids} | {("assessment", pk) for pk in firing.assessment_ids}


def _links(flag_ids: list[int]) -> Links:
    links = Links()
    incidents, persons, assessments = links.incidents, links.persons, links.assessments
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
        for flag_id, assessment_id in Flag.assessments.through.objects.filter(flag_id__in=chunk).values_list(
            "flag_id", "assessment_id"
        ):
            assessments[flag_id].add(assessment_id)
    return links


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


@dataclass
class Changes:
    """What saving the firings will write: decided from one read of the flags, applied in parts."""

    created: list[tuple[Flag, Firing]] = field(default_factory=list)
    updated: list[tuple[Flag, Firing]] = field(default_factory=list)
    # flag, reason, its incidents, its assessments
    closing: list[tuple[Flag, str, set[int], set[int]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.created) + len(self.updated) + len(self.closing)

    def parts(self, size: int) -> list[Changes]:
        items: list[tuple[str, Any]] = [
            *(("created", item) for item in self.created),
            *(("updated", item) for item in self.updated),
            *(("closing", item) for item in self.closing),
        ]
        parts = []
        for start in range(0, len(items), size):
            part = Changes()
            for kind, item in items[start : start + size]:
                getattr(part, kind).append(item)
            parts.append(part)
        return parts


def plan_changes(
    firings: list[Firing],
    *,
    rules: RuleSet,
    now: datetime.datetime,
    scope: set[int] | None,
    held: Collection[str] = (),
) -> tuple[Changes, Evaluation]:
    """Compare the firings with the open flags (reads only): which to create, to update (new inputs, new
    expiry) and to close (open flags in scope that no longer stand). A firing on incidents (and
    assessments) a coordinator already dismissed (nothing new since) raises nothing. `scope` None means
    every flag. Rules in `held` were not evaluated this time (their inputs could not be read): their open
    flags are left as they are, except those whose time has passed."""
    result = Evaluation()
    changes = Changes()
    open_flags = {(flag.subject_key, flag.rule_id): flag for flag in _flags_in_scope(Flag.OPEN_STATES, scope)}
    dismissed = _flags_in_scope([Flag.State.DISMISSED], scope)
    flag_ids = [flag.pk for flag in open_flags.values()] + [flag.pk for flag in dismissed]
    links = _links(flag_ids)
    judged: dict[tuple[str, str], set[tuple[str, int]]] = defaultdict(set)
    for flag in dismissed:
        judged[(flag.subject_key, flag.rule_id)] |= links.inputs(flag.pk)

    standing: set[tuple[str, str]] = set()
    for firing in firings:
        key = (firing.subject.key, firing.rule.id)
        standing.add(key)
        values = _values(firing, rules)
        existing = open_flags.get(key)
        if existing is None:
            if _inputs(firing) <= judged.get(key, set()):
                result.suppressed += 1
                continue
            subject = firing.subject
            flag = Flag(
                subject_type=subject.type,
                subject_key=subject.key,
                person_id=subject.person,
                victim_id=subject.victim,
                suspect_id=subject.suspect,
                rule_id=firing.rule.id,
                state=Flag.State.ACTIVE,
                updated_at=now,
                **values,
            )
            changes.created.append((flag, firing))
        elif (
            any(getattr(existing, name) != value for name, value in values.items())
            or links.incidents[existing.pk] != set(firing.incident_ids)
            or links.persons[existing.pk] != set(firing.subject.persons)
            or links.assessments[existing.pk] != set(firing.assessment_ids)
        ):
            for name, value in values.items():
                setattr(existing, name, value)
            existing.updated_at = now
            changes.updated.append((existing, firing))
        else:
            result.unchanged += 1
    for key, flag in open_flags.items():
        if key in standing:
            continue
        if flag.expires_at <= now or (flag.state == Flag.State.ACTIVE and flag.rule_id not in held):
            reason = "expired" if flag.expires_at <= now else "no_longer_fires"
            flag.state = Flag.State.EXPIRED
            flag.updated_at = now
            changes.closing.append((flag, reason, links.incidents[flag.pk], links.assessments[flag.pk]))
    return changes, result


def apply_changes(changes: Changes, *, actor: Any) -> None:
    """Write planned changes and their audit events (inside the caller's transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("apply_changes() must run inside a transaction")
    created = [flag for flag, _firing in changes.created]
    updated = [flag for flag, _firing in changes.updated]
    Flag.objects.bulk_create(created, batch_size=BATCH)
    Flag.objects.bulk_update(updated, [*FIELDS, "updated_at"], batch_size=BATCH)
    Flag.objects.bulk_update(
        [flag for flag, _reason, _incidents, _assessments in changes.closing], ["state", "updated_at"], batch_size=BATCH
    )
    changed = changes.created + changes.updated
    if updated:
        Flag.incidents.through.objects.filter(flag__in=updated).delete()
        Flag.persons.through.objects.filter(flag__in=updated).delete()
        Flag.assessments.through.objects.filter(flag__in=updated).delete()
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
    Flag.assessments.through.objects.bulk_create(
        (
            Flag.assessments.through(flag_id=flag.pk, assessment_id=assessment_id)
            for flag, firing in changed
            for assessment_id in firing.assessment_ids
        ),
        batch_size=2000,
    )
    for flag, firing in changes.created:
        _audit(actor, "repeats.flag_raise", flag, firing.incident_ids, firing.assessment_ids)
    for flag, firing in changes.updated:
        _audit(actor, "repeats.flag_update", flag, firing.incident_ids, firing.assessment_ids)
    for flag, reason, incident_ids, assessment_ids in changes.closing:
        _audit(actor, "repeats.flag_expire", flag, incident_ids, assessment_ids, reason=reason)


def save_firings(
    firings: list[Firing],
    *,
    rules: RuleSet,
    now: datetime.datetime,
    scope: set[int] | None,
    actor: Any,
    part_size: int | None = None,
    held: Collection[str] = (),
) -> Evaluation:
    """Make the open flags match the firings. With `part_size`, the changes are written in parts of that
    many flags, each in its own transaction with its audit events (a long batch neither holds the write
    lock for minutes nor updates the audit chain head thousands of times in one transaction); a part
    that collides with a concurrent evaluation is left to the next run and counted in `conflicts`.
    Without it, everything is written in one transaction (the incremental path) and a collision raises.
    Open flags of the rules in `held` are left as they are (see plan_changes)."""
    changes, result = plan_changes(firings, rules=rules, now=now, scope=scope, held=held)
    for part in changes.parts(part_size) if part_size else [changes]:
        try:
            with transaction.atomic():
                apply_changes(part, actor=actor)
        except IntegrityError:
            if not part_size:
                raise
            result.conflicts += len(part)
            continue
        result.created += len(part.created)
        result.updated += len(part.updated)
        result.expired += len(part.closing)
        result.flag_ids += [flag.pk for flag, _firing in part.created + part.updated]
    return result


def expire_flags(*, now: datetime.datetime, actor: Any = None, part_size: int = 500) -> int:
    """Close the open flags whose time has passed (no new firing renewed them), in parts of `part_size`
    flags per transaction. Returns how many."""
    due_ids = list(
        Flag.objects.filter(state__in=Flag.OPEN_STATES, expires_at__lte=now).order_by("pk").values_list("pk", flat=True)
    )
    expired = 0
    for start in range(0, len(due_ids), part_size):
        with transaction.atomic():
            due = list(
                Flag.objects.select_for_update().filter(
                    pk__in=due_ids[start : start + part_size], state__in=Flag.OPEN_STATES, expires_at__lte=now
                )
            )
            links = _links([flag.pk for flag in due])
            for flag in due:
                flag.state = Flag.State.EXPIRED
                flag.updated_at = now
            Flag.objects.bulk_update(due, ["state", "updated_at"], batch_size=BATCH)
            for flag in due:
                _audit(
                    actor, "repeats.flag_expire", flag, links.incidents[flag.pk], links.assessments[flag.pk],
                    reason="expired",
                )  # fmt: skip
            expired += len(due)
    return expired


def _locked(flag: Flag) -> Flag:
    return Flag.objects.select_for_update().get(pk=flag.pk)


@transaction.atomic
def propose_flag(flag: Flag, *, note: str, actor: Any) -> Proposal:
    """Propose the flagged case for the working council's agenda: a nomination of its persons and reports
    (jss.cases), with the rule as the reason."""
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
    from jss.cases.services import CaseError, nominate_from_flag  # cases build on flags: imported late

    try:
        nominate_from_flag(flag, note=note.strip(), actor=actor)
    except CaseError as error:
        raise RepeatsError(str(error)) from error
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
