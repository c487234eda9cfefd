"""An iCalendar (RFC 5545) invitation for one event: time, place and link only, never case details."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.utils import timezone


def _stamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def calendar_event(
    *,
    uid: str,
    starts_at: datetime.datetime,
    minutes: int,
    summary: str,
    place: str = "",
    link: str = "",
    product: str = "-//JSS//JSS//KO",
) -> str:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{product}", "METHOD:PUBLISH", "BEGIN:VEVENT", f"UID:{uid}",
        f"DTSTAMP:{_stamp(timezone.now())}", f"DTSTART:{_stamp(starts_at)}",
        f"DTEND:{_stamp(starts_at + datetime.timedelta(minutes=minutes))}", f"SUMMARY:{_escape(summary)}",
    ]  # fmt: skip
    if place:
        lines.append(f"LOCATION:{_escape(place)}")
    if link:
        lines.append(f"URL:{link}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"


def ical_response(calendar: str, *, filename: str) -> HttpResponse:
    """The invitation as a download (`filename` without the .ics)."""
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response
