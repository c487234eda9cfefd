"""Test helpers: rows written the way the template asks, as CSV in several encodings or as XLSX."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import openpyxl  # type: ignore[import-untyped]

from jss.imports.columns import COLUMNS
from jss.imports.reader import Cell

HEADER = [column.header for column in COLUMNS]
KST = ZoneInfo("Asia/Seoul")


def kst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=KST)


def excel_cell(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """A date or time cell as openpyxl returns it: local time without a time zone."""
    return datetime.datetime.combine(datetime.date(year, month, day), datetime.time(hour, minute))


NOW = kst(2026, 11, 1, 9, 0)


def row(**values: str) -> dict[str, str]:
    """A good row (the 유형, dates, victim and suspect filled in); keyword arguments override by column key."""
    base = {
        "source_reference": "2026-0001",
        "reported_at": "2026.03.05 14:22",
        "occurred_at": "2026.03.05 13:50",
        "domain": "가정폭력",
        "source": "112",
        "region": "일도2동",
        "victim_name": "가나다",
        "victim_birth": "1990.01.01",
        "victim_sex": "여",
        "victim_phone": "010-0000-0001",
        "suspect_name": "라마바",
        "suspect_birth": "1988",
        "suspect_sex": "남",
        "suspect_phone": "010-0000-0002",
        "relationship": "배우자",
        "injury": "Y",
        "alcohol": "Y",
        "police_measures": "응급조치, 입건",
        "narrative": "시험용 가상 사례",
    }
    return base | values


def table_rows(rows: list[dict[str, str]], header: list[str] | None = None) -> list[list[Cell]]:
    keys = [column.key for column in COLUMNS]
    lines: list[list[Cell]] = [list(header or HEADER)]
    lines.extend([values.get(key, "") for key in keys] for values in rows)
    return lines


def csv_text(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table_rows(rows, header))
    return buffer.getvalue()


def xlsx_bytes(lines: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in lines:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
