"""Demo council activity: three years of working councils at Jeju's scale, on the demo incidents.

Jeju's councils handled 278 cases with 870 support actions in their first three years, with about 8 outside
institutions per meeting (facts.md): about 90 cases a year, about 3 actions per case. `generate_council`
replays that history station by station, month by month:

1. **Nominations.** A victim's report "triggers" when the victim's record shows what the repeat rules and
   the risk rule look for at that time: three or more reports in a year (repeat), a critical marker
   (strangulation, a weapon, a threat to kill), an injury after earlier reports (escalation), a report
   assessed in the top band (high risk). Each month about 7–8 triggered victims are nominated, about a
   third by the protection institutions that have a demo caseworker (1366, the child and elder protection
   agencies, the hospital, the Wee centre), the rest by the station of the place. The coordinator decides
   within a week: about 85% accepted, the rest declined with a reason.
2. **Sharing.** An accepted case is shared with 2–5 institutions that fit its kind of violence, on the
   kind's statutory basis (data/sharing/legal-bases.yaml) or the person's consent, in full or in summary;
   the lead is the station or a protection institution with a full share.
3. **Meetings.** Every 3–6 weeks per station (on a weekday afternoon) with about 8 outside institutions
   invited (those sharing the agenda's cases, then the station's regular members), most attending. The
   agenda is the accepted cases waiting plus the cases whose actions are due and unfinished. Some invited
   institutions add research notes; the council codes causes (DV causes after facts.md's 2018 sample:
   alcohol 19%, economic hardship 17.5%, neglect or contempt 14% → family conflict, infidelity 12% →
   separation; the other kinds' causes are estimates), re-rates the risk and agrees about 3 support
   actions per case; the minutes are drafted from what was recorded and approved within a week.
4. **Follow-through.** About 80% of actions are done by their due date, 15% late, 5% cancelled, each with
   its updates and evidence; actions not finished by now stay open, some of them overdue. A case whose
   actions are done goes into monitoring with monthly contacts and closes 3–9 months after it was accepted,
   with an outcome.

History is written in bulk with its real dates (created_at and the like set after creating). What is
happening now goes through the services, so their rules, audit and events apply: a few cases closed in
the last year are reopened by a new report recorded through intake (jss.incidents.services), a few new
nominations wait for the coordinators, and each station's next meeting is scheduled in the next two weeks
(its agenda built by jss.council.services.schedule). One audit event records the generation.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Count, Model
from django.test.utils import override_settings
from django.utils import timezone

from jss.accounts.models import Membership, User
from jss.actions.models import Action, ActionUpdate
from jss.audit.models import AccessEvent
from jss.audit.services import record
from jss.cases.bases import current_bases
from jss.cases.models import Case, CaseEvent, CasePerson, ContactLog, Nomination, Share
from jss.cases.services import NominationData, nominate
from jss.council.causes import current_factors
from jss.council.models import AgendaItem, CauseFinding, Invitation, Meeting, ResearchNote
from jss.council.services import MeetingData, draft_minutes, schedule
from jss.demo.services import DEMO_USERS
from jss.directory.models import Service
from jss.incidents.models import Incident, Party
from jss.incidents.services import IncidentData, PartyData, record_incident
from jss.institutions.models import Institution
from jss.people.matching import Identity
from jss.people.models import Person
from jss.regions.models import PoliceStation
from jss.risk.models import Assessment

T = TypeVar("T")
Domain = Incident.Domain
Reason = Nomination.Reason
DAY = datetime.timedelta(days=1)
YEAR = 365 * DAY
BATCH = 500

CASES_PER_YEAR = 90  # facts.md: 278 cases in three years
NON_POLICE_SHARE = 1 / 3
ACCEPTED_SHARE = 0.85
INVITED_OUTSIDE = 8  # facts.md: about 8 outside institutions per meeting
ATTENDANCE = 0.9
ON_TIME, LATE = 0.80, 0.15  # the rest cancelled
STATION_CITY = {"jeju-dongbu": "jeju", "jeju-seobu": "jeju", "seogwipo": "seogwipo"}

# Institutions that fit each kind of violence, by city (keys of jss/demo/data/institutions.yaml).
POOLS: dict[str, dict[str, list[str]]] = {
    "jeju": {
        Domain.DOMESTIC_VIOLENCE: [
            "jeju-1366",
            "jeju-dv-counselling",
            "jeju-dv-shelter",
            "legal-aid-jeju",
            "jeju-city-mental-health",
            "jeju-addiction-centre",
            "jeju-city-family-centre",
        ],
        Domain.CHILD_ABUSE: [
            "jeju-child-protection",
            "jeju-city-wee-centre",
            "jeju-city-dream-start",
            "jeju-child-shelter",
            "jeju-city-mental-health",
        ],
        Domain.ELDER_ABUSE: [
            "jeju-elder-protection",
            "jeju-elder-shelter",
            "jeju-community-welfare-centre",
            "jeju-city-mental-health",
            "jeju-city-hall",
        ],
        Domain.DISABILITY_ABUSE: [
            "jeju-disability-rights",
            "jeju-developmental-disability",
            "jeju-disability-sv-counselling",
            "jeju-social-service-agency",
        ],
        Domain.SCHOOL_VIOLENCE: [
            "jeju-city-wee-centre",
            "jeju-youth-counselling",
            "jeju-city-education-office",
            "jeju-city-mental-health",
        ],
        Domain.STALKING: [
            "jeju-1366",
            "jeju-sv-counselling",
            "legal-aid-jeju",
            "jeju-smile-centre",
            "jeju-victim-support",
        ],
        Domain.DATING_VIOLENCE: [
            "jeju-1366",
            "jeju-sv-counselling",
            "legal-aid-jeju",
            "jeju-victim-support",
            "jeju-city-mental-health",
        ],
        Domain.SEXUAL_VIOLENCE: [
            "jeju-sunflower-centre",
            "jeju-sv-counselling",
            "jeju-sv-shelter",
            "jeju-smile-centre",
            "jeju-1366",
        ],
    },
    "seogwipo": {
        Domain.DOMESTIC_VIOLENCE: [
            "jeju-1366",
            "seogwipo-dv-counselling",
            "seogwipo-dv-shelter",
            "legal-aid-seogwipo",
            "seogwipo-mental-health",
            "seogwipo-addiction-centre",
            "seogwipo-family-centre",
        ],
        Domain.CHILD_ABUSE: [
            "seogwipo-child-protection",
            "seogwipo-wee-centre",
            "seogwipo-dream-start",
            "seogwipo-child-shelter",
            "seogwipo-mental-health",
        ],
        Domain.ELDER_ABUSE: [
            "jeju-elder-protection",
            "seogwipo-elder-protection",
            "jeju-elder-shelter",
            "seogwipo-community-welfare-centre",
            "seogwipo-city-hall",
        ],
        Domain.DISABILITY_ABUSE: [
            "jeju-disability-rights",
            "jeju-developmental-disability",
            "jeju-disability-sv-counselling",
            "jeju-social-service-agency",
        ],
        Domain.SCHOOL_VIOLENCE: [
            "seogwipo-wee-centre",
            "seogwipo-youth-counselling",
            "seogwipo-education-office",
            "seogwipo-mental-health",
        ],
        Domain.STALKING: [
            "jeju-1366",
            "seogwipo-sv-counselling",
            "legal-aid-seogwipo",
            "jeju-smile-centre",
            "jeju-victim-support",
        ],
        Domain.DATING_VIOLENCE: [
            "jeju-1366",
            "seogwipo-sv-counselling",
            "legal-aid-seogwipo",
            "jeju-victim-support",
            "seogwipo-mental-health",
        ],
        Domain.SEXUAL_VIOLENCE: [
            "jeju-sunflower-centre",
            "seogwipo-sv-counselling",
            "jeju-sv-shelter",
            "jeju-smile-centre",
            "jeju-1366",
        ],
    },
}
MIGRANT_POOL = ["jeju-migrant-women-counselling", "jeju-migrant-centre"]
# The station's regular members, invited when the agenda's own institutions are fewer than eight.
REGULARS = {
    "jeju": [
        "jeju-1366",
        "jeju-child-protection",
        "jeju-elder-protection",
        "jeju-city-mental-health",
        "legal-aid-jeju",
        "jeju-city-hall",
        "jeju-city-wee-centre",
        "jeju-dv-counselling",
        "jeju-city-family-centre",
        "jeju-national-university-hospital",
        "jeju-addiction-centre",
    ],
    "seogwipo": [
        "jeju-1366",
        "seogwipo-child-protection",
        "seogwipo-elder-protection",
        "seogwipo-mental-health",
        "legal-aid-seogwipo",
        "seogwipo-city-hall",
        "seogwipo-wee-centre",
        "seogwipo-dv-counselling",
        "seogwipo-family-centre",
        "seogwipo-medical-centre",
        "jeju-national-university-hospital",
    ],
}
STATUTES: dict[str, list[str]] = {
    Domain.DOMESTIC_VIOLENCE: ["domestic-violence-punishment-act", "domestic-violence-prevention-act"],
    Domain.CHILD_ABUSE: ["child-abuse-punishment-act", "child-welfare-act"],
    Domain.ELDER_ABUSE: ["elderly-welfare-act"],
    Domain.DISABILITY_ABUSE: ["disabled-welfare-act"],
    Domain.STALKING: ["stalking-punishment-act"],
}
STATUTE_FALLBACK = "pipa-18-2"
CONSENT_SHARE, SUMMARY_SHARE = 0.3, 0.25

# Cause weights. DV after facts.md's 2018 sample (alcohol 19%, economic 17.5%, neglect/contempt 14% → family
# conflict, infidelity 12% → separation), the rest spread; the other kinds are estimates.
CAUSES: dict[str, list[tuple[str, float]]] = {
    Domain.DOMESTIC_VIOLENCE: [
        ("alcohol", 19),
        ("economic_hardship", 17.5),
        ("family_conflict", 14),
        ("separation", 12),
        ("mental_health", 9),
        ("unemployment", 8),
        ("controlling_behaviour", 8),
        ("housing", 4),
        ("isolation", 4),
        ("other", 4.5),
    ],
    Domain.CHILD_ABUSE: [
        ("care_burden", 22),
        ("economic_hardship", 18),
        ("alcohol", 15),
        ("family_conflict", 15),
        ("mental_health", 12),
        ("separation", 8),
        ("housing", 5),
        ("other", 5),
    ],
    Domain.ELDER_ABUSE: [
        ("care_burden", 26),
        ("economic_hardship", 20),
        ("alcohol", 18),
        ("isolation", 14),
        ("mental_health", 10),
        ("family_conflict", 8),
        ("other", 4),
    ],
    Domain.DISABILITY_ABUSE: [
        ("disability_support_gap", 35),
        ("care_burden", 25),
        ("isolation", 15),
        ("economic_hardship", 15),
        ("other", 10),
    ],
    Domain.SCHOOL_VIOLENCE: [
        ("school_conflict", 45),
        ("family_conflict", 20),
        ("mental_health", 20),
        ("isolation", 10),
        ("other", 5),
    ],
    Domain.STALKING: [
        ("controlling_behaviour", 40),
        ("separation", 20),
        ("mental_health", 15),
        ("economic_hardship", 10),
        ("alcohol", 10),
        ("other", 5),
    ],
    Domain.DATING_VIOLENCE: [
        ("controlling_behaviour", 25),
        ("alcohol", 22),
        ("economic_hardship", 15),
        ("separation", 10),
        ("mental_health", 13),
        ("other", 15),
    ],
    Domain.SEXUAL_VIOLENCE: [
        ("alcohol", 35),
        ("mental_health", 25),
        ("isolation", 15),
        ("family_conflict", 15),
        ("other", 10),
    ],
}

REASON_NOTES: dict[str, str] = {
    Reason.REPEAT: "최근 1년 사이 같은 피해자에 대한 신고가 반복되어 협의체 검토가 필요함",
    Reason.ESCALATION: "신고가 잦아지고 피해 정도가 심해지는 추세로 판단됨",
    Reason.CRITICAL_INDICATOR: "목조름·흉기·살해 위협 등 위험 징후가 확인됨",
    Reason.HIGH_RISK: "위험성 평가 결과 심각 단계로 나타남",
    Reason.PROFESSIONAL_JUDGEMENT: "상담 과정에서 기관 단독 지원으로는 한계가 있다고 판단함",
}
DECLINED = [
    "이미 다른 기관에서 통합사례관리 중이어서 중복 지원을 피함",
    "피해자가 협의체 지원을 원하지 않는다고 밝힘",
    "관할 밖으로 이사하여 해당 지역 협의체로 연계함",
    "위험 수준이 낮아 기관 내 상담으로 충분하다고 판단함",
]
RESEARCH = [
    "기관 상담 기록상 피해자는 최근 두 차례 상담에 참여했고 주거 지원을 희망함",
    "가해자는 음주 후 반복적으로 문제를 일으킨 이력이 있으며 치료 권유를 거부해 옴",
    "자녀가 학교에서 정서적 어려움을 보인다는 담임교사 의견이 있음",
    "경제적 어려움으로 공과금 체납이 확인되어 긴급복지 연계가 필요해 보임",
    "피해자는 법률 상담을 요청했으며 보호명령 절차 안내가 필요함",
    "최근 병원 진료 기록상 외상 치료가 있었음",
    "가족 내 돌봄 부담이 크고 지원 서비스 이용 이력은 없음",
]
ITEM_NOTES = [
    "기관별 역할을 나누어 지원하기로 함",
    "피해자 안전 확보를 우선하고 가해자 개입 프로그램 연계를 검토함",
    "다음 회의에서 진행 상황을 점검하기로 함",
    "경제적 지원과 상담을 함께 진행하기로 함",
]
REVIEW_NOTES = ["미완료 조치를 점검하고 기한을 다시 확인함", "담당 기관이 진행 상황을 보고함"]
SERVICE_TEXTS = [
    "주거 지원 연계",
    "긴급생계비 지원",
    "심리 상담",
    "법률 상담",
    "알코올 중독 치료 연계",
    "가해자 교정 프로그램",
    "아동 정서 지원",
    "방문 안전 점검",
    "보호시설 입소 안내",
    "일자리 연계",
]
DESCRIPTIONS = [
    "피해자 면담 후 필요한 지원을 확인하고 결과를 공유",
    "가정 방문으로 안전을 확인하고 협의체에 보고",
    "상담 일정을 잡아 최소 4회기 진행",
    "관련 서비스 신청을 돕고 처리 결과를 기록",
    "보호자와 면담하여 양육 지원 계획 수립",
]
EVIDENCE = ["상담 일지 기록 완료", "방문 결과 보고서 작성", "서비스 신청 접수증 확인", "연계 기관 회신 공문 수령"]
PROGRESS = ["첫 면담을 마치고 후속 일정을 조율 중", "서비스 신청서를 제출하고 결과를 기다리는 중"]
CANCELLED = ["피해자가 서비스를 원하지 않아 취소함", "다른 기관 지원으로 대체되어 취소함"]
CONTACT_NOTES = ["특이사항 없음, 생활 안정적", "재발 없음을 확인함", "상담 지속 희망", "연락 닿지 않아 재시도 예정"]
CLOSING = {
    Case.Outcome.NO_REPEAT: "모니터링 기간 중 재신고 없이 안정적으로 생활하여 종결함",
    Case.Outcome.RISK_REDUCED: "지원 조치 완료 후 위험도가 낮아져 종결함",
    Case.Outcome.REFERRED: "장기 지원이 필요하여 전문 기관으로 연계하고 종결함",
    Case.Outcome.MOVED_AWAY: "피해자가 도외로 이주하여 종결함",
    Case.Outcome.CONSENT_WITHDRAWN: "피해자가 동의를 철회하여 종결함",
    Case.Outcome.OTHER: "협의체 논의 결과 종결함",
}
OUTCOMES = [
    (Case.Outcome.NO_REPEAT, 0.45),
    (Case.Outcome.RISK_REDUCED, 0.3),
    (Case.Outcome.REFERRED, 0.1),
    (Case.Outcome.MOVED_AWAY, 0.07),
    (Case.Outcome.CONSENT_WITHDRAWN, 0.03),
    (Case.Outcome.OTHER, 0.05),
]
CONSENT_BY = ["피해자 본인", "피해자 본인(서면)", "법정대리인(보호자)"]
CONSENT_SCOPE = ["사례 지원에 필요한 인적사항과 신고 이력", "상담 및 서비스 연계에 필요한 정보"]


@dataclass(frozen=True)
class CouncilResult:
    cases: int = 0
    meetings: int = 0
    actions: int = 0
    already_present: bool = False


@dataclass
class Trigger:
    incident: int
    at: datetime.datetime
    victim: int
    suspect: int | None
    institution: int
    station: int
    domain: str
    reasons: list[str]
    incidents: list[int]
    police: bool
    source: str = ""
    region: int | None = None


@dataclass
class PlannedAction:
    institution: int
    created: datetime.datetime
    due: datetime.date
    finished: datetime.datetime | None  # done or cancelled at (None: open now)
    status: str
    late: bool = False
    obj: Action | None = None


@dataclass
class PlannedCase:
    trigger: Trigger
    nominator: User
    decided: datetime.datetime
    accepted: bool
    lead: int = 0
    shares: list[tuple[int, bool]] = field(default_factory=list)  # (institution, full)
    causes: list[str] = field(default_factory=list)
    discussed: datetime.datetime | None = None
    monitoring: datetime.datetime | None = None
    close_at: datetime.datetime | None = None
    closed: datetime.datetime | None = None
    actions: list[PlannedAction] = field(default_factory=list)
    obj: Case | None = None


def _weighted(rng: random.Random, choices: list[tuple[T, float]]) -> T:
    return rng.choices([value for value, _weight in choices], [weight for _value, weight in choices])[0]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += DAY
    return day


def _office(rng: random.Random, after: datetime.datetime, days: tuple[int, int]) -> datetime.datetime:
    day = _weekday(timezone.localtime(after).date() + rng.randint(*days) * DAY)
    return _at(day, rng.randint(9, 17), rng.choice((0, 10, 20, 30, 40, 50)))


def present() -> bool:
    """Demo council data exists (generated before, or cases made by the demo users)."""
    return (
        AccessEvent.objects.filter(verb="demo.generate_council").exists()
        or Case.objects.filter(created_by__username__in=[user.username for user in DEMO_USERS]).exists()
    )


class _Council:
    def __init__(self, *, seed: int, now: datetime.datetime, years: int, scale: float) -> None:
        self.rng = random.Random(seed * 104_729 + 11)  # noqa: S311 (demo data)
        self.seed, self.now, self.today = seed, now, timezone.localdate(now)
        self.start = now - years * YEAR
        self.cases_per_month = CASES_PER_YEAR * scale / 12
        self.scale = scale
        self.institutions = {
            i.key: i for i in Institution.objects.filter(status=Institution.Status.ACTIVE).order_by("pk")
        }
        self.by_pk = {i.pk: i for i in self.institutions.values()}
        self.stations = {s.pk: s for s in PoliceStation.objects.all()}
        self.station_institution = {i.station_id: i.pk for i in self.institutions.values() if i.station_id is not None}
        self.city = {pk: STATION_CITY.get(s.code, "jeju") for pk, s in self.stations.items()}
        self.users: dict[int, User] = {}  # the demo caseworker of each institution that has one
        self.coordinators: dict[int, User] = {}  # by station
        self.user_institution: dict[int, int] = {}
        usernames = [user.username for user in DEMO_USERS]
        memberships = Membership.objects.filter(
            user__username__in=usernames,
            user__is_active=True,
            role__in=[Membership.Role.COORDINATOR, Membership.Role.PRACTITIONER],
        ).select_related("user")
        for membership in sorted(memberships, key=lambda m: usernames.index(m.user.username)):
            if not membership.casework:
                continue
            self.users.setdefault(membership.institution_id, membership.user)
            self.user_institution[membership.user.pk] = membership.institution_id
            if membership.role == Membership.Role.COORDINATOR and membership.station_id is not None:
                self.coordinators.setdefault(membership.station_id, membership.user)
        self.services: dict[int, list[int]] = defaultdict(list)
        for pk, institution_id in (
            Service.objects.filter(status=Service.Status.ACTIVE).order_by("pk").values_list("pk", "institution_id")
        ):
            self.services[institution_id].append(pk)
        self.bases = {basis.code for basis in current_bases()}
        self.factors = {factor.code for factor in current_factors()}
        self.events: list[CaseEvent] = []

    # --- nominations ----------------------------------------------------------------------------------

    def triggers(self) -> list[Trigger]:
        """Every report whose victim shows what the rules look for at that time, in time order."""
        region_station = dict(PoliceStation.jurisdiction.through.objects.values_list("region_id", "policestation_id"))
        rows = Incident.objects.filter(reported_at__gte=self.start - YEAR, reported_at__lt=self.now).values_list(
            "pk",
            "reported_at",
            "domain",
            "source",
            "reporting_institution_id",
            "region_id",
            "injury",
            "weapon",
            "strangulation",
            "threat_to_kill",
        )
        incidents = {row[0]: row for row in rows}
        victims: dict[int, int] = {}
        suspects: dict[int, int] = {}
        for incident_id, person_id, role in Party.objects.filter(incident__in=list(incidents)).values_list(
            "incident_id", "person_id", "role"
        ):
            if role == Party.Role.VICTIM:
                victims.setdefault(incident_id, person_id)
            elif role == Party.Role.SUSPECT:
                suspects.setdefault(incident_id, person_id)
        severe = set(
            Assessment.objects.filter(status=Assessment.Status.COMPLETE, incident__isnull=False)
            .exclude(override_band__in=["caution", "crisis"])
            .filter(band="severe")
            .values_list("incident_id", flat=True)
        ) | set(Assessment.objects.filter(override_band="severe").values_list("incident_id", flat=True))
        nominators = set(self.station_institution.values()) | set(self.users)
        history: dict[int, list[tuple[datetime.datetime, int]]] = defaultdict(list)
        found = []
        for incident_id in sorted(incidents, key=lambda pk: (incidents[pk][1], pk)):
            _pk, at, domain, source, institution, region, injury, weapon, strangulation, threat = incidents[incident_id]
            victim = victims.get(incident_id)
            if victim is None:
                continue
            past = history[victim]
            past.append((at, incident_id))
            recent = [pk for when, pk in past if when > at - YEAR]
            reasons: list[str] = []
            if len(recent) >= 3:
                reasons.append(Reason.REPEAT)
            if injury and len(recent) >= 2:
                reasons.append(Reason.ESCALATION)
            if weapon or strangulation or threat:
                reasons.append(Reason.CRITICAL_INDICATOR)
            if incident_id in severe:
                reasons.append(Reason.HIGH_RISK)
            police = institution in self.station_institution.values()
            if not reasons and not police and len(recent) >= 2 and self.rng.random() < 0.5:
                reasons.append(Reason.PROFESSIONAL_JUDGEMENT)
            station = region_station.get(region)
            if reasons and at >= self.start and institution in nominators and station in self.coordinators:
                found.append(
                    Trigger(
                        incident_id,
                        at,
                        victim,
                        suspects.get(incident_id),
                        institution,
                        station,
                        domain,
                        reasons,
                        recent,
                        police,
                        source,
                        region,
                    )
                )
        return found

    def plan_cases(self, triggers: list[Trigger]) -> tuple[list[PlannedCase], list[Trigger]]:
        """About `cases_per_month` nominations a month, a third of them by protection institutions; the
        triggers of the last ten days are left for the services (nominations waiting now)."""
        by_month: dict[tuple[int, int], list[Trigger]] = defaultdict(list)
        recent = []
        for trigger in triggers:
            if trigger.at > self.now - 10 * DAY:
                recent.append(trigger)
            else:
                local = timezone.localtime(trigger.at)
                by_month[(local.year, local.month)].append(trigger)
        used: set[int] = set()
        cases = []
        carry = outside_due = 0.0
        for month in sorted(by_month):
            carry += self.cases_per_month * self.rng.uniform(0.7, 1.3)
            wanted, carry = int(carry), carry - int(carry)
            pool = [t for t in by_month[month] if t.victim not in used]
            self.rng.shuffle(pool)
            pool.sort(key=lambda t: -len(t.reasons))  # the strongest first (stable: random among equals)
            outside = [t for t in pool if not t.police]
            police = [t for t in pool if t.police]
            # A third over the months, whatever the draw (a coin per case gave 4 of 28 on some dates): what a month
            # could not find in its pool is owed to the next.
            outside_due += wanted * NON_POLICE_SHARE
            take_outside = min(len(outside), wanted, round(outside_due))
            outside_due -= take_outside
            chosen = outside[:take_outside] + police[: wanted - take_outside]
            for trigger in chosen:
                used.add(trigger.victim)
                cases.append(self.plan_case(trigger))
        recent = [t for t in recent if t.victim not in used]
        return cases, recent

    def plan_case(self, trigger: Trigger) -> PlannedCase:
        rng = self.rng
        station_user = self.coordinators[trigger.station]
        nominator = station_user if trigger.police else self.users[trigger.institution]
        nominated = min(_office(rng, trigger.at, (0, 4)), self.now - DAY)
        trigger.at = nominated
        decided = min(_office(rng, nominated, (1, 6)), self.now - 6 * 3600 * datetime.timedelta(seconds=1))
        case = PlannedCase(trigger, nominator, decided, accepted=rng.random() < ACCEPTED_SHARE)
        if not case.accepted:
            return case
        city = self.city[trigger.station]
        pool = [key for key in POOLS[city].get(trigger.domain, []) if key in self.institutions]
        if rng.random() < 0.08:
            pool += [key for key in MIGRANT_POOL if key in self.institutions]
        candidates = list(dict.fromkeys([self.institutions[key].pk for key in pool]))
        rng.shuffle(candidates)
        count = min(len(candidates), rng.choice((2, 2, 3, 3, 3, 4, 4, 5)))
        chosen = candidates[:count]
        if not trigger.police and trigger.institution not in chosen:
            chosen = [trigger.institution, *chosen[: max(count - 1, 1)]]
        case.shares = [(pk, pk == trigger.institution or rng.random() >= SUMMARY_SHARE) for pk in chosen]
        leads = [pk for pk, full in case.shares if full and pk in self.users]
        if not trigger.police and trigger.institution in leads and rng.random() < 0.7:
            case.lead = trigger.institution
        elif leads and rng.random() < 0.15:
            case.lead = rng.choice(leads)
        else:
            case.lead = self.station_institution[trigger.station]
        return case

    # --- meetings -------------------------------------------------------------------------------------

    def meeting_days(self) -> list[datetime.datetime]:
        days: list[datetime.datetime] = []
        day = timezone.localtime(self.start).date() + self.rng.randint(20, 40) * DAY
        while True:
            starts = _at(_weekday(day), self.rng.choice((10, 14, 14, 15)))
            if starts > self.now - DAY:
                return days
            days.append(starts)
            day += self.rng.randint(24, 40) * DAY

    def invited(self, station: int, cases: list[PlannedCase]) -> list[int]:
        own = self.station_institution[station]
        wanted = max(5, min(11, round(self.rng.gauss(INVITED_OUTSIDE, 1.2))))
        sharing = [pk for case in cases for pk, _full in case.shares]
        regulars = [self.institutions[key].pk for key in REGULARS[self.city[station]] if key in self.institutions]
        self.rng.shuffle(regulars)
        outside = [pk for pk in dict.fromkeys(sharing + regulars) if pk != own][: max(wanted, len(set(sharing)))]
        return [own, *outside]

    def plan_actions(self, case: PlannedCase, at: datetime.datetime, count: int) -> None:
        rng = self.rng
        taking_part = [self.station_institution[case.trigger.station]] + [pk for pk, _full in case.shares]
        for _ in range(count):
            due = timezone.localtime(at).date() + rng.choice((14, 21, 28, 30, 42, 60)) * DAY
            draw = rng.random()
            if draw < ON_TIME:
                span = (_at(due, 17) - at).total_seconds()
                finished = at + datetime.timedelta(seconds=span * rng.uniform(0.2, 1.0))
                status, late = Action.Status.DONE, False
            elif draw < ON_TIME + LATE:
                # Most late actions are a few weeks late; some drag on for months (the overdue ones now).
                lateness = rng.randint(2, 45) if rng.random() < 0.6 else rng.randint(30, 150)
                finished = _at(due + lateness * DAY, rng.randint(9, 17))
                status, late = Action.Status.DONE, True
            else:
                finished, status, late = at + rng.randint(5, 30) * DAY, Action.Status.CANCELLED, False
            institution = rng.choice(taking_part[1:] or taking_part) if rng.random() < 0.75 else taking_part[0]
            if finished > self.now:
                status = (
                    Action.Status.IN_PROGRESS if rng.random() < 0.5 and at < self.now - 7 * DAY else Action.Status.OPEN
                )
                planned = PlannedAction(institution, at, due, None, status)
            else:
                planned = PlannedAction(institution, at, due, finished, status, late)
            case.actions.append(planned)

    def simulate(self, cases: list[PlannedCase]) -> list[tuple[Meeting, list[int], list[tuple[PlannedCase, str]]]]:
        """Run each station's councils over the years: who is discussed when, which actions follow."""
        rng = self.rng
        meetings: list[tuple[Meeting, list[int], list[tuple[PlannedCase, str]]]] = []
        by_station: dict[int, list[PlannedCase]] = defaultdict(list)
        for case in cases:
            if case.accepted:
                by_station[case.trigger.station].append(case)
        for station, accepted in sorted(by_station.items()):
            chair = self.coordinators[station]
            waiting = sorted(accepted, key=lambda c: c.decided)
            for starts in self.meeting_days():
                new = [c for c in waiting if c.discussed is None and c.decided < starts - DAY]
                review = [
                    c
                    for c in accepted
                    if c.discussed is not None
                    and c not in new
                    and (c.closed is None or c.closed > starts)
                    and any(a.due <= starts.date() and (a.finished is None or a.finished > starts) for a in c.actions)
                ]
                if not new and not review:
                    continue
                items: list[tuple[PlannedCase, str]] = []
                for case in new:
                    draw = rng.random()
                    if draw < 0.05 and case.decided > starts - 20 * DAY:
                        items.append((case, AgendaItem.Decision.DEFERRED))
                        continue
                    case.discussed = starts
                    case.causes = self.causes(case.trigger.domain)
                    if draw < 0.15:
                        items.append((case, AgendaItem.Decision.MONITOR))
                        self.plan_actions(case, starts, rng.choice((2, 3)))
                    else:
                        items.append((case, AgendaItem.Decision.DISCUSSED))
                        self.plan_actions(case, starts, _weighted(rng, [(2, 0.15), (3, 0.35), (4, 0.35), (5, 0.15)]))
                    self.follow(case, monitor_now=items[-1][1] == AgendaItem.Decision.MONITOR)
                for case in review:
                    items.append((case, AgendaItem.Decision.DISCUSSED))
                    if rng.random() < 0.25 and (case.monitoring is None or case.monitoring > starts):
                        self.plan_actions(case, starts, 1)
                        self.follow(case, monitor_now=False)
                meeting = Meeting(
                    station_id=station,
                    starts_at=starts,
                    duration_minutes=rng.choice((60, 90, 90, 120)),
                    place=f"{self.stations[station].name_ko} 회의실",
                    chair=chair,
                    created_by=chair,
                    status=Meeting.Status.APPROVED,
                    approved_by=chair,
                    approved_at=min(_office(rng, starts, (1, 6)), self.now),
                )
                if rng.random() < 0.1:
                    meeting.place, meeting.video_link = "", f"https://meet.example.kr/jss-{station}-{len(meetings)}"
                invited = self.invited(station, [case for case, _decision in items])
                meetings.append((meeting, invited, items))
        return meetings

    def causes(self, domain: str) -> list[str]:
        weights = [(code, weight) for code, weight in CAUSES.get(domain, [("other", 1)]) if code in self.factors]
        chosen: list[str] = []
        for _ in range(self.rng.choice((1, 1, 2, 2, 3))):
            code = _weighted(self.rng, weights)
            if code not in chosen:
                chosen.append(code)
        return chosen or ["other"]

    def follow(self, case: PlannedCase, *, monitor_now: bool) -> None:
        """When the case goes into monitoring (its actions done, or as decided) and when it closes."""
        assert case.discussed is not None
        finished = [a.finished for a in case.actions]
        if monitor_now:
            case.monitoring = case.discussed + DAY
        elif all(finished):
            case.monitoring = max(f for f in finished if f is not None) + DAY
        else:
            case.monitoring = None
        case.close_at = case.close_at or case.decided + self.rng.randint(90, 270) * DAY
        case.closed = None
        if case.monitoring is not None:
            close = max(case.close_at, case.monitoring + 30 * DAY)
            if close < self.now:
                case.closed = _office(self.rng, close, (0, 0))
                if case.closed >= self.now:
                    case.closed = None

    # --- saving ---------------------------------------------------------------------------------------

    def event(self, case: Case, kind: str, at: datetime.datetime, actor: User, **detail: Any) -> None:
        institution = self.user_institution[actor.pk]
        self.events.append(
            CaseEvent(case=case, kind=kind, at=at, actor=actor, institution_id=institution, detail=detail)
        )

    def save(self, cases: list[PlannedCase], meetings: list[Any]) -> Counter[str]:
        rng = self.rng
        counts: Counter[str] = Counter()
        for planned in cases:
            planned.obj = Case(
                station_id=planned.trigger.station,
                lead_institution_id=planned.trigger.institution,
                created_by=planned.nominator,
            )
        Case.objects.bulk_create([c.obj for c in cases if c.obj], batch_size=BATCH)
        members, links, nominations, shares = [], [], [], []
        granted: list[datetime.datetime] = []
        for planned in cases:
            case, trigger = planned.obj, planned.trigger
            assert case is not None
            station_user = self.coordinators[trigger.station]
            case.created_at = trigger.at
            members.append(CasePerson(case=case, person_id=trigger.victim, role=CasePerson.Role.VICTIM))
            if trigger.suspect is not None and trigger.suspect != trigger.victim:
                members.append(CasePerson(case=case, person_id=trigger.suspect, role=CasePerson.Role.SUSPECT))
            links += [Case.incidents.through(case=case, incident_id=pk) for pk in trigger.incidents]
            note = " ".join(REASON_NOTES[reason] for reason in trigger.reasons if reason in REASON_NOTES)
            nomination = Nomination(
                case=case,
                institution_id=trigger.institution,
                nominated_by=planned.nominator,
                reasons=trigger.reasons,
                note=note,
                status=Nomination.Status.ACCEPTED if planned.accepted else Nomination.Status.DECLINED,
                decided_by=station_user,
                decided_at=planned.decided,
            )
            nominations.append(nomination)
            self.event(case, "nominate", trigger.at, planned.nominator, reasons=trigger.reasons, new_case=True, flag=0)
            if not planned.accepted:
                reason = rng.choice(DECLINED)
                nomination.declined_reason = reason
                case.status, case.declined_reason = Case.Status.DECLINED, reason
                self.event(case, "decline", planned.decided, station_user)
                counts["declined"] += 1
                continue
            self.event(case, "accept", planned.decided, station_user, lead=planned.lead)
            case.lead_institution_id = planned.lead
            for institution, full in planned.shares:
                shares.append(self.share(planned, institution, full, station_user))
                granted.append(planned.decided + rng.randint(5, 90) * datetime.timedelta(minutes=1))
            case.status = self.status_now(planned)
            case.closed_at = planned.closed
            if planned.closed is not None:
                case.outcome = _weighted(rng, OUTCOMES)
                case.closing_note = CLOSING[case.outcome]
            case.updated_at = max([planned.decided, *(t for t in (planned.closed, planned.discussed) if t)])
            counts[case.status] += 1
        CasePerson.objects.bulk_create(members, batch_size=BATCH)
        Case.incidents.through.objects.bulk_create(links, batch_size=BATCH)
        self._dated(Nomination, nominations, {"created_at": [n.case.created_at for n in nominations]})
        self._dated(Share, shares, {"granted_at": granted})
        for share in shares:
            self.event(
                share.case,
                "share_grant",
                share.granted_at,
                share.granted_by,
                institution=share.institution_id,
                basis=share.basis,
                statute=share.statute,
                scope=share.scope,
            )
        counts["shares"] = len(shares)
        self.save_meetings(meetings, counts)
        self.save_followup(cases, counts)
        Case.objects.bulk_update(
            [c.obj for c in cases if c.obj],
            [
                "created_at",
                "updated_at",
                "status",
                "lead_institution",
                "declined_reason",
                "closed_at",
                "outcome",
                "closing_note",
            ],
            batch_size=BATCH,
        )
        CaseEvent.objects.bulk_create(self.events, batch_size=BATCH)
        counts["cases"] = len(cases)
        return counts

    @staticmethod
    def _dated(model: type[Model], objects: list[Any], dates: dict[str, list[datetime.datetime]]) -> None:
        """Bulk create, then set the auto_now_add dates (one list per field, in the objects' order) to when it
        happened: bulk_update leaves them as given."""
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        for name, values in dates.items():
            for obj, value in zip(objects, values, strict=True):
                setattr(obj, name, value)
        if objects:
            model._default_manager.bulk_update(objects, list(dates), batch_size=BATCH)

    def share(self, planned: PlannedCase, institution: int, full: bool, actor: User) -> Share:
        rng, domain = self.rng, planned.trigger.domain
        statutes = [code for code in STATUTES.get(domain, []) if code in self.bases] or [STATUTE_FALLBACK]
        share = Share(
            case=planned.obj,
            institution_id=institution,
            granted_by=actor,
            scope=Share.Scope.FULL if full else Share.Scope.SUMMARY,
        )
        if rng.random() < CONSENT_SHARE or statutes[0] not in self.bases:
            share.basis = Share.Basis.CONSENT
            share.consent_given_by = rng.choice(CONSENT_BY)
            share.consent_given_on = timezone.localtime(planned.decided).date()
            share.consent_scope = rng.choice(CONSENT_SCOPE)
        else:
            share.basis, share.statute = Share.Basis.STATUTE, rng.choice(statutes)
        return share

    def status_now(self, planned: PlannedCase) -> str:
        if planned.closed is not None:
            return Case.Status.CLOSED
        if planned.discussed is None:
            return Case.Status.ACCEPTED
        if planned.monitoring is not None and planned.monitoring <= self.now:
            return Case.Status.MONITORING
        return Case.Status.PLAN_ACTIVE

    def save_meetings(self, meetings: list[Any], counts: Counter[str]) -> None:
        rng = self.rng
        for meeting, _invited, _items in meetings:
            meeting.version = 3  # attendance, minutes saved, approved
        Meeting.objects.bulk_create([meeting for meeting, _invited, _items in meetings], batch_size=BATCH)
        invitations, items, notes = [], [], []
        invited_at: list[datetime.datetime] = []
        written: list[datetime.datetime] = []
        for meeting, invited, planned_items in meetings:
            for pk in invited:
                attended = pk == invited[0] or rng.random() < ATTENDANCE
                sent = meeting.starts_at - rng.randint(7, 14) * DAY
                invitations.append(Invitation(meeting=meeting, institution_id=pk, attended=attended, notified_at=sent))
                invited_at.append(sent)
            for position, (case, decision) in enumerate(planned_items, start=1):
                reason = "review" if case.discussed is not None and case.discussed < meeting.starts_at else "new"
                rating = (
                    ""
                    if decision == AgendaItem.Decision.DEFERRED
                    else _weighted(rng, [("", 0.3), ("caution", 0.35), ("crisis", 0.25), ("severe", 0.1)])
                )
                note = rng.choice(REVIEW_NOTES if reason == "review" else ITEM_NOTES)
                item = AgendaItem(
                    meeting=meeting,
                    case=case.obj,
                    position=position,
                    reason=reason,
                    decision=decision,
                    risk_rating=rating,
                    note=note if decision != AgendaItem.Decision.DEFERRED else "",
                )
                item.planned = case  # type: ignore[attr-defined]
                items.append(item)
        self._dated(Invitation, invitations, {"invited_at": invited_at})
        AgendaItem.objects.bulk_create(items, batch_size=BATCH)
        causes = []
        for item in items:
            planned: PlannedCase = item.planned  # type: ignore[attr-defined]
            meeting = item.meeting
            chair = meeting.chair
            assert item.case is not None
            self.event(item.case, "agenda", meeting.starts_at - 7 * DAY, chair, meeting=meeting.pk)
            if item.decision != AgendaItem.Decision.DEFERRED:
                causes += [CauseFinding(item=item, factor=code) for code in planned.causes]
            self.event(
                item.case,
                "council",
                meeting.starts_at + DAY / 24,
                chair,
                meeting=meeting.pk,
                decision=item.decision,
                causes=planned.causes,
                risk=item.risk_rating,
            )
            if item.reason == "new":
                shared = [pk for pk, full in planned.shares if full and pk in self.users]
                for pk in [*shared, self.station_institution[planned.trigger.station]]:
                    if rng.random() < 0.45:
                        text = rng.choice(RESEARCH)
                        notes.append(ResearchNote(item=item, institution_id=pk, author=self.users[pk], text=text))
                        written.append(min(_office(rng, meeting.starts_at - 6 * DAY, (0, 4)), meeting.starts_at))
        CauseFinding.objects.bulk_create(causes, batch_size=BATCH)
        self._dated(ResearchNote, notes, {"created_at": written})
        approved = [meeting for meeting, _invited, _items in meetings]
        for meeting in approved:
            meeting.minutes = draft_minutes(meeting)  # drafted from what was recorded, approved as it is
            meeting.created_at = meeting.starts_at - rng.randint(10, 20) * DAY
        Meeting.objects.bulk_update(approved, ["minutes", "created_at"], batch_size=BATCH)
        counts.update(
            meetings=len(meetings),
            invitations=len(invitations),
            research_notes=len(notes),
            cause_findings=len(causes),
            agenda_items=len(items),
        )

    def save_followup(self, cases: list[PlannedCase], counts: Counter[str]) -> None:
        """Actions with their updates, monitoring contacts, closures (and their case events)."""
        rng = self.rng
        actions = []
        for planned in cases:
            case = planned.obj
            assert case is not None
            chair = self.coordinators[planned.trigger.station]
            for planned_action in planned.actions:
                services = self.services.get(planned_action.institution, [])
                service = rng.choice(services) if services and rng.random() < 0.6 else None
                action = Action(
                    case=case,
                    institution_id=planned_action.institution,
                    responsible=self.users.get(planned_action.institution),
                    service_id=service,
                    service_text="" if service else rng.choice(SERVICE_TEXTS),
                    description=rng.choice(DESCRIPTIONS),
                    due_on=planned_action.due,
                    status=planned_action.status,
                    created_by=chair,
                    completed_at=planned_action.finished if planned_action.status == Action.Status.DONE else None,
                    version=2 if planned_action.finished else 1,
                )
                planned_action.obj = action
                actions.append(action)
        planned_actions = [a for planned in cases for a in planned.actions]
        self._dated(
            Action,
            actions,
            {
                "created_at": [a.created for a in planned_actions],
                "updated_at": [a.finished or a.created for a in planned_actions],
            },
        )
        updates = []
        for planned in cases:
            case = planned.obj
            assert case is not None
            chair = self.coordinators[planned.trigger.station]
            for planned_action in planned.actions:
                saved = planned_action.obj
                assert saved is not None
                self.event(
                    case,
                    "action_add",
                    planned_action.created,
                    chair,
                    action=saved.pk,
                    institution=planned_action.institution,
                    due=planned_action.due.isoformat(),
                )
                author = self.users.get(planned_action.institution, chair)
                author_institution = self.user_institution[author.pk]
                steps: list[tuple[datetime.datetime, str, str, str, str]] = []
                if planned_action.status != Action.Status.OPEN and (
                    planned_action.finished is None or planned_action.late
                ):
                    started = planned_action.created + rng.randint(2, 7) * DAY
                    steps.append((started, Action.Status.OPEN, Action.Status.IN_PROGRESS, rng.choice(PROGRESS), ""))
                if planned_action.finished is not None:
                    before = steps[-1][2] if steps else Action.Status.OPEN
                    if planned_action.status == Action.Status.DONE:
                        steps.append((planned_action.finished, before, Action.Status.DONE, "", rng.choice(EVIDENCE)))
                    else:
                        steps.append(
                            (planned_action.finished, before, Action.Status.CANCELLED, rng.choice(CANCELLED), "")
                        )
                for at, status_from, status_to, text, evidence in steps:
                    updates.append(
                        ActionUpdate(
                            action=saved,
                            author=author,
                            institution_id=author_institution,
                            at=at,
                            text=text,
                            status_from=status_from,
                            status_to=status_to,
                            evidence=evidence,
                        )
                    )
                    self.event(
                        case,
                        "action_update",
                        at,
                        author,
                        action=saved.pk,
                        institution=planned_action.institution,
                        status_from=status_from,
                        status_to=status_to,
                    )
            self.monitor(planned, counts)
        ActionUpdate.objects.bulk_create(updates, batch_size=BATCH)
        counts.update(actions=len(actions), action_updates=len(updates))

    def monitor(self, planned: PlannedCase, counts: Counter[str]) -> None:
        case = planned.obj
        assert case is not None
        if planned.monitoring is None or planned.monitoring > self.now:
            return
        lead_user = self.users.get(planned.lead) or self.coordinators[planned.trigger.station]
        self.event(case, "monitor", planned.monitoring, lead_user)
        end = planned.closed or self.now
        contacts = []
        day = timezone.localtime(planned.monitoring).date() + self.rng.randint(7, 30) * DAY
        while _at(day, 18) < end:
            contact = ContactLog(
                case=case,
                contacted_on=day,
                kind=_weighted(self.rng, [("phone", 0.65), ("visit", 0.25), ("meeting", 0.1)]),
                with_consent=True,
                reached=self.rng.random() < 0.9,
                note=self.rng.choice(CONTACT_NOTES),
                next_contact_by=day + 30 * DAY,
                institution_id=self.user_institution[lead_user.pk],
                recorded_by=lead_user,
            )
            contacts.append(contact)
            day = _weekday(day + self.rng.randint(26, 34) * DAY)
        self._dated(ContactLog, contacts, {"recorded_at": [_at(c.contacted_on, 18) for c in contacts]})
        for contact in contacts:
            self.event(
                case,
                "contact",
                contact.recorded_at,
                lead_user,
                contact=contact.pk,
                contact_kind=contact.kind,
                reached=contact.reached,
            )
        counts["contacts"] += len(contacts)
        if planned.closed is not None:
            self.event(case, "close", planned.closed, lead_user, outcome=case.outcome)

    # --- now: through the services --------------------------------------------------------------------

    def ensure_overdue(self, cases: list[PlannedCase]) -> None:
        """At least one action open past its due date (the inbox and "who is behind" show something)."""
        if any(a.finished is None and a.due < self.today for c in cases for a in c.actions):
            return
        late = [
            (a.due, c, a)
            for c in cases
            if c.closed is None
            for a in c.actions
            if a.finished is not None and a.due < self.today and a.status == Action.Status.DONE
        ]
        if late:
            _due, case, action = max(late, key=lambda entry: (entry[0], entry[2].created))
            action.finished, action.status, action.late = None, Action.Status.IN_PROGRESS, True
            case.monitoring = None

    def reopen(self, cases: list[PlannedCase]) -> list[Case]:
        """A few cases closed in the last year get a new report, recorded through intake: the repeat rule of
        closed cases reopens them."""
        closed = [
            c
            for c in cases
            if c.closed is not None and self.now - 300 * DAY < c.closed < self.now - 20 * DAY and c.obj is not None
        ]
        self.rng.shuffle(closed)
        reopened: list[Case] = []
        for number, planned in enumerate(closed[: max(1, round(6 * self.scale))], start=1):
            trigger = planned.trigger
            actor = self.coordinators[trigger.station] if trigger.police else self.users[trigger.institution]
            persons = Person.objects.in_bulk([p for p in (trigger.victim, trigger.suspect) if p is not None])
            parties = [PartyData(role=Party.Role.VICTIM, identity=Identity(), existing=persons[trigger.victim])]
            if trigger.suspect is not None and trigger.suspect in persons and trigger.suspect != trigger.victim:
                parties.append(
                    PartyData(role=Party.Role.SUSPECT, identity=Identity(), existing=persons[trigger.suspect])
                )
            reported = self.now - self.rng.randint(2, 9) * DAY
            institution = self.by_pk[trigger.institution]
            incident = record_incident(
                IncidentData(
                    domain=trigger.domain,
                    occurred_at=reported - datetime.timedelta(minutes=40),
                    reported_at=reported,
                    source=trigger.source,
                    reporting_institution=institution,
                    region=institution.region if trigger.region is None else None,
                    parties=parties,
                    source_reference=f"DEMO-{self.seed}-R{number:04d}",
                    narrative="사례 종결 후 다시 신고됨. 피해자 안전을 확인하고 관계 기관에 알림.",
                ),
                actor=actor,
            )
            if trigger.region is not None:
                Incident.objects.filter(pk=incident.pk).update(region=trigger.region)
            case = Case.objects.get(pk=planned.obj.pk) if planned.obj else None
            if case is not None and case.reopened_at is not None:
                reopened.append(case)
        return reopened

    def nominate_recent(self, recent: list[Trigger]) -> int:
        """The last days' triggers: a few nominations waiting for each station's coordinator."""
        per_station: Counter[int] = Counter()
        made = 0
        for trigger in sorted(recent, key=lambda t: (-len(t.reasons), t.at)):
            if per_station[trigger.station] >= max(1, round(2 * self.scale)):
                continue
            actor = self.coordinators[trigger.station] if trigger.police else self.users[trigger.institution]
            persons = Person.objects.in_bulk([p for p in (trigger.victim, trigger.suspect) if p is not None])
            members: list[tuple[Person, str]] = [(persons[trigger.victim], CasePerson.Role.VICTIM)]
            if trigger.suspect is not None and trigger.suspect != trigger.victim:
                members.append((persons[trigger.suspect], CasePerson.Role.SUSPECT))
            note = " ".join(REASON_NOTES[reason] for reason in trigger.reasons if reason in REASON_NOTES)
            data = NominationData(
                persons=members,
                incidents=list(Incident.objects.filter(pk__in=trigger.incidents)),
                reasons=trigger.reasons,
                note=note,
                station=self.stations[trigger.station],
            )
            nominate(data, actor=actor)
            per_station[trigger.station] += 1
            made += 1
        return made

    def schedule_next(self) -> list[Meeting]:
        """Each station's next meeting in the next two weeks; the service builds its agenda (the accepted
        cases waiting, the cases with actions due) and invites. The demo e-mails nobody."""
        scheduled = []
        for station_id, chair in sorted(self.coordinators.items()):
            day = _weekday(self.today + self.rng.randint(3, 10) * DAY)  # a weekend moves it at most two days
            waiting = (
                Share.objects.filter(
                    case__station=station_id, case__status=Case.Status.ACCEPTED, revoked_at__isnull=True
                )
                .order_by("pk")
                .values_list("institution_id", flat=True)
            )
            sharing = [
                PlannedCase(
                    Trigger(0, self.now, 0, None, 0, station_id, "", [], [], True),
                    chair,
                    self.now,
                    True,
                    shares=[(pk, True) for pk in waiting],
                )
            ]
            invited = [self.by_pk[pk] for pk in self.invited(station_id, sharing) if pk in self.by_pk]
            data = MeetingData(
                starts_at=_at(day, 14),
                place=f"{self.stations[station_id].name_ko} 회의실",
                video_link="",
                invited=invited,
            )
            locmem = "django.core.mail.backends.locmem.EmailBackend"
            with override_settings(EMAIL_BACKEND=locmem), transaction.atomic():
                scheduled.append(schedule(self.stations[station_id], data, actor=chair))
        return scheduled


def council_summary() -> str:
    """One line for generate_demo: what the demo's councils hold now."""
    statuses = dict(Case.objects.values_list("status").annotate(n=Count("id")).order_by())
    today = timezone.localdate()
    open_actions = Action.objects.filter(status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS])
    return (
        f"{Case.objects.count():,} cases ("
        + ", ".join(f"{status} {statuses.get(status, 0)}" for status in Case.Status.values)
        + f", {Case.objects.filter(reopened_at__isnull=False).count()} reopened), "
        f"{Meeting.objects.count():,} meetings ({Meeting.objects.filter(status=Meeting.Status.SCHEDULED).count()} "
        f"upcoming), {Action.objects.count():,} support actions ({open_actions.count()} open, "
        f"{open_actions.filter(due_on__lt=today).count()} overdue)"
    )


def generate_council(
    *, seed: int, now: datetime.datetime | None = None, years: int = 3, scale: float = 1.0
) -> CouncilResult:
    """Three years (`years`) of working councils at Jeju's scale (`scale` 1: about 90 cases a year) on the
    demo incidents; nothing is added when demo council data exists."""
    now = now or timezone.now()
    if present():
        return CouncilResult(already_present=True)
    council = _Council(seed=seed, now=now, years=years, scale=scale)
    if not council.coordinators:
        return CouncilResult()
    triggers = council.triggers()
    with transaction.atomic():
        cases, recent = council.plan_cases(triggers)
        meetings = council.simulate(cases)
        council.ensure_overdue(cases)
        counts = council.save(cases, meetings)
        record(
            None,
            "demo.generate_council",
            None,
            {"seed": seed, "years": years, "scale": str(scale), **{k: int(v) for k, v in sorted(counts.items())}},
        )
    council.reopen(cases)
    council.nominate_recent(recent)
    council.schedule_next()
    return CouncilResult(cases=counts["cases"], meetings=counts["meetings"], actions=counts["actions"])
