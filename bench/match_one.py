"""One new record matched against 1,000,000 persons: the intake suggestions and the import's decision.

    .venv/bin/python bench/match_one.py [--persons 1000000] [--probes 200] [--sqlite-file var/bench-match.sqlite3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/match_one.py

Target (issue 4): "one new record matched against 1,000,000 in under 0.5 s". A new record is matched at
once in two places, and both are timed:

(a) intake: `jss.people.matching.find_candidates`, called as the `suggest_persons` view calls it (threshold
    LINK_THRESHOLD, reporters and witnesses excluded), while the officer types; also without the reporter
    exclusion (a′), the plain function;
(b) import: one `jss.imports.services.PersonMatcher` decision for one person of a row, as an import makes
    it: a new matcher, `load_existing` for the identity, then `find`;
(a*) a sketch of a fix for (a), in this script only (`narrow_first`), to show what it would change.

The data: N persons (synthetic Jeju households from `jss.demo.people`: Jeju surname shares, popular names
of each birth decade, so common names such as 김민준 born the same year occur many times), each stored as
one institution wrote it (spelling, typos, missing birth dates or phones at the generator's rates), with
their encrypted fields and blind indexes computed as the app computes them (`refresh_indexes`,
`EncryptedTextField`), and victims and suspects of incidents (about 3% are only reporters), bulk-created
in batches. Then the probes: half are existing persons typed again with one variation (surname spelled
another way, a one-jamo typo in the given name, birth day and month swapped, the phone in another
format), half new people drawn from the same generator. For each path: wall time p50 / p95 / max of the
first look-up of each probe, the same look-up again (warm), the very first call in the process, queries
per call, and for the variants whether the true person came first (top-1).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import io
import os
import pathlib
import pstats
import random
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from _setup import machine, p95, throwaway_database

try:  # the synthetic people moved from bench/ to jss/demo/; use whichever this checkout has
    from jss.demo import people as synthetic
except ImportError:  # pragma: no cover
    import synthetic_people as synthetic  # type: ignore[no-redef]

from jss.imports.services import PersonMatcher
from jss.incidents.views import LINK_THRESHOLD
from jss.people.matching import Identity, find_candidates

KST = ZoneInfo("Asia/Seoul")
BATCH = 5000  # persons per round of bulk_create
REPORTER_ONLY = 0.03  # persons known only as reporters (never offered at intake)
VARIANTS = ["surname", "typo", "swap", "phone"]
SEED = 2024


@dataclass
class Probe:
    kind: str  # one of VARIANTS, or "new"
    identity: Identity
    truth: str  # the code of the person it is, "" for a new person


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def identity_of_record(record: dict[str, Any]) -> Identity:
    return Identity(
        family_name=record["family_name"],
        given_name=record["given_name"],
        birth_date=record["birth_date"],
        birth_year=record["birth_year"],
        phone=record["phone"],
    )


# --- building the persons -------------------------------------------------------------------------------


def build(total: int, generator: synthetic.Generator) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, float]]:
    """`total` persons, their incidents and parties. Returns a sample of the stored persons (code, record as
    stored) that are victims or suspects, for the variant probes, and the shape of the data."""
    from django.db import transaction

    from jss.incidents.models import Incident, Party
    from jss.institutions.models import Institution
    from jss.people.matching import refresh_indexes
    from jss.people.models import Person
    from jss.regions.models import Region
    from tests.factories import load_jeju

    rng = random.Random(SEED + 1)  # noqa: S311 (benchmark data)
    with transaction.atomic():
        load_jeju()
    regions = dict(Region.objects.values_list("code", "pk"))
    some_unit = next(iter(regions.values()))
    institution = Institution.objects.create(
        key="bench-police",
        name_ko="벤치마크 경찰서",
        category="other",
        region_id=some_unit,
        status="active",
        member_since=datetime.date(2023, 2, 22),
    ).pk
    keep = min(1.0, 6000 / total)  # share of persons kept in memory as probe material
    sample: list[tuple[str, dict[str, Any]]] = []
    start = datetime.datetime(2023, 11, 1, 9, tzinfo=KST).timestamp()
    made = 0
    incidents_made = 0
    parties_made = 0
    pending: list[tuple[Person, dict[str, Any], bool]] = []  # (person, record, only a reporter)
    next_report = 100_000
    began = time.perf_counter()

    def flush() -> None:
        nonlocal incidents_made, parties_made
        with transaction.atomic():
            saved = Person.objects.bulk_create([person for person, _record, _reporter in pending], batch_size=1000)
            incidents: list[Incident] = []
            roles: list[tuple[int, int, str]] = []  # (incident number in this batch, person pk, role)
            actors = [person for person, (_p, _r, reporter) in zip(saved, pending, strict=True) if not reporter]
            reporters = [person for person, (_p, _r, reporter) in zip(saved, pending, strict=True) if reporter]
            for pair in range(0, len(actors) - 1, 2):
                victim, suspect = actors[pair], actors[pair + 1]
                draw = rng.random()
                count = 1 if draw < 0.8 else 2 if draw < 0.92 else rng.randint(3, 5)
                for _ in range(count):
                    reported = datetime.datetime.fromtimestamp(start + rng.random() * 3 * 365 * 86_400, tz=KST)
                    roles.append((len(incidents), victim.pk, "victim"))
                    roles.append((len(incidents), suspect.pk, "suspect"))
                    if reporters and rng.random() < 0.15:
                        roles.append((len(incidents), reporters.pop().pk, "reporter"))
                    incidents.append(
                        Incident(
                            code=f"I-{incidents_made + len(incidents):08d}",
                            domain="domestic_violence",
                            occurred_at=reported - datetime.timedelta(minutes=20),
                            reported_at=reported,
                            source="112",
                            reporting_institution_id=institution,
                            region_id=victim.region_id,
                        )
                    )
            if len(actors) % 2:  # the odd one out: a victim whose suspect is unknown
                roles.append((len(incidents), actors[-1].pk, "victim"))
                incidents.append(
                    Incident(
                        code=f"I-{incidents_made + len(incidents):08d}",
                        domain="domestic_violence",
                        occurred_at=datetime.datetime.fromtimestamp(start, tz=KST),
                        reported_at=datetime.datetime.fromtimestamp(start, tz=KST),
                        source="112",
                        reporting_institution_id=institution,
                    )
                )
            for reporter in reporters:  # the rest report an incident of their own
                roles.append((len(incidents) - 1, reporter.pk, "reporter"))
            created = Incident.objects.bulk_create(incidents, batch_size=1000)
            Party.objects.bulk_create(
                [Party(incident_id=created[number].pk, person_id=pk, role=role) for number, pk, role in roles],
                batch_size=2000,
            )
            incidents_made += len(incidents)
            parties_made += len(roles)
        pending.clear()

    while made < total:
        for truth in generator.household():
            if made >= total:
                break
            record = generator.record(truth, moved_to=None)
            person = Person(
                code=f"P-{made:08d}",
                family_name=record["family_name"].strip(),
                given_name=record["given_name"].strip(),
                birth_date=record["birth_date"],
                birth_year=record["birth_year"],
                phone=record["phone"],
                address_detail=record["address_detail"],
                sex=record["sex"],
                region_id=regions.get(record["region_code"]),
                recorded_by_id=institution,
            )
            refresh_indexes(person)
            reporter = rng.random() < REPORTER_ONLY
            pending.append((person, record, reporter))
            if not reporter and rng.random() < keep:
                sample.append((person.code, record))
            made += 1
            if len(pending) >= BATCH:
                flush()
        if made >= next_report:
            print(f"  … {made:,} persons ({time.perf_counter() - began:.0f} s)", flush=True)
            next_report += 100_000
    if pending:
        flush()
    return sample, {"incidents": incidents_made, "parties": parties_made, "memory": peak_memory_mb()}


# --- the probes -----------------------------------------------------------------------------------------


def phone_in_another_format(phone: str, rng: random.Random) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("82"):
        digits = "0" + digits[2:]
    styles = [
        f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
        digits,
        f"{digits[:3]} {digits[3:7]} {digits[7:]}",
        f"+82-10-{digits[3:7]}-{digits[7:]}",
        f"+82 10 {digits[3:7]} {digits[7:]}",
    ]
    return rng.choice([style for style in styles if style != phone])


def variant(kind: str, record: dict[str, Any], rng: random.Random) -> Identity | None:
    """The stored record typed again with one variation, or None when the record cannot vary that way."""
    from jss.lib.hangul import canonical_surname

    identity = identity_of_record(record)
    if kind == "surname":
        spellings = [
            spelling
            for spelling, _share in synthetic.SURNAME_SPELLINGS.get(canonical_surname(identity.family_name), [])
        ]
        spellings = [s for s in [canonical_surname(identity.family_name), *spellings] if s != identity.family_name]
        if not identity.family_name or not spellings:
            return None
        return Identity(**{**identity.__dict__, "family_name": rng.choice(spellings)})
    if kind == "typo":
        typed = synthetic._jamo_typo(identity.given_name, rng)
        return None if typed == identity.given_name else Identity(**{**identity.__dict__, "given_name": typed})
    if kind == "swap":
        swapped = synthetic._swap_day_month(identity.birth_date) if identity.birth_date else None
        return Identity(**{**identity.__dict__, "birth_date": swapped}) if swapped else None
    if kind == "phone":
        if not identity.phone:
            return None
        return Identity(**{**identity.__dict__, "phone": phone_in_another_format(identity.phone, rng)})
    raise ValueError(kind)


def make_probes(count: int, sample: list[tuple[str, dict[str, Any]]], generator: synthetic.Generator) -> list[Probe]:
    from jss.people.matching import enough_to_search

    rng = random.Random(SEED + 2)  # noqa: S311 (benchmark data)
    rng.shuffle(sample)
    probes: list[Probe] = []
    per_kind = count // 2 // len(VARIANTS)
    for kind in VARIANTS:
        made = 0
        for code, record in sample:
            if made == per_kind:
                break
            identity = variant(kind, record, rng)
            if identity is not None and enough_to_search(identity):
                probes.append(Probe(kind, identity, code))
                made += 1
    # New people: more households from the same generator, never stored.
    while len(probes) < count:
        for truth in generator.household():
            identity = identity_of_record(generator.record(truth, moved_to=None))
            if len(probes) < count and enough_to_search(identity):
                probes.append(Probe("new", identity, ""))
    rng.shuffle(probes)
    return probes


# --- measuring ------------------------------------------------------------------------------------------


@dataclass
class Path:
    label: str
    call: Callable[[Identity], list[str]]  # the codes offered (find_candidates) or chosen (PersonMatcher)
    first_call: float = 0.0
    times: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    results: list[list[str]] = field(default_factory=list)


def intake(identity: Identity) -> list[str]:
    candidates = find_candidates(identity, threshold=LINK_THRESHOLD, exclude_only_reporters=True)
    return [candidate.person.code for candidate in candidates]


def intake_plain(identity: Identity) -> list[str]:
    return [candidate.person.code for candidate in find_candidates(identity, threshold=LINK_THRESHOLD)]


def narrow_first(identity: Identity) -> list[str]:
    """A sketch of a fix, in this benchmark only (not the app's code): the look-ups from the narrowest to the
    broadest, each its own query, so a crowded block (김민준: 4,000 persons at 1,000,000) cannot push a
    person with the same phone or birth date out of the pool; a crowded given name only with the birth year;
    the reporter exclusion as EXISTS instead of a join and DISTINCT over every column."""
    from django.db.models import Exists, OuterRef, Q

    from jss.incidents.models import Party
    from jss.people.matching import MAX_CANDIDATES, indexes, score
    from jss.people.models import Person

    keys = indexes(identity)
    name, given, surname_year = keys["name_index"], keys["given_name_index"], keys["surname_year_index"]
    year = identity.year
    wanted = [
        (keys["identifier_index"], Q(identifier_index=keys["identifier_index"])),
        (keys["phone_index"], Q(phone_index=keys["phone_index"])),
        (name and surname_year, Q(name_index=name, surname_year_index=surname_year)),  # same full name and year
        (identity.birth_date, Q(birth_date=identity.birth_date)),
        (given and year, Q(given_name_index=given, birth_date__year=year)),  # surname written otherwise
        (name, Q(name_index=name)),  # birth year mistyped or missing: capped, oldest first
        (surname_year, Q(surname_year_index=surname_year)),  # given name mistyped, no birth date: capped
    ]
    people = (
        Person.objects.filter(merged_into__isnull=True)
        .filter(Exists(Party.objects.filter(person=OuterRef("pk"), role__in=["victim", "suspect"])))
        .select_related("region")
    )
    pool: dict[int, Person] = {}
    for present, lookup in wanted:
        if not present:
            continue
        if len(pool) >= MAX_CANDIDATES:
            break
        for person in people.filter(lookup).exclude(pk__in=list(pool)).order_by("pk")[: MAX_CANDIDATES - len(pool)]:
            pool[person.pk] = person
    scored = sorted((score(identity, person) for person in pool.values()), key=lambda c: -c.score)
    return [candidate.person.code for candidate in scored if candidate.score >= LINK_THRESHOLD][:5]


def import_decision(identity: Identity) -> list[str]:
    matcher = PersonMatcher()
    matcher.load_existing([identity])
    person = matcher.find(identity)
    return [person.code] if person is not None else []


def measure(paths: list[Path], probes: list[Probe]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gc.collect()
    for path in paths:  # the first call of each path in this process, on a new database connection
        if not getattr(connection, "is_in_memory_db", lambda: False)():  # closing would drop an in-memory database
            connection.close()
        started = time.perf_counter()
        path.call(probes[0].identity)
        path.first_call = time.perf_counter() - started
    for probe in probes[1:]:
        for path in paths:
            started = time.perf_counter()
            path.results.append(path.call(probe.identity))
            path.times.append(time.perf_counter() - started)
            started = time.perf_counter()
            path.call(probe.identity)
            path.warm.append(time.perf_counter() - started)
    for probe in probes[1:]:
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                path.call(probe.identity)
            path.queries.append(len(captured))


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.0995 else f"{seconds * 1000:.1f} ms"


def report(paths: list[Path], probes: list[Probe]) -> None:
    print(
        f"\n{'path':<46} {'first call':>10} {'p50':>9} {'p95':>9} {'max':>9} {'warm p50':>9} {'queries':>8} "
        f"{'top-1':>7} {'offered':>8} {'new: any':>9}"
    )
    measured = probes[1:]
    for path in paths:
        variants = [(probe, result) for probe, result in zip(measured, path.results, strict=True) if probe.truth]
        top1 = sum(bool(result) and result[0] == probe.truth for probe, result in variants)
        offered = sum(probe.truth in result for probe, result in variants)
        new = [result for probe, result in zip(measured, path.results, strict=True) if not probe.truth]
        print(
            f"{path.label:<46} {milliseconds(path.first_call):>10} {milliseconds(statistics.median(path.times)):>9} "
            f"{milliseconds(p95(path.times)):>9} {milliseconds(max(path.times)):>9} "
            f"{milliseconds(statistics.median(path.warm)):>9} "
            f"{min(path.queries)}–{max(path.queries):<5} {top1 / len(variants):>7.0%} {offered / len(variants):>8.0%} "
            f"{sum(bool(result) for result in new) / len(new):>9.0%}"
        )
    print("\ntop-1 by kind of variation (true person first / offered at all):")
    for kind in VARIANTS:
        cells = []
        for path in paths:
            pairs = [
                (probe, result) for probe, result in zip(measured, path.results, strict=True) if probe.kind == kind
            ]
            first = sum(bool(result) and result[0] == probe.truth for probe, result in pairs)
            anywhere = sum(probe.truth in result for probe, result in pairs)
            cells.append(f"{path.label.split(' ')[0]} {first}/{anywhere}/{len(pairs)}")
        print(f"  {kind:<8} " + "   ".join(cells))


def crowding(probes: list[Probe]) -> None:
    """How many persons share each key of the probes (the blocks the look-ups read)."""
    from django.db.models import Count

    from jss.people.matching import indexes
    from jss.people.models import Person

    sizes: dict[str, list[float]] = {}
    for probe in probes[:80]:
        keys = indexes(probe.identity)
        for name in ("name_index", "given_name_index", "surname_year_index", "phone_index"):
            if keys[name]:
                sizes.setdefault(name, []).append(Person.objects.filter(**{name: keys[name]}).count())
        if probe.identity.birth_date:
            sizes.setdefault("birth_date", []).append(
                Person.objects.filter(birth_date=probe.identity.birth_date).count()
            )
    print("\nblock sizes of the probes' keys (persons sharing the key): median / p95 / max")
    for name, values in sizes.items():
        print(f"  {name:<20} {statistics.median(values):>7,.0f} {p95(values):>7,.0f} {max(values):>7,}")
    for name in ("name_index", "given_name_index", "surname_year_index"):
        top = Person.objects.exclude(**{name: ""}).values(name).annotate(n=Count("id")).order_by("-n").first() or {
            "n": 0
        }
        print(f"  largest {name} block in the table: {top['n']:,}")


def misses(probes: list[Probe], paths: list[Path]) -> None:
    """Why a variant's true person was not offered first: cut from the pool, or outscored."""
    from django.db.models import Q

    from jss.imports.services import REUSE_SCORE
    from jss.lib.hangul import canonical_surname, jamo_similarity
    from jss.people.matching import MAX_CANDIDATES, indexes, phone_digits, score

    strong_indexes = ["identifier_index", "phone_index", "name_index"]  # the look-up before narrow-first
    from jss.people.models import Person

    measured = probes[1:]
    print("\nvariants whose true person was not offered first:")
    intake_path, import_path = paths[0], paths[2]
    for probe, result in zip(measured, intake_path.results, strict=True):
        if not probe.truth or (result and result[0] == probe.truth):
            continue
        keys = indexes(probe.identity)
        strong = Q()
        for name in strong_indexes:
            if keys[name]:
                strong |= Q(**{name: keys[name]})
        truth = Person.objects.get(code=probe.truth)
        people = Person.objects.filter(merged_into__isnull=True)
        block = people.filter(strong).count() if strong else 0
        ahead = people.filter(strong, pk__lt=truth.pk).count() if strong else 0
        in_strong = bool(strong) and people.filter(strong, pk=truth.pk).exists()
        if in_strong:
            where = f"strong block of {block:,}, {ahead:,} persons before it by pk"
            where += " → cut from the pool" if ahead >= MAX_CANDIDATES else " → in the pool"
        else:
            where = f"not in the strong block ({block:,}); weak look-up takes the first {MAX_CANDIDATES - block} by pk"
        first = Person.objects.get(code=result[0]) if result else None
        offered = "nothing offered; "
        if first:
            same = [
                label
                for label, alike in (
                    ("surname", canonical_surname(first.family_name) == canonical_surname(truth.family_name)),
                    ("birth date", first.birth_date is not None and first.birth_date == truth.birth_date),
                    ("phone", bool(first.phone) and phone_digits(first.phone) == phone_digits(truth.phone)),
                )
                if alike
            ]
            offered = (
                f"offered first: score {score(probe.identity, first).score:.2f} (given names "
                f"{jamo_similarity(first.given_name, truth.given_name):.2f} alike; same {', '.join(same) or '-'}); "
            )
        print(f"  (a) {probe.kind:<8} true person's score {score(probe.identity, truth).score:.2f}; {offered}{where}")
    reasons: dict[str, int] = {}
    for probe, result in zip(measured, import_path.results, strict=True):
        if not probe.truth or (result and result[0] == probe.truth):
            continue
        truth = Person.objects.get(code=probe.truth)
        shared = (
            phone_digits(probe.identity.phone) and phone_digits(probe.identity.phone) == phone_digits(truth.phone)
        ) or (probe.identity.birth_date is not None and probe.identity.birth_date == truth.birth_date)
        points = score(probe.identity, truth).score
        reason = (
            "no phone or registration number shared: not a candidate"
            if not (probe.identity.phone and truth.phone)
            else f"score under {REUSE_SCORE}"
            if points < REUSE_SCORE
            else "birth date or phone not shared"
            if not shared
            else "another person chosen"
        )
        reasons[f"{probe.kind}: {reason}"] = reasons.get(f"{probe.kind}: {reason}", 0) + 1
    for reason, count in sorted(reasons.items()):
        print(f"  (b) {reason}: {count}")


def explain(probes: list[Probe], paths: list[Path]) -> None:
    """The queries of the slowest intake look-up, with their times and plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = paths[0]
    slowest = max(range(len(path.warm)), key=lambda n: min(path.times[n], path.warm[n]))  # the lesser: no spikes
    probe = probes[1:][slowest]
    print(
        f"\nslowest {path.label}, the lesser of its two runs (warm {milliseconds(path.warm[slowest])}; first time "
        f"{milliseconds(path.times[slowest])}; a '{probe.kind}' probe):"
    )
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        path.call(probe.identity)
        total = time.perf_counter() - started
    in_database = sum(float(query["time"]) for query in captured.captured_queries)
    print(f"  again now: {milliseconds(total)}, {len(captured)} queries, executing them {milliseconds(in_database)}")
    profile = cProfile.Profile()
    profile.runcall(path.call, probe.identity)
    print("  where the time goes (cProfile, a third run; the profiler adds its own cost):")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(10)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(n for n, line in enumerate(lines) if "ncalls" in line)
    for line in lines[start : start + 11]:
        print("    " + line[:150])
    for query in captured.captured_queries:
        sql = query["sql"]
        print(f"  {float(query['time']) * 1000:8.1f} ms  {sql[:160]}…")
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            for row in cursor.fetchall():
                print("      " + " | ".join(str(cell) for cell in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=200, help="new records to match (half variants, half new)")
    parser.add_argument("--sqlite-file", help="SQLite only: build the database in this file instead of in memory")
    parser.add_argument("--no-explain", action="store_true", help="skip the plans of the slowest look-up")
    args = parser.parse_args()
    from django.db import connection

    if args.sqlite_file and connection.vendor == "sqlite":
        pathlib.Path(args.sqlite_file).parent.mkdir(parents=True, exist_ok=True)
        connection.settings_dict.setdefault("TEST", {})["NAME"] = args.sqlite_file
    where = args.sqlite_file or ("in memory" if connection.vendor == "sqlite" else "")
    with throwaway_database():
        generator = synthetic.Generator(SEED)
        started = time.perf_counter()
        sample, shape = build(args.persons, generator)
        built = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a load; plans need statistics
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"{machine()} ({where or connection.settings_dict['NAME']})\n"
            f"{args.persons:,} persons, {shape['incidents']:,.0f} incidents, {shape['parties']:,.0f} parties: "
            f"built in {built:.0f} s ({built / args.persons * 1e6:.0f} µs a person), "
            f"analysed in {time.perf_counter() - started - built:.0f} s, peak RSS {shape['memory']:,.0f} MB"
        )
        probes = make_probes(args.probes, sample, generator)
        kinds = {kind: sum(probe.kind == kind for probe in probes) for kind in [*VARIANTS, "new"]}
        print(f"probes: {kinds}; load average before measuring: {os.getloadavg()[0]:.2f}")
        paths = [
            Path("(a) find_candidates, as suggest_persons", intake),
            Path("(a′) find_candidates, no reporter exclusion", intake_plain),
            Path("(b) PersonMatcher, one person of a row", import_decision),
            Path("(a*) sketch of a fix: narrowest look-ups first", narrow_first),
        ]
        measure(paths, probes)
        load = os.getloadavg()
        report(paths, probes)
        print(f"load average after measuring: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        crowding(probes)
        misses(probes, paths)
        if not args.no_explain:
            explain(probes, paths)
        worst = max(p95(path.times) for path in paths if path.label.startswith(("(a)", "(b)")))
        verdict = "under" if worst < 0.5 else "OVER"
        print(f"\nslowest p95 of (a) and (b): {milliseconds(worst)}: {verdict} the 0.5 s target")


if __name__ == "__main__":
    main()
