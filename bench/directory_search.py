"""Directory search at scale: 1,000 institutions and 5,000 services; server-side time per search request.

    .venv/bin/python bench/directory_search.py [--institutions 1000] [--rounds 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/directory_search.py

Target (issue 3): p95 under 50 ms. Prints the p50/p95 per query and overall.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time

from _setup import machine, p95, throwaway_database

FREEZE = False
QUERIES = [
    {"q": "가정폭력 상담"},
    {"q": "아동"},
    {"q": "통역"},
    {"q": "쉼터", "target": "women"},
    {"target": "elderly", "region": "5013000000"},
    {"service_type": "legal_aid"},
    {"always_open": "on"},
    {"open_now": "on", "q": "상담"},
    {"language": "vi"},
    {"q": "없는검색어"},
    {},
]


def build(institutions: int) -> None:
    from django.db import transaction

    from jss.directory.models import OpeningHours, Phone, Service, TaxonomyTerm
    from jss.directory.search import search_text
    from jss.directory.services import load_taxonomy
    from jss.institutions.models import Institution
    from jss.regions.models import Region
    from tests.factories import load_jeju

    rng = random.Random(2023)  # noqa: S311 (benchmark data)
    with transaction.atomic():
        load_jeju()
        load_taxonomy()
    units = list(Region.objects.filter(level__in=["eup", "myeon", "dong"]))
    areas = list(Region.objects.filter(level__in=["province", "city"]))
    targets = list(TaxonomyTerm.objects.filter(vocabulary="target"))
    types = list(TaxonomyTerm.objects.filter(vocabulary="service_type"))
    languages = list(TaxonomyTerm.objects.filter(vocabulary="language"))
    categories = [c for c in Institution.Category.values if c != "police_station"]
    words = ["가정폭력", "상담", "아동보호", "노인학대", "법률", "통역", "쉼터", "의료", "심리치료", "사례관리", "교육"]
    Institution.objects.bulk_create(
        Institution(
            key=f"bench-{n}",
            name_ko=f"{rng.choice(units).name_ko} {rng.choice(words)}센터 {n}",
            category=rng.choice(categories),
            region=rng.choice(units),
            status="active",
            member_since=datetime.date(2023, 2, 22),
        )
        for n in range(institutions)
    )
    members = list(Institution.objects.select_related("region"))
    services = []
    for institution in members:
        for n in range(5):
            name = f"{rng.choice(words)} {rng.choice(words)} 지원 {n}"
            services.append(
                Service(
                    institution=institution,
                    name_ko=name,
                    description_ko=f"{institution.name_ko}의 {name} 서비스",
                    service_area=rng.choice(areas),
                    always_open=rng.random() < 0.1,
                    search_text=search_text([institution.name_ko, institution.region.name_ko, name]),
                )
            )
    Service.objects.bulk_create(services, batch_size=1000)
    through = [
        (Service.targets.through, "taxonomyterm_id", targets, 2),
        (Service.types.through, "taxonomyterm_id", types, 2),
        (Service.languages.through, "taxonomyterm_id", languages, 2),
    ]
    saved = list(Service.objects.values_list("pk", flat=True))
    for model, column, terms, count in through:
        model.objects.bulk_create(
            [model(service_id=pk, **{column: term.pk}) for pk in saved for term in rng.sample(terms, count)],
            batch_size=2000,
        )
    OpeningHours.objects.bulk_create(
        [
            OpeningHours(service_id=pk, weekday=d, opens_at=datetime.time(9), closes_at=datetime.time(18))
            for pk in saved
            for d in range(5)
        ],
        batch_size=5000,
    )
    Phone.objects.bulk_create([Phone(institution=i, number="064-000-0000") for i in members])


def run(rounds: int) -> None:
    import gc

    from django.test import Client

    client = Client()
    client.get("/directory/")  # warm up: templates compiled, translations loaded
    if FREEZE:
        # As a warmed-up web worker does (docs/operations.md): what start-up created is never scanned again,
        # so full garbage collections stay short.
        gc.collect()
        gc.freeze()
    everything: list[float] = []
    for query in QUERIES:
        samples = []
        for _round in range(rounds):
            started = time.perf_counter()
            response = client.get("/directory/", query, headers={"HX-Request": "true"})
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        everything += samples
        print(f"  {query!s:<55} p50 {statistics.median(samples):6.1f} ms  p95 {p95(samples):6.1f} ms")
    print(f"  all {len(everything)} requests: p50 {statistics.median(everything):.1f} ms, p95 {p95(everything):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--institutions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--gc-freeze", action="store_true", help="gc.freeze() before measuring")
    args = parser.parse_args()
    global FREEZE
    FREEZE = args.gc_freeze
    with throwaway_database():
        started = time.perf_counter()
        build(args.institutions)
        print(
            f"{machine()}\n{args.institutions} institutions, {args.institutions * 5} services "
            f"(built in {time.perf_counter() - started:.1f} s); search requests (htmx fragment, server side):"
        )
        run(args.rounds)


if __name__ == "__main__":
    main()
