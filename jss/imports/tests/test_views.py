"""The upload → preview → confirm pages, and who may open them."""

import datetime
import io

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from jss.imports.columns import COLUMNS
from jss.imports.models import PendingImport
from jss.imports.tests.sheets import csv_text, row
from jss.incidents.models import Incident

ROWS = [
    row(source_reference="V-1", reported_at="2026-03-05 14:22"),
    row(source_reference="V-2", reported_at="2026.02.30 10:00", occurred_at=""),
    row(source_reference="V-3", victim_name="", victim_birth="", victim_sex="", victim_phone=""),
    row(source_reference="V-4", domain="아동학대", reported_at="2026-04-01 09:00", occurred_at=""),
]


def upload(client, rows=ROWS, name="reports.csv", encoding="cp949", source="112"):
    file = SimpleUploadedFile(name, csv_text(rows).encode(encoding), content_type="text/csv")
    return client.post("/imports/", {"file": file, "source": source})


def pending_id(response) -> int:
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    return int(response["Location"].strip("/").split("/")[-1])


@pytest.mark.access_route("imports:upload")
def test_practitioners_and_coordinators_upload_others_may_not(client, as_user, officer, social_worker, head, stranger):
    response = client.get("/imports/")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
    assert as_user(head).get("/imports/").status_code == 403
    assert as_user(stranger).get("/imports/").status_code == 403
    page = as_user(social_worker).get("/imports/")
    assert page.status_code == 200
    assert page.context["form"].initial["source"] == "child_protection"
    assert as_user(officer).get("/imports/").context["form"].initial["source"] == "112"
    assert upload(as_user(head)).status_code == 403
    assert not PendingImport.objects.exists()


def test_an_unreadable_file_is_refused_on_the_upload_page(as_user, officer):
    file = SimpleUploadedFile("reports.csv", b"\xff\xff\xff\x80\x80")
    response = as_user(officer).post("/imports/", {"file": file, "source": "112"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not PendingImport.objects.exists()


@pytest.mark.access_route("imports:template")
def test_the_template_is_an_xlsx_with_the_korean_headers_and_an_example_row(client, as_user, officer, head):
    assert client.get("/imports/template.xlsx").status_code == 302
    assert as_user(head).get("/imports/template.xlsx").status_code == 403
    response = as_user(officer).get("/imports/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    assert sheet["A2"].value == "예시"
    assert len(workbook.worksheets) == 2  # the guide


def test_the_template_uploaded_as_it_is_imports_nothing_and_says_why(as_user, officer):
    client = as_user(officer)
    template = client.get("/imports/template.xlsx").content
    response = client.post("/imports/", {"file": SimpleUploadedFile("template.xlsx", template), "source": "112"})
    preview = client.get(f"/imports/{pending_id(response)}/").context["preview"]
    assert preview.to_create == []
    assert [(p.row, p.column) for p in preview.problems] == [(2, "신고번호")]


@pytest.mark.access_route("imports:preview")
def test_the_preview_shows_every_problem_before_anything_is_saved(
    client, as_user, officer, counsellor, social_worker, django_assert_num_queries
):
    owner = as_user(officer)
    pending = pending_id(upload(owner))
    # session, user, membership, the upload, regions, recorded references, the header's institution (the session
    # is renewed at most once a minute); one more per 500 rows would come from the references.
    with django_assert_num_queries(7):
        response = owner.get(f"/imports/{pending}/")
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.rows, len(preview.to_create), preview.rows_with_problems) == (4, 2, 2)
    assert [(p.row, p.column) for p in preview.problems] == [(3, "접수일시"), (4, "피해자 이름")]
    html = response.content.decode()
    assert html.count("<tr>") == 1 + 2  # header and the two problems
    assert "가나다" not in html  # no personal data on the preview
    assert Incident.objects.count() == 0
    # The file belongs to its owner: anyone else gets 404, anonymous is sent to sign in.
    assert as_user(counsellor).get(f"/imports/{pending}/").status_code == 404
    assert as_user(social_worker).get(f"/imports/{pending}/").status_code == 404
    assert client.get(f"/imports/{pending}/").status_code == 302
    assert owner.get(f"/imports/{pending + 1}/").status_code == 404


def test_an_expired_upload_is_gone(as_user, officer):
    owner = as_user(officer)
    pending = pending_id(upload(owner))
    PendingImport.objects.filter(pk=pending).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert owner.get(f"/imports/{pending}/").status_code == 404
    pending_id(upload(owner))  # a new upload deletes the expired one
    assert not PendingImport.objects.filter(pk=pending).exists()


def test_the_upload_is_stored_encrypted(as_user, officer):
    pending = pending_id(upload(as_user(officer), encoding="utf-8"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM imports_pendingimport WHERE id = %s", [pending])
        stored = cursor.fetchone()[0]
    assert "6rCA64KY64uk" in PendingImport.encode("가나다".encode())
    assert stored.startswith("gAAAAA")  # a Fernet token
    assert "가나다" not in stored
    assert "6rCA64KY64uk" not in stored
    assert PendingImport.objects.get(pk=pending).data.decode().count("가나다") == 3


@pytest.mark.access_route("imports:confirm")
def test_confirm_imports_the_valid_rows_and_a_second_upload_changes_nothing(client, as_user, officer, counsellor):
    owner = as_user(officer)
    pending = pending_id(upload(owner))
    assert as_user(counsellor).post(f"/imports/{pending}/import/").status_code == 404
    assert client.post(f"/imports/{pending}/import/").status_code == 302
    assert owner.get(f"/imports/{pending}/import/").status_code == 405
    assert Incident.objects.count() == 0
    response = owner.post(f"/imports/{pending}/import/")
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.unchanged, result.skipped_rows) == (2, 0, 2)
    assert [(p.row, p.column) for p in result.skipped] == [(3, "접수일시"), (4, "피해자 이름")]
    assert set(Incident.objects.values_list("source_reference", flat=True)) == {"V-1", "V-4"}
    assert not PendingImport.objects.exists()
    assert owner.post(f"/imports/{pending}/import/").status_code == 404  # used up
    again = pending_id(upload(owner))
    assert owner.get(f"/imports/{again}/").context["preview"].unchanged_rows == [2, 5]
    result = owner.post(f"/imports/{again}/import/").context["result"]
    assert (result.created, result.unchanged, result.skipped_rows) == (0, 2, 2)
    assert Incident.objects.count() == 2


@pytest.mark.access_route("imports:cancel")
def test_cancel_deletes_the_upload_only_for_its_owner(client, as_user, officer, counsellor):
    owner = as_user(officer)
    pending = pending_id(upload(owner))
    assert as_user(counsellor).post(f"/imports/{pending}/cancel/").status_code == 404
    assert client.post(f"/imports/{pending}/cancel/").status_code == 302
    assert PendingImport.objects.filter(pk=pending).exists()
    response = owner.post(f"/imports/{pending}/cancel/")
    assert response.status_code == 302
    assert response["Location"] == "/imports/"
    assert not PendingImport.objects.exists()
    assert Incident.objects.count() == 0
