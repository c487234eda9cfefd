"""Importing incidents from a spreadsheet: preview, import in one transaction, and the pending upload.

Rows are checked by `jss.imports.validation.validate_rows` (no database); here they are compared with what
is already recorded and saved. A row whose source reference (with its source, for the same institution)
is already recorded is left as it is and counted as unchanged, so importing the same file again changes
nothing.

Persons (docs/import-template.md, "Who is the same person"): a party is recorded as an existing person
when that person scores at least 0.9 with `jss.people.matching.score` *and* shares the registration
number, the phone number or the birth date with the row; otherwise a new person is created. In practice
0.9 needs the same phone number and a near-identical name (name and birth date alone score at most 0.85),
or the same registration number. Persons created by earlier rows of the file count as existing for later
rows; the victim and the suspect of one row are never matched with each other. `PersonMatcher` applies
the rule, the same way for both ways of saving.

Two ways to save, with the same result: up to BULK_THRESHOLD new rows one by one through
`jss.incidents.services.record_incident` (as the intake form does, with its audit record per incident),
and larger files in bulk (`bulk_create` of persons with their blind indexes, incidents, parties and
relationships, in chunks), because row by row takes about 10 ms a row: 15 minutes for 100,000 rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jss.accounts.models import User
from jss.audit.services import record
from jss.imports.models import PENDING_LIFETIME, PendingImport
from jss.imports.reader import Table, read_table
from jss.imports.validation import IncidentRow, PersonRow, RowProblem, Validation, region_key, validate_rows
from jss.incidents.models import INCIDENT_FIELDS, Incident, Party
from jss.incidents.services import IncidentData, IncidentError, PartyData, build_person, record_incident
from jss.institutions.models import Institution
from jss.lib.hangul import jamo_similarity, normalize_name
from jss.people.matching import Identity, indexes, phone_digits, score
from jss.people.models import Person, Relationship
from jss.regions.models import Region

REUSE_SCORE = 0.9
BULK_THRESHOLD = 200  # new rows; above this the bulk path saves them
CHUNK = 1000  # rows per round of bulk_create
QUERY_CHUNK = 500  # values per IN (…) query

DIRECTED_RELATIONSHIPS = frozenset(
    {Relationship.Kind.PARENT_CHILD, Relationship.Kind.CARER_ELDER, Relationship.Kind.STAFF_RESIDENT}
)

_DEFAULT_SOURCES: dict[str, str] = {
    Institution.Category.POLICE_AGENCY: Incident.Source.POLICE_112,
    Institution.Category.POLICE_STATION: Incident.Source.POLICE_112,
    Institution.Category.AUTONOMOUS_POLICE: Incident.Source.POLICE_112,
    Institution.Category.WOMEN_HOTLINE: Incident.Source.HOTLINE_1366,
    Institution.Category.CHILD_PROTECTION: Incident.Source.CHILD_PROTECTION,
    Institution.Category.ELDER_PROTECTION: Incident.Source.ELDER_PROTECTION,
    Institution.Category.DISABILITY_PROTECTION: Incident.Source.DISABILITY_PROTECTION,
    Institution.Category.SCHOOL: Incident.Source.SCHOOL,
    Institution.Category.EDUCATION: Incident.Source.SCHOOL,
    Institution.Category.HOSPITAL: Incident.Source.HOSPITAL,
    Institution.Category.WOMENS_COUNSELLING: Incident.Source.COUNSELLING,
    Institution.Category.YOUTH_COUNSELLING: Incident.Source.COUNSELLING,
    Institution.Category.SUNFLOWER_CENTRE: Incident.Source.COUNSELLING,
}


class IncidentImportError(Exception):
    """Nothing was saved; the message says why."""


@dataclass
class ImportPreview:
    validation: Validation
    to_create: list[IncidentRow]
    unchanged_rows: list[int]

    @property
    def rows(self) -> int:
        return len(self.validation.rows)

    @property
    def problems(self) -> list[RowProblem]:
        return self.validation.problems

    @property
    def rows_with_problems(self) -> int:
        return len(self.validation.rows) if self.validation.file_problems else self.validation.rows_with_problems


@dataclass
class ImportResult:
    created: int
    unchanged: int
    skipped: list[RowProblem] = field(default_factory=list)  # every problem of the rows not imported
    notices: list[RowProblem] = field(default_factory=list)  # ignored columns
    person_ids: set[int] = field(default_factory=set)  # the persons of the new incidents (for the repeat rules)

    @property
    def skipped_rows(self) -> int:
        return len({problem.row for problem in self.skipped})


def default_source_for(institution: Institution) -> str:
    return _DEFAULT_SOURCES.get(institution.category, Incident.Source.OTHER.value)


def region_lookup() -> dict[str, Region]:
    """Eup, myeon and dong by Korean name, English name and administrative code (see `region_key`)."""
    lookup: dict[str, Region] = {}
    for region in Region.objects.filter(level__in=[Region.Level.EUP, Region.Level.MYEON, Region.Level.DONG]):
        for name in (region.name_ko, region.name_en, region.code):
            if name:
                lookup[region_key(name)] = region
    return lookup


def _batched(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def recorded_references(institution: Institution, references: Iterable[str]) -> set[tuple[str, str]]:
    """(source, source reference) of the institution's incidents among these reference numbers."""
    found: set[tuple[str, str]] = set()
    for chunk in _batched(sorted(set(references)), QUERY_CHUNK):
        found.update(
            Incident.objects.filter(reporting_institution=institution, source_reference__in=chunk).values_list(
                "source", "source_reference"
            )
        )
    return found


def preview_table(
    table: Table, *, institution: Institution, source_default: str, now: datetime.datetime | None = None
) -> ImportPreview:
    """What importing the table would do: the rows to create, the rows already recorded, every problem."""
    validation = validate_rows(table, regions=region_lookup(), source_default=source_default, now=now)
    records = validation.records
    recorded = recorded_references(institution, (record.source_reference for record in records))
    to_create = [record for record in records if (record.source, record.source_reference) not in recorded]
    unchanged = [record.row for record in records if (record.source, record.source_reference) in recorded]
    return ImportPreview(validation, to_create, unchanged)


# --- persons ------------------------------------------------------------------------------------------


CLOSE_NAME = 0.85  # jamo similarity of given names: a typo or a spacing, not another name


def _qualifies(identity: Identity, person: Person, points: float) -> bool:
    if points < REUSE_SCORE:
        return False
    same_identifier = bool(identity.identifier) and identity.identifier.replace("-", "") == (
        person.identifier or ""
    ).replace("-", "")
    same_phone = bool(phone_digits(identity.phone)) and phone_digits(identity.phone) == phone_digits(person.phone or "")
    same_birth_date = identity.birth_date is not None and identity.birth_date == person.birth_date
    if same_identifier:
        return True
    # A twin shares surname, birth date and the guardian's phone: without a close given name, not the same.
    close_name = jamo_similarity(normalize_name(identity.given_name), normalize_name(person.given_name)) >= CLOSE_NAME
    return close_name and (same_phone or same_birth_date)


def _party_data(role: str, person: PersonRow, existing: Person | None = None) -> PartyData:
    return PartyData(
        role=role, identity=person.identity, existing=existing, sex=person.sex, is_migrant=person.is_foreigner
    )


def _parties(record: IncidentRow) -> list[tuple[str, PersonRow]]:
    parties = [(Party.Role.VICTIM.value, record.victim)]
    if record.suspect is not None:
        parties.append((Party.Role.SUSPECT.value, record.suspect))
    return parties


def _incident_data(record: IncidentRow, institution: Institution, parties: list[PartyData]) -> IncidentData:
    return IncidentData(
        domain=record.domain,
        occurred_at=record.occurred_at,
        reported_at=record.reported_at,
        source=record.source,
        reporting_institution=institution,
        region=record.region,
        source_reference=record.source_reference,
        injury=record.injury,
        weapon=record.weapon,
        strangulation=record.strangulation,
        threat_to_kill=record.threat_to_kill,
        sexual_violence=record.sexual_violence,
        pregnancy=record.pregnancy,
        alcohol=record.alcohol,
        children_present=record.children_present,
        police_measures=list(record.police_measures),
        narrative=record.narrative,
        parties=parties,
    )


def _relationship_pair(record: IncidentRow, victim_id: int, suspect_id: int | None) -> tuple[int, int] | None:
    """(person, other) of the relationship the row states, or None. Symmetric kinds in id order."""
    if not record.relationship or suspect_id is None or suspect_id == victim_id:
        return None
    if record.relationship in DIRECTED_RELATIONSHIPS:
        return (suspect_id, victim_id) if record.suspect_first else (victim_id, suspect_id)
    return (min(victim_id, suspect_id), max(victim_id, suspect_id))


def _recorded_relationships(pairs: Iterable[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    """Of these (person, other, kind), those already recorded, in either direction for symmetric kinds."""
    wanted = list(pairs)
    found: set[tuple[int, int, str]] = set()
    for chunk in _batched(wanted, QUERY_CHUNK):
        ids = {person_id for first, second, _kind in chunk for person_id in (first, second)}
        found.update(
            Relationship.objects.filter(person_id__in=ids, other_id__in=ids).values_list(
                "person_id", "other_id", "kind"
            )
        )
    return {
        (first, second, kind)
        for first, second, kind in wanted
        if (first, second, kind) in found or (kind not in DIRECTED_RELATIONSHIPS and (second, first, kind) in found)
    }


class PersonMatcher:
    """Who a row's victim or suspect is (module docstring): the best-scoring person, then the oldest, among
    those who reach REUSE_SCORE and share the registration number, phone or birth date.

    Only a person with the same phone number or registration number can reach 0.9 (without them the score
    is at most 0.85), so the candidates are the persons sharing one of those two blind indexes with a row:
    loaded for the whole file in a few queries, then scored with `jss.people.matching.score`, as
    `find_candidates` scores. (`find_candidates` itself is not used: it keeps 200 arbitrary candidates of
    everyone sharing any index or the birth date, so with many persons it may miss the one with the same
    phone, and it decrypts all of them for every row.) Persons created by this import are added as they
    are created."""

    NEW = 2**62  # unsaved new persons come after every saved one, in the order they are created

    def __init__(self) -> None:
        self.by_index: dict[str, list[tuple[int, Person]]] = {}
        self.created = 0
        self.identity_keys: dict[Identity, list[str]] = {}  # the same person recurs: hash once
        self.scores: dict[tuple[Identity, int], float] = {}  # ... and is scored once against each candidate

    @staticmethod
    def _keys(values: dict[str, str]) -> list[str]:
        return [f"{name}:{values[name]}" for name in ("phone_index", "identifier_index") if values[name]]

    def add(self, person: Person, order: int) -> None:
        for key in self._keys({"phone_index": person.phone_index, "identifier_index": person.identifier_index}):
            self.by_index.setdefault(key, []).append((order, person))

    def add_new(self, person: Person) -> None:
        """A person this import created (saved, or to be saved in bulk after the existing ones)."""
        self.created += 1
        self.add(person, person.pk if person.pk is not None else self.NEW + self.created)

    def keys_of(self, identity: Identity) -> list[str]:
        if identity not in self.identity_keys:
            self.identity_keys[identity] = self._keys(indexes(identity))
        return self.identity_keys[identity]

    def load_existing(self, identities: Iterable[Identity]) -> None:
        wanted: dict[str, set[str]] = {"phone_index": set(), "identifier_index": set()}
        for identity in identities:
            for key in self.keys_of(identity):
                name, value = key.split(":", 1)
                wanted[name].add(value)
        seen: set[int] = set()
        for name, values in wanted.items():
            for chunk in _batched(sorted(values), QUERY_CHUNK):
                for person in Person.objects.filter(**{f"{name}__in": chunk}, merged_into__isnull=True):
                    if person.pk not in seen:
                        seen.add(person.pk)
                        self.add(person, person.pk)

    def find(self, identity: Identity) -> Person | None:
        pool = {
            id(person): (order, person)
            for key in self.keys_of(identity)
            for order, person in self.by_index.get(key, [])
        }
        best: tuple[float, int, Person] | None = None
        for order, person in pool.values():
            key = (identity, id(person))
            if key not in self.scores:
                self.scores[key] = score(identity, person).score
            points = self.scores[key]
            if _qualifies(identity, person, points) and (best is None or (-points, order) < (-best[0], best[1])):
                best = (points, order, person)
        return best[2] if best else None


# --- saving row by row --------------------------------------------------------------------------------


@dataclass
class _Saved:
    created: int = 0
    person_ids: set[int] = field(default_factory=set)
    refused: list[RowProblem] = field(default_factory=list)  # rows record_incident refused after all


def _save_each(records: list[IncidentRow], *, institution: Institution, actor: User | None) -> _Saved:
    saved = _Saved()
    matcher = PersonMatcher()
    matcher.load_existing(person.identity for row in records for _role, person in _parties(row))
    for row in records:
        parties = [_party_data(role, person, matcher.find(person.identity)) for role, person in _parties(row)]
        try:
            incident = record_incident(_incident_data(row, institution, parties), actor=actor)
        except IncidentError as error:  # e.g. the same reference saved meanwhile by someone else
            saved.refused.append(RowProblem(row.row, "", str(error)))
            continue
        saved.created += 1
        new = {party.role for party in parties if party.existing is None}
        people: dict[str, int] = {}
        for party in incident.parties.select_related("person").order_by("pk"):
            people[party.role] = party.person_id
            if party.role in new:
                matcher.add_new(party.person)  # after the row: its victim and suspect are not matched together
        saved.person_ids.update(people.values())
        if row.relationship:
            pair = _relationship_pair(row, people[Party.Role.VICTIM], people.get(Party.Role.SUSPECT))
            if pair and not _recorded_relationships([(*pair, row.relationship)]):
                Relationship.objects.create(
                    person_id=pair[0], other_id=pair[1], kind=row.relationship, recorded_by=actor
                )
    return saved


# --- saving in bulk -----------------------------------------------------------------------------------


def _new_person(party: PartyData, *, institution: Institution) -> Person:
    """The person `jss.incidents.services.create_person` would save, not yet saved."""
    return build_person(party, institution=institution)


def _save_bulk(records: list[IncidentRow], *, institution: Institution, actor: User | None) -> _Saved:
    matcher = PersonMatcher()
    matcher.load_existing(person.identity for row in records for _role, person in _parties(row))
    created_ids: set[int] = set()  # persons created by this import
    related: set[tuple[int, int, str]] = set()  # relationships recorded by this import
    person_ids: set[int] = set()
    for chunk in _batched(records, CHUNK):
        persons: list[Person] = []
        incidents: list[Incident] = []
        parties: list[list[tuple[str, Person]]] = []
        for row in chunk:
            found = [(role, person, matcher.find(person.identity)) for role, person in _parties(row)]
            resolved: list[tuple[str, Person]] = []
            for role, person_row, existing in found:
                person = existing or _new_person(_party_data(role, person_row), institution=institution)
                if existing is None:
                    persons.append(person)
                resolved.append((role, person))
            for (_role, _row, existing), (_same_role, person) in zip(found, resolved, strict=True):
                if existing is None:
                    matcher.add_new(person)  # after the row: its victim and suspect are not matched together
            data = _incident_data(row, institution, [])
            incidents.append(Incident(created_by=actor, **{name: getattr(data, name) for name in INCIDENT_FIELDS}))
            parties.append(resolved)
        Person.objects.bulk_create(persons, batch_size=QUERY_CHUNK)
        created_ids.update(person.pk for person in persons)
        Incident.objects.bulk_create(incidents, batch_size=QUERY_CHUNK)
        Party.objects.bulk_create(
            [
                Party(incident=incident, person=person, role=role)
                for incident, resolved in zip(incidents, parties, strict=True)
                for role, person in resolved
            ],
            batch_size=QUERY_CHUNK,
        )
        _relate_bulk(chunk, parties, created_ids=created_ids, related=related, actor=actor)
        person_ids.update(person.pk for resolved in parties for _role, person in resolved)
    return _Saved(created=len(records), person_ids=person_ids)


def _relate_bulk(
    rows: Sequence[IncidentRow],
    parties: list[list[tuple[str, Person]]],
    *,
    created_ids: set[int],
    related: set[tuple[int, int, str]],
    actor: User | None,
) -> None:
    """Record the relationships the rows state, once. Only pairs of persons who existed before the
    import can have one recorded already; the others are checked against `related`."""
    wanted: dict[tuple[int, int, str], None] = {}  # in order, once each
    for row, resolved in zip(rows, parties, strict=True):
        people = {role: person.pk for role, person in resolved}
        pair = _relationship_pair(row, people[Party.Role.VICTIM], people.get(Party.Role.SUSPECT))
        if pair and (*pair, row.relationship) not in related:
            wanted[(*pair, row.relationship)] = None
    recorded = _recorded_relationships(
        relationship for relationship in wanted if not created_ids.intersection(relationship[:2])
    )
    new = [relationship for relationship in wanted if relationship not in recorded]
    Relationship.objects.bulk_create(
        [Relationship(person_id=first, other_id=second, kind=kind, recorded_by=actor) for first, second, kind in new],
        batch_size=QUERY_CHUNK,
    )
    related.update(new)


# --- the import ---------------------------------------------------------------------------------------


@transaction.atomic
def import_rows(
    rows: Table,
    *,
    institution: Institution,
    actor: User | None,
    source_default: str,
    bulk: bool | None = None,
    now: datetime.datetime | None = None,
) -> ImportResult:
    """Check every row, then save the valid new ones in this one transaction; rows already recorded are
    unchanged. `bulk` forces one way of saving (None: by size, see BULK_THRESHOLD)."""
    preview = preview_table(rows, institution=institution, source_default=source_default, now=now)
    validation = preview.validation
    skipped = [*validation.file_problems, *validation.row_problems]
    use_bulk = len(preview.to_create) > BULK_THRESHOLD if bulk is None else bulk
    try:
        with transaction.atomic():
            save = _save_bulk if use_bulk else _save_each
            saved = save(preview.to_create, institution=institution, actor=actor)
    except IntegrityError as error:
        raise IncidentImportError(
            _(
                "The import could not be saved because the same rows were being saved at the same time "
                "(was the file uploaded twice?). Nothing was saved; try again."
            )
        ) from error
    if use_bulk and saved.person_ids:
        # Row by row, record_incident runs the repeat rules; in bulk they run once, after the commit (one huge
        # transaction would update the audit chain head once per flag inside it).
        from jss.repeats.engine import evaluate_for_persons

        evaluate_for_persons(saved.person_ids, now=timezone.now(), actor=actor)
    if saved.person_ids:
        from jss.cases.services import reopen_for_persons  # a closed case watched for a year reopens

        reopen_for_persons(saved.person_ids, actor=actor)
    result = ImportResult(
        created=saved.created,
        unchanged=len(preview.unchanged_rows),
        skipped=sorted([*skipped, *saved.refused], key=lambda problem: problem.row),
        notices=validation.notices,
        person_ids=saved.person_ids,
    )
    record(
        actor,
        "incidents.import",
        institution,
        {
            "rows": preview.rows,
            "created": result.created,
            "unchanged": result.unchanged,
            "skipped": result.skipped_rows,
            "bulk": use_bulk,
        },
    )
    return result


# --- the upload kept between preview and confirmation -------------------------------------------------


@transaction.atomic
def create_pending_import(
    *,
    owner: User,
    institution: Institution,
    filename: str,
    data: bytes,
    source_default: str,
    now: datetime.datetime | None = None,
) -> PendingImport:
    """Keep an uploaded file (encrypted) for its owner's preview; expired uploads are deleted first."""
    now = now or timezone.now()
    discard_expired_pending_imports(now=now)
    return PendingImport.objects.create(
        owner=owner,
        institution=institution,
        filename=filename[:255],
        content=PendingImport.encode(data),
        source_default=source_default,
        expires_at=now + PENDING_LIFETIME,
    )


def discard_expired_pending_imports(*, now: datetime.datetime | None = None) -> int:
    deleted, _by_model = PendingImport.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def discard_pending_import(pending: PendingImport) -> None:
    pending.delete()


def preview_pending_import(pending: PendingImport, *, now: datetime.datetime | None = None) -> ImportPreview:
    return preview_table(
        read_table(pending.data), institution=pending.institution, source_default=pending.source_default, now=now
    )


@transaction.atomic
def import_pending(pending: PendingImport, *, actor: User, now: datetime.datetime | None = None) -> ImportResult:
    """Import the kept file and delete it, in one transaction."""
    result = import_rows(
        read_table(pending.data),
        institution=pending.institution,
        actor=actor,
        source_default=pending.source_default,
        now=now,
    )
    pending.delete()
    return result
