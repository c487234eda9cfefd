"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Chromium is the one installed by the system package (/usr/bin/chromium); Playwright never downloads a
browser here. Without it the browser tests are skipped, unless JSS_REQUIRE_BROWSER=1 (CI) makes that a
failure. Every test in this folder carries the `browser` marker, so `-m "not browser"` leaves them out.

A failed test leaves a full-page screenshot in test-artifacts/<test name>.png at the repository root.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in a thread
# with a running loop unless told that this is deliberate. The live server answers in its own thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
BROWSER_DIR = Path(__file__).resolve().parent
# A local server answers in milliseconds; a selector that is not there after this long is not coming.
DEFAULT_TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    # item.rep_setup / item.rep_call / item.rep_teardown, read by the `page` fixture.
    setattr(item, f"rep_{report.when}", report)


def artifact_path(name: str) -> Path:
    """test-artifacts/<name>.png, with characters a file name should not have replaced."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / (re.sub(r"[^\w.\-\[\]]+", "_", name) + ".png")


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """screenshot(page, name) saves a full-page screenshot to test-artifacts/<name>.png for people to see."""

    def save(page: Page, name: str) -> Path:
        path = artifact_path(name)
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests"
        if os.environ.get("JSS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (JSS_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


PHONE = {"width": 390, "height": 844}


def _pages(browser: Browser, request: pytest.FixtureRequest, **options: Any) -> Iterator[Page]:
    """A fresh browser context (Korean locale, no cookies carried over); a failed test leaves a full-page
    screenshot in test-artifacts/."""
    context = browser.new_context(locale="ko-KR", **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            from playwright.sync_api import Error

            # A page that cannot be photographed must not hide the test's own failure.
            with contextlib.suppress(Error):
                page.screenshot(path=str(artifact_path(request.node.name)), full_page=True)
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A desktop page (1280×900)."""
    yield from _pages(browser, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A phone: 390×844 at device scale 2, touch."""
    yield from _pages(browser, request, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)


def sign_in(page: Page, base_url: str, username: str, *, tap: bool = False) -> None:
    """Sign in through the form as a persona (tests.factories.PASSWORD) and wait for the header to say who."""
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    page.goto(base_url + "/accounts/sign-in/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    button = page.locator("main form button[type=submit]")
    with page.expect_navigation():
        button.tap() if tap else button.click()
    expect(page.get_by_test_id("who")).to_be_visible()
