"""Writes on cases: nominate, accept or decline, share with an institution on a legal basis, revoke.

Every write is audited in its transaction and leaves a CaseEvent for the case's timeline. Sharing without
a basis is impossible: a share needs a person's consent (who, when, what, until when) or a statutory
basis from the maintained list; withdrawing consent (revoking) stops sharing at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jss.accounts.access import caseworker_membership, membership_of
from jss.audit.services import record
from jss.cases.access import FULL, is_station_coordinator, may_share, scope_for
from jss.cases.bases import current_bases
from jss.cases.models import Case, CaseEvent, CasePerson, ContactLog, Nomination, Share
from jss.incidents.models import Incident
from jss.institutions.models import Institution
from jss.people.models import Person
from jss.regions.models import PoliceStation

OPEN_STATUSES = [
    Case.Status.NOMINATED, Case.Status.ACCEPTED, Case.Status.IN_COUNCIL, Case.Status.PLAN_ACTIVE,
    Case.Status.MONITORING,
]  # fmt: skip


class CaseError(Exception):
    """A write that cannot be done. `field` names the form field it is about, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _event(case: Case, kind: str, actor: Any, **detail: Any) -> None:
    membership = membership_of(actor)
    CaseEvent.objects.create(
        case=case, kind=kind, actor=actor if membership else None,
        institution_id=membership.institution_id if membership else None, detail=detail,
    )  # fmt: skip
    record(actor, f"cases.{kind}", case, detail)


def station_for(incidents: Sequence[Incident]) -> PoliceStation | None:
    """The working council of the newest report's place."""
    for incident in sorted(incidents, key=lambda i: i.reported_at, reverse=True):
        if incident.region_id is None:
            continue
        station = PoliceStation.objects.filter(jurisdiction=incident.region_id).first()
        if station is not None:
            return station
    return None


@dataclass
class NominationData:
    persons: list[tuple[Person, str]]  # (person, CasePerson.Role)
    incidents: list[Incident]
    reasons: list[str]
    note: str = ""
    flag: Any = None  # the repeats.Flag it comes from, if any
    station: PoliceStation | None = None  # default: the newest report's station


def _check_nomination(data: NominationData) -> None:
    known = set(Nomination.Reason.values)
    if not data.reasons:
        raise CaseError(_("Give at least one reason."), field="reasons")
    if unknown := [reason for reason in data.reasons if reason not in known]:
        raise CaseError(_("Unknown reason: %(codes)s.") % {"codes": ", ".join(unknown)}, field="reasons")
    if not any(role == CasePerson.Role.VICTIM for _person, role in data.persons):
        raise CaseError(_("A case needs the person it is about (the victim)."), field="persons")
    if Nomination.Reason.OTHER in data.reasons and not data.note.strip():
        raise CaseError(_("Say what the other reason is."), field="note")


@transaction.atomic
def nominate(data: NominationData, *, actor: Any) -> Nomination:
    """Nominate a case for the working council; joins the open case of the same victim at that station."""
    membership = caseworker_membership(actor)
    if membership is None:
        raise CaseError(_("Only caseworkers nominate cases."))
    _check_nomination(data)
    station = data.station or station_for(data.incidents)
    if station is None:
        raise CaseError(_("No police station covers the place of these reports: choose the working council."),
                        field="station")  # fmt: skip
    victims = [person.pk for person, role in data.persons if role == CasePerson.Role.VICTIM]
    case = (
        Case.objects.select_for_update()
        .filter(
            station=station, status__in=OPEN_STATUSES, members__person__in=victims, members__role=CasePerson.Role.VICTIM
        )
        .order_by("created_at")
        .first()
    )
    created = case is None
    if case is None:
        case = Case.objects.create(station=station, lead_institution=membership.institution, created_by=actor)
    for person, role in data.persons:
        CasePerson.objects.get_or_create(case=case, person=person, defaults={"role": role})
    case.incidents.add(*data.incidents)
    nomination = Nomination.objects.create(
        case=case, institution=membership.institution, nominated_by=actor, reasons=list(dict.fromkeys(data.reasons)),
        note=data.note.strip(), flag=data.flag,
    )  # fmt: skip
    _event(case, "nominate", actor, nomination=nomination.pk, reasons=nomination.reasons, new_case=created,
           flag=getattr(data.flag, "pk", None) or 0)  # fmt: skip
    return nomination


def nominate_from_flag(flag: Any, *, note: str, actor: Any) -> Nomination:
    """A proposal on the triage list becomes a nomination: the flag's persons, reports and rule."""
    reason = {
        "repeat_after_referral": Nomination.Reason.REPEAT,
        "escalation": Nomination.Reason.ESCALATION,
        "household_grade_a": Nomination.Reason.REPEAT,
        "household_grade_b": Nomination.Reason.REPEAT,
        "cross_domain": Nomination.Reason.ESCALATION,
        "critical_indicator": Nomination.Reason.CRITICAL_INDICATOR,
        "high_risk_assessment": Nomination.Reason.HIGH_RISK,
    }.get(flag.rule_id, Nomination.Reason.OTHER)
    # Only the persons and reports the proposer may see go into the nomination (a household flag may hold
    # other institutions' reports): nominating must not open anything to the nominating institution.
    from jss.incidents.access import visible_incidents
    from jss.people.access import visible_persons

    incidents = list(visible_incidents(actor).filter(pk__in=flag.incidents.values("pk")))
    roles: dict[int, str] = {}
    for incident in incidents:
        for party in incident.parties.all():
            if party.role in (CasePerson.Role.VICTIM, CasePerson.Role.SUSPECT):
                roles.setdefault(party.person_id, party.role)
    persons = [
        (person, roles.get(person.pk, CasePerson.Role.OTHER))
        for person in visible_persons(actor).filter(pk__in=flag.persons.values("pk"))
    ]
    if flag.person_id and not any(role == CasePerson.Role.VICTIM for _p, role in persons):
        persons = [(p, CasePerson.Role.VICTIM if p.pk == flag.person_id else r) for p, r in persons]
    return nominate(
        NominationData(
            persons=persons, incidents=incidents, reasons=[reason], flag=flag, station=flag.station,
            note=note or flag.explanation_ko,
        ),
        actor=actor,
    )  # fmt: skip


@dataclass
class ShareData:
    institution: Institution
    basis: str  # Share.Basis
    scope: str = Share.Scope.FULL
    statute: str = ""
    consent_given_by: str = ""
    consent_given_on: datetime.date | None = None
    consent_scope: str = ""
    consent_until: datetime.date | None = None


def check_share(data: ShareData, *, today: datetime.date | None = None) -> dict[str, str]:
    """Every problem of the share, by form field (empty: none)."""
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    if data.basis == Share.Basis.STATUTE:
        if data.statute not in {basis.code for basis in current_bases()}:
            problems["statute"] = _("Choose the statutory basis from the list.")
    elif data.basis == Share.Basis.CONSENT:
        if not data.consent_given_by.strip():
            problems["consent_given_by"] = _("Say who gave the consent.")
        if data.consent_given_on is None:
            problems["consent_given_on"] = _("Give the date of the consent.")
        elif data.consent_given_on > today:
            problems["consent_given_on"] = _("The consent cannot be dated in the future.")
        if not data.consent_scope.strip():
            problems["consent_scope"] = _("Say what the consent covers.")
        if data.consent_until and data.consent_given_on and data.consent_until < data.consent_given_on:
            problems["consent_until"] = _("The consent cannot end before it was given.")
        elif data.consent_until and data.consent_until < today:
            problems["consent_until"] = _("This consent has run out already.")
    else:
        problems["basis"] = _("Sharing needs a legal basis: consent or a statutory basis.")
    if data.scope not in Share.Scope.values:
        problems["scope"] = _("Choose full or summary.")
    return problems


def _grant(case: Case, data: ShareData, *, actor: Any) -> Share:
    problems = check_share(data)
    if problems:
        field_name, message = next(iter(problems.items()))
        error = CaseError(message, field=field_name)
        error.problems = problems  # type: ignore[attr-defined]
        raise error
    current = Share.objects.select_for_update().filter(case=case, institution=data.institution, revoked_at__isnull=True)
    for share in current:
        if share.is_active():
            message = _("%(institution)s takes part in this case already.") % {"institution": data.institution.name}
            raise CaseError(message, field="institution")
        # Its consent ran out (sharing stopped then): closed, so that the new basis takes its place.
        share.revoked_at = timezone.now()
        share.revoked_by = actor
        share.save(update_fields=["revoked_at", "revoked_by"])
        _event(case, "share_revoke", actor, share=share.pk, institution=share.institution_id, consent_withdrawn=False,
               ran_out=True)  # fmt: skip
    share = Share.objects.create(
        case=case, institution=data.institution, basis=data.basis, scope=data.scope,
        statute=data.statute if data.basis == Share.Basis.STATUTE else "",
        consent_given_by=data.consent_given_by.strip() if data.basis == Share.Basis.CONSENT else "",
        consent_given_on=data.consent_given_on if data.basis == Share.Basis.CONSENT else None,
        consent_scope=data.consent_scope.strip() if data.basis == Share.Basis.CONSENT else "",
        consent_until=data.consent_until if data.basis == Share.Basis.CONSENT else None,
        granted_by=actor,
    )  # fmt: skip
    _event(case, "share_grant", actor, share=share.pk, institution=data.institution.pk, basis=data.basis,
           statute=share.statute, scope=share.scope)  # fmt: skip
    return share


@transaction.atomic
def grant_share(case: Case, data: ShareData, *, actor: Any) -> Share:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not may_share(actor, case):
        raise CaseError(_("Only the station's coordinators and the lead institution add institutions to a case."))
    if case.status in (Case.Status.DECLINED, Case.Status.CLOSED):
        raise CaseError(_("The case is not open."))
    return _grant(case, data, actor=actor)


@transaction.atomic
def revoke_share(share: Share, *, actor: Any, reason: str, consent_withdrawn: bool = False) -> Share:
    """Stop sharing at once (e.g. the person withdrew consent). The share is kept, marked revoked."""
    share = Share.objects.select_for_update().select_related("case").get(pk=share.pk)
    if share.revoked_at is not None:
        raise CaseError(_("This share has been revoked already."))
    same_institution = getattr(membership_of(actor), "institution_id", None) == share.institution_id
    if not (may_share(actor, share.case) or same_institution):
        raise CaseError(
            _("Only the station's coordinators, the lead institution or the institution itself revoke a share.")
        )
    if not reason.strip():
        raise CaseError(_("Say why sharing stops."), field="reason")
    share.revoked_at = timezone.now()
    share.revoked_by = actor
    share.revoke_reason = reason.strip()
    share.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _event(share.case, "share_revoke", actor, share=share.pk, institution=share.institution_id,
           consent_withdrawn=consent_withdrawn)  # fmt: skip
    case = Case.objects.select_for_update().get(pk=share.case_id)
    if case.lead_institution_id == share.institution_id:
        # Without a basis the lead cannot go on leading: the station's working council holds the case until
        # its coordinator names another lead.
        station_institution = Institution.objects.filter(station=case.station_id).first()
        if station_institution is not None:
            case.lead_institution = station_institution
            case.version += 1
            case.save(update_fields=["lead_institution", "version", "updated_at"])
            _event(case, "lead_change", actor, lead=station_institution.pk, previous=share.institution_id)
    return share


def _decide_nomination(nomination: Nomination, status: str, actor: Any) -> Nomination:
    nomination.status = status
    nomination.decided_by = actor
    nomination.decided_at = timezone.now()
    nomination.save(update_fields=["status", "decided_by", "decided_at"])
    return nomination


@transaction.atomic
def accept(
    nomination: Nomination, *, actor: Any, lead_institution: Institution, lead_share: ShareData | None = None
) -> Case:
    """The station's coordinator accepts: the case goes to the working council with a lead institution.
    A lead institution other than the station's own needs a share (its legal basis) in the same step."""
    nomination = Nomination.objects.select_for_update().select_related("case").get(pk=nomination.pk)
    case = Case.objects.select_for_update().get(pk=nomination.case_id)
    if not is_station_coordinator(actor, case):
        raise CaseError(_("Only the coordinators of the case's police station accept nominations."))
    if nomination.status != Nomination.Status.PENDING:
        raise CaseError(_("This nomination has been decided already."))
    station_institution = membership_of(actor).institution_id  # type: ignore[union-attr]
    already = any(  # the lead must see the case in full
        share.is_active() and share.scope == Share.Scope.FULL
        for share in Share.objects.filter(case=case, institution=lead_institution, revoked_at__isnull=True)
    )
    if lead_institution.pk != station_institution and not already:
        if lead_share is None:
            raise CaseError(_("Record the legal basis for sharing the case with the lead institution."), field="basis")
        lead_share.institution = lead_institution
        _grant(case, lead_share, actor=actor)
    _decide_nomination(nomination, Nomination.Status.ACCEPTED, actor)
    for other in case.nominations.filter(status=Nomination.Status.PENDING):
        _decide_nomination(other, Nomination.Status.ACCEPTED, actor)
    if case.status in (Case.Status.NOMINATED, Case.Status.DECLINED):
        case.status = Case.Status.ACCEPTED
    case.lead_institution = lead_institution
    case.version += 1
    case.save(update_fields=["status", "lead_institution", "version", "updated_at"])
    _event(case, "accept", actor, nomination=nomination.pk, lead=lead_institution.pk)
    return case


@transaction.atomic
def decline(nomination: Nomination, *, actor: Any, reason: str) -> Case:
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    case = Case.objects.select_for_update().get(pk=nomination.case_id)
    if not is_station_coordinator(actor, case):
        raise CaseError(_("Only the coordinators of the case's police station decline nominations."))
    if nomination.status != Nomination.Status.PENDING:
        raise CaseError(_("This nomination has been decided already."))
    if not reason.strip():
        raise CaseError(_("Say why the nomination is declined."), field="reason")
    _decide_nomination(nomination, Nomination.Status.DECLINED, actor)
    nomination.declined_reason = reason.strip()
    nomination.save(update_fields=["declined_reason"])
    if case.status == Case.Status.NOMINATED and not case.nominations.filter(status=Nomination.Status.PENDING).exists():
        case.status = Case.Status.DECLINED
        case.declined_reason = reason.strip()
        case.version += 1
        case.save(update_fields=["status", "declined_reason", "version", "updated_at"])
    _event(case, "decline", actor, nomination=nomination.pk)
    return case


# --- monitoring and closure ------------------------------------------------------------------------------

MONITORING_INTERVAL = datetime.timedelta(days=30)  # monthly contact by default
WATCH_AFTER_CLOSURE = datetime.timedelta(days=365)  # a new report within this time reopens the case


def _check_version(case: Case, version: int | None) -> None:
    """Refuse a save based on an older version of the case (someone else saved meanwhile)."""
    if version is not None and version != case.version:
        raise CaseError(
            _("Someone else changed this case meanwhile. Your text is kept below: check the case and save again."),
            field="version",
        )


def may_work_on(actor: Any, case: Case) -> bool:
    membership = membership_of(actor)
    return (
        membership is not None
        and membership.casework
        and (is_station_coordinator(actor, case) or membership.institution_id == case.lead_institution_id)
    )


@transaction.atomic
def start_monitoring(case: Case, *, actor: Any, version: int | None = None) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_version(case, version)
    if not may_work_on(actor, case):
        raise CaseError(_("Only the station's coordinators and the lead institution change a case's status."))
    if case.status not in (Case.Status.ACCEPTED, Case.Status.IN_COUNCIL, Case.Status.PLAN_ACTIVE):
        raise CaseError(_("Only an accepted case can go into monitoring."))
    case.status = Case.Status.MONITORING
    case.version += 1
    case.save(update_fields=["status", "version", "updated_at"])
    _event(case, "monitor", actor)
    return case


@dataclass
class ContactData:
    contacted_on: datetime.date | None
    kind: str
    with_consent: bool
    reached: bool = True
    note: str = ""
    next_contact_by: datetime.date | None = None


def check_contact(data: ContactData, *, today: datetime.date | None = None) -> dict[str, str]:
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    if data.contacted_on is None:
        problems["contacted_on"] = _("Give the date of the contact.")
    elif data.contacted_on > today:
        problems["contacted_on"] = _("A contact cannot be in the future.")
    if data.kind not in ContactLog.Kind.values:
        problems["kind"] = _("Choose the kind of contact.")
    if not data.with_consent:
        problems["with_consent"] = _("Monitoring contacts need the person's consent: record none without it.")
    if data.next_contact_by is not None and data.contacted_on is not None and data.next_contact_by <= data.contacted_on:
        problems["next_contact_by"] = _("The next contact must come after this one.")
    return problems


@transaction.atomic
def log_contact(case: Case, data: ContactData, *, actor: Any) -> ContactLog:
    case = Case.objects.select_for_update().get(pk=case.pk)
    membership = membership_of(actor)
    if membership is None or scope_for(actor, case) != FULL:
        raise CaseError(_("Only institutions that see the case in full record contacts."))
    if case.status != Case.Status.MONITORING:
        raise CaseError(_("Contacts are recorded while the case is monitored."))
    if problems := check_contact(data):
        field_name, message = next(iter(problems.items()))
        raise CaseError(message, field=field_name)
    assert data.contacted_on is not None
    contact = ContactLog.objects.create(
        case=case, contacted_on=data.contacted_on, kind=data.kind, with_consent=True, reached=data.reached,
        note=data.note.strip(), next_contact_by=data.next_contact_by or data.contacted_on + MONITORING_INTERVAL,
        institution=membership.institution, recorded_by=actor,
    )  # fmt: skip
    _event(case, "contact", actor, contact=contact.pk, contact_kind=data.kind, reached=data.reached)
    return contact


@transaction.atomic
def close(case: Case, *, outcome: str, note: str, actor: Any, version: int | None = None) -> Case:
    """Close the case with an outcome; it stays watched for a year: a new report reopens it."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_version(case, version)
    if not may_work_on(actor, case):
        raise CaseError(_("Only the station's coordinators and the lead institution change a case's status."))
    if case.status not in OPEN_STATUSES or case.status == Case.Status.NOMINATED:
        raise CaseError(_("Only an accepted, open case can be closed."))
    if outcome not in Case.Outcome.values:
        raise CaseError(_("Choose the outcome."), field="outcome")
    if not note.strip():
        raise CaseError(_("Write a final note: what was done and how it ended."), field="note")
    case.status = Case.Status.CLOSED
    case.outcome = outcome
    case.closing_note = note.strip()
    case.closed_at = timezone.now()
    case.version += 1
    case.save(update_fields=["status", "outcome", "closing_note", "closed_at", "version", "updated_at"])
    # A closed case leaves the agendas of meetings not held yet, unless institutions wrote research notes for it
    # (the chair then sees it closed and decides).
    from jss.council.models import AgendaItem, Meeting

    AgendaItem.objects.filter(
        case=case, decision="", meeting__status=Meeting.Status.SCHEDULED, research_notes__isnull=True
    ).delete()
    _event(case, "close", actor, outcome=outcome)
    return case


def reopen_for_persons(person_ids: Iterable[int], *, actor: Any = None) -> list[Case]:
    """Reopen the cases closed less than a year before a new report about one of their persons (the
    council's repeat rule: any new incident within 12 months). Called right after reports are recorded,
    one by one or imported in bulk."""
    ids = set(person_ids)
    if not ids:
        return []
    reopened = []
    for case in Case.objects.filter(status=Case.Status.CLOSED, members__person__in=ids).distinct():
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.status != Case.Status.CLOSED or locked.closed_at is None:
                continue
            news = list(
                Incident.objects.filter(
                    parties__person__in=locked.members.values("person"),
                    reported_at__gt=locked.closed_at,
                    reported_at__lte=locked.closed_at + WATCH_AFTER_CLOSURE,
                )
                .exclude(cases=locked)
                .distinct()
                .values_list("pk", flat=True)
            )
            if not news:
                continue
            locked.status = Case.Status.ACCEPTED
            locked.reopened_at = timezone.now()
            locked.version += 1
            locked.save(update_fields=["status", "reopened_at", "version", "updated_at"])
            locked.incidents.add(*news)
            _event(locked, "reopen", actor, incidents=news)
            reopened.append(locked)
    return reopened
