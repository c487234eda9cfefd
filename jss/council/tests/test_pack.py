"""The meeting pack (PDF) per institution: names only where the institution sees the case in full."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.utils import timezone

from jss.actions import services as actions
from jss.audit.models import AccessEvent
from jss.cases.queries import age_band
from jss.council import services
from jss.council.causes import cause_factors
from jss.council.models import Meeting
from jss.council.pack import full_cases, pack_content

from .test_meetings import data

NOTE = "학교에서 아이가 자주 결석함"
WHAT = "주 1회 가정 방문 상담"


@pytest.fixture
def meeting(accepted, officer, social_worker, child_protection, wee_centre) -> Meeting:
    meeting = services.schedule(accepted.station, data(child_protection, wee_centre), actor=officer)
    services.add_research_note(meeting.items.get(), NOTE, actor=social_worker)
    actions.add_action(
        accepted,
        actions.ActionData(
            institution=child_protection, service=None, service_text="가정 방문", description=WHAT,
            due_on=timezone.localdate() + datetime.timedelta(days=14),
        ),
        actor=officer,
    )  # fmt: skip
    return meeting


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    done = subprocess.run(["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


@pytest.mark.access_route("council:pack")
def test_the_pack_names_persons_only_for_an_institution_that_sees_the_case_in_full(
    client, as_user, meeting, accepted, family, officer, social_worker, counsellor
):
    url = f"/council/{meeting.pk}/pack.pdf"
    assert client.get(url).status_code == 302  # signed out

    station = as_user(officer).get(url)
    assert station["Content-Type"] == "application/pdf"
    assert station["Content-Disposition"] == f'attachment; filename="{meeting.code}-dongbu-police.pdf"'
    text = text_of(station.content)
    assert accepted.code in text
    assert "고은비" in text
    assert NOTE in text
    assert WHAT in text

    assert "고은비" in text_of(as_user(social_worker).get(url).content)  # the lead, with a full share

    wee = as_user(counsellor).get(url)  # invited, the case not shared with it
    assert wee["Content-Disposition"] == f'attachment; filename="{meeting.code}-wee-centre.pdf"'
    text = text_of(wee.content)
    assert accepted.code in text
    assert age_band(family["victim"], timezone.localdate()) in text  # 30대
    assert "고은비" not in text
    assert "은비" not in text
    assert "양민철" not in text
    assert NOTE not in text
    assert WHAT not in text
    assert "가정 방문" in text  # the service asked for, without what exactly


def test_an_institution_not_invited_gets_404(as_user, meeting, reports, dongbu_station):
    from tests.factories import make_institution, make_member

    other = make_institution("other", "다른 상담소", region_code="5011054000")
    user = make_member("other-user", "다른사람", other, "practitioner")
    assert as_user(user).get(f"/council/{meeting.pk}/pack.pdf").status_code == 404
    assert as_user(user).get(f"/council/{meeting.pk + 1000}/pack.pdf").status_code == 404


def test_the_download_is_audited_without_personal_data(as_user, meeting, accepted, counsellor, wee_centre):
    as_user(counsellor).get(f"/council/{meeting.pk}/pack.pdf")
    event = AccessEvent.objects.get(verb="council.pack", actor=counsellor)
    assert event.purpose == "meeting pack"
    assert event.detail == {"institution": wee_centre.pk, "cases": [accepted.pk], "names": []}


def test_the_pack_is_read_in_a_fixed_number_of_queries(
    django_assert_num_queries, meeting, accepted, child_protection, wee_centre, dongbu_station
):
    assert full_cases(dongbu_station, [accepted]) == {accepted.pk}  # the station's own institution
    assert full_cases(child_protection, [accepted]) == {accepted.pk}  # a full share
    assert full_cases(wee_centre, [accepted]) == set()
    with django_assert_num_queries(11):
        pack = pack_content(meeting, wee_centre, now=timezone.now())
    [case] = pack.cases
    assert not case.full
    assert [person.name for person in case.persons] == ["", ""]
    assert case.note_count == 1
    assert case.notes == []
    assert [action.description for action in case.actions] == [""]
    assert len(case.reports) == 2
    assert all(report.in_nomination for report in case.reports)


def test_a_review_brings_the_councils_earlier_findings(
    as_user, meeting, accepted, officer, counsellor, child_protection, wee_centre
):
    item = meeting.items.get()
    secret = "음주 문제로 상담 의뢰"
    item = services.record_findings(
        item, services.Findings(decision="discussed", causes=["alcohol"], risk_rating="crisis", note=secret),
        actor=officer,
    )  # fmt: skip
    services.set_attendance(meeting, [child_protection.pk, wee_centre.pk], actor=officer)
    later = services.schedule(
        accepted.station,
        data(child_protection, wee_centre, starts_at=timezone.now() + datetime.timedelta(days=20)),
        actor=officer,
    )
    text = text_of(as_user(counsellor).get(f"/council/{later.pk}/pack.pdf").content)
    assert accepted.code in text
    assert str(cause_factors()["alcohol"]) in text
    assert str(item.get_decision_display()) in text
    assert secret not in text  # the discussion note is the minutes', not the pack's
    assert WHAT not in text
