"""Benchmark: how long the directory booklet (jss.directory.booklet.render_booklet) takes to render.

Not a test. Builds a throwaway test database with N institutions × M services, renders the booklet and
prints the timings. Targets (issue 3): Jeju's network (71 institutions, ~150 services) under 5 s;
1,000 institutions with 5,000 services under 60 s. Runs on SQLite, or on PostgreSQL when DATABASE_URL
points there:

    .venv/bin/python bench/booklet.py                       # 71 × 2 and 1,000 × 5
    .venv/bin/python bench/booklet.py --institutions 300 --services-each 5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/booklet.py
    .venv/bin/python bench/booklet.py --institutions 71 --services-each 2 --save /tmp/booklet.pdf
    JSS_BOOKLET_WORKERS=1 .venv/bin/python bench/booklet.py    # all in this process

Each line gives the wall time, the CPU time of this process and the booklet's worker processes, and the load
average (1 minute) when the booklet was started: on a shared machine, the wall time means little above a load
of about 0.5. The worker processes are started with "spawn" and so import this script again (about 0.7 s of
CPU each that a web process does not pay).

The data is made with bulk_create (not the directory services, which write an audit row per change and
would make building 5,000 services the slow part); it is deterministic.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import io
import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django
import pikepdf

django.setup()
for name in ("weasyprint", "fontTools"):  # their INFO lines would drown the figures
    logging.getLogger(name).setLevel(logging.WARNING)

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from jss.directory.booklet import booklet_content, render_booklet  # noqa: E402
from jss.directory.models import Location, OpeningHours, Phone, Service, TaxonomyTerm  # noqa: E402
from jss.directory.queries import Criteria  # noqa: E402
from jss.directory.search import search_text  # noqa: E402
from jss.directory.services import load_taxonomy  # noqa: E402
from jss.institutions.models import Institution  # noqa: E402
from jss.regions.models import Region  # noqa: E402
from tests.factories import load_jeju  # noqa: E402

TODAY = datetime.date(2025, 5, 1)
KINDS = [
    ("상담소", Institution.Category.WOMENS_COUNSELLING), ("보호전문기관", Institution.Category.CHILD_PROTECTION),
    ("노인보호전문기관", Institution.Category.ELDER_PROTECTION), ("가족센터", Institution.Category.FAMILY_CENTRE),
    ("정신건강복지센터", Institution.Category.MENTAL_HEALTH), ("쉼터", Institution.Category.SHELTER),
    ("종합사회복지관", Institution.Category.SOCIAL_WELFARE), ("이주민지원센터", Institution.Category.MIGRANT_SUPPORT),
]  # fmt: skip
SERVICES = [
    ("위기 상담", "전화·방문 상담으로 피해 상황을 듣고 필요한 지원을 함께 정합니다. 야간에는 긴급전화로 연결합니다."),
    ("긴급 보호", "위험에서 벗어나야 하는 분을 안전한 곳에 일시 보호하고 숙식과 생활용품을 제공합니다."),
    ("법률 지원 연계", "고소·보호명령 신청 절차를 안내하고 무료 법률구조 기관과 변호사를 연계합니다."),
    ("심리 치료", "전문 상담사가 개인·집단 심리 치료를 제공합니다. 가족도 함께 참여할 수 있습니다."),
    ("사례관리", "필요한 서비스를 묶어 계획을 세우고 기관들과 함께 꾸준히 살핍니다."),
]


def build(institutions: int, services_each: int) -> None:
    """`institutions` × `services_each` services, deterministic, instead of any there were."""
    Institution.objects.all().delete()
    locals_ = list(Region.objects.filter(level__in=["eup", "myeon", "dong"]).order_by("code"))
    cities = list(Region.objects.filter(level="city").order_by("code"))
    targets = list(TaxonomyTerm.objects.filter(vocabulary="target").order_by("position"))
    types = list(TaxonomyTerm.objects.filter(vocabulary="service_type").order_by("position"))
    languages = list(TaxonomyTerm.objects.filter(vocabulary="language").order_by("position"))
    with translation.override("en"):
        english = {category: str(category.label) for _kind, category in KINDS}
    made = Institution.objects.bulk_create(
        [
            Institution(
                key=f"bench-{n}",
                name_ko=f"{locals_[n % len(locals_)].name_ko} {KINDS[n % len(KINDS)][0]} {n + 1}",
                name_en=f"{locals_[n % len(locals_)].name_en} {english[KINDS[n % len(KINDS)][1]]} {n + 1}",
                category=KINDS[n % len(KINDS)][1],
                region=locals_[n % len(locals_)],
                email=f"bench-{n}@example.kr",
                website=f"https://bench-{n}.example.kr",
                status=Institution.Status.ACTIVE,
                member_since=datetime.date(2023, 2, 22),
                is_sample=True,
            )
            for n in range(institutions)
        ]
    )
    Location.objects.bulk_create(
        Location(institution=institution, region=institution.region, postal_code=f"63{n % 1000:03d}",
                 address_ko=f"제주특별자치도 {institution.region.name_ko} 중앙로 {n + 1}길 {n % 50 + 1}",
                 is_confidential=KINDS[n % len(KINDS)][1] == Institution.Category.SHELTER)
        for n, institution in enumerate(made)
    )  # fmt: skip
    phones = []
    for n, institution in enumerate(made):
        phones.append(Phone(institution=institution, number=f"064-7{n % 100:02d}-{1000 + n:04d}", kind=Phone.Kind.MAIN))
        phones.append(Phone(institution=institution, number=f"064-7{n % 100:02d}-{5000 + n:04d}", kind=Phone.Kind.FAX))
        if n % 3 == 0:
            phones.append(Phone(institution=institution, number="1366", kind=Phone.Kind.HOTLINE))
    Phone.objects.bulk_create(phones)
    services = Service.objects.bulk_create(
        Service(
            institution=institution, name_ko=SERVICES[s % len(SERVICES)][0], name_en=f"Service {s + 1}",
            description_ko=SERVICES[s % len(SERVICES)][1], eligibility_ko="제주에 살거나 제주에서 피해를 입은 분",
            how_to_apply_ko="대표전화로 연락하거나 경찰·학교·주민센터를 통해 의뢰합니다.",
            fee=Service.Fee.FREE if s % 4 else Service.Fee.PARTLY_FREE, minimum_age=65 if (n + s) % 9 == 2 else None,
            service_area=cities[n % len(cities)], always_open=(n + s) % 5 == 0, open_on_holidays=(n + s) % 7 == 0,
            search_text=search_text([institution.name_ko, SERVICES[s % len(SERVICES)][0]]),
        )
        for n, institution in enumerate(made)
        for s in range(services_each)
    )  # fmt: skip
    through = [(Service.targets.through, "taxonomyterm", targets, 2), (Service.types.through, "taxonomyterm", types, 2),
               (Service.languages.through, "taxonomyterm", languages, 1)]  # fmt: skip
    for model, column, terms, count in through:
        model.objects.bulk_create(
            model(service=service, **{column: terms[(n * 7 + k * 3) % len(terms)]})
            for n, service in enumerate(services)
            for k in range(count)
        )
    OpeningHours.objects.bulk_create(
        OpeningHours(service=service, weekday=day, opens_at=datetime.time(9), closes_at=datetime.time(18))
        for service in services
        if not service.always_open
        for day in range(5)
    )


def pages(pdf: bytes) -> int:
    with pikepdf.Pdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def cpu_times() -> tuple[float, float]:
    """CPU seconds of this process, and of its worker processes that have ended (the booklet's, when it uses
    them)."""
    times = os.times()
    return times.user + times.system, times.children_user + times.children_system


def run(institutions: int, services_each: int, *, save: Path | None) -> None:
    started = time.perf_counter()
    build(institutions, services_each)
    print(f"{connection.vendor}: {institutions} institutions × {services_each} services "
          f"= {Service.objects.count()} services, built in {time.perf_counter() - started:.1f} s")  # fmt: skip
    runs = [("target", "A4", "ko", Criteria()), ("service_type", "A5", "ko", Criteria()),
            ("target", "A5", "en", Criteria()),
            ("target", "A5", "ko", Criteria(target="elderly", region="5013000000"))]  # fmt: skip
    for group_by, paper, language, criteria in runs:
        gc.collect()  # not the previous booklet's garbage
        started = time.perf_counter()
        with translation.override(language):
            booklet_content(criteria=criteria, group_by=group_by, now=timezone.now())
        read = time.perf_counter() - started
        load = os.getloadavg()[0]
        started, (own_started, workers_started) = time.perf_counter(), cpu_times()
        pdf = render_booklet(criteria=criteria, group_by=group_by, paper=paper, language=language, today=TODAY)
        total, (own, workers) = time.perf_counter() - started, cpu_times()
        own, workers = own - own_started, workers - workers_started
        subset = " elderly in 서귀포시" if criteria != Criteria() else ""
        print(f"  by {group_by:12} {paper} {language}{subset}: {total:6.2f} s ({own + workers:.2f} s CPU, "
              f"{workers:.2f} s of it in worker processes; reading the data {read:.2f} s), {pages(pdf)} pages, "
              f"{len(pdf) / 1e6:.1f} MB, load {load:.2f}")  # fmt: skip
        if save is not None:
            save.write_bytes(pdf)
            save = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--institutions", type=int, help="only this many institutions (default: 71 and 1,000)")
    parser.add_argument("--services-each", type=int, default=5, help="services per institution (default 5)")
    parser.add_argument("--save", type=Path, help="write the first PDF here")
    arguments = parser.parse_args()
    sizes = [(arguments.institutions, arguments.services_each)] if arguments.institutions else [(71, 2), (1000, 5)]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        load_jeju()
        load_taxonomy()
        for institutions, services_each in sizes:
            run(institutions, services_each, save=arguments.save)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()


if __name__ == "__main__":
    main()
