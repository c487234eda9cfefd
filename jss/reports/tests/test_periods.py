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


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    first_half = Period.half_year(2025, 1)
    assert first_half == Period(D(2025, 1, 1), D(2025, 6, 30))
    assert first_half.days == 181  # 31 + 28 + 31 + 30 + 31 + 30
    # 181 days ending 2024-12-31: 31 (Dec) + 30 + 31 + 30 + 31 (Aug) + 28 (4–31 Jul) = 181
    assert first_half.previous() == Period(D(2024, 7, 4), D(2024, 12, 31))
    assert Period.half_year(2025, 2) == Period(D(2025, 7, 1), D(2025, 12, 31))
    # July–December has 184 days (31 + 31 + 30 + 31 + 30 + 31): January–June's 181 and 29–31 December
    assert Period.half_year(2025, 2).previous() == Period(D(2024, 12, 29), D(2025, 6, 30))


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
