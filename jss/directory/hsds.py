"""Open Referral HSDS 3.0 exchange: the public directory out as JSON or CSV, and back in.

Export: `export_json()` is one page of the HSDS API's `GET /organizations?full_service=true` holding every
active member institution with its location, phones and fully nested services; `export_csv_zip()` is the
same records as the HSDS tabular form (one CSV per object, linked by ids, UTF-8 with a BOM for Excel).
Nothing about people leaves JSS: no staff, no JSS referral contacts, no confidential address.

Import: `import_json(data, actor=…)` and `import_csv_zip(data, actor=…)` read such a file, check every
record and refuse the whole file when any record is wrong, listing each problem (which record, which
field, why). A good file is upserted by HSDS id, organizations as `Institution.hsds_id` and services as
`Service.hsds_id`, through the directory and institution services in one transaction, so importing the
same file twice changes nothing. Records missing from the file are left alone.

The field-by-field mapping and the conventions (24/7 hours, confidential addresses, derived ids, the
JSS taxonomies) are in docs/hsds-mapping.md.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import re
import uuid
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from jss.accounts.models import User
from jss.audit.services import record
from jss.directory.models import EntryChange, Location, OpeningHours, Phone, Service, TaxonomyTerm
from jss.directory.queries import PUBLIC_PHONE_KINDS, VISIBLE_SERVICE_STATUSES
from jss.directory.services import (
    SCALAR_FIELDS,
    TERM_FIELDS,
    DirectoryError,
    EntryData,
    HoursData,
    PhoneData,
    ServiceData,
    save_service,
    update_entry,
)
from jss.institutions.models import Institution
from jss.institutions.services import InstitutionData, upsert_institution
from jss.lib.phone import normalize_korean_phone
from jss.regions.models import Region

# --- the exchange format -------------------------------------------------------------------------
# Words and codes below are part of the file format: the import reads them back, so they are fixed
# strings, never translations.

HSDS_VERSION = "3.0"
# Ids JSS derives (taxonomy terms, and everything below an organization or a service that has no
# stable row of its own) are UUID v5 in this namespace, so the same data always gets the same ids.
NAMESPACE = uuid.UUID("a6a53cd6-5645-46cf-98f8-9efd7bc77852")
KOREA_OFFSET = "+09:00"
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]  # index = OpeningHours.weekday
DAY_NAMES_KO = ["월", "화", "수", "목", "금", "토", "일"]
DAY_START = datetime.time(0, 0)
DAY_END = datetime.time(23, 59)  # HSDS: 00:00–23:59 every day signals "open 24 hours"
AREA_URI_PREFIX = "urn:x-kr-adm:"  # service_area.uri: the 10-digit administrative (행정동) code
COUNTRY = "KR"

TARGETS = "jss-target"
SERVICE_TYPES = "jss-service-type"
PHONE_TYPES = "jss-phone-type"
FLAGS = "jss-flag"
VOCABULARY_OF = {TARGETS: TaxonomyTerm.Vocabulary.TARGET, SERVICE_TYPES: TaxonomyTerm.Vocabulary.SERVICE_TYPE}
CONFIDENTIAL = "confidential_address"
OPEN_ON_HOLIDAYS = "open_on_public_holidays"
FLAG_NAMES = {
    CONFIDENTIAL: ("주소 비공개", "Address not published"),
    OPEN_ON_HOLIDAYS: ("공휴일 운영", "Open on public holidays"),
}
PHONE_KIND_NAMES = {
    Phone.Kind.MAIN: ("대표번호", "Main number"),
    Phone.Kind.HOTLINE: ("24시간 긴급전화", "24-hour hotline"),
    Phone.Kind.OTHER: ("기타 번호", "Other number"),
    Phone.Kind.FAX: ("팩스", "Fax"),
}  # also the order phones are exported in
FEE_NAMES = {
    Service.Fee.FREE: ("무료", "Free"),
    Service.Fee.PARTLY_FREE: ("일부 무료", "Free for some"),
    Service.Fee.PAID: ("유료", "Paid"),
}
FEE_SEPARATOR = ": "  # only characters Korean Excel keeps when it saves CSV as CP949
CONFIDENTIAL_DESCRIPTION = "보호를 위해 주소를 공개하지 않습니다."
ALWAYS_OPEN_DESCRIPTION = "매일 24시간"
HOLIDAY_NOTES = {True: "공휴일에도 운영합니다.", False: "공휴일에는 운영하지 않습니다."}

# The HSDS 3.0 tabular form: file name -> columns, in the order of the specification's schema.
COLUMNS: dict[str, list[str]] = {
    "organizations.csv": ["id", "name", "alternate_name", "description", "email", "website", "tax_status",
                          "tax_id", "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id"],
    "services.csv": ["id", "organization_id", "program_id", "name", "alternate_name", "description", "url",
                     "email", "status", "interpretation_services", "application_process", "fees_description",
                     "wait_time", "fees", "accreditations", "eligibility_description", "minimum_age",
                     "maximum_age", "assured_date", "assurer_email", "licenses", "alert", "last_modified"],
    "locations.csv": ["id", "location_type", "url", "organization_id", "name", "alternate_name", "description",
                      "transportation", "latitude", "longitude", "external_identifier",
                      "external_identifier_type"],
    "addresses.csv": ["id", "location_id", "attention", "address_1", "address_2", "city", "region",
                      "state_province", "postal_code", "country", "address_type"],
    "accessibility.csv": ["id", "location_id", "description", "details", "url"],
    "phones.csv": ["id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id",
                   "number", "extension", "type", "description"],
    "schedules.csv": ["id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to",
                      "dtstart", "timezone", "until", "count", "wkst", "freq", "interval", "byday", "byweekno",
                      "bymonthday", "byyearday", "description", "opens_at", "closes_at", "schedule_link",
                      "attending_type", "notes"],
    "service_areas.csv": ["id", "service_id", "name", "description", "extent", "extent_type", "uri"],
    "languages.csv": ["id", "service_id", "location_id", "phone_id", "name", "code", "note"],
    "taxonomy_terms.csv": ["id", "code", "name", "description", "parent_id", "taxonomy", "language",
                           "taxonomy_id", "term_uri"],
    "attributes.csv": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
}  # fmt: skip
NUMBER_COLUMNS = {"year_incorporated", "minimum_age", "maximum_age", "latitude", "longitude", "extension",
                  "timezone", "count", "interval"}  # fmt: skip
# Excel runs a cell that starts with one of these as a formula: such cells get a leading apostrophe in
# the CSV export, which the CSV import removes again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def term_id(taxonomy: str, code: str) -> uuid.UUID:
    """The HSDS id of a term of a JSS taxonomy; the same in every JSS installation."""
    return uuid.uuid5(NAMESPACE, f"{taxonomy}/{code}")


# --- export --------------------------------------------------------------------------------------


def export_json() -> dict[str, Any]:
    """The directory as HSDS 3.0 JSON: one page of organizations with their fully nested services."""
    regions = _RegionPath()
    organizations = [_organization(institution, regions) for institution in _exported_institutions()]
    count = len(organizations)
    return {
        "version": HSDS_VERSION,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "total_items": count,
        "total_pages": 1,
        "page_number": 1,
        "size": count,
        "first_page": True,
        "last_page": True,
        "empty": count == 0,
        "contents": organizations,
    }


def export_csv_zip() -> bytes:
    """The directory as the HSDS 3.0 tabular form: a zip of CSV files and a datapackage.json."""
    tables = _tables(export_json()["contents"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, columns in COLUMNS.items():
            archive.writestr(name, _csv_bytes(columns, tables[name]))
        archive.writestr("datapackage.json", json.dumps(_datapackage(), ensure_ascii=False, indent=2))
    return buffer.getvalue()


def _exported_institutions() -> list[Institution]:
    by_position = TaxonomyTerm.objects.order_by("position")
    # Public: what the directory shows, nothing more (no inactive services, no staff direct lines).
    services = (
        Service.objects.filter(status__in=VISIBLE_SERVICE_STATUSES)
        .select_related("service_area")
        .prefetch_related(
            Prefetch("targets", queryset=by_position),
            Prefetch("types", queryset=by_position),
            Prefetch("languages", queryset=by_position),
            Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at")),
            Prefetch("phones", queryset=Phone.objects.filter(kind__in=PUBLIC_PHONE_KINDS).order_by("pk")),
        )
    )
    return list(
        Institution.objects.filter(status=Institution.Status.ACTIVE)
        .prefetch_related(
            Prefetch("locations", queryset=Location.objects.select_related("region").order_by("pk")),
            Prefetch(
                "phones",
                queryset=Phone.objects.filter(service=None, kind__in=PUBLIC_PHONE_KINDS).order_by("pk"),
                to_attr="entry_phones",
            ),
            Prefetch("services", queryset=services.order_by("name_ko", "pk")),
        )
        .order_by("name_ko", "pk")
    )


def _organization(institution: Institution, regions: _RegionPath) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": str(institution.hsds_id), "name": institution.name_ko}
    if institution.name_en:
        entry["alternate_name"] = institution.name_en
    entry["description"] = institution.description_ko
    if institution.email:
        entry["email"] = institution.email
    if institution.website:
        entry["website"] = institution.website
    entry["phones"] = _phones(institution.hsds_id, "organization_id", institution.entry_phones)  # type: ignore[attr-defined]
    locations = list(institution.locations.all())
    entry["locations"] = [_location(institution, locations[0] if locations else None, regions)]
    entry["services"] = [_service(institution, service, regions) for service in institution.services.all()]
    return entry


def _location(institution: Institution, location: Location | None, regions: _RegionPath) -> dict[str, Any]:
    """JSS keeps one location per institution; an institution without one exports an empty location,
    as saving its entry would create one."""
    location_id = uuid.uuid5(institution.hsds_id, "location")
    entry: dict[str, Any] = {
        "id": str(location_id),
        "organization_id": str(institution.hsds_id),
        "location_type": "physical",
    }
    if location is not None and location.is_confidential:
        entry["description"] = CONFIDENTIAL_DESCRIPTION
        entry["addresses"] = []
        entry["attributes"] = [_attribute(location_id, "location", _flag_term(CONFIDENTIAL))]
        return entry
    if location is not None and location.name_ko:
        entry["name"] = location.name_ko
    entry["addresses"] = []
    if location is not None and location.address_ko:
        province, city, local = regions.names(location.region)
        address: dict[str, Any] = {
            "id": str(uuid.uuid5(location_id, "address")),
            "location_id": str(location_id),
            "address_1": location.address_ko,
            "city": city,
        }
        if local:
            address["region"] = local
        address |= {
            "state_province": province,
            "postal_code": location.postal_code,
            "country": COUNTRY,
            "address_type": "physical",
        }
        entry["addresses"].append(address)
    if location is not None and location.accessibility_ko:
        entry["accessibility"] = [
            {
                "id": str(uuid.uuid5(location_id, "accessibility")),
                "location_id": str(location_id),
                "description": location.accessibility_ko,
            }
        ]
    entry["attributes"] = []
    return entry


def _service(institution: Institution, service: Service, regions: _RegionPath) -> dict[str, Any]:
    service_id = service.hsds_id
    entry: dict[str, Any] = {
        "id": str(service_id),
        "organization_id": str(institution.hsds_id),
        "name": service.name_ko,
    }
    if service.name_en:
        entry["alternate_name"] = service.name_en
    entry["description"] = service.description_ko
    entry["status"] = service.status
    if service.how_to_apply_ko:
        entry["application_process"] = service.how_to_apply_ko
    fee_name = FEE_NAMES[service.fee][0]  # type: ignore[index]
    entry["fees_description"] = f"{fee_name}{FEE_SEPARATOR}{service.fee_note_ko}" if service.fee_note_ko else fee_name
    if service.eligibility_ko:
        entry["eligibility_description"] = service.eligibility_ko
    if service.minimum_age is not None:
        entry["minimum_age"] = service.minimum_age
    if service.maximum_age is not None:
        entry["maximum_age"] = service.maximum_age
    entry["phones"] = _phones(service_id, "service_id", list(service.phones.all()))
    entry["schedules"] = _schedules(service)
    area = service.service_area
    entry["service_areas"] = [
        {
            "id": str(uuid.uuid5(service_id, f"service-area/{area.code}")),
            "service_id": str(service_id),
            "name": area.name_ko,
            "description": " ".join(regions.path(area)),
            "uri": f"{AREA_URI_PREFIX}{area.code}",
        }
    ]
    entry["languages"] = [
        {
            "id": str(uuid.uuid5(service_id, f"language/{term.code}")),
            "service_id": str(service_id),
            "name": term.name_ko,
            "code": term.code,
        }
        for term in service.languages.all()
    ]
    attributes = [_attribute(service_id, "service", _taxonomy_term(TARGETS, t)) for t in service.targets.all()]
    attributes += [_attribute(service_id, "service", _taxonomy_term(SERVICE_TYPES, t)) for t in service.types.all()]
    if service.open_on_holidays:
        attributes.append(_attribute(service_id, "service", _flag_term(OPEN_ON_HOLIDAYS)))
    entry["attributes"] = attributes
    return entry


def _phones(owner_id: uuid.UUID, owner_field: str, phones: list[Phone]) -> list[dict[str, Any]]:
    order = [str(kind) for kind in PHONE_KIND_NAMES]
    seen: Counter[str] = Counter()
    result = []
    for phone in sorted(phones, key=lambda p: (order.index(p.kind) if p.kind in order else len(order), p.pk)):
        number = _exported_number(phone.number)
        key = f"phone/{phone.kind}/{number}"
        seen[key] += 1
        phone_id = uuid.uuid5(owner_id, key if seen[key] == 1 else f"{key}/{seen[key]}")
        entry: dict[str, Any] = {
            "id": str(phone_id),
            owner_field: str(owner_id),
            "number": number,
            "type": "fax" if phone.kind == Phone.Kind.FAX else "voice",
        }
        if phone.description_ko:
            entry["description"] = phone.description_ko
        entry["attributes"] = [_attribute(phone_id, "phone", _phone_kind_term(phone.kind))]
        result.append(entry)
    return result


def _exported_number(number: str) -> str:
    try:
        return normalize_korean_phone(number)
    except ValueError:
        return number  # exported as stored; the import will name it as a problem


def _schedules(service: Service) -> list[dict[str, Any]]:
    """Weekly schedules, one per opening period, with the days it applies to."""
    if service.always_open:
        periods = [((DAY_START, DAY_END), list(range(7)))]
    else:
        days_by_period: dict[tuple[datetime.time, datetime.time], list[int]] = defaultdict(list)
        for hours in service.hours.all():
            days_by_period[(hours.opens_at, hours.closes_at)].append(hours.weekday)
        periods = sorted(days_by_period.items(), key=lambda item: (min(item[1]), item[0]))
    result = []
    for (opens_at, closes_at), days in periods:
        byday = ",".join(DAYS[day] for day in sorted(set(days)))
        opens, closes = f"{opens_at:%H:%M}", f"{closes_at:%H:%M}"
        if service.always_open:
            description = ALWAYS_OPEN_DESCRIPTION
        else:
            description = f"{'·'.join(DAY_NAMES_KO[day] for day in sorted(set(days)))} {opens}~{closes}"
        result.append(
            {
                "id": str(uuid.uuid5(service.hsds_id, f"schedule/{byday}/{opens}-{closes}")),
                "service_id": str(service.hsds_id),
                "wkst": "MO",
                "freq": "WEEKLY",
                "byday": byday,
                "description": description,
                "opens_at": f"{opens}{KOREA_OFFSET}",
                "closes_at": f"{closes}{KOREA_OFFSET}",
                "notes": HOLIDAY_NOTES[service.open_on_holidays],
            }
        )
    return result


def _taxonomy_term(taxonomy: str, term: TaxonomyTerm) -> dict[str, Any]:
    return _term(taxonomy, term.code, term.name_ko, term.name_en)


def _flag_term(code: str) -> dict[str, Any]:
    return _term(FLAGS, code, *FLAG_NAMES[code])


def _phone_kind_term(kind: str) -> dict[str, Any]:
    return _term(PHONE_TYPES, kind, *PHONE_KIND_NAMES[kind])  # type: ignore[index]


def _term(taxonomy: str, code: str, name_ko: str, name_en: str) -> dict[str, Any]:
    """HSDS requires a term description: JSS puts the English name there."""
    return {
        "id": str(term_id(taxonomy, code)),
        "code": code,
        "name": name_ko,
        "description": name_en or name_ko,
        "taxonomy": taxonomy,
        "language": "ko",
    }


def _attribute(owner_id: uuid.UUID, entity: str, term: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(owner_id, f"attribute/{term['taxonomy']}/{term['code']}")),
        "link_id": str(owner_id),
        "taxonomy_term_id": term["id"],
        "link_entity": entity,
        "taxonomy_term": term,
    }


class _RegionPath:
    """Names of a region and the regions above it, read once per export or import."""

    def __init__(self) -> None:
        self.by_pk = {region.pk: region for region in Region.objects.all()}

    def chain(self, region: Region) -> list[Region]:
        """The region and its ancestors, the province first."""
        chain = [region]
        while chain[-1].parent_id is not None and chain[-1].parent_id in self.by_pk and len(chain) < 10:
            chain.append(self.by_pk[chain[-1].parent_id])
        return chain[::-1]

    def path(self, region: Region) -> list[str]:
        return [item.name_ko for item in self.chain(region)]

    def names(self, region: Region) -> tuple[str, str, str]:
        """(state_province, city, eup/myeon/dong) for an HSDS address; the city is the province itself
        when the region is the province."""
        chain = self.chain(region)
        province = chain[0].name_ko
        city = next((r.name_ko for r in chain if r.level in (Region.Level.CITY, Region.Level.COUNTY)), province)
        local = next((r.name_ko for r in chain if r.is_local_unit), "")
        return province, city, local


# --- the tabular form ----------------------------------------------------------------------------


def _tables(organizations: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in COLUMNS}
    terms: dict[str, dict[str, Any]] = {}

    def add_attributes(owner: dict[str, Any]) -> None:
        for attribute in owner.get("attributes", []):
            tables["attributes.csv"].append(attribute)
            terms.setdefault(attribute["taxonomy_term"]["id"], attribute["taxonomy_term"])

    for organization in organizations:
        tables["organizations.csv"].append(organization)
        for phone in organization["phones"]:
            tables["phones.csv"].append(phone)
            add_attributes(phone)
        for location in organization["locations"]:
            tables["locations.csv"].append(location)
            tables["addresses.csv"] += location.get("addresses", [])
            tables["accessibility.csv"] += location.get("accessibility", [])
            add_attributes(location)
        for service in organization["services"]:
            tables["services.csv"].append(service)
            add_attributes(service)
            for phone in service["phones"]:
                tables["phones.csv"].append(phone)
                add_attributes(phone)
            tables["schedules.csv"] += service["schedules"]
            tables["service_areas.csv"] += service["service_areas"]
            tables["languages.csv"] += service["languages"]
    tables["taxonomy_terms.csv"] = list(terms.values())
    return tables


def _csv_bytes(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return text.getvalue().encode("utf-8-sig")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _datapackage() -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": "jss-directory",
        "title": "JSS support directory (Open Referral HSDS 3.0)",
        "resources": [
            {
                "name": PurePosixPath(name).stem,
                "path": name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": column, "type": "number" if column in NUMBER_COLUMNS else "string"}
                        for column in columns
                    ],
                    "primaryKey": "id",
                },
            }
            for name, columns in COLUMNS.items()
        ],
    }


# --- import: the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    record: str  # e.g. "organization 3 (제주해바라기센터), service 2 (성폭력 상담)" or "services.csv row 4"
    field: str  # the HSDS field, e.g. "closes_at"; empty for the file as a whole
    message: str


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    created: int = 0  # organizations and services
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def import_json(data: bytes, *, actor: Any) -> ImportReport:
    """Import an HSDS 3.0 JSON organization list (as `export_json` writes) all or nothing."""
    organizations, problem = _read_json(data)
    if organizations is None:
        return ImportReport(problems=[problem] if problem else [])
    return _import(organizations, actor=actor, problems=[])


def import_csv_zip(data: bytes, *, actor: Any) -> ImportReport:
    """Import an HSDS 3.0 CSV zip (as `export_csv_zip` writes) all or nothing."""
    organizations, problems = _read_csv_zip(data)
    if organizations is None:
        return ImportReport(problems=problems)
    return _import(organizations, actor=actor, problems=problems)


def _file_problem(message: str) -> Problem:
    return Problem(record=_("file"), field="", message=message)


# --- import: reading the file --------------------------------------------------------------------

LABEL = "__jss_record__"  # set on records read from CSV: which file and row they came from


def _read_json(data: bytes) -> tuple[list[Any] | None, Problem | None]:
    if len(data) > MAX_IMPORT_BYTES:
        return None, _file_problem(_("The file is larger than %(limit)d MB.") % {"limit": MAX_IMPORT_BYTES >> 20})
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, _file_problem(
            _("This file is not JSON. Upload JSS's HSDS JSON export (.json), or use the CSV import for a .zip file.")
        )
    contents = document.get("contents") if isinstance(document, dict) else None
    if not isinstance(contents, list):
        return None, _file_problem(
            _(
                "This JSON file is not an HSDS 3.0 organization list: JSS expects an object with a "
                '"contents" list of organizations and their services, as its HSDS export has.'
            )
        )
    version = document.get("version")
    if version is not None and not str(version).startswith("3."):
        return None, _file_problem(_("This file is HSDS %(version)s; JSS reads HSDS 3.0.") % {"version": version})
    if any(isinstance(item, dict) and "organization" in item and "services" not in item for item in contents):
        return None, _file_problem(
            _("This file is a list of services; JSS imports a list of organizations with their services.")
        )
    return contents, None


def _read_csv_zip(data: bytes) -> tuple[list[dict[str, Any]] | None, list[Problem]]:
    """The CSV files assembled into the same nested records as the JSON form; with problems of rows
    that point to nothing. (None, [problem]) when the file cannot be read at all."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return None, [
            _file_problem(_("This file is not a zip archive. Upload JSS's HSDS CSV export (a .zip of CSV files)."))
        ]
    with archive:
        members = {
            PurePosixPath(info.filename).name: info
            for info in archive.infolist()
            if not info.is_dir() and PurePosixPath(info.filename).name in COLUMNS
        }
        if "organizations.csv" not in members:
            return None, [_file_problem(_("This zip archive is not an HSDS CSV package: it has no organizations.csv."))]
        if sum(info.file_size for info in members.values()) > MAX_IMPORT_BYTES:
            return None, [
                _file_problem(_("The files are larger than %(limit)d MB.") % {"limit": MAX_IMPORT_BYTES >> 20})
            ]
        tables: dict[str, list[dict[str, Any]]] = {}
        for name, info in members.items():
            try:
                raw = archive.read(info)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError):
                return None, [_file_problem(_("%(file)s cannot be read from the zip archive.") % {"file": name})]
            rows, problem = _read_csv(name, raw)
            if problem is not None:
                return None, [problem]
            tables[name] = rows
    return _assemble(tables)


def _read_csv(name: str, raw: bytes) -> tuple[list[dict[str, Any]], Problem | None]:
    for encoding in ("utf-8-sig", "cp949"):  # Korean Excel saves CSV as CP949
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return [], _file_problem(_("%(file)s is neither UTF-8 nor CP949 text.") % {"file": name})
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        return [], _file_problem(_("%(file)s is not a readable CSV file: %(error)s") % {"file": name, "error": error})
    header = [column.strip() for column in rows[0]] if rows else []
    if "id" not in header:
        return [], _file_problem(_("%(file)s has no id column.") % {"file": name})
    result = []
    for number, values in enumerate(rows[1:], start=2):  # numbered as Excel shows them: the header is row 1
        if not any(value.strip() for value in values):
            continue
        cleaned: dict[str, Any] = {column: _uncell(value) for column, value in zip(header, values, strict=False)}
        row_name = cleaned.get("name", "")
        label = _("%(file)s row %(number)d") % {"file": name, "number": number}
        cleaned[LABEL] = f"{label} ({row_name})" if row_name else label
        result.append(cleaned)
    return result, None


def _uncell(value: str) -> str:
    value = value.strip()
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def _link_key(value: Any) -> str:
    text = str(value).strip()
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return text.lower()


def _assemble(tables: dict[str, list[dict[str, Any]]]) -> tuple[list[dict[str, Any]], list[Problem]]:
    problems: list[Problem] = []
    children = {
        "organizations.csv": ("phones", "locations", "services"),
        "services.csv": ("phones", "schedules", "service_areas", "languages", "attributes"),
        "locations.csv": ("addresses", "accessibility", "attributes"),
        "phones.csv": ("attributes",),
    }
    index: dict[str, dict[str, dict[str, Any]]] = {}
    for name in COLUMNS:
        rows = tables.setdefault(name, [])
        for row in rows:
            for child in children.get(name, ()):
                row[child] = []
        index[name] = {}
        for row in rows:
            if row.get("id"):
                index[name].setdefault(_link_key(row["id"]), row)

    def attach(name: str, child: str, links: list[tuple[str, str]], ignored: tuple[str, ...] = ()) -> None:
        """Put each row of `name` under the row its first filled link column points to."""
        for row in tables[name]:
            column = next((c for c, _file in links if row.get(c)), None)
            if column is None:
                if not any(row.get(c) for c in ignored):
                    problems.append(Problem(row[LABEL], links[0][0], _("missing required field")))
                continue
            parent_file = dict(links)[column]
            parent = index[parent_file].get(_link_key(row[column]))
            if parent is None:
                problems.append(
                    Problem(row[LABEL], column, _("no row with this id in %(file)s") % {"file": parent_file})
                )
            else:
                parent[child].append(row)

    attach("services.csv", "services", [("organization_id", "organizations.csv")])
    attach("locations.csv", "locations", [("organization_id", "organizations.csv")])
    attach("addresses.csv", "addresses", [("location_id", "locations.csv")])
    attach("accessibility.csv", "accessibility", [("location_id", "locations.csv")])
    attach("phones.csv", "phones", [("service_id", "services.csv"), ("organization_id", "organizations.csv")],
           ignored=("location_id", "contact_id", "service_at_location_id"))  # fmt: skip
    attach("schedules.csv", "schedules", [("service_id", "services.csv")],
           ignored=("location_id", "service_at_location_id"))  # fmt: skip
    attach("service_areas.csv", "service_areas", [("service_id", "services.csv")])
    attach("languages.csv", "languages", [("service_id", "services.csv")], ignored=("location_id", "phone_id"))
    entity_files = {"service": "services.csv", "phone": "phones.csv", "location": "locations.csv"}
    for row in tables["attributes.csv"]:
        term = index["taxonomy_terms.csv"].get(_link_key(row.get("taxonomy_term_id", "")))
        if term is not None:
            row["taxonomy_term"] = term
        entity = row.get("link_entity", "")
        if not entity:
            problems.append(Problem(row[LABEL], "link_entity", _("missing required field")))
            continue
        if entity not in entity_files:
            continue  # attributes of organizations, contacts … have no place in JSS
        owner = index[entity_files[entity]].get(_link_key(row.get("link_id", "")))
        if owner is None:
            problems.append(
                Problem(row[LABEL], "link_id", _("no row with this id in %(file)s") % {"file": entity_files[entity]})
            )
        else:
            owner["attributes"].append(row)
    return tables["organizations.csv"], problems


# --- import: checking each record ----------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$")


class _Reader:
    """Reads the fields of one record, noting every problem under the record's name."""

    def __init__(self, item: Any, label: str, problems: list[Problem]) -> None:
        self.ok = isinstance(item, dict)
        self.item: dict[str, Any] = item if isinstance(item, dict) else {}
        self.label = str(self.item.get(LABEL) or label)
        self.problems = problems
        if not self.ok:
            self.problem("", _("must be an object with the record's fields"))

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.label, name, message))

    def children(self, name: str, kind: str) -> list[_Reader]:
        value = self.item.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(name, _("must be a list"))
            return []
        return [_Reader(child, _child_label(self.label, kind, number, child), self.problems)
                for number, child in enumerate(value, start=1)]  # fmt: skip

    def text(self, name: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.item.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problem(name, _("must be text"))
            return ""
        value = value.strip()
        if required and not value:
            self.problem(name, _("missing required field"))
        elif max_length is not None and len(value) > max_length:
            self.problem(name, _("is longer than %(limit)d characters") % {"limit": max_length})
        return value

    def identifier(self, name: str, *, required: bool = True) -> uuid.UUID | None:
        value = self.text(name, required=required)
        if not value:
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            self.problem(name, _("%(value)s is not a UUID") % {"value": value})
            return None

    def age(self, name: str) -> int | None:
        value = self.item.get(name)
        if value is None or value == "":
            return None
        number: float | None = None
        if isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                number = None
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            number = value
        if number is None or not math.isfinite(number) or number != int(number) or not 0 <= number <= 150:
            self.problem(name, _("%(value)s is not an age in whole years (0–150)") % {"value": value})
            return None
        return int(number)

    def email(self, name: str) -> str:
        value = self.text(name, max_length=254)
        if value:
            try:
                EmailValidator()(value)
            except ValidationError:
                self.problem(name, _("%(value)s is not an e-mail address") % {"value": value})
        return value

    def url(self, name: str) -> str:
        value = self.text(name, max_length=200)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.problem(name, _("%(value)s is not a web address (https://…)") % {"value": value})
        return value

    def time(self, name: str) -> datetime.time | None:
        value = self.text(name, required=True)
        if not value:
            return None
        match = _TIME.match(value)
        if match is None:
            self.problem(name, _("%(value)s is not a time (HH:MM, Korea time)") % {"value": value})
            return None
        offset = match[4]
        if offset and offset.replace(":", "") != KOREA_OFFSET.replace(":", ""):
            self.problem(name, _("%(value)s is not in Korea time (+09:00)") % {"value": value})
            return None
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if (hour, minute, second) == (24, 0, 0):
            return DAY_END
        if hour > 23 or minute > 59 or second > 59:
            self.problem(name, _("%(value)s is not a time (HH:MM, Korea time)") % {"value": value})
            return None
        return datetime.time(hour, minute, second)


def _child_label(parent: str, kind: str, number: int, item: Any) -> str:
    nouns = {
        "service": _("service"),
        "phone": _("phone"),
        "location": _("location"),
        "address": _("address"),
        "accessibility": _("accessibility"),
        "schedule": _("schedule"),
        "service area": _("service area"),
        "language": _("language"),
        "attribute": _("attribute"),
    }
    name = item.get("name") if isinstance(item, dict) else None
    own = f"{nouns[kind]} {number} ({name})" if isinstance(name, str) and name.strip() else f"{nouns[kind]} {number}"
    return f"{parent}, {own}"


def _organization_label(number: int, item: Any) -> str:
    name = item.get("name") if isinstance(item, dict) else None
    if isinstance(name, str) and name.strip():
        return _("organization %(number)d (%(name)s)") % {"number": number, "name": name.strip()}
    return _("organization %(number)d") % {"number": number}


@dataclass
class _Context:
    """What the checks look up: regions, taxonomy terms and the JSS taxonomies' derived ids."""

    regions: _RegionPath
    regions_by_code: dict[str, Region]
    regions_by_name: dict[str, list[Region]]
    terms: dict[tuple[str, str], TaxonomyTerm]  # (vocabulary, code)
    terms_by_id: dict[str, tuple[str, str]]  # derived HSDS id -> (taxonomy, code)
    province: Region | None

    @classmethod
    def load(cls) -> _Context:
        regions = _RegionPath()
        by_name: dict[str, list[Region]] = defaultdict(list)
        for region in regions.by_pk.values():
            by_name[region.name_ko].append(region)
        terms = {(term.vocabulary, term.code): term for term in TaxonomyTerm.objects.all()}
        terms_by_id = {str(term_id(taxonomy, code)): (taxonomy, code)
                       for taxonomy, vocabulary in VOCABULARY_OF.items()
                       for (term_vocabulary, code) in terms if term_vocabulary == vocabulary}  # fmt: skip
        terms_by_id |= {str(term_id(PHONE_TYPES, kind)): (PHONE_TYPES, kind) for kind in PHONE_KIND_NAMES}
        terms_by_id |= {str(term_id(FLAGS, code)): (FLAGS, code) for code in FLAG_NAMES}
        provinces = sorted((r for r in regions.by_pk.values() if r.parent_id is None), key=lambda r: r.code)
        return cls(
            regions=regions,
            regions_by_code={region.code: region for region in regions.by_pk.values()},
            regions_by_name=by_name,
            terms=terms,
            terms_by_id=terms_by_id,
            province=provinces[0] if provinces else None,
        )

    def codes(self, taxonomy: str) -> set[str]:
        if taxonomy == PHONE_TYPES:
            return {str(kind) for kind in PHONE_KIND_NAMES}
        if taxonomy == FLAGS:
            return set(FLAG_NAMES)
        return {code for vocabulary, code in self.terms if vocabulary == VOCABULARY_OF[taxonomy]}


@dataclass
class _LocationPlan:
    has_address: bool
    address_ko: str
    region: Region | None
    is_confidential: bool
    name_ko: str
    postal_code: str
    accessibility_ko: str


@dataclass
class _ServicePlan:
    hsds_id: uuid.UUID
    label: str
    data: ServiceData  # English texts and the referral contact are filled in from JSS when saving
    phones: list[PhoneData]


@dataclass
class _OrganizationPlan:
    hsds_id: uuid.UUID
    label: str
    name_ko: str
    name_en: str
    description_ko: str
    email: str
    website: str
    phones: list[PhoneData]
    location: _LocationPlan
    services: list[_ServicePlan]

    @property
    def region_hint(self) -> Region | None:
        """Where a new institution is: its address's region, else its first service's area."""
        if self.location.region is not None:
            return self.location.region
        return self.services[0].data.service_area if self.services else None


def _check_organization(reader: _Reader, context: _Context) -> _OrganizationPlan | None:
    hsds_id = reader.identifier("id")
    name_ko = reader.text("name", required=True, max_length=150)
    name_en = reader.text("alternate_name", max_length=150)
    if "description" not in reader.item:
        reader.problem("description", _("missing required field"))
    description_ko = reader.text("description")
    email = reader.email("email")
    website = reader.url("website")
    phones = [phone for child in reader.children("phones", "phone") if (phone := _check_phone(child, context))]
    locations = reader.children("locations", "location")
    if len(locations) > 1:
        reader.problem(
            "locations",
            _("JSS keeps one location per organization; this one has %(count)d") % {"count": len(locations)},
        )
    location = _check_location(locations[0], context) if locations else None
    services = [
        service
        for child in reader.children("services", "service")
        if (service := _check_service(child, hsds_id, context)) is not None
    ]
    if hsds_id is None or not reader.ok:
        return None
    return _OrganizationPlan(
        hsds_id=hsds_id,
        label=reader.label,
        name_ko=name_ko,
        name_en=name_en,
        description_ko=description_ko,
        email=email,
        website=website,
        phones=phones,
        location=location or _LocationPlan(False, "", None, False, "", "", ""),
        services=services,
    )


def _check_phone(reader: _Reader, context: _Context) -> PhoneData | None:
    text = reader.text("number", required=True)
    number = ""
    if text:
        try:
            number = normalize_korean_phone(text)
        except ValueError as error:
            reader.problem("number", _("%(number)s is not a Korean telephone number (%(reason)s)")
                           % {"number": text, "reason": error})  # fmt: skip
    description = reader.text("description", max_length=100)
    kinds = [code for taxonomy, code in _attributes(reader, context, allowed={PHONE_TYPES}) if taxonomy == PHONE_TYPES]
    if len(kinds) > 1:
        reader.problem("attributes", _("a phone has one %(taxonomy)s term") % {"taxonomy": PHONE_TYPES})
    fax = reader.text("type").lower() == "fax"
    kind = kinds[0] if kinds else Phone.Kind.FAX if fax else Phone.Kind.MAIN
    if not number:
        return None
    return PhoneData(number=number, kind=kind, description_ko=description)


def _check_location(reader: _Reader, context: _Context) -> _LocationPlan:
    flags = {code for taxonomy, code in _attributes(reader, context, allowed={FLAGS}) if taxonomy == FLAGS}
    if OPEN_ON_HOLIDAYS in flags:
        reader.problem("attributes", _("%(code)s is a flag of services, not of locations") % {"code": OPEN_ON_HOLIDAYS})
    name_ko = reader.text("name", max_length=150)
    addresses = reader.children("addresses", "address")
    if len(addresses) > 1:
        reader.problem(
            "addresses", _("JSS keeps one address per location; this one has %(count)d") % {"count": len(addresses)}
        )
    address_ko, postal_code, region = "", "", None
    if addresses:
        address = addresses[0]
        address_ko = address.text("address_1", required=True, max_length=200)
        postal_code = address.text("postal_code", max_length=10)
        country = address.text("country")
        if country and country.upper() != COUNTRY:
            address.problem("country", _("JSS holds Korean addresses only (KR), not %(value)s") % {"value": country})
        region = _address_region(address, context)
    accessibility = reader.children("accessibility", "accessibility")
    if len(accessibility) > 1:
        reader.problem("accessibility", _("JSS keeps one accessibility note per location"))
    accessibility_ko = accessibility[0].text("description", max_length=200) if accessibility else ""
    return _LocationPlan(
        has_address=bool(addresses),
        address_ko=address_ko,
        region=region,
        is_confidential=CONFIDENTIAL in flags,
        name_ko=name_ko,
        postal_code=postal_code,
        accessibility_ko=accessibility_ko,
    )


def _address_region(reader: _Reader, context: _Context) -> Region | None:
    """The eup/myeon/dong (or city, or province) an address names; None when it names none."""
    state = reader.text("state_province")
    city = reader.text("city")
    local = reader.text("region")
    names = [name for name in (local, city, state) if name]
    if not names:
        return None
    specific, field_name = (local, "region") if local else (city, "city") if city else (state, "state_province")
    parent = next((name for name in names[1:] if name != specific), "")
    candidates = context.regions_by_name.get(specific, [])
    if parent:
        candidates = [r for r in candidates if r.parent_id and context.regions.by_pk[r.parent_id].name_ko == parent]
    if len(candidates) == 1:
        return candidates[0]
    where = " ".join(dict.fromkeys(reversed(names)))
    if not candidates:
        reader.problem(field_name, _("unknown region: %(name)s") % {"name": where})
    else:
        reader.problem(field_name, _("%(name)s names more than one region") % {"name": where})
    return None


def _check_service(reader: _Reader, organization_id: uuid.UUID | None, context: _Context) -> _ServicePlan | None:
    hsds_id = reader.identifier("id")
    owner = reader.identifier("organization_id", required=False)
    if owner is not None and organization_id is not None and owner != organization_id:
        reader.problem("organization_id", _("does not match the organization the service is listed under"))
    name_ko = reader.text("name", required=True, max_length=150)
    name_en = reader.text("alternate_name", max_length=150)
    description_ko = reader.text("description", required=True)
    status = reader.text("status", required=True)
    if status and status not in Service.Status.values:
        reader.problem("status", _("unknown status %(value)s (active, inactive, defunct, temporarily closed)")
                       % {"value": status})  # fmt: skip
    reader.email("email")  # checked, but JSS keeps e-mail and website per institution, not per service
    reader.url("url")
    eligibility_ko = reader.text("eligibility_description", max_length=300)
    minimum_age = reader.age("minimum_age")
    maximum_age = reader.age("maximum_age")
    if minimum_age is not None and maximum_age is not None and minimum_age > maximum_age:
        reader.problem("minimum_age", _("minimum age %(minimum)d is above maximum age %(maximum)d")
                       % {"minimum": minimum_age, "maximum": maximum_age})  # fmt: skip
    fee, fee_note_ko = _fee(reader)
    how_to_apply_ko = reader.text("application_process")
    areas = reader.children("service_areas", "service area")
    service_area = None
    if len(areas) != 1:
        reader.problem("service_areas", _("JSS needs exactly one service area; this service has %(count)d")
                       % {"count": len(areas)})  # fmt: skip
    else:
        service_area = _area_region(areas[0], context)
    languages = []
    for child in reader.children("languages", "language"):
        code = child.text("code", required=True).lower()  # ISO 639 codes, in any case
        term = context.terms.get((TaxonomyTerm.Vocabulary.LANGUAGE, code))
        if term is not None:
            languages.append(term)
        elif code:
            child.problem("code", _("unknown language code %(code)s") % {"code": code})
    targets, types, flags = [], [], set()
    for taxonomy, code in _attributes(reader, context, allowed={TARGETS, SERVICE_TYPES, FLAGS}):
        if taxonomy == TARGETS:
            targets.append(context.terms[(TaxonomyTerm.Vocabulary.TARGET, code)])
        elif taxonomy == SERVICE_TYPES:
            types.append(context.terms[(TaxonomyTerm.Vocabulary.SERVICE_TYPE, code)])
        elif code == CONFIDENTIAL:
            reader.problem("attributes", _("%(code)s is a flag of locations, not of services") % {"code": code})
        else:
            flags.add(code)
    hours, always_open = _check_schedules(reader)
    phones = [phone for child in reader.children("phones", "phone") if (phone := _check_phone(child, context))]
    if hsds_id is None or service_area is None or not reader.ok:
        return None
    data = ServiceData(
        name_ko=name_ko,
        name_en=name_en,
        description_ko=description_ko,
        service_area=service_area,
        status=status,
        targets=list(dict.fromkeys(targets)),
        types=list(dict.fromkeys(types)),
        languages=list(dict.fromkeys(languages)),
        eligibility_ko=eligibility_ko,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        fee=fee,
        fee_note_ko=fee_note_ko,
        how_to_apply_ko=how_to_apply_ko,
        always_open=always_open,
        open_on_holidays=OPEN_ON_HOLIDAYS in flags,
        hours=hours,
    )
    return _ServicePlan(hsds_id=hsds_id, label=reader.label, data=data, phones=phones)


def _fee(reader: _Reader) -> tuple[str, str]:
    """fees_description starts with 무료, 일부 무료 or 유료 (or Free, Free for some, Paid); what follows
    is the note."""
    text = reader.text("fees_description")
    names = sorted(((name, fee) for fee, pair in FEE_NAMES.items() for name in pair), key=lambda i: -len(i[0]))
    for name, fee in names:
        if text.lower().startswith(name.lower()):
            note = text[len(name) :].lstrip(" —–-:·,.()").strip()
            if len(note) > 200:
                reader.problem("fees_description", _("the note after the fee is longer than 200 characters"))
            return fee, note
    if not text:
        reader.problem("fees_description", _("missing: say whether the service is 무료, 일부 무료 or 유료"))
    else:
        reader.problem("fees_description", _("must begin with 무료, 일부 무료 or 유료 (Free, Free for some, Paid)"))
    return Service.Fee.FREE, ""


def _area_region(reader: _Reader, context: _Context) -> Region | None:
    uri = reader.text("uri")
    if uri:
        code = uri.removeprefix(AREA_URI_PREFIX)
        if not re.fullmatch(r"\d{10}", code):
            reader.problem("uri", _("%(value)s is not a region code (%(prefix)s and 10 digits)")
                           % {"value": uri, "prefix": AREA_URI_PREFIX})  # fmt: skip
            return None
        region = context.regions_by_code.get(code)
        if region is None:
            reader.problem("uri", _("unknown region code %(code)s") % {"code": code})
        return region
    name = reader.text("name", required=True)
    if not name:
        return None
    candidates = context.regions_by_name.get(name, [])
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        reader.problem("name", _("%(name)s names more than one region; give its code in uri") % {"name": name})
    else:
        reader.problem("name", _("unknown region: %(name)s") % {"name": name})
    return None


def _attributes(reader: _Reader, context: _Context, *, allowed: set[str]) -> list[tuple[str, str]]:
    """(taxonomy, code) of each attribute, every one checked against the JSS taxonomies."""
    result = []
    for child in reader.children("attributes", "attribute"):
        term = child.item.get("taxonomy_term")
        if isinstance(term, dict):
            term_reader = _Reader(term, child.label, child.problems)
            taxonomy = term_reader.text("taxonomy", required=True)
            code = term_reader.text("code", required=True)
        else:
            reference = child.text("taxonomy_term_id", required=True)
            if not reference:
                continue
            known = context.terms_by_id.get(_link_key(reference))
            if known is None:
                child.problem("taxonomy_term_id", _("unknown taxonomy term %(id)s") % {"id": reference})
                continue
            taxonomy, code = known
        if not taxonomy or not code:
            continue
        if taxonomy not in allowed:
            child.problem("taxonomy", _("taxonomy %(taxonomy)s is not one JSS uses here (%(allowed)s)")
                          % {"taxonomy": taxonomy, "allowed": ", ".join(sorted(allowed))})  # fmt: skip
        elif code not in context.codes(taxonomy):
            child.problem("code", _("unknown taxonomy term %(code)s in %(taxonomy)s")
                          % {"code": code, "taxonomy": taxonomy})  # fmt: skip
        else:
            result.append((taxonomy, code))
    return result


def _check_schedules(reader: _Reader) -> tuple[list[HoursData], bool]:
    """Weekly opening hours; 00:00–23:59 on all seven days means open 24 hours."""
    periods: set[tuple[int, datetime.time, datetime.time]] = set()
    for child in reader.children("schedules", "schedule"):
        freq = child.text("freq")
        if freq and freq.upper() != "WEEKLY":
            child.problem("freq", _("JSS keeps weekly opening hours only, not %(value)s") % {"value": freq})
        byday = child.text("byday", required=True)
        days = [day.strip().upper() for day in byday.split(",") if day.strip()]
        if any(day not in DAYS for day in days):
            child.problem("byday", _("%(value)s is not a list of days (MO,TU,WE,TH,FR,SA,SU)") % {"value": byday})
            days = []
        opens_at, closes_at = child.time("opens_at"), child.time("closes_at")
        if opens_at is None or closes_at is None:
            continue
        if closes_at <= opens_at:
            child.problem(
                "closes_at",
                _("closing time %(closes)s is not after opening time %(opens)s (split overnight hours in two)")
                % {"closes": f"{closes_at:%H:%M}", "opens": f"{opens_at:%H:%M}"},
            )
            continue
        periods |= {(DAYS.index(day), opens_at, closes_at) for day in days}
    if periods == {(day, DAY_START, DAY_END) for day in range(7)}:
        return [], True
    return [HoursData(weekday=d, opens_at=o, closes_at=c) for d, o, c in sorted(periods)], False


def _check_identifiers(plans: list[_OrganizationPlan], problems: list[Problem]) -> None:
    """Each id once in the file; a service id already in JSS must belong to the same organization."""
    seen: dict[uuid.UUID, str] = {}
    owner_of: dict[uuid.UUID, uuid.UUID] = {}
    for plan in plans:
        for hsds_id, label in [(plan.hsds_id, plan.label)] + [(s.hsds_id, s.label) for s in plan.services]:
            if hsds_id in seen:
                problems.append(Problem(label, "id", _("the same id is used by %(other)s") % {"other": seen[hsds_id]}))
            seen[hsds_id] = label
        owner_of |= {service.hsds_id: plan.hsds_id for service in plan.services}
    existing = Service.objects.filter(hsds_id__in=list(owner_of)).select_related("institution")
    for service in existing:
        if service.institution.hsds_id != owner_of[service.hsds_id]:
            problems.append(
                Problem(
                    seen[service.hsds_id],
                    "id",
                    _("this service belongs to %(name)s in JSS; an import cannot move services between organizations")
                    % {"name": service.institution.name_ko},
                )
            )


# --- import: saving ------------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class _RefusedError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _import(items: list[Any], *, actor: Any, problems: list[Problem]) -> ImportReport:
    context = _Context.load()
    plans = []
    for number, item in enumerate(items, start=1):
        reader = _Reader(item, _organization_label(number, item), problems)
        if reader.ok and (plan := _check_organization(reader, context)) is not None:
            plans.append(plan)
    _check_identifiers(plans, problems)
    if problems:
        return ImportReport(problems=problems)
    try:
        with transaction.atomic():
            outcomes = _save(plans, context, actor=actor)
            counts = Counter(outcomes)
            report = ImportReport(created=counts[CREATED], updated=counts[UPDATED], unchanged=counts[UNCHANGED])
            record(actor, "directory.hsds_import", None,
                   {"created": report.created, "updated": report.updated, "unchanged": report.unchanged})  # fmt: skip
    except _RefusedError as refused:
        return ImportReport(problems=[refused.problem])
    return report


def _save(plans: list[_OrganizationPlan], context: _Context, *, actor: Any) -> list[str]:
    institutions = {
        institution.hsds_id: institution
        for institution in Institution.objects.filter(hsds_id__in=[plan.hsds_id for plan in plans])
        .select_related("region", "station")
        .prefetch_related("locations")
    }
    services = {
        service.hsds_id: service
        for service in Service.objects.filter(hsds_id__in=[s.hsds_id for plan in plans for s in plan.services])
        .select_related("service_area", "referral_contact")
        .prefetch_related("targets", "types", "languages", "hours", "phones")
    }
    outcomes = []
    for plan in plans:
        try:
            institution, outcome = _save_organization(plan, institutions.get(plan.hsds_id), context, actor=actor)
        except DirectoryError as error:
            raise _RefusedError(Problem(plan.label, "", str(error))) from error
        outcomes.append(outcome)
        for service_plan in plan.services:
            try:
                outcomes.append(_save_service(service_plan, institution, services.get(service_plan.hsds_id), actor))
            except DirectoryError as error:
                raise _RefusedError(Problem(service_plan.label, "", str(error))) from error
    return outcomes


def _save_organization(
    plan: _OrganizationPlan, institution: Institution | None, context: _Context, *, actor: Any
) -> tuple[Institution, str]:
    location = institution.locations.all()[0] if institution and institution.locations.all() else None
    fallback = location.region if location else plan.region_hint or context.province
    if fallback is None:
        raise DirectoryError(_("JSS has no regions yet: load the regions before importing"))
    if institution is None:
        institution, _changed = upsert_institution(
            InstitutionData(
                key=_new_key(plan.hsds_id),
                name_ko=plan.name_ko,
                name_en=plan.name_en,
                category=Institution.Category.OTHER,
                region=plan.region_hint or fallback,
                station=None,
                email=plan.email,
                status=Institution.Status.ACTIVE,
                member_since=timezone.localdate(),
                hosts_secretariat=False,
                is_sample=False,
            ),
            actor=actor,
        )
        # No service sets an institution's HSDS id: the import keeps the one of the file.
        Institution.objects.filter(pk=institution.pk).update(hsds_id=plan.hsds_id)
        institution.hsds_id = plan.hsds_id
        outcome = CREATED
    else:
        institution, changed = upsert_institution(
            InstitutionData(
                key=institution.key,
                name_ko=plan.name_ko,
                name_en=plan.name_en,
                category=institution.category,
                region=institution.region,
                station=institution.station,
                email=plan.email,
                status=institution.status,
                member_since=institution.member_since,
                hosts_secretariat=institution.hosts_secretariat,
                is_sample=institution.is_sample,
            ),
            actor=actor,
        )
        outcome = UPDATED if changed else UNCHANGED
    wanted = plan.location
    if wanted.has_address:
        address_ko, region = wanted.address_ko, wanted.region or fallback
    elif wanted.is_confidential and location is not None:
        address_ko, region = location.address_ko, location.region  # the file cannot carry it: keep it
    else:
        address_ko, region = "", (location.region if location is not None else institution.region)
    kinds = sorted(str(kind) for kind in PHONE_KIND_NAMES)  # the order update_entry lists phones in
    phones = sorted(plan.phones, key=lambda phone: kinds.index(phone.kind))  # stable: file order per kind
    entry_changed = update_entry(
        institution,
        data=EntryData(
            description_ko=plan.description_ko,
            description_en=institution.description_en,
            email=plan.email,
            website=plan.website,
            address_ko=address_ko,
            location_region=region,
            is_confidential=wanted.is_confidential,
            phones=phones,
        ),
        actor=actor,
        kind=EntryChange.Kind.IMPORTED,
    )
    details_changed = _save_location_details(institution, wanted, actor=actor)
    if outcome == UNCHANGED and (entry_changed or details_changed):
        outcome = UPDATED
    return institution, outcome


def _new_key(hsds_id: uuid.UUID) -> str:
    key = f"hsds-{hsds_id.hex[:8]}"
    return key if not Institution.objects.filter(key=key).exists() else f"hsds-{hsds_id.hex}"


def _save_location_details(institution: Institution, wanted: _LocationPlan, *, actor: Any) -> bool:
    """The location's name, postal code and accessibility note, which update_entry does not take.
    A confidential location's are not in the file, so they are kept."""
    location = institution.locations.order_by("pk").first()
    if location is None or wanted.is_confidential:
        return False
    values = {"name_ko": wanted.name_ko, "postal_code": wanted.postal_code, "accessibility_ko": wanted.accessibility_ko}
    changes = {
        name: [getattr(location, name), value] for name, value in values.items() if getattr(location, name) != value
    }
    if not changes:
        return False
    Location.objects.filter(pk=location.pk).update(**values)
    _note_import(institution, None, institution.name_ko, changes, actor=actor)
    return True


def _save_service(plan: _ServicePlan, institution: Institution, service: Service | None, actor: Any) -> str:
    data = replace(
        plan.data,
        description_en=service.description_en if service else "",
        eligibility_en=service.eligibility_en if service else "",
        how_to_apply_en=service.how_to_apply_en if service else "",
        referral_contact=service.referral_contact if service else None,
    )
    if service is None:
        service = save_service(institution=institution, data=data, actor=actor, kind=EntryChange.Kind.IMPORTED)
        # No service sets a service's HSDS id: the import keeps the one of the file.
        Service.objects.filter(pk=service.pk).update(hsds_id=plan.hsds_id)
        service.hsds_id = plan.hsds_id
        _save_service_phones(service, plan.phones, actor=actor)
        return CREATED
    changed = False
    if _service_differs(service, data):
        save_service(institution=institution, data=data, actor=actor, service=service, kind=EntryChange.Kind.IMPORTED)
        changed = True
    if _save_service_phones(service, plan.phones, actor=actor):
        changed = True
    return UPDATED if changed else UNCHANGED


def _service_differs(service: Service, data: ServiceData) -> bool:
    def value(item: Any) -> Any:
        return item.pk if isinstance(item, models.Model) else item

    if any(value(getattr(service, name)) != value(getattr(data, name)) for name in SCALAR_FIELDS):
        return True
    for name in TERM_FIELDS:
        if {term.pk for term in getattr(service, name).all()} != {term.pk for term in getattr(data, name)}:
            return True
    current = sorted((h.weekday, h.opens_at, h.closes_at) for h in service.hours.all())
    return current != sorted((h.weekday, h.opens_at, h.closes_at) for h in data.hours)


def _save_service_phones(service: Service, phones: list[PhoneData], *, actor: Any) -> bool:
    """A service's own phones, which save_service does not take. Returns whether they changed."""

    def described(items: list[Any]) -> list[str]:
        return sorted(f"{item.kind}:{item.number}:{item.description_ko}" for item in items)

    before = described(list(service.phones.all()))
    after = described(phones)
    if before == after:
        return False
    service.phones.all().delete()
    kinds = sorted(str(kind) for kind in PHONE_KIND_NAMES)
    Phone.objects.bulk_create(
        [Phone(institution_id=service.institution_id, service=service, number=phone.number, kind=phone.kind,
               description_ko=phone.description_ko)
         for phone in sorted(phones, key=lambda phone: kinds.index(phone.kind))]
    )  # fmt: skip
    _note_import(service.institution, service, service.name_ko, {"phones": [before, after]}, actor=actor)
    return True


def _note_import(
    institution: Institution, service: Service | None, subject: str, changes: dict[str, Any], *, actor: Any
) -> None:
    """Record a change the import makes outside the directory services, as they record theirs."""
    user = actor if isinstance(actor, User) else None
    EntryChange.objects.create(institution=institution, service=service, subject=subject,
                               kind=EntryChange.Kind.IMPORTED, changes=changes, changed_by=user)  # fmt: skip
    record(user, f"directory.entry_{EntryChange.Kind.IMPORTED}", service or institution, {"fields": sorted(changes)})
