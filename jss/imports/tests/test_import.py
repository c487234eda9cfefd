"""import_rows: valid rows saved in one transaction, the rest reported, re-imports change nothing."""

import datetime
import json

import pytest
from django.db import connection

from jss.audit.models import AccessEvent
from jss.imports import services
from jss.imports.reader import read_table
from jss.imports.tests.sheets import NOW, csv_text, kst, row, table_rows, xlsx_bytes
from jss.incidents.models import INCIDENT_FIELDS, Incident, Party
from jss.incidents.services import IncidentData, PartyData, record_incident
from jss.people.matching import Identity
from jss.people.models import Person, Relationship

GOOD = [
    row(),
    row(source_reference="2026-0002", reported_at="2026-04-10 오후 11:05", occurred_at="", domain="스토킹",
        victim_name="사아자", victim_birth="1995", victim_phone="010-0000-0003", suspect_name="불상", suspect_birth="",
        suspect_sex="", suspect_phone="", relationship="", police_measures=""),
]  # fmt: skip


def import_bytes(data, institution, actor, **options):
    return services.import_rows(
        read_table(data), institution=institution, actor=actor, source_default="112", now=NOW, **options
    )


def counts():
    return (Incident.objects.count(), Person.objects.count(), Party.objects.count(), Relationship.objects.count())


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda rows: csv_text(rows).encode("utf-8"), id="utf-8"),
        pytest.param(lambda rows: csv_text(rows).encode("utf-8-sig"), id="utf-8 with BOM"),
        pytest.param(lambda rows: csv_text(rows).encode("cp949"), id="cp949"),
        pytest.param(lambda rows: xlsx_bytes(table_rows(rows)), id="xlsx"),
    ],
)
def test_every_kind_of_file_imports(encode, dongbu_station, officer):
    result = import_bytes(encode(GOOD), dongbu_station, officer)
    assert (result.created, result.unchanged, result.skipped) == (2, 0, [])
    first = Incident.objects.get(source_reference="2026-0001")
    assert first.region is not None
    assert (first.domain, first.source, first.region.name_ko) == ("domestic_violence", "112", "일도2동")
    assert first.reported_at == kst(2026, 3, 5, 14, 22)
    assert first.police_measures == ["emergency_measures", "booked"]
    assert (first.injury, first.alcohol, first.weapon) == (True, True, False)
    assert first.narrative == "시험용 가상 사례"
    assert first.created_by == officer
    assert first.reporting_institution == dongbu_station
    roles = {party.role: party.person for party in first.parties.select_related("person")}
    assert roles["victim"].full_name == "가나다"
    assert roles["victim"].phone == "010-0000-0001"
    assert roles["suspect"].birth_year == 1988
    assert roles["suspect"].sex == "M"
    assert Relationship.objects.filter(kind="spouse").count() == 1
    stalking = Incident.objects.get(source_reference="2026-0002")
    assert [party.role for party in stalking.parties.all()] == ["victim"]  # 불상: no suspect recorded
    assert stalking.occurred_at == stalking.reported_at


def test_bad_rows_are_reported_by_row_and_column_and_the_good_rows_import(dongbu_station, officer):
    rows = [
        row(),
        row(source_reference="2", reported_at="2026.02.30 10:00", occurred_at=""),
        row(source_reference="3", domain="층간소음"),
        row(source_reference="4", victim_name="", victim_birth="", victim_sex="", victim_phone=""),
        row(source_reference="5", reported_at="2026.03.05 09:00", occurred_at="2026.03.05 13:50"),
        row(source_reference="6", victim_name="다른사람", victim_phone="010-0000-0006"),
    ]
    result = import_bytes(csv_text(rows).encode("cp949"), dongbu_station, officer)
    assert result.created == 2
    assert [(p.row, p.column) for p in result.skipped] == [
        (3, "접수일시"),
        (4, "유형"),
        (5, "피해자 이름"),
        (6, "접수일시"),
    ]
    assert result.skipped_rows == 4
    assert set(Incident.objects.values_list("source_reference", flat=True)) == {"2026-0001", "6"}


def test_importing_the_same_file_again_changes_nothing(dongbu_station, officer):
    data = csv_text([*GOOD, row(source_reference="bad", domain="?")]).encode("cp949")
    first = import_bytes(data, dongbu_station, officer)
    before = counts()
    again = import_bytes(data, dongbu_station, officer)
    assert (first.created, first.unchanged, first.skipped_rows) == (2, 0, 1)
    assert (again.created, again.unchanged, again.skipped_rows) == (0, 2, 1)
    assert counts() == before


def test_the_same_reference_at_another_institution_is_a_different_incident(dongbu_station, child_protection, officer):
    data = csv_text(GOOD).encode()
    import_bytes(data, dongbu_station, officer)
    result = import_bytes(data, child_protection, None)
    assert result.created == 2
    assert Incident.objects.count() == 4


def test_a_file_problem_imports_nothing(dongbu_station, officer):
    lines = table_rows(GOOD)
    lines[0][0] = "번호"  # no 신고번호 column
    result = import_bytes(xlsx_bytes(lines), dongbu_station, officer)
    assert result.created == 0
    assert (result.skipped[0].row, result.skipped[0].column) == (1, "신고번호")
    assert "missing" in result.skipped[0].message
    assert Incident.objects.count() == 0


def existing_person(institution, **identity) -> Person:
    incident = record_incident(
        IncidentData(
            domain="domestic_violence",
            occurred_at=kst(2025, 1, 1, 10),
            reported_at=kst(2025, 1, 1, 11),
            source="112",
            reporting_institution=institution,
            region=None,
            parties=[PartyData(role="victim", identity=Identity(**identity))],
        ),
        actor=None,
    )
    return incident.parties.get().person


def victim_of(reference: str) -> Person:
    return Party.objects.get(incident__source_reference=reference, role="victim").person


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "bulk"])
def test_who_is_taken_to_be_the_same_person(bulk, dongbu_station, child_protection, officer):
    same_phone = existing_person(child_protection, family_name="가", given_name="나다", phone="010-0000-0001")
    same_birth_only = existing_person(
        child_protection, family_name="사", given_name="아자", birth_date=datetime.date(1995, 5, 5)
    )
    rows = [
        row(),  # 가나다 with the same phone: the existing person
        row(source_reference="2", victim_name="사아자", victim_birth="1995.05.05", victim_phone="010-0000-0005"),
        row(source_reference="3", victim_name="사아자", victim_birth="1995.05.05", victim_phone="010-0000-0005"),
        row(source_reference="4", victim_name="가나다", victim_birth="1990.01.01", victim_phone="010-0000-0099"),
    ]
    import_bytes(csv_text(rows).encode(), dongbu_station, officer, bulk=bulk)
    assert victim_of("2026-0001") == same_phone  # name and phone: the same person
    assert victim_of("2") != same_birth_only  # name and birth date alone score 0.85: a new person ...
    assert victim_of("3") == victim_of("2")  # ... whom the next row of the same file finds by phone
    assert victim_of("4") not in (same_phone, victim_of("2"))  # another phone and no earlier birth date
    suspects = set(Party.objects.filter(role="suspect").values_list("person", flat=True))
    assert len(suspects) == 1  # 라마바 with the same phone in every row


def test_a_registration_number_finds_the_person_and_is_stored_encrypted(dongbu_station, officer):
    rows = [
        row(victim_birth="900101-2345678", victim_phone=""),
        row(source_reference="2", victim_name="가 나다", victim_birth="9001012345678", victim_phone=""),
    ]
    import_bytes(csv_text(rows).encode(), dongbu_station, officer)
    person = victim_of("2026-0001")
    assert victim_of("2") == person
    assert (person.identifier, person.birth_date, person.sex) == ("900101-2345678", datetime.date(1990, 1, 1), "F")
    with connection.cursor() as cursor:
        cursor.execute("SELECT identifier FROM people_person WHERE id = %s", [person.pk])
        stored = cursor.fetchone()[0]
    assert "2345678" not in stored


def snapshot():
    """Incidents with their parties, persons named by order of first appearance (ids differ between runs)."""
    names: dict[int, int] = {}
    incidents = []
    for incident in Incident.objects.exclude(source_reference="").order_by("source_reference"):
        parties = []
        for party in incident.parties.order_by("role").select_related("person"):
            person = party.person
            names.setdefault(person.pk, len(names))
            parties.append(
                (party.role, names[person.pk], person.full_name, person.birth_date, person.birth_year, person.sex,
                 person.phone, person.identifier, person.name_index, person.phone_index, person.surname_year_index,
                 person.identifier_index, person.recorded_by_id, person.nationality, person.is_migrant)
            )  # fmt: skip
        values = [getattr(incident, name) for name in INCIDENT_FIELDS]
        incidents.append((values, incident.created_by_id, parties))
    relationships = sorted(
        (kind, names[first], names[second])
        for first, second, kind in Relationship.objects.values_list("person", "other", "kind")
        if first in names and second in names
    )
    return incidents, relationships


def test_bulk_and_row_by_row_give_the_same_result(dongbu_station, child_protection, officer):
    existing_person(child_protection, family_name="라", given_name="마바", phone="010-0000-0002")
    rows = [row(source_reference=f"R-{n:02d}", victim_phone=f"010-0000-{n % 4:04d}", victim_birth=f"19{80 + n % 4}",
                relationship=["배우자", "아버지", "아들", ""][n % 4]) for n in range(12)]  # fmt: skip
    rows += [row(source_reference="X-1", victim_birth="800101-1234567", victim_sex="", suspect_name="불상",
                 suspect_birth="", suspect_phone="010-0000-0777", relationship="")]  # fmt: skip
    data = csv_text(rows).encode()
    each = import_bytes(data, dongbu_station, officer, bulk=False)
    expected = snapshot()
    Party.objects.filter(incident__source_reference__gt="").delete()
    Incident.objects.exclude(source_reference="").delete()
    Relationship.objects.all().delete()
    Person.objects.filter(parties__isnull=True).delete()
    bulk = import_bytes(data, dongbu_station, officer, bulk=True)
    assert (each.created, bulk.created) == (13, 13)
    assert len(each.person_ids) == len(bulk.person_ids) > 0
    assert snapshot() == expected


def test_one_audit_event_with_counts_and_no_personal_data(dongbu_station, officer):
    import_bytes(
        csv_text([*GOOD, row(source_reference="bad", domain="?")]).encode(), dongbu_station, officer, bulk=True
    )
    event = AccessEvent.objects.get(verb="incidents.import")
    assert event.actor == officer
    assert event.detail == {"rows": 3, "created": 2, "unchanged": 0, "skipped": 1, "bulk": True}
    assert not AccessEvent.objects.filter(verb="incident.create").exists()  # the bulk path writes the one event
    text = json.dumps(event.detail, ensure_ascii=False)
    assert "가나다" not in text
    assert "010" not in text


def test_the_row_by_row_path_records_each_incident_as_the_intake_does(dongbu_station, officer):
    import_bytes(csv_text(GOOD).encode(), dongbu_station, officer, bulk=False)
    assert AccessEvent.objects.filter(verb="incident.create").count() == 2
    assert AccessEvent.objects.filter(verb="incidents.import").count() == 1


def test_relationships_are_recorded_once_with_the_parent_first(dongbu_station, officer):
    rows = [row(relationship="아버지"), row(source_reference="2", relationship="아버지"),
            row(source_reference="3", relationship="자녀")]  # fmt: skip
    import_bytes(csv_text(rows).encode(), dongbu_station, officer)
    victim, suspect = victim_of("2"), Party.objects.get(incident__source_reference="2", role="suspect").person
    assert set(Relationship.objects.values_list("person", "other", "kind")) == {
        (suspect.pk, victim.pk, "parent_child"),
        (victim.pk, suspect.pk, "parent_child"),
    }
