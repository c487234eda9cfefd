"""Repeat rules over 1,000,000 incidents: time `evaluate_all` (the nightly batch) and one incremental run.

    .venv/bin/python bench/repeat_rules.py [--incidents 1000000] [--sqlite-file var/bench-repeats.sqlite3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/repeats_bench .venv/bin/python bench/repeat_rules.py

Target (issue 4): under 2 minutes for 1,000,000 incidents. The data: three years of reports ending on
2026-11-01, a realistic repeat structure (most victim–suspect pairs report once, a few many times: the
"power few"), Jeju's mix of kinds of violence and sources, about one DV report in six booked (2018:
3,912 reports → 667 booked, facts.md), a few percent with critical markers, and child-abuse reports in
some DV households. Built with bulk_create (not through record_incident: that would take hours).

Prints the build time, the first run (raises every flag), a second run with nothing changed (the
nightly steady state), a run after proposals were recorded, and incremental runs for single persons.
"""

from __future__ import annotations

import argparse
import datetime
import random
import resource
import statistics
import time
from zoneinfo import ZoneInfo

from _setup import machine, throwaway_database

KST = ZoneInfo("Asia/Seoul")
NOW = datetime.datetime(2026, 11, 1, 9, tzinfo=KST)
START = NOW - datetime.timedelta(days=3 * 365)
SPAN = (NOW - START).total_seconds()

DOMAINS = [  # (domain, share of pairs)
    ("domestic_violence", 0.60),
    ("child_abuse", 0.10),
    ("dating_violence", 0.10),
    ("school_violence", 0.08),
    ("elder_abuse", 0.04),
    ("stalking", 0.04),
    ("sexual_violence", 0.02),
    ("disability_abuse", 0.02),
]
SOURCES = [("112", 0.70), ("1366", 0.10), ("child_protection", 0.06), ("school", 0.05), ("hospital", 0.04),
           ("counselling", 0.03), ("elder_protection", 0.02)]  # fmt: skip
MARKERS = [("strangulation", 0.03), ("weapon", 0.04), ("threat_to_kill", 0.03), ("sexual_violence", 0.02),
           ("pregnancy", 0.01)]  # fmt: skip


def incidents_of_a_pair(rng: random.Random) -> int:
    """Most pairs once; a few many times (the top 2% of pairs make about a third of the reports)."""
    draw = rng.random()
    if draw < 0.80:
        return 1
    if draw < 0.90:
        return 2
    if draw < 0.95:
        return 3
    if draw < 0.98:
        return rng.randint(4, 9)
    return rng.randint(10, 60)


def pick(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    return rng.choices([name for name, _share in choices], weights=[share for _name, share in choices])[0]


def build(total: int) -> dict[str, float]:
    from django.db import transaction

    from jss.incidents.models import Incident, Party
    from jss.institutions.models import Institution
    from jss.people.models import Household, Person
    from jss.regions.models import Region
    from tests.factories import load_jeju

    rng = random.Random(2023)  # noqa: S311 (benchmark data)
    with transaction.atomic():
        load_jeju()
    units = list(Region.objects.filter(level__in=["eup", "myeon", "dong"]).values_list("pk", flat=True))
    institutions = {}
    for source in dict(SOURCES):
        institutions[source] = Institution.objects.create(
            key=f"bench-{source}",
            name_ko=f"기관 {source}",
            category="other",
            region_id=units[0],
            status="active",
            member_since=datetime.date(2023, 2, 22),
        ).pk

    incident_rows: list[Incident] = []  # flushed to the database every 50,000
    written = 0
    party_rows: list[tuple[int, int, str]] = []  # (incident number, person number, role)
    household_of: dict[int, int] = {}  # person number → household number
    household_count = 0
    persons = 0
    pairs = 0
    counts: list[int] = []
    while written + len(incident_rows) < total:
        victim, suspect = persons, persons + 1
        persons += 2
        pairs += 1
        domain = pick(rng, DOMAINS)
        region = rng.choice(units)
        count = min(incidents_of_a_pair(rng), total - written - len(incident_rows))
        counts.append(count)
        moment = START.timestamp() + rng.random() * SPAN
        child = None
        if domain == "domestic_violence" and rng.random() < 0.05:
            child = persons
            persons += 1
            household_of[victim] = household_of[child] = household_count
            household_count += 1
        for number in range(count):
            if moment > NOW.timestamp():
                moment = START.timestamp() + rng.random() * SPAN
            reported = datetime.datetime.fromtimestamp(moment, tz=KST)
            kind = domain if rng.random() < 0.9 else pick(rng, DOMAINS)
            victim_now = victim
            if child is not None and number == count - 1:
                kind, victim_now = "child_abuse", child
            source = pick(rng, SOURCES)
            markers = {name: rng.random() < share for name, share in MARKERS}
            booked = kind == "domestic_violence" and rng.random() < 0.17
            incident_number = written + len(incident_rows)
            incident_rows.append(
                Incident(
                    code=f"I-{incident_number:08d}",
                    domain=kind,
                    occurred_at=reported - datetime.timedelta(minutes=15),
                    reported_at=reported,
                    source=source,
                    reporting_institution_id=institutions[source],
                    region_id=region,
                    police_measures=["booked"] if booked else ["on_scene_closure"],
                    **markers,
                )
            )
            party_rows.append((incident_number, victim_now, "victim"))
            party_rows.append((incident_number, suspect, "suspect"))
            if rng.random() < 0.05:
                party_rows.append((incident_number, persons, "reporter"))
                persons += 1
            moment += rng.expovariate(1 / (60 * 86_400))  # about two months between repeats
        if len(incident_rows) >= 50_000:
            Incident.objects.bulk_create(incident_rows, batch_size=5000)
            written += len(incident_rows)
            incident_rows = []
    Incident.objects.bulk_create(incident_rows, batch_size=5000)
    del incident_rows

    households = Household.objects.bulk_create(
        [Household(code=f"H-{n:08d}") for n in range(household_count)], batch_size=5000
    )
    Person.objects.bulk_create(
        (
            Person(
                code=f"P-{n:08d}",
                household_id=households[household_of[n]].pk if n in household_of else None,
                disability="intellectual" if n % 97 == 0 else "none",
                is_migrant=n % 31 == 0,
            )
            for n in range(persons)
        ),
        batch_size=5000,
    )
    first_person = Person.objects.order_by("pk").values_list("pk", flat=True)[0]
    first_incident = Incident.objects.order_by("pk").values_list("pk", flat=True)[0]
    Party.objects.bulk_create(
        (
            Party(incident_id=first_incident + incident, person_id=first_person + person, role=role)
            for incident, person, role in party_rows
        ),
        batch_size=10000,
    )
    counts.sort(reverse=True)
    top = counts[: max(1, len(counts) // 50)]
    return {
        "pairs": pairs,
        "persons": persons,
        "parties": len(party_rows),
        "top2": sum(top) / sum(counts),
        "memory": peak_memory_mb(),
    }


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run() -> None:
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from jss.accounts.models import User
    from jss.incidents.models import Party
    from jss.repeats import engine
    from jss.repeats.models import Flag, Proposal

    def timed(label: str, action):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
        print(
            f"  {label:<44} {elapsed:6.1f} s  raised {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}, expired {result.expired}   (peak RSS {peak_memory_mb():,.0f} MB)"
        )
        return elapsed

    first = timed("evaluate_all, first run (raises every flag)", lambda: engine.evaluate_all(now=NOW))
    by_rule = dict(Flag.objects.filter(state="active").values_list("rule_id").annotate(n=Count("id")))
    print(f"  open flags by rule: {by_rule}")
    timed("evaluate_all, nothing changed", lambda: engine.evaluate_all(now=NOW))

    user = User.objects.create_user(username="bench", password="x")  # noqa: S106 (benchmark user)
    proposed = list(Flag.objects.filter(state="active").order_by("pk").values_list("pk", flat=True)[::50][:500])
    with transaction.atomic():
        Proposal.objects.bulk_create(
            [Proposal(flag_id=pk, proposed_by=user, note="") for pk in proposed], batch_size=1000
        )
        Proposal.objects.update(created_at=NOW - datetime.timedelta(days=200))
        Flag.objects.filter(pk__in=proposed).update(state="proposed")
    timed(
        f"evaluate_all, a day later, {len(proposed)} referrals",
        lambda: engine.evaluate_all(now=NOW + datetime.timedelta(days=1)),
    )

    people = list(Party.objects.filter(role="victim").order_by("pk").values_list("person_id", flat=True)[::5000][:100])
    samples = []
    queries = []
    for person in people:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            engine.evaluate_for_persons([person], now=NOW + datetime.timedelta(days=1))
        samples.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
    print(
        f"  evaluate_for_persons, one person (x{len(people)}): p50 {statistics.median(samples):.1f} ms, "
        f"max {max(samples):.1f} ms, {statistics.median(queries):.0f} queries"
    )
    verdict = "under" if first < 120 else "OVER"
    print(f"first full run {first:.1f} s: {verdict} the 2-minute target")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--sqlite-file", help="SQLite only: build the database in this file instead of in memory")
    args = parser.parse_args()
    from django.db import connection

    if args.sqlite_file and connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = args.sqlite_file
    with throwaway_database():
        started = time.perf_counter()
        shape = build(args.incidents)
        where = args.sqlite_file or ("in memory" if connection.vendor == "sqlite" else connection.settings_dict["NAME"])
        print(
            f"{machine()} ({where})\n{args.incidents:,} incidents, {shape['pairs']:,.0f} victim–suspect pairs, "
            f"{shape['persons']:,.0f} persons, {shape['parties']:,.0f} parties; the top 2% of pairs made "
            f"{shape['top2']:.0%} of the reports (built in {time.perf_counter() - started:.0f} s, "
            f"peak RSS while building {shape['memory']:,.0f} MB)"
        )
        run()


if __name__ == "__main__":
    main()
