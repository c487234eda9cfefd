"""Checking the rows of an import against the template, without touching the database.

`validate_rows` turns a `Table` into one `RowResult` per data row: the parsed incident, or the problems,
each with the row number Excel shows, the column header as the file writes it, and the reason. Problems
of the whole file (a required column missing, a column twice) are `file_problems`: nothing is imported
then. Values of personal columns (names, birth dates, registration numbers, phones, narrative) are never
repeated in a message.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from jss.imports.columns import BY_KEY, COLUMNS, EXAMPLE_MARK, HEADERS, NAME_WORDS, header_key
from jss.imports.reader import Cell, Row, Table
from jss.incidents.models import MARKER_FIELDS, Incident
from jss.lib.hangul import normalize_name, split_korean_name
from jss.lib.koreandates import parse_korean_datetime
from jss.lib.phone import normalize_korean_phone
from jss.lib.rrn import parse_rrn
from jss.people.matching import Identity
from jss.people.models import Person, Relationship
from jss.regions.models import Region

HEADER_SEARCH_ROWS = 10  # a title line or two above the header is tolerated
MAX_NAME_LENGTH = 60
MAX_REFERENCE_LENGTH = 60
FUTURE_TOLERANCE = datetime.timedelta(minutes=10)  # clocks differ a little


@dataclass(frozen=True)
class RowProblem:
    row: int  # as Excel shows it; the header is row 1
    column: str  # the header as written in the file ("" for the whole row)
    message: str


@dataclass(frozen=True)
class PersonRow:
    family_name: str = ""
    given_name: str = ""
    birth_date: datetime.date | None = None
    birth_year: int | None = None
    sex: str = Person.Sex.UNKNOWN
    phone: str = ""
    identifier: str = ""  # a registration number, "YYMMDD-NNNNNNN"; stored encrypted, never shown
    is_foreigner: bool = False

    @property
    def identity(self) -> Identity:
        return Identity(
            family_name=self.family_name,
            given_name=self.given_name,
            birth_date=self.birth_date,
            birth_year=self.birth_year,
            phone=self.phone,
            identifier=self.identifier,
        )


@dataclass(frozen=True)
class IncidentRow:
    row: int
    source_reference: str
    domain: str
    source: str
    occurred_at: datetime.datetime
    reported_at: datetime.datetime
    region: Region | None
    victim: PersonRow
    suspect: PersonRow | None = None
    relationship: str = ""  # a Relationship.Kind
    suspect_first: bool = True  # the suspect is the relationship's `person` (the parent, carer, staff member)
    injury: bool = False
    weapon: bool = False
    strangulation: bool = False
    threat_to_kill: bool = False
    sexual_violence: bool = False
    pregnancy: bool = False
    alcohol: bool = False
    children_present: bool = False
    police_measures: tuple[str, ...] = ()
    narrative: str = ""


@dataclass
class RowResult:
    row: int
    record: IncidentRow | None
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class Validation:
    rows: list[RowResult]
    file_problems: list[RowProblem]  # when there are any, nothing is imported
    notices: list[RowProblem]  # columns that are ignored; the rows are imported anyway

    @property
    def records(self) -> list[IncidentRow]:
        if self.file_problems:
            return []
        return [result.record for result in self.rows if result.record is not None]

    @property
    def row_problems(self) -> list[RowProblem]:
        return [problem for result in self.rows for problem in result.problems]

    @property
    def problems(self) -> list[RowProblem]:
        """Everything to show, by row: the file's problems and notices first (row 1), then each row's."""
        return [*self.file_problems, *self.notices, *self.row_problems]

    @property
    def rows_with_problems(self) -> int:
        return sum(1 for result in self.rows if result.problems)


# --- vocabularies -------------------------------------------------------------------------------------


def word_key(text: str) -> str:
    normalized = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in normalized if not ch.isspace() and ch not in "_-·.()/")


Domain = Incident.Domain
DOMAIN_NAMES = {
    "가정폭력": Domain.DOMESTIC_VIOLENCE,
    "아동학대": Domain.CHILD_ABUSE,
    "노인학대": Domain.ELDER_ABUSE,
    "장애인학대": Domain.DISABILITY_ABUSE,
    "학교폭력": Domain.SCHOOL_VIOLENCE,
    "성폭력": Domain.SEXUAL_VIOLENCE,
    "스토킹": Domain.STALKING,
    "교제폭력": Domain.DATING_VIOLENCE,
}
DOMAINS = (
    {word_key(name): code for name, code in DOMAIN_NAMES.items()}
    | {word_key(code): code for code in Domain.values}
    | {word_key("데이트폭력"): Domain.DATING_VIOLENCE, word_key("성범죄"): Domain.SEXUAL_VIOLENCE}
)

Source = Incident.Source
SOURCE_NAMES = {
    "112": Source.POLICE_112,
    "1366": Source.HOTLINE_1366,
    "아동보호전문기관": Source.CHILD_PROTECTION,
    "노인보호전문기관": Source.ELDER_PROTECTION,
    "장애인권익옹호기관": Source.DISABILITY_PROTECTION,
    "학교": Source.SCHOOL,
    "병원": Source.HOSPITAL,
    "상담소": Source.COUNSELLING,
    "본인신고": Source.SELF_REPORT,
    "기타": Source.OTHER,
}
_SOURCE_SYNONYMS = {
    "112신고": Source.POLICE_112,
    "여성긴급전화": Source.HOTLINE_1366,
    "아보전": Source.CHILD_PROTECTION,
    "의료기관": Source.HOSPITAL,
    "상담기관": Source.COUNSELLING,
    "본인": Source.SELF_REPORT,
}
SOURCES = (
    {word_key(name): code for name, code in SOURCE_NAMES.items()}
    | {word_key(code): code for code in Source.values}
    | {word_key(name): code for name, code in _SOURCE_SYNONYMS.items()}
)

Measure = Incident.PoliceMeasure
MEASURE_NAMES = {
    "현장종결": Measure.ON_SCENE_CLOSURE,
    "응급조치": Measure.EMERGENCY_MEASURES,
    "긴급임시조치": Measure.EMERGENCY_TEMPORARY_ORDER,
    "임시조치": Measure.TEMPORARY_ORDER,
    "피해자보호명령": Measure.PROTECTION_ORDER,
    "체포": Measure.ARREST,
    "입건": Measure.BOOKED,
    "기관연계": Measure.REFERRED,
}
MEASURES = (
    {word_key(name): code for name, code in MEASURE_NAMES.items()}
    | {word_key(code): code for code in Measure.values}
    | {word_key("현행범체포"): Measure.ARREST, word_key("형사입건"): Measure.BOOKED, word_key("연계"): Measure.REFERRED}
)
MEASURE_SEPARATORS = re.compile(r"[,，、;/\n]")

Kind = Relationship.Kind
# What the suspect is to the victim → (kind, whether the suspect is the relationship's first person).
# For parent and child, carer and older person, staff and resident the first person is the parent, the
# carer, the staff member; for the other kinds the order means nothing.
_RELATIONSHIP_WORDS: dict[tuple[str, bool], tuple[str, ...]] = {
    (Kind.SPOUSE, True): ("배우자", "남편", "아내", "부인", "처", "사실혼"),
    (Kind.EX_SPOUSE, True): ("전배우자", "전남편", "전처", "전부인", "전아내"),
    (Kind.DATING, True): ("연인", "애인", "교제", "교제상대", "남자친구", "여자친구", "전연인", "전애인",
                          "전남자친구", "전여자친구"),
    (Kind.PARENT_CHILD, True): ("부모", "아버지", "어머니", "부", "모", "친부", "친모", "계부", "계모", "양부", "양모"),
    (Kind.PARENT_CHILD, False): ("자녀", "아들", "딸", "자식"),
    (Kind.CARER_ELDER, True): ("보호자돌봄", "돌봄", "요양보호사", "간병인", "보호자"),
    (Kind.STAFF_RESIDENT, True): ("시설종사자", "종사자", "시설직원"),
    (Kind.SIBLINGS, True): ("형제자매", "형제", "자매", "남매", "형", "오빠", "누나", "언니", "동생"),
    (Kind.PEERS, True): ("친구동급생", "친구", "동급생", "선배", "후배", "동료", "학생"),
    (Kind.OTHER_FAMILY, True): ("친척", "친족", "기타가족", "조부모", "할아버지", "할머니", "손자", "손녀", "삼촌",
                                "고모", "이모"),
    (Kind.ACQUAINTANCE, True): ("지인", "이웃"),
    (Kind.STRANGER, True): ("모르는사람", "관계없음", "타인"),
}  # fmt: skip
RELATIONSHIPS: dict[str, tuple[str, bool]] = {
    word_key(word): meaning for meaning, words in _RELATIONSHIP_WORDS.items() for word in words
} | {word_key(code): (code, True) for code in Kind.values}

YES = frozenset({"y", "yes", "예", "네", "o", "○", "◯", "1", "true", "있음", "유", "해당"})
NO = frozenset({"", "n", "no", "아니오", "아니요", "x", "×", "0", "false", "없음", "무", "해당없음", "-"})
UNKNOWN_NAMES = frozenset({"불상", "성명불상", "미상", "모름", "unknown", "x"})
SEXES = {"남": Person.Sex.MALE, "남자": Person.Sex.MALE, "남성": Person.Sex.MALE, "m": Person.Sex.MALE,
         "male": Person.Sex.MALE, "여": Person.Sex.FEMALE, "여자": Person.Sex.FEMALE, "여성": Person.Sex.FEMALE,
         "f": Person.Sex.FEMALE, "female": Person.Sex.FEMALE}  # fmt: skip

FLAGS = MARKER_FIELDS


def region_key(text: str) -> str:
    """ "제주시 노형동" and "노형동" → "노형동": the last word, without spaces."""
    words = unicodedata.normalize("NFKC", text).lower().split()
    return words[-1] if words else ""


# --- cells --------------------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read; the message is for the user."""


def cell_text(cell: Cell) -> str:
    """The cell as one line of text: numbers without ".0", whitespace collapsed."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(unicodedata.normalize("NFC", str(cell)).split())


def _date_message(reason: str, shown: str) -> str:
    if "does not exist" in reason and reason.startswith("time"):
        return _("The time in “%(value)s” does not exist.") % {"value": shown}
    if "does not exist" in reason:
        return _("The date “%(value)s” does not exist.") % {"value": shown}
    if "ambiguous" in reason:
        return _("“%(value)s” is ambiguous: write the year first, like 2026.03.05.") % {"value": shown}
    if " is a " in reason:
        return _("The weekday in “%(value)s” does not match the date.") % {"value": shown}
    return _("“%(value)s” is not a date and time. Write it like 2026.03.05 14:22.") % {"value": shown}


def parse_moment(cell: Cell) -> tuple[datetime.datetime, bool]:
    """(local time, whether a time of day was given). Midnight exactly counts as "no time given", because
    Excel writes date-only cells as midnight."""
    value: Cell = cell
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 10_000_000:
        value = cell_text(value)  # 20260305 or 202603051422 typed as a number, not an Excel serial
    if isinstance(value, datetime.time | datetime.timedelta) or value is None:
        raise CellError(_("“%(value)s” is not a date and time. Write it like 2026.03.05 14:22.") % {"value": cell})
    try:
        parsed = parse_korean_datetime(value)
    except ValueError as error:
        raise CellError(_date_message(str(error), cell_text(cell))) from None
    if isinstance(parsed, datetime.datetime):
        return parsed, parsed.time() != datetime.time(0)
    return datetime.datetime.combine(parsed, datetime.time(0)), False


def parse_flag(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    text = word_key(cell_text(cell))
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("“%(value)s” is not yes or no: write Y or N (예/아니오, O/X, 1/0).") % {"value": cell_text(cell)})


def parse_phone(cell: Cell) -> str:
    text = cell_text(cell)
    if isinstance(cell, int | float) and not isinstance(cell, bool) and not text.startswith("0"):
        text = "0" + text  # Excel drops the leading zero of a number typed as 01012345678
    try:
        phone = normalize_korean_phone(text)
    except ValueError:
        raise CellError(_("Not a Korean telephone number.")) from None
    if not phone.startswith("0"):
        raise CellError(_("A service number such as 112 or 1577-1391 is not a person's telephone number."))
    return phone


@dataclass(frozen=True)
class Birth:
    date: datetime.date | None = None
    year: int | None = None
    sex: str | None = None  # from a registration number
    identifier: str = ""
    is_foreigner: bool = False


NOT_A_BIRTH = gettext_lazy("Not a birth date, birth year or registration number.")
_YEAR = re.compile(r"(?P<year>[0-9]{4})\s*(?:년생|년)?")
_SIX_DIGITS = re.compile(r"[0-9]{6}")
_REGISTRATION = re.compile(r"[0-9]{6}\s*-?\s*[0-9]{7}")
_TWO_DIGIT_YEAR = re.compile(r"[0-9]{2}\s*[./년-]")


def parse_birth(cell: Cell, *, today: datetime.date) -> Birth:
    """A birth date, a year, six digits (YYMMDD) or a registration number (birth date, sex, identifier)."""
    not_a_birth = CellError(NOT_A_BIRTH)
    if isinstance(cell, bool | datetime.time | datetime.timedelta):
        raise not_a_birth
    text = cell_text(cell)
    if isinstance(cell, int | float) and len(text) in (5, 12):
        text = "0" + text  # Excel drops the leading zero of 050101 or of a number born in the 2000s
    if isinstance(cell, datetime.date):
        birth = Birth(date=cell.date() if isinstance(cell, datetime.datetime) else cell)
    elif _REGISTRATION.fullmatch(text):
        try:
            rrn = parse_rrn(text.replace(" ", ""))
        except ValueError:
            raise CellError(_("The registration number does not hold a valid birth date.")) from None
        digits = "".join(ch for ch in text if ch.isdigit())
        birth = Birth(
            date=rrn.birth_date,
            sex=rrn.sex,
            identifier=f"{digits[:6]}-{digits[6:]}",
            is_foreigner=rrn.is_foreigner,
        )
    elif match := _YEAR.fullmatch(text):
        year = int(match["year"])
        if not 1880 <= year <= today.year:
            raise not_a_birth
        birth = Birth(year=year)
    elif _SIX_DIGITS.fullmatch(text):
        year = 2000 + int(text[:2])
        if year > today.year:
            year -= 100
        try:
            birth = Birth(date=datetime.date(year, int(text[2:4]), int(text[4:6])))
        except ValueError:
            raise not_a_birth from None
    else:
        try:
            parsed = parse_korean_datetime(text)
        except ValueError:
            raise not_a_birth from None
        day = parsed.date() if isinstance(parsed, datetime.datetime) else parsed
        if day > today and _TWO_DIGIT_YEAR.match(text):
            day = day.replace(year=day.year - 100)  # "65.01.01" is 1965, not 2065
        birth = Birth(date=day)
    if birth.date is not None and birth.date > today:
        raise CellError(_("The birth date is in the future."))
    return birth


# --- rows ---------------------------------------------------------------------------------------------

T = TypeVar("T")


@dataclass
class _Layout:
    header_row: int
    columns: dict[str, tuple[int, str]]  # column key → (index, header as written)
    width: int  # cells to the right of the last header are a sign of a shifted row
    roleless_names: list[tuple[int, str]]


def _layout(table: Table) -> tuple[_Layout | None, list[RowProblem], list[RowProblem]]:
    """The header row and its columns, with the file's problems and the ignored columns."""
    header = next(
        (row for row in table.rows[:HEADER_SEARCH_ROWS] if sum(header_key(cell) in HEADERS for cell in row.cells) >= 2),
        None,
    )
    if header is None:
        message = _("No header row: the first row must hold the column names of the template (%(names)s …).") % {
            "names": ", ".join(column.header for column in COLUMNS if column.required)
        }
        return None, [RowProblem(table.rows[0].number if table.rows else 1, "", message)], []
    problems: list[RowProblem] = []
    notices: list[RowProblem] = []
    columns: dict[str, tuple[int, str]] = {}
    roleless: list[tuple[int, str]] = []
    width = 0
    for index, cell in enumerate(header.cells):
        written = cell_text(cell)
        if not written:
            continue
        width = index + 1
        column = HEADERS.get(header_key(written))
        if column is None:
            if any(word in header_key(written) for word in NAME_WORDS):
                roleless.append((index, written))
            else:
                notices.append(
                    RowProblem(header.number, written, _("This column is not in the template and is ignored."))
                )
        elif column.key in columns:
            message = _("This column appears twice (also as “%(other)s”).") % {"other": columns[column.key][1]}
            problems.append(RowProblem(header.number, written, message))
        else:
            columns[column.key] = (index, written)
    for column in COLUMNS:
        if column.required and column.key not in columns:
            message = _("The required column “%(header)s” is missing.") % {"header": column.header}
            problems.append(RowProblem(header.number, column.header, message))
    return _Layout(header.number, columns, width, roleless), problems, notices


class _RowReader:
    """One data row: its cells by column key, and the problems found so far."""

    def __init__(self, row: Row, layout: _Layout) -> None:
        self.row = row
        self.layout = layout
        self.problems: list[RowProblem] = []
        self.texts: dict[str, str] = {}

    def header(self, key: str) -> str:
        column = self.layout.columns.get(key)
        return column[1] if column else BY_KEY[key].header

    def cell(self, key: str) -> Cell:
        column = self.layout.columns.get(key)
        if column is None or column[0] >= len(self.row.cells):
            return None
        return self.row.cells[column[0]]

    def text(self, key: str) -> str:
        if key not in self.texts:
            self.texts[key] = cell_text(self.cell(key))
        return self.texts[key]

    def problem(self, key: str, message: str) -> None:
        self.problems.append(RowProblem(self.row.number, self.header(key), message))

    def parsed(self, key: str, parse: Callable[[Cell], T]) -> T | None:
        """The parsed cell; None for an empty cell, or for a bad one with its problem noted."""
        if not self.text(key):
            return None
        try:
            return parse(self.cell(key))
        except CellError as error:
            self.problem(key, str(error))
            return None


def _person(reader: _RowReader, role: str, *, today: datetime.date) -> PersonRow | None:
    name_key, birth_key, sex_key, phone_key = (f"{role}_name", f"{role}_birth", f"{role}_sex", f"{role}_phone")
    name = reader.text(name_key)
    name_known = bool(name) and normalize_name(name) not in UNKNOWN_NAMES
    details = any(reader.text(key) for key in (birth_key, phone_key))  # a sex alone does not make a person
    if not name_known and not details:
        if role == "victim":
            reader.problem(name_key, _("There is no victim information."))
        return None
    if role == "victim" and not name_known:
        reader.problem(name_key, _("The victim's name is missing."))
    if len(name) > MAX_NAME_LENGTH:
        reader.problem(name_key, _("This name is too long."))
    family_name, given_name = split_korean_name(name) if name_known else ("", "")
    birth = reader.parsed(birth_key, lambda cell: parse_birth(cell, today=today)) or Birth()
    sex = reader.parsed(sex_key, _parse_sex) or ""
    if sex and birth.sex and sex != birth.sex:
        reader.problem(sex_key, _("The sex does not match the registration number."))
    return PersonRow(
        family_name=family_name,
        given_name=given_name,
        birth_date=birth.date,
        birth_year=birth.year if birth.date is None else None,
        sex=sex or birth.sex or Person.Sex.UNKNOWN,
        phone=reader.parsed(phone_key, parse_phone) or "",
        identifier=birth.identifier,
        is_foreigner=birth.is_foreigner,
    )


def _parse_sex(cell: Cell) -> str:
    sex = SEXES.get(word_key(cell_text(cell)))
    if sex is None:
        raise CellError(_("Write 남 or 여 (M or F)."))
    return sex


def _lookup(vocabulary: Mapping[str, str], names: Mapping[str, str], unknown: Promise) -> Callable[[Cell], str]:
    def parse(cell: Cell) -> str:
        code = vocabulary.get(word_key(cell_text(cell)))
        if code is None:
            raise CellError(str(unknown) % {"value": cell_text(cell), "choices": ", ".join(names)})
        return code

    return parse


_parse_domain = _lookup(
    DOMAINS, DOMAIN_NAMES, gettext_lazy("Unknown kind of violence “%(value)s”. Use one of: %(choices)s.")
)
_parse_source = _lookup(SOURCES, SOURCE_NAMES, gettext_lazy("Unknown source “%(value)s”. Use one of: %(choices)s."))


def _parse_measures(cell: Cell) -> tuple[str, ...]:
    codes: list[str] = []
    unknown: list[str] = []
    for part in MEASURE_SEPARATORS.split(str(cell)):
        if not part.strip():
            continue
        code = MEASURES.get(word_key(part))
        if code is None:
            unknown.append(part.strip())
        elif code not in codes:
            codes.append(code)
    if unknown:
        raise CellError(
            _("Unknown police measure “%(value)s”. Use: %(choices)s.")
            % {"value": ", ".join(unknown), "choices": ", ".join(MEASURE_NAMES)}
        )
    return tuple(codes)


def _parse_region(regions: Mapping[str, Region]) -> Callable[[Cell], Region]:
    def parse(cell: Cell) -> Region:
        region = regions.get(region_key(cell_text(cell)))
        if region is None:
            raise CellError(
                _(
                    "Unknown eup/myeon/dong “%(value)s”. Write its name, like 노형동, "
                    "or its 10-digit administrative code."
                )
                % {"value": cell_text(cell)}
            )
        return region

    return parse


def _read_row(
    row: Row,
    layout: _Layout,
    *,
    regions: Mapping[str, Region],
    source_default: str,
    now: datetime.datetime,
    today: datetime.date,
) -> RowResult:
    reader = _RowReader(row, layout)
    reference = reader.text("source_reference")
    if reference.startswith(EXAMPLE_MARK):
        reader.problem("source_reference", _("This is the template's example row; it is not imported."))
        return RowResult(row.number, None, reader.problems)
    if not reference:
        reader.problem(
            "source_reference",
            _(
                "The source reference number is missing. The template requires it, so that importing "
                "the same file again changes nothing."
            ),
        )
    elif len(reference) > MAX_REFERENCE_LENGTH:
        reader.problem("source_reference", _("The source reference number is too long."))
    for index, written in layout.roleless_names:
        if index < len(row.cells) and cell_text(row.cells[index]):
            reader.problems.append(
                RowProblem(
                    row.number,
                    written,
                    _(
                        "A name without a role: the template has only 피해자 이름 (victim) and 가해자 이름 "
                        "(suspect). Move the name to one of them or delete the column."
                    ),
                )
            )
    for index in range(layout.width, len(row.cells)):
        if cell_text(row.cells[index]):
            reader.problems.append(
                RowProblem(
                    row.number,
                    get_column_letter(index + 1),
                    _("A value to the right of the last column: the row may be shifted (a comma without quotes?)."),
                )
            )
            break

    domain = reader.parsed("domain", _parse_domain)
    if not reader.text("domain"):
        reader.problem("domain", _("The kind of violence is missing."))
    source = reader.parsed("source", _parse_source)
    if not reader.text("source"):
        source = source_default
    region = reader.parsed("region", _parse_region(regions))

    reported, reported_has_time = reader.parsed("reported_at", parse_moment) or (None, False)
    if not reader.text("reported_at"):
        reader.problem("reported_at", _("The report time is missing."))
    occurred_moment = reader.parsed("occurred_at", parse_moment)
    occurred = occurred_moment[0] if occurred_moment else None
    if reported is not None and occurred is None and not reader.text("occurred_at"):
        occurred = reported
    if reported is not None and occurred is not None:
        if not reported_has_time and reported.date() == occurred.date() and reported < occurred:
            reported = occurred  # reported on the day it happened, at an unknown time: not before it happened
        if reported < occurred:
            reader.problem("reported_at", _("The report time is before the time it happened."))
        elif timezone.make_aware(reported, timezone.get_default_timezone()) > now + FUTURE_TOLERANCE:
            reader.problem("reported_at", _("This time is in the future."))

    victim = _person(reader, "victim", today=today)
    suspect = _person(reader, "suspect", today=today)
    relationship, suspect_first = reader.parsed("relationship", _lookup_relationship) or ("", True)
    if relationship and suspect is None:
        reader.problem(
            "relationship",
            _("A relationship needs a suspect: fill in “%(column)s”.") % {"column": reader.header("suspect_name")},
        )
    flags = {name: bool(reader.parsed(name, parse_flag)) for name in FLAGS}
    measures = reader.parsed("police_measures", _parse_measures) or ()
    narrative_cell = reader.cell("narrative")
    narrative = str(narrative_cell).strip() if narrative_cell is not None else ""

    if reader.problems or victim is None or reported is None or occurred is None or not domain or not source:
        return RowResult(row.number, None, reader.problems)
    tz = timezone.get_default_timezone()
    record = IncidentRow(
        row=row.number,
        source_reference=reference,
        domain=domain,
        source=source,
        occurred_at=timezone.make_aware(occurred, tz),
        reported_at=timezone.make_aware(reported, tz),
        region=region,
        victim=victim,
        suspect=suspect,
        relationship=relationship,
        suspect_first=suspect_first,
        police_measures=measures,
        narrative=narrative,
        **flags,
    )
    return RowResult(row.number, record, [])


def _lookup_relationship(cell: Cell) -> tuple[str, bool]:
    meaning = RELATIONSHIPS.get(word_key(cell_text(cell)))
    if meaning is None:
        choices = ("배우자", "전 배우자", "연인", "부모", "자녀", "형제자매", "보호자(돌봄)", "시설 종사자",
                   "친구/동급생", "친척", "지인", "모르는 사람")  # fmt: skip
        raise CellError(
            _("Unknown relationship “%(value)s”. Use one of: %(choices)s.")
            % {"value": cell_text(cell), "choices": ", ".join(choices)}
        )
    return meaning


def validate_rows(
    table: Table,
    *,
    regions: Mapping[str, Region],
    source_default: str,
    now: datetime.datetime | None = None,
) -> Validation:
    """Every data row parsed or refused with its problems; nothing is read from or written to the database.

    `regions` maps `region_key` of a name or code to the region; `source_default` is the source of rows
    without a 신고경로 column or value. A source reference that appears twice refuses the second row."""
    if source_default not in Incident.Source.values:
        raise ValueError(f"unknown source {source_default!r}")
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    layout, file_problems, notices = _layout(table)
    if layout is None:
        return Validation([], file_problems, notices)
    results = [
        _read_row(row, layout, regions=regions, source_default=source_default, now=now, today=today)
        for row in table.rows
        if row.number > layout.header_row
    ]
    if not results and not file_problems:
        file_problems.append(RowProblem(layout.header_row, "", _("The file has no rows below the header.")))
    first_row: dict[tuple[str, str], int] = {}
    for result in results:
        record = result.record
        if record is None:
            continue
        key = (record.source, record.source_reference)
        if key in first_row:
            result.problems.append(
                RowProblem(
                    result.row,
                    layout.columns["source_reference"][1],
                    _("The same source reference number is already in row %(row)d.") % {"row": first_row[key]},
                )
            )
            result.record = None
        else:
            first_row[key] = result.row
    return Validation(results, file_problems, notices)
