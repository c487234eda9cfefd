"""validate_rows without the database: every bad cell reported by row and column, good rows parsed."""

import datetime

import pytest

from jss.imports.reader import Row, Table
from jss.imports.tests.sheets import HEADER, NOW, excel_cell, kst, row, table_rows
from jss.imports.validation import region_key, validate_rows
from jss.regions.models import Region

REGIONS = {
    region_key(name): Region(code=code, name_ko=name, level=Region.Level.DONG)
    for code, name in [("5011052000", "일도2동"), ("5011066000", "노형동")]
} | {"5011066000": Region(code="5011066000", name_ko="노형동", level=Region.Level.DONG)}


def table_of(lines) -> Table:
    """Lines as the reader gives them, the first being row 1."""
    return Table([Row(number, list(cells)) for number, cells in enumerate(lines, start=1)])


def table(rows, header=None) -> Table:
    return table_of(table_rows(rows, header))


def validate(rows, header=None, source_default="112"):
    return validate_rows(table(rows, header), regions=REGIONS, source_default=source_default, now=NOW)


def problems(validation):
    return [(p.row, p.column, p.message) for p in validation.problems]


local = kst


def test_a_good_row_is_parsed_completely():
    validation = validate([row()])
    assert validation.problems == []
    [record] = validation.records
    assert record.row == 2
    assert (record.source_reference, record.domain, record.source) == ("2026-0001", "domestic_violence", "112")
    assert record.reported_at == local(2026, 3, 5, 14, 22)
    assert record.occurred_at == local(2026, 3, 5, 13, 50)
    assert record.region.name_ko == "일도2동"
    assert (record.victim.family_name, record.victim.given_name) == ("가", "나다")
    assert record.victim.birth_date == datetime.date(1990, 1, 1)
    assert (record.victim.sex, record.victim.phone) == ("F", "010-0000-0001")
    assert (record.suspect.birth_date, record.suspect.birth_year, record.suspect.sex) == (None, 1988, "M")
    assert (record.relationship, record.injury, record.alcohol, record.weapon) == ("spouse", True, True, False)
    assert record.police_measures == ("emergency_measures", "booked")
    assert record.narrative == "시험용 가상 사례"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026.03.05 14:22", (2026, 3, 5, 14, 22)),
        ("2026-03-05 오후 2:22", (2026, 3, 5, 14, 22)),
        ("2026년 3월 5일 오후 2시 22분", (2026, 3, 5, 14, 22)),
        ("2026. 3. 5. 14:22", (2026, 3, 5, 14, 22)),
        ("202603051422", (2026, 3, 5, 14, 22)),
        ("2026-03-05T14:22:00", (2026, 3, 5, 14, 22)),
    ],
)
def test_dates_in_the_forms_korean_systems_write(written, expected):
    [record] = validate([row(reported_at=written, occurred_at="2026-03-05 09:00")]).records
    assert record.reported_at == local(*expected)


def test_report_date_without_a_time_on_the_day_it_happened_is_not_before_it_happened():
    [record] = validate([row(reported_at="2026-03-05", occurred_at="2026-03-05 13:50")]).records
    assert record.reported_at == record.occurred_at == local(2026, 3, 5, 13, 50)


def test_no_occurrence_time_means_the_time_of_the_report():
    [record] = validate([row(occurred_at="")]).records
    assert record.occurred_at == record.reported_at


def test_each_bad_cell_is_reported_with_its_row_and_the_column_as_written():
    validation = validate(
        [
            row(),
            row(source_reference="2", reported_at="2026.02.30 10:00", occurred_at=""),
            row(source_reference="3", domain="층간소음"),
            row(source_reference="4", victim_name="", victim_birth="", victim_sex="", victim_phone=""),
            row(source_reference="5", reported_at="2026.03.05 09:00", occurred_at="2026.03.05 13:50"),
            row(source_reference="6", region="한라동"),
            row(source_reference="7", victim_phone="010-12"),
        ]
    )
    assert problems(validation) == [
        (3, "접수일시", "The date “2026.02.30 10:00” does not exist."),
        (
            4,
            "유형",
            "Unknown kind of violence “층간소음”. Use one of: 가정폭력, 아동학대, 노인학대, 장애인학대, 학교폭력, 성폭력, 스토킹, 교제폭력.",
        ),
        (5, "피해자 이름", "There is no victim information."),
        (6, "접수일시", "The report time is before the time it happened."),
        (
            7,
            "읍면동",
            "Unknown eup/myeon/dong “한라동”. Write its name, like 노형동, or its 10-digit administrative code.",
        ),
        (8, "피해자 전화", "Not a Korean telephone number."),
    ]
    assert [record.row for record in validation.records] == [2]


def test_problems_name_the_column_as_the_file_writes_it():
    header = [h.replace("접수일시", "Reported_At").replace("가해자 이름", "가해자(행위자) 이름") for h in HEADER]
    validation = validate([row(reported_at="2026.13.01")], header=header)
    assert problems(validation) == [(2, "Reported_At", "The date “2026.13.01” does not exist.")]


def test_english_headers_in_any_case_and_spacing_are_understood():
    header = ["Source Reference", "REPORTED_AT", "domain", "victim name", "Victim_Phone"]
    lines = [header, ["A-1", "2026-03-05 10:00", "stalking", "가나다", "01000000003"]]
    validation = validate_rows(table_of(lines), regions=REGIONS, source_default="1366", now=NOW)
    [record] = validation.records
    assert (record.domain, record.source, record.victim.phone) == ("stalking", "1366", "010-0000-0003")
    assert record.region is None
    assert record.suspect is None


def test_a_registration_number_gives_birth_date_and_sex_and_is_never_repeated():
    validation = validate(
        [
            row(victim_birth="900101-2345678", victim_sex=""),
            row(source_reference="2", victim_birth="9002301234567"),
            row(source_reference="3", victim_birth="900101-1234567", victim_sex="여"),
        ]
    )
    [record] = validation.records
    assert (record.victim.birth_date, record.victim.sex) == (datetime.date(1990, 1, 1), "F")
    assert record.victim.identifier == "900101-2345678"
    assert problems(validation) == [
        (3, "피해자 생년월일", "The registration number does not hold a valid birth date."),
        (4, "피해자 성별", "The sex does not match the registration number."),
    ]
    assert not any("1234567" in message for _row, _column, message in problems(validation))


@pytest.mark.parametrize(
    ("written", "date", "year"),
    [
        ("1990.01.01", datetime.date(1990, 1, 1), None),
        ("900101", datetime.date(1990, 1, 1), None),
        ("050101", datetime.date(2005, 1, 1), None),
        ("19900101", datetime.date(1990, 1, 1), None),
        ("65.01.01", datetime.date(1965, 1, 1), None),
        ("1990년 1월 1일", datetime.date(1990, 1, 1), None),
        ("1990", None, 1990),
        ("1990년생", None, 1990),
    ],
)
def test_birth_dates_and_years(written, date, year):
    [record] = validate([row(victim_birth=written)]).records
    assert (record.victim.birth_date, record.victim.birth_year) == (date, year)


def test_a_name_column_without_a_role_is_refused_row_by_row():
    header = [*HEADER, "신고자 이름"]
    lines = table_rows([row(), row(source_reference="2")], header)
    lines[2].append("가나라")
    validation = validate_rows(table_of(lines), regions=REGIONS, source_default="112", now=NOW)
    assert [(p.row, p.column) for p in validation.problems] == [(3, "신고자 이름")]
    assert "without a role" in validation.problems[0].message
    assert [record.row for record in validation.records] == [2]


def test_an_unknown_column_is_ignored_with_a_notice():
    header = [*HEADER, "담당자 메모"]
    validation = validate([row()], header=header)
    assert [(p.row, p.column) for p in validation.notices] == [(1, "담당자 메모")]
    assert len(validation.records) == 1


def test_a_missing_required_column_stops_the_whole_file():
    header = ["신고번호", "접수일시", "유형"]
    validation = validate_rows(
        table_of([header, ["A-1", "2026-03-05", "가정폭력"]]), regions=REGIONS, source_default="112"
    )
    assert [(p.row, p.column) for p in validation.file_problems] == [(1, "피해자 이름")]
    assert validation.records == []


def test_a_column_twice_stops_the_whole_file():
    header = [*HEADER, "피해자명"]
    validation = validate([row()], header=header)
    assert [(p.row, p.column) for p in validation.file_problems] == [(1, "피해자명")]
    assert validation.records == []


def test_no_source_reference_is_refused_and_a_repeated_one_refuses_the_second_row():
    validation = validate([row(source_reference=""), row(), row(), row(source="1366")])
    assert [(p.row, p.column) for p in validation.problems] == [(2, "신고번호"), (4, "신고번호")]
    assert "row 3" in validation.problems[1].message
    assert [record.row for record in validation.records] == [3, 5]  # same number from another source is fine


def test_the_templates_example_row_is_not_imported():
    validation = validate([row(source_reference="예시"), row()])
    assert [(p.row, p.column) for p in validation.problems] == [(2, "신고번호")]
    assert [record.row for record in validation.records] == [3]


def test_a_title_line_above_the_header_is_tolerated_and_rows_keep_excel_numbers():
    lines = [["2026년 3월 신고 목록"], *table_rows([row()])]
    validation = validate_rows(table_of(lines), regions=REGIONS, source_default="112", now=NOW)
    assert [record.row for record in validation.records] == [3]


def test_a_value_right_of_the_last_column_means_a_shifted_row():
    lines = table_rows([row()])
    lines[1].append("남은 내용")
    validation = validate_rows(table_of(lines), regions=REGIONS, source_default="112", now=NOW)
    assert [(p.row, p.column) for p in validation.problems] == [(2, "Z")]


@pytest.mark.parametrize(
    ("values", "column"),
    [
        ({"injury": "아마도"}, "부상"),
        ({"police_measures": "응급조치, 훈방"}, "조치"),
        ({"relationship": "원수"}, "관계"),
        ({"source": "신문"}, "신고경로"),
        ({"victim_sex": "?"}, "피해자 성별"),
        ({"victim_phone": "112"}, "피해자 전화"),
        ({"victim_birth": "2030.01.01"}, "피해자 생년월일"),
        ({"reported_at": "2026.12.24 10:00"}, "접수일시"),  # after NOW
        ({"reported_at": "03/05/2026 10:00"}, "접수일시"),
    ],
)
def test_other_bad_cells(values, column):
    validation = validate([row(**values)])
    assert [(p.row, p.column) for p in validation.problems] == [(2, column)]


@pytest.mark.parametrize(("written", "expected"), [("예", True), ("O", True), ("1", True), ("true", True),
                                                   ("아니오", False), ("X", False), ("0", False), ("", False)])  # fmt: skip
def test_yes_and_no(written, expected):
    [record] = validate([row(weapon=written)]).records
    assert record.weapon is expected


def test_an_unknown_suspect_is_no_suspect_unless_details_are_given():
    [without, with_phone] = validate(
        [
            row(suspect_name="불상", suspect_birth="", suspect_sex="남", suspect_phone="", relationship=""),
            row(source_reference="2", suspect_name="성명불상", suspect_birth="", suspect_phone="010-0000-0009"),
        ]
    ).records
    assert without.suspect is None
    assert (with_phone.suspect.family_name, with_phone.suspect.phone) == ("", "010-0000-0009")


def test_a_relationship_needs_a_suspect():
    validation = validate([row(suspect_name="", suspect_birth="", suspect_sex="", suspect_phone="")])
    assert [(p.row, p.column) for p in validation.problems] == [(2, "관계")]


def test_who_is_the_parent_follows_the_relationship_word():
    parent, child = validate([row(relationship="아버지"), row(source_reference="2", relationship="아들")]).records
    assert (parent.relationship, parent.suspect_first) == ("parent_child", True)
    assert (child.relationship, child.suspect_first) == ("parent_child", False)


def test_region_by_code_or_with_the_city_in_front():
    a, b = validate([row(region="5011066000"), row(source_reference="2", region="제주시 노형동")]).records
    assert a.region.name_ko == b.region.name_ko == "노형동"


def test_typed_xlsx_cells_are_understood():
    lines = table_rows([row()])
    keys = list(HEADER)
    lines[1][keys.index("접수일시")] = excel_cell(2026, 3, 5, 14, 22)
    lines[1][keys.index("발생일시")] = excel_cell(2026, 3, 5)  # a date cell: midnight
    lines[1][keys.index("피해자 생년월일")] = excel_cell(1990, 1, 1)
    lines[1][keys.index("피해자 전화")] = 1000000001  # Excel dropped the leading zero
    lines[1][keys.index("부상")] = True
    lines[1][keys.index("신고번호")] = 20260001.0
    validation = validate_rows(table_of(lines), regions=REGIONS, source_default="112", now=NOW)
    [record] = validation.records
    assert record.source_reference == "20260001"
    assert record.victim.phone == "010-0000-0001"
    assert record.victim.birth_date == datetime.date(1990, 1, 1)
    assert record.injury is True
