"""The semiannual report's page, PDF and spreadsheet: who reads them, the period's rules, suppression in
what leaves the system, no data for an empty period, and computing again (on the hand-computed world)."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from jss.reports.models import Snapshot

from .test_metrics import world  # noqa: F401 (a fixture)

URL = "/reports/semiannual/"
H1_2025 = {"start": "2025-01-01", "end": "2025-06-30"}


@pytest.mark.access_route("reports:semiannual")
def test_who_reads_the_report(client, as_user, secretariat, head, auditor, officer, social_worker, stranger, jeju):
    assert client.get(URL).status_code == 302  # sign in first
    for reader in (secretariat, head, auditor, officer):
        assert as_user(reader).get(URL, H1_2025).status_code == 200
    for other in (social_worker, stranger):
        assert as_user(other).get(URL, H1_2025).status_code == 403
    own = officer.membership.station
    assert as_user(officer).get(URL, H1_2025 | {"station": own.pk}).status_code == 200
    other_station = type(own).objects.exclude(pk=own.pk).first()
    assert as_user(officer).get(URL, H1_2025 | {"station": other_station.pk}).status_code == 400  # not a choice
    assert as_user(secretariat).get(URL, H1_2025 | {"station": other_station.pk}).status_code == 200


def test_the_page_shows_every_section_with_small_cells_suppressed(as_user, secretariat, world):  # noqa: F811
    html = as_user(secretariat).get(URL, H1_2025).content.decode()
    for key in ("rates", "repeat", "recurrence", "cases", "actions", "causes", "assessments", "membership"):
        assert f'id="{key}"' in html
    assert "&lt;5" in html  # the world is small: its counts are hidden
    assert "<svg" in html
    assert 'data-testid="chart-by_domain-rate"' in html
    assert Snapshot.objects.count() == 1
    as_user(secretariat).get(URL, H1_2025)
    assert Snapshot.objects.count() == 1  # read back, not computed again


def test_a_bad_or_empty_period(as_user, secretariat, jeju):
    inverted = as_user(secretariat).get(URL, {"start": "2025-06-30", "end": "2025-01-01"})
    assert inverted.status_code == 400
    assert "jss-field-error" in inverted.content.decode()
    half = as_user(secretariat).get(URL, {"start": "2025-01-01"})
    assert half.status_code == 400
    empty = as_user(secretariat).get(URL, {"start": "2019-01-01", "end": "2019-06-30"})
    assert empty.status_code == 200
    html = empty.content.decode()
    assert 'data-testid="no-data"' in html
    assert "ZeroDivision" not in html


@pytest.mark.access_route("reports:pdf")
def test_the_pdf_has_korean_text_charts_and_no_small_cells(client, as_user, secretariat, social_worker, world):  # noqa: F811
    assert as_user(social_worker).get("/reports/semiannual/report.pdf", H1_2025).status_code == 403
    response = as_user(secretariat).get("/reports/semiannual/report.pdf", H1_2025)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    executable = shutil.which("pdftotext")
    if executable is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(  # noqa: S603 (our own pdftotext)
        [executable, "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "반기" in text or "Semiannual" in text
    assert "가정폭력" in text
    assert "<5" in text


@pytest.mark.access_route("reports:xlsx")
def test_the_spreadsheet_has_a_sheet_per_section(as_user, secretariat, stranger, world):  # noqa: F811
    assert as_user(stranger).get("/reports/semiannual/report.xlsx", H1_2025).status_code == 403
    response = as_user(secretariat).get("/reports/semiannual/report.xlsx", H1_2025)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 10  # the cover and nine sections
    values = [cell for row in book.worksheets[1].iter_rows(values_only=True) for cell in row if cell]
    assert "<5" in values or any(str(value).isdigit() for value in values)
    assert "2025-01-01 – 2025-06-30" in [cell for row in book.worksheets[0].iter_rows(values_only=True) for cell in row]


@pytest.mark.access_route("reports:compute")
def test_computing_again(as_user, secretariat, auditor, world):  # noqa: F811
    as_user(secretariat).get(URL, H1_2025)
    first = Snapshot.objects.get().computed_at
    assert as_user(auditor).post("/reports/semiannual/compute/", H1_2025).status_code == 403
    response = as_user(secretariat).post(
        "/reports/semiannual/compute/", H1_2025 | {"query": "start=2025-01-01&end=2025-06-30"}
    )
    assert response.status_code == 302
    assert Snapshot.objects.get().computed_at > first


def test_a_survival_curve_is_drawn_one_step_a_day():
    from jss.reports.charts import survival_chart
    from jss.reports.figures import Curve, CurvePoint, Figure

    same_day = tuple(
        CurvePoint(days=10 + n / 1000, survival=1 - n / 2000, at_risk=1000 - n, events=1) for n in range(1, 500)
    )
    later = CurvePoint(days=100, survival=0.7, at_risk=400, events=1)
    chart = survival_chart([Curve("all", "all", Figure.count(1000), (*same_day, later))], key="k", title="t")
    assert chart.lines[0].path.count("H") == 2  # 499 points within day 11 make one step, then day 100
    assert chart.lines[0].at[0] == "75%"  # after 90 days: the last value of day 11, 1 − 499/2000
