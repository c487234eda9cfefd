import dataclasses
import datetime

import pytest

from jss.lib.rrn import RRN, checksum_ok, parse_rrn

# Made-up numbers; the last digit is the check digit unless a test says otherwise.


@pytest.mark.parametrize(
    ("given", "birth_date", "sex", "is_foreigner", "masked"),
    [
        ("900101-1234568", datetime.date(1990, 1, 1), "M", False, "900101-1******"),
        ("9001012234561", datetime.date(1990, 1, 1), "F", False, "900101-2******"),
        ("050505-3123453", datetime.date(2005, 5, 5), "M", False, "050505-3******"),
        ("050505-4123456", datetime.date(2005, 5, 5), "F", False, "050505-4******"),
        ("850315-5123450", datetime.date(1985, 3, 15), "M", True, "850315-5******"),
        ("850315-6123453", datetime.date(1985, 3, 15), "F", True, "850315-6******"),
        ("100101-7123452", datetime.date(2010, 1, 1), "M", True, "100101-7******"),
        ("100101-8123454", datetime.date(2010, 1, 1), "F", True, "100101-8******"),
        ("991231-9123451", datetime.date(1899, 12, 31), "M", False, "991231-9******"),
        ("991231-0123457", datetime.date(1899, 12, 31), "F", False, "991231-0******"),
        ("000229-3123454", datetime.date(2000, 2, 29), "M", False, "000229-3******"),
        ("  900101-1234568 ", datetime.date(1990, 1, 1), "M", False, "900101-1******"),
        ("９００１０１－１２３４５６８", datetime.date(1990, 1, 1), "M", False, "900101-1******"),  # full-width
    ],
)
def test_parse_rrn_reads_birth_date_sex_and_foreigner_status(given, birth_date, sex, is_foreigner, masked):
    assert parse_rrn(given) == RRN(birth_date=birth_date, sex=sex, is_foreigner=is_foreigner, masked=masked)


def test_a_wrong_check_digit_is_accepted_because_numbers_since_october_2020_have_none():
    assert not checksum_ok("900101-1234567")
    assert parse_rrn("900101-1234567").birth_date == datetime.date(1990, 1, 1)


def test_the_parsed_number_keeps_no_trace_of_the_full_number():
    parsed = parse_rrn("900101-1234568")
    assert "1234568" not in repr(parsed)
    assert "1234568" not in str(dataclasses.asdict(parsed))


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("", "expected 13 digits"),
        ("900101-123456", "expected 13 digits"),
        ("900101-12345678", "expected 13 digits"),
        ("900101--1234568", "expected 13 digits"),
        ("900101 1234568", "expected 13 digits"),
        ("90010a-1234568", "expected 13 digits"),
        ("900101-1234568\n900101-1234568", "expected 13 digits"),
        ("901301-1234568", "^birth date does not exist: month 13 does not exist$"),
        ("900431-1234568", "^birth date does not exist: day 31 does not exist in April$"),
        ("010229-3234568", "^birth date does not exist: day 29 does not exist in February 2001$"),
        ("000229-1234568", "^birth date does not exist: day 29 does not exist in February 1900$"),  # not a leap year
        ("900100-1234568", "^birth date does not exist: day 0 does not exist in January$"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(given, reason):
    with pytest.raises(ValueError, match=reason):
        parse_rrn(given)


@pytest.mark.parametrize("given", ["901301-1234568", "9001011234", "900431-7654321"])
def test_errors_never_repeat_the_number(given):
    with pytest.raises(ValueError, match=r".") as caught:
        parse_rrn(given)
    message = str(caught.value)
    assert given[:6] not in message
    assert given[-7:] not in message


@pytest.mark.parametrize(
    ("given", "ok"),
    [
        ("900101-1234568", True),
        ("9001011234568", True),
        ("900101-2234561", True),
        ("050505-3123453", True),
        ("991231-0123457", True),
        ("850315-5123450", True),  # alien registration number: its own final step (13 − r) mod 10
        ("100101-8123454", True),
        ("900101-1234567", False),
        ("900101-1234569", False),
        ("850315-5123458", False),  # 8 would be right for a Korean number with the same digits
    ],
)
def test_checksum_ok(given, ok):
    assert checksum_ok(given) is ok


def test_checksum_ok_refuses_what_is_not_a_number():
    with pytest.raises(ValueError, match="expected 13 digits"):
        checksum_ok("900101-123")
