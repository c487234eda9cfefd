"""Each role's dashboard in Chromium: the secretariat, a station's coordinator, a practitioner and a head
open their own from the menu and find a chart drawn in SVG with its data table beneath."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from jss.dashboards.tests.conftest import world  # noqa: F401 (a fixture)
from tests.browser.conftest import artifact_path, sign_in

DASHBOARDS = [
    ("secretariat", "/dashboards/province/", "chart-rates-by_domain-rate"),
    ("officer", "/dashboards/station/", "chart-recurrence"),
    ("social-worker", "/dashboards/institution/", "chart-open_cases-cases"),
    ("head", "/dashboards/head/", "chart-against_network-institution"),
]


@pytest.mark.parametrize(("username", "path", "chart"), DASHBOARDS)
def test_each_role_opens_its_dashboard(
    page: Page,
    live_server,
    world,  # noqa: F811 (the fixture)
    username: str,
    path: str,
    chart: str,
) -> None:
    for days_ago in (5, 40, 100, 200, 300, 380):
        world.report(days_ago)
    world.grow()
    base = live_server.url
    sign_in(page, base, username)
    with page.expect_navigation():
        page.get_by_test_id("nav-dashboard").click()
    assert page.url == base + path
    figure = page.get_by_test_id(chart)
    expect(figure.locator("svg")).to_be_visible()
    expect(figure.locator("table.jss-chart-data tbody tr").first).to_be_attached()
    expect(page.get_by_test_id("live")).to_be_visible()
    page.screenshot(path=str(artifact_path(f"dashboard-{username}")), full_page=True)
