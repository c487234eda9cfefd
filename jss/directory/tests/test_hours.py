"""Opening hours in words (the same on screen and in the booklet) and open now, on plain periods."""

import datetime
import zoneinfo

import pytest
from django.utils import translation

from jss.directory.hours import PeriodRow, hours_in_words, is_open

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
OFFICE = [PeriodRow(day, datetime.time(9), datetime.time(18)) for day in range(5)]
SATURDAY_MORNING = [PeriodRow(5, datetime.time(9), datetime.time(13))]
WEDNESDAY_NIGHT = [
    PeriodRow(2, datetime.time(18), datetime.time(23, 59)),
    PeriodRow(3, datetime.time(0), datetime.time(9)),
]
SPLIT_MONDAY = [PeriodRow(0, datetime.time(9), datetime.time(12)), PeriodRow(0, datetime.time(13), datetime.time(18))]


@pytest.mark.parametrize(
    ("always_open", "on_holidays", "periods", "korean", "english"),
    [
        (True, True, [], "연중무휴 24시간 운영", "Open 24 hours, every day"),
        (False, False, OFFICE, "평일 09:00–18:00 · 공휴일 휴무", "Weekdays 09:00–18:00 · Closed on public holidays"),
        (
            False, True, OFFICE + SATURDAY_MORNING,
            "평일 09:00–18:00 · 토 09:00–13:00 · 공휴일 운영",
            "Weekdays 09:00–18:00 · Sat 09:00–13:00 · Open on public holidays",
        ),
        (
            False, False, WEDNESDAY_NIGHT,
            "수 18:00–24:00 · 목 00:00–09:00 · 공휴일 휴무",
            "Wed 18:00–24:00 · Thu 00:00–09:00 · Closed on public holidays",
        ),
        (
            False, False, SPLIT_MONDAY,
            "월 09:00–12:00, 13:00–18:00 · 공휴일 휴무",
            "Mon 09:00–12:00, 13:00–18:00 · Closed on public holidays",
        ),
        (False, False, [], "운영 시간: 전화 문의", "Hours: ask by phone"),
    ],
    ids=["always", "office", "saturday", "overnight", "split", "unknown"],
)  # fmt: skip
def test_hours_in_words(always_open, on_holidays, periods, korean, english):
    for language, expected in (("ko", korean), ("en", english)):
        with translation.override(language):
            assert hours_in_words(always_open=always_open, open_on_holidays=on_holidays, periods=periods) == expected


@pytest.mark.parametrize(
    ("now", "status", "always_open", "on_holidays", "periods", "expected"),
    [
        (datetime.datetime(2026, 11, 24, 12, 0, tzinfo=SEOUL), "active", False, False, OFFICE, True),
        (datetime.datetime(2026, 11, 24, 18, 0, tzinfo=SEOUL), "active", False, False, OFFICE, False),  # closes at 18
        (datetime.datetime(2026, 11, 24, 3, 0, tzinfo=datetime.UTC), "active", False, False, OFFICE, True),  # 12:00 KST
        (datetime.datetime(2026, 9, 25, 12, 0, tzinfo=SEOUL), "active", False, False, OFFICE, False),  # 추석
        (datetime.datetime(2026, 9, 25, 12, 0, tzinfo=SEOUL), "active", False, True, OFFICE, True),
        (datetime.datetime(2026, 11, 26, 8, 0, tzinfo=SEOUL), "active", False, False, WEDNESDAY_NIGHT, True),  # Thu
        (datetime.datetime(2026, 11, 25, 23, 59, 30, tzinfo=SEOUL), "active", False, False, WEDNESDAY_NIGHT, True),
        (datetime.datetime(2026, 11, 24, 12, 0, tzinfo=SEOUL), "temporarily closed", True, True, [], False),
        (datetime.datetime(2026, 11, 29, 3, 0, tzinfo=SEOUL), "active", True, True, [], True),
    ],
    ids=["office", "closing", "utc", "holiday", "open-on-holidays", "overnight", "to-midnight", "closed", "always"],
)  # fmt: skip
def test_open_now_in_korea_time(now, status, always_open, on_holidays, periods, expected):
    assert (
        is_open(status=status, always_open=always_open, open_on_holidays=on_holidays, periods=periods, now=now)
        is expected
    )
