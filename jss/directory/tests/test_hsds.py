"""HSDS 3.0 exchange: the export is valid HSDS, public-safe, and survives export → import → export."""

from __future__ import annotations

import copy
import csv
import datetime
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # no stubs in the lock yet

from jss.accounts.models import Membership, User
from jss.directory.hsds import COLUMNS, export_csv_zip, export_json, import_csv_zip, import_json
from jss.directory.models import EntryChange, Location, Phone, Service
from jss.directory.services import EntryData, HoursData, PhoneData, terms, update_entry
from jss.directory.tests.conftest import region, service
from jss.institutions.models import Institution
from tests.factories import PASSWORD, make_institution

SCHEMA = Path(__file__).parent / "data" / "hsds_service_compiled.json"
SECRET_ADDRESS = "제주시 비밀길 7"  # the shelter's real address: stored, never published


@pytest.fixture(autouse=True)
def english():
    """Problem messages are translated; these tests read the English ones."""
    with translation.override("en"):
        yield


@pytest.fixture
def steward(jeju) -> User:
    """Whoever runs the import in these tests; works for no institution, so the directory can be emptied."""
    return User.objects.create_user(username="data-steward", password=PASSWORD, full_name="자료관리자")


@pytest.fixture
def hsds_directory(directory, applicant):
    """The directory fixture, with a full entry for 제주아동보호전문기관 (website, hotline and fax, address,
    a service with Saturday hours, ages, a fee note and its own phone), the shelter's real address kept
    confidential, and an applicant that is not yet a member."""
    child = directory["child"]
    update_entry(
        child,
        data=EntryData(
            description_ko="아동학대 신고 접수와 피해아동 지원",
            description_en="Reports of child abuse and support for children",
            email="child@example.kr",
            website="https://child.example.kr",
            address_ko="제주특별자치도 제주시 도령로 65",
            location_region=region("5011054000"),
            is_confidential=False,
            phones=[
                PhoneData("064-000-1301"),
                PhoneData("1577-1391", kind=Phone.Kind.HOTLINE, description_ko="야간·휴일"),
                PhoneData("064-000-1309", kind=Phone.Kind.FAX),
            ],
        ),
        actor=None,
    )
    medical = service(
        child,
        "피해아동 의료 연계",
        name_en="Medical referral",
        service_area=region("5011000000"),
        targets=terms("target", ["children"]),
        types=terms("service_type", ["medical", "case_management"]),
        languages=terms("language", ["ko", "en"]),
        eligibility_ko="학대 피해가 의심되는 아동",
        minimum_age=0,
        maximum_age=18,
        fee=Service.Fee.PARTLY_FREE,
        fee_note_ko="검사비 일부 본인 부담",
        how_to_apply_ko="전화로 먼저 상담",
        hours=[HoursData(d, datetime.time(9), datetime.time(18)) for d in range(5)]
        + [HoursData(5, datetime.time(9), datetime.time(13))],
    )
    Phone.objects.create(institution=child, service=medical, number="064-000-1310", kind=Phone.Kind.MAIN)
    shelter = directory["shelter"]
    update_entry(
        shelter,
        data=EntryData(
            description_ko="",
            description_en="",
            email="shelter@example.kr",
            website="",
            address_ko=SECRET_ADDRESS,
            location_region=region("5011054000"),
            is_confidential=True,
            phones=[PhoneData("064-000-1801")],
        ),
        actor=None,
    )
    return {**directory, "medical": medical}


def strict(schema: Any) -> Any:
    """The schema with unknown fields forbidden everywhere, as the HSDS specification's CI checks."""
    if isinstance(schema, dict):
        result = {key: strict(value) for key, value in schema.items()}
        if "properties" in result:
            result["additionalProperties"] = False
        return result
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    return schema


def nested_services(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each service as HSDS's service view: the service with its organization inlined."""
    result = []
    for organization in document["contents"]:
        without_services = {key: value for key, value in organization.items() if key != "services"}
        result += [{**item, "organization": without_services} for item in organization["services"]]
    return result


def organization(document: dict[str, Any], name: str) -> tuple[int, dict[str, Any]]:
    """(its number in the file, counting from 1; the organization)."""
    return next((n, o) for n, o in enumerate(document["contents"], start=1) if o["name"] == name)


def service_of(org: dict[str, Any], name: str) -> tuple[int, dict[str, Any]]:
    return next((n, s) for n, s in enumerate(org["services"], start=1) if s["name"] == name)


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "generated_at"}


def as_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def csv_text(archive: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        return "\n".join(files.read(name).decode("utf-8-sig") for name in files.namelist())


def empty_the_directory() -> None:
    Membership.objects.all().delete()
    Institution.objects.all().delete()
    assert not Service.objects.exists()
    assert not Location.objects.exists()
    assert not Phone.objects.exists()


# --- export --------------------------------------------------------------------------------------


def test_every_exported_service_is_valid_hsds_3(hsds_directory):
    validator = Draft202012Validator(
        strict(json.loads(SCHEMA.read_text(encoding="utf-8"))), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    services = nested_services(export_json())
    assert len(services) == 5
    for item in services:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(item)]
        assert not errors, (item["name"], errors)
    # The strict schema does refuse what HSDS does not have, so the check above means something.
    assert list(validator.iter_errors({**services[0], "staff": []}))
    assert list(validator.iter_errors({**services[0], "status": "open"}))


def test_export_is_one_page_of_the_active_members(hsds_directory):
    document = export_json()
    names = {o["name"] for o in document["contents"]}
    assert names == {"제주아동보호전문기관", "여성긴급전화1366 제주센터", "서귀포노인보호전문기관", "제주여성쉼터"}
    assert "새빛쉼터" not in names  # an applicant is not a member yet
    assert document["version"] == "3.0"
    assert (document["total_items"], document["size"], document["total_pages"], document["last_page"]) == (
        4,
        4,
        1,
        True,
    )
    _n, child = organization(document, "제주아동보호전문기관")
    assert child["id"] == str(hsds_directory["child"].hsds_id)
    assert child["alternate_name"] == "Child Protection"
    assert child["website"] == "https://child.example.kr"
    assert [(p["number"], p["type"], p["attributes"][0]["taxonomy_term"]["code"]) for p in child["phones"]] == [
        ("064-000-1301", "voice", "main"),
        ("1577-1391", "voice", "hotline"),
        ("064-000-1309", "fax", "fax"),
    ]
    [address] = child["locations"][0]["addresses"]
    assert (
        address["address_1"],
        address["region"],
        address["city"],
        address["state_province"],
        address["country"],
    ) == ("제주특별자치도 제주시 도령로 65", "이도2동", "제주시", "제주특별자치도", "KR")


def test_services_carry_hours_areas_languages_and_taxonomy_terms(hsds_directory):
    document = export_json()
    _n, child = organization(document, "제주아동보호전문기관")
    _n, medical = service_of(child, "피해아동 의료 연계")
    assert medical["id"] == str(hsds_directory["medical"].hsds_id)
    assert [(s["byday"], s["opens_at"], s["closes_at"], s["freq"]) for s in medical["schedules"]] == [
        ("MO,TU,WE,TH,FR", "09:00+09:00", "18:00+09:00", "WEEKLY"),
        ("SA", "09:00+09:00", "13:00+09:00", "WEEKLY"),
    ]
    assert medical["service_areas"][0]["uri"] == "urn:x-kr-adm:5011000000"
    assert medical["service_areas"][0]["name"] == "제주시"
    assert [(lang["code"], lang["name"]) for lang in medical["languages"]] == [("ko", "한국어"), ("en", "영어")]
    assert [(a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]) for a in medical["attributes"]] == [
        ("jss-target", "children"),
        ("jss-service-type", "medical"),
        ("jss-service-type", "case_management"),
    ]
    assert (medical["minimum_age"], medical["maximum_age"]) == (0, 18)
    assert medical["fees_description"] == "일부 무료: 검사비 일부 본인 부담"
    assert [p["number"] for p in medical["phones"]] == ["064-000-1310"]
    _n, hotline = organization(document, "여성긴급전화1366 제주센터")
    [always] = hotline["services"]
    [schedule] = always["schedules"]
    assert (schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "MO,TU,WE,TH,FR,SA,SU",
        "00:00+09:00",
        "23:59+09:00",
    )
    assert ("jss-flag", "open_on_public_holidays") in [
        (a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]) for a in always["attributes"]
    ]
    # Terms have the same id wherever they appear (and in every JSS installation).
    ids = {
        a["taxonomy_term"]["code"]: a["taxonomy_term"]["id"] for s in nested_services(document) for a in s["attributes"]
    }
    assert ids["women"] == next(
        a["taxonomy_term"]["id"] for a in always["attributes"] if a["taxonomy_term"]["code"] == "women"
    )


def test_a_confidential_address_is_never_exported(hsds_directory):
    assert Location.objects.get(institution=hsds_directory["shelter"]).address_ko == SECRET_ADDRESS
    document = export_json()
    text = json.dumps(document, ensure_ascii=False)
    assert "도령로 65" in text  # a public address is exported …
    assert "비밀길" not in text  # … a confidential one is not
    assert "비밀길" not in csv_text(export_csv_zip())
    _n, shelter = organization(document, "제주여성쉼터")
    [location] = shelter["locations"]
    assert location["addresses"] == []
    assert [a["taxonomy_term"]["code"] for a in location["attributes"]] == ["confidential_address"]


def test_staff_and_jss_referral_contacts_are_never_exported(hsds_directory, social_worker):
    referred = Service.objects.get(name_ko="아동학대 피해아동 상담")
    assert referred.referral_contact is not None
    secrets = ["양수진", social_worker.username, social_worker.email, "064-000-7001"]
    text = json.dumps(export_json(), ensure_ascii=False)
    tables = csv_text(export_csv_zip())
    assert [s for s in secrets if s in text or s in tables] == []


def test_the_csv_zip_has_the_hsds_files_with_a_bom_for_excel(hsds_directory):
    with zipfile.ZipFile(io.BytesIO(export_csv_zip())) as files:
        assert set(files.namelist()) == {*COLUMNS, "datapackage.json"}
        for name, columns in COLUMNS.items():
            raw = files.read(name)
            assert raw.startswith(b"\xef\xbb\xbf"), name
            assert next(csv.reader(io.StringIO(raw.decode("utf-8-sig")))) == columns
        services = list(csv.DictReader(io.StringIO(files.read("services.csv").decode("utf-8-sig"))))
        package = json.loads(files.read("datapackage.json"))
    assert len(services) == 5
    child = str(hsds_directory["child"].hsds_id)
    assert {row["name"] for row in services if row["organization_id"] == child} == {
        "아동학대 피해아동 상담",
        "피해아동 의료 연계",
    }
    assert {resource["path"] for resource in package["resources"]} == set(COLUMNS)


def test_export_query_count_does_not_grow_with_the_directory(hsds_directory):
    with CaptureQueriesContext(connection) as small:
        export_json()
    more = make_institution("more-centre", "추가센터")
    for number in range(3):
        service(more, f"추가 서비스 {number}")
    with CaptureQueriesContext(connection) as large:
        export_json()
    assert len(large) == len(small) <= 12


# --- import: round trip --------------------------------------------------------------------------


def test_json_export_imported_into_an_empty_directory_exports_the_same(hsds_directory, steward):
    first = export_json()
    empty_the_directory()
    report = import_json(as_bytes(first), actor=steward)
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (9, 0, 0)  # 4 organizations, 5 services
    assert without_time(export_json()) == without_time(first)
    child = Institution.objects.get(hsds_id=hsds_directory["child"].hsds_id)
    assert child.key == f"hsds-{child.hsds_id.hex[:8]}"
    assert (child.status, child.member_since) == (Institution.Status.ACTIVE, timezone.localdate())
    assert child.region.code == "5011054000"  # from its address
    shelter = Institution.objects.get(hsds_id=hsds_directory["shelter"].hsds_id)
    assert shelter.region.code == "5000000000"  # no address in the file: its service's area, the province
    location = shelter.locations.get()
    assert (location.is_confidential, location.address_ko) == (True, "")
    assert EntryChange.objects.filter(kind=EntryChange.Kind.IMPORTED, changed_by=steward).exists()


def test_csv_export_imported_into_an_empty_directory_exports_the_same(hsds_directory, steward):
    first = export_json()
    archive = export_csv_zip()
    empty_the_directory()
    report = import_csv_zip(archive, actor=steward)
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (9, 0, 0)
    assert without_time(export_json()) == without_time(first)


def test_importing_the_export_again_changes_nothing(hsds_directory, steward):
    changes = EntryChange.objects.count()
    updated_at = {s.pk: s.updated_at for s in Service.objects.all()}
    for report in (
        import_json(as_bytes(export_json()), actor=steward),
        import_csv_zip(export_csv_zip(), actor=steward),
    ):
        assert report.ok, report.problems
        assert (report.created, report.updated, report.unchanged) == (0, 0, 9)
    assert EntryChange.objects.count() == changes
    assert {s.pk: s.updated_at for s in Service.objects.all()} == updated_at
    # What HSDS does not carry stays as it was: the shelter's address, English texts, the JSS contact.
    assert Location.objects.get(institution=hsds_directory["shelter"]).address_ko == SECRET_ADDRESS
    child = Institution.objects.get(pk=hsds_directory["child"].pk)
    assert child.description_en == "Reports of child abuse and support for children"
    assert Service.objects.get(name_ko="아동학대 피해아동 상담").referral_contact is not None


def test_a_changed_record_is_updated_by_its_id_and_recorded(hsds_directory, steward):
    document = export_json()
    _n, child = organization(document, "제주아동보호전문기관")
    _n, medical = service_of(child, "피해아동 의료 연계")
    medical["name"] = "피해아동 의료 지원"
    medical["schedules"][1]["closes_at"] = "14:00+09:00"
    report = import_json(as_bytes(document), actor=steward)
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (0, 1, 8)
    changed = Service.objects.get(pk=hsds_directory["medical"].pk)
    assert changed.name_ko == "피해아동 의료 지원"
    assert changed.hours.get(weekday=5).closes_at == datetime.time(14)
    change = EntryChange.objects.filter(service=changed, kind=EntryChange.Kind.IMPORTED).get()
    assert change.changed_by == steward
    assert {"name_ko", "hours"} <= set(change.changes)


# --- import: bad input ---------------------------------------------------------------------------


def test_a_file_with_bad_records_is_refused_whole_naming_each_problem(hsds_directory, steward):
    document = export_json()
    number, child = organization(document, "제주아동보호전문기관")
    child["email"] = "child-at-example"
    service_number, medical = service_of(child, "피해아동 의료 연계")
    medical["attributes"][0]["taxonomy_term"]["code"] = "aliens"
    medical["schedules"][0]["closes_at"] = "08:00+09:00"
    medical["service_areas"][0]["uri"] = "urn:x-kr-adm:5099999999"
    medical["phones"][0]["number"] = "12345"
    newcomer = copy.deepcopy(child) | {"id": "0b4e7c1e-3c55-4d5e-9a2b-3a3f5e1d2c11", "name": "새 기관", "services": []}
    document["contents"].append(newcomer)
    changes = EntryChange.objects.count()

    report = import_json(as_bytes(document), actor=steward)

    assert not report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    where = f"organization {number} (제주아동보호전문기관)"
    in_service = f"{where}, service {service_number} (피해아동 의료 연계)"
    found = {(p.record, p.field): p.message for p in report.problems}
    assert found[(where, "email")] == "child-at-example is not an e-mail address"
    assert found[(f"{in_service}, attribute 1", "code")] == "unknown taxonomy term aliens in jss-target"
    assert found[(f"{in_service}, schedule 1", "closes_at")].startswith(
        "closing time 08:00 is not after opening time 09:00"
    )
    assert found[(f"{in_service}, service area 1 (제주시)", "uri")] == "unknown region code 5099999999"
    assert found[(f"{in_service}, phone 1", "number")].startswith("12345 is not a Korean telephone number")
    assert len(report.problems) == 6  # the newcomer repeats the bad e-mail; nothing else is reported
    # Nothing was saved, not even the good new organization.
    assert not Institution.objects.filter(name_ko="새 기관").exists()
    assert Institution.objects.get(pk=hsds_directory["child"].pk).email == "child@example.kr"
    assert EntryChange.objects.count() == changes


def test_missing_fields_and_duplicate_ids_are_named(hsds_directory, steward):
    document = export_json()
    number, child = organization(document, "제주아동보호전문기관")
    _n, medical = service_of(child, "피해아동 의료 연계")
    del medical["status"]
    del medical["fees_description"]
    medical["minimum_age"] = 20
    child["services"][0]["id"] = child["services"][1]["id"]
    report = import_json(as_bytes(document), actor=steward)
    fields = {p.field for p in report.problems if p.record.startswith(f"organization {number} (")}
    assert {"status", "fees_description", "minimum_age", "id"} <= fields
    assert all(p.message for p in report.problems)


def test_csv_problems_name_the_file_and_row(hsds_directory, steward):
    archive = export_csv_zip()
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        contents = {name: files.read(name) for name in files.namelist()}
    schedules = list(csv.DictReader(io.StringIO(contents["schedules.csv"].decode("utf-8-sig"))))
    schedules[0]["closes_at"] = "00:30+09:00"
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS["schedules.csv"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(schedules)
    contents["schedules.csv"] = text.getvalue().encode("cp949")  # as Korean Excel saves it
    contents["services.csv"] += b"not-a-uuid,7d1f0000-0000-4000-8000-000000000000\r\n"
    edited = io.BytesIO()
    with zipfile.ZipFile(edited, "w") as files:
        for name, data in contents.items():
            files.writestr(name, data)

    report = import_csv_zip(edited.getvalue(), actor=steward)

    found = {(p.record, p.field): p.message for p in report.problems}
    assert found[("schedules.csv row 2", "closes_at")].startswith("closing time 00:30 is not after opening time")
    assert found[("services.csv row 7", "organization_id")] == "no row with this id in organizations.csv"
    assert Service.objects.count() == 5


@pytest.mark.parametrize(
    ("reader", "data", "message"),
    [
        (import_json, b'{"name": "jss", "dependencies": {"django": "5.2"}}', "not an HSDS 3.0 organization list"),
        (import_json, b"[1, 2, 3]", "not an HSDS 3.0 organization list"),
        (import_json, b"\x89PNG\r\n\x1a\n\x00\x00", "not JSON"),
        (import_json, b'{"contents": [], "version": "2.0.1"}', "JSS reads HSDS 3.0"),
        (import_csv_zip, b"id,name\n1,x\n", "not a zip archive"),
        (import_csv_zip, b"", "not a zip archive"),
    ],
)
def test_a_file_that_is_not_hsds_gets_one_clear_message(jeju, steward, reader, data, message):
    report = reader(data, actor=steward)
    assert len(report.problems) == 1
    assert message in report.problems[0].message
    assert (report.problems[0].record, report.problems[0].field) == ("file", "")
    assert not Institution.objects.exists()


def test_a_zip_without_organizations_is_not_an_hsds_package(jeju, steward):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as files:
        files.writestr("readme.txt", "hello")
    report = import_csv_zip(archive.getvalue(), actor=steward)
    assert [p.message for p in report.problems] == [
        "This zip archive is not an HSDS CSV package: it has no organizations.csv."
    ]


def test_an_organization_that_is_not_an_object_is_a_problem_not_a_crash(jeju, steward):
    report = import_json(b'{"contents": ["hello", {"id": 5, "name": ["x"]}]}', actor=steward)
    assert [(p.record, p.field) for p in report.problems] == [
        ("organization 1", ""),
        ("organization 2", "id"),
        ("organization 2", "name"),
        ("organization 2", "description"),
    ]


def test_a_new_service_gets_the_files_id_and_the_import_records_who(hsds_directory, steward):
    document = export_json()
    _n, elder = organization(document, "서귀포노인보호전문기관")
    added = copy.deepcopy(elder["services"][0]) | {
        "id": "5b0e9d1a-7f43-4c8e-b1f2-0c6d8e9a1b23",
        "name": "노인 법률 상담",
    }
    added["schedules"] = []
    elder["services"].append(added)
    report = import_json(as_bytes(document), actor=steward)
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (1, 0, 9)
    created = Service.objects.get(hsds_id="5b0e9d1a-7f43-4c8e-b1f2-0c6d8e9a1b23")
    assert (created.institution, created.name_ko, created.hours.count()) == (
        hsds_directory["elder"],
        "노인 법률 상담",
        0,
    )
    assert EntryChange.objects.filter(service=created, kind=EntryChange.Kind.IMPORTED, changed_by=steward).exists()


@pytest.mark.parametrize(
    ("opens_at", "closes_at", "problem"),
    [
        ("10:00", "12:00", None),  # no offset: Korea time
        ("10:00+0900", "24:00", None),  # 24:00 is read as 23:59
        ("10:00Z", "12:00", "10:00Z is not in Korea time (+09:00)"),
        ("10:00", "9 pm", "9 pm is not a time (HH:MM, Korea time)"),
        ("10:00", "09:59", "closing time 09:59 is not after opening time 10:00 (split overnight hours in two)"),
    ],
)
def test_opening_times_are_korea_time(hsds_directory, steward, opens_at, closes_at, problem):
    document = export_json()
    _n, elder = organization(document, "서귀포노인보호전문기관")
    elder["services"][0]["schedules"].append({"byday": "SU", "opens_at": opens_at, "closes_at": closes_at})
    report = import_json(as_bytes(document), actor=steward)
    assert [p.message for p in report.problems] == ([problem] if problem else [])
    if problem is None:
        assert report.updated == 1
