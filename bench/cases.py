"""Benchmark: the case page, an institution's action inbox and a meeting's agenda at national scale.

Not a test. Target (issue 6): with 100,000 cases, 300,000 support actions and 500 institutions, each page
renders in under 150 ms p95 server-side, with a number of queries that does not grow with the case, the
inbox or the agenda. Runs on SQLite, or on PostgreSQL when DATABASE_URL points there:

    .venv/bin/python bench/cases.py                                       # SQLite in memory
    .venv/bin/python bench/cases.py --keep var/bench-cases.sqlite3        # build once, reuse the file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/cases.py --keep jss_bench_cases

With --keep the database is kept (a SQLite file, or a PostgreSQL database of that name) and a second run
reuses it instead of building again (delete the file or drop the database when done).

The data (deterministic, built with bulk_create in 5,000-case chunks, not through the services): 250
police stations in 25 provinces, each with its police institution and coordinator; 250 protection
institutions (10 per province, the first of each leads about 40% of the province's cases); 400 cases per
station over three years, each with a victim and a suspect (a child in one case in three), 1–3 reports,
a nomination (a second one in one case in twenty), the lead's full share and in half the cases a second
institution's (summary or full), one risk identification of the victim in half the cases, the case events
the services would write; monthly meetings per station (about 8 institutions invited), each case on the
agenda of the first meeting after it came in and 40% of them again at the next for review, two research
notes per agenda item, two coded causes per decided item; three support actions per case agreed at its
first meeting (most of the older ones done, with one or two updates each).

Timed through Django's test client as the people who use the pages: the coordinator of station 1 (case
pages, the agenda of the next meeting), a practitioner of the busiest institution and of a small one (the
inbox). Each page: warm-up requests, then --requests timed ones (p50 / p95 / max), and the queries of one
more request, for a big and a small case, inbox and agenda: the counts must be equal.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import gc
import random
import resource
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from _setup import machine, p95, throwaway_database
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from jss.accounts.models import Membership, User
from jss.actions.models import Action, ActionUpdate
from jss.cases.models import Case, CaseEvent, CasePerson, Nomination, Share
from jss.council.models import AgendaItem, CauseFinding, Invitation, Meeting, ResearchNote
from jss.incidents.models import Incident, Party
from jss.institutions.models import Institution
from jss.lib import fieldcrypto
from jss.people.models import Person
from jss.regions.models import PoliceStation, Region
from jss.risk.models import Assessment
from tests.factories import load_jeju

UNUSABLE = make_password(None)  # the benchmark's users sign in with force_login
STATIONS = 250
PROVINCE = 10  # stations, and protection institutions, per province
LEAD_WEIGHTS = [40, 15, 10, 8, 7, 6, 5, 4, 3, 2]  # how often each of a province's institutions leads a case
CHUNK = 5000
DAY = datetime.timedelta(days=1)
FAMILY = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황"]
GIVEN = ["민준", "서연", "도윤", "하은", "시우", "지유", "주원", "서윤", "예준", "지민", "하준", "채원"]
DOMAINS = ["domestic_violence", "domestic_violence", "child_abuse", "dating_violence", "elder_abuse", "stalking"]
STATUTES = ["child-welfare-act", "domestic-violence-punishment-act", "elderly-welfare-act", "stalking-punishment-act"]
CAUSES = ["alcohol", "economic_hardship", "family_conflict", "mental_health", "housing", "isolation"]
CATEGORIES = [
    Institution.Category.CHILD_PROTECTION,
    Institution.Category.WOMEN_HOTLINE,
    Institution.Category.WOMENS_COUNSELLING,
    Institution.Category.ELDER_PROTECTION,
    Institution.Category.SOCIAL_WELFARE,
    Institution.Category.SCHOOL,
    Institution.Category.MENTAL_HEALTH,
    Institution.Category.SHELTER,
    Institution.Category.LEGAL_AID,
    Institution.Category.FAMILY_CENTRE,
]
SERVICES = ["가정 방문 상담", "긴급 보호 연계", "재발 위험 순찰", "심리 상담 연계", "법률 상담 연계", "주거 지원 신청"]
TEXTS = [
    "최근 3개월 사이 학교 결석이 잦고 담임과 상담한 기록이 있음. 어머니는 야간 근무로 아이를 돌보기 어렵다고 함.",
    "기관 상담 2회: 피해자는 가해자와의 분리를 원하나 경제적 이유로 망설임. 주거 지원과 법률 상담 연계 필요.",
    "피해자 동의 하에 주 1회 전화 점검, 가해자 음주 시 112 신고 요령 안내, 쉼터 입소 의사 재확인.",
    "아동의 등교 여부를 담임과 매주 확인하고 결석이 이틀 이어지면 아동보호전문기관에 알림.",
]


@functools.cache
def _encrypt_once(value: str) -> str:
    return fieldcrypto.encrypt(value)


@contextlib.contextmanager
def fast_encryption() -> Iterator[None]:
    """While building: each distinct text is encrypted once (Fernet tokens are reused; they still decrypt)."""
    with mock.patch("jss.people.fields.encrypt", _encrypt_once):
        yield


class Ids:
    """Explicit primary keys, so that a chunk's rows can point at each other without reading them back."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, table: str) -> int:
        value = self.next.get(table, 0) + 1
        self.next[table] = value
        return value


class World:
    """The stations, institutions, people and meetings the cases refer to (a few thousand rows)."""

    def __init__(self, now: datetime.datetime, per_station: int) -> None:
        self.now = now
        self.start = now - 3 * 365 * DAY
        self.per_station = per_station
        load_jeju()
        self.units = list(Region.objects.filter(level__in=["eup", "myeon", "dong"]).values_list("pk", flat=True))
        stations = PoliceStation.objects.bulk_create(
            PoliceStation(code=f"bench-{n:03d}", name_ko=f"벤치{n:03d}경찰서", name_en=f"Bench station {n:03d}")
            for n in range(STATIONS)
        )
        self.stations = [station.pk for station in stations]
        since = datetime.date(2023, 2, 22)
        police = Institution.objects.bulk_create(
            Institution(
                key=f"bench-police-{n:03d}",
                name_ko=f"벤치{n:03d}경찰서",
                name_en=f"Bench police {n:03d}",
                category=Institution.Category.POLICE_STATION,
                region_id=self.units[n % len(self.units)],
                station_id=self.stations[n],
                status=Institution.Status.ACTIVE,
                member_since=since,
                is_sample=True,
            )
            for n in range(STATIONS)
        )
        others = Institution.objects.bulk_create(
            Institution(
                key=f"bench-member-{n:03d}",
                name_ko=f"벤치 협력기관 {n:03d}",
                name_en=f"Bench member {n:03d}",
                category=CATEGORIES[n % PROVINCE],
                region_id=self.units[n % len(self.units)],
                status=Institution.Status.ACTIVE,
                member_since=since,
                is_sample=True,
            )
            for n in range(STATIONS)
        )
        self.police = [institution.pk for institution in police]
        self.members = [institution.pk for institution in others]  # province p: members[p*10 : p*10+10]
        users = User.objects.bulk_create(
            [
                User(username=f"coordinator-{n:03d}", full_name=f"경찰{n:03d}", password=UNUSABLE)
                for n in range(STATIONS)
            ]
            + [
                User(username=f"practitioner-{n:03d}", full_name=f"실무{n:03d}", password=UNUSABLE)
                for n in range(STATIONS)
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user=users[n],
                    institution_id=self.police[n],
                    role=Membership.Role.COORDINATOR,
                    station_id=self.stations[n],
                )
                for n in range(STATIONS)
            ]
            + [
                Membership(user=users[STATIONS + n], institution_id=self.members[n], role=Membership.Role.PRACTITIONER)
                for n in range(STATIONS)
            ]
        )
        self.coordinators = [user.pk for user in users[:STATIONS]]
        self.practitioners = [user.pk for user in users[STATIONS:]]
        # Monthly meetings per station, then the next one (a week from now) and, for station 1, a small one.
        self.meeting_times = [self.start + (m + 1) * 30.4 * DAY for m in range(36)]
        self.meeting_times = [t for t in self.meeting_times if t < now] + [now + 7 * DAY]
        meetings, invitations = [], []
        ids = Ids()
        self.meeting_ids: list[list[int]] = []
        for s in range(STATIONS):
            row = []
            province = s // PROVINCE
            for m, starts in enumerate([*self.meeting_times, *([now + 14 * DAY] if s == MEASURED else [])]):
                pk = ids.take("meeting")
                row.append(pk)
                meetings.append(
                    Meeting(
                        pk=pk,
                        code=f"M{pk:08d}",
                        station_id=self.stations[s],
                        starts_at=starts,
                        place=f"벤치{s:03d}경찰서 회의실",
                        chair_id=self.coordinators[s],
                        created_by_id=self.coordinators[s],
                        status=Meeting.Status.APPROVED if starts < now else Meeting.Status.SCHEDULED,
                    )
                )
                skipped = {1 + m % 9, 1 + (m + 4) % 9}  # about 8 of the province's 10 (its busiest always)
                invitations += [
                    Invitation(
                        meeting_id=pk, institution_id=self.members[province * PROVINCE + k], attended=starts < now
                    )
                    for k in range(PROVINCE)
                    if k not in skipped
                ]
            self.meeting_ids.append(row)
        Meeting.objects.bulk_create(meetings, batch_size=CHUNK)
        Invitation.objects.bulk_create(invitations, batch_size=CHUNK)

    def came_in(self, station: int, index: int) -> datetime.datetime:
        return self.start + (index + 0.5 + station / STATIONS) / self.per_station * (self.now - self.start)

    def first_meeting(self, when: datetime.datetime) -> int:
        """Index of the first meeting at least three days after `when` (the last: the next meeting)."""
        for m, starts in enumerate(self.meeting_times):
            if starts >= when + 3 * DAY:
                return m
        return len(self.meeting_times) - 1


MEASURED = 1  # the station whose coordinator reads the case pages and the agenda
BIG_AGE = 12  # the big case: the station's 12th newest (its actions agreed about a month ago, still open)


class Chunk:
    """The rows of up to CHUNK cases, written together."""

    def __init__(self) -> None:
        self.rows: dict[type[Any], list[Any]] = {}

    def add(self, row: Any) -> None:
        self.rows.setdefault(type(row), []).append(row)

    def write(self) -> None:
        order = [
            Person,
            Incident,
            Party,
            Case,
            CasePerson,
            Case.incidents.through,
            Nomination,
            Share,
            Assessment,
            Action,
            ActionUpdate,
            AgendaItem,
            ResearchNote,
            CauseFinding,
            CaseEvent,
        ]
        for model in order:
            if model in self.rows:
                model.objects.bulk_create(self.rows[model], batch_size=2000)
        self.rows = {}


def build(total: int) -> None:
    now = timezone.now().replace(microsecond=0)
    per_station = total // STATIONS
    world = World(now, per_station)
    ids = Ids()
    rng = random.Random(2026)  # noqa: S311 (benchmark data)
    chunk = Chunk()
    today = timezone.localdate()
    latest = per_station - 1
    for n in range(total):
        s, index = n % STATIONS, n // STATIONS
        province = s // PROVINCE
        came = world.came_in(s, index)
        m = world.first_meeting(came)
        meeting_at = world.meeting_times[m]
        held = meeting_at < now
        pending = came > now - 5 * DAY  # nominated, not accepted yet
        big = s == MEASURED and index == latest - BIG_AGE
        coordinator = world.coordinators[s]
        lead_rank = rng.choices(range(PROVINCE), weights=LEAD_WEIGHTS)[0]
        lead = world.members[province * PROVINCE + lead_rank]
        lead_user = world.practitioners[province * PROVINCE + lead_rank]
        second_rank = (lead_rank + 1 + n % 3) % PROVINCE
        second = world.members[province * PROVINCE + second_rank] if n % 2 == 0 or big else None
        # Persons and reports.
        family = [("victim", "F"), ("suspect", "M")] + ([("child", "U")] if n % 3 == 0 else [])
        if big:
            family += [("child", "U"), ("child", "U"), ("other", "F"), ("other", "M"), ("other", "U")]
        persons = []
        for k, (role, sex) in enumerate(family):
            pk = ids.take("person")
            born = datetime.date(1950 + (n + 7 * k) % 60, 1 + (n + k) % 12, 1 + (n * 3 + k) % 28)
            chunk.add(
                Person(
                    pk=pk,
                    code=f"P{pk:09d}",
                    family_name=FAMILY[(n + k) % 16],
                    given_name=GIVEN[(n + 5 * k) % 12],
                    birth_date=born,
                    sex=sex,
                    region_id=world.units[(n + k) % len(world.units)],
                )
            )
            chunk.add(CasePerson(case_id=n + 1, person_id=pk, role=role))
            persons.append(pk)
        reports = 12 if big else 1 + n % 3
        for k in range(reports):
            pk = ids.take("incident")
            at = came - (reports - k) * 40 * DAY
            chunk.add(
                Incident(
                    pk=pk,
                    code=f"I{pk:09d}",
                    domain=DOMAINS[n % len(DOMAINS)],
                    occurred_at=at - 0.02 * DAY,
                    reported_at=at,
                    source="112",
                    reporting_institution_id=world.police[s],
                    region_id=world.units[n % len(world.units)],
                    police_measures=["on_scene_closure"],
                )
            )
            chunk.add(Party(incident_id=pk, person_id=persons[0], role="victim"))
            chunk.add(Party(incident_id=pk, person_id=persons[1], role="suspect"))
            chunk.add(Case.incidents.through(case_id=n + 1, incident_id=pk))
        # The case, its nominations and shares.
        actions_due = not pending
        chunk.add(
            Case(
                pk=n + 1,
                code=f"C{n + 1:09d}",
                station_id=world.stations[s],
                lead_institution_id=lead,
                created_by_id=coordinator,
                status=Case.Status.NOMINATED if pending else Case.Status.ACCEPTED,
            )
        )
        events: list[CaseEvent] = []

        def event(kind: str, at: datetime.datetime, by: int, **detail: Any) -> None:
            events.append(CaseEvent(case_id=n + 1, kind=kind, at=at, institution_id=by, detail=detail))  # noqa: B023

        for k in range(3 if big else 2 if n % 20 == 0 else 1):
            by_police = (n + k) % 2 == 1
            pk = ids.take("nomination")
            chunk.add(
                Nomination(
                    pk=pk,
                    case_id=n + 1,
                    institution_id=world.police[s] if by_police else lead,
                    nominated_by_id=coordinator if by_police else lead_user,
                    reasons=["repeat", "high_risk"][: 1 + (n + k) % 2],
                    note="반복 신고",
                    status=Nomination.Status.PENDING if pending else Nomination.Status.ACCEPTED,
                    decided_by_id=None if pending else coordinator,
                    decided_at=None if pending else came + DAY,
                )
            )
            event(
                "nominate",
                came + k * 0.1 * DAY,
                world.police[s] if by_police else lead,
                nomination=pk,
                reasons=["repeat"],
                new_case=k == 0,
                flag=0,
            )
        sharing: list[int] = []
        if not pending:
            event("accept", came + DAY, world.police[s], nomination=events[0].detail["nomination"], lead=lead)
            partners = [(lead, "full"), *([(second, "summary" if n % 4 == 0 else "full")] if second else [])]
            if big:
                partners += [
                    (world.members[province * PROVINCE + (lead_rank + k) % PROVINCE], "summary") for k in (4, 5)
                ]
            for institution, scope in partners:
                pk = ids.take("share")
                chunk.add(
                    Share(
                        pk=pk,
                        case_id=n + 1,
                        institution_id=institution,
                        basis=Share.Basis.STATUTE,
                        statute=STATUTES[n % len(STATUTES)],
                        scope=scope,
                        granted_by_id=coordinator,
                    )
                )
                event(
                    "share_grant",
                    came + DAY,
                    world.police[s],
                    share=pk,
                    institution=institution,
                    basis="statute",
                    statute=STATUTES[n % len(STATUTES)],
                    scope=scope,
                )
                sharing.append(institution)
        if n % 2 == 0 or big:
            chunk.add(
                Assessment(
                    pk=ids.take("assessment"),
                    code=f"A{n + 1:09d}",
                    person_id=persons[0],
                    pack_id="jss-dv-indicators",
                    pack_version=1,
                    domain="domestic_violence",
                    status="complete",
                    band=["caution", "crisis", "severe"][n % 3],
                    assessor_id=lead_user,
                    institution_id=lead,
                    completed_at=came - 2 * DAY,
                )
            )
        # The agenda: the first meeting after the case came in, and in 40% of cases the next one for review.
        if not pending:
            visits = [(m, "new")] + (
                [(m + 1, "review")] if (n % 5 < 2 or big) and m + 1 < len(world.meeting_times) else []
            )
            if s == MEASURED and m == len(world.meeting_times) - 1 and index >= latest - 6:
                visits.append((m + 1, "new"))  # station 1's small meeting: the last four cases
            for visit, reason in visits:
                item = ids.take("item")
                meeting = world.meeting_ids[s][visit]
                decided = visit < len(world.meeting_times) and world.meeting_times[visit] < now
                chunk.add(
                    AgendaItem(
                        pk=item,
                        meeting_id=meeting,
                        case_id=n + 1,
                        position=index,
                        reason=reason,
                        decision=AgendaItem.Decision.DISCUSSED if decided else "",
                        risk_rating="crisis" if decided else "",
                        note="논의 메모" if decided else "",
                    )
                )
                chunk.add(ResearchNote(item_id=item, institution_id=lead, author_id=lead_user, text=TEXTS[n % 2]))
                chunk.add(
                    ResearchNote(
                        item_id=item, institution_id=world.police[s], author_id=coordinator, text=TEXTS[1 - n % 2]
                    )
                )
                if decided:
                    for factor in (CAUSES[n % 6], CAUSES[(n + 2) % 6]):
                        chunk.add(CauseFinding(item_id=item, factor=factor))
                    event(
                        "council",
                        world.meeting_times[visit],
                        world.police[s],
                        meeting=meeting,
                        decision="discussed",
                        causes=[CAUSES[n % 6]],
                        risk="crisis",
                    )
        # Three support actions agreed at the first meeting (six for the big case).
        open_left = False
        if actions_due and held:
            responsible = [lead, world.police[s], second or lead] * (2 if big else 1)
            for k, institution in enumerate(responsible):
                pk = ids.take("action")
                due = (meeting_at + (30 + 10 * k) * DAY).date()
                if due < today - datetime.timedelta(days=14):
                    draw = rng.random()
                    status = "done" if draw < 0.92 else "cancelled" if draw < 0.96 else "open"
                else:
                    status = "in_progress" if rng.random() < 0.4 else "open"
                open_left = open_left or status in ("open", "in_progress")
                chunk.add(
                    Action(
                        pk=pk,
                        case_id=n + 1,
                        institution_id=institution,
                        service_text=SERVICES[(n + k) % 6],
                        meeting_id=world.meeting_ids[s][m],
                        description=TEXTS[(n + k) % 4],
                        due_on=due,
                        status=status,
                        created_by_id=coordinator,
                        completed_at=meeting_at + 25 * DAY if status == "done" else None,
                    )
                )
                event(
                    "action_add", meeting_at, world.police[s], action=pk, institution=institution, due=due.isoformat()
                )
                author = lead_user if institution != world.police[s] else coordinator
                steps = {
                    "done": [("open", "in_progress"), ("in_progress", "done")],
                    "cancelled": [("open", "cancelled")],
                    "in_progress": [("open", "in_progress")],
                }.get(status, [])
                for j, (before, after) in enumerate(steps):
                    at = meeting_at + (10 + 12 * j) * DAY
                    chunk.add(
                        ActionUpdate(
                            action_id=pk,
                            author_id=author,
                            institution_id=institution,
                            at=at,
                            text=TEXTS[(n + j) % 4][:60],
                            status_from=before,
                            status_to=after,
                            evidence="상담 일지 사본" if after == "done" else "",
                        )
                    )
                    event(
                        "action_update",
                        at,
                        institution,
                        action=pk,
                        institution=institution,
                        status_from=before,
                        status_to=after,
                    )
        if actions_due and held:
            finished_long_ago = not open_left and meeting_at < now - 365 * DAY
            status = (
                Case.Status.CLOSED
                if finished_long_ago
                else Case.Status.PLAN_ACTIVE
                if open_left
                else Case.Status.MONITORING
            )
            chunk.rows[Case][-1].status = status
            if status != Case.Status.PLAN_ACTIVE:
                event("monitor", meeting_at + 60 * DAY, world.police[s])
            if status == Case.Status.CLOSED:
                chunk.rows[Case][-1].closed_at = meeting_at + 180 * DAY
                chunk.rows[Case][-1].outcome = Case.Outcome.NO_REPEAT
                event("close", meeting_at + 180 * DAY, world.police[s], outcome="no_repeat")
        elif not pending:
            chunk.rows[Case][-1].status = Case.Status.IN_COUNCIL
        for row in events:
            chunk.add(row)
        if (n + 1) % CHUNK == 0:
            chunk.write()
    chunk.write()


def reset_sequences() -> None:
    """PostgreSQL: the explicit primary keys left the sequences behind (the pages write audit events)."""
    if connection.vendor != "postgresql":
        return
    models = [Person, Incident, Case, Nomination, Share, Assessment, Action, AgendaItem, Meeting]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


@contextlib.contextmanager
def database(keep: str | None) -> Iterator[None]:
    if keep is None:
        with throwaway_database():
            yield
        return
    connection.settings_dict.setdefault("TEST", {})["NAME"] = keep
    if connection.vendor == "sqlite":
        Path(keep).parent.mkdir(parents=True, exist_ok=True)
    # serialize=False: copying a kept database of millions of rows into a string would take minutes.
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=True)
    yield


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(client: Client, url: str, *, requests: int, warm: int) -> tuple[list[float], list[float], int]:
    """Wall times and this process's CPU times (ms) of `requests` requests after `warm` ones, and the queries
    of one more. On a shared machine the CPU time is the steadier figure (SQLite runs in the process;
    PostgreSQL's own time is in the wall time only)."""
    for _ in range(warm):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    walls, cpus = [], []
    for _ in range(requests):
        started, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return walls, cpus, len(captured)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page (default 50)")
    parser.add_argument("--warm", type=int, default=5, help="warm-up requests per page (default 5)")
    parser.add_argument("--keep", help="keep the database under this name (SQLite: a file) and reuse it next time")
    parser.add_argument("--explain", action="store_true", help="print each page's slowest queries")
    parser.add_argument("--only", default="", help="time only the pages whose label contains this")
    arguments = parser.parse_args()
    with database(arguments.keep), translation.override("ko"):
        started = time.perf_counter()
        if not Case.objects.exists():
            gc.disable()  # millions of new objects: the collector would run thousands of times for nothing
            with transaction.atomic(), fast_encryption():
                build(arguments.cases)
            gc.enable()
            reset_sequences()
            with connection.cursor() as cursor:  # as a database in service would be: statistics, hint bits
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
            print(f"built in {time.perf_counter() - started:.0f} s (peak RSS {peak_memory_mb():,.0f} MB)")
        else:
            print(f"reusing {arguments.keep}")
        where = (
            "in memory" if connection.vendor == "sqlite" and not arguments.keep else connection.settings_dict["NAME"]
        )
        print(f"{machine()} ({where}), load average {load_average()}")
        print(
            f"{Case.objects.count():,} cases, {Action.objects.count():,} actions "
            f"({ActionUpdate.objects.count():,} updates), {Institution.objects.count():,} institutions, "
            f"{Person.objects.count():,} persons, {Incident.objects.count():,} reports, "
            f"{CaseEvent.objects.count():,} case events, {Meeting.objects.count():,} meetings, "
            f"{AgendaItem.objects.count():,} agenda items"
        )
        run(arguments)


def top_up(meeting: Meeting, size: int) -> None:
    """Bring an agenda to `size` cases with the station's cases whose actions are open (back for review, as
    the agenda builder brings them), each with two research notes."""
    missing = size - meeting.items.count()
    if missing <= 0:
        return
    cases = (
        Case.objects.filter(station=meeting.station_id, status=Case.Status.PLAN_ACTIVE)
        .exclude(agenda_items__meeting=meeting)
        .order_by("-pk")[:missing]
    )
    with transaction.atomic(), fast_encryption():
        for case in cases:
            item = AgendaItem.objects.create(meeting=meeting, case=case, position=999, reason="review")
            notes = [(case.lead_institution_id, TEXTS[0]), (meeting.station.institution.pk, TEXTS[1])]
            for institution, text in notes:
                author = Membership.objects.filter(institution=institution).values_list("user", flat=True)[0]
                ResearchNote.objects.create(item=item, institution_id=institution, author_id=author, text=text)
    reset_sequences()


def run(arguments: argparse.Namespace) -> None:
    station = PoliceStation.objects.get(code=f"bench-{MEASURED:03d}")
    coordinator = User.objects.get(membership__station=station)
    counts = dict(
        Action.objects.filter(status__in=["open", "in_progress"]).values_list("institution").annotate(n=Count("pk"))
    )
    members = Institution.objects.filter(key__startswith="bench-member-").order_by("key")
    busiest = max(members, key=lambda institution: counts.get(institution.pk, 0))
    quiet = min(members, key=lambda institution: counts.get(institution.pk, 0))
    cases = sorted(Case.objects.filter(station=station, status="plan_active").values_list("pk", flat=True))
    events = dict(CaseEvent.objects.filter(case__in=cases).values_list("case").annotate(n=Count("pk")))
    big = max(cases, key=lambda pk: events[pk])
    small = min(cases, key=lambda pk: events[pk])
    upcoming = list(Meeting.objects.filter(station=station, status="scheduled").order_by("starts_at"))
    top_up(upcoming[0], 16)
    top_up(upcoming[-1], 4)
    pages = []
    for label, case in (("case page, big", big), ("case page, small", small)):
        detail = (
            f"{CasePerson.objects.filter(case=case).count()} persons, "
            f"{Case.incidents.through.objects.filter(case=case).count()} reports, {events[case]} events, "
            f"{Action.objects.filter(case=case).count()} actions, "
            f"{Share.objects.filter(case=case).count()} shares"
        )
        pages.append((label, coordinator, f"/cases/{case}/", detail))
    for label, institution in (("inbox, busiest", busiest), ("inbox, small", quiet)):
        user = User.objects.get(membership__institution=institution)
        total = Action.objects.filter(institution=institution).count()
        pages.append((label, user, "/actions/", f"{counts.get(institution.pk, 0)} open of {total} actions"))
    for label, meeting in (("agenda, next meeting", upcoming[0]), ("agenda, small meeting", upcoming[-1])):
        pages.append((label, coordinator, f"/council/{meeting.pk}/", f"{meeting.items.count()} cases"))
    invited = User.objects.get(membership__institution=busiest)
    if Invitation.objects.filter(meeting=upcoming[0], institution=busiest).exists():
        pages.append(("agenda, invited practitioner", invited, f"/council/{upcoming[0].pk}/", "the next meeting"))
    gc.collect()
    gc.freeze()  # a warmed worker freezes its start-up objects (docs/operations.md)
    print(f"{'page':30} {'p50':>8} {'p95':>8} {'max':>8} {'CPU p50':>8} {'CPU p95':>8} {'queries':>8}  size")
    for label, user, url, detail in pages:
        if arguments.only not in label:
            continue
        client = Client()
        client.force_login(user)
        samples, cpus, queries = timed(client, url, requests=arguments.requests, warm=arguments.warm)
        print(
            f"{label:30} {statistics.median(samples):6.1f}ms {p95(samples):6.1f}ms {max(samples):6.1f}ms "
            f"{statistics.median(cpus):6.1f}ms {p95(cpus):6.1f}ms {queries:8}  {detail}"
        )
        if arguments.explain:
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:4]:
                print(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][:300]}")
    print(f"load average {load_average()}")


if __name__ == "__main__":
    main()
