"""The inbox reads a fixed number of queries, however many actions and cases it lists (bench/cases.py measures
it at national scale)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from jss.actions import services
from jss.actions.tests.conftest import action_data, in_days
from jss.cases import services as cases
from jss.cases.models import Share


def test_the_inbox_does_not_grow_in_queries(
    as_user, reports, case, action, officer, social_worker, child_protection, django_assert_num_queries
):
    client = as_user(social_worker)
    client.get("/actions/")
    with django_assert_num_queries(14) as counted:  # with what it asked of others, and the open actions counted
        client.get("/actions/")
    # A second case, shared in full this time, with open and finished actions of the agency.
    victim = reports.person("문", "서아", "1990-06-01")
    suspect = reports.person("백", "준호", "1987-09-09")
    report = reports.report(timezone.now() - datetime.timedelta(days=2), victim=victim, suspect=suspect)
    nomination = cases.nominate(
        cases.NominationData(
            persons=[(victim, "victim"), (suspect, "suspect")], incidents=[report], reasons=["repeat"]
        ),
        actor=officer,
    )
    full = cases.ShareData(institution=child_protection, basis=Share.Basis.STATUTE, statute="child-welfare-act")
    second = cases.accept(nomination, actor=officer, lead_institution=child_protection, lead_share=full)
    for days in (3, 9):
        services.add_action(case, action_data(child_protection, due_on=in_days(days)), actor=officer)
        services.add_action(second, action_data(child_protection, due_on=in_days(days)), actor=officer)
    done = services.add_action(second, action_data(child_protection), actor=officer)
    services.update_action(done, services.UpdateData(status="done", evidence="기록"), actor=social_worker, version=1)

    with django_assert_num_queries(len(counted.captured_queries)):
        response = client.get("/actions/")
    box = response.context["inbox"]
    assert (len(box.open), len(box.finished)) == (5, 1)
    assert {row.full for row in box.open} == {True, False}, "one case in full, the other in summary"
