import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jss.audit.models import AccessEvent
from jss.imports.models import PendingImport
from jss.imports.services import create_pending_import
from jss.imports.tests.sheets import csv_text, row
from jss.incidents.models import Incident

ROWS = [row(), row(source_reference="2", reported_at="2026.02.30 10:00"), row(source_reference="3", domain="?")]


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command("import_incidents", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def sheet(tmp_path):
    path = tmp_path / "reports.csv"
    path.write_bytes(csv_text(ROWS).encode("cp949"))
    return path


def test_the_command_prints_problems_per_row_and_the_counts(sheet, dongbu_station, officer):
    output = run(str(sheet), institution="dongbu-police", user="officer")
    assert "row 3, 접수일시: " in output
    assert "row 4, 유형: " in output
    assert "Created 1, unchanged 0, rows not imported 2" in output
    assert Incident.objects.get().created_by == officer
    assert AccessEvent.objects.get(verb="incidents.import").detail["created"] == 1
    assert "Created 0, unchanged 1, rows not imported 2" in run(str(sheet), institution="dongbu-police")


def test_a_dry_run_saves_nothing(sheet, dongbu_station):
    output = run(str(sheet), "--dry-run", institution="dongbu-police")
    assert "1 would be created, 0 unchanged, 2 with problems" in output
    assert not Incident.objects.exists()
    assert not AccessEvent.objects.filter(verb="incidents.import").exists()


def test_the_source_option_sets_rows_without_a_source(tmp_path, child_protection):
    path = tmp_path / "reports.csv"
    path.write_text(csv_text([row(source="")]), encoding="utf-8-sig")
    run(str(path), institution="child-protection")
    assert Incident.objects.get().source == "child_protection"  # by the institution's kind
    path.write_text(csv_text([row(source="", source_reference="B")]), encoding="utf-8-sig")
    run(str(path), institution="child-protection", source="hospital")
    assert Incident.objects.get(source_reference="B").source == "hospital"


def test_wrong_arguments_are_refused(sheet, tmp_path, dongbu_station, social_worker):
    with pytest.raises(CommandError, match="no institution"):
        run(str(sheet), institution="nowhere")
    with pytest.raises(CommandError, match="not an active member"):
        run(str(sheet), institution="dongbu-police", user="social-worker")
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path / "missing.csv"), institution="dongbu-police")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xff\xff\x80\x80")
    with pytest.raises(CommandError, match="neither UTF-8 nor CP949"):
        run(str(bad), institution="dongbu-police")


def test_expired_uploads_are_purged(officer, dongbu_station):
    old = create_pending_import(
        owner=officer, institution=dongbu_station, filename="a.csv", data=b"x", source_default="112",
        now=timezone.now() - datetime.timedelta(hours=2),
    )  # fmt: skip
    fresh = create_pending_import(
        owner=officer, institution=dongbu_station, filename="b.csv", data=b"x", source_default="112"
    )
    assert not PendingImport.objects.filter(pk=old.pk).exists()  # a new upload already deletes expired ones
    PendingImport.objects.filter(pk=fresh.pk).update(expires_at=timezone.now())
    assert "Deleted 1 expired" in run_purge()
    assert not PendingImport.objects.exists()


def run_purge() -> str:
    out = io.StringIO()
    call_command("purge_pending_imports", stdout=out)
    return out.getvalue()
