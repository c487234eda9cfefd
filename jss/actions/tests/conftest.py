"""An accepted case of the 동부 station for the action tests, shared with the child protection agency."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jss.actions import services
from jss.actions.models import Action
from jss.cases import services as cases
from jss.cases.models import Case, Share
from jss.cases.tests.conftest import family  # noqa: F401 (a fixture)
from jss.directory.models import Service
from jss.institutions.models import Institution
from jss.regions.models import Region


@pytest.fixture
def case(family, officer, social_worker, child_protection) -> Case:  # noqa: F811 (the family fixture)
    """Nominated by the officer, accepted with the station as lead, shared in summary with the child
    protection agency (on the Child Welfare Act)."""
    nomination = cases.nominate(
        cases.NominationData(
            persons=[(family["victim"], "victim"), (family["suspect"], "suspect")], incidents=family["incidents"],
            reasons=["repeat"],
        ),
        actor=officer,
    )  # fmt: skip
    accepted = cases.accept(nomination, actor=officer, lead_institution=officer.membership.institution)
    cases.grant_share(
        accepted,
        cases.ShareData(
            institution=child_protection, basis=Share.Basis.STATUTE, statute="child-welfare-act",
            scope=Share.Scope.SUMMARY,
        ),
        actor=officer,
    )  # fmt: skip
    return accepted


@pytest.fixture
def counselling(child_protection: Institution) -> Service:
    return Service.objects.create(
        institution=child_protection, name_ko="아동 심리상담", name_en="Child counselling",
        service_area=Region.objects.get(code="5011054000"),
    )  # fmt: skip


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def action_data(institution, /, **overrides) -> services.ActionData:
    values = {"institution": institution, "due_on": in_days(14), "description": "고은비 씨 자녀 심리상담 연계"}
    return services.ActionData(**(values | overrides))


@pytest.fixture
def action(case, officer, child_protection, counselling) -> Action:
    """Asked of the child protection agency by the officer, due in 14 days."""
    return services.add_action(case, action_data(child_protection, service=counselling), actor=officer)
