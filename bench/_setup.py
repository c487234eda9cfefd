"""Shared set-up for benchmark scripts: Django with the test settings and a throwaway database.

Run a benchmark from the repository root, e.g. `.venv/bin/python bench/directory_search.py`; set
DATABASE_URL to run it on PostgreSQL. The database is created empty and destroyed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


@contextlib.contextmanager
def throwaway_database() -> Iterator[None]:
    # No setup_test_environment(): it instruments template rendering, which would distort the timings.
    # A database name of its own, so a benchmark never drops the test suite's database.
    if connection.vendor == "postgresql":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"jss_bench_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {connection.vendor}"


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)
