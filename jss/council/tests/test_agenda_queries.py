"""The meeting page reads a fixed number of queries, however long its agenda (bench/cases.py measures it at
national scale)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jss.actions import services as actions
from jss.cases import services as cases
from jss.cases.models import Case, Share
from jss.council import services

from .test_meetings import data


def accepted_case(reports, officer, child_protection, n: int) -> Case:
    victim = reports.person("문", ["서아", "하린", "지안"][n], f"199{n}-06-01")
    suspect = reports.person("백", ["준호", "현우", "도현"][n], f"198{n}-09-09")
    report = reports.report(timezone.now() - datetime.timedelta(days=2 + n), victim=victim, suspect=suspect)
    nomination = cases.nominate(
        cases.NominationData(
            persons=[(victim, "victim"), (suspect, "suspect")], incidents=[report], reasons=["repeat"]
        ),
        actor=officer,
    )
    full = cases.ShareData(institution=child_protection, basis=Share.Basis.STATUTE, statute="child-welfare-act")
    return cases.accept(nomination, actor=officer, lead_institution=child_protection, lead_share=full)


@pytest.mark.parametrize("reader", ["officer", "social_worker"])
def test_the_meeting_page_does_not_grow_in_queries_with_the_agenda(
    request, as_user, reports, accepted, officer, social_worker, child_protection, wee_centre, django_assert_num_queries,
    reader,
):  # fmt: skip
    small = services.schedule(accepted.station, data(child_protection, wee_centre), actor=officer)
    for n in range(3):
        accepted_case(reports, officer, child_protection, n)
    later = data(child_protection, wee_centre, starts_at=timezone.now() + datetime.timedelta(days=10))
    big = services.schedule(accepted.station, later, actor=officer)
    for item in big.items.all():
        services.add_research_note(item, "학교 상담 기록 있음", actor=social_worker)
        actions.add_action(
            item.case,
            actions.ActionData(institution=child_protection, due_on=timezone.localdate() + datetime.timedelta(days=5),
                               description="가정 방문 상담"),
            actor=officer,
        )  # fmt: skip
    client = as_user(request.getfixturevalue(reader))
    client.get(f"/council/{small.pk}/")
    with django_assert_num_queries({"officer": 17, "social_worker": 18}[reader]) as counted:
        client.get(f"/council/{small.pk}/")
    with django_assert_num_queries(len(counted.captured_queries)):
        response = client.get(f"/council/{big.pk}/")
    rows = response.context["items"]
    assert (len(small.items.all()), len(rows)) == (1, 3)
    assert all(row["full"] and row["open_actions"] and row["note_count"] == 1 for row in rows)
