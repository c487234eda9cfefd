"""The download and upload pages around the HSDS exchange and the booklet (their contents are tested in
test_hsds.py and test_booklet.py)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jss.directory.models import Service


@pytest.mark.access_route("directory:export_json")
def test_anyone_downloads_the_hsds_json(client, directory):
    response = client.get("/directory/export/hsds.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)
    assert "제주아동보호전문기관" in json.dumps(document, ensure_ascii=False)
    assert "양수진" not in response.content.decode()  # no staff in a public export


@pytest.mark.access_route("directory:export_csv")
def test_anyone_downloads_the_hsds_csv_zip(client, directory):
    response = client.get("/directory/export/hsds-csv.zip")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


@pytest.mark.access_route("directory:import")
def test_only_the_secretariat_imports_and_a_bad_file_gets_one_message(
    client, as_user, directory, secretariat, social_worker
):
    assert client.get("/directory/import/").status_code == 302
    assert as_user(social_worker).get("/directory/import/").status_code == 403
    staff = as_user(secretariat)
    response = staff.post("/directory/import/", {"file": SimpleUploadedFile("notes.json", b"this is not json")})
    assert response.status_code == 200
    report = response.context["report"]
    assert not report.ok
    assert len(report.problems) == 1
    exported = client.get("/directory/export/hsds.json").content
    before = Service.objects.count()
    response = staff.post("/directory/import/", {"file": SimpleUploadedFile("jss.json", exported)})
    report = response.context["report"]
    assert report.ok, report.problems
    assert (report.created, report.updated) == (0, 0)
    assert Service.objects.count() == before


@pytest.mark.access_route("directory:booklet")
def test_anyone_downloads_the_booklet(client, directory):
    assert client.get("/directory/booklet/").status_code == 200
    response = client.get(
        "/directory/booklet/", {"download": "1", "paper": "A5", "group_by": "target", "edition": "ko"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:4] == b"%PDF"
    bad = client.get("/directory/booklet/", {"download": "1", "paper": "B9", "group_by": "target", "edition": "ko"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["paper"]


def test_the_same_booklet_is_rendered_once_until_the_directory_changes(client, directory, monkeypatch):
    from django.core.cache import cache

    from jss.directory import booklet
    from jss.directory.models import Service as ServiceModel

    cache.clear()
    calls: list[dict[str, object]] = []

    def fake_render(**kwargs: object) -> bytes:
        calls.append(kwargs)
        return b"%PDF-fake"

    monkeypatch.setattr(booklet, "render_booklet", fake_render)
    query = {"download": "1", "paper": "A4", "group_by": "target", "edition": "ko"}
    client.get("/directory/booklet/", query)
    client.get("/directory/booklet/", query)
    assert len(calls) == 1
    service = ServiceModel.objects.get(name_ko="노인학대 상담")
    service.name_ko = "바뀐 이름"
    service.save()
    client.get("/directory/booklet/", query)
    assert len(calls) == 2
