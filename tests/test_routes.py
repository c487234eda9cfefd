"""No route escapes the access tests.

Every named URL route must have at least one test marked with the access_route marker (namespace:name)
that checks who may open it (anonymous, outsider, member). Routes that take an id must also show that an
outsider gets 404 — that is the reviewer's job; this test makes sure nobody forgets the route at all.
The markers are found by reading the test files, so the check works however the suite is run.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

MARKER = re.compile(r"""mark\.access_route\(\s*["']([\w:-]+)["']\s*\)""")
# Django's own admin is covered as a whole by the admin:index test (only the technical admin gets in).
COVERED_AS_A_WHOLE = {"admin"}


def route_names(patterns: list[URLPattern | URLResolver] | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in COVERED_AS_A_WHOLE:
                names.add(f"{pattern.namespace}:index")
                continue
            names |= route_names(pattern.url_patterns, inner)
        elif pattern.name:
            names.add(f"{namespace}{pattern.name}")
        else:
            names.add(f"{namespace}<unnamed {pattern.pattern}>")
    return names


def marked_routes() -> set[str]:
    found: set[str] = set()
    root = Path(settings.BASE_DIR)
    for path in [*root.glob("jss/**/tests/**/*.py"), *root.glob("tests/**/*.py")]:
        found |= set(MARKER.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_route_has_an_access_test():
    missing = sorted(route_names() - marked_routes())
    assert not missing, f"routes without an access test (mark one with @pytest.mark.access_route): {missing}"


def test_no_access_test_names_a_route_that_does_not_exist():
    stale = sorted(marked_routes() - route_names())
    assert not stale, f"access_route markers for routes that do not exist: {stale}"


def test_views_load_objects_only_through_access_modules():
    offenders = []
    for path in Path(settings.BASE_DIR, "jss").glob("**/views.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"objects\.get\(|get_object_or_404\(", text):
            offenders.append(str(path))
    assert not offenders, f"views that load by id without access.py: {offenders}"
