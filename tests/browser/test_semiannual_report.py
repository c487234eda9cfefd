"""The semiannual report in Chromium, for the demo data (issue 7, "done when"): the secretariat opens it from
the menu, sees the charts with their data tables, downloads the PDF (Korean text and the charts' labels in
it, small cells suppressed) and the spreadsheet."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from jss.accounts.models import User
from tests.browser.conftest import artifact_path, sign_in
from tests.factories import PASSWORD


@pytest.fixture
def demo(transactional_db: None, tmp_path: Path) -> None:
    """One year of the Jeju demo (network, incidents, assessments, council activity)."""
    call_command("load_regions", "data/regions/jeju.yaml", verbosity=0)
    call_command(
        "generate_demo", "--years", "1", "--sign-ins", str(tmp_path / "sign-ins.json"),
        "--truth", str(tmp_path / "truth.json"), verbosity=0,
    )  # fmt: skip
    secretariat = User.objects.get(username="secretariat")
    secretariat.set_password(PASSWORD)
    secretariat.save(update_fields=["password"])


def test_the_secretariat_reads_and_downloads_the_semiannual_report(page: Page, live_server, demo) -> None:
    base = live_server.url
    sign_in(page, base, "secretariat")
    page.locator("nav.jss-nav").get_by_role("link", name="반기 보고서").click()
    expect(page.get_by_test_id("report-period")).to_be_visible()
    for key in ("rates", "repeat", "recurrence", "cases", "actions", "causes", "assessments", "membership"):
        expect(page.get_by_test_id(f"section-{key}")).to_be_visible()
    chart = page.get_by_test_id("chart-by_domain-rate")
    expect(chart.locator("svg")).to_be_visible()
    expect(chart.locator("table")).to_contain_text("가정폭력")  # the data table beneath the chart
    expect(page.get_by_test_id("chart-recurrence").locator("svg path").first).to_be_attached()
    page.get_by_test_id("section-repeat").scroll_into_view_if_needed()
    page.screenshot(path=str(artifact_path("semiannual-report")), full_page=False)

    with page.expect_download() as download:
        page.get_by_test_id("report-pdf").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    executable = shutil.which("pdftotext")
    if executable is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run([executable, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "반기 보고서" in text
    assert "가정폭력" in text
    assert "UK MARAC" in text  # the repeat chart's benchmark line is labelled in the PDF
    assert "<5" in text  # small cells are suppressed in what leaves the system

    with page.expect_download() as sheet:
        page.get_by_test_id("report-xlsx").click()
    assert Path(sheet.value.path()).read_bytes().startswith(b"PK")  # an XLSX is a zip
