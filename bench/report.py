"""Benchmark: the semiannual report (jss.reports.metrics.compute_report) at national scale.

    .venv/bin/python bench/report.py [--incidents 1000000] [--cases 100000] [--runs 2]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jss_bench_report .venv/bin/python bench/report.py

Target (issue 7): under 30 s for 1,000,000 incidents and 100,000 cases. Not a test. The data, built with
bulk_create in a throwaway database (Jeju's regions, national volumes): three years of reports ending on
2026-11-01, victim–suspect pairs reporting once or many times (as bench/repeat_rules.py), 100,000 cases
nominated a few days after one of a pair's reports (repeat pairs first), 85% accepted, discussed at a
weekly meeting of their station's working council (about 9 institutions invited, 90% present, 1–2 coded
causes), 3 support actions each (80% done on time, 12% late, 3% cancelled, the rest open), 100,000
completed risk assessments (5% with a professional's band), and 71 member institutions joining over time.

Prints the build time and, for the last complete half year, the report for the province, for one
station's area and for one institution (median of `--runs`), with the number of queries.

The full-scale build takes about 20 minutes; `--keep NAME` builds into a database that is kept (a SQLite
file, e.g. var/bench-report.sqlite3, or with DATABASE_URL the name of a PostgreSQL database made with
createdb) and, when it is already built, reuses it without building:

    .venv/bin/python bench/report.py --keep var/bench-report.sqlite3 --profile
    createdb -h 127.0.0.1 -U postgres jss_bench_report
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jss_bench_report .venv/bin/python bench/report.py \
        --keep jss_bench_report
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import random
import statistics
import time
from collections.abc import Iterator
from unittest import mock
from zoneinfo import ZoneInfo

from _setup import machine, throwaway_database

KST = ZoneInfo("Asia/Seoul")
NOW = datetime.datetime(2026, 11, 1, 9, tzinfo=KST)
START = NOW - datetime.timedelta(days=3 * 365)
SPAN = (NOW - START).total_seconds()
DOMAINS = [("domestic_violence", 0.60), ("child_abuse", 0.10), ("dating_violence", 0.10),
           ("school_violence", 0.08), ("elder_abuse", 0.04), ("stalking", 0.04), ("sexual_violence", 0.02),
           ("disability_abuse", 0.02)]  # fmt: skip
CAUSES = ["alcohol", "economic_hardship", "family_conflict", "separation", "mental_health", "housing", "isolation"]
CATEGORIES = ["child_protection", "women_hotline", "elder_protection", "hospital", "womens_counselling", "school",
              "mental_health", "legal_aid", "shelter", "social_welfare"]  # fmt: skip


def pick(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    return rng.choices([name for name, _share in choices], weights=[share for _name, share in choices])[0]


def reports_of_a_pair(rng: random.Random) -> int:
    draw = rng.random()
    if draw < 0.80:
        return 1
    if draw < 0.90:
        return 2
    if draw < 0.95:
        return 3
    return rng.randint(4, 9) if draw < 0.98 else rng.randint(10, 60)


def at(moment: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(moment, tz=KST)


def build(total: int, case_count: int) -> dict[str, int]:
    from django.db import transaction

    from jss.actions.models import Action
    from jss.cases.models import Case, CasePerson, Nomination
    from jss.council.models import AgendaItem, CauseFinding, Invitation, Meeting
    from jss.incidents.models import Incident, Party
    from jss.people.models import Person
    from jss.regions.models import PoliceStation
    from jss.risk.models import Assessment
    from tests.factories import load_jeju, make_institution, make_member

    rng = random.Random(2023)  # noqa: S311 (benchmark data)
    with transaction.atomic():
        load_jeju()
    stations = list(PoliceStation.objects.order_by("code"))
    station_of = {region: s.pk for s in stations for region in s.jurisdiction.values_list("pk", flat=True)}
    units = sorted(station_of)
    police = {
        s.pk: make_institution(f"police-{s.code}", s.name_ko, category="police_station", station_code=s.code)
        for s in stations
    }
    others = [
        make_institution(f"member-{n}", f"협력기관 {n}", category=CATEGORIES[n % len(CATEGORIES)],
                         member_since=datetime.date(2023, 2, 22) + datetime.timedelta(days=12 * max(0, n - 44)))
        for n in range(68)
    ]  # fmt: skip
    user = make_member("bench-officer", "고태훈", police[stations[0].pk], "coordinator", station_code=stations[0].code)

    incidents: list[Incident] = []
    victims: list[int] = []  # person number of each incident's victim
    pairs: list[tuple[int, list[int]]] = []  # (victim number, incident numbers)
    persons = 0
    while len(incidents) < total:
        victim, suspect = persons, persons + 1
        persons += 2
        domain, region = pick(rng, DOMAINS), rng.choice(units)
        moment = START.timestamp() + rng.random() * SPAN
        numbers = []
        for _n in range(min(reports_of_a_pair(rng), total - len(incidents))):
            if moment > NOW.timestamp():
                break
            numbers.append(len(incidents))
            source = "112" if rng.random() < 0.8 else "1366"
            incidents.append(Incident(
                code=f"I-{len(incidents):08d}", domain=domain, occurred_at=at(moment - 900), reported_at=at(moment),
                source=source, reporting_institution=police[station_of[region]] if source == "112" else others[1],
                region_id=region,
            ))  # fmt: skip
            victims.append(victim)
            moment += rng.expovariate(1 / (60 * 86_400))
        pairs.append((victim, numbers))
        del suspect
    Person.objects.bulk_create((Person(code=f"P-{n:08d}") for n in range(persons)), batch_size=10_000)
    first_person = Person.objects.order_by("pk").values_list("pk", flat=True)[0]
    Incident.objects.bulk_create(incidents, batch_size=5000)
    first_incident = Incident.objects.order_by("pk").values_list("pk", flat=True)[0]
    Party.objects.bulk_create(
        (Party(incident_id=first_incident + i, person_id=first_person + v, role="victim")
         for i, v in enumerate(victims)),
        batch_size=10_000,
    )  # fmt: skip

    # Cases: repeat pairs first, nominated 1–10 days after one of their reports before the last.
    candidates = [pair for pair in pairs if len(pair[1]) > 1] + [pair for pair in pairs if len(pair[1]) == 1]
    chosen = candidates[:case_count]
    case_rows, nomination_rows, member_rows, link_rows = [], [], [], []
    accepted_cases: list[tuple[int, datetime.datetime, int]] = []  # (case number, accepted at, station)
    for number, (victim, numbers) in enumerate(chosen):
        trigger = numbers[rng.randrange(max(1, len(numbers) - 1))]
        incident = incidents[trigger]
        station = station_of[incident.region_id]  # type: ignore[index]
        nominated = incident.reported_at + datetime.timedelta(days=rng.uniform(1, 10))
        decided = nominated + datetime.timedelta(days=rng.uniform(0.5, 7))
        accepted = rng.random() < 0.85 and decided < NOW
        by = police[station] if rng.random() < 0.65 else others[rng.randrange(len(others))]
        case_rows.append(Case(code=f"C-{number:08d}", station_id=station, lead_institution=police[station],
                              created_by=user, status="plan_active" if accepted else "declined"))  # fmt: skip
        nomination_rows.append((number, by, nominated, decided if decided < NOW else None, accepted))
        member_rows.append((number, victim))
        link_rows.append((number, trigger))
        if accepted:
            accepted_cases.append((number, decided, station))
    Case.objects.bulk_create(case_rows, batch_size=5000)
    first_case = Case.objects.order_by("pk").values_list("pk", flat=True)[0]
    created = [Nomination._meta.get_field("created_at"), Action._meta.get_field("created_at")]
    with mock.patch.multiple(created[0], auto_now_add=False), mock.patch.multiple(created[1], auto_now_add=False):
        Nomination.objects.bulk_create(
            (Nomination(case_id=first_case + n, institution=by, nominated_by=user, reasons=["repeat"],
                        status=("accepted" if ok else "declined") if decided else "pending", decided_at=decided,
                        created_at=nominated)
             for n, by, nominated, decided, ok in nomination_rows),
            batch_size=5000,
        )  # fmt: skip
        CasePerson.objects.bulk_create(
            (CasePerson(case_id=first_case + n, person_id=first_person + v, role="victim") for n, v in member_rows),
            batch_size=10_000,
        )
        Case.incidents.through.objects.bulk_create(
            (Case.incidents.through(case_id=first_case + n, incident_id=first_incident + i) for n, i in link_rows),
            batch_size=10_000,
        )
        # Weekly meetings per station; each accepted case at the first one after its acceptance.
        meetings: dict[tuple[int, int], Meeting] = {}
        items: list[tuple[tuple[int, int], int]] = []
        actions: list[Action] = []
        for number, decided, station in accepted_cases:
            week = int((decided - START).total_seconds() // (7 * 86_400)) + 1
            starts = START + datetime.timedelta(weeks=week, hours=14 - START.hour)
            if starts >= NOW:
                continue
            key = (station, week)
            if key not in meetings:
                meetings[key] = Meeting(code=f"M-{len(meetings):08d}", station_id=station, starts_at=starts,
                                        chair=user, status="approved", created_by=user)  # fmt: skip
            items.append((key, number))
            for k in range(3):
                due = (starts + datetime.timedelta(days=rng.randint(14, 56))).date()
                draw = rng.random()
                completed: datetime.date | None
                status, completed = ("done", due - datetime.timedelta(days=rng.randint(0, 10)))  # on time
                if draw > 0.80:
                    status, completed = ("done", due + datetime.timedelta(days=rng.randint(1, 60)))
                if draw > 0.92:
                    status, completed = ("cancelled", None)
                if draw > 0.95 or (completed is not None and completed > NOW.date()):
                    status, completed = ("open", None)
                institution = police[station] if k == 0 else others[rng.randrange(len(others))]
                actions.append(Action(
                    case_id=first_case + number, institution=institution, description="", due_on=due, status=status,
                    completed_at=completed and datetime.datetime.combine(completed, datetime.time(15), tzinfo=KST),
                    created_by=user, created_at=starts, service_text="지원",
                ))  # fmt: skip
        Meeting.objects.bulk_create(meetings.values(), batch_size=5000)
        Action.objects.bulk_create(actions, batch_size=5000)
    invitations = [
        Invitation(meeting=meeting, institution=institution, attended=rng.random() < 0.9)
        for (station, _week), meeting in meetings.items()
        for institution in [police[station], *rng.sample(others, 8)]
    ]
    Invitation.objects.bulk_create(invitations, batch_size=10_000)
    AgendaItem.objects.bulk_create(
        (AgendaItem(meeting=meetings[key], case_id=first_case + number, decision="discussed") for key, number in items),
        batch_size=10_000,
    )
    findings = [
        CauseFinding(item_id=item, factor=factor)
        for item in AgendaItem.objects.values_list("pk", flat=True).iterator()
        for factor in rng.sample(CAUSES, rng.randint(1, 2))
    ]
    CauseFinding.objects.bulk_create(findings, batch_size=10_000)
    assessed = rng.sample(range(len(incidents)), min(case_count, len(incidents)))
    Assessment.objects.bulk_create(
        (Assessment(code=f"A-{n:08d}", person_id=first_person + victims[i], incident_id=first_incident + i,
                    pack_id="jss-dv-indicators", pack_version=1, domain=incidents[i].domain, status="complete",
                    band="caution", override_band="severe" if rng.random() < 0.05 else "", assessor=user,
                    institution=police[station_of[incidents[i].region_id]],  # type: ignore[index]
                    completed_at=incidents[i].reported_at + datetime.timedelta(days=rng.uniform(0, 20)))
         for n, i in enumerate(assessed)),
        batch_size=5000,
    )  # fmt: skip
    return {
        "persons": persons, "incidents": len(incidents), "cases": len(case_rows), "meetings": len(meetings),
        "actions": len(actions), "invitations": len(invitations), "findings": len(findings),
        "assessments": len(assessed),
    }  # fmt: skip


@contextlib.contextmanager
def kept_database(name: str) -> Iterator[bool]:
    """Use the database `name` (migrated: a kept database gets the indexes added since) and keep it; yield
    whether it is already built."""
    from django.core.management import call_command
    from django.db import connection

    from jss.incidents.models import Incident
    from jss.risk.models import Assessment

    connection.close()
    connection.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0, interactive=False)
    built = Assessment.objects.exists()  # the build's last step
    if not built and Incident.objects.exists():
        raise SystemExit(f"{name} holds an unfinished build: delete (or drop) it and start again")
    yield built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="print where the province's report spends its time")
    parser.add_argument("--keep", metavar="NAME", help="build into this database and keep it; reuse it if built")
    arguments = parser.parse_args()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jss.institutions.models import Institution
    from jss.regions.models import PoliceStation
    from jss.reports.metrics import compute_report
    from jss.reports.periods import Period
    from jss.reports.scopes import PROVINCE, Scope
    from jss.reports.suppression import suppress

    database = kept_database(arguments.keep) if arguments.keep else throwaway_database()
    with database as built:
        print(machine())
        if built:
            print(f"reusing {arguments.keep} as built")
        else:
            started = time.perf_counter()
            counts = build(arguments.incidents, arguments.cases)
            print(f"built in {time.perf_counter() - started:.0f} s: "
                  + ", ".join(f"{k} {v:,}" for k, v in counts.items()))  # fmt: skip
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # planner statistics, as a database in use has them
        period = Period.last_complete_half_year(NOW.date())
        scopes = [
            ("province", PROVINCE),
            ("station", Scope(station=PoliceStation.objects.order_by("code").first())),
            ("institution", Scope(institution=Institution.objects.get(key="member-1"))),
        ]
        if arguments.profile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(compute_report, period, now=NOW)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        for label, scope in scopes:
            timings, cpu = [], []
            for _run in range(arguments.runs):
                gc.collect()  # the build's garbage is not the report's
                with CaptureQueriesContext(connection) as queries:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    report = compute_report(period, scope=scope, now=NOW)
                    suppress(report)
                    timings.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - started_cpu)
            if arguments.profile:
                for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:6]:
                    print(f"    {float(query['time']):6.2f} s  {query['sql'][:300]}")
            print(f"  {label:11} {period}: median {statistics.median(timings):.1f} s, max {max(timings):.1f} s "
                  f"(CPU of this process, SQLite included: {statistics.median(cpu):.1f} s), "
                  f"{len(queries)} queries; repeat rate {report.repeat.rate.display(percent=True, digits=1)} "
                  f"of {report.repeat.rate.denominator}, {report.rates.reports.value:,.0f} reports")  # fmt: skip


if __name__ == "__main__":
    main()
