"""Benchmark: the meeting pack PDF (jss.council.pack) of a working council meeting with 16 cases.

Not a test. Builds a throwaway database with a meeting of 제주동부경찰서's working council whose agenda has
16 cases (8 new, 8 back for review after an earlier meeting: its findings and 3 open support actions each),
each with 2–3 persons, 3 reports (repeat flags raised by the rules), 1–2 completed risk assessments per
person and 2 research notes, then times the pack for an institution that sees every case in full (the lead,
with a full share) and for one that sees them pseudonymised (invited, no share). Target (issue 6): under
10 s. Runs on SQLite, or on PostgreSQL when DATABASE_URL points there:

    .venv/bin/python bench/meeting_pack.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/meeting_pack.py
    .venv/bin/python bench/meeting_pack.py --runs 3 --save /tmp/pack   # writes /tmp/pack-full.pdf, -summary.pdf

The cases are made through the services (intake, nomination, acceptance, scheduling, findings, actions,
notes: a few seconds); the assessments with bulk_create. Deterministic.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import logging
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from unittest import mock

from _setup import machine, throwaway_database

for name in ("weasyprint", "fontTools"):  # their INFO lines would drown the figures
    logging.getLogger(name).setLevel(logging.WARNING)

from django.db import connection  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from jss.actions import services as actions  # noqa: E402
from jss.cases import services as cases  # noqa: E402
from jss.cases.models import Case, Share  # noqa: E402
from jss.council import services as council  # noqa: E402
from jss.council.models import Meeting  # noqa: E402
from jss.council.pack import pack_content, render_pack  # noqa: E402
from jss.institutions.models import Institution  # noqa: E402
from jss.people.models import Person  # noqa: E402
from jss.regions.models import Region  # noqa: E402
from jss.risk.models import Assessment  # noqa: E402
from jss.risk.packs import all_packs  # noqa: E402
from tests.factories import IDO2, Reports, Role, load_jeju, make_institution, make_member  # noqa: E402

CASES = 16
FAMILY = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황"]
GIVEN = ["민준", "서연", "도윤", "하은", "시우", "지유", "주원", "서윤", "예준", "지민", "하준", "채원"]
DOMAINS = ["domestic_violence", "domestic_violence", "child_abuse", "dating_violence", "elder_abuse", "stalking"]
CAUSES = ["alcohol", "economic_hardship", "family_conflict", "mental_health", "housing", "isolation"]
NOTES = [
    "최근 3개월 사이 학교 결석이 잦고 담임과 상담한 기록이 있음. 어머니는 야간 근무로 아이를 돌보기 어렵다고 함.",
    "기관 상담 2회: 피해자는 가해자와의 분리를 원하나 경제적 이유로 망설임. 주거 지원과 법률 상담 연계 필요.",
]


def build() -> tuple[Meeting, Institution, Institution]:
    """The meeting with 16 cases; the institution that sees them in full and the one that does not."""
    load_jeju()
    station = make_institution("dongbu-police", "제주동부경찰서", category=Institution.Category.POLICE_STATION,
                               region_code="5011052000", station_code="jeju-dongbu")  # fmt: skip
    lead = make_institution("child-protection", "제주아동보호전문기관", category=Institution.Category.CHILD_PROTECTION)
    hotline = make_institution("hotline-1366", "여성긴급전화1366 제주센터", category=Institution.Category.WOMEN_HOTLINE)
    wee = make_institution(
        "wee-centre", "제주시 Wee센터", category=Institution.Category.SCHOOL, region_code="5011063000"
    )
    others = [make_institution(f"member-{n}", f"제주 협력기관 {n}") for n in range(5)]
    officer = make_member("officer", "고태훈", station, Role.COORDINATOR, station_code="jeju-dongbu")
    worker = make_member("social-worker", "양수진", lead, Role.PRACTITIONER)
    reports = Reports({"112": station, "1366": hotline, "child_protection": lead})
    packs = sorted(all_packs().values(), key=lambda pack: (pack.id, pack.version))
    now = timezone.now()
    invited = [lead, wee, hotline, *others]
    today = timezone.localdate()

    def new_case(n: int) -> Case:
        victim = reports.person(FAMILY[n % 16], GIVEN[n % 12], f"{1960 + n * 3}-0{n % 9 + 1}-1{n % 9}", sex="F")
        suspect = reports.person(FAMILY[(n + 5) % 16], GIVEN[(n + 7) % 12], f"{1955 + n * 3}-1{n % 3}-2{n % 8}",
                                 sex="M")  # fmt: skip
        persons = [(victim, "victim"), (suspect, "suspect")]
        if n % 3 == 0:
            persons.append((reports.person(FAMILY[n % 16], "아이", f"{2014 + n % 8}-05-05"), "child"))
        made = [
            reports.report(now - datetime.timedelta(days=200 - 60 * k - n), victim=victim, suspect=suspect,
                           domain=DOMAINS[n % len(DOMAINS)], source=["112", "1366", "child_protection"][k])
            for k in range(3)
        ]  # fmt: skip
        nomination = cases.nominate(
            cases.NominationData(persons=persons, incidents=made, reasons=["repeat", "high_risk"][: 1 + n % 2],
                                 note="반복 신고"),
            actor=officer if n % 2 else worker,
        )  # fmt: skip
        share = cases.ShareData(institution=lead, basis=Share.Basis.STATUTE, statute="child-welfare-act")
        case = cases.accept(nomination, actor=officer, lead_institution=lead, lead_share=share)
        assessments = []
        for m, (person, _role) in enumerate(persons):
            for k in range(1 + (n + m) % 2):
                pack = packs[(n + m + k) % len(packs)]
                bands = list(pack.bands)
                assessments.append(
                    Assessment(person=person, pack_id=pack.id, pack_version=pack.version, domain=pack.domain,
                               status=Assessment.Status.COMPLETE, band=bands[(n + k) % len(bands)].code,
                               unknown_count=(n + k) % 4, assessor=worker, institution=lead,
                               completed_at=now - datetime.timedelta(days=150 - 40 * k - n))
                )  # fmt: skip
        Assessment.objects.bulk_create(assessments)
        return case

    first_cases = [new_case(n) for n in range(CASES // 2)]
    with mock.patch("django.utils.timezone.now", return_value=now - datetime.timedelta(days=30)):
        earlier = council.schedule(
            Case.objects.get(pk=first_cases[0].pk).station,
            council.MeetingData(starts_at=now - datetime.timedelta(days=28), place="제주동부경찰서 3층 회의실",
                                video_link="", invited=invited),
            actor=officer,
        )  # fmt: skip
    for n, item in enumerate(earlier.items.all()):
        council.record_findings(
            item, council.Findings(decision="discussed", causes=[CAUSES[n % 6], CAUSES[(n + 2) % 6]],
                                   risk_rating="crisis", note="논의 메모"),
            actor=officer,
        )  # fmt: skip
        for k, institution in enumerate([lead, hotline, station]):
            if institution == hotline:
                cases.grant_share(item.case, cases.ShareData(institution=hotline, basis=Share.Basis.STATUTE,
                                                             statute="child-welfare-act", scope="summary"),
                                  actor=officer)  # fmt: skip
            actions.add_action(
                item.case,
                actions.ActionData(institution=institution, due_on=today + datetime.timedelta(days=3 + k),
                                   service_text=["가정 방문 상담", "긴급 보호 연계", "재발 위험 순찰"][k],
                                   description=f"{NOTES[k % 2][:40]} (조치 {k + 1})"),
                actor=officer,
            )  # fmt: skip
    council.set_attendance(earlier, [i.pk for i in invited], actor=officer)
    for n in range(CASES // 2, CASES):
        new_case(n)
    meeting = council.schedule(
        station.station,  # type: ignore[arg-type]
        council.MeetingData(starts_at=now + datetime.timedelta(days=7), place="제주동부경찰서 3층 회의실",
                            video_link="https://meet.example.kr/jss-dongbu", invited=invited),
        actor=officer,
    )  # fmt: skip
    for item in meeting.items.all():
        council.add_research_note(item, NOTES[0], actor=worker)
        council.add_research_note(item, NOTES[1], actor=officer)
    Person.objects.filter(region=None).update(region=Region.objects.get(code=IDO2))  # their eup/myeon/dong
    return meeting, lead, wee


def pages(pdf: bytes) -> str:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return "?"
    info = subprocess.run([pdfinfo, "-"], input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S603
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="renders per institution (default 5)")
    parser.add_argument("--save", type=Path, help="write the PDFs to <save>-full.pdf and <save>-summary.pdf")
    arguments = parser.parse_args()
    with throwaway_database(), translation.override("ko"):
        started = time.perf_counter()
        meeting, full, summary = build()
        items = meeting.items.count()
        print(f"{machine()}")
        print(f"{connection.vendor}: a meeting with {items} cases ({Person.objects.count()} persons, "
              f"{Assessment.objects.count()} assessments), built in {time.perf_counter() - started:.1f} s")  # fmt: skip
        for label, institution in (("full", full), ("summary", summary)):
            reads, totals = [], []
            pdf = b""
            for _run in range(arguments.runs):
                gc.collect()
                started = time.perf_counter()
                content = pack_content(meeting, institution, now=timezone.now())
                read = time.perf_counter() - started
                pdf = render_pack(content)
                totals.append(time.perf_counter() - started)
                reads.append(read)
            seen = sum(1 for case in content.cases if case.full)
            print(f"  {label:7} ({institution.key}, {seen}/{len(content.cases)} cases in full): median "
                  f"{statistics.median(totals):.2f} s, max {max(totals):.2f} s "
                  f"(reading {statistics.median(reads):.3f} s), {pages(pdf)} pages, {len(pdf) // 1000} kB")  # fmt: skip
            if arguments.save is not None:
                Path(f"{arguments.save}-{label}.pdf").write_bytes(pdf)


if __name__ == "__main__":
    main()
