"""Reporting periods: inclusive days, the previous period of the same length, the council's half years."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from jss.reports.periods import Period, PeriodError

D = datetime.date


def test_an_inverted_period_is_refused_with_a_message():
    with translation.override("en"), pytest.raises(PeriodError, match="ends before it starts"):
        Period(D(2025, 6, 30), D(2025, 1, 1))


def test_a_period_of_one_day_is_fine():
    assert Period(D(2025, 3, 1), D(2025, 3, 1)).days == 1


def test_the_previous_period_is_the_half_year_or_year_before_else_of_the_same_length():
    first_half = Period.half_year(2025, 1)
    assert first_half == Period(D(2025, 1, 1), D(2025, 6, 30))
    assert first_half.days == 181  # 31 + 28 + 31 + 30 + 31 + 30
    assert first_half.half == 1
    assert first_half.previous() == Period(D(2024, 7, 1), D(2024, 12, 31))  # the second half of 2024 (184 days)
    assert Period.half_year(2025, 2) == Period(D(2025, 7, 1), D(2025, 12, 31))
    assert Period.half_year(2025, 2).previous() == first_half
    assert Period(D(2025, 1, 1), D(2025, 12, 31)).previous() == Period(D(2024, 1, 1), D(2024, 12, 31))
    # Any other period: the same number of days, ending the day before (a quarter: 90 days before 1 April)
    quarter = Period(D(2025, 1, 1), D(2025, 3, 31))
    assert quarter.half is None
    assert quarter.previous() == Period(D(2024, 10, 3), D(2024, 12, 31))


def test_the_last_complete_half_year():
    assert Period.last_complete_half_year(D(2025, 7, 15)) == Period.half_year(2025, 1)
    assert Period.last_complete_half_year(D(2025, 3, 1)) == Period.half_year(2024, 2)


def test_a_half_year_is_annualised_by_days():
    # 365.25 / 181 = 2.01796
    assert Period.half_year(2025, 1).annual_factor == pytest.approx(2.01796, abs=1e-5)


def test_bounds_are_midnights_in_korea():
    period = Period(D(2025, 1, 1), D(2025, 1, 31))
    assert period.since.isoformat() == "2025-01-01T00:00:00+09:00"
    assert period.until.isoformat() == "2025-02-01T00:00:00+09:00"


def test_what_a_user_asks_for_is_checked():
    today = D(2025, 7, 15)
    with translation.override("en"):
        with pytest.raises(PeriodError, match="longer than two years"):
            Period.checked(D(2022, 1, 1), D(2025, 6, 30), today=today)
        with pytest.raises(PeriodError, match="starts in the future"):
            Period.checked(D(2025, 8, 1), D(2025, 12, 31), today=today)
        with pytest.raises(PeriodError, match="ends before it starts"):
            Period.checked(D(2025, 6, 1), D(2025, 5, 1), today=today)
        with pytest.raises(PeriodError):
            Period.half_year(2025, 3)
    assert Period.checked(D(2025, 1, 1), D(2025, 12, 31), today=today).days == 365
