"""Directory writes: taxonomy, entries, services and their hours, verification, applications.

Every write records an `EntryChange` (what changed, for the secretariat) and an audit event, in the
same transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jss.accounts.models import Membership, User
from jss.audit.services import record
from jss.directory.models import (
    EntryChange,
    Location,
    MembershipApplication,
    OpeningHours,
    Phone,
    Service,
    TaxonomyTerm,
)
from jss.directory.search import search_text
from jss.institutions.models import Institution
from jss.lib.yamlfile import DataFileError, line_of, read_yaml_with_lines
from jss.regions.models import Region

TAXONOMY_FILE = Path(__file__).resolve().parents[2] / "data" / "directory" / "taxonomy.yaml"


class DirectoryError(Exception):
    """A directory write that cannot be done; the message is for the user."""


# --- taxonomy ------------------------------------------------------------------------------------


@transaction.atomic
def load_taxonomy(path: Path = TAXONOMY_FILE) -> int:
    """Create or update the taxonomy terms of the file. Returns how many were created or changed."""
    data = read_yaml_with_lines(path)
    vocabularies = data.get("vocabularies") if isinstance(data, dict) else None
    if not isinstance(vocabularies, dict):
        raise DataFileError(path, [(1, "the file must have a mapping 'vocabularies'")])
    problems: list[tuple[int, str]] = []
    wanted: list[tuple[str, int, dict[str, Any]]] = []
    for vocabulary, body in vocabularies.items():
        if vocabulary == "__line__":
            continue
        if vocabulary not in TaxonomyTerm.Vocabulary.values:
            problems.append((line_of(body), f"unknown vocabulary {vocabulary!r}"))
            continue
        for position, term in enumerate(body.get("terms") or []):
            if not term.get("code") or not term.get("name_ko"):
                problems.append((line_of(term), "every term needs a code and a name_ko"))
            wanted.append((vocabulary, position, term))
    if problems:
        raise DataFileError(path, problems)
    changed = 0
    for vocabulary, position, term in wanted:
        values = {"name_ko": term["name_ko"], "name_en": term.get("name_en", ""), "position": position}
        existing = TaxonomyTerm.objects.filter(vocabulary=vocabulary, code=term["code"]).first()
        if existing is None:
            TaxonomyTerm.objects.create(vocabulary=vocabulary, code=term["code"], **values)
            changed += 1
        elif any(getattr(existing, name) != value for name, value in values.items()):
            TaxonomyTerm.objects.filter(pk=existing.pk).update(**values)
            changed += 1
    if changed:
        record(None, "directory.taxonomy_load", None, {"changed": changed})
    return changed


def terms(vocabulary: str, codes: list[str]) -> list[TaxonomyTerm]:
    """The terms for these codes; an unknown code raises DirectoryError naming it."""
    found = {term.code: term for term in TaxonomyTerm.objects.filter(vocabulary=vocabulary, code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise DirectoryError(
            _("Unknown %(vocabulary)s term: %(codes)s.") % {"vocabulary": vocabulary, "codes": ", ".join(unknown)}
        )
    return [found[code] for code in codes]


# --- services ------------------------------------------------------------------------------------


@dataclass
class HoursData:
    weekday: int
    opens_at: datetime.time
    closes_at: datetime.time


@dataclass
class ServiceData:
    name_ko: str
    description_ko: str
    service_area: Region
    name_en: str = ""
    description_en: str = ""
    status: str = Service.Status.ACTIVE
    targets: list[TaxonomyTerm] = field(default_factory=list)
    types: list[TaxonomyTerm] = field(default_factory=list)
    languages: list[TaxonomyTerm] = field(default_factory=list)
    eligibility_ko: str = ""
    eligibility_en: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    fee: str = Service.Fee.FREE
    fee_note_ko: str = ""
    how_to_apply_ko: str = ""
    how_to_apply_en: str = ""
    referral_contact: Membership | None = None
    always_open: bool = False
    open_on_holidays: bool = False
    hours: list[HoursData] = field(default_factory=list)


SCALAR_FIELDS = [
    "name_ko", "name_en", "description_ko", "description_en", "status", "eligibility_ko", "eligibility_en",
    "minimum_age", "maximum_age", "fee", "fee_note_ko", "how_to_apply_ko", "how_to_apply_en",
    "service_area", "referral_contact", "always_open", "open_on_holidays",
]  # fmt: skip
TERM_FIELDS = ["targets", "types", "languages"]


def _describe(value: Any) -> Any:
    if isinstance(value, list):
        return [getattr(item, "code", str(item)) for item in value]
    if hasattr(value, "pk"):
        return str(value)
    return value


def _hours_of(service: Service) -> list[str]:
    return [f"{h.weekday}:{h.opens_at:%H:%M}-{h.closes_at:%H:%M}" for h in service.hours.all()]


def _check_service(data: ServiceData) -> None:
    for hours in data.hours:
        if hours.closes_at <= hours.opens_at:
            raise DirectoryError(_("Closing time must be after opening time."))
    if data.minimum_age is not None and data.maximum_age is not None and data.minimum_age > data.maximum_age:
        raise DirectoryError(_("Minimum age is above maximum age."))
    if data.referral_contact is not None and data.referral_contact.institution_id is None:
        raise DirectoryError(_("The referral contact must work for the institution."))


def _korean(label: Any) -> str:
    with translation.override("ko"):
        return str(label())


def refresh_search_text(service: Service) -> None:
    institution = service.institution
    region = institution.region
    parts = [
        institution.name_ko, institution.name_en, region.name_ko, region.parent.name_ko if region.parent else "",
        service.service_area.name_ko, service.name_ko, service.name_en, service.description_ko,
        service.eligibility_ko, _korean(institution.get_category_display),
    ]  # fmt: skip
    for term in [*service.targets.all(), *service.types.all(), *service.languages.all()]:
        parts += [term.name_ko, term.name_en]
    Service.objects.filter(pk=service.pk).update(search_text=search_text(parts))


@transaction.atomic
def save_service(
    *, institution: Institution, data: ServiceData, actor: Any, service: Service | None = None, kind: str = ""
) -> Service:
    """Create a service of the institution, or change one. Records what changed."""
    _check_service(data)
    if data.referral_contact is not None and data.referral_contact.institution_id != institution.pk:
        raise DirectoryError(_("The referral contact must work for the institution."))
    creating = service is None
    before: dict[str, Any] = {}
    if service is None:
        service = Service(institution=institution)
    else:
        before = {name: _describe(getattr(service, name)) for name in SCALAR_FIELDS}
        before |= {name: sorted(_describe(list(getattr(service, name).all()))) for name in TERM_FIELDS}
        before["hours"] = _hours_of(service)
    for name in SCALAR_FIELDS:
        setattr(service, name, getattr(data, name))
    service.save()
    for name in TERM_FIELDS:
        getattr(service, name).set(getattr(data, name))
    wanted_hours = sorted((h.weekday, h.opens_at, h.closes_at) for h in data.hours)
    current_hours = sorted((h.weekday, h.opens_at, h.closes_at) for h in service.hours.all())
    if wanted_hours != current_hours:
        service.hours.all().delete()
        OpeningHours.objects.bulk_create(
            [OpeningHours(service=service, weekday=d, opens_at=o, closes_at=c) for d, o, c in wanted_hours]
        )
    refresh_search_text(service)
    after = {name: _describe(getattr(data, name)) for name in SCALAR_FIELDS}
    after |= {name: sorted(_describe(getattr(data, name))) for name in TERM_FIELDS}
    after["hours"] = _hours_of(service)
    changes = {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
    if creating or changes:
        change_kind = kind or (EntryChange.Kind.CREATED if creating else EntryChange.Kind.UPDATED)
        _note_change(institution, service=service, subject=service.name_ko, kind=change_kind,
                     changes={} if creating else changes, actor=actor)  # fmt: skip
    return service


@transaction.atomic
def delete_service(service: Service, *, actor: Any) -> None:
    institution = service.institution
    _note_change(institution, service=None, subject=service.name_ko, kind=EntryChange.Kind.DELETED, changes={},
                 actor=actor)  # fmt: skip
    service.delete()


# --- the institution's entry ---------------------------------------------------------------------


@dataclass
class PhoneData:
    number: str
    kind: str = Phone.Kind.MAIN
    description_ko: str = ""


@dataclass
class EntryData:
    description_ko: str
    description_en: str
    email: str
    website: str
    address_ko: str
    location_region: Region
    is_confidential: bool
    phones: list[PhoneData]


@transaction.atomic
def update_entry(institution: Institution, *, data: EntryData, actor: Any, kind: str = "") -> bool:
    """Change the institution's own part of its entry (description, contacts, address). Returns changed.

    A confidential location (a shelter) is kept at city level only — the eup/myeon/dong would narrow down
    where people in hiding are — for the location and for the institution's own region."""
    if data.is_confidential and data.location_region.is_local_unit and data.location_region.parent is not None:
        data.location_region = data.location_region.parent
    location = institution.locations.first()
    before = {
        "description_ko": institution.description_ko,
        "description_en": institution.description_en,
        "email": institution.email,
        "website": institution.website,
        "address_ko": location.address_ko if location else "",
        "location_region": str(location.region if location else institution.region),
        "is_confidential": location.is_confidential if location else False,
        "phones": [f"{p.kind}:{p.number}:{p.description_ko}" for p in institution.phones.filter(service=None)],
    }
    after = {
        "description_ko": data.description_ko,
        "description_en": data.description_en,
        "email": data.email,
        "website": data.website,
        "address_ko": data.address_ko,
        "location_region": str(data.location_region),
        "is_confidential": data.is_confidential,
        "phones": [f"{p.kind}:{p.number}:{p.description_ko}" for p in data.phones],
    }
    changes = {name: [before[name], value] for name, value in after.items() if before[name] != value}
    if not changes:
        return False
    for name in ("description_ko", "description_en", "email", "website"):
        setattr(institution, name, getattr(data, name))
    if data.is_confidential and institution.region.is_local_unit and institution.region.parent is not None:
        institution.region = institution.region.parent
    institution.save()
    if location is None:
        location = Location(institution=institution, region=data.location_region)
    location.address_ko = data.address_ko
    location.region = data.location_region
    location.is_confidential = data.is_confidential
    location.save()
    if "phones" in changes:
        institution.phones.filter(service=None).delete()
        Phone.objects.bulk_create(
            [Phone(institution=institution, number=p.number, kind=p.kind, description_ko=p.description_ko)
             for p in data.phones]
        )  # fmt: skip
    for service in institution.services.all():
        refresh_search_text(service)
    _note_change(institution, service=None, subject=institution.name_ko,
                 kind=kind or EntryChange.Kind.UPDATED, changes=changes, actor=actor)  # fmt: skip
    return True


@transaction.atomic
def verify_entry(institution: Institution, *, actor: Any, at: datetime.datetime | None = None) -> None:
    """The institution's contact (or the secretariat) confirms the entry is current."""
    institution.last_verified_at = at or timezone.now()
    institution.save(update_fields=["last_verified_at", "updated_at"])
    _note_change(institution, service=None, subject=institution.name_ko, kind=EntryChange.Kind.VERIFIED,
                 changes={}, actor=actor)  # fmt: skip


def _note_change(
    institution: Institution,
    *,
    service: Service | None,
    subject: str,
    kind: str,
    changes: dict[str, Any],
    actor: Any,
) -> None:
    user = actor if isinstance(actor, User) else None
    EntryChange.objects.create(
        institution=institution, service=service, subject=subject, kind=kind, changes=changes, changed_by=user
    )
    record(user, f"directory.entry_{kind}", service or institution, {"fields": sorted(changes)})


# --- applications to join ------------------------------------------------------------------------


@transaction.atomic
def submit_application(application: MembershipApplication) -> MembershipApplication:
    application.status = MembershipApplication.Status.PENDING
    application.save()
    record(None, "directory.application_submit", application)
    return application


def _lock_pending(application: MembershipApplication) -> MembershipApplication:
    """The application, locked, re-read: two secretariat members deciding at once cannot both win."""
    locked = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != MembershipApplication.Status.PENDING:
        raise DirectoryError(_("This application has already been decided."))
    return locked


@transaction.atomic
def reject_application(application: MembershipApplication, *, reason: str, actor: User) -> None:
    application = _lock_pending(application)
    if application.status != MembershipApplication.Status.PENDING:
        raise DirectoryError(_("This application has already been decided."))
    if not reason.strip():
        raise DirectoryError(_("A rejection needs a reason."))
    application.status = MembershipApplication.Status.REJECTED
    application.decision_reason = reason.strip()
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save()
    record(actor, "directory.application_reject", application)


@dataclass(frozen=True)
class Approval:
    institution: Institution
    contact: User


@transaction.atomic
def approve_application(application: MembershipApplication, *, actor: User, invitation_url: Any) -> Approval:
    """Make the applicant a member: institution, its entry, and an account for its contact, who gets an
    invitation to set a password. `invitation_url(user)` builds the absolute link for the e-mail."""
    application = _lock_pending(application)
    username = application.contact_email.strip().lower()
    if User.objects.filter(username=username).exists():
        raise DirectoryError(_("An account with the contact's e-mail already exists."))
    from jss.accounts.services import create_member, send_invitation
    from jss.institutions.services import InstitutionData, upsert_institution

    institution, _changed = upsert_institution(
        InstitutionData(
            key=f"member-{application.pk}",
            name_ko=application.name_ko,
            name_en=application.name_en,
            category=application.category,
            region=application.region,
            station=None,
            email=application.email,
            status=Institution.Status.ACTIVE,
            member_since=timezone.localdate(),
            hosts_secretariat=False,
            is_sample=False,
        ),
        actor=actor,
    )
    institution.website = application.website
    institution.description_ko = application.services_ko
    institution.last_verified_at = timezone.now()
    institution.save()
    Location.objects.create(institution=institution, address_ko=application.address, region=application.region)
    Phone.objects.create(institution=institution, number=application.phone, kind=Phone.Kind.MAIN)
    # The services described in the application become the entry's first service; the contact refines it.
    save_service(
        institution=institution,
        data=ServiceData(
            name_ko=application.name_ko,
            description_ko=application.services_ko,
            service_area=application.region.parent or application.region,
            targets=terms(TaxonomyTerm.Vocabulary.TARGET, application.service_targets),
            types=terms(TaxonomyTerm.Vocabulary.SERVICE_TYPE, application.service_types),
            languages=terms(TaxonomyTerm.Vocabulary.LANGUAGE, ["ko"]),
            hours=[HoursData(weekday=day, opens_at=datetime.time(9), closes_at=datetime.time(18)) for day in range(5)],
        ),
        actor=actor,
    )
    contact = create_member(
        username=username,
        password=None,
        full_name=application.contact_name,
        email=application.contact_email,
        institution=institution,
        role=Membership.Role.PRACTITIONER,
        actor=actor,
    )
    # The contact keeps the directory entry; recording and seeing reports is granted separately, after
    # the secretariat knows the person (a public application alone must not open personal data).
    Membership.objects.filter(user=contact).update(
        is_contact=True, casework=False, work_phone=application.contact_phone
    )
    application.status = MembershipApplication.Status.APPROVED
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.institution = institution
    application.save()
    record(actor, "directory.application_approve", application, {"institution": institution.pk})
    send_invitation(contact, url=invitation_url(contact))
    return Approval(institution=institution, contact=contact)


@dataclass(frozen=True)
class StaleNotice:
    institutions: int
    messages: int


NOTICE_INTERVAL = datetime.timedelta(days=30)


@transaction.atomic
def notify_stale_entries(*, now: datetime.datetime, site_url: str) -> StaleNotice:
    """E-mail each stale entry's JSS contacts (at most once a month per entry) and send the secretariat the
    list. Run from cron, e.g. weekly: `python manage.py notify_stale_entries`."""
    from django.core.mail import send_mail
    from django.urls import reverse

    from jss.audit.models import AccessEvent
    from jss.directory.queries import stale_entries

    recently = set(
        AccessEvent.objects.filter(
            verb="directory.stale_notice",
            occurred_at__gte=now - NOTICE_INTERVAL,
            target_type="institutions.institution",
        ).values_list("target_id", flat=True)
    )
    due = [institution for institution in stale_entries(now=now) if str(institution.pk) not in recently]
    outgoing: list[tuple[str, str, list[str]]] = []
    for institution in due:
        contacts = list(
            Membership.objects.filter(institution=institution, is_contact=True, user__is_active=True).values_list(
                "user__email", flat=True
            )
        )
        link = site_url.rstrip("/") + reverse("directory:entry", args=[institution.pk])
        body = _(
            "The directory entry of %(name)s has not been confirmed for six months. Please check it, correct what "
            "has changed and press 'Confirm the entry is current': %(link)s"
        ) % {"name": institution.name_ko, "link": link}
        if contacts:
            outgoing.append((_("Please confirm your JSS directory entry"), body, contacts))
        record(None, "directory.stale_notice", institution, {"contacts": len(contacts)})
    secretariat = list(
        Membership.objects.filter(role=Membership.Role.SECRETARIAT, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    if due and secretariat:
        lines = "\n".join(f"- {institution.name_ko}" for institution in due)
        outgoing.append((_("JSS directory: entries not confirmed for six months"), lines, secretariat))

    def send() -> None:
        for subject, body, recipients in outgoing:
            send_mail(subject, body, None, [address for address in recipients if address])

    transaction.on_commit(send)
    return StaleNotice(institutions=len(due), messages=len(outgoing))
