"""Dates and times as Korean systems, Korean Excel and people write them.

Accepted dates (year first, always):

- dotted, dashed or slashed: "2026.03.05", "2026.3.5", "2026. 3. 5.", "2026-03-05", "2026/03/05"
- compact: "20260305", and with the time "202603051422" or "20260305142210"
- Korean: "2026년 3월 5일"
- two-digit years with dots, dashes or 년: "26.03.05", "26-03-05", "26년 3월 5일"; 00–69 are 2000–2069,
  70–99 are 1970–1999. Two-digit years with slashes are refused: "03/05/26" is an American date.
- an optional weekday after the date, checked against the date: "2026.03.05(목)", "2026년 3월 5일 목요일"

Accepted times, after the date or alone (`parse_korean_time`):

- 24-hour: "14:22", "14:22:10", "14:22:10.250", "14시", "14시 22분", "14시 22분 10초", "2시 반"
- 12-hour, the marker before or after: "오후 2:22", "오전 9:05", "오후 2시 22분", "2:22 PM", "12:00 AM"

Excel serial numbers (int or float, the 1900 date system of Windows Excel) and `date`, `datetime` and
`time` objects, which openpyxl returns, are accepted as they are.

Every result is naive: the caller makes it aware in Asia/Seoul. Aware datetimes and written offsets
("+09:00", "Z") are refused rather than guessed at. Bad input raises ValueError with a short English
reason ("empty", "not a date", "month 13 does not exist", "day 31 does not exist in April",
"time 25:10 does not exist").

Two-digit years are a guess: "45.03.05" is 2045, so a birth date written that way should be checked
against today by the caller (an elder born in 1945 would otherwise be unborn).
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
import unicodedata

_MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")  # fmt: skip
_KOREAN_WEEKDAYS = "월화수목금토일"  # Monday first, as date.weekday() counts
_ENGLISH_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_SEPARATED = re.compile(
    r"(?P<year>[0-9]{4}|[0-9]{2})\s*(?P<sep>[./-])\s*(?P<month>[0-9]{1,2})\s*(?P=sep)\s*(?P<day>[0-9]{1,2})(?![0-9])(?:\s*\.)?"
)
_KOREAN = re.compile(r"(?P<year>[0-9]{4}|[0-9]{2})\s*년\s*(?P<month>[0-9]{1,2})\s*월\s*(?P<day>[0-9]{1,2})\s*일")
_COMPACT = re.compile(r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})(?![0-9])")
_COMPACT_WITH_TIME = re.compile(
    r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})(?P<hour>[0-9]{2})(?P<minute>[0-9]{2})(?P<second>[0-9]{2})?"
)
_WEEKDAY = re.compile(r"\s*(?:\(\s*(?P<short>[월화수목금토일])(?:요일)?\s*\)|(?P<long>[월화수목금토일])요일)")
_DAY_OR_MONTH_FIRST = re.compile(r"[0-9]{1,2}\s*[./-]\s*[0-9]{1,2}\s*[./-]\s*[0-9]{4}")

_MARKER = r"(?:오전|오후|am|pm|a\.m\.|p\.m\.)"
_CLOCK = re.compile(
    rf"(?P<before>{_MARKER})?\s*(?P<hour>[0-9]{{1,2}})\s*:\s*(?P<minute>[0-9]{{2}})"
    rf"(?:\s*:\s*(?P<second>[0-9]{{2}})(?:\.(?P<fraction>[0-9]{{1,6}}))?)?\s*(?P<after>{_MARKER})?"
)
_KOREAN_CLOCK = re.compile(
    rf"(?P<before>{_MARKER})?\s*(?P<hour>[0-9]{{1,2}})\s*시"
    rf"(?:\s*(?:(?P<half>반)|(?P<minute>[0-9]{{1,2}})\s*분(?:\s*(?P<second>[0-9]{{1,2}})\s*초)?))?\s*(?P<after>{_MARKER})?"
)

# Excel's day 1 is 1900-01-01, and Excel believes 1900 was a leap year: serial 60 is "1900-02-29".
_EXCEL_LAST_SERIAL = 2958465  # 9999-12-31
_SECONDS_PER_DAY = 86400


def parse_korean_datetime(
    text: str | float | datetime.date, *, default_time: datetime.time | None = None
) -> datetime.datetime | datetime.date:
    """A datetime when the text has a time, else a date (or a datetime at `default_time` when given).

    `datetime` objects are returned unchanged; a `date` gets `default_time` when given.
    """
    if isinstance(text, datetime.datetime):
        return _naive(text)
    if isinstance(text, datetime.date):
        return _with_default_time(text, default_time)
    if isinstance(text, bool):
        raise ValueError("not a date")
    if isinstance(text, int | float):
        serial = _from_excel_serial(text)
        if isinstance(serial, datetime.datetime):
            return serial
        return _with_default_time(serial, default_time)
    cleaned = _clean(text)
    if not cleaned:
        raise ValueError("empty")
    compact = _COMPACT_WITH_TIME.fullmatch(cleaned)
    if compact:
        day = validated_date(int(compact["year"]), int(compact["month"]), int(compact["day"]))
        hour, minute = int(compact["hour"]), int(compact["minute"])
        return datetime.datetime.combine(day, _validated_time(hour, minute, int(compact["second"] or 0)))
    day, rest = _parse_date_part(cleaned)
    if not rest:
        return _with_default_time(day, default_time)
    return datetime.datetime.combine(day, _parse_time_text(rest))


def parse_korean_date(text: str | float | datetime.date) -> datetime.date:
    """The date alone. A time after the date, if any, is checked and dropped ("2026-03-05 00:00:00")."""
    parsed = parse_korean_datetime(text)
    if isinstance(parsed, datetime.datetime):
        return parsed.date()
    return parsed


def parse_korean_time(text: str | float | datetime.time) -> datetime.time:
    """A time of day: "14:22", "오후 2:22", "오후 2시 22분", "14시", or an Excel fraction of a day (0.5 → 12:00)."""
    if isinstance(text, datetime.time):
        if text.tzinfo is not None:
            raise ValueError("has a time zone; expected local time")
        return text
    if isinstance(text, bool):
        raise ValueError("not a time")
    if isinstance(text, int | float):
        if not math.isfinite(text) or not 0 <= text < 1:
            raise ValueError("not a time: an Excel time is a fraction of a day")
        seconds = round(text * _SECONDS_PER_DAY)
        if seconds == _SECONDS_PER_DAY:  # 23:59:59.6 rounds up to midnight; keep it on the same day
            seconds -= 1
        return _validated_time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    cleaned = _clean(text)
    if not cleaned:
        raise ValueError("empty")
    return _parse_time_text(cleaned)


def validated_date(year: int, month: int, day: int) -> datetime.date:
    """The date, or ValueError saying which part does not exist ("day 31 does not exist in April")."""
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} does not exist")
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} does not exist")
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        if month == 2 and day == 29:
            raise ValueError(f"day 29 does not exist in February {year}")
        raise ValueError(f"day {day} does not exist in {_MONTH_NAMES[month]}")
    return datetime.date(year, month, day)


def _clean(text: str) -> str:
    """Full-width digits and letters made plain, whitespace collapsed, latin lowercased."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).lower()


def _naive(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is not None:
        raise ValueError("has a time zone; expected local time")
    return value


def _with_default_time(day: datetime.date, default_time: datetime.time | None) -> datetime.date | datetime.datetime:
    if default_time is None:
        return day
    return datetime.datetime.combine(day, default_time)


def _from_excel_serial(serial: float) -> datetime.date | datetime.datetime:
    if not math.isfinite(serial) or not 1 <= serial < _EXCEL_LAST_SERIAL + 1:
        raise ValueError("not a date: Excel serial number out of range")
    whole_days = math.floor(serial)
    if whole_days == 60:
        raise ValueError("day 29 does not exist in February 1900")
    epoch = datetime.date(1899, 12, 31) if whole_days < 60 else datetime.date(1899, 12, 30)
    day = epoch + datetime.timedelta(days=whole_days)
    seconds = round((serial - whole_days) * _SECONDS_PER_DAY)
    if seconds == 0:
        return day
    if seconds == _SECONDS_PER_DAY:  # a hair before midnight; keep it on the same day
        seconds -= 1
    return datetime.datetime.combine(day, _validated_time(seconds // 3600, seconds % 3600 // 60, seconds % 60))


def _parse_date_part(text: str) -> tuple[datetime.date, str]:
    """The date at the start of the text and what follows it (the time, or "")."""
    match = _KOREAN.match(text) or _SEPARATED.match(text) or _COMPACT.match(text)
    if not match:
        if _DAY_OR_MONTH_FIRST.match(text):
            raise ValueError("not a date: write the year first (2026-03-05); 03/05/2026 is ambiguous")
        raise ValueError("not a date")
    year_text = match["year"]
    if len(year_text) == 2 and match.groupdict().get("sep") == "/":
        raise ValueError("not a date: a two-digit year with slashes is ambiguous; write 2026/03/05")
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if year < 70 else 1900
    day = validated_date(year, int(match["month"]), int(match["day"]))
    rest = text[match.end() :]
    weekday = _WEEKDAY.match(rest)
    if weekday:
        written = _KOREAN_WEEKDAYS.index(weekday["short"] or weekday["long"])
        if written != day.weekday():
            raise ValueError(
                f"{day.isoformat()} is a {_ENGLISH_WEEKDAYS[day.weekday()]}, not a {_ENGLISH_WEEKDAYS[written]}"
            )
        rest = rest[weekday.end() :]
    rest = rest.strip()
    if rest.startswith("t"):  # ISO 8601: 2026-03-05T14:22:10
        rest = rest[1:]
    return day, rest


def _parse_time_text(text: str) -> datetime.time:
    match = _CLOCK.fullmatch(text) or _KOREAN_CLOCK.fullmatch(text)
    if not match:
        raise ValueError("not a time")
    groups = match.groupdict()
    if groups["before"] and groups["after"]:
        raise ValueError("not a time: 오전/오후 (AM/PM) given twice")
    marker = groups["before"] or groups["after"]
    hour = int(groups["hour"])
    minute = 30 if groups.get("half") else int(groups["minute"] or 0)
    second = int(groups["second"] or 0)
    microsecond = int((groups.get("fraction") or "0").ljust(6, "0"))
    if marker is None:
        return _validated_time(hour, minute, second, microsecond)
    if not 0 <= hour <= 12:
        raise ValueError(f"time {marker} {hour}:{minute:02d} does not exist; with 오전/오후 the hour is 1 to 12")
    afternoon = marker in {"오후", "pm", "p.m."}
    hour = hour % 12 + (12 if afternoon else 0)
    return _validated_time(hour, minute, second, microsecond)


def _validated_time(hour: int, minute: int, second: int, microsecond: int = 0) -> datetime.time:
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        written = f"{hour}:{minute:02d}" + (f":{second:02d}" if second else "")
        raise ValueError(f"time {written} does not exist")
    return datetime.time(hour, minute, second, microsecond)
