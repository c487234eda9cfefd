"""Kaplan–Meier against a textbook example with known values.

Freireich et al. (1963), the 6-MP arm of the leukaemia remission trial (21 patients), as tabulated in
Kleinbaum & Klein, *Survival Analysis*, and many course notes: remission ended at weeks 6, 6, 6, 7, 10, 13,
16, 22, 23; censored at 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35.
"""

from __future__ import annotations

import pytest

from jss.reports.survival import Observation, estimate_at, kaplan_meier

EVENTS = [6, 6, 6, 7, 10, 13, 16, 22, 23]
CENSORED = [6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]


def freireich() -> list[Observation]:
    return [Observation(t, repeat=True) for t in EVENTS] + [Observation(t, repeat=False) for t in CENSORED]


def test_the_6mp_arm_of_freireich():
    steps = {step.days: step for step in kaplan_meier(freireich()) if step.events}
    # t   at risk  events  S(t)
    # 6   21       3       18/21                = 0.8571
    # 7   17       1       0.8571 × 16/17       = 0.8067
    # 10  15       1       0.8067 × 14/15       = 0.7529
    # 13  12       1       0.7529 × 11/12       = 0.6902
    # 16  11       1       0.6902 × 10/11       = 0.6275
    # 22  7        1       0.6275 × 6/7         = 0.5378
    # 23  6        1       0.5378 × 5/6         = 0.4482
    expected = {6: (21, 3, 0.8571), 7: (17, 1, 0.8067), 10: (15, 1, 0.7529), 13: (12, 1, 0.6902),
                16: (11, 1, 0.6275), 22: (7, 1, 0.5378), 23: (6, 1, 0.4482)}  # fmt: skip
    assert set(steps) == set(expected)
    for days, (at_risk, events, survival) in expected.items():
        assert (steps[days].at_risk, steps[days].events) == (at_risk, events), days
        assert steps[days].survival == pytest.approx(survival, abs=5e-5), days


def test_estimates_between_steps_and_after_the_last_follow_up():
    steps = kaplan_meier(freireich())
    assert estimate_at(steps, 5).survival == 1.0
    at_12 = estimate_at(steps, 12)  # the step at 10 holds until 13
    assert at_12.survival == pytest.approx(0.7529, abs=5e-5)
    assert at_12.events == 5  # 3 + 1 + 1
    assert at_12.at_risk == 12  # 21 − 5 events − 4 censored (6, 9, 10, 11)
    assert estimate_at(steps, 35).survival == pytest.approx(0.4482, abs=5e-5)
    assert estimate_at(steps, 36).survival is None  # nobody is followed beyond 35 weeks


def test_no_observations_is_no_data_and_all_repeats_is_zero():
    assert estimate_at(kaplan_meier([]), 10).survival is None
    steps = kaplan_meier([Observation(1, repeat=True), Observation(2, repeat=True)])
    assert [step.survival for step in steps] == [0.5, 0.0]
    assert estimate_at(steps, 100).survival == 0.0
