"""Demo incidents: three years of Jeju reports at Jeju's rates, the persons each institution recorded, the truth.

Two steps, so the numbers can be checked without a database:

    plan = plan_incidents(seed=2023, end=datetime.date(2025, 7, 1))   # pure: no database
    result = save_plan(plan)                                           # bulk insert, one audit event

`generate_incidents` does both, writes the truth file and evaluates the repeat rules once. docs/demo-data.md
describes the data and its sources; every figure below cites facts.md (/work/shared/reference/facts.md) or
says it is an estimate.

How the plan is made:

1. Report times. For each kind of violence, each of the `years` years before `end` gets its yearly number of
   reports (RATES; `scale` multiplies it), spread over the days by month, weekday and holiday factors and
   over the hours of the day by the kind's hour profile. These times are "slots".
2. Pairs. Victim–suspect pairs (people from `jss.demo.people.Generator`: Jeju surnames, households,
   phones 010-0NNN-NNNN that no subscriber has) take the slots. The number of reports per pair follows
   the kind's REPEATS distribution: most pairs report once, a few many times. A pair's reports follow one
   another at its own pace; an escalating pair's gaps shrink and its severity rises. Slots left over
   become pairs that report once, so every slot is used exactly once and the yearly numbers, seasons and
   hours stay as planned. Some child-abuse pairs are a parent and a child of a household that also has
   domestic violence (the cross-domain rule).
3. Each report goes to an institution that fits its source (112 → the police station of the place,
   1366 → the women's hotline, …), which records the victim and the suspect: the first time it sees
   someone it creates a Person record as that institution writes people down (VARIATION: 1366 callers
   often give no birth date or address, hospitals have exact birth dates, …); when it sees them again it
   mostly finds and reuses its record (REUSE), sometimes creates a second one. Another institution never
   shares a record: linking them is the linkage's job, measured against the truth (`jss/demo/truth.py`).
4. A few hand-shaped cases in 제주동부경찰서's area just before `end` (SHOWCASE) make every repeat rule
   fire whatever the scale, so the triage list of the demo coordinator always has something to show.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import holidays
import yaml
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from jss.accounts.models import User
from jss.audit.services import record
from jss.demo import people as synthetic
from jss.demo.narratives import narrative
from jss.demo.services import read_institution_file
from jss.incidents.models import INCIDENT_FIELDS, MARKER_FIELDS, Incident, Party
from jss.incidents.services import IncidentData, PartyData, build_person
from jss.institutions.models import Institution
from jss.people.matching import Identity
from jss.people.models import Household, Person, Relationship
from jss.regions.models import Region
from jss.repeats.engine import Evaluation, evaluate_all
from jss.repeats.models import Flag

Domain = Incident.Domain
Source = Incident.Source
Measure = Incident.PoliceMeasure
Kind = Relationship.Kind

REFERENCE_PREFIX = "DEMO"
T = TypeVar("T")
BATCH = 500
DAY = datetime.timedelta(days=1)

# --- rates ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    per_year: int
    basis: str  # "112": the figure counts 112 reports (other sources come on top); "all": every report
    source: str  # where the figure comes from


RATES: dict[str, Rate] = {
    Domain.DOMESTIC_VIOLENCE: Rate(3600, "112", "facts.md: Jeju DV 112 reports 3,553 (2022), 3,627 (2023)"),
    Domain.CHILD_ABUSE: Rate(480, "112", "facts.md: ~480 112 reports a year (MOHW: 779 reports in 2024)"),
    Domain.STALKING: Rate(370, "112", "facts.md: 53 per 100,000 × 700,000"),
    Domain.ELDER_ABUSE: Rate(285, "all", "facts.md estimate: ~285 reports a year"),
    Domain.DISABILITY_ABUSE: Rate(70, "all", "facts.md estimate: ~70 reports a year"),
    Domain.SCHOOL_VIOLENCE: Rate(760, "all", "facts.md estimate: ~760 cases a year"),
    Domain.DATING_VIOLENCE: Rate(1500, "112", "facts.md: 1,522 reports (2024, jejumbc.com 190427)"),
    # No figure in facts.md. Estimate: nationally about 30,000 sexual-violence crimes are recorded a year
    # (about 60 per 100,000); × 700,000 gives ~420 for Jeju. A modest 400, labelled an estimate.
    Domain.SEXUAL_VIOLENCE: Rate(400, "all", "estimate: ~60 per 100,000 × 700,000, rounded down"),
}

# Sources of each kind's reports (shares). For a "112" basis the 112 share is the figure, the others come on
# top: 3,600 DV 112 reports a year at 90% make 4,000 DV reports in all. Child abuse: 480 112 reports at 60%
# make 800 reports, close to MOHW's 779 (facts.md). The other shares are estimates.
SOURCES: dict[str, list[tuple[str, float]]] = {
    Domain.DOMESTIC_VIOLENCE: [(Source.POLICE_112, 0.90), (Source.HOTLINE_1366, 0.06), (Source.COUNSELLING, 0.04)],
    Domain.CHILD_ABUSE: [
        (Source.POLICE_112, 0.60), (Source.CHILD_PROTECTION, 0.25), (Source.SCHOOL, 0.09), (Source.HOSPITAL, 0.06),
    ],
    Domain.STALKING: [(Source.POLICE_112, 0.90), (Source.HOTLINE_1366, 0.06), (Source.COUNSELLING, 0.04)],
    Domain.ELDER_ABUSE: [(Source.POLICE_112, 0.40), (Source.ELDER_PROTECTION, 0.50), (Source.HOSPITAL, 0.10)],
    Domain.DISABILITY_ABUSE: [
        (Source.DISABILITY_PROTECTION, 0.60), (Source.POLICE_112, 0.30), (Source.HOSPITAL, 0.10),
    ],
    Domain.SCHOOL_VIOLENCE: [(Source.SCHOOL, 0.65), (Source.POLICE_112, 0.25), (Source.COUNSELLING, 0.10)],
    Domain.DATING_VIOLENCE: [(Source.POLICE_112, 0.85), (Source.HOTLINE_1366, 0.09), (Source.COUNSELLING, 0.06)],
    Domain.SEXUAL_VIOLENCE: [(Source.POLICE_112, 0.55), (Source.COUNSELLING, 0.35), (Source.HOSPITAL, 0.10)],
}  # fmt: skip
STICKY_SOURCE = 0.8  # a pair's reports mostly go where its first one went
IMMEDIATE = frozenset({Source.POLICE_112, Source.HOTLINE_1366})  # reported as it happens, day and night


def yearly_count(domain: str, scale: float = 1.0) -> int:
    """Reports of this kind per year in the plan (all sources)."""
    rate = RATES[domain]
    share = dict(SOURCES[domain])[Source.POLICE_112] if rate.basis == "112" else 1.0
    return round(rate.per_year / share * scale)


# --- seasons and hours -------------------------------------------------------------------------------

# Month factors, January first. DV peaks July–September (facts.md); the others are estimates: school
# violence and reports from schools follow the school year (vacations January–February and August).
FLAT = (1.0,) * 12
MONTHS: dict[str, tuple[float, ...]] = {
    Domain.DOMESTIC_VIOLENCE: (0.95, 0.92, 0.93, 0.95, 1.0, 1.02, 1.14, 1.16, 1.12, 0.98, 0.93, 0.95),
    Domain.CHILD_ABUSE: (0.85, 0.8, 1.05, 1.05, 1.1, 1.1, 1.05, 0.85, 1.05, 1.1, 1.05, 0.95),
    Domain.SCHOOL_VIOLENCE: (0.4, 0.3, 1.1, 1.3, 1.3, 1.25, 1.0, 0.4, 1.15, 1.3, 1.3, 1.0),
    Domain.DATING_VIOLENCE: (0.95, 0.95, 1.0, 1.0, 1.05, 1.05, 1.1, 1.1, 1.0, 0.95, 0.95, 0.9),
    Domain.SEXUAL_VIOLENCE: (0.85, 0.8, 0.9, 0.95, 1.05, 1.1, 1.2, 1.2, 1.05, 1.0, 0.95, 0.9),
}
# Monday first. Estimates: school violence is reported on school days.
WEEKDAYS: dict[str, tuple[float, ...]] = {
    Domain.SCHOOL_VIOLENCE: (1.15, 1.15, 1.15, 1.15, 1.1, 0.35, 0.3),
    Domain.CHILD_ABUSE: (1.05, 1.05, 1.05, 1.05, 1.05, 0.85, 0.85),
}
# Chuseok and Seollal days: DV ~1.5× the daily average (facts.md); elder abuse 1.2× (estimate: families meet).
FESTIVAL: dict[str, float] = {Domain.DOMESTIC_VIOLENCE: 1.5, Domain.ELDER_ABUSE: 1.2}
FESTIVAL_NAMES = ("Chuseok", "Korean New Year")

NIGHT_HOURS = (21, 22, 23, 0, 1, 2)
# Relative weights of the hours 0–23 outside the night (the night's share is set separately).
EVENING = (0, 0, 0, 4.5, 3.0, 1.8, 1.5, 1.6, 1.8, 2.0, 2.2, 2.3, 2.4, 2.4, 2.5, 2.6, 2.8, 3.1, 3.5, 4.2, 5.3, 0, 0, 0)
NIGHT = (8.5, 7.5, 7.0) + (0,) * 18 + (7.0, 8.5, 8.5)
DAYTIME = (0, 0, 0, 0.3, 0.2, 0.3, 0.6, 1.2, 2.5, 3.5, 4, 4, 3.8, 4, 4, 4, 3.8, 3.5, 3, 2.5, 2, 0, 0, 0)
SCHOOL_HOURS = (0, 0, 0, 0, 0, 0, 0.1, 0.5, 2.5, 3, 3, 3, 3.5, 3.5, 3.5, 4, 4.5, 3.5, 2, 1, 0.5, 0, 0, 0)
# (share of reports between 21:00 and 03:00, shape of the rest). DV: 47% at night (facts.md); others estimates.
HOURS: dict[str, tuple[float, tuple[float, ...]]] = {
    Domain.DOMESTIC_VIOLENCE: (0.47, EVENING),
    Domain.DATING_VIOLENCE: (0.42, EVENING),
    Domain.SEXUAL_VIOLENCE: (0.45, EVENING),
    Domain.STALKING: (0.30, EVENING),
    Domain.CHILD_ABUSE: (0.10, DAYTIME),
    Domain.ELDER_ABUSE: (0.10, DAYTIME),
    Domain.DISABILITY_ABUSE: (0.06, DAYTIME),
    Domain.SCHOOL_VIOLENCE: (0.02, SCHOOL_HOURS),
}

# --- repeats, relationships, circumstances ------------------------------------------------------------

# Reports per victim–suspect pair over three years: ((fewest, most), share of pairs). Most pairs report
# once; a small share reports many times ("power few": about 2% of pairs cause 50–80% of harm, facts.md).
# Re-abuse of children 8.7% within a year, elders 10.8%, disabled people ~9% (facts.md) guide the
# protection kinds; the DV tail follows the police's 재발우려가정 grades (3+ reports in a year).
REPEATS: dict[str, list[tuple[tuple[int, int], float]]] = {
    Domain.DOMESTIC_VIOLENCE: [((1, 1), 0.72), ((2, 2), 0.13), ((3, 4), 0.08), ((5, 8), 0.04), ((9, 15), 0.02),
                               ((16, 30), 0.01)],
    Domain.DATING_VIOLENCE: [((1, 1), 0.80), ((2, 2), 0.11), ((3, 4), 0.06), ((5, 10), 0.03)],
    Domain.STALKING: [((1, 1), 0.70), ((2, 3), 0.20), ((4, 8), 0.08), ((9, 15), 0.02)],
    Domain.CHILD_ABUSE: [((1, 1), 0.85), ((2, 2), 0.10), ((3, 5), 0.05)],
    Domain.ELDER_ABUSE: [((1, 1), 0.87), ((2, 2), 0.09), ((3, 4), 0.04)],
    Domain.DISABILITY_ABUSE: [((1, 1), 0.88), ((2, 3), 0.12)],
    Domain.SCHOOL_VIOLENCE: [((1, 1), 0.93), ((2, 3), 0.07)],
    Domain.SEXUAL_VIOLENCE: [((1, 1), 0.95), ((2, 3), 0.05)],
}  # fmt: skip
ESCALATING: dict[str, float] = {
    Domain.DOMESTIC_VIOLENCE: 0.35,
    Domain.DATING_VIOLENCE: 0.35,
    Domain.STALKING: 0.3,
}  # of 3+ pairs
CROSS_DOMAIN_SHARE = 0.2  # of child-abuse pairs: a parent and child of a household with domestic violence

# Who the victim and suspect are to each other (estimates).
RELATIONSHIPS: dict[str, list[tuple[str, float]]] = {
    Domain.DOMESTIC_VIOLENCE: [(Kind.SPOUSE, 0.66), (Kind.EX_SPOUSE, 0.12), (Kind.PARENT_CHILD, 0.14),
                               (Kind.SIBLINGS, 0.05), (Kind.OTHER_FAMILY, 0.03)],
    Domain.CHILD_ABUSE: [(Kind.PARENT_CHILD, 0.85), (Kind.OTHER_FAMILY, 0.08), (Kind.STAFF_RESIDENT, 0.07)],
    Domain.ELDER_ABUSE: [(Kind.PARENT_CHILD, 0.55), (Kind.SPOUSE, 0.25), (Kind.CARER_ELDER, 0.15),
                         (Kind.OTHER_FAMILY, 0.05)],
    Domain.DISABILITY_ABUSE: [(Kind.STAFF_RESIDENT, 0.35), (Kind.PARENT_CHILD, 0.35), (Kind.OTHER_FAMILY, 0.10),
                              (Kind.ACQUAINTANCE, 0.20)],
    Domain.SCHOOL_VIOLENCE: [(Kind.PEERS, 1.0)],
    Domain.DATING_VIOLENCE: [(Kind.DATING, 1.0)],
    Domain.STALKING: [(Kind.DATING, 0.35), (Kind.EX_SPOUSE, 0.10), (Kind.ACQUAINTANCE, 0.30), (Kind.STRANGER, 0.25)],
    Domain.SEXUAL_VIOLENCE: [(Kind.ACQUAINTANCE, 0.45), (Kind.STRANGER, 0.25), (Kind.DATING, 0.12),
                             (Kind.OTHER_FAMILY, 0.10), (Kind.PEERS, 0.08)],
}  # fmt: skip
UNKNOWN_STRANGER: dict[str, float] = {Domain.STALKING: 0.4, Domain.SEXUAL_VIOLENCE: 0.6}  # no suspect recorded

# Share of reports with the suspect drunk: DV 47% (facts.md); the others are estimates.
ALCOHOL: dict[str, float] = {
    Domain.DOMESTIC_VIOLENCE: 0.47, Domain.DATING_VIOLENCE: 0.40, Domain.SEXUAL_VIOLENCE: 0.30,
    Domain.ELDER_ABUSE: 0.25, Domain.STALKING: 0.15, Domain.CHILD_ABUSE: 0.15, Domain.DISABILITY_ABUSE: 0.08,
    Domain.SCHOOL_VIOLENCE: 0.01,
}  # fmt: skip
DRINKER, SOBER = 0.85, 0.10  # a pair's suspect drinks at one of two levels; the mix gives the share above

# Severity markers per report (estimates; critical ones are rare). `pregnancy` applies to women 18–45.
MARKERS: dict[str, dict[str, float]] = {
    Domain.DOMESTIC_VIOLENCE: {"injury": 0.22, "weapon": 0.02, "strangulation": 0.008, "threat_to_kill": 0.012,
                               "sexual_violence": 0.004, "pregnancy": 0.01},
    Domain.DATING_VIOLENCE: {"injury": 0.25, "weapon": 0.015, "strangulation": 0.008, "threat_to_kill": 0.01,
                             "sexual_violence": 0.01, "pregnancy": 0.005},
    Domain.CHILD_ABUSE: {"injury": 0.25, "weapon": 0.005},
    Domain.ELDER_ABUSE: {"injury": 0.18, "weapon": 0.005},
    Domain.DISABILITY_ABUSE: {"injury": 0.15},
    Domain.SCHOOL_VIOLENCE: {"injury": 0.15},
    Domain.STALKING: {"threat_to_kill": 0.01, "weapon": 0.003},
    Domain.SEXUAL_VIOLENCE: {"injury": 0.10},
}  # fmt: skip
# Escalating pairs: added to the base rate at the last report (in proportion before it).
ESCALATION_MARKERS = {"injury": 0.45, "strangulation": 0.15, "threat_to_kill": 0.15, "weapon": 0.06}
# Booked as a criminal case, before severity and repeats add to it (estimates; DV lands near the 17% of
# 2018: 3,912 reports → 667 booked, facts.md).
BOOKED: dict[str, float] = {
    Domain.DOMESTIC_VIOLENCE: 0.08, Domain.DATING_VIOLENCE: 0.18, Domain.STALKING: 0.30, Domain.SEXUAL_VIOLENCE: 0.70,
    Domain.CHILD_ABUSE: 0.20, Domain.ELDER_ABUSE: 0.15, Domain.DISABILITY_ABUSE: 0.25, Domain.SCHOOL_VIOLENCE: 0.08,
}  # fmt: skip
CRITICAL = frozenset({"weapon", "strangulation", "threat_to_kill", "sexual_violence", "pregnancy"})

# --- institutions and how they write people down --------------------------------------------------------

# When the same person comes back to the same institution, the officer mostly picks the suggestion.
REUSE = 0.88
# Institutions that record households (the police's 재발우려가정 register, protection agencies' case files).
HOUSEHOLD_RECORDERS = frozenset({"police_station", "child_protection", "elder_protection"})
FAMILY = frozenset({Kind.SPOUSE, Kind.PARENT_CHILD, Kind.SIBLINGS, Kind.OTHER_FAMILY, Kind.DATING})
DIRECTED = frozenset({Kind.PARENT_CHILD, Kind.CARER_ELDER, Kind.STAFF_RESIDENT})

# Variation by kind of institution (over jss.demo.people.RATES; estimates of how each writes people
# down): 112 officers ask the age at the scene and always have the caller's number; 1366 callers often
# stay vague; hospitals and child protection agencies work from registration data.
VARIATION: dict[str, dict[str, float]] = {
    "police_station": {"phone_missing": 0.08, "birth_missing": 0.04, "birth_year_only": 0.12, "given_typo": 0.05},
    "women_hotline": {"birth_missing": 0.30, "birth_year_only": 0.30, "address_missing": 0.45, "unit_missing": 0.3,
                      "phone_missing": 0.10, "given_typo": 0.06},
    "child_protection": {"birth_missing": 0.01, "birth_year_only": 0.01, "birth_digit": 0.01, "address_missing": 0.03},
    "elder_protection": {"birth_missing": 0.02, "birth_year_only": 0.05, "phone_missing": 0.35,
                         "address_lot_form": 0.15},
    "disability_protection": {"birth_missing": 0.02, "birth_year_only": 0.03, "phone_missing": 0.25},
    "school": {"birth_missing": 0.01, "birth_year_only": 0.01, "address_missing": 0.25, "given_typo": 0.02},
    "hospital": {"birth_missing": 0.0, "birth_year_only": 0.0, "birth_swap": 0.005, "birth_digit": 0.01,
                 "given_typo": 0.015, "phone_missing": 0.05, "address_missing": 0.02, "address_lot_form": 0.10},
    "womens_counselling": {"birth_missing": 0.08, "birth_year_only": 0.15, "address_missing": 0.25},
    "youth_counselling": {"birth_year_only": 0.05, "address_missing": 0.30},
    "sunflower_centre": {"birth_missing": 0.01, "birth_year_only": 0.02, "address_missing": 0.10},
}  # fmt: skip

# Marriage migrants among DV victims (Jeju has 25,456 foreign residents, facts.md; the share is an estimate),
# written in Hangul as Korean institutions write them. (nationality, interpreter language, surnames, names)
MIGRANT_SHARE = 0.05
MIGRANTS = [
    ("VN", "vi", ["응우옌", "쩐", "레", "팜", "호앙"], ["티란", "티흐엉", "티마이", "티투", "티응아", "티하"]),
    ("CN", "zh", ["왕", "장", "류", "천", "자오"], ["메이", "팡", "리나", "샤오리", "옌"]),
    ("PH", "tl", ["산토스", "레예스", "크루즈", "가르시아"], ["마리아", "조이", "크리스티나", "로살린"]),
    ("KH", "km", ["속", "찬", "림"], ["스레이", "소피아", "다비"]),
]
DISABILITIES = [("intellectual", 0.4), ("developmental", 0.3), ("physical", 0.2), ("sensory", 0.1)]

# Hand-shaped cases in 제주동부경찰서's area (module docstring, point 4): region, then (days before `end`,
# hour, source, markers, police measures) per report.
SHOWCASE_DV_REGION = "5011054000"  # 이도2동
SHOWCASE_B_REGION = "5011063000"  # 아라동
SHOWCASE_STALKING_REGION = "5011060000"  # 화북동
ShowcaseReport = tuple[int, int, str, tuple[str, ...], tuple[str, ...]]
SHOWCASE_ESCALATION: list[ShowcaseReport] = [
    (230, 22, Source.POLICE_112, (), (Measure.ON_SCENE_CLOSURE,)),
    (150, 23, Source.POLICE_112, ("injury",), (Measure.EMERGENCY_MEASURES, Measure.REFERRED)),
    (88, 1, Source.POLICE_112, ("injury",), (Measure.EMERGENCY_MEASURES, Measure.BOOKED)),
    (41, 22, Source.POLICE_112, ("injury", "strangulation"), (Measure.EMERGENCY_MEASURES, Measure.BOOKED)),
    (9, 0, Source.POLICE_112, ("injury", "threat_to_kill"),
     (Measure.EMERGENCY_TEMPORARY_ORDER, Measure.BOOKED, Measure.REFERRED)),
]  # fmt: skip
SHOWCASE_CHILD: list[ShowcaseReport] = [
    (33, 20, Source.POLICE_112, ("injury",), (Measure.EMERGENCY_MEASURES, Measure.REFERRED)),
    (30, 10, Source.CHILD_PROTECTION, (), ()),
]
SHOWCASE_GRADE_B: list[ShowcaseReport] = [
    (140, 21, Source.POLICE_112, (), (Measure.ON_SCENE_CLOSURE,)),
    (16, 23, Source.POLICE_112, ("injury",), (Measure.EMERGENCY_MEASURES, Measure.REFERRED)),
]
SHOWCASE_STALKING: list[ShowcaseReport] = [
    (25, 19, Source.POLICE_112, (), (Measure.EMERGENCY_MEASURES,)),
    (4, 22, Source.POLICE_112, (), (Measure.EMERGENCY_MEASURES, Measure.BOOKED)),
]


# --- the plan -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedRecord:
    """One institution's Person record of one real person, as that institution wrote it down."""

    entity_id: int  # the truth: which real person
    institution: str  # institution key (jss/demo/data/institutions.yaml)
    family_name: str
    given_name: str
    birth_date: datetime.date | None
    birth_year: int | None
    sex: str
    phone: str
    region_code: str
    address_detail: str
    nationality: str = "KR"
    is_migrant: bool = False
    interpreter_language: str = ""
    disability: str = Person.Disability.NONE
    household_id: int | None = None  # the real household, when this institution records households


@dataclass(frozen=True, slots=True)
class PlannedIncident:
    reference: str
    domain: str
    source: str
    institution: str
    region_code: str
    occurred_at: datetime.datetime
    reported_at: datetime.datetime
    markers: frozenset[str]  # the MARKER_FIELDS that are true
    police_measures: tuple[str, ...]
    narrative: str
    victim: int  # index into Plan.records
    suspect: int | None
    relationship: str
    suspect_first: bool  # for directed relationships: the suspect is the parent, carer or staff member
    cohabiting: bool
    separated_since: datetime.date | None
    pair_id: int  # the truth: which real victim–suspect pair
    victim_entity: int
    suspect_entity: int | None


@dataclass
class Plan:
    seed: int
    years: int
    scale: float
    start: datetime.datetime
    end: datetime.datetime
    incidents: list[PlannedIncident]
    records: list[PlannedRecord]

    @property
    def reference_prefix(self) -> str:
        return reference_prefix(self.seed)


def reference_prefix(seed: int) -> str:
    return f"{REFERENCE_PREFIX}-{seed}-"


@dataclass
class Pair:
    pair_id: int
    domain: str
    victim: synthetic.Person
    suspect: synthetic.Person | None
    kind: str
    suspect_first: bool
    cohabiting: bool
    separated_since: datetime.date | None
    alcohol: float
    escalating: bool
    source: str
    children: list[synthetic.Person] = field(default_factory=list)  # of the victim's household
    times: list[datetime.datetime] = field(default_factory=list)


class Slots:
    """The report times of one kind of violence, in order; each is taken once."""

    def __init__(self, times: list[datetime.datetime]) -> None:
        self.times = sorted(times)
        self.seconds = [time.timestamp() for time in self.times]
        self.next_free = list(range(len(self.times) + 1))

    def _find(self, index: int) -> int:
        root = index
        while self.next_free[root] != root:
            root = self.next_free[root]
        while self.next_free[index] != root:  # path compression
            self.next_free[index], index = root, self.next_free[index]
        return root

    def take(self, at: datetime.datetime, *, within: datetime.timedelta) -> datetime.datetime | None:
        """The first free time at or after `at`, if one is within `within`."""
        target = at.timestamp()
        found = self._find(bisect.bisect_left(self.seconds, target))
        if found >= len(self.times) or self.seconds[found] - target > within.total_seconds():
            return None
        self.next_free[found] = found + 1
        return self.times[found]

    def remaining(self) -> list[datetime.datetime]:
        return [time for index, time in enumerate(self.times) if self._find(index) == index]


def _weighted(rng: random.Random, choices: Sequence[tuple[T, float]]) -> T:
    return rng.choices([value for value, _weight in choices], [weight for _value, weight in choices])[0]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _festival_days(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    calendar = holidays.country_holidays("KR", years=range(start.year, end.year + 1), language="en_US")
    return {day for day, name in calendar.items() if any(festival in name for festival in FESTIVAL_NAMES)}


def _hour_weights(domain: str) -> list[float]:
    night_share, shape = HOURS[domain]
    day_total = sum(weight for hour, weight in enumerate(shape) if hour not in NIGHT_HOURS)
    night_total = sum(NIGHT)
    return [
        (NIGHT[hour] / night_total * night_share)
        if hour in NIGHT_HOURS
        else (shape[hour] / day_total * (1 - night_share))
        for hour in range(24)
    ]


def report_slots(
    rng: random.Random, domain: str, *, start: datetime.date, end: datetime.date, years: int, scale: float
) -> list[datetime.datetime]:
    """Report times of one kind: each year before `end` gets its yearly number, by day and by hour."""
    zone = timezone.get_default_timezone()
    festivals = _festival_days(start, end)
    months, weekdays = MONTHS.get(domain, FLAT), WEEKDAYS.get(domain, (1.0,) * 7)
    hours = list(range(24))
    hour_weights = _hour_weights(domain)
    count = yearly_count(domain, scale)
    times: list[datetime.datetime] = []
    for back in range(years):
        first, last = _years_before(end, back + 1), _years_before(end, back)
        days = [first + DAY * offset for offset in range((last - first).days)]
        weights = [
            months[day.month - 1] * weekdays[day.weekday()] * (FESTIVAL.get(domain, 1.0) if day in festivals else 1.0)
            for day in days
        ]
        for day, hour in zip(
            rng.choices(days, weights, k=count), rng.choices(hours, hour_weights, k=count), strict=True
        ):
            times.append(datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60)), tzinfo=zone))
    return times


def pair_sizes(rng: random.Random, domain: str, total: int) -> list[int]:
    """Reports per pair, drawn until they cover `total` reports; only pairs with two or more are returned
    (the slots left over become pairs that report once)."""
    sizes: list[int] = []
    covered = 0
    while covered < total:
        low, high = _weighted(rng, REPEATS[domain])
        size = min(rng.randint(low, high), total - covered)
        covered += size
        if size > 1:
            sizes.append(size)
    return sorted(sizes, reverse=True)


class Planner:
    """Builds a Plan (module docstring). Deterministic for a seed, an end date, years and scale."""

    def __init__(self, *, seed: int, end: datetime.date, years: int, scale: float) -> None:
        self.seed, self.years, self.scale = seed, years, scale
        self.generator = synthetic.Generator(seed)
        self.rng = self.generator.rng
        self.zone = timezone.get_default_timezone()
        self.end_date, self.start_date = end, _years_before(end, years)
        self.start = datetime.datetime.combine(self.start_date, datetime.time(), tzinfo=self.zone)
        self.end = datetime.datetime.combine(end, datetime.time(), tzinfo=self.zone)
        self.end_year = end.year
        self._load_places()
        self.pairs: list[Pair] = []
        self.records: list[PlannedRecord] = []
        self.known: dict[tuple[str, int], list[int]] = defaultdict(list)  # (institution, entity) → records
        self.moves: dict[int, tuple[datetime.datetime, synthetic.Address] | None] = {}  # by household
        self.attributes: dict[int, dict[str, Any]] = {}  # entity → nationality, disability, …
        self.incidents: list[PlannedIncident] = []
        self.dv_households: list[Pair] = []  # DV pairs living with children (for cross-domain child abuse)

    def _load_places(self) -> None:
        data = yaml.safe_load(synthetic.REGIONS_FILE.read_text(encoding="utf-8"))
        items = read_institution_file()
        self.categories: dict[str, str] = {str(item["key"]): str(item["category"]) for item in items}
        by_station = {
            str(item["station"]): str(item["key"])
            for item in items
            if item.get("category") == "police_station" and item.get("station")
        }
        self.station_institution: dict[str, str] = {
            region: by_station[station["code"]]
            for station in data["stations"]
            for region in station["jurisdiction"]
            if station["code"] in by_station
        }

    # --- people ----------------------------------------------------------------------------------

    def _household(self, region_code: str | None = None) -> synthetic.Address:
        self.generator.next_household += 1
        return self.generator.address(region_code)

    def _born(self, low_age: int, high_age: int) -> datetime.date:
        return self.generator.birth_date(low=self.end_year - high_age, high=self.end_year - low_age)

    def _adult(
        self,
        sex: str,
        address: synthetic.Address,
        *,
        ages: tuple[int, int] = (22, 70),
        surname: str | None = None,
        birth: datetime.date | None = None,
    ) -> synthetic.Person:
        return self.generator.person(
            surname=surname or self.generator.surname(),
            sex=sex,
            birth=birth or self._born(*ages),
            address=address,
            phone=self.generator.phone() if self.rng.random() < 0.97 else "",
        )

    def _child(
        self, surname: str, address: synthetic.Address, guardian: synthetic.Person, *, ages: tuple[int, int]
    ) -> synthetic.Person:
        birth = self._born(*ages)
        age = self.end_year - birth.year
        phone = self.generator.phone() if age >= 12 and self.rng.random() < 0.8 else ""
        return self.generator.person(
            surname=surname,
            sex=self.rng.choice("MF"),
            birth=birth,
            address=address,
            phone=phone,
            guardian_phone=guardian.phone,
        )

    def _migrant(self, address: synthetic.Address, *, ages: tuple[int, int]) -> synthetic.Person:
        nationality, language, surnames, names = self.rng.choice(MIGRANTS)
        person = self.generator.person(
            surname=self.rng.choice(surnames),
            sex="F",
            birth=self._born(*ages),
            address=address,
            phone=self.generator.phone(),
            given_name=self.rng.choice(names),
        )
        self.attributes[person.entity_id] = {
            "nationality": nationality,
            "is_migrant": True,
            "interpreter_language": language,
        }
        return person

    def _other_sex(self, sex: str) -> str:
        return "M" if sex == "F" else "F"

    def _couple(
        self, *, ages: tuple[int, int], children: bool
    ) -> tuple[synthetic.Person, synthetic.Person, list[synthetic.Person]]:
        """(woman, man, children) of one household."""
        address = self._household()
        if ages[0] < 45 and self.rng.random() < MIGRANT_SHARE:
            woman = self._migrant(address, ages=(ages[0], min(ages[1], 50)))
        else:
            woman = self._adult("F", address, ages=ages)
        man_birth = woman.birth_date - DAY * self.rng.randint(-4 * 365, 9 * 365)
        man = self._adult("M", address, birth=man_birth)
        kids: list[synthetic.Person] = []
        if children:
            youngest_parent = max(woman.birth_date.year, man.birth_date.year)
            oldest_age = max(1, min(17, self.end_year - youngest_parent - 20))
            for _ in range(self.rng.choice([1, 1, 2, 2, 3])):
                kids.append(self._child(man.surname, address, woman, ages=(1, oldest_age)))
        return woman, man, kids

    def _new_pair(self, domain: str, kind: str | None = None) -> Pair:
        rng = self.rng
        kind = kind or _weighted(rng, RELATIONSHIPS[domain])
        victim, suspect, children, cohabiting, suspect_first, separated = self._cast(domain, kind)
        share = ALCOHOL[domain]
        drinkers = max(0.0, min(1.0, (share - SOBER) / (DRINKER - SOBER)))
        alcohol = (DRINKER if rng.random() < drinkers else SOBER) if share > SOBER else share
        pair = Pair(
            pair_id=len(self.pairs) + 1,
            domain=domain,
            victim=victim,
            suspect=suspect,
            kind=kind,
            suspect_first=suspect_first,
            cohabiting=cohabiting,
            separated_since=separated,
            alcohol=alcohol,
            escalating=False,
            source=_weighted(rng, SOURCES[domain]),
            children=children,
        )
        self.pairs.append(pair)
        return pair

    def _cast(
        self, domain: str, kind: str
    ) -> tuple[synthetic.Person, synthetic.Person | None, list[synthetic.Person], bool, bool, datetime.date | None]:
        """(victim, suspect, children of the victim's household, cohabiting, suspect first, separated since)."""
        rng = self.rng
        separated: datetime.date | None = None
        if domain == Domain.CHILD_ABUSE:
            address = self._household()
            if kind == Kind.PARENT_CHILD:
                parent = self._adult(rng.choice("MF"), address, ages=(24, 50))
                child = self._child(parent.surname, address, parent, ages=(1, 17))
                return child, parent, [child], True, True, None
            carer = self._adult(rng.choice("MF"), self._household(), ages=(25, 65))
            guardian = self._adult("F", address, ages=(25, 50))
            child = self._child(self.generator.surname(), address, guardian, ages=(1, 17))
            return child, carer, [child], False, kind in DIRECTED, None
        if domain in (Domain.ELDER_ABUSE, Domain.DISABILITY_ABUSE) and kind in DIRECTED | {Kind.OTHER_FAMILY}:
            address = self._household()
            if domain == Domain.ELDER_ABUSE:
                victim = self._adult(rng.choice("FFM"), address, ages=(65, 92))
            else:
                victim = self._adult(rng.choice("MF"), address, ages=(10, 60))
            if kind == Kind.PARENT_CHILD and domain == Domain.ELDER_ABUSE:  # an adult child and a parent
                birth = victim.birth_date + DAY * rng.randint(22 * 365, 36 * 365)
                suspect = self._adult(rng.choice("MF"), address, surname=victim.surname, birth=birth)
                return victim, suspect, [], True, False, None
            if kind == Kind.PARENT_CHILD:  # a parent of a disabled son or daughter
                birth = victim.birth_date - DAY * rng.randint(22 * 365, 36 * 365)
                suspect = self._adult(rng.choice("MF"), address, surname=victim.surname, birth=birth)
                return victim, suspect, [], True, True, None
            suspect = self._adult(rng.choice("MF"), self._household(), ages=(25, 65))
            return victim, suspect, [], False, kind in DIRECTED, None
        if kind in (Kind.SPOUSE, Kind.EX_SPOUSE):
            ages = (65, 90) if domain == Domain.ELDER_ABUSE else (24, 68)
            woman, man, kids = self._couple(
                ages=ages, children=domain == Domain.DOMESTIC_VIOLENCE and rng.random() < 0.5
            )
            victim, suspect = (woman, man) if rng.random() < 0.82 else (man, woman)
            if kind == Kind.EX_SPOUSE:  # the suspect has moved out
                suspect.address = self._household()
                suspect.household_id = self.generator.next_household
                separated = self.start_date - DAY * rng.randint(-300, 700)
            return victim, suspect, kids, kind == Kind.SPOUSE, False, separated
        if kind == Kind.PARENT_CHILD:  # DV: an adult child against a parent
            address = self._household()
            victim = self._adult(rng.choice("FM"), address, ages=(55, 85))
            birth = victim.birth_date + DAY * rng.randint(22 * 365, 36 * 365)
            suspect = self._adult(rng.choice("MMF"), address, surname=victim.surname, birth=birth)
            return victim, suspect, [], True, False, None
        if kind == Kind.SIBLINGS:
            address = self._household()
            victim = self._adult(rng.choice("FM"), address, ages=(20, 70))
            birth = victim.birth_date + DAY * rng.randint(-8 * 365, 8 * 365)
            together = rng.random() < 0.4
            suspect = self._adult("M", address if together else self._household(), surname=victim.surname, birth=birth)
            return victim, suspect, [], together, False, None
        if kind == Kind.PEERS:
            ages = (10, 18) if domain == Domain.SCHOOL_VIOLENCE else (14, 20)
            victim_home, suspect_home = self._household(), None
            victim_parent = self._adult("F", victim_home, ages=(35, 55))
            victim = self._child(self.generator.surname(), victim_home, victim_parent, ages=ages)
            region = victim_home.region_code if rng.random() < 0.7 else None
            suspect_home = self._household(region)
            suspect_parent = self._adult("F", suspect_home, ages=(35, 55))
            suspect = self._child(self.generator.surname(), suspect_home, suspect_parent, ages=ages)
            return victim, suspect, [], False, False, None
        # Dating partners, former partners, acquaintances, strangers, other family: two households.
        young = kind == Kind.DATING or domain in (Domain.DATING_VIOLENCE, Domain.STALKING, Domain.SEXUAL_VIOLENCE)
        ages = (19, 45) if young else (20, 70)
        victim_sex = "F" if rng.random() < (0.85 if domain != Domain.ELDER_ABUSE else 0.7) else "M"
        victim = self._adult(victim_sex, self._household(), ages=ages)
        if kind == Kind.STRANGER and rng.random() < UNKNOWN_STRANGER.get(domain, 0.0):
            return victim, None, [], False, False, None
        cohabiting = kind == Kind.DATING and domain == Domain.DATING_VIOLENCE and rng.random() < 0.2
        suspect_home = victim.address if cohabiting else self._household()
        suspect = self._adult(self._other_sex(victim_sex), suspect_home, ages=ages)
        if cohabiting:
            suspect.household_id = victim.household_id
        return victim, suspect, [], cohabiting, False, None

    def _address_at(self, person: synthetic.Person, at: datetime.datetime) -> synthetic.Address:
        """Where the person lives at `at`: households move now and then (12% of those seen more than once)."""
        household = person.household_id
        if household not in self.moves:
            move = None
            if self.rng.random() < synthetic.RATES["moved"]:
                when = self.start + (self.end - self.start) * self.rng.random()
                same_region = self.rng.random() < 0.5
                move = (when, self.generator.address(person.address.region_code if same_region else None))
            self.moves[household] = move
        move = self.moves[household]
        return move[1] if move is not None and at >= move[0] else person.address

    # --- reports ---------------------------------------------------------------------------------

    def _institution_for(self, source: str, domain: str, region_code: str, victim: synthetic.Person) -> str:
        rng = self.rng
        jeju_city = region_code.startswith("5011")
        if source == Source.POLICE_112:
            return self.station_institution[region_code]
        if source == Source.HOTLINE_1366:
            return "jeju-1366"
        if source == Source.CHILD_PROTECTION:
            return "jeju-child-protection" if jeju_city else "seogwipo-child-protection"
        if source == Source.ELDER_PROTECTION:
            return "jeju-elder-protection" if jeju_city else "seogwipo-elder-protection"
        if source == Source.DISABILITY_PROTECTION:
            return "jeju-disability-rights"
        if source == Source.SCHOOL:
            return "jeju-city-wee-centre" if jeju_city else "seogwipo-wee-centre"
        if source == Source.HOSPITAL:
            if not jeju_city:
                return "seogwipo-medical-centre"
            return _weighted(
                rng,
                [
                    ("jeju-national-university-hospital", 0.4),
                    ("jeju-halla-hospital", 0.3),
                    ("jeju-medical-centre", 0.2),
                    ("jeju-hanmaeum-hospital", 0.1),
                ],
            )
        # Counselling centres
        if domain == Domain.SEXUAL_VIOLENCE:
            if rng.random() < 0.5:
                return "jeju-sunflower-centre"
            return "jeju-sv-counselling" if jeju_city else "seogwipo-sv-counselling"
        if domain == Domain.SCHOOL_VIOLENCE:
            return "jeju-youth-counselling" if jeju_city else "seogwipo-youth-counselling"
        if self.attributes.get(victim.entity_id, {}).get("is_migrant"):
            return "jeju-migrant-women-counselling"
        return "jeju-dv-counselling" if jeju_city else "seogwipo-dv-counselling"

    def _record_for(
        self,
        person: synthetic.Person,
        institution: str,
        at: datetime.datetime,
        *,
        household: bool,
        disabled: bool = False,
        reuse: bool | None = None,
    ) -> int:
        known = self.known[(institution, person.entity_id)]
        if known and (reuse if reuse is not None else self.rng.random() < REUSE):
            return known[0] if len(known) == 1 else self.rng.choice(known)
        category = self.categories[institution]
        rates = {**synthetic.RATES, **VARIATION.get(category, {})}
        address = self._address_at(person, at)
        row = self.generator.record(person, moved_to=address if address is not person.address else None, rates=rates)
        attributes = self.attributes.get(person.entity_id, {})
        disability = Person.Disability.NONE.value
        if disabled and (category == "disability_protection" or self.rng.random() < 0.6):
            disability = attributes.get("disability") or _weighted(self.rng, DISABILITIES)
            self.attributes.setdefault(person.entity_id, {})["disability"] = disability
        self.records.append(
            PlannedRecord(
                entity_id=person.entity_id,
                institution=institution,
                family_name=row["family_name"],
                given_name=row["given_name"],
                birth_date=row["birth_date"],
                birth_year=row["birth_year"],
                sex=row["sex"],
                phone=row["phone"],
                region_code=row["region_code"],
                address_detail=row["address_detail"],
                nationality=attributes.get("nationality", "KR"),
                is_migrant=attributes.get("is_migrant", False),
                interpreter_language=attributes.get("interpreter_language", ""),
                disability=disability,
                household_id=person.household_id if household and category in HOUSEHOLD_RECORDERS else None,
            )
        )
        known.append(len(self.records) - 1)
        return len(self.records) - 1

    def _markers(self, pair: Pair, index: int, count: int) -> set[str]:
        rng = self.rng
        base = MARKERS[pair.domain]
        progress = (index + 1) / count if pair.escalating else 0.0
        found = set()
        for name in MARKER_FIELDS:
            if name not in base:
                continue
            chance = base[name] + ESCALATION_MARKERS.get(name, 0.0) * progress**2
            if name == "pregnancy":
                age = self.end_year - pair.victim.birth_date.year
                chance = chance if pair.victim.sex == "F" and 18 <= age <= 45 else 0.0
            if chance and rng.random() < chance:
                found.add(name)
        return found

    def _measures(self, pair: Pair, markers: set[str], index: int) -> list[str]:
        """Police measures of a 112 report (estimates; fewer than 1% arrested, about 17% of DV reports booked:
        2018, 3,912 reports → 667 booked, facts.md)."""
        rng = self.rng
        severe = bool(markers & {"injury", *CRITICAL})
        critical = bool(markers & CRITICAL)
        domain = pair.domain
        booked = BOOKED[domain] + (0.25 if severe else 0.0) + (0.08 if index >= 2 else 0.0)
        measures = []
        if rng.random() < (0.003 + (0.06 if critical else 0.0)):
            measures.append(Measure.ARREST)
        if rng.random() < min(booked, 0.95):
            measures.append(Measure.BOOKED)
        if domain in (Domain.DOMESTIC_VIOLENCE, Domain.STALKING, Domain.CHILD_ABUSE, Domain.DATING_VIOLENCE):
            if rng.random() < 0.30 + (0.3 if severe else 0.0):
                measures.append(Measure.EMERGENCY_MEASURES)
            if rng.random() < 0.015 + (0.15 if critical else 0.0):
                measures.append(Measure.EMERGENCY_TEMPORARY_ORDER)
            if rng.random() < 0.01 + (0.08 if critical else 0.0):
                measures.append(Measure.TEMPORARY_ORDER)
            if rng.random() < 0.004:
                measures.append(Measure.PROTECTION_ORDER)
        if not measures and rng.random() < 0.85:
            measures.append(Measure.ON_SCENE_CLOSURE)
        if rng.random() < 0.22:
            measures.append(Measure.REFERRED)
        return [measure.value for measure in Measure if measure in measures]

    def _office_time_after(self, at: datetime.datetime) -> datetime.datetime:
        """A report to an institution that works office hours: the next working day or some days later."""
        day = at.date() + DAY * self.rng.choice([0, 1, 1, 2, 3, 5, 7])
        while day.weekday() >= 5:
            day += DAY
        reported = datetime.datetime.combine(
            day, datetime.time(self.rng.randint(9, 17), self.rng.randrange(60)), tzinfo=self.zone
        )
        return reported if reported > at else at + datetime.timedelta(hours=self.rng.randint(1, 4))

    def _report(
        self,
        pair: Pair,
        at: datetime.datetime,
        index: int,
        count: int,
        *,
        source: str | None = None,
        markers: set[str] | None = None,
        measures: list[str] | None = None,
        reuse: bool | None = None,
    ) -> None:
        rng = self.rng
        domain = pair.domain
        if source is None:
            source = pair.source if rng.random() < STICKY_SOURCE else _weighted(rng, SOURCES[domain])
        region = self._address_at(pair.victim, at).region_code
        institution = self._institution_for(source, domain, region, pair.victim)
        if source in IMMEDIATE:
            reported, occurred = at, max(self.start, at - datetime.timedelta(minutes=rng.randint(3, 40)))
        else:
            occurred = at
            reported = min(self._office_time_after(at), self.end - datetime.timedelta(minutes=1))
            occurred = min(occurred, reported)
        markers = self._markers(pair, index, count) if markers is None else markers
        if source != Source.POLICE_112:
            measures = []
        elif measures is None:
            measures = self._measures(pair, markers, index)
        alcohol = pair.suspect is not None and rng.random() < pair.alcohol
        children_present = bool(pair.children) and domain == Domain.DOMESTIC_VIOLENCE and rng.random() < 0.5
        household = pair.kind in FAMILY and pair.cohabiting
        victim = self._record_for(
            pair.victim, institution, at, household=household, disabled=domain == Domain.DISABILITY_ABUSE, reuse=reuse
        )
        suspect = (
            self._record_for(pair.suspect, institution, at, household=household, reuse=reuse)
            if pair.suspect is not None
            else None
        )
        text = narrative(
            rng,
            domain=domain,
            relationship=pair.kind,
            source=source,
            markers=markers,
            alcohol=alcohol,
            children_present=children_present,
            police_measures=measures,
        )
        self.incidents.append(
            PlannedIncident(
                reference="",  # numbered once all are planned, in report order
                domain=str(domain),
                source=str(source),
                institution=institution,
                region_code=region,
                occurred_at=occurred,
                reported_at=reported,
                markers=frozenset(
                    markers
                    | ({"alcohol"} if alcohol else set())
                    | ({"children_present"} if children_present else set())
                ),
                police_measures=tuple(measures),
                narrative=text,
                victim=victim,
                suspect=suspect,
                relationship=str(pair.kind),
                suspect_first=pair.suspect_first,
                cohabiting=pair.cohabiting,
                separated_since=pair.separated_since,
                pair_id=pair.pair_id,
                victim_entity=pair.victim.entity_id,
                suspect_entity=pair.suspect.entity_id if pair.suspect is not None else None,
            )
        )

    # --- pairs over time -------------------------------------------------------------------------

    def _gaps(self, pair: Pair, count: int) -> list[float]:
        """Days between a pair's reports: a steady pace, or shrinking for an escalating pair."""
        rng = self.rng
        if pair.escalating:
            first, ratio = rng.uniform(60, 150), rng.uniform(0.55, 0.8)
            return [max(2.0, first * ratio**step * rng.lognormvariate(0, 0.25)) for step in range(count - 1)]
        pace = rng.uniform(25, 70)
        return [max(1.0, pace * rng.lognormvariate(0, 0.7)) for _ in range(count - 1)]

    def _place(self, pair: Pair, count: int, slots: Slots, *, anchor: datetime.datetime | None = None) -> None:
        """Give the pair up to `count` report times from the slots, at its pace."""
        rng = self.rng
        gaps = self._gaps(pair, count)
        span = DAY * sum(gaps)
        if anchor is None:
            low, high = self.start - span * 0.25, self.end - span * 0.5
            anchor = low + (high - low) * rng.random() if high > low else self.start
        within = DAY * max(7.0, 3 * 365 * self.years / max(1, len(slots.times)))
        earliest = self._earliest(pair)
        target = anchor
        for step in range(count):
            if step:
                target += DAY * gaps[step - 1]
            if target < max(self.start, earliest):
                continue
            taken = slots.take(target, within=within)
            if taken is not None:
                pair.times.append(taken)

    def _earliest(self, pair: Pair) -> datetime.datetime:
        youngest = max(person.birth_date for person in (pair.victim, pair.suspect) if person is not None)
        return datetime.datetime.combine(youngest + DAY * 180, datetime.time(), tzinfo=self.zone)

    def _fill(self, domain: str, slots: Slots) -> None:
        """Pairs reporting several times, then one pair per slot left over."""
        rng = self.rng
        total = len(slots.times)
        if domain == Domain.CHILD_ABUSE and self.dv_households:
            for _ in range(round(CROSS_DOMAIN_SHARE * total / 1.2)):
                self._cross_domain_pair(slots)
            total = len(slots.remaining())
        sizes = pair_sizes(rng, domain, total)
        for size in sizes:
            pair = self._new_pair(domain)
            pair.escalating = size >= 3 and rng.random() < ESCALATING.get(domain, 0.0)
            self._place(pair, size, slots)
        for time in slots.remaining():
            pair = self._new_pair(domain)
            for _attempt in range(20):  # a child born after the slot: another pair takes it
                if time >= self._earliest(pair):
                    break
                self.pairs.pop()
                pair = self._new_pair(domain)
            pair.times.append(time)

    def _cross_domain_pair(self, slots: Slots) -> None:
        """A parent of a household with domestic violence abusing one of its children, around that time."""
        rng = self.rng
        household = rng.choice(self.dv_households)
        child = rng.choice(household.children)
        parent = household.suspect if household.suspect is not None and rng.random() < 0.75 else household.victim
        pair = Pair(
            pair_id=len(self.pairs) + 1,
            domain=Domain.CHILD_ABUSE,
            victim=child,
            suspect=parent,
            kind=Kind.PARENT_CHILD,
            suspect_first=True,
            cohabiting=True,
            separated_since=None,
            alcohol=household.alcohol,
            escalating=False,
            source=_weighted(rng, SOURCES[Domain.CHILD_ABUSE]),
            children=[child],
        )
        self.pairs.append(pair)
        anchor = rng.choice(household.times) + DAY * rng.uniform(-60, 150)
        self._place(pair, rng.choices([1, 2, 3], [0.7, 0.2, 0.1])[0], slots, anchor=anchor)

    # --- showcase ----------------------------------------------------------------------------------

    def _showcase(self) -> None:
        """Hand-shaped cases just before `end` in 제주동부경찰서's area (module docstring, point 4)."""
        rng = self.rng
        address = self._household(SHOWCASE_DV_REGION)
        woman = self._adult("F", address, ages=(33, 40))
        man = self._adult("M", address, birth=woman.birth_date - DAY * 3 * 365)
        child = self._child(man.surname, address, woman, ages=(7, 10))
        self.moves[woman.household_id] = None
        escalation = self._showcase_pair(
            Domain.DOMESTIC_VIOLENCE, woman, man, Kind.SPOUSE, [child], suspect_first=False
        )
        escalation.escalating = True
        self._showcase_reports(escalation, SHOWCASE_ESCALATION)
        abuse = self._showcase_pair(Domain.CHILD_ABUSE, child, man, Kind.PARENT_CHILD, [child], suspect_first=True)
        self._showcase_reports(abuse, SHOWCASE_CHILD)

        address = self._household(SHOWCASE_B_REGION)
        victim = self._adult("F", address, ages=(45, 60))
        suspect = self._adult("M", address, birth=victim.birth_date - DAY * rng.randint(0, 1500))
        self.moves[victim.household_id] = None
        grade_b = self._showcase_pair(Domain.DOMESTIC_VIOLENCE, victim, suspect, Kind.SPOUSE, [], suspect_first=False)
        self._showcase_reports(grade_b, SHOWCASE_GRADE_B)

        victim = self._adult("F", self._household(SHOWCASE_STALKING_REGION), ages=(24, 30))
        suspect = self._adult("M", self._household(SHOWCASE_STALKING_REGION), ages=(25, 33))
        self.moves[victim.household_id] = None
        stalking = self._showcase_pair(Domain.STALKING, victim, suspect, Kind.DATING, [], suspect_first=False)
        stalking.cohabiting = False
        self._showcase_reports(stalking, SHOWCASE_STALKING)

    def _showcase_pair(
        self,
        domain: str,
        victim: synthetic.Person,
        suspect: synthetic.Person,
        kind: str,
        children: list[synthetic.Person],
        *,
        suspect_first: bool,
    ) -> Pair:
        pair = Pair(
            pair_id=len(self.pairs) + 1,
            domain=domain,
            victim=victim,
            suspect=suspect,
            kind=kind,
            suspect_first=suspect_first,
            cohabiting=kind != Kind.DATING,
            separated_since=None,
            alcohol=DRINKER,
            escalating=False,
            source=Source.POLICE_112,
            children=children,
        )
        self.pairs.append(pair)
        return pair

    def _showcase_reports(self, pair: Pair, reports: list[ShowcaseReport]) -> None:
        for index, (days, hour, source, markers, measures) in enumerate(reports):
            day = self.end_date - DAY * days
            at = datetime.datetime.combine(day, datetime.time(hour, 10 + 7 * index), tzinfo=self.zone)
            pair.times.append(at)
            self._report(pair, at, index, len(reports), source=source, markers=set(markers),
                         measures=list(measures), reuse=True)  # fmt: skip

    # --- the whole plan ----------------------------------------------------------------------------

    def plan(self) -> Plan:
        order = [Domain.DOMESTIC_VIOLENCE, *[domain for domain in RATES if domain != Domain.DOMESTIC_VIOLENCE]]
        for domain in order:
            slots = self._slots(domain)
            first_pair = len(self.pairs)
            self._fill(domain, slots)
            if domain == Domain.DOMESTIC_VIOLENCE:
                self.dv_households = [
                    pair for pair in self.pairs[first_pair:] if pair.children and pair.cohabiting and pair.times
                ]
        for pair in self.pairs:
            pair.times.sort()
            for index, at in enumerate(pair.times):
                self._report(pair, at, index, len(pair.times))
        self._showcase()
        self.incidents.sort(key=lambda incident: (incident.reported_at, incident.pair_id))
        prefix = reference_prefix(self.seed)
        incidents = [
            dataclasses.replace(incident, reference=f"{prefix}{number:06d}")
            for number, incident in enumerate(self.incidents, 1)
        ]
        return Plan(self.seed, self.years, self.scale, self.start, self.end, incidents, self.records)

    def _slots(self, domain: str) -> Slots:
        return Slots(
            report_slots(self.rng, domain, start=self.start_date, end=self.end_date, years=self.years, scale=self.scale)
        )


def plan_incidents(*, seed: int, end: datetime.date, years: int = 3, scale: float = 1.0) -> Plan:
    """The incidents and Person records of `years` years before `end` (pure: reads data files only)."""
    if years < 1:
        raise ValueError("years must be 1 or more")
    if scale <= 0:
        raise ValueError("scale must be above 0")
    return Planner(seed=seed, end=end, years=years, scale=scale).plan()


# --- saving ---------------------------------------------------------------------------------------


class DemoDataError(Exception):
    """The demo incidents cannot be saved; the message says why."""


@dataclass
class SaveResult:
    created: int  # incidents
    already_present: int  # incidents of this seed found in the database (then nothing is created)
    persons: int = 0
    households: int = 0
    relationships: int = 0
    truth: dict[str, int] = field(default_factory=dict)  # person code → entity id (the real person)


def present_count(seed: int) -> int:
    """Demo incidents of this seed already in the database."""
    return Incident.objects.filter(source_reference__startswith=reference_prefix(seed)).count()


def _person(record: PlannedRecord, *, institution: Institution, region: Region | None) -> Person:
    """The Person the institution recorded, built as intake and import build one (blind indexes included)."""
    party = PartyData(
        role=Party.Role.VICTIM,  # not stored on the person
        identity=Identity(
            family_name=record.family_name,
            given_name=record.given_name,
            birth_date=record.birth_date,
            birth_year=record.birth_year,
            phone=record.phone,
        ),
        sex=record.sex,
        nationality=record.nationality,
        is_migrant=record.is_migrant,
        interpreter_language=record.interpreter_language,
        disability=record.disability,
        address_detail=record.address_detail,
        region=region,
    )
    return build_person(party, institution=institution)


def _incident(planned: PlannedIncident, *, institution: Institution, region: Region, actor: User | None) -> Incident:
    data = IncidentData(
        domain=planned.domain,
        occurred_at=planned.occurred_at,
        reported_at=planned.reported_at,
        source=planned.source,
        reporting_institution=institution,
        region=region,
        source_reference=planned.reference,
        injury="injury" in planned.markers,
        weapon="weapon" in planned.markers,
        strangulation="strangulation" in planned.markers,
        threat_to_kill="threat_to_kill" in planned.markers,
        sexual_violence="sexual_violence" in planned.markers,
        pregnancy="pregnancy" in planned.markers,
        alcohol="alcohol" in planned.markers,
        children_present="children_present" in planned.markers,
        police_measures=list(planned.police_measures),
        narrative=planned.narrative,
    )
    return Incident(created_by=actor, **{name: getattr(data, name) for name in INCIDENT_FIELDS})


def _relationships(plan: Plan, persons: list[Person]) -> list[Relationship]:
    """One Relationship per pair of Person records and kind, oriented as the import orients them."""
    found: dict[tuple[int, int, str], Relationship] = {}
    for planned in plan.incidents:
        if planned.suspect is None:
            continue
        victim, suspect = persons[planned.victim].pk, persons[planned.suspect].pk
        if victim is None or suspect is None or victim == suspect:
            continue
        if planned.relationship in DIRECTED:
            first, second = (suspect, victim) if planned.suspect_first else (victim, suspect)
        else:
            first, second = min(victim, suspect), max(victim, suspect)
        key = (first, second, planned.relationship)
        if key not in found:
            found[key] = Relationship(
                person_id=first,
                other_id=second,
                kind=planned.relationship,
                cohabiting=planned.cohabiting,
                separated_since=planned.separated_since,
            )
    return list(found.values())


@transaction.atomic
def save_plan(plan: Plan, *, actor: User | None = None) -> SaveResult:
    """Save the plan in bulk, in one transaction with one audit event. If incidents of the plan's seed are
    already recorded, nothing is saved (generating again never duplicates: start from an empty database
    to generate anew)."""
    present = present_count(plan.seed)
    if present:
        return SaveResult(created=0, already_present=present)
    keys = {entry.institution for entry in plan.records} | {incident.institution for incident in plan.incidents}
    institutions = {institution.key: institution for institution in Institution.objects.filter(key__in=keys)}
    if missing := sorted(keys - set(institutions)):
        raise DemoDataError(f"demo institutions are missing ({', '.join(missing)}): generate the demo network first")
    codes = {entry.region_code for entry in plan.records} | {incident.region_code for incident in plan.incidents}
    regions = {region.code: region for region in Region.objects.filter(code__in=codes - {""})}
    if missing := sorted(code for code in codes - {""} if code not in regions):
        raise DemoDataError(f"regions are missing ({', '.join(missing)}): load data/regions/jeju.yaml first")

    households: dict[tuple[str, int], Household] = {}
    for entry in plan.records:
        if entry.household_id is not None and (entry.institution, entry.household_id) not in households:
            households[(entry.institution, entry.household_id)] = Household(region=regions.get(entry.region_code))
    Household.objects.bulk_create(list(households.values()), batch_size=BATCH)

    persons = []
    for entry in plan.records:
        person = _person(entry, institution=institutions[entry.institution], region=regions.get(entry.region_code))
        if entry.household_id is not None:
            person.household = households[(entry.institution, entry.household_id)]
        persons.append(person)
    Person.objects.bulk_create(persons, batch_size=BATCH)

    incidents = [
        _incident(
            planned, institution=institutions[planned.institution], region=regions[planned.region_code], actor=actor
        )
        for planned in plan.incidents
    ]
    Incident.objects.bulk_create(incidents, batch_size=BATCH)
    parties = []
    for planned, incident in zip(plan.incidents, incidents, strict=True):
        parties.append(Party(incident=incident, person=persons[planned.victim], role=Party.Role.VICTIM))
        if planned.suspect is not None:
            parties.append(Party(incident=incident, person=persons[planned.suspect], role=Party.Role.SUSPECT))
    Party.objects.bulk_create(parties, batch_size=BATCH)
    relationships = _relationships(plan, persons)
    Relationship.objects.bulk_create(relationships, batch_size=BATCH)

    result = SaveResult(
        created=len(incidents),
        already_present=0,
        persons=len(persons),
        households=len(households),
        relationships=len(relationships),
        truth={person.code: entry.entity_id for person, entry in zip(persons, plan.records, strict=True)},
    )
    record(
        actor,
        "demo.generate_incidents",
        None,
        {
            "seed": plan.seed,
            "years": plan.years,
            "scale": str(plan.scale),
            "start": plan.start.date().isoformat(),
            "end": plan.end.date().isoformat(),
            "incidents": result.created,
            "persons": result.persons,
            "households": result.households,
            "relationships": result.relationships,
        },
    )
    return result


# --- the whole step -------------------------------------------------------------------------------


@dataclass
class GenerationResult:
    saved: SaveResult
    plan: Plan | None = None  # None when the incidents were already present
    evaluation: Evaluation | None = None
    truth_path: Path | None = None
    assessments: int = 0  # demo risk assessments made (jss.demo.assessments)


def write_truth(truth: dict[str, int], path: Path) -> None:
    """{person code: entity id} as JSON, readable by its owner only (it says who is who among the records)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(truth, indent=0, sort_keys=True))
    path.chmod(0o600)


def generate_incidents(
    *,
    seed: int,
    end: datetime.date | None = None,
    years: int = 3,
    scale: float = 1.0,
    truth_path: Path | None = None,
    now: datetime.datetime | None = None,
    actor: User | None = None,
) -> GenerationResult:
    """Plan, save, write the truth and evaluate the repeat rules once (for everyone, as the nightly run
    does). Nothing happens when this seed's incidents are already recorded."""
    present = present_count(seed)
    if present:
        return GenerationResult(saved=SaveResult(created=0, already_present=present))
    plan = plan_incidents(seed=seed, end=end or timezone.localdate(), years=years, scale=scale)
    saved = save_plan(plan, actor=actor)
    if not saved.created:
        return GenerationResult(saved=saved)
    if truth_path is not None:
        write_truth(saved.truth, truth_path)
    from jss.demo.assessments import generate_assessments  # the risk app's packs: read only when needed
    from jss.demo.council import generate_council  # council activity on these incidents (issue 6, item 8)
    from jss.demo.joint import generate_joint  # the joint council, its register and case reviews (issue 7)

    assessed = generate_assessments(seed=seed, now=now)
    generate_council(seed=seed, now=now, years=years, scale=scale)  # demo council activity (jss/demo/council.py)
    generate_joint(seed=seed, now=now, years=years)  # demo joint council (jss/demo/joint.py)
    evaluation = evaluate_all(now=now or timezone.now(), actor=actor)
    return GenerationResult(
        saved=saved, plan=plan, evaluation=evaluation, truth_path=truth_path, assessments=assessed.created
    )


def open_flags_by_rule(*, now: datetime.datetime | None = None) -> dict[str, int]:
    rows = (
        Flag.objects.filter(state__in=Flag.OPEN_STATES, expires_at__gt=now or timezone.now())
        .values_list("rule_id")
        .annotate(count=Count("id"))
        .order_by("rule_id")
    )
    return dict(rows)
