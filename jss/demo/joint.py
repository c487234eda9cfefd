"""Demo joint council (issue 7): the council of institution heads at 제주경찰청, its policy register and the
case reviews of the semiannual report, on the demo's years.

1. **Meetings.** Two regular meetings a year, mid-January and mid-July on a weekday afternoon, and one
   extraordinary meeting after a serious incident; every institution that was a member then is invited
   (`Institution.member_since`, `left_on`) and about 85% attend. The agenda follows the rule of
   `jss.joint.services.schedule_meeting`: a regular meeting's semiannual report of the last full half-year,
   then every decision not done or dropped at the time (carried over), then what the secretariat added —
   case reviews (titles only), a report of new members, new policy proposals. Every item has its outcome;
   the minutes are drafted from what was recorded (`draft_minutes`) and approved within two weeks.
2. **Policy decisions.** Two to four per regular meeting (one or two at the extraordinary one) from a list
   of realistic decisions, each with its owner institutions, a due date two to nine months after, the
   report section (and period) that motivated it, and follow-ups over time by an owner's head or the
   secretariat: most done (some late), some dropped with a reason, some stalled; those of the last months
   open or in progress; at least one overdue now.

History is written in bulk with its real dates (`schedule_meeting` refuses past dates). What happens now
goes through the services: the next regular meeting is scheduled by the secretariat (`schedule_meeting`:
its agenda carries every unfinished decision), and a few cases the working councils discussed get an
anonymised review proposed by the station's coordinator (`propose_review`: refused when it names someone
of the case), most of them chosen by the secretariat for the last complete half-year (`decide_review`).
One audit event records the generation; re-running adds nothing.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.test.utils import override_settings
from django.utils import timezone, translation

from jss.accounts.models import Membership, User
from jss.audit.models import AccessEvent
from jss.audit.services import record
from jss.cases.models import Case, CasePerson
from jss.council.causes import cause_factors
from jss.council.models import CauseFinding
from jss.demo.services import DEMO_USERS
from jss.incidents.models import Incident
from jss.institutions.models import Institution
from jss.joint.models import JointAgendaItem, JointInvitation, JointMeeting, PolicyDecision, PolicyUpdate
from jss.joint.services import (
    ItemData,
    MeetingData,
    add_item,
    draft_minutes,
    report_period,
    report_title,
    schedule_meeting,
)
from jss.people.models import Person, Relationship
from jss.reports.models import CaseReview
from jss.reports.periods import Period
from jss.reports.sections import Section
from jss.reports.services import ReviewError, decide_review, propose_review

Status = PolicyDecision.Status
Outcome = JointAgendaItem.Outcome
Kind = JointAgendaItem.Kind
Domain = Incident.Domain
DAY = datetime.timedelta(days=1)
YEAR = 365 * DAY
BATCH = 500
SECRETARIAT_USERNAME = "secretariat"
ALWAYS_PRESENT = ("police_agency", "police_station")  # categories whose heads never miss the council
HEAD_SHARE = 0.6  # of the follow-ups on a decision whose owner has a head in JSS, written by that head
REVIEWS = 4  # proposed now; all but one chosen for the last complete half-year
REVIEW_CANDIDATES = 30  # cases read to write them (the first of each kind of violence preferred)


@dataclass(frozen=True)
class DecisionTemplate:
    title: str
    text: str
    owners: tuple[str, ...]  # institution keys (jss/demo/data/institutions.yaml)
    section: str
    done: str  # the follow-up that closes it: what shows it is done


DECISIONS = [
    DecisionTemplate(
        "읍면동 행정복지센터 신고 연계 절차 마련",
        "읍면동 행정복지센터 상담 중 폭력 피해가 의심되면 관할 경찰서와 1366에 알리는 절차를 정하고, "
        "담당 공무원에게 안내한다.",
        ("jeju-city-hall", "seogwipo-city-hall"),
        Section.CASES,
        "연계 절차서를 43개 읍면동에 배포하고 담당 공무원 교육을 마침",
    ),
    DecisionTemplate(
        "야간 112 가정폭력 출동 시 1366 동행 상담 시범",
        "제주동부경찰서 관내에서 야간 가정폭력 112 출동 때 1366 상담원이 전화 또는 현장에서 동행 상담하는 "
        "시범 사업을 석 달간 운영하고 결과를 보고한다.",
        ("jeju-1366", "jeju-dongbu-police"),
        Section.REPEAT,
        "시범 운영 결과를 보고함. 동행 상담을 받은 가구의 재신고가 줄어드는 경향이 있어 도 전역 확대를 건의함",
    ),
    DecisionTemplate(
        "학교 밖 청소년 위기 신호 공유 협약",
        "학교 밖 청소년의 폭력 피해·가출 등 위기 신호를 청소년상담복지센터와 교육청이 공유하는 협약을 맺는다.",
        ("jeju-youth-counselling", "jeju-education-office"),
        Section.CASES,
        "협약을 체결하고 분기별 위기 청소년 공유 회의를 시작함",
    ),
    DecisionTemplate(
        "노인보호전문기관 방문 인력 확충 건의",
        "노인학대 신고 후 현장 방문이 늦어지는 문제를 해소하도록 노인보호전문기관 방문 인력 확충을 도에 건의한다.",
        ("jeju-elder-protection", "jeju-province"),
        Section.ACTIONS,
        "도 추가경정예산에 방문 상담원 두 명 인건비가 반영됨",
    ),
    DecisionTemplate(
        "음주 관련 재발 사례에 대한 중독관리통합지원센터 연계 기준 마련",
        "가해자 음주가 원인으로 확인된 재신고 사례를 중독관리통합지원센터에 연계하는 기준과 동의 절차를 정한다.",
        ("jeju-addiction-centre", "seogwipo-addiction-centre"),
        Section.CAUSES,
        "연계 기준을 확정해 각 경찰서와 상담소에 배포함",
    ),
    DecisionTemplate(
        "이주여성 통역 지원 확대",
        "이주여성 피해자 상담과 경찰 조사에 통역을 지원하는 언어를 늘리고, 야간에도 전화 통역을 쓸 수 있게 한다.",
        ("jeju-migrant-women-counselling", "jeju-migrant-centre"),
        Section.CASES,
        "베트남어·중국어·필리핀어 야간 전화 통역 체계를 마련함",
    ),
    DecisionTemplate(
        "장애인 학대 의심 신고 의무자 교육",
        "장애인 거주시설과 활동지원기관 종사자 등 신고 의무자에게 학대 의심 신고 요령을 교육한다.",
        ("jeju-disability-rights",),
        Section.RATES,
        "도내 거주시설과 활동지원기관 종사자 교육을 마치고 교육 자료를 게시함",
    ),
    DecisionTemplate(
        "위험성 평가 미실시 사례 점검 및 현장 교육",
        "112 가정폭력 신고 중 위험성 평가를 하지 않은 사례를 점검하고, 지구대·파출소 현장 교육을 한다.",
        ("jeju-dongbu-police", "jeju-seobu-police", "seogwipo-police"),
        Section.ASSESSMENTS,
        "세 경찰서 지구대·파출소 교육을 마침. 평가 실시율을 다음 반기 보고서에서 다시 보기로 함",
    ),
    DecisionTemplate(
        "재신고 사례 가해자 교정·상담 프로그램 연계 강화",
        "재신고가 이어지는 사례의 가해자를 보호관찰소와 가정폭력상담소의 교정·상담 프로그램에 연계하는 경로를 정한다.",
        ("jeju-probation-office", "jeju-dv-counselling"),
        Section.REPEAT,
        "연계 경로를 정하고 첫 분기 연계 실적을 보고함",
    ),
    DecisionTemplate(
        "지원 조치 기한 관리 개선",
        "실무협의체 지원 조치 중 기한이 지난 조치를 사무국이 매월 점검해 담당 기관에 알린다.",
        ("jeju-police-agency",),
        Section.ACTIONS,
        "월별 점검을 시작하고 기한 경과 조치 현황을 기관장에게 알리는 절차를 정착함",
    ),
    DecisionTemplate(
        "재학대 예방을 위한 아동 가정 방문 주기 조정",
        "재학대 위험이 높은 아동 가정의 사후 방문 주기를 위험도에 따라 조정하는 기준을 마련한다.",
        ("jeju-child-protection", "seogwipo-child-protection"),
        Section.RECURRENCE,
        "위험도별 방문 주기 기준을 마련해 적용을 시작함",
    ),
    DecisionTemplate(
        "성폭력 피해자 원스톱 연계 안내문 개선",
        "성폭력 피해자에게 의료·상담·수사 지원을 한 번에 안내하는 연계 안내문을 쉬운 말로 고치고 다국어로 만든다.",
        ("jeju-sunflower-centre", "jeju-sv-counselling"),
        Section.CASES,
        "개선한 안내문을 한국어와 네 개 외국어로 제작해 경찰서와 병원에 배포함",
    ),
    DecisionTemplate(
        "교제폭력 피해자 법률 지원 안내 강화",
        "교제폭력 피해자가 첫 상담에서 접근금지 등 보호 절차와 무료 법률 지원을 안내받도록 한다.",
        ("legal-aid-jeju", "jeju-1366"),
        Section.REPEAT,
        "법률 지원 안내 절차를 1366 상담 매뉴얼에 반영함",
    ),
    DecisionTemplate(
        "보호기관의 협의체 사례 추천 활성화",
        "경찰 외 보호기관의 사례 추천이 적어 각 기관의 추천 기준을 공유하고 실무자 설명회를 연다.",
        ("jeju-1366", "jeju-child-protection", "jeju-elder-protection"),
        Section.CASES,
        "기관별 실무자 설명회를 마치고 추천 기준 안내서를 배포함",
    ),
    DecisionTemplate(
        "서귀포시 읍면 지역 보호시설 이동 지원",
        "서귀포시 읍면 지역 피해자가 보호시설과 상담소에 올 수 있도록 이동 지원 방안을 마련한다.",
        ("seogwipo-city-hall", "seogwipo-dv-shelter"),
        Section.RATES,
        "읍면 지역 피해자 이동 지원 차량 운영을 시작함",
    ),
    DecisionTemplate(
        "정신건강 위기 동반 사례 공동 개입 기준",
        "정신건강 위기가 함께 있는 사례에 정신건강복지센터가 초기부터 함께 개입하는 기준을 정한다.",
        ("jeju-mental-health-province", "jeju-city-mental-health", "seogwipo-mental-health"),
        Section.CAUSES,
        "공동 개입 기준을 확정하고 센터별 담당자를 지정함",
    ),
    DecisionTemplate(
        "신규 회원 기관 참여 확대 및 실무자 교육",
        "새로 가입한 회원 기관의 실무자에게 JSS 사용과 정보 공유 기준을 교육하고 실무협의체 참여를 독려한다.",
        ("jeju-police-agency", "jeju-province"),
        Section.MEMBERSHIP,
        "신규 회원 기관 실무자 교육을 마침",
    ),
    DecisionTemplate(
        "경제적 어려움 동반 사례 긴급복지 신속 연계",
        "경제적 어려움이 원인으로 확인된 사례를 시청 긴급복지와 사회서비스원에 신속히 연계하는 창구를 정한다.",
        ("jeju-city-hall", "seogwipo-city-hall", "jeju-social-service-agency"),
        Section.CAUSES,
        "시청별 전담 창구를 지정하고 연계 절차를 안내함",
    ),
    DecisionTemplate(
        "스토킹 피해자 주거 안전 지원 확대",
        "재신고가 있는 스토킹 피해자에게 안심 장비와 주거 안전 점검을 지원하는 대상을 넓힌다.",
        ("jeju-province", "jeju-autonomous-police-corps"),
        Section.REPEAT,
        "안심 장비 지원 대상을 넓히고 자치경찰 주거 안전 점검을 시작함",
    ),
    DecisionTemplate(
        "해바라기센터 야간 의료 연계 점검",
        "야간에 성폭력·아동학대 피해자가 해바라기센터 의료 지원을 받기까지의 연계 과정을 점검한다.",
        ("jeju-sunflower-centre", "jeju-national-university-hospital"),
        Section.ACTIONS,
        "야간 연계 과정을 점검하고 당직 연락 체계를 보완함",
    ),
]
# Decided at the extraordinary meeting (after a serious dating-violence incident).
URGENT = [
    DecisionTemplate(
        "교제폭력 재신고 시 접근금지 등 보호 조치 적극 신청",
        "교제폭력 재신고 사례는 현장에서 위험을 다시 평가하고 접근금지 등 보호 조치를 적극 신청한다.",
        ("jeju-dongbu-police", "jeju-seobu-police", "seogwipo-police"),
        Section.REPEAT,
        "세 경찰서에 현장 재평가 지침을 시행하고 보호 조치 신청 현황을 보고함",
    ),
    DecisionTemplate(
        "고위험 사례 긴급 사례회의 소집 기준 마련",
        "위험성 평가가 심각 단계이거나 목조름·흉기가 확인된 사례는 사흘 안에 실무협의체 긴급 회의를 연다.",
        ("jeju-police-agency", "jeju-1366"),
        Section.ASSESSMENTS,
        "긴급 사례회의 소집 기준을 정하고 각 경찰서에 시행함",
    ),
]
EXTRAORDINARY_TITLE = "도내 교제폭력 중대 사건 경과 및 기관별 대응 점검 (제주경찰청 보고)"
CASE_REVIEW_TITLES = [
    "사례 검토: 음주 후 반복된 가정폭력, 중독 치료 연계 후 재신고 감소",
    "사례 검토: 돌봄 부담이 큰 가정의 노인학대 재신고",
    "사례 검토: 스토킹 피해자의 주거 안전 지원",
    "사례 검토: 가정폭력과 아동학대가 함께 나타난 가구의 통합 지원",
    "사례 검토: 교제폭력 재신고 사례의 법률 지원 연계",
    "사례 검토: 이주여성 가정폭력 사례의 통역 지원",
    "사례 검토: 장애인 학대 사례의 분리 보호",
    "사례 검토: 학교폭력 관련 학생의 정서 지원",
]
PROPOSALS_DEFERRED = [
    "가해자 교정 프로그램 이수 명령 확대 건의",
    "피해자 쉼터 퇴소 후 자립 지원 주택 확보",
    "협의체 회원 기관 간 비상 연락망 정비",
]
REPORT_NOTES = [
    "인구 10만 명당 신고와 재신고율, 지원 조치 완료율을 검토함",
    "재신고율과 개입 후 재발 추이를 검토하고 원인 분포의 변화를 논의함",
    "기관별 지원 조치 이행과 기한 경과 현황을 검토함",
]
CARRIED_NOTES: dict[str, str] = {
    Status.OPEN: "담당 기관이 착수 계획을 보고함",
    Status.IN_PROGRESS: "담당 기관이 추진 상황을 보고함",
}
OVERDUE_NOTE = "기한이 지나 담당 기관에 이행 일정을 다시 요청함"
DEFERRED_NOTE = "담당 기관장 불참으로 다음 회의에서 보고받기로 함"
CASE_REVIEW_NOTES = ["기관 간 역할 분담과 연계 시점을 중심으로 검토함", "재신고를 막은 요인과 아쉬운 점을 논의함"]
PROGRESS = [
    "담당 기관 실무 협의를 시작함",
    "추진 계획을 세우고 관계 기관에 의견을 요청함",
    "예산과 인력 확보 방안을 검토하고 있음",
]
MIDWAY = ["중간 점검: 계획대로 진행 중", "관계 기관 간담회를 열어 세부 절차를 조율함"]
DELAYS = [
    "예산 확보가 늦어져 추진이 지연되고 있음",
    "담당자 교체로 일정이 밀림. 다음 회의에 경과를 보고하기로 함",
    "관계 기관 협의가 끝나지 않아 기한을 넘김",
]
DROPPED = [
    "같은 내용이 중앙부처 전국 사업으로 시행되어 중단함",
    "관계 기관 협의 결과 현행 절차로 충분하다고 보아 중단함",
    "예산이 확보되지 않아 다음 연도 사업으로 다시 제안하기로 하고 중단함",
]
FATES = [("on_time", 0.62), ("late", 0.18), ("dropped", 0.08), ("stalled", 0.12)]

# Case reviews: words for the case's kind of violence, the other party and what came of it.
DOMAIN_WORDS: dict[str, str] = {
    Domain.DOMESTIC_VIOLENCE: "가정폭력",
    Domain.CHILD_ABUSE: "아동학대",
    Domain.ELDER_ABUSE: "노인학대",
    Domain.DISABILITY_ABUSE: "장애인 학대",
    Domain.SCHOOL_VIOLENCE: "학교폭력",
    Domain.STALKING: "스토킹",
    Domain.DATING_VIOLENCE: "교제폭력",
    Domain.SEXUAL_VIOLENCE: "성폭력",
}
OTHER_PARTY: dict[str, str] = {
    Relationship.Kind.SPOUSE: "배우자",
    Relationship.Kind.EX_SPOUSE: "전 배우자",
    Relationship.Kind.DATING: "교제 상대",
    Relationship.Kind.CARER_ELDER: "돌보는 가족",
    Relationship.Kind.STAFF_RESIDENT: "시설 종사자",
    Relationship.Kind.SIBLINGS: "형제자매",
    Relationship.Kind.PEERS: "또래",
    Relationship.Kind.OTHER_FAMILY: "친족",
    Relationship.Kind.ACQUAINTANCE: "아는 사람",
    Relationship.Kind.STRANGER: "모르는 사람",
}
TIMES = ["한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열"]
CLOSED_WORDS: dict[str, str] = {
    Case.Outcome.NO_REPEAT: "모니터링 기간 동안 다시 신고되지 않아 종결되었다.",
    Case.Outcome.RISK_REDUCED: "지원 조치를 마친 뒤 위험이 낮아져 종결되었다.",
    Case.Outcome.REFERRED: "장기 지원이 필요해 전문 기관으로 연계하고 종결되었다.",
    Case.Outcome.MOVED_AWAY: "피해자가 도외로 이주해 종결되었다.",
    Case.Outcome.CONSENT_WITHDRAWN: "피해자가 동의를 철회해 종결되었다.",
    Case.Outcome.OTHER: "협의체 논의를 거쳐 종결되었다.",
}
LESSONS = [
    "첫 신고 때 기관 간 연계가 늦었던 점이 아쉬움으로 남았고, 협의체 지정 뒤에는 역할 분담이 분명해 지원이 빨라졌다.",
    "가해자 개입과 피해자 지원을 함께 진행한 것이 재신고를 줄이는 데 도움이 되었다는 의견이 모였다.",
    "담당 기관이 정기적으로 연락하며 위기 신호를 일찍 알아챈 점이 효과적이었다.",
]


@dataclass(frozen=True)
class JointResult:
    meetings: int = 0
    decisions: int = 0
    reviews: int = 0
    already_present: bool = False


@dataclass
class PlannedUpdate:
    at: datetime.datetime
    status_from: str
    status_to: str
    text: str


@dataclass
class PlannedDecision:
    template: DecisionTemplate
    starts_at: datetime.datetime  # of the meeting that decided it
    owners: list[int]
    due: datetime.date
    period: tuple[datetime.date, datetime.date] | None
    updates: list[PlannedUpdate] = field(default_factory=list)
    obj: PolicyDecision | None = None

    def status_at(self, at: datetime.datetime) -> str:
        status: str = Status.OPEN
        for update in self.updates:
            if update.at <= at:
                status = update.status_to
        return status

    @property
    def status(self) -> str:
        return self.updates[-1].status_to if self.updates else Status.OPEN

    @property
    def completed(self) -> datetime.datetime | None:
        last = self.updates[-1] if self.updates else None
        return last.at if last is not None and last.status_to in (Status.DONE, Status.DROPPED) else None


@dataclass
class PlannedItem:
    kind: str
    title: str
    outcome: str
    note: str = ""
    period: tuple[datetime.date, datetime.date] | None = None
    carried: PlannedDecision | None = None
    decided: list[PlannedDecision] = field(default_factory=list)


@dataclass
class PlannedMeeting:
    kind: str
    starts_at: datetime.datetime
    invited: list[int] = field(default_factory=list)
    attended: set[int] = field(default_factory=set)
    first: list[PlannedItem] = field(default_factory=list)  # the report (or the extraordinary meeting's cause)
    added: list[PlannedItem] = field(default_factory=list)  # what the secretariat added after the carried ones
    items: list[PlannedItem] = field(default_factory=list)  # all of it, in order
    obj: JointMeeting | None = None


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += DAY
    return day


def _office(rng: random.Random, day: datetime.date) -> datetime.datetime:
    return _at(_weekday(day), rng.randint(9, 17), rng.choice((0, 10, 20, 30, 40, 50)))


def _final(word: str) -> int:
    """The final consonant (jongseong) index of a word's last syllable: 0 for none, 8 for ㄹ."""
    last = word[-1]
    return (ord(last) - 0xAC00) % 28 if "가" <= last <= "힣" else 0


def _subject(word: str) -> str:
    return word + ("이" if _final(word) else "가")


def _means(word: str) -> str:
    return word + ("으로" if _final(word) not in (0, 8) else "로")


def present() -> bool:
    """Demo joint-council data exists (generated before, or meetings scheduled by the demo users)."""
    return (
        AccessEvent.objects.filter(verb="demo.generate_joint").exists()
        or JointMeeting.objects.filter(created_by__username__in=[user.username for user in DEMO_USERS]).exists()
    )


def regular_start(seed: int, year: int, month: int) -> datetime.datetime:
    """A regular meeting's time: a Tuesday to Thursday between the 13th and the 20th of January or July, at
    two or three in the afternoon; the same for a seed whenever it is asked."""
    rng = random.Random(seed * 7_919 + year * 13 + month)  # noqa: S311 (demo data)
    days = [
        datetime.date(year, month, day)
        for day in range(13, 21)
        if datetime.date(year, month, day).weekday() in (1, 2, 3)
    ]
    return _at(rng.choice(days), rng.choice((14, 15)))


class _Joint:
    def __init__(self, *, seed: int, now: datetime.datetime, years: int, secretariat: User) -> None:
        self.rng = random.Random(seed * 15_485_863 + 7)  # noqa: S311 (demo data)
        self.seed, self.now, self.today = seed, now, timezone.localdate(now)
        self.start = now - years * YEAR
        self.secretariat = secretariat
        membership = Membership.objects.select_related("institution").get(user=secretariat)
        self.secretariat_institution = membership.institution
        institutions = list(Institution.objects.filter(member_since__isnull=False).order_by("pk"))
        self.institutions = institutions
        self.by_key = {i.key: i for i in institutions}
        self.host = next((i for i in institutions if i.hosts_secretariat), self.secretariat_institution)
        self.propensity = {
            i.pk: 1.0 if i.category in ALWAYS_PRESENT else self.rng.uniform(0.7, 0.97) for i in institutions
        }
        self.heads: dict[int, list[User]] = defaultdict(list)
        for head in Membership.objects.filter(role=Membership.Role.HEAD, user__is_active=True).select_related("user"):
            self.heads[head.institution_id].append(head.user)
        self.unused = list(DECISIONS)
        self.rng.shuffle(self.unused)
        self.review_titles = list(CASE_REVIEW_TITLES)
        self.rng.shuffle(self.review_titles)

    def members_on(self, day: datetime.date) -> list[Institution]:
        return [
            i
            for i in self.institutions
            if i.member_since is not None and i.member_since <= day and (i.left_on is None or i.left_on > day)
        ]

    # --- planning -------------------------------------------------------------------------------------

    def meeting_times(self) -> list[tuple[str, datetime.datetime]]:
        """The regular meetings in the demo's years, and one extraordinary meeting between two of them."""
        regular = [
            start
            for year in range(timezone.localtime(self.start).year, self.today.year + 1)
            for month in (1, 7)
            if self.start < (start := regular_start(self.seed, year, month)) < self.now
        ]
        times = [(JointMeeting.Kind.REGULAR.value, start) for start in regular]
        if regular:
            base = regular[len(regular) // 2] if len(regular) > 1 else regular[0]
            day = _weekday(timezone.localtime(base).date() + self.rng.randint(45, 75) * DAY)
            if _at(day, 10) < self.now - 7 * DAY:
                times.append((JointMeeting.Kind.EXTRAORDINARY.value, _at(day, 10)))
        return sorted(times, key=lambda entry: entry[1])

    def plan(self) -> tuple[list[PlannedMeeting], list[PlannedDecision]]:
        meetings: list[PlannedMeeting] = []
        decisions: list[PlannedDecision] = []
        previous_members: set[int] | None = None
        for kind, starts_at in self.meeting_times():
            day = timezone.localtime(starts_at).date()
            meeting = PlannedMeeting(kind=kind, starts_at=starts_at)
            members = self.members_on(day)
            meeting.invited = [i.pk for i in members]
            meeting.attended = {pk for pk in meeting.invited if self.rng.random() < self.propensity[pk]}
            meeting.attended.add(self.host.pk)
            period = report_period(day) if kind == JointMeeting.Kind.REGULAR else None
            if period is not None:
                title = report_title(*period)
                meeting.first.append(
                    PlannedItem(Kind.REPORT, title, Outcome.NOTED, self.rng.choice(REPORT_NOTES), period)
                )
            else:
                meeting.first.append(
                    PlannedItem(Kind.OTHER, EXTRAORDINARY_TITLE, Outcome.NOTED, "기관별 대응 현황을 공유함")
                )
            if period is not None:
                for _n in range(self.rng.randint(1, 2)):
                    title = self.review_titles[len(meetings) % len(self.review_titles)]
                    self.review_titles.append(self.review_titles.pop(0))
                    meeting.added.append(
                        PlannedItem(Kind.CASE_REVIEW, title, Outcome.NOTED, self.rng.choice(CASE_REVIEW_NOTES))
                    )
                joined = len(set(meeting.invited) - previous_members) if previous_members is not None else 0
                if joined:
                    meeting.added.append(
                        PlannedItem(
                            Kind.OTHER, "신규 회원 기관 가입 보고", Outcome.NOTED, f"신규 회원 기관 {joined}곳을 소개함"
                        )
                    )
                previous_members = set(meeting.invited)
            templates = self.new_templates(kind)
            for template in templates:
                decision = self.plan_decision(template, starts_at, period)
                decisions.append(decision)
                meeting.added.append(PlannedItem(Kind.POLICY, template.title, Outcome.DECIDED, decided=[decision]))
            if period is not None and self.rng.random() < 0.3:
                title = self.rng.choice(PROPOSALS_DEFERRED)
                meeting.added.append(
                    PlannedItem(Kind.POLICY, title, Outcome.DEFERRED, "추가 검토 후 다음 회의에서 논의")
                )
            meetings.append(meeting)
        self.ensure_overdue(decisions)
        for meeting in meetings:  # the rule of schedule_meeting: what is unfinished then, by due date
            earlier = [d for d in decisions if d.starts_at < meeting.starts_at]
            carried = [d for d in earlier if d.status_at(meeting.starts_at) in (Status.OPEN, Status.IN_PROGRESS)]
            meeting.items = [
                *meeting.first,
                *(self.carried_item(d, meeting) for d in sorted(carried, key=lambda d: d.due)),
                *meeting.added,
            ]
        return meetings, decisions

    def carried_item(self, decision: PlannedDecision, meeting: PlannedMeeting) -> PlannedItem:
        at = meeting.starts_at
        owners_absent = not set(decision.owners) & meeting.attended
        if owners_absent or self.rng.random() < 0.08:
            outcome, note = Outcome.DEFERRED, DEFERRED_NOTE
        elif decision.due < timezone.localtime(at).date():
            outcome, note = Outcome.NOTED, OVERDUE_NOTE
        else:
            outcome, note = Outcome.NOTED, CARRIED_NOTES[decision.status_at(at)]
        return PlannedItem(Kind.POLICY, decision.template.title, outcome, note, carried=decision)

    def new_templates(self, kind: str) -> list[DecisionTemplate]:
        if kind == JointMeeting.Kind.EXTRAORDINARY:
            return list(URGENT)
        count = self.rng.randint(2, 4)
        if len(self.unused) < count:  # more meetings than the list: decide again what was done before
            self.unused += [t for t in DECISIONS if t not in self.unused]
        chosen, self.unused = self.unused[:count], self.unused[count:]
        return chosen

    def plan_decision(
        self,
        template: DecisionTemplate,
        starts_at: datetime.datetime,
        period: tuple[datetime.date, datetime.date] | None,
    ) -> PlannedDecision:
        rng = self.rng
        day = timezone.localtime(starts_at).date()
        owners = [self.by_key[key].pk for key in template.owners if key in self.by_key] or [self.host.pk]
        decision = PlannedDecision(template, starts_at, owners, day + rng.randint(75, 270) * DAY, period)
        fate = rng.choices([f for f, _w in FATES], [w for _f, w in FATES])[0]
        started = _office(rng, day + rng.randint(14, 50 if rng.random() < 0.8 else 120) * DAY)
        steps = [(started, Status.IN_PROGRESS, rng.choice(PROGRESS))]
        if rng.random() < 0.5 and (decision.due - timezone.localtime(started).date()).days > 40:
            steps.append(
                (_office(rng, timezone.localtime(started).date() + 30 * DAY), Status.IN_PROGRESS, rng.choice(MIDWAY))
            )
        last = timezone.localtime(steps[-1][0]).date()
        if fate == "on_time":
            finish = max(last + 7 * DAY, decision.due - rng.randint(0, 30) * DAY)  # most work ends near the due date
            steps.append((_office(rng, min(finish, decision.due)), Status.DONE, template.done))
        elif fate == "late":
            steps.append(
                (_office(rng, max(decision.due, last) + rng.randint(10, 90) * DAY), Status.DONE, template.done)
            )
        elif fate == "dropped":
            steps.append((_office(rng, last + rng.randint(90, 180) * DAY), Status.DROPPED, rng.choice(DROPPED)))
        else:  # stalled past the due date, settled months later (done, or dropped)
            delayed = max(decision.due, last) + rng.randint(3, 20) * DAY
            steps.append((_office(rng, delayed), Status.IN_PROGRESS, rng.choice(DELAYS)))
            settled = _office(rng, delayed + rng.randint(120, 270) * DAY)
            if rng.random() < 0.75:
                steps.append((settled, Status.DONE, template.done))
            else:
                steps.append((settled, Status.DROPPED, rng.choice(DROPPED)))
        status: str = Status.OPEN
        for at, status_to, text in sorted(steps, key=lambda step: step[0]):
            if at >= self.now:
                break
            decision.updates.append(PlannedUpdate(at, status, status_to, text))
            status = status_to
        return decision

    def ensure_overdue(self, decisions: list[PlannedDecision]) -> None:
        """At least one decision unfinished past its due date (the register and the home pages show it)."""
        if any(d.due < self.today and d.status in (Status.OPEN, Status.IN_PROGRESS) for d in decisions):
            return
        old = [d for d in decisions if timezone.localtime(d.starts_at).date() + 75 * DAY <= self.today]
        if not old:
            return
        decision = max(old, key=lambda d: (d.completed or self.now, d.due))
        first = timezone.localtime(decision.starts_at).date() + 60 * DAY
        decision.due = max(first, min(decision.due, self.today - 10 * DAY))
        decision.updates = [u for u in decision.updates if u.status_to == Status.IN_PROGRESS and u.at < self.now]
        if not decision.updates:
            at = _office(self.rng, timezone.localtime(decision.starts_at).date() + 20 * DAY)
            decision.updates.append(PlannedUpdate(at, Status.OPEN, Status.IN_PROGRESS, PROGRESS[0]))
        delay = _office(self.rng, decision.due + 3 * DAY)
        if delay < self.now:
            decision.updates.append(PlannedUpdate(delay, Status.IN_PROGRESS, Status.IN_PROGRESS, DELAYS[0]))

    # --- saving the history in bulk -------------------------------------------------------------------

    def save(self, meetings: list[PlannedMeeting], decisions: list[PlannedDecision]) -> Counter[str]:
        rng, counts = self.rng, Counter[str]()
        for planned in meetings:
            approved = min(planned.starts_at + rng.randint(4, 12) * DAY, self.now - datetime.timedelta(hours=1))
            planned.obj = JointMeeting(
                kind=planned.kind,
                starts_at=planned.starts_at,
                duration_minutes=120 if planned.kind == JointMeeting.Kind.REGULAR else 90,
                place=f"{self.host.name_ko} 대회의실",
                status=JointMeeting.Status.APPROVED,
                approved_by=self.secretariat,
                approved_at=approved,
                created_by=self.secretariat,
                version=4,  # attendance, minutes, approval
            )
        saved_meetings = [m.obj for m in meetings if m.obj is not None]
        JointMeeting.objects.bulk_create(saved_meetings, batch_size=BATCH)
        for planned in meetings:
            assert planned.obj is not None
            lead = 14 if planned.kind == JointMeeting.Kind.EXTRAORDINARY else rng.randint(21, 35)
            planned.obj.created_at = planned.starts_at - lead * DAY
        JointMeeting.objects.bulk_update(saved_meetings, ["created_at"], batch_size=BATCH)
        invitations = [
            JointInvitation(
                meeting=planned.obj,
                institution_id=pk,
                attended=pk in planned.attended,
                notified_at=planned.obj.created_at + datetime.timedelta(minutes=5),
            )
            for planned in meetings
            if planned.obj is not None
            for pk in planned.invited
        ]
        JointInvitation.objects.bulk_create(invitations, batch_size=BATCH)
        items: list[tuple[PlannedItem, JointAgendaItem]] = []
        codes = self.first_codes()
        for planned_decision in decisions:
            year = timezone.localtime(planned_decision.starts_at).year
            codes[year] += 1
            planned_decision.obj = self.decision(planned_decision, f"P-{year}-{codes[year]:02d}")
        for planned in meetings:
            for position, entry in enumerate(planned.items, start=1):
                carried = entry.carried.obj if entry.carried is not None else None
                title = f"{carried.code} {carried.title}" if carried is not None else entry.title
                items.append(
                    (
                        entry,
                        JointAgendaItem(
                            meeting=planned.obj,
                            position=position,
                            kind=entry.kind,
                            title=title,
                            period_start=entry.period[0] if entry.period else None,
                            period_end=entry.period[1] if entry.period else None,
                            decision=None,  # set once the decisions are saved
                            outcome=entry.outcome,
                            note=entry.note,
                        ),
                    )
                )
        # The decisions point at the item they were decided on; carried items point at their decision.
        saved_items = [saved for _planned, saved in items]
        JointAgendaItem.objects.bulk_create(saved_items, batch_size=BATCH)
        for planned_item, item in items:
            for planned_decision in planned_item.decided:
                assert planned_decision.obj is not None
                planned_decision.obj.meeting = item.meeting
                planned_decision.obj.agenda_item = item
        saved_decisions = [d.obj for d in decisions if d.obj is not None]
        PolicyDecision.objects.bulk_create(saved_decisions, batch_size=BATCH)
        for planned_decision in decisions:
            assert planned_decision.obj is not None
            planned_decision.obj.created_at = planned_decision.starts_at + datetime.timedelta(hours=2)
            planned_decision.obj.updated_at = (
                planned_decision.updates[-1].at if planned_decision.updates else planned_decision.obj.created_at
            )
        PolicyDecision.objects.bulk_update(saved_decisions, ["created_at", "updated_at"], batch_size=BATCH)
        for planned_item, item in items:
            if planned_item.carried is not None:
                item.decision = planned_item.carried.obj
        JointAgendaItem.objects.bulk_update(saved_items, ["decision"], batch_size=BATCH)
        Owner = PolicyDecision.owners.through  # noqa: N806 (a model class)
        Owner.objects.bulk_create(
            [
                Owner(policydecision_id=d.obj.pk, institution_id=pk)
                for d in decisions
                if d.obj is not None
                for pk in dict.fromkeys(d.owners)
            ],
            batch_size=BATCH,
        )
        updates = [self.update(d, u) for d in decisions for u in d.updates]
        PolicyUpdate.objects.bulk_create(updates, batch_size=BATCH)
        with translation.override("ko"):
            for meeting in saved_meetings:
                meeting.minutes = draft_minutes(meeting)  # drafted from what was recorded, approved as it is
        JointMeeting.objects.bulk_update(saved_meetings, ["minutes"], batch_size=BATCH)
        counts.update(
            meetings=len(saved_meetings),
            invitations=len(invitations),
            attended=sum(1 for i in invitations if i.attended),
            agenda_items=len(saved_items),
            decisions=len(saved_decisions),
            policy_updates=len(updates),
        )
        counts.update(f"decisions_{d.status}" for d in decisions)
        return counts

    @staticmethod
    def first_codes() -> Counter[int]:
        """The last number of each year's decision codes already taken (P-2025-03 → 3)."""
        last: Counter[int] = Counter()
        for code in PolicyDecision.objects.values_list("code", flat=True):
            _p, year, number = [*code.split("-"), "", "", ""][:3]
            if year.isdigit() and number.isdigit():
                last[int(year)] = max(last[int(year)], int(number))
        return last

    def decision(self, planned: PlannedDecision, code: str) -> PolicyDecision:
        template = planned.template
        period = planned.period
        return PolicyDecision(
            code=code,
            title=template.title,
            text=template.text,
            due_on=planned.due,
            status=planned.status,
            section=template.section,
            period_start=period[0] if period else None,
            period_end=period[1] if period else None,
            created_by=self.secretariat,
            completed_at=planned.completed,
            version=1 + len(planned.updates),
        )

    def update(self, decision: PlannedDecision, update: PlannedUpdate) -> PolicyUpdate:
        heads = [(pk, user) for pk in decision.owners for user in self.heads.get(pk, [])]
        if heads and self.rng.random() < HEAD_SHARE:
            institution, author = self.rng.choice(heads)
        else:
            institution, author = self.secretariat_institution.pk, self.secretariat
        assert decision.obj is not None
        return PolicyUpdate(
            decision=decision.obj,
            author=author,
            institution_id=institution,
            at=update.at,
            text=update.text,
            status_from=update.status_from,
            status_to=update.status_to,
        )

    # --- now: through the services --------------------------------------------------------------------

    def review_text(self, case: Case) -> tuple[str, str, str] | None:
        """An anonymised account of the case from what JSS holds on it: the victim's age group and sex, who
        harmed them, how often it was reported, the causes the council found, what came of it: (the kind of
        violence, the title, the text)."""
        victim = next((m.person for m in case.members.all() if m.role == CasePerson.Role.VICTIM), None)
        incidents = list(case.incidents.all())
        if victim is None or not incidents:
            return None
        domain = incidents[0].domain
        kind = DOMAIN_WORDS.get(domain, "폭력")
        words = []
        year = victim.year_of_birth
        if year is not None:
            age = (timezone.localtime(case.created_at).year - year) // 10 * 10
            sexes: dict[str, str] = {Person.Sex.FEMALE: "여성", Person.Sex.MALE: "남성"}
            who = sexes.get(victim.sex, "피해자")
            words.append(f"{age}대 {who}" if age >= 20 else ("아동" if age < 10 else "청소년"))
        else:
            words.append("피해자")
        other = self.other_party(victim, domain)
        reports = TIMES[min(len(incidents), len(TIMES)) - 1] + (
            " 차례 넘게" if len(incidents) > len(TIMES) else " 차례"
        )
        factors = cause_factors()
        causes = [
            factors[code].ko
            for code in dict.fromkeys(
                CauseFinding.objects.filter(item__case=case).order_by("pk").values_list("factor", flat=True)
            )
            if code in factors and code != "other"
        ]
        sentences = [f"{_subject(words[0])} {other}의 {_means(kind)} {reports} 신고되어 실무협의체 사례로 지정되었다."]
        if causes:
            phrase = causes[0] if len(causes) == 1 else f"{causes[0]}{'과' if _final(causes[0]) else '와'} {causes[1]}"
            phrase = phrase if phrase.endswith("문제") else f"{phrase} 문제"
            sentences.append(f"협의체는 {phrase}를 주된 원인으로 보고 기관별 역할을 나누었다.")
        actions = case.actions.count()
        if actions:
            sentences.append(f"상담, 보호, 연계 등 지원 조치 {TIMES[min(actions, 10) - 1]} 가지가 진행되었다.")
        if case.status == Case.Status.CLOSED:
            sentences.append(CLOSED_WORDS.get(case.outcome, CLOSED_WORDS[Case.Outcome.OTHER]))
        else:
            sentences.append("현재 담당 기관이 정기적으로 연락하며 모니터링하고 있다.")
        sentences.append(self.rng.choice(LESSONS))
        main = causes[0] if causes else "복합적 위기"
        problem = main if main.endswith("문제") else f"{main} 문제"
        repeated = f", {reports} 신고" if len(incidents) > 1 else ""
        return kind, f"{other}의 {kind}{repeated}: {problem}에 대한 기관 연계", " ".join(sentences)

    @staticmethod
    def other_party(victim: Person, domain: str) -> str:
        relationship = Relationship.objects.filter(Q(person=victim) | Q(other=victim)).order_by("pk").first()
        if relationship is not None:
            if relationship.kind == Relationship.Kind.PARENT_CHILD:
                return "부모" if relationship.other_id == victim.pk else "자녀"
            if relationship.kind in OTHER_PARTY:
                return OTHER_PARTY[relationship.kind]
        fallback: dict[str, str] = {Domain.SCHOOL_VIOLENCE: "또래", Domain.CHILD_ABUSE: "보호자"}
        return fallback.get(domain, "가해자")

    def propose_reviews(self) -> list[CaseReview]:
        """A few cases the working councils discussed, one station after another, reviewed by the station's
        coordinator, a different kind of violence first; a text the service refuses (it would name someone of the
        case) is left for the next case."""
        coordinators = {
            m.station_id: m.user
            for m in Membership.objects.filter(
                role=Membership.Role.COORDINATOR,
                user__username__in=[u.username for u in DEMO_USERS],
                user__is_active=True,
                station__isnull=False,
            ).select_related("user")
        }
        candidates = list(
            Case.objects.filter(
                status__in=[Case.Status.CLOSED, Case.Status.MONITORING],
                station__in=list(coordinators),
                reviews__isnull=True,
            )
            .prefetch_related("members__person", "incidents")
            .order_by("pk")
        )
        self.rng.shuffle(candidates)
        by_station: dict[int, list[Case]] = defaultdict(list)
        for case in candidates:
            by_station[case.station_id].append(case)
        order = [case for group in zip(*by_station.values(), strict=False) for case in group]
        order += [case for case in candidates if case not in order]
        picked: list[tuple[Case, str, str]] = []
        spare: list[tuple[Case, str, str]] = []  # of a kind of violence already picked
        kinds: set[str] = set()
        titles: set[str] = set()
        for case in order[:REVIEW_CANDIDATES]:
            if (written := self.review_text(case)) is None or written[1] in titles:
                continue
            kind, title, text = written
            (spare if kind in kinds else picked).append((case, title, text))
            kinds.add(kind)
            titles.add(title)
        reviews: list[CaseReview] = []
        for case, title, text in picked + spare:
            if len(reviews) >= REVIEWS:
                break
            try:
                reviews.append(propose_review(case, title=title, text=text, actor=coordinators[case.station_id]))
            except ReviewError:  # it would name someone of the case (a given name that is also a word): next
                continue
        return reviews

    def choose_reviews(self, reviews: list[CaseReview]) -> int:
        """All but the last proposal chosen for the last complete half-year's report; the last waits."""
        period = Period.last_complete_half_year(self.today)
        for review in reviews[:-1]:
            decide_review(review, choose=True, period=period, actor=self.secretariat)
        return max(0, len(reviews) - 1)

    def schedule_next(self, reviews: list[CaseReview]) -> JointMeeting:
        """The next regular meeting (mid-January or mid-July), scheduled by the secretariat: the service puts
        the semiannual report and every unfinished decision on its agenda; a proposed review is added."""
        year = self.today.year
        starts = [regular_start(self.seed, y, m) for y in (year, year + 1) for m in (1, 7)]
        starts_at = next(s for s in starts if s > self.now + DAY)
        invited = self.members_on(timezone.localtime(starts_at).date())
        data = MeetingData(
            kind=JointMeeting.Kind.REGULAR,
            starts_at=starts_at,
            place=f"{self.host.name_ko} 대회의실",
            video_link="",
            invited=[i for i in invited if i.status == Institution.Status.ACTIVE],
        )
        locmem = "django.core.mail.backends.locmem.EmailBackend"
        with override_settings(EMAIL_BACKEND=locmem), translation.override("ko"), transaction.atomic():
            meeting = schedule_meeting(data, actor=self.secretariat)
            if reviews:
                add_item(
                    meeting,
                    ItemData(kind=Kind.CASE_REVIEW, title=reviews[0].title),
                    actor=self.secretariat,
                )
        return meeting


def joint_summary() -> str:
    """One line for generate_demo: the joint council's meetings, its register and the case reviews."""
    statuses = dict(PolicyDecision.objects.values_list("status").annotate(n=Count("id")).order_by())
    overdue = PolicyDecision.objects.filter(
        status__in=[Status.OPEN, Status.IN_PROGRESS], due_on__lt=timezone.localdate()
    ).count()
    reviews = dict(CaseReview.objects.values_list("status").annotate(n=Count("id")).order_by())
    meetings = JointMeeting.objects
    return (
        f"{meetings.count()} meetings ({meetings.filter(kind=JointMeeting.Kind.EXTRAORDINARY).count()} extraordinary, "
        f"{meetings.filter(status=JointMeeting.Status.SCHEDULED).count()} upcoming), "
        f"{PolicyDecision.objects.count()} policy decisions ("
        + ", ".join(f"{status} {statuses.get(status, 0)}" for status in Status.values)
        + f"; {overdue} overdue), {CaseReview.objects.count()} case reviews ("
        + ", ".join(f"{status} {reviews.get(status, 0)}" for status in CaseReview.Status.values)
        + ")"
    )


def generate_joint(*, seed: int, now: datetime.datetime | None = None, years: int = 3) -> JointResult:
    """The joint council over the demo's `years` (meetings, decisions and their follow-ups), its next meeting,
    and case reviews of the working councils' cases; nothing is added when demo joint-council data exists."""
    now = now or timezone.now()
    if present():
        return JointResult(already_present=True)
    secretariat = User.objects.filter(
        username=SECRETARIAT_USERNAME, is_active=True, membership__role=Membership.Role.SECRETARIAT
    ).first()
    if secretariat is None:
        return JointResult()
    joint = _Joint(seed=seed, now=now, years=years, secretariat=secretariat)
    meetings, decisions = joint.plan()
    with transaction.atomic():
        counts = joint.save(meetings, decisions)
        record(None, "demo.generate_joint", None, {"seed": seed, "years": years, **dict(sorted(counts.items()))})
    reviews = joint.propose_reviews()
    joint.choose_reviews(reviews)
    joint.schedule_next(reviews)
    return JointResult(meetings=counts["meetings"], decisions=counts["decisions"], reviews=len(reviews))
