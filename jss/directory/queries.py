"""Reads for the directory: search, entries, changes, stale entries, applications."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Max, Model, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from jss.accounts.models import Membership
from jss.directory.hours import LAST_MINUTE, PeriodRow, hours_in_words, is_open, is_public_holiday
from jss.directory.models import EntryChange, MembershipApplication, OpeningHours, Phone, Service, TaxonomyTerm
from jss.directory.search import text_filter
from jss.institutions.models import Institution
from jss.lib.language import content_language
from jss.lib.names import localized
from jss.regions.models import Region

PUBLIC_STATUSES = [Institution.Status.ACTIVE]
VISIBLE_SERVICE_STATUSES = [Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED]
PUBLIC_PHONE_KINDS = [Phone.Kind.MAIN, Phone.Kind.HOTLINE, Phone.Kind.FAX]  # "other" may be a staff line
LISTED_PHONE_KINDS = [Phone.Kind.MAIN, Phone.Kind.HOTLINE]  # beside an institution in a result list
STALE_AFTER = datetime.timedelta(days=183)  # about six months


@dataclass
class Criteria:
    query: str = ""
    target: str = ""
    service_type: str = ""
    language: str = ""
    region: str = ""  # a region code: province, city or eup/myeon/dong
    open_now: bool = False
    always_open: bool = False


@dataclass(frozen=True)
class ServiceSummary:
    """A service as a result list shows it, in the active language. Read as rows, not model instances: a page
    of 20 institutions shows up to 60 services, and their terms and hours as instances were a third of a search
    request's time."""

    pk: int
    name: str
    description: str
    temporarily_closed: bool
    always_open: bool
    open_now: bool
    targets: tuple[str, ...]
    types: tuple[str, ...]
    hours: str
    contact_name: str = ""  # the JSS contact for referrals: read for members only; "" when none or inactive
    contact_phone: str = ""


@dataclass(frozen=True)
class InstitutionSummary:
    """An institution as a result list shows it, in the active language (read as rows, as `ServiceSummary`)."""

    pk: int
    name: str
    category: str
    place: str  # "제주시 한림읍": its region, after the region's parent
    phones: tuple[tuple[str, str], ...]  # (kind, number): its own main number and hotline, not its services'


@dataclass
class EntryResult:
    institution: InstitutionSummary
    services: list[ServiceSummary] = field(default_factory=list)  # the first SHOWN_SERVICES matching ones
    matching: int = 0  # how many of its services match

    @property
    def more(self) -> int:
        return self.matching - len(self.services)


def open_now_filter(now: datetime.datetime) -> Q:
    """Services open at `now` (Korea time): 24/7 ones, or within today's hours unless a holiday closes them."""
    local = timezone.localtime(now)
    within_hours = Q(hours__weekday=local.weekday(), hours__opens_at__lte=local.time()) & (
        Q(hours__closes_at__gt=local.time()) | Q(hours__closes_at=LAST_MINUTE)  # open to midnight
    )
    if is_public_holiday(local.date()):
        within_hours &= Q(open_on_holidays=True)
    return Q(status=Service.Status.ACTIVE) & (Q(always_open=True) | within_hours)


def area_filter(code: str) -> Q:
    """Services for people in this region: their service area is the region, one of its ancestors, or
    (for a city or province) one of the units inside it; or the institution is located there."""
    region = Region.objects.filter(code=code).select_related("parent__parent").first()
    if region is None:
        return Q(pk__in=[])
    ancestors = []
    parent = region.parent
    while parent is not None:
        ancestors.append(parent.pk)
        parent = parent.parent
    inside = [
        region.pk,
        *Region.objects.filter(Q(parent=region) | Q(parent__parent=region)).values_list("pk", flat=True),
    ]
    return Q(service_area__in=[*inside, *ancestors]) | Q(institution__region__in=inside)


def matching_services(criteria: Criteria, *, now: datetime.datetime) -> QuerySet[Service]:
    services = Service.objects.filter(
        status__in=VISIBLE_SERVICE_STATUSES, institution__status__in=PUBLIC_STATUSES
    ).filter(text_filter(criteria.query))
    for vocabulary, code in (("targets", criteria.target), ("types", criteria.service_type),
                             ("languages", criteria.language)):  # fmt: skip
        if code:
            services = services.filter(**{f"{vocabulary}__code": code})
    if criteria.region:
        services = services.filter(area_filter(criteria.region))
    if criteria.always_open:
        services = services.filter(always_open=True)
    if criteria.open_now:
        services = services.filter(open_now_filter(now))
    return services.distinct()


def service_prefetches() -> list[Any]:
    return [
        Prefetch("targets", queryset=TaxonomyTerm.objects.order_by("position")),
        Prefetch("types", queryset=TaxonomyTerm.objects.order_by("position")),
        Prefetch("languages", queryset=TaxonomyTerm.objects.order_by("position")),
        Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at")),
    ]


PAGE_SIZE = 20
SHOWN_SERVICES = 3  # per institution in a result list; the entry page has the rest


def _institution_name_order() -> Any:
    """A service's institution by the name the reader sees (jss.lib.names.localized): Korean in 가나다 order,
    or English without regard to case, Korean where an institution has no English name."""
    if content_language() == "en":
        return Lower(Coalesce(NullIf("institution__name_en", Value("")), "institution__name_ko")).asc()
    return F("institution__name_ko").asc()


def search_directory(
    criteria: Criteria, *, now: datetime.datetime, page: int = 1, limit: int = PAGE_SIZE, with_contacts: bool = False
) -> tuple[list[EntryResult], int]:
    """One page of institutions with at least one matching service, each with its first matching services;
    and the total number of such institutions. The services' JSS contacts are read `with_contacts` only (for
    members: a visitor's request never holds them).

    Only the services a result list shows are read in full (with terms, hours and contact), as rows made into
    summaries: model instances, not SQL, were what a search request spent its time on."""
    matching = matching_services(criteria, now=now)
    ranked = list(  # every matching institution's id, in the order of the list (at most a few thousand ints)
        matching.order_by(_institution_name_order(), "institution_id").values_list("institution_id", flat=True)
    )
    ranked = list(dict.fromkeys(ranked))  # one per institution, order kept
    total = len(ranked)
    page_ids = ranked[(page - 1) * limit : page * limit]
    if not page_ids:
        return [], total
    institutions = institution_summaries(page_ids)
    matches: dict[int, list[int]] = {pk: [] for pk in page_ids}
    for service_id, institution_id, _name in (
        matching.filter(institution_id__in=page_ids)
        .order_by("name_ko", "pk")
        .values_list("pk", "institution_id", "name_ko")
    ):
        matches[institution_id].append(service_id)
    shown = [pk for ids in matches.values() for pk in ids[:SHOWN_SERVICES]]
    services = service_summaries(shown, now=now, with_contacts=with_contacts)
    return [
        EntryResult(
            institution=institution,
            services=[services[pk] for pk in matches[institution.pk][:SHOWN_SERVICES]],
            matching=len(matches[institution.pk]),
        )
        for institution in (institutions[pk] for pk in page_ids)
    ], total


def institution_summaries(institution_ids: list[int]) -> dict[int, InstitutionSummary]:
    """The institutions with these ids as a result list shows them, in two queries."""
    kinds, categories = dict(Phone.Kind.choices), dict(Institution.Category.choices)
    phones: dict[int, list[tuple[str, str]]] = {pk: [] for pk in institution_ids}
    for institution_id, kind, number in (
        Phone.objects.filter(institution_id__in=institution_ids, service=None, kind__in=LISTED_PHONE_KINDS)
        .order_by("kind", "pk")
        .values_list("institution_id", "kind", "number")
    ):
        phones[institution_id].append((str(kinds.get(kind, kind)), number))
    rows = Institution.objects.filter(pk__in=institution_ids).values_list(
        "pk", "name_ko", "name_en", "category", "region__name_ko", "region__name_en", "region__parent__name_ko",
        "region__parent__name_en",
    )  # fmt: skip
    return {
        pk: InstitutionSummary(
            pk=pk,
            name=localized(name_ko, name_en),
            category=str(categories.get(category, category)),
            place=" ".join(
                name for name in (localized(parent_ko or "", parent_en or ""), localized(region_ko, region_en)) if name
            ),
            phones=tuple(phones[pk]),
        )
        for pk, name_ko, name_en, category, region_ko, region_en, parent_ko, parent_en in rows
    }


def _term_names(through: type[Model], service_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Each service's terms of one vocabulary (the targets' or types' through table), in taxonomy order."""
    names: dict[int, list[str]] = {pk: [] for pk in service_ids}
    for service_id, name_ko, name_en in (
        through._default_manager.filter(service_id__in=service_ids)
        .order_by("taxonomyterm__position")
        .values_list("service_id", "taxonomyterm__name_ko", "taxonomyterm__name_en")
    ):
        names[service_id].append(localized(name_ko, name_en))
    return {pk: tuple(terms) for pk, terms in names.items()}


def service_summaries(
    service_ids: list[int], *, now: datetime.datetime, with_contacts: bool = False
) -> dict[int, ServiceSummary]:
    """The services with these ids as a result list shows them, in four queries (five `with_contacts`)."""
    targets = _term_names(Service.targets.through, service_ids)
    types = _term_names(Service.types.through, service_ids)
    periods: dict[int, list[PeriodRow]] = {pk: [] for pk in service_ids}
    for service_id, weekday, opens_at, closes_at in (
        OpeningHours.objects.filter(service_id__in=service_ids)
        .order_by("weekday", "opens_at")
        .values_list("service_id", "weekday", "opens_at", "closes_at")
    ):
        periods[service_id].append(PeriodRow(weekday, opens_at, closes_at))
    rows = list(
        Service.objects.filter(pk__in=service_ids).values_list(
            "pk", "name_ko", "name_en", "description_ko", "description_en", "status", "always_open",
            "open_on_holidays", "referral_contact_id",
        )
    )  # fmt: skip
    contacts: dict[int, Membership] = {}
    if with_contacts:
        contacts = Membership.objects.filter(
            pk__in={row[-1] for row in rows if row[-1] is not None}, user__is_active=True
        ).select_related("user").in_bulk()  # fmt: skip
    summaries = {}
    for pk, name_ko, name_en, description_ko, description_en, status, always_open, on_holidays, contact_id in rows:
        contact = contacts.get(contact_id) if contact_id is not None else None
        summaries[pk] = ServiceSummary(
            pk=pk,
            name=localized(name_ko, name_en),
            description=localized(description_ko, description_en),
            temporarily_closed=status == Service.Status.TEMPORARILY_CLOSED,
            always_open=always_open,
            open_now=is_open(
                status=status, always_open=always_open, open_on_holidays=on_holidays, periods=periods[pk], now=now
            ),
            targets=targets[pk],
            types=types[pk],
            hours=hours_in_words(always_open=always_open, open_on_holidays=on_holidays, periods=periods[pk]),
            contact_name=contact.user.get_full_name() if contact else "",
            contact_phone=contact.work_phone if contact else "",
        )
    return summaries


def entry(institution: Institution) -> Institution:
    """The institution with everything its entry page shows, in a fixed number of queries."""
    return (
        Institution.objects.select_related("region__parent")
        .prefetch_related(
            "phones",
            "locations__region",
            Prefetch(
                "services",
                queryset=Service.objects.filter(status__in=VISIBLE_SERVICE_STATUSES)
                .select_related("service_area", "referral_contact__user")
                .prefetch_related(*service_prefetches())
                .order_by("name_ko"),
            ),
            Prefetch(
                "memberships",
                queryset=institution.memberships.filter(is_contact=True, user__is_active=True).select_related("user"),
            ),
        )
        .get(pk=institution.pk)
    )


def recent_changes(*, limit: int = 100) -> QuerySet[EntryChange]:
    return EntryChange.objects.select_related("institution", "changed_by")[:limit]


def stale_entries(*, now: datetime.datetime) -> QuerySet[Institution]:
    """Active members whose entry nobody has confirmed for about six months."""
    cutoff = now - STALE_AFTER
    return (
        Institution.objects.filter(status=Institution.Status.ACTIVE)
        .filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=cutoff))
        .select_related("region")
        .order_by("last_verified_at", "name_ko")
    )


def is_stale(institution: Institution, *, now: datetime.datetime) -> bool:
    return institution.last_verified_at is None or institution.last_verified_at < now - STALE_AFTER


def pending_applications() -> QuerySet[MembershipApplication]:
    return MembershipApplication.objects.filter(status=MembershipApplication.Status.PENDING).select_related("region")


def directory_version() -> str:
    """Changes whenever anything a booklet prints changes: for caching rendered booklets."""
    latest_change = EntryChange.objects.aggregate(latest=Max("id"))["latest"] or 0
    latest_member = Institution.objects.aggregate(latest=Max("updated_at"))["latest"]
    latest_service = Service.objects.aggregate(latest=Max("updated_at"))["latest"]
    return f"{latest_change}:{latest_member}:{latest_service}"


def vocabulary(name: str) -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.filter(vocabulary=name).order_by("position")
