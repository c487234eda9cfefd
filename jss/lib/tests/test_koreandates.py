# ruff: noqa: DTZ001  # the parsers return naive values by design; the caller makes them aware in Asia/Seoul
import datetime

import pytest

from jss.lib.koreandates import parse_korean_date, parse_korean_datetime, parse_korean_time, validated_date

MARCH_5 = datetime.date(2026, 3, 5)


@pytest.mark.parametrize(
    "given",
    [
        "2026.03.05",
        "2026.3.5",
        "2026. 3. 5.",
        "2026.03.05.",
        "2026-03-05",
        "2026-3-5",
        "2026/03/05",
        "20260305",
        "2026년 3월 5일",
        "2026년03월05일",
        "26.03.05",
        "26-03-05",
        "26년 3월 5일",
        "2026.03.05(목)",
        "2026년 3월 5일 목요일",
        "  2026-03-05  ",
        "２０２６．０３．０５",  # full-width, as some Korean input methods type
    ],
)
def test_dates_in_korean_forms(given):
    assert parse_korean_datetime(given) == MARCH_5


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026.03.05 14:22", datetime.datetime(2026, 3, 5, 14, 22)),
        ("2026-03-05 14:22:10", datetime.datetime(2026, 3, 5, 14, 22, 10)),
        ("2026-03-05T14:22:10", datetime.datetime(2026, 3, 5, 14, 22, 10)),
        ("2026-03-05 14:22:10.250", datetime.datetime(2026, 3, 5, 14, 22, 10, 250000)),
        ("2026/03/05 09:05", datetime.datetime(2026, 3, 5, 9, 5)),
        ("2026년 3월 5일 14시 22분", datetime.datetime(2026, 3, 5, 14, 22)),
        ("2026년 3월 5일 오후 2시 22분", datetime.datetime(2026, 3, 5, 14, 22)),
        ("2026년 3월 5일 오후 2시 반", datetime.datetime(2026, 3, 5, 14, 30)),
        ("2026년 3월 5일 14시", datetime.datetime(2026, 3, 5, 14, 0)),
        ("2026-03-05 오후 2:22", datetime.datetime(2026, 3, 5, 14, 22)),
        ("2026. 3. 5. 오후 2:22:10", datetime.datetime(2026, 3, 5, 14, 22, 10)),
        ("2026-03-05 오전 9:05", datetime.datetime(2026, 3, 5, 9, 5)),
        ("2026-03-05 오전 12:30", datetime.datetime(2026, 3, 5, 0, 30)),
        ("2026-03-05 오후 12:30", datetime.datetime(2026, 3, 5, 12, 30)),
        ("2026-03-05 12:00 AM", datetime.datetime(2026, 3, 5, 0, 0)),
        ("2026-03-05 12:00 PM", datetime.datetime(2026, 3, 5, 12, 0)),
        ("2026-03-05 2:22 p.m.", datetime.datetime(2026, 3, 5, 14, 22)),
        ("2026.03.05(목) 14:22", datetime.datetime(2026, 3, 5, 14, 22)),
        ("26.03.05 14:22", datetime.datetime(2026, 3, 5, 14, 22)),
        ("20260305 14:22", datetime.datetime(2026, 3, 5, 14, 22)),
        ("202603051422", datetime.datetime(2026, 3, 5, 14, 22)),
        ("20260305142210", datetime.datetime(2026, 3, 5, 14, 22, 10)),
    ],
)
def test_dates_with_times(given, expected):
    assert parse_korean_datetime(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("00.01.01", datetime.date(2000, 1, 1)),
        ("69.12.31", datetime.date(2069, 12, 31)),
        ("70.01.01", datetime.date(1970, 1, 1)),
        ("99.12.31", datetime.date(1999, 12, 31)),
    ],
)
def test_two_digit_years_pivot_at_70(given, expected):
    assert parse_korean_datetime(given) == expected


def test_a_date_without_a_time_takes_the_default_time():
    assert parse_korean_datetime("2026-03-05", default_time=datetime.time(9)) == datetime.datetime(2026, 3, 5, 9)


def test_the_default_time_does_not_replace_a_written_time():
    assert parse_korean_datetime("2026-03-05 14:22", default_time=datetime.time(9)) == datetime.datetime(
        2026, 3, 5, 14, 22
    )


def test_results_are_naive_and_a_date_alone_is_not_a_datetime():
    with_time = parse_korean_datetime("2026-03-05 14:22")
    without_time = parse_korean_datetime("2026-03-05")
    assert isinstance(with_time, datetime.datetime)
    assert with_time.tzinfo is None
    assert not isinstance(without_time, datetime.datetime)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (46086, datetime.date(2026, 3, 5)),
        (46086.0, datetime.date(2026, 3, 5)),
        (46086.5, datetime.datetime(2026, 3, 5, 12, 0)),
        (46086.59305, datetime.datetime(2026, 3, 5, 14, 14)),  # 0.59305 day = 51 239.5 s, rounded to the second
        (46086.598611111, datetime.datetime(2026, 3, 5, 14, 22)),
        (61, datetime.date(1900, 3, 1)),
        (59, datetime.date(1900, 2, 28)),  # before Excel's fictitious 29 February 1900
        (1, datetime.date(1900, 1, 1)),
        (2958465, datetime.date(9999, 12, 31)),
    ],
)
def test_excel_serial_numbers(given, expected):
    assert parse_korean_datetime(given) == expected


def test_an_excel_serial_day_takes_the_default_time():
    assert parse_korean_datetime(46086, default_time=datetime.time(9)) == datetime.datetime(2026, 3, 5, 9)


@pytest.mark.parametrize(
    "given",
    [datetime.date(2026, 3, 5), datetime.datetime(2026, 3, 5, 14, 22)],
)
def test_date_and_datetime_objects_pass_through(given):
    assert parse_korean_datetime(given) == given


def test_a_date_object_takes_the_default_time():
    assert parse_korean_datetime(MARCH_5, default_time=datetime.time(9)) == datetime.datetime(2026, 3, 5, 9)


def test_an_aware_datetime_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        parse_korean_datetime(datetime.datetime(2026, 3, 5, 14, 22, tzinfo=datetime.UTC))


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("", "^empty$"),
        ("   ", "^empty$"),
        ("hello", "^not a date$"),
        ("2026", "^not a date$"),
        ("2026.03", "^not a date$"),
        ("2026년 3월", "^not a date$"),
        ("202.03.05", "^not a date$"),
        ("2026.03.051", "^not a date$"),
        ("2026.03-05", "^not a date$"),
        ("14:22", "^not a date$"),
        ("2026-13-01", "^month 13 does not exist$"),
        ("2026-00-10", "^month 0 does not exist$"),
        ("2026-04-31", "^day 31 does not exist in April$"),
        ("2026-03-00", "^day 0 does not exist in March$"),
        ("2025-02-29", "^day 29 does not exist in February 2025$"),
        ("20261301", "^month 13 does not exist$"),
        ("0000-01-01", "^year 0 does not exist$"),
        ("2026-03-05 25:10", "^time 25:10 does not exist$"),
        ("2026-03-05 24:00", "^time 24:00 does not exist$"),
        ("2026-03-05 14:60", "^time 14:60 does not exist$"),
        ("2026-03-05 14:22:61", "^time 14:22:61 does not exist$"),
        ("202603052510", "^time 25:10 does not exist$"),
        ("2026-03-05 오전 13:00", "^time 오전 13:00 does not exist"),
        ("2026-03-05 오후 2:22 PM", "given twice"),
        ("2026-03-05 14:22 extra", "^not a time$"),
        ("2026-03-05 14:2", "^not a time$"),
        ("2026-03-05T14:22:10+09:00", "^not a time$"),
        ("2026.03.05(금)", "^2026-03-05 is a Thursday, not a Friday$"),
        ("03/05/2026", "write the year first"),
        ("05.03.2026", "write the year first"),
        ("26/03/05", "two-digit year with slashes"),
    ],
)
def test_bad_text_is_refused_with_a_reason(given, reason):
    with pytest.raises(ValueError, match=reason):
        parse_korean_datetime(given)


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (0, "out of range"),
        (-1, "out of range"),
        (0.5, "out of range"),
        (2958466, "out of range"),
        (float("nan"), "out of range"),
        (float("inf"), "out of range"),
        (60, "^day 29 does not exist in February 1900$"),
        (True, "^not a date$"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(given, reason):
    with pytest.raises(ValueError, match=reason):
        parse_korean_datetime(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026.3.5", MARCH_5),
        ("2026-03-05 00:00:00", MARCH_5),
        ("2026-03-05 14:22", MARCH_5),
        (46086.59305, MARCH_5),
        (datetime.datetime(2026, 3, 5, 14, 22), MARCH_5),
        (MARCH_5, MARCH_5),
    ],
)
def test_parse_korean_date_keeps_the_date_alone(given, expected):
    result = parse_korean_date(given)
    assert result == expected
    assert not isinstance(result, datetime.datetime)


@pytest.mark.parametrize(
    ("given", "reason"),
    [("2026-02-30", "^day 30 does not exist in February$"), ("2026-03-05 25:00", "^time 25:00"), ("", "^empty$")],
)
def test_parse_korean_date_refuses_bad_input(given, reason):
    with pytest.raises(ValueError, match=reason):
        parse_korean_date(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("14:22", datetime.time(14, 22)),
        ("9:05", datetime.time(9, 5)),
        ("14:22:10", datetime.time(14, 22, 10)),
        ("00:00", datetime.time(0, 0)),
        ("23:59:59", datetime.time(23, 59, 59)),
        ("오후 2:22", datetime.time(14, 22)),
        ("오후2:22", datetime.time(14, 22)),
        ("오전 9:05", datetime.time(9, 5)),
        ("오전 12:05", datetime.time(0, 5)),
        ("오후 12:05", datetime.time(12, 5)),
        ("오후 2시 22분", datetime.time(14, 22)),
        ("오후 2시", datetime.time(14, 0)),
        ("14시", datetime.time(14, 0)),
        ("14시 22분 10초", datetime.time(14, 22, 10)),
        ("14시22분", datetime.time(14, 22)),
        ("2시 반", datetime.time(2, 30)),
        ("12:00 AM", datetime.time(0, 0)),
        ("12:00 PM", datetime.time(12, 0)),
        ("2:22 pm", datetime.time(14, 22)),
        ("2:22PM", datetime.time(14, 22)),
        ("11:59 a.m.", datetime.time(11, 59)),
        ("１４：２２", datetime.time(14, 22)),
        (0.5, datetime.time(12, 0)),
        (0.0, datetime.time(0, 0)),
        (0.999999999, datetime.time(23, 59, 59)),
        (datetime.time(14, 22), datetime.time(14, 22)),
    ],
)
def test_times(given, expected):
    assert parse_korean_time(given) == expected


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("", "^empty$"),
        ("오후", "^not a time$"),
        ("14", "^not a time$"),
        ("2026-03-05", "^not a time$"),
        ("25:10", "^time 25:10 does not exist$"),
        ("14:60", "^time 14:60 does not exist$"),
        ("25시", "^time 25:00 does not exist$"),
        ("14시 75분", "^time 14:75 does not exist$"),
        ("오후 13:00", "^time 오후 13:00 does not exist"),
        ("PM 2:22 PM", "given twice"),
        (1.0, "fraction of a day"),
        (-0.1, "fraction of a day"),
        (False, "^not a time$"),
        (datetime.time(14, 22, tzinfo=datetime.UTC), "time zone"),
    ],
)
def test_bad_times_are_refused_with_a_reason(given, reason):
    with pytest.raises(ValueError, match=reason):
        parse_korean_time(given)


def test_validated_date_accepts_29_february_in_a_leap_year():
    assert validated_date(2024, 2, 29) == datetime.date(2024, 2, 29)
