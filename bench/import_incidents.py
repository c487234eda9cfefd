"""Spreadsheet import at scale: 100,000 CSV rows read, validated and imported in one transaction.

    .venv/bin/python bench/import_incidents.py [--rows 100000] [--each-sample 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/import_incidents.py

Target (issue 4): 100,000 rows in under 2 minutes on SQLite and on PostgreSQL. The rows are fictional and
written the way Korean Excel writes them (CP949 CSV, mixed date and phone formats); about 60% of the
victims report once and a few report many times, with the same suspect, so persons are re-used; 1% of
the rows are bad. Prints the time to read, to preview (validation and the look-up of references already
recorded), to import (validation again, persons matched and saved in bulk), and to import the same file
again (nothing changes). `--each-sample N` also times N rows saved one by one through record_incident,
the path the web page takes for small files, to show why large files are saved in bulk.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import time

from _setup import machine, throwaway_database

from jss.imports.columns import BY_KEY

SURNAMES = "김이박최정강조윤장임고양부현좌문오한신송"
SYLLABLES = "민서지현준우하은수영도윤예진태성주연동희경혜나래빈유선아"
DOMAINS = ["가정폭력"] * 60 + ["아동학대"] * 12 + ["노인학대"] * 5 + ["장애인학대"] * 2 + ["학교폭력"] * 6 + [
    "성폭력"] * 4 + ["스토킹"] * 6 + ["교제폭력"] * 5  # fmt: skip
REGIONS = ["일도2동", "이도2동", "노형동", "연동", "아라동", "화북동", "삼양동", "애월읍", "한림읍", "조천읍",
           "구좌읍", "외도동", "동홍동", "대정읍", "성산읍", "남원읍", "서귀포시 중앙동", "5011066000"]  # fmt: skip
RELATIONSHIPS = ["배우자", "배우자", "전 배우자", "연인", "아버지", "어머니", "아들", "형제자매", "친구/동급생", "지인"]
MEASURES = ["현장종결", "응급조치", "응급조치, 입건", "긴급임시조치, 입건", "임시조치", "기관연계", ""]
KEYS = ["source_reference", "reported_at", "occurred_at", "domain", "source", "region", "victim_name", "victim_birth",
        "victim_sex", "victim_phone", "suspect_name", "suspect_birth", "suspect_sex", "suspect_phone", "relationship",
        "injury", "weapon", "strangulation", "threat_to_kill", "alcohol", "children_present", "police_measures",
        "narrative"]  # fmt: skip


def person(rng: random.Random, number: int) -> dict[str, str]:
    year = rng.randint(1940, 2015)
    return {
        "name": rng.choice(SURNAMES) + rng.choice(SYLLABLES) + rng.choice(SYLLABLES),
        "birth": f"{year}.{rng.randint(1, 12):02d}.{rng.randint(1, 28):02d}" if rng.random() < 0.8 else str(year),
        "sex": rng.choice("남여"),
        "phone": f"010-{number // 10000:04d}-{number % 10000:04d}" if rng.random() < 0.85 else "",
    }


def phone_as_written(rng: random.Random, phone: str) -> str:
    if not phone:
        return ""
    return rng.choice([phone, phone.replace("-", ""), phone.replace("-", " ")])


def generate(rows: int, *, seed: int = 2026) -> bytes:
    import datetime

    rng = random.Random(seed)  # noqa: S311 (benchmark data)
    pairs = [(person(rng, 2 * n), person(rng, 2 * n + 1), rng.choice(RELATIONSHIPS)) for n in range(int(rows * 0.6))]
    start = datetime.datetime(2023, 12, 1)  # noqa: DTZ001 (local times as a spreadsheet writes them)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([BY_KEY[key].header for key in KEYS])
    for n in range(rows):
        # Most pairs once, some many times: the lower indexes are drawn far more often.
        repeated = min(int(rng.paretovariate(1.2)) - 1, len(pairs) - 1)
        victim, suspect, relationship = pairs[repeated if rng.random() < 0.4 else rng.randrange(len(pairs))]
        reported = start + datetime.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60 - 30 * 24 * 60))
        occurred = reported - datetime.timedelta(minutes=rng.randrange(5, 600))
        twelve_hour = f"{'오후' if reported.hour >= 12 else '오전'} {(reported.hour - 1) % 12 + 1}:{reported:%M}"
        reported_text = rng.choice(
            [f"{reported:%Y.%m.%d %H:%M}", f"{reported:%Y-%m-%d %H:%M:%S}", f"{reported:%Y-%m-%d} {twelve_hour}"]
        )
        if rng.random() < 0.01:
            reported_text = "2026.02.30 10:00"  # a bad row
        writer.writerow(
            [
                f"112-{n:07d}",
                reported_text,
                f"{occurred:%Y.%m.%d %H:%M}",
                rng.choice(DOMAINS),
                "112",
                rng.choice(REGIONS),
                *(victim[key] for key in ("name", "birth", "sex")),
                phone_as_written(rng, victim["phone"]),
                *(suspect[key] for key in ("name", "birth", "sex")),
                phone_as_written(rng, suspect["phone"]),
                relationship,
                *(
                    rng.choice(choices)
                    for choices in ("YNNN", "YNNNNNNNNN", "YNNNNNNNNNNNNNN", "YNNNNNNNNN", "YN", "YNN")
                ),
                rng.choice(MEASURES),
                "(가상) 벤치마크용 사례 내용",
            ]
        )
    return buffer.getvalue().encode("cp949")


def run(rows: int, each_sample: int) -> None:
    from django.db import connection, transaction

    from jss.imports import services
    from jss.imports.reader import read_table
    from jss.incidents.models import Incident, Party
    from jss.people.models import Person
    from tests.factories import Role, load_jeju, make_institution, make_member

    if connection.vendor == "postgresql":
        # Its own database: a test run on the same server uses test_<name>, which must not be clobbered.
        connection.settings_dict.setdefault("TEST", {})["NAME"] = "jss_bench_import_incidents"
    data = generate(rows)
    print(f"{machine()}; {rows:,} rows, {len(data) / 1e6:.1f} MB CP949 CSV")
    with throwaway_database():
        with transaction.atomic():
            load_jeju()
        station = make_institution(
            "bench-police",
            "벤치경찰서",
            category="police_station",
            region_code="5011052000",
            station_code="jeju-dongbu",
        )
        officer = make_member("bench-officer", "벤치", station, Role.PRACTITIONER)

        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        table = read_table(data)
        read = time.perf_counter() - started
        started = time.perf_counter()
        preview = services.preview_table(table, institution=station, source_default="112")
        previewed = time.perf_counter() - started
        print(f"read {read:.1f} s; preview (validation + references) {previewed:.1f} s: "
              f"{len(preview.to_create):,} to create, {preview.rows_with_problems:,} rows with problems")  # fmt: skip

        del preview  # the import validates again; do not count this copy in the peak memory
        started, cpu = time.perf_counter(), time.process_time()
        result = services.import_rows(table, institution=station, actor=officer, source_default="112")
        imported, imported_cpu = time.perf_counter() - started, time.process_time() - cpu
        persons = Person.objects.count()
        print(
            f"import {imported:.1f} s (CPU of this process {imported_cpu:.1f} s): {result.created:,} created, "
            f"{result.skipped_rows:,} not imported; {persons:,} persons, {Party.objects.count():,} parties"
        )
        print(f"total read + import: {read + imported:.1f} s (target < 120 s); load average before and after: "
              f"{load_before:.1f}, {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip

        started = time.perf_counter()
        again = services.import_rows(read_table(data), institution=station, actor=officer, source_default="112")
        print(f"re-import of the same file {time.perf_counter() - started:.1f} s: {again.created} created, "
              f"{again.unchanged:,} unchanged; {Incident.objects.count():,} incidents, "
              f"{Person.objects.count() - persons} new persons")  # fmt: skip

        if each_sample:
            sample = generate(each_sample, seed=7).replace(b"112-", b"EACH-")
            started = time.perf_counter()
            small = services.import_rows(
                read_table(sample), institution=station, actor=officer, source_default="112", bulk=False
            )
            each = time.perf_counter() - started
            per_row = each / max(small.created, 1)
            print(
                f"row by row (record_incident), {small.created:,} rows into this database: {each:.1f} s, "
                f"{per_row * 1000:.1f} ms a row → about {per_row * rows / 60:.0f} min for {rows:,} rows"
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory {peak:.0f} MB; database {connection.vendor}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--each-sample", type=int, default=1000, help="rows to time one by one (0: skip)")
    arguments = parser.parse_args()
    run(arguments.rows, arguments.each_sample)
