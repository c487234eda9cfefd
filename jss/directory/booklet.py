"""The printed directory (제주치안약자보호통합정보지): a PDF of the live directory, made with WeasyPrint.

The booklet is public: it shows institutions' public contacts (address, main number, 24-hour hotline,
fax, e-mail, website) and never a staff member or the JSS contact for referrals, and a shelter's
confidential address is replaced by "location not disclosed" (소재지 비공개).

One read (`booklet_content`) loads every matching service and its institution in a fixed number of
queries; the template `directory/booklet.html` lays it out: cover, contents, one section per support
target or service type, an index of institutions. `render_booklet` lays out each part on its own, the
sections of a large booklet side by side in worker processes, and joins the PDFs (see there why);
bench/booklet.py times it.
"""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jss.directory.hours import service_hours_in_words
from jss.directory.models import Location, OpeningHours, Phone, Service, TaxonomyTerm
from jss.directory.queries import PUBLIC_PHONE_KINDS, Criteria, matching_services
from jss.institutions.models import Institution
from jss.lib.pdf import PageLabels, PartRenderer, cyclic_garbage_collector_paused, join_parts
from jss.regions.models import Region

TEMPLATE = "directory/booklet.html"
STYLESHEET = "directory/booklet.css"  # shared by the parts: jss.lib.pdf parses it once per process
GROUPINGS = {
    "target": ("targets", TaxonomyTerm.Vocabulary.TARGET),
    "service_type": ("types", TaxonomyTerm.Vocabulary.SERVICE_TYPE),
}
PAPERS = ("A4", "A5")
FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "krds" / "fonts"
FONT_FILES = {400: "PretendardGOV-Regular.subset", 500: "PretendardGOV-Medium.subset", 700: "PretendardGOV-Bold.subset"}
# Both copies KRDS ships, the WOFF first: WeasyPrint unpacks it in 0.02 s, the WOFF2 (same glyphs) in 0.35 s, on
# every render. Each is a subset of Hangul; a missing glyph, or missing files, fall back to Noto Sans CJK KR.
FONT_FORMATS = ["woff", "woff2"]
# From this many service entries (a service under two targets counts twice) the sections are laid out in
# worker processes: below it, starting them costs more than they save (docs/benchmarks.md).
PARALLEL_FROM_SERVICES = 1000


@dataclass
class ServiceText:
    """A service with what the booklet says about it, worked out once. The facts are one run of text: WeasyPrint
    spends about a millisecond on every inline element, so the booklet has next to none. `number` is the
    service's entry number in the booklet, given where it is printed in full."""

    service: Service
    terms: ServiceTerms
    facts: str
    number: int = 0


@dataclass
class Entry:
    """An institution in one section: its kind and public contacts in one line, the services described here
    in full, and those of its services for this section that an earlier section describes (by number)."""

    anchor: str
    institution: Institution
    contact: str
    services: list[ServiceText] = field(default_factory=list)
    references: list[ServiceText] = field(default_factory=list)


@dataclass
class Section:
    anchor: str
    title: str
    entries: list[Entry]


@dataclass
class IndexLine:
    name: str
    anchors: list[str]


@dataclass
class Booklet:
    sections: list[Section]
    index: list[IndexLine]
    institution_count: int
    service_count: int
    has_sample_data: bool


# --- words ---------------------------------------------------------------------------------------


# The words every entry repeats are translated once per language (a booklet of 5,000 services asked for them
# a hundred thousand times: half a second).


@functools.cache
def _fact_labels(language: str) -> tuple[str, ...]:
    with translation.override(language):
        return (
            _("Service type"), _("For"), _("Eligibility"), _("Fee"), _("Hours"), _("Languages"), _("Area served"),
            _("Phone"), _("How to apply"),
        )  # fmt: skip


def _names(terms: Iterable[TaxonomyTerm]) -> str:
    return ", ".join(term.name for term in terms)


def criteria_in_words(criteria: Criteria) -> str:
    """The filter the booklet was made with, e.g. "지원 대상: 노인 · 지역: 서귀포시"; "all services" without one."""
    vocabularies = TaxonomyTerm.Vocabulary
    codes = [
        (vocabularies.TARGET, criteria.target),
        (vocabularies.SERVICE_TYPE, criteria.service_type),
        (vocabularies.LANGUAGE, criteria.language),
    ]
    wanted = [(vocabulary, code) for vocabulary, code in codes if code]
    found = {}
    if wanted:
        terms = TaxonomyTerm.objects.filter(
            vocabulary__in=[vocabulary for vocabulary, _code in wanted], code__in=[code for _vocabulary, code in wanted]
        )
        found = {(term.vocabulary, term.code): term for term in terms}
    parts = []
    if criteria.query.strip():
        parts.append(_("Search: “%(query)s”") % {"query": criteria.query.strip()})
    for vocabulary, code in codes:
        if code:
            term = found.get((vocabulary, code))
            parts.append(f"{vocabularies(vocabulary).label}: {term.name if term else code}")
    if criteria.region:
        region = Region.objects.filter(code=criteria.region).first()
        parts.append(f"{_('Area')}: {region.name if region else criteria.region}")
    if criteria.always_open:
        parts.append(_("Open 24 hours"))
    if criteria.open_now:
        parts.append(_("Open when the booklet was made"))
    return " · ".join(parts) or _("All services")


# --- the data ------------------------------------------------------------------------------------


def _matching(criteria: Criteria, *, now: datetime.datetime) -> QuerySet[Service]:
    return matching_services(criteria, now=now).filter(status=Service.Status.ACTIVE)


def booklet_services(matching: QuerySet[Service]) -> list[Service]:
    """The `matching` services (`_matching`), each with its institution, its institution's locations and
    public phones, and its hours and phones: a fixed number of queries."""
    public_phones = Phone.objects.filter(kind__in=PUBLIC_PHONE_KINDS).order_by("kind", "id")
    hours = Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at"))
    services: list[Service] = list(
        Service.objects.filter(pk__in=matching.values("pk"))
        .select_related("service_area")
        .prefetch_related(hours, Prefetch("phones", queryset=public_phones, to_attr="public_phones"))
        .order_by("pk")
    )
    institutions = {
        institution.pk: institution
        for institution in Institution.objects.filter(
            pk__in={service.institution_id for service in services}
        ).prefetch_related(
            Prefetch("locations", queryset=Location.objects.order_by("id")),
            Prefetch("phones", queryset=public_phones.filter(service=None), to_attr="public_phones"),
        )
    }
    for service in services:
        service.institution = institutions[service.institution_id]
    return services


@dataclass
class ServiceTerms:
    """A service's support targets, service types and languages, in the taxonomy's order."""

    targets: list[TaxonomyTerm] = field(default_factory=list)
    types: list[TaxonomyTerm] = field(default_factory=list)
    languages: list[TaxonomyTerm] = field(default_factory=list)


def service_terms(matching: QuerySet[Service]) -> dict[int, ServiceTerms]:
    """The terms of the services `booklet_services` reads, by service id: the links as pairs of ids and the
    few dozen terms once (5,000 services have 25,000 links: as model instances they took a second)."""
    terms = {term.pk: term for term in TaxonomyTerm.objects.all()}
    found: dict[int, ServiceTerms] = {}
    for relation in ("targets", "types", "languages"):
        links = getattr(Service, relation).through.objects.filter(service__in=matching.values("pk"))
        for service_id, term_id in links.values_list("service_id", "taxonomyterm_id"):
            getattr(found.setdefault(service_id, ServiceTerms()), relation).append(terms[term_id])
    for listed in found.values():
        for linked in (listed.targets, listed.types, listed.languages):
            linked.sort(key=lambda term: (term.position, term.pk))
    return found


def _phones_in_words(phones: Iterable[Phone]) -> list[str]:
    """Main number, 24-hour hotline, fax, in that order; other numbers are left out."""
    order = {kind: position for position, kind in enumerate(PUBLIC_PHONE_KINDS)}
    public = sorted((phone for phone in phones if phone.kind in order), key=lambda phone: order[Phone.Kind(phone.kind)])
    return [
        f"{phone.get_kind_display()} {phone.number}" + (f" ({phone.description_ko})" if phone.description_ko else "")
        for phone in public
    ]


def contact_in_words(institution: Institution) -> str:
    """Kind, address ("location not disclosed" for a confidential one: 소재지 비공개), public phones, e-mail, website.
    Never a person: staff and the JSS contact for referrals are not in the public booklet."""
    parts = [institution.get_category_display()]
    for location in institution.locations.all():
        if location.is_confidential:
            parts.append(_("Location not disclosed"))
        elif location.address_ko:
            parts.append(
                f"{location.address_ko} ({location.postal_code})" if location.postal_code else location.address_ko
            )
    parts += _phones_in_words(institution.public_phones)  # type: ignore[attr-defined]
    parts += [value for value in (institution.email, institution.website) if value]
    return " · ".join(dict.fromkeys(parts))


def facts_in_words(service: Service, terms: ServiceTerms) -> str:
    """All about a service in one line: "Service type: … · For: … · Eligibility: … · Fee: … · Hours: … ·
    Languages: … · Area served: … · Phone: … · How to apply: …", leaving out what it does not say."""
    targets = _names(terms.targets)
    ages = service.ages
    fee = service.get_fee_display() + (f" ({service.fee_note_ko})" if service.fee_note_ko else "")
    values = [
        _names(terms.types),
        f"{targets} ({ages})" if targets and ages else targets or ages,
        service.eligibility,
        fee,
        service_hours_in_words(service),
        _names(terms.languages),
        service.service_area.name,
        ", ".join(_phones_in_words(service.public_phones)),  # type: ignore[attr-defined]
        service.how_to_apply,
    ]
    labels = _fact_labels(translation.get_language())
    return " · ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True) if value)


def booklet_content(*, criteria: Criteria, group_by: str, now: datetime.datetime) -> Booklet:
    """Sections, entries and index in the active language. Sorting is by name in that language (Korean
    names sort in 가나다 order by code point).

    A service is described in full once, numbered, in the first section it belongs to (a Jeju service serves
    two targets on average, some five); its other sections list it under its institution with that number
    ("→ 12"). The numbers run through the booklet in the order it is read, so a reader finds entry 12 the way
    they find a word in a dictionary; and they are known before any page is laid out, so the sections can still
    be laid out side by side."""
    relation, vocabulary = GROUPINGS[group_by]
    matching = _matching(criteria, now=now)
    services = booklet_services(matching)
    terms = service_terms(matching)
    none = ServiceTerms()
    texts = [
        ServiceText(
            service=service,
            terms=terms.get(service.pk, none),
            facts=facts_in_words(service, terms.get(service.pk, none)),
        )
        for service in services
    ]
    texts.sort(
        key=lambda text: (
            text.service.institution.name.casefold(),
            text.service.name.casefold(),
            text.service.pk,
        )
    )

    chosen = criteria.target if group_by == "target" else criteria.service_type
    terms_of = {text.service.pk: {term.pk for term in getattr(text.terms, relation)} for text in texts}
    groups: list[tuple[str, list[ServiceText]]] = []
    grouped: set[int] = set()
    for term in TaxonomyTerm.objects.filter(vocabulary=vocabulary).order_by("position"):
        if chosen and term.code != chosen:
            continue
        members = [text for text in texts if term.pk in terms_of[text.service.pk]]
        grouped.update(text.service.pk for text in members)
        groups.append((term.name, members))
    rest = [text for text in texts if text.service.pk not in grouped]
    if rest:
        groups.append((_("Other services"), rest))

    institutions = {service.institution.pk: service.institution for service in services}
    contacts = {pk: contact_in_words(institution) for pk, institution in institutions.items()}
    sections: list[Section] = []
    anchors: dict[int, list[str]] = {}
    described = 0
    for number, (title, members) in enumerate(groups, start=1):
        entries: list[Entry] = []
        for text in members:
            institution = text.service.institution
            if not entries or entries[-1].institution.pk != institution.pk:
                anchor = f"s{number}-i{institution.pk}"
                anchors.setdefault(institution.pk, []).append(anchor)
                entries.append(Entry(anchor=anchor, institution=institution, contact=contacts[institution.pk]))
            if text.number:
                entries[-1].references.append(text)
            else:
                described += 1
                text.number = described
                entries[-1].services.append(text)
        if entries:
            sections.append(Section(anchor=f"s{number}", title=title, entries=entries))

    index = [
        IndexLine(name=institution.name, anchors=anchors[institution.pk])
        for institution in sorted(institutions.values(), key=lambda i: (i.name.casefold(), i.pk))
        if institution.pk in anchors
    ]
    return Booklet(
        sections=sections,
        index=index,
        institution_count=len(institutions),
        service_count=len(services),
        has_sample_data=any(institution.is_sample for institution in institutions.values()),
    )


# --- the PDF -------------------------------------------------------------------------------------


@dataclass
class FontFace:
    weight: int
    sources: list[tuple[str, str]]  # (file:// URL, format)


def font_faces() -> list[FontFace]:
    """The PretendardGOV fonts that are there, by absolute file:// URL; the CSS falls back to Noto Sans CJK KR."""
    faces = []
    for weight, name in FONT_FILES.items():
        paths = [(FONT_DIR / f"{name}.{suffix}", suffix) for suffix in FONT_FORMATS]
        sources = [(path.resolve().as_uri(), suffix) for path, suffix in paths if path.is_file()]
        if sources:
            faces.append(FontFace(weight=weight, sources=sources))
    return faces


def booklet_workers(*, services: int) -> int:
    """How many processes lay out a booklet of this many services: one (this process) for a small booklet,
    where starting processes would cost more than they save; else settings.BOOKLET_WORKERS, or one per
    processor when that is 0 (one more, to even out sections of unequal length, cost a quarter more CPU and
    was slower: docs/benchmarks.md)."""
    if services < PARALLEL_FROM_SERVICES:
        return 1
    return settings.BOOKLET_WORKERS or os.cpu_count() or 1


def render_booklet(*, criteria: Criteria, group_by: str, paper: str, language: str, today: datetime.date) -> bytes:
    """The booklet as PDF bytes. `group_by` is "target" or "service_type", `paper` "A4" or "A5", `language`
    one of settings.LANGUAGES; `today` is printed as the date of the data.

    The front (cover and contents), each section and the index are documents of their own (jss.lib.pdf: one
    1,800-page document takes far longer than ten of 180 pages), and the sections of a large booklet are laid
    out side by side in worker processes; the PDFs are joined.
    Pages are numbered per section, "3-12" (the front in roman numerals, the index as the last section), so
    that no section waits for the page count of the ones before it; the contents and the index print the
    section-page numbers of the pages the sections put their entries on. The templates are rendered and the
    data read here: the workers are given HTML only.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {sorted(GROUPINGS)}, not {group_by!r}")
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {PAPERS}, not {paper!r}")
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValueError(f"unknown language {language!r}")
    base_url = str(settings.BASE_DIR)
    now = timezone.now()
    workers = booklet_workers(services=_matching(criteria, now=now).count())
    with (
        translation.override(language),
        cyclic_garbage_collector_paused(),
        PartRenderer(base_url=base_url, workers=workers) as renderer,  # the workers start while the data is read
    ):
        booklet = booklet_content(criteria=criteria, group_by=group_by, now=now)
        shared = {"booklet": booklet, "described_earlier": pgettext("booklet", "Described earlier:")}
        stylesheet = render_to_string(
            STYLESHEET,
            {
                "booklet": booklet,
                "paper": paper,
                "font_faces": font_faces(),
                "demo_label": _("Demo data: the contacts are fictional"),  # at the foot of every page
            },
        )

        def html(part: str, **values: Any) -> str:
            return render_to_string(TEMPLATE, shared | {"part": part} | values)

        index_number = len(booklet.sections) + 1
        front = html(
            "front",
            page_prefix="",
            contents=[(section, f"{number}-1") for number, section in enumerate(booklet.sections, start=1)],
            index_page=f"{index_number}-1" if booklet.index else "",
            criteria_in_words=criteria_in_words(criteria),
            group_by=group_by,
            today=today,
        )
        htmls = [front] + [
            html("section", page_prefix=f"{number}-", section=section)
            for number, section in enumerate(booklet.sections, start=1)
        ]
        futures = {
            number: renderer.submit(htmls[number], stylesheet=stylesheet)
            for number in sorted(range(len(htmls)), key=lambda n: -len(htmls[n]))
        }
        parts = [futures[number].result() for number in range(len(htmls))]
        labels = [PageLabels(style=PageLabels.LOWER_ROMAN)] + [
            PageLabels(style=PageLabels.DECIMAL, prefix=f"{number}-") for number in range(1, len(htmls))
        ]
        if booklet.index:
            page_of = {
                anchor: f"{number}-{place.page + 1}"
                for number, part in enumerate(parts[1:], start=1)
                for anchor, place in part.anchors.items()
            }
            index_lines = [
                (line.name, ", ".join(dict.fromkeys(page_of[anchor] for anchor in line.anchors)))
                for line in booklet.index
            ]
            index = html("index", page_prefix=f"{index_number}-", index_lines=index_lines)
            parts.append(renderer.submit(index, stylesheet=stylesheet).result())
            labels.append(PageLabels(style=PageLabels.DECIMAL, prefix=f"{index_number}-"))
    return join_parts(parts, labels=labels)
