"""Korean telephone numbers: validation and one canonical, hyphenated form.

Accepted: emergency and public short codes (112, 119, 1366, 1388 …), nationwide numbers
(1577-1391, 1644-8295), mobile (010-1234-5678), Seoul (02-123-4567), the other area codes
(064-123-4567), internet phones (070-…), toll-free (080-…) and personal numbers (050x-…).
"+82" and spaces, dots or brackets are accepted on input.
"""

from __future__ import annotations

import re

_AREA_CODES = {"031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054", "055", "061", "062",
               "063", "064"}  # fmt: skip
_SHORT_CODES = re.compile(r"^1\d{2}$|^1\d{3}$")  # 112, 119, 132 / 1366, 1388, 1330
_NATIONWIDE = re.compile(r"^(15|16|18)\d{6}$")  # 1577-1391, 1644-8295, 1899-…
_MOBILE = re.compile(r"^01[016789]\d{7,8}$")


def normalize_korean_phone(text: str) -> str:
    """The number in its hyphenated form, or ValueError saying what is wrong."""
    raw = text.strip()
    if not raw:
        raise ValueError("empty")
    if re.search(r"[^\d\s\-.()+]", raw):
        raise ValueError("only digits, spaces, hyphens and brackets are allowed")
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        if not digits.startswith("82"):
            raise ValueError("only Korean numbers (+82) are accepted")
        digits = "0" + digits[2:].lstrip("0")
    if _SHORT_CODES.match(digits):
        return digits
    if _NATIONWIDE.match(digits):
        return f"{digits[:4]}-{digits[4:]}"
    if _MOBILE.match(digits):
        return f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}"
    if digits.startswith("02") and len(digits) in (9, 10):
        return f"02-{digits[2:-4]}-{digits[-4:]}"
    if digits[:3] in _AREA_CODES | {"070", "080"} and len(digits) in (10, 11):
        return f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}"
    if digits.startswith("050") and len(digits) in (11, 12):
        return f"{digits[:4]}-{digits[4:-4]}-{digits[-4:]}"
    raise ValueError("not a Korean telephone number")
