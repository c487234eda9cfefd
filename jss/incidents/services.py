"""Recording incidents with their parties. Persons are created or re-used here; every write is audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jss.accounts.models import User
from jss.audit.services import record
from jss.incidents.models import INCIDENT_FIELDS, Incident, Party
from jss.institutions.models import Institution
from jss.people.matching import Identity, refresh_indexes
from jss.people.models import Person
from jss.regions.models import Region


class IncidentError(Exception):
    """An incident that cannot be recorded; the message names what is wrong."""


@dataclass
class PartyData:
    role: str
    identity: Identity
    existing: Person | None = None  # chosen from the suggestions
    sex: str = Person.Sex.UNKNOWN
    nationality: str = "KR"
    is_migrant: bool = False
    interpreter_language: str = ""
    disability: str = Person.Disability.NONE
    address_detail: str = ""
    region: Region | None = None


@dataclass
class IncidentData:
    domain: str
    occurred_at: datetime.datetime
    reported_at: datetime.datetime
    source: str
    reporting_institution: Institution
    region: Region | None
    source_reference: str = ""
    injury: bool = False
    weapon: bool = False
    strangulation: bool = False
    threat_to_kill: bool = False
    sexual_violence: bool = False
    pregnancy: bool = False
    alcohol: bool = False
    children_present: bool = False
    police_measures: list[str] = field(default_factory=list)
    narrative: str = ""
    parties: list[PartyData] = field(default_factory=list)


def _check(data: IncidentData) -> None:
    if data.reported_at < data.occurred_at:
        raise IncidentError(_("The report time is before the time it happened."))
    unknown = [m for m in data.police_measures if m not in Incident.PoliceMeasure.values]
    if unknown:
        raise IncidentError(_("Unknown police measure: %(codes)s.") % {"codes": ", ".join(unknown)})
    if not any(party.role == Party.Role.VICTIM for party in data.parties):
        raise IncidentError(_("An incident needs at least one victim."))
    for party in data.parties:
        if party.role not in Party.Role.values:
            raise IncidentError(_("Every party needs a role (victim, suspect, reporter or witness)."))


def create_person(party: PartyData, *, institution: Institution) -> Person:
    person = build_person(party, institution=institution)
    person.save()
    return person


def build_person(party: PartyData, *, institution: Institution) -> Person:
    """The person a party describes, with its blind indexes, not yet saved (bulk imports save many at once)."""
    identity = party.identity
    person = Person(
        family_name=identity.family_name.strip(),
        given_name=identity.given_name.strip(),
        birth_date=identity.birth_date,
        birth_year=identity.year,
        phone=identity.phone.strip(),
        identifier=identity.identifier.strip(),
        address_detail=party.address_detail.strip(),
        sex=party.sex,
        nationality=party.nationality or "KR",
        is_migrant=party.is_migrant,
        interpreter_language=party.interpreter_language,
        disability=party.disability,
        region=party.region,
        recorded_by=institution,
    )
    refresh_indexes(person)
    return person


@transaction.atomic
def record_incident(data: IncidentData, *, actor: User | None) -> Incident:
    """Save the incident and its parties; reuse the persons picked from the suggestions, create the rest.
    Then evaluate the repeat rules for the people involved (so a flag is raised before the next call)."""
    _check(data)
    if (
        data.source_reference
        and Incident.objects.filter(
            reporting_institution=data.reporting_institution, source=data.source, source_reference=data.source_reference
        ).exists()
    ):
        raise IncidentError(
            _("A report with source reference %(reference)s is already recorded.")
            % {"reference": data.source_reference}
        )
    values: dict[str, Any] = {name: getattr(data, name) for name in INCIDENT_FIELDS}
    incident = Incident.objects.create(created_by=actor, **values)
    linked: list[int] = []
    created: list[int] = []
    for party in data.parties:
        if party.existing is not None:
            person = party.existing
            linked.append(person.pk)
        else:
            person = create_person(party, institution=data.reporting_institution)
            created.append(person.pk)
        Party.objects.get_or_create(incident=incident, person=person, role=party.role)
    record(actor, "incident.create", incident, {"domain": data.domain, "created": created, "linked": linked})
    # The repeat rules run at once, so a flag is raised before the next call (jss/repeats, docs/repeat-rules.md).
    from jss.repeats.engine import evaluate_for_persons  # the engine reads incidents: imported late

    persons = list(incident.parties.values_list("person_id", flat=True))
    evaluate_for_persons(persons, now=timezone.now(), actor=actor)
    from jss.cases.services import reopen_for_persons  # a closed case watched for a year reopens

    reopen_for_persons(persons, actor=actor)
    return incident
