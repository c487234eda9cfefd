"""Kaplan–Meier estimate of the time to the first repeat (docs/metrics.md, "Recurrence after intervention").

Each case is followed from its council referral until its first repeat (an event) or until nothing more is
known (censored). At each time with at least one event, the share still without a repeat is multiplied by
(1 − events / cases still followed then). Cases censored at the same time as an event count as followed
at that time (the usual convention).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Observation:
    days: float  # from the referral to the first repeat, or to the end of what is known
    repeat: bool  # True: a repeat at `days`; False: censored at `days`


@dataclass(frozen=True)
class Step:
    days: float
    at_risk: int  # cases still followed just before `days`
    events: int  # first repeats at `days`
    censored: int  # cases whose follow-up ends at `days` without a repeat
    survival: float  # share without a repeat after `days`


def kaplan_meier(observations: Iterable[Observation]) -> tuple[Step, ...]:
    """One step per distinct time with an event or a censoring, in time order."""
    events: Counter[float] = Counter()
    censored: Counter[float] = Counter()
    for observation in observations:
        (events if observation.repeat else censored)[observation.days] += 1
    at_risk = sum(events.values()) + sum(censored.values())
    survival = 1.0
    steps = []
    for days in sorted(events.keys() | censored.keys()):
        if events[days]:
            survival *= 1 - events[days] / at_risk
        steps.append(Step(days, at_risk, events[days], censored[days], survival))
        at_risk -= events[days] + censored[days]
    return tuple(steps)


@dataclass(frozen=True)
class Estimate:
    survival: float | None  # None: nobody is followed that long
    at_risk: int  # cases still followed at `days`
    events: int  # first repeats up to and including `days`


def estimate_at(steps: tuple[Step, ...], days: float) -> Estimate:
    """The survival after `days`; None when every case's follow-up ended before `days`."""
    survival = 1.0
    events = 0
    followed = steps[0].at_risk if steps else 0
    for step in steps:
        if step.days > days:
            break
        survival = step.survival
        events += step.events
        followed = step.at_risk - step.events - step.censored
    if not steps or (followed == 0 and steps[-1].days < days and survival > 0):
        return Estimate(None, followed, events)
    return Estimate(survival, followed, events)
