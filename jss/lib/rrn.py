"""Resident registration numbers (주민등록번호) and alien registration numbers (외국인등록번호).

Thirteen digits, "YYMMDD-SXXXXXX": the birth date, then S, which gives sex, century and whether the
person is a foreigner:

    S   century  sex   registered as
    1 2  1900s   M F   Korean
    3 4  2000s   M F   Korean
    5 6  1900s   M F   foreigner
    7 8  2000s   M F   foreigner
    9 0  1800s   M F   Korean

The last digit used to be a check digit, but numbers issued since October 2020 end in random digits, so
a wrong check digit is no reason to refuse a number: `parse_rrn` does not check it, and `checksum_ok` is
there for the rare caller who knows the number is older.

JSS never stores a full number in clear, and nothing here repeats one: error messages name the problem,
not the number, and `RRN` keeps only what the front half and S say, with the masked form for display.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from typing import Literal

from jss.lib.koreandates import validated_date

_FORM = re.compile(r"([0-9]{6})-?([0-9]{7})")
_CENTURY_BY_DIGIT = {"1": 1900, "2": 1900, "3": 2000, "4": 2000, "5": 1900, "6": 1900, "7": 2000, "8": 2000,
                     "9": 1800, "0": 1800}  # fmt: skip
_FOREIGNER_DIGITS = frozenset("5678")
_MALE_DIGITS = frozenset("13579")
_CHECK_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


@dataclasses.dataclass(frozen=True, slots=True)
class RRN:
    """What a registration number says about its holder; the full number itself is not kept."""

    birth_date: datetime.date
    sex: Literal["M", "F"]
    is_foreigner: bool
    masked: str  # "900101-1******": birth date and S, as Korean documents print it


def parse_rrn(text: str) -> RRN:
    """The holder's birth date, sex and foreigner status from "900101-1234567" or "9001011234567".

    Raises ValueError with the reason, never with the number.
    """
    front, back = _split(text)
    century_digit = back[0]
    try:
        birth_date = validated_date(_CENTURY_BY_DIGIT[century_digit] + int(front[:2]), int(front[2:4]), int(front[4:6]))
    except ValueError as error:
        raise ValueError(f"birth date does not exist: {error}") from None
    return RRN(
        birth_date=birth_date,
        sex="M" if century_digit in _MALE_DIGITS else "F",
        is_foreigner=century_digit in _FOREIGNER_DIGITS,
        masked=f"{front}-{century_digit}******",
    )


def checksum_ok(rrn: str) -> bool:
    """Whether the last digit is the check digit: modulo 11 with weights 2…9, 2…5.

    Alien registration numbers use the same weighted sum with their own final step. False proves
    nothing for numbers issued since October 2020. Raises ValueError if the text is not 13 digits.
    """
    front, back = _split(rrn)
    digits = [int(digit) for digit in front + back]
    remainder = sum(weight * digit for weight, digit in zip(_CHECK_WEIGHTS, digits, strict=False)) % 11
    # Korean: 11 − r, written mod 10. Foreign: the same plus 2, mod 10.
    expected = (13 - remainder) % 10 if back[0] in _FOREIGNER_DIGITS else (11 - remainder) % 10
    return digits[12] == expected


def _split(text: str) -> tuple[str, str]:
    match = _FORM.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if not match:
        raise ValueError("not a registration number: expected 13 digits (YYMMDD-NNNNNNN)")
    return match[1], match[2]
